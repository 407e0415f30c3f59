// SPDX-License-Identifier: ISC

// exec.go: vmgo exec, the runner go run -exec and go test -exec call.

package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// execDefaults are vmgo exec's options in front of $VMGO_EXEC_FLAGS and
// the command line's (the last of a repeated option wins).  Go's own test
// suites need more than run's 256M: the file table of a package's testdata
// lives in guest memory, and some tests allocate hundreds of MiB (QEMU only
// backs the pages the guest touches).
var execDefaults = []string{"-m", "1G"}

// execTimeoutGrace is how long after the test binary's own -test.timeout
// vmgo exec stops the VM: the binary panics at its deadline with every
// goroutine's stack; this leaves it time to print them.
const execTimeoutGrace = 30 * time.Second

// execEnvVars are passed from the host's environment to the guest's: the
// Go runtime's own settings, which a user expects go test to honour.  More
// names can be given in $VMGO_EXEC_ENV (comma-separated).
var execEnvVars = []string{"GODEBUG", "GOGC", "GOMAXPROCS", "GOMEMLIMIT", "GOTRACEBACK"}

// execPlan is what vmgo exec adds to a run: a repackaged image, words
// (KEY=VALUE settings), and options.
type execPlan struct {
	image string   // the image to boot (a temporary copy with files, or the original)
	words []string // vmgo.* settings and environment
	opts  []string // extra vmgo run options
	temp  string   // temporary directory to remove afterwards, or ""
}

// isTestRun says whether vmgo exec runs a test binary for go test: go
// names it PKG.test, and passes -test.* flags.
func isTestRun(image string, args []string) bool {
	if strings.HasSuffix(filepath.Base(image), ".test") {
		return true
	}
	for _, a := range args {
		if strings.HasPrefix(a, "-test.") {
			return true
		}
	}
	return false
}

// testTimeout is the value of the last -test.timeout flag in args (0 if
// none or disabled).
func testTimeout(args []string) time.Duration {
	var d time.Duration
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			break // the flag package stops here
		}
		if !strings.HasPrefix(a, "-") {
			continue
		}
		a = strings.TrimPrefix(strings.TrimPrefix(a, "-"), "-")
		v := ""
		switch {
		case a == "test.timeout" && i+1 < len(args):
			v = args[i+1]
			i++
		case strings.HasPrefix(a, "test.timeout="):
			v = strings.TrimPrefix(a, "test.timeout=")
		default:
			continue
		}
		if t, err := time.ParseDuration(v); err == nil {
			d = t
		}
	}
	return d
}

// packageFiles lists what go test's working directory (the package's
// source directory) contributes to the guest: its regular files and
// symlinks (sources that tests read, such as go/* parsing themselves) and
// its testdata tree (host paths; see guestPath for where they go).  Other
// subdirectories are other packages and stay out.
func packageFiles(dir string) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var maps []string
	for _, e := range ents {
		p := filepath.Join(dir, e.Name())
		switch {
		case e.Name() == "testdata" && e.IsDir():
		case e.Type().IsRegular(), e.Type()&os.ModeSymlink != 0:
		default:
			continue
		}
		maps = append(maps, p)
	}
	sort.Strings(maps)
	return maps, nil
}

// parentTestdata lists the testdata directories of dir's parents up to
// its module's root (the first with a go.mod; at most 8 levels): Go's own
// tests read ../testdata and ../../testdata (compress/*, GOROOT/src/
// testdata), and modules share fixtures the same way.
func parentTestdata(dir string) []string {
	var l []string
	for i := 0; i < 8; i++ {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return l
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
		if st, err := os.Stat(filepath.Join(dir, "testdata")); err == nil && st.IsDir() {
			l = append(l, filepath.Join(dir, "testdata"))
		}
	}
	return nil // no module root near: keep to the package
}

// planExec works out, for a run of image with args in working directory
// cwd, the image to boot and the words and options to add.  tty says
// whether the console output goes to a terminal.  Test binaries get the
// package directory's files (packageFiles) and the testdata of its parents
// in the module (parentTestdata) through vmgo-link -files, the
// working directory set to it, a VM timeout after -test.timeout, and no
// network device unless -net says otherwise.
// Output that is not a terminal keeps the program's exact bytes
// (vmgo.onlcr=0): go test and test2json parse it.
func planExec(o runOptions, image string, args []string, cwd string, tty bool) (execPlan, error) {
	p := execPlan{image: image}
	if !tty {
		p.words = append(p.words, "vmgo.onlcr=0")
	}
	for _, name := range execEnv() {
		if v, ok := os.LookupEnv(name); ok {
			p.words = append(p.words, name+"="+v)
		}
	}
	maps, err := extraFiles(os.Getenv("VMGO_EXEC_FILES"), cwd)
	if err != nil {
		return p, err
	}
	if isTestRun(image, args) {
		if o.netMode == "" {
			// No NIC: loopback is all go test's -short runs use,
			// and the lease's console line would land in the
			// middle of the output go test parses.
			p.opts = append(p.opts, "-net=none")
		}
		if o.timeout == 0 {
			if d := testTimeout(args); d > 0 {
				p.opts = append(p.opts, "-timeout="+(d+execTimeoutGrace).String())
			}
		}
		if cwd != "" && cwd != "/" {
			pkg, err := packageFiles(cwd)
			if err != nil {
				return p, fmt.Errorf("reading the package directory: %v", err)
			}
			pkg = append(pkg, parentTestdata(cwd)...)
			for _, src := range pkg {
				maps = append(maps, src+":"+guestPath(src))
			}
			gcwd := guestPath(cwd)
			p.words = append(p.words, "vmgo.cwd="+gcwd, "PWD="+gcwd)
		}
	}
	if len(maps) == 0 {
		return p, nil
	}
	tmp, err := os.MkdirTemp("", "vmgo-exec-*")
	if err != nil {
		return p, err
	}
	p.temp = tmp
	out := filepath.Join(tmp, filepath.Base(image))
	largs := []string{}
	for _, m := range maps {
		largs = append(largs, "-files", m)
	}
	largs = append(largs, "-o", out, image)
	link := filepath.Join(selfDir(), "vmgo-link")
	cmd := exec.Command(link, largs...)
	cmd.Stdout = os.Stderr
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		return p, fmt.Errorf("adding files to the image (%s): %v", link, err)
	}
	p.image = out
	return p, nil
}

// extraFiles turns $VMGO_EXEC_FILES, SRC[:GUESTPATH][,...], into
// vmgo-link -files mappings: a relative SRC is relative to cwd, and
// without GUESTPATH the file goes to guestPath of its absolute path (where
// a test expects a file outside its package directory, such as
// ../../lib/time/zoneinfo.zip).
func extraFiles(spec, cwd string) ([]string, error) {
	var maps []string
	for _, m := range strings.Split(spec, ",") {
		if m = strings.TrimSpace(m); m == "" {
			continue
		}
		src, guest := m, ""
		if i := strings.LastIndex(m, ":/"); i >= 0 {
			src, guest = m[:i], m[i+1:]
		}
		if !filepath.IsAbs(src) {
			src = filepath.Join(cwd, src)
		}
		src = filepath.Clean(src)
		if _, err := os.Lstat(src); err != nil {
			return nil, fmt.Errorf("VMGO_EXEC_FILES: %v", err)
		}
		if guest == "" {
			guest = guestPath(src)
		}
		maps = append(maps, src+":"+guest)
	}
	return maps, nil
}

// shadowedRoot is where vmgo exec puts host paths that the guest's own
// mounts would hide: /tmp (tmpfs, empty at boot) and /dev.
const shadowedRoot = "/vmgo-host"

// guestPath is where host path p appears in the guest: the same path,
// except below /tmp and /dev, which move below shadowedRoot.
func guestPath(p string) string {
	for _, m := range []string{"/tmp", "/dev"} {
		if p == m || strings.HasPrefix(p, m+"/") {
			return shadowedRoot + p
		}
	}
	return p
}

// execEnv is execEnvVars plus the names in $VMGO_EXEC_ENV.
func execEnv() []string {
	names := append([]string{}, execEnvVars...)
	for _, n := range strings.Split(os.Getenv("VMGO_EXEC_ENV"), ",") {
		if n = strings.TrimSpace(n); n != "" {
			names = append(names, n)
		}
	}
	return names
}

// execArgv splits $VMGO_EXEC_FLAGS into words (blank-separated; '...' or
// "..." around a word with blanks).
func execArgv(s string) ([]string, error) {
	var words []string
	for {
		s = strings.TrimLeft(s, " \t\n\r")
		if s == "" {
			return words, nil
		}
		if q := s[0]; q == '\'' || q == '"' {
			end := strings.IndexByte(s[1:], q)
			if end < 0 {
				return nil, fmt.Errorf("VMGO_EXEC_FLAGS: unterminated %c", q)
			}
			words = append(words, s[1:1+end])
			s = s[2+end:]
			continue
		}
		end := strings.IndexAny(s, " \t\n\r")
		if end < 0 {
			end = len(s)
		}
		words = append(words, s[:end])
		s = s[end:]
	}
}

// cmdExec is vmgo exec: vmgo run with every word after IMAGE an argument,
// set up for go run and go test (planExec), with SIGQUIT (go test's signal
// for a test past its time) dumping the guest's threads and stopping the
// VM (quitStops).
func cmdExec(argv []string) int {
	env, err := execArgv(os.Getenv("VMGO_EXEC_FLAGS"))
	if err != nil {
		return fail("%v", err)
	}
	all := append(append(append([]string{}, execDefaults...), env...), argv...)
	o, image, _, args, err := parseRun("exec", all, io.Discard)
	if err != nil || checkImage(image, o.machine) != nil {
		// vmgo run reports it (usage, -h, a bad image) in its own way.
		return cmdRun("exec", all)
	}
	opts := all[:len(all)-len(args)-1]
	cwd, _ := os.Getwd()
	p, err := planExec(o, image, args, cwd, isTerminal(os.Stdout))
	if p.temp != "" {
		defer os.RemoveAll(p.temp)
	}
	if err != nil {
		return fail("%v", err)
	}

	quitStops = true // boot's SIGQUIT handling: thread dump, then stop (hangkey.go)
	run := append(append([]string{}, opts...), p.opts...)
	run = append(run, p.image)
	run = append(run, p.words...)
	run = append(run, "--")
	run = append(run, args...)
	return cmdRun("run", run)
}

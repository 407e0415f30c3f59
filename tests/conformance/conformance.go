// SPDX-License-Identifier: ISC

// Command conformance runs the tests of the standard-library packages in
// tests/conformance/packages.txt inside vmgo (GOOS=vmgo go test -c, booted
// by vmgo exec in the package directory) and natively (GOOS=linux), with
// -short and a per-package limit, and writes docs/conformance.md.  With
// -fast it runs only the packages marked fast, inside vmgo, and prints
// ok/FAIL/skip lines for tests/run.
//
//	go run tests/conformance/conformance.go [-fast] [-pkgs a,b] [-doc FILE]
//
// Test binaries are built once into $O/conformance/bin and reused by later
// runs while go says they are up to date (go test -c relinks only what
// changed).  Logs: $O/conformance/log/{vmgo,native}/PKG.log.
package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"
)

// pkgEntry is one line of packages.txt.
type pkgEntry struct {
	path    string
	limit   time.Duration
	fast    bool
	net     bool
	na      string // reason, if not applicable
	skips   []skip // tests left out (skips.txt)
	files   string // VMGO_EXEC_FILES for its vmgo run (files=), or ""
	dir     string // source directory (go list)
	vm, nat result
}

// skip is a line of skips.txt: a test left out of a package's run, in
// both places, with the reason.
type skip struct {
	test   string // a top-level test name
	reason string
}

// result is one package's test run in one place.
type result struct {
	status  string // ok, FAIL, timeout, build, notests, "" (not run)
	pass    int
	fail    int
	skip    int
	elapsed time.Duration
	cause   string   // one line: why it failed
	enosys  []string // libc calls the runtime does not implement, as seen
	log     string
}

// mu guards the results while the report is written during the run.
var mu sync.Mutex

var (
	flagRoot   = flag.String("root", ".", "the vmgo source tree")
	flagList   = flag.String("list", "", "package list (default ROOT/tests/conformance/packages.txt)")
	flagDoc    = flag.String("doc", "", "write the report here (e.g. docs/conformance.md)")
	flagFast   = flag.Bool("fast", false, "only the packages marked fast, inside vmgo; ok/FAIL/skip lines")
	flagPkgs   = flag.String("pkgs", "", "only these packages (comma-separated)")
	flagNative = flag.Bool("native", true, "also run the packages natively (GOOS=linux)")
	flagJobs   = flag.Int("j", 1, "VMs at a time")
	flagNet    = flag.String("net", "auto", "run packages that need networking: yes, no, auto (yes once the runtime implements socket)")
	flagLimit  = flag.Duration("timeout", 180*time.Second, "default per-package limit")
)

func main() {
	flag.Parse()
	root, err := filepath.Abs(*flagRoot)
	check(err)
	o := os.Getenv("O")
	if o == "" {
		o = "build"
	}
	if !filepath.IsAbs(o) {
		o = filepath.Join(root, o)
	}
	list := *flagList
	if list == "" {
		list = filepath.Join(root, "tests/conformance/packages.txt")
	}
	pkgs, err := readList(list)
	check(err)
	check(readSkips(filepath.Join(filepath.Dir(list), "skips.txt"), pkgs))
	pkgs = selectPkgs(pkgs)
	netOK := networkReady(root)
	out := filepath.Join(o, "conformance")
	if *flagFast {
		out += "-fast" // make test may run beside make conformance
	}
	realGo := findRealGo()
	goroot = cmdOut(realGo, "env", "GOROOT")
	check(makeGorootLink(filepath.Join(out, "gorootlink")))
	env := toolEnv(o)
	check(goList(realGo, pkgs))

	var runs []*pkgEntry
	for _, p := range pkgs {
		if p.na == "" && (!p.net || netOK) && p.dir != "" {
			runs = append(runs, p)
		}
	}
	start := time.Now()
	var wg sync.WaitGroup
	if *flagNative && !*flagFast {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, p := range runs {
				r := buildAndRun(p, "native", realGo, append(os.Environ(), "GOOS=linux", "GOARCH=amd64"), out, nil)
				mu.Lock()
				p.nat = r
				mu.Unlock()
			}
		}()
	}
	vmgo := filepath.Join(o, "bin", "vmgo")
	jobs := make(chan *pkgEntry)
	for i := 0; i < max(*flagJobs, 1); i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range jobs {
				r := buildAndRun(p, "vmgo", filepath.Join(o, "bin", "go"), env, out, []string{vmgo, "exec"})
				mu.Lock()
				p.vm = r
				if *flagDoc != "" {
					// Kept current, so an interrupted run still
					// leaves a report of what has run.
					writeDoc(*flagDoc, root, realGo, pkgs, netOK, time.Since(start), false)
				}
				mu.Unlock()
				if *flagFast {
					report(p)
				} else {
					fmt.Fprintf(os.Stderr, "%-28s vmgo %-8s %s\n", p.path, p.vm.status, p.vm.elapsed.Round(100*time.Millisecond))
				}
			}
		}()
	}
	for _, p := range runs {
		jobs <- p
	}
	close(jobs)
	wg.Wait()
	if *flagFast {
		return
	}
	if *flagDoc != "" {
		check(writeDoc(*flagDoc, root, realGo, pkgs, netOK, time.Since(start), true))
		fmt.Fprintf(os.Stderr, "wrote %s\n", *flagDoc)
	}
}

// report prints the fast subset's ok/FAIL/skip line for tests/run.
func report(p *pkgEntry) {
	r := p.vm
	switch r.status {
	case "ok":
		fmt.Printf("ok %s (%d passed, %d skipped, %s)\n", p.path, r.pass, r.skip, r.elapsed.Round(100*time.Millisecond))
	case "notests":
		fmt.Printf("skip %s: no test files\n", p.path)
	default:
		fmt.Printf("FAIL %s: %s: %s (log %s)\n", p.path, r.status, r.cause, r.log)
	}
}

func check(err error) {
	if err != nil {
		fmt.Fprintf(os.Stderr, "conformance: %v\n", err)
		os.Exit(2)
	}
}

// readList parses packages.txt.
func readList(name string) ([]*pkgEntry, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var pkgs []*pkgEntry
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		na := ""
		if i := strings.Index(line, "na:"); i >= 0 {
			na = strings.TrimSpace(line[i+3:])
			line = line[:i]
			if na == "" {
				return nil, fmt.Errorf("%s:%d: na: without a reason", name, n)
			}
		}
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		p := &pkgEntry{path: fields[0], limit: *flagLimit, na: na}
		for _, w := range fields[1:] {
			switch {
			case w == "fast":
				p.fast = true
			case w == "net":
				p.net = true
			case strings.HasPrefix(w, "timeout="):
				d, err := time.ParseDuration(w[len("timeout="):])
				if err != nil {
					return nil, fmt.Errorf("%s:%d: %v", name, n, err)
				}
				p.limit = d
			case strings.HasPrefix(w, "files="):
				p.files = w[len("files="):]
			default:
				return nil, fmt.Errorf("%s:%d: unknown word %q", name, n, w)
			}
		}
		pkgs = append(pkgs, p)
	}
	return pkgs, sc.Err()
}

// readSkips reads skips.txt: "PKG TEST reason..." lines, a test that
// cannot run in a VM (most start a copy of the test binary as a
// subprocess, which a one-process VM cannot).  It runs in neither place,
// so the two columns stay comparable; the report lists every one.
func readSkips(name string, pkgs []*pkgEntry) error {
	b, err := os.ReadFile(name)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	byPath := map[string]*pkgEntry{}
	for _, p := range pkgs {
		byPath[p.path] = p
	}
	for n, line := range strings.Split(string(b), "\n") {
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		if len(f) < 3 {
			return fmt.Errorf("%s:%d: want PKG TEST REASON", name, n+1)
		}
		if p := byPath[f[0]]; p != nil {
			p.skips = append(p.skips, skip{f[1], strings.Join(f[2:], " ")})
		}
	}
	return nil
}

// skipFlag is the -test.skip pattern for p's skips, or "".
func skipFlag(p *pkgEntry) string {
	if len(p.skips) == 0 {
		return ""
	}
	var names []string
	for _, s := range p.skips {
		names = append(names, "^"+regexp.QuoteMeta(s.test)+"$")
	}
	return strings.Join(names, "|")
}

func selectPkgs(pkgs []*pkgEntry) []*pkgEntry {
	var sel []*pkgEntry
	want := map[string]bool{}
	for _, s := range strings.Split(*flagPkgs, ",") {
		if s != "" {
			want[s] = true
		}
	}
	for _, p := range pkgs {
		if len(want) > 0 && !want[p.path] || *flagFast && !p.fast {
			continue
		}
		sel = append(sel, p)
	}
	return sel
}

// networkReady says whether packages marked net run: -net, or with auto,
// whether the runtime implements socket (it is no longer an ENOSYS stub).
func networkReady(root string) bool {
	switch *flagNet {
	case "yes":
		return true
	case "no":
		return false
	}
	b, err := os.ReadFile(filepath.Join(root, "runtime/libc/enosys.c"))
	return err == nil && !regexp.MustCompile(`(?m)^\s*X\(socket\)`).Match(b)
}

// findRealGo is the host go: $VMGO_REAL_GO, else Debian's Go 1.23.
func findRealGo() string {
	if g := os.Getenv("VMGO_REAL_GO"); g != "" {
		return g
	}
	for _, g := range []string{"/usr/lib/go-1.23/bin/go", "/usr/lib/go/bin/go"} {
		if _, err := os.Stat(g); err == nil {
			return g
		}
	}
	g, err := exec.LookPath("go")
	check(err)
	return g
}

// toolEnv is the environment for GOOS=vmgo builds: the shim's bin first.
func toolEnv(o string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PATH=") && !strings.HasPrefix(kv, "GOOS=") && !strings.HasPrefix(kv, "GOARCH=") {
			env = append(env, kv)
		}
	}
	return append(env, "PATH="+filepath.Join(o, "bin")+":"+os.Getenv("PATH"), "GOOS=vmgo")
}

// goList fills in each package's directory (none: not a package here).
func goList(goCmd string, pkgs []*pkgEntry) error {
	args := []string{"list", "-e", "-f", "{{.ImportPath}} {{.Dir}}"}
	for _, p := range pkgs {
		args = append(args, p.path)
	}
	out, err := exec.Command(goCmd, args...).Output()
	if err != nil {
		return fmt.Errorf("go list: %v", err)
	}
	dirs := map[string]string{}
	for _, l := range strings.Split(string(out), "\n") {
		if f := strings.Fields(l); len(f) == 2 {
			dirs[f[0]] = f[1]
		}
	}
	for _, p := range pkgs {
		p.dir = dirs[p.path]
	}
	return nil
}

var (
	reResult  = regexp.MustCompile(`^\s*--- (PASS|FAIL|SKIP): (\S+)`)
	reENOSYS  = regexp.MustCompile(`vmgo: (\w+): not implemented`)
	reTimeout = regexp.MustCompile(`^panic: test timed out after`)
	rePanic   = regexp.MustCompile(`^(panic: |fatal error: |vmgo: fatal|vmgo: panic|vmgo: timeout)`)
)

// buildAndRun builds p's test binary with goCmd in env and runs it (under
// runner, if any) in the package directory.
func buildAndRun(p *pkgEntry, where, goCmd string, env []string, out string, runner []string) result {
	name := strings.ReplaceAll(p.path, "/", "_")
	bin := filepath.Join(out, "bin", where, name+".test")
	logName := filepath.Join(out, "log", where, name+".log")
	os.MkdirAll(filepath.Dir(bin), 0o755)
	os.MkdirAll(filepath.Dir(logName), 0o755)
	r := result{log: logName}

	build := exec.Command(goCmd, "test", "-c", "-o", bin, p.path)
	build.Env = env
	build.Dir = p.dir
	os.Remove(bin)
	bout, err := build.CombinedOutput()
	if err != nil {
		os.WriteFile(logName, bout, 0o644)
		r.status = "build"
		r.cause = "build failed: " + firstLine(string(bout))
		return r
	}
	if _, err := os.Stat(bin); err != nil {
		os.WriteFile(logName, []byte("no test files\n"), 0o644)
		r.status = "notests"
		return r
	}

	args := append(append([]string{}, runner...), bin, "-test.short", "-test.v=true", "-test.timeout="+p.limit.String())
	if runner == nil {
		args = append(args, "-test.paniconexit0")
	}
	if f := skipFlag(p); f != "" {
		args = append(args, "-test.skip="+f)
	}
	ctx, cancel := context.WithTimeout(context.Background(), p.limit+90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	cmd.Dir = p.dir
	cmd.Env = env
	if runner == nil {
		cmd.Env = os.Environ()
	} else if p.files != "" {
		cmd.Env = append(append([]string{}, env...), "VMGO_EXEC_FILES="+expandFiles(p, bin))
	}
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGQUIT) }
	cmd.WaitDelay = 10 * time.Second
	var buf bytes.Buffer
	cmd.Stdout = &buf
	cmd.Stderr = &buf
	t0 := time.Now()
	err = cmd.Run()
	r.elapsed = time.Since(t0)
	os.WriteFile(logName, buf.Bytes(), 0o644)
	classify(&r, buf.String(), err, ctx.Err() != nil)
	return r
}

// goroot is the host Go's GOROOT, for $GOROOT in files= (set by main).
var goroot string

// gorootLink is the VMGO_EXEC_FILES mapping for $GOROOTLINK, or "".
var gorootLink string

// makeGorootLink prepares $GOROOTLINK: where GOROOT/src is a symlink on
// the host (Debian: into /usr/share/go-1.23), a directory dir holding the
// same symlink, mapped onto GOROOT, gives the guest the host's layout, so
// a package directory (embedded at its physical path, the working
// directory) is also found below GOROOT/src, as go/build's tests expect.
// Elsewhere GOROOT/src is the package directories' real parent and
// $GOROOTLINK adds nothing.
func makeGorootLink(dir string) error {
	src := filepath.Join(goroot, "src")
	st, err := os.Lstat(src)
	if err != nil || st.Mode()&os.ModeSymlink == 0 {
		return nil
	}
	target, err := filepath.EvalSymlinks(src)
	if err != nil {
		return err
	}
	os.RemoveAll(dir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := os.Symlink(target, filepath.Join(dir, "src")); err != nil {
		return err
	}
	gorootLink = dir + ":" + goroot
	return nil
}

// expandFiles turns p's files= into VMGO_EXEC_FILES: $GOROOT is the host
// Go's GOROOT (runtime.GOROOT() in the guest: the test binary's default),
// $GOROOTLINK GOROOT/src as a symlink if it is one on the host
// (makeGorootLink), and $TESTBIN the test binary, put in the package
// directory under its own name, where os.Args[0] (its base name inside
// vmgo) finds it.  The guest's working directory is the physical one
// (vmgo exec's getcwd: on Debian GOROOT/src is a symlink into
// /usr/share), so that is where.
func expandFiles(p *pkgEntry, bin string) string {
	return os.Expand(p.files, func(v string) string {
		switch v {
		case "GOROOT":
			return goroot
		case "GOROOTLINK":
			return gorootLink
		case "TESTBIN":
			dir, err := filepath.EvalSymlinks(p.dir)
			check(err)
			return bin + ":" + filepath.Join(dir, filepath.Base(bin))
		}
		check(fmt.Errorf("files=%s: unknown variable $%s", p.files, v))
		return ""
	})
}

// classify sets r's status, counts and cause from a run's output and end.
func classify(r *result, output string, err error, killed bool) {
	seen := map[string]bool{}
	var firstFail, failMsg, panicLine, last string
	lines := strings.Split(output, "\n")
	timedOut := killed
	for i, l := range lines {
		l = strings.TrimRight(l, "\r")
		if strings.TrimSpace(l) != "" {
			last = strings.TrimSpace(l)
		}
		if m := reResult.FindStringSubmatch(l); m != nil {
			switch m[1] {
			case "PASS":
				r.pass++
			case "FAIL":
				r.fail++
				if firstFail == "" {
					// With -test.v a test's log lines come
					// between its "=== RUN" and "--- FAIL".
					firstFail = m[2]
					for j := i - 1; j >= 0; j-- {
						t := strings.TrimSpace(lines[j])
						if strings.HasPrefix(t, "=== RUN   "+m[2]) || reResult.MatchString(lines[j]) {
							break
						}
						if t != "" && !strings.HasPrefix(t, "=== ") {
							failMsg = t
						}
					}
				}
			case "SKIP":
				r.skip++
			}
		}
		if m := reENOSYS.FindStringSubmatch(l); m != nil && !seen[m[1]] {
			seen[m[1]] = true
			r.enosys = append(r.enosys, m[1])
		}
		if reTimeout.MatchString(l) {
			timedOut = true
		}
		if panicLine == "" && rePanic.MatchString(l) {
			panicLine = l
		}
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) && ee.ExitCode() == 124 {
		timedOut = true
	}
	switch {
	case err == nil && !timedOut:
		r.status = "ok"
		return
	case timedOut:
		r.status = "timeout"
	default:
		r.status = "FAIL"
	}
	switch {
	case firstFail != "" && failMsg != "":
		r.cause = firstFail + ": " + failMsg
	case panicLine != "":
		r.cause = panicLine
	case firstFail != "":
		r.cause = firstFail
	default:
		r.cause = last
	}
	if r.status == "timeout" {
		r.cause = "timed out; " + r.cause
	}
	if len(r.cause) > 200 {
		r.cause = r.cause[:200] + "..."
	}
}

func firstLine(s string) string {
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			return l
		}
	}
	return strings.TrimSpace(s)
}

// readCauses reads tests/conformance/causes.txt: "PKG: explanation" lines,
// the analysed cause of a failure, shown next to the one taken from the log.
func readCauses(root string) map[string]string {
	c := map[string]string{}
	b, err := os.ReadFile(filepath.Join(root, "tests/conformance/causes.txt"))
	if err != nil {
		return c
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "#") {
			continue
		}
		if k, v, ok := strings.Cut(l, ": "); ok {
			c[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	return c
}

func cmdOut(name string, args ...string) string {
	b, err := exec.Command(name, args...).Output()
	if err != nil {
		return "?"
	}
	return strings.TrimSpace(strings.SplitN(string(b), "\n", 2)[0])
}

func fmtDur(d time.Duration) string {
	if d == 0 {
		return ""
	}
	return fmt.Sprintf("%.1fs", d.Seconds())
}

func counts(r result) string {
	if r.status == "" || r.status == "build" || r.status == "notests" {
		return ""
	}
	return fmt.Sprintf("%d/%d/%d", r.pass, r.fail, r.skip)
}

// mdEscape keeps a cause on one table-safe line.
func mdEscape(s string) string {
	s = strings.ReplaceAll(s, "|", `\|`)
	s = strings.ReplaceAll(s, "`", "'")
	return s
}

// writeDoc writes the report.
func writeDoc(name, root, realGo string, pkgs []*pkgEntry, netOK bool, took time.Duration, final bool) error {
	causes := readCauses(root)
	var b strings.Builder
	var applicable, vmPass, natPass, vmOnly, bothFail, notRun int
	var pending, na []*pkgEntry
	enosys := map[string][]string{}
	for _, p := range pkgs {
		switch {
		case p.na != "":
			na = append(na, p)
			continue
		case p.net && !netOK:
			pending = append(pending, p)
			continue
		case p.dir == "" || p.vm.status == "notests":
			continue
		case p.vm.status == "":
			notRun++
			continue
		}
		applicable++
		if p.vm.status == "ok" {
			vmPass++
		} else if p.nat.status == "ok" || !*flagNative {
			vmOnly++
		} else {
			bothFail++
		}
		if p.nat.status == "ok" {
			natPass++
		}
		for _, e := range p.vm.enosys {
			enosys[e] = append(enosys[e], p.path)
		}
	}
	rate := 0.0
	if applicable > 0 {
		rate = 100 * float64(vmPass) / float64(applicable)
	}
	commit := strings.TrimSpace(cmdOutDir(root, "git", "rev-parse", "--short", "HEAD"))
	fmt.Fprintf(&b, "# Conformance: Go's standard-library tests inside vmgo\n\n")
	fmt.Fprintf(&b, "Generated by `make conformance` (`tests/conformance/conformance.go`) on %s\n", time.Now().UTC().Format("2006-01-02 15:04 UTC"))
	fmt.Fprintf(&b, "at commit %s with %s, %s (TCG), in %s.\n", commit, cmdOut(realGo, "version"), cmdOut("qemu-system-x86_64", "--version"), took.Round(time.Second))
	fmt.Fprintf(&b, "Do not edit by hand: change `tests/conformance/packages.txt` (the list) or\n`tests/conformance/causes.txt` (analysed failure causes) and run it again.\n\n")
	if !final {
		fmt.Fprintf(&b, "**Partial report: the run was still going (or was interrupted); %d packages had not run inside vmgo yet.**\n\n", notRun)
	}
	fmt.Fprintf(&b, "**%d of %d applicable packages pass inside vmgo (%.1f%%).** Natively (GOOS=linux, same host, same flags) %d pass. ",
		vmPass, applicable, rate, natPass)
	fmt.Fprintf(&b, "Failures caused by vmgo (the package passes natively): %d; failing in both places: %d. ", vmOnly, bothFail)
	fmt.Fprintf(&b, "Pending networking: %d. Not applicable: %d.\n\n", len(pending), len(na))
	fmt.Fprintf(&b, "Each package's test binary is built once with `GOOS=vmgo go test -c` and booted by\n")
	fmt.Fprintf(&b, "`vmgo exec` (what `GOOS=vmgo go test` uses: `-m 1G -smp 1`, the package directory's files\n")
	fmt.Fprintf(&b, "and testdata embedded at the same path, working directory there, plus the files a package's\n")
	fmt.Fprintf(&b, "tests read elsewhere, named by `files=` in `packages.txt`) with `-test.short -test.v\n")
	fmt.Fprintf(&b, "-test.timeout=LIMIT`; the same flags run the `GOOS=linux` binary natively. LIMIT is 180s\n")
	fmt.Fprintf(&b, "unless `packages.txt` gives more; the VM is stopped 30s after it. Counts are `--- PASS/FAIL/SKIP`\n")
	fmt.Fprintf(&b, "lines, subtests included. Logs: `build/conformance/log/{vmgo,native}/PKG.log`.\n\n")
	fmt.Fprintf(&b, "| package | vmgo | native | pass/fail/skip (vmgo) | time (vmgo) | time (native) |\n")
	fmt.Fprintf(&b, "| --- | --- | --- | --- | --- | --- |\n")
	for _, p := range pkgs {
		if p.na != "" || p.net && !netOK || p.dir == "" {
			continue
		}
		vs, ns := p.vm.status, p.nat.status
		if vs == "" {
			vs = "not run"
		}
		if ns == "" && *flagNative {
			ns = "not run"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", p.path, vs, ns,
			counts(p.vm), fmtDur(p.vm.elapsed), fmtDur(p.nat.elapsed))
	}
	fmt.Fprintf(&b, "\n## Failures\n\n")
	nf := 0
	for _, p := range pkgs {
		if p.na != "" || p.net && !netOK || p.dir == "" || p.vm.status == "ok" || p.vm.status == "notests" || p.vm.status == "" {
			continue
		}
		nf++
		where := "vmgo only"
		switch p.nat.status {
		case "ok":
		case "":
			where = "native not run"
		default:
			where = "also natively: " + p.nat.status
		}
		fmt.Fprintf(&b, "- **%s** (%s, %s): ", p.path, p.vm.status, where)
		if c, ok := causes[p.path]; ok {
			fmt.Fprintf(&b, "%s Log: `%s`.\n", mdEscape(c), mdEscape(p.vm.cause))
		} else {
			fmt.Fprintf(&b, "`%s`\n", mdEscape(p.vm.cause))
		}
	}
	if nf == 0 {
		fmt.Fprintf(&b, "None.\n")
	}
	var natOnly []string
	for _, p := range pkgs {
		if p.vm.status == "ok" && p.nat.status != "" && p.nat.status != "ok" {
			natOnly = append(natOnly, fmt.Sprintf("- **%s** (native %s): `%s`", p.path, p.nat.status, mdEscape(p.nat.cause)))
		}
	}
	if len(natOnly) > 0 {
		fmt.Fprintf(&b, "\nPassing inside vmgo but not natively (host environment):\n\n%s\n", strings.Join(natOnly, "\n"))
	}
	fmt.Fprintf(&b, "\n## Unimplemented calls seen\n\n")
	if len(enosys) == 0 {
		fmt.Fprintf(&b, "None: no `vmgo: NAME: not implemented` line in any log.\n")
	} else {
		fmt.Fprintf(&b, "`vmgo: NAME: not implemented (ENOSYS)` lines in the logs (the test usually skips or\ncopes; a failure above names it when it does not):\n\n")
		var names []string
		for n := range enosys {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			fmt.Fprintf(&b, "- `%s`: %s\n", n, strings.Join(enosys[n], ", "))
		}
	}
	fmt.Fprintf(&b, "\n## Pending networking\n\n")
	if len(pending) == 0 {
		fmt.Fprintf(&b, "None: the runtime has sockets, so packages marked `net` ran above.\n")
	} else {
		fmt.Fprintf(&b, "These need sockets (loopback listeners), which the runtime does not have yet (issue 6):\nthey become applicable when it does (`make conformance` notices by itself).\n\n")
		for _, p := range pending {
			fmt.Fprintf(&b, "- %s\n", p.path)
		}
	}
	fmt.Fprintf(&b, "\n## Not applicable\n\n")
	for _, p := range na {
		fmt.Fprintf(&b, "- **%s**: %s\n", p.path, p.na)
	}
	fmt.Fprintf(&b, "\n## Tests left out\n\n")
	fmt.Fprintf(&b, "Left out of both runs with `-test.skip` (`tests/conformance/skips.txt`), because a VM runs\n")
	fmt.Fprintf(&b, "one program: most start a copy of the test binary (`os.Executable`, `exec.Command`), which\n")
	fmt.Fprintf(&b, "`internal/testenv` assumes works on every openbsd machine, so the tests fail instead of skipping.\n\n")
	nskip := 0
	for _, p := range pkgs {
		if len(p.skips) == 0 || p.na != "" {
			continue
		}
		var l []string
		for _, s := range p.skips {
			l = append(l, s.test+" ("+s.reason+")")
		}
		nskip += len(p.skips)
		fmt.Fprintf(&b, "- **%s**: %s\n", p.path, strings.Join(l, "; "))
	}
	if nskip == 0 {
		fmt.Fprintf(&b, "None.\n")
	}
	var notests []string
	for _, p := range pkgs {
		if p.vm.status == "notests" || p.dir == "" && p.na == "" {
			notests = append(notests, p.path)
		}
	}
	if len(notests) > 0 {
		fmt.Fprintf(&b, "\nNo test files (not counted): %s.\n", strings.Join(notests, ", "))
	}
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return err
	}
	return os.WriteFile(name, []byte(b.String()), 0o644)
}

func cmdOutDir(dir, name string, args ...string) string {
	c := exec.Command(name, args...)
	c.Dir = dir
	b, err := c.Output()
	if err != nil {
		return "?"
	}
	return string(b)
}

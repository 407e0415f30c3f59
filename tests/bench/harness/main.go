// SPDX-License-Identifier: ISC

// Command harness measures vmgo against a Linux guest running the same Go
// program under the same QEMU settings, and against the program as a host
// process; tests/bench/bench drives it (make bench) and tests/bench/run
// runs it in smoke mode (make test).  It writes results.json into -out and,
// with -doc, the Markdown report and, with -png, the chart of the ratios.
//
// Every figure is the median of -runs runs with min and max; the vmgo and
// Linux runs of a figure alternate, so a load change on the host hits both.
// A figure that cannot be measured is recorded as "not measured: why",
// never estimated.
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Options, from the command line (tests/bench/bench sets them all).
var (
	outDir      = flag.String("out", "", "directory for results.json and logs (required)")
	runs        = flag.Int("runs", 5, "runs per figure (median, min, max)")
	smoke       = flag.Bool("smoke", false, "smoke mode: prove each measurement works, print ok/FAIL/skip lines")
	vmgoHello   = flag.String("vmgo-hello", "", "vmgo image of tests/bench/hello")
	vmgoServer  = flag.String("vmgo-server", "", "vmgo image of tests/bench/server")
	hostHello   = flag.String("host-hello", "", "tests/bench/hello built GOOS=linux CGO_ENABLED=0")
	hostServer  = flag.String("host-server", "", "tests/bench/server built GOOS=linux CGO_ENABLED=0")
	kernel      = flag.String("kernel", "", "the Linux guest's kernel (empty: no Linux guest; see -no-linux)")
	kernelVer   = flag.String("kernel-version", "", "its version, for the report")
	initrdHello = flag.String("initrd-hello", "", "the Linux guest's initramfs with hello")
	initrdSrv   = flag.String("initrd-server", "", "the Linux guest's initramfs with the server")
	noLinux     = flag.String("no-linux", "", "why there is no Linux guest (reported)")
	netOK       = flag.Bool("net", false, "a tap device -tap is up here (inside the bench's network namespace)")
	noNet       = flag.String("no-net", "", "why there is no tap network (reported)")
	tapName     = flag.String("tap", "bt0", "the tap device the guests attach to")
	guestIP     = flag.String("guest-ip", "10.77.0.2", "the guests' static address (the tap side is .1)")
	vmgoNetConf = flag.String("vmgo-netconf", "vmgo.ip=10.77.0.2/24 vmgo.gw=10.77.0.1", "vmgo command-line words giving the guest its static address")
	memFlag     = flag.String("m", "256M", "QEMU -m for every guest run")
	qemu        = flag.String("qemu", "qemu-system-x86_64", "QEMU")
	accel       = flag.String("accel", "tcg", "QEMU accelerator for both guests")
	wrkThreads  = flag.Int("wrk-threads", 2, "wrk -t")
	wrkConns    = flag.Int("wrk-conns", 16, "wrk -c")
	wrkDur      = flag.Int("wrk-seconds", 10, "wrk -d (seconds)")
	wrkWarm     = flag.Int("wrk-warmup", 2, "an uncounted wrk run of this many seconds first (0: none)")
	bulkMiB     = flag.Int("bulk-mib", 64, "bytes per bulk TCP run, MiB")
	bisect      = flag.Bool("bisect", true, "find the smallest -m by bisection")
	buildDir    = flag.String("build-src", "", "tests/bench/server, copied for the build-time runs")
	goShimBin   = flag.String("vmgo-bin", "", "vmgo's bin directory (the go shim)")
	realGo      = flag.String("go", "go", "the real go")
	docPath     = flag.String("doc", "", "write the Markdown report here")
	pngPath     = flag.String("png", "", "write the chart of the ratios here (gnuplot)")
	loadNote    = flag.String("load-note", "", "what else ran on the host during the runs (reported)")
	sizesOnly   = flag.Bool("sizes-only", false, "measure the image sizes only; every other figure (and the machine, flags) comes from -base")
	baseFile    = flag.String("base", "", "with -sizes-only or -net-only: the results.json of the full run the report keeps the other figures of")
	netOnly     = flag.Bool("net-only", false, "measure the networked figures only (HTTP and bulk TCP); every other figure comes from -base")
)

// linuxCmdline is the Linux guest's kernel command line (docs/benchmarks.md
// explains each word): the console, no reboot loop, no probes a VM without
// those devices does not need, no boot-time self-tests.
const linuxCmdline = "console=ttyS0 quiet panic=-1 8250.nr_uarts=1 i8042.noaux " +
	"i8042.nopnp cryptomgr.notests tsc=reliable no_timer_check random.trust_cpu=on"

// stats of one subject's runs of a figure.
type stats struct {
	Vals   []float64 `json:"vals"`
	Median float64   `json:"median"`
	Min    float64   `json:"min"`
	Max    float64   `json:"max"`
}

func newStats(v []float64) *stats {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	m := s[len(s)/2]
	if len(s)%2 == 0 {
		m = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return &stats{Vals: v, Median: m, Min: s[0], Max: s[len(s)-1]}
}

// figure is one measured quantity for the subjects vmgo, linux and host.
type figure struct {
	Key    string            `json:"key"`
	Name   string            `json:"name"`
	Unit   string            `json:"unit"`
	Higher bool              `json:"higher_is_better"`
	Stats  map[string]*stats `json:"stats"`
	Why    map[string]string `json:"not_measured"` // subject -> reason
	Fails  map[string]string `json:"failed_runs"`  // subject -> "k of n runs failed: why"
	Note   string            `json:"note,omitempty"`
}

// Ratio is vmgo's median over the Linux guest's, 0 if either is missing.
func (f *figure) Ratio() float64 {
	v, l := f.Stats["vmgo"], f.Stats["linux"]
	if v == nil || l == nil || l.Median == 0 {
		return 0
	}
	return v.Median / l.Median
}

type results struct {
	Date string `json:"date"`
	// SizesDate: when a size-only run (-sizes-only) replaced the size
	// figures of the full run of Date.
	SizesDate string `json:"sizes_date,omitempty"`
	// NetDate and NetLoad: when a network-only run (-net-only)
	// replaced the networked figures, and the host's load around it.
	NetDate string            `json:"net_date,omitempty"`
	NetLoad string            `json:"net_load,omitempty"`
	Machine map[string]string `json:"machine"`
	Flags   map[string]string `json:"flags"`
	Figures []*figure         `json:"figures"`
}

var (
	res     = results{Machine: map[string]string{}, Flags: map[string]string{}}
	figs    = map[string]*figure{}
	failed  bool
	logSeq  int
	logLock sync.Mutex
)

func fig(key, name, unit string, higher bool) *figure {
	if f := figs[key]; f != nil {
		return f
	}
	f := &figure{Key: key, Name: name, Unit: unit, Higher: higher,
		Stats: map[string]*stats{}, Why: map[string]string{}, Fails: map[string]string{}}
	figs[key] = f
	res.Figures = append(res.Figures, f)
	return f
}

// report prints the smoke protocol's line for one subject of a figure.
func report(f *figure, subj string) {
	if !*smoke {
		if s := f.Stats[subj]; s != nil {
			fmt.Printf("%-28s %-6s median %.4g %s (min %.4g, max %.4g, n=%d)\n",
				f.Key, subj, s.Median, f.Unit, s.Min, s.Max, len(s.Vals))
			if fl := f.Fails[subj]; fl != "" {
				fmt.Printf("%-28s %-6s %s\n", f.Key, subj, fl)
			}
		} else if w := f.Why[subj]; w != "" {
			fmt.Printf("%-28s %-6s not measured: %s\n", f.Key, subj, w)
		}
		return
	}
	name := f.Key + "/" + subj
	if fl := f.Fails[subj]; fl != "" {
		fmt.Printf("FAIL %s: %s\n", name, fl)
		return
	}
	switch {
	case f.Stats[subj] != nil:
		fmt.Printf("ok %s (%.4g %s)\n", name, f.Stats[subj].Median, f.Unit)
	case strings.HasPrefix(f.Why[subj], "FAIL "):
		fmt.Printf("FAIL %s: %s\n", name, strings.TrimPrefix(f.Why[subj], "FAIL "))
	default:
		fmt.Printf("skip %s: %s\n", name, f.Why[subj])
	}
}

// reportAll reports every subject the figure has a result or a reason for.
func reportAll(f *figure) {
	for _, s := range []string{"vmgo", "linux", "host"} {
		if f.Stats[s] != nil || f.Why[s] != "" {
			report(f, s)
		}
	}
}

// measure runs one=fn(subject) -runs times per subject, alternating the
// subjects, and records the figure.  fn's error stops that subject; an
// error starting with "FAIL " is a harness failure (smoke FAIL), others
// are reasons the figure cannot be measured.
func measure(f *figure, subjects []string, n int, fn func(subj string, i int) (float64, error)) {
	vals := map[string][]float64{}
	for i := 0; i < n; i++ {
		for _, s := range subjects {
			if f.Why[s] != "" {
				continue
			}
			v, err := fn(s, i)
			if err != nil {
				f.Why[s] = err.Error()
				delete(vals, s)
				continue
			}
			vals[s] = append(vals[s], v)
		}
	}
	for _, s := range subjects {
		if len(vals[s]) > 0 && f.Why[s] == "" {
			f.Stats[s] = newStats(vals[s])
		}
		if strings.HasPrefix(f.Why[s], "FAIL ") {
			failed = true
		}
	}
	if len(subjects) > 0 {
		reportAll(f)
	}
}

func failf(format string, a ...any) error {
	return fmt.Errorf("FAIL "+format, a...)
}

// ---- guests under QEMU ----

type guest struct {
	kind    string // vmgo or linux
	machine string // pc, q35, microvm
	smp     int
	mem     string
	image   string // vmgo image or Linux kernel
	initrd  string
	args    []string // program arguments
	net     bool
}

func (g guest) name() string {
	return fmt.Sprintf("%s-%s-smp%d", g.kind, g.machine, g.smp)
}

// qemuArgs: the same machine, memory, CPUs, accelerator, CPU model and
// devices for both kinds; only the kernel, initrd and command line differ.
func (g guest) qemuArgs() []string {
	m := g.machine
	if m == "microvm" {
		m += ",auto-kernel-cmdline=off"
	}
	mem := g.mem
	if mem == "" {
		mem = *memFlag
	}
	// One vCPU under TCG gets maxcpus=2, for both kinds, as vmgo run
	// does (tools/vmgo/qemu.go smpArg): QEMU before 8.1 keeps a TCG
	// guest's memory fences only in parallel mode, and without them
	// virtio notifications get lost (docs/networking.md).
	smp := strconv.Itoa(g.smp)
	if *accel == "tcg" && g.smp == 1 {
		smp += ",maxcpus=2"
	}
	a := []string{"-M", m, "-m", mem, "-smp", smp,
		"-accel", *accel, "-cpu", "max",
		"-nodefaults", "-no-reboot", "-display", "none",
		"-serial", "stdio",
		"-device", "isa-debug-exit,iobase=0xf4,iosize=4"}
	if g.net {
		dev := "virtio-net-pci"
		if g.machine == "microvm" {
			dev = "virtio-net-device"
		}
		a = append(a, "-netdev", "tap,id=n0,ifname="+*tapName+",script=no,downscript=no,vhost=off",
			"-device", dev+",netdev=n0")
	}
	a = append(a, "-kernel", g.image)
	var cl string
	if g.kind == "vmgo" {
		cl = "vmgo.argv0=" + strings.TrimSuffix(filepath.Base(g.image), ".img") + " vmgo.boottime=1"
		if g.net {
			cl += " " + *vmgoNetConf
		}
		if len(g.args) > 0 {
			cl += " -- " + strings.Join(g.args, " ")
		}
	} else {
		a = append(a, "-initrd", g.initrd)
		cl = linuxCmdline
		if g.net {
			cl += " bench.ip=" + *guestIP + "/24"
		}
		if len(g.args) > 0 {
			cl += " bench.args=" + strings.Join(g.args, ",")
		}
	}
	return append(a, "-append", cl)
}

type line struct {
	t time.Duration
	s string
}

// running is one started guest (or host process): its console lines with
// their arrival times since the start.
type running struct {
	cmd   *exec.Cmd
	start time.Time
	lines chan line
	done  chan struct{}
	log   *os.File
	err   error
}

func start(name string, argv []string, dir string) (*running, error) {
	logLock.Lock()
	logSeq++
	path := filepath.Join(*outDir, "logs", fmt.Sprintf("%03d-%s.log", logSeq, name))
	logLock.Unlock()
	lf, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(lf, "# %s\n", strings.Join(argv, " "))
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = dir
	cmd.Stdin = nil
	cmd.Stderr = lf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	out, err := cmd.StdoutPipe()
	if err != nil {
		lf.Close()
		return nil, err
	}
	r := &running{cmd: cmd, lines: make(chan line, 4096), done: make(chan struct{}), log: lf}
	r.start = time.Now()
	if err := cmd.Start(); err != nil {
		lf.Close()
		return nil, err
	}
	go func() {
		br := bufio.NewReader(out)
		for {
			s, err := br.ReadString('\n')
			if s != "" {
				t := time.Since(r.start)
				s = strings.TrimRight(s, "\r\n")
				fmt.Fprintf(lf, "[%9.4f] %s\n", t.Seconds(), s)
				select {
				case r.lines <- line{t, s}:
				default:
				}
			}
			if err != nil {
				break
			}
		}
		r.err = cmd.Wait()
		close(r.done)
	}()
	return r, nil
}

func startGuest(g guest) (*running, error) {
	return start(g.name(), append([]string{*qemu}, g.qemuArgs()...), "")
}

// stop kills the process group and waits.
func (r *running) stop() {
	select {
	case <-r.done:
	default:
		syscall.Kill(-r.cmd.Process.Pid, syscall.SIGKILL)
		<-r.done
	}
	r.log.Close()
}

// wait for a line matching re, or the end, or the timeout.
func (r *running) waitLine(re *regexp.Regexp, timeout time.Duration) (line, []string, error) {
	var seen []string
	tm := time.NewTimer(timeout)
	defer tm.Stop()
	for {
		select {
		case l := <-r.lines:
			seen = append(seen, l.s)
			if re.MatchString(l.s) {
				return l, seen, nil
			}
		case <-r.done:
			// drain what is left
			for {
				select {
				case l := <-r.lines:
					seen = append(seen, l.s)
					if re.MatchString(l.s) {
						return l, seen, nil
					}
				default:
					return line{}, seen, fmt.Errorf("exited (%v) before %q; last: %q", r.err, re, last(seen))
				}
			}
		case <-tm.C:
			return line{}, seen, fmt.Errorf("no %q within %v; last: %q", re, timeout, last(seen))
		}
	}
}

func last(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[len(s)-1]
}

func (r *running) waitExit(timeout time.Duration) error {
	select {
	case <-r.done:
		return nil
	case <-time.After(timeout):
		return fmt.Errorf("still running after %v", timeout)
	}
}

var (
	reMain  = regexp.MustCompile(`^bench: main tsc=(\d+) mono=(\d+)`)
	reHz    = regexp.MustCompile(`^bench: tsc-hz=(\d+)`)
	reHello = regexp.MustCompile(`^bench: hello`)
	reBoot  = regexp.MustCompile(`vmgo: boottime: entry-tsc (\d+) tsc-hz (\d+) now-tsc (\d+)`)
)

// bootRun is one boot of hello: what the boot figures need.
type bootRun struct {
	wall      float64 // s, QEMU start to the main line
	guestMain float64 // s, guest's first instruction (vmgo) / kernel clock start (Linux) to main
	kmain     float64 // s, vmgo only: boot_main's entry to the Go thread's creation
	resetMain float64 // s, the vCPU's reset to main (TSC; TCG starts it at 0)
	total     float64 // s, QEMU start to its exit
}

func bootOnce(g guest, timeout time.Duration) (*bootRun, error) {
	r, err := startGuest(g)
	if err != nil {
		return nil, failf("cannot start QEMU: %v", err)
	}
	defer r.stop()
	lm, seen, err := r.waitLine(reMain, timeout)
	if err != nil {
		return nil, failf("%s: %v", g.name(), err)
	}
	lh, seen2, err := r.waitLine(reHz, 30*time.Second)
	if err != nil {
		return nil, failf("%s: %v", g.name(), err)
	}
	seen = append(seen, seen2...)
	if _, _, err := r.waitLine(reHello, 30*time.Second); err != nil {
		return nil, failf("%s: %v", g.name(), err)
	}
	if err := r.waitExit(60 * time.Second); err != nil {
		return nil, failf("%s: QEMU %v after hello", g.name(), err)
	}
	br := &bootRun{wall: lm.t.Seconds(), total: time.Since(r.start).Seconds()}
	m := reMain.FindStringSubmatch(lm.s)
	tsc, _ := strconv.ParseFloat(m[1], 64)
	mono, _ := strconv.ParseFloat(m[2], 64)
	hz, _ := strconv.ParseFloat(reHz.FindStringSubmatch(lh.s)[1], 64)
	if hz <= 0 {
		return nil, failf("%s: tsc-hz %v", g.name(), hz)
	}
	br.resetMain = tsc / hz
	if g.kind == "linux" {
		br.guestMain = mono / 1e9
	} else {
		var e []string
		for _, s := range seen {
			if e = reBoot.FindStringSubmatch(s); e != nil {
				break
			}
		}
		if e == nil {
			return nil, failf("%s: no vmgo.boottime line before main", g.name())
		}
		entry, _ := strconv.ParseFloat(e[1], 64)
		khz, _ := strconv.ParseFloat(e[2], 64)
		now, _ := strconv.ParseFloat(e[3], 64)
		br.guestMain = (tsc - entry) / khz
		br.kmain = (now - entry) / khz
	}
	return br, nil
}

// ---- networked figures ----

func guestURL(subj string) string {
	if subj == "host" {
		return "http://127.0.0.1:8080/"
	}
	return "http://" + *guestIP + ":8080/"
}

func tcpAddr(subj string, port int) string {
	if subj == "host" {
		return fmt.Sprintf("127.0.0.1:%d", port)
	}
	return fmt.Sprintf("%s:%d", *guestIP, port)
}

// server is a started server: a guest or the host process.
func startServer(subj string, smp int) (*running, error) {
	switch subj {
	case "host":
		return start("host-server", []string{*hostServer}, "")
	case "vmgo":
		return startGuest(guest{kind: "vmgo", machine: "q35", smp: smp, image: *vmgoServer, net: true})
	default:
		return startGuest(guest{kind: "linux", machine: "q35", smp: smp, image: *kernel, initrd: *initrdSrv, net: true})
	}
}

// first200 polls GET / until it answers 200; the time since the start.
func first200(r *running, subj string, timeout time.Duration) (float64, error) {
	cl := &http.Client{Timeout: 500 * time.Millisecond,
		Transport: &http.Transport{DisableKeepAlives: true}}
	deadline := r.start.Add(timeout)
	for time.Now().Before(deadline) {
		select {
		case <-r.done:
			b, _ := os.ReadFile(r.log.Name())
			return 0, fmt.Errorf("the %s server exited before answering HTTP: %s", subj, lastLines(string(b), 2))
		default:
		}
		resp, err := cl.Get(guestURL(subj))
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return time.Since(r.start).Seconds(), nil
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	b, _ := os.ReadFile(r.log.Name())
	return 0, fmt.Errorf("the %s server did not answer HTTP 200 on %s within %v (console: %s)",
		subj, guestURL(subj), timeout, lastLines(string(b), 2))
}

func lastLines(s string, n int) string {
	l := strings.Split(strings.TrimSpace(s), "\n")
	if len(l) > n {
		l = l[len(l)-n:]
	}
	return strings.Join(l, " | ")
}

var (
	reRps = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)
	reP99 = regexp.MustCompile(`(?m)^\s+99%\s+([0-9.]+)(us|ms|s)`)
	reErr = regexp.MustCompile(`Socket errors: (.*)`)
	reNon = regexp.MustCompile(`Non-2xx or 3xx responses: (\d+)`)
)

type wrkOut struct{ rps, p99ms float64 }

func runWrk(subj string, secs int) (*wrkOut, error) {
	out, err := exec.Command("wrk", "-t", strconv.Itoa(*wrkThreads), "-c", strconv.Itoa(*wrkConns),
		"-d", fmt.Sprintf("%ds", secs), "--latency", guestURL(subj)).CombinedOutput()
	if err != nil {
		return nil, failf("wrk: %v: %s", err, lastLines(string(out), 3))
	}
	s := string(out)
	m, p := reRps.FindStringSubmatch(s), reP99.FindStringSubmatch(s)
	if m == nil || p == nil {
		return nil, failf("wrk output not understood: %s", lastLines(s, 4))
	}
	if e := reErr.FindStringSubmatch(s); e != nil {
		return nil, fmt.Errorf("wrk saw socket errors against %s: %s", subj, e[1])
	}
	if e := reNon.FindStringSubmatch(s); e != nil {
		return nil, fmt.Errorf("wrk saw %s non-2xx answers from %s", e[1], subj)
	}
	w := &wrkOut{}
	w.rps, _ = strconv.ParseFloat(m[1], 64)
	w.p99ms, _ = strconv.ParseFloat(p[1], 64)
	switch p[2] {
	case "us":
		w.p99ms /= 1000
	case "s":
		w.p99ms *= 1000
	}
	return w, nil
}

// bulkDown: the server sends n bytes; MB/s (10^6 bytes) from connect to
// the last byte.
func bulkDown(subj string, n int64) (float64, error) {
	t0 := time.Now()
	c, err := net.DialTimeout("tcp", tcpAddr(subj, 9000), 5*time.Second)
	if err != nil {
		return 0, failf("bulk: %v", err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(300 * time.Second))
	fmt.Fprintf(c, "%d\n", n)
	got, err := io.CopyBuffer(io.Discard, c, make([]byte, 256<<10))
	if err != nil || got != n {
		return 0, failf("bulk from %s: %d of %d bytes (%v)", subj, got, n, err)
	}
	return float64(n) / time.Since(t0).Seconds() / 1e6, nil
}

// bulkUp: n bytes to the server, which answers the count after EOF.
func bulkUp(subj string, n int64) (float64, error) {
	t0 := time.Now()
	c, err := net.DialTimeout("tcp", tcpAddr(subj, 9001), 5*time.Second)
	if err != nil {
		return 0, failf("bulk: %v", err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(300 * time.Second))
	buf := make([]byte, 256<<10)
	for left := n; left > 0; {
		k := int64(len(buf))
		if k > left {
			k = left
		}
		if _, err := c.Write(buf[:k]); err != nil {
			return 0, failf("bulk to %s: %v", subj, err)
		}
		left -= k
	}
	c.(*net.TCPConn).CloseWrite()
	ans, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return 0, failf("bulk to %s: no count back: %v", subj, err)
	}
	if got, _ := strconv.ParseInt(strings.TrimSpace(ans), 10, 64); got != n {
		return 0, failf("bulk to %s: it counted %s bytes of %d", subj, strings.TrimSpace(ans), n)
	}
	return float64(n) / time.Since(t0).Seconds() / 1e6, nil
}

// ---- memory by bisection ----

// smallest returns the smallest MiB in [lo, hi] for which ok holds,
// assuming it holds from there on up; an error if it fails at hi.
func smallest(lo, hi int, ok func(mib int) (bool, error)) (int, error) {
	good, err := ok(hi)
	if err != nil {
		return 0, err
	}
	if !good {
		return 0, fmt.Errorf("does not run even in %d MiB", hi)
	}
	for lo < hi {
		mid := (lo + hi) / 2
		g, err := ok(mid)
		if err != nil {
			return 0, err
		}
		if g {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return hi, nil
}

func helloRuns(kind string, mib int) (bool, error) {
	g := guest{kind: kind, machine: "q35", smp: 1, mem: fmt.Sprintf("%dM", mib), image: *vmgoHello}
	if kind == "linux" {
		g.image, g.initrd = *kernel, *initrdHello
	}
	r, err := startGuest(g)
	if err != nil {
		return false, failf("cannot start QEMU: %v", err)
	}
	defer r.stop()
	if _, _, err := r.waitLine(reHello, 90*time.Second); err != nil {
		return false, nil
	}
	return r.waitExit(30*time.Second) == nil && r.cmd.ProcessState != nil, nil
}

func serverServes(kind string, mib int) (bool, error) {
	g := guest{kind: kind, machine: "q35", smp: 1, mem: fmt.Sprintf("%dM", mib), image: *vmgoServer, net: true}
	if kind == "linux" {
		g.image, g.initrd = *kernel, *initrdSrv
	}
	r, err := startGuest(g)
	if err != nil {
		return false, failf("cannot start QEMU: %v", err)
	}
	defer r.stop()
	_, err = first200(r, kind, 90*time.Second)
	return err == nil, nil
}

// ---- build time ----

func buildOnce(vmgo bool, i int) (float64, error) {
	dir, err := os.MkdirTemp(*outDir, "build-")
	if err != nil {
		return 0, failf("%v", err)
	}
	defer os.RemoveAll(dir)
	for _, f := range []string{"main.go"} {
		b, err := os.ReadFile(filepath.Join(*buildDir, f))
		if err != nil {
			return 0, failf("%v", err)
		}
		// A different file each run: the main package is compiled and
		// linked every time, the standard library comes from the cache.
		b = append(b, fmt.Sprintf("\n// build-time run %d %d\n", i, time.Now().UnixNano())...)
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
			return 0, failf("%v", err)
		}
	}
	os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module bench.example/server\n\ngo 1.21\n"), 0o644)
	var cmd *exec.Cmd
	env := []string{"GOFLAGS=", "GOTOOLCHAIN=local"}
	if vmgo {
		cmd = exec.Command(filepath.Join(*goShimBin, "go"), "build", "-o", "out.img", ".")
		env = append(env, "GOOS=vmgo", "PATH="+*goShimBin+":"+os.Getenv("PATH"), "VMGO_REAL_GO="+*realGo)
	} else {
		cmd = exec.Command(*realGo, "build", "-o", "out", ".")
		env = append(env, "GOOS=linux", "CGO_ENABLED=0")
	}
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	t0 := time.Now()
	if out, err := cmd.CombinedOutput(); err != nil {
		return 0, failf("build: %v: %s", err, lastLines(string(out), 3))
	}
	return time.Since(t0).Seconds(), nil
}

// ---- main ----

func fileSize(p string) (float64, error) {
	st, err := os.Stat(p)
	if err != nil {
		return 0, failf("%v", err)
	}
	return float64(st.Size()) / (1 << 20), nil
}

func main() {
	flag.Parse()
	if *outDir == "" || *vmgoHello == "" || *hostHello == "" {
		fmt.Fprintln(os.Stderr, "harness: -out, -vmgo-hello and -host-hello are required")
		os.Exit(2)
	}
	os.MkdirAll(filepath.Join(*outDir, "logs"), 0o755)
	haveLinux := *kernel != ""
	whyLinux := *noLinux
	if !haveLinux && whyLinux == "" {
		whyLinux = "no Linux guest kernel given"
	}
	if *sizesOnly {
		sizesOnlyRun(haveLinux, whyLinux)
		return
	}
	if *netOnly {
		netOnlyRun(haveLinux, whyLinux)
		return
	}
	res.Date = time.Now().UTC().Format("2006-01-02 15:04 UTC")
	machineInfo()
	n := *runs
	whyNet := *noNet
	if !*netOK && whyNet == "" {
		whyNet = "no tap network"
	}

	// 1. Boot to main: vmgo on each machine, Linux on pc and q35.
	for _, mach := range []string{"pc", "q35", "microvm"} {
		fw := fig("boot.wall."+mach, "boot to main, wall from QEMU start ("+mach+")", "s", false)
		fg := fig("boot.guest."+mach, "boot to main, guest's own (first instruction or kernel clock to main) ("+mach+")", "s", false)
		fr := fig("boot.reset."+mach, "boot to main, vCPU reset to main by the TSC ("+mach+")", "s", false)
		ft := fig("boot.total."+mach, "hello: QEMU start to QEMU exit ("+mach+")", "s", false)
		fk := fig("boot.runtime."+mach, "vmgo only: boot_main to starting Go (the C runtime's share of the guest's own time) ("+mach+")", "s", false)
		subj := []string{"vmgo"}
		if mach == "microvm" {
			why := "Debian's kernel hangs early on QEMU's microvm machine (\"tsc: Unable to calibrate against PIT\", \"No reference (HPET/PMTIMER) available\", then nothing for 90 s, also with pit=on,pic=on,rtc=on), so no Linux figure; vmgo's microvm figures are compared with Linux on q35"
			fw.Why["linux"], fg.Why["linux"], fr.Why["linux"], ft.Why["linux"] = why, why, why, why
		} else if haveLinux && *smoke {
			why := "smoke mode boots the Linux guest only for the server"
			fw.Why["linux"], fg.Why["linux"], fr.Why["linux"], ft.Why["linux"] = why, why, why, why
		} else if haveLinux {
			subj = append(subj, "linux")
		} else {
			fw.Why["linux"], fg.Why["linux"], fr.Why["linux"], ft.Why["linux"] = whyLinux, whyLinux, whyLinux, whyLinux
		}
		got := map[string][]*bootRun{}
		measure(fw, subj, n, func(s string, i int) (float64, error) {
			g := guest{kind: s, machine: mach, smp: 1, image: *vmgoHello}
			to := 60 * time.Second
			if s == "linux" {
				g.image, g.initrd = *kernel, *initrdHello
				to = 180 * time.Second
			}
			b, err := bootOnce(g, to)
			if err != nil {
				return 0, err
			}
			got[s] = append(got[s], b)
			return b.wall, nil
		})
		for _, x := range []struct {
			f *figure
			v func(*bootRun) float64
		}{{fg, func(b *bootRun) float64 { return b.guestMain }},
			{fr, func(b *bootRun) float64 { return b.resetMain }},
			{ft, func(b *bootRun) float64 { return b.total }},
			{fk, func(b *bootRun) float64 { return b.kmain }}} {
			for _, s := range subj {
				if x.f == fk && s != "vmgo" {
					continue
				}
				if fw.Why[s] != "" {
					x.f.Why[s] = fw.Why[s]
					continue
				}
				var v []float64
				for _, b := range got[s] {
					v = append(v, x.v(b))
				}
				x.f.Stats[s] = newStats(v)
			}
			reportAll(x.f)
		}
	}
	// The host process: exec to main (reference).
	fh := fig("boot.wall.host", "host process: exec to the main line", "s", false)
	measure(fh, []string{"host"}, n, func(s string, i int) (float64, error) {
		r, err := start("host-hello", []string{*hostHello}, "")
		if err != nil {
			return 0, failf("%v", err)
		}
		defer r.stop()
		l, _, err := r.waitLine(reMain, 10*time.Second)
		if err != nil {
			return 0, failf("%v", err)
		}
		r.waitExit(10 * time.Second)
		return l.t.Seconds(), nil
	})

	// 2. Sizes.
	measureSizes(haveLinux, whyLinux)

	// 3. Smallest -m (bisection, one search each; 1 MiB steps).
	if *bisect {
		fm := fig("mem.hello", "smallest -m at which hello runs (q35)", "MiB", false)
		lo, hi := 1, 512
		if *smoke {
			lo, hi = 8, 64
		}
		subj := []string{"vmgo"}
		if !haveLinux {
			fm.Why["linux"] = whyLinux
		} else if *smoke {
			fm.Why["linux"] = "not in smoke mode"
		} else {
			subj = append(subj, "linux")
		}
		measure(fm, subj, 1, func(s string, i int) (float64, error) {
			m, err := smallest(lo, hi, func(mib int) (bool, error) { return helloRuns(s, mib) })
			return float64(m), err
		})
		fsm := fig("mem.server", "smallest -m at which the server answers HTTP 200 (q35)", "MiB", false)
		subj = nil
		for _, s := range []string{"vmgo", "linux"} {
			switch {
			case !*netOK:
				fsm.Why[s] = whyNet
			case s == "linux" && !haveLinux:
				fsm.Why[s] = whyLinux
			case *smoke:
				fsm.Why[s] = "not in smoke mode"
			default:
				subj = append(subj, s)
			}
		}
		if len(subj) > 0 {
			measure(fsm, subj, 1, func(s string, i int) (float64, error) {
				ok, err := serverServes(s, 512)
				if err != nil || !ok {
					return 0, fmt.Errorf("the %s server does not answer HTTP even in 512 MiB", s)
				}
				m, err := smallest(16, 512, func(mib int) (bool, error) { return serverServes(s, mib) })
				return float64(m), err
			})
		} else {
			reportAll(fsm)
		}
	}

	// 4. Networked figures: first 200, wrk at -smp 1 and 2, bulk TCP.
	netFigures(n, haveLinux, whyLinux, whyNet)

	// 5. Build time.
	fb := fig("build.time", "build time of the server: GOOS=vmgo go build (vmgo) vs CGO_ENABLED=0 go build (linux)", "s", false)
	if *buildDir != "" && *goShimBin != "" {
		measure(fb, []string{"vmgo", "linux"}, n, func(s string, i int) (float64, error) {
			return buildOnce(s == "vmgo", i)
		})
	}

	res.Machine["load average at end"] = readTrim("/proc/loadavg")
	finish()
}

// measureSizes records the image sizes: the vmgo image, the Linux guest's
// kernel plus initramfs, the Go binary built for Linux (one run each: a
// file's size does not vary).
func measureSizes(haveLinux bool, whyLinux string) {
	fsz := fig("size.hello", "hello: image (vmgo) / kernel+initramfs (Linux) / binary (host)", "MiB", false)
	fss := fig("size.server", "server: image (vmgo) / kernel+initramfs (Linux) / binary (host)", "MiB", false)
	for _, x := range []struct {
		f                  *figure
		img, initrd, hostB string
	}{{fsz, *vmgoHello, *initrdHello, *hostHello}, {fss, *vmgoServer, *initrdSrv, *hostServer}} {
		measure(x.f, []string{"vmgo", "linux", "host"}, 1, func(s string, i int) (float64, error) {
			switch s {
			case "vmgo":
				return fileSize(x.img)
			case "host":
				return fileSize(x.hostB)
			}
			if !haveLinux {
				return 0, errors.New(whyLinux)
			}
			k, err := fileSize(*kernel)
			if err != nil {
				return 0, err
			}
			i2, err := fileSize(x.initrd)
			return k + i2, err
		})
	}
}

// loadBase reads the full run's results (-base) into res for a partial
// run (flag names it), clearing the figures whose keys start with one of
// prefixes, which the partial run measures anew.
func loadBase(flagName string, prefixes ...string) {
	b, err := os.ReadFile(*baseFile)
	if err == nil {
		err = json.Unmarshal(b, &res)
	}
	if err != nil || res.Date == "" {
		fmt.Fprintf(os.Stderr, "harness: %s needs -base, the results.json of a full run: %v\n", flagName, err)
		os.Exit(2)
	}
	for _, f := range res.Figures {
		figs[f.Key] = f
		for _, p := range prefixes {
			if strings.HasPrefix(f.Key, p) {
				f.Stats = map[string]*stats{}
				f.Why = map[string]string{}
				f.Fails = map[string]string{}
			}
		}
	}
	// Older full runs wrote results.json before the report noted the
	// load at the end: take that line from the report being replaced.
	const la = "load average at end"
	if old, err := os.ReadFile(*docPath); err == nil && res.Machine[la] == "" {
		for _, l := range strings.Split(string(old), "\n") {
			if v, ok := strings.CutPrefix(l, "- "+la+": "); ok {
				res.Machine[la] = v
			}
		}
	}
}

// sizesOnlyRun is -sizes-only: the full run's results (-base) with the
// size figures measured anew, written as results.json and the report
// (which says which figures come from which run).
func sizesOnlyRun(haveLinux bool, whyLinux string) {
	loadBase("-sizes-only", "size.")
	res.SizesDate = time.Now().UTC().Format("2006-01-02 15:04 UTC")
	measureSizes(haveLinux, whyLinux)
	finish()
}

// netOnlyRun is -net-only: the full run's results (-base) with the
// networked figures (HTTP at -smp 1 and 2, bulk TCP) measured anew, as
// the full run measures them, written as results.json and the report
// (which says which figures come from which run, and the load of each).
func netOnlyRun(haveLinux bool, whyLinux string) {
	loadBase("-net-only", "http.", "tcp.")
	whyNet := *noNet
	if !*netOK && whyNet == "" {
		whyNet = "no tap network"
	}
	res.NetDate = time.Now().UTC().Format("2006-01-02 15:04 UTC")
	start := readTrim("/proc/loadavg")
	netFigures(*runs, haveLinux, whyLinux, whyNet)
	res.NetLoad = fmt.Sprintf("%s at the start, %s at the end", start, readTrim("/proc/loadavg"))
	finish()
}

func netFigures(n int, haveLinux bool, whyLinux, whyNet string) {
	f200 := fig("http.first200", "time to the first HTTP 200 from starting QEMU (q35, -smp 1)", "s", false)
	var wr [2][2]*figure
	for i, smp := range []int{1, 2} {
		wr[i][0] = fig(fmt.Sprintf("http.rps.smp%d", smp), fmt.Sprintf("HTTP requests/s, wrk (-smp %d)", smp), "req/s", true)
		wr[i][1] = fig(fmt.Sprintf("http.p99.smp%d", smp), fmt.Sprintf("HTTP p99 latency, wrk (-smp %d)", smp), "ms", false)
	}
	fdown := fig("tcp.bulk.out", "bulk TCP, server to client (guest to host)", "MB/s", true)
	fup := fig("tcp.bulk.in", "bulk TCP, client to server (host to guest)", "MB/s", true)
	all := []*figure{f200, wr[0][0], wr[0][1], wr[1][0], wr[1][1], fdown, fup}
	subj := []string{}
	for _, s := range []string{"vmgo", "linux", "host"} {
		why := ""
		switch {
		case !*netOK && s != "host":
			why = whyNet
		case s == "linux" && !haveLinux:
			why = whyLinux
		case s == "vmgo" && *vmgoServer == "":
			why = "no vmgo server image"
		}
		if why != "" {
			for _, f := range all {
				f.Why[s] = why
			}
			continue
		}
		subj = append(subj, s)
	}
	secs := *wrkDur
	bulk := int64(*bulkMiB) << 20
	smps := []int{1, 2}
	if *smoke {
		smps = smps[:1]
		for _, f := range wr[1] {
			for _, s := range subj {
				f.Why[s] = "smoke mode runs -smp 1 only"
			}
		}
	}
	for _, s := range subj {
		if s == "host" {
			// The host process has the host's CPUs whatever -smp says.
			wr[1][0].Why[s] = "the host process is not limited to -smp CPUs; see -smp 1"
			wr[1][1].Why[s] = wr[1][0].Why[s]
		}
	}
	// Rounds: in each, every subject in turn gets a fresh server (one at
	// a time: the guests share the tap and the address), which gives one
	// time-to-first-200 (-smp 1), one wrk run and one bulk run each way.
	vals := map[*figure]map[string][]float64{}
	add := func(f *figure, s string, v float64) {
		if vals[f] == nil {
			vals[f] = map[string][]float64{}
		}
		vals[f][s] = append(vals[f][s], v)
	}
	// A failed run is counted and the next round tries again: a guest
	// that fails now and then gets its figure from the runs that worked
	// and the count of those that did not.
	fails := map[*figure]map[string][]string{}
	failRun := func(f *figure, s string, err error) {
		if fails[f] == nil {
			fails[f] = map[string][]string{}
		}
		fails[f][s] = append(fails[f][s], strings.TrimPrefix(err.Error(), "FAIL "))
	}
	stopSubj := func(i int, s string, err error) {
		fs := []*figure{wr[i][0], wr[i][1]}
		if i == 0 {
			fs = append(fs, f200, fdown, fup)
		}
		for _, f := range fs {
			failRun(f, s, err)
		}
	}
	dead, served := map[string]bool{}, map[string]int{}
	for k := 0; k < n; k++ {
		for i, smp := range smps {
			for _, s := range subj {
				if wr[i][0].Why[s] != "" || dead[s] {
					continue
				}
				r, err := startServer(s, smp)
				if err != nil {
					stopSubj(i, s, failf("%v", err))
					dead[s] = true
					continue
				}
				to := 60 * time.Second
				if s == "linux" {
					to = 180 * time.Second
				}
				t, err := first200(r, s, to)
				if err != nil {
					r.stop()
					stopSubj(i, s, err)
					// Never answered yet: it will not in the next
					// rounds either (no networking, say); stop.
					dead[s] = served[s] == 0
					continue
				}
				served[s]++
				if i == 0 {
					add(f200, s, t)
				}
				if *wrkWarm > 0 {
					runWrk(s, *wrkWarm)
				}
				w, err := runWrk(s, secs)
				if err != nil {
					failRun(wr[i][0], s, err)
					failRun(wr[i][1], s, err)
				} else {
					add(wr[i][0], s, w.rps)
					add(wr[i][1], s, w.p99ms)
				}
				if i == 0 {
					for _, x := range []struct {
						f  *figure
						fn func(string, int64) (float64, error)
					}{{fdown, bulkDown}, {fup, bulkUp}} {
						if x.f.Why[s] != "" {
							continue
						}
						v, err := x.fn(s, bulk)
						if err != nil {
							failRun(x.f, s, err)
							continue
						}
						add(x.f, s, v)
					}
				}
				r.stop()
			}
		}
	}
	for _, f := range all {
		for _, s := range subj {
			fl := fails[f][s]
			if f.Why[s] == "" && len(vals[f][s]) > 0 {
				f.Stats[s] = newStats(vals[f][s])
				if len(fl) > 0 {
					f.Fails[s] = fmt.Sprintf("%d of %d runs failed, first: %s",
						len(fl), len(fl)+len(vals[f][s]), fl[0])
				}
			} else if f.Why[s] == "" && len(fl) > 0 {
				f.Why[s] = fmt.Sprintf("every run failed (%d), first: %s", len(fl), fl[0])
				if *smoke {
					f.Why[s] = "FAIL " + f.Why[s]
				}
			}
			if strings.HasPrefix(f.Why[s], "FAIL ") || f.Fails[s] != "" {
				failed = true
			}
		}
		reportAll(f)
	}
}

// finish writes results.json and the report; exit status 1 if a
// measurement failed.
func finish() {
	writeResults()
	if *docPath != "" {
		if err := writeDoc(*docPath, *pngPath); err != nil {
			fmt.Fprintf(os.Stderr, "harness: %v\n", err)
			os.Exit(1)
		}
	}
	if failed {
		os.Exit(1)
	}
}

func writeResults() {
	b, _ := json.MarshalIndent(res, "", "  ")
	os.WriteFile(filepath.Join(*outDir, "results.json"), b, 0o644)
}

// SPDX-License-Identifier: ISC

// run.go: vmgo run and vmgo exec: boot an image under QEMU.

package main

import (
	"bytes"
	"debug/elf"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"time"
	"unsafe"
)

const runUsage = `usage: vmgo run [options] IMAGE [KEY=VALUE ...] [-- ARG ...]
       vmgo exec [options] IMAGE [ARG ...]

Boots IMAGE (built with GOOS=vmgo go build) under QEMU with the console on
this terminal and exits with the program's exit status.  KEY=VALUE words
become the program's environment (vmgo.* keys configure the runtime); words
after -- become os.Args[1:].  vmgo exec takes every word after IMAGE as an
argument (the form go run -exec and go test -exec use).

options:
`

const runUsageTail = `
environment: VMGO_QEMU (QEMU binary), VMGO_ACCEL (kvm, tcg, auto).
exit status: the program's; 124 after -timeout; 125 when vmgo or QEMU
failed or the guest stopped without reporting a status; 2 for a malformed
-net or -p, or a -profile FILE that cannot be created.
hang key: Ctrl-\ (SIGQUIT) makes the guest print every thread's state and
carry on; twice within a second stops it.
`

// listFlag collects a repeatable option.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, " ") }
func (l *listFlag) Set(s string) error { *l = append(*l, s); return nil }

// runOptions are vmgo run's options.
type runOptions struct {
	machine  string
	mem      string
	smp      int
	accel    string
	timeout  time.Duration
	qemuArgs listFlag
	debugcon string
	gdbPort  int
	verbose  bool
	dryRun   bool
	netMode  string   // -net: "" (user), user, none, tap:NAME
	ports    listFlag // -p, repeatable
	net      netConfig
	profile  string // -profile: the report file ("" no profiling)
	profHz   int    // -profile-hz, clamped to profileHzMin..profileHzMax
}

var memRE = regexp.MustCompile(`^[0-9]+[KMGTkmgt]?$`)

// parseRun parses vmgo run's (or exec's) arguments into options, the
// image, the words before "--" and the program arguments.
func parseRun(name string, argv []string, stderr io.Writer) (o runOptions, image string, words, args []string, err error) {
	fs := flag.NewFlagSet("vmgo "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, runUsage)
		fs.PrintDefaults()
		fmt.Fprint(stderr, runUsageTail)
	}
	accel := os.Getenv("VMGO_ACCEL")
	if accel == "" {
		accel = "auto"
	}
	fs.StringVar(&o.machine, "machine", "q35", "QEMU machine: pc, q35 or microvm (PVH boot)")
	fs.StringVar(&o.mem, "m", "256M", "guest memory (QEMU -m syntax: 256M, 1G)")
	fs.IntVar(&o.smp, "smp", 1, "number of CPUs")
	fs.StringVar(&o.accel, "accel", accel, "accelerator: kvm, tcg or auto (the default comes from $VMGO_ACCEL)")
	fs.DurationVar(&o.timeout, "timeout", 0, "stop QEMU and exit 124 after this long (e.g. 90s, 5m; 0: never)")
	fs.Var(&o.qemuArgs, "qemu-arg", "one extra QEMU argument (repeatable: -qemu-arg -s -qemu-arg -S)")
	fs.StringVar(&o.debugcon, "debugcon", "", "keep the debug console output (isa-debugcon, port 0xe9) in this file")
	fs.IntVar(&o.gdbPort, "gdb", 0, "start QEMU's gdb stub on 127.0.0.1:PORT and wait for a debugger before the first instruction")
	fs.StringVar(&o.netMode, "net", "", "network: user (QEMU user networking, the default), none, or tap:NAME (an existing tap device)")
	fs.Var(&o.ports, "p", "forward a host port to the guest, [HOSTADDR:]HOSTPORT:GUESTPORT[/tcp|/udp]\n(repeatable; HOSTADDR defaults to 127.0.0.1; user networking only)")
	fs.StringVar(&o.profile, "profile", "", "sample every vCPU's RIP while the guest runs and write a histogram by function to FILE")
	fs.IntVar(&o.profHz, "profile-hz", profileHzDefault, "samples a second for -profile (1 to 1000)")
	fs.BoolVar(&o.verbose, "v", false, "print the QEMU command line")
	fs.BoolVar(&o.dryRun, "n", false, "print the QEMU command line and exit without running it")
	if err = fs.Parse(argv); err != nil {
		return
	}
	switch o.machine {
	case "pc", "q35", "microvm":
	default:
		err = fmt.Errorf("-machine %s: use pc, q35 or microvm", o.machine)
		return
	}
	if !memRE.MatchString(o.mem) {
		err = fmt.Errorf("-m %s: give a size like 256M or 1G", o.mem)
		return
	}
	if o.smp < 1 || o.smp > 255 {
		err = fmt.Errorf("-smp %d: give 1 to 255 CPUs", o.smp)
		return
	}
	if o.timeout < 0 {
		err = fmt.Errorf("-timeout %v: must not be negative", o.timeout)
		return
	}
	if o.gdbPort < 0 || o.gdbPort > 65535 {
		err = fmt.Errorf("-gdb %d: give a TCP port, e.g. -gdb 1234", o.gdbPort)
		return
	}
	if o.net, err = parseNet(o.netMode, o.ports); err != nil {
		return
	}
	var msg string
	if o.profHz, msg = clampProfileHz(o.profHz); msg != "" {
		fmt.Fprintf(stderr, "vmgo: %s\n", msg)
	}
	rest := fs.Args()
	if len(rest) == 0 {
		err = errors.New("no image given (usage: vmgo " + name + " [options] IMAGE ...; vmgo help run)")
		return
	}
	image, rest = rest[0], rest[1:]
	if name == "exec" {
		return o, image, nil, rest, nil
	}
	words, args, err = splitWords(rest)
	return
}

// checkImage gives a clear error for the common mistakes: no such file,
// not an ELF file, a program built for the host instead of GOOS=vmgo.  An
// image needs a multiboot header; on microvm a PVH note alone will do.
func checkImage(image, machine string) error {
	f, err := os.Open(image)
	if err != nil {
		return fmt.Errorf("cannot open image: %v", unwrapPathErr(err))
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.IsDir() {
		return fmt.Errorf("%s is a directory, not an image", image)
	}
	head := make([]byte, 8192)
	n, _ := io.ReadFull(f, head)
	head = head[:n]
	if !bytes.HasPrefix(head, []byte("\x7fELF")) {
		return fmt.Errorf("%s is not a vmgo image (not an ELF file); build one with GOOS=vmgo go build", image)
	}
	for off := 0; off+4 <= len(head); off += 4 {
		if head[off] == 0x02 && head[off+1] == 0xb0 && head[off+2] == 0xad && head[off+3] == 0x1b {
			return nil
		}
	}
	if machine == "microvm" && hasPVHNote(image) {
		return nil
	}
	return fmt.Errorf("%s has no multiboot header: it is not a vmgo image (build it with PATH=<vmgo>/bin:$PATH GOOS=vmgo go build)", image)
}

// hasPVHNote says whether image has the ELF note QEMU's PVH loader looks
// for: owner "Xen", type XEN_ELFNOTE_PHYS32_ENTRY (18), Xen's
// public/elfnote.h.
func hasPVHNote(image string) bool {
	f, err := elf.Open(image)
	if err != nil {
		return false
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type != elf.PT_NOTE {
			continue
		}
		data, err := io.ReadAll(p.Open())
		if err != nil {
			continue
		}
		for len(data) >= 12 {
			bo := f.ByteOrder
			namesz, descsz, typ := bo.Uint32(data), bo.Uint32(data[4:]), bo.Uint32(data[8:])
			nameEnd := 12 + int(namesz+3)&^3
			next := nameEnd + int(descsz+3)&^3
			if next > len(data) || nameEnd > len(data) {
				break
			}
			if typ == 18 && namesz == 4 && string(data[12:15]) == "Xen" {
				return true
			}
			data = data[next:]
		}
	}
	return false
}

// cmdRun is vmgo run (name "run") and vmgo exec (name "exec").
func cmdRun(name string, argv []string) int {
	o, image, words, args, err := parseRun(name, argv, os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	var ue *usageError
	if errors.As(err, &ue) {
		fail("%v", err)
		return exitUsage
	}
	if err != nil {
		return fail("%v", err)
	}
	if err := checkImage(image, o.machine); err != nil {
		return fail("%v", err)
	}
	line, err := buildCmdline(imageName(image), words, args)
	if err != nil {
		return fail("%v", err)
	}
	q, err := findQEMU()
	if err != nil {
		return fail("%v", err)
	}
	if o.machine == "microvm" && !q.hasMachine("microvm") {
		return fail("%s has no microvm machine; use -machine q35 or a QEMU built with microvm", q.path)
	}
	if err := q.loadVersion(); err != nil {
		return fail("%v", err)
	}
	ac, err := chooseAccel(o.accel, defaultHost(), q, image)
	if err != nil {
		return fail("%v", err)
	}

	dbg := o.debugcon
	if dbg == "" {
		f, err := os.CreateTemp("", "vmgo-debugcon-*")
		if err != nil {
			return fail("%v", err)
		}
		f.Close()
		dbg = f.Name()
		defer os.Remove(dbg)
	}
	// QEMU's QMP socket, through which the hang key sends an NMI.
	qmpDir, err := os.MkdirTemp("", "vmgo-qmp-*")
	if err != nil {
		return fail("%v", err)
	}
	defer os.RemoveAll(qmpDir)
	qmpPath := filepath.Join(qmpDir, "qmp.sock")
	// -profile samples through a QMP socket of its own: QEMU serves one
	// client a socket, and the hang key must still get through.
	profQMP := ""
	if o.profile != "" {
		profQMP = filepath.Join(qmpDir, "profile.sock")
	}
	qargs := qemuArgs(runConfig{
		machine: o.machine, mem: o.mem, smp: o.smp, accel: ac.accel,
		image: image, cmdline: line, debugcon: dbg, gdbPort: o.gdbPort,
		net: o.net, qmp: qmpPath, profileQMP: profQMP, extra: o.qemuArgs,
		tcgFences: qemuDropsFences(q.version),
	})
	if o.verbose || o.dryRun {
		fmt.Fprintf(os.Stderr, "vmgo: accelerator %s: %s\n", ac.accel, ac.reason)
		fmt.Fprintf(os.Stderr, "vmgo: network %s\n", o.net)
		fmt.Fprintf(os.Stderr, "vmgo: %s\n", shellQuote(append([]string{q.path}, qargs...)))
	}
	if o.dryRun {
		return 0
	}
	var prof *profiler
	if o.profile != "" {
		if prof, err = newProfiler(o.profile, image, profQMP, o.profHz); err != nil {
			fail("%v", err)
			return exitUsage
		}
	}
	if o.gdbPort != 0 {
		fmt.Fprintf(os.Stderr, "vmgo: QEMU waits for a debugger on 127.0.0.1:%d; attach with\n"+
			"  gdb %s -ex 'target remote 127.0.0.1:%d' -ex 'break main.main' -ex continue\n",
			o.gdbPort, shellQuote([]string{image}), o.gdbPort)
	}
	return boot(q.path, qargs, dbg, qmpPath, o.timeout, prof)
}

// boot runs QEMU to the end and maps how it ended to an exit status.
// SIGQUIT is the hang key: with qmp set, the first one asks the guest for
// a thread dump (an NMI through QMP), a second within hangKeyRepeat stops
// QEMU.  QEMU itself is started with SIGQUIT ignored, so Ctrl-\ on the
// terminal, which signals the whole foreground process group, does not
// kill it.  prof (nil: none) samples the guest while QEMU runs and
// writes its report once QEMU has stopped, however it stopped.
func boot(qemuPath string, qargs []string, debugcon, qmp string, timeout time.Duration, prof *profiler) int {
	defer prof.finish() // when QEMU did not start
	cmd := exec.Command(qemuPath, qargs...)
	stdin, err := consoleInput(os.Stdin, debugcon)
	if err != nil {
		return fail("%v", err)
	}
	cmd.Stdin = stdin
	cmd.Stdout = os.Stdout
	var errBuf tailBuffer
	cmd.Stderr = io.MultiWriter(os.Stderr, &errBuf)

	// Catch the signals before QEMU starts; QEMU gets them forwarded (it
	// may also get SIGINT straight from the terminal: that is harmless).
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(sigs)

	// An ignored signal stays ignored across fork and exec (only caught
	// ones are reset), so QEMU inherits SIG_IGN for SIGQUIT; vmgo catches
	// it again once QEMU is started.
	signal.Ignore(syscall.SIGQUIT)
	err = cmd.Start()
	quits := make(chan os.Signal, 4)
	signal.Notify(quits, syscall.SIGQUIT)
	defer signal.Stop(quits)
	if err != nil {
		return fail("cannot start %s: %v", qemuPath, err)
	}
	prof.begin()
	if stdin != os.Stdin {
		stdin.Close() // QEMU holds its own copy of the pipe's read end
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()

	var timer <-chan time.Time
	if timeout > 0 {
		t := time.NewTimer(timeout)
		defer t.Stop()
		timer = t.C
	}
	var interrupted os.Signal
	var lastQuit time.Time
	timedOut := false
	var werr error
wait:
	for {
		select {
		case werr = <-done:
			break wait
		case s := <-sigs:
			interrupted = s
			cmd.Process.Signal(s)
		case s := <-quits:
			if qmp == "" || time.Since(lastQuit) < hangKeyRepeat {
				interrupted = s
				werr = stop(cmd, done)
				break wait
			}
			lastQuit = time.Now()
			// Say it before the NMI, so the line does not land in
			// the middle of the dump.
			if quitStops {
				fmt.Fprintf(os.Stderr, "\nvmgo: SIGQUIT: sending an NMI, the guest prints its threads; stopping the VM in %v\n", hangKeyRepeat)
			} else {
				fmt.Fprintf(os.Stderr, "\nvmgo: hang key: sending an NMI, the guest prints its threads "+
					"(Ctrl-\\ again within %v stops it)\n", hangKeyRepeat)
			}
			if err := qmpNMI(qmp); err != nil {
				fmt.Fprintf(os.Stderr, "vmgo: hang key: no thread dump: %v\n", err)
			}
			if quitStops {
				select {
				case werr = <-done:
					break wait
				case <-time.After(hangKeyRepeat):
				}
				interrupted = s
				werr = stop(cmd, done)
				break wait
			}
		case <-timer:
			timedOut = true
			werr = stop(cmd, done)
			break wait
		}
	}
	prof.finish()

	if timedOut {
		fmt.Fprintf(os.Stderr, "vmgo: timeout: the guest was still running after %v; QEMU stopped\n", timeout)
		return exitTimeout
	}
	end := qemuEnd{stderr: errBuf.String()}
	end.debugcon, _ = os.ReadFile(debugcon)
	end.code = 0
	var ee *exec.ExitError
	if errors.As(werr, &ee) {
		end.code = ee.ExitCode()
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			end.code = -1
			end.signal = sigName(ws.Signal())
		}
	} else if werr != nil {
		return fail("waiting for QEMU: %v", werr)
	}
	if interrupted != nil {
		if n, ok := debugconStatus(end.debugcon); ok {
			return n
		}
		return fail("interrupted by %s; QEMU stopped", sigName(interrupted))
	}
	status, why := exitStatus(end)
	if why != "" {
		fmt.Fprintf(os.Stderr, "vmgo: %s\n", why)
	}
	return status
}

// sigName is "SIGINT" for the signals vmgo meets, "signal N" otherwise.
func sigName(s os.Signal) string {
	names := map[syscall.Signal]string{
		syscall.SIGINT: "SIGINT", syscall.SIGTERM: "SIGTERM",
		syscall.SIGHUP: "SIGHUP", syscall.SIGKILL: "SIGKILL",
		syscall.SIGSEGV: "SIGSEGV", syscall.SIGABRT: "SIGABRT",
		syscall.SIGQUIT: "SIGQUIT",
	}
	if ss, ok := s.(syscall.Signal); ok {
		if n, ok := names[ss]; ok {
			return n
		}
		return fmt.Sprintf("signal %d", int(ss))
	}
	return s.String()
}

// stop ends QEMU: SIGTERM first (QEMU then restores the terminal), SIGKILL
// if it is still there two seconds later.
func stop(cmd *exec.Cmd, done <-chan error) error {
	cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-done:
		return err
	case <-time.After(2 * time.Second):
		cmd.Process.Kill()
		return <-done
	}
}

// tailBuffer keeps the last 4 KiB written to it.
type tailBuffer struct {
	mu  sync.Mutex
	buf []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if len(t.buf) > 4096 {
		t.buf = t.buf[len(t.buf)-4096:]
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf)
}

// shellQuote renders a command for copying into a POSIX shell.
func shellQuote(argv []string) string {
	q := make([]string, len(argv))
	for i, a := range argv {
		if a != "" && strings.Trim(a, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_=+,./:@%") == "" {
			q[i] = a
		} else {
			q[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
	}
	return strings.Join(q, " ")
}

// eofByte is what the guest console reads as end of file at the start of a
// read (fs/console_file.c), like a terminal's ^D.
const eofByte = 0x04

// consoleInput is what QEMU's serial console reads.  A terminal is passed
// as it is.  Anything else (a pipe, a file, /dev/null) has no end of file
// a serial line could carry, so it is copied through a pipe with eofByte
// appended: "echo data | vmgo run app.img" ends the guest's reading.  The
// copy starts once the runtime has set up its UART (consoleReady).
func consoleInput(in *os.File, debugcon string) (*os.File, error) {
	if isTerminal(in) {
		return in, nil
	}
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	go func() {
		waitConsoleReady(debugcon, consoleReadyWait)
		last := &lastByte{w: w, b: '\n'}
		io.Copy(last, in)
		// As on a terminal, ^D after a partial line only ends that line;
		// a second one is the end of file.
		eof := []byte{eofByte}
		if last.b != '\n' {
			eof = append(eof, eofByte)
		}
		w.Write(eof)
		w.Close()
	}()
	return r, nil
}

// consoleReady is the debugcon line runtime/console.c writes once the UART
// is set up.  QEMU's 16550 drops bytes that arrive while the guest enables
// its FIFO, so piped input is held back until then.
const consoleReady = "vmgo-console: ready"

// consoleReadyWait bounds the wait, for images that never write the line.
const consoleReadyWait = 30 * time.Second

// waitConsoleReady polls the debugcon file until it holds consoleReady or
// max has passed.
func waitConsoleReady(debugcon string, max time.Duration) {
	deadline := time.Now().Add(max)
	for time.Now().Before(deadline) {
		if b, err := os.ReadFile(debugcon); err == nil && bytes.Contains(b, []byte(consoleReady)) {
			return
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// lastByte passes writes to w and remembers the last byte written.
type lastByte struct {
	w io.Writer
	b byte
}

func (l *lastByte) Write(p []byte) (int, error) {
	n, err := l.w.Write(p)
	if n > 0 {
		l.b = p[n-1]
	}
	return n, err
}

// isTerminal reports whether f is a terminal (TCGETS succeeds).
func isTerminal(f *os.File) bool {
	var t syscall.Termios
	_, _, e := syscall.Syscall(syscall.SYS_IOCTL, f.Fd(), syscall.TCGETS, uintptr(unsafe.Pointer(&t)))
	return e == 0
}

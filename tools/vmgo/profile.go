// SPDX-License-Identifier: ISC

// profile.go: vmgo run -profile, a sampling profiler of the whole guest.
// While the guest runs, a QMP connection of its own asks QEMU for every
// vCPU's registers (HMP "info registers -a") -profile-hz times a second;
// when QEMU has stopped, the RIPs are mapped to the image's function
// symbols (the C runtime's, lwIP's and Go's alike) and written as a
// histogram.  Nothing runs inside the guest for it.

package main

import (
	"bufio"
	"debug/elf"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// The -profile-hz range.  Every sample is one QMP round trip in which QEMU
// formats all of a vCPU's registers under its big lock (a few hundred
// microseconds under TCG here), so a thousand a second is already more
// than QEMU can answer; below one a second a run says nothing.
const (
	profileHzDefault = 100
	profileHzMin     = 1
	profileHzMax     = 1000
)

// profileDialWait bounds the wait for QEMU to create the profiler's QMP
// socket (it does so before the guest's first instruction).
const profileDialWait = 10 * time.Second

// idleName is the histogram's line for vCPU samples taken while the vCPU
// was halted (HLT=1): the guest waiting for an interrupt.
const idleName = "idle (halted)"

// unknownName groups the samples whose RIP lies outside the image's code.
const unknownName = "[unknown]"

// clampProfileHz brings hz into the -profile-hz range; the message says
// what was done ("" when hz was fine).
func clampProfileHz(hz int) (int, string) {
	var to int
	switch {
	case hz < profileHzMin:
		to = profileHzMin
	case hz > profileHzMax:
		to = profileHzMax
	default:
		return hz, ""
	}
	return to, fmt.Sprintf("-profile-hz %d: out of range (%d to %d samples a second); using %d",
		hz, profileHzMin, profileHzMax, to)
}

// cpuRegs is what the profiler takes from one vCPU's block of "info
// registers -a".
type cpuRegs struct {
	cpu    int
	rip    uint64
	halted bool
}

// parseRegisters extracts each vCPU's RIP and halted state from the text
// of HMP "info registers -a" (QEMU's x86_cpu_dump_state: a "CPU#n" line,
// then the registers, RIP (EIP outside long mode) on the line that also
// has "HLT=0|1").  Every CPU block must have one.
func parseRegisters(s string) ([]cpuRegs, error) {
	var cpus []cpuRegs
	hasRIP := false
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		if n, ok := strings.CutPrefix(line, "CPU#"); ok {
			if len(cpus) > 0 && !hasRIP {
				return nil, fmt.Errorf("info registers: CPU#%d has no RIP", cpus[len(cpus)-1].cpu)
			}
			i, err := strconv.Atoi(n)
			if err != nil {
				return nil, fmt.Errorf("info registers: bad line %q", line)
			}
			cpus = append(cpus, cpuRegs{cpu: i})
			hasRIP = false
			continue
		}
		// A vCPU not in long mode (the firmware, the image's 32-bit
		// entry) shows EIP= instead.
		rest, ok := strings.CutPrefix(line, "RIP=")
		if !ok {
			rest, ok = strings.CutPrefix(line, "EIP=")
		}
		if !ok || len(cpus) == 0 {
			continue
		}
		hex, _, _ := strings.Cut(rest, " ")
		rip, err := strconv.ParseUint(hex, 16, 64)
		if err != nil {
			return nil, fmt.Errorf("info registers: bad RIP in %q", line)
		}
		c := &cpus[len(cpus)-1]
		c.rip = rip
		c.halted = strings.Contains(line, " HLT=1")
		hasRIP = true
	}
	if len(cpus) == 0 {
		return nil, errors.New("info registers: no CPU in the answer")
	}
	if !hasRIP {
		return nil, fmt.Errorf("info registers: CPU#%d has no RIP", cpus[len(cpus)-1].cpu)
	}
	return cpus, nil
}

// symbol is one function of the image.
type symbol struct {
	addr, size uint64 // size 0: an assembly label, up to the next symbol
	name       string
	rank       int // among symbols at one address the lowest rank names it
}

// symtab maps code addresses to function names.
type symtab struct {
	syms []symbol    // sorted by address, one per address
	text [][2]uint64 // the executable sections, [start, end)
}

// loadSymbols reads the function symbols of the ELF file image: STT_FUNC
// symbols (the C runtime's, lwIP's, and Go's text symbols, which the
// external link gives that type) and the untyped labels of assembly code,
// in executable sections.
func loadSymbols(image string) (*symtab, error) {
	f, err := elf.Open(image)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	t := &symtab{}
	for _, s := range f.Sections {
		if s.Type == elf.SHT_PROGBITS && s.Flags&elf.SHF_EXECINSTR != 0 {
			t.text = append(t.text, [2]uint64{s.Addr, s.Addr + s.Size})
		}
	}
	syms, err := f.Symbols()
	if errors.Is(err, elf.ErrNoSymbols) {
		// go run and go test link with -s unless told otherwise.
		return nil, fmt.Errorf("%s has no symbol table (stripped; go test and go run strip unless given -ldflags=-s=false)", image)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %v", image, err)
	}
	for _, s := range syms {
		typ := elf.ST_TYPE(s.Info)
		if s.Name == "" || (typ != elf.STT_FUNC && typ != elf.STT_NOTYPE) ||
			s.Section == elf.SHN_UNDEF || int(s.Section) >= len(f.Sections) ||
			f.Sections[s.Section].Flags&elf.SHF_EXECINSTR == 0 {
			continue
		}
		// Prefer a sized function to a label, a global name to a
		// local one (aliases such as memcpy's).
		rank := 0
		if s.Size == 0 {
			rank += 2
		}
		if elf.ST_BIND(s.Info) != elf.STB_GLOBAL {
			rank++
		}
		t.syms = append(t.syms, symbol{addr: s.Value, size: s.Size, name: s.Name, rank: rank})
	}
	sort.Slice(t.syms, func(i, j int) bool {
		a, b := t.syms[i], t.syms[j]
		if a.addr != b.addr {
			return a.addr < b.addr
		}
		if a.rank != b.rank {
			return a.rank < b.rank
		}
		return a.name < b.name
	})
	out := t.syms[:0]
	for _, s := range t.syms {
		if len(out) == 0 || out[len(out)-1].addr != s.addr {
			out = append(out, s)
		}
	}
	t.syms = out
	return t, nil
}

// lookup names the function holding pc: its symbol's name; the name of
// the nearest symbol below with "?" appended when pc lies past that
// symbol's end (code without a symbol of its own); unknownName outside the
// image's code or below its first symbol.
func (t *symtab) lookup(pc uint64) string {
	if t == nil {
		return unknownName
	}
	inText := false
	for _, r := range t.text {
		if pc >= r[0] && pc < r[1] {
			inText = true
			break
		}
	}
	i := sort.Search(len(t.syms), func(i int) bool { return t.syms[i].addr > pc }) - 1
	if !inText || i < 0 {
		return unknownName
	}
	s := t.syms[i]
	if s.size != 0 && pc >= s.addr+s.size {
		return s.name + "?"
	}
	return s.name
}

// profile is what a sampling run collected.
type profile struct {
	samples    int            // answers to "info registers -a"
	vcpus      int            // the most vCPUs in one answer
	halted     int            // vCPU samples with the vCPU halted
	rips       map[uint64]int // the other vCPU samples, by RIP
	start, end time.Time      // first and last sample
	err        error          // why sampling stopped before QEMU did, or nil
}

// add counts one answer.
func (p *profile) add(cpus []cpuRegs) {
	if p.rips == nil {
		p.rips = map[uint64]int{}
	}
	now := time.Now()
	if p.samples == 0 {
		p.start = now
	}
	p.end = now
	p.samples++
	p.vcpus = max(p.vcpus, len(cpus))
	for _, c := range cpus {
		if c.halted {
			p.halted++
		} else {
			p.rips[c.rip]++
		}
	}
}

// histEntry is one line of the report.
type histEntry struct {
	name  string
	count int
}

// histogram sums p's samples by function, idle first among equals, most
// samples first, then by name.
func histogram(p profile, t *symtab) []histEntry {
	by := map[string]int{}
	for pc, n := range p.rips {
		by[t.lookup(pc)] += n
	}
	var h []histEntry
	if p.halted > 0 {
		h = append(h, histEntry{idleName, p.halted})
	}
	for name, n := range by {
		h = append(h, histEntry{name, n})
	}
	sort.SliceStable(h, func(i, j int) bool {
		if h[i].count != h[j].count {
			return h[i].count > h[j].count
		}
		if (h[i].name == idleName) != (h[j].name == idleName) {
			return h[i].name == idleName
		}
		return h[i].name < h[j].name
	})
	return h
}

// writeProfile writes the report: a header of '#' lines (image, samples,
// duration, rate, vCPUs, and what went wrong if anything did), then one
// line per function, "PERCENT% COUNT NAME", by count.  Percentages are of
// all vCPU samples (samples times vCPUs).
func writeProfile(w io.Writer, image string, hz int, p profile, t *symtab, symErr error) error {
	bw := bufio.NewWriter(w)
	dur := p.end.Sub(p.start)
	rate := 0.0
	if p.samples > 1 && dur > 0 {
		rate = float64(p.samples-1) / dur.Seconds()
	}
	total := p.halted
	for _, n := range p.rips {
		total += n
	}
	fmt.Fprintf(bw, "# vmgo profile of %s\n", image)
	fmt.Fprintf(bw, "# samples: %d (%d vCPU samples), vCPUs: %d\n", p.samples, total, p.vcpus)
	fmt.Fprintf(bw, "# duration: %.3fs, rate: %.1f/s (asked %d/s)\n", dur.Seconds(), rate, hz)
	if symErr != nil {
		fmt.Fprintf(bw, "# no symbols: %v\n", symErr)
	}
	if p.err != nil {
		fmt.Fprintf(bw, "# incomplete: %v\n", p.err)
	}
	fmt.Fprintf(bw, "#\n# %7s %8s  %s\n", "percent", "count", "function")
	for _, e := range histogram(p, t) {
		fmt.Fprintf(bw, "%8.2f%% %8d  %s\n", 100*float64(e.count)/float64(total), e.count, e.name)
	}
	return bw.Flush()
}

// qmpResult reads QMP messages until the answer to cmd and returns its
// "return" value; asynchronous events ({"event": ...}) may come first.
func qmpResult(dec *json.Decoder, cmd string) (json.RawMessage, error) {
	for {
		var m struct {
			Return json.RawMessage `json:"return"`
			Error  *struct {
				Class string `json:"class"`
				Desc  string `json:"desc"`
			} `json:"error"`
		}
		if err := dec.Decode(&m); err != nil {
			return nil, fmt.Errorf("QMP %s: %w", cmd, err)
		}
		if m.Error != nil {
			return nil, fmt.Errorf("QMP %s: %s: %s", cmd, m.Error.Class, m.Error.Desc)
		}
		if m.Return != nil {
			return m.Return, nil
		}
	}
}

// dialQMP connects to the QMP socket at path, waiting for QEMU to create
// it (up to profileDialWait, or until stop is closed), and leaves
// negotiation mode.
func dialQMP(path string, stop <-chan struct{}) (net.Conn, *json.Decoder, error) {
	deadline := time.Now().Add(profileDialWait)
	var c net.Conn
	for {
		var err error
		if c, err = net.DialTimeout("unix", path, qmpTimeout); err == nil {
			break
		}
		if time.Now().After(deadline) {
			return nil, nil, fmt.Errorf("cannot reach QEMU's QMP socket: %v", err)
		}
		select {
		case <-stop:
			return nil, nil, fmt.Errorf("QEMU stopped before its QMP socket could be reached: %v", err)
		case <-time.After(20 * time.Millisecond):
		}
	}
	c.SetDeadline(time.Now().Add(qmpTimeout))
	dec := json.NewDecoder(c)
	var greet map[string]json.RawMessage
	err := dec.Decode(&greet)
	if _, ok := greet["QMP"]; err == nil && !ok {
		err = errors.New("not a QMP greeting")
	}
	if err == nil {
		_, err = fmt.Fprint(c, "{\"execute\": \"qmp_capabilities\"}\n")
	}
	if err == nil {
		_, err = qmpResult(dec, "qmp_capabilities")
	}
	if err != nil {
		c.Close()
		return nil, nil, fmt.Errorf("QMP greeting: %w", err)
	}
	return c, dec, nil
}

// infoRegisters is the QMP command that runs HMP "info registers -a".
const infoRegisters = `{"execute": "human-monitor-command", "arguments": {"command-line": "info registers -a"}}` + "\n"

// sample samples the vCPUs through the QMP socket at path hz times a
// second until stop is closed or something fails (p.err says what).
func sample(path string, hz int, stop <-chan struct{}) (p profile) {
	c, dec, err := dialQMP(path, stop)
	if err != nil {
		p.err = err
		return
	}
	defer c.Close()
	tick := time.NewTicker(time.Second / time.Duration(hz))
	defer tick.Stop()
	for {
		c.SetDeadline(time.Now().Add(qmpTimeout))
		if _, err := io.WriteString(c, infoRegisters); err != nil {
			p.err = fmt.Errorf("QMP human-monitor-command: %w", err)
			return
		}
		ret, err := qmpResult(dec, "human-monitor-command")
		var text string
		if err == nil {
			err = json.Unmarshal(ret, &text)
		}
		var cpus []cpuRegs
		if err == nil {
			cpus, err = parseRegisters(text)
		}
		if err != nil {
			p.err = err
			return
		}
		p.add(cpus)
		select {
		case <-stop:
			return
		case <-tick.C:
		}
	}
}

// qmpClosed says whether err is QEMU closing the QMP connection, which is
// how sampling ends when QEMU exits.
func qmpClosed(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}

// profiler is one run's -profile: the report file, created before QEMU
// starts, and the sampling goroutine.
type profiler struct {
	out     *os.File
	image   string
	qmp     string // the profiler's own QMP socket
	hz      int
	syms    *symtab
	symErr  error
	stop    chan struct{}
	result  chan profile
	started bool
	done    bool // the report is written
}

// newProfiler creates the report file (an error here is the user's: the
// caller exits with exitUsage) and reads image's symbols.
func newProfiler(file, image, qmp string, hz int) (*profiler, error) {
	out, err := os.Create(file)
	if err != nil {
		return nil, &usageError{fmt.Sprintf("-profile %s: cannot create the profile: %v", file, unwrapPathErr(err))}
	}
	pr := &profiler{out: out, image: image, qmp: qmp, hz: hz,
		stop: make(chan struct{}), result: make(chan profile, 1)}
	pr.syms, pr.symErr = loadSymbols(image)
	return pr, nil
}

// begin starts sampling; QEMU has been started.  A nil profiler does
// nothing.
func (pr *profiler) begin() {
	if pr == nil {
		return
	}
	pr.started = true
	go func() { pr.result <- sample(pr.qmp, pr.hz, pr.stop) }()
}

// finish stops sampling (QEMU has stopped) and writes the report, once:
// later calls, and calls on a nil profiler, do nothing.  A sampler that
// stopped early for another reason than QEMU's exit gets one line on
// stderr; the report has what was sampled.
func (pr *profiler) finish() {
	if pr == nil || pr.done {
		return
	}
	pr.done = true
	var p profile
	if pr.started {
		close(pr.stop)
		select {
		case p = <-pr.result:
		case <-time.After(qmpTimeout + time.Second):
			p.err = errors.New("the sampler did not stop")
		}
	} else {
		p.err = errors.New("QEMU did not start")
	}
	if p.err != nil && qmpClosed(p.err) {
		p.err = nil
	}
	if p.err != nil {
		fmt.Fprintf(os.Stderr, "vmgo: profile incomplete (%d samples in %s): %v\n", p.samples, pr.out.Name(), p.err)
	}
	err := writeProfile(pr.out, pr.image, pr.hz, p, pr.syms, pr.symErr)
	if cerr := pr.out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "vmgo: profile: writing %s: %v\n", pr.out.Name(), err)
	}
	if pr.symErr != nil {
		fmt.Fprintf(os.Stderr, "vmgo: profile without function names: %v\n", pr.symErr)
	}
}

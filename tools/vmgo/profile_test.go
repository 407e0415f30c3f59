// SPDX-License-Identifier: ISC

package main

import (
	"bufio"
	"bytes"
	"debug/elf"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// infoRegisters2CPU is QEMU 7.2's answer to "info registers -a" for a
// vmgo image under TCG with -smp 2 (captured through QMP's
// human-monitor-command): CPU#0 running Go code at 0x195c3e
// (runtime.libcCall), CPU#1 halted in sched_idle.  QEMU ends its lines
// with CRLF; a Go raw string cannot hold CR, see crlf.
const infoRegisters2CPU = `

CPU#0
RAX=0000000000000000 RBX=000000c000046e48 RCX=00000000339d0877 RDX=0000000000000004
RSI=000000c000046dd8 RDI=000000c0000061c0 RBP=000000c000046e08 RSP=000000c000046de8
R8 =0000000000301460 R9 =0000000000000000 R10=000000000037b410 R11=000000c0000840d0
R12=000000400015dca0 R13=0000000000000000 R14=000000c0000061c0 R15=3fffffffffffffff
RIP=0000000000195c3e RFL=00000297 [--S-APC] CPL=0 II=0 A20=1 SMM=0 HLT=0
ES =0010 0000000000000000 ffffffff 00cf9300 DPL=0 DS   [-WA]
CS =0008 0000000000000000 ffffffff 00af9b00 DPL=0 CS64 [-RA]
SS =0010 0000000000000000 ffffffff 00cf9300 DPL=0 DS   [-WA]
DS =0010 0000000000000000 ffffffff 00cf9300 DPL=0 DS   [-WA]
FS =0000 000000000037cc48 00000000 00000000
GS =0000 00000000002e46a0 00000000 00000000
LDT=0000 0000000000000000 0000ffff 00008200 DPL=0 LDT
TR =0018 00000000002fb6a0 00000067 00008900 DPL=0 TSS64-avl
GDT=     00000000002fb710 00000027
IDT=     00000000002fa6a0 00000fff
CR0=80010033 CR2=000000c000068000 CR3=000000000035b000 CR4=00050620
DR0=0000000000000000 DR1=0000000000000000 DR2=0000000000000000 DR3=0000000000000000
DR6=00000000ffff0ff0 DR7=0000000000000400
EFER=0000000000000d00
FCW=037f FSW=0000 [ST=0] FTW=00 MXCSR=00001fa0
FPR0=0000000000000000 0000 FPR1=0000000000000000 0000
FPR2=0000000000000000 0000 FPR3=0000000000000000 0000
FPR4=0000000000000000 0000 FPR5=0000000000000000 0000
FPR6=0000000000000000 0000 FPR7=0000000000000000 0000
YMM00=0000000000000000 0000000000000000 0000000000000000 0000000000000000
YMM01=0000000000000000 0000000000000000 7c0f3982b917bf7b 39bde9fa8cdf9f2f
YMM02=0000000000000000 0000000000000000 0000000000000000 000000000000002f
YMM03=0000000000000000 0000000000000000 ffffffffffffffff ffffffffffffff00
YMM04=0000000000000000 0000000000000000 0000000000000030 00000000001a749e
YMM05=0000000000000000 0000000000000000 00000000002b40a0 0000000000000002
YMM06=0000000000000000 0000000000000000 000000000000000a 0000000000000000
YMM07=0000000000000000 0000000000000000 00000000002b3380 00000000002b3700
YMM08=0000000000000000 0000000000000000 000000000017b900 0000000000301460
YMM09=0000000000000000 0000000000000000 000000c0000347b8 000000c000034776
YMM10=0000000000000000 0000000000000000 00000000001b2441 0000000000000000
YMM11=0000000000000000 0000000000000000 0000000000000000 0000000000000000
YMM12=0000000000000000 0000000000000000 0000000000000000 0000000000000000
YMM13=0000000000000000 0000000000000000 e50e6eb4e50e6eb4 e50e6eb4e50e6eb4
YMM14=0000000000000000 0000000000000000 eb715681eb715681 eb715681eb715681
YMM15=0000000000000000 0000000000000000 0000000000000000 0000000000000000

CPU#1
RAX=0000000000000000 RBX=00000000002e28b0 RCX=0000000000000001 RDX=0000000000000000
RSI=00000000002e28b8 RDI=00000000002e2860 RBP=000000400003bfc0 RSP=000000400003bfa0
R8 =0000000000000002 R9 =00000000002e4720 R10=0000000000000002 R11=0000000000000000
R12=00000000002e28b8 R13=00000000002e28b0 R14=0000000000000000 R15=0000000000000000
RIP=000000000012449a RFL=00000246 [---Z-P-] CPL=0 II=0 A20=1 SMM=0 HLT=1
ES =0010 0000000000000000 ffffffff 00cf9300 DPL=0 DS   [-WA]
CS =0008 0000000000000000 ffffffff 00af9b00 DPL=0 CS64 [-RA]
SS =0010 0000000000000000 ffffffff 00cf9300 DPL=0 DS   [-WA]
DS =0010 0000000000000000 ffffffff 00cf9300 DPL=0 DS   [-WA]
FS =0000 0000000000000000 00000000 00000000
GS =0000 00000000002e4720 00000000 00000000
LDT=0000 0000000000000000 0000ffff 00008200 DPL=0 LDT
TR =0018 0000000000382f90 00000067 00008900 DPL=0 TSS64-avl
GDT=     0000000000383fd0 00000027
IDT=     00000000002fa6a0 00000fff
CR0=e0010033 CR2=000000c000084000 CR3=000000000035b000 CR4=00050620
DR0=0000000000000000 DR1=0000000000000000 DR2=0000000000000000 DR3=0000000000000000
DR6=00000000ffff0ff0 DR7=0000000000000400
EFER=0000000000000d00
FCW=037f FSW=0000 [ST=0] FTW=00 MXCSR=00001f80
FPR0=0000000000000000 0000 FPR1=0000000000000000 0000
FPR2=0000000000000000 0000 FPR3=0000000000000000 0000
FPR4=0000000000000000 0000 FPR5=0000000000000000 0000
FPR6=0000000000000000 0000 FPR7=0000000000000000 0000
YMM00=0000000000000000 0000000000000000 0000000000000000 0000000000000000
YMM01=0000000000000000 0000000000000000 0000000000000000 0000000000000000
YMM02=0000000000000000 0000000000000000 0000000000000000 0000000000000000
YMM03=0000000000000000 0000000000000000 0000000000000000 0000000000000000
YMM04=0000000000000000 0000000000000000 0000000000000000 0000000000000000
YMM05=0000000000000000 0000000000000000 0000000000000000 0000000000000000
YMM06=0000000000000000 0000000000000000 0000000000000000 0000000000000000
YMM07=0000000000000000 0000000000000000 0000000000000000 0000000000000000
YMM08=0000000000000000 0000000000000000 0000000000000000 0000000000000000
YMM09=0000000000000000 0000000000000000 0000000000000000 0000000000000000
YMM10=0000000000000000 0000000000000000 0000000000000000 0000000000000000
YMM11=0000000000000000 0000000000000000 0000000000000000 0000000000000000
YMM12=0000000000000000 0000000000000000 0000000000000000 0000000000000000
YMM13=0000000000000000 0000000000000000 0000000000000000 0000000000000000
YMM14=0000000000000000 0000000000000000 0000000000000000 0000000000000000
YMM15=0000000000000000 0000000000000000 0000000000000000 0000000000000000

`

// infoRegisersReset is the start of QEMU 7.2's answer for a CPU at reset
// (real mode): EIP instead of RIP.
const infoRegistersReset = `
CPU#0
EAX=00000000 EBX=00000000 ECX=00000000 EDX=00060fb1
ESI=00000000 EDI=00000000 EBP=00000000 ESP=00000000
EIP=0000fff0 EFL=00000002 [-------] CPL=0 II=0 A20=1 SMM=0 HLT=0
ES =0000 00000000 0000ffff 00009300
CS =f000 ffff0000 0000ffff 00009b00
`

// crlf gives s QEMU's line ends.
func crlf(s string) string { return strings.ReplaceAll(s, "\n", "\r\n") }

func TestParseRegisters(t *testing.T) {
	want := []cpuRegs{{0, 0x195c3e, false}, {1, 0x12449a, true}}
	for _, in := range []string{infoRegisters2CPU, crlf(infoRegisters2CPU)} {
		got, err := parseRegisters(in)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("parseRegisters = %+v, %v; want %+v", got, err, want)
		}
	}
	got, err := parseRegisters(crlf(infoRegistersReset))
	if err != nil || !reflect.DeepEqual(got, []cpuRegs{{0, 0xfff0, false}}) {
		t.Errorf("real mode: %+v, %v", got, err)
	}
	for _, c := range []struct{ in, why string }{
		{"", "no CPU"},
		{"unknown command: 'info'\r\n", "no CPU"},
		{"CPU#0\nRAX=0\n", "CPU#0 has no RIP"},
		{"CPU#0\nRIP=0000000000100000 HLT=0\nCPU#1\nRAX=0\n", "CPU#1 has no RIP"},
		{"CPU#0\nCPU#1\nRIP=0000000000100000 HLT=0\n", "CPU#0 has no RIP"},
		{"CPU#x\n", "bad line"},
		{"CPU#0\nRIP=00000000zz100000 RFL=0 HLT=0\n", "bad RIP"},
	} {
		if _, err := parseRegisters(c.in); err == nil || !strings.Contains(err.Error(), c.why) {
			t.Errorf("parseRegisters(%q): %v, want an error with %q", c.in, err, c.why)
		}
	}
}

func TestClampProfileHz(t *testing.T) {
	for _, c := range []struct {
		in, want int
		said     bool
	}{{100, 100, false}, {1, 1, false}, {1000, 1000, false}, {0, 1, true}, {-5, 1, true}, {5000, 1000, true}} {
		got, msg := clampProfileHz(c.in)
		if got != c.want || (msg != "") != c.said {
			t.Errorf("clampProfileHz(%d) = %d, %q", c.in, got, msg)
		}
		if c.said && !strings.HasPrefix(msg, fmt.Sprintf("-profile-hz %d: out of range (1 to 1000", c.in)) {
			t.Errorf("clampProfileHz(%d): message %q", c.in, msg)
		}
	}
}

// testSyms is a symbol table with code at 0x1000-0x1100 and 0x2000-0x2100.
func testSyms() *symtab {
	return &symtab{
		syms: []symbol{
			{addr: 0x1000, size: 0x10, name: "memcpy"},
			{addr: 0x1040, name: "crosscall1"}, // a label: up to the next symbol
			{addr: 0x1080, size: 0x20, name: "main.main"},
			{addr: 0x2000, size: 0x100, name: "sched_idle"},
		},
		text: [][2]uint64{{0x1000, 0x1100}, {0x2000, 0x2100}},
	}
}

func TestSymtabLookup(t *testing.T) {
	st := testSyms()
	for _, c := range []struct {
		pc   uint64
		want string
	}{
		{0x1000, "memcpy"}, {0x100f, "memcpy"}, {0x1010, "memcpy?"}, {0x103f, "memcpy?"},
		{0x1040, "crosscall1"}, {0x107f, "crosscall1"}, {0x1080, "main.main"}, {0x10a0, "main.main?"},
		{0x20ff, "sched_idle"}, {0x2100, unknownName}, {0xfff, unknownName}, {0x1800, unknownName},
		{0xfffffff0, unknownName}, {0, unknownName},
	} {
		if got := st.lookup(c.pc); got != c.want {
			t.Errorf("lookup(%#x) = %q, want %q", c.pc, got, c.want)
		}
	}
	var none *symtab
	if got := none.lookup(0x1000); got != unknownName {
		t.Errorf("no symbols: %q", got)
	}
}

// testELF writes a small ELF file (an executable .text at 0x401000-0x401200
// and a .data) with symbols of every kind loadSymbols meets, and returns
// its path.
func testELF(t *testing.T) string {
	t.Helper()
	const text, data = 1, 2 // section indexes
	var strtab bytes.Buffer
	strtab.WriteByte(0)
	str := func(s string) uint32 {
		off := strtab.Len()
		strtab.WriteString(s + "\x00")
		return uint32(off)
	}
	sym := func(name string, typ elf.SymType, bind elf.SymBind, shndx uint16, value, size uint64) elf.Sym64 {
		return elf.Sym64{Name: str(name), Info: elf.ST_INFO(bind, typ), Shndx: shndx, Value: value, Size: size}
	}
	syms := []elf.Sym64{
		{},
		sym("x.c", elf.STT_FILE, elf.STB_LOCAL, uint16(elf.SHN_ABS), 0, 0),
		sym("__memcpy_alias", elf.STT_FUNC, elf.STB_LOCAL, text, 0x401000, 0x10),
		sym("boot_label", elf.STT_NOTYPE, elf.STB_LOCAL, text, 0x401000, 0),
		sym("main.main", elf.STT_FUNC, elf.STB_LOCAL, text, 0x401080, 0x20),
		sym("sched_idle", elf.STT_FUNC, elf.STB_LOCAL, text, 0x401100, 0x100),
		sym("some_data", elf.STT_OBJECT, elf.STB_LOCAL, data, 0x402000, 8),
		sym("data_label", elf.STT_NOTYPE, elf.STB_LOCAL, data, 0x402008, 0),
		sym("memcpy", elf.STT_FUNC, elf.STB_GLOBAL, text, 0x401000, 0x10),
		sym("crosscall1", elf.STT_NOTYPE, elf.STB_GLOBAL, text, 0x401040, 0),
		sym("undefined_fn", elf.STT_FUNC, elf.STB_GLOBAL, uint16(elf.SHN_UNDEF), 0, 0),
	}
	var symtab bytes.Buffer
	binary.Write(&symtab, binary.LittleEndian, syms)
	shstr := []byte("\x00.text\x00.data\x00.symtab\x00.strtab\x00.shstrtab\x00")
	// File: header, .text's 0x200 bytes, .data's 0x10, .symtab, .strtab,
	// .shstrtab, then the section headers.
	ehsz := uint64(binary.Size(elf.Header64{}))
	offs := []uint64{ehsz, ehsz + 0x200, ehsz + 0x210}
	offs = append(offs, offs[2]+uint64(symtab.Len()))
	offs = append(offs, offs[3]+uint64(strtab.Len()))
	shoff := offs[4] + uint64(len(shstr))
	sections := []elf.Section64{
		{},
		{Name: 1, Type: uint32(elf.SHT_PROGBITS), Flags: uint64(elf.SHF_ALLOC | elf.SHF_EXECINSTR), Addr: 0x401000, Off: offs[0], Size: 0x200, Addralign: 16},
		{Name: 7, Type: uint32(elf.SHT_PROGBITS), Flags: uint64(elf.SHF_ALLOC | elf.SHF_WRITE), Addr: 0x402000, Off: offs[1], Size: 0x10, Addralign: 8},
		{Name: 13, Type: uint32(elf.SHT_SYMTAB), Off: offs[2], Size: uint64(symtab.Len()), Link: 4, Info: 8, Entsize: 24, Addralign: 8},
		{Name: 21, Type: uint32(elf.SHT_STRTAB), Off: offs[3], Size: uint64(strtab.Len()), Addralign: 1},
		{Name: 29, Type: uint32(elf.SHT_STRTAB), Off: offs[4], Size: uint64(len(shstr)), Addralign: 1},
	}
	hdr := elf.Header64{Type: uint16(elf.ET_EXEC), Machine: uint16(elf.EM_X86_64), Version: uint32(elf.EV_CURRENT),
		Entry: 0x401000, Shoff: shoff, Ehsize: uint16(ehsz), Shentsize: uint16(binary.Size(elf.Section64{})),
		Shnum: uint16(len(sections)), Shstrndx: 5}
	copy(hdr.Ident[:], "\x7fELF")
	hdr.Ident[elf.EI_CLASS] = byte(elf.ELFCLASS64)
	hdr.Ident[elf.EI_DATA] = byte(elf.ELFDATA2LSB)
	hdr.Ident[elf.EI_VERSION] = byte(elf.EV_CURRENT)
	var f bytes.Buffer
	binary.Write(&f, binary.LittleEndian, hdr)
	f.Write(make([]byte, 0x210))
	f.Write(symtab.Bytes())
	f.Write(strtab.Bytes())
	f.Write(shstr)
	binary.Write(&f, binary.LittleEndian, sections)
	path := filepath.Join(t.TempDir(), "test.elf")
	if err := os.WriteFile(path, f.Bytes(), 0644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestLoadSymbols reads the symbols of testELF: functions and code labels,
// one name an address (a sized global function first), nothing from data
// or other kinds of symbol.
func TestLoadSymbols(t *testing.T) {
	st, err := loadSymbols(testELF(t))
	if err != nil {
		t.Fatal(err)
	}
	want := &symtab{
		syms: []symbol{
			{addr: 0x401000, size: 0x10, name: "memcpy"},
			{addr: 0x401040, name: "crosscall1", rank: 2},
			{addr: 0x401080, size: 0x20, name: "main.main", rank: 1},
			{addr: 0x401100, size: 0x100, name: "sched_idle", rank: 1},
		},
		text: [][2]uint64{{0x401000, 0x401200}},
	}
	if !reflect.DeepEqual(st, want) {
		t.Errorf("loadSymbols = %+v\nwant %+v", st, want)
	}
	for pc, name := range map[uint64]string{0x401004: "memcpy", 0x401010: "memcpy?", 0x401050: "crosscall1",
		0x4011ff: "sched_idle", 0x401200: unknownName, 0x402000: unknownName} {
		if got := st.lookup(pc); got != name {
			t.Errorf("lookup(%#x) = %q, want %q", pc, got, name)
		}
	}
	if _, err := loadSymbols(filepath.Join(t.TempDir(), "none")); err == nil {
		t.Errorf("loadSymbols of a missing file succeeded")
	}
	// A stripped image (go test's): the message says how to keep symbols.
	stripped := filepath.Join(t.TempDir(), "stripped")
	if err := exec.Command("objcopy", "--strip-all", testELF(t), stripped).Run(); err != nil {
		t.Skip("objcopy:", err)
	}
	if _, err := loadSymbols(stripped); err == nil || !strings.Contains(err.Error(), "-ldflags=-s=false") {
		t.Errorf("stripped: %v", err)
	}
}

func TestWriteProfile(t *testing.T) {
	p := profile{samples: 11, vcpus: 2, halted: 10,
		rips:  map[uint64]int{0x1000: 4, 0x1008: 2, 0x1010: 1, 0x1090: 2, 0x2000: 1, 0x9000: 2},
		start: time.Unix(100, 0), end: time.Unix(105, 0)}
	var b strings.Builder
	if err := writeProfile(&b, "app.img", 100, p, testSyms(), nil); err != nil {
		t.Fatal(err)
	}
	want := `# vmgo profile of app.img
# samples: 11 (22 vCPU samples), vCPUs: 2
# duration: 5.000s, rate: 2.0/s (asked 100/s)
#
# percent    count  function
   45.45%       10  idle (halted)
   27.27%        6  memcpy
    9.09%        2  [unknown]
    9.09%        2  main.main
    4.55%        1  memcpy?
    4.55%        1  sched_idle
`
	if b.String() != want {
		t.Errorf("report:\n%s\nwant:\n%s", b.String(), want)
	}

	// Nothing sampled, no symbols, an error: the header says so.
	b.Reset()
	writeProfile(&b, "app.img", 7, profile{err: errors.New("QMP: refused")}, nil, errors.New("not ELF"))
	want = `# vmgo profile of app.img
# samples: 0 (0 vCPU samples), vCPUs: 0
# duration: 0.000s, rate: 0.0/s (asked 7/s)
# no symbols: not ELF
# incomplete: QMP: refused
#
# percent    count  function
`
	if b.String() != want {
		t.Errorf("empty report:\n%s\nwant:\n%s", b.String(), want)
	}

	// Equal counts: idle first, then by name.
	h := histogram(profile{halted: 1, rips: map[uint64]int{0x2000: 1, 0x1000: 1}}, testSyms())
	if !reflect.DeepEqual(h, []histEntry{{idleName, 1}, {"memcpy", 1}, {"sched_idle", 1}}) {
		t.Errorf("histogram order: %v", h)
	}
}

// serveQMP serves one QMP conversation on a unix socket the way QEMU
// does: the greeting, the answer to qmp_capabilities, then reply(c, cmd)
// for every other command, until reply returns true (QEMU went away) or
// the client hangs up.  The channel gets the commands received.
func serveQMP(t *testing.T, reply func(c io.Writer, cmd string) (hangUp bool)) (string, <-chan []string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "qmp.sock")
	l, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	got := make(chan []string, 1)
	go func() {
		var cmds []string
		defer func() { got <- cmds }()
		c, err := l.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		fmt.Fprint(c, `{"QMP": {"version": {"qemu": {"micro": 0, "minor": 2, "major": 7}}, "capabilities": ["oob"]}}`+"\r\n")
		sc := bufio.NewScanner(c)
		for sc.Scan() {
			cmds = append(cmds, sc.Text())
			if strings.Contains(sc.Text(), "qmp_capabilities") {
				fmt.Fprint(c, `{"return": {}}`+"\r\n")
			} else if reply(c, sc.Text()) {
				return
			}
		}
	}()
	return path, got
}

// profQMP is a QMP server that answers "info registers -a" with answer
// (an event before the first), count times, then hangs up; or answers
// with an error if fail is set.
func profQMP(t *testing.T, answer string, count int, fail bool) (string, <-chan []string) {
	n := 0
	return serveQMP(t, func(c io.Writer, cmd string) bool {
		if fail {
			fmt.Fprint(c, `{"error": {"class": "CommandNotFound", "desc": "The command human-monitor-command has not been found"}}`+"\r\n")
			return false
		}
		if n == 0 {
			fmt.Fprint(c, `{"timestamp": {"seconds": 1, "microseconds": 2}, "event": "RESUME"}`+"\r\n")
		}
		b, _ := json.Marshal(map[string]string{"return": answer})
		fmt.Fprintf(c, "%s\r\n", b)
		n++
		return n == count
	})
}

func TestSample(t *testing.T) {
	path, got := profQMP(t, crlf(infoRegisters2CPU), 5, false)
	p := sample(path, 1000, make(chan struct{}))
	if !qmpClosed(p.err) {
		t.Errorf("sampling ended with %v, want the connection closed", p.err)
	}
	if p.samples != 5 || p.vcpus != 2 || p.halted != 5 || !reflect.DeepEqual(p.rips, map[uint64]int{0x195c3e: 5}) {
		t.Errorf("profile %+v", p)
	}
	cmds := <-got
	if len(cmds) != 6 || cmds[0] != `{"execute": "qmp_capabilities"}` ||
		cmds[1] != `{"execute": "human-monitor-command", "arguments": {"command-line": "info registers -a"}}` {
		t.Errorf("commands %q", cmds)
	}

	// A QMP error stops sampling with the reason.
	path, _ = profQMP(t, "", 0, true)
	p = sample(path, 100, make(chan struct{}))
	if p.err == nil || qmpClosed(p.err) || !strings.Contains(p.err.Error(), "has not been found") || p.samples != 0 {
		t.Errorf("QMP error: %+v", p)
	}
	// An answer that is not register dump.
	path, _ = profQMP(t, "unknown command: 'info'\r\n", 3, false)
	if p = sample(path, 100, make(chan struct{})); p.err == nil || !strings.Contains(p.err.Error(), "no CPU") {
		t.Errorf("bad answer: %+v", p)
	}

	// Stop ends sampling between samples; the rate is at most about what
	// was asked (less on a loaded machine).
	path, _ = profQMP(t, crlf(infoRegisters2CPU), 1000, false)
	stop := make(chan struct{})
	time.AfterFunc(500*time.Millisecond, func() { close(stop) })
	p = sample(path, 50, stop)
	rate := float64(p.samples-1) / p.end.Sub(p.start).Seconds()
	if p.err != nil || p.samples < 5 || p.samples > 30 || rate > 75 {
		t.Errorf("50/s for 0.5s: %d samples, %.1f/s, %v", p.samples, rate, p.err)
	}

	// No socket: a stopped QEMU ends the wait for it.
	stop = make(chan struct{})
	close(stop)
	p = sample(filepath.Join(t.TempDir(), "none.sock"), 100, stop)
	if p.err == nil || !strings.Contains(p.err.Error(), "QEMU stopped before its QMP socket could be reached") {
		t.Errorf("no socket: %v", p.err)
	}
}

// TestProfiler runs a whole profiler against a fake QMP server: the
// report names the functions of testELF, and a sampler that
// failed makes one line on stderr while the file keeps what was sampled.
func TestProfiler(t *testing.T) {
	self := testELF(t)
	dump := strings.Replace(infoRegisters2CPU, "RIP=0000000000195c3e", "RIP=0000000000401084", 1)
	path, got := profQMP(t, crlf(dump), 4, false)
	file := filepath.Join(t.TempDir(), "prof.txt")
	pr, err := newProfiler(file, self, path, 100)
	if err != nil {
		t.Fatal(err)
	}
	pr.begin()
	<-got // the server has answered 4 times and hung up: QEMU exited
	stderr := captureStderr(t, pr.finish)
	b, _ := os.ReadFile(file)
	report := string(b)
	if stderr != "" || !strings.Contains(report, "# samples: 4 (8 vCPU samples), vCPUs: 2\n") ||
		!strings.Contains(report, "   50.00%        4  idle (halted)\n") ||
		!strings.Contains(report, "   50.00%        4  main.main\n") ||
		strings.Contains(report, "incomplete") {
		t.Errorf("stderr %q, report:\n%s", stderr, report)
	}

	path, _ = profQMP(t, "", 0, true)
	pr, err = newProfiler(file, self, path, 100)
	if err != nil {
		t.Fatal(err)
	}
	pr.begin()
	time.Sleep(200 * time.Millisecond)
	stderr = captureStderr(t, pr.finish)
	b, _ = os.ReadFile(file)
	if !strings.HasPrefix(stderr, "vmgo: profile incomplete (0 samples in "+file+"): QMP human-monitor-command: CommandNotFound") ||
		strings.Count(stderr, "\n") != 1 || !strings.Contains(string(b), "# incomplete: QMP human-monitor-command") {
		t.Errorf("failed sampler: stderr %q, report:\n%s", stderr, b)
	}

	// A profiler whose QEMU never started still writes its file, once.
	pr, _ = newProfiler(file, self, path, 100)
	stderr = captureStderr(t, func() { pr.finish(); pr.finish() })
	if b, _ = os.ReadFile(file); strings.Count(stderr, "QEMU did not start") != 1 || !strings.Contains(string(b), "# samples: 0") {
		t.Errorf("not started: %q\n%s", stderr, b)
	}
	var none *profiler
	none.begin()
	none.finish()
}

// TestSampleQEMU samples a real QEMU (two vCPUs in the firmware, no
// image) for a second through its QMP socket, until QEMU is killed.
func TestSampleQEMU(t *testing.T) {
	q, err := exec.LookPath("qemu-system-x86_64")
	if err != nil {
		t.Skip("no qemu-system-x86_64")
	}
	sock := filepath.Join(t.TempDir(), "profile.sock")
	cmd := exec.Command(q, "-M", "q35", "-accel", "tcg", "-smp", "2", "-nodefaults", "-display", "none",
		"-qmp", "unix:"+sock+",server=on,wait=off")
	if err := cmd.Start(); err != nil {
		t.Skip(err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	defer func() { cmd.Process.Kill(); <-done }()
	// QEMU's exit, however it comes, ends sampling as a closed connection.
	time.AfterFunc(time.Second, func() { cmd.Process.Kill() })
	p := sample(sock, 100, make(chan struct{}))
	if !qmpClosed(p.err) || p.samples < 5 || p.vcpus != 2 || p.halted+len(p.rips) == 0 {
		t.Errorf("QEMU: %d samples, %d vCPUs, %d halted, %v", p.samples, p.vcpus, p.halted, p.err)
	}
}

// TestProfileOptions: -profile-hz out of range is clamped with a message,
// -profile adds a second QMP socket, and a report file that cannot be
// created stops vmgo run with status 2 before QEMU starts.
func TestProfileOptions(t *testing.T) {
	var msg strings.Builder
	o, _, _, _, err := parseRun("run", []string{"-profile", "p.txt", "-profile-hz", "20000", "app.img"}, &msg)
	if err != nil || o.profile != "p.txt" || o.profHz != 1000 || !strings.Contains(msg.String(), "vmgo: -profile-hz 20000: out of range") {
		t.Errorf("-profile-hz 20000: %+v %v %q", o, err, msg.String())
	}
	o, _, _, _, err = parseRun("exec", []string{"app.img"}, io.Discard)
	if err != nil || o.profile != "" || o.profHz != profileHzDefault {
		t.Errorf("defaults: %q %d %v", o.profile, o.profHz, err)
	}
	if _, _, _, _, err = parseRun("run", []string{"-profile-hz", "fast", "app.img"}, io.Discard); err == nil {
		t.Errorf("-profile-hz fast accepted")
	}

	line := strings.Join(qemuArgs(runConfig{machine: "q35", mem: "256M", smp: 1, accel: "tcg",
		qmp: "/tmp/q/qmp.sock", profileQMP: "/tmp/q/profile.sock"}), " ")
	if !strings.Contains(line, "-qmp unix:/tmp/q/qmp.sock,server=on,wait=off -qmp unix:/tmp/q/profile.sock,server=on,wait=off") {
		t.Errorf("QEMU command line lacks the two QMP sockets: %s", line)
	}

	dir := t.TempDir()
	mark := filepath.Join(dir, "started")
	fakeQemu := filepath.Join(dir, "qemu")
	os.WriteFile(fakeQemu, []byte("#!/bin/sh\ncase \"$1\" in --version) echo 'QEMU emulator version 7.2.0';; *) touch "+mark+";; esac\n"), 0755)
	t.Setenv("VMGO_QEMU", fakeQemu)
	t.Setenv("VMGO_ACCEL", "tcg")
	img := filepath.Join(dir, "app.img")
	os.WriteFile(img, []byte("\x7fELF\x02\xb0\xad\x1b"), 0644)
	for _, argv := range [][]string{
		{"run", "-net", "none", "-profile", filepath.Join(dir, "no", "such", "p.txt"), img},
		{"exec", "-profile", dir, img},
	} {
		stderr := captureStderr(t, func() {
			if st := vmgoMain(argv); st != exitUsage {
				t.Errorf("vmgo %q: status %d, want %d", argv, st, exitUsage)
			}
		})
		if !strings.HasPrefix(stderr, "vmgo: -profile ") || !strings.Contains(stderr, "cannot create the profile") {
			t.Errorf("vmgo %q: message %q", argv, stderr)
		}
	}
	if _, err := os.Stat(mark); err == nil {
		t.Errorf("QEMU was started")
	}
}

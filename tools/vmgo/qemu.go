// SPDX-License-Identifier: ISC

// qemu.go: finding QEMU and building its command line.

package main

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// qemu is the QEMU binary vmgo runs.
type qemu struct {
	path    string
	version string // first line of --version, filled in by loadVersion
}

// findQEMU returns $VMGO_QEMU or qemu-system-x86_64 from PATH.
func findQEMU() (*qemu, error) {
	name := os.Getenv("VMGO_QEMU")
	if name == "" {
		name = "qemu-system-x86_64"
	}
	path, err := exec.LookPath(name)
	if err != nil {
		return nil, fmt.Errorf("%s not found: install QEMU (apt-get install qemu-system-x86, or run tools/setup) or set VMGO_QEMU to its path", name)
	}
	return &qemu{path: path}, nil
}

func (q *qemu) loadVersion() error {
	if q.version != "" {
		return nil
	}
	out, err := exec.Command(q.path, "--version").Output()
	if err != nil {
		return fmt.Errorf("%s --version failed: %v", q.path, err)
	}
	q.version = strings.TrimSpace(strings.SplitN(string(out), "\n", 2)[0])
	return nil
}

// hasMachine says whether this QEMU knows machine type m.
func (q *qemu) hasMachine(m string) bool {
	out, err := exec.Command(q.path, "-machine", "help").Output()
	if err != nil {
		return false
	}
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Fields(line)
		if len(f) > 0 && f[0] == m {
			return true
		}
	}
	return false
}

// hasNetdev says whether this QEMU has network backend b (-netdev help):
// "user" is missing from QEMUs built without libslirp.
func (q *qemu) hasNetdev(b string) bool {
	out, err := exec.Command(q.path, "-netdev", "help").Output()
	if err != nil {
		return false
	}
	for _, line := range strings.Split(string(out), "\n") {
		if strings.TrimSpace(line) == b {
			return true
		}
	}
	return false
}

// runConfig is everything that shapes one QEMU run.
type runConfig struct {
	machine  string // pc, q35 or microvm
	mem      string // -m
	smp      int
	accel    string // kvm or tcg
	image    string
	cmdline  string
	debugcon string // file the isa-debugcon writes to
	gdbPort  int    // > 0: gdb stub on 127.0.0.1:gdbPort, CPU stopped at reset
	net      netConfig
	qmp      string // path of a QMP socket QEMU creates ("" none): the hang key
	// profileQMP: a second QMP socket ("" none), vmgo run -profile's.
	profileQMP string
	extra      []string
	// tcgFences: one vCPU under TCG needs maxcpus=2 for the guest's
	// memory fences to be kept (see smpArg).
	tcgFences bool
}

// smpArg is -smp's value.  QEMU before 8.1 translates guest fences
// (mfence, locked instructions) into host barriers only when TCG runs
// "parallel", which it does only when maxcpus > 1 (tcg_gen_mb and
// tcg_cpu_init_cflags; fixed by QEMU commit c914d46d0a64, "tcg: Do not
// elide memory barriers for !CF_PARALLEL in system mode", 8.1).  Without
// them the virtio notification handshake (virtio 1.2 §2.7.10) between the
// vCPU and QEMU's I/O thread loses a notification now and then: seen as
// a transmit queue that stopped for good in the middle of a bulk
// transfer.  So one vCPU becomes "-smp 1,maxcpus=2": one CPU present and
// enabled in the ACPI tables, the second only possible (the MADT marks it
// disabled, so the runtime does not start it), and TCG in parallel mode.
func smpArg(c runConfig) string {
	if c.tcgFences && c.accel == "tcg" && c.smp == 1 {
		return "1,maxcpus=2"
	}
	return fmt.Sprint(c.smp)
}

// qemuDropsFences reports whether a QEMU --version line names a version
// before 8.1 (see smpArg); true when it cannot tell.
func qemuDropsFences(version string) bool {
	var major, minor int
	i := strings.Index(version, "version ")
	if i < 0 {
		return true
	}
	if _, err := fmt.Sscanf(version[i+len("version "):], "%d.%d", &major, &minor); err != nil {
		return true
	}
	return major < 8 || (major == 8 && minor < 1)
}

// debugDevices are the two devices platform_exit() uses: "vmgo-exit: N"
// on the debugcon (VMGO_DEBUGCON_PORT 0xe9), then N to isa-debug-exit
// (VMGO_DEBUG_EXIT_PORT 0xf4, 4 bytes wide), include/vmgo/abi.h.
func debugDevices(debugcon string) []string {
	return []string{
		"-device", "isa-debug-exit,iobase=0xf4,iosize=4",
		"-chardev", "file,id=vmgo-debugcon,path=" + escapeOpt(debugcon),
		"-device", "isa-debugcon,iobase=0xe9,chardev=vmgo-debugcon",
	}
}

// escapeOpt doubles commas, QEMU's escape inside option values.
func escapeOpt(s string) string {
	return strings.ReplaceAll(s, ",", ",,")
}

// qemuArgs is the QEMU command line (without the program name).  The
// console is COM1 on vmgo's own stdin/stdout (the terminal stays usable:
// signal=on keeps Ctrl-C a signal); -nodefaults leaves out the default
// NIC, VGA, monitor and drives (vmgo adds its own NIC, see netArgs, and a
// virtio-rng); -no-reboot turns a guest reset or triple
// fault into QEMU's exit.
func qemuArgs(c runConfig) []string {
	machine := c.machine
	if machine == "microvm" {
		// Do not let QEMU append virtio-mmio device words to the
		// command line: after "--" they would become program arguments.
		machine += ",auto-kernel-cmdline=off"
	}
	cpu := "max"
	if c.accel == "kvm" {
		cpu = "host"
	}
	args := []string{
		"-M", machine,
		"-m", c.mem,
		"-smp", smpArg(c),
		"-accel", c.accel,
		"-cpu", cpu,
		"-nodefaults", "-no-reboot", "-display", "none",
		"-chardev", "stdio,id=vmgo-console,signal=on",
		"-serial", "chardev:vmgo-console",
	}
	args = append(args, debugDevices(c.debugcon)...)
	if c.machine == "microvm" {
		// QEMU 7's microvm makes its virtio-mmio transports legacy
		// (version 1) unless told otherwise; vmgo's drivers speak both
		// but prefer version 2, the virtio 1.x register layout (virtio
		// 1.2 §4.2.2), as Firecracker offers (docs/devices.md).
		args = append(args, "-global", "virtio-mmio.force-legacy=false")
	}
	args = append(args, netArgs(c.net, c.machine)...)
	args = append(args, rngArgs(c.machine)...)
	if c.qmp != "" {
		args = append(args, "-qmp", "unix:"+escapeOpt(c.qmp)+",server=on,wait=off")
	}
	if c.profileQMP != "" {
		args = append(args, "-qmp", "unix:"+escapeOpt(c.profileQMP)+",server=on,wait=off")
	}
	args = append(args, "-kernel", c.image, "-append", c.cmdline)
	if c.gdbPort > 0 {
		args = append(args, "-gdb", fmt.Sprintf("tcp:127.0.0.1:%d", c.gdbPort), "-S")
	}
	return append(args, c.extra...)
}

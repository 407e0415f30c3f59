// SPDX-License-Identifier: ISC

// exitstatus.go: how the guest's exit status gets back to the host.

package main

import (
	"bufio"
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// Statuses of vmgo itself (include/vmgo/abi.h, and timeout(1)'s 124).
const (
	exitTimeout = 124 // -timeout expired
	exitHost    = 125 // VMGO_EXIT_HOST: vmgo run failed, or the guest ended without a status
	exitPanic   = 111 // VMGO_EXIT_PANIC: fatal error in the C runtime (reported by the guest)
)

// debugconStatus finds the last "vmgo-exit: N" line that platform_exit()
// writes to the isa-debugcon port before it writes N to isa-debug-exit.
func debugconStatus(debugcon []byte) (int, bool) {
	status, found := 0, false
	sc := bufio.NewScanner(bytes.NewReader(debugcon))
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		i := strings.LastIndex(line, "vmgo-exit: ")
		if i < 0 {
			continue
		}
		n, err := strconv.Atoi(line[i+len("vmgo-exit: "):])
		if err != nil || n < 0 || n > 255 {
			continue
		}
		status, found = n, true
	}
	return status, found
}

// qemuEnd is how the QEMU process ended.
type qemuEnd struct {
	code     int    // exit code, or -1 if killed by a signal
	signal   string // the signal's name when code is -1
	stderr   string // what QEMU printed on stderr (its own messages)
	debugcon []byte // the isa-debugcon output
}

// exitStatus maps the end of a QEMU run to vmgo run's exit status and, for
// the statuses vmgo makes up itself, a message saying why.
//
//  1. "vmgo-exit: N" on the debugcon: N, exactly (0-255).
//  2. Else QEMU exited with an odd code h > 1: the guest wrote (h-1)/2 to
//     isa-debug-exit, which makes QEMU exit with (value << 1) | 1; exact for
//     values below 128 (the host keeps 8 bits).
//  3. Code 1 is also what QEMU returns on its own errors, which it always
//     explains on stderr: with stderr output it is a QEMU failure (125),
//     without, the guest wrote 0.
//  4. Anything else (code 0: the guest reset or triple-faulted under
//     -no-reboot, or powered off; even codes; a signal): 125.
func exitStatus(e qemuEnd) (int, string) {
	if n, ok := debugconStatus(e.debugcon); ok {
		return n, ""
	}
	switch {
	case e.code < 0:
		return exitHost, fmt.Sprintf("QEMU was killed by %s", e.signal)
	case e.code == 1 && strings.TrimSpace(e.stderr) != "":
		return exitHost, "QEMU failed: " + lastLine(e.stderr)
	case e.code&1 == 1:
		return (e.code - 1) / 2, ""
	case e.code == 0:
		return exitHost, "the guest stopped without an exit status (a reset or triple fault, which -no-reboot turns into a stop, or a power-off)"
	default:
		return exitHost, fmt.Sprintf("QEMU exited with status %d and the guest reported no exit status", e.code)
	}
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

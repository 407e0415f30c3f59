// SPDX-License-Identifier: ISC

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestExitStatus(t *testing.T) {
	tests := []struct {
		name string
		end  qemuEnd
		want int
		why  string // substring of the message; "" means no message
	}{
		{"debugcon wins", qemuEnd{code: 7, debugcon: []byte("vmgo-exit: 3\n")}, 3, ""},
		{"debugcon 0", qemuEnd{code: 1, debugcon: []byte("vmgo-exit: 0\n")}, 0, ""},
		{"debugcon 255", qemuEnd{code: 255, debugcon: []byte("vmgo-exit: 255\n")}, 255, ""},
		{"debugcon 200 beats the truncated code", qemuEnd{code: (200<<1 | 1) & 0xff, debugcon: []byte("vmgo-exit: 200\n")}, 200, ""},
		{"last debugcon line", qemuEnd{code: 1, debugcon: []byte("boot log\nvmgo-exit: 4\nvmgo-exit: 5\r\n")}, 5, ""},
		{"debugcon junk ignored", qemuEnd{code: 7, debugcon: []byte("vmgo-exit: x\nvmgo-exit: 999\n")}, 3, ""},
		{"debug-exit only", qemuEnd{code: 3<<1 | 1}, 3, ""},
		{"debug-exit 111", qemuEnd{code: 111<<1 | 1}, exitPanic, ""},
		{"debug-exit 127", qemuEnd{code: 255}, 127, ""},
		{"code 1 without stderr is guest 0", qemuEnd{code: 1}, 0, ""},
		{"code 1 with stderr is QEMU", qemuEnd{code: 1, stderr: "qemu-system-x86_64: -kernel x: No such file\n"}, exitHost, "No such file"},
		{"guest reset", qemuEnd{code: 0}, exitHost, "without an exit status"},
		{"even code", qemuEnd{code: 2}, exitHost, "status 2"},
		{"signal", qemuEnd{code: -1, signal: "SIGKILL"}, exitHost, "killed by SIGKILL"},
		{"signal after exit line", qemuEnd{code: -1, signal: "SIGKILL", debugcon: []byte("vmgo-exit: 9\n")}, 9, ""},
	}
	for _, tt := range tests {
		got, why := exitStatus(tt.end)
		if got != tt.want {
			t.Errorf("%s: status %d, want %d (%s)", tt.name, got, tt.want, why)
		}
		if (tt.why == "") != (why == "") || !strings.Contains(why, tt.why) {
			t.Errorf("%s: message %q, want one containing %q", tt.name, why, tt.why)
		}
	}
}

// Every status below 128 survives the bare isa-debug-exit encoding.
func TestExitStatusAllSmall(t *testing.T) {
	for n := 1; n < 128; n++ {
		if got, _ := exitStatus(qemuEnd{code: (n<<1 | 1) & 0xff}); got != n {
			t.Errorf("debug-exit %d decoded as %d", n, got)
		}
		line := []byte(fmt.Sprintf("vmgo-exit: %d\n", n+128))
		if got, _ := exitStatus(qemuEnd{code: ((n+128)<<1 | 1) & 0xff, debugcon: line}); got != n+128 {
			t.Errorf("debugcon %d decoded as %d", n+128, got)
		}
	}
}

func TestAccel(t *testing.T) {
	dir := t.TempDir()
	kvm := filepath.Join(dir, "kvm")
	pvm := filepath.Join(dir, "kvm_pvm")
	boot := filepath.Join(dir, "boot_id")
	os.WriteFile(boot, []byte("boot-1\n"), 0o600)
	h := host{devKVM: kvm, kvmPVM: pvm, bootID: boot, cacheDir: filepath.Join(dir, "cache")}
	q := &qemu{path: "/usr/bin/qemu-system-x86_64", version: "QEMU emulator version 7.2.22"}

	for _, want := range []string{"kvm", "tcg"} {
		c, err := chooseAccel(want, h, q, "x.img")
		if err != nil || c.accel != want {
			t.Errorf("%s requested: got %+v %v", want, c, err)
		}
	}
	if _, err := chooseAccel("hvf", h, q, ""); err == nil {
		t.Error("unknown accelerator accepted")
	}

	c, _ := chooseAccel("auto", h, q, "x.img")
	if c.accel != "tcg" || !strings.Contains(c.reason, "not usable") {
		t.Errorf("no /dev/kvm: %+v", c)
	}

	os.WriteFile(kvm, nil, 0o600)
	os.Mkdir(pvm, 0o700)
	c, _ = chooseAccel("auto", h, q, "x.img")
	if c.accel != "tcg" || !strings.Contains(c.reason, "PVM") {
		t.Errorf("kvm_pvm: %+v", c)
	}
	os.Remove(pvm)

	// A cached probe result is used during the same host boot only.
	h.store(q, accelChoice{"kvm", "probe ok"})
	c, _ = chooseAccel("auto", h, q, "x.img")
	if c.accel != "kvm" || !strings.Contains(c.reason, "cached") {
		t.Errorf("cached: %+v", c)
	}
	c, _ = chooseAccel("auto", h, q, "")
	if c.accel != "kvm" {
		t.Errorf("cached, env: %+v", c)
	}
	other := &qemu{path: q.path, version: "QEMU emulator version 8.0"}
	if _, ok := h.cached(other); ok {
		t.Error("cache used for another QEMU version")
	}
	os.WriteFile(boot, []byte("boot-2\n"), 0o600)
	if _, ok := h.cached(q); ok {
		t.Error("cache used after a host reboot")
	}
	c, _ = chooseAccel("auto", h, q, "")
	if c.accel != "kvm?" {
		t.Errorf("no probe without an image: %+v", c)
	}
}

// fakeQEMU writes a shell script standing in for QEMU in the probe.
func fakeQEMU(t *testing.T, body string) *qemu {
	t.Helper()
	p := filepath.Join(t.TempDir(), "qemu")
	script := "#!/bin/sh\nfor a in \"$@\"; do case $a in file,id=vmgo-debugcon,path=*) dbg=${a#*path=} ;; esac; done\n" + body + "\n"
	if err := os.WriteFile(p, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return &qemu{path: p, version: "fake"}
}

func TestProbeKVM(t *testing.T) {
	q := fakeQEMU(t, `echo "vmgo-exit: 0" > "$dbg"; exit 1`)
	if c := probeKVM(q, "x.img"); c.accel != "kvm" {
		t.Errorf("guest exit status seen: %+v", c)
	}
	q = fakeQEMU(t, `echo "qemu: -accel kvm: failed to initialize kvm" >&2; exit 1`)
	if c := probeKVM(q, "x.img"); c.accel != "tcg" || !strings.Contains(c.reason, "failed to initialize kvm") {
		t.Errorf("QEMU error: %+v", c)
	}
	q = fakeQEMU(t, `exit 0`)
	if c := probeKVM(q, "x.img"); c.accel != "tcg" || !strings.Contains(c.reason, "without an exit status") {
		t.Errorf("guest reset: %+v", c)
	}
}

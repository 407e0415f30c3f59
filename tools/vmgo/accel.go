// SPDX-License-Identifier: ISC

// accel.go: KVM or TCG.

package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// probeTimeout bounds the KVM probe boot.
const probeTimeout = 20 * time.Second

// host is what the accelerator decision looks at; tests replace the paths.
type host struct {
	devKVM   string // "/dev/kvm"
	kvmPVM   string // "/sys/module/kvm_pvm": PVM, a KVM that runs nested without VMX, does not run vmgo images
	bootID   string // "/proc/sys/kernel/random/boot_id"
	cacheDir string // where probe results live; "" means no cache
}

func defaultHost() host {
	dir := os.Getenv("XDG_RUNTIME_DIR")
	if dir != "" {
		dir = filepath.Join(dir, "vmgo")
	} else {
		dir = filepath.Join(os.TempDir(), fmt.Sprintf("vmgo-%d", os.Getuid()))
	}
	return host{
		devKVM:   "/dev/kvm",
		kvmPVM:   "/sys/module/kvm_pvm",
		bootID:   "/proc/sys/kernel/random/boot_id",
		cacheDir: dir,
	}
}

// accelChoice is the accelerator and why.
type accelChoice struct {
	accel  string // "kvm" or "tcg"
	reason string
}

// kvmUsable says whether KVM can be tried at all, and if not, why.
func (h host) kvmUsable() (bool, string) {
	f, err := os.OpenFile(h.devKVM, os.O_RDWR, 0)
	if err != nil {
		return false, fmt.Sprintf("%s is not usable (%v)", h.devKVM, unwrapPathErr(err))
	}
	f.Close()
	if _, err := os.Stat(h.kvmPVM); err == nil {
		return false, fmt.Sprintf("%s exists: this KVM is PVM (nested, without hardware virtualization), which does not run vmgo images", h.kvmPVM)
	}
	return true, ""
}

func unwrapPathErr(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// cacheFile names the probe result for this QEMU (path and version).
func (h host) cacheFile(q *qemu) string {
	if h.cacheDir == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(q.path + "\n" + q.version))
	return filepath.Join(h.cacheDir, "kvm-probe-"+hex.EncodeToString(sum[:8]))
}

// cached returns a probe result recorded during this boot of the host.
// The file holds the boot id, then "kvm" or "tcg", then the reason.
func (h host) cached(q *qemu) (accelChoice, bool) {
	name := h.cacheFile(q)
	if name == "" {
		return accelChoice{}, false
	}
	data, err := os.ReadFile(name)
	if err != nil {
		return accelChoice{}, false
	}
	f := strings.SplitN(string(data), "\n", 3)
	if len(f) < 3 || f[0] != h.currentBoot() || (f[1] != "kvm" && f[1] != "tcg") {
		return accelChoice{}, false
	}
	return accelChoice{f[1], strings.TrimSpace(f[2]) + " (cached in " + name + ")"}, true
}

func (h host) store(q *qemu, c accelChoice) {
	name := h.cacheFile(q)
	if name == "" || os.MkdirAll(h.cacheDir, 0o700) != nil {
		return
	}
	tmp := name + ".tmp"
	data := h.currentBoot() + "\n" + c.accel + "\n" + c.reason + "\n"
	if os.WriteFile(tmp, []byte(data), 0o600) == nil {
		os.Rename(tmp, name)
	}
}

func (h host) currentBoot() string {
	b, err := os.ReadFile(h.bootID)
	if err != nil {
		return "unknown-boot"
	}
	return strings.TrimSpace(string(b))
}

// chooseAccel decides between KVM and TCG.  want is "kvm", "tcg" or "auto"
// ("" is auto).  In auto mode KVM is used only if /dev/kvm opens read-write,
// the host is not a PVM guest, and a probe boot of image under KVM ends
// with the guest's own exit status; the probe's result is cached per boot
// of the host and QEMU version.  image "" means do not probe (vmgo env):
// report what is known.
func chooseAccel(want string, h host, q *qemu, image string) (accelChoice, error) {
	switch want {
	case "kvm":
		return accelChoice{"kvm", "requested"}, nil
	case "tcg":
		return accelChoice{"tcg", "requested"}, nil
	case "", "auto":
	default:
		return accelChoice{}, fmt.Errorf("unknown accelerator %q: use kvm, tcg or auto", want)
	}
	if ok, why := h.kvmUsable(); !ok {
		return accelChoice{"tcg", why}, nil
	}
	if c, ok := h.cached(q); ok {
		return c, nil
	}
	if image == "" {
		return accelChoice{"kvm?", "/dev/kvm is usable; the first vmgo run probes it with a boot under KVM"}, nil
	}
	c := probeKVM(q, image)
	h.store(q, c)
	return c, nil
}

// probeKVM boots image under KVM with vmgo.probe=1 on the command line
// (which asks the runtime to power off as soon as it is up; a runtime that
// does not know it runs the program with its output discarded) and says
// whether the guest got as far as reporting an exit status.
func probeKVM(q *qemu, image string) accelChoice {
	dbg, err := os.CreateTemp("", "vmgo-probe-*")
	if err != nil {
		return accelChoice{"tcg", "KVM probe: " + err.Error()}
	}
	dbg.Close()
	defer os.Remove(dbg.Name())

	ctx, cancel := context.WithTimeout(context.Background(), probeTimeout)
	defer cancel()
	args := []string{"-M", "q35", "-m", "256M", "-smp", "1", "-accel", "kvm", "-cpu", "host",
		"-nodefaults", "-no-reboot", "-display", "none", "-serial", "null"}
	args = append(args, debugDevices(dbg.Name())...)
	args = append(args, "-kernel", image, "-append", "vmgo.probe=1")
	cmd := exec.CommandContext(ctx, q.path, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err = cmd.Run()
	out, _ := os.ReadFile(dbg.Name())
	if _, ok := debugconStatus(out); ok {
		return accelChoice{"kvm", "a probe boot under KVM ran to the guest's exit"}
	}
	if ctx.Err() != nil {
		return accelChoice{"tcg", fmt.Sprintf("a probe boot under KVM did not finish in %v", probeTimeout)}
	}
	why := lastLine(stderr.String())
	if why == "" && err != nil {
		why = err.Error()
	}
	if why == "" {
		why = "the guest stopped without an exit status"
	}
	return accelChoice{"tcg", "a probe boot under KVM failed: " + why}
}

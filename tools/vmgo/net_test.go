// SPDX-License-Identifier: ISC

package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParsePortFwd(t *testing.T) {
	for _, c := range []struct {
		in   string
		want portFwd
	}{
		{"8080:80", portFwd{"tcp", "127.0.0.1", 8080, 80}},
		{"8080:80/tcp", portFwd{"tcp", "127.0.0.1", 8080, 80}},
		{"5353:53/udp", portFwd{"udp", "127.0.0.1", 5353, 53}},
		{"5353:53/UDP", portFwd{"udp", "127.0.0.1", 5353, 53}},
		{"0.0.0.0:1:65535", portFwd{"tcp", "0.0.0.0", 1, 65535}},
		{"10.1.2.3:65535:1/udp", portFwd{"udp", "10.1.2.3", 65535, 1}},
	} {
		got, err := parsePortFwd(c.in)
		if err != nil || got != c.want {
			t.Errorf("parsePortFwd(%q) = %+v, %v; want %+v", c.in, got, err, c.want)
		}
	}
	for _, c := range []struct{ in, why string }{
		{"", "expected HOSTPORT:GUESTPORT"},
		{"8080", "expected HOSTPORT:GUESTPORT"},
		{"a:b:c:d", "expected HOSTPORT:GUESTPORT"},
		{"0:80", `host port "0"`},
		{"65536:80", `host port "65536"`},
		{"8080:0", `guest port "0"`},
		{"8080:99999", `guest port "99999"`},
		{"-1:80", `host port "-1"`},
		{"+80:80", `host port "+80"`},
		{"8080:80/sctp", `unknown protocol "sctp"`},
		{"8080:80/", `unknown protocol ""`},
		{"localhost:8080:80", `host address "localhost"`},
		{"::1:8080:80", "expected HOSTPORT:GUESTPORT"},
		{"1.2.3:8080:80", `host address "1.2.3"`},
		{"000000080:80", `host port "000000080"`},
	} {
		_, err := parsePortFwd(c.in)
		var ue *usageError
		if !errors.As(err, &ue) {
			t.Errorf("parsePortFwd(%q): err %v, want a usage error", c.in, err)
			continue
		}
		// The message names the option, the reason and the right form.
		msg := err.Error()
		if !strings.HasPrefix(msg, "-p "+c.in+": ") || !strings.Contains(msg, c.why) ||
			!strings.Contains(msg, "[HOSTADDR:]HOSTPORT:GUESTPORT[/tcp|/udp]") {
			t.Errorf("parsePortFwd(%q): message %q, want the option, %q and the form", c.in, msg, c.why)
		}
	}
}

// fakeTaps makes tapCheck accept only the names given.
func fakeTaps(t *testing.T, names ...string) {
	old := tapCheck
	t.Cleanup(func() { tapCheck = old })
	tapCheck = func(name string) error {
		for _, n := range names {
			if n == name {
				return nil
			}
		}
		return fmt.Errorf("there is no network device %s", name)
	}
}

func TestParseNet(t *testing.T) {
	fakeTaps(t, "tap0")
	c, err := parseNet("", nil)
	if err != nil || c.mode != "user" || c.fwds != nil {
		t.Errorf("default: %+v %v", c, err)
	}
	c, err = parseNet("user", []string{"8080:80", "127.0.0.2:8080:80", "8080:80/udp"})
	if err != nil || len(c.fwds) != 3 {
		t.Errorf("user with -p: %+v %v", c, err)
	}
	c, err = parseNet("none", nil)
	if err != nil || c.mode != "none" {
		t.Errorf("none: %+v %v", c, err)
	}
	c, err = parseNet("tap:tap0", nil)
	if err != nil || c.mode != "tap" || c.tap != "tap0" {
		t.Errorf("tap: %+v %v", c, err)
	}
	for _, bad := range []struct {
		mode  string
		ports []string
		why   string
	}{
		{"slirp", nil, "-net slirp: unknown network; use -net user | -net none | -net tap:NAME"},
		{"tap:", nil, `-net tap:: "" is not a network interface name`},
		{"tap:a,b", nil, `"a,b" is not a network interface name`},
		{"tap:abcdefghijklmnop", nil, "is not a network interface name"},
		{"tap:nosuch", nil, "-net tap:nosuch: there is no network device nosuch"},
		{"none", []string{"8080:80"}, "-p 8080:80: port forwards need user networking, not -net none"},
		{"tap:tap0", []string{"8080:80"}, "not -net tap:tap0"},
		{"", []string{"8080:80", "8080:81"}, "-p 8080:81: host port 8080/tcp is already forwarded by -p 8080:80"},
		{"", []string{"8080:99999"}, "-p 8080:99999: guest port"},
	} {
		_, err := parseNet(bad.mode, bad.ports)
		var ue *usageError
		if !errors.As(err, &ue) || !strings.Contains(err.Error(), bad.why) {
			t.Errorf("parseNet(%q, %q): %v; want a usage error with %q", bad.mode, bad.ports, err, bad.why)
		}
	}
}

func TestTapCheckReal(t *testing.T) {
	// The loopback device exists everywhere and is no tap device.
	if _, err := os.Stat("/sys/class/net/lo"); err != nil {
		t.Skip("no /sys/class/net/lo")
	}
	if err := tapCheck("lo"); err == nil || !strings.Contains(err.Error(), "not a tun/tap device") {
		t.Errorf("tapCheck(lo) = %v", err)
	}
	if err := tapCheck("vmgo-no-such"); err == nil || !strings.Contains(err.Error(), "ip tuntap add dev vmgo-no-such mode tap") {
		t.Errorf("tapCheck(vmgo-no-such) = %v", err)
	}
}

func TestNetArgs(t *testing.T) {
	fakeTaps(t, "tap7")
	user, _ := parseNet("", []string{"8080:80", "0.0.0.0:5353:53/udp"})
	tap, _ := parseNet("tap:tap7", nil)
	none, _ := parseNet("none", nil)
	for _, c := range []struct {
		cfg     netConfig
		machine string
		want    []string
	}{
		{user, "q35", []string{"-netdev", "user,id=vmgo-net0,hostfwd=tcp:127.0.0.1:8080-:80,hostfwd=udp:0.0.0.0:5353-:53",
			"-device", "virtio-net-pci,netdev=vmgo-net0"}},
		{user, "microvm", []string{"-netdev", "user,id=vmgo-net0,hostfwd=tcp:127.0.0.1:8080-:80,hostfwd=udp:0.0.0.0:5353-:53",
			"-device", "virtio-net-device,netdev=vmgo-net0"}},
		{tap, "pc", []string{"-netdev", "tap,id=vmgo-net0,ifname=tap7,script=no,downscript=no",
			"-device", "virtio-net-pci,netdev=vmgo-net0"}},
		{none, "q35", nil},
	} {
		if got := netArgs(c.cfg, c.machine); !reflect.DeepEqual(got, c.want) {
			t.Errorf("netArgs(%v, %s) = %q, want %q", c.cfg, c.machine, got, c.want)
		}
	}
	if got := rngArgs("q35"); !reflect.DeepEqual(got, []string{"-device", "virtio-rng-pci"}) {
		t.Errorf("rngArgs(q35) = %q", got)
	}
	if got := rngArgs("microvm"); !reflect.DeepEqual(got, []string{"-device", "virtio-rng-device"}) {
		t.Errorf("rngArgs(microvm) = %q", got)
	}
}

func TestQemuArgsNet(t *testing.T) {
	user, _ := parseNet("", []string{"8080:80"})
	args := qemuArgs(runConfig{machine: "q35", mem: "256M", smp: 1, accel: "tcg", image: "a.img",
		cmdline: "vmgo.argv0=a", debugcon: "/tmp/d", net: user, qmp: "/tmp/q,1/qmp.sock", extra: []string{"-s"}})
	line := strings.Join(args, " ")
	for _, want := range []string{
		"-netdev user,id=vmgo-net0,hostfwd=tcp:127.0.0.1:8080-:80 -device virtio-net-pci,netdev=vmgo-net0",
		"-device virtio-rng-pci",
		"-qmp unix:/tmp/q,,1/qmp.sock,server=on,wait=off",
		"-kernel a.img -append vmgo.argv0=a -s",
	} {
		if !strings.Contains(line, want) {
			t.Errorf("QEMU command line lacks %q:\n%s", want, line)
		}
	}
	if strings.Contains(line, "force-legacy") {
		t.Errorf("q35 got the microvm-only virtio-mmio setting: %s", line)
	}
	// -net none: no NIC at all (-nodefaults leaves out QEMU's), still the rng.
	none, _ := parseNet("none", nil)
	line = strings.Join(qemuArgs(runConfig{machine: "microvm", mem: "256M", smp: 1, accel: "tcg", net: none}), " ")
	if strings.Contains(line, "-netdev") || strings.Contains(line, "virtio-net") || strings.Contains(line, "-qmp") ||
		!strings.Contains(line, "-global virtio-mmio.force-legacy=false") ||
		!strings.Contains(line, "-device virtio-rng-device") || !strings.Contains(line, "-nodefaults") {
		t.Errorf("-net none on microvm: %s", line)
	}
}

func TestParseRunNet(t *testing.T) {
	fakeTaps(t)
	o, _, _, _, err := parseRun("run", []string{"-p", "8080:80", "-p=9000:9000/udp", "-net", "user", "app.img"}, io.Discard)
	if err != nil || o.net.mode != "user" || len(o.net.fwds) != 2 {
		t.Errorf("parseRun with -p: %+v %v", o.net, err)
	}
	// vmgo exec (go test -exec) gets the same default network as vmgo run.
	o, _, _, _, err = parseRun("exec", []string{"pkg.test"}, io.Discard)
	if err != nil || o.net.mode != "user" {
		t.Errorf("exec default network: %+v %v", o.net, err)
	}
	_, _, _, _, err = parseRun("run", []string{"-net", "tap:tapX", "app.img"}, io.Discard)
	var ue *usageError
	if !errors.As(err, &ue) {
		t.Errorf("missing tap: %v", err)
	}
}

// TestNetUsageExit runs vmgo run with bad network options: each exits 2
// with a message naming the option, before looking for the image or QEMU
// (a QEMU that would record being started stands ready).
func TestNetUsageExit(t *testing.T) {
	fakeTaps(t)
	dir := t.TempDir()
	mark := filepath.Join(dir, "started")
	fakeQemu := filepath.Join(dir, "qemu")
	os.WriteFile(fakeQemu, []byte("#!/bin/sh\ntouch "+mark+"\n"), 0755)
	t.Setenv("VMGO_QEMU", fakeQemu)
	img := filepath.Join(dir, "app.img")
	os.WriteFile(img, []byte("\x7fELF\x02\xb0\xad\x1b"), 0644)
	for _, argv := range [][]string{
		{"run", "-p", "70000:80", img},
		{"run", "-p", "8080:80/icmp", img},
		{"run", "-net", "none", "-p", "8080:80", img},
		{"run", "-net", "tap:vmgo-no-tap", img},
		{"run", "-net", "bridge", img},
		{"exec", "-p", "1:2:3", img},
	} {
		stderr := captureStderr(t, func() {
			if st := vmgoMain(argv); st != exitUsage {
				t.Errorf("vmgo %q: status %d, want %d", argv, st, exitUsage)
			}
		})
		if !strings.HasPrefix(stderr, "vmgo: -p ") && !strings.HasPrefix(stderr, "vmgo: -net ") {
			t.Errorf("vmgo %q: message %q does not start with the option", argv, stderr)
		}
	}
	if _, err := os.Stat(mark); err == nil {
		t.Errorf("QEMU was started")
	}
}

// captureStderr runs f with os.Stderr redirected and returns what f wrote.
func captureStderr(t *testing.T, f func()) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	old := os.Stderr
	os.Stderr = w
	done := make(chan string)
	go func() {
		b, _ := io.ReadAll(r)
		done <- string(b)
	}()
	f()
	os.Stderr = old
	w.Close()
	return <-done
}

// fakeQMP serves one QMP conversation on a unix socket the way QEMU does
// (greeting, negotiation, an event before an answer; serveQMP) and
// records the commands it got.
func fakeQMP(t *testing.T, nmiError bool) (string, <-chan []string) {
	return serveQMP(t, func(c io.Writer, cmd string) bool {
		switch {
		case strings.Contains(cmd, "inject-nmi") && nmiError:
			fmt.Fprint(c, `{"error": {"class": "GenericError", "desc": "no NMI here"}}`+"\r\n")
		case strings.Contains(cmd, "inject-nmi"):
			fmt.Fprint(c, `{"timestamp": {"seconds": 1, "microseconds": 2}, "event": "RESUME"}`+"\r\n")
			fmt.Fprint(c, `{"return": {}}`+"\r\n")
		}
		return false
	})
}

func TestQMPNMI(t *testing.T) {
	path, got := fakeQMP(t, false)
	if err := qmpNMI(path); err != nil {
		t.Fatal(err)
	}
	select {
	case cmds := <-got:
		want := []string{`{"execute": "qmp_capabilities"}`, `{"execute": "inject-nmi"}`}
		if !reflect.DeepEqual(cmds, want) {
			t.Errorf("commands %q, want %q", cmds, want)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("fake QMP server saw no end of conversation")
	}

	path, _ = fakeQMP(t, true)
	if err := qmpNMI(path); err == nil || !strings.Contains(err.Error(), "no NMI here") {
		t.Errorf("QMP error answer: %v", err)
	}
	if err := qmpNMI(filepath.Join(t.TempDir(), "none.sock")); err == nil ||
		!strings.Contains(err.Error(), "cannot reach QEMU's QMP socket") {
		t.Errorf("no socket: %v", err)
	}
}

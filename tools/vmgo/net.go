// SPDX-License-Identifier: ISC

// net.go: vmgo run's network options (-net, -p) and the QEMU devices they
// become: a virtio-net NIC on user networking (slirp) or a tap device, and
// a virtio-rng device for the guest's entropy.

package main

import (
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// exitUsage is vmgo run's status for a malformed -net or -p: nothing was
// started (the flag package's convention for usage errors).
const exitUsage = 2

// usageError is an option error that makes vmgo run exit with exitUsage.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

// Forms shown in error messages.
const (
	netForm  = "-net user | -net none | -net tap:NAME"
	portForm = "-p [HOSTADDR:]HOSTPORT:GUESTPORT[/tcp|/udp], e.g. -p 8080:80 or -p 0.0.0.0:5353:53/udp"
)

// portFwd is one -p: a QEMU user-networking host forward.
type portFwd struct {
	proto     string // "tcp" or "udp"
	hostAddr  string // IPv4 literal; 127.0.0.1 unless given
	hostPort  int
	guestPort int
}

// netConfig is the guest's network: mode "user" (QEMU's slirp, the
// default), "tap" (an existing host tap device) or "none".
type netConfig struct {
	mode string
	tap  string
	fwds []portFwd
}

// parsePort reads a TCP/UDP port number, 1 to 65535.
func parsePort(s string) (int, bool) {
	if s == "" || strings.TrimLeft(s, "0123456789") != "" || len(s) > 5 {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil && n >= 1 && n <= 65535
}

// parsePortFwd parses one -p value, [HOSTADDR:]HOSTPORT:GUESTPORT[/tcp|/udp].
// HOSTADDR is an IPv4 address (QEMU 7's slirp forwards IPv4 only) and
// defaults to 127.0.0.1, so a forward is reachable from this host only
// unless an address such as 0.0.0.0 is given.
func parsePortFwd(s string) (portFwd, error) {
	bad := func(why string) (portFwd, error) {
		return portFwd{}, &usageError{fmt.Sprintf("-p %s: %s; use %s", s, why, portForm)}
	}
	f := portFwd{proto: "tcp", hostAddr: "127.0.0.1"}
	spec := s
	if i := strings.LastIndexByte(spec, '/'); i >= 0 {
		switch p := strings.ToLower(spec[i+1:]); p {
		case "tcp", "udp":
			f.proto = p
		default:
			return bad(fmt.Sprintf("unknown protocol %q (tcp or udp)", spec[i+1:]))
		}
		spec = spec[:i]
	}
	parts := strings.Split(spec, ":")
	switch len(parts) {
	case 2:
	case 3:
		a, err := netip.ParseAddr(parts[0])
		if err != nil || !a.Is4() {
			return bad(fmt.Sprintf("host address %q is not an IPv4 address", parts[0]))
		}
		f.hostAddr = a.String()
		parts = parts[1:]
	default:
		return bad("expected HOSTPORT:GUESTPORT")
	}
	var ok bool
	if f.hostPort, ok = parsePort(parts[0]); !ok {
		return bad(fmt.Sprintf("host port %q is not a port number 1-65535", parts[0]))
	}
	if f.guestPort, ok = parsePort(parts[1]); !ok {
		return bad(fmt.Sprintf("guest port %q is not a port number 1-65535", parts[1]))
	}
	return f, nil
}

// tapCheck says whether the host has a tap device NAME; a variable so the
// tests can stand in for /sys.
var tapCheck = func(name string) error {
	dev := filepath.Join("/sys/class/net", name)
	if _, err := os.Stat(dev); err != nil {
		return fmt.Errorf("there is no network device %s on this host (create one: ip tuntap add dev %s mode tap)", name, name)
	}
	if _, err := os.Stat(filepath.Join(dev, "tun_flags")); err != nil {
		return fmt.Errorf("%s is not a tun/tap device (create one: ip tuntap add dev NAME mode tap)", name)
	}
	return nil
}

// parseNet turns -net and the -p list into a netConfig.  mode "" is the
// default, user networking.  Errors are *usageError.
func parseNet(mode string, ports []string) (netConfig, error) {
	var c netConfig
	switch {
	case mode == "" || mode == "user":
		c.mode = "user"
	case mode == "none":
		c.mode = "none"
	case strings.HasPrefix(mode, "tap:"):
		c.mode, c.tap = "tap", mode[len("tap:"):]
		// IFNAMSIZ is 16 with the NUL (linux/if.h); "," would end the
		// QEMU option value and "/" is no interface name.
		if c.tap == "" || len(c.tap) > 15 || strings.ContainsAny(c.tap, ",/ \t=") {
			return c, &usageError{fmt.Sprintf("-net %s: %q is not a network interface name; use %s", mode, c.tap, netForm)}
		}
		if err := tapCheck(c.tap); err != nil {
			return c, &usageError{fmt.Sprintf("-net %s: %v", mode, err)}
		}
	default:
		return c, &usageError{fmt.Sprintf("-net %s: unknown network; use %s", mode, netForm)}
	}
	seen := map[string]string{}
	for _, p := range ports {
		f, err := parsePortFwd(p)
		if err != nil {
			return c, err
		}
		key := fmt.Sprintf("%s:%s:%d", f.proto, f.hostAddr, f.hostPort)
		if prev, dup := seen[key]; dup {
			return c, &usageError{fmt.Sprintf("-p %s: host port %d/%s is already forwarded by -p %s", p, f.hostPort, f.proto, prev)}
		}
		seen[key] = p
		c.fwds = append(c.fwds, f)
	}
	if len(c.fwds) > 0 && c.mode != "user" {
		return c, &usageError{fmt.Sprintf("-p %s: port forwards need user networking, not -net %s; "+
			"drop -net or use -net user (with a tap device, reach the guest at its own address)", ports[0], mode)}
	}
	return c, nil
}

// netdevID names vmgo's network backend on the QEMU command line.
const netdevID = "vmgo-net0"

// netArgs is the QEMU arguments for c on machine: the backend
// (-netdev user with a hostfwd per -p, or tap) and the NIC, virtio-net
// over PCI on pc/q35 and over MMIO on microvm; nothing for "none".
func netArgs(c netConfig, machine string) []string {
	var backend string
	switch c.mode {
	case "user":
		backend = "user,id=" + netdevID
		for _, f := range c.fwds {
			// hostfwd=[tcp|udp]:[hostaddr]:hostport-[guestaddr]:guestport;
			// an empty guest address is the guest's DHCP address.
			backend += fmt.Sprintf(",hostfwd=%s:%s:%d-:%d", f.proto, f.hostAddr, f.hostPort, f.guestPort)
		}
	case "tap":
		backend = "tap,id=" + netdevID + ",ifname=" + c.tap + ",script=no,downscript=no"
	default:
		return nil
	}
	return []string{"-netdev", backend, "-device", virtioDevice("net", machine) + ",netdev=" + netdevID}
}

// rngArgs is the virtio-rng device (QEMU's default backend reads the
// host's random source), so the guest's getentropy has a device to draw on.
func rngArgs(machine string) []string {
	return []string{"-device", virtioDevice("rng", machine)}
}

// virtioDevice is "virtio-KIND-pci" on pc/q35, "virtio-KIND-device" (on a
// virtio-mmio transport) on microvm.
func virtioDevice(kind, machine string) string {
	if machine == "microvm" {
		return "virtio-" + kind + "-device"
	}
	return "virtio-" + kind + "-pci"
}

// String renders c the way -net takes it, plus the forwards: for -v and
// vmgo env.
func (c netConfig) String() string {
	s := c.mode
	if c.mode == "tap" {
		s += ":" + c.tap
	}
	for _, f := range c.fwds {
		s += fmt.Sprintf(" -p %s:%d:%d/%s", f.hostAddr, f.hostPort, f.guestPort, f.proto)
	}
	return s
}

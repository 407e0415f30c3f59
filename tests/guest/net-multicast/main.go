// net-multicast: UDP multicast through Go's net package on the guest's
// NIC, received through the stack's multicast loopback: two
// net.ListenMulticastUDP members of one IPv4 group on one port both get
// a datagram a third socket sends to the group; IP_MULTICAST_LOOP off on
// the sender keeps it from them; once both members closed (leaving the
// group), a plain socket on the port gets nothing; and an IPv6 group on
// the link (ff12::/16 with the interface as zone) works the same way.
package main

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"syscall"
	"time"
)

func fail(format string, a ...any) {
	fmt.Printf("net-multicast: FAIL "+format+"\n", a...)
	os.Exit(1)
}

// expect reads one datagram from c within d and checks it is want.
func expect(c *net.UDPConn, want string, d time.Duration) {
	buf := make([]byte, 1500)
	c.SetReadDeadline(time.Now().Add(d))
	n, from, err := c.ReadFromUDP(buf)
	if err != nil {
		fail("%v: waiting for %q: %v", c.LocalAddr(), want, err)
	}
	if !bytes.Equal(buf[:n], []byte(want)) {
		fail("%v: got %q from %v, want %q", c.LocalAddr(), buf[:n], from, want)
	}
}

// nothing checks that c gets no datagram within d.
func nothing(c *net.UDPConn, why string, d time.Duration) {
	buf := make([]byte, 1500)
	c.SetReadDeadline(time.Now().Add(d))
	n, from, err := c.ReadFromUDP(buf)
	var ne net.Error
	if err == nil {
		fail("%s: got %q from %v", why, buf[:n], from)
	}
	if !errors.As(err, &ne) || !ne.Timeout() {
		fail("%s: %v", why, err)
	}
}

// control runs f on c's file descriptor (a socket option).
func control(c *net.UDPConn, what string, f func(fd int) error) {
	rc, err := c.SyscallConn()
	if err != nil {
		fail("%s: SyscallConn: %v", what, err)
	}
	var ferr error
	if err := rc.Control(func(fd uintptr) { ferr = f(int(fd)) }); err != nil {
		fail("%s: Control: %v", what, err)
	}
	if ferr != nil {
		fail("%s: %v", what, ferr)
	}
}

// loop sets the sender's IP_MULTICAST_LOOP; OpenBSD takes it as a byte.
func loop(c *net.UDPConn, on byte) {
	control(c, fmt.Sprintf("IP_MULTICAST_LOOP %d", on), func(fd int) error {
		return syscall.SetsockoptByte(fd, syscall.IPPROTO_IP, syscall.IP_MULTICAST_LOOP, on)
	})
}

func send(c *net.UDPConn, msg string) {
	if _, err := c.Write([]byte(msg)); err != nil {
		fail("write %q to %v: %v", msg, c.RemoteAddr(), err)
	}
}

func main() {
	ifi, err := net.InterfaceByName("vio0")
	if err != nil {
		fail("no vio0: %v", err)
	}
	if ifi.Flags&net.FlagMulticast == 0 || ifi.Flags&net.FlagUp == 0 {
		fail("vio0 flags %v: want up and multicast", ifi.Flags)
	}
	// IPv4 multicast needs the interface's address (DHCP).
	for i := 0; ; i++ {
		addrs, _ := ifi.Addrs()
		found := false
		for _, a := range addrs {
			if ipn, ok := a.(*net.IPNet); ok && ipn.IP.To4() != nil {
				found = true
			}
		}
		if found {
			break
		}
		if i == 100 {
			fail("vio0 has no IPv4 address after 10 s")
		}
		time.Sleep(100 * time.Millisecond)
	}

	// IPv4: two members on one port, one sender.
	group := &net.UDPAddr{IP: net.IPv4(239, 7, 7, 7), Port: 7007}
	m1, err := net.ListenMulticastUDP("udp4", ifi, group)
	if err != nil {
		fail("ListenMulticastUDP %v: %v", group, err)
	}
	m2, err := net.ListenMulticastUDP("udp4", ifi, group)
	if err != nil {
		fail("second ListenMulticastUDP %v: %v", group, err)
	}
	s, err := net.DialUDP("udp4", nil, group)
	if err != nil {
		fail("DialUDP %v: %v", group, err)
	}
	send(s, "v4 hello")
	expect(m1, "v4 hello", 5*time.Second)
	expect(m2, "v4 hello", 5*time.Second)
	fmt.Println("net-multicast: ipv4 group reached both members")

	// The sender's IP_MULTICAST_LOOP off: its own host's members get
	// nothing.
	loop(s, 0)
	send(s, "v4 no loop")
	nothing(m1, "with IP_MULTICAST_LOOP off", time.Second)
	loop(s, 1)
	send(s, "v4 loop again")
	expect(m1, "v4 loop again", 5*time.Second)
	expect(m2, "v4 loop again", 5*time.Second)
	fmt.Println("net-multicast: IP_MULTICAST_LOOP honoured")

	// Closing both members leaves the group: the host no longer takes
	// the group's datagrams, even for a socket on the port.
	m1.Close()
	m2.Close()
	p, err := net.ListenUDP("udp4", &net.UDPAddr{Port: 7007})
	if err != nil {
		fail("ListenUDP :7007: %v", err)
	}
	send(s, "v4 after leaving")
	nothing(p, "after both members closed", time.Second)
	p.Close()
	s.Close()
	fmt.Println("net-multicast: closing the members left the group")

	// IPv6, link-scope transient group, the interface as zone.
	group6 := &net.UDPAddr{IP: net.ParseIP("ff12::7007"), Port: 7008, Zone: ifi.Name}
	m6, err := net.ListenMulticastUDP("udp6", ifi, group6)
	if err != nil {
		fail("ListenMulticastUDP %v: %v", group6, err)
	}
	s6, err := net.DialUDP("udp6", nil, group6)
	if err != nil {
		fail("DialUDP %v: %v", group6, err)
	}
	send(s6, "v6 hello")
	expect(m6, "v6 hello", 5*time.Second)
	var hops int
	control(s6, "IPV6_MULTICAST_HOPS", func(fd int) (err error) {
		hops, err = syscall.GetsockoptInt(fd, syscall.IPPROTO_IPV6, syscall.IPV6_MULTICAST_HOPS)
		return err
	})
	if hops != 1 {
		fail("IPV6_MULTICAST_HOPS = %d; want 1 (the BSD default)", hops)
	}
	m6.Close()
	s6.Close()
	fmt.Println("net-multicast: ipv6 group reached its member")
	fmt.Println("net-multicast: all checks passed")
}

// SPDX-License-Identifier: ISC

// net-loopback: the socket layer seen through Go's net package, all on
// the guest's own loopback interface: TCP over 127.0.0.1 and [::1]
// (8 MiB each way with matching SHA-256), CloseWrite giving the peer EOF,
// a read deadline expiring, connection refused by a closed port, Accept
// on a closed listener, UDP ReadFrom/WriteTo with source addresses,
// EADDRINUSE, getsockopt/setsockopt round trips, and net.Interfaces()
// showing lo0 with 127.0.0.1 and ::1; a reset on close with unread data,
// a dual-stack listener, Accept under EMFILE, ReadMsgUDP/WriteMsgUDP.
package main

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"math/rand"
	"net"
	"os"
	"strings"
	"syscall"
	"time"
)

var failed bool

func check(name string, err error) {
	if err != nil {
		fmt.Printf("FAIL %s: %v\n", name, err)
		failed = true
		return
	}
	fmt.Printf("ok %s\n", name)
}

// echoServer accepts connections and echoes each until EOF, then closes.
func echoServer(ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		go func(c net.Conn) {
			defer c.Close()
			io.Copy(c, c)
		}(c)
	}
}

// bulk sends n random bytes to an echo server at addr and checks that
// the same bytes come back (SHA-256), with CloseWrite ending the stream.
func bulk(network, addr string, n int) error {
	ln, err := net.Listen(network, addr)
	if err != nil {
		return err
	}
	defer ln.Close()
	go echoServer(ln)
	c, err := net.Dial(network, ln.Addr().String())
	if err != nil {
		return err
	}
	defer c.Close()
	if c.LocalAddr().(*net.TCPAddr).Port == 0 {
		return errors.New("local port 0")
	}
	data := make([]byte, n)
	rand.New(rand.NewSource(1)).Read(data)
	want := sha256.Sum256(data)
	errc := make(chan error, 1)
	go func() {
		_, err := c.Write(data)
		if err == nil {
			err = c.(*net.TCPConn).CloseWrite()
		}
		errc <- err
	}()
	h := sha256.New()
	got, err := io.Copy(h, c)
	if err != nil {
		return fmt.Errorf("read after %d bytes: %v", got, err)
	}
	if err := <-errc; err != nil {
		return fmt.Errorf("write: %v", err)
	}
	if got != int64(n) {
		return fmt.Errorf("got %d bytes back, sent %d", got, n)
	}
	if !bytes.Equal(h.Sum(nil), want[:]) {
		return errors.New("SHA-256 differs")
	}
	return nil
}

func closeWrite() error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	defer ln.Close()
	done := make(chan error, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			done <- err
			return
		}
		defer c.Close()
		b, err := io.ReadAll(c) // ends at the client's CloseWrite
		if err != nil {
			done <- err
			return
		}
		_, err = c.Write([]byte("got " + string(b)))
		done <- err
	}()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		return err
	}
	defer c.Close()
	c.Write([]byte("hello"))
	if err := c.(*net.TCPConn).CloseWrite(); err != nil {
		return err
	}
	b, err := io.ReadAll(c)
	if err != nil {
		return err
	}
	if string(b) != "got hello" {
		return fmt.Errorf("reply %q", b)
	}
	if _, err := c.Write([]byte("x")); err == nil {
		return errors.New("write after CloseWrite succeeded")
	} else if !errors.Is(err, syscall.EPIPE) {
		return fmt.Errorf("write after CloseWrite: %v, want EPIPE", err)
	}
	return <-done
}

func deadline() error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	defer ln.Close()
	hold := make(chan net.Conn, 1)
	go func() {
		c, err := ln.Accept()
		if err == nil {
			hold <- c
		}
	}()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		return err
	}
	defer c.Close()
	start := time.Now()
	c.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
	_, err = c.Read(make([]byte, 10))
	el := time.Since(start)
	if err == nil {
		return errors.New("read returned without data")
	}
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		return fmt.Errorf("read: %v, want a timeout", err)
	}
	if el < 200*time.Millisecond || el > 5*time.Second {
		return fmt.Errorf("deadline fired after %v", el)
	}
	// The connection still works after the timeout.
	c.SetReadDeadline(time.Time{})
	s := <-hold
	defer s.Close()
	s.Write([]byte("late"))
	b := make([]byte, 4)
	if _, err := io.ReadFull(c, b); err != nil || string(b) != "late" {
		return fmt.Errorf("read after deadline: %q %v", b, err)
	}
	return nil
}

func refused() error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	addr := ln.Addr().String()
	ln.Close()
	_, err = net.DialTimeout("tcp", addr, 10*time.Second)
	if !errors.Is(err, syscall.ECONNREFUSED) {
		return fmt.Errorf("dial closed port: %v, want ECONNREFUSED", err)
	}
	_, err = net.DialTimeout("tcp6", "[::1]:1", 10*time.Second)
	if !errors.Is(err, syscall.ECONNREFUSED) {
		return fmt.Errorf("dial [::1]:1: %v, want ECONNREFUSED", err)
	}
	return nil
}

func closedListener() error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	errc := make(chan error, 1)
	go func() {
		_, err := ln.Accept()
		errc <- err
	}()
	time.Sleep(100 * time.Millisecond)
	ln.Close()
	select {
	case err = <-errc:
	case <-time.After(10 * time.Second):
		return errors.New("Accept still blocked 10 s after Close")
	}
	if !errors.Is(err, net.ErrClosed) {
		return fmt.Errorf("Accept: %v, want net.ErrClosed", err)
	}
	if _, err := ln.Accept(); !errors.Is(err, net.ErrClosed) {
		return fmt.Errorf("second Accept: %v", err)
	}
	return nil
}

func addrInUse() error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	defer ln.Close()
	_, err = net.Listen("tcp", ln.Addr().String())
	if !errors.Is(err, syscall.EADDRINUSE) {
		return fmt.Errorf("second Listen on %s: %v, want EADDRINUSE", ln.Addr(), err)
	}
	_, err = net.Listen("tcp", "10.99.99.99:0")
	if !errors.Is(err, syscall.EADDRNOTAVAIL) {
		return fmt.Errorf("Listen on a foreign address: %v, want EADDRNOTAVAIL", err)
	}
	// Listen, close, listen again on the same port (SO_REUSEADDR).
	port := ln.Addr().(*net.TCPAddr).Port
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		return err
	}
	s, err := ln.Accept()
	if err != nil {
		return err
	}
	s.Close()
	c.Close()
	ln.Close()
	ln2, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		return fmt.Errorf("listen again on %d: %v", port, err)
	}
	ln2.Close()
	return nil
}

func udp(network, addr string) error {
	srv, err := net.ListenPacket(network, addr)
	if err != nil {
		return err
	}
	defer srv.Close()
	go func() {
		b := make([]byte, 65536)
		for {
			n, from, err := srv.ReadFrom(b)
			if err != nil {
				return
			}
			srv.WriteTo(append([]byte("echo:"), b[:n]...), from)
		}
	}()
	cl, err := net.ListenPacket(network, addr)
	if err != nil {
		return err
	}
	defer cl.Close()
	b := make([]byte, 65536)
	for i, size := range []int{1, 100, 1400, 8000, 60000} {
		msg := bytes.Repeat([]byte{byte('a' + i)}, size)
		if _, err := cl.WriteTo(msg, srv.LocalAddr()); err != nil {
			return fmt.Errorf("WriteTo %d bytes: %v", size, err)
		}
		cl.SetReadDeadline(time.Now().Add(5 * time.Second))
		n, from, err := cl.ReadFrom(b)
		if err != nil {
			return fmt.Errorf("ReadFrom after %d bytes: %v", size, err)
		}
		if from.String() != srv.LocalAddr().String() {
			return fmt.Errorf("reply from %v, want %v", from, srv.LocalAddr())
		}
		if n != size+5 || !bytes.Equal(b[:n], append([]byte("echo:"), msg...)) {
			return fmt.Errorf("echo of %d bytes came back as %d bytes", size, n)
		}
	}
	if _, err := cl.WriteTo(make([]byte, 70000), srv.LocalAddr()); !errors.Is(err, syscall.EMSGSIZE) {
		return fmt.Errorf("70000-byte datagram: %v, want EMSGSIZE", err)
	}
	// A connected UDP socket (the DNS resolver's way).
	c, err := net.Dial(strings.Replace(network, "udp", "udp", 1), srv.LocalAddr().String())
	if err != nil {
		return err
	}
	defer c.Close()
	if ua := c.LocalAddr().(*net.UDPAddr); ua.Port == 0 || ua.IP.IsUnspecified() {
		return fmt.Errorf("connected UDP local address %v", ua)
	}
	c.Write([]byte("q"))
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	n, err := c.Read(b)
	if err != nil || string(b[:n]) != "echo:q" {
		return fmt.Errorf("connected UDP: %q %v", b[:n], err)
	}
	return nil
}

func sockopts() error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	defer ln.Close()
	go echoServer(ln)
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		return err
	}
	defer c.Close()
	tc := c.(*net.TCPConn)
	if err := tc.SetNoDelay(false); err != nil {
		return err
	}
	if err := tc.SetKeepAlive(true); err != nil {
		return err
	}
	if err := tc.SetLinger(5); err != nil {
		return err
	}
	if err := tc.SetReadBuffer(100000); err != nil {
		return err
	}
	rc, _ := tc.SyscallConn()
	var v, ty int
	var gerr error
	rc.Control(func(fd uintptr) {
		v, gerr = syscall.GetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF)
		if gerr == nil {
			ty, gerr = syscall.GetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_TYPE)
		}
	})
	if gerr != nil || v != 100000 || ty != syscall.SOCK_STREAM {
		return fmt.Errorf("SO_RCVBUF %d SO_TYPE %d: %v", v, ty, gerr)
	}
	rc.Control(func(fd uintptr) {
		_, gerr = syscall.GetsockoptInt(int(fd), syscall.IPPROTO_TCP, 0x7777)
	})
	if !errors.Is(gerr, syscall.ENOPROTOOPT) {
		return fmt.Errorf("unknown option: %v, want ENOPROTOOPT", gerr)
	}
	c.Write([]byte("ping"))
	b := make([]byte, 4)
	if _, err := io.ReadFull(c, b); err != nil || string(b) != "ping" {
		return fmt.Errorf("echo with options set: %q %v", b, err)
	}
	return nil
}

func interfaces() error {
	ifs, err := net.Interfaces()
	if err != nil {
		return err
	}
	var lo *net.Interface
	for i := range ifs {
		fmt.Printf("  if %d %s mtu %d flags %v hw %v\n", ifs[i].Index, ifs[i].Name, ifs[i].MTU, ifs[i].Flags, ifs[i].HardwareAddr)
		if ifs[i].Name == "lo0" {
			lo = &ifs[i]
		}
	}
	if lo == nil {
		return errors.New("no lo0")
	}
	if lo.Flags&net.FlagLoopback == 0 || lo.Flags&net.FlagUp == 0 {
		return fmt.Errorf("lo0 flags %v", lo.Flags)
	}
	addrs, err := lo.Addrs()
	if err != nil {
		return err
	}
	var s []string
	for _, a := range addrs {
		s = append(s, a.String())
	}
	fmt.Printf("  lo0 addrs %v\n", s)
	j := strings.Join(s, " ")
	if !strings.Contains(j, "127.0.0.1/8") || !strings.Contains(j, "::1/128") {
		return fmt.Errorf("lo0 addresses %v, want 127.0.0.1/8 and ::1/128", s)
	}
	all, err := net.InterfaceAddrs()
	if err != nil || len(all) < 2 {
		return fmt.Errorf("InterfaceAddrs: %v %v", all, err)
	}
	ifi, err := net.InterfaceByName("lo0")
	if err != nil || ifi.Index != lo.Index {
		return fmt.Errorf("InterfaceByName: %v %v", ifi, err)
	}
	return nil
}

// resetOnClose: a close with unread data resets the connection (BSD),
// so the peer's read fails with ECONNRESET; writing afterwards fails too.
func resetOnClose() error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	defer ln.Close()
	got := make(chan net.Conn, 1)
	go func() {
		c, err := ln.Accept()
		if err == nil {
			got <- c
		}
	}()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		return err
	}
	defer c.Close()
	s := <-got
	c.Write([]byte("never read"))
	time.Sleep(100 * time.Millisecond)
	s.Close()
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, err = c.Read(make([]byte, 10))
	if !errors.Is(err, syscall.ECONNRESET) {
		return fmt.Errorf("read after the peer's reset: %v, want ECONNRESET", err)
	}
	if _, err = c.Write([]byte("x")); !errors.Is(err, syscall.EPIPE) &&
		!errors.Is(err, syscall.ECONNRESET) {
		return fmt.Errorf("write after reset: %v, want EPIPE", err)
	}
	return nil
}

// dualStack: a listener on [::] with IPV6_V6ONLY off (set through
// ListenConfig.Control; Go itself never asks on openbsd) takes IPv4
// connections too.
func dualStack() error {
	lc := net.ListenConfig{Control: func(network, address string, rc syscall.RawConn) error {
		var serr error
		rc.Control(func(fd uintptr) {
			serr = syscall.SetsockoptInt(int(fd), syscall.IPPROTO_IPV6, syscall.IPV6_V6ONLY, 0)
		})
		return serr
	}}
	ln, err := lc.Listen(nil, "tcp6", "[::]:0")
	if err != nil {
		return err
	}
	defer ln.Close()
	go echoServer(ln)
	port := ln.Addr().(*net.TCPAddr).Port
	for _, addr := range []string{fmt.Sprintf("127.0.0.1:%d", port), fmt.Sprintf("[::1]:%d", port)} {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			return fmt.Errorf("dial %s: %v", addr, err)
		}
		c.Write([]byte("dual"))
		b := make([]byte, 4)
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		_, err = io.ReadFull(c, b)
		c.Close()
		if err != nil || string(b) != "dual" {
			return fmt.Errorf("echo via %s: %q %v", addr, b, err)
		}
	}
	return nil
}

// acceptEMFILE: with every fd in use Accept fails with EMFILE and the
// connection stays queued; once an fd is free it is accepted and works.
func acceptEMFILE() error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	defer ln.Close()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		return err
	}
	defer c.Close()
	// Fill the fd table.  Connections of the checks before may still be
	// closing in their goroutines, and an fd one frees after the fill
	// lets Accept succeed: fill again until a fill 50 ms after the last
	// one finds no fd free.
	var files []*os.File
	for {
		n := len(files)
		for {
			f, err := os.Open("/dev/null")
			if err != nil {
				if !errors.Is(err, syscall.EMFILE) {
					return fmt.Errorf("filling the fd table: %v", err)
				}
				break
			}
			files = append(files, f)
		}
		if n > 0 && len(files) == n {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	_, aerr := ln.Accept()
	for _, f := range files {
		f.Close()
	}
	if !errors.Is(aerr, syscall.EMFILE) {
		return fmt.Errorf("Accept with no fd free: %v, want EMFILE", aerr)
	}
	s, err := ln.Accept()
	if err != nil {
		return fmt.Errorf("Accept after EMFILE: %v", err)
	}
	defer s.Close()
	c.Write([]byte("kept"))
	b := make([]byte, 4)
	s.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.ReadFull(s, b); err != nil || string(b) != "kept" {
		return fmt.Errorf("the queued connection: %q %v", b, err)
	}
	return nil
}

// udpMsg: ReadMsgUDP/WriteMsgUDP (sendmsg/recvmsg) and a cut datagram.
func udpMsg() error {
	a, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		return err
	}
	defer a.Close()
	b, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		return err
	}
	defer b.Close()
	if _, _, err := a.WriteMsgUDP([]byte("0123456789"), nil, b.LocalAddr().(*net.UDPAddr)); err != nil {
		return fmt.Errorf("WriteMsgUDP: %v", err)
	}
	buf := make([]byte, 4)
	b.SetReadDeadline(time.Now().Add(5 * time.Second))
	n, _, flags, from, err := b.ReadMsgUDP(buf, nil)
	if err != nil {
		return fmt.Errorf("ReadMsgUDP: %v", err)
	}
	if n != 4 || string(buf) != "0123" || flags&syscall.MSG_TRUNC == 0 {
		return fmt.Errorf("ReadMsgUDP: %d %q flags %#x", n, buf[:n], flags)
	}
	if from.String() != a.LocalAddr().String() {
		return fmt.Errorf("ReadMsgUDP from %v, want %v", from, a.LocalAddr())
	}
	return nil
}

func main() {
	check("tcp4 8 MiB echo", bulk("tcp", "127.0.0.1:0", 8<<20))
	check("tcp6 8 MiB echo", bulk("tcp6", "[::1]:0", 8<<20))
	check("CloseWrite gives EOF", closeWrite())
	check("read deadline", deadline())
	check("connection refused", refused())
	check("Accept on a closed listener", closedListener())
	check("EADDRINUSE, EADDRNOTAVAIL, reuse", addrInUse())
	check("udp4 echo", udp("udp4", "127.0.0.1:0"))
	check("udp6 echo", udp("udp6", "[::1]:0"))
	check("socket options", sockopts())
	check("net.Interfaces", interfaces())
	check("reset on close with unread data", resetOnClose())
	check("dual-stack listener (IPV6_V6ONLY 0)", dualStack())
	check("Accept under EMFILE keeps the connection", acceptEMFILE())
	check("udp ReadMsgUDP/WriteMsgUDP", udpMsg())
	if failed {
		fmt.Println("net-loopback: FAILED")
		os.Exit(1)
	}
	fmt.Println("net-loopback: all checks passed")
}

// Command net-unix checks AF_UNIX sockets in the guest through Go's net
// and syscall packages: "unix" listen/dial/echo in /tmp, the socket's
// node there, "unixgram" with ReadFromUnix/WriteToUnix and message
// boundaries, "unixpacket", refused dials, EOF after close and CloseWrite,
// EPIPE, a read deadline, syscall.Socketpair of each type, MSG_PEEK and
// MSG_TRUNC, fd passing (SCM_RIGHTS), and several goroutines over
// several connections at once.
package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sync"
	"syscall"
	"time"
)

var failed int

func check(ok bool, format string, args ...any) {
	if !ok {
		failed++
		fmt.Printf("FAIL: "+format+"\n", args...)
	}
}

func must(err error, what string) bool {
	if err != nil {
		failed++
		fmt.Printf("FAIL: %s: %v\n", what, err)
	}
	return err == nil
}

// stream: a "unix" listener in /tmp, its S_IFSOCK node, an echo, the
// addresses on both ends, EADDRINUSE, CloseWrite's EOF, EOF and EPIPE
// after the peer closed, a read deadline, ECONNREFUSED once closed.
func stream() {
	name := "/tmp/net-unix.sock"
	l, err := net.Listen("unix", name)
	if !must(err, "listen unix") {
		return
	}
	st, err := os.Stat(name)
	if must(err, "stat socket") {
		check(st.Mode()&os.ModeSocket != 0, "socket node mode %v", st.Mode())
	}
	_, err = net.Listen("unix", name)
	check(errors.Is(err, syscall.EADDRINUSE), "second listen: %v", err)
	_, err = os.Open(name)
	check(errors.Is(err, syscall.EOPNOTSUPP), "open of a socket: %v", err)

	done := make(chan error, 1)
	go func() {
		c, err := l.Accept()
		if err != nil {
			done <- err
			return
		}
		defer c.Close()
		check(c.LocalAddr().String() == name, "accepted local %q", c.LocalAddr())
		_, err = io.Copy(c, c)
		done <- err
	}()
	c, err := net.Dial("unix", name)
	if !must(err, "dial unix") {
		return
	}
	check(c.RemoteAddr().String() == name, "dialed remote %q", c.RemoteAddr())
	msg := bytes.Repeat([]byte("0123456789abcdef"), 20000) // 320 KB: > buffer
	go func() {
		_, err := c.Write(msg)
		must(err, "write")
		must(c.(*net.UnixConn).CloseWrite(), "CloseWrite")
	}()
	got, err := io.ReadAll(c)
	must(err, "read echo")
	check(bytes.Equal(got, msg), "echo: %d bytes back of %d", len(got), len(msg))
	must(<-done, "server copy")
	// The server closed: reads give EOF, writes EPIPE.
	n, err := c.Read(make([]byte, 1))
	check(n == 0 && err == io.EOF, "read after peer close: %d %v", n, err)
	_, err = c.Write([]byte("x"))
	check(errors.Is(err, syscall.EPIPE), "write after peer close: %v", err)
	c.Close()

	// A read deadline on a quiet connection.
	go func() {
		c, err := l.Accept()
		if err == nil {
			time.Sleep(2 * time.Second)
			c.Close()
		}
	}()
	c, err = net.Dial("unix", name)
	if must(err, "dial for the deadline") {
		c.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
		t0 := time.Now()
		_, err = c.Read(make([]byte, 1))
		var ne net.Error
		check(errors.As(err, &ne) && ne.Timeout(), "deadline read: %v", err)
		check(time.Since(t0) < 1500*time.Millisecond, "deadline took %v", time.Since(t0))
		c.Close()
	}

	l.Close() // Go unlinks the name
	_, err = os.Stat(name)
	check(errors.Is(err, os.ErrNotExist), "name after close: %v", err)
	_, err = net.Dial("unix", name)
	check(errors.Is(err, syscall.ENOENT), "dial a removed name: %v", err)

	// The node outlives an unlinking-free close: ECONNREFUSED.
	ul, err := net.ListenUnix("unix", &net.UnixAddr{Name: name, Net: "unix"})
	if must(err, "listen again") {
		ul.SetUnlinkOnClose(false)
		ul.Close()
		_, err = net.Dial("unix", name)
		check(errors.Is(err, syscall.ECONNREFUSED), "dial a dead name: %v", err)
		os.Remove(name)
	}
	// A type mismatch.
	pc, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: name, Net: "unixgram"})
	if must(err, "listen unixgram for the mismatch") {
		_, err = net.Dial("unix", name)
		check(errors.Is(err, syscall.EPROTOTYPE), "dial a datagram socket: %v", err)
		pc.Close()
	}
	_, err = net.Dial("unix", "/etc")
	check(errors.Is(err, syscall.ENOTSOCK), "dial a directory: %v", err)
	_, err = net.Listen("unix", "/net-unix.sock")
	check(err != nil, "listen outside /tmp succeeded")
}

// gram: "unixgram" with named and unnamed senders, boundaries kept,
// a connected socket, EPROTOTYPE-free echo of each message.
func gram() {
	sname, cname := "/tmp/net-unix.dgram", "/tmp/net-unix.dgram.c"
	s, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: sname, Net: "unixgram"})
	if !must(err, "listen unixgram") {
		return
	}
	defer s.Close()
	c, err := net.DialUnix("unixgram", &net.UnixAddr{Name: cname, Net: "unixgram"},
		&net.UnixAddr{Name: sname, Net: "unixgram"})
	if !must(err, "dial unixgram") {
		return
	}
	defer c.Close()
	// (write(2) of nothing is done before it reaches the socket: the
	// empty datagram goes by sendto, below)
	msgs := []string{"one", "two two", string(bytes.Repeat([]byte{'x'}, 4000))}
	s.SetDeadline(time.Now().Add(20 * time.Second))
	c.SetDeadline(time.Now().Add(20 * time.Second))
	for _, m := range msgs {
		_, err := c.Write([]byte(m))
		must(err, "unixgram write")
	}
	buf := make([]byte, 8192)
	for _, m := range msgs {
		n, from, err := s.ReadFromUnix(buf)
		if !must(err, "ReadFromUnix") {
			return
		}
		check(string(buf[:n]) == m, "datagram %q, want %q", buf[:n], m)
		check(from != nil && from.Name == cname, "sender %v", from)
		_, err = s.WriteToUnix(buf[:n], from)
		must(err, "WriteToUnix")
	}
	for _, m := range msgs {
		n, err := c.Read(buf)
		must(err, "unixgram read")
		check(string(buf[:n]) == m, "reply %q, want %q", buf[:n], m)
	}
	// An empty datagram is one.
	_, err = s.WriteToUnix(nil, &net.UnixAddr{Name: cname, Net: "unixgram"})
	must(err, "empty WriteToUnix")
	s.WriteToUnix([]byte("after"), &net.UnixAddr{Name: cname, Net: "unixgram"})
	n, err := c.Read(buf)
	check(n == 0 && err == nil, "empty datagram: %d %v", n, err)
	n, err = c.Read(buf)
	check(string(buf[:n]) == "after", "after the empty one: %q %v", buf[:n], err)
	// An unnamed sender.
	u, err := net.DialUnix("unixgram", nil, &net.UnixAddr{Name: sname, Net: "unixgram"})
	if must(err, "dial unnamed") {
		u.Write([]byte("anon"))
		n, from, err := s.ReadFromUnix(buf)
		must(err, "read from unnamed")
		check(string(buf[:n]) == "anon" && (from == nil || from.Name == ""), "unnamed: %q from %v", buf[:n], from)
		u.Close()
	}
	// Truncation with MSG_TRUNC, through ReadMsgUnix.
	c.Write([]byte("0123456789"))
	n, _, flags, _, err := s.ReadMsgUnix(buf[:4], nil)
	must(err, "ReadMsgUnix")
	check(n == 4 && flags&syscall.MSG_TRUNC != 0, "cut datagram: %d flags %#x", n, flags)
	_, err = s.WriteToUnix([]byte("x"), &net.UnixAddr{Name: "/tmp/nobody", Net: "unixgram"})
	check(errors.Is(err, syscall.ENOENT), "send to no name: %v", err)
}

// packet: "unixpacket" keeps message boundaries on a connection.
func packet() {
	name := "/tmp/net-unix.pkt"
	l, err := net.Listen("unixpacket", name)
	if !must(err, "listen unixpacket") {
		return
	}
	defer l.Close()
	go func() {
		c, err := l.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		buf := make([]byte, 1000)
		for {
			n, err := c.Read(buf)
			if err != nil || n == 0 {
				return
			}
			c.Write(buf[:n])
		}
	}()
	c, err := net.Dial("unixpacket", name)
	if !must(err, "dial unixpacket") {
		return
	}
	for _, m := range []string{"a", "bb", "ccc"} {
		c.Write([]byte(m))
	}
	buf := make([]byte, 100)
	for _, m := range []string{"a", "bb", "ccc"} {
		n, err := c.Read(buf)
		must(err, "unixpacket read")
		check(string(buf[:n]) == m, "packet %q, want %q", buf[:n], m)
	}
	c.Close()
}

// pair: syscall.Socketpair of each type, MSG_PEEK, EOF after close.
func pair() {
	for _, typ := range []int{syscall.SOCK_STREAM, syscall.SOCK_DGRAM, syscall.SOCK_SEQPACKET} {
		fds, err := syscall.Socketpair(syscall.AF_UNIX, typ, 0)
		if !must(err, fmt.Sprintf("socketpair type %d", typ)) {
			continue
		}
		_, err = syscall.Write(fds[0], []byte("hello"))
		must(err, "pair write")
		_, err = syscall.Write(fds[0], []byte("world"))
		must(err, "pair write")
		buf := make([]byte, 64)
		n, _, err := syscall.Recvfrom(fds[1], buf, syscall.MSG_PEEK)
		must(err, "peek")
		want := "helloworld"
		if typ != syscall.SOCK_STREAM {
			want = "hello"
		}
		check(string(buf[:n]) == want, "type %d peek %q", typ, buf[:n])
		n, err = syscall.Read(fds[1], buf)
		must(err, "pair read")
		check(string(buf[:n]) == want, "type %d read %q want %q", typ, buf[:n], want)
		t, err := syscall.GetsockoptInt(fds[1], syscall.SOL_SOCKET, syscall.SO_TYPE)
		check(err == nil && t == typ, "SO_TYPE %d %v", t, err)
		syscall.Close(fds[0])
		if typ != syscall.SOCK_DGRAM {
			if typ == syscall.SOCK_STREAM {
				syscall.Read(fds[1], buf) // "world"
			} else {
				syscall.Read(fds[1], buf)
			}
			n, err = syscall.Read(fds[1], buf)
			check(n == 0 && err == nil, "type %d EOF: %d %v", typ, n, err)
		}
		syscall.Close(fds[1])
	}
	// A pair as net.Conns through os.NewFile and net.FileConn.
	fds, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM, 0)
	if !must(err, "socketpair for FileConn") {
		return
	}
	f0, f1 := os.NewFile(uintptr(fds[0]), "a"), os.NewFile(uintptr(fds[1]), "b")
	c0, err0 := net.FileConn(f0)
	c1, err1 := net.FileConn(f1)
	f0.Close()
	f1.Close()
	if !must(err0, "FileConn") || !must(err1, "FileConn") {
		return
	}
	go func() { c0.Write([]byte("via netpoll")); c0.Close() }()
	got, err := io.ReadAll(c1)
	must(err, "FileConn read")
	check(string(got) == "via netpoll", "FileConn got %q", got)
	c1.Close()
	_, err = syscall.Socketpair(syscall.AF_INET, syscall.SOCK_STREAM, 0)
	check(err != nil, "AF_INET socketpair succeeded")
}

// rights: an fd passed (SCM_RIGHTS) over a pair of each type arrives
// as a new fd for the same open file; one not read for is closed with
// its data (net's TestUnixConnReadMsgUnixSCMRightsCloseOnExec checks
// MSG_CMSG_CLOEXEC); a control
// buffer too short for two fds gets one and MSG_CTRUNC.
func rights() {
	name := "/tmp/net-unix.rights"
	for _, typ := range []int{syscall.SOCK_STREAM, syscall.SOCK_DGRAM, syscall.SOCK_SEQPACKET} {
		f, err := os.Create(name)
		if !must(err, "create") {
			return
		}
		fds, err := syscall.Socketpair(syscall.AF_UNIX, typ, 0)
		if !must(err, "socketpair for rights") {
			return
		}
		err = syscall.Sendmsg(fds[0], []byte("f"), syscall.UnixRights(int(f.Fd())), nil, 0)
		must(err, "sendmsg SCM_RIGHTS")
		f.Close() // the one in flight keeps the file open
		oob := make([]byte, syscall.CmsgSpace(4))
		buf := make([]byte, 8)
		n, oobn, flags, _, err := syscall.Recvmsg(fds[1], buf, oob, syscall.MSG_CMSG_CLOEXEC)
		if must(err, "recvmsg SCM_RIGHTS") {
			check(n == 1 && buf[0] == 'f' && flags&syscall.MSG_CTRUNC == 0, "type %d: %d %q flags %#x", typ, n, buf[:n], flags)
			scms, err := syscall.ParseSocketControlMessage(oob[:oobn])
			var got []int
			if err == nil && len(scms) == 1 {
				got, err = syscall.ParseUnixRights(&scms[0])
			}
			if check(err == nil && len(got) == 1, "type %d: rights %v %v", typ, got, err); len(got) == 1 {
				g := os.NewFile(uintptr(got[0]), "passed")
				g.WriteString("through the passed fd")
				g.Close()
				b, _ := os.ReadFile(name)
				check(string(b) == "through the passed fd", "type %d: file has %q", typ, b)
			}
		}
		// Two fds, room for one; then one read past by read(2).
		err = syscall.Sendmsg(fds[0], []byte("2"), syscall.UnixRights(0, 1), nil, 0)
		must(err, "sendmsg two fds")
		n, oobn, flags, _, err = syscall.Recvmsg(fds[1], buf, oob[:syscall.CmsgLen(4)], 0)
		if must(err, "recvmsg two fds") {
			scms, _ := syscall.ParseSocketControlMessage(oob[:oobn])
			check(len(scms) == 1 && flags&syscall.MSG_CTRUNC != 0, "type %d: short control: %d messages, flags %#x", typ, len(scms), flags)
			if len(scms) == 1 {
				got, _ := syscall.ParseUnixRights(&scms[0])
				for _, fd := range got {
					syscall.Close(fd)
				}
			}
		}
		syscall.Sendmsg(fds[0], []byte("3"), syscall.UnixRights(0), nil, 0)
		n, err = syscall.Read(fds[1], buf)
		check(n == 1 && buf[0] == '3' && err == nil, "type %d: read past rights: %d %v", typ, n, err)
		syscall.Close(fds[0])
		syscall.Close(fds[1])
		os.Remove(name)
	}
	err := syscall.Sendmsg(1, []byte("x"), syscall.UnixRights(0), nil, 0)
	check(err != nil, "SCM_RIGHTS on a non-socket succeeded")
}

// concurrent: 8 clients at once, each 50 request/response rounds on its
// own connection, served by a goroutine per connection.
func concurrent() {
	name := "/tmp/net-unix.conc"
	l, err := net.Listen("unix", name)
	if !must(err, "listen for concurrency") {
		return
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() { io.Copy(c, c); c.Close() }()
		}
	}()
	var wg sync.WaitGroup
	var mu sync.Mutex
	bad := 0
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			c, err := net.Dial("unix", name)
			if err != nil {
				mu.Lock()
				bad++
				fmt.Printf("FAIL: client %d dial: %v\n", i, err)
				mu.Unlock()
				return
			}
			defer c.Close()
			buf := make([]byte, 64)
			for j := 0; j < 50; j++ {
				m := fmt.Sprintf("client %d round %d", i, j)
				c.Write([]byte(m))
				if _, err := io.ReadFull(c, buf[:len(m)]); err != nil || string(buf[:len(m)]) != m {
					mu.Lock()
					bad++
					fmt.Printf("FAIL: client %d round %d: %q %v\n", i, j, buf[:len(m)], err)
					mu.Unlock()
					return
				}
			}
		}(i)
	}
	wg.Wait()
	check(bad == 0, "%d clients failed", bad)
}

func main() {
	stream()
	gram()
	packet()
	pair()
	rights()
	concurrent()
	if failed > 0 {
		fmt.Printf("net-unix: %d checks failed\n", failed)
		os.Exit(1)
	}
	fmt.Println("net-unix: all checks passed")
}

// SPDX-License-Identifier: ISC

// net-loopback-kevent: socket readiness through raw kqueue/kevent calls,
// as Go's netpoller registers sockets (EVFILT_READ and EVFILT_WRITE with
// EV_CLEAR): one edge per arrival of data and none without one, a
// listener readable per pending connection, a non-blocking connect
// reported writable (and then EV_EOF with ECONNREFUSED in fflags and in
// SO_ERROR for a closed port), the peer's FIN as EV_EOF, a reset as
// EV_EOF with ECONNRESET, and write space after EAGAIN.
package main

import (
	"errors"
	"fmt"
	"os"
	"syscall"
	"time"
)

var kq int

func must(what string, err error) {
	if err != nil {
		fmt.Printf("FAIL %s: %v\n", what, err)
		os.Exit(1)
	}
}

func fail(f string, a ...any) {
	fmt.Printf("FAIL "+f+"\n", a...)
	os.Exit(1)
}

// register adds fd for READ and WRITE with EV_CLEAR, as netpollopen does.
func register(fd int) {
	var ev [2]syscall.Kevent_t
	syscall.SetKevent(&ev[0], fd, syscall.EVFILT_READ, syscall.EV_ADD|syscall.EV_CLEAR)
	syscall.SetKevent(&ev[1], fd, syscall.EVFILT_WRITE, syscall.EV_ADD|syscall.EV_CLEAR)
	_, err := syscall.Kevent(kq, ev[:], nil, nil)
	must("kevent EV_ADD", err)
}

// events waits up to d for events of fd (events of other fds that come
// meanwhile are dropped) and returns those of the first wait that had
// some.
func events(fd int, d time.Duration) []syscall.Kevent_t {
	end := time.Now().Add(d)
	for {
		left := time.Until(end)
		if left < 0 {
			left = 0
		}
		ts := syscall.NsecToTimespec(int64(left))
		var out [16]syscall.Kevent_t
		var got []syscall.Kevent_t
		n, err := syscall.Kevent(kq, nil, out[:], &ts)
		if err != nil && err != syscall.EINTR {
			fail("kevent wait: %v", err)
		}
		for _, e := range out[:max(n, 0)] {
			if int(e.Ident) == fd {
				got = append(got, e)
			}
		}
		if len(got) > 0 || left == 0 {
			return got
		}
	}
}

func find(evs []syscall.Kevent_t, filter int16) *syscall.Kevent_t {
	for i := range evs {
		if evs[i].Filter == filter {
			return &evs[i]
		}
	}
	return nil
}

func tcpSocket() int {
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM|syscall.SOCK_NONBLOCK|syscall.SOCK_CLOEXEC, 0)
	must("socket", err)
	return fd
}

var lo = [4]byte{127, 0, 0, 1}

// pair returns a connected (client, server) pair, the listener, and its port.
func pair() (int, int, int) {
	l := tcpSocket()
	must("bind", syscall.Bind(l, &syscall.SockaddrInet4{Addr: lo}))
	must("listen", syscall.Listen(l, 16))
	sa, err := syscall.Getsockname(l)
	must("getsockname", err)
	port := sa.(*syscall.SockaddrInet4).Port
	register(l)
	events(l, 0) // drop anything from the registration
	c := tcpSocket()
	err = syscall.Connect(c, &syscall.SockaddrInet4{Addr: lo, Port: port})
	if err != syscall.EINPROGRESS && err != nil {
		fail("connect: %v", err)
	}
	register(c)
	// The listener becomes readable with one pending connection.
	evs := events(l, 5*time.Second)
	if e := find(evs, syscall.EVFILT_READ); e == nil || e.Data != 1 {
		fail("listener: no EVFILT_READ with data 1 (%v)", evs)
	}
	s, _, err := syscall.Accept4(l, syscall.SOCK_NONBLOCK|syscall.SOCK_CLOEXEC)
	must("accept4", err)
	if _, _, err := syscall.Accept4(l, syscall.SOCK_NONBLOCK); err != syscall.EAGAIN {
		fail("second accept4: %v, want EAGAIN", err)
	}
	// (SOCK_NONBLOCK is checked by the EAGAIN read in edges.)
	// The connect completes: writable, SO_ERROR 0, getpeername works.
	evs = events(c, 5*time.Second)
	if find(evs, syscall.EVFILT_WRITE) == nil {
		evs = events(c, 5*time.Second)
	}
	if e := find(evs, syscall.EVFILT_WRITE); e == nil || e.Flags&syscall.EV_EOF != 0 {
		fail("connect completion: %v", evs)
	}
	if v, err := syscall.GetsockoptInt(c, syscall.SOL_SOCKET, syscall.SO_ERROR); err != nil || v != 0 {
		fail("SO_ERROR after connect: %d %v", v, err)
	}
	if _, err := syscall.Getpeername(c); err != nil {
		fail("getpeername: %v", err)
	}
	register(s)
	events(s, 0)
	return c, s, l
}

func edges() {
	c, s, l := pair()
	defer syscall.Close(l)
	defer syscall.Close(c)
	defer syscall.Close(s)
	b := make([]byte, 100)
	if _, err := syscall.Read(s, b); err != syscall.EAGAIN {
		fail("read with nothing queued: %v, want EAGAIN", err)
	}
	syscall.Write(c, []byte("one"))
	e := find(events(s, 5*time.Second), syscall.EVFILT_READ)
	if e == nil || e.Data != 3 {
		fail("no EVFILT_READ (data 3) for 3 bytes: %+v", e)
	}
	// Edge-triggered: nothing more until new data, even unread.
	if e := find(events(s, 200*time.Millisecond), syscall.EVFILT_READ); e != nil {
		fail("EVFILT_READ again without new data: %+v", e)
	}
	syscall.Write(c, []byte("two"))
	if e := find(events(s, 5*time.Second), syscall.EVFILT_READ); e == nil || e.Data != 6 {
		fail("second edge: %+v", e)
	}
	n, err := syscall.Read(s, b)
	if n != 6 || string(b[:6]) != "onetwo" || err != nil {
		fail("read: %d %q %v", n, b[:n], err)
	}
	// The peer's FIN: EV_EOF, read 0.
	must("shutdown", syscall.Shutdown(c, syscall.SHUT_WR))
	e = find(events(s, 5*time.Second), syscall.EVFILT_READ)
	if e == nil || e.Flags&syscall.EV_EOF == 0 {
		fail("no EV_EOF after the peer's SHUT_WR: %+v", e)
	}
	if n, err := syscall.Read(s, b); n != 0 || err != nil {
		fail("read at EOF: %d %v", n, err)
	}
	// The other direction still works (half close).
	syscall.Write(s, []byte("back"))
	if e := find(events(c, 5*time.Second), syscall.EVFILT_READ); e == nil {
		fail("no EVFILT_READ on the half-closed side")
	}
	if n, _ := syscall.Read(c, b); n != 4 {
		fail("half-closed read: %d", n)
	}
	// Writing after SHUT_WR: EPIPE.
	if _, err := syscall.Write(c, []byte("x")); err != syscall.EPIPE {
		fail("write after SHUT_WR: %v, want EPIPE", err)
	}
	fmt.Println("ok edges, FIN, half close")
}

func space() {
	c, s, l := pair()
	defer syscall.Close(l)
	defer syscall.Close(c)
	defer syscall.Close(s)
	buf := make([]byte, 64<<10)
	total := 0
	for {
		n, err := syscall.Write(c, buf)
		if err == syscall.EAGAIN {
			break
		}
		must("write", err)
		total += n
		if total > 64<<20 {
			fail("wrote 64 MiB to a reader that never reads")
		}
	}
	events(c, 0)
	// The reader drains; the writer must get an EVFILT_WRITE edge.
	rb := make([]byte, 1<<20)
	got := 0
	deadline := time.Now().Add(20 * time.Second)
	writable := false
	for !writable && time.Now().Before(deadline) {
		n, _ := syscall.Read(s, rb)
		if n > 0 {
			got += n
		}
		for _, e := range events(c, 50*time.Millisecond) {
			if e.Filter == syscall.EVFILT_WRITE {
				writable = true
			}
		}
	}
	if !writable {
		fail("no EVFILT_WRITE after the reader took %d of %d bytes", got, total)
	}
	if _, err := syscall.Write(c, buf[:100]); err != nil {
		fail("write after EVFILT_WRITE: %v", err)
	}
	fmt.Printf("ok write space (%d bytes buffered before EAGAIN)\n", total)
}

func reset() {
	c, s, l := pair()
	defer syscall.Close(l)
	defer syscall.Close(c)
	syscall.Write(c, []byte("unread"))
	time.Sleep(100 * time.Millisecond)
	syscall.Close(s) // unread data: RST
	evs := events(c, 5*time.Second)
	e := find(evs, syscall.EVFILT_READ)
	if e == nil || e.Flags&syscall.EV_EOF == 0 || syscall.Errno(e.Fflags) != syscall.ECONNRESET {
		fail("reset: %+v, want EV_EOF with ECONNRESET", evs)
	}
	if _, err := syscall.Read(c, make([]byte, 10)); err != syscall.ECONNRESET {
		fail("read after reset: %v", err)
	}
	fmt.Println("ok reset: EV_EOF, ECONNRESET")
}

func refused() {
	l := tcpSocket()
	must("bind", syscall.Bind(l, &syscall.SockaddrInet4{Addr: lo}))
	sa, _ := syscall.Getsockname(l)
	port := sa.(*syscall.SockaddrInet4).Port
	syscall.Close(l)
	c := tcpSocket()
	defer syscall.Close(c)
	err := syscall.Connect(c, &syscall.SockaddrInet4{Addr: lo, Port: port})
	if err != syscall.EINPROGRESS {
		fail("connect to a closed port: %v, want EINPROGRESS", err)
	}
	if err := syscall.Connect(c, &syscall.SockaddrInet4{Addr: lo, Port: port}); err != syscall.EALREADY &&
		err != syscall.ECONNREFUSED {
		fail("second connect: %v, want EALREADY", err)
	}
	register(c)
	var e *syscall.Kevent_t
	for i := 0; i < 2 && e == nil; i++ {
		e = find(events(c, 5*time.Second), syscall.EVFILT_WRITE)
	}
	if e == nil || e.Flags&syscall.EV_EOF == 0 || syscall.Errno(e.Fflags) != syscall.ECONNREFUSED {
		fail("refused: %+v, want EVFILT_WRITE EV_EOF ECONNREFUSED", e)
	}
	v, err := syscall.GetsockoptInt(c, syscall.SOL_SOCKET, syscall.SO_ERROR)
	if err != nil || syscall.Errno(v) != syscall.ECONNREFUSED {
		fail("SO_ERROR: %d %v, want ECONNREFUSED", v, err)
	}
	if v, _ := syscall.GetsockoptInt(c, syscall.SOL_SOCKET, syscall.SO_ERROR); v != 0 {
		fail("SO_ERROR not cleared: %d", v)
	}
	if _, err := syscall.Getpeername(c); !errors.Is(err, syscall.ENOTCONN) {
		fail("getpeername after refusal: %v", err)
	}
	fmt.Println("ok connect refused: EV_EOF, SO_ERROR")
}

func main() {
	var err error
	kq, err = syscall.Kqueue()
	must("kqueue", err)
	edges()
	space()
	reset()
	refused()
	fmt.Println("net-loopback-kevent: all checks passed")
}

// SPDX-License-Identifier: ISC

// net-server: the guest side of tests/net/run's host -> guest tests.  It
// serves, until GET /quit:
//
//	http=ADDR   HTTP: /hello, /mem (memory after a GC), /quit   (default :80)
//	tls=ADDR    the same over TLS with cert=FILE key=FILE       (default :443)
//	echo=ADDR   TCP echo; logs "echo: N bytes sha256=X" per connection (default :7)
//	udp=ADDR    UDP echo                                         (default :7)
//	conns=ADDR  line service: "ping I" -> "pong I open=N"        (default :9)
//
// Arguments are KEY=VALUE words after "--" (an empty value turns a service
// off).  It prints "net-server: ready" once every listener is up, or
// "net-server: no network: ERR" and exits 3 when it cannot listen.  The
// same program runs natively (tests/net/run -native) on host addresses.
package main

import (
	"bufio"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
)

const hello = "hello from the net-server\n"

var (
	openConns atomic.Int64 // connections open on the conns service
	quit      = make(chan struct{})
	quitOnce  sync.Once
)

func main() {
	cfg := map[string]string{
		"http": ":80", "tls": ":443", "echo": ":7", "udp": ":7", "conns": ":9",
		"cert": "/etc/nettest/server.pem", "key": "/etc/nettest/server.key",
	}
	for _, a := range os.Args[1:] {
		k, v, ok := strings.Cut(a, "=")
		if _, known := cfg[k]; !ok || !known {
			fmt.Fprintf(os.Stderr, "net-server: unknown argument %q\n", a)
			os.Exit(2)
		}
		cfg[k] = v
	}

	mux := http.NewServeMux()
	mux.HandleFunc("/hello", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, hello)
	})
	mux.HandleFunc("/mem", memHandler)
	mux.HandleFunc("/quit", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "bye\n")
		quitOnce.Do(func() { close(quit) })
	})

	if a := cfg["http"]; a != "" {
		l := listen("tcp", a)
		go func() { serveHTTP(http.Serve(l, mux), "http") }()
	}
	if a := cfg["tls"]; a != "" {
		cert, err := tls.LoadX509KeyPair(cfg["cert"], cfg["key"])
		if err != nil {
			fmt.Printf("net-server: tls off: %v\n", err)
		} else {
			l := tls.NewListener(listen("tcp", a), &tls.Config{Certificates: []tls.Certificate{cert}})
			go func() { serveHTTP(http.Serve(l, mux), "tls") }()
		}
	}
	if a := cfg["echo"]; a != "" {
		go accept(listen("tcp", a), echo)
	}
	if a := cfg["conns"]; a != "" {
		go accept(listen("tcp", a), pingPong)
	}
	if a := cfg["udp"]; a != "" {
		pc, err := net.ListenPacket("udp", a)
		if err != nil {
			noNetwork(err)
		}
		go udpEcho(pc)
	}
	fmt.Println("net-server: ready")
	<-quit
	fmt.Println("net-server: quit")
}

// listen is net.Listen or the end of the program.
func listen(network, addr string) net.Listener {
	l, err := net.Listen(network, addr)
	if err != nil {
		noNetwork(err)
	}
	return l
}

func noNetwork(err error) {
	fmt.Printf("net-server: no network: %v\n", err)
	os.Exit(3)
}

func serveHTTP(err error, what string) {
	fmt.Printf("net-server: %s server ended: %v\n", what, err)
	os.Exit(1)
}

// memHandler reports the heap after a collection, so the load test can
// compare a quiet server before and after load.
func memHandler(w http.ResponseWriter, r *http.Request) {
	runtime.GC()
	debug.FreeOSMemory()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	fmt.Fprintf(w, "heap_alloc=%d heap_inuse=%d heap_sys=%d sys=%d goroutines=%d num_gc=%d\n",
		m.HeapAlloc, m.HeapInuse, m.HeapSys, m.Sys, runtime.NumGoroutine(), m.NumGC)
}

func accept(l net.Listener, serve func(net.Conn)) {
	for {
		c, err := l.Accept()
		if err != nil {
			fmt.Printf("net-server: accept on %v: %v\n", l.Addr(), err)
			os.Exit(1)
		}
		go serve(c)
	}
}

// echo sends back what it reads until the peer's end of stream, then
// closes its side and logs the size and SHA-256 of what went through.
func echo(c net.Conn) {
	defer c.Close()
	h := sha256.New()
	n, err := io.Copy(c, io.TeeReader(c, h))
	if err != nil {
		fmt.Printf("echo: error after %d bytes: %v\n", n, err)
		return
	}
	if tc, ok := c.(*net.TCPConn); ok {
		tc.CloseWrite()
	}
	fmt.Printf("echo: %d bytes sha256=%s\n", n, hex.EncodeToString(h.Sum(nil)))
}

// pingPong answers each "ping I" line with "pong I open=N", N the number
// of connections open at that moment.
func pingPong(c net.Conn) {
	openConns.Add(1)
	defer openConns.Add(-1)
	defer c.Close()
	r := bufio.NewReader(c)
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		id, ok := strings.CutPrefix(strings.TrimSpace(line), "ping ")
		if !ok {
			fmt.Fprintf(c, "error: want ping\n")
			return
		}
		fmt.Fprintf(c, "pong %s open=%d\n", id, openConns.Load())
	}
}

func udpEcho(pc net.PacketConn) {
	buf := make([]byte, 65536)
	for {
		n, from, err := pc.ReadFrom(buf)
		if err != nil {
			fmt.Printf("net-server: udp: %v\n", err)
			os.Exit(1)
		}
		if _, err := pc.WriteTo(buf[:n], from); err != nil {
			fmt.Printf("net-server: udp reply: %v\n", err)
		}
	}
}

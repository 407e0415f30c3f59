// SPDX-License-Identifier: ISC

// Command prog is the server tests/bench/bench runs everywhere: as a vmgo
// image, as the Linux guest's program (GOOS=linux, static) and as a host
// process.  Its first line is printed first thing in main, for the boot
// figures; everything else follows it.
//
//	prog		the boot line, then serve until killed:
//			HTTP on :8080 (GET / answers "hello\n"),
//			TCP :9000 sends the byte count it is sent (a decimal
//			line) back as that many bytes, TCP :9001 reads to EOF
//			and answers how many bytes it read (a decimal line)
package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
	_ "unsafe" // go:linkname
)

// The TSC (RDTSC on amd64) and the monotonic clock, read without
// allocating: the boot line must come before anything else.
//
//go:linkname cputicks runtime.cputicks
func cputicks() int64

//go:linkname nanotime runtime.nanotime
func nanotime() int64

func main() {
	tsc, mono := cputicks(), nanotime()
	// The boot line: the harness times its arrival and reads the TSC
	// (since the vCPU's reset under QEMU TCG) and the monotonic clock
	// (since the guest kernel's clock started) at the top of main.
	fmt.Printf("bench: main tsc=%d mono=%d\n", tsc, mono)
	serve()
}

var body = []byte("hello\n")

func serve() {
	lnHTTP := listen(":8080")
	lnSrc := listen(":9000")
	lnSink := listen(":9001")
	go acceptLoop(lnSrc, source)
	go acceptLoop(lnSink, sink)
	fmt.Println("bench: serving on :8080 (http), :9000 (source), :9001 (sink)")
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.Write(body)
	})
	err := http.Serve(lnHTTP, nil)
	fmt.Fprintf(os.Stderr, "prog: http: %v\n", err)
	os.Exit(1)
}

func listen(addr string) net.Listener {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		fmt.Fprintf(os.Stderr, "prog: listen %s: %v\n", addr, err)
		os.Exit(1)
	}
	return ln
}

func acceptLoop(ln net.Listener, f func(net.Conn)) {
	for {
		c, err := ln.Accept()
		if err != nil {
			fmt.Fprintf(os.Stderr, "prog: accept: %v\n", err)
			time.Sleep(10 * time.Millisecond)
			continue
		}
		go func() {
			defer c.Close()
			f(c)
		}()
	}
}

// source: read "N\n", write N bytes.
func source(c net.Conn) {
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return
	}
	n, err := strconv.ParseInt(strings.TrimSpace(line), 10, 64)
	if err != nil || n < 0 {
		return
	}
	buf := make([]byte, 64<<10)
	for i := range buf {
		buf[i] = byte(i)
	}
	for n > 0 {
		k := int64(len(buf))
		if k > n {
			k = n
		}
		if _, err := c.Write(buf[:k]); err != nil {
			return
		}
		n -= k
	}
}

// sink: read to EOF (the peer's CloseWrite), answer the count.
func sink(c net.Conn) {
	n, _ := io.CopyBuffer(io.Discard, c, make([]byte, 64<<10))
	fmt.Fprintf(c, "%d\n", n)
}

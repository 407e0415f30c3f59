// SPDX-License-Identifier: ISC

// net-loopback-conns: many TCP connections open at once over the guest's
// loopback, each answered: 500 clients dial (100 at a time), all 500
// stay open (1,000 sockets: the fd table holds 1,024), then each sends
// its number and must get it back doubled, while the others wait.  Then
// every connection is closed and the server sees 500 EOFs.
package main

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

const nconn = 500

func main() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println("listen:", err)
		os.Exit(1)
	}
	var eofs atomic.Int32
	var served sync.WaitGroup
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			served.Add(1)
			go func(c net.Conn) {
				defer served.Done()
				defer c.Close()
				r := bufio.NewReader(c)
				for {
					line, err := r.ReadString('\n')
					if err != nil {
						eofs.Add(1)
						return
					}
					n, _ := strconv.Atoi(line[:len(line)-1])
					fmt.Fprintf(c, "%d\n", 2*n)
				}
			}(c)
		}
	}()

	start := time.Now()
	conns := make([]net.Conn, nconn)
	sem := make(chan struct{}, 100)
	var wg sync.WaitGroup
	var derr atomic.Value
	for i := range conns {
		wg.Add(1)
		sem <- struct{}{}
		go func(i int) {
			defer wg.Done()
			defer func() { <-sem }()
			c, err := net.DialTimeout("tcp", ln.Addr().String(), 60*time.Second)
			if err != nil {
				derr.Store(fmt.Errorf("dial %d: %v", i, err))
				return
			}
			conns[i] = c
		}(i)
	}
	wg.Wait()
	if e := derr.Load(); e != nil {
		fmt.Println("FAIL:", e)
		os.Exit(1)
	}
	fmt.Printf("%d connections open after %v\n", nconn, time.Since(start).Round(time.Millisecond))

	var bad atomic.Int32
	for i, c := range conns {
		wg.Add(1)
		go func(i int, c net.Conn) {
			defer wg.Done()
			c.SetDeadline(time.Now().Add(60 * time.Second))
			fmt.Fprintf(c, "%d\n", i)
			line, err := bufio.NewReader(c).ReadString('\n')
			if err != nil || line != strconv.Itoa(2*i)+"\n" {
				fmt.Printf("FAIL conn %d: %q %v\n", i, line, err)
				bad.Add(1)
			}
		}(i, c)
	}
	wg.Wait()
	if bad.Load() != 0 {
		fmt.Printf("FAIL: %d connections not answered\n", bad.Load())
		os.Exit(1)
	}
	fmt.Printf("%d answered after %v\n", nconn, time.Since(start).Round(time.Millisecond))
	for _, c := range conns {
		c.Close()
	}
	done := make(chan struct{})
	go func() { served.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		fmt.Printf("FAIL: server saw %d EOFs of %d\n", eofs.Load(), nconn)
		os.Exit(1)
	}
	ln.Close()
	fmt.Printf("net-loopback-conns: %d connections held and answered\n", eofs.Load())
}

// SPDX-License-Identifier: ISC

// net-loopback-http: an net/http server and client in one guest over
// loopback: 100 requests on one keep-alive connection (the client must
// reuse it: one accepted connection), a POST body echoed with its
// SHA-256, and 20 parallel clients.
package main

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"os"
	"sync"
	"sync/atomic"
)

func fail(f string, a ...any) {
	fmt.Printf("FAIL "+f+"\n", a...)
	os.Exit(1)
}

func main() {
	var accepted atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("/hello", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "hello %s", r.URL.Query().Get("n"))
	})
	mux.HandleFunc("/sum", func(w http.ResponseWriter, r *http.Request) {
		h := sha256.New()
		n, _ := io.Copy(h, r.Body)
		fmt.Fprintf(w, "%d %x", n, h.Sum(nil))
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fail("listen: %v", err)
	}
	srv := &http.Server{Handler: mux, ConnState: func(c net.Conn, s http.ConnState) {
		if s == http.StateNew {
			accepted.Add(1)
		}
	}}
	go srv.Serve(ln)
	base := "http://" + ln.Addr().String()

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1}}
	reused := 0
	for i := 0; i < 100; i++ {
		req, _ := http.NewRequest("GET", fmt.Sprintf("%s/hello?n=%d", base, i), nil)
		trace := &httptrace.ClientTrace{GotConn: func(ci httptrace.GotConnInfo) {
			if ci.Reused {
				reused++
			}
		}}
		req = req.WithContext(httptrace.WithClientTrace(req.Context(), trace))
		resp, err := client.Do(req)
		if err != nil {
			fail("GET %d: %v", i, err)
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != 200 || string(b) != fmt.Sprintf("hello %d", i) {
			fail("GET %d: %d %q %v", i, resp.StatusCode, b, err)
		}
	}
	if reused != 99 || accepted.Load() != 1 {
		fail("keep-alive: %d of 100 requests reused a connection, server accepted %d", reused, accepted.Load())
	}
	fmt.Println("100 keep-alive requests on one connection")

	body := bytes.Repeat([]byte("0123456789abcdef"), 256<<10/16*16)
	want := fmt.Sprintf("%d %x", len(body), sha256.Sum256(body))
	resp, err := client.Post(base+"/sum", "application/octet-stream", bytes.NewReader(body))
	if err != nil {
		fail("POST: %v", err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != want {
		fail("POST: %q, want %q", b, want)
	}
	fmt.Printf("POST of %d bytes echoed its SHA-256\n", len(body))

	var wg sync.WaitGroup
	var bad atomic.Int32
	for c := 0; c < 20; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			cl := &http.Client{Transport: &http.Transport{}}
			for i := 0; i < 10; i++ {
				resp, err := cl.Get(fmt.Sprintf("%s/hello?n=%d", base, c*100+i))
				if err != nil {
					bad.Add(1)
					fmt.Println("parallel:", err)
					return
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if string(b) != fmt.Sprintf("hello %d", c*100+i) {
					bad.Add(1)
				}
			}
			cl.CloseIdleConnections()
		}(c)
	}
	wg.Wait()
	if bad.Load() != 0 {
		fail("%d parallel requests failed", bad.Load())
	}
	fmt.Println("20 parallel clients x 10 requests")
	srv.Close()
	fmt.Println("net-loopback-http: all checks passed")
}

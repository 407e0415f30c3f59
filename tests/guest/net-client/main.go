// SPDX-License-Identifier: ISC

// net-client: the guest side of tests/net/run's guest -> host tests.  One
// test per run, chosen by the arguments after "--":
//
//	http URL WANT            GET URL; the body must be WANT (\n escapes)
//	tls URL CAFILE WANT      the same over TLS, trusting only CAFILE
//	echo ADDR MIB            send MIB MiB to a TCP echo server while reading
//	                         the echo; the SHA-256 of both must match
//	dns NAME WANT [SERVER]   resolve NAME (pure-Go resolver, the system's
//	                         configuration; SERVER host:port overrides it,
//	                         for the native run); WANT must be among the addresses
//
// It prints "net-client: ok ..." and exits 0, or "net-client: FAIL ..."
// and exits 1.  The same program runs natively (tests/net/run -native).
package main

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
)

func main() {
	if len(os.Args) < 2 {
		failf("usage: net-client http|tls|echo|dns ...")
	}
	a := os.Args[1:]
	switch {
	case a[0] == "http" && len(a) == 3:
		get(&http.Client{Timeout: 60 * time.Second}, a[1], a[2])
	case a[0] == "tls" && len(a) == 4:
		pem, err := os.ReadFile(a[2])
		if err != nil {
			failf("tls: %v", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			failf("tls: no certificate in %s", a[2])
		}
		tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}
		get(&http.Client{Timeout: 60 * time.Second, Transport: tr}, a[1], a[3])
	case a[0] == "echo" && len(a) == 3:
		mib, err := strconv.Atoi(a[2])
		if err != nil || mib < 0 {
			failf("echo: bad size %q", a[2])
		}
		echo(a[1], int64(mib)<<20)
	case a[0] == "dns" && (len(a) == 3 || len(a) == 4):
		server := ""
		if len(a) == 4 {
			server = a[3]
		}
		lookup(a[1], a[2], server)
	default:
		failf("unknown test %q", a)
	}
}

func failf(format string, args ...any) {
	fmt.Printf("net-client: FAIL "+format+"\n", args...)
	os.Exit(1)
}

func get(c *http.Client, url, want string) {
	want = strings.ReplaceAll(want, `\n`, "\n")
	start := time.Now()
	resp, err := c.Get(url)
	if err != nil {
		failf("GET %s: %v", url, err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		failf("GET %s: reading the body: %v", url, err)
	}
	if resp.StatusCode != 200 || string(body) != want {
		failf("GET %s: %s %q, want 200 %q", url, resp.Status, body, want)
	}
	tlsInfo := ""
	if resp.TLS != nil {
		tlsInfo = fmt.Sprintf(" (%s, peer %s)", tls.VersionName(resp.TLS.Version),
			resp.TLS.PeerCertificates[0].Subject.CommonName)
	}
	fmt.Printf("net-client: ok http: GET %s: %s %q%s in %v\n", url, resp.Status, body, tlsInfo, time.Since(start).Round(time.Millisecond))
}

// pattern is the data echo sends: a fixed pseudo-random stream (xorshift),
// so the host's copy is the same bytes.
type pattern struct {
	x   uint64
	buf []byte
}

func (p *pattern) Read(b []byte) (int, error) {
	for i := 0; i+8 <= len(b); i += 8 {
		p.x ^= p.x << 13
		p.x ^= p.x >> 7
		p.x ^= p.x << 17
		for j := 0; j < 8; j++ {
			b[i+j] = byte(p.x >> (8 * j))
		}
	}
	return len(b) &^ 7, nil
}

func echo(addr string, size int64) {
	start := time.Now()
	c, err := net.DialTimeout("tcp", addr, 30*time.Second)
	if err != nil {
		failf("echo: dial %s: %v", addr, err)
	}
	defer c.Close()
	sent := sha256.New()
	errc := make(chan error, 1)
	go func() {
		src := io.LimitReader(&pattern{x: 0x9e3779b97f4a7c15}, size)
		_, err := io.CopyBuffer(io.MultiWriter(c, sent), src, make([]byte, 64<<10))
		if err == nil {
			err = c.(*net.TCPConn).CloseWrite()
		}
		errc <- err
	}()
	got := sha256.New()
	n, err := io.Copy(got, c)
	if err != nil {
		failf("echo: reading after %d bytes: %v", n, err)
	}
	if err := <-errc; err != nil {
		failf("echo: sending: %v", err)
	}
	a, b := hex.EncodeToString(sent.Sum(nil)), hex.EncodeToString(got.Sum(nil))
	if n != size || a != b {
		failf("echo: got %d bytes sha256=%s, sent %d bytes sha256=%s", n, b, size, a)
	}
	secs := time.Since(start).Seconds()
	fmt.Printf("net-client: ok echo: %d bytes sha256=%s each way in %.1fs (%.1f MiB/s each way)\n",
		n, a, secs, float64(n)/(1<<20)/secs)
}

func lookup(name, want, server string) {
	r := &net.Resolver{PreferGo: true}
	if server != "" {
		r.Dial = func(ctx context.Context, network, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, network, server)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	addrs, err := r.LookupHost(ctx, name)
	if err != nil {
		failf("dns: %s: %v", name, err)
	}
	for _, a := range addrs {
		if a == want {
			fmt.Printf("net-client: ok dns: %s = %v\n", name, addrs)
			return
		}
	}
	failf("dns: %s = %v, want %s among them", name, addrs, want)
}

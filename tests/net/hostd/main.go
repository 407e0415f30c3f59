// SPDX-License-Identifier: ISC

// hostd: the host side of tests/net/run.  Built with the host's Go.
//
//	hostd ca DIR                  a test CA and two certificates, made now:
//	                              DIR/ca.pem, DIR/server.{pem,key} for the
//	                              guest (guest.vmgo.test, 10.0.2.15,
//	                              127.0.0.1), DIR/host.{pem,key} for the host
//	                              (host.vmgo.test, 10.0.2.2, 127.0.0.1)
//	hostd ports N                 N ports free for TCP and UDP on 127.0.0.1
//	hostd serve DIR [-dns ADDR]   host servers on 127.0.0.1: HTTP, HTTPS,
//	                              TCP echo, and DNS on ADDR (default
//	                              127.0.0.1:53, which slirp shows the guest as
//	                              10.0.2.2:53; "" for none); writes DIR/ports (shell syntax)
//	                              when ready, serves until killed
//	hostd dns ADDR                only the DNS server, on ADDR
//	hostd echo ADDR MIB           TCP echo client: MIB MiB out, the echo back,
//	                              SHA-256 of both compared
//	hostd udp ADDR N              N datagrams to a UDP echo server, each answered
//	hostd tls URL CAFILE WANT     HTTPS GET trusting only CAFILE, body WANT
//	hostd conns ADDR N [PAR]      N connections held open at once (PAR
//	                              opened at a time, default 32), then each
//	                              one's "ping I" answered "pong I open=N"
//
// Each client prints "hostd: ok ..." and exits 0, or "hostd: FAIL ..." and
// exits 1.  Nothing here reaches beyond 127.0.0.1.
package main

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/binary"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// helloBody is what the host's HTTP servers answer on /hello.
const helloBody = "hello from the host\n"

func main() {
	if len(os.Args) < 2 {
		failf("usage: hostd ca|ports|serve|echo|udp|tls|conns ...")
	}
	a := os.Args[2:]
	switch cmd := os.Args[1]; {
	case cmd == "ca" && len(a) == 1:
		makeCA(a[0])
	case cmd == "ports" && len(a) == 1:
		freePorts(atoi(a[0]))
	case cmd == "serve" && (len(a) == 1 || len(a) == 3 && a[1] == "-dns"):
		dns := "127.0.0.1:53"
		if len(a) == 3 {
			dns = a[2]
		}
		serve(a[0], dns)
	case cmd == "dns" && len(a) == 1:
		pc, err := net.ListenPacket("udp", a[0])
		if err != nil {
			failf("dns: %v", err)
		}
		fmt.Printf("hostd: dns serving on %s\n", a[0])
		dnsServe(pc)
	case cmd == "echo" && len(a) == 2:
		echo(a[0], int64(atoi(a[1]))<<20)
	case cmd == "udp" && len(a) == 2:
		udp(a[0], atoi(a[1]))
	case cmd == "tls" && len(a) == 3:
		tlsGet(a[0], a[1], a[2])
	case cmd == "conns" && (len(a) == 2 || len(a) == 3):
		par := 32
		if len(a) == 3 {
			par = max(atoi(a[2]), 1)
		}
		conns(a[0], atoi(a[1]), par)
	default:
		failf("bad command line %q", os.Args[1:])
	}
}

func failf(format string, args ...any) {
	fmt.Printf("hostd: FAIL "+format+"\n", args...)
	os.Exit(1)
}

func atoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		failf("%q is not a count", s)
	}
	return n
}

// makeCA writes a CA and two leaf certificates (ECDSA P-256, a day long).
func makeCA(dir string) {
	if err := os.MkdirAll(dir, 0755); err != nil {
		failf("%v", err)
	}
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	now := time.Now().Add(-time.Hour)
	ca := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "vmgo test CA"},
		NotBefore: now, NotAfter: now.Add(25 * time.Hour),
		IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	if err != nil {
		failf("ca: %v", err)
	}
	caCert, _ := x509.ParseCertificate(caDER)
	writePEM(filepath.Join(dir, "ca.pem"), "CERTIFICATE", caDER)
	leaf := func(name, cn string, ips ...string) {
		key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		t := &x509.Certificate{
			SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: cn},
			NotBefore: now, NotAfter: now.Add(25 * time.Hour), DNSNames: []string{cn, "localhost"},
			KeyUsage:    x509.KeyUsageDigitalSignature,
			ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		}
		for _, ip := range ips {
			t.IPAddresses = append(t.IPAddresses, net.ParseIP(ip))
		}
		der, err := x509.CreateCertificate(rand.Reader, t, caCert, &key.PublicKey, caKey)
		if err != nil {
			failf("ca: %v", err)
		}
		kder, _ := x509.MarshalPKCS8PrivateKey(key)
		writePEM(filepath.Join(dir, name+".pem"), "CERTIFICATE", der)
		writePEM(filepath.Join(dir, name+".key"), "PRIVATE KEY", kder)
	}
	leaf("server", "guest.vmgo.test", "10.0.2.15", "127.0.0.1")
	leaf("host", "host.vmgo.test", "10.0.2.2", "127.0.0.1")
	fmt.Printf("hostd: ok ca in %s\n", dir)
}

func writePEM(path, typ string, der []byte) {
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0644); err != nil {
		failf("%v", err)
	}
}

// freePorts prints n ports that were free for both TCP and UDP on
// 127.0.0.1 a moment ago (the kernel's choice of ephemeral ports).
func freePorts(n int) {
	var ls []io.Closer
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	for len(ls) < 2*n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			failf("ports: %v", err)
		}
		port := l.Addr().(*net.TCPAddr).Port
		u, err := net.ListenPacket("udp", fmt.Sprintf("127.0.0.1:%d", port))
		if err != nil {
			l.Close()
			continue
		}
		ls = append(ls, l, u)
		fmt.Println(port)
	}
}

// serve runs the host's servers until killed.
func serve(dir, dnsAddr string) {
	cert, err := tls.LoadX509KeyPair(filepath.Join(dir, "host.pem"), filepath.Join(dir, "host.key"))
	if err != nil {
		failf("serve: %v (run hostd ca first)", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/hello", func(w http.ResponseWriter, r *http.Request) {
		fmt.Printf("hostd: http: %s %s from %s (tls %v)\n", r.Method, r.URL, r.RemoteAddr, r.TLS != nil)
		io.WriteString(w, helloBody)
	})
	lh := mustListen("127.0.0.1:0")
	go http.Serve(lh, mux)
	lt := mustListen("127.0.0.1:0")
	go http.Serve(tls.NewListener(lt, &tls.Config{Certificates: []tls.Certificate{cert}}), mux)
	le := mustListen("127.0.0.1:0")
	go func() {
		for {
			c, err := le.Accept()
			if err != nil {
				failf("echo: %v", err)
			}
			go echoConn(c)
		}
	}()
	dnsPort := ""
	if dnsAddr == "" {
		fmt.Printf("hostd: dns off: not asked for\n")
	} else if pc, err := net.ListenPacket("udp", dnsAddr); err != nil {
		fmt.Printf("hostd: dns off: %v\n", err)
	} else {
		dnsPort = dnsAddr
		go dnsServe(pc)
	}
	ports := fmt.Sprintf("HOST_HTTP=%d\nHOST_TLS=%d\nHOST_ECHO=%d\nHOST_DNS=%s\n",
		port(lh), port(lt), port(le), dnsPort)
	tmp := filepath.Join(dir, "ports.tmp")
	if err := os.WriteFile(tmp, []byte(ports), 0644); err != nil {
		failf("%v", err)
	}
	os.Rename(tmp, filepath.Join(dir, "ports"))
	fmt.Print("hostd: serving\n" + ports)
	select {}
}

func mustListen(addr string) net.Listener {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		failf("listen %s: %v", addr, err)
	}
	return l
}

func port(l net.Listener) int { return l.Addr().(*net.TCPAddr).Port }

// echoConn is the host's TCP echo: it logs what it received, which the
// test compares with the guest's account.
func echoConn(c net.Conn) {
	defer c.Close()
	h := sha256.New()
	n, err := io.Copy(c, io.TeeReader(c, h))
	if err != nil {
		fmt.Printf("hostd: echo: error after %d bytes: %v\n", n, err)
		return
	}
	c.(*net.TCPConn).CloseWrite()
	fmt.Printf("hostd: echo: %d bytes sha256=%s\n", n, hex.EncodeToString(h.Sum(nil)))
}

// dnsNames are the names the test DNS server knows (192.0.2.0/24 is
// TEST-NET-1, RFC 5737).
var dnsNames = map[string][4]byte{
	"answer.vmgo.test.": {192, 0, 2, 42},
	"host.vmgo.test.":   {10, 0, 2, 2},
}

// dnsServe answers A queries for dnsNames over UDP (RFC 1035 §4): the
// address for a known name, no answer for its other types, NXDOMAIN for
// anything else.
func dnsServe(pc net.PacketConn) {
	buf := make([]byte, 1500)
	for {
		n, from, err := pc.ReadFrom(buf)
		if err != nil {
			failf("dns: %v", err)
		}
		if resp := dnsAnswer(buf[:n]); resp != nil {
			pc.WriteTo(resp, from)
		}
	}
}

func dnsAnswer(q []byte) []byte {
	// Header: ID, flags, QDCOUNT, ANCOUNT, NSCOUNT, ARCOUNT (§4.1.1).
	if len(q) < 12 || binary.BigEndian.Uint16(q[4:]) != 1 || q[2]&0x80 != 0 {
		return nil
	}
	var name strings.Builder
	i := 12
	for {
		if i >= len(q) {
			return nil
		}
		l := int(q[i])
		if l == 0 {
			i++
			break
		}
		if l > 63 || i+1+l > len(q) {
			return nil
		}
		name.WriteString(strings.ToLower(string(q[i+1 : i+1+l])))
		name.WriteByte('.')
		i += 1 + l
	}
	if i+4 > len(q) {
		return nil
	}
	qtype, qclass := binary.BigEndian.Uint16(q[i:]), binary.BigEndian.Uint16(q[i+2:])
	question := q[12 : i+4]
	addr, known := dnsNames[name.String()]
	rcode := byte(0)
	if !known {
		rcode = 3 // NXDOMAIN
	}
	answer := known && qtype == 1 && qclass == 1 // A, IN
	fmt.Printf("hostd: dns: %s type %d: known %v\n", name.String(), qtype, known)

	r := make([]byte, 12, 64)
	copy(r, q[:2])
	r[2] = 0x80 | 0x04 | q[2]&0x01 // QR, AA, RD copied
	r[3] = 0x80 | rcode            // RA
	binary.BigEndian.PutUint16(r[4:], 1)
	if answer {
		binary.BigEndian.PutUint16(r[6:], 1)
	}
	r = append(r, question...)
	if answer {
		// A pointer to the question's name (offset 12), type A, class
		// IN, TTL 60, RDLENGTH 4, the address.
		r = append(r, 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4)
		r = append(r, addr[:]...)
	}
	return r
}

// pattern is the data the echo tests send: the same pseudo-random stream
// (xorshift) as tests/guest/net-client's.
type pattern struct{ x uint64 }

func (p *pattern) Read(b []byte) (int, error) {
	for i := 0; i+8 <= len(b); i += 8 {
		p.x ^= p.x << 13
		p.x ^= p.x >> 7
		p.x ^= p.x << 17
		binary.LittleEndian.PutUint64(b[i:], p.x)
	}
	return len(b) &^ 7, nil
}

// echo sends size bytes to a TCP echo server while reading the echo, and
// compares the SHA-256 of both.
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
	fmt.Printf("hostd: ok echo: %d bytes sha256=%s each way in %.1fs (%.1f MiB/s each way)\n",
		n, a, secs, float64(n)/(1<<20)/secs)
}

// udp sends n datagrams of sizes 1 to 1400 bytes, one at a time, each up
// to 5 times until its echo comes back unchanged.
func udp(addr string, n int) {
	c, err := net.Dial("udp", addr)
	if err != nil {
		failf("udp: %v", err)
	}
	defer c.Close()
	buf := make([]byte, 2048)
	resent := 0
	for i := 0; i < n; i++ {
		size := 1 + i*1399/max(n-1, 1)
		msg := make([]byte, size)
		for j := range msg {
			msg[j] = byte(i + j)
		}
		ok := false
		for try := 0; try < 5 && !ok; try++ {
			if try > 0 {
				resent++
			}
			if _, err := c.Write(msg); err != nil {
				failf("udp: datagram %d: %v", i, err)
			}
			c.SetReadDeadline(time.Now().Add(2 * time.Second))
			for {
				m, err := c.Read(buf)
				if err != nil {
					break // timeout: send again
				}
				if string(buf[:m]) == string(msg) {
					ok = true
					break
				}
				// An echo of an earlier try: keep reading.
			}
		}
		if !ok {
			failf("udp: datagram %d (%d bytes) never came back", i, size)
		}
	}
	fmt.Printf("hostd: ok udp: %d datagrams of 1-1400 bytes echoed (%d sent again)\n", n, resent)
}

func tlsGet(url, caFile, want string) {
	want = strings.ReplaceAll(want, `\n`, "\n")
	pemData, err := os.ReadFile(caFile)
	if err != nil {
		failf("tls: %v", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pemData) {
		failf("tls: no certificate in %s", caFile)
	}
	c := &http.Client{Timeout: 60 * time.Second,
		Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, ServerName: "guest.vmgo.test"}}}
	resp, err := c.Get(url)
	if err != nil {
		failf("tls: GET %s: %v", url, err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != 200 || string(body) != want {
		failf("tls: GET %s: %s %q (%v), want 200 %q", url, resp.Status, body, err, want)
	}
	fmt.Printf("hostd: ok tls: GET %s: %s %q (%s, peer %s)\n", url, resp.Status, body,
		tls.VersionName(resp.TLS.Version), resp.TLS.PeerCertificates[0].Subject.CommonName)
}

// conns opens n connections, keeps them all open, then asks each for a
// pong: every answer must count n open connections.
func conns(addr string, n, par int) {
	start := time.Now()
	cs := make([]net.Conn, n)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	sem := make(chan struct{}, par)
	for i := range cs {
		wg.Add(1)
		sem <- struct{}{}
		mu.Lock()
		stop := firstErr != nil
		mu.Unlock()
		if stop {
			wg.Done()
			<-sem
			break
		}
		go func(i int) {
			defer wg.Done()
			defer func() { <-sem }()
			c, err := net.DialTimeout("tcp", addr, 60*time.Second)
			if err == nil {
				// A first round trip makes sure the guest accepted it.
				err = pingPong(c, i, -1)
			}
			mu.Lock()
			defer mu.Unlock()
			if err != nil && firstErr == nil {
				firstErr = fmt.Errorf("connection %d: %v", i, err)
			}
			cs[i] = c
		}(i)
	}
	wg.Wait()
	defer func() {
		for _, c := range cs {
			if c != nil {
				c.Close()
			}
		}
	}()
	if firstErr != nil {
		failf("conns: opening %d: %v", n, firstErr)
	}
	opened := time.Since(start)
	for i := range cs {
		wg.Add(1)
		sem <- struct{}{}
		go func(i int) {
			defer wg.Done()
			defer func() { <-sem }()
			if err := pingPong(cs[i], n+i, n); err != nil {
				mu.Lock()
				if firstErr == nil {
					firstErr = fmt.Errorf("connection %d: %v", i, err)
				}
				mu.Unlock()
			}
		}(i)
	}
	wg.Wait()
	if firstErr != nil {
		failf("conns: with %d open: %v", n, firstErr)
	}
	fmt.Printf("hostd: ok conns: %d connections open at once, each answered (opened in %v, all in %v)\n",
		n, opened.Round(time.Millisecond), time.Since(start).Round(time.Millisecond))
}

// pingPong sends "ping ID" and wants "pong ID open=N" (any N if open < 0).
func pingPong(c net.Conn, id, open int) error {
	c.SetDeadline(time.Now().Add(60 * time.Second))
	if _, err := fmt.Fprintf(c, "ping %d\n", id); err != nil {
		return err
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return err
	}
	var gotID, gotOpen int
	if _, err := fmt.Sscanf(line, "pong %d open=%d\n", &gotID, &gotOpen); err != nil || gotID != id {
		return fmt.Errorf("answer %q to ping %d", line, id)
	}
	if open >= 0 && gotOpen != open {
		return fmt.Errorf("answer %q: the guest counts %d open connections, want %d", line, gotOpen, open)
	}
	return nil
}

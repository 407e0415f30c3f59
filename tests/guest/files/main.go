// SPDX-License-Identifier: ISC

// Guest test files: descriptors, /dev, pipes and kqueue as Go's os and
// runtime use them.  Every check prints "ok ..." or "FAIL ..."; any
// failure exits 1.  The checks hold on Linux too (go run . natively).
package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

var failed bool

func check(ok bool, format string, a ...any) {
	msg := fmt.Sprintf(format, a...)
	if ok {
		fmt.Println("ok", msg)
	} else {
		fmt.Println("FAIL", msg)
		failed = true
	}
}

func workingDirectory() {
	wd, err := os.Getwd()
	check(err == nil && filepath.IsAbs(wd), "Getwd = %q, %v", wd, err)
	st, err := os.Stat(".")
	check(err == nil && st.IsDir(), "Stat(\".\") is a directory (%v)", err)
	root, err := os.Stat("/")
	check(err == nil && root.IsDir(), "Stat(\"/\") is a directory (%v)", err)
	_, err = os.Stat("/no/such/file")
	check(errors.Is(err, os.ErrNotExist), "Stat of a missing file: %v", err)
}

func devFiles() {
	null, err := os.OpenFile("/dev/null", os.O_RDWR, 0)
	check(err == nil, "open /dev/null (%v)", err)
	if err == nil {
		n, err := null.Write(make([]byte, 100))
		check(n == 100 && err == nil, "write /dev/null = %d, %v", n, err)
		n, err = null.Read(make([]byte, 10))
		check(n == 0 && err == io.EOF, "read /dev/null = %d, %v", n, err)
		st, err := null.Stat()
		check(err == nil && st.Mode()&os.ModeCharDevice != 0,
			"/dev/null is a character device (%v)", err)
		null.Close()
	}

	zero, err := os.Open("/dev/zero")
	check(err == nil, "open /dev/zero (%v)", err)
	if err == nil {
		buf := bytes.Repeat([]byte{1}, 4096)
		n, err := io.ReadFull(zero, buf)
		check(n == 4096 && err == nil && bytes.Count(buf, []byte{0}) == 4096,
			"read 4096 zeros from /dev/zero (%d, %v)", n, err)
		zero.Close()
	}

	ur, err := os.Open("/dev/urandom")
	check(err == nil, "open /dev/urandom (%v)", err)
	if err == nil {
		a, b := make([]byte, 32), make([]byte, 32)
		_, err1 := io.ReadFull(ur, a)
		_, err2 := io.ReadFull(ur, b)
		check(err1 == nil && err2 == nil && !bytes.Equal(a, b) &&
			!bytes.Equal(a, make([]byte, 32)),
			"two 32-byte reads of /dev/urandom differ (%v, %v)", err1, err2)
		ur.Close()
	}

	ents, err := os.ReadDir("/dev")
	names := []string{}
	for _, e := range ents {
		names = append(names, e.Name())
	}
	all := " " + strings.Join(names, " ") + " "
	check(err == nil && strings.Contains(all, " null ") &&
		strings.Contains(all, " urandom "),
		"ReadDir(/dev) lists null and urandom (%v)", err)
}

func pipes() {
	r, w, err := os.Pipe()
	check(err == nil, "os.Pipe (%v)", err)
	if err != nil {
		return
	}
	// A reader parked in the netpoller, woken by each write.
	got := make(chan string)
	go func() {
		var sb strings.Builder
		buf := make([]byte, 64)
		for {
			n, err := r.Read(buf)
			sb.Write(buf[:n])
			if err != nil {
				got <- sb.String() + "|" + err.Error()
				return
			}
		}
	}()
	for i := 0; i < 100; i++ {
		fmt.Fprintf(w, "%d,", i)
		if i%10 == 0 {
			time.Sleep(time.Millisecond)
		}
	}
	w.Close()
	want := ""
	for i := 0; i < 100; i++ {
		want += fmt.Sprintf("%d,", i)
	}
	s := <-got
	check(s == want+"|EOF", "pipe carries 100 writes, then EOF (%d bytes)", len(s))
	r.Close()

	// A read deadline: the poller's timer, not data, ends the read.
	// t0 is taken first: the deadline counts from before SetReadDeadline,
	// so a preemption between the two cannot make the read look early.
	r, w, _ = os.Pipe()
	t0 := time.Now()
	r.SetReadDeadline(t0.Add(50 * time.Millisecond))
	_, err = r.Read(make([]byte, 1))
	dt := time.Since(t0)
	check(errors.Is(err, os.ErrDeadlineExceeded) && dt >= 50*time.Millisecond &&
		dt < 5*time.Second, "read deadline after %v: %v", dt, err)
	// Data after the deadline is cleared.
	r.SetReadDeadline(time.Time{})
	go func() {
		time.Sleep(20 * time.Millisecond)
		w.Write([]byte("x"))
	}()
	n, err := r.Read(make([]byte, 1))
	check(n == 1 && err == nil, "read after clearing the deadline = %d, %v", n, err)
	r.Close()
	_, err = w.Write([]byte("y"))
	check(errors.Is(err, syscall.EPIPE), "write with no reader: %v", err)
	w.Close()
}

func sleeps() {
	for _, d := range []time.Duration{time.Millisecond, 10 * time.Millisecond,
		100 * time.Millisecond} {
		t0 := time.Now()
		time.Sleep(d)
		dt := time.Since(t0)
		check(dt >= d && dt < d+500*time.Millisecond,
			"Sleep(%v) took %v", d, dt)
	}
	t0 := time.Now()
	timer := time.NewTimer(30 * time.Millisecond)
	<-timer.C
	check(time.Since(t0) >= 30*time.Millisecond, "timer fired after %v",
		time.Since(t0))
}

func main() {
	workingDirectory()
	devFiles()
	pipes()
	sleeps()
	if failed {
		fmt.Println("files: FAILED")
		os.Exit(1)
	}
	fmt.Println("files: all checks passed")
}

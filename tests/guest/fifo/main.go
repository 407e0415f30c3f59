// Command fifo checks named pipes (mkfifo) in the guest's /tmp through
// Go's os package, as os's TestFifoEOF and TestFIFONonBlockingEOF use
// them, plus the errors mkfifo and open give.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
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

// blocking: both ends opened without O_NONBLOCK, each open waiting for
// the other; the writer's close is the reader's EOF.
func blocking(dir string) {
	name := filepath.Join(dir, "blocking")
	if !must(syscall.Mkfifo(name, 0600), "mkfifo") {
		return
	}
	st, err := os.Stat(name)
	if must(err, "stat") {
		check(st.Mode()&os.ModeNamedPipe != 0 && st.Mode().Perm() == 0600, "mode %v", st.Mode())
	}
	ents, err := os.ReadDir(dir)
	if must(err, "ReadDir") {
		check(len(ents) == 1 && ents[0].Type() == os.ModeNamedPipe, "ReadDir %v", ents)
	}
	err = syscall.Mkfifo(name, 0600)
	check(errors.Is(err, syscall.EEXIST), "mkfifo again: %v", err)
	err = syscall.Mkfifo("/fifo", 0600)
	check(errors.Is(err, syscall.EROFS), "mkfifo outside /tmp: %v", err)

	rc := make(chan *os.File, 1)
	go func() {
		r, err := os.Open(name)
		must(err, "open for reading")
		rc <- r
	}()
	w, err := os.OpenFile(name, os.O_WRONLY, 0)
	r := <-rc
	if !must(err, "open for writing") || r == nil {
		return
	}
	msg := "through the fifo"
	go func() {
		time.Sleep(50 * time.Millisecond)
		_, err := w.WriteString(msg)
		must(err, "write")
		must(w.Close(), "close writer")
	}()
	b, err := io.ReadAll(r)
	must(err, "ReadAll")
	check(string(b) == msg, "read %q", b)
	r.Close()
}

// nonblocking: os's TestFIFONonBlockingEOF: the reader opened with
// O_NONBLOCK before any writer, read through the netpoller until EOF.
func nonblocking(dir string) {
	name := filepath.Join(dir, "nonblocking")
	if !must(syscall.Mkfifo(name, 0600), "mkfifo") {
		return
	}
	_, err := os.OpenFile(name, os.O_WRONLY|syscall.O_NONBLOCK, 0)
	check(errors.Is(err, syscall.ENXIO), "non-blocking writer without a reader: %v", err)
	r, err := os.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if !must(err, "open reader") {
		return
	}
	defer r.Close()
	w, err := os.OpenFile(name, os.O_WRONLY, 0)
	if !must(err, "open writer") {
		return
	}
	data := "Hello Gophers!"
	_, err = w.WriteString(data)
	must(err, "write")
	time.AfterFunc(200*time.Millisecond, func() { must(w.Close(), "close writer") })
	buf := make([]byte, len(data))
	n, err := io.ReadAtLeast(r, buf, len(data))
	check(n == len(data) && string(buf) == data && err == nil, "ReadAtLeast: %d %q %v", n, buf, err)
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		_, err = r.Read(buf)
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil && !errors.Is(err, syscall.EAGAIN) {
			check(false, "read: %v", err)
			return
		}
	}
	check(false, "no EOF after the writer closed")
}

func main() {
	dir, err := os.MkdirTemp("", "fifo")
	if !must(err, "MkdirTemp") {
		os.Exit(1)
	}
	blocking(dir)
	nonblocking(dir)
	must(os.RemoveAll(dir), "RemoveAll")
	if failed > 0 {
		fmt.Printf("fifo: %d checks failed\n", failed)
		os.Exit(1)
	}
	fmt.Println("fifo: all checks passed")
}

// Command reclock checks fcntl record locks (syscall.FcntlFlock): granted
// at once in a VM with one process, F_GETLK reporting no conflicting
// lock, and the errors of OpenBSD's argument checks.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"
)

var failed int

func lock(f *os.File, cmd int, typ int16, whence int16, start, length int64) (syscall.Flock_t, error) {
	fl := syscall.Flock_t{Type: typ, Whence: whence, Start: start, Len: length}
	err := syscall.FcntlFlock(f.Fd(), cmd, &fl)
	return fl, err
}

func want(err, errno error, what string) {
	if !errors.Is(err, errno) {
		failed++
		fmt.Printf("FAIL: %s: got %v, want %v\n", what, err, errno)
	}
}

func main() {
	rw, err := os.Create("/tmp/locked")
	if err != nil {
		fmt.Println("FAIL: create:", err)
		os.Exit(1)
	}
	rw.WriteString("0123456789")
	_, err = lock(rw, syscall.F_SETLK, syscall.F_WRLCK, io.SeekStart, 0, 4)
	want(err, nil, "F_SETLK F_WRLCK")
	_, err = lock(rw, syscall.F_SETLKW, syscall.F_RDLCK, io.SeekStart, 2, 8)
	want(err, nil, "F_SETLKW F_RDLCK")
	fl, err := lock(rw, syscall.F_GETLK, syscall.F_WRLCK, io.SeekStart, 0, 0)
	want(err, nil, "F_GETLK")
	if fl.Type != syscall.F_UNLCK {
		failed++
		fmt.Printf("FAIL: F_GETLK type %d, want F_UNLCK\n", fl.Type)
	}
	_, err = lock(rw, syscall.F_SETLK, syscall.F_UNLCK, io.SeekEnd, -10, 0)
	want(err, nil, "F_SETLK F_UNLCK from the end")
	_, err = lock(rw, syscall.F_SETLK, syscall.F_WRLCK, io.SeekEnd, -11, 1)
	want(err, syscall.EINVAL, "a range before 0 (SEEK_END)")
	_, err = lock(rw, syscall.F_SETLK, syscall.F_WRLCK, io.SeekStart, 5, -6)
	want(err, syscall.EINVAL, "a negative length reaching before 0")
	_, err = lock(rw, syscall.F_SETLK, 7, io.SeekStart, 0, 1)
	want(err, syscall.EINVAL, "unknown type")
	_, err = lock(rw, syscall.F_SETLK, syscall.F_WRLCK, 5, 0, 1)
	want(err, syscall.EINVAL, "unknown whence")

	ro, _ := os.Open("/tmp/locked")
	_, err = lock(ro, syscall.F_SETLK, syscall.F_WRLCK, io.SeekStart, 0, 1)
	want(err, syscall.EBADF, "F_WRLCK on a read-only fd")
	_, err = lock(ro, syscall.F_SETLK, syscall.F_RDLCK, io.SeekStart, 0, 1)
	want(err, nil, "F_RDLCK on a read-only fd")
	wo, _ := os.OpenFile("/tmp/locked", os.O_WRONLY, 0)
	_, err = lock(wo, syscall.F_SETLK, syscall.F_RDLCK, io.SeekStart, 0, 1)
	want(err, syscall.EBADF, "F_RDLCK on a write-only fd")
	_, err = lock(wo, syscall.F_GETLK, syscall.F_RDLCK, io.SeekStart, 0, 1)
	want(err, nil, "F_GETLK F_RDLCK on a write-only fd")
	fd := wo.Fd()
	wo.Close()
	fl = syscall.Flock_t{Type: syscall.F_WRLCK}
	want(syscall.FcntlFlock(fd, syscall.F_SETLK, &fl), syscall.EBADF, "closed fd")
	ro.Close()
	rw.Close()
	if failed > 0 {
		fmt.Printf("reclock: %d checks failed\n", failed)
		os.Exit(1)
	}
	fmt.Println("reclock: all checks passed")
}

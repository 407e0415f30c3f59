// Command wait4 checks wait4(2) in a VM without child processes: ECHILD
// for every wait, EINVAL for options OpenBSD does not know, and Go's
// os.Process.Wait reporting ECHILD for a process that is not its child.
package main

import (
	"errors"
	"fmt"
	"math"
	"os"
	"syscall"
)

var failed int

func want(err, errno error, what string) {
	if !errors.Is(err, errno) {
		failed++
		fmt.Printf("FAIL: %s: got %v, want %v\n", what, err, errno)
	}
}

func main() {
	var ws syscall.WaitStatus
	var ru syscall.Rusage
	_, err := syscall.Wait4(-1, &ws, 0, &ru)
	want(err, syscall.ECHILD, "wait4(-1, 0)")
	_, err = syscall.Wait4(-1, &ws, syscall.WNOHANG, nil)
	want(err, syscall.ECHILD, "wait4(-1, WNOHANG)")
	_, err = syscall.Wait4(7, &ws, syscall.WUNTRACED|syscall.WCONTINUED, nil)
	want(err, syscall.ECHILD, "wait4(7, WUNTRACED|WCONTINUED)")
	_, err = syscall.Wait4(-1, &ws, 0x100, nil)
	want(err, syscall.EINVAL, "wait4(-1, 0x100)")

	p, err := os.FindProcess(math.MaxInt32)
	if err != nil {
		failed++
		fmt.Printf("FAIL: FindProcess: %v\n", err)
	} else {
		_, err = p.Wait()
		want(err, syscall.ECHILD, "Process.Wait")
	}
	if failed > 0 {
		fmt.Printf("wait4: %d checks failed\n", failed)
		os.Exit(1)
	}
	fmt.Println("wait4: all checks passed")
}

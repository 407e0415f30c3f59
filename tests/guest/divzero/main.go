// SPDX-License-Identifier: ISC

// Guest test divzero: Go checks divisors itself (panicdivide), so the
// hardware path is driven by an assembly IDIVQ: #DE in Go code becomes
// SIGFPE (FPE_INTDIV) for Go's handler, which panics with "integer divide
// by zero" that recover() catches, also in another goroutine, many times.
// A final unrecovered one shows Go's report with the signal line, exit 2.
package main

import (
	"fmt"
	"os"
)

var zero int64

func hwdiv(a, b int64) int64

//go:noinline
func div(a, b int64) int64 {
	return a / b
}

func try(f func(a, b int64) int64, a, b int64) (q int64, msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg = fmt.Sprint(r)
		}
	}()
	return f(a, b), ""
}

func main() {
	if _, msg := try(div, 7, zero); msg == "" {
		fmt.Println("divzero: no panic from Go's check")
		os.Exit(1)
	}
	for i := 0; i < 100; i++ {
		q, msg := try(hwdiv, 7, zero)
		if msg == "" {
			fmt.Println("divzero: no panic, got", q)
			os.Exit(1)
		}
		if i == 0 {
			fmt.Println("recovered:", msg)
		}
	}
	done := make(chan string)
	go func() {
		_, msg := try(hwdiv, 1<<40, zero)
		done <- msg
	}()
	fmt.Println("goroutine recovered:", <-done)
	if q, msg := try(hwdiv, 42, 6); msg != "" || q != 7 {
		fmt.Println("divzero: 42/6 failed:", q, msg)
		os.Exit(1)
	}
	fmt.Println("divzero: now unrecovered")
	fmt.Println(hwdiv(1, zero))
}

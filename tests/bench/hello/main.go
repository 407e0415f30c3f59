// SPDX-License-Identifier: ISC

// Command hello is the program tests/bench/bench boots for the boot and
// memory figures, as a vmgo image, in the Linux guest and on the host.
// Its first line is printed first thing in main:
//
//	bench: main tsc=T mono=N	T: the TSC (RDTSC) at the top of main;
//					N: the monotonic clock (ns) there
//	bench: tsc-hz=H			the TSC's rate, measured over 50 ms
//	bench: hello
package main

import (
	"fmt"
	_ "unsafe" // go:linkname
)

// The TSC and the monotonic clock, read before anything else in main.
//
//go:linkname cputicks runtime.cputicks
func cputicks() int64

//go:linkname nanotime runtime.nanotime
func nanotime() int64

func main() {
	tsc, mono := cputicks(), nanotime()
	fmt.Printf("bench: main tsc=%d mono=%d\n", tsc, mono)
	t0, n0 := cputicks(), nanotime()
	for nanotime()-n0 < 50e6 {
	}
	t1, n1 := cputicks(), nanotime()
	fmt.Printf("bench: tsc-hz=%d\n", (t1-t0)*1e9/(n1-n0))
	fmt.Println("bench: hello")
}

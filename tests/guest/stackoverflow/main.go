// SPDX-License-Identifier: ISC

// Guest test stackoverflow: a goroutine that recurses without end grows
// its stack (morestack copies it) until Go's limit, then Go reports
// "goroutine stack exceeds" and "fatal error: stack overflow" and exits
// with status 2.  The limit is lowered to 32 MiB with debug.SetMaxStack so
// the test fits its VM and TCG time; the mechanism is the same at 1 GB.
package main

import (
	"fmt"
	"runtime/debug"
)

//go:noinline
func recurse(n int) int {
	var buf [64]byte
	buf[n%64] = byte(n)
	return recurse(n+1) + int(buf[(n+1)%64])
}

func main() {
	debug.SetMaxStack(32 << 20)
	fmt.Println("stackoverflow: recursing")
	fmt.Println(recurse(0))
}

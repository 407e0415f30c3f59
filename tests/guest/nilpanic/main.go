// SPDX-License-Identifier: ISC

// Guest test nilpanic: a nil pointer dereference is a page fault at a low
// address; the runtime delivers SIGSEGV (SEGV_MAPERR, si_addr < 4096) to
// Go's handler on the signal stack, Go injects sigpanic, and recover()
// gets "invalid memory address or nil pointer dereference".  Done many
// times over, with float registers live across the fault, so the frame,
// the FPU save and sigreturn are exercised repeatedly.
package main

import (
	"errors"
	"fmt"
	"os"
	"runtime"
)

type node struct {
	next *node
	val  int
}

//go:noinline
func deref(n *node) int {
	return n.next.val
}

func try(n *node) (v int, err error) {
	defer func() {
		if r := recover(); r != nil {
			e, ok := r.(runtime.Error)
			if !ok {
				err = fmt.Errorf("recovered a %T, not a runtime.Error: %v", r, r)
				return
			}
			err = e
		}
	}()
	return deref(n), nil
}

func main() {
	f := 1.5
	for i := 0; i < 1000; i++ {
		_, err := try(&node{})
		if err == nil {
			fmt.Println("nilpanic: no panic at iteration", i)
			os.Exit(1)
		}
		if i == 0 {
			fmt.Println("recovered:", err)
		}
		var re runtime.Error
		if !errors.As(err, &re) {
			fmt.Println("nilpanic: not a runtime error:", err)
			os.Exit(1)
		}
		f = f*1.0001 + 0.5
	}
	if v, err := try(&node{next: &node{val: 42}}); err != nil || v != 42 {
		fmt.Println("nilpanic: valid pointer failed:", v, err)
		os.Exit(1)
	}
	fmt.Printf("nilpanic: 1000 faults recovered, f=%.6f\n", f)
}

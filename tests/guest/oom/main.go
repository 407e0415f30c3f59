// SPDX-License-Identifier: ISC

// oom: keeps 1 MiB blocks alive until the heap no longer fits the VM.
// Go must end it with its own "fatal error: runtime: out of memory"
// (mmap of more heap refused with ENOMEM, runtime/mm/vma.c), not a hang
// or a fatal trap in the runtime.
package main

import "fmt"

var keep [][]byte

func main() {
	fmt.Println("oom: allocating")
	for i := 1; ; i++ {
		b := make([]byte, 1<<20)
		for j := 0; j < len(b); j += 4096 {
			b[j] = byte(i) // touch every page
		}
		keep = append(keep, b)
		if i%16 == 0 {
			fmt.Println("oom: live MiB", i)
		}
	}
}

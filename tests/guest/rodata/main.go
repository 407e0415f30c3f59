// SPDX-License-Identifier: ISC

// Guest test rodata: a write to a string's bytes (read-only data, mapped
// R and enforced with CR0.WP in ring 0) is a protection fault.  With
// debug.SetPanicOnFault it is a recoverable panic carrying the address;
// without, Go's fatal "unexpected fault address" report, exit status 2.
// Either way the bytes are never changed.
package main

import (
	"fmt"
	"os"
	"runtime/debug"
	"unsafe"
)

var s = "read-only bytes"

func main() {
	p := unsafe.StringData(s)
	debug.SetPanicOnFault(true)
	func() {
		defer func() {
			r := recover()
			fmt.Println("recovered:", r)
			a, ok := r.(interface{ Addr() uintptr })
			if !ok {
				fmt.Println("rodata: the panic value has no Addr()")
				os.Exit(1)
			}
			fmt.Println("fault address is the string:", a.Addr() == uintptr(unsafe.Pointer(p)))
		}()
		*p = 'X'
	}()
	debug.SetPanicOnFault(false)
	fmt.Println("string intact:", s)
	*p = 'Y'
	fmt.Println("rodata: the write went through:", s)
}

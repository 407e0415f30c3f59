// SPDX-License-Identifier: ISC

// crash: an ordinary program; the tests that boot it pass runtime test
// hooks on the command line (vmgo.crashtest, vmgo.protcheck in
// runtime/debug.c) that act before main runs.
package main

import "fmt"

func main() {
	fmt.Println("crash: main ran")
}

// SPDX-License-Identifier: ISC

// Guest test panic: an unrecovered panic prints Go's report and exits 2.
package main

import "fmt"

func main() {
	fmt.Println("about to panic")
	panic("guest test panic")
}

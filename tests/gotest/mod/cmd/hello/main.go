// SPDX-License-Identifier: ISC

// Command hello is tests/gotest's go run program: it prints its arguments
// and exits with the status its first argument names.
package main

import (
	"fmt"
	"os"
	"strconv"
)

func main() {
	fmt.Printf("hello %q\n", os.Args[1:])
	if len(os.Args) > 1 {
		n, _ := strconv.Atoi(os.Args[1])
		os.Exit(n)
	}
}

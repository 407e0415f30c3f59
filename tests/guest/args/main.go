// SPDX-License-Identifier: ISC

// Guest test args: the kernel command line becomes os.Args and the
// environment.  Prints what arrived; test.conf says what must have.
package main

import (
	"fmt"
	"os"
	"sort"
	"strings"
)

func main() {
	fmt.Printf("argc=%d\n", len(os.Args))
	for i, a := range os.Args {
		fmt.Printf("arg[%d]=<%s>\n", i, a)
	}
	env := os.Environ()
	sort.Strings(env)
	vmgoKeys := 0
	for _, kv := range env {
		fmt.Printf("env <%s>\n", kv)
		if strings.HasPrefix(kv, "vmgo.") {
			vmgoKeys++
		}
	}
	fmt.Printf("vmgo keys in the environment: %d\n", vmgoKeys)
	fmt.Printf("Getenv(SPACED)=<%s>\n", os.Getenv("SPACED"))
}

// SPDX-License-Identifier: ISC

// Guest test hello: the smallest program prints a line and exits 0.
package main

import (
	"fmt"
	"runtime"
)

func main() {
	fmt.Printf("hello from vmgo: %s %s/%s\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

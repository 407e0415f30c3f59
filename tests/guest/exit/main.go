// SPDX-License-Identifier: ISC

// Guest test exit: os.Exit(3) ends the VM with status 3.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Println("exiting with status 3")
	os.Exit(3)
}

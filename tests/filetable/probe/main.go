// SPDX-License-Identifier: ISC

// Command probe reports what the file table gave it: the contents of
// /srv/x/hello.txt (or the error) and whether /etc/services is there.
package main

import (
	"fmt"
	"os"
)

func main() {
	b, err := os.ReadFile("/srv/x/hello.txt")
	if err != nil {
		fmt.Println("hello.txt:", err)
	} else {
		fmt.Printf("hello.txt: %q\n", b)
	}
	_, err = os.Stat("/etc/services")
	fmt.Println("/etc/services:", err)
}

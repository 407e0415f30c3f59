// SPDX-License-Identifier: ISC

// Guest test stdin: lines piped into vmgo run reach os.Stdin in order,
// from the very first byte, and the end of the input is an end of file.
package main

import (
	"bufio"
	"fmt"
	"os"
)

func main() {
	s := bufio.NewScanner(os.Stdin)
	n := 0
	for s.Scan() {
		n++
		fmt.Printf("line %d: <%s>\n", n, s.Text())
	}
	if err := s.Err(); err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	fmt.Printf("stdin: %d lines, then end of file\n", n)
}

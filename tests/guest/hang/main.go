// SPDX-License-Identifier: ISC

// hang: stands still for a while (a stand-in for a hung program), then
// says it finished.  tests/hangdump/run sends an NMI meanwhile and
// checks the runtime's thread dump; test.conf runs it without a wait.
package main

import (
	"fmt"
	"os"
	"strconv"
	"sync"
	"time"
)

func main() {
	secs := 0
	if len(os.Args) > 1 {
		secs, _ = strconv.Atoi(os.Args[1])
	}
	var mu sync.Mutex
	mu.Lock()
	go func() {
		mu.Lock() // blocks until main is done waiting
		mu.Unlock()
	}()
	fmt.Println("hang: waiting", secs, "seconds")
	time.Sleep(time.Duration(secs) * time.Second)
	mu.Unlock()
	fmt.Println("hang: done")
}

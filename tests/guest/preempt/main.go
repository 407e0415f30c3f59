// SPDX-License-Identifier: ISC

// Guest test preempt: with GOMAXPROCS=1 a goroutine spins in a loop
// without function calls.  Only async preemption (sysmon's
// thrkill(SIGURG) after 10 ms, Go's handler injecting asyncPreempt) lets
// time.Sleep return, other goroutines run and runtime.GC() stop the
// world.  Prints the worst sleep overshoot: the preemption latency.
package main

import (
	"fmt"
	"os"
	"runtime"
	"sync/atomic"
	"time"
)

var counter uint64

func spin() {
	for {
		atomic.AddUint64(&counter, 1) // an intrinsic: no call
	}
}

func main() {
	runtime.GOMAXPROCS(1)
	start := time.Now()
	go spin()
	go spin()

	var worst time.Duration
	for i := 0; i < 20; i++ {
		t0 := time.Now()
		time.Sleep(10 * time.Millisecond)
		if d := time.Since(t0) - 10*time.Millisecond; d > worst {
			worst = d
		}
	}
	fmt.Println("preempt: sleeps done")

	done := make(chan int)
	for i := 0; i < 10; i++ {
		go func(i int) { done <- i }(i)
	}
	for i := 0; i < 10; i++ {
		<-done
	}
	fmt.Println("preempt: goroutines done")

	for i := 0; i < 3; i++ {
		runtime.GC()
	}
	fmt.Println("preempt: GC done")

	total := time.Since(start)
	fmt.Printf("preempt: worst sleep overshoot %v, total %v, spinner ran: %v\n",
		worst.Round(time.Millisecond), total.Round(time.Millisecond), atomic.LoadUint64(&counter) > 0)
	if worst > 500*time.Millisecond || total > 30*time.Second {
		fmt.Println("preempt: too slow")
		os.Exit(1)
	}
	fmt.Println("preempt: all checks passed")
}

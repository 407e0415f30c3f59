// SPDX-License-Identifier: ISC

// Guest test goroutines: the scheduler, locks, timers and the garbage
// collector under load.  Every check prints "ok ..." or "FAIL ..."; any
// failure exits 1.  The "checksum:" line depends only on the computation,
// so tests/run compares it with a native run of the same program.
package main

import (
	"fmt"
	"hash/fnv"
	"os"
	"runtime"
	"runtime/metrics"
	"sync"
	"time"
)

const (
	nGoroutines  = 10000
	timerPeriod  = 10 * time.Millisecond
	timerLate    = 50 * time.Millisecond // the most a timer may be late
	allocTotal   = 1<<30 + 64<<20        // bytes allocated in all
	allocChunk   = 1 << 20
	allocLiveMax = 64 << 20 // the live heap must stay below this
	// and the heap in use, garbage included, below this (the VM has 256)
	allocInUseMax = 160 << 20
)

var failed bool

func check(ok bool, format string, a ...any) {
	msg := fmt.Sprintf(format, a...)
	if ok {
		fmt.Println("ok", msg)
	} else {
		fmt.Println("FAIL", msg)
		failed = true
	}
}

// work is what each goroutine computes: deterministic, a little costly.
func work(i int) uint64 {
	h := fnv.New64a()
	for j := 0; j < 16; j++ {
		h.Write([]byte{byte(i), byte(i >> 8), byte(j)})
	}
	return h.Sum64()
}

// fanOut starts nGoroutines goroutines that each send one result on a
// channel, and folds the results in index order.
func fanOut() uint64 {
	type result struct {
		i int
		v uint64
	}
	ch := make(chan result, 64)
	var wg sync.WaitGroup
	for i := 0; i < nGoroutines; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			ch <- result{i, work(i)}
		}(i)
	}
	go func() {
		wg.Wait()
		close(ch)
	}()
	vals := make([]uint64, nGoroutines)
	n := 0
	for r := range ch {
		vals[r.i] = r.v
		n++
	}
	check(n == nGoroutines, "%d goroutines reported over a channel (want %d)", n, nGoroutines)
	var sum uint64
	for i, v := range vals {
		sum = sum*31 + v + uint64(i)
	}
	return sum
}

// contended hammers one sync.Mutex from several goroutines, each of which
// yields while holding it now and then.
func contended() uint64 {
	var mu sync.Mutex
	var wg sync.WaitGroup
	counter, order := 0, uint64(0)
	const workers, rounds = 16, 5000
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for r := 0; r < rounds; r++ {
				mu.Lock()
				counter++
				order += uint64(w*rounds + r)
				if r%500 == 0 {
					runtime.Gosched()
				}
				mu.Unlock()
			}
		}(w)
	}
	wg.Wait()
	check(counter == workers*rounds, "contended mutex: counter %d (want %d)", counter, workers*rounds)
	return uint64(counter) ^ order
}

// onTime checks one timer: never early, late by at most timerLate.
func onTime(what string, want, got time.Duration) {
	check(got >= want && got <= want+timerLate, "%s: %v after %v (window %v..%v)", what, got.Round(time.Microsecond), want, want, want+timerLate)
}

func timers() {
	for i := 0; i < 3; i++ {
		t0 := time.Now()
		time.Sleep(timerPeriod)
		onTime("time.Sleep", timerPeriod, time.Since(t0))
	}
	for i := 0; i < 3; i++ {
		t0 := time.Now()
		<-time.After(timerPeriod)
		onTime("time.After", timerPeriod, time.Since(t0))
	}
	t0 := time.Now()
	tk := time.NewTicker(timerPeriod)
	for i := 1; i <= 10; i++ {
		<-tk.C
		onTime(fmt.Sprintf("time.Ticker tick %d", i), time.Duration(i)*timerPeriod, time.Since(t0))
	}
	tk.Stop()
}

// churn allocates allocTotal bytes in allocChunk pieces, keeping only a
// small ring of them alive, and folds their contents into a checksum.
// The collector must keep up: the live heap stays small, and so does the
// heap in use (HeapAlloc, garbage included) within the VM's memory.
func churn() uint64 {
	var before, ms runtime.MemStats
	runtime.ReadMemStats(&before)
	var ring [8][]byte
	var sum uint64
	var peak, inuse uint64
	// The live heap is what the last collection marked reachable
	// (HeapAlloc also counts garbage not yet swept, which legitimately
	// reaches the GC goal and beyond while marking runs behind).
	live := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	for n := 0; n*allocChunk < allocTotal; n++ {
		b := make([]byte, allocChunk)
		for off := 0; off < len(b); off += 4096 {
			b[off] = byte(n + off/4096)
		}
		ring[n%len(ring)] = b
		old := ring[(n+1)%len(ring)]
		if old != nil {
			for off := 0; off < len(old); off += 4096 {
				sum = sum*1099511628211 + uint64(old[off])
			}
		}
		if n%64 == 0 {
			runtime.ReadMemStats(&ms)
			inuse = max(inuse, ms.HeapAlloc)
			metrics.Read(live)
			if v := live[0].Value.Uint64(); v > peak {
				peak = v
			}
		}
	}
	runtime.GC()
	runtime.ReadMemStats(&ms)
	total := ms.TotalAlloc - before.TotalAlloc
	check(total > 1<<30, "allocated %d MiB in all (want more than 1024)", total>>20)
	check(peak < allocLiveMax, "live heap peaked at %d MiB (want under %d)", peak>>20, allocLiveMax>>20)
	check(ms.HeapAlloc < allocLiveMax, "live heap after runtime.GC: %d MiB", ms.HeapAlloc>>20)
	check(inuse < allocInUseMax, "heap in use peaked at %d MiB (want under %d)", inuse>>20, allocInUseMax>>20)
	check(ms.NumGC > before.NumGC, "the collector ran %d times", ms.NumGC-before.NumGC)
	return sum
}

func main() {
	a := fanOut()
	b := contended()
	timers()
	c := churn()
	runtime.GC()
	fmt.Printf("checksum: %016x %016x %016x\n", a, b, c)
	if failed {
		fmt.Println("goroutines: FAILED")
		os.Exit(1)
	}
	fmt.Println("goroutines: all checks passed")
}

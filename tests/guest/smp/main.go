// smp: every vCPU runs Go.  Under -smp 4: runtime.NumCPU() and the
// default GOMAXPROCS are 4; an integer computation spread over all CPUs
// and a float/SSE-heavy one on many goroutines (half of them locked to
// their own OS thread, so there are more threads than CPUs and the
// scheduler switches them preemptively, saving XSAVE state) give the same
// checksums as a native run.  The checksum lines do not depend on the CPU
// count; the NumCPU line is checked against the -ncpu argument.
package main

import (
	"flag"
	"fmt"
	"hash/fnv"
	"math"
	"os"
	"runtime"
	"sync"
	"time"
)

var failed bool

func check(ok bool, format string, args ...any) {
	if ok {
		fmt.Printf("ok "+format+"\n", args...)
	} else {
		fmt.Printf("FAIL "+format+"\n", args...)
		failed = true
	}
}

// intWork hashes a block of numbers; the blocks are independent.
func intWork(block int) uint64 {
	h := fnv.New64a()
	var buf [8]byte
	x := uint64(block)*0x9e3779b97f4a7c15 + 1
	for i := 0; i < 20000; i++ {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		for j := range buf {
			buf[j] = byte(x >> (8 * j))
		}
		h.Write(buf[:])
	}
	return h.Sum64()
}

// floatWork runs a float64 recurrence with sqrt, exp, log and division,
// whose result depends on every intermediate bit.
func floatWork(seed int) float64 {
	a := 1.0 + float64(seed)/1000
	b := 0.5
	s := 0.0
	for i := 1; i <= 40000; i++ {
		a = math.Sqrt(a*a+b) / (1 + 1/float64(i))
		b = math.Exp(-a/float64(i)) + math.Log1p(b)
		s += a*b - math.Floor(a*b)
		if b > 1e6 {
			b = 1 / b
		}
	}
	return s
}

func parallel(n int, locked bool, f func(i int)) {
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			if locked && i%2 == 0 {
				runtime.LockOSThread()
				defer runtime.UnlockOSThread()
			}
			f(i)
		}(i)
	}
	wg.Wait()
}

func main() {
	ncpu := flag.Int("ncpu", 0, "expected CPU count (0: do not check)")
	bench := flag.Int("bench", 0, "only time this many blocks of intWork over all CPUs")
	flag.Parse()
	if *bench > 0 {
		start := time.Now()
		ints := make([]uint64, *bench)
		parallel(*bench, false, func(i int) { ints[i] = intWork(i) })
		fmt.Printf("bench: %d blocks on %d CPUs in %.3f s\n", *bench,
			runtime.NumCPU(), time.Since(start).Seconds())
		return
	}
	if *ncpu > 0 {
		check(runtime.NumCPU() == *ncpu, "runtime.NumCPU() = %d (want %d)",
			runtime.NumCPU(), *ncpu)
		check(runtime.GOMAXPROCS(0) == *ncpu, "default GOMAXPROCS = %d (want %d)",
			runtime.GOMAXPROCS(0), *ncpu)
	}

	const nInt = 64
	ints := make([]uint64, nInt)
	parallel(nInt, false, func(i int) { ints[i] = intWork(i) })
	var isum uint64
	for i, v := range ints {
		isum = isum*31 + v + uint64(i)
	}

	const nFloat = 48
	floats := make([]float64, nFloat)
	parallel(nFloat, true, func(i int) { floats[i] = floatWork(i) })
	var fsum uint64
	for _, v := range floats {
		fsum = fsum*1099511628211 ^ math.Float64bits(v)
	}

	fmt.Printf("checksum: int %016x float %016x\n", isum, fsum)
	if failed {
		fmt.Println("smp: FAILED")
		os.Exit(1)
	}
	fmt.Println("smp: all checks passed")
}

// SPDX-License-Identifier: ISC

// Guest test pprof: runtime/pprof's CPU profile over a busy function.
// setitimer(ITIMER_PROF) makes the runtime post SIGPROF every 10 ms of
// CPU time; Go's handler records a stack sample.  The profile is printed
// base64-encoded between BEGIN/END PPROF lines; tests/run decodes it and
// checks `go tool pprof -top`'s first entry (test.conf "pprof:").
package main

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"os"
	"runtime/pprof"
	"time"
)

var sink uint64

//go:noinline
func busyLoop(n int) uint64 {
	x := uint64(1)
	for i := 0; i < n; i++ {
		x = x*6364136223846793005 + 1442695040888963407
		x ^= x >> 17
	}
	return x
}

func main() {
	var buf bytes.Buffer
	if err := pprof.StartCPUProfile(&buf); err != nil {
		fmt.Println("pprof: StartCPUProfile:", err)
		os.Exit(1)
	}
	deadline := time.Now().Add(3 * time.Second)
	for time.Now().Before(deadline) {
		sink += busyLoop(200000)
	}
	pprof.StopCPUProfile()
	fmt.Println("pprof: profile of", buf.Len(), "bytes")
	enc := base64.StdEncoding.EncodeToString(buf.Bytes())
	fmt.Println("-----BEGIN PPROF-----")
	for len(enc) > 76 {
		fmt.Println(enc[:76])
		enc = enc[76:]
	}
	fmt.Println(enc)
	fmt.Println("-----END PPROF-----")
}

// Command hello is the first program a vmgo newcomer boots.
package main

import (
	"fmt"
	"os"
	"runtime"
)

func main() {
	fmt.Printf("Hello from vmgo: Go %s on %s/%s, %d CPU(s)\n",
		runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.NumCPU())
	if len(os.Args) > 1 {
		fmt.Println("arguments:", os.Args[1:])
	}
}

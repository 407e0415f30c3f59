// SPDX-License-Identifier: ISC

// Guest test cgoabort: user cgo code built by vmgo-cc runs, and its
// abort() raises SIGABRT like OpenBSD's, so Go's handler prints its
// "SIGABRT: abort" traceback and exits 2, as it does on Linux.
package main

/*
#include <stdlib.h>

static int twice(int x) { return 2 * x; }
static void die(void) { abort(); }
*/
import "C"
import "fmt"

func main() {
	fmt.Println("cgo twice(21) =", C.twice(21))
	C.die()
	fmt.Println("abort returned")
}

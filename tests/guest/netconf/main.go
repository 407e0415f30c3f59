// netconf: the network configuration from the command line reaches the
// console (interfaces with vmgo.verbose=1, malformed keys named) and the
// /etc files Go's resolver reads.
package main

import (
	"fmt"
	"os"
	"strings"
)

func dump(path, prefix string) {
	b, err := os.ReadFile(path)
	if err != nil {
		fmt.Printf("%s: %v\n", path, err)
		os.Exit(1)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Size() != int64(len(b)) {
		fmt.Printf("%s: stat size %v, read %d bytes (%v)\n", path, fi.Size(), len(b), err)
		os.Exit(1)
	}
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		fmt.Printf("%s: %s\n", prefix, l)
	}
}

func main() {
	dump("/etc/resolv.conf", "resolv")
	dump("/etc/hosts", "hosts")
	fmt.Println("netconf: done")
}

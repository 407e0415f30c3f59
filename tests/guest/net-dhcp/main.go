// net-dhcp: the virtio-net NIC the runtime's driver sets up gets its
// address from QEMU user networking's DHCP server (10.0.2.15).  The
// runtime reports the device and the lease on the console (vmgo.verbose=1)
// and the program lists the interfaces as Go's net package sees them;
// test.conf checks both.
package main

import (
	"fmt"
	"net"
	"os"
)

func main() {
	ifs, err := net.Interfaces()
	if err != nil {
		fmt.Println("net-dhcp: net.Interfaces:", err)
		os.Exit(1)
	}
	for _, ifc := range ifs {
		addrs, err := ifc.Addrs()
		if err != nil {
			fmt.Printf("net-dhcp: %s: %v\n", ifc.Name, err)
			os.Exit(1)
		}
		for _, a := range addrs {
			fmt.Printf("net-dhcp: %s %s %s\n", ifc.Name, ifc.HardwareAddr, a)
		}
	}
	fmt.Println("net-dhcp: done")
}

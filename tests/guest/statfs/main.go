// Command statfs checks syscall.Getfsstat and syscall.Statfs: the
// runtime's mounts with their type names, read-only flags and /tmp's
// size, and the file system a path is on.
package main

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

const (
	mntNowait = 2          // OpenBSD <sys/mount.h> MNT_NOWAIT
	mntRdonly = 0x00000001 // MNT_RDONLY
)

var failed int

func check(ok bool, format string, args ...any) {
	if !ok {
		failed++
		fmt.Printf("FAIL: "+format+"\n", args...)
	}
}

func str(b []int8) string {
	s := make([]byte, 0, len(b))
	for _, c := range b {
		if c == 0 {
			break
		}
		s = append(s, byte(c))
	}
	return string(s)
}

func main() {
	n, err := syscall.Getfsstat(nil, mntNowait)
	check(err == nil && n >= 3, "Getfsstat(nil) = %d, %v", n, err)
	all := make([]syscall.Statfs_t, n+2)
	n2, err := syscall.Getfsstat(all, mntNowait)
	check(err == nil && n2 == n, "Getfsstat(%d slots) = %d, %v", len(all), n2, err)
	types := map[string]string{}
	for _, sf := range all[:n2] {
		on, typ := str(sf.F_mntonname[:]), str(sf.F_fstypename[:])
		types[on] = typ
		check(sf.F_bsize == 4096 && sf.F_namemax == 255, "%s: bsize %d namemax %d", on, sf.F_bsize, sf.F_namemax)
		switch on {
		case "/tmp":
			check(sf.F_flags&mntRdonly == 0, "/tmp read-only")
			check(sf.F_blocks > 0 && sf.F_bfree <= sf.F_blocks, "/tmp blocks %d free %d", sf.F_blocks, sf.F_bfree)
		case "/", "/dev":
			check(sf.F_flags&mntRdonly != 0, "%s not read-only", on)
		}
	}
	check(types["/tmp"] == "tmpfs" && types["/dev"] == "devfs" && types["/"] != "", "mounts %v", types)
	one := make([]syscall.Statfs_t, 1)
	n3, err := syscall.Getfsstat(one, mntNowait)
	check(err == nil && n3 == 1, "Getfsstat(1 slot) = %d, %v", n3, err)

	var sf syscall.Statfs_t
	var before syscall.Statfs_t
	check(syscall.Statfs("/tmp", &before) == nil, "Statfs /tmp")
	os.WriteFile("/tmp/big", make([]byte, 1<<20), 0644)
	err = syscall.Statfs("/tmp/big", &sf)
	check(err == nil && str(sf.F_fstypename[:]) == "tmpfs" && str(sf.F_mntonname[:]) == "/tmp", "Statfs /tmp/big: %v %q", err, str(sf.F_fstypename[:]))
	check(sf.F_bfree+256 <= before.F_bfree, "1 MiB in /tmp: free blocks %d -> %d", before.F_bfree, sf.F_bfree)
	err = syscall.Statfs("/dev/null", &sf)
	check(err == nil && str(sf.F_fstypename[:]) == "devfs", "Statfs /dev/null: %v", err)
	err = syscall.Statfs("/etc/hosts", &sf)
	check(err == nil && str(sf.F_mntonname[:]) == "/", "Statfs /etc/hosts: %v %q", err, str(sf.F_mntonname[:]))
	err = syscall.Statfs("/no/such", &sf)
	check(errors.Is(err, syscall.ENOENT), "Statfs /no/such: %v", err)
	if failed > 0 {
		fmt.Printf("statfs: %d checks failed\n", failed)
		os.Exit(1)
	}
	fmt.Println("statfs: all checks passed")
}

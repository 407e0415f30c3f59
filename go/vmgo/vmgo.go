// SPDX-License-Identifier: ISC

//go:build vmgo

package vmgo

/*
#include <vmgo/api.h>
*/
import "C"

import (
	"io/fs"
	"strings"
	"syscall"
	"time"
	"unsafe"
)

// AddFile makes a read-only regular file at path (absolute, or relative
// to the working directory) holding a copy of data, with the permission
// bits of mode (and its setuid, setgid and sticky bits) and the current
// time as its modification time.  From then on os.Open, os.ReadFile,
// os.Stat, os.ReadDir, filepath.WalkDir and the rest see it like an
// embedded file.
//
// Missing parent directories are created (mode 0755).  A file or symlink
// already at path, embedded in the image or added before, is replaced
// (files open on it keep their old contents); a directory there is an
// error (EISDIR).  Files live in memory until the VM ends; they cannot be
// written or removed.  Paths in /tmp and /dev fail with EXDEV: /tmp is
// writable, use os.WriteFile there.  Errors are *fs.PathError with
// Op "addfile" and a syscall.Errno.
func AddFile(path string, data []byte, mode fs.FileMode) error {
	const special = fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky
	if mode&^(fs.ModePerm|special) != 0 || strings.IndexByte(path, 0) >= 0 {
		return &fs.PathError{Op: "addfile", Path: path, Err: syscall.EINVAL}
	}
	perm := uint32(mode.Perm())
	if mode&fs.ModeSetuid != 0 {
		perm |= syscall.S_ISUID
	}
	if mode&fs.ModeSetgid != 0 {
		perm |= syscall.S_ISGID
	}
	if mode&fs.ModeSticky != 0 {
		perm |= syscall.S_ISVTX
	}
	cpath := append([]byte(path), 0)
	var p unsafe.Pointer
	if len(data) > 0 {
		p = unsafe.Pointer(&data[0])
	}
	r := C.vmgo_add_file((*C.char)(unsafe.Pointer(&cpath[0])), p,
		C.size_t(len(data)), C.uint32_t(perm))
	if r < 0 {
		return &fs.PathError{Op: "addfile", Path: path, Err: syscall.Errno(-r)}
	}
	return nil
}

// TraceOpens turns the open trace on or off.  While it is on, every open
// the program makes (os.Open, os.Create, os.ReadFile, os.ReadDir...)
// prints one line on the console:
//
//	vmgo: open(/srv/static/index.html, O_RDONLY|O_CLOEXEC) = 5
//	vmgo: open(/missing, O_RDONLY|O_CLOEXEC) = -1 ENOENT
func TraceOpens(on bool) {
	v := C.int(0)
	if on {
		v = 1
	}
	C.vmgo_trace_opens(v)
}

// Files lists the entries of the file table embedded in the image, in
// table order (breadth first, names sorted within a directory), without
// the root directory: regular files, directories and symlinks with their
// sizes, modes and modification times as packed from the host.  Files
// added with AddFile are not listed.  An image without a usable table
// gives an empty list.
func Files() ([]FileInfo, error) {
	var out []FileInfo
	buf := make([]byte, 1024) // OpenBSD PATH_MAX
	for i := 1; ; i++ {
		var fi C.struct_vmgo_file_info
		r := C.vmgo_file_entry(C.uint32_t(i),
			(*C.char)(unsafe.Pointer(&buf[0])), C.size_t(len(buf)), &fi)
		if r == -C.int(syscall.ENOENT) {
			return out, nil
		}
		if r < 0 {
			return out, syscall.Errno(-r)
		}
		n := 0
		for n < len(buf) && buf[n] != 0 {
			n++
		}
		out = append(out, FileInfo{
			Path:    string(buf[:n]),
			Size:    int64(fi.size),
			Mode:    fileMode(uint32(fi.mode)),
			ModTime: time.Unix(int64(fi.mtime_sec), int64(fi.mtime_nsec)),
		})
	}
}

// fileMode converts an OpenBSD st_mode to an fs.FileMode.
func fileMode(m uint32) fs.FileMode {
	mode := fs.FileMode(m & 0777)
	switch m & syscall.S_IFMT {
	case syscall.S_IFDIR:
		mode |= fs.ModeDir
	case syscall.S_IFLNK:
		mode |= fs.ModeSymlink
	}
	if m&syscall.S_ISUID != 0 {
		mode |= fs.ModeSetuid
	}
	if m&syscall.S_ISGID != 0 {
		mode |= fs.ModeSetgid
	}
	if m&syscall.S_ISVTX != 0 {
		mode |= fs.ModeSticky
	}
	return mode
}

// PowerOff ends the VM at once with exit status status&0xff (what vmgo
// run and QEMU report).  Nothing is flushed or run first: no deferred
// calls, no atexit handlers, no buffered writers the program holds (the
// console itself is unbuffered, so what was written reached it).
func PowerOff(status int) {
	C.vmgo_poweroff(C.int(status))
	panic("vmgo: PowerOff returned")
}

// SPDX-License-Identifier: ISC

// Package vmgo gives a program built with GOOS=vmgo what the operating
// system around an ordinary process would: files added at run time, a
// trace of every open on the console, the list of the files embedded in
// the image, and powering the VM off with an exit status.
//
// Import path vmgo.dev/vmgo.  The package ships with vmgo (make install
// puts it in PREFIX/lib/vmgo/go/vmgo; in a build tree it is
// build/lib/vmgo/go/vmgo) and is not fetched from the network: a user's
// go.mod names the installed copy with a replace directive,
//
//	require vmgo.dev/vmgo v0.0.0
//	replace vmgo.dev/vmgo => /usr/local/lib/vmgo/go/vmgo
//
// Under GOOS=vmgo (the go shim's build tag vmgo) the functions call the
// runtime through cgo (include/vmgo/api.h, compiled by vmgo-cc).  Built
// for any other target the package compiles without cgo: AddFile and
// Files return ErrNotVmgo, TraceOpens does nothing and PowerOff calls
// os.Exit, so a program that uses it still builds, vets and tests on the
// host.
package vmgo

import (
	"errors"
	"io/fs"
	"time"
)

// ErrNotVmgo is returned by AddFile and Files when the program was not
// built with GOOS=vmgo.
var ErrNotVmgo = errors.New("vmgo: not running under vmgo")

// FileInfo describes one entry of the file table embedded in the image
// (VMGO_FILES, vmgo-link -files and the default files; docs/files.md).
type FileInfo struct {
	Path    string      // absolute path in the guest, e.g. "/etc/hosts"
	Size    int64       // bytes (a symlink: its target's length; a directory: 0)
	Mode    fs.FileMode // type (ModeDir, ModeSymlink or regular) and permissions
	ModTime time.Time   // modification time, from the host file
}

// SPDX-License-Identifier: ISC

//go:build !vmgo

package vmgo

import (
	"io/fs"
	"os"
)

// AddFile needs the vmgo runtime: elsewhere it returns ErrNotVmgo.
func AddFile(path string, data []byte, mode fs.FileMode) error {
	return &fs.PathError{Op: "addfile", Path: path, Err: ErrNotVmgo}
}

// TraceOpens needs the vmgo runtime: elsewhere it does nothing.
func TraceOpens(on bool) {}

// Files needs the vmgo runtime: elsewhere it returns ErrNotVmgo.
func Files() ([]FileInfo, error) {
	return nil, ErrNotVmgo
}

// PowerOff outside vmgo ends the process with os.Exit(status).
func PowerOff(status int) {
	os.Exit(status)
}

// SPDX-License-Identifier: ISC

package vmgo_test

import (
	"fmt"
	"os"

	"vmgo.dev/vmgo"
)

// A configuration file made at run time, read back like any other file.
func ExampleAddFile() {
	if err := vmgo.AddFile("/etc/app/config.json", []byte(`{"debug":true}`), 0644); err != nil {
		fmt.Println(err)
		return
	}
	data, err := os.ReadFile("/etc/app/config.json")
	fmt.Println(string(data), err)
}

// The embedded files and their sizes.
func ExampleFiles() {
	files, err := vmgo.Files()
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range files {
		if f.Mode.IsRegular() {
			fmt.Println(f.Path, f.Size)
		}
	}
}

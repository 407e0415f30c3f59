// SPDX-License-Identifier: ISC

// Command vmgo boots vmgo images under QEMU and reports its set-up.
//
//	vmgo run [options] IMAGE [KEY=VALUE ...] [-- ARG ...]
//	vmgo exec [options] IMAGE [ARG ...]
//	vmgo env
//	vmgo help [run|env]
//
// Building is the go command's job: PATH=<vmgo>/bin:$PATH GOOS=vmgo go build.
// See docs/tools.md.
package main

import (
	"fmt"
	"os"
)

const mainUsage = `vmgo boots Go programs built with GOOS=vmgo as virtual machines.

usage:
  vmgo run [options] IMAGE [KEY=VALUE ...] [-- ARG ...]   boot IMAGE under QEMU
  vmgo exec [options] IMAGE [ARG ...]      the same, every word an argument
  vmgo env                                 show QEMU, accelerator, Go, runtime
  vmgo help [run|env]

build an image: PATH=<vmgo>/bin:$PATH GOOS=vmgo go build -o app.img .
`

// fail prints "vmgo: MESSAGE" and returns VMGO_EXIT_HOST.
func fail(format string, a ...any) int {
	fmt.Fprintf(os.Stderr, "vmgo: "+format+"\n", a...)
	return exitHost
}

func main() {
	os.Exit(vmgoMain(os.Args[1:]))
}

func vmgoMain(argv []string) int {
	if len(argv) == 0 {
		fmt.Fprint(os.Stderr, mainUsage)
		return exitHost
	}
	switch argv[0] {
	case "run":
		return cmdRun(argv[0], argv[1:])
	case "exec":
		return cmdExec(argv[1:])
	case "env":
		return cmdEnv(argv[1:])
	case "help", "-h", "-help", "--help":
		if len(argv) > 1 {
			switch argv[1] {
			case "run", "exec":
				parseRun(argv[1], []string{"-h"}, os.Stdout)
				return 0
			case "env":
				fmt.Print("usage: vmgo env\n\nPrints, in shell syntax, the QEMU binary and version, the accelerator vmgo run\nwould use and why, the real go behind the go shim, and the runtime directory.\n")
				return 0
			}
		}
		fmt.Print(mainUsage)
		return 0
	}
	fmt.Fprint(os.Stderr, mainUsage)
	return fail("unknown command %q", argv[0])
}

// SPDX-License-Identifier: ISC

// env.go: vmgo env, and finding the pieces vmgo works with.

package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// shimMarker is in the first lines of tools/go: a go on PATH that has it is
// vmgo's shim, not the real go.
const shimMarker = "vmgo go shim marker"

// selfDir is the directory of the vmgo binary, symlinks resolved.
func selfDir() string {
	exe, err := os.Executable()
	if err != nil {
		return "."
	}
	if r, err := filepath.EvalSymlinks(exe); err == nil {
		exe = r
	}
	return filepath.Dir(exe)
}

// libDir is ../lib/vmgo next to the binary (build/ and PREFIX/ alike).
func libDir() string {
	return filepath.Clean(filepath.Join(selfDir(), "..", "lib", "vmgo"))
}

func isShim(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, 512)
	n, _ := io.ReadFull(f, head)
	return bytes.Contains(head[:n], []byte(shimMarker))
}

// findRealGo follows the shim's rule: $VMGO_REAL_GO, else the first go on
// PATH that is not the shim, else the newest /usr/lib/go-1.NN/bin/go.
func findRealGo() (string, error) {
	if g := os.Getenv("VMGO_REAL_GO"); g != "" {
		return g, nil
	}
	for _, dir := range filepath.SplitList(os.Getenv("PATH")) {
		if dir == "" {
			dir = "."
		}
		p := filepath.Join(dir, "go")
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() && st.Mode()&0o111 != 0 && !isShim(p) {
			return p, nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/go-1.*")
	sort.Slice(dirs, func(i, j int) bool { return goMinor(dirs[i]) > goMinor(dirs[j]) })
	for _, d := range dirs {
		if goMinor(d) >= 21 {
			if _, err := os.Stat(filepath.Join(d, "bin", "go")); err == nil {
				return filepath.Join(d, "bin", "go"), nil
			}
		}
	}
	return "", fmt.Errorf("no Go toolchain: install Go 1.21 or newer (apt-get install -t bookworm-backports golang-1.23-go, or run tools/setup)")
}

// goMinor is NN of a /usr/lib/go-1.NN directory, or -1.
func goMinor(dir string) int {
	n, err := strconv.Atoi(strings.TrimPrefix(filepath.Base(dir), "go-1."))
	if err != nil {
		return -1
	}
	return n
}

func goVersion(goPath string) string {
	cmd := exec.Command(goPath, "env", "GOVERSION")
	cmd.Env = append(os.Environ(), "GOOS=", "GOARCH=", "GOFLAGS=")
	out, err := cmd.Output()
	if err != nil {
		return "unknown (" + err.Error() + ")"
	}
	return strings.TrimSpace(string(out))
}

// cmdEnv prints what vmgo run and the go shim would use, in the shell
// syntax go env uses.
func cmdEnv(argv []string) int {
	if len(argv) > 0 {
		return fail("vmgo env takes no arguments")
	}
	var lines [][2]string
	add := func(k, v string) { lines = append(lines, [2]string{k, v}) }

	dir := selfDir()
	lib := libDir()
	add("VMGO_BIN", dir)
	add("VMGO_LIBDIR", lib)
	var missing []string
	for _, f := range []string{"vmgo.o", "vmgo.ld", "include"} {
		if _, err := os.Stat(filepath.Join(lib, f)); err != nil {
			missing = append(missing, f)
		}
	}
	if len(missing) > 0 {
		add("VMGO_LIB_MISSING", strings.Join(missing, " ")+" (run make)")
	}

	q, err := findQEMU()
	if err != nil {
		add("VMGO_QEMU", "")
		add("VMGO_QEMU_ERROR", err.Error())
	} else {
		add("VMGO_QEMU", q.path)
		if err := q.loadVersion(); err != nil {
			add("VMGO_QEMU_VERSION", "unknown ("+err.Error()+")")
		} else {
			add("VMGO_QEMU_VERSION", q.version)
		}
		add("VMGO_MICROVM", strconv.FormatBool(q.hasMachine("microvm")))
		// vmgo run and vmgo exec share the default network (net.go);
		// it needs a QEMU built with user networking (libslirp).
		add("VMGO_NET", "user")
		add("VMGO_NET_USER", strconv.FormatBool(q.hasNetdev("user")))
		want := os.Getenv("VMGO_ACCEL")
		if want == "" {
			want = "auto"
		}
		add("VMGO_ACCEL", want)
		if ac, err := chooseAccel(want, defaultHost(), q, ""); err != nil {
			add("VMGO_ACCEL_USED", "error: "+err.Error())
		} else {
			add("VMGO_ACCEL_USED", ac.accel)
			add("VMGO_ACCEL_REASON", ac.reason)
		}
	}

	g, err := findRealGo()
	if err != nil {
		add("VMGO_REAL_GO", "")
		add("VMGO_REAL_GO_ERROR", err.Error())
	} else {
		add("VMGO_REAL_GO", g)
		add("VMGO_GO_VERSION", goVersion(g))
	}
	for _, l := range lines {
		fmt.Printf("%s=%s\n", l[0], shellQuote([]string{l[1]}))
	}
	return 0
}

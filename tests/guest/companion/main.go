// SPDX-License-Identifier: ISC

// companion: checks the companion package vmgo.dev/vmgo in the guest.
// testdata/ is embedded twice: in the image's file table at
// /srv/companion (test.conf) and in the binary (go:embed), so the guest
// knows the host's contents.  Ends with vmgo.PowerOff(7).
package main

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"

	"vmgo.dev/vmgo"
)

//go:embed testdata
var host embed.FS

var failed bool

func fail(format string, args ...any) {
	fmt.Printf("companion: FAIL: "+format+"\n", args...)
	failed = true
}

func wantErrno(what string, err error, want syscall.Errno) {
	if !errors.Is(err, want) {
		fail("%s: got %v, want %v", what, err, want)
	}
}

// checkFiles compares vmgo.Files with the embedded copy of testdata and
// with what os.Lstat says about the same paths.
func checkFiles() {
	files, err := vmgo.Files()
	if err != nil {
		fail("Files: %v", err)
		return
	}
	seen := map[string]vmgo.FileInfo{}
	for _, f := range files {
		seen[f.Path] = f
		if f.Path == "/" || !strings.HasPrefix(f.Path, "/") {
			fail("Files: bad path %q", f.Path)
		}
	}
	// The default files are there too.
	for _, p := range []string{"/etc", "/etc/services"} {
		if _, ok := seen[p]; !ok {
			fail("Files: %s missing", p)
		}
	}
	n := 0
	err = fs.WalkDir(host, "testdata", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		guest := "/srv/companion" + strings.TrimPrefix(p, "testdata")
		f, ok := seen[guest]
		if !ok {
			fail("Files: %s missing", guest)
			return nil
		}
		n++
		st, err := os.Lstat(guest)
		if err != nil {
			fail("Lstat %s: %v", guest, err)
			return nil
		}
		if f.Mode != st.Mode() || !f.ModTime.Equal(st.ModTime()) {
			fail("Files %s: mode %v time %v; Lstat: %v %v", guest,
				f.Mode, f.ModTime, st.Mode(), st.ModTime())
		}
		if d.IsDir() {
			if !f.Mode.IsDir() || f.Size != 0 {
				fail("Files %s: %v size %d, want a directory", guest, f.Mode, f.Size)
			}
			return nil
		}
		data, _ := host.ReadFile(p)
		if !f.Mode.IsRegular() || f.Size != int64(len(data)) || st.Size() != f.Size {
			fail("Files %s: %v size %d, want a file of %d", guest, f.Mode, f.Size, len(data))
		}
		return nil
	})
	if err != nil || n != 4 {
		fail("Files: walked %d testdata entries (%v), want 4", n, err)
	}
	if f := seen["/srv/companion/sub/notes.md"]; f.Mode.Perm()&0400 == 0 || f.ModTime.Year() < 2000 {
		fail("Files: notes.md mode %v time %v", f.Mode, f.ModTime)
	}
	fmt.Println("companion: Files ok")
}

func names(dir string) []string {
	ents, err := os.ReadDir(dir)
	if err != nil {
		fail("ReadDir %s: %v", dir, err)
	}
	var out []string
	for _, e := range ents {
		out = append(out, e.Name())
	}
	return out
}

func has(list []string, name string) int {
	n := 0
	for _, s := range list {
		if s == name {
			n++
		}
	}
	return n
}

func checkAddFile() {
	conf := []byte(`{"listen": ":8080"}` + "\n")

	// A new file in a new directory.
	if err := vmgo.AddFile("/etc/app/config.json", conf, 0640); err != nil {
		fail("AddFile: %v", err)
		return
	}
	got, err := os.ReadFile("/etc/app/config.json")
	if err != nil || !bytes.Equal(got, conf) {
		fail("ReadFile: %q, %v", got, err)
	}
	st, err := os.Stat("/etc/app/config.json")
	if err != nil || st.Size() != int64(len(conf)) || st.Mode() != 0640 {
		fail("Stat: %v, %v", st, err)
	} else if d := st.ModTime(); d.Year() < 2020 {
		fail("Stat: mtime %v", d)
	}
	dst, err := os.Stat("/etc/app")
	if err != nil || dst.Mode() != fs.ModeDir|0755 {
		fail("Stat /etc/app: %v, %v", dst, err)
	}
	if l := names("/etc/app"); len(l) != 1 || l[0] != "config.json" {
		fail("ReadDir /etc/app: %v", l)
	}
	etc := names("/etc")
	if has(etc, "app") != 1 || has(etc, "hosts") != 1 || has(etc, "services") != 1 {
		fail("ReadDir /etc: %v", etc)
	}
	if !sort.StringsAreSorted(etc) {
		fail("ReadDir /etc not sorted: %v", etc)
	}

	// A relative path, deeper, next to the first.
	if err := os.Chdir("/etc/app"); err != nil {
		fail("Chdir: %v", err)
	}
	if err := vmgo.AddFile("certs/extra/ca.pem", []byte("pem\n"), 0444); err != nil {
		fail("AddFile relative: %v", err)
	}
	os.Chdir("/")
	var walked []string
	filepath.WalkDir("/etc/app", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			fail("WalkDir %s: %v", p, err)
			return nil
		}
		walked = append(walked, p)
		return nil
	})
	want := "/etc/app /etc/app/certs /etc/app/certs/extra /etc/app/certs/extra/ca.pem /etc/app/config.json"
	if strings.Join(walked, " ") != want {
		fail("WalkDir: %v", walked)
	}
	// ".." from an added directory
	if st, err := os.Stat("/etc/app/certs/extra/../../config.json"); err != nil || st.Size() != int64(len(conf)) {
		fail("Stat with ..: %v", err)
	}

	// Replacing an embedded file; an open file keeps the old contents.
	old, err := os.Open("/srv/companion/hello.txt")
	if err != nil {
		fail("Open hello.txt: %v", err)
		return
	}
	defer old.Close()
	if err := vmgo.AddFile("/srv/companion/hello.txt", []byte("replaced\n"), 0600); err != nil {
		fail("AddFile over embedded: %v", err)
	}
	got, err = os.ReadFile("/srv/companion/hello.txt")
	if err != nil || string(got) != "replaced\n" {
		fail("ReadFile replaced: %q, %v", got, err)
	}
	orig, _ := host.ReadFile("testdata/hello.txt")
	if got, err = io.ReadAll(old); err != nil || !bytes.Equal(got, orig) {
		fail("old open file: %q, %v", got, err)
	}
	if l := names("/srv/companion"); strings.Join(l, " ") != "hello.txt sub" {
		fail("ReadDir /srv/companion: %v", l)
	}
	if st, err := os.Lstat("/srv/companion/hello.txt"); err != nil || st.Mode() != 0600 || st.Size() != 9 {
		fail("Lstat replaced: %v %v", st, err)
	}
	// And again, an added one (empty this time).
	if err := vmgo.AddFile("/etc/app/config.json", nil, 0644); err != nil {
		fail("AddFile again: %v", err)
	}
	if st, err := os.Stat("/etc/app/config.json"); err != nil || st.Size() != 0 {
		fail("Stat emptied: %v %v", st, err)
	}
	// A top-level file shows up in "/" next to the mount points.
	if err := vmgo.AddFile("/added", []byte("x"), 0644); err != nil {
		fail("AddFile /added: %v", err)
	}
	if root := names("/"); has(root, "added") != 1 || has(root, "tmp") != 1 || has(root, "etc") != 1 {
		fail("ReadDir /: %v", root)
	}

	// Errors.
	wantErrno("AddFile /tmp/x", vmgo.AddFile("/tmp/x", nil, 0644), syscall.EXDEV)
	wantErrno("AddFile onto a directory", vmgo.AddFile("/srv/companion/sub", nil, 0644), syscall.EISDIR)
	wantErrno("AddFile /etc/app/", vmgo.AddFile("/etc/app/", nil, 0644), syscall.EISDIR)
	wantErrno("AddFile below a file", vmgo.AddFile("/srv/companion/hello.txt/x", nil, 0644), syscall.ENOTDIR)
	wantErrno("AddFile bad mode", vmgo.AddFile("/x", nil, fs.ModeDir|0755), syscall.EINVAL)
	wantErrno("Remove added", os.Remove("/etc/app/config.json"), syscall.EROFS)
	wantErrno("Mkdir existing added dir", os.Mkdir("/etc/app", 0755), syscall.EEXIST)
	wantErrno("Create in added dir", os.WriteFile("/etc/app/new", nil, 0644), syscall.EROFS)
	_, err = os.Open("/etc/app/nothere")
	wantErrno("Open missing in added dir", err, syscall.ENOENT)
	_, err = os.OpenFile("/etc/app/config.json", os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0644)
	wantErrno("O_EXCL on added", err, syscall.EEXIST)
	fmt.Println("companion: AddFile ok")
}

func checkTrace() {
	vmgo.TraceOpens(true)
	f, err := os.Open("/srv/companion/hello.txt")
	if err == nil {
		f.Close()
	}
	os.Open("/srv/companion/missing")
	os.OpenFile("/etc/app/config.json", os.O_WRONLY, 0)
	vmgo.TraceOpens(false)
	os.Open("/srv/companion/untraced")
}

func main() {
	checkFiles()
	checkAddFile()
	checkTrace()
	if failed {
		os.Exit(1)
	}
	fmt.Println("companion: all checks passed")
	defer fmt.Println("companion: FAIL: deferred call ran after PowerOff")
	vmgo.PowerOff(7)
}

// Command tmp exercises the writable /tmp (tmpfs) and the file system
// calls: a 1,000-file workload, a directory tree walked with WalkDir,
// CreateTemp/MkdirTemp, a 64 MiB file, symlinks, attributes, the working
// directory and every errno the VFS promises.  With the argument
// "enospc" (and a small vmgo.tmpsize) it fills /tmp instead; with "cwd"
// it reports the working directory set by vmgo.cwd.
package main

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"
)

var failed int

func check(ok bool, format string, args ...any) {
	if !ok {
		failed++
		fmt.Printf("FAIL: "+format+"\n", args...)
	}
}

func must(err error, what string) {
	if err != nil {
		failed++
		fmt.Printf("FAIL: %s: %v\n", what, err)
	}
}

// wantErrno checks that err wraps errno.
func wantErrno(err error, errno syscall.Errno, what string) {
	if !errors.Is(err, errno) {
		failed++
		fmt.Printf("FAIL: %s: got %v, want %v\n", what, err, errno)
	}
}

func basics() {
	check(os.TempDir() == "/tmp", "TempDir %q", os.TempDir())
	st, err := os.Stat("/tmp")
	must(err, "stat /tmp")
	if err == nil {
		check(st.IsDir() && st.Mode()&fs.ModeSticky != 0 && st.Mode().Perm() == 0777,
			"/tmp mode %v", st.Mode())
	}
	ents, err := os.ReadDir("/")
	must(err, "ReadDir /")
	names := []string{}
	for _, e := range ents {
		names = append(names, e.Name())
	}
	s := strings.Join(names, " ")
	check(strings.Contains(s, "tmp") && strings.Contains(s, "dev"), "/ lists %q", s)
}

func thousandFiles() {
	dir := "/tmp/work"
	must(os.Mkdir(dir, 0755), "mkdir work")
	for i := 0; i < 1000; i++ {
		data := bytes.Repeat([]byte(fmt.Sprintf("file %d;", i)), i%50+1)
		must(os.WriteFile(fmt.Sprintf("%s/f%d", dir, i), data, 0644), "write")
	}
	ents, err := os.ReadDir(dir)
	must(err, "ReadDir work")
	check(len(ents) == 1000, "ReadDir: %d entries", len(ents))
	for i := 0; i < 1000; i++ {
		must(os.Rename(fmt.Sprintf("%s/f%d", dir, i), fmt.Sprintf("%s/g%d", dir, i)), "rename")
	}
	for i := 0; i < 1000; i++ {
		want := bytes.Repeat([]byte(fmt.Sprintf("file %d;", i)), i%50+1)
		got, err := os.ReadFile(fmt.Sprintf("%s/g%d", dir, i))
		must(err, "read back")
		if !bytes.Equal(got, want) {
			check(false, "g%d: %d bytes, want %d", i, len(got), len(want))
			break
		}
		st, err := os.Stat(fmt.Sprintf("%s/g%d", dir, i))
		if err != nil || st.Size() != int64(len(want)) || st.Mode().Perm() != 0644 {
			check(false, "stat g%d: %v %v", i, st, err)
			break
		}
	}
	_, err = os.Stat(dir + "/f1")
	wantErrno(err, syscall.ENOENT, "stat renamed-away name")
	for i := 0; i < 1000; i++ {
		must(os.Remove(fmt.Sprintf("%s/g%d", dir, i)), "remove")
	}
	ents, err = os.ReadDir(dir)
	check(err == nil && len(ents) == 0, "after remove: %d entries, %v", len(ents), err)
	must(os.Remove(dir), "remove work")
}

func tree() {
	root := "/tmp/tree"
	want := []string{}
	for _, d := range []string{"a", "a/b", "a/b/c", "d", "d/e"} {
		must(os.MkdirAll(filepath.Join(root, d), 0755), "MkdirAll")
		want = append(want, d+"/")
		for j := 0; j < 3; j++ {
			name := fmt.Sprintf("%s/x%d", d, j)
			must(os.WriteFile(filepath.Join(root, name), []byte(name), 0600), "tree file")
			want = append(want, name)
		}
	}
	got := []string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if rel == "." {
			return nil
		}
		if d.IsDir() {
			rel += "/"
		} else {
			b, err := os.ReadFile(p)
			if err != nil || string(b) != rel {
				return fmt.Errorf("content of %s: %q %v", rel, b, err)
			}
		}
		got = append(got, rel)
		return nil
	})
	must(err, "WalkDir")
	sort.Strings(want)
	check(strings.Join(got, ",") == strings.Join(want, ","), "WalkDir got %v", got)
	must(os.RemoveAll(root), "RemoveAll")
	_, err = os.Stat(root)
	wantErrno(err, syscall.ENOENT, "stat after RemoveAll")
}

func temps() {
	f, err := os.CreateTemp("", "ct-*.txt")
	must(err, "CreateTemp")
	if err == nil {
		check(strings.HasPrefix(f.Name(), "/tmp/ct-") && strings.HasSuffix(f.Name(), ".txt"),
			"CreateTemp name %q", f.Name())
		st, _ := f.Stat()
		check(st.Mode().Perm() == 0600, "CreateTemp mode %v", st.Mode())
		f.Close()
		must(os.Remove(f.Name()), "remove temp")
	}
	d, err := os.MkdirTemp("", "mt-")
	must(err, "MkdirTemp")
	if err == nil {
		st, _ := os.Stat(d)
		check(st.IsDir() && st.Mode().Perm() == 0700, "MkdirTemp mode %v", st.Mode())
		must(os.Remove(d), "remove temp dir")
	}
}

func fileOps() {
	f, err := os.OpenFile("/tmp/ops", os.O_RDWR|os.O_CREATE|os.O_EXCL, 0666)
	must(err, "create ops")
	if err != nil {
		return
	}
	defer os.Remove("/tmp/ops")
	st, _ := f.Stat()
	check(st.Mode().Perm() == 0644, "umask 022: mode %v", st.Mode())
	_, err = f.WriteString("0123456789")
	must(err, "write")
	off, err := f.Seek(3, io.SeekStart)
	check(off == 3 && err == nil, "seek %d %v", off, err)
	b := make([]byte, 4)
	n, _ := f.Read(b)
	check(n == 4 && string(b) == "3456", "read after seek %q", b[:n])
	off, _ = f.Seek(100, io.SeekEnd)
	check(off == 110, "seek past end %d", off)
	f.Write([]byte("Z"))
	st, _ = f.Stat()
	check(st.Size() == 111, "size after sparse write %d", st.Size())
	n, _ = f.ReadAt(b, 50)
	check(n == 4 && bytes.Equal(b, []byte{0, 0, 0, 0}), "hole reads zeros %v", b)
	must(f.Truncate(5), "Truncate")
	st, _ = f.Stat()
	check(st.Size() == 5, "size after truncate %d", st.Size())
	must(f.Sync(), "Sync")
	must(os.Truncate("/tmp/ops", 8), "os.Truncate")
	all, _ := os.ReadFile("/tmp/ops")
	check(bytes.Equal(all, []byte("01234\x00\x00\x00")), "after grow %q", all)
	// Unlinked but open: still readable and writable.
	must(os.Remove("/tmp/ops"), "remove open file")
	n, err = f.WriteAt([]byte("ab"), 0)
	check(n == 2 && err == nil, "write after unlink %v", err)
	n, _ = f.ReadAt(b, 0)
	check(string(b[:n]) == "ab23", "read after unlink %q", b[:n])
	f.Close()
	// O_APPEND
	must(os.WriteFile("/tmp/app", []byte("x"), 0644), "write app")
	af, err := os.OpenFile("/tmp/app", os.O_WRONLY|os.O_APPEND, 0)
	must(err, "open append")
	if err == nil {
		af.WriteString("yz")
		af.Close()
	}
	all, _ = os.ReadFile("/tmp/app")
	check(string(all) == "xyz", "append %q", all)
	// chmod, chtimes
	must(os.Chmod("/tmp/app", 0640), "Chmod")
	mt := time.Date(2001, 2, 3, 4, 5, 6, 7000, time.UTC)
	must(os.Chtimes("/tmp/app", mt, mt), "Chtimes")
	st, err = os.Stat("/tmp/app")
	if err == nil {
		check(st.Mode().Perm() == 0640, "after Chmod %v", st.Mode())
		check(st.ModTime().Equal(mt), "ModTime %v", st.ModTime())
	}
	now := time.Now()
	st, _ = os.Stat("/tmp/app")
	must(os.Chown("/tmp/app", 0, 0), "Chown")
	// links
	must(os.Symlink("app", "/tmp/sl"), "Symlink")
	tgt, err := os.Readlink("/tmp/sl")
	check(tgt == "app" && err == nil, "Readlink %q %v", tgt, err)
	lst, err := os.Lstat("/tmp/sl")
	check(err == nil && lst.Mode()&fs.ModeSymlink != 0, "Lstat %v %v", lst, err)
	all, err = os.ReadFile("/tmp/sl")
	check(string(all) == "xyz", "read through symlink %q %v", all, err)
	must(os.Link("/tmp/app", "/tmp/hl"), "Link")
	st, _ = os.Stat("/tmp/hl")
	check(st.Sys().(*syscall.Stat_t).Nlink == 2, "nlink %v", st.Sys().(*syscall.Stat_t).Nlink)
	os.Remove("/tmp/sl")
	os.Remove("/tmp/hl")
	os.Remove("/tmp/app")
	_ = now
}

func cwd() {
	wd, err := os.Getwd()
	check(wd == "/" && err == nil, "Getwd %q %v", wd, err)
	must(os.MkdirAll("/tmp/cw/sub", 0755), "mkdir cw")
	must(os.Chdir("/tmp/cw"), "Chdir")
	wd, _ = os.Getwd()
	check(wd == "/tmp/cw", "Getwd after Chdir %q", wd)
	must(os.WriteFile("sub/rel", []byte("r"), 0644), "relative write")
	b, err := os.ReadFile("/tmp/cw/sub/rel")
	check(string(b) == "r" && err == nil, "relative file %q %v", b, err)
	must(os.Chdir("sub"), "Chdir relative")
	b, _ = os.ReadFile("../sub/./rel")
	check(string(b) == "r", "read ../sub/./rel %q", b)
	must(os.Chdir("/"), "Chdir /")
	must(os.RemoveAll("/tmp/cw"), "RemoveAll cw")
}

func errnos() {
	_, err := os.Create("/newfile")
	wantErrno(err, syscall.EROFS, "create outside /tmp")
	wantErrno(os.Mkdir("/newdir", 0755), syscall.EROFS, "mkdir outside /tmp")
	wantErrno(os.Mkdir("/tmp", 0755), syscall.EEXIST, "mkdir /tmp")
	wantErrno(os.Remove("/dev/null"), syscall.EROFS, "remove /dev/null")
	_, err = os.Open("/tmp/missing")
	wantErrno(err, syscall.ENOENT, "open missing")
	_, err = os.Stat("/tmp/missing/x")
	wantErrno(err, syscall.ENOENT, "stat below missing")
	_, err = os.OpenFile("/tmp", os.O_WRONLY, 0)
	wantErrno(err, syscall.EISDIR, "open dir for writing")
	must(os.WriteFile("/tmp/file", []byte("f"), 0644), "write file")
	_, err = os.OpenFile("/tmp/file", os.O_RDONLY|syscall.O_DIRECTORY, 0)
	wantErrno(err, syscall.ENOTDIR, "O_DIRECTORY on a file")
	_, err = os.Stat("/tmp/file/x")
	wantErrno(err, syscall.ENOTDIR, "component through a file")
	_, err = os.OpenFile("/tmp/file", os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0644)
	wantErrno(err, syscall.EEXIST, "O_EXCL")
	_, err = os.Create("/tmp/" + strings.Repeat("n", 300))
	wantErrno(err, syscall.ENAMETOOLONG, "name too long")
	_, err = os.Stat("/tmp/" + strings.Repeat("d/", 600))
	wantErrno(err, syscall.ENAMETOOLONG, "path too long")
	must(os.MkdirAll("/tmp/ne/sub", 0755), "mkdir ne")
	wantErrno(syscall.Rmdir("/tmp/ne"), syscall.ENOTEMPTY, "rmdir non-empty")
	wantErrno(syscall.Rmdir("/tmp/file"), syscall.ENOTDIR, "rmdir file")
	wantErrno(syscall.Unlink("/tmp/ne/sub"), syscall.EPERM, "unlink dir")
	wantErrno(os.Rename("/tmp/ne", "/tmp/ne/sub/in"), syscall.EINVAL, "rename into subtree")
	wantErrno(os.Rename("/tmp/ne", "/tmp/file"), syscall.ENOTDIR, "rename dir onto file")
	wantErrno(syscall.Rename("/tmp/file", "/tmp/ne"), syscall.EISDIR, "rename file onto dir")
	// os.Rename itself refuses an existing directory as the target
	// (EEXIST); the system call gives EISDIR / ENOTEMPTY.
	must(os.Mkdir("/tmp/ne2", 0755), "mkdir ne2")
	wantErrno(syscall.Rename("/tmp/ne2", "/tmp/ne"), syscall.ENOTEMPTY, "rename onto non-empty")
	wantErrno(os.Rename("/tmp/file", "/dev/file"), syscall.EXDEV, "rename across")
	wantErrno(os.Symlink("x", "/sym"), syscall.EROFS, "symlink outside /tmp")
	must(os.Symlink("loop2", "/tmp/loop1"), "symlink loop1")
	must(os.Symlink("loop1", "/tmp/loop2"), "symlink loop2")
	_, err = os.Open("/tmp/loop1")
	wantErrno(err, syscall.ELOOP, "symlink loop")
	must(os.Symlink("file", "/tmp/lf"), "symlink lf")
	_, err = os.OpenFile("/tmp/lf", os.O_RDONLY|syscall.O_NOFOLLOW, 0)
	wantErrno(err, syscall.ELOOP, "O_NOFOLLOW")
	_, err = os.Readlink("/tmp/file")
	wantErrno(err, syscall.EINVAL, "readlink of a file")
	wantErrno(os.Chmod("/dev/null", 0600), syscall.EROFS, "chmod outside /tmp")
	wantErrno(syscall.Access("/tmp/file", 1), syscall.EACCES, "access X_OK")
	must(syscall.Access("/tmp/file", 6), "access R_OK|W_OK")
	for _, p := range []string{"/tmp/ne/sub", "/tmp/ne", "/tmp/ne2"} {
		must(syscall.Rmdir(p), "rmdir "+p)
	}
	for _, p := range []string{"/tmp/file", "/tmp/loop1", "/tmp/loop2", "/tmp/lf"} {
		must(os.Remove(p), "remove "+p)
	}
}

func bigFile() {
	const size = 64 << 20
	buf := make([]byte, 1<<20)
	f, err := os.Create("/tmp/big")
	must(err, "create big")
	if err != nil {
		return
	}
	h := sha256.New()
	for off := 0; off < size; off += len(buf) {
		for i := range buf {
			buf[i] = byte(i*7 + off>>20)
		}
		h.Write(buf)
		if _, err := f.Write(buf); err != nil {
			must(err, "write big")
			break
		}
	}
	f.Close()
	want := h.Sum(nil)
	st, err := os.Stat("/tmp/big")
	check(err == nil && st.Size() == size, "big size %v %v", st, err)
	f, err = os.Open("/tmp/big")
	must(err, "open big")
	if err == nil {
		h = sha256.New()
		n, err := io.Copy(h, f)
		check(n == size && err == nil, "read big %d %v", n, err)
		check(bytes.Equal(h.Sum(nil), want), "big file sha256 differs")
		f.Close()
	}
	must(os.Remove("/tmp/big"), "remove big")
}

func enospc() {
	f, err := os.Create("/tmp/fill")
	must(err, "create fill")
	if err != nil {
		return
	}
	buf := make([]byte, 1<<20)
	total := 0
	for {
		n, err := f.Write(buf)
		total += n
		if err != nil {
			wantErrno(err, syscall.ENOSPC, "filling /tmp")
			break
		}
		if total > 1<<30 {
			check(false, "wrote 1 GiB without ENOSPC")
			break
		}
	}
	fmt.Printf("tmp: ENOSPC after %d bytes\n", total)
	_, err = os.Create("/tmp/more")
	// The data limit may leave room for one more empty file; either way
	// no crash.
	if err != nil {
		wantErrno(err, syscall.ENOSPC, "create when full")
	}
	must(f.Truncate(0), "truncate fill")
	_, err = f.Write(buf)
	must(err, "write after freeing")
	f.Close()
	must(os.Remove("/tmp/fill"), "remove fill")
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "enospc" {
		enospc()
	} else if len(os.Args) > 1 && os.Args[1] == "cwd" {
		// Started with vmgo.cwd=/dev: relative names resolve there.
		wd, err := os.Getwd()
		fmt.Printf("cwd: %s %v\n", wd, err)
		_, err = os.Stat("null")
		must(err, "stat null relative to vmgo.cwd")
	} else {
		basics()
		thousandFiles()
		tree()
		temps()
		fileOps()
		cwd()
		errnos()
		bigFile()
		ents, _ := os.ReadDir("/tmp")
		names := []string{}
		for _, e := range ents {
			names = append(names, e.Name())
		}
		check(len(ents) == 0, "/tmp not empty at the end: %v", names)
	}
	if failed > 0 {
		fmt.Printf("tmp: %d checks failed\n", failed)
		os.Exit(1)
	}
	fmt.Println("tmp: all checks passed")
}

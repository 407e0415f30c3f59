// rofs: the embedded file table end to end.  Every file the host packed
// (tests/guest/rofs/testdata at /srv/testdata, a 64 MiB random file at
// /big) is checked against the host's MANIFEST (prepare.sh): type, mode,
// size, mtime, SHA-256, symlink target; then directory listings, WalkDir,
// Seek, the errors of a read-only file system, the default /etc files,
// time zones and the CA bundle.
package main

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"text/template"
	"time"
)

var failed bool

func check(ok bool, format string, args ...any) {
	if !ok {
		failed = true
		fmt.Printf("FAIL: "+format+"\n", args...)
	}
}

func hashFile(path string) (string, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.CopyBuffer(h, f, make([]byte, 1<<20))
	return hex.EncodeToString(h.Sum(nil)), n, err
}

type entry struct {
	typ, target, sum string
	mode             fs.FileMode
	size             int64
	mtime            time.Time
}

func manifest() map[string]entry {
	data, err := os.ReadFile("/srv/MANIFEST")
	if err != nil {
		fmt.Println("FAIL: read manifest:", err)
		os.Exit(1)
	}
	m := map[string]entry{}
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		w := strings.Split(line, " ")
		mode, _ := strconv.ParseUint(w[1], 8, 32)
		size, _ := strconv.ParseInt(w[2], 10, 64)
		sec, frac, _ := strings.Cut(w[3], ".")
		s, _ := strconv.ParseInt(sec, 10, 64)
		frac = (frac + "000000000")[:9]
		ns, _ := strconv.ParseInt(frac, 10, 64)
		m[w[5]] = entry{typ: w[0], mode: fs.FileMode(mode), size: size,
			mtime: time.Unix(s, ns), sum: w[4], target: w[6]}
	}
	return m
}

func checkEntries(m map[string]entry) {
	for path, e := range m {
		fi, err := os.Lstat(path)
		if err != nil {
			check(false, "lstat %s: %v", path, err)
			continue
		}
		check(fi.Mode().Perm() == e.mode, "%s: mode %v, host %v", path, fi.Mode().Perm(), e.mode)
		check(fi.ModTime().Equal(e.mtime), "%s: mtime %v, host %v", path, fi.ModTime(), e.mtime)
		switch e.typ {
		case "f":
			check(fi.Mode().IsRegular(), "%s: not regular: %v", path, fi.Mode())
			check(fi.Size() == e.size, "%s: size %d, host %d", path, fi.Size(), e.size)
			sum, n, err := hashFile(path)
			check(err == nil && n == e.size && sum == e.sum,
				"%s: read %d bytes, sha256 %s (%v); host %d %s", path, n, sum, err, e.size, e.sum)
		case "d":
			check(fi.IsDir(), "%s: not a directory: %v", path, fi.Mode())
		case "l":
			check(fi.Mode()&fs.ModeSymlink != 0, "%s: not a symlink: %v", path, fi.Mode())
			t, err := os.Readlink(path)
			check(err == nil && t == e.target, "%s: readlink %q %v, host %q", path, t, err, e.target)
		}
	}
	fmt.Printf("rofs: %d manifest entries checked\n", len(m))
}

func checkWalk(m map[string]entry) {
	var got, want []string
	err := filepath.WalkDir("/srv/testdata", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p != "/srv/testdata" {
			got = append(got, p)
			e := m[p]
			isLink := d.Type()&fs.ModeSymlink != 0
			check(d.IsDir() == (e.typ == "d") && isLink == (e.typ == "l"),
				"walk %s: type %v, host %s", p, d.Type(), e.typ)
		}
		return nil
	})
	check(err == nil, "WalkDir: %v", err)
	for p := range m {
		if strings.HasPrefix(p, "/srv/testdata/") {
			want = append(want, p)
		}
	}
	sort.Strings(want)
	check(strings.Join(got, " ") == strings.Join(want, " "), "WalkDir found %v, want %v", got, want)

	des, err := os.ReadDir("/srv/testdata/sub")
	var names []string
	for _, d := range des {
		names = append(names, d.Name())
	}
	check(err == nil && strings.Join(names, ",") == "data.b64,dir,up", "ReadDir sub: %v %v", names, err)

	des, err = os.ReadDir("/")
	names = names[:0]
	for _, d := range des {
		names = append(names, d.Name())
	}
	root := "," + strings.Join(names, ",") + ","
	check(err == nil && strings.Contains(root, ",dev,") && strings.Contains(root, ",etc,") &&
		strings.Contains(root, ",srv,") && strings.Contains(root, ",usr,"), "ReadDir /: %v %v", names, err)
	fmt.Println("rofs: walk and listings checked")
}

func checkSeek() {
	f, err := os.Open("/srv/testdata/hello.txt")
	if err != nil {
		check(false, "open hello.txt: %v", err)
		return
	}
	defer f.Close()
	buf := make([]byte, 5)
	off, err := f.Seek(7, io.SeekStart)
	n, _ := io.ReadFull(f, buf)
	check(err == nil && off == 7 && string(buf[:n]) == "embed", "seek set: %d %v %q", off, err, buf[:n])
	off, err = f.Seek(-6, io.SeekEnd)
	n, _ = io.ReadFull(f, buf)
	check(err == nil && off == 16 && string(buf[:n]) == "world", "seek end: %d %v %q", off, err, buf[:n])
	off, err = f.Seek(-11, io.SeekCurrent)
	n, _ = io.ReadFull(f, buf)
	check(err == nil && off == 10 && string(buf[:n]) == "edded", "seek cur: %d %v %q", off, err, buf[:n])
	n, err = f.ReadAt(buf, 20)
	check(n == 2 && err == io.EOF, "ReadAt past end: %d %v", n, err)

	// Through symlinks (relative, to a directory, with ..).
	for _, p := range []string{"/srv/testdata/link", "/srv/testdata/sub/up"} {
		b, err := os.ReadFile(p)
		check(err == nil && string(b) == "hello, embedded world\n", "read via %s: %q %v", p, b, err)
	}
	b, err := os.ReadFile("/srv/testdata/dirlink/nested.txt")
	check(err == nil && string(b) == "nested\n", "read via dirlink: %q %v", b, err)
	fi, err := os.Stat("/srv/testdata/link")
	check(err == nil && fi.Mode().IsRegular() && fi.Size() == 22, "stat link: %v %v", fi, err)
	fmt.Println("rofs: seek and symlinks checked")
}

// http.FileServer and template.ParseGlob over the table (no network:
// the handler is called directly).
func checkServeAndGlob() {
	h := http.FileServer(http.Dir("/srv/testdata"))
	for path, want := range map[string]string{
		"/hello.txt":          "hello, embedded world\n",
		"/sub/dir/nested.txt": "nested\n",
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		check(rec.Code == 200 && rec.Body.String() == want, "GET %s: %d %q", path, rec.Code, rec.Body.String())
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/sub/", nil))
	check(rec.Code == 200 && strings.Contains(rec.Body.String(), `href="data.b64"`), "GET /sub/: %d %q", rec.Code, rec.Body.String())
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/nope", nil))
	check(rec.Code == 404, "GET /nope: %d", rec.Code)
	t, err := template.ParseGlob("/srv/testdata/*.txt")
	check(err == nil && t.Lookup("hello.txt") != nil, "ParseGlob: %v", err)
	fmt.Println("rofs: http.FileServer and template.ParseGlob checked")
}

func checkErrors() {
	_, err := os.Open("/srv/testdata/nope")
	check(errors.Is(err, fs.ErrNotExist), "open missing: %v", err)
	_, err = os.Open("/srv/testdata/hello.txt/x")
	check(errors.Is(err, syscall.ENOTDIR), "open file/x: %v", err)
	_, err = os.OpenFile("/srv/testdata/hello.txt", os.O_RDWR, 0)
	check(errors.Is(err, syscall.EROFS), "open for writing: %v", err)
	err = os.WriteFile("/srv/testdata/new", []byte("x"), 0644)
	check(errors.Is(err, syscall.EROFS), "create: %v", err)
	_, err = os.OpenFile("/srv/testdata/hello.txt", os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0644)
	check(errors.Is(err, fs.ErrExist), "O_EXCL on an existing file: %v", err)
	_, err = os.OpenFile("/srv/testdata/sub", os.O_WRONLY, 0)
	check(errors.Is(err, syscall.EISDIR), "open a directory for writing: %v", err)
	f, err := os.Open("/srv/testdata/sub")
	if err == nil {
		_, err = f.Read(make([]byte, 10))
		f.Close()
	}
	check(errors.Is(err, syscall.EISDIR), "read a directory: %v", err)
	_, err = os.Readlink("/srv/testdata/hello.txt")
	check(errors.Is(err, syscall.EINVAL), "readlink a file: %v", err)
	fmt.Println("rofs: errors checked")
}

func checkDefaults() {
	b, err := os.ReadFile("/etc/hosts")
	host, _ := os.Hostname()
	check(err == nil && strings.Contains(string(b), "localhost") && strings.Contains(string(b), host),
		"/etc/hosts (%q): %q %v", host, b, err)
	for _, p := range []string{"/etc/services", "/etc/protocols", "/etc/mime.types", "/etc/ssl/cert.pem"} {
		fi, err := os.Stat(p)
		check(err == nil && fi.Size() > 0, "%s: %v", p, err)
	}
	loc, err := time.LoadLocation("Europe/Amsterdam")
	if err == nil {
		_, w := time.Date(2024, 1, 15, 12, 0, 0, 0, loc).Zone()
		_, s := time.Date(2024, 7, 15, 12, 0, 0, 0, loc).Zone()
		check(w == 3600 && s == 7200, "Amsterdam offsets %d %d", w, s)
	} else {
		check(false, "LoadLocation: %v", err)
	}
	if os.Getenv("TZ") == "Europe/Amsterdam" {
		name, _ := time.Date(2024, 7, 15, 12, 0, 0, 0, time.Local).Zone()
		check(name == "CEST", "TZ=Europe/Amsterdam: local zone %q", name)
	}
	pool, err := x509.SystemCertPool()
	check(err == nil && pool != nil && !pool.Equal(x509.NewCertPool()), "SystemCertPool: %v", err)
	fmt.Println("rofs: /etc, zoneinfo and certificates checked")
}

func main() {
	start := time.Now()
	m := manifest()
	checkEntries(m)
	fmt.Printf("rofs: 64 MiB file hashed (all entries in %v)\n", time.Since(start).Round(time.Millisecond))
	checkWalk(m)
	checkSeek()
	checkServeAndGlob()
	checkErrors()
	checkDefaults()
	if failed {
		fmt.Println("rofs: FAILED")
		os.Exit(1)
	}
	fmt.Println("rofs: all checks passed")
}

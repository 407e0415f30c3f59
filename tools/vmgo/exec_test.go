// SPDX-License-Identifier: ISC

package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestIsTestRun(t *testing.T) {
	cases := []struct {
		image string
		args  []string
		want  bool
	}{
		{"/tmp/go-build1/b001/strings.test", nil, true},
		{"/tmp/go-build1/b001/exe/hello", []string{"a", "b"}, false},
		{"/tmp/x/prog", []string{"-test.v=true"}, true},
		{"app.img", nil, false},
	}
	for _, c := range cases {
		if got := isTestRun(c.image, c.args); got != c.want {
			t.Errorf("isTestRun(%q, %q) = %v, want %v", c.image, c.args, got, c.want)
		}
	}
}

func TestTestTimeout(t *testing.T) {
	cases := []struct {
		args []string
		want time.Duration
	}{
		{[]string{"-test.paniconexit0", "-test.timeout=10m0s", "-test.v=true"}, 10 * time.Minute},
		{[]string{"-test.timeout", "90s"}, 90 * time.Second},
		{[]string{"--test.timeout=1h"}, time.Hour},
		{[]string{"-test.timeout=0s"}, 0},
		{[]string{"-test.timeout=1m", "-test.timeout=2m"}, 2 * time.Minute},
		{[]string{"-test.timeoutx=1m", "timeout=3s"}, 0},
		{[]string{"-test.timeout=bogus"}, 0},
		{nil, 0},
	}
	for _, c := range cases {
		if got := testTimeout(c.args); got != c.want {
			t.Errorf("testTimeout(%q) = %v, want %v", c.args, got, c.want)
		}
	}
}

func TestExecArgv(t *testing.T) {
	got, err := execArgv(" -m 2G  -smp 2 -qemu-arg 'a b' \"c\"")
	want := []string{"-m", "2G", "-smp", "2", "-qemu-arg", "a b", "c"}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("execArgv = %q, %v; want %q", got, err, want)
	}
	if _, err := execArgv("-qemu-arg 'x"); err == nil {
		t.Errorf("execArgv of an unterminated quote: no error")
	}
	if got, _ := execArgv(""); len(got) != 0 {
		t.Errorf("execArgv(\"\") = %q", got)
	}
}

func TestPackageFiles(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"a.go", "a_test.go", "testdata/x/y.txt", "sub/b.go"} {
		p := filepath.Join(dir, f)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(f), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("a.go", filepath.Join(dir, "link.go")); err != nil {
		t.Fatal(err)
	}
	got, err := packageFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, f := range []string{"a.go", "a_test.go", "link.go", "testdata"} {
		p := filepath.Join(dir, f)
		want = append(want, p)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("packageFiles = %q, want %q (no sub/)", got, want)
	}
	if _, err := packageFiles(filepath.Join(dir, "missing")); err == nil {
		t.Errorf("packageFiles of a missing directory: no error")
	}
}

func TestPlanExec(t *testing.T) {
	t.Setenv("GODEBUG", "x=1")
	t.Setenv("VMGO_EXEC_ENV", "VMGO_TEST_A, ,VMGO_TEST_B")
	t.Setenv("VMGO_TEST_A", "a b")
	os.Unsetenv("VMGO_TEST_B")

	// go run: no files, no working directory, raw output off a terminal.
	p, err := planExec(runOptions{}, "/tmp/b001/exe/hello", []string{"x"}, "/home/u/m", false)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"vmgo.onlcr=0", "GODEBUG=x=1", "VMGO_TEST_A=a b"}
	if p.image != "/tmp/b001/exe/hello" || !reflect.DeepEqual(p.words, want) || len(p.opts) != 0 || p.temp != "" {
		t.Errorf("go run plan = %+v, want words %q and nothing else", p, want)
	}
	// On a terminal the console keeps its CR LF.
	p, _ = planExec(runOptions{}, "/tmp/b001/exe/hello", nil, "/", true)
	for _, w := range p.words {
		if strings.HasPrefix(w, "vmgo.onlcr") {
			t.Errorf("terminal plan has %q", w)
		}
	}
	// A test binary in a directory with nothing to embed: cwd, timeout.
	empty := t.TempDir()
	p, err = planExec(runOptions{}, "/tmp/b001/pkg.test", []string{"-test.timeout=1m"}, empty, false)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(p.opts, []string{"-net=none", "-timeout=1m30s"}) {
		t.Errorf("opts = %q, want -net=none -timeout=1m30s", p.opts)
	}
	if g := guestPath(empty); !contains(p.words, "vmgo.cwd="+g) || !contains(p.words, "PWD="+g) || p.temp != "" {
		t.Errorf("plan = %+v, want vmgo.cwd and PWD of %s and no copy", p, g)
	}
	// An explicit -timeout wins over -test.timeout, -net over none.
	p, _ = planExec(runOptions{timeout: time.Second, netMode: "user"}, "/tmp/b001/pkg.test", []string{"-test.timeout=1m"}, empty, false)
	if len(p.opts) != 0 {
		t.Errorf("opts = %q with -timeout and -net given", p.opts)
	}
}

func TestParentTestdata(t *testing.T) {
	dir := t.TempDir()
	for _, d := range []string{"m/testdata", "m/a/testdata", "m/a/b/c", "testdata"} {
		os.MkdirAll(filepath.Join(dir, d), 0o755)
	}
	os.WriteFile(filepath.Join(dir, "m/go.mod"), []byte("module m\n"), 0o644)
	got := parentTestdata(filepath.Join(dir, "m/a/b/c"))
	want := []string{filepath.Join(dir, "m/a/testdata"), filepath.Join(dir, "m/testdata")}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("parentTestdata = %q, want %q (not above the module root)", got, want)
	}
	if got := parentTestdata(filepath.Join(dir, "m")); len(got) != 0 {
		t.Errorf("parentTestdata of the module root = %q", got)
	}
	// No go.mod anywhere: only the package.
	if got := parentTestdata(filepath.Join(dir, "testdata")); len(got) != 0 {
		t.Errorf("parentTestdata outside a module = %q", got)
	}
}

func TestGuestPath(t *testing.T) {
	for in, want := range map[string]string{
		"/home/u/m/pkg": "/home/u/m/pkg",
		"/tmp/m/pkg":    "/vmgo-host/tmp/m/pkg",
		"/tmp":          "/vmgo-host/tmp",
		"/tmpx/pkg":     "/tmpx/pkg",
		"/dev/shm/x":    "/vmgo-host/dev/shm/x",
	} {
		if got := guestPath(in); got != want {
			t.Errorf("guestPath(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestExtraFiles(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "z.zip"), nil, 0o644)
	os.Mkdir(filepath.Join(dir, "pkg"), 0o755)
	got, err := extraFiles(" ../z.zip, "+dir+"/z.zip:/srv/z.zip,", filepath.Join(dir, "pkg"))
	want := []string{dir + "/z.zip:" + guestPath(dir+"/z.zip"), dir + "/z.zip:/srv/z.zip"}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("extraFiles = %q, %v; want %q", got, err, want)
	}
	if _, err := extraFiles("missing", dir); err == nil {
		t.Errorf("extraFiles of a missing file: no error")
	}
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

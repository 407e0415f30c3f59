// SPDX-License-Identifier: ISC

package pass

import (
	"flag"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

var extra = flag.String("extra", "", "an argument after -args")

func TestAdd(t *testing.T) {
	if got := Add(2, 3); got != 5 {
		t.Fatalf("Add(2, 3) = %d", got)
	}
	if testing.Verbose() && runtime.GOOS != "openbsd" && runtime.GOOS != "linux" {
		t.Logf("unexpected GOOS %s", runtime.GOOS)
	}
}

// TestTestdata: go test runs the binary in the package directory, with
// testdata there.
func TestTestdata(t *testing.T) {
	b, err := os.ReadFile("testdata/hello.txt")
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != "hello from testdata\n" {
		t.Fatalf("testdata/hello.txt = %q", b)
	}
	wd, err := os.Getwd()
	if err != nil || filepath.Base(wd) != "pass" {
		t.Fatalf("working directory %q, %v; want the package directory", wd, err)
	}
	if _, err := os.Stat("pass_test.go"); err != nil {
		t.Fatalf("the package's own files: %v", err)
	}
}

func TestSubtests(t *testing.T) {
	for _, s := range []string{"a", "b"} {
		t.Run(s, func(t *testing.T) {
			if strings.ToUpper(s) == s {
				t.Fatal("not lower case")
			}
		})
	}
}

func TestShort(t *testing.T) {
	if testing.Short() {
		t.Skip("skipped in -short mode")
	}
}

func TestExtra(t *testing.T) {
	if *extra != "" {
		t.Logf("extra=%s", *extra)
	}
}

func BenchmarkAdd(b *testing.B) {
	for i := 0; i < b.N; i++ {
		Add(i, i)
	}
}

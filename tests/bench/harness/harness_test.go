// SPDX-License-Identifier: ISC

package main

import (
	"os"
	"strings"
	"testing"
)

func TestNewStats(t *testing.T) {
	for _, c := range []struct {
		in            []float64
		med, min, max float64
	}{
		{[]float64{3}, 3, 3, 3},
		{[]float64{5, 1, 4, 2, 3}, 3, 1, 5},
		{[]float64{4, 1, 3, 2}, 2.5, 1, 4},
	} {
		s := newStats(c.in)
		if s.Median != c.med || s.Min != c.min || s.Max != c.max {
			t.Errorf("newStats(%v) = %+v, want median %v min %v max %v", c.in, s, c.med, c.min, c.max)
		}
	}
}

func TestSmallest(t *testing.T) {
	for _, need := range []int{1, 2, 13, 16, 17, 255, 512} {
		tries := 0
		got, err := smallest(1, 512, func(m int) (bool, error) {
			tries++
			return m >= need, nil
		})
		if err != nil || got != need {
			t.Errorf("need %d: got %d, %v", need, got, err)
		}
		if tries > 11 {
			t.Errorf("need %d: %d tries, want a bisection's 10", need, tries)
		}
	}
	if _, err := smallest(1, 64, func(m int) (bool, error) { return false, nil }); err == nil {
		t.Error("no size works: want an error")
	}
}

func TestRatioAndAdvantage(t *testing.T) {
	f := &figure{Stats: map[string]*stats{"vmgo": newStats([]float64{1}), "linux": newStats([]float64{4})}}
	if f.Ratio() != 0.25 || advantage(f) != 4 {
		t.Errorf("time figure: ratio %v advantage %v", f.Ratio(), advantage(f))
	}
	f.Higher = true
	if advantage(f) != 0.25 {
		t.Errorf("throughput figure: advantage %v", advantage(f))
	}
	delete(f.Stats, "linux")
	if f.Ratio() != 0 || advantage(f) != 0 {
		t.Error("no Linux value: want no ratio")
	}
}

func TestSizeTable(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Skip(err)
	}
	if sections(self) == nil {
		t.Skip("no binutils size")
	}
	if tb := sizeTable(self, self); strings.Count(tb, "\n") != 2 {
		t.Errorf("a binary against itself: want only the header, got\n%s", tb)
	}
	if tb := sizeTable(self, "/bin/true"); !strings.Contains(tb, "| .gopclntab |") {
		t.Errorf("a Go test binary against /bin/true: want .gopclntab listed, got\n%s", tb)
	}
}

func TestWrkParse(t *testing.T) {
	out := `Running 1s test @ http://10.77.0.2:8080/
  Latency Distribution
     50%   10.01ms
     99%    1.20s
Requests/sec:   1043.52
`
	m, p := reRps.FindStringSubmatch(out), reP99.FindStringSubmatch(out)
	if m == nil || p == nil || m[1] != "1043.52" || p[1] != "1.20" || p[2] != "s" {
		t.Errorf("rps %q p99 %q", m, p)
	}
}

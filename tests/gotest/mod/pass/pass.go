// SPDX-License-Identifier: ISC

// Package pass is tests/gotest's passing package: a function, its tests,
// a benchmark and a test that reads testdata.
package pass

// Add returns a + b.
func Add(a, b int) int { return a + b }

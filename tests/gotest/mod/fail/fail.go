// SPDX-License-Identifier: ISC

// Package fail is tests/gotest's failing package.
package fail

// SPDX-License-Identifier: ISC

// Package hang's test blocks forever when GOTEST_HANG=1 reaches it (via
// VMGO_EXEC_ENV): go test -timeout must end it.
package hang

import (
	"os"
	"testing"
)

func TestHang(t *testing.T) {
	if os.Getenv("GOTEST_HANG") != "1" {
		t.Skip("GOTEST_HANG is not 1")
	}
	select {}
}

// SPDX-License-Identifier: ISC

package fail

import "testing"

func TestPasses(t *testing.T) {}

func TestFails(t *testing.T) {
	t.Errorf("this test fails on purpose: %d", 42)
}

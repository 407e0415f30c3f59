// SPDX-License-Identifier: ISC

// hwdiv: a bare IDIVQ, so division by zero is the CPU's #DE (Go's own
// code checks the divisor first and never traps).

#include "textflag.h"

// func hwdiv(a, b int64) int64
TEXT ·hwdiv(SB), NOSPLIT, $0-24
	MOVQ	a+0(FP), AX
	MOVQ	b+8(FP), BX
	CQO
	IDIVQ	BX
	MOVQ	AX, ret+16(FP)
	RET

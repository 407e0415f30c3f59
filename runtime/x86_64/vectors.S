/* SPDX-License-Identifier: ISC */
/*
 * vectors.S: one entry stub per interrupt vector.  Each pushes a uniform
 * struct trapframe (cpu.h) on the IST stack the gate chose and calls
 * trap(); trap() may rewrite the frame (a thread switch), and the stub
 * resumes whatever the frame then says with iretq.
 */
#include "x86_64/cpu.h"

#define TF_RBP	(8 * 8)		/* offsetof(struct trapframe, rbp) */
#define TF_RIP	(17 * 8)	/* offsetof(struct trapframe, rip) */

/*
 * Stubs for vectors 0-255, and trap_vectors[256], their addresses, for
 * cpu.c's IDT.  The CPU pushes an error code for #DF #TS #NP #SS #GP #PF
 * #AC #CP #VC #SX (SDM vol 3A §6.13, table 6-1); other stubs push 0 so
 * every frame has the same shape.
 */
	.text
	.set	vec, 0
	.rept	256
1:	.if !(vec == 8 || vec == 10 || vec == 11 || vec == 12 || vec == 13 || \
	    vec == 14 || vec == 17 || vec == 21 || vec == 29 || vec == 30)
	pushq	$0
	.endif
	pushq	$vec
	jmp	trap_common
	.pushsection .rodata
	.if vec == 0
	.balign	8
	.globl	trap_vectors
trap_vectors:
	.endif
	.quad	1b
	.popsection
	.set	vec, vec + 1
	.endr

/*
 * trap_common: the rest of the frame, then trap(tf).  On entry the stack
 * holds vector, error, rip, cs, rflags, rsp, ss; it is 16-byte aligned
 * after the 15 register pushes because the CPU aligns an IST stack before
 * pushing (SDM vol 3A §6.14.2) and TF_SIZE is a multiple of 16.
 */
	.type	trap_common, @function
trap_common:
	/* 1. General registers, in struct trapframe order (r15 lowest). */
	pushq	%rax
	pushq	%rbx
	pushq	%rcx
	pushq	%rdx
	pushq	%rsi
	pushq	%rdi
	pushq	%rbp
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	/* 2. C ABI: DF clear; tf in %rdi. */
	cld
	movq	%rsp, %rdi
	/* 3. A frame record for the interrupted context, so backtraces
	 *    taken inside trap() continue into it. */
	pushq	TF_RIP(%rdi)
	pushq	TF_RBP(%rdi)
	movq	%rsp, %rbp
	/* 4. void trap(struct trapframe *tf); */
	call	trap
	addq	$16, %rsp
	/* 5. Restore the (possibly switched) frame and return through it. */
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rbp
	popq	%rdi
	popq	%rsi
	popq	%rdx
	popq	%rcx
	popq	%rbx
	popq	%rax
	addq	$16, %rsp		/* vector and error code */
	iretq
	.size	trap_common, . - trap_common

	.section .note.GNU-stack, "", @progbits

/* SPDX-License-Identifier: ISC */
/*
 * sigreturn.S: the return address of every signal handler (signal.c).
 * The handler's "ret" pops it and lands here with %rsp just above the
 * return-address slot of its struct sigframe; VEC_SIGRETURN's handler
 * (signal.c) finds the frame from the trapped %rsp and resumes the
 * saved (possibly edited) context, signal mask, errno and FPU state in
 * one step, with interrupts off.  It never comes back here.
 *
 *	void signal_trampoline(void);
 */
#include "x86_64/cpu.h"

	.text
	.globl	signal_trampoline
	.type	signal_trampoline, @function
signal_trampoline:
	int	$VEC_SIGRETURN
	ud2				/* not reached */
	.size	signal_trampoline, . - signal_trampoline

	.section .note.GNU-stack, "", @progbits

/* SPDX-License-Identifier: ISC */
/*
 * ap.S: the application-processor start-up trampoline.  smp.c copies
 * [ap_tramp_start, ap_tramp_end) to AP_TRAMP_BASE (below 1 MiB, page
 * aligned), fills the four slots at its end and sends INIT-SIPI-SIPI with
 * vector AP_TRAMP_BASE >> 12.  The AP starts here in real mode at
 * CS:IP = (AP_TRAMP_BASE >> 4):0 (Intel SDM vol 3A §8.4.4.1), goes through
 * protected mode into long mode with the runtime's page tables (which
 * identity-map this page) and jumps to the 64-bit entry on its own stack.
 */
#include "x86_64/cpu.h"

#define CR0_PE		(1 << 0)
#define CR0_WP		(1 << 16)
#define CR0_PG		(1 << 31)
#define CR4_PAE		(1 << 5)
#define MSR_EFER_NUM	0xc0000080
#define T_SEG_CODE32	0x08	/* this file's temporary GDT */
#define T_SEG_DATA	0x10
#define T_SEG_CODE64	0x18

/* Address of symbol s once the trampoline is copied to AP_TRAMP_BASE. */
#define REL(s)		(AP_TRAMP_BASE + (s) - ap_tramp_start)

	.section .rodata.ap_tramp, "a"
	.balign	16
/*
 * void ap_tramp_start(void)	(copied, entered by SIPI in real mode)
 *
 * Clobbers everything; ends in (*ap_tramp_entry)() with %rsp =
 * ap_tramp_stack - 8 (a zero return address), interrupts off.
 */
	.globl	ap_tramp_start
ap_tramp_start:
	.code16
	cli
	cld
	xorw	%ax, %ax
	movw	%ax, %ds
	lgdtl	REL(tramp_gdt_desc)
	movl	%cr0, %eax
	orl	$CR0_PE, %eax
	movl	%eax, %cr0
	ljmpl	$T_SEG_CODE32, $REL(tramp_pm32)

	.code32
tramp_pm32:
	movl	$T_SEG_DATA, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	/* Long mode (SDM vol 3A §9.8.5): PAE, CR3, EFER.LME (+NXE, which
	 * the runtime's tables need), then paging. */
	movl	%cr4, %eax
	orl	$CR4_PAE, %eax
	movl	%eax, %cr4
	movl	REL(ap_tramp_cr3), %eax
	movl	%eax, %cr3
	movl	$MSR_EFER_NUM, %ecx
	rdmsr
	orl	REL(ap_tramp_efer), %eax
	wrmsr
	movl	%cr0, %eax
	orl	$(CR0_PG | CR0_WP), %eax
	movl	%eax, %cr0
	ljmpl	$T_SEG_CODE64, $REL(tramp_lm64)

	.code64
tramp_lm64:
	movq	REL(ap_tramp_stack), %rsp
	movq	REL(ap_tramp_entry), %rax
	xorl	%ebp, %ebp
	pushq	$0
	jmp	*%rax

	.balign	8
tramp_gdt:
	.quad	0
	.quad	0x00cf9a000000ffff	/* 0x08: 32-bit code, flat */
	.quad	0x00cf92000000ffff	/* 0x10: data, flat */
	.quad	0x00af9a000000ffff	/* 0x18: 64-bit code */
tramp_gdt_desc:
	.word	4 * 8 - 1
	.long	REL(tramp_gdt)

	.balign	8
/* Slots smp.c fills before each SIPI. */
	.globl	ap_tramp_cr3, ap_tramp_efer, ap_tramp_stack, ap_tramp_entry
ap_tramp_cr3:
	.long	0		/* page-table root, below 4 GiB */
ap_tramp_efer:
	.long	0		/* EFER bits to set: LME, NXE */
ap_tramp_stack:
	.quad	0		/* top of the AP's first stack */
ap_tramp_entry:
	.quad	0		/* 64-bit C entry, never returns */
	.globl	ap_tramp_end
ap_tramp_end:

	.section .note.GNU-stack, "", @progbits

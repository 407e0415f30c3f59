/* SPDX-License-Identifier: ISC */
/*
 * pvh.S: the PVH ELF note and 32-bit entry, used by QEMU (when no
 * multiboot header is found: QEMU tries multiboot first), Firecracker and
 * cloud-hypervisor.
 */
#include "boot.h"

/*
 * ELF note "Xen", type XEN_ELFNOTE_PHYS32_ENTRY: the physical address of
 * the 32-bit entry (xen/include/public/elfnote.h).  The descriptor is 8
 * bytes like Linux's: QEMU reads a size_t, Firecracker at least 4 bytes.
 */
	.section .note.vmgo.pvh, "a", @note
	.balign	4
	.long	2f - 1f			/* namesz */
	.long	4f - 3f			/* descsz */
	.long	XEN_ELFNOTE_PHYS32_ENTRY
1:	.asciz	"Xen"
2:	.balign	4
3:	.quad	pvh_entry
4:	.balign	4

/*
 * void pvh_entry(void)
 *
 * Entered in 32-bit protected mode, paging and interrupts off, flat
 * segments, GDTR and stack undefined; %ebx = physical address of struct
 * hvm_start_info (xen/include/public/arch-x86/hvm/start_info.h).
 */
	.section .text.boot, "ax"
	.code32
	.globl	pvh_entry
	.type	pvh_entry, @function
pvh_entry:
	/* 1. No interrupts, string ops count up. */
	cli
	cld
	/* 2. long_start32(magic in %ebp, info in %esi) never returns. */
	movl	$PVH_START_MAGIC, %ebp
	movl	%ebx, %esi
	jmp	long_start32
	.size	pvh_entry, . - pvh_entry

	.section .note.GNU-stack, "", @progbits

/* SPDX-License-Identifier: ISC */
/*
 * multiboot.S: the multiboot 1 header and 32-bit entry, used by QEMU's
 * -kernel on pc/q35 (and microvm) and by GRUB.
 *
 * QEMU loads an ELF64 multiboot image only through the a.out-kludge
 * fields: it copies file bytes [0, load_end_addr - load_addr) to load_addr
 * and zeroes up to bss_end_addr.  boot/vmgo.ld lays the image out so that
 * file offset == address - VMGO_LOAD_ADDR for every loaded byte.
 */
#include <vmgo/abi.h>
#include "boot.h"

/*
 * The header must lie 4-byte aligned in the first 8 KiB of the file
 * (multiboot §3.1.1); vmgo.ld puts .boot.header right after the ELF and
 * program headers.  Fields per §3.1.2-3.1.3.
 */
	.section .boot.header, "a"
	.balign 4
	.globl	mb_header		/* long.S reads load_end_addr */
mb_header:
	.long	MB_HEADER_MAGIC
	.long	MB_HEADER_FLAGS
	.long	-(MB_HEADER_MAGIC + MB_HEADER_FLAGS)	/* checksum */
	.long	mb_header		/* header_addr */
	.long	__image_start		/* load_addr: file offset 0 */
	.long	__load_end		/* load_end_addr: end of file data */
	.long	__image_end		/* bss_end_addr */
	.long	multiboot_entry		/* entry_addr */

/*
 * void multiboot_entry(void)
 *
 * Entered in 32-bit protected mode, paging and interrupts off, flat
 * segments, GDTR and stack undefined; %eax = MB_BOOT_MAGIC, %ebx = physical
 * address of the multiboot information (§3.2).  vmgo.ld puts
 * .text.boot.multiboot first in .text, which also makes this the ELF
 * entry point (ld's default without ENTRY()).
 */
	.section .text.boot.multiboot, "ax"
	.code32
	.globl	multiboot_entry
	.type	multiboot_entry, @function
multiboot_entry:
	/* 1. No interrupts, string ops count up. */
	cli
	cld
	/* 2. long_start32(magic in %ebp, info in %esi) never returns. */
	movl	%eax, %ebp
	movl	%ebx, %esi
	jmp	long_start32
	.size	multiboot_entry, . - multiboot_entry

	.section .note.GNU-stack, "", @progbits

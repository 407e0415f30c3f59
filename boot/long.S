/* SPDX-License-Identifier: ISC */
/*
 * long.S: from the 32-bit entry of either boot protocol to boot_main() in
 * 64-bit mode.  Boot page tables identity-map the first 4 GiB with 2 MiB
 * pages (RWX, page 0 present); vm_init() replaces them.
 */
#include <vmgo/abi.h>
#include <vmgo/rofs.h>
#include "x86_64/cpu.h"
#include "boot.h"

#define CR0_PE		(1 << 0)
#define CR0_WP		(1 << 16)
#define CR0_PG		(1 << 31)
#define CR4_PAE		(1 << 5)
#define MSR_EFER_NUM	0xc0000080	/* cpu.h has it for C only */
#define EFER_LME	(1 << 8)
#define EFER_NXE	(1 << 11)
#define PTE_P		(1 << 0)
#define PTE_W		(1 << 1)
#define PTE_PS		(1 << 7)	/* 2 MiB page in a PD entry */
#define COM1		0x3f8

	.section .text.boot, "ax"
	.code32
/*
 * void long_start32(void)	magic in %ebp, loader info in %esi
 *
 * Jumped to (not called) by multiboot_entry and pvh_entry.  Uses no stack
 * and clobbers everything except %ebp and %esi.
 */
	.globl	long_start32
	.type	long_start32, @function
long_start32:
	/* 1. Our GDT (the loader's may be gone); flat data segments. */
	lgdt	boot_gdt_desc
	movl	$SEG_KDATA, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	movl	%eax, %fs
	movl	%eax, %gs
	movl	$boot_stack_top, %esp

	/* 2. Long mode (CPUID 8000_0001h:EDX[29]) or give up; %ebx = NX. */
	movl	$0x80000000, %eax
	cpuid
	cmpl	$0x80000001, %eax
	jb	no_long_mode
	movl	$0x80000001, %eax
	cpuid
	btl	$29, %edx
	jnc	no_long_mode
	movl	%edx, %ebx
	andl	$(1 << 20), %ebx	/* CPUID 8000_0001h:EDX[20]: NX */

	/*
	 * 3. vmgo-files stores the file table in the file where .bss begins,
	 * so the loaders put it at __bss_start: move it to its run-time
	 * place, _end (boot/vmgo.ld), before zeroing .bss over it.  Copied
	 * backwards: _end is above __bss_start and the two may overlap.  An
	 * image straight from ld has zeros there (its table is at _end).
	 * The bytes loaded, not the table's own header (rofs_init checks
	 * that later), give the size: vmgo-files set the multiboot header's
	 * load_end_addr (§3.1.3, boot/multiboot.S) to the table's end, and
	 * both loaders load that header.
	 */
	movl	%esi, %edx			/* the loader's info */
	movl	$__bss_start, %esi
	cmpl	$ROFS_MAGIC_LO, (%esi)
	jne	3f
	cmpl	$ROFS_MAGIC_HI, 4(%esi)
	jne	3f
	movl	mb_header + 20, %ecx		/* load_end_addr */
	subl	%esi, %ecx
	jbe	3f
	movl	$_end, %edi
	leal	-1(%esi, %ecx), %esi
	leal	-1(%edi, %ecx), %edi
	std
	rep movsb
	cld
3:	movl	%edx, %esi
	/* Zero .bss (loaders should have; Firecracker relies on fresh RAM). */
	movl	$__bss_start, %edi
	movl	$_end, %ecx
	subl	%edi, %ecx
	xorl	%eax, %eax
	rep stosb

	/* 4. Page tables: PML4[0] -> PDPT[0..3] -> 4 PDs of 2 MiB pages. */
	movl	$boot_pdpt + (PTE_P | PTE_W), boot_pml4
	movl	$boot_pd + (PTE_P | PTE_W), %eax
	xorl	%ecx, %ecx
1:	movl	%eax, boot_pdpt(, %ecx, 8)
	addl	$4096, %eax
	incl	%ecx
	cmpl	$4, %ecx
	jb	1b
	movl	$(PTE_P | PTE_W | PTE_PS), %eax
	xorl	%ecx, %ecx
2:	movl	%eax, boot_pd(, %ecx, 8)
	addl	$0x200000, %eax
	incl	%ecx
	cmpl	$2048, %ecx
	jb	2b

	/* 5. PAE, CR3, EFER.LME (+NXE), then paging: SDM vol 3A §10.8.5. */
	movl	%cr4, %eax
	orl	$CR4_PAE, %eax
	movl	%eax, %cr4
	movl	$boot_pml4, %eax
	movl	%eax, %cr3
	movl	$MSR_EFER_NUM, %ecx
	rdmsr
	orl	$EFER_LME, %eax
	testl	%ebx, %ebx
	jz	3f
	orl	$EFER_NXE, %eax
3:	wrmsr
	movl	%cr0, %eax
	orl	$(CR0_PE | CR0_WP | CR0_PG), %eax
	movl	%eax, %cr0

	/* 6. Far jump into the 64-bit code segment. */
	ljmp	$SEG_KCODE, $long_start64

no_long_mode:
	/* Say why on COM1 and the debug console, then exit 111 if we can. */
	movl	$nolm_msg, %esi
	movl	$nolm_len, %ecx
	movw	$COM1, %dx
	rep outsb
	movl	$nolm_msg, %esi
	movl	$nolm_len, %ecx
	movw	$VMGO_DEBUGCON_PORT, %dx
	rep outsb
	movl	$VMGO_EXIT_PANIC, %eax
	movw	$VMGO_DEBUG_EXIT_PORT, %dx
	outl	%eax, %dx
4:	hlt
	jmp	4b
	.size	long_start32, . - long_start32

	.code64
/*
 * void long_start64(void)	magic in %ebp, loader info in %esi
 */
	.type	long_start64, @function
long_start64:
	/* 7. Data segments, the boot stack, an empty frame chain. */
	movl	$SEG_KDATA, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	xorl	%eax, %eax
	movl	%eax, %fs
	movl	%eax, %gs
	movq	$boot_stack_top, %rsp
	/* 8. boot_main(magic, info): 32-bit moves zero-extend. */
	movl	%ebp, %edi
	movl	%esi, %esi
	xorl	%ebp, %ebp
	call	boot_main
5:	cli
	hlt
	jmp	5b
	.size	long_start64, . - long_start64

	.section .rodata
nolm_msg:
	.ascii	"vmgo: this CPU has no 64-bit long mode\r\n"
	.set	nolm_len, . - nolm_msg

/* Boot GDT: selectors match SEG_KCODE/SEG_KDATA; accessed bits preset. */
	.balign	8
boot_gdt:
	.quad	0
	.quad	0x00af9b000000ffff	/* 0x08: 64-bit code, DPL 0 */
	.quad	0x00cf93000000ffff	/* 0x10: flat data, 4 GiB */
boot_gdt_end:
	.balign	8
	.word	0			/* keeps .quad below aligned */
boot_gdt_desc:
	.word	boot_gdt_end - boot_gdt - 1
	.quad	boot_gdt

	.section .bss
	.balign	4096
boot_pml4:
	.skip	4096
boot_pdpt:
	.skip	4096
boot_pd:
	.skip	4 * 4096
/* The boot stack, with a 4 KiB region below it that vm_init may unmap. */
	.globl	boot_stack_guard, boot_stack_top
boot_stack_guard:
	.skip	4096
	.skip	BOOT_STACK_SIZE
boot_stack_top:

	.section .note.GNU-stack, "", @progbits

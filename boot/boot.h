/* SPDX-License-Identifier: ISC */
/*
 * boot.h: constants and structures of the two boot protocols vmgo speaks
 * (multiboot 1 and Xen PVH), shared by the entry code (.S) and boot.c.
 */
#ifndef VMGO_BOOT_BOOT_H
#define VMGO_BOOT_BOOT_H

/*
 * Multiboot 1 (Multiboot Specification 0.6.96).  Flags of the header
 * (§3.1.2): bit 1 asks for the memory map, bit 16 says the header carries
 * the a.out-kludge address fields, which QEMU needs to load an ELF64 file
 * (it refuses x86-64 ELF images otherwise).
 */
#define MB_HEADER_MAGIC		0x1badb002
#define MB_HEADER_MEMINFO	(1 << 1)
#define MB_HEADER_AOUT_KLUDGE	(1 << 16)
#define MB_HEADER_FLAGS		(MB_HEADER_MEMINFO | MB_HEADER_AOUT_KLUDGE)
#define MB_BOOT_MAGIC		0x2badb002	/* in %eax at entry (§3.2) */

/* Multiboot information flags (§3.3). */
#define MB_INFO_MEMORY		(1 << 0)
#define MB_INFO_CMDLINE		(1 << 2)
#define MB_INFO_MMAP		(1 << 6)

/*
 * PVH (xen/include/public/arch-x86/hvm/start_info.h and elfnote.h): the
 * loader enters the 32-bit entry named by the XEN_ELFNOTE_PHYS32_ENTRY note
 * in protected mode, paging off, with %ebx = physical address of
 * struct hvm_start_info.
 */
#define XEN_ELFNOTE_PHYS32_ENTRY 18
#define PVH_START_MAGIC		0x336ec578

/* The first stack: kmain and later the boot CPU's idle loop run on it. */
#define BOOT_STACK_SIZE		65536

#ifndef __ASSEMBLER__
#include <stdint.h>

struct mb_info {			/* §3.3, the fields vmgo reads */
	uint32_t	flags;
	uint32_t	mem_lower;	/* KiB from 0 */
	uint32_t	mem_upper;	/* KiB from 1 MiB */
	uint32_t	boot_device;
	uint32_t	cmdline;
	uint32_t	mods_count;
	uint32_t	mods_addr;
	uint32_t	syms[4];
	uint32_t	mmap_length;
	uint32_t	mmap_addr;
};

struct mb_mmap_entry {			/* §3.3: size excludes itself */
	uint32_t	size;
	uint64_t	addr;
	uint64_t	len;
	uint32_t	type;
} __attribute__((packed));

struct hvm_start_info {
	uint32_t	magic;		/* PVH_START_MAGIC */
	uint32_t	version;	/* memmap fields exist from version 1 */
	uint32_t	flags;
	uint32_t	nr_modules;
	uint64_t	modlist_paddr;
	uint64_t	cmdline_paddr;
	uint64_t	rsdp_paddr;
	uint64_t	memmap_paddr;
	uint32_t	memmap_entries;
	uint32_t	reserved;
};

struct hvm_memmap_entry {		/* E820 numbering of types */
	uint64_t	addr;
	uint64_t	size;
	uint32_t	type;
	uint32_t	reserved;
};

/*
 * Called by boot/long.S on the boot stack in 64-bit mode with the loader's
 * magic (MB_BOOT_MAGIC or PVH_START_MAGIC) and the physical address of its
 * information structure.  Fills the static struct bootinfo and calls kmain.
 */
_Noreturn void	boot_main(uint32_t magic, uint32_t info);

/* Bottom of the 4 KiB guard region below the boot stack (boot/long.S). */
extern char	boot_stack_guard[];
extern char	boot_stack_top[];
#endif

#endif

/* SPDX-License-Identifier: ISC */
/*
 * bootinfo.h: what boot/ hands to kmain(), whatever the loader was
 * (multiboot 1 or PVH).  Everything is copied into this structure, which
 * lives in the image's .bss, so the loader's own tables can be overwritten.
 */
#ifndef VMGO_BOOTINFO_H
#define VMGO_BOOTINFO_H

#include <stdint.h>

#define BOOTINFO_MAX_MEM	64	/* memory map entries kept */
#define BOOTINFO_CMDLINE_MAX	4096	/* bytes, including the NUL */

#define BOOT_LOADER_MULTIBOOT	1
#define BOOT_LOADER_PVH		2

#define BOOT_MEM_RAM		1	/* E820 type 1: usable */
#define BOOT_MEM_RESERVED	2
#define BOOT_MEM_ACPI		3
#define BOOT_MEM_NVS		4

struct boot_mem {
	uint64_t	addr;
	uint64_t	len;
	uint32_t	type;		/* BOOT_MEM_* (E820 numbering) */
	uint32_t	pad;
};

struct bootinfo {
	uint32_t	loader;		/* BOOT_LOADER_* */
	uint32_t	nmem;
	struct boot_mem	mem[BOOTINFO_MAX_MEM];
	uint64_t	rsdp;		/* ACPI RSDP physical address, 0 if unknown */
	/*
	 * The kernel command line, without the kernel file name that
	 * multiboot loaders put first.  Always NUL-terminated; a longer line
	 * is cut and cmdline_truncated set.
	 */
	char		cmdline[BOOTINFO_CMDLINE_MAX];
	uint32_t	cmdline_truncated;
};

#endif

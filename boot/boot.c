/* SPDX-License-Identifier: ISC */
/*
 * boot.c: turn what the loader handed over (multiboot information or a PVH
 * start_info) into a struct bootinfo, then call kmain().  Runs on the boot
 * stack before anything is initialised; the boot page tables identity-map
 * the first 4 GiB, so any loader address below 4 GiB is a usable pointer.
 */
#include <stddef.h>
#include <stdint.h>

#include <vmgo/abi.h>
#include <vmgo/bootinfo.h>

#include "kernel.h"
#include "boot.h"

#define BOOT_MAPPED_TOP	0x100000000ULL	/* end of the boot identity map */

static struct bootinfo bi;
uint64_t boot_entry_tsc;	/* vmgo.boottime=1 reports it (runtime/main.c) */

/*
 * A pointer to physical address pa.  The empty asm hides the constant from
 * gcc, which otherwise warns about dereferencing small fixed addresses.
 */
static const void *
phys(uint64_t pa)
{
	uintptr_t p = (uintptr_t)pa;

	__asm__("" : "+r"(p));
	return (const void *)p;
}

/* Can [pa, pa + len) be read through the boot identity map? */
static int
readable(uint64_t pa, uint64_t len)
{
	return pa != 0 && pa < BOOT_MAPPED_TOP && len <= BOOT_MAPPED_TOP - pa;
}

static void
add_mem(uint64_t addr, uint64_t len, uint32_t type)
{
	struct boot_mem *m;

	if (len == 0 || bi.nmem == BOOTINFO_MAX_MEM)
		return;
	m = &bi.mem[bi.nmem++];
	m->addr = addr;
	m->len = len;
	/* Both protocols use E820 numbering; fold the rarer types. */
	m->type = (type >= BOOT_MEM_RAM && type <= BOOT_MEM_NVS) ?
	    type : BOOT_MEM_RESERVED;
	m->pad = 0;
}

/* Copy the NUL-terminated string at pa, without its first word if asked. */
static void
set_cmdline(uint64_t pa, int drop_first_word)
{
	const char *s;
	size_t i;

	if (!readable(pa, 1))
		return;
	s = phys(pa);
	if (drop_first_word) {
		/* QEMU and GRUB pass "KERNEL-PATH ARGS"; keep ARGS. */
		while (*s == ' ' || *s == '\t')
			s++;
		while (*s != '\0' && *s != ' ' && *s != '\t')
			s++;
		if (*s != '\0')
			s++;
	}
	for (i = 0; s[i] != '\0' && i < sizeof(bi.cmdline) - 1; i++)
		bi.cmdline[i] = s[i];
	bi.cmdline[i] = '\0';
	bi.cmdline_truncated = s[i] != '\0';
}

static int
sum_is_zero(const uint8_t *p, size_t n)
{
	uint8_t sum = 0;

	while (n-- > 0)
		sum += *p++;
	return sum == 0;
}

/* An RSDP on a 16-byte boundary in [start, start + len) (ACPI 6.5 §5.2.5.1). */
static uint64_t
rsdp_scan(uint64_t start, uint64_t len)
{
	static const char sig[8] = "RSD PTR ";
	const uint8_t *p;
	uint64_t a;
	uint32_t xlen;
	int i;

	for (a = start; a + 36 <= start + len; a += 16) {
		p = phys(a);
		for (i = 0; i < 8 && p[i] == (uint8_t)sig[i]; i++)
			continue;
		if (i < 8 || !sum_is_zero(p, 20))
			continue;
		/* Revision 2+: the 36-byte structure has its own checksum. */
		if (p[15] >= 2) {
			xlen = (uint32_t)p[20] | (uint32_t)p[21] << 8 |
			    (uint32_t)p[22] << 16 | (uint32_t)p[23] << 24;
			if (xlen < 36 || xlen > 64 || !sum_is_zero(p, xlen))
				continue;
		}
		return a;
	}
	return 0;
}

/* Where BIOS firmware leaves the RSDP: the EBDA's first KiB, then the
 * read-only BIOS area 0xe0000-0xfffff (ACPI 6.5 §5.2.5.1). */
static uint64_t
rsdp_find_bios(void)
{
	const uint16_t *ebda_seg = phys(0x40e);	/* BIOS data area */
	uint64_t ebda = (uint64_t)*ebda_seg << 4, a;

	if (ebda >= 0x80000 && ebda < 0xa0000 &&
	    (a = rsdp_scan(ebda, 1024)) != 0)
		return a;
	return rsdp_scan(0xe0000, 0x20000);
}

static void
from_multiboot(uint32_t info)
{
	const struct mb_info *mbi;
	const struct mb_mmap_entry *e;
	uint64_t p, end;

	bi.loader = BOOT_LOADER_MULTIBOOT;
	if (!readable(info, sizeof(*mbi)))
		return;
	mbi = phys(info);
	if ((mbi->flags & MB_INFO_MMAP) &&
	    readable(mbi->mmap_addr, mbi->mmap_length)) {
		p = mbi->mmap_addr;
		end = p + mbi->mmap_length;
		while (p + sizeof(*e) <= end) {
			e = phys(p);
			add_mem(e->addr, e->len, e->type);
			if (e->size == 0)
				break;
			p += e->size + sizeof(e->size);
		}
	} else if (mbi->flags & MB_INFO_MEMORY) {
		/* No map: the two classic ranges below and above 1 MiB. */
		add_mem(0, (uint64_t)mbi->mem_lower << 10, BOOT_MEM_RAM);
		add_mem(0x100000, (uint64_t)mbi->mem_upper << 10, BOOT_MEM_RAM);
	}
	if (mbi->flags & MB_INFO_CMDLINE)
		set_cmdline(mbi->cmdline, 1);
	bi.rsdp = rsdp_find_bios();
}

static void
from_pvh(uint32_t info)
{
	const struct hvm_start_info *si;
	const struct hvm_memmap_entry *m;
	uint32_t i;

	bi.loader = BOOT_LOADER_PVH;
	if (!readable(info, sizeof(*si)))
		return;
	si = phys(info);
	if (si->magic != PVH_START_MAGIC)
		return;
	/* Version 0 has no memory map; kmain reports the empty map. */
	if (si->version >= 1 &&
	    readable(si->memmap_paddr, (uint64_t)si->memmap_entries * sizeof(*m))) {
		m = phys(si->memmap_paddr);
		for (i = 0; i < si->memmap_entries; i++)
			add_mem(m[i].addr, m[i].size, m[i].type);
	}
	set_cmdline(si->cmdline_paddr, 0);
	bi.rsdp = si->rsdp_paddr;
	if (bi.rsdp == 0)
		bi.rsdp = rsdp_find_bios();
}

/*
 * Called once by long_start64 (boot/long.S) on the boot stack with
 * interrupts off.  Never returns.
 */
void
boot_main(uint32_t magic, uint32_t info)
{
	boot_entry_tsc = rdtsc();
	switch (magic) {
	case MB_BOOT_MAGIC:
		from_multiboot(info);
		break;
	case PVH_START_MAGIC:
		from_pvh(info);
		break;
	default:
		console_init();
		kprintf("vmgo: unknown boot loader (magic %#x)\n", magic);
		platform_exit(VMGO_EXIT_PANIC);
	}
	kmain(&bi);
}

/* SPDX-License-Identifier: ISC */
/*
 * test_vm.c: the page-table code of vm.c on the host.  Page-table pages
 * come from the real page.c over a host arena (identity: a frame's address
 * is a pointer), so entries can be built and walked; nothing is loaded
 * into CR3, and no mapped address is ever dereferenced.  vm_init() itself
 * needs ring 0 (CPUID/MSR/CR writes); its per-chunk logic (init_chunk) is
 * run directly against a fake memory map and a fake image.
 */
#include "harness.h"
#include "host_shim.h"

#include <string.h>

#include "../../runtime/mm/page.c"
#include "../../runtime/mm/vm.c"

/*
 * A fake image inside this program's .data (so below its _end): two pages
 * of text, one of rodata, the boot stack's guard page, then data.
 */
__asm__(".data\n"
    ".balign 4096\n"
    ".globl __text_start, __text_end, __rodata_start, __rodata_end\n"
    ".globl boot_stack_guard, fake_data\n"
    "__text_start: .skip 8192\n"
    "__text_end:\n"
    "__rodata_start: .skip 4096\n"
    "__rodata_end:\n"
    "boot_stack_guard: .skip 4096\n"
    "fake_data: .skip 4096\n"
    ".previous\n");
extern char fake_data[];

unsigned int ncpus = 1;

#define ARENA_PAGES	2048
#define RW		(VM_READ | VM_WRITE)
#define VA		0x0000123400000000UL	/* 1 GiB aligned test area */

static char *arena;
static int nfreed;
static uintptr_t freed_last;

static void
count_free(uintptr_t pa)
{
	nfreed++;
	freed_last = pa;
}

static void
setup(void)
{
	struct prange r;

	if (arena == NULL)
		arena = aligned_alloc(PAGE_SIZE, (ARENA_PAGES + 1) * PAGE_SIZE);
	r.base = (uintptr_t)arena;
	r.end = r.base + (ARENA_PAGES + 1) * PAGE_SIZE;
	page_init_ranges(&r, 1);
	pml4 = (uint64_t *)page_alloc();
	pte_nx = PTE_NX;
	nfreed = 0;
}

static uint64_t *
pde_at(uintptr_t va)
{
	return pde_of(va, 0);
}

TEST(map_lookup_unmap_4k)
{
	int fl;

	setup();
	EXPECT_EQ(vm_lookup(VA, &fl), 0);
	EXPECT_EQ(fl, 0);
	EXPECT_EQ(vm_map(VA, 0x5000, 3 * PAGE_SIZE, RW), 0);
	EXPECT_EQ(vm_lookup(VA + 0x123, &fl), 0x5123);
	EXPECT_EQ(fl, RW);
	EXPECT_EQ(vm_lookup(VA + 2 * PAGE_SIZE, NULL), 0x7000);
	EXPECT_EQ(vm_lookup(VA + 3 * PAGE_SIZE, NULL), 0);
	/* Four tables: PDPT, PD, PT (the PML4 came first). */
	EXPECT_EQ(page_total_count() - page_free_count(), 4);
	vm_unmap(VA + PAGE_SIZE, PAGE_SIZE, count_free);
	EXPECT_EQ(nfreed, 1);
	EXPECT_EQ(freed_last, 0x6000);
	EXPECT_EQ(vm_lookup(VA + PAGE_SIZE, NULL), 0);
	EXPECT_EQ(vm_lookup(VA, NULL), 0x5000);
	/* NULL free_frame: entries go, nothing is called. */
	vm_unmap(VA, 3 * PAGE_SIZE, NULL);
	EXPECT_EQ(vm_lookup(VA + 2 * PAGE_SIZE, NULL), 0);
	EXPECT_EQ(nfreed, 1);
}

TEST(flags_to_entries)
{
	uint64_t *pte;
	int fl;

	setup();
	EXPECT_EQ(vm_map(VA, 0x1000, PAGE_SIZE, VM_READ), 0);
	EXPECT_EQ(vm_map(VA + PAGE_SIZE, 0x2000, PAGE_SIZE,
	    VM_READ | VM_EXEC), 0);
	EXPECT_EQ(vm_map(VA + 2 * PAGE_SIZE, 0xfee00000, PAGE_SIZE,
	    RW | VM_UNCACHED), 0);
	pte = pte_of(VA, 0);
	EXPECT_EQ(*pte, 0x1000 | PTE_P | PTE_NX);
	EXPECT_EQ(pte[1], 0x2000 | PTE_P);
	EXPECT_EQ(pte[2],
	    0xfee00000 | PTE_P | PTE_W | PTE_PCD | PTE_PWT | PTE_NX);
	vm_lookup(VA + 2 * PAGE_SIZE, &fl);
	EXPECT_EQ(fl, RW | VM_UNCACHED);
	/* Upper levels allow everything. */
	EXPECT_EQ(pml4[ix(VA, 3)] & (PTE_P | PTE_W | PTE_NX), PTE_P | PTE_W);
	/* Without NX support no NX bit appears. */
	pte_nx = 0;
	EXPECT_EQ(vm_map(VA + 3 * PAGE_SIZE, 0x3000, PAGE_SIZE, VM_READ), 0);
	EXPECT_EQ(pte[3], 0x3000 | PTE_P);
}

TEST(large_pages_map_split_protect_unmap)
{
	uint64_t *pde;
	int fl, i;

	setup();
	/* 2 MiB aligned on both sides: two 2 MiB entries, no page table. */
	EXPECT_EQ(vm_map(VA, 0x40000000, 4 << 20, VM_READ), 0);
	pde = pde_at(VA);
	EXPECT(pde != NULL && (*pde & PTE_PS));
	EXPECT_EQ(page_total_count() - page_free_count(), 3);
	EXPECT_EQ(vm_lookup(VA + (2 << 20) + 0x1234, &fl), 0x40201234);
	EXPECT_EQ(fl, VM_READ);
	/* Protecting one page splits the first 2 MiB page only. */
	EXPECT_EQ(vm_protect(VA + 5 * PAGE_SIZE, PAGE_SIZE, RW), 0);
	EXPECT((*pde & PTE_PS) == 0);
	EXPECT((pde[1] & PTE_PS) != 0);
	vm_lookup(VA + 5 * PAGE_SIZE, &fl);
	EXPECT_EQ(fl, RW);
	vm_lookup(VA + 6 * PAGE_SIZE, &fl);
	EXPECT_EQ(fl, VM_READ);
	EXPECT_EQ(vm_lookup(VA + 511 * PAGE_SIZE, NULL),
	    0x40000000 + 511 * PAGE_SIZE);
	/* A whole 2 MiB page changes in place. */
	EXPECT_EQ(vm_protect(VA + (2 << 20), 2 << 20, RW), 0);
	EXPECT_EQ(pde[1], 0x40200000 | PTE_P | PTE_W | PTE_PS | PTE_NX);
	/* Unmap across both: 4 KiB frames of the split one, 512 of the rest. */
	vm_unmap(VA + (1 << 20), 2 << 20, count_free);
	EXPECT_EQ(nfreed, 512);
	EXPECT_EQ(vm_lookup(VA + (1 << 20) - 1, NULL), 0x400fffff);
	EXPECT_EQ(vm_lookup(VA + (1 << 20), NULL), 0);
	EXPECT_EQ(vm_lookup(VA + (3 << 20) - 1, NULL), 0);
	EXPECT_EQ(vm_lookup(VA + (3 << 20), NULL), 0x40300000);
	for (i = 0; i < 256; i++)
		EXPECT_EQ(vm_lookup(VA + (3 << 20) + i * PAGE_SIZE, NULL),
		    0x40300000 + i * PAGE_SIZE);
	/* Unaligned physical side: 4 KiB pages. */
	EXPECT_EQ(vm_map(VA + (8 << 20), 0x40001000, 2 << 20, RW), 0);
	EXPECT((*pde_at(VA + (8 << 20)) & PTE_PS) == 0);
}

TEST(prot_none_keeps_frames)
{
	int fl;

	setup();
	EXPECT_EQ(vm_map_new(VA, 0x9000, RW), 0);
	EXPECT_EQ(vm_map_new(VA, 0xa000, RW), -EEXIST);
	EXPECT_EQ(vm_protect(VA, PAGE_SIZE, 0), 0);
	EXPECT_EQ(vm_lookup(VA, &fl), 0);
	EXPECT_EQ(fl, 0);
	EXPECT_EQ(*pte_of(VA, 0), 0x9000 | PTE_HELD);
	/* Still occupied: a fault must not put a fresh frame there. */
	EXPECT_EQ(vm_map_new(VA, 0xa000, RW), -EEXIST);
	EXPECT_EQ(vm_protect(VA, PAGE_SIZE, VM_READ), 0);
	EXPECT_EQ(vm_lookup(VA, &fl), 0x9000);
	EXPECT_EQ(fl, VM_READ);
	/* Unmapping returns a held frame too. */
	EXPECT_EQ(vm_protect(VA, PAGE_SIZE, 0), 0);
	vm_unmap(VA, PAGE_SIZE, count_free);
	EXPECT_EQ(nfreed, 1);
	EXPECT_EQ(freed_last, 0x9000);
	EXPECT_EQ(vm_map_new(VA, 0xa000, RW), 0);
	/* Protecting unmapped space maps nothing. */
	EXPECT_EQ(vm_protect(VA + PAGE_SIZE, 64 * PAGE_SIZE, RW), 0);
	EXPECT_EQ(vm_lookup(VA + PAGE_SIZE, NULL), 0);
}

TEST(sparse_walks_skip_missing_tables)
{
	int i;

	setup();
	for (i = 0; i < 4; i++)
		EXPECT_EQ(vm_map_new(VA + (uintptr_t)i * (1UL << 39) +
		    12345 * PAGE_SIZE, 0x100000 + i * PAGE_SIZE, RW), 0);
	/* 64 TiB minus a bit: quick only if empty tables are skipped whole. */
	vm_unmap(PAGE_SIZE, VA_USER_TOP - 2 * PAGE_SIZE, count_free);
	EXPECT_EQ(nfreed, 4);
	EXPECT_EQ(vm_protect(PAGE_SIZE, VA_USER_TOP - 2 * PAGE_SIZE, RW), 0);
}

TEST(out_of_table_frames)
{
	uintptr_t va;
	int r = 0, n = 0;

	setup();
	/* Each new 2 MiB region needs a page table; new 1 GiB ones a PD. */
	for (va = VA; n < ARENA_PAGES + 10; va += 2 << 20, n++)
		if ((r = vm_map_new(va, 0x1000, RW)) != 0)
			break;
	EXPECT_EQ(r, -ENOMEM);
	EXPECT_EQ(page_free_count(), 0);
	EXPECT_EQ(vm_map(va, 0x1000, PAGE_SIZE, RW), -ENOMEM);
	/* What was mapped stays mapped. */
	EXPECT_EQ(vm_lookup(VA, NULL), 0x1000);
}

TEST(mmio_windows)
{
	void *p;
	int fl;

	setup();
	p = vm_map_mmio(0xfebf1010, 0x20);
	EXPECT_EQ((uintptr_t)p, 0xfebf1010);
	vm_lookup(0xfebf1000, &fl);
	EXPECT_EQ(fl, RW | VM_UNCACHED);
	/* Beyond the identity map's reach: the MMIO window. */
	p = vm_map_mmio(0x10000000000UL + 0x80, 4 << 20);
	EXPECT_EQ((uintptr_t)p, VA_MMIO + 0x80);
	EXPECT_EQ(vm_lookup(VA_MMIO + (4 << 20), NULL),
	    0x10000000000UL + (4 << 20));
	p = vm_map_mmio(0x20000000000UL, PAGE_SIZE);
	EXPECT_EQ((uintptr_t)p, VA_MMIO + (4 << 20) + PAGE_SIZE);
	EXPECT(vm_map_mmio(0x30000000000UL, 0) == NULL);
}

static struct bootinfo fake_bi;

TEST(init_chunks_follow_memory_map_and_image)
{
	uintptr_t text = (uintptr_t)__text_start;
	int fl;

	setup();
	memset(&fake_bi, 0, sizeof(fake_bi));
	fake_bi.nmem = 4;
	fake_bi.mem[0] = (struct boot_mem){ 0, 0x9fc00, BOOT_MEM_RAM, 0 };
	fake_bi.mem[1] = (struct boot_mem){ 0xf0000, 0x10000,
	    BOOT_MEM_RESERVED, 0 };
	fake_bi.mem[2] = (struct boot_mem){ 0x100000, 0x1ff00000, BOOT_MEM_RAM, 0 };
	fake_bi.mem[3] = (struct boot_mem){ 0x100000000UL, 0x100000, BOOT_MEM_RAM, 0 };
	boot_info = &fake_bi;
	image_lo = text;
	image_hi = (uintptr_t)fake_data + PAGE_SIZE;

	init_chunk(0);
	EXPECT_EQ(vm_lookup(0, NULL), 0);		/* page 0 absent */
	EXPECT_EQ(vm_lookup(0x1000, &fl), 0x1000);
	EXPECT_EQ(fl, RW);
	EXPECT_EQ(vm_lookup(0xb8000, &fl), 0xb8000);	/* VGA: a hole */
	EXPECT_EQ(fl, RW | VM_UNCACHED);
	EXPECT_EQ(vm_lookup(0xf0000, &fl), 0xf0000);	/* BIOS: reserved */
	EXPECT_EQ(fl, RW | VM_UNCACHED);
	init_chunk(0x10000000);				/* plain RAM */
	EXPECT(*pde_at(0x10000000) & PTE_PS);
	vm_lookup(0x10000000, &fl);
	EXPECT_EQ(fl, RW);
	init_chunk(0xfee00000);				/* LAPIC */
	EXPECT(*pde_at(0xfee00000) & PTE_PS);
	vm_lookup(0xfee00000, &fl);
	EXPECT_EQ(fl, RW | VM_UNCACHED);
	init_chunk(0x100000000UL);		/* 1 MiB of RAM, then none */
	EXPECT_EQ(vm_lookup(0x1000ff000UL, &fl), 0x1000ff000UL);
	EXPECT_EQ(fl, RW);
	EXPECT_EQ(vm_lookup(0x100100000UL, NULL), 0);
	init_chunk(0x200000000UL);			/* nothing there */
	EXPECT(pde_at(0x200000000UL) == NULL || *pde_at(0x200000000UL) == 0);

	/*
	 * The fake image, in this program's .data. ASLR places it at any
	 * page, so its five pages may straddle a 2 MiB boundary: build
	 * every chunk it touches, as the kernel does for the real image.
	 */
	for (uintptr_t c = ALIGN_DOWN(text, 2 << 20); c < image_hi;
	    c += 2 << 20)
		init_chunk(c);
	vm_lookup(text, &fl);
	EXPECT_EQ(fl, VM_READ | VM_EXEC);
	vm_lookup(text + PAGE_SIZE, &fl);
	EXPECT_EQ(fl, VM_READ | VM_EXEC);
	vm_lookup((uintptr_t)__rodata_start, &fl);
	EXPECT_EQ(fl, VM_READ);
	EXPECT_EQ(vm_lookup((uintptr_t)boot_stack_guard, NULL), 0);
	vm_lookup((uintptr_t)fake_data, &fl);
	EXPECT_EQ(fl, RW);
	boot_info = NULL;
}

/* runtime/smp.c stand-in: records what the other CPUs would flush. */
static int shootdowns, freed_before_shootdown;
static uintptr_t shot_lo, shot_hi;

void
smp_tlb_shootdown(uintptr_t lo, uintptr_t hi)
{
	shootdowns++;
	shot_lo = lo;
	shot_hi = hi;
	freed_before_shootdown = nfreed;
}

TEST(smp_shootdown_before_frames_are_freed)
{
	setup();
	EXPECT_EQ(vm_map(VA, 0x1000, PAGE_SIZE, RW), 0);
	shootdowns = 0;
	vm_unmap(VA, PAGE_SIZE, NULL);
	EXPECT_EQ(shootdowns, 0);	/* one CPU: nothing to shoot */
	EXPECT_EQ(vm_map(VA, 0x1000, PAGE_SIZE, RW), 0);
	ncpus = 2;
	nfreed = 0;
	vm_unmap(VA, PAGE_SIZE, count_free);
	ncpus = 1;
	EXPECT_EQ(shootdowns, 1);
	EXPECT(shot_lo <= VA && shot_hi >= VA + PAGE_SIZE);
	EXPECT_EQ(freed_before_shootdown, 0);
	EXPECT_EQ(nfreed, 1);
}

/* SPDX-License-Identifier: ISC */
/*
 * test_page.c: the page-frame allocator over a host arena posing as RAM.
 * page_init() itself is not run: host addresses lie above VA_STACKS and
 * below the test program's _end, so it would (rightly) keep nothing; its
 * two halves, page_usable_ranges() and page_init_ranges(), are tested.
 */
#include "harness.h"
#include "host_shim.h"

#include <string.h>

#include "../../runtime/mm/page.c"

#define ARENA_PAGES	256
#define ARENA_END	((uintptr_t)arena + (ARENA_PAGES + 1) * PAGE_SIZE)

static char *arena;

/* Fresh allocator over npages of host memory (plus one bitmap page). */
static void
setup(size_t npages)
{
	struct prange r;

	free(arena);
	arena = aligned_alloc(PAGE_SIZE, (npages + 1) * PAGE_SIZE);
	memset(arena, 0xa5, (npages + 1) * PAGE_SIZE);
	r.base = (uintptr_t)arena;
	r.end = r.base + (npages + 1) * PAGE_SIZE;
	page_init_ranges(&r, 1);
}

/* Is the run [pa, pa + n pages) inside the arena, past the bitmap page? */
static int
in_arena(uintptr_t pa, size_t n)
{
	return pa >= (uintptr_t)arena + PAGE_SIZE &&
	    pa + n * PAGE_SIZE <= ARENA_END;
}

static int
is_zero(uintptr_t pa, size_t n)
{
	const unsigned char *p = (const unsigned char *)pa;
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != 0)
			return 0;
	return 1;
}

TEST(counts_after_init)
{
	setup(ARENA_PAGES);
	EXPECT_EQ(page_total_count(), ARENA_PAGES);
	EXPECT_EQ(page_free_count(), ARENA_PAGES);
	EXPECT_EQ(page_phys_top(), ARENA_END);
}

TEST(exhaustion_distinct_zeroed_then_all_back)
{
	static uintptr_t got[ARENA_PAGES];
	size_t i, j;

	setup(ARENA_PAGES);
	for (i = 0; i < ARENA_PAGES; i++) {
		got[i] = page_alloc();
		EXPECT(got[i] != 0);
		EXPECT_EQ(got[i] % PAGE_SIZE, 0);
		/* never the bitmap page, never outside the arena */
		EXPECT(got[i] >= (uintptr_t)arena + PAGE_SIZE);
		EXPECT(got[i] < ARENA_END);
		EXPECT(is_zero(got[i], PAGE_SIZE));
		memset((void *)got[i], i & 0xff, PAGE_SIZE);
	}
	EXPECT_EQ(page_alloc(), 0);
	EXPECT_EQ(page_alloc_contig(2), 0);
	EXPECT_EQ(page_free_count(), 0);
	for (i = 0; i < ARENA_PAGES; i++)
		for (j = i + 1; j < ARENA_PAGES; j++)
			if (got[i] == got[j])
				EXPECT(got[i] != got[j]);
	for (i = 0; i < ARENA_PAGES; i++)
		page_free(got[i]);
	EXPECT_EQ(page_free_count(), page_total_count());
}

TEST(reuse_lowest_frame_zeroed_again)
{
	uintptr_t a, b, c;

	setup(ARENA_PAGES);
	a = page_alloc();
	b = page_alloc();
	memset((void *)a, 0x5a, PAGE_SIZE);
	page_free(a);
	c = page_alloc();
	EXPECT_EQ(c, a);
	EXPECT(is_zero(c, PAGE_SIZE));
	page_free(b);
	page_free(c);
	EXPECT_EQ(page_free_count(), page_total_count());
}

TEST(contiguous_runs)
{
	static uintptr_t got[ARENA_PAGES];
	uintptr_t run, run2;
	size_t i;

	setup(ARENA_PAGES);
	run = page_alloc_contig(16);
	EXPECT(run != 0);
	EXPECT(in_arena(run, 16));
	EXPECT(is_zero(run, 16 * PAGE_SIZE));
	EXPECT_EQ(page_free_count(), ARENA_PAGES - 16);
	/* A single frame never lands inside the run. */
	got[0] = page_alloc();
	EXPECT(got[0] < run || got[0] >= run + 16 * PAGE_SIZE);
	page_free(got[0]);
	/* Too big for what is left. */
	EXPECT_EQ(page_alloc_contig(ARENA_PAGES - 15), 0);
	run2 = page_alloc_contig(ARENA_PAGES - 16);
	EXPECT(run2 != 0);
	EXPECT_EQ(page_free_count(), 0);
	page_free_contig(run2, ARENA_PAGES - 16);
	/* Give a run back in pieces. */
	page_free_contig(run, 8);
	page_free_contig(run + 8 * PAGE_SIZE, 8);
	EXPECT_EQ(page_free_count(), page_total_count());

	/* Fragment: every other frame taken, so no run of 2 exists. */
	for (i = 0; i < ARENA_PAGES; i++)
		got[i] = page_alloc();
	for (i = 0; i < ARENA_PAGES; i += 2)
		page_free(got[i]);
	EXPECT_EQ(page_alloc_contig(2), 0);
	page_free(got[1]);
	run = page_alloc_contig(3);
	EXPECT_EQ(run, got[0]);
	page_free_contig(run, 3);
	for (i = 3; i < ARENA_PAGES; i += 2)
		page_free(got[i]);
	EXPECT_EQ(page_free_count(), page_total_count());
}

TEST(double_free_and_stray_pointer_panic)
{
	jmp_buf jb;
	volatile int panicked = 0;
	uintptr_t a;

	setup(ARENA_PAGES);
	a = page_alloc();
	page_free(a);
	host_panic_jmp = &jb;
	if (setjmp(jb) == 0)
		page_free(a);
	else
		panicked = 1;
	EXPECT(panicked);
	/* panic() does not return in the image; here it left the lock held. */
	page_lock = (struct spinlock){ 0, 0 };
	panicked = 0;
	if (setjmp(jb) == 0)
		page_free((uintptr_t)arena);	/* the bitmap page */
	else
		panicked = 1;
	EXPECT(panicked);
	page_lock = (struct spinlock){ 0, 0 };
	host_panic_jmp = NULL;
	EXPECT_EQ(page_free_count(), page_total_count());
}

TEST(two_zones)
{
	char *a = aligned_alloc(PAGE_SIZE, 8 * PAGE_SIZE);
	char *b = aligned_alloc(PAGE_SIZE, 8 * PAGE_SIZE);
	struct prange r[2];
	uintptr_t got[16];
	int i, ina = 0, inb = 0;

	r[0].base = (uintptr_t)MIN(a, b);
	r[0].end = r[0].base + 8 * PAGE_SIZE;
	r[1].base = (uintptr_t)MAX(a, b);
	r[1].end = r[1].base + 8 * PAGE_SIZE;
	page_init_ranges(r, 2);
	/* One bitmap page, taken from the first zone. */
	EXPECT_EQ(page_total_count(), 15);
	for (i = 0; i < 15; i++) {
		got[i] = page_alloc();
		EXPECT(got[i] != 0);
		if (got[i] - (uintptr_t)a < 8 * PAGE_SIZE)
			ina++;
		if (got[i] - (uintptr_t)b < 8 * PAGE_SIZE)
			inb++;
	}
	EXPECT_EQ(ina + inb, 15);
	EXPECT_EQ(page_alloc(), 0);
	/* A run never spans two zones. */
	for (i = 0; i < 15; i++)
		page_free(got[i]);
	EXPECT_EQ(page_alloc_contig(8), r[1].base);
	page_free_contig(r[1].base, 8);
	EXPECT_EQ(page_alloc_contig(9), 0);
	EXPECT_EQ(page_free_count(), 15);
	free(a);
	free(b);
}

static struct bootinfo bi;

static void
add_mem(uint64_t addr, uint64_t len, uint32_t type)
{
	bi.mem[bi.nmem++] = (struct boot_mem){ addr, len, type, 0 };
}

TEST(usable_ranges_from_memory_map)
{
	struct prange r[ZONES_MAX];
	int n;

	/* A typical QEMU pc map with 5 GiB, listed out of order. */
	memset(&bi, 0, sizeof(bi));
	add_mem(0x100000000ULL, 0x40000000ULL, BOOT_MEM_RAM);
	add_mem(0, 0x9fc00, BOOT_MEM_RAM);
	add_mem(0x9fc00, 0x400, BOOT_MEM_RESERVED);
	add_mem(0xf0000, 0x10000, BOOT_MEM_RESERVED);
	add_mem(0x100000, 0xbfee0000, BOOT_MEM_RAM);
	add_mem(0xbffe0000, 0x20000, BOOT_MEM_RESERVED);
	add_mem(0xfeffc000, 0x4000, BOOT_MEM_RESERVED);
	/* Firmware oddities: an ACPI table inside RAM, a ragged RAM entry. */
	add_mem(0x20000800, 0x1000, BOOT_MEM_ACPI);
	add_mem(0x180000100ULL, 0x3f00, BOOT_MEM_RAM);
	/* RAM beyond the identity map's reach is not used. */
	add_mem(VA_STACKS - 0x200000, 0x400000, BOOT_MEM_RAM);
	n = page_usable_ranges(&bi, 0x100000, 0x523456, r, ZONES_MAX);
	EXPECT_EQ(n, 5);
	EXPECT_EQ(r[0].base, 0x524000);
	EXPECT_EQ(r[0].end, 0x20000000);
	EXPECT_EQ(r[1].base, 0x20002000);
	EXPECT_EQ(r[1].end, 0xbffe0000);
	EXPECT_EQ(r[2].base, 0x100000000ULL);
	EXPECT_EQ(r[2].end, 0x140000000ULL);
	EXPECT_EQ(r[3].base, 0x180001000ULL);
	EXPECT_EQ(r[3].end, 0x180004000ULL);
	EXPECT_EQ(r[4].base, VA_STACKS - 0x200000);
	EXPECT_EQ(r[4].end, VA_STACKS);

	/* Nothing but the first MiB and the image: nothing usable. */
	memset(&bi, 0, sizeof(bi));
	add_mem(0, 0x9fc00, BOOT_MEM_RAM);
	add_mem(0x100000, 0x400000, BOOT_MEM_RAM);
	EXPECT_EQ(page_usable_ranges(&bi, 0x100000, 0x500000, r, ZONES_MAX), 0);
}

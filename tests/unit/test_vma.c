/* SPDX-License-Identifier: ISC */
/*
 * test_vma.c: mmap bookkeeping (vma.c) with the real frame allocator over a
 * host arena and a fake page table that records what vma.c maps.
 */
#include "harness.h"
#include "host_shim.h"

#include <string.h>

#include "../../runtime/mm/page.c"
#include "../../runtime/mm/vma.c"

#define MiB		(1024UL * 1024)
#define GiB		(1024 * MiB)
#define NONE		VMA_PROT_NONE
#define RO		VMA_PROT_READ
#define RW		(VMA_PROT_READ | VMA_PROT_WRITE)
#define ERR_R		0x0		/* read of a not-present page */
#define ERR_W		PF_W
#define ARENA_PAGES	8192	/* 32 MiB: a 4 MiB heap commit fits the charge */

/* The fake page table: one entry per mapped 4 KiB page. */
struct fake_pte {
	uintptr_t	va, pa;
	int		flags;		/* 0: frame held, no access */
};
static struct fake_pte ptes[ARENA_PAGES + 16];
static int nptes;
static int fail_map;			/* vm_map_new returns -ENOMEM */

static struct fake_pte *
pte_find(uintptr_t va)
{
	int i;

	for (i = 0; i < nptes; i++)
		if (ptes[i].va == va)
			return &ptes[i];
	return NULL;
}

int
vm_map_new(uintptr_t va, uintptr_t pa, int flags)
{
	EXPECT_EQ(va % PAGE_SIZE, 0);
	if (fail_map)
		return -ENOMEM;
	if (pte_find(va) != NULL)
		return -EEXIST;
	EXPECT(nptes < (int)ARRAY_LEN(ptes));
	ptes[nptes++] = (struct fake_pte){ va, pa, flags };
	return 0;
}

void
vm_unmap(uintptr_t va, size_t len, void (*free_frame)(uintptr_t pa))
{
	int i;

	for (i = 0; i < nptes; i++) {
		if (ptes[i].va >= va && ptes[i].va - va < len) {
			if (free_frame != NULL)
				free_frame(ptes[i].pa);
			ptes[i--] = ptes[--nptes];
		}
	}
}

int
vm_protect(uintptr_t va, size_t len, int flags)
{
	int i;

	for (i = 0; i < nptes; i++)
		if (ptes[i].va >= va && ptes[i].va - va < len)
			ptes[i].flags = flags;
	return 0;
}

static char *arena;

/* Ranges sorted, disjoint, non-empty, page aligned, equal neighbours merged. */
static int
vmas_ok(void)
{
	size_t i;

	for (i = 0; i < nvma; i++) {
		if (vmas[i].start >= vmas[i].end || vmas[i].start % PAGE_SIZE ||
		    vmas[i].end % PAGE_SIZE || vmas[i].start < VA_MMAP ||
		    vmas[i].end > VA_USER_TOP)
			return 0;
		if (i > 0 && (vmas[i - 1].end > vmas[i].start ||
		    (vmas[i - 1].end == vmas[i].start &&
		    vmas[i - 1].prot == vmas[i].prot &&
		    vmas[i - 1].strict == vmas[i].strict)))
			return 0;
	}
	return 1;
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
	nptes = 0;
	fail_map = 0;
}

/* Unmap everything: every frame must be back, no range and no pte left. */
static void
teardown(void)
{
	EXPECT(vmas_ok());
	EXPECT_EQ(vma_unmap(VA_MMAP, VA_USER_TOP - VA_MMAP), 0);
	EXPECT_EQ(nvma, 0);
	EXPECT_EQ(nptes, 0);
	EXPECT_EQ(page_free_count(), page_total_count());
	EXPECT_EQ(committed, 0);
	EXPECT_EQ(backed, 0);
	if (vmas != vma_boot) {
		kfree(vmas);
		vmas = vma_boot;
		capvma = VMA_STATIC;
	}
	EXPECT_EQ(host_kmalloc_live, 0);
}

static uintptr_t
map(uintptr_t hint, size_t len, int prot, int fixed)
{
	uintptr_t out = 0;

	EXPECT_EQ(vma_map(hint, len, prot, fixed, &out), 0);
	EXPECT(vmas_ok());
	return out;
}

static size_t
used(void)
{
	return page_total_count() - page_free_count();
}

TEST(reservation_costs_no_ram)
{
	uintptr_t a;

	setup();
	a = map(0, 1100 * MiB, NONE, 0);
	EXPECT(a >= VA_MMAP && a + 1100 * MiB <= VA_GO_HEAP);
	EXPECT_EQ(used(), 0);
	EXPECT_EQ(vma_fault(a, ERR_R), -EFAULT);
	EXPECT_EQ(vma_fault(a + 1000 * MiB, ERR_W), -EFAULT);
	EXPECT_EQ(used(), 0);
	teardown();
}

TEST(hint_honoured_when_free_avoided_when_taken)
{
	uintptr_t h = 0xc000000000UL, a, b, c;

	setup();
	a = map(h, 64 * MiB, NONE, 0);
	EXPECT_EQ(a, h);
	/* Go's next hint, 1<<40 | 0xc000000000 */
	EXPECT_EQ(map((1UL << 40) | h, 64 * MiB, NONE, 0), (1UL << 40) | h);
	/* Taken: somewhere else, never overlapping. */
	b = map(h + 32 * MiB, 64 * MiB, RW, 0);
	EXPECT(b != h + 32 * MiB);
	EXPECT(b >= h + 64 * MiB || b + 64 * MiB <= h);
	/* The original reservation is untouched. */
	EXPECT_EQ(vma_fault(h + 40 * MiB, ERR_W), -EFAULT);
	EXPECT_EQ(vma_fault(b + 40 * MiB, ERR_W), 0);
	/* An unaligned hint is rounded down; one outside the area ignored. */
	EXPECT_EQ(map(0x10000000000UL + 123, PAGE_SIZE, RW, 0), 0x10000000000UL);
	c = map(0x1000, PAGE_SIZE, RW, 0);
	EXPECT(c >= VA_MMAP && c < VA_GO_HEAP);
	teardown();
}

TEST(unhinted_mappings_pack_and_merge)
{
	uintptr_t a, b, c;

	setup();
	a = map(0, 256 * 1024, RW, 0);
	b = map(0, 256 * 1024, RW, 0);
	c = map(0, 4096, NONE, 0);
	EXPECT_EQ(a, VA_MMAP);
	EXPECT_EQ(b, a + 256 * 1024);
	EXPECT_EQ(c, b + 256 * 1024);
	EXPECT_EQ(nvma, 2);		/* a and b merged */
	/* A freed gap is reused first fit. */
	EXPECT_EQ(vma_unmap(a, 256 * 1024), 0);
	EXPECT_EQ(map(0, 128 * 1024, RW, 0), a);
	teardown();
}

TEST(rw_memory_is_backed_on_touch_only)
{
	struct fake_pte *p;
	uintptr_t a;

	setup();
	a = map(0, 32 * MiB, RW, 0);
	EXPECT_EQ(used(), 0);
	EXPECT_EQ(vma_fault(a + 5, ERR_R), 0);
	EXPECT_EQ(vma_fault(a + 31 * MiB + 17, ERR_W), 0);
	EXPECT_EQ(vma_fault(a + 2 * PAGE_SIZE, ERR_W), 0);
	EXPECT_EQ(used(), 3);
	p = pte_find(a);
	EXPECT(p != NULL);
	if (p != NULL)
		EXPECT_EQ(p->flags, VM_READ | VM_WRITE);
	/* A second fault on the same page (another CPU won) backs nothing. */
	EXPECT_EQ(vma_fault(a + 100, ERR_W), 0);
	EXPECT_EQ(used(), 3);
	/* Past the end: unmapped. */
	EXPECT_EQ(vma_fault(a + 32 * MiB, ERR_R), -EFAULT);
	teardown();
}

TEST(fault_errors)
{
	uintptr_t a, r;

	setup();
	a = map(0, 16 * PAGE_SIZE, RW, 0);
	r = map(0, 4 * PAGE_SIZE, RO, 0);
	EXPECT_EQ(vma_fault(a, ERR_R | PF_P), -EFAULT);	/* present page */
	EXPECT_EQ(vma_fault(a, ERR_R | PF_RSVD), -EFAULT);
	EXPECT_EQ(vma_fault(a, PF_I), -EFAULT);		/* not PROT_EXEC */
	EXPECT_EQ(vma_fault(0, ERR_R), -EFAULT);		/* page 0 */
	EXPECT_EQ(vma_fault(0x100000, ERR_W), -EFAULT);	/* the image */
	EXPECT_EQ(vma_fault(VA_USER_TOP, ERR_R), -EFAULT);
	EXPECT_EQ(vma_fault(VA_MMAP - 1, ERR_R), -EFAULT);
	/* Read-only: a read backs a read-only page, a write faults. */
	EXPECT_EQ(vma_fault(r + PAGE_SIZE, ERR_W), -EFAULT);
	EXPECT_EQ(vma_fault(r + PAGE_SIZE, ERR_R), 0);
	EXPECT_EQ(pte_find(r + PAGE_SIZE)->flags, VM_READ);
	/* No frame left: -ENOMEM, nothing mapped; no page table: same. */
	fail_map = 1;
	EXPECT_EQ(vma_fault(a + PAGE_SIZE, ERR_W), -ENOMEM);
	fail_map = 0;
	EXPECT_EQ(used(), 1);
	teardown();
}

TEST(out_of_frames)
{
	uintptr_t a, p;
	int r = 0;

	setup();
	a = map(0, 2 * ARENA_PAGES * PAGE_SIZE, RW, 0);
	for (p = a; p < a + 2 * ARENA_PAGES * PAGE_SIZE; p += PAGE_SIZE)
		if ((r = vma_fault(p, ERR_W)) != 0)
			break;
	/* Lazily charged pages stop short of the reserve's upper half. */
	EXPECT_EQ(r, -ENOMEM);
	EXPECT_EQ(p, a + (ARENA_PAGES - commit_reserve() / 2) * PAGE_SIZE);
	EXPECT_EQ(page_free_count(), commit_reserve() / 2);
	teardown();
}

TEST(fixed_replaces_with_zero_pages)
{
	uintptr_t a;
	size_t n;

	setup();
	a = map(0, 64 * PAGE_SIZE, RW, 0);
	EXPECT_EQ(vma_fault(a, ERR_W), 0);
	EXPECT_EQ(vma_fault(a + 10 * PAGE_SIZE, ERR_W), 0);
	EXPECT_EQ(vma_fault(a + 11 * PAGE_SIZE, ERR_W), 0);
	EXPECT_EQ(vma_fault(a + 40 * PAGE_SIZE, ERR_W), 0);
	/* A stack span: FIXED RW over RW drops the frames of that part (and
	 * is a strict range of its own inside the lazy one). */
	n = nvma;
	EXPECT_EQ(map(a + 8 * PAGE_SIZE, 8 * PAGE_SIZE, RW, 1),
	    a + 8 * PAGE_SIZE);
	EXPECT_EQ(nvma, n + 2);
	EXPECT_EQ(used(), 2);
	EXPECT(pte_find(a) != NULL && pte_find(a + 40 * PAGE_SIZE) != NULL);
	EXPECT(pte_find(a + 10 * PAGE_SIZE) == NULL);
	EXPECT_EQ(vma_fault(a + 10 * PAGE_SIZE, ERR_R), 0);
	/* FIXED may also create a mapping in free space, or span both. */
	EXPECT_EQ(map(a + 64 * PAGE_SIZE, 64 * PAGE_SIZE, RW, 1),
	    a + 64 * PAGE_SIZE);
	EXPECT_EQ(map(a + 32 * PAGE_SIZE, 64 * PAGE_SIZE, RW, 1),
	    a + 32 * PAGE_SIZE);
	EXPECT_EQ(nvma, n + 3);
	EXPECT_EQ(committed, 8 + 96 + 1);	/* strict + lazy page a */
	EXPECT_EQ(used(), 2);
	teardown();
}

TEST(go_heap_commit_and_sysfault)
{
	uintptr_t h = 0xc000000000UL;

	setup();
	EXPECT_EQ(map(h, 64 * MiB, NONE, 0), h);
	/* sysMap: commit 4 MiB in the middle. */
	EXPECT_EQ(map(h + 8 * MiB, 4 * MiB, RW, 1), h + 8 * MiB);
	EXPECT_EQ(nvma, 3);
	EXPECT_EQ(vma_fault(h + 8 * MiB, ERR_W), 0);
	EXPECT_EQ(vma_fault(h + 12 * MiB, ERR_W), -EFAULT);
	EXPECT_EQ(vma_fault(h + 8 * MiB - 1, ERR_R), -EFAULT);
	/* Grow the commit: adjacent RW merges. */
	EXPECT_EQ(map(h + 12 * MiB, 4 * MiB, RW, 1), h + 12 * MiB);
	EXPECT_EQ(nvma, 3);
	/* sysFault: FIXED PROT_NONE makes it all fault and frees frames. */
	EXPECT_EQ(map(h + 8 * MiB, 8 * MiB, NONE, 1), h + 8 * MiB);
	EXPECT_EQ(nvma, 1);
	EXPECT_EQ(used(), 0);
	EXPECT_EQ(vma_fault(h + 8 * MiB, ERR_R), -EFAULT);
	teardown();
}

TEST(partial_unmap_head_middle_tail)
{
	uintptr_t a;

	setup();
	a = map(0, 64 * MiB, NONE, 0);
	/* sysReserveAligned trims head and tail. */
	EXPECT_EQ(vma_unmap(a, 4 * MiB), 0);
	EXPECT_EQ(vma_unmap(a + 60 * MiB, 4 * MiB), 0);
	EXPECT_EQ(nvma, 1);
	EXPECT_EQ(vmas[0].start, a + 4 * MiB);
	EXPECT_EQ(vmas[0].end, a + 60 * MiB);
	/* A hole in the middle splits it. */
	EXPECT_EQ(map(a + 20 * MiB, 8 * MiB, RW, 1), a + 20 * MiB);
	EXPECT_EQ(vma_fault(a + 21 * MiB, ERR_W), 0);
	EXPECT_EQ(vma_unmap(a + 16 * MiB, 8 * MiB), 0);
	EXPECT_EQ(nvma, 3);
	EXPECT_EQ(used(), 0);
	EXPECT_EQ(vma_fault(a + 21 * MiB, ERR_W), -EFAULT);
	EXPECT_EQ(vma_fault(a + 24 * MiB, ERR_W), 0);
	/* Free ranges and ranges spanning gaps unmap fine. */
	EXPECT_EQ(vma_unmap(a, 4 * MiB), 0);
	EXPECT_EQ(vma_unmap(0x500000000000UL, 1 * GiB), 0);
	EXPECT_EQ(vma_unmap(a + 8 * MiB, 32 * MiB), 0);
	EXPECT_EQ(nvma, 2);
	EXPECT(vmas_ok());
	/* len is rounded up to pages. */
	EXPECT_EQ(vma_unmap(a + 4 * MiB, 1), 0);
	EXPECT_EQ(vmas[0].start, a + 4 * MiB + PAGE_SIZE);
	teardown();
}

TEST(protect_splits_and_merges)
{
	uintptr_t a;

	setup();
	a = map(0, 16 * PAGE_SIZE, RW, 0);
	EXPECT_EQ(vma_fault(a + 4 * PAGE_SIZE, ERR_W), 0);
	EXPECT_EQ(vma_fault(a + 5 * PAGE_SIZE, ERR_W), 0);
	EXPECT_EQ(vma_protect(a + 4 * PAGE_SIZE, 4 * PAGE_SIZE, RO), 0);
	EXPECT_EQ(nvma, 3);
	EXPECT(vmas_ok());
	EXPECT_EQ(pte_find(a + 4 * PAGE_SIZE)->flags, VM_READ);
	EXPECT_EQ(vma_fault(a + 6 * PAGE_SIZE, ERR_W), -EFAULT);
	EXPECT_EQ(vma_fault(a + 6 * PAGE_SIZE, ERR_R), 0);
	EXPECT_EQ(vma_fault(a + 8 * PAGE_SIZE, ERR_W), 0);
	/* PROT_NONE keeps frames (contents survive), faults on access. */
	EXPECT_EQ(vma_protect(a + 4 * PAGE_SIZE, 2 * PAGE_SIZE, NONE), 0);
	EXPECT_EQ(nvma, 4);
	EXPECT_EQ(pte_find(a + 4 * PAGE_SIZE)->flags, 0);
	EXPECT_EQ(used(), 4);
	EXPECT_EQ(vma_fault(a + 4 * PAGE_SIZE, ERR_R), -EFAULT);
	/* Back to RW over the whole thing: one range again, same frames. */
	EXPECT_EQ(vma_protect(a, 16 * PAGE_SIZE, RW), 0);
	EXPECT_EQ(nvma, 1);
	EXPECT_EQ(used(), 4);
	EXPECT_EQ(pte_find(a + 4 * PAGE_SIZE)->flags, VM_READ | VM_WRITE);
	/* Holes: -ENOMEM and nothing changes. */
	EXPECT_EQ(vma_protect(a, 17 * PAGE_SIZE, RO), -ENOMEM);
	/* a == VA_MMAP: below it is outside the area. */
	EXPECT_EQ(vma_protect(a - PAGE_SIZE, 2 * PAGE_SIZE, RO), -EINVAL);
	EXPECT_EQ(nvma, 1);
	EXPECT_EQ(vmas[0].prot, RW);
	/* Protecting across two ranges merges them. */
	EXPECT_EQ(map(a + 16 * PAGE_SIZE, 4 * PAGE_SIZE, RO, 1),
	    a + 16 * PAGE_SIZE);
	EXPECT_EQ(nvma, 2);
	EXPECT_EQ(vma_protect(a + 8 * PAGE_SIZE, 12 * PAGE_SIZE, RO), 0);
	EXPECT_EQ(nvma, 2);
	EXPECT_EQ(vmas[1].start, a + 8 * PAGE_SIZE);
	teardown();
}

TEST(free_pages_keeps_the_mapping)
{
	uintptr_t a;

	setup();
	a = map(0, 64 * PAGE_SIZE, RW, 0);
	EXPECT_EQ(vma_fault(a, ERR_W), 0);
	EXPECT_EQ(vma_fault(a + 30 * PAGE_SIZE, ERR_W), 0);
	EXPECT_EQ(vma_fault(a + 63 * PAGE_SIZE, ERR_W), 0);
	EXPECT_EQ(vma_free_pages(a + PAGE_SIZE, 63 * PAGE_SIZE), 0);
	EXPECT_EQ(used(), 1);
	EXPECT_EQ(nvma, 1);
	EXPECT_EQ(vma_fault(a + 30 * PAGE_SIZE, ERR_W), 0);
	/* A range with a hole: mapped parts freed, -ENOMEM reported. */
	EXPECT_EQ(vma_free_pages(a, 128 * PAGE_SIZE), -ENOMEM);
	EXPECT_EQ(used(), 0);
	teardown();
}

TEST(bad_arguments)
{
	uintptr_t out;

	setup();
	EXPECT_EQ(vma_map(0, 0, RW, 0, &out), -EINVAL);
	EXPECT_EQ(vma_map(0, PAGE_SIZE, 8, 0, &out), -EINVAL);
	EXPECT_EQ(vma_map(VA_MMAP + 1, PAGE_SIZE, RW, 1, &out), -EINVAL);
	EXPECT_EQ(vma_map(0x100000, PAGE_SIZE, RW, 1, &out), -EINVAL);
	EXPECT_EQ(vma_map(VA_USER_TOP - PAGE_SIZE, 2 * PAGE_SIZE, RW, 1,
	    &out), -EINVAL);
	EXPECT_EQ(vma_map(0, (size_t)-1, RW, 0, &out), -ENOMEM);
	EXPECT_EQ(vma_map(0, VA_USER_TOP - VA_MMAP, NONE, 0, &out), 0);
	EXPECT_EQ(vma_map(0, PAGE_SIZE, NONE, 0, &out), -ENOMEM);
	EXPECT_EQ(vma_unmap(VA_MMAP + 1, PAGE_SIZE), -EINVAL);
	EXPECT_EQ(vma_unmap(VA_MMAP, 0), -EINVAL);
	EXPECT_EQ(vma_unmap(0x100000, PAGE_SIZE), -EINVAL);
	EXPECT_EQ(vma_protect(VA_MMAP, PAGE_SIZE, 9), -EINVAL);
	EXPECT_EQ(vma_free_pages(VA_MMAP + 2, PAGE_SIZE), -EINVAL);
	teardown();
}

TEST(many_ranges_grow_the_array)
{
	uintptr_t a;
	int i;

	setup();
	a = map(0, 1000 * PAGE_SIZE, RW, 0);
	for (i = 0; i < 1000; i += 2)
		EXPECT_EQ(vma_protect(a + i * PAGE_SIZE, PAGE_SIZE, RO), 0);
	EXPECT_EQ(nvma, 1000);
	EXPECT(capvma >= 1000);
	EXPECT(vmas_ok());
	for (i = 0; i < 1000; i += 7)
		EXPECT_EQ(vma_fault(a + i * PAGE_SIZE, ERR_R), 0);
	/* Unmapping every third page keeps the structure sound. */
	for (i = 1; i < 1000; i += 3)
		EXPECT_EQ(vma_unmap(a + i * PAGE_SIZE, PAGE_SIZE), 0);
	EXPECT(vmas_ok());
	EXPECT_EQ(vma_protect(a, PAGE_SIZE, RW), 0);
	EXPECT_EQ(vma_protect(a, 2 * PAGE_SIZE, RW), -ENOMEM);
	teardown();
}

/* Roughly what Go 1.23 does at start-up (mallocinit, pageAlloc init). */
TEST(go_startup_pattern)
{
	static const size_t levels[] = { 128 * 1024, 1 * MiB, 8 * MiB,
	    64 * MiB, 512 * MiB, 512 * MiB };
	uintptr_t idx, p, arena;
	size_t i;

	setup();
	for (i = 0; i < ARRAY_LEN(levels); i++)
		map(0, levels[i], NONE, 0);
	idx = map(0, 32 * MiB, RW, 0);
	for (p = idx; p < idx + 32 * MiB; p += 4 * MiB)
		EXPECT_EQ(vma_fault(p, ERR_W), 0);
	arena = map(0xc000000000UL, 64 * MiB, NONE, 0);
	EXPECT_EQ(arena, 0xc000000000UL);
	EXPECT_EQ(map(arena, 4 * MiB, RW, 1), arena);
	for (p = arena; p < arena + 4 * MiB; p += 64 * 1024)
		EXPECT_EQ(vma_fault(p, ERR_W), 0);
	/* Stack spans come and go inside the arena. */
	for (i = 0; i < 100; i++)
		EXPECT_EQ(map(arena + (i % 16) * 32 * 1024, 32 * 1024, RW, 1),
		    arena + (i % 16) * 32 * 1024);
	EXPECT_EQ(used(), 8 + 64 - 8);	/* spans cover 512 KiB */
	EXPECT(nvma <= ARRAY_LEN(levels) + 3);
	teardown();
}

/* The commit charge (vma.c): strict fixed RW maps, lazy everything else. */
TEST(commit_charge)
{
	uintptr_t h, l, p, out;
	size_t total, res, n, ok;

	setup();
	total = page_total_count();
	res = commit_reserve();
	n = total - res;		/* pages that may be promised */
	h = map(0xc000000000UL, 64 * MiB, NONE, 0);
	EXPECT_EQ(committed, 0);
	EXPECT_EQ(map(h, n * PAGE_SIZE, RW, 1), h);
	EXPECT_EQ(committed, n);
	EXPECT_EQ(used(), 0);
	EXPECT_EQ(vma_map(h + n * PAGE_SIZE, PAGE_SIZE, RW, 1, &out), -ENOMEM);
	/* A stack span remapped over promised pages costs nothing more. */
	EXPECT_EQ(map(h + 8 * PAGE_SIZE, 8 * PAGE_SIZE, RW, 1),
	    h + 8 * PAGE_SIZE);
	EXPECT_EQ(committed, n);
	/* Lazy pages may take only the reserve's upper half. */
	l = map(0, res * PAGE_SIZE, RW, 0);
	for (ok = 0; ok < res && vma_fault(l + ok * PAGE_SIZE, ERR_W) == 0;
	    ok++)
		;
	EXPECT_EQ(ok, res - res / 2);
	/* Promised pages can all be touched. */
	for (p = h; p < h + n * PAGE_SIZE; p += PAGE_SIZE)
		if (vma_fault(p, ERR_W) != 0)
			break;
	EXPECT_EQ(p, h + n * PAGE_SIZE);
	EXPECT_EQ(page_free_count(), res / 2);
	/* madvise and mprotect keep the charge; munmap and FIXED PROT_NONE
	 * give it back (and lazy frames with it). */
	EXPECT_EQ(vma_free_pages(h, n * PAGE_SIZE), 0);
	EXPECT_EQ(vma_protect(h, 16 * PAGE_SIZE, NONE), 0);
	EXPECT_EQ(vma_protect(h, 16 * PAGE_SIZE, RW), 0);
	EXPECT_EQ(committed, n + ok);
	EXPECT_EQ(vma_map(h + n * PAGE_SIZE, PAGE_SIZE, RW, 1, &out), -ENOMEM);
	EXPECT_EQ(vma_unmap(l, res * PAGE_SIZE), 0);
	EXPECT_EQ(committed, n);
	EXPECT_EQ(map(h, 16 * PAGE_SIZE, NONE, 1), h);
	EXPECT_EQ(committed, n - 16);
	EXPECT_EQ(map(h + n * PAGE_SIZE, 16 * PAGE_SIZE, RW, 1),
	    h + n * PAGE_SIZE);
	EXPECT(vmas_ok());
	teardown();
}

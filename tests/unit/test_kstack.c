/* SPDX-License-Identifier: ISC */
/*
 * test_kstack.c: stacks with guard pages, over the real page.c and vm.c
 * (page tables in a host arena; the stacks are never touched).
 */
#include "harness.h"
#include "host_shim.h"

#include "../../runtime/mm/page.c"
#include "../../runtime/mm/vm.c"
#include "../../runtime/mm/kstack.c"

/* vm.c's image symbols; vm_init is not run here. */
char __text_start[1], __text_end[1], __rodata_start[1], __rodata_end[1];
char boot_stack_guard[1];
unsigned int ncpus = 1;

#define ARENA_PAGES	512

static char *arena;
static size_t tables;		/* frames held by page tables */

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
	nfree_ext = 0;
	bump = VA_STACKS;
	/* The first stack's page tables stay allocated after it is freed. */
	kstack_free(kstack_alloc(PAGE_SIZE), PAGE_SIZE);
	tables = page_total_count() - page_free_count();
}

static int
mapped_rw(uintptr_t va, size_t len)
{
	uintptr_t p;
	int fl;

	for (p = va; p < va + len; p += PAGE_SIZE)
		if (vm_lookup(p, &fl) == 0 || fl != (VM_READ | VM_WRITE))
			return 0;
	return 1;
}

TEST(guard_below_frames_mapped_all_back)
{
	uintptr_t a, b;

	setup();
	a = (uintptr_t)kstack_alloc(16384);
	b = (uintptr_t)kstack_alloc(10000);	/* rounded to 3 pages */
	EXPECT(a != 0 && b != 0);
	EXPECT(a >= VA_STACKS + PAGE_SIZE && b + 3 * PAGE_SIZE <= VA_MMIO);
	EXPECT(mapped_rw(a, 16384));
	EXPECT(mapped_rw(b, 3 * PAGE_SIZE));
	EXPECT_EQ(vm_lookup(a - PAGE_SIZE, NULL), 0);
	EXPECT_EQ(vm_lookup(b - PAGE_SIZE, NULL), 0);
	/* Stacks never touch: a guard page separates them. */
	EXPECT(b >= a + 16384 + PAGE_SIZE || a >= b + 4 * PAGE_SIZE);
	EXPECT_EQ(page_total_count() - page_free_count(), tables + 7);
	kstack_free((void *)a, 16384);
	kstack_free((void *)b, 10000);
	EXPECT_EQ(page_total_count() - page_free_count(), tables);
	EXPECT_EQ(vm_lookup(a, NULL), 0);
}

TEST(addresses_are_reused)
{
	void *s[8];
	uintptr_t top;
	int i;

	setup();
	for (i = 0; i < 8; i++)
		s[i] = kstack_alloc(2 * PAGE_SIZE);
	top = bump;
	kstack_free(s[3], 2 * PAGE_SIZE);
	kstack_free(s[4], 2 * PAGE_SIZE);
	EXPECT_EQ(nfree_ext, 1);		/* merged */
	/* A bigger stack fits in the merged hole (guard included). */
	EXPECT(kstack_alloc(5 * PAGE_SIZE) == s[3]);
	EXPECT_EQ(bump, top);
	kstack_free(s[3], 5 * PAGE_SIZE);
	for (i = 0; i < 8; i++)
		if (i != 3 && i != 4)
			kstack_free(s[i], 2 * PAGE_SIZE);
	/* Everything freed: the bump pointer is back at the start. */
	EXPECT_EQ(nfree_ext, 0);
	EXPECT_EQ(bump, VA_STACKS);
	EXPECT_EQ(page_total_count() - page_free_count(), tables);
}

TEST(no_frames_no_stack_nothing_leaked)
{
	setup();
	EXPECT(kstack_alloc(ARENA_PAGES * PAGE_SIZE) == NULL);
	EXPECT_EQ(page_total_count() - page_free_count(), tables);
	EXPECT(kstack_alloc(0) == NULL);
	EXPECT(kstack_alloc(VA_MMIO) == NULL);
	EXPECT_EQ(bump, VA_STACKS);
}

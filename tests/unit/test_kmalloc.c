/* SPDX-License-Identifier: ISC */
/* test_kmalloc.c: the runtime heap over the real page allocator. */
#include "harness.h"
#include "host_shim.h"

#include <string.h>

#include "../../runtime/mm/page.c"
#include "../../runtime/mm/kmalloc.c"

#define ARENA_PAGES	1024

static char *arena;

static void
setup(void)
{
	struct prange r;
	size_t i;

	if (arena == NULL)
		arena = aligned_alloc(PAGE_SIZE, (ARENA_PAGES + 1) * PAGE_SIZE);
	r.base = (uintptr_t)arena;
	r.end = r.base + (ARENA_PAGES + 1) * PAGE_SIZE;
	page_init_ranges(&r, 1);
	for (i = 0; i < NCLASS; i++)
		free_list[i] = NULL;
}

static size_t
used(void)
{
	return page_total_count() - page_free_count();
}

TEST(sizes_alignment_and_no_overlap)
{
	static const size_t sizes[] = { 0, 1, 15, 16, 17, 100, 1000, 1344,
	    2032, 2033, 4080, 4081, 10000, 100000 };
	void *p[ARRAY_LEN(sizes)];
	size_t i, j;

	setup();
	for (i = 0; i < ARRAY_LEN(sizes); i++) {
		p[i] = kmalloc(sizes[i]);
		EXPECT(p[i] != NULL);
		EXPECT_EQ((uintptr_t)p[i] % 16, 0);
		EXPECT(usable(hdr_of(p[i], "test")) >= sizes[i]);
		memset(p[i], (int)i, sizes[i]);
	}
	for (i = 0; i < ARRAY_LEN(sizes); i++) {
		for (j = 0; j < sizes[i]; j++)
			if (((unsigned char *)p[i])[j] != (unsigned char)i)
				break;
		EXPECT_EQ(j, sizes[i]);
		kfree(p[i]);
	}
	/* Large blocks went back to page.c; class pages stay cached. */
	EXPECT(used() <= NCLASS);
	kfree(NULL);
}

TEST(free_blocks_are_reused)
{
	void *a, *b;

	setup();
	a = kmalloc(40);
	kfree(a);
	b = kmalloc(33);
	EXPECT(a == b);
	kfree(b);
}

TEST(kzalloc_zeroes_reused_blocks)
{
	unsigned char *p;
	size_t i;

	setup();
	p = kmalloc(200);
	memset(p, 0xff, 200);
	kfree(p);
	p = kzalloc(200);
	for (i = 0; i < 200; i++)
		if (p[i] != 0)
			break;
	EXPECT_EQ(i, 200);
	kfree(p);
}

TEST(realloc_keeps_contents)
{
	char *p, *q;
	int i;

	setup();
	p = krealloc(NULL, 10);
	memcpy(p, "0123456789", 10);
	q = krealloc(p, 12);		/* same class: in place */
	EXPECT(q == p);
	q = krealloc(q, 5000);		/* to a large block */
	EXPECT(q != NULL && memcmp(q, "0123456789", 10) == 0);
	for (i = 10; i < 5000; i++)
		q[i] = (char)i;
	p = krealloc(q, 20000);
	EXPECT(p != NULL && memcmp(p, "0123456789", 10) == 0);
	EXPECT_EQ(p[4999], (char)4999);
	q = krealloc(p, 3);		/* shrinks into a small class */
	EXPECT(q != NULL && memcmp(q, "012", 3) == 0);
	q = krealloc(q, 0);
	EXPECT(q != NULL);
	kfree(q);
	EXPECT(used() <= NCLASS);
}

TEST(aligned_blocks)
{
	static const size_t aligns[] = { 1, 16, 32, 64, 4096, 65536 };
	void *p;
	size_t i;

	setup();
	for (i = 0; i < ARRAY_LEN(aligns); i++) {
		p = kmalloc_aligned(100, aligns[i]);
		EXPECT(p != NULL);
		EXPECT_EQ((uintptr_t)p % aligns[i], 0);
		EXPECT(usable(hdr_of(p, "test")) >= 100);
		memset(p, 0x11, 100);
		p = krealloc(p, 3000);
		EXPECT(p != NULL && ((unsigned char *)p)[99] == 0x11);
		kfree(p);
	}
	EXPECT(kmalloc_aligned(8, 48) == NULL);
	EXPECT(kmalloc_aligned(8, 0) == NULL);
	EXPECT(used() <= NCLASS);
}

TEST(exhaustion_returns_null)
{
	void *big;

	setup();
	EXPECT(kmalloc(ARENA_PAGES * PAGE_SIZE) == NULL);
	EXPECT(kmalloc((size_t)-1) == NULL);
	EXPECT(kmalloc_aligned((size_t)-100, 4096) == NULL);
	big = kmalloc((ARENA_PAGES - 1) * PAGE_SIZE);
	EXPECT(big != NULL);
	EXPECT(kmalloc(100) == NULL);	/* no frame for a class page */
	kfree(big);
	EXPECT(kmalloc(100) != NULL);
}

TEST(double_free_panics)
{
	jmp_buf jb;
	volatile int panicked = 0;
	void *p;

	setup();
	p = kmalloc(64);
	kfree(p);
	host_panic_jmp = &jb;
	if (setjmp(jb) == 0)
		kfree(p);
	else
		panicked = 1;
	host_panic_jmp = NULL;
	EXPECT(panicked);
}

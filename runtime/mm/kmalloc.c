/* SPDX-License-Identifier: ISC */
/*
 * kmalloc.c: the runtime's heap, also behind malloc(3).
 *
 * Every block starts with a 16-byte header, so pointers handed out are
 * 16-byte aligned and kfree/krealloc learn a block's kind and size without
 * a lookup structure:
 *   - small blocks (header included, up to 2 KiB) come from size classes,
 *     each a free list of blocks carved from whole frames;
 *   - large blocks are runs of contiguous frames (page_alloc_contig), the
 *     header at the start of the first;
 *   - aligned blocks put their header just below an aligned address inside
 *     a larger block and record the way back to it.
 * Frames of the small classes are not given back to page.c: a freed block
 * stays on its class list for the next allocation of that size.
 *
 * One spinlock (interrupts off while held, so an interrupt handler cannot
 * deadlock on it), never held across page_alloc.
 */
#include "kernel.h"

#define KM_MAGIC	0x6b6d616cU	/* "kmal": live block */
#define KM_DEAD		0x6b646561U	/* "kdea": freed block */
#define KIND_LARGE	0x100
#define KIND_ALIGNED	0x101

struct khdr {
	uint32_t	magic;
	uint32_t	kind;		/* class index, KIND_LARGE/ALIGNED */
	uint64_t	arg;		/* class: size asked for; large: pages;
					 * aligned: bytes back to the inner
					 * block's pointer; free: next block */
};
_Static_assert(sizeof(struct khdr) == 16, "16-byte alignment of blocks");

/* Block sizes including the header; every one a multiple of 16. */
static const uint32_t class_size[] = {
	32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024, 1360, 2048,
};
#define NCLASS		ARRAY_LEN(class_size)

static struct spinlock km_lock;
static struct khdr *free_list[NCLASS];

/* Smallest class holding n bytes plus header, or -1 for a large block. */
static int
class_of(size_t n)
{
	size_t i;

	for (i = 0; i < NCLASS; i++)
		if (n + sizeof(struct khdr) <= class_size[i])
			return (int)i;
	return -1;
}

static struct khdr *
hdr_of(void *p, const char *fn)
{
	struct khdr *h = (struct khdr *)p - 1;

	if ((uintptr_t)p % 16 != 0 || h->magic != KM_MAGIC)
		panic("%s: %p is not a live kmalloc block (magic %#x)", fn, p,
		    (uintptr_t)p % 16 != 0 ? 0 : h->magic);
	return h;
}

/* Bytes usable at the block's pointer. */
static size_t
usable(struct khdr *h)
{
	if (h->kind == KIND_LARGE)
		return h->arg * PAGE_SIZE - sizeof(*h);
	if (h->kind == KIND_ALIGNED)
		return usable(hdr_of((char *)(h + 1) - h->arg, "kmalloc")) -
		    h->arg;
	return class_size[h->kind] - sizeof(*h);
}

static void *
large_alloc(size_t n)
{
	size_t pages = (n + sizeof(struct khdr) + PAGE_SIZE - 1) / PAGE_SIZE;
	struct khdr *h;

	h = (struct khdr *)page_alloc_contig(pages);
	if (h == NULL)
		return NULL;
	h->magic = KM_MAGIC;
	h->kind = KIND_LARGE;
	h->arg = pages;
	return h + 1;
}

/*
 * n bytes, 16-byte aligned, contents undefined; NULL when memory is
 * exhausted.  kmalloc(0) returns a unique minimal block.  Thread context
 * (safe but unwise in interrupt handlers: may zero whole frames).
 */
void *
kmalloc(size_t n)
{
	struct khdr *h;
	uintptr_t pa;
	size_t i, per;
	uint64_t fl;
	int c;

	if (n > SIZE_MAX - sizeof(*h) - PAGE_SIZE)
		return NULL;
	c = class_of(n);
	if (c < 0)
		return large_alloc(n);
	fl = spin_lock_irqsave(&km_lock);
	while (free_list[c] == NULL) {
		spin_unlock_irqrestore(&km_lock, fl);
		pa = page_alloc();
		if (pa == 0)
			return NULL;
		fl = spin_lock_irqsave(&km_lock);
		per = PAGE_SIZE / class_size[c];
		for (i = 0; i < per; i++) {
			h = (struct khdr *)(pa + i * class_size[c]);
			h->magic = KM_DEAD;
			h->arg = (uintptr_t)free_list[c];
			free_list[c] = h;
		}
	}
	h = free_list[c];
	free_list[c] = (struct khdr *)(uintptr_t)h->arg;
	spin_unlock_irqrestore(&km_lock, fl);
	h->magic = KM_MAGIC;
	h->kind = (uint32_t)c;
	h->arg = n;
	return h + 1;
}

/* kmalloc, then zero the n bytes.  Same contract. */
void *
kzalloc(size_t n)
{
	void *p = kmalloc(n);

	if (p != NULL)
		memset(p, 0, n);
	return p;
}

/*
 * Free a block from any kmalloc function; NULL is ignored.  Panics on a
 * pointer that is not a live block (double free, stray pointer).  Thread
 * context.
 */
void
kfree(void *p)
{
	struct khdr *h;
	uint64_t fl;

	if (p == NULL)
		return;
	h = hdr_of(p, "kfree");
	h->magic = KM_DEAD;
	if (h->kind == KIND_ALIGNED) {
		kfree((char *)p - h->arg);
	} else if (h->kind == KIND_LARGE) {
		page_free_contig((uintptr_t)h, h->arg);
	} else {
		fl = spin_lock_irqsave(&km_lock);
		h->arg = (uintptr_t)free_list[h->kind];
		free_list[h->kind] = h;
		spin_unlock_irqrestore(&km_lock, fl);
	}
}

/*
 * Resize p to n bytes keeping the first min(old, n) bytes (p NULL: as
 * kmalloc).  Returns the block, possibly moved, or NULL with p untouched
 * when memory is exhausted.  Alignment beyond 16 bytes is not kept.
 * Thread context.
 */
void *
krealloc(void *p, size_t n)
{
	struct khdr *h;
	size_t have;
	void *q;

	if (p == NULL)
		return kmalloc(n);
	h = hdr_of(p, "krealloc");
	have = usable(h);
	/* Keep the block when it fits and would not waste more than half. */
	if (n <= have && (h->kind == KIND_ALIGNED || n >= have / 2 ||
	    class_of(n) == (int)h->kind)) {
		if (h->kind < NCLASS)
			h->arg = n;
		return p;
	}
	q = kmalloc(n);
	if (q == NULL)
		return NULL;
	memcpy(q, p, MIN(have, n));
	kfree(p);
	return q;
}

/*
 * n bytes at a multiple of align (a power of two; any size, though more
 * than a page wastes memory), or NULL if align is not a power of two or
 * memory is exhausted.  Free with kfree.  Thread context.
 */
void *
kmalloc_aligned(size_t n, size_t align)
{
	struct khdr *h;
	uintptr_t inner, u;

	if (align == 0 || (align & (align - 1)) != 0)
		return NULL;
	if (align <= 16)
		return kmalloc(n);
	if (n > SIZE_MAX - align)
		return NULL;
	/* inner is 16-aligned, so inner + 16 <= u <= inner + align. */
	inner = (uintptr_t)kmalloc(n + align);
	if (inner == 0)
		return NULL;
	u = ALIGN_UP(inner + sizeof(*h), align);
	h = (struct khdr *)u - 1;
	h->magic = KM_MAGIC;
	h->kind = KIND_ALIGNED;
	h->arg = u - inner;
	return (void *)u;
}

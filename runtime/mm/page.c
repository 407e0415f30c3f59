/* SPDX-License-Identifier: ISC */
/*
 * page.c: physical page-frame allocator over the boot memory map.
 *
 * Usable RAM is a few ranges ("zones"; usually one below the 32-bit MMIO
 * hole and one above 4 GiB).  Each zone has a bitmap, one bit per 4 KiB
 * frame, 1 = in use.  A bitmap keeps double frees detectable and makes
 * contiguous runs easy to find; the per-zone hint (every word before it is
 * full) makes single-frame allocation O(1) in the common case.  All bitmaps
 * are carved from the start of the lowest zone, right above the image,
 * which the boot page tables map; frames of other zones are first touched
 * when handed out, after vm_init() has mapped all RAM.
 *
 * One spinlock, taken with interrupts off: page_alloc() is called from the
 * page-fault handler (vma_fault) as well as from threads.
 */
#include "kernel.h"

#define ZONES_MAX	(2 * BOOTINFO_MAX_MEM + 4)
#define BITS		64
#define FULL		(~(uint64_t)0)

/* A physical range [base, end), page aligned. */
struct prange {
	uintptr_t	base;
	uintptr_t	end;
};

struct zone {
	uintptr_t	base;		/* physical address of frame 0 */
	size_t		npages;
	uint64_t	*bitmap;	/* 1 = allocated (or past npages) */
	size_t		nfree;
	size_t		hint;		/* words before this are all full */
};

extern char _end[];		/* end of the image (boot/vmgo.ld) */

static struct spinlock page_lock;
static struct zone zones[ZONES_MAX];
static int nzones;
static size_t total_pages;
static size_t free_pages;
static uintptr_t phys_top;

/*
 * Sort ranges by base and merge overlapping or touching ones.  Returns the
 * new count.  Insertion sort: there are at most a few dozen.
 */
static int
prange_normalize(struct prange *r, int n)
{
	struct prange t;
	int i, j, m;

	for (i = 1; i < n; i++) {
		t = r[i];
		for (j = i; j > 0 && r[j - 1].base > t.base; j--)
			r[j] = r[j - 1];
		r[j] = t;
	}
	m = 0;
	for (i = 0; i < n; i++) {
		if (r[i].base >= r[i].end)
			continue;
		if (m > 0 && r[i].base <= r[m - 1].end) {
			if (r[i].end > r[m - 1].end)
				r[m - 1].end = r[i].end;
			continue;
		}
		r[m++] = r[i];
	}
	return m;
}

/*
 * Remove [lo, hi) from the n ranges in r (capacity max).  A range that
 * straddles the hole is split; when r is full the upper piece is dropped
 * (a little RAM lost, never a reserved page handed out).  Returns the new
 * count.
 */
static int
prange_subtract(struct prange *r, int n, int max, uintptr_t lo, uintptr_t hi)
{
	int i;

	if (lo >= hi)
		return n;
	for (i = 0; i < n; i++) {
		if (r[i].end <= lo || r[i].base >= hi)
			continue;
		if (r[i].base < lo && r[i].end > hi) {
			if (n < max)
				r[n++] = (struct prange){ hi, r[i].end };
			r[i].end = lo;
		} else if (r[i].base < lo) {
			r[i].end = lo;
		} else if (r[i].end > hi) {
			r[i].base = hi;
		} else {
			r[i] = r[--n];
			i--;
		}
	}
	return n;
}

/*
 * The RAM of bi the allocator may hand out: E820 type 1 ranges shrunk to
 * whole pages, minus every other entry (firmware tables may overlap RAM
 * entries), the first MiB (real-mode structures, AP start-up code), RAM at
 * or above VA_STACKS and the image [img_lo, img_hi).  Sorted and merged;
 * returns the count.
 */
static int
page_usable_ranges(const struct bootinfo *bi, uintptr_t img_lo,
    uintptr_t img_hi, struct prange *r, int max)
{
	const struct boot_mem *m;
	uint32_t i;
	int n;

	n = 0;
	for (i = 0; i < bi->nmem && i < BOOTINFO_MAX_MEM; i++) {
		m = &bi->mem[i];
		if (m->type != BOOT_MEM_RAM || m->len == 0 || n == max)
			continue;
		if (m->addr + m->len < m->addr)
			continue;		/* wraps: firmware bug */
		r[n].base = ALIGN_UP(m->addr, PAGE_SIZE);
		r[n].end = ALIGN_DOWN(m->addr + m->len, PAGE_SIZE);
		n++;
	}
	n = prange_normalize(r, n);
	for (i = 0; i < bi->nmem && i < BOOTINFO_MAX_MEM; i++) {
		m = &bi->mem[i];
		if (m->type == BOOT_MEM_RAM || m->len == 0)
			continue;
		n = prange_subtract(r, n, max, ALIGN_DOWN(m->addr, PAGE_SIZE),
		    ALIGN_UP(m->addr + m->len, PAGE_SIZE));
	}
	n = prange_subtract(r, n, max, 0, 0x100000);
	/* RAM beyond the identity map's reach (mm.h) is not used. */
	n = prange_subtract(r, n, max, VA_STACKS, UINTPTR_MAX);
	n = prange_subtract(r, n, max, ALIGN_DOWN(img_lo, PAGE_SIZE),
	    ALIGN_UP(img_hi, PAGE_SIZE));
	return prange_normalize(r, n);
}

static size_t
bitmap_words(size_t npages)
{
	return (npages + BITS - 1) / BITS;
}

/*
 * Set up the allocator over n sorted, disjoint, page-aligned ranges.  The
 * bitmaps take whole pages at the start of the first range big enough.
 * Ranges too small to be worth a zone are skipped.  Boot (single thread).
 */
static void
page_init_ranges(const struct prange *r, int n)
{
	uintptr_t bm, bm_end;
	size_t bytes, i, words;
	struct zone *z;
	int k, home;

	nzones = 0;
	total_pages = free_pages = 0;
	phys_top = 0;
	bytes = 0;
	for (k = 0; k < n; k++)
		bytes += bitmap_words((r[k].end - r[k].base) / PAGE_SIZE) * 8;
	bytes = ALIGN_UP(bytes, PAGE_SIZE);
	home = -1;
	for (k = 0; k < n; k++) {
		if (r[k].end - r[k].base > bytes + PAGE_SIZE) {
			home = k;
			break;
		}
	}
	if (home < 0)
		panic("page_init: no RAM range holds the %zu-byte frame bitmap",
		    bytes);
	bm = r[home].base;
	bm_end = bm + bytes;
	memset((void *)bm, 0, bytes);

	for (k = 0; k < n && nzones < ZONES_MAX; k++) {
		z = &zones[nzones];
		z->base = k == home ? bm_end : r[k].base;
		if (r[k].end <= z->base)
			continue;
		z->npages = (r[k].end - z->base) / PAGE_SIZE;
		words = bitmap_words(z->npages);
		z->bitmap = (uint64_t *)bm;
		bm += words * 8;
		/* Bits past the end of the zone read as allocated. */
		for (i = z->npages; i < words * BITS; i++)
			z->bitmap[i / BITS] |= (uint64_t)1 << (i % BITS);
		z->nfree = z->npages;
		z->hint = 0;
		total_pages += z->npages;
		free_pages += z->npages;
		if (r[k].end > phys_top)
			phys_top = r[k].end;
		nzones++;
	}
}

/*
 * Take every RAM range of bi except the first MiB and the image
 * [VMGO_LOAD_ADDR, rofs_image_end(bi)), which is _end plus the file
 * table.  Boot, before vm_init(), single threaded; panics when there is
 * no usable RAM.
 */
void
page_init(const struct bootinfo *bi)
{
	struct prange r[ZONES_MAX];
	uint32_t i;
	int n;

	n = page_usable_ranges(bi, VMGO_LOAD_ADDR, rofs_image_end(bi), r,
	    ZONES_MAX);
	if (n == 0)
		panic("page_init: no usable RAM in the boot memory map");
	page_init_ranges(r, n);
	for (i = 0; i < bi->nmem && i < BOOTINFO_MAX_MEM; i++) {
		if (bi->mem[i].type == BOOT_MEM_RAM &&
		    bi->mem[i].addr + bi->mem[i].len > phys_top)
			phys_top = bi->mem[i].addr + bi->mem[i].len;
	}
	phys_top = MIN(phys_top, VA_STACKS);
}

static struct zone *
zone_of(uintptr_t pa)
{
	int k;

	for (k = 0; k < nzones; k++) {
		if (pa >= zones[k].base &&
		    pa < zones[k].base + zones[k].npages * PAGE_SIZE)
			return &zones[k];
	}
	return NULL;
}

static void
bits_set(struct zone *z, size_t first, size_t n)
{
	size_t i;

	for (i = first; i < first + n; i++)
		z->bitmap[i / BITS] |= (uint64_t)1 << (i % BITS);
	z->nfree -= n;
	free_pages -= n;
}

/* Lowest free frame of z (z->nfree > 0); advances the hint past full words. */
static size_t
zone_take_one(struct zone *z)
{
	size_t w, words = bitmap_words(z->npages);
	size_t bit;

	for (w = z->hint; w < words; w++) {
		if (z->bitmap[w] != FULL)
			break;
	}
	if (w == words)
		panic("page_alloc: zone at %#lx claims %zu free frames",
		    (unsigned long)z->base, z->nfree);
	z->hint = w;
	bit = (size_t)__builtin_ctzll(~z->bitmap[w]);
	bits_set(z, w * BITS + bit, 1);
	return w * BITS + bit;
}

/*
 * First run of n free frames in z at or after its hint, or (size_t)-1.
 * Skips full words quickly; otherwise a bit at a time.
 */
static size_t
zone_find_run(struct zone *z, size_t n)
{
	size_t i, run, start;

	run = 0;
	start = 0;
	for (i = z->hint * BITS; i < z->npages; i++) {
		if (run == 0 && i % BITS == 0 && z->bitmap[i / BITS] == FULL) {
			i += BITS - 1;
			continue;
		}
		if (z->bitmap[i / BITS] & ((uint64_t)1 << (i % BITS))) {
			run = 0;
			continue;
		}
		if (run++ == 0)
			start = i;
		if (run == n)
			return start;
	}
	return (size_t)-1;
}

/*
 * One zero-filled 4 KiB frame (its physical address is also a usable
 * pointer), or 0 when memory is exhausted.  Any context, including the
 * page-fault handler; takes page_lock with interrupts off.
 */
uintptr_t
page_alloc(void)
{
	uintptr_t pa;
	uint64_t fl;
	int k;

	pa = 0;
	fl = spin_lock_irqsave(&page_lock);
	for (k = 0; k < nzones; k++) {
		if (zones[k].nfree > 0) {
			pa = zones[k].base +
			    zone_take_one(&zones[k]) * PAGE_SIZE;
			break;
		}
	}
	spin_unlock_irqrestore(&page_lock, fl);
	if (pa != 0)
		memset((void *)pa, 0, PAGE_SIZE);
	return pa;
}

/*
 * n physically contiguous zero-filled frames (4 KiB aligned), or 0 if no
 * such run exists.  First fit, linear in the zone size: for stacks, XSAVE
 * areas and large kmalloc blocks, not for hot paths.  Any context.
 */
uintptr_t
page_alloc_contig(size_t n)
{
	uintptr_t pa;
	size_t first;
	uint64_t fl;
	int k;

	if (n == 0)
		return 0;
	if (n == 1)
		return page_alloc();
	pa = 0;
	fl = spin_lock_irqsave(&page_lock);
	for (k = 0; k < nzones; k++) {
		if (zones[k].nfree < n)
			continue;
		first = zone_find_run(&zones[k], n);
		if (first != (size_t)-1) {
			bits_set(&zones[k], first, n);
			pa = zones[k].base + first * PAGE_SIZE;
			break;
		}
	}
	spin_unlock_irqrestore(&page_lock, fl);
	if (pa != 0)
		memset((void *)pa, 0, n * PAGE_SIZE);
	return pa;
}

/*
 * Return n frames starting at pa (from page_alloc or page_alloc_contig; a
 * run may be given back in pieces).  Panics on a frame that is not
 * allocated RAM (double free, stray pointer).  Any context.
 */
void
page_free_contig(uintptr_t pa, size_t n)
{
	struct zone *z;
	size_t i, idx;
	uint64_t bit, fl;

	if (pa % PAGE_SIZE != 0)
		panic("page_free: unaligned frame %#lx", (unsigned long)pa);
	fl = spin_lock_irqsave(&page_lock);
	z = zone_of(pa);
	if (z == NULL || pa + n * PAGE_SIZE > z->base + z->npages * PAGE_SIZE)
		panic("page_free: %#lx (+%zu pages) is not allocatable RAM",
		    (unsigned long)pa, n);
	idx = (pa - z->base) / PAGE_SIZE;
	for (i = idx; i < idx + n; i++) {
		bit = (uint64_t)1 << (i % BITS);
		if ((z->bitmap[i / BITS] & bit) == 0)
			panic("page_free: frame %#lx freed twice",
			    (unsigned long)(z->base + i * PAGE_SIZE));
		z->bitmap[i / BITS] &= ~bit;
	}
	if (idx / BITS < z->hint)
		z->hint = idx / BITS;
	z->nfree += n;
	free_pages += n;
	spin_unlock_irqrestore(&page_lock, fl);
}

/* Return one frame from page_alloc().  Any context; panics on misuse. */
void
page_free(uintptr_t pa)
{
	page_free_contig(pa, 1);
}

/* Frames currently free.  Any context (a racy snapshot). */
size_t
page_free_count(void)
{
	return __atomic_load_n(&free_pages, __ATOMIC_RELAXED);
}

/* Frames managed by the allocator (RAM minus first MiB, image, bitmaps). */
size_t
page_total_count(void)
{
	return total_pages;
}

/* End of the highest RAM range of the boot memory map. */
uintptr_t
page_phys_top(void)
{
	return phys_top;
}

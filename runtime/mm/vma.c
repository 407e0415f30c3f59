/* SPDX-License-Identifier: ISC */
/*
 * vma.c: virtual address ranges behind mmap(2), munmap, mprotect, madvise.
 *
 * The address space [VA_MMAP, VA_USER_TOP) is described by a sorted array
 * of disjoint ranges, each with one protection; gaps are free.  Which pages
 * of a range have a frame is not recorded here: the page tables say it (a
 * present or HELD entry), and frames arrive on first touch (vma_fault).
 *
 * Why an array: Go makes thousands of mmap calls, but almost all of them
 * are MAP_FIXED over a range that already has the same protection (every
 * goroutine-stack span, every heap commit inside an arena once mapped RW),
 * and neighbours with equal protection are merged, so the array stays at a
 * few dozen entries: the reservations and the RW/PROT_NONE boundaries
 * inside them.  Lookups (each page fault) are a binary search; changes
 * are a memmove of that short array.  A balanced tree would only pay off
 * for thousands of live ranges, which Go does not create.  The array
 * starts in .bss and doubles through kmalloc when full (allocated with
 * vma_lock dropped, never from the fault path).
 *
 * Commit charge (out of memory).  Frames arrive on first touch, so mmap
 * alone would overcommit and a program would die in a page fault with no
 * frame left, which Go cannot report.  Go reports "out of memory" only
 * when mmap(MAP_FIXED, PROT_READ|PROT_WRITE) of part of a reservation
 * fails with ENOMEM (sysMap, runtime/mem_bsd.go), which is how its heap
 * grows (4 MiB at a time).  So each range is charged one of two ways:
 *
 *  - strict: a MAP_FIXED writable mapping is charged in full when it is
 *    made, and refused with ENOMEM unless the free frames cover every
 *    strict page promised but not yet touched plus the reserve.  Go's
 *    heap commits and its goroutine stacks (MAP_FIXED|MAP_STACK remaps of
 *    heap spans) are all of this kind; a remap over strict pages charges
 *    only the difference, so stacks cost nothing extra.
 *  - lazy: everything else (non-fixed RW mappings such as Go's 32 MiB
 *    arena index, of which a few pages are touched; read-only; PROT_NONE
 *    reservations) is charged a page at a time in vma_fault, which
 *    refuses a frame that would eat into the reserve's upper half.
 *    Charging these in full would make a 16 MiB VM impossible.
 *
 * committed counts strict pages plus lazy pages with a frame; backed the
 * frames of all ranges.  committed - backed is the strict promise still
 * to be kept, and "slack" = free frames - that promise.  The reserve
 * (commit_reserve) is what the runtime may still take outside this
 * accounting after Go's heap is full: thread stacks (256 KiB for each
 * new M), page tables (one 4 KiB table per 2 MiB touched), kmalloc.  It
 * is 1 MiB (four more threads) plus 1/64 of RAM (tables for all of it,
 * and kmalloc growing with the heap), so the heap's ENOMEM comes first
 * and Go's "fatal error: runtime: out of memory" gets printed.  Strict
 * pages keep their charge across madvise(MADV_FREE) (Go reuses scavenged
 * memory without another mmap) and mprotect (frames are kept); munmap
 * and MAP_FIXED replacement release it.  vmgo.mmaplog=1 (mmap.c) shows
 * what a program maps.
 *
 * vma_lock is a spinlock taken with interrupts off because vma_fault runs
 * in the #PF handler.  Under it the code maps and unmaps frames (vm.c, then
 * page.c locks) but never reads or writes the memory of a mapping, which
 * could fault and re-enter vma_fault on this CPU.
 */
#include "kernel.h"

/* Page-fault error code, SDM vol 3A §4.7, Figure 4-12. */
#define PF_P		0x01		/* page present: protection fault */
#define PF_W		0x02		/* write access */
#define PF_RSVD		0x08		/* reserved bit set in an entry */
#define PF_I		0x10		/* instruction fetch */

#define PROT_ALL	(VMA_PROT_READ | VMA_PROT_WRITE | VMA_PROT_EXEC)
#define VMA_STATIC	64

#define COMMIT_RESERVE_MIN	256	/* pages: 1 MiB, see above */
#define COMMIT_RESERVE_SHIFT	6	/* plus 1/64 of all frames */

struct vma {
	uintptr_t	start;
	uintptr_t	end;
	int		prot;		/* VMA_PROT_* */
	int		strict;		/* charged in full (see above) */
};

static struct vma vma_boot[VMA_STATIC];
static struct vma *vmas = vma_boot;
static size_t nvma;
static size_t capvma = VMA_STATIC;
static struct spinlock vma_lock;
static int oom_reported;		/* vma_fault said "out of memory" */
static size_t committed;		/* strict pages + backed lazy pages */
static size_t backed;			/* frames mapped in ranges */

static int
vm_flags(int prot)
{
	int f = 0;

	if (prot & VMA_PROT_READ)
		f |= VM_READ;
	if (prot & VMA_PROT_WRITE)
		f |= VM_READ | VM_WRITE; /* x86 has no write-only pages */
	if (prot & VMA_PROT_EXEC)
		f |= VM_READ | VM_EXEC;
	return f;
}

static size_t vma_find(uintptr_t addr);

/* Frames the runtime may still need outside the commit charge. */
static size_t
commit_reserve(void)
{
	return COMMIT_RESERVE_MIN + (page_total_count() >> COMMIT_RESERVE_SHIFT);
}

/* Free frames minus the strict promise not yet kept (may be negative). */
static long
commit_slack(void)
{
	return (long)page_free_count() - (long)(committed - backed);
}

/* vm_unmap callbacks (run under vma_lock, from vm_unmap). */
static void
free_strict_frame(uintptr_t pa)
{
	page_free(pa);
	backed--;
}

static void
free_lazy_frame(uintptr_t pa)
{
	page_free(pa);
	backed--;
	committed--;
}

/*
 * Give back the frames of [lo, hi) (each range's own way); with
 * uncharge, also the strict charge of the pages.  vma_lock held.
 */
static void
release(uintptr_t lo, uintptr_t hi, bool uncharge)
{
	uintptr_t a, b;
	size_t i;

	for (i = vma_find(lo); i < nvma && vmas[i].start < hi; i++) {
		a = MAX(vmas[i].start, lo);
		b = MIN(vmas[i].end, hi);
		if (vmas[i].strict) {
			vm_unmap(a, b - a, free_strict_frame);
			if (uncharge)
				committed -= (b - a) / PAGE_SIZE;
		} else {
			vm_unmap(a, b - a, free_lazy_frame);
		}
	}
}

/* Strict pages in [lo, hi).  vma_lock held. */
static size_t
strict_pages(uintptr_t lo, uintptr_t hi)
{
	size_t i, n = 0;

	for (i = vma_find(lo); i < nvma && vmas[i].start < hi; i++)
		if (vmas[i].strict)
			n += (MIN(vmas[i].end, hi) - MAX(vmas[i].start, lo)) /
			    PAGE_SIZE;
	return n;
}

/* Is [addr, addr+len) inside the mmap area?  len > 0, no wrap. */
static int
in_area(uintptr_t addr, size_t len)
{
	return addr >= VA_MMAP && len <= VA_USER_TOP - addr;
}

/* Index of the first range with end > addr (nvma if none). */
static size_t
vma_find(uintptr_t addr)
{
	size_t lo = 0, hi = nvma, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (vmas[mid].end <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int
range_free(uintptr_t lo, uintptr_t hi)
{
	size_t i = vma_find(lo);

	return i == nvma || vmas[i].start >= hi;
}

/* Would carve(lo, hi) split one range in two? */
static int
carve_splits(uintptr_t lo, uintptr_t hi)
{
	size_t i = vma_find(lo);

	return i < nvma && vmas[i].start < lo && vmas[i].end > hi;
}

/*
 * Make room for extra more ranges.  Called and returns with vma_lock held
 * (*fl its saved flags); drops it around kmalloc/kfree, so callers decide
 * what to do only after this returns.  0 or -ENOMEM.
 */
static int
reserve_slots(size_t extra, uint64_t *fl)
{
	struct vma *n, *old;
	size_t cap;

	while (nvma + extra > capvma) {
		cap = capvma * 2;
		spin_unlock_irqrestore(&vma_lock, *fl);
		n = kmalloc(cap * sizeof(*n));
		*fl = spin_lock_irqsave(&vma_lock);
		if (n == NULL)
			return -ENOMEM;
		if (cap <= capvma) {		/* another thread grew it */
			spin_unlock_irqrestore(&vma_lock, *fl);
			kfree(n);
			*fl = spin_lock_irqsave(&vma_lock);
			continue;
		}
		memcpy(n, vmas, nvma * sizeof(*n));
		old = vmas;
		vmas = n;
		capvma = cap;
		if (old != vma_boot) {
			spin_unlock_irqrestore(&vma_lock, *fl);
			kfree(old);
			*fl = spin_lock_irqsave(&vma_lock);
		}
	}
	return 0;
}

/* Drop [lo, hi) from the ranges (may split one: needs a free slot). */
static void
carve(uintptr_t lo, uintptr_t hi)
{
	size_t i, j;

	i = vma_find(lo);
	if (i == nvma)
		return;
	if (vmas[i].start < lo && vmas[i].end > hi) {
		memmove(&vmas[i + 2], &vmas[i + 1],
		    (nvma - i - 1) * sizeof(*vmas));
		vmas[i + 1] = (struct vma){ hi, vmas[i].end, vmas[i].prot,
		    vmas[i].strict };
		vmas[i].end = lo;
		nvma++;
		return;
	}
	if (vmas[i].start < lo)
		vmas[i++].end = lo;
	for (j = i; j < nvma && vmas[j].end <= hi; j++)
		;
	if (j < nvma && vmas[j].start < hi)
		vmas[j].start = hi;
	memmove(&vmas[i], &vmas[j], (nvma - j) * sizeof(*vmas));
	nvma -= j - i;
}

/* Add the free range [lo, hi), merging with equal neighbours (may need a
 * free slot). */
static void
insert(uintptr_t lo, uintptr_t hi, int prot, int strict)
{
	size_t i = vma_find(lo);
	int prev, next;

	prev = i > 0 && vmas[i - 1].end == lo && vmas[i - 1].prot == prot &&
	    vmas[i - 1].strict == strict;
	next = i < nvma && vmas[i].start == hi && vmas[i].prot == prot &&
	    vmas[i].strict == strict;
	if (prev && next) {
		vmas[i - 1].end = vmas[i].end;
		memmove(&vmas[i], &vmas[i + 1], (nvma - i - 1) * sizeof(*vmas));
		nvma--;
	} else if (prev) {
		vmas[i - 1].end = hi;
	} else if (next) {
		vmas[i].start = lo;
	} else {
		memmove(&vmas[i + 1], &vmas[i], (nvma - i) * sizeof(*vmas));
		vmas[i] = (struct vma){ lo, hi, prot, strict };
		nvma++;
	}
}

/* Split the range holding x (if any) at x (needs a free slot). */
static void
split_at(uintptr_t x)
{
	size_t i = vma_find(x);

	if (i == nvma || vmas[i].start >= x)
		return;
	memmove(&vmas[i + 1], &vmas[i], (nvma - i) * sizeof(*vmas));
	vmas[i + 1].start = x;
	vmas[i].end = x;
	nvma++;
}

/* Merge every pair of touching ranges with equal protection and charge. */
static void
merge_all(void)
{
	size_t i, j = 0;

	for (i = 1; i < nvma; i++) {
		if (vmas[j].end == vmas[i].start &&
		    vmas[j].prot == vmas[i].prot &&
		    vmas[j].strict == vmas[i].strict)
			vmas[j].end = vmas[i].end;
		else
			vmas[++j] = vmas[i];
	}
	if (nvma > 0)
		nvma = j + 1;
}

/* Lowest free [x, x+len) inside [lo, hi): 0 and *out = x, or -ENOMEM. */
static int
find_gap(uintptr_t lo, uintptr_t hi, size_t len, uintptr_t *out)
{
	uintptr_t cur = lo;
	size_t i;

	if (hi <= lo || hi - lo < len)
		return -ENOMEM;
	for (i = vma_find(lo); i < nvma && vmas[i].start < hi; i++) {
		if (vmas[i].start > cur && vmas[i].start - cur >= len) {
			*out = cur;
			return 0;
		}
		if (vmas[i].end > cur)
			cur = vmas[i].end;
	}
	if (cur < hi && hi - cur >= len) {
		*out = cur;
		return 0;
	}
	return -ENOMEM;
}

/*
 * Where a non-fixed mapping goes when its hint is absent or taken: above
 * the hint, then anywhere; without a usable hint, below VA_GO_HEAP (which
 * keeps Go's arena hints free), then anywhere.
 */
static int
place(uintptr_t hint, size_t len, uintptr_t *out)
{
	if (hint >= VA_MMAP && hint < VA_USER_TOP &&
	    find_gap(hint, VA_USER_TOP, len, out) == 0)
		return 0;
	if (find_gap(VA_MMAP, VA_GO_HEAP, len, out) == 0)
		return 0;
	return find_gap(VA_MMAP, VA_USER_TOP, len, out);
}

/*
 * Reserve or map len bytes (rounded up to pages) with protection prot
 * (VMA_PROT_*).  Not fixed: [hint, hint+len) exactly when hint is in the
 * mmap area and that range is free, else another free range; existing
 * mappings are never touched.  Fixed: exactly hint (page aligned),
 * replacing whatever was mapped there.  Either way the memory reads as
 * zero and gets frames on first touch: PROT_NONE costs no RAM.  A fixed
 * writable mapping is charged in full now (strict, see the top of the
 * file), others a page at a time when touched.  Stores the address in
 * *out.  Returns 0, -EINVAL (len 0, bad prot, fixed address unaligned or
 * outside the mmap area) or -ENOMEM (no room, the charge does not fit,
 * or no memory for bookkeeping).  Thread context; takes vma_lock.
 */
int
vma_map(uintptr_t hint, size_t len, int prot, int fixed, uintptr_t *out)
{
	uintptr_t addr;
	uint64_t fl;
	size_t n;
	int r, strict;

	if (len == 0 || (prot & ~PROT_ALL) != 0)
		return -EINVAL;
	if (len > VA_USER_TOP - VA_MMAP)
		return fixed ? -EINVAL : -ENOMEM;
	len = ALIGN_UP(len, PAGE_SIZE);
	if (fixed && (hint % PAGE_SIZE != 0 || !in_area(hint, len)))
		return -EINVAL;

	fl = spin_lock_irqsave(&vma_lock);
	r = reserve_slots(2, &fl);
	if (r != 0)
		goto out;
	strict = fixed && (prot & VMA_PROT_WRITE) != 0;
	if (fixed) {
		addr = hint;
		n = strict ? len / PAGE_SIZE : 0;
		if (n > 0 && commit_slack() + (long)strict_pages(addr,
		    addr + len) - (long)n < (long)commit_reserve()) {
			r = -ENOMEM;
			goto out;
		}
		release(addr, addr + len, true);
		carve(addr, addr + len);
		committed += n;
	} else {
		addr = ALIGN_DOWN(hint, PAGE_SIZE);
		if (hint == 0 || !in_area(addr, len) ||
		    !range_free(addr, addr + len)) {
			r = place(addr, len, &addr);
			if (r != 0)
				goto out;
		}
	}
	insert(addr, addr + len, prot, strict);
	*out = addr;
out:
	spin_unlock_irqrestore(&vma_lock, fl);
	return r;
}

/* Validate and page-round a range argument: 0 or -EINVAL. */
static int
check_arg(uintptr_t addr, size_t *len)
{
	if (addr % PAGE_SIZE != 0 || *len == 0 || *len > VA_USER_TOP)
		return -EINVAL;
	*len = ALIGN_UP(*len, PAGE_SIZE);
	if (!in_area(addr, *len))
		return -EINVAL;
	return 0;
}

/*
 * Unmap [addr, addr+len) (rounded up to pages): any part of any range, or
 * nothing at all; frames go back to page.c.  Returns 0, or -EINVAL when
 * addr is unaligned, len 0 or the range leaves the mmap area.  Cannot fail
 * otherwise unless splitting a range finds no memory for bookkeeping
 * (-ENOMEM).  Thread context; takes vma_lock.
 */
int
vma_unmap(uintptr_t addr, size_t len)
{
	uint64_t fl;
	int r;

	r = check_arg(addr, &len);
	if (r != 0)
		return r;
	fl = spin_lock_irqsave(&vma_lock);
	if (reserve_slots(1, &fl) != 0 && carve_splits(addr, addr + len)) {
		r = -ENOMEM;
	} else {
		release(addr, addr + len, true);
		carve(addr, addr + len);
	}
	spin_unlock_irqrestore(&vma_lock, fl);
	return r;
}

/*
 * Set the protection of [addr, addr+len), which must be mapped throughout
 * (-ENOMEM otherwise, as mprotect(2)).  Frames and contents are kept, also
 * across PROT_NONE, and so is each page's charge.  Returns 0, -EINVAL
 * (bad arguments) or -ENOMEM.
 * Thread context; takes vma_lock.
 */
int
vma_protect(uintptr_t addr, size_t len, int prot)
{
	uintptr_t cur, end;
	uint64_t fl;
	size_t i;
	int r;

	r = check_arg(addr, &len);
	if (r != 0)
		return r;
	if ((prot & ~PROT_ALL) != 0)
		return -EINVAL;
	end = addr + len;
	fl = spin_lock_irqsave(&vma_lock);
	r = reserve_slots(2, &fl);
	if (r != 0)
		goto out;
	for (cur = addr, i = vma_find(addr); cur < end; i++) {
		if (i == nvma || vmas[i].start > cur) {
			r = -ENOMEM;
			goto out;
		}
		cur = vmas[i].end;
	}
	split_at(addr);
	split_at(end);
	for (i = vma_find(addr); i < nvma && vmas[i].start < end; i++)
		vmas[i].prot = prot;	/* each keeps its charge */
	merge_all();
	r = vm_protect(addr, len, vm_flags(prot));
out:
	spin_unlock_irqrestore(&vma_lock, fl);
	return r;
}

/*
 * Give the frames of [addr, addr+len) back (madvise MADV_FREE and
 * MADV_DONTNEED); the ranges stay mapped and read as zero when touched
 * again.  Returns 0, -EINVAL (bad arguments) or -ENOMEM if part of the
 * range is not mapped (the mapped parts are still freed).  Thread
 * context; takes vma_lock.
 */
int
vma_free_pages(uintptr_t addr, size_t len)
{
	uintptr_t cur, end, lo, hi;
	uint64_t fl;
	size_t i;
	int r;

	r = check_arg(addr, &len);
	if (r != 0)
		return r;
	end = addr + len;
	fl = spin_lock_irqsave(&vma_lock);
	cur = addr;
	for (i = vma_find(addr); i < nvma && vmas[i].start < end; i++) {
		if (vmas[i].start > cur)
			r = -ENOMEM;
		lo = MAX(vmas[i].start, addr);
		hi = MIN(vmas[i].end, end);
		vm_unmap(lo, hi - lo, vmas[i].strict ? free_strict_frame :
		    free_lazy_frame);
		cur = hi;
	}
	if (cur < end)
		r = -ENOMEM;
	spin_unlock_irqrestore(&vma_lock, fl);
	return r;
}

/*
 * Resolve a page fault at addr with error code err (SDM vol 3A §4.7): a
 * not-present page inside a range whose protection allows the access gets
 * a zero-filled frame.  Returns 0 when resolved; -EFAULT when the access is
 * invalid (outside every range, PROT_NONE, write to a read-only range,
 * fetch from a non-exec range, or a protection fault on a present page);
 * -ENOMEM when no frame is left, or when a lazily charged page would eat
 * into the upper half of the reserve.  Runs in the #PF handler on an IST stack
 * with interrupts off: never sleeps, takes only vma_lock (and the vm/page
 * locks below it).
 */
int
vma_fault(uintptr_t addr, uint64_t err)
{
	uintptr_t page, pa = 0;
	uint64_t fl;
	size_t i;
	int prot, strict, r;

	if (addr < VA_MMAP || addr >= VA_USER_TOP || (err & (PF_P | PF_RSVD)))
		return -EFAULT;
	page = ALIGN_DOWN(addr, PAGE_SIZE);
	fl = spin_lock_irqsave(&vma_lock);
	i = vma_find(addr);
	prot = i < nvma && vmas[i].start <= addr ? vmas[i].prot : 0;
	strict = prot != 0 && vmas[i].strict;
	if ((err & PF_W) ? (prot & VMA_PROT_WRITE) == 0 :
	    (err & PF_I) ? (prot & VMA_PROT_EXEC) == 0 : prot == 0) {
		r = -EFAULT;
	} else if ((!strict && commit_slack() - 1 <
	    (long)commit_reserve() / 2) || (pa = page_alloc()) == 0) {
		r = -ENOMEM;
		if (!oom_reported) {
			oom_reported = 1;
			kprintf("vmgo: out of memory: no frame for page %#lx "
			    "(%zu of %zu MiB free, %zu MiB promised)\n",
			    (unsigned long)page,
			    page_free_count() >> (20 - PAGE_SHIFT),
			    page_total_count() >> (20 - PAGE_SHIFT),
			    (committed - backed) >> (20 - PAGE_SHIFT));
		}
	} else {
		r = vm_map_new(page, pa, vm_flags(prot));
		if (r != 0) {
			page_free(pa);
		} else {
			backed++;
			if (!strict)
				committed++;
		}
		if (r == -EEXIST)	/* another CPU backed it first */
			r = 0;
	}
	spin_unlock_irqrestore(&vma_lock, fl);
	return r;
}

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

struct vma {
	uintptr_t	start;
	uintptr_t	end;
	int		prot;		/* VMA_PROT_* */
};

static struct vma vma_boot[VMA_STATIC];
static struct vma *vmas = vma_boot;
static size_t nvma;
static size_t capvma = VMA_STATIC;
static struct spinlock vma_lock;
static int oom_reported;		/* vma_fault said "out of memory" */

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
		vmas[i + 1] = (struct vma){ hi, vmas[i].end, vmas[i].prot };
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
insert(uintptr_t lo, uintptr_t hi, int prot)
{
	size_t i = vma_find(lo);
	int prev, next;

	prev = i > 0 && vmas[i - 1].end == lo && vmas[i - 1].prot == prot;
	next = i < nvma && vmas[i].start == hi && vmas[i].prot == prot;
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
		vmas[i] = (struct vma){ lo, hi, prot };
		nvma++;
	}
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
 * zero and gets frames on first touch: PROT_NONE costs no RAM.  Stores the
 * address in *out.  Returns 0, -EINVAL (len 0, bad prot, fixed address
 * unaligned or outside the mmap area) or -ENOMEM (no room, or no memory
 * for bookkeeping).  Thread context; takes vma_lock.
 */
int
vma_map(uintptr_t hint, size_t len, int prot, int fixed, uintptr_t *out)
{
	uintptr_t addr;
	uint64_t fl;
	int r;

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
	if (fixed) {
		addr = hint;
		carve(addr, addr + len);
		vm_unmap(addr, len, page_free);
	} else {
		addr = ALIGN_DOWN(hint, PAGE_SIZE);
		if (hint == 0 || !in_area(addr, len) ||
		    !range_free(addr, addr + len)) {
			r = place(addr, len, &addr);
			if (r != 0)
				goto out;
		}
	}
	insert(addr, addr + len, prot);
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
		carve(addr, addr + len);
		vm_unmap(addr, len, page_free);
	}
	spin_unlock_irqrestore(&vma_lock, fl);
	return r;
}

/*
 * Set the protection of [addr, addr+len), which must be mapped throughout
 * (-ENOMEM otherwise, as mprotect(2)).  Frames and contents are kept, also
 * across PROT_NONE.  Returns 0, -EINVAL (bad arguments) or -ENOMEM.
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
	carve(addr, end);
	insert(addr, end, prot);
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
		vm_unmap(lo, hi - lo, page_free);
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
 * -ENOMEM when no frame is left.  Runs in the #PF handler on an IST stack
 * with interrupts off: never sleeps, takes only vma_lock (and the vm/page
 * locks below it).
 */
int
vma_fault(uintptr_t addr, uint64_t err)
{
	uintptr_t page, pa;
	uint64_t fl;
	size_t i;
	int prot, r;

	if (addr < VA_MMAP || addr >= VA_USER_TOP || (err & (PF_P | PF_RSVD)))
		return -EFAULT;
	page = ALIGN_DOWN(addr, PAGE_SIZE);
	fl = spin_lock_irqsave(&vma_lock);
	i = vma_find(addr);
	prot = i < nvma && vmas[i].start <= addr ? vmas[i].prot : 0;
	if ((err & PF_W) ? (prot & VMA_PROT_WRITE) == 0 :
	    (err & PF_I) ? (prot & VMA_PROT_EXEC) == 0 : prot == 0) {
		r = -EFAULT;
	} else if ((pa = page_alloc()) == 0) {
		r = -ENOMEM;
		if (!oom_reported) {
			oom_reported = 1;
			kprintf("vmgo: out of memory: no frame for page %#lx "
			    "(all %zu MiB in use)\n", (unsigned long)page,
			    page_total_count() >> (20 - PAGE_SHIFT));
		}
	} else {
		r = vm_map_new(page, pa, vm_flags(prot));
		if (r != 0)
			page_free(pa);
		if (r == -EEXIST)	/* another CPU backed it first */
			r = 0;
	}
	spin_unlock_irqrestore(&vma_lock, fl);
	return r;
}

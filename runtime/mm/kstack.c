/* SPDX-License-Identifier: ISC */
/*
 * kstack.c: thread and interrupt stacks in [VA_STACKS, VA_MMIO).
 *
 * A stack is an unmapped guard page followed by size bytes of RW+NX pages
 * whose frames are allocated up front: code in the C runtime (and the IST
 * stacks the #PF handler itself runs on) must never need a page fault to
 * grow its stack.  An overflow hits the guard page below, or the guard page
 * of the next stack above, and faults as a kernel error.
 *
 * Address space comes from a bump pointer; freed extents go to a small
 * sorted free list (merged, first fit) so thread churn reuses addresses.
 * The list is fixed-size so kstack_free never allocates; if it is full the
 * extent is dropped (the range is 192 GiB, the loss only counted).
 */
#include "kernel.h"

#define EXTENTS_MAX	256

struct extent {
	uintptr_t	start;
	uintptr_t	end;
};

static struct spinlock kstack_lock;
static struct extent ext[EXTENTS_MAX];	/* free address ranges, sorted */
static int nfree_ext;
static uintptr_t bump = VA_STACKS;	/* everything above is unused */
static size_t lost_bytes;		/* dropped when ext[] was full */

/* An address range of span bytes, or 0 when the stack area is full. */
static uintptr_t
va_take(size_t span)
{
	uintptr_t va = 0;
	uint64_t fl;
	int i;

	fl = spin_lock_irqsave(&kstack_lock);
	for (i = 0; i < nfree_ext; i++) {
		if (ext[i].end - ext[i].start >= span) {
			va = ext[i].start;
			ext[i].start += span;
			if (ext[i].start == ext[i].end) {
				memmove(&ext[i], &ext[i + 1],
				    (nfree_ext - i - 1) * sizeof(ext[0]));
				nfree_ext--;
			}
			break;
		}
	}
	if (va == 0 && span <= VA_MMIO - bump) {
		va = bump;
		bump += span;
	}
	spin_unlock_irqrestore(&kstack_lock, fl);
	return va;
}

/* Return [va, va+span) to the free list, merging with neighbours. */
static void
va_give(uintptr_t va, size_t span)
{
	uintptr_t end = va + span;
	uint64_t fl;
	int i;

	fl = spin_lock_irqsave(&kstack_lock);
	for (i = 0; i < nfree_ext && ext[i].start < va; i++)
		;
	if (i > 0 && ext[i - 1].end == va) {
		ext[i - 1].end = end;
		if (i < nfree_ext && ext[i].start == end) {
			ext[i - 1].end = ext[i].end;
			memmove(&ext[i], &ext[i + 1],
			    (nfree_ext - i - 1) * sizeof(ext[0]));
			nfree_ext--;
		}
	} else if (i < nfree_ext && ext[i].start == end) {
		ext[i].start = va;
	} else if (nfree_ext < EXTENTS_MAX) {
		memmove(&ext[i + 1], &ext[i], (nfree_ext - i) * sizeof(ext[0]));
		ext[i] = (struct extent){ va, end };
		nfree_ext++;
	} else {
		lost_bytes += span;
	}
	/* A free extent at the top goes back to the bump pointer. */
	if (nfree_ext > 0 && ext[nfree_ext - 1].end == bump) {
		bump = ext[nfree_ext - 1].start;
		nfree_ext--;
	}
	spin_unlock_irqrestore(&kstack_lock, fl);
}

/*
 * A stack of size bytes (rounded up to pages; frames allocated and mapped
 * RW+NX now) with an unmapped guard page below.  Returns the lowest usable
 * address (the top is that plus the rounded size), or NULL when frames,
 * page tables or stack address space run out.  Thread context or boot
 * after vm_init(); takes kstack_lock, then the vm and page locks.
 */
void *
kstack_alloc(size_t size)
{
	uintptr_t va, base, pa;
	size_t off;

	if (size == 0 || size > VA_MMIO - VA_STACKS)
		return NULL;
	size = ALIGN_UP(size, PAGE_SIZE);
	va = va_take(size + PAGE_SIZE);
	if (va == 0)
		return NULL;
	base = va + PAGE_SIZE;
	for (off = 0; off < size; off += PAGE_SIZE) {
		pa = page_alloc();
		if (pa == 0)
			goto fail;
		if (vm_map(base + off, pa, PAGE_SIZE,
		    VM_READ | VM_WRITE) != 0) {
			page_free(pa);
			goto fail;
		}
	}
	return (void *)base;
fail:
	vm_unmap(base, size, page_free);
	va_give(va, size + PAGE_SIZE);
	return NULL;
}

/*
 * Free a stack from kstack_alloc (same size).  It must not be in use by
 * any CPU.  Any context; takes the vm, page and kstack locks.
 */
void
kstack_free(void *base, size_t size)
{
	uintptr_t b = (uintptr_t)base;

	size = ALIGN_UP(size, PAGE_SIZE);
	if (b % PAGE_SIZE != 0 || b < VA_STACKS + PAGE_SIZE ||
	    b + size > VA_MMIO)
		panic("kstack_free: %p is not a stack", base);
	vm_unmap(b, size, page_free);
	va_give(b - PAGE_SIZE, size + PAGE_SIZE);
}

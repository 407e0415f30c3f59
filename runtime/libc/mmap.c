/* SPDX-License-Identifier: ISC */
/*
 * mmap.c: mmap, munmap, mprotect, madvise, minherit, msync, mlock and
 * munlock over mm/vma.c, with OpenBSD's flag values and error conventions
 * (docs/go-openbsd-abi.md §4).  Only anonymous memory exists: there are no
 * mappable files and no fork, so inheritance and syncing are trivial.
 *
 * Callers: go.o's runtime (mmap, munmap, madvise on g0 stacks), package
 * syscall (syscall.Mmap and friends), C code.  vmgo.mmaplog=1 on the
 * command line prints every call (to size the commit policy, mm/vma.c).
 */
#include <sys/mman.h>

#include "kernel.h"

/* Hidden from strict C11 by musl, or OpenBSD-only. */
int	madvise(void *addr, size_t len, int advice);
int	minherit(void *addr, size_t len, int inherit);

/* OpenBSD <sys/mman.h> values the overlay does not carry. */
#define MAP_INHERIT_SHARE	0
#define MAP_INHERIT_ZERO	3

/* Flags accepted; MAP_STACK and MAP_CONCEAL change nothing here. */
#define MAP_KNOWN	(MAP_SHARED | MAP_PRIVATE | MAP_FIXED | MAP_ANON | \
			 MAP_STACK | MAP_CONCEAL)
#define PROT_KNOWN	(PROT_READ | PROT_WRITE | PROT_EXEC)

static int mmaplog = -1;		/* vmgo.mmaplog=1; -1: not read yet */

/* Log mmap calls (vmgo.mmaplog=1: what a program maps, see vma.c)? */
static bool
logging(void)
{
	const struct cmdline *c;
	const char *v;

	if (mmaplog < 0) {
		c = cmdline_boot();
		v = c != NULL ? cmdline_vmgo(c, "mmaplog") : NULL;
		mmaplog = v != NULL && strcmp(v, "1") == 0;
	}
	return mmaplog != 0;
}

static int
vma_prot(int prot)
{
	return (prot & PROT_READ ? VMA_PROT_READ : 0) |
	    (prot & PROT_WRITE ? VMA_PROT_WRITE : 0) |
	    (prot & PROT_EXEC ? VMA_PROT_EXEC : 0);
}

/*
 * Anonymous memory only (MAP_ANON with fd -1): zero-filled, page aligned,
 * frames on first touch.  addr is a hint unless MAP_FIXED, which replaces
 * whatever was mapped there.  Returns the address, or MAP_FAILED with
 * errno EINVAL (bad flags/prot, len 0, unaligned or out-of-range fixed
 * address, MAP_ANON with an fd), ENODEV (file mappings) or ENOMEM.
 * Thread context.
 */
void *
mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	uintptr_t out;
	int r;

	if ((flags & ~MAP_KNOWN) != 0 || (prot & ~PROT_KNOWN) != 0 ||
	    (flags & (MAP_SHARED | MAP_PRIVATE)) == (MAP_SHARED | MAP_PRIVATE))
		r = -EINVAL;
	else if ((flags & MAP_ANON) == 0)
		r = -ENODEV;
	else if (fd != -1)
		r = -EINVAL;
	else
		r = vma_map((uintptr_t)addr, len, vma_prot(prot),
		    (flags & MAP_FIXED) != 0, &out);
	if (logging())
		kprintf("vmgo: mmap(%p, %#zx, prot %d, flags %#x) = %#lx "
		    "(%d)\n", addr, len, prot, flags, r == 0 ? out : 0, r);
	if (r != 0) {
		ret_errno(r);
		return MAP_FAILED;
	}
	return (void *)out;
}

/*
 * Unmap [addr, addr+len): any part of earlier mappings, or unmapped space.
 * Returns 0, or -1 with EINVAL (unaligned addr, len 0, range outside the
 * mmap area).  Go treats any failure as fatal.  Thread context.
 */
int
munmap(void *addr, size_t len)
{
	if (logging())
		kprintf("vmgo: munmap(%p, %#zx)\n", addr, len);
	return (int)ret_errno(vma_unmap((uintptr_t)addr, len));
}

/*
 * Change the protection of [addr, addr+len); contents are kept.  Returns
 * 0, or -1 with EINVAL (bad arguments) or ENOMEM (part of the range is
 * not mapped).  Thread context.
 */
int
mprotect(void *addr, size_t len, int prot)
{
	if (logging())
		kprintf("vmgo: mprotect(%p, %#zx, %d)\n", addr, len, prot);
	if ((prot & ~PROT_KNOWN) != 0)
		return (int)ret_errno(-EINVAL);
	return (int)ret_errno(vma_protect((uintptr_t)addr, len,
	    vma_prot(prot)));
}

/*
 * MADV_FREE and MADV_DONTNEED give the range's frames back; the pages stay
 * mapped and read as zero when touched again (Linux's DONTNEED; OpenBSD
 * would keep DONTNEED contents, but Go, its one user, does not care).  The
 * other advice values are accepted and ignored.  Returns 0, or -1 with
 * EINVAL (unknown advice, bad range) or ENOMEM (unmapped parts).  Thread
 * context.
 */
int
madvise(void *addr, size_t len, int advice)
{
	uintptr_t a = (uintptr_t)addr;

	if (logging())
		kprintf("vmgo: madvise(%p, %#zx, %d)\n", addr, len, advice);
	switch (advice) {
	case MADV_FREE:
	case MADV_DONTNEED:
		return (int)ret_errno(vma_free_pages(a, len));
	case MADV_NORMAL:
	case MADV_RANDOM:
	case MADV_SEQUENTIAL:
	case MADV_WILLNEED:
	case MADV_SPACEAVAIL:
		return (int)ret_errno(a % PAGE_SIZE != 0 ? -EINVAL : 0);
	default:
		return (int)ret_errno(-EINVAL);
	}
}

/*
 * Inheritance across fork: there is no fork, so every valid value holds
 * trivially.  0, or -1/EINVAL for an unaligned addr or unknown value.
 */
int
minherit(void *addr, size_t len, int inherit)
{
	if ((uintptr_t)addr % PAGE_SIZE != 0 || inherit < MAP_INHERIT_SHARE ||
	    inherit > MAP_INHERIT_ZERO)
		return (int)ret_errno(-EINVAL);
	return 0;
}

/*
 * Anonymous memory has no backing store, so there is nothing to write
 * back.  0, or -1/EINVAL for an unaligned addr or bad flags.
 */
int
msync(void *addr, size_t len, int flags)
{
	if ((uintptr_t)addr % PAGE_SIZE != 0 ||
	    (flags & ~(MS_ASYNC | MS_SYNC | MS_INVALIDATE)) != 0 ||
	    (flags & (MS_ASYNC | MS_SYNC)) == (MS_ASYNC | MS_SYNC))
		return (int)ret_errno(-EINVAL);
	return 0;
}

/*
 * Frames are never paged out, so memory is always locked; untouched pages
 * get their frame on first access (no I/O involved).  Always 0.
 */
int
mlock(const void *addr, size_t len)
{
	return 0;
}

/* See mlock.  Always 0. */
int
munlock(const void *addr, size_t len)
{
	return 0;
}

/* SPDX-License-Identifier: ISC */
/*
 * malloc.c: malloc, calloc, realloc, free, posix_memalign, aligned_alloc
 * and reallocarray over mm/kmalloc.c.  Thread-safe.  Callers: the
 * runtime/cgo objects (a 24-byte ThreadStart per thread, freed on the new
 * thread before Go state exists) and user C code.  Blocks are 16-byte
 * aligned; failures set errno ENOMEM (or EINVAL) and return NULL.
 */
#include <stdlib.h>

#include "kernel.h"

/* Hidden from strict C11 by musl. */
int	posix_memalign(void **out, size_t align, size_t n);
void	*reallocarray(void *p, size_t n, size_t size);

static void *
fail(int err)
{
	ret_errno(-err);
	return NULL;
}

/* n bytes, or NULL/ENOMEM.  malloc(0) returns a unique pointer. */
void *
malloc(size_t n)
{
	void *p = kmalloc(n);

	return p != NULL ? p : fail(ENOMEM);
}

/* n * size zeroed bytes, or NULL/ENOMEM (also when the product overflows). */
void *
calloc(size_t n, size_t size)
{
	void *p;

	if (size != 0 && n > SIZE_MAX / size)
		return fail(ENOMEM);
	p = kzalloc(n * size);
	return p != NULL ? p : fail(ENOMEM);
}

/*
 * Resize p to n bytes keeping its contents up to the smaller size (p NULL:
 * malloc).  realloc(p, 0) returns a minimal block, as OpenBSD's does.  On
 * failure NULL/ENOMEM and p is untouched.
 */
void *
realloc(void *p, size_t n)
{
	void *q = krealloc(p, n);

	return q != NULL ? q : fail(ENOMEM);
}

/* Free a block from this family; NULL is ignored. */
void
free(void *p)
{
	kfree(p);
}

/*
 * n bytes aligned to align (a power of two, at least sizeof(void *)) in
 * *out.  Returns 0, EINVAL or ENOMEM (errno is not set, per POSIX).
 */
int
posix_memalign(void **out, size_t align, size_t n)
{
	void *p;

	if (align < sizeof(void *) || (align & (align - 1)) != 0)
		return EINVAL;
	p = kmalloc_aligned(n, align);
	if (p == NULL)
		return ENOMEM;
	*out = p;
	return 0;
}

/* C11: n bytes aligned to align (a power of two), or NULL/EINVAL/ENOMEM. */
void *
aligned_alloc(size_t align, size_t n)
{
	void *p;

	if (align == 0 || (align & (align - 1)) != 0)
		return fail(EINVAL);
	p = kmalloc_aligned(n, align);
	return p != NULL ? p : fail(ENOMEM);
}

/* realloc(p, n * size), or NULL/ENOMEM when the product overflows. */
void *
reallocarray(void *p, size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size)
		return fail(ENOMEM);
	return realloc(p, n * size);
}

/* SPDX-License-Identifier: ISC */
/*
 * string.c: freestanding memory and string functions.  They are both the
 * runtime's own and the libc ABI (gcc emits memcpy/memset/memmove/memcmp
 * calls for structure copies; user cgo code calls the rest).
 *
 * The copies use "rep movsq"/"rep stosq" for whole quadwords and the byte
 * forms for the rest: fast on every CPU with fast strings (Intel SDM vol 1
 * §7.3.9.3, "Fast-String Operation"), and no SSE, which the runtime may
 * not use (-mgeneral-regs-only).  Quadwords rather than ERMS's bytes
 * because QEMU's TCG emulates a rep string instruction one iteration at
 * a time: the quadword form takes an eighth of the steps, and memcpy was
 * 13% of the guest's time moving bulk TCP before (docs/networking.md).  The remaining
 * functions are plain byte loops; none of them is on a hot path of Go
 * (Go brings its own memmove and friends).
 */
#include <stdlib.h>

#include "kernel.h"

/*
 * Copy n bytes; the ranges must not overlap.  Returns d.  Any context.
 */
void *
memcpy(void *restrict d, const void *restrict s, size_t n)
{
	void *ret = d;
	size_t q = n / 8, r = n % 8;

	__asm__ volatile("rep movsq"
	    : "+D"(d), "+S"(s), "+c"(q) : : "memory");
	__asm__ volatile("rep movsb"
	    : "+D"(d), "+S"(s), "+c"(r) : : "memory");
	return ret;
}

/*
 * Copy n bytes between ranges that may overlap.  Returns d.  Any context.
 * A backward copy runs "rep movsb" with EFLAGS.DF set; interrupts are held
 * off meanwhile so no handler ever starts with DF=1 (the SysV ABI promises
 * DF=0 on function entry).
 */
void *
memmove(void *d, const void *s, size_t n)
{
	unsigned char *dp = d;
	const unsigned char *sp = s;
	uint64_t f;

	if (n == 0 || dp == sp)
		return d;
	if (dp < sp || dp >= sp + n)
		return memcpy(d, s, n);
	dp += n - 1;
	sp += n - 1;
	f = irq_save();
	__asm__ volatile("std; rep movsb; cld"
	    : "+D"(dp), "+S"(sp), "+c"(n) : : "memory", "cc");
	irq_restore(f);
	return d;
}

/*
 * Fill n bytes with (unsigned char)c.  Returns d.  Any context.
 */
void *
memset(void *d, int c, size_t n)
{
	void *ret = d;
	size_t q = n / 8, r = n % 8;

	__asm__ volatile("rep stosq"
	    : "+D"(d), "+c"(q) : "a"((uint8_t)c * 0x0101010101010101ULL)
	    : "memory");
	__asm__ volatile("rep stosb"
	    : "+D"(d), "+c"(r) : "a"(c) : "memory");
	return ret;
}

/*
 * Compare n bytes as unsigned char: <0, 0 or >0.  Any context.
 */
int
memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *p = a, *q = b;

	for (; n > 0; n--, p++, q++)
		if (*p != *q)
			return *p - *q;
	return 0;
}

/*
 * The first byte equal to (unsigned char)c in [s, s+n), or NULL.
 */
void *
memchr(const void *s, int c, size_t n)
{
	const unsigned char *p = s;

	for (; n > 0; n--, p++)
		if (*p == (unsigned char)c)
			return (void *)(uintptr_t)p;
	return NULL;
}

/* Length of s without its NUL.  Any context (as are all below). */
size_t
strlen(const char *s)
{
	const char *p = s;

	while (*p != '\0')
		p++;
	return p - s;
}

/* strlen(s), but at most max bytes are read. */
size_t
strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n] != '\0')
		n++;
	return n;
}

/* Compare as unsigned char: <0, 0 or >0. */
int
strcmp(const char *a, const char *b)
{
	const unsigned char *p = (const unsigned char *)a;
	const unsigned char *q = (const unsigned char *)b;

	while (*p != '\0' && *p == *q) {
		p++;
		q++;
	}
	return *p - *q;
}

/* strcmp() of at most n bytes. */
int
strncmp(const char *a, const char *b, size_t n)
{
	const unsigned char *p = (const unsigned char *)a;
	const unsigned char *q = (const unsigned char *)b;

	for (; n > 0; n--, p++, q++) {
		if (*p != *q)
			return *p - *q;
		if (*p == '\0')
			return 0;
	}
	return 0;
}

/* The first (unsigned char)c in s, the terminating NUL for c == 0, or NULL. */
char *
strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)(uintptr_t)s;
		if (*s == '\0')
			return NULL;
	}
}

/* The last (unsigned char)c in s, the terminating NUL for c == 0, or NULL. */
char *
strrchr(const char *s, int c)
{
	const char *last = NULL;

	for (;; s++) {
		if (*s == (char)c)
			last = s;
		if (*s == '\0')
			return (char *)(uintptr_t)last;
	}
}

/* Copy s with its NUL to d.  Returns d. */
char *
strcpy(char *restrict d, const char *restrict s)
{
	char *ret = d;

	while ((*d++ = *s++) != '\0')
		;
	return ret;
}

/*
 * Copy at most n bytes of s to d and pad with NULs up to n; d is not
 * terminated when strlen(s) >= n (ISO C semantics).  Returns d.
 */
char *
strncpy(char *restrict d, const char *restrict s, size_t n)
{
	size_t i;

	for (i = 0; i < n && s[i] != '\0'; i++)
		d[i] = s[i];
	for (; i < n; i++)
		d[i] = '\0';
	return d;
}

/*
 * Copy s into d[size], always NUL-terminated when size > 0 (OpenBSD
 * strlcpy(3)).  Returns strlen(s); truncation happened if that is >= size.
 */
size_t
strlcpy(char *restrict d, const char *restrict s, size_t size)
{
	size_t len = strlen(s);

	if (size > 0) {
		size_t n = len < size - 1 ? len : size - 1;

		memcpy(d, s, n);
		d[n] = '\0';
	}
	return len;
}

/*
 * A malloc()ed copy of s (free() it), or NULL with errno ENOMEM.  Thread
 * context (malloc).
 */
char *
strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = malloc(n);

	if (d == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	return memcpy(d, s, n);
}

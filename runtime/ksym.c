/* SPDX-License-Identifier: ISC */
/*
 * ksym.c: function names for crash reports, from the image's own symbol
 * table.
 *
 * The ELF .symtab is not loaded, so vmgo-link links every image twice:
 * the first image's function symbols (nm, below __text_end: the C
 * runtime's and Go's) become the .vmgo.ksyms section of the second, in
 * .rodata after all code, so no address changes (vmgo-link checks that
 * .text is identical).  boot/vmgo.ld brackets it with __vmgo_ksyms_start
 * and __vmgo_ksyms_end; an image linked without vmgo-link (tests/boot)
 * has an empty table and reports bare addresses.
 *
 * Layout (little endian, 8-aligned):
 *	struct ksym_header	magic "VMGOKSYM", count, string bytes
 *	struct ksym		count of them, sorted by address
 *	names			NUL-terminated, at the name offsets
 *
 * Lookups run in crash paths: no locks, no allocation, every offset
 * checked against the section's bounds.
 */
#include "kernel.h"

#define KSYM_MAGIC	0x4d59534b4f474d56ULL	/* "VMGOKSYM" little endian */

struct ksym_header {
	uint64_t	magic;
	uint32_t	count;
	uint32_t	strsize;
};

struct ksym {
	uint64_t	addr;
	uint32_t	name;		/* offset into the names */
	uint32_t	size;		/* bytes, 0 if unknown */
};

_Static_assert(sizeof(struct ksym) == 16, "vmgo-link's ksym_asm layout");

extern const char __vmgo_ksyms_start[], __vmgo_ksyms_end[];

/* The table if it is well formed, else NULL (*n, *names set). */
static const struct ksym *
ksym_table(size_t *n, const char **names, size_t *strsize)
{
	const struct ksym_header *h = (const void *)__vmgo_ksyms_start;
	size_t len = (size_t)(__vmgo_ksyms_end - __vmgo_ksyms_start);

	if (len < sizeof(*h) || h->magic != KSYM_MAGIC ||
	    h->count > (len - sizeof(*h)) / sizeof(struct ksym) ||
	    h->strsize > len - sizeof(*h) - h->count * sizeof(struct ksym))
		return NULL;
	*n = h->count;
	*names = __vmgo_ksyms_start + sizeof(*h) +
	    h->count * sizeof(struct ksym);
	*strsize = h->strsize;
	return (const struct ksym *)(h + 1);
}

/*
 * The name of the function containing pc, with pc's offset from its
 * start in *off; NULL when pc is below the first symbol, past the end of
 * the text, or the image has no table.  Any context (crash paths
 * included): lock-free, allocates nothing.
 */
const char *
ksym_lookup(uintptr_t pc, uintptr_t *off)
{
	extern const char __text_end[];
	const struct ksym *t;
	const char *names;
	size_t n, lo, hi, mid, strsize;

	t = ksym_table(&n, &names, &strsize);
	if (t == NULL || n == 0 || pc < t[0].addr ||
	    pc >= (uintptr_t)__text_end)
		return NULL;
	lo = 0;
	hi = n;			/* t[lo].addr <= pc < t[hi].addr */
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (t[mid].addr <= pc)
			lo = mid;
		else
			hi = mid;
	}
	if (t[lo].name >= strsize ||
	    memchr(names + t[lo].name, 0, strsize - t[lo].name) == NULL)
		return NULL;
	*off = pc - t[lo].addr;
	return names + t[lo].name;
}

/* SPDX-License-Identifier: ISC */
/*
 * ksym.c: function names for crash reports, from the image's own symbol
 * tables.
 *
 * Two sources, because neither ELF .symtab nor DWARF is loaded:
 *  - Go's code: Go's own function table, .gopclntab (loaded in .rodata,
 *    the table Go's runtime names its frames from; layout below).
 *  - everything else (the C runtime, lwIP, cgo code): the .vmgo.ksyms
 *    section.  vmgo-link links every image twice: the first image's
 *    function symbols (nm, below __text_end) outside Go's text
 *    [runtime.text, runtime.etext), plus runtime.text itself as a
 *    marker, become the .vmgo.ksyms section of the second, in .rodata
 *    after all code, so no address changes (vmgo-link checks that .text
 *    is identical).  boot/vmgo.ld brackets it with __vmgo_ksyms_start
 *    and __vmgo_ksyms_end, and .gopclntab with __vmgo_pclntab_start and
 *    __vmgo_pclntab_end; an image linked without vmgo-link (tests/boot)
 *    has empty tables and reports bare addresses.
 *
 * .vmgo.ksyms layout (little endian, 8-aligned):
 *	struct ksym_header	magic "VMGOKSYM", count, string bytes
 *	struct ksym		count of them, sorted by address
 *	names			NUL-terminated, at the name offsets
 *
 * .gopclntab layout (Go 1.20-1.23: runtime/symtab.go, pcHeader and
 * functab; runtime/runtime2.go, _func), all offsets checked:
 *	struct go_pcheader	at 0: magic 0xfffffff1, nfunc, textStart,
 *				and the offsets of funcnametab and pclntab
 *	pclntab			nfunc + 1 struct go_functab {entryoff,
 *				funcoff}, sorted; entry nfunc's entryoff
 *				is the end of Go's text
 *	_func at pclntab + funcoff: entryOff u32, nameOff i32 (into
 *				funcnametab: NUL-terminated names), ...
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
extern const char __vmgo_pclntab_start[], __vmgo_pclntab_end[];

#define GO_PCLN_MAGIC	0xfffffff1U	/* Go 1.20+ (runtime/symtab.go) */

/* runtime.pcHeader, amd64 (uintptr and int: 8 bytes). */
struct go_pcheader {
	uint32_t	magic;
	uint8_t		pad1, pad2;
	uint8_t		minlc;
	uint8_t		ptrsize;
	uint64_t	nfunc;
	uint64_t	nfiles;
	uint64_t	textstart;	/* relocated: Go's first instruction */
	uint64_t	funcnameoff;	/* offsets from the header */
	uint64_t	cuoff;
	uint64_t	filetaboff;
	uint64_t	pctaboff;
	uint64_t	pclnoff;
};

/* runtime.functab: offsets from textstart and from pclntab. */
struct go_functab {
	uint32_t	entryoff;
	uint32_t	funcoff;
};

_Static_assert(sizeof(struct go_pcheader) == 72, "runtime.pcHeader");

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

/* NUL-terminated string at off in [base, base + len), or NULL. */
static const char *
str_at(const char *base, size_t len, uint64_t off)
{
	if (off >= len || memchr(base + off, 0, len - off) == NULL)
		return NULL;
	return base + off;
}

/*
 * Go's text, from Go's function table: 1 when pc is in [textstart, end
 * of Go's text) of a well-formed table, *name then set (NULL if that
 * function's entry is malformed) with pc's offset in *off; else 0.
 */
static int
go_lookup(uintptr_t pc, const char **name, uintptr_t *off)
{
	const struct go_pcheader *h = (const void *)__vmgo_pclntab_start;
	size_t len = (size_t)(__vmgo_pclntab_end - __vmgo_pclntab_start);
	const struct go_functab *ft;
	const char *pcln;
	uint64_t n, lo, hi, mid, rel;
	uint32_t funcoff;
	int32_t nameoff;

	if (len < sizeof(*h) || h->magic != GO_PCLN_MAGIC ||
	    h->ptrsize != 8 || h->pclnoff > len || h->pclnoff % 4 != 0 ||
	    h->funcnameoff > len ||
	    h->nfunc == 0 || h->nfunc >= (len - h->pclnoff) / sizeof(*ft))
		return 0;
	pcln = __vmgo_pclntab_start + h->pclnoff;
	ft = (const struct go_functab *)(const void *)pcln;
	n = h->nfunc;
	if (pc < h->textstart || pc - h->textstart >= ft[n].entryoff)
		return 0;
	rel = pc - h->textstart;
	*name = NULL;
	if (rel < ft[0].entryoff)
		return 1;
	lo = 0;
	hi = n;			/* ft[lo].entryoff <= rel < ft[hi].entryoff */
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (ft[mid].entryoff <= rel)
			lo = mid;
		else
			hi = mid;
	}
	funcoff = ft[lo].funcoff;
	if (funcoff > len - h->pclnoff ||
	    len - h->pclnoff - funcoff < 2 * sizeof(uint32_t))
		return 1;
	memcpy(&nameoff, pcln + funcoff + sizeof(uint32_t), sizeof(nameoff));
	if (nameoff < 0)
		return 1;
	*name = str_at(__vmgo_pclntab_start + h->funcnameoff,
	    len - h->funcnameoff, (uint64_t)nameoff);
	*off = rel - ft[lo].entryoff;
	return 1;
}

/*
 * The name of the function containing pc, with pc's offset from its
 * start in *off; NULL when pc is below the first symbol, past the end of
 * the text, or the image has no table (or, in Go's text, a malformed
 * entry).  Any context (crash paths included): lock-free, allocates
 * nothing.
 */
const char *
ksym_lookup(uintptr_t pc, uintptr_t *off)
{
	extern const char __text_end[];
	const struct ksym *t;
	const char *names;
	size_t n, lo, hi, mid, strsize;
	const char *go, *name;

	if (go_lookup(pc, &go, off))
		return go;
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
	if ((name = str_at(names, strsize, t[lo].name)) == NULL)
		return NULL;
	*off = pc - t[lo].addr;
	return name;
}

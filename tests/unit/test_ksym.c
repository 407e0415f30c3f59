/* SPDX-License-Identifier: ISC */
/*
 * test_ksym.c: function-name lookup (ksym.c) over a table laid out as
 * vmgo-link's ksym_asm writes it and over a Go function table laid out
 * as Go 1.20+'s .gopclntab, and its refusal of malformed tables.
 */
#include "harness.h"
#include "host_shim.h"

#include <string.h>

/* The linker symbols ksym.c reads, as labels around host buffers. */
#define __vmgo_ksyms_start	test_ksyms
#define __vmgo_ksyms_end	test_ksyms_end
#define __text_end		test_text_end
#define __vmgo_pclntab_start	test_pcln
#define __vmgo_pclntab_end	test_pcln_end
__asm__(".pushsection .data\n"
    ".balign 64\n"
    ".globl test_text\n"
    "test_text: .skip 4096\n"
    ".globl test_text_end\n"
    "test_text_end:\n"
    ".balign 8\n"
    ".globl test_ksyms\n"
    "test_ksyms: .skip 4096\n"
    ".globl test_ksyms_end\n"
    "test_ksyms_end:\n"
    ".balign 64\n"
    ".globl test_pcln\n"
    "test_pcln: .skip 4096\n"
    ".globl test_pcln_end\n"
    "test_pcln_end:\n"
    ".popsection\n");
extern char test_text[];

#include "../../runtime/ksym.c"

/* ksym.c sees the table as const; the test writes it. */
#define TABLE	((char *)(uintptr_t)test_ksyms)

struct tab {
	struct ksym_header	h;
	struct ksym		s[3];
	char			names[32];
};

/* Three functions at text+0x100, +0x200 and +0x800. */
static struct tab *
build(void)
{
	struct tab *t = (struct tab *)(void *)TABLE;
	uintptr_t base = (uintptr_t)test_text;

	memset(TABLE, 0, 4096);
	memset((char *)(uintptr_t)test_pcln, 0, 4096);	/* no Go table */
	t->h.magic = KSYM_MAGIC;
	t->h.count = 3;
	t->h.strsize = sizeof(t->names);
	t->s[0] = (struct ksym){ base + 0x100, 0, 0x10 };
	t->s[1] = (struct ksym){ base + 0x200, 4, 0 };
	t->s[2] = (struct ksym){ base + 0x800, 10, 0 };
	memcpy(t->names, "one\0two_b\0three", 16);
	return t;
}

static const char *
look(uintptr_t off, uintptr_t *o)
{
	return ksym_lookup((uintptr_t)test_text + off, o);
}

TEST(finds_the_function_below)
{
	uintptr_t o = 99;

	build();
	EXPECT(look(0xff, &o) == NULL);
	EXPECT(strcmp(look(0x100, &o), "one") == 0);
	EXPECT_EQ(o, 0);
	EXPECT(strcmp(look(0x1ff, &o), "one") == 0);
	EXPECT_EQ(o, 0xff);
	EXPECT(strcmp(look(0x200, &o), "two_b") == 0);
	EXPECT(strcmp(look(0x7ff, &o), "two_b") == 0);
	EXPECT_EQ(o, 0x5ff);
	EXPECT(strcmp(look(0xfff, &o), "three") == 0);
	EXPECT_EQ(o, 0x7ff);
	/* __text_end and beyond: not code. */
	EXPECT(look(0x1000, &o) == NULL);
	EXPECT(ksym_lookup(0, &o) == NULL);
}

TEST(refuses_malformed_tables)
{
	struct tab *t;
	uintptr_t o;

	t = build();
	t->h.magic++;
	EXPECT(look(0x100, &o) == NULL);
	t = build();
	t->h.count = 4096;			/* entries beyond the section */
	EXPECT(look(0x100, &o) == NULL);
	t = build();
	t->h.strsize = 4096;			/* names beyond the section */
	EXPECT(look(0x100, &o) == NULL);
	t = build();
	t->s[1].name = 4000;			/* name offset out of range */
	EXPECT(look(0x200, &o) == NULL);
	EXPECT(strcmp(look(0x100, &o), "one") == 0);
	t = build();
	t->h.strsize = 12;			/* "three" not terminated */
	EXPECT(look(0x800, &o) == NULL);
	memset(TABLE, 0, 4096);		/* no table at all */
	EXPECT(look(0x100, &o) == NULL);
}

/* ksym.c sees Go's table as const; the test writes it. */
#define PCLN	((char *)(uintptr_t)test_pcln)

/*
 * A Go function table: Go's text from text+0x400 to text+0x700, two
 * functions at +0x400 ("main.f") and +0x500 ("runtime.g").
 */
struct gotab {
	struct go_pcheader	h;
	char			names[24];	/* funcnametab at 72 */
	struct go_functab	ft[3];		/* pclntab at 96 */
	uint32_t		func[2][2];	/* entryOff, nameOff */
};

static struct gotab *
gobuild(void)
{
	struct gotab *g = (struct gotab *)(void *)PCLN;

	memset(PCLN, 0, 4096);
	g->h.magic = GO_PCLN_MAGIC;
	g->h.minlc = 1;
	g->h.ptrsize = 8;
	g->h.nfunc = 2;
	g->h.textstart = (uintptr_t)test_text + 0x400;
	g->h.funcnameoff = offsetof(struct gotab, names);
	g->h.pclnoff = offsetof(struct gotab, ft);
	memcpy(g->names, "main.f\0runtime.g", 17);
	g->ft[0] = (struct go_functab){ 0, offsetof(struct gotab, func[0]) -
	    offsetof(struct gotab, ft) };
	g->ft[1] = (struct go_functab){ 0x100, offsetof(struct gotab, func[1]) -
	    offsetof(struct gotab, ft) };
	g->ft[2] = (struct go_functab){ 0x300, 0 };	/* end of Go's text */
	g->func[0][0] = 0;
	g->func[0][1] = 0;
	g->func[1][0] = 0x100;
	g->func[1][1] = 7;
	return g;
}

TEST(names_go_code_from_the_go_table)
{
	uintptr_t o = 99;

	build();
	gobuild();
	EXPECT(strcmp(look(0x400, &o), "main.f") == 0);
	EXPECT_EQ(o, 0);
	EXPECT(strcmp(look(0x4ff, &o), "main.f") == 0);
	EXPECT_EQ(o, 0xff);
	EXPECT(strcmp(look(0x500, &o), "runtime.g") == 0);
	EXPECT(strcmp(look(0x6ff, &o), "runtime.g") == 0);
	EXPECT_EQ(o, 0x1ff);
	/* Outside Go's text: the C table ("two_b" covers 0x200-0x7ff). */
	EXPECT(strcmp(look(0x3ff, &o), "two_b") == 0);
	EXPECT(strcmp(look(0x700, &o), "two_b") == 0);
	EXPECT(strcmp(look(0x800, &o), "three") == 0);
	memset(TABLE, 0, 4096);		/* Go's table alone still works */
	EXPECT(strcmp(look(0x500, &o), "runtime.g") == 0);
	EXPECT(look(0x800, &o) == NULL);
}

TEST(refuses_malformed_go_tables)
{
	struct gotab *g;
	uintptr_t o;

	build();
	g = gobuild();
	g->h.magic = 0xfffffff0;		/* Go 1.18's: not understood */
	EXPECT(strcmp(look(0x500, &o), "two_b") == 0);
	g = gobuild();
	g->h.nfunc = 600;			/* functab beyond the section */
	EXPECT(strcmp(look(0x500, &o), "two_b") == 0);
	g = gobuild();
	g->h.pclnoff = 5000;
	EXPECT(strcmp(look(0x500, &o), "two_b") == 0);
	g = gobuild();
	g->h.pclnoff = 98;			/* misaligned */
	EXPECT(strcmp(look(0x500, &o), "two_b") == 0);
	/* A bad entry in Go's text: no name, not the C function's. */
	g = gobuild();
	g->ft[1].funcoff = 4090;		/* _func beyond the section */
	EXPECT(look(0x500, &o) == NULL);
	EXPECT(strcmp(look(0x400, &o), "main.f") == 0);
	g = gobuild();
	g->func[1][1] = 0x80000000;		/* negative nameOff */
	EXPECT(look(0x500, &o) == NULL);
	g = gobuild();
	g->func[1][1] = 4030;			/* name beyond the section */
	EXPECT(look(0x500, &o) == NULL);
	g = gobuild();
	memset(PCLN + 4000, 'x', 96);		/* unterminated name */
	g->func[1][1] = 4000 - offsetof(struct gotab, names);
	EXPECT(look(0x500, &o) == NULL);
	memset(PCLN, 0, 4096);
}

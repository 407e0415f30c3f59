/* SPDX-License-Identifier: ISC */
/*
 * test_ksym.c: function-name lookup (ksym.c) over a table laid out as
 * vmgo-link's ksym_asm writes it, and its refusal of malformed tables.
 */
#include "harness.h"
#include "host_shim.h"

#include <string.h>

/* The linker symbols ksym.c reads, as labels around host buffers. */
#define __vmgo_ksyms_start	test_ksyms
#define __vmgo_ksyms_end	test_ksyms_end
#define __text_end		test_text_end
__asm__(".data\n"
    ".balign 64\n"
    ".globl test_text\n"
    "test_text: .skip 4096\n"
    ".globl test_text_end\n"
    "test_text_end:\n"
    ".balign 8\n"
    ".globl test_ksyms\n"
    "test_ksyms: .skip 4096\n"
    ".globl test_ksyms_end\n"
    "test_ksyms_end:\n");
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

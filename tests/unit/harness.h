/* SPDX-License-Identifier: ISC */
/*
 * harness.h: a tiny host unit-test harness.  Include it first in
 * tests/unit/test_<module>.c, then the real source file(s) under test.
 *
 *	TEST(name) { EXPECT(x > 0); EXPECT_EQ(f(), 3); }
 *
 * Cases run in file order; each prints "ok NAME" or, per failed check,
 * "FAIL NAME: file:line: expr".  The exit status is 1 if anything failed.
 * Define HARNESS_NO_MAIN before including it to supply your own main().
 */
#ifndef VMGO_TESTS_HARNESS_H
#define VMGO_TESTS_HARNESS_H

/*
 * Host build: runtime headers leave out what cannot run in ring 3 (cli in
 * irq_save, for instance).  Tested code must not depend on anything else.
 */
#define VMGO_HOST_TEST	1

#include <stdio.h>
#include <stdlib.h>

struct harness_case {
	const char		*name;
	void			(*fn)(void);
	struct harness_case	*next;
};

static struct harness_case *harness_head, **harness_tail = &harness_head;
static const char *harness_cur = "?";
static int harness_case_failed, harness_nfailed;

#define TEST(name)							\
	static void test_##name(void);					\
	__attribute__((constructor)) static void			\
	harness_reg_##name(void)					\
	{								\
		static struct harness_case c = { #name, test_##name, NULL }; \
		*harness_tail = &c;					\
		harness_tail = &c.next;					\
	}								\
	static void test_##name(void)

static inline void
harness_fail(const char *file, int line, const char *expr, const char *extra)
{
	printf("FAIL %s: %s:%d: %s%s\n", harness_cur, file, line, expr, extra);
	harness_case_failed = 1;
}

#define EXPECT(e) do {							\
	if (!(e))							\
		harness_fail(__FILE__, __LINE__, #e, "");		\
} while (0)

/* Compares as long long; prints both values on failure. */
#define EXPECT_EQ(a, b) do {						\
	long long ea_ = (long long)(a), eb_ = (long long)(b);		\
	char ebuf_[96];							\
	if (ea_ != eb_) {						\
		snprintf(ebuf_, sizeof(ebuf_),				\
		    " (%lld != %lld, %#llx != %#llx)", ea_, eb_, ea_, eb_); \
		harness_fail(__FILE__, __LINE__, #a " == " #b, ebuf_);	\
	}								\
} while (0)

#ifndef HARNESS_NO_MAIN
int
main(void)
{
	struct harness_case *c;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (c = harness_head; c != NULL; c = c->next) {
		harness_cur = c->name;
		harness_case_failed = 0;
		c->fn();
		if (harness_case_failed)
			harness_nfailed++;
		else
			printf("ok %s\n", c->name);
	}
	return harness_nfailed != 0;
}
#endif

#endif

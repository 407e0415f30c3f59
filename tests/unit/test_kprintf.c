/* SPDX-License-Identifier: ISC */
/*
 * test_kprintf.c: runtime/kprintf.c against the host's snprintf over a
 * grid of formats and values, plus the parts that differ on purpose (%p)
 * and the chunked console path.
 */
#include "harness.h"

#include <limits.h>
#include <stdint.h>
#include <string.h>

/* host_shim.c has its own kprintf/kvprintf; test the image's under other
 * names. */
#define kprintf		kprintf_image
#define kvprintf	kvprintf_image
#include "../../runtime/kprintf.c"
#undef kprintf
#undef kvprintf

static char con[8192];
static size_t conlen;

void
console_write(const char *s, size_t n)
{
	if (conlen + n <= sizeof(con)) {
		memcpy(con + conlen, s, n);
		conlen += n;
	}
}

#define SAME(fmt, ...) do {						\
	char want_[256], got_[256];					\
	int wn_ = snprintf(want_, sizeof(want_), fmt, __VA_ARGS__);	\
	int gn_ = ksnprintf(got_, sizeof(got_), fmt, __VA_ARGS__);	\
	if (strcmp(want_, got_) != 0 || wn_ != gn_) {			\
		printf("  %s: want \"%s\" (%d), got \"%s\" (%d)\n",	\
		    fmt, want_, wn_, got_, gn_);			\
		EXPECT(!"kvsnprintf differs from snprintf");		\
	}								\
} while (0)

TEST(signed_ints)
{
	static const char *const fmts[] = { "%d", "%i", "%5d", "%-5d|",
	    "%05d", "%+d", "% d", "%.3d", "%.0d", "%8.3d", "%-8.3d|",
	    "%+08d", "%-+6d|", "% 05d", "%+.0d" };
	static const int vals[] = { 0, 1, -1, 42, -42, 99999, INT_MAX,
	    INT_MIN };
	size_t i, j;

	for (i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++)
		for (j = 0; j < sizeof(vals) / sizeof(vals[0]); j++)
			SAME(fmts[i], vals[j]);
}

TEST(unsigned_ints)
{
	static const char *const fmts[] = { "%u", "%x", "%X", "%o", "%#x",
	    "%#X", "%#o", "%08x", "%#08x", "%.4x", "%#.4x", "%-#8x|",
	    "%#.0x", "%#.0o", "%.0u", "%10.6o" };
	static const unsigned vals[] = { 0, 1, 7, 8, 255, 4096, 0xdeadbeef,
	    UINT_MAX };
	size_t i, j;

	for (i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++)
		for (j = 0; j < sizeof(vals) / sizeof(vals[0]); j++)
			SAME(fmts[i], vals[j]);
}

TEST(length_modifiers)
{
	SAME("%ld %lu %lx", LONG_MIN, ULONG_MAX, 0x123456789abcdefUL);
	SAME("%lld %llu %llo", LLONG_MIN, ULLONG_MAX, 0777ULL);
	SAME("%hd %hu %hhd %hhu %hhx", -2, 65535, -3, 200, 0x1ff);
	SAME("%zu %zx %td %jd %ju", (size_t)SIZE_MAX, (size_t)48879,
	    (ptrdiff_t)-5, (intmax_t)INTMAX_MIN, (uintmax_t)UINTMAX_MAX);
	SAME("%018lx|%-18lx|", 0xffffUL, 0xffffUL);
}

TEST(strings_and_chars)
{
	static const char *const fmts[] = { "%s", "%3s", "%-8s|", "%.2s",
	    "%8.2s", "%.0s", "%-3.1s|" };
	static const char *const vals[] = { "", "a", "hello" };
	size_t i, j;

	for (i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++)
		for (j = 0; j < sizeof(vals) / sizeof(vals[0]); j++)
			SAME(fmts[i], vals[j]);
	SAME("%c|%3c|%-3c|", 'x', 'y', 'z');
	SAME("%*d|%-*d|%*d", 6, 1, 6, 2, -6, 3);
	SAME("%.*s|%.*d", 3, "abcdef", -1, 5);
	SAME("100%% %s", "done");
}

TEST(deliberate_differences)
{
	char b[64];

	/* %p is "0x" + hex, also for NULL (glibc prints "(nil)"). */
	EXPECT_EQ(ksnprintf(b, sizeof(b), "%p|%p", (void *)0x1000, NULL), 10);
	EXPECT(strcmp(b, "0x1000|0x0") == 0);
	EXPECT_EQ(ksnprintf(b, sizeof(b), "%6p|%-6p|", NULL, (void *)0xab),
	    14);
	EXPECT(strcmp(b, "   0x0|0xab  |") == 0);
	/* NULL string, unknown conversion, trailing %. */
	ksnprintf(b, sizeof(b), "%s %q %", (char *)NULL);
	EXPECT(strcmp(b, "(null) %q %") == 0);
}

TEST(truncation)
{
	char b[6];

	memset(b, 'X', sizeof(b));
	EXPECT_EQ(ksnprintf(b, sizeof(b), "%s-%d", "abcdef", 12345), 12);
	EXPECT(strcmp(b, "abcde") == 0);
	EXPECT_EQ(ksnprintf(b, 1, "%d", 7), 1);
	EXPECT(b[0] == '\0');
	EXPECT_EQ(ksnprintf(NULL, 0, "%s", "four"), 4);
}

TEST(console_chunks)
{
	char want[1100];
	int i;

	/* 1000 bytes through the 256-byte buffer: 4 writes, same bytes. */
	for (i = 0; i < 100; i++)
		memcpy(want + i * 10, "0123456789", 10);
	want[1000] = '\0';
	conlen = 0;
	kprintf_image("%s", want);
	EXPECT_EQ(conlen, 1000);
	EXPECT(memcmp(con, want, 1000) == 0);
	conlen = 0;
	kprintf_image("%d-%s\n", -3, "x");
	EXPECT_EQ(conlen, 5);
	EXPECT(memcmp(con, "-3-x\n", 5) == 0);
}

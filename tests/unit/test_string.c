/* SPDX-License-Identifier: ISC */
/*
 * test_string.c: host tests of runtime/string.c's copies and fills, whose
 * quadword-then-byte split has edges at every length and alignment.  The
 * libc names are renamed so the host's own stay in use elsewhere.
 */
#include "harness.h"

#include <string.h>

#define memcpy		vmgo_memcpy
#define memmove		vmgo_memmove
#define memset		vmgo_memset
#define memcmp		vmgo_memcmp
#define memchr		vmgo_memchr
#define strlen		vmgo_strlen
#define strnlen		vmgo_strnlen
#define strcmp		vmgo_strcmp
#define strncmp		vmgo_strncmp
#define strchr		vmgo_strchr
#define strrchr		vmgo_strrchr
#define strcpy		vmgo_strcpy
#define strncpy		vmgo_strncpy
#define strlcpy		vmgo_strlcpy
#define strdup		vmgo_strdup
#include "../../runtime/string.c"
#undef memcpy
#undef memset
#undef memcmp

#define AREA	160

/* Every length to 80 at every alignment of both ends: the bytes copied
 * are right, the bytes around them untouched, and d is returned. */
TEST(memcpy_every_length_and_alignment)
{
	uint8_t src[AREA], dst[AREA], want[AREA];
	size_t n, so, doff, i;

	for (i = 0; i < AREA; i++)
		src[i] = (uint8_t)(i * 13 + 7);
	for (n = 0; n <= 80; n++)
		for (so = 0; so < 8; so++)
			for (doff = 0; doff < 8; doff++) {
				memset(dst, 0xee, AREA);
				memset(want, 0xee, AREA);
				memcpy(want + doff + 8, src + so, n);
				EXPECT(vmgo_memcpy(dst + doff + 8, src + so,
				    n) == dst + doff + 8);
				EXPECT_EQ(memcmp(dst, want, AREA), 0);
			}
}

/* The fill byte is c converted to unsigned char, in every position. */
TEST(memset_every_length_and_alignment)
{
	uint8_t dst[AREA], want[AREA];
	static const int cs[] = { 0, 0xab, 0x1ff, -1 };
	size_t n, doff, k;

	for (k = 0; k < sizeof(cs) / sizeof(cs[0]); k++)
		for (n = 0; n <= 80; n++)
			for (doff = 0; doff < 8; doff++) {
				memset(dst, 0x11, AREA);
				memset(want, 0x11, AREA);
				memset(want + doff + 8, cs[k], n);
				EXPECT(vmgo_memset(dst + doff + 8, cs[k], n) ==
				    dst + doff + 8);
				EXPECT_EQ(memcmp(dst, want, AREA), 0);
			}
}

/* Overlapping moves both ways. */
TEST(memmove_overlaps)
{
	uint8_t a[AREA], want[AREA];
	size_t n, i;

	for (n = 0; n <= 40; n++) {
		for (i = 0; i < AREA; i++)
			a[i] = want[i] = (uint8_t)i;
		memmove(want + 3, want, n);
		vmgo_memmove(a + 3, a, n);
		EXPECT_EQ(memcmp(a, want, AREA), 0);
		vmgo_memmove(a, a + 3, n);
		memmove(want, want + 3, n);
		EXPECT_EQ(memcmp(a, want, AREA), 0);
	}
}

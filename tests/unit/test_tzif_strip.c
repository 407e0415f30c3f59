/* SPDX-License-Identifier: ISC */
/*
 * test_tzif_strip.c: tools/mkfs/tzif-strip.c shrinks a TZif v2+ file's
 * version 1 block to the minimal one and keeps the rest byte for byte;
 * it leaves version 1 files and minimal ones alone and refuses malformed
 * ones.
 */
#include "harness.h"

#define TZIF_STRIP_NO_MAIN
#include "../../tools/mkfs/tzif-strip.c"

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

/*
 * A TZif file of version ver: a v1 header with timecnt 2, typecnt 2,
 * charcnt 8 (v1 data 2 * 5 + 2 * 6 + 8 = 30 bytes of 0x11), then (version
 * 2+) a second header and 20 bytes of 0x22 standing for the v2 data and
 * footer.  Returns the length.
 */
static size_t
make(uint8_t *b, char ver)
{
	size_t n = 0;

	memset(b, 0, 256);
	memcpy(b, "TZif", 4);
	b[4] = ver;
	put32(b + 32, 2);	/* timecnt */
	put32(b + 36, 2);	/* typecnt */
	put32(b + 40, 8);	/* charcnt */
	n = TZIF_HDR;
	memset(b + n, 0x11, 30);
	n += 30;
	if (ver == 0)
		return n;
	memcpy(b + n, b, TZIF_HDR);
	n += TZIF_HDR;
	memset(b + n, 0x22, 20);
	return n + 20;
}

TEST(strips_the_v1_block)
{
	uint8_t in[256], out[256];
	size_t n = make(in, '2');
	long m = tzif_strip(in, n, out);

	EXPECT_EQ(m, (long)(n - 30 + TZIF_SLIM_V1));
	EXPECT(memcmp(out, "TZif2", 5) == 0);
	EXPECT_EQ(be32(out + 32), 0);		/* timecnt */
	EXPECT_EQ(be32(out + 36), 1);		/* typecnt */
	EXPECT_EQ(be32(out + 40), 1);		/* charcnt */
	EXPECT_EQ(be32(out + 28), 0);		/* leapcnt */
	EXPECT(memcmp(out + TZIF_HDR + TZIF_SLIM_V1, in + TZIF_HDR + 30,
	    n - TZIF_HDR - 30) == 0);
	/* Stripping the result again changes nothing. */
	EXPECT_EQ(tzif_strip(out, (size_t)m, in), 0);
}

TEST(leaves_others_alone)
{
	uint8_t in[256], out[256];
	size_t n = make(in, 0);

	in[4] = 0;				/* version 1: no v2 block */
	EXPECT_EQ(tzif_strip(in, n, out), 0);
	n = make(in, '3');
	in[0] = 'X';				/* not TZif */
	EXPECT_EQ(tzif_strip(in, n, out), 0);
	EXPECT_EQ(tzif_strip(in, 10, out), 0);	/* too short to be one */
}

TEST(refuses_malformed)
{
	uint8_t in[256], out[256];
	size_t n;

	n = make(in, '2');
	put32(in + 32, 1000);			/* v1 block beyond the file */
	EXPECT_EQ(tzif_strip(in, n, out), -1);
	n = make(in, '2');
	put32(in + 36, 1);			/* second header misplaced */
	EXPECT_EQ(tzif_strip(in, n, out), -1);
	n = make(in, '2');
	EXPECT_EQ(tzif_strip(in, TZIF_HDR + 30 + 10, out), -1); /* cut */
	put32(in + 32, 0xffffffff);		/* counts that overflow */
	put32(in + 40, 0xffffffff);
	EXPECT_EQ(tzif_strip(in, n, out), -1);
}

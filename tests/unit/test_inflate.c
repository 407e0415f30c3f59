/* SPDX-License-Identifier: ISC */
/*
 * test_inflate.c: the raw-deflate decoder (fs/inflate.c) against streams
 * the host's zlib makes here (stored, fixed and dynamic blocks, empty and
 * over 64 KiB), streams written bit by bit for the cases zlib never
 * makes, every truncation, and corrupted streams, each compared with what
 * zlib's own inflate makes of it.  Inputs and outputs are heap blocks of
 * exactly their size, so ASan reports any access outside them.
 */
/* unit-libs: -lz */
#include "harness.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <zlib.h>

#include "../../fs/inflate.c"

/* in[0, len) deflated raw by zlib (level, strategy); *zlen bytes. */
static uint8_t *
zdeflate(const uint8_t *in, size_t len, int level, int strategy, size_t *zlen)
{
	z_stream z;
	uint8_t *out;
	size_t cap = len + len / 100 + 64;

	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, level, Z_DEFLATED, -15, 9, strategy) != Z_OK)
		abort();
	out = malloc(cap);
	z.next_in = (Bytef *)in;
	z.avail_in = (uInt)len;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	if (deflate(&z, Z_FINISH) != Z_STREAM_END)
		abort();
	*zlen = z.total_out;
	deflateEnd(&z);
	return out;
}

/* zlib's verdict, on the terms of inflate_raw: 0 if in[0, inlen) is one
 * whole stream that decodes to exactly outlen bytes, else -1. */
static int
zinflate(uint8_t *out, size_t outlen, const uint8_t *in, size_t inlen)
{
	uint8_t extra;
	z_stream z;
	int r;

	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, -15) != Z_OK)
		abort();
	z.next_in = (Bytef *)in;
	z.avail_in = (uInt)inlen;
	z.next_out = outlen > 0 ? out : &extra;
	z.avail_out = (uInt)outlen;
	r = inflate(&z, Z_FINISH);
	if (r == Z_BUF_ERROR && z.avail_out == 0 && outlen > 0) {
		/* Full: does the stream end here or want more room? */
		z.next_out = &extra;
		z.avail_out = 1;
		r = inflate(&z, Z_FINISH);
	}
	inflateEnd(&z);
	return r == Z_STREAM_END && z.avail_in == 0 && z.total_out == outlen ?
	    0 : -1;
}

/* inflate_raw on exact-size heap copies of in and of the output. */
static int
inflate_exact(const uint8_t *in, size_t inlen, size_t outlen, uint8_t **outp)
{
	uint8_t *i = malloc(inlen > 0 ? inlen : 1), *o;
	int r;

	memcpy(i, in, inlen);
	o = malloc(outlen > 0 ? outlen : 1);
	r = inflate_raw(o, outlen, inlen > 0 ? i : NULL, inlen);
	free(i);
	if (outp != NULL)
		*outp = o;
	else
		free(o);
	return r;
}

/* Deflate data with zlib, inflate it back, compare; the stream's length. */
static size_t
roundtrip(const uint8_t *data, size_t len, int level, int strategy)
{
	uint8_t *z, *out = NULL;
	size_t zlen;

	z = zdeflate(data, len, level, strategy, &zlen);
	EXPECT_EQ(inflate_exact(z, zlen, len, &out), 0);
	EXPECT(len == 0 || memcmp(out, data, len) == 0);
	free(out);
	/* The size is part of the contract: one byte less or more fails. */
	if (len > 0)
		EXPECT_EQ(inflate_exact(z, zlen, len - 1, NULL), -EIO);
	EXPECT_EQ(inflate_exact(z, zlen, len + 1, NULL), -EIO);
	free(z);
	return zlen;
}

/* Deterministic test data: words from a small list (text-like, so
 * dynamic codes and matches at every distance), or bytes of a PRNG. */
static uint32_t rng = 12345;

static uint32_t
next_rand(void)
{
	rng = rng * 1103515245U + 12345U;
	return rng >> 8;
}

static uint8_t *
text(size_t len)
{
	static const char *w[] = { "zone ", "time ", "Europe/", "America/",
	    "certificate ", "-----BEGIN ", "\n", "text/html ", "html htm ",
	    "0123456789", "abcdefghijklmnopqrstuvwxyz", "Amsterdam ", "Etc/",
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef+/=\n" };
	uint8_t *b = malloc(len);
	size_t o = 0, k;
	const char *s;

	while (o < len) {
		s = w[next_rand() % (sizeof(w) / sizeof(w[0]))];
		for (k = 0; s[k] != '\0' && o < len; k++)
			b[o++] = (uint8_t)s[k];
		if (next_rand() % 7 == 0 && o < len)
			b[o++] = (uint8_t)next_rand();
	}
	return b;
}

static uint8_t *
noise(size_t len)
{
	uint8_t *b = malloc(len);
	size_t i;

	for (i = 0; i < len; i++)
		b[i] = (uint8_t)next_rand();
	return b;
}

TEST(empty)
{
	uint8_t byte = 0;

	/* No input at all, and a stream of no bytes (a final fixed block
	 * holding only its end-of-block code: 0x03 0x00). */
	EXPECT_EQ(inflate_raw(&byte, 0, NULL, 0), -EIO);
	EXPECT_EQ(inflate_raw(&byte, 1, NULL, 0), -EIO);
	EXPECT_EQ(roundtrip((const uint8_t *)"", 0, 9, Z_DEFAULT_STRATEGY), 2);
	EXPECT_EQ(inflate_exact((const uint8_t *)"\x03\x00", 2, 0, NULL), 0);
}

TEST(stored_blocks)
{
	uint8_t *d = noise(200000), *z;
	size_t zlen;

	/* Level 0 stores: 200000 bytes take four stored blocks of at most
	 * 65535 bytes, each with a 5-byte header. */
	zlen = roundtrip(d, 200000, 0, Z_DEFAULT_STRATEGY);
	EXPECT(zlen > 200000 && zlen < 200000 + 64);
	/* A stored block whose NLEN is not LEN's complement. */
	z = zdeflate(d, 100, 0, Z_DEFAULT_STRATEGY, &zlen);
	EXPECT_EQ(z[0] & 7, 1);		/* BFINAL, BTYPE 00 */
	z[3] ^= 1;
	EXPECT_EQ(inflate_exact(z, zlen, 100, NULL), -EIO);
	free(z);
	free(d);
}

/* The first three bits zlib writes for data (BFINAL, then BTYPE), and
 * the length of its stream. */
static int
first_header(const uint8_t *d, size_t len, int strategy, size_t *zlen)
{
	uint8_t *z = zdeflate(d, len, 9, strategy, zlen);
	int h = z[0] & 7;

	free(z);
	return h;
}

TEST(fixed_blocks)
{
	uint8_t *d = text(5000);
	size_t zlen;

	roundtrip(d, 5000, 9, Z_FIXED);
	EXPECT_EQ(first_header(d, 5000, Z_FIXED, &zlen), 3);	/* 1, 01 */
	roundtrip((const uint8_t *)"a", 1, 9, Z_FIXED);
	free(d);
}

TEST(dynamic_blocks)
{
	uint8_t *d = text(20000);
	size_t zlen;

	roundtrip(d, 20000, 9, Z_DEFAULT_STRATEGY);
	EXPECT_EQ(first_header(d, 20000, Z_DEFAULT_STRATEGY, &zlen), 5);
	EXPECT(zlen < 20000 / 2);			/* 1, 10 */
	/* Literals only, runs only, and every level. */
	roundtrip(d, 20000, 9, Z_HUFFMAN_ONLY);
	roundtrip(d, 20000, 9, Z_RLE);
	for (int level = 1; level <= 9; level++)
		roundtrip(d, 3000, level, Z_DEFAULT_STRATEGY);
	free(d);
}

TEST(over_64k_and_mixed)
{
	uint8_t *d = text(700000), *n = noise(70000);
	size_t zlen;

	/* Many blocks, matches up to 32 KiB back, lengths up to 258. */
	memcpy(d + 300000, d + 1000, 40000);
	memset(d + 400000, 'x', 5000);
	zlen = roundtrip(d, 700000, 9, Z_DEFAULT_STRATEGY);
	EXPECT(zlen < 700000 / 2);
	/* Noise in the middle: zlib stores what does not compress. */
	memcpy(d + 500000, n, 70000);
	roundtrip(d, 700000, 6, Z_DEFAULT_STRATEGY);
	roundtrip(n, 70000, 9, Z_DEFAULT_STRATEGY);
	free(n);
	free(d);
}

TEST(every_truncation_fails)
{
	uint8_t *d = text(3000), *z[3];
	size_t zlen[3], len;
	int k;

	z[0] = zdeflate(d, 3000, 9, Z_DEFAULT_STRATEGY, &zlen[0]);
	z[1] = zdeflate(d, 3000, 9, Z_FIXED, &zlen[1]);
	z[2] = zdeflate(d, 3000, 0, Z_DEFAULT_STRATEGY, &zlen[2]);
	for (k = 0; k < 3; k++) {
		for (len = 0; len < zlen[k]; len++)
			EXPECT_EQ(inflate_exact(z[k], len, 3000, NULL), -EIO);
		EXPECT_EQ(inflate_exact(z[k], zlen[k], 3000, NULL), 0);
		free(z[k]);
	}
	free(d);
}

TEST(trailing_bytes_fail)
{
	uint8_t *d = text(1000), *z, *z2;
	size_t zlen;

	z = zdeflate(d, 1000, 9, Z_DEFAULT_STRATEGY, &zlen);
	z2 = malloc(zlen + 1);
	memcpy(z2, z, zlen);
	z2[zlen] = 0;
	EXPECT_EQ(inflate_exact(z2, zlen + 1, 1000, NULL), -EIO);
	free(z2);
	free(z);
	free(d);
}

/*
 * Corrupted streams: flipped bits, and bytes replaced, in streams of all
 * three block types.  inflate_raw must stay inside its buffers (ASan) and
 * agree with zlib: whatever one accepts, the other accepts, with the same
 * bytes out.
 */
static int agree, accepted;

static void
compare_with_zlib(const uint8_t *z, size_t zlen, size_t outlen)
{
	uint8_t *mine = NULL, *theirs = malloc(outlen > 0 ? outlen : 1);
	int r, zr;

	r = inflate_exact(z, zlen, outlen, &mine);
	zr = zinflate(theirs, outlen, z, zlen);
	EXPECT(r == 0 || r == -EIO);
	EXPECT_EQ(r == 0, zr == 0);
	if (r == 0 && zr == 0) {
		EXPECT(memcmp(mine, theirs, outlen) == 0);
		accepted++;
	}
	agree++;
	free(mine);
	free(theirs);
}

TEST(corrupted_streams_stay_in_bounds)
{
	static const int strat[] = { Z_DEFAULT_STRATEGY, Z_FIXED, Z_RLE };
	uint8_t *d = text(1500), *z, *c;
	size_t zlen, i;
	int k, bit;

	accepted = agree = 0;
	for (k = 0; k < 3; k++) {
		z = zdeflate(d, 1500, 9, strat[k], &zlen);
		c = malloc(zlen);
		for (i = 0; i < zlen; i++) {
			for (bit = 0; bit < 8; bit++) {
				memcpy(c, z, zlen);
				c[i] ^= (uint8_t)(1 << bit);
				compare_with_zlib(c, zlen, 1500);
			}
			memcpy(c, z, zlen);
			c[i] = (uint8_t)next_rand();
			compare_with_zlib(c, zlen, 1500);
		}
		free(c);
		free(z);
	}
	/* Random bytes, and random tails after a valid block header. */
	for (k = 0; k < 20000; k++) {
		size_t len = 1 + next_rand() % 200;

		c = noise(len);
		if (k % 2)
			c[0] = (uint8_t)((c[0] & ~7) | 5);	/* dynamic */
		compare_with_zlib(c, len, next_rand() % 300);
		free(c);
	}
	printf("# %d corrupted streams, %d decoded by both\n", agree,
	    accepted);
	free(d);
}

/*
 * Streams written by hand: a bit writer, codes sent most significant
 * bit first, other fields least significant bit first (RFC 1951 §3.1.1).
 */
struct bw {
	uint8_t		b[64];
	size_t		n;
	unsigned	bit;
};

static void
put(struct bw *w, unsigned v, unsigned nbits)
{
	for (unsigned i = 0; i < nbits; i++) {
		if (w->bit == 0)
			w->b[w->n++] = 0;
		w->b[w->n - 1] |= (uint8_t)(((v >> i) & 1) << w->bit);
		w->bit = (w->bit + 1) & 7;
	}
}

static void
put_code(struct bw *w, unsigned code, unsigned len)
{
	while (len-- > 0)
		put(w, (code >> len) & 1, 1);
}

/*
 * A final dynamic block that decodes to "aaaa": literal/length code
 * 'a' 1 bit (0), 256 and 257 2 bits (10, 11); one distance code of
 * 1 bit (distance 1), which leaves the code incomplete, as zlib allows.
 * Code length code: 18 1 bit (0), 1 and 2 2 bits (10, 11).  Variants
 * break one rule each.
 */
enum { OK, NO_EOB, OVERSUB_CLEN, TWO_DIST_OF_2, HDIST_31, FAR_BACK };

static size_t
handmade(struct bw *w, int variant)
{
	/* HCLEN order (§3.2.7) and each position's length, up to symbol
	 * 1 (the 18th): 18 has 1, 2 and 1 have 2. */
	static const uint8_t clen[18] = {
		0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 2,
	};

	memset(w, 0, sizeof(*w));
	put(w, 1, 1);			/* BFINAL */
	put(w, 2, 2);			/* dynamic */
	put(w, 258 - 257, 5);		/* HLIT: 258 length codes */
	put(w, variant == HDIST_31 ? 30 : variant == TWO_DIST_OF_2 ? 1 : 0,
	    5);				/* HDIST */
	put(w, 18 - 4, 4);		/* HCLEN */
	for (int i = 0; i < 18; i++)
		put(w, variant == OVERSUB_CLEN && i == 15 ? 1 : clen[i], 3);
	put_code(w, 0, 1);		/* 18: 11 + 86 = 97 zeros */
	put(w, 86, 7);
	put_code(w, 2, 2);		/* 'a': 1 */
	put_code(w, 0, 1);		/* 18: 138 zeros */
	put(w, 127, 7);
	put_code(w, 0, 1);		/* 18: 20 zeros (up to 255) */
	if (variant == NO_EOB) {
		put(w, 10, 7);		/* one more zero: 256 has none */
		put_code(w, 2, 2);	/* 257: 1 */
	} else {
		put(w, 9, 7);
		put_code(w, 3, 2);	/* 256: 2, 257: 2 */
		put_code(w, 3, 2);
	}
	if (variant == HDIST_31) {	/* 31 distance lengths: 1, 30 x 0 */
		put_code(w, 2, 2);
		put_code(w, 0, 1);
		put(w, 30 - 11, 7);
	} else if (variant == TWO_DIST_OF_2) {
		put_code(w, 3, 2);	/* two distance codes of 2 bits */
		put_code(w, 3, 2);
	} else {
		put_code(w, 2, 2);	/* one distance code of 1 bit */
	}
	if (variant == FAR_BACK) {
		put_code(w, 3, 2);	/* length 3 at distance 1: nothing */
		put_code(w, 0, 1);	/* written yet */
	}
	put_code(w, 0, 1);		/* 'a' */
	put_code(w, 3, 2);		/* 257: length 3 */
	put_code(w, 0, variant == TWO_DIST_OF_2 ? 2 : 1); /* distance 1 */
	put_code(w, 2, 2);		/* end of block */
	return w->n;
}

TEST(handmade_streams)
{
	uint8_t *out = NULL, z[4];
	struct bw w;
	size_t n;
	int v;

	n = handmade(&w, OK);
	EXPECT_EQ(inflate_exact(w.b, n, 4, &out), 0);
	EXPECT(memcmp(out, "aaaa", 4) == 0);
	free(out);
	EXPECT_EQ(zinflate(z, 4, w.b, n), 0);	/* zlib agrees */
	for (v = NO_EOB; v <= FAR_BACK; v++) {
		n = handmade(&w, v);
		EXPECT_EQ(inflate_exact(w.b, n, 4, NULL), -EIO);
		EXPECT(zinflate(z, 4, w.b, n) != 0);
	}
	/* Reserved block type 11. */
	EXPECT_EQ(inflate_exact((const uint8_t *)"\x07\x00", 2, 0, NULL), -EIO);
	/* A fixed block whose first symbol is a match: nothing to copy. */
	memset(&w, 0, sizeof(w));
	put(&w, 1, 1);
	put(&w, 1, 2);
	put_code(&w, 1, 7);		/* 257 */
	put_code(&w, 0, 5);		/* distance 1 */
	put_code(&w, 0, 7);		/* 256 */
	EXPECT_EQ(inflate_exact(w.b, w.n, 3, NULL), -EIO);
	/* A fixed block with distance symbol 30, which does not exist. */
	memset(&w, 0, sizeof(w));
	put(&w, 1, 1);
	put(&w, 1, 2);
	put_code(&w, 0x30 + 'a', 8);	/* 'a' */
	put_code(&w, 1, 7);		/* 257 */
	put_code(&w, 30, 5);
	put_code(&w, 0, 7);
	EXPECT_EQ(inflate_exact(w.b, w.n, 4, NULL), -EIO);
}

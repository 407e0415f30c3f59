/* SPDX-License-Identifier: ISC */
/*
 * inflate.c: decodes raw deflate streams (RFC 1951), the form in which the
 * file table keeps compressed files (fs/rofs.c inflates one when it is
 * first opened).  Small rather than fast: a canonical Huffman code is kept
 * as the number of codes of each length plus its symbols in code order,
 * and decoded one bit at a time, so there are no lookup tables to build.
 * Every read of the input and every write of the output is checked; a
 * malformed or truncated stream ends the decoding with -EIO.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include "inflate.h"

#define MAXBITS		15	/* longest code (RFC 1951 §3.2.2) */
#define NLITLEN		288	/* literal/length symbols; 286, 287 unused
				   (§3.2.5), in the fixed code (§3.2.6) */
#define NLITLEN_DYN	286	/* the most a dynamic block may define */
#define NDIST		30	/* distance symbols in use (§3.2.5) */
#define NDIST_FIXED	32	/* the fixed code's, 30 and 31 unused */
#define NCLEN		19	/* code length symbols (§3.2.7) */

struct inf {
	const uint8_t	*in;
	size_t		inlen, inpos;
	uint8_t		*out;
	size_t		outlen, outpos;
	uint32_t	bitbuf;		/* input bits not yet used, next lowest */
	unsigned	bitcnt;		/* how many: fewer than 8 between calls */
	bool		err;		/* the input ran out */
};

/* A canonical Huffman code (§3.2.2): the number of codes of each length
 * (count[0]: unused symbols) and the symbols in the order of their codes. */
struct huff {
	uint16_t	count[MAXBITS + 1];
	uint16_t	*sym;
};

/* §3.2.5: base values and extra bits of length symbols 257..285 and of
 * distance symbols 0..29. */
static const uint16_t lbase[29] = {
	3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51,
	59, 67, 83, 99, 115, 131, 163, 195, 227, 258,
};
static const uint8_t lext[29] = {
	0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4,
	4, 5, 5, 5, 5, 0,
};
static const uint16_t dbase[NDIST] = {
	1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385,
	513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385,
	24577,
};
static const uint8_t dext[NDIST] = {
	0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10,
	10, 11, 11, 12, 12, 13, 13,
};

/* The next n <= 16 bits, the first one lowest (§3.1.1).  Past the end of
 * the input: 0, with s->err set for the caller to find. */
static unsigned
bits(struct inf *s, unsigned n)
{
	unsigned v;

	while (s->bitcnt < n) {
		if (s->inpos == s->inlen) {
			s->err = true;
			return 0;
		}
		s->bitbuf |= (uint32_t)s->in[s->inpos++] << s->bitcnt;
		s->bitcnt += 8;
	}
	v = s->bitbuf & ((1U << n) - 1);
	s->bitbuf >>= n;
	s->bitcnt -= n;
	return v;
}

/*
 * Make h from the code lengths len[0, n) (each at most MAXBITS), h->sym
 * having room for n symbols.  The number of unused codes left (0 for a
 * complete code), or -1 if the lengths ask for more codes than exist.
 */
static int
build(struct huff *h, const uint8_t *len, unsigned n)
{
	uint16_t next[MAXBITS + 1];
	unsigned i;
	int left = 1;

	memset(h->count, 0, sizeof(h->count));
	for (i = 0; i < n; i++)
		h->count[len[i]]++;
	next[1] = 0;
	for (i = 1; i <= MAXBITS; i++) {
		left = left * 2 - h->count[i];
		if (left < 0)
			return -1;
		if (i < MAXBITS)
			next[i + 1] = (uint16_t)(next[i] + h->count[i]);
	}
	for (i = 0; i < n; i++)
		if (len[i] != 0)
			h->sym[next[len[i]]++] = (uint16_t)i;
	return left;
}

/* build() for a literal/length or distance code: an incomplete one is
 * accepted only if it has no code or one code of length 1 (as zlib).
 * 0 or -1. */
static int
build_usable(struct huff *h, const uint8_t *len, unsigned n)
{
	int left = build(h, len, n);

	if (left < 0 || (left > 0 && h->count[0] + h->count[1] != n))
		return -1;
	return 0;
}

/*
 * The next symbol in code h, or -1 (a code h does not have, or the input
 * ran out).  Walks the code lengths: the codes of one length are
 * consecutive numbers, first the smallest, so a code read so far is one
 * of this length when it is below first + count (§3.2.2).  code >= first
 * holds throughout, so index + code - first stays below the symbols h has.
 */
static int
decode(struct inf *s, const struct huff *h)
{
	int code = 0, first = 0, index = 0, len;

	for (len = 1; len <= MAXBITS; len++) {
		code |= (int)bits(s, 1);
		if (code - first < h->count[len])
			return s->err ? -1 : h->sym[index + code - first];
		index += h->count[len];
		first = (first + h->count[len]) << 1;
		code <<= 1;
	}
	return -1;
}

/* The symbols of one compressed block up to its end-of-block (§3.2.5).
 * 0 or -1. */
static int
codes(struct inf *s, const struct huff *lit, const struct huff *dist)
{
	size_t len, d;
	int sym;

	for (;;) {
		sym = decode(s, lit);
		if (sym < 0)
			return -1;
		if (sym < 256) {
			if (s->outpos == s->outlen)
				return -1;
			s->out[s->outpos++] = (uint8_t)sym;
			continue;
		}
		if (sym == 256)
			return 0;
		sym -= 257;
		if (sym >= 29)
			return -1;
		len = lbase[sym] + bits(s, lext[sym]);
		sym = decode(s, dist);
		if (sym < 0 || sym >= NDIST)
			return -1;
		d = dbase[sym] + bits(s, dext[sym]);
		if (s->err || d > s->outpos || len > s->outlen - s->outpos)
			return -1;
		/* Byte by byte: the copy may overlap what it writes. */
		for (; len > 0; len--, s->outpos++)
			s->out[s->outpos] = s->out[s->outpos - d];
	}
}

/* A stored block (§3.2.4): 0 or -1. */
static int
stored(struct inf *s)
{
	size_t len;

	s->bitbuf = 0;			/* the rest of the byte is padding */
	s->bitcnt = 0;
	if (s->inlen - s->inpos < 4)
		return -1;
	len = s->in[s->inpos] | (size_t)s->in[s->inpos + 1] << 8;
	if ((s->in[s->inpos + 2] | (size_t)s->in[s->inpos + 3] << 8) !=
	    (~len & 0xffff))
		return -1;
	s->inpos += 4;
	if (len > s->inlen - s->inpos || len > s->outlen - s->outpos)
		return -1;
	if (len > 0)
		memcpy(s->out + s->outpos, s->in + s->inpos, len);
	s->inpos += len;
	s->outpos += len;
	return 0;
}

/* A block with the fixed codes (§3.2.6): 0 or -1. */
static int
fixed(struct inf *s, struct huff *lit, struct huff *dist, uint8_t *lens)
{
	unsigned i;

	for (i = 0; i < NLITLEN; i++)
		lens[i] = i < 144 ? 8 : i < 256 ? 9 : i < 280 ? 7 : 8;
	for (; i < NLITLEN + NDIST_FIXED; i++)
		lens[i] = 5;
	(void)build(lit, lens, NLITLEN);	/* both complete */
	(void)build(dist, lens + NLITLEN, NDIST_FIXED);
	return codes(s, lit, dist);
}

/* A block with dynamic codes (§3.2.7): 0 or -1. */
static int
dynamic(struct inf *s, struct huff *lit, struct huff *dist, uint8_t *lens)
{
	static const uint8_t order[NCLEN] = {
		16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15,
	};
	uint16_t csym[NCLEN];
	struct huff cl = { .sym = csym };
	unsigned nlen, ndist, ncode, i, rep;
	uint8_t val;
	int sym;

	nlen = bits(s, 5) + 257;
	ndist = bits(s, 5) + 1;
	ncode = bits(s, 4) + 4;
	if (s->err || nlen > NLITLEN_DYN || ndist > NDIST)
		return -1;
	for (i = 0; i < NCLEN; i++)
		lens[order[i]] = i < ncode ? (uint8_t)bits(s, 3) : 0;
	if (s->err || build(&cl, lens, NCLEN) != 0)
		return -1;		/* this code must be complete */
	for (i = 0; i < nlen + ndist; ) {
		sym = decode(s, &cl);
		if (sym < 0)
			return -1;
		if (sym < 16) {
			lens[i++] = (uint8_t)sym;
			continue;
		}
		if (sym == 16) {	/* the previous length 3-6 times */
			if (i == 0)
				return -1;
			val = lens[i - 1];
			rep = 3 + bits(s, 2);
		} else {		/* zeros: 3-10 or 11-138 */
			val = 0;
			rep = sym == 17 ? 3 + bits(s, 3) : 11 + bits(s, 7);
		}
		if (s->err || rep > nlen + ndist - i)
			return -1;
		while (rep-- > 0)
			lens[i++] = val;
	}
	if (lens[256] == 0)		/* no end-of-block code */
		return -1;
	if (build_usable(lit, lens, nlen) < 0 ||
	    build_usable(dist, lens + nlen, ndist) < 0)
		return -1;
	return codes(s, lit, dist);
}

/* Decode a whole stream.  See inflate.h. */
int
inflate_raw(void *out, size_t outlen, const void *in, size_t inlen)
{
	uint16_t lsym[NLITLEN], dsym[NDIST_FIXED];
	uint8_t lens[NLITLEN + NDIST_FIXED];
	struct huff lit = { .sym = lsym }, dist = { .sym = dsym };
	struct inf s = {
		.in = in, .inlen = inlen, .out = out, .outlen = outlen,
	};
	unsigned last, type;
	int r;

	do {
		last = bits(&s, 1);
		type = bits(&s, 2);	/* §3.2.3: BFINAL, then BTYPE */
		if (s.err)
			return -EIO;
		if (type == 0)
			r = stored(&s);
		else if (type == 1)
			r = fixed(&s, &lit, &dist, lens);
		else if (type == 2)
			r = dynamic(&s, &lit, &dist, lens);
		else
			r = -1;
		if (r < 0 || s.err)
			return -EIO;
	} while (!last);
	if (s.outpos != outlen || s.inpos != inlen)
		return -EIO;
	return 0;
}

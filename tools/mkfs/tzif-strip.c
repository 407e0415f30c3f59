/* SPDX-License-Identifier: ISC */
/*
 * tzif-strip: drops the version 1 data block of TZif files (RFC 8536), in
 * place, for the default zoneinfo that images carry (default-files).
 *
 *	tzif-strip FILE...
 *
 * A version 2+ TZif file holds its data twice: 32-bit transition times
 * (the v1 block, for old readers) and then 64-bit ones with a TZ string
 * footer (the v2+ block).  Go's time package reads only the second: it
 * skips the first by the counts in the v1 header (time/zoneinfo_read.go).
 * tzif-strip keeps the v2+ block byte for byte and shrinks the v1 block
 * to what zic -b slim writes (RFC 8536 §3.1 allows it): no transitions,
 * one local time type (UT, no DST) and one designation byte.  Debian's
 * "fat" files shrink by about a third; zic -b slim itself is not used
 * because the zic of glibc 2.36 loses transitions in slim mode (seen for
 * America/Ojinaga in 2022, Asia/Gaza after 2037).
 *
 * Files that are not TZif version 2+ are left alone; a malformed one (its
 * counts overrun the file, no second header) is an error, also left
 * alone.  Exit status 1 if any file could not be processed.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TZIF_HDR	44	/* magic, version, 15 unused, 6 counts */
#define TZIF_SLIM_V1	7	/* one ttinfo (6 bytes) and one NUL */

static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

/*
 * Into out (at least len bytes): the TZif file in[0, len) with a minimal
 * v1 data block.  Returns the new length; 0 when in is not TZif version
 * 2+ or already minimal (nothing to do); -1 when it is malformed.
 */
static long
tzif_strip(const uint8_t *in, size_t len, uint8_t *out)
{
	uint64_t isut, isstd, leap, timecnt, typecnt, charcnt, v1;
	static const uint8_t counts[24] = {
		[19] = 1,	/* typecnt */
		[23] = 1,	/* charcnt */
	};

	if (len < TZIF_HDR || memcmp(in, "TZif", 4) != 0 || in[4] < '2')
		return 0;
	isut = be32(in + 20);
	isstd = be32(in + 24);
	leap = be32(in + 28);
	timecnt = be32(in + 32);
	typecnt = be32(in + 36);
	charcnt = be32(in + 40);
	/* RFC 8536 §3.2: the v1 data block's length from its header. */
	v1 = timecnt * 5 + typecnt * 6 + charcnt + leap * 8 + isstd + isut;
	if (v1 > len - TZIF_HDR || len - TZIF_HDR - v1 < TZIF_HDR ||
	    memcmp(in + TZIF_HDR + v1, "TZif", 4) != 0)
		return -1;
	if (v1 <= TZIF_SLIM_V1)
		return 0;
	memcpy(out, in, 20);
	memcpy(out + 20, counts, sizeof(counts));
	memset(out + TZIF_HDR, 0, TZIF_SLIM_V1);
	memcpy(out + TZIF_HDR + TZIF_SLIM_V1, in + TZIF_HDR + v1,
	    len - TZIF_HDR - v1);
	return (long)(len - v1 + TZIF_SLIM_V1);
}

#ifndef TZIF_STRIP_NO_MAIN
/* Rewrite path in place (through a temporary file and rename). */
static int
strip_file(const char *path)
{
	uint8_t *in = NULL, *out = NULL;
	char *tmp = NULL;
	long n, size;
	FILE *f;
	int ok = 0;

	if ((f = fopen(path, "rb")) == NULL)
		goto fail;
	if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0 ||
	    (in = malloc((size_t)size + 1)) == NULL ||
	    (out = malloc((size_t)size + 1)) == NULL ||
	    fread(in, 1, (size_t)size, f) != (size_t)size) {
		fclose(f);
		goto fail;
	}
	fclose(f);
	n = tzif_strip(in, (size_t)size, out);
	if (n < 0) {
		fprintf(stderr, "tzif-strip: %s: malformed TZif, left as it "
		    "is\n", path);
		goto out;
	}
	if (n > 0) {
		if ((tmp = malloc(strlen(path) + 8)) == NULL)
			goto fail;
		sprintf(tmp, "%s.strip", path);
		if ((f = fopen(tmp, "wb")) == NULL)
			goto fail;
		if (fwrite(out, 1, (size_t)n, f) != (size_t)n) {
			fclose(f);
			remove(tmp);
			goto fail;
		}
		if (fclose(f) != 0 || rename(tmp, path) != 0) {
			remove(tmp);
			goto fail;
		}
	}
	ok = 1;
	goto out;
fail:
	fprintf(stderr, "tzif-strip: %s: %s\n", path, strerror(errno));
out:
	free(in);
	free(out);
	free(tmp);
	return ok;
}

int
main(int argc, char **argv)
{
	int i, st = 0;

	for (i = 1; i < argc; i++)
		if (!strip_file(argv[i]))
			st = 1;
	return st;
}
#endif

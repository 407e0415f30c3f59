/* SPDX-License-Identifier: ISC */
/*
 * fuzz_rofs.c: libFuzzer target over the file table checker and lookups
 * (fs/rofs_table.c), the code that stands between a corrupt image and
 * the runtime.  Any input must be rejected by rofs_check or, once
 * accepted, be walkable without reading outside it: every entry is
 * found again by its path, names from the input are looked up, and file
 * contents are touched end to end; compressed ones (up to 1 MiB) are
 * inflated (fs/inflate.c) into a buffer of exactly their size.  Built
 * and run by tests/fuzz/run.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "inflate.h"
#include "rofs_table.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile uint8_t sink;

/* Rebuild entry i's path and walk it: it must lead back to i. */
static void
walk_entry(const struct rofs *fs, uint32_t i)
{
	char path[ROFS_PATH_MAX + 2];
	uint32_t j, got;
	size_t pos;

	pos = fs->ent[i].path_len;
	path[pos] = '\0';
	for (j = i; j != 0; j = fs->ent[j].parent) {
		pos -= fs->ent[j].name_len;
		memcpy(path + pos, rofs_name(fs, j), fs->ent[j].name_len);
		path[--pos] = '/';
	}
	if (rofs_walk(fs, i == 0 ? "" : path + 1, &got) != 0 || got != i)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rofs fs;
	char why[128], name[300];
	const uint8_t *b;
	uint8_t *copy, *out;
	uint32_t i, got;
	uint64_t n;
	size_t k;

	copy = malloc(size + 8);	/* 8-aligned, as in the image */
	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	if (rofs_check(&fs, copy, size, why, sizeof(why)) == 0) {
		for (i = 0; i < fs.n; i++) {
			walk_entry(&fs, i);
			n = rofs_stored_size(&fs, i);
			if ((fs.ent[i].mode & ROFS_S_IFMT) != ROFS_S_IFDIR &&
			    n > 0) {
				b = rofs_bytes(&fs, i);
				sink ^= b[0] ^ b[n - 1];
			}
			if ((fs.ent[i].flags & ROFS_F_DEFLATE) &&
			    fs.ent[i].size <= (1 << 20)) {
				out = malloc(fs.ent[i].size + 1);
				if (out != NULL)
					(void)inflate_raw(out, fs.ent[i].size,
					    rofs_bytes(&fs, i), n);
				free(out);
			}
		}
		/* Paths made of the input's own bytes. */
		k = size < sizeof(name) - 1 ? size : sizeof(name) - 1;
		memcpy(name, data, k);
		name[k] = '\0';
		(void)rofs_walk(&fs, name, &got);
		(void)rofs_child(&fs, 0, name, strlen(name), &got);
	} else if (why[0] == '\0') {
		abort();	/* a rejection always says why */
	}
	free(copy);
	return 0;
}

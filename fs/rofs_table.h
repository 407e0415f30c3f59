/* SPDX-License-Identifier: ISC */
/*
 * rofs_table.h: checking and walking an embedded file table (the format
 * is include/vmgo/rofs.h).  Pure code over a byte range, no runtime
 * services: fs/rofs.c uses it in the image, tests/unit/test_rofs.c and
 * tests/fuzz/fuzz_rofs.c on the host.
 */
#ifndef VMGO_FS_ROFS_TABLE_H
#define VMGO_FS_ROFS_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <vmgo/rofs.h>

/* A checked table: valid pointers into the blob. */
struct rofs {
	const uint8_t		*base;
	uint64_t		size;		/* header total_size */
	const struct rofs_entry	*ent;
	uint32_t		n;		/* entries */
	const char		*str;
	uint64_t		str_size;
	const uint8_t		*data;
	uint64_t		data_size;
};

/*
 * Check the blob at base (len bytes available there) and fill *fs.  0, or
 * -EINVAL with *why set to a short static description of the first
 * problem found ("bad magic", "entry 12: name out of bounds"...; the
 * entry number is written into whybuf, whylen bytes).  Nothing outside
 * [base, base + len) is read, whatever the contents.  Any context.
 */
int	rofs_check(struct rofs *fs, const void *base, uint64_t len,
	    char *whybuf, size_t whylen);
/* The name of entry i (NUL-terminated; "" for the root). */
const char *rofs_name(const struct rofs *fs, uint32_t i);
/*
 * The bytes stored for file or symlink entry i, rofs_stored_size() of
 * them: its contents, or for a ROFS_F_DEFLATE file the deflate stream
 * that inflate_raw (fs/inflate.h) turns into its size bytes.
 */
const void *rofs_bytes(const struct rofs *fs, uint32_t i);
uint64_t rofs_stored_size(const struct rofs *fs, uint32_t i);
/*
 * The child called name (len bytes, no NUL needed) of directory dir:
 * 0 and *idx, -ENOENT, -ENOTDIR (dir is not a directory).  Binary search.
 */
int	rofs_child(const struct rofs *fs, uint32_t dir, const char *name,
	    size_t len, uint32_t *idx);
/*
 * The entry at rel (a path below the root: components separated by '/',
 * no leading '/'; "" is the root), following no symlink: "." and ".."
 * components are taken as they come (".." of the root is the root).
 * 0 and *idx, or -ENOENT, -ENOTDIR (a non-directory in the middle, which
 * includes a symlink), -ENAMETOOLONG (a component over ROFS_NAME_MAX).
 */
int	rofs_walk(const struct rofs *fs, const char *rel, uint32_t *idx);

#endif

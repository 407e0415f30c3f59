/* SPDX-License-Identifier: ISC */
/*
 * rofs_table.c: checks an embedded file table completely before anything
 * walks it, then looks names up in it (binary search per directory).
 * The format and its bounds: include/vmgo/rofs.h.
 */
#include <errno.h>
#include <string.h>
#include "rofs_table.h"

/* Write "entry N: msg" (or msg alone for idx < 0) into buf. */
static void
rofs_why(char *buf, size_t len, long idx, const char *msg)
{
	char num[24];
	size_t o = 0, k = 0, i;
	unsigned long v = (unsigned long)idx;

	if (len == 0)
		return;
	if (idx >= 0) {
		for (i = 0; i < 6 && o + 1 < len; i++)
			buf[o++] = "entry "[i];
		do {
			num[k++] = (char)('0' + v % 10);
			v /= 10;
		} while (v != 0);
		while (k > 0 && o + 1 < len)
			buf[o++] = num[--k];
		for (i = 0; i < 2 && o + 1 < len; i++)
			buf[o++] = ": "[i];
	}
	for (i = 0; msg[i] != '\0' && o + 1 < len; i++)
		buf[o++] = msg[i];
	buf[o] = '\0';
}

/* [off, off + n) within [0, size), without overflow. */
static bool
in_bounds(uint64_t off, uint64_t n, uint64_t size)
{
	return off <= size && n <= size - off;
}

/* Compare name a (alen bytes) with b (blen bytes) bytewise, shorter
 * first on a common prefix: <0, 0, >0. */
static int
name_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	int c;

	c = memcmp(a, b, alen < blen ? alen : blen);
	if (c != 0)
		return c;
	return alen < blen ? -1 : alen > blen;
}

static bool
is_dir(const struct rofs_entry *e)
{
	return (e->mode & ROFS_S_IFMT) == ROFS_S_IFDIR;
}

/* Bytes stored at the entry's data: deflated or as they are. */
static uint64_t
stored_size(const struct rofs_entry *e)
{
	return (e->flags & ROFS_F_DEFLATE) ? e->zsize : e->size;
}

/* Check header fields; fill the section pointers of *fs. */
static const char *
check_header(struct rofs *fs, const uint8_t *b, uint64_t len)
{
	const struct rofs_header *h = (const void *)b;

	if (((uintptr_t)b & 7) != 0)
		return "table is not 8-byte aligned";
	if (len < sizeof(*h))
		return "truncated header";
	if (h->magic != ROFS_MAGIC)
		return "bad magic";
	if (h->version != ROFS_VERSION)
		return "unknown version";
	if (h->hdr_size != sizeof(*h) ||
	    h->entry_size != sizeof(struct rofs_entry))
		return "header or entry size mismatch";
	if (h->reserved != 0)
		return "reserved header field set";
	if (h->total_size < sizeof(*h) || h->total_size > ROFS_MAX_SIZE)
		return "total size out of range";
	if (h->total_size > len)
		return "truncated (total size beyond the loaded bytes)";
	if (h->nentries < 1 || h->nentries > ROFS_MAX_ENTRIES)
		return "entry count out of range";
	if ((h->entries_off & 7) != 0 || h->entries_off < sizeof(*h) ||
	    !in_bounds(h->entries_off,
	    (uint64_t)h->nentries * sizeof(struct rofs_entry), h->total_size))
		return "entry table out of bounds";
	if (h->strings_size < 1 ||
	    !in_bounds(h->strings_off, h->strings_size, h->total_size))
		return "string table out of bounds";
	if (!in_bounds(h->data_off, h->data_size, h->total_size))
		return "data out of bounds";
	fs->base = b;
	fs->size = h->total_size;
	fs->ent = (const void *)(b + h->entries_off);
	fs->n = h->nentries;
	fs->str = (const char *)(b + h->strings_off);
	fs->str_size = h->strings_size;
	fs->data = b + h->data_off;
	fs->data_size = h->data_size;
	if (fs->str[fs->str_size - 1] != '\0')
		return "string table not NUL-terminated";
	return NULL;
}

/* Check entry i on its own and against its parent and previous
 * sibling (entries before i are already checked). */
static const char *
check_entry(const struct rofs *fs, uint32_t i)
{
	const struct rofs_entry *e = &fs->ent[i], *p, *prev;
	const char *name;
	uint32_t type = e->mode & ROFS_S_IFMT;
	uint32_t want;

	if (e->mode & ~(ROFS_S_IFMT | 07777))
		return "bad mode bits";
	if (type != ROFS_S_IFDIR && type != ROFS_S_IFREG &&
	    type != ROFS_S_IFLNK)
		return "not a file, directory or symlink";
	if (e->mtime_nsec >= 1000000000U)
		return "bad mtime nanoseconds";
	if ((e->flags & ~ROFS_F_ALL) != 0 ||
	    (!(e->flags & ROFS_F_DEFLATE) && e->zsize != 0))
		return "reserved field set";
	if ((e->flags & ROFS_F_BOOT) && (type != ROFS_S_IFREG || e->size != 0))
		return "boot-time file with contents";
	/* Only bounds here: streams are decoded when opened (fs/rofs.c),
	 * so that boot does not pay for every file. */
	if ((e->flags & ROFS_F_DEFLATE) && (type != ROFS_S_IFREG ||
	    (e->flags & ROFS_F_BOOT) || e->zsize < 1 ||
	    e->zsize > fs->data_size ||
	    e->size > e->zsize * ROFS_DEFLATE_RATIO))
		return "bad compressed file";
	if (!in_bounds(e->name_off, (uint64_t)e->name_len + 1, fs->str_size))
		return "name out of bounds";
	name = fs->str + e->name_off;
	if (name[e->name_len] != '\0' ||
	    memchr(name, '\0', e->name_len) != NULL)
		return "name not NUL-terminated";
	if (type == ROFS_S_IFDIR) {
		if (e->size != 0 || e->data != 0)
			return "directory with contents";
		if (e->nchild > 0 && (e->first_child <= i ||
		    e->first_child >= fs->n ||
		    e->nchild > fs->n - e->first_child))
			return "children out of range";
		if (e->nchild == 0 && e->first_child != 0)
			return "first child without children";
	} else {
		if (e->nchild != 0 || e->first_child != 0)
			return "non-directory with children";
		if (!in_bounds(e->data, stored_size(e), fs->data_size))
			return "data out of bounds";
	}
	if (type == ROFS_S_IFLNK) {
		if (e->size < 1 || e->size > ROFS_PATH_MAX)
			return "symlink target length out of range";
		if (memchr(fs->data + e->data, '\0', e->size) != NULL)
			return "NUL in symlink target";
	}
	if (i == 0) {
		if (type != ROFS_S_IFDIR)
			return "root is not a directory";
		if (e->parent != 0 || e->name_len != 0 || e->path_len != 1)
			return "bad root entry";
		return NULL;
	}
	if (e->name_len < 1 || e->name_len > ROFS_NAME_MAX)
		return "name length out of range";
	if (memchr(name, '/', e->name_len) != NULL)
		return "'/' in a name";
	if ((e->name_len == 1 && name[0] == '.') ||
	    (e->name_len == 2 && name[0] == '.' && name[1] == '.'))
		return "'.' or '..' as a name";
	if (e->parent >= i)
		return "parent after child";
	p = &fs->ent[e->parent];
	if (!is_dir(p))
		return "parent is not a directory";
	want = (uint32_t)p->path_len + (p->path_len > 1) + e->name_len;
	if (e->path_len != want || want > ROFS_PATH_MAX)
		return "path length wrong or over the limit";
	prev = &fs->ent[i - 1];
	if (i > 1 && e->parent < prev->parent)
		return "entries not ordered by parent";
	if (i > 1 && e->parent == prev->parent &&
	    name_cmp(fs->str + prev->name_off, prev->name_len, name,
	    e->name_len) >= 0)
		return "siblings not sorted or not unique";
	return NULL;
}

/*
 * Check the blob: header, each entry, then that every directory's child
 * range is exactly the set of entries naming it as parent.  See
 * rofs_table.h.
 */
int
rofs_check(struct rofs *fs, const void *base, uint64_t len, char *whybuf,
    size_t whylen)
{
	const struct rofs_entry *e;
	const char *why;
	uint64_t nchildren = 0;
	uint32_t i, f, l;

	why = check_header(fs, base, len);
	if (why != NULL) {
		rofs_why(whybuf, whylen, -1, why);
		return -EINVAL;
	}
	for (i = 0; i < fs->n; i++) {
		why = check_entry(fs, i);
		if (why != NULL) {
			rofs_why(whybuf, whylen, i, why);
			return -EINVAL;
		}
	}
	/* Parents are non-decreasing, so pinning both ends of a range to
	 * the entries naming d as parent, with neighbours that do not,
	 * makes it exactly d's children; the total then covers everyone. */
	for (i = 0; i < fs->n; i++) {
		e = &fs->ent[i];
		if (!is_dir(e) || e->nchild == 0)
			continue;
		f = e->first_child;
		l = f + e->nchild - 1;
		if (fs->ent[f].parent != i || fs->ent[l].parent != i ||
		    (f > 1 && fs->ent[f - 1].parent == i) ||
		    (l + 1 < fs->n && fs->ent[l + 1].parent == i)) {
			rofs_why(whybuf, whylen, i, "child range wrong");
			return -EINVAL;
		}
		nchildren += e->nchild;
	}
	if (nchildren != fs->n - 1) {
		rofs_why(whybuf, whylen, -1, "entries outside every directory");
		return -EINVAL;
	}
	return 0;
}

/* The name of entry i.  Any context. */
const char *
rofs_name(const struct rofs *fs, uint32_t i)
{
	return fs->str + fs->ent[i].name_off;
}

/* The stored bytes of entry i.  Any context. */
const void *
rofs_bytes(const struct rofs *fs, uint32_t i)
{
	return fs->data + fs->ent[i].data;
}

/* How many there are.  Any context. */
uint64_t
rofs_stored_size(const struct rofs *fs, uint32_t i)
{
	return stored_size(&fs->ent[i]);
}

/* Binary search among dir's children.  See rofs_table.h. */
int
rofs_child(const struct rofs *fs, uint32_t dir, const char *name, size_t len,
    uint32_t *idx)
{
	const struct rofs_entry *d = &fs->ent[dir], *e;
	uint32_t lo, hi, mid;
	int c;

	if (!is_dir(d))
		return -ENOTDIR;
	lo = d->first_child;
	hi = lo + d->nchild;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		e = &fs->ent[mid];
		c = name_cmp(name, len, fs->str + e->name_off, e->name_len);
		if (c == 0) {
			*idx = mid;
			return 0;
		}
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return -ENOENT;
}

/* Walk rel from the root.  See rofs_table.h. */
int
rofs_walk(const struct rofs *fs, const char *rel, uint32_t *idx)
{
	const char *p = rel, *e;
	uint32_t cur = 0;
	size_t len;
	int r;

	for (;;) {
		while (*p == '/')
			p++;
		if (*p == '\0')
			break;
		for (e = p; *e != '\0' && *e != '/'; e++)
			;
		len = (size_t)(e - p);
		if (!is_dir(&fs->ent[cur]))
			return -ENOTDIR;
		if (len > ROFS_NAME_MAX)
			return -ENAMETOOLONG;
		if (len == 1 && p[0] == '.') {
			/* stay */
		} else if (len == 2 && p[0] == '.' && p[1] == '.') {
			cur = fs->ent[cur].parent;
		} else {
			r = rofs_child(fs, cur, p, len, &cur);
			if (r < 0)
				return r;
		}
		p = e;
	}
	*idx = cur;
	return 0;
}

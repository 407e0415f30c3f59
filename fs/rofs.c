/* SPDX-License-Identifier: ISC */
/*
 * rofs.c: the embedded file table (include/vmgo/rofs.h) as the root file
 * system.  The table is read in place from the loaded image: page_init
 * learns its extent from rofs_image_end(), rofs_init() checks it whole
 * (fs/rofs_table.c) and mounts it at "/", or prints one line and leaves
 * the empty root in place.  Files read with one memcpy from the table,
 * or for compressed ones (ROFS_F_DEFLATE) from the copy inflated when
 * the file was first opened; names are found by binary search in each
 * directory.
 */
#include "kernel.h"
#include "libc/dirent.h"
#include "libc/fcntl.h"
#include "libc/sys/stat.h"
#include "inflate.h"
#include "rofs_table.h"

extern const char __vmgo_files_start[];	/* boot/vmgo.ld */
extern char _end[];

/*
 * The table linked into every image before vmgo-files replaces it: an
 * empty root directory, so an image that was never spliced still boots.
 */
struct rofs_empty {
	struct rofs_header	h;
	struct rofs_entry	root;
	char			str[16];
};
__attribute__((section(".vmgo.files"), used, aligned(4096)))
static const struct rofs_empty rofs_empty = {
	.h = {
		.magic = ROFS_MAGIC,
		.version = ROFS_VERSION,
		.hdr_size = sizeof(struct rofs_header),
		.total_size = sizeof(struct rofs_empty),
		.nentries = 1,
		.entry_size = sizeof(struct rofs_entry),
		.entries_off = offsetof(struct rofs_empty, root),
		.strings_off = offsetof(struct rofs_empty, str),
		.strings_size = 1,
		.data_off = sizeof(struct rofs_empty),
	},
	.root = { .mode = ROFS_S_IFDIR | 0755, .path_len = 1 },
};

static struct rofs rofs;		/* valid once rofs_ok */
static uintptr_t rofs_end;		/* from rofs_image_end(bi) */
static const char *rofs_early_why;	/* set by rofs_image_end */

/*
 * The end of the loaded image, file table included: the table's header
 * gives its size, trusted only if it is plausible and the table lies in
 * one RAM range of bi (else _end, and rofs_init reports the problem).
 * With bi NULL, the value computed before.  Boot, before page_init uses
 * it; reads only the header.
 */
uintptr_t
rofs_image_end(const struct bootinfo *bi)
{
	const struct rofs_header *h = (const void *)__vmgo_files_start;
	uintptr_t start = (uintptr_t)__vmgo_files_start, end;
	uint32_t i;

	if (bi == NULL)
		return rofs_end != 0 ? rofs_end : (uintptr_t)_end;
	rofs_end = (uintptr_t)_end;
	if (h->magic != ROFS_MAGIC || h->version != ROFS_VERSION ||
	    h->hdr_size != sizeof(*h)) {
		rofs_early_why = "bad magic or version";
		return rofs_end;
	}
	if (h->total_size < sizeof(*h) || h->total_size > ROFS_MAX_SIZE) {
		rofs_early_why = "total size out of range";
		return rofs_end;
	}
	end = start + h->total_size;
	for (i = 0; i < bi->nmem && i < BOOTINFO_MAX_MEM; i++) {
		if (bi->mem[i].type == BOOT_MEM_RAM &&
		    bi->mem[i].addr <= start &&
		    bi->mem[i].addr + bi->mem[i].len >= end) {
			rofs_end = MAX(end, (uintptr_t)_end);
			return rofs_end;
		}
	}
	rofs_early_why = "extends past the RAM it was loaded into";
	return rofs_end;
}

static uint32_t
rofs_type(uint32_t i)
{
	return rofs.ent[i].mode & ROFS_S_IFMT;
}

/* The absolute path of entry i into buf (VFS_PATH_MAX bytes). */
static void
rofs_path(uint32_t i, char *buf)
{
	const struct rofs_entry *e = &rofs.ent[i];
	size_t pos = e->path_len;

	buf[pos] = '\0';
	if (i == 0) {
		buf[0] = '/';
		return;
	}
	while (i != 0) {
		e = &rofs.ent[i];
		pos -= e->name_len;
		memcpy(buf + pos, rofs_name(&rofs, i), e->name_len);
		buf[--pos] = '/';
		i = e->parent;
	}
}

/*
 * Compressed files inflated so far, kept until the VM ends: a file is
 * inflated when first opened, and every later open and read uses that
 * copy (its memory, the file's size, is not given back: opening the file
 * again costs nothing, and all of them together never take more than
 * their sizes, which an uncompressed table would have taken too).
 *
 * Lock-free, as nodes are only ever added: at the head of a bucket, by a
 * compare-and-swap that publishes the whole node (release; heads are
 * loaded with acquire; a node never changes once published).  Two
 * threads opening one file at once may both inflate it; the first to
 * publish wins, the other frees its copy, so a file's bytes never change
 * under a reader.  No lock is held while inflating.
 */
struct rofs_zfile {
	struct rofs_zfile	*next;		/* older node of the bucket */
	uint32_t		idx;		/* entry index */
	uint8_t			data[];		/* its size bytes */
};
#define ROFS_ZBUCKETS	64
static struct rofs_zfile *rofs_zfiles[ROFS_ZBUCKETS];

/* The inflated copy of entry i from bucket list z, or NULL. */
static const struct rofs_zfile *
rofs_zfind(const struct rofs_zfile *z, uint32_t i)
{
	for (; z != NULL; z = z->next)
		if (z->idx == i)
			return z;
	return NULL;
}

/*
 * Make sure compressed file i has its inflated copy: 0, -ENOMEM, or -EIO
 * when the stream is corrupt (one console line names the file, at each
 * failed open).  Thread context (it may take milliseconds).
 */
static int
rofs_inflate(uint32_t i)
{
	const struct rofs_entry *e = &rofs.ent[i];
	struct rofs_zfile **head = &rofs_zfiles[i % ROFS_ZBUCKETS], *z, *old;
	char path[VFS_PATH_MAX];

	old = __atomic_load_n(head, __ATOMIC_ACQUIRE);
	if (rofs_zfind(old, i) != NULL)
		return 0;
	z = kmalloc(sizeof(*z) + e->size);
	if (z == NULL)
		return -ENOMEM;
	z->idx = i;
	if (inflate_raw(z->data, e->size, rofs_bytes(&rofs, i), e->zsize) < 0) {
		kfree(z);
		rofs_path(i, path);
		kprintf("vmgo: file table: %s: compressed contents are corrupt\n",
		    path);
		return -EIO;
	}
	do {
		if (rofs_zfind(old, i) != NULL) {	/* another open won */
			kfree(z);
			return 0;
		}
		z->next = old;
	} while (!__atomic_compare_exchange_n(head, &old, z, false,
	    __ATOMIC_RELEASE, __ATOMIC_ACQUIRE));
	return 0;
}

/*
 * Contents and size of regular file or symlink i: boot-time files from
 * fs/etc.c, compressed ones from their inflated copy (NULL before the
 * file was opened; the size is right all the same).
 */
static const void *
rofs_contents(uint32_t i, uint64_t *size)
{
	const struct rofs_zfile *z;
	char path[VFS_PATH_MAX];
	const char *p;
	size_t len;

	if (rofs.ent[i].flags & ROFS_F_BOOT) {
		rofs_path(i, path);
		p = etc_file(path, &len);
		*size = p != NULL ? len : 0;
		return p != NULL ? p : "";
	}
	*size = rofs.ent[i].size;
	if (rofs.ent[i].flags & ROFS_F_DEFLATE) {
		z = rofs_zfind(__atomic_load_n(&rofs_zfiles[i % ROFS_ZBUCKETS],
		    __ATOMIC_ACQUIRE), i);
		return z != NULL ? z->data : NULL;
	}
	return rofs_bytes(&rofs, i);
}

static void
rofs_stat_entry(uint32_t i, struct stat *st)
{
	const struct rofs_entry *e = &rofs.ent[i];
	uint64_t size;

	st->st_mode = e->mode;
	st->st_dev = VFS_DEV_ROOT;
	st->st_ino = ROFS_INO_BASE + i;
	st->st_nlink = rofs_type(i) == ROFS_S_IFDIR ? 2 : 1;
	st->st_mtim.tv_sec = e->mtime_sec;
	st->st_mtim.tv_nsec = e->mtime_nsec;
	if (e->flags & ROFS_F_BOOT) {	/* rewritten at run time (etc.c)? */
		char path[VFS_PATH_MAX];
		int64_t t;

		rofs_path(i, path);
		if ((t = etc_file_mtime(path)) > 0) {
			st->st_mtim.tv_sec = t / 1000000000;
			st->st_mtim.tv_nsec = t % 1000000000;
		}
	}
	st->st_atim = st->st_mtim;
	st->st_ctim = st->st_mtim;
	st->__st_birthtim = st->st_mtim;
	if (rofs_type(i) == ROFS_S_IFDIR)
		size = 512;
	else
		(void)rofs_contents(i, &size);
	st->st_size = (int64_t)size;
	st->st_blocks = (int64_t)((size + 511) / 512);
	st->st_blksize = PAGE_SIZE;
}

/* Open files: priv is the entry index. */
static uint32_t
rofs_idx(const struct file *fp)
{
	return (uint32_t)(uintptr_t)fp->priv;
}

static long
rofs_read(struct file *fp, void *buf, size_t n, int64_t *off)
{
	uint64_t size;
	const char *p;

	p = rofs_contents(rofs_idx(fp), &size);
	if (*off < 0 || (uint64_t)*off >= size)
		return 0;
	if (n > size - (uint64_t)*off)
		n = (size_t)(size - (uint64_t)*off);
	memcpy(buf, p + *off, n);
	*off += (int64_t)n;
	return (long)n;
}

static int
rofs_fstat(struct file *fp, struct stat *st)
{
	rofs_stat_entry(rofs_idx(fp), st);
	return 0;
}

/* getdents: fp->offset 0 is ".", 1 "..", 2 + k the k-th child. */
static long
rofs_getdents(struct file *fp, void *buf, size_t n)
{
	const struct rofs_entry *d = &rofs.ent[rofs_idx(fp)];
	uint32_t idx, ent;
	size_t used = 0, namlen, rec;
	const char *name;
	struct dirent *dp;

	idx = (uint32_t)__atomic_load_n(&fp->offset, __ATOMIC_RELAXED);
	while (idx < 2 + d->nchild) {
		if (idx == 0) {
			name = ".";
			ent = rofs_idx(fp);
		} else if (idx == 1) {
			name = "..";
			ent = d->parent;
		} else {
			ent = d->first_child + idx - 2;
			name = rofs_name(&rofs, ent);
		}
		namlen = strlen(name);
		rec = DIRENT_RECSIZE(namlen);
		if (rec > n - used) {
			if (used == 0)
				return -EINVAL;
			break;
		}
		dp = (struct dirent *)((char *)buf + used);
		memset(dp, 0, rec);
		dp->d_fileno = ROFS_INO_BASE + ent;
		dp->d_off = idx + 1;
		dp->d_reclen = (uint16_t)rec;
		dp->d_type = (uint8_t)IFTODT(rofs.ent[ent].mode);
		dp->d_namlen = (uint8_t)namlen;
		memcpy(dp->d_name, name, namlen + 1);
		used += rec;
		idx++;
	}
	__atomic_store_n(&fp->offset, (int64_t)idx, __ATOMIC_RELAXED);
	return (long)used;
}

static long
rofs_dir_read(struct file *fp, void *buf, size_t n, int64_t *off)
{
	return -EISDIR;
}

static const struct file_ops rofs_file_ops = {
	.flags = FOPS_SEEKABLE,
	.read = rofs_read,
	.stat = rofs_fstat,
};

static const struct file_ops rofs_dir_ops = {
	.flags = FOPS_SEEKABLE,
	.read = rofs_dir_read,
	.stat = rofs_fstat,
	.getdents = rofs_getdents,
};

static int
rofs_open(const char *rel, int flags, int mode, struct file **fpp)
{
	struct file *fp;
	uint32_t i;
	int r;

	r = rofs_walk(&rofs, rel, &i);
	if (r == -ENOENT && (flags & O_CREAT))
		return -EROFS;
	if (r < 0)
		return r;
	if ((flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
		return -EEXIST;
	if (rofs_type(i) == ROFS_S_IFLNK)
		return -ELOOP;
	if ((flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC))
		return rofs_type(i) == ROFS_S_IFDIR ? -EISDIR : -EROFS;
	if ((rofs.ent[i].flags & ROFS_F_DEFLATE) && (r = rofs_inflate(i)) < 0)
		return r;
	fp = file_alloc(rofs_type(i) == ROFS_S_IFDIR ? &rofs_dir_ops :
	    &rofs_file_ops, (void *)(uintptr_t)i, flags);
	if (fp == NULL)
		return -ENOMEM;
	*fpp = fp;
	return 0;
}

static int
rofs_lstat(const char *rel, struct stat *st)
{
	uint32_t i;
	int r;

	r = rofs_walk(&rofs, rel, &i);
	if (r < 0)
		return r;
	rofs_stat_entry(i, st);
	return 0;
}

static int
rofs_readlink(const char *rel, char *buf, size_t size)
{
	uint64_t len;
	uint32_t i;
	int r;

	r = rofs_walk(&rofs, rel, &i);
	if (r < 0)
		return r;
	if (rofs_type(i) != ROFS_S_IFLNK)
		return -EINVAL;
	len = rofs.ent[i].size;
	memcpy(buf, rofs_bytes(&rofs, i), MIN(size, (size_t)len));
	return (int)len;
}

/*
 * Entry i of the table (0 is "/"): its absolute path into
 * path[VFS_PATH_MAX] and its stat into *st (zeroed by the caller).  0, or
 * -ENOENT past the end or without a checked table.  For the companion
 * package's file list (runtime/libc/vmgo_api.c).  Any thread.
 */
int
rofs_entry_stat(uint32_t i, char *path, struct stat *st)
{
	if (i >= rofs.n)
		return -ENOENT;
	rofs_path(i, path);
	rofs_stat_entry(i, st);
	return 0;
}

/* The root file system once the table checks out. */
static const struct vfs_ops rofs_ops = {
	.name = "rofs",
	.open = rofs_open,
	.stat = rofs_lstat,
	.readlink = rofs_readlink,
};

/*
 * Check the file table and mount it at "/".  A bad table prints
 * "vmgo: file table: WHY: files disabled" and leaves the empty root.
 * Boot, thread context, after fd_init.
 */
void
rofs_init(void)
{
	const struct rofs_header *h = (const void *)__vmgo_files_start;
	char why[96];
	int r;

	if (rofs_early_why != NULL) {
		kprintf("vmgo: file table: %s: files disabled\n",
		    rofs_early_why);
		return;
	}
	r = rofs_check(&rofs, h, rofs_image_end(NULL) -
	    (uintptr_t)__vmgo_files_start, why, sizeof(why));
	if (r < 0) {
		kprintf("vmgo: file table: %s: files disabled\n", why);
		return;
	}
	etc_init();
	r = vfs_mount("/", &rofs_ops);
	if (r < 0)
		panic("rofs_init: cannot mount the file table (%d)", r);
}

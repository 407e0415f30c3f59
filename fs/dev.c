/* SPDX-License-Identifier: ISC */
/*
 * dev.c: the /dev file system: null, zero, random, urandom, the console
 * (console, tty) and stdin/stdout/stderr (OpenBSD's fdesc links: opening
 * one duplicates fd 0/1/2, stat describes that fd's file).  Read-only:
 * nothing can be created or removed.
 */
#include "kernel.h"
#include "libc/dirent.h"
#include "libc/fcntl.h"
#include "libc/sys/stat.h"

#define DEVFS_INO_DIR	2

enum devkind {
	DEV_NULL,
	DEV_ZERO,
	DEV_RANDOM,
	DEV_CONSOLE,
	DEV_FD,
};

struct devnode {
	const char	*name;
	uint64_t	ino;
	enum devkind	kind;
	uint32_t	mode;		/* permission bits */
	int32_t		rdev;		/* OpenBSD/amd64 major/minor */
	int		fd;		/* DEV_FD */
};

/*
 * OpenBSD makedev(x, y) = (x << 8) | y for small numbers; majors from
 * OpenBSD's amd64 conf.c: mem 2 (null minor 2, zero minor 12), random 45.
 * Sorted by name, the order getdents lists them in.
 */
static const struct devnode devnodes[] = {
	{ "console",	DEVFS_INO_CONSOLE, DEV_CONSOLE, 0620, 0, -1 },
	{ "null",	4, DEV_NULL,	0666, (2 << 8) | 2, -1 },
	{ "random",	5, DEV_RANDOM,	0644, 45 << 8, -1 },
	{ "stderr",	6, DEV_FD,	0, 0, 2 },
	{ "stdin",	7, DEV_FD,	0, 0, 0 },
	{ "stdout",	8, DEV_FD,	0, 0, 1 },
	{ "tty",	DEVFS_INO_CONSOLE, DEV_CONSOLE, 0620, 0, -1 },
	{ "urandom",	9, DEV_RANDOM,	0644, 45 << 8, -1 },
	{ "zero",	10, DEV_ZERO,	0666, (2 << 8) | 12, -1 },
};

static long
devnode_read(struct file *fp, void *buf, size_t n, int64_t *off)
{
	const struct devnode *dn = fp->priv;
	int r;

	switch (dn->kind) {
	case DEV_ZERO:
		memset(buf, 0, n);
		return (long)n;
	case DEV_RANDOM:
		r = entropy_fill(buf, n);
		return r < 0 ? r : (long)n;
	default:
		return 0;		/* /dev/null: end of file */
	}
}

/* Writes to null, zero and random are accepted and discarded. */
static long
devnode_write(struct file *fp, const void *buf, size_t n, int64_t *off)
{
	return (long)n;
}

static void
devnode_stat_node(const struct devnode *dn, struct stat *st)
{
	st->st_mode = S_IFCHR | dn->mode;
	st->st_dev = VFS_DEV_DEVFS;
	st->st_ino = dn->ino;
	st->st_nlink = 1;
	st->st_rdev = dn->rdev;
	st->st_blksize = PAGE_SIZE;
}

static int
devnode_stat(struct file *fp, struct stat *st)
{
	devnode_stat_node(fp->priv, st);
	return 0;
}

/* Always ready both ways; data 0 as for BSD's seltrue filter. */
static void
devnode_poll(struct file *fp, struct file_poll *st)
{
	st->ready = FILE_EV_READ | FILE_EV_WRITE;
}

static const struct file_ops devnode_ops = {
	.flags = FOPS_SEEKABLE,		/* the offset is kept, and ignored */
	.read = devnode_read,
	.write = devnode_write,
	.stat = devnode_stat,
	.poll = devnode_poll,
};

static const struct devnode *
devfs_lookup(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(devnodes); i++)
		if (strcmp(devnodes[i].name, name) == 0)
			return &devnodes[i];
	return NULL;
}

/* "a/b" below /dev: -ENOTDIR when a exists (nothing here is a directory),
 * else -ENOENT. */
static int
devfs_subpath_error(const char *rel)
{
	char name[VFS_NAME_MAX + 1];
	size_t len = (size_t)(strchr(rel, '/') - rel);

	if (len > VFS_NAME_MAX)
		return -ENOENT;
	memcpy(name, rel, len);
	name[len] = '\0';
	return devfs_lookup(name) != NULL ? -ENOTDIR : -ENOENT;
}

static int
devfs_list(unsigned int idx, struct vfs_dirent *de)
{
	if (idx >= ARRAY_LEN(devnodes))
		return -ENOENT;
	de->name = devnodes[idx].name;
	de->ino = devnodes[idx].ino;
	de->type = DT_CHR;
	return 0;
}

static int
devfs_open(const char *rel, int flags, int mode, struct file **fpp)
{
	const struct devnode *dn;
	struct file *fp;

	if (rel[0] == '\0')
		return vfs_dir_open("/dev", flags, VFS_DEV_DEVFS, DEVFS_INO_DIR,
		    devfs_list, fpp);
	if (strchr(rel, '/') != NULL)
		return devfs_subpath_error(rel);
	dn = devfs_lookup(rel);
	if (dn == NULL)
		return (flags & O_CREAT) ? -EROFS : -ENOENT;
	if ((flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
		return -EEXIST;
	switch (dn->kind) {
	case DEV_CONSOLE:
		return console_file_open(flags, fpp);
	case DEV_FD:
		/* fdesc semantics: the same open file as the fd. */
		fp = fd_get(dn->fd);
		if (fp == NULL)
			return -EBADF;
		*fpp = fp;
		return 0;
	default:
		fp = file_alloc(&devnode_ops, (void *)dn, flags);
		if (fp == NULL)
			return -ENOMEM;
		*fpp = fp;
		return 0;
	}
}

static int
devfs_stat(const char *rel, struct stat *st)
{
	const struct devnode *dn;
	struct file *fp;
	int r;

	if (rel[0] == '\0') {
		vfs_dir_stat(VFS_DEV_DEVFS, DEVFS_INO_DIR, st);
		return 0;
	}
	if (strchr(rel, '/') != NULL)
		return devfs_subpath_error(rel);
	dn = devfs_lookup(rel);
	if (dn == NULL)
		return -ENOENT;
	if (dn->kind != DEV_FD) {
		devnode_stat_node(dn, st);
		return 0;
	}
	fp = fd_get(dn->fd);
	if (fp == NULL)
		return -EBADF;
	r = file_stat(fp, st);
	file_release(fp);
	return r;
}

const struct vfs_ops devfs_ops = {
	.name = "devfs",
	.open = devfs_open,
	.stat = devfs_stat,
};

/* SPDX-License-Identifier: ISC */
/*
 * path.c: path names.  Normalizes a path against the working directory
 * (or a directory fd), picks the file system mounted at its longest
 * matching prefix, and synthesizes small directories ("/" and "/dev").
 * There are no symlinks, so ".." is resolved lexically.
 */
#include "kernel.h"
#include "libc/dirent.h"
#include "libc/fcntl.h"
#include "libc/sys/stat.h"

#define VFS_MOUNT_MAX	8
#define VFS_INO_ROOT	2		/* the traditional root inode */

struct vfs_mount {
	const char		*prefix;	/* "/" or "/a/b" */
	size_t			len;
	const struct vfs_ops	*ops;
};

static const struct vfs_ops rootfs_ops;

/* vfs_lock guards the mount table and the working directory. */
static struct spinlock vfs_lock;
static struct vfs_mount vfs_mounts[VFS_MOUNT_MAX] = {
	{ "/", 1, &rootfs_ops },
	{ "/dev", 4, &devfs_ops },
};
static unsigned int vfs_nmounts = 2;
static char vfs_cwd[VFS_PATH_MAX] = "/";

/*
 * Mount ops at prefix, replacing a mount at the same prefix.  0, -EINVAL
 * (not absolute, trailing '/'), -ENOMEM (table full).  Thread context.
 */
int
vfs_mount(const char *prefix, const struct vfs_ops *ops)
{
	size_t len = strlen(prefix);
	unsigned int i;
	uint64_t f;
	int r = -ENOMEM;

	if (prefix[0] != '/' || (len > 1 && prefix[len - 1] == '/'))
		return -EINVAL;
	f = spin_lock_irqsave(&vfs_lock);
	for (i = 0; i < vfs_nmounts; i++) {
		if (strcmp(vfs_mounts[i].prefix, prefix) == 0) {
			vfs_mounts[i].ops = ops;
			r = 0;
			break;
		}
	}
	if (r != 0 && vfs_nmounts < VFS_MOUNT_MAX) {
		vfs_mounts[vfs_nmounts].prefix = prefix;
		vfs_mounts[vfs_nmounts].len = len;
		vfs_mounts[vfs_nmounts].ops = ops;
		vfs_nmounts++;
		r = 0;
	}
	spin_unlock_irqrestore(&vfs_lock, f);
	return r;
}

/* A kmalloc'd copy of s (struct file's path is freed with kfree). */
static char *
vfs_strdup(const char *s)
{
	size_t len = strlen(s) + 1;
	char *p;

	p = kmalloc(len);
	if (p != NULL)
		memcpy(p, s, len);
	return p;
}

/* The file system holding the absolute normalized path abs, and in *rel
 * the rest of the path below its mount point. */
static const struct vfs_ops *
vfs_find(const char *abs, const char **rel)
{
	const struct vfs_mount *m, *best = NULL;
	const struct vfs_ops *ops;
	unsigned int i;
	uint64_t f;

	f = spin_lock_irqsave(&vfs_lock);
	for (i = 0; i < vfs_nmounts; i++) {
		m = &vfs_mounts[i];
		if (best != NULL && m->len <= best->len)
			continue;
		if (m->len == 1 || (strncmp(abs, m->prefix, m->len) == 0 &&
		    (abs[m->len] == '\0' || abs[m->len] == '/')))
			best = m;
	}
	/* "/" is always mounted, so best is set. */
	ops = best->ops;
	*rel = abs + best->len;
	spin_unlock_irqrestore(&vfs_lock, f);
	if (**rel == '/')
		(*rel)++;
	return ops;
}

/* Append the components of path to the normalized absolute path in out
 * (olen bytes).  0 or -ENAMETOOLONG. */
static int
vfs_join(char *out, size_t olen, const char *path)
{
	const char *c = path, *e;
	size_t clen;

	for (;;) {
		while (*c == '/')
			c++;
		if (*c == '\0')
			break;
		for (e = c; *e != '\0' && *e != '/'; e++)
			;
		clen = (size_t)(e - c);
		if (clen == 1 && c[0] == '.') {
			/* nothing */
		} else if (clen == 2 && c[0] == '.' && c[1] == '.') {
			while (olen > 1 && out[olen - 1] != '/')
				olen--;
			if (olen > 1)
				olen--;		/* the '/' before it */
			out[olen] = '\0';
		} else {
			if (clen > VFS_NAME_MAX)
				return -ENAMETOOLONG;
			if (olen + 1 + clen >= VFS_PATH_MAX)
				return -ENAMETOOLONG;
			if (olen > 1)
				out[olen++] = '/';
			memcpy(out + olen, c, clen);
			olen += clen;
			out[olen] = '\0';
		}
		c = e;
	}
	return 0;
}

/*
 * Resolve path against dirfd into the absolute normalized out
 * (VFS_PATH_MAX bytes).  See fs.h.  Thread context.
 */
int
vfs_resolve(int dirfd, const char *path, char *out, bool *must_dir)
{
	struct file *dfp;
	size_t len;
	uint64_t f;
	int r;

	if (path == NULL)
		return -EFAULT;
	len = strnlen(path, VFS_PATH_MAX);
	if (len == 0)
		return -ENOENT;
	if (len >= VFS_PATH_MAX)
		return -ENAMETOOLONG;
	*must_dir = path[len - 1] == '/' ||
	    (path[len - 1] == '.' && (len == 1 || path[len - 2] == '/' ||
	    (path[len - 2] == '.' && (len == 2 || path[len - 3] == '/'))));

	if (path[0] == '/') {
		strcpy(out, "/");
	} else if (dirfd == AT_FDCWD) {
		f = spin_lock_irqsave(&vfs_lock);
		strcpy(out, vfs_cwd);
		spin_unlock_irqrestore(&vfs_lock, f);
	} else {
		dfp = fd_get(dirfd);
		if (dfp == NULL)
			return -EBADF;
		r = dfp->path != NULL ? 0 : -ENOTDIR;
		if (r == 0)
			strlcpy(out, dfp->path, VFS_PATH_MAX);
		file_release(dfp);
		if (r < 0)
			return r;
	}
	return vfs_join(out, strlen(out), path);
}

/*
 * openat(2): a new file reference in *fpp.  Checks that apply to every
 * file system are made here: the access mode, O_DIRECTORY and a trailing
 * '/' on a non-directory (-ENOTDIR), write access to a directory
 * (-EISDIR).  Thread context.
 */
int
vfs_open(int dirfd, const char *path, int flags, int mode, struct file **fpp)
{
	char abs[VFS_PATH_MAX];
	const struct vfs_ops *ops;
	const char *rel;
	struct file *fp;
	struct stat st;
	bool must_dir, isdir;
	int r;

	if ((flags & O_ACCMODE) == O_ACCMODE)
		return -EINVAL;
	r = vfs_resolve(dirfd, path, abs, &must_dir);
	if (r < 0)
		return r;
	ops = vfs_find(abs, &rel);
	r = ops->open(rel, flags, mode, &fp);
	if (r < 0)
		return r;
	r = file_stat(fp, &st);
	if (r < 0)
		goto fail;
	isdir = S_ISDIR(st.st_mode);
	if (!isdir && (must_dir || (flags & O_DIRECTORY))) {
		r = -ENOTDIR;
		goto fail;
	}
	if (isdir && ((flags & O_ACCMODE) != O_RDONLY || (flags & O_CREAT))) {
		r = -EISDIR;
		goto fail;
	}
	if (isdir && fp->path == NULL) {
		fp->path = vfs_strdup(abs);
		if (fp->path == NULL) {
			r = -ENOMEM;
			goto fail;
		}
	}
	*fpp = fp;
	return 0;
fail:
	file_release(fp);
	return r;
}

/* fstatat(2) core: 0 or -errno.  Thread context. */
int
vfs_stat(int dirfd, const char *path, struct stat *st, int flags)
{
	char abs[VFS_PATH_MAX];
	const struct vfs_ops *ops;
	const char *rel;
	bool must_dir;
	int r;

	if (flags & ~AT_SYMLINK_NOFOLLOW)
		return -EINVAL;
	r = vfs_resolve(dirfd, path, abs, &must_dir);
	if (r < 0)
		return r;
	ops = vfs_find(abs, &rel);
	memset(st, 0, sizeof(*st));
	r = ops->stat(rel, st);
	if (r < 0)
		return r;
	if (must_dir && !S_ISDIR(st->st_mode))
		return -ENOTDIR;
	return 0;
}

/* getcwd: the length of the path stored in buf, or -ERANGE.  Thread
 * context. */
int
vfs_getcwd(char *buf, size_t size)
{
	uint64_t f;
	size_t len;
	int r;

	f = spin_lock_irqsave(&vfs_lock);
	len = strlen(vfs_cwd);
	if (len + 1 > size) {
		r = -ERANGE;
	} else {
		memcpy(buf, vfs_cwd, len + 1);
		r = (int)len;
	}
	spin_unlock_irqrestore(&vfs_lock, f);
	return r;
}

static void
vfs_setcwd(const char *abs)
{
	uint64_t f;

	f = spin_lock_irqsave(&vfs_lock);
	strlcpy(vfs_cwd, abs, sizeof(vfs_cwd));
	spin_unlock_irqrestore(&vfs_lock, f);
}

/* chdir(2): 0, -ENOTDIR, -ENOENT, ...  Thread context. */
int
vfs_chdir(const char *path)
{
	char abs[VFS_PATH_MAX];
	const struct vfs_ops *ops;
	const char *rel;
	struct stat st;
	bool must_dir;
	int r;

	r = vfs_resolve(AT_FDCWD, path, abs, &must_dir);
	if (r < 0)
		return r;
	ops = vfs_find(abs, &rel);
	memset(&st, 0, sizeof(st));
	r = ops->stat(rel, &st);
	if (r < 0)
		return r;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	vfs_setcwd(abs);
	return 0;
}

/* fchdir(2): 0, -EBADF, -ENOTDIR.  Thread context. */
int
vfs_fchdir(int fd)
{
	struct file *fp;

	fp = fd_get(fd);
	if (fp == NULL)
		return -EBADF;
	if (fp->path == NULL) {
		file_release(fp);
		return -ENOTDIR;
	}
	vfs_setcwd(fp->path);
	file_release(fp);
	return 0;
}

/*
 * Synthesized directories: an open one lists ".", ".." and what its list
 * function returns; fp->offset is the index of the next entry.
 */
struct vfs_dir {
	uint32_t	dev;
	uint64_t	ino;
	vfs_dirlist_t	list;
};

/* stat of a synthesized directory. */
void
vfs_dir_stat(uint32_t dev, uint64_t ino, struct stat *st)
{
	st->st_mode = S_IFDIR | 0555;
	st->st_dev = (int32_t)dev;
	st->st_ino = ino;
	st->st_nlink = 2;
	st->st_size = 512;
	st->st_blocks = 1;
	st->st_blksize = PAGE_SIZE;
}

static long
vfs_dir_read(struct file *fp, void *buf, size_t n, int64_t *off)
{
	return -EISDIR;
}

static int
vfs_dir_fstat(struct file *fp, struct stat *st)
{
	const struct vfs_dir *d = fp->priv;

	vfs_dir_stat(d->dev, d->ino, st);
	return 0;
}

/* Entry idx of the open directory fp: 0 or -ENOENT past the end. */
static int
vfs_dir_entry(struct file *fp, unsigned int idx, struct vfs_dirent *de)
{
	const struct vfs_dir *d = fp->priv;
	char parent[VFS_PATH_MAX];
	struct stat st;

	if (idx == 0) {
		de->name = ".";
		de->ino = d->ino;
		de->type = DT_DIR;
		return 0;
	}
	if (idx == 1) {
		de->name = "..";
		de->ino = d->ino;
		de->type = DT_DIR;
		if (strcmp(fp->path, "/") != 0) {
			strlcpy(parent, fp->path, sizeof(parent));
			if (vfs_join(parent, strlen(parent), "..") == 0 &&
			    vfs_stat(AT_FDCWD, parent, &st, 0) == 0)
				de->ino = st.st_ino;
		}
		return 0;
	}
	return d->list(idx - 2, de);
}

static long
vfs_dir_getdents(struct file *fp, void *buf, size_t n)
{
	char *out = buf;
	struct vfs_dirent de;
	struct dirent *dp;
	unsigned int idx;
	size_t used = 0, namlen, rec;

	idx = (unsigned int)__atomic_load_n(&fp->offset, __ATOMIC_RELAXED);
	while (vfs_dir_entry(fp, idx, &de) == 0) {
		namlen = strlen(de.name);
		rec = DIRENT_RECSIZE(namlen);
		if (rec > n - used) {
			if (used == 0)
				return -EINVAL;
			break;
		}
		dp = (struct dirent *)(out + used);
		memset(dp, 0, rec);
		dp->d_fileno = de.ino;
		dp->d_off = idx + 1;
		dp->d_reclen = (uint16_t)rec;
		dp->d_type = de.type;
		dp->d_namlen = (uint8_t)namlen;
		memcpy(dp->d_name, de.name, namlen + 1);
		used += rec;
		idx++;
	}
	__atomic_store_n(&fp->offset, (int64_t)idx, __ATOMIC_RELAXED);
	return (long)used;
}

static void
vfs_dir_close(struct file *fp)
{
	kfree(fp->priv);
}

static const struct file_ops vfs_dir_ops = {
	.flags = FOPS_SEEKABLE,
	.read = vfs_dir_read,		/* never open for writing */
	.stat = vfs_dir_fstat,
	.getdents = vfs_dir_getdents,
	.close = vfs_dir_close,
};

/* Open a synthesized directory (see fs.h).  0, -EISDIR, -ENOMEM. */
int
vfs_dir_open(const char *abspath, int flags, uint32_t dev, uint64_t ino,
    vfs_dirlist_t list, struct file **fpp)
{
	struct vfs_dir *d;
	struct file *fp;

	if ((flags & O_ACCMODE) != O_RDONLY || (flags & O_CREAT))
		return -EISDIR;
	d = kmalloc(sizeof(*d));
	if (d == NULL)
		return -ENOMEM;
	d->dev = dev;
	d->ino = ino;
	d->list = list;
	fp = file_alloc(&vfs_dir_ops, d, flags);
	if (fp == NULL) {
		kfree(d);
		return -ENOMEM;
	}
	fp->path = vfs_strdup(abspath);
	if (fp->path == NULL) {
		file_release(fp);
		return -ENOMEM;
	}
	*fpp = fp;
	return 0;
}

/*
 * The root file system until the embedded file table replaces it: an
 * empty, read-only directory whose only entries are the mount points
 * directly below "/".
 */
static int
rootfs_list(unsigned int idx, struct vfs_dirent *de)
{
	const struct vfs_mount *m;
	const struct vfs_ops *ops = NULL;
	unsigned int i, k = 0;
	struct stat st;
	uint64_t f;

	f = spin_lock_irqsave(&vfs_lock);
	for (i = 0; i < vfs_nmounts; i++) {
		m = &vfs_mounts[i];
		if (m->len < 2 || strchr(m->prefix + 1, '/') != NULL)
			continue;
		if (k++ == idx) {
			de->name = m->prefix + 1;
			ops = m->ops;
			break;
		}
	}
	spin_unlock_irqrestore(&vfs_lock, f);
	if (ops == NULL)
		return -ENOENT;
	memset(&st, 0, sizeof(st));
	de->ino = ops->stat("", &st) == 0 ? st.st_ino : VFS_INO_ROOT;
	de->type = DT_DIR;
	return 0;
}

static int
rootfs_open(const char *rel, int flags, int mode, struct file **fpp)
{
	if (rel[0] == '\0')
		return vfs_dir_open("/", flags, VFS_DEV_ROOT, VFS_INO_ROOT,
		    rootfs_list, fpp);
	if (strchr(rel, '/') == NULL && (flags & O_CREAT))
		return -EROFS;
	return -ENOENT;
}

static int
rootfs_stat(const char *rel, struct stat *st)
{
	if (rel[0] != '\0')
		return -ENOENT;
	vfs_dir_stat(VFS_DEV_ROOT, VFS_INO_ROOT, st);
	return 0;
}

static const struct vfs_ops rootfs_ops = {
	.open = rootfs_open,
	.stat = rootfs_stat,
};

/* SPDX-License-Identifier: ISC */
/*
 * path.c: path names.  Walks a path against the working directory (or a
 * directory fd) one component at a time, following symlinks, picks the
 * file system mounted at its longest matching prefix, answers for
 * read-only file systems, completes directory listings with mount points
 * and synthesizes small directories ("/" and "/dev").
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
static char vfs_cwd[VFS_ABS_MAX] = "/";

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

/* The mount at the longest prefix of the absolute path abs ("/" is always
 * mounted).  vfs_lock held. */
static const struct vfs_mount *
vfs_best(const char *abs)
{
	const struct vfs_mount *m, *best = NULL;
	unsigned int i;

	for (i = 0; i < vfs_nmounts; i++) {
		m = &vfs_mounts[i];
		if (best != NULL && m->len <= best->len)
			continue;
		if (m->len == 1 || (strncmp(abs, m->prefix, m->len) == 0 &&
		    (abs[m->len] == '\0' || abs[m->len] == '/')))
			best = m;
	}
	return best;
}

/* The file system holding the absolute normalized path abs, and in *rel
 * the rest of the path below its mount point. */
static const struct vfs_ops *
vfs_find(const char *abs, const char **rel)
{
	const struct vfs_mount *best;
	const struct vfs_ops *ops;
	uint64_t f;

	f = spin_lock_irqsave(&vfs_lock);
	best = vfs_best(abs);
	ops = best->ops;
	*rel = abs + best->len;
	spin_unlock_irqrestore(&vfs_lock, f);
	if (**rel == '/')
		(*rel)++;
	return ops;
}

/*
 * The file system mounted at the longest prefix of the absolute
 * normalized path abs, and in *rel the path below it (see fs.h).  Thread
 * context.
 */
const struct vfs_ops *
vfs_ops_at(const char *abs, const char **rel)
{
	return vfs_find(abs, rel);
}

/* The idx-th mount: see fs.h.  Thread context. */
bool
vfs_mount_get(unsigned int idx, const char **prefix,
    const struct vfs_ops **ops)
{
	bool found = false;
	uint64_t f;

	f = spin_lock_irqsave(&vfs_lock);
	if (idx < vfs_nmounts) {
		*prefix = vfs_mounts[idx].prefix;
		*ops = vfs_mounts[idx].ops;
		found = true;
	}
	spin_unlock_irqrestore(&vfs_lock, f);
	return found;
}

/* The mount holding path: see fs.h.  Thread context. */
int
vfs_mount_of(const char *path, const char **prefix,
    const struct vfs_ops **ops)
{
	const struct vfs_mount *best;
	char abs[VFS_ABS_MAX];
	struct stat st;
	bool must_dir;
	uint64_t f;
	int r;

	r = vfs_stat(AT_FDCWD, path, &st, 0);
	if (r < 0)
		return r;
	r = vfs_lookup(AT_FDCWD, path, true, abs, &must_dir);
	if (r < 0)
		return r;
	f = spin_lock_irqsave(&vfs_lock);
	best = vfs_best(abs);
	*prefix = best->prefix;
	*ops = best->ops;
	spin_unlock_irqrestore(&vfs_lock, f);
	return 0;
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
			if (olen + 1 + clen >= VFS_ABS_MAX)
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
 * (VFS_ABS_MAX bytes).  See fs.h.  Thread context.
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
			strlcpy(out, dfp->path, VFS_ABS_MAX);
		file_release(dfp);
		if (r < 0)
			return r;
	}
	return vfs_join(out, strlen(out), path);
}

/* Remove the last component of the absolute path out (olen bytes). */
static size_t
vfs_pop(char *out, size_t olen)
{
	while (olen > 1 && out[olen - 1] != '/')
		olen--;
	if (olen > 1)
		olen--;			/* the '/' before it */
	out[olen] = '\0';
	return olen;
}

/*
 * Look path up (see fs.h): the walk keeps out a physical path (no
 * symlinks), rest the components still to go.  Thread context.
 */
int
vfs_lookup(int dirfd, const char *path, bool follow, char *out,
    bool *must_dir)
{
	char rest[VFS_PATH_MAX], link[VFS_PATH_MAX];
	const struct vfs_ops *ops;
	const char *rel;
	char *c, *e, *t;
	struct stat st;
	size_t olen, clen, tlen;
	unsigned int nlinks = 0;
	bool final;
	int r;

	/* The base directory, and the checks on path itself. */
	r = vfs_resolve(dirfd, path, out, must_dir);
	if (r < 0)
		return r;
	if (path[0] == '/') {
		strcpy(out, "/");
	} else if (dirfd == AT_FDCWD) {
		vfs_getcwd(out, VFS_ABS_MAX);
	} else {
		struct file *dfp = fd_get(dirfd);

		if (dfp == NULL)
			return -EBADF;
		r = dfp->path != NULL ? 0 : -ENOTDIR;
		if (r == 0)
			strlcpy(out, dfp->path, VFS_ABS_MAX);
		file_release(dfp);
		if (r < 0)
			return r;
	}
	strlcpy(rest, path, sizeof(rest));
	olen = strlen(out);
	c = rest;
	for (;;) {
		while (*c == '/')
			c++;
		if (*c == '\0')
			break;
		for (e = c; *e != '\0' && *e != '/'; e++)
			;
		clen = (size_t)(e - c);
		for (t = e; *t == '/'; t++)
			;
		final = *t == '\0';
		if (clen == 1 && c[0] == '.') {
			c = e;
			continue;
		}
		if (clen == 2 && c[0] == '.' && c[1] == '.') {
			olen = vfs_pop(out, olen);
			c = e;
			continue;
		}
		if (clen > VFS_NAME_MAX || olen + 1 + clen >= VFS_ABS_MAX)
			return -ENAMETOOLONG;
		if (olen > 1)
			out[olen++] = '/';
		memcpy(out + olen, c, clen);
		olen += clen;
		out[olen] = '\0';
		if (final && !follow && !*must_dir)
			break;
		ops = vfs_find(out, &rel);
		memset(&st, 0, sizeof(st));
		r = ops->stat(rel, &st);
		if (r < 0) {
			if (final && r == -ENOENT)
				break;
			return r;
		}
		if (S_ISLNK(st.st_mode)) {
			if (++nlinks > SYMLOOP_MAX)
				return -ELOOP;
			if (ops->readlink == NULL)
				return -EINVAL;
			r = ops->readlink(rel, link, sizeof(link));
			if (r < 0)
				return r;
			if ((size_t)r >= sizeof(link))
				return -ENAMETOOLONG;
			if (r == 0)
				return -ENOENT;
			tlen = strlen(e);
			if ((size_t)r + tlen >= sizeof(rest))
				return -ENAMETOOLONG;
			memmove(rest + r, e, tlen + 1);
			memcpy(rest, link, (size_t)r);
			c = rest;
			olen = vfs_pop(out, olen);
			if (link[0] == '/') {
				strcpy(out, "/");
				olen = 1;
			}
			continue;
		}
		if (!final && !S_ISDIR(st.st_mode))
			return -ENOTDIR;
		c = e;
	}
	return 0;
}

/* Does the last component of path name "." or ".."? */
static bool
vfs_last_is_dot(const char *path)
{
	size_t len = strlen(path);

	while (len > 1 && path[len - 1] == '/')
		len--;
	if (len >= 1 && path[len - 1] == '.' &&
	    (len == 1 || path[len - 2] == '/'))
		return true;
	return len >= 2 && path[len - 1] == '.' && path[len - 2] == '.' &&
	    (len == 2 || path[len - 3] == '/');
}

/*
 * The answer of a read-only file system (NULL op) to a change of rel:
 * creating an existing name is -EEXIST, a missing target its stat error,
 * everything else -EROFS.
 */
static int
vfs_readonly(const struct vfs_ops *ops, const char *rel, bool create)
{
	struct stat st;
	int r;

	memset(&st, 0, sizeof(st));
	r = ops->stat(rel, &st);
	if (r == 0)
		return create ? -EEXIST : -EROFS;
	if (r == -ENOENT && create)
		return -EROFS;
	return r;
}

/*
 * Mount points directly below the directory abs: the idx-th one's name
 * (the last component of its prefix) into *name and its ops, or false
 * past the end.
 */
static bool
vfs_child_mount(const char *abs, unsigned int idx, const char **name,
    const struct vfs_ops **ops)
{
	const struct vfs_mount *m;
	size_t alen = strlen(abs), plen;
	unsigned int i, k = 0;
	const char *slash;
	bool found = false;
	uint64_t f;

	f = spin_lock_irqsave(&vfs_lock);
	for (i = 0; i < vfs_nmounts; i++) {
		m = &vfs_mounts[i];
		if (m->len < 2)
			continue;
		slash = strrchr(m->prefix, '/');
		plen = slash == m->prefix ? 1 : (size_t)(slash - m->prefix);
		if (plen != alen || strncmp(m->prefix, abs, alen) != 0)
			continue;
		if (k++ == idx) {
			*name = slash + 1;
			*ops = m->ops;
			found = true;
			break;
		}
	}
	spin_unlock_irqrestore(&vfs_lock, f);
	return found;
}

/* Is name a mount point directly below abs? */
static bool
vfs_is_child_mount(const char *abs, const char *name)
{
	const struct vfs_ops *ops;
	const char *mname;
	unsigned int i;

	for (i = 0; vfs_child_mount(abs, i, &mname, &ops); i++)
		if (strcmp(mname, name) == 0)
			return true;
	return false;
}

/*
 * A directory with mount points below it: the file system's own listing
 * (inner) without the mounted names, then the mount points.  fp->offset
 * is inner's cookie, or VFS_UNION_MOUNTS + the index of the next mount
 * point.
 */
#define VFS_UNION_MOUNTS	((int64_t)1 << 62)

static long
vfs_union_read(struct file *fp, void *buf, size_t n, int64_t *off)
{
	return -EISDIR;
}

static int
vfs_union_stat(struct file *fp, struct stat *st)
{
	struct file *in = fp->priv;

	return in->ops->stat(in, st);
}

static int
vfs_union_setattr(struct file *fp, const struct vfs_attr *va)
{
	struct file *in = fp->priv;

	return in->ops->setattr != NULL ? in->ops->setattr(in, va) : -EROFS;
}

/*
 * getdents of a directory layered over another one, lower: lower's own
 * entries come first, under fp cookies below limit (they are lower's
 * cookies), leaving out each name hide(dir, name) says the upper layer
 * shadows.  Fills out[0, n) from fp's cookie and stores the cookie reached
 * in fp and *offp: at least limit once lower is exhausted, below it when
 * out filled up first (then the caller returns the count as it is).
 * Returns the bytes filled, -EINVAL if not even one entry fits, -EIO on a
 * malformed record, or lower's error.  Thread context.
 */
long
vfs_getdents_layer(struct file *fp, struct file *lower, int64_t limit,
    bool (*hide)(const char *dir, const char *name), const char *dir,
    char *out, size_t n, int64_t *offp)
{
	size_t used = 0, keep, end, rec;
	struct dirent *dp;
	int64_t off;
	long r;

	off = __atomic_load_n(&fp->offset, __ATOMIC_RELAXED);
	*offp = off;
	while (off < limit) {
		if (used > 0 && n - used < DIRENT_RECSIZE(1))
			return (long)used;
		__atomic_store_n(&lower->offset, off, __ATOMIC_RELAXED);
		r = file_getdents(lower, out + used, n - used);
		if (r == -EINVAL && used > 0)
			return (long)used;	/* no room for the next one */
		if (r < 0)
			return r;
		off = __atomic_load_n(&lower->offset, __ATOMIC_RELAXED);
		if (r == 0 || off >= limit)
			off = limit;
		end = used + (size_t)r;
		for (keep = used; used < end; used += rec) {
			dp = (struct dirent *)(out + used);
			rec = dp->d_reclen;
			if (rec == 0)
				return -EIO;
			if (hide(dir, dp->d_name))
				continue;
			memmove(out + keep, dp, rec);
			keep += rec;
		}
		used = keep;
		__atomic_store_n(&fp->offset, off, __ATOMIC_RELAXED);
		*offp = off;
	}
	return (long)used;
}

static long
vfs_union_getdents(struct file *fp, void *buf, size_t n)
{
	struct file *in = fp->priv;
	const struct vfs_ops *ops;
	const char *name;
	struct dirent *dp;
	struct stat st;
	char *out = buf;
	size_t used, namlen, rec;
	int64_t off;
	unsigned int idx;
	long r;

	/* The inner listing, without what the mount points shadow. */
	r = vfs_getdents_layer(fp, in, VFS_UNION_MOUNTS, vfs_is_child_mount,
	    fp->path, out, n, &off);
	if (r < 0 || off < VFS_UNION_MOUNTS)
		return r;
	used = (size_t)r;
	/* The mount points, after what the inner listing filled. */
	idx = (unsigned int)(off - VFS_UNION_MOUNTS);
	while (vfs_child_mount(fp->path, idx, &name, &ops)) {
		namlen = strlen(name);
		rec = DIRENT_RECSIZE(namlen);
		if (rec > n - used) {
			if (used == 0)
				return -EINVAL;
			break;
		}
		memset(&st, 0, sizeof(st));
		dp = (struct dirent *)(out + used);
		memset(dp, 0, rec);
		dp->d_fileno = ops->stat("", &st) == 0 ? st.st_ino :
		    VFS_INO_ROOT;
		dp->d_off = VFS_UNION_MOUNTS + idx + 1;
		dp->d_reclen = (uint16_t)rec;
		dp->d_type = DT_DIR;
		dp->d_namlen = (uint8_t)namlen;
		memcpy(dp->d_name, name, namlen + 1);
		used += rec;
		idx++;
	}
	__atomic_store_n(&fp->offset, VFS_UNION_MOUNTS + idx,
	    __ATOMIC_RELAXED);
	return (long)used;
}

static void
vfs_union_close(struct file *fp)
{
	file_release(fp->priv);
}

static const struct file_ops vfs_union_ops = {
	.flags = FOPS_SEEKABLE,
	.read = vfs_union_read,
	.stat = vfs_union_stat,
	.getdents = vfs_union_getdents,
	.setattr = vfs_union_setattr,
	.close = vfs_union_close,
};

/*
 * openat(2): a new file reference in *fpp.  Checks that apply to every
 * file system are made here: the access mode, O_DIRECTORY and a trailing
 * '/' on a non-directory (-ENOTDIR), write access to a directory
 * (-EISDIR).  Thread context.
 */
int
vfs_open(int dirfd, const char *path, int flags, int mode, struct file **fpp)
{
	char abs[VFS_ABS_MAX];
	const struct vfs_ops *ops;
	const char *rel, *mname;
	const struct vfs_ops *mops;
	struct file *fp, *ufp;
	struct stat st;
	bool must_dir, isdir;
	int r;

	if ((flags & O_ACCMODE) == O_ACCMODE)
		return -EINVAL;
	r = vfs_lookup(dirfd, path, (flags & O_NOFOLLOW) == 0, abs, &must_dir);
	if (r < 0)
		return r;
	if (must_dir && (flags & O_CREAT))
		return -EISDIR;
	ops = vfs_find(abs, &rel);
	r = ops->open(rel, flags, mode & 07777, &fp);
	if (r < 0)
		return r;
	r = file_stat(fp, &st);
	if (r < 0)
		goto fail;
	if (S_ISLNK(st.st_mode)) {
		r = -ELOOP;
		goto fail;
	}
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
	if (isdir && vfs_child_mount(abs, 0, &mname, &mops)) {
		ufp = file_alloc(&vfs_union_ops, fp, flags);
		if (ufp == NULL) {
			r = -ENOMEM;
			goto fail;
		}
		ufp->path = vfs_strdup(abs);
		if (ufp->path == NULL) {
			file_release(ufp);
			return -ENOMEM;
		}
		fp = ufp;
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
	char abs[VFS_ABS_MAX];
	const struct vfs_ops *ops;
	const char *rel;
	bool must_dir;
	int r;

	if (flags & ~AT_SYMLINK_NOFOLLOW)
		return -EINVAL;
	r = vfs_lookup(dirfd, path, (flags & AT_SYMLINK_NOFOLLOW) == 0, abs,
	    &must_dir);
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

/* readlinkat(2) core: the length copied (no NUL), -EINVAL if not a
 * symlink.  buf may be caller memory: the op fills a kernel buffer. */
int
vfs_readlink(int dirfd, const char *path, char *buf, size_t size)
{
	char abs[VFS_ABS_MAX], link[VFS_PATH_MAX];
	const struct vfs_ops *ops;
	const char *rel;
	bool must_dir;
	int r;

	r = vfs_lookup(dirfd, path, false, abs, &must_dir);
	if (r < 0)
		return r;
	ops = vfs_find(abs, &rel);
	if (ops->readlink == NULL) {
		r = vfs_readonly(ops, rel, false);
		return r == -EROFS ? -EINVAL : r;
	}
	r = ops->readlink(rel, link, sizeof(link));
	if (r < 0)
		return r;
	r = (int)MIN((size_t)r, MIN(size, sizeof(link)));
	memcpy(buf, link, (size_t)r);
	return r;
}

/*
 * mkdirat(2) and mkfifoat(2) core (mode: permission bits, umask
 * applied): a new directory, or FIFO if fifo.  A path ending in '/'
 * names a directory, which a FIFO cannot be: -EEXIST if it exists, else
 * the stat error (-ENOENT).  Thread context.
 */
static int
vfs_mknode(int dirfd, const char *path, int mode, bool fifo)
{
	char abs[VFS_ABS_MAX];
	const struct vfs_ops *ops;
	int (*op)(const char *, int);
	const char *rel;
	struct stat st;
	bool must_dir;
	int r;

	r = vfs_lookup(dirfd, path, false, abs, &must_dir);
	if (r < 0)
		return r;
	ops = vfs_find(abs, &rel);
	if (rel[0] == '\0')
		return -EEXIST;
	if (fifo && must_dir) {
		memset(&st, 0, sizeof(st));
		r = ops->stat(rel, &st);
		return r == 0 ? -EEXIST : r;
	}
	op = fifo ? ops->mkfifo : ops->mkdir;
	if (op == NULL)
		return vfs_readonly(ops, rel, true);
	return op(rel, mode & 07777);
}

int
vfs_mkdir(int dirfd, const char *path, int mode)
{
	return vfs_mknode(dirfd, path, mode, false);
}

int
vfs_mkfifo(int dirfd, const char *path, int mode)
{
	return vfs_mknode(dirfd, path, mode, true);
}

/* unlinkat(2) core: flags 0 or AT_REMOVEDIR.  Thread context. */
int
vfs_unlink(int dirfd, const char *path, int flags)
{
	char abs[VFS_ABS_MAX];
	const struct vfs_ops *ops;
	const char *rel;
	bool must_dir;
	int r;

	if (flags & ~AT_REMOVEDIR)
		return -EINVAL;
	r = vfs_lookup(dirfd, path, false, abs, &must_dir);
	if (r < 0)
		return r;
	ops = vfs_find(abs, &rel);
	if (flags & AT_REMOVEDIR) {
		if (vfs_last_is_dot(path))
			return -EINVAL;
		if (rel[0] == '\0')
			return -EBUSY;
		if (ops->rmdir == NULL)
			return vfs_readonly(ops, rel, false);
		return ops->rmdir(rel);
	}
	if (rel[0] == '\0')
		return -EPERM;
	if (ops->unlink == NULL)
		return vfs_readonly(ops, rel, false);
	return ops->unlink(rel);
}

/* renameat(2) core: -EXDEV between file systems.  Thread context. */
int
vfs_rename(int fromfd, const char *from, int tofd, const char *to)
{
	char afrom[VFS_ABS_MAX], ato[VFS_ABS_MAX];
	const struct vfs_ops *fops, *tops;
	const char *rfrom, *rto;
	struct stat st;
	bool must_dir;
	int r;

	r = vfs_lookup(fromfd, from, false, afrom, &must_dir);
	if (r < 0)
		return r;
	r = vfs_lookup(tofd, to, false, ato, &must_dir);
	if (r < 0)
		return r;
	if (vfs_last_is_dot(from) || vfs_last_is_dot(to))
		return -EINVAL;
	fops = vfs_find(afrom, &rfrom);
	tops = vfs_find(ato, &rto);
	if (fops != tops || rfrom[0] == '\0' || rto[0] == '\0') {
		memset(&st, 0, sizeof(st));
		r = fops->stat(rfrom, &st);
		if (r < 0)
			return r;
		return fops != tops ? -EXDEV : -EBUSY;
	}
	if (fops->rename == NULL)
		return vfs_readonly(fops, rfrom, false);
	return fops->rename(rfrom, rto);
}

/* symlinkat(2) core.  Thread context. */
int
vfs_symlink(const char *target, int dirfd, const char *path)
{
	char abs[VFS_ABS_MAX];
	const struct vfs_ops *ops;
	const char *rel;
	bool must_dir;
	int r;

	if (target == NULL)
		return -EFAULT;
	if (strnlen(target, VFS_PATH_MAX) >= VFS_PATH_MAX)
		return -ENAMETOOLONG;
	r = vfs_lookup(dirfd, path, false, abs, &must_dir);
	if (r < 0)
		return r;
	ops = vfs_find(abs, &rel);
	if (rel[0] == '\0')
		return -EEXIST;
	if (ops->symlink == NULL)
		return vfs_readonly(ops, rel, true);
	return ops->symlink(target, rel);
}

/* linkat(2) core: flags 0 or AT_SYMLINK_FOLLOW.  Thread context. */
int
vfs_link(int fromfd, const char *from, int tofd, const char *to, int flags)
{
	char afrom[VFS_ABS_MAX], ato[VFS_ABS_MAX];
	const struct vfs_ops *fops, *tops;
	const char *rfrom, *rto;
	struct stat st;
	bool must_dir;
	int r;

	if (flags & ~AT_SYMLINK_FOLLOW)
		return -EINVAL;
	r = vfs_lookup(fromfd, from, (flags & AT_SYMLINK_FOLLOW) != 0, afrom,
	    &must_dir);
	if (r < 0)
		return r;
	r = vfs_lookup(tofd, to, false, ato, &must_dir);
	if (r < 0)
		return r;
	fops = vfs_find(afrom, &rfrom);
	tops = vfs_find(ato, &rto);
	memset(&st, 0, sizeof(st));
	r = fops->stat(rfrom, &st);
	if (r < 0)
		return r;
	if (S_ISDIR(st.st_mode))
		return -EPERM;
	if (rto[0] == '\0')
		return -EEXIST;
	if (fops != tops)
		return -EXDEV;
	if (fops->link == NULL)
		return vfs_readonly(fops, rto, true);
	return fops->link(rfrom, rto);
}

/* truncate(2) core.  Thread context. */
int
vfs_truncate(const char *path, int64_t len)
{
	char abs[VFS_ABS_MAX];
	const struct vfs_ops *ops;
	const char *rel;
	bool must_dir;
	int r;

	r = vfs_lookup(AT_FDCWD, path, true, abs, &must_dir);
	if (r < 0)
		return r;
	ops = vfs_find(abs, &rel);
	if (ops->truncate == NULL) {
		r = vfs_readonly(ops, rel, false);
		return r == 0 ? -EROFS : r;
	}
	return ops->truncate(rel, len);
}

/* chmod/chown/utimes core: flags 0 or AT_SYMLINK_NOFOLLOW.  Thread
 * context. */
int
vfs_setattr(int dirfd, const char *path, const struct vfs_attr *va,
    int flags)
{
	char abs[VFS_ABS_MAX];
	const struct vfs_ops *ops;
	const char *rel;
	bool must_dir;
	int r;

	if (flags & ~AT_SYMLINK_NOFOLLOW)
		return -EINVAL;
	r = vfs_lookup(dirfd, path, (flags & AT_SYMLINK_NOFOLLOW) == 0, abs,
	    &must_dir);
	if (r < 0)
		return r;
	ops = vfs_find(abs, &rel);
	if (ops->setattr == NULL)
		return vfs_readonly(ops, rel, false);
	return ops->setattr(rel, va);
}

/*
 * faccessat(2) core: mode F_OK (0) or R_OK|W_OK|X_OK (4|2|1), flags 0,
 * AT_EACCESS or AT_SYMLINK_NOFOLLOW.  The caller is root: read and write
 * are granted, but write is -EROFS on a read-only file system (no
 * setattr op) unless the file is a device; execute needs an x bit on
 * anything but a directory (-EACCES).  Thread context.
 */
int
vfs_access(int dirfd, const char *path, int mode, int flags)
{
	char abs[VFS_ABS_MAX];
	const struct vfs_ops *ops;
	const char *rel;
	struct stat st;
	bool must_dir;
	int r;

	if (mode & ~7)
		return -EINVAL;
	if (flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW))
		return -EINVAL;
	r = vfs_lookup(dirfd, path, (flags & AT_SYMLINK_NOFOLLOW) == 0, abs,
	    &must_dir);
	if (r < 0)
		return r;
	ops = vfs_find(abs, &rel);
	memset(&st, 0, sizeof(st));
	r = ops->stat(rel, &st);
	if (r < 0)
		return r;
	if (must_dir && !S_ISDIR(st.st_mode))
		return -ENOTDIR;
	if ((mode & 2) && ops->setattr == NULL && !S_ISCHR(st.st_mode))
		return -EROFS;
	if ((mode & 1) && !S_ISDIR(st.st_mode) && (st.st_mode & 0111) == 0)
		return -EACCES;
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
	char abs[VFS_ABS_MAX];
	const struct vfs_ops *ops;
	const char *rel;
	struct stat st;
	bool must_dir;
	int r;

	r = vfs_lookup(AT_FDCWD, path, true, abs, &must_dir);
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
 * empty, read-only directory (vfs_open adds the mount points below "/"
 * to its listing).
 */
static int
rootfs_list(unsigned int idx, struct vfs_dirent *de)
{
	return -ENOENT;
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
	.name = "rootfs",
	.open = rootfs_open,
	.stat = rootfs_stat,
};

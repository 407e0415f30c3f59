/* SPDX-License-Identifier: ISC */
/*
 * addfs.c: files added at run time (vmgo_add_file, the companion Go
 * package's AddFile).  A read-only overlay mounted at "/" over the file
 * system that was there (the embedded table), on the first addition:
 *
 *   - every added file is a node at its exact physical path (below "/",
 *     symlinks in directory positions resolved when it is added) holding
 *     a reference-counted copy of its contents (a blob); adding the same
 *     path again swaps the blob, so open files keep the old contents;
 *   - missing parent directories become directory nodes (0755);
 *   - a node shadows whatever the lower file system has at its path (a
 *     file or a symlink; never a directory: addfs_add refuses that);
 *   - a directory's listing is the lower one without the shadowed names,
 *     then the nodes directly below it.
 *
 * Everything else goes to the lower file system unchanged.  Nodes are
 * never removed, so a path found once stays valid.  The overlay has no
 * mutation ops: the VFS answers EROFS/EEXIST/ENOENT for it.
 *
 * Locking: addfs_lock (a spin lock, never held across a lower op, an
 * allocation or a copy of file contents) guards the node list and each
 * node's blob pointer.  Blobs are freed by their last reference.
 */
#include "kernel.h"
#include "libc/dirent.h"
#include "libc/fcntl.h"
#include "libc/sys/stat.h"

/* Inode numbers of added nodes: above any table's (ROFS_INO_BASE + at
 * most 2^20 entries, include/vmgo/rofs.h). */
#define ADDFS_INO_BASE	((uint64_t)1 << 32)
/* Directory cookies at and above this are ours: ADDFS_COOKIE + k is the
 * k-th added child; below, the lower file system's own cookies.  Below
 * path.c's VFS_UNION_MOUNTS (1 << 62). */
#define ADDFS_COOKIE	((int64_t)1 << 60)
#define NS_PER_SEC	1000000000LL

struct addfs_blob {
	uint32_t	refs;		/* the node's + open files' (atomic) */
	uint32_t	mode;		/* S_IFREG | permission bits */
	uint64_t	ino;
	int64_t		mtime;		/* realtime ns */
	size_t		size;
	unsigned char	data[];
};

struct addfs_node {
	struct addfs_node *next;	/* addfs_nodes, in creation order */
	struct addfs_blob *blob;	/* files; NULL for a directory */
	uint64_t	ino;
	int64_t		mtime;		/* directories: creation, realtime ns */
	size_t		dirlen;		/* bytes of path before its last '/' */
	char		path[];		/* below "/": "a/b" */
};

/* An open directory: the lower one (NULL for a directory node). */
struct addfs_dir {
	struct file	*lower;
	uint64_t	ino;		/* directory nodes */
	int64_t		mtime;
	char		rel[];
};

static const struct vfs_ops addfs_ops;
static struct spinlock addfs_lock;
static struct addfs_node *addfs_nodes;
static struct addfs_node **addfs_tail = &addfs_nodes;
static uint64_t addfs_next_ino = ADDFS_INO_BASE;
static const struct vfs_ops *addfs_lower;	/* set before mounting */

static void
addfs_blob_release(struct addfs_blob *b)
{
	if (__atomic_sub_fetch(&b->refs, 1, __ATOMIC_ACQ_REL) == 0)
		kfree(b);
}

/* The node at rel, or NULL.  addfs_lock held. */
static struct addfs_node *
addfs_find(const char *rel)
{
	struct addfs_node *n;

	for (n = addfs_nodes; n != NULL; n = n->next)
		if (strcmp(n->path, rel) == 0)
			return n;
	return NULL;
}

/* Is node n directly below directory dir (rel, "" the root)? */
static bool
addfs_below(const struct addfs_node *n, const char *dir, size_t dlen)
{
	return n->dirlen == dlen && strncmp(n->path, dir, dlen) == 0 &&
	    (dlen == 0 || n->path[dlen] == '/');
}

/* The name of node n (its last component). */
static const char *
addfs_name(const struct addfs_node *n)
{
	return n->path + (n->dirlen == 0 ? 0 : n->dirlen + 1);
}

/*
 * The k-th node directly below dir: its name copied into name
 * (VFS_NAME_MAX + 1 bytes), inode and DT_* type; false past the end.
 */
static bool
addfs_child(const char *dir, unsigned int k, char *name, uint64_t *ino,
    uint8_t *type)
{
	const struct addfs_node *n;
	size_t dlen = strlen(dir);
	bool found = false;

	spin_lock(&addfs_lock);
	for (n = addfs_nodes; n != NULL; n = n->next) {
		if (!addfs_below(n, dir, dlen) || k-- != 0)
			continue;
		strlcpy(name, addfs_name(n), VFS_NAME_MAX + 1);
		*ino = n->ino;
		*type = n->blob != NULL ? DT_REG : DT_DIR;
		found = true;
		break;
	}
	spin_unlock(&addfs_lock);
	return found;
}

/* Is name a node directly below dir? */
static bool
addfs_is_child(const char *dir, const char *name)
{
	const struct addfs_node *n;
	size_t dlen = strlen(dir);
	bool found = false;

	spin_lock(&addfs_lock);
	for (n = addfs_nodes; n != NULL && !found; n = n->next)
		found = addfs_below(n, dir, dlen) &&
		    strcmp(addfs_name(n), name) == 0;
	spin_unlock(&addfs_lock);
	return found;
}

static void
addfs_set_times(struct stat *st, int64_t ns)
{
	st->st_mtim.tv_sec = ns / NS_PER_SEC;
	st->st_mtim.tv_nsec = ns % NS_PER_SEC;
	st->st_atim = st->st_mtim;
	st->st_ctim = st->st_mtim;
	st->__st_birthtim = st->st_mtim;
}

static void
addfs_stat_blob(const struct addfs_blob *b, struct stat *st)
{
	st->st_mode = b->mode;
	st->st_dev = VFS_DEV_ROOT;
	st->st_ino = b->ino;
	st->st_nlink = 1;
	st->st_size = (int64_t)b->size;
	st->st_blocks = (int64_t)((b->size + 511) / 512);
	st->st_blksize = PAGE_SIZE;
	addfs_set_times(st, b->mtime);
}

static void
addfs_stat_dir(uint64_t ino, int64_t mtime, struct stat *st)
{
	st->st_mode = S_IFDIR | 0755;
	st->st_dev = VFS_DEV_ROOT;
	st->st_ino = ino;
	st->st_nlink = 2;
	st->st_size = 512;
	st->st_blocks = 1;
	st->st_blksize = PAGE_SIZE;
	addfs_set_times(st, mtime);
}

/* Open files: priv is the blob (one reference). */
static long
addfs_read(struct file *fp, void *buf, size_t n, int64_t *off)
{
	const struct addfs_blob *b = fp->priv;

	if (*off < 0 || (uint64_t)*off >= b->size)
		return 0;
	if (n > b->size - (uint64_t)*off)
		n = (size_t)(b->size - (uint64_t)*off);
	memcpy(buf, b->data + *off, n);
	*off += (int64_t)n;
	return (long)n;
}

static int
addfs_fstat(struct file *fp, struct stat *st)
{
	addfs_stat_blob(fp->priv, st);
	return 0;
}

static void
addfs_close(struct file *fp)
{
	addfs_blob_release(fp->priv);
}

static const struct file_ops addfs_file_ops = {
	.flags = FOPS_SEEKABLE,
	.read = addfs_read,
	.stat = addfs_fstat,
	.close = addfs_close,
};

/* Directories: priv is a struct addfs_dir. */
static long
addfs_dir_read(struct file *fp, void *buf, size_t n, int64_t *off)
{
	return -EISDIR;
}

static int
addfs_dir_fstat(struct file *fp, struct stat *st)
{
	const struct addfs_dir *d = fp->priv;

	if (d->lower != NULL)
		return d->lower->ops->stat(d->lower, st);
	addfs_stat_dir(d->ino, d->mtime, st);
	return 0;
}

static int addfs_stat(const char *rel, struct stat *st);

/* Append one record at out + *used (n bytes in all): false if it does
 * not fit. */
static bool
addfs_put(char *out, size_t n, size_t *used, const char *name,
    uint64_t ino, uint8_t type, int64_t next)
{
	size_t namlen = strlen(name), rec = DIRENT_RECSIZE(namlen);
	struct dirent *dp;

	if (rec > n - *used)
		return false;
	dp = (struct dirent *)(out + *used);
	memset(dp, 0, rec);
	dp->d_fileno = ino;
	dp->d_off = next;
	dp->d_reclen = (uint16_t)rec;
	dp->d_type = type;
	dp->d_namlen = (uint8_t)namlen;
	memcpy(dp->d_name, name, namlen + 1);
	*used += rec;
	return true;
}

/*
 * getdents: the lower listing without the names nodes shadow (cookies
 * below ADDFS_COOKIE), or "." and ".." (cookies 0, 1) for a directory
 * node; then the nodes below (ADDFS_COOKIE + k).
 */
static long
addfs_dir_getdents(struct file *fp, void *buf, size_t n)
{
	struct addfs_dir *d = fp->priv;
	char name[VFS_NAME_MAX + 1], parent[VFS_PATH_MAX], *slash;
	size_t used = 0;
	struct stat st;
	uint64_t ino;
	uint8_t type;
	char *out = buf;
	unsigned int k;
	int64_t off;
	long r;

	off = __atomic_load_n(&fp->offset, __ATOMIC_RELAXED);
	if (d->lower != NULL) {
		r = vfs_getdents_layer(fp, d->lower, ADDFS_COOKIE,
		    addfs_is_child, d->rel, out, n, &off);
		if (r < 0 || off < ADDFS_COOKIE)
			return r;
		used = (size_t)r;
	}
	while (d->lower == NULL && off < 2) {
		ino = d->ino;
		if (off == 1) {
			strlcpy(parent, d->rel, sizeof(parent));
			slash = strrchr(parent, '/');
			*(slash != NULL ? slash : parent) = '\0';
			memset(&st, 0, sizeof(st));
			if (addfs_stat(parent, &st) == 0)
				ino = st.st_ino;
		}
		if (!addfs_put(out, n, &used, off == 0 ? "." : "..", ino,
		    DT_DIR, off == 0 ? 1 : ADDFS_COOKIE))
			return used > 0 ? (long)used : -EINVAL;
		off = off == 0 ? 1 : ADDFS_COOKIE;
		__atomic_store_n(&fp->offset, off, __ATOMIC_RELAXED);
	}
	k = (unsigned int)(off - ADDFS_COOKIE);
	while (addfs_child(d->rel, k, name, &ino, &type)) {
		if (!addfs_put(out, n, &used, name, ino, type,
		    ADDFS_COOKIE + k + 1)) {
			if (used == 0)
				return -EINVAL;
			break;
		}
		k++;
	}
	__atomic_store_n(&fp->offset, ADDFS_COOKIE + k, __ATOMIC_RELAXED);
	return (long)used;
}

static void
addfs_dir_close(struct file *fp)
{
	struct addfs_dir *d = fp->priv;

	if (d->lower != NULL)
		file_release(d->lower);
	kfree(d);
}

static const struct file_ops addfs_dir_ops = {
	.flags = FOPS_SEEKABLE,
	.read = addfs_dir_read,
	.stat = addfs_dir_fstat,
	.getdents = addfs_dir_getdents,
	.close = addfs_dir_close,
};

/* Open directory rel: over lower (taking its reference), or a directory
 * node (lower NULL).  0 or -ENOMEM (lower released). */
static int
addfs_dir_open(const char *rel, struct file *lower, uint64_t ino,
    int64_t mtime, int flags, struct file **fpp)
{
	size_t len = strlen(rel) + 1;
	struct addfs_dir *d;
	struct file *fp;

	d = kmalloc(sizeof(*d) + len);
	if (d == NULL) {
		if (lower != NULL)
			file_release(lower);
		return -ENOMEM;
	}
	d->lower = lower;
	d->ino = ino;
	d->mtime = mtime;
	memcpy(d->rel, rel, len);
	fp = file_alloc(&addfs_dir_ops, d, flags);
	if (fp == NULL) {
		if (lower != NULL)
			file_release(lower);
		kfree(d);
		return -ENOMEM;
	}
	*fpp = fp;
	return 0;
}

/* Has directory rel any node directly below it? */
static bool
addfs_has_children(const char *rel)
{
	char name[VFS_NAME_MAX + 1];
	uint64_t ino;
	uint8_t type;

	return addfs_child(rel, 0, name, &ino, &type);
}

static int
addfs_open(const char *rel, int flags, int mode, struct file **fpp)
{
	struct addfs_blob *b = NULL;
	struct addfs_node *n;
	struct file *fp;
	struct stat st;
	uint64_t ino = 0;
	int64_t mtime = 0;
	bool found;
	int r;

	spin_lock(&addfs_lock);
	n = addfs_find(rel);
	found = n != NULL;
	if (found && n->blob != NULL) {
		b = n->blob;
		__atomic_add_fetch(&b->refs, 1, __ATOMIC_RELAXED);
	} else if (found) {
		ino = n->ino;
		mtime = n->mtime;
	}
	spin_unlock(&addfs_lock);

	if (found) {
		if ((flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
			r = -EEXIST;
		else if ((flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC))
			r = b != NULL ? -EROFS : -EISDIR;
		else if (b == NULL)
			return addfs_dir_open(rel, NULL, ino, mtime, flags, fpp);
		else
			r = 0;
		if (r < 0) {
			if (b != NULL)
				addfs_blob_release(b);
			return r;
		}
		fp = file_alloc(&addfs_file_ops, b, flags);
		if (fp == NULL) {
			addfs_blob_release(b);
			return -ENOMEM;
		}
		*fpp = fp;
		return 0;
	}

	r = addfs_lower->open(rel, flags, mode, &fp);
	if (r == -ENOENT && (flags & O_CREAT))
		return -EROFS;	/* the VFS saw the parent: maybe a node */
	if (r < 0)
		return r;
	memset(&st, 0, sizeof(st));
	if (file_stat(fp, &st) == 0 && S_ISDIR(st.st_mode) &&
	    addfs_has_children(rel))
		return addfs_dir_open(rel, fp, 0, 0, flags, fpp);
	*fpp = fp;
	return 0;
}

static int
addfs_stat(const char *rel, struct stat *st)
{
	struct addfs_node *n;

	spin_lock(&addfs_lock);
	n = addfs_find(rel);
	if (n != NULL && n->blob != NULL)
		addfs_stat_blob(n->blob, st);
	else if (n != NULL)
		addfs_stat_dir(n->ino, n->mtime, st);
	spin_unlock(&addfs_lock);
	return n != NULL ? 0 : addfs_lower->stat(rel, st);
}

static int
addfs_readlink(const char *rel, char *buf, size_t size)
{
	struct stat st;
	bool found;
	int r;

	spin_lock(&addfs_lock);
	found = addfs_find(rel) != NULL;
	spin_unlock(&addfs_lock);
	if (found)
		return -EINVAL;
	if (addfs_lower->readlink != NULL)
		return addfs_lower->readlink(rel, buf, size);
	memset(&st, 0, sizeof(st));
	r = addfs_lower->stat(rel, &st);
	return r < 0 ? r : -EINVAL;
}

static const struct vfs_ops addfs_ops = {
	.name = "addfs",
	.open = addfs_open,
	.stat = addfs_stat,
	.readlink = addfs_readlink,
};

/* A node for rel (rel_len bytes), not yet linked.  NULL: no memory. */
static struct addfs_node *
addfs_node_alloc(const char *rel, size_t rel_len, int64_t now)
{
	struct addfs_node *n;
	const char *slash;

	n = kzalloc(sizeof(*n) + rel_len + 1);
	if (n == NULL)
		return NULL;
	memcpy(n->path, rel, rel_len);
	n->path[rel_len] = '\0';
	slash = strrchr(n->path, '/');
	n->dirlen = slash != NULL ? (size_t)(slash - n->path) : 0;
	n->mtime = now;
	return n;
}

/* Link n at the end of the list with a fresh inode number.  Lock held. */
static void
addfs_link(struct addfs_node *n)
{
	n->ino = addfs_next_ino++;
	*addfs_tail = n;
	addfs_tail = &n->next;
}

/*
 * The physical absolute path of path's parent directories, then its last
 * component, into phys[VFS_ABS_MAX] (under VFS_PATH_MAX bytes on
 * success): each directory component is looked up through the VFS
 * (symlinks followed); from the first missing one on, components are
 * appended as they are and *missing is the length of phys before it (0
 * if every parent exists).  0, -EISDIR (path names a directory
 * syntactically), -ENOTDIR, -ENAMETOOLONG and lookup errors.
 */
static int
addfs_resolve(const char *path, char *phys, size_t *missing)
{
	char abs[VFS_ABS_MAX], cand[VFS_PATH_MAX];
	const char *c, *e;
	struct stat st;
	size_t plen;
	bool must_dir;
	int r;

	r = vfs_resolve(AT_FDCWD, path, abs, &must_dir);
	if (r < 0)
		return r;
	if (must_dir || strcmp(abs, "/") == 0)
		return -EISDIR;
	strcpy(phys, "/");
	*missing = 0;
	for (c = abs + 1; (e = strchr(c, '/')) != NULL; c = e + 1) {
		plen = strlen(phys);
		if (plen + 1 + (size_t)(e - c) >= VFS_PATH_MAX)
			return -ENAMETOOLONG;
		memcpy(cand, phys, plen);
		if (plen > 1)
			cand[plen++] = '/';
		memcpy(cand + plen, c, (size_t)(e - c));
		cand[plen + (size_t)(e - c)] = '\0';
		if (*missing != 0) {
			strcpy(phys, cand);
			continue;
		}
		r = vfs_lookup(AT_FDCWD, cand, true, phys, &must_dir);
		if (r < 0)
			return r;
		memset(&st, 0, sizeof(st));
		r = vfs_stat(AT_FDCWD, phys, &st, AT_SYMLINK_NOFOLLOW);
		if (r == -ENOENT)
			*missing = strlen(phys) - (size_t)(e - c);
		else if (r < 0)
			return r;
		else if (!S_ISDIR(st.st_mode))
			return -ENOTDIR;
	}
	plen = strlen(phys);
	if (plen + 1 + strlen(c) >= VFS_PATH_MAX)
		return -ENAMETOOLONG;
	if (plen > 1)
		phys[plen++] = '/';
	strcpy(phys + plen, c);
	return 0;
}

/* Add a file at run time: see fs.h.  Thread context. */
int
addfs_add(const char *path, const void *data, size_t len, uint32_t perm)
{
	char phys[VFS_ABS_MAX];		/* vfs_lookup's; < VFS_PATH_MAX on
					   success (addfs_resolve) */
	struct addfs_node *pre[VFS_PATH_MAX / 2], *n, *fnode;
	struct addfs_blob *b, *old = NULL;
	const struct vfs_ops *ops;
	unsigned int npre = 0, i;
	const char *rel, *lrel, *c;
	size_t missing;
	struct stat st;
	int64_t now;
	int r;

	if (perm & ~07777u)
		return -EINVAL;
	if (path == NULL || (data == NULL && len > 0))
		return -EFAULT;
	r = addfs_resolve(path, phys, &missing);
	if (r < 0)
		return r;
	ops = vfs_ops_at(phys, &rel);
	if (ops == NULL || rel != phys + 1)
		return -EXDEV;		/* below another mount point */
	if (missing == 0) {
		memset(&st, 0, sizeof(st));
		r = vfs_stat(AT_FDCWD, phys, &st, AT_SYMLINK_NOFOLLOW);
		if (r == 0 && S_ISDIR(st.st_mode))
			return -EISDIR;
		if (r < 0 && r != -ENOENT)
			return r;
	}

	/* Everything that may fail before the lock. */
	now = time_realtime();
	b = kmalloc(sizeof(*b) + len);
	if (b == NULL)
		return -ENOMEM;
	b->refs = 1;
	b->mode = S_IFREG | perm;
	b->mtime = now;
	b->size = len;
	if (len > 0)
		memcpy(b->data, data, len);
	fnode = addfs_node_alloc(rel, strlen(rel), now);
	r = fnode != NULL ? 0 : -ENOMEM;
	/* The missing parents: phys up to each '/' from the first one on. */
	for (c = missing != 0 ? strchr(phys + missing, '/') : NULL;
	    r == 0 && c != NULL; c = strchr(c + 1, '/')) {
		pre[npre] = addfs_node_alloc(rel, (size_t)(c - rel), now);
		if (pre[npre] == NULL)
			r = -ENOMEM;
		else
			npre++;
	}
	if (r < 0)
		goto out;

	spin_lock(&addfs_lock);
	if (addfs_lower == NULL) {
		addfs_lower = vfs_ops_at("/", &lrel);
		r = vfs_mount("/", &addfs_ops);	/* replaces: cannot fail */
	}
	for (i = 0; i < npre && r == 0; i++) {
		if (addfs_find(pre[i]->path) == NULL) {
			addfs_link(pre[i]);
			pre[i] = NULL;
		}
	}
	n = r == 0 ? addfs_find(fnode->path) : NULL;
	if (r < 0) {
		/* nothing */
	} else if (n != NULL && n->blob == NULL) {
		r = -EISDIR;		/* a directory node appeared */
	} else if (n != NULL) {
		b->ino = n->ino;
		old = n->blob;
		n->blob = b;
		b = NULL;
	} else {
		addfs_link(fnode);
		b->ino = fnode->ino;
		fnode->blob = b;
		fnode = NULL;
		b = NULL;
	}
	spin_unlock(&addfs_lock);
out:
	if (old != NULL)
		addfs_blob_release(old);
	if (b != NULL)
		kfree(b);
	kfree(fnode);
	for (i = 0; i < npre; i++)
		kfree(pre[i]);
	return r;
}

/* SPDX-License-Identifier: ISC */
/*
 * tmpfs.c: the writable in-memory file system mounted at /tmp: regular
 * files (data in 4 KiB page frames, holes read as zeros), directories,
 * symlinks, FIFOs (opened through pipe.c's fifo_open), bound AF_UNIX
 * socket names (S_IFSOCK, net/sock_unix.c), hard links.  Every byte it
 * holds (data pages and metadata) is charged against a limit
 * (tmpfs_set_limit); past it, and whenever an allocation fails,
 * operations fail with ENOSPC.
 *
 * Nodes (inodes) are reference counted twice: nlink counts directory
 * entries (a directory: 2 + its subdirectories while linked), opens
 * counts open files; a node is freed when both reach zero, so an
 * unlinked file stays readable and writable through its open files.
 *
 * Directory entries carry a sequence number from their directory, given
 * in increasing order as entries are added (and again when an entry is
 * renamed), and the entry list stays sorted by it; the getdents cookie
 * (file offset) is the sequence number of the next entry to return, so a
 * listing neither skips nor repeats an entry that survives between calls.
 *
 * Locking: one sleeping lock (tmpfs_lock: a flag under a spin lock,
 * waiters parked with thread_wait) guards every node and entry.  It is
 * held while copying from and to the caller's buffers, which may fault
 * (demand paging): the page-fault handler takes only the vma lock, never
 * this one.
 */
#include "kernel.h"
#include "libc/dirent.h"
#include "libc/fcntl.h"
#include "libc/sys/stat.h"

#define TMPFS_INO_ROOT	2
#define TMPFS_MAXSIZE	((int64_t)1 << 43)	/* 8 TiB: file size limit */
#define TMPFS_PAGES_MAX	((size_t)(TMPFS_MAXSIZE / PAGE_SIZE))

struct tmpfs_node {
	uint32_t	mode;		/* S_IFMT | permission bits */
	uint32_t	nlink;
	uint32_t	opens;
	uint32_t	uid, gid;
	uint64_t	ino;
	int64_t		atime, mtime, ctime, btime;	/* realtime ns */
	union {
		struct {
			struct list	entries;	/* tmpfs_dirent, by seq */
			uint64_t	nextseq;	/* >= 2: 0 ".", 1 ".." */
			struct tmpfs_node *parent;	/* root: itself;
							   removed: NULL */
			size_t		nentries;
		} dir;
		struct {
			uint8_t		**pages;	/* [cap]; NULL: a hole */
			size_t		cap;
			size_t		npages;		/* allocated pages */
			int64_t		size;
		} reg;
		struct {
			char		*target;	/* not NUL-terminated */
			size_t		len;
		} lnk;
		struct fifo	*fifo;		/* S_IFIFO: its pipe.c object */
	};
};

struct tmpfs_dirent {
	struct list		link;		/* in dir.entries */
	uint64_t		seq;
	struct tmpfs_node	*node;
	size_t			namelen;
	char			name[];		/* NUL-terminated */
};

static struct spinlock tmpfs_spin;
static struct waitq tmpfs_wq = WAITQ_INIT(tmpfs_wq);
static bool tmpfs_busy;
static struct tmpfs_node tmpfs_root = {
	.mode = S_IFDIR | 01777,
	.nlink = 2,
	.ino = TMPFS_INO_ROOT,
	.dir = {
		.entries = LIST_INIT(tmpfs_root.dir.entries),
		.nextseq = 2,
		.parent = &tmpfs_root,
	},
};
static uint64_t tmpfs_nextino = TMPFS_INO_ROOT + 1;
static size_t tmpfs_limit = (size_t)64 << 20;	/* bytes; vfs_init sets it */
static size_t tmpfs_used;			/* bytes charged */

static void
tmpfs_lock(void)
{
	uint64_t f;

	f = spin_lock_irqsave(&tmpfs_spin);
	while (tmpfs_busy)
		thread_wait(&tmpfs_wq, &tmpfs_spin, 0);
	tmpfs_busy = true;
	spin_unlock_irqrestore(&tmpfs_spin, f);
}

static void
tmpfs_unlock(void)
{
	uint64_t f;

	f = spin_lock_irqsave(&tmpfs_spin);
	tmpfs_busy = false;
	waitq_wake(&tmpfs_wq, 1);
	spin_unlock_irqrestore(&tmpfs_spin, f);
}

/*
 * Set the most bytes /tmp may hold (data and metadata).  Lowering it below
 * what is in use only stops further growth.  Thread context.
 */
void
tmpfs_set_limit(size_t bytes)
{
	tmpfs_lock();
	tmpfs_limit = bytes;
	tmpfs_unlock();
}

/* The most bytes /tmp may hold (tmpfs_set_limit).  Thread context. */
size_t
tmpfs_get_limit(void)
{
	size_t r;

	tmpfs_lock();
	r = tmpfs_limit;
	tmpfs_unlock();
	return r;
}

/* Bytes /tmp holds now.  Thread context. */
size_t
tmpfs_usage(void)
{
	size_t r;

	tmpfs_lock();
	r = tmpfs_used;
	tmpfs_unlock();
	return r;
}

/* Charge n bytes: false (nothing charged) past the limit.  Lock held. */
static bool
tmpfs_charge(size_t n)
{
	if (n > tmpfs_limit || tmpfs_used > tmpfs_limit - n)
		return false;
	tmpfs_used += n;
	return true;
}

static void
tmpfs_uncharge(size_t n)
{
	tmpfs_used -= n;
}

/* A charged allocation of n bytes, or NULL (-ENOSPC).  Lock held. */
static void *
tmpfs_alloc(size_t n)
{
	void *p;

	if (!tmpfs_charge(n))
		return NULL;
	p = kmalloc(n);
	if (p == NULL)
		tmpfs_uncharge(n);
	return p;
}

static void
tmpfs_free(void *p, size_t n)
{
	kfree(p);
	tmpfs_uncharge(n);
}

static int64_t
tmpfs_now(void)
{
	return time_realtime();
}

/* A new node of type fmt with permission bits perm, nlink 0.  NULL when
 * out of space.  Lock held. */
static struct tmpfs_node *
tmpfs_node_new(uint32_t fmt, uint32_t perm)
{
	struct tmpfs_node *n;
	int64_t now = tmpfs_now();

	n = tmpfs_alloc(sizeof(*n));
	if (n == NULL)
		return NULL;
	memset(n, 0, sizeof(*n));
	n->mode = fmt | (perm & 07777);
	n->ino = tmpfs_nextino++;
	n->atime = n->mtime = n->ctime = n->btime = now;
	if (fmt == S_IFDIR) {
		list_init(&n->dir.entries);
		n->dir.nextseq = 2;
	}
	return n;
}

/* Free the pages of a regular file from page index first on.  Lock
 * held. */
static void
tmpfs_free_pages(struct tmpfs_node *n, size_t first)
{
	size_t i;

	for (i = first; i < n->reg.cap; i++) {
		if (n->reg.pages[i] != NULL) {
			page_free((uintptr_t)n->reg.pages[i]);
			n->reg.pages[i] = NULL;
			n->reg.npages--;
			tmpfs_uncharge(PAGE_SIZE);
		}
	}
}

/* Free n if nothing refers to it any more.  Lock held. */
static void
tmpfs_node_put(struct tmpfs_node *n)
{
	if (n->nlink != 0 || n->opens != 0 || n == &tmpfs_root)
		return;
	if (S_ISREG(n->mode)) {
		tmpfs_free_pages(n, 0);
		if (n->reg.pages != NULL)
			tmpfs_free(n->reg.pages, n->reg.cap * sizeof(void *));
	} else if (S_ISLNK(n->mode)) {
		tmpfs_free(n->lnk.target, n->lnk.len + 1);
	} else if (S_ISFIFO(n->mode)) {
		fifo_release(n->fifo);	/* open ends keep it alive */
	}
	tmpfs_free(n, sizeof(*n));
}

/* The entry name (len bytes) in directory d, or NULL.  Lock held. */
static struct tmpfs_dirent *
tmpfs_dir_find(struct tmpfs_node *d, const char *name, size_t len)
{
	struct tmpfs_dirent *de;
	struct list *p;

	list_for_each(p, &d->dir.entries) {
		de = list_entry(p, struct tmpfs_dirent, link);
		if (de->namelen == len && memcmp(de->name, name, len) == 0)
			return de;
	}
	return NULL;
}

/* A new entry (not yet in a directory) for node.  NULL: no space. */
static struct tmpfs_dirent *
tmpfs_dirent_new(const char *name, size_t len, struct tmpfs_node *node)
{
	struct tmpfs_dirent *de;

	de = tmpfs_alloc(sizeof(*de) + len + 1);
	if (de == NULL)
		return NULL;
	list_init(&de->link);
	de->node = node;
	de->namelen = len;
	memcpy(de->name, name, len);
	de->name[len] = '\0';
	return de;
}

static void
tmpfs_dirent_free(struct tmpfs_dirent *de)
{
	tmpfs_free(de, sizeof(*de) + de->namelen + 1);
}

/* Add de to directory d (last, with a fresh sequence number); links a
 * directory node to d.  Lock held. */
static void
tmpfs_dir_add(struct tmpfs_node *d, struct tmpfs_dirent *de)
{
	de->seq = d->dir.nextseq++;
	list_push_back(&d->dir.entries, &de->link);
	d->dir.nentries++;
	de->node->nlink++;
	if (S_ISDIR(de->node->mode)) {
		de->node->dir.parent = d;
		d->nlink++;
	}
	d->mtime = d->ctime = tmpfs_now();
}

/* Take de out of d (the node keeps existing if referenced).  Lock held. */
static void
tmpfs_dir_remove(struct tmpfs_node *d, struct tmpfs_dirent *de)
{
	list_remove(&de->link);
	d->dir.nentries--;
	de->node->nlink--;
	if (S_ISDIR(de->node->mode)) {
		d->nlink--;
		de->node->nlink--;	/* its "." */
		de->node->dir.parent = NULL;	/* d may go first */
	}
	de->node->ctime = d->mtime = d->ctime = tmpfs_now();
}

/*
 * Walk rel (normalized, see fs.h) to its parent directory: *dp and the
 * last component in *name and *len ("" for the root: *dp NULL).  0, -ENOENT,
 * -ENOTDIR.  Lock held.
 */
static int
tmpfs_walk_parent(const char *rel, struct tmpfs_node **dp, const char **name,
    size_t *len)
{
	struct tmpfs_node *d = &tmpfs_root;
	struct tmpfs_dirent *de;
	const char *c = rel, *e;

	if (rel[0] == '\0') {
		*dp = NULL;
		*name = rel;
		*len = 0;
		return 0;
	}
	for (;;) {
		e = strchr(c, '/');
		if (e == NULL)
			break;
		de = tmpfs_dir_find(d, c, (size_t)(e - c));
		if (de == NULL)
			return -ENOENT;
		if (!S_ISDIR(de->node->mode))
			return -ENOTDIR;
		d = de->node;
		c = e + 1;
	}
	*dp = d;
	*name = c;
	*len = strlen(c);
	return 0;
}

/* The node at rel: 0 and *np, -ENOENT, -ENOTDIR.  Lock held. */
static int
tmpfs_walk(const char *rel, struct tmpfs_node **np)
{
	struct tmpfs_dirent *de;
	struct tmpfs_node *d;
	const char *name;
	size_t len;
	int r;

	r = tmpfs_walk_parent(rel, &d, &name, &len);
	if (r < 0)
		return r;
	if (d == NULL) {
		*np = &tmpfs_root;
		return 0;
	}
	de = tmpfs_dir_find(d, name, len);
	if (de == NULL)
		return -ENOENT;
	*np = de->node;
	return 0;
}

static void
tmpfs_node_stat(const struct tmpfs_node *n, struct stat *st)
{
	st->st_mode = n->mode;
	st->st_dev = VFS_DEV_TMPFS;
	st->st_ino = n->ino;
	st->st_nlink = n->nlink;
	st->st_uid = n->uid;
	st->st_gid = n->gid;
	st->st_atim.tv_sec = n->atime / 1000000000;
	st->st_atim.tv_nsec = n->atime % 1000000000;
	st->st_mtim.tv_sec = n->mtime / 1000000000;
	st->st_mtim.tv_nsec = n->mtime % 1000000000;
	st->st_ctim.tv_sec = n->ctime / 1000000000;
	st->st_ctim.tv_nsec = n->ctime % 1000000000;
	st->__st_birthtim.tv_sec = n->btime / 1000000000;
	st->__st_birthtim.tv_nsec = n->btime % 1000000000;
	st->st_blksize = PAGE_SIZE;
	if (S_ISREG(n->mode)) {
		st->st_size = n->reg.size;
		st->st_blocks = (int64_t)(n->reg.npages * (PAGE_SIZE / 512));
	} else if (S_ISDIR(n->mode)) {
		/* OpenBSD tmpfs: a directory's size grows with its entries */
		st->st_size = (int64_t)((n->dir.nentries + 2) * 16);
		st->st_blocks = 1;
	} else if (S_ISLNK(n->mode)) {
		st->st_size = (int64_t)n->lnk.len;
	}
}

/* Make room for page index idx in the page array.  0 or -ENOSPC.  Lock
 * held. */
static int
tmpfs_reserve(struct tmpfs_node *n, size_t idx)
{
	uint8_t **np;
	size_t cap;

	if (idx < n->reg.cap)
		return 0;
	if (idx >= TMPFS_PAGES_MAX)
		return -EFBIG;
	cap = n->reg.cap < 16 ? 16 : n->reg.cap;
	while (cap <= idx)
		cap *= 2;
	if (!tmpfs_charge((cap - n->reg.cap) * sizeof(void *)))
		return -ENOSPC;
	np = krealloc(n->reg.pages, cap * sizeof(void *));
	if (np == NULL) {
		tmpfs_uncharge((cap - n->reg.cap) * sizeof(void *));
		return -ENOSPC;
	}
	memset(np + n->reg.cap, 0, (cap - n->reg.cap) * sizeof(void *));
	n->reg.pages = np;
	n->reg.cap = cap;
	return 0;
}

/* Set the size of a regular file: shrinking frees whole pages past the
 * end and zeroes the tail of the last one; growing allocates nothing.
 * Lock held. */
static void
tmpfs_resize(struct tmpfs_node *n, int64_t len)
{
	size_t keep = (size_t)((len + PAGE_SIZE - 1) / PAGE_SIZE);
	size_t idx = (size_t)(len / PAGE_SIZE), off = (size_t)(len % PAGE_SIZE);

	if (len < n->reg.size) {
		tmpfs_free_pages(n, keep);
		if (off != 0 && idx < n->reg.cap && n->reg.pages[idx] != NULL)
			memset(n->reg.pages[idx] + off, 0, PAGE_SIZE - off);
	}
	n->reg.size = len;
	n->mtime = n->ctime = tmpfs_now();
}

/* Open file on a node: priv is the node. */
static long
tmpfs_read(struct file *fp, void *buf, size_t n, int64_t *off)
{
	struct tmpfs_node *node = fp->priv;
	uint8_t *out = buf, *pg;
	size_t done = 0, idx, po, chunk;
	int64_t pos = *off;

	if (!S_ISREG(node->mode))
		return -EISDIR;
	tmpfs_lock();
	if (pos >= node->reg.size) {
		tmpfs_unlock();
		return 0;
	}
	if ((uint64_t)(node->reg.size - pos) < n)
		n = (size_t)(node->reg.size - pos);
	while (done < n) {
		idx = (size_t)(pos / PAGE_SIZE);
		po = (size_t)(pos % PAGE_SIZE);
		chunk = MIN(PAGE_SIZE - po, n - done);
		pg = idx < node->reg.cap ? node->reg.pages[idx] : NULL;
		if (pg != NULL)
			memcpy(out + done, pg + po, chunk);
		else
			memset(out + done, 0, chunk);
		done += chunk;
		pos += (int64_t)chunk;
	}
	node->atime = tmpfs_now();
	tmpfs_unlock();
	*off = pos;
	return (long)done;
}

static long
tmpfs_write(struct file *fp, const void *buf, size_t n, int64_t *off)
{
	struct tmpfs_node *node = fp->priv;
	const uint8_t *in = buf;
	size_t done = 0, idx, po, chunk;
	uintptr_t pa;
	int64_t pos;
	int r = 0;

	tmpfs_lock();
	pos = (fp->flags & O_APPEND) ? node->reg.size : *off;
	if (pos >= TMPFS_MAXSIZE) {
		tmpfs_unlock();
		return -EFBIG;
	}
	if ((uint64_t)(TMPFS_MAXSIZE - pos) < n)
		n = (size_t)(TMPFS_MAXSIZE - pos);
	while (done < n) {
		idx = (size_t)(pos / PAGE_SIZE);
		po = (size_t)(pos % PAGE_SIZE);
		chunk = MIN(PAGE_SIZE - po, n - done);
		r = tmpfs_reserve(node, idx);
		if (r < 0)
			break;
		if (node->reg.pages[idx] == NULL) {
			if (!tmpfs_charge(PAGE_SIZE)) {
				r = -ENOSPC;
				break;
			}
			pa = page_alloc();	/* zero-filled */
			if (pa == 0) {
				tmpfs_uncharge(PAGE_SIZE);
				r = -ENOSPC;
				break;
			}
			node->reg.pages[idx] = (uint8_t *)pa;
			node->reg.npages++;
		}
		memcpy(node->reg.pages[idx] + po, in + done, chunk);
		done += chunk;
		pos += (int64_t)chunk;
		if (pos > node->reg.size)
			node->reg.size = pos;
	}
	if (done > 0)
		node->mtime = node->ctime = tmpfs_now();
	tmpfs_unlock();
	*off = pos;
	return done > 0 ? (long)done : r;
}

static int
tmpfs_fstat(struct file *fp, struct stat *st)
{
	tmpfs_lock();
	tmpfs_node_stat(fp->priv, st);
	tmpfs_unlock();
	return 0;
}

/* getdents at the cookie fp->offset (see the top of the file). */
static long
tmpfs_getdents(struct file *fp, void *buf, size_t n)
{
	struct tmpfs_node *d = fp->priv;
	struct tmpfs_dirent *de;
	struct dirent *dp;
	struct list *p;
	char *out = buf;
	const char *name;
	uint64_t cookie, seq, ino;
	size_t used = 0, namlen, rec;
	uint8_t type;
	bool full = false;

	if (!S_ISDIR(d->mode))
		return -ENOTDIR;
	cookie = (uint64_t)__atomic_load_n(&fp->offset, __ATOMIC_RELAXED);
	tmpfs_lock();
	p = d->dir.entries.next;
	for (seq = cookie; !full; ) {
		if (seq == 0) {
			name = ".";
			ino = d->ino;
			type = DT_DIR;
		} else if (seq == 1) {
			name = "..";
			ino = d->dir.parent != NULL ? d->dir.parent->ino : d->ino;
			type = DT_DIR;
		} else {
			while (p != &d->dir.entries &&
			    list_entry(p, struct tmpfs_dirent, link)->seq < seq)
				p = p->next;
			if (p == &d->dir.entries)
				break;
			de = list_entry(p, struct tmpfs_dirent, link);
			seq = de->seq;
			name = de->name;
			ino = de->node->ino;
			type = S_ISDIR(de->node->mode) ? DT_DIR :
			    S_ISLNK(de->node->mode) ? DT_LNK :
			    S_ISFIFO(de->node->mode) ? DT_FIFO :
			    S_ISSOCK(de->node->mode) ? DT_SOCK : DT_REG;
		}
		namlen = strlen(name);
		rec = DIRENT_RECSIZE(namlen);
		if (rec > n - used) {
			full = true;
			break;
		}
		dp = (struct dirent *)(out + used);
		memset(dp, 0, rec);
		dp->d_fileno = ino;
		dp->d_off = (int64_t)seq + 1;
		dp->d_reclen = (uint16_t)rec;
		dp->d_type = type;
		dp->d_namlen = (uint8_t)namlen;
		memcpy(dp->d_name, name, namlen + 1);
		used += rec;
		seq++;
	}
	d->atime = tmpfs_now();
	tmpfs_unlock();
	if (used == 0 && full)
		return -EINVAL;
	__atomic_store_n(&fp->offset, (int64_t)seq, __ATOMIC_RELAXED);
	return (long)used;
}

static int
tmpfs_ftruncate(struct file *fp, int64_t len)
{
	struct tmpfs_node *n = fp->priv;

	if (!S_ISREG(n->mode))
		return -EINVAL;
	if (len < 0)
		return -EINVAL;
	if (len > TMPFS_MAXSIZE)
		return -EFBIG;
	tmpfs_lock();
	tmpfs_resize(n, len);
	tmpfs_unlock();
	return 0;
}

static void
tmpfs_node_setattr(struct tmpfs_node *n, const struct vfs_attr *va)
{
	if (va->mask & VFS_ATTR_MODE)
		n->mode = (n->mode & S_IFMT) | (va->mode & 07777);
	if (va->mask & VFS_ATTR_OWNER) {
		if (va->uid != (uint32_t)-1)
			n->uid = va->uid;
		if (va->gid != (uint32_t)-1)
			n->gid = va->gid;
	}
	if (va->mask & VFS_ATTR_ATIME)
		n->atime = va->atime;
	if (va->mask & VFS_ATTR_MTIME)
		n->mtime = va->mtime;
	n->ctime = tmpfs_now();
}

static int
tmpfs_fsetattr(struct file *fp, const struct vfs_attr *va)
{
	tmpfs_lock();
	tmpfs_node_setattr(fp->priv, va);
	tmpfs_unlock();
	return 0;
}

static void
tmpfs_close(struct file *fp)
{
	struct tmpfs_node *n = fp->priv;

	tmpfs_lock();
	n->opens--;
	tmpfs_node_put(n);
	tmpfs_unlock();
}

static const struct file_ops tmpfs_file_ops = {
	.flags = FOPS_SEEKABLE,
	.read = tmpfs_read,
	.write = tmpfs_write,
	.stat = tmpfs_fstat,
	.getdents = tmpfs_getdents,
	.truncate = tmpfs_ftruncate,
	.setattr = tmpfs_fsetattr,
	.close = tmpfs_close,
};

/* Write access or O_TRUNC? */
static bool
tmpfs_writes(int flags)
{
	return (flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC);
}

/* vfs_ops.open (see fs.h). */
static int
tmpfs_open(const char *rel, int flags, int mode, struct file **fpp)
{
	struct tmpfs_dirent *de;
	struct tmpfs_node *d, *n;
	struct fifo *fifo;
	struct file *fp;
	const char *name;
	size_t len;
	int r;

	tmpfs_lock();
	r = tmpfs_walk_parent(rel, &d, &name, &len);
	if (r < 0)
		goto out;
	if (d == NULL) {
		n = &tmpfs_root;
	} else if ((de = tmpfs_dir_find(d, name, len)) != NULL) {
		n = de->node;
	} else if (!(flags & O_CREAT)) {
		r = -ENOENT;
		goto out;
	} else if (d->nlink == 0) {
		r = -ENOENT;		/* creating in a removed directory */
		goto out;
	} else {
		n = tmpfs_node_new(S_IFREG, (uint32_t)mode);
		de = n != NULL ? tmpfs_dirent_new(name, len, n) : NULL;
		if (de == NULL) {
			if (n != NULL)
				tmpfs_free(n, sizeof(*n));
			r = -ENOSPC;
			goto out;
		}
		tmpfs_dir_add(d, de);
		flags &= ~O_TRUNC;
		goto opened;
	}
	if ((flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL)) {
		r = -EEXIST;
		goto out;
	}
	if (S_ISLNK(n->mode)) {
		r = -ELOOP;
		goto out;
	}
	if (S_ISSOCK(n->mode)) {
		r = -EOPNOTSUPP;	/* OpenBSD vn_open */
		goto out;
	}
	if (S_ISFIFO(n->mode)) {
		/* Opening may wait for the other side: not under the lock. */
		fifo = n->fifo;
		fifo_hold(fifo);
		tmpfs_unlock();
		r = fifo_open(fifo, flags, fpp);
		fifo_release(fifo);
		return r;
	}
	if (S_ISDIR(n->mode) && (tmpfs_writes(flags) || (flags & O_CREAT))) {
		r = -EISDIR;
		goto out;
	}
	if (S_ISREG(n->mode) && (flags & O_TRUNC) && n->reg.size != 0)
		tmpfs_resize(n, 0);
opened:
	fp = file_alloc(&tmpfs_file_ops, n, flags);
	if (fp == NULL) {
		tmpfs_node_put(n);	/* a node just created stays linked */
		r = -ENOMEM;
		goto out;
	}
	n->opens++;
	*fpp = fp;
	r = 0;
out:
	tmpfs_unlock();
	return r;
}

static int
tmpfs_stat(const char *rel, struct stat *st)
{
	struct tmpfs_node *n;
	int r;

	tmpfs_lock();
	r = tmpfs_walk(rel, &n);
	if (r == 0)
		tmpfs_node_stat(n, st);
	tmpfs_unlock();
	return r;
}

static int
tmpfs_readlink(const char *rel, char *buf, size_t size)
{
	struct tmpfs_node *n;
	int r;

	tmpfs_lock();
	r = tmpfs_walk(rel, &n);
	if (r == 0 && !S_ISLNK(n->mode))
		r = -EINVAL;
	if (r == 0) {
		memcpy(buf, n->lnk.target, MIN(size, n->lnk.len));
		r = (int)n->lnk.len;
	}
	tmpfs_unlock();
	return r;
}

/* Create node n at rel (a new name).  0, -EEXIST, -ENOENT, -ENOSPC.  On
 * failure n is freed.  Lock held. */
static int
tmpfs_create(const char *rel, struct tmpfs_node *n)
{
	struct tmpfs_dirent *de;
	struct tmpfs_node *d;
	const char *name;
	size_t len;
	int r;

	r = tmpfs_walk_parent(rel, &d, &name, &len);
	if (r == 0 && (d == NULL || tmpfs_dir_find(d, name, len) != NULL))
		r = -EEXIST;
	if (r == 0 && d->nlink == 0)
		r = -ENOENT;
	if (r == 0) {
		de = tmpfs_dirent_new(name, len, n);
		if (de == NULL)
			r = -ENOSPC;
		else
			tmpfs_dir_add(d, de);
	}
	if (r < 0)
		tmpfs_node_put(n);
	return r;
}

static int
tmpfs_mkdir(const char *rel, int mode)
{
	struct tmpfs_node *n;
	int r;

	tmpfs_lock();
	n = tmpfs_node_new(S_IFDIR, (uint32_t)mode);
	if (n == NULL) {
		r = -ENOSPC;
	} else {
		n->nlink = 1;	/* its "."; the entry adds the other */
		r = tmpfs_create(rel, n);
		if (r < 0 && n->nlink == 1) {
			n->nlink = 0;
			tmpfs_node_put(n);
		}
	}
	tmpfs_unlock();
	return r;
}

static int
tmpfs_mkfifo(const char *rel, int mode)
{
	struct tmpfs_node *n;
	int r;

	tmpfs_lock();
	n = tmpfs_node_new(S_IFIFO, (uint32_t)mode);
	if (n == NULL) {
		r = -ENOSPC;
	} else {
		n->fifo = fifo_create(VFS_DEV_TMPFS, n->ino, n->mode);
		if (n->fifo == NULL) {
			tmpfs_free(n, sizeof(*n));
			r = -ENOSPC;
		} else {
			r = tmpfs_create(rel, n);
		}
	}
	tmpfs_unlock();
	return r;
}

/* See fs.h. */
int
tmpfs_mksock(const char *rel, int mode, uint64_t *ino)
{
	struct tmpfs_node *n;
	int r;

	tmpfs_lock();
	n = tmpfs_node_new(S_IFSOCK, (uint32_t)mode);
	if (n == NULL) {
		r = -ENOSPC;
	} else {
		*ino = n->ino;
		r = tmpfs_create(rel, n);
	}
	tmpfs_unlock();
	return r;
}

static int
tmpfs_symlink(const char *target, const char *rel)
{
	struct tmpfs_node *n;
	size_t len = strlen(target);
	int r;

	tmpfs_lock();
	n = tmpfs_node_new(S_IFLNK, 0755);
	if (n == NULL) {
		r = -ENOSPC;
	} else {
		n->lnk.target = tmpfs_alloc(len + 1);
		if (n->lnk.target == NULL) {
			tmpfs_free(n, sizeof(*n));
			r = -ENOSPC;
		} else {
			memcpy(n->lnk.target, target, len + 1);
			n->lnk.len = len;
			r = tmpfs_create(rel, n);
		}
	}
	tmpfs_unlock();
	return r;
}

static int
tmpfs_link(const char *from, const char *to)
{
	struct tmpfs_node *n;
	int r;

	tmpfs_lock();
	r = tmpfs_walk(from, &n);
	if (r == 0 && S_ISDIR(n->mode))
		r = -EPERM;
	if (r == 0) {
		n->opens++;		/* keep it across a failed create */
		r = tmpfs_create(to, n);
		n->opens--;
		if (r == 0)
			n->ctime = tmpfs_now();
	}
	tmpfs_unlock();
	return r;
}

/* Find rel's entry and its directory: 0, -ENOENT, -ENOTDIR, -EBUSY (the
 * root).  Lock held. */
static int
tmpfs_lookup_entry(const char *rel, struct tmpfs_node **dp,
    struct tmpfs_dirent **dep)
{
	const char *name;
	size_t len;
	int r;

	r = tmpfs_walk_parent(rel, dp, &name, &len);
	if (r < 0)
		return r;
	if (*dp == NULL)
		return -EBUSY;
	*dep = tmpfs_dir_find(*dp, name, len);
	return *dep != NULL ? 0 : -ENOENT;
}

static int
tmpfs_unlink(const char *rel)
{
	struct tmpfs_dirent *de;
	struct tmpfs_node *d, *n;
	int r;

	tmpfs_lock();
	r = tmpfs_lookup_entry(rel, &d, &de);
	if (r == -EBUSY)
		r = -EPERM;
	if (r == 0 && S_ISDIR(de->node->mode))
		r = -EPERM;		/* OpenBSD unlink(2) on a directory */
	if (r == 0) {
		n = de->node;
		tmpfs_dir_remove(d, de);
		tmpfs_dirent_free(de);
		tmpfs_node_put(n);
	}
	tmpfs_unlock();
	return r;
}

static int
tmpfs_rmdir(const char *rel)
{
	struct tmpfs_dirent *de;
	struct tmpfs_node *d, *n;
	int r;

	tmpfs_lock();
	r = tmpfs_lookup_entry(rel, &d, &de);
	if (r == 0 && !S_ISDIR(de->node->mode))
		r = -ENOTDIR;
	if (r == 0 && de->node->dir.nentries != 0)
		r = -ENOTEMPTY;
	if (r == 0) {
		n = de->node;
		tmpfs_dir_remove(d, de);
		tmpfs_dirent_free(de);
		tmpfs_node_put(n);
	}
	tmpfs_unlock();
	return r;
}

static int
tmpfs_rename(const char *from, const char *to)
{
	struct tmpfs_dirent *sde, *dde, *nde;
	struct tmpfs_node *sd, *dd, *sn, *dn, *p;
	const char *name;
	size_t len;
	int r;

	tmpfs_lock();
	r = tmpfs_lookup_entry(from, &sd, &sde);
	if (r < 0)
		goto out;
	sn = sde->node;
	r = tmpfs_walk_parent(to, &dd, &name, &len);
	if (r < 0)
		goto out;
	if (dd == NULL) {
		r = -EBUSY;
		goto out;
	}
	if (S_ISDIR(sn->mode)) {
		/* Not into its own subtree. */
		for (p = dd; ; p = p->dir.parent) {
			if (p == sn) {
				r = -EINVAL;
				goto out;
			}
			if (p == &tmpfs_root)
				break;
		}
	}
	dde = tmpfs_dir_find(dd, name, len);
	if (dde != NULL) {
		dn = dde->node;
		if (dn == sn)
			goto out;	/* r == 0: nothing to do */
		if (S_ISDIR(sn->mode) && !S_ISDIR(dn->mode)) {
			r = -ENOTDIR;
			goto out;
		}
		if (!S_ISDIR(sn->mode) && S_ISDIR(dn->mode)) {
			r = -EISDIR;
			goto out;
		}
		if (S_ISDIR(dn->mode) && dn->dir.nentries != 0) {
			r = -ENOTEMPTY;
			goto out;
		}
	} else if (dd->nlink == 0) {
		r = -ENOENT;
		goto out;
	}
	nde = tmpfs_dirent_new(name, len, sn);
	if (nde == NULL) {
		r = -ENOSPC;
		goto out;
	}
	if (dde != NULL) {
		dn = dde->node;
		tmpfs_dir_remove(dd, dde);
		tmpfs_dirent_free(dde);
		tmpfs_node_put(dn);
	}
	sn->opens++;			/* keep it between the two steps */
	tmpfs_dir_remove(sd, sde);
	if (S_ISDIR(sn->mode))
		sn->nlink++;		/* tmpfs_dir_remove took its "." */
	tmpfs_dirent_free(sde);
	tmpfs_dir_add(dd, nde);
	sn->opens--;
	sn->ctime = tmpfs_now();
out:
	tmpfs_unlock();
	return r;
}

static int
tmpfs_truncate(const char *rel, int64_t len)
{
	struct tmpfs_node *n;
	int r;

	if (len < 0)
		return -EINVAL;
	if (len > TMPFS_MAXSIZE)
		return -EFBIG;
	tmpfs_lock();
	r = tmpfs_walk(rel, &n);
	if (r == 0 && S_ISDIR(n->mode))
		r = -EISDIR;
	if (r == 0 && !S_ISREG(n->mode))
		r = -EINVAL;
	if (r == 0)
		tmpfs_resize(n, len);
	tmpfs_unlock();
	return r;
}

static int
tmpfs_setattr(const char *rel, const struct vfs_attr *va)
{
	struct tmpfs_node *n;
	int r;

	tmpfs_lock();
	r = tmpfs_walk(rel, &n);
	if (r == 0)
		tmpfs_node_setattr(n, va);
	tmpfs_unlock();
	return r;
}

const struct vfs_ops tmpfs_ops = {
	.name = "tmpfs",
	.open = tmpfs_open,
	.stat = tmpfs_stat,
	.readlink = tmpfs_readlink,
	.mkdir = tmpfs_mkdir,
	.mkfifo = tmpfs_mkfifo,
	.rmdir = tmpfs_rmdir,
	.unlink = tmpfs_unlink,
	.rename = tmpfs_rename,
	.symlink = tmpfs_symlink,
	.link = tmpfs_link,
	.truncate = tmpfs_truncate,
	.setattr = tmpfs_setattr,
};

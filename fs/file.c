/* SPDX-License-Identifier: ISC */
/* file.c: open file objects (reference counts, status flags) and the
 * generic half of read/write/lseek/fstat/getdents. */
#include "kernel.h"
#include "libc/fcntl.h"
#include "libc/sys/stat.h"

#define FILE_FLAGS_KEPT	(O_ACCMODE | O_NONBLOCK | O_APPEND)
#define FILE_IO_MAX	((size_t)INT64_MAX)	/* larger counts: EINVAL */

static uint64_t file_ino_next = 1000;	/* below: fixed inodes of /, /dev */

/*
 * A new file with one reference and status flags from flags.  NULL when
 * out of memory.  Thread context.
 */
struct file *
file_alloc(const struct file_ops *ops, void *priv, int flags)
{
	struct file *fp;

	fp = kzalloc(sizeof(*fp));
	if (fp == NULL)
		return NULL;
	fp->ops = ops;
	fp->priv = priv;
	fp->refs = 1;
	fp->flags = (uint32_t)flags & FILE_FLAGS_KEPT;
	list_init(&fp->knotes);
	return fp;
}

/* Take another reference.  Any context. */
void
file_hold(struct file *fp)
{
	__atomic_fetch_add(&fp->refs, 1, __ATOMIC_RELAXED);
}

/*
 * Drop a reference.  The last one runs ops->close and frees the file; by
 * then every fd referring to it is closed, so no knote is left on it.
 * Thread context, no spin lock held.
 */
void
file_release(struct file *fp)
{
	if (__atomic_sub_fetch(&fp->refs, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	if (fp->permanent)
		return;
	assert(list_empty(&fp->knotes));
	if (fp->ops->close != NULL)
		fp->ops->close(fp);
	kfree(fp->path);
	kfree(fp);
}

/* O_NONBLOCK set on the file?  Any context. */
bool
file_nonblock(const struct file *fp)
{
	return (__atomic_load_n(&fp->flags, __ATOMIC_RELAXED) & O_NONBLOCK) != 0;
}

/* F_GETFL value.  Any context. */
int
file_getfl(const struct file *fp)
{
	return (int)__atomic_load_n(&fp->flags, __ATOMIC_RELAXED);
}

/* F_SETFL: O_NONBLOCK and O_APPEND from flags; the rest is ignored (as
 * the access mode and creation flags are on every Unix).  Any context. */
void
file_setfl(struct file *fp, int flags)
{
	uint32_t old, new;

	old = __atomic_load_n(&fp->flags, __ATOMIC_RELAXED);
	do {
		new = (old & ~(uint32_t)(O_NONBLOCK | O_APPEND)) |
		    ((uint32_t)flags & (O_NONBLOCK | O_APPEND));
	} while (!__atomic_compare_exchange_n(&fp->flags, &old, new, false,
	    __ATOMIC_RELAXED, __ATOMIC_RELAXED));
}

static bool
file_readable(const struct file *fp)
{
	return (file_getfl(fp) & O_ACCMODE) != O_WRONLY;
}

static bool
file_writable(const struct file *fp)
{
	return (file_getfl(fp) & O_ACCMODE) != O_RDONLY;
}

static long
file_do_read(struct file *fp, void *buf, size_t n, int64_t *off)
{
	if (!file_readable(fp))
		return -EBADF;
	if (n > FILE_IO_MAX)
		return -EINVAL;
	if (fp->ops->read == NULL)
		return -EINVAL;
	if (n == 0)
		return 0;
	return fp->ops->read(fp, buf, n, off);
}

static long
file_do_write(struct file *fp, const void *buf, size_t n, int64_t *off)
{
	if (!file_writable(fp))
		return -EBADF;
	if (n > FILE_IO_MAX)
		return -EINVAL;
	if (fp->ops->write == NULL)
		return -EINVAL;
	if (n == 0)
		return 0;
	return fp->ops->write(fp, buf, n, off);
}

/*
 * read(2)/write(2) at the file offset: bytes moved or -errno (-EBADF if
 * the file is not open for it, -EAGAIN when O_NONBLOCK and nothing can be
 * moved).  May block.  Thread context.
 */
long
file_read(struct file *fp, void *buf, size_t n)
{
	return file_do_read(fp, buf, n, &fp->offset);
}

long
file_write(struct file *fp, const void *buf, size_t n)
{
	return file_do_write(fp, buf, n, &fp->offset);
}

/* pread(2)/pwrite(2): as above at off; the file offset is unchanged. */
long
file_pread(struct file *fp, void *buf, size_t n, int64_t off)
{
	if (!(fp->ops->flags & FOPS_SEEKABLE))
		return -ESPIPE;
	if (off < 0)
		return -EINVAL;
	return file_do_read(fp, buf, n, &off);
}

long
file_pwrite(struct file *fp, const void *buf, size_t n, int64_t off)
{
	if (!(fp->ops->flags & FOPS_SEEKABLE))
		return -ESPIPE;
	if (off < 0)
		return -EINVAL;
	return file_do_write(fp, buf, n, &off);
}

/*
 * lseek(2): the new offset; -ESPIPE on pipes, sockets and kqueues,
 * -EINVAL for a bad whence or a negative result, -EOVERFLOW past INT64_MAX.
 * Thread context.
 */
int64_t
file_lseek(struct file *fp, int64_t off, int whence)
{
	struct stat st;
	int64_t base, pos;
	int r;

	if (!(fp->ops->flags & FOPS_SEEKABLE))
		return -ESPIPE;
	switch (whence) {
	case SEEK_SET:
		base = 0;
		break;
	case SEEK_CUR:
		base = __atomic_load_n(&fp->offset, __ATOMIC_RELAXED);
		break;
	case SEEK_END:
		r = file_stat(fp, &st);
		if (r < 0)
			return r;
		base = st.st_size;
		break;
	default:
		return -EINVAL;
	}
	if (__builtin_add_overflow(base, off, &pos))
		return -EOVERFLOW;
	if (pos < 0)
		return -EINVAL;
	__atomic_store_n(&fp->offset, pos, __ATOMIC_RELAXED);
	return pos;
}

/* fstat(2): 0 or -errno.  Thread context. */
int
file_stat(struct file *fp, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	return fp->ops->stat(fp, st);
}

/* getdents(2): bytes filled, 0 at the end, -ENOTDIR, -EINVAL (buffer too
 * small for the next entry).  Thread context. */
long
file_getdents(struct file *fp, void *buf, size_t n)
{
	if (fp->ops->getdents == NULL)
		return -ENOTDIR;
	return fp->ops->getdents(fp, buf, n);
}

/* Current readiness; false (and *st zero) if fp cannot be polled.  Any
 * context the poll op allows (see fs.h). */
bool
file_poll(struct file *fp, struct file_poll *st)
{
	memset(st, 0, sizeof(*st));
	if (fp->ops->poll == NULL)
		return false;
	fp->ops->poll(fp, st);
	return true;
}

/* A fresh inode number for an anonymous file.  Any context. */
uint64_t
file_new_ino(void)
{
	return __atomic_fetch_add(&file_ino_next, 1, __ATOMIC_RELAXED);
}

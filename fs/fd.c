/* SPDX-License-Identifier: ISC */
/* fd.c: the descriptor table: FD_MAX slots of (open file, FD_CLOEXEC). */
#include "kernel.h"
#include "libc/fcntl.h"

struct fd_slot {
	struct file	*fp;		/* NULL: free */
	int		fdflags;	/* FD_CLOEXEC */
};

/*
 * The one table.  fd_lock is a leaf lock: it nests inside kq_lock
 * (kqueue.c calls fd_peek) and is never held while calling out.
 */
static struct spinlock fd_lock;
static struct fd_slot fd_table[FD_MAX];

static bool
fd_valid(int fd)
{
	return fd >= 0 && fd < FD_MAX;
}

/* Lowest free slot >= minfd, or -EMFILE.  fd_lock held. */
static int
fd_find_free(int minfd)
{
	int fd;

	for (fd = minfd; fd < FD_MAX; fd++)
		if (fd_table[fd].fp == NULL)
			return fd;
	return -EMFILE;
}

/*
 * Open fds 0, 1 and 2 on the console (one open file, O_RDWR, each fd
 * holding a reference), as a Unix process inherits them; Go's checkfds
 * then finds them open.  Once, from kmain, before any other fd exists.
 */
void
fd_init(void)
{
	int fd;

	for (fd = 0; fd < 3; fd++) {
		file_hold(&console_file);
		if (fd_install(&console_file, 0, false) != fd)
			panic("fd_init: fd %d is taken", fd);
	}
}

/*
 * Put fp in the lowest free slot >= minfd.  On success the table owns the
 * caller's reference.  The fd, -EMFILE or -EINVAL.  Thread context.
 */
int
fd_install(struct file *fp, int minfd, bool cloexec)
{
	uint64_t f;
	int fd;

	if (!fd_valid(minfd))
		return -EINVAL;
	f = spin_lock_irqsave(&fd_lock);
	fd = fd_find_free(minfd);
	if (fd >= 0) {
		fd_table[fd].fp = fp;
		fd_table[fd].fdflags = cloexec ? FD_CLOEXEC : 0;
	}
	spin_unlock_irqrestore(&fd_lock, f);
	return fd;
}

/* The file at fd with a new reference, or NULL.  Any thread context. */
struct file *
fd_get(int fd)
{
	struct file *fp;
	uint64_t f;

	if (!fd_valid(fd))
		return NULL;
	f = spin_lock_irqsave(&fd_lock);
	fp = fd_table[fd].fp;
	if (fp != NULL)
		file_hold(fp);
	spin_unlock_irqrestore(&fd_lock, f);
	return fp;
}

/*
 * The file at fd without a reference, or NULL.  Only for a caller holding
 * kq_lock: fd_close empties the slot first and then needs kq_lock for
 * knote_fdclose before it drops the table's reference, so the file stays
 * alive while the caller holds kq_lock.
 */
struct file *
fd_peek(int fd)
{
	struct file *fp;
	uint64_t f;

	if (!fd_valid(fd))
		return NULL;
	f = spin_lock_irqsave(&fd_lock);
	fp = fd_table[fd].fp;
	spin_unlock_irqrestore(&fd_lock, f);
	return fp;
}

/* A file taken out of slot fd: forget its knotes for fd, then drop the
 * table's reference.  No lock held. */
static void
fd_drop(struct file *fp, int fd)
{
	knote_fdclose(fp, fd);
	file_release(fp);
}

/* close(2): 0 or -EBADF.  Thread context. */
int
fd_close(int fd)
{
	struct file *fp;
	uint64_t f;

	if (!fd_valid(fd))
		return -EBADF;
	f = spin_lock_irqsave(&fd_lock);
	fp = fd_table[fd].fp;
	fd_table[fd].fp = NULL;
	fd_table[fd].fdflags = 0;
	spin_unlock_irqrestore(&fd_lock, f);
	if (fp == NULL)
		return -EBADF;
	fd_drop(fp, fd);
	return 0;
}

/* F_DUPFD / F_DUPFD_CLOEXEC: the new fd, -EBADF, -EINVAL, -EMFILE. */
int
fd_dup(int oldfd, int minfd, bool cloexec)
{
	struct file *fp;
	uint64_t f;
	int fd;

	if (!fd_valid(oldfd))
		return -EBADF;
	if (minfd < 0 || minfd >= FD_MAX)
		return -EINVAL;
	f = spin_lock_irqsave(&fd_lock);
	fp = fd_table[oldfd].fp;
	if (fp == NULL) {
		fd = -EBADF;
	} else {
		fd = fd_find_free(minfd);
		if (fd >= 0) {
			file_hold(fp);
			fd_table[fd].fp = fp;
			fd_table[fd].fdflags = cloexec ? FD_CLOEXEC : 0;
		}
	}
	spin_unlock_irqrestore(&fd_lock, f);
	return fd;
}

/*
 * dup2/dup3: make newfd refer to oldfd's file, closing newfd's previous
 * file, and return newfd.  oldfd == newfd returns newfd unchanged (after
 * checking oldfd).  -EBADF for a closed oldfd or an out-of-range newfd.
 */
int
fd_dup2(int oldfd, int newfd, bool cloexec)
{
	struct file *fp, *old;
	uint64_t f;

	if (!fd_valid(oldfd) || !fd_valid(newfd))
		return -EBADF;
	f = spin_lock_irqsave(&fd_lock);
	fp = fd_table[oldfd].fp;
	if (fp == NULL) {
		spin_unlock_irqrestore(&fd_lock, f);
		return -EBADF;
	}
	if (oldfd == newfd) {
		spin_unlock_irqrestore(&fd_lock, f);
		return newfd;
	}
	file_hold(fp);
	old = fd_table[newfd].fp;
	fd_table[newfd].fp = fp;
	fd_table[newfd].fdflags = cloexec ? FD_CLOEXEC : 0;
	spin_unlock_irqrestore(&fd_lock, f);
	if (old != NULL)
		fd_drop(old, newfd);
	return newfd;
}

/* F_GETFD: FD_CLOEXEC or 0; -EBADF on a closed fd (Go's checkfds relies
 * on exactly that errno).  Any thread context. */
int
fd_getfd(int fd)
{
	uint64_t f;
	int r;

	if (!fd_valid(fd))
		return -EBADF;
	f = spin_lock_irqsave(&fd_lock);
	r = fd_table[fd].fp != NULL ? fd_table[fd].fdflags : -EBADF;
	spin_unlock_irqrestore(&fd_lock, f);
	return r;
}

/* F_SETFD: keep FD_CLOEXEC of fdflags.  0 or -EBADF. */
int
fd_setfd(int fd, int fdflags)
{
	uint64_t f;
	int r = 0;

	if (!fd_valid(fd))
		return -EBADF;
	f = spin_lock_irqsave(&fd_lock);
	if (fd_table[fd].fp != NULL)
		fd_table[fd].fdflags = fdflags & FD_CLOEXEC;
	else
		r = -EBADF;
	spin_unlock_irqrestore(&fd_lock, f);
	return r;
}

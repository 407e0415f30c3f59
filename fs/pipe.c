/* SPDX-License-Identifier: ISC */
/*
 * pipe.c: pipes and FIFOs.  A ring buffer with reading and writing open
 * files (ends); blocking ends sleep on a waitq, readiness goes to kqueue
 * through file_notify().  Go's netpoll wake-up pipe (O_NONBLOCK, one byte
 * per wake-up, level-triggered EVFILT_READ) is the main user.
 *
 * A pipe(2) has one end of each kind.  A FIFO (mkfifo(2), a node of a
 * file system such as tmpfs) is a rendezvous: each open of it is an end
 * of one shared pipe, which exists while any end is open (its buffered
 * data goes with it, as in OpenBSD's fifo_close).  Opens follow POSIX
 * open(2) and OpenBSD's fifo_open: O_RDONLY waits for a writer unless
 * O_NONBLOCK; O_WRONLY waits for a reader, or with O_NONBLOCK fails with
 * ENXIO when there is none; O_RDWR (undefined in POSIX, allowed by
 * OpenBSD) never waits.
 *
 * Locking: fifo lock -> pipe lock -> kq_lock (fs.h).
 */
#include "kernel.h"
#include "libc/fcntl.h"
#include "libc/sys/stat.h"

#define PIPE_SIZE	16384	/* OpenBSD <sys/pipe.h> PIPE_SIZE */
#define PIPE_BUF	512	/* POSIX atomic write size (OpenBSD value) */

struct pipe;

/* One open file of a pipe (its priv). */
struct pipe_end {
	struct pipe	*pipe;
	struct file	*file;
	struct list	rlink;		/* in pipe->rends, if it reads */
	struct list	wlink;		/* in pipe->wends, if it writes */
	bool		reads;
	bool		writes;
};

/*
 * count, readers and writers change under lock but are also read with
 * atomic loads by the poll op, which runs under kq_lock (fs.h lock
 * order: pipe lock -> kq_lock, so poll cannot take the pipe lock).
 */
struct pipe {
	struct spinlock	lock;
	struct waitq	rwait;		/* readers waiting for data */
	struct waitq	wwait;		/* writers waiting for space */
	struct waitq	owait;		/* FIFO opens waiting for the other
					   side */
	char		*buf;		/* PIPE_SIZE bytes */
	uint32_t	head;		/* index of the oldest byte */
	uint32_t	count;		/* bytes buffered */
	uint32_t	readers;	/* open ends that read */
	uint32_t	writers;	/* open ends that write */
	uint64_t	ropens;		/* read opens so far (FIFO waits) */
	uint64_t	wopens;		/* write opens so far */
	struct list	rends;		/* struct pipe_end, by rlink */
	struct list	wends;		/* struct pipe_end, by wlink */
	struct fifo	*fifo;		/* the FIFO it belongs to, or NULL */
	uint64_t	ino;
	int64_t		ctime_ns;	/* creation, realtime */
};

/* A FIFO: what a file system node of type S_IFIFO points at. */
struct fifo {
	struct spinlock	lock;
	uint32_t	refs;		/* the node's + one per open end */
	struct pipe	*pipe;		/* while an end is open, else NULL */
	uint32_t	dev;		/* for fstat of its open files */
	uint64_t	ino;
	uint32_t	mode;		/* S_IFIFO | permission bits */
};

static uint32_t
pipe_load(const uint32_t *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static void
pipe_store(uint32_t *p, uint32_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

/* The pipe has become readable / writable, or an end closed: wake the
 * sleepers and tell kqueue about every end of that kind.  p->lock held. */
static void
pipe_wake_readers(struct pipe *p, uint32_t hint)
{
	struct list *l;

	waitq_wake(&p->rwait, 0);
	list_for_each(l, &p->rends)
		file_notify(list_entry(l, struct pipe_end, rlink)->file, hint);
}

static void
pipe_wake_writers(struct pipe *p, uint32_t hint)
{
	struct list *l;

	waitq_wake(&p->wwait, 0);
	list_for_each(l, &p->wends)
		file_notify(list_entry(l, struct pipe_end, wlink)->file, hint);
}

static long
pipe_read(struct file *fp, void *buf, size_t n, int64_t *off)
{
	struct pipe_end *e = fp->priv;
	struct pipe *p = e->pipe;
	char *dst = buf;
	size_t got, chunk;
	uint64_t f;

	f = spin_lock_irqsave(&p->lock);
	while (p->count == 0) {
		if (p->writers == 0) {
			spin_unlock_irqrestore(&p->lock, f);
			return 0;
		}
		if (file_nonblock(fp)) {
			spin_unlock_irqrestore(&p->lock, f);
			return -EAGAIN;
		}
		thread_wait(&p->rwait, &p->lock, 0);
	}
	got = MIN(n, (size_t)p->count);
	chunk = MIN(got, (size_t)(PIPE_SIZE - p->head));
	memcpy(dst, p->buf + p->head, chunk);
	memcpy(dst + chunk, p->buf, got - chunk);
	p->head = (uint32_t)((p->head + got) % PIPE_SIZE);
	pipe_store(&p->count, p->count - (uint32_t)got);
	if (p->count == 0)
		p->head = 0;
	pipe_wake_writers(p, FILE_EV_WRITE);
	spin_unlock_irqrestore(&p->lock, f);
	return (long)got;
}

/*
 * Writes of at most PIPE_BUF bytes go in whole or not at all; longer
 * ones may be split (and interleave with other writers).  -EPIPE when no
 * end reads (no SIGPIPE: docs/go-openbsd-abi.md §6.10).
 */
static long
pipe_write(struct file *fp, const void *buf, size_t n, int64_t *off)
{
	struct pipe_end *e = fp->priv;
	struct pipe *p = e->pipe;
	const char *src = buf;
	size_t done = 0, space, need, chunk, tail, first;
	uint64_t f;

	need = n <= PIPE_BUF ? n : 1;
	f = spin_lock_irqsave(&p->lock);
	while (done < n) {
		if (p->readers == 0) {
			spin_unlock_irqrestore(&p->lock, f);
			return done > 0 ? (long)done : -EPIPE;
		}
		space = PIPE_SIZE - p->count;
		if (space < need) {
			if (file_nonblock(fp)) {
				spin_unlock_irqrestore(&p->lock, f);
				return done > 0 ? (long)done : -EAGAIN;
			}
			thread_wait(&p->wwait, &p->lock, 0);
			continue;
		}
		chunk = MIN(space, n - done);
		tail = (p->head + p->count) % PIPE_SIZE;
		first = MIN(chunk, (size_t)(PIPE_SIZE - tail));
		memcpy(p->buf + tail, src + done, first);
		memcpy(p->buf, src + done + first, chunk - first);
		pipe_store(&p->count, p->count + (uint32_t)chunk);
		done += chunk;
		pipe_wake_readers(p, FILE_EV_READ);
	}
	spin_unlock_irqrestore(&p->lock, f);
	return (long)done;
}

/* A pipe's own identity, or a FIFO's (the node's inode and mode). */
static int
pipe_stat(struct file *fp, struct stat *st)
{
	struct pipe_end *e = fp->priv;
	struct pipe *p = e->pipe;

	st->st_mode = S_IFIFO | 0600;
	st->st_dev = VFS_DEV_PIPE;
	st->st_ino = p->ino;
	if (p->fifo != NULL) {
		st->st_mode = p->fifo->mode;
		st->st_dev = p->fifo->dev;
		st->st_ino = p->fifo->ino;
	}
	st->st_nlink = 1;
	st->st_size = pipe_load(&p->count);
	st->st_blksize = PIPE_SIZE;
	st->st_atim.tv_sec = p->ctime_ns / 1000000000;
	st->st_atim.tv_nsec = p->ctime_ns % 1000000000;
	st->st_mtim = st->st_atim;
	st->st_ctim = st->st_atim;
	return 0;
}

/*
 * Reading: data, or EOF while no end writes.  Writing: room for an
 * atomic write (as BSD's filt_pipewrite), or no end reads (a write now
 * fails with EPIPE).  An O_RDWR FIFO end is both.
 */
static void
pipe_poll(struct file *fp, struct file_poll *st)
{
	struct pipe_end *e = fp->priv;
	struct pipe *p = e->pipe;
	uint32_t count = pipe_load(&p->count);

	if (e->reads) {
		st->nread = count;
		if (count > 0)
			st->ready |= FILE_EV_READ;
		if (pipe_load(&p->writers) == 0)
			st->ready |= FILE_EV_READ | FILE_EV_RDEOF;
	}
	if (e->writes) {
		st->nwrite = PIPE_SIZE - count;
		if (PIPE_SIZE - count >= PIPE_BUF)
			st->ready |= FILE_EV_WRITE;
		if (pipe_load(&p->readers) == 0) {
			st->nwrite = 0;
			st->ready |= FILE_EV_WRITE | FILE_EV_WREOF;
		}
	}
}

/* A pipe without ends.  NULL when out of memory.  Thread context. */
static struct pipe *
pipe_new(void)
{
	struct pipe *p;

	p = kzalloc(sizeof(*p));
	if (p == NULL)
		return NULL;
	p->buf = kmalloc(PIPE_SIZE);
	if (p->buf == NULL) {
		kfree(p);
		return NULL;
	}
	waitq_init(&p->rwait);
	waitq_init(&p->wwait);
	waitq_init(&p->owait);
	list_init(&p->rends);
	list_init(&p->wends);
	p->ino = file_new_ino();
	p->ctime_ns = time_realtime();
	return p;
}

static void
pipe_free(struct pipe *p)
{
	kfree(p->buf);
	kfree(p);
}

/* Attach the new end e to p: it reads and/or writes as its file's access
 * mode says; sleepers and pollers of the other kind learn of it (EOF or
 * EPIPE no longer holds).  p->lock held. */
static void
pipe_attach(struct pipe *p, struct pipe_end *e)
{
	int acc = (int)(e->file->flags & O_ACCMODE);

	e->pipe = p;
	e->reads = acc != O_WRONLY;
	e->writes = acc != O_RDONLY;
	if (e->reads) {
		list_push_back(&p->rends, &e->rlink);
		pipe_store(&p->readers, p->readers + 1);
		p->ropens++;
		pipe_wake_writers(p, FILE_EV_WRITE);
	}
	if (e->writes) {
		list_push_back(&p->wends, &e->wlink);
		pipe_store(&p->writers, p->writers + 1);
		p->wopens++;
		pipe_wake_readers(p, FILE_EV_READ);
	}
	waitq_wake(&p->owait, 0);
}

/* Detach e from p; true if it was p's last end.  p->lock held. */
static bool
pipe_detach(struct pipe *p, struct pipe_end *e)
{
	if (e->reads) {
		list_remove(&e->rlink);
		pipe_store(&p->readers, p->readers - 1);
		if (p->readers == 0)
			pipe_wake_writers(p, FILE_EV_WRITE | FILE_EV_WREOF);
	}
	if (e->writes) {
		list_remove(&e->wlink);
		pipe_store(&p->writers, p->writers - 1);
		if (p->writers == 0)
			pipe_wake_readers(p, FILE_EV_READ | FILE_EV_RDEOF);
	}
	return p->readers == 0 && p->writers == 0;
}

/* The last reference to an end's file is gone.  A FIFO's pipe goes when
 * its last end does (under the FIFO's lock, so an open cannot pick it
 * up meanwhile). */
static void
pipe_close(struct file *fp)
{
	struct pipe_end *e = fp->priv;
	struct pipe *p = e->pipe;
	struct fifo *fi = p->fifo;
	uint64_t f, ff = 0;
	bool last;

	if (fi != NULL)
		ff = spin_lock_irqsave(&fi->lock);
	f = spin_lock_irqsave(&p->lock);
	last = pipe_detach(p, e);
	spin_unlock_irqrestore(&p->lock, f);
	if (fi != NULL) {
		if (last)
			fi->pipe = NULL;
		spin_unlock_irqrestore(&fi->lock, ff);
	}
	kfree(e);
	if (last)
		pipe_free(p);
	if (fi != NULL)
		fifo_release(fi);
}

static const struct file_ops pipe_ops = {
	.read = pipe_read,
	.write = pipe_write,
	.stat = pipe_stat,
	.poll = pipe_poll,
	.close = pipe_close,
};

/* A new end (file with status flags flags) not yet attached.  NULL when
 * out of memory. */
static struct pipe_end *
pipe_end_new(int flags)
{
	struct pipe_end *e;

	e = kzalloc(sizeof(*e));
	if (e == NULL)
		return NULL;
	e->file = file_alloc(&pipe_ops, e, flags);
	if (e->file == NULL) {
		kfree(e);
		return NULL;
	}
	return e;
}

/* Free an end that was never attached (its file never used). */
static void
pipe_end_free(struct pipe_end *e)
{
	kfree(e->file);
	kfree(e);
}

/*
 * A new pipe: *rfp (O_RDONLY) reads what *wfp (O_WRONLY) writes; flags
 * may add O_NONBLOCK to both.  0 or -ENOMEM.  Thread context.
 */
int
pipe_create(int flags, struct file **rfp, struct file **wfp)
{
	struct pipe_end *re, *we;
	struct pipe *p;
	int nb = flags & O_NONBLOCK;
	uint64_t f;

	p = pipe_new();
	re = pipe_end_new(O_RDONLY | nb);
	we = pipe_end_new(O_WRONLY | nb);
	if (p == NULL || re == NULL || we == NULL) {
		if (re != NULL)
			pipe_end_free(re);
		if (we != NULL)
			pipe_end_free(we);
		if (p != NULL)
			pipe_free(p);
		return -ENOMEM;
	}
	f = spin_lock_irqsave(&p->lock);
	pipe_attach(p, re);
	pipe_attach(p, we);
	spin_unlock_irqrestore(&p->lock, f);
	*rfp = re->file;
	*wfp = we->file;
	return 0;
}

/*
 * A new FIFO with one reference (the node's): dev, ino and mode
 * (S_IFIFO | permission bits) are what fstat of its open files reports.
 * NULL when out of memory.  Thread context.
 */
struct fifo *
fifo_create(uint32_t dev, uint64_t ino, uint32_t mode)
{
	struct fifo *fi;

	fi = kzalloc(sizeof(*fi));
	if (fi == NULL)
		return NULL;
	fi->refs = 1;
	fi->dev = dev;
	fi->ino = ino;
	fi->mode = S_IFIFO | (mode & 07777);
	return fi;
}

/* Take another reference to fi.  Any context. */
void
fifo_hold(struct fifo *fi)
{
	__atomic_fetch_add(&fi->refs, 1, __ATOMIC_RELAXED);
}

/* Drop a reference taken with fifo_create or fifo_hold; the last one
 * frees fi (no end is open then).  Thread context. */
void
fifo_release(struct fifo *fi)
{
	if (__atomic_sub_fetch(&fi->refs, 1, __ATOMIC_ACQ_REL) == 0)
		kfree(fi);
}

/*
 * open(2) of the FIFO fi with flags (O_ACCMODE, O_NONBLOCK): a new end
 * of its pipe in *fpp (holding its own reference to fi), after waiting
 * for the other side as the file comment says.  0, -ENXIO (O_WRONLY |
 * O_NONBLOCK without a reader), -ENOMEM.  The caller holds a reference
 * to fi.  Thread context, no lock held: it may sleep.
 */
int
fifo_open(struct fifo *fi, int flags, struct file **fpp)
{
	struct pipe_end *e;
	struct pipe *p, *spare;
	uint64_t f, ff, seen;
	int acc = flags & O_ACCMODE;
	bool last;

	e = pipe_end_new(flags);
	spare = pipe_new();
	if (e == NULL || spare == NULL) {
		if (e != NULL)
			pipe_end_free(e);
		if (spare != NULL)
			pipe_free(spare);
		return -ENOMEM;
	}
	ff = spin_lock_irqsave(&fi->lock);
	p = fi->pipe;
	if (p == NULL) {
		p = fi->pipe = spare;
		p->fifo = fi;
		spare = NULL;
	}
	f = spin_lock_irqsave(&p->lock);
	if (acc == O_WRONLY && (flags & O_NONBLOCK) && p->readers == 0) {
		/* OpenBSD fifo_open: no reader to take the data. */
		last = p->writers == 0;
		spin_unlock_irqrestore(&p->lock, f);
		if (last)
			fi->pipe = NULL;
		spin_unlock_irqrestore(&fi->lock, ff);
		if (last)
			pipe_free(p);
		if (spare != NULL)
			pipe_free(spare);
		pipe_end_free(e);
		return -ENXIO;
	}
	fifo_hold(fi);
	pipe_attach(p, e);
	spin_unlock_irqrestore(&fi->lock, ff);
	/* Wait (once the other side has opened, even if it has closed
	 * again since: OpenBSD sleeps once, woken by that open). */
	if (!(flags & O_NONBLOCK) && acc == O_RDONLY) {
		seen = p->wopens;
		while (p->writers == 0 && p->wopens == seen)
			thread_wait(&p->owait, &p->lock, 0);
	} else if (acc == O_WRONLY) {
		seen = p->ropens;
		while (p->readers == 0 && p->ropens == seen)
			thread_wait(&p->owait, &p->lock, 0);
	}
	spin_unlock_irqrestore(&p->lock, f);
	if (spare != NULL)
		pipe_free(spare);
	*fpp = e->file;
	return 0;
}

/* SPDX-License-Identifier: ISC */
/*
 * pipe.c: pipes.  A ring buffer with one reading and one writing open
 * file; blocking ends sleep on a waitq, readiness goes to kqueue through
 * file_notify().  Go's netpoll wake-up pipe (O_NONBLOCK, one byte per
 * wake-up, level-triggered EVFILT_READ) is the main user.
 */
#include "kernel.h"
#include "libc/fcntl.h"
#include "libc/sys/stat.h"

#define PIPE_SIZE	16384	/* OpenBSD <sys/pipe.h> PIPE_SIZE */
#define PIPE_BUF	512	/* POSIX atomic write size (OpenBSD value) */

/*
 * count, readers and writers change under lock but are also read with
 * atomic loads by the poll ops, which run under kq_lock (fs.h lock
 * order: pipe lock -> kq_lock, so poll cannot take the pipe lock).
 */
struct pipe {
	struct spinlock	lock;
	struct waitq	rwait;		/* readers waiting for data */
	struct waitq	wwait;		/* writers waiting for space */
	char		*buf;		/* PIPE_SIZE bytes */
	uint32_t	head;		/* index of the oldest byte */
	uint32_t	count;		/* bytes buffered */
	uint32_t	readers;	/* 1 while the read end is open */
	uint32_t	writers;	/* 1 while the write end is open */
	struct file	*rfile;		/* NULL once closed */
	struct file	*wfile;
	uint64_t	ino;
	int64_t		ctime_ns;	/* creation, realtime */
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
 * sleepers and tell kqueue.  p->lock held. */
static void
pipe_wake_readers(struct pipe *p, uint32_t hint)
{
	waitq_wake(&p->rwait, 0);
	if (p->rfile != NULL)
		file_notify(p->rfile, hint);
}

static void
pipe_wake_writers(struct pipe *p, uint32_t hint)
{
	waitq_wake(&p->wwait, 0);
	if (p->wfile != NULL)
		file_notify(p->wfile, hint);
}

static long
pipe_read(struct file *fp, void *buf, size_t n, int64_t *off)
{
	struct pipe *p = fp->priv;
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
 * ones may be split (and interleave with other writers).  -EPIPE when the
 * read end is closed (no SIGPIPE: docs/go-openbsd-abi.md §6.10).
 */
static long
pipe_write(struct file *fp, const void *buf, size_t n, int64_t *off)
{
	struct pipe *p = fp->priv;
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

static int
pipe_stat(struct file *fp, struct stat *st)
{
	struct pipe *p = fp->priv;

	st->st_mode = S_IFIFO | 0600;
	st->st_dev = VFS_DEV_PIPE;
	st->st_ino = p->ino;
	st->st_nlink = 1;
	st->st_size = pipe_load(&p->count);
	st->st_blksize = PIPE_SIZE;
	st->st_atim.tv_sec = p->ctime_ns / 1000000000;
	st->st_atim.tv_nsec = p->ctime_ns % 1000000000;
	st->st_mtim = st->st_atim;
	st->st_ctim = st->st_atim;
	return 0;
}

/* Read end: data, or EOF once the write end is closed. */
static void
pipe_rpoll(struct file *fp, struct file_poll *st)
{
	struct pipe *p = fp->priv;
	uint32_t count = pipe_load(&p->count);

	st->nread = count;
	if (count > 0)
		st->ready |= FILE_EV_READ;
	if (pipe_load(&p->writers) == 0)
		st->ready |= FILE_EV_READ | FILE_EV_RDEOF;
}

/* Write end: room for an atomic write (as BSD's filt_pipewrite), or the
 * read end closed (a write now fails with EPIPE). */
static void
pipe_wpoll(struct file *fp, struct file_poll *st)
{
	struct pipe *p = fp->priv;
	uint32_t space = PIPE_SIZE - pipe_load(&p->count);

	st->nwrite = space;
	if (space >= PIPE_BUF)
		st->ready |= FILE_EV_WRITE;
	if (pipe_load(&p->readers) == 0) {
		st->nwrite = 0;
		st->ready |= FILE_EV_WRITE | FILE_EV_WREOF;
	}
}

static void
pipe_free(struct pipe *p)
{
	kfree(p->buf);
	kfree(p);
}

static void
pipe_rclose(struct file *fp)
{
	struct pipe *p = fp->priv;
	bool last;
	uint64_t f;

	f = spin_lock_irqsave(&p->lock);
	pipe_store(&p->readers, 0);
	p->rfile = NULL;
	pipe_wake_writers(p, FILE_EV_WRITE | FILE_EV_WREOF);
	last = p->writers == 0;
	spin_unlock_irqrestore(&p->lock, f);
	if (last)
		pipe_free(p);
}

static void
pipe_wclose(struct file *fp)
{
	struct pipe *p = fp->priv;
	bool last;
	uint64_t f;

	f = spin_lock_irqsave(&p->lock);
	pipe_store(&p->writers, 0);
	p->wfile = NULL;
	pipe_wake_readers(p, FILE_EV_READ | FILE_EV_RDEOF);
	last = p->readers == 0;
	spin_unlock_irqrestore(&p->lock, f);
	if (last)
		pipe_free(p);
}

static const struct file_ops pipe_rops = {
	.read = pipe_read,
	.stat = pipe_stat,
	.poll = pipe_rpoll,
	.close = pipe_rclose,
};

static const struct file_ops pipe_wops = {
	.write = pipe_write,
	.stat = pipe_stat,
	.poll = pipe_wpoll,
	.close = pipe_wclose,
};

/*
 * A new pipe: *rfp (O_RDONLY) reads what *wfp (O_WRONLY) writes; flags
 * may add O_NONBLOCK to both.  0 or -ENOMEM.  Thread context.
 */
int
pipe_create(int flags, struct file **rfp, struct file **wfp)
{
	struct pipe *p;
	int nb = flags & O_NONBLOCK;

	p = kzalloc(sizeof(*p));
	if (p == NULL)
		return -ENOMEM;
	p->buf = kmalloc(PIPE_SIZE);
	if (p->buf == NULL)
		goto fail;
	waitq_init(&p->rwait);
	waitq_init(&p->wwait);
	p->readers = 1;
	p->writers = 1;
	p->ino = file_new_ino();
	p->ctime_ns = time_realtime();
	p->rfile = file_alloc(&pipe_rops, p, O_RDONLY | nb);
	if (p->rfile == NULL)
		goto fail;
	p->wfile = file_alloc(&pipe_wops, p, O_WRONLY | nb);
	if (p->wfile == NULL) {
		/* Closing the read end alone would leave writers == 1. */
		kfree(p->rfile);
		goto fail;
	}
	*rfp = p->rfile;
	*wfp = p->wfile;
	return 0;
fail:
	pipe_free(p);
	return -ENOMEM;
}

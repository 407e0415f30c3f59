/* SPDX-License-Identifier: ISC */
/*
 * kqueue.c: kqueue(2)/kevent(2) for EVFILT_READ and EVFILT_WRITE on fds
 * (docs/go-openbsd-abi.md §9).  Go's netpoller and timers wait here.
 *
 * A knote is one (kqueue, fd, filter) registration.  It sits on its
 * kqueue's list, on its file's list (so file_notify finds it) and, while
 * it may be ready, on its kqueue's active list.  file_notify() queues
 * knotes; kevent re-checks each queued knote with the file's poll op
 * before reporting it:
 *   level (default)  reported while the condition holds: stays queued
 *                    after a report, dropped when poll says not ready;
 *   EV_CLEAR         dropped after a report, queued again by the next
 *                    notification (each arrival of data, each freeing of
 *                    space, EOF), so every transition is reported;
 *   EV_ONESHOT       deleted after a report; EV_DISPATCH disabled.
 * EV_ADD and EV_ENABLE check the condition at once, so a registration on
 * an fd that is already ready is reported.
 *
 * One lock, kq_lock, guards every kqueue, knote and file knote list: Go
 * uses one kqueue, so finer locks would buy nothing.  It is taken with
 * interrupts off; waiters sleep on their kqueue's waitq with it.  Lock
 * order (fs.h): object locks -> kq_lock -> fd table lock.
 */
#include "kernel.h"
#include "libc/fcntl.h"
#include "libc/sys/event.h"
#include "libc/sys/stat.h"

_Static_assert(sizeof(struct kevent) == 32, "struct kevent is 32 bytes");
_Static_assert(offsetof(struct kevent, filter) == 8, "kevent.filter");
_Static_assert(offsetof(struct kevent, flags) == 10, "kevent.flags");
_Static_assert(offsetof(struct kevent, fflags) == 12, "kevent.fflags");
_Static_assert(offsetof(struct kevent, data) == 16, "kevent.data");
_Static_assert(offsetof(struct kevent, udata) == 24, "kevent.udata");

#define NSEC_PER_SEC	1000000000LL
/* Flags a knote keeps from its EV_ADD and returns in events. */
#define KN_KEEP_FLAGS	(EV_ADD | EV_ONESHOT | EV_CLEAR | EV_DISPATCH)

struct kqueue {
	struct waitq	wq;		/* threads blocked in kevent */
	struct list	knotes;		/* every registration */
	struct list	active;		/* knotes that may be ready */
	uint64_t	ino;
	int64_t		ctime_ns;
};

struct knote {
	struct kqueue	*kq;
	struct file	*fp;
	struct list	kq_link;	/* on kq->knotes */
	struct list	fp_link;	/* on fp->knotes */
	struct list	act_link;	/* on kq->active while queued */
	int		ident;		/* the fd */
	int16_t		filter;
	uint16_t	flags;		/* KN_KEEP_FLAGS */
	uint32_t	fflags;		/* as registered (unused by READ/WRITE) */
	int64_t		sdata;		/* as registered */
	void		*udata;		/* returned bit for bit */
	bool		queued;
	bool		disabled;
};

static struct spinlock kq_lock;
static const struct file_ops kqueue_ops;

/* Put kn on its kqueue's active list and wake the kqueue's waiters. */
static void
knote_activate(struct knote *kn)
{
	if (kn->queued || kn->disabled)
		return;
	kn->queued = true;
	list_push_back(&kn->kq->active, &kn->act_link);
	waitq_wake(&kn->kq->wq, 0);
}

static void
knote_dequeue(struct knote *kn)
{
	if (kn->queued) {
		list_remove(&kn->act_link);
		kn->queued = false;
	}
}

/* Unlink kn from everything and move it to dead (freed after the lock is
 * dropped, since kfree is not for interrupts-off context). */
static void
knote_detach(struct knote *kn, struct list *dead)
{
	knote_dequeue(kn);
	list_remove(&kn->fp_link);
	list_remove(&kn->kq_link);
	list_push_back(dead, &kn->kq_link);
}

static void
knote_free_list(struct list *dead)
{
	struct list *p, *n;

	list_for_each_safe(p, n, dead)
		kfree(list_entry(p, struct knote, kq_link));
}

/*
 * Is kn's condition true now?  Fills ev (when not NULL) with the event to
 * report.  kq_lock held.
 */
static bool
knote_check(struct knote *kn, struct kevent *ev)
{
	struct file_poll st;
	uint32_t eof;
	int64_t data;
	bool ready;

	file_poll(kn->fp, &st);
	if (kn->filter == EVFILT_READ) {
		ready = (st.ready & (FILE_EV_READ | FILE_EV_RDEOF)) != 0;
		eof = st.ready & FILE_EV_RDEOF;
		data = st.nread;
	} else {
		ready = (st.ready & (FILE_EV_WRITE | FILE_EV_WREOF)) != 0;
		eof = st.ready & FILE_EV_WREOF;
		data = st.nwrite;
	}
	if (ready && ev != NULL) {
		ev->ident = (uintptr_t)kn->ident;
		ev->filter = kn->filter;
		ev->flags = kn->flags | (eof ? EV_EOF : 0);
		ev->fflags = eof ? (unsigned int)st.error : 0;
		ev->data = data;
		ev->udata = kn->udata;
	}
	return ready;
}

static struct knote *
knote_find(struct kqueue *kq, struct file *fp, int ident, int16_t filter)
{
	struct knote *kn;
	struct list *p;

	list_for_each(p, &fp->knotes) {
		kn = list_entry(p, struct knote, fp_link);
		if (kn->kq == kq && kn->ident == ident && kn->filter == filter)
			return kn;
	}
	return NULL;
}

/*
 * Apply one change.  *spare is a preallocated knote that EV_ADD of a new
 * registration consumes.  0 or -errno.  kq_lock held.
 */
static int
kq_change(struct kqueue *kq, const struct kevent *kev, struct knote **spare,
    struct list *dead)
{
	struct knote *kn;
	struct file *fp;

	if (kev->filter != EVFILT_READ && kev->filter != EVFILT_WRITE)
		return -EINVAL;
	if (kev->ident >= FD_MAX)
		return -EBADF;
	fp = fd_peek((int)kev->ident);
	if (fp == NULL)
		return -EBADF;
	kn = knote_find(kq, fp, (int)kev->ident, kev->filter);
	if (kn == NULL && !(kev->flags & EV_ADD))
		return -ENOENT;
	if ((kev->flags & (EV_ADD | EV_DELETE)) == EV_DELETE) {
		/* EV_ADD wins over EV_DELETE, as in OpenBSD. */
		knote_detach(kn, dead);
		return 0;
	}
	if (kn == NULL) {
		if (fp->ops->poll == NULL)
			return -ENODEV;
		if (*spare == NULL)
			return -ENOMEM;
		kn = *spare;
		*spare = NULL;
		memset(kn, 0, sizeof(*kn));
		kn->kq = kq;
		kn->fp = fp;
		kn->ident = (int)kev->ident;
		kn->filter = kev->filter;
		kn->flags = kev->flags & KN_KEEP_FLAGS;
		list_init(&kn->act_link);
		list_push_back(&kq->knotes, &kn->kq_link);
		list_push_back(&fp->knotes, &kn->fp_link);
	}
	if (kev->flags & EV_ADD) {
		kn->fflags = kev->fflags;
		kn->sdata = kev->data;
		kn->udata = kev->udata;
	}
	if (kev->flags & EV_DISABLE) {
		kn->disabled = true;
		knote_dequeue(kn);
	}
	if (kev->flags & EV_ENABLE)
		kn->disabled = false;
	if ((kev->flags & (EV_ADD | EV_ENABLE)) && !kn->disabled &&
	    knote_check(kn, NULL))
		knote_activate(kn);
	return 0;
}

/* Move the entries of from (in order) to the front of to. */
static void
list_splice_front(struct list *from, struct list *to)
{
	if (list_empty(from))
		return;
	from->prev->next = to->next;
	to->next->prev = from->prev;
	to->next = from->next;
	from->next->prev = to;
	list_init(from);
}

/*
 * Collect up to nev ready events into ev.  Each queued knote is looked at
 * at most once per scan.  Level-triggered ones that were reported go to
 * the tail of the active list, and those not reached for lack of room
 * stay at its head, so a small event list cannot starve a knote.
 * kq_lock held.
 */
static int
kq_scan(struct kqueue *kq, struct kevent *ev, int nev, struct list *dead)
{
	struct list todo, *p;
	struct knote *kn;
	int n = 0;

	list_init(&todo);
	list_splice_front(&kq->active, &todo);
	while (!list_empty(&todo) && n < nev) {
		p = todo.next;
		kn = list_entry(p, struct knote, act_link);
		list_remove(p);
		if (kn->disabled || !knote_check(kn, &ev[n])) {
			kn->queued = false;
			continue;
		}
		n++;
		if (kn->flags & EV_ONESHOT) {
			kn->queued = false;
			knote_detach(kn, dead);
		} else if (kn->flags & (EV_CLEAR | EV_DISPATCH)) {
			kn->queued = false;
			if (kn->flags & EV_DISPATCH)
				kn->disabled = true;
		} else {
			list_push_back(&kq->active, p);
		}
	}
	list_splice_front(&todo, &kq->active);
	return n;
}

/*
 * The monotonic deadline for relative timeout ts: 0 when ts is NULL (no
 * deadline) or too far away to matter, else now + ts.  now is read after
 * the call began, so waiting until the deadline is never shorter than ts.
 */
static uint64_t
kq_deadline(const struct timespec *ts)
{
	uint64_t now, ns;

	if (ts == NULL)
		return 0;
	if ((uint64_t)ts->tv_sec > UINT64_MAX / NSEC_PER_SEC / 2)
		return 0;
	ns = (uint64_t)ts->tv_sec * NSEC_PER_SEC + (uint64_t)ts->tv_nsec;
	now = time_monotonic();
	if (ns > UINT64_MAX / 2 - now)
		return 0;
	return now + ns;
}

/* kevent(2); see fs.h. */
int
kqueue_kevent(struct file *kqfp, const struct kevent *ch, int nch,
    struct kevent *ev, int nev, const struct timespec *ts)
{
	struct kqueue *kq;
	struct knote *spare = NULL;
	struct list dead;
	uint64_t f, deadline;
	bool poll;
	int i, r, n, nerr = 0;

	if (kqfp->ops != &kqueue_ops)
		return -EBADF;
	kq = kqfp->priv;
	if (nch < 0 || nev < 0)
		return -EINVAL;
	if ((nch > 0 && ch == NULL) || (nev > 0 && ev == NULL))
		return -EFAULT;
	if (ts != NULL && (ts->tv_sec < 0 || ts->tv_nsec < 0 ||
	    ts->tv_nsec >= NSEC_PER_SEC))
		return -EINVAL;
	list_init(&dead);

	for (i = 0; i < nch; i++) {
		if ((ch[i].flags & EV_ADD) && spare == NULL) {
			spare = kmalloc(sizeof(*spare));
			/* NULL: kq_change fails a new registration with
			 * -ENOMEM. */
		}
		f = spin_lock_irqsave(&kq_lock);
		r = kq_change(kq, &ch[i], &spare, &dead);
		spin_unlock_irqrestore(&kq_lock, f);
		knote_free_list(&dead);
		list_init(&dead);
		if (r == 0 && !(ch[i].flags & EV_RECEIPT))
			continue;
		if (nerr >= nev) {
			if (r < 0) {
				kfree(spare);
				return r;
			}
			continue;
		}
		ev[nerr] = ch[i];
		ev[nerr].flags = EV_ERROR;
		ev[nerr].data = -r;
		nerr++;
	}
	kfree(spare);
	if (nerr > 0 || nev == 0)
		return nerr;

	poll = ts != NULL && ts->tv_sec == 0 && ts->tv_nsec == 0;
	deadline = poll ? 0 : kq_deadline(ts);
	f = spin_lock_irqsave(&kq_lock);
	for (;;) {
		n = kq_scan(kq, ev, nev, &dead);
		if (n > 0 || poll)
			break;
		if (deadline != 0 && time_monotonic() >= deadline)
			break;
		/* Woken by knote_activate, or at the deadline; either way
		 * scan again (the time check above decides). */
		thread_wait(&kq->wq, &kq_lock, deadline);
	}
	spin_unlock_irqrestore(&kq_lock, f);
	knote_free_list(&dead);
	return n;
}

/* See fs.h.  Any context: takes kq_lock with interrupts off. */
void
file_notify(struct file *fp, uint32_t hint)
{
	struct knote *kn;
	struct list *p;
	uint64_t f;

	f = spin_lock_irqsave(&kq_lock);
	list_for_each(p, &fp->knotes) {
		kn = list_entry(p, struct knote, fp_link);
		if (kn->filter == EVFILT_READ ?
		    (hint & (FILE_EV_READ | FILE_EV_RDEOF)) != 0 :
		    (hint & (FILE_EV_WRITE | FILE_EV_WREOF)) != 0)
			knote_activate(kn);
	}
	spin_unlock_irqrestore(&kq_lock, f);
}

/* fd no longer refers to fp: delete fp's knotes for fd in every kqueue.
 * Thread context. */
void
knote_fdclose(struct file *fp, int fd)
{
	struct list dead, *p, *n;
	struct knote *kn;
	uint64_t f;

	list_init(&dead);
	f = spin_lock_irqsave(&kq_lock);
	list_for_each_safe(p, n, &fp->knotes) {
		kn = list_entry(p, struct knote, fp_link);
		if (kn->ident == fd)
			knote_detach(kn, &dead);
	}
	spin_unlock_irqrestore(&kq_lock, f);
	knote_free_list(&dead);
}

static int
kqueue_stat(struct file *fp, struct stat *st)
{
	struct kqueue *kq = fp->priv;

	st->st_mode = S_IFIFO | 0600;	/* as OpenBSD's kqueue_stat */
	st->st_dev = VFS_DEV_KQUEUE;
	st->st_ino = kq->ino;
	st->st_nlink = 1;
	st->st_blksize = sizeof(struct kevent);
	st->st_atim.tv_sec = kq->ctime_ns / NSEC_PER_SEC;
	st->st_atim.tv_nsec = kq->ctime_ns % NSEC_PER_SEC;
	st->st_mtim = st->st_atim;
	st->st_ctim = st->st_atim;
	return 0;
}

/*
 * The last reference is gone.  Nobody is in kevent on it (a caller holds
 * a reference), so only the registrations are left to delete.
 */
static void
kqueue_close(struct file *fp)
{
	struct kqueue *kq = fp->priv;
	struct list dead, *p, *n;
	uint64_t f;

	list_init(&dead);
	f = spin_lock_irqsave(&kq_lock);
	list_for_each_safe(p, n, &kq->knotes)
		knote_detach(list_entry(p, struct knote, kq_link), &dead);
	spin_unlock_irqrestore(&kq_lock, f);
	knote_free_list(&dead);
	kfree(kq);
}

/* read/write on a kqueue fail with EINVAL (generic default); it cannot
 * be registered in a kqueue itself (no poll op: ENODEV). */
static const struct file_ops kqueue_ops = {
	.stat = kqueue_stat,
	.close = kqueue_close,
};

/* A new kqueue file (O_RDWR).  0 or -ENOMEM.  Thread context. */
int
kqueue_create(struct file **fpp)
{
	struct kqueue *kq;

	kq = kzalloc(sizeof(*kq));
	if (kq == NULL)
		return -ENOMEM;
	waitq_init(&kq->wq);
	list_init(&kq->knotes);
	list_init(&kq->active);
	kq->ino = file_new_ino();
	kq->ctime_ns = time_realtime();
	*fpp = file_alloc(&kqueue_ops, kq, O_RDWR);
	if (*fpp == NULL) {
		kfree(kq);
		return -ENOMEM;
	}
	return 0;
}

/* SPDX-License-Identifier: ISC */
/*
 * thrsleep.c: OpenBSD's __thrsleep/__thrwakeup (docs/go-openbsd-abi.md §3),
 * the primitive behind every lock, note and idle M of the Go runtime, and
 * the futex_wait/futex_wake it is built on, which the pthread mutex,
 * condition variable and once also use.
 *
 * Sleepers are keyed by address.  An address hashes to one of NBUCKETS
 * buckets; a bucket's lock guards its list of sleepers and is the lock
 * each sleeper passes to thread_wait.  Each sleeper has its own waitq (on
 * its stack) so a wake-up picks exactly the sleepers of one address.
 */
#include <time.h>		/* struct timespec */

#include "kernel.h"

#define NBUCKETS	64	/* power of two */

struct sleeper {
	struct list	link;		/* bucket list, self-linked when off */
	const volatile void *id;
	struct waitq	wq;		/* just this sleeper */
};

struct bucket {
	struct spinlock	lock;
	struct list	sleepers;	/* next == NULL: not yet initialised */
};

static struct bucket buckets[NBUCKETS];

static struct bucket *
bucket_of(const volatile void *id)
{
	/* Fibonacci hashing of the address (Knuth, TAOCP vol 3 §6.4). */
	uint64_t h = ((uintptr_t)id >> 2) * 0x9e3779b97f4a7c15ULL;

	return &buckets[h >> (64 - 6)];
}

/* Lock b (interrupts off) and initialise its list on first use. */
static uint64_t
bucket_lock(struct bucket *b)
{
	uint64_t f = spin_lock_irqsave(&b->lock);

	if (b->sleepers.next == NULL)
		list_init(&b->sleepers);
	return f;
}

/*
 * Sleep on id unless *p != expected, releasing the caller's user-level
 * lock *unlock (an OpenBSD _atomic_lock_t, 0 = unlocked) once queued.
 */
static int
addr_wait(const volatile void *id, const volatile uint32_t *p,
    uint32_t expected, uint64_t deadline, volatile uint32_t *unlock)
{
	struct bucket *b = bucket_of(id);
	struct sleeper s;
	uint64_t f;
	int r;

	s.id = id;
	waitq_init(&s.wq);
	f = bucket_lock(b);
	if (p != NULL && __atomic_load_n(p, __ATOMIC_ACQUIRE) != expected) {
		r = -EINTR;
	} else {
		list_push_back(&b->sleepers, &s.link);
		if (unlock != NULL)
			__atomic_store_n(unlock, 0, __ATOMIC_RELEASE);
		unlock = NULL;
		r = thread_wait(&s.wq, &b->lock, deadline);
		/* A waker took us off the list; a timeout did not. */
		list_remove(&s.link);
	}
	spin_unlock_irqrestore(&b->lock, f);
	if (unlock != NULL)
		__atomic_store_n(unlock, 0, __ATOMIC_RELEASE);
	return r;
}

/*
 * Sleep on id unless *p != expected (p may be NULL).  The check is made
 * under the lock futex_wake takes, so a wake-up that follows a change of
 * *p is never lost.  deadline is monotonic ns, 0 = none.  Returns 0 when
 * woken (or spuriously), -EINTR if *p != expected, -ETIMEDOUT at the
 * deadline.  Thread context.
 */
int
futex_wait(const volatile void *id, const volatile uint32_t *p,
    uint32_t expected, uint64_t deadline)
{
	return addr_wait(id, p, expected, deadline, NULL);
}

/*
 * Wake up to n sleepers on id (n <= 0: all), oldest first.  Returns how
 * many woke.  Thread or signal context (not interrupt handlers).
 */
int
futex_wake(const volatile void *id, int n)
{
	struct bucket *b = bucket_of(id);
	struct list *p, *nx;
	int woke = 0;
	uint64_t f;

	f = bucket_lock(b);
	list_for_each_safe(p, nx, &b->sleepers) {
		struct sleeper *s = list_entry(p, struct sleeper, link);

		if (s->id != id)
			continue;
		list_remove(&s->link);
		/* 0 if it timed out already and is on its way out. */
		woke += waitq_wake(&s->wq, 1);
		if (n > 0 && woke >= n)
			break;
	}
	spin_unlock_irqrestore(&b->lock, f);
	return woke;
}

/*
 * Absolute deadline ts on clock clock_id as a monotonic-clock deadline in
 * ns; *past set if it has already passed.  -EINVAL for an unknown clock or
 * tv_nsec outside [0, 1e9).
 */
static int
abs_deadline(int clock_id, const struct timespec *ts, uint64_t *out,
    bool *past)
{
	int64_t now, when;
	int r;

	r = time_clock(clock_id, &now);
	if (r != 0)
		return r;
	if (ts->tv_nsec < 0 || ts->tv_nsec >= 1000000000L)
		return -EINVAL;
	/* Saturate: a deadline centuries away is as good as none. */
	if (ts->tv_sec > INT64_MAX / 1000000000 - 1)
		when = INT64_MAX;
	else if (ts->tv_sec < 0)
		when = -1;		/* before every clock's epoch */
	else
		when = ts->tv_sec * 1000000000 + ts->tv_nsec;
	*past = when <= now;
	if (*past)
		return 0;
	*out = time_monotonic() + (uint64_t)(when - now);
	if (*out < (uint64_t)(when - now))	/* wrapped */
		*out = UINT64_MAX;
	return 0;
}

/*
 * OpenBSD __thrsleep(2): sleep on id until __thrwakeup(id) or the absolute
 * time abstime (NULL: none) on clock_id; release *lock once queued; if
 * *abort != 0 when checked under the wake-up lock, do not sleep.  Returns
 * an errno value, not -1: 0 woken, EWOULDBLOCK timed out (at once if
 * abstime has passed), EINTR aborted, EINVAL bad clock or abstime.
 * Thread or signal context.
 */
int
__thrsleep(const volatile void *id, int clock_id,
    const struct timespec *abstime, void *lock, const int *abort)
{
	uint64_t deadline = 0;
	bool past = false;
	int r;

	if (abstime != NULL) {
		r = abs_deadline(clock_id, abstime, &deadline, &past);
		if (r == 0 && past)
			r = -EWOULDBLOCK;
		if (r != 0) {
			if (lock != NULL)
				__atomic_store_n((volatile uint32_t *)lock, 0,
				    __ATOMIC_RELEASE);
			return -r;
		}
	}
	r = addr_wait(id, (const volatile uint32_t *)abort, 0, deadline,
	    (volatile uint32_t *)lock);
	switch (r) {
	case 0:
		return 0;
	case -ETIMEDOUT:
		return EWOULDBLOCK;
	default:
		return -r;
	}
}

/*
 * OpenBSD __thrwakeup(2): wake up to count sleepers on id (0 = all).
 * Returns 0 if any woke, ESRCH if nobody slept on id.  Thread or signal
 * context.
 */
int
__thrwakeup(const volatile void *id, int count)
{
	return futex_wake(id, count) > 0 ? 0 : ESRCH;
}

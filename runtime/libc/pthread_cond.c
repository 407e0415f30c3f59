/* SPDX-License-Identifier: ISC */
/*
 * pthread_cond.c: condition variables as a sequence number plus the futex
 * of thrsleep.c.  A waiter samples the sequence, unlocks the mutex and
 * sleeps unless the sequence moved; signal and broadcast bump it and wake
 * one or all.  A wake-up between the unlock and the sleep is therefore
 * not lost; spurious wake-ups are possible, as POSIX allows.  An all-zero
 * object (PTHREAD_COND_INITIALIZER, what runtime/cgo uses) is valid and
 * times out on CLOCK_REALTIME.  Results are errno values.
 */
#define _DEFAULT_SOURCE 1
#include <pthread.h>
#include <time.h>

#include "kernel.h"

struct cond {
	uint32_t	seq;
	uint32_t	clock;		/* clockid for timedwait deadlines */
};
_Static_assert(sizeof(struct cond) <= sizeof(pthread_cond_t),
    "struct cond must fit musl's pthread_cond_t");
_Static_assert(sizeof(unsigned) <= sizeof(pthread_condattr_t),
    "condattr holds the clock");

/* Initialise c; attr may choose the clock (NULL: CLOCK_REALTIME).  0. */
int
pthread_cond_init(pthread_cond_t *restrict c,
    const pthread_condattr_t *restrict attr)
{
	struct cond *cv = (struct cond *)c;

	memset(c, 0, sizeof(*c));
	if (attr != NULL)
		cv->clock = *(const unsigned *)attr;
	return 0;
}

/* Nothing to free.  0. */
int
pthread_cond_destroy(pthread_cond_t *c)
{
	return 0;
}

static int
cond_wait(struct cond *cv, pthread_mutex_t *m, uint64_t deadline)
{
	uint32_t seq = __atomic_load_n(&cv->seq, __ATOMIC_ACQUIRE);
	int r, lr;

	r = pthread_mutex_unlock(m);
	if (r != 0)
		return r;
	r = futex_wait(&cv->seq, &cv->seq, seq, deadline);
	lr = pthread_mutex_lock(m);
	if (lr != 0)
		return lr;
	return r == -ETIMEDOUT ? ETIMEDOUT : 0;
}

/* Wait for a signal or broadcast on c with m held (released meanwhile,
 * held again on return).  0, or EPERM from an owner-checking mutex. */
int
pthread_cond_wait(pthread_cond_t *restrict c, pthread_mutex_t *restrict m)
{
	return cond_wait((struct cond *)c, m, 0);
}

/*
 * pthread_cond_wait until the absolute time ts on c's clock.  0,
 * ETIMEDOUT (with m held again), EINVAL for a bad ts.  Thread context.
 */
int
pthread_cond_timedwait(pthread_cond_t *restrict c, pthread_mutex_t *restrict m,
    const struct timespec *restrict ts)
{
	struct cond *cv = (struct cond *)c;
	int64_t now, when;
	uint64_t deadline;

	if (ts->tv_nsec < 0 || ts->tv_nsec >= 1000000000L)
		return EINVAL;
	if (time_clock((int)cv->clock, &now) != 0)
		return EINVAL;
	if (ts->tv_sec < 0)
		return ETIMEDOUT;
	if (ts->tv_sec > INT64_MAX / 1000000000 - 1)
		return cond_wait(cv, m, 0);	/* never, in practice */
	when = ts->tv_sec * 1000000000 + ts->tv_nsec;
	if (when <= now)
		return ETIMEDOUT;
	deadline = time_monotonic() + (uint64_t)(when - now);
	return cond_wait(cv, m, deadline);
}

/* Wake one waiter of c.  0.  Thread or signal context. */
int
pthread_cond_signal(pthread_cond_t *c)
{
	struct cond *cv = (struct cond *)c;

	__atomic_add_fetch(&cv->seq, 1, __ATOMIC_RELEASE);
	futex_wake(&cv->seq, 1);
	return 0;
}

/* Wake every waiter of c.  0.  Thread or signal context. */
int
pthread_cond_broadcast(pthread_cond_t *c)
{
	struct cond *cv = (struct cond *)c;

	__atomic_add_fetch(&cv->seq, 1, __ATOMIC_RELEASE);
	futex_wake(&cv->seq, 0);
	return 0;
}

/* CLOCK_REALTIME.  0. */
int
pthread_condattr_init(pthread_condattr_t *a)
{
	memset(a, 0, sizeof(*a));
	return 0;
}

/* Nothing to free.  0. */
int
pthread_condattr_destroy(pthread_condattr_t *a)
{
	return 0;
}

/* CLOCK_REALTIME or CLOCK_MONOTONIC: 0, else EINVAL. */
int
pthread_condattr_setclock(pthread_condattr_t *a, clockid_t clock)
{
	if (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC)
		return EINVAL;
	*(unsigned *)a = (unsigned)clock;
	return 0;
}

/* The clock set by pthread_condattr_setclock.  0. */
int
pthread_condattr_getclock(const pthread_condattr_t *restrict a,
    clockid_t *restrict clock)
{
	*clock = (clockid_t)*(const unsigned *)a;
	return 0;
}

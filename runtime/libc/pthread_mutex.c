/* SPDX-License-Identifier: ISC */
/*
 * pthread_mutex.c: mutexes on the futex of thrsleep.c (U. Drepper,
 * "Futexes Are Tricky", mutex2).  runtime/cgo locks static musl-sized
 * objects (40 bytes) set up by PTHREAD_MUTEX_INITIALIZER, so an all-zero
 * object is a valid unlocked normal mutex.  Recursive and error-checking
 * types come from a mutexattr.  Results are errno values.
 */
#define _DEFAULT_SOURCE 1
#include <pthread.h>

#include "kernel.h"

#define M_UNLOCKED	0
#define M_LOCKED	1
#define M_CONTENDED	2	/* locked, and someone may sleep on it */

struct mutex {
	uint32_t	state;
	uint32_t	type;		/* PTHREAD_MUTEX_NORMAL/RECURSIVE/ERRORCHECK */
	int32_t		owner;		/* tid, for RECURSIVE and ERRORCHECK */
	uint32_t	count;		/* RECURSIVE depth beyond the first */
};
_Static_assert(sizeof(struct mutex) <= sizeof(pthread_mutex_t),
    "struct mutex must fit musl's pthread_mutex_t");
_Static_assert(sizeof(unsigned) <= sizeof(pthread_mutexattr_t),
    "mutexattr holds the type");

/* Initialise m as unlocked, of attr's type (NULL: normal).  0. */
int
pthread_mutex_init(pthread_mutex_t *restrict m,
    const pthread_mutexattr_t *restrict attr)
{
	struct mutex *mx = (struct mutex *)m;

	memset(m, 0, sizeof(*m));
	if (attr != NULL)
		mx->type = *(const unsigned *)attr;
	return 0;
}

/* Nothing to free.  0. */
int
pthread_mutex_destroy(pthread_mutex_t *m)
{
	return 0;
}

/* Handle the owner checks of the non-normal types; 1 if done with r. */
static int
owned_by_me(struct mutex *mx, int *r)
{
	if (mx->type == PTHREAD_MUTEX_NORMAL ||
	    mx->owner != thread_current()->tid)
		return 0;
	if (mx->type == PTHREAD_MUTEX_RECURSIVE) {
		mx->count++;
		*r = 0;
	} else
		*r = EDEADLK;
	return 1;
}

/*
 * Lock m, sleeping while another thread holds it.  0, or EDEADLK for an
 * error-checking mutex the caller holds.  Thread context.
 */
int
pthread_mutex_lock(pthread_mutex_t *m)
{
	struct mutex *mx = (struct mutex *)m;
	uint32_t c = M_UNLOCKED;
	int r;

	if (!__atomic_compare_exchange_n(&mx->state, &c, M_LOCKED, false,
	    __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
		if (owned_by_me(mx, &r))
			return r;
		if (c != M_CONTENDED)
			c = __atomic_exchange_n(&mx->state, M_CONTENDED,
			    __ATOMIC_ACQUIRE);
		while (c != M_UNLOCKED) {
			(void)futex_wait(&mx->state, &mx->state, M_CONTENDED, 0);
			c = __atomic_exchange_n(&mx->state, M_CONTENDED,
			    __ATOMIC_ACQUIRE);
		}
	}
	if (mx->type != PTHREAD_MUTEX_NORMAL)
		mx->owner = thread_current()->tid;
	return 0;
}

/* Lock m if it is free: 0, else EBUSY (0 again for a recursive mutex the
 * caller holds). */
int
pthread_mutex_trylock(pthread_mutex_t *m)
{
	struct mutex *mx = (struct mutex *)m;
	uint32_t c = M_UNLOCKED;
	int r;

	if (!__atomic_compare_exchange_n(&mx->state, &c, M_LOCKED, false,
	    __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
		if (mx->type == PTHREAD_MUTEX_RECURSIVE && owned_by_me(mx, &r))
			return r;
		return EBUSY;
	}
	if (mx->type != PTHREAD_MUTEX_NORMAL)
		mx->owner = thread_current()->tid;
	return 0;
}

/*
 * Unlock m and wake one sleeper if there may be one.  0, or EPERM when a
 * recursive or error-checking mutex is not held by the caller.  Thread or
 * signal context.
 */
int
pthread_mutex_unlock(pthread_mutex_t *m)
{
	struct mutex *mx = (struct mutex *)m;

	if (mx->type != PTHREAD_MUTEX_NORMAL) {
		if (mx->owner != thread_current()->tid ||
		    __atomic_load_n(&mx->state, __ATOMIC_RELAXED) == M_UNLOCKED)
			return EPERM;
		if (mx->count > 0) {
			mx->count--;
			return 0;
		}
		mx->owner = 0;
	}
	if (__atomic_exchange_n(&mx->state, M_UNLOCKED, __ATOMIC_RELEASE) ==
	    M_CONTENDED)
		futex_wake(&mx->state, 1);
	return 0;
}

/* A normal-type attribute.  0. */
int
pthread_mutexattr_init(pthread_mutexattr_t *a)
{
	memset(a, 0, sizeof(*a));
	return 0;
}

/* Nothing to free.  0. */
int
pthread_mutexattr_destroy(pthread_mutexattr_t *a)
{
	return 0;
}

/* 0, or EINVAL for an unknown type. */
int
pthread_mutexattr_settype(pthread_mutexattr_t *a, int type)
{
	if (type != PTHREAD_MUTEX_NORMAL && type != PTHREAD_MUTEX_RECURSIVE &&
	    type != PTHREAD_MUTEX_ERRORCHECK)
		return EINVAL;
	*(unsigned *)a = (unsigned)type;
	return 0;
}

/* The type set by pthread_mutexattr_settype.  0. */
int
pthread_mutexattr_gettype(const pthread_mutexattr_t *restrict a,
    int *restrict type)
{
	*type = (int)*(const unsigned *)a;
	return 0;
}

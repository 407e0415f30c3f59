/* SPDX-License-Identifier: ISC */
/*
 * pthread_key.c: thread-specific data.  runtime/cgo creates one key (the g
 * of a C thread that called into Go) and sets it only on such threads.
 * Each key slot carries a generation number so that a slot reused after
 * pthread_key_delete reads NULL in every thread, as POSIX requires of a
 * new key.  A thread's values live in an array allocated on its first
 * pthread_setspecific.
 */
#define _DEFAULT_SOURCE 1
#include <pthread.h>

#include "kernel.h"

/* musl's <limits.h> values (which cannot be included next to kernel.h:
 * both define PAGE_SIZE). */
#define KEYS_MAX	128	/* PTHREAD_KEYS_MAX */
#define DTOR_ROUNDS	4	/* PTHREAD_DESTRUCTOR_ITERATIONS */

struct key {
	uint64_t	gen;		/* 0: free */
	void		(*dtor)(void *);
};

struct tsd_slot {
	uint64_t	gen;		/* the key's gen when val was set */
	void		*val;
};

static struct spinlock key_lock;
static struct key keys[KEYS_MAX];
static uint64_t key_gen;

/* A new key, value NULL in every thread.  0, or EAGAIN if all are used. */
int
pthread_key_create(pthread_key_t *k, void (*dtor)(void *))
{
	uint64_t f;
	unsigned int i;

	f = spin_lock_irqsave(&key_lock);
	for (i = 0; i < KEYS_MAX; i++) {
		if (keys[i].gen == 0) {
			keys[i].gen = ++key_gen;
			keys[i].dtor = dtor;
			*k = i;
			spin_unlock_irqrestore(&key_lock, f);
			return 0;
		}
	}
	spin_unlock_irqrestore(&key_lock, f);
	return EAGAIN;
}

/* Free key k (no destructors run).  0, or EINVAL if k is not in use. */
int
pthread_key_delete(pthread_key_t k)
{
	uint64_t f;
	int r = 0;

	if (k >= KEYS_MAX)
		return EINVAL;
	f = spin_lock_irqsave(&key_lock);
	if (keys[k].gen == 0)
		r = EINVAL;
	keys[k].gen = 0;
	keys[k].dtor = NULL;
	spin_unlock_irqrestore(&key_lock, f);
	return r;
}

/* The calling thread's value for k, NULL if none.  Any thread context. */
void *
pthread_getspecific(pthread_key_t k)
{
	struct tsd_slot *tsd = thread_current()->tsd;
	uint64_t gen;

	if (tsd == NULL || k >= KEYS_MAX)
		return NULL;
	gen = __atomic_load_n(&keys[k].gen, __ATOMIC_RELAXED);
	return gen != 0 && tsd[k].gen == gen ? tsd[k].val : NULL;
}

/* Set the calling thread's value for k.  0, EINVAL for a bad key,
 * ENOMEM.  Thread context. */
int
pthread_setspecific(pthread_key_t k, const void *v)
{
	struct thread *t = thread_current();
	struct tsd_slot *tsd = t->tsd;
	uint64_t gen;

	if (k >= KEYS_MAX)
		return EINVAL;
	gen = __atomic_load_n(&keys[k].gen, __ATOMIC_RELAXED);
	if (gen == 0)
		return EINVAL;
	if (tsd == NULL) {
		tsd = kzalloc(KEYS_MAX * sizeof(*tsd));
		if (tsd == NULL)
			return ENOMEM;
		t->tsd = tsd;
	}
	tsd[k].gen = gen;
	tsd[k].val = (void *)(uintptr_t)v;
	return 0;
}

/*
 * Thread exit: call each key's destructor on the thread's non-NULL values
 * (value reset to NULL first), up to PTHREAD_DESTRUCTOR_ITERATIONS rounds
 * while destructors set new values, then free the slots.  Called by
 * thread_exit on the exiting thread t.
 */
void
pthread_tsd_exit(struct thread *t)
{
	struct tsd_slot *tsd = t->tsd;
	void (*dtor)(void *);
	unsigned int i;
	int round, again;
	void *v;

	for (round = 0; round < DTOR_ROUNDS; round++) {
		again = 0;
		for (i = 0; i < KEYS_MAX; i++) {
			dtor = keys[i].dtor;
			if (keys[i].gen == 0 || tsd[i].gen != keys[i].gen ||
			    tsd[i].val == NULL || dtor == NULL)
				continue;
			v = tsd[i].val;
			tsd[i].val = NULL;
			dtor(v);
			again = 1;
		}
		if (!again)
			break;
	}
	t->tsd = NULL;
	kfree(tsd);
}

/* SPDX-License-Identifier: ISC */
/*
 * pthread.c: POSIX threads over runtime threads: attributes, create,
 * detach, join, exit, self, once (docs/go-openbsd-abi.md §2.1-2.3).
 * runtime/cgo calls these with musl's types (attr 56 bytes) and go.o's dead
 * newosproc path with an 8-byte OpenBSD attr, so an attr is one 64-bit
 * word in its first 8 bytes: stack size << 8 | flags.  A zero word (stack
 * size 0) means the default.  Results are errno values, never -1, and
 * never EAGAIN from pthread_create (cgo would read musl's 11 as "retry",
 * OpenBSD's 35 as fatal): failure is ENOMEM, 12 in both numberings.
 */
#define _DEFAULT_SOURCE 1
#include <pthread.h>
#include <signal.h>

#include "kernel.h"

#define ATTR_DETACHED		0x1
#define ATTR_SIZE_SHIFT		8
#define DEFAULT_STACK_SIZE	(256 * 1024)
/*
 * pthread_create gives a thread this much more stack than the attr says:
 * Go takes the reported size as the room below its own entry frame
 * (g0.stack.lo = &size - size + 1024), and the frames of thread_start,
 * cgo's threadentry and crosscall1 sit above that.
 */
#define STACK_SLACK		PAGE_SIZE
#define STACK_MIN		2048	/* musl's PTHREAD_STACK_MIN */
_Static_assert(sizeof(uint64_t) <= sizeof(pthread_attr_t),
    "the attr word must fit musl's pthread_attr_t (and OpenBSD's 8 bytes)");
_Static_assert(sizeof(pthread_once_t) == sizeof(uint32_t),
    "pthread_once works on the once word as a futex");

#define ONCE_INIT		0
#define ONCE_RUNNING		1
#define ONCE_DONE		2

static uint64_t
attr_word(const pthread_attr_t *a)
{
	uint64_t w;

	memcpy(&w, a, sizeof(w));
	return w;
}

static void
attr_set(pthread_attr_t *a, uint64_t w)
{
	memcpy(a, &w, sizeof(w));
}

static size_t
attr_stacksize(uint64_t w)
{
	size_t size = (size_t)(w >> ATTR_SIZE_SHIFT);

	return size != 0 ? size : DEFAULT_STACK_SIZE;
}

/* Default attributes: 256 KiB stack, joinable.  Writes 8 bytes.  0. */
int
pthread_attr_init(pthread_attr_t *a)
{
	attr_set(a, (uint64_t)DEFAULT_STACK_SIZE << ATTR_SIZE_SHIFT);
	return 0;
}

/* Nothing to free.  0. */
int
pthread_attr_destroy(pthread_attr_t *a)
{
	return 0;
}

/* The stack size pthread_create will give (at least).  0. */
int
pthread_attr_getstacksize(const pthread_attr_t *restrict a,
    size_t *restrict size)
{
	*size = attr_stacksize(attr_word(a));
	return 0;
}

/* 0, or EINVAL below PTHREAD_STACK_MIN (2048) or beyond what an attr holds. */
int
pthread_attr_setstacksize(pthread_attr_t *a, size_t size)
{
	uint64_t w = attr_word(a);

	if (size < STACK_MIN || size >> (64 - ATTR_SIZE_SHIFT) != 0)
		return EINVAL;
	attr_set(a, (w & ((1U << ATTR_SIZE_SHIFT) - 1)) |
	    (uint64_t)size << ATTR_SIZE_SHIFT);
	return 0;
}

/*
 * Stack address and size.  Attributes never carry an address here
 * (pthread_attr_setstack is not offered), so *addr is NULL.  0.
 */
int
pthread_attr_getstack(const pthread_attr_t *restrict a, void **restrict addr,
    size_t *restrict size)
{
	*addr = NULL;
	*size = attr_stacksize(attr_word(a));
	return 0;
}

/* PTHREAD_CREATE_JOINABLE (0) or DETACHED (1), as in OpenBSD.  0. */
int
pthread_attr_getdetachstate(const pthread_attr_t *a, int *state)
{
	*state = (attr_word(a) & ATTR_DETACHED) ? PTHREAD_CREATE_DETACHED :
	    PTHREAD_CREATE_JOINABLE;
	return 0;
}

/* 0, or EINVAL for an unknown state. */
int
pthread_attr_setdetachstate(pthread_attr_t *a, int state)
{
	uint64_t w = attr_word(a);

	if (state == PTHREAD_CREATE_DETACHED)
		w |= ATTR_DETACHED;
	else if (state == PTHREAD_CREATE_JOINABLE)
		w &= ~(uint64_t)ATTR_DETACHED;
	else
		return EINVAL;
	attr_set(a, w);
	return 0;
}

/*
 * Start fn(arg) on a new thread with attr's stack size (NULL: default) and
 * the caller's signal mask, no alternate signal stack.  *thread is set
 * before return.  0 or ENOMEM.  Thread context.
 */
int
pthread_create(pthread_t *restrict thread, const pthread_attr_t *restrict attr,
    void *(*fn)(void *), void *restrict arg)
{
	uint64_t w = attr != NULL ? attr_word(attr) : 0;
	struct thread *t;

	if (thread_create(fn, arg, attr_stacksize(w) + STACK_SLACK,
	    thread_current()->sigmask, &t) != 0)
		return ENOMEM;
	*thread = (pthread_t)t;
	if (w & ATTR_DETACHED)
		(void)thread_release(t);
	return 0;
}

/* Reclaim the thread when it ends (now, if it has).  0, or EINVAL if it
 * was already detached or joined. */
int
pthread_detach(pthread_t thread)
{
	return thread_release((struct thread *)thread) != 0 ? EINVAL : 0;
}

/*
 * Wait for thread to end, store its result in *ret (if not NULL) and
 * reclaim it.  0, EDEADLK for the caller itself, EINVAL if detached.
 */
int
pthread_join(pthread_t thread, void **ret)
{
	struct thread *t = (struct thread *)thread;

	if (t == thread_current())
		return EDEADLK;
	if (__atomic_load_n(&t->detached, __ATOMIC_RELAXED))
		return EINVAL;
	thread_join(t);
	if (ret != NULL)
		*ret = t->retval;
	(void)thread_release(t);
	return 0;
}

/* End the calling thread with result v (after its key destructors). */
_Noreturn void
pthread_exit(void *v)
{
	thread_current()->retval = v;
	thread_exit();
}

/* The calling thread.  Any thread context. */
pthread_t
pthread_self(void)
{
	return (pthread_t)thread_current();
}

#undef pthread_equal	/* musl also has it as a macro */
/* Non-zero if a and b are the same thread. */
int
pthread_equal(pthread_t a, pthread_t b)
{
	return a == b;
}

/*
 * Run fn exactly once per *once (PTHREAD_ONCE_INIT = 0); later and
 * concurrent callers return after it has finished.  0.  Thread context.
 */
int
pthread_once(pthread_once_t *once, void (*fn)(void))
{
	volatile uint32_t *o = (volatile uint32_t *)once;
	uint32_t v;

	for (;;) {
		v = __atomic_load_n(o, __ATOMIC_ACQUIRE);
		if (v == ONCE_DONE)
			return 0;
		if (v == ONCE_INIT) {
			if (!__atomic_compare_exchange_n(o, &v, ONCE_RUNNING,
			    false, __ATOMIC_ACQUIRE, __ATOMIC_ACQUIRE))
				continue;
			fn();
			__atomic_store_n(o, ONCE_DONE, __ATOMIC_RELEASE);
			futex_wake(o, 0);
			return 0;
		}
		(void)futex_wait(o, o, ONCE_RUNNING, 0);
	}
}

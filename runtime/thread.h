/* SPDX-License-Identifier: ISC */
/*
 * thread.h: threads, the scheduler and waiting.  Every Go M is one thread.
 * A suspended thread's CPU state is a struct trapframe plus its XSAVE area;
 * switches happen on the way out of an interrupt (timer, or VEC_RESCHED
 * raised by "int" for a voluntary switch).
 */
#ifndef VMGO_RUNTIME_THREAD_H
#define VMGO_RUNTIME_THREAD_H

#include <stdint.h>
#include <stddef.h>
#include "list.h"
#include "spinlock.h"
#include "x86_64/cpu.h"

enum thread_state {
	THREAD_RUNNABLE = 1,
	THREAD_RUNNING,
	THREAD_BLOCKED,
	THREAD_DEAD,
};

struct thread {
	struct trapframe tf;		/* saved state while not running */
	void		*fpu;		/* XSAVE area, 64-byte aligned */
	int32_t		tid;		/* getthrid(): positive, unique */
	enum thread_state state;
	int		err;		/* errno (libc/errno.c) */
	uint64_t	fs_base;	/* TLS thread pointer (%fs base) */
	void		*tls;		/* static TLS block + TCB */
	void		*stack;		/* lowest usable stack address */
	size_t		stack_size;
	struct list	runq_link;	/* run queue or wait queue */
	struct list	all_link;	/* all threads */
	struct cpu	*cpu;		/* CPU it last ran on */
	/* waiting (thread_wait) */
	struct waitq	*wq;		/* queue waited on, NULL if none */
	uint64_t	deadline;	/* monotonic ns, 0 = none */
	struct list	sleep_link;	/* deadline-sorted timeout list */
	int		wake_result;	/* 0 woken, -ETIMEDOUT, -EINTR */
	/* pthread */
	void		*(*start)(void *);
	void		*arg;
	int		detached;
	/* signals (recorded now; delivery comes later) */
	uint32_t	sigmask;	/* OpenBSD sigset_t */
	uint32_t	sigpending;
	void		*altstack_sp;
	size_t		altstack_size;
	int		altstack_flags;	/* SS_DISABLE (4) when none */
	char		name[16];
};

/* thread.c: life cycle and TLS */
/* Turn the boot context into thread "boot" and create this CPU's idle
 * thread.  Called once from kmain after memory and time are up. */
void	thread_init(void);
/*
 * Create a runnable thread running fn(arg) on a stack of stack_size bytes
 * (plus guard page) with its own static TLS block copied from PT_TLS,
 * signal mask mask, no alternate signal stack.  0 or -ENOMEM.
 */
int	thread_create(void *(*fn)(void *), void *arg, size_t stack_size,
	    uint32_t mask, struct thread **out);
/* End the calling thread; its stack and TLS are freed once it is off CPU. */
_Noreturn void thread_exit(void);
struct thread *thread_find(int32_t tid);	/* NULL if no such live thread */

static inline struct thread *
thread_current(void)
{
	return cpu_this()->cur;
}

/* sched.c: run queue, preemption, idle */
#define SCHED_QUANTUM_NS	10000000ULL	/* 10 ms time slice */
/* Start scheduling on this CPU: enable the timer and become its idle
 * loop (HLT when nothing is runnable).  Never returns. */
_Noreturn void	sched_start(void);
/* Make t runnable (from blocked or new).  Any context. */
void	sched_make_runnable(struct thread *t);
/* Give up the CPU; the thread stays runnable.  Thread context. */
void	sched_yield_thread(void);
/* Switch away from the current thread if it is no longer runnable or its
 * slice is over.  Called on every interrupt return with the frame of the
 * interrupted context (trap.c). */
void	sched_trap_return(struct trapframe *tf);

/*
 * waitq.c: blocking with a deadline.  A waitq is a list of threads waiting
 * for one condition; its lock is the caller's (passed to thread_wait).
 */
struct waitq {
	struct list	waiters;
};
#define WAITQ_INIT(name)	{ LIST_INIT((name).waiters) }
void	waitq_init(struct waitq *wq);
/*
 * Block the current thread on wq until woken or until deadline (monotonic
 * ns; 0 = none).  Called with *lock held and interrupts off (taken with
 * spin_lock_irqsave); releases it while asleep and re-takes it before
 * returning, interrupts still off.
 * Returns 0 when woken, -ETIMEDOUT at the deadline.  Thread context.
 */
int	thread_wait(struct waitq *wq, struct spinlock *lock, uint64_t deadline);
/* Wake up to n waiters (0 = all), each returning 0 from thread_wait.
 * Caller holds the lock it waits with.  Returns how many woke. */
int	waitq_wake(struct waitq *wq, int n);
/* Sleep until the monotonic deadline (ns). Thread context. */
void	thread_sleep_until(uint64_t deadline);

/* time.c: clocks */
void	time_init(void);		/* calibrate the TSC, read the RTC */
uint64_t time_monotonic(void);		/* ns since boot; never goes back */
int64_t	time_realtime(void);		/* ns since 1970-01-01 UTC */
uint64_t time_tsc_hz(void);

/* lapic.c: local APIC and its timer */
void	lapic_init(void);
void	lapic_eoi(void);
/* Raise VEC_TIMER once, ns from now (0: as soon as possible). */
void	lapic_timer_oneshot(uint64_t ns);
uint32_t lapic_id(void);

#endif

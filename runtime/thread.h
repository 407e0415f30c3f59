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
	THREAD_RUNNABLE = 1,	/* on a run queue, or current but woken */
	THREAD_RUNNING,		/* current on t->cpu */
	THREAD_BLOCKED,		/* in thread_wait, or created and not started */
	THREAD_DEAD,		/* thread_exit: waiting to be reaped */
};

/*
 * A wait queue.  Its lock is the caller's (passed to thread_wait); waitq.c
 * never takes it itself except on a timeout (t->wq_lock).
 */
struct waitq {
	struct list	waiters;
};

struct thread {
	struct trapframe tf;		/* saved state while not running */
	void		*fpu;		/* XSAVE area, 64-byte aligned; NULL: idle */
	int32_t		tid;		/* getthrid(): positive, unique; 0: idle */
	enum thread_state state;
	int		err;		/* errno (libc/errno.c) */
	uint64_t	fs_base;	/* TLS thread pointer (%fs base) */
	void		*tls;		/* static TLS block + TCB */
	void		*stack;		/* lowest usable stack address; NULL if
					   not ours (the boot stack) */
	size_t		stack_size;
	struct list	runq_link;	/* run queue, wait queue or zombie list */
	struct list	all_link;	/* all threads */
	struct cpu	*cpu;		/* CPU it runs on (threads do not migrate) */
	/* waiting (thread_wait) */
	struct waitq	*wq;		/* queue waited on, NULL if none */
	struct spinlock	*wq_lock;	/* the lock guarding *wq */
	uint64_t	deadline;	/* monotonic ns, 0 = none */
	struct list	sleep_link;	/* deadline-sorted timeout list */
	int		wake_result;	/* 0 woken, -ETIMEDOUT, -EINTR */
	int		expiring;	/* a timer interrupt is timing it out
					   (waitq_expire): thread_wait waits */
	/* pthread */
	void		*(*start)(void *);
	void		*arg;
	void		*retval;	/* pthread_exit value, for pthread_join */
	int		detached;	/* guarded by the all-threads lock */
	int		exited;		/* thread_exit ran (all-threads lock) */
	int		reaped;		/* resources freed, only the struct
					   remains (all-threads lock) */
	struct waitq	joinq;		/* pthread_join waiting for reaped */
	void		*tsd;		/* pthread_setspecific slots, or NULL */
	/* signals (recorded now; delivery comes later) */
	uint32_t	sigmask;	/* OpenBSD sigset_t */
	uint32_t	sigpending;
	void		*altstack_sp;
	size_t		altstack_size;
	int		altstack_flags;	/* SS_DISABLE (4) when none */
	char		name[16];
};

/* thread.c: life cycle and TLS */
/*
 * Turn the boot context into thread "boot" (tid 1, its own static TLS block
 * with %fs pointing at it) and create this CPU's idle thread.  Called once
 * from kmain after cpu_init_bsp, memory (kmalloc, kstack), time_init and
 * lapic_init, with interrupts off.  Panics on failure.
 */
void	thread_init(void);
/*
 * Create a runnable thread running fn(arg) on a stack of stack_size bytes
 * (plus guard page) with its own static TLS block copied from PT_TLS,
 * signal mask mask, no alternate signal stack.  It runs on an idle CPU
 * if there is one, else on the calling CPU.  0 or -ENOMEM.  Thread
 * context.
 */
int	thread_create(void *(*fn)(void *), void *arg, size_t stack_size,
	    uint32_t mask, struct thread **out);
/*
 * End the calling thread; its stack, TLS and XSAVE area are freed once it
 * is off CPU (sched_reap).  The struct stays until it is detached or
 * joined (thread_release).  Thread context.
 */
_Noreturn void thread_exit(void);
/*
 * The live thread with this tid, or NULL.  Only safe to dereference while
 * the thread cannot exit (it is the caller, or the caller knows better);
 * use thread_kill to act on another thread.  Thread context.
 */
struct thread *thread_find(int32_t tid);
/*
 * Send signal sig (1..32) to thread tid with signal_send (disposition
 * applied, caught signals recorded pending): 0, -ESRCH when no such live
 * thread, -EINVAL.  sig 0 only checks existence.  Thread or signal context.
 */
int	thread_kill(int32_t tid, int sig);
/* Free what a dead, off-CPU thread owns except the struct itself, then
 * the struct too if detached.  Called by sched_reap; thread context. */
void	thread_reap(struct thread *t);
/*
 * Give up the claim on t (pthread_detach/join): if t was reaped the struct
 * is freed now, else when it is.  0, or -EINVAL if already released.
 */
int	thread_release(struct thread *t);
/* Wait until t has exited and been reaped; the struct stays until
 * thread_release.  Thread context, t is not the caller. */
void	thread_join(struct thread *t);

static inline struct thread *
thread_current(void)
{
	return cpu_this()->cur;
}

/* sched.c: run queue, preemption, idle */
#define SCHED_QUANTUM_NS	10000000ULL	/* 10 ms time slice */
/* How long a thread woken onto a busy CPU waits for it before an idle CPU
 * is kicked to steal it (sched.c, "Placement"). */
#define SCHED_SPILL_NS		5000000ULL	/* 5 ms */
/* Per-CPU scheduler state (cpu->runq) and the VEC_TIMER/VEC_RESCHED
 * handlers; threads may block from then on.  Called by thread_init for
 * the boot CPU, after lapic_init. */
void	sched_cpu_init(struct cpu *c, struct thread *idle);
/*
 * Start preemption on this CPU and enable interrupts; returns.  For a
 * kmain that goes on running Go's main on the boot thread.  Needs
 * time_init, lapic_init and thread_init.
 */
void	sched_enable(void);
/* Start scheduling on this CPU: sched_enable, then the boot thread ends
 * and the CPU runs other threads, HLT in its idle thread when nothing is
 * runnable.  The boot stack is not freed.  Never returns. */
_Noreturn void	sched_start(void);
/* Make t runnable (from blocked or new).  Any context. */
void	sched_make_runnable(struct thread *t);
/* Give up the CPU; the thread stays runnable.  Thread context. */
void	sched_yield_thread(void);
/*
 * Switch away now.  The caller has set its state to THREAD_BLOCKED (and
 * queued itself where a waker finds it) or THREAD_DEAD; returns when made
 * runnable again.  Interrupts may be off.  Thread context.
 */
void	sched_block(void);
/* Free the resources of threads that died on this CPU.  Thread context. */
void	sched_reap(void);
/* The idle loop of this CPU (thread body of cpu->idle). */
void	*sched_idle(void *arg);
/*
 * Switch away from the current thread if it is no longer runnable or its
 * slice is over.  Called on every interrupt return with the frame of the
 * interrupted context (trap.c).
 */
void	sched_trap_return(struct trapframe *tf);

/*
 * waitq.c: blocking with a deadline.  A waitq is a list of threads waiting
 * for one condition; its lock is the caller's (passed to thread_wait).
 */
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
/* Set up CPU c's timeout list.  Boot, before c schedules. */
void	waitq_cpu_init(struct cpu *c);
/* Wake, with -ETIMEDOUT, this CPU's waiters whose deadline is <= now.
 * Timer interrupt context (interrupts off). */
void	waitq_expire(uint64_t now);
/* Earliest deadline among this CPU's waiters, 0 if none.  Interrupts off. */
uint64_t waitq_next_deadline(void);

/*
 * libc/thrsleep.c: address-keyed sleep queues (a futex), behind
 * __thrsleep/__thrwakeup and the pthread mutex, condition and once.
 */
/*
 * Sleep on id unless *p != expected (checked under the bucket lock that
 * futex_wake takes, so a wake after the check is not lost); p may be NULL.
 * deadline: monotonic ns, 0 = none.  0 when woken, -EINTR if *p !=
 * expected, -ETIMEDOUT at the deadline.  Thread context.
 */
int	futex_wait(const volatile void *id, const volatile uint32_t *p,
	    uint32_t expected, uint64_t deadline);
/* Wake up to n (0 = all) sleepers on id; returns how many woke.  Any
 * context but interrupt handlers (takes bucket locks with irqsave). */
int	futex_wake(const volatile void *id, int n);

/* libc/pthread.c: thread-specific data */
/* Run the pthread_key destructors of the calling thread and free its slots;
 * called by thread_exit. */
void	pthread_tsd_exit(struct thread *t);

/* time.c: clocks */
void	time_init(void);		/* calibrate the TSC, read the RTC */
void	time_report(void);		/* one console line: TSC source, RTC */
uint64_t time_monotonic(void);		/* ns since boot; never goes back */
int64_t	time_realtime(void);		/* ns since 1970-01-01 UTC */
uint64_t time_tsc_hz(void);
/* TSC ticks in ns nanoseconds (rounded up).  Any context. */
uint64_t time_ns_to_tsc(uint64_t ns);
/*
 * Now on POSIX clock clock_id (OpenBSD numbering: REALTIME 0, MONOTONIC 3,
 * UPTIME 5 and BOOTTIME 6 as monotonic, PROCESS/THREAD_CPUTIME 2/4 as
 * monotonic too) in ns.  0 or -EINVAL.  Lock-free; any context.
 */
int	time_clock(int clock_id, int64_t *ns);

/* x86_64/rtc.c: the CMOS real-time clock (MC146818) */
struct rtc_time {
	uint8_t		sec, min, hour, mday, mon, year, century;
	uint8_t		status_b;	/* register B: data mode, 12/24 h */
};
/* Read the RTC registers (waits for an update in progress to finish).
 * Boot, interrupts off. */
void	rtc_read(struct rtc_time *rt);
/* Seconds since 1970-01-01 UTC for rt (BCD/binary, 12/24 h decoded),
 * or -1 if the fields are out of range. */
int64_t	rtc_to_unix(const struct rtc_time *rt);

/* lapic.c: local APIC and its timer */
/* Mask the 8259 PICs, enable this CPU's local APIC (x2APIC when present),
 * choose TSC-deadline or calibrated one-shot timer mode.  Needs time_init. */
void	lapic_init(void);
void	lapic_report(void);		/* one console line: mode, timer */
void	lapic_eoi(void);
/* Raise VEC_TIMER once, ns from now (0: as soon as possible). */
void	lapic_timer_oneshot(uint64_t ns);
/* Cancel a pending one-shot. */
void	lapic_timer_stop(void);
uint32_t lapic_id(void);
/* The boot CPU's APIC mode and timer calibration on an AP.  Interrupts off. */
void	lapic_init_ap(void);
/* Send the IPI icr (low ICR word: vector, delivery mode) to APIC id dest.
 * Any context. */
void	lapic_send_ipi(uint32_t dest, uint32_t icr);

/* smp.c: application processors */
/*
 * Start every enabled CPU of the ACPI MADT (none without one); each joins
 * scheduling and ncpus counts it once it can run threads.  kmain, after
 * thread_init, boot thread, interrupts off.  Never fails: a CPU that does
 * not start is left out.
 */
void	smp_init(void);
/* Get CPU c out of HLT (VEC_IPI) so it reschedules: a thread was queued
 * on it, or it should look for one to steal.  No-op for this CPU.  Any
 * context. */
void	smp_kick(struct cpu *c);
/* Interrupt CPU c (VEC_IPI) so its current thread passes an interrupt
 * return (signal delivery).  No-op for this CPU.  Any context. */
void	smp_poke(struct cpu *c);
/*
 * Make every other CPU drop its TLB entries for [lo, hi) and wait until
 * all have.  Any context (interrupts may be off: requests from other
 * CPUs are served while waiting).
 */
void	smp_tlb_shootdown(uintptr_t lo, uintptr_t hi);
/* NMI hook (trap.c): serve a TLB shootdown; true if one was pending for
 * this CPU (else the NMI is someone else's).  NMI context. */
bool	smp_nmi(struct trapframe *tf);

/*
 * libc ABI without a musl prototype (OpenBSD calls, docs/go-openbsd-abi.md
 * §2.4, §3).  The rest (pthread_*, clock_gettime, nanosleep, usleep,
 * sched_yield...) are declared by the musl headers.
 */
struct timespec;
int	__thrsleep(const volatile void *id, int clock_id,
	    const struct timespec *abstime, void *lock, const int *abort);
int	__thrwakeup(const volatile void *id, int count);
int	getthrid(void);
int	thrkill(int tid, int sig, void *tcb);

#endif

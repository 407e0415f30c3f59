/* SPDX-License-Identifier: ISC */
/*
 * sched.c: the thread scheduler.  Each CPU has a FIFO run queue, a 10 ms
 * round-robin slice enforced by the local APIC one-shot timer, a list of
 * dead threads to reap and an idle thread that HLTs.  A switch is a copy of
 * trap frames on the way out of an interrupt: sched_trap_return() saves the
 * interrupted frame (and XSAVE state) into the current thread and loads the
 * next thread's, and the interrupt stub's IRET resumes it.  A voluntary
 * switch is "int $VEC_RESCHED", so both paths are one.
 *
 * Several CPUs (smp.c): each has its own run queue and only ever pops its
 * own, except an idle CPU, which steals the oldest ready thread of another
 * CPU before it halts.
 *
 * Placement.  A new or woken thread goes to the waker's CPU (wake-affine),
 * and a waiting thread moves to an idle CPU only when its CPU has stayed
 * busy for SCHED_SPILL_NS since it was queued ("spill"): then the busy
 * CPU's timer kicks (VEC_IPI, smp_kick) an idle CPU, which steals it.  The
 * common hand-off (a thread wakes another and then blocks: the network
 * thread and the Go M it wakes, a Go M waking another to take its P) so
 * stays on one CPU, without an IPI and without waking a halted CPU, which
 * is expensive in a VM (a VM exit, and under QEMU TCG a host thread wake
 * on a host whose cores may all be busy); work that really runs in
 * parallel still spreads within SCHED_SPILL_NS.  Measured with the
 * benchmark's HTTP server (tests/bench) on a loaded 2-core host: waking
 * threads on an idle CPU at once, as before, made -smp 2 serve a third
 * of what -smp 1 serves; this placement about doubles -smp 2's figure.
 *
 * Invariants (the lock of CPU c's run queue, rq->lock, guards all of them;
 * it is only taken with interrupts off, and no code holds two run-queue
 * locks at once):
 *  1. t->cpu is the CPU whose lock guards t's scheduling state: while t
 *     runs or is queued it is the CPU it runs or is queued on; a BLOCKED
 *     or DEAD thread keeps the CPU it last ran on.  t->cpu changes only
 *     while t is RUNNABLE, off every CPU and off every queue (in hand
 *     between two queues: sched_make_runnable, steal), under the new
 *     CPU's lock; while in hand, wakers find it RUNNABLE and leave it.
 *     The threads that died on c are reaped only by c.
 *  2. c->cur is the one thread whose state lives in the CPU registers of c.
 *     It is on no run queue.  c->cur changes only in sched_trap_return on c
 *     under rq->lock, after the outgoing frame and FPU state are saved, so
 *     whoever takes that lock later and finds t != c->cur sees t saved.
 *  3. A thread is on c's ready list iff its state is THREAD_RUNNABLE, it is
 *     not c->cur and t->cpu == c.  sched_make_runnable enqueues a BLOCKED
 *     thread only if it is not current on t->cpu; a thread that blocked
 *     but is still current (between thread_wait's unlock and the switch)
 *     just becomes RUNNABLE, and sched_trap_return then keeps it running:
 *     no wake-up is lost and no thread is queued twice.  Only queued
 *     threads are stolen, so a thread still on a CPU is never taken.
 *  4. So a thread runs on at most one CPU, and every RUNNABLE thread is
 *     either current, queued or in hand: none is lost.
 *  5. A DEAD thread goes to the zombie list when it leaves the CPU; its
 *     stack is no longer in use from then on (the switch runs on the IST
 *     stack), so sched_reap may free it in thread context.
 */
#include "kernel.h"

#define RFLAGS_IF	0x200

struct runq {
	struct spinlock	lock;
	struct list	ready;		/* THREAD_RUNNABLE, FIFO */
	struct list	zombies;	/* THREAD_DEAD, off CPU */
	int		nready;		/* length of ready (read unlocked by
					   other CPUs as a hint) */
	uint64_t	spill_at;	/* monotonic ns: from then on, threads
					   still waiting here go to an idle CPU;
					   0 while none waits */
	/* The rest is touched only by the owning CPU, interrupts off. */
	uint64_t	slice_end;	/* monotonic ns: end of cur's slice */
	uint64_t	armed;		/* timer deadline (monotonic ns), 0 none */
	int		enabled;	/* the LAPIC timer may be programmed */
};

static struct runq runqs[MAX_CPUS];

/*
 * Program the one-shot timer for the earliest of the current thread's
 * slice end (not for the idle thread: idle is tickless) and the first
 * sleeper's deadline.  Interrupts off.
 */
static void
arm_timer(struct cpu *c, struct runq *rq)
{
	uint64_t want, now, it, sp;

	if (!rq->enabled)
		return;
	want = waitq_next_deadline();
	if (c->cur != c->idle && (want == 0 || rq->slice_end < want))
		want = rq->slice_end;
	sp = __atomic_load_n(&rq->spill_at, __ATOMIC_RELAXED);
	if (sp != 0 && c->cur != c->idle && (want == 0 || sp < want))
		want = sp;
	it = itimer_next_deadline(c);	/* setitimer (libc/itimer.c) */
	if (it != 0 && (want == 0 || it < want))
		want = it;
	if (want == rq->armed)
		return;
	rq->armed = want;
	if (want == 0) {
		lapic_timer_stop();
		return;
	}
	now = time_monotonic();
	lapic_timer_oneshot(want > now ? want - now : 0);
}

/* Is c running its idle thread with nothing queued?  A hint: read
 * without c's lock. */
static bool
cpu_is_idle(struct cpu *c)
{
	struct runq *rq = c->runq;

	return rq != NULL &&
	    __atomic_load_n(&c->cur, __ATOMIC_RELAXED) == c->idle &&
	    __atomic_load_n(&rq->nready, __ATOMIC_RELAXED) == 0;
}

/* An idle CPU other than not, searched from the one after it, or NULL. */
static struct cpu *
find_idle(struct cpu *not)
{
	unsigned int i, n = __atomic_load_n(&ncpus, __ATOMIC_ACQUIRE);
	struct cpu *c;

	for (i = 1; i < n; i++) {
		c = &cpus[(not->id + i) % n];
		if (c != not && cpu_is_idle(c))
			return c;
	}
	return NULL;
}

/* Kick an idle CPU other than c, if any, so it steals.  Interrupts off. */
static void
kick_idle(struct cpu *c)
{
	struct cpu *to = find_idle(c);

	if (to != NULL)
		smp_kick(to);
}

/*
 * A thread now waits on busy CPU c: if another CPU idles, give c until
 * SCHED_SPILL_NS from now to run it before that CPU is kicked to steal
 * it (timer_intr).  A CPU that goes idle later steals on its own
 * (sched_idle).  c's lock held.
 */
static void
arm_spill(struct cpu *c, struct runq *rq)
{
	if (rq->spill_at == 0 && find_idle(c) != NULL)
		__atomic_store_n(&rq->spill_at,
		    time_monotonic() + SCHED_SPILL_NS, __ATOMIC_RELAXED);
}

/* Queue RUNNABLE, off-CPU t on c; c's lock held. */
static void
enqueue(struct cpu *c, struct runq *rq, struct thread *t)
{
	t->cpu = c;
	list_push_back(&rq->ready, &t->runq_link);
	__atomic_store_n(&rq->nready, rq->nready + 1, __ATOMIC_RELAXED);
	/* An idle CPU switches on its next interrupt return; a busy one
	 * when its thread blocks or yields, or at the end of the running
	 * slice, unless an idle CPU takes the thread first (spill_at). */
	if (c->cur == c->idle) {
		c->need_resched = 1;
		smp_kick(c);		/* a no-op for this CPU */
	} else {
		arm_spill(c, rq);
	}
}

/* Take the oldest ready thread off c's queue; c's lock held, list not
 * empty. */
static struct thread *
dequeue(struct runq *rq)
{
	struct thread *t;

	t = list_entry(rq->ready.next, struct thread, runq_link);
	list_remove(&t->runq_link);
	__atomic_store_n(&rq->nready, rq->nready - 1, __ATOMIC_RELAXED);
	if (rq->nready == 0)
		__atomic_store_n(&rq->spill_at, 0, __ATOMIC_RELAXED);
	return t;
}

/*
 * Idle CPU self: move the oldest ready thread of another CPU to self's
 * queue (invariants 1 and 3: a queued thread is off CPU and saved).
 * true if one was moved.  Interrupts off.
 */
static bool
steal(struct cpu *self)
{
	unsigned int i, n = __atomic_load_n(&ncpus, __ATOMIC_ACQUIRE);
	struct thread *t = NULL;
	struct runq *rq;
	struct cpu *c;

	for (i = 1; i < n && t == NULL; i++) {
		c = &cpus[(self->id + i) % n];
		rq = c->runq;
		if (rq == NULL || __atomic_load_n(&rq->nready,
		    __ATOMIC_RELAXED) == 0)
			continue;
		spin_lock(&rq->lock);
		if (!list_empty(&rq->ready))
			t = dequeue(rq);
		spin_unlock(&rq->lock);
	}
	if (t == NULL)
		return false;
	rq = self->runq;
	spin_lock(&rq->lock);
	enqueue(self, rq, t);
	spin_unlock(&rq->lock);
	return true;
}

/* VEC_TIMER: expire sleepers, end the slice if someone else is waiting. */
static void
timer_intr(struct trapframe *tf)
{
	struct cpu *c = cpu_this();
	struct runq *rq = c->runq;
	uint64_t now, sp;

	lapic_eoi();
	rq->armed = 0;
	now = time_monotonic();
	waitq_expire(now);
	itimer_account(c, now);		/* may post SIGPROF to c->cur */
	if (c->cur != c->idle && now >= rq->slice_end) {
		spin_lock(&rq->lock);
		if (!list_empty(&rq->ready))
			c->need_resched = 1;
		else
			rq->slice_end = now + SCHED_QUANTUM_NS;
		spin_unlock(&rq->lock);
	}
	sp = __atomic_load_n(&rq->spill_at, __ATOMIC_RELAXED);
	if (c->cur != c->idle && sp != 0 && now >= sp) {
		/* A thread has waited here SCHED_SPILL_NS while this CPU
		 * stayed busy: more runnable threads than it can run, so an
		 * idle CPU steals one; any more wait another period. */
		spin_lock(&rq->lock);
		__atomic_store_n(&rq->spill_at, 0, __ATOMIC_RELAXED);
		if (rq->nready > 0) {
			kick_idle(c);
			arm_spill(c, rq);
		}
		spin_unlock(&rq->lock);
	}
	arm_timer(c, rq);
}

/* VEC_RESCHED ("int" from sched_yield_thread/sched_block): no EOI, it is
 * not an APIC interrupt. */
static void
resched_intr(struct trapframe *tf)
{
	cpu_this()->need_resched = 1;
}

/*
 * Set up CPU c's run queue with idle as its idle thread, and (boot CPU)
 * route VEC_TIMER and VEC_RESCHED here.  From now on a thread may block
 * with a deadline (the idle thread enables interrupts, so the timer wakes
 * it even before sched_enable).  Boot, after lapic_init, interrupts off.
 */
void
sched_cpu_init(struct cpu *c, struct thread *idle)
{
	struct runq *rq = &runqs[c->id];

	list_init(&rq->ready);
	list_init(&rq->zombies);
	rq->nready = 0;
	rq->spill_at = 0;
	c->runq = rq;
	c->idle = idle;
	c->need_resched = 0;
	waitq_cpu_init(c);
	rq->slice_end = time_monotonic() + SCHED_QUANTUM_NS;
	rq->enabled = 1;
	if (c->id == 0) {
		trap_register(VEC_TIMER, timer_intr);
		trap_register(VEC_RESCHED, resched_intr);
	}
}

/*
 * Start time slicing on this CPU and enable interrupts.  Thread context
 * (kmain on the boot thread), once per CPU.
 */
void
sched_enable(void)
{
	struct cpu *c = cpu_this();
	struct runq *rq = c->runq;

	irq_disable();
	rq->slice_end = time_monotonic() + SCHED_QUANTUM_NS;
	arm_timer(c, rq);
	irq_enable();
}

/*
 * Start scheduling and retire the boot thread: from here on this CPU runs
 * the threads kmain created, and its idle thread when none is runnable.
 * The boot stack is not ours to free and stays allocated.
 */
_Noreturn void
sched_start(void)
{
	sched_enable();
	thread_exit();
}

/*
 * Make t runnable: a new thread (created THREAD_BLOCKED) or one woken from
 * thread_wait.  No effect on a thread that is not THREAD_BLOCKED.  It goes
 * to the waker's CPU, this one ("Placement" above; invariant 1: in hand
 * between the two locks).  Any context; takes run-queue locks one at a
 * time with interrupts off.
 */
void
sched_make_runnable(struct thread *t)
{
	struct cpu *c = t->cpu, *self = cpu_this();
	struct runq *rq = c->runq;
	uint64_t f;

	f = spin_lock_irqsave(&rq->lock);
	if (t->state != THREAD_BLOCKED) {
		spin_unlock_irqrestore(&rq->lock, f);
		return;
	}
	t->state = THREAD_RUNNABLE;
	/* Invariant 3: a current thread is never queued. */
	if (c->cur == t) {
		spin_unlock_irqrestore(&rq->lock, f);
		return;
	}
	if (c != self) {
		spin_unlock(&rq->lock);
		rq = self->runq;
		spin_lock(&rq->lock);
	}
	enqueue(self, rq, t);
	spin_unlock(&rq->lock);
	/* Time the spill now, not at the next interrupt return: the waker
	 * may run on for a whole slice.  After the run-queue lock (lock
	 * order, waitq.c). */
	arm_timer(self, rq);
	irq_restore(f);
}

/* Raise VEC_RESCHED; the switch happens on its way out. */
static inline void
resched(void)
{
	__asm__ volatile("int %0" :: "i"(VEC_RESCHED) : "memory");
}

/* Let another runnable thread of this CPU run; returns at once if none is
 * waiting.  Thread context, any interrupt state. */
void
sched_yield_thread(void)
{
	resched();
}

/*
 * Switch away from a thread that set itself THREAD_BLOCKED or THREAD_DEAD;
 * returns (for BLOCKED) once it was made runnable and chosen again.
 * Thread context; usually interrupts off (thread_wait, thread_exit).
 */
void
sched_block(void)
{
	resched();
}

/*
 * Free the threads that died on this CPU (invariant 5).  Thread context
 * (kfree and kstack_free are not for interrupt handlers).
 */
void
sched_reap(void)
{
	struct runq *rq = cpu_this()->runq;
	struct thread *t;
	uint64_t f;

	for (;;) {
		f = spin_lock_irqsave(&rq->lock);
		if (list_empty(&rq->zombies)) {
			spin_unlock_irqrestore(&rq->lock, f);
			return;
		}
		t = list_entry(rq->zombies.next, struct thread, runq_link);
		list_remove(&t->runq_link);
		spin_unlock_irqrestore(&rq->lock, f);
		thread_reap(t);
	}
}

/*
 * Body of every CPU's idle thread: reap the dead, then HLT until an
 * interrupt.  The scheduler picks idle only when the ready list is empty
 * and leaves it on the first interrupt return after a wake-up.
 */
void *
sched_idle(void *arg)
{
	struct runq *rq = cpu_this()->runq;

	for (;;) {
		sched_reap();
		irq_disable();
		if (list_empty(&rq->ready))
			(void)steal(cpu_this());
		if (!list_empty(&rq->ready)) {
			irq_enable();
			resched();
			continue;
		}
		/* STI's one-instruction shadow (SDM vol 2B, STI) makes the
		 * pair atomic: no wake-up slips in before the HLT. */
		__asm__ volatile("sti; hlt" ::: "memory");
	}
}

/*
 * May the interrupted context in tf be switched away from?  Only thread
 * context interrupted by an interrupt (not an exception: those are
 * resolved or turned into signals in place) with interrupts enabled, or
 * the explicit VEC_RESCHED; never an interrupt nested on an IST stack.
 */
static bool
may_switch(const struct cpu *c, const struct trapframe *tf)
{
	int i;

	if (tf->vector < VEC_IRQ_BASE)
		return false;
	if (!(tf->rflags & RFLAGS_IF) && tf->vector != VEC_RESCHED)
		return false;
	for (i = 1; i < 8; i++) {
		uintptr_t top = (uintptr_t)c->ist[i];

		if (top != 0 && tf->rsp <= top && tf->rsp > top - IST_STACK_SIZE)
			return false;
	}
	return true;
}

/*
 * On every interrupt return (trap.c), interrupts off, on the IST stack:
 * if the current thread blocked, died, yielded or used up its slice while
 * another is ready, save *tf and its FPU state into it, and load the next
 * thread's FPU state, %fs base and frame into *tf.  Then re-arm the timer.
 */
void
sched_trap_return(struct trapframe *tf)
{
	struct cpu *c = cpu_this();
	struct runq *rq = c->runq;
	struct thread *cur = c->cur, *next;
	int resched_wanted;

	if (rq == NULL || cur == NULL)
		return;		/* before thread_init */
	if (!may_switch(c, tf) ||
	    (!c->need_resched && cur->state == THREAD_RUNNING)) {
		arm_timer(c, rq);
		signal_trap_return(tf);	/* signals for Go code (signal.c) */
		return;
	}

	spin_lock(&rq->lock);
	resched_wanted = c->need_resched;
	c->need_resched = 0;
	switch (cur->state) {
	case THREAD_RUNNABLE:
		/* Woken before it left the CPU (invariant 3): keep going. */
		cur->state = THREAD_RUNNING;
		if (!resched_wanted)
			goto keep;
		/* FALLTHROUGH */
	case THREAD_RUNNING:
		if (list_empty(&rq->ready))
			goto keep;
		cur->state = THREAD_RUNNABLE;
		if (cur != c->idle) {
			list_push_back(&rq->ready, &cur->runq_link);
			__atomic_store_n(&rq->nready, rq->nready + 1,
			    __ATOMIC_RELAXED);
			arm_spill(c, rq);
		}
		break;
	case THREAD_BLOCKED:
		break;
	case THREAD_DEAD:
		list_push_back(&rq->zombies, &cur->runq_link);
		break;
	}

	if (!list_empty(&rq->ready))
		next = dequeue(rq);
	else
		next = c->idle;

	/* CPU time so far is cur's (setitimer's VIRTUAL/PROF timers). */
	itimer_account(c, time_monotonic());
	/* Save the outgoing thread before it can be seen off CPU. */
	if (cur->state != THREAD_DEAD) {
		cur->tf = *tf;
		if (cur->fpu != NULL)
			cpu_fpu_save(cur->fpu);
	}
	next->state = THREAD_RUNNING;
	next->cpu = c;
	__atomic_store_n(&c->cur, next, __ATOMIC_RELAXED);
	rq->slice_end = time_monotonic() + SCHED_QUANTUM_NS;
	spin_unlock(&rq->lock);

	/* The idle thread has no FPU area: it leaves the registers alone. */
	if (next->fpu != NULL)
		cpu_fpu_restore(next->fpu);
	wrmsr(MSR_FS_BASE, next->fs_base);
	*tf = next->tf;
	arm_timer(c, rq);
	signal_trap_return(tf);
	return;
keep:
	spin_unlock(&rq->lock);
	arm_timer(c, rq);
	signal_trap_return(tf);
}

/* SPDX-License-Identifier: ISC */
/*
 * waitq.c: blocking a thread until a wake-up or a deadline.  A waiter sits
 * on its waitq (guarded by the caller's lock) and, with a deadline, also on
 * its CPU's timeout list, sorted by deadline, which the timer interrupt
 * expires.
 *
 * Locks, in the order they nest: the caller's waitq lock, then a CPU's
 * timeout-list lock, then a run-queue lock (sched_make_runnable).  All are
 * taken with interrupts off.  The timer interrupt, which starts from the
 * timeout list, therefore drops that lock before taking a waitq lock.
 *
 * No lost wake-ups: thread_wait queues the thread and marks it
 * THREAD_BLOCKED while still holding the caller's lock, so a waker (which
 * needs that lock) finds it queued; if the wake comes after the unlock but
 * before the switch, sched_make_runnable sees a thread that is still
 * current and only flips it back to runnable (sched.c, invariant 3).
 */
#include "kernel.h"

struct sleepq {
	struct spinlock	lock;
	struct list	head;		/* waiters by deadline, earliest first */
};

static struct sleepq sleepqs[MAX_CPUS];

/* Initialise an empty wait queue.  Any context. */
void
waitq_init(struct waitq *wq)
{
	list_init(&wq->waiters);
}

/* Set up CPU c's timeout list.  Boot, before c schedules. */
void
waitq_cpu_init(struct cpu *c)
{
	list_init(&sleepqs[c->id].head);
}

static void
sleepq_insert(struct thread *t)
{
	struct sleepq *sq = &sleepqs[t->cpu->id];
	struct list *p;
	uint64_t f;

	f = spin_lock_irqsave(&sq->lock);
	/* Search from the back: a later deadline is the common case. */
	for (p = sq->head.prev; p != &sq->head; p = p->prev) {
		if (list_entry(p, struct thread, sleep_link)->deadline <=
		    t->deadline)
			break;
	}
	list_insert_after(p, &t->sleep_link);
	spin_unlock_irqrestore(&sq->lock, f);
}

/* Take t off its timeout list; no effect if it is not on it (list_remove
 * leaves a node pointing at itself). */
static void
sleepq_remove(struct thread *t)
{
	struct sleepq *sq = &sleepqs[t->cpu->id];
	uint64_t f;

	f = spin_lock_irqsave(&sq->lock);
	list_remove(&t->sleep_link);
	spin_unlock_irqrestore(&sq->lock, f);
}

/* Dequeue waiter t with result; t->wq_lock held. */
static void
wake_one(struct thread *t, int result)
{
	list_remove(&t->runq_link);
	t->wq = NULL;
	t->wake_result = result;
	if (t->deadline != 0)
		sleepq_remove(t);
	sched_make_runnable(t);
}

/*
 * Block the current thread on wq until woken or until deadline (monotonic
 * ns; 0 = none).  *lock is held, taken with interrupts off, and every
 * holder of *lock must hold it with interrupts off (the timer interrupt
 * takes it to time a waiter out).  It is released while asleep and held
 * again on return, interrupts still off.  0 when woken, -ETIMEDOUT at the
 * deadline (at once if it has passed).  Thread context, not the idle thread.
 */
int
thread_wait(struct waitq *wq, struct spinlock *lock, uint64_t deadline)
{
	struct thread *t = thread_current();

	assert(t != t->cpu->idle);
	if (deadline != 0 && deadline <= time_monotonic())
		return -ETIMEDOUT;
	t->wq = wq;
	t->wq_lock = lock;
	t->wake_result = 0;
	t->deadline = deadline;
	list_push_back(&wq->waiters, &t->runq_link);
	if (deadline != 0)
		sleepq_insert(t);
	t->state = THREAD_BLOCKED;
	spin_unlock(lock);

	sched_block();

	/* A timer interrupt on another CPU may still be about to take
	 * *lock for us (waitq_expire): *lock must outlive that. */
	while (__atomic_load_n(&t->expiring, __ATOMIC_ACQUIRE))
		cpu_pause();
	spin_lock(lock);
	/* Every wake path dequeued us: waitq_wake or waitq_expire. */
	assert(t->wq == NULL);
	if (deadline != 0)
		sleepq_remove(t);
	t->deadline = 0;
	return t->wake_result;
}

/*
 * Wake up to n waiters of wq (0 = all), oldest first; each returns 0 from
 * thread_wait.  The caller holds the lock the waiters passed to
 * thread_wait.  Returns how many woke.  Any context that may take that lock.
 */
int
waitq_wake(struct waitq *wq, int n)
{
	struct thread *t;
	int woke = 0;

	while (!list_empty(&wq->waiters) && (n <= 0 || woke < n)) {
		t = list_entry(wq->waiters.next, struct thread, runq_link);
		wake_one(t, 0);
		woke++;
	}
	return woke;
}

/*
 * Time out this CPU's waiters whose deadline is <= now.  Timer interrupt,
 * interrupts off.  A waiter taken off the list is marked t->expiring
 * under the list lock; thread_wait does not return (and so neither it nor
 * the lock it waits with goes away) until the mark is cleared, even if
 * another CPU wakes and runs it meanwhile.
 */
void
waitq_expire(uint64_t now)
{
	struct sleepq *sq = &sleepqs[cpu_this()->id];
	struct spinlock *lock;
	struct thread *t;

	for (;;) {
		spin_lock(&sq->lock);
		if (list_empty(&sq->head))
			break;
		t = list_entry(sq->head.next, struct thread, sleep_link);
		if (t->deadline > now)
			break;
		list_remove(&t->sleep_link);
		__atomic_store_n(&t->expiring, 1, __ATOMIC_RELAXED);
		spin_unlock(&sq->lock);

		lock = t->wq_lock;
		spin_lock(lock);
		if (t->wq != NULL)	/* not woken in the meantime */
			wake_one(t, -ETIMEDOUT);
		spin_unlock(lock);
		__atomic_store_n(&t->expiring, 0, __ATOMIC_RELEASE);
	}
	spin_unlock(&sq->lock);
}

/* Earliest deadline on this CPU's timeout list, 0 if empty.  Interrupts
 * off (scheduler). */
uint64_t
waitq_next_deadline(void)
{
	struct sleepq *sq = &sleepqs[cpu_this()->id];
	uint64_t d = 0;

	spin_lock(&sq->lock);
	if (!list_empty(&sq->head))
		d = list_entry(sq->head.next, struct thread, sleep_link)->deadline;
	spin_unlock(&sq->lock);
	return d;
}

/* Sleep until the monotonic clock reaches deadline (ns); returns at once if
 * it has.  Blocks, never spins.  Thread context. */
void
thread_sleep_until(uint64_t deadline)
{
	struct spinlock lock = { 0, 0 };
	struct waitq wq;
	uint64_t f;

	if (deadline == 0)
		return;
	waitq_init(&wq);
	f = spin_lock_irqsave(&lock);
	while (thread_wait(&wq, &lock, deadline) != -ETIMEDOUT)
		continue;
	spin_unlock_irqrestore(&lock, f);
}

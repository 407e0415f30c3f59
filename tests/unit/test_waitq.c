/* SPDX-License-Identifier: ISC */
/*
 * test_waitq.c: thread_wait / waitq_wake / waitq_expire (runtime/waitq.c)
 * on the host with a fake scheduler.  "Blocking" (sched_block) runs the
 * next scripted hook, which plays the other threads and the timer
 * interrupt: it may switch the fake current thread and wait again (nested
 * waiters), wake, or advance the clock and expire deadlines.  When the hook
 * returns, the blocked thread must have been made runnable.
 */
#include "harness.h"
#include "host_shim.h"

#include <string.h>

#include "kernel.h"

static struct cpu fake_cpu;
static struct thread *fake_cur;

static struct cpu *
fake_cpu_this(void)
{
	return &fake_cpu;
}

static struct thread *
fake_thread_current(void)
{
	return fake_cur;
}

#define cpu_this	fake_cpu_this
#define thread_current	fake_thread_current
#include "../../runtime/waitq.c"

/* ---- fake clock and scheduler ---- */

static uint64_t fake_now = 1000;
static int nblocks, nrunnable;

typedef void (*hook_fn)(void);
#define MAX_DEPTH	8
static hook_fn hooks[MAX_DEPTH];
static int depth;

uint64_t
time_monotonic(void)
{
	return fake_now;
}

void
sched_make_runnable(struct thread *t)
{
	if (t->state == THREAD_BLOCKED) {
		t->state = THREAD_RUNNABLE;
		nrunnable++;
	}
}

void
sched_block(void)
{
	struct thread *me = fake_cur;
	hook_fn h;

	nblocks++;
	EXPECT_EQ(me->state, THREAD_BLOCKED);
	EXPECT(depth < MAX_DEPTH);
	h = hooks[depth++];
	if (h != NULL)
		h();
	depth--;
	fake_cur = me;
	EXPECT_EQ(me->state, THREAD_RUNNABLE);	/* else: blocked forever */
	me->state = THREAD_RUNNING;
}

static struct thread ta, tb, tc, tidle;
static struct waitq wq;
static struct spinlock lock;

static void
new_thread(struct thread *t, int tid)
{
	memset(t, 0, sizeof(*t));
	t->tid = tid;
	t->cpu = &fake_cpu;
	t->state = THREAD_RUNNING;
	list_init(&t->runq_link);
	list_init(&t->sleep_link);
}

static void
reset(void)
{
	memset(&fake_cpu, 0, sizeof(fake_cpu));
	fake_cpu.idle = &tidle;
	waitq_cpu_init(&fake_cpu);
	new_thread(&ta, 1);
	new_thread(&tb, 2);
	new_thread(&tc, 3);
	new_thread(&tidle, 0);
	fake_cur = &ta;
	waitq_init(&wq);
	memset(&lock, 0, sizeof(lock));
	memset(hooks, 0, sizeof(hooks));
	depth = nblocks = nrunnable = 0;
	fake_now = 1000;
}

static int
locked(void)
{
	return lock.next != lock.owner;
}

/* Thread "me" takes the lock, waits, releases: the usual caller shape. */
static int
wait_as(struct thread *me, uint64_t deadline)
{
	uint64_t f;
	int r;

	fake_cur = me;
	f = spin_lock_irqsave(&lock);
	r = thread_wait(&wq, &lock, deadline);
	EXPECT(locked());
	spin_unlock_irqrestore(&lock, f);
	return r;
}

static int woke;

static void
hook_wake_one(void)
{
	uint64_t f;

	EXPECT(!locked());		/* released while asleep */
	f = spin_lock_irqsave(&lock);
	woke = waitq_wake(&wq, 1);
	spin_unlock_irqrestore(&lock, f);
}

TEST(past_deadline_times_out_without_blocking)
{
	reset();
	EXPECT_EQ(wait_as(&ta, fake_now), -ETIMEDOUT);
	EXPECT_EQ(wait_as(&ta, fake_now - 1), -ETIMEDOUT);
	EXPECT_EQ(nblocks, 0);
	EXPECT(list_empty(&wq.waiters));
}

TEST(woken_waiter_returns_zero)
{
	reset();
	hooks[0] = hook_wake_one;
	EXPECT_EQ(wait_as(&ta, 0), 0);
	EXPECT_EQ(waitq_next_deadline(), 0);
	EXPECT_EQ(woke, 1);
	EXPECT_EQ(nblocks, 1);
	EXPECT(list_empty(&wq.waiters));
	EXPECT(ta.wq == NULL);
}

static void
hook_timer_fires(void)
{
	EXPECT_EQ(waitq_next_deadline(), 5000);
	fake_now = 4999;
	waitq_expire(fake_now);		/* too early: nothing */
	EXPECT_EQ(ta.state, THREAD_BLOCKED);
	fake_now = 5000;
	waitq_expire(fake_now);
}

TEST(deadline_expires_from_the_timer)
{
	reset();
	hooks[0] = hook_timer_fires;
	EXPECT_EQ(wait_as(&ta, 5000), -ETIMEDOUT);
	EXPECT(list_empty(&wq.waiters));
	EXPECT_EQ(waitq_next_deadline(), 0);
	EXPECT(ta.wq == NULL);
	EXPECT_EQ(ta.deadline, 0);
}

static void
hook_wake_before_deadline(void)
{
	EXPECT_EQ(waitq_next_deadline(), 9000);
	hook_wake_one();
	/* waking took it off the timeout list too */
	EXPECT_EQ(waitq_next_deadline(), 0);
	fake_now = 10000;
	waitq_expire(fake_now);		/* must not wake it twice */
}

TEST(wake_beats_deadline)
{
	reset();
	hooks[0] = hook_wake_before_deadline;
	EXPECT_EQ(wait_as(&ta, 9000), 0);
	EXPECT_EQ(nrunnable, 1);
}

static int rb, rc;

static void
hook_c_then_check(void)
{
	uint64_t f;

	/* a (30000), b (10000), c (20000) wait; earliest first */
	EXPECT_EQ(waitq_next_deadline(), 10000);
	fake_now = 15000;
	waitq_expire(fake_now);
	EXPECT_EQ(tb.state, THREAD_RUNNABLE);
	EXPECT_EQ(ta.state, THREAD_BLOCKED);
	EXPECT_EQ(tc.state, THREAD_BLOCKED);
	EXPECT_EQ(waitq_next_deadline(), 20000);
	/* FIFO: the oldest waiter left is a */
	f = spin_lock_irqsave(&lock);
	EXPECT_EQ(waitq_wake(&wq, 1), 1);
	spin_unlock_irqrestore(&lock, f);
	EXPECT_EQ(ta.state, THREAD_RUNNABLE);
	EXPECT_EQ(tc.state, THREAD_BLOCKED);
	fake_now = 25000;
	waitq_expire(fake_now);
	EXPECT_EQ(tc.state, THREAD_RUNNABLE);
	EXPECT_EQ(waitq_next_deadline(), 0);
}

static void
hook_c_waits(void)
{
	rc = wait_as(&tc, 20000);
}

static void
hook_b_waits(void)
{
	rb = wait_as(&tb, 10000);
}

TEST(timeouts_in_deadline_order_wakes_in_fifo_order)
{
	reset();
	hooks[0] = hook_b_waits;
	hooks[1] = hook_c_waits;
	hooks[2] = hook_c_then_check;
	EXPECT_EQ(wait_as(&ta, 30000), 0);
	EXPECT_EQ(rb, -ETIMEDOUT);
	EXPECT_EQ(rc, -ETIMEDOUT);
	EXPECT(list_empty(&wq.waiters));
	EXPECT(list_empty(&sleepqs[0].head));
}

static void
hook_wake_all(void)
{
	uint64_t f;

	f = spin_lock_irqsave(&lock);
	woke = waitq_wake(&wq, 0);
	spin_unlock_irqrestore(&lock, f);
}

static void
hook_b_waits_forever(void)
{
	rb = wait_as(&tb, 0);
}

TEST(wake_zero_wakes_everyone)
{
	reset();
	hooks[0] = hook_b_waits_forever;
	hooks[1] = hook_wake_all;
	EXPECT_EQ(wait_as(&ta, 0), 0);
	EXPECT_EQ(rb, 0);
	EXPECT_EQ(woke, 2);
	/* nobody left: a wake-up is a no-op */
	EXPECT_EQ(waitq_wake(&wq, 0), 0);
}

static void
hook_sleep_timer(void)
{
	fake_now += 700;
	waitq_expire(fake_now);
}

TEST(sleep_until_blocks_to_the_deadline)
{
	reset();
	hooks[0] = hook_sleep_timer;
	thread_sleep_until(0);		/* no deadline: no sleep */
	thread_sleep_until(500);	/* past */
	EXPECT_EQ(nblocks, 0);
	thread_sleep_until(1500);
	EXPECT_EQ(nblocks, 1);
	EXPECT(fake_now >= 1500);
}

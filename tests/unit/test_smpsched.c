/* SPDX-License-Identifier: ISC */
/*
 * test_smpsched.c: run-queue selection with several CPUs
 * (runtime/sched.c): where new and woken threads go (the waker's CPU),
 * when an idle CPU is kicked to take a waiting one (the spill), what an
 * idle CPU steals, and that a thread still current on its CPU is never
 * queued or stolen.  cpu_this() is a variable; IPIs
 * (smp_kick) are recorded.
 */
#include "harness.h"
#include "host_shim.h"

#include <string.h>

#include "kernel.h"

struct cpu cpus[MAX_CPUS];
unsigned int ncpus;
static struct cpu *this_cpu;

static struct cpu *
fake_cpu_this(void)
{
	return this_cpu;
}

static void
fake_wrmsr(uint32_t msr, uint64_t v)
{
	(void)msr;
	(void)v;
}

#define cpu_this	fake_cpu_this
#define wrmsr		fake_wrmsr
#include "../../runtime/sched.c"

/* ---- fakes ---- */

static uint64_t fake_now = 1000000;
static int kicks[MAX_CPUS];

uint64_t time_monotonic(void) { return fake_now; }
void waitq_cpu_init(struct cpu *c) { (void)c; }
uint64_t waitq_next_deadline(void) { return 0; }
void waitq_expire(uint64_t now) { (void)now; }
void lapic_eoi(void) { }
void lapic_timer_oneshot(uint64_t ns) { (void)ns; }
void lapic_timer_stop(void) { }
void cpu_fpu_save(void *area) { (void)area; }
void cpu_fpu_restore(const void *area) { (void)area; }
void thread_reap(struct thread *t) { (void)t; }
_Noreturn void thread_exit(void) { abort(); }
void trap_register(int vector, trap_handler_t fn) { (void)vector; (void)fn; }

void
smp_kick(struct cpu *c)
{
	if (c != this_cpu)
		kicks[c->id]++;
}

#define NCPU	3
static struct thread idles[NCPU], busy[NCPU], t1, t2, t3;

static void
new_thread(struct thread *t, int tid, struct cpu *c, enum thread_state st)
{
	memset(t, 0, sizeof(*t));
	t->tid = tid;
	t->cpu = c;
	t->state = st;
	list_init(&t->runq_link);
}

/* NCPU CPUs, each running its idle thread; this CPU is cpus[0]. */
static void
reset(void)
{
	unsigned int i;

	memset(cpus, 0, sizeof(cpus));
	memset(kicks, 0, sizeof(kicks));
	for (i = 0; i < NCPU; i++) {
		cpus[i].self = &cpus[i];
		cpus[i].id = i;
		new_thread(&idles[i], 0, &cpus[i], THREAD_RUNNING);
		cpus[i].cur = &idles[i];
		this_cpu = &cpus[i];
		sched_cpu_init(&cpus[i], &idles[i]);
	}
	ncpus = NCPU;
	this_cpu = &cpus[0];
	new_thread(&t1, 11, &cpus[0], THREAD_BLOCKED);
	new_thread(&t2, 12, &cpus[0], THREAD_BLOCKED);
	new_thread(&t3, 13, &cpus[0], THREAD_BLOCKED);
}

/* CPU i runs busy[i]. */
static void
make_busy(unsigned int i)
{
	new_thread(&busy[i], 100 + (int)i, &cpus[i], THREAD_RUNNING);
	cpus[i].cur = &busy[i];
}

static struct runq *
rq_of(unsigned int i)
{
	return cpus[i].runq;
}

static bool
queued_on(struct thread *t, unsigned int i)
{
	struct list *p;

	list_for_each(p, &rq_of(i)->ready)
		if (p == &t->runq_link)
			return true;
	return false;
}

/* A timer interrupt on CPU i at fake_now. */
static void
tick(unsigned int i)
{
	struct trapframe tf;

	memset(&tf, 0, sizeof(tf));
	tf.vector = VEC_TIMER;
	this_cpu = &cpus[i];
	timer_intr(&tf);
	this_cpu = &cpus[0];
}

TEST(woken_by_busy_cpu_waits_there_without_ipi)
{
	reset();
	make_busy(0);
	sched_make_runnable(&t1);
	EXPECT_EQ(t1.state, THREAD_RUNNABLE);
	EXPECT(t1.cpu == &cpus[0]);
	EXPECT(queued_on(&t1, 0));
	EXPECT_EQ(rq_of(0)->nready, 1);
	EXPECT_EQ(kicks[0] + kicks[1] + kicks[2], 0);
	/* cpus[1] and [2] idle: the spill is timed. */
	EXPECT_EQ(rq_of(0)->spill_at, fake_now + SCHED_SPILL_NS);
}

TEST(spill_kicks_an_idle_cpu_only_when_due)
{
	uint64_t t0 = fake_now;

	reset();
	make_busy(0);
	sched_make_runnable(&t1);
	fake_now = t0 + SCHED_SPILL_NS - 1;
	tick(0);
	EXPECT_EQ(kicks[1] + kicks[2], 0);
	fake_now = t0 + SCHED_SPILL_NS;
	tick(0);
	EXPECT_EQ(kicks[1], 1);		/* the first idle CPU after cpus[0] */
	EXPECT_EQ(kicks[2], 0);
	/* Still waiting: another period, then another kick. */
	EXPECT_EQ(rq_of(0)->spill_at, fake_now + SCHED_SPILL_NS);
	/* The kicked CPU steals it: nothing waits, no spill. */
	this_cpu = &cpus[1];
	EXPECT(steal(&cpus[1]));
	this_cpu = &cpus[0];
	EXPECT(t1.cpu == &cpus[1]);
	EXPECT_EQ(rq_of(0)->spill_at, 0);
	fake_now = t0;
}

TEST(woken_thread_comes_to_the_wakers_cpu)
{
	reset();
	make_busy(0);
	t1.cpu = &cpus[2];		/* last ran on an idle CPU */
	sched_make_runnable(&t1);
	EXPECT(t1.cpu == &cpus[0]);
	EXPECT(queued_on(&t1, 0));
	EXPECT(!queued_on(&t1, 2));
	EXPECT_EQ(kicks[2], 0);
}

TEST(interrupt_on_idle_cpu_runs_the_thread_there)
{
	reset();
	make_busy(0);
	t1.cpu = &cpus[0];
	this_cpu = &cpus[1];		/* an interrupt handler on idle cpus[1] */
	sched_make_runnable(&t1);
	this_cpu = &cpus[0];
	EXPECT(t1.cpu == &cpus[1]);
	EXPECT(queued_on(&t1, 1));
	EXPECT_EQ(cpus[1].need_resched, 1);
	EXPECT_EQ(kicks[0] + kicks[1] + kicks[2], 0);
	EXPECT_EQ(rq_of(1)->spill_at, 0);
}

TEST(all_busy_no_spill_no_ipi)
{
	reset();
	make_busy(0);
	make_busy(1);
	make_busy(2);
	t1.cpu = &cpus[1];
	sched_make_runnable(&t1);
	EXPECT(t1.cpu == &cpus[0]);
	EXPECT(queued_on(&t1, 0));
	EXPECT_EQ(rq_of(0)->spill_at, 0);
	EXPECT_EQ(kicks[0] + kicks[1] + kicks[2], 0);
}

TEST(current_but_blocked_is_not_queued)
{
	reset();
	make_busy(1);
	t1.cpu = &cpus[1];
	cpus[1].cur = &t1;		/* blocked, switch not done yet */
	sched_make_runnable(&t1);
	EXPECT_EQ(t1.state, THREAD_RUNNABLE);
	EXPECT(t1.cpu == &cpus[1]);
	EXPECT(!queued_on(&t1, 0) && !queued_on(&t1, 1) && !queued_on(&t1, 2));
	EXPECT_EQ(kicks[1], 0);
}

TEST(wake_of_runnable_thread_is_a_no_op)
{
	reset();
	make_busy(0);
	sched_make_runnable(&t1);
	sched_make_runnable(&t1);
	EXPECT_EQ(rq_of(0)->nready, 1);
	EXPECT_EQ(kicks[0] + kicks[1] + kicks[2], 0);
}

TEST(idle_cpu_steals_oldest_ready_thread)
{
	reset();
	make_busy(0);
	make_busy(1);
	make_busy(2);
	sched_make_runnable(&t1);	/* all busy: both on cpus[0] */
	sched_make_runnable(&t2);
	EXPECT_EQ(rq_of(0)->nready, 2);
	cpus[2].cur = &idles[2];	/* cpus[2] goes idle */
	this_cpu = &cpus[2];
	EXPECT(steal(&cpus[2]));
	EXPECT(t1.cpu == &cpus[2]);
	EXPECT(queued_on(&t1, 2));
	EXPECT(queued_on(&t2, 0));
	EXPECT_EQ(rq_of(0)->nready, 1);
	EXPECT_EQ(rq_of(2)->nready, 1);
	/* The search starts after the thief: cpus[1] finds cpus[2]'s. */
	cpus[1].cur = &idles[1];
	this_cpu = &cpus[1];
	EXPECT(steal(&cpus[1]));
	EXPECT(t1.cpu == &cpus[1]);
	EXPECT(queued_on(&t2, 0));
}

TEST(nothing_to_steal)
{
	reset();
	this_cpu = &cpus[1];
	EXPECT(!steal(&cpus[1]));
	EXPECT_EQ(rq_of(1)->nready, 0);
}

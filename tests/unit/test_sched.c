/* SPDX-License-Identifier: ISC */
/*
 * test_sched.c: the scheduler's switch decisions (runtime/sched.c) on the
 * host.  Interrupt returns are simulated by calling the registered
 * handler and then sched_trap_return with a synthetic frame; the CPU, the
 * clock, the LAPIC timer, the FPU and the %fs MSR are fakes that record
 * what the scheduler did.
 */
#include "harness.h"
#include "host_shim.h"

#include <string.h>

#include "kernel.h"

static struct cpu c0;
static uint64_t fs_base_msr;

static struct cpu *
fake_cpu_this(void)
{
	return &c0;
}

static void
fake_wrmsr(uint32_t msr, uint64_t v)
{
	if (msr == MSR_FS_BASE)
		fs_base_msr = v;
}

#define cpu_this	fake_cpu_this
#define wrmsr		fake_wrmsr
#include "../../runtime/sched.c"

/* ---- fakes ---- */

static uint64_t fake_now = 1000000;
static uint64_t sleeper_deadline;	/* waitq_next_deadline() */
static trap_handler_t handlers[256];
static void *fpu_saved, *fpu_restored;
static uint64_t oneshot_ns;
static int oneshots, stops, eois, expires;
static struct thread *reaped[8];
static int nreaped;

uint64_t time_monotonic(void) { return fake_now; }
void waitq_cpu_init(struct cpu *c) { (void)c; }
uint64_t waitq_next_deadline(void) { return sleeper_deadline; }
void waitq_expire(uint64_t now) { (void)now; expires++; }
void lapic_eoi(void) { eois++; }
void lapic_timer_oneshot(uint64_t ns) { oneshot_ns = ns; oneshots++; }
void lapic_timer_stop(void) { stops++; }
void cpu_fpu_save(void *area) { fpu_saved = area; }
void cpu_fpu_restore(const void *area) { fpu_restored = (void *)area; }
void thread_reap(struct thread *t) { reaped[nreaped++] = t; }
_Noreturn void thread_exit(void) { abort(); }

void
trap_register(int vector, trap_handler_t fn)
{
	handlers[vector] = fn;
}

static struct thread ta, tb, tidle;
static char fpu_a[64], fpu_b[64];

static void
new_thread(struct thread *t, int tid, void *fpu, enum thread_state st)
{
	memset(t, 0, sizeof(*t));
	t->tid = tid;
	t->cpu = &c0;
	t->fpu = fpu;
	t->state = st;
	t->fs_base = 0x1000 * (uint64_t)(tid + 1);
	t->tf.rip = 0xaaaa0000 + (uint64_t)tid;	/* identifies the frame */
	list_init(&t->runq_link);
}

static struct runq *
rq(void)
{
	return c0.runq;
}

static void
reset(void)
{
	memset(&c0, 0, sizeof(c0));
	memset(handlers, 0, sizeof(handlers));
	new_thread(&ta, 1, fpu_a, THREAD_RUNNING);
	new_thread(&tb, 2, fpu_b, THREAD_BLOCKED);
	new_thread(&tidle, 0, NULL, THREAD_RUNNABLE);
	tidle.fs_base = 0;			/* idle has no TLS */
	sched_cpu_init(&c0, &tidle);
	c0.cur = &ta;
	rq()->enabled = 1;
	rq()->slice_end = fake_now + SCHED_QUANTUM_NS;
	fake_now = 1000000;
	sleeper_deadline = 0;
	fpu_saved = fpu_restored = NULL;
	oneshots = stops = eois = expires = nreaped = 0;
	fs_base_msr = 0;
}

/* The frame of the running thread as an interrupt of vector vec sees it. */
static struct trapframe
frame(uint64_t vec, int if_on)
{
	struct trapframe tf;

	memset(&tf, 0, sizeof(tf));
	tf.vector = vec;
	tf.rip = c0.cur->tf.rip;
	tf.rflags = if_on ? RFLAGS_IF : 0;
	tf.rsp = 0x7000;
	return tf;
}

/* Interrupt vec arrives in the running thread and returns. */
static struct trapframe
interrupt(uint64_t vec, int if_on)
{
	struct trapframe tf = frame(vec, if_on);

	if (handlers[vec] != NULL)
		handlers[vec](&tf);
	sched_trap_return(&tf);
	return tf;
}

TEST(handlers_registered)
{
	reset();
	EXPECT(handlers[VEC_TIMER] != NULL);
	EXPECT(handlers[VEC_RESCHED] != NULL);
}

TEST(wake_queues_without_preempting_a_busy_cpu)
{
	struct trapframe tf;

	reset();
	sched_make_runnable(&tb);
	EXPECT_EQ(tb.state, THREAD_RUNNABLE);
	EXPECT(!list_empty(&rq()->ready));
	EXPECT_EQ(c0.need_resched, 0);
	tf = interrupt(0x30, 1);		/* a device interrupt */
	EXPECT(c0.cur == &ta);
	EXPECT_EQ(tf.rip, ta.tf.rip);
}

TEST(yield_switches_and_saves_state)
{
	struct trapframe tf;

	reset();
	sched_make_runnable(&tb);
	tf = interrupt(VEC_RESCHED, 1);
	EXPECT(c0.cur == &tb);
	EXPECT_EQ(tb.state, THREAD_RUNNING);
	EXPECT_EQ(ta.state, THREAD_RUNNABLE);
	EXPECT_EQ(tf.rip, 0xaaaa0002);		/* b's frame loaded */
	EXPECT_EQ(ta.tf.rip, 0xaaaa0001);	/* a's frame saved */
	EXPECT_EQ(ta.tf.rsp, 0x7000);
	EXPECT(fpu_saved == fpu_a);
	EXPECT(fpu_restored == fpu_b);
	EXPECT_EQ(fs_base_msr, tb.fs_base);
	/* a is queued behind: yielding again goes back to a */
	tf = interrupt(VEC_RESCHED, 1);
	EXPECT(c0.cur == &ta);
	EXPECT_EQ(tf.rip, 0xaaaa0001);
}

TEST(yield_alone_keeps_running)
{
	struct trapframe tf;

	reset();
	tf = interrupt(VEC_RESCHED, 1);
	EXPECT(c0.cur == &ta);
	EXPECT_EQ(ta.state, THREAD_RUNNING);
	EXPECT_EQ(tf.rip, ta.tf.rip);
	EXPECT(fpu_saved == NULL);
}

TEST(block_then_idle_then_wake)
{
	struct trapframe tf;

	reset();
	ta.state = THREAD_BLOCKED;		/* thread_wait */
	tf = interrupt(VEC_RESCHED, 0);		/* interrupts off: still switches */
	EXPECT(c0.cur == &tidle);
	EXPECT(list_empty(&rq()->ready));
	EXPECT(fpu_saved == fpu_a);
	EXPECT(fpu_restored == NULL);		/* idle has no FPU area */
	EXPECT_EQ(fs_base_msr, 0);
	/* idle is tickless: no sleepers, no timer */
	EXPECT(stops >= 1);
	EXPECT_EQ(rq()->armed, 0);
	/* a wake-up on an idle CPU asks for a switch */
	sched_make_runnable(&ta);
	EXPECT_EQ(c0.need_resched, 1);
	tf = interrupt(0x30, 1);
	EXPECT(c0.cur == &ta);
	EXPECT_EQ(tf.rip, 0xaaaa0001);
	EXPECT(fpu_restored == fpu_a);
	EXPECT_EQ(tidle.state, THREAD_RUNNABLE);
	EXPECT(list_empty(&rq()->ready));	/* idle is never queued */
}

TEST(wake_before_switch_is_not_lost_or_doubled)
{
	struct trapframe tf;

	reset();
	ta.state = THREAD_BLOCKED;		/* queued on a waitq, lock dropped */
	sched_make_runnable(&ta);		/* woken before its int */
	EXPECT_EQ(ta.state, THREAD_RUNNABLE);
	EXPECT(list_empty(&rq()->ready));	/* current: not queued */
	tf = interrupt(VEC_RESCHED, 0);
	EXPECT(c0.cur == &ta);
	EXPECT_EQ(ta.state, THREAD_RUNNING);
	EXPECT_EQ(tf.rip, 0xaaaa0001);
	EXPECT(list_empty(&rq()->ready));
	/* making it runnable again changes nothing */
	sched_make_runnable(&ta);
	EXPECT(list_empty(&rq()->ready));
}

TEST(dead_thread_goes_to_zombies_and_is_reaped)
{
	reset();
	sched_make_runnable(&tb);
	ta.state = THREAD_DEAD;
	(void)interrupt(VEC_RESCHED, 0);
	EXPECT(c0.cur == &tb);
	EXPECT(fpu_saved == NULL);		/* nothing saved for the dead */
	EXPECT(!list_empty(&rq()->zombies));
	sched_reap();
	EXPECT_EQ(nreaped, 1);
	EXPECT(reaped[0] == &ta);
	EXPECT(list_empty(&rq()->zombies));
}

TEST(no_switch_on_exceptions_masked_or_nested_frames)
{
	struct trapframe tf;
	static char ist[IST_STACK_SIZE];

	reset();
	sched_make_runnable(&tb);
	c0.need_resched = 1;
	tf = interrupt(VEC_PF, 1);
	EXPECT(c0.cur == &ta);
	tf = interrupt(0x30, 0);		/* IF=0 in the frame */
	EXPECT(c0.cur == &ta);
	c0.ist[IST_IRQ] = ist + sizeof(ist);
	tf = frame(0x30, 1);
	tf.rsp = (uint64_t)(ist + 100);		/* interrupted an IST stack */
	sched_trap_return(&tf);
	EXPECT(c0.cur == &ta);
	tf = interrupt(0x30, 1);		/* a plain thread frame: go */
	EXPECT(c0.cur == &tb);
}

TEST(slice_end_preempts_only_when_someone_waits)
{
	reset();
	/* alone: the slice is extended, no switch */
	fake_now = rq()->slice_end;
	(void)interrupt(VEC_TIMER, 1);
	EXPECT_EQ(eois, 1);
	EXPECT_EQ(expires, 1);
	EXPECT(c0.cur == &ta);
	EXPECT_EQ(rq()->slice_end, fake_now + SCHED_QUANTUM_NS);
	/* the timer is re-armed for the new slice end */
	EXPECT_EQ(rq()->armed, rq()->slice_end);
	EXPECT_EQ(oneshot_ns, SCHED_QUANTUM_NS);
	/* with b ready: before the end no switch, at the end a switch */
	sched_make_runnable(&tb);
	fake_now += SCHED_QUANTUM_NS / 2;
	(void)interrupt(VEC_TIMER, 1);
	EXPECT(c0.cur == &ta);
	fake_now += SCHED_QUANTUM_NS / 2;
	(void)interrupt(VEC_TIMER, 1);
	EXPECT(c0.cur == &tb);
	EXPECT_EQ(rq()->slice_end, fake_now + SCHED_QUANTUM_NS);
}

TEST(timer_armed_for_earliest_of_slice_and_sleeper)
{
	reset();
	rq()->slice_end = fake_now + 5000000;
	sleeper_deadline = fake_now + 2000000;
	(void)interrupt(0x30, 1);
	EXPECT_EQ(rq()->armed, sleeper_deadline);
	EXPECT_EQ(oneshot_ns, 2000000);
	sleeper_deadline = fake_now + 8000000;
	(void)interrupt(0x30, 1);
	EXPECT_EQ(rq()->armed, rq()->slice_end);
	EXPECT_EQ(oneshot_ns, 5000000);
	/* unchanged deadline: the timer is left alone */
	oneshots = 0;
	(void)interrupt(0x30, 1);
	EXPECT_EQ(oneshots, 0);
	/* a deadline already passed fires at once */
	sleeper_deadline = fake_now - 1;
	(void)interrupt(0x30, 1);
	EXPECT_EQ(oneshot_ns, 0);
}

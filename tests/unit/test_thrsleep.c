/* SPDX-License-Identifier: ISC */
/*
 * test_thrsleep.c: __thrsleep/__thrwakeup and the futex under them
 * (runtime/libc/thrsleep.c), with waitq.c replaced by fakes.
 *
 * Two fakes of thread_wait share this file.  Scripted mode (hook set):
 * "blocking" runs the next hook, which plays the other threads (more
 * sleepers nest as deeper hooks); the sleeper then returns 0 if a
 * waitq_wake reached it, else times out.  Real mode (no hook): host
 * pthreads are the threads and a waiter blocks on a condition variable,
 * for a ping-pong stress test of the lost-wake-up rule.
 */
#include "harness.h"
#include "host_shim.h"

#include <pthread.h>
#include <string.h>
#include <time.h>

#include "../../runtime/libc/thrsleep.c"

/* ---- fake clocks ---- */

static int64_t fake_mono = 1000000000;		/* scripted mode */
static int64_t fake_rt_offset = 1700000000LL * 1000000000LL;
static int real_mode;

static int64_t
host_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

uint64_t
time_monotonic(void)
{
	return real_mode ? (uint64_t)host_ns() : (uint64_t)fake_mono;
}

int
time_clock(int clock_id, int64_t *ns)
{
	if (clock_id == CLOCK_REALTIME) {
		*ns = (int64_t)time_monotonic() + fake_rt_offset;
		return 0;
	}
	if (clock_id == CLOCK_MONOTONIC || clock_id == CLOCK_BOOTTIME) {
		*ns = (int64_t)time_monotonic();
		return 0;
	}
	return -EINVAL;
}

/* ---- fake waitq ---- */

struct waiter {
	struct list	link;		/* on the waitq */
	int		woken;
	pthread_cond_t	cv;		/* real mode */
};

typedef void (*hook_fn)(void);
#define MAX_DEPTH	8
static hook_fn hooks[MAX_DEPTH];
static struct waiter *stack[MAX_DEPTH];	/* blocked waiters, scripted */
static int depth;
static int nwaits;			/* thread_wait calls */
static uint64_t last_deadline;
static pthread_mutex_t gate = PTHREAD_MUTEX_INITIALIZER;	/* real mode */

void
waitq_init(struct waitq *wq)
{
	list_init(&wq->waiters);
}

int
waitq_wake(struct waitq *wq, int n)
{
	int woke = 0;

	while (!list_empty(&wq->waiters) && (n <= 0 || woke < n)) {
		struct waiter *w = list_entry(wq->waiters.next, struct waiter,
		    link);

		list_remove(&w->link);
		if (real_mode)
			pthread_mutex_lock(&gate);
		w->woken = 1;
		if (real_mode) {
			pthread_cond_signal(&w->cv);
			pthread_mutex_unlock(&gate);
		}
		woke++;
	}
	return woke;
}

static int
wait_real(struct waiter *w, struct spinlock *lock, uint64_t deadline)
{
	struct timespec ts;
	int r = 0;

	pthread_condattr_t a;

	pthread_condattr_init(&a);
	pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
	pthread_cond_init(&w->cv, &a);
	pthread_condattr_destroy(&a);
	pthread_mutex_lock(&gate);	/* before the unlock: no lost wake */
	spin_unlock(lock);
	if (deadline != 0) {
		ts.tv_sec = (time_t)(deadline / 1000000000);
		ts.tv_nsec = (long)(deadline % 1000000000);
		while (!w->woken && r == 0)
			r = pthread_cond_timedwait(&w->cv, &gate, &ts);
	} else {
		while (!w->woken)
			pthread_cond_wait(&w->cv, &gate);
	}
	pthread_mutex_unlock(&gate);
	spin_lock(lock);
	pthread_cond_destroy(&w->cv);
	if (w->woken)
		return 0;
	list_remove(&w->link);		/* the timer's part */
	return -ETIMEDOUT;
}

int
thread_wait(struct waitq *wq, struct spinlock *lock, uint64_t deadline)
{
	struct waiter w;
	hook_fn h;

	memset(&w, 0, sizeof(w));
	EXPECT(lock->next != lock->owner);	/* called with the lock held */
	nwaits++;
	last_deadline = deadline;
	list_push_back(&wq->waiters, &w.link);
	if (real_mode)
		return wait_real(&w, lock, deadline);

	spin_unlock(lock);
	EXPECT(depth < MAX_DEPTH);
	stack[depth] = &w;
	h = hooks[depth++];
	if (h != NULL)
		h();
	depth--;
	spin_lock(lock);
	if (w.woken)
		return 0;
	list_remove(&w.link);
	EXPECT(deadline != 0);		/* else it would sleep forever */
	if ((int64_t)deadline > fake_mono)
		fake_mono = (int64_t)deadline;
	return -ETIMEDOUT;
}

static void
reset(void)
{
	memset(hooks, 0, sizeof(hooks));
	depth = 0;
	nwaits = 0;
	last_deadline = 0;
	real_mode = 0;
}

static struct timespec
ts_of(int64_t ns)
{
	struct timespec ts = { (time_t)(ns / 1000000000), (long)(ns % 1000000000) };

	return ts;
}

/* ---- scripted cases ---- */

static uint32_t word_a, word_b, word_c;
static int sleep_b_result, sleep_c_result, wake_result;
static const void *id_a, *id_b;

TEST(wakeup_without_sleeper_is_esrch)
{
	reset();
	EXPECT_EQ(__thrwakeup(&word_a, 1), ESRCH);
	EXPECT_EQ(__thrwakeup(&word_a, 0), ESRCH);
}

static void
hook_wake_a(void)
{
	wake_result = __thrwakeup(id_a, 1);
}

TEST(sleep_then_wake)
{
	reset();
	id_a = &word_a;
	hooks[0] = hook_wake_a;
	EXPECT_EQ(__thrsleep(&word_a, CLOCK_MONOTONIC, NULL, NULL, NULL), 0);
	EXPECT_EQ(wake_result, 0);
	EXPECT_EQ(last_deadline, 0);
	/* The sleeper is gone from the bucket. */
	EXPECT_EQ(__thrwakeup(&word_a, 1), ESRCH);
}

TEST(abort_nonzero_is_eintr_without_sleeping)
{
	int abort_word = 1;

	reset();
	EXPECT_EQ(__thrsleep(&abort_word, CLOCK_MONOTONIC, NULL, NULL,
	    &abort_word), EINTR);
	EXPECT_EQ(nwaits, 0);
	abort_word = 0;
	hooks[0] = hook_wake_a;
	id_a = &abort_word;
	EXPECT_EQ(__thrsleep(&abort_word, CLOCK_MONOTONIC, NULL, NULL,
	    &abort_word), 0);
	EXPECT_EQ(nwaits, 1);
}

TEST(past_deadline_is_ewouldblock_at_once)
{
	struct timespec ts;

	reset();
	ts = ts_of(fake_mono);		/* now counts as past */
	EXPECT_EQ(__thrsleep(&word_a, CLOCK_MONOTONIC, &ts, NULL, NULL),
	    EWOULDBLOCK);
	ts = ts_of(fake_mono - 5000);
	EXPECT_EQ(__thrsleep(&word_a, CLOCK_MONOTONIC, &ts, NULL, NULL),
	    EWOULDBLOCK);
	ts.tv_sec = -1;
	ts.tv_nsec = 0;
	EXPECT_EQ(__thrsleep(&word_a, CLOCK_MONOTONIC, &ts, NULL, NULL),
	    EWOULDBLOCK);
	EXPECT_EQ(nwaits, 0);
	EXPECT_EQ(EWOULDBLOCK, EAGAIN);
}

TEST(future_deadline_times_out_with_exact_deadline)
{
	struct timespec ts;
	int64_t when;

	reset();
	when = fake_mono + 20000000;	/* 20 ms */
	ts = ts_of(when);
	EXPECT_EQ(__thrsleep(&word_a, CLOCK_MONOTONIC, &ts, NULL, NULL),
	    EWOULDBLOCK);
	EXPECT_EQ(nwaits, 1);
	EXPECT_EQ(last_deadline, when);
	EXPECT_EQ(__thrwakeup(&word_a, 1), ESRCH);	/* not left behind */
}

TEST(realtime_deadline_is_converted)
{
	struct timespec ts;
	int64_t now = fake_mono;

	reset();
	ts = ts_of(now + fake_rt_offset + 3000000);
	EXPECT_EQ(__thrsleep(&word_a, CLOCK_REALTIME, &ts, NULL, NULL),
	    EWOULDBLOCK);
	EXPECT_EQ(last_deadline, now + 3000000);
}

TEST(bad_clock_or_timespec_is_einval)
{
	struct timespec ts = ts_of(fake_mono + 1000000000);

	reset();
	EXPECT_EQ(__thrsleep(&word_a, 42, &ts, NULL, NULL), EINVAL);
	ts.tv_nsec = 1000000000;
	EXPECT_EQ(__thrsleep(&word_a, CLOCK_MONOTONIC, &ts, NULL, NULL), EINVAL);
	ts.tv_nsec = -1;
	EXPECT_EQ(__thrsleep(&word_a, CLOCK_MONOTONIC, &ts, NULL, NULL), EINVAL);
	EXPECT_EQ(nwaits, 0);
}

/* Two addresses that share a bucket. */
static void
same_bucket_pair(const void **a, const void **b)
{
	static uint32_t words[4096];
	int i;

	*a = &words[0];
	for (i = 1; i < 4096; i++) {
		if (bucket_of(&words[i]) == bucket_of(&words[0])) {
			*b = &words[i];
			return;
		}
	}
	*b = NULL;
}

static void
hook_wake_a_only(void)
{
	/* both sleep now: a (depth 0) and b (depth 1) */
	wake_result = __thrwakeup(id_a, 0);
}

static void
hook_b_sleeps(void)
{
	struct timespec ts = ts_of(fake_mono + 1000000);

	sleep_b_result = __thrsleep(id_b, CLOCK_MONOTONIC, &ts, NULL, NULL);
}

TEST(wake_picks_only_its_address_in_a_shared_bucket)
{
	reset();
	same_bucket_pair(&id_a, &id_b);
	EXPECT(id_b != NULL);
	hooks[0] = hook_b_sleeps;
	hooks[1] = hook_wake_a_only;
	EXPECT_EQ(__thrsleep(id_a, CLOCK_MONOTONIC, NULL, NULL, NULL), 0);
	EXPECT_EQ(wake_result, 0);
	EXPECT_EQ(sleep_b_result, EWOULDBLOCK);	/* b was not woken */
	EXPECT_EQ(__thrwakeup(id_b, 0), ESRCH);
}

static int wake_count_arg, wake_count_ret;

static void
hook_wake_count(void)
{
	wake_count_ret = futex_wake(&word_c, wake_count_arg);
}

static void
hook_c_sleeps_timed(void)
{
	struct timespec ts = ts_of(fake_mono + 1000000);

	sleep_c_result = __thrsleep(&word_c, CLOCK_MONOTONIC, &ts, NULL, NULL);
}

static void
hook_b_sleeps_c(void)
{
	struct timespec ts = ts_of(fake_mono + 1000000);

	sleep_b_result = __thrsleep(&word_c, CLOCK_MONOTONIC, &ts, NULL, NULL);
}

TEST(count_limits_wakeups_oldest_first)
{
	int r;

	/* Sleepers in order: depth 0 (outer), 1 (b), 2 (c); wake 2. */
	reset();
	hooks[0] = hook_b_sleeps_c;
	hooks[1] = hook_c_sleeps_timed;
	hooks[2] = hook_wake_count;
	wake_count_arg = 2;
	r = __thrsleep(&word_c, CLOCK_MONOTONIC, NULL, NULL, NULL);
	EXPECT_EQ(wake_count_ret, 2);
	EXPECT_EQ(r, 0);
	EXPECT_EQ(sleep_b_result, 0);
	EXPECT_EQ(sleep_c_result, EWOULDBLOCK);

	/* count 0 wakes all three. */
	reset();
	hooks[0] = hook_b_sleeps_c;
	hooks[1] = hook_c_sleeps_timed;
	hooks[2] = hook_wake_count;
	wake_count_arg = 0;
	r = __thrsleep(&word_c, CLOCK_MONOTONIC, NULL, NULL, NULL);
	EXPECT_EQ(wake_count_ret, 3);
	EXPECT_EQ(r, 0);
	EXPECT_EQ(sleep_b_result, 0);
	EXPECT_EQ(sleep_c_result, 0);
}

static void
hook_timeout_then_wake(void)
{
	/* The timer took the sleeper off its waitq, but it has not run
	 * yet to leave the bucket: a wake-up must not count it. */
	list_remove(&stack[0]->link);
	wake_result = __thrwakeup(&word_a, 1);
}

TEST(wakeup_of_a_timed_out_sleeper_is_esrch)
{
	struct timespec ts;

	reset();
	ts = ts_of(fake_mono + 1000000);
	hooks[0] = hook_timeout_then_wake;
	EXPECT_EQ(__thrsleep(&word_a, CLOCK_MONOTONIC, &ts, NULL, NULL),
	    EWOULDBLOCK);
	EXPECT_EQ(wake_result, ESRCH);
}

static uint32_t user_lock;
static uint32_t lock_seen_in_sleep;

static void
hook_check_lock_released(void)
{
	lock_seen_in_sleep = user_lock;
	(void)__thrwakeup(&word_b, 1);
}

TEST(user_lock_is_released_once_queued)
{
	struct timespec ts;

	reset();
	user_lock = 1;
	lock_seen_in_sleep = 99;
	hooks[0] = hook_check_lock_released;
	EXPECT_EQ(__thrsleep(&word_b, CLOCK_MONOTONIC, NULL, &user_lock, NULL), 0);
	EXPECT_EQ(lock_seen_in_sleep, 0);
	/* also on the early returns */
	user_lock = 1;
	ts = ts_of(0);
	EXPECT_EQ(__thrsleep(&word_b, CLOCK_MONOTONIC, &ts, &user_lock, NULL),
	    EWOULDBLOCK);
	EXPECT_EQ(user_lock, 0);
	user_lock = 1;
	word_b = 1;
	EXPECT_EQ(__thrsleep(&word_b, CLOCK_MONOTONIC, NULL, &user_lock,
	    (int *)&word_b), EINTR);
	EXPECT_EQ(user_lock, 0);
	word_b = 0;
}

TEST(futex_wait_checks_value)
{
	uint32_t v = 7;

	reset();
	EXPECT_EQ(futex_wait(&v, &v, 6, 0), -EINTR);
	EXPECT_EQ(nwaits, 0);
	EXPECT_EQ(futex_wait(&v, &v, 7, (uint64_t)fake_mono + 10), -ETIMEDOUT);
	EXPECT_EQ(nwaits, 1);
}

/* ---- real threads: Go's semasleep/semawakeup ping-pong ---- */

#define ROUNDS	2000

struct sema {
	uint32_t	count;		/* m.waitsemacount */
};

static struct sema sem_ping, sem_pong;
static int timeouts;

/* runtime/os_openbsd.go semasleep, with a 2 s timeout to catch a hang. */
static void
semasleep(struct sema *s)
{
	struct timespec ts;
	uint32_t v;
	int r;

	for (;;) {
		v = __atomic_load_n(&s->count, __ATOMIC_SEQ_CST);
		if (v > 0) {
			if (__atomic_compare_exchange_n(&s->count, &v, v - 1,
			    false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
				return;
			continue;
		}
		ts = ts_of(host_ns() + 2000000000LL);
		r = __thrsleep(&s->count, CLOCK_MONOTONIC, &ts, NULL,
		    (const int *)&s->count);
		if (r == EWOULDBLOCK) {
			__atomic_add_fetch(&timeouts, 1, __ATOMIC_SEQ_CST);
			return;
		}
	}
}

static void
semawakeup(struct sema *s)
{
	int r;

	__atomic_add_fetch(&s->count, 1, __ATOMIC_SEQ_CST);
	r = __thrwakeup(&s->count, 1);
	EXPECT(r == 0 || r == ESRCH);
}

static void *
ponger(void *arg __attribute__((unused)))
{
	int i;

	for (i = 0; i < ROUNDS; i++) {
		semasleep(&sem_ping);
		semawakeup(&sem_pong);
	}
	return NULL;
}

TEST(ping_pong_loses_no_wakeup)
{
	pthread_t t;
	int i;

	reset();
	real_mode = 1;
	pthread_create(&t, NULL, ponger, NULL);
	for (i = 0; i < ROUNDS; i++) {
		semawakeup(&sem_ping);
		semasleep(&sem_pong);
	}
	pthread_join(t, NULL);
	EXPECT_EQ(timeouts, 0);
	EXPECT_EQ(sem_ping.count, 0);
	EXPECT_EQ(sem_pong.count, 0);
	real_mode = 0;
}

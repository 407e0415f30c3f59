/* SPDX-License-Identifier: ISC */
/*
 * itimer.c: setitimer(2)/getitimer(2), the process's three interval
 * timers (OpenBSD numbering: ITIMER_REAL 0, ITIMER_VIRTUAL 1, ITIMER_PROF
 * 2).  REAL counts wall time and posts SIGALRM to the process; VIRTUAL
 * and PROF count the CPU time of threads other than the idle threads
 * (all code runs in ring 0, so "user time" and "user + system time" are
 * the same thing here) and post SIGVTALRM/SIGPROF to the thread that was
 * running when they ran out, as OpenBSD does.  Go's runtime/pprof uses
 * ITIMER_PROF (runtime.setProcessCPUProfilerTimer, §6.10).
 *
 * The scheduler drives them: itimer_account charges elapsed time at each
 * timer interrupt and thread switch, itimer_next_deadline folds the next
 * expiry into its one-shot LAPIC deadline.
 */
#include <signal.h>
#include <sys/time.h>

#include "kernel.h"

#define NS_PER_US	1000ULL
#define NS_PER_SEC	1000000000ULL
/* OpenBSD's itimerfix rounds a non-zero value up to one clock tick; this
 * floor keeps a tiny interval from becoming an interrupt storm. */
#define ITIMER_MIN_NS	1000000ULL

_Static_assert(ITIMER_REAL == 0 && ITIMER_VIRTUAL == 1 && ITIMER_PROF == 2,
    "OpenBSD <sys/time.h> numbering");
_Static_assert(sizeof(struct itimerval) == 32, "two 16-byte timevals");

struct itimer {
	uint64_t	interval;	/* ns; 0: one shot */
	uint64_t	value;		/* REAL: monotonic deadline; others: ns
					   of CPU time left; 0: disarmed */
};

static struct spinlock itimer_lock;
static struct itimer itimers[3];
static uint64_t charged[MAX_CPUS];	/* when each CPU was last charged */
static const int itimer_sig[3] = { SIGALRM, SIGVTALRM, SIGPROF };

/* timeval to ns, with the floor for non-zero values; -EINVAL if out of
 * range (negative, usec >= 10^6, or over a century). */
static int
tv_to_ns(const struct timeval *tv, uint64_t *ns)
{
	if (tv->tv_sec < 0 || tv->tv_usec < 0 ||
	    tv->tv_usec >= (long)(NS_PER_SEC / NS_PER_US) ||
	    tv->tv_sec > 100LL * 365 * 86400)
		return -EINVAL;
	*ns = (uint64_t)tv->tv_sec * NS_PER_SEC +
	    (uint64_t)tv->tv_usec * NS_PER_US;
	if (*ns != 0 && *ns < ITIMER_MIN_NS)
		*ns = ITIMER_MIN_NS;
	return 0;
}

/* ns to timeval, rounding up to whole microseconds. */
static void
ns_to_tv(uint64_t ns, struct timeval *tv)
{
	uint64_t us = (ns + NS_PER_US - 1) / NS_PER_US;

	tv->tv_sec = (time_t)(us / 1000000);
	tv->tv_usec = (suseconds_t)(us % 1000000);
}

/* The timer as an itimerval; itimer_lock held. */
static void
get_locked(int which, uint64_t now, struct itimerval *out)
{
	const struct itimer *it = &itimers[which];
	uint64_t left = it->value;

	if (which == ITIMER_REAL && left != 0)
		left = left > now ? left - now : 1;	/* due: not disarmed */
	ns_to_tv(it->interval, &out->it_interval);
	ns_to_tv(left, &out->it_value);
}

/*
 * getitimer(2): the time left on timer which and its interval.  0, or -1
 * with EINVAL for an unknown timer.  Any context.
 */
int
getitimer(int which, struct itimerval *out)
{
	uint64_t f, now;

	if (which < ITIMER_REAL || which > ITIMER_PROF)
		return (int)ret_errno(-EINVAL);
	now = time_monotonic();
	f = spin_lock_irqsave(&itimer_lock);
	get_locked(which, now, out);
	spin_unlock_irqrestore(&itimer_lock, f);
	return 0;
}

/*
 * setitimer(2): arm timer which with *nv (value 0 disarms), after
 * storing the old setting in *ov if not NULL.  Values below 1 ms count as
 * 1 ms.  0, or -1 with EINVAL (unknown timer, bad timeval).  The new
 * deadline reaches the LAPIC timer at the scheduler's next interrupt (at
 * most one 10 ms slice later while a thread runs).  Thread context.
 */
int
setitimer(int which, const struct itimerval *restrict nv,
    struct itimerval *restrict ov)
{
	uint64_t f, now, interval = 0, value = 0;
	unsigned int i;
	int r;

	if (which < ITIMER_REAL || which > ITIMER_PROF)
		return (int)ret_errno(-EINVAL);
	if (nv != NULL) {
		if ((r = tv_to_ns(&nv->it_interval, &interval)) != 0 ||
		    (r = tv_to_ns(&nv->it_value, &value)) != 0)
			return (int)ret_errno(r);
	}
	now = time_monotonic();
	f = spin_lock_irqsave(&itimer_lock);
	if (ov != NULL)
		get_locked(which, now, ov);
	if (nv != NULL) {
		itimers[which].interval = value != 0 ? interval : 0;
		itimers[which].value = which == ITIMER_REAL && value != 0 ?
		    now + value : value;
		/* CPU time counts from now on, not since the last tick. */
		for (i = 0; i < ncpus && i < MAX_CPUS; i++)
			charged[i] = now;
	}
	spin_unlock_irqrestore(&itimer_lock, f);
	return 0;
}

/*
 * Charge the time since c was last charged (see kernel.h) and post the
 * signals of the timers that ran out.  Interrupts off; takes itimer_lock
 * and, to post, the signal lock.
 */
void
itimer_account(struct cpu *c, uint64_t now)
{
	struct thread *t = c->cur;
	bool busy = t != NULL && t != c->idle;
	uint64_t delta;
	int fire[3] = { 0, 0, 0 }, which;
	struct itimer *it;

	spin_lock(&itimer_lock);
	delta = now > charged[c->id] ? now - charged[c->id] : 0;
	charged[c->id] = now;
	it = &itimers[ITIMER_REAL];
	if (it->value != 0 && now >= it->value) {
		fire[ITIMER_REAL] = 1;
		it->value = it->interval != 0 ? now + it->interval : 0;
	}
	for (which = ITIMER_VIRTUAL; busy && which <= ITIMER_PROF; which++) {
		it = &itimers[which];
		if (it->value == 0)
			continue;
		if (delta < it->value) {
			it->value -= delta;
			continue;
		}
		fire[which] = 1;
		/* One signal per expiry check, as a tick-driven kernel
		 * sends; the overrun is not carried into the next period. */
		it->value = it->interval;
	}
	spin_unlock(&itimer_lock);

	if (fire[ITIMER_REAL])
		(void)signal_send(NULL, itimer_sig[ITIMER_REAL]);
	for (which = ITIMER_VIRTUAL; which <= ITIMER_PROF; which++)
		if (fire[which])
			(void)signal_send(t, itimer_sig[which]);
}

/*
 * When the next timer runs out if c keeps running its current thread:
 * the REAL deadline, or the CPU-time ones counted from c's last charge.
 * 0 when none is armed.  Interrupts off.
 */
uint64_t
itimer_next_deadline(struct cpu *c)
{
	uint64_t want, d;
	int which;

	spin_lock(&itimer_lock);
	want = itimers[ITIMER_REAL].value;
	if (c->cur != NULL && c->cur != c->idle) {
		for (which = ITIMER_VIRTUAL; which <= ITIMER_PROF; which++) {
			if (itimers[which].value == 0)
				continue;
			d = charged[c->id] + itimers[which].value;
			if (want == 0 || d < want)
				want = d;
		}
	}
	spin_unlock(&itimer_lock);
	return want;
}

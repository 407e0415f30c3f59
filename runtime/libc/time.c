/* SPDX-License-Identifier: ISC */
/*
 * time.c: the libc clock and sleep calls (docs/go-openbsd-abi.md §5):
 * clock_gettime, clock_getres, gettimeofday, nanosleep, usleep, sleep.
 * Reading a clock is lock-free and never fails for a valid clock id, so it
 * is safe from signal handlers and threads without a g.  Sleeps block the
 * thread on a deadline (waitq.c); they never busy-wait and never end
 * early.  No signal interrupts a sleep yet, so there is no EINTR.
 */
#define _DEFAULT_SOURCE 1
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "kernel.h"

#define NSEC_PER_SEC	1000000000LL

/* ns (may be negative) as a timespec with tv_nsec in [0, 1e9). */
static void
ns_to_timespec(int64_t ns, struct timespec *ts)
{
	int64_t s = ns / NSEC_PER_SEC, r = ns % NSEC_PER_SEC;

	if (r < 0) {
		r += NSEC_PER_SEC;
		s--;
	}
	ts->tv_sec = s;
	ts->tv_nsec = r;
}

/* Sleep ns nanoseconds from now (at least). */
static void
sleep_ns(uint64_t ns)
{
	uint64_t now = time_monotonic();

	thread_sleep_until(now + ns < now ? UINT64_MAX : now + ns);
}

/*
 * Now on clock (OpenBSD ids: REALTIME 0, MONOTONIC 3; UPTIME, BOOTTIME and
 * the CPU-time clocks read as MONOTONIC).  0, or -1/EINVAL for an unknown
 * clock.  Any context.
 */
int
clock_gettime(clockid_t clock, struct timespec *ts)
{
	int64_t ns;
	int r;

	r = time_clock(clock, &ns);
	if (r != 0)
		return (int)ret_errno(r);
	ns_to_timespec(ns, ts);
	return 0;
}

/* Resolution of clock: 1 ns (TSC-based reads).  0 or -1/EINVAL. */
int
clock_getres(clockid_t clock, struct timespec *res)
{
	int64_t ns;
	int r;

	r = time_clock(clock, &ns);
	if (r != 0)
		return (int)ret_errno(r);
	if (res != NULL) {
		res->tv_sec = 0;
		res->tv_nsec = 1;
	}
	return 0;
}

/* Wall-clock time in *tv; *tz (OpenBSD struct timezone, two ints) is
 * zeroed: UTC.  0. */
int
gettimeofday(struct timeval *restrict tv, void *restrict tz)
{
	struct timespec ts;

	if (tv != NULL) {
		ns_to_timespec(time_realtime(), &ts);
		tv->tv_sec = ts.tv_sec;
		tv->tv_usec = ts.tv_nsec / 1000;
	}
	if (tz != NULL)
		memset(tz, 0, 2 * sizeof(int));
	return 0;
}

/*
 * Sleep for *req (relative), at least.  *rem, if not NULL, is set to zero.
 * 0, or -1/EINVAL if tv_nsec is outside [0, 1e9) or tv_sec < 0.  Thread
 * context.
 */
int
nanosleep(const struct timespec *req, struct timespec *rem)
{
	uint64_t ns;

	if (req->tv_nsec < 0 || req->tv_nsec >= NSEC_PER_SEC || req->tv_sec < 0)
		return (int)ret_errno(-EINVAL);
	if ((uint64_t)req->tv_sec >= UINT64_MAX / NSEC_PER_SEC)
		ns = UINT64_MAX;
	else
		ns = (uint64_t)req->tv_sec * NSEC_PER_SEC + (uint64_t)req->tv_nsec;
	sleep_ns(ns);
	if (rem != NULL) {
		rem->tv_sec = 0;
		rem->tv_nsec = 0;
	}
	return 0;
}

/* Sleep us microseconds, at least.  0.  Thread context, with or without a
 * Go g (sysmon calls it in a loop). */
int
usleep(unsigned us)
{
	sleep_ns((uint64_t)us * 1000);
	return 0;
}

/* Sleep secs seconds.  0 (nothing interrupts it). */
unsigned
sleep(unsigned secs)
{
	sleep_ns((uint64_t)secs * NSEC_PER_SEC);
	return 0;
}

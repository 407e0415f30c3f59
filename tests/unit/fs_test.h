/* SPDX-License-Identifier: ISC */
/*
 * fs_test.h: the fs/ sources for test_fd.c and test_kqueue.c, with host
 * fakes of what they need from the rest of the runtime (clocks, the waitq
 * layer on a pthread condition variable so that several host threads can
 * block in pipes and kevent, the UART, entropy) and fd-level helpers
 * shaped like the libc calls.  Include after harness.h.
 */
#ifndef VMGO_TESTS_FS_TEST_H
#define VMGO_TESTS_FS_TEST_H

#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "kernel.h"
#include "host_shim.h"

/* clocks */
uint64_t
time_monotonic(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

int64_t
time_realtime(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/*
 * Wait queues.  One host mutex and condition variable stand for all of
 * them: a wake-up wakes every waiter (spurious wake-ups are allowed by
 * thread_wait's contract; callers re-check).  The waiter takes fake_mu
 * before it drops the caller's spin lock, and a waker holds that spin
 * lock when it takes fake_mu, so no wake-up is lost.
 */
static pthread_mutex_t fake_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t fake_cv;
static unsigned long fake_gen;
static int fake_waiting;	/* threads inside thread_wait */
static int fake_waits;		/* thread_wait calls, for the tests */

__attribute__((constructor)) static void
fake_cv_init(void)
{
	pthread_condattr_t a;

	pthread_condattr_init(&a);
	pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
	pthread_cond_init(&fake_cv, &a);
	pthread_condattr_destroy(&a);
}

void
waitq_init(struct waitq *wq)
{
	list_init(&wq->waiters);
}

int
thread_wait(struct waitq *wq, struct spinlock *lock, uint64_t deadline)
{
	struct timespec ts;
	unsigned long gen;
	int r = 0;

	(void)wq;
	pthread_mutex_lock(&fake_mu);
	gen = fake_gen;
	fake_waiting++;
	fake_waits++;
	spin_unlock(lock);
	ts.tv_sec = (time_t)(deadline / 1000000000ULL);
	ts.tv_nsec = (long)(deadline % 1000000000ULL);
	while (fake_gen == gen) {
		if (deadline == 0) {
			pthread_cond_wait(&fake_cv, &fake_mu);
		} else if (pthread_cond_timedwait(&fake_cv, &fake_mu, &ts) ==
		    ETIMEDOUT && fake_gen == gen) {
			r = -ETIMEDOUT;
			break;
		}
	}
	fake_waiting--;
	pthread_mutex_unlock(&fake_mu);
	spin_lock(lock);
	return r;
}

int
waitq_wake(struct waitq *wq, int n)
{
	int woke;

	(void)wq;
	(void)n;
	pthread_mutex_lock(&fake_mu);
	woke = fake_waiting;
	fake_gen++;
	pthread_cond_broadcast(&fake_cv);
	pthread_mutex_unlock(&fake_mu);
	return woke;
}

void
thread_sleep_until(uint64_t deadline)
{
	struct timespec ts;

	ts.tv_sec = (time_t)(deadline / 1000000000ULL);
	ts.tv_nsec = (long)(deadline % 1000000000ULL);
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) != 0)
		;
}

static __attribute__((unused)) void
t_sleep_ms(int ms)
{
	thread_sleep_until(time_monotonic() + (uint64_t)ms * 1000000ULL);
}

/* Host threads blocked in thread_wait right now. */
static __attribute__((unused)) int
fake_waiters(void)
{
	int n;

	pthread_mutex_lock(&fake_mu);
	n = fake_waiting;
	pthread_mutex_unlock(&fake_mu);
	return n;
}

/* The UART: output collects in fake_out, input comes from fake_in. */
static char fake_out[4096];
static size_t fake_out_len;
static const char *fake_in = "";

void
console_write(const char *s, size_t n)
{
	size_t k = n < sizeof(fake_out) - fake_out_len ?
	    n : sizeof(fake_out) - fake_out_len;

	memcpy(fake_out + fake_out_len, s, k);
	fake_out_len += k;
}

int
console_getc(void)
{
	if (*fake_in == '\0')
		return -1;
	return (unsigned char)*fake_in++;
}

/* Entropy: a counter pattern (tests only check that bytes were filled). */
int
entropy_fill(void *buf, size_t n)
{
	static unsigned char next = 1;
	unsigned char *p = buf;
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = next++ | 0x80;
	return 0;
}

/* runtime/string.c's strlcpy (glibc 2.36 has none). */
size_t
strlcpy(char *restrict d, const char *restrict s, size_t size)
{
	size_t len = strlen(s);

	if (size > 0) {
		size_t k = len < size - 1 ? len : size - 1;

		memcpy(d, s, k);
		d[k] = '\0';
	}
	return len;
}

/* The code under test. */
#include "../../fs/file.c"
#include "../../fs/fd.c"
#include "../../fs/console_file.c"
#include "../../fs/path.c"
#include "../../fs/dev.c"
#include "../../fs/pipe.c"
#include "../../fs/kqueue.c"

/* libc-shaped helpers: fd in, -errno out. */
static __attribute__((unused)) int
t_open(const char *path, int flags)
{
	struct file *fp;
	int r;

	r = vfs_open(AT_FDCWD, path, flags, 0644, &fp);
	if (r < 0)
		return r;
	r = fd_install(fp, 0, (flags & O_CLOEXEC) != 0);
	if (r < 0)
		file_release(fp);
	return r;
}

static __attribute__((unused)) long
t_read(int fd, void *buf, size_t n)
{
	struct file *fp = fd_get(fd);
	long r;

	if (fp == NULL)
		return -EBADF;
	r = file_read(fp, buf, n);
	file_release(fp);
	return r;
}

static __attribute__((unused)) long
t_write(int fd, const void *buf, size_t n)
{
	struct file *fp = fd_get(fd);
	long r;

	if (fp == NULL)
		return -EBADF;
	r = file_write(fp, buf, n);
	file_release(fp);
	return r;
}

static __attribute__((unused)) int
t_getfl(int fd)
{
	struct file *fp = fd_get(fd);
	int r;

	if (fp == NULL)
		return -EBADF;
	r = file_getfl(fp);
	file_release(fp);
	return r;
}

static __attribute__((unused)) int
t_fstat(int fd, struct stat *st)
{
	struct file *fp = fd_get(fd);
	int r;

	if (fp == NULL)
		return -EBADF;
	r = file_stat(fp, st);
	file_release(fp);
	return r;
}

static __attribute__((unused)) int
t_pipe(int fds[2], int flags)
{
	struct file *r, *w;
	int e;

	e = pipe_create(flags, &r, &w);
	if (e < 0)
		return e;
	fds[0] = fd_install(r, 0, (flags & O_CLOEXEC) != 0);
	fds[1] = fd_install(w, 0, (flags & O_CLOEXEC) != 0);
	return 0;
}

static __attribute__((unused)) int
t_kqueue(void)
{
	struct file *fp;
	int r;

	r = kqueue_create(&fp);
	if (r < 0)
		return r;
	return fd_install(fp, 0, false);
}

static __attribute__((unused)) int
t_kevent(int kq, const struct kevent *ch, int nch, struct kevent *ev,
    int nev, const struct timespec *ts)
{
	struct file *fp = fd_get(kq);
	int r;

	if (fp == NULL)
		return -EBADF;
	r = kqueue_kevent(fp, ch, nch, ev, nev, ts);
	file_release(fp);
	return r;
}

/* Number of fds >= 3 in use (tests leave none behind). */
static __attribute__((unused)) int
t_open_fds(void)
{
	int fd, n = 0;

	for (fd = 3; fd < FD_MAX; fd++)
		if (fd_getfd(fd) >= 0)
			n++;
	return n;
}

#endif

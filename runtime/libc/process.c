/* SPDX-License-Identifier: ISC */
/*
 * process.c: the process-level identity calls (docs/go-openbsd-abi.md §1.3).
 * A vmgo image is one process, pid 1, run by root (uid/gid 0), never
 * set-user-id, with no parent, children or process groups beyond itself.
 * Resource limits are reported (Go reads RLIMIT_NOFILE at init) and
 * recorded, but only the fd table's size is a real limit.
 */
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel.h"

/* fs/fs.h (through kernel.h) sizes the fd table; this is the fallback. */
#ifndef FD_MAX
#define FD_MAX		1024
#endif

#define PROC_PID	1
#define PROC_UMASK	022		/* initial file creation mask */
#define STACK_LIMIT	(8UL << 20)	/* RLIMIT_STACK soft limit, bytes */

_Static_assert(sizeof(struct rlimit) == 16, "OpenBSD struct rlimit");
_Static_assert(sizeof(struct rusage) == 144, "OpenBSD struct rusage");

static struct spinlock proc_lock;
static mode_t proc_umask = PROC_UMASK;
static int proc_nice;

/*
 * Limits by RLIMIT_* number (OpenBSD numbering).  cur == max for NOFILE,
 * or Go calls setrlimit at init.  Nothing enforces these except NOFILE,
 * which the fd table's FD_MAX slots bound whatever is set.
 */
static struct rlimit limits[RLIM_NLIMITS] = {
	[RLIMIT_CPU] = { RLIM_INFINITY, RLIM_INFINITY },
	[RLIMIT_FSIZE] = { RLIM_INFINITY, RLIM_INFINITY },
	[RLIMIT_DATA] = { RLIM_INFINITY, RLIM_INFINITY },
	[RLIMIT_STACK] = { STACK_LIMIT, RLIM_INFINITY },
	[RLIMIT_CORE] = { 0, 0 },		/* no core dumps */
	[RLIMIT_RSS] = { RLIM_INFINITY, RLIM_INFINITY },
	[RLIMIT_MEMLOCK] = { RLIM_INFINITY, RLIM_INFINITY },
	[RLIMIT_NPROC] = { 1, 1 },		/* no fork */
	[RLIMIT_NOFILE] = { FD_MAX, FD_MAX },
};

/* Always 1.  Any context. */
pid_t
getpid(void)
{
	return PROC_PID;
}

/* Always 0: nobody started us. */
pid_t
getppid(void)
{
	return 0;
}

/* Process group and session: the process itself. */
pid_t
getpgrp(void)
{
	return PROC_PID;
}

/* pid 0 or 1: 1.  Others: -1 with ESRCH. */
pid_t
getpgid(pid_t pid)
{
	if (pid != 0 && pid != PROC_PID)
		return ret_errno(-ESRCH);
	return PROC_PID;
}

pid_t
getsid(pid_t pid)
{
	return getpgid(pid);
}

/*
 * Always 0.  It must be: 1 puts Go in secure mode (GOTRACEBACK forced to
 * none, crash output suppressed).
 */
int
issetugid(void)
{
	return 0;
}

/* root, always: os/user (osusergo) and file permission checks use these. */
uid_t
getuid(void)
{
	return 0;
}

uid_t
geteuid(void)
{
	return 0;
}

gid_t
getgid(void)
{
	return 0;
}

gid_t
getegid(void)
{
	return 0;
}

/* No supplementary groups: returns 0 (n may be 0 or anything else). */
int
getgroups(int n, gid_t list[])
{
	(void)list;
	if (n < 0)
		return ret_errno(-EINVAL);
	return 0;
}

/*
 * The limit on resource res (RLIMIT_*, OpenBSD numbers) into *rl.  0, or
 * -1 with EINVAL for an unknown resource.  Thread context.
 */
int
getrlimit(int res, struct rlimit *rl)
{
	if (res < 0 || res >= RLIM_NLIMITS)
		return ret_errno(-EINVAL);
	spin_lock(&proc_lock);
	*rl = limits[res];
	spin_unlock(&proc_lock);
	return 0;
}

/*
 * Set limit res.  0, or -1 with EINVAL (unknown resource, cur > max) or
 * EPERM (RLIMIT_NOFILE above FD_MAX, or any limit above RLIM_INFINITY).
 * Values are recorded and read back; see the table for what is enforced.
 */
int
setrlimit(int res, const struct rlimit *rl)
{
	if (res < 0 || res >= RLIM_NLIMITS || rl->rlim_cur > rl->rlim_max)
		return ret_errno(-EINVAL);
	if (rl->rlim_max > RLIM_INFINITY ||
	    (res == RLIMIT_NOFILE && rl->rlim_max > FD_MAX))
		return ret_errno(-EPERM);
	spin_lock(&proc_lock);
	limits[res] = *rl;
	spin_unlock(&proc_lock);
	return 0;
}

/*
 * Resource usage.  RUSAGE_SELF and RUSAGE_THREAD report the time since
 * boot as user time (an upper bound: idle time is not subtracted yet) and
 * the frames in use as maxrss; RUSAGE_CHILDREN is all zero (no children).
 * Other counters are 0.  0, or -1 with EINVAL for another who.
 */
int
getrusage(int who, struct rusage *ru)
{
	uint64_t ns;

	if (who != RUSAGE_SELF && who != RUSAGE_THREAD &&
	    who != RUSAGE_CHILDREN)
		return ret_errno(-EINVAL);
	memset(ru, 0, sizeof(*ru));
	if (who == RUSAGE_CHILDREN)
		return 0;
	ns = time_monotonic();
	ru->ru_utime.tv_sec = (time_t)(ns / 1000000000);
	ru->ru_utime.tv_usec = (suseconds_t)(ns % 1000000000 / 1000);
	ru->ru_maxrss = (long)((page_total_count() - page_free_count()) *
	    (PAGE_SIZE / 1024));
	return 0;
}

/* wait4(2) options OpenBSD accepts (sys/wait.h) */
#define WNOHANG		0x01
#define WUNTRACED	0x02
#define WCONTINUED	0x08

pid_t	wait4(pid_t pid, int *status, int options, struct rusage *ru);

/*
 * wait4(2): a one-process VM has no children, so every wait finds none:
 * -1 with ECHILD, what OpenBSD's sys_wait4 answers a childless process
 * (also with WNOHANG), after its check of the options (EINVAL).  Go's
 * os.Process.Wait and os/exec reach this; *status and *ru stay untouched.
 */
pid_t
wait4(pid_t pid, int *status, int options, struct rusage *ru)
{
	(void)pid;
	(void)status;
	(void)ru;
	if (options & ~(WNOHANG | WUNTRACED | WCONTINUED))
		return ret_errno(-EINVAL);
	return ret_errno(-ECHILD);
}

/* The file creation mask now (fs.h).  Thread context. */
uint32_t
proc_getumask(void)
{
	mode_t m;

	spin_lock(&proc_lock);
	m = proc_umask;
	spin_unlock(&proc_lock);
	return m;
}

/* Set the file creation mask; returns the previous one.  Thread context. */
mode_t
umask(mode_t mask)
{
	mode_t old;

	spin_lock(&proc_lock);
	old = proc_umask;
	proc_umask = mask & 0777;
	spin_unlock(&proc_lock);
	return old;
}

/* Is (which, who) this process, its group or its user? */
static bool
prio_target_ok(int which, id_t who)
{
	switch (which) {
	case PRIO_PROCESS:
	case PRIO_PGRP:
		return who == 0 || who == PROC_PID;
	case PRIO_USER:
		return who == 0;	/* root */
	default:
		return false;
	}
}

/*
 * The nice value last set with setpriority (0 initially).  It has no effect:
 * the scheduler is round-robin.  -1 with EINVAL/ESRCH for another target
 * (POSIX: callers clear errno first, -1 being a valid nice value).
 */
int
getpriority(int which, id_t who)
{
	if (which < PRIO_PROCESS || which > PRIO_USER)
		return ret_errno(-EINVAL);
	if (!prio_target_ok(which, who))
		return ret_errno(-ESRCH);
	return __atomic_load_n(&proc_nice, __ATOMIC_RELAXED);
}

/* Record prio (clamped to PRIO_MIN..PRIO_MAX); see getpriority. */
int
setpriority(int which, id_t who, int prio)
{
	if (which < PRIO_PROCESS || which > PRIO_USER)
		return ret_errno(-EINVAL);
	if (!prio_target_ok(which, who))
		return ret_errno(-ESRCH);
	prio = MAX(PRIO_MIN, MIN(prio, PRIO_MAX));
	__atomic_store_n(&proc_nice, prio, __ATOMIC_RELAXED);
	return 0;
}

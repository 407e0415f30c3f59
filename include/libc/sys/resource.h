/* SPDX-License-Identifier: ISC */
/*
 * sys/resource.h: OpenBSD's resource limits and usage (docs/go-openbsd-abi.md
 * §1.3).  A full replacement for musl's header, whose RLIMIT_* numbers,
 * RLIM_INFINITY and 272-byte struct rusage (OpenBSD's is 144) differ.
 */
#ifndef VMGO_LIBC_SYS_RESOURCE_H
#define VMGO_LIBC_SYS_RESOURCE_H

#include <sys/time.h>		/* struct timeval */

#define __NEED_id_t
#include <bits/alltypes.h>

typedef unsigned long long rlim_t;

#define RLIM_INFINITY	(((rlim_t)1 << 63) - 1)
#define RLIM_SAVED_MAX	RLIM_INFINITY
#define RLIM_SAVED_CUR	RLIM_INFINITY

#define RLIMIT_CPU	0	/* seconds of CPU time */
#define RLIMIT_FSIZE	1	/* largest file */
#define RLIMIT_DATA	2	/* data segment */
#define RLIMIT_STACK	3	/* stack */
#define RLIMIT_CORE	4	/* core file */
#define RLIMIT_RSS	5	/* resident set */
#define RLIMIT_MEMLOCK	6	/* locked memory */
#define RLIMIT_NPROC	7	/* processes */
#define RLIMIT_NOFILE	8	/* open files */
#define RLIM_NLIMITS	9

/* 16 bytes. */
struct rlimit {
	rlim_t	rlim_cur;
	rlim_t	rlim_max;
};

#define RUSAGE_SELF	0
#define RUSAGE_CHILDREN	(-1)
#define RUSAGE_THREAD	1

/* 144 bytes. */
struct rusage {
	struct timeval ru_utime;	/* user time */
	struct timeval ru_stime;	/* system time */
	long	ru_maxrss;		/* KiB */
	long	ru_ixrss;
	long	ru_idrss;
	long	ru_isrss;
	long	ru_minflt;
	long	ru_majflt;
	long	ru_nswap;
	long	ru_inblock;
	long	ru_oublock;
	long	ru_msgsnd;
	long	ru_msgrcv;
	long	ru_nsignals;
	long	ru_nvcsw;
	long	ru_nivcsw;
};

#define PRIO_MIN	(-20)
#define PRIO_MAX	20
#define PRIO_PROCESS	0
#define PRIO_PGRP	1
#define PRIO_USER	2

int	getrlimit(int, struct rlimit *);
int	setrlimit(int, const struct rlimit *);
int	getrusage(int, struct rusage *);
int	getpriority(int, id_t);
int	setpriority(int, id_t, int);

#endif

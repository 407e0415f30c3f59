/* SPDX-License-Identifier: ISC */
/*
 * sys/sysctl.h: OpenBSD's sysctl(2) interface, the subset of MIB names a
 * vmgo image answers (runtime/libc/sysctl.c; docs/go-openbsd-abi.md §1.4).
 * musl has no such header; the numbers are OpenBSD's <sys/sysctl.h>.
 */
#ifndef VMGO_LIBC_SYS_SYSCTL_H
#define VMGO_LIBC_SYS_SYSCTL_H

#define __NEED_size_t
#include <bits/alltypes.h>

#define CTL_MAXNAME	12	/* longest MIB */

/* Top level. */
#define CTL_UNSPEC	0
#define CTL_KERN	1
#define CTL_VM		2
#define CTL_FS		3
#define CTL_NET		4
#define CTL_DEBUG	5
#define CTL_HW		6
#define CTL_MACHDEP	7

/* CTL_KERN */
#define KERN_OSTYPE	1	/* string: system name */
#define KERN_OSRELEASE	2	/* string: release */
#define KERN_VERSION	4	/* string: version line */
#define KERN_HOSTNAME	10	/* string */
#define KERN_BOOTTIME	21	/* struct timeval */
#define KERN_SOMAXCONN	28	/* int: listen queue limit */

/* CTL_HW */
#define HW_MACHINE	1	/* string: "amd64" */
#define HW_NCPU		3	/* int */
#define HW_BYTEORDER	4	/* int: 1234 */
#define HW_PAGESIZE	7	/* int */
#define HW_PHYSMEM64	19	/* int64: RAM bytes */
#define HW_USERMEM64	20	/* int64: RAM not used by the kernel */
#define HW_NCPUFOUND	21	/* int */
#define HW_NCPUONLINE	25	/* int */

/* CTL_NET, PF_ROUTE (17): routing table dumps, {4, 17, 0, af, op, arg} */
#define NET_RT_DUMP	1
#define NET_RT_FLAGS	2
#define NET_RT_IFLIST	3

int	sysctl(const int *, unsigned int, void *, size_t *, void *, size_t);

#endif

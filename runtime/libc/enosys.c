/* SPDX-License-Identifier: ISC */
/*
 * enosys.c: every libc function Go can reference (docs/go-openbsd-abi.md
 * §12, §14) that nothing in the image implements yet.  Each returns -1
 * with errno ENOSYS and names itself on the console once ("vmgo: NAME:
 * not implemented (ENOSYS)"), so a missing feature is visible, never
 * silent, and the link never fails.
 *
 * The stubs are weak: whoever implements one of these for real just
 * defines it (strong) in their own file and the stub drops out at link
 * time; delete its line here when convenient.  The stubs return long, so
 * rax is -1 in full for Go's 64-bit wrappers (syscallX: rax == -1) as well
 * as for the 32-bit ones ((int32)rax == -1).  None of them returns a
 * pointer (such a stub would have to return NULL, not -1).
 *
 * This file must not include the libc headers that declare these names
 * (their prototypes differ from the uniform "long name(void)").
 */
#include "kernel.h"

/*
 * The table.  Tier letters as in the ABI document: N network (until net/
 * provides sockets), X go-test binaries, L link-only.  Owner in brackets
 * where a teammate's area will take the name over.
 */
#define ENOSYS_FUNCS(X)							\
	/* file system changes and queries [fs/] */			\
	X(chflags)	/* L */						\
	X(fchflags)	/* L */						\
	X(mknod)	/* L */						\
	X(pathconf)	/* L */						\
	X(fpathconf)	/* L */						\
	X(fstatfs)	/* L */						\
	X(chroot)	/* L */						\
	X(revoke)	/* L */						\
	X(unmount)	/* L */						\
	X(select)	/* L */						\
	/* processes: one process, no fork or exec */			\
	X(fork)		/* X: os/exec */				\
	X(execve)	/* X: os/exec */				\
	X(setpgid)	/* X: os/exec */				\
	X(setsid)	/* X: os/exec */				\
	X(ptrace)	/* L */						\
	/* credentials: always root, never changed */			\
	X(setuid)	/* L */						\
	X(seteuid)	/* L */						\
	X(setgid)	/* L */						\
	X(setegid)	/* L */						\
	X(setreuid)	/* L */						\
	X(setregid)	/* L */						\
	X(setgroups)	/* L */						\
	X(setlogin)	/* L */						\
	/* terminals: the console is the only tty, no pseudo-terminals	\
	   (Go's internal/testpty, in the os/signal and net tests) */	\
	X(posix_openpt)	/* L */						\
	X(grantpt)	/* L */						\
	X(unlockpt)	/* L */						\
	/* signals and time */						\
	X(sigsuspend)	/* L: needs signal delivery */			\
	X(adjtime)	/* L */						\
	X(settimeofday)	/* L */

#define ENOSYS_STUB(name)						\
	long name(void);						\
	__attribute__((weak)) long					\
	name(void)							\
	{								\
		return enosys(#name);					\
	}

ENOSYS_FUNCS(ENOSYS_STUB)

/* ptsname(3) returns a pointer, so not through ENOSYS_STUB: NULL, ENOSYS. */
char	*ptsname(int fd);

__attribute__((weak)) char *
ptsname(int fd)
{
	(void)enosys("ptsname");
	return NULL;
}

/* SPDX-License-Identifier: ISC */
/*
 * unistd.h: musl's <unistd.h> plus the OpenBSD-only calls a vmgo image
 * provides (docs/go-openbsd-abi.md §1-3, §10).  They are declared whatever
 * the feature macros say, since the runtime itself is strict C11.
 */
#ifndef VMGO_LIBC_UNISTD_H
#define VMGO_LIBC_UNISTD_H

#include_next <unistd.h>

#define __NEED_clockid_t
#include <bits/alltypes.h>

struct timespec;

/* Always 0: a vmgo image never runs set-user-id (Go's secure mode). */
int	issetugid(void);
/* The calling thread's id: positive, unique, fits int32. */
pid_t	getthrid(void);
/* Go's futex-like sleep/wake pair (OpenBSD __thrsleep(2)). */
int	__thrsleep(const volatile void *, clockid_t, const struct timespec *,
	    void *, const int *);
int	__thrwakeup(const volatile void *, int);
/* Up to 256 random bytes (OpenBSD getentropy(2)). */
int	getentropy(void *, size_t);

#endif

/* SPDX-License-Identifier: ISC */
/*
 * bits/alltypes.h: vmgo's overlay on musl's type table.  musl includes this
 * file again for each set of __NEED_x macros; defining a type here first
 * (with musl's __DEFINED_x guard) replaces musl's definition everywhere.
 * Only types whose OpenBSD layout differs from musl's are replaced.
 */
#if defined(__NEED_sigset_t) && !defined(__DEFINED_sigset_t)
typedef unsigned int sigset_t;	/* OpenBSD: 32 bits, signal n is bit n-1 */
#define __DEFINED_sigset_t
#endif

#if defined(__NEED_sa_family_t) && !defined(__DEFINED_sa_family_t)
typedef unsigned char sa_family_t;	/* OpenBSD: 8 bits, after sa_len */
#define __DEFINED_sa_family_t
#endif

#include_next <bits/alltypes.h>

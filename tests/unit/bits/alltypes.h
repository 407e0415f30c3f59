/* SPDX-License-Identifier: ISC */
/*
 * bits/alltypes.h: host stand-in for musl's type table, so a unit test
 * can include vmgo's OpenBSD overlay headers (include/libc/signal.h ...)
 * on glibc: the ABI-neutral types come from glibc, sigset_t is OpenBSD's
 * 32 bits.  A test that does this defines _SIGNAL_H first (keeping
 * glibc's <signal.h> out) and "#define sigset_t vmgo_sigset_t" (glibc
 * has its own sigset_t already).
 */
#include <sys/types.h>
#include <time.h>
#include <pthread.h>

#if defined(__NEED_sigset_t) && !defined(__DEFINED_sigset_t)
typedef unsigned int sigset_t;
#define __DEFINED_sigset_t
#endif

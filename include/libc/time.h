/* SPDX-License-Identifier: ISC */
/*
 * time.h: musl's <time.h> with OpenBSD's clock ids (docs/go-openbsd-abi.md
 * §5).  struct timespec is {int64 sec; long nsec} in both ABIs.
 */
#ifndef VMGO_LIBC_TIME_H
#define VMGO_LIBC_TIME_H

#include_next <time.h>

#undef CLOCK_REALTIME
#undef CLOCK_PROCESS_CPUTIME_ID
#undef CLOCK_MONOTONIC
#undef CLOCK_THREAD_CPUTIME_ID
#undef CLOCK_UPTIME
#undef CLOCK_BOOTTIME
#undef CLOCK_MONOTONIC_RAW
#undef CLOCK_REALTIME_COARSE
#undef CLOCK_MONOTONIC_COARSE
#undef CLOCK_REALTIME_ALARM
#undef CLOCK_BOOTTIME_ALARM
#undef CLOCK_SGI_CYCLE
#undef CLOCK_TAI
#define CLOCK_REALTIME			0
#define CLOCK_PROCESS_CPUTIME_ID	2
#define CLOCK_MONOTONIC			3
#define CLOCK_THREAD_CPUTIME_ID		4
#define CLOCK_UPTIME			5
#define CLOCK_BOOTTIME			6

#endif

/* SPDX-License-Identifier: ISC */
/*
 * sys/mman.h: musl's <sys/mman.h> with OpenBSD's flag values
 * (docs/go-openbsd-abi.md §4).  Linux-only flags are removed so that code
 * using them fails to compile instead of passing meaningless bits.
 */
#ifndef VMGO_LIBC_SYS_MMAN_H
#define VMGO_LIBC_SYS_MMAN_H

#include_next <sys/mman.h>

#undef MAP_ANON
#undef MAP_ANONYMOUS
#undef MAP_STACK
#undef MAP_FIXED
#undef MAP_NORESERVE
#undef MAP_GROWSDOWN
#undef MAP_DENYWRITE
#undef MAP_EXECUTABLE
#undef MAP_LOCKED
#undef MAP_POPULATE
#undef MAP_NONBLOCK
#undef MAP_HUGETLB
#undef MAP_SYNC
#undef MAP_FIXED_NOREPLACE
#undef MAP_32BIT
#undef MAP_SHARED_VALIDATE
#undef MADV_FREE
#undef MADV_DONTNEED
#undef MADV_NORMAL
#undef MADV_RANDOM
#undef MADV_SEQUENTIAL
#undef MADV_WILLNEED
#undef MS_ASYNC
#undef MS_SYNC
#undef MS_INVALIDATE

#define MAP_FIXED	0x0010
#define MAP_ANON	0x1000
#define MAP_ANONYMOUS	MAP_ANON
#define MAP_STACK	0x4000
#define MAP_CONCEAL	0x8000
#define MADV_NORMAL	0
#define MADV_RANDOM	1
#define MADV_SEQUENTIAL	2
#define MADV_WILLNEED	3
#define MADV_DONTNEED	4
#define MADV_SPACEAVAIL	5
#define MADV_FREE	6
#define MS_ASYNC	0x01
#define MS_SYNC		0x02
#define MS_INVALIDATE	0x04

#endif

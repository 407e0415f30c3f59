/* SPDX-License-Identifier: ISC */
/*
 * sys/un.h: OpenBSD's AF_UNIX socket address (docs/go-openbsd-abi.md
 * §8.2: 106 bytes, sun_len and an 8-bit family first).  Replaces musl's
 * <sys/un.h> (16-bit family, 110 bytes); net/sock_unix.c reads and
 * writes it.
 */
#ifndef VMGO_LIBC_SYS_UN_H
#define VMGO_LIBC_SYS_UN_H
#define _SYS_UN_H	/* musl's (and glibc's) guard */

#include "socket.h"

struct sockaddr_un {
	unsigned char	sun_len;
	sa_family_t	sun_family;	/* AF_UNIX */
	char		sun_path[104];	/* path (NUL-terminated) */
};

#endif

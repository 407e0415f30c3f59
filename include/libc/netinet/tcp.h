/* SPDX-License-Identifier: ISC */
/*
 * netinet/tcp.h: OpenBSD's IPPROTO_TCP socket options
 * (docs/go-openbsd-abi.md §8.1).  OpenBSD has no per-socket keep-alive
 * timing options (Go answers ENOPROTOOPT for them itself).  Replaces
 * musl's <netinet/tcp.h> (Linux values).  Self-contained.
 */
#ifndef VMGO_LIBC_NETINET_TCP_H
#define VMGO_LIBC_NETINET_TCP_H
#define _NETINET_TCP_H	/* musl's (and glibc's) guard */

#define TCP_NODELAY	0x01	/* no Nagle delay for small segments */
#define TCP_MAXSEG	0x02	/* maximum segment size */
#define TCP_MD5SIG	0x04
#define TCP_SACK_ENABLE	0x08
#define TCP_NOPUSH	0x10
#define TCP_INFO	0x09

#endif

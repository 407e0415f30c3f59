/* SPDX-License-Identifier: ISC */
/*
 * sys/socket.h: OpenBSD's socket API (docs/go-openbsd-abi.md §8):
 * sockaddr with a length byte and an 8-bit family, OpenBSD's AF_, SOCK_,
 * SOL_SOCKET, SO_ and MSG_ values, struct msghdr, linger, cmsghdr.
 * Replaces musl's <sys/socket.h> (Linux values, 16-bit family).
 * Self-contained, so host unit tests can include it as
 * "libc/sys/socket.h".
 */
#ifndef VMGO_LIBC_SYS_SOCKET_H
#define VMGO_LIBC_SYS_SOCKET_H
#define _SYS_SOCKET_H	/* musl's (and glibc's) guard: theirs must not follow */

#include <stddef.h>
#include <stdint.h>

#ifndef __DEFINED_sa_family_t
typedef unsigned char	sa_family_t;	/* as bits/alltypes.h */
#define __DEFINED_sa_family_t
#endif
#ifndef __DEFINED_socklen_t
typedef unsigned int	socklen_t;
#define __DEFINED_socklen_t
#endif

struct iovec;

/* Types; SOCK_NONBLOCK/SOCK_CLOEXEC are OR'ed into socket()'s type and
 * accept4()'s flags. */
#define SOCK_STREAM	1
#define SOCK_DGRAM	2
#define SOCK_RAW	3
#define SOCK_RDM	4
#define SOCK_SEQPACKET	5
#define SOCK_NONBLOCK	0x4000
#define SOCK_CLOEXEC	0x8000
#define SOCK_DNS	0x1000

/* Families */
#define AF_UNSPEC	0
#define AF_UNIX		1
#define AF_LOCAL	AF_UNIX
#define AF_INET		2
#define AF_ROUTE	17
#define AF_LINK		18
#define AF_INET6	24
#define AF_MAX		36
#define PF_UNSPEC	AF_UNSPEC
#define PF_UNIX		AF_UNIX
#define PF_LOCAL	AF_LOCAL
#define PF_INET		AF_INET
#define PF_ROUTE	AF_ROUTE
#define PF_LINK		AF_LINK
#define PF_INET6	AF_INET6

/* getsockopt/setsockopt level SOL_SOCKET */
#define SOL_SOCKET	0xffff
#define SO_DEBUG	0x0001
#define SO_ACCEPTCONN	0x0002
#define SO_REUSEADDR	0x0004
#define SO_KEEPALIVE	0x0008
#define SO_DONTROUTE	0x0010
#define SO_BROADCAST	0x0020
#define SO_USELOOPBACK	0x0040
#define SO_LINGER	0x0080
#define SO_OOBINLINE	0x0100
#define SO_REUSEPORT	0x0200
#define SO_TIMESTAMP	0x0800
#define SO_BINDANY	0x1000
#define SO_ZEROIZE	0x2000
#define SO_SNDBUF	0x1001
#define SO_RCVBUF	0x1002
#define SO_SNDLOWAT	0x1003
#define SO_RCVLOWAT	0x1004
#define SO_SNDTIMEO	0x1005
#define SO_RCVTIMEO	0x1006
#define SO_ERROR	0x1007
#define SO_TYPE		0x1008
#define SO_NETPROC	0x1020
#define SO_RTABLE	0x1021
#define SO_PEERCRED	0x1022
#define SO_SPLICE	0x1023
#define SO_DOMAIN	0x1024
#define SO_PROTOCOL	0x1025

#define SOMAXCONN	128

/* send/recv flags */
#define MSG_OOB		0x1
#define MSG_PEEK	0x2
#define MSG_DONTROUTE	0x4
#define MSG_EOR		0x8
#define MSG_TRUNC	0x10
#define MSG_CTRUNC	0x20
#define MSG_WAITALL	0x40
#define MSG_DONTWAIT	0x80
#define MSG_BCAST	0x100
#define MSG_MCAST	0x200
#define MSG_NOSIGNAL	0x400
#define MSG_CMSG_CLOEXEC 0x800
#define MSG_WAITFORONE	0x1000

/* shutdown(2) */
#define SHUT_RD		0
#define SHUT_WR		1
#define SHUT_RDWR	2

/* 16 bytes: len, family, 14 bytes of address */
struct sockaddr {
	uint8_t		sa_len;
	sa_family_t	sa_family;
	char		sa_data[14];
};

/* 256 bytes, 8-aligned: holds any sockaddr (Go's RawSockaddrAny is the
 * first 108 of them) */
struct sockaddr_storage {
	uint8_t		ss_len;
	sa_family_t	ss_family;
	unsigned char	__ss_pad1[6];
	uint64_t	__ss_pad2;
	unsigned char	__ss_pad3[240];
};

/* 8 bytes */
struct linger {
	int	l_onoff;
	int	l_linger;
};

/* 48 bytes */
struct msghdr {
	void		*msg_name;
	socklen_t	msg_namelen;
	struct iovec	*msg_iov;
	unsigned int	msg_iovlen;
	void		*msg_control;
	socklen_t	msg_controllen;
	int		msg_flags;
};

/* 12 bytes, data follows at CMSG_ALIGN(sizeof(struct cmsghdr)) */
struct cmsghdr {
	socklen_t	cmsg_len;
	int		cmsg_level;
	int		cmsg_type;
};

#define _ALIGNBYTES		(sizeof(long) - 1)
#define _ALIGN(p)		(((unsigned long)(p) + _ALIGNBYTES) & ~_ALIGNBYTES)
#define CMSG_DATA(cmsg)		((unsigned char *)(cmsg) + \
				    _ALIGN(sizeof(struct cmsghdr)))
#define CMSG_FIRSTHDR(mhdr)	((mhdr)->msg_controllen >= \
				    sizeof(struct cmsghdr) ? \
				    (struct cmsghdr *)(mhdr)->msg_control : \
				    (struct cmsghdr *)NULL)
#define CMSG_LEN(len)		(_ALIGN(sizeof(struct cmsghdr)) + (len))
#define CMSG_SPACE(len)		(_ALIGN(sizeof(struct cmsghdr)) + _ALIGN(len))
#define SCM_RIGHTS		0x01
#define SCM_TIMESTAMP		0x04

/* sysctl {CTL_NET, PF_ROUTE, 0, af, NET_RT_*, arg} */
#define NET_RT_DUMP	1
#define NET_RT_FLAGS	2
#define NET_RT_IFLIST	3
#define NET_RT_STATS	4
#define NET_RT_TABLE	5
#define NET_RT_IFNAMES	6
#define NET_RT_SOURCE	7

int	socket(int, int, int);
int	socketpair(int, int, int, int *);
int	bind(int, const struct sockaddr *, socklen_t);
int	listen(int, int);
int	accept(int, struct sockaddr *, socklen_t *);
int	accept4(int, struct sockaddr *, socklen_t *, int);
int	connect(int, const struct sockaddr *, socklen_t);
int	getsockname(int, struct sockaddr *, socklen_t *);
int	getpeername(int, struct sockaddr *, socklen_t *);
int	getsockopt(int, int, int, void *, socklen_t *);
int	setsockopt(int, int, int, const void *, socklen_t);
int	shutdown(int, int);
long	recv(int, void *, size_t, int);
long	send(int, const void *, size_t, int);
long	recvfrom(int, void *, size_t, int, struct sockaddr *, socklen_t *);
long	sendto(int, const void *, size_t, int, const struct sockaddr *,
	    socklen_t);
long	recvmsg(int, struct msghdr *, int);
long	sendmsg(int, const struct msghdr *, int);

#endif

/* SPDX-License-Identifier: ISC */
/*
 * netinet/in.h: OpenBSD's Internet addresses and IP-level options
 * (docs/go-openbsd-abi.md §8): sockaddr_in (16 bytes) and sockaddr_in6
 * (28 bytes) with their length byte, IPPROTO_*, IP_* and IPV6_* values.
 * Replaces musl's <netinet/in.h> (and OpenBSD's <netinet6/in6.h>, which
 * it includes).  No byte-order functions: those are <arpa/inet.h>'s.
 * Self-contained, so host unit tests can include it as
 * "libc/netinet/in.h".
 */
#ifndef VMGO_LIBC_NETINET_IN_H
#define VMGO_LIBC_NETINET_IN_H
#define _NETINET_IN_H	/* musl's (and glibc's) guard */

#include <stdint.h>
#include "../sys/socket.h"

typedef uint16_t	in_port_t;
typedef uint32_t	in_addr_t;

#define IPPROTO_IP	0
#define IPPROTO_ICMP	1
#define IPPROTO_TCP	6
#define IPPROTO_UDP	17
#define IPPROTO_IPV6	41
#define IPPROTO_ICMPV6	58
#define IPPROTO_RAW	255

/* network byte order */
struct in_addr {
	in_addr_t	s_addr;
};

struct sockaddr_in {
	uint8_t		sin_len;	/* 16 */
	sa_family_t	sin_family;	/* AF_INET */
	in_port_t	sin_port;	/* big-endian */
	struct in_addr	sin_addr;
	int8_t		sin_zero[8];
};

struct in6_addr {
	union {
		uint8_t		__u6_addr8[16];
		uint16_t	__u6_addr16[8];
		uint32_t	__u6_addr32[4];
	} __u6_addr;
};
#define s6_addr		__u6_addr.__u6_addr8

struct sockaddr_in6 {
	uint8_t		sin6_len;	/* 28 */
	sa_family_t	sin6_family;	/* AF_INET6 */
	in_port_t	sin6_port;	/* big-endian */
	uint32_t	sin6_flowinfo;
	struct in6_addr	sin6_addr;
	uint32_t	sin6_scope_id;
};

#define INADDR_ANY		((in_addr_t)0x00000000)
#define INADDR_BROADCAST	((in_addr_t)0xffffffff)
#define INADDR_LOOPBACK		((in_addr_t)0x7f000001)	/* host order */
#define INADDR_NONE		((in_addr_t)0xffffffff)
#define INET_ADDRSTRLEN		16
#define INET6_ADDRSTRLEN	46

/* IPPROTO_IP options */
#define IP_OPTIONS		1
#define IP_HDRINCL		2
#define IP_TOS			3
#define IP_TTL			4
#define IP_RECVOPTS		5
#define IP_RECVRETOPTS		6
#define IP_RECVDSTADDR		7
#define IP_RETOPTS		8
#define IP_MULTICAST_IF		9
#define IP_MULTICAST_TTL	10
#define IP_MULTICAST_LOOP	11
#define IP_ADD_MEMBERSHIP	12
#define IP_DROP_MEMBERSHIP	13
#define IP_PORTRANGE		19
#define IP_RECVIF		30
#define IP_MINTTL		32

/* IPPROTO_IPV6 options (OpenBSD <netinet6/in6.h>) */
#define IPV6_UNICAST_HOPS	4
#define IPV6_MULTICAST_IF	9
#define IPV6_MULTICAST_HOPS	10
#define IPV6_MULTICAST_LOOP	11
#define IPV6_JOIN_GROUP		12
#define IPV6_LEAVE_GROUP	13
#define IPV6_PORTRANGE		14
#define IPV6_V6ONLY		27
#define IPV6_RECVPKTINFO	36
#define IPV6_RECVHOPLIMIT	37
#define IPV6_PKTINFO		46
#define IPV6_HOPLIMIT		47
#define IPV6_RECVTCLASS		57
#define IPV6_TCLASS		61

#endif

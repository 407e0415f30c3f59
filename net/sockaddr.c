/* SPDX-License-Identifier: ISC */
/*
 * sockaddr.c: OpenBSD's sockaddr_in / sockaddr_in6 (docs/go-openbsd-abi.md
 * §8.2: a length byte, an 8-bit family at byte 1, the port big-endian)
 * to and from the socket layer's struct sock_addr.  Pure logic, no lwIP:
 * tests/unit/test_sockaddr.c runs it on the host.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "libc/errno.h"
#include "libc/sys/socket.h"
#include "libc/netinet/in.h"
#include "socket.h"

_Static_assert(sizeof(struct sockaddr_in) == 16, "sockaddr_in is 16 bytes");
_Static_assert(sizeof(struct sockaddr_in6) == 28, "sockaddr_in6 is 28 bytes");
_Static_assert(offsetof(struct sockaddr_in6, sin6_addr) == 8, "sin6_addr");
_Static_assert(offsetof(struct sockaddr_in6, sin6_scope_id) == 24,
    "sin6_scope_id");
_Static_assert(sizeof(struct msghdr) == 48, "msghdr is 48 bytes");
_Static_assert(sizeof(struct linger) == 8, "linger is 8 bytes");

/* ::ffff:0:0/96, RFC 4291 §2.5.5.2 */
static const uint8_t v4mapped_prefix[12] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
};

static uint16_t
be16(uint16_t v)
{
	return (uint16_t)((v >> 8) | (v << 8));
}

/* See socket.h. */
bool
sock_addr_any(const struct sock_addr *a)
{
	static const uint8_t zero[16];

	return memcmp(a->addr, zero, a->family == AF_INET ? 4 : 16) == 0;
}

/* See socket.h. */
bool
sock_addr_v4mapped(const struct sock_addr *a)
{
	return a->family == AF_INET6 &&
	    memcmp(a->addr, v4mapped_prefix, sizeof(v4mapped_prefix)) == 0;
}

/*
 * See socket.h.  The checks follow OpenBSD's in_nam2sin/in6_nam2sin6: a
 * length of at least the structure's (Go passes it exactly), the
 * socket's own family; and in6_pcbconnect's refusal of v4-mapped
 * addresses, which only a dual-stack socket (IPV6_V6ONLY 0, a vmgo
 * extension: OpenBSD has none) turns into IPv4.
 */
int
sockaddr_decode(const void *sa, unsigned int len, int domain, bool dual,
    struct sock_addr *out)
{
	const uint8_t *b = sa;
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;

	if (sa == NULL)
		return -EFAULT;
	if (len < 2)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	if (b[1] == AF_UNSPEC) {
		out->family = AF_UNSPEC;
		return 0;
	}
	if (b[1] != domain)
		return -EAFNOSUPPORT;
	if (domain == AF_INET) {
		if (len < sizeof(sin))
			return -EINVAL;
		memcpy(&sin, sa, sizeof(sin));
		out->family = AF_INET;
		memcpy(out->addr, &sin.sin_addr, 4);
		out->port = be16(sin.sin_port);
		return 0;
	}
	if (domain != AF_INET6)
		return -EAFNOSUPPORT;
	if (len < sizeof(sin6))
		return -EINVAL;
	memcpy(&sin6, sa, sizeof(sin6));
	out->family = AF_INET6;
	memcpy(out->addr, sin6.sin6_addr.s6_addr, 16);
	out->port = be16(sin6.sin6_port);
	out->scope = sin6.sin6_scope_id;
	if (sock_addr_v4mapped(out)) {
		if (!dual)
			return -EADDRNOTAVAIL;
		out->family = AF_INET;
		memmove(out->addr, out->addr + 12, 4);
		memset(out->addr + 4, 0, 12);
		out->scope = 0;
	}
	return 0;
}

/* See socket.h. */
unsigned int
sockaddr_encode(const struct sock_addr *a, int domain, void *sa,
    unsigned int *lenp)
{
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
	const void *src;
	unsigned int full;

	if (domain == AF_INET) {
		memset(&sin, 0, sizeof(sin));
		sin.sin_len = sizeof(sin);
		sin.sin_family = AF_INET;
		sin.sin_port = be16(a->port);
		if (a->family == AF_INET)
			memcpy(&sin.sin_addr, a->addr, 4);
		src = &sin;
		full = sizeof(sin);
	} else {
		memset(&sin6, 0, sizeof(sin6));
		sin6.sin6_len = sizeof(sin6);
		sin6.sin6_family = AF_INET6;
		sin6.sin6_port = be16(a->port);
		if (a->family == AF_INET) {
			memcpy(sin6.sin6_addr.s6_addr, v4mapped_prefix, 12);
			memcpy(sin6.sin6_addr.s6_addr + 12, a->addr, 4);
		} else if (a->family == AF_INET6) {
			memcpy(sin6.sin6_addr.s6_addr, a->addr, 16);
			sin6.sin6_scope_id = a->scope;
		}
		src = &sin6;
		full = sizeof(sin6);
	}
	if (sa != NULL && lenp != NULL) {
		if (*lenp > full)
			*lenp = full;
		memcpy(sa, src, *lenp);
	}
	return full;
}

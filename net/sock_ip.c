/* SPDX-License-Identifier: ISC */
/*
 * sock_ip.c: lwIP addresses and errors for the socket layer: sock_addr <->
 * ip_addr_t, "is this address mine" for bind (EADDRNOTAVAIL), the source
 * address a connected datagram socket reports, err_t -> errno.
 */
#include "kernel.h"
#include <sys/socket.h>
#include <netinet/in.h>

#include "lwip/ip.h"
#include "lwip/netif.h"
#include "sock_ip.h"

/* See sock_ip.h. */
void
sock_to_ip(const struct sock_addr *a, ip_addr_t *ip)
{
#if LWIP_IPV6
	if (a->family == AF_INET6) {
		ip_addr_set_zero_ip6(ip);
		memcpy(ip_2_ip6(ip)->addr, a->addr, 16);
#if LWIP_IPV6_SCOPES
		if (ip6_addr_has_scope(ip_2_ip6(ip), IP6_UNKNOWN))
			ip6_addr_set_zone(ip_2_ip6(ip), (u8_t)a->scope);
#endif
		return;
	}
#endif
	ip_addr_set_zero_ip4(ip);
	memcpy(&ip_2_ip4(ip)->addr, a->addr, 4);
}

/* See sock_ip.h. */
void
sock_from_ip(const ip_addr_t *ip, uint16_t port, struct sock_addr *a)
{
	memset(a, 0, sizeof(*a));
	a->port = port;
#if LWIP_IPV6
	if (ip == NULL || IP_IS_ANY_TYPE_VAL(*ip)) {
		a->family = AF_INET6;
		return;
	}
	if (IP_IS_V6(ip)) {
		a->family = AF_INET6;
		memcpy(a->addr, ip_2_ip6(ip)->addr, 16);
#if LWIP_IPV6_SCOPES
		a->scope = ip6_addr_zone(ip_2_ip6(ip));
#endif
		return;
	}
#endif
	a->family = AF_INET;
	if (ip != NULL)
		memcpy(a->addr, &ip_2_ip4(ip)->addr, 4);
}

/* See sock_ip.h. */
bool
sock_ip_local(const ip_addr_t *ip)
{
	struct netif *n;

	if (ip_addr_ismulticast(ip))
		return true;
#if LWIP_IPV6
	if (IP_IS_V6(ip)) {
		NETIF_FOREACH(n) {
			if (netif_get_ip6_addr_match(n, ip_2_ip6(ip)) >= 0)
				return true;
		}
		return false;
	}
#endif
	if (ip_2_ip4(ip)->addr == IPADDR_BROADCAST)
		return true;
	NETIF_FOREACH(n) {
		if (ip4_addr_cmp(netif_ip4_addr(n), ip_2_ip4(ip)) ||
		    ip4_addr_isbroadcast(ip_2_ip4(ip), n))
			return true;
	}
	return false;
}

/* See sock_ip.h. */
int
sock_ip_source(const ip_addr_t *dst, ip_addr_t *src)
{
	struct netif *n;

#if LWIP_IPV6
	if (IP_IS_V6(dst)) {
		const ip_addr_t *s;

		n = ip6_route(IP6_ADDR_ANY6, ip_2_ip6(dst));
		if (n == NULL)
			return -ENETUNREACH;
		s = ip6_select_source_address(n, ip_2_ip6(dst));
		if (s == NULL)
			return -EADDRNOTAVAIL;
		ip_addr_copy(*src, *s);
		return 0;
	}
#endif
	n = ip4_route(ip_2_ip4(dst));
	if (n == NULL)
		return -ENETUNREACH;
	ip_addr_copy_from_ip4(*src, *netif_ip4_addr(n));
	return 0;
}

/* See sock_ip.h.  BSD's choices where lwIP's own err_to_errno differs:
 * out of memory is ENOBUFS. */
int
sock_lwip_errno(err_t err)
{
	switch (err) {
	case ERR_OK:
		return 0;
	case ERR_MEM:
	case ERR_BUF:
		return ENOBUFS;
	case ERR_TIMEOUT:
		return ETIMEDOUT;
	case ERR_RTE:
		return EHOSTUNREACH;
	case ERR_INPROGRESS:
		return EINPROGRESS;
	case ERR_VAL:
	case ERR_ARG:
		return EINVAL;
	case ERR_WOULDBLOCK:
		return EAGAIN;
	case ERR_USE:
		return EADDRINUSE;
	case ERR_ALREADY:
		return EALREADY;
	case ERR_ISCONN:
		return EISCONN;
	case ERR_CONN:
	case ERR_CLSD:
		return ENOTCONN;
	case ERR_IF:
		return ENETDOWN;
	case ERR_ABRT:
		return ECONNABORTED;
	case ERR_RST:
		return ECONNRESET;
	default:
		return EIO;
	}
}

/* IP-level options TCP and UDP share (sock_ip.h). */
int
sock_ip_setopt(struct socket *so, int level, int name, int v,
    uint8_t def_ttl)
{
	switch (level) {
	case IPPROTO_IP:
		switch (name) {
		case IP_TOS:
			so->tos = (uint8_t)v;
			return 0;
		case IP_TTL:
			if (v < 0 || v > 255)
				return -EINVAL;
			so->ttl = (uint8_t)v;
			return 0;
		}
		return -ENOPROTOOPT;	/* multicast: UDP's (sock_mcast.c) */
	case IPPROTO_IPV6:
		if (so->domain != AF_INET6)
			return -ENOPROTOOPT;
		switch (name) {
		case IPV6_V6ONLY:
			if (so->bound)
				return -EINVAL;
			so->v6only = v != 0;
			return 0;
		case IPV6_TCLASS:
			if (v < -1 || v > 255)
				return -EINVAL;
			so->tos = v < 0 ? 0 : (uint8_t)v;
			return 0;
		case IPV6_UNICAST_HOPS:
			if (v < -1 || v > 255)
				return -EINVAL;
			so->ttl = v < 0 ? def_ttl : (uint8_t)v;
			return 0;
		}
		return -ENOPROTOOPT;
	}
	return -ENOPROTOOPT;
}

/* IP-level option values TCP and UDP share (sock_ip.h). */
int
sock_ip_getopt(const struct socket *so, int level, int name,
    uint8_t def_ttl, int *v)
{
	int ttl = so->ttl != 0 ? so->ttl : def_ttl;

	if (level == IPPROTO_IP && name == IP_TOS)
		*v = so->tos;
	else if (level == IPPROTO_IP && name == IP_TTL)
		*v = ttl;
	else if (level != IPPROTO_IPV6 || so->domain != AF_INET6)
		return -ENOPROTOOPT;
	else if (name == IPV6_V6ONLY)
		*v = so->v6only;
	else if (name == IPV6_TCLASS)
		*v = so->tos;
	else if (name == IPV6_UNICAST_HOPS)
		*v = ttl;
	else
		return -ENOPROTOOPT;
	return 0;
}

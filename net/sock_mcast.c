/* SPDX-License-Identifier: ISC */
/*
 * sock_mcast.c: multicast on UDP sockets, the options of OpenBSD's ip(4)
 * and ip6(4): IP_MULTICAST_IF/TTL/LOOP, IP_ADD/DROP_MEMBERSHIP,
 * IPV6_MULTICAST_IF/HOPS/LOOP, IPV6_JOIN/LEAVE_GROUP, on lwIP's IGMP and
 * MLD.  Go's net.ListenMulticastUDP and DialUDP to a group use them.
 *
 * A socket's groups are kept (struct sock_mcast) so closing it leaves
 * them; lwIP counts the users of a group, so two sockets in one group
 * keep it until both have left.  Defaults as in BSD: multicast TTL/hops
 * 1 and loopback on (a host's own members get what it sends), set by
 * sock_mcast_init.  Core lock held throughout.
 */
#include "kernel.h"
#include <sys/socket.h>
#include <netinet/in.h>

#include "lwip/igmp.h"
#include "lwip/mld6.h"
#include "lwip/netif.h"
#include "lwip/udp.h"
#include "sock_ip.h"

/* One group a socket joined. */
struct sock_mcast {
	struct sock_mcast *next;
	ip_addr_t	group;
	uint8_t		ifindex;	/* 0: every interface that does it */
};

/* OpenBSD's struct ip_mreq and struct ipv6_mreq (netinet/in.h, in6.h). */
struct vmgo_ip_mreq {
	uint8_t		multiaddr[4];
	uint8_t		interface[4];
};
struct vmgo_ipv6_mreq {
	uint8_t		multiaddr[16];
	uint32_t	interface;
};

/* IP_MULTICAST_LOOP, IPV6_MULTICAST_LOOP: do our own members get what
 * this socket sends to their group? */
static void
set_loop(struct udp_pcb *pcb, bool on)
{
	if (on)
		udp_set_flags(pcb, UDP_FLAGS_MULTICAST_LOOP);
	else
		udp_clear_flags(pcb, UDP_FLAGS_MULTICAST_LOOP);
}

/* BSD's defaults on a new UDP pcb. */
void
sock_mcast_init(struct udp_pcb *pcb)
{
	udp_set_multicast_ttl(pcb, 1);
	set_loop(pcb, true);
}

/*
 * The index of the interface with IPv4 address a (network order bytes)
 * into *idx, NETIF_NO_INDEX for INADDR_ANY (the default interface):
 * 0, or -EADDRNOTAVAIL when no interface has it.
 */
static int
ifindex_by_ip4(const uint8_t a[4], uint8_t *idx)
{
	struct netif *ni;
	ip4_addr_t ip;

	memcpy(&ip.addr, a, 4);
	*idx = NETIF_NO_INDEX;
	if (ip4_addr_isany_val(ip))
		return 0;
	NETIF_FOREACH(ni)
		if (ip4_addr_cmp(netif_ip4_addr(ni), &ip)) {
			*idx = netif_get_index(ni);
			return 0;
		}
	return -EADDRNOTAVAIL;
}

/* An IPv6 option's interface index: 0 (any) or an existing interface's. */
static bool
ifindex_ok(unsigned int idx)
{
	return idx == 0 || (idx <= 255 && netif_get_by_index((u8_t)idx) !=
	    NULL);
}

/* A byte or int option value (OpenBSD takes a u_char; Linux both). */
static int
opt_small(const void *val, unsigned int len, int *v)
{
	uint8_t b;

	if (val == NULL)
		return -EFAULT;
	if (len == 1) {
		memcpy(&b, val, 1);
		*v = b;
		return 0;
	}
	return sock_opt_int(val, len, v);
}

static struct sock_mcast **
find_group(struct socket *so, const ip_addr_t *g, uint8_t ifindex)
{
	struct sock_mcast **pp;

	for (pp = &so->mcast; *pp != NULL; pp = &(*pp)->next)
		if (ip_addr_cmp_zoneless(&(*pp)->group, g) &&
		    (*pp)->ifindex == ifindex)
			return pp;
	return NULL;
}

/* Join or leave g on interface ifindex (0: all) in lwIP. */
static err_t
group_op(const ip_addr_t *g, uint8_t ifindex, bool join)
{
	struct netif *ni = NULL;

	if (ifindex != 0 && (ni = netif_get_by_index(ifindex)) == NULL)
		return ERR_IF;
	if (IP_IS_V4(g)) {
		if (ni != NULL)
			return join ? igmp_joingroup_netif(ni, ip_2_ip4(g)) :
			    igmp_leavegroup_netif(ni, ip_2_ip4(g));
		return join ? igmp_joingroup(IP4_ADDR_ANY4, ip_2_ip4(g)) :
		    igmp_leavegroup(IP4_ADDR_ANY4, ip_2_ip4(g));
	}
	if (ni != NULL)
		return join ? mld6_joingroup_netif(ni, ip_2_ip6(g)) :
		    mld6_leavegroup_netif(ni, ip_2_ip6(g));
	return join ? mld6_joingroup(IP6_ADDR_ANY6, ip_2_ip6(g)) :
	    mld6_leavegroup(IP6_ADDR_ANY6, ip_2_ip6(g));
}

/* Leave the group *pp names and forget it. */
static void
drop_group(struct sock_mcast **pp)
{
	struct sock_mcast *m = *pp;

	*pp = m->next;
	(void)group_op(&m->group, m->ifindex, false);
	kfree(m);
}

/* IP_ADD/DROP_MEMBERSHIP, IPV6_JOIN/LEAVE_GROUP on so. */
static int
membership(struct socket *so, const ip_addr_t *g, uint8_t ifindex,
    bool join)
{
	struct sock_mcast **pp = find_group(so, g, ifindex), *m;
	err_t err;

	if (!ip_addr_ismulticast(g))
		return -EINVAL;
	if (!join) {
		if (pp == NULL)
			return -EADDRNOTAVAIL;
		drop_group(pp);
		return 0;
	}
	if (pp != NULL)
		return -EADDRINUSE;
	m = kzalloc(sizeof(*m));
	if (m == NULL)
		return -ENOBUFS;
	err = group_op(g, ifindex, true);
	if (err != ERR_OK) {
		kfree(m);
		/* ERR_VAL: no interface does multicast (lwIP's igmp/mld6). */
		return err == ERR_MEM ? -ENOBUFS : -EADDRNOTAVAIL;
	}
	ip_addr_copy(m->group, *g);
	m->ifindex = ifindex;
	m->next = so->mcast;
	so->mcast = m;
	return 0;
}

/* See sock_ip.h. */
int
sock_mcast_setopt(struct socket *so, int level, int name, const void *val,
    unsigned int len)
{
	struct udp_pcb *pcb = so->pcb.udp;
	struct vmgo_ip_mreq mr;
	struct vmgo_ipv6_mreq mr6;
	uint8_t idx;
	ip_addr_t g;
	int v, r;

	if (level == IPPROTO_IP) {
		switch (name) {
		case IP_MULTICAST_IF:
			if (val == NULL || len < 4)
				return -EINVAL;
			memcpy(mr.interface, val, 4);
			if ((r = ifindex_by_ip4(mr.interface, &idx)) < 0)
				return r;
			udp_set_multicast_netif_index(pcb, idx);
			return 0;
		case IP_MULTICAST_TTL:
		case IP_MULTICAST_LOOP:
			if ((r = opt_small(val, len, &v)) < 0)
				return r;
			if (v < 0 || v > 255)
				return -EINVAL;
			if (name == IP_MULTICAST_TTL)
				udp_set_multicast_ttl(pcb, (u8_t)v);
			else
				set_loop(pcb, v != 0);
			return 0;
		case IP_ADD_MEMBERSHIP:
		case IP_DROP_MEMBERSHIP:
			if (val == NULL || len < sizeof(mr))
				return -EINVAL;
			memcpy(&mr, val, sizeof(mr));
			ip_addr_set_zero_ip4(&g);
			memcpy(&ip_2_ip4(&g)->addr, mr.multiaddr, 4);
			if ((r = ifindex_by_ip4(mr.interface, &idx)) < 0)
				return r;
			return membership(so, &g, idx,
			    name == IP_ADD_MEMBERSHIP);
		}
		return 1;
	}
	if (level != IPPROTO_IPV6 || so->domain != AF_INET6)
		return 1;
	switch (name) {
	case IPV6_MULTICAST_IF:
		if ((r = sock_opt_int(val, len, &v)) < 0)
			return r;
		if (v < 0 || !ifindex_ok((unsigned int)v))
			return -ENXIO;
		udp_set_multicast_netif_index(pcb, (u8_t)v);
		return 0;
	case IPV6_MULTICAST_HOPS:
		if ((r = sock_opt_int(val, len, &v)) < 0)
			return r;
		if (v < -1 || v > 255)
			return -EINVAL;
		udp_set_multicast_ttl(pcb, v < 0 ? 1 : (u8_t)v);
		return 0;
	case IPV6_MULTICAST_LOOP:
		if ((r = sock_opt_int(val, len, &v)) < 0)
			return r;
		if (v != 0 && v != 1)
			return -EINVAL;
		set_loop(pcb, v != 0);
		return 0;
	case IPV6_JOIN_GROUP:
	case IPV6_LEAVE_GROUP:
		if (val == NULL || len < sizeof(mr6))
			return -EINVAL;
		memcpy(&mr6, val, sizeof(mr6));
		if (!ifindex_ok(mr6.interface))
			return -ENXIO;
		ip_addr_set_zero_ip6(&g);
		memcpy(ip_2_ip6(&g)->addr, mr6.multiaddr, 16);
		return membership(so, &g, (uint8_t)mr6.interface,
		    name == IPV6_JOIN_GROUP);
	}
	return 1;
}

/* See sock_ip.h. */
int
sock_mcast_getopt(struct socket *so, int level, int name, void *val,
    unsigned int *len)
{
	struct udp_pcb *pcb = so->pcb.udp;
	struct netif *ni;
	uint8_t b, a[4] = { 0 };
	bool loop = (udp_flags(pcb) & UDP_FLAGS_MULTICAST_LOOP) != 0;

	if (level == IPPROTO_IP) {
		switch (name) {
		case IP_MULTICAST_IF:
			ni = netif_get_by_index(
			    udp_get_multicast_netif_index(pcb));
			if (ni != NULL)
				memcpy(a, &netif_ip4_addr(ni)->addr, 4);
			if (val == NULL || *len < 4)
				return -EINVAL;
			memcpy(val, a, 4);
			*len = 4;
			return 0;
		case IP_MULTICAST_TTL:
		case IP_MULTICAST_LOOP:
			b = name == IP_MULTICAST_TTL ?
			    udp_get_multicast_ttl(pcb) : (uint8_t)loop;
			if (val == NULL || *len < 1)
				return -EINVAL;
			if (*len >= sizeof(int))
				return sock_opt_put_int(val, len, b);
			memcpy(val, &b, 1);
			*len = 1;
			return 0;
		}
		return 1;
	}
	if (level != IPPROTO_IPV6 || so->domain != AF_INET6)
		return 1;
	switch (name) {
	case IPV6_MULTICAST_IF:
		return sock_opt_put_int(val, len,
		    udp_get_multicast_netif_index(pcb));
	case IPV6_MULTICAST_HOPS:
		return sock_opt_put_int(val, len, udp_get_multicast_ttl(pcb));
	case IPV6_MULTICAST_LOOP:
		return sock_opt_put_int(val, len, loop);
	}
	return 1;
}

/* See sock_ip.h. */
void
sock_mcast_leave_all(struct socket *so)
{
	while (so->mcast != NULL)
		drop_group(&so->mcast);
}

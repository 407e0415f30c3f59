/* SPDX-License-Identifier: ISC */
/*
 * sock_ip.h: the socket layer's glue to lwIP's addresses and errors
 * (net/sock_ip.c), for the protocol files sock_tcp.c and sock_udp.c.
 * Core lock held for everything that looks at interfaces.
 */
#ifndef VMGO_NET_SOCK_IP_H
#define VMGO_NET_SOCK_IP_H

#include "lwip/ip_addr.h"
#include "lwip/err.h"
#include "socket.h"

/* a as an lwIP address (zone from a->scope where lwIP keeps zones). */
void	sock_to_ip(const struct sock_addr *a, ip_addr_t *ip);
/* The lwIP address ip (NULL or any-type: the IPv6 wildcard) and port as
 * a sock_addr. */
void	sock_from_ip(const ip_addr_t *ip, uint16_t port, struct sock_addr *a);
/* Is ip assigned to an interface, or a multicast/broadcast address a
 * datagram socket may bind? */
bool	sock_ip_local(const ip_addr_t *ip);
/* The source address lwIP would use towards dst: 0, -ENETUNREACH,
 * -EADDRNOTAVAIL. */
int	sock_ip_source(const ip_addr_t *dst, ip_addr_t *src);
/* An lwIP err_t as a positive OpenBSD errno (0 for ERR_OK). */
int	sock_lwip_errno(err_t err);
/*
 * Set an IPPROTO_IP or IPPROTO_IPV6 option that TCP and UDP sockets share
 * (IP_TOS, IP_TTL, IPV6_V6ONLY before bind, IPV6_TCLASS,
 * IPV6_UNICAST_HOPS; -1 means def_ttl / TOS 0) to v in *so; the caller
 * applies it to its pcb.  0, -EINVAL (out of range, V6ONLY after bind)
 * or -ENOPROTOOPT (the rest; UDP's multicast options are sock_mcast.c's,
 * asked first).  Core lock held.
 */
int	sock_ip_setopt(struct socket *so, int level, int name, int v,
	    uint8_t def_ttl);
/* The same options' values (TTL def_ttl when unset) into *v: 0 or
 * -ENOPROTOOPT.  Core lock held. */
int	sock_ip_getopt(const struct socket *so, int level, int name,
	    uint8_t def_ttl, int *v);

/*
 * sock_mcast.c: multicast on a UDP socket.  sock_mcast_init gives a new
 * pcb BSD's defaults (TTL 1, loopback on).  setopt/getopt handle the
 * IPPROTO_IP and IPPROTO_IPV6 multicast options: 0 or -errno, or 1 for
 * an option that is not one of them.  sock_mcast_leave_all leaves every
 * group so joined (on close).  Core lock held.
 */
struct udp_pcb;
void	sock_mcast_init(struct udp_pcb *pcb);
int	sock_mcast_setopt(struct socket *so, int level, int name,
	    const void *val, unsigned int len);
int	sock_mcast_getopt(struct socket *so, int level, int name, void *val,
	    unsigned int *len);
void	sock_mcast_leave_all(struct socket *so);

#endif

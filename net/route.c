/* SPDX-License-Identifier: ISC */
/*
 * route.c: the routing-table dump sysctl {CTL_NET, PF_ROUTE, 0, af,
 * NET_RT_IFLIST, ifindex} that Go's net.Interfaces and InterfaceAddrs
 * read through golang.org/x/net/route (FetchRIB, ParseRIB): per
 * interface an RTM_IFINFO message (struct if_msghdr and the interface's
 * sockaddr_dl: name, index, hardware address), then an RTM_NEWADDR
 * message per address (struct ifa_msghdr, then the netmask and the
 * address as sockaddr_in/in6), as OpenBSD's sysctl_iflist writes them.
 * Every sockaddr takes a multiple of 8 bytes (the parser's roundup: the
 * pointer size).  The builder is pure (tests/unit/test_sockaddr.c); the
 * interfaces come from net_if_list (net/net.h).  Only OpenBSD errno
 * values here (libc/errno.h, not kernel.h), so the host test sees them.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "libc/errno.h"
#include "libc/sys/socket.h"
#include "libc/netinet/in.h"
#include "libc/net/if.h"
#include "libc/net/if_dl.h"
#include "libc/net/route.h"
#include "mm/mm.h"
#include "socket.h"

_Static_assert(sizeof(struct if_msghdr) == 0xf8, "if_msghdr is 0xf8 bytes");
_Static_assert(sizeof(struct ifa_msghdr) == 0x18, "ifa_msghdr is 0x18 bytes");
_Static_assert(offsetof(struct if_msghdr, ifm_data) == 24, "ifm_data");
_Static_assert(sizeof(struct sockaddr_dl) == 32, "sockaddr_dl is 32 bytes");

#define RT_ALIGN(n)	(((n) + 7) & ~(size_t)7)
#define IFLIST_MAX	64	/* interfaces looked at */

/* Append len bytes (then zeros up to RT_ALIGN(len)) at *off if they fit. */
static void
put(uint8_t *buf, size_t size, size_t *off, const void *p, size_t len)
{
	size_t space = RT_ALIGN(len);

	if (buf != NULL && *off + space <= size) {
		memcpy(buf + *off, p, len);
		memset(buf + *off + len, 0, space - len);
	}
	*off += space;
}

static size_t
sdl_fill(const struct net_ifinfo *ifi, uint8_t *out, size_t cap)
{
	struct sockaddr_dl sdl;
	const char *z = memchr(ifi->name, '\0', sizeof(ifi->name));
	size_t nlen = z != NULL ? (size_t)(z - ifi->name) : sizeof(ifi->name);
	size_t alen = ifi->hwlen > 0 ? (size_t)ifi->hwlen : 0;
	size_t len = 8 + nlen + alen;

	if (len < sizeof(sdl))
		len = sizeof(sdl);
	if (len > cap)
		return 0;
	memset(out, 0, len);
	memset(&sdl, 0, sizeof(sdl));
	sdl.sdl_len = (uint8_t)len;
	sdl.sdl_family = AF_LINK;
	sdl.sdl_index = (uint16_t)ifi->index;
	sdl.sdl_type = (uint8_t)ifi->type;
	sdl.sdl_nlen = (uint8_t)nlen;
	sdl.sdl_alen = (uint8_t)alen;
	memcpy(out, &sdl, 8);
	memcpy(out + 8, ifi->name, nlen);
	memcpy(out + 8 + nlen, ifi->hwaddr, alen);
	return len;
}

/* An address or mask of family af as a sockaddr: its length. */
static size_t
sa_fill(int af, const uint8_t *addr, uint32_t scope, uint8_t *out)
{
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;

	if (af == AF_INET) {
		memset(&sin, 0, sizeof(sin));
		sin.sin_len = sizeof(sin);
		sin.sin_family = AF_INET;
		memcpy(&sin.sin_addr, addr, 4);
		memcpy(out, &sin, sizeof(sin));
		return sizeof(sin);
	}
	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_len = sizeof(sin6);
	sin6.sin6_family = AF_INET6;
	memcpy(sin6.sin6_addr.s6_addr, addr, 16);
	sin6.sin6_scope_id = scope;
	memcpy(out, &sin6, sizeof(sin6));
	return sizeof(sin6);
}

/* fe80::/10, RFC 4291 §2.5.6: the zone is the interface. */
static bool
is_linklocal6(const uint8_t *a)
{
	return a[0] == 0xfe && (a[1] & 0xc0) == 0x80;
}

/* See socket.h. */
size_t
route_iflist(const struct net_ifinfo *ifs, int n, int af, int ifindex,
    void *buf, size_t size)
{
	uint8_t *b = buf, sa[64], sb[64];
	struct if_msghdr ifm;
	struct ifa_msghdr ifam;
	const struct net_ifinfo *ifi;
	const struct net_ifaddr *ia;
	size_t off = 0, la, lb, ldl;
	uint32_t scope;
	uint16_t len;
	int i, j;

	for (i = 0; i < n; i++) {
		ifi = &ifs[i];
		if (ifindex != 0 && ifi->index != ifindex)
			continue;
		ldl = sdl_fill(ifi, sa, sizeof(sa));
		len = (uint16_t)(sizeof(ifm) + RT_ALIGN(ldl));
		memset(&ifm, 0, sizeof(ifm));
		ifm.ifm_msglen = len;
		ifm.ifm_version = RTM_VERSION;
		ifm.ifm_type = RTM_IFINFO;
		ifm.ifm_hdrlen = sizeof(ifm);
		ifm.ifm_index = (uint16_t)ifi->index;
		ifm.ifm_addrs = RTA_IFP;
		ifm.ifm_flags = ifi->flags;
		ifm.ifm_data.ifi_type = (uint8_t)ifi->type;
		ifm.ifm_data.ifi_addrlen = (uint8_t)ifi->hwlen;
		ifm.ifm_data.ifi_hdrlen = ifi->type == IFT_ETHER ? 14 : 0;
		ifm.ifm_data.ifi_link_state = (ifi->flags & IFF_RUNNING) ?
		    LINK_STATE_UP : LINK_STATE_DOWN;
		ifm.ifm_data.ifi_mtu = ifi->mtu;
		put(b, size, &off, &ifm, sizeof(ifm));
		put(b, size, &off, sa, ldl);
		for (j = 0; j < ifi->naddr && j < NET_IFADDR_MAX; j++) {
			ia = &ifi->addrs[j];
			if (ia->family != AF_INET && ia->family != AF_INET6)
				continue;
			if (af != 0 && ia->family != af)
				continue;
			scope = ia->family == AF_INET6 &&
			    is_linklocal6(ia->addr) ? (uint32_t)ifi->index : 0;
			lb = sa_fill(ia->family, ia->mask, 0, sb);
			la = sa_fill(ia->family, ia->addr, scope, sa);
			memset(&ifam, 0, sizeof(ifam));
			ifam.ifam_msglen = (uint16_t)(sizeof(ifam) +
			    RT_ALIGN(lb) + RT_ALIGN(la));
			ifam.ifam_version = RTM_VERSION;
			ifam.ifam_type = RTM_NEWADDR;
			ifam.ifam_hdrlen = sizeof(ifam);
			ifam.ifam_index = (uint16_t)ifi->index;
			/* In RTAX order: the netmask (2), then the
			 * address (5). */
			ifam.ifam_addrs = RTA_NETMASK | RTA_IFA;
			put(b, size, &off, &ifam, sizeof(ifam));
			put(b, size, &off, sb, lb);
			put(b, size, &off, sa, la);
		}
	}
	return off;
}

/*
 * See socket.h.  Only NET_RT_IFLIST exists; the routing table itself
 * (NET_RT_DUMP) is not exposed yet.
 */
int
route_sysctl(const int *name, unsigned int namelen, void *oldp,
    size_t *oldlenp)
{
	struct net_ifinfo *ifs;
	size_t need;
	int n, max = 8;

	if (namelen != 4 || name[0] != 0)
		return -EINVAL;
	if (name[2] != NET_RT_IFLIST)
		return -EOPNOTSUPP;
	if (name[1] != 0 && name[1] != AF_INET && name[1] != AF_INET6)
		return -EAFNOSUPPORT;
	for (;;) {
		ifs = kmalloc(sizeof(*ifs) * (size_t)max);
		if (ifs == NULL)
			return -ENOMEM;
		n = net_if_list(ifs, max);
		if (n <= max || max >= IFLIST_MAX)
			break;
		kfree(ifs);
		max = n < IFLIST_MAX ? n : IFLIST_MAX;
	}
	if (n > max)
		n = max;
	need = route_iflist(ifs, n, name[1], name[3], NULL, 0);
	if (oldp != NULL) {
		if (*oldlenp < need) {
			kfree(ifs);
			return -ENOMEM;
		}
		route_iflist(ifs, n, name[1], name[3], oldp, *oldlenp);
	}
	*oldlenp = need;
	kfree(ifs);
	return 0;
}

/* SPDX-License-Identifier: ISC */
/*
 * net/route.h: OpenBSD's routing-message constants, as far as a
 * routing-table dump (sysctl {CTL_NET, PF_ROUTE, 0, af, NET_RT_IFLIST,
 * ifindex}) uses them.  Message layouts: <net/if.h>.  Self-contained.
 */
#ifndef VMGO_LIBC_NET_ROUTE_H
#define VMGO_LIBC_NET_ROUTE_H

#define RTM_VERSION	5	/* Go's x/net/route skips other versions */

#define RTM_ADD		0x1
#define RTM_DELETE	0x2
#define RTM_CHANGE	0x3
#define RTM_GET		0x4
#define RTM_NEWADDR	0xc
#define RTM_DELADDR	0xd
#define RTM_IFINFO	0xe
#define RTM_IFANNOUNCE	0xf

/* which sockaddrs follow a message header, in this order */
#define RTA_DST		0x1
#define RTA_GATEWAY	0x2
#define RTA_NETMASK	0x4
#define RTA_GENMASK	0x8
#define RTA_IFP		0x10
#define RTA_IFA		0x20
#define RTA_AUTHOR	0x40
#define RTA_BRD		0x80

#define RTAX_DST	0
#define RTAX_GATEWAY	1
#define RTAX_NETMASK	2
#define RTAX_GENMASK	3
#define RTAX_IFP	4
#define RTAX_IFA	5
#define RTAX_AUTHOR	6
#define RTAX_BRD	7
#define RTAX_MAX	11

#endif

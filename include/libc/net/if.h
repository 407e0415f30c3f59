/* SPDX-License-Identifier: ISC */
/*
 * net/if.h: OpenBSD's interface flags and the interface messages of a
 * routing-table dump (sysctl NET_RT_IFLIST, which Go's net.Interfaces
 * parses with golang.org/x/net/route): struct if_msghdr followed by the
 * interface's sockaddr_dl, struct ifa_msghdr followed by its addresses.
 * Layouts as Go's syscall package describes OpenBSD/amd64
 * (ztypes_openbsd_amd64.go: SizeofIfMsghdr 0xf8, SizeofIfData 0xe0,
 * SizeofIfaMsghdr 0x18).  Replaces musl's <net/if.h>.  Self-contained.
 */
#ifndef VMGO_LIBC_NET_IF_H
#define VMGO_LIBC_NET_IF_H
#define _NET_IF_H	/* musl's (and glibc's) guard */

#include <stdint.h>

#define IFNAMSIZ	16
#define IF_NAMESIZE	IFNAMSIZ

/* if_flags */
#define IFF_UP		0x1
#define IFF_BROADCAST	0x2
#define IFF_DEBUG	0x4
#define IFF_LOOPBACK	0x8
#define IFF_POINTOPOINT	0x10
#define IFF_STATICARP	0x20
#define IFF_RUNNING	0x40
#define IFF_NOARP	0x80
#define IFF_PROMISC	0x100
#define IFF_ALLMULTI	0x200
#define IFF_OACTIVE	0x400
#define IFF_SIMPLEX	0x800
#define IFF_MULTICAST	0x8000

/* interface types (<net/if_types.h>) */
#define IFT_ETHER	0x06
#define IFT_LOOP	0x18

/* link states */
#define LINK_STATE_UNKNOWN	0
#define LINK_STATE_DOWN		2
#define LINK_STATE_UP		4

/* 0xe0 bytes */
struct if_data {
	uint8_t		ifi_type;	/* IFT_* */
	uint8_t		ifi_addrlen;
	uint8_t		ifi_hdrlen;
	uint8_t		ifi_link_state;
	uint32_t	ifi_mtu;
	uint32_t	ifi_metric;
	uint32_t	ifi_rdomain;
	uint64_t	ifi_baudrate;
	uint64_t	ifi_ipackets;
	uint64_t	ifi_ierrors;
	uint64_t	ifi_opackets;
	uint64_t	ifi_oerrors;
	uint64_t	ifi_collisions;
	uint64_t	ifi_ibytes;
	uint64_t	ifi_obytes;
	uint64_t	ifi_imcasts;
	uint64_t	ifi_omcasts;
	uint64_t	ifi_iqdrops;
	uint64_t	ifi_noproto;
	uint32_t	ifi_capabilities;
	uint32_t	__pad0;
	int64_t		ifi_lastchange_sec;	/* struct timeval */
	int64_t		ifi_lastchange_usec;
	uint8_t		__mclpool[88];		/* struct mclpool[7] + pad */
};

/* RTM_IFINFO: 0xf8 bytes, then the interface's sockaddr_dl (RTA_IFP) */
struct if_msghdr {
	uint16_t	ifm_msglen;
	uint8_t		ifm_version;	/* RTM_VERSION */
	uint8_t		ifm_type;	/* RTM_IFINFO */
	uint16_t	ifm_hdrlen;	/* sizeof(struct if_msghdr) */
	uint16_t	ifm_index;
	uint16_t	ifm_tableid;
	uint8_t		ifm_pad1;
	uint8_t		ifm_pad2;
	int32_t		ifm_addrs;	/* RTA_* present */
	int32_t		ifm_flags;	/* IFF_* */
	int32_t		ifm_xflags;
	struct if_data	ifm_data;
};

/* RTM_NEWADDR: 0x18 bytes, then the RTA_* sockaddrs in RTAX order */
struct ifa_msghdr {
	uint16_t	ifam_msglen;
	uint8_t		ifam_version;
	uint8_t		ifam_type;
	uint16_t	ifam_hdrlen;
	uint16_t	ifam_index;
	uint16_t	ifam_tableid;
	uint8_t		ifam_pad1;
	uint8_t		ifam_pad2;
	int32_t		ifam_addrs;
	int32_t		ifam_flags;
	int32_t		ifam_metric;
};

#endif

/* SPDX-License-Identifier: ISC */
/*
 * stack.h: what net.c, netif.c and config.c share inside the stack.  Only
 * files of net/ include it (it pulls in lwIP's headers); the rest of the
 * runtime uses net/net.h, drivers net/nic.h.
 */
#ifndef VMGO_NET_STACK_H
#define VMGO_NET_STACK_H

#include <stdbool.h>
#include <stdint.h>

#include "lwip/netif.h"

#include "config.h"
#include "net.h"
#include "nic.h"

#define NET_NIC_MAX		8	/* vio0..vio7 */
#define NET_RX_BUDGET		64	/* frames per NIC per round */

/* One interface over a NIC (netif.c). */
struct net_iface {
	struct netif	netif;		/* lwIP's; netif.state points back */
	struct nic	*nic;
	bool		dhcp;		/* IPv4 from DHCP */
	bool		dhcp_told;	/* "no DHCP answer" said once */
	bool		bound_told;	/* the lease line printed */
	bool		tx_full;	/* the NIC refused a frame (nic_tx_room) */
	uint8_t		ip6_plen[LWIP_IPV6_NUM_ADDRESSES];	/* static
					   prefix lengths, 0: 64 */
};

/* net.c */
/* The command line's network configuration (read by net_init). */
extern struct net_config net_cfg;
/* Wake the network thread.  Any context, interrupt handlers included. */
void	net_kick(void);
/* With vmgo.verbose=1 (or always): is the console chatty? */
extern bool net_verbose;

/* netif.c */
/* The attached NICs' interfaces, in attach order (core lock). */
extern struct net_iface *net_ifaces[NET_NIC_MAX];
extern int net_niface;
/* Poll every NIC for received frames, up to NET_RX_BUDGET each.  True if
 * some NIC had more.  Core lock held, network thread. */
bool	net_rx_poll_all(void);
/* Once, from net_init with the core lock held, before any nic_attach:
 * static DNS servers, the address-change callback (console lines, /etc
 * files), the first /etc/resolv.conf and /etc/hosts. */
void	net_iface_init(void);
/* Rewrite /etc/resolv.conf and /etc/hosts from lwIP's DNS servers and the
 * first NIC's address.  Core lock held. */
void	net_etc_update(void);
/* Is there a NIC of this name?  Thread context. */
bool	net_iface_named(const char *name);
/* Print one line per interface (vmgo.verbose=1).  Core lock held. */
void	net_iface_report(void);

#endif

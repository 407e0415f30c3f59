/* SPDX-License-Identifier: ISC */
/*
 * netif.c: an lwIP interface over each struct nic (net/nic.h), in the
 * shape of lwIP's contrib ethernetif.c: nic_attach adds it, nic_input
 * hands received frames to lwIP, linkoutput turns a pbuf chain into
 * nic_seg[] for the driver.  Also the interface listing for the socket
 * layer and the console lines about addresses.
 *
 * Offloads: a frame the device says has a good TCP/UDP checksum is not
 * checked again (nic_input); lwIP computes every checksum it sends and
 * sends MSS-sized segments.
 */
#include "kernel.h"

#include "lwip/dhcp.h"
#include "lwip/dns.h"
#include "lwip/etharp.h"
#include "lwip/ethip6.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/prot/ethernet.h"
#include "lwip/prot/ip.h"
#include "lwip/prot/ip4.h"
#include "lwip/prot/ip6.h"
#include "lwip/timeouts.h"
#include "netif/ethernet.h"

#include "stack.h"

#define TX_SEG_MAX		16	/* longer chains are copied first */
#define DHCP_QUIET_MS		5000	/* then say there is no answer */
#define NETIF_HWADDR_LEN	6

struct net_iface *net_ifaces[NET_NIC_MAX];
int net_niface;

#define ETC_HOSTNAME		"vmgo"	/* as fs/etc.c and kern.hostname */
#define ETC_TEXT_MAX		512

static char dhcp_hostname[NET_CFG_HOST_MAX];

/* Is an outgoing frame TCP?  lwIP builds every header of a frame in
 * its first pbuf. */
static bool
frame_is_tcp(const struct pbuf *p)
{
	const struct eth_hdr *e = p->payload;

	if (p->len < SIZEOF_ETH_HDR + IP6_HLEN)
		return false;
	if (e->type == PP_HTONS(ETHTYPE_IP))
		return IPH_PROTO((const struct ip_hdr *)(e + 1)) ==
		    IP_PROTO_TCP;
	if (e->type == PP_HTONS(ETHTYPE_IPV6))
		return IP6H_NEXTH((const struct ip6_hdr *)(e + 1)) ==
		    IP6_NEXTH_TCP;
	return false;
}

/* A frame from lwIP to the driver.  Core lock held. */
static err_t
nicif_linkoutput(struct netif *netif, struct pbuf *p)
{
	struct net_iface *ifc = netif->state;
	struct nic *nic = ifc->nic;
	static const struct nic_tx_meta none;
	struct nic_seg seg[TX_SEG_MAX];
	struct pbuf *q, *flat = NULL;
	int n = 0, r;

	for (q = p; q != NULL; q = q->next) {
		if (q->len == 0)
			continue;
		if (n == TX_SEG_MAX)
			break;
		seg[n].base = q->payload;
		seg[n].len = q->len;
		n++;
	}
	if (q != NULL) {
		/* A chain of many small pieces: send one copy of it. */
		flat = pbuf_clone(PBUF_RAW, PBUF_RAM, p);
		if (flat == NULL) {
			nic->tx_drops++;
			return ERR_MEM;
		}
		seg[0].base = flat->payload;
		seg[0].len = flat->len;
		n = 1;
	}
	/*
	 * The driver counts what it sends and refuses.  A full ring refuses
	 * the frame.  TCP gets ERR_MEM: tcp_output then keeps the segment
	 * unsent and marks the pcb TF_NAGLEMEMERR (an ACK: TF_ACK_NOW), and
	 * nic_tx_room sends it once the driver has room, instead of a
	 * retransmission timeout later.  Anything else is dropped as a full
	 * interface queue drops it (UDP's sender is not told, as on Linux).
	 */
	r = nic->ops->tx(nic, seg, n, &none);
	if (flat != NULL)
		pbuf_free(flat);
	if (r == -ENOBUFS)
		ifc->tx_full = true;
	return r == -ENOBUFS && frame_is_tcp(p) ? ERR_MEM : ERR_OK;
}

/*
 * nic.h: the driver has room again.  Send what TCP kept back (see
 * nicif_linkoutput), until this NIC's ring is full again: a connection
 * kept back by another NIC, still full, is passed over, not a reason to
 * stop (this NIC would not call again).
 */
void
nic_tx_room(struct nic *nic)
{
	struct net_iface *ifc = nic->stack;
	struct tcp_pcb *pcb;

	ifc->tx_full = false;
	for (pcb = tcp_active_pcbs; pcb != NULL && !ifc->tx_full;
	    pcb = pcb->next)
		if (pcb->flags & (TF_NAGLEMEMERR | TF_ACK_NOW))
			(void)tcp_output(pcb);
}

/* netif_add's init callback: describe the device to lwIP. */
static err_t
nicif_init(struct netif *netif)
{
	struct net_iface *ifc = netif->state;
	struct nic *nic = ifc->nic;

	netif->name[0] = 'v';
	netif->name[1] = 'i';
	netif->hwaddr_len = NETIF_HWADDR_LEN;
	memcpy(netif->hwaddr, nic->mac, NETIF_HWADDR_LEN);
	netif->mtu = nic->mtu != 0 ? nic->mtu : NIC_MTU_DEFAULT;
	netif->mtu6 = netif->mtu;
	netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP |
	    NETIF_FLAG_ETHERNET | NETIF_FLAG_IGMP | NETIF_FLAG_MLD6;
	netif->output = etharp_output;
	netif->output_ip6 = ethip6_output;
	netif->linkoutput = nicif_linkoutput;
	if (dhcp_hostname[0] != '\0')
		netif_set_hostname(netif, dhcp_hostname);
	return ERR_OK;
}

/*
 * Room past a received frame.  lwIP 2.1.3 reads past what it checked in
 * places, and tests/fuzz/net finds them:
 *   - a protocol's fixed header is read before the frame is known to be
 *     long enough for it (ip4_input takes IPH_HL and IPH_LEN first;
 *     ip6_input and etharp_input alike): a runt frame was read past its
 *     end (through ip4.c).  Every frame's buffer is at least NET_RX_MIN.
 *   - nd6_input copies a Neighbour Advertisement's link-layer address
 *     (hwaddr_len, 6 bytes) after checking only the option's declared
 *     length, which may be 0: up to 6 bytes past the frame went into the
 *     neighbour cache.  Every frame has NET_RX_SLACK bytes after it.
 * The frame is copied into a buffer that large, zero-filled past it, and
 * the pbuf's lengths cut back to the frame's: lwIP's own length checks
 * see the true frame, and its early reads stay inside the buffer and see
 * zeros.  pbuf_realloc only shortens the lengths because mem_trim does
 * nothing with MEM_LIBC_MALLOC.
 */
#define NET_RX_MIN	(NIC_ETH_HLEN + 60)	/* + the longest IPv4 header;
						   IPv6's (40), ARP's (28) fit */
#define NET_RX_SLACK	16			/* >= the over-reads above */
#if !MEM_LIBC_MALLOC
#error "nic_input's padding needs mem_trim to keep the buffer (MEM_LIBC_MALLOC)"
#endif

/* lwIP's checks of a frame whose TCP/UDP checksum is known good. */
#define CSUM_CTRL_OK	(NETIF_CHECKSUM_ENABLE_ALL & \
			 ~(NETIF_CHECKSUM_CHECK_TCP | NETIF_CHECKSUM_CHECK_UDP))

/*
 * A received frame: copied into one pbuf and handed to lwIP.  Only from
 * ops->rx_poll, so from the network thread with the core lock held.  The
 * driver counts received frames; frames the stack cannot take count as
 * rx_drops too.  lwIP handles a frame whole before netif.input returns
 * (reassembly aside: it checks a datagram when its last fragment comes,
 * and devices never mark fragments checked), so a good checksum is
 * waived by turning the interface's TCP and UDP checks off meanwhile.
 */
void
nic_input(struct nic *nic, const struct nic_seg *seg, int nseg, int csum_ok)
{
	struct net_iface *ifc = nic->stack;
	struct pbuf *p;
	size_t len = 0, off = 0;
	int i;
	/*
	 * pbuf lengths are 16-bit.  A frame that long is a merged TCP frame
	 * (GUEST_TSO), which needs no slack, so the room is cut to fit; one
	 * over 64 KiB (its IP packet may be 65535 bytes, plus 14 of
	 * Ethernet) goes, counted.  A Linux sender's hold a whole number of
	 * segments in an IP packet under 64 KiB (tcp_xmit_size_goal): with
	 * an MSS of 1460, 64,294 bytes of frame.
	 */
	size_t room;

	for (i = 0; i < nseg; i++)
		len += seg[i].len;
	room = MIN(MAX(len + NET_RX_SLACK, NET_RX_MIN), 0xffff);
	if (len < NIC_ETH_HLEN || len > room || ifc == NULL) {
		nic->rx_drops++;
		return;
	}
	p = pbuf_alloc(PBUF_RAW, (u16_t)room, PBUF_RAM);
	if (p == NULL) {
		nic->rx_drops++;
		return;
	}
	for (i = 0; i < nseg; i++) {
		memcpy((uint8_t *)p->payload + off, seg[i].base, seg[i].len);
		off += seg[i].len;
	}
	memset((uint8_t *)p->payload + len, 0, room - len);
	pbuf_realloc(p, (u16_t)len);	/* lengths only: see NET_RX_SLACK */
	if (csum_ok)
		NETIF_SET_CHECKSUM_CTRL(&ifc->netif, CSUM_CTRL_OK);
	if (ifc->netif.input(p, &ifc->netif) != ERR_OK)
		pbuf_free(p);
	NETIF_SET_CHECKSUM_CTRL(&ifc->netif, NETIF_CHECKSUM_ENABLE_ALL);
}

/* Poll every NIC once; true if one had more than its budget.  Core lock
 * held, network thread. */
bool
net_rx_poll_all(void)
{
	bool more = false;
	int i;

	for (i = 0; i < net_niface; i++) {
		struct nic *nic = net_ifaces[i]->nic;

		if (nic->ops->rx_poll(nic, NET_RX_BUDGET) >= NET_RX_BUDGET)
			more = true;
	}
	return more;
}

/* 5 s after DHCP started: say once that no lease came (it keeps trying). */
static void
dhcp_quiet(void *arg)
{
	struct net_iface *ifc = arg;

	if (!dhcp_supplied_address(&ifc->netif) && !ifc->dhcp_told) {
		ifc->dhcp_told = true;
		kprintf("vmgo: %s: no answer to DHCP yet; still trying "
		    "(the program starts anyway)\n", ifc->nic->name);
	}
}

/* "a.b.c.d" of an lwIP IPv4 address into buf. */
static const char *
ip4_str(const ip4_addr_t *a, char *buf, size_t len)
{
	uint32_t v = lwip_ntohl(ip4_addr_get_u32(a));

	ksnprintf(buf, len, "%u.%u.%u.%u", v >> 24, (v >> 16) & 0xff,
	    (v >> 8) & 0xff, v & 0xff);
	return buf;
}

/* The prefix length of a netmask (its leading one bits). */
static int
mask_prefix(const ip4_addr_t *m)
{
	uint32_t v = lwip_ntohl(ip4_addr_get_u32(m));
	int n = 0;

	while (n < 32 && (v & (0x80000000U >> n)) != 0)
		n++;
	return n;
}

/* An lwIP address of ours as a struct net_addr. */
static void
to_net_addr(const ip_addr_t *ip, struct net_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (IP_IS_V6(ip)) {
		a->family = NET_AF_INET6;
		memcpy(a->a, ip_2_ip6(ip)->addr, 16);
	} else {
		a->family = NET_AF_INET;
		memcpy(a->a, &ip_2_ip4(ip)->addr, 4);
	}
}

/* The console line about an interface's IPv4 configuration. */
static void
iface_announce(struct net_iface *ifc)
{
	struct netif *ni = &ifc->netif;
	const uint8_t *m = ni->hwaddr;
	char a[16], g[16], dns[DNS_MAX_SERVERS * (NET_ADDR_STRLEN + 1) + 8];
	char s[NET_ADDR_STRLEN];
	struct net_addr na;
	size_t n = 0;
	int i;

	dns[0] = '\0';
	for (i = 0; i < DNS_MAX_SERVERS; i++) {
		if (ip_addr_isany(dns_getserver((u8_t)i)))
			continue;
		to_net_addr(dns_getserver((u8_t)i), &na);
		n += (size_t)ksnprintf(dns + n, sizeof(dns) - n, "%s%s",
		    n == 0 ? " dns " : ",", net_addr_str(&na, s, sizeof(s)));
	}
	kprintf("vmgo: %s %02x:%02x:%02x:%02x:%02x:%02x %s/%d gw %s%s (%s)\n",
	    ifc->nic->name, m[0], m[1], m[2], m[3], m[4], m[5],
	    ip4_str(netif_ip4_addr(ni), a, sizeof(a)),
	    mask_prefix(netif_ip4_netmask(ni)),
	    ip4_str(netif_ip4_gw(ni), g, sizeof(g)), dns,
	    ifc->dhcp ? "DHCP" : "static");
}

/* A struct net_addr as an lwIP address. */
static void
from_net_addr(const struct net_addr *a, ip_addr_t *ip)
{
	memset(ip, 0, sizeof(*ip));
	if (a->family == NET_AF_INET6) {
		IP_SET_TYPE_VAL(*ip, IPADDR_TYPE_V6);
		memcpy(ip_2_ip6(ip)->addr, a->a, 16);
	} else {
		IP_SET_TYPE_VAL(*ip, IPADDR_TYPE_V4);
		memcpy(&ip_2_ip4(ip)->addr, a->a, 4);
	}
}

/* The command line's DNS servers into lwIP's table (over DHCP's). */
static void
static_dns(void)
{
	ip_addr_t ip;
	int i;

	for (i = 0; i < net_cfg.ndns; i++) {
		from_net_addr(&net_cfg.dns[i], &ip);
		dns_setserver((u8_t)i, &ip);
	}
	for (; net_cfg.ndns != 0 && i < DNS_MAX_SERVERS; i++)
		dns_setserver((u8_t)i, NULL);
}

/*
 * Rewrite /etc/resolv.conf and /etc/hosts (fs/etc.c keeps each version
 * whole and dates it, so Go's resolver, which re-reads resolv.conf when
 * its mtime changes, sees a lease that arrives after it started).  Core
 * lock held.
 */
void
net_etc_update(void)
{
	struct net_addr dns[DNS_MAX_SERVERS], self;
	const char *h = cmdline_vmgo(cmdline_boot(), "hostname");
	char *text;
	const ip_addr_t *s;
	int i, n = 0;
	size_t len;

	text = kmalloc(ETC_TEXT_MAX);
	if (text == NULL)
		return;
	for (i = 0; i < DNS_MAX_SERVERS; i++) {
		s = dns_getserver((u8_t)i);
		if (!ip_addr_isany(s))
			to_net_addr(s, &dns[n++]);
	}
	len = net_resolv_text(dns, n, text, ETC_TEXT_MAX);
	(void)etc_set("/etc/resolv.conf", text, len, time_realtime());
	if (h == NULL || *h == '\0')
		h = ETC_HOSTNAME;
	if (net_niface > 0 &&
	    !ip4_addr_isany_val(*netif_ip4_addr(&net_ifaces[0]->netif))) {
		to_net_addr(&net_ifaces[0]->netif.ip_addr, &self);
		len = net_hosts_text(h, &self, text, ETC_TEXT_MAX);
	} else {
		len = net_hosts_text(h, NULL, text, ETC_TEXT_MAX);
	}
	(void)etc_set("/etc/hosts", text, len, time_realtime());
	kfree(text);
}

/* lwIP's address-change callback: a DHCP lease arrived (or changed). */
static void
iface_changed(struct netif *ni, netif_nsc_reason_t reason,
    const netif_ext_callback_args_t *args)
{
	struct net_iface *ifc = ni->state;

	if (ni->name[0] != 'v' || ifc == NULL)
		return;
	if ((reason & (LWIP_NSC_IPV4_ADDRESS_CHANGED |
	    LWIP_NSC_IPV4_SETTINGS_CHANGED)) == 0)
		return;
	if (ifc->dhcp && dhcp_supplied_address(ni)) {
		static_dns();		/* the command line's win over DHCP's */
		ifc->bound_told = true;
		iface_announce(ifc);
	}
	net_etc_update();
}

/* Is there a NIC of this name?  Thread context. */
bool
net_iface_named(const char *name)
{
	int i;

	for (i = 0; i < net_niface; i++) {
		if (strcmp(net_ifaces[i]->nic->name, name) == 0)
			return true;
	}
	return false;
}

NETIF_DECLARE_EXT_CALLBACK(iface_cb)

/* Once, from net_init with the core lock held, before any nic_attach. */
void
net_iface_init(void)
{
	strlcpy(dhcp_hostname, net_cfg.hostname, sizeof(dhcp_hostname));
	static_dns();
	netif_add_ext_callback(&iface_cb, iface_changed);
	net_etc_update();
}

/*
 * Configure a new interface from the command line: the static or no
 * IPv4 configuration and vmgo.ip6 go to the device named (the first one
 * by default), DHCP to every other.  Core lock held.
 */
static void
iface_configure(struct net_iface *ifc, int n)
{
	struct netif *ni = &ifc->netif;
	bool mine = net_cfg.dev[0] != '\0' ?
	    strcmp(net_cfg.dev, ifc->nic->name) == 0 : n == 0;
	ip4_addr_t ip, mask, gw;
	ip6_addr_t ip6;
	s8_t idx;

	if (mine && net_cfg.has_ip6) {
		memset(&ip6, 0, sizeof(ip6));
		memcpy(ip6.addr, net_cfg.ip6, 16);
		if (netif_add_ip6_address(ni, &ip6, &idx) == ERR_OK && idx >= 0)
			ifc->ip6_plen[idx] = (uint8_t)net_cfg.plen6;
		else
			kprintf("vmgo: %s: cannot add the vmgo.ip6 address\n",
			    ifc->nic->name);
	}
	if (mine && net_cfg.mode == NET_CFG_OFF)
		return;
	if (mine && net_cfg.mode == NET_CFG_STATIC) {
		memcpy(&ip.addr, net_cfg.ip4, 4);
		mask.addr = net_cfg.plen4 == 0 ? 0 :
		    lwip_htonl(0xffffffffU << (32 - net_cfg.plen4));
		memset(&gw, 0, sizeof(gw));
		if (net_cfg.has_gw)
			memcpy(&gw.addr, net_cfg.gw4, 4);
		netif_set_addr(ni, &ip, &mask, &gw);
		iface_announce(ifc);
		return;
	}
	ifc->dhcp = true;
	if (dhcp_start(ni) != ERR_OK)
		kprintf("vmgo: %s: cannot start DHCP\n", ifc->nic->name);
	else
		sys_timeout(DHCP_QUIET_MS, dhcp_quiet, ifc);
}

/*
 * Register a probed device: name it, add its interface, configure it
 * (DHCP, IPv6 link-local and SLAAC).  0, -ENOMEM or -ENOSPC.  Boot,
 * thread context, core lock not held.
 */
int
nic_attach(struct nic *nic)
{
	struct net_iface *ifc;
	struct netif *ni;

	if (net_niface == NET_NIC_MAX)
		return -ENOSPC;
	ifc = kzalloc(sizeof(*ifc));
	if (ifc == NULL)
		return -ENOMEM;
	ksnprintf(nic->name, sizeof(nic->name), "vio%d", net_niface);
	ifc->nic = nic;
	ni = &ifc->netif;

	net_lock();
	if (netif_add(ni, NULL, NULL, NULL, ifc, nicif_init,
	    ethernet_input) == NULL) {
		net_unlock();
		kfree(ifc);
		return -ENOMEM;
	}
	nic->stack = ifc;
	net_ifaces[net_niface++] = ifc;
	if (net_niface == 1)
		netif_set_default(ni);
	netif_create_ip6_linklocal_address(ni, 1);
	netif_set_ip6_autoconfig_enabled(ni, 1);
	netif_set_link_up(ni);
	netif_set_up(ni);
	iface_configure(ifc, net_niface - 1);
	net_unlock();
	return 0;
}

/* The prefix length of IPv6 address slot i of ni: 64 (link-local,
 * SLAAC) unless configured.  Core lock held. */
static int
net_ip6_prefix(struct netif *ni, int i)
{
	struct net_iface *ifc = ni->name[0] == 'v' ? ni->state : NULL;

	if (ifc != NULL && ifc->ip6_plen[i] != 0)
		return ifc->ip6_plen[i];
	return 64;
}

/* mask[0..16) with the first plen bits set. */
static void
prefix_mask(uint8_t *mask, int plen)
{
	int i;

	for (i = 0; i < 16; i++, plen -= 8)
		mask[i] = plen >= 8 ? 0xff : plen <= 0 ? 0 :
		    (uint8_t)(0xff00 >> plen);
}

/* Fill one struct net_ifinfo from ni.  Core lock held. */
static void
iface_info(struct netif *ni, struct net_ifinfo *o)
{
	struct net_iface *ifc = ni->name[0] == 'v' ? ni->state : NULL;
	bool lo = ni->name[0] == 'l' && ni->name[1] == 'o';
	struct net_ifaddr *a;
	int i;

	memset(o, 0, sizeof(*o));
	if (ifc != NULL)
		strlcpy(o->name, ifc->nic->name, sizeof(o->name));
	else
		ksnprintf(o->name, sizeof(o->name), "%c%c%u", ni->name[0],
		    ni->name[1], lo ? 0 : ni->num);
	o->index = netif_get_index(ni);
	o->type = lo ? NET_IFT_LOOP : NET_IFT_ETHER;
	if (netif_is_up(ni))
		o->flags |= NET_IFF_UP;
	if (netif_is_up(ni) && netif_is_link_up(ni))
		o->flags |= NET_IFF_RUNNING;
	if (lo)
		o->flags |= NET_IFF_LOOPBACK | NET_IFF_MULTICAST;
	if (ni->flags & NETIF_FLAG_BROADCAST)
		o->flags |= NET_IFF_BROADCAST;
	if (ni->flags & (NETIF_FLAG_IGMP | NETIF_FLAG_MLD6))
		o->flags |= NET_IFF_MULTICAST;
	o->mtu = ni->mtu;
	if (ni->hwaddr_len == 6) {
		memcpy(o->hwaddr, ni->hwaddr, 6);
		o->hwlen = 6;
	}
	if (!ip4_addr_isany_val(*netif_ip4_addr(ni))) {
		a = &o->addrs[o->naddr++];
		a->family = NET_AF_INET;
		memcpy(a->addr, &netif_ip4_addr(ni)->addr, 4);
		memcpy(a->mask, &netif_ip4_netmask(ni)->addr, 4);
	}
	for (i = 0; i < LWIP_IPV6_NUM_ADDRESSES; i++) {
		if (!ip6_addr_isvalid(netif_ip6_addr_state(ni, i)) ||
		    o->naddr == NET_IFADDR_MAX)
			continue;
		a = &o->addrs[o->naddr++];
		a->family = NET_AF_INET6;
		memcpy(a->addr, netif_ip6_addr(ni, i)->addr, 16);
		prefix_mask(a->mask, lo ? 128 : net_ip6_prefix(ni, i));
	}
}

/*
 * Describe up to max interfaces, in index order; returns how many there
 * are.  Takes the core lock.  Thread context.
 */
int
net_if_list(struct net_ifinfo *ifs, int max)
{
	struct netif *ni;
	int n = 0;

	net_lock();
	for (ni = netif_list; ni != NULL; ni = ni->next)
		n++;
	/* netif_list is newest first: fill from the back. */
	if (ifs != NULL) {
		int i = n;

		for (ni = netif_list; ni != NULL; ni = ni->next) {
			i--;
			if (i < max)
				iface_info(ni, &ifs[i]);
		}
	}
	net_unlock();
	return n;
}

/* The prefix length of a mask (its leading one bits). */
static int
mask_len(const uint8_t *m, int n)
{
	int i, len = 0;

	for (i = 0; i < n * 8 && (m[i / 8] & (0x80 >> (i % 8))) != 0; i++)
		len++;
	return len;
}

/* Format one address of an interface listing. */
static void
addr_str(const struct net_ifaddr *a, char *buf, size_t len)
{
	struct net_addr na;
	char s[NET_ADDR_STRLEN];
	int n = a->family == NET_AF_INET ? 4 : 16;

	na.family = a->family;
	memset(na.a, 0, sizeof(na.a));
	memcpy(na.a, a->addr, (size_t)n);
	ksnprintf(buf, len, "%s/%d", net_addr_str(&na, s, sizeof(s)),
	    mask_len(a->mask, n));
}

/* vmgo.verbose=1: a line per interface, in index order.  Core lock held. */
void
net_iface_report(void)
{
	struct net_ifinfo info;
	struct netif *ni;
	char line[512], a[64];
	unsigned idx;
	int i, n;

	for (idx = 1; idx <= 255; idx++) {
		if ((ni = netif_get_by_index((u8_t)idx)) == NULL)
			continue;
		iface_info(ni, &info);
		n = ksnprintf(line, sizeof(line), "vmgo: net: %s index %d "
		    "mtu %u%s%s", info.name, info.index, info.mtu,
		    (info.flags & NET_IFF_UP) ? " up" : " down",
		    (info.flags & NET_IFF_LOOPBACK) ? " loopback" : "");
		for (i = 0; i < info.naddr && n < (int)sizeof(line); i++) {
			addr_str(&info.addrs[i], a, sizeof(a));
			n += ksnprintf(line + n, sizeof(line) - (size_t)n,
			    " %s", a);
		}
		kprintf("%s\n", line);
	}
}

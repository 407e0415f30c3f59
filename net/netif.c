/* SPDX-License-Identifier: ISC */
/*
 * netif.c: an lwIP interface over each struct nic (net/nic.h), in the
 * shape of lwIP's contrib ethernetif.c: nic_attach adds it, nic_input
 * hands received frames to lwIP, linkoutput turns a pbuf chain into
 * nic_seg[] for the driver.  Also the interface listing for the socket
 * layer and the console lines about addresses.
 *
 * Offloads are not used yet: lwIP computes every checksum and sends
 * MSS-sized segments, and a device's rx checksum verdict is ignored.
 */
#include "kernel.h"

#include "lwip/dhcp.h"
#include "lwip/dns.h"
#include "lwip/etharp.h"
#include "lwip/ethip6.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/timeouts.h"
#include "netif/ethernet.h"

#include "stack.h"

#define TX_SEG_MAX		16	/* longer chains are copied first */
#define DHCP_QUIET_MS		5000	/* then say there is no answer */
#define NETIF_HWADDR_LEN	6

struct net_iface *net_ifaces[NET_NIC_MAX];
int net_niface;

static char dhcp_hostname[64];

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
	r = nic->ops->tx(nic, seg, n, &none);
	if (flat != NULL)
		pbuf_free(flat);
	if (r != 0) {
		/*
		 * Ring full (or too big): the frame is dropped, and TCP
		 * retransmits.  lwIP's ethernetif.c warns that ERR_MEM from
		 * linkoutput confuses the layers above, so say sent.
		 */
		nic->tx_drops++;
		return ERR_OK;
	}
	nic->tx_frames++;
	return ERR_OK;
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
 * A received frame: copied into one pbuf and handed to lwIP.  Only from
 * ops->rx_poll, so from the network thread with the core lock held.
 */
void
nic_input(struct nic *nic, const void *frame, size_t len, int csum_ok)
{
	struct net_iface *ifc = nic->stack;
	struct pbuf *p;

	if (len < NIC_ETH_HLEN || len > NIC_FRAME_MAX || ifc == NULL) {
		nic->rx_drops++;
		return;
	}
	p = pbuf_alloc(PBUF_RAW, (u16_t)len, PBUF_RAM);
	if (p == NULL) {
		nic->rx_drops++;
		return;
	}
	memcpy(p->payload, frame, len);
	nic->rx_frames++;
	if (ifc->netif.input(p, &ifc->netif) != ERR_OK)
		pbuf_free(p);
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

/* The console line about an interface's IPv4 configuration. */
static void
iface_announce(struct net_iface *ifc)
{
	struct netif *ni = &ifc->netif;
	const uint8_t *m = ni->hwaddr;
	char a[16], g[16], dns[3 * 48], *d = dns;
	const ip_addr_t *s;
	int i;

	dns[0] = '\0';
	for (i = 0; i < DNS_MAX_SERVERS; i++) {
		s = dns_getserver((u8_t)i);
		if (ip_addr_isany(s))
			continue;
		d += ksnprintf(d, sizeof(dns) - (size_t)(d - dns), "%s%s",
		    d == dns ? " dns " : ",", ipaddr_ntoa(s));
	}
	kprintf("vmgo: %s %02x:%02x:%02x:%02x:%02x:%02x %s/%d gw %s%s (%s)\n",
	    ifc->nic->name, m[0], m[1], m[2], m[3], m[4], m[5],
	    ip4_str(netif_ip4_addr(ni), a, sizeof(a)),
	    mask_prefix(netif_ip4_netmask(ni)),
	    ip4_str(netif_ip4_gw(ni), g, sizeof(g)), dns,
	    ifc->dhcp ? "DHCP" : "static");
}

/* lwIP's address-change callback: a DHCP lease arrived (or changed). */
static void
iface_changed(struct netif *ni, netif_nsc_reason_t reason,
    const netif_ext_callback_args_t *args)
{
	struct net_iface *ifc = ni->state;

	if (ni->name[0] != 'v' || ifc == NULL || !ifc->dhcp)
		return;
	if ((reason & (LWIP_NSC_IPV4_ADDRESS_CHANGED |
	    LWIP_NSC_IPV4_SETTINGS_CHANGED)) != 0 &&
	    dhcp_supplied_address(ni)) {
		ifc->bound_told = true;
		iface_announce(ifc);
	}
}

NETIF_DECLARE_EXT_CALLBACK(iface_cb)

/* Once, from net_init with the core lock held, before any nic_attach. */
void
net_iface_init(void)
{
	const char *h = cmdline_vmgo(cmdline_boot(), "hostname");

	if (h != NULL)
		strlcpy(dhcp_hostname, h, sizeof(dhcp_hostname));
	netif_add_ext_callback(&iface_cb, iface_changed);
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
	ifc->dhcp = true;
	if (dhcp_start(ni) != ERR_OK)
		kprintf("vmgo: %s: cannot start DHCP\n", nic->name);
	else
		sys_timeout(DHCP_QUIET_MS, dhcp_quiet, ifc);
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
	ip_addr_t ip;
	int plen;

	memset(&ip, 0, sizeof(ip));
	if (a->family == NET_AF_INET) {
		IP_SET_TYPE_VAL(ip, IPADDR_TYPE_V4);
		memcpy(&ip_2_ip4(&ip)->addr, a->addr, 4);
		plen = mask_len(a->mask, 4);
	} else {
		IP_SET_TYPE_VAL(ip, IPADDR_TYPE_V6);
		memcpy(ip_2_ip6(&ip)->addr, a->addr, 16);
		plen = mask_len(a->mask, 16);
	}
	ksnprintf(buf, len, "%s/%d", ipaddr_ntoa(&ip), plen);
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

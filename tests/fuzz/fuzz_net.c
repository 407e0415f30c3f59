/* SPDX-License-Identifier: ISC */
/*
 * fuzz_net.c: libFuzzer target over the network ingress path on the host:
 * Ethernet frames -> nic_input (net/netif.c, the real one) -> lwIP (the
 * image's configuration, net/port/lwipopts.h) with a TCP echo server on
 * port 80, a UDP echo on port 7, a static IPv4 and IPv6 address on vio0
 * and DHCP running on vio1.  Built and run by tests/fuzz/net.
 *
 * An input is a list of operations.  Raw frames go in as they are;
 * templated ones (ARP, IPv4/IPv6 with TCP, UDP, ICMP, ICMPv6 including
 * neighbour discovery and router advertisements, DHCP replies) take their
 * fields from the input and get correct lengths and checksums unless the
 * input asks otherwise, so mutations get past the first checks.  TCP
 * templates can continue the last conversation (the sequence numbers of
 * the last frame the stack sent), DHCP replies carry the client's last
 * transaction id.  Other operations advance the clock (lwIP's timers) and
 * make the echo server write or close.  Frames the stack sends are read
 * end to end (ASan checks the segments).  After each input every
 * connection is aborted, so inputs stay mostly independent.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sanitizer/lsan_interface.h>

#include "../../net/config.c"
#include "../../net/netif.c"
#include "../../runtime/kprintf.c"
#include "../../net/port/lwip_assert.c"
#include "../../net/port/tcp_scrub.c"

#include "lwip/init.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/tcp.h"
#include "lwip/udp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Host stand-ins for what net/netif.c and lwIP call in the image.
 */
static uint32_t now_ms = 1000;
static uint64_t rnd = 0x9e3779b97f4a7c15ULL;
static int loop_pending;
static volatile uint8_t sink;

struct net_config net_cfg;
bool net_verbose;

u32_t
sys_now(void)
{
	return now_ms;
}

uint32_t
net_port_rand(void)
{
	rnd ^= rnd << 13;
	rnd ^= rnd >> 7;
	rnd ^= rnd << 17;
	return (uint32_t)rnd;
}

u32_t
net_port_tcp_isn(const ip_addr_t *local_ip, u16_t local_port,
    const ip_addr_t *remote_ip, u16_t remote_port)
{
	return net_port_rand();
}

void
net_port_diag(const char *fmt, ...)
{
	(void)fmt;
}

/* As the image's (net/port/sys_arch.c): fatal unless a peer can cause
 * it and lwIP copes; then the run goes on, as the VM would. */
void
net_port_assert(const char *msg, const char *file, int line)
{
	if (net_port_assert_peer_reachable(msg))
		return;
	fprintf(stderr, "lwIP assertion failed: %s (%s:%d)\n", msg, file,
	    line);
	abort();
}

void
net_port_loop_kick(void)
{
	loop_pending = 1;
}

void	net_lock(void) {}
void	net_unlock(void) {}
bool	net_locked(void) { return true; }
void	net_kick(void) {}

void
console_write(const char *s, size_t n)
{
	if (getenv("FUZZ_NET_VERBOSE") != NULL)
		fwrite(s, 1, n, stderr);
}

void
panic(const char *fmt, ...)
{
	fprintf(stderr, "panic: %s\n", fmt);
	abort();
}

void *
kmalloc(size_t n)
{
	return malloc(n);
}

void *
kzalloc(size_t n)
{
	return calloc(1, n);
}

void
kfree(void *p)
{
	free(p);
}

size_t
strlcpy(char *restrict d, const char *restrict s, size_t size)
{
	size_t n = strlen(s);

	if (size != 0) {
		size_t m = n < size - 1 ? n : size - 1;

		memcpy(d, s, m);
		d[m] = '\0';
	}
	return n;
}

const char *
cmdline_vmgo(const struct cmdline *c, const char *key)
{
	return NULL;
}

const struct cmdline *
cmdline_boot(void)
{
	return NULL;
}

int64_t
time_realtime(void)
{
	return (int64_t)now_ms * 1000000;
}

int
etc_set(const char *abspath, const char *text, size_t len, int64_t mtime)
{
	size_t i;

	for (i = 0; i < len; i++)
		sink ^= (uint8_t)text[i];
	return 0;
}

/*
 * The fake NICs.
 */
static const uint8_t our_mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
static const uint8_t dhcp_mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x57 };
static const uint8_t peer_mac[6] = { 0x52, 0x55, 0x0a, 0x00, 0x02, 0x02 };
static const uint8_t our_ip[4] = { 10, 0, 2, 15 };
static const uint8_t peer_ip[4] = { 10, 0, 2, 2 };
static const uint8_t our_ip6[16] = { 0xfd, 0, [15] = 0x15 };
static const uint8_t peer_ip6[16] = { 0xfd, 0, [15] = 0x02 };
static const uint8_t peer_ll6[16] = { 0xfe, 0x80, [15] = 0x02 };

static struct nic nics[2];
static const uint8_t *rx_frame;		/* the frame rx_poll hands over */
static size_t rx_len;

/* What the stack last sent over TCP: the peer continues from there. */
static struct {
	uint32_t	seq_end, ack;
	uint16_t	sport, dport;
	uint32_t	dhcp_xid;
} last;

static uint16_t
be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

/* Note the TCP sequence state and DHCP transaction id of a sent frame. */
static void
note_tx(const uint8_t *f, size_t n)
{
	const uint8_t *l4;
	size_t hl, l4len;
	int proto;

	if (n < 14)
		return;
	if (be16(f + 12) == 0x0800 && n >= 34) {
		hl = (size_t)(f[14] & 0xf) * 4;
		proto = f[23];
		l4 = f + 14 + hl;
		if (14 + hl > n)
			return;
		l4len = n - 14 - hl;
	} else if (be16(f + 12) == 0x86dd && n >= 54) {
		proto = f[20];
		l4 = f + 54;
		l4len = n - 54;
	} else {
		return;
	}
	if (proto == 6 && l4len >= 20) {
		size_t off = (size_t)(l4[12] >> 4) * 4;
		uint32_t dl = off <= l4len ? (uint32_t)(l4len - off) : 0;

		last.sport = be16(l4);
		last.dport = be16(l4 + 2);
		last.seq_end = be32(l4 + 4) + dl + ((l4[13] & 0x02) != 0) +
		    ((l4[13] & 0x01) != 0);
		last.ack = be32(l4 + 8);
	} else if (proto == 17 && l4len >= 8 + 8 && be16(l4 + 2) == 67) {
		last.dhcp_xid = be32(l4 + 8 + 4);
	}
}

static int
fake_tx(struct nic *nic, const struct nic_seg *seg, int nseg,
    const struct nic_tx_meta *meta)
{
	static uint8_t frame[NIC_FRAME_MAX];
	size_t n = 0;
	int i;

	if (nseg < 1 || nseg > 16 || meta->gso_size != 0 ||
	    meta->csum_start != 0)
		abort();
	for (i = 0; i < nseg; i++) {
		if (seg[i].len == 0 || n + seg[i].len > sizeof(frame))
			abort();
		memcpy(frame + n, seg[i].base, seg[i].len);
		n += seg[i].len;
	}
	if (n < NIC_ETH_HLEN || n > NIC_ETH_HLEN + nic->mtu)
		abort();
	note_tx(frame, n);
	return 0;
}

static int
fake_rx_poll(struct nic *nic, int budget)
{
	struct nic_seg seg = { rx_frame, rx_len };

	if (rx_frame == NULL || budget < 1)
		return 0;
	nic_input(nic, &seg, 1, 0);
	rx_frame = NULL;
	return 1;
}

static const struct nic_ops fake_ops = { fake_tx, fake_rx_poll };

/* Hand one frame to vio0 or vio1 the way the network thread does. */
static void
deliver(int which, const uint8_t *f, size_t n)
{
	struct netif *ni;
	int i;

	rx_frame = f;
	rx_len = n;
	for (i = 0; i < net_niface; i++) {
		if (i != which)
			continue;
		net_ifaces[i]->nic->ops->rx_poll(net_ifaces[i]->nic, 64);
	}
	rx_frame = NULL;
	if (loop_pending) {
		loop_pending = 0;
		NETIF_FOREACH(ni)
			netif_poll(ni);
	}
}

/*
 * The echo servers.
 */
#define CONN_MAX	16
static struct tcp_pcb *conns[CONN_MAX];

static void
conn_forget(struct tcp_pcb *pcb)
{
	int i;

	for (i = 0; i < CONN_MAX; i++) {
		if (conns[i] == pcb)
			conns[i] = NULL;
	}
}

static void
echo_err(void *arg, err_t err)
{
	conn_forget(arg);
}

static err_t
echo_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
	struct pbuf *q;

	if (p == NULL) {
		conn_forget(pcb);
		tcp_arg(pcb, NULL);
		tcp_recv(pcb, NULL);
		tcp_err(pcb, NULL);
		if (tcp_close(pcb) != ERR_OK)
			tcp_abort(pcb);
		return p == NULL ? ERR_OK : ERR_ABRT;
	}
	for (q = p; q != NULL; q = q->next) {
		if (q->len <= tcp_sndbuf(pcb))
			(void)tcp_write(pcb, q->payload, q->len,
			    TCP_WRITE_FLAG_COPY);
	}
	tcp_recved(pcb, p->tot_len);
	pbuf_free(p);
	(void)tcp_output(pcb);
	return ERR_OK;
}

static err_t
echo_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
	int i;

	if (err != ERR_OK || pcb == NULL)
		return ERR_VAL;
	for (i = 0; i < CONN_MAX && conns[i] != NULL; i++)
		;
	if (i == CONN_MAX) {
		tcp_abort(pcb);
		return ERR_ABRT;
	}
	conns[i] = pcb;
	tcp_arg(pcb, pcb);
	tcp_recv(pcb, echo_recv);
	tcp_err(pcb, echo_err);
	return ERR_OK;
}

static void
udp_echo(void *arg, struct udp_pcb *pcb, struct pbuf *p,
    const ip_addr_t *addr, u16_t port)
{
	(void)udp_sendto(pcb, p, addr, port);
	pbuf_free(p);
}

static void
setup(void)
{
	struct tcp_pcb *l;
	struct udp_pcb *u;
	int i;

	lwip_init();
	net_cfg.mode = NET_CFG_STATIC;
	memcpy(net_cfg.ip4, our_ip, 4);
	net_cfg.plen4 = 24;
	net_cfg.has_gw = true;
	memcpy(net_cfg.gw4, peer_ip, 4);
	net_cfg.has_ip6 = true;
	memcpy(net_cfg.ip6, our_ip6, 16);
	net_cfg.plen6 = 64;
	net_iface_init();
	for (i = 0; i < 2; i++) {
		memcpy(nics[i].mac, i == 0 ? our_mac : dhcp_mac, 6);
		nics[i].mtu = 1500;
		nics[i].ops = &fake_ops;
		if (nic_attach(&nics[i]) != 0)
			abort();
	}
	l = tcp_new_ip_type(IPADDR_TYPE_ANY);
	if (l == NULL || tcp_bind(l, IP_ANY_TYPE, 80) != ERR_OK ||
	    (l = tcp_listen_with_backlog(l, 8)) == NULL)
		abort();
	tcp_accept(l, echo_accept);
	u = udp_new_ip_type(IPADDR_TYPE_ANY);
	if (u == NULL || udp_bind(u, IP_ANY_TYPE, 7) != ERR_OK)
		abort();
	udp_recv(u, udp_echo, NULL);
	/* Past duplicate address detection of the static IPv6 address. */
	for (i = 0; i < 20; i++) {
		now_ms += 500;
		sys_check_timeouts();
	}
}

/*
 * Reading the input.
 */
struct rd {
	const uint8_t	*p;
	size_t		n;
};

static uint8_t
u8(struct rd *r)
{
	if (r->n == 0)
		return 0;
	r->n--;
	return *r->p++;
}

static uint16_t
u16(struct rd *r)
{
	uint16_t v = (uint16_t)(u8(r) << 8);

	return v | u8(r);
}

static uint32_t
u32(struct rd *r)
{
	uint32_t v = (uint32_t)u16(r) << 16;

	return v | u16(r);
}

/* Up to max bytes, as many as the next byte says. */
static size_t
take(struct rd *r, uint8_t *dst, size_t max)
{
	size_t n = u8(r);

	if (n == 255)
		n = u16(r);
	if (n > max)
		n = max;
	if (n > r->n)
		n = r->n;
	memcpy(dst, r->p, n);
	r->p += n;
	r->n -= n;
	return n;
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

/* The Internet checksum (RFC 1071) of p[0..n) plus sum. */
static uint16_t
csum(const uint8_t *p, size_t n, uint32_t sum)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		sum += be16(p + i);
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static uint32_t
pseudo_sum(const uint8_t *src, const uint8_t *dst, int alen, int proto,
    size_t len)
{
	uint32_t s = 0;
	int i;

	for (i = 0; i < alen; i += 2)
		s += be16(src + i) + be16(dst + i);
	return s + (uint32_t)proto + (uint32_t)(len >> 16) +
	    (uint32_t)(len & 0xffff);
}

#define F_BADSUM	0x01	/* leave checksums as the input has them */
#define F_CONTINUE	0x02	/* TCP: continue the last conversation */
#define F_BCAST		0x04	/* Ethernet broadcast */
#define F_IPOPT		0x08	/* IPv4 options from the input */
#define F_RAWLEN	0x10	/* lengths from the input */
#define F_VIO1		0x20	/* to vio1 (DHCP) */

enum {
	T_ARP, T_TCP4, T_UDP4, T_ICMP4, T_TCP6, T_UDP6, T_ICMP6, T_DHCP,
	T_FRAG4, T_IP6EXT, T_COUNT
};

/* Build a transport header and payload for proto at l4; its length. */
static size_t
build_l4(struct rd *r, int tmpl, int flags, uint8_t *l4, size_t room)
{
	size_t n, opt;
	uint8_t type;

	switch (tmpl) {
	case T_TCP4:
	case T_TCP6:
		if (room < 60)
			return 0;
		memset(l4, 0, 20);
		put16(l4, u16(r));
		put16(l4 + 2, (u8(r) & 1) ? u16(r) : 80);
		put32(l4 + 4, u32(r));
		put32(l4 + 8, u32(r));
		if (flags & F_CONTINUE) {
			put16(l4, last.dport);
			put16(l4 + 2, last.sport);
			put32(l4 + 4, last.ack);
			put32(l4 + 8, last.seq_end);
		}
		l4[13] = u8(r);
		put16(l4 + 14, u16(r));
		put16(l4 + 18, u16(r));
		opt = take(r, l4 + 20, 40);
		while (opt % 4)
			l4[20 + opt++] = 0;
		l4[12] = (uint8_t)((20 + opt) / 4 << 4);
		if (flags & F_RAWLEN)
			l4[12] = u8(r);
		n = 20 + opt;
		return n + take(r, l4 + n, room - n);
	case T_UDP4:
	case T_UDP6:
	case T_DHCP:
		if (room < 8 + 240)
			return 0;
		put16(l4, tmpl == T_DHCP ? 67 : u16(r));
		put16(l4 + 2, tmpl == T_DHCP ? 68 : (u8(r) & 1) ? u16(r) : 7);
		n = 8;
		if (tmpl == T_DHCP) {
			/* RFC 2131 §2: a BOOTREPLY to the client's xid */
			memset(l4 + 8, 0, 236);
			l4[8] = 2;
			l4[9] = 1;
			l4[10] = 6;
			put32(l4 + 12, last.dhcp_xid ^ (u8(r) == 0xff));
			put32(l4 + 24, u32(r));		/* yiaddr */
			put32(l4 + 28, u32(r));		/* siaddr */
			memcpy(l4 + 36, dhcp_mac, 6);
			put32(l4 + 244, 0x63825363);	/* the magic cookie */
			n = 8 + 240;
		}
		n += take(r, l4 + n, room - n);
		put16(l4 + 4, (flags & F_RAWLEN) ? u16(r) : (uint16_t)n);
		put16(l4 + 6, 0);
		return n;
	case T_ICMP4:
	case T_ICMP6:
		if (room < 8)
			return 0;
		type = u8(r);
		if (tmpl == T_ICMP6 && (type & 0x80) == 0)
			type = (uint8_t)(128 + type % 9 + (type & 0x40 ? 5 :
			    0));	/* echo 128-129, MLD 130-132, ND 133-137 */
		l4[0] = type;
		l4[1] = u8(r);
		put16(l4 + 2, 0);
		put32(l4 + 4, u32(r));
		return 8 + take(r, l4 + 8, room - 8);
	}
	return 0;
}

/* Fill the transport checksum of l4 (len bytes) for the addresses. */
static void
fix_l4(int tmpl, uint8_t *l4, size_t len, const uint8_t *src,
    const uint8_t *dst, int alen)
{
	int proto, at;

	switch (tmpl) {
	case T_TCP4:
	case T_TCP6:
		proto = 6;
		at = 16;
		break;
	case T_UDP4:
	case T_UDP6:
	case T_DHCP:
		proto = 17;
		at = 6;
		break;
	case T_ICMP4:
		put16(l4 + 2, 0);
		put16(l4 + 2, csum(l4, len, 0));
		return;
	case T_ICMP6:
		proto = 58;
		at = 2;
		break;
	default:
		return;
	}
	if ((size_t)at + 2 > len)
		return;
	put16(l4 + at, 0);
	put16(l4 + at, csum(l4, len, pseudo_sum(src, dst, alen, proto, len)));
}

static const int tmpl_proto[T_COUNT] = {
	[T_TCP4] = 6, [T_UDP4] = 17, [T_ICMP4] = 1, [T_TCP6] = 6,
	[T_UDP6] = 17, [T_ICMP6] = 58, [T_DHCP] = 17, [T_FRAG4] = 17,
	[T_IP6EXT] = 58,
};

/* One templated frame from the input. */
static void
templated(struct rd *r)
{
	static uint8_t f[NIC_FRAME_MAX];
	int tmpl = u8(r) % T_COUNT, flags = u8(r), which;
	uint8_t *ip = f + 14, *l4, src[16], dst[16], choice;
	size_t hl, len, ext = 0;

	which = (flags & F_VIO1) ? 1 : 0;
	memset(f, 0, 14 + 60);
	memcpy(f, (flags & F_BCAST) || tmpl == T_DHCP ?
	    (const uint8_t *)"\xff\xff\xff\xff\xff\xff" :
	    which ? dhcp_mac : our_mac, 6);
	memcpy(f + 6, peer_mac, 6);
	if (tmpl == T_ARP) {
		/* RFC 826 over Ethernet: htype 1, ptype IPv4, hlen 6, plen 4 */
		put16(f + 12, 0x0806);
		put16(ip, 1);
		put16(ip + 2, 0x0800);
		ip[4] = 6;
		ip[5] = 4;
		put16(ip + 6, 1 + (u8(r) & 1));
		memcpy(ip + 8, peer_mac, 6);
		memcpy(ip + 14, (u8(r) & 1) ? peer_ip : our_ip, 4);
		if (u8(r) & 1)
			put32(ip + 14, u32(r));
		memcpy(ip + 24, (u8(r) & 3) ? our_ip : peer_ip, 4);
		len = 28 + take(r, ip + 28, 64);
		deliver(which, f, 14 + len);
		return;
	}
	if (tmpl == T_TCP6 || tmpl == T_UDP6 || tmpl == T_ICMP6 ||
	    tmpl == T_IP6EXT) {
		/* RFC 8200 §3 */
		put16(f + 12, 0x86dd);
		put32(ip, 0x60000000U | (u32(r) & 0xfffff));
		ip[6] = (uint8_t)tmpl_proto[tmpl];
		ip[7] = (u8(r) & 1) ? u8(r) : 255;
		choice = u8(r);
		memcpy(src, choice & 1 ? peer_ll6 : peer_ip6, 16);
		if (choice & 2)
			take(r, src, 16);
		switch (choice >> 2 & 3) {
		case 0:
			memcpy(dst, our_ip6, 16);
			break;
		case 1:		/* our link-local address */
			memset(dst, 0, 16);
			dst[0] = 0xfe;
			dst[1] = 0x80;
			dst[8] = our_mac[0] ^ 2;
			dst[9] = our_mac[1];
			dst[10] = our_mac[2];
			dst[11] = 0xff;
			dst[12] = 0xfe;
			memcpy(dst + 13, our_mac + 3, 3);
			break;
		case 2:		/* all nodes */
			memset(dst, 0, 16);
			dst[0] = 0xff;
			dst[1] = 0x02;
			dst[15] = 1;
			break;
		default:
			memset(dst, 0, 16);
			take(r, dst, 16);
		}
		memcpy(ip + 8, src, 16);
		memcpy(ip + 24, dst, 16);
		l4 = ip + 40;
		if (tmpl == T_IP6EXT) {
			/* a hop-by-hop, fragment or routing header first */
			static const uint8_t nh[] = { 0, 44, 43, 60 };

			ip[6] = nh[u8(r) & 3];
			ext = 8 * (1 + (u8(r) & 3));
			memset(l4, 0, ext);
			l4[0] = 58;
			l4[1] = (uint8_t)(ext / 8 - 1);
			take(r, l4 + 2, ext - 2);
			if (ip[6] == 44) {
				ext = 8;
				l4[1] = 0;
			}
			l4 += ext;
		}
		len = build_l4(r, tmpl == T_IP6EXT ? T_ICMP6 : tmpl, flags, l4,
		    1500 - 40 - ext);
		if (!(flags & F_BADSUM))
			fix_l4(tmpl == T_IP6EXT ? T_ICMP6 : tmpl, l4, len, src,
			    dst, 16);
		put16(ip + 4, (flags & F_RAWLEN) ? u16(r) :
		    (uint16_t)(len + ext));
		deliver(which, f, 14 + 40 + ext + len);
		return;
	}
	/* IPv4, RFC 791 §3.1 */
	put16(f + 12, 0x0800);
	hl = 20;
	memset(ip, 0, 60);
	if (flags & F_IPOPT) {
		hl = 20 + take(r, ip + 20, 40);
		hl = (hl + 3) & ~(size_t)3;
	}
	ip[0] = (uint8_t)(0x40 | hl / 4);
	ip[1] = u8(r);
	put16(ip + 4, u16(r));
	put16(ip + 6, tmpl == T_FRAG4 ? u16(r) : (u8(r) & 1) ? 0x4000 : 0);
	ip[8] = (u8(r) & 1) ? u8(r) : 64;
	ip[9] = (uint8_t)tmpl_proto[tmpl];
	choice = u8(r);
	memcpy(ip + 12, peer_ip, 4);
	if (choice & 1)
		put32(ip + 12, u32(r));
	if (tmpl == T_DHCP)
		put32(ip + 12, 0x0a000202);
	memcpy(ip + 16, our_ip, 4);
	if (choice & 2 || tmpl == T_DHCP)
		put32(ip + 16, 0xffffffff);
	else if (choice & 4)
		put32(ip + 16, u32(r));
	l4 = ip + hl;
	len = build_l4(r, tmpl == T_FRAG4 ? T_UDP4 : tmpl, flags, l4,
	    1500 - hl);
	if (!(flags & F_BADSUM))
		fix_l4(tmpl == T_FRAG4 ? T_UDP4 : tmpl, l4, len, ip + 12,
		    ip + 16, 4);
	put16(ip + 2, (flags & F_RAWLEN) ? u16(r) : (uint16_t)(hl + len));
	if (!(flags & F_BADSUM))
		put16(ip + 10, csum(ip, hl, 0));
	deliver(which, f, 14 + hl + len);
}

/* The echo server writes to or closes a connection. */
static void
app(struct rd *r)
{
	static const uint8_t junk[4096];
	struct tcp_pcb *pcb = conns[u8(r) % CONN_MAX];
	uint8_t what = u8(r);

	if (pcb == NULL)
		return;
	if (what & 1) {
		size_t n = (size_t)u16(r) % sizeof(junk);

		if (n != 0 && n <= tcp_sndbuf(pcb))
			(void)tcp_write(pcb, junk, (u16_t)n,
			    TCP_WRITE_FLAG_COPY);
		(void)tcp_output(pcb);
	} else if (what & 2) {
		(void)tcp_shutdown(pcb, 0, 1);
	} else if (what & 4) {
		conn_forget(pcb);
		tcp_arg(pcb, NULL);
		tcp_err(pcb, NULL);
		tcp_recv(pcb, NULL);
		tcp_abort(pcb);
	}
}

/* Abort every connection (not the listener) and let timers run out. */
static void
reset(void)
{
	int i;

	for (i = 0; i < CONN_MAX; i++) {
		if (conns[i] != NULL) {
			struct tcp_pcb *pcb = conns[i];

			conns[i] = NULL;
			tcp_arg(pcb, NULL);
			tcp_err(pcb, NULL);
			tcp_recv(pcb, NULL);
			tcp_abort(pcb);
		}
	}
	while (tcp_active_pcbs != NULL)
		tcp_abort(tcp_active_pcbs);
	while (tcp_tw_pcbs != NULL)
		tcp_abort(tcp_tw_pcbs);
	now_ms += 1000;
	sys_check_timeouts();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t raw[NIC_FRAME_MAX];
	static bool ready;
	struct rd r = { data, size };
	size_t n;
	int ops = 0;

	if (!ready) {
		setup();
		ready = true;
	}
	while (r.n > 0 && ops++ < 64) {
		switch (u8(&r) % 5) {
		case 0:		/* a raw frame */
			n = take(&r, raw, sizeof(raw));
			deliver(0, raw, n);
			break;
		case 1:
		case 2:
			templated(&r);
			break;
		case 3:		/* time passes: up to 25.5 s */
			now_ms += 100U * u8(&r);
			sys_check_timeouts();
			break;
		default:
			app(&r);
		}
	}
	reset();
	/* FUZZ_NET_LEAKCHECK=1: find the input after which memory leaked. */
	if (getenv("FUZZ_NET_LEAKCHECK") != NULL &&
	    __lsan_do_recoverable_leak_check() != 0) {
		fprintf(stderr, "leaked after this input (%zu bytes)\n", size);
		abort();
	}
	return 0;
}

/* SPDX-License-Identifier: ISC */
/*
 * vnet.c: virtio-net (virtio 1.2 §5.1), the NIC driver behind net/nic.h.
 *
 * Queues: receiveq1 (0) and transmitq1 (1); no control queue, one queue
 * pair.  Features: VERSION_1 (required, except on a legacy virtio-mmio
 * device, which must offer ANY_LAYOUT instead), MAC, STATUS, MRG_RXBUF,
 * EVENT_IDX, and the offloads nic.h can express: CSUM (the device fills
 * in transmit checksums), GUEST_CSUM (it tells us received ones are
 * good, or only partial on frames that never left the host), HOST_TSO4/6
 * (it cuts large TCP frames).  The stack decides whether to use them
 * (struct nic.features).  Also GUEST_TSO4/6, with MRG_RXBUF and
 * GUEST_CSUM only: the device may hand us TCP frames of up to 64 KiB that
 * its host merged or never cut (a Linux host's TSO to a tap), so the
 * stack sees one frame, and sends one ACK, where it would see 44.
 *
 * Receive: every slot of the receive ring holds a VNET_BUF-byte buffer
 * (header and frame; with MRG_RXBUF a large frame spans several), posted
 * once and re-posted as soon as its frame has been handed to nic_input,
 * so no allocation per frame.  Transmit: VNET_BUF-byte slots tied to the
 * descriptors; a frame is copied into as many as it needs (the header in
 * the first) and they come back when the device has used them, reaped on
 * every tx and rx_poll call.  Transmit interrupts stay off until tx has
 * to refuse a frame for want of slots; then the next transmitted frame
 * interrupts, and rx_poll calls nic_tx_room once a quarter of the slots
 * are free again (the stack's backpressure, net/nic.h).
 *
 * Lost notifications.  The §2.7.10 handshake (we publish avail->idx,
 * then read avail_event; the device publishes avail_event, then reads
 * avail->idx) needs a full fence on both sides.  QEMU before 8.1 under
 * TCG with one vCPU drops the guest's fences (tcg_gen_mb emits nothing
 * without CF_PARALLEL, which it sets only when maxcpus > 1; fixed by
 * QEMU commit "tcg: Do not elide memory barriers for !CF_PARALLEL in
 * system mode"), so now and then each side misses the other's store: the
 * device waits for a notification we judged it did not need.  Seen here
 * on QEMU 7.2: transmit stopped for good in the middle of a 256 MiB
 * echo, with 70 frames available that QEMU never looked at; a QMP
 * stop/cont (which kicks every queue) revived it.  On receive, a device
 * that ran out of buffers would never deliver again.  vmgo run avoids
 * the bug (maxcpus=2 under TCG); for any other host, rx_poll notifies a
 * queue again when the device has not used its outstanding buffers for
 * VNET_STALL_NS, which is always allowed (notifications are only ever
 * suppressed as an optimisation, §2.7.10), and says so once.
 *
 * Locking: the ops run under the net core lock (nic.h); the interrupt
 * handler only calls nic_kick.
 */
#include "kernel.h"
#include "virtio/virtio.h"
#include "../../net/nic.h"

/* Feature bits, §5.1.3. */
#define VIRTIO_NET_F_CSUM		0
#define VIRTIO_NET_F_GUEST_CSUM		1
#define VIRTIO_NET_F_MAC		5
#define VIRTIO_NET_F_GUEST_TSO4		7
#define VIRTIO_NET_F_GUEST_TSO6		8
#define VIRTIO_NET_F_HOST_TSO4		11
#define VIRTIO_NET_F_HOST_TSO6		12
#define VIRTIO_NET_F_MRG_RXBUF		15
#define VIRTIO_NET_F_STATUS		16

/* Configuration layout, §5.1.4. */
#define VNET_CFG_MAC		0
#define VNET_CFG_STATUS		6
#define VIRTIO_NET_S_LINK_UP	1

/*
 * struct virtio_net_hdr, §5.1.6: 12 bytes with VERSION_1.  A legacy device
 * (§5.1.6.1 "Legacy Interface: Device Operation") uses the guest's byte
 * order, little-endian here as in 1.x, and has num_buffers only with
 * MRG_RXBUF: 10 bytes without (struct vnet.hlen).
 */
struct virtio_net_hdr {
	uint8_t		flags;
	uint8_t		gso_type;
	uint16_t	hdr_len;
	uint16_t	gso_size;
	uint16_t	csum_start;
	uint16_t	csum_offset;
	uint16_t	num_buffers;
};
_Static_assert(sizeof(struct virtio_net_hdr) == 12, "§5.1.6");
#define VNET_HDR_F_NEEDS_CSUM	1
#define VNET_HDR_F_DATA_VALID	2
#define VNET_HDR_GSO_NONE	0
#define VNET_HDR_GSO_TCPV4	1
#define VNET_HDR_GSO_TCPV6	4

#define VNET_RXQ		0
#define VNET_TXQ		1
#define VNET_QSIZE		256
#define VNET_BUF		2048	/* >= 1526 (§5.1.6.3.1 without TSO) */
#define VNET_HLEN		sizeof(struct virtio_net_hdr)
#define VNET_HLEN_LEGACY	10	/* without num_buffers */
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "legacy virtio headers are guest-endian: the code assumes little"
#endif
#define VNET_VLAN_HLEN		4
/* Buffers one received frame may span: the largest frame and a header. */
#define VNET_RX_SEGS		((NIC_FRAME_MAX + VNET_HLEN) / VNET_BUF + 1)
/* See above; long enough that a host too busy to run QEMU's I/O thread
 * for a while is rarely taken for a lost notification. */
#define VNET_STALL_NS		(500 * 1000000ULL)
#define TX_NONE			0xffff

struct vnet {
	struct nic		nic;
	struct virtio_dev	*d;
	struct virtq		rxq, txq;
	uint8_t			**rx_pages;	/* two VNET_BUF halves each */
	uint8_t			**tx_pages;
	uint16_t		nrx, ntx;	/* buffers (= queue sizes) */
	uint16_t		*tx_next;	/* slot chains, free list */
	uint16_t		tx_free, ntx_free;
	bool			mrg;
	uint16_t		hlen;		/* header bytes: 12, legacy 10 */
	bool			link_up;
	bool			tx_full;	/* refused a frame: tell the stack
						   when there is room again */
	bool			intr_set;	/* a handler names us */
	int			config_changed;	/* set by the interrupt */
};

/* Counters of attached NICs; see virtio.h. */
int vnet_count;

static uint8_t *
buf_addr(uint8_t **pages, unsigned int i)
{
	return pages[i / 2] + (i % 2) * VNET_BUF;
}

/* Free what vnet_alloc_bufs made (NULL entries skipped). */
static void
free_pages(uint8_t **pages, unsigned int n)
{
	unsigned int i;

	if (pages == NULL)
		return;
	for (i = 0; i < (n + 1) / 2; i++)
		if (pages[i] != NULL)
			page_free((uintptr_t)pages[i]);
	kfree(pages);
}

/* n VNET_BUF buffers, two per page frame (identity-mapped RAM). */
static uint8_t **
alloc_pages(unsigned int n)
{
	uint8_t **pages = kzalloc(((n + 1) / 2) * sizeof(*pages));
	unsigned int i;

	if (pages == NULL)
		return NULL;
	for (i = 0; i < (n + 1) / 2; i++) {
		pages[i] = (uint8_t *)page_alloc();
		if (pages[i] == NULL) {
			free_pages(pages, n);
			return NULL;
		}
	}
	return pages;
}

static int
rx_post(struct vnet *v, uint8_t *buf)
{
	struct virtq_sg sg = { virtio_pa(buf), VNET_BUF };

	return virtq_add(&v->rxq, &sg, 0, 1, buf);
}

/* Put back the transmit slots of the chain starting at slot s. */
static void
tx_slots_free(struct vnet *v, uint16_t s)
{
	uint16_t last = s, n = 1;

	while (v->tx_next[last] != TX_NONE) {
		last = v->tx_next[last];
		n++;
	}
	v->tx_next[last] = v->tx_free;
	v->tx_free = s;
	v->ntx_free = (uint16_t)(v->ntx_free + n);
}

/* Take back every transmitted frame's slots. */
static void
tx_reclaim(struct vnet *v)
{
	void *c;

	while ((c = virtq_get(&v->txq, NULL)) != NULL)
		tx_slots_free(v, (uint16_t)((uintptr_t)c - 1));
}

/*
 * Out of slots: have the device interrupt when it uses the next frame.
 * If it already has, nobody would wake the network thread: kick it.
 */
static void
tx_wait_room(struct vnet *v)
{
	v->tx_full = true;
	if (!virtq_enable_intr(&v->txq))
		nic_kick(&v->nic);
}

/*
 * From rx_poll, after tx_reclaim: once a quarter of the slots are free
 * after a refusal, tell the stack (which may call tx again from here);
 * with fewer, wait for the next frame the device uses.
 */
static void
tx_room_check(struct vnet *v)
{
	if (!v->tx_full)
		return;
	if (v->ntx_free < v->ntx / 4) {
		tx_wait_room(v);
		return;
	}
	v->tx_full = false;
	virtq_disable_intr(&v->txq);
	nic_tx_room(&v->nic);
}

/* The largest frame tx accepts, Ethernet header included. */
static size_t
tx_max(const struct vnet *v)
{
	if (v->nic.features & (NIC_F_TSO4 | NIC_F_TSO6))
		return NIC_FRAME_MAX;
	return NIC_ETH_HLEN + VNET_VLAN_HLEN + v->nic.mtu;
}

/* The header for a frame with meta; the frame (first slot) for TSO's
 * hdr_len.  -EINVAL if meta asks for what the device cannot do. */
static int
tx_header(struct vnet *v, struct virtio_net_hdr *h, const uint8_t *frame,
    size_t len, const struct nic_tx_meta *meta)
{
	memset(h, 0, sizeof(*h));
	if (meta == NULL)
		return 0;
	if (meta->csum_start != 0) {
		if (!(v->nic.features & NIC_F_TX_CSUM))
			return -EINVAL;
		h->flags = VNET_HDR_F_NEEDS_CSUM;
		h->csum_start = meta->csum_start;
		h->csum_offset = meta->csum_offset;
	}
	if (meta->gso_size != 0) {
		if (!(v->nic.features & (meta->gso_v6 ? NIC_F_TSO6 :
		    NIC_F_TSO4)) || meta->csum_start == 0)
			return -EINVAL;
		h->gso_type = meta->gso_v6 ? VNET_HDR_GSO_TCPV6 :
		    VNET_HDR_GSO_TCPV4;
		h->gso_size = meta->gso_size;
		/* Headers up to the TCP payload: TCP data offset, RFC 9293. */
		h->hdr_len = meta->csum_start;
		if ((size_t)meta->csum_start + 13 <= len &&
		    (size_t)meta->csum_start + 13 <= (size_t)(VNET_BUF - v->hlen))
			h->hdr_len = (uint16_t)(meta->csum_start +
			    (frame[meta->csum_start + 12] >> 4) * 4);
	}
	return 0;
}

/* nic_ops.tx: see net/nic.h. */
static int
vnet_tx(struct nic *nic, const struct nic_seg *seg, int nseg,
    const struct nic_tx_meta *meta)
{
	struct vnet *v = nic->drv;
	struct virtq_sg sg[(NIC_FRAME_MAX + VNET_HLEN) / VNET_BUF + 1];
	struct virtio_net_hdr h;
	size_t len = 0, off, k, room, segoff;
	uint16_t first, s, prev = TX_NONE;
	int i, n, r;
	uint8_t *b;

	tx_reclaim(v);
	for (i = 0; i < nseg; i++)
		len += seg[i].len;
	if (len < NIC_ETH_HLEN || len > tx_max(v))
		return -EMSGSIZE;
	n = (int)((len + v->hlen + VNET_BUF - 1) / VNET_BUF);
	if (n > v->ntx_free) {
		nic->tx_drops++;
		tx_wait_room(v);
		return -ENOBUFS;
	}
	/* Take n slots and copy the header and the segments into them. */
	first = v->tx_free;
	i = 0;
	segoff = 0;
	for (k = 0; k < (size_t)n; k++) {
		s = v->tx_free;
		v->tx_free = v->tx_next[s];
		v->tx_next[s] = TX_NONE;
		if (prev != TX_NONE)
			v->tx_next[prev] = s;
		prev = s;
		b = buf_addr(v->tx_pages, s);
		off = k == 0 ? v->hlen : 0;
		while (off < VNET_BUF && i < nseg) {
			room = MIN(VNET_BUF - off, seg[i].len - segoff);
			memcpy(b + off, (const uint8_t *)seg[i].base + segoff,
			    room);
			off += room;
			segoff += room;
			if (segoff == seg[i].len) {
				i++;
				segoff = 0;
			}
		}
		sg[k].addr = virtio_pa(b);
		sg[k].len = (uint32_t)off;
	}
	v->ntx_free = (uint16_t)(v->ntx_free - n);
	b = buf_addr(v->tx_pages, first);
	r = tx_header(v, &h, b + v->hlen, len, meta);
	if (r != 0) {
		tx_slots_free(v, first);
		return r;
	}
	memcpy(b, &h, v->hlen);
	r = virtq_add(&v->txq, sg, n, 0, (void *)(uintptr_t)(first + 1));
	if (r != 0) {			/* cannot happen: a slot per desc */
		tx_slots_free(v, first);
		nic->tx_drops++;
		return -ENOBUFS;
	}
	virtio_kick(v->d, &v->txq);
	nic->tx_frames++;
	return 0;
}

/* The link state from the configuration (always up without STATUS). */
static bool
link_state(struct vnet *v)
{
	uint16_t st;

	if (!(v->d->features & VIRTIO_BIT(VIRTIO_NET_F_STATUS)))
		return true;
	v->d->ops->read_config(v->d, VNET_CFG_STATUS, &st, sizeof(st));
	return (st & VIRTIO_NET_S_LINK_UP) != 0;
}

/*
 * One received chain starting with buf (len bytes used): hand its frame
 * to the stack and re-post its buffers.  With MRG_RXBUF the frame may
 * continue in num_buffers - 1 more used buffers; the stack gets them as
 * one list and copies the frame out of them once.
 *
 * Checksums: DATA_VALID says the device checked the frame's TCP/UDP
 * checksum; NEEDS_CSUM says the frame never left its host and carries
 * only a partial one (§5.1.6.4: a Linux host's own TCP to a tap, merged
 * TCP frames included).  Either way the data is good and the stack need
 * not check it (csum_ok); the partial sum is never completed, as Linux
 * takes a received CHECKSUM_PARTIAL packet as checked
 * (skb_csum_unnecessary).  Both are only possible with GUEST_CSUM; a
 * NEEDS_CSUM frame without it is dropped.
 */
static void
rx_one(struct vnet *v, uint8_t *buf, uint32_t len)
{
	struct virtio_net_hdr h;
	struct nic_seg seg[VNET_RX_SEGS];
	uint8_t *more[VNET_RX_SEGS], *b;
	uint32_t mlen;
	size_t flen;
	int nbuf = 1, n = 1, i;
	bool bad = false, csum_ok;

	memset(&h, 0, sizeof(h));
	memcpy(&h, buf, v->hlen);
	if (v->mrg && h.num_buffers > 1)
		nbuf = h.num_buffers;
	if (len < v->hlen || len > VNET_BUF) {
		bad = true;
		len = v->hlen;
	}
	seg[0].base = buf + v->hlen;
	seg[0].len = flen = len - v->hlen;
	/* Every used buffer of the chain is taken, even when it is bad. */
	for (i = 1; i < nbuf; i++) {
		b = virtq_get(&v->rxq, &mlen);
		if (b == NULL) {		/* device broke the rule */
			bad = true;
			break;
		}
		if (mlen > VNET_BUF || n == VNET_RX_SEGS) {
			bad = true;
			(void)rx_post(v, b);
			continue;
		}
		seg[n].base = more[n] = b;
		seg[n++].len = mlen;
		flen += mlen;
	}
	csum_ok = (h.flags & (VNET_HDR_F_NEEDS_CSUM | VNET_HDR_F_DATA_VALID)) &&
	    (v->nic.features & NIC_F_RX_CSUM);
	if ((h.flags & VNET_HDR_F_NEEDS_CSUM) && !csum_ok)
		bad = true;
	if (!bad && flen >= NIC_ETH_HLEN && flen <= NIC_FRAME_MAX) {
		v->nic.rx_frames++;
		nic_input(&v->nic, seg, n, csum_ok);
	} else {
		v->nic.rx_drops++;
	}
	for (i = 1; i < n; i++)
		(void)rx_post(v, more[i]);
	(void)rx_post(v, buf);
}

/*
 * Notify the device again about q if it has sat on it (see "Lost
 * notifications").  A transmit frame left unsent that long is a lost
 * notification, counted and said once; receive buffers unused that long
 * may only mean a quiet network, so those get a silent notification (a
 * register write every VNET_STALL_NS at most while idle).
 */
static void
renotify_stalled(struct vnet *v, struct virtq *q, uint64_t now)
{
	if (!virtq_stalled(q, now, VNET_STALL_NS))
		return;
	if (q == &v->txq) {
		if (v->nic.tx_renotify++ == 0) {	/* said once */
			kprintf("vmgo: %s: the device has not taken %u "
			    "transmit frames in %llu ms; notifying it again "
			    "(a lost notification, a busy host, or a network "
			    "that takes nothing: docs/networking.md)\n",
			    v->nic.name,
			    (unsigned int)(uint16_t)(q->avail_idx -
			    q->last_used), VNET_STALL_NS / 1000000);
		}
	}
	v->d->ops->notify(v->d, q);
}

/* nic_ops.rx_poll: see net/nic.h. */
static int
vnet_rx_poll(struct nic *nic, int budget)
{
	struct vnet *v = nic->drv;
	uint8_t *buf;
	uint32_t len;
	int n = 0;
	bool up;
	uint64_t now = time_monotonic();

	tx_reclaim(v);
	tx_room_check(v);
	renotify_stalled(v, &v->txq, now);
	if (__atomic_exchange_n(&v->config_changed, 0, __ATOMIC_ACQUIRE)) {
		up = link_state(v);
		if (up != v->link_up && virtio_verbose())
			kprintf("vmgo: %s: link %s\n", nic->name,
			    up ? "up" : "down");
		v->link_up = up;
	}
	virtq_disable_intr(&v->rxq);
	for (;;) {
		while (n < budget && (buf = virtq_get(&v->rxq, &len)) != NULL) {
			rx_one(v, buf, len);
			n++;
		}
		virtio_kick(v->d, &v->rxq);
		if (n == budget || virtq_enable_intr(&v->rxq))
			break;
		virtq_disable_intr(&v->rxq);	/* more raced in */
	}
	renotify_stalled(v, &v->rxq, now);
	return n;
}

static const struct nic_ops vnet_ops = {
	.tx = vnet_tx,
	.rx_poll = vnet_rx_poll,
};

/* Interrupt context: the device has been acknowledged. */
static void
vnet_intr(void *arg, unsigned int why)
{
	struct vnet *v = arg;

	if (why & VIRTIO_INTR_CONFIG)
		__atomic_store_n(&v->config_changed, 1, __ATOMIC_RELEASE);
	nic_kick(&v->nic);
}

static void
vnet_free(struct vnet *v)
{
	virtq_fini(&v->rxq);
	virtq_fini(&v->txq);
	free_pages(v->rx_pages, v->nrx);
	free_pages(v->tx_pages, v->ntx);
	kfree(v->tx_next);
	kfree(v);
}

/* Names of the negotiated features worth reporting. */
static void
feature_names(uint64_t f, char *buf, size_t size)
{
	static const struct { int bit; const char *name; } names[] = {
		{ VIRTIO_F_VERSION_1, "VERSION_1" },
		{ VIRTIO_F_EVENT_IDX, "EVENT_IDX" },
		{ VIRTIO_F_ANY_LAYOUT, "ANY_LAYOUT" },
		{ VIRTIO_NET_F_MAC, "MAC" },
		{ VIRTIO_NET_F_STATUS, "STATUS" },
		{ VIRTIO_NET_F_MRG_RXBUF, "MRG_RXBUF" },
		{ VIRTIO_NET_F_CSUM, "CSUM" },
		{ VIRTIO_NET_F_GUEST_CSUM, "GUEST_CSUM" },
		{ VIRTIO_NET_F_HOST_TSO4, "HOST_TSO4" },
		{ VIRTIO_NET_F_HOST_TSO6, "HOST_TSO6" },
		{ VIRTIO_NET_F_GUEST_TSO4, "GUEST_TSO4" },
		{ VIRTIO_NET_F_GUEST_TSO6, "GUEST_TSO6" },
	};
	size_t i, o = 0;

	buf[0] = '\0';
	for (i = 0; i < ARRAY_LEN(names) && o < size; i++)
		if (f & VIRTIO_BIT(names[i].bit))
			o += (size_t)ksnprintf(buf + o, size - o, "%s%s",
			    o ? " " : "", names[i].name);
}

/* Set the device up (§3.1.1, §5.1.5); the NIC is ready for nic_attach. */
static int
vnet_setup(struct vnet *v, const char **what)
{
	struct virtio_dev *d = v->d;
	uint64_t want = VIRTIO_BIT(VIRTIO_F_EVENT_IDX) |
	    VIRTIO_BIT(VIRTIO_NET_F_MAC) | VIRTIO_BIT(VIRTIO_NET_F_STATUS) |
	    VIRTIO_BIT(VIRTIO_NET_F_MRG_RXBUF) |
	    VIRTIO_BIT(VIRTIO_NET_F_CSUM) | VIRTIO_BIT(VIRTIO_NET_F_GUEST_CSUM) |
	    VIRTIO_BIT(VIRTIO_NET_F_HOST_TSO4) |
	    VIRTIO_BIT(VIRTIO_NET_F_HOST_TSO6);
	const uint64_t gtso = VIRTIO_BIT(VIRTIO_NET_F_GUEST_TSO4) |
	    VIRTIO_BIT(VIRTIO_NET_F_GUEST_TSO6);
	uint64_t need = 0;
	unsigned int i;
	int r;

	/*
	 * A legacy device without ANY_LAYOUT wants the header in a
	 * descriptor of its own (§5.1.6 "Legacy Interface: Framing
	 * Requirements"); ours share one.  QEMU's offer it.
	 */
	if (d->legacy)
		need = VIRTIO_BIT(VIRTIO_F_ANY_LAYOUT);
	*what = d->legacy ? "feature negotiation (a legacy device needs "
	    "ANY_LAYOUT)" : "feature negotiation (needs VERSION_1: a modern "
	    "device)";
	r = virtio_negotiate(d, want | gtso, need);
	/*
	 * Merged frames need MRG_RXBUF's buffer chains (without it the
	 * driver would have to post 65562-byte buffers, §5.1.6.3.1), and
	 * GUEST_TSO needs GUEST_CSUM (§5.1.3.1).  A device offering one
	 * but not the others is negotiated again, from reset, without it.
	 */
	if (r == 0 && (d->features & gtso) && (~d->features &
	    (VIRTIO_BIT(VIRTIO_NET_F_MRG_RXBUF) |
	    VIRTIO_BIT(VIRTIO_NET_F_GUEST_CSUM))) != 0)
		r = virtio_negotiate(d, want, need);
	if (r != 0)
		return r;
	v->hlen = VNET_HLEN;
	if (!(d->features & (VIRTIO_BIT(VIRTIO_F_VERSION_1) |
	    VIRTIO_BIT(VIRTIO_NET_F_MRG_RXBUF))))
		v->hlen = VNET_HLEN_LEGACY;
	/* TSO without CSUM is not allowed (§5.1.3.1). */
	if (!(d->features & VIRTIO_BIT(VIRTIO_NET_F_CSUM)))
		d->features &= ~(VIRTIO_BIT(VIRTIO_NET_F_HOST_TSO4) |
		    VIRTIO_BIT(VIRTIO_NET_F_HOST_TSO6));
	v->mrg = (d->features & VIRTIO_BIT(VIRTIO_NET_F_MRG_RXBUF)) != 0;
	v->nic.mtu = NIC_MTU_DEFAULT;
	if (d->features & VIRTIO_BIT(VIRTIO_NET_F_CSUM))
		v->nic.features |= NIC_F_TX_CSUM;
	if (d->features & VIRTIO_BIT(VIRTIO_NET_F_GUEST_CSUM))
		v->nic.features |= NIC_F_RX_CSUM;
	if (d->features & VIRTIO_BIT(VIRTIO_NET_F_HOST_TSO4))
		v->nic.features |= NIC_F_TSO4;
	if (d->features & VIRTIO_BIT(VIRTIO_NET_F_HOST_TSO6))
		v->nic.features |= NIC_F_TSO6;
	if (d->features & VIRTIO_BIT(VIRTIO_NET_F_MAC)) {
		d->ops->read_config(d, VNET_CFG_MAC, v->nic.mac, 6);
	} else {
		/* A random locally administered unicast address. */
		entropy_fill(v->nic.mac, 6);
		v->nic.mac[0] = (uint8_t)((v->nic.mac[0] & 0xfe) | 0x02);
	}

	*what = "interrupts";
	v->intr_set = true;
	r = d->ops->setup_intr(d, 2, vnet_intr, v);
	if (r != 0) {
		kprintf("vmgo: virtio-net at %s: no %s (error %d); polling "
		    "every millisecond\n", d->where, d->intr_kind, -r);
		d->intr_kind = "polled";
		r = virtio_poll_thread(vnet_intr, v);
		if (r != 0)
			return r;
	}
	*what = "queues";
	r = virtio_queue_setup(d, &v->rxq, VNET_RXQ, VNET_QSIZE);
	if (r == 0)
		r = virtio_queue_setup(d, &v->txq, VNET_TXQ, VNET_QSIZE);
	if (r != 0)
		return r;
	*what = "buffers";
	v->nrx = v->rxq.size;
	v->ntx = v->txq.size;
	v->rx_pages = alloc_pages(v->nrx);
	v->tx_pages = alloc_pages(v->ntx);
	v->tx_next = kmalloc(v->ntx * sizeof(*v->tx_next));
	if (v->rx_pages == NULL || v->tx_pages == NULL ||
	    v->tx_next == NULL)
		return -ENOMEM;
	for (i = 0; i < v->ntx; i++)
		v->tx_next[i] = (uint16_t)(i + 1 < v->ntx ? i + 1 : TX_NONE);
	v->tx_free = 0;
	v->ntx_free = v->ntx;
	for (i = 0; i < v->nrx; i++)
		(void)rx_post(v, buf_addr(v->rx_pages, i));
	virtq_disable_intr(&v->txq);
	virtio_ready(d);
	virtio_kick(d, &v->rxq);
	v->link_up = link_state(v);
	return 0;
}

/* See virtio.h. */
int
vnet_attach(struct virtio_dev *d)
{
	struct vnet *v = kzalloc(sizeof(*v));
	const char *what = "memory";
	char feats[128];
	int r;

	if (v == NULL) {
		r = -ENOMEM;
		goto fail;
	}
	v->d = d;
	v->nic.ops = &vnet_ops;
	v->nic.drv = v;
	r = vnet_setup(v, &what);
	if (r != 0)
		goto fail;
	what = "attaching to the stack";
	r = nic_attach(&v->nic);
	if (r != 0)
		goto fail;
	vnet_count++;
	if (virtio_verbose()) {
		feature_names(d->features, feats, sizeof(feats));
		kprintf("vmgo: %s: virtio-net at %s, MAC %02x:%02x:%02x:%02x:"
		    "%02x:%02x, link %s, %s, queues %u/%u, features %s\n",
		    v->nic.name, d->where, v->nic.mac[0], v->nic.mac[1],
		    v->nic.mac[2], v->nic.mac[3], v->nic.mac[4], v->nic.mac[5],
		    v->link_up ? "up" : "down", d->intr_kind, v->nrx, v->ntx,
		    feats);
	}
	return 0;
fail:
	kprintf("vmgo: virtio-net at %s: %s failed (error %d); skipped\n",
	    d->where, what, -r);
	if (v != NULL) {
		/* Reset: the device stops using our rings (§2.4). */
		d->ops->set_status(d, 0);
		virtio_fail(d);
		/* An interrupt vector or poller may still name v: keep it. */
		if (!v->intr_set)
			vnet_free(v);
	}
	return r;
}

/* The stack's entry to the drivers (net/nic.h). */
int
nic_probe_all(void)
{
	return virtio_probe_all();
}

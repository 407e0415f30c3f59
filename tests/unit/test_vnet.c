/* SPDX-License-Identifier: ISC */
/*
 * test_vnet.c: the virtio-net driver (runtime/virtio/vnet.c) with the
 * virtio core (virtio.c, virtq.c) against a fake transport and device in
 * host memory: feature negotiation (refusing a device without
 * VERSION_1; a legacy one with ANY_LAYOUT and the 10-byte header
 * instead), the receive ring kept full, received frames (single,
 * merged, partial checksum) handed up and their buffers re-posted,
 * interrupts re-enabled only when the ring is drained, transmit copies,
 * a full transmit ring and its reclaim, TSO headers, and randomised
 * traffic both ways with out-of-order transmit completion.
 */
#include "harness.h"
#include "host_shim.h"

#include "../../runtime/kprintf.c"
#include "../../runtime/virtio/virtq.c"
#include "../../runtime/virtio/virtio.c"
#include "../../runtime/virtio/vnet.c"
#include "virtio_fake.h"

/* What virtio.c and kprintf.c need from the rest of the runtime. */
void
console_write(const char *s, size_t n)
{
	fwrite(s, 1, n, stdout);
}

void
pci_scan(void (*fn)(struct pci_dev *p))
{
	(void)fn;
}

void
virtio_mmio_probe_all(void)
{
}

int
vrng_attach(struct virtio_dev *d)
{
	(void)d;
	return 0;
}

const struct cmdline *
cmdline_boot(void)
{
	return NULL;
}

const char *
cmdline_vmgo(const struct cmdline *c, const char *key)
{
	(void)c;
	(void)key;
	return NULL;
}

int
thread_create(void *(*fn)(void *), void *arg, size_t stack_size,
    uint32_t mask, struct thread **out)
{
	return -ENOMEM;
}

void
thread_sleep_until(uint64_t deadline)
{
}

uint64_t
time_monotonic(void)
{
	return 0;
}

int
entropy_fill(void *buf, size_t n)
{
	memset(buf, 0x5a, n);
	return 0;
}

/* The fake stack: nic_attach keeps the NIC, nic_input records frames. */
#define MAX_FRAMES	64
static struct nic *attached[32];
static int nattached, nkicks;
static struct {
	uint8_t	data[NIC_FRAME_MAX];
	size_t	len;
	int	csum_ok;
} frames[MAX_FRAMES];
static int nframes;

int
nic_attach(struct nic *nic)
{
	ksnprintf(nic->name, sizeof(nic->name), "vio%d", nattached);
	attached[nattached++] = nic;
	return 0;
}

void
nic_input(struct nic *nic, const struct nic_seg *seg, int nseg, int csum_ok)
{
	size_t len = 0;
	int i;

	for (i = 0; i < nseg; i++) {
		EXPECT(len + seg[i].len <= NIC_FRAME_MAX);
		if (nframes < MAX_FRAMES && len + seg[i].len <= NIC_FRAME_MAX)
			memcpy(frames[nframes].data + len, seg[i].base,
			    seg[i].len);
		len += seg[i].len;
	}
	if (nframes < MAX_FRAMES) {
		frames[nframes].len = len;
		frames[nframes].csum_ok = csum_ok;
	}
	nframes++;
}

void
nic_kick(struct nic *nic)
{
	nkicks++;
}

static int ntx_room;

void
nic_tx_room(struct nic *nic)
{
	ntx_room++;
}

/* The fake device behind the transport ops. */
struct fake_dev {
	struct virtio_dev	dev;
	uint64_t		offered;
	uint64_t		driver_features;
	uint8_t			status;
	bool			refuse_features_ok;
	uint8_t			config[16];
	struct virtq		*vqs[2];
	struct fake_vq		fq[2];
	int			notifies[2];
	virtio_intr_fn		intr_fn;
	void			*intr_arg;
};

static struct fake_dev *
fd_of(struct virtio_dev *d)
{
	return d->tp;
}

static uint8_t
f_get_status(struct virtio_dev *d)
{
	return fd_of(d)->status;
}

static void
f_set_status(struct virtio_dev *d, uint8_t s)
{
	struct fake_dev *f = fd_of(d);

	if ((s & VIRTIO_STATUS_FEATURES_OK) && f->refuse_features_ok)
		s &= (uint8_t)~VIRTIO_STATUS_FEATURES_OK;
	f->status = s;
}

static uint64_t
f_get_features(struct virtio_dev *d)
{
	return fd_of(d)->offered;
}

static void
f_set_features(struct virtio_dev *d, uint64_t v)
{
	fd_of(d)->driver_features = v;
}

static void
f_read_config(struct virtio_dev *d, unsigned int off, void *buf,
    unsigned int len)
{
	memcpy(buf, fd_of(d)->config + off, len);
}

static uint16_t
f_queue_max(struct virtio_dev *d, uint16_t index)
{
	return index < 2 ? 256 : 0;
}

static int
f_queue_enable(struct virtio_dev *d, struct virtq *vq)
{
	struct fake_dev *f = fd_of(d);

	f->vqs[vq->index] = vq;
	fake_vq_init(&f->fq[vq->index], vq);
	return 0;
}

static void
f_notify(struct virtio_dev *d, struct virtq *vq)
{
	fd_of(d)->notifies[vq->index]++;
}

static int
f_setup_intr(struct virtio_dev *d, int nvq, virtio_intr_fn fn, void *arg)
{
	fd_of(d)->intr_fn = fn;
	fd_of(d)->intr_arg = arg;
	return 0;
}

static const struct virtio_ops fake_ops = {
	.get_status = f_get_status,
	.set_status = f_set_status,
	.get_features = f_get_features,
	.set_features = f_set_features,
	.read_config = f_read_config,
	.queue_max = f_queue_max,
	.queue_enable = f_queue_enable,
	.notify = f_notify,
	.setup_intr = f_setup_intr,
};

static const uint8_t test_mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

/* Devices stay reachable from here (vnet never frees an attached NIC). */
static struct fake_dev *devs[32];
static int ndevs;

static struct fake_dev *
new_dev(uint64_t offered)
{
	struct fake_dev *f = calloc(1, sizeof(*f));

	f->dev.ops = &fake_ops;
	f->dev.tp = f;
	f->dev.device_id = VIRTIO_ID_NET;
	strcpy(f->dev.where, "fake");
	f->dev.intr_kind = "fake";
	f->offered = offered;
	memcpy(f->config, test_mac, 6);
	f->config[6] = VIRTIO_NET_S_LINK_UP;
	devs[ndevs++] = f;
	return f;
}

#define BASIC	(VIRTIO_BIT(VIRTIO_F_VERSION_1) | \
		 VIRTIO_BIT(VIRTIO_F_EVENT_IDX) | \
		 VIRTIO_BIT(VIRTIO_NET_F_MAC) | VIRTIO_BIT(VIRTIO_NET_F_STATUS))

/* The device receives frame[0..len) into the next posted buffer(s):
 * num_buffers of them with MRG_RXBUF. */
static void
dev_receive(struct fake_dev *f, const uint8_t *frame, size_t len,
    const struct virtio_net_hdr *hdr0)
{
	struct fake_vq *q = &f->fq[VNET_RXQ];
	struct virtio_net_hdr h = { 0 };
	struct virtq_desc d;
	uint16_t heads[40];
	uint32_t lens[40];
	size_t off = 0, room;
	int n = 0, i;
	uint8_t *b;

	if (hdr0 != NULL)
		h = *hdr0;
	do {
		EXPECT_EQ(fake_vq_pop(q, &d, 1, &heads[n]), 1);
		EXPECT(d.flags & VIRTQ_DESC_F_WRITE);
		b = (uint8_t *)(uintptr_t)d.addr;
		room = n == 0 ? d.len - VNET_HLEN : d.len;
		room = MIN(room, len - off);
		memcpy(b + (n == 0 ? VNET_HLEN : 0), frame + off, room);
		off += room;
		lens[n] = (uint32_t)(room + (n == 0 ? VNET_HLEN : 0));
		if (n == 0)
			memcpy(b, &h, sizeof(h));
		n++;
	} while (off < len);
	if (n > 1) {		/* num_buffers lives in the first buffer */
		h.num_buffers = (uint16_t)n;
		memcpy((void *)(uintptr_t)f->vqs[VNET_RXQ]->desc[heads[0]].addr,
		    &h, sizeof(h));
	}
	for (i = 0; i < n; i++)
		fake_vq_push(q, heads[i], lens[i]);
}

static void
fill(uint8_t *p, size_t n, unsigned int seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(i * 7 + seed);
}

TEST(refuses_device_without_version_1)
{
	struct fake_dev *f = new_dev(BASIC & ~VIRTIO_BIT(VIRTIO_F_VERSION_1));
	long live = host_kmalloc_live;
	int before = nattached;

	EXPECT_EQ(vnet_attach(&f->dev), -ENOTSUP);
	EXPECT(f->status & VIRTIO_STATUS_FAILED);
	EXPECT(!(f->status & VIRTIO_STATUS_DRIVER_OK));
	EXPECT_EQ(nattached, before);
	EXPECT_EQ(host_kmalloc_live, live);
}

/* A legacy transport's device (virtio-mmio version 1): 32 feature bits,
 * ANY_LAYOUT instead of VERSION_1, no FEATURES_OK. */
#define LEGACY	(VIRTIO_BIT(VIRTIO_F_EVENT_IDX) | \
		 VIRTIO_BIT(VIRTIO_F_ANY_LAYOUT) | \
		 VIRTIO_BIT(VIRTIO_NET_F_MAC) | VIRTIO_BIT(VIRTIO_NET_F_STATUS))

static struct fake_dev *
new_legacy_dev(uint64_t offered)
{
	struct fake_dev *f = new_dev(offered);

	f->dev.legacy = true;
	return f;
}

TEST(legacy_device_needs_any_layout)
{
	struct fake_dev *f = new_legacy_dev(LEGACY &
	    ~VIRTIO_BIT(VIRTIO_F_ANY_LAYOUT));
	long live = host_kmalloc_live;
	int before = nattached;

	EXPECT_EQ(vnet_attach(&f->dev), -ENOTSUP);
	EXPECT(f->status & VIRTIO_STATUS_FAILED);
	EXPECT_EQ(nattached, before);
	EXPECT_EQ(host_kmalloc_live, live);
}

/*
 * Legacy without MRG_RXBUF: the 10-byte header (no num_buffers) on both
 * rings, rings in the contiguous legacy layout, no FEATURES_OK, and the
 * high feature bits never negotiated even if a transport showed them.
 */
TEST(legacy_device_10_byte_header)
{
	struct fake_dev *f = new_legacy_dev(LEGACY |
	    VIRTIO_BIT(VIRTIO_F_VERSION_1));
	struct fake_vq *q;
	struct virtq_desc d[4];
	struct vnet *v;
	struct nic *nic;
	struct nic_seg seg;
	uint8_t fr[300], *b;
	uint16_t head;
	int i;

	EXPECT_EQ(vnet_attach(&f->dev), 0);
	nic = attached[nattached - 1];
	v = nic->drv;
	EXPECT_EQ(f->driver_features, LEGACY);
	EXPECT(f->status & VIRTIO_STATUS_DRIVER_OK);
	EXPECT(!(f->status & VIRTIO_STATUS_FEATURES_OK));
	EXPECT_EQ(v->hlen, 10);
	EXPECT(v->rxq.area != NULL && v->txq.area != NULL);
	EXPECT_EQ((uint8_t *)v->rxq.avail - (uint8_t *)v->rxq.desc, 16 * 256);
	EXPECT_EQ((uint8_t *)v->rxq.used - (uint8_t *)v->rxq.desc, 8192);
	EXPECT_EQ(memcmp(nic->mac, test_mac, 6), 0);

	/* Receive: the frame starts 10 bytes into the buffer. */
	q = &f->fq[VNET_RXQ];
	for (i = 0; i < 3; i++) {
		fill(fr, sizeof(fr), (unsigned int)i + 40);
		EXPECT_EQ(fake_vq_pop(q, d, 4, &head), 1);
		b = (uint8_t *)(uintptr_t)d[0].addr;
		memset(b, 0, 10);
		memcpy(b + 10, fr, sizeof(fr) - (size_t)i);
		fake_vq_push(q, head, (uint32_t)(10 + sizeof(fr) - (size_t)i));
	}
	nframes = 0;
	EXPECT_EQ(nic->ops->rx_poll(nic, 64), 3);
	EXPECT_EQ(nframes, 3);
	EXPECT_EQ(frames[2].len, sizeof(fr) - 2);
	EXPECT_EQ(memcmp(frames[2].data, fr, frames[2].len), 0);
	EXPECT_EQ(nic->rx_drops, 0);

	/* Transmit: 10 zero header bytes, then the frame. */
	fill(fr, sizeof(fr), 7);
	seg.base = fr;
	seg.len = sizeof(fr);
	EXPECT_EQ(nic->ops->tx(nic, &seg, 1, NULL), 0);
	EXPECT_EQ(fake_vq_pop(&f->fq[VNET_TXQ], d, 4, &head), 1);
	EXPECT_EQ(d[0].len, 10 + sizeof(fr));
	b = (uint8_t *)(uintptr_t)d[0].addr;
	for (i = 0; i < 10; i++)
		EXPECT_EQ(b[i], 0);
	EXPECT_EQ(memcmp(b + 10, fr, sizeof(fr)), 0);
}

/* Legacy with MRG_RXBUF: the 12-byte header, merged frames. */
TEST(legacy_device_mrg_rxbuf)
{
	struct fake_dev *f = new_legacy_dev(LEGACY |
	    VIRTIO_BIT(VIRTIO_NET_F_MRG_RXBUF));
	static uint8_t big[4000];
	struct nic *nic;

	EXPECT_EQ(vnet_attach(&f->dev), 0);
	nic = attached[nattached - 1];
	EXPECT_EQ(((struct vnet *)nic->drv)->hlen, 12);
	fill(big, sizeof(big), 5);
	nframes = 0;
	dev_receive(f, big, sizeof(big), NULL);
	EXPECT_EQ(nic->ops->rx_poll(nic, 64), 1);
	EXPECT_EQ(nframes, 1);
	EXPECT_EQ(frames[0].len, sizeof(big));
	EXPECT_EQ(memcmp(frames[0].data, big, sizeof(big)), 0);
}

TEST(refused_features_ok)
{
	struct fake_dev *f = new_dev(BASIC);
	long live = host_kmalloc_live;

	f->refuse_features_ok = true;
	EXPECT_EQ(vnet_attach(&f->dev), -EIO);
	EXPECT(f->status & VIRTIO_STATUS_FAILED);
	EXPECT_EQ(host_kmalloc_live, live);
}

TEST(attach_negotiates_and_fills_rx)
{
	struct fake_dev *f = new_dev(BASIC | VIRTIO_BIT(VIRTIO_F_RING_PACKED) |
	    VIRTIO_BIT(22) /* MQ: not wanted */);
	struct nic *nic;

	EXPECT_EQ(vnet_attach(&f->dev), 0);
	nic = attached[nattached - 1];
	EXPECT_EQ(f->driver_features, BASIC);
	EXPECT(f->status & VIRTIO_STATUS_DRIVER_OK);
	EXPECT(f->status & VIRTIO_STATUS_FEATURES_OK);
	EXPECT_EQ(memcmp(nic->mac, test_mac, 6), 0);
	EXPECT_EQ(nic->mtu, 1500);
	EXPECT_EQ(nic->features, 0);
	EXPECT_EQ(fake_vq_avail(&f->fq[VNET_RXQ]), 256);
	EXPECT(f->notifies[VNET_RXQ] >= 1);
	EXPECT(f->intr_fn != NULL);
	nkicks = 0;
	f->intr_fn(f->intr_arg, VIRTIO_INTR_VQ);
	EXPECT_EQ(nkicks, 1);
}

TEST(rx_frames_refill_and_interrupts)
{
	struct fake_dev *f = new_dev(BASIC);
	struct fake_vq *q;
	struct nic *nic;
	uint8_t fr[1514];
	int i;

	EXPECT_EQ(vnet_attach(&f->dev), 0);
	nic = attached[nattached - 1];
	q = &f->fq[VNET_RXQ];
	/* 600 frames in rounds of 10 (more than the ring holds in all):
	 * the ring must be refilled as they are taken. */
	for (i = 0; i < 600; i++) {
		fill(fr, sizeof(fr), (unsigned int)i);
		dev_receive(f, fr, 60 + (size_t)i % 1455, NULL);
		if (i % 10 == 9) {
			nframes = 0;
			EXPECT_EQ(nic->ops->rx_poll(nic, 64), 10);
			EXPECT_EQ(nframes, 10);
			EXPECT_EQ(frames[9].len, 60 + (size_t)i % 1455);
			EXPECT_EQ(memcmp(frames[9].data, fr, frames[9].len), 0);
			EXPECT_EQ(frames[9].csum_ok, 0);
			EXPECT_EQ(fake_vq_avail(q), 256);
		}
	}
	EXPECT_EQ(nic->rx_frames, 600);
	EXPECT_EQ(nic->rx_drops, 0);
	/* Drained: interrupts are on, so the next frame interrupts... */
	(void)fake_vq_interrupt(q);
	dev_receive(f, fr, 100, NULL);
	EXPECT(fake_vq_interrupt(q));
	/* ...and a poll with too small a budget leaves them off. */
	for (i = 0; i < 4; i++)
		dev_receive(f, fr, 100, NULL);
	EXPECT_EQ(nic->ops->rx_poll(nic, 3), 3);
	dev_receive(f, fr, 100, NULL);
	EXPECT(!fake_vq_interrupt(q));
	EXPECT_EQ(nic->ops->rx_poll(nic, 64), 3);
	dev_receive(f, fr, 100, NULL);
	EXPECT(fake_vq_interrupt(q));
	EXPECT_EQ(nic->ops->rx_poll(nic, 64), 1);
}

TEST(rx_merged_buffers_and_partial_csum)
{
	struct fake_dev *f = new_dev(BASIC |
	    VIRTIO_BIT(VIRTIO_NET_F_MRG_RXBUF) |
	    VIRTIO_BIT(VIRTIO_NET_F_GUEST_CSUM));
	struct virtio_net_hdr h = { 0 };
	static uint8_t big[5000];
	uint8_t fr[100];
	struct nic *nic;

	EXPECT_EQ(vnet_attach(&f->dev), 0);
	nic = attached[nattached - 1];
	EXPECT_EQ(nic->features, NIC_F_RX_CSUM);
	/* A frame over three buffers comes up whole; all three go back. */
	fill(big, sizeof(big), 3);
	nframes = 0;
	dev_receive(f, big, sizeof(big), NULL);
	EXPECT_EQ(nic->ops->rx_poll(nic, 64), 1);
	EXPECT_EQ(nframes, 1);
	EXPECT_EQ(frames[0].len, sizeof(big));
	EXPECT_EQ(memcmp(frames[0].data, big, sizeof(big)), 0);
	EXPECT_EQ(fake_vq_avail(&f->fq[VNET_RXQ]), 256);
	/* DATA_VALID: csum_ok. */
	h.flags = VNET_HDR_F_DATA_VALID;
	fill(fr, sizeof(fr), 9);
	dev_receive(f, fr, sizeof(fr), &h);
	nframes = 0;
	EXPECT_EQ(nic->ops->rx_poll(nic, 64), 1);
	EXPECT_EQ(frames[0].csum_ok, 1);
	/* NEEDS_CSUM: good data with a partial checksum, left as it is. */
	fill(fr, sizeof(fr), 1);
	h.flags = VNET_HDR_F_NEEDS_CSUM;
	h.csum_start = 34;
	h.csum_offset = 16;
	dev_receive(f, fr, sizeof(fr), &h);
	nframes = 0;
	EXPECT_EQ(nic->ops->rx_poll(nic, 64), 1);
	EXPECT_EQ(frames[0].csum_ok, 1);
	EXPECT_EQ(memcmp(frames[0].data, fr, sizeof(fr)), 0);
	/* A chain of more buffers than the largest frame needs: dropped,
	 * every buffer back on the ring. */
	{
		static uint8_t huge[70000];

		dev_receive(f, huge, sizeof(huge), NULL);
		nframes = 0;
		EXPECT_EQ(nic->ops->rx_poll(nic, 64), 1);
		EXPECT_EQ(nframes, 0);
		EXPECT_EQ(nic->rx_drops, 1);
		EXPECT_EQ(fake_vq_avail(&f->fq[VNET_RXQ]), 256);
	}
}

/* NEEDS_CSUM from a device that was not given GUEST_CSUM: dropped. */
TEST(rx_partial_csum_without_guest_csum)
{
	struct fake_dev *f = new_dev(BASIC);
	struct virtio_net_hdr h = { .flags = VNET_HDR_F_NEEDS_CSUM,
	    .csum_start = 34, .csum_offset = 16 };
	uint8_t fr[100];
	struct nic *nic;

	EXPECT_EQ(vnet_attach(&f->dev), 0);
	nic = attached[nattached - 1];
	fill(fr, sizeof(fr), 2);
	dev_receive(f, fr, sizeof(fr), &h);
	nframes = 0;
	EXPECT_EQ(nic->ops->rx_poll(nic, 64), 1);
	EXPECT_EQ(nframes, 0);
	EXPECT_EQ(nic->rx_drops, 1);
}

/* GUEST_TSO is taken only with MRG_RXBUF and GUEST_CSUM (§5.1.3.1,
 * §5.1.6.3.1); a 64 KiB merged TCP frame comes up whole, as one frame. */
TEST(rx_guest_tso)
{
	const uint64_t gtso = VIRTIO_BIT(VIRTIO_NET_F_GUEST_TSO4) |
	    VIRTIO_BIT(VIRTIO_NET_F_GUEST_TSO6);
	const uint64_t mrg = VIRTIO_BIT(VIRTIO_NET_F_MRG_RXBUF);
	const uint64_t gcsum = VIRTIO_BIT(VIRTIO_NET_F_GUEST_CSUM);
	struct fake_dev *f;
	struct virtio_net_hdr h = { 0 };
	static uint8_t big[64294];
	struct nic *nic;

	f = new_dev(BASIC | gtso | gcsum);
	EXPECT_EQ(vnet_attach(&f->dev), 0);
	EXPECT_EQ(f->driver_features & gtso, 0);
	EXPECT(f->status & VIRTIO_STATUS_DRIVER_OK);
	f = new_dev(BASIC | gtso | mrg);
	EXPECT_EQ(vnet_attach(&f->dev), 0);
	EXPECT_EQ(f->driver_features & gtso, 0);
	f = new_dev(BASIC | gtso | mrg | gcsum);
	EXPECT_EQ(vnet_attach(&f->dev), 0);
	EXPECT_EQ(f->driver_features & gtso, gtso);
	nic = attached[nattached - 1];
	fill(big, sizeof(big), 5);
	h.flags = VNET_HDR_F_NEEDS_CSUM;
	h.gso_type = VNET_HDR_GSO_TCPV4;
	h.gso_size = 1460;
	h.csum_start = 34;
	h.csum_offset = 16;
	dev_receive(f, big, sizeof(big), &h);
	nframes = 0;
	EXPECT_EQ(nic->ops->rx_poll(nic, 64), 1);
	EXPECT_EQ(nframes, 1);
	EXPECT_EQ(frames[0].len, sizeof(big));
	EXPECT_EQ(frames[0].csum_ok, 1);
	EXPECT_EQ(memcmp(frames[0].data, big, sizeof(big)), 0);
	EXPECT_EQ(nic->rx_drops, 0);
	EXPECT_EQ(fake_vq_avail(&f->fq[VNET_RXQ]), 256);
}

/* Pop the next transmitted frame: header into *h, data into out. */
static size_t
dev_transmit(struct fake_dev *f, struct virtio_net_hdr *h, uint8_t *out,
    uint16_t *head, int *ndesc)
{
	struct virtq_desc d[40];
	size_t len = 0;
	int n, i;

	n = fake_vq_pop(&f->fq[VNET_TXQ], d, 40, head);
	*ndesc = n;
	if (n == 0)
		return 0;
	for (i = 0; i < n; i++) {
		EXPECT(!(d[i].flags & VIRTQ_DESC_F_WRITE));
		memcpy(out + len, (void *)(uintptr_t)d[i].addr, d[i].len);
		len += d[i].len;
	}
	memcpy(h, out, sizeof(*h));
	memmove(out, out + VNET_HLEN, len - VNET_HLEN);
	return len - VNET_HLEN;
}

TEST(tx_copies_fills_and_reclaims)
{
	struct fake_dev *f = new_dev(BASIC);
	struct virtio_net_hdr h;
	static uint8_t out[NIC_FRAME_MAX + 64];
	uint8_t fr[1514];
	struct nic_seg seg[3] = { { fr, 14 }, { fr + 14, 500 },
	    { fr + 514, 1000 } };
	uint16_t heads[256];
	struct nic *nic;
	int i, nd;

	EXPECT_EQ(vnet_attach(&f->dev), 0);
	nic = attached[nattached - 1];
	fill(fr, sizeof(fr), 5);
	EXPECT_EQ(nic->ops->tx(nic, seg, 3, NULL), 0);
	EXPECT_EQ(f->notifies[VNET_TXQ], 1);
	EXPECT_EQ(dev_transmit(f, &h, out, &heads[0], &nd), 1514);
	EXPECT_EQ(nd, 1);
	EXPECT_EQ(memcmp(out, fr, 1514), 0);
	EXPECT_EQ(h.flags, 0);
	EXPECT_EQ(h.gso_type, 0);
	fake_vq_push(&f->fq[VNET_TXQ], heads[0], 0);
	/* Too long without TSO; too short. */
	seg[2].len = 1005;
	EXPECT_EQ(nic->ops->tx(nic, seg, 3, NULL), -EMSGSIZE);
	EXPECT_EQ(nic->ops->tx(nic, seg, 1, NULL) == 0, 1);
	EXPECT_EQ(nic->ops->tx(nic, seg, 0, NULL), -EMSGSIZE);
	(void)dev_transmit(f, &h, out, &heads[0], &nd);
	fake_vq_push(&f->fq[VNET_TXQ], heads[0], 0);
	/* Offload asked of a device without it. */
	{
		struct nic_tx_meta m = { .csum_start = 34, .csum_offset = 16 };

		seg[2].len = 1000;
		EXPECT_EQ(nic->ops->tx(nic, seg, 3, &m), -EINVAL);
	}
	/* Fill the ring while the device sits on everything: refused, and
	 * transmit interrupts come on. */
	for (i = 0; i < 256; i++)
		EXPECT_EQ(nic->ops->tx(nic, seg, 3, NULL), 0);
	(void)fake_vq_interrupt(&f->fq[VNET_TXQ]);
	ntx_room = 0;
	EXPECT_EQ(nic->ops->tx(nic, seg, 3, NULL), -ENOBUFS);
	EXPECT_EQ(nic->tx_drops, 1);
	for (i = 0; i < 256; i++)
		EXPECT_EQ(dev_transmit(f, &h, out, &heads[i], &nd), 1514);
	fake_vq_push(&f->fq[VNET_TXQ], heads[0], 0);
	EXPECT(fake_vq_interrupt(&f->fq[VNET_TXQ]));
	/* One slot back is not room yet: still waiting, interrupts on. */
	EXPECT_EQ(nic->ops->rx_poll(nic, 64), 0);
	EXPECT_EQ(ntx_room, 0);
	fake_vq_push(&f->fq[VNET_TXQ], heads[1], 0);
	EXPECT(fake_vq_interrupt(&f->fq[VNET_TXQ]));
	/* A quarter of the ring back: the stack hears, interrupts go off. */
	for (i = 2; i < 64; i++)
		fake_vq_push(&f->fq[VNET_TXQ], heads[i], 0);
	EXPECT_EQ(nic->ops->rx_poll(nic, 64), 0);
	EXPECT_EQ(ntx_room, 1);
	EXPECT_EQ(nic->ops->rx_poll(nic, 64), 0);
	EXPECT_EQ(ntx_room, 1);
	(void)fake_vq_interrupt(&f->fq[VNET_TXQ]);
	for (i = 64; i < 256; i++)
		fake_vq_push(&f->fq[VNET_TXQ], heads[i], 0);
	EXPECT(!fake_vq_interrupt(&f->fq[VNET_TXQ]));
	/* Reclaimed on the next call. */
	EXPECT_EQ(nic->ops->tx(nic, seg, 3, NULL), 0);
	EXPECT_EQ(nic->ops->rx_poll(nic, 64), 0);
	EXPECT_EQ(((struct vnet *)nic->drv)->ntx_free, 255);
	EXPECT_EQ(nic->tx_frames, 259);	/* with the 14-byte one */
	EXPECT_EQ(ntx_room, 1);
	/* EVENT_IDX: no notification while the device has not caught up. */
	i = f->notifies[VNET_TXQ];
	EXPECT_EQ(nic->ops->tx(nic, seg, 3, NULL), 0);
	EXPECT_EQ(f->notifies[VNET_TXQ], i);
}

TEST(tx_tso_and_csum_offload)
{
	struct fake_dev *f = new_dev(BASIC | VIRTIO_BIT(VIRTIO_NET_F_CSUM) |
	    VIRTIO_BIT(VIRTIO_NET_F_HOST_TSO4) |
	    VIRTIO_BIT(VIRTIO_NET_F_HOST_TSO6));
	struct virtio_net_hdr h;
	static uint8_t fr[20000], out[NIC_FRAME_MAX + 64];
	struct nic_seg seg[2] = { { fr, 54 }, { fr + 54, sizeof(fr) - 54 } };
	struct nic_tx_meta m = { .csum_start = 34, .csum_offset = 16,
	    .gso_size = 1448 };
	uint16_t head;
	struct nic *nic;
	int nd;

	EXPECT_EQ(vnet_attach(&f->dev), 0);
	nic = attached[nattached - 1];
	EXPECT_EQ(nic->features, NIC_F_TX_CSUM | NIC_F_TSO4 | NIC_F_TSO6);
	fill(fr, sizeof(fr), 11);
	fr[34 + 12] = 8 << 4;		/* TCP data offset: 32 bytes */
	EXPECT_EQ(nic->ops->tx(nic, seg, 2, &m), 0);
	EXPECT_EQ(dev_transmit(f, &h, out, &head, &nd), sizeof(fr));
	EXPECT_EQ(nd, (int)((sizeof(fr) + VNET_HLEN + VNET_BUF - 1) / VNET_BUF));
	EXPECT_EQ(memcmp(out, fr, sizeof(fr)), 0);
	EXPECT_EQ(h.flags, VNET_HDR_F_NEEDS_CSUM);
	EXPECT_EQ(h.csum_start, 34);
	EXPECT_EQ(h.csum_offset, 16);
	EXPECT_EQ(h.gso_type, VNET_HDR_GSO_TCPV4);
	EXPECT_EQ(h.gso_size, 1448);
	EXPECT_EQ(h.hdr_len, 34 + 32);
	fake_vq_push(&f->fq[VNET_TXQ], head, 0);
	m.gso_v6 = 1;
	m.csum_start = 54;
	EXPECT_EQ(nic->ops->tx(nic, seg, 2, &m), 0);
	EXPECT_EQ(dev_transmit(f, &h, out, &head, &nd), sizeof(fr));
	EXPECT_EQ(h.gso_type, VNET_HDR_GSO_TCPV6);
	fake_vq_push(&f->fq[VNET_TXQ], head, 0);
	/* TSO without the offer is refused: TSO4 without CSUM is dropped
	 * at negotiation (§5.1.3.1). */
	f = new_dev(BASIC | VIRTIO_BIT(VIRTIO_NET_F_HOST_TSO4));
	EXPECT_EQ(vnet_attach(&f->dev), 0);
	nic = attached[nattached - 1];
	EXPECT_EQ(nic->features, 0);
	m.gso_v6 = 0;
	seg[1].len = 1000;
	EXPECT_EQ(nic->ops->tx(nic, seg, 2, &m), -EINVAL);
}

TEST(probe_all_is_nic_probe_all)
{
	/* pci_scan and the MMIO probe find nothing here: what earlier
	 * tests attached is what it reports, once. */
	vnet_count = 0;
	EXPECT_EQ(nic_probe_all(), 0);
	EXPECT_EQ(nic_probe_all(), 0);
}

/*
 * Randomised traffic both ways for a while (a fixed seed, so a failure
 * repeats): frames of 14..5000 bytes arrive (merged over several
 * buffers), the stack polls with random budgets, sends frames of random
 * sizes and pieces, and the device completes transmissions in a random
 * order.  Every frame must come through whole and in order, and every
 * buffer must end up back where it belongs.
 */
TEST(random_traffic)
{
	struct fake_dev *f = new_dev(BASIC |
	    VIRTIO_BIT(VIRTIO_NET_F_MRG_RXBUF));
	static uint8_t fr[5000], out[NIC_FRAME_MAX + 64];
	struct virtio_net_hdr h;
	uint16_t pend[256];
	struct nic_seg seg[4];
	size_t lens[64], len, off;
	unsigned int seed = 12345, rx_sent = 0, rx_got = 0, tx_sent = 0;
	unsigned int tx_seen = 0, budget, k;
	int npend = 0, i, n, nd, r, step, bad = 0;
	struct nic *nic;
	uint16_t head;

#define RND()	(seed = seed * 1103515245U + 12345U, (seed >> 16) & 0x7fff)
	EXPECT_EQ(vnet_attach(&f->dev), 0);
	nic = attached[nattached - 1];
	for (step = 0; step < 20000; step++) {
		switch (RND() % 4) {
		case 0:		/* the device receives up to 8 frames */
			n = (int)(RND() % 8) + 1;
			for (i = 0; i < n && rx_sent - rx_got < MAX_FRAMES &&
			    fake_vq_avail(&f->fq[VNET_RXQ]) >= 3; i++) {
				len = 14 + RND() % (sizeof(fr) - 14);
				fill(fr, len, rx_sent);
				lens[rx_sent % 64] = len;
				dev_receive(f, fr, len, NULL);
				rx_sent++;
			}
			break;
		case 1:		/* the stack polls */
			budget = RND() % 16 + 1;
			nframes = 0;
			r = nic->ops->rx_poll(nic, (int)budget);
			if (r != nframes || (unsigned int)r > budget)
				bad++;
			for (i = 0; i < r && i < MAX_FRAMES; i++, rx_got++) {
				fill(fr, lens[rx_got % 64], rx_got);
				if (frames[i].len != lens[rx_got % 64] ||
				    memcmp(frames[i].data, fr, frames[i].len))
					bad++;
			}
			break;
		case 2:		/* the stack sends, in up to 4 pieces */
			len = 14 + RND() % 1500;
			fill(fr, len, 1000 + tx_sent);
			n = (int)(RND() % 4) + 1;
			for (i = 0, off = 0; i < n; i++) {
				k = i + 1 == n ? (unsigned int)(len - off) :
				    (unsigned int)(RND() % (len - off + 1));
				seg[i].base = fr + off;
				seg[i].len = k;
				off += k;
			}
			r = nic->ops->tx(nic, seg, n, NULL);
			if (r == 0)
				tx_sent++;
			else if (r != -ENOBUFS)
				bad++;
			/* the device takes it off the ring at once */
			while (npend < 256 && (len = dev_transmit(f, &h, out,
			    &head, &nd)) != 0) {
				fill(fr, len, 1000 + tx_seen);
				if (memcmp(out, fr, len) != 0)
					bad++;
				tx_seen++;
				pend[npend++] = head;
			}
			break;
		case 3:		/* the device completes some, in any order */
			n = npend ? (int)(RND() % (unsigned int)npend) + 1 : 0;
			for (i = 0; i < n; i++) {
				k = RND() % (unsigned int)npend;
				fake_vq_push(&f->fq[VNET_TXQ], pend[k], 0);
				pend[k] = pend[--npend];
			}
			break;
		}
	}
#undef RND
	EXPECT_EQ(bad, 0);
	EXPECT(rx_got > 1000);
	EXPECT(tx_seen > 1000);
	EXPECT_EQ(tx_seen, tx_sent);
	/* Drain: everything back in its ring. */
	while (npend > 0)
		fake_vq_push(&f->fq[VNET_TXQ], pend[--npend], 0);
	while (nic->ops->rx_poll(nic, 64) > 0)
		;
	EXPECT_EQ(fake_vq_avail(&f->fq[VNET_RXQ]), 256);
	EXPECT_EQ(((struct vnet *)nic->drv)->ntx_free, 256);
	EXPECT_EQ(nic->rx_drops, 0);
}

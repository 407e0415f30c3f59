/* SPDX-License-Identifier: ISC */
/*
 * test_virtio_mmio.c: how runtime/virtio/virtio_mmio.c finds devices:
 * "virtio_mmio.device=" words of the boot command line (sizes with K/M
 * suffixes, hex and decimal, malformed words ignored) and QEMU microvm's
 * ACPI DSDT ("LNRO0005" devices with Memory32Fixed and Extended
 * Interrupt descriptors, trigger mode and polarity), each transport
 * once, empty slots and unknown versions skipped, legacy (version 1)
 * transports marked legacy.  Then the transport ops against a simulated
 * device that knows which registers each version has (as QEMU 7.2's
 * virtio-mmio does): the legacy sequence (GuestPageSize, QueueSel,
 * QueueNum, QueueAlign, QueuePFN; 32 feature bits; no ConfigGeneration)
 * and the modern one, the device computing the legacy ring addresses
 * from QueuePFN the way QEMU does and running traffic through them.  The
 * register blocks are host memory.
 */
#include "harness.h"
#include "host_shim.h"

/* rd/wr of virtio_mmio.c are the simulated device below. */
#define VMMIO_SIM_REGS
#include <stdint.h>
struct vmmio;
static uint32_t rd(struct vmmio *m, unsigned int off);
static void wr(struct vmmio *m, unsigned int off, uint32_t v);

#include "../../runtime/kprintf.c"
#include "../../runtime/virtio/virtio_mmio.c"
#include "../../runtime/virtio/virtq.c"
#include "virtio_fake.h"

/* Fake transports: base address -> a register block in host memory. */
#define NSLOT	5
static uint64_t slot_base[NSLOT] = { 0xfeb00e00, 0xfeb00c00, 0xfeb02e00,
    0xfeb02c00, 0xfeb00a00 };
static uint32_t slot_regs[NSLOT][0x200 / 4];

/*
 * The device behind slot i's registers.  Registers it does not model
 * (magic, ids, status, interrupt status, config) are plain memory.
 */
struct sim_q {
	uint32_t	num_max, num, align, pfn, ready;
	uint64_t	desc, avail, used;	/* where the device looks */
};
static struct sim {
	uint64_t	features;
	uint32_t	df_sel, gf_sel;
	uint64_t	drv_features;
	uint32_t	page_size, q_sel;
	struct sim_q	q[2];
	int		notifies[2];
	int		bad;		/* registers this version lacks */
	unsigned int	log[64];	/* offsets written, in order */
	int		nlog;
} sim[NSLOT];

static int
sim_slot(struct vmmio *m)
{
	return (int)((const uint32_t (*)[0x200 / 4])(const void *)m->regs -
	    slot_regs);
}

static uint32_t
rd(struct vmmio *m, unsigned int off)
{
	int i = sim_slot(m);
	struct sim *s = &sim[i];
	bool legacy = slot_regs[i][MMIO_VERSION / 4] == 1;
	struct sim_q *q = s->q_sel < 2 ? &s->q[s->q_sel] : NULL;

	switch (off) {
	case MMIO_DF:		/* QEMU: legacy HostFeaturesSel 1 reads 0 */
		if (s->df_sel == 0)
			return (uint32_t)s->features;
		return legacy ? 0 : (uint32_t)(s->features >> 32);
	case MMIO_Q_NUM_MAX:
		return q != NULL ? q->num_max : 0;
	case MMIO_Q_PFN:
		if (!legacy) {
			s->bad++;
			return 0;
		}
		return q != NULL ? q->pfn : 0;
	case MMIO_Q_READY:
		if (legacy) {
			s->bad++;
			return 0;
		}
		return q != NULL ? q->ready : 0;
	case MMIO_CFG_GEN:
		if (legacy)
			s->bad++;
		return 0;
	default:
		return slot_regs[i][off / 4];
	}
}

static void
wr(struct vmmio *m, unsigned int off, uint32_t v)
{
	int i = sim_slot(m);
	struct sim *s = &sim[i];
	bool legacy = slot_regs[i][MMIO_VERSION / 4] == 1;
	struct sim_q *q = s->q_sel < 2 ? &s->q[s->q_sel] : NULL;
	bool legacy_reg = off == MMIO_GUEST_PAGE_SIZE || off == MMIO_Q_ALIGN ||
	    off == MMIO_Q_PFN;
	bool modern_reg = off == MMIO_Q_READY || (off >= MMIO_Q_DESC_LO &&
	    off <= MMIO_Q_DEVICE_HI);

	if (s->nlog < (int)ARRAY_LEN(s->log))
		s->log[s->nlog++] = off;
	if ((legacy && modern_reg) || (!legacy && legacy_reg)) {
		s->bad++;
		return;
	}
	switch (off) {
	case MMIO_DF_SEL:
		s->df_sel = v;
		break;
	case MMIO_GF_SEL:
		s->gf_sel = v;
		break;
	case MMIO_GF:
		if (legacy && s->gf_sel != 0)	/* QEMU: LOG_UNIMP */
			s->bad++;
		else if (s->gf_sel == 0)
			s->drv_features = (s->drv_features &
			    ~0xffffffffULL) | v;
		else if (s->gf_sel == 1)
			s->drv_features = (uint32_t)s->drv_features |
			    (uint64_t)v << 32;
		break;
	case MMIO_GUEST_PAGE_SIZE:
		s->page_size = v;
		break;
	case MMIO_Q_SEL:
		s->q_sel = v;
		break;
	case MMIO_Q_NUM:
		if (q != NULL)
			q->num = v;
		break;
	case MMIO_Q_ALIGN:
		if (q != NULL)
			q->align = v;
		break;
	case MMIO_Q_PFN:
		/* QEMU's virtio_queue_update_rings: the driver area taken as
		 * 4 + 2 * num bytes (no used_event), the device area at the
		 * next multiple of QueueAlign. */
		if (q == NULL)
			break;
		q->pfn = v;
		if (s->page_size == 0 || q->align == 0)
			s->bad++;
		q->desc = (uint64_t)v * s->page_size;
		q->avail = q->desc + 16ULL * q->num;
		q->used = ALIGN_UP(q->avail + 4 + 2ULL * q->num,
		    (uint64_t)q->align);
		break;
	case MMIO_Q_READY:
		if (q != NULL)
			q->ready = v;
		break;
	case MMIO_Q_DESC_LO:
		if (q != NULL)
			q->desc = (q->desc & ~0xffffffffULL) | v;
		break;
	case MMIO_Q_DESC_HI:
		if (q != NULL)
			q->desc = (uint32_t)q->desc | (uint64_t)v << 32;
		break;
	case MMIO_Q_DRIVER_LO:
		if (q != NULL)
			q->avail = (q->avail & ~0xffffffffULL) | v;
		break;
	case MMIO_Q_DRIVER_HI:
		if (q != NULL)
			q->avail = (uint32_t)q->avail | (uint64_t)v << 32;
		break;
	case MMIO_Q_DEVICE_LO:
		if (q != NULL)
			q->used = (q->used & ~0xffffffffULL) | v;
		break;
	case MMIO_Q_DEVICE_HI:
		if (q != NULL)
			q->used = (uint32_t)q->used | (uint64_t)v << 32;
		break;
	case MMIO_Q_NOTIFY:
		if (v < 2)
			s->notifies[v]++;
		break;
	case MMIO_STATUS:
		slot_regs[i][off / 4] = v;
		if (v == 0)		/* reset: every queue inactive */
			for (q = s->q; q < s->q + 2; q++)
				q->pfn = q->ready = q->num = 0;
		break;
	default:
		slot_regs[i][off / 4] = v;
		break;
	}
}

static const uint8_t *dsdt;
static struct bootinfo fake_bi;

/* Attached devices, in order. */
static struct vmmio *got[16];
static int ngot;

void
console_write(const char *s, size_t n)
{
	fwrite(s, 1, n, stdout);
}

void *
vm_map_mmio(uintptr_t pa, size_t len)
{
	int i;

	for (i = 0; i < NSLOT; i++)
		if (slot_base[i] == pa)
			return slot_regs[i];
	return NULL;
}

const uint8_t *
acpi_dsdt(void)
{
	return dsdt;
}

int
irq_alloc(irq_fn fn, void *arg)
{
	return 0x30;
}

int
ioapic_route(uint32_t gsi, int vector, int flags)
{
	return 0;
}

void
virtio_attach(struct virtio_dev *d)
{
	got[ngot++] = d->tp;
}

static void
set_slot(int i, uint32_t version, uint32_t id)
{
	memset(slot_regs[i], 0, sizeof(slot_regs[i]));
	memset(&sim[i], 0, sizeof(sim[i]));
	slot_regs[i][MMIO_MAGIC / 4] = MMIO_MAGIC_VALUE;
	slot_regs[i][MMIO_VERSION / 4] = version;
	slot_regs[i][MMIO_DEVICE_ID / 4] = id;
}

static void
reset(const char *cmdline)
{
	int i;

	for (i = 0; i < ngot; i++)
		kfree(got[i]);
	ngot = 0;
	nfound = 0;
	dsdt = NULL;
	memset(&fake_bi, 0, sizeof(fake_bi));
	strncpy(fake_bi.cmdline, cmdline, sizeof(fake_bi.cmdline) - 1);
	boot_info = &fake_bi;
}

TEST(parse_device_words)
{
	uint64_t size, base, irq;

	EXPECT_EQ(parse_device_word("512@0xfeb00e00:12", &size, &base, &irq), 0);
	EXPECT_EQ(size, 512);
	EXPECT_EQ(base, 0xfeb00e00);
	EXPECT_EQ(irq, 12);
	EXPECT_EQ(parse_device_word("4K@0xd0000000:5:3", &size, &base, &irq), 0);
	EXPECT_EQ(size, 4096);
	EXPECT_EQ(irq, 5);
	EXPECT_EQ(parse_device_word("1M@4096:9", &size, &base, &irq), 0);
	EXPECT_EQ(size, 1 << 20);
	EXPECT_EQ(base, 4096);
	EXPECT_EQ(parse_device_word("512@0xfeb00e00", &size, &base, &irq),
	    -EINVAL);
	EXPECT_EQ(parse_device_word("@0x1:2", &size, &base, &irq), -EINVAL);
	EXPECT_EQ(parse_device_word("512@0x:2", &size, &base, &irq), -EINVAL);
	EXPECT_EQ(parse_device_word("512@0x1000:2x", &size, &base, &irq),
	    -EINVAL);
}

TEST(command_line_devices)
{
	set_slot(0, 2, VIRTIO_ID_NET);
	set_slot(1, 2, VIRTIO_ID_ENTROPY);
	set_slot(2, 2, 0);			/* empty */
	set_slot(3, 1, VIRTIO_ID_NET);		/* legacy */
	set_slot(4, 3, VIRTIO_ID_NET);		/* no such version */
	reset("vmgo.verbose=1 virtio_mmio.device=512@0xfeb00e00:12 "
	    "virtio_mmio.device=bogus virtio_mmio.device=512@0xfeb00c00:11 "
	    "virtio_mmio.device=512@0xfeb02e00:47 "
	    "virtio_mmio.device=512@0xfeb02c00:46 "
	    "virtio_mmio.device=512@0xfeb00a00:45 "
	    "virtio_mmio.device=512@0xfeb00e00:12 -- x");
	virtio_mmio_probe_all();
	EXPECT_EQ(ngot, 3);
	EXPECT_EQ(got[0]->base, 0xfeb00e00);
	EXPECT_EQ(got[0]->gsi, 12);
	EXPECT_EQ(got[0]->irq_flags, IOAPIC_LEVEL);
	EXPECT_EQ(got[0]->dev.device_id, VIRTIO_ID_NET);
	EXPECT(strcmp(got[0]->dev.where, "mmio 0xfeb00e00") == 0);
	EXPECT(strcmp(got[0]->dev.intr_kind, "IOAPIC GSI 12 level") == 0);
	EXPECT(!got[0]->dev.legacy);
	EXPECT_EQ(got[1]->base, 0xfeb00c00);
	EXPECT_EQ(got[1]->dev.device_id, VIRTIO_ID_ENTROPY);
	EXPECT_EQ(got[2]->base, 0xfeb02c00);
	EXPECT(got[2]->dev.legacy);
	EXPECT(strcmp(got[2]->dev.where, "mmio 0xfeb02c00 (legacy)") == 0);
	reset("");
}

/* A DSDT with two transports the way QEMU's microvm writes them. */
static size_t
build_dsdt(uint8_t *t, bool edge_low)
{
	static const uint8_t hid[] = { 0x08, '_', 'H', 'I', 'D', 0x0d,
	    'L', 'N', 'R', 'O', '0', '0', '0', '5', 0 };
	uint8_t *p = t + 36;
	uint32_t v;
	int i;

	memset(t, 0, 36);
	memcpy(t, "DSDT", 4);
	for (i = 0; i < 2; i++) {
		memcpy(p, "\x5b\x82\x30VR0", 7);	/* Device (VR0x) */
		p[6] = (uint8_t)('0' + i);
		p += 7;
		memcpy(p, hid, sizeof(hid));
		p += sizeof(hid);
		memcpy(p, "\x08_UID\x0a", 6);		/* Name (_UID, i) */
		p[6] = (uint8_t)i;
		p += 7;
		memcpy(p, "\x08_CRS\x11\x1a\x0a\x17", 9);	/* Buffer */
		p += 9;
		p[0] = ACPI_MEM32_FIXED;
		p[1] = 9;
		p[2] = 0;
		p[3] = 1;
		v = (uint32_t)slot_base[2 + i];
		memcpy(p + 4, &v, 4);
		v = 512;
		memcpy(p + 8, &v, 4);
		p += 12;
		p[0] = ACPI_EXT_IRQ;
		p[1] = 6;
		p[2] = 0;
		p[3] = (uint8_t)(0x01 | (edge_low ? ACPI_IRQ_EDGE |
		    ACPI_IRQ_LOW : 0));
		p[4] = 1;
		v = 47 - (uint32_t)i;
		memcpy(p + 5, &v, 4);
		p += 9;
		p[0] = 0x79;				/* End Tag */
		p[1] = 0;
		p += 2;
	}
	v = (uint32_t)(p - t);
	memcpy(t + 4, &v, 4);
	return v;
}

TEST(acpi_devices)
{
	static uint8_t t[512];

	set_slot(2, 2, VIRTIO_ID_NET);
	set_slot(3, 2, VIRTIO_ID_NET);
	reset("");
	build_dsdt(t, false);
	dsdt = t;
	virtio_mmio_probe_all();
	EXPECT_EQ(ngot, 2);
	EXPECT_EQ(got[0]->base, 0xfeb02e00);
	EXPECT_EQ(got[0]->gsi, 47);
	EXPECT_EQ(got[0]->irq_flags, IOAPIC_LEVEL);
	EXPECT_EQ(got[1]->base, 0xfeb02c00);
	EXPECT_EQ(got[1]->gsi, 46);

	/* Edge, active low; a device also on the command line is taken
	 * once (the command line's comes first). */
	reset("virtio_mmio.device=512@0xfeb02c00:46");
	build_dsdt(t, true);
	dsdt = t;
	virtio_mmio_probe_all();
	EXPECT_EQ(ngot, 2);
	EXPECT_EQ(got[0]->base, 0xfeb02c00);
	EXPECT_EQ(got[0]->irq_flags, IOAPIC_LEVEL);
	EXPECT_EQ(got[1]->base, 0xfeb02e00);
	EXPECT_EQ(got[1]->irq_flags, IOAPIC_ACTIVE_LOW);

	/* Not a DSDT, or cut short: nothing. */
	reset("");
	build_dsdt(t, false);
	memcpy(t, "SSDT", 4);
	dsdt = t;
	virtio_mmio_probe_all();
	EXPECT_EQ(ngot, 0);
	reset("");
	build_dsdt(t, false);
	memset(t + 4, 0, 4);
	t[4] = 60;				/* ends inside the first _CRS */
	dsdt = t;
	virtio_mmio_probe_all();
	EXPECT_EQ(ngot, 0);
	reset("");
}

/*
 * Legacy rings are named by a 32-bit page number, so they must lie below
 * 16 TiB: kmalloc_aligned (what virtq_init_legacy uses) hands out memory
 * from a low arena here rather than the host heap, which ASan puts above.
 */
#include <sys/mman.h>
#define ARENA_BASE	0x40000000UL
#define ARENA_SIZE	(16UL << 20)
static uintptr_t arena_next;

void *
kmalloc_aligned(size_t n, size_t align)
{
	uintptr_t p;

	if (arena_next == 0) {
		if (mmap((void *)ARENA_BASE, ARENA_SIZE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0) !=
		    (void *)ARENA_BASE)
			return NULL;
		arena_next = ARENA_BASE;
	}
	p = ALIGN_UP(arena_next, (uintptr_t)align);
	if (p + n > ARENA_BASE + ARENA_SIZE)
		return NULL;
	arena_next = p + n;
	host_kmalloc_live++;
	return (void *)p;
}

void
kfree(void *p)
{
	if (p == NULL)
		return;
	host_kmalloc_live--;
	if ((uintptr_t)p < ARENA_BASE || (uintptr_t)p >= ARENA_BASE +
	    ARENA_SIZE)
		free(p);
}

/* Ring memory as the simulated device sees it, for the fake device side
 * (virtio_fake.h takes its ring pointers from a struct virtq). */
static void
device_view(struct virtq *dv, const struct sim_q *q, bool event_idx)
{
	memset(dv, 0, sizeof(*dv));
	dv->size = (uint16_t)q->num;
	dv->event_idx = event_idx;
	dv->desc = (struct virtq_desc *)(uintptr_t)q->desc;
	dv->avail = (struct virtq_avail *)(uintptr_t)q->avail;
	dv->used = (struct virtq_used *)(uintptr_t)q->used;
}

/* 600 one-buffer chains (the indices wrap the ring twice) from driver to
 * device and back, the driver notifying when the ring asks it to. */
static void
run_traffic(struct virtio_dev *d, struct virtq *vq, const struct sim_q *q,
    int *notifies)
{
	struct virtq dv;
	struct fake_vq f;
	struct virtq_desc desc[2];
	struct virtq_sg sg;
	static uint8_t bufs[600];
	uint32_t len;
	uint16_t head;
	int k, bad = 0, n0 = *notifies;

	device_view(&dv, q, vq->event_idx);
	fake_vq_init(&f, &dv);
	for (k = 0; k < 600; k++) {
		sg.addr = virtio_pa(&bufs[k]);
		sg.len = 1;
		EXPECT_EQ(virtq_add(vq, &sg, 0, 1, &bufs[k]), 0);
		if (virtq_kick_prepare(vq))
			d->ops->notify(d, vq);
		if (fake_vq_pop(&f, desc, 2, &head) != 1 ||
		    desc[0].addr != sg.addr ||
		    !(desc[0].flags & VIRTQ_DESC_F_WRITE))
			bad++;
		*(uint8_t *)(uintptr_t)desc[0].addr = (uint8_t)k;
		fake_vq_push(&f, head, 1);
		if (virtq_get(vq, &len) != &bufs[k] || len != 1 ||
		    bufs[k] != (uint8_t)k)
			bad++;
	}
	EXPECT_EQ(bad, 0);
	EXPECT_EQ(vq->nfree, vq->size);
	/* One notification per chain (the device consumed each at once). */
	EXPECT_EQ(*notifies - n0, 600);
}

TEST(legacy_layout_sizes)
{
	struct virtq vq;

	/* 256: 4 KiB of descriptors, 518 B driver area, device area at
	 * 8 KiB, 6 + 8 * 256 bytes long. */
	EXPECT_EQ(virtq_legacy_bytes(256), 8192 + 6 + 2048);
	EXPECT_EQ(virtq_legacy_bytes(1), 4096 + 6 + 8);
	EXPECT_EQ(virtq_legacy_bytes(128), 4096 + 6 + 1024);
	EXPECT_EQ(virtq_init_legacy(&vq, 0, 256, true), 0);
	EXPECT_EQ((uintptr_t)vq.desc & (PAGE_SIZE - 1), 0);
	EXPECT_EQ((uint8_t *)vq.avail - (uint8_t *)vq.desc, 4096);
	EXPECT_EQ((uint8_t *)vq.used - (uint8_t *)vq.desc, 8192);
	/* used_event right after the ring; avail_event inside the block. */
	EXPECT((uint8_t *)&vq.avail->ring[256] + 2 <= (uint8_t *)vq.used);
	EXPECT_EQ((uint8_t *)&vq.used->ring[256] + 2 - (uint8_t *)vq.desc,
	    (long)virtq_legacy_bytes(256));
	virtq_fini(&vq);
	EXPECT_EQ(virtq_init_legacy(&vq, 0, 16, false), 0);
	EXPECT_EQ((uint8_t *)vq.avail - (uint8_t *)vq.desc, 256);
	EXPECT_EQ((uint8_t *)vq.used - (uint8_t *)vq.desc, 4096);
	virtq_fini(&vq);
	EXPECT_EQ(virtq_init_legacy(&vq, 0, 3, false), -EINVAL);
	EXPECT_EQ(virtq_init_legacy(&vq, 0, 512, false), -EINVAL);
}

TEST(legacy_transport)
{
	static const unsigned int seq[] = { MMIO_GUEST_PAGE_SIZE, MMIO_Q_SEL,
	    MMIO_Q_NUM, MMIO_Q_ALIGN, MMIO_Q_PFN };
	struct virtio_dev *d;
	struct virtq vq, vq1;
	struct sim *s = &sim[0];
	uint8_t mac[6];
	long live = host_kmalloc_live;
	int k;

	set_slot(0, 1, VIRTIO_ID_NET);
	s->features = 0x3000802fULL | VIRTIO_BIT(VIRTIO_F_VERSION_1);
	s->q[0].num_max = s->q[1].num_max = 1024;	/* QEMU's legacy max */
	memcpy((uint8_t *)slot_regs[0] + MMIO_CONFIG, "\x52\x54\x00\x12\x34"
	    "\x56", 6);
	reset("virtio_mmio.device=512@0xfeb00e00:12");
	virtio_mmio_probe_all();
	EXPECT_EQ(ngot, 1);
	d = &got[0]->dev;
	EXPECT(d->legacy);
	EXPECT(strcmp(d->where, "mmio 0xfeb00e00 (legacy)") == 0);

	/* Features: the low word only, both ways. */
	EXPECT_EQ(d->ops->get_features(d), 0x3000802fULL);
	d->ops->set_features(d, 0x2000002fULL | VIRTIO_BIT(VIRTIO_F_VERSION_1));
	EXPECT_EQ(s->drv_features, 0x2000002fULL);
	d->ops->read_config(d, 0, mac, 6);
	EXPECT_EQ(memcmp(mac, "\x52\x54\x00\x12\x34\x56", 6), 0);

	/* Queue 0: 256 descriptors, the legacy sequence. */
	EXPECT_EQ(d->ops->queue_max(d, 0), 1024);
	EXPECT_EQ(virtq_init_legacy(&vq, 0, 256, true), 0);
	s->nlog = 0;
	EXPECT_EQ(d->ops->queue_enable(d, &vq), 0);
	EXPECT_EQ(s->nlog, (int)ARRAY_LEN(seq));
	for (k = 0; k < s->nlog && k < (int)ARRAY_LEN(seq); k++)
		EXPECT_EQ(s->log[k], seq[k]);
	EXPECT_EQ(s->page_size, 4096);
	EXPECT_EQ(s->q[0].num, 256);
	EXPECT_EQ(s->q[0].align, VIRTQ_LEGACY_ALIGN);
	EXPECT_EQ(s->q[0].pfn, virtio_pa(vq.desc) / 4096);
	/* The device finds the rings where the driver put them. */
	EXPECT_EQ(s->q[0].desc, virtio_pa(vq.desc));
	EXPECT_EQ(s->q[0].avail, virtio_pa(vq.avail));
	EXPECT_EQ(s->q[0].used, virtio_pa(vq.used));
	EXPECT_EQ(d->ops->queue_max(d, 0), 0);		/* in use now */

	/* Queue 1 of one descriptor (what virtio-rng uses). */
	EXPECT_EQ(virtq_init_legacy(&vq1, 1, 1, false), 0);
	EXPECT_EQ(d->ops->queue_enable(d, &vq1), 0);
	EXPECT_EQ(s->q[1].used, virtio_pa(vq1.used));
	EXPECT_EQ(s->q[1].avail, virtio_pa(vq1.avail));

	run_traffic(d, &vq, &s->q[0], &s->notifies[0]);
	run_traffic(d, &vq1, &s->q[1], &s->notifies[1]);

	EXPECT_EQ(s->bad, 0);
	d->ops->set_status(d, 0);
	EXPECT_EQ(s->q[0].pfn, 0);
	EXPECT_EQ(d->ops->queue_max(d, 0), 1024);
	virtq_fini(&vq);
	virtq_fini(&vq1);
	/* Rings not laid out for legacy are refused. */
	EXPECT_EQ(virtq_init(&vq, 0, 256, true), 0);
	EXPECT_EQ(d->ops->queue_enable(d, &vq), -EINVAL);
	virtq_fini(&vq);
	EXPECT_EQ(s->bad, 0);
	reset("");
	EXPECT_EQ(host_kmalloc_live, live);
}

TEST(modern_transport)
{
	struct virtio_dev *d;
	struct virtq vq;
	struct sim *s = &sim[1];
	long live = host_kmalloc_live;

	set_slot(1, 2, VIRTIO_ID_ENTROPY);
	s->features = VIRTIO_BIT(VIRTIO_F_VERSION_1) | 1;
	s->q[0].num_max = 64;
	reset("virtio_mmio.device=512@0xfeb00c00:11");
	virtio_mmio_probe_all();
	EXPECT_EQ(ngot, 1);
	d = &got[0]->dev;
	EXPECT(!d->legacy);
	EXPECT(strcmp(d->where, "mmio 0xfeb00c00") == 0);
	EXPECT_EQ(d->ops->get_features(d), s->features);
	d->ops->set_features(d, s->features);
	EXPECT_EQ(s->drv_features, s->features);
	EXPECT_EQ(d->ops->queue_max(d, 0), 64);
	EXPECT_EQ(virtq_init(&vq, 0, 64, true), 0);
	EXPECT_EQ(d->ops->queue_enable(d, &vq), 0);
	EXPECT_EQ(s->q[0].ready, 1);
	EXPECT_EQ(s->q[0].desc, virtio_pa(vq.desc));
	EXPECT_EQ(s->q[0].avail, virtio_pa(vq.avail));
	EXPECT_EQ(s->q[0].used, virtio_pa(vq.used));
	EXPECT_EQ(d->ops->queue_max(d, 0), 0);
	run_traffic(d, &vq, &s->q[0], &s->notifies[0]);
	EXPECT_EQ(s->bad, 0);
	d->ops->set_status(d, 0);
	virtq_fini(&vq);
	reset("");
	EXPECT_EQ(host_kmalloc_live, live);
}

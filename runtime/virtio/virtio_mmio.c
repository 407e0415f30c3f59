/* SPDX-License-Identifier: ISC */
/*
 * virtio_mmio.c: the virtio over MMIO transport (virtio 1.2 §4.2), version
 * 2 as on Firecracker and QEMU's microvm with force-legacy=false, and the
 * legacy version 1 (§4.2.4), QEMU 7.2's default: 32 feature bits, no
 * FEATURES_OK, and each queue one contiguous block (virtq_init_legacy)
 * named by its page number (QueuePFN, in GuestPageSize units) with the
 * device area at QueueAlign.  Devices are found in two places:
 *   - "virtio_mmio.device=<size>@<base>:<irq>" words of the boot command
 *     line (Linux's syntax, which Firecracker and QEMU microvm with
 *     auto-kernel-cmdline=on and acpi=off append; cmdline.c keeps them
 *     out of the program's environment);
 *   - the ACPI DSDT, where QEMU's microvm (ACPI on, its default) lists
 *     each transport as a device with _HID "LNRO0005" whose _CRS holds a
 *     Memory32Fixed and an Extended Interrupt descriptor (ACPI 6.5
 *     §6.4.3.4, §6.4.3.6).  We look for those byte patterns after each
 *     "LNRO0005" string rather than interpret AML.
 * A transport with device id 0 is an empty slot.  Interrupts go through
 * the I/O APIC, level-triggered unless ACPI says otherwise: the handler
 * reads InterruptStatus and acknowledges it before the EOI.
 */
#include "kernel.h"
#include "virtio/virtio.h"
#include "x86_64/dev.h"

/* Register offsets, §4.2.2 Table 4.1. */
#define MMIO_MAGIC		0x000		/* "virt" */
#define MMIO_VERSION		0x004
#define MMIO_DEVICE_ID		0x008
#define MMIO_VENDOR_ID		0x00c
#define MMIO_DF			0x010
#define MMIO_DF_SEL		0x014
#define MMIO_GF			0x020
#define MMIO_GF_SEL		0x024
#define MMIO_GUEST_PAGE_SIZE	0x028		/* legacy only, §4.2.4 */
#define MMIO_Q_SEL		0x030
#define MMIO_Q_NUM_MAX		0x034
#define MMIO_Q_NUM		0x038
#define MMIO_Q_ALIGN		0x03c		/* legacy */
#define MMIO_Q_PFN		0x040		/* legacy */
#define MMIO_Q_READY		0x044
#define MMIO_Q_NOTIFY		0x050
#define MMIO_INT_STATUS		0x060
#define MMIO_INT_ACK		0x064
#define MMIO_STATUS		0x070
#define MMIO_Q_DESC_LO		0x080
#define MMIO_Q_DESC_HI		0x084
#define MMIO_Q_DRIVER_LO	0x090
#define MMIO_Q_DRIVER_HI	0x094
#define MMIO_Q_DEVICE_LO	0x0a0
#define MMIO_Q_DEVICE_HI	0x0a4
#define MMIO_CFG_GEN		0x0fc
#define MMIO_CONFIG		0x100
#define MMIO_MAGIC_VALUE	0x74726976
#define MMIO_INT_VRING		0x1		/* §4.2.2 InterruptStatus */
#define MMIO_INT_CONFIG		0x2

/* ACPI resource descriptors, ACPI 6.5 §6.4.3.4 and §6.4.3.6. */
#define ACPI_MEM32_FIXED	0x86		/* then length 9, 0 */
#define ACPI_EXT_IRQ		0x89
#define ACPI_IRQ_EDGE		0x02		/* flags: else level */
#define ACPI_IRQ_LOW		0x04		/* flags: else active high */
#define HID_WINDOW		160		/* bytes after _HID to search */

#define MMIO_MAX		32
#define RESET_SPINS		1000000

struct vmmio {
	struct virtio_dev	dev;
	volatile uint8_t	*regs;
	uint64_t		base;
	uint32_t		gsi;
	int			irq_flags;	/* IOAPIC_* */
	virtio_intr_fn		fn;
	void			*arg;
	char			intr_desc[40];
};

#ifndef VMMIO_SIM_REGS	/* tests/unit/test_virtio_mmio.c: a simulated device */
static uint32_t
rd(struct vmmio *m, unsigned int off)
{
	return *(volatile uint32_t *)(m->regs + off);
}

static void
wr(struct vmmio *m, unsigned int off, uint32_t v)
{
	*(volatile uint32_t *)(m->regs + off) = v;
}
#endif

static struct vmmio *
to_vmmio(struct virtio_dev *d)
{
	return d->tp;
}

static uint8_t
vmmio_get_status(struct virtio_dev *d)
{
	return (uint8_t)rd(to_vmmio(d), MMIO_STATUS);
}

/* Writing 0 resets; wait until it reads back 0 (§4.2.3.1). */
static void
vmmio_set_status(struct virtio_dev *d, uint8_t s)
{
	struct vmmio *m = to_vmmio(d);
	int i;

	wr(m, MMIO_STATUS, s);
	for (i = 0; s == 0 && i < RESET_SPINS; i++) {
		if (rd(m, MMIO_STATUS) == 0)
			break;
		cpu_pause();
	}
}

static uint64_t
vmmio_get_features(struct virtio_dev *d)
{
	struct vmmio *m = to_vmmio(d);
	uint64_t f;

	wr(m, MMIO_DF_SEL, 0);
	f = rd(m, MMIO_DF);
	if (d->legacy)		/* HostFeatures: bits 0-31 only (§4.2.4) */
		return f;
	wr(m, MMIO_DF_SEL, 1);
	return f | (uint64_t)rd(m, MMIO_DF) << 32;
}

static void
vmmio_set_features(struct virtio_dev *d, uint64_t f)
{
	struct vmmio *m = to_vmmio(d);

	wr(m, MMIO_GF_SEL, 0);
	wr(m, MMIO_GF, (uint32_t)f);
	if (d->legacy)
		return;
	wr(m, MMIO_GF_SEL, 1);
	wr(m, MMIO_GF, (uint32_t)(f >> 32));
}

static void
vmmio_read_config(struct virtio_dev *d, unsigned int off, void *buf,
    unsigned int len)
{
	struct vmmio *m = to_vmmio(d);
	uint8_t *p = buf;
	uint32_t gen = 0;
	unsigned int i;

	/* Legacy has no ConfigGeneration (§4.2.4): one pass. */
	do {
		if (!d->legacy)
			gen = rd(m, MMIO_CFG_GEN);
		for (i = 0; i < len; i++)
			p[i] = m->regs[MMIO_CONFIG + off + i];
	} while (!d->legacy && rd(m, MMIO_CFG_GEN) != gen);
}

static uint16_t
vmmio_queue_max(struct virtio_dev *d, uint16_t index)
{
	struct vmmio *m = to_vmmio(d);

	wr(m, MMIO_Q_SEL, index);
	/* In use already?  Legacy: QueuePFN (§4.2.4 "Legacy Interface:
	 * Virtqueue Configuration", step 2); else QueueReady. */
	if (rd(m, d->legacy ? MMIO_Q_PFN : MMIO_Q_READY) != 0)
		return 0;
	return (uint16_t)MIN(rd(m, MMIO_Q_NUM_MAX), 0xffffU);
}

/*
 * Legacy: §4.2.4 "Legacy Interface: Virtqueue Configuration": the page
 * size (GuestPageSize, before any queue is used), QueueSel, QueueNum,
 * QueueAlign, then QueuePFN, which activates the queue.  vq was laid out
 * by virtq_init_legacy: desc starts the page-aligned block.
 */
static int
vmmio_queue_enable_legacy(struct vmmio *m, struct virtq *vq)
{
	uint64_t pa = virtio_pa(vq->desc);

	if (vq->area == NULL || (pa & (PAGE_SIZE - 1)) != 0 ||
	    pa / PAGE_SIZE > 0xffffffffULL)
		return -EINVAL;
	wr(m, MMIO_GUEST_PAGE_SIZE, PAGE_SIZE);
	wr(m, MMIO_Q_SEL, vq->index);
	wr(m, MMIO_Q_NUM, vq->size);
	wr(m, MMIO_Q_ALIGN, VIRTQ_LEGACY_ALIGN);
	wr(m, MMIO_Q_PFN, (uint32_t)(pa / PAGE_SIZE));
	return rd(m, MMIO_Q_PFN) == (uint32_t)(pa / PAGE_SIZE) ? 0 : -EIO;
}

/* §4.2.3.2 "Virtqueue Configuration". */
static int
vmmio_queue_enable(struct virtio_dev *d, struct virtq *vq)
{
	struct vmmio *m = to_vmmio(d);

	if (d->legacy)
		return vmmio_queue_enable_legacy(m, vq);
	wr(m, MMIO_Q_SEL, vq->index);
	wr(m, MMIO_Q_NUM, vq->size);
	wr(m, MMIO_Q_DESC_LO, (uint32_t)virtio_pa(vq->desc));
	wr(m, MMIO_Q_DESC_HI, (uint32_t)(virtio_pa(vq->desc) >> 32));
	wr(m, MMIO_Q_DRIVER_LO, (uint32_t)virtio_pa(vq->avail));
	wr(m, MMIO_Q_DRIVER_HI, (uint32_t)(virtio_pa(vq->avail) >> 32));
	wr(m, MMIO_Q_DEVICE_LO, (uint32_t)virtio_pa(vq->used));
	wr(m, MMIO_Q_DEVICE_HI, (uint32_t)(virtio_pa(vq->used) >> 32));
	wr(m, MMIO_Q_READY, 1);
	return rd(m, MMIO_Q_READY) == 1 ? 0 : -EIO;
}

static void
vmmio_notify(struct virtio_dev *d, struct virtq *vq)
{
	wr(to_vmmio(d), MMIO_Q_NOTIFY, vq->index);
}

/* The I/O APIC line: acknowledge what is pending, then tell the driver. */
static void
vmmio_intr(void *arg)
{
	struct vmmio *m = arg;
	uint32_t st = rd(m, MMIO_INT_STATUS);
	unsigned int why = 0;

	if (st == 0)
		return;
	wr(m, MMIO_INT_ACK, st);
	if (st & MMIO_INT_VRING)
		why |= VIRTIO_INTR_VQ;
	if (st & MMIO_INT_CONFIG)
		why |= VIRTIO_INTR_CONFIG;
	m->fn(m->arg, why);
}

static int
vmmio_setup_intr(struct virtio_dev *d, int nvq, virtio_intr_fn fn, void *arg)
{
	struct vmmio *m = to_vmmio(d);
	int vec;

	m->fn = fn;
	m->arg = arg;
	vec = irq_alloc(vmmio_intr, m);
	if (vec < 0)
		return vec;
	return ioapic_route(m->gsi, vec, m->irq_flags);
}

static const struct virtio_ops vmmio_ops = {
	.get_status = vmmio_get_status,
	.set_status = vmmio_set_status,
	.get_features = vmmio_get_features,
	.set_features = vmmio_set_features,
	.read_config = vmmio_read_config,
	.queue_max = vmmio_queue_max,
	.queue_enable = vmmio_queue_enable,
	.notify = vmmio_notify,
	.setup_intr = vmmio_setup_intr,
};

static uint64_t found[MMIO_MAX];
static int nfound;

/* Look at the transport at base and attach its device, once per base. */
static void
mmio_probe(uint64_t base, uint64_t size, uint32_t gsi, int flags)
{
	struct vmmio *m;
	volatile uint8_t *regs;
	uint32_t ver, id;
	int i;

	for (i = 0; i < nfound; i++)
		if (found[i] == base)
			return;
	if (nfound == MMIO_MAX || size < MMIO_CONFIG)
		return;
	found[nfound++] = base;
	regs = vm_map_mmio(base, size);
	if (regs == NULL)
		return;
	if (*(volatile uint32_t *)(regs + MMIO_MAGIC) != MMIO_MAGIC_VALUE)
		return;
	id = *(volatile uint32_t *)(regs + MMIO_DEVICE_ID);
	ver = *(volatile uint32_t *)(regs + MMIO_VERSION);
	if (id == 0 || (id != VIRTIO_ID_NET && id != VIRTIO_ID_ENTROPY))
		return;		/* an empty slot, or no driver for it */
	if (ver != 1 && ver != 2) {
		kprintf("vmgo: virtio at mmio %#lx: unknown transport version "
		    "%u; skipped\n", base, ver);
		return;
	}
	m = kzalloc(sizeof(*m));
	if (m == NULL)
		return;
	m->regs = regs;
	m->base = base;
	m->gsi = gsi;
	m->irq_flags = flags;
	m->dev.ops = &vmmio_ops;
	m->dev.tp = m;
	m->dev.device_id = (uint16_t)id;
	m->dev.legacy = ver == 1;
	ksnprintf(m->dev.where, sizeof(m->dev.where), "mmio %#lx%s", base,
	    m->dev.legacy ? " (legacy)" : "");
	ksnprintf(m->intr_desc, sizeof(m->intr_desc), "IOAPIC GSI %u %s",
	    gsi, (flags & IOAPIC_LEVEL) ? "level" : "edge");
	m->dev.intr_kind = m->intr_desc;
	virtio_attach(&m->dev);
}

/* Linux memparse: a number (0x... hex, else decimal) with an optional
 * K/M/G suffix.  Advances *pp; false if there is no number. */
static bool
parse_num(const char **pp, uint64_t *v, bool suffix)
{
	const char *p = *pp;
	uint64_t n = 0;
	int base = 10, d;
	bool any = false;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	for (;; p++, any = true) {
		if (*p >= '0' && *p <= '9')
			d = *p - '0';
		else if (base == 16 && *p >= 'a' && *p <= 'f')
			d = *p - 'a' + 10;
		else if (base == 16 && *p >= 'A' && *p <= 'F')
			d = *p - 'A' + 10;
		else
			break;
		n = n * (uint64_t)base + (uint64_t)d;
	}
	if (!any)
		return false;
	if (suffix && (*p == 'K' || *p == 'k')) {
		n <<= 10;
		p++;
	} else if (suffix && (*p == 'M' || *p == 'm')) {
		n <<= 20;
		p++;
	} else if (suffix && (*p == 'G' || *p == 'g')) {
		n <<= 30;
		p++;
	}
	*v = n;
	*pp = p;
	return true;
}

/*
 * One "virtio_mmio.device=" value: <size>@<base>:<irq>[:<id>].  0, or
 * -EINVAL.  Pure: the host test of cmdline.c could call it too.
 */
static int
parse_device_word(const char *p, uint64_t *size, uint64_t *base,
    uint64_t *irq)
{
	if (!parse_num(&p, size, true) || *p++ != '@' ||
	    !parse_num(&p, base, false) || *p++ != ':' ||
	    !parse_num(&p, irq, false) || (*p != '\0' && *p != ':' &&
	    *p != ' ' && *p != '\t'))
		return -EINVAL;
	return 0;
}

#define DEVICE_KEY	"virtio_mmio.device="

/* The devices named on the command line (the raw line: the words are
 * not in the parsed environment). */
static void
probe_cmdline(void)
{
	const char *line = boot_info != NULL ? boot_info->cmdline : "";
	const char *p = line, *w;
	uint64_t size, base, irq;
	size_t klen = strlen(DEVICE_KEY);

	while ((w = p) != NULL && *w != '\0') {
		while (*w == ' ' || *w == '\t')
			w++;
		p = w;
		while (*p != '\0' && *p != ' ' && *p != '\t')
			p++;
		if (strncmp(w, DEVICE_KEY, klen) != 0)
			continue;
		if (parse_device_word(w + klen, &size, &base, &irq) != 0 ||
		    irq > 0xffffff) {
			kprintf("vmgo: ignoring malformed %.*s (expected "
			    "<size>@<base>:<irq>)\n", (int)(p - w), w);
			continue;
		}
		mmio_probe(base, size, (uint32_t)irq, IOAPIC_LEVEL);
	}
}

static uint32_t
le32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* The transports QEMU lists in the DSDT. */
static void
probe_acpi(void)
{
	const uint8_t *t = acpi_dsdt(), *p, *end, *q, *qend, *mem, *irq;
	int flags;

	if (t == NULL || memcmp(t, "DSDT", 4) != 0)
		return;
	end = t + le32(t + 4);
	for (p = t + 36; p + 8 <= end; p++) {
		if (memcmp(p, "LNRO0005", 8) != 0)
			continue;
		mem = irq = NULL;
		qend = MIN(p + HID_WINDOW, end);
		for (q = p + 8; q + 9 <= qend; q++) {
			if (memcmp(q, "LNRO0005", 8) == 0)
				break;
			if (mem == NULL && q + 12 <= qend &&
			    q[0] == ACPI_MEM32_FIXED && q[1] == 9 && q[2] == 0)
				mem = q;
			if (irq == NULL && q[0] == ACPI_EXT_IRQ &&
			    q[2] == 0 && q[1] >= 6 && q[4] >= 1)
				irq = q;
		}
		if (mem == NULL || irq == NULL)
			continue;
		flags = (irq[3] & ACPI_IRQ_EDGE) ? 0 : IOAPIC_LEVEL;
		if (irq[3] & ACPI_IRQ_LOW)
			flags |= IOAPIC_ACTIVE_LOW;
		mmio_probe(le32(mem + 4), le32(mem + 8), le32(irq + 5), flags);
	}
}

/* See virtio.h. */
void
virtio_mmio_probe_all(void)
{
	probe_cmdline();
	probe_acpi();
}

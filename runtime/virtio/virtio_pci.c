/* SPDX-License-Identifier: ISC */
/*
 * virtio_pci.c: the virtio over PCI transport, modern interface only
 * (virtio 1.2 §4.1).  QEMU's virtio-*-pci devices are transitional by
 * default but carry the modern capabilities too, which we use; the
 * legacy I/O BAR is ignored.  Interrupts are MSI-X, one vector for the
 * configuration and one per queue (§4.1.5.1.2); a device without MSI-X
 * is polled (said on the console), never served by INTx.
 */
#include "kernel.h"
#include "virtio/virtio.h"
#include "x86_64/dev.h"

#define VIRTIO_PCI_VENDOR	0x1af4		/* §4.1.2 */
#define VIRTIO_PCI_MODERN	0x1040		/* + device id */
#define VIRTIO_PCI_LAST		0x107f
#define VIRTIO_PCI_LEGACY	0x1000		/* transitional: 0x1000-0x103f */
#define PCI_SUBSYS_ID		0x2e		/* transitional device id */

/* struct virtio_pci_cap, §4.1.4. */
#define PCI_CAP_VENDOR		0x09
#define CAP_CFG_TYPE		3
#define CAP_BAR			4
#define CAP_OFFSET		8
#define CAP_LENGTH		12
#define CAP_NOTIFY_MULT		16
#define CFG_COMMON		1
#define CFG_NOTIFY		2
#define CFG_ISR			3
#define CFG_DEVICE		4

/* struct virtio_pci_common_cfg, §4.1.4.3. */
#define COM_DFSELECT		0x00
#define COM_DF			0x04
#define COM_GFSELECT		0x08
#define COM_GF			0x0c
#define COM_MSIX_CONFIG		0x10
#define COM_NUM_QUEUES		0x12
#define COM_STATUS		0x14
#define COM_CFG_GEN		0x15
#define COM_Q_SELECT		0x16
#define COM_Q_SIZE		0x18
#define COM_Q_MSIX		0x1a
#define COM_Q_ENABLE		0x1c
#define COM_Q_NOFF		0x1e
#define COM_Q_DESC		0x20
#define COM_Q_DRIVER		0x28
#define COM_Q_DEVICE		0x30
#define VIRTIO_MSI_NO_VECTOR	0xffff

#define RESET_SPINS		1000000

struct vpci;

/* What one MSI-X vector reports. */
struct vpci_vec {
	struct vpci	*v;
	unsigned int	why;
};

struct vpci {
	struct virtio_dev	dev;
	struct pci_dev		pci;
	volatile uint8_t	*common, *isr, *device, *notify;
	uint32_t		notify_mult, notify_len;
	bool			msix;
	virtio_intr_fn		fn;
	void			*arg;
	struct vpci_vec		*vec;		/* per MSI-X entry */
};

static uint8_t r8(volatile uint8_t *b, unsigned int o) { return b[o]; }
static uint16_t r16(volatile uint8_t *b, unsigned int o) { return *(volatile uint16_t *)(b + o); }
static uint32_t r32(volatile uint8_t *b, unsigned int o) { return *(volatile uint32_t *)(b + o); }
static void w8(volatile uint8_t *b, unsigned int o, uint8_t v) { b[o] = v; }
static void w16(volatile uint8_t *b, unsigned int o, uint16_t v) { *(volatile uint16_t *)(b + o) = v; }
static void w32(volatile uint8_t *b, unsigned int o, uint32_t v) { *(volatile uint32_t *)(b + o) = v; }

/* 64-bit fields as two 32-bit writes, low first (§4.1.3.1). */
static void
w64(volatile uint8_t *b, unsigned int o, uint64_t v)
{
	w32(b, o, (uint32_t)v);
	w32(b, o + 4, (uint32_t)(v >> 32));
}

static struct vpci *
to_vpci(struct virtio_dev *d)
{
	return d->tp;
}

static uint8_t
vpci_get_status(struct virtio_dev *d)
{
	return r8(to_vpci(d)->common, COM_STATUS);
}

/* Writing 0 resets; the device is reset once it reads back 0
 * (§4.1.4.3.2). */
static void
vpci_set_status(struct virtio_dev *d, uint8_t s)
{
	struct vpci *v = to_vpci(d);
	int i;

	w8(v->common, COM_STATUS, s);
	for (i = 0; s == 0 && i < RESET_SPINS; i++) {
		if (r8(v->common, COM_STATUS) == 0)
			break;
		cpu_pause();
	}
}

static uint64_t
vpci_get_features(struct virtio_dev *d)
{
	struct vpci *v = to_vpci(d);
	uint64_t f;

	w32(v->common, COM_DFSELECT, 0);
	f = r32(v->common, COM_DF);
	w32(v->common, COM_DFSELECT, 1);
	return f | (uint64_t)r32(v->common, COM_DF) << 32;
}

static void
vpci_set_features(struct virtio_dev *d, uint64_t f)
{
	struct vpci *v = to_vpci(d);

	w32(v->common, COM_GFSELECT, 0);
	w32(v->common, COM_GF, (uint32_t)f);
	w32(v->common, COM_GFSELECT, 1);
	w32(v->common, COM_GF, (uint32_t)(f >> 32));
}

/* Byte by byte, until the generation is stable (§4.1.4.3.1). */
static void
vpci_read_config(struct virtio_dev *d, unsigned int off, void *buf,
    unsigned int len)
{
	struct vpci *v = to_vpci(d);
	uint8_t gen, *p = buf;
	unsigned int i;

	do {
		gen = r8(v->common, COM_CFG_GEN);
		for (i = 0; i < len; i++)
			p[i] = v->device != NULL ? r8(v->device, off + i) : 0;
	} while (r8(v->common, COM_CFG_GEN) != gen);
}

static uint16_t
vpci_queue_max(struct virtio_dev *d, uint16_t index)
{
	struct vpci *v = to_vpci(d);

	if (index >= r16(v->common, COM_NUM_QUEUES))
		return 0;
	w16(v->common, COM_Q_SELECT, index);
	return r16(v->common, COM_Q_SIZE);
}

static int
vpci_queue_enable(struct virtio_dev *d, struct virtq *vq)
{
	struct vpci *v = to_vpci(d);
	uint32_t off;

	w16(v->common, COM_Q_SELECT, vq->index);
	w16(v->common, COM_Q_SIZE, vq->size);
	if (v->msix) {
		/* Entry 0 is the configuration's, queue i uses 1 + i. */
		vq->msix_vector = (uint16_t)(1 + vq->index);
		w16(v->common, COM_Q_MSIX, vq->msix_vector);
		if (r16(v->common, COM_Q_MSIX) != vq->msix_vector)
			return -EIO;
	}
	off = (uint32_t)r16(v->common, COM_Q_NOFF) * v->notify_mult;
	if (off + 2 > v->notify_len)
		return -EIO;
	vq->notify_addr = (void *)(v->notify + off);
	w64(v->common, COM_Q_DESC, virtio_pa(vq->desc));
	w64(v->common, COM_Q_DRIVER, virtio_pa(vq->avail));
	w64(v->common, COM_Q_DEVICE, virtio_pa(vq->used));
	w16(v->common, COM_Q_ENABLE, 1);
	return 0;
}

/* Without VIRTIO_F_NOTIFICATION_DATA: the queue index (§4.1.5.2). */
static void
vpci_notify(struct virtio_dev *d, struct virtq *vq)
{
	*(volatile uint16_t *)vq->notify_addr = vq->index;
}

/* An MSI-X vector: edge-triggered, nothing to acknowledge (§4.1.5.3). */
static void
vpci_intr(void *arg)
{
	struct vpci_vec *e = arg;

	e->v->fn(e->v->arg, e->why);
}

/*
 * MSI-X table entry 0 for configuration changes, entry 1 + i for queue i
 * (§4.1.5.1.2), each with a vector of its own.
 */
static int
vpci_setup_intr(struct virtio_dev *d, int nvq, virtio_intr_fn fn, void *arg)
{
	struct vpci *v = to_vpci(d);
	int vec, r, i;

	if (v->pci.msix_cap == 0 || v->pci.msix_size < nvq + 1)
		return -ENODEV;
	v->vec = kzalloc((size_t)(nvq + 1) * sizeof(*v->vec));
	if (v->vec == NULL)
		return -ENOMEM;
	v->fn = fn;
	v->arg = arg;
	r = pci_msix_enable(&v->pci);
	if (r != 0)
		return r;
	for (i = 0; i <= nvq; i++) {
		v->vec[i].v = v;
		v->vec[i].why = i == 0 ? VIRTIO_INTR_CONFIG : VIRTIO_INTR_VQ;
		vec = irq_alloc(vpci_intr, &v->vec[i]);
		if (vec < 0)
			return vec;
		pci_msix_set(&v->pci, (unsigned int)i, vec);
	}
	w16(v->common, COM_MSIX_CONFIG, 0);
	if (r16(v->common, COM_MSIX_CONFIG) != 0)
		return -EIO;
	v->msix = true;
	pci_msix_unmask(&v->pci);
	return 0;
}

static const struct virtio_ops vpci_ops = {
	.get_status = vpci_get_status,
	.set_status = vpci_set_status,
	.get_features = vpci_get_features,
	.set_features = vpci_set_features,
	.read_config = vpci_read_config,
	.queue_max = vpci_queue_max,
	.queue_enable = vpci_queue_enable,
	.notify = vpci_notify,
	.setup_intr = vpci_setup_intr,
};

/*
 * Map the structure a virtio capability at config offset cap describes;
 * *len gets its length.  NULL if its BAR is unusable.  The BAR is not
 * sized (pci_bar_addr): the capability says where in it to look.
 */
static volatile uint8_t *
map_cap(struct pci_dev *p, unsigned int cap, uint32_t *len)
{
	uint64_t base;
	uint32_t off = pci_read32(p, cap + CAP_OFFSET);

	*len = pci_read32(p, cap + CAP_LENGTH);
	if (pci_bar_addr(p, pci_read8(p, cap + CAP_BAR), &base) != 0 ||
	    *len == 0 || base + off + *len < base)
		return NULL;
	return vm_map_mmio(base + off, *len);
}

/* See virtio.h. */
void
virtio_pci_probe(struct pci_dev *p)
{
	struct vpci *v;
	unsigned int cap;
	uint32_t len;
	uint16_t id;

	if (p->vendor != VIRTIO_PCI_VENDOR || p->device < VIRTIO_PCI_LEGACY ||
	    p->device > VIRTIO_PCI_LAST)
		return;
	id = p->device >= VIRTIO_PCI_MODERN ?
	    (uint16_t)(p->device - VIRTIO_PCI_MODERN) :
	    pci_read16(p, PCI_SUBSYS_ID);
	if (id != VIRTIO_ID_NET && id != VIRTIO_ID_ENTROPY)
		return;		/* no driver: leave it alone */
	v = kzalloc(sizeof(*v));
	if (v == NULL) {
		kprintf("vmgo: virtio at pci %02x:%02x.%x: out of memory; "
		    "skipped\n", p->bus, p->dev, p->fn);
		return;
	}
	v->pci = *p;
	v->dev.ops = &vpci_ops;
	v->dev.tp = v;
	v->dev.device_id = id;
	ksnprintf(v->dev.where, sizeof(v->dev.where),
	    "pci %02x:%02x.%x (%04x:%04x)", p->bus, p->dev, p->fn, p->vendor,
	    p->device);
	pci_enable(p);
	for (cap = pci_cap_next(p, PCI_CAP_VENDOR, 0); cap != 0;
	    cap = pci_cap_next(p, PCI_CAP_VENDOR, cap)) {
		/* The first of each type is the one to use (§4.1.4). */
		switch (pci_read8(p, cap + CAP_CFG_TYPE)) {
		case CFG_COMMON:
			if (v->common == NULL)
				v->common = map_cap(p, cap, &len);
			break;
		case CFG_NOTIFY:
			if (v->notify == NULL) {
				v->notify = map_cap(p, cap, &v->notify_len);
				v->notify_mult = pci_read32(p,
				    cap + CAP_NOTIFY_MULT);
			}
			break;
		case CFG_ISR:
			if (v->isr == NULL)
				v->isr = map_cap(p, cap, &len);
			break;
		case CFG_DEVICE:
			if (v->device == NULL)
				v->device = map_cap(p, cap, &len);
			break;
		}
	}
	if (v->common == NULL || v->notify == NULL) {
		kprintf("vmgo: virtio at %s: no modern interface "
		    "(legacy-only device?); skipped\n", v->dev.where);
		kfree(v);
		return;
	}
	v->dev.intr_kind = "MSI-X";	/* INTx is never used */
	virtio_attach(&v->dev);
}

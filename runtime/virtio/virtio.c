/* SPDX-License-Identifier: ISC */
/*
 * virtio.c: what every virtio driver does the same way whatever the
 * transport: device initialisation (virtio 1.2 §3.1.1), queue set-up,
 * notification, a polling fallback without interrupts, and discovery
 * (PCI, then MMIO) handing each device to its driver.
 */
#include "kernel.h"
#include "virtio/virtio.h"
#include "x86_64/dev.h"

#define POLL_NS		1000000ULL	/* polling fallback period: 1 ms */

/* See virtio.h. */
int
virtio_negotiate(struct virtio_dev *d, uint64_t wanted, uint64_t required)
{
	uint64_t offered, f;

	if (d->legacy)		/* §3.1.2: the legacy bits are 0-31 */
		wanted &= 0xffffffffULL;
	else
		required |= VIRTIO_BIT(VIRTIO_F_VERSION_1);
	d->ops->set_status(d, 0);
	d->ops->set_status(d, VIRTIO_STATUS_ACKNOWLEDGE);
	d->ops->set_status(d, VIRTIO_STATUS_ACKNOWLEDGE |
	    VIRTIO_STATUS_DRIVER);
	offered = d->ops->get_features(d);
	if ((offered & required) != required) {
		virtio_fail(d);
		return -ENOTSUP;
	}
	f = offered & (wanted | required);
	d->ops->set_features(d, f);
	if (d->legacy) {	/* no FEATURES_OK (§3.1.2) */
		d->features = f;
		return 0;
	}
	d->ops->set_status(d, VIRTIO_STATUS_ACKNOWLEDGE |
	    VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK);
	if (!(d->ops->get_status(d) & VIRTIO_STATUS_FEATURES_OK)) {
		virtio_fail(d);
		return -EIO;
	}
	d->features = f;
	return 0;
}

/* See virtio.h. */
int
virtio_queue_setup(struct virtio_dev *d, struct virtq *vq, uint16_t index,
    uint16_t max)
{
	uint16_t n = d->ops->queue_max(d, index);
	int r;

	if (n == 0)
		return -ENODEV;
	n = MIN(n, max);
	while (n & (n - 1))		/* a power of 2 (split rings, §2.7) */
		n &= (uint16_t)(n - 1);
	r = (d->legacy ? virtq_init_legacy : virtq_init)(vq, index, n,
	    (d->features & VIRTIO_BIT(VIRTIO_F_EVENT_IDX)) != 0);
	if (r != 0)
		return r;
	r = d->ops->queue_enable(d, vq);
	if (r != 0)
		virtq_fini(vq);
	return r;
}

/* See virtio.h. */
void
virtio_ready(struct virtio_dev *d)
{
	d->ops->set_status(d, (uint8_t)(d->ops->get_status(d) |
	    VIRTIO_STATUS_DRIVER_OK));
}

/* See virtio.h. */
void
virtio_fail(struct virtio_dev *d)
{
	d->ops->set_status(d, (uint8_t)(d->ops->get_status(d) |
	    VIRTIO_STATUS_FAILED));
}

/* See virtio.h. */
void
virtio_kick(struct virtio_dev *d, struct virtq *vq)
{
	if (virtq_kick_prepare(vq))
		d->ops->notify(d, vq);
}

struct poller {
	virtio_intr_fn	fn;
	void		*arg;
};

static void *
poll_main(void *arg)
{
	struct poller *p = arg;

	for (;;) {
		thread_sleep_until(time_monotonic() + POLL_NS);
		p->fn(p->arg, VIRTIO_INTR_VQ);
	}
	return NULL;
}

/* See virtio.h. */
int
virtio_poll_thread(virtio_intr_fn fn, void *arg)
{
	struct poller *p = kmalloc(sizeof(*p));
	int r;

	if (p == NULL)
		return -ENOMEM;
	p->fn = fn;
	p->arg = arg;
	r = thread_create(poll_main, p, 16384, ~0U, NULL);
	if (r != 0)
		kfree(p);
	return r;
}

/* See virtio.h. */
bool
virtio_verbose(void)
{
	const char *v = cmdline_vmgo(cmdline_boot(), "verbose");

	return v != NULL && strcmp(v, "1") == 0;
}

/* See virtio.h. */
void
virtio_attach(struct virtio_dev *d)
{
	switch (d->device_id) {
	case VIRTIO_ID_NET:
		(void)vnet_attach(d);
		break;
	case VIRTIO_ID_ENTROPY:
		(void)vrng_attach(d);
		break;
	default:
		break;		/* not ours: left as the firmware left it */
	}
}

/* See virtio.h. */
int
virtio_probe_all(void)
{
	static struct spinlock once_lock;
	static int done;

	spin_lock(&once_lock);
	if (done) {
		spin_unlock(&once_lock);
		return vnet_count;
	}
	done = 1;
	spin_unlock(&once_lock);
	pci_scan(virtio_pci_probe);
	virtio_mmio_probe_all();
	return vnet_count;
}

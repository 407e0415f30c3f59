/* SPDX-License-Identifier: ISC */
/*
 * vrng.c: virtio-rng, the entropy device (virtio 1.2 §5.4): one queue
 * (requestq) into which we post a device-writable buffer; the device
 * fills it with random bytes.  At boot we read VRNG_SEED bytes and mix
 * them into the runtime's entropy pool (libc/entropy.c, entropy_add),
 * polling for the answer: no interrupt is needed for one request.
 */
#include "kernel.h"
#include "virtio/virtio.h"

#define VRNG_SEED	64			/* bytes read at boot */
#define VRNG_WAIT_NS	1000000000ULL		/* give up after 1 s */
#define VRNG_POLL_NS	100000ULL

/* See virtio.h. */
int
vrng_attach(struct virtio_dev *d)
{
	struct virtq vq;
	struct virtq_sg sg;
	uint8_t *buf;
	uint64_t end;
	uint32_t len = 0;
	void *c = NULL;
	int r;

	r = virtio_negotiate(d, 0, 0);
	if (r != 0) {
		kprintf("vmgo: virtio-rng at %s: feature negotiation failed "
		    "(error %d; needs VERSION_1); skipped\n", d->where, -r);
		return r;
	}
	r = virtio_queue_setup(d, &vq, 0, 1);
	buf = kmalloc(VRNG_SEED);
	if (r != 0 || buf == NULL) {
		kprintf("vmgo: virtio-rng at %s: queue set-up failed (error "
		    "%d); skipped\n", d->where, r != 0 ? -r : ENOMEM);
		d->ops->set_status(d, 0);
		virtio_fail(d);
		if (r == 0)
			virtq_fini(&vq);
		return r != 0 ? r : -ENOMEM;
	}
	virtio_ready(d);
	sg.addr = virtio_pa(buf);
	sg.len = VRNG_SEED;
	(void)virtq_add(&vq, &sg, 0, 1, buf);
	virtq_disable_intr(&vq);
	virtio_kick(d, &vq);
	end = time_monotonic() + VRNG_WAIT_NS;
	while ((c = virtq_get(&vq, &len)) == NULL && time_monotonic() < end)
		thread_sleep_until(time_monotonic() + VRNG_POLL_NS);
	/* Done with the device: reset it, so the rings can go. */
	d->ops->set_status(d, 0);
	virtq_fini(&vq);
	if (c == NULL) {
		kprintf("vmgo: virtio-rng at %s: no answer in 1 s; skipped\n",
		    d->where);
		kfree(buf);
		return -ETIMEDOUT;
	}
	len = MIN(len, VRNG_SEED);
	entropy_add(buf, len);
	memset(buf, 0, VRNG_SEED);
	kfree(buf);
	if (virtio_verbose())
		kprintf("vmgo: virtio-rng at %s: %u bytes into the entropy "
		    "pool\n", d->where, len);
	return 0;
}

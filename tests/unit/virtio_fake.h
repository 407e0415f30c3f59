/* SPDX-License-Identifier: ISC */
/*
 * virtio_fake.h: the device side of a split virtqueue in host memory, for
 * test_virtq.c and test_vnet.c.  "Physical" addresses are host pointers
 * (the runtime's identity map), so the fake reads and writes buffers
 * directly.  It follows the device rules of virtio 1.2 §2.7: it consumes
 * available chains in order, returns them on the used ring, and decides
 * notifications and interrupts from the suppression fields.
 */
#ifndef VMGO_TESTS_VIRTIO_FAKE_H
#define VMGO_TESTS_VIRTIO_FAKE_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

struct fake_vq {
	struct virtq	*vq;		/* the driver's view, for ring pointers */
	uint16_t	last_avail;	/* next available entry to consume */
	uint16_t	used_idx;	/* our copy of used->idx */
	uint16_t	signalled;	/* used_idx at the last interrupt decision */
	int		interrupts;	/* how many we would have raised */
};

static inline void
fake_vq_init(struct fake_vq *f, struct virtq *vq)
{
	memset(f, 0, sizeof(*f));
	f->vq = vq;
}

/* Chains the driver made available and we have not consumed. */
static inline uint16_t
fake_vq_avail(struct fake_vq *f)
{
	return (uint16_t)(f->vq->avail->idx - f->last_avail);
}

/*
 * Consume the next available chain: its descriptors go to d[] (at most
 * max; returns how many, 0 if none available).  *head gets its head.
 */
static inline int
fake_vq_pop(struct fake_vq *f, struct virtq_desc *d, int max, uint16_t *head)
{
	struct virtq *vq = f->vq;
	uint16_t i;
	int n = 0;

	if (fake_vq_avail(f) == 0)
		return 0;
	i = vq->avail->ring[f->last_avail & (vq->size - 1)];
	f->last_avail++;
	*head = i;
	for (;;) {
		if (n < max)
			d[n] = vq->desc[i];
		n++;
		if (!(vq->desc[i].flags & VIRTQ_DESC_F_NEXT))
			break;
		i = vq->desc[i].next;
	}
	/* The device publishes where it has read up to (§2.7.10). */
	if (vq->event_idx)
		*(uint16_t *)&vq->used->ring[vq->size] = f->last_avail;
	return n;
}

/* Return chain head with len bytes written. */
static inline void
fake_vq_push(struct fake_vq *f, uint16_t head, uint32_t len)
{
	struct virtq *vq = f->vq;
	struct virtq_used_elem *e = &vq->used->ring[f->used_idx & (vq->size - 1)];

	e->id = head;
	e->len = len;
	f->used_idx++;
	vq->used->idx = f->used_idx;
}

/* After pushes: would the device interrupt now (§2.7.10)?  Counts it. */
static inline bool
fake_vq_interrupt(struct fake_vq *f)
{
	struct virtq *vq = f->vq;
	uint16_t old = f->signalled, new_idx = f->used_idx, ev;
	bool want;

	if (old == new_idx)
		return false;
	f->signalled = new_idx;
	if (vq->event_idx) {
		ev = vq->avail->ring[vq->size];
		want = (uint16_t)(new_idx - ev - 1) < (uint16_t)(new_idx - old);
	} else {
		want = !(vq->avail->flags & VIRTQ_AVAIL_F_NO_INTERRUPT);
	}
	if (want)
		f->interrupts++;
	return want;
}

#endif

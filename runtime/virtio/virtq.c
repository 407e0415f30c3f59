/* SPDX-License-Identifier: ISC */
/*
 * virtq.c: split virtqueues (virtio 1.2 §2.7): descriptor allocation, the
 * available ring the driver fills, the used ring the device returns
 * buffers on, and notification/interrupt suppression with or without
 * VIRTIO_F_EVENT_IDX (§2.7.7, §2.7.10).
 *
 * Memory: the descriptor table on one page, the driver area at the start
 * of a second page and the device area at VIRTQ_USED_OFF in it; for the
 * legacy interface one contiguous block laid out as §2.7.2's legacy note
 * says (virtq_init_legacy).  x86 keeps
 * stores in order and loads in order, so publishing needs only compiler
 * barriers (release/acquire); the store-to-load cases of §2.7.10 ("write
 * idx, then read the other side's event field") need a full fence.
 */
#include "kernel.h"
#include "virtio/virtio.h"

#define VIRTQ_USED_OFF	1024	/* device area in the second page */

_Static_assert(sizeof(struct virtq_desc) == 16, "§2.7.5");
_Static_assert(VIRTQ_MAX_SIZE * sizeof(struct virtq_desc) <= PAGE_SIZE,
    "descriptor table fits a page");
_Static_assert(4 + 2 * VIRTQ_MAX_SIZE + 2 <= VIRTQ_USED_OFF,
    "driver area fits below the device area");
_Static_assert(VIRTQ_USED_OFF + 4 + 8 * VIRTQ_MAX_SIZE + 2 <= PAGE_SIZE,
    "device area fits the page");

/* used_event: after the available ring (§2.7.6). */
static inline uint16_t *
used_event(struct virtq *vq)
{
	return &vq->avail->ring[vq->size];
}

/* avail_event: after the used ring (§2.7.8). */
static inline uint16_t *
avail_event(struct virtq *vq)
{
	return (uint16_t *)&vq->used->ring[vq->size];
}

/* vring_need_event of §2.7.10: has idx passed event since old? */
static inline bool
need_event(uint16_t event, uint16_t new_idx, uint16_t old)
{
	return (uint16_t)(new_idx - event - 1) < (uint16_t)(new_idx - old);
}

/* The rest of virtq_init once the rings are placed: an empty queue with
 * every descriptor on the free list. */
static void
virtq_start(struct virtq *vq, uint16_t index, uint16_t size, bool event_idx)
{
	uint16_t i;

	vq->index = index;
	vq->size = size;
	vq->event_idx = event_idx;
	for (i = 0; i < size; i++)
		vq->desc[i].next = (uint16_t)(i + 1);
	vq->free_head = 0;
	vq->nfree = size;
}

/* Where the legacy device area starts in the block: after the driver
 * area (flags, idx, ring[size], used_event), at VIRTQ_LEGACY_ALIGN. */
static size_t
legacy_used_off(uint16_t size)
{
	return ALIGN_UP(sizeof(struct virtq_desc) * size + 6 + 2 * (size_t)size,
	    (size_t)VIRTQ_LEGACY_ALIGN);
}

/* See virtio.h. */
size_t
virtq_legacy_bytes(uint16_t size)
{
	return legacy_used_off(size) + 6 + sizeof(struct virtq_used_elem) *
	    size;
}

/* What both inits do before placing the rings: vq zeroed, size checked,
 * the cookie array allocated.  0, -EINVAL, -ENOMEM. */
static int
virtq_prepare(struct virtq *vq, uint16_t size)
{
	memset(vq, 0, sizeof(*vq));
	if (size == 0 || (size & (size - 1)) != 0 || size > VIRTQ_MAX_SIZE)
		return -EINVAL;
	vq->cookie = kzalloc(size * sizeof(void *));
	return vq->cookie == NULL ? -ENOMEM : 0;
}

/*
 * See virtio.h.  The block comes from kmalloc_aligned (identity-mapped
 * RAM, physically contiguous: a large kmalloc block is a run of frames).
 * Thread context.
 */
int
virtq_init_legacy(struct virtq *vq, uint16_t index, uint16_t size,
    bool event_idx)
{
	size_t n = ALIGN_UP(virtq_legacy_bytes(size), (size_t)PAGE_SIZE);
	uint8_t *a;
	int r;

	r = virtq_prepare(vq, size);
	if (r != 0)
		return r;
	a = kmalloc_aligned(n, PAGE_SIZE);
	if (a == NULL) {
		virtq_fini(vq);
		return -ENOMEM;
	}
	memset(a, 0, n);
	vq->area = a;
	vq->desc = (struct virtq_desc *)a;
	vq->avail = (struct virtq_avail *)(a + sizeof(struct virtq_desc) *
	    size);
	vq->used = (struct virtq_used *)(a + legacy_used_off(size));
	virtq_start(vq, index, size, event_idx);
	return 0;
}

/*
 * Allocate the rings (zeroed) and chain every descriptor on the free
 * list.  0, -EINVAL (size 0, not a power of 2, or above VIRTQ_MAX_SIZE),
 * -ENOMEM.  Thread context.
 */
int
virtq_init(struct virtq *vq, uint16_t index, uint16_t size, bool event_idx)
{
	int r;

	r = virtq_prepare(vq, size);
	if (r != 0)
		return r;
	vq->pages[0] = (void *)page_alloc();
	vq->pages[1] = (void *)page_alloc();
	if (vq->pages[0] == NULL || vq->pages[1] == NULL) {
		virtq_fini(vq);
		return -ENOMEM;
	}
	vq->desc = (struct virtq_desc *)vq->pages[0];
	vq->avail = (struct virtq_avail *)vq->pages[1];
	vq->used = (struct virtq_used *)((uint8_t *)vq->pages[1] +
	    VIRTQ_USED_OFF);
	virtq_start(vq, index, size, event_idx);
	return 0;
}

/* Free what virtq_init allocated; vq is zeroed. */
void
virtq_fini(struct virtq *vq)
{
	if (vq->pages[0] != NULL)
		page_free((uintptr_t)vq->pages[0]);
	if (vq->pages[1] != NULL)
		page_free((uintptr_t)vq->pages[1]);
	kfree(vq->area);
	kfree(vq->cookie);
	memset(vq, 0, sizeof(*vq));
}

/* See virtio.h. */
int
virtq_add(struct virtq *vq, const struct virtq_sg *sg, int nout, int nin,
    void *cookie)
{
	int n = nout + nin, i;
	uint16_t head, d = 0, prev = 0;

	if (n <= 0 || nout < 0 || nin < 0 || cookie == NULL)
		return -EINVAL;
	if (n > vq->nfree)
		return -ENOSPC;
	head = vq->free_head;
	for (i = 0; i < n; i++) {
		d = i == 0 ? head : vq->desc[prev].next;
		vq->desc[d].addr = sg[i].addr;
		vq->desc[d].len = sg[i].len;
		vq->desc[d].flags = (uint16_t)((i >= nout ? VIRTQ_DESC_F_WRITE :
		    0) | (i + 1 < n ? VIRTQ_DESC_F_NEXT : 0));
		prev = d;
	}
	/* The free list continues after the chain's last descriptor. */
	vq->free_head = vq->desc[d].next;
	vq->nfree = (uint16_t)(vq->nfree - n);
	vq->cookie[head] = cookie;
	vq->avail->ring[vq->avail_idx & (vq->size - 1)] = head;
	vq->avail_idx++;
	/* Descriptors and ring entry before the index (§2.7.13). */
	__atomic_store_n(&vq->avail->idx, vq->avail_idx, __ATOMIC_RELEASE);
	return 0;
}

/* See virtio.h. */
bool
virtq_kick_prepare(struct virtq *vq)
{
	uint16_t old = vq->kicked_idx, new_idx = vq->avail_idx;

	if (old == new_idx)
		return false;
	vq->kicked_idx = new_idx;
	/* Our idx store before the device's suppression field load. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (vq->event_idx)
		return need_event(__atomic_load_n(avail_event(vq),
		    __ATOMIC_RELAXED), new_idx, old);
	return (__atomic_load_n(&vq->used->flags, __ATOMIC_RELAXED) &
	    VIRTQ_USED_F_NO_NOTIFY) == 0;
}

/* See virtio.h. */
bool
virtq_pending(const struct virtq *vq)
{
	return __atomic_load_n(&vq->used->idx, __ATOMIC_ACQUIRE) !=
	    vq->last_used;
}

/* See virtio.h.  A corrupt id from the device panics: it is ours to trust. */
void *
virtq_get(struct virtq *vq, uint32_t *len)
{
	struct virtq_used_elem *e;
	uint16_t head, d, n = 1;
	void *cookie;

	if (!virtq_pending(vq))
		return NULL;
	e = &vq->used->ring[vq->last_used & (vq->size - 1)];
	head = (uint16_t)e->id;
	if (e->id >= vq->size || vq->cookie[head] == NULL)
		panic("virtq %u: device used descriptor %u, not ours",
		    vq->index, e->id);
	if (len != NULL)
		*len = e->len;
	vq->last_used++;
	cookie = vq->cookie[head];
	vq->cookie[head] = NULL;
	for (d = head; vq->desc[d].flags & VIRTQ_DESC_F_NEXT; n++)
		d = vq->desc[d].next;
	vq->desc[d].next = vq->free_head;
	vq->free_head = head;
	vq->nfree = (uint16_t)(vq->nfree + n);
	return cookie;
}

/*
 * See virtio.h.  With EVENT_IDX the flags must stay 0 (§2.7.10), so
 * used_event is set one behind what we have reaped: the device only
 * interrupts when its index crosses it, which it already has.
 */
void
virtq_disable_intr(struct virtq *vq)
{
	if (vq->event_idx)
		__atomic_store_n(used_event(vq), (uint16_t)(vq->last_used - 1),
		    __ATOMIC_RELAXED);
	else
		__atomic_store_n(&vq->avail->flags, VIRTQ_AVAIL_F_NO_INTERRUPT,
		    __ATOMIC_RELAXED);
}

/* See virtio.h. */
bool
virtq_enable_intr(struct virtq *vq)
{
	if (vq->event_idx)
		__atomic_store_n(used_event(vq), vq->last_used,
		    __ATOMIC_RELAXED);
	else
		__atomic_store_n(&vq->avail->flags, 0, __ATOMIC_RELAXED);
	/* The store above before the load of used->idx (§2.7.10). */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return !virtq_pending(vq);
}

/* See virtio.h.  Every chain is one avail entry, so avail_idx - last_used
 * chains are outstanding. */
bool
virtq_stalled(struct virtq *vq, uint64_t now, uint64_t limit)
{
	if (vq->avail_idx == vq->last_used || vq->last_used != vq->watch_used) {
		vq->watch_used = vq->last_used;
		vq->watch_since = now;
		return false;
	}
	if (now - vq->watch_since < limit)
		return false;
	vq->watch_since = now;
	return true;
}

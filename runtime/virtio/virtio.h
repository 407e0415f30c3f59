/* SPDX-License-Identifier: ISC */
/*
 * virtio.h: the virtio core shared by the PCI and MMIO transports and the
 * device drivers (net, entropy): the split virtqueue layout, status and
 * feature bits (virtio 1.2, OASIS, July 2022, cited by section), the
 * transport interface and the driver state of one virtqueue.
 *
 * Memory the device reads or writes (rings, buffers) comes from page_alloc
 * or kmalloc: identity-mapped RAM, so a pointer is its physical address
 * (virtio_pa).  Go heap addresses never reach a device.
 */
#ifndef VMGO_RUNTIME_VIRTIO_VIRTIO_H
#define VMGO_RUNTIME_VIRTIO_VIRTIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Device status field, §2.1. */
#define VIRTIO_STATUS_ACKNOWLEDGE	1
#define VIRTIO_STATUS_DRIVER		2
#define VIRTIO_STATUS_DRIVER_OK		4
#define VIRTIO_STATUS_FEATURES_OK	8
#define VIRTIO_STATUS_NEEDS_RESET	64
#define VIRTIO_STATUS_FAILED		128

/* Reserved (device-independent) feature bits, §6. */
#define VIRTIO_F_ANY_LAYOUT		27	/* legacy only, §6.3 */
#define VIRTIO_F_INDIRECT_DESC		28
#define VIRTIO_F_EVENT_IDX		29
#define VIRTIO_F_VERSION_1		32
#define VIRTIO_F_ACCESS_PLATFORM	33
#define VIRTIO_F_RING_PACKED		34
#define VIRTIO_F_IN_ORDER		35
#define VIRTIO_F_ORDER_PLATFORM		36
#define VIRTIO_F_SR_IOV			37
#define VIRTIO_F_NOTIFICATION_DATA	38
#define VIRTIO_BIT(b)			(1ULL << (b))

/* Device IDs, §5. */
#define VIRTIO_ID_NET		1
#define VIRTIO_ID_ENTROPY	4

/* Split virtqueue descriptor, §2.7.5. */
struct virtq_desc {
	uint64_t	addr;		/* le64, guest-physical */
	uint32_t	len;
	uint16_t	flags;
	uint16_t	next;
};
#define VIRTQ_DESC_F_NEXT	1	/* chain continues via next */
#define VIRTQ_DESC_F_WRITE	2	/* device writes (else reads) */
#define VIRTQ_DESC_F_INDIRECT	4

/* The driver area ("available ring"), §2.7.6; used_event follows ring[]. */
struct virtq_avail {
	uint16_t	flags;
	uint16_t	idx;
	uint16_t	ring[];
};
#define VIRTQ_AVAIL_F_NO_INTERRUPT	1

/* The device area ("used ring"), §2.7.8; avail_event follows ring[]. */
struct virtq_used_elem {
	uint32_t	id;		/* head of the chain */
	uint32_t	len;		/* bytes written into it */
};
struct virtq_used {
	uint16_t	flags;
	uint16_t	idx;
	struct virtq_used_elem ring[];
};
#define VIRTQ_USED_F_NO_NOTIFY	1

/*
 * Alignment of the three parts, §2.7 table "Virtqueue Part Alignment":
 * descriptors 16, driver area 2, device area 4.  We allocate them from
 * whole pages, which satisfies every transport.
 */
#define VIRTQ_MAX_SIZE		256	/* descriptors: one page of them */

/*
 * The legacy interface's layout (§2.7.2 "Legacy Interfaces: A Note on
 * Virtqueue Layout"): one physically contiguous block, page-aligned,
 * with the descriptors, the driver area (6 + 2 * size bytes, used_event
 * included) and, from the next multiple of the QueueAlign we write, the
 * device area.  4096: the page size, as Linux uses (QEMU computes the
 * driver area as 4 + 2 * size bytes; both round to the same boundary at
 * this alignment).
 */
#define VIRTQ_LEGACY_ALIGN	4096

/* One piece of a buffer for virtq_add. */
struct virtq_sg {
	uint64_t	addr;		/* physical */
	uint32_t	len;
};

/* Driver state of one split virtqueue (virtq.c). */
struct virtq {
	uint16_t		index;		/* queue number on the device */
	uint16_t		size;		/* descriptors, a power of 2 */
	bool			event_idx;	/* VIRTIO_F_EVENT_IDX negotiated */
	struct virtq_desc	*desc;
	struct virtq_avail	*avail;
	struct virtq_used	*used;
	uint16_t		free_head;	/* free descriptors, chained */
	uint16_t		nfree;
	uint16_t		avail_idx;	/* our copy of avail->idx */
	uint16_t		kicked_idx;	/* avail_idx at the last kick */
	uint16_t		last_used;	/* next used entry to reap */
	void			**cookie;	/* per chain head */
	void			*pages[2];	/* the memory behind the rings */
	void			*area;		/* legacy: all of it, contiguous */
	void			*notify_addr;	/* transport: where to notify */
	uint16_t		msix_vector;	/* transport: PCI MSI-X entry */
	uint16_t		watch_used;	/* virtq_stalled: last_used... */
	uint64_t		watch_since;	/* ...unchanged since then */
};

/* Guest-physical address of runtime memory (identity-mapped RAM). */
static inline uint64_t
virtio_pa(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

/*
 * virtq.c: split virtqueues (§2.7).  A virtq is used by one thread at a
 * time (the caller serialises: the net core lock for vnet); nothing here
 * blocks or takes locks, so the host unit tests drive it directly.
 */
/* Allocate rings for size descriptors (a power of 2, at most
 * VIRTQ_MAX_SIZE) and set vq up empty.  0, -EINVAL, -ENOMEM. */
int	virtq_init(struct virtq *vq, uint16_t index, uint16_t size,
	    bool event_idx);
/*
 * virtq_init with the legacy layout (VIRTQ_LEGACY_ALIGN; vq->desc is the
 * block's page-aligned start, what QueuePFN names).  Same results.
 */
int	virtq_init_legacy(struct virtq *vq, uint16_t index, uint16_t size,
	    bool event_idx);
/* Bytes of the legacy block for size descriptors: the device area ends
 * there (§2.7.2 legacy note). */
size_t	virtq_legacy_bytes(uint16_t size);
/* Free the rings (the device must be reset or the queue disabled). */
void	virtq_fini(struct virtq *vq);
/*
 * Put a chain of nout device-readable then nin device-writable pieces on
 * the available ring, with cookie (not NULL) to get back from virtq_get.
 * Made visible to the device (avail->idx) at once; notify with
 * virtq_kick_prepare.  0, or -ENOSPC when fewer than nout + nin
 * descriptors are free, -EINVAL for an empty chain.
 */
int	virtq_add(struct virtq *vq, const struct virtq_sg *sg, int nout,
	    int nin, void *cookie);
/*
 * After one or more virtq_add: does the device want a notification
 * (§2.7.10: avail_event with EVENT_IDX, else used->flags)?  Full barrier
 * first.  True means "write the transport's notify register now".
 */
bool	virtq_kick_prepare(struct virtq *vq);
/* The next chain the device has used: its cookie, and the bytes written in
 * *len; its descriptors are free again.  NULL when none. */
void	*virtq_get(struct virtq *vq, uint32_t *len);
/* Used chains waiting for virtq_get? */
bool	virtq_pending(const struct virtq *vq);
/* Ask the device not to interrupt for this queue (a hint, §2.7.7). */
void	virtq_disable_intr(struct virtq *vq);
/*
 * Ask for an interrupt on the next used chain after those reaped so far
 * (with EVENT_IDX: after the last virtq_get; call this again once the
 * ring is drained), then re-check (§2.7.10):
 * true if the ring is still empty (safe to sleep until the interrupt),
 * false if chains raced in (poll again; interrupts stay requested).
 */
bool	virtq_enable_intr(struct virtq *vq);
/*
 * Has the device sat on this queue for limit ns?  True when chains are
 * outstanding (made available, not yet used) and last_used has not moved
 * for limit ns of the times (now, monotonic) the caller passes; the clock
 * then restarts, so a stall is reported once per limit.  The caller
 * notifies the device again: see vnet.c, "Lost notifications".
 */
bool	virtq_stalled(struct virtq *vq, uint64_t now, uint64_t limit);

/*
 * A virtio device as its driver sees it, behind one of the transports
 * (virtio_pci.c, virtio_mmio.c).
 */
struct virtio_dev;

/* Why a device interrupted (the handler's why argument). */
#define VIRTIO_INTR_VQ		0x1	/* some queue has used buffers */
#define VIRTIO_INTR_CONFIG	0x2	/* the configuration changed */

typedef void (*virtio_intr_fn)(void *arg, unsigned int why);

struct virtio_ops {
	uint8_t	(*get_status)(struct virtio_dev *d);
	/* Write status; 0 resets the device (and waits until it is). */
	void	(*set_status)(struct virtio_dev *d, uint8_t status);
	uint64_t (*get_features)(struct virtio_dev *d);
	void	(*set_features)(struct virtio_dev *d, uint64_t f);
	/* Copy len bytes of device config at off, consistent per §2.5.1
	 * (config generation re-checked). */
	void	(*read_config)(struct virtio_dev *d, unsigned int off,
		    void *buf, unsigned int len);
	/* Largest size of queue index, 0 if there is no such queue. */
	uint16_t (*queue_max)(struct virtio_dev *d, uint16_t index);
	/* Give the device vq's rings and enable it.  0 or -errno. */
	int	(*queue_enable)(struct virtio_dev *d, struct virtq *vq);
	/* Notify the device of new available buffers in vq. */
	void	(*notify)(struct virtio_dev *d, struct virtq *vq);
	/*
	 * Route the device's interrupts (nvq queues and the config change)
	 * to fn(arg, why), called in interrupt context with the device
	 * already acknowledged.  Before queue_enable.  0, or -errno (then
	 * the driver polls: virtio_poll_thread).
	 */
	int	(*setup_intr)(struct virtio_dev *d, int nvq, virtio_intr_fn fn,
		    void *arg);
};

struct virtio_dev {
	const struct virtio_ops	*ops;
	void			*tp;		/* transport state */
	uint16_t		device_id;	/* VIRTIO_ID_* */
	uint64_t		features;	/* negotiated */
	char			where[32];	/* "pci 00:03.0", "mmio 0x..." */
	const char		*intr_kind;	/* "MSI-X", "IOAPIC GSI 12"... */
	/*
	 * The legacy interface (virtio-mmio version 1, §4.2.4): 32 feature
	 * bits, no VERSION_1 and no FEATURES_OK (§3.1.2), contiguous rings
	 * (virtq_init_legacy), guest-native (here little) endian.  Set by
	 * the transport before virtio_attach; PCI devices are never legacy.
	 */
	bool			legacy;
};

/* virtio.c: device initialisation and discovery */
/*
 * Steps 1-6 of §3.1.1: reset, ACKNOWLEDGE, DRIVER, feature negotiation
 * (wanted & offered, required must all be offered, VERSION_1 always
 * required), FEATURES_OK and its check.  On success d->features holds the
 * result.  0, -ENOTSUP (a required feature is missing: status FAILED),
 * -EIO (the device refused FEATURES_OK).  A legacy device (d->legacy):
 * §3.1.2, only bits 0-31, VERSION_1 not required, no FEATURES_OK step.
 */
int	virtio_negotiate(struct virtio_dev *d, uint64_t wanted,
	    uint64_t required);
/* Allocate and enable queue index with at most max descriptors (the
 * legacy layout for a legacy device).  0,
 * -ENODEV (no such queue), -ENOMEM, -errno from the transport. */
int	virtio_queue_setup(struct virtio_dev *d, struct virtq *vq,
	    uint16_t index, uint16_t max);
/* Step 8: DRIVER_OK. */
void	virtio_ready(struct virtio_dev *d);
/* Give up on d: status FAILED (§3.1.1 step "if any step fails"). */
void	virtio_fail(struct virtio_dev *d);
/* Notify the device if vq wants it (virtq_kick_prepare). */
void	virtio_kick(struct virtio_dev *d, struct virtq *vq);
/*
 * Without interrupts: a thread calling fn(arg, VIRTIO_INTR_VQ) every
 * millisecond.  0 or -errno.  Boot, thread context.
 */
int	virtio_poll_thread(virtio_intr_fn fn, void *arg);
/* With vmgo.verbose=1? */
bool	virtio_verbose(void);
/* Hand a found device to its driver (net, entropy); others are ignored.
 * Boot, thread context. */
void	virtio_attach(struct virtio_dev *d);
/* Find every virtio device (PCI, then MMIO) and attach it; once (later
 * calls return the first result).  How many NICs attached. */
int	virtio_probe_all(void);

/* virtio_pci.c: the modern PCI transport (§4.1) */
struct pci_dev;
/* If p is a virtio device, set it up and virtio_attach it. */
void	virtio_pci_probe(struct pci_dev *p);

/* virtio_mmio.c: the MMIO transport (§4.2), version 2 and legacy 1 */
/* Find the devices (command line, ACPI) and virtio_attach each. */
void	virtio_mmio_probe_all(void);

/* vnet.c: virtio-net (§5.1) */
/* Set d up as a NIC and nic_attach it.  0 or -errno (reported). */
int	vnet_attach(struct virtio_dev *d);
/* NICs attached so far. */
extern int vnet_count;

/* vrng.c: virtio-rng (§5.4) */
/* Read a seed from d into the entropy pool.  0 or -errno. */
int	vrng_attach(struct virtio_dev *d);

#endif

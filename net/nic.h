/* SPDX-License-Identifier: ISC */
/*
 * nic.h: the boundary between network drivers (runtime/virtio/vnet.c and
 * any later one) and the network stack (net/).  Drivers include only
 * this; nothing of lwIP crosses it, so a driver can be unit-tested on the
 * host against a fake stack and the stack against a fake driver.
 *
 * The flow:
 *
 *   probe    a driver finds its device at boot (net_init() calls
 *            nic_probe_all(), which calls each driver's probe) and hands
 *            a filled struct nic to nic_attach().
 *   receive  the device interrupts; the driver's interrupt handler masks
 *            or acknowledges the device's interrupt and calls nic_kick():
 *            nothing more in interrupt context.  The stack's network
 *            thread then calls ops->rx_poll, which passes each received
 *            frame to nic_input() and re-enables the device's interrupt
 *            once its ring is empty (re-checking after enabling, so a
 *            frame that raced in is not stranded: virtio 1.2 §2.7.10).
 *   transmit the stack calls ops->tx with one frame as a list of
 *            segments; the driver copies them into its own DMA buffers
 *            (stack memory may be anywhere) and notifies the device.
 *            The driver reclaims completed buffers on every tx and
 *            rx_poll call.  When the ring is full tx returns -ENOBUFS:
 *            the stack keeps a TCP segment back and drops anything else,
 *            as a full interface queue would; the driver then watches
 *            for completed buffers and, once it has room, calls
 *            nic_tx_room() from rx_poll, and the stack sends what it
 *            kept.
 *
 * Locking: every ops call is made by the stack with the net core lock
 * held (net/net.h), thread context, interrupts on.  Driver interrupt
 * handlers never take that lock; they touch only the device and call
 * nic_kick().
 */
#ifndef VMGO_NET_NIC_H
#define VMGO_NET_NIC_H

#include <stddef.h>
#include <stdint.h>

#define NIC_NAME_MAX	8	/* "vio0" and the NUL */
#define NIC_ETH_HLEN	14	/* Ethernet header: dst, src, type */
#define NIC_MTU_DEFAULT	1500
#define NIC_FRAME_MAX	(NIC_ETH_HLEN + 65535)	/* largest TSO frame */

/* Offloads a device offers (struct nic.features). */
#define NIC_F_TX_CSUM	0x01	/* tx may leave TCP/UDP checksums to the
				   device: see struct nic_tx_meta */
#define NIC_F_RX_CSUM	0x02	/* nic_input's csum_ok may be true */
#define NIC_F_TSO4	0x04	/* tx frames up to NIC_FRAME_MAX (TCPv4) */
#define NIC_F_TSO6	0x08	/* the same for TCPv6 */

/* One piece of a frame to send. */
struct nic_seg {
	const void	*base;
	size_t		len;
};

/*
 * What the stack tells the driver about a frame it sends.  Zeroed means
 * "nothing to offload": the frame is complete as it is.
 */
struct nic_tx_meta {
	uint16_t	csum_start;	/* with NIC_F_TX_CSUM: the device computes
					   the checksum from this byte offset to
					   the end and stores it at
					   csum_start + csum_offset (virtio 1.2
					   §5.1.6.2 NEEDS_CSUM); 0 = none */
	uint16_t	csum_offset;
	uint16_t	gso_size;	/* with NIC_F_TSO*: MSS to cut the
					   frame into; 0 = not a TSO frame */
	uint8_t		gso_v6;		/* the TSO frame is TCPv6 */
};

struct nic;

struct nic_ops {
	/*
	 * Queue one frame (Ethernet header included, no FCS), the
	 * concatenation of seg[0..nseg).  The data is copied before tx
	 * returns.  0, -ENOBUFS (ring full: not queued, and nic_tx_room()
	 * follows when there is room), -EMSGSIZE.
	 */
	int	(*tx)(struct nic *nic, const struct nic_seg *seg, int nseg,
		    const struct nic_tx_meta *meta);
	/*
	 * Pass up to budget received frames to nic_input(); returns how
	 * many it passed.  When it returns less than budget the ring was
	 * empty and the device's interrupt is enabled again.
	 */
	int	(*rx_poll)(struct nic *nic, int budget);
};

struct nic {
	char			name[NIC_NAME_MAX];	/* set by nic_attach */
	uint8_t			mac[6];
	uint16_t		mtu;		/* payload MTU, 1500 usually */
	uint32_t		features;	/* NIC_F_* */
	const struct nic_ops	*ops;
	void			*drv;		/* the driver's state */
	void			*stack;		/* the stack's state (net/) */
	uint64_t		rx_frames, rx_drops, tx_frames;
	uint64_t		tx_drops;	/* refused (ring full) or lost */
	uint64_t		tx_renotify;	/* lost notifications redone */
};

/*
 * Driver side, provided by the stack (net/)
 */
/*
 * Register a probed device: the stack names it ("vio0", "vio1"... in
 * attach order), adds an interface for it and configures it from the
 * command line (DHCP by default).  0 or -errno (-ENOMEM, -ENOSPC when
 * too many).  Boot, thread context, before the first nic_kick.
 */
int	nic_attach(struct nic *nic);
/*
 * A received frame, the concatenation of seg[0..nseg) (Ethernet header
 * first, no FCS), at most NIC_FRAME_MAX bytes.  csum_ok: its TCP/UDP
 * checksum needs no check (NIC_F_RX_CSUM: the device checked it, or the
 * frame never left the host and carries a partial one).  The stack copies
 * what it keeps.  Only from ops->rx_poll.
 */
void	nic_input(struct nic *nic, const struct nic_seg *seg, int nseg,
	    int csum_ok);
/*
 * The device has work for the stack (frames received, transmit buffers
 * freed): wake the network thread.  Any context, interrupt handlers
 * included; cheap when the thread is already awake.
 */
void	nic_kick(struct nic *nic);
/*
 * The driver has room again after tx returned -ENOBUFS: the stack sends
 * what it kept back, calling tx again.  Only from ops->rx_poll.
 */
void	nic_tx_room(struct nic *nic);

/*
 * Stack side, provided by the drivers (runtime/virtio/)
 */
/*
 * Find every network device on every bus and nic_attach() each.  Returns
 * how many were attached.  Boot, thread context; a device that fails to
 * initialise is reported on the console and skipped.
 */
int	nic_probe_all(void);

#endif

/* SPDX-License-Identifier: ISC */
/*
 * net.h: the network stack's internal API (net/), used by the socket
 * layer, runtime/libc and kmain.  lwIP runs in NO_SYS mode: its raw API is
 * called only with the net core lock held, by the network thread (frames,
 * timers) and by threads making socket calls.  Drivers use net/nic.h.
 *
 * Lock order: net core lock -> kq_lock (file_notify) -> fd table lock,
 * as fs/fs.h requires.  The core lock is a sleeping lock: never taken in
 * interrupt context or with a spin lock held.
 */
#ifndef VMGO_NET_NET_H
#define VMGO_NET_NET_H

#include <stdbool.h>
#include <stdint.h>

struct cmdline;

/*
 * Bring networking up: the loopback interface, every NIC the drivers find
 * (nic_probe_all), addresses from the command line or DHCP, the network
 * thread.  Never fails the boot: problems are reported on the console and
 * the program still starts.  kmain, after vfs_init, thread context.
 */
void	net_init(const struct cmdline *c);

/* The core lock.  Thread context; not recursive. */
void	net_lock(void);
void	net_unlock(void);
/* Held by the calling thread?  (for assertions) */
bool	net_locked(void);

/*
 * A condition to sleep on with the core lock held (a sequence number and
 * a futex): socket calls wait for data, space, a connection.
 */
struct net_cond {
	uint32_t	seq;
};
/*
 * Release the core lock, sleep until net_cond_broadcast(c) or the
 * monotonic deadline (ns, 0 = none), retake the lock.  0 when woken (or
 * spuriously), -ETIMEDOUT at the deadline.  Core lock held.
 */
int	net_cond_wait(struct net_cond *c, uint64_t deadline);
/* Wake every waiter of c.  Core lock held. */
void	net_cond_broadcast(struct net_cond *c);

#endif

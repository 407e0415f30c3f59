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
	uint32_t	waiters;	/* in net_cond_wait (core lock) */
};
/*
 * Release the core lock, sleep until net_cond_broadcast(c) or the
 * monotonic deadline (ns, 0 = none), retake the lock.  0 when woken (or
 * spuriously), -ETIMEDOUT at the deadline.  Core lock held.
 */
int	net_cond_wait(struct net_cond *c, uint64_t deadline);
/* Wake every waiter of c.  Core lock held. */
void	net_cond_broadcast(struct net_cond *c);

/*
 * Interfaces, for net.Interfaces()/InterfaceAddrs() (sysctl NET_RT_IFLIST)
 * and SIOCGIF*.  Flags, types and address families use OpenBSD's values
 * (<net/if.h>, <net/if_types.h>, <sys/socket.h>), so the socket layer
 * copies them as they are.
 */
#define NET_IFF_UP		0x1
#define NET_IFF_BROADCAST	0x2
#define NET_IFF_LOOPBACK	0x8
#define NET_IFF_RUNNING		0x40
#define NET_IFF_MULTICAST	0x8000
#define NET_IFT_ETHER		0x06
#define NET_IFT_LOOP		0x18
#define NET_AF_INET		2
#define NET_AF_INET6		24

/* One interface address. */
struct net_ifaddr {
	int		family;		/* AF_INET, AF_INET6 */
	uint8_t		addr[16];	/* network byte order; IPv4 in 0..3 */
	uint8_t		mask[16];	/* the prefix as a mask, same layout */
};
#define NET_IFADDR_MAX	8
/* One interface. */
struct net_ifinfo {
	char		name[16];	/* "lo0", "vio0" */
	int		index;		/* from 1: lwIP's netif index, also the
					   IPv6 zone of link-local addresses */
	int		flags;		/* IFF_* (NET_IFF_*) */
	int		type;		/* IFT_* (NET_IFT_*) */
	uint32_t	mtu;
	uint8_t		hwaddr[6];
	int		hwlen;		/* 0 or 6 */
	int		naddr;
	struct net_ifaddr addrs[NET_IFADDR_MAX];	/* IPv4 first, then
					   the valid IPv6 ones */
};
/*
 * Fill ifs[0..max) with the interfaces up to now, in index order; returns
 * how many there are (may exceed max).  Takes the core lock: not with it
 * held.  Thread context.
 */
int	net_if_list(struct net_ifinfo *ifs, int max);

#endif

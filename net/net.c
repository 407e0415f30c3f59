/* SPDX-License-Identifier: ISC */
/*
 * net.c: the core of the network stack: the core lock every lwIP call is
 * made under, the condition socket calls sleep on, and the network
 * thread, which receives frames, runs lwIP's timers and delivers frames
 * looped back to our own addresses.  net_init brings it all up.
 */
#include "kernel.h"

#include "lwip/init.h"
#include "lwip/netif.h"
#include "lwip/timeouts.h"

#include "stack.h"

#define NET_THREAD_STACK	(128 * 1024)
#define NET_LOOP_MTU		32768

/*
 * The core lock: a futex mutex (Drepper, "Futexes Are Tricky", mutex 2).
 * state 0 free, 1 held, 2 held and maybe waited for; the uncontended
 * lock and unlock are one atomic instruction each.
 */
static struct {
	uint32_t	state;
	struct thread	*owner;		/* for net_locked() */
} core;

/*
 * Waking the network thread.  futex_wake is not for interrupt handlers,
 * so the thread sleeps on a wait queue whose spin lock is taken with
 * interrupts off (waitq.c), and a kick is an atomic flag (cheap when it
 * is already set) plus waitq_wake under that lock.
 */
static struct spinlock kick_lock;
static struct waitq kick_wq = WAITQ_INIT(kick_wq);
static uint32_t kicked = 1;		/* first round: start the timers */

bool net_verbose;
struct net_config net_cfg;

/* Take the core lock.  Thread context; not recursive. */
void
net_lock(void)
{
	uint32_t c = 0;

	if (!__atomic_compare_exchange_n(&core.state, &c, 1, false,
	    __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
		if (c != 2)
			c = __atomic_exchange_n(&core.state, 2,
			    __ATOMIC_ACQUIRE);
		while (c != 0) {
			(void)futex_wait(&core.state, &core.state, 2, 0);
			c = __atomic_exchange_n(&core.state, 2,
			    __ATOMIC_ACQUIRE);
		}
	}
	__atomic_store_n(&core.owner, thread_current(), __ATOMIC_RELAXED);
}

/* Release the core lock.  Held by the caller. */
void
net_unlock(void)
{
	__atomic_store_n(&core.owner, NULL, __ATOMIC_RELAXED);
	if (__atomic_exchange_n(&core.state, 0, __ATOMIC_RELEASE) == 2)
		(void)futex_wake(&core.state, 1);
}

/* Is the core lock held by the calling thread?  Thread context. */
bool
net_locked(void)
{
	return __atomic_load_n(&core.state, __ATOMIC_RELAXED) != 0 &&
	    __atomic_load_n(&core.owner, __ATOMIC_RELAXED) ==
	    thread_current();
}

/*
 * Sleep until net_cond_broadcast(c) or deadline.  The sequence number is
 * read with the lock held and the broadcaster changes it with the lock
 * held, so a broadcast between our unlock and the futex sleep makes
 * futex_wait return at once instead of being lost.  Core lock held.
 */
int
net_cond_wait(struct net_cond *c, uint64_t deadline)
{
	uint32_t seq = c->seq;
	int r;

	c->waiters++;
	net_unlock();
	r = futex_wait(&c->seq, &c->seq, seq, deadline);
	net_lock();
	c->waiters--;
	return r == -ETIMEDOUT ? -ETIMEDOUT : 0;
}

/* Wake every waiter of c.  Core lock held. */
void
net_cond_broadcast(struct net_cond *c)
{
	__atomic_store_n(&c->seq, c->seq + 1, __ATOMIC_RELEASE);
	if (c->waiters != 0)
		(void)futex_wake(&c->seq, 0);
}

/* Wake the network thread.  Any context, interrupt handlers included. */
void
net_kick(void)
{
	uint64_t f;

	if (__atomic_exchange_n(&kicked, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	f = spin_lock_irqsave(&kick_lock);
	(void)waitq_wake(&kick_wq, 0);
	spin_unlock_irqrestore(&kick_lock, f);
}

/* The device has work for the stack.  Any context (net/nic.h). */
void
nic_kick(struct nic *nic)
{
	net_kick();
}

/* lwipopts.h's tcpip_try_callback: looped-back frames wait for
 * netif_poll.  Core lock held. */
void
net_port_loop_kick(void)
{
	net_kick();
}

/*
 * Until the drivers are linked in, no NIC: the drivers' nic_probe_all
 * (runtime/virtio/) overrides this one.
 */
__attribute__((weak)) int
nic_probe_all(void)
{
	return 0;
}

/*
 * The network thread: sleep until kicked or until lwIP's next timeout,
 * then, under the core lock, take in received frames (a budget per NIC
 * per round, so one busy NIC does not starve timers or socket calls),
 * run due timers and deliver looped-back frames.
 */
static void *
net_thread(void *arg)
{
	struct netif *ni;
	uint64_t f, deadline = 0;
	uint32_t ms;
	bool more;

	for (;;) {
		f = spin_lock_irqsave(&kick_lock);
		if (__atomic_load_n(&kicked, __ATOMIC_ACQUIRE) == 0)
			(void)thread_wait(&kick_wq, &kick_lock, deadline);
		spin_unlock_irqrestore(&kick_lock, f);
		__atomic_store_n(&kicked, 0, __ATOMIC_RELEASE);

		net_lock();
		more = net_rx_poll_all();
		sys_check_timeouts();
		NETIF_FOREACH(ni)
			netif_poll(ni);
		ms = sys_timeouts_sleeptime();
		net_unlock();

		if (more)
			__atomic_store_n(&kicked, 1, __ATOMIC_RELEASE);
		deadline = ms == SYS_TIMEOUTS_SLEEPTIME_INFINITE ? 0 :
		    time_monotonic() + (uint64_t)ms * 1000000;
	}
	/* NOTREACHED */
	return NULL;
}

/*
 * Bring networking up: lwIP with its loopback interface (lo0, 127.0.0.1
 * and ::1), every NIC the drivers find, and the network thread.  Never
 * fails the boot.  kmain, after vfs_init, thread context.
 */
void
net_init(const struct cmdline *c)
{
	const char *v = cmdline_vmgo(c, "verbose");
	struct netif *ni;
	int r;

	net_verbose = v != NULL && strcmp(v, "1") == 0;
	net_config_parse(c, &net_cfg);
	for (r = 0; r < net_cfg.nerr; r++)
		kprintf("vmgo: %s\n", net_cfg.err[r]);
	net_lock();
	lwip_init();			/* and lo0 with 127.0.0.1, ::1 */
	NETIF_FOREACH(ni) {
		if (ni->mtu == 0)	/* lo0: OpenBSD's loopback MTU */
			ni->mtu = NET_LOOP_MTU;
	}
	net_iface_init();
	net_unlock();

	(void)nic_probe_all();
	if (net_cfg.dev[0] != '\0' && net_cfg.mode != NET_CFG_DHCP &&
	    !net_iface_named(net_cfg.dev))
		kprintf("vmgo: ip=: no network device %s (there are %d)\n",
		    net_cfg.dev, net_niface);

	r = thread_create(net_thread, NULL, NET_THREAD_STACK, ~0U, NULL);
	if (r != 0) {
		kprintf("vmgo: no network: cannot start its thread (%d)\n", r);
		return;
	}
	if (net_verbose) {
		net_lock();
		net_iface_report();
		net_unlock();
	}
}

/* SPDX-License-Identifier: ISC */
/*
 * socket.h: the socket layer (net/socket.c, sock_tcp.c, sock_udp.c,
 * sockaddr.c, route.c), used by the libc edge runtime/libc/socket.c.
 *
 * A struct socket is the object behind a socket's struct file: its
 * protocol (TCP or UDP on lwIP's raw API), state, pending error, options,
 * receive queue and a snapshot of its readiness for kqueue.  Every field
 * is guarded by the net core lock (net/net.h), which each sock_* call
 * takes itself; lwIP's callbacks run with it held (network thread).
 * kqueue's poll runs under kq_lock and so cannot take the core lock: it
 * reads the readiness snapshot (p_* fields, atomics), which sock_event()
 * refreshes, under the core lock, on every change before calling
 * file_notify().
 *
 * Addresses cross between the ABI (OpenBSD sockaddr_in/in6, sockaddr.c)
 * and the protocols (lwIP ip_addr_t) as a struct sock_addr, which
 * depends on neither.  Errors are OpenBSD errno values, negated.
 */
#ifndef VMGO_NET_SOCKET_H
#define VMGO_NET_SOCKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "list.h"
#include "net.h"

struct file;
struct file_poll;
struct iovec;
struct tcp_pcb;
struct udp_pcb;
struct pbuf;

/*
 * An IPv4 or IPv6 address and port, host byte order for the port; or an
 * AF_UNIX name, by reference so that the struct stays small: the
 * socket's own copies (sock_unix.c), or the caller's buffer of
 * SOCK_PATH_MAX bytes for bind/connect/sendto and for recv to fill.
 */
#define SOCK_PATH_MAX	104	/* OpenBSD <sys/un.h>: sun_path[104] */
struct sock_addr {
	int		family;		/* AF_INET, AF_INET6, AF_UNIX */
	union {
		struct {
			uint8_t		addr[16];	/* AF_INET: addr[0..4),
							   network order */
			uint16_t	port;
			uint32_t	scope;		/* AF_INET6 zone
							   (interface index) */
		};
		char	*path;		/* AF_UNIX: NUL-terminated, "" for
					   an unnamed socket */
	};
};

/* socket states */
#define SS_NEW		0	/* fresh, maybe bound */
#define SS_LISTEN	1	/* TCP listen(2) done */
#define SS_CONNECTING	2	/* TCP connect in progress */
#define SS_CONNECTED	3	/* TCP established, or UDP with a peer */
#define SS_CLOSED	4	/* TCP: reset, failed or finished; no pcb */

/* so->opts: SOL_SOCKET boolean options, by their OpenBSD bits */

struct sock_dgram;
struct sock_proto;
struct sock_mcast;
struct sock_unix;

struct socket {
	const struct sock_proto *proto;
	struct file	*fp;		/* NULL while on an accept queue and
					   once the file is closing */
	struct list	all_link;	/* sock_all: every socket */
	int		domain;		/* AF_INET, AF_INET6, AF_UNIX */
	int		type;		/* SOCK_STREAM, SOCK_DGRAM,
					   SOCK_SEQPACKET (AF_UNIX) */
	int		state;		/* SS_* */
	int		error;		/* pending error (SO_ERROR), > 0 */
	int		opts;		/* SO_* boolean options set */
	bool		v6only;		/* IPV6_V6ONLY (OpenBSD default 1) */
	bool		bound;		/* has a local address and port */
	bool		rd_eof;		/* no more data will arrive */
	bool		rd_shut;	/* shutdown(SHUT_RD) */
	bool		wr_shut;	/* shutdown(SHUT_WR) or FIN sent */
	bool		nodelay;	/* TCP_NODELAY */
	int		linger_on, linger_sec;
	int		rcvbuf, sndbuf;
	int		rcvlowat, sndlowat;
	uint8_t		tos, ttl;
	uint64_t	rcvtimeo, sndtimeo;	/* ns, 0 = none */
	struct net_cond	cond;		/* any change: waiters re-check */
	union {
		struct tcp_pcb	*tcp;
		struct udp_pcb	*udp;
		struct sock_unix *unp;	/* AF_UNIX (sock_unix.c) */
	} pcb;				/* NULL once lwIP dropped it */
	/* addresses kept for after lwIP dropped the pcb */
	struct sock_addr local, peer;
	/* receive queue */
	struct pbuf	*rcvq;		/* TCP: bytes in order (sock_tcp.c) */
	struct pbuf	*rcvq_tail;
	size_t		rcv_off;	/* bytes of rcvq already read */
	size_t		rcv_ahead;	/* window credited before reading */
	struct sock_dgram *dq_head, *dq_tail;	/* UDP: datagrams */
	struct sock_mcast *mcast;	/* UDP: groups joined (sock_mcast.c) */
	size_t		rcv_cc;		/* bytes queued */
	/* listening (TCP) */
	struct socket	*acq_head, *acq_tail;	/* established, unaccepted */
	int		acq_len;
	int		backlog;
	struct socket	*acq_next;	/* link on the listener's queue */
	struct socket	*listener;	/* the listener, while queued */
	/* readiness snapshot for kqueue (atomic loads) */
	uint32_t	p_ready;	/* FILE_EV_* */
	int64_t		p_nread, p_nwrite;
	int		p_error;
	uint64_t	ino;
	int64_t		ctime_ns;
};

/*
 * What a protocol does for the generic layer.  Every op runs with the
 * core lock held and returns 0, a byte count, or -errno.
 */
struct sock_proto {
	int	type;			/* SOCK_STREAM or SOCK_DGRAM; 0:
					   sock_create's (AF_UNIX) */
	/* Create the pcb. */
	int	(*attach)(struct socket *so);
	int	(*bind)(struct socket *so, const struct sock_addr *a);
	int	(*listen)(struct socket *so, int backlog);
	/* a->family AF_UNSPEC: dissolve a UDP association. */
	int	(*connect)(struct socket *so, const struct sock_addr *a,
		    bool nonblock);
	/* Take the first queued connection (TCP): *childp, or -EAGAIN. */
	int	(*accept)(struct socket *so, struct socket **childp);
	/* Put a connection accept took back at the head of the queue. */
	void	(*requeue)(struct socket *so, struct socket *child);
	long	(*send)(struct socket *so, const struct iovec *iov, int iovcnt,
		    int flags, const struct sock_addr *to, bool nonblock);
	/* *flags: MSG_* in, MSG_TRUNC out (datagram cut).  AF_UNIX:
	 * from->path is a SOCK_PATH_MAX buffer to fill. */
	long	(*recv)(struct socket *so, const struct iovec *iov, int iovcnt,
		    int *flags, struct sock_addr *from, bool nonblock);
	int	(*shutdown)(struct socket *so, int how);
	/* Local or peer address (peer: -ENOTCONN unless connected). */
	int	(*name)(struct socket *so, struct sock_addr *a, bool peer);
	/* Options of levels other than SOL_SOCKET, and SOL_SOCKET ones the
	 * protocol acts on (after the generic layer stored them). */
	int	(*setopt)(struct socket *so, int level, int name,
		    const void *val, unsigned int len);
	int	(*getopt)(struct socket *so, int level, int name, void *val,
		    unsigned int *len);
	/* Readiness now, for the snapshot. */
	void	(*poll)(struct socket *so, struct file_poll *st);
	/* The file is gone: release the pcb and queued data (not so). */
	void	(*detach)(struct socket *so);
};

extern const struct sock_proto sock_tcp_proto;
extern const struct sock_proto sock_udp_proto;
extern const struct sock_proto sock_unix_proto;

/* sock_unix.c: AF_UNIX sockets */
/* Open files passed along with data (SCM_RIGHTS), a reference each. */
struct sock_fds {
	struct file	**fps;		/* kmalloc'ed array */
	int		n;
};
/* Drop the references and the array.  Not with the core lock held. */
void	sock_fds_release(struct sock_fds *fds);
/*
 * The protocol's send and recv with files (core lock held).  send: fds
 * (n > 0) go with the data and are taken over (fds->n becomes 0) once it
 * is queued.  recv: fds (n 0 on entry) gets the files that came with
 * what was read; files read past by a recv without fds are closed.
 */
long	sock_unix_send(struct socket *so, const struct iovec *iov,
	    int iovcnt, int flags, const struct sock_addr *to, bool nonblock,
	    struct sock_fds *fds);
long	sock_unix_recv(struct socket *so, const struct iovec *iov,
	    int iovcnt, int *flags, struct sock_addr *from, bool nonblock,
	    struct sock_fds *fds);
/* Release the files of records dropped with the core lock held (a
 * close, shutdown or read of them).  Core lock not held. */
void	sock_unix_reap(void);
/*
 * socketpair(2) without the fds: two connected AF_UNIX sockets of type
 * (SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET) in fps[0], fps[1].  0 or the
 * errors of sock_create.  Thread context.
 */
int	sock_pair(int type, int protocol, bool nonblock, struct file *fps[2]);
/*
 * A sockaddr_un (OpenBSD layout: sun_len, 8-bit sun_family, sun_path)
 * of len bytes at sa as a sock_addr whose path is copied to
 * buf[SOCK_PATH_MAX]; AF_UNSPEC passes through.  0, -EFAULT, -EINVAL
 * (short, or a path without room for its NUL), -EAFNOSUPPORT.
 */
int	sockaddr_un_decode(const void *sa, unsigned int len,
	    struct sock_addr *out, char *buf);
/* sockaddr_encode's AF_UNIX twin: an unnamed socket gives OpenBSD's
 * sun_noname (16 bytes, an empty path). */
unsigned int sockaddr_un_encode(const struct sock_addr *a, void *sa,
	    unsigned int *lenp);

/* socket.c: the socket object and its file */
/*
 * socket(2) without the fd: a new socket file (O_RDWR, O_NONBLOCK when
 * nonblock).  0, -EAFNOSUPPORT, -EPROTONOSUPPORT, -EPROTOTYPE, -ENOMEM,
 * -ENOBUFS (lwIP out of pcbs).  Thread context.
 */
int	sock_create(int domain, int type, int protocol, bool nonblock,
	    struct file **fpp);
/* The socket behind fp, or NULL if fp is not a socket. */
struct socket *sock_of(struct file *fp);
/*
 * The calls of the libc edge on the socket so (from sock_of): 0, a byte
 * count, or -errno.  Each takes the core lock.  Thread context; blocking
 * ones sleep unless nonblock.
 */
int	sock_bind(struct socket *so, const struct sock_addr *a);
int	sock_listen(struct socket *so, int backlog);
int	sock_connect(struct socket *so, const struct sock_addr *a,
	    bool nonblock);
/* accept: a new socket file (O_NONBLOCK when child_nonblock) and the
 * peer's address.  -EINVAL when not listening, -EAGAIN, -ECONNABORTED. */
int	sock_accept(struct socket *so, bool nonblock, bool child_nonblock,
	    struct file **fpp, struct sock_addr *peer);
/* No fd was free for the file accept gave: the connection goes back to
 * the head of so's queue (BSD keeps it queued on EMFILE), fp is dropped. */
void	sock_unaccept(struct socket *so, struct file *fp);
/* send/recv: fds NULL, or files to pass (AF_UNIX: sock_unix_send). */
long	sock_send(struct socket *so, const struct iovec *iov, int iovcnt,
	    int flags, const struct sock_addr *to, bool nonblock,
	    struct sock_fds *fds);
long	sock_recv(struct socket *so, const struct iovec *iov, int iovcnt,
	    int *flags, struct sock_addr *from, bool nonblock,
	    struct sock_fds *fds);
int	sock_shutdown(struct socket *so, int how);
int	sock_name(struct socket *so, struct sock_addr *a, bool peer);
int	sock_setopt(struct socket *so, int level, int name, const void *val,
	    unsigned int len);
int	sock_getopt(struct socket *so, int level, int name, void *val,
	    unsigned int *len);
/* An int option's value from the caller's buffer: 0, -EFAULT (NULL),
 * -EINVAL (shorter than an int). */
int	sock_opt_int(const void *val, unsigned int len, int *v);
/* Return an int option: 0 and *len = sizeof(int), -EFAULT, -EINVAL. */
int	sock_opt_put_int(void *val, unsigned int *len, int v);

/*
 * For the protocols (core lock held).
 */
/* Something changed (hint: FILE_EV_* that may now hold): refresh the
 * readiness snapshot, wake the socket's sleepers, notify kqueue. */
void	sock_event(struct socket *so, uint32_t hint);
/* Sleep on so->cond until woken or the deadline (monotonic ns, 0 none):
 * 0 or -ETIMEDOUT.  Releases and retakes the core lock. */
int	sock_wait(struct socket *so, uint64_t deadline);
/* A deadline timeo ns from now, 0 if timeo is 0. */
uint64_t sock_deadline(uint64_t timeo);
/* Take so's pending error (positive errno, 0 none), clearing it: BSD
 * reports it before anything else.  Core lock held. */
int	sock_take_error(struct socket *so);
/* Wait for so to change unless nonblock, the deadline (*deadline, set
 * from timeo on the first call when 0) bounding the waits: 0 to check
 * again, -EAGAIN (nonblock, or the time is up, as SO_RCVTIMEO gives). */
int	sock_block(struct socket *so, bool nonblock, uint64_t timeo,
	    uint64_t *deadline);
/* Queue the established connection c on the listener lso: at the tail,
 * or back at the head (front: accept gave it up); wakes accept. */
void	sock_acq_put(struct socket *lso, struct socket *c, bool front);
/* The first queued connection, taken off lso's queue, or NULL. */
struct socket *sock_acq_take(struct socket *lso);
/* A new socket of so's kind for an incoming connection: NULL when out
 * of memory.  Not on any queue; no file. */
struct socket *sock_new_child(struct socket *so);
/* Free a socket that never got a file (an accept-queue child). */
void	sock_free_child(struct socket *so);
/* Every socket (for bind conflicts): iterate under the core lock. */
extern struct list sock_all;
/* The total length of an iovec array (the caller checked it fits). */
size_t	iov_total(const struct iovec *iov, int iovcnt);

/* sockaddr.c: OpenBSD sockaddrs (pure logic, host-tested) */
/*
 * Decode the sockaddr at sa (len bytes) given to bind/connect/sendto on
 * a socket of domain (AF_INET, AF_INET6).  dual: an AF_INET6 socket with
 * IPV6_V6ONLY off, where a v4-mapped address (::ffff:a.b.c.d) means the
 * IPv4 address (else it is refused).  AF_UNSPEC is passed through as
 * family AF_UNSPEC (connect's "disconnect").  0, -EINVAL (short, bad
 * length byte), -EAFNOSUPPORT (family), -EADDRNOTAVAIL (mapped address
 * on a v6-only socket), -EFAULT (NULL).
 */
int	sockaddr_decode(const void *sa, unsigned int len, int domain,
	    bool dual, struct sock_addr *out);
/*
 * Encode a as a sockaddr of a socket of domain (IPv4 addresses on an
 * AF_INET6 socket become v4-mapped) into sa, *lenp bytes available:
 * copies at most *lenp bytes and stores the length copied, as BSD's
 * accept/getsockname do.  Nothing is written when sa or lenp is NULL.
 * Returns the full length of the sockaddr.
 */
unsigned int sockaddr_encode(const struct sock_addr *a, int domain, void *sa,
	    unsigned int *lenp);
/* a is the unspecified address (0.0.0.0 or ::)? */
bool	sock_addr_any(const struct sock_addr *a);
/* a is a v4-mapped IPv6 address? */
bool	sock_addr_v4mapped(const struct sock_addr *a);

/* route.c: routing-table dumps (sysctl NET_RT_IFLIST) */
/* struct net_ifaddr, struct net_ifinfo and net_if_list(): net/net.h. */
/*
 * Build the NET_RT_IFLIST dump of ifs[0..n) (only interface ifindex if
 * it is not 0; only addresses of family af if it is not 0) into buf
 * (size bytes; NULL: measure).  Returns the length it has (or would
 * have).  Pure.
 */
size_t	route_iflist(const struct net_ifinfo *ifs, int n, int af, int ifindex,
	    void *buf, size_t size);
/*
 * sysctl {CTL_NET, PF_ROUTE, ...name} below PF_ROUTE: name[0..namelen)
 * = {0, af, op, arg}.  OpenBSD size protocol (oldp NULL: size only;
 * short buffer: -ENOMEM).  0, -EINVAL, -EOPNOTSUPP, -ENOMEM.
 */
int	route_sysctl(const int *name, unsigned int namelen, void *oldp,
	    size_t *oldlenp);

#endif

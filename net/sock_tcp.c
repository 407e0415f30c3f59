/* SPDX-License-Identifier: ISC */
/*
 * sock_tcp.c: SOCK_STREAM sockets on lwIP's raw TCP API, with BSD
 * semantics (docs/go-openbsd-abi.md §8): non-blocking connect
 * (EINPROGRESS, then the result in SO_ERROR), an accept queue, half
 * close, a reset on close with unread data.  Core lock held throughout.
 *
 * Receiving: lwIP's recv callback appends pbufs to so->rcvq (linked by
 * their next pointers: a queue, not an lwIP chain, whose 16-bit tot_len
 * could not hold a large window); read copies out and only then calls
 * tcp_recved, so the advertised window closes while the application
 * does not read.  Sending: write copies into lwIP (TCP_WRITE_FLAG_COPY)
 * up to tcp_sndbuf and calls tcp_output.
 *
 * pcb lifetime: lwIP frees a pcb on its own in four ways, and so->pcb
 * must be NULL before any of them completes:
 *   - the err callback (reset, timeout, out of memory, and ERR_CLSD when
 *     the last ACK of a close arrives after shutdown(SHUT_WR)); lwIP has
 *     already freed the pcb when it calls it;
 *   - TIME_WAIT expiry, silently: entered only once both sides sent a
 *     FIN, so the socket lets go of the pcb (tcp_drop) when the peer's FIN
 *     arrives after its own;
 *   - tcp_abort / tcp_close by the socket itself (after tcp_drop's
 *     clearing of the callbacks, so none runs on a freed socket).
 */
#include "kernel.h"
#include <sys/socket.h>
#include <sys/uio.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include "lwip/tcp.h"
#include "sock_ip.h"

/* How often lwIP's poll callback re-checks send space (in TCP coarse
 * timer ticks of 500 ms): covers an ERR_MEM from tcp_write with nothing
 * in flight to produce a sent callback. */
#define TCP_POLL_TICKS	2

static err_t	tcp_recv_cb(void *arg, struct tcp_pcb *pcb, struct pbuf *p,
		    err_t err);
static err_t	tcp_sent_cb(void *arg, struct tcp_pcb *pcb, u16_t len);
static err_t	tcp_poll_cb(void *arg, struct tcp_pcb *pcb);
static void	tcp_err_cb(void *arg, err_t err);

static void
tcp_hook(struct socket *so, struct tcp_pcb *pcb)
{
	tcp_arg(pcb, so);
	tcp_recv(pcb, tcp_recv_cb);
	tcp_sent(pcb, tcp_sent_cb);
	tcp_err(pcb, tcp_err_cb);
	tcp_poll(pcb, tcp_poll_cb, TCP_POLL_TICKS);
}

/* Let go of the (non-listening) pcb: no callback reaches so again. */
static struct tcp_pcb *
tcp_drop(struct socket *so)
{
	struct tcp_pcb *pcb = so->pcb.tcp;

	if (pcb == NULL)
		return NULL;
	tcp_arg(pcb, NULL);
	tcp_recv(pcb, NULL);
	tcp_sent(pcb, NULL);
	tcp_err(pcb, NULL);
	tcp_poll(pcb, NULL, 0);
	so->pcb.tcp = NULL;
	return pcb;
}

/* Apply the options lwIP keeps in the pcb. */
static void
tcp_apply_opts(struct socket *so)
{
	struct tcp_pcb *pcb = so->pcb.tcp;

	if (pcb == NULL)
		return;
	if (so->opts & (SO_REUSEADDR | SO_REUSEPORT))
		ip_set_option(pcb, SOF_REUSEADDR);
	else
		ip_reset_option(pcb, SOF_REUSEADDR);
	if (so->opts & SO_KEEPALIVE)
		ip_set_option(pcb, SOF_KEEPALIVE);
	else
		ip_reset_option(pcb, SOF_KEEPALIVE);
	if (so->tos != 0)
		pcb->tos = so->tos;
	if (so->ttl != 0)
		pcb->ttl = so->ttl;
	if (so->state == SS_LISTEN)
		return;			/* a tcp_pcb_listen has no flags */
	if (so->nodelay)
		tcp_nagle_disable(pcb);
	else
		tcp_nagle_enable(pcb);
}

/* Free the receive queue (see the top of the file). */
static void
rcvq_free(struct socket *so)
{
	struct pbuf *p;

	while ((p = so->rcvq) != NULL) {
		so->rcvq = p->next;
		p->next = NULL;
		pbuf_free(p);
	}
	so->rcvq_tail = NULL;
	so->rcv_cc = 0;
	so->rcv_off = 0;
	so->rcv_ahead = 0;
}

/* Tell lwIP the application took n bytes: the window opens again
 * (less what tcp_keep_window credited ahead). */
static void
tcp_consumed(struct socket *so, size_t n)
{
	size_t ahead = MIN(n, so->rcv_ahead);
	u16_t c;

	so->rcv_ahead -= ahead;
	n -= ahead;
	if (so->pcb.tcp == NULL || so->state == SS_LISTEN)
		return;
	while (n > 0) {
		c = (u16_t)MIN(n, (size_t)0xffff);
		tcp_recved(so->pcb.tcp, c);
		n -= c;
	}
}

/*
 * Keep lwIP's receive window from reaching 0 by crediting a byte ahead
 * of the application.  lwIP 2.1 answers every zero-length segment that
 * falls outside a closed window ([rcv_nxt, rcv_nxt - 1] is empty) with
 * an immediate ACK (tcp_in.c, tcp_receive): two of its pcbs with closed
 * windows, both ends of a loopback connection whose applications write
 * faster than they read, then ACK each other forever.  One byte of
 * window stays below the window scale (TCP_RCV_SCALE), so the peer
 * still sees a closed window and back-pressure is kept; a persist probe
 * may land in it (one more byte queued each time), up to a bound.
 */
static void
tcp_keep_window(struct socket *so, struct tcp_pcb *pcb)
{
	if (pcb->rcv_wnd == 0 && so->rcv_cc < 2 * (size_t)TCP_WND) {
		tcp_recved(pcb, 1);
		so->rcv_ahead++;
	}
}

static err_t
tcp_recv_cb(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
	struct socket *so = arg;
	struct pbuf *q;
	size_t n;

	if (so == NULL) {
		/* Unreachable: tcp_drop clears the callback with the arg. */
		if (p != NULL) {
			tcp_recved(pcb, p->tot_len);
			pbuf_free(p);
		}
		return ERR_OK;
	}
	if (p == NULL) {
		/* The peer's FIN. */
		so->rd_eof = true;
		if (so->wr_shut) {
			/* Both FINs sent: the pcb goes to TIME_WAIT (or
			 * LAST_ACK) and lwIP frees it without a word. */
			tcp_drop(so);
			so->state = SS_CLOSED;
		}
		sock_event(so, FILE_EV_READ | FILE_EV_RDEOF);
		return ERR_OK;
	}
	n = p->tot_len;
	if (so->rd_shut) {
		tcp_recved(pcb, (u16_t)n);
		pbuf_free(p);
		return ERR_OK;
	}
	if (so->rcvq == NULL) {
		so->rcvq = p;
	} else {
		for (q = so->rcvq_tail; q->next != NULL; q = q->next)
			;
		q->next = p;
	}
	for (q = p; q->next != NULL; q = q->next)
		;
	so->rcvq_tail = q;
	so->rcv_cc += n;
	tcp_keep_window(so, pcb);
	sock_event(so, FILE_EV_READ);
	return ERR_OK;
}

static err_t
tcp_sent_cb(void *arg, struct tcp_pcb *pcb, u16_t len)
{
	struct socket *so = arg;

	if (so != NULL)
		sock_event(so, FILE_EV_WRITE);
	return ERR_OK;
}

static err_t
tcp_poll_cb(void *arg, struct tcp_pcb *pcb)
{
	struct socket *so = arg;

	if (so != NULL && so->state == SS_CONNECTED && tcp_sndbuf(pcb) > 0)
		sock_event(so, FILE_EV_WRITE);
	return ERR_OK;
}

/* lwIP has freed the pcb (tcp.h: tcp_err_fn). */
static void
tcp_err_cb(void *arg, err_t err)
{
	struct socket *so = arg;
	int e;

	if (so == NULL)
		return;
	so->pcb.tcp = NULL;
	if (so->state == SS_CONNECTING)
		/* RFC 793 reset in SYN-SENT: refused; ERR_ABRT: the SYN
		 * retransmissions ran out. */
		e = err == ERR_RST ? ECONNREFUSED :
		    err == ERR_ABRT ? ETIMEDOUT : sock_lwip_errno(err);
	else if (err == ERR_CLSD)
		e = 0;			/* orderly end after our FIN */
	else
		e = err == ERR_ABRT ? ETIMEDOUT : sock_lwip_errno(err);
	so->error = e;
	so->state = SS_CLOSED;
	so->rd_eof = true;
	sock_event(so, FILE_EV_READ | FILE_EV_RDEOF | FILE_EV_WRITE |
	    FILE_EV_WREOF);
}

static err_t
tcp_connected_cb(void *arg, struct tcp_pcb *pcb, err_t err)
{
	struct socket *so = arg;

	if (so == NULL)
		return ERR_OK;
	so->state = SS_CONNECTED;
	sock_from_ip(&pcb->local_ip, pcb->local_port, &so->local);
	sock_from_ip(&pcb->remote_ip, pcb->remote_port, &so->peer);
	so->bound = true;
	sock_event(so, FILE_EV_WRITE);
	return ERR_OK;
}

/* A connection completed the handshake on the listener arg. */
static err_t
tcp_accept_cb(void *arg, struct tcp_pcb *pcb, err_t err)
{
	struct socket *lso = arg, *so;

	if (lso == NULL || pcb == NULL || err != ERR_OK)
		return ERR_VAL;		/* lwIP aborts pcb */
	so = sock_new_child(lso);
	if (so == NULL)
		return ERR_MEM;
	so->pcb.tcp = pcb;
	so->state = SS_CONNECTED;
	so->bound = true;
	sock_from_ip(&pcb->local_ip, pcb->local_port, &so->local);
	sock_from_ip(&pcb->remote_ip, pcb->remote_port, &so->peer);
	tcp_hook(so, pcb);
	tcp_apply_opts(so);
	/* Count it against the listen backlog until accept(2) takes it. */
	tcp_backlog_delayed(pcb);
	sock_event(so, 0);
	sock_acq_put(lso, so, false);
	return ERR_OK;
}

static int
tcp_attach(struct socket *so)
{
	struct tcp_pcb *pcb;

	pcb = tcp_new_ip_type(so->domain == AF_INET6 ? IPADDR_TYPE_V6 :
	    IPADDR_TYPE_V4);
	if (pcb == NULL)
		return -ENOBUFS;
	so->pcb.tcp = pcb;
	so->rcvbuf = TCP_WND;
	so->sndbuf = TCP_SND_BUF;
	tcp_hook(so, pcb);
	return 0;
}

static bool
addr_overlap(const struct sock_addr *a, const struct sock_addr *b)
{
	if (a->family != b->family)
		return sock_addr_any(a) && sock_addr_any(b);
	return sock_addr_any(a) || sock_addr_any(b) ||
	    memcmp(a->addr, b->addr, a->family == AF_INET ? 4 : 16) == 0;
}

/*
 * BSD's check for a port in use (in_pcbaddrisavail), where lwIP's own
 * is looser: with SO_REUSEADDR lwIP lets any two pcbs share a port, BSD
 * only an exact address that no other socket is listening on or bound
 * to (connected ones are fine), unless both set SO_REUSEPORT.  Without
 * the options lwIP's check (any overlap, TIME_WAIT included) is BSD's.
 */
static int
tcp_port_check(struct socket *so, const struct sock_addr *a)
{
	struct socket *o;
	struct list *l;

	if (a->port == 0 || !(so->opts & (SO_REUSEADDR | SO_REUSEPORT)))
		return 0;
	list_for_each(l, &sock_all) {
		o = list_entry(l, struct socket, all_link);
		if (o == so || o->type != SOCK_STREAM || !o->bound ||
		    o->local.port != a->port)
			continue;
		if (o->state != SS_NEW && o->state != SS_LISTEN)
			continue;	/* connected: 4-tuples differ */
		if ((so->opts & o->opts & SO_REUSEPORT) != 0)
			continue;
		if (o->local.family == a->family &&
		    memcmp(o->local.addr, a->addr, 16) == 0)
			return -EADDRINUSE;
		if (!(so->opts & SO_REUSEADDR) && addr_overlap(&o->local, a))
			return -EADDRINUSE;
	}
	return 0;
}

static int
tcp_bind_op(struct socket *so, const struct sock_addr *a)
{
	struct tcp_pcb *pcb = so->pcb.tcp;
	ip_addr_t ip;
	err_t err;
	int r;

	if (pcb == NULL)
		return -EINVAL;
	sock_to_ip(a, &ip);
	if (!sock_addr_any(a) && (ip_addr_ismulticast(&ip) ||
	    !sock_ip_local(&ip)))
		return -EADDRNOTAVAIL;
	r = tcp_port_check(so, a);
	if (r < 0)
		return r;
	tcp_apply_opts(so);
	if (so->domain == AF_INET6 && !so->v6only && sock_addr_any(a))
		err = tcp_bind(pcb, IP_ANY_TYPE, a->port);	/* dual stack */
	else
		err = tcp_bind(pcb, &ip, a->port);
	if (err != ERR_OK)
		return -sock_lwip_errno(err);
	so->bound = true;
	sock_from_ip(&pcb->local_ip, pcb->local_port, &so->local);
	return 0;
}

static int
tcp_listen_op(struct socket *so, int backlog)
{
	struct sock_addr any;
	struct tcp_pcb *lpcb;
	err_t err;
	int r, lb;

	/* BSD drops new connections beyond 3/2 of the backlog
	 * (sonewconn); lwIP counts half-open and unaccepted ones, in 8 bits
	 * (tcp.h: tcp_pcb_listen.backlog). */
	lb = MIN(255, MAX(1, backlog * 3 / 2));
	if (so->state == SS_LISTEN) {
		so->backlog = backlog;
		tcp_backlog_set(so->pcb.tcp, (u8_t)lb);
		return 0;
	}
	if (so->state != SS_NEW || so->pcb.tcp == NULL)
		return -EINVAL;
	if (!so->bound) {
		memset(&any, 0, sizeof(any));
		any.family = so->domain;
		r = tcp_bind_op(so, &any);
		if (r < 0)
			return r;
	}
	tcp_apply_opts(so);
	lpcb = tcp_listen_with_backlog_and_err(so->pcb.tcp, (u8_t)lb, &err);
	if (lpcb == NULL)
		return -sock_lwip_errno(err);
	/* tcp_listen freed the old pcb (and its callbacks with it). */
	so->pcb.tcp = lpcb;
	so->state = SS_LISTEN;
	so->backlog = backlog;
	tcp_arg(lpcb, so);
	tcp_accept(lpcb, tcp_accept_cb);
	return 0;
}

static int
tcp_connect_op(struct socket *so, const struct sock_addr *a, bool nonblock)
{
	struct tcp_pcb *pcb = so->pcb.tcp;
	ip_addr_t ip;
	uint64_t deadline;
	err_t err;
	int e;

	switch (so->state) {
	case SS_CONNECTING:
		return -EALREADY;
	case SS_CONNECTED:
		return -EISCONN;
	case SS_LISTEN:
		return -EOPNOTSUPP;
	case SS_CLOSED:
		/* A failed connect's error stays until read (abi §8.3). */
		if (so->error != 0) {
			e = so->error;
			so->error = 0;
			sock_event(so, 0);
			return -e;
		}
		return -EINVAL;
	default:
		break;
	}
	if (a->family == AF_UNSPEC)
		return -EAFNOSUPPORT;
	if (pcb == NULL)
		return -EINVAL;
	if (a->port == 0)
		return -EADDRNOTAVAIL;
	sock_to_ip(a, &ip);
	if (ip_addr_ismulticast(&ip))
		return -EADDRNOTAVAIL;
	if (sock_addr_any(a)) {
		/* BSD: the wildcard means this host. */
		if (a->family == AF_INET)
			ip_addr_set_loopback(0, &ip);
#if LWIP_IPV6
		else
			ip_addr_set_loopback(1, &ip);
#endif
	}
	/* An IPv4 peer of a dual-stack socket: an IPv4 pcb (lwIP matches
	 * address types). */
	if (a->family == AF_INET && so->domain == AF_INET6 && !so->bound)
		ip_addr_set_zero_ip4(&pcb->local_ip);
	tcp_apply_opts(so);
	err = tcp_connect(pcb, &ip, a->port, tcp_connected_cb);
	if (err != ERR_OK)
		return -sock_lwip_errno(err);
	so->state = SS_CONNECTING;
	so->bound = true;
	sock_from_ip(&pcb->local_ip, pcb->local_port, &so->local);
	sock_from_ip(&ip, a->port, &so->peer);
	sock_event(so, 0);
	if (nonblock)
		return -EINPROGRESS;
	deadline = sock_deadline(so->sndtimeo);
	while (so->state == SS_CONNECTING) {
		if (sock_wait(so, deadline) == -ETIMEDOUT)
			return -EINPROGRESS;
	}
	if (so->state == SS_CONNECTED)
		return 0;
	e = so->error != 0 ? so->error : ECONNREFUSED;
	so->error = 0;
	sock_event(so, 0);
	return -e;
}

static int
tcp_accept_op(struct socket *so, struct socket **childp)
{
	struct socket *c = sock_acq_take(so);

	if (c == NULL)
		return -EAGAIN;
	if (c->pcb.tcp != NULL)
		tcp_backlog_accepted(c->pcb.tcp);
	*childp = c;
	return 0;
}

static void
tcp_requeue_op(struct socket *so, struct socket *c)
{
	if (c->pcb.tcp != NULL)
		tcp_backlog_delayed(c->pcb.tcp);
	sock_acq_put(so, c, true);
}

static long
tcp_send_op(struct socket *so, const struct iovec *iov, int iovcnt,
    int flags, const struct sock_addr *to, bool nonblock)
{
	struct tcp_pcb *pcb;
	uint64_t deadline = 0;
	size_t done = 0, total, off = 0, chunk, space, cap = 0xffff;
	int i = 0, e;
	u8_t wflags;
	err_t err;

	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	total = iov_total(iov, iovcnt);
	for (;;) {
		e = sock_take_error(so);
		if (e != 0)
			return done > 0 ? (long)done : -e;
		if (so->wr_shut || so->state == SS_CLOSED)
			return done > 0 ? (long)done : -EPIPE;
		if (so->state != SS_CONNECTED && so->state != SS_CONNECTING)
			return -ENOTCONN;
		if (done == total)
			break;
		pcb = so->pcb.tcp;
		space = so->state == SS_CONNECTED ? tcp_sndbuf(pcb) : 0;
		if (space > 0 && tcp_sndqueuelen(pcb) < TCP_SND_QUEUELEN) {
			while (i < iovcnt && off == iov[i].iov_len) {
				i++;
				off = 0;
			}
			chunk = MIN(MIN(space, iov[i].iov_len - off), cap);
			wflags = TCP_WRITE_FLAG_COPY;
			if (done + chunk < total)
				wflags |= TCP_WRITE_FLAG_MORE;
			err = tcp_write(pcb, (const char *)iov[i].iov_base + off,
			    (u16_t)chunk, wflags);
			if (err == ERR_OK) {
				done += chunk;
				off += chunk;
				cap = 0xffff;
				continue;
			}
			if (err != ERR_MEM)
				return done > 0 ? (long)done :
				    -sock_lwip_errno(err);
			if (chunk > TCP_MSS) {
				/* Too many segments for the queue: try
				 * less before waiting. */
				cap = chunk / 2;
				continue;
			}
		}
		/* No room: push out what is queued, then wait for acks. */
		if (so->state == SS_CONNECTED)
			tcp_output(pcb);
		if (sock_block(so, nonblock, so->sndtimeo, &deadline) < 0)
			break;
	}
	if (done > 0 && so->pcb.tcp != NULL)
		tcp_output(so->pcb.tcp);
	sock_event(so, 0);
	return done > 0 ? (long)done : -EAGAIN;
}

/* Copy up to n queued bytes into iov (from offset 0 of the queue). */
static size_t
rcvq_copy(struct socket *so, const struct iovec *iov, int iovcnt, size_t n)
{
	struct pbuf *q = so->rcvq;
	size_t qoff = so->rcv_off, ioff = 0, done = 0, c;
	int i = 0;

	while (done < n && q != NULL && i < iovcnt) {
		if (qoff == q->len) {
			q = q->next;
			qoff = 0;
			continue;
		}
		if (ioff == iov[i].iov_len) {
			i++;
			ioff = 0;
			continue;
		}
		c = MIN(MIN((size_t)q->len - qoff, iov[i].iov_len - ioff),
		    n - done);
		memcpy((char *)iov[i].iov_base + ioff,
		    (const char *)q->payload + qoff, c);
		qoff += c;
		ioff += c;
		done += c;
	}
	return done;
}

/* Drop n bytes from the head of the receive queue. */
static void
rcvq_drop(struct socket *so, size_t n)
{
	struct pbuf *p;
	size_t c;

	so->rcv_cc -= n;
	while (n > 0 && (p = so->rcvq) != NULL) {
		c = MIN(n, (size_t)p->len - so->rcv_off);
		so->rcv_off += c;
		n -= c;
		if (so->rcv_off == p->len) {
			so->rcvq = p->next;
			p->next = NULL;
			pbuf_free(p);
			so->rcv_off = 0;
		}
	}
	if (so->rcvq == NULL)
		so->rcvq_tail = NULL;
}

static long
tcp_recv_op(struct socket *so, const struct iovec *iov, int iovcnt,
    int *flags, struct sock_addr *from, bool nonblock)
{
	uint64_t deadline = 0;
	size_t want, n, done = 0;
	int e;

	if (so->state == SS_LISTEN)
		return -ENOTCONN;
	want = iov_total(iov, iovcnt);
	if (want == 0)
		return 0;
	for (;;) {
		if (so->rcv_cc > 0) {
			n = rcvq_copy(so, iov, iovcnt, MIN(want, so->rcv_cc));
			if (*flags & MSG_PEEK)
				return (long)n;
			rcvq_drop(so, n);
			tcp_consumed(so, n);
			done = n;
			sock_event(so, 0);
			/* MSG_WAITALL is not honoured: a short read, as for
			 * a signal (Go never sets it). */
			break;
		}
		e = sock_take_error(so);
		if (e != 0)
			return -e;
		if (so->rd_eof || so->rd_shut)
			return 0;
		if (so->state == SS_NEW)
			return -ENOTCONN;
		if (so->state == SS_CLOSED)
			return 0;
		if (sock_block(so, nonblock, so->rcvtimeo, &deadline) < 0)
			return -EAGAIN;
	}
	if (from != NULL)
		*from = so->peer;
	*flags = 0;
	return (long)done;
}

static int
tcp_shutdown_op(struct socket *so, int how)
{
	err_t err;

	if (so->state != SS_CONNECTED && so->state != SS_CLOSED)
		return -ENOTCONN;
	if (how == SHUT_RD || how == SHUT_RDWR) {
		so->rd_shut = true;
		tcp_consumed(so, so->rcv_cc);
		rcvq_free(so);
	}
	if ((how == SHUT_WR || how == SHUT_RDWR) && !so->wr_shut) {
		so->wr_shut = true;
		if (so->pcb.tcp != NULL) {
			if (so->rd_eof) {
				/* The peer's FIN came first: LAST_ACK, after
				 * which lwIP frees the pcb. */
				err = tcp_shutdown(so->pcb.tcp, 0, 1);
				if (err == ERR_OK)
					tcp_drop(so);
			} else {
				err = tcp_shutdown(so->pcb.tcp, 0, 1);
			}
			if (err != ERR_OK && err != ERR_CONN)
				return -sock_lwip_errno(err);
		}
	}
	sock_event(so, FILE_EV_READ | FILE_EV_RDEOF | FILE_EV_WRITE |
	    FILE_EV_WREOF);
	return 0;
}

static int
tcp_name_op(struct socket *so, struct sock_addr *a, bool peer)
{
	struct tcp_pcb *pcb = so->pcb.tcp;

	if (peer) {
		if (so->state != SS_CONNECTED)
			return -ENOTCONN;
		*a = so->peer;
		return 0;
	}
	if (pcb != NULL && so->bound)
		sock_from_ip(&pcb->local_ip, pcb->local_port, a);
	else
		*a = so->local;
	return 0;
}

static int
tcp_setopt_op(struct socket *so, int level, int name, const void *val,
    unsigned int len)
{
	int v, r;

	if (level == SOL_SOCKET) {
		tcp_apply_opts(so);
		return 0;
	}
	r = sock_opt_int(val, len, &v);
	if (r < 0)
		return r;
	switch (level) {
	case IPPROTO_TCP:
		switch (name) {
		case TCP_NODELAY:
			so->nodelay = v != 0;
			break;
		case TCP_MAXSEG:
			if (v <= 0)
				return -EINVAL;
			return 0;	/* lwIP's MSS is negotiated only */
		default:
			return -ENOPROTOOPT;
		}
		break;
	case IPPROTO_IP:
	case IPPROTO_IPV6:
		r = sock_ip_setopt(so, level, name, v, TCP_TTL);
		if (r < 0)
			return r;
		break;
	default:
		return -ENOPROTOOPT;
	}
	tcp_apply_opts(so);
	return 0;
}

static int
tcp_getopt_op(struct socket *so, int level, int name, void *val,
    unsigned int *len)
{
	struct tcp_pcb *pcb = so->pcb.tcp;
	int v, r;

	switch (level) {
	case IPPROTO_TCP:
		switch (name) {
		case TCP_NODELAY:
			return sock_opt_put_int(val, len, so->nodelay ? TCP_NODELAY : 0);
		case TCP_MAXSEG:
			return sock_opt_put_int(val, len, pcb != NULL &&
			    so->state != SS_LISTEN ? tcp_mss(pcb) : TCP_MSS);
		default:
			return -ENOPROTOOPT;
		}
	case IPPROTO_IP:
	case IPPROTO_IPV6:
		r = sock_ip_getopt(so, level, name, TCP_TTL, &v);
		return r < 0 ? r : sock_opt_put_int(val, len, v);
	default:
		return -ENOPROTOOPT;
	}
}

/*
 * Readiness, as OpenBSD's filt_soread/filt_sowrite see it: readable with
 * data, a pending connection, EOF or an error (EOF with the error in
 * fflags); writable with send space once connected, or with EV_EOF once
 * writing can never succeed (shut down, reset, a failed connect).
 */
static void
tcp_poll_op(struct socket *so, struct file_poll *st)
{
	struct tcp_pcb *pcb = so->pcb.tcp;
	int64_t space;

	st->error = so->error;
	if (so->state == SS_LISTEN) {
		st->nread = so->acq_len;
		if (so->acq_len > 0)
			st->ready |= FILE_EV_READ;
		return;
	}
	st->nread = (int64_t)so->rcv_cc;
	if (so->rcv_cc > 0 || so->error != 0)
		st->ready |= FILE_EV_READ;
	if (so->rd_eof || so->rd_shut || so->state == SS_CLOSED)
		st->ready |= FILE_EV_READ | FILE_EV_RDEOF;
	if (so->wr_shut || so->state == SS_CLOSED) {
		st->ready |= FILE_EV_WRITE | FILE_EV_WREOF;
		return;
	}
	if (so->error != 0)
		st->ready |= FILE_EV_WRITE;
	if (so->state == SS_CONNECTED && pcb != NULL) {
		space = tcp_sndbuf(pcb);
		if (tcp_sndqueuelen(pcb) >= TCP_SND_QUEUELEN)
			space = 0;
		st->nwrite = space;
		if (space >= MIN((int64_t)so->sndlowat, (int64_t)TCP_SND_BUF))
			st->ready |= FILE_EV_WRITE;
	}
}

/*
 * The file is closed.  A listener resets the connections nobody accepted
 * (BSD soclose).  A connection closes gracefully (queued data still goes
 * out, then a FIN), or resets when data was left unread or SO_LINGER is
 * on with a zero time, as BSD does; also when lwIP has no memory for
 * the FIN.
 */
static void
tcp_detach(struct socket *so)
{
	struct tcp_pcb *pcb;
	struct socket *c;

	if (so->state == SS_LISTEN) {
		while ((c = sock_acq_take(so)) != NULL) {
			pcb = tcp_drop(c);
			if (pcb != NULL)
				tcp_abort(pcb);
			rcvq_free(c);
			sock_free_child(c);
		}
		if (so->pcb.tcp != NULL) {
			tcp_arg(so->pcb.tcp, NULL);
			tcp_accept(so->pcb.tcp, NULL);
			tcp_close(so->pcb.tcp);
			so->pcb.tcp = NULL;
		}
		return;
	}
	pcb = tcp_drop(so);
	if (pcb != NULL) {
		if (so->rcv_cc > 0 || (so->linger_on && so->linger_sec == 0))
			tcp_abort(pcb);
		else if (tcp_close(pcb) != ERR_OK)
			tcp_abort(pcb);
	}
	rcvq_free(so);
}

const struct sock_proto sock_tcp_proto = {
	.type = SOCK_STREAM,
	.attach = tcp_attach,
	.bind = tcp_bind_op,
	.listen = tcp_listen_op,
	.connect = tcp_connect_op,
	.accept = tcp_accept_op,
	.requeue = tcp_requeue_op,
	.send = tcp_send_op,
	.recv = tcp_recv_op,
	.shutdown = tcp_shutdown_op,
	.name = tcp_name_op,
	.setopt = tcp_setopt_op,
	.getopt = tcp_getopt_op,
	.poll = tcp_poll_op,
	.detach = tcp_detach,
};

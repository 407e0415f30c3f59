/* SPDX-License-Identifier: ISC */
/*
 * sock_udp.c: SOCK_DGRAM sockets on lwIP's raw UDP API.  Datagrams wait
 * in a queue with their source address (so ReadFrom reports it), up to
 * SO_RCVBUF bytes; more are dropped, as a full BSD socket buffer drops
 * them.  A datagram read into a short buffer is cut (MSG_TRUNC).  Core
 * lock held throughout.
 */
#include "kernel.h"
#include <sys/socket.h>
#include <sys/uio.h>
#include <netinet/in.h>

#include "lwip/pbuf.h"
#include "lwip/udp.h"
#include "sock_ip.h"

#define UDP_RCVBUF	(256 * 1024)	/* default SO_RCVBUF */
#define UDP_SNDBUF	65536		/* default SO_SNDBUF (no limit kept) */
#define UDP_MAX4	65507		/* 65535 - IPv4 header - UDP header */
#define UDP_MAX6	65527		/* 65535 - UDP header (no jumbograms) */

/* One queued datagram. */
struct sock_dgram {
	struct sock_dgram *next;
	struct pbuf	*p;
	struct sock_addr from;
};

static void
udp_recv_cb(void *arg, struct udp_pcb *pcb, struct pbuf *p,
    const ip_addr_t *addr, u16_t port)
{
	struct socket *so = arg;
	struct sock_dgram *d;

	if (so == NULL || so->rd_shut ||
	    so->rcv_cc + p->tot_len > (size_t)so->rcvbuf) {
		pbuf_free(p);
		return;
	}
	d = kmalloc(sizeof(*d));
	if (d == NULL) {
		pbuf_free(p);
		return;
	}
	d->next = NULL;
	d->p = p;
	sock_from_ip(addr, port, &d->from);
	if (so->dq_tail != NULL)
		so->dq_tail->next = d;
	else
		so->dq_head = d;
	so->dq_tail = d;
	so->rcv_cc += p->tot_len;
	sock_event(so, FILE_EV_READ);
}

static void
dq_pop(struct socket *so)
{
	struct sock_dgram *d = so->dq_head;

	so->dq_head = d->next;
	if (so->dq_head == NULL)
		so->dq_tail = NULL;
	so->rcv_cc -= d->p->tot_len;
	pbuf_free(d->p);
	kfree(d);
}

static void
udp_apply_opts(struct socket *so)
{
	struct udp_pcb *pcb = so->pcb.udp;

	if (so->opts & (SO_REUSEADDR | SO_REUSEPORT))
		ip_set_option(pcb, SOF_REUSEADDR);
	else
		ip_reset_option(pcb, SOF_REUSEADDR);
	if (so->opts & SO_BROADCAST)
		ip_set_option(pcb, SOF_BROADCAST);
	else
		ip_reset_option(pcb, SOF_BROADCAST);
	pcb->tos = so->tos;
	if (so->ttl != 0)
		pcb->ttl = so->ttl;
}

static int
udp_attach(struct socket *so)
{
	struct udp_pcb *pcb;

	pcb = udp_new_ip_type(so->domain == AF_INET6 ? IPADDR_TYPE_V6 :
	    IPADDR_TYPE_V4);
	if (pcb == NULL)
		return -ENOBUFS;
	so->pcb.udp = pcb;
	so->rcvbuf = UDP_RCVBUF;
	so->sndbuf = UDP_SNDBUF;
	sock_mcast_init(pcb);
	udp_recv(pcb, udp_recv_cb, so);
	return 0;
}

static void
udp_note_local(struct socket *so)
{
	sock_from_ip(&so->pcb.udp->local_ip, so->pcb.udp->local_port,
	    &so->local);
	so->bound = so->pcb.udp->local_port != 0;
}

static int
udp_bind_op(struct socket *so, const struct sock_addr *a)
{
	ip_addr_t ip;
	err_t err;

	sock_to_ip(a, &ip);
	if (!sock_addr_any(a) && !sock_ip_local(&ip))
		return -EADDRNOTAVAIL;
	udp_apply_opts(so);
	if (so->domain == AF_INET6 && !so->v6only && sock_addr_any(a))
		err = udp_bind(so->pcb.udp, IP_ANY_TYPE, a->port);
	else
		err = udp_bind(so->pcb.udp, &ip, a->port);
	if (err != ERR_OK)
		return -sock_lwip_errno(err);
	udp_note_local(so);
	return 0;
}

/* The destination a, with BSD's reading of the wildcard (this host). */
static int
udp_dest(const struct sock_addr *a, ip_addr_t *ip)
{
	if (a->port == 0)
		return -EADDRNOTAVAIL;
	sock_to_ip(a, ip);
	if (sock_addr_any(a)) {
		if (a->family == AF_INET)
			ip_addr_set_loopback(0, ip);
#if LWIP_IPV6
		else
			ip_addr_set_loopback(1, ip);
#endif
	}
	return 0;
}

static int
udp_connect_op(struct socket *so, const struct sock_addr *a, bool nonblock)
{
	struct udp_pcb *pcb = so->pcb.udp;
	ip_addr_t ip, src;
	err_t err;
	int r;

	if (a->family == AF_UNSPEC) {
		udp_disconnect(pcb);
		so->state = SS_NEW;
		memset(&so->peer, 0, sizeof(so->peer));
		so->peer.family = so->domain;
		return 0;
	}
	r = udp_dest(a, &ip);
	if (r < 0)
		return r;
	if (a->family == AF_INET && so->domain == AF_INET6 && !so->bound)
		ip_addr_set_zero_ip4(&pcb->local_ip);	/* dual stack */
	udp_apply_opts(so);
	err = udp_connect(pcb, &ip, a->port);
	if (err != ERR_OK)
		return -sock_lwip_errno(err);
	/* BSD fixes the local address too (getsockname tells it). */
	if (ip_addr_isany(&pcb->local_ip) &&
	    !IP_IS_ANY_TYPE_VAL(pcb->local_ip) &&
	    sock_ip_source(&ip, &src) == 0)
		ip_addr_copy(pcb->local_ip, src);
	udp_note_local(so);
	sock_from_ip(&ip, a->port, &so->peer);
	so->state = SS_CONNECTED;
	return 0;
}

static long
udp_send_op(struct socket *so, const struct iovec *iov, int iovcnt,
    int flags, const struct sock_addr *to, bool nonblock)
{
	struct udp_pcb *pcb = so->pcb.udp;
	struct pbuf *p;
	ip_addr_t ip;
	size_t total, off = 0;
	err_t err;
	int i, r;

	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	if (so->wr_shut)
		return -EPIPE;
	if (to != NULL && so->state == SS_CONNECTED)
		return -EISCONN;
	if (to == NULL && so->state != SS_CONNECTED)
		return -EDESTADDRREQ;
	total = iov_total(iov, iovcnt);
	if (total > (so->domain == AF_INET ? UDP_MAX4 : UDP_MAX6) ||
	    (to != NULL && to->family == AF_INET && total > UDP_MAX4))
		return -EMSGSIZE;
	if (to != NULL) {
		r = udp_dest(to, &ip);
		if (r < 0)
			return r;
	}
	p = pbuf_alloc(PBUF_TRANSPORT, (u16_t)total, PBUF_RAM);
	if (p == NULL)
		return -ENOBUFS;
	for (i = 0; i < iovcnt; i++) {
		if (iov[i].iov_len == 0)
			continue;
		pbuf_take_at(p, iov[i].iov_base, (u16_t)iov[i].iov_len,
		    (u16_t)off);
		off += iov[i].iov_len;
	}
	udp_apply_opts(so);
	if (to != NULL)
		err = udp_sendto(pcb, p, &ip, to->port);
	else
		err = udp_send(pcb, p);
	pbuf_free(p);
	if (!so->bound)
		udp_note_local(so);
	if (err != ERR_OK)
		return -sock_lwip_errno(err);
	return (long)total;
}

static long
udp_recv_op(struct socket *so, const struct iovec *iov, int iovcnt,
    int *flags, struct sock_addr *from, bool nonblock)
{
	struct sock_dgram *d;
	uint64_t deadline = 0;
	size_t done = 0, len, c;
	bool peek = (*flags & MSG_PEEK) != 0;
	int i;

	while ((d = so->dq_head) == NULL) {
		if (so->rd_shut)
			return 0;
		if (sock_block(so, nonblock, so->rcvtimeo, &deadline) < 0)
			return -EAGAIN;
	}
	len = d->p->tot_len;
	for (i = 0; i < iovcnt && done < len; i++) {
		c = MIN(iov[i].iov_len, len - done);
		if (c > 0)
			pbuf_copy_partial(d->p, iov[i].iov_base, (u16_t)c,
			    (u16_t)done);
		done += c;
	}
	if (from != NULL)
		*from = d->from;
	*flags = done < len ? MSG_TRUNC : 0;
	if (!peek) {
		dq_pop(so);
		sock_event(so, 0);
	}
	return (long)done;
}

static int
udp_shutdown_op(struct socket *so, int how)
{
	if (so->state != SS_CONNECTED)
		return -ENOTCONN;
	if (how == SHUT_RD || how == SHUT_RDWR) {
		so->rd_shut = true;
		while (so->dq_head != NULL)
			dq_pop(so);
	}
	if (how == SHUT_WR || how == SHUT_RDWR)
		so->wr_shut = true;
	sock_event(so, FILE_EV_READ | FILE_EV_RDEOF | FILE_EV_WRITE |
	    FILE_EV_WREOF);
	return 0;
}

static int
udp_name_op(struct socket *so, struct sock_addr *a, bool peer)
{
	if (peer) {
		if (so->state != SS_CONNECTED)
			return -ENOTCONN;
		*a = so->peer;
		return 0;
	}
	sock_from_ip(&so->pcb.udp->local_ip, so->pcb.udp->local_port, a);
	return 0;
}

static int
udp_setopt_op(struct socket *so, int level, int name, const void *val,
    unsigned int len)
{
	int v, r;

	if (level == SOL_SOCKET) {
		udp_apply_opts(so);
		return 0;
	}
	r = sock_mcast_setopt(so, level, name, val, len);
	if (r <= 0)
		return r;
	r = sock_opt_int(val, len, &v);
	if (r < 0)
		return r;
	switch (level) {
	case IPPROTO_IP:
	case IPPROTO_IPV6:
		r = sock_ip_setopt(so, level, name, v, UDP_TTL);
		if (r < 0)
			return r;
		break;
	default:
		return -ENOPROTOOPT;
	}
	udp_apply_opts(so);
	return 0;
}

static int
udp_getopt_op(struct socket *so, int level, int name, void *val,
    unsigned int *len)
{
	int v, r;

	r = sock_mcast_getopt(so, level, name, val, len);
	if (r <= 0)
		return r;
	r = sock_ip_getopt(so, level, name, UDP_TTL, &v);
	return r < 0 ? r : sock_opt_put_int(val, len, v);
}

/* Readable with a datagram queued; always writable (nothing is kept). */
static void
udp_poll_op(struct socket *so, struct file_poll *st)
{
	st->nread = (int64_t)so->rcv_cc;
	if (so->dq_head != NULL)
		st->ready |= FILE_EV_READ;
	if (so->rd_shut)
		st->ready |= FILE_EV_READ | FILE_EV_RDEOF;
	st->nwrite = so->sndbuf;
	st->ready |= FILE_EV_WRITE;
	if (so->wr_shut)
		st->ready |= FILE_EV_WREOF;
}

static void
udp_detach(struct socket *so)
{
	sock_mcast_leave_all(so);
	if (so->pcb.udp != NULL) {
		udp_recv(so->pcb.udp, NULL, NULL);
		udp_remove(so->pcb.udp);
		so->pcb.udp = NULL;
	}
	while (so->dq_head != NULL)
		dq_pop(so);
}

const struct sock_proto sock_udp_proto = {
	.type = SOCK_DGRAM,
	.attach = udp_attach,
	.bind = udp_bind_op,
	.connect = udp_connect_op,
	.send = udp_send_op,
	.recv = udp_recv_op,
	.shutdown = udp_shutdown_op,
	.name = udp_name_op,
	.setopt = udp_setopt_op,
	.getopt = udp_getopt_op,
	.poll = udp_poll_op,
	.detach = udp_detach,
};

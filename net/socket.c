/* SPDX-License-Identifier: ISC */
/*
 * socket.c: the socket object and its open file: creation, the calls of
 * the libc edge (each takes the net core lock and hands over to the
 * protocol, sock_tcp.c, sock_udp.c or sock_unix.c), SOL_SOCKET options,
 * and readiness for kqueue (net/socket.h explains the snapshot).
 * lwIP-free.
 */
#include "kernel.h"
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <netinet/in.h>
#include "libc/fcntl.h"
#include "libc/sys/stat.h"

#include "socket.h"

#define NSEC_PER_SEC	1000000000ULL
#define SOCK_RCVLOWAT	1	/* OpenBSD soreserve: so_rcv.sb_lowat */
#define SOCK_SNDLOWAT	2048	/* OpenBSD soreserve: MCLBYTES */

/* SOL_SOCKET options that are plain on/off bits in so->opts */
#define SOCK_BOOL_OPTS	(SO_DEBUG | SO_REUSEADDR | SO_KEEPALIVE | \
			SO_DONTROUTE | SO_BROADCAST | SO_USELOOPBACK | \
			SO_OOBINLINE | SO_REUSEPORT | SO_TIMESTAMP)

struct list sock_all = LIST_INIT(sock_all);
static const struct file_ops sock_fops;

/* See socket.h. */
size_t
iov_total(const struct iovec *iov, int iovcnt)
{
	size_t n = 0;
	int i;

	for (i = 0; i < iovcnt; i++)
		n += iov[i].iov_len;
	return n;
}

/* See socket.h. */
uint64_t
sock_deadline(uint64_t timeo)
{
	return timeo == 0 ? 0 : time_monotonic() + timeo;
}

/* See socket.h. */
int
sock_wait(struct socket *so, uint64_t deadline)
{
	return net_cond_wait(&so->cond, deadline);
}

/* See socket.h. */
int
sock_take_error(struct socket *so)
{
	int e = so->error;

	if (e != 0) {
		so->error = 0;
		sock_event(so, 0);
	}
	return e;
}

/* See socket.h. */
int
sock_block(struct socket *so, bool nonblock, uint64_t timeo,
    uint64_t *deadline)
{
	if (nonblock)
		return -EAGAIN;
	if (*deadline == 0)
		*deadline = sock_deadline(timeo);
	return sock_wait(so, *deadline) == -ETIMEDOUT ? -EAGAIN : 0;
}

/* See socket.h. */
void
sock_acq_put(struct socket *lso, struct socket *c, bool front)
{
	if (front || lso->acq_head == NULL) {
		c->acq_next = lso->acq_head;
		lso->acq_head = c;
		if (lso->acq_tail == NULL)
			lso->acq_tail = c;
	} else {
		lso->acq_tail->acq_next = c;
		lso->acq_tail = c;
	}
	lso->acq_len++;
	c->listener = lso;
	sock_event(lso, FILE_EV_READ);
}

/* See socket.h. */
struct socket *
sock_acq_take(struct socket *lso)
{
	struct socket *c = lso->acq_head;

	if (c == NULL)
		return NULL;
	lso->acq_head = c->acq_next;
	if (lso->acq_head == NULL)
		lso->acq_tail = NULL;
	lso->acq_len--;
	c->acq_next = NULL;
	c->listener = NULL;
	return c;
}

/* See socket.h. */
void
sock_event(struct socket *so, uint32_t hint)
{
	struct file_poll st;

	memset(&st, 0, sizeof(st));
	so->proto->poll(so, &st);
	__atomic_store_n(&so->p_nread, st.nread, __ATOMIC_RELAXED);
	__atomic_store_n(&so->p_nwrite, st.nwrite, __ATOMIC_RELAXED);
	__atomic_store_n(&so->p_error, st.error, __ATOMIC_RELAXED);
	__atomic_store_n(&so->p_ready, st.ready, __ATOMIC_RELEASE);
	if (hint == 0)
		return;
	net_cond_broadcast(&so->cond);
	if (so->fp != NULL)
		file_notify(so->fp, hint);
}

static struct socket *
sock_alloc(int domain, const struct sock_proto *proto)
{
	struct socket *so;

	so = kzalloc(sizeof(*so));
	if (so == NULL)
		return NULL;
	so->proto = proto;
	so->domain = domain;
	so->type = proto->type;
	so->state = SS_NEW;
	so->v6only = true;
	so->rcvlowat = SOCK_RCVLOWAT;
	so->sndlowat = SOCK_SNDLOWAT;
	so->local.family = domain;
	so->peer.family = domain;
	so->ino = file_new_ino();
	so->ctime_ns = time_realtime();
	return so;
}

/* See socket.h. */
struct socket *
sock_new_child(struct socket *lso)
{
	struct socket *so;

	so = sock_alloc(lso->domain, lso->proto);
	if (so == NULL)
		return NULL;
	so->type = lso->type;
	/* What BSD's sonewconn copies from the listener. */
	so->opts = lso->opts & ~SO_ACCEPTCONN;
	so->v6only = lso->v6only;
	so->nodelay = lso->nodelay;
	so->linger_on = lso->linger_on;
	so->linger_sec = lso->linger_sec;
	so->rcvbuf = lso->rcvbuf;
	so->sndbuf = lso->sndbuf;
	so->rcvlowat = lso->rcvlowat;
	so->sndlowat = lso->sndlowat;
	so->rcvtimeo = lso->rcvtimeo;
	so->sndtimeo = lso->sndtimeo;
	so->tos = lso->tos;
	so->ttl = lso->ttl;
	list_push_back(&sock_all, &so->all_link);
	return so;
}

/* See socket.h. */
void
sock_free_child(struct socket *so)
{
	list_remove(&so->all_link);
	kfree(so);
}

/* See socket.h. */
int
sock_create(int domain, int type, int protocol, bool nonblock,
    struct file **fpp)
{
	const struct sock_proto *proto;
	struct socket *so;
	struct file *fp;
	int r;

	if (domain == AF_UNIX) {
		/* OpenBSD unixsw[]: protocol 0 only */
		if (type != SOCK_STREAM && type != SOCK_DGRAM &&
		    type != SOCK_SEQPACKET)
			return -EPROTOTYPE;
		if (protocol != 0)
			return -EPROTONOSUPPORT;
		proto = &sock_unix_proto;
	} else if (domain != AF_INET && domain != AF_INET6) {
		return -EAFNOSUPPORT;
	} else switch (type) {
	case SOCK_STREAM:
		if (protocol != 0 && protocol != IPPROTO_TCP)
			return -EPROTONOSUPPORT;
		proto = &sock_tcp_proto;
		break;
	case SOCK_DGRAM:
		if (protocol != 0 && protocol != IPPROTO_UDP)
			return -EPROTONOSUPPORT;
		proto = &sock_udp_proto;
		break;
	case SOCK_RAW:
	case SOCK_SEQPACKET:
		return -EPROTONOSUPPORT;
	default:
		return -EPROTOTYPE;
	}
	so = sock_alloc(domain, proto);
	if (so == NULL)
		return -ENOMEM;
	so->type = type;
	fp = file_alloc(&sock_fops, so, O_RDWR | (nonblock ? O_NONBLOCK : 0));
	if (fp == NULL) {
		kfree(so);
		return -ENOMEM;
	}
	net_lock();
	r = proto->attach(so);
	if (r == 0) {
		list_push_back(&sock_all, &so->all_link);
		so->fp = fp;
		sock_event(so, 0);
	}
	net_unlock();
	if (r < 0) {
		fp->priv = NULL;	/* sock_close: nothing to detach */
		file_release(fp);
		kfree(so);
		return r;
	}
	*fpp = fp;
	return 0;
}

/* See socket.h. */
struct socket *
sock_of(struct file *fp)
{
	return fp->ops == &sock_fops ? fp->priv : NULL;
}

/* See socket.h. */
int
sock_bind(struct socket *so, const struct sock_addr *a)
{
	int r;

	if (a->family == AF_UNSPEC)	/* the only one decoding lets by */
		return -EAFNOSUPPORT;
	net_lock();
	if (so->bound || so->state != SS_NEW)
		r = -EINVAL;
	else
		r = so->proto->bind(so, a);
	net_unlock();
	return r;
}

/* See socket.h. */
int
sock_listen(struct socket *so, int backlog)
{
	int r;

	if (so->proto->listen == NULL)
		return -EOPNOTSUPP;
	/* OpenBSD sys_listen/solisten: out of range means the maximum. */
	if (backlog < 0 || backlog > SOMAXCONN)
		backlog = SOMAXCONN;
	net_lock();
	r = so->proto->listen(so, backlog);
	if (r == 0)
		sock_event(so, 0);
	net_unlock();
	return r;
}

/* See socket.h. */
int
sock_connect(struct socket *so, const struct sock_addr *a, bool nonblock)
{
	int r;

	net_lock();
	r = so->proto->connect(so, a, nonblock);
	net_unlock();
	return r;
}

/* See socket.h. */
int
sock_accept(struct socket *so, bool nonblock, bool child_nonblock,
    struct file **fpp, struct sock_addr *peer)
{
	struct socket *child = NULL;
	struct file *fp;
	uint64_t deadline;
	int r;

	if (so->proto->accept == NULL)
		return -EOPNOTSUPP;
	net_lock();
	deadline = sock_deadline(so->rcvtimeo);
	for (;;) {
		if (so->state != SS_LISTEN) {
			r = -EINVAL;
			break;
		}
		r = so->proto->accept(so, &child);
		if (r != -EAGAIN || nonblock)
			break;
		if (sock_wait(so, deadline) == -ETIMEDOUT)
			break;
	}
	if (r == 0) {
		sock_event(so, 0);
		fp = file_alloc(&sock_fops, child,
		    O_RDWR | (child_nonblock ? O_NONBLOCK : 0));
		if (fp == NULL) {
			so->proto->detach(child);
			sock_free_child(child);
			r = -ECONNABORTED;	/* Go retries at once */
		} else {
			child->fp = fp;
			sock_event(child, 0);
			*peer = child->peer;
			*fpp = fp;
		}
	}
	net_unlock();
	return r;
}

/* See socket.h. */
void
sock_unaccept(struct socket *so, struct file *fp)
{
	struct socket *child;

	net_lock();
	child = fp->priv;
	fp->priv = NULL;		/* sock_close: nothing to do */
	child->fp = NULL;
	so->proto->requeue(so, child);
	net_unlock();
	file_release(fp);
}

/* See socket.h. */
long
sock_send(struct socket *so, const struct iovec *iov, int iovcnt, int flags,
    const struct sock_addr *to, bool nonblock, struct sock_fds *fds)
{
	long r;

	if (flags & MSG_DONTWAIT)
		nonblock = true;
	net_lock();
	if (fds != NULL)
		r = sock_unix_send(so, iov, iovcnt, flags, to, nonblock, fds);
	else
		r = so->proto->send(so, iov, iovcnt, flags, to, nonblock);
	net_unlock();
	return r;
}

/* See socket.h. */
long
sock_recv(struct socket *so, const struct iovec *iov, int iovcnt, int *flags,
    struct sock_addr *from, bool nonblock, struct sock_fds *fds)
{
	long r;

	if (*flags & MSG_DONTWAIT)
		nonblock = true;
	if (*flags & MSG_OOB)
		return -EINVAL;		/* no out-of-band data, as BSD */
	net_lock();
	if (fds != NULL)
		r = sock_unix_recv(so, iov, iovcnt, flags, from, nonblock,
		    fds);
	else
		r = so->proto->recv(so, iov, iovcnt, flags, from, nonblock);
	net_unlock();
	if (so->domain == AF_UNIX)
		sock_unix_reap();
	return r;
}

/* See socket.h. */
int
sock_shutdown(struct socket *so, int how)
{
	int r;

	if (how != SHUT_RD && how != SHUT_WR && how != SHUT_RDWR)
		return -EINVAL;
	net_lock();
	r = so->proto->shutdown(so, how);
	net_unlock();
	if (so->domain == AF_UNIX)
		sock_unix_reap();
	return r;
}

/* See socket.h. */
int
sock_name(struct socket *so, struct sock_addr *a, bool peer)
{
	int r;

	net_lock();
	r = so->proto->name(so, a, peer);
	net_unlock();
	return r;
}

/* See socket.h. */
int
sock_opt_int(const void *val, unsigned int len, int *v)
{
	if (val == NULL)
		return -EFAULT;
	if (len < sizeof(int))
		return -EINVAL;
	memcpy(v, val, sizeof(int));
	return 0;
}

/* A struct timeval option as ns: -EDOM when out of range (OpenBSD). */
static int
opt_timeval(const void *val, unsigned int len, uint64_t *ns)
{
	struct timeval tv;

	if (val == NULL)
		return -EFAULT;
	if (len < sizeof(tv))
		return -EINVAL;
	memcpy(&tv, val, sizeof(tv));
	if (tv.tv_sec < 0 || tv.tv_usec < 0 || tv.tv_usec >= 1000000 ||
	    (uint64_t)tv.tv_sec > UINT64_MAX / NSEC_PER_SEC / 2)
		return -EDOM;
	*ns = (uint64_t)tv.tv_sec * NSEC_PER_SEC + (uint64_t)tv.tv_usec * 1000;
	return 0;
}

/* SOL_SOCKET options, stored here; the protocol then applies them. */
static int
sol_setopt(struct socket *so, int name, const void *val, unsigned int len)
{
	struct linger l;
	int v, r;

	switch (name) {
	case SO_LINGER:
		if (val == NULL)
			return -EFAULT;
		if (len < sizeof(l))
			return -EINVAL;
		memcpy(&l, val, sizeof(l));
		so->linger_on = l.l_onoff != 0;
		so->linger_sec = l.l_linger;
		if (so->linger_on)
			so->opts |= SO_LINGER;
		else
			so->opts &= ~SO_LINGER;
		return 0;
	case SO_SNDTIMEO:
		return opt_timeval(val, len, &so->sndtimeo);
	case SO_RCVTIMEO:
		return opt_timeval(val, len, &so->rcvtimeo);
	default:
		break;
	}
	r = sock_opt_int(val, len, &v);
	if (r < 0)
		return r;
	if (name & SOCK_BOOL_OPTS && (name & ~SOCK_BOOL_OPTS) == 0 &&
	    __builtin_popcount((unsigned int)name) == 1) {
		if (v)
			so->opts |= name;
		else
			so->opts &= ~name;
		return so->proto->setopt(so, SOL_SOCKET, name, val, len);
	}
	switch (name) {
	case SO_SNDBUF:
	case SO_RCVBUF:
		if (v <= 0)
			return -EINVAL;
		if (name == SO_SNDBUF)
			so->sndbuf = v;
		else
			so->rcvbuf = v;
		return so->proto->setopt(so, SOL_SOCKET, name, val, len);
	case SO_SNDLOWAT:
		so->sndlowat = MAX(v, 1);
		return 0;
	case SO_RCVLOWAT:
		so->rcvlowat = MAX(v, 1);
		return 0;
	default:
		return -ENOPROTOOPT;
	}
}

/* See socket.h. */
int
sock_opt_put_int(void *val, unsigned int *len, int v)
{
	if (val == NULL || len == NULL)
		return -EFAULT;
	if (*len < sizeof(int))
		return -EINVAL;
	memcpy(val, &v, sizeof(v));
	*len = sizeof(v);
	return 0;
}

static int
put_timeval(void *val, unsigned int *len, uint64_t ns)
{
	struct timeval tv;

	if (val == NULL || len == NULL)
		return -EFAULT;
	if (*len < sizeof(tv))
		return -EINVAL;
	tv.tv_sec = (time_t)(ns / NSEC_PER_SEC);
	tv.tv_usec = (suseconds_t)(ns % NSEC_PER_SEC / 1000);
	memcpy(val, &tv, sizeof(tv));
	*len = sizeof(tv);
	return 0;
}

static int
sol_getopt(struct socket *so, int name, void *val, unsigned int *len)
{
	struct linger l;

	switch (name) {
	case SO_LINGER:
		if (val == NULL || len == NULL)
			return -EFAULT;
		if (*len < sizeof(l))
			return -EINVAL;
		l.l_onoff = so->linger_on ? SO_LINGER : 0;
		l.l_linger = so->linger_sec;
		memcpy(val, &l, sizeof(l));
		*len = sizeof(l);
		return 0;
	case SO_SNDTIMEO:
		return put_timeval(val, len, so->sndtimeo);
	case SO_RCVTIMEO:
		return put_timeval(val, len, so->rcvtimeo);
	case SO_ERROR:
		/* Reading the pending error clears it (BSD sogetopt). */
		return sock_opt_put_int(val, len, sock_take_error(so));
	case SO_TYPE:
		return sock_opt_put_int(val, len, so->type);
	case SO_DOMAIN:
		return sock_opt_put_int(val, len, so->domain);
	case SO_PROTOCOL:
		return sock_opt_put_int(val, len, so->domain == AF_UNIX ? 0 :
		    so->type == SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP);
	case SO_ACCEPTCONN:
		return sock_opt_put_int(val, len,
		    so->state == SS_LISTEN ? SO_ACCEPTCONN : 0);
	case SO_SNDBUF:
		return sock_opt_put_int(val, len, so->sndbuf);
	case SO_RCVBUF:
		return sock_opt_put_int(val, len, so->rcvbuf);
	case SO_SNDLOWAT:
		return sock_opt_put_int(val, len, so->sndlowat);
	case SO_RCVLOWAT:
		return sock_opt_put_int(val, len, so->rcvlowat);
	default:
		break;
	}
	if (name & SOCK_BOOL_OPTS && (name & ~SOCK_BOOL_OPTS) == 0 &&
	    __builtin_popcount((unsigned int)name) == 1)
		/* OpenBSD answers the option's bit, not 1. */
		return sock_opt_put_int(val, len, so->opts & name);
	return -ENOPROTOOPT;
}

/* See socket.h. */
int
sock_setopt(struct socket *so, int level, int name, const void *val,
    unsigned int len)
{
	int r;

	net_lock();
	if (level == SOL_SOCKET)
		r = sol_setopt(so, name, val, len);
	else
		r = so->proto->setopt(so, level, name, val, len);
	net_unlock();
	return r;
}

/* See socket.h. */
int
sock_getopt(struct socket *so, int level, int name, void *val,
    unsigned int *len)
{
	int r;

	net_lock();
	if (level == SOL_SOCKET)
		r = sol_getopt(so, name, val, len);
	else
		r = so->proto->getopt(so, level, name, val, len);
	net_unlock();
	return r;
}

/*
 * The file ops.  read/write are recv/send without flags or addresses.
 */
static long
sock_read(struct file *fp, void *buf, size_t n, int64_t *off)
{
	struct iovec iov = { buf, n };
	int flags = 0;

	return sock_recv(fp->priv, &iov, 1, &flags, NULL, file_nonblock(fp),
	    NULL);
}

static long
sock_write(struct file *fp, const void *buf, size_t n, int64_t *off)
{
	struct iovec iov = { (void *)(uintptr_t)buf, n };

	return sock_send(fp->priv, &iov, 1, 0, NULL, file_nonblock(fp), NULL);
}

static int
sock_stat(struct file *fp, struct stat *st)
{
	struct socket *so = fp->priv;

	st->st_mode = S_IFSOCK | 0666;
	st->st_dev = VFS_DEV_SOCKET;
	st->st_ino = so->ino;
	st->st_nlink = 1;
	st->st_size = __atomic_load_n(&so->p_nread, __ATOMIC_RELAXED);
	st->st_blksize = (uint32_t)so->sndbuf;
	st->st_atim.tv_sec = so->ctime_ns / (int64_t)NSEC_PER_SEC;
	st->st_atim.tv_nsec = so->ctime_ns % (int64_t)NSEC_PER_SEC;
	st->st_mtim = st->st_atim;
	st->st_ctim = st->st_atim;
	return 0;
}

/* kq_lock held: the snapshot only (socket.h). */
static void
sock_poll(struct file *fp, struct file_poll *st)
{
	struct socket *so = fp->priv;

	st->ready = __atomic_load_n(&so->p_ready, __ATOMIC_ACQUIRE);
	st->nread = __atomic_load_n(&so->p_nread, __ATOMIC_RELAXED);
	st->nwrite = __atomic_load_n(&so->p_nwrite, __ATOMIC_RELAXED);
	st->error = __atomic_load_n(&so->p_error, __ATOMIC_RELAXED);
}

/* The last reference is gone: tear the connection down (the protocol
 * decides between a graceful close and a reset) and free the socket. */
static void
sock_close(struct file *fp)
{
	struct socket *so = fp->priv;

	if (so == NULL)
		return;
	net_lock();
	so->fp = NULL;
	so->proto->detach(so);
	list_remove(&so->all_link);
	net_unlock();
	if (so->domain == AF_UNIX)
		sock_unix_reap();
	kfree(so);
}

static const struct file_ops sock_fops = {
	.read = sock_read,
	.write = sock_write,
	.stat = sock_stat,
	.poll = sock_poll,
	.close = sock_close,
};

/* SPDX-License-Identifier: ISC */
/*
 * sock_unix.c: AF_UNIX sockets (SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET)
 * and socketpair(2), with OpenBSD's semantics (sys/kern/uipc_usrreq.c)
 * in one address space: a send copies the bytes straight into the
 * receiving socket's queue, bounded by the receiver's SO_RCVBUF.
 *
 * A bound name is an S_IFSOCK node in /tmp (tmpfs_mksock) which, as on
 * BSD, outlives the socket until unlinked; connect and sendto find the
 * socket bound there by the node's inode.  A stream or seqpacket
 * connect completes at once: the new connection waits on the listener's
 * queue, already able to carry data, until accept(2) takes it.
 *
 * Waiting: a reader sleeps on its own so->cond, which a sender's
 * sock_event wakes; a stream or seqpacket writer short of space sleeps
 * on its own cond too, which the reader's sock_event on its peer wakes.
 * A datagram to a full receiver fails with ENOBUFS, as OpenBSD's
 * sbappendaddr failure does, so nothing waits on a socket it does not
 * own.  Everything runs under the net core lock (net/socket.h).
 *
 * Passed fds (SCM_RIGHTS) travel as file references on the record they
 * came with; the receiver's recvmsg installs them as new fds (one fd
 * table: a dup).  Records dropped with files still on them (read past,
 * flushed, closed) park on unix_dead until sock_unix_reap releases the
 * files without the core lock.  As on BSD without its garbage
 * collector, a socket whose own fd sits in its queue is never freed.
 */
#include "kernel.h"
#include <sys/socket.h>
#include <sys/uio.h>
#include "libc/fcntl.h"
#include "libc/sys/stat.h"
#include "libc/sys/un.h"

#include "socket.h"

#define UNIX_BUF_DEF	(64 * 1024)	/* SO_SNDBUF, SO_RCVBUF default */
#define UNIX_BUF_MIN	512
#define UNIX_BUF_MAX	(4 * 1024 * 1024)
#define UNIX_REC_MIN	512	/* stream records: room for later writes */

_Static_assert(sizeof(struct sockaddr_un) == 106, "sockaddr_un: 106 bytes");

/* A message (SOCK_DGRAM, SOCK_SEQPACKET) or a run of stream bytes. */
struct unix_rec {
	struct unix_rec	*next;
	size_t		len;		/* bytes in data */
	size_t		off;		/* bytes of them read (stream) */
	size_t		cap;		/* room in data */
	const char	*from;		/* a datagram's named sender, or NULL
					   (kept in data past cap) */
	struct sock_fds	fds;		/* files passed with the record */
	unsigned char	data[];
};

/* Records whose passed files wait to be released with the core lock
 * dropped (sock_unix_reap): the last reference to a socket's file would
 * take the lock again. */
static struct unix_rec *unix_dead;

struct sock_unix {
	struct socket	*peer;		/* where sends go; NULL: none or gone */
	uint64_t	ino;		/* the bound node's inode; 0: unbound */
	struct unix_rec	*head, *tail;	/* receive queue, so->rcv_cc bytes */
	char		name[SOCK_PATH_MAX];	/* so->local.path */
	char		peer_name[SOCK_PATH_MAX];	/* so->peer.path */
};

/* Copy n bytes between buf and the bytes of iov from offset off
 * (to_buf: from iov into buf).  The caller checked that they exist. */
static void
iov_move(const struct iovec *iov, size_t off, unsigned char *buf, size_t n,
    bool to_buf)
{
	size_t c;

	for (; n > 0; iov++) {
		if (off >= iov->iov_len) {
			off -= iov->iov_len;
			continue;
		}
		c = MIN(iov->iov_len - off, n);
		if (to_buf)
			memcpy(buf, (const char *)iov->iov_base + off, c);
		else
			memcpy((char *)iov->iov_base + off, buf, c);
		buf += c;
		n -= c;
		off = 0;
	}
}

/* See socket.h.  The checks follow OpenBSD's unp_nam2sun. */
int
sockaddr_un_decode(const void *sa, unsigned int len, struct sock_addr *out,
    char *buf)
{
	const struct sockaddr_un *sun = sa;
	size_t n;

	if (sa == NULL)
		return -EFAULT;
	if (len < 2)
		return -EINVAL;
	out->family = sun->sun_family;
	out->path = buf;
	if (sun->sun_family == AF_UNSPEC)
		return 0;
	if (sun->sun_family != AF_UNIX)
		return -EAFNOSUPPORT;
	n = strnlen(sun->sun_path, MIN(len, sizeof(*sun)) - 2);
	if (n == SOCK_PATH_MAX)
		return -EINVAL;		/* no room left for the NUL */
	memcpy(buf, sun->sun_path, n);
	buf[n] = '\0';
	return 0;
}

/* See socket.h. */
unsigned int
sockaddr_un_encode(const struct sock_addr *a, void *sa, unsigned int *lenp)
{
	struct sockaddr_un sun;
	unsigned int full;

	memset(&sun, 0, sizeof(sun));
	full = a->path[0] == '\0' ? 16 :	/* sizeof(sun_noname) */
	    (unsigned int)(offsetof(struct sockaddr_un, sun_path) +
	    strlen(a->path) + 1);
	sun.sun_len = (unsigned char)full;
	sun.sun_family = AF_UNIX;
	strlcpy(sun.sun_path, a->path, sizeof(sun.sun_path));
	if (sa != NULL && lenp != NULL) {
		if (*lenp > full)
			*lenp = full;
		memcpy(sa, &sun, *lenp);
	}
	return full;
}

static struct sock_unix *
unp(struct socket *so)
{
	return so->pcb.unp;
}

/* Drop the first record of so's queue; its files, if any, wait in
 * unix_dead. */
static void
unix_pop(struct socket *so)
{
	struct unix_rec *r = unp(so)->head;

	unp(so)->head = r->next;
	if (r->next == NULL)
		unp(so)->tail = NULL;
	so->rcv_cc -= r->len - r->off;
	if (r->fds.n > 0) {
		r->next = unix_dead;
		unix_dead = r;
	} else {
		kfree(r);
	}
}

/* See socket.h. */
void
sock_fds_release(struct sock_fds *fds)
{
	int i;

	for (i = 0; i < fds->n; i++)
		file_release(fds->fps[i]);
	kfree(fds->fps);
	fds->n = 0;
}

/* See socket.h. */
void
sock_unix_reap(void)
{
	struct unix_rec *r, *next;

	if (__atomic_load_n(&unix_dead, __ATOMIC_RELAXED) == NULL)
		return;
	net_lock();
	r = unix_dead;
	unix_dead = NULL;
	net_unlock();
	for (; r != NULL; r = next) {
		next = r->next;
		sock_fds_release(&r->fds);
		kfree(r);
	}
}

/*
 * Queue n bytes of iov from offset off at dst: one record, except that
 * stream bytes without files first fill the last record's room unless
 * it carries files.  from: the sender's name for a datagram, or NULL.
 * fds: files that go with the bytes (taken over when queued), or NULL.
 * The bytes queued, or -ENOBUFS when none could be.
 */
static long
unix_append(struct socket *dst, const struct iovec *iov, size_t off,
    size_t n, const char *from, struct sock_fds *fds)
{
	struct unix_rec *t = unp(dst)->tail, *r;
	size_t c = 0, cap, flen = from != NULL ? strlen(from) + 1 : 0;

	if (dst->type == SOCK_STREAM && t != NULL && t->fds.n == 0 &&
	    fds == NULL) {
		c = MIN(t->cap - t->len, n);
		iov_move(iov, off, t->data + t->len, c, true);
		t->len += c;
		dst->rcv_cc += c;
		if (c == n)
			return (long)c;
	}
	cap = dst->type == SOCK_STREAM ? MAX(n - c, UNIX_REC_MIN) : n;
	r = kmalloc(sizeof(*r) + cap + flen);
	if (r == NULL)
		return c > 0 ? (long)c : -ENOBUFS;
	r->next = NULL;
	r->len = n - c;
	r->off = 0;
	r->cap = cap;
	r->from = NULL;
	r->fds.n = 0;
	if (fds != NULL) {
		r->fds = *fds;		/* the record owns them now */
		fds->n = 0;
	}
	iov_move(iov, off + c, r->data, n - c, true);
	if (from != NULL)
		r->from = memcpy(r->data + cap, from, flen);
	if (t != NULL)
		t->next = r;
	else
		unp(dst)->head = r;
	unp(dst)->tail = r;
	dst->rcv_cc += n - c;
	return (long)n;
}

/*
 * The socket bound at path, for so to connect or send to: 0 and *dstp,
 * or the lookup errors (-ENOENT...), -ENOTSOCK (the node is no socket),
 * -ECONNREFUSED (nobody bound there now), -EPROTOTYPE (another type),
 * as OpenBSD's unp_connect.
 */
static int
unix_find(struct socket *so, const char *path, struct socket **dstp)
{
	struct list *p;
	struct socket *o;
	struct stat st;
	int r;

	r = vfs_stat(AT_FDCWD, path, &st, 0);
	if (r < 0)
		return r;
	if (!S_ISSOCK(st.st_mode))
		return -ENOTSOCK;
	if (st.st_dev != VFS_DEV_TMPFS)
		return -ECONNREFUSED;
	list_for_each(p, &sock_all) {
		o = list_entry(p, struct socket, all_link);
		if (o->proto != &sock_unix_proto || unp(o)->ino != st.st_ino)
			continue;
		*dstp = o;
		return o->type == so->type ? 0 : -EPROTOTYPE;
	}
	return -ECONNREFUSED;
}

static struct sock_unix *
unix_alloc(struct socket *so)
{
	struct sock_unix *up = kzalloc(sizeof(*up));

	so->pcb.unp = up;
	if (up != NULL) {
		so->local.path = up->name;
		so->peer.path = up->peer_name;
	}
	return up;
}

static int
unix_attach(struct socket *so)
{
	so->rcvbuf = UNIX_BUF_DEF;
	so->sndbuf = UNIX_BUF_DEF;
	return unix_alloc(so) != NULL ? 0 : -ENOBUFS;
}

/* The name: a new S_IFSOCK node, which only /tmp can hold. */
static int
unix_bind(struct socket *so, const struct sock_addr *a)
{
	char abs[VFS_ABS_MAX];
	const struct vfs_ops *ops;
	const char *rel;
	struct stat st;
	bool must_dir;
	uint64_t ino = 0;
	int r;

	r = vfs_lookup(AT_FDCWD, a->path, false, abs, &must_dir);
	if (r < 0)
		return r;
	ops = vfs_ops_at(abs, &rel);
	if (ops == &tmpfs_ops && !must_dir && rel[0] != '\0')
		/* OpenBSD unp_bind: ACCESSPERMS less the umask */
		r = tmpfs_mksock(rel, (int)(0777 & ~proc_getumask()), &ino);
	else
		r = vfs_stat(AT_FDCWD, a->path, &st, AT_SYMLINK_NOFOLLOW) ==
		    0 ? -EEXIST : -EROFS;
	if (r < 0)
		return r == -EEXIST ? -EADDRINUSE : r;
	unp(so)->ino = ino;
	strlcpy(unp(so)->name, a->path, SOCK_PATH_MAX);
	so->bound = true;
	return 0;
}

static int
unix_listen(struct socket *so, int backlog)
{
	if (so->type == SOCK_DGRAM)
		return -EOPNOTSUPP;
	if (!so->bound || (so->state != SS_NEW && so->state != SS_LISTEN))
		return -EINVAL;
	so->state = SS_LISTEN;
	so->backlog = backlog;
	return 0;
}

static void
unix_link(struct socket *so, struct socket *peer)
{
	unp(so)->peer = peer;
	strlcpy(unp(so)->peer_name, unp(peer)->name, SOCK_PATH_MAX);
	so->state = SS_CONNECTED;
	sock_event(so, FILE_EV_WRITE);
}

static int
unix_connect(struct socket *so, const struct sock_addr *a, bool nonblock)
{
	struct socket *dst, *c;
	int r;

	if (so->type == SOCK_DGRAM && a->family == AF_UNSPEC) {
		unp(so)->peer = NULL;
		so->state = SS_NEW;
		sock_event(so, FILE_EV_WRITE);
		return 0;
	}
	if (a->family != AF_UNIX)
		return -EAFNOSUPPORT;
	if (so->state == SS_LISTEN)
		return -EOPNOTSUPP;
	if (so->type != SOCK_DGRAM && so->state != SS_NEW)
		return -EISCONN;
	r = unix_find(so, a->path, &dst);
	if (r < 0)
		return r;
	if (so->type == SOCK_DGRAM) {
		unix_link(so, dst);
		return 0;
	}
	/* OpenBSD sonewconn: no room beyond 3/2 of the backlog */
	if (dst->state != SS_LISTEN || dst->acq_len > dst->backlog * 3 / 2)
		return -ECONNREFUSED;
	c = sock_new_child(dst);
	if (c == NULL)
		return -ENOBUFS;
	if (unix_alloc(c) == NULL) {
		sock_free_child(c);
		return -ENOBUFS;
	}
	strlcpy(unp(c)->name, unp(dst)->name, SOCK_PATH_MAX);
	unix_link(c, so);
	unix_link(so, c);
	sock_acq_put(dst, c, false);
	return 0;
}

static int
unix_accept(struct socket *so, struct socket **childp)
{
	*childp = sock_acq_take(so);
	return *childp != NULL ? 0 : -EAGAIN;
}

static void
unix_requeue(struct socket *so, struct socket *c)
{
	sock_acq_put(so, c, true);
}

/* Where so's data goes (to: sendto's address, or NULL): 0 and *dstp, or
 * -errno as OpenBSD's sosend and unp_connect give it. */
static int
unix_dest(struct socket *so, const struct sock_addr *to,
    struct socket **dstp)
{
	struct socket *dst = unp(so)->peer;
	int e;

	if (so->wr_shut)
		return -EPIPE;
	if (so->error != 0) {
		e = so->error;
		so->error = 0;
		return -e;
	}
	if (to != NULL) {
		if (so->state == SS_CONNECTED)
			return -EISCONN;
		if (so->type != SOCK_DGRAM)
			return -ENOTCONN;
		e = unix_find(so, to->path, &dst);
		if (e < 0)
			return e;
	} else if (dst == NULL) {
		return so->state == SS_CLOSED ? -EPIPE :
		    so->type == SOCK_DGRAM ? -EDESTADDRREQ : -ENOTCONN;
	}
	if (dst->rd_shut)
		return -EPIPE;
	*dstp = dst;
	return 0;
}

/* See socket.h.  The files go with the first bytes queued. */
long
sock_unix_send(struct socket *so, const struct iovec *iov, int iovcnt,
    int flags, const struct sock_addr *to, bool nonblock,
    struct sock_fds *fds)
{
	struct socket *dst = NULL;
	size_t total = iov_total(iov, iovcnt), done = 0;
	uint64_t deadline = 0;
	long space, n;
	int r;

	/* OpenBSD sosend: an atomic message must fit the send buffer */
	if (so->type != SOCK_STREAM && total > (size_t)so->sndbuf)
		return -EMSGSIZE;
	for (;;) {
		r = unix_dest(so, to, &dst);
		if (r < 0)
			return done > 0 ? (long)done : r;
		space = (long)dst->rcvbuf - (long)dst->rcv_cc;
		if (so->type == SOCK_STREAM) {
			n = MIN(MAX(space, 0), (long)(total - done));
			if (n > 0)
				n = unix_append(dst, iov, done, (size_t)n,
				    NULL, done == 0 ? fds : NULL);
			if (n < 0)
				return done > 0 ? (long)done : n;
			done += (size_t)n;
		} else if (space >= (long)total || unp(dst)->head == NULL) {
			n = unix_append(dst, iov, 0, total, so->type ==
			    SOCK_DGRAM && unp(so)->name[0] != '\0' ?
			    unp(so)->name : NULL, fds);
			if (n < 0)
				return n;
			done = total;
		} else if (so->type == SOCK_DGRAM) {
			return -ENOBUFS;	/* OpenBSD unp_send */
		}
		if (done > 0 || total == 0) {
			sock_event(dst, FILE_EV_READ);
			sock_event(so, 0);
		}
		if (done == total)
			return (long)done;
		r = sock_block(so, nonblock, so->sndtimeo, &deadline);
		if (r < 0)
			return done > 0 ? (long)done : r;
	}
}

/* See socket.h.  Stream bytes come up to the next record with files,
 * so that these arrive with their first byte. */
long
sock_unix_recv(struct socket *so, const struct iovec *iov, int iovcnt,
    int *flags, struct sock_addr *from, bool nonblock, struct sock_fds *fds)
{
	struct unix_rec *r, *next;
	size_t total = iov_total(iov, iovcnt), done = 0, c;
	uint64_t deadline = 0;
	bool peek = (*flags & MSG_PEEK) != 0;
	int e;

	while ((r = unp(so)->head) == NULL) {
		e = sock_take_error(so);
		if (e != 0)
			return -e;
		if (so->rd_eof || so->rd_shut)
			return 0;
		if (so->type != SOCK_DGRAM && so->state != SS_CONNECTED)
			return -ENOTCONN;
		e = sock_block(so, nonblock, so->rcvtimeo, &deadline);
		if (e < 0)
			return e;
	}
	*flags = 0;
	if (from != NULL)
		strlcpy(from->path, r->from != NULL ? r->from : "",
		    SOCK_PATH_MAX);
	if (fds != NULL && r->fds.n > 0 && !peek) {
		*fds = r->fds;
		r->fds.n = 0;
	}
	if (so->type != SOCK_STREAM) {
		/* One message; what does not fit is lost (OpenBSD
		 * soreceive on a PR_ATOMIC protocol). */
		done = MIN(total, r->len);
		iov_move(iov, 0, r->data, done, false);
		if (done < r->len)
			*flags = MSG_TRUNC;
		if (!peek)
			unix_pop(so);
	} else {
		for (; r != NULL && done < total; r = next) {
			next = r->next;
			if (r->fds.n > 0 && done > 0)
				break;
			c = MIN(total - done, r->len - r->off);
			iov_move(iov, done, r->data + r->off, c, false);
			done += c;
			if (peek)
				continue;
			r->off += c;
			so->rcv_cc -= c;
			if (r->off == r->len)
				unix_pop(so);
		}
	}
	if (!peek) {
		sock_event(so, 0);
		if (unp(so)->peer != NULL && so->type != SOCK_DGRAM)
			sock_event(unp(so)->peer, FILE_EV_WRITE);
	}
	return (long)done;
}

static long
unix_send(struct socket *so, const struct iovec *iov, int iovcnt, int flags,
    const struct sock_addr *to, bool nonblock)
{
	return sock_unix_send(so, iov, iovcnt, flags, to, nonblock, NULL);
}

/* Files of a record read this way are closed, as OpenBSD's
 * unp_dispose does. */
static long
unix_recv(struct socket *so, const struct iovec *iov, int iovcnt, int *flags,
    struct sock_addr *from, bool nonblock)
{
	return sock_unix_recv(so, iov, iovcnt, flags, from, nonblock, NULL);
}

static int
unix_shutdown(struct socket *so, int how)
{
	struct socket *p = unp(so)->peer;

	if (so->type != SOCK_DGRAM &&
	    (so->state == SS_NEW || so->state == SS_LISTEN))
		return -ENOTCONN;
	if (how != SHUT_WR) {
		so->rd_shut = true;
		while (unp(so)->head != NULL)
			unix_pop(so);
	}
	if (how != SHUT_RD) {
		so->wr_shut = true;
		if (p != NULL && so->type != SOCK_DGRAM) {
			p->rd_eof = true;
			sock_event(p, FILE_EV_READ | FILE_EV_RDEOF);
		}
	}
	sock_event(so, FILE_EV_READ | FILE_EV_RDEOF | FILE_EV_WRITE |
	    FILE_EV_WREOF);
	return 0;
}

static int
unix_name(struct socket *so, struct sock_addr *a, bool peer)
{
	if (peer && so->state != SS_CONNECTED)
		return -ENOTCONN;
	*a = peer ? so->peer : so->local;
	return 0;
}

static int
unix_setopt(struct socket *so, int level, int name, const void *val,
    unsigned int len)
{
	if (level != SOL_SOCKET)
		return -ENOPROTOOPT;
	/* SO_SNDBUF/SO_RCVBUF as the generic layer stored them, bounded */
	so->sndbuf = MIN(MAX(so->sndbuf, UNIX_BUF_MIN), UNIX_BUF_MAX);
	so->rcvbuf = MIN(MAX(so->rcvbuf, UNIX_BUF_MIN), UNIX_BUF_MAX);
	sock_event(so, FILE_EV_READ | FILE_EV_WRITE);
	return 0;
}

static int
unix_getopt(struct socket *so, int level, int name, void *val,
    unsigned int *len)
{
	return -ENOPROTOOPT;
}

static void
unix_poll(struct socket *so, struct file_poll *st)
{
	struct socket *p = unp(so)->peer;
	long space;

	st->error = so->error;
	if (so->state == SS_LISTEN) {
		st->nread = so->acq_len;
		if (so->acq_len > 0)
			st->ready |= FILE_EV_READ;
		return;
	}
	st->nread = (int64_t)so->rcv_cc;
	if (unp(so)->head != NULL || so->error != 0)
		st->ready |= FILE_EV_READ;
	if (so->rd_eof || so->rd_shut)
		st->ready |= FILE_EV_READ | FILE_EV_RDEOF;
	if (so->wr_shut || so->state == SS_CLOSED) {
		st->ready |= FILE_EV_WRITE | FILE_EV_WREOF;
		return;
	}
	if (so->error != 0)
		st->ready |= FILE_EV_WRITE;
	space = so->sndbuf;
	if (p != NULL && so->type != SOCK_DGRAM)
		space = (long)p->rcvbuf - (long)p->rcv_cc;
	else if (p == NULL && so->type != SOCK_DGRAM)
		return;			/* not connected */
	st->nwrite = MAX(space, 0);
	if (space > 0)
		st->ready |= FILE_EV_WRITE;
}

/*
 * The file is gone (or an unaccepted connection dies with its
 * listener).  Whoever sends to so loses it: a stream or seqpacket peer
 * reads EOF and gets EPIPE on writing; a datagram socket connected to so
 * is disconnected with ECONNRESET pending (OpenBSD unp_detach, unp_drop).
 */
static void
unix_detach(struct socket *so)
{
	struct socket *c, *o;
	struct list *p;

	while ((c = sock_acq_take(so)) != NULL) {
		unix_detach(c);
		sock_free_child(c);
	}
	list_for_each(p, &sock_all) {
		o = list_entry(p, struct socket, all_link);
		if (o->proto != &sock_unix_proto || unp(o)->peer != so)
			continue;
		unp(o)->peer = NULL;
		if (o->type == SOCK_DGRAM) {
			o->state = SS_NEW;
			o->error = ECONNRESET;
		} else {
			o->state = SS_CLOSED;
			o->rd_eof = true;
		}
		sock_event(o, FILE_EV_READ | FILE_EV_RDEOF | FILE_EV_WRITE |
		    FILE_EV_WREOF);
	}
	while (unp(so)->head != NULL)
		unix_pop(so);
	kfree(unp(so));
	so->pcb.unp = NULL;
}

/* See socket.h. */
int
sock_pair(int type, int protocol, bool nonblock, struct file *fps[2])
{
	struct socket *a, *b;
	int r;

	r = sock_create(AF_UNIX, type, protocol, nonblock, &fps[0]);
	if (r < 0)
		return r;
	r = sock_create(AF_UNIX, type, protocol, nonblock, &fps[1]);
	if (r < 0) {
		file_release(fps[0]);
		return r;
	}
	a = sock_of(fps[0]);
	b = sock_of(fps[1]);
	net_lock();
	unix_link(a, b);
	unix_link(b, a);
	net_unlock();
	return 0;
}

const struct sock_proto sock_unix_proto = {
	.attach = unix_attach,
	.bind = unix_bind,
	.listen = unix_listen,
	.connect = unix_connect,
	.accept = unix_accept,
	.requeue = unix_requeue,
	.send = unix_send,
	.recv = unix_recv,
	.shutdown = unix_shutdown,
	.name = unix_name,
	.setopt = unix_setopt,
	.getopt = unix_getopt,
	.poll = unix_poll,
	.detach = unix_detach,
};

/* SPDX-License-Identifier: ISC */
/*
 * socket.c: the libc socket calls (docs/go-openbsd-abi.md §8): socket,
 * bind, listen, accept, accept4, connect, getsockname, getpeername,
 * getsockopt, setsockopt, shutdown, sendto, recvfrom, sendmsg, recvmsg,
 * socketpair.  Thin shells over net/socket.c: sockaddrs decoded and
 * encoded in OpenBSD's layout, -1 and errno (OpenBSD numbers) on failure.
 */
#include "kernel.h"
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>
#include "libc/fcntl.h"

#include "../../net/socket.h"

#define IOV_MAX		1024	/* OpenBSD <limits.h> */

/* The socket open at fd, with a reference on its file: 0, -EBADF,
 * -ENOTSOCK. */
static int
sock_get(int fd, struct file **fpp, struct socket **sop)
{
	struct file *fp;

	fp = fd_get(fd);
	if (fp == NULL)
		return -EBADF;
	*sop = sock_of(fp);
	if (*sop == NULL) {
		file_release(fp);
		return -ENOTSOCK;
	}
	*fpp = fp;
	return 0;
}

/* A decoded address with room for an AF_UNIX name (socket.h). */
struct sock_arg {
	struct sock_addr a;
	char		path[SOCK_PATH_MAX];
};

/* The address argument of bind/connect/sendto for socket so. */
static int
sock_arg(struct socket *so, const void *sa, socklen_t len,
    struct sock_arg *arg)
{
	bool dual = so->domain == AF_INET6 &&
	    !__atomic_load_n(&so->v6only, __ATOMIC_RELAXED);

	if (so->domain == AF_UNIX)
		return sockaddr_un_decode(sa, len, &arg->a, arg->path);
	return sockaddr_decode(sa, len, so->domain, dual, &arg->a);
}

/* Give the address a of socket so back in sa (*lenp bytes available). */
static void
sock_out(struct socket *so, const struct sock_addr *a, void *sa,
    socklen_t *lenp)
{
	if (so->domain == AF_UNIX)
		sockaddr_un_encode(a, sa, lenp);
	else
		sockaddr_encode(a, so->domain, sa, lenp);
}

/*
 * socket(2): domain AF_INET or AF_INET6 with type SOCK_STREAM or
 * SOCK_DGRAM, or AF_UNIX with those or SOCK_SEQPACKET; SOCK_NONBLOCK and
 * SOCK_CLOEXEC may be or-ed in (SOCK_DNS ignored); protocol 0 or the
 * type's.  The new fd, or -1 with EAFNOSUPPORT, EPROTONOSUPPORT,
 * EPROTOTYPE, EMFILE, ENOMEM, ENOBUFS.  Thread context.
 */
int
socket(int domain, int type, int protocol)
{
	int flags = type & (SOCK_NONBLOCK | SOCK_CLOEXEC | SOCK_DNS);
	struct file *fp;
	int r, fd;

	r = sock_create(domain, type & ~flags, protocol,
	    (flags & SOCK_NONBLOCK) != 0, &fp);
	if (r < 0)
		return (int)ret_errno(r);
	fd = fd_install(fp, 0, (flags & SOCK_CLOEXEC) != 0);
	if (fd < 0)
		file_release(fp);
	return (int)ret_errno(fd);
}

/*
 * socketpair(2): two connected AF_UNIX sockets of type SOCK_STREAM,
 * SOCK_DGRAM or SOCK_SEQPACKET (flags as for socket) in sv[0], sv[1].
 * 0, or -1 with EAFNOSUPPORT, EOPNOTSUPP (AF_INET, AF_INET6: OpenBSD's
 * PRU_CONNECT2), EPROTOTYPE, EPROTONOSUPPORT, EMFILE, ENOMEM, EFAULT.
 */
int
socketpair(int domain, int type, int protocol, int *sv)
{
	int flags = type & (SOCK_NONBLOCK | SOCK_CLOEXEC | SOCK_DNS);
	struct file *fps[2];
	int r, fd0 = -1;

	if (sv == NULL)
		return (int)ret_errno(-EFAULT);
	if (domain != AF_UNIX)
		return (int)ret_errno(domain == AF_INET ||
		    domain == AF_INET6 ? -EOPNOTSUPP : -EAFNOSUPPORT);
	r = sock_pair(type & ~flags, protocol, (flags & SOCK_NONBLOCK) != 0,
	    fps);
	if (r < 0)
		return (int)ret_errno(r);
	r = fd0 = fd_install(fps[0], 0, (flags & SOCK_CLOEXEC) != 0);
	if (r >= 0)
		r = fd_install(fps[1], 0, (flags & SOCK_CLOEXEC) != 0);
	if (r < 0) {
		if (fd0 >= 0)
			fd_close(fd0);
		else
			file_release(fps[0]);
		file_release(fps[1]);
		return (int)ret_errno(r);
	}
	sv[0] = fd0;
	sv[1] = r;
	return 0;
}

/* bind(2): 0, or -1 with EBADF, ENOTSOCK, EINVAL (bound already, bad
 * length), EAFNOSUPPORT, EADDRINUSE, EADDRNOTAVAIL. */
int
bind(int fd, const struct sockaddr *sa, socklen_t len)
{
	struct sock_arg a;
	struct socket *so;
	struct file *fp;
	int r;

	r = sock_get(fd, &fp, &so);
	if (r < 0)
		return (int)ret_errno(r);
	r = sock_arg(so, sa, len, &a);
	if (r == 0)
		r = sock_bind(so, &a.a);
	file_release(fp);
	return (int)ret_errno(r);
}

/* listen(2): 0, or -1 with EBADF, ENOTSOCK, EOPNOTSUPP (datagram),
 * EINVAL (connected). */
int
listen(int fd, int backlog)
{
	struct socket *so;
	struct file *fp;
	int r;

	r = sock_get(fd, &fp, &so);
	if (r < 0)
		return (int)ret_errno(r);
	r = sock_listen(so, backlog);
	file_release(fp);
	return (int)ret_errno(r);
}

static int
do_accept(int fd, struct sockaddr *sa, socklen_t *lenp, int flags,
    bool inherit)
{
	struct sock_addr peer;
	struct socket *so;
	struct file *fp, *nfp;
	bool nonblock;
	int r, nfd;

	if (flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC))
		return -EINVAL;
	if (sa != NULL && lenp == NULL)
		return -EFAULT;
	r = sock_get(fd, &fp, &so);
	if (r < 0)
		return r;
	nonblock = inherit ? file_nonblock(fp) : (flags & SOCK_NONBLOCK) != 0;
	r = sock_accept(so, file_nonblock(fp), nonblock, &nfp, &peer);
	if (r == 0) {
		/* Before the fd exists: an AF_UNIX peer name lives in the
		 * new socket, which a close of the fd would free. */
		if (sa != NULL)
			sock_out(so, &peer, sa, lenp);
		nfd = fd_install(nfp, 0, (flags & SOCK_CLOEXEC) != 0);
		if (nfd < 0)
			sock_unaccept(so, nfp);	/* EMFILE: stays queued */
		r = nfd;
	}
	file_release(fp);
	return r;
}

/*
 * accept4(2): the next connection as a new fd (O_NONBLOCK with
 * SOCK_NONBLOCK, FD_CLOEXEC with SOCK_CLOEXEC) and the peer's address in
 * sa (*lenp bytes; the length stored back).  -1 with EAGAIN (none
 * pending, non-blocking), EINVAL (not listening, bad flags), EBADF,
 * ENOTSOCK, EOPNOTSUPP, EMFILE, ECONNABORTED.  Blocks otherwise.
 */
int
accept4(int fd, struct sockaddr *sa, socklen_t *lenp, int flags)
{
	return (int)ret_errno(do_accept(fd, sa, lenp, flags, false));
}

/* accept(2): accept4 whose new fd inherits the listener's O_NONBLOCK. */
int
accept(int fd, struct sockaddr *sa, socklen_t *lenp)
{
	return (int)ret_errno(do_accept(fd, sa, lenp, 0, true));
}

/*
 * connect(2): 0 (connected, or a datagram peer set; AF_UNSPEC dissolves
 * it), or -1 with EINPROGRESS (non-blocking: the result comes as
 * EVFILT_WRITE and SO_ERROR), EALREADY, EISCONN, ECONNREFUSED,
 * ETIMEDOUT, EADDRNOTAVAIL, EAFNOSUPPORT, EINVAL, EBADF, ENOTSOCK.
 */
int
connect(int fd, const struct sockaddr *sa, socklen_t len)
{
	struct sock_arg a;
	struct socket *so;
	struct file *fp;
	int r;

	r = sock_get(fd, &fp, &so);
	if (r < 0)
		return (int)ret_errno(r);
	r = sock_arg(so, sa, len, &a);
	if (r == 0)
		r = sock_connect(so, &a.a, file_nonblock(fp));
	file_release(fp);
	return (int)ret_errno(r);
}

static int
do_name(int fd, struct sockaddr *sa, socklen_t *lenp, bool peer)
{
	struct sock_addr a;
	struct socket *so;
	struct file *fp;
	int r;

	if (sa == NULL || lenp == NULL)
		return -EFAULT;
	r = sock_get(fd, &fp, &so);
	if (r < 0)
		return r;
	r = sock_name(so, &a, peer);
	if (r == 0)
		sock_out(so, &a, sa, lenp);
	file_release(fp);
	return r;
}

/* getsockname(2): the local address (port 0 and the wildcard before
 * bind).  -1 with EBADF, ENOTSOCK, EFAULT. */
int
getsockname(int fd, struct sockaddr *sa, socklen_t *lenp)
{
	return (int)ret_errno(do_name(fd, sa, lenp, false));
}

/* getpeername(2): the peer's address, or -1 with ENOTCONN. */
int
getpeername(int fd, struct sockaddr *sa, socklen_t *lenp)
{
	return (int)ret_errno(do_name(fd, sa, lenp, true));
}

/*
 * getsockopt(2)/setsockopt(2): SOL_SOCKET (SO_ERROR, SO_TYPE,
 * SO_REUSEADDR, SO_REUSEPORT, SO_KEEPALIVE, SO_BROADCAST, SO_LINGER,
 * SO_RCVBUF, SO_SNDBUF, timeouts...), IPPROTO_TCP (TCP_NODELAY,
 * TCP_MAXSEG), IPPROTO_IP (IP_TOS, IP_TTL), IPPROTO_IPV6 (IPV6_V6ONLY,
 * IPV6_TCLASS, IPV6_UNICAST_HOPS).  -1 with ENOPROTOOPT for the rest,
 * EINVAL (short value), EFAULT, EBADF, ENOTSOCK.
 */
int
getsockopt(int fd, int level, int name, void *val, socklen_t *lenp)
{
	struct socket *so;
	struct file *fp;
	int r;

	r = sock_get(fd, &fp, &so);
	if (r < 0)
		return (int)ret_errno(r);
	r = sock_getopt(so, level, name, val, lenp);
	file_release(fp);
	return (int)ret_errno(r);
}

int
setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
	struct socket *so;
	struct file *fp;
	int r;

	r = sock_get(fd, &fp, &so);
	if (r < 0)
		return (int)ret_errno(r);
	r = sock_setopt(so, level, name, val, len);
	file_release(fp);
	return (int)ret_errno(r);
}

/* shutdown(2): SHUT_RD, SHUT_WR (the peer reads EOF), SHUT_RDWR.  -1
 * with ENOTCONN, EINVAL, EBADF, ENOTSOCK. */
int
shutdown(int fd, int how)
{
	struct socket *so;
	struct file *fp;
	int r;

	r = sock_get(fd, &fp, &so);
	if (r < 0)
		return (int)ret_errno(r);
	r = sock_shutdown(so, how);
	file_release(fp);
	return (int)ret_errno(r);
}

/*
 * The files of msg's control data, one SCM_RIGHTS message of fds as
 * OpenBSD's unp_internalize takes it, as references in fds.  0, -EINVAL
 * (another kind of message, a bad length), -EBADF, -ENOMEM.
 */
static int
ctl_in(const struct msghdr *msg, struct sock_fds *fds)
{
	const unsigned char *p = msg->msg_control;
	struct cmsghdr cm;
	size_t i, n;
	int fd;

	if (p == NULL || msg->msg_controllen < sizeof(cm))
		return -EINVAL;
	memcpy(&cm, p, sizeof(cm));
	if (cm.cmsg_level != SOL_SOCKET || cm.cmsg_type != SCM_RIGHTS ||
	    cm.cmsg_len < CMSG_LEN(0) || cm.cmsg_len > msg->msg_controllen)
		return -EINVAL;
	n = (cm.cmsg_len - CMSG_LEN(0)) / sizeof(int);
	if (n == 0)
		return 0;
	fds->fps = kmalloc(n * sizeof(*fds->fps));
	if (fds->fps == NULL)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		memcpy(&fd, p + CMSG_LEN(0) + i * sizeof(int), sizeof(fd));
		fds->fps[fds->n] = fd_get(fd);
		if (fds->fps[fds->n] == NULL) {
			sock_fds_release(fds);
			return -EBADF;
		}
		fds->n++;
	}
	return 0;
}

/*
 * The received files as new fds (FD_CLOEXEC with cloexec) in one
 * SCM_RIGHTS message in msg's control buffer; those that do not fit or
 * find no free fd are closed and MSG_CTRUNC is set in *flags (OpenBSD
 * unp_externalize).  Returns the control length.
 */
static socklen_t
ctl_out(struct msghdr *msg, struct sock_fds *fds, bool cloexec, int *flags)
{
	unsigned char *p = msg->msg_control;
	struct cmsghdr cm;
	size_t room = 0, n = 0;
	int i, fd;

	if (fds->n == 0)
		return 0;
	if (p != NULL && msg->msg_controllen >= CMSG_LEN(0))
		room = (msg->msg_controllen - CMSG_LEN(0)) / sizeof(int);
	for (i = 0; i < fds->n; i++) {
		fd = n < room ? fd_install(fds->fps[i], 0, cloexec) : -1;
		if (fd < 0) {
			file_release(fds->fps[i]);
			*flags |= MSG_CTRUNC;
			continue;
		}
		memcpy(p + CMSG_LEN(0) + n++ * sizeof(int), &fd, sizeof(fd));
	}
	kfree(fds->fps);
	if (n == 0)
		return 0;
	cm.cmsg_len = CMSG_LEN(n * sizeof(int));
	cm.cmsg_level = SOL_SOCKET;
	cm.cmsg_type = SCM_RIGHTS;
	memcpy(p, &cm, sizeof(cm));
	return MIN(CMSG_SPACE(n * sizeof(int)), msg->msg_controllen);
}

/* msg: sendmsg's, for its control data, which only AF_UNIX sockets take
 * (SCM_RIGHTS); inet sockets ignore it. */
static long
do_send(int fd, const struct iovec *iov, int iovcnt, int flags,
    const void *to, socklen_t tolen, const struct msghdr *msg)
{
	struct sock_fds fds = { NULL, 0 };
	struct sock_arg a;
	struct socket *so;
	struct file *fp;
	long r;

	if (iovcnt < 0 || iovcnt > IOV_MAX)
		return -EMSGSIZE;
	r = sock_get(fd, &fp, &so);
	if (r < 0)
		return r;
	if (msg != NULL && msg->msg_controllen > 0 && so->domain == AF_UNIX)
		r = ctl_in(msg, &fds);
	if (r == 0 && to != NULL) {
		r = sock_arg(so, to, tolen, &a);
		if (r == 0 && a.a.family == AF_UNSPEC)
			r = -EAFNOSUPPORT;
	}
	if (r == 0)
		r = sock_send(so, iov, iovcnt, flags, to != NULL ? &a.a : NULL,
		    file_nonblock(fp), fds.n > 0 ? &fds : NULL);
	if (fds.n > 0)
		sock_fds_release(&fds);	/* not sent */
	file_release(fp);
	return r;
}

/* msg: recvmsg's, to get the files passed (AF_UNIX) in its control
 * buffer; msg_controllen is set. */
static long
do_recv(int fd, const struct iovec *iov, int iovcnt, int *flags, void *from,
    socklen_t *fromlenp, struct msghdr *msg)
{
	struct sock_fds fds = { NULL, 0 };
	bool cloexec = (*flags & MSG_CMSG_CLOEXEC) != 0, want;
	struct sock_arg a;
	struct socket *so;
	struct file *fp;
	long r;

	if (iovcnt < 0 || iovcnt > IOV_MAX)
		return -EMSGSIZE;
	r = sock_get(fd, &fp, &so);
	if (r < 0)
		return r;
	want = msg != NULL && msg->msg_controllen > 0 &&
	    so->domain == AF_UNIX;
	a.a.path = a.path;		/* AF_UNIX: the sender's name */
	r = sock_recv(so, iov, iovcnt, flags, &a.a, file_nonblock(fp),
	    want ? &fds : NULL);
	if (r >= 0 && from != NULL && fromlenp != NULL) {
		if (so->type == SOCK_DGRAM)
			sock_out(so, &a.a, from, fromlenp);
		else
			*fromlenp = 0;	/* a stream names no sender */
	}
	if (r >= 0 && msg != NULL)
		msg->msg_controllen = ctl_out(msg, &fds, cloexec, flags);
	file_release(fp);
	return r;
}

/*
 * sendto(2): bytes sent, or -1 with EAGAIN, EPIPE (written shut or
 * reset; no SIGPIPE, MSG_NOSIGNAL or not), ECONNRESET, ENOTCONN,
 * EDESTADDRREQ, EISCONN, EMSGSIZE (datagram too long), ENOBUFS...
 */
ssize_t
sendto(int fd, const void *buf, size_t len, int flags,
    const struct sockaddr *to, socklen_t tolen)
{
	struct iovec iov = { (void *)(uintptr_t)buf, len };

	return ret_errno(do_send(fd, &iov, 1, flags, to, tolen, NULL));
}

/*
 * recvfrom(2): bytes received (0 at EOF), the sender of a datagram in
 * from; -1 with EAGAIN, ECONNRESET, ENOTCONN...  A datagram longer than
 * len is cut.
 */
ssize_t
recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *from,
    socklen_t *fromlenp)
{
	struct iovec iov = { buf, len };

	return ret_errno(do_recv(fd, &iov, 1, &flags, from, fromlenp, NULL));
}

/* sendmsg(2): sendto with an iovec array; control data: one SCM_RIGHTS
 * message on an AF_UNIX socket (else EINVAL), ignored on inet ones. */
ssize_t
sendmsg(int fd, const struct msghdr *msg, int flags)
{
	if (msg == NULL)
		return ret_errno(-EFAULT);
	return ret_errno(do_send(fd, msg->msg_iov, (int)msg->msg_iovlen,
	    flags, msg->msg_name, msg->msg_namelen, msg));
}

/* recvmsg(2): recvfrom with an iovec array; msg_flags gets MSG_TRUNC
 * for a cut datagram.  Control data: the fds passed to an AF_UNIX socket
 * (FD_CLOEXEC with MSG_CMSG_CLOEXEC; MSG_CTRUNC when they do not fit),
 * none otherwise. */
ssize_t
recvmsg(int fd, struct msghdr *msg, int flags)
{
	ssize_t r;

	if (msg == NULL)
		return ret_errno(-EFAULT);
	r = do_recv(fd, msg->msg_iov, (int)msg->msg_iovlen, &flags,
	    msg->msg_name, &msg->msg_namelen, msg);
	if (r >= 0)
		msg->msg_flags = flags;
	return ret_errno(r);
}

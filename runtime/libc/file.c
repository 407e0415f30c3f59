/* SPDX-License-Identifier: ISC */
/*
 * file.c: the libc file-descriptor calls (docs/go-openbsd-abi.md §7):
 * open, openat, close, read, write, readv, writev, pread, pwrite, lseek,
 * fcntl, ioctl, isatty, dup, dup2, dup3, pipe, pipe2, getdents.  Each is a thin
 * shell over fs/: -1 and errno (OpenBSD numbers) on failure.
 */
#include "kernel.h"
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#define IOV_MAX		1024	/* OpenBSD <limits.h> */

static int
file_openat(int dirfd, const char *path, int flags, int mode)
{
	struct file *fp;
	int r, fd;

	mode &= 07777 & ~(int)proc_getumask();
	r = vfs_open(dirfd, path, flags, mode, &fp);
	if (r < 0)
		return r;
	fd = fd_install(fp, 0, (flags & O_CLOEXEC) != 0);
	if (fd < 0)
		file_release(fp);
	return fd;
}

/* file_openat, traced on the console while vmgo_trace_opens is on. */
static int
file_openat_traced(int dirfd, const char *path, int flags, int mode)
{
	int r = file_openat(dirfd, path, flags, mode);

	if (__atomic_load_n(&vfs_trace_opens, __ATOMIC_RELAXED))
		vfs_trace_open(path, flags, r);
	return r;
}

/*
 * open(2): the lowest free fd (Go's checkfds relies on it), or -1 with
 * ENOENT, EROFS (creating), EEXIST, ENOTDIR, EISDIR, EMFILE, EINVAL...
 * mode is read only with O_CREAT.  Thread context, may block.
 */
int
open(const char *path, int flags, ...)
{
	va_list ap;
	int mode = 0;

	if (flags & O_CREAT) {
		va_start(ap, flags);
		mode = va_arg(ap, int);
		va_end(ap);
	}
	return (int)ret_errno(file_openat_traced(AT_FDCWD, path, flags, mode));
}

/* openat(2): open relative to the directory open at dirfd. */
int
openat(int dirfd, const char *path, int flags, ...)
{
	va_list ap;
	int mode = 0;

	if (flags & O_CREAT) {
		va_start(ap, flags);
		mode = va_arg(ap, int);
		va_end(ap);
	}
	return (int)ret_errno(file_openat_traced(dirfd, path, flags, mode));
}

/* close(2): 0, or -1/EBADF.  Also deletes the fd's kqueue registrations. */
int
close(int fd)
{
	return (int)ret_errno(fd_close(fd));
}

/*
 * read(2)/write(2): bytes moved, or -1 with EBADF, EAGAIN (O_NONBLOCK),
 * EPIPE (pipe without reader; no SIGPIPE), EINVAL, EISDIR...  Blocking
 * reads of the console and of pipes sleep.  write to fds 1/2 is Go's
 * print path and may run in a signal handler.
 */
ssize_t
read(int fd, void *buf, size_t n)
{
	struct file *fp;
	long r;

	fp = fd_get(fd);
	if (fp == NULL)
		return ret_errno(-EBADF);
	r = file_read(fp, buf, n);
	file_release(fp);
	return ret_errno(r);
}

ssize_t
write(int fd, const void *buf, size_t n)
{
	struct file *fp;
	long r;

	fp = fd_get(fd);
	if (fp == NULL)
		return ret_errno(-EBADF);
	r = file_write(fp, buf, n);
	file_release(fp);
	return ret_errno(r);
}

/* Check an iovec array: 0 or -EINVAL (count out of range, total too
 * large for ssize_t). */
static int
iov_check(const struct iovec *iov, int cnt)
{
	size_t total = 0;
	int i;

	if (cnt < 0 || cnt > IOV_MAX)
		return -EINVAL;
	for (i = 0; i < cnt; i++) {
		if (iov[i].iov_len > (size_t)LONG_MAX - total)
			return -EINVAL;
		total += iov[i].iov_len;
	}
	return 0;
}

/*
 * readv(2)/writev(2): one read/write per buffer, stopping at the first
 * short transfer.  An error after some bytes moved returns the count.
 */
static long
file_rwv(int fd, const struct iovec *iov, int cnt, bool wr)
{
	struct file *fp;
	long r = 0, total = 0;
	int i;

	r = iov_check(iov, cnt);
	if (r < 0)
		return r;
	fp = fd_get(fd);
	if (fp == NULL)
		return -EBADF;
	for (i = 0; i < cnt; i++) {
		if (iov[i].iov_len == 0)
			continue;
		r = wr ? file_write(fp, iov[i].iov_base, iov[i].iov_len) :
		    file_read(fp, iov[i].iov_base, iov[i].iov_len);
		if (r < 0)
			break;
		total += r;
		if ((size_t)r < iov[i].iov_len)
			break;
	}
	file_release(fp);
	if (r < 0 && total == 0)
		return r;
	return total;
}

ssize_t
readv(int fd, const struct iovec *iov, int cnt)
{
	return ret_errno(file_rwv(fd, iov, cnt, false));
}

ssize_t
writev(int fd, const struct iovec *iov, int cnt)
{
	return ret_errno(file_rwv(fd, iov, cnt, true));
}

/* pread(2)/pwrite(2): at off, the offset unchanged; ESPIPE on pipes. */
ssize_t
pread(int fd, void *buf, size_t n, off_t off)
{
	struct file *fp;
	long r;

	fp = fd_get(fd);
	if (fp == NULL)
		return ret_errno(-EBADF);
	r = file_pread(fp, buf, n, off);
	file_release(fp);
	return ret_errno(r);
}

ssize_t
pwrite(int fd, const void *buf, size_t n, off_t off)
{
	struct file *fp;
	long r;

	fp = fd_get(fd);
	if (fp == NULL)
		return ret_errno(-EBADF);
	r = file_pwrite(fp, buf, n, off);
	file_release(fp);
	return ret_errno(r);
}

/* lseek(2): the new offset (64-bit), or -1 with EBADF, ESPIPE, EINVAL. */
off_t
lseek(int fd, off_t off, int whence)
{
	struct file *fp;
	int64_t r;

	fp = fd_get(fd);
	if (fp == NULL)
		return ret_errno(-EBADF);
	r = file_lseek(fp, off, whence);
	file_release(fp);
	return ret_errno(r);
}

/*
 * Record locks (F_GETLK, F_SETLK, F_SETLKW) on fp.  POSIX record locks
 * belong to a process and never conflict with its own, and a VM runs one
 * process, so every lock is granted at once and F_GETLK finds no
 * conflicting one (l_type becomes F_UNLCK), after OpenBSD's checks
 * (sys_fcntl, lf_advlock): a lock type the access mode does not allow
 * (EBADF), an unknown type or whence, a range starting before 0 (EINVAL).
 */
static long
file_reclock(struct file *fp, int cmd, struct flock *fl)
{
	int acc = file_getfl(fp) & O_ACCMODE;
	struct stat st;
	int64_t start;

	switch (fl->l_whence) {
	case SEEK_SET:
		start = 0;
		break;
	case SEEK_CUR:
		start = __atomic_load_n(&fp->offset, __ATOMIC_RELAXED);
		break;
	case SEEK_END:
		if (file_stat(fp, &st) < 0)
			return -EINVAL;
		start = st.st_size;
		break;
	default:
		return -EINVAL;
	}
	start += fl->l_start;
	if (start < 0 || (fl->l_len < 0 && start + fl->l_len < 0))
		return -EINVAL;
	switch (fl->l_type) {
	case F_RDLCK:
		if (cmd != F_GETLK && acc == O_WRONLY)
			return -EBADF;
		break;
	case F_WRLCK:
		if (cmd != F_GETLK && acc == O_RDONLY)
			return -EBADF;
		break;
	case F_UNLCK:
		break;
	default:
		return -EINVAL;
	}
	if (cmd == F_GETLK)
		fl->l_type = F_UNLCK;
	return 0;
}

/*
 * fcntl(2): F_DUPFD, F_DUPFD_CLOEXEC, F_GETFD, F_SETFD, F_GETFL, F_SETFL,
 * and the record locks (file_reclock).  A closed fd gives exactly EBADF
 * for every command (Go's checkfds treats any other errno as fatal);
 * other commands give EINVAL.
 */
int
fcntl(int fd, int cmd, ...)
{
	struct flock *fl = NULL;
	struct file *fp;
	va_list ap;
	int arg = 0;
	long r;

	if (cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC || cmd == F_SETFD ||
	    cmd == F_SETFL) {
		va_start(ap, cmd);
		arg = va_arg(ap, int);
		va_end(ap);
	} else if (cmd == F_GETLK || cmd == F_SETLK || cmd == F_SETLKW) {
		va_start(ap, cmd);
		fl = va_arg(ap, struct flock *);
		va_end(ap);
	}
	fp = fd_get(fd);
	if (fp == NULL)
		return (int)ret_errno(-EBADF);
	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		r = fd_dup(fd, arg, cmd == F_DUPFD_CLOEXEC);
		break;
	case F_GETFD:
		r = fd_getfd(fd);
		break;
	case F_SETFD:
		r = fd_setfd(fd, arg);
		break;
	case F_GETFL:
		r = file_getfl(fp);
		break;
	case F_SETFL:
		file_setfl(fp, arg);
		r = 0;
		break;
	case F_GETLK:
	case F_SETLK:
	case F_SETLKW:
		r = fl != NULL ? file_reclock(fp, cmd, fl) : -EFAULT;
		break;
	default:
		r = -EINVAL;
		break;
	}
	file_release(fp);
	return (int)ret_errno(r);
}

/*
 * ioctl(2) (OpenBSD: unsigned long request): FIOCLEX, FIONCLEX, FIONBIO
 * and FIONREAD for every file; the file's own ioctl op for the rest.
 * There are no terminals yet, so TIOCGETA (isatty) gives ENOTTY for the
 * console too.  Unknown requests: ENOTTY.
 */
int
ioctl(int fd, unsigned long req, ...)
{
	struct file_poll st;
	struct file *fp;
	va_list ap;
	void *arg;
	long r;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	fp = fd_get(fd);
	if (fp == NULL)
		return (int)ret_errno(-EBADF);
	switch (req) {
	case FIOCLEX:
		r = fd_setfd(fd, FD_CLOEXEC);
		break;
	case FIONCLEX:
		r = fd_setfd(fd, 0);
		break;
	case FIONBIO:
		if (arg == NULL) {
			r = -EFAULT;
			break;
		}
		file_setfl(fp, *(int *)arg ? file_getfl(fp) | O_NONBLOCK :
		    file_getfl(fp) & ~O_NONBLOCK);
		r = 0;
		break;
	case TIOCGETA:
		r = -ENOTTY;
		break;
	default:
		r = fp->ops->ioctl != NULL ? fp->ops->ioctl(fp, req, arg) :
		    -ENOTTY;
		if (r == -ENOTTY && req == FIONREAD && file_poll(fp, &st)) {
			if (arg == NULL)
				r = -EFAULT;
			else {
				*(int *)arg = (int)MIN(st.nread, INT_MAX);
				r = 0;
			}
		}
		break;
	}
	file_release(fp);
	return (int)ret_errno(r);
}

/*
 * isatty(3): 0 with ENOTTY for every open fd (EBADF for a closed one),
 * consistent with TIOCGETA: the console has no termios layer yet.
 */
int
isatty(int fd)
{
	ret_errno(fd_getfd(fd) < 0 ? -EBADF : -ENOTTY);
	return 0;
}

/* dup(2)/dup2(2)/dup3(2).  dup3 refuses oldfd == newfd and flags other
 * than O_CLOEXEC with EINVAL. */
int
dup(int fd)
{
	return (int)ret_errno(fd_dup(fd, 0, false));
}

int
dup2(int oldfd, int newfd)
{
	return (int)ret_errno(fd_dup2(oldfd, newfd, false));
}

int
dup3(int oldfd, int newfd, int flags)
{
	if (oldfd == newfd || (flags & ~O_CLOEXEC))
		return (int)ret_errno(-EINVAL);
	return (int)ret_errno(fd_dup2(oldfd, newfd, (flags & O_CLOEXEC) != 0));
}

/*
 * pipe2(2): fds[0] reads, fds[1] writes; flags O_NONBLOCK and O_CLOEXEC
 * (Go's netpoll uses both), anything else EINVAL.  EMFILE, ENOMEM.
 */
int
pipe2(int fds[2], int flags)
{
	struct file *rfp, *wfp;
	int r, rfd, wfd;

	if (flags & ~(O_NONBLOCK | O_CLOEXEC))
		return (int)ret_errno(-EINVAL);
	if (fds == NULL)
		return (int)ret_errno(-EFAULT);
	r = pipe_create(flags, &rfp, &wfp);
	if (r < 0)
		return (int)ret_errno(r);
	rfd = fd_install(rfp, 0, (flags & O_CLOEXEC) != 0);
	if (rfd < 0) {
		file_release(rfp);
		file_release(wfp);
		return (int)ret_errno(rfd);
	}
	wfd = fd_install(wfp, 0, (flags & O_CLOEXEC) != 0);
	if (wfd < 0) {
		file_release(wfp);
		fd_close(rfd);
		return (int)ret_errno(wfd);
	}
	fds[0] = rfd;
	fds[1] = wfd;
	return 0;
}

int
pipe(int fds[2])
{
	return pipe2(fds, 0);
}

/* getdents(2): whole OpenBSD struct dirent records, bytes filled, 0 at
 * the end; ENOTDIR, EINVAL (buffer too small for one entry), EBADF. */
int
getdents(int fd, void *buf, size_t n)
{
	struct file *fp;
	long r;

	fp = fd_get(fd);
	if (fp == NULL)
		return (int)ret_errno(-EBADF);
	r = file_getdents(fp, buf, MIN(n, (size_t)INT_MAX));
	file_release(fp);
	return (int)ret_errno(r);
}

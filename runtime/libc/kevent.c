/* SPDX-License-Identifier: ISC */
/*
 * kevent.c: kqueue(2) and kevent(2) (docs/go-openbsd-abi.md §9), the
 * libc edge of fs/kqueue.c.
 */
#include "kernel.h"
#include <sys/event.h>

/* kqueue(2): a new kqueue fd, or -1 with EMFILE or ENOMEM.  Go treats a
 * failure as fatal.  Thread context. */
int
kqueue(void)
{
	struct file *fp;
	int r, fd;

	r = kqueue_create(&fp);
	if (r < 0)
		return (int)ret_errno(r);
	fd = fd_install(fp, 0, false);
	if (fd < 0)
		file_release(fp);
	return (int)ret_errno(fd);
}

/*
 * kevent(2): apply nch changes, then wait for up to nev events until the
 * relative timeout ts (NULL: forever; {0,0}: poll).  Returns the number of
 * events (0 on timeout), or -1 with EBADF (kq is not a kqueue), EINVAL,
 * EFAULT, or the error of a change that found no room for an EV_ERROR
 * event (EBADF, ENOENT, ENODEV, EINVAL, ENOMEM).  Thread context; may
 * block.
 */
int
kevent(int kq, const struct kevent *ch, int nch, struct kevent *ev, int nev,
    const struct timespec *ts)
{
	struct file *fp;
	int r;

	fp = fd_get(kq);
	if (fp == NULL)
		return (int)ret_errno(-EBADF);
	r = kqueue_kevent(fp, ch, nch, ev, nev, ts);
	file_release(fp);
	return (int)ret_errno(r);
}

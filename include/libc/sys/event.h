/* SPDX-License-Identifier: ISC */
/*
 * sys/event.h: OpenBSD kqueue(2)/kevent(2) (docs/go-openbsd-abi.md §9).
 * musl has no such header.  Self-contained, so host unit tests can include
 * it as "libc/sys/event.h".
 */
#ifndef VMGO_LIBC_SYS_EVENT_H
#define VMGO_LIBC_SYS_EVENT_H

#include <stdint.h>
#include <time.h>

#define EVFILT_READ	(-1)
#define EVFILT_WRITE	(-2)
#define EVFILT_AIO	(-3)
#define EVFILT_VNODE	(-4)
#define EVFILT_PROC	(-5)
#define EVFILT_SIGNAL	(-6)
#define EVFILT_TIMER	(-7)
#define EVFILT_DEVICE	(-8)
#define EVFILT_EXCEPT	(-9)
#define EVFILT_SYSCOUNT	9

/* actions */
#define EV_ADD		0x0001	/* add the event to the kq (implies enable) */
#define EV_DELETE	0x0002	/* delete the event from the kq */
#define EV_ENABLE	0x0004	/* report the event */
#define EV_DISABLE	0x0008	/* keep the event but do not report it */
/* flags */
#define EV_ONESHOT	0x0010	/* delete after the first report */
#define EV_CLEAR	0x0020	/* reset the state after a report (edge) */
#define EV_RECEIPT	0x0040	/* report a change with EV_ERROR, data 0 */
#define EV_DISPATCH	0x0080	/* disable after each report */
#define EV_SYSFLAGS	0xf800
#define EV_FLAG1	0x2000
/* returned values */
#define EV_EOF		0x8000	/* EOF detected */
#define EV_ERROR	0x4000	/* error, data holds the errno */

/* EVFILT_READ/EVFILT_WRITE fflags */
#define NOTE_LOWAT	0x0001
#define NOTE_EOF	0x0002

/* 32 bytes. */
struct kevent {
	uintptr_t	ident;		/* 0: file descriptor */
	short		filter;		/* 8: EVFILT_* */
	unsigned short	flags;		/* 10: EV_* */
	unsigned int	fflags;		/* 12: filter flags */
	int64_t		data;		/* 16: filter data */
	void		*udata;		/* 24: returned as given */
};

#define EV_SET(kevp, a, b, c, d, e, f) do {	\
	struct kevent *__kevp = (kevp);		\
	(__kevp)->ident = (a);			\
	(__kevp)->filter = (b);			\
	(__kevp)->flags = (c);			\
	(__kevp)->fflags = (d);			\
	(__kevp)->data = (e);			\
	(__kevp)->udata = (f);			\
} while (0)

int	kqueue(void);
int	kevent(int, const struct kevent *, int, struct kevent *, int,
	    const struct timespec *);

#endif

/* SPDX-License-Identifier: ISC */
/*
 * sys/ioctl.h: OpenBSD ioctl(2) request encoding and the few requests the
 * runtime answers (docs/go-openbsd-abi.md §12: ioctl), replacing musl's
 * <sys/ioctl.h> (Linux numbers, int request).  Self-contained, so host
 * unit tests can include it as "libc/sys/ioctl.h".
 */
#ifndef VMGO_LIBC_SYS_IOCTL_H
#define VMGO_LIBC_SYS_IOCTL_H
#define _SYS_IOCTL_H	/* musl's (and glibc's) guard: theirs must not follow */

/* OpenBSD <sys/ioccom.h>: direction bits, 13-bit size, group, number. */
#define IOCPARM_MASK	0x1fff
#define IOCPARM_LEN(x)	(((x) >> 16) & IOCPARM_MASK)
#define IOC_VOID	0x20000000UL
#define IOC_OUT		0x40000000UL
#define IOC_IN		0x80000000UL
#define IOC_INOUT	(IOC_IN | IOC_OUT)
#define _IOC(inout, group, num, len) \
	((inout) | (((unsigned long)(len) & IOCPARM_MASK) << 16) | \
	((group) << 8) | (num))
#define _IO(g, n)	_IOC(IOC_VOID, (g), (n), 0)
#define _IOR(g, n, t)	_IOC(IOC_OUT, (g), (n), sizeof(t))
#define _IOW(g, n, t)	_IOC(IOC_IN, (g), (n), sizeof(t))
#define _IOWR(g, n, t)	_IOC(IOC_INOUT, (g), (n), sizeof(t))

struct winsize {
	unsigned short	ws_row;
	unsigned short	ws_col;
	unsigned short	ws_xpixel;
	unsigned short	ws_ypixel;
};

/* <sys/filio.h> */
#define FIOCLEX		_IO('f', 1)		/* 0x20006601 */
#define FIONCLEX	_IO('f', 2)		/* 0x20006602 */
#define FIONREAD	_IOR('f', 127, int)	/* 0x4004667f */
#define FIONBIO		_IOW('f', 126, int)	/* 0x8004667e */
#define FIOASYNC	_IOW('f', 125, int)	/* 0x8004667d */
/* <sys/ttycom.h>; struct termios is 44 bytes */
#define TIOCGETA	_IOC(IOC_OUT, 't', 19, 44)	/* 0x402c7413 */
#define TIOCSETA	_IOC(IOC_IN, 't', 20, 44)	/* 0x802c7414 */
#define TIOCGWINSZ	_IOR('t', 104, struct winsize)	/* 0x40087468 */

int	ioctl(int, unsigned long, ...);

#endif

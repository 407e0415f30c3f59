/* SPDX-License-Identifier: ISC */
/*
 * console_file.c: the console as an open file (fds 0-2, /dev/tty,
 * /dev/console).  Writes go to console_write(); reads poll the UART.
 */
#include "kernel.h"
#include "libc/fcntl.h"
#include "libc/sys/stat.h"

/*
 * Input has no interrupt yet: a blocking read polls console_getc() and
 * sleeps this long between empty polls.  QEMU never overruns the UART (it
 * holds input back while the 16-byte FIFO is full), so nothing is lost;
 * a UART interrupt will make input faster.
 */
#define CONSOLE_POLL_NS		10000000ULL	/* 10 ms */
/*
 * Within a read, after each byte: QEMU refills the UART a little after the
 * guest empties it (its main loop runs beside the vCPU), so a read keeps
 * polling that long for the rest of a burst before it returns.  Polls are
 * spaced out: every UART register access is an exit that takes the lock
 * QEMU's main loop needs to pass the next bytes.
 */
#define CONSOLE_BURST_NS	2000000ULL	/* 2 ms */
#define CONSOLE_BURST_GAP_NS	20000ULL	/* 20 us between polls */
#define CONSOLE_EOF_CHAR	0x04		/* ^D, the default VEOF */
#define CONSOLE_WRITE_CHUNK	512

/* The next byte if one arrives within CONSOLE_BURST_NS, else -1. */
static int
console_getc_burst(void)
{
	uint64_t now = time_monotonic(), end = now + CONSOLE_BURST_NS, next;
	int c;

	while ((c = console_getc()) < 0 && now < end) {
		next = now + CONSOLE_BURST_GAP_NS;
		while ((now = time_monotonic()) < next)
			cpu_pause();
	}
	return c;
}

/*
 * A minimal canonical-mode-like read: wait for the first byte, then take
 * what is already there up to a newline.  CR becomes LF (ICRNL); ^D at
 * the start of a read is end of file.  No echo, no line editing.
 */
static long
console_read(struct file *fp, void *buf, size_t n, int64_t *off)
{
	char *p = buf;
	size_t got = 0;
	int c;

	while ((c = console_getc()) < 0) {
		if (file_nonblock(fp))
			return -EAGAIN;
		thread_sleep_until(time_monotonic() + CONSOLE_POLL_NS);
	}
	for (;;) {
		if (c == CONSOLE_EOF_CHAR)
			break;
		if (c == '\r')
			c = '\n';
		p[got++] = (char)c;
		if (c == '\n' || got == n)
			break;
		c = console_getc_burst();
		if (c < 0)
			break;
	}
	return (long)got;
}

/* console_write keeps interrupts off while it runs: hand it bounded
 * pieces so a large write stays preemptible between them. */
static long
console_write_op(struct file *fp, const void *buf, size_t n, int64_t *off)
{
	const char *p = buf;
	size_t done, k;

	for (done = 0; done < n; done += k) {
		k = MIN(n - done, (size_t)CONSOLE_WRITE_CHUNK);
		console_write(p + done, k);
	}
	return (long)n;
}

static int
console_stat(struct file *fp, struct stat *st)
{
	st->st_mode = S_IFCHR | 0620;
	st->st_dev = VFS_DEV_DEVFS;
	st->st_ino = DEVFS_INO_CONSOLE;
	st->st_nlink = 1;
	st->st_rdev = 0;		/* OpenBSD cons: major 0, minor 0 */
	st->st_blksize = PAGE_SIZE;
	return 0;
}

/*
 * Not pollable: Go registers a file with kqueue only if F_GETFL shows
 * O_NONBLOCK, which the console never has unless a program sets it, and
 * then EV_ADD fails with ENODEV and Go falls back to blocking reads.
 */
static const struct file_ops console_ops = {
	.read = console_read,
	.write = console_write_op,
	.stat = console_stat,
};

struct file console_file = {
	.ops = &console_ops,
	.refs = 0,			/* fd_init adds fds 0, 1, 2 */
	.flags = O_RDWR,
	.knotes = LIST_INIT(console_file.knotes),
	.permanent = true,
};

/* A new open file on the console.  0 or -ENOMEM.  Thread context. */
int
console_file_open(int flags, struct file **fpp)
{
	*fpp = file_alloc(&console_ops, NULL, flags);
	return *fpp != NULL ? 0 : -ENOMEM;
}

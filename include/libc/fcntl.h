/* SPDX-License-Identifier: ISC */
/*
 * fcntl.h: OpenBSD's open(2)/fcntl(2) values and struct flock
 * (docs/go-openbsd-abi.md §7.1), replacing musl's <fcntl.h>, whose O_*
 * values and struct flock layout are Linux's.  Self-contained (only
 * <sys/types.h>), so host unit tests can include it as "libc/fcntl.h" and
 * see the image's values.
 */
#ifndef VMGO_LIBC_FCNTL_H
#define VMGO_LIBC_FCNTL_H
#define _FCNTL_H	/* musl's (and glibc's) guard: theirs must not follow */

#include <sys/types.h>

/* open(2) flags */
#define O_RDONLY	0x00000000
#define O_WRONLY	0x00000001
#define O_RDWR		0x00000002
#define O_ACCMODE	0x00000003
#define O_NONBLOCK	0x00000004
#define O_NDELAY	O_NONBLOCK
#define O_APPEND	0x00000008
#define O_SHLOCK	0x00000010
#define O_EXLOCK	0x00000020
#define O_ASYNC		0x00000040
#define O_FSYNC		0x00000080
#define O_SYNC		0x00000080
#define O_DSYNC		O_SYNC
#define O_RSYNC		O_SYNC
#define O_NOFOLLOW	0x00000100
#define O_CREAT		0x00000200
#define O_TRUNC		0x00000400
#define O_EXCL		0x00000800
#define O_NOCTTY	0x00008000
#define O_CLOEXEC	0x00010000
#define O_DIRECTORY	0x00020000

/* fcntl(2) commands */
#define F_DUPFD		0
#define F_GETFD		1
#define F_SETFD		2
#define F_GETFL		3
#define F_SETFL		4
#define F_GETOWN	5
#define F_SETOWN	6
#define F_GETLK		7
#define F_SETLK		8
#define F_SETLKW	9
#define F_DUPFD_CLOEXEC	10
#define F_ISATTY	11

#define FD_CLOEXEC	1

/* struct flock l_type (OpenBSD numbering, not Linux's 0/1/2) */
#define F_RDLCK		1
#define F_UNLCK		2
#define F_WRLCK		3

/* flock(2) */
#define LOCK_SH		0x01
#define LOCK_EX		0x02
#define LOCK_NB		0x04
#define LOCK_UN		0x08

/* *at(2) */
#define AT_FDCWD		(-100)
#define AT_EACCESS		0x01
#define AT_SYMLINK_NOFOLLOW	0x02
#define AT_SYMLINK_FOLLOW	0x04
#define AT_REMOVEDIR		0x08

#ifndef SEEK_SET
#define SEEK_SET	0
#define SEEK_CUR	1
#define SEEK_END	2
#endif

#ifndef S_IRUSR
#define S_ISUID		0004000
#define S_ISGID		0002000
#define S_ISVTX		0001000
#define S_IRWXU		0000700
#define S_IRUSR		0000400
#define S_IWUSR		0000200
#define S_IXUSR		0000100
#define S_IRWXG		0000070
#define S_IRGRP		0000040
#define S_IWGRP		0000020
#define S_IXGRP		0000010
#define S_IRWXO		0000007
#define S_IROTH		0000004
#define S_IWOTH		0000002
#define S_IXOTH		0000001
#endif

/* 24 bytes; OpenBSD orders the offsets first. */
struct flock {
	off_t	l_start;
	off_t	l_len;
	pid_t	l_pid;
	short	l_type;
	short	l_whence;
};

int	open(const char *, int, ...);
int	openat(int, const char *, int, ...);
int	creat(const char *, mode_t);
int	fcntl(int, int, ...);
int	flock(int, int);

#endif

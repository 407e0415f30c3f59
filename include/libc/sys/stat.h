/* SPDX-License-Identifier: ISC */
/*
 * sys/stat.h: OpenBSD's 128-byte struct stat and file mode bits
 * (docs/go-openbsd-abi.md §7.1, §7.2), replacing musl's <sys/stat.h>
 * (Linux layout).  Members whose OpenBSD type is narrower than musl's
 * typedef (dev_t, nlink_t, blksize_t) use fixed-width types.  Self-
 * contained, so host unit tests can include it as "libc/sys/stat.h".
 */
#ifndef VMGO_LIBC_SYS_STAT_H
#define VMGO_LIBC_SYS_STAT_H
#define _SYS_STAT_H	/* musl's (and glibc's) guard: theirs must not follow */

#include <stdint.h>
#include <sys/types.h>
#include <time.h>

struct stat {
	uint32_t	st_mode;	/* 0: S_IF* | permissions */
	int32_t		st_dev;		/* 4 */
	uint64_t	st_ino;		/* 8 */
	uint32_t	st_nlink;	/* 16 */
	uint32_t	st_uid;		/* 20 */
	uint32_t	st_gid;		/* 24 */
	int32_t		st_rdev;	/* 28 */
	struct timespec	st_atim;	/* 32 */
	struct timespec	st_mtim;	/* 48 */
	struct timespec	st_ctim;	/* 64 */
	int64_t		st_size;	/* 80 */
	int64_t		st_blocks;	/* 88: 512-byte blocks */
	uint32_t	st_blksize;	/* 96 */
	uint32_t	st_flags;	/* 100 */
	uint32_t	st_gen;		/* 104 */
	struct timespec	__st_birthtim;	/* 112 (after 4 bytes of padding) */
};
#define st_atime	st_atim.tv_sec
#define st_mtime	st_mtim.tv_sec
#define st_ctime	st_ctim.tv_sec

#define S_IFMT		0170000
#define S_IFIFO		0010000
#define S_IFCHR		0020000
#define S_IFDIR		0040000
#define S_IFBLK		0060000
#define S_IFREG		0100000
#define S_IFLNK		0120000
#define S_IFSOCK	0140000
#define S_ISTXT		0001000

#define S_ISDIR(m)	(((m) & S_IFMT) == S_IFDIR)
#define S_ISCHR(m)	(((m) & S_IFMT) == S_IFCHR)
#define S_ISBLK(m)	(((m) & S_IFMT) == S_IFBLK)
#define S_ISREG(m)	(((m) & S_IFMT) == S_IFREG)
#define S_ISFIFO(m)	(((m) & S_IFMT) == S_IFIFO)
#define S_ISLNK(m)	(((m) & S_IFMT) == S_IFLNK)
#define S_ISSOCK(m)	(((m) & S_IFMT) == S_IFSOCK)

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
#define S_IREAD		S_IRUSR
#define S_IWRITE	S_IWUSR
#define S_IEXEC		S_IXUSR
#define ACCESSPERMS	(S_IRWXU | S_IRWXG | S_IRWXO)
#define ALLPERMS	(S_ISUID | S_ISGID | S_ISTXT | S_IRWXU | S_IRWXG | S_IRWXO)
#define DEFFILEMODE	(S_IRUSR | S_IWUSR | S_IRGRP | S_IWGRP | S_IROTH | S_IWOTH)

/* utimensat(2) tv_nsec values (OpenBSD) */
#define UTIME_NOW	(-2L)
#define UTIME_OMIT	(-1L)

int	stat(const char *__restrict, struct stat *__restrict);
int	lstat(const char *__restrict, struct stat *__restrict);
int	fstat(int, struct stat *);
int	fstatat(int, const char *__restrict, struct stat *__restrict, int);
int	chmod(const char *, mode_t);
int	fchmod(int, mode_t);
int	fchmodat(int, const char *, mode_t, int);
int	mkdir(const char *, mode_t);
int	mkdirat(int, const char *, mode_t);
int	mkfifo(const char *, mode_t);
int	mkfifoat(int, const char *, mode_t);
int	mknod(const char *, mode_t, dev_t);
int	mknodat(int, const char *, mode_t, dev_t);
mode_t	umask(mode_t);
int	futimens(int, const struct timespec [2]);
int	utimensat(int, const char *, const struct timespec [2], int);

#endif

/* SPDX-License-Identifier: ISC */
/*
 * stat.c: the libc calls about names and metadata (docs/go-openbsd-abi.md
 * §7.2, §7.4): stat, lstat, fstat, fstatat, getcwd, chdir, fchdir.  struct
 * stat is OpenBSD's 128-byte layout (include/libc/sys/stat.h).
 */
#include "kernel.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

_Static_assert(sizeof(struct stat) == 128, "struct stat is 128 bytes");
_Static_assert(offsetof(struct stat, st_mode) == 0, "st_mode");
_Static_assert(offsetof(struct stat, st_dev) == 4, "st_dev");
_Static_assert(offsetof(struct stat, st_ino) == 8, "st_ino");
_Static_assert(offsetof(struct stat, st_nlink) == 16, "st_nlink");
_Static_assert(offsetof(struct stat, st_uid) == 20, "st_uid");
_Static_assert(offsetof(struct stat, st_gid) == 24, "st_gid");
_Static_assert(offsetof(struct stat, st_rdev) == 28, "st_rdev");
_Static_assert(offsetof(struct stat, st_atim) == 32, "st_atim");
_Static_assert(offsetof(struct stat, st_mtim) == 48, "st_mtim");
_Static_assert(offsetof(struct stat, st_ctim) == 64, "st_ctim");
_Static_assert(offsetof(struct stat, st_size) == 80, "st_size");
_Static_assert(offsetof(struct stat, st_blocks) == 88, "st_blocks");
_Static_assert(offsetof(struct stat, st_blksize) == 96, "st_blksize");
_Static_assert(offsetof(struct stat, st_flags) == 100, "st_flags");
_Static_assert(offsetof(struct stat, st_gen) == 104, "st_gen");
_Static_assert(offsetof(struct stat, __st_birthtim) == 112, "birthtim");

/*
 * stat(2)/lstat(2)/fstatat(2): 0, or -1 with ENOENT, ENOTDIR,
 * ENAMETOOLONG, EBADF (dirfd), ELOOP, EINVAL (flags other than
 * AT_SYMLINK_NOFOLLOW).  lstat and AT_SYMLINK_NOFOLLOW describe a final
 * symlink itself; every other symlink on the way is followed.
 * stat(".") and stat("/") report a directory with a stable (dev, ino).
 */
int
stat(const char *restrict path, struct stat *restrict st)
{
	return (int)ret_errno(vfs_stat(AT_FDCWD, path, st, 0));
}

int
lstat(const char *restrict path, struct stat *restrict st)
{
	return (int)ret_errno(vfs_stat(AT_FDCWD, path, st,
	    AT_SYMLINK_NOFOLLOW));
}

int
fstatat(int dirfd, const char *restrict path, struct stat *restrict st,
    int flags)
{
	return (int)ret_errno(vfs_stat(dirfd, path, st, flags));
}

/* fstat(2): 0, or -1/EBADF.  Character devices report S_IFCHR, pipes and
 * kqueues S_IFIFO, so Go registers the former's non-blocking fds with
 * kqueue and never regular files or directories. */
int
fstat(int fd, struct stat *st)
{
	struct file *fp;
	int r;

	fp = fd_get(fd);
	if (fp == NULL)
		return (int)ret_errno(-EBADF);
	r = file_stat(fp, st);
	file_release(fp);
	return (int)ret_errno(r);
}

/*
 * getcwd(3): the working directory ("/" at boot) in buf, or NULL with
 * errno EINVAL (size 0), ERANGE (too small), ENOMEM.  With buf NULL the
 * buffer is allocated (size bytes, or as needed when size is 0) and
 * belongs to the caller (free()).
 */
char *
getcwd(char *buf, size_t size)
{
	char *p = buf;
	int r;

	if (buf == NULL) {
		if (size == 0)
			size = VFS_ABS_MAX;	/* the deepest cwd */
		p = kmalloc(size);
		if (p == NULL) {
			ret_errno(-ENOMEM);
			return NULL;
		}
	} else if (size == 0) {
		ret_errno(-EINVAL);
		return NULL;
	}
	r = vfs_getcwd(p, size);
	if (r < 0) {
		if (p != buf)
			kfree(p);
		ret_errno(r);
		return NULL;
	}
	return p;
}

/* chdir(2)/fchdir(2): 0, or -1 with ENOENT, ENOTDIR, EBADF. */
int
chdir(const char *path)
{
	return (int)ret_errno(vfs_chdir(path));
}

int
fchdir(int fd)
{
	return (int)ret_errno(vfs_fchdir(fd));
}

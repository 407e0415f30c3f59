/* SPDX-License-Identifier: ISC */
/*
 * dir.c: the libc calls that change the name space or a file's metadata
 * (docs/go-openbsd-abi.md §7): mkdir, mkdirat, mkfifo, mkfifoat, unlink,
 * unlinkat, rmdir, rename, renameat, link, linkat, symlink, symlinkat, readlink,
 * readlinkat, truncate, ftruncate, fsync, fdatasync, access, faccessat,
 * chmod, fchmod, fchmodat, chown, fchown, lchown, fchownat, utimes,
 * futimes, utimensat, futimens, sync, flock.  Thin shells over fs/ (vfs_*): -1 and
 * errno (OpenBSD numbers) on failure.  Only /tmp is writable: elsewhere
 * changes fail with EROFS (a missing name with ENOENT, an existing one
 * being created with EEXIST).  We are root: permission bits never refuse
 * reading or writing.
 */
#include "kernel.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

/* <stdio.h>, <sys/time.h> and <unistd.h> declare these only for POSIX or BSD feature
 * macros, which the strict-C11 runtime does not define. */
int	rename(const char *, const char *);
int	renameat(int, const char *, int, const char *);
int	futimes(int, const struct timeval [2]);
void	sync(void);

/* Permission bits for a new file: mode without the umask. */
static int
dir_newmode(mode_t mode)
{
	return (int)(mode & 07777 & ~proc_getumask());
}

/* mkdir(2)/mkdirat(2): 0, or -1 with EEXIST, ENOENT, ENOTDIR, EROFS,
 * ENOSPC, ENAMETOOLONG. */
int
mkdirat(int dirfd, const char *path, mode_t mode)
{
	return (int)ret_errno(vfs_mkdir(dirfd, path, dir_newmode(mode)));
}

int
mkdir(const char *path, mode_t mode)
{
	return mkdirat(AT_FDCWD, path, mode);
}

/* mkfifo(2)/mkfifoat(2): a FIFO (fs/pipe.c) at path; 0, or -1 with
 * EEXIST, ENOENT, ENOTDIR, EROFS (only /tmp has FIFOs), ENOSPC,
 * ENAMETOOLONG. */
int
mkfifoat(int dirfd, const char *path, mode_t mode)
{
	return (int)ret_errno(vfs_mkfifo(dirfd, path, dir_newmode(mode)));
}

int
mkfifo(const char *path, mode_t mode)
{
	return mkfifoat(AT_FDCWD, path, mode);
}

/* unlink(2)/unlinkat(2)/rmdir(2): unlink of a directory is EPERM
 * (OpenBSD; Go's os.Remove then tries rmdir); rmdir gives ENOTEMPTY,
 * ENOTDIR, EBUSY (a mount point), EINVAL (a last component "."). */
int
unlinkat(int dirfd, const char *path, int flags)
{
	return (int)ret_errno(vfs_unlink(dirfd, path, flags));
}

int
unlink(const char *path)
{
	return unlinkat(AT_FDCWD, path, 0);
}

int
rmdir(const char *path)
{
	return unlinkat(AT_FDCWD, path, AT_REMOVEDIR);
}

/* rename(2)/renameat(2): EXDEV between file systems, EISDIR, ENOTDIR,
 * ENOTEMPTY, EINVAL (into its own subtree), EROFS outside /tmp. */
int
renameat(int fromfd, const char *from, int tofd, const char *to)
{
	return (int)ret_errno(vfs_rename(fromfd, from, tofd, to));
}

int
rename(const char *from, const char *to)
{
	return renameat(AT_FDCWD, from, AT_FDCWD, to);
}

/* link(2)/linkat(2): hard links within /tmp; EPERM for a directory,
 * EXDEV between file systems, EEXIST. */
int
linkat(int fromfd, const char *from, int tofd, const char *to, int flags)
{
	return (int)ret_errno(vfs_link(fromfd, from, tofd, to, flags));
}

int
link(const char *from, const char *to)
{
	/* OpenBSD link(2) does not follow a symlink at from. */
	return linkat(AT_FDCWD, from, AT_FDCWD, to, 0);
}

/* symlink(2)/symlinkat(2): in /tmp; EEXIST, EROFS elsewhere. */
int
symlinkat(const char *target, int dirfd, const char *path)
{
	return (int)ret_errno(vfs_symlink(target, dirfd, path));
}

int
symlink(const char *target, const char *path)
{
	return symlinkat(target, AT_FDCWD, path);
}

/* readlink(2)/readlinkat(2): bytes placed in buf (no NUL, truncated to
 * size), or -1 with EINVAL (not a symlink), ENOENT... */
ssize_t
readlinkat(int dirfd, const char *restrict path, char *restrict buf,
    size_t size)
{
	if (buf == NULL)
		return ret_errno(-EFAULT);
	return ret_errno(vfs_readlink(dirfd, path, buf, size));
}

ssize_t
readlink(const char *restrict path, char *restrict buf, size_t size)
{
	return readlinkat(AT_FDCWD, path, buf, size);
}

/* truncate(2): EISDIR, EINVAL (negative length), EROFS, ENOSPC is never
 * reported (growing allocates nothing). */
int
truncate(const char *path, off_t len)
{
	return (int)ret_errno(vfs_truncate(path, len));
}

/* ftruncate(2): EBADF, EINVAL (not a regular file open for writing, or
 * a negative length). */
int
ftruncate(int fd, off_t len)
{
	struct file *fp;
	int r;

	fp = fd_get(fd);
	if (fp == NULL)
		return (int)ret_errno(-EBADF);
	if ((file_getfl(fp) & O_ACCMODE) == O_RDONLY ||
	    fp->ops->truncate == NULL)
		r = -EINVAL;
	else
		r = fp->ops->truncate(fp, len);
	file_release(fp);
	return (int)ret_errno(r);
}

/* fsync(2)/fdatasync(2): nothing is ever on a disk, so 0 for any open
 * fd; EBADF. */
int
fsync(int fd)
{
	return (int)ret_errno(fd_getfd(fd) < 0 ? -EBADF : 0);
}

int
fdatasync(int fd)
{
	return fsync(fd);
}

/* access(2)/faccessat(2): see vfs_access. */
int
faccessat(int dirfd, const char *path, int mode, int flags)
{
	return (int)ret_errno(vfs_access(dirfd, path, mode, flags));
}

int
access(const char *path, int mode)
{
	return faccessat(AT_FDCWD, path, mode, 0);
}

/* setattr on the file open at fd: EBADF; pipes, sockets and kqueues
 * EINVAL; files of read-only file systems EROFS. */
static int
dir_fsetattr(int fd, const struct vfs_attr *va)
{
	struct file *fp;
	struct stat st;
	int r;

	fp = fd_get(fd);
	if (fp == NULL)
		return -EBADF;
	if (fp->ops->setattr != NULL) {
		r = fp->ops->setattr(fp, va);
	} else {
		r = file_stat(fp, &st);
		if (r == 0)
			r = S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode) ?
			    -EINVAL : -EROFS;
	}
	file_release(fp);
	return r;
}

/* chmod(2) family: the permission bits (07777) of a file in /tmp. */
int
fchmodat(int dirfd, const char *path, mode_t mode, int flags)
{
	struct vfs_attr va = { .mask = VFS_ATTR_MODE, .mode = mode & 07777 };

	return (int)ret_errno(vfs_setattr(dirfd, path, &va, flags));
}

int
chmod(const char *path, mode_t mode)
{
	return fchmodat(AT_FDCWD, path, mode, 0);
}

int
fchmod(int fd, mode_t mode)
{
	struct vfs_attr va = { .mask = VFS_ATTR_MODE, .mode = mode & 07777 };

	return (int)ret_errno(dir_fsetattr(fd, &va));
}

/* chown(2) family: owner and group of a file in /tmp; -1 leaves one
 * unchanged. */
int
fchownat(int dirfd, const char *path, uid_t uid, gid_t gid, int flags)
{
	struct vfs_attr va = { .mask = VFS_ATTR_OWNER, .uid = uid,
	    .gid = gid };

	return (int)ret_errno(vfs_setattr(dirfd, path, &va, flags));
}

int
chown(const char *path, uid_t uid, gid_t gid)
{
	return fchownat(AT_FDCWD, path, uid, gid, 0);
}

int
lchown(const char *path, uid_t uid, gid_t gid)
{
	return fchownat(AT_FDCWD, path, uid, gid, AT_SYMLINK_NOFOLLOW);
}

int
fchown(int fd, uid_t uid, gid_t gid)
{
	struct vfs_attr va = { .mask = VFS_ATTR_OWNER, .uid = uid,
	    .gid = gid };

	return (int)ret_errno(dir_fsetattr(fd, &va));
}

/*
 * Fill va's times from ts[2] (atime, mtime; NULL: both now; tv_nsec
 * UTIME_NOW or UTIME_OMIT as in utimensat(2)).  0 or -EINVAL (tv_nsec
 * out of range), -EFAULT never (NULL is allowed).
 */
static int
dir_times(const struct timespec *ts, struct vfs_attr *va)
{
	int64_t now = time_realtime();
	int i;

	va->mask = 0;
	for (i = 0; i < 2; i++) {
		int64_t t;

		if (ts == NULL || ts[i].tv_nsec == UTIME_NOW) {
			t = now;
		} else if (ts[i].tv_nsec == UTIME_OMIT) {
			continue;
		} else if (ts[i].tv_nsec < 0 || ts[i].tv_nsec >= 1000000000) {
			return -EINVAL;
		} else if (__builtin_mul_overflow((int64_t)ts[i].tv_sec,
		    1000000000, &t) ||
		    __builtin_add_overflow(t, ts[i].tv_nsec, &t)) {
			return -EINVAL;
		}
		if (i == 0) {
			va->mask |= VFS_ATTR_ATIME;
			va->atime = t;
		} else {
			va->mask |= VFS_ATTR_MTIME;
			va->mtime = t;
		}
	}
	return 0;
}

/* timeval[2] (NULL: now) as timespec[2] for dir_times: 0 or -EINVAL. */
static int
dir_tv_to_ts(const struct timeval *tv, struct timespec *ts)
{
	int i;

	for (i = 0; i < 2; i++) {
		if (tv[i].tv_usec < 0 || tv[i].tv_usec >= 1000000)
			return -EINVAL;
		ts[i].tv_sec = tv[i].tv_sec;
		ts[i].tv_nsec = tv[i].tv_usec * 1000;
	}
	return 0;
}

/* utimensat(2)/futimens(2): access and modification times of a file in
 * /tmp (nanoseconds), EROFS elsewhere, EINVAL for a bad tv_nsec. */
int
utimensat(int dirfd, const char *path, const struct timespec ts[2],
    int flags)
{
	struct vfs_attr va;
	int r;

	r = dir_times(ts, &va);
	if (r == 0)
		r = vfs_setattr(dirfd, path, &va, flags);
	return (int)ret_errno(r);
}

int
futimens(int fd, const struct timespec ts[2])
{
	struct vfs_attr va;
	int r;

	r = dir_times(ts, &va);
	if (r == 0)
		r = dir_fsetattr(fd, &va);
	return (int)ret_errno(r);
}

/* utimes(2)/futimes(2): the same with microseconds. */
int
utimes(const char *path, const struct timeval tv[2])
{
	struct timespec ts[2];
	int r = 0;

	if (tv != NULL)
		r = dir_tv_to_ts(tv, ts);
	if (r < 0)
		return (int)ret_errno(r);
	return utimensat(AT_FDCWD, path, tv != NULL ? ts : NULL, 0);
}

int
futimes(int fd, const struct timeval tv[2])
{
	struct timespec ts[2];
	int r = 0;

	if (tv != NULL)
		r = dir_tv_to_ts(tv, ts);
	if (r < 0)
		return (int)ret_errno(r);
	return futimens(fd, tv != NULL ? ts : NULL);
}

/* sync(2): nothing to write back. */
void
sync(void)
{
}

/* flock(2): one process holds every lock it asks for, so only the fd
 * and the operation are checked: 0, EBADF, EINVAL. */
int
flock(int fd, int op)
{
	int kind = op & ~4;		/* LOCK_NB (4) */

	if (fd_getfd(fd) < 0)
		return (int)ret_errno(-EBADF);
	if (kind != 1 && kind != 2 && kind != 8)	/* SH, EX, UN */
		return (int)ret_errno(-EINVAL);
	return 0;
}

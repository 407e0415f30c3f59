/* SPDX-License-Identifier: ISC */
/*
 * stat.c: the libc calls about names and metadata (docs/go-openbsd-abi.md
 * §7.2, §7.4): stat, lstat, fstat, fstatat, getcwd, chdir, fchdir, and
 * about file systems: statfs, getfsstat.  struct stat is OpenBSD's
 * 128-byte layout (include/libc/sys/stat.h).
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

/*
 * struct statfs, OpenBSD <sys/mount.h> on amd64 (568 bytes, as Go's
 * syscall.Statfs_t for openbsd/amd64): not in include/libc, whose headers the rest of the
 * runtime shares; only these calls use it.
 */
#define MFSNAMELEN	16	/* <sys/mount.h> */
#define MNAMELEN	90
#define MNT_RDONLY	0x00000001
#define MNT_LOCAL	0x00001000

struct statfs {
	uint32_t	f_flags;
	uint32_t	f_bsize;
	uint32_t	f_iosize;
	uint64_t	f_blocks;
	uint64_t	f_bfree;
	int64_t		f_bavail;
	uint64_t	f_files;
	uint64_t	f_ffree;
	int64_t		f_favail;
	uint64_t	f_syncwrites;
	uint64_t	f_syncreads;
	uint64_t	f_asyncwrites;
	uint64_t	f_asyncreads;
	int32_t		f_fsid[2];
	uint32_t	f_namemax;
	uint32_t	f_owner;
	uint64_t	f_ctime;
	char		f_fstypename[MFSNAMELEN];
	char		f_mntonname[MNAMELEN];
	char		f_mntfromname[MNAMELEN];
	char		f_mntfromspec[MNAMELEN];
	uint64_t	mount_info[20];	/* union mount_info (8-aligned) */
};
_Static_assert(sizeof(struct statfs) == 568, "OpenBSD struct statfs");
_Static_assert(offsetof(struct statfs, f_fsid) == 96, "f_fsid");
_Static_assert(offsetof(struct statfs, f_fstypename) == 120, "f_fstypename");
_Static_assert(offsetof(struct statfs, mount_info) == 408, "mount_info");

int	statfs(const char *path, struct statfs *sf);
int	getfsstat(struct statfs *buf, size_t bufsize, int flags);

/*
 * Describe the file system mounted at prefix: its type name (vfs_ops),
 * read-only when it has no mutation ops (the VFS's rule), st_dev of its
 * root as the fsid, and for /tmp its limit and use as blocks of
 * PAGE_SIZE (the others hold no free space).
 */
static void
statfs_fill(const char *prefix, const struct vfs_ops *ops, struct statfs *sf)
{
	struct stat st;
	size_t limit, used;

	memset(sf, 0, sizeof(*sf));
	memset(&st, 0, sizeof(st));
	ops->stat("", &st);
	sf->f_flags = MNT_LOCAL | (ops->mkdir == NULL ? MNT_RDONLY : 0);
	sf->f_bsize = PAGE_SIZE;
	sf->f_iosize = PAGE_SIZE;
	if (ops == &tmpfs_ops) {
		limit = tmpfs_get_limit();
		used = MIN(tmpfs_usage(), limit);
		sf->f_blocks = limit / PAGE_SIZE;
		sf->f_bfree = (limit - used) / PAGE_SIZE;
		sf->f_bavail = (int64_t)sf->f_bfree;
	}
	sf->f_fsid[0] = (int32_t)st.st_dev;
	sf->f_namemax = VFS_NAME_MAX;
	strlcpy(sf->f_fstypename, ops->name, sizeof(sf->f_fstypename));
	strlcpy(sf->f_mntonname, prefix, sizeof(sf->f_mntonname));
	strlcpy(sf->f_mntfromname, ops->name, sizeof(sf->f_mntfromname));
	strlcpy(sf->f_mntfromspec, ops->name, sizeof(sf->f_mntfromspec));
}

/* statfs(2): the file system holding path.  0, or -1 with the lookup
 * errors (ENOENT, ENOTDIR, ELOOP, ENAMETOOLONG). */
int
statfs(const char *path, struct statfs *sf)
{
	const struct vfs_ops *ops;
	const char *prefix;
	int r;

	r = vfs_mount_of(path, &prefix, &ops);
	if (r < 0)
		return (int)ret_errno(r);
	statfs_fill(prefix, ops, sf);
	return 0;
}

/*
 * getfsstat(2): the mounted file systems, as many as bufsize bytes of buf
 * hold (none with buf NULL); returns how many it filled, or with buf
 * NULL how many there are.  flags (MNT_WAIT, MNT_NOWAIT) change nothing:
 * the numbers are always current.
 */
int
getfsstat(struct statfs *buf, size_t bufsize, int flags)
{
	const struct vfs_ops *ops;
	const char *prefix;
	unsigned int i;
	size_t max = buf != NULL ? bufsize / sizeof(*buf) : SIZE_MAX;
	int n = 0;

	(void)flags;
	for (i = 0; (size_t)n < max && vfs_mount_get(i, &prefix, &ops); i++) {
		if (buf != NULL)
			statfs_fill(prefix, ops, &buf[n]);
		n++;
	}
	return n;
}

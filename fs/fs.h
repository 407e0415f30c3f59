/* SPDX-License-Identifier: ISC */
/*
 * fs.h: open files, the descriptor table, path lookup, pipes and kqueue
 * (fs/).  Included by runtime/kernel.h.  The libc edge (runtime/libc/
 * file.c, stat.c, kevent.c) is a thin layer over these.
 *
 * Objects:
 *   struct file   one open file (what open/pipe/kqueue/socket create):
 *                 reference counted, an ops table, status flags
 *                 (O_ACCMODE, O_NONBLOCK, O_APPEND), an offset and the
 *                 kqueue registrations (knotes) on it.
 *   fd table      FD_MAX slots, each a struct file * plus FD_CLOEXEC; one
 *                 table (one process).  fd_init (declared in kernel.h,
 *                 called by kmain) opens fds 0-2 on the console.
 *   vfs           absolute-path lookup by longest mounted prefix ("/",
 *                 "/dev" now; the embedded file table and /tmp later).
 *
 * Readiness (kqueue): an object that can be polled gives its files a
 * poll op and calls file_notify() whenever readiness may have changed
 * (data arrived, space freed, EOF, error).  kqueue re-checks with poll
 * before reporting, so spurious notifications are harmless and missing
 * ones are bugs.
 *
 * Lock order: object locks (pipe, socket core lock) -> kq_lock (kqueue.c)
 * -> fd table lock (fd.c).  Hence poll runs under kq_lock and must not
 * take an object lock that is held around file_notify(); it reads the
 * object's state with atomic loads (or a leaf lock of its own).
 */
#ifndef VMGO_FS_FS_H
#define VMGO_FS_FS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "list.h"

struct stat;
struct kevent;
struct timespec;

#define FD_MAX		1024	/* fds 0..FD_MAX-1; RLIMIT_NOFILE cur == max */
#define VFS_PATH_MAX	1024	/* OpenBSD PATH_MAX, including the NUL */
#define VFS_NAME_MAX	255	/* OpenBSD NAME_MAX */

/* st_dev of the runtime's file systems (stable across boots) */
#define VFS_DEV_ROOT	1	/* "/" */
#define VFS_DEV_DEVFS	2	/* "/dev" */
#define VFS_DEV_PIPE	3	/* pipes */
#define VFS_DEV_KQUEUE	4	/* kqueues */
#define VFS_DEV_SOCKET	5	/* sockets (net/) */

/* Readiness bits: file_ops.poll results and file_notify() hints. */
#define FILE_EV_READ	0x01	/* read would not block (data, EOF, error) */
#define FILE_EV_WRITE	0x02	/* write would not block (space, or error) */
#define FILE_EV_RDEOF	0x04	/* no more data: EVFILT_READ reports EV_EOF */
#define FILE_EV_WREOF	0x08	/* writes can never succeed: EVFILT_WRITE
				   reports EV_EOF */

struct file_poll {
	uint32_t	ready;		/* FILE_EV_* */
	int64_t		nread;		/* bytes readable: EVFILT_READ data */
	int64_t		nwrite;		/* bytes of space: EVFILT_WRITE data */
	int		error;		/* pending error, fflags with EV_EOF */
};

struct file;

/*
 * What a kind of open file does.  Every op returns 0, a byte count, or
 * -errno.  A NULL op gives the default in brackets.
 */
struct file_ops {
	int	flags;		/* FOPS_* */
	/* Read up to n > 0 bytes at *off (seekable files advance *off).
	 * Blocking unless the file has O_NONBLOCK.  [-EINVAL] */
	long	(*read)(struct file *fp, void *buf, size_t n, int64_t *off);
	/* Write n > 0 bytes at *off, like read.  Seekable files honour
	 * O_APPEND themselves.  [-EINVAL] */
	long	(*write)(struct file *fp, const void *buf, size_t n,
		    int64_t *off);
	/* Fill *st (the caller zeroed it).  Required. */
	int	(*stat)(struct file *fp, struct stat *st);
	/* Readiness now, for kqueue and FIONREAD.  Called with kq_lock
	 * held and interrupts off: no blocking, no object lock held around
	 * file_notify().  [not pollable: EV_ADD fails with ENODEV] */
	void	(*poll)(struct file *fp, struct file_poll *st);
	/* Requests the generic layer does not answer.  [-ENOTTY] */
	int	(*ioctl)(struct file *fp, unsigned long req, void *arg);
	/* getdents(2) at fp->offset (a cookie the op defines, 0 = start):
	 * whole struct dirent records, bytes filled, 0 at the end.
	 * [-ENOTDIR] */
	long	(*getdents)(struct file *fp, void *buf, size_t n);
	/* The last reference is gone: free priv.  [nothing] */
	void	(*close)(struct file *fp);
};
#define FOPS_SEEKABLE	0x1	/* lseek/pread/pwrite allowed (else ESPIPE) */

struct file {
	const struct file_ops *ops;
	void		*priv;		/* the object behind the file */
	uint32_t	refs;		/* fds + calls in progress (atomic) */
	uint32_t	flags;		/* O_ACCMODE|O_NONBLOCK|O_APPEND (atomic) */
	int64_t		offset;		/* seekable files; concurrent calls on
					   one file may race, as on Linux
					   without f_pos locking */
	char		*path;		/* directories: absolute path (kmalloc),
					   for *at(), fchdir; else NULL */
	struct list	knotes;		/* kqueue registrations (kq_lock) */
	bool		permanent;	/* static object, never freed */
};

/* file.c: open file objects and generic I/O */
/*
 * A new file with one reference (the caller's), status flags flags (the
 * O_ACCMODE, O_NONBLOCK and O_APPEND bits of an open(2) flag word are
 * kept).  NULL when out of memory.  Thread context.
 */
struct file *file_alloc(const struct file_ops *ops, void *priv, int flags);
/* Take another reference.  Any context. */
void	file_hold(struct file *fp);
/* Drop a reference; the last one runs ops->close and frees the file.
 * Thread context; no spin lock held (close ops may take locks). */
void	file_release(struct file *fp);
/* O_NONBLOCK set on the file? */
bool	file_nonblock(const struct file *fp);
/* F_GETFL: O_ACCMODE | O_NONBLOCK | O_APPEND. */
int	file_getfl(const struct file *fp);
/* F_SETFL: replace O_NONBLOCK and O_APPEND from flags; others ignored. */
void	file_setfl(struct file *fp, int flags);
/* read/write at the file offset; -EBADF if not opened for it. */
long	file_read(struct file *fp, void *buf, size_t n);
long	file_write(struct file *fp, const void *buf, size_t n);
/* pread/pwrite at off; -ESPIPE unless seekable, -EINVAL if off < 0. */
long	file_pread(struct file *fp, void *buf, size_t n, int64_t off);
long	file_pwrite(struct file *fp, const void *buf, size_t n, int64_t off);
/* The new offset, -ESPIPE, or -EINVAL (bad whence, negative result). */
int64_t	file_lseek(struct file *fp, int64_t off, int whence);
/* fstat(2): zero *st, then ops->stat. */
int	file_stat(struct file *fp, struct stat *st);
/* getdents(2) at the file offset. */
long	file_getdents(struct file *fp, void *buf, size_t n);
/* Readiness as poll reports it; false if the file cannot be polled. */
bool	file_poll(struct file *fp, struct file_poll *st);
/* A fresh inode number for an anonymous file (pipe, kqueue, socket). */
uint64_t file_new_ino(void);

/* fd.c: the descriptor table.  All of it takes the fd table lock (a spin
 * lock, never held across blocking) and is thread context unless noted. */
/*
 * Put fp in the lowest free slot >= minfd, FD_CLOEXEC if cloexec.  On
 * success the table owns the caller's reference and the fd is returned;
 * -EMFILE when no slot is free, -EINVAL if minfd is out of range.
 */
int	fd_install(struct file *fp, int minfd, bool cloexec);
/* The file at fd with a reference the caller must release, or NULL. */
struct file *fd_get(int fd);
/* The file at fd without a reference, or NULL: only while holding
 * kq_lock, which keeps fd_close from finishing (kqueue.c). */
struct file *fd_peek(int fd);
/* Empty slot fd, drop its knotes and its reference: 0 or -EBADF. */
int	fd_close(int fd);
/* F_DUPFD(_CLOEXEC): a new fd >= minfd for oldfd's file. */
int	fd_dup(int oldfd, int minfd, bool cloexec);
/* dup2/dup3: newfd becomes oldfd's file (closing what was there) and
 * newfd is returned; oldfd == newfd returns newfd unchanged.  -EBADF. */
int	fd_dup2(int oldfd, int newfd, bool cloexec);
/* F_GETFD (FD_CLOEXEC or 0) and F_SETFD: -EBADF on a closed fd. */
int	fd_getfd(int fd);
int	fd_setfd(int fd, int fdflags);

/* console_file.c: fds 0-2 */
#define DEVFS_INO_CONSOLE	3	/* /dev/console, /dev/tty */
/* The open file fd_init puts at fds 0, 1 and 2 (permanent, O_RDWR). */
extern struct file console_file;
/* A new open file on the console (/dev/tty, /dev/console).  0 or -ENOMEM. */
int	console_file_open(int flags, struct file **fpp);

/* path.c: path lookup, mounts, the working directory */
/* A file system mounted at a path prefix.  rel is the path below the
 * mount point without a leading '/' ("" for the mount point itself),
 * already normalized ("." and ".." resolved, no empty components). */
struct vfs_ops {
	/* open(2) flags and mode; returns 0 and a file with one reference,
	 * or -ENOENT, -EROFS (creating on a read-only fs), -EEXIST
	 * (O_CREAT|O_EXCL), -ENOTDIR (a non-directory in the middle). */
	int	(*open)(const char *rel, int flags, int mode, struct file **fpp);
	/* stat(2) without following anything (there are no symlinks). */
	int	(*stat)(const char *rel, struct stat *st);
};
/*
 * Mount ops at prefix ("/" or "/a/b": absolute, no trailing '/'),
 * replacing a previous mount there.  prefix must stay valid.  0, -EINVAL,
 * -ENOMEM when the table is full.  Thread context.
 */
int	vfs_mount(const char *prefix, const struct vfs_ops *ops);
/*
 * Resolve path against dirfd (AT_FDCWD: the working directory) into the
 * absolute, normalized out[VFS_PATH_MAX]; *must_dir set when the path
 * ends in '/', "." or "..".  0, -EFAULT, -ENOENT (empty path),
 * -ENAMETOOLONG, -EBADF, -ENOTDIR (dirfd is not a directory).
 */
int	vfs_resolve(int dirfd, const char *path, char *out, bool *must_dir);
/* openat(2) without the fd: 0 and a new file reference, or -errno. */
int	vfs_open(int dirfd, const char *path, int flags, int mode,
	    struct file **fpp);
/* fstatat(2): flags may hold AT_SYMLINK_NOFOLLOW (no symlinks exist). */
int	vfs_stat(int dirfd, const char *path, struct stat *st, int flags);
/* getcwd into buf: the length, or -ERANGE if size is too small. */
int	vfs_getcwd(char *buf, size_t size);
/* chdir to path / to the directory open at fd: 0, -ENOTDIR, -ENOENT... */
int	vfs_chdir(const char *path);
int	vfs_fchdir(int fd);

/* One entry of a synthesized directory. */
struct vfs_dirent {
	const char	*name;
	uint64_t	ino;
	uint8_t		type;		/* DT_* */
};
/* The idx-th entry (from 0) of a synthesized directory: 0 and *de, or
 * -ENOENT past the end.  "." and ".." are added by vfs_dir_open. */
typedef int (*vfs_dirlist_t)(unsigned int idx, struct vfs_dirent *de);
/*
 * Open the synthesized directory at abspath (dev, ino, entries from list)
 * for reading: stat reports S_IFDIR 0555, getdents lists it.  Write access
 * gives -EISDIR.  0 or -ENOMEM.
 */
int	vfs_dir_open(const char *abspath, int flags, uint32_t dev,
	    uint64_t ino, vfs_dirlist_t list, struct file **fpp);
/* stat of such a directory. */
void	vfs_dir_stat(uint32_t dev, uint64_t ino, struct stat *st);

/* dev.c: the /dev file system */
extern const struct vfs_ops devfs_ops;

/* pipe.c */
/*
 * A pipe: *rfp reads what *wfp writes (16 KiB buffer; writes of up to
 * PIPE_BUF bytes are atomic).  flags: O_NONBLOCK for both ends.  0 or
 * -ENOMEM.  Thread context.
 */
int	pipe_create(int flags, struct file **rfp, struct file **wfp);

/* kqueue.c */
/* A new kqueue file.  0 or -ENOMEM.  Thread context. */
int	kqueue_create(struct file **fpp);
/*
 * kevent(2) on the kqueue file kqfp: apply the nch changes, then return up
 * to nev ready events, waiting until ts (relative; NULL = forever, {0,0} =
 * poll) for the first one.  A failed change becomes an EV_ERROR event
 * while there is room in ev (the call then returns without waiting), else
 * the call fails with its errno.  Returns the number of events or -EBADF
 * (not a kqueue), -EINVAL, -EFAULT, -ENOMEM.  Thread context.
 */
int	kqueue_kevent(struct file *kqfp, const struct kevent *ch, int nch,
	    struct kevent *ev, int nev, const struct timespec *ts);
/*
 * Readiness of fp may have changed (hint: FILE_EV_* that may now hold):
 * queue its matching knotes and wake the threads waiting in kevent.
 * Callers may hold their own object lock (lock order above).  Any context
 * (takes kq_lock with interrupts off).
 */
void	file_notify(struct file *fp, uint32_t hint);
/* fd was closed (or replaced by dup2) while it referred to fp: delete the
 * knotes registered for that fd in every kqueue.  Called by fd.c. */
void	knote_fdclose(struct file *fp, int fd);

#endif

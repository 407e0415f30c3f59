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
 *   vfs           path lookup: symlinks followed component by component,
 *                 then the file system mounted at the longest prefix ("/"
 *                 the embedded file table, "/dev", "/tmp").
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
struct vfs_attr;
struct kevent;
struct timespec;

#define FD_MAX		1024	/* fds 0..FD_MAX-1; RLIMIT_NOFILE cur == max */
#define VFS_PATH_MAX	1024	/* OpenBSD PATH_MAX, including the NUL: the
				   longest path argument and symlink target */
/*
 * The longest absolute path the VFS resolves a path to, including the
 * NUL.  OpenBSD limits only the argument (namei walks vnodes, so a
 * relative path below a deep working directory or directory fd works);
 * this VFS works on absolute paths, so it allows them this long.  Deeper
 * still is -ENAMETOOLONG.
 */
#define VFS_ABS_MAX	8192
#define VFS_NAME_MAX	255	/* OpenBSD NAME_MAX */

/* st_dev of the runtime's file systems (stable across boots) */
#define VFS_DEV_ROOT	1	/* "/" */
#define VFS_DEV_DEVFS	2	/* "/dev" */
#define VFS_DEV_PIPE	3	/* pipes */
#define VFS_DEV_KQUEUE	4	/* kqueues */
#define VFS_DEV_SOCKET	5	/* sockets (net/) */
#define VFS_DEV_TMPFS	6	/* "/tmp" */

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
	/* ftruncate(2): -EINVAL if len < 0.  [-EINVAL] */
	int	(*truncate)(struct file *fp, int64_t len);
	/* fchmod/fchown/futimens (struct vfs_attr in the path.c section).
	 * [-EROFS] */
	int	(*setattr)(struct file *fp, const struct vfs_attr *va);
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
/*
 * A file system mounted at a path prefix.
 *
 * Paths: every op gets rel, the path below the mount point without a
 * leading '/' ("" for the mount point itself), normalized (no ".", "..",
 * empty components or trailing '/').  The VFS walks paths one component
 * at a time (vfs_lookup): every component of rel but the last was seen by
 * this file system's stat as a directory (not a symlink) just before the
 * op runs, so an op may treat a missing or non-directory component in the
 * middle as -ENOENT / -ENOTDIR (it can only result from a race).
 *
 * Symlinks: the VFS follows them (SYMLOOP_MAX of them per lookup, then
 * -ELOOP), by stat + readlink of each component; ".." is resolved on the
 * physical path (the parent of the directory reached, not lexically
 * before following links).  Ops never follow a symlink: an op whose last
 * component is a symlink acts on the link itself (stat is lstat, unlink
 * and rename move the link), except open, which gives -ELOOP (the VFS
 * only hands it a final symlink for O_NOFOLLOW).
 *
 * Mount points: a directory's listing (getdents) is completed by the VFS
 * with the mount points directly below it (so "/" lists "dev" and "tmp"
 * next to the embedded table's top-level names); a mount point shadows an
 * entry of the same name in the parent file system, and a file system's
 * own listing of that name is dropped.  Ops are never asked about a path
 * that crosses a mount point below their own.
 *
 * A NULL op: open and stat are required.  A NULL readlink means there are
 * no symlinks (-EINVAL on an existing path).  A NULL mutation op (mkdir
 * ... setattr) makes the VFS answer for a read-only file system: -EEXIST
 * when creating a name that exists, the stat error (-ENOENT...) when the
 * target or its parent is missing, else -EROFS.  open on a read-only file
 * system must itself refuse write access, O_TRUNC and creation with
 * -EROFS (creating an existing name without O_EXCL opens it).
 *
 * Errors all ops may return: -ENOENT, -ENOTDIR, -ENAMETOOLONG, -ENOMEM,
 * -ENOSPC, -EROFS.  Thread context, no spin lock held by the caller; ops
 * may sleep.  Ops touching caller memory (readlink's buf) get kernel
 * buffers from the VFS, never user memory.
 */
struct vfs_attr {
	int		mask;		/* VFS_ATTR_* to change */
	uint32_t	mode;		/* permission bits (07777) */
	uint32_t	uid, gid;
	int64_t		atime;		/* realtime ns */
	int64_t		mtime;		/* realtime ns */
};
#define VFS_ATTR_MODE	0x01
#define VFS_ATTR_OWNER	0x02		/* uid and gid */
#define VFS_ATTR_ATIME	0x04
#define VFS_ATTR_MTIME	0x08

struct vfs_ops {
	/* The file system's type name (statfs(2) f_fstypename, at most 15
	 * bytes). */
	const char	*name;
	/* open(2) flags and mode (permission bits for a new file, umask
	 * already applied); 0 and a file with one reference, or -ENOENT,
	 * -EROFS, -EEXIST (O_CREAT|O_EXCL on an existing name), -ELOOP (a
	 * symlink), -EISDIR (write access or O_TRUNC on a directory).
	 * Directories it opens get fp->path from the VFS. */
	int	(*open)(const char *rel, int flags, int mode, struct file **fpp);
	/* lstat(2) of rel into *st (zeroed by the caller). */
	int	(*stat)(const char *rel, struct stat *st);
	/* The target of the symlink rel, copied into buf (size bytes, not
	 * NUL-terminated, truncated to size): its full length (may exceed
	 * size; the VFS then reports -ENAMETOOLONG for lookups), or -EINVAL
	 * if rel is not a symlink. */
	int	(*readlink)(const char *rel, char *buf, size_t size);
	/* mkdir(2): -EEXIST if rel exists (whatever it is). */
	int	(*mkdir)(const char *rel, int mode);
	/* rmdir(2): -ENOTDIR, -ENOTEMPTY, -EBUSY (rel ""). */
	int	(*rmdir)(const char *rel);
	/* unlink(2) of a non-directory: -EPERM on a directory (OpenBSD). */
	int	(*unlink)(const char *rel);
	/* rename(2) within this file system: replaces a file with a file or
	 * an empty directory with a directory; -EISDIR (file onto a
	 * directory), -ENOTDIR (directory onto a file), -ENOTEMPTY, -EINVAL
	 * (a directory into its own subtree), -EBUSY (rel "").  Renaming a
	 * name onto itself (or onto another link to the same file) is 0. */
	int	(*rename)(const char *from, const char *to);
	/* mkfifo(2): a FIFO at rel, permission bits mode; -EEXIST if rel
	 * exists. */
	int	(*mkfifo)(const char *rel, int mode);
	/* symlink(2): a link at rel holding target (not interpreted). */
	int	(*symlink)(const char *target, const char *rel);
	/* link(2): a new name to for the non-directory from (-EPERM on a
	 * directory). */
	int	(*link)(const char *from, const char *to);
	/* truncate(2): -EISDIR on a directory, -EINVAL if len < 0. */
	int	(*truncate)(const char *rel, int64_t len);
	/* chmod/chown/utimes of rel (symlinks: the link itself). */
	int	(*setattr)(const char *rel, const struct vfs_attr *va);
};
#define SYMLOOP_MAX	32	/* OpenBSD <limits.h> */

/*
 * Mount ops at prefix ("/" or "/a/b": absolute, no trailing '/'),
 * replacing a previous mount there.  prefix must stay valid.  0, -EINVAL,
 * -ENOMEM when the table is full.  Thread context.
 */
int	vfs_mount(const char *prefix, const struct vfs_ops *ops);
/*
 * The file system holding the absolute normalized path abs (the mount at
 * its longest prefix) and in *rel the path below the mount point.  Thread
 * context.
 */
const struct vfs_ops *vfs_ops_at(const char *abs, const char **rel);
/* The idx-th mount (from 0): its prefix and ops; false past the end.
 * Thread context. */
bool	vfs_mount_get(unsigned int idx, const char **prefix,
	    const struct vfs_ops **ops);
/* The mount holding path (looked up as stat(2) does, following symlinks;
 * it must exist): its prefix and ops.  0 or the lookup and stat errors.
 * Thread context. */
int	vfs_mount_of(const char *path, const char **prefix,
	    const struct vfs_ops **ops);
/*
 * Resolve path against dirfd (AT_FDCWD: the working directory) into the
 * absolute, lexically normalized out[VFS_ABS_MAX] without looking at any
 * file system; *must_dir set when the path ends in '/', "." or "..".  0,
 * -EFAULT, -ENOENT (empty path), -ENAMETOOLONG, -EBADF, -ENOTDIR (dirfd
 * is not a directory).
 */
int	vfs_resolve(int dirfd, const char *path, char *out, bool *must_dir);
/*
 * Look path up against dirfd: out[VFS_ABS_MAX] becomes the absolute
 * path with every symlink in a directory position followed, and the last
 * one too if follow (or if the path ends in '/').  The last component
 * need not exist (out names it anyway: creation).  *must_dir as for
 * vfs_resolve.  0, or the errors of vfs_resolve plus -ENOENT / -ENOTDIR
 * (a missing or non-directory component in the middle), -ELOOP.
 */
int	vfs_lookup(int dirfd, const char *path, bool follow, char *out,
	    bool *must_dir);
/* openat(2) without the fd: 0 and a new file reference, or -errno.
 * O_NOFOLLOW on a final symlink: -ELOOP. */
int	vfs_open(int dirfd, const char *path, int flags, int mode,
	    struct file **fpp);
/* fstatat(2): flags may hold AT_SYMLINK_NOFOLLOW. */
int	vfs_stat(int dirfd, const char *path, struct stat *st, int flags);
/* readlinkat(2): the length copied into buf (no NUL), -EINVAL if path
 * is not a symlink. */
int	vfs_readlink(int dirfd, const char *path, char *buf, size_t size);
/* mkdirat(2), mkfifoat(2), unlinkat(2) (flags 0 or AT_REMOVEDIR), renameat(2),
 * symlinkat(2), linkat(2) (flags 0 or AT_SYMLINK_FOLLOW), truncate(2),
 * and setattr (flags 0 or AT_SYMLINK_NOFOLLOW) for chmod, chown and
 * utimes: 0 or -errno as described for the ops; -EXDEV for a rename or
 * link between file systems. */
int	vfs_mkdir(int dirfd, const char *path, int mode);
int	vfs_mkfifo(int dirfd, const char *path, int mode);
int	vfs_unlink(int dirfd, const char *path, int flags);
int	vfs_rename(int fromfd, const char *from, int tofd, const char *to);
int	vfs_symlink(const char *target, int dirfd, const char *path);
int	vfs_link(int fromfd, const char *from, int tofd, const char *to,
	    int flags);
int	vfs_truncate(const char *path, int64_t len);
int	vfs_setattr(int dirfd, const char *path, const struct vfs_attr *va,
	    int flags);
/* faccessat(2): 0, -EROFS (W_OK on a read-only file system), -EACCES
 * (X_OK without an x bit), or the lookup errors. */
int	vfs_access(int dirfd, const char *path, int mode, int flags);
/* getcwd into buf: the length, or -ERANGE if size is too small. */
int	vfs_getcwd(char *buf, size_t size);
/* chdir to path / to the directory open at fd: 0, -ENOTDIR, -ENOENT... */
int	vfs_chdir(const char *path);
int	vfs_fchdir(int fd);

/*
 * getdents of a directory layered over lower (the union of a mount
 * point's parent, addfs over the file table): lower's entries first, under
 * fp cookies below limit, minus the names hide(dir, name) shadows; *offp
 * gets the cookie reached (>= limit once lower is done).  Bytes filled or
 * -errno.  Thread context.
 */
long	vfs_getdents_layer(struct file *fp, struct file *lower, int64_t limit,
	    bool (*hide)(const char *dir, const char *name), const char *dir,
	    char *out, size_t n, int64_t *offp);

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

/* tmpfs.c: the in-memory file system at /tmp (thread context) */
extern const struct vfs_ops tmpfs_ops;
/* bind(2) of an AF_UNIX socket (net/sock_unix.c): an S_IFSOCK node at
 * rel (below /tmp), permission bits mode, its inode in *ino.  0, -EEXIST,
 * -ENOENT, -ENOSPC. */
int	tmpfs_mksock(const char *rel, int mode, uint64_t *ino);
/* The most bytes (data and metadata) /tmp may hold; beyond: ENOSPC. */
void	tmpfs_set_limit(size_t bytes);
/* Bytes /tmp holds now, and the most it may hold. */
size_t	tmpfs_usage(void);
size_t	tmpfs_get_limit(void);

/* addfs.c: files added at run time (include/vmgo/api.h vmgo_add_file) */
/*
 * Add the regular file path (resolved against the working directory) with
 * a copy of data[0..len), permission bits perm, mtime now, in a read-only
 * overlay mounted over "/" on first use; parents are created, a file or
 * symlink there is shadowed.  0, -EINVAL, -EISDIR, -ENOTDIR, -EXDEV (not
 * in the root file system), -ENOMEM and the lookup errors.  Thread
 * context.
 */
int	addfs_add(const char *path, const void *data, size_t len,
	    uint32_t perm);

/* libc/vmgo_api.c: open tracing (vmgo_trace_opens) */
extern bool vfs_trace_opens;
/* Print "vmgo: open(PATH, FLAGS) = R" (R an fd or -errno) on the console.
 * Called by the libc open paths when vfs_trace_opens is set. */
void	vfs_trace_open(const char *path, int flags, int r);

/* libc/process.c: the file creation mask (umask(2)), for the libc edge */
uint32_t proc_getumask(void);

/* vfs_init.c */
struct cmdline;
/*
 * Mount /tmp (limit: vmgo.tmpsize=BYTES[K|M|G], default half of RAM) and
 * set the working directory (vmgo.cwd=PATH, default "/"; a bad one is
 * fatal with a message).  Once, from kmain, after the root file system
 * is mounted.
 */
void	vfs_init(const struct cmdline *cmd);

/* pipe.c */
/*
 * A pipe: *rfp reads what *wfp writes (16 KiB buffer; writes of up to
 * PIPE_BUF bytes are atomic).  flags: O_NONBLOCK for both ends.  0 or
 * -ENOMEM.  Thread context.
 */
int	pipe_create(int flags, struct file **rfp, struct file **wfp);

/*
 * FIFOs (mkfifo(2)): a file system node of type S_IFIFO points at a
 * struct fifo; each open of the node is an end of one shared pipe
 * (pipe.c's comment gives the open semantics).
 */
struct fifo;
/* A new FIFO with one reference (the node's); fstat of its open files
 * reports dev, ino and mode (permission bits).  NULL when out of memory. */
struct fifo *fifo_create(uint32_t dev, uint64_t ino, uint32_t mode);
/* Take / drop a reference (the last one frees it).  Thread context. */
void	fifo_hold(struct fifo *fi);
void	fifo_release(struct fifo *fi);
/* open(2) of the FIFO: 0 and a new file in *fpp, -ENXIO (O_WRONLY |
 * O_NONBLOCK without a reader), -ENOMEM.  May sleep until the other side
 * opens; the caller holds a reference and no lock. */
int	fifo_open(struct fifo *fi, int flags, struct file **fpp);

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

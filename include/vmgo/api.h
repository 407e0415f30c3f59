/* SPDX-License-Identifier: ISC */
/*
 * api.h: the C entry points of vmgo's companion Go package (go/vmgo,
 * import path vmgo.dev/vmgo), defined by the runtime
 * (runtime/libc/vmgo_api.c) and declared once here for both sides:
 * the runtime includes it, and the package's cgo preamble includes
 * <vmgo/api.h> through vmgo-cc (LIB/include).
 *
 * Every int result is 0 (or a count) on success and -errno (OpenBSD
 * numbers, as Go's syscall.Errno on openbsd) on failure; errno is not set.
 */
#ifndef VMGO_API_H
#define VMGO_API_H

#include <stddef.h>
#include <stdint.h>

/* One entry of the embedded file table (vmgo_file_entry). */
struct vmgo_file_info {
	uint32_t	mode;		/* st_mode: S_IFDIR/S_IFREG/S_IFLNK |
					   07777 (OpenBSD <sys/stat.h>) */
	uint32_t	reserved;	/* 0 */
	uint64_t	size;		/* files: bytes; symlinks: target
					   length; directories: 0 */
	int64_t		mtime_sec;	/* modification time, UTC */
	int64_t		mtime_nsec;	/* 0..999999999 */
};

/*
 * Add a read-only regular file at path (absolute, or relative to the
 * working directory) holding a copy of the len bytes at data, with
 * permission bits perm (07777), modification time now.  Missing parent
 * directories are created (mode 0755); a file added before at that path
 * or a file or symlink of the embedded table there is replaced (open
 * files keep reading the old contents).  0, or -EINVAL (perm beyond
 * 07777), -EISDIR (a directory is there), -ENOTDIR (a non-directory in
 * the path), -EXDEV (path is in /tmp or /dev: write it there with
 * open/write instead), -ENOMEM, -ENAMETOOLONG, -ELOOP, -EFAULT.  Thread
 * context.
 */
int	vmgo_add_file(const char *path, const void *data, size_t len,
	    uint32_t perm);

/*
 * Trace opens: while on (nonzero), every open/openat prints
 * "vmgo: open(PATH, FLAGS) = FD" or "... = -1 ENAME" on the console.
 * Any context.
 */
void	vmgo_trace_opens(int on);

/*
 * Entry idx of the embedded file table (0 is "/"; the others in table
 * order): its absolute path into path (pathsize bytes, NUL-terminated)
 * and *fi.  0, -ENOENT past the last entry (or when the image has no
 * usable table), -ERANGE if pathsize is too small.  Files added with
 * vmgo_add_file are not listed.  Any thread.
 */
int	vmgo_file_entry(uint32_t idx, char *path, size_t pathsize,
	    struct vmgo_file_info *fi);

/*
 * End the VM now with exit status status & 0xff: no atexit handlers, no
 * flushing of buffers the program holds (the console is unbuffered).
 * Never returns.  Any context.
 */
_Noreturn void vmgo_poweroff(int status);

#endif

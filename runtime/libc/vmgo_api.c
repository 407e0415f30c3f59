/* SPDX-License-Identifier: ISC */
/*
 * vmgo_api.c: the C entry points of the companion Go package (go/vmgo,
 * include/vmgo/api.h): add a file at run time, trace opens, list the
 * embedded file table, power off.  Results are 0 or -errno (OpenBSD
 * numbers); errno is left alone.
 */
#include "kernel.h"
#include "libc/fcntl.h"
#include "libc/sys/stat.h"
#include <vmgo/api.h>

/* Checked by the libc open paths (runtime/libc/file.c). */
bool vfs_trace_opens;

/* Add a file (see api.h): addfs_add, fs/addfs.c.  Thread context. */
int
vmgo_add_file(const char *path, const void *data, size_t len, uint32_t perm)
{
	return addfs_add(path, data, len, perm);
}

/* Tracing on or off (see api.h).  Any context. */
void
vmgo_trace_opens(int on)
{
	__atomic_store_n(&vfs_trace_opens, on != 0, __ATOMIC_RELAXED);
}

/* Entry idx of the file table (see api.h): rofs_entry_stat.  Any
 * thread. */
int
vmgo_file_entry(uint32_t idx, char *path, size_t pathsize,
    struct vmgo_file_info *fi)
{
	char buf[VFS_PATH_MAX];
	struct stat st;
	int r;

	memset(&st, 0, sizeof(st));
	r = rofs_entry_stat(idx, buf, &st);
	if (r < 0)
		return r;
	if (strlcpy(path, buf, pathsize) >= pathsize)
		return -ERANGE;
	memset(fi, 0, sizeof(*fi));
	fi->mode = st.st_mode;
	fi->size = (uint64_t)st.st_size;
	if (S_ISDIR(st.st_mode))
		fi->size = 0;
	fi->mtime_sec = st.st_mtim.tv_sec;
	fi->mtime_nsec = st.st_mtim.tv_nsec;
	return 0;
}

/* End the VM now with status & 0xff (see api.h).  Any context. */
_Noreturn void
vmgo_poweroff(int status)
{
	platform_exit(status & 0xff);
}

/* open(2) flag names, in the order printed (OpenBSD <fcntl.h>). */
static const struct {
	int		flag;
	const char	*name;
} trace_flags[] = {
	{ O_NONBLOCK, "O_NONBLOCK" },
	{ O_APPEND, "O_APPEND" },
	{ O_CREAT, "O_CREAT" },
	{ O_TRUNC, "O_TRUNC" },
	{ O_EXCL, "O_EXCL" },
	{ O_SYNC, "O_SYNC" },
	{ O_NOFOLLOW, "O_NOFOLLOW" },
	{ O_DIRECTORY, "O_DIRECTORY" },
	{ O_CLOEXEC, "O_CLOEXEC" },
};

/* Names of the errors opens give (include/libc/errno.h). */
static const struct {
	int		err;
	const char	*name;
} trace_errs[] = {
	{ EPERM, "EPERM" }, { ENOENT, "ENOENT" }, { EIO, "EIO" },
	{ EBADF, "EBADF" }, { ENOMEM, "ENOMEM" }, { EACCES, "EACCES" },
	{ EFAULT, "EFAULT" }, { EEXIST, "EEXIST" }, { EXDEV, "EXDEV" },
	{ ENXIO, "ENXIO" }, { ENOTDIR, "ENOTDIR" }, { EISDIR, "EISDIR" },
	{ EINVAL, "EINVAL" }, { EMFILE, "EMFILE" }, { ENOSPC, "ENOSPC" },
	{ EROFS, "EROFS" }, { ELOOP, "ELOOP" },
	{ ENAMETOOLONG, "ENAMETOOLONG" },
};

/*
 * Print "vmgo: open(PATH, FLAGS) = FD" or "... = -1 ENAME" (r an fd or
 * -errno) as one console line.  Thread context (path is the caller's,
 * already read by the lookup).
 */
void
vfs_trace_open(const char *path, int flags, int r)
{
	char fl[160], res[32];
	const char *acc, *en = NULL;
	int rest;
	size_t i, pos;

	switch (flags & O_ACCMODE) {
	case O_RDONLY:
		acc = "O_RDONLY";
		break;
	case O_WRONLY:
		acc = "O_WRONLY";
		break;
	case O_RDWR:
		acc = "O_RDWR";
		break;
	default:
		acc = "O_ACCMODE";
		break;
	}
	pos = (size_t)ksnprintf(fl, sizeof(fl), "%s", acc);
	rest = flags & ~O_ACCMODE;
	for (i = 0; i < ARRAY_LEN(trace_flags); i++) {
		if ((rest & trace_flags[i].flag) == 0)
			continue;
		pos += (size_t)ksnprintf(fl + pos, sizeof(fl) - pos, "|%s",
		    trace_flags[i].name);
		rest &= ~trace_flags[i].flag;
	}
	if (rest != 0)
		ksnprintf(fl + pos, sizeof(fl) - pos, "|%#x", (unsigned int)rest);
	if (r >= 0) {
		ksnprintf(res, sizeof(res), "%d", r);
	} else {
		for (i = 0; i < ARRAY_LEN(trace_errs); i++)
			if (trace_errs[i].err == -r)
				en = trace_errs[i].name;
		if (en != NULL)
			ksnprintf(res, sizeof(res), "-1 %s", en);
		else
			ksnprintf(res, sizeof(res), "-1 errno %d", -r);
	}
	kprintf("vmgo: open(%s, %s) = %s\n", path != NULL ? path : "NULL",
	    fl, res);
}

/* SPDX-License-Identifier: ISC */
/*
 * files.h: the embedded file table (fs/rofs.c) and the /etc files written
 * at boot (fs/etc.c).  Included by runtime/kernel.h.
 */
#ifndef VMGO_FS_FILES_H
#define VMGO_FS_FILES_H

#include <stddef.h>
#include <stdint.h>

struct bootinfo;
struct stat;

/* rofs.c */
/*
 * The end of the loaded image including the file table (at least _end):
 * page_init keeps [VMGO_LOAD_ADDR, this) and vm_init maps it.  With bi,
 * computed from the table header and bi's RAM map; with NULL, the value
 * computed before.  Boot, single threaded.
 */
uintptr_t rofs_image_end(const struct bootinfo *bi);
/*
 * Check the table and mount it at "/", or print "vmgo: file table: WHY:
 * files disabled" and keep the empty root.  Boot, thread context, once,
 * after fd_init.
 */
void	rofs_init(void);

/*
 * Entry i of the checked table (0 is "/"): absolute path into
 * path[VFS_PATH_MAX], lstat into *st.  0 or -ENOENT (past the end, no
 * table).  Any thread.
 */
int	rofs_entry_stat(uint32_t i, char *path, struct stat *st);

/* etc.c */
/* Prepare the boot-time /etc files.  Called by rofs_init. */
void	etc_init(void);
/* The contents and length of the boot-time file at abspath, or NULL. */
const char *etc_file(const char *abspath, size_t *len);
/*
 * Replace the text of /etc/resolv.conf or /etc/hosts (networking, as its
 * configuration changes), dated mtime (ns since 1970) unless the text is
 * unchanged.  0, -ENOENT (not such a file), -ENOMEM.  Callers serialise
 * (net core lock); readers need no lock.  Thread context.
 */
int	etc_set(const char *abspath, const char *text, size_t len,
	    int64_t mtime);
/* When etc_set last changed abspath (ns since 1970), or 0.  Any context. */
int64_t	etc_file_mtime(const char *abspath);

#endif

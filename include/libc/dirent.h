/* SPDX-License-Identifier: ISC */
/*
 * dirent.h: OpenBSD's struct dirent and getdents(2) (docs/go-openbsd-abi.md
 * §7.3), replacing musl's <dirent.h> (Linux layout, no d_namlen).  Self-
 * contained, so host unit tests can include it as "libc/dirent.h".
 */
#ifndef VMGO_LIBC_DIRENT_H
#define VMGO_LIBC_DIRENT_H
#define _DIRENT_H	/* musl's (and glibc's) guard: theirs must not follow */

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define MAXNAMLEN	255

/* 24-byte header + name; records are DIRENT_RECSIZE(d_namlen) bytes. */
struct dirent {
	uint64_t	d_fileno;	/* 0: inode; entries with 0 are skipped */
	int64_t		d_off;		/* 8: offset of the next entry */
	uint16_t	d_reclen;	/* 16: length of this record */
	uint8_t		d_type;		/* 18: DT_* */
	uint8_t		d_namlen;	/* 19: strlen(d_name) */
	uint8_t		__d_padding[4];	/* 20 */
	char		d_name[MAXNAMLEN + 1];	/* 24: NUL-terminated */
};
#define d_ino		d_fileno

#define DIRENT_RECSIZE(namlen) \
	((offsetof(struct dirent, d_name) + (namlen) + 1 + 7) & ~(size_t)7)

#define DT_UNKNOWN	0
#define DT_FIFO		1
#define DT_CHR		2
#define DT_DIR		4
#define DT_BLK		6
#define DT_REG		8
#define DT_LNK		10
#define DT_SOCK		12
#define IFTODT(mode)	(((mode) & 0170000) >> 12)
#define DTTOIF(dirtype)	((dirtype) << 12)

typedef struct _dirdesc DIR;

DIR	*opendir(const char *);
DIR	*fdopendir(int);
struct dirent *readdir(DIR *);
int	readdir_r(DIR *__restrict, struct dirent *__restrict,
	    struct dirent **__restrict);
void	rewinddir(DIR *);
int	closedir(DIR *);
int	dirfd(DIR *);
long	telldir(DIR *);
void	seekdir(DIR *, long);
int	scandir(const char *, struct dirent ***, int (*)(const struct dirent *),
	    int (*)(const struct dirent **, const struct dirent **));
int	alphasort(const struct dirent **, const struct dirent **);
int	getdents(int, void *, size_t);

#endif

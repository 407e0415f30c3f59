/* SPDX-License-Identifier: ISC */
/*
 * rofs.h: the embedded file table, defined once for the host packer
 * (tools/mkfs/vmgo-files.c) and the runtime reader (fs/rofs.c).
 *
 * The table is one blob, the last loaded section of the image
 * (.vmgo.files, boot/vmgo.ld), read in place.  All integers are little
 * endian; all offsets are from the start of the blob.
 *
 *	struct rofs_header	at 0
 *	struct rofs_entry	nentries of them at entries_off (8-aligned)
 *	string table		names, each NUL-terminated, at strings_off
 *	data			file contents (as they are, or deflated:
 *				ROFS_F_DEFLATE) and symlink targets at
 *				data_off; each ROFS_DATA_ALIGN-aligned
 *				but deflate streams, which are packed
 *
 * Entries form a tree: entry 0 is the root directory ("/").  Every other
 * entry names its parent (a directory with a smaller index); entries are
 * ordered by parent index, and siblings by name (bytewise, strictly
 * increasing), so a directory's children are the contiguous range
 * [first_child, first_child + nchild) and a name is found by binary
 * search.  Inode numbers are ROFS_INO_BASE + index.
 *
 * rofs_check() (fs/rofs.c) validates all of this before anything walks
 * the table; the bounds below are what it enforces.
 */
#ifndef VMGO_ROFS_H
#define VMGO_ROFS_H

#ifndef __ASSEMBLER__
#include <stdint.h>
#endif

#define ROFS_MAGIC		0x53464f52474d5600ULL	/* "\0VMGROFS" LE */
#define ROFS_MAGIC_LO		0x474d5600	/* its halves, for 32-bit */
#define ROFS_MAGIC_HI		0x53464f52	/* boot code (boot/long.S) */
#define ROFS_VERSION		2	/* 2: ROFS_F_DEFLATE, zsize */
#define ROFS_DATA_ALIGN		16	/* uncompressed file data and
					   symlink targets start at
					   multiples of it */
#define ROFS_MAX_SIZE		(3ULL << 30)	/* whole blob: below 4 GiB */
#define ROFS_MAX_ENTRIES	(1U << 20)
#define ROFS_NAME_MAX		255	/* OpenBSD NAME_MAX */
#define ROFS_PATH_MAX		1023	/* OpenBSD PATH_MAX - 1 (the NUL) */
#define ROFS_INO_BASE		2	/* root inode 2, as on disks */

/* Entry types: the S_IFMT bits of mode (OpenBSD <sys/stat.h>). */
#define ROFS_S_IFMT		0170000
#define ROFS_S_IFDIR		0040000
#define ROFS_S_IFREG		0100000
#define ROFS_S_IFLNK		0120000

#ifndef __ASSEMBLER__
struct rofs_header {
	uint64_t	magic;		/* ROFS_MAGIC */
	uint32_t	version;	/* ROFS_VERSION */
	uint32_t	hdr_size;	/* sizeof(struct rofs_header) */
	uint64_t	total_size;	/* bytes in the blob, header included */
	uint32_t	nentries;	/* >= 1 (the root) */
	uint32_t	entry_size;	/* sizeof(struct rofs_entry) */
	uint64_t	entries_off;
	uint64_t	strings_off;
	uint64_t	strings_size;
	uint64_t	data_off;
	uint64_t	data_size;
	uint64_t	reserved;	/* 0 */
};

struct rofs_entry {
	uint32_t	parent;		/* index of the parent directory */
	uint32_t	name_off;	/* in the string table: name_len
					   bytes, then a NUL */
	uint16_t	name_len;	/* 1..ROFS_NAME_MAX; 0 for the root */
	uint16_t	path_len;	/* strlen of the absolute path ("/a/b") */
	uint32_t	mode;		/* ROFS_S_IF{DIR,REG,LNK} | 07777 bits */
	uint32_t	first_child;	/* directories: first child's index */
	uint32_t	nchild;		/* directories: number of children */
	uint64_t	size;		/* files: bytes (once inflated);
					   symlinks: target length;
					   directories: 0 */
	uint64_t	data;		/* files and symlinks: offset of the
					   stored bytes from data_off */
	int64_t		mtime_sec;	/* modification time (host file) */
	uint32_t	mtime_nsec;	/* < 1000000000 */
	uint32_t	flags;		/* ROFS_F_* */
	uint64_t	zsize;		/* ROFS_F_DEFLATE: bytes stored at
					   data (the deflate stream); else 0 */
};

/*
 * Entry flags.  ROFS_F_BOOT: a regular file (size 0 in the table) whose
 * contents the runtime synthesizes at boot (fs/etc.c: /etc/hosts); the
 * packer adds such placeholders for default files only, so a user's file
 * of the same name replaces them.
 */
#define ROFS_F_BOOT		0x1
/*
 * ROFS_F_DEFLATE: a regular file stored compressed, as one raw deflate
 * stream (RFC 1951, no zlib or gzip wrapping) of zsize bytes (>= 1) that
 * decodes to exactly size bytes; the runtime inflates it when the file is
 * first opened (fs/rofs.c).  Deflate cannot shrink data more than 1032
 * times (a 258-byte match in two 1-bit codes), so size is at most
 * ROFS_DEFLATE_RATIO * zsize, which the checker enforces: a corrupt size
 * cannot ask the runtime for more memory than the stream could fill.
 */
#define ROFS_F_DEFLATE		0x2
#define ROFS_DEFLATE_RATIO	1032
#define ROFS_F_ALL		(ROFS_F_BOOT | ROFS_F_DEFLATE)

_Static_assert(sizeof(struct rofs_header) == 80, "rofs_header layout");
_Static_assert(sizeof(struct rofs_entry) == 64, "rofs_entry layout");
_Static_assert(ROFS_MAGIC == ((unsigned long long)ROFS_MAGIC_HI << 32 |
    ROFS_MAGIC_LO), "ROFS_MAGIC halves");
#endif

#endif

/* SPDX-License-Identifier: ISC */
/*
 * vmgo-files: packs host files into a vmgo file table (include/vmgo/
 * rofs.h) and puts it into an image.  vmgo-link runs it after every link;
 * see docs/files.md.
 *
 *	vmgo-files [-v] [-d SRC:GUEST]... [-i IMAGE] -o OUT [SRC[:GUEST]]...
 *	vmgo-files -t FILE
 *
 * SRC is a host directory (its contents appear below GUEST) or file (it
 * appears as GUEST).  GUEST defaults to "/" + the base name of SRC.
 * Mappings apply in order, each replacing what earlier ones put at the
 * same path; -d mappings (the defaults: /etc files, zoneinfo) come first.
 * With -i, OUT is IMAGE with its .vmgo.files section replaced by the
 * table; without, OUT is the table alone.  -t checks and lists the
 * table of an image or table file, inflating every compressed file.  OUT is written to a temporary file and renamed:
 * on any error nothing is left behind and the status is 1.
 *
 * A regular file is stored deflated (ROFS_F_DEFLATE, zlib's raw deflate
 * at level 9) when that saves at least an eighth of it and 64 bytes, and
 * it is at most ZMAX bytes; else as it is.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <vmgo/rofs.h>
#include "inflate.h"

#define LOAD_ADDR	0x100000	/* VMGO_LOAD_ADDR, include/vmgo/abi.h */
#define MB_MAGIC	0x1BADB002U	/* multiboot spec §3.1.1 */
#define MB_AOUT_KLUDGE	(1U << 16)	/* multiboot spec §3.1.3 */
#define MB_SEARCH	8192		/* header within the first 8 KiB */
#define SECTION		".vmgo.files"
/* The largest file stored deflated: the runtime inflates a file into one
 * block of memory (fs/rofs.c), for the life of the VM. */
#define ZMAX		(16 << 20)

static const char *prog = "vmgo-files";
static char *tmp_out;		/* removed on failure */
static int verbose;

static void __attribute__((noreturn, format(printf, 1, 2)))
die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (tmp_out != NULL)
		unlink(tmp_out);
	exit(1);
}

static void *
xmalloc(size_t n)
{
	void *p = calloc(1, n != 0 ? n : 1);

	if (p == NULL)
		die("out of memory");
	return p;
}

static char *
xstrdup(const char *s)
{
	char *p = strdup(s);

	if (p == NULL)
		die("out of memory");
	return p;
}

/* The tree being built. */
struct node {
	char		*name;
	uint32_t	mode;		/* ROFS_S_IF* | permissions */
	uint32_t	flags;		/* ROFS_F_* */
	int64_t		mtime_sec;
	uint32_t	mtime_nsec;
	uint64_t	size;
	char		*src;		/* regular files: host path */
	char		*target;	/* symlinks */
	uint8_t		*z;		/* ROFS_F_DEFLATE: the stream */
	uint64_t	zsize;
	struct node	**kids;
	size_t		nkids, cap;
	/* output */
	uint32_t	index;
	uint32_t	parent;		/* parent's index */
	uint64_t	data;
};

static struct node *root;

static struct node *
node_new(const char *name, uint32_t mode, const struct stat *st)
{
	struct node *n = xmalloc(sizeof(*n));

	n->name = xstrdup(name);
	n->mode = mode;
	if (st != NULL) {
		n->mtime_sec = st->st_mtim.tv_sec;
		n->mtime_nsec = (uint32_t)st->st_mtim.tv_nsec;
	}
	return n;
}

static void
node_free(struct node *n)
{
	size_t i;

	for (i = 0; i < n->nkids; i++)
		node_free(n->kids[i]);
	free(n->kids);
	free(n->name);
	free(n->src);
	free(n->target);
	free(n->z);
	free(n);
}

static struct node *
node_find(struct node *dir, const char *name, size_t *pos)
{
	size_t i;

	for (i = 0; i < dir->nkids; i++) {
		if (strcmp(dir->kids[i]->name, name) == 0) {
			*pos = i;
			return dir->kids[i];
		}
	}
	return NULL;
}

/* Put n into dir under its name, replacing what is there (a directory
 * replacing a directory keeps the old one's children: mappings merge). */
static struct node *
node_put(struct node *dir, struct node *n)
{
	struct node *old;
	size_t pos;

	old = node_find(dir, n->name, &pos);
	if (old == NULL) {
		if (dir->nkids == dir->cap) {
			dir->cap = dir->cap ? dir->cap * 2 : 8;
			dir->kids = realloc(dir->kids,
			    dir->cap * sizeof(*dir->kids));
			if (dir->kids == NULL)
				die("out of memory");
		}
		dir->kids[dir->nkids++] = n;
		return n;
	}
	if ((old->mode & ROFS_S_IFMT) == ROFS_S_IFDIR &&
	    (n->mode & ROFS_S_IFMT) == ROFS_S_IFDIR) {
		old->mode = n->mode;
		old->mtime_sec = n->mtime_sec;
		old->mtime_nsec = n->mtime_nsec;
		node_free(n);
		return old;
	}
	node_free(old);
	dir->kids[pos] = n;
	return n;
}

/* The directory at guest path comp[0..k) below root, made if missing
 * (mode 0755, mtime of st) or turned into a directory. */
static struct node *
guest_dir(char **comp, size_t k, const struct stat *st)
{
	struct node *d = root, *n;
	size_t i, pos;

	for (i = 0; i < k; i++) {
		n = node_find(d, comp[i], &pos);
		if (n == NULL || (n->mode & ROFS_S_IFMT) != ROFS_S_IFDIR)
			n = node_put(d, node_new(comp[i], ROFS_S_IFDIR | 0755,
			    st));
		d = n;
	}
	return d;
}

static void add_tree(struct node *dir, const char *hostdir);

/* Add host file path (lstat'd as st) as name in dir. */
static void
add_host(struct node *dir, const char *name, const char *path,
    const struct stat *st)
{
	struct node *n;
	char buf[ROFS_PATH_MAX + 2];
	ssize_t len;

	if (strlen(name) > ROFS_NAME_MAX)
		die("%s: name longer than %d bytes", path, ROFS_NAME_MAX);
	if (S_ISREG(st->st_mode)) {
		if (access(path, R_OK) != 0)
			die("%s: cannot read: %s", path, strerror(errno));
		n = node_new(name, ROFS_S_IFREG | (st->st_mode & 07777), st);
		n->size = (uint64_t)st->st_size;
		n->src = xstrdup(path);
		node_put(dir, n);
	} else if (S_ISLNK(st->st_mode)) {
		len = readlink(path, buf, sizeof(buf));
		if (len < 0)
			die("%s: readlink: %s", path, strerror(errno));
		if (len == 0 || len > ROFS_PATH_MAX)
			die("%s: symlink target empty or longer than %d bytes",
			    path, ROFS_PATH_MAX);
		buf[len] = '\0';
		n = node_new(name, ROFS_S_IFLNK | 0777, st);
		n->target = xstrdup(buf);
		n->size = (uint64_t)len;
		node_put(dir, n);
	} else if (S_ISDIR(st->st_mode)) {
		n = node_put(dir, node_new(name, ROFS_S_IFDIR |
		    (st->st_mode & 07777), st));
		add_tree(n, path);
	} else {
		die("%s: not a regular file, directory or symlink", path);
	}
}

/* Add the contents of hostdir to dir. */
static void
add_tree(struct node *dir, const char *hostdir)
{
	struct dirent **list;
	struct stat st;
	char *path;
	int i, n;

	n = scandir(hostdir, &list, NULL, alphasort);
	if (n < 0)
		die("%s: cannot read directory: %s", hostdir, strerror(errno));
	for (i = 0; i < n; i++) {
		if (strcmp(list[i]->d_name, ".") != 0 &&
		    strcmp(list[i]->d_name, "..") != 0) {
			if (asprintf(&path, "%s/%s", hostdir,
			    list[i]->d_name) < 0)
				die("out of memory");
			if (lstat(path, &st) != 0)
				die("%s: %s", path, strerror(errno));
			add_host(dir, list[i]->d_name, path, &st);
			free(path);
		}
		free(list[i]);
	}
	free(list);
}

/* Split a guest path into components (no "." or empty ones; ".."
 * refused).  Returns the count; comp gets pointers into a copy. */
static size_t
guest_split(const char *guest, char ***compp, const char *spec)
{
	char *copy, *c, *save = NULL, **comp;
	size_t k = 0;

	if (guest[0] != '/')
		die("%s: guest path must be absolute", spec);
	if (strlen(guest) > ROFS_PATH_MAX)
		die("%s: guest path longer than %d bytes", spec, ROFS_PATH_MAX);
	copy = xstrdup(guest);
	comp = xmalloc((strlen(guest) / 2 + 2) * sizeof(*comp));
	for (c = strtok_r(copy, "/", &save); c != NULL;
	    c = strtok_r(NULL, "/", &save)) {
		if (strcmp(c, ".") == 0)
			continue;
		if (strcmp(c, "..") == 0)
			die("%s: '..' in the guest path", spec);
		if (strlen(c) > ROFS_NAME_MAX)
			die("%s: guest name longer than %d bytes", spec,
			    ROFS_NAME_MAX);
		comp[k++] = c;
	}
	*compp = comp;
	return k;
}

/* Apply one mapping SRC[:GUEST]. */
static void
add_mapping(const char *spec)
{
	char *src, *guest, *colon, **comp, *copy, *base;
	struct stat st;
	struct node *dir;
	size_t k;

	src = xstrdup(spec);
	colon = strrchr(src, ':');
	if (colon != NULL && colon[1] == '/') {
		*colon = '\0';
		guest = xstrdup(colon + 1);
	} else {
		copy = realpath(src, NULL);
		if (copy == NULL)
			die("%s: %s", src, strerror(errno));
		base = strrchr(copy, '/');
		if (asprintf(&guest, "/%s", base != NULL ? base + 1 : copy) < 0)
			die("out of memory");
		free(copy);
	}
	if (src[0] == '\0')
		die("%s: empty host path", spec);
	if (stat(src, &st) != 0)
		die("%s: %s", src, strerror(errno));
	k = guest_split(guest, &comp, spec);
	if (S_ISDIR(st.st_mode)) {
		dir = guest_dir(comp, k, &st);
		dir->mode = ROFS_S_IFDIR | (st.st_mode & 07777);
		dir->mtime_sec = st.st_mtim.tv_sec;
		dir->mtime_nsec = (uint32_t)st.st_mtim.tv_nsec;
		add_tree(dir, src);
	} else {
		if (k == 0)
			die("%s: a file cannot be the root directory", spec);
		dir = guest_dir(comp, k - 1, &st);
		add_host(dir, comp[k - 1], src, &st);
	}
	if (verbose)
		fprintf(stderr, "%s: %s -> %s\n", prog, src, guest);
	free(comp);
	free(src);
	free(guest);
}

/* A placeholder for a file the runtime writes at boot (ROFS_F_BOOT). */
static void
add_boot_file(const char *guest)
{
	char **comp;
	struct node *dir, *n;
	size_t k;

	k = guest_split(guest, &comp, guest);
	dir = guest_dir(comp, k - 1, NULL);
	n = node_new(comp[k - 1], ROFS_S_IFREG | 0644, NULL);
	n->flags = ROFS_F_BOOT;
	node_put(dir, n);
	free(comp);
}

/* Output: the tree in breadth-first order, siblings sorted. */
static struct node **order;
static size_t norder;
static uint64_t strings_size, data_size;

static int
kid_cmp(const void *a, const void *b)
{
	const struct node *x = *(struct node *const *)a;
	const struct node *y = *(struct node *const *)b;

	return strcmp(x->name, y->name);
}

static uint64_t
align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

/* Bytes of n in the data area: its stream or its contents. */
static uint64_t
stored_size(const struct node *n)
{
	return n->z != NULL ? n->zsize : n->size;
}

/* The host file of n, opened for src_read and src_close. */
static FILE *
src_open(const struct node *n)
{
	FILE *in = fopen(n->src, "rb");

	if (in == NULL)
		die("%s: cannot read: %s", n->src, strerror(errno));
	return in;
}

/* The next k bytes of n's host file: it must not have shrunk since it
 * was stat'd. */
static void
src_read(FILE *in, const struct node *n, void *buf, size_t k)
{
	if (k > 0 && fread(buf, 1, k, in) != k)
		die("%s: %s while reading", n->src, ferror(in) ?
		    strerror(errno) : "file shrank");
}

/* After its size in bytes: it must not have grown either. */
static void
src_close(FILE *in, const struct node *n)
{
	if (fgetc(in) != EOF)
		die("%s: file grew while reading", n->src);
	fclose(in);
}

static uint64_t nzipped, zin, zout;	/* for -v */

/*
 * Deflate the regular file of n (raw, RFC 1951: the runtime's fs/inflate.c
 * has no zlib header to check) and keep the stream when it is at least an
 * eighth and 64 bytes smaller than the file.  Files over ZMAX stay as they
 * are.
 */
static void
try_deflate(struct node *n)
{
	uint8_t *raw, *out, *chk;
	uint64_t room;
	z_stream z;
	FILE *in;
	int r;

	if (n->size <= 64 || n->size > ZMAX)
		return;
	raw = xmalloc(n->size);
	in = src_open(n);
	src_read(in, n, raw, n->size);
	src_close(in, n);
	room = n->size - (n->size / 8 > 64 ? n->size / 8 : 64);
	out = xmalloc(room);
	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, 9, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY) != Z_OK)
		die("zlib: cannot start deflating");
	z.next_in = raw;
	z.avail_in = (uInt)n->size;
	z.next_out = out;
	z.avail_out = (uInt)room;
	r = deflate(&z, Z_FINISH);	/* Z_STREAM_END: it fit in room */
	if (r == Z_STREAM_END) {
		/* The guest's decoder must give the file back: check here,
		 * not at its first open in some VM. */
		chk = xmalloc(n->size);
		if (inflate_raw(chk, n->size, out, z.total_out) != 0 ||
		    memcmp(chk, raw, n->size) != 0)
			die("%s: fs/inflate.c does not decode zlib's stream "
			    "to the file (a bug)", n->src);
		free(chk);
		n->z = out;
		n->zsize = z.total_out;
		n->flags |= ROFS_F_DEFLATE;
		nzipped++;
		zin += n->size;
		zout += n->zsize;
	} else if (r == Z_OK || r == Z_BUF_ERROR) {
		free(out);
	} else {
		die("%s: zlib: deflate failed (%d)", n->src, r);
	}
	deflateEnd(&z);
	free(raw);
}

static void
layout(void)
{
	size_t head, cap = 1024;
	struct node *n;
	size_t i;

	order = xmalloc(cap * sizeof(*order));
	order[norder++] = root;
	strings_size = 1;		/* the root's empty name */
	for (head = 0; head < norder; head++) {
		n = order[head];
		n->index = (uint32_t)head;
		if (n != root)
			strings_size += strlen(n->name) + 1;
		if ((n->mode & ROFS_S_IFMT) != ROFS_S_IFDIR) {
			if (n->src != NULL)
				try_deflate(n);
			/* Streams are only ever decoded: no alignment. */
			if (n->z == NULL)
				data_size = align_up(data_size,
				    ROFS_DATA_ALIGN);
			n->data = data_size;
			data_size += stored_size(n);
			continue;
		}
		qsort(n->kids, n->nkids, sizeof(*n->kids), kid_cmp);
		for (i = 0; i < n->nkids; i++) {
			if (norder == cap) {
				cap *= 2;
				order = realloc(order, cap * sizeof(*order));
				if (order == NULL)
					die("out of memory");
			}
			n->kids[i]->parent = (uint32_t)head;
			order[norder++] = n->kids[i];
		}
		if (norder > ROFS_MAX_ENTRIES)
			die("more than %u files and directories",
			    ROFS_MAX_ENTRIES);
	}
}

static void
xwrite(FILE *f, const void *p, size_t n, const char *what)
{
	if (n != 0 && fwrite(p, 1, n, f) != n)
		die("%s: write: %s", what, strerror(errno));
}

static void
xzero(FILE *f, uint64_t n, const char *what)
{
	static const char z[4096];

	while (n > 0) {
		size_t k = n < sizeof(z) ? (size_t)n : sizeof(z);

		xwrite(f, z, k, what);
		n -= k;
	}
}

/* Copy the host file of n (size checked against what was stat'd). */
static void
copy_file(FILE *out, const struct node *n, const char *what)
{
	char buf[1 << 16];
	uint64_t left = n->size;
	size_t k;
	FILE *in;

	in = src_open(n);
	while (left > 0) {
		k = left < sizeof(buf) ? (size_t)left : sizeof(buf);
		src_read(in, n, buf, k);
		xwrite(out, buf, k, what);
		left -= k;
	}
	src_close(in, n);
}

/* The header of the laid-out table. */
static void
make_header(struct rofs_header *h)
{
	memset(h, 0, sizeof(*h));
	h->magic = ROFS_MAGIC;
	h->version = ROFS_VERSION;
	h->hdr_size = sizeof(*h);
	h->entry_size = sizeof(struct rofs_entry);
	h->nentries = (uint32_t)norder;
	h->entries_off = sizeof(*h);
	h->strings_off = h->entries_off + norder * sizeof(struct rofs_entry);
	h->strings_size = strings_size;
	h->data_off = align_up(h->strings_off + strings_size,
	    ROFS_DATA_ALIGN);
	h->data_size = data_size;
	h->total_size = h->data_off + data_size;
	if (h->total_size > ROFS_MAX_SIZE)
		die("the files add up to %llu bytes, more than the %llu a "
		    "table may hold", (unsigned long long)h->total_size,
		    (unsigned long long)ROFS_MAX_SIZE);
}

/* Write the laid-out table to f. */
static void
write_table(FILE *f, const char *what)
{
	struct rofs_header h;
	struct rofs_entry e;
	uint64_t soff, stroff = 1, pos;
	uint16_t *path_len;
	size_t i, j;
	struct node *n, *k;

	make_header(&h);
	xwrite(f, &h, sizeof(h), what);

	path_len = xmalloc(norder * sizeof(*path_len));
	path_len[0] = 1;
	for (i = 0; i < norder; i++) {
		n = order[i];
		memset(&e, 0, sizeof(e));
		if (i > 0) {
			e.name_off = (uint32_t)stroff;
			e.name_len = (uint16_t)strlen(n->name);
			stroff += e.name_len + 1;
		}
		e.path_len = path_len[i];
		e.mode = n->mode;
		e.flags = n->flags;
		e.mtime_sec = n->mtime_sec;
		e.mtime_nsec = n->mtime_nsec;
		if ((n->mode & ROFS_S_IFMT) == ROFS_S_IFDIR) {
			if (n->nkids > 0)
				e.first_child = n->kids[0]->index;
			e.nchild = (uint32_t)n->nkids;
		} else {
			e.size = n->size;
			e.data = n->data;
			e.zsize = n->zsize;
		}
		for (j = 0; j < n->nkids; j++) {
			k = n->kids[j];
			pos = (uint64_t)path_len[i] + (path_len[i] > 1) +
			    strlen(k->name);
			if (pos > ROFS_PATH_MAX)
				die("guest path of %s longer than %d bytes",
				    k->src ? k->src : k->name, ROFS_PATH_MAX);
			path_len[k->index] = (uint16_t)pos;
		}
		e.parent = n->parent;
		xwrite(f, &e, sizeof(e), what);
	}
	free(path_len);
	/* strings */
	xzero(f, 1, what);
	for (i = 1; i < norder; i++)
		xwrite(f, order[i]->name, strlen(order[i]->name) + 1, what);
	soff = h.strings_off + strings_size;
	xzero(f, h.data_off - soff, what);
	pos = 0;
	for (i = 0; i < norder; i++) {
		n = order[i];
		if ((n->mode & ROFS_S_IFMT) == ROFS_S_IFDIR)
			continue;
		xzero(f, n->data - pos, what);
		pos = n->data;
		if (n->target != NULL)
			xwrite(f, n->target, n->size, what);
		else if (n->z != NULL)
			xwrite(f, n->z, n->zsize, what);
		else if (n->src != NULL)
			copy_file(f, n, what);
		pos += stored_size(n);
	}
}

/* The whole of path in memory. */
static uint8_t *
slurp(const char *path, size_t *lenp)
{
	struct stat st;
	uint8_t *buf;
	FILE *f;

	f = fopen(path, "rb");
	if (f == NULL || fstat(fileno(f), &st) != 0)
		die("%s: %s", path, strerror(errno));
	buf = xmalloc((size_t)st.st_size + 8);
	if (st.st_size > 0 && fread(buf, 1, (size_t)st.st_size, f) !=
	    (size_t)st.st_size)
		die("%s: short read", path);
	fclose(f);
	*lenp = (size_t)st.st_size;
	return buf;
}

/* The ELF64 headers of img, checked enough to be walked safely. */
struct elf {
	uint8_t		*img;
	size_t		len;
	Elf64_Ehdr	*eh;
	Elf64_Phdr	*ph;
	Elf64_Shdr	*sh;
	int		files;		/* index of .vmgo.files, or -1 */
};

static bool
elf_open(struct elf *el, uint8_t *img, size_t len, const char *path)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)img;
	const Elf64_Shdr *ss;
	const char *name;
	int i;

	el->img = img;
	el->len = len;
	el->files = -1;
	if (len < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0)
		return false;
	if (eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_phentsize != sizeof(Elf64_Phdr) ||
	    eh->e_shentsize != sizeof(Elf64_Shdr) ||
	    eh->e_phoff > len || eh->e_phnum * sizeof(Elf64_Phdr) >
	    len - eh->e_phoff || eh->e_shoff > len ||
	    eh->e_shnum * sizeof(Elf64_Shdr) > len - eh->e_shoff ||
	    eh->e_shstrndx >= eh->e_shnum)
		die("%s: not an ELF64 image vmgo-files understands", path);
	el->eh = eh;
	el->ph = (Elf64_Phdr *)(img + eh->e_phoff);
	el->sh = (Elf64_Shdr *)(img + eh->e_shoff);
	ss = &el->sh[eh->e_shstrndx];
	if (ss->sh_offset > len || ss->sh_size > len - ss->sh_offset)
		die("%s: section name table out of bounds", path);
	for (i = 0; i < eh->e_shnum; i++) {
		if (el->sh[i].sh_name >= ss->sh_size)
			continue;
		name = (const char *)img + ss->sh_offset + el->sh[i].sh_name;
		if (strnlen(name, ss->sh_size - el->sh[i].sh_name) <
		    ss->sh_size - el->sh[i].sh_name &&
		    strcmp(name, SECTION) == 0)
			el->files = i;
	}
	return true;
}

static int
shdr_by_offset(const void *a, const void *b)
{
	const Elf64_Shdr *x = *(Elf64_Shdr *const *)a;
	const Elf64_Shdr *y = *(Elf64_Shdr *const *)b;

	return x->sh_offset < y->sh_offset ? -1 : x->sh_offset > y->sh_offset;
}

/*
 * Write image in with its .vmgo.files section replaced by the table (tsize
 * bytes): the file up to where .bss begins, the table, then the sections
 * that are not loaded and the section headers, moved.  The table keeps its
 * run-time address (_end) but its bytes follow .data in the file, so the
 * loaders put it at __bss_start and boot/long.S moves it to _end
 * (boot/vmgo.ld): .bss takes no file bytes.  Fixes the last PT_LOAD
 * (p_filesz to the table's loaded end, p_memsz to its run-time end), the
 * section header and the multiboot a.out-kludge load_end_addr and
 * bss_end_addr (multiboot spec §3.1.3) likewise.  Takes ld's layout (the
 * table at file offset address - LOAD_ADDR, after .bss stored as zeros)
 * or its own; with no page-aligned .bss below the table, the table stays
 * where ld put it.
 */
static void
image_splice(FILE *f, const char *in, const char *what, uint64_t tsize)
{
	struct elf el;
	Elf64_Shdr *fs, **mv, *s;
	Elf64_Phdr *seg = NULL;
	uint64_t off, end, pos, bss = UINT64_MAX, load;
	uint32_t *w, flags;
	size_t len, nmv = 0, i;
	uint8_t *img;

	img = slurp(in, &len);
	if (!elf_open(&el, img, len, in))
		die("%s: not an ELF file", in);
	if (el.files < 0)
		die("%s: no %s section: was it linked by this vmgo's vmgo-link?",
		    in, SECTION);
	fs = &el.sh[el.files];
	off = fs->sh_offset;
	for (i = 0; i < el.eh->e_shnum; i++) {
		s = &el.sh[i];
		if (s->sh_type == SHT_NOBITS && (s->sh_flags & SHF_ALLOC) &&
		    !(s->sh_flags & SHF_TLS) && s->sh_addr < fs->sh_addr &&
		    s->sh_addr < bss)
			bss = s->sh_addr;
	}
	/* Where the loaders put the table: __bss_start, page-aligned. */
	load = bss != UINT64_MAX && bss % 4096 == 0 ? bss : fs->sh_addr;
	if (fs->sh_type != SHT_PROGBITS || !(fs->sh_flags & SHF_ALLOC) ||
	    load < LOAD_ADDR || (off != fs->sh_addr - LOAD_ADDR &&
	    off != load - LOAD_ADDR) || off > len || fs->sh_size > len - off)
		die("%s: %s is not a loaded section at file offset "
		    "address - 0x%x", in, SECTION, LOAD_ADDR);
	end = fs->sh_addr + tsize;
	if (end >= (1ULL << 32))
		die("%s: the image would end above 4 GiB", in);
	for (i = 0; i < el.eh->e_phnum; i++) {
		Elf64_Phdr *p = &el.ph[i];

		if (p->p_type != PT_LOAD)
			continue;
		if (p->p_vaddr > fs->sh_addr)
			die("%s: a segment follows %s", in, SECTION);
		if (fs->sh_addr < p->p_vaddr + p->p_memsz ||
		    (fs->sh_size == 0 && fs->sh_addr == p->p_vaddr + p->p_memsz))
			seg = p;
	}
	if (seg == NULL || seg->p_vaddr > load ||
	    seg->p_offset != seg->p_vaddr - LOAD_ADDR ||
	    seg->p_offset + seg->p_filesz != off + fs->sh_size ||
	    seg->p_vaddr + seg->p_memsz != fs->sh_addr + fs->sh_size)
		die("%s: %s is not the file-backed end of the last segment",
		    in, SECTION);
	for (i = 0; i < el.eh->e_shnum; i++) {
		s = &el.sh[i];
		if ((int)i != el.files && (s->sh_flags & SHF_ALLOC) &&
		    s->sh_size > 0 && s->sh_addr > fs->sh_addr)
			die("%s: a loaded section follows %s", in, SECTION);
	}
	seg->p_filesz = load + tsize - seg->p_vaddr;
	seg->p_memsz = end - seg->p_vaddr;
	for (i = 0; i + 32 <= MB_SEARCH && i + 32 <= len; i += 4) {
		w = (uint32_t *)(img + i);
		if (w[0] != MB_MAGIC)
			continue;
		flags = w[1];
		if ((uint32_t)(w[0] + flags + w[2]) != 0)
			continue;
		if (flags & MB_AOUT_KLUDGE) {
			w[5] = (uint32_t)(load + tsize); /* load_end_addr */
			w[6] = (uint32_t)end;	/* bss_end_addr */
		}
		break;
	}

	off = load - LOAD_ADDR;
	fs->sh_offset = off;
	fs->sh_size = tsize;
	xwrite(f, img, (size_t)off, what);
	write_table(f, what);
	pos = off + tsize;
	mv = xmalloc(el.eh->e_shnum * sizeof(*mv));
	for (i = 0; i < el.eh->e_shnum; i++) {
		s = &el.sh[i];
		if (!(s->sh_flags & SHF_ALLOC) && s->sh_type != SHT_NOBITS &&
		    s->sh_type != SHT_NULL && s->sh_offset >= off) {
			if (s->sh_offset > len || s->sh_size > len - s->sh_offset)
				die("%s: section %zu out of bounds", in, i);
			mv[nmv++] = s;
		}
	}
	qsort(mv, nmv, sizeof(*mv), shdr_by_offset);
	for (i = 0; i < nmv; i++) {
		s = mv[i];
		end = align_up(pos, s->sh_addralign > 1 ? s->sh_addralign : 1);
		xzero(f, end - pos, what);
		xwrite(f, img + s->sh_offset, (size_t)s->sh_size, what);
		s->sh_offset = end;
		pos = end + s->sh_size;
	}
	end = align_up(pos, 8);
	xzero(f, end - pos, what);
	/* the section headers last; e_shoff is in the first bytes */
	xwrite(f, el.sh, el.eh->e_shnum * sizeof(Elf64_Shdr), what);
	el.eh->e_shoff = end;
	if (fseek(f, 0, SEEK_SET) != 0)
		die("%s: seek: %s", what, strerror(errno));
	xwrite(f, el.eh, sizeof(*el.eh), what);
	free(mv);
	free(img);
}

#include "rofs_table.h"

/* -t: check the table in path (an image or a bare table) and list it. */
static int
list_table(const char *path)
{
	struct rofs fs;
	struct elf el;
	const struct rofs_entry *e;
	const uint8_t *t;
	uint64_t tlen;
	char why[128], **paths;
	size_t len;
	uint8_t *img, *copy, *out;
	uint32_t i;

	img = slurp(path, &len);
	t = img;
	tlen = len;
	if (elf_open(&el, img, len, path)) {
		if (el.files < 0)
			die("%s: no %s section", path, SECTION);
		if (el.sh[el.files].sh_offset > len ||
		    el.sh[el.files].sh_size > len - el.sh[el.files].sh_offset)
			die("%s: %s out of bounds", path, SECTION);
		t = img + el.sh[el.files].sh_offset;
		tlen = el.sh[el.files].sh_size;
	}
	copy = xmalloc((size_t)tlen + 8);	/* 8-aligned */
	memcpy(copy, t, (size_t)tlen);
	if (rofs_check(&fs, copy, tlen, why, sizeof(why)) != 0)
		die("%s: bad file table: %s", path, why);
	paths = xmalloc(fs.n * sizeof(*paths));
	paths[0] = xstrdup("/");
	for (i = 0; i < fs.n; i++) {
		e = &fs.ent[i];
		if (i > 0 && asprintf(&paths[i], "%s%s%s",
		    paths[e->parent], e->parent ? "/" : "",
		    rofs_name(&fs, i)) < 0)
			die("out of memory");
		if (e->flags & ROFS_F_DEFLATE) {	/* as the runtime would */
			out = xmalloc(e->size);
			if (inflate_raw(out, e->size, rofs_bytes(&fs, i),
			    e->zsize) != 0)
				die("%s: bad file table: %s: corrupt compressed "
				    "contents", path, paths[i]);
			free(out);
		}
		printf("%06o %10llu %s", e->mode, (unsigned long long)e->size,
		    paths[i]);
		if ((e->mode & ROFS_S_IFMT) == ROFS_S_IFLNK)
			printf(" -> %.*s", (int)e->size,
			    (const char *)rofs_bytes(&fs, i));
		if (e->flags & ROFS_F_BOOT)
			printf(" (written at boot)");
		if (e->flags & ROFS_F_DEFLATE)
			printf(" (deflated to %llu)",
			    (unsigned long long)e->zsize);
		putchar('\n');
	}
	for (i = 0; i < fs.n; i++)
		free(paths[i]);
	free(paths);
	free(copy);
	free(img);
	return 0;
}

static void
usage(void)
{
	fprintf(stderr,
	    "usage: %s [-v] [-d SRC:GUEST]... [-b GUEST]... [-i IMAGE] -o OUT "
	    "[SRC[:GUEST]]...\n"
	    "       %s -t FILE\n"
	    "Packs host files into a vmgo file table; with -i, OUT is IMAGE "
	    "carrying it.\n"
	    "  SRC[:GUEST]  a host directory or file at GUEST (default "
	    "/BASENAME);\n"
	    "               later mappings replace earlier ones\n"
	    "  -d SRC:GUEST a default mapping, applied before all others\n"
	    "  -b GUEST     a default file the runtime writes at boot "
	    "(/etc/hosts)\n"
	    "  -t FILE      check and list the table of an image or table\n"
	    "See docs/files.md.\n", prog, prog);
	exit(2);
}

int
main(int argc, char **argv)
{
	const char *out = NULL, *in = NULL;
	struct rofs_header h;
	char **defs, **boots;
	size_t ndefs = 0, nboots = 0, i;
	FILE *f;
	int c;

	defs = xmalloc((size_t)argc * sizeof(*defs));
	boots = xmalloc((size_t)argc * sizeof(*boots));
	while ((c = getopt(argc, argv, "b:d:i:o:t:v")) != -1) {
		switch (c) {
		case 'b':
			boots[nboots++] = optarg;
			break;
		case 'd':
			defs[ndefs++] = optarg;
			break;
		case 'i':
			in = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 't':
			return list_table(optarg);
		case 'v':
			verbose = 1;
			break;
		default:
			usage();
		}
	}
	if (out == NULL)
		usage();
	root = node_new("", ROFS_S_IFDIR | 0755, NULL);
	for (i = 0; i < nboots; i++)
		add_boot_file(boots[i]);
	for (i = 0; i < ndefs; i++)
		add_mapping(defs[i]);
	for (; optind < argc; optind++)
		add_mapping(argv[optind]);
	layout();
	make_header(&h);

	if (asprintf(&tmp_out, "%s.tmp%ld", out, (long)getpid()) < 0)
		die("out of memory");
	f = fopen(tmp_out, "wb");
	if (f == NULL)
		die("%s: %s", tmp_out, strerror(errno));
	if (in != NULL)
		image_splice(f, in, tmp_out, h.total_size);
	else
		write_table(f, tmp_out);
	if (fflush(f) != 0 || ferror(f) || fclose(f) != 0)
		die("%s: write: %s", tmp_out, strerror(errno));
	if (in != NULL)
		chmod(tmp_out, 0755);
	if (rename(tmp_out, out) != 0)
		die("%s: %s", out, strerror(errno));
	free(tmp_out);
	tmp_out = NULL;
	if (verbose)
		fprintf(stderr, "%s: %s: %zu entries, %llu bytes of table; "
		    "%llu files deflated, %llu bytes to %llu\n", prog, out,
		    norder, (unsigned long long)h.total_size,
		    (unsigned long long)nzipped, (unsigned long long)zin,
		    (unsigned long long)zout);
	node_free(root);
	free(order);
	free(defs);
	free(boots);
	return 0;
}

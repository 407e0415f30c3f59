/* SPDX-License-Identifier: ISC */
/*
 * test_rofs.c: the file table end to end on the host.  The real packer
 * ($O/lib/vmgo/vmgo-files, built by make) packs a temporary directory;
 * the real checker and reader (fs/rofs_table.c, fs/rofs.c) read it back
 * and are compared with the host's lstat, readdir and contents.  Then
 * every truncation and many corruptions of the table must be rejected or
 * walk safely (ASan watches), and the packer must fail cleanly on bad
 * input without leaving output behind.  Compressed files (ROFS_F_DEFLATE):
 * which the packer compresses, that they read as the host's, that one
 * copy is inflated however many threads open them at once, and that a
 * corrupt stream fails the open with EIO.
 */
#include "harness.h"
#include "fs_test.h"

#include <fcntl.h>
#include <pthread.h>
#include <unistd.h>

#include "../../fs/rofs_table.c"
#include "../../fs/inflate.c"
#include "../../fs/rofs.c"
#include "../../fs/etc.c"
#include "../../runtime/kprintf.c"

/* rofs.c's link-time table; the tests install theirs with rofs_check. */
const char __vmgo_files_start[8];

/* fs/etc.c asks the command line for vmgo.hostname: none here. */
const struct cmdline *
cmdline_boot(void)
{
	return NULL;
}

const char *
cmdline_vmgo(const struct cmdline *c, const char *key)
{
	(void)c;
	(void)key;
	return NULL;
}

static char tdir[] = "/tmp/test_rofs.XXXXXX";
static char packer[512], blobpath[600];
static uint8_t *blob;
static size_t bloblen;

static void
put_file(const char *rel, const char *data, size_t len, int mode)
{
	char p[1024];
	FILE *f;

	snprintf(p, sizeof(p), "%s/src/%s", tdir, rel);
	f = fopen(p, "wb");
	if (f == NULL) {
		perror(p);
		exit(1);
	}
	fwrite(data, 1, len, f);
	fclose(f);
	chmod(p, (mode_t)mode);
}

static int
sh(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

/* Read path into a fresh 8-aligned buffer. */
static uint8_t *
slurp_host(const char *path, size_t *len)
{
	uint8_t *b;
	long size;
	FILE *f;

	f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	rewind(f);
	b = aligned_alloc(8, ((size_t)size + 8) & ~(size_t)7);
	if (fread(b, 1, (size_t)size, f) != (size_t)size)
		abort();
	fclose(f);
	*len = (size_t)size;
	return b;
}

/*
 * The host's lstat of path as stat(1) prints it: struct stat in this
 * file is OpenBSD's (the runtime's headers), so the host's lstat cannot
 * be called directly.
 */
struct hstat {
	unsigned int	mode;
	long long	size, sec, nsec;
};

static int
host_lstat(const char *path, struct hstat *hs)
{
	char cmd[1200], sec[64];
	FILE *p;
	int n;

	snprintf(cmd, sizeof(cmd), "stat -c '%%f %%s %%.9Y' '%s'", path);
	p = popen(cmd, "r");
	if (p == NULL)
		return -1;
	n = fscanf(p, "%x %lld %63s", &hs->mode, &hs->size, sec);
	pclose(p);
	if (n != 3)
		return -1;
	hs->sec = atoll(sec);
	hs->nsec = atoll(strchr(sec, '.') != NULL ? strchr(sec, '.') + 1 : "0");
	return 0;
}

TEST(pack_a_tree)
{
	const char *o = getenv("O");
	char big[300000], longname[300], p[1024];
	int i;

	snprintf(packer, sizeof(packer), "%s/lib/vmgo/vmgo-files",
	    o != NULL ? o : "build");
	EXPECT(access(packer, X_OK) == 0);
	EXPECT(mkdtemp(tdir) != NULL);
	sh("mkdir -p %s/src/sub/dir %s/src/many %s/src/emptydir", tdir, tdir,
	    tdir);
	put_file("hello.txt", "hello, world\n", 13, 0644);
	put_file("empty", "", 0, 0600);
	put_file("run.sh", "#!/bin/sh\n", 10, 0750);
	put_file("sub/dir/nested", "n\n", 2, 0444);
	for (i = 0; i < (int)sizeof(big); i++)
		big[i] = (char)(i * 7 + (i >> 9));
	put_file("big.bin", big, sizeof(big), 0644);
	memset(longname, 'x', 255);
	longname[255] = '\0';
	put_file(longname, "L", 1, 0644);
	for (i = 0; i < 300; i++) {
		snprintf(p, sizeof(p), "many/f%03d", i);
		put_file(p, p, strlen(p), 0644);
	}
	/* For compression: text (deflated), noise (stored: it does not
	 * shrink), 64 bytes (stored: too small to save 64). */
	for (i = 0; i < (int)sizeof(big); i++)
		big[i] = "zone time Europe/Amsterdam\n"[(i * 5 + i / 100) % 27];
	put_file("text.txt", big, 100000, 0644);
	srand(7);
	for (i = 0; i < 5000; i++)
		big[i] = (char)rand();
	put_file("noise.bin", big, 5000, 0644);
	memset(big, 'a', 64);
	put_file("short", big, 64, 0644);
	sh("ln -s hello.txt %s/src/link && ln -s ../../hello.txt "
	    "%s/src/sub/dir/up && ln -s /etc/nowhere %s/src/abs", tdir, tdir,
	    tdir);
	snprintf(blobpath, sizeof(blobpath), "%s/table", tdir);
	EXPECT_EQ(sh("%s -b /etc/hosts -o %s %s/src:/srv %s/src/hello.txt:/x/y",
	    packer, blobpath, tdir, tdir), 0);
	blob = slurp_host(blobpath, &bloblen);
	EXPECT(blob != NULL);
}

TEST(table_checks_and_matches_host)
{
	char why[96], host[1024], rel[1024];
	struct hstat hs;
	struct stat st;
	const char *names[] = { "hello.txt", "empty", "run.sh",
	    "sub/dir/nested", "big.bin", "link", "sub/dir/up", "abs",
	    "sub", "sub/dir", "many/f123", "emptydir", "text.txt",
	    "noise.bin", "short", NULL };
	uint32_t i;
	int k;

	EXPECT_EQ(rofs_check(&rofs, blob, bloblen, why, sizeof(why)), 0);
	for (k = 0; names[k] != NULL; k++) {
		snprintf(host, sizeof(host), "%s/src/%s", tdir, names[k]);
		snprintf(rel, sizeof(rel), "srv/%s", names[k]);
		EXPECT_EQ(host_lstat(host, &hs), 0);
		memset(&st, 0, sizeof(st));
		EXPECT_EQ(rofs_lstat(rel, &st), 0);
		EXPECT_EQ(st.st_mode, hs.mode);
		if (!S_ISDIR(hs.mode))
			EXPECT_EQ(st.st_size, hs.size);
		EXPECT_EQ(st.st_mtim.tv_sec, hs.sec);
		EXPECT_EQ(st.st_mtim.tv_nsec, hs.nsec);
		EXPECT(st.st_ino >= ROFS_INO_BASE);
		EXPECT_EQ(st.st_blksize, PAGE_SIZE);
	}
	EXPECT_EQ(rofs_walk(&rofs, "x/y", &i), 0);
	EXPECT_EQ(rofs.ent[i].size, 13);
	EXPECT_EQ(rofs_walk(&rofs, "srv/sub/dir/../../hello.txt", &i), 0);
	EXPECT_EQ(rofs_walk(&rofs, "srv/nope", &i), -ENOENT);
	EXPECT_EQ(rofs_walk(&rofs, "srv/hello.txt/x", &i), -ENOTDIR);
	EXPECT_EQ(rofs_walk(&rofs, "srv/link/x", &i), -ENOTDIR);
	EXPECT_EQ(rofs_walk(&rofs, "", &i), 0);
	EXPECT_EQ(i, 0);
}

/* Open rel in the table as a file with an fd-less reference. */
static struct file *
t_rofs_open(const char *rel, int flags, int *err)
{
	struct file *fp = NULL;

	*err = rofs_open(rel, flags, 0, &fp);
	return *err == 0 ? fp : NULL;
}

TEST(read_and_seek_match_host)
{
	char host[1024], *want, got[70000];
	size_t wlen, off = 0;
	struct file *fp;
	long n;
	int err;

	snprintf(host, sizeof(host), "%s/src/big.bin", tdir);
	want = (char *)slurp_host(host, &wlen);
	fp = t_rofs_open("srv/big.bin", O_RDONLY, &err);
	EXPECT(fp != NULL);
	if (fp == NULL)
		return;
	while ((n = file_read(fp, got, sizeof(got))) > 0) {
		EXPECT(off + (size_t)n <= wlen &&
		    memcmp(got, want + off, (size_t)n) == 0);
		off += (size_t)n;
	}
	EXPECT_EQ(n, 0);
	EXPECT_EQ(off, wlen);
	EXPECT_EQ(file_lseek(fp, -10, SEEK_END), (long long)wlen - 10);
	EXPECT_EQ(file_read(fp, got, 100), 10);
	EXPECT(memcmp(got, want + wlen - 10, 10) == 0);
	EXPECT_EQ(file_pread(fp, got, 5, 1000), 5);
	EXPECT(memcmp(got, want + 1000, 5) == 0);
	EXPECT_EQ(file_pread(fp, got, 5, (int64_t)wlen + 5), 0);
	file_release(fp);
	free(want);
}

TEST(directory_listing_matches_host)
{
	char buf[512], seen[400][16];
	struct dirent *dp;
	struct file *fp;
	int nseen = 0, err, i, dots = 0;
	long n, pos;
	uint32_t idx;

	fp = t_rofs_open("srv/many", O_RDONLY | O_DIRECTORY, &err);
	EXPECT(fp != NULL);
	if (fp == NULL)
		return;
	/* A small buffer: listing resumes where the last call stopped. */
	while ((n = file_getdents(fp, buf, sizeof(buf))) > 0) {
		for (pos = 0; pos < n; pos += dp->d_reclen) {
			dp = (struct dirent *)(buf + pos);
			EXPECT(dp->d_reclen % 8 == 0 && dp->d_fileno != 0);
			EXPECT_EQ(dp->d_namlen, strlen(dp->d_name));
			if (strcmp(dp->d_name, ".") == 0 ||
			    strcmp(dp->d_name, "..") == 0) {
				EXPECT_EQ(dp->d_type, DT_DIR);
				dots++;
				continue;
			}
			EXPECT_EQ(dp->d_type, DT_REG);
			if (nseen < 400)
				snprintf(seen[nseen++], 16, "%s", dp->d_name);
		}
	}
	EXPECT_EQ(n, 0);
	EXPECT_EQ(dots, 2);
	EXPECT_EQ(nseen, 300);
	for (i = 0; i < nseen && i < 300; i++) {
		char want[16];

		snprintf(want, sizeof(want), "f%03d", i);
		EXPECT(strcmp(seen[i], want) == 0);
	}
	EXPECT_EQ(file_read(fp, buf, 10), -EISDIR);
	file_release(fp);
	/* Boot-time placeholder: /etc/hosts from fs/etc.c. */
	etc_init();
	EXPECT_EQ(rofs_walk(&rofs, "etc/hosts", &idx), 0);
	fp = t_rofs_open("etc/hosts", O_RDONLY, &err);
	EXPECT(fp != NULL);
	if (fp != NULL) {
		n = file_read(fp, buf, sizeof(buf) - 1);
		EXPECT(n > 0);
		buf[n > 0 ? n : 0] = '\0';
		EXPECT(strstr(buf, "localhost") != NULL);
		EXPECT(strstr(buf, "\tvmgo\n") != NULL);
		file_release(fp);
	}
}

TEST(open_errors)
{
	int err;

	EXPECT(t_rofs_open("srv/nope", O_RDONLY, &err) == NULL);
	EXPECT_EQ(err, -ENOENT);
	EXPECT(t_rofs_open("srv/nope", O_RDWR | O_CREAT, &err) == NULL);
	EXPECT_EQ(err, -EROFS);
	EXPECT(t_rofs_open("srv/hello.txt", O_WRONLY, &err) == NULL);
	EXPECT_EQ(err, -EROFS);
	EXPECT(t_rofs_open("srv/hello.txt", O_RDONLY | O_TRUNC, &err) == NULL);
	EXPECT_EQ(err, -EROFS);
	EXPECT(t_rofs_open("srv/hello.txt", O_RDONLY | O_CREAT | O_EXCL,
	    &err) == NULL);
	EXPECT_EQ(err, -EEXIST);
	EXPECT(t_rofs_open("srv/sub", O_WRONLY, &err) == NULL);
	EXPECT_EQ(err, -EISDIR);
	EXPECT(t_rofs_open("srv/link", O_RDONLY, &err) == NULL);
	EXPECT_EQ(err, -ELOOP);
	EXPECT(t_rofs_open("srv/hello.txt/x", O_RDONLY, &err) == NULL);
	EXPECT_EQ(err, -ENOTDIR);
}

/* Walk every entry of a table that passed the check, by its path. */
static void
walk_all(const struct rofs *fs)
{
	char path[2048];
	uint32_t i, j, got;
	size_t pos;

	for (i = 0; i < fs->n; i++) {
		pos = fs->ent[i].path_len;
		path[pos] = '\0';
		for (j = i; j != 0; j = fs->ent[j].parent) {
			pos -= fs->ent[j].name_len;
			memcpy(path + pos, rofs_name(fs, j), fs->ent[j].name_len);
			path[--pos] = '/';
		}
		EXPECT(rofs_walk(fs, i == 0 ? "" : path + 1, &got) == 0 &&
		    got == i);
	}
}

TEST(truncated_tables_are_rejected)
{
	struct rofs fs;
	char why[96];
	uint8_t *b;
	size_t len;

	/* Every truncation is too short for its total_size. */
	for (len = 0; len < bloblen; len += len < 8192 ? 1 : 997) {
		b = aligned_alloc(8, (len + 8) & ~(size_t)7);
		memcpy(b, blob, len);
		EXPECT_EQ(rofs_check(&fs, b, len, why, sizeof(why)), -EINVAL);
		free(b);
	}
	EXPECT_EQ(rofs_check(&fs, blob, 79, why, sizeof(why)), -EINVAL);
	EXPECT(strcmp(why, "truncated header") == 0);
}

TEST(corrupted_tables_are_rejected_or_safe)
{
	const struct rofs_header *h = (const void *)blob;
	size_t meta = (size_t)h->data_off, off;
	struct rofs fs;
	char why[96];
	uint8_t *b;
	int bit, bad = 0, good = 0;

	b = aligned_alloc(8, (bloblen + 8) & ~(size_t)7);
	for (off = 0; off < meta; off += off < 4096 ? 1 : 7) {
		for (bit = 0; bit < 8; bit += 3) {
			memcpy(b, blob, bloblen);
			b[off] ^= (uint8_t)(1 << bit);
			if (rofs_check(&fs, b, bloblen, why, sizeof(why)) == 0) {
				walk_all(&fs);
				good++;
			} else {
				EXPECT(why[0] != '\0');
				bad++;
			}
		}
	}
	/* Most flips in the metadata are caught; the rest (mtimes, modes,
	 * sizes within bounds) still give a walkable table. */
	EXPECT(bad > 0 && good > 0);
	memcpy(b, blob, bloblen);
	((struct rofs_header *)b)->magic ^= 1;
	EXPECT_EQ(rofs_check(&fs, b, bloblen, why, sizeof(why)), -EINVAL);
	EXPECT(strcmp(why, "bad magic") == 0);
	free(b);
	EXPECT_EQ(rofs_check(&fs, blob, bloblen, why, sizeof(why)), 0);
	walk_all(&fs);
}

TEST(packer_fails_cleanly)
{
	char out[700];

	snprintf(out, sizeof(out), "%s/bad.out", tdir);
	EXPECT(sh("%s -o %s %s/missing:/m 2>/dev/null", packer, out, tdir) != 0);
	EXPECT(access(out, F_OK) != 0);
	sh("mkfifo %s/src/sub/fifo", tdir);
	EXPECT(sh("%s -o %s %s/src:/s 2>%s/err", packer, out, tdir, tdir) != 0);
	EXPECT(access(out, F_OK) != 0);
	EXPECT_EQ(sh("grep -q 'sub/fifo: not a regular file' %s/err", tdir), 0);
	sh("rm -f %s/src/sub/fifo", tdir);
	EXPECT(sh("%s -o %s %s/src:/a/../b 2>/dev/null", packer, out, tdir) != 0);
	EXPECT(access(out, F_OK) != 0);
	EXPECT(sh("%s -t %s/src/hello.txt >/dev/null 2>&1", packer, tdir) != 0);
	EXPECT_EQ(sh("%s -t %s >/dev/null", packer, blobpath), 0);
}

/* Forget every inflated copy (rofs.c keeps them for the life of the VM;
 * tests that swap tables start afresh). */
static void
zfiles_reset(void)
{
	struct rofs_zfile *z, *next;
	int b;

	for (b = 0; b < ROFS_ZBUCKETS; b++) {
		for (z = rofs_zfiles[b]; z != NULL; z = next) {
			next = z->next;
			kfree(z);
		}
		rofs_zfiles[b] = NULL;
	}
}

/* How many inflated copies of entry i there are. */
static int
zfiles_of(uint32_t i)
{
	const struct rofs_zfile *z;
	int n = 0;

	for (z = rofs_zfiles[i % ROFS_ZBUCKETS]; z != NULL; z = z->next)
		n += z->idx == i;
	return n;
}

/* rel's contents through the reader equal the host file's. */
static void
expect_reads_as_host(const char *rel, const char *hostrel)
{
	char host[1024], *want, *got;
	size_t wlen;
	struct file *fp;
	struct stat st;
	int err;

	snprintf(host, sizeof(host), "%s/src/%s", tdir, hostrel);
	want = (char *)slurp_host(host, &wlen);
	got = malloc(wlen + 1);
	fp = t_rofs_open(rel, O_RDONLY, &err);
	EXPECT(fp != NULL);
	if (fp != NULL) {
		EXPECT_EQ(file_read(fp, got, wlen + 1), wlen);
		EXPECT(memcmp(got, want, wlen) == 0);
		EXPECT_EQ(file_pread(fp, got, 10, (int64_t)wlen - 4), 4);
		EXPECT(memcmp(got, want + wlen - 4, 4) == 0);
		memset(&st, 0, sizeof(st));
		EXPECT_EQ(fp->ops->stat(fp, &st), 0);
		EXPECT_EQ(st.st_size, wlen);
		file_release(fp);
	}
	free(got);
	free(want);
}

TEST(compressed_files)
{
	const struct rofs_entry *e;
	struct stat st;
	uint64_t size;
	uint32_t t, n, s64, big;

	EXPECT_EQ(rofs_walk(&rofs, "srv/text.txt", &t), 0);
	EXPECT_EQ(rofs_walk(&rofs, "srv/noise.bin", &n), 0);
	EXPECT_EQ(rofs_walk(&rofs, "srv/short", &s64), 0);
	EXPECT_EQ(rofs_walk(&rofs, "srv/big.bin", &big), 0);
	/* Text shrinks a lot; noise and 64 bytes are stored. */
	e = &rofs.ent[t];
	EXPECT(e->flags & ROFS_F_DEFLATE);
	EXPECT_EQ(e->size, 100000);
	EXPECT(e->zsize > 0 && e->zsize < 100000 / 8);
	EXPECT_EQ(rofs_stored_size(&rofs, t), e->zsize);
	EXPECT(!(rofs.ent[n].flags & ROFS_F_DEFLATE) && rofs.ent[n].zsize == 0);
	EXPECT_EQ(rofs_stored_size(&rofs, n), 5000);
	EXPECT(!(rofs.ent[s64].flags & ROFS_F_DEFLATE));
	EXPECT(rofs.ent[big].flags & ROFS_F_DEFLATE);
	/* Stat (also in the listing test) did not inflate anything. */
	EXPECT_EQ(zfiles_of(t), 0);
	memset(&st, 0, sizeof(st));
	EXPECT_EQ(rofs_lstat("srv/text.txt", &st), 0);
	EXPECT_EQ(st.st_size, 100000);
	EXPECT_EQ(zfiles_of(t), 0);
	EXPECT(rofs_contents(t, &size) == NULL && size == 100000);
	/* Opening inflates once; reads, pread and fstat see the file. */
	expect_reads_as_host("srv/text.txt", "text.txt");
	EXPECT_EQ(zfiles_of(t), 1);
	expect_reads_as_host("srv/text.txt", "text.txt");
	EXPECT_EQ(zfiles_of(t), 1);
	expect_reads_as_host("srv/noise.bin", "noise.bin");
	expect_reads_as_host("srv/short", "short");
	EXPECT_EQ(zfiles_of(n), 0);
	/* -t shows both sizes. */
	EXPECT_EQ(sh("%s -t %s | grep -q '^100644     100000 /srv/text.txt "
	    "(deflated to %llu)$'", packer, blobpath,
	    (unsigned long long)e->zsize), 0);
}

static void *
open_and_read(void *arg)
{
	(void)arg;
	expect_reads_as_host("srv/big.bin", "big.bin");
	return NULL;
}

TEST(concurrent_first_opens_share_one_copy)
{
	pthread_t th[8];
	uint32_t big;
	long live;
	int k;

	EXPECT_EQ(rofs_walk(&rofs, "srv/big.bin", &big), 0);
	for (int round = 0; round < 20; round++) {
		zfiles_reset();
		live = host_kmalloc_live;
		for (k = 0; k < 8; k++)
			pthread_create(&th[k], NULL, open_and_read, NULL);
		for (k = 0; k < 8; k++)
			pthread_join(th[k], NULL);
		/* One copy published; the losers freed theirs. */
		EXPECT_EQ(zfiles_of(big), 1);
		EXPECT_EQ(host_kmalloc_live, live + 1);
	}
}

TEST(corrupt_compressed_file_fails_open)
{
	struct rofs_entry *e;
	struct rofs fs;
	char why[96];
	uint8_t *b, *stream;
	uint32_t t;
	struct file *fp;
	int err;

	b = aligned_alloc(8, (bloblen + 8) & ~(size_t)7);
	memcpy(b, blob, bloblen);
	EXPECT_EQ(rofs_check(&rofs, b, bloblen, why, sizeof(why)), 0);
	EXPECT_EQ(rofs_walk(&rofs, "srv/text.txt", &t), 0);
	e = (struct rofs_entry *)&rofs.ent[t];
	stream = (uint8_t *)rofs_bytes(&rofs, t);
	/* A truncated stream, then a wrong byte: the table checks (streams
	 * are decoded at open only), the open fails with EIO and says so. */
	zfiles_reset();
	e->zsize--;
	EXPECT_EQ(rofs_check(&fs, b, bloblen, why, sizeof(why)), 0);
	fake_out_len = 0;
	EXPECT(t_rofs_open("srv/text.txt", O_RDONLY, &err) == NULL);
	EXPECT_EQ(err, -EIO);
	fake_out[fake_out_len < sizeof(fake_out) ? fake_out_len :
	    sizeof(fake_out) - 1] = '\0';
	EXPECT(strcmp(fake_out, "vmgo: file table: /srv/text.txt: "
	    "compressed contents are corrupt\n") == 0);
	e->zsize++;
	stream[0] |= 6;			/* block type 11: reserved */
	fp = t_rofs_open("srv/text.txt", O_RDONLY, &err);
	EXPECT(fp == NULL);
	EXPECT_EQ(err, -EIO);
	EXPECT_EQ(zfiles_of(t), 0);
	if (fp != NULL)
		file_release(fp);
	memcpy(stream, blob + (stream - b), 1);
	fp = t_rofs_open("srv/text.txt", O_RDONLY, &err);
	EXPECT(fp != NULL);
	if (fp != NULL)
		file_release(fp);
	/* The checker's bounds: a stream past the data, a size deflate
	 * cannot reach, the flag on a directory, zsize without the flag. */
	e->zsize = rofs.data_size + 1;
	EXPECT_EQ(rofs_check(&fs, b, bloblen, why, sizeof(why)), -EINVAL);
	e->zsize = 100;
	e->size = 100 * ROFS_DEFLATE_RATIO + 1;
	EXPECT_EQ(rofs_check(&fs, b, bloblen, why, sizeof(why)), -EINVAL);
	EXPECT(strstr(why, "bad compressed file") != NULL);
	e->size = 100 * ROFS_DEFLATE_RATIO;
	EXPECT_EQ(rofs_check(&fs, b, bloblen, why, sizeof(why)), 0);
	e->flags &= ~ROFS_F_DEFLATE;
	EXPECT_EQ(rofs_check(&fs, b, bloblen, why, sizeof(why)), -EINVAL);
	EXPECT(strstr(why, "reserved field set") != NULL);
	memcpy(b, blob, bloblen);
	((struct rofs_entry *)rofs.ent)[1].flags |= ROFS_F_DEFLATE;
	((struct rofs_entry *)rofs.ent)[1].zsize = 1;
	EXPECT_EQ(rofs_check(&fs, b, bloblen, why, sizeof(why)), -EINVAL);
	zfiles_reset();
	EXPECT_EQ(rofs_check(&rofs, blob, bloblen, why, sizeof(why)), 0);
	free(b);
}

TEST(cleanup)
{
	free(blob);
	EXPECT_EQ(sh("rm -rf %s", tdir), 0);
}

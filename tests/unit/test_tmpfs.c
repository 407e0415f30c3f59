/* SPDX-License-Identifier: ISC */
/*
 * test_tmpfs.c: host tests of fs/tmpfs.c through the VFS (fs/path.c):
 * files, directories, symlinks, FIFOs (pipe.c's fifo_open), rename
 * rules, getdents cookies, unlinked open files, ENOSPC under a small limit, and the read-only answers of
 * the rest of the name space.  The last case checks that nothing leaked.
 */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>

#include "harness.h"
#include "fs_test.h"
#include "../../fs/tmpfs.c"

static long kmalloc_base;

static void
t_cat(char *d, const char *s, size_t size)
{
	size_t len = strlen(d);

	if (len < size)
		strlcpy(d + len, s, size - len);
}

static int
t_creat(const char *path, int flags)
{
	return t_open(path, O_CREAT | flags);
}

static struct file *
t_fp(int fd)
{
	struct file *fp = fd_get(fd);

	file_release(fp);	/* the fd keeps it */
	return fp;
}

static int
t_stat(const char *path, struct stat *st)
{
	return vfs_stat(AT_FDCWD, path, st, 0);
}

static int
t_lstat(const char *path, struct stat *st)
{
	return vfs_stat(AT_FDCWD, path, st, AT_SYMLINK_NOFOLLOW);
}

/* Write s to a new file at path. */
static void
t_put(const char *path, const char *s)
{
	int fd = t_creat(path, O_WRONLY | O_TRUNC);

	EXPECT(fd >= 0);
	EXPECT_EQ(t_write(fd, s, strlen(s)), (long)strlen(s));
	fd_close(fd);
}

/* Does path hold exactly s? */
static bool
t_has(const char *path, const char *s)
{
	char buf[256];
	long r;
	int fd = t_open(path, O_RDONLY);

	if (fd < 0)
		return false;
	r = t_read(fd, buf, sizeof(buf));
	fd_close(fd);
	return r == (long)strlen(s) && memcmp(buf, s, (size_t)r) == 0;
}

/* Names listed by getdents on dir (bufsize bytes a call), joined by ' '
 * into out, "." and ".." left out. */
static int
t_list(const char *dir, size_t bufsize, char *out, size_t outsize)
{
	char buf[4096];
	struct dirent *dp;
	long r, off;
	int fd, n = 0;

	out[0] = '\0';
	fd = t_open(dir, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return fd;
	while ((r = file_getdents(t_fp(fd), buf, bufsize)) > 0) {
		for (off = 0; off < r; off += dp->d_reclen) {
			dp = (struct dirent *)(buf + off);
			if (strcmp(dp->d_name, ".") == 0 ||
			    strcmp(dp->d_name, "..") == 0)
				continue;
			if (out[0] != '\0')
				t_cat(out, " ", outsize);
			t_cat(out, dp->d_name, outsize);
			n++;
		}
	}
	fd_close(fd);
	return r < 0 ? (int)r : n;
}

TEST(leak_baseline)
{
	fd_init();
	EXPECT_EQ(vfs_mount("/tmp", &tmpfs_ops), 0);
	tmpfs_set_limit(64 << 20);
	kmalloc_base = host_kmalloc_live;
}

TEST(tmp_is_a_sticky_world_writable_directory)
{
	struct stat st;
	char names[256];

	EXPECT_EQ(t_stat("/tmp", &st), 0);
	EXPECT_EQ(st.st_mode, S_IFDIR | 01777);
	EXPECT_EQ(st.st_dev, VFS_DEV_TMPFS);
	EXPECT(t_list("/", 4096, names, sizeof(names)) >= 2);
	EXPECT(strstr(names, "tmp") != NULL);
	EXPECT(strstr(names, "dev") != NULL);
}

TEST(create_write_read_seek)
{
	char buf[64];
	struct stat st;
	int fd;

	fd = t_creat("/tmp/a", O_RDWR | O_EXCL);
	EXPECT(fd >= 0);
	EXPECT_EQ(t_write(fd, "hello, world", 12), 12);
	EXPECT_EQ(file_lseek(t_fp(fd), 0, SEEK_SET), 0);
	EXPECT_EQ(t_read(fd, buf, sizeof(buf)), 12);
	EXPECT(memcmp(buf, "hello, world", 12) == 0);
	EXPECT_EQ(t_read(fd, buf, sizeof(buf)), 0);
	EXPECT_EQ(file_pread(t_fp(fd), buf, 5, 7), 5);
	EXPECT(memcmp(buf, "world", 5) == 0);
	EXPECT_EQ(t_fstat(fd, &st), 0);
	EXPECT(S_ISREG(st.st_mode));
	EXPECT_EQ(st.st_mode & 07777, 0644);
	EXPECT_EQ(st.st_size, 12);
	EXPECT_EQ(st.st_nlink, 1);
	EXPECT_EQ(st.st_blocks, 8);
	EXPECT(st.st_mtim.tv_sec > 1600000000);
	fd_close(fd);
	EXPECT_EQ(t_creat("/tmp/a", O_RDWR | O_EXCL), -EEXIST);
	/* O_TRUNC empties it; O_APPEND writes at the end. */
	fd = t_open("/tmp/a", O_WRONLY | O_TRUNC | O_APPEND);
	EXPECT_EQ(t_fstat(fd, &st), 0);
	EXPECT_EQ(st.st_size, 0);
	EXPECT_EQ(t_write(fd, "ab", 2), 2);
	EXPECT_EQ(file_lseek(t_fp(fd), 0, SEEK_SET), 0);
	EXPECT_EQ(t_write(fd, "cd", 2), 2);
	fd_close(fd);
	EXPECT(t_has("/tmp/a", "abcd"));
	EXPECT_EQ(vfs_unlink(AT_FDCWD, "/tmp/a", 0), 0);
	EXPECT_EQ(t_stat("/tmp/a", &st), -ENOENT);
}

TEST(sparse_writes_and_truncate)
{
	static char buf[3 * 4096];
	struct stat st;
	size_t i;
	int fd;

	fd = t_creat("/tmp/sparse", O_RDWR);
	EXPECT_EQ(file_pwrite(t_fp(fd), "x", 1, 10000), 1);
	EXPECT_EQ(t_fstat(fd, &st), 0);
	EXPECT_EQ(st.st_size, 10001);
	EXPECT_EQ(st.st_blocks, 8);		/* one page holds it */
	memset(buf, 0x55, sizeof(buf));
	EXPECT_EQ(file_pread(t_fp(fd), buf, sizeof(buf), 0), 10001);
	for (i = 0; i < 10000; i++)
		if (buf[i] != 0)
			break;
	EXPECT_EQ(i, 10000);
	EXPECT_EQ(buf[10000], 'x');
	/* Shrink into the page, grow again: the tail reads as zeros. */
	EXPECT_EQ(t_fp(fd)->ops->truncate(t_fp(fd), 9000), 0);
	EXPECT_EQ(vfs_truncate("/tmp/sparse", 20000), 0);
	EXPECT_EQ(file_pread(t_fp(fd), buf, 1, 10000), 1);
	EXPECT_EQ(buf[0], 0);
	EXPECT_EQ(t_fstat(fd, &st), 0);
	EXPECT_EQ(st.st_size, 20000);
	EXPECT_EQ(vfs_truncate("/tmp/sparse", -1), -EINVAL);
	EXPECT_EQ(vfs_truncate("/tmp", 0), -EISDIR);
	EXPECT_EQ(vfs_truncate("/tmp/sparse", 0), 0);
	EXPECT_EQ(t_fstat(fd, &st), 0);
	EXPECT_EQ(st.st_blocks, 0);
	/* lseek past the end, then a write there. */
	EXPECT_EQ(file_lseek(t_fp(fd), 100, SEEK_END), 100);
	EXPECT_EQ(t_write(fd, "y", 1), 1);
	EXPECT_EQ(t_fstat(fd, &st), 0);
	EXPECT_EQ(st.st_size, 101);
	fd_close(fd);
	EXPECT_EQ(vfs_unlink(AT_FDCWD, "/tmp/sparse", 0), 0);
}

TEST(directories)
{
	struct stat st;
	char names[256];

	EXPECT_EQ(vfs_mkdir(AT_FDCWD, "/tmp/d", 0755), 0);
	EXPECT_EQ(vfs_mkdir(AT_FDCWD, "/tmp/d", 0755), -EEXIST);
	EXPECT_EQ(vfs_mkdir(AT_FDCWD, "/tmp/d/e/f", 0755), -ENOENT);
	EXPECT_EQ(vfs_mkdir(AT_FDCWD, "/tmp/d/e", 0700), 0);
	EXPECT_EQ(t_stat("/tmp/d", &st), 0);
	EXPECT_EQ(st.st_nlink, 3);
	t_put("/tmp/d/f", "file");
	EXPECT_EQ(t_stat("/tmp/d/f/x", &st), -ENOTDIR);
	EXPECT_EQ(t_creat("/tmp/d/f/x", O_RDWR), -ENOTDIR);
	EXPECT_EQ(t_open("/tmp/d/f/", O_RDONLY), -ENOTDIR);
	EXPECT_EQ(t_open("/tmp/d/f", O_RDONLY | O_DIRECTORY), -ENOTDIR);
	EXPECT_EQ(t_open("/tmp/d", O_RDWR), -EISDIR);
	EXPECT_EQ(t_open("/tmp/d", O_WRONLY | O_CREAT), -EISDIR);
	EXPECT_EQ(vfs_unlink(AT_FDCWD, "/tmp/d", 0), -EPERM);
	EXPECT_EQ(vfs_unlink(AT_FDCWD, "/tmp/d", AT_REMOVEDIR), -ENOTEMPTY);
	EXPECT_EQ(vfs_unlink(AT_FDCWD, "/tmp/d/f", AT_REMOVEDIR), -ENOTDIR);
	EXPECT_EQ(vfs_unlink(AT_FDCWD, "/tmp/d/e/.", AT_REMOVEDIR), -EINVAL);
	EXPECT_EQ(vfs_unlink(AT_FDCWD, "/tmp", AT_REMOVEDIR), -EBUSY);
	EXPECT_EQ(t_list("/tmp/d", 4096, names, sizeof(names)), 2);
	EXPECT_EQ(strcmp(names, "e f"), 0);
	/* Relative paths and .. */
	EXPECT_EQ(vfs_chdir("/tmp/d/e"), 0);
	t_put("../g", "g");
	EXPECT(t_has("/tmp/d/g", "g"));
	EXPECT_EQ(vfs_chdir("/"), 0);
	EXPECT_EQ(vfs_unlink(AT_FDCWD, "/tmp/d/g", 0), 0);
	EXPECT_EQ(vfs_unlink(AT_FDCWD, "/tmp/d/f", 0), 0);
	EXPECT_EQ(vfs_unlink(AT_FDCWD, "/tmp/d/e", AT_REMOVEDIR), 0);
	EXPECT_EQ(t_stat("/tmp/d", &st), 0);
	EXPECT_EQ(st.st_nlink, 2);
	EXPECT_EQ(vfs_unlink(AT_FDCWD, "/tmp/d", AT_REMOVEDIR), 0);
}

TEST(rename_rules)
{
	struct stat st, st2;

	EXPECT_EQ(vfs_mkdir(AT_FDCWD, "/tmp/r", 0755), 0);
	EXPECT_EQ(vfs_mkdir(AT_FDCWD, "/tmp/r/d1", 0755), 0);
	EXPECT_EQ(vfs_mkdir(AT_FDCWD, "/tmp/r/d2", 0755), 0);
	EXPECT_EQ(vfs_mkdir(AT_FDCWD, "/tmp/r/d1/sub", 0755), 0);
	t_put("/tmp/r/f1", "one");
	t_put("/tmp/r/f2", "two");
	t_put("/tmp/r/d2/x", "x");
	EXPECT_EQ(vfs_rename(AT_FDCWD, "/tmp/r/nope", AT_FDCWD, "/tmp/r/z"),
	    -ENOENT);
	/* A file replaces a file. */
	EXPECT_EQ(t_stat("/tmp/r/f1", &st), 0);
	EXPECT_EQ(vfs_rename(AT_FDCWD, "/tmp/r/f1", AT_FDCWD, "/tmp/r/f2"), 0);
	EXPECT(t_has("/tmp/r/f2", "one"));
	EXPECT_EQ(t_stat("/tmp/r/f2", &st2), 0);
	EXPECT_EQ(st.st_ino, st2.st_ino);
	EXPECT_EQ(t_stat("/tmp/r/f1", &st), -ENOENT);
	/* file onto dir, dir onto file, non-empty, own subtree */
	EXPECT_EQ(vfs_rename(AT_FDCWD, "/tmp/r/f2", AT_FDCWD, "/tmp/r/d1"),
	    -EISDIR);
	EXPECT_EQ(vfs_rename(AT_FDCWD, "/tmp/r/d1", AT_FDCWD, "/tmp/r/f2"),
	    -ENOTDIR);
	EXPECT_EQ(vfs_rename(AT_FDCWD, "/tmp/r/d1", AT_FDCWD, "/tmp/r/d2"),
	    -ENOTEMPTY);
	EXPECT_EQ(vfs_rename(AT_FDCWD, "/tmp/r/d1", AT_FDCWD,
	    "/tmp/r/d1/sub/in"), -EINVAL);
	EXPECT_EQ(vfs_rename(AT_FDCWD, "/tmp/r/f2", AT_FDCWD, "/tmp/r/f2"), 0);
	/* A directory moves with its contents; onto an empty directory. */
	EXPECT_EQ(vfs_unlink(AT_FDCWD, "/tmp/r/d2/x", 0), 0);
	EXPECT_EQ(vfs_rename(AT_FDCWD, "/tmp/r/d1", AT_FDCWD, "/tmp/r/d2"), 0);
	EXPECT_EQ(t_stat("/tmp/r/d2/sub", &st), 0);
	EXPECT_EQ(t_stat("/tmp/r", &st), 0);
	EXPECT_EQ(st.st_nlink, 3);
	EXPECT_EQ(vfs_rename(AT_FDCWD, "/tmp/r/d2/sub", AT_FDCWD, "/tmp/r/s"),
	    0);
	EXPECT_EQ(t_stat("/tmp/r", &st), 0);
	EXPECT_EQ(st.st_nlink, 4);
	EXPECT_EQ(t_stat("/tmp/r/d2", &st), 0);
	EXPECT_EQ(st.st_nlink, 2);
	/* Across file systems, and out of the read-only rest. */
	EXPECT_EQ(vfs_rename(AT_FDCWD, "/tmp/r/f2", AT_FDCWD, "/f2"), -EXDEV);
	EXPECT_EQ(vfs_rename(AT_FDCWD, "/dev/null", AT_FDCWD, "/dev/n"),
	    -EROFS);
	EXPECT_EQ(vfs_rename(AT_FDCWD, "/tmp", AT_FDCWD, "/tmp2"), -EXDEV);
	EXPECT_EQ(vfs_unlink(AT_FDCWD, "/tmp/r/s", AT_REMOVEDIR), 0);
	EXPECT_EQ(vfs_unlink(AT_FDCWD, "/tmp/r/d2", AT_REMOVEDIR), 0);
	EXPECT_EQ(vfs_unlink(AT_FDCWD, "/tmp/r/f2", 0), 0);
	EXPECT_EQ(vfs_unlink(AT_FDCWD, "/tmp/r", AT_REMOVEDIR), 0);
}

TEST(read_only_outside_tmp)
{
	struct vfs_attr va = { .mask = VFS_ATTR_MODE, .mode = 0600 };

	EXPECT_EQ(t_creat("/newfile", O_WRONLY), -EROFS);
	EXPECT_EQ(t_open("/nofile", O_RDONLY), -ENOENT);
	EXPECT_EQ(vfs_mkdir(AT_FDCWD, "/newdir", 0755), -EROFS);
	EXPECT_EQ(vfs_mkdir(AT_FDCWD, "/dev", 0755), -EEXIST);
	EXPECT_EQ(vfs_mkdir(AT_FDCWD, "/tmp", 0755), -EEXIST);
	EXPECT_EQ(vfs_unlink(AT_FDCWD, "/dev/null", 0), -EROFS);
	EXPECT_EQ(vfs_unlink(AT_FDCWD, "/nofile", 0), -ENOENT);
	EXPECT_EQ(vfs_symlink("x", AT_FDCWD, "/link"), -EROFS);
	EXPECT_EQ(vfs_setattr(AT_FDCWD, "/dev/null", &va, 0), -EROFS);
	EXPECT_EQ(vfs_truncate("/dev/null", 0), -EROFS);
	EXPECT_EQ(vfs_link(AT_FDCWD, "/dev/null", AT_FDCWD, "/tmp/null", 0),
	    -EXDEV);
}

TEST(symlinks)
{
	char buf[64];
	struct stat st;
	int fd;

	EXPECT_EQ(vfs_mkdir(AT_FDCWD, "/tmp/s", 0755), 0);
	t_put("/tmp/s/target", "T");
	EXPECT_EQ(vfs_symlink("target", AT_FDCWD, "/tmp/s/rel"), 0);
	EXPECT_EQ(vfs_symlink("/tmp/s", AT_FDCWD, "/tmp/s/abs"), 0);
	EXPECT_EQ(vfs_symlink("loop2", AT_FDCWD, "/tmp/s/loop1"), 0);
	EXPECT_EQ(vfs_symlink("loop1", AT_FDCWD, "/tmp/s/loop2"), 0);
	EXPECT_EQ(vfs_symlink("missing", AT_FDCWD, "/tmp/s/dangling"), 0);
	EXPECT_EQ(vfs_symlink("x", AT_FDCWD, "/tmp/s/rel"), -EEXIST);
	EXPECT(t_has("/tmp/s/rel", "T"));
	EXPECT(t_has("/tmp/s/abs/abs/abs/target", "T"));
	EXPECT(t_has("/tmp/s/abs/../s/target", "T"));
	EXPECT_EQ(t_lstat("/tmp/s/rel", &st), 0);
	EXPECT(S_ISLNK(st.st_mode));
	EXPECT_EQ(st.st_size, 6);
	EXPECT_EQ(t_stat("/tmp/s/rel", &st), 0);
	EXPECT(S_ISREG(st.st_mode));
	EXPECT_EQ(vfs_readlink(AT_FDCWD, "/tmp/s/rel", buf, sizeof(buf)), 6);
	EXPECT(memcmp(buf, "target", 6) == 0);
	EXPECT_EQ(vfs_readlink(AT_FDCWD, "/tmp/s/rel", buf, 3), 3);
	EXPECT_EQ(vfs_readlink(AT_FDCWD, "/tmp/s/target", buf, 64), -EINVAL);
	EXPECT_EQ(vfs_readlink(AT_FDCWD, "/dev/null", buf, 64), -EINVAL);
	EXPECT_EQ(t_open("/tmp/s/rel", O_RDONLY | O_NOFOLLOW), -ELOOP);
	EXPECT_EQ(t_open("/tmp/s/loop1", O_RDONLY), -ELOOP);
	EXPECT_EQ(t_stat("/tmp/s/loop1/x", &st), -ELOOP);
	EXPECT_EQ(t_stat("/tmp/s/dangling", &st), -ENOENT);
	/* O_CREAT through a dangling link creates its target. */
	fd = t_creat("/tmp/s/dangling", O_WRONLY);
	EXPECT(fd >= 0);
	fd_close(fd);
	EXPECT_EQ(t_stat("/tmp/s/missing", &st), 0);
	/* unlink removes the link, not the target. */
	EXPECT_EQ(vfs_unlink(AT_FDCWD, "/tmp/s/rel", 0), 0);
	EXPECT_EQ(t_stat("/tmp/s/target", &st), 0);
	/* a hard link */
	EXPECT_EQ(vfs_link(AT_FDCWD, "/tmp/s/target", AT_FDCWD, "/tmp/s/hard",
	    0), 0);
	EXPECT_EQ(t_stat("/tmp/s/hard", &st), 0);
	EXPECT_EQ(st.st_nlink, 2);
	EXPECT_EQ(vfs_link(AT_FDCWD, "/tmp/s", AT_FDCWD, "/tmp/s2", 0), -EPERM);
	EXPECT_EQ(vfs_unlink(AT_FDCWD, "/tmp/s/hard", 0), 0);
	EXPECT_EQ(vfs_unlink(AT_FDCWD, "/tmp/s/target", 0), 0);
	EXPECT_EQ(vfs_unlink(AT_FDCWD, "/tmp/s/missing", 0), 0);
	EXPECT_EQ(vfs_unlink(AT_FDCWD, "/tmp/s/dangling", 0), 0);
	EXPECT_EQ(vfs_unlink(AT_FDCWD, "/tmp/s/loop1", 0), 0);
	EXPECT_EQ(vfs_unlink(AT_FDCWD, "/tmp/s/loop2", 0), 0);
	EXPECT_EQ(vfs_unlink(AT_FDCWD, "/tmp/s/abs", 0), 0);
	EXPECT_EQ(vfs_unlink(AT_FDCWD, "/tmp/s", AT_REMOVEDIR), 0);
}

TEST(unlinked_open_file_keeps_working)
{
	char buf[8];
	struct stat st;
	int fd;

	t_put("/tmp/gone", "data");
	fd = t_open("/tmp/gone", O_RDWR);
	EXPECT_EQ(vfs_unlink(AT_FDCWD, "/tmp/gone", 0), 0);
	EXPECT_EQ(t_fstat(fd, &st), 0);
	EXPECT_EQ(st.st_nlink, 0);
	EXPECT_EQ(file_pwrite(t_fp(fd), "DA", 2, 0), 2);
	EXPECT_EQ(file_pread(t_fp(fd), buf, 8, 0), 4);
	EXPECT(memcmp(buf, "DAta", 4) == 0);
	fd_close(fd);
}

TEST(removed_directory_open)
{
	char buf[256];
	long r;
	int fd;

	EXPECT_EQ(vfs_mkdir(AT_FDCWD, "/tmp/p", 0755), 0);
	EXPECT_EQ(vfs_mkdir(AT_FDCWD, "/tmp/p/c", 0755), 0);
	fd = t_open("/tmp/p/c", O_RDONLY);
	EXPECT_EQ(vfs_unlink(AT_FDCWD, "/tmp/p/c", AT_REMOVEDIR), 0);
	EXPECT_EQ(vfs_unlink(AT_FDCWD, "/tmp/p", AT_REMOVEDIR), 0);
	/* Only "." and "..", from the orphan, without its freed parent. */
	r = file_getdents(t_fp(fd), buf, sizeof(buf));
	EXPECT_EQ(r, 2 * (long)DIRENT_RECSIZE(2));
	EXPECT_EQ(file_getdents(t_fp(fd), buf, sizeof(buf)), 0);
	fd_close(fd);
}

TEST(getdents_cookie_survives_changes)
{
	char name[32], names[8192];
	char buf[4096];
	struct dirent *dp;
	int fd, i, seen[100], n;
	long r, off;

	EXPECT_EQ(vfs_mkdir(AT_FDCWD, "/tmp/g", 0755), 0);
	for (i = 0; i < 100; i++) {
		snprintf(name, sizeof(name), "/tmp/g/%d", i);
		t_put(name, "");
	}
	memset(seen, 0, sizeof(seen));
	fd = t_open("/tmp/g", O_RDONLY);
	n = 0;
	/* Small reads; between them remove odd files and add new ones. */
	while ((r = file_getdents(t_fp(fd), buf, 100)) > 0) {
		for (off = 0; off < r; off += dp->d_reclen) {
			dp = (struct dirent *)(buf + off);
			if (dp->d_name[0] == '.' || dp->d_name[0] == 'n')
				continue;
			i = atoi(dp->d_name);
			seen[i]++;
		}
		snprintf(name, sizeof(name), "/tmp/g/%d", 2 * n + 1);
		if (2 * n + 1 < 100)
			vfs_unlink(AT_FDCWD, name, 0);
		snprintf(name, sizeof(name), "/tmp/g/new%d", n);
		if (n < 20)
			t_put(name, "");
		n++;
	}
	EXPECT_EQ(r, 0);
	fd_close(fd);
	/* Every even (surviving) file exactly once. */
	for (i = 0; i < 100; i += 2)
		EXPECT_EQ(seen[i], 1);
	for (i = 1; i < 100; i += 2)
		EXPECT(seen[i] <= 1);
	EXPECT(t_list("/tmp/g", 4096, names, sizeof(names)) > 50);
	/* Clean up through the listing. */
	fd = t_open("/tmp/g", O_RDONLY);
	while ((r = file_getdents(t_fp(fd), buf, sizeof(buf))) > 0) {
		for (off = 0; off < r; off += dp->d_reclen) {
			dp = (struct dirent *)(buf + off);
			if (dp->d_name[0] == '.')
				continue;
			snprintf(name, sizeof(name), "/tmp/g/%s", dp->d_name);
			EXPECT_EQ(vfs_unlink(AT_FDCWD, name, 0), 0);
		}
	}
	fd_close(fd);
	EXPECT_EQ(vfs_unlink(AT_FDCWD, "/tmp/g", AT_REMOVEDIR), 0);
}

TEST(enospc_under_a_small_limit)
{
	static char block[65536];
	long r, total = 0;
	int fd, i;
	char name[32];

	tmpfs_set_limit(tmpfs_usage() + 256 * 1024);
	fd = t_creat("/tmp/big", O_WRONLY);
	EXPECT(fd >= 0);
	while ((r = t_write(fd, block, sizeof(block))) > 0)
		total += r;
	EXPECT_EQ(r, -ENOSPC);
	EXPECT(total > 128 * 1024 && total <= 256 * 1024);
	/* Metadata too: many empty files fail with ENOSPC, not a crash. */
	for (i = 0; i < 100000; i++) {
		snprintf(name, sizeof(name), "/tmp/e%d", i);
		r = t_creat(name, O_WRONLY);
		if (r < 0)
			break;
		fd_close((int)r);
	}
	EXPECT_EQ(r, -ENOSPC);
	EXPECT_EQ(vfs_mkdir(AT_FDCWD, "/tmp/dd", 0755), -ENOSPC);
	while (--i >= 0) {
		snprintf(name, sizeof(name), "/tmp/e%d", i);
		EXPECT_EQ(vfs_unlink(AT_FDCWD, name, 0), 0);
	}
	/* Freed space is usable again. */
	EXPECT_EQ(vfs_truncate("/tmp/big", 0), 0);
	EXPECT_EQ(t_write(fd, block, sizeof(block)), (long)sizeof(block));
	fd_close(fd);
	EXPECT_EQ(vfs_unlink(AT_FDCWD, "/tmp/big", 0), 0);
	tmpfs_set_limit(64 << 20);
}

TEST(attributes)
{
	struct vfs_attr va = {
		.mask = VFS_ATTR_MODE | VFS_ATTR_MTIME | VFS_ATTR_OWNER,
		.mode = 04711, .mtime = 1234567890123456789LL,
		.uid = 5, .gid = (uint32_t)-1,
	};
	struct stat st;

	t_put("/tmp/attr", "");
	EXPECT_EQ(vfs_setattr(AT_FDCWD, "/tmp/attr", &va, 0), 0);
	EXPECT_EQ(t_stat("/tmp/attr", &st), 0);
	EXPECT_EQ(st.st_mode, S_IFREG | 04711);
	EXPECT_EQ(st.st_mtim.tv_sec, 1234567890);
	EXPECT_EQ(st.st_mtim.tv_nsec, 123456789);
	EXPECT_EQ(st.st_uid, 5);
	EXPECT_EQ(st.st_gid, 0);
	EXPECT_EQ(vfs_setattr(AT_FDCWD, "/tmp/nope", &va, 0), -ENOENT);
	EXPECT_EQ(vfs_unlink(AT_FDCWD, "/tmp/attr", 0), 0);
}

/* The directory name below the directory open at fd, opened at a new
 * fd; fd is closed. */
static int
t_down(int fd, const char *name)
{
	struct file *fp;

	EXPECT_EQ(vfs_open(fd, name, O_RDONLY | O_DIRECTORY, 0, &fp), 0);
	fd_close(fd);
	return fd_install(fp, 0, false);
}

/* Remove /tmp/deep/name/name/... (depth levels) innermost first, each
 * through its parent's fd, as Go's RemoveAll (openat, unlinkat). */
static void
t_rmdeep(const char *name, int depth)
{
	int d, i, fd;

	for (d = depth; d >= 1; d--) {
		fd = t_open("/tmp/deep", O_RDONLY | O_DIRECTORY);
		for (i = 0; i < d - 1; i++)
			fd = t_down(fd, name);
		EXPECT_EQ(vfs_unlink(fd, name, AT_REMOVEDIR), 0);
		fd_close(fd);
	}
}

/*
 * os's TestRemoveAllLongPath: 41 levels of 100-byte names by relative
 * mkdir and chdir (over 4 KiB absolute), left by an absolute chdir and
 * removed through directory fds.  Past VFS_ABS_MAX it is ENAMETOOLONG.
 */
TEST(deep_tree_by_relative_paths)
{
	char name[101], cwd[VFS_ABS_MAX], buf[8];
	int i, fd, depth = 0, r = 0;

	memset(name, 'a', 100);
	name[100] = '\0';
	EXPECT_EQ(vfs_mkdir(AT_FDCWD, "/tmp/deep", 0755), 0);
	EXPECT_EQ(vfs_chdir("/tmp/deep"), 0);
	for (i = 0; i < 41; i++) {
		EXPECT_EQ(vfs_mkdir(AT_FDCWD, name, 0755), 0);
		EXPECT_EQ(vfs_chdir(name), 0);
	}
	EXPECT_EQ(vfs_getcwd(cwd, sizeof(cwd)), 9 + 41 * 101);
	EXPECT_EQ(vfs_getcwd(buf, sizeof(buf)), -ERANGE);
	t_put("file", "deep");
	fd = t_open("file", O_RDONLY);
	EXPECT_EQ(t_read(fd, buf, sizeof(buf)), 4);
	fd_close(fd);
	EXPECT_EQ(vfs_unlink(AT_FDCWD, "file", 0), 0);
	EXPECT_EQ(vfs_chdir(cwd), -ENAMETOOLONG);	/* the argument */
	EXPECT_EQ(vfs_chdir("/"), 0);
	t_rmdeep(name, 41);

	/* Through directory fds, until the absolute form no longer fits. */
	fd = t_open("/tmp/deep", O_RDONLY | O_DIRECTORY);
	while (depth < 100 && (r = vfs_mkdir(fd, name, 0755)) == 0) {
		depth++;
		fd = t_down(fd, name);
	}
	fd_close(fd);
	EXPECT_EQ(r, -ENAMETOOLONG);
	EXPECT_EQ(depth, (VFS_ABS_MAX - 1 - 9) / 101);
	t_rmdeep(name, depth);
	EXPECT_EQ(vfs_unlink(AT_FDCWD, "/tmp/deep", AT_REMOVEDIR), 0);
}

TEST(fifo_nonblocking_opens_and_data)
{
	struct stat st, fst;
	char buf[8];
	int r, w, rw;

	EXPECT_EQ(vfs_mkfifo(AT_FDCWD, "/tmp/fifo", 0640), 0);
	EXPECT_EQ(vfs_mkfifo(AT_FDCWD, "/tmp/fifo", 0640), -EEXIST);
	EXPECT_EQ(vfs_mkfifo(AT_FDCWD, "/tmp/fifo/", 0640), -EEXIST);
	EXPECT_EQ(vfs_mkfifo(AT_FDCWD, "/tmp/nodir/f", 0640), -ENOENT);
	EXPECT_EQ(vfs_mkfifo(AT_FDCWD, "/fifo", 0640), -EROFS);
	EXPECT_EQ(t_stat("/tmp/fifo", &st), 0);
	EXPECT_EQ(st.st_mode, S_IFIFO | 0640);
	EXPECT_EQ(st.st_size, 0);
	/* No reader: a non-blocking writer is refused (OpenBSD fifo_open). */
	EXPECT_EQ(t_open("/tmp/fifo", O_WRONLY | O_NONBLOCK), -ENXIO);
	/* A non-blocking reader opens at once and reads EOF: no writer. */
	r = t_open("/tmp/fifo", O_RDONLY | O_NONBLOCK);
	EXPECT(r >= 0);
	EXPECT_EQ(t_read(r, buf, sizeof(buf)), 0);
	w = t_open("/tmp/fifo", O_WRONLY | O_NONBLOCK);
	EXPECT(w >= 0);
	EXPECT_EQ(t_read(r, buf, sizeof(buf)), -EAGAIN);
	EXPECT_EQ(t_write(w, "abc", 3), 3);
	EXPECT_EQ(t_fstat(r, &fst), 0);
	EXPECT_EQ(fst.st_mode, S_IFIFO | 0640);
	EXPECT_EQ(fst.st_ino, st.st_ino);
	EXPECT_EQ(fst.st_dev, st.st_dev);
	EXPECT_EQ(fst.st_size, 3);
	EXPECT_EQ(t_read(r, buf, sizeof(buf)), 3);
	EXPECT(memcmp(buf, "abc", 3) == 0);
	EXPECT_EQ(t_read(w, buf, sizeof(buf)), -EBADF);
	EXPECT_EQ(t_write(r, "x", 1), -EBADF);
	/* Unlinked, the open ends still talk. */
	EXPECT_EQ(vfs_unlink(AT_FDCWD, "/tmp/fifo", 0), 0);
	EXPECT_EQ(t_write(w, "de", 2), 2);
	EXPECT_EQ(t_read(r, buf, sizeof(buf)), 2);
	/* The last writer gone: EOF; the last reader gone: EPIPE. */
	fd_close(w);
	EXPECT_EQ(t_read(r, buf, sizeof(buf)), 0);
	fd_close(r);

	/* O_RDWR never waits; data goes with the last end. */
	EXPECT_EQ(vfs_mkfifo(AT_FDCWD, "/tmp/fifo2", 0600), 0);
	rw = t_open("/tmp/fifo2", O_RDWR | O_NONBLOCK);
	EXPECT(rw >= 0);
	EXPECT_EQ(t_write(rw, "z", 1), 1);
	w = t_open("/tmp/fifo2", O_WRONLY | O_NONBLOCK);
	EXPECT(w >= 0);
	fd_close(rw);
	EXPECT_EQ(t_write(w, "y", 1), -EPIPE);
	fd_close(w);
	rw = t_open("/tmp/fifo2", O_RDWR | O_NONBLOCK);
	EXPECT(rw >= 0);
	EXPECT_EQ(t_read(rw, buf, sizeof(buf)), -EAGAIN);
	fd_close(rw);
	EXPECT_EQ(vfs_unlink(AT_FDCWD, "/tmp/fifo2", 0), 0);
}

static void *
fifo_open_reader(void *arg)
{
	int *fd = arg;

	*fd = t_open("/tmp/fifo3", O_RDONLY);
	return NULL;
}

TEST(fifo_blocking_open_waits_for_a_writer)
{
	pthread_t t;
	char buf[8];
	int r = -1, w, waits;

	EXPECT_EQ(vfs_mkfifo(AT_FDCWD, "/tmp/fifo3", 0600), 0);
	waits = fake_waits;
	pthread_create(&t, NULL, fifo_open_reader, &r);
	/* The reader sleeps in open until a writer comes. */
	while (__atomic_load_n(&fake_waits, __ATOMIC_SEQ_CST) == waits)
		sched_yield();
	EXPECT_EQ(__atomic_load_n(&r, __ATOMIC_SEQ_CST), -1);
	/* Not under tmpfs's lock: the rest of /tmp works meanwhile. */
	EXPECT_EQ(vfs_mkdir(AT_FDCWD, "/tmp/while", 0755), 0);
	EXPECT_EQ(vfs_unlink(AT_FDCWD, "/tmp/while", AT_REMOVEDIR), 0);
	w = t_open("/tmp/fifo3", O_WRONLY);	/* a reader is there */
	EXPECT(w >= 0);
	pthread_join(t, NULL);
	EXPECT(r >= 0);
	EXPECT_EQ(t_write(w, "hi", 2), 2);
	EXPECT_EQ(t_read(r, buf, sizeof(buf)), 2);
	fd_close(w);
	EXPECT_EQ(t_read(r, buf, sizeof(buf)), 0);
	fd_close(r);
	EXPECT_EQ(vfs_unlink(AT_FDCWD, "/tmp/fifo3", 0), 0);
}

TEST(nothing_leaked)
{
	EXPECT_EQ(t_open_fds(), 0);
	EXPECT_EQ(host_kmalloc_live, kmalloc_base);
	EXPECT_EQ(tmpfs_usage(), 0);
}

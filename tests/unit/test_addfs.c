/* SPDX-License-Identifier: ISC */
/*
 * test_addfs.c: host tests of fs/addfs.c (files added at run time)
 * through the VFS, over the empty root file system with /dev and /tmp
 * mounted: new files and parent directories, listings merged with mount
 * points and in small buffers, replacement with an open file keeping the
 * old contents, symlinks in directory positions, the errors.  The last
 * case checks that open files and listings leaked nothing.
 */
#include <stdio.h>
#include <stdlib.h>

#include "harness.h"
#include "fs_test.h"
#include "../../fs/tmpfs.c"
#include "../../fs/addfs.c"

static long kmalloc_base;

static void
t_cat(char *d, const char *s, size_t size)
{
	size_t len = strlen(d);

	if (len < size)
		strlcpy(d + len, s, size - len);
}

static int
t_stat(const char *path, struct stat *st)
{
	return vfs_stat(AT_FDCWD, path, st, 0);
}

static int
t_add(const char *path, const char *s, uint32_t perm)
{
	return addfs_add(path, s, s != NULL ? strlen(s) : 0, perm);
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

/* Names getdents lists in dir (bufsize bytes a call), "." and ".." left
 * out, joined by ' ' into out; the count or -errno. */
static int
t_list(const char *dir, size_t bufsize, char *out, size_t outsize)
{
	char buf[4096];
	struct dirent *dp;
	struct file *fp;
	long r, off;
	int fd, n = 0;

	out[0] = '\0';
	fd = t_open(dir, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return fd;
	fp = fd_get(fd);
	while ((r = file_getdents(fp, buf, bufsize)) > 0) {
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
	file_release(fp);
	fd_close(fd);
	return r < 0 ? (int)r : n;
}

TEST(leak_baseline)
{
	fd_init();
	EXPECT_EQ(vfs_mount("/tmp", &tmpfs_ops), 0);
	tmpfs_set_limit(1 << 20);
	kmalloc_base = host_kmalloc_live;
}

TEST(new_file_and_parents)
{
	struct stat st;
	char names[256];

	EXPECT_EQ(t_stat("/etc", &st), -ENOENT);
	EXPECT_EQ(t_add("/etc/app/config.json", "{}\n", 0640), 0);
	EXPECT(t_has("/etc/app/config.json", "{}\n"));
	EXPECT_EQ(t_stat("/etc/app/config.json", &st), 0);
	EXPECT_EQ(st.st_mode, S_IFREG | 0640);
	EXPECT_EQ(st.st_size, 3);
	EXPECT_EQ(st.st_dev, VFS_DEV_ROOT);
	EXPECT(st.st_ino >= ADDFS_INO_BASE);
	EXPECT(st.st_mtim.tv_sec > 1600000000);
	EXPECT_EQ(t_stat("/etc/app", &st), 0);
	EXPECT_EQ(st.st_mode, S_IFDIR | 0755);
	EXPECT_EQ(t_stat("/etc", &st), 0);
	EXPECT_EQ(st.st_mode, S_IFDIR | 0755);
	EXPECT_EQ(t_list("/etc", 4096, names, sizeof(names)), 1);
	EXPECT(strcmp(names, "app") == 0);
	EXPECT_EQ(t_list("/etc/app", 4096, names, sizeof(names)), 1);
	EXPECT(strcmp(names, "config.json") == 0);
	/* "/" lists the added directory and the mount points. */
	EXPECT_EQ(t_list("/", 4096, names, sizeof(names)), 3);
	EXPECT(strcmp(names, "etc dev tmp") == 0);
	/* Relative to the working directory. */
	EXPECT_EQ(vfs_chdir("/etc/app"), 0);
	EXPECT_EQ(t_add("certs/ca.pem", "pem", 0444), 0);
	EXPECT_EQ(vfs_chdir("/"), 0);
	EXPECT(t_has("/etc/app/certs/ca.pem", "pem"));
	EXPECT(t_has("/etc/app/certs/../config.json", "{}\n"));
}

TEST(listing_in_small_buffers)
{
	char names[1024], path[64];
	int i;

	for (i = 0; i < 20; i++) {
		snprintf(path, sizeof(path), "/many/f%02d", i);
		EXPECT_EQ(t_add(path, "x", 0644), 0);
	}
	EXPECT_EQ(t_list("/many", DIRENT_RECSIZE(3), names, sizeof(names)), 20);
	EXPECT(strncmp(names, "f00 f01 f02", 11) == 0);
	EXPECT(strstr(names, "f19") != NULL);
	EXPECT_EQ(t_list("/", DIRENT_RECSIZE(4), names, sizeof(names)), 4);
	EXPECT(strcmp(names, "etc many dev tmp") == 0);
}

TEST(replace_keeps_open_file)
{
	struct stat st, st2;
	char buf[16];
	int fd;

	EXPECT_EQ(t_add("/r/file", "old", 0644), 0);
	EXPECT_EQ(t_stat("/r/file", &st), 0);
	fd = t_open("/r/file", O_RDONLY);
	EXPECT(fd >= 0);
	EXPECT_EQ(t_add("/r/file", "newer", 0600), 0);
	EXPECT(t_has("/r/file", "newer"));
	EXPECT_EQ(t_stat("/r/file", &st2), 0);
	EXPECT_EQ(st2.st_mode, S_IFREG | 0600);
	EXPECT_EQ(st2.st_ino, st.st_ino);
	EXPECT_EQ(t_read(fd, buf, sizeof(buf)), 3);
	EXPECT(memcmp(buf, "old", 3) == 0);
	fd_close(fd);
	/* Empty contents. */
	EXPECT_EQ(t_add("/r/file", NULL, 0644), 0);
	EXPECT(t_has("/r/file", ""));
}

TEST(symlink_in_a_directory_position)
{
	char names[256];

	/* /tmp/l -> /etc: the file lands at the physical path. */
	EXPECT_EQ(vfs_symlink("/etc", AT_FDCWD, "/tmp/l"), 0);
	EXPECT_EQ(t_add("/tmp/l/via-link", "v", 0644), 0);
	EXPECT(t_has("/etc/via-link", "v"));
	EXPECT_EQ(t_list("/tmp", 4096, names, sizeof(names)), 1);
	EXPECT_EQ(vfs_unlink(AT_FDCWD, "/tmp/l", 0), 0);
}

TEST(errors)
{
	struct file *fp;
	char buf[8];

	EXPECT_EQ(t_add("/tmp/x", "x", 0644), -EXDEV);
	EXPECT_EQ(t_add("/dev/x", "x", 0644), -EXDEV);
	EXPECT_EQ(t_add("/tmp", "x", 0644), -EXDEV);
	EXPECT_EQ(t_add("/etc/app", "x", 0644), -EISDIR);
	EXPECT_EQ(t_add("/etc/new/", "x", 0644), -EISDIR);
	EXPECT_EQ(t_add("/", "x", 0644), -EISDIR);
	EXPECT_EQ(t_add("/etc/app/config.json/x", "x", 0644), -ENOTDIR);
	EXPECT_EQ(t_add("/etc/x", "x", 010000), -EINVAL);
	EXPECT_EQ(addfs_add("/etc/x", NULL, 1, 0644), -EFAULT);
	EXPECT_EQ(t_add("", "x", 0644), -ENOENT);
	/* Read-only like the table. */
	EXPECT_EQ(t_open("/etc/app/config.json", O_WRONLY), -EROFS);
	EXPECT_EQ(t_open("/etc/app/config.json", O_RDONLY | O_TRUNC), -EROFS);
	EXPECT_EQ(t_open("/etc/app/config.json", O_CREAT | O_EXCL), -EEXIST);
	EXPECT_EQ(t_open("/etc/app", O_RDWR), -EISDIR);
	EXPECT_EQ(t_open("/etc/app/nothere", O_RDONLY), -ENOENT);
	EXPECT_EQ(t_open("/etc/app/new", O_CREAT | O_WRONLY), -EROFS);
	EXPECT_EQ(t_open("/etc/app/config.json/", O_RDONLY), -ENOTDIR);
	EXPECT_EQ(vfs_unlink(AT_FDCWD, "/etc/app/config.json", 0), -EROFS);
	EXPECT_EQ(vfs_unlink(AT_FDCWD, "/etc/app", AT_REMOVEDIR), -EROFS);
	EXPECT_EQ(vfs_mkdir(AT_FDCWD, "/etc/app", 0755), -EEXIST);
	EXPECT_EQ(vfs_mkdir(AT_FDCWD, "/etc/app/d", 0755), -EROFS);
	EXPECT_EQ(vfs_rename(AT_FDCWD, "/etc/app/config.json", AT_FDCWD,
	    "/etc/app/c2"), -EROFS);
	EXPECT_EQ(vfs_readlink(AT_FDCWD, "/etc/app/config.json", buf,
	    sizeof(buf)), -EINVAL);
	EXPECT_EQ(vfs_readlink(AT_FDCWD, "/nothing", buf, sizeof(buf)),
	    -ENOENT);
	/* A directory node reads as a directory. */
	EXPECT_EQ(vfs_open(AT_FDCWD, "/etc", O_RDONLY, 0, &fp), 0);
	EXPECT_EQ(file_read(fp, buf, sizeof(buf)), -EISDIR);
	file_release(fp);
}

TEST(nothing_leaked)
{
	EXPECT_EQ(t_open_fds(), 0);
	/* What stays for good: 29 nodes (etc, etc/app, its config.json,
	 * certs, certs/ca.pem, many and 20 files, r, r/file, etc/via-link)
	 * and the current blob of each of the 24 files. */
	EXPECT_EQ(host_kmalloc_live, kmalloc_base + 29 + 24);
	EXPECT_EQ(tmpfs_usage(), 0);
}

/* SPDX-License-Identifier: ISC */
/*
 * test_fd.c: host tests of fs/ without kqueue: the descriptor table, the
 * console file, path lookup and /dev, pipes.  Every case closes what it
 * opens; the last one checks that nothing leaked.
 */
#include "harness.h"
#include "fs_test.h"

static long kmalloc_base;

TEST(leak_baseline)
{
	fd_init();			/* as kmain does */
	kmalloc_base = host_kmalloc_live;
	EXPECT_EQ(t_open_fds(), 0);
}

TEST(console_fds_exist_at_start)
{
	struct stat st;
	int fd;

	for (fd = 0; fd < 3; fd++) {
		EXPECT_EQ(fd_getfd(fd), 0);
		/* os.NewFile: O_RDWR without O_NONBLOCK, so no kqueue. */
		EXPECT_EQ(t_getfl(fd), O_RDWR);
		EXPECT_EQ(t_fstat(fd, &st), 0);
		EXPECT(S_ISCHR(st.st_mode));
	}
}

TEST(closed_fd_is_ebadf_exactly)
{
	EXPECT_EQ(fd_getfd(3), -EBADF);
	EXPECT_EQ(fd_getfd(-1), -EBADF);
	EXPECT_EQ(fd_getfd(FD_MAX), -EBADF);
	EXPECT_EQ(fd_setfd(7, FD_CLOEXEC), -EBADF);
	EXPECT_EQ(fd_close(3), -EBADF);
	EXPECT_EQ(fd_close(-5), -EBADF);
	EXPECT(fd_get(100) == NULL);
	EXPECT_EQ(t_read(9, NULL, 0), -EBADF);
}

TEST(open_takes_lowest_free_fd)
{
	int a, b, c;

	a = t_open("/dev/null", O_RDWR);
	b = t_open("/dev/null", O_RDWR);
	EXPECT_EQ(a, 3);
	EXPECT_EQ(b, 4);
	EXPECT_EQ(fd_close(a), 0);
	EXPECT_EQ(fd_close(a), -EBADF);
	c = t_open("/dev/zero", O_RDONLY);
	EXPECT_EQ(c, 3);
	fd_close(b);
	fd_close(c);
}

TEST(checkfds_reopens_closed_stdin_as_dev_null)
{
	struct stat st;

	/* runtime.checkfds: fd 0 closed -> open("/dev/null") must be 0. */
	EXPECT_EQ(fd_close(0), 0);
	EXPECT_EQ(fd_getfd(0), -EBADF);
	EXPECT_EQ(t_open("/dev/null", O_RDWR), 0);
	EXPECT_EQ(t_fstat(0, &st), 0);
	EXPECT_EQ(st.st_rdev, (2 << 8) | 2);
	/* Put the console back. */
	EXPECT_EQ(fd_dup2(1, 0, false), 0);
	EXPECT_EQ(t_fstat(0, &st), 0);
	EXPECT_EQ(st.st_ino, DEVFS_INO_CONSOLE);
	EXPECT_EQ(console_file.refs, 3);
}

TEST(cloexec_is_per_fd)
{
	int a, b;

	a = t_open("/dev/null", O_RDONLY | O_CLOEXEC);
	EXPECT_EQ(fd_getfd(a), FD_CLOEXEC);
	b = fd_dup(a, 0, false);
	EXPECT_EQ(b, a + 1);
	EXPECT_EQ(fd_getfd(b), 0);
	EXPECT_EQ(fd_setfd(b, FD_CLOEXEC | 0x100), 0);
	EXPECT_EQ(fd_getfd(b), FD_CLOEXEC);
	EXPECT_EQ(fd_setfd(a, 0), 0);
	EXPECT_EQ(fd_getfd(a), 0);
	fd_close(a);
	fd_close(b);
}

TEST(status_flags_are_per_open_file)
{
	int a, b, c;

	a = t_open("/dev/null", O_RDWR);
	b = fd_dup(a, 0, false);
	c = t_open("/dev/null", O_RDWR);
	file_setfl(fd_peek(a), O_NONBLOCK | O_APPEND | O_CREAT);
	EXPECT_EQ(t_getfl(a), O_RDWR | O_NONBLOCK | O_APPEND);
	EXPECT_EQ(t_getfl(b), O_RDWR | O_NONBLOCK | O_APPEND);	/* shared */
	EXPECT_EQ(t_getfl(c), O_RDWR);				/* not */
	file_setfl(fd_peek(b), 0);
	EXPECT_EQ(t_getfl(a), O_RDWR);
	fd_close(a);
	fd_close(b);
	fd_close(c);
}

TEST(dup_min_and_dup2)
{
	int a, r;

	a = t_open("/dev/zero", O_RDONLY);
	EXPECT_EQ(fd_dup(a, 10, true), 10);
	EXPECT_EQ(fd_getfd(10), FD_CLOEXEC);
	EXPECT_EQ(fd_dup(a, 10, false), 11);
	EXPECT_EQ(fd_dup(a, FD_MAX, false), -EINVAL);
	EXPECT_EQ(fd_dup(a, -1, false), -EINVAL);
	EXPECT_EQ(fd_dup(50, 0, false), -EBADF);
	/* dup2 onto an open fd replaces it; onto itself is a no-op. */
	r = fd_dup2(a, 10, false);
	EXPECT_EQ(r, 10);
	EXPECT_EQ(fd_getfd(10), 0);
	EXPECT_EQ(fd_dup2(a, a, false), a);
	EXPECT_EQ(fd_dup2(a, FD_MAX, false), -EBADF);
	EXPECT_EQ(fd_dup2(60, 12, false), -EBADF);
	EXPECT(fd_peek(10) == fd_peek(a));
	fd_close(a);
	fd_close(10);
	fd_close(11);
}

TEST(table_full_is_emfile)
{
	int fd, first, n = 0;

	first = t_open("/dev/null", O_RDONLY);
	while ((fd = fd_dup(first, 0, false)) >= 0)
		n++;
	EXPECT_EQ(fd, -EMFILE);
	EXPECT_EQ(n, FD_MAX - 4);
	EXPECT_EQ(t_open("/dev/null", O_RDONLY), -EMFILE);
	for (fd = 3; fd < FD_MAX; fd++)
		EXPECT_EQ(fd_close(fd), 0);
	EXPECT_EQ(t_open_fds(), 0);
}

TEST(console_write_and_read)
{
	char buf[16];

	fake_out_len = 0;
	EXPECT_EQ(t_write(1, "hello\n", 6), 6);
	EXPECT_EQ(t_write(2, "", 0), 0);
	EXPECT_EQ(fake_out_len, 6);
	EXPECT(memcmp(fake_out, "hello\n", 6) == 0);

	/* One line per read, CR as LF. */
	fake_in = "ab\rcd";
	EXPECT_EQ(t_read(0, buf, sizeof(buf)), 3);
	EXPECT(memcmp(buf, "ab\n", 3) == 0);
	EXPECT_EQ(t_read(0, buf, 1), 1);
	EXPECT_EQ(buf[0], 'c');
	EXPECT_EQ(t_read(0, buf, sizeof(buf)), 1);
	EXPECT_EQ(buf[0], 'd');
	/* ^D at the start of a read is end of file. */
	fake_in = "\004";
	EXPECT_EQ(t_read(0, buf, sizeof(buf)), 0);
	/* A blocking read sleeps until input shows up; a non-blocking one
	 * does not. */
	fake_in = "";
	file_setfl(&console_file, O_NONBLOCK);
	EXPECT_EQ(t_read(0, buf, sizeof(buf)), -EAGAIN);
	file_setfl(&console_file, 0);
}

TEST(console_cannot_seek)
{
	struct file *fp = fd_get(1);

	EXPECT_EQ(file_lseek(fp, 0, SEEK_CUR), -ESPIPE);
	EXPECT_EQ(file_pread(fp, NULL, 1, 0), -ESPIPE);
	file_release(fp);
}

TEST(stat_root_and_dot_at_init)
{
	struct stat a, b;
	char cwd[VFS_PATH_MAX];

	/* os init: stat(".") and getcwd(). */
	EXPECT_EQ(vfs_stat(AT_FDCWD, ".", &a, 0), 0);
	EXPECT_EQ(vfs_stat(AT_FDCWD, "/", &b, 0), 0);
	EXPECT(S_ISDIR(a.st_mode));
	EXPECT_EQ(a.st_dev, b.st_dev);
	EXPECT_EQ(a.st_ino, b.st_ino);
	EXPECT(a.st_ino != 0);
	EXPECT_EQ(vfs_getcwd(cwd, sizeof(cwd)), 1);
	EXPECT(strcmp(cwd, "/") == 0);
	EXPECT_EQ(vfs_getcwd(cwd, 1), -ERANGE);
}

TEST(path_normalization)
{
	struct stat st, dn;
	char out[VFS_ABS_MAX];
	char longp[VFS_PATH_MAX + 10];
	bool md;

	EXPECT_EQ(vfs_resolve(AT_FDCWD, "//dev/./../dev//null", out, &md), 0);
	EXPECT(strcmp(out, "/dev/null") == 0);
	EXPECT(!md);
	EXPECT_EQ(vfs_resolve(AT_FDCWD, "/..", out, &md), 0);
	EXPECT(strcmp(out, "/") == 0);
	EXPECT(md);
	EXPECT_EQ(vfs_resolve(AT_FDCWD, "dev/", out, &md), 0);
	EXPECT(strcmp(out, "/dev") == 0);
	EXPECT(md);
	EXPECT_EQ(vfs_resolve(AT_FDCWD, "", out, &md), -ENOENT);
	EXPECT_EQ(vfs_resolve(AT_FDCWD, NULL, out, &md), -EFAULT);
	memset(longp, 'a', sizeof(longp) - 1);
	longp[sizeof(longp) - 1] = '\0';
	EXPECT_EQ(vfs_resolve(AT_FDCWD, longp, out, &md), -ENAMETOOLONG);
	longp[0] = '/';
	longp[300] = '\0';		/* one 299-byte component */
	EXPECT_EQ(vfs_resolve(AT_FDCWD, longp, out, &md), -ENAMETOOLONG);

	EXPECT_EQ(vfs_stat(AT_FDCWD, "/dev/../dev/null", &st, 0), 0);
	EXPECT_EQ(vfs_stat(AT_FDCWD, "/dev/null", &dn, 0), 0);
	EXPECT_EQ(st.st_ino, dn.st_ino);
	EXPECT(S_ISCHR(st.st_mode));
	EXPECT_EQ(vfs_stat(AT_FDCWD, "/dev", &st, 0), 0);
	EXPECT(S_ISDIR(st.st_mode));
	EXPECT_EQ(vfs_stat(AT_FDCWD, "/dev/null", &st, 0x40), -EINVAL);
}

TEST(lookup_errors)
{
	struct stat st;

	EXPECT_EQ(vfs_stat(AT_FDCWD, "/etc/hosts", &st, 0), -ENOENT);
	EXPECT_EQ(vfs_stat(AT_FDCWD, "/dev/nope", &st, 0), -ENOENT);
	EXPECT_EQ(vfs_stat(AT_FDCWD, "/dev/null/x", &st, 0), -ENOTDIR);
	EXPECT_EQ(vfs_stat(AT_FDCWD, "/dev/null/", &st, 0), -ENOTDIR);
	EXPECT_EQ(t_open("/nope", O_RDONLY), -ENOENT);
	EXPECT_EQ(t_open("/nope", O_WRONLY | O_CREAT), -EROFS);
	EXPECT_EQ(t_open("/a/b", O_WRONLY | O_CREAT), -ENOENT);
	EXPECT_EQ(t_open("/dev/new", O_RDWR | O_CREAT), -EROFS);
	EXPECT_EQ(t_open("/dev/null", O_RDWR | O_CREAT | O_EXCL), -EEXIST);
	EXPECT_EQ(t_open("/dev/null", O_RDONLY | O_DIRECTORY), -ENOTDIR);
	EXPECT_EQ(t_open("/dev/null/", O_RDONLY), -ENOTDIR);
	EXPECT_EQ(t_open("/", O_WRONLY), -EISDIR);
	EXPECT_EQ(t_open("/dev", O_RDWR), -EISDIR);
	EXPECT_EQ(t_open("/dev/null", O_ACCMODE), -EINVAL);
	EXPECT_EQ(t_open_fds(), 0);
}

TEST(chdir_and_relative_paths)
{
	struct stat st;
	char cwd[VFS_PATH_MAX];
	int d, z;

	EXPECT_EQ(vfs_chdir("/dev"), 0);
	EXPECT_EQ(vfs_getcwd(cwd, sizeof(cwd)), 4);
	EXPECT(strcmp(cwd, "/dev") == 0);
	EXPECT_EQ(vfs_stat(AT_FDCWD, "null", &st, 0), 0);
	EXPECT(S_ISCHR(st.st_mode));
	EXPECT_EQ(vfs_chdir("null"), -ENOTDIR);
	EXPECT_EQ(vfs_chdir("nope"), -ENOENT);
	EXPECT_EQ(vfs_chdir(".."), 0);
	EXPECT_EQ(vfs_getcwd(cwd, sizeof(cwd)), 1);

	/* *at() relative to a directory fd, fchdir. */
	d = t_open("/dev", O_RDONLY | O_DIRECTORY);
	EXPECT(d >= 3);
	z = t_open("/dev/zero", O_RDONLY);
	EXPECT_EQ(vfs_stat(d, "zero", &st, 0), 0);
	EXPECT(S_ISCHR(st.st_mode));
	EXPECT_EQ(vfs_stat(z, "zero", &st, 0), -ENOTDIR);
	EXPECT_EQ(vfs_stat(77, "zero", &st, 0), -EBADF);
	EXPECT_EQ(vfs_stat(77, "/dev/zero", &st, 0), 0);	/* absolute */
	EXPECT_EQ(vfs_fchdir(d), 0);
	EXPECT_EQ(vfs_getcwd(cwd, sizeof(cwd)), 4);
	EXPECT_EQ(vfs_fchdir(z), -ENOTDIR);
	EXPECT_EQ(vfs_chdir("/"), 0);
	fd_close(d);
	fd_close(z);
}

TEST(dev_files)
{
	unsigned char buf[64];
	struct file *fp;
	struct stat st;
	int n, z, u, i, nonzero = 0;

	n = t_open("/dev/null", O_RDWR);
	EXPECT_EQ(t_read(n, buf, sizeof(buf)), 0);
	EXPECT_EQ(t_write(n, buf, sizeof(buf)), 64);
	fp = fd_get(n);
	EXPECT_EQ(file_lseek(fp, 100, SEEK_SET), 100);
	EXPECT_EQ(file_lseek(fp, 0, SEEK_END), 0);
	EXPECT_EQ(file_lseek(fp, -1, SEEK_SET), -EINVAL);
	EXPECT_EQ(file_lseek(fp, 0, 7), -EINVAL);
	file_release(fp);

	z = t_open("/dev/zero", O_RDONLY);
	memset(buf, 0xff, sizeof(buf));
	EXPECT_EQ(t_read(z, buf, sizeof(buf)), 64);
	for (i = 0; i < 64; i++)
		EXPECT_EQ(buf[i], 0);
	EXPECT_EQ(t_write(z, buf, 1), -EBADF);	/* opened read-only */

	/* The runtime's seed: open, read(32), close. */
	u = t_open("/dev/urandom", O_RDONLY);
	memset(buf, 0, sizeof(buf));
	EXPECT_EQ(t_read(u, buf, 32), 32);
	for (i = 0; i < 32; i++)
		nonzero += buf[i] != 0;
	EXPECT_EQ(nonzero, 32);
	EXPECT_EQ(t_fstat(u, &st), 0);
	EXPECT(S_ISCHR(st.st_mode));
	EXPECT_EQ(vfs_stat(AT_FDCWD, "/dev/random", &st, 0), 0);
	EXPECT(S_ISCHR(st.st_mode));

	fd_close(n);
	fd_close(z);
	fd_close(u);
}

TEST(dev_stdout_duplicates_fd_1)
{
	struct stat st;
	int fd;

	fd = t_open("/dev/stdout", O_WRONLY);
	EXPECT(fd_peek(fd) == &console_file);
	EXPECT_EQ(vfs_stat(AT_FDCWD, "/dev/stderr", &st, 0), 0);
	EXPECT_EQ(st.st_ino, DEVFS_INO_CONSOLE);
	fd_close(fd);
	EXPECT_EQ(console_file.refs, 3);

	fd = t_open("/dev/tty", O_RDWR);
	EXPECT(fd_peek(fd) != &console_file);
	fake_out_len = 0;
	EXPECT_EQ(t_write(fd, "x", 1), 1);
	EXPECT_EQ(fake_out_len, 1);
	fd_close(fd);
}

/* Parse a getdents buffer; returns entry count and checks the records. */
static int
dirents(const char *buf, long len, const char *want)
{
	const struct dirent *dp;
	long off = 0;
	int n = 0, found = 0;

	while (off < len) {
		dp = (const struct dirent *)(buf + off);
		EXPECT_EQ(dp->d_reclen % 8, 0);
		EXPECT(dp->d_reclen >= DIRENT_RECSIZE(dp->d_namlen));
		EXPECT_EQ(strlen(dp->d_name), dp->d_namlen);
		EXPECT(dp->d_fileno != 0);
		if (strcmp(dp->d_name, want) == 0)
			found = 1;
		off += dp->d_reclen;
		n++;
	}
	EXPECT_EQ(off, len);
	EXPECT(found);
	return n;
}

TEST(getdents_of_synthesized_dirs)
{
	char buf[8192];
	struct file *fp;
	long r;
	int d;

	d = t_open("/", O_RDONLY | O_DIRECTORY);
	fp = fd_get(d);
	r = file_getdents(fp, buf, sizeof(buf));
	EXPECT(r > 0);
	EXPECT_EQ(dirents(buf, r, "dev"), 3);		/* ".", "..", "dev" */
	EXPECT_EQ(file_getdents(fp, buf, sizeof(buf)), 0);
	EXPECT_EQ(file_lseek(fp, 0, SEEK_SET), 0);	/* rewind */
	EXPECT_EQ(file_getdents(fp, buf, 20), -EINVAL);
	EXPECT_EQ(file_getdents(fp, buf, 32), 32);	/* one record */
	EXPECT_EQ(file_read(fp, buf, 1), -EISDIR);
	file_release(fp);
	fd_close(d);

	d = t_open("/dev", O_RDONLY);
	fp = fd_get(d);
	r = file_getdents(fp, buf, sizeof(buf));
	EXPECT_EQ(dirents(buf, r, "urandom"), 2 + 9);
	file_release(fp);
	fd_close(d);

	d = t_open("/dev/null", O_RDONLY);
	fp = fd_get(d);
	EXPECT_EQ(file_getdents(fp, buf, sizeof(buf)), -ENOTDIR);
	file_release(fp);
	fd_close(d);
}

TEST(pipe_basics)
{
	char buf[32];
	struct stat st;
	struct file *fp;
	int p[2];

	EXPECT_EQ(t_pipe(p, 0), 0);
	EXPECT_EQ(p[0], 3);
	EXPECT_EQ(p[1], 4);
	EXPECT_EQ(t_getfl(p[0]), O_RDONLY);
	EXPECT_EQ(t_getfl(p[1]), O_WRONLY);
	EXPECT_EQ(t_write(p[1], "abc", 3), 3);
	EXPECT_EQ(t_write(p[0], "x", 1), -EBADF);
	EXPECT_EQ(t_read(p[1], buf, 1), -EBADF);
	EXPECT_EQ(t_fstat(p[0], &st), 0);
	EXPECT(S_ISFIFO(st.st_mode));
	EXPECT_EQ(st.st_size, 3);
	EXPECT_EQ(t_read(p[0], buf, 2), 2);
	EXPECT(memcmp(buf, "ab", 2) == 0);
	EXPECT_EQ(t_read(p[0], buf, sizeof(buf)), 1);
	EXPECT_EQ(buf[0], 'c');
	fp = fd_get(p[0]);
	EXPECT_EQ(file_lseek(fp, 0, SEEK_SET), -ESPIPE);
	EXPECT_EQ(file_pread(fp, buf, 1, 0), -ESPIPE);
	file_release(fp);
	/* Writer gone: EOF after the data. */
	EXPECT_EQ(t_write(p[1], "z", 1), 1);
	fd_close(p[1]);
	EXPECT_EQ(t_read(p[0], buf, sizeof(buf)), 1);
	EXPECT_EQ(t_read(p[0], buf, sizeof(buf)), 0);
	fd_close(p[0]);

	/* Reader gone: EPIPE. */
	EXPECT_EQ(t_pipe(p, 0), 0);
	fd_close(p[0]);
	EXPECT_EQ(t_write(p[1], "z", 1), -EPIPE);
	fd_close(p[1]);
}

TEST(pipe_nonblocking_and_full)
{
	static char big[PIPE_SIZE + 100];
	char buf[PIPE_BUF];
	int p[2];

	EXPECT_EQ(t_pipe(p, O_NONBLOCK | O_CLOEXEC), 0);
	EXPECT_EQ(t_getfl(p[0]), O_RDONLY | O_NONBLOCK);
	EXPECT_EQ(fd_getfd(p[1]), FD_CLOEXEC);
	EXPECT_EQ(t_read(p[0], buf, 1), -EAGAIN);
	/* A long write fills the buffer and stops short. */
	memset(big, 'q', sizeof(big));
	EXPECT_EQ(t_write(p[1], big, sizeof(big)), PIPE_SIZE);
	EXPECT_EQ(t_write(p[1], big, 1), -EAGAIN);
	/* With PIPE_BUF - 1 bytes free, a PIPE_BUF write is all or nothing. */
	EXPECT_EQ(t_read(p[0], buf, PIPE_BUF - 1), PIPE_BUF - 1);
	EXPECT_EQ(t_write(p[1], big, PIPE_BUF), -EAGAIN);
	EXPECT_EQ(t_write(p[1], big, PIPE_BUF + 1), PIPE_BUF - 1);
	/* Wrap-around keeps the byte order. */
	EXPECT_EQ(t_read(p[0], buf, sizeof(buf)), PIPE_BUF);
	big[0] = '1';
	big[1] = '2';
	EXPECT_EQ(t_write(p[1], big, 2), 2);
	while (t_read(p[0], buf, sizeof(buf)) == PIPE_BUF)
		;
	fd_close(p[1]);
	fd_close(p[0]);

	EXPECT_EQ(t_pipe(p, O_NONBLOCK), 0);
	EXPECT_EQ(t_write(p[1], "hello", 5), 5);
	EXPECT_EQ(t_read(p[0], buf, 3), 3);
	EXPECT_EQ(t_write(p[1], "world", 5), 5);
	EXPECT_EQ(t_read(p[0], buf, sizeof(buf)), 7);
	EXPECT(memcmp(buf, "loworld", 7) == 0);
	fd_close(p[0]);
	fd_close(p[1]);
}

struct pipe_arg {
	int	fd;
	int	delay_ms;
	long	result;
	char	buf[8];
};

static void *
pipe_writer(void *a)
{
	struct pipe_arg *pa = a;

	t_sleep_ms(pa->delay_ms);
	pa->result = t_write(pa->fd, "w", 1);
	return NULL;
}

static void *
pipe_reader(void *a)
{
	struct pipe_arg *pa = a;

	pa->result = t_read(pa->fd, pa->buf, sizeof(pa->buf));
	return NULL;
}

static void *
pipe_closer(void *a)
{
	struct pipe_arg *pa = a;

	t_sleep_ms(pa->delay_ms);
	pa->result = fd_close(pa->fd);
	return NULL;
}

TEST(pipe_blocking_read_waits_for_writer)
{
	struct pipe_arg w = { .delay_ms = 50 }, r = { 0 };
	pthread_t tw, tr;
	int p[2];

	EXPECT_EQ(t_pipe(p, 0), 0);
	r.fd = p[0];
	w.fd = p[1];
	pthread_create(&tr, NULL, pipe_reader, &r);
	pthread_create(&tw, NULL, pipe_writer, &w);
	pthread_join(tr, NULL);
	pthread_join(tw, NULL);
	EXPECT_EQ(w.result, 1);
	EXPECT_EQ(r.result, 1);
	EXPECT_EQ(r.buf[0], 'w');

	/* A blocked reader sees EOF when the writer closes. */
	w.delay_ms = 50;
	pthread_create(&tr, NULL, pipe_reader, &r);
	pthread_create(&tw, NULL, pipe_closer, &w);
	pthread_join(tr, NULL);
	pthread_join(tw, NULL);
	EXPECT_EQ(w.result, 0);
	EXPECT_EQ(r.result, 0);
	fd_close(p[0]);
}

static void *
pipe_drainer(void *a)
{
	struct pipe_arg *pa = a;
	char buf[4096];
	long n, total = 0;

	t_sleep_ms(pa->delay_ms);
	while ((n = t_read(pa->fd, buf, sizeof(buf))) > 0)
		total += n;
	pa->result = total;
	return NULL;
}

TEST(pipe_blocking_write_waits_for_space)
{
	static char big[3 * PIPE_SIZE];
	struct pipe_arg r = { .delay_ms = 30 };
	pthread_t tr;
	int p[2];

	EXPECT_EQ(t_pipe(p, 0), 0);
	r.fd = p[0];
	pthread_create(&tr, NULL, pipe_drainer, &r);
	EXPECT_EQ(t_write(p[1], big, sizeof(big)), (long)sizeof(big));
	fd_close(p[1]);
	pthread_join(tr, NULL);
	EXPECT_EQ(r.result, (long)sizeof(big));
	fd_close(p[0]);
}

TEST(nothing_leaked)
{
	EXPECT_EQ(t_open_fds(), 0);
	EXPECT_EQ(host_kmalloc_live, kmalloc_base);
	EXPECT_EQ(console_file.refs, 3);
}

/* SPDX-License-Identifier: ISC */
/*
 * test_stdlib.c: host tests of runtime/libc/stdlib.c (environment store,
 * strto*) and runtime/libc/strerror.c.  Their libc names are renamed so the
 * test does not replace the host libc's own functions.
 */
#include "harness.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#define getenv		vmgo_getenv
#define setenv		vmgo_setenv
#define unsetenv	vmgo_unsetenv
#define environ		vmgo_environ
#define strtol		vmgo_strtol
#define strtoul		vmgo_strtoul
#define strtoll		vmgo_strtoll
#define strtoull	vmgo_strtoull
#define atoi		vmgo_atoi
#define atol		vmgo_atol
#define atexit		vmgo_atexit
#define exit		vmgo_exit
#define _exit		vmgo__exit
#define _Exit		vmgo__Exit
#define abort		vmgo_abort
#define strerror	vmgo_strerror
#define strerror_r	vmgo_strerror_r
#include "../../runtime/libc/stdlib.c"
#include "../../runtime/libc/strerror.c"
#include "../../runtime/cmdline.c"

static struct bootinfo bi = {
	.cmdline = "HOME=/root \"MSG=a b\" vmgo.hostname=x -- arg",
};

TEST(env_from_boot_line)
{
	boot_info = &bi;
	EXPECT(getenv("HOME") != NULL && strcmp(getenv("HOME"), "/root") == 0);
	EXPECT(getenv("MSG") != NULL && strcmp(getenv("MSG"), "a b") == 0);
	EXPECT(getenv("vmgo.hostname") == NULL);
	EXPECT(getenv("HOM") == NULL);
	EXPECT(getenv("HOME=") == NULL);
	EXPECT(environ != NULL && environ[2] == NULL);
}

TEST(setenv_unsetenv)
{
	EXPECT_EQ(setenv("A", "1", 0), 0);
	EXPECT(strcmp(getenv("A"), "1") == 0);
	EXPECT_EQ(setenv("A", "2", 0), 0);
	EXPECT(strcmp(getenv("A"), "1") == 0);
	EXPECT_EQ(setenv("A", "3", 1), 0);
	EXPECT(strcmp(getenv("A"), "3") == 0);
	EXPECT_EQ(setenv("EMPTY", "", 1), 0);
	EXPECT(getenv("EMPTY") != NULL && *getenv("EMPTY") == '\0');

	errno = 0;
	EXPECT_EQ(setenv("", "x", 1), -1);
	EXPECT_EQ(errno, EINVAL);
	errno = 0;
	EXPECT_EQ(setenv("B=C", "x", 1), -1);
	EXPECT_EQ(errno, EINVAL);
	EXPECT_EQ(unsetenv("B=C"), -1);

	EXPECT_EQ(unsetenv("A"), 0);
	EXPECT(getenv("A") == NULL);
	EXPECT_EQ(unsetenv("A"), 0);
	EXPECT_EQ(unsetenv("HOME"), 0);
	EXPECT(getenv("HOME") == NULL);
	EXPECT(strcmp(getenv("MSG"), "a b") == 0);
}

TEST(env_grows)
{
	char name[16], val[16];
	int i;

	for (i = 0; i < 200; i++) {
		snprintf(name, sizeof(name), "V%d", i);
		snprintf(val, sizeof(val), "%d", i * 7);
		EXPECT_EQ(setenv(name, val, 1), 0);
	}
	for (i = 0; i < 200; i++) {
		snprintf(name, sizeof(name), "V%d", i);
		EXPECT_EQ(atoi(getenv(name)), i * 7);
	}
	for (i = 0; i < 200; i += 2) {
		snprintf(name, sizeof(name), "V%d", i);
		EXPECT_EQ(unsetenv(name), 0);
	}
	EXPECT(getenv("V0") == NULL);
	EXPECT(strcmp(getenv("V199"), "1393") == 0);
	for (i = 0; vmgo_environ[i] != NULL; i++)
		;
	EXPECT_EQ(i, 100 + 2);	/* V odd, MSG, EMPTY */
}

TEST(strtol_family)
{
	char *end;
	const char *s;

	EXPECT_EQ(strtol("  -42xyz", &end, 10), -42);
	EXPECT(strcmp(end, "xyz") == 0);
	EXPECT_EQ(strtol("0x1F", NULL, 0), 31);
	EXPECT_EQ(strtol("0x1F", NULL, 16), 31);
	EXPECT_EQ(strtol("017", NULL, 0), 15);
	EXPECT_EQ(strtol("z", NULL, 36), 35);
	s = "0xg";
	EXPECT_EQ(strtol(s, &end, 0), 0);
	EXPECT(end == s + 1);
	s = "  +";
	EXPECT_EQ(strtol(s, &end, 10), 0);
	EXPECT(end == s);

	errno = 0;
	EXPECT_EQ(strtol("9223372036854775807", NULL, 10), LONG_MAX);
	EXPECT_EQ(errno, 0);
	EXPECT_EQ(strtol("9223372036854775808", NULL, 10), LONG_MAX);
	EXPECT_EQ(errno, ERANGE);
	errno = 0;
	EXPECT(strtol("-9223372036854775808", NULL, 10) == LONG_MIN);
	EXPECT_EQ(errno, 0);
	EXPECT(strtol("-9223372036854775809", NULL, 10) == LONG_MIN);
	EXPECT_EQ(errno, ERANGE);

	errno = 0;
	EXPECT(strtoull("18446744073709551615", NULL, 10) == ULLONG_MAX);
	EXPECT_EQ(errno, 0);
	EXPECT(strtoull("18446744073709551616", &end, 10) == ULLONG_MAX);
	EXPECT_EQ(errno, ERANGE);
	EXPECT(*end == '\0');
	EXPECT(strtoul("-1", NULL, 10) == ULONG_MAX);

	errno = 0;
	EXPECT_EQ(strtol("1", NULL, 1), 0);
	EXPECT_EQ(errno, EINVAL);
	EXPECT_EQ(atoi("123"), 123);
	EXPECT_EQ(atol("-5"), -5);
}

TEST(strerror_table)
{
	char buf[64];

	EXPECT(strcmp(strerror(1), "Operation not permitted") == 0);
	EXPECT(strcmp(strerror(11), "Resource deadlock avoided") == 0);
	EXPECT(strcmp(strerror(35), "Resource temporarily unavailable") == 0);
	EXPECT(strcmp(strerror(60), "Operation timed out") == 0);
	EXPECT(strcmp(strerror(72), "RPC struct is bad") == 0);
	EXPECT(strcmp(strerror(78), "Function not implemented") == 0);
	EXPECT(strcmp(strerror(95), "Protocol error") == 0);
	EXPECT(strcmp(strerror(96), "Unknown error: 96") == 0);
	EXPECT(strcmp(strerror(-7), "Unknown error: -7") == 0);
	EXPECT(strcmp(strerror(INT_MIN), "Unknown error: -2147483648") == 0);

	EXPECT_EQ(strerror_r(2, buf, sizeof(buf)), 0);
	EXPECT(strcmp(buf, "No such file or directory") == 0);
	EXPECT_EQ(strerror_r(2, buf, 5), ERANGE);
	EXPECT(strcmp(buf, "No s") == 0);
	EXPECT_EQ(strerror_r(1000, buf, sizeof(buf)), EINVAL);
	EXPECT(strcmp(buf, "Unknown error: 1000") == 0);
}

TEST(strerror_complete)
{
	int i;

	/* Every number up to ELAST (95) has its own text. */
	for (i = 0; i <= 95; i++)
		EXPECT(strncmp(strerror(i), "Unknown", 7) != 0);
}

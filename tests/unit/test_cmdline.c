/* SPDX-License-Identifier: ISC */
/* test_cmdline.c: host tests of runtime/cmdline.c (the boot command line). */
#include "harness.h"

#include <string.h>

#include "../../runtime/cmdline.c"
#include "host_shim.h"

/* Every parse in these tests allocates through here and is freed after. */
static void *last_block;

static void *
test_alloc(size_t n)
{
	last_block = kmalloc(n);
	return last_block;
}

static void *
fail_alloc(size_t n)
{
	(void)n;
	return NULL;
}

static int
parse(const char *line, struct cmdline *c, const char **err)
{
	last_block = NULL;
	return cmdline_parse(line, c, test_alloc, err);
}

static void
done(void)
{
	kfree(last_block);
	last_block = NULL;
}

/* argv, NULL, envp, NULL must be one contiguous array (Go's layout). */
static int
contiguous(const struct cmdline *c)
{
	return c->block == c->argv && c->argv[c->argc] == NULL &&
	    c->envp == c->argv + c->argc + 1 && c->envp[c->envc] == NULL;
}

TEST(empty_line)
{
	struct cmdline c;
	const char *err;

	EXPECT_EQ(parse("", &c, &err), 0);
	EXPECT_EQ(c.argc, 1);
	EXPECT(strcmp(c.argv[0], "app") == 0);
	EXPECT(c.argv[1] == NULL);
	EXPECT_EQ(c.envc, 0);
	EXPECT(c.envp[0] == NULL);
	EXPECT(c.vmgo[0] == NULL);
	EXPECT(contiguous(&c));
	done();

	EXPECT_EQ(parse(" \t\r\n ", &c, &err), 0);
	EXPECT_EQ(c.argc, 1);
	EXPECT_EQ(c.envc, 0);
	done();
}

TEST(only_separator)
{
	struct cmdline c;
	const char *err;

	EXPECT_EQ(parse("--", &c, &err), 0);
	EXPECT_EQ(c.argc, 1);
	EXPECT_EQ(c.envc, 0);
	EXPECT(contiguous(&c));
	done();
}

TEST(env_args_and_vmgo)
{
	struct cmdline c;
	const char *err;

	EXPECT_EQ(parse("A=1 vmgo.hostname=box B=two  plain -- x KEY=v -- vmgo.x=1",
	    &c, &err), 0);
	EXPECT_EQ(c.argc, 6);
	EXPECT(strcmp(c.argv[0], "app") == 0);
	EXPECT(strcmp(c.argv[1], "plain") == 0);
	EXPECT(strcmp(c.argv[2], "x") == 0);
	EXPECT(strcmp(c.argv[3], "KEY=v") == 0);
	EXPECT(strcmp(c.argv[4], "--") == 0);
	EXPECT(strcmp(c.argv[5], "vmgo.x=1") == 0);
	EXPECT_EQ(c.envc, 2);
	EXPECT(strcmp(c.envp[0], "A=1") == 0);
	EXPECT(strcmp(c.envp[1], "B=two") == 0);
	EXPECT(c.vmgo[0] != NULL && strcmp(c.vmgo[0], "vmgo.hostname=box") == 0);
	EXPECT(c.vmgo[1] == NULL);
	EXPECT(strcmp(cmdline_vmgo(&c, "hostname"), "box") == 0);
	EXPECT(cmdline_vmgo(&c, "host") == NULL);
	EXPECT(cmdline_vmgo(&c, "x") == NULL);
	EXPECT(contiguous(&c));
	done();
}

TEST(quotes_and_escapes)
{
	struct cmdline c;
	const char *err;

	EXPECT_EQ(parse("MSG=\"hello world\" \"Q=a \\\"b\\\" c\" "
	    "-- \"two words\" a\\ b \"\" back\\\\slash \"x\"y\"z\"", &c, &err), 0);
	EXPECT_EQ(c.envc, 2);
	EXPECT(strcmp(c.envp[0], "MSG=hello world") == 0);
	EXPECT(strcmp(c.envp[1], "Q=a \"b\" c") == 0);
	EXPECT_EQ(c.argc, 6);
	EXPECT(strcmp(c.argv[1], "two words") == 0);
	EXPECT(strcmp(c.argv[2], "a b") == 0);
	EXPECT(strcmp(c.argv[3], "") == 0);
	EXPECT(strcmp(c.argv[4], "back\\slash") == 0);
	EXPECT(strcmp(c.argv[5], "xyz") == 0);
	EXPECT(contiguous(&c));
	done();
}

TEST(empty_value)
{
	struct cmdline c;
	const char *err;

	EXPECT_EQ(parse("KEY= OTHER=a=b", &c, &err), 0);
	EXPECT_EQ(c.envc, 2);
	EXPECT(strcmp(c.envp[0], "KEY=") == 0);
	EXPECT(strcmp(c.envp[1], "OTHER=a=b") == 0);
	EXPECT_EQ(c.argc, 1);
	done();
}

TEST(errors)
{
	struct cmdline c;
	const char *err;

	err = NULL;
	EXPECT_EQ(parse("=VALUE", &c, &err), -EINVAL);
	EXPECT(err != NULL && strstr(err, "empty variable name") != NULL);
	EXPECT(last_block == NULL);
	EXPECT(c.argv == NULL);

	err = NULL;
	EXPECT_EQ(parse("A=1 \"=quoted", &c, &err), -EINVAL);
	EXPECT(err != NULL && strstr(err, "unterminated") != NULL);

	err = NULL;
	EXPECT_EQ(parse("A=\"open -- x", &c, &err), -EINVAL);
	EXPECT(err != NULL && strstr(err, "unterminated") != NULL);

	err = NULL;
	EXPECT_EQ(parse("x \\", &c, &err), -EINVAL);
	EXPECT(err != NULL && strstr(err, "backslash") != NULL);

	err = NULL;
	EXPECT_EQ(parse("vmgo.=1", &c, &err), -EINVAL);
	EXPECT(err != NULL);

	/* '=' words after "--" are arguments, so no empty-key error there. */
	EXPECT_EQ(parse("-- =x", &c, &err), 0);
	EXPECT_EQ(c.argc, 2);
	EXPECT(strcmp(c.argv[1], "=x") == 0);
	done();

	err = NULL;
	EXPECT_EQ(cmdline_parse("A=1", &c, fail_alloc, &err), -ENOMEM);
	EXPECT(err != NULL);
}

TEST(argv0)
{
	struct cmdline c;
	const char *err;

	EXPECT_EQ(parse("vmgo.argv0=myprog -- a", &c, &err), 0);
	EXPECT_EQ(c.argc, 2);
	EXPECT(strcmp(c.argv[0], "myprog") == 0);
	EXPECT(strcmp(c.argv[1], "a") == 0);
	EXPECT_EQ(c.envc, 0);
	EXPECT(strcmp(cmdline_vmgo(&c, "argv0"), "myprog") == 0);
	done();

	EXPECT_EQ(parse("vmgo.argv0= x", &c, &err), 0);
	EXPECT(strcmp(c.argv[0], "app") == 0);
	done();

	EXPECT_EQ(parse("\"vmgo.argv0=my prog\"", &c, &err), 0);
	EXPECT(strcmp(c.argv[0], "my prog") == 0);
	done();
}

TEST(duplicates_keep_last)
{
	struct cmdline c;
	const char *err;

	EXPECT_EQ(parse("A=1 B=2 A=3 AB=4 vmgo.x=1 vmgo.x=2 -- A=5", &c, &err), 0);
	EXPECT_EQ(c.envc, 3);
	EXPECT(strcmp(c.envp[0], "A=3") == 0);
	EXPECT(strcmp(c.envp[1], "B=2") == 0);
	EXPECT(strcmp(c.envp[2], "AB=4") == 0);
	EXPECT(c.envp[3] == NULL);
	EXPECT(strcmp(cmdline_vmgo(&c, "x"), "2") == 0);
	EXPECT(c.vmgo[1] == NULL);
	EXPECT_EQ(c.argc, 2);
	EXPECT(strcmp(c.argv[1], "A=5") == 0);
	EXPECT(contiguous(&c));
	done();
}

TEST(not_vmgo_prefix)
{
	struct cmdline c;
	const char *err;

	/* "vmgo=1" and "vmgox.a=1" are ordinary variables. */
	EXPECT_EQ(parse("vmgo=1 vmgox.a=1 vmgo.y", &c, &err), 0);
	EXPECT_EQ(c.envc, 2);
	EXPECT(c.vmgo[0] == NULL);
	EXPECT_EQ(c.argc, 2);
	EXPECT(strcmp(c.argv[1], "vmgo.y") == 0);
	done();
}

TEST(virtio_mmio_device_words)
{
	struct cmdline c;
	const char *err;

	/* Before "--" they are dropped (runtime/virtio/virtio_mmio.c reads
	 * the raw line); after it they are arguments like any word. */
	EXPECT_EQ(parse("A=1 virtio_mmio.device=512@0xfeb00e00:12 x "
	    "virtio_mmio.devicex=1 -- virtio_mmio.device=1@2:3", &c, &err), 0);
	EXPECT_EQ(c.envc, 2);
	EXPECT(strcmp(c.envp[0], "A=1") == 0);
	EXPECT(strcmp(c.envp[1], "virtio_mmio.devicex=1") == 0);
	EXPECT_EQ(c.argc, 3);
	EXPECT(strcmp(c.argv[1], "x") == 0);
	EXPECT(strcmp(c.argv[2], "virtio_mmio.device=1@2:3") == 0);
	EXPECT(contiguous(&c));
	done();
}

TEST(long_lines)
{
	struct cmdline c;
	const char *err;
	size_t n = 1 << 20, i;
	char *line = malloc(n + 1);
	char *big = malloc(n + 1);

	/* One huge word, then 2^18 one-letter arguments. */
	memset(line, 'x', n);
	line[0] = 'K';
	line[1] = '=';
	line[n] = '\0';
	EXPECT_EQ(parse(line, &c, &err), 0);
	EXPECT_EQ(c.envc, 1);
	EXPECT_EQ(strlen(c.envp[0]), n);
	done();

	/* "-- a a a ...": one argument per two bytes. */
	memcpy(line, "--", 2);
	for (i = 2; i < n; i += 2) {
		line[i] = ' ';
		line[i + 1] = 'a';
	}
	line[n] = '\0';
	EXPECT_EQ(parse(line, &c, &err), 0);
	EXPECT_EQ(c.argc, 1 + (int)((n - 2) / 2));
	EXPECT(strcmp(c.argv[c.argc - 1], "a") == 0);
	EXPECT(contiguous(&c));
	done();

	/* A long quoted value with escaped quotes inside. */
	memset(big, 'q', n);
	big[n] = '\0';
	snprintf(line, n + 1, "V=\"%.*s\\\"\"", (int)(n - 16), big);
	EXPECT_EQ(parse(line, &c, &err), 0);
	EXPECT_EQ(c.envc, 1);
	EXPECT_EQ(strlen(c.envp[0]), 2 + (n - 16) + 1);
	done();

	free(line);
	free(big);
}

TEST(boot_line_parsed_once)
{
	static struct bootinfo bi;
	const struct cmdline *c1, *c2;

	strcpy(bi.cmdline, "GREETING=hi vmgo.hostname=h1 -- arg");
	boot_info = &bi;
	c1 = cmdline_boot();
	c2 = cmdline_boot();
	EXPECT(c1 != NULL);
	EXPECT(c1 == c2);
	EXPECT_EQ(c1->argc, 2);
	EXPECT(strcmp(c1->envp[0], "GREETING=hi") == 0);
	EXPECT(strcmp(cmdline_vmgo(c1, "hostname"), "h1") == 0);
	kfree(c1->block);
}

TEST(no_leaks)
{
	EXPECT_EQ(host_kmalloc_live, 0);
}

/* SPDX-License-Identifier: ISC */
/*
 * vfs_init.c: the boot-time part of the file name space: /tmp mounted
 * with its size limit, and the working directory, from the command line
 * (vmgo.tmpsize=, vmgo.cwd=; docs/files.md).
 */
#include "kernel.h"
#include <string.h>

#define EXIT_USAGE	2	/* bad command line, as in runtime/main.c */

/*
 * Parse "N", "NK", "NM" or "NG" (binary multiples) into *out.  false on
 * anything else or overflow.
 */
static bool
vfs_parse_size(const char *s, size_t *out)
{
	size_t v = 0, mul = 1;
	const char *p = s;

	if (*p < '0' || *p > '9')
		return false;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (__builtin_mul_overflow(v, 10, &v) ||
		    __builtin_add_overflow(v, (size_t)(*p - '0'), &v))
			return false;
	}
	switch (*p) {
	case '\0':
		break;
	case 'k': case 'K':
		mul = (size_t)1 << 10;
		p++;
		break;
	case 'm': case 'M':
		mul = (size_t)1 << 20;
		p++;
		break;
	case 'g': case 'G':
		mul = (size_t)1 << 30;
		p++;
		break;
	default:
		return false;
	}
	if (*p != '\0' || __builtin_mul_overflow(v, mul, out))
		return false;
	return true;
}

/* Mount /tmp and set the working directory (see fs.h).  A bad
 * vmgo.tmpsize or vmgo.cwd ends the boot with EXIT_USAGE and a message. */
void
vfs_init(const struct cmdline *cmd)
{
	const char *v;
	size_t limit = page_total_count() * PAGE_SIZE / 2;
	int r;

	v = cmdline_vmgo(cmd, "tmpsize");
	if (v != NULL && !vfs_parse_size(v, &limit)) {
		kprintf("vmgo: bad vmgo.tmpsize=%s: want bytes, or a number "
		    "with K, M or G\n", v);
		platform_exit(EXIT_USAGE);
	}
	tmpfs_set_limit(limit);
	r = vfs_mount("/tmp", &tmpfs_ops);
	if (r < 0)
		panic("cannot mount /tmp (%d)", r);
	v = cmdline_vmgo(cmd, "cwd");
	if (v != NULL && (r = vfs_chdir(v)) < 0) {
		kprintf("vmgo: bad vmgo.cwd=%s: %s\n", v, strerror(-r));
		platform_exit(EXIT_USAGE);
	}
}

/* SPDX-License-Identifier: ISC */
/*
 * etc.c: /etc files the runtime writes at boot.  The packer puts a
 * placeholder entry (ROFS_F_BOOT) in the file table for each default one,
 * and fs/rofs.c asks here for its contents; a user's file of the same
 * name replaces the placeholder, so this text is never seen.
 *
 *	/etc/hosts	localhost (IPv4, IPv6) and the guest's own name
 *			(vmgo.hostname=, default "vmgo") on 127.0.1.1, as
 *			Debian does, so resolving os.Hostname() works;
 *			networking puts the guest's address there once
 *			known (etc_set)
 *	/etc/resolv.conf	the DNS servers networking knows (etc_set)
 */
#include "kernel.h"

#define ETC_HOSTNAME	"vmgo"	/* as kern.hostname (runtime/libc/sysctl.c) */

static char etc_hosts[512];
static size_t etc_hosts_len;

/*
 * Files networking rewrites as its configuration changes (net/netif.c).
 * Each version is a new immutable block published by one atomic store,
 * so a reader gets an old or a new text, never a mix.  Old versions are
 * not freed (a reader may still be copying one); they change only when a
 * lease or the addresses change.
 */
struct etc_text {
	int64_t	mtime;			/* ns since 1970 */
	size_t	len;
	char	text[];
};
static const char *const etc_dyn_path[] = {
	"/etc/resolv.conf",
	"/etc/hosts",
};
static struct etc_text *etc_dyn[ARRAY_LEN(etc_dyn_path)];

static struct etc_text *
etc_dyn_get(const char *abspath)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(etc_dyn_path); i++) {
		if (strcmp(abspath, etc_dyn_path[i]) == 0)
			return __atomic_load_n(&etc_dyn[i], __ATOMIC_ACQUIRE);
	}
	return NULL;
}

/*
 * Replace the text of a file networking writes (etc_dyn_path).  0,
 * -ENOENT, -ENOMEM.  Callers serialise; thread context.
 */
int
etc_set(const char *abspath, const char *text, size_t len, int64_t mtime)
{
	struct etc_text *t, *old;
	size_t i;

	for (i = 0; i < ARRAY_LEN(etc_dyn_path); i++) {
		if (strcmp(abspath, etc_dyn_path[i]) == 0)
			break;
	}
	if (i == ARRAY_LEN(etc_dyn_path))
		return -ENOENT;
	old = etc_dyn[i];
	if (old != NULL && old->len == len && memcmp(old->text, text, len) == 0)
		return 0;
	t = kmalloc(sizeof(*t) + len + 1);
	if (t == NULL)
		return -ENOMEM;
	t->mtime = mtime;
	t->len = len;
	memcpy(t->text, text, len);
	t->text[len] = '\0';
	__atomic_store_n(&etc_dyn[i], t, __ATOMIC_RELEASE);
	return 0;
}

/* When etc_set last changed abspath (ns since 1970), or 0.  Any context. */
int64_t
etc_file_mtime(const char *abspath)
{
	const struct etc_text *t = etc_dyn_get(abspath);

	return t != NULL ? t->mtime : 0;
}

/*
 * Write the boot-time files.  Boot, thread context, after the command
 * line is parsed (cmdline_boot).
 */
void
etc_init(void)
{
	const char *h = cmdline_vmgo(cmdline_boot(), "hostname");
	int n;

	if (h == NULL || *h == '\0')
		h = ETC_HOSTNAME;
	n = ksnprintf(etc_hosts, sizeof(etc_hosts),
	    "# /etc/hosts: written by vmgo at boot\n"
	    "127.0.0.1\tlocalhost\n"
	    "::1\t\tlocalhost ip6-localhost ip6-loopback\n"
	    "127.0.1.1\t%.255s\n", h);
	etc_hosts_len = MIN((size_t)n, sizeof(etc_hosts) - 1);
}

/*
 * The contents of the boot-time file at abspath and its length, or NULL
 * if the runtime writes no such file.  Any context after etc_init.
 */
const char *
etc_file(const char *abspath, size_t *len)
{
	const struct etc_text *t = etc_dyn_get(abspath);

	if (t != NULL) {
		*len = t->len;
		return t->text;
	}
	if (strcmp(abspath, "/etc/hosts") == 0) {
		*len = etc_hosts_len;
		return etc_hosts;
	}
	return NULL;
}

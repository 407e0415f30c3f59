/* SPDX-License-Identifier: ISC */
/*
 * etc.c: /etc files the runtime writes at boot.  The packer puts a
 * placeholder entry (ROFS_F_BOOT) in the file table for each default one,
 * and fs/rofs.c asks here for its contents; a user's file of the same
 * name replaces the placeholder, so this text is never seen.
 *
 *	/etc/hosts	localhost (IPv4, IPv6) and the guest's own name
 *			(vmgo.hostname=, default "vmgo") on 127.0.1.1, as
 *			Debian does, so resolving os.Hostname() works
 */
#include "kernel.h"

#define ETC_HOSTNAME	"vmgo"	/* as kern.hostname (runtime/libc/sysctl.c) */

static char etc_hosts[512];
static size_t etc_hosts_len;

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
	if (strcmp(abspath, "/etc/hosts") == 0) {
		*len = etc_hosts_len;
		return etc_hosts;
	}
	return NULL;
}

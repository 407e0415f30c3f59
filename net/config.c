/* SPDX-License-Identifier: ISC */
/*
 * config.c: the network configuration from the boot command line (the
 * keys in net/config.h, docs/networking.md) and the text of the /etc
 * files made from it.  Pure: parsing and formatting only; netif.c applies
 * the result to lwIP.
 */
#include "kernel.h"

#include "config.h"
#include "net.h"

#define V4_LEN		4
#define V6_LEN		16
#define V6_GROUPS	8

static void __printflike(2, 3)
complain(struct net_config *cfg, const char *fmt, ...)
{
	va_list ap;

	if (cfg->nerr == NET_CFG_ERR_MAX)
		return;
	va_start(ap, fmt);
	kvsnprintf(cfg->err[cfg->nerr++], NET_CFG_ERR_LEN, fmt, ap);
	va_end(ap);
}

/* A decimal number of n bytes at s, at most max.  0 or -EINVAL. */
static int
parse_num(const char *s, size_t n, unsigned max, unsigned *out)
{
	unsigned v = 0;
	size_t i;

	if (n == 0 || n > 10)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		v = v * 10 + (unsigned)(s[i] - '0');
		if (v > max)
			return -EINVAL;
	}
	*out = v;
	return 0;
}

/* "a.b.c.d", each part 0-255 in decimal. */
static int
parse_v4(const char *s, size_t n, uint8_t *out)
{
	size_t i = 0, start;
	unsigned v;
	int part;

	for (part = 0; part < V4_LEN; part++) {
		start = i;
		while (i < n && s[i] != '.')
			i++;
		if (parse_num(s + start, i - start, 255, &v) != 0 ||
		    (i - start > 1 && s[start] == '0'))
			return -EINVAL;
		out[part] = (uint8_t)v;
		if (part < V4_LEN - 1) {
			if (i == n)
				return -EINVAL;
			i++;
		}
	}
	return i == n ? 0 : -EINVAL;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* RFC 4291 §2.2: eight groups of 1-4 hex digits, one "::" for a run of
 * zero groups, and an IPv4 dotted tail in place of the last two. */
static int
parse_v6(const char *s, size_t n, uint8_t *out)
{
	uint8_t w[V6_LEN];
	size_t i = 0, start;
	int ng = 0, gap = -1, d, h;
	unsigned v;

	if (n >= 2 && s[0] == ':' && s[1] == ':') {
		gap = 0;
		i = 2;
	} else if (n >= 1 && s[0] == ':') {
		return -EINVAL;
	}
	while (i < n) {
		if (ng == V6_GROUPS)
			return -EINVAL;
		start = i;
		v = 0;
		for (d = 0; i < n && (h = hexval(s[i])) >= 0; i++, d++)
			v = (v << 4) | (unsigned)h;
		if (i < n && s[i] == '.') {
			/* the dotted IPv4 tail: two groups, and the end */
			if (ng > V6_GROUPS - 2 ||
			    parse_v4(s + start, n - start, w + 2 * ng) != 0)
				return -EINVAL;
			ng += 2;
			i = n;
			break;
		}
		if (d == 0 || d > 4)
			return -EINVAL;
		w[2 * ng] = (uint8_t)(v >> 8);
		w[2 * ng + 1] = (uint8_t)v;
		ng++;
		if (i == n)
			break;
		if (s[i] != ':')
			return -EINVAL;
		i++;
		if (i < n && s[i] == ':') {
			if (gap >= 0)
				return -EINVAL;
			gap = ng;
			i++;
		} else if (i == n) {
			return -EINVAL;		/* a trailing single ':' */
		}
	}
	if (gap < 0 && ng != V6_GROUPS)
		return -EINVAL;
	if (gap >= 0 && ng == V6_GROUPS)
		return -EINVAL;			/* "::" must stand for a group */
	memset(out, 0, V6_LEN);
	if (gap < 0) {
		memcpy(out, w, V6_LEN);
	} else {
		memcpy(out, w, 2 * (size_t)gap);
		memcpy(out + V6_LEN - 2 * (ng - gap), w + 2 * gap,
		    2 * (size_t)(ng - gap));
	}
	return 0;
}

/* Parse an IPv4 or IPv6 address of n bytes at s.  0 or -EINVAL.  Pure. */
int
net_addr_parse(const char *s, size_t n, struct net_addr *out)
{
	memset(out, 0, sizeof(*out));
	if (memchr(s, ':', n) != NULL) {
		out->family = NET_AF_INET6;
		return parse_v6(s, n, out->a);
	}
	out->family = NET_AF_INET;
	return parse_v4(s, n, out->a);
}

/* Format a into buf (RFC 5952: lower case, the longest run of two or
 * more zero groups as "::", the first of equal runs).  Pure. */
char *
net_addr_str(const struct net_addr *a, char *buf, size_t size)
{
	int g[V6_GROUPS], i, best = -1, blen = 0, run, n = 0;

	if (a->family == NET_AF_INET) {
		ksnprintf(buf, size, "%u.%u.%u.%u", a->a[0], a->a[1], a->a[2],
		    a->a[3]);
		return buf;
	}
	for (i = 0; i < V6_GROUPS; i++)
		g[i] = a->a[2 * i] << 8 | a->a[2 * i + 1];
	for (i = 0; i < V6_GROUPS; i += run > 0 ? run : 1) {
		for (run = 0; i + run < V6_GROUPS && g[i + run] == 0; run++)
			;
		if (run > blen && run >= 2) {
			best = i;
			blen = run;
		}
	}
	buf[0] = '\0';
	for (i = 0; i < V6_GROUPS && (size_t)n < size; i++) {
		if (i == best) {
			n += ksnprintf(buf + n, size - (size_t)n, "::");
			i += blen - 1;
			continue;
		}
		n += ksnprintf(buf + n, size - (size_t)n, "%s%x",
		    i == 0 || i == best + blen ? "" : ":", g[i]);
	}
	return buf;
}

/* The prefix length of a contiguous IPv4 mask, or -1. */
static int
mask_to_plen(const uint8_t *m)
{
	uint32_t v = (uint32_t)m[0] << 24 | (uint32_t)m[1] << 16 |
	    (uint32_t)m[2] << 8 | m[3];
	int n = 0;

	while (n < 32 && (v & (0x80000000U >> n)) != 0)
		n++;
	if (n < 32 && (v & (0xffffffffU >> n)) != 0)
		return -1;
	return n;
}

/* "ADDR/PREFIX" of family fam.  0 or -EINVAL. */
static int
parse_cidr(const char *s, int fam, uint8_t *addr, int *plen)
{
	const char *slash = strchr(s, '/');
	struct net_addr a;
	unsigned p;

	if (slash == NULL ||
	    net_addr_parse(s, (size_t)(slash - s), &a) != 0 ||
	    a.family != fam ||
	    parse_num(slash + 1, strlen(slash + 1),
	    fam == NET_AF_INET ? 32 : 128, &p) != 0)
		return -EINVAL;
	memcpy(addr, a.a, fam == NET_AF_INET ? V4_LEN : V6_LEN);
	*plen = (int)p;
	return 0;
}

/* Add the servers of "ADDR[,ADDR...]".  0 or -EINVAL (none added). */
static int
parse_dns_list(const char *s, struct net_config *cfg)
{
	struct net_addr tmp[NET_CFG_DNS_MAX];
	const char *e;
	int n = 0;

	for (;;) {
		e = strchr(s, ',');
		if (e == NULL)
			e = s + strlen(s);
		if (n == NET_CFG_DNS_MAX ||
		    net_addr_parse(s, (size_t)(e - s), &tmp[n]) != 0)
			return -EINVAL;
		n++;
		if (*e == '\0')
			break;
		s = e + 1;
	}
	memcpy(cfg->dns, tmp, sizeof(tmp[0]) * (size_t)n);
	cfg->ndns = n;
	return 0;
}

static bool
word_is(const char *s, size_t n, const char *w)
{
	return strlen(w) == n && memcmp(s, w, n) == 0;
}

/* The environment's ip= (Linux's key: not a vmgo.* one). */
static const char *
env_ip(const struct cmdline *c)
{
	int i;

	for (i = 0; i < c->envc; i++) {
		if (strncmp(c->envp[i], "ip=", 3) == 0)
			return c->envp[i] + 3;
	}
	return NULL;
}

/*
 * Linux's ip=CLIENT:SERVER:GW:MASK:HOSTNAME:DEV:AUTOCONF:DNS0:DNS1:NTP0
 * (Documentation/admin-guide/nfs/nfsroot.rst), or ip=dhcp / ip=off.
 * 0 or -EINVAL, with *cfg unchanged on error.
 */
static int
parse_linux_ip(const char *v, struct net_config *cfg)
{
	struct net_config t = *cfg;
	const char *f[10], *p = v;
	size_t fl[10];
	struct net_addr a;
	int nf = 0, i;

	if (strcmp(v, "dhcp") == 0 || strcmp(v, "on") == 0 ||
	    strcmp(v, "any") == 0 || strcmp(v, "both") == 0 ||
	    strcmp(v, "bootp") == 0) {
		cfg->mode = NET_CFG_DHCP;
		return 0;
	}
	if (strcmp(v, "off") == 0 || strcmp(v, "none") == 0) {
		cfg->mode = NET_CFG_OFF;
		return 0;
	}
	if (strchr(v, ':') == NULL)
		return -EINVAL;
	while (nf < 10) {
		const char *e = strchr(p, ':');

		f[nf] = p;
		fl[nf] = e != NULL ? (size_t)(e - p) : strlen(p);
		nf++;
		if (e == NULL)
			break;
		p = e + 1;
	}
	if (strchr(p, ':') != NULL && nf == 10)
		return -EINVAL;			/* more than ten fields */
	for (; nf < 10; nf++) {
		f[nf] = "";
		fl[nf] = 0;
	}
	/* 6: autoconf */
	if (fl[6] == 0 || word_is(f[6], fl[6], "off") ||
	    word_is(f[6], fl[6], "none") || word_is(f[6], fl[6], "static"))
		t.mode = fl[0] != 0 ? NET_CFG_STATIC : NET_CFG_DHCP;
	else if (word_is(f[6], fl[6], "dhcp") || word_is(f[6], fl[6], "on") ||
	    word_is(f[6], fl[6], "any") || word_is(f[6], fl[6], "both") ||
	    word_is(f[6], fl[6], "bootp"))
		t.mode = NET_CFG_DHCP;
	else
		return -EINVAL;
	if (t.mode == NET_CFG_STATIC) {
		if (net_addr_parse(f[0], fl[0], &a) != 0 ||
		    a.family != NET_AF_INET)
			return -EINVAL;
		memcpy(t.ip4, a.a, V4_LEN);
		t.plen4 = 24;			/* Linux: the class's mask */
		if (a.a[0] < 128)
			t.plen4 = 8;
		else if (a.a[0] < 192)
			t.plen4 = 16;
		if (fl[3] != 0) {
			if (net_addr_parse(f[3], fl[3], &a) != 0 ||
			    a.family != NET_AF_INET ||
			    (t.plen4 = mask_to_plen(a.a)) < 0)
				return -EINVAL;
		}
	}
	if (fl[1] != 0 && net_addr_parse(f[1], fl[1], &a) != 0)
		return -EINVAL;			/* the server: checked only */
	if (fl[2] != 0) {
		if (net_addr_parse(f[2], fl[2], &a) != 0 ||
		    a.family != NET_AF_INET)
			return -EINVAL;
		memcpy(t.gw4, a.a, V4_LEN);
		t.has_gw = true;
	}
	if (fl[4] != 0) {
		if (fl[4] >= sizeof(t.hostname))
			return -EINVAL;
		memcpy(t.hostname, f[4], fl[4]);
		t.hostname[fl[4]] = '\0';
	}
	if (fl[5] != 0) {
		if (fl[5] >= sizeof(t.dev))
			return -EINVAL;
		memcpy(t.dev, f[5], fl[5]);
		t.dev[fl[5]] = '\0';
	}
	for (i = 7; i <= 8; i++) {
		if (fl[i] == 0)
			continue;
		if (t.ndns == NET_CFG_DNS_MAX ||
		    net_addr_parse(f[i], fl[i], &t.dns[t.ndns]) != 0)
			return -EINVAL;
		t.ndns++;
	}
	*cfg = t;
	return 0;
}

/* Read the network keys of c into *cfg.  Pure. */
void
net_config_parse(const struct cmdline *c, struct net_config *cfg)
{
	const char *v;
	struct net_addr a;

	memset(cfg, 0, sizeof(*cfg));
	if ((v = env_ip(c)) != NULL && parse_linux_ip(v, cfg) != 0)
		complain(cfg, "ip=%.64s: expected ip=ADDR::GW:MASK[:HOSTNAME"
		    "[:DEV[:AUTOCONF[:DNS0[:DNS1]]]]], ip=dhcp or ip=off; "
		    "ignored", v);
	if ((v = cmdline_vmgo(c, "ip")) != NULL) {
		if (strcmp(v, "dhcp") == 0) {
			cfg->mode = NET_CFG_DHCP;
		} else if (strcmp(v, "off") == 0) {
			cfg->mode = NET_CFG_OFF;
		} else if (parse_cidr(v, NET_AF_INET, cfg->ip4,
		    &cfg->plen4) == 0) {
			cfg->mode = NET_CFG_STATIC;
		} else {
			complain(cfg, "vmgo.ip=%.64s: expected vmgo.ip=ADDR/"
			    "PREFIX (like 10.0.2.15/24), dhcp or off; ignored",
			    v);
		}
	}
	if ((v = cmdline_vmgo(c, "gw")) != NULL) {
		if (net_addr_parse(v, strlen(v), &a) != 0 ||
		    a.family != NET_AF_INET) {
			complain(cfg, "vmgo.gw=%.64s: expected vmgo.gw=ADDR "
			    "(an IPv4 address like 10.0.2.2); ignored", v);
		} else {
			memcpy(cfg->gw4, a.a, V4_LEN);
			cfg->has_gw = true;
		}
	}
	if (cfg->has_gw && cfg->mode != NET_CFG_STATIC) {
		complain(cfg, "vmgo.gw: a gateway needs a static address "
		    "(vmgo.ip=ADDR/PREFIX); ignored");
		cfg->has_gw = false;
	}
	if ((v = cmdline_vmgo(c, "dns")) != NULL &&
	    parse_dns_list(v, cfg) != 0)
		complain(cfg, "vmgo.dns=%.64s: expected vmgo.dns=ADDR[,ADDR"
		    "[,ADDR]] (IPv4 or IPv6 addresses); ignored", v);
	if ((v = cmdline_vmgo(c, "ip6")) != NULL) {
		if (parse_cidr(v, NET_AF_INET6, cfg->ip6, &cfg->plen6) == 0)
			cfg->has_ip6 = true;
		else
			complain(cfg, "vmgo.ip6=%.64s: expected vmgo.ip6=ADDR/"
			    "PREFIX (like fd00::15/64); ignored", v);
	}
	if ((v = cmdline_vmgo(c, "hostname")) != NULL && *v != '\0')
		strlcpy(cfg->hostname, v, sizeof(cfg->hostname));
}

/* The text of /etc/resolv.conf.  Pure. */
size_t
net_resolv_text(const struct net_addr *dns, int n, char *buf, size_t size)
{
	char a[NET_ADDR_STRLEN];
	size_t len;
	int i;

	len = (size_t)ksnprintf(buf, size, "# /etc/resolv.conf: written by "
	    "vmgo%s\n", n == 0 ? "; no DNS server known (yet)" :
	    " from the network configuration");
	for (i = 0; i < n && len < size; i++)
		len += (size_t)ksnprintf(buf + len, size - len,
		    "nameserver %s\n", net_addr_str(&dns[i], a, sizeof(a)));
	return MIN(len, size - 1);
}

/* The text of /etc/hosts.  Pure. */
size_t
net_hosts_text(const char *hostname, const struct net_addr *addr,
    char *buf, size_t size)
{
	char a[NET_ADDR_STRLEN];
	int n;

	n = ksnprintf(buf, size,
	    "# /etc/hosts: written by vmgo at boot\n"
	    "127.0.0.1\tlocalhost\n"
	    "::1\t\tlocalhost ip6-localhost ip6-loopback\n"
	    "%s\t%.255s\n",
	    addr != NULL ? net_addr_str(addr, a, sizeof(a)) : "127.0.1.1",
	    hostname);
	return MIN((size_t)n, size - 1);
}

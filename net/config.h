/* SPDX-License-Identifier: ISC */
/*
 * config.h: the network configuration from the boot command line and the
 * /etc files made from it (net/config.c).  Pure code, no lwIP: host unit
 * tests compile it as it is (tests/unit/test_netcfg.c).
 *
 * The keys (docs/networking.md):
 *	ip=ADDR:SERVER:GW:MASK[:HOSTNAME[:DEV[:AUTOCONF[:DNS0[:DNS1]]]]]
 *	ip=dhcp | ip=off	Linux's nfsroot form (SERVER is ignored)
 *	vmgo.ip=ADDR/PREFIX | dhcp | off
 *	vmgo.gw=ADDR
 *	vmgo.dns=ADDR[,ADDR[,ADDR]]	IPv4 or IPv6
 *	vmgo.ip6=ADDR/PREFIX
 *	vmgo.hostname=NAME	(sent in DHCP requests)
 * vmgo.* keys win over the same field of ip=.
 */
#ifndef VMGO_NET_CONFIG_H
#define VMGO_NET_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cmdline;

#define NET_CFG_DNS_MAX		3	/* resolv.conf's MAXNS */
#define NET_CFG_ERR_MAX		6
#define NET_CFG_ERR_LEN		192
#define NET_CFG_HOST_MAX	64

enum net_cfg_mode {
	NET_CFG_DHCP = 0,	/* the default */
	NET_CFG_STATIC,
	NET_CFG_OFF,		/* no IPv4 address at all */
};

/* An IPv4 or IPv6 address, network byte order. */
struct net_addr {
	int		family;		/* NET_AF_INET, NET_AF_INET6 */
	uint8_t		a[16];		/* IPv4 in a[0..4) */
};

struct net_config {
	enum net_cfg_mode mode;		/* IPv4 of the configured NIC */
	char		dev[16];	/* that NIC; "" = the first */
	uint8_t		ip4[4];		/* with NET_CFG_STATIC */
	int		plen4;
	bool		has_gw;
	uint8_t		gw4[4];
	bool		has_ip6;	/* vmgo.ip6= */
	uint8_t		ip6[16];
	int		plen6;
	int		ndns;		/* static servers; 0 = from DHCP */
	struct net_addr	dns[NET_CFG_DNS_MAX];
	char		hostname[NET_CFG_HOST_MAX];	/* "" = none */
	int		nerr;		/* messages about malformed keys */
	char		err[NET_CFG_ERR_MAX][NET_CFG_ERR_LEN];
};

/*
 * Read the keys above from c into *cfg (zeroed first).  A malformed value
 * is ignored and described in cfg->err (one line each, naming the key and
 * the form expected); the rest still applies.  Pure.
 */
void	net_config_parse(const struct cmdline *c, struct net_config *cfg);
/*
 * Parse an IPv4 ("a.b.c.d") or IPv6 (RFC 4291 §2.2, "::" and a dotted
 * tail included) address of n bytes at s.  0 or -EINVAL.  Pure.
 */
int	net_addr_parse(const char *s, size_t n, struct net_addr *out);
/* Format a (IPv6 as RFC 5952 says) into buf; returns buf.  Pure. */
char	*net_addr_str(const struct net_addr *a, char *buf, size_t size);
#define NET_ADDR_STRLEN	48
/*
 * The text of /etc/resolv.conf for these servers (a comment alone when
 * there are none) into buf; returns its length (truncated to size - 1).
 * Pure.
 */
size_t	net_resolv_text(const struct net_addr *dns, int n, char *buf,
	    size_t size);
/*
 * The text of /etc/hosts: localhost lines and hostname on addr (NULL:
 * on 127.0.1.1, as Debian does without a known address).  Pure.
 */
size_t	net_hosts_text(const char *hostname, const struct net_addr *addr,
	    char *buf, size_t size);

#endif

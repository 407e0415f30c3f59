/* SPDX-License-Identifier: ISC */
/* test_netcfg.c: host tests of net/config.c (network keys, /etc texts). */
#include "harness.h"

#include <string.h>

#include "../../runtime/cmdline.c"
#include "../../runtime/kprintf.c"
#include "../../net/config.c"
#include "host_shim.h"

/* glibc before 2.38 has no strlcpy; the runtime's string.c would clash
 * with the host's memcpy and friends. */
__attribute__((weak)) size_t
strlcpy(char *restrict d, const char *restrict s, size_t size)
{
	size_t n = strlen(s);

	if (size != 0) {
		size_t m = n < size - 1 ? n : size - 1;

		memcpy(d, s, m);
		d[m] = '\0';
	}
	return n;
}

/* kprintf.c's output. */
void
console_write(const char *s, size_t n)
{
	fwrite(s, 1, n, stdout);
}

static struct cmdline cl;
static void *block;

static void *
alloc(size_t n)
{
	block = kmalloc(n);
	return block;
}

/* Parse a command line and its network keys into cfg. */
static void
cfg_of(const char *line, struct net_config *cfg)
{
	const char *err = NULL;

	block = NULL;
	if (cmdline_parse(line, &cl, alloc, &err) != 0) {
		printf("cmdline_parse(%s): %s\n", line, err);
		memset(&cl, 0, sizeof(cl));
	}
	net_config_parse(&cl, cfg);
	kfree(block);
	block = NULL;
}

static bool
v4_is(const uint8_t *a, int x0, int x1, int x2, int x3)
{
	return a[0] == x0 && a[1] == x1 && a[2] == x2 && a[3] == x3;
}

/* Round trip of an address through parse and format. */
static bool
roundtrip(const char *in, const char *want)
{
	struct net_addr a;
	char buf[NET_ADDR_STRLEN];

	if (net_addr_parse(in, strlen(in), &a) != 0)
		return false;
	net_addr_str(&a, buf, sizeof(buf));
	if (strcmp(buf, want) != 0)
		printf("  %s -> %s, want %s\n", in, buf, want);
	return strcmp(buf, want) == 0;
}

static bool
bad(const char *in)
{
	struct net_addr a;

	return net_addr_parse(in, strlen(in), &a) == -EINVAL;
}

TEST(ipv4_addresses)
{
	EXPECT(roundtrip("10.0.2.15", "10.0.2.15"));
	EXPECT(roundtrip("0.0.0.0", "0.0.0.0"));
	EXPECT(roundtrip("255.255.255.255", "255.255.255.255"));
	EXPECT(bad(""));
	EXPECT(bad("10.0.2"));
	EXPECT(bad("10.0.2.15.1"));
	EXPECT(bad("10.0.2.256"));
	EXPECT(bad("10.0.02.15"));
	EXPECT(bad("10..2.15"));
	EXPECT(bad("10.0.2.15 "));
	EXPECT(bad("a.b.c.d"));
	EXPECT(bad("99999999999.1.1.1"));
}

TEST(ipv6_addresses)
{
	EXPECT(roundtrip("::", "::"));
	EXPECT(roundtrip("::1", "::1"));
	EXPECT(roundtrip("fe80::1", "fe80::1"));
	EXPECT(roundtrip("FE80:0:0:0:0:0:0:1", "fe80::1"));
	EXPECT(roundtrip("2001:db8::8:800:200c:417a",
	    "2001:db8::8:800:200c:417a"));
	/* RFC 5952 §4.2.2: one zero group is not "::" */
	EXPECT(roundtrip("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"));
	/* §4.2.3: the longest run; the first of equal ones */
	EXPECT(roundtrip("2001:0:0:1:0:0:0:1", "2001:0:0:1::1"));
	EXPECT(roundtrip("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"));
	EXPECT(roundtrip("1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0"));
	EXPECT(roundtrip("::ffff:10.0.2.15", "::ffff:a00:20f"));
	EXPECT(roundtrip("1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:102:304"));
	EXPECT(bad("1::2::3"));
	EXPECT(bad(":1"));
	EXPECT(bad("1:"));
	EXPECT(bad("1:::2"));
	EXPECT(bad("12345::"));
	EXPECT(bad("1:2:3:4:5:6:7:8:9"));
	EXPECT(bad("1:2:3:4:5:6:7"));
	EXPECT(bad("1:2:3:4:5:6:7:8::"));
	EXPECT(bad("::1.2.3"));
	EXPECT(bad("1:2:3:4:5:6:7:1.2.3.4"));
	EXPECT(bad("fe80::1%vio0"));
	EXPECT(bad("g::1"));
}

TEST(default_is_dhcp)
{
	struct net_config cfg;

	cfg_of("vmgo.verbose=1 -- x", &cfg);
	EXPECT_EQ(cfg.mode, NET_CFG_DHCP);
	EXPECT_EQ(cfg.nerr, 0);
	EXPECT_EQ(cfg.ndns, 0);
	EXPECT(!cfg.has_gw && !cfg.has_ip6);
	EXPECT_EQ(cfg.hostname[0], '\0');
}

TEST(vmgo_keys)
{
	struct net_config cfg;
	char a[NET_ADDR_STRLEN];

	cfg_of("vmgo.ip=10.0.2.15/24 vmgo.gw=10.0.2.2 "
	    "vmgo.dns=10.0.2.3,fd00::3 vmgo.ip6=fd00::15/64 "
	    "vmgo.hostname=box", &cfg);
	EXPECT_EQ(cfg.nerr, 0);
	EXPECT_EQ(cfg.mode, NET_CFG_STATIC);
	EXPECT(v4_is(cfg.ip4, 10, 0, 2, 15));
	EXPECT_EQ(cfg.plen4, 24);
	EXPECT(cfg.has_gw && v4_is(cfg.gw4, 10, 0, 2, 2));
	EXPECT_EQ(cfg.ndns, 2);
	EXPECT_EQ(cfg.dns[0].family, NET_AF_INET);
	EXPECT(strcmp(net_addr_str(&cfg.dns[1], a, sizeof(a)), "fd00::3") ==
	    0);
	EXPECT(cfg.has_ip6);
	EXPECT_EQ(cfg.plen6, 64);
	EXPECT_EQ(cfg.ip6[0], 0xfd);
	EXPECT_EQ(cfg.ip6[15], 0x15);
	EXPECT(strcmp(cfg.hostname, "box") == 0);
	EXPECT_EQ(cfg.dev[0], '\0');

	cfg_of("vmgo.ip=off", &cfg);
	EXPECT_EQ(cfg.mode, NET_CFG_OFF);
	cfg_of("vmgo.ip=dhcp vmgo.dns=1.1.1.1", &cfg);
	EXPECT_EQ(cfg.mode, NET_CFG_DHCP);
	EXPECT_EQ(cfg.ndns, 1);
	EXPECT_EQ(cfg.nerr, 0);
}

/* Each malformed key is reported by name with its expected form, and
 * the rest of the configuration still applies. */
TEST(malformed_vmgo_keys)
{
	struct net_config cfg;

	cfg_of("vmgo.ip=10.0.2.15 vmgo.dns=10.0.2.3", &cfg);
	EXPECT_EQ(cfg.mode, NET_CFG_DHCP);
	EXPECT_EQ(cfg.nerr, 1);
	EXPECT(strstr(cfg.err[0], "vmgo.ip=10.0.2.15: expected "
	    "vmgo.ip=ADDR/PREFIX") == cfg.err[0]);
	EXPECT_EQ(cfg.ndns, 1);

	cfg_of("vmgo.ip=10.0.2.15/33", &cfg);
	EXPECT_EQ(cfg.mode, NET_CFG_DHCP);
	EXPECT_EQ(cfg.nerr, 1);
	cfg_of("vmgo.ip=fd00::1/64", &cfg);
	EXPECT_EQ(cfg.nerr, 1);

	cfg_of("vmgo.ip=10.0.2.15/24 vmgo.gw=10.0.2 vmgo.dns=1.2.3.4,, "
	    "vmgo.ip6=fd00::1", &cfg);
	EXPECT_EQ(cfg.mode, NET_CFG_STATIC);
	EXPECT(!cfg.has_gw);
	EXPECT_EQ(cfg.ndns, 0);
	EXPECT(!cfg.has_ip6);
	EXPECT_EQ(cfg.nerr, 3);
	EXPECT(strncmp(cfg.err[0], "vmgo.gw=10.0.2: expected vmgo.gw=ADDR",
	    37) == 0);
	EXPECT(strncmp(cfg.err[1], "vmgo.dns=1.2.3.4,,: expected "
	    "vmgo.dns=ADDR[,ADDR[,ADDR]]", 56) == 0);
	EXPECT(strncmp(cfg.err[2], "vmgo.ip6=fd00::1: expected "
	    "vmgo.ip6=ADDR/PREFIX", 47) == 0);

	cfg_of("vmgo.dns=1.1.1.1,2.2.2.2,3.3.3.3,4.4.4.4", &cfg);
	EXPECT_EQ(cfg.ndns, 0);
	EXPECT_EQ(cfg.nerr, 1);

	/* a gateway without a static address */
	cfg_of("vmgo.gw=10.0.2.2", &cfg);
	EXPECT(!cfg.has_gw);
	EXPECT_EQ(cfg.nerr, 1);
	EXPECT(strncmp(cfg.err[0], "vmgo.gw: a gateway needs a static", 33)
	    == 0);
}

TEST(linux_ip)
{
	struct net_config cfg;

	cfg_of("ip=10.0.2.15::10.0.2.2:255.255.255.0", &cfg);
	EXPECT_EQ(cfg.nerr, 0);
	EXPECT_EQ(cfg.mode, NET_CFG_STATIC);
	EXPECT(v4_is(cfg.ip4, 10, 0, 2, 15));
	EXPECT_EQ(cfg.plen4, 24);
	EXPECT(cfg.has_gw && v4_is(cfg.gw4, 10, 0, 2, 2));

	cfg_of("ip=192.168.1.9:10.0.0.1:192.168.1.1:255.255.0.0:box:vio1:off:"
	    "8.8.8.8:2001:4860:4860::8888", &cfg);
	/* an IPv6 DNS server cannot be told from more fields: refused */
	EXPECT_EQ(cfg.nerr, 1);
	EXPECT_EQ(cfg.mode, NET_CFG_DHCP);

	cfg_of("ip=192.168.1.9:10.0.0.1:192.168.1.1:255.255.0.0:box:vio1:off:"
	    "8.8.8.8:8.8.4.4", &cfg);
	EXPECT_EQ(cfg.nerr, 0);
	EXPECT_EQ(cfg.plen4, 16);
	EXPECT(strcmp(cfg.hostname, "box") == 0);
	EXPECT(strcmp(cfg.dev, "vio1") == 0);
	EXPECT_EQ(cfg.ndns, 2);
	EXPECT(v4_is(cfg.dns[1].a, 8, 8, 4, 4));

	/* no mask: the address's class */
	cfg_of("ip=10.1.2.3:::", &cfg);
	EXPECT_EQ(cfg.mode, NET_CFG_STATIC);
	EXPECT_EQ(cfg.plen4, 8);
	EXPECT(!cfg.has_gw);

	cfg_of("ip=dhcp", &cfg);
	EXPECT_EQ(cfg.mode, NET_CFG_DHCP);
	cfg_of("ip=off", &cfg);
	EXPECT_EQ(cfg.mode, NET_CFG_OFF);
	cfg_of("ip=:::::vio0:dhcp", &cfg);
	EXPECT_EQ(cfg.mode, NET_CFG_DHCP);
	EXPECT(strcmp(cfg.dev, "vio0") == 0);

	/* vmgo.* keys win over ip= */
	cfg_of("ip=10.0.2.15::10.0.2.2:255.255.255.0:box vmgo.ip=dhcp "
	    "vmgo.hostname=other", &cfg);
	EXPECT_EQ(cfg.mode, NET_CFG_DHCP);
	EXPECT(strcmp(cfg.hostname, "other") == 0);
	EXPECT_EQ(cfg.nerr, 1);		/* ip='s gateway, now without an
					   address */

	/* malformed */
	cfg_of("ip=10.0.2.15", &cfg);
	EXPECT_EQ(cfg.nerr, 1);
	EXPECT(strncmp(cfg.err[0], "ip=10.0.2.15: expected ip=ADDR::GW:MASK",
	    39) == 0);
	EXPECT_EQ(cfg.mode, NET_CFG_DHCP);
	cfg_of("ip=10.0.2.15::10.0.2.2:255.0.255.0", &cfg);
	EXPECT_EQ(cfg.nerr, 1);
	cfg_of("ip=10.0.2.15::10.0.2.2:255.255.255.0::vio0:sometimes", &cfg);
	EXPECT_EQ(cfg.nerr, 1);
	cfg_of("ip=x::10.0.2.2:255.255.255.0", &cfg);
	EXPECT_EQ(cfg.nerr, 1);
	EXPECT_EQ(cfg.mode, NET_CFG_DHCP);
}

TEST(etc_texts)
{
	struct net_addr d[2];
	char buf[512];
	size_t n;

	n = net_resolv_text(d, 0, buf, sizeof(buf));
	EXPECT_EQ(n, strlen(buf));
	EXPECT(strstr(buf, "nameserver") == NULL);
	EXPECT(buf[0] == '#');

	EXPECT_EQ(net_addr_parse("10.0.2.3", 8, &d[0]), 0);
	EXPECT_EQ(net_addr_parse("fec0::3", 7, &d[1]), 0);
	n = net_resolv_text(d, 2, buf, sizeof(buf));
	EXPECT(strstr(buf, "\nnameserver 10.0.2.3\nnameserver fec0::3\n") !=
	    NULL);
	EXPECT_EQ(n, strlen(buf));
	n = net_resolv_text(d, 2, buf, 20);
	EXPECT_EQ(n, 19);
	EXPECT_EQ(strlen(buf), 19);

	n = net_hosts_text("box", NULL, buf, sizeof(buf));
	EXPECT(strstr(buf, "127.0.0.1\tlocalhost\n") != NULL);
	EXPECT(strstr(buf, "\n127.0.1.1\tbox\n") != NULL);
	EXPECT_EQ(n, strlen(buf));
	net_hosts_text("box", &d[0], buf, sizeof(buf));
	EXPECT(strstr(buf, "\n10.0.2.3\tbox\n") != NULL);
	EXPECT(strstr(buf, "127.0.1.1") == NULL);
	EXPECT(strstr(buf, "::1\t\tlocalhost") != NULL);
}

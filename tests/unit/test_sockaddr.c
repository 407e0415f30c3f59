/* SPDX-License-Identifier: ISC */
/*
 * test_sockaddr.c: host tests of the socket layer's pure logic:
 * net/sockaddr.c (OpenBSD sockaddr_in/in6 decoding and encoding: length
 * byte, family at byte 1, big-endian port, v4-mapped addresses, BSD's
 * truncation of a short output buffer) and net/route.c's NET_RT_IFLIST
 * builder, whose output is walked the way Go's x/net/route parses it.
 */
#include "harness.h"

#include <string.h>

#include "../../net/sockaddr.c"
#include "../../net/route.c"

static struct sockaddr_in
sin4(uint8_t a, uint8_t b, uint8_t c, uint8_t d, uint16_t port)
{
	struct sockaddr_in s;

	memset(&s, 0, sizeof(s));
	s.sin_len = sizeof(s);
	s.sin_family = AF_INET;
	s.sin_port = (uint16_t)((port >> 8) | (port << 8));
	((uint8_t *)&s.sin_addr)[0] = a;
	((uint8_t *)&s.sin_addr)[1] = b;
	((uint8_t *)&s.sin_addr)[2] = c;
	((uint8_t *)&s.sin_addr)[3] = d;
	return s;
}

TEST(decode_inet)
{
	struct sockaddr_in s = sin4(127, 0, 0, 1, 8080);
	struct sock_addr a;

	EXPECT_EQ(sockaddr_decode(&s, sizeof(s), AF_INET, false, &a), 0);
	EXPECT_EQ(a.family, AF_INET);
	EXPECT_EQ(a.port, 8080);
	EXPECT(memcmp(a.addr, "\x7f\0\0\x01", 4) == 0);
	EXPECT(!sock_addr_any(&a));
	/* short, foreign family, NULL */
	EXPECT_EQ(sockaddr_decode(&s, 15, AF_INET, false, &a), -EINVAL);
	EXPECT_EQ(sockaddr_decode(&s, 1, AF_INET, false, &a), -EINVAL);
	EXPECT_EQ(sockaddr_decode(&s, sizeof(s), AF_INET6, false, &a),
	    -EAFNOSUPPORT);
	EXPECT_EQ(sockaddr_decode(NULL, 16, AF_INET, false, &a), -EFAULT);
	/* 0.0.0.0 */
	s = sin4(0, 0, 0, 0, 0);
	EXPECT_EQ(sockaddr_decode(&s, sizeof(s), AF_INET, false, &a), 0);
	EXPECT(sock_addr_any(&a));
	EXPECT_EQ(a.port, 0);
}

TEST(decode_linux_layout_is_unspec)
{
	/* A Linux sockaddr_in has a 16-bit family at byte 0: byte 1 reads
	 * as AF_UNSPEC, never as AF_INET. */
	uint8_t linux_sin[16] = { 2, 0, 0x1f, 0x90, 127, 0, 0, 1 };
	struct sock_addr a;

	EXPECT_EQ(sockaddr_decode(linux_sin, 16, AF_INET, false, &a), 0);
	EXPECT_EQ(a.family, AF_UNSPEC);
}

TEST(decode_inet6_and_mapped)
{
	struct sockaddr_in6 s;
	struct sock_addr a;

	memset(&s, 0, sizeof(s));
	s.sin6_len = sizeof(s);
	s.sin6_family = AF_INET6;
	s.sin6_port = 0x5000;		/* 80 big-endian */
	s.sin6_addr.s6_addr[15] = 1;	/* ::1 */
	s.sin6_scope_id = 3;
	EXPECT_EQ(sockaddr_decode(&s, sizeof(s), AF_INET6, false, &a), 0);
	EXPECT_EQ(a.family, AF_INET6);
	EXPECT_EQ(a.port, 80);
	EXPECT_EQ(a.addr[15], 1);
	EXPECT_EQ(a.scope, 3);
	EXPECT_EQ(sockaddr_decode(&s, 27, AF_INET6, false, &a), -EINVAL);
	EXPECT_EQ(sockaddr_decode(&s, sizeof(s), AF_INET, false, &a),
	    -EAFNOSUPPORT);

	/* ::ffff:10.0.2.15 */
	memset(s.sin6_addr.s6_addr, 0, 16);
	s.sin6_addr.s6_addr[10] = 0xff;
	s.sin6_addr.s6_addr[11] = 0xff;
	memcpy(s.sin6_addr.s6_addr + 12, "\x0a\x00\x02\x0f", 4);
	EXPECT_EQ(sockaddr_decode(&s, sizeof(s), AF_INET6, false, &a),
	    -EADDRNOTAVAIL);
	EXPECT_EQ(sockaddr_decode(&s, sizeof(s), AF_INET6, true, &a), 0);
	EXPECT_EQ(a.family, AF_INET);
	EXPECT(memcmp(a.addr, "\x0a\x00\x02\x0f", 4) == 0);
	EXPECT_EQ(a.scope, 0);
	EXPECT_EQ(a.port, 80);
}

TEST(encode)
{
	struct sock_addr a;
	uint8_t buf[108];
	unsigned int len;

	memset(&a, 0, sizeof(a));
	a.family = AF_INET;
	memcpy(a.addr, "\x7f\0\0\x01", 4);
	a.port = 0x1234;
	len = sizeof(buf);
	memset(buf, 0xee, sizeof(buf));
	EXPECT_EQ(sockaddr_encode(&a, AF_INET, buf, &len), 16);
	EXPECT_EQ(len, 16);
	EXPECT_EQ(buf[0], 16);
	EXPECT_EQ(buf[1], AF_INET);
	EXPECT_EQ(buf[2], 0x12);
	EXPECT_EQ(buf[3], 0x34);
	EXPECT(memcmp(buf + 4, "\x7f\0\0\x01", 4) == 0);
	EXPECT(memcmp(buf + 8, "\0\0\0\0\0\0\0\0", 8) == 0);
	EXPECT_EQ(buf[16], 0xee);

	/* A short buffer gets a prefix and the length copied (BSD). */
	len = 8;
	memset(buf, 0xee, sizeof(buf));
	EXPECT_EQ(sockaddr_encode(&a, AF_INET, buf, &len), 16);
	EXPECT_EQ(len, 8);
	EXPECT_EQ(buf[8], 0xee);

	/* IPv4 on an AF_INET6 socket: v4-mapped. */
	len = sizeof(buf);
	EXPECT_EQ(sockaddr_encode(&a, AF_INET6, buf, &len), 28);
	EXPECT_EQ(len, 28);
	EXPECT_EQ(buf[0], 28);
	EXPECT_EQ(buf[1], AF_INET6);
	EXPECT(memcmp(buf + 8, "\0\0\0\0\0\0\0\0\0\0\xff\xff\x7f\0\0\x01",
	    16) == 0);

	/* IPv6 keeps its zone. */
	memset(&a, 0, sizeof(a));
	a.family = AF_INET6;
	a.addr[0] = 0xfe;
	a.addr[1] = 0x80;
	a.addr[15] = 7;
	a.scope = 2;
	a.port = 443;
	len = sizeof(buf);
	EXPECT_EQ(sockaddr_encode(&a, AF_INET6, buf, &len), 28);
	EXPECT_EQ(buf[2], 443 >> 8);
	EXPECT_EQ(buf[3], 443 & 0xff);
	EXPECT_EQ(buf[8], 0xfe);
	EXPECT_EQ(buf[23], 7);
	EXPECT_EQ(buf[24], 2);
	EXPECT(sock_addr_v4mapped(&a) == false);

	/* NULL output: only the length. */
	EXPECT_EQ(sockaddr_encode(&a, AF_INET6, NULL, NULL), 28);
}

/* Two interfaces: lo0 (127.0.0.1/8, ::1/128), vio0 with a MAC, an IPv4
 * and a link-local IPv6 address. */
static int
fake_ifs(struct net_ifinfo *ifs)
{
	memset(ifs, 0, 2 * sizeof(*ifs));
	strcpy(ifs[0].name, "lo0");
	ifs[0].index = 1;
	ifs[0].flags = IFF_UP | IFF_LOOPBACK | IFF_RUNNING | IFF_MULTICAST;
	ifs[0].type = IFT_LOOP;
	ifs[0].mtu = 32768;
	ifs[0].naddr = 2;
	ifs[0].addrs[0].family = AF_INET;
	memcpy(ifs[0].addrs[0].addr, "\x7f\0\0\x01", 4);
	memcpy(ifs[0].addrs[0].mask, "\xff\0\0\0", 4);
	ifs[0].addrs[1].family = AF_INET6;
	ifs[0].addrs[1].addr[15] = 1;
	memset(ifs[0].addrs[1].mask, 0xff, 16);
	strcpy(ifs[1].name, "vio0");
	ifs[1].index = 2;
	ifs[1].flags = IFF_UP | IFF_BROADCAST | IFF_RUNNING | IFF_MULTICAST;
	ifs[1].type = IFT_ETHER;
	ifs[1].mtu = 1500;
	memcpy(ifs[1].hwaddr, "\x52\x54\x00\x12\x34\x56", 6);
	ifs[1].hwlen = 6;
	ifs[1].naddr = 2;
	ifs[1].addrs[0].family = AF_INET;
	memcpy(ifs[1].addrs[0].addr, "\x0a\x00\x02\x0f", 4);
	memcpy(ifs[1].addrs[0].mask, "\xff\xff\xff\x00", 4);
	ifs[1].addrs[1].family = AF_INET6;
	ifs[1].addrs[1].addr[0] = 0xfe;
	ifs[1].addrs[1].addr[1] = 0x80;
	ifs[1].addrs[1].addr[15] = 0x99;
	memset(ifs[1].addrs[1].mask, 0xff, 8);
	return 2;
}

static uint16_t
rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t
rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

/* Walk a dump as x/net/route's ParseRIB does; count message kinds and
 * note what was found.  0 when every message parsed. */
struct walk {
	int	ifinfo, newaddr;
	char	names[4][16];
	int	mtu[4];
	int	addrs4, addrs6, zone_ok;
};

static int
walk(const uint8_t *b, size_t n, struct walk *w)
{
	size_t off = 0, l, hl, p, sl;
	uint32_t attrs;
	int i;

	memset(w, 0, sizeof(*w));
	while (n - off > 4) {
		l = rd16(b + off);
		if (l == 0 || off + l > n || b[off + 2] != RTM_VERSION)
			return -1;
		hl = rd16(b + off + 4);
		if (b[off + 3] == RTM_IFINFO) {
			/* parseInterfaceMessage */
			if (l < 32 || hl != 0xf8 || hl + 8 > l)
				return -2;
			attrs = rd32(b + off + 12);
			if (!(attrs & RTA_IFP))
				return -3;
			p = off + hl;	/* parseLinkAddr: sockaddr_dl */
			if (b[p + 1] != AF_LINK ||
			    rd16(b + p + 2) != rd16(b + off + 6))
				return -4;
			if (w->ifinfo < 4) {
				memcpy(w->names[w->ifinfo], b + p + 8, b[p + 5]);
				w->mtu[w->ifinfo] = (int)rd32(b + off + 28);
			}
			w->ifinfo++;
		} else if (b[off + 3] == RTM_NEWADDR) {
			if (l < 24 || hl != 24)
				return -5;
			attrs = rd32(b + off + 12);
			p = off + hl;
			for (i = 0; i < RTAX_MAX; i++) {
				if (!(attrs & (1u << i)))
					continue;
				sl = b[p];
				if (b[p + 1] != AF_INET && b[p + 1] != AF_INET6)
					return -6;
				if (i == RTAX_IFA && b[p + 1] == AF_INET)
					w->addrs4++;
				if (i == RTAX_IFA && b[p + 1] == AF_INET6) {
					w->addrs6++;
					if (b[p + 8] == 0xfe &&
					    rd32(b + p + 24) == rd16(b + off + 6))
						w->zone_ok++;
				}
				p += (sl + 7) & ~(size_t)7;
			}
			if (p != off + l)
				return -7;	/* lengths must add up */
			w->newaddr++;
		} else {
			return -8;
		}
		off += l;
	}
	return off == n ? 0 : -9;
}

TEST(route_iflist)
{
	struct net_ifinfo ifs[2];
	static uint8_t buf[4096];
	struct walk w;
	size_t need, got;
	int n = fake_ifs(ifs);

	need = route_iflist(ifs, n, 0, 0, NULL, 0);
	EXPECT(need > 0 && need < sizeof(buf));
	got = route_iflist(ifs, n, 0, 0, buf, sizeof(buf));
	EXPECT_EQ(got, need);
	EXPECT_EQ(walk(buf, got, &w), 0);
	EXPECT_EQ(w.ifinfo, 2);
	EXPECT_EQ(w.newaddr, 4);
	EXPECT(strcmp(w.names[0], "lo0") == 0);
	EXPECT(strcmp(w.names[1], "vio0") == 0);
	EXPECT_EQ(w.mtu[0], 32768);
	EXPECT_EQ(w.mtu[1], 1500);
	EXPECT_EQ(w.addrs4, 2);
	EXPECT_EQ(w.addrs6, 2);
	EXPECT_EQ(w.zone_ok, 1);	/* fe80::99 carries vio0's index */

	/* One interface, one family. */
	got = route_iflist(ifs, n, AF_INET6, 2, buf, sizeof(buf));
	EXPECT_EQ(walk(buf, got, &w), 0);
	EXPECT_EQ(w.ifinfo, 1);
	EXPECT_EQ(w.newaddr, 1);
	EXPECT_EQ(w.addrs6, 1);
	EXPECT(strcmp(w.names[0], "vio0") == 0);

	/* A short buffer is not written past its end. */
	memset(buf, 0xee, sizeof(buf));
	route_iflist(ifs, n, 0, 0, buf, 100);
	EXPECT_EQ(buf[100], 0xee);
	/* No such interface: nothing. */
	EXPECT_EQ(route_iflist(ifs, n, 0, 9, NULL, 0), 0);
}

/* route_sysctl's interfaces: fake_ifs (net/net.h's net_if_list). */
int
net_if_list(struct net_ifinfo *ifs, int max)
{
	struct net_ifinfo two[2];
	int n = fake_ifs(two), i;

	for (i = 0; i < n && i < max; i++)
		ifs[i] = two[i];
	return n;
}

TEST(route_sysctl)
{
	static uint8_t buf[4096];
	int name[4] = { 0, 0, NET_RT_IFLIST, 0 };
	struct walk w;
	size_t len = 0;

	/* The size first, then the dump (FetchRIB's two calls). */
	EXPECT_EQ(route_sysctl(name, 4, NULL, &len), 0);
	EXPECT(len > 0 && len <= sizeof(buf));
	EXPECT_EQ(route_sysctl(name, 4, buf, &len), 0);
	EXPECT_EQ(walk(buf, len, &w), 0);
	EXPECT_EQ(w.ifinfo, 2);
	len = 10;
	EXPECT_EQ(route_sysctl(name, 4, buf, &len), -ENOMEM);
	name[2] = NET_RT_DUMP;
	EXPECT_EQ(route_sysctl(name, 4, NULL, &len), -EOPNOTSUPP);
	name[2] = NET_RT_IFLIST;
	EXPECT_EQ(route_sysctl(name, 3, NULL, &len), -EINVAL);
	name[1] = 99;
	EXPECT_EQ(route_sysctl(name, 4, NULL, &len), -EAFNOSUPPORT);
}

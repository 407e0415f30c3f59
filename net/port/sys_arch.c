/* SPDX-License-Identifier: ISC */
/*
 * sys_arch.c: the services lwIP asks of its platform in NO_SYS mode
 * (lwIP's sys.h): a millisecond clock, random numbers, diagnostics and
 * assertions.  Everything else lwIP needs (locking, the timer loop) is
 * net/net.c's.
 */
#include "kernel.h"
#include "lwip_assert.h"

#include "lwip/opt.h"
#include "lwip/sys.h"
#include "arch/vmgo_hooks.h"

#define ROTL64(x, b)	(((x) << (b)) | ((x) >> (64 - (b))))

/*
 * Milliseconds since boot, wrapping at 2^32 as lwIP's timers expect
 * (sys.h).  Any context.
 */
u32_t
sys_now(void)
{
	return (u32_t)(time_monotonic() / 1000000);
}

/*
 * A random 32-bit number (LWIP_RAND: DHCP transaction ids, TCP and UDP
 * ephemeral ports, IPv6 temporary values).  Thread context.
 */
uint32_t
net_port_rand(void)
{
	uint32_t r;

	(void)entropy_fill(&r, sizeof(r));
	return r;
}

/* One SipHash round (Aumasson and Bernstein, "SipHash", 2012, §2). */
#define SIPROUND(v0, v1, v2, v3) do {					\
	v0 += v1; v1 = ROTL64(v1, 13); v1 ^= v0; v0 = ROTL64(v0, 32);	\
	v2 += v3; v3 = ROTL64(v3, 16); v3 ^= v2;			\
	v0 += v3; v3 = ROTL64(v3, 21); v3 ^= v0;			\
	v2 += v1; v1 = ROTL64(v1, 17); v1 ^= v2; v2 = ROTL64(v2, 32);	\
} while (0)

/* SipHash-2-4 of n bytes (a multiple of 8) at m with key k[2]. */
static uint64_t
siphash24(const uint64_t k[2], const uint8_t *m, size_t n)
{
	uint64_t v0 = k[0] ^ 0x736f6d6570736575ULL;
	uint64_t v1 = k[1] ^ 0x646f72616e646f6dULL;
	uint64_t v2 = k[0] ^ 0x6c7967656e657261ULL;
	uint64_t v3 = k[1] ^ 0x7465646279746573ULL;
	uint64_t w;
	size_t i;

	for (i = 0; i < n; i += 8) {
		memcpy(&w, m + i, 8);
		v3 ^= w;
		SIPROUND(v0, v1, v2, v3);
		SIPROUND(v0, v1, v2, v3);
		v0 ^= w;
	}
	w = (uint64_t)n << 56;
	v3 ^= w;
	SIPROUND(v0, v1, v2, v3);
	SIPROUND(v0, v1, v2, v3);
	v0 ^= w;
	v2 ^= 0xff;
	for (i = 0; i < 4; i++)
		SIPROUND(v0, v1, v2, v3);
	return v0 ^ v1 ^ v2 ^ v3;
}

/* An address's bytes into 16 (IPv4 in the first 4, the rest zero). */
static void
addr_bytes(const ip_addr_t *a, uint8_t *out)
{
	memset(out, 0, 16);
	if (IP_IS_V6(a))
		memcpy(out, ip_2_ip6(a)->addr, 16);
	else
		memcpy(out, &ip_2_ip4(a)->addr, 4);
}

/*
 * LWIP_HOOK_TCP_ISN (RFC 6528 §3): ISN = M + F(localip, localport,
 * remoteip, remoteport, secretkey), M the monotonic clock in 4 µs ticks,
 * F SipHash-2-4 under a key drawn once from the entropy pool.  Core lock
 * held.
 */
u32_t
net_port_tcp_isn(const ip_addr_t *local_ip, u16_t local_port,
    const ip_addr_t *remote_ip, u16_t remote_port)
{
	static uint64_t key[2];
	static bool keyed;
	uint8_t m[40];

	if (!keyed) {
		(void)entropy_fill(key, sizeof(key));
		keyed = true;
	}
	addr_bytes(local_ip, m);
	addr_bytes(remote_ip, m + 16);
	memcpy(m + 32, &local_port, 2);
	memcpy(m + 34, &remote_port, 2);
	memset(m + 36, 0, 4);
	return (u32_t)(time_monotonic() / 4000) +
	    (u32_t)siphash24(key, m, sizeof(m));
}

/* LWIP_PLATFORM_DIAG: lwIP's diagnostics, on the console.  Any context. */
void
net_port_diag(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
}

/*
 * LWIP_PLATFORM_ASSERT: lwIP found its state broken: a panic, unless it
 * is one of the states a peer can cause and lwIP copes with
 * (lwip_assert.c), which is said once and returns.
 */
void
net_port_assert(const char *msg, const char *file, int line)
{
	static bool said;

	if (!net_port_assert_peer_reachable(msg))
		panic("lwIP assertion failed: %s (%s:%d)", msg, file, line);
	if (!said) {
		said = true;
		kprintf("vmgo: lwIP: \"%s\" (%s:%d): a state a peer's "
		    "packets can cause, which lwIP handles; carrying on\n",
		    msg, file, line);
	}
}

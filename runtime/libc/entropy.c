/* SPDX-License-Identifier: ISC */
/*
 * entropy.c: random bytes for getentropy(2) (crypto/rand), arc4random(3)
 * (Go 1.24's crypto/rand) and /dev/urandom (fs/dev.c, the runtime's seed).
 *
 * Source, per 64-bit word: RDSEED (a conditioned entropy source), else
 * RDRAND (a CSPRNG the CPU reseeds from it), each with the bounded retry
 * loop of the "Intel Digital Random Number Generator (DRNG) Software
 * Implementation Guide" §5.2 (RDRAND: give up after 10 failures, which
 * means a hardware fault) and Intel SDM vol 1 §7.3.17.  A CPU without
 * either (QEMU's default qemu64 model under TCG) gets a warning on the
 * console, once, and bytes from ChaCha20 keyed with TSC jitter: timing of
 * small work items, which varies with caches, interrupts and, under a
 * hypervisor, the host's scheduling.  Never silently predictable, but not
 * as good as hardware: run QEMU with -cpu max (TCG) or -cpu host.
 */
#include <stdlib.h>
#include <unistd.h>

#include "kernel.h"

#define GETENTROPY_MAX	256	/* OpenBSD: larger requests fail with EIO */
#define RDSEED_TRIES	4	/* then fall back to RDRAND for this word */
#define RDRAND_TRIES	10	/* DRNG guide §5.2.1 */
#define JITTER_ROUNDS	64	/* ChaCha permutations per (re)seed */

enum { HW_UNKNOWN, HW_RDSEED, HW_RDRAND, HW_NONE };
static int hw = HW_UNKNOWN;

/*
 * CPUID.01H:ECX[30] = RDRAND; CPUID.(EAX=07H,ECX=0):EBX[18] = RDSEED
 * (SDM vol 2A, CPUID).  Detected here rather than taken from cpu.c so
 * that early callers work too.
 */
static int
hw_detect(void)
{
	uint32_t a, b, c, d, max;
	int r = HW_NONE;

	cpuid(0, 0, &max, &b, &c, &d);
	cpuid(1, 0, &a, &b, &c, &d);
	if (c & (1U << 30))
		r = HW_RDRAND;
	if (max >= 7) {
		cpuid(7, 0, &a, &b, &c, &d);
		if (b & (1U << 18))
			r = HW_RDSEED;
	}
	return r;
}

static bool
rdseed64(uint64_t *v)
{
	unsigned char ok;

	__asm__ volatile("rdseed %0; setc %1" : "=r"(*v), "=qm"(ok) :: "cc");
	return ok != 0;
}

static bool
rdrand64(uint64_t *v)
{
	unsigned char ok;

	__asm__ volatile("rdrand %0; setc %1" : "=r"(*v), "=qm"(ok) :: "cc");
	return ok != 0;
}

/* One word from the hardware, or false after the retry budget. */
static bool
hw_word(uint64_t *v)
{
	int i;

	if (hw == HW_RDSEED) {
		for (i = 0; i < RDSEED_TRIES; i++) {
			if (rdseed64(v))
				return true;
			cpu_pause();
		}
	}
	for (i = 0; i < RDRAND_TRIES; i++)
		if (rdrand64(v))
			return true;
	return false;
}

/* ChaCha20 (RFC 8439 §2.1-2.3), the mixer and generator of the fallback. */
#define ROTL32(x, n)	(((x) << (n)) | ((x) >> (32 - (n))))
#define QR(a, b, c, d) do {						\
	a += b; d ^= a; d = ROTL32(d, 16);				\
	c += d; b ^= c; b = ROTL32(b, 12);				\
	a += b; d ^= a; d = ROTL32(d, 8);				\
	c += d; b ^= c; b = ROTL32(b, 7);				\
} while (0)

/* The 20-round permutation of the ChaCha state, in place. */
static void
chacha_permute(uint32_t x[16])
{
	int i;

	for (i = 0; i < 10; i++) {
		QR(x[0], x[4], x[8], x[12]);
		QR(x[1], x[5], x[9], x[13]);
		QR(x[2], x[6], x[10], x[14]);
		QR(x[3], x[7], x[11], x[15]);
		QR(x[0], x[5], x[10], x[15]);
		QR(x[1], x[6], x[11], x[12]);
		QR(x[2], x[7], x[8], x[13]);
		QR(x[3], x[4], x[9], x[14]);
	}
}

/* One 64-byte ChaCha20 block for key, counter ctr, nonce 0 (§2.3). */
static void
chacha_block(const uint32_t key[8], uint64_t ctr, uint32_t out[16])
{
	uint32_t in[16] = {
		0x61707865, 0x3320646e, 0x79622d32, 0x6b206574,	/* §2.3 */
		key[0], key[1], key[2], key[3],
		key[4], key[5], key[6], key[7],
		(uint32_t)ctr, (uint32_t)(ctr >> 32), 0, 0,
	};
	int i;

	memcpy(out, in, sizeof(in));
	chacha_permute(out);
	for (i = 0; i < 16; i++)
		out[i] += in[i];
}

static struct spinlock jitter_lock;
static uint32_t jitter_key[8];		/* accumulates all jitter so far */

/*
 * Mix fresh timing samples into jitter_key.  Each sample is the TSC delta
 * around a short, data-dependent stretch of work; 16 of them go into the
 * state between permutations.  jitter_lock held.
 */
static void
jitter_reseed(void)
{
	static volatile uint32_t scratch[256];
	uint32_t st[16];
	uint64_t t0, t1;
	int r, i, j, n;

	memcpy(st, jitter_key, sizeof(jitter_key));
	for (i = 8; i < 16; i++)
		st[i] = (uint32_t)rdtsc() ^ (0x9e3779b9U * (uint32_t)i);
	for (r = 0; r < JITTER_ROUNDS; r++) {
		for (i = 0; i < 16; i++) {
			t0 = rdtsc();
			n = 8 + (int)(t0 & 31);
			for (j = 0; j < n; j++)
				scratch[(t0 + (uint64_t)j * 67) & 255] += (uint32_t)j;
			t1 = rdtsc();
			st[i] ^= (uint32_t)(t1 - t0) ^ (uint32_t)(t1 >> 7);
		}
		chacha_permute(st);
	}
	for (i = 0; i < 8; i++)
		jitter_key[i] ^= st[i] ^ st[i + 8];
}

/*
 * Fill buf from ChaCha20 under a one-time key derived from jitter_key,
 * which is reseeded and ratcheted first (earlier outputs cannot be
 * recomputed from a later key).  The lock is held only for the derivation.
 */
static void
jitter_fill(unsigned char *buf, size_t n)
{
	uint32_t blk[16], key[8];
	uint64_t f, ctr = 1;
	size_t k;

	f = spin_lock_irqsave(&jitter_lock);
	jitter_reseed();
	chacha_block(jitter_key, 0, blk);
	memcpy(jitter_key, blk, sizeof(jitter_key));
	memcpy(key, blk + 8, sizeof(key));
	spin_unlock_irqrestore(&jitter_lock, f);

	while (n > 0) {
		chacha_block(key, ctr++, blk);
		k = MIN(n, sizeof(blk));
		memcpy(buf, blk, k);
		buf += k;
		n -= k;
	}
	memset(blk, 0, sizeof(blk));
	memset(key, 0, sizeof(key));
}

/*
 * Mix n bytes from an outside source (virtio-rng, vrng.c) into
 * jitter_key: XORed into a ChaCha state with the key, permuted, folded
 * back.  Any context except NMI.
 */
void
entropy_add(const void *buf, size_t n)
{
	const unsigned char *p = buf;
	uint32_t st[16];
	uint64_t f;
	size_t k;
	int i;

	f = spin_lock_irqsave(&jitter_lock);
	while (n > 0) {
		memcpy(st, jitter_key, sizeof(jitter_key));
		memset(st + 8, 0, sizeof(st) / 2);
		k = MIN(n, sizeof(st) / 2);
		memcpy(st + 8, p, k);
		chacha_permute(st);
		for (i = 0; i < 8; i++)
			jitter_key[i] ^= st[i] ^ st[i + 8];
		p += k;
		n -= k;
	}
	memset(st, 0, sizeof(st));
	spin_unlock_irqrestore(&jitter_lock, f);
}

static void
warn_once(int *done, const char *msg)
{
	if (__atomic_exchange_n(done, 1, __ATOMIC_RELAXED) == 0)
		kprintf("%s", msg);
}

/*
 * Fill buf with n unpredictable bytes (see the top of the file).  Never
 * blocks, never fails: always 0.  Any context except NMI.
 */
int
entropy_fill(void *buf, size_t n)
{
	static int warned_none, warned_fault;
	unsigned char *p = buf;
	uint64_t v;
	size_t k;

	if (__atomic_load_n(&hw, __ATOMIC_RELAXED) == HW_UNKNOWN)
		__atomic_store_n(&hw, hw_detect(), __ATOMIC_RELAXED);
	if (hw == HW_NONE) {
		warn_once(&warned_none, "vmgo: warning: the CPU has no "
		    "RDRAND/RDSEED; random bytes come from TSC jitter "
		    "(run QEMU with -cpu max or -cpu host)\n");
		jitter_fill(p, n);
		return 0;
	}
	while (n > 0) {
		if (!hw_word(&v)) {
			warn_once(&warned_fault, "vmgo: warning: RDRAND keeps "
			    "failing (hardware fault?); random bytes come from "
			    "TSC jitter\n");
			jitter_fill(p, n);
			return 0;
		}
		k = MIN(n, sizeof(v));
		memcpy(p, &v, k);
		p += k;
		n -= k;
	}
	return 0;
}

/*
 * getentropy(2): len <= 256 random bytes into buf.  Returns 0, or -1 with
 * EIO for a larger len (OpenBSD semantics; crypto/rand asks in chunks of
 * 256).  Never blocks.
 */
int
getentropy(void *buf, size_t len)
{
	if (len > GETENTROPY_MAX)
		return ret_errno(-EIO);
	return entropy_fill(buf, len);
}

/* Fill buf with n random bytes; never fails (OpenBSD arc4random_buf(3)). */
void
arc4random_buf(void *buf, size_t n)
{
	entropy_fill(buf, n);
}

/* A random 32-bit number. */
uint32_t
arc4random(void)
{
	uint32_t v;

	entropy_fill(&v, sizeof(v));
	return v;
}

/*
 * A uniform random number in [0, upper) (0 for upper < 2), without modulo
 * bias: values below 2^32 mod upper are drawn again (OpenBSD's method).
 */
uint32_t
arc4random_uniform(uint32_t upper)
{
	uint32_t r, min;

	if (upper < 2)
		return 0;
	min = -upper % upper;
	do {
		r = arc4random();
	} while (r < min);
	return r % upper;
}

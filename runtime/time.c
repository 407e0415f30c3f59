/* SPDX-License-Identifier: ISC */
/*
 * time.c: the runtime's clocks.  CLOCK_MONOTONIC is the TSC scaled to
 * nanoseconds since time_init; the wall clock is the CMOS RTC read once at
 * boot plus the monotonic time elapsed since.
 *
 * The TSC frequency comes from, in order: the hypervisor timing leaf
 * 0x40000010 (VMware's, also offered by KVM/QEMU with invtsc), CPUID leaf
 * 0x15 (crystal ratio), CPUID leaf 0x16 (base MHz), and else a ~10 ms
 * calibration against the 8254 PIT.  Under TCG the TSC is the host's, so
 * the calibration must cope with a vCPU thread that the host preempts.
 *
 * Every parameter is written once by time_init before any other CPU or
 * thread runs and is read-only after, so readers need no lock.
 */
#include <time.h>		/* CLOCK_* (OpenBSD values, include/libc) */

#include "kernel.h"

#define NSEC_PER_SEC	1000000000ULL

/* 8254 PIT (Intel 82C54 data sheet): input clock 1.193182 MHz. */
#define PIT_HZ		1193182ULL
#define PIT_CH0		0x40
#define PIT_CMD		0x43
#define PIT_CMD_CH0_MODE0 0x30	/* channel 0, lobyte/hibyte, mode 0, binary */
#define PIT_CMD_CH0_LATCH 0x00	/* counter latch command, channel 0 */
#define PIT_CAL_MS	10
#define PIT_CAL_TRIES	5
#define PIT_MAX_POLLS	100000	/* a count that does not move: no PIT */

static uint64_t tsc_hz;		/* TSC ticks per second */
static uint64_t tsc_boot;	/* TSC at time_init: monotonic 0 */
static uint64_t ns_mult;	/* ns per tick, 32.32 fixed point */
static uint64_t tsc_mult;	/* ticks per ns, 32.32 fixed point */
static int64_t	rt_offset;	/* realtime ns at monotonic 0 */
static const char *tsc_source = "none";
static int64_t	rt_boot_secs;	/* what the RTC said at boot */

/*
 * Largest monotonic value handed out so far.  The TSC of one CPU never
 * goes back; with several CPUs the TSCs are synchronised by the hardware
 * when invariant (CPUID 0x80000007:EDX[8]) but may still differ by a few
 * cycles, and a thread may migrate between two reads.  Clamping every
 * result to this global maximum (one CAS, lock-free) makes the clock
 * monotonic across CPUs whatever the residual skew.  If the cache line
 * ever shows up in profiles, the AP start-up code can instead verify the
 * TSCs are in sync and this clamp can become per-CPU.
 */
static uint64_t mono_last;

/* RDTSC ordered after earlier loads (LFENCE: SDM vol 2B, RDTSC). */
static inline uint64_t
rdtsc_ordered(void)
{
	__asm__ volatile("lfence" ::: "memory");
	return rdtsc();
}

static uint64_t
tsc_from_cpuid(void)
{
	uint32_t a, b, c, d, max;

	/* Hypervisor leaves (CPUID.1:ECX[31] set): 0x40000010 EAX = TSC kHz. */
	cpuid(1, 0, &a, &b, &c, &d);
	if (c & (1U << 31)) {
		cpuid(0x40000000, 0, &max, &b, &c, &d);
		if (max >= 0x40000010 && max < 0x40010000) {
			cpuid(0x40000010, 0, &a, &b, &c, &d);
			if (a != 0) {
				tsc_source = "hypervisor leaf 0x40000010";
				return (uint64_t)a * 1000;
			}
		}
	}
	cpuid(0, 0, &max, &b, &c, &d);
	/*
	 * Leaf 0x15 (SDM vol 2A, CPUID): TSC = ECX (crystal Hz) * EBX / EAX.
	 * Leaf 0x16 EAX is the base frequency in MHz, which equals the TSC
	 * frequency on the processors that report it without a crystal.
	 */
	if (max >= 0x15) {
		cpuid(0x15, 0, &a, &b, &c, &d);
		if (a != 0 && b != 0 && c != 0) {
			tsc_source = "CPUID 0x15";
			return (uint64_t)c * b / a;
		}
	}
	if (max >= 0x16) {
		cpuid(0x16, 0, &a, &b, &c, &d);
		if ((a & 0xffff) != 0) {
			tsc_source = "CPUID 0x16";
			return (uint64_t)(a & 0xffff) * 1000000;
		}
	}
	return 0;
}

/* CPUID 0x80000007:EDX[8]: the TSC runs at a constant rate in all states. */
static bool
tsc_invariant(void)
{
	uint32_t a, b, c, d;

	cpuid(0x80000000, 0, &a, &b, &c, &d);
	if (a < 0x80000007)
		return false;
	cpuid(0x80000007, 0, &a, &b, &c, &d);
	return (d & (1U << 8)) != 0;
}

/*
 * PIT channel 0's count, latched by a counter-latch command (82C54 data
 * sheet, "Read-Back"/"Counter Latch Command"); *tb and *ta bracket the
 * latch in TSC ticks.
 */
static uint16_t
pit_read(uint64_t *tb, uint64_t *ta)
{
	uint8_t lo, hi;

	*tb = rdtsc_ordered();
	outb(PIT_CMD, PIT_CMD_CH0_LATCH);
	*ta = rdtsc_ordered();
	lo = inb(PIT_CH0);
	hi = inb(PIT_CH0);
	return (uint16_t)(lo | hi << 8);
}

/*
 * Wait for the count to change and return its new value *val: the clock
 * edge that made it *val lies between the latch that still read the old
 * value and the one that read *val.  *t gets the middle of that TSC window
 * and *err its width (large when the CPU was held up).  0 on success,
 * -ETIMEDOUT if the count does not move (no PIT).
 */
static int
pit_edge(uint16_t *val, uint64_t *t, uint64_t *err)
{
	uint64_t tb0, ta0, tb, ta;
	uint16_t prev, c;
	uint32_t polls;

	prev = pit_read(&tb0, &ta0);
	for (polls = 0; polls < PIT_MAX_POLLS; polls++) {
		c = pit_read(&tb, &ta);
		if (c != prev) {
			*val = c;
			*t = (tb0 + ta) / 2;
			*err = ta - tb0;
			return 0;
		}
		tb0 = tb;
	}
	return -ETIMEDOUT;
}

/*
 * One run: TSC ticks across PIT_CAL_MS of PIT channel 0 counting down in
 * mode 0, measured between two decrements of the count so that both ends
 * sit on PIT clock edges.  Channel 0 (unlike channel 2, gated through the
 * PC speaker port that microvm lacks) runs on every machine with an 8254;
 * its interrupt is masked at the PIC and the I/O APIC.  Returns the TSC
 * frequency in Hz with *err its uncertainty in TSC ticks, or 0 if the PIT
 * does not count.
 */
static uint64_t
pit_run(uint64_t *err)
{
	uint32_t want = (uint32_t)(PIT_HZ * PIT_CAL_MS / 1000);
	uint64_t t0, t1, e0, e1, tb, ta;
	uint16_t c0, c1, c;

	outb(PIT_CMD, PIT_CMD_CH0_MODE0);
	outb(PIT_CH0, 0xff);
	outb(PIT_CH0, 0xff);
	if (pit_edge(&c0, &t0, &e0) != 0)
		return 0;
	do {
		c = pit_read(&tb, &ta);
	} while ((uint16_t)(c0 - c) < want - 2);
	if (pit_edge(&c1, &t1, &e1) != 0)
		return 0;
	*err = e0 + e1;
	return (t1 - t0) * PIT_HZ / (uint16_t)(c0 - c1);
}

/*
 * TSC frequency from up to PIT_CAL_TRIES runs of about PIT_CAL_MS each:
 * the first whose uncertainty window is below 250 ppm wins (the error is
 * about half the window), else the least uncertain.  0 if there is no PIT.
 */
static uint64_t
tsc_from_pit(void)
{
	uint64_t hz, err, best = 0, best_err = UINT64_MAX, span = 1;
	int i;

	for (i = 0; i < PIT_CAL_TRIES; i++) {
		hz = pit_run(&err);
		if (hz == 0)
			return 0;
		if (err < best_err) {
			best = hz;
			best_err = err;
		}
		/* the run spans about hz * PIT_CAL_MS / 1000 ticks */
		span = hz / 1000 * PIT_CAL_MS;
		if (err < span / 4000)
			break;
	}
	tsc_source = "PIT calibration";
	if (best_err > span / 1000)
		kprintf("vmgo: time: noisy PIT calibration (+-%lu ppm)\n",
		    best_err * 1000000 / 2 / span);
	return best;
}

/*
 * Measure the TSC frequency, set monotonic 0 to now and read the RTC.
 * Called once by kmain before any thread or other CPU exists, interrupts
 * off.  Panics if no frequency can be found.
 */
void
time_init(void)
{
	struct rtc_time rt;
	uint64_t hz, q, r, mono;
	int64_t secs;

	hz = tsc_from_cpuid();
	if (hz == 0)
		hz = tsc_from_pit();
	if (hz == 0)
		panic("time: no TSC frequency: no CPUID leaf and no 8254 PIT");
	if (hz < 1000000)
		panic("time: implausible TSC frequency %lu Hz", hz);
	tsc_hz = hz;
	ns_mult = (NSEC_PER_SEC << 32) / hz;
	/* ticks per ns in 32.32 without a 128-bit division: hz = q*1e9 + r */
	q = hz / NSEC_PER_SEC;
	r = hz % NSEC_PER_SEC;
	tsc_mult = (q << 32) + (r << 32) / NSEC_PER_SEC;
	tsc_boot = rdtsc_ordered();

	rtc_read(&rt);
	mono = time_monotonic();
	secs = rtc_to_unix(&rt);
	if (secs < 0) {
		kprintf("vmgo: time: RTC reads garbage, wall clock starts at 1970\n");
		secs = 0;
	}
	rt_offset = secs * (int64_t)NSEC_PER_SEC - (int64_t)mono;
	rt_boot_secs = secs;
}

/* Print the clock set-up (for kmain's verbose boot report).  Any context. */
void
time_report(void)
{
	kprintf("vmgo: time: TSC %lu.%03lu MHz (%s)%s, RTC %ld\n",
	    tsc_hz / 1000000, tsc_hz / 1000 % 1000, tsc_source,
	    tsc_invariant() ? ", invariant" : "", (long)rt_boot_secs);
}

/*
 * Nanoseconds since time_init; 0 before it.  Never goes back, on any CPU.
 * Lock-free; any context, including NMI and signal handlers.
 */
uint64_t
time_monotonic(void)
{
	uint64_t d, ns, last;

	if (tsc_hz == 0)
		return 0;
	d = rdtsc_ordered() - tsc_boot;
	ns = (uint64_t)(((unsigned __int128)d * ns_mult) >> 32);
	last = __atomic_load_n(&mono_last, __ATOMIC_RELAXED);
	while (ns > last) {
		if (__atomic_compare_exchange_n(&mono_last, &last, ns, true,
		    __ATOMIC_RELAXED, __ATOMIC_RELAXED))
			return ns;
	}
	return last;
}

/* Nanoseconds since 1970-01-01 UTC.  Lock-free; any context. */
int64_t
time_realtime(void)
{
	return rt_offset + (int64_t)time_monotonic();
}

/* TSC ticks per second (0 before time_init).  Any context. */
uint64_t
time_tsc_hz(void)
{
	return tsc_hz;
}

/* TSC ticks in ns nanoseconds, rounded up.  Any context. */
uint64_t
time_ns_to_tsc(uint64_t ns)
{
	return (uint64_t)(((unsigned __int128)ns * tsc_mult + 0xffffffffU) >> 32);
}

/*
 * Now on clock clock_id, in ns since the clock's epoch.  There is no CPU
 * accounting: the CPU-time clocks run as the monotonic clock (so they
 * advance while a thread sleeps, which POSIX does not allow but nothing in
 * Go relies on).  0 or -EINVAL for an unknown clock.  Lock-free; any
 * context.
 */
int
time_clock(int clock_id, int64_t *ns)
{
	switch (clock_id) {
	case CLOCK_REALTIME:
		*ns = time_realtime();
		return 0;
	case CLOCK_MONOTONIC:
	case CLOCK_UPTIME:
	case CLOCK_BOOTTIME:
	case CLOCK_PROCESS_CPUTIME_ID:
	case CLOCK_THREAD_CPUTIME_ID:
		*ns = (int64_t)time_monotonic();
		return 0;
	default:
		return -EINVAL;
	}
}

/* SPDX-License-Identifier: ISC */
/*
 * lapic.c: this CPU's local APIC (Intel SDM vol 3A ch. 10 "Advanced
 * Programmable Interrupt Controller") and its timer, the scheduler's only
 * clock interrupt.  x2APIC (MSR access) when CPUID offers it, else xAPIC
 * through the MMIO page named by IA32_APIC_BASE.  The timer runs one-shot:
 * in TSC-deadline mode when CPUID says so, else counting down at a rate
 * calibrated against the TSC.  The legacy 8259 PICs are remapped away from
 * the exception vectors and fully masked; devices use the I/O APIC or MSI.
 */
#include "kernel.h"

/* Register offsets in the xAPIC page; the x2APIC MSR is 0x800 + off/16
 * (SDM vol 3A §10.4.1 Table 10-1, §10.12.1.2 Table 10-6). */
#define LAPIC_ID	0x020
#define LAPIC_VER	0x030
#define LAPIC_TPR	0x080
#define LAPIC_EOI	0x0b0
#define LAPIC_SVR	0x0f0
#define LAPIC_ESR	0x280
#define LAPIC_ICR_LO	0x300	/* interrupt command: vector, mode, status */
#define LAPIC_ICR_HI	0x310	/* xAPIC: destination in bits 24-31 */
#define LAPIC_LVT_TIMER	0x320
#define LAPIC_LVT_LINT0	0x350
#define LAPIC_LVT_LINT1	0x360
#define LAPIC_LVT_ERROR	0x370
#define LAPIC_TIMER_ICR	0x380	/* initial count */
#define LAPIC_TIMER_CCR	0x390	/* current count */
#define LAPIC_TIMER_DCR	0x3e0	/* divide configuration */

#define APIC_BASE_X2APIC	(1ULL << 10)	/* IA32_APIC_BASE (SDM §10.4.4) */
#define APIC_BASE_ENABLE	(1ULL << 11)
#define SVR_ENABLE		(1U << 8)
#define LVT_MASKED		(1U << 16)
#define LVT_DM_NMI		(4U << 8)	/* delivery mode NMI, SDM §10.5.1 */
#define LVT_TIMER_ONESHOT	(0U << 17)	/* SDM §10.5.1 Figure 10-8 */
#define LVT_TIMER_TSC_DEADLINE	(2U << 17)
#define DCR_DIV16		0x3		/* SDM §10.5.4 Figure 10-10 */
#define ICR_PENDING		(1U << 12)	/* delivery status */

/* 8259A: ports and initialisation words (Intel 8259A data sheet). */
#define PIC1_CMD	0x20
#define PIC1_DATA	0x21
#define PIC2_CMD	0xa0
#define PIC2_DATA	0xa1
#define ICW1_INIT_ICW4	0x11	/* edge, cascade, ICW4 follows */
#define ICW4_8086	0x01

#define TIMER_MAX_NS	10000000000ULL	/* 10 s: longest one-shot */
#define CAL_TRIES	5

#define CPUID1_ECX_TSC_DEADLINE	(1U << 24)
#define CPUID1_ECX_X2APIC	(1U << 21)

static volatile uint32_t *xapic;	/* MMIO page, NULL in x2APIC mode */
static bool x2apic;
static bool tsc_deadline;
static uint64_t timer_hz;		/* one-shot mode: counts per second */
static uint64_t timer_mult;		/* one-shot mode: counts per ns, 32.32 */

static uint32_t
lapic_read(uint32_t reg)
{
	if (x2apic)
		return (uint32_t)rdmsr(0x800 + (reg >> 4));
	return xapic[reg / 4];
}

static void
lapic_write(uint32_t reg, uint32_t v)
{
	if (x2apic)
		wrmsr(0x800 + (reg >> 4), v);
	else
		xapic[reg / 4] = v;
}

/*
 * Remap the master PIC to vectors 0x20-0x27 and the slave to 0x28-0x2f so
 * that a stray legacy interrupt cannot look like an exception, then mask
 * every line (OCW1 = 0xff).
 */
static void
pic_disable(void)
{
	outb(PIC1_CMD, ICW1_INIT_ICW4);
	outb(PIC2_CMD, ICW1_INIT_ICW4);
	outb(PIC1_DATA, VEC_IRQ_BASE);		/* ICW2: vector base */
	outb(PIC2_DATA, VEC_IRQ_BASE + 8);
	outb(PIC1_DATA, 0x04);			/* ICW3: slave on IR2 */
	outb(PIC2_DATA, 0x02);			/* ICW3: slave id 2 */
	outb(PIC1_DATA, ICW4_8086);
	outb(PIC2_DATA, ICW4_8086);
	outb(PIC1_DATA, 0xff);
	outb(PIC2_DATA, 0xff);
}

/* Spurious interrupts need no EOI (SDM vol 3A §10.9). */
static void
spurious_intr(struct trapframe *tf)
{
}

/*
 * Counts per second of the one-shot timer, measured against the TSC over
 * ~2 ms.  The start (ICR write) and the end (CCR read) are each bracketed
 * by TSC reads; a run whose brackets exceed 0.1% of it (the vCPU was held
 * up) is repeated, up to CAL_TRIES times.
 */
static uint64_t
calibrate_timer(void)
{
	uint64_t t_pre, t0, t1a, t1b, wait = time_ns_to_tsc(2000000);
	uint64_t hz = 0, span;
	uint32_t left;
	int i;

	lapic_write(LAPIC_TIMER_DCR, DCR_DIV16);
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED | LVT_TIMER_ONESHOT | VEC_TIMER);
	for (i = 0; i < CAL_TRIES; i++) {
		t_pre = rdtsc();
		lapic_write(LAPIC_TIMER_ICR, 0xffffffffU);
		t0 = rdtsc();
		while (rdtsc() - t0 < wait)
			cpu_pause();
		t1a = rdtsc();
		left = lapic_read(LAPIC_TIMER_CCR);
		t1b = rdtsc();
		lapic_write(LAPIC_TIMER_ICR, 0);
		span = (t1a + t1b) / 2 - (t_pre + t0) / 2;
		hz = (uint64_t)(0xffffffffU - left) * time_tsc_hz() / span;
		if ((t0 - t_pre) + (t1b - t1a) < span / 1000)
			break;
	}
	return hz;
}

/*
 * This CPU's APIC registers: enabled (x2APIC mode if the boot CPU chose
 * it) with VEC_SPURIOUS, TPR 0, LINT0/LINT1 and the error LVT masked, the
 * timer LVT in TSC-deadline or one-shot mode (timer_hz already known),
 * disarmed.  Interrupts off.
 */
static void
local_setup(void)
{
	uint64_t base = rdmsr(MSR_APIC_BASE) | APIC_BASE_ENABLE;

	/* xAPIC enable first, then x2APIC (SDM §10.12.5 Figure 10-27). */
	wrmsr(MSR_APIC_BASE, base);
	if (x2apic)
		wrmsr(MSR_APIC_BASE, base | APIC_BASE_X2APIC);
	lapic_write(LAPIC_TPR, 0);
	lapic_write(LAPIC_LVT_LINT0, LVT_MASKED);
	/* LINT1 carries external NMIs (QEMU's monitor "nmi"): the hang
	 * dump, runtime/debug.c. */
	lapic_write(LAPIC_LVT_LINT1, LVT_DM_NMI);
	lapic_write(LAPIC_LVT_ERROR, LVT_MASKED);
	lapic_write(LAPIC_SVR, SVR_ENABLE | VEC_SPURIOUS);
	/* ESR: write before read (SDM §10.5.3). */
	lapic_write(LAPIC_ESR, 0);
	(void)lapic_read(LAPIC_ESR);
	lapic_eoi();
}

/* The timer LVT for the chosen mode, disarmed. */
static void
timer_setup(void)
{
	if (tsc_deadline) {
		lapic_write(LAPIC_LVT_TIMER, LVT_TIMER_TSC_DEADLINE | VEC_TIMER);
		/* The LVT write must land before IA32_TSC_DEADLINE is used
		 * (SDM §10.5.4.1). */
		__asm__ volatile("mfence" ::: "memory");
		wrmsr(MSR_TSC_DEADLINE, 0);
	} else {
		lapic_write(LAPIC_TIMER_DCR, DCR_DIV16);
		lapic_write(LAPIC_LVT_TIMER, LVT_TIMER_ONESHOT | VEC_TIMER);
		lapic_write(LAPIC_TIMER_ICR, 0);
	}
}

/*
 * Set up this CPU's local APIC: PICs masked, APIC enabled with
 * VEC_SPURIOUS, LINT0/LINT1 and the error LVT masked, TPR 0, timer armed
 * by nothing yet.  Needs time_init (timer calibration) and, in xAPIC mode,
 * vm_map_mmio.  Boot CPU, interrupts off; panics if there is no APIC.
 */
void
lapic_init(void)
{
	uint32_t a, b, c, d;
	uint64_t base;

	cpuid(1, 0, &a, &b, &c, &d);
	if (!(d & (1U << 9)))
		panic("lapic: CPU has no local APIC");
	tsc_deadline = (c & CPUID1_ECX_TSC_DEADLINE) != 0;
	pic_disable();

	base = rdmsr(MSR_APIC_BASE);
	if (c & CPUID1_ECX_X2APIC) {
		x2apic = true;
	} else {
		xapic = vm_map_mmio(base & 0x000ffffffffff000ULL, PAGE_SIZE);
		if (xapic == NULL)
			panic("lapic: cannot map the APIC page at %#lx", base);
	}
	local_setup();
	trap_register(VEC_SPURIOUS, spurious_intr);

	if (!tsc_deadline) {
		timer_hz = calibrate_timer();
		if (timer_hz == 0)
			panic("lapic: timer does not count");
		/* no 128-bit division: timer_hz = q * 1e9 + r */
		timer_mult = (timer_hz / 1000000000U << 32) +
		    (timer_hz % 1000000000U << 32) / 1000000000U;
	}
	timer_setup();
}

/*
 * An AP's local APIC, set up like the boot CPU's (lapic_init chose the
 * mode and calibrated the timer; every CPU's timer counts at the same
 * rate).  Called by the AP itself, from its first C code (smp.c),
 * interrupts off.
 */
void
lapic_init_ap(void)
{
	local_setup();
	timer_setup();
}

/*
 * Send the IPI icr (the low ICR word: vector, delivery mode, level) to
 * the CPU whose APIC id is dest (SDM vol 3A §10.6.1).  In xAPIC mode
 * wait for the previous IPI to leave first.  Any context (interrupts
 * are off around the ICR writes).
 */
void
lapic_send_ipi(uint32_t dest, uint32_t icr)
{
	uint64_t f = irq_save();

	if (x2apic) {
		/* One 64-bit write, destination in the high half (§10.12.9). */
		wrmsr(0x800 + (LAPIC_ICR_LO >> 4), (uint64_t)dest << 32 | icr);
	} else {
		while (lapic_read(LAPIC_ICR_LO) & ICR_PENDING)
			cpu_pause();
		lapic_write(LAPIC_ICR_HI, dest << 24);
		lapic_write(LAPIC_ICR_LO, icr);
	}
	irq_restore(f);
}

/* Print the APIC set-up (for kmain's verbose boot report). */
void
lapic_report(void)
{
	kprintf("vmgo: lapic: %s id %u, timer %s", x2apic ? "x2APIC" : "xAPIC",
	    lapic_id(), tsc_deadline ? "TSC-deadline\n" : "one-shot ");
	if (!tsc_deadline)
		kprintf("%lu kHz\n", timer_hz / 1000);
}

/* End of interrupt for the in-service vector.  Interrupt context. */
void
lapic_eoi(void)
{
	lapic_write(LAPIC_EOI, 0);
}

/*
 * Raise VEC_TIMER once, ns from now (0: as soon as possible); replaces a
 * pending one.  Interrupts off (scheduler), this CPU's timer.
 */
void
lapic_timer_oneshot(uint64_t ns)
{
	uint64_t count;

	/* Far deadlines fire early and are re-armed by the scheduler; this
	 * keeps the arithmetic below from overflowing. */
	if (ns > TIMER_MAX_NS)
		ns = TIMER_MAX_NS;
	if (tsc_deadline) {
		/* A deadline in the past fires at once; 0 would disarm. */
		wrmsr(MSR_TSC_DEADLINE, rdtsc() + time_ns_to_tsc(ns) + 1);
		return;
	}
	/* counts = ceil(ns * hz / 1e9) */
	count = (uint64_t)(((unsigned __int128)ns * timer_mult + 0xffffffffU) >>
	    32);
	if (count == 0)
		count = 1;
	if (count > 0xffffffffU)
		count = 0xffffffffU;	/* fires early; the scheduler re-arms */
	lapic_write(LAPIC_TIMER_ICR, (uint32_t)count);
}

/* Cancel a pending one-shot.  Interrupts off. */
void
lapic_timer_stop(void)
{
	if (tsc_deadline)
		wrmsr(MSR_TSC_DEADLINE, 0);
	else
		lapic_write(LAPIC_TIMER_ICR, 0);
}

/* This CPU's local APIC id.  Any context after lapic_init. */
uint32_t
lapic_id(void)
{
	if (x2apic)
		return lapic_read(LAPIC_ID);
	return lapic_read(LAPIC_ID) >> 24;
}

/* SPDX-License-Identifier: ISC */
/*
 * smp.c: application processors.  smp_init finds the CPUs in the ACPI
 * MADT, starts each with INIT-SIPI-SIPI through the boot/ap.S trampoline
 * (Intel SDM vol 3A §8.4.4 "MP Initialization Example") and lets it join
 * the scheduler; the IPIs the scheduler and the page tables need live
 * here too:
 *  - VEC_IPI (fixed): "reschedule" (a thread was queued on an idle CPU,
 *    or an idle CPU should steal) and "pass an interrupt return" (a
 *    signal was posted to the thread running there).
 *  - NMI: TLB shootdown.  An NMI is taken even by a CPU that spins on a
 *    lock with interrupts off (the page-table and vma locks are taken
 *    that way, also from the #PF handler), so a shootdown sent while
 *    holding such a lock cannot deadlock against a CPU waiting for it.
 *
 * ncpus counts CPUs that run threads: each AP raises it itself once its
 * scheduler is set up, one at a time, in MADT order (cpus[i].id == i).
 */
#include "kernel.h"
#include "x86_64/dev.h"

/* ICR low word, SDM vol 3A §10.6.1 Figure 10-12. */
#define ICR_FIXED	0x000
#define ICR_NMI		0x400
#define ICR_INIT	0x500
#define ICR_STARTUP	0x600
#define ICR_ASSERT	0x4000

#define EFER_LME	(1U << 8)	/* SDM vol 3A §2.2.1 */
#define EFER_NXE	(1U << 11)

#define AP_STACK_SIZE	16384		/* AP's first stack, its idle's */
#define AP_WAIT_NS	2000000000ULL	/* TCG may be slow to schedule a vCPU */
#define TLB_FULL_PAGES	32		/* more: reload CR3 instead */

/* ACPI 6.5 §5.2.12 (MADT) entry types and the enabled flag. */
#define MADT_LAPIC	0
#define MADT_X2APIC	9
#define MADT_ENABLED	1U

/* Reasons behind a VEC_IPI, per target CPU. */
#define IPI_RESCHED	0x1

extern const char ap_tramp_start[], ap_tramp_end[];
extern uint32_t ap_tramp_cr3, ap_tramp_efer;
extern uint64_t ap_tramp_stack, ap_tramp_entry;

static uint32_t ipi_reasons[MAX_CPUS];
static struct cpu *ap_starting;		/* the AP in the trampoline */
static struct thread *ap_idle;		/* its idle thread, made by the BSP */
static int ap_abandoned;		/* it did not show up in time */

/* TLB shootdown request (one at a time, tlb_lock). */
static struct spinlock tlb_lock;
static uintptr_t tlb_lo, tlb_hi;
static uint32_t tlb_pending;		/* CPUs that have not flushed yet */
static uint32_t tlb_todo[MAX_CPUS];	/* 1: flush [tlb_lo, tlb_hi) */

static uint32_t
rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint64_t
rd64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* The enabled CPUs' APIC ids from a MADT at t; how many (at most max). */
static int
madt_parse(const uint8_t *t, uint32_t *ids, int max)
{
	uint32_t len = rd32(t + 4), flags, id;
	const uint8_t *p = t + 44, *end = t + len;
	int n = 0;

	for (; p + 2 <= end && p[1] >= 2 && p + p[1] <= end; p += p[1]) {
		if (p[0] == MADT_LAPIC && p[1] >= 8) {
			flags = rd32(p + 4);
			id = p[3];
		} else if (p[0] == MADT_X2APIC && p[1] >= 16) {
			flags = rd32(p + 8);
			id = rd32(p + 4);
		} else
			continue;
		/* xAPIC IPIs name 8-bit ids; 0xff is broadcast. */
		if ((flags & MADT_ENABLED) && id < 0xff && n < max)
			ids[n++] = id;
	}
	return n;
}

/*
 * The enabled CPUs listed in the ACPI MADT (RSDP from the boot loader,
 * then the XSDT or RSDT; ACPI 6.5 §5.2.5-5.2.8).  Tables below 4 GiB
 * only (identity mapped by vm_init).  0 when there is no MADT.
 */
static int
madt_cpus(uint32_t *ids, int max)
{
	const uint8_t *rsdp, *sdt, *t;
	uint64_t a;
	uint32_t len;
	int xsdt, i, n;

	if (boot_info == NULL || boot_info->rsdp == 0)
		return 0;
	rsdp = (const uint8_t *)(uintptr_t)boot_info->rsdp;
	xsdt = rsdp[15] >= 2 && rd64(rsdp + 24) != 0 &&
	    rd64(rsdp + 24) < 0x100000000ULL;
	a = xsdt ? rd64(rsdp + 24) : rd32(rsdp + 16);
	if (a == 0)
		return 0;
	sdt = (const uint8_t *)(uintptr_t)a;
	len = rd32(sdt + 4);
	n = (int)((len - 36) / (xsdt ? 8 : 4));
	for (i = 0; len > 36 && i < n; i++) {
		a = xsdt ? rd64(sdt + 36 + 8 * i) : rd32(sdt + 36 + 4 * i);
		if (a == 0 || a >= 0x100000000ULL)
			continue;
		t = (const uint8_t *)(uintptr_t)a;
		if (memcmp(t, "APIC", 4) == 0)
			return madt_parse(t, ids, max);
	}
	return 0;
}

/*
 * The ACPI table with signature sig, found as madt_cpus finds the MADT
 * (x86_64/dev.h: for the device drivers).  NULL if absent.  Any context.
 */
const uint8_t *
acpi_table(const char *sig)
{
	const uint8_t *rsdp, *sdt, *t;
	uint64_t a;
	uint32_t len;
	int xsdt, i, n;

	if (boot_info == NULL || boot_info->rsdp == 0)
		return NULL;
	rsdp = (const uint8_t *)(uintptr_t)boot_info->rsdp;
	xsdt = rsdp[15] >= 2 && rd64(rsdp + 24) != 0 &&
	    rd64(rsdp + 24) < 0x100000000ULL;
	a = xsdt ? rd64(rsdp + 24) : rd32(rsdp + 16);
	if (a == 0)
		return NULL;
	sdt = (const uint8_t *)(uintptr_t)a;
	len = rd32(sdt + 4);
	n = len > 36 ? (int)((len - 36) / (xsdt ? 8 : 4)) : 0;
	for (i = 0; i < n; i++) {
		a = xsdt ? rd64(sdt + 36 + 8 * i) : rd32(sdt + 36 + 4 * i);
		if (a == 0 || a >= 0x100000000ULL)
			continue;
		t = (const uint8_t *)(uintptr_t)a;
		if (memcmp(t, sig, 4) == 0)
			return t;
	}
	return NULL;
}

/*
 * The DSDT: the FADT's X_DSDT (offset 140, ACPI 6.5 §5.2.9 Table 5.9)
 * when present and below 4 GiB, else its DSDT (offset 40).  NULL if none.
 */
const uint8_t *
acpi_dsdt(void)
{
	const uint8_t *f = acpi_table("FACP");
	uint64_t a = 0;

	if (f == NULL)
		return NULL;
	if (rd32(f + 4) >= 148)
		a = rd64(f + 140);
	if (a == 0 || a >= 0x100000000ULL)
		a = rd32(f + 40);
	if (a == 0)
		return NULL;
	return (const uint8_t *)(uintptr_t)a;
}

static void
delay_ns(uint64_t ns)
{
	uint64_t end = time_monotonic() + ns;

	while (time_monotonic() < end)
		cpu_pause();
}

/* VEC_IPI: a reschedule request or just an interrupt return. */
static void
ipi_intr(struct trapframe *tf)
{
	struct cpu *c = cpu_this();

	lapic_eoi();
	if (__atomic_exchange_n(&ipi_reasons[c->id], 0, __ATOMIC_ACQUIRE) &
	    IPI_RESCHED)
		c->need_resched = 1;
}

/* Flush this CPU's TLB for a pending shootdown request, if any: true if
 * there was one.  Any context, NMI included. */
static bool
tlb_serve(struct cpu *c)
{
	uintptr_t va;

	if (!__atomic_exchange_n(&tlb_todo[c->id], 0, __ATOMIC_ACQUIRE))
		return false;
	if ((tlb_hi - tlb_lo) / PAGE_SIZE > TLB_FULL_PAGES)
		write_cr3(read_cr3());
	else
		for (va = tlb_lo; va < tlb_hi; va += PAGE_SIZE)
			invlpg(va);
	__atomic_fetch_sub(&tlb_pending, 1, __ATOMIC_RELEASE);
	return true;
}

/*
 * NMI hook (trap.c): serve a TLB shootdown; true when one was pending
 * for this CPU, false for other NMIs (QEMU's "nmi": the hang dump).  Two
 * NMIs that arrive before the first is taken are one (SDM vol 3A
 * §6.7.1), so a hang-dump NMI racing a shootdown can be absorbed.
 */
bool
smp_nmi(struct trapframe *tf)
{
	return tlb_serve(cpu_this());
}

/* See thread.h. */
void
smp_tlb_shootdown(uintptr_t lo, uintptr_t hi)
{
	struct cpu *self = cpu_this();
	unsigned int i, n = __atomic_load_n(&ncpus, __ATOMIC_ACQUIRE);
	uint64_t f;

	if (n <= 1)
		return;
	f = spin_lock_irqsave(&tlb_lock);
	tlb_lo = ALIGN_DOWN(lo, PAGE_SIZE);
	tlb_hi = ALIGN_UP(hi, PAGE_SIZE);
	__atomic_store_n(&tlb_pending, n - 1, __ATOMIC_RELAXED);
	for (i = 0; i < n; i++)
		if (&cpus[i] != self)
			__atomic_store_n(&tlb_todo[i], 1, __ATOMIC_RELEASE);
	for (i = 0; i < n; i++)
		if (&cpus[i] != self)
			lapic_send_ipi(cpus[i].apic_id, ICR_NMI | ICR_ASSERT);
	while (__atomic_load_n(&tlb_pending, __ATOMIC_ACQUIRE) != 0)
		cpu_pause();
	spin_unlock_irqrestore(&tlb_lock, f);
}

/* See thread.h. */
void
smp_kick(struct cpu *c)
{
	if (c == cpu_this())
		return;
	__atomic_fetch_or(&ipi_reasons[c->id], IPI_RESCHED, __ATOMIC_RELEASE);
	lapic_send_ipi(c->apic_id, ICR_FIXED | ICR_ASSERT | VEC_IPI);
}

/* See thread.h. */
void
smp_poke(struct cpu *c)
{
	if (c == cpu_this())
		return;
	lapic_send_ipi(c->apic_id, ICR_FIXED | ICR_ASSERT | VEC_IPI);
}

/*
 * First C code of an AP, on its own stack, interrupts off, from ap.S:
 * its descriptor tables and APIC, then its boot context becomes its idle
 * thread and it schedules.
 */
static _Noreturn void
ap_main(void)
{
	struct cpu *c = __atomic_load_n(&ap_starting, __ATOMIC_ACQUIRE);
	struct thread *idle = ap_idle;

	if (__atomic_load_n(&ap_abandoned, __ATOMIC_ACQUIRE))
		for (;;)
			__asm__ volatile("cli; hlt");
	cpu_init_ap(c);
	lapic_init_ap();
	wrmsr(MSR_FS_BASE, 0);
	c->cur = idle;
	sched_cpu_init(c, idle);
	/* From here on other CPUs place threads here and IPI it. */
	__atomic_store_n(&ncpus, c->id + 1, __ATOMIC_RELEASE);
	sched_enable();
	sched_idle(NULL);
	panic("smp: idle loop returned");
}

/* An idle thread for CPU c whose stack is the AP's first stack. */
static struct thread *
idle_for(struct cpu *c, void *stack)
{
	struct thread *t = kzalloc(sizeof(*t));

	if (t == NULL)
		return NULL;
	list_init(&t->runq_link);
	list_init(&t->all_link);
	list_init(&t->sleep_link);
	waitq_init(&t->joinq);
	t->cpu = c;
	t->stack = stack;
	t->stack_size = AP_STACK_SIZE;
	t->state = THREAD_RUNNING;	/* current from its first instruction */
	t->altstack_flags = 4;		/* SS_DISABLE */
	memcpy(t->name, "idle", 5);
	return t;
}

/* Start CPU id with APIC id apic: true once it schedules. */
static bool
start_ap(uint32_t id, uint32_t apic)
{
	struct cpu *c = &cpus[id];
	uint8_t *stack;
	uint64_t end;

	if (cpu_prepare_ap(c, id, apic) != 0 ||
	    (stack = kstack_alloc(AP_STACK_SIZE)) == NULL ||
	    (ap_idle = idle_for(c, stack)) == NULL)
		return false;
	__atomic_store_n(&ap_starting, c, __ATOMIC_RELEASE);
	*(volatile uint64_t *)(AP_TRAMP_BASE +
	    ((const char *)&ap_tramp_stack - ap_tramp_start)) =
	    (uintptr_t)stack + AP_STACK_SIZE;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);

	/* INIT, 10 ms, SIPI, 200 us, SIPI (SDM vol 3A §8.4.4.1). */
	lapic_send_ipi(apic, ICR_INIT | ICR_ASSERT);
	delay_ns(10000000);
	lapic_send_ipi(apic, ICR_STARTUP | (AP_TRAMP_BASE >> 12));
	delay_ns(200000);
	if (__atomic_load_n(&ncpus, __ATOMIC_ACQUIRE) <= id)
		lapic_send_ipi(apic, ICR_STARTUP | (AP_TRAMP_BASE >> 12));
	end = time_monotonic() + AP_WAIT_NS;
	while (__atomic_load_n(&ncpus, __ATOMIC_ACQUIRE) <= id) {
		if (time_monotonic() > end) {
			__atomic_store_n(&ap_abandoned, 1, __ATOMIC_RELEASE);
			kprintf("vmgo: smp: CPU %u (APIC %u) did not start\n",
			    id, apic);
			return false;
		}
		cpu_pause();
	}
	return true;
}

/* See thread.h. */
void
smp_init(void)
{
	uint32_t ids[MAX_CPUS], bsp = lapic_id(), next = 1;
	size_t len = (size_t)(ap_tramp_end - ap_tramp_start);
	uint8_t *tramp = (uint8_t *)AP_TRAMP_BASE;
	int n, i;

	trap_register(VEC_IPI, ipi_intr);
	cpus[0].apic_id = bsp;
	n = madt_cpus(ids, MAX_CPUS);
	if (n <= 1)
		return;
	/* ap.S loads CR3 in 32-bit mode. */
	if (read_cr3() >= 0x100000000ULL || len > PAGE_SIZE ||
	    vm_protect(AP_TRAMP_BASE, PAGE_SIZE,
	    VM_READ | VM_WRITE | VM_EXEC) != 0) {
		kprintf("vmgo: smp: cannot set up the AP trampoline\n");
		return;
	}
	memcpy(tramp, ap_tramp_start, len);
	*(volatile uint32_t *)(tramp + ((const char *)&ap_tramp_cr3 -
	    ap_tramp_start)) = (uint32_t)read_cr3();
	*(volatile uint32_t *)(tramp + ((const char *)&ap_tramp_efer -
	    ap_tramp_start)) = EFER_LME | (cpu_features.has_nx ? EFER_NXE : 0);
	*(volatile uint64_t *)(tramp + ((const char *)&ap_tramp_entry -
	    ap_tramp_start)) = (uintptr_t)ap_main;

	for (i = 0; i < n && next < MAX_CPUS; i++) {
		if (ids[i] == bsp)
			continue;
		if (!start_ap(next, ids[i]))
			break;
		next++;
	}
	/* Back to data: no-execute again. */
	(void)vm_protect(AP_TRAMP_BASE, PAGE_SIZE, VM_READ | VM_WRITE);
}

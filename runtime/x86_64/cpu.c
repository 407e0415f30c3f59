/* SPDX-License-Identifier: ISC */
/*
 * cpu.c: the boot CPU's descriptor tables (GDT, TSS with IST stacks,
 * IDT), per-CPU data through %gs, CPUID feature detection, and the
 * FPU/SSE/AVX state the scheduler saves with XSAVE.
 */
#include <stddef.h>
#include <stdint.h>

#include "kernel.h"

/* Control register and EFER bits, SDM vol 3A §2.5 and §2.2.1. */
#define CR0_MP		(1UL << 1)
#define CR0_EM		(1UL << 2)
#define CR0_TS		(1UL << 3)
#define CR0_NE		(1UL << 5)
#define CR0_WP		(1UL << 16)
#define CR4_FSGSBASE	(1UL << 16)
#define CR4_OSFXSR	(1UL << 9)
#define CR4_OSXMMEXCPT	(1UL << 10)
#define CR4_OSXSAVE	(1UL << 18)
#define EFER_NXE	(1UL << 11)

/* XCR0 state components, SDM vol 1 §13.1. */
#define XCR0_X87	(1UL << 0)
#define XCR0_SSE	(1UL << 1)
#define XCR0_AVX	(1UL << 2)
#define XCR0_AVX512	(7UL << 5)	/* opmask, ZMM_Hi256, Hi16_ZMM */

#define FXSAVE_SIZE	512
#define XSAVE_HDR	512		/* offset of XSTATE_BV */

/* Descriptor bits: SDM vol 3A §3.4.5 and §7.2.3 (TSS). */
#define GDT_KCODE	0x00af9b000000ffffULL	/* 64-bit code, DPL 0 */
#define GDT_KDATA	0x00cf93000000ffffULL	/* flat data */
#define TSS_AVAIL	0x89ULL			/* P, 64-bit TSS, available */
#define GATE_INTR	0x8e			/* P, DPL 0, interrupt gate */


struct tss {				/* SDM vol 3A §8.7, figure 8-11 */
	uint32_t	reserved0;
	uint64_t	rsp[3];
	uint64_t	reserved1;
	uint64_t	ist[7];		/* IST1..IST7 */
	uint64_t	reserved2;
	uint16_t	reserved3;
	uint16_t	iomap_base;
} __packed;
_Static_assert(sizeof(struct tss) == 104, "TSS layout");

struct gate {				/* SDM vol 3A §6.14.1, figure 6-8 */
	uint16_t	off_lo;
	uint16_t	sel;
	uint8_t		ist;
	uint8_t		type;
	uint16_t	off_mid;
	uint32_t	off_hi;
	uint32_t	reserved;
} __packed;
_Static_assert(sizeof(struct gate) == 16, "IDT gate layout");

struct cpu cpus[MAX_CPUS];
unsigned int ncpus;
struct cpu_features cpu_features;

/* The stub addresses, from vectors.S. */
extern const uintptr_t trap_vectors[256];

/* Boot CPU tables; APs will get theirs when SMP arrives. */
static uint64_t bsp_gdt[5] __aligned(16);	/* null, code, data, TSS (2) */
static struct tss bsp_tss __aligned(16);
static struct gate idt[256] __aligned(16);	/* shared by all CPUs */
/* IST stacks until cpu_alloc_ist gives them guard pages. */
static uint8_t bsp_ist[5][IST_STACK_SIZE] __aligned(16);

static inline void
xsetbv(uint32_t reg, uint64_t v)
{
	__asm__ volatile("xsetbv" :: "c"(reg), "a"((uint32_t)v),
	    "d"((uint32_t)(v >> 32)));
}

static void
detect_features(struct cpu_features *f)
{
	uint32_t a, b, c, d, xa, xd;

	cpuid(0, 0, &a, &b, &c, &d);
	f->max_leaf = a;
	*(uint32_t *)&f->vendor[0] = b;
	*(uint32_t *)&f->vendor[4] = d;
	*(uint32_t *)&f->vendor[8] = c;
	f->vendor[12] = '\0';

	cpuid(1, 0, &a, &b, &c, &d);
	f->has_xsave = (c >> 26) & 1;
	f->has_avx = (c >> 28) & 1;		/* CPU support; see enable_fpu */
	f->has_rdrand = (c >> 30) & 1;
	f->has_x2apic = (c >> 21) & 1;
	f->has_tsc_deadline = (c >> 24) & 1;
	f->hypervisor = (c >> 31) & 1;

	if (f->max_leaf >= 7) {
		cpuid(7, 0, &a, &b, &c, &d);
		f->has_fsgsbase = b & 1;
		f->has_avx512 = (b >> 16) & 1;	/* AVX512F */
		f->has_rdseed = (b >> 18) & 1;
	}
	cpuid(0x80000000, 0, &a, &b, &c, &d);
	if (a >= 0x80000001) {
		uint32_t ea = a;

		cpuid(0x80000001, 0, &a, &b, &c, &d);
		f->has_nx = (d >> 20) & 1;	/* CPUID 8000_0001h:EDX[20] */
		a = ea;
	}
	if (a >= 0x80000007) {
		cpuid(0x80000007, 0, &a, &b, &c, &d);
		f->has_invariant_tsc = (d >> 8) & 1;
	}

	/* XSAVE components the CPU supports: CPUID.(0xd, 0):EDX:EAX. */
	f->xcr0 = 0;
	if (f->has_xsave && f->max_leaf >= 0xd) {
		cpuid(0xd, 0, &xa, &b, &c, &xd);
		f->xcr0 = (uint64_t)xd << 32 | xa;
	}
}

/*
 * SSE always (x86-64 has it); XSAVE with x87|SSE, plus AVX and AVX-512
 * when the CPU supports every component they need, so Go's CPU feature
 * checks (CPUID.OSXSAVE and XGETBV) find them.  SDM vol 3A §13.1-13.3.
 */
static void
enable_fpu(struct cpu_features *f)
{
	uint32_t a, b, c, d, mxcsr = 0x1f80;
	uint64_t supported = f->xcr0, xcr0;

	write_cr0((read_cr0() & ~(CR0_EM | CR0_TS)) | CR0_MP | CR0_NE | CR0_WP);
	write_cr4(read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT);

	f->xsave_size = FXSAVE_SIZE;
	if (f->has_xsave && (supported & (XCR0_X87 | XCR0_SSE)) ==
	    (XCR0_X87 | XCR0_SSE)) {
		write_cr4(read_cr4() | CR4_OSXSAVE);
		xcr0 = XCR0_X87 | XCR0_SSE;
		if (f->has_avx && (supported & XCR0_AVX))
			xcr0 |= XCR0_AVX;
		if ((xcr0 & XCR0_AVX) && f->has_avx512 &&
		    (supported & XCR0_AVX512) == XCR0_AVX512)
			xcr0 |= XCR0_AVX512;
		xsetbv(0, xcr0);
		f->xcr0 = xcr0;
		/* EBX: bytes needed for the components now in XCR0. */
		cpuid(0xd, 0, &a, &b, &c, &d);
		f->xsave_size = b > FXSAVE_SIZE ? b : FXSAVE_SIZE;
	} else {
		f->has_xsave = 0;
		f->xcr0 = 0;
	}
	f->has_avx = (f->xcr0 & XCR0_AVX) != 0;
	f->has_avx512 = (f->xcr0 & XCR0_AVX512) == XCR0_AVX512;

	/* This context: FCW 0x37f, MXCSR 0x1f80 (the ABI's initial state). */
	__asm__ volatile("fninit; ldmxcsr %0" :: "m"(mxcsr));
}

static void
set_gate(int vec, uintptr_t fn, int ist)
{
	struct gate *g = &idt[vec];

	g->off_lo = fn & 0xffff;
	g->sel = SEG_KCODE;
	g->ist = ist;
	g->type = GATE_INTR;
	g->off_mid = (fn >> 16) & 0xffff;
	g->off_hi = fn >> 32;
	g->reserved = 0;
}

/* Every gate an interrupt gate (IF cleared) on an IST stack. */
static void
idt_build(void)
{
	int v, ist;

	for (v = 0; v < 256; v++) {
		if (v == VEC_PF)
			ist = IST_PF;
		else if (v == VEC_DF)
			ist = IST_DF;
		else if (v == VEC_NMI || v == VEC_MC)
			ist = IST_NMI;
		else if (v < VEC_IRQ_BASE)
			ist = IST_EXC;
		else
			ist = IST_IRQ;
		set_gate(v, trap_vectors[v], ist);
	}
}

/* Load gdt (with the TSS at SEG_TSS), reload every segment register and
 * the task register.  Loading the null selector into %gs may clear its
 * base, so the caller sets MSR_GS_BASE afterwards. */
static void
gdt_load(uint64_t *gdt, size_t ngdt)
{
	struct __packed { uint16_t limit; uint64_t base; } gdtr;

	gdtr.limit = ngdt * 8 - 1;
	gdtr.base = (uintptr_t)gdt;
	/* CS by a far return; FS/GS null (their bases are set by MSR). */
	__asm__ volatile(
	    "lgdt %0\n\t"
	    "pushq %1\n\t"
	    "leaq 1f(%%rip), %%rax\n\t"
	    "pushq %%rax\n\t"
	    "lretq\n"
	    "1:\n\t"
	    "movl %2, %%eax\n\t"
	    "movl %%eax, %%ds\n\t"
	    "movl %%eax, %%es\n\t"
	    "movl %%eax, %%ss\n\t"
	    "xorl %%eax, %%eax\n\t"
	    "movl %%eax, %%fs\n\t"
	    "movl %%eax, %%gs\n\t"
	    "ltr %w3"
	    :: "m"(gdtr), "i"((uint64_t)SEG_KCODE), "i"(SEG_KDATA),
	    "r"((uint16_t)SEG_TSS)
	    : "rax", "memory");
}

/* Load the IDT: from here on traps reach trap(), which needs %gs. */
static void
idt_load(void)
{
	struct __packed { uint16_t limit; uint64_t base; } idtr;

	idtr.limit = sizeof(idt) - 1;
	idtr.base = (uintptr_t)idt;
	__asm__ volatile("lidt %0" :: "m"(idtr) : "memory");
}

/*
 * Set up the boot CPU: features, FPU/SSE/XSAVE, GDT/TSS/IDT with IST
 * stacks, %gs base = &cpus[0].  Called once, second thing in kmain, with
 * interrupts off.  Exceptions are reported from here on.
 */
void
cpu_init_bsp(void)
{
	struct cpu *c = &cpus[0];
	uint64_t tss = (uintptr_t)&bsp_tss;
	uint32_t a, b, cx, d;
	int slot;

	detect_features(&cpu_features);
	enable_fpu(&cpu_features);
	if (cpu_features.has_nx)
		wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
	if (cpu_features.has_fsgsbase)
		write_cr4(read_cr4() | CR4_FSGSBASE);
	/* The 8259 PICs stay as boot left them (masked by firmware or
	 * not yet unmasked) until lapic_init masks them for good; nothing
	 * enables interrupts before that. */

	c->self = c;
	c->id = 0;
	cpuid(1, 0, &a, &b, &cx, &d);
	c->apic_id = b >> 24;			/* CPUID.1:EBX[31:24] */
	c->tss = &bsp_tss;
	for (slot = 1; slot <= 5; slot++) {
		c->ist[slot] = bsp_ist[slot - 1] + IST_STACK_SIZE;
		bsp_tss.ist[slot - 1] = (uintptr_t)c->ist[slot];
	}
	bsp_tss.iomap_base = sizeof(bsp_tss);	/* no I/O bitmap */

	bsp_gdt[0] = 0;
	bsp_gdt[SEG_KCODE / 8] = GDT_KCODE;
	bsp_gdt[SEG_KDATA / 8] = GDT_KDATA;
	bsp_gdt[SEG_TSS / 8] = (sizeof(bsp_tss) - 1) | (tss & 0xffffff) << 16 |
	    TSS_AVAIL << 40 | ((tss >> 24) & 0xff) << 56;
	bsp_gdt[SEG_TSS / 8 + 1] = tss >> 32;

	gdt_load(bsp_gdt, ARRAY_LEN(bsp_gdt));
	wrmsr(MSR_GS_BASE, (uintptr_t)c);
	wrmsr(MSR_KERNEL_GS_BASE, 0);
	idt_build();
	idt_load();
	ncpus = 1;
}

/*
 * Give this CPU's IST stacks a guard page each (kstack_alloc).  Called
 * once by kmain after vm_init, in thread context; no trap is using the
 * old stacks then.  A slot whose allocation fails keeps its static stack.
 */
void
cpu_alloc_ist(void)
{
	struct cpu *c = cpu_this();
	uint8_t *base;
	int slot;

	for (slot = 1; slot <= 5; slot++) {
		if ((base = kstack_alloc(IST_STACK_SIZE)) == NULL)
			continue;
		c->ist[slot] = base + IST_STACK_SIZE;
		__atomic_store_n(&c->tss->ist[slot - 1], (uintptr_t)c->ist[slot],
		    __ATOMIC_RELEASE);
	}
}

/*
 * Fill a GDT (5 entries) for a TSS at tss: null, kernel code, kernel data,
 * then the 16-byte TSS descriptor (SDM vol 3A §8.2.3).
 */
static void
gdt_fill(uint64_t *gdt, const struct tss *t)
{
	uint64_t tss = (uintptr_t)t;

	gdt[0] = 0;
	gdt[SEG_KCODE / 8] = GDT_KCODE;
	gdt[SEG_KDATA / 8] = GDT_KDATA;
	gdt[SEG_TSS / 8] = (sizeof(struct tss) - 1) | (tss & 0xffffff) << 16 |
	    TSS_AVAIL << 40 | ((tss >> 24) & 0xff) << 56;
	gdt[SEG_TSS / 8 + 1] = tss >> 32;
}

/*
 * Allocate and fill AP c's GDT, TSS and IST stacks (each with a guard
 * page).  0 or -ENOMEM (what was allocated stays: the CPU is not
 * started and a boot-time leak is harmless).  Boot CPU, thread context.
 */
int
cpu_prepare_ap(struct cpu *c, uint32_t id, uint32_t apic_id)
{
	struct tss *tss;
	uint8_t *base;
	int slot;

	c->self = c;
	c->id = id;
	c->apic_id = apic_id;
	tss = kmalloc_aligned(sizeof(*tss), 16);
	c->gdt = kmalloc_aligned(5 * sizeof(uint64_t), 16);
	if (tss == NULL || c->gdt == NULL)
		return -ENOMEM;
	memset(tss, 0, sizeof(*tss));
	tss->iomap_base = sizeof(*tss);		/* no I/O bitmap */
	for (slot = 1; slot <= 5; slot++) {
		if ((base = kstack_alloc(IST_STACK_SIZE)) == NULL)
			return -ENOMEM;
		c->ist[slot] = base + IST_STACK_SIZE;
		tss->ist[slot - 1] = (uintptr_t)c->ist[slot];
	}
	c->tss = tss;
	gdt_fill(c->gdt, tss);
	return 0;
}

/*
 * First C code on AP c (smp.c), interrupts off: the BSP's FPU/SSE/XSAVE,
 * NX and FSGSBASE settings (cpu_features is read-only by now), c's GDT
 * and TSS, the shared IDT, %gs base = c.
 */
void
cpu_init_ap(struct cpu *c)
{
	uint32_t mxcsr = 0x1f80;

	write_cr0((read_cr0() & ~(CR0_EM | CR0_TS)) | CR0_MP | CR0_NE | CR0_WP);
	write_cr4(read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT);
	if (cpu_features.has_xsave) {
		write_cr4(read_cr4() | CR4_OSXSAVE);
		xsetbv(0, cpu_features.xcr0);
	}
	__asm__ volatile("fninit; ldmxcsr %0" :: "m"(mxcsr));
	if (cpu_features.has_nx)
		wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
	if (cpu_features.has_fsgsbase)
		write_cr4(read_cr4() | CR4_FSGSBASE);
	gdt_load(c->gdt, 5);
	wrmsr(MSR_GS_BASE, (uintptr_t)c);
	wrmsr(MSR_KERNEL_GS_BASE, 0);
	idt_load();
}

/*
 * Save this CPU's x87/SSE/AVX state into area (64-byte aligned,
 * cpu_features.xsave_size bytes).  Any context.
 */
void
cpu_fpu_save(void *area)
{
	if (cpu_features.has_xsave)
		__asm__ volatile("xsave64 (%0)" :: "r"(area), "a"(0xffffffff),
		    "d"(0xffffffff) : "memory");
	else
		__asm__ volatile("fxsave64 (%0)" :: "r"(area) : "memory");
}

/* Load state saved by cpu_fpu_save or set by cpu_fpu_init_area. */
void
cpu_fpu_restore(const void *area)
{
	if (cpu_features.has_xsave)
		__asm__ volatile("xrstor64 (%0)" :: "r"(area), "a"(0xffffffff),
		    "d"(0xffffffff) : "memory");
	else
		__asm__ volatile("fxrstor64 (%0)" :: "r"(area) : "memory");
}

/*
 * Fill area with the state a new thread starts with: x87 empty with
 * FCW 0x37f, MXCSR 0x1f80, all vector registers zero.  XSTATE_BV says
 * x87 and SSE come from the legacy area; the rest is in its init state.
 */
void
cpu_fpu_init_area(void *area)
{
	uint8_t *p = area;

	memset(p, 0, cpu_features.xsave_size);
	*(uint16_t *)(p + 0) = 0x37f;		/* FCW */
	*(uint32_t *)(p + 24) = 0x1f80;		/* MXCSR */
	if (cpu_features.has_xsave)
		*(uint64_t *)(p + XSAVE_HDR) = XCR0_X87 | XCR0_SSE;
}

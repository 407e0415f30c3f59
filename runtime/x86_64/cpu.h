/* SPDX-License-Identifier: ISC */
/*
 * cpu.h: x86-64 CPU access (inline asm), per-CPU data, interrupt vectors
 * and the trap frame.  Constants usable from .S files sit outside the
 * __ASSEMBLER__ guard.
 */
#ifndef VMGO_RUNTIME_X86_64_CPU_H
#define VMGO_RUNTIME_X86_64_CPU_H

/* Segment selectors in the GDT built by cpu.c (Intel SDM vol 3A §3.4.2). */
#define SEG_KCODE	0x08
#define SEG_KDATA	0x10
#define SEG_TSS		0x18	/* 16-byte system descriptor */

/*
 * Interrupt vectors.  0-31 are exceptions (SDM vol 3A §6.3.1); every gate
 * uses an IST stack because Go goroutine stacks must never receive a pushed
 * frame (docs/go-openbsd-abi.md §6.11).
 */
#define VEC_DE		0
#define VEC_NMI		2
#define VEC_BP		3
#define VEC_UD		6
#define VEC_DF		8
#define VEC_GP		13
#define VEC_PF		14
#define VEC_MC		18
#define VEC_IRQ_BASE	32	/* first vector for device interrupts */
#define VEC_TIMER	0xf0	/* local APIC timer */
#define VEC_RESCHED	0xf1	/* software: "int $VEC_RESCHED" to switch threads */
#define VEC_IPI		0xf2	/* inter-processor wake-up (SMP, later) */
#define VEC_SIGRETURN	0xf3	/* software: a signal handler returned (signal.c) */
#define VEC_SIGNAL	0xf4	/* software: deliver pending signals to the caller now */
#define VEC_SPURIOUS	0xff	/* local APIC spurious vector */

/* IST slots in the TSS (SDM vol 3A §6.14.5): 1-7. */
#define IST_IRQ		1	/* device/timer interrupts and VEC_RESCHED */
#define IST_PF		2	/* page faults (demand paging) */
#define IST_DF		3	/* double fault */
#define IST_NMI		4	/* NMI and machine check */
#define IST_EXC		5	/* all other exceptions */
#define IST_STACK_SIZE	16384

/* Page below 1 MiB the AP start-up trampoline (boot/ap.S) is copied to. */
#define AP_TRAMP_BASE	0x8000

/* struct trapframe offsets, for vectors.S */
#define TF_SIZE		(22 * 8)

/* Per-CPU structure offsets, for .S (%gs-relative) */
#define CPU_SELF	0

#ifndef __ASSEMBLER__
#include <stdint.h>
#include <stddef.h>

/*
 * Register state of an interrupted context, as vectors.S lays it out on the
 * IST stack.  A suspended thread's whole CPU state is one of these (plus its
 * XSAVE area), so a preemptive switch is a copy of this structure.
 */
struct trapframe {
	uint64_t	r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t	rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t	vector;		/* pushed by the stub */
	uint64_t	error;		/* CPU error code, or 0 */
	/* pushed by the CPU (SDM vol 3A §6.14.2) */
	uint64_t	rip, cs, rflags, rsp, ss;
};
_Static_assert(sizeof(struct trapframe) == 22 * 8, "TF_SIZE");

struct thread;

/*
 * Per-CPU data, reached through %gs (Go never uses %gs here).  cpu.c owns
 * the layout; other files add fields they need.
 */
struct cpu {
	struct cpu	*self;		/* CPU_SELF: %gs:0 */
	uint32_t	id;		/* 0 = boot CPU */
	uint32_t	apic_id;
	struct thread	*cur;		/* running thread */
	struct thread	*idle;		/* this CPU's idle thread */
	int		need_resched;	/* set by timer/wake-ups, read on trap return */
	uint32_t	irq_depth;	/* >0 while in an interrupt handler */
	void		*ist[8];	/* top of each IST stack */
	struct tss	*tss;
	uint64_t	*gdt;		/* this CPU's GDT (cpu_init_ap) */
	void		*runq;		/* scheduler's per-CPU run queue */
};

#define MAX_CPUS	64
extern struct cpu cpus[MAX_CPUS];
extern unsigned int ncpus;		/* CPUs started */

static inline struct cpu *
cpu_this(void)
{
	struct cpu *c;

	__asm__ volatile("movq %%gs:0, %0" : "=r"(c));
	return c;
}

/* cpu.c: descriptor tables and CPU features */
/* Build GDT/TSS/IDT for this CPU, set %gs base, enable SSE/XSAVE/AVX. */
void	cpu_init_bsp(void);
/* CPUID feature facts, filled by cpu_init_bsp(). */
struct cpu_features {
	uint32_t	max_leaf;
	char		vendor[13];
	int		has_xsave, has_avx, has_avx512, has_rdrand, has_rdseed;
	int		has_invariant_tsc, has_tsc_deadline, has_x2apic, has_fsgsbase;
	int		has_nx;		/* EFER.NXE set by cpu_init_bsp */
	int		hypervisor;	/* CPUID.1:ECX[31] */
	uint64_t	xcr0;		/* enabled XSAVE components */
	uint32_t	xsave_size;	/* bytes of an XSAVE area for xcr0 (>= 512) */
};
extern struct cpu_features cpu_features;
/* Save/restore this CPU's FPU/SSE/AVX state; area is 64-byte aligned,
 * cpu_features.xsave_size bytes. */
void	cpu_fpu_save(void *area);
void	cpu_fpu_restore(const void *area);
/* Set an FPU area to the ABI's initial state (FCW 0x37f, MXCSR 0x1f80). */
void	cpu_fpu_init_area(void *area);
/*
 * Allocate AP c's GDT, TSS and IST stacks (guard pages below) and fill
 * c->self/id/apic_id first.  0 or -ENOMEM.  Boot CPU, thread context.
 */
int	cpu_prepare_ap(struct cpu *c, uint32_t id, uint32_t apic_id);
/* On AP c itself, first C code: load its GDT/TSS, the shared IDT, %gs =
 * c, and the BSP's CR0/CR4/XCR0/EFER feature settings.  Interrupts off. */
void	cpu_init_ap(struct cpu *c);
/* Move this CPU's IST stacks to kstack_alloc stacks (guard page below);
 * once, after vm_init.  Keeps the static ones if memory is short. */
void	cpu_alloc_ist(void);

/* trap.c: exceptions and interrupts */
typedef void (*trap_handler_t)(struct trapframe *tf);
/* Route vector (32-255) to fn.  fn runs with interrupts off on the IRQ IST
 * stack; it must send its own EOI. */
void	trap_register(int vector, trap_handler_t fn);
/* Print a trap frame (registers, vector, CR2) on the console. */
void	trap_dump(const struct trapframe *tf);
/* Every vector's C entry, called only by vectors.S. */
void	trap(struct trapframe *tf);
/* Set by the signal code: 0 = the exception became a signal, resume tf. */
extern int (*trap_signal_hook)(struct trapframe *tf);

/* Hardware access. */
static inline void outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" :: "a"(v), "Nd"(port)); }
static inline void outw(uint16_t port, uint16_t v) { __asm__ volatile("outw %0, %1" :: "a"(v), "Nd"(port)); }
static inline void outl(uint16_t port, uint32_t v) { __asm__ volatile("outl %0, %1" :: "a"(v), "Nd"(port)); }
static inline uint8_t inb(uint16_t port) { uint8_t v; __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline uint16_t inw(uint16_t port) { uint16_t v; __asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline uint32_t inl(uint16_t port) { uint32_t v; __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port)); return v; }

static inline uint64_t
rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void
wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" :: "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

static inline uint64_t
rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static inline void
cpuid(uint32_t leaf, uint32_t sub, uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d)
{
	__asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(sub));
}

static inline uint64_t read_cr0(void) { uint64_t v; __asm__ volatile("mov %%cr0, %0" : "=r"(v)); return v; }
static inline void write_cr0(uint64_t v) { __asm__ volatile("mov %0, %%cr0" :: "r"(v) : "memory"); }
static inline uint64_t read_cr4(void) { uint64_t v; __asm__ volatile("mov %%cr4, %0" : "=r"(v)); return v; }
static inline void write_cr4(uint64_t v) { __asm__ volatile("mov %0, %%cr4" :: "r"(v) : "memory"); }
static inline uint64_t read_cr2(void) { uint64_t v; __asm__ volatile("mov %%cr2, %0" : "=r"(v)); return v; }
static inline uint64_t read_cr3(void) { uint64_t v; __asm__ volatile("mov %%cr3, %0" : "=r"(v)); return v; }
static inline void write_cr3(uint64_t v) { __asm__ volatile("mov %0, %%cr3" :: "r"(v) : "memory"); }
static inline void invlpg(uintptr_t va) { __asm__ volatile("invlpg (%0)" :: "r"(va) : "memory"); }
static inline void cpu_pause(void) { __asm__ volatile("pause"); }
static inline void cpu_hlt(void) { __asm__ volatile("hlt"); }

static inline uint64_t
irq_save(void)
{
	uint64_t f;

#ifdef VMGO_HOST_TEST	/* host unit tests run in ring 3, where cli faults */
	f = 0;
#else
	__asm__ volatile("pushfq; popq %0; cli" : "=r"(f) :: "memory");
#endif
	return f;
}

static inline void
irq_restore(uint64_t f)
{
	if (f & 0x200)
		__asm__ volatile("sti" ::: "memory");
}

static inline void irq_enable(void) { __asm__ volatile("sti" ::: "memory"); }
static inline void irq_disable(void) { __asm__ volatile("cli" ::: "memory"); }

#define MSR_FS_BASE		0xc0000100
#define MSR_GS_BASE		0xc0000101
#define MSR_KERNEL_GS_BASE	0xc0000102
#define MSR_APIC_BASE		0x1b
#define MSR_TSC_DEADLINE	0x6e0
#define MSR_EFER		0xc0000080

#endif /* !__ASSEMBLER__ */
#endif

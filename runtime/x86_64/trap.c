/* SPDX-License-Identifier: ISC */
/*
 * trap.c: where every interrupt and exception lands (from vectors.S).
 * Page faults go to demand paging first; device interrupts to their
 * registered handler and then to the scheduler; any other exception is
 * fatal for now (delivery to Go as a signal goes through trap_signal_hook).
 */
#include <stddef.h>
#include <stdint.h>

#include "kernel.h"

_Static_assert(offsetof(struct trapframe, rbp) == 8 * 8, "vectors.S TF_RBP");
_Static_assert(offsetof(struct trapframe, rip) == 17 * 8, "vectors.S TF_RIP");

#define PIC_VEC_FIRST	0x20	/* cpu.c remaps and masks the 8259s here */
#define PIC_VEC_LAST	0x2f

/* #PF error code bits, SDM vol 3A §4.7 figure 4-12. */
#define PF_P		0x01	/* protection violation (else not present) */
#define PF_W		0x02	/* write */
#define PF_I		0x10	/* instruction fetch */

static trap_handler_t handlers[256];
static uint32_t pf_nest[MAX_CPUS];	/* #PF handling in progress per CPU */
static int fatal_nest;
static uint8_t unexpected_seen[256];

/*
 * Hook for turning a CPU exception into a signal for Go (SIGSEGV, SIGBUS,
 * SIGFPE, SIGILL, SIGTRAP; docs/go-openbsd-abi.md §6.8).  When set and it
 * returns 0, the frame (edited to enter the handler) is resumed; otherwise
 * the exception is fatal.  Runs on the exception's IST stack, interrupts
 * off.
 */
int	(*trap_signal_hook)(struct trapframe *tf);

static const char *const exception_names[32] = {
	"divide error", "debug", "NMI", "breakpoint", "overflow",
	"BOUND range exceeded", "invalid opcode", "device not available",
	"double fault", "coprocessor segment overrun", "invalid TSS",
	"segment not present", "stack-segment fault", "general protection",
	"page fault", "reserved", "x87 floating-point error",
	"alignment check", "machine check", "SIMD floating-point exception",
	"virtualization exception", "control protection", "reserved",
	"reserved", "reserved", "reserved", "reserved", "reserved",
	"hypervisor injection", "VMM communication", "security exception",
	"reserved",
};

/*
 * Route vector (32-255) to fn.  fn runs with interrupts off on the IRQ IST
 * stack and sends its own EOI.  Call before the source is enabled.
 */
void
trap_register(int vector, trap_handler_t fn)
{
	if (vector < VEC_IRQ_BASE || vector > 255)
		panic("trap_register: vector %d is not an interrupt", vector);
	__atomic_store_n(&handlers[vector], fn, __ATOMIC_RELEASE);
}

/*
 * Print the registers of tf, CR2 and CR3 on the console.  Any context.
 */
void
trap_dump(const struct trapframe *tf)
{
	kprintf("vmgo:  rax %016lx  rbx %016lx  rcx %016lx\n",
	    tf->rax, tf->rbx, tf->rcx);
	kprintf("vmgo:  rdx %016lx  rsi %016lx  rdi %016lx\n",
	    tf->rdx, tf->rsi, tf->rdi);
	kprintf("vmgo:  rbp %016lx  rsp %016lx   r8 %016lx\n",
	    tf->rbp, tf->rsp, tf->r8);
	kprintf("vmgo:   r9 %016lx  r10 %016lx  r11 %016lx\n",
	    tf->r9, tf->r10, tf->r11);
	kprintf("vmgo:  r12 %016lx  r13 %016lx  r14 %016lx\n",
	    tf->r12, tf->r13, tf->r14);
	kprintf("vmgo:  r15 %016lx  rip %016lx  rfl %016lx\n",
	    tf->r15, tf->rip, tf->rflags);
	kprintf("vmgo:  cs %04lx  ss %04lx  vector %lu  error 0x%lx  "
	    "cr2 0x%lx  cr3 0x%lx\n", tf->cs, tf->ss, tf->vector, tf->error,
	    read_cr2(), read_cr3());
}

static _Noreturn void
fatal(const struct trapframe *tf)
{
	struct thread *t;
	const char *fn;
	uintptr_t off;
	const char *name = tf->vector < 32 ?
	    exception_names[tf->vector] : "interrupt";

	console_panic();
	if (__atomic_fetch_add(&fatal_nest, 1, __ATOMIC_SEQ_CST) != 0) {
		kprintf("vmgo: fatal trap %lu (%s) at rip 0x%lx while "
		    "reporting another\n", tf->vector, name, tf->rip);
		platform_exit(VMGO_EXIT_PANIC);
	}
	kprintf("vmgo: fatal trap %lu (%s) at rip 0x%lx", tf->vector, name,
	    tf->rip);
	fn = ksym_lookup(tf->rip, &off);
	if (fn != NULL)
		kprintf(" in %s+%#lx", fn, off);
	kprintf("\n");
	if (tf->vector == VEC_PF)
		kprintf("vmgo: %s %s address 0x%lx\n",
		    (tf->error & PF_P) ? "protection violation:" : "not present:",
		    (tf->error & PF_I) ? "instruction fetch at" :
		    (tf->error & PF_W) ? "write to" : "read from", read_cr2());
	/* Next to rsp and not present: the stack ran into its guard page. */
	if (tf->vector == VEC_PF && (tf->error & PF_P) == 0 &&
	    read_cr2() + PAGE_SIZE > tf->rsp && read_cr2() < tf->rsp + PAGE_SIZE)
		kprintf("vmgo: the address is next to rsp: a stack overflow into "
		    "a guard page\n");
	t = cpu_this()->cur;
	if (t != NULL)
		kprintf("vmgo: cpu %u, thread %d\n", cpu_this()->id, t->tid);
	else
		kprintf("vmgo: cpu %u, before threads\n", cpu_this()->id);
	trap_dump(tf);
	panic_backtrace(tf->rip, tf->rbp);
	platform_exit(VMGO_EXIT_PANIC);
}

/* A vector nobody registered: note it once, acknowledge, carry on. */
static void
unexpected(const struct trapframe *tf)
{
	int v = (int)tf->vector;

	/* LAPIC spurious and 8259 spurious (IRQ 7/15) take no EOI. */
	if (v == VEC_SPURIOUS || (v >= PIC_VEC_FIRST && v <= PIC_VEC_LAST))
		return;
	if (!unexpected_seen[v]) {
		unexpected_seen[v] = 1;
		kprintf("vmgo: unexpected interrupt vector %d\n", v);
	}
	lapic_eoi();
}

/*
 * Called by vectors.S for every vector, with interrupts off, on the IST
 * stack of the vector's class (cpu.c).  Returning resumes *tf, which the
 * scheduler may have replaced with another thread's state.
 */
void
trap(struct trapframe *tf)
{
	struct cpu *c = cpu_this();
	trap_handler_t fn;
	uint64_t cr2;
	int r;

	/* TLB shootdowns arrive as NMIs (smp.c). */
	if (tf->vector == VEC_NMI && smp_nmi(tf))
		return;
	if (tf->vector == VEC_PF) {
		cr2 = read_cr2();
		/* A fault inside the #PF path reused its IST stack: give up. */
		if (pf_nest[c->id] != 0) {
			console_panic();
			kprintf("vmgo: page fault while resolving a page fault\n");
			fatal(tf);
		}
		pf_nest[c->id] = 1;
		r = vma_fault(cr2, tf->error);
		pf_nest[c->id] = 0;
		if (r == 0)
			return;
	}
	if (tf->vector == VEC_NMI) {
		debug_nmi(tf);		/* the hang dump (debug.c) */
		return;
	}
	if (tf->vector < VEC_IRQ_BASE) {
		if (trap_signal_hook != NULL && trap_signal_hook(tf) == 0)
			return;
		fatal(tf);
	}

	c->irq_depth++;
	fn = __atomic_load_n(&handlers[tf->vector], __ATOMIC_ACQUIRE);
	if (fn != NULL)
		fn(tf);
	else
		unexpected(tf);
	c->irq_depth--;
	sched_trap_return(tf);
}

/* SPDX-License-Identifier: ISC */
/*
 * signal.c: running signal handlers (docs/go-openbsd-abi.md §6.5-6.11).
 * Everything runs at CPL 0 in one address space, so "delivering" a signal
 * is an edit of the trap frame an interrupt or exception is about to
 * resume: the interrupted registers, FPU state, mask and errno go into a
 * struct sigframe on the handler's stack (the thread's sigaltstack), and
 * the frame is pointed at the handler.  The handler returns into
 * signal_trampoline (x86_64/sigreturn.S), whose "int $VEC_SIGRETURN"
 * brings the saved, possibly edited, context back in one step.
 *
 * Three ways in:
 *  - signal_fault: an exception in Go (or cgo) code that vma_fault could
 *    not resolve (trap.c's trap_signal_hook) becomes SIGSEGV, SIGBUS,
 *    SIGFPE, SIGILL or SIGTRAP with a positive si_code (§6.8);
 *  - signal_trap_return: on every interrupt return (sched.c) a pending,
 *    unblocked signal of the thread being resumed is delivered when the
 *    resumed context is outside the C runtime (§6.10): thrkill(SIGURG)
 *    preemption, SIGPROF from the profiling timer, kill();
 *  - signal_deliver_self: raise/thrkill to oneself, kill(getpid()) and an
 *    unblocking pthread_sigmask deliver before they return, through
 *    "int $VEC_SIGNAL", so the caller's own frame is the interrupted one.
 *
 * Nothing here is per delivery state outside the frame, so a handler that
 * never returns (Go's panics, exit) leaves nothing behind.
 */
#include <signal.h>

#include "kernel.h"

#define RFLAGS_IF	0x200
/* Flags a handler may change through sc_rflags: CF PF AF ZF SF DF OF
 * (SDM vol 1 §3.4.3); IF stays set, IOPL/TF/NT/AC/RF/VM are ignored. */
#define RFLAGS_USER	0x0cd5UL
#define RFLAGS_FIXED	0x2UL		/* bit 1 always reads 1 */

/* #PF error code bits, SDM vol 3A §4.7. */
#define PF_P		0x01
#define PF_W		0x02

/* Exception vectors without a name in cpu.h (SDM vol 3A table 6-1). */
#define VEC_DB		1
#define VEC_NM		7
#define VEC_SS		12
#define VEC_MF		16
#define VEC_AC		17
#define VEC_XM		19

/* Below an interrupted rsp that is not an alternate stack top: the SysV
 * red zone (ABI §3.2.2), which C code built elsewhere may use. */
#define SIGFRAME_GAP	128
/* Least stack left under the frame on an alternate stack for the handler
 * itself (Go's sigtramp runs on 32 KiB and needs a few KiB). */
#define SIGSTACK_MIN	4096

#define SIG_CANTMASK	(sigmask(SIGKILL) | sigmask(SIGSTOP))
#define SIGFRAME_MAGIC	0x5349474eU	/* "SIGN", xor the frame address */

/* FXSAVE/XSAVE layout, SDM vol 1 §10.5.1 and §13.4. */
#define FX_FCW		0
#define FX_FSW		2
#define FX_MXCSR	24
#define XSAVE_HDR	512
#define XSAVE_HDR_SIZE	64

/*
 * What a handler finds on its stack, lowest address first: the return
 * address (rsp at entry points at it, so rsp+8 is 16-aligned), the
 * siginfo and sigcontext it gets pointers to, and what sigreturn must put
 * back that has no sigcontext field.  The FPU area sits above, 64-byte
 * aligned, at sc.sc_fpstate.
 */
struct sigframe {
	uint64_t	ret;		/* signal_trampoline */
	siginfo_t	info;
	struct sigcontext sc;
	int		saved_errno;	/* errno of the interrupted code */
	uint32_t	magic;		/* SIGFRAME_MAGIC ^ frame address */
};

_Static_assert(sizeof(siginfo_t) == 136, "ABI §6.5: siginfo_t");
_Static_assert(offsetof(siginfo_t, si_addr) == 16, "ABI §6.5: si_addr");
_Static_assert(offsetof(struct sigcontext, sc_rip) == 168, "ABI §6.6: rip");
_Static_assert(offsetof(struct sigcontext, sc_rsp) == 192, "ABI §6.6: rsp");
_Static_assert(offsetof(struct sigcontext, sc_fpstate) == 208,
    "ABI §6.6: fpstate");
_Static_assert(offsetof(struct sigcontext, sc_mask) == 220, "ABI §6.6: mask");
_Static_assert(sizeof(struct sigframe) % 16 == 0, "frame keeps alignment");

/* x86_64/sigreturn.S */
void	signal_trampoline(void);

/* The C runtime's code, from boot/vmgo.ld. */
extern char __vmgo_text_start[], __vmgo_text_end[];

/*
 * Is rip inside the C runtime (boot code, vmgo.o, lwIP) rather than Go or
 * cgo code?  Async signals wait until a thread is back outside it; a fault
 * inside it is a runtime bug, not a signal.  Any context.
 */
bool
signal_in_runtime(uintptr_t rip)
{
	return rip >= (uintptr_t)__vmgo_text_start &&
	    rip < (uintptr_t)__vmgo_text_end;
}

/*
 * The mask a handler for sig runs with: the thread's old mask, sa_mask
 * and (unless SA_NODEFER) sig itself; never SIGKILL/SIGSTOP (§6.7 item 4).
 * Pure; any context.
 */
uint32_t
signal_handler_mask(uint32_t old, uint32_t sa_mask, int sa_flags, int sig)
{
	uint32_t m = old | sa_mask;

	if ((sa_flags & SA_NODEFER) == 0)
		m |= sigmask(sig);
	return m & ~SIG_CANTMASK;
}

/*
 * Where a frame goes under top: the FPU area (fpsize bytes, 64-byte
 * aligned for XSAVE) highest, the struct sigframe below it placed so
 * that &frame->ret is 8 mod 16 (the SysV ABI's alignment at function
 * entry, §3.2.2).  Pure.
 */
static struct sigframe *
sigframe_place(uintptr_t top, size_t fpsize, uintptr_t *fpu)
{
	uintptr_t a = ALIGN_DOWN(top - fpsize, 64);

	*fpu = a;
	return (struct sigframe *)(ALIGN_DOWN(a - sizeof(struct sigframe),
	    16) - 8);
}

/* Copy the interrupted registers into a sigcontext. */
static void
tf_to_sc(const struct trapframe *tf, struct sigcontext *sc)
{
	sc->sc_rdi = tf->rdi;
	sc->sc_rsi = tf->rsi;
	sc->sc_rdx = tf->rdx;
	sc->sc_rcx = tf->rcx;
	sc->sc_r8 = tf->r8;
	sc->sc_r9 = tf->r9;
	sc->sc_r10 = tf->r10;
	sc->sc_r11 = tf->r11;
	sc->sc_r12 = tf->r12;
	sc->sc_r13 = tf->r13;
	sc->sc_r14 = tf->r14;
	sc->sc_r15 = tf->r15;
	sc->sc_rbp = tf->rbp;
	sc->sc_rbx = tf->rbx;
	sc->sc_rax = tf->rax;
	sc->sc_gs = 0;
	sc->sc_fs = 0;
	sc->sc_es = SEG_KDATA;
	sc->sc_ds = SEG_KDATA;
	sc->sc_trapno = tf->vector;
	sc->sc_err = tf->error;
	sc->sc_rip = tf->rip;
	sc->sc_cs = tf->cs;
	sc->sc_rflags = tf->rflags;
	sc->sc_rsp = tf->rsp;
	sc->sc_ss = tf->ss;
}

/* The reverse, sanitized (§6.7 item 5): kernel segments, IF kept set. */
static void
sc_to_tf(const struct sigcontext *sc, struct trapframe *tf)
{
	tf->rdi = sc->sc_rdi;
	tf->rsi = sc->sc_rsi;
	tf->rdx = sc->sc_rdx;
	tf->rcx = sc->sc_rcx;
	tf->r8 = sc->sc_r8;
	tf->r9 = sc->sc_r9;
	tf->r10 = sc->sc_r10;
	tf->r11 = sc->sc_r11;
	tf->r12 = sc->sc_r12;
	tf->r13 = sc->sc_r13;
	tf->r14 = sc->sc_r14;
	tf->r15 = sc->sc_r15;
	tf->rbp = sc->sc_rbp;
	tf->rbx = sc->sc_rbx;
	tf->rax = sc->sc_rax;
	tf->rip = sc->sc_rip;
	tf->rsp = sc->sc_rsp;
	tf->rflags = ((uint64_t)sc->sc_rflags & RFLAGS_USER) | RFLAGS_FIXED |
	    RFLAGS_IF;
	tf->cs = SEG_KCODE;
	tf->ss = SEG_KDATA;
}

/*
 * Make sure every page of [lo, hi) is mapped writable, backing
 * demand-zero pages now: the frame is written with interrupts off, and a
 * page fault taken while signal_fault runs on the #PF IST stack would
 * reuse that very stack.  0 or -EFAULT.
 */
static int
prefault(uintptr_t lo, uintptr_t hi)
{
	uintptr_t p;
	int fl;

	for (p = ALIGN_DOWN(lo, PAGE_SIZE); p < hi; p += PAGE_SIZE) {
		if (vm_lookup(p, &fl) != 0 && (fl & VM_WRITE))
			continue;
		(void)vma_fault(p, PF_W);
		if (vm_lookup(p, &fl) == 0 || !(fl & VM_WRITE))
			return -EFAULT;
	}
	return 0;
}

/* The FPU state a handler starts with: FCW 0x37f, MXCSR 0x1f80 (§6.7). */
static void
fpu_handler_init(void)
{
	uint32_t mxcsr = 0x1f80;

	__asm__ volatile("fninit; ldmxcsr %0" :: "m"(mxcsr));
}

/*
 * Turn *tf, the interrupted state of the current thread t, into a call of
 * sa's handler for sig with info: build the frame on t's alternate stack
 * (SA_ONSTACK, enabled, not already on it) or below the interrupted rsp,
 * save the live FPU state (it is t's: the caller runs on t's way back)
 * and errno there, and switch t's mask.  Returns 0, or -ENOMEM when no
 * usable stack is left (the caller ends the image).  Interrupts off.
 */
static int
deliver(struct thread *t, struct trapframe *tf, int sig,
    const struct sigaction *sa, const siginfo_t *info)
{
	uintptr_t alt = (uintptr_t)t->altstack_sp;
	uintptr_t altend = alt + t->altstack_size;
	bool have_alt = (t->altstack_flags & SS_DISABLE) == 0 && alt != 0 &&
	    t->altstack_size != 0;
	bool on_alt = have_alt && tf->rsp > alt && tf->rsp <= altend;
	bool use_alt = have_alt && (sa->sa_flags & SA_ONSTACK) && !on_alt;
	uintptr_t top, fpu;
	struct sigframe *f;
	size_t fpsize = cpu_features.xsave_size;

	if (use_alt) {
		top = altend;
	} else {
		/*
		 * Go's handlers ask for SA_ONSTACK; interrupted in Go code
		 * without an alternate stack, the interrupted stack may be
		 * a goroutine's with heap objects right below (§6.11).
		 */
		if ((sa->sa_flags & SA_ONSTACK) && !on_alt &&
		    !signal_in_runtime(tf->rip))
			return -ENOMEM;
		top = tf->rsp - SIGFRAME_GAP;
	}
	f = sigframe_place(top, fpsize, &fpu);
	if ((use_alt || on_alt) && ((uintptr_t)f < alt ||
	    (uintptr_t)f - alt < SIGSTACK_MIN))
		return -ENOMEM;
	if (prefault((uintptr_t)f, top) != 0)
		return -ENOMEM;

	memset(f, 0, sizeof(*f));
	f->ret = (uintptr_t)signal_trampoline;
	f->info = *info;
	tf_to_sc(tf, &f->sc);
	f->sc.sc_mask = (int)t->sigmask;
	f->sc.sc_fpstate = (void *)fpu;
	f->saved_errno = t->err;
	f->magic = SIGFRAME_MAGIC ^ (uint32_t)(uintptr_t)f;
	/* XSAVE writes only XSTATE_BV of the header; XRSTOR faults on
	 * stale bytes in the rest (SDM vol 1 §13.7, §13.8.1). */
	memset((void *)(fpu + XSAVE_HDR), 0, XSAVE_HDR_SIZE);
	cpu_fpu_save((void *)fpu);
	fpu_handler_init();

	t->sigmask = signal_handler_mask(t->sigmask, sa->sa_mask,
	    sa->sa_flags, sig);
	tf->rip = (uintptr_t)sa->sa_sigaction;
	tf->rsp = (uintptr_t)f;
	tf->rdi = (uint64_t)sig;
	tf->rsi = (uintptr_t)&f->info;
	tf->rdx = (uintptr_t)&f->sc;
	tf->rax = 0;			/* no vector registers: a variadic call */
	tf->rflags = RFLAGS_FIXED | RFLAGS_IF;	/* DF=0 AC=0 TF=0 */
	tf->cs = SEG_KCODE;
	tf->ss = SEG_KDATA;
	return 0;
}

/* The default action of a fault or of a signal nobody can take: report
 * where, then end the image with 128+sig (§6.10). */
static _Noreturn void
die(const struct trapframe *tf, int sig, const char *why)
{
	struct thread *t = cpu_this()->cur;

	console_panic();
	kprintf("vmgo: signal %d (%s) at rip %#lx, thread %d: %s\n", sig,
	    tf->vector < 32 ? "fault" : "async", tf->rip,
	    t != NULL ? t->tid : 0, why);
	trap_dump(tf);
	panic_backtrace(tf->rip, tf->rbp);
	platform_exit(128 + sig);
}

/* SIGFPE code of an x87 (#MF) or SSE (#XM) exception from its unmasked
 * status flags (SDM vol 1 §8.1.3 and §10.2.3.1; bit 0 IE ... bit 5 PE). */
static int
fpe_code(int vector)
{
	uint32_t st, mask;
	uint16_t fsw, fcw;

	if (vector == VEC_XM) {
		__asm__ volatile("stmxcsr %0" : "=m"(st));
		mask = (st >> 7) & 0x3f;	/* MXCSR bits 7-12 */
	} else {
		__asm__ volatile("fnstsw %0; fnstcw %1" : "=m"(fsw), "=m"(fcw));
		st = fsw;
		mask = fcw & 0x3f;
	}
	st &= ~mask & 0x3f;
	if (st & 0x01)
		return FPE_FLTINV;
	if (st & 0x04)
		return FPE_FLTDIV;
	if (st & 0x08)
		return FPE_FLTOVF;
	if (st & 0x10)
		return FPE_FLTUND;
	if (st & 0x20)
		return FPE_FLTRES;
	return FPE_FLTINV;		/* 0x02: denormal operand */
}

/*
 * The signal an exception stands for (§6.8), with its siginfo; 0 for
 * vectors that are never a signal (NMI, #DF, #MC, #NM...).
 */
static int
fault_signal(const struct trapframe *tf, siginfo_t *si)
{
	memset(si, 0, sizeof(*si));
	si->si_addr = (void *)tf->rip;
	switch (tf->vector) {
	case VEC_DE:
		si->si_signo = SIGFPE;
		si->si_code = FPE_INTDIV;
		break;
	case VEC_DB:
		si->si_signo = SIGTRAP;
		si->si_code = TRAP_TRACE;
		break;
	case VEC_BP:
		si->si_signo = SIGTRAP;
		si->si_code = TRAP_BRKPT;
		break;
	case VEC_UD:
		si->si_signo = SIGILL;
		si->si_code = ILL_ILLOPC;
		break;
	case VEC_PF:
		si->si_signo = SIGSEGV;
		si->si_code = (tf->error & PF_P) ? SEGV_ACCERR : SEGV_MAPERR;
		si->si_addr = (void *)read_cr2();
		break;
	case VEC_SS:
	case VEC_GP:
		/* Non-canonical addresses and the like: no address (§6.8). */
		si->si_signo = SIGBUS;
		si->si_code = BUS_OBJERR;
		si->si_addr = NULL;
		break;
	case VEC_AC:
		si->si_signo = SIGBUS;
		si->si_code = BUS_ADRALN;
		break;
	case VEC_MF:
	case VEC_XM:
		si->si_signo = SIGFPE;
		si->si_code = fpe_code((int)tf->vector);
		break;
	default:
		return 0;
	}
	si->si_trapno = (int)tf->vector;
	return si->si_signo;
}

/*
 * trap_signal_hook: an exception trap() could not resolve.  In Go code
 * (rip outside the C runtime) on a thread, it becomes the matching signal
 * for Go's handler and *tf enters it: 0.  In the C runtime, or for
 * vectors that are no signal: -1, and trap() reports a fatal trap.  A
 * signal that is blocked (a fault inside Go's own handler) or not caught
 * ends the image with 128+sig after a register dump.  Exception IST
 * stack, interrupts off.
 */
int
signal_fault(struct trapframe *tf)
{
	struct cpu *c = cpu_this();
	struct thread *t = c->cur;
	struct sigaction sa;
	siginfo_t si;
	int sig;

	if (t == NULL || t == c->idle || t->fpu == NULL ||
	    signal_in_runtime(tf->rip))
		return -1;
	if ((sig = fault_signal(tf, &si)) == 0)
		return -1;
	if (t->sigmask & sigmask(sig))
		die(tf, sig, "fault with the signal blocked");
	signal_action(sig, &sa);
	if (sa.sa_handler == SIG_DFL || sa.sa_handler == SIG_IGN)
		die(tf, sig, "fault without a handler");
	if (deliver(t, tf, sig, &sa, &si) != 0)
		die(tf, sig, "no room on the signal stack");
	return 0;
}

/*
 * Deliver one pending signal of the current thread into *tf if there is
 * one that may run now.  safe: tf is a point where any handler may run
 * (Go text, or the caller asked with VEC_SIGNAL).  Interrupts off.
 */
static void
deliver_pending(struct trapframe *tf)
{
	struct cpu *c = cpu_this();
	struct thread *t = c->cur;
	struct sigaction sa;
	siginfo_t si;
	int sig;

	if (t == NULL || t == c->idle || t->fpu == NULL ||
	    t->state != THREAD_RUNNING)
		return;
	if (!signal_deliverable(t))
		return;
	if ((sig = signal_take(t, &sa)) == 0)
		return;
	memset(&si, 0, sizeof(si));
	si.si_signo = sig;
	si.si_code = SI_USER;		/* thrkill/kill/setitimer: "sent" */
	if (deliver(t, tf, sig, &sa, &si) != 0)
		die(tf, sig, "no room on the signal stack");
}

/*
 * Called by sched_trap_return at the end of every interrupt return, with
 * the frame about to be resumed on this CPU (possibly just switched in).
 * If that frame is Go or cgo code (rip outside the C runtime) interrupted
 * by an interrupt with interrupts enabled, and its thread has a pending
 * unblocked signal, enter the handler (§6.9, §6.10).  Interrupts off.
 */
void
signal_trap_return(struct trapframe *tf)
{
	if (tf->vector < VEC_IRQ_BASE || !(tf->rflags & RFLAGS_IF) ||
	    signal_in_runtime(tf->rip))
		return;
	deliver_pending(tf);
}

/* VEC_SIGNAL: the caller's frame is the interrupted context. */
static void
signal_intr(struct trapframe *tf)
{
	deliver_pending(tf);
}

/*
 * VEC_SIGRETURN, raised by signal_trampoline: the frame sits just below
 * the trapped rsp.  Resume its sigcontext (as the handler left it), FPU
 * state, mask and errno.  A frame that is not one of ours ends the image.
 */
static void
sigreturn_intr(struct trapframe *tf)
{
	struct thread *t = cpu_this()->cur;
	struct sigframe *f = (struct sigframe *)(tf->rsp - 8);
	uint8_t *fpu;

	if (t == NULL || (tf->rsp & 15) != 0 ||
	    f->magic != (SIGFRAME_MAGIC ^ (uint32_t)(uintptr_t)f)) {
		console_panic();
		kprintf("vmgo: sigreturn without a signal frame at %#lx\n",
		    tf->rsp - 8);
		trap_dump(tf);
		platform_exit(VMGO_EXIT_PANIC);
	}
	fpu = f->sc.sc_fpstate;
	sc_to_tf(&f->sc, tf);
	t->sigmask = (uint32_t)f->sc.sc_mask & ~SIG_CANTMASK;
	t->err = f->saved_errno;
	f->magic = 0;			/* a frame returns once */
	if (fpu != NULL && ((uintptr_t)fpu & 63) == 0) {
		/* Keep XRSTOR from faulting on a scribbled header. */
		if (cpu_features.has_xsave) {
			*(uint64_t *)(fpu + XSAVE_HDR) &= cpu_features.xcr0;
			memset(fpu + XSAVE_HDR + 8, 0, XSAVE_HDR_SIZE - 8);
		}
		cpu_fpu_restore(fpu);
	}
}

/*
 * Deliver what is pending and unblocked for the calling thread before
 * returning (raise, thrkill/kill to oneself, pthread_sigmask unblocking):
 * "int $VEC_SIGNAL" makes this call's own frame the interrupted context,
 * and the handler returns to it.  No-op before threads or when nothing is
 * deliverable.  Thread context.
 */
void
signal_deliver_self(void)
{
	struct thread *t;

	if (__atomic_load_n(&ncpus, __ATOMIC_ACQUIRE) == 0)
		return;
	t = cpu_this()->cur;
	if (t == NULL || t->fpu == NULL || !signal_deliverable(t))
		return;
	__asm__ volatile("int %0" :: "i"(VEC_SIGNAL) : "memory");
}

/*
 * Route VEC_SIGRETURN and VEC_SIGNAL here and hand trap.c the fault
 * hook.  Once, from kmain before the first Go thread, interrupts off.
 */
void
signal_init(void)
{
	trap_register(VEC_SIGRETURN, sigreturn_intr);
	trap_register(VEC_SIGNAL, signal_intr);
	trap_signal_hook = signal_fault;
}

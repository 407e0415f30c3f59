/* SPDX-License-Identifier: ISC */
/*
 * test_signal.c: signal delivery (runtime/signal.c) on the host: pending
 * selection, handler mask math, frame placement and alignment, and a
 * full deliver/sigreturn round trip on a fake thread with a malloc'd
 * alternate stack (the handler is not run: the test plays its part by
 * editing the sigcontext as Go's panic injection does).
 */
#include "harness.h"
#include "host_shim.h"

#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

/* The OpenBSD <signal.h> under test, not glibc's (see bits/alltypes.h). */
#define _SIGNAL_H	1
#define sigset_t	vmgo_sigset_t
#include "../../include/libc/signal.h"

#include "kernel.h"

static struct cpu c0;
static uint64_t fake_cr2;

static struct cpu *
fake_cpu_this(void)
{
	return &c0;
}

static uint64_t
fake_read_cr2(void)
{
	return fake_cr2;
}

#define cpu_this	fake_cpu_this
#define read_cr2	fake_read_cr2
#include "../../runtime/signal.c"

/* ---- fakes for what signal.c calls ---- */

/* The "C runtime text": 64 bytes, start and end in one object. */
__asm__(".data\n.globl __vmgo_text_start, __vmgo_text_end\n"
    "__vmgo_text_start: .skip 64\n__vmgo_text_end: .skip 8\n.text");
unsigned int ncpus = 1;
int (*trap_signal_hook)(struct trapframe *tf);
static trap_handler_t handlers[256];
static int fpu_saves, fpu_restores;
static struct sigaction action;		/* every signal's disposition */
static int exit_status = -1;

void
signal_trampoline(void)
{
}

void
trap_register(int vector, trap_handler_t fn)
{
	handlers[vector] = fn;
}

void
trap_dump(const struct trapframe *tf)
{
	(void)tf;
}

void
panic_backtrace(uintptr_t rip, uintptr_t rbp)
{
	(void)rip;
	(void)rbp;
}

void
console_panic(void)
{
}

uintptr_t
vm_lookup(uintptr_t va, int *flags)
{
	*flags = VM_READ | VM_WRITE;
	return va;
}

int
vma_fault(uintptr_t addr, uint64_t err)
{
	(void)addr;
	(void)err;
	return 0;
}

void
cpu_fpu_save(void *area)
{
	memset(area, 0xa5, 512);
	fpu_saves++;
}

void
cpu_fpu_restore(const void *area)
{
	(void)area;
	fpu_restores++;
}

void
signal_action(int sig, struct sigaction *sa)
{
	(void)sig;
	*sa = action;
}

bool
signal_deliverable(const struct thread *t)
{
	return signal_pick(t->sigpending, t->sigmask) != 0;
}

int
signal_take(struct thread *t, struct sigaction *sa)
{
	int sig = signal_pick(t->sigpending, t->sigmask);

	if (sig != 0) {
		t->sigpending &= ~sigmask(sig);
		*sa = action;
	}
	return sig;
}

static jmp_buf exit_jmp;

_Noreturn void
platform_exit(int status)
{
	exit_status = status;
	longjmp(exit_jmp, 1);
}

static void
handler(int sig, siginfo_t *si, void *ctx)
{
	(void)sig;
	(void)si;
	(void)ctx;
}

/* ---- tests ---- */

TEST(pick)
{
	EXPECT(signal_pick(0, 0) == 0);
	EXPECT(signal_pick(sigmask(SIGURG), 0) == SIGURG);
	EXPECT(signal_pick(sigmask(SIGURG) | sigmask(SIGPROF), 0) == SIGURG);
	EXPECT(signal_pick(sigmask(SIGURG) | sigmask(SIGPROF),
	    sigmask(SIGURG)) == SIGPROF);
	EXPECT(signal_pick(sigmask(SIGURG), ~0U) == 0);
	/* KILL/STOP cannot be blocked. */
	EXPECT(signal_pick(sigmask(SIGKILL), ~0U) == SIGKILL);
	EXPECT(signal_pick(sigmask(SIGTHR), 0) == SIGTHR);
}

TEST(mask)
{
	EXPECT(signal_handler_mask(0, 0, 0, SIGSEGV) == sigmask(SIGSEGV));
	EXPECT(signal_handler_mask(0, 0, SA_NODEFER, SIGSEGV) == 0);
	/* Go: sa_mask = all; KILL and STOP never end up in a mask. */
	EXPECT(signal_handler_mask(0, ~0U, 0x43, SIGURG) ==
	    ~(sigmask(SIGKILL) | sigmask(SIGSTOP)));
	EXPECT(signal_handler_mask(sigmask(SIGINT), sigmask(SIGHUP), 0,
	    SIGPROF) == (sigmask(SIGINT) | sigmask(SIGHUP) | sigmask(SIGPROF)));
}

TEST(place)
{
	uintptr_t top, fpu;
	struct sigframe *f;

	for (top = 0x10000; top < 0x10000 + 256; top += 8) {
		f = sigframe_place(top, 832, &fpu);
		EXPECT((fpu & 63) == 0);
		EXPECT(fpu + 832 <= top);
		EXPECT(((uintptr_t)f & 15) == 8);	/* rsp+8 16-aligned */
		EXPECT((uintptr_t)f + sizeof(*f) <= fpu);
		EXPECT(fpu - ((uintptr_t)f + sizeof(*f)) < 64 + 16);
	}
}

static struct thread *
new_thread(void *alt, size_t altsize)
{
	struct thread *t = calloc(1, sizeof(*t));

	t->tid = 7;
	t->state = THREAD_RUNNING;
	t->fpu = (void *)1;		/* not idle */
	t->altstack_sp = alt;
	t->altstack_size = altsize;
	t->altstack_flags = alt != NULL ? 0 : SS_DISABLE;
	return t;
}

static void
fill_tf(struct trapframe *tf, uintptr_t rip, uintptr_t rsp, int vector)
{
	uint64_t *w = (uint64_t *)tf;
	size_t i;

	for (i = 0; i < sizeof(*tf) / 8; i++)
		w[i] = 0x1000 + i;
	tf->vector = (uint64_t)vector;
	tf->error = 0;
	tf->rip = rip;
	tf->rsp = rsp;
	tf->rflags = 0x246;
	tf->cs = SEG_KCODE;
	tf->ss = SEG_KDATA;
}

/* A nil-dereference fault: SIGSEGV on the alternate stack, the handler
 * edits the context as Go's sigpanic injection does, sigreturn resumes
 * exactly that with mask and errno back. */
TEST(fault_roundtrip)
{
	size_t altsize = 32768;
	uint8_t *alt = aligned_alloc(64, altsize);
	struct thread *t = new_thread(alt, altsize);
	struct trapframe tf, orig;
	struct sigframe *f;
	uint64_t goroutine_stack[64];
	uintptr_t gsp = (uintptr_t)&goroutine_stack[32];

	c0.cur = t;
	c0.idle = NULL;
	cpu_features.xsave_size = 1024;
	action.sa_sigaction = handler;
	action.sa_mask = ~0U;
	action.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART;
	t->sigmask = sigmask(SIGUSR1);
	t->err = 35;
	fake_cr2 = 0x8;
	fill_tf(&tf, 0x400123, gsp, VEC_PF);
	tf.error = PF_W;		/* not present, write */
	orig = tf;

	EXPECT(signal_fault(&tf) == 0);
	f = (struct sigframe *)tf.rsp;
	EXPECT(tf.rip == (uintptr_t)handler);
	EXPECT(tf.rsp > (uintptr_t)alt && tf.rsp < (uintptr_t)alt + altsize);
	EXPECT((tf.rsp & 15) == 8);
	EXPECT(tf.rdi == SIGSEGV);
	EXPECT(tf.rsi == (uintptr_t)&f->info);
	EXPECT(tf.rdx == (uintptr_t)&f->sc);
	EXPECT((tf.rflags & 0x200) != 0 && (tf.rflags & 0x400) == 0);
	EXPECT(f->ret == (uintptr_t)signal_trampoline);
	EXPECT(f->info.si_signo == SIGSEGV);
	EXPECT(f->info.si_code == SEGV_MAPERR);
	EXPECT((uintptr_t)f->info.si_addr == 0x8);
	EXPECT(f->sc.sc_rip == 0x400123 && f->sc.sc_rsp == (long)gsp);
	EXPECT(f->sc.sc_rax == (long)orig.rax && f->sc.sc_r15 == (long)orig.r15);
	EXPECT(f->sc.sc_mask == (int)sigmask(SIGUSR1));
	EXPECT(((uintptr_t)f->sc.sc_fpstate & 63) == 0);
	EXPECT(fpu_saves == 1);
	EXPECT(t->sigmask == ~(sigmask(SIGKILL) | sigmask(SIGSTOP)));

	/* The handler: errno clobbered, Go's sigpanic injection. */
	t->err = 4;
	f->sc.sc_rsp -= 8;
	*(uint64_t *)f->sc.sc_rsp = (uint64_t)f->sc.sc_rip;
	f->sc.sc_rip = 0x400999;
	f->sc.sc_rflags = 0x3d7 | 0x100 | 0x4000;	/* tries TF and NT */

	/* ret pops the return address; the trampoline traps. */
	tf.rsp += 8;
	tf.vector = VEC_SIGRETURN;
	handlers[VEC_SIGRETURN] = NULL;
	signal_init();
	EXPECT(trap_signal_hook == signal_fault);
	handlers[VEC_SIGRETURN](&tf);
	EXPECT(tf.rip == 0x400999);
	EXPECT(tf.rsp == gsp - 8);
	EXPECT(goroutine_stack[31] == 0x400123);
	EXPECT(tf.rax == orig.rax && tf.rbx == orig.rbx && tf.r12 == orig.r12);
	EXPECT(tf.rflags == (0x2 | 0x200 | (0x3d7 & 0xcd5)));
	EXPECT(tf.cs == SEG_KCODE && tf.ss == SEG_KDATA);
	EXPECT(t->sigmask == sigmask(SIGUSR1));
	EXPECT(t->err == 35);
	EXPECT(fpu_restores == 1);
	EXPECT(f->magic == 0);			/* returns once */

	free(t);
	free(alt);
}

/* An async signal (SIGURG) waits while the thread is in the runtime and
 * is delivered once the resumed context is Go code. */
TEST(async)
{
	size_t altsize = 32768;
	uint8_t *alt = aligned_alloc(64, altsize);
	struct thread *t = new_thread(alt, altsize);
	uint64_t stack[32];
	struct trapframe tf;

	c0.cur = t;
	t->sigpending = sigmask(SIGURG);
	fill_tf(&tf, (uintptr_t)&__vmgo_text_start[8], (uintptr_t)&stack[16],
	    VEC_TIMER);
	signal_trap_return(&tf);		/* in the runtime: wait */
	EXPECT(t->sigpending == sigmask(SIGURG));
	EXPECT(tf.rip == (uintptr_t)&__vmgo_text_start[8]);

	fill_tf(&tf, 0x400500, (uintptr_t)&stack[16], VEC_TIMER);
	tf.rflags = 0x046;			/* interrupts off: not Go */
	signal_trap_return(&tf);
	EXPECT(t->sigpending == sigmask(SIGURG));

	t->sigmask = sigmask(SIGURG);		/* blocked: wait */
	fill_tf(&tf, 0x400500, (uintptr_t)&stack[16], VEC_TIMER);
	signal_trap_return(&tf);
	EXPECT(t->sigpending == sigmask(SIGURG) && tf.rip == 0x400500);

	t->sigmask = 0;
	signal_trap_return(&tf);
	EXPECT(t->sigpending == 0);
	EXPECT(tf.rip == (uintptr_t)handler && tf.rdi == SIGURG);
	EXPECT(((struct sigframe *)tf.rsp)->info.si_code == SI_USER);

	free(t);
	free(alt);
}

/* Faults in the runtime stay fatal traps; uncaught or blocked faults end
 * the image with 128+sig; Go code without an alternate stack too. */
TEST(fault_defaults)
{
	struct thread *t = new_thread(NULL, 0);
	uint64_t stack[64];
	struct trapframe tf;

	c0.cur = t;
	fill_tf(&tf, (uintptr_t)&__vmgo_text_start[4], (uintptr_t)&stack[32],
	    VEC_DE);
	EXPECT(signal_fault(&tf) == -1);

	fill_tf(&tf, 0x400600, (uintptr_t)&stack[32], VEC_NMI);
	EXPECT(signal_fault(&tf) == -1);

	action.sa_sigaction = handler;
	action.sa_flags = SA_SIGINFO | SA_ONSTACK;
	fill_tf(&tf, 0x400600, (uintptr_t)&stack[32], VEC_DE);
	exit_status = -1;
	if (setjmp(exit_jmp) == 0)
		signal_fault(&tf);
	EXPECT(exit_status == 128 + SIGFPE);	/* no alternate stack */

	t->sigmask = sigmask(SIGILL);
	fill_tf(&tf, 0x400600, (uintptr_t)&stack[32], VEC_UD);
	exit_status = -1;
	if (setjmp(exit_jmp) == 0)
		signal_fault(&tf);
	EXPECT(exit_status == 128 + SIGILL);

	t->sigmask = 0;
	action.sa_handler = SIG_DFL;
	fill_tf(&tf, 0x400600, (uintptr_t)&stack[32], VEC_GP);
	exit_status = -1;
	if (setjmp(exit_jmp) == 0)
		signal_fault(&tf);
	EXPECT(exit_status == 128 + SIGBUS);
	free(t);
}

/* SPDX-License-Identifier: ISC */
/*
 * debug.c: debugging aids (docs/tools.md, "Crash reports and hangs").
 *
 *  - The hang dump: an NMI (QEMU monitor command "nmi") makes every CPU
 *    print the state it was interrupted in, and one of them every
 *    thread's (tid, name, state, CPU, what it waits on, saved rip/rsp and
 *    a short backtrace with function names); then the program goes on.
 *  - vmgo.crashtest=fault|panic|smash|overflow: a deliberate runtime
 *    crash after boot, for tests of the crash report: a write to page 0
 *    in crashtest_fault (fatal trap, exit VMGO_EXIT_PANIC), a panic() in
 *    crashtest_panic, a stack buffer overrun in crashtest_smash that the
 *    stack protector catches, or unbounded recursion in
 *    crashtest_overflow that hits the boot stack's guard page.
 *  - vmgo.protcheck=1: check the page protections the image relies on
 *    (text RX, rodata R, data NX, page 0 and stack guard pages unmapped)
 *    and print "vmgo: protcheck: ok" or each failure.
 */
#include "kernel.h"

#define DUMP_THREADS_MAX 4096	/* bound on the unlocked list walk */
#define DUMP_FRAMES	8	/* backtrace frames per thread */
#define DUMP_WAIT_SPINS	50000000 /* ~ 0.1-1 s of pause: other CPUs' NMIs */

extern char __text_start[], __text_end[], __rodata_start[], __rodata_end[];
extern char __data_start[], _end[], boot_stack_guard[];
extern uintptr_t __stack_chk_guard;

static const char *const state_names[] = {
	[THREAD_RUNNABLE] = "runnable",
	[THREAD_RUNNING] = "running",
	[THREAD_BLOCKED] = "blocked",
	[THREAD_DEAD] = "dead",
};

/* The NMI frame of each CPU while a dump is in progress. */
static struct trapframe *nmi_frames[MAX_CPUS];
static uint32_t nmi_arrived;
static uint32_t nmi_printer;	/* 1 while one CPU prints */
static uint32_t nmi_done;	/* generation of the last finished dump */

static void
dump_thread(struct thread *t, void *arg)
{
	const struct trapframe *tf = &t->tf;
	unsigned int st = (unsigned int)t->state;
	struct cpu *c = t->cpu;

	(void)arg;
	if (t->state == THREAD_RUNNING && c != NULL && c->id < MAX_CPUS &&
	    c->cur == t && nmi_frames[c->id] != NULL)
		tf = nmi_frames[c->id];
	kprintf("vmgo: thread %d \"%.16s\" %s on cpu %d", t->tid, t->name,
	    st < ARRAY_LEN(state_names) && state_names[st] ?
	    state_names[st] : "?", c != NULL ? (int)c->id : -1);
	if (t->state == THREAD_BLOCKED)
		kprintf(", waits on %s%p%s%s", t->wq != NULL ? "queue " : "",
		    (void *)t->wq, t->wq == NULL ? " (no queue)" : "",
		    t->deadline != 0 ? " with a deadline" : "");
	if (t->sigpending != 0)
		kprintf(", signals pending %#x", t->sigpending);
	kprintf("\nvmgo:   rip %#lx rsp %#lx rbp %#lx\n", tf->rip, tf->rsp,
	    tf->rbp);
	backtrace_print("vmgo:     ", tf->rip, tf->rbp, DUMP_FRAMES);
}

/*
 * The hang dump, on every CPU QEMU's "nmi" reaches.  The first CPU to
 * arrive waits (bounded) for the others, prints all CPUs' interrupted
 * frames and all threads, then lets the others return; they stay here
 * meanwhile so their frames remain valid.  The console lock is given up
 * for good (console_panic): a hung CPU may hold it.  NMI context.
 */
void
debug_nmi(struct trapframe *tf)
{
	struct cpu *c = cpu_this();
	uint32_t gen, want, i, exp = 0;
	long spins;

	gen = __atomic_load_n(&nmi_done, __ATOMIC_ACQUIRE);
	if (c->id < MAX_CPUS)
		__atomic_store_n(&nmi_frames[c->id], tf, __ATOMIC_RELEASE);
	__atomic_fetch_add(&nmi_arrived, 1, __ATOMIC_ACQ_REL);
	if (!__atomic_compare_exchange_n(&nmi_printer, &exp, 1, false,
	    __ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) {
		for (spins = 0; spins < 4 * DUMP_WAIT_SPINS &&
		    __atomic_load_n(&nmi_done, __ATOMIC_ACQUIRE) == gen; spins++)
			__asm__ volatile("pause");
		return;
	}
	want = ncpus;
	for (spins = 0; spins < DUMP_WAIT_SPINS &&
	    __atomic_load_n(&nmi_arrived, __ATOMIC_ACQUIRE) < want; spins++)
		__asm__ volatile("pause");
	console_panic();
	kprintf("vmgo: NMI: dump of %u cpu(s) and all threads\n", ncpus);
	for (i = 0; i < ncpus && i < MAX_CPUS; i++) {
		struct trapframe *f = __atomic_load_n(&nmi_frames[i],
		    __ATOMIC_ACQUIRE);
		struct thread *t = cpus[i].cur;

		if (f == NULL) {
			kprintf("vmgo: cpu %u: did not take the NMI\n", i);
			continue;
		}
		kprintf("vmgo: cpu %u: thread %d, interrupted at\n", i,
		    t != NULL ? t->tid : -1);
		panic_print_pc("vmgo:   ", f->rip, false);
	}
	thread_foreach_unlocked(dump_thread, NULL, DUMP_THREADS_MAX);
	kprintf("vmgo: NMI: end of dump\n");
	for (i = 0; i < MAX_CPUS; i++)
		__atomic_store_n(&nmi_frames[i], NULL, __ATOMIC_RELAXED);
	__atomic_store_n(&nmi_arrived, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&nmi_printer, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&nmi_done, gen + 1, __ATOMIC_RELEASE);
}

/* vmgo.crashtest=fault: a write to page 0 from runtime code. */
static __attribute__((noinline)) void
crashtest_fault(void)
{
	uintptr_t a = 0x10;
	volatile uint64_t *p;

	__asm__ volatile("" : "+r"(a));	/* hide the constant from -Warray-bounds */
	p = (volatile uint64_t *)a;
	kprintf("vmgo: crashtest: writing to %p in crashtest_fault\n",
	    (void *)p);
	*p = 0xdead;
}

/* vmgo.crashtest=panic: a panic() with a message. */
static __attribute__((noinline)) void
crashtest_panic(void)
{
	panic("crashtest: deliberate panic in crashtest_panic");
}

/* vmgo.crashtest=smash: overrun a stack buffer; the canary catches it. */
static __attribute__((noinline)) void
crashtest_smash(void)
{
	char buf[16];
	volatile size_t n = 48;	/* volatile: no compile-time overflow warning */

	kprintf("vmgo: crashtest: overrunning a stack buffer in "
	    "crashtest_smash\n");
	memset(buf, 0x5a, n);
	__asm__ volatile("" : : "r"(buf) : "memory");
}

/* vmgo.crashtest=overflow: recurse until the stack's guard page. */
static volatile int overflow_on = 1;

static __attribute__((noinline)) int
crashtest_overflow(int depth)
{
	volatile char frame[512];

	frame[0] = (char)depth;
	if (overflow_on)	/* always; hides it from -Winfinite-recursion */
		return crashtest_overflow(depth + 1) + frame[0];
	return frame[0];
}

/* Is va mapped with exactly the access want (VM_READ/WRITE/EXEC), or
 * unmapped when want is 0?  1 and a line on the console if not. */
static int
prot_is(const char *what, uintptr_t va, int want)
{
	int fl = 0;

	(void)vm_lookup(va, &fl);	/* flags 0 when not present */
	fl &= VM_READ | VM_WRITE | VM_EXEC;
	if (fl == want)
		return 0;
	kprintf("vmgo: protcheck: %s at %#lx: %s%s%s%s, want %s%s%s%s\n",
	    what, va, fl == 0 ? "unmapped" : "", fl & VM_READ ? "r" : "",
	    fl & VM_WRITE ? "w" : "", fl & VM_EXEC ? "x" : "",
	    want == 0 ? "unmapped" : "", want & VM_READ ? "r" : "",
	    want & VM_WRITE ? "w" : "", want & VM_EXEC ? "x" : "");
	return 1;
}

/* vmgo.protcheck=1: the protections docs/DESIGN.md promises. */
static void
protcheck(void)
{
	struct cpu *c = cpu_this();
	struct thread *t = thread_current();
	int bad = 0, slot;

	bad += prot_is("page 0", 0, 0);
	bad += prot_is("text", (uintptr_t)__text_start, VM_READ | VM_EXEC);
	bad += prot_is("text", (uintptr_t)__text_end - 1, VM_READ | VM_EXEC);
	bad += prot_is("rodata", (uintptr_t)__rodata_start, VM_READ);
	bad += prot_is("rodata", (uintptr_t)__rodata_end - 1, VM_READ);
	bad += prot_is("data", (uintptr_t)__data_start, VM_READ | VM_WRITE);
	bad += prot_is("bss", (uintptr_t)_end - 1, VM_READ | VM_WRITE);
	bad += prot_is("boot stack guard", (uintptr_t)boot_stack_guard, 0);
	for (slot = 1; slot <= 5; slot++)
		if (c->ist[slot] != NULL)
			bad += prot_is("IST stack guard", (uintptr_t)c->ist[slot] -
			    IST_STACK_SIZE - PAGE_SIZE, 0);
	if (t->stack != NULL)
		bad += prot_is("thread stack guard",
		    (uintptr_t)t->stack - PAGE_SIZE, 0);
	if (c->idle != NULL && c->idle->stack != NULL) {
		bad += prot_is("idle stack guard",
		    (uintptr_t)c->idle->stack - PAGE_SIZE, 0);
		bad += prot_is("idle stack", (uintptr_t)c->idle->stack,
		    VM_READ | VM_WRITE);
	}
	bad += prot_is("heap (kmalloc)", (uintptr_t)c, VM_READ | VM_WRITE);
	kprintf("vmgo: protcheck: %s (canary %s)\n", bad ? "FAILED" : "ok",
	    __stack_chk_guard != 0 ? "set" : "ZERO");
}

/*
 * Run the command-line debugging hooks: vmgo.protcheck=1 checks the page
 * protections and goes on; vmgo.crashtest=fault|panic|smash|overflow
 * crashes the runtime on purpose (exit VMGO_EXIT_PANIC after the
 * report).  Thread context, from kmain before Go starts.
 */
void
debug_init(const struct cmdline *c)
{
	const char *v;

	v = cmdline_vmgo(c, "protcheck");
	if (v != NULL && strcmp(v, "1") == 0)
		protcheck();
	v = cmdline_vmgo(c, "crashtest");
	if (v == NULL)
		return;
	if (strcmp(v, "fault") == 0)
		crashtest_fault();
	else if (strcmp(v, "panic") == 0)
		crashtest_panic();
	else if (strcmp(v, "smash") == 0)
		crashtest_smash();
	else if (strcmp(v, "overflow") == 0)
		(void)crashtest_overflow(0);
	kprintf("vmgo: crashtest=%s: unknown (fault, panic, smash, overflow)\n",
	    v);
}

/* SPDX-License-Identifier: ISC */
/*
 * thread.c: thread life cycle: creation (stack, XSAVE area, static TLS,
 * first trap frame), thread ids, exit and reclamation.
 *
 * TLS is ELF variant II as GNU ld computes local-exec offsets for x86-64
 * (bfd elf_x86_64_tpoff): a variable at offset o of the PT_TLS segment
 * lives at TP - ALIGN_UP(memsz, align) + o, and %fs:0 holds TP itself.  So
 * each thread gets one block: [PT_TLS image, zero-filled to memsz][TCB],
 * with TP at the TCB.  The TCB is 64 bytes: TP+0 self pointer, TP+0x28 the
 * stack-protector canary that gcc-compiled C (runtime/cgo) reads, the rest
 * zero.  boot/vmgo.ld provides:
 *	__tdata_start, __tdata_end	the initialised part (.tdata)
 *	__tls_memsz, __tls_align	absolute: PT_TLS p_memsz and p_align
 */
#include <signal.h>

#include "kernel.h"

#define BOOT_TID	1
#define TCB_SIZE	64
#define TCB_ALIGN	64
#define TCB_CANARY	0x28
#define IDLE_STACK_SIZE	16384
#define RFLAGS_IF	0x200
#define RFLAGS_RSVD1	0x002	/* bit 1 always reads 1 (SDM vol 1 §3.4.3) */

extern const char __tdata_start[], __tdata_end[];
extern const char __tls_memsz[], __tls_align[];

static size_t tls_memsz;	/* PT_TLS p_memsz */
static size_t tls_align;	/* PT_TLS p_align, at least 1 */
static size_t tls_off;		/* TP - start of the block */

/* The all-threads list and tid allocation; also each thread's detached,
 * exited and reaped flags. */
static struct spinlock all_lock;
static struct list all_threads = LIST_INIT(all_threads);
static int32_t next_tid = BOOT_TID;

static void
set_name(struct thread *t, const char *name)
{
	size_t i;

	for (i = 0; i + 1 < sizeof(t->name) && name[i] != '\0'; i++)
		t->name[i] = name[i];
	t->name[i] = '\0';
}

/* A block of static TLS plus TCB for t; sets t->tls and t->fs_base. */
static int
tls_alloc(struct thread *t)
{
	size_t size = tls_off + TCB_SIZE;
	char *block, *tp;

	block = kmalloc_aligned(size, MAX(tls_align, (size_t)TCB_ALIGN));
	if (block == NULL)
		return -ENOMEM;
	memset(block, 0, size);
	memcpy(block, __tdata_start, (size_t)(__tdata_end - __tdata_start));
	tp = block + tls_off;
	*(uint64_t *)tp = (uint64_t)tp;
	/* Any per-thread constant works; keep the low byte zero so a string
	 * overrun cannot reproduce it (as glibc does). */
	*(uint64_t *)(tp + TCB_CANARY) =
	    (rdtsc() * 0x9e3779b97f4a7c15ULL ^ (uint64_t)tp) & ~0xffULL;
	t->tls = block;
	t->fs_base = (uint64_t)tp;
	return 0;
}

static int
fpu_alloc(struct thread *t)
{
	t->fpu = kmalloc_aligned(cpu_features.xsave_size, 64);
	if (t->fpu == NULL)
		return -ENOMEM;
	cpu_fpu_init_area(t->fpu);
	return 0;
}

/* The thread with this tid on the all-threads list; all_lock held. */
static struct thread *
find_locked(int32_t tid)
{
	struct list *p;

	list_for_each(p, &all_threads) {
		struct thread *t = list_entry(p, struct thread, all_link);

		if (t->tid == tid)
			return t;
	}
	return NULL;
}

/* A positive tid no live thread has; all_lock held. */
static int32_t
tid_alloc(void)
{
	int32_t tid;

	for (;;) {
		tid = next_tid;
		next_tid = next_tid == INT32_MAX ? BOOT_TID + 1 : next_tid + 1;
		if (find_locked(tid) == NULL)
			return tid;
	}
}

/*
 * First code of every thread, entered by IRET with fn and arg in %rdi and
 * %rsi and a zero return address on the stack (the end of backtraces).
 */
static _Noreturn void
thread_start(void *(*fn)(void *), void *arg)
{
	thread_current()->retval = fn(arg);
	thread_exit();
}

/* Common fields and the first frame: fn(arg) on [stack, stack+size). */
static void
init_thread(struct thread *t, void *(*fn)(void *), void *arg,
    struct cpu *c)
{
	uintptr_t top = (uintptr_t)t->stack + t->stack_size;

	list_init(&t->runq_link);
	list_init(&t->all_link);
	list_init(&t->sleep_link);
	waitq_init(&t->joinq);
	t->cpu = c;
	t->start = fn;
	t->arg = arg;
	t->altstack_flags = SS_DISABLE;
	/* As if thread_start had been called: (rsp + 8) % 16 == 0. */
	top -= 8;
	*(uint64_t *)top = 0;
	t->tf.rip = (uint64_t)thread_start;
	t->tf.rdi = (uint64_t)fn;
	t->tf.rsi = (uint64_t)arg;
	t->tf.rsp = top;
	t->tf.rbp = 0;
	t->tf.rflags = RFLAGS_IF | RFLAGS_RSVD1;	/* DF=0, AC=0 */
	t->tf.cs = SEG_KCODE;
	t->tf.ss = SEG_KDATA;
}

static void
free_resources(struct thread *t)
{
	if (t->stack != NULL)
		kstack_free(t->stack, t->stack_size);
	kfree(t->tls);
	kfree(t->fpu);
	t->stack = NULL;
	t->tls = NULL;
	t->fpu = NULL;
}

/*
 * Make the boot context thread "boot" (tid 1, fresh static TLS loaded into
 * %fs, no alternate signal stack) and create this CPU's idle thread.
 * Needs cpu_init_bsp (%gs, cpu_features.xsave_size), kmalloc,
 * kstack_alloc, time_init and lapic_init.  Boot, interrupts off; panics on
 * failure.
 */
void
thread_init(void)
{
	struct cpu *c = cpu_this();
	struct thread *boot, *idle;

	tls_memsz = (size_t)(uintptr_t)__tls_memsz;
	tls_align = (size_t)(uintptr_t)__tls_align;
	if (tls_align == 0)
		tls_align = 1;
	if ((tls_align & (tls_align - 1)) != 0 || tls_align > PAGE_SIZE ||
	    (size_t)(__tdata_end - __tdata_start) > tls_memsz)
		panic("thread: bad PT_TLS (memsz %zu, align %zu)", tls_memsz,
		    tls_align);
	tls_off = ALIGN_UP(tls_memsz, tls_align);
	if (cpu_features.xsave_size < 512)
		panic("thread: XSAVE area size %u", cpu_features.xsave_size);

	boot = kzalloc(sizeof(*boot));
	if (boot == NULL || tls_alloc(boot) != 0 || fpu_alloc(boot) != 0)
		panic("thread: out of memory for the boot thread");
	list_init(&boot->runq_link);
	list_init(&boot->sleep_link);
	waitq_init(&boot->joinq);
	boot->cpu = c;
	boot->state = THREAD_RUNNING;
	boot->altstack_flags = SS_DISABLE;
	boot->detached = 1;		/* nobody joins it (sched_start) */
	set_name(boot, "boot");
	spin_lock(&all_lock);
	boot->tid = tid_alloc();
	list_push_back(&all_threads, &boot->all_link);
	spin_unlock(&all_lock);
	wrmsr(MSR_FS_BASE, boot->fs_base);

	idle = kzalloc(sizeof(*idle));
	if (idle == NULL)
		panic("thread: out of memory for the idle thread");
	idle->stack_size = IDLE_STACK_SIZE;
	idle->stack = kstack_alloc(IDLE_STACK_SIZE);
	if (idle->stack == NULL)
		panic("thread: out of memory for the idle stack");
	init_thread(idle, sched_idle, NULL, c);
	idle->state = THREAD_RUNNABLE;	/* never queued: picked when idle */
	set_name(idle, "idle");

	c->cur = boot;
	sched_cpu_init(c, idle);
}

/*
 * A new thread running fn(arg), placed by sched_make_runnable, with a
 * stack of stack_size bytes (rounded up to pages) above an unmapped
 * guard page, its own static TLS and XSAVE area, signal mask mask, no
 * alternate signal stack.
 * *out (if out is not NULL) is set before the thread can run.  0 or
 * -ENOMEM.  Thread context.
 */
int
thread_create(void *(*fn)(void *), void *arg, size_t stack_size,
    uint32_t mask, struct thread **out)
{
	struct thread *t;
	uint64_t f;

	sched_reap();
	t = kzalloc(sizeof(*t));
	if (t == NULL)
		return -ENOMEM;
	t->stack_size = ALIGN_UP(stack_size, PAGE_SIZE);
	t->stack = kstack_alloc(t->stack_size);
	if (t->stack == NULL || tls_alloc(t) != 0 || fpu_alloc(t) != 0) {
		free_resources(t);
		kfree(t);
		return -ENOMEM;
	}
	init_thread(t, fn, arg, cpu_this());
	t->sigmask = mask;
	t->state = THREAD_BLOCKED;	/* until sched_make_runnable */
	set_name(t, "thread");

	f = spin_lock_irqsave(&all_lock);
	t->tid = tid_alloc();
	list_push_back(&all_threads, &t->all_link);
	spin_unlock_irqrestore(&all_lock, f);

	if (out != NULL)
		*out = t;
	sched_make_runnable(t);
	return 0;
}

/*
 * End the calling thread: run its pthread key destructors, drop it from
 * the thread list (its tid is free again) and switch away for good.  The
 * stack, TLS and XSAVE area are freed by sched_reap once it is off CPU;
 * the struct when it is also detached.  Thread context.
 */
_Noreturn void
thread_exit(void)
{
	struct thread *t = thread_current();

	if (t->tsd != NULL)
		pthread_tsd_exit(t);
	(void)spin_lock_irqsave(&all_lock);	/* interrupts stay off */
	list_remove(&t->all_link);
	t->exited = 1;
	waitq_wake(&t->joinq, 0);	/* a joiner on this CPU reaps us */
	spin_unlock(&all_lock);
	t->state = THREAD_DEAD;
	sched_block();
	panic("thread_exit: dead thread %d resumed", t->tid);
}

/* The live thread with this tid, or NULL (see thread.h for lifetime). */
struct thread *
thread_find(int32_t tid)
{
	struct thread *t;
	uint64_t f;

	f = spin_lock_irqsave(&all_lock);
	t = find_locked(tid);
	spin_unlock_irqrestore(&all_lock, f);
	return t;
}

/*
 * Send signal sig to thread tid through signal_send (libc/signal.c: the
 * disposition decides: ignored, default action, or recorded pending on the
 * thread for the delivery code); sig 0 only checks that tid exists.  The
 * all-threads lock keeps the thread from being freed meanwhile.  0,
 * -ESRCH, -EINVAL.  Thread or signal context.
 */
int
thread_kill(int32_t tid, int sig)
{
	struct thread *t;
	uint64_t f;
	int r = 0;

	f = spin_lock_irqsave(&all_lock);
	t = find_locked(tid);
	if (t == NULL)
		r = -ESRCH;
	else if (sig != 0) {
		r = signal_send(t, sig);
		/* Running on another CPU: interrupt it, so the signal is
		 * delivered on that interrupt's return (signal.c). */
		if (r == 0 && __atomic_load_n(&t->cpu->cur, __ATOMIC_RELAXED)
		    == t)
			smp_poke(t->cpu);
	}
	spin_unlock_irqrestore(&all_lock, f);
	return r;
}

/*
 * Free a dead thread's stack, TLS and XSAVE area (sched_reap, thread
 * context, t off CPU), then the struct if detached; else wake joiners.
 */
void
thread_reap(struct thread *t)
{
	uint64_t f;

	free_resources(t);
	f = spin_lock_irqsave(&all_lock);
	t->reaped = 1;
	if (t->detached) {
		spin_unlock_irqrestore(&all_lock, f);
		kfree(t);
		return;
	}
	waitq_wake(&t->joinq, 0);
	spin_unlock_irqrestore(&all_lock, f);
}

/*
 * Give up the claim on t: free it now if reaped, else mark it detached so
 * the reaper frees it.  0, or -EINVAL if it was already released.
 * Thread context.
 */
int
thread_release(struct thread *t)
{
	uint64_t f;

	f = spin_lock_irqsave(&all_lock);
	if (t->detached) {
		spin_unlock_irqrestore(&all_lock, f);
		return -EINVAL;
	}
	t->detached = 1;
	if (t->reaped) {
		spin_unlock_irqrestore(&all_lock, f);
		kfree(t);
		return 0;
	}
	spin_unlock_irqrestore(&all_lock, f);
	return 0;
}

/*
 * Wait until t has exited and been reaped (its struct stays for the
 * caller to read and release).  Thread context; t is not the caller.
 */
void
thread_join(struct thread *t)
{
	uint64_t f, deadline;

	for (;;) {
		/* A thread that died on this CPU is reaped here at once. */
		sched_reap();
		f = spin_lock_irqsave(&all_lock);
		if (t->reaped) {
			spin_unlock_irqrestore(&all_lock, f);
			return;
		}
		/*
		 * Woken by thread_exit and by thread_reap.  Once t has exited
		 * on another CPU, poll every millisecond in case that CPU is
		 * too busy to reap soon.
		 */
		deadline = t->exited ? time_monotonic() + 1000000 : 0;
		(void)thread_wait(&t->joinq, &all_lock, deadline);
		spin_unlock_irqrestore(&all_lock, f);
	}
}

/*
 * Call fn(t, arg) for at most max threads of the all-threads list without
 * taking all_lock, for the NMI thread dump (runtime/debug.c), which may
 * have interrupted its holder: a thread being created or reaped at that
 * moment may be missed or the walk cut short.  Any context, NMI included.
 */
void
thread_foreach_unlocked(void (*fn)(struct thread *, void *), void *arg,
    int max)
{
	struct list *p;

	for (p = all_threads.next; p != &all_threads && p != NULL && max > 0;
	    p = p->next, max--)
		fn(list_entry(p, struct thread, all_link), arg);
}

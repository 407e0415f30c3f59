/* SPDX-License-Identifier: ISC */
/*
 * signal.c: the signal state Go sets up and queries (docs/go-openbsd-abi.md
 * §6.1-6.4, §6.10): the process's dispositions (sigaction), each thread's
 * mask (pthread_sigmask) and alternate stack (sigaltstack), sigset_t
 * helpers, and sending (kill, raise, signal_send).  OpenBSD layouts:
 * 4-byte sigset_t, 16-byte struct sigaction, stack_t {sp, size, flags}.
 *
 * A signal for a caught disposition is recorded pending (per thread for
 * thread-directed ones, per process for kill()); runtime/signal.c takes
 * it with signal_take and runs the handler.  Default actions happen at
 * once: default-ignore signals are dropped, default-terminate ones end
 * the image with status 128+sig.  Signals sent to oneself (raise,
 * kill(getpid()), thrkill to one's own id) and signals a pthread_sigmask
 * call unblocks are delivered before the call returns.
 *
 * sigaction, pthread_sigmask and sigaltstack must not fail for Go's
 * arguments: a non-zero return makes Go crash on purpose.
 */
#include <signal.h>
#include <unistd.h>

#include "kernel.h"

_Static_assert(sizeof(sigset_t) == 4, "OpenBSD sigset_t");
_Static_assert(sizeof(struct sigaction) == 16, "OpenBSD struct sigaction");
_Static_assert(offsetof(struct sigaction, sa_mask) == 8, "sa_mask");
_Static_assert(offsetof(struct sigaction, sa_flags) == 12, "sa_flags");
_Static_assert(sizeof(stack_t) == 24, "OpenBSD stack_t");
_Static_assert(offsetof(stack_t, ss_size) == 8, "ss_size");
_Static_assert(offsetof(stack_t, ss_flags) == 16, "ss_flags");

/* Signals no mask can hold (POSIX; OpenBSD's sigcantmask). */
#define SIG_CANTMASK	(sigmask(SIGKILL) | sigmask(SIGSTOP))

/*
 * Signals whose default action discards them (OpenBSD sigprop[]: SA_IGNORE
 * and, since nothing could ever continue a stopped image, the job-control
 * stops).  Every other signal's default action terminates.
 */
#define SIG_DFL_IGNORE	(sigmask(SIGURG) | sigmask(SIGCONT) |		\
			 sigmask(SIGCHLD) | sigmask(SIGIO) |		\
			 sigmask(SIGWINCH) | sigmask(SIGINFO) |		\
			 sigmask(SIGTHR) | sigmask(SIGSTOP) |		\
			 sigmask(SIGTSTP) | sigmask(SIGTTIN) | sigmask(SIGTTOU))

/* Dispositions, index = signal number; all SIG_DFL at boot. */
static struct sigaction sigacts[NSIG];
static struct spinlock sig_lock;
/* Process-directed signals not yet delivered (kill()). */
static uint32_t proc_pending;

/*
 * Signal state of the caller before threads exist (kmain, early boot):
 * the boot context's mask and alternate stack.
 */
static uint32_t boot_mask;
static stack_t boot_altstack = { NULL, 0, SS_DISABLE };

/*
 * The calling thread, or NULL before %gs and the first thread exist
 * (cpu_init_bsp() sets ncpus once %gs is valid; see errno.c).
 */
static struct thread *
cur_thread(void)
{
	if (__atomic_load_n(&ncpus, __ATOMIC_ACQUIRE) == 0)
		return NULL;
	return thread_current();
}

static bool
sig_valid(int sig)
{
	return sig > 0 && sig < NSIG;
}

/*
 * sigaction(2): report the disposition of sig in *oact and/or install
 * *act.  The handler runs with mask | sa_mask | sig (delivery code).
 * Returns 0, or -1 with EINVAL for a bad number or an attempt to catch or
 * ignore SIGKILL/SIGSTOP.  Any context (signal handlers call it too).
 */
int
sigaction(int sig, const struct sigaction *restrict act,
    struct sigaction *restrict oact)
{
	struct sigaction nsa = { 0 };
	uint64_t f;

	if (!sig_valid(sig) ||
	    (act != NULL && (sig == SIGKILL || sig == SIGSTOP)))
		return ret_errno(-EINVAL);
	if (act != NULL) {
		nsa = *act;
		nsa.sa_mask &= ~SIG_CANTMASK;
	}
	f = spin_lock_irqsave(&sig_lock);
	if (oact != NULL)
		*oact = sigacts[sig];
	if (act != NULL) {
		sigacts[sig] = nsa;
		/*
		 * POSIX: ignoring a signal discards it if pending.  Threads'
		 * pending sets are left for the delivery code, which checks
		 * the disposition again anyway.
		 */
		if (nsa.sa_handler == SIG_IGN ||
		    (nsa.sa_handler == SIG_DFL &&
		    (SIG_DFL_IGNORE & sigmask(sig)) != 0))
			__atomic_and_fetch(&proc_pending, ~sigmask(sig),
			    __ATOMIC_RELAXED);
	}
	spin_unlock_irqrestore(&sig_lock, f);
	return 0;
}

/*
 * The calling thread's signal mask (OpenBSD semantics): how is SIG_BLOCK,
 * SIG_UNBLOCK or SIG_SETMASK and applies only when set is not NULL (NULL:
 * just report).  *oset gets the mask from before.  SIGKILL and SIGSTOP
 * are never blocked.  Returns 0 or EINVAL (an errno value, not -1).  Any
 * context; only the thread itself changes its mask.
 *
 * runtime/cgo calls it too, compiled against vmgo's <signal.h>, so with
 * the same numbers (docs/go-openbsd-abi.md §13).  Signals unblocked here
 * and pending run before this returns (signal_deliver_self).
 */
int
pthread_sigmask(int how, const sigset_t *restrict set,
    sigset_t *restrict oset)
{
	struct thread *t = cur_thread();
	uint32_t *mask = t != NULL ? &t->sigmask : &boot_mask;
	uint32_t old = __atomic_load_n(mask, __ATOMIC_RELAXED), nmask;

	if (set != NULL) {
		switch (how) {
		case SIG_BLOCK:
			nmask = old | *set;
			break;
		case SIG_UNBLOCK:
			nmask = old & ~*set;
			break;
		case SIG_SETMASK:
			nmask = *set;
			break;
		default:
			return EINVAL;
		}
		__atomic_store_n(mask, nmask & ~SIG_CANTMASK, __ATOMIC_RELAXED);
	}
	if (oset != NULL)
		*oset = old;
	/* POSIX: a pending signal just unblocked runs before we return. */
	if (t != NULL && set != NULL && (old & ~t->sigmask) != 0)
		signal_deliver_self();
	return 0;
}

/* pthread_sigmask with the classic -1/errno convention. */
int
sigprocmask(int how, const sigset_t *restrict set, sigset_t *restrict oset)
{
	int r = pthread_sigmask(how, set, oset);

	return r == 0 ? 0 : (int)ret_errno(-r);
}

/*
 * sigaltstack(2) for the calling thread.  *oss gets the current stack
 * (ss_flags SS_DISABLE when there is none, SS_ONSTACK while running on
 * it); ss then enables (ss_flags 0, ss_size >= MINSIGSTKSZ) or disables
 * (SS_DISABLE) one.  Returns 0, or -1 with EPERM (changing it while on
 * it), EINVAL (other flags) or ENOMEM (too small).  A thread with a zero
 * size or NULL base counts as having none, whatever its flags say (new
 * threads must report SS_DISABLE: with cgo, Go adopts an enabled stack).
 * Any context.
 */
int
sigaltstack(const stack_t *restrict ss, stack_t *restrict oss)
{
	struct thread *t = cur_thread();
	void **sp = t != NULL ? &t->altstack_sp : &boot_altstack.ss_sp;
	size_t *size = t != NULL ? &t->altstack_size : &boot_altstack.ss_size;
	int *flags = t != NULL ? &t->altstack_flags : &boot_altstack.ss_flags;
	bool enabled = (*flags & SS_DISABLE) == 0 && *sp != NULL && *size != 0;
	uintptr_t here = (uintptr_t)__builtin_frame_address(0);
	bool on = enabled && here >= (uintptr_t)*sp &&
	    here < (uintptr_t)*sp + *size;
	stack_t nss = { NULL, 0, SS_DISABLE };

	if (ss != NULL) {
		nss = *ss;
		if (on)
			return ret_errno(-EPERM);
		if ((nss.ss_flags & ~SS_DISABLE) != 0)
			return ret_errno(-EINVAL);
		if ((nss.ss_flags & SS_DISABLE) == 0 && nss.ss_size < MINSIGSTKSZ)
			return ret_errno(-ENOMEM);
	}
	if (oss != NULL) {
		oss->ss_sp = *sp;
		oss->ss_size = *size;
		oss->ss_flags = !enabled ? SS_DISABLE : on ? SS_ONSTACK : 0;
	}
	if (ss != NULL) {
		if (nss.ss_flags & SS_DISABLE) {
			*flags = SS_DISABLE;
		} else {
			*sp = nss.ss_sp;
			*size = nss.ss_size;
			*flags = 0;
		}
	}
	return 0;
}

/* sigset_t helpers: signal n is bit n-1 (OpenBSD). */
int
sigemptyset(sigset_t *set)
{
	*set = 0;
	return 0;
}

/* Every bit, as OpenBSD does (KILL/STOP included; masks drop them). */
int
sigfillset(sigset_t *set)
{
	*set = ~(sigset_t)0;
	return 0;
}

/* 0, or -1 with EINVAL for a number outside 1..NSIG-1. */
int
sigaddset(sigset_t *set, int sig)
{
	if (!sig_valid(sig))
		return ret_errno(-EINVAL);
	*set |= sigmask(sig);
	return 0;
}

int
sigdelset(sigset_t *set, int sig)
{
	if (!sig_valid(sig))
		return ret_errno(-EINVAL);
	*set &= ~sigmask(sig);
	return 0;
}

/* 1 if sig is in *set, 0 if not, -1 with EINVAL for a bad number. */
int
sigismember(const sigset_t *set, int sig)
{
	if (!sig_valid(sig))
		return ret_errno(-EINVAL);
	return (*set & sigmask(sig)) != 0;
}

/*
 * Send sig to thread t, or to the process when t is NULL (see kernel.h).
 * Called by kill/raise here and by thrkill.  Any context.
 */
int
signal_send(struct thread *t, int sig)
{
	void (*handler)(int);
	uint32_t *pending;
	uint64_t f;

	if (!sig_valid(sig))
		return -EINVAL;
	f = spin_lock_irqsave(&sig_lock);
	handler = sigacts[sig].sa_handler;
	spin_unlock_irqrestore(&sig_lock, f);

	if (handler == SIG_IGN)
		return 0;
	if (handler == SIG_DFL) {
		if (SIG_DFL_IGNORE & sigmask(sig))
			return 0;
		kprintf("vmgo: terminated by signal %d\n", sig);
		platform_exit(128 + sig);
	}
	pending = t != NULL ? &t->sigpending : &proc_pending;
	__atomic_or_fetch(pending, sigmask(sig), __ATOMIC_RELEASE);
	return 0;
}

/*
 * kill(2) within the one process: pid 1 (getpid()), 0 (our group) or -1
 * (everyone) mean this process.  sig 0 only checks.  Returns 0, or -1 with
 * EINVAL (bad signal) or ESRCH (another pid).  Any context; a default
 * terminating signal does not return.
 */
int
kill(pid_t pid, int sig)
{
	int r;

	if (sig < 0 || sig >= NSIG)
		return ret_errno(-EINVAL);
	if (pid != getpid() && pid != 0 && pid != -1)
		return ret_errno(-ESRCH);
	if (sig == 0)
		return 0;
	r = signal_send(NULL, sig);
	if (r == 0)
		signal_deliver_self();
	return (int)ret_errno(r);
}

/* Send sig to the calling thread (the process before threads exist); a
 * caught, unblocked one has run when this returns.  0, or -1 with EINVAL. */
int
raise(int sig)
{
	int r = signal_send(cur_thread(), sig);

	if (r == 0)
		signal_deliver_self();
	return (int)ret_errno(r);
}

/* Does t have an alternate signal stack (so it is a Go thread, fit for a
 * process-directed signal: §6.10)? */
static bool
has_altstack(const struct thread *t)
{
	return (t->altstack_flags & SS_DISABLE) == 0 &&
	    t->altstack_sp != NULL && t->altstack_size != 0;
}

/*
 * Is a signal pending for t (its own, or the process's when t may take
 * those) that t's mask does not block?  A cheap check, no claim.  Any
 * context.
 */
bool
signal_deliverable(const struct thread *t)
{
	uint32_t p = __atomic_load_n(&t->sigpending, __ATOMIC_ACQUIRE);

	if (has_altstack(t))
		p |= __atomic_load_n(&proc_pending, __ATOMIC_ACQUIRE);
	return signal_pick(p, t->sigmask) != 0;
}

/* Snapshot sig's disposition into *sa, resetting it to SIG_DFL if it is
 * a caught SA_RESETHAND one (it is being delivered).  sig_lock inside. */
static void
take_action(int sig, struct sigaction *sa)
{
	uint64_t f;

	f = spin_lock_irqsave(&sig_lock);
	*sa = sigacts[sig];
	if ((sa->sa_flags & SA_RESETHAND) && sa->sa_handler != SIG_DFL &&
	    sa->sa_handler != SIG_IGN) {
		sigacts[sig].sa_handler = SIG_DFL;
		sigacts[sig].sa_flags &= ~SA_SIGINFO;
	}
	spin_unlock_irqrestore(&sig_lock, f);
}

/*
 * The disposition to use for a synchronous signal sig being delivered now
 * (a fault): *sa, with SA_RESETHAND applied.  Any context.
 */
void
signal_action(int sig, struct sigaction *sa)
{
	take_action(sig, sa);
}

/*
 * Claim the next signal to deliver to t, the thread this CPU is about to
 * resume: the lowest pending one its mask allows, its own first, then
 * the process's (only for a thread with an alternate stack).  A claimed
 * signal whose disposition became ignore meanwhile is dropped and the
 * next one tried; a default-terminate one ends the image with 128+sig.
 * Returns the signal with its disposition in *sa, or 0.  Interrupts off.
 */
int
signal_take(struct thread *t, struct sigaction *sa)
{
	uint32_t *set, bit;
	int sig;

	for (;;) {
		set = &t->sigpending;
		sig = signal_pick(__atomic_load_n(set, __ATOMIC_ACQUIRE),
		    t->sigmask);
		if (sig == 0 && has_altstack(t)) {
			set = &proc_pending;
			sig = signal_pick(__atomic_load_n(set,
			    __ATOMIC_ACQUIRE), t->sigmask);
		}
		if (sig == 0)
			return 0;
		bit = sigmask(sig);
		if ((__atomic_fetch_and(set, ~bit, __ATOMIC_ACQ_REL) & bit) == 0)
			continue;	/* another CPU took it */
		take_action(sig, sa);
		if (sa->sa_handler == SIG_IGN)
			continue;
		if (sa->sa_handler == SIG_DFL) {
			if (SIG_DFL_IGNORE & bit)
				continue;
			kprintf("vmgo: terminated by signal %d\n", sig);
			platform_exit(128 + sig);
		}
		return sig;
	}
}

/*
 * The signals pending for the calling thread: its own and the process's.
 * Always 0.
 */
int
sigpending(sigset_t *set)
{
	struct thread *t = cur_thread();
	uint32_t mine = t != NULL ? __atomic_load_n(&t->sigpending,
	    __ATOMIC_ACQUIRE) : 0;

	*set = (mine | __atomic_load_n(&proc_pending, __ATOMIC_ACQUIRE)) &
	    ~SIG_CANTMASK;
	return 0;
}

/*
 * ANSI signal(): install handler with BSD semantics (SA_RESTART, handler
 * stays installed).  Returns the previous handler, or SIG_ERR with errno.
 */
void (*signal(int sig, void (*handler)(int)))(int)
{
	struct sigaction sa, osa;

	sa.sa_handler = handler;
	sa.sa_mask = 0;
	sa.sa_flags = SA_RESTART;
	if (sigaction(sig, &sa, &osa) != 0)
		return SIG_ERR;
	return osa.sa_handler;
}

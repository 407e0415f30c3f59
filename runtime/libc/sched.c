/* SPDX-License-Identifier: ISC */
/*
 * sched.c: the libc thread-scheduling calls Go uses (docs/go-openbsd-abi.md
 * §2.4, §6.9): sched_yield, getthrid, thrkill.
 */
#define _DEFAULT_SOURCE 1
#include <sched.h>
#include <signal.h>

#include "kernel.h"

/* Let another runnable thread of this CPU run first (Go's osyield while
 * spinning on a lock).  0.  Thread context, with or without a g. */
int
sched_yield(void)
{
	sched_yield_thread();
	return 0;
}

/* The calling thread's id: positive, unique among live threads, fits in
 * an int32 (Go's m.procid).  Any thread context. */
int
getthrid(void)
{
	return thread_current()->tid;
}

/*
 * OpenBSD thrkill(2): send sig to thread tid (sig 0: only check it
 * exists); tcb is not checked.  signal_send applies the disposition: an
 * ignored signal is dropped, a default-terminate one ends the image, a
 * caught one is recorded pending on the target (t->sigpending), and
 * runtime/signal.c runs the handler when the target next returns from an
 * interrupt into Go code (SIGURG async preemption, §6.9).  Sent to the
 * caller itself (Go's raise), it has run before thrkill returns (§6.10).
 * 0, or -1 with errno ESRCH for an unknown tid, EINVAL for a bad signal
 * number.  Thread or signal context.
 */
int
thrkill(int tid, int sig, void *tcb)
{
	int r;

	if (sig < 0 || sig >= NSIG)
		return (int)ret_errno(-EINVAL);
	r = thread_kill(tid, sig);
	if (r == 0 && sig != 0 && tid == thread_current()->tid)
		signal_deliver_self();
	return (int)ret_errno(r);
}

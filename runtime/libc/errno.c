/* SPDX-License-Identifier: ISC */
/*
 * errno.c: the libc edge's error plumbing.  __errno() is OpenBSD's name for
 * the per-thread errno slot (go.o calls it after every -1 result);
 * ret_errno() turns an internal -errno result into -1 plus errno; enosys()
 * reports a libc call the runtime does not implement.
 */
#include "kernel.h"

/* errno before the first thread exists (boot, early kmain). */
static int boot_errno;

/*
 * The calling thread's errno slot.  Valid on every thread, in signal
 * handlers and before threads exist (then a single boot slot).  %gs:0
 * means nothing until cpu_init_bsp() has set the %gs base, which it does
 * just before it sets ncpus to 1.  Any context; never fails.
 */
int *
__errno(void)
{
	struct thread *t;

	if (__atomic_load_n(&ncpus, __ATOMIC_ACQUIRE) == 0)
		return &boot_errno;
	t = thread_current();
	return t != NULL ? &t->err : &boot_errno;
}

/*
 * r >= 0 (or a value that is not an errno, such as a high pointer): return
 * it.  r in [-4095, -1]: store -r in errno and return -1, the way the
 * libc calls report failure (musl's __syscall_ret).  Any context.
 */
long
ret_errno(long r)
{
	if ((unsigned long)r > -4096UL) {
		errno = (int)-r;
		return -1;
	}
	return r;
}

/*
 * Names already reported.  Callers pass string literals, but compare the
 * text so that two stubs of one name count once.  When the table is full
 * every further new name is printed on each call, which is noisy but still
 * honest.
 */
#define ENOSYS_SEEN_MAX	128
static const char *enosys_seen[ENOSYS_SEEN_MAX];
static unsigned int enosys_nseen;
static struct spinlock enosys_lock;

/*
 * A libc function the runtime does not implement: print "vmgo: NAME: not
 * implemented (ENOSYS)" on the console the first time NAME is seen, set
 * errno to ENOSYS and return -1, so "return enosys("x");" is a complete
 * libc body.  Any context except while holding the console lock.
 */
int
enosys(const char *name)
{
	unsigned int i;
	uint64_t f;
	bool report = true;

	f = spin_lock_irqsave(&enosys_lock);
	for (i = 0; i < enosys_nseen; i++) {
		if (strcmp(enosys_seen[i], name) == 0) {
			report = false;
			break;
		}
	}
	if (report && enosys_nseen < ENOSYS_SEEN_MAX)
		enosys_seen[enosys_nseen++] = name;
	spin_unlock_irqrestore(&enosys_lock, f);

	if (report)
		kprintf("vmgo: %s: not implemented (ENOSYS)\n", name);
	errno = ENOSYS;
	return -1;
}

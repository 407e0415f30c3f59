/* SPDX-License-Identifier: ISC */
/*
 * host_shim.c: host (Linux, ring 3) stand-ins for the runtime services that
 * code under test calls: panic, kprintf, kmalloc, page frames, the libc
 * edge.  Every definition is weak, so a test that #includes the real source
 * of one of these (test_page.c includes page.c) gets the real one.
 */
#define VMGO_HOST_TEST	1

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel.h"
#include "host_shim.h"

#define WEAK	__attribute__((weak))

WEAK struct bootinfo *boot_info;
WEAK struct cpu_features cpu_features;	/* all zero: a CPU without extras */
WEAK jmp_buf *host_panic_jmp;
WEAK long host_kmalloc_live;

WEAK _Noreturn void
panic(const char *fmt, ...)
{
	va_list ap;

	printf("vmgo: panic: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (host_panic_jmp != NULL)
		longjmp(*host_panic_jmp, 1);
	abort();
}

WEAK void
kvprintf(const char *fmt, va_list ap)
{
	vprintf(fmt, ap);
}

WEAK void
kprintf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}

WEAK _Noreturn void
platform_exit(int status)
{
	fflush(stdout);
	exit(status);
}

WEAK long
ret_errno(long r)
{
	if (r >= 0)
		return r;
	errno = (int)-r;
	return -1;
}

WEAK int
enosys(const char *name)
{
	printf("vmgo: %s: not implemented (ENOSYS)\n", name);
	errno = ENOSYS;
	return -1;
}

/* kmalloc family over the host heap; host_kmalloc_live counts blocks,
 * atomically: some tests allocate from several threads at once. */
WEAK void *
kmalloc(size_t n)
{
	void *p = malloc(n != 0 ? n : 1);

	if (p != NULL)
		__atomic_add_fetch(&host_kmalloc_live, 1, __ATOMIC_RELAXED);
	return p;
}

WEAK void *
kzalloc(size_t n)
{
	void *p = kmalloc(n);

	if (p != NULL)
		memset(p, 0, n);
	return p;
}

WEAK void *
krealloc(void *p, size_t n)
{
	if (p == NULL)
		return kmalloc(n);
	return realloc(p, n != 0 ? n : 1);
}

WEAK void
kfree(void *p)
{
	if (p == NULL)
		return;
	__atomic_sub_fetch(&host_kmalloc_live, 1, __ATOMIC_RELAXED);
	free(p);
}

WEAK void *
kmalloc_aligned(size_t n, size_t align)
{
	void *p = aligned_alloc(align < sizeof(void *) ? sizeof(void *) : align,
	    ALIGN_UP(n != 0 ? n : 1, align));

	if (p != NULL)
		__atomic_add_fetch(&host_kmalloc_live, 1, __ATOMIC_RELAXED);
	return p;
}

/* Page frames from the host heap (tests of page.c use the real allocator). */
WEAK uintptr_t
page_alloc(void)
{
	void *p = aligned_alloc(PAGE_SIZE, PAGE_SIZE);

	if (p == NULL)
		return 0;
	memset(p, 0, PAGE_SIZE);
	return (uintptr_t)p;
}

WEAK void
page_free(uintptr_t pa)
{
	free((void *)pa);
}

/* Signal delivery and interval timers (runtime/signal.c, libc/itimer.c),
 * as the scheduler sees them: nothing pending, no timer armed. */
WEAK void
signal_trap_return(struct trapframe *tf)
{
	(void)tf;
}

WEAK void
itimer_account(struct cpu *c, uint64_t now)
{
	(void)c;
	(void)now;
}

WEAK uint64_t
itimer_next_deadline(struct cpu *c)
{
	(void)c;
	return 0;
}

/* fs/rofs.c: no file table on the host; the "image" ends at _end. */
extern char _end[];
WEAK uintptr_t
rofs_image_end(const struct bootinfo *bi)
{
	(void)bi;
	return (uintptr_t)_end;
}

/* runtime/x86_64/cpu.c and runtime/smp.c: one CPU, no IPIs. */
WEAK struct cpu cpus[MAX_CPUS];
WEAK unsigned int ncpus;

WEAK void
smp_kick(struct cpu *c)
{
	(void)c;
}

WEAK void
smp_poke(struct cpu *c)
{
	(void)c;
}

WEAK void
smp_tlb_shootdown(uintptr_t lo, uintptr_t hi)
{
	(void)lo;
	(void)hi;
}

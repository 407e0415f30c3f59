/* SPDX-License-Identifier: ISC */
/*
 * panic.c: fatal errors in the runtime itself: panic() with a
 * frame-pointer backtrace, and the compiler's stack protector
 * (-fstack-protector-strong -mstack-protector-guard=global).
 */
#include <stdarg.h>
#include <stdint.h>

#include "kernel.h"

#define BACKTRACE_MAX	32
#define USER_TOP	0x0000800000000000ULL	/* end of canonical low half */

/* Read by every protected function's prologue and epilogue. */
uintptr_t __stack_chk_guard;
_Noreturn void	__stack_chk_fail(void);

static int panicking;

/*
 * Print the return addresses found by following saved frame pointers
 * from rbp, after rip itself.  C (-fno-omit-frame-pointer) and Go (amd64
 * keeps frame pointers) both link frames as [rbp] = caller's rbp,
 * [rbp + 8] = return address.  Stops at a frame that does not look like
 * one: misaligned, outside the canonical low half, or not above the
 * previous one.  Any context.
 */
void
panic_backtrace(uintptr_t rip, uintptr_t rbp)
{
	const uintptr_t *fp;
	int i;

	kprintf("vmgo: backtrace:\n");
	kprintf("vmgo:   %#018lx\n", rip);
	for (i = 0; i < BACKTRACE_MAX; i++) {
		if (rbp < PAGE_SIZE || rbp >= USER_TOP - 16 || (rbp & 7) != 0)
			break;
		fp = (const uintptr_t *)rbp;
		if (fp[1] == 0)
			break;
		kprintf("vmgo:   %#018lx\n", fp[1]);
		if (fp[0] <= rbp)
			break;
		rbp = fp[0];
	}
}

/*
 * Print "vmgo: panic: MSG" and the caller's backtrace, then end the VM
 * with VMGO_EXIT_PANIC.  Any context; allocates nothing.  A panic while
 * panicking (say, a fault in the backtrace) exits at once.
 */
void
panic(const char *fmt, ...)
{
	va_list ap;

	irq_disable();
	console_panic();
	if (__atomic_fetch_add(&panicking, 1, __ATOMIC_SEQ_CST) != 0) {
		kprintf("vmgo: panic while panicking\n");
		platform_exit(VMGO_EXIT_PANIC);
	}
	kprintf("vmgo: panic: ");
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
	kprintf("\n");
	/* Start at our caller: its return address and saved frame. */
	panic_backtrace((uintptr_t)__builtin_return_address(0),
	    *(const uintptr_t *)__builtin_frame_address(0));
	platform_exit(VMGO_EXIT_PANIC);
}

/*
 * Called by a protected function whose canary was overwritten.
 */
void
__stack_chk_fail(void)
{
	panic("stack smashing detected");
}

/*
 * Choose the stack-protector canary: RDRAND when the CPU has it (Intel
 * SDM vol 1 §7.3.17: retry a few times on CF=0), else mixed TSC bits.  The
 * low byte stays zero so string overruns stop at it.  Called once by
 * kmain after cpu_init_bsp, with only non-returning protected frames live
 * (a returning one would see the canary change).
 */
__attribute__((no_stack_protector)) void
stack_protector_init(void)
{
	uint64_t v = 0;
	uint8_t ok = 0;
	int i;

	for (i = 0; i < 10 && cpu_features.has_rdrand && !ok; i++)
		__asm__ volatile("rdrand %0; setc %1" : "=r"(v), "=qm"(ok));
	if (!ok) {
		v = rdtsc() * 0x9e3779b97f4a7c15ULL;
		v ^= (v >> 29) ^ (rdtsc() << 32);
	}
	__stack_chk_guard = v & ~(uintptr_t)0xff;
}

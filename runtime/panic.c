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

/* Page-table entry bits, SDM vol 3A §4.5, tables 4-15 to 4-20. */
#define PTE_P		0x001ULL		/* present */
#define PTE_PS		0x080ULL		/* 1 GiB / 2 MiB page */
#define PTE_ADDR	0x000ffffffffff000ULL

/*
 * Is the byte at va mapped (present pages are readable on x86)?  Walks
 * the live page tables through the identity map without vm.c's lock, so
 * it works after a fault taken with that lock held.  Any context.
 */
static bool
readable(uintptr_t va)
{
	const uint64_t *tbl;
	uint64_t e;
	int level;

	if (va >= USER_TOP)
		return false;
	tbl = (const uint64_t *)(uintptr_t)(read_cr3() & PTE_ADDR);
	for (level = 3; level >= 0; level--) {
		e = tbl[(va >> (PAGE_SHIFT + 9 * level)) & 511];
		if ((e & PTE_P) == 0)
			return false;
		if (level == 0 || ((level == 1 || level == 2) && (e & PTE_PS)))
			return true;
		if ((e & PTE_ADDR) >= VA_STACKS)	/* not identity mapped */
			return false;
		tbl = (const uint64_t *)(uintptr_t)(e & PTE_ADDR);
	}
	return false;
}

/*
 * Print one code address as "0x... function+0xoff", the function taken
 * from the image's symbol table (ksym.c).  ret: pc is a return address,
 * so name the function holding the call (pc - 1).  Any context.
 */
void
panic_print_pc(const char *prefix, uintptr_t pc, bool ret)
{
	const char *name;
	uintptr_t off;

	name = ksym_lookup(ret ? pc - 1 : pc, &off);
	if (name != NULL)
		kprintf("%s%#018lx %s+%#lx\n", prefix, pc, name,
		    ret ? off + 1 : off);
	else
		kprintf("%s%#018lx ?\n", prefix, pc);
}

/*
 * Print up to max return addresses found by following saved frame
 * pointers from rbp, one per line after prefix, each with its function's
 * name.  C (-fno-omit-frame-pointer) and Go (amd64 keeps frame pointers)
 * both link frames as [rbp] = caller's rbp, [rbp + 8] = return address.
 * Stops at a frame that does not look like one: misaligned, not mapped,
 * outside the canonical low half, or not above the previous one.  Safe
 * after any fault: reads only memory the page tables map.
 */
static void
walk(const char *prefix, uintptr_t rbp, int max)
{
	const uintptr_t *fp;
	int i;

	for (i = 0; i < max; i++) {
		if (rbp < PAGE_SIZE || rbp >= USER_TOP - 16 || (rbp & 7) != 0 ||
		    !readable(rbp) || !readable(rbp + 15))
			return;
		fp = (const uintptr_t *)rbp;
		if (fp[1] == 0)
			return;
		panic_print_pc(prefix, fp[1], true);
		if (fp[0] <= rbp)
			return;
		rbp = fp[0];
	}
	kprintf("%s...\n", prefix);
}

/*
 * Print rip (where a trap or an interrupted thread stands), then up to
 * max callers up the frame chain from rbp, a line each after prefix,
 * with function names.  Reads only mapped memory.  Any context.
 */
void
backtrace_print(const char *prefix, uintptr_t rip, uintptr_t rbp, int max)
{
	panic_print_pc(prefix, rip, false);
	walk(prefix, rbp, max);
}

/*
 * "vmgo: backtrace:" and backtrace_print of up to BACKTRACE_MAX frames.
 * Any context.
 */
void
panic_backtrace(uintptr_t rip, uintptr_t rbp)
{
	kprintf("vmgo: backtrace:\n");
	backtrace_print("vmgo:   ", rip, rbp, BACKTRACE_MAX);
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
	kprintf("vmgo: backtrace:\n");
	panic_print_pc("vmgo:   ", (uintptr_t)__builtin_return_address(0),
	    true);
	walk("vmgo:   ", *(const uintptr_t *)__builtin_frame_address(0),
	    BACKTRACE_MAX);
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

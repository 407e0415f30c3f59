/* SPDX-License-Identifier: ISC */
/*
 * kmain.c: a test kernel for boot/ and the platform layer (console,
 * kprintf, panic, platform_exit, cpu, traps).  It replaces runtime/main.c
 * and links with boot/vmgo.ld like a real image (tests/boot/run).  The
 * command line word test=NAME picks what it does:
 *
 *	hello		boot facts and self-checks, "SUCCESS", exit 0
 *	exit=N		platform_exit(N)
 *	poweroff	platform_exit(5), meant for QEMU without isa-debug-exit
 *	ud pf gp bp	a fatal #UD, #PF at address 0, #GP, #BP
 *	panic ssp	panic(), stack-protector failure
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <vmgo/abi.h>
#include <vmgo/bootinfo.h>

#include "kernel.h"

struct bootinfo *boot_info;
extern uintptr_t __stack_chk_guard;
static int failures;

/* addr as a pointer gcc cannot reason about (no null-pointer folding). */
static volatile int *
opaque(uintptr_t addr)
{
	__asm__("" : "+r"(addr));
	return (volatile int *)addr;
}

/* Stubs for what other parts of the runtime provide in a real image. */
int
vma_fault(uintptr_t addr, uint64_t err)
{
	return -EFAULT;
}

static int sched_calls;
static struct trapframe *sched_last;

void
sched_trap_return(struct trapframe *tf)
{
	sched_calls++;
	sched_last = tf;
}

void
lapic_eoi(void)
{
}

void *
kstack_alloc(size_t size)
{
	return NULL;
}

/* cpu_prepare_ap (runtime/x86_64/cpu.c): no APs here. */
void *
kmalloc_aligned(size_t n, size_t align)
{
	return NULL;
}

/* trap.c's NMI hook (runtime/smp.c): no shootdowns on one CPU. */
bool
smp_nmi(struct trapframe *tf)
{
	return false;
}

/* trap.c's hang dump (runtime/debug.c): not part of this kernel. */
void
debug_nmi(struct trapframe *tf)
{
}

/* console.c's vmgo.onlcr (runtime/cmdline.c): this kernel never calls
 * console_configure, so there is no command line to look in. */
const char *
cmdline_vmgo(const struct cmdline *c, const char *key)
{
	return NULL;
}

int *__errno(void);
void *malloc(size_t n);

int *
__errno(void)
{
	static int e;

	return &e;
}

void *
malloc(size_t n)
{
	return NULL;
}

#define CHECK(e) do {							\
	if (!(e)) {							\
		kprintf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #e);	\
		failures++;						\
	}								\
} while (0)

static void
check_fmt(int line, const char *want, const char *fmt, ...)
{
	char buf[128];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (strcmp(buf, want) != 0 || n != (int)strlen(want)) {
		kprintf("FAIL kprintf line %d: \"%s\" gave \"%s\" (%d), want "
		    "\"%s\"\n", line, fmt, buf, n, want);
		failures++;
	}
}
#define FMT(want, ...) check_fmt(__LINE__, want, __VA_ARGS__)

static void
test_kprintf(void)
{
	char small[6];

	FMT("42", "%d", 42);
	FMT("-42", "%i", -42);
	FMT("  -42", "%5d", -42);
	FMT("-0042", "%05d", -42);
	FMT("-42  |", "%-5d|", -42);
	FMT("+7  7|-7", "%+d % d|% d", 7, 7, -7);
	FMT("-005", "%.3d", -5);
	FMT("", "%.0d", 0);
	FMT("4294967295", "%u", 0xffffffffu);
	FMT("18446744073709551615", "%lu", ~0UL);
	FMT("-9223372036854775808", "%lld", (long long)(-0x7fffffffffffffffLL - 1));
	FMT("ff FF 0xff 0XFF", "%x %X %#x %#X", 255, 255, 255, 255);
	FMT("0", "%#x", 0);
	FMT("17 017 0", "%o %#o %#o", 15, 15, 0);
	FMT("0x00ff", "%#06x", 255);
	FMT("x", "%c", 'x');
	FMT("  x|x  ", "%3c|%-3c", 'x', 'x');
	FMT("hello", "%s", "hello");
	FMT("  hi|hi  |he", "%4s|%-4s|%.2s", "hi", "hi", "hello");
	FMT("(null)", "%s", (char *)NULL);
	FMT("0x1000 0x0", "%p %p", (void *)0x1000, (void *)0);
	FMT("100%", "%d%%", 100);
	FMT("-1 255 65535", "%hhd %hhu %hu", -1, 255, 65535);
	FMT("123 456 789", "%zu %td %jd", (size_t)123, (ptrdiff_t)456,
	    (intmax_t)789);
	FMT("   7|7   ", "%*d|%-*d", 4, 7, 4, 7);
	FMT("abc", "%.*s", 3, "abcdef");
	FMT("%q", "%q");
	CHECK(ksnprintf(small, sizeof(small), "%s", "truncated") == 9);
	CHECK(strcmp(small, "trunc") == 0);
	CHECK(ksnprintf(NULL, 0, "%d", 12345) == 5);
}

/* Vector 0x40: records where it ran and edits the frame. */
static uint64_t irq_rsp, irq_vector;
static int irq_calls;

static void
irq_handler(struct trapframe *tf)
{
	__asm__ volatile("movq %%rsp, %0" : "=r"(irq_rsp));
	irq_vector = tf->vector;
	irq_calls++;
	tf->rax = 0x1234;		/* must come back in %rax */
}

static void
test_traps(void)
{
	uint64_t rax, r12 = 0x1111, r15 = 0x4444, top;

	trap_register(0x40, irq_handler);
	__asm__ volatile("movq $0, %%rax; int $0x40"
	    : "=a"(rax), "+r"(r12), "+r"(r15) :: "memory");
	CHECK(irq_calls == 1);
	CHECK(irq_vector == 0x40);
	CHECK(rax == 0x1234);
	CHECK(r12 == 0x1111 && r15 == 0x4444);
	CHECK(sched_calls == 1 && sched_last != NULL &&
	    sched_last->vector == 0x40);
	top = (uintptr_t)cpu_this()->ist[IST_IRQ];
	CHECK(irq_rsp < top && irq_rsp > top - IST_STACK_SIZE);
	/* Interrupts stay off in kmain; the gate must not have changed it. */
	CHECK((irq_save() & 0x200) == 0);
}

static uint8_t fpu_a[8192] __aligned(64), fpu_b[8192] __aligned(64);

static uint64_t
xmm0_get(void)
{
	uint64_t v;

	__asm__ volatile("movq %%xmm0, %0" : "=r"(v));
	return v;
}

static void
test_fpu(void)
{
	uint32_t mxcsr;

	CHECK(cpu_features.xsave_size >= 512 &&
	    cpu_features.xsave_size <= sizeof(fpu_a));
	__asm__ volatile("movq %0, %%xmm0" :: "r"(0x5a5a5a5a12345678ULL));
	cpu_fpu_save(fpu_b);
	cpu_fpu_init_area(fpu_a);
	cpu_fpu_restore(fpu_a);
	__asm__ volatile("stmxcsr %0" : "=m"(mxcsr));
	CHECK(xmm0_get() == 0);
	CHECK(mxcsr == 0x1f80);
	cpu_fpu_restore(fpu_b);
	CHECK(xmm0_get() == 0x5a5a5a5a12345678ULL);
}

static void
test_hello(struct bootinfo *bi)
{
	static const char *const types[] = { "?", "ram", "reserved", "acpi",
	    "nvs" };
	uint64_t ram = 0;
	uint32_t i;
	int image_in_ram = 0;
	extern char _end[];

	kprintf("loader %s, %u memory ranges, rsdp %#lx\n",
	    bi->loader == BOOT_LOADER_MULTIBOOT ? "multiboot" :
	    bi->loader == BOOT_LOADER_PVH ? "pvh" : "?", bi->nmem, bi->rsdp);
	for (i = 0; i < bi->nmem; i++) {
		const struct boot_mem *m = &bi->mem[i];

		kprintf("  mem %#014lx-%#014lx %s\n", m->addr,
		    m->addr + m->len, types[m->type < 5 ? m->type : 0]);
		if (m->type == BOOT_MEM_RAM) {
			ram += m->len;
			if (m->addr <= VMGO_LOAD_ADDR &&
			    m->addr + m->len >= (uintptr_t)_end)
				image_in_ram = 1;
		}
	}
	kprintf("ram %lu MiB\n", ram >> 20);
	kprintf("cmdline [%s]%s\n", bi->cmdline,
	    bi->cmdline_truncated ? " (truncated)" : "");
	kprintf("cpu %s: xsave %d avx %d avx512 %d rdrand %d fsgsbase %d "
	    "xcr0 %#lx xsave_size %u\n", cpu_features.vendor,
	    cpu_features.has_xsave, cpu_features.has_avx,
	    cpu_features.has_avx512, cpu_features.has_rdrand,
	    cpu_features.has_fsgsbase, cpu_features.xcr0,
	    cpu_features.xsave_size);
	CHECK(bi->nmem > 0);
	CHECK(image_in_ram);
	CHECK(bi->rsdp != 0);
	CHECK(cpu_this() == &cpus[0] && cpus[0].self == &cpus[0]);
	CHECK(__stack_chk_guard != 0 && (__stack_chk_guard & 0xff) == 0);
	test_kprintf();
	test_traps();
	test_fpu();
	if (failures == 0)
		kprintf("SUCCESS\n");
	platform_exit(failures == 0 ? 0 : 1);
}

/* Unmap page 0 (the boot tables map it) so that *(int *)0 faults. */
static void
unmap_page0(void)
{
	static uint64_t pt[512] __aligned(4096);
	uint64_t *pml4 = (uint64_t *)(read_cr3() & ~0xfffUL);
	uint64_t *pdpt = (uint64_t *)(pml4[0] & ~0xfffUL);
	uint64_t *pd = (uint64_t *)(pdpt[0] & ~0xfffUL);
	int i;

	for (i = 1; i < 512; i++)
		pt[i] = (uint64_t)i << 12 | 0x3;	/* present, writable */
	pd[0] = (uintptr_t)pt | 0x3;
	write_cr3(read_cr3());
}

static __attribute__((noinline)) void
smash(void)
{
	char buf[16];
	volatile char *p = buf;
	int i;

	for (i = 0; i < 40; i++)
		p[i] = 'A';
}

static int
word_is(const char *line, const char *word, const char **val)
{
	size_t n = strlen(word);
	const char *p;

	for (p = line; *p != '\0'; p++) {
		if ((p == line || p[-1] == ' ') && strncmp(p, word, n) == 0) {
			*val = p + n;
			return 1;
		}
	}
	return 0;
}

void
kmain(struct bootinfo *bi)
{
	const char *v;
	int n = 0;

	boot_info = bi;
	console_init();
	cpu_init_bsp();
	stack_protector_init();
	kprintf("vmgo boot test\n");
	if (word_is(bi->cmdline, "test=exit=", &v)) {
		for (n = 0; *v >= '0' && *v <= '9'; v++)
			n = n * 10 + (*v - '0');
		platform_exit(n);
	} else if (word_is(bi->cmdline, "test=poweroff", &v)) {
		platform_exit(5);
	} else if (word_is(bi->cmdline, "test=ud", &v)) {
		__asm__ volatile("ud2");
	} else if (word_is(bi->cmdline, "test=pf", &v)) {
		unmap_page0();
		n = *opaque(0);
	} else if (word_is(bi->cmdline, "test=gp", &v)) {
		n = *opaque(0x8000000000000000UL);	/* non-canonical */
	} else if (word_is(bi->cmdline, "test=bp", &v)) {
		__asm__ volatile("int3");
	} else if (word_is(bi->cmdline, "test=panic", &v)) {
		panic("test panic %d", 42);
	} else if (word_is(bi->cmdline, "test=ssp", &v)) {
		smash();
	} else {
		test_hello(bi);
	}
	kprintf("FAIL: test returned (%d)\n", n);
	platform_exit(1);
}

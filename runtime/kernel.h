/* SPDX-License-Identifier: ISC */
/*
 * kernel.h: the runtime's primary internal header.  Every cross-file
 * prototype of runtime/, fs/ and net/ is declared here or in one of the
 * per-area headers it includes, grouped by the file that defines it.
 *
 * Conventions (docs/STYLE.md): internal functions return 0 or -errno
 * (OpenBSD numbering, <errno.h> from include/libc); allocators return NULL
 * or 0; the libc edge converts with ret_errno().
 */
#ifndef VMGO_RUNTIME_KERNEL_H
#define VMGO_RUNTIME_KERNEL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>

#include <vmgo/abi.h>
#include <vmgo/bootinfo.h>

#define PAGE_SIZE	4096UL
#define PAGE_SHIFT	12
#define ALIGN_UP(x, a)	(((x) + ((a) - 1)) & ~((__typeof__(x))(a) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a) - 1))
#define ARRAY_LEN(a)	(sizeof(a) / sizeof((a)[0]))
#define MIN(a, b)	((a) < (b) ? (a) : (b))
#define MAX(a, b)	((a) > (b) ? (a) : (b))

#define __unused	__attribute__((unused))
#define __packed	__attribute__((packed))
#define __aligned(n)	__attribute__((aligned(n)))
#define __printflike(f, a) __attribute__((format(printf, f, a)))
#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)

#include "x86_64/cpu.h"
#include "spinlock.h"
#include "list.h"
#include "mm/mm.h"
#include "thread.h"
#include "../fs/fs.h"
#include "../fs/files.h"

/* main.c: boot sequence */
_Noreturn void	kmain(struct bootinfo *bi);
extern struct bootinfo *boot_info;
extern uint64_t boot_entry_tsc;	/* TSC at boot_main's entry (boot/boot.c) */

/* console.c: 16550 UART on COM1, the console for fds 0-2 and kprintf */
void	console_init(void);
/* Write n bytes; any context (takes the console lock with interrupts off). */
void	console_write(const char *s, size_t n);
/* One received byte, or -1 if none is waiting.  Any context. */
int	console_getc(void);
/* From now on console_write ignores its lock (panic paths).  Any context. */
void	console_panic(void);
struct cmdline;
/* vmgo.onlcr=0|1: "\n" -> "\r\n" on output (default 1); a bad value ends
 * the boot (EXIT_USAGE).  Once, from kmain. */
void	console_configure(const struct cmdline *c);

/* kprintf.c: formatted output without allocation or floating point.
 * Conversions: %d %i %u %x %X %o %c %s %p %%, flags '-' '0' ' ' '+' '#',
 * width and precision (also '*'), length modifiers hh h l ll z t j. */
int	kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int	ksnprintf(char *buf, size_t size, const char *fmt, ...) __printflike(3, 4);
void	kprintf(const char *fmt, ...) __printflike(1, 2);
void	kvprintf(const char *fmt, va_list ap);

/* panic.c: fatal errors in the runtime itself */
/* Print "vmgo: panic: MSG", the caller's backtrace, and exit VMGO_EXIT_PANIC. */
_Noreturn void	panic(const char *fmt, ...) __printflike(1, 2);
#define assert(e) ((e) ? (void)0 : \
	panic("assertion failed: %s (%s:%d)", #e, __FILE__, __LINE__))
/* Print rip, then the return addresses up the frame-pointer chain from rbp,
 * with function names; reads only mapped memory.  Any context. */
void	panic_backtrace(uintptr_t rip, uintptr_t rbp);
/* Print "PREFIX0x... function+0xoff" for pc (ret: a return address). */
void	panic_print_pc(const char *prefix, uintptr_t pc, bool ret);
/* rip and at most max callers from rbp's frame chain, a line each. */
void	backtrace_print(const char *prefix, uintptr_t rip, uintptr_t rbp,
	    int max);
/* Pick the stack-protector canary; once, from kmain after cpu_init_bsp. */
void	stack_protector_init(void);

/* ksym.c: function names from the image's .vmgo.ksyms (vmgo-link) */
/* The function containing pc (offset in *off), or NULL.  Lock-free, any
 * context. */
const char *ksym_lookup(uintptr_t pc, uintptr_t *off);

/* platform.c: leaving the VM */
/* End the VM with status (0-255) on every CPU.  Any context. */
_Noreturn void	platform_exit(int status);

/* cmdline.c: the boot command line "KEY=VALUE ... -- arg ..." */
struct cmdline {
	int	argc;		/* argv[0] is vmgo.argv0 or "app" */
	char	**argv;		/* argc entries, then NULL */
	int	envc;
	char	**envp;		/* envc entries, then NULL; follows argv's NULL */
	char	**vmgo;		/* "vmgo.*" keys, NULL-terminated (not in envp) */
	char	**block;	/* argv, NULL, envp, NULL contiguously (Go needs that) */
};
/*
 * Parse line into *out, using storage from alloc (kmalloc in the image, malloc
 * in host tests).  Words are separated by blanks; "..." groups and \ escapes
 * a character.  Before "--", a word with '=' is KEY=VALUE (vmgo.* keys go to
 * out->vmgo, others to the environment); a word without '=' is an argument.
 * After "--" every word is an argument.  Returns 0, -EINVAL on an unterminated
 * quote or empty key (*errmsg then says what was wrong), -ENOMEM.
 */
int	cmdline_parse(const char *line, struct cmdline *out,
	    void *(*alloc)(size_t), const char **errmsg);
/* The value of vmgo.KEY (key without the "vmgo." prefix), or NULL. */
const char *cmdline_vmgo(const struct cmdline *c, const char *key);
/*
 * boot_info->cmdline parsed once (kmalloc) on first use; later calls return
 * the same object.  NULL if the line does not parse.  Thread context.
 */
const struct cmdline *cmdline_boot(void);

/* thread.c: the all-threads list without its lock, for the NMI dump */
void	thread_foreach_unlocked(void (*fn)(struct thread *, void *), void *arg,
	    int max);

/* debug.c: debugging aids (docs/tools.md "Crash reports and hangs") */
/* Run the vmgo.crashtest / vmgo.protcheck command-line hooks; once, from
 * kmain, in thread context. */
void	debug_init(const struct cmdline *c);
/* NMI: print every CPU's interrupted state and every thread's.  NMI
 * context; returns to the interrupted code. */
void	debug_nmi(struct trapframe *tf);

/* fs/fd.c: the file descriptor table */
/* Set up the table with fds 0-2 on the console; once, from kmain. */
void	fd_init(void);

/* string.c: freestanding string and memory functions (also the libc ABI) */
void	*memcpy(void *restrict d, const void *restrict s, size_t n);
void	*memmove(void *d, const void *s, size_t n);
void	*memset(void *d, int c, size_t n);
int	memcmp(const void *a, const void *b, size_t n);
size_t	strlen(const char *s);
size_t	strnlen(const char *s, size_t max);
int	strcmp(const char *a, const char *b);
int	strncmp(const char *a, const char *b, size_t n);
char	*strchr(const char *s, int c);
char	*strrchr(const char *s, int c);
void	*memchr(const void *s, int c, size_t n);
char	*strcpy(char *restrict d, const char *restrict s);
char	*strncpy(char *restrict d, const char *restrict s, size_t n);
size_t	strlcpy(char *restrict d, const char *restrict s, size_t size);
char	*strdup(const char *s);

/* libc/errno.c: the libc edge */
/* r >= 0: return r.  r < 0: set the thread's errno to -r, return -1. */
long	ret_errno(long r);
/* Print "vmgo: NAME: not implemented (ENOSYS)" once per name; then set
 * errno to ENOSYS and return -1 (so "return enosys("x");" is a libc body). */
int	enosys(const char *name);

/* libc/entropy.c: random bytes (RDSEED/RDRAND, else TSC jitter + ChaCha20) */
/* Fill buf with n unpredictable bytes.  Never blocks; always 0.  Any
 * context except NMI. */
int	entropy_fill(void *buf, size_t n);
/* Mix n bytes from an entropy source (virtio-rng) into the pool the
 * fallback generator draws from.  Any context except NMI. */
void	entropy_add(const void *buf, size_t n);

/* libc/signal.c: dispositions, masks, alternate stacks, pending sets */
/*
 * Send sig (1..32) to thread t, or to the process when t is NULL.  SIG_IGN
 * and default-ignore signals are dropped; a default-terminate signal ends
 * the image with status 128+sig; a caught one is recorded pending (bit
 * sig-1 of t->sigpending or of the process set) for the delivery code.
 * 0 or -EINVAL.  Any context.
 */
int	signal_send(struct thread *t, int sig);
struct sigaction;
/* A pending signal t's mask lets through (its own, or the process's when
 * t has an alternate stack)?  No claim.  Any context. */
bool	signal_deliverable(const struct thread *t);
/*
 * Claim the next signal for t (the thread being resumed on this CPU):
 * lowest pending unblocked, t's own before the process's.  Dispositions
 * changed to ignore are dropped, to default-terminate end the image.
 * The signal with its disposition in *sa (SA_RESETHAND applied), or 0.
 * Interrupts off.
 */
int	signal_take(struct thread *t, struct sigaction *sa);
/* sig's disposition for a fault being delivered now (SA_RESETHAND
 * applied).  Any context. */
void	signal_action(int sig, struct sigaction *sa);

/* signal.c: running handlers (faults, pending signals, sigreturn) */
/* Route VEC_SIGRETURN/VEC_SIGNAL and set trap_signal_hook; once, from
 * kmain, before Go runs. */
void	signal_init(void);
/* trap_signal_hook: an unresolved exception in Go code becomes a signal
 * and *tf enters its handler (0), or -1 (fatal trap).  Exception IST,
 * interrupts off; an uncaught or blocked fault ends the image (128+sig). */
int	signal_fault(struct trapframe *tf);
/* End of every interrupt return (sched.c): deliver a pending signal into
 * *tf when it resumes Go code.  Interrupts off. */
void	signal_trap_return(struct trapframe *tf);
/* Run the caller's pending unblocked signals before returning (raise,
 * kill/thrkill to oneself, unblocking).  Thread context. */
void	signal_deliver_self(void);
/* rip is in the C runtime's code (boot, vmgo.o, lwIP), not Go's. */
bool	signal_in_runtime(uintptr_t rip);
/* The lowest-numbered signal in pending that mask does not block, or 0
 * (OpenBSD takes the lowest first too); SIGKILL (9) and SIGSTOP (17) are
 * never blocked.  Pure. */
static inline int
signal_pick(uint32_t pending, uint32_t mask)
{
	uint32_t d = pending & ~(mask & ~((1U << 8) | (1U << 16)));

	return d == 0 ? 0 : __builtin_ctz(d) + 1;
}
/* The mask a handler for sig runs with (old | sa_mask | sig unless
 * SA_NODEFER; never KILL/STOP).  Pure. */
uint32_t signal_handler_mask(uint32_t old, uint32_t sa_mask, int sa_flags,
	    int sig);

/* libc/itimer.c: setitimer/getitimer (REAL, VIRTUAL, PROF) */
/* Charge the time since the last call to the timers (VIRTUAL and PROF
 * only while c runs a thread other than idle; the thread about to stop
 * or be interrupted is c->cur) and post expirations: SIGALRM to the
 * process, SIGVTALRM/SIGPROF to c->cur.  Interrupts off. */
void	itimer_account(struct cpu *c, uint64_t now);
/* Monotonic ns of the next timer expiry if c->cur keeps running, 0 if
 * none; for the scheduler's one-shot timer.  Interrupts off. */
uint64_t itimer_next_deadline(struct cpu *c);

#endif

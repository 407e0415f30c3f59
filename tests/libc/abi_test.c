/* SPDX-License-Identifier: ISC */
/*
 * abi_test.c: the libc core (runtime/libc/, runtime/string.c,
 * runtime/cmdline.c) compiled exactly as for the image -- freestanding,
 * against vmgo's OpenBSD overlay headers -- and run as a static Linux
 * program.  Host unit tests (tests/unit) cannot do this: they compile
 * against the host's <signal.h>, whose layouts are Linux's.
 *
 * This file is the program's whole environment: _start, raw Linux system
 * calls, and stand-ins for the runtime services the code under test calls
 * (console, platform_exit, kmalloc, clocks, the per-CPU structure through
 * %gs, set with arch_prctl).  tests/libc/run.sh builds and runs it.
 *
 * Output: "ok NAME" / "FAIL NAME: line: expr" per case, exit status 1 if
 * anything failed.  "abi_test term" instead checks that a default-action
 * signal ends the program with 128+sig (run.sh expects 143).
 */
#define _BSD_SOURCE	1	/* POSIX and BSD names from musl's headers */

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysctl.h>
#include <sys/time.h>

#include "kernel.h"
#include "../../net/net.h"

/* entropy.c is included so the test can force its jitter fallback. */
#include "../../runtime/libc/entropy.c"

/* Linux x86-64 system call numbers and arch_prctl code. */
#define SYS_write	1
#define SYS_arch_prctl	158
#define SYS_exit_group	231
#define ARCH_SET_GS	0x1001

static long
sys3(long n, long a, long b, long c)
{
	long r;

	__asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c)
	    : "rcx", "r11", "memory");
	return r;
}

static void
out(const char *s)
{
	sys3(SYS_write, 1, (long)s, (long)strlen(s));
}

/* Stand-ins for the runtime services (prototypes in kernel.h). */

struct cpu cpus[MAX_CPUS];
unsigned int ncpus;
struct bootinfo *boot_info;
uintptr_t __stack_chk_guard = 0x2f8a1b7cd3e40a55UL;
static struct bootinfo test_bi = {
	.cmdline = "PATH=/bin vmgo.hostname=testbox -- a",
};
static struct thread test_thread;

/* Console output is captured so stdio can be checked. */
static char console_buf[4096];
static size_t console_len;
static bool console_passthrough;	/* write to fd 1 instead */

void
console_write(const char *s, size_t n)
{
	if (console_passthrough) {
		sys3(SYS_write, 1, (long)s, (long)n);
		return;
	}
	if (n > sizeof(console_buf) - console_len)
		n = sizeof(console_buf) - console_len;
	memcpy(console_buf + console_len, s, n);
	console_len += n;
}

/* No handlers run here (runtime/signal.c is not linked): raise and kill
 * leave caught signals pending, as test_kill expects. */
void
signal_deliver_self(void)
{
}

_Noreturn void
platform_exit(int status)
{
	for (;;)
		sys3(SYS_exit_group, status, 0, 0);
}

_Noreturn void
panic(const char *fmt, ...)
{
	out("panic: ");
	out(fmt);
	out("\n");
	platform_exit(99);
}

_Noreturn void __stack_chk_fail(void);
_Noreturn void
__stack_chk_fail(void)
{
	panic("stack smashed");
}

/* A bump heap: plenty for the test; kfree only checks its argument. */
static _Alignas(16) unsigned char heap[1 << 20];
static size_t heap_used;

void *
kmalloc(size_t n)
{
	void *p;

	n = ALIGN_UP(n + 16, 16);
	if (n > sizeof(heap) - heap_used)
		return NULL;
	p = heap + heap_used + 16;
	((size_t *)p)[-2] = n - 16;
	heap_used += n;
	return p;
}

void *
kzalloc(size_t n)
{
	void *p = kmalloc(n);

	if (p != NULL)
		memset(p, 0, n);
	return p;
}

void *
krealloc(void *p, size_t n)
{
	void *q = kmalloc(n);

	if (q != NULL && p != NULL)
		memcpy(q, p, MIN(n, ((size_t *)p)[-2]));
	return q;
}

void
kfree(void *p)
{
	if (p != NULL && ((unsigned char *)p < heap ||
	    (unsigned char *)p >= heap + sizeof(heap)))
		panic("kfree of a foreign pointer");
}

void *
malloc(size_t n)
{
	return kmalloc(n);
}

size_t
page_total_count(void)
{
	return 65536;
}

size_t
page_free_count(void)
{
	return 60000;
}

uint64_t
time_monotonic(void)
{
	return 1500000000ULL;		/* 1.5 s after boot */
}

/* net/route.c's interfaces (sysctl NET_RT_IFLIST): lo0 alone. */
int
net_if_list(struct net_ifinfo *ifs, int max)
{
	if (max >= 1) {
		memset(&ifs[0], 0, sizeof(ifs[0]));
		strcpy(ifs[0].name, "lo0");
		ifs[0].index = 1;
		ifs[0].flags = NET_IFF_UP | NET_IFF_LOOPBACK;
		ifs[0].type = NET_IFT_LOOP;
		ifs[0].mtu = 32768;
		ifs[0].naddr = 1;
		ifs[0].addrs[0].family = NET_AF_INET;
		memcpy(ifs[0].addrs[0].addr, "\x7f\0\0\x01", 4);
		memcpy(ifs[0].addrs[0].mask, "\xff\0\0\0", 4);
	}
	return 1;
}

int64_t
time_realtime(void)
{
	return 1700000001500000000LL;	/* so boot was at 1700000000 s */
}

/* The harness. */

static const char *cur_case;
static int case_failed, nfailed;

static void
check(int ok, int line, const char *expr)
{
	char buf[256];

	if (ok)
		return;
	snprintf(buf, sizeof(buf), "FAIL %s: line %d: %s\n", cur_case, line,
	    expr);
	out(buf);
	case_failed = 1;
}

#define EXPECT(e)	check((e) ? 1 : 0, __LINE__, #e)

static void
run(const char *name, void (*fn)(void))
{
	cur_case = name;
	case_failed = 0;
	fn();
	if (case_failed) {
		nfailed++;
	} else {
		out("ok ");
		out(name);
		out("\n");
	}
}

/* The cases. */

static void
test_errno(void)
{
	ncpus = 0;
	EXPECT(__errno() != &test_thread.err);
	*__errno() = 5;
	ncpus = 1;
	EXPECT(__errno() == &test_thread.err);
	errno = 0;
	EXPECT(ret_errno(-EAGAIN) == -1 && errno == EAGAIN);
	EXPECT(ret_errno(7) == 7);
	EXPECT(ret_errno((long)0xffff800000001000UL) ==
	    (long)0xffff800000001000UL);
	errno = 0;
	console_len = 0;
	EXPECT(enosys("frobnicate") == -1 && errno == ENOSYS);
	EXPECT(enosys("frobnicate") == -1);
	EXPECT(console_len == strlen("vmgo: frobnicate: not implemented (ENOSYS)\n"));
	EXPECT(memcmp(console_buf, "vmgo: frobnicate: not implemented (ENOSYS)\n",
	    console_len) == 0);
}

static void
test_sigaction(void)
{
	struct sigaction sa, old;
	int sig;

	for (sig = 1; sig < NSIG; sig++) {
		memset(&old, 0xa5, sizeof(old));
		EXPECT(sigaction(sig, NULL, &old) == 0);
		EXPECT(old.sa_handler == SIG_DFL);
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = (void (*)(int, siginfo_t *, void *))(uintptr_t)0x1234;
	sa.sa_mask = 0xffffffff;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART;
	for (sig = 1; sig < NSIG; sig++) {
		if (sig == SIGKILL || sig == SIGSTOP) {
			errno = 0;
			EXPECT(sigaction(sig, &sa, NULL) == -1 && errno == EINVAL);
			continue;
		}
		if (sig == SIGUSR2)
			continue;	/* stays SIG_DFL for test_kill */
		EXPECT(sigaction(sig, &sa, NULL) == 0);
	}
	EXPECT(sigaction(SIGSEGV, NULL, &old) == 0);
	EXPECT((uintptr_t)old.sa_sigaction == 0x1234);
	EXPECT(old.sa_flags == 0x43);
	EXPECT(old.sa_mask == (0xffffffffU & ~(sigmask(SIGKILL) | sigmask(SIGSTOP))));
	EXPECT(sigaction(0, NULL, &old) == -1 && errno == EINVAL);
	EXPECT(sigaction(NSIG, NULL, &old) == -1 && errno == EINVAL);
	EXPECT(sigaction(SIGKILL, NULL, &old) == 0);
}

static void
test_sigmask(void)
{
	sigset_t set, old;

	EXPECT(pthread_sigmask(SIG_SETMASK, NULL, &old) == 0 && old == 0);
	sigemptyset(&set);
	sigaddset(&set, SIGURG);
	sigaddset(&set, SIGKILL);
	EXPECT(pthread_sigmask(SIG_BLOCK, &set, NULL) == 0);
	EXPECT(test_thread.sigmask == sigmask(SIGURG));
	sigfillset(&set);
	EXPECT(set == 0xffffffff);
	EXPECT(pthread_sigmask(SIG_SETMASK, &set, &old) == 0);
	EXPECT(old == sigmask(SIGURG));
	EXPECT(test_thread.sigmask ==
	    (0xffffffffU & ~(sigmask(SIGKILL) | sigmask(SIGSTOP))));
	sigemptyset(&set);
	sigaddset(&set, SIGSEGV);
	EXPECT(pthread_sigmask(SIG_UNBLOCK, &set, NULL) == 0);
	EXPECT(sigismember(&test_thread.sigmask, SIGSEGV) == 0);
	EXPECT(sigismember(&test_thread.sigmask, SIGBUS) == 1);
	/* musl's SIG_BLOCK is 0: not a valid OpenBSD how. */
	EXPECT(pthread_sigmask(0, &set, NULL) == EINVAL);
	EXPECT(pthread_sigmask(0, NULL, &old) == 0);
	errno = 0;
	EXPECT(sigprocmask(7, &set, NULL) == -1 && errno == EINVAL);
	sigemptyset(&set);
	EXPECT(sigprocmask(SIG_SETMASK, &set, NULL) == 0);
	EXPECT(test_thread.sigmask == 0);

	EXPECT(sigaddset(&set, 0) == -1 && errno == EINVAL);
	EXPECT(sigaddset(&set, NSIG) == -1);
	EXPECT(sigaddset(&set, SIGTHR) == 0 && set == 0x80000000U);
	EXPECT(sigdelset(&set, SIGTHR) == 0 && set == 0);
	EXPECT(sigismember(&set, 40) == -1);
}

static _Alignas(16) char altstack[32768];
static stack_t alt_seen;

static void
on_altstack(void)
{
	sigaltstack(NULL, &alt_seen);
}

static void
test_sigaltstack(void)
{
	stack_t ss, old;

	memset(&old, 0xa5, sizeof(old));
	EXPECT(sigaltstack(NULL, &old) == 0);
	EXPECT(old.ss_flags == SS_DISABLE);

	ss.ss_sp = altstack;
	ss.ss_size = sizeof(altstack);
	ss.ss_flags = 0;
	EXPECT(sigaltstack(&ss, &old) == 0 && old.ss_flags == SS_DISABLE);
	EXPECT(sigaltstack(NULL, &old) == 0);
	EXPECT(old.ss_sp == altstack && old.ss_size == sizeof(altstack) &&
	    old.ss_flags == 0);

	/* Run on the alternate stack: the query must say SS_ONSTACK. */
	__asm__ volatile("movq %%rsp, %%rbx; movq %0, %%rsp; call *%1; "
	    "movq %%rbx, %%rsp"
	    : : "r"(altstack + sizeof(altstack) - 64), "r"(on_altstack)
	    : "rbx", "rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10",
	    "r11", "memory");
	EXPECT(alt_seen.ss_flags == SS_ONSTACK);

	ss.ss_size = MINSIGSTKSZ - 1;
	errno = 0;
	EXPECT(sigaltstack(&ss, NULL) == -1 && errno == ENOMEM);
	ss.ss_size = sizeof(altstack);
	ss.ss_flags = SS_ONSTACK;
	EXPECT(sigaltstack(&ss, NULL) == -1 && errno == EINVAL);
	ss.ss_flags = SS_DISABLE;
	EXPECT(sigaltstack(&ss, NULL) == 0);
	EXPECT(sigaltstack(NULL, &old) == 0 && old.ss_flags == SS_DISABLE);

	/* A zeroed thread (flags 0, no stack) counts as disabled. */
	test_thread.altstack_flags = 0;
	test_thread.altstack_sp = NULL;
	test_thread.altstack_size = 0;
	EXPECT(sigaltstack(NULL, &old) == 0 && old.ss_flags == SS_DISABLE);
}

static void
test_kill(void)
{
	sigset_t set;

	EXPECT(getpid() == 1);
	EXPECT(kill(1, 0) == 0);
	EXPECT(kill(0, 0) == 0);
	errno = 0;
	EXPECT(kill(2, 0) == -1 && errno == ESRCH);
	EXPECT(kill(1, -1) == -1 && errno == EINVAL);
	EXPECT(kill(1, NSIG) == -1 && errno == EINVAL);
	/* SIGUSR1 has a handler (test_sigaction): pending for the process. */
	EXPECT(kill(1, SIGUSR1) == 0);
	EXPECT(sigpending(&set) == 0 && set == sigmask(SIGUSR1));
	/* raise: pending on the thread. */
	EXPECT(raise(SIGINT) == 0);
	EXPECT(test_thread.sigpending == sigmask(SIGINT));
	EXPECT(sigpending(&set) == 0 &&
	    set == (sigmask(SIGUSR1) | sigmask(SIGINT)));
	/* Ignoring SIGUSR1 discards the pending process signal. */
	EXPECT(signal(SIGUSR1, SIG_IGN) != SIG_ERR);
	EXPECT(sigpending(&set) == 0 && set == sigmask(SIGINT));
	EXPECT(kill(1, SIGUSR1) == 0);
	/* SIGURG and SIGCHLD default to discard; SIGUSR1 is ignored. */
	EXPECT(signal(SIGURG, SIG_DFL) != SIG_ERR);
	EXPECT(signal(SIGCHLD, SIG_DFL) != SIG_ERR);
	EXPECT(kill(1, SIGURG) == 0);
	EXPECT(kill(1, SIGCHLD) == 0);
	EXPECT(sigpending(&set) == 0 && set == sigmask(SIGINT));
	EXPECT(signal_send(NULL, 0) == -EINVAL);
	test_thread.sigpending = 0;
}

static void
test_sysctl(void)
{
	int mib[6], v;
	int64_t v64;
	size_t len;
	char buf[64];
	static unsigned char rib[1024];
	struct timeval tv;

	mib[0] = CTL_HW;
	mib[1] = HW_NCPUONLINE;
	v = 0;
	len = sizeof(v);
	EXPECT(sysctl(mib, 2, &v, &len, NULL, 0) == 0 && v == 1 && len == 4);
	mib[1] = HW_NCPU;
	EXPECT(sysctl(mib, 2, &v, &len, NULL, 0) == 0 && v == 1);
	mib[1] = HW_PAGESIZE;
	EXPECT(sysctl(mib, 2, &v, &len, NULL, 0) == 0 && v == 4096);
	len = 2;
	errno = 0;
	EXPECT(sysctl(mib, 2, &v, &len, NULL, 0) == -1 && errno == ENOMEM);
	len = 0;
	EXPECT(sysctl(mib, 2, NULL, &len, NULL, 0) == 0 && len == 4);
	mib[1] = HW_PHYSMEM64;
	len = sizeof(v64);
	EXPECT(sysctl(mib, 2, &v64, &len, NULL, 0) == 0 &&
	    v64 == 65536LL * 4096 && len == 8);
	mib[1] = HW_MACHINE;
	len = sizeof(buf);
	EXPECT(sysctl(mib, 2, buf, &len, NULL, 0) == 0 &&
	    strcmp(buf, "amd64") == 0 && len == 6);
	mib[1] = 999;
	EXPECT(sysctl(mib, 2, buf, &len, NULL, 0) == -1 && errno == EOPNOTSUPP);

	/* kern.somaxconn as net.maxListenerBacklog reads it. */
	mib[0] = CTL_KERN;
	mib[1] = KERN_SOMAXCONN;
	len = 4;
	EXPECT(sysctl(mib, 2, &v, &len, NULL, 0) == 0 && len == 4 && v == 128);

	/* kern.hostname, the two-step way (syscall.Sysctl). */
	mib[1] = KERN_HOSTNAME;
	len = 0;
	EXPECT(sysctl(mib, 2, NULL, &len, NULL, 0) == 0 && len == 8);
	EXPECT(sysctl(mib, 2, buf, &len, NULL, 0) == 0 && len == 8 &&
	    strcmp(buf, "testbox") == 0);
	len = 5;
	EXPECT(sysctl(mib, 2, buf, &len, NULL, 0) == 0 && len == 5 &&
	    strcmp(buf, "test") == 0);
	len = 0;
	EXPECT(sysctl(mib, 2, buf, &len, NULL, 0) == -1 && errno == ENOMEM);
	len = sizeof(buf);
	EXPECT(sysctl(mib, 2, buf, &len, buf, 2) == -1 && errno == EPERM);

	mib[1] = KERN_BOOTTIME;
	len = sizeof(tv);
	EXPECT(sysctl(mib, 2, &tv, &len, NULL, 0) == 0 &&
	    tv.tv_sec == 1700000000 && tv.tv_usec == 0);
	mib[1] = KERN_OSTYPE;
	len = sizeof(buf);
	EXPECT(sysctl(mib, 2, buf, &len, NULL, 0) == 0 &&
	    strcmp(buf, "vmgo") == 0);

	EXPECT(sysctl(mib, 1, buf, &len, NULL, 0) == -1 && errno == EINVAL);
	EXPECT(sysctl(mib, 3, buf, &len, NULL, 0) == -1 && errno == ENOTDIR);
	EXPECT(sysctl(mib, 2, buf, NULL, NULL, 0) == -1 && errno == EFAULT);

	/* net.Interfaces: {CTL_NET, PF_ROUTE, 0, 0, NET_RT_IFLIST, 0} */
	mib[0] = CTL_NET;
	mib[1] = 17;
	mib[2] = 0;
	mib[3] = 0;
	mib[4] = NET_RT_IFLIST;
	mib[5] = 0;
	len = 0;
	EXPECT(sysctl(mib, 6, NULL, &len, NULL, 0) == 0 && len > 0 &&
	    len <= sizeof(rib));
	EXPECT(sysctl(mib, 6, rib, &len, NULL, 0) == 0 &&
	    rib[2] == 5 && rib[3] == 0xe);	/* RTM_VERSION, RTM_IFINFO */
	EXPECT(sysctl(mib, 6, rib, &len, rib, 1) == -1 && errno == EPERM);
	mib[0] = 42;
	EXPECT(sysctl(mib, 2, NULL, &len, NULL, 0) == -1 && errno == EOPNOTSUPP);
}

static void
test_process(void)
{
	struct rlimit rl;
	struct rusage ru;

	EXPECT(issetugid() == 0);
	EXPECT(getuid() == 0 && geteuid() == 0 && getgid() == 0 &&
	    getegid() == 0 && getppid() == 0);
	EXPECT(getrlimit(RLIMIT_NOFILE, &rl) == 0);
	EXPECT(rl.rlim_cur == rl.rlim_max && rl.rlim_cur >= 256);
	rl.rlim_cur = 100;
	EXPECT(setrlimit(RLIMIT_NOFILE, &rl) == 0);
	EXPECT(getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur == 100);
	rl.rlim_cur = rl.rlim_max + 1;
	EXPECT(setrlimit(RLIMIT_NOFILE, &rl) == -1 && errno == EINVAL);
	rl.rlim_cur = rl.rlim_max = 1 << 20;
	EXPECT(setrlimit(RLIMIT_NOFILE, &rl) == -1 && errno == EPERM);
	EXPECT(getrlimit(RLIM_NLIMITS, &rl) == -1 && errno == EINVAL);
	EXPECT(getrlimit(RLIMIT_CORE, &rl) == 0 && rl.rlim_max == 0);
	EXPECT(getrlimit(RLIMIT_CPU, &rl) == 0 &&
	    rl.rlim_cur == 0x7fffffffffffffffULL);

	memset(&ru, 0xa5, sizeof(ru));
	EXPECT(getrusage(RUSAGE_SELF, &ru) == 0);
	EXPECT(ru.ru_utime.tv_sec == 1 && ru.ru_utime.tv_usec == 500000);
	EXPECT(ru.ru_maxrss == 5536 * 4 && ru.ru_nivcsw == 0);
	EXPECT(getrusage(5, &ru) == -1 && errno == EINVAL);
	EXPECT(umask(077) == 022 && umask(022) == 077);
	EXPECT(setpriority(PRIO_PROCESS, 0, 5) == 0);
	EXPECT(getpriority(PRIO_PROCESS, 1) == 5);
	EXPECT(getpriority(PRIO_PROCESS, 2) == -1 && errno == ESRCH);
}

static void
test_stdio(void)
{
	char buf[16];
	char big[600];
	int n;

	console_len = 0;
	EXPECT(fprintf(stderr, "x=%d %s\n", 42, "ok") == 8);
	EXPECT(fputc('A', stdout) == 'A');
	EXPECT(fputs("bc", stderr) == 0);
	EXPECT(fwrite("defg", 2, 2, stdout) == 2);
	EXPECT(puts("h") == 0);
	EXPECT(console_len == 17 &&
	    memcmp(console_buf, "x=42 ok\nAbcdefgh\n", 17) == 0);

	n = snprintf(buf, sizeof(buf), "%s-%05d", "abcdefghij", 7);
	EXPECT(n == 16 && strlen(buf) == 15);

	/* Longer than vfprintf's stack buffer. */
	memset(big, 'z', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	console_len = 0;
	EXPECT(fprintf(stdout, "<%s>", big) == (int)sizeof(big) + 1);
	EXPECT(console_len == sizeof(big) + 1 && console_buf[0] == '<' &&
	    console_buf[sizeof(big)] == '>');

	console_len = 0;
	errno = EAGAIN;
	perror("op");
	EXPECT(console_len == strlen("op: Resource temporarily unavailable\n"));
	EXPECT(strcmp(strerror(EDEADLK), "Resource deadlock avoided") == 0);
	EXPECT(fileno(stderr) == 2 && fflush(NULL) == 0);
}

static void
test_entropy(void)
{
	unsigned char a[256], b[256], big[257];
	uint32_t r;
	int i, same;

	EXPECT(getentropy(a, sizeof(a)) == 0);
	EXPECT(getentropy(b, sizeof(b)) == 0);
	EXPECT(memcmp(a, b, sizeof(a)) != 0);
	errno = 0;
	EXPECT(getentropy(big, sizeof(big)) == -1 && errno == EIO);
	for (i = 0; i < 1000; i++) {
		r = arc4random_uniform(10);
		EXPECT(r < 10);
	}
	EXPECT(arc4random_uniform(1) == 0);

	/* Force the TSC-jitter fallback: a warning once, varying bytes. */
	hw = HW_NONE;
	console_len = 0;
	arc4random_buf(a, sizeof(a));
	arc4random_buf(b, sizeof(b));
	EXPECT(console_len > 0 &&
	    memcmp(console_buf, "vmgo: warning: the CPU has no", 29) == 0);
	for (i = same = 0; i < (int)sizeof(a); i++)
		same += a[i] == b[i];
	EXPECT(same < 16);
	hw = HW_UNKNOWN;
}

static void
test_env(void)
{
	EXPECT(getenv("PATH") != NULL && strcmp(getenv("PATH"), "/bin") == 0);
	EXPECT(getenv("vmgo.hostname") == NULL);
	EXPECT(setenv("X", "1", 1) == 0 && strcmp(getenv("X"), "1") == 0);
	EXPECT(unsetenv("X") == 0 && getenv("X") == NULL);
}

static void
test_string(void)
{
	char buf[32];

	strcpy(buf, "0123456789");
	memmove(buf + 2, buf, 8);
	EXPECT(memcmp(buf, "0101234567", 10) == 0);
	strcpy(buf, "0123456789");
	memmove(buf, buf + 2, 8);
	EXPECT(memcmp(buf, "2345678989", 10) == 0);
	memset(buf, 'x', 5);
	EXPECT(memcmp(buf, "xxxxx", 5) == 0);
	EXPECT(strnlen("abc", 2) == 2 && strlen("") == 0);
	EXPECT(strcmp("a", "b") < 0 && strcmp("\xff", "a") > 0);
	EXPECT(strncmp("abcd", "abce", 3) == 0);
	EXPECT(strchr("abc", 'c') != NULL && strchr("abc", 0) != NULL);
	EXPECT(strrchr("abca", 'a') != NULL && *(strrchr("abca", 'a') + 1) == 0);
	EXPECT(strlcpy(buf, "hello", 3) == 5 && strcmp(buf, "he") == 0);
	EXPECT(memchr("abc", 'b', 3) != NULL && memchr("abc", 'd', 3) == NULL);
}

void	test_main(long *sp);

void
test_main(long *sp)
{
	long argc = sp[0];
	char **argv = (char **)(sp + 1);

	boot_info = &test_bi;
	cpus[0].self = &cpus[0];
	cpus[0].cur = &test_thread;
	test_thread.altstack_flags = SS_DISABLE;
	if (sys3(SYS_arch_prctl, ARCH_SET_GS, (long)&cpus[0], 0) != 0) {
		out("arch_prctl(ARCH_SET_GS) failed\n");
		platform_exit(2);
	}
	ncpus = 1;

	if (argc > 1 && strcmp(argv[1], "term") == 0) {
		console_passthrough = true;
		kill(getpid(), SIGTERM);
		out("FAIL: SIGTERM with SIG_DFL did not end the program\n");
		platform_exit(1);
	}

	run("errno", test_errno);
	run("sigaction", test_sigaction);
	run("sigmask", test_sigmask);
	run("sigaltstack", test_sigaltstack);
	run("kill", test_kill);
	run("sysctl", test_sysctl);
	run("process", test_process);
	run("stdio", test_stdio);
	run("entropy", test_entropy);
	run("env", test_env);
	run("string", test_string);
	platform_exit(nfailed != 0);
}

__asm__(".globl _start\n"
	"_start:\n"
	"	xorl %ebp, %ebp\n"
	"	movq %rsp, %rdi\n"
	"	andq $-16, %rsp\n"
	"	call test_main\n"
	"	hlt\n");

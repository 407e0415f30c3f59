/* SPDX-License-Identifier: ISC */
/*
 * stdlib.c: process exit (exit, _exit, _Exit, abort, atexit), the C-side
 * environment (getenv, setenv, unsetenv, environ) and number parsing
 * (strtol family, atoi, atol).
 *
 * Go keeps its own copy of the environment (from the envp that follows
 * main's argv) and never calls getenv; runtime/cgo forwards os.Setenv and
 * os.Unsetenv here (x_cgo_setenv/x_cgo_unsetenv), so that C code sees the
 * same variables.  The store starts as a copy of the boot environment
 * (cmdline_boot()) on first use.
 */
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "kernel.h"

/* POSIX names musl hides from strict C11 code like ours. */
extern char **environ;
int	setenv(const char *name, const char *value, int overwrite);
int	unsetenv(const char *name);

/* exit(): atexit handlers, then the end of the VM. */

#define ATEXIT_MAX	32	/* POSIX requires at least 32 */

static void (*atexit_fns[ATEXIT_MAX])(void);
static int atexit_n;
static int exiting;
static struct spinlock atexit_lock;

/*
 * Register fn to run at exit(), last registered first.  Returns 0, or -1
 * (with ENOMEM) when ATEXIT_MAX handlers exist.  Thread context.
 */
int
atexit(void (*fn)(void))
{
	int r = 0;

	spin_lock(&atexit_lock);
	if (atexit_n < ATEXIT_MAX)
		atexit_fns[atexit_n++] = fn;
	else
		r = -1;
	spin_unlock(&atexit_lock);
	if (r != 0)
		errno = ENOMEM;
	return r;
}

/*
 * End the program, and with it the VM, with status & 0xff after running
 * the atexit handlers (stdio has no buffers to flush).  Go calls it from
 * any thread, possibly from a signal handler and while other threads run;
 * only the first caller runs the handlers, a concurrent or nested one
 * (a handler calling exit) ends the VM at once.  Never returns.
 */
_Noreturn void
exit(int status)
{
	void (*fn)(void);

	if (__atomic_exchange_n(&exiting, 1, __ATOMIC_ACQ_REL) == 0) {
		for (;;) {
			spin_lock(&atexit_lock);
			fn = atexit_n > 0 ? atexit_fns[--atexit_n] : NULL;
			spin_unlock(&atexit_lock);
			if (fn == NULL)
				break;
			fn();
		}
	}
	platform_exit(status & 0xff);
}

/* End the VM with status & 0xff, without atexit handlers.  Any context. */
_Noreturn void
_exit(int status)
{
	platform_exit(status & 0xff);
}

_Noreturn void
_Exit(int status)
{
	platform_exit(status & 0xff);
}

/*
 * Abnormal termination, as OpenBSD's abort(3): SIGABRT is raised first, so
 * the handler Go installed prints its traceback (and exits 2); if the
 * signal is ignored, blocked by a handler that returns, or has no handler,
 * the VM ends with status 128 + SIGABRT = 134, what a shell reports for a
 * process killed by SIGABRT.  runtime/cgo calls it after printing a fatal
 * message.  Never returns; thread context.
 */
_Noreturn void
abort(void)
{
	kprintf("vmgo: abort() called\n");
	(void)raise(SIGABRT);
	platform_exit(128 + SIGABRT);
}

/*
 * The environment store: env[0..env_n) are kmalloc'd "KEY=VALUE" strings,
 * env[env_n] is NULL; environ points at env.  env_lock guards all of it
 * (a plain spin lock: kmalloc is called under it, never from interrupts).
 */
static struct spinlock env_lock;
char **environ;
static char **env;
static size_t env_n, env_cap;
static bool env_ready;

/* Make room for one more entry plus the NULL.  0 or -ENOMEM.  env_lock. */
static int
env_reserve(void)
{
	char **n;
	size_t cap;

	if (env_n + 2 <= env_cap)
		return 0;
	cap = env_cap != 0 ? env_cap * 2 : 16;
	n = krealloc(env, cap * sizeof(char *));
	if (n == NULL)
		return -ENOMEM;
	env = n;
	env_cap = cap;
	environ = env;
	return 0;
}

/* Copy the boot environment in, once.  0 or -ENOMEM.  env_lock held. */
static int
env_init_locked(void)
{
	const struct cmdline *c;
	char **e;
	char *s;

	if (env_ready)
		return 0;
	if (env_reserve() != 0)
		return -ENOMEM;
	env[0] = NULL;
	c = cmdline_boot();
	for (e = c != NULL ? c->envp : NULL; e != NULL && *e != NULL; e++) {
		if (env_reserve() != 0 || (s = kmalloc(strlen(*e) + 1)) == NULL)
			return -ENOMEM;
		strcpy(s, *e);
		env[env_n++] = s;
		env[env_n] = NULL;
	}
	env_ready = true;
	return 0;
}

/* Index of the entry for name (namelen bytes), or -1.  env_lock held. */
static long
env_find(const char *name, size_t namelen)
{
	size_t i;

	for (i = 0; i < env_n; i++)
		if (strncmp(env[i], name, namelen) == 0 && env[i][namelen] == '=')
			return (long)i;
	return -1;
}

/* A valid variable name: not empty, no '='. */
static bool
env_name_ok(const char *name)
{
	return name != NULL && *name != '\0' && strchr(name, '=') == NULL;
}

/*
 * The value of variable name, or NULL.  The pointer stays valid until the
 * variable is next set or unset (POSIX).  Thread context.
 */
char *
getenv(const char *name)
{
	char *v = NULL;
	size_t len;
	long i;

	if (name == NULL || strchr(name, '=') != NULL)
		return NULL;
	len = strlen(name);
	spin_lock(&env_lock);
	if (env_init_locked() == 0 && (i = env_find(name, len)) >= 0)
		v = env[i] + len + 1;
	spin_unlock(&env_lock);
	return v;
}

/*
 * Set name to value; an existing variable changes only if overwrite is
 * non-zero.  Returns 0, or -1 with EINVAL (empty name or one with '=') or
 * ENOMEM.  Thread context.
 */
int
setenv(const char *name, const char *value, int overwrite)
{
	size_t nlen, vlen;
	char *s, *old = NULL;
	long i;
	int r = 0;

	if (!env_name_ok(name)) {
		errno = EINVAL;
		return -1;
	}
	if (value == NULL)
		value = "";
	nlen = strlen(name);
	vlen = strlen(value);
	s = kmalloc(nlen + 1 + vlen + 1);
	if (s == NULL) {
		errno = ENOMEM;
		return -1;
	}
	memcpy(s, name, nlen);
	s[nlen] = '=';
	memcpy(s + nlen + 1, value, vlen + 1);

	spin_lock(&env_lock);
	if ((r = env_init_locked()) == 0) {
		if ((i = env_find(name, nlen)) >= 0) {
			if (overwrite) {
				old = env[i];
				env[i] = s;
			} else {
				old = s;
			}
		} else if ((r = env_reserve()) == 0) {
			env[env_n++] = s;
			env[env_n] = NULL;
		}
	}
	spin_unlock(&env_lock);
	if (r != 0) {
		kfree(s);
		errno = -r;
		return -1;
	}
	kfree(old);
	return 0;
}

/*
 * Remove every definition of name.  Returns 0 (also when it was not set),
 * or -1 with EINVAL for an empty name or one with '=', ENOMEM if the boot
 * environment could not be copied in.  Thread context.
 */
int
unsetenv(const char *name)
{
	size_t nlen;
	long i;
	int r;

	if (!env_name_ok(name)) {
		errno = EINVAL;
		return -1;
	}
	nlen = strlen(name);
	spin_lock(&env_lock);
	r = env_init_locked();
	while (r == 0 && (i = env_find(name, nlen)) >= 0) {
		char *old = env[i];

		memmove(&env[i], &env[i + 1], (env_n - (size_t)i) * sizeof(char *));
		env_n--;
		spin_unlock(&env_lock);
		kfree(old);
		spin_lock(&env_lock);
	}
	spin_unlock(&env_lock);
	if (r != 0) {
		errno = -r;
		return -1;
	}
	return 0;
}

/* Number parsing. */

static int
digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return 99;
}

static bool
is_space(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/*
 * The common part of the strto* functions: parse an optionally signed
 * magnitude in base (0: by prefix, 0x/0X hex, 0 octal, else decimal).
 * *neg gets the sign, *over whether the magnitude exceeded ULLONG_MAX
 * (the result is then ULLONG_MAX).  *end (if end) points past the last
 * digit used, or to s when there was no number.  Returns the magnitude,
 * or 0 with errno EINVAL for a bad base.
 */
static unsigned long long
parse_magnitude(const char *s, char **end, int base, bool *neg, bool *over)
{
	const char *p = s, *digits;
	unsigned long long v = 0;
	int d;

	*neg = false;
	*over = false;
	if (base < 0 || base == 1 || base > 36) {
		errno = EINVAL;
		if (end != NULL)
			*end = (char *)(uintptr_t)s;
		return 0;
	}
	while (is_space(*p))
		p++;
	if (*p == '+' || *p == '-')
		*neg = *p++ == '-';
	if ((base == 0 || base == 16) && p[0] == '0' &&
	    (p[1] == 'x' || p[1] == 'X') && digit_value(p[2]) < 16) {
		p += 2;
		base = 16;
	} else if (base == 0) {
		base = p[0] == '0' ? 8 : 10;
	}
	digits = p;
	for (; (d = digit_value(*p)) < base; p++) {
		if (v > (ULLONG_MAX - (unsigned long long)d) / (unsigned)base)
			*over = true;
		else
			v = v * (unsigned)base + (unsigned)d;
	}
	if (end != NULL)
		*end = (char *)(uintptr_t)(p != digits ? p : s);
	return *over ? ULLONG_MAX : v;
}

/*
 * ISO C strtoull: out-of-range values give ULLONG_MAX with ERANGE; a
 * leading '-' negates the result in unsigned arithmetic.
 */
unsigned long long
strtoull(const char *restrict s, char **restrict end, int base)
{
	bool neg, over;
	unsigned long long v = parse_magnitude(s, end, base, &neg, &over);

	if (over) {
		errno = ERANGE;
		return ULLONG_MAX;
	}
	return neg ? -v : v;
}

/* ISO C strtoll: clamps to LLONG_MIN/LLONG_MAX with ERANGE. */
long long
strtoll(const char *restrict s, char **restrict end, int base)
{
	bool neg, over;
	unsigned long long v = parse_magnitude(s, end, base, &neg, &over);
	unsigned long long lim = neg ? (unsigned long long)LLONG_MAX + 1 :
	    (unsigned long long)LLONG_MAX;

	if (over || v > lim) {
		errno = ERANGE;
		return neg ? LLONG_MIN : LLONG_MAX;
	}
	return neg ? (long long)(0 - v) : (long long)v;
}

/* long is 64 bits on amd64: the long long versions. */
unsigned long
strtoul(const char *restrict s, char **restrict end, int base)
{
	return strtoull(s, end, base);
}

long
strtol(const char *restrict s, char **restrict end, int base)
{
	return strtoll(s, end, base);
}

int
atoi(const char *s)
{
	return (int)strtol(s, NULL, 10);
}

long
atol(const char *s)
{
	return strtol(s, NULL, 10);
}

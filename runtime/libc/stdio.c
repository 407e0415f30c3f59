/* SPDX-License-Identifier: ISC */
/*
 * stdio.c: the output half of stdio that runtime/cgo and small C helpers
 * use: stdout/stderr, fprintf and friends, snprintf.  Callers in the image
 * (runtime/cgo's fatalf, x_cgo_init's stack check) print fatal diagnostics
 * only, so the streams are unbuffered and write straight to the console:
 * that works before the fd table exists and whatever a program did to fds
 * 1 and 2.  There is no input side (no stdin, fgets, scanf).
 *
 * Formatting is kvsnprintf's (kernel.h): integers, strings, pointers; no
 * floating point (the runtime is built without SSE), so %f and friends are
 * not supported.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "kernel.h"

/*
 * musl's <stdio.h> leaves FILE (struct _IO_FILE) incomplete for C11 code;
 * C callers only ever hold pointers to it.
 */
struct _IO_FILE {
	int	fd;
};

static FILE stdout_file = { .fd = 1 };
static FILE stderr_file = { .fd = 2 };
FILE *const stdout = &stdout_file;
FILE *const stderr = &stderr_file;

/* Bytes vfprintf formats on the stack before it needs kmalloc. */
#define STDIO_STACK_BUF	256

static int
stream_ok(FILE *f)
{
	return f == stdout || f == stderr;
}

/* Write n bytes to f; every stream in the image is the console. */
static void
stream_write(FILE *f, const void *p, size_t n)
{
	(void)f;
	console_write(p, n);
}

/*
 * Format into buf[size] like C99 vsnprintf: returns the length the full
 * output needs; buf gets at most size-1 bytes and a NUL (size > 0).  Any
 * context.
 */
int
vsnprintf(char *restrict buf, size_t size, const char *restrict fmt,
    va_list ap)
{
	return kvsnprintf(buf, size, fmt, ap);
}

int
snprintf(char *restrict buf, size_t size, const char *restrict fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

/* Unbounded: the caller promises that buf is big enough. */
int
vsprintf(char *restrict buf, const char *restrict fmt, va_list ap)
{
	return kvsnprintf(buf, INT_MAX, fmt, ap);
}

int
sprintf(char *restrict buf, const char *restrict fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvsnprintf(buf, INT_MAX, fmt, ap);
	va_end(ap);
	return n;
}

/*
 * Format and write to f as one console write (lines of different threads
 * do not interleave).  Output longer than STDIO_STACK_BUF is formatted into
 * a kmalloc buffer; if that fails, the first STDIO_STACK_BUF-1 bytes are
 * written.  Returns the number of bytes written, or -1 with EBADF for a
 * stream that is not stdout/stderr.  Thread context.
 */
int
vfprintf(FILE *restrict f, const char *restrict fmt, va_list ap)
{
	char sbuf[STDIO_STACK_BUF], *buf = sbuf;
	va_list ap2;
	int n;

	if (!stream_ok(f)) {
		errno = EBADF;
		return -1;
	}
	va_copy(ap2, ap);
	n = kvsnprintf(sbuf, sizeof(sbuf), fmt, ap);
	if (n < 0) {
		va_end(ap2);
		return n;
	}
	if ((size_t)n >= sizeof(sbuf)) {
		buf = kmalloc((size_t)n + 1);
		if (buf != NULL) {
			kvsnprintf(buf, (size_t)n + 1, fmt, ap2);
		} else {
			buf = sbuf;
			n = sizeof(sbuf) - 1;
		}
	}
	va_end(ap2);
	stream_write(f, buf, (size_t)n);
	if (buf != sbuf)
		kfree(buf);
	return n;
}

int
fprintf(FILE *restrict f, const char *restrict fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vfprintf(f, fmt, ap);
	va_end(ap);
	return n;
}

int
vprintf(const char *restrict fmt, va_list ap)
{
	return vfprintf(stdout, fmt, ap);
}

int
printf(const char *restrict fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vfprintf(stdout, fmt, ap);
	va_end(ap);
	return n;
}

/* Write (unsigned char)c.  Returns it, or EOF with EBADF. */
int
fputc(int c, FILE *f)
{
	unsigned char b = (unsigned char)c;

	if (!stream_ok(f)) {
		errno = EBADF;
		return EOF;
	}
	stream_write(f, &b, 1);
	return b;
}

int
putc(int c, FILE *f)
{
	return fputc(c, f);
}

int
putchar(int c)
{
	return fputc(c, stdout);
}

/* Write s without its NUL.  Returns 0, or EOF with EBADF. */
int
fputs(const char *restrict s, FILE *restrict f)
{
	if (!stream_ok(f)) {
		errno = EBADF;
		return EOF;
	}
	stream_write(f, s, strlen(s));
	return 0;
}

/* Write s and a newline to stdout.  Returns 0. */
int
puts(const char *s)
{
	size_t n = strlen(s);
	char sbuf[STDIO_STACK_BUF];

	/* One write when it fits, so the line stays whole. */
	if (n < sizeof(sbuf)) {
		memcpy(sbuf, s, n);
		sbuf[n] = '\n';
		stream_write(stdout, sbuf, n + 1);
	} else {
		stream_write(stdout, s, n);
		stream_write(stdout, "\n", 1);
	}
	return 0;
}

/*
 * Write n items of size bytes.  Returns n (everything is written), 0 for an
 * empty request, or 0 with EBADF/EOVERFLOW.
 */
size_t
fwrite(const void *restrict p, size_t size, size_t n, FILE *restrict f)
{
	if (!stream_ok(f)) {
		errno = EBADF;
		return 0;
	}
	if (size == 0 || n == 0)
		return 0;
	if (n > SIZE_MAX / size) {
		errno = EOVERFLOW;
		return 0;
	}
	stream_write(f, p, size * n);
	return n;
}

/* Nothing is buffered: 0 for NULL (all streams) and for stdout/stderr. */
int
fflush(FILE *f)
{
	if (f != NULL && !stream_ok(f)) {
		errno = EBADF;
		return EOF;
	}
	return 0;
}

/* POSIX; musl declares it only for POSIX builds. */
int	fileno(FILE *f);

/* The fd behind f, or -1 with EBADF. */
int
fileno(FILE *f)
{
	if (!stream_ok(f)) {
		errno = EBADF;
		return -1;
	}
	return f->fd;
}

/* "s: strerror(errno)\n" on stderr ("strerror(errno)\n" if s is NULL or ""). */
void
perror(const char *s)
{
	int e = errno;

	if (s != NULL && *s != '\0')
		fprintf(stderr, "%s: %s\n", s, strerror(e));
	else
		fprintf(stderr, "%s\n", strerror(e));
	errno = e;
}

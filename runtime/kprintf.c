/* SPDX-License-Identifier: ISC */
/*
 * kprintf.c: printf-style formatting without allocation or floating point,
 * into a buffer (ksnprintf) or onto the console (kprintf).  The supported
 * subset is listed in kernel.h; an unknown conversion is printed as is.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel.h"

#define F_MINUS	0x01	/* left-justify */
#define F_ZERO	0x02	/* pad numbers with zeros */
#define F_SPACE	0x04	/* ' ' before non-negative signed numbers */
#define F_PLUS	0x08	/* '+' before non-negative signed numbers */
#define F_ALT	0x10	/* '#': 0x prefix for %x, leading 0 for %o */

struct out {
	char	*buf;
	size_t	cap;		/* bytes buf may hold (snprintf: size - 1) */
	size_t	pos;		/* bytes in buf */
	size_t	total;		/* bytes produced so far */
	int	console;	/* write buf to the console when full */
};

struct spec {
	int	flags;
	int	width;
	int	prec;		/* -1: none given */
};

static void
put(struct out *o, char c)
{
	if (o->pos == o->cap && o->console) {
		console_write(o->buf, o->pos);
		o->pos = 0;
	}
	if (o->pos < o->cap)
		o->buf[o->pos++] = c;
	o->total++;
}

static void
pad(struct out *o, char c, int n)
{
	while (n-- > 0)
		put(o, c);
}

static void
put_str(struct out *o, const char *s, const struct spec *sp)
{
	int n = 0;

	if (s == NULL)
		s = "(null)";
	while (s[n] != '\0' && (sp->prec < 0 || n < sp->prec))
		n++;
	if (!(sp->flags & F_MINUS))
		pad(o, ' ', sp->width - n);
	for (int i = 0; i < n; i++)
		put(o, s[i]);
	if (sp->flags & F_MINUS)
		pad(o, ' ', sp->width - n);
}

/* v's magnitude in base; neg says a '-' belongs in front. */
static void
put_num(struct out *o, uint64_t v, int neg, unsigned int base, int upper,
    const struct spec *sp, int is_signed)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24], prefix[3];
	int nd = 0, np = 0, zeros, len;

	while (v != 0) {
		tmp[nd++] = digits[v % base];
		v /= base;
	}
	if (is_signed) {
		if (neg)
			prefix[np++] = '-';
		else if (sp->flags & F_PLUS)
			prefix[np++] = '+';
		else if (sp->flags & F_SPACE)
			prefix[np++] = ' ';
	}
	if ((sp->flags & F_ALT) && base == 16 && nd > 0) {
		prefix[np++] = '0';
		prefix[np++] = upper ? 'X' : 'x';
	}
	/* Digits shown: at least prec (default 1; ".0" prints 0 as nothing). */
	zeros = (sp->prec < 0 ? 1 : sp->prec) - nd;
	if (zeros < 0)
		zeros = 0;
	if ((sp->flags & F_ALT) && base == 8 && zeros == 0 &&
	    (nd == 0 || tmp[nd - 1] != '0'))
		zeros = 1;
	len = np + zeros + nd;
	if ((sp->flags & (F_ZERO | F_MINUS)) == F_ZERO && sp->prec < 0 &&
	    sp->width > len) {
		zeros += sp->width - len;
		len = sp->width;
	}
	if (!(sp->flags & F_MINUS))
		pad(o, ' ', sp->width - len);
	for (int i = 0; i < np; i++)
		put(o, prefix[i]);
	pad(o, '0', zeros);
	while (nd > 0)
		put(o, tmp[--nd]);
	if (sp->flags & F_MINUS)
		pad(o, ' ', sp->width - len);
}

static void
format(struct out *o, const char *fmt, va_list ap)
{
	struct spec sp;
	int lng;	/* 0 int, 1 long, 2 long long, -1 short, -2 char */
	int64_t sv;
	uint64_t uv;
	char c;

	for (; *fmt != '\0'; fmt++) {
		if (*fmt != '%') {
			put(o, *fmt);
			continue;
		}
		sp.flags = 0;
		sp.width = 0;
		sp.prec = -1;
		for (;; fmt++) {
			if (fmt[1] == '-')
				sp.flags |= F_MINUS;
			else if (fmt[1] == '0')
				sp.flags |= F_ZERO;
			else if (fmt[1] == ' ')
				sp.flags |= F_SPACE;
			else if (fmt[1] == '+')
				sp.flags |= F_PLUS;
			else if (fmt[1] == '#')
				sp.flags |= F_ALT;
			else
				break;
		}
		fmt++;
		if (*fmt == '*') {
			sp.width = va_arg(ap, int);
			if (sp.width < 0) {
				sp.flags |= F_MINUS;
				sp.width = -sp.width;
			}
			fmt++;
		} else {
			while (*fmt >= '0' && *fmt <= '9')
				sp.width = sp.width * 10 + (*fmt++ - '0');
		}
		if (*fmt == '.') {
			fmt++;
			sp.prec = 0;
			if (*fmt == '*') {
				sp.prec = va_arg(ap, int);
				if (sp.prec < 0)
					sp.prec = -1;
				fmt++;
			} else {
				while (*fmt >= '0' && *fmt <= '9')
					sp.prec = sp.prec * 10 + (*fmt++ - '0');
			}
		}
		lng = 0;
		switch (*fmt) {
		case 'h':
			lng = -1;
			if (fmt[1] == 'h') {
				lng = -2;
				fmt++;
			}
			fmt++;
			break;
		case 'l':
			lng = 1;
			if (fmt[1] == 'l') {
				lng = 2;
				fmt++;
			}
			fmt++;
			break;
		case 'z':	/* size_t, ptrdiff_t, intmax_t: all 64-bit */
		case 't':
		case 'j':
			lng = 2;
			fmt++;
			break;
		}
		switch (c = *fmt) {
		case 'd':
		case 'i':
			if (lng >= 1)
				sv = va_arg(ap, long long);
			else
				sv = va_arg(ap, int);
			if (lng == -1)
				sv = (short)sv;
			else if (lng == -2)
				sv = (signed char)sv;
			uv = sv < 0 ? -(uint64_t)sv : (uint64_t)sv;
			put_num(o, uv, sv < 0, 10, 0, &sp, 1);
			break;
		case 'u':
		case 'x':
		case 'X':
		case 'o':
			if (lng >= 1)
				uv = va_arg(ap, unsigned long long);
			else
				uv = va_arg(ap, unsigned int);
			if (lng == -1)
				uv = (unsigned short)uv;
			else if (lng == -2)
				uv = (unsigned char)uv;
			put_num(o, uv, 0, c == 'u' ? 10 : c == 'o' ? 8 : 16,
			    c == 'X', &sp, 0);
			break;
		case 'p':
			uv = (uintptr_t)va_arg(ap, void *);
			sp.flags |= F_ALT;
			if (uv == 0) {	/* "0x0", not glibc's "(nil)" */
				put_str(o, "0x0", &(struct spec){ sp.flags,
				    sp.width, -1 });
				break;
			}
			put_num(o, uv, 0, 16, 0, &sp, 0);
			break;
		case 'c':
			sp.prec = -1;
			if (!(sp.flags & F_MINUS))
				pad(o, ' ', sp.width - 1);
			put(o, (char)va_arg(ap, int));
			if (sp.flags & F_MINUS)
				pad(o, ' ', sp.width - 1);
			break;
		case 's':
			put_str(o, va_arg(ap, const char *), &sp);
			break;
		case '%':
			put(o, '%');
			break;
		case '\0':	/* "%" at the end: print it, stop */
			put(o, '%');
			return;
		default:
			put(o, '%');
			put(o, c);
			break;
		}
	}
}

/*
 * C99 vsnprintf: at most size - 1 bytes and a NUL into buf; returns the
 * length the whole output would have.  Any context; no allocation.
 */
int
kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size > 0 ? size - 1 : 0, 0, 0, 0 };

	format(&o, fmt, ap);
	if (size > 0)
		buf[o.pos] = '\0';
	return o.total > 0x7fffffff ? 0x7fffffff : (int)o.total;
}

/* As kvsnprintf.  Any context. */
int
ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

/*
 * Format onto the console in chunks of up to 256 bytes (a longer message
 * may interleave with another CPU's).  Any context; uses ~400 bytes of
 * stack.
 */
void
kvprintf(const char *fmt, va_list ap)
{
	char buf[256];
	struct out o = { buf, sizeof(buf), 0, 0, 1 };

	format(&o, fmt, ap);
	if (o.pos > 0)
		console_write(buf, o.pos);
}

/* As kvprintf.  Any context. */
void
kprintf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
}

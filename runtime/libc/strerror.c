/* SPDX-License-Identifier: ISC */
/*
 * strerror.c: error texts for OpenBSD errno numbers, as OpenBSD's libc
 * words them (lib/libc/gen/errlist.c; Go's syscall/zerrors_openbsd_amd64.go
 * has the same table in lower case).  A file of its own so that host tests
 * can check it without the rest of stdio.
 *
 * The table is indexed by literal numbers, not by the E* names: the host
 * tests compile this file against the host's <errno.h>, whose numbers are
 * Linux's.  The names in the comments are include/libc/errno.h's.
 */
#include <string.h>

#include "kernel.h"

static const char *const errlist[] = {
	[0] = "Undefined error: 0",
	[1] = "Operation not permitted",		/* EPERM */
	[2] = "No such file or directory",	/* ENOENT */
	[3] = "No such process",			/* ESRCH */
	[4] = "Interrupted system call",		/* EINTR */
	[5] = "Input/output error",		/* EIO */
	[6] = "Device not configured",		/* ENXIO */
	[7] = "Argument list too long",		/* E2BIG */
	[8] = "Exec format error",		/* ENOEXEC */
	[9] = "Bad file descriptor",		/* EBADF */
	[10] = "No child processes",		/* ECHILD */
	[11] = "Resource deadlock avoided",	/* EDEADLK */
	[12] = "Cannot allocate memory",		/* ENOMEM */
	[13] = "Permission denied",		/* EACCES */
	[14] = "Bad address",			/* EFAULT */
	[15] = "Block device required",		/* ENOTBLK */
	[16] = "Device busy",			/* EBUSY */
	[17] = "File exists",			/* EEXIST */
	[18] = "Cross-device link",		/* EXDEV */
	[19] = "Operation not supported by device",	/* ENODEV */
	[20] = "Not a directory",		/* ENOTDIR */
	[21] = "Is a directory",			/* EISDIR */
	[22] = "Invalid argument",		/* EINVAL */
	[23] = "Too many open files in system",	/* ENFILE */
	[24] = "Too many open files",		/* EMFILE */
	[25] = "Inappropriate ioctl for device",	/* ENOTTY */
	[26] = "Text file busy",			/* ETXTBSY */
	[27] = "File too large",			/* EFBIG */
	[28] = "No space left on device",	/* ENOSPC */
	[29] = "Illegal seek",			/* ESPIPE */
	[30] = "Read-only file system",		/* EROFS */
	[31] = "Too many links",			/* EMLINK */
	[32] = "Broken pipe",			/* EPIPE */
	[33] = "Numerical argument out of domain",	/* EDOM */
	[34] = "Result too large",		/* ERANGE */
	[35] = "Resource temporarily unavailable",	/* EAGAIN */
	[36] = "Operation now in progress",	/* EINPROGRESS */
	[37] = "Operation already in progress",	/* EALREADY */
	[38] = "Socket operation on non-socket",	/* ENOTSOCK */
	[39] = "Destination address required",	/* EDESTADDRREQ */
	[40] = "Message too long",		/* EMSGSIZE */
	[41] = "Protocol wrong type for socket",	/* EPROTOTYPE */
	[42] = "Protocol not available",		/* ENOPROTOOPT */
	[43] = "Protocol not supported",		/* EPROTONOSUPPORT */
	[44] = "Socket type not supported",	/* ESOCKTNOSUPPORT */
	[45] = "Operation not supported",	/* EOPNOTSUPP */
	[46] = "Protocol family not supported",	/* EPFNOSUPPORT */
	[47] = "Address family not supported by protocol family",	/* EAFNOSUPPORT */
	[48] = "Address already in use",		/* EADDRINUSE */
	[49] = "Can't assign requested address",	/* EADDRNOTAVAIL */
	[50] = "Network is down",		/* ENETDOWN */
	[51] = "Network is unreachable",		/* ENETUNREACH */
	[52] = "Network dropped connection on reset",	/* ENETRESET */
	[53] = "Software caused connection abort",	/* ECONNABORTED */
	[54] = "Connection reset by peer",	/* ECONNRESET */
	[55] = "No buffer space available",	/* ENOBUFS */
	[56] = "Socket is already connected",	/* EISCONN */
	[57] = "Socket is not connected",	/* ENOTCONN */
	[58] = "Can't send after socket shutdown",	/* ESHUTDOWN */
	[59] = "Too many references: can't splice",	/* ETOOMANYREFS */
	[60] = "Operation timed out",		/* ETIMEDOUT */
	[61] = "Connection refused",		/* ECONNREFUSED */
	[62] = "Too many levels of symbolic links",	/* ELOOP */
	[63] = "File name too long",		/* ENAMETOOLONG */
	[64] = "Host is down",			/* EHOSTDOWN */
	[65] = "No route to host",		/* EHOSTUNREACH */
	[66] = "Directory not empty",		/* ENOTEMPTY */
	[67] = "Too many processes",		/* EPROCLIM */
	[68] = "Too many users",			/* EUSERS */
	[69] = "Disk quota exceeded",		/* EDQUOT */
	[70] = "Stale NFS file handle",		/* ESTALE */
	[71] = "Too many levels of remote in path",	/* EREMOTE */
	[72] = "RPC struct is bad",		/* EBADRPC */
	[73] = "RPC version wrong",		/* ERPCMISMATCH */
	[74] = "RPC program not available",	/* EPROGUNAVAIL */
	[75] = "Program version wrong",		/* EPROGMISMATCH */
	[76] = "Bad procedure for program",	/* EPROCUNAVAIL */
	[77] = "No locks available",		/* ENOLCK */
	[78] = "Function not implemented",	/* ENOSYS */
	[79] = "Inappropriate file type or format",	/* EFTYPE */
	[80] = "Authentication error",		/* EAUTH */
	[81] = "Need authenticator",		/* ENEEDAUTH */
	[82] = "IPsec processing failure",	/* EIPSEC */
	[83] = "Attribute not found",		/* ENOATTR */
	[84] = "Illegal byte sequence",		/* EILSEQ */
	[85] = "No medium found",		/* ENOMEDIUM */
	[86] = "Wrong medium type",		/* EMEDIUMTYPE */
	[87] = "Value too large to be stored in data type",	/* EOVERFLOW */
	[88] = "Operation canceled",		/* ECANCELED */
	[89] = "Identifier removed",		/* EIDRM */
	[90] = "No message of desired type",	/* ENOMSG */
	[91] = "Not supported",			/* ENOTSUP */
	[92] = "Bad message",			/* EBADMSG */
	[93] = "State not recoverable",		/* ENOTRECOVERABLE */
	[94] = "Previous owner died",		/* EOWNERDEAD */
	[95] = "Protocol error",			/* EPROTO */
};

/* "Unknown error: N" for numbers outside the table; see strerror(). */
static char unknown_buf[32];

/* Format "Unknown error: " and n into buf[size] (size >= 28). */
static void
format_unknown(char *buf, size_t size, int n)
{
	static const char prefix[] = "Unknown error: ";
	char digits[12];
	unsigned int u = n < 0 ? -(unsigned int)n : (unsigned int)n;
	size_t i = 0, len = sizeof(prefix) - 1;

	memcpy(buf, prefix, len);
	do {
		digits[i++] = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (n < 0)
		digits[i++] = '-';
	while (i > 0 && len < size - 1)
		buf[len++] = digits[--i];
	buf[len] = '\0';
}

/*
 * The text for errno value n.  Unknown numbers are formatted into one
 * static buffer (overwritten by the next unknown number, on any thread; the
 * only callers, runtime/cgo's fatal paths, print it at once).  Never NULL.
 */
char *
strerror(int n)
{
	if (n >= 0 && (size_t)n < ARRAY_LEN(errlist) && errlist[n] != NULL)
		return (char *)(uintptr_t)errlist[n];
	format_unknown(unknown_buf, sizeof(unknown_buf), n);
	return unknown_buf;
}

/* musl's <string.h> declares it only for POSIX builds, not strict C11. */
int	strerror_r(int n, char *buf, size_t size);

/*
 * POSIX strerror_r: copy the text for n into buf[size].  Returns 0, EINVAL
 * for an unknown n (the text is still written), or ERANGE when buf is too
 * small (truncated text, NUL-terminated if size > 0).  Thread-safe.
 */
int
strerror_r(int n, char *buf, size_t size)
{
	char tmp[32];
	const char *s;
	size_t len;
	int r = 0;

	if (n >= 0 && (size_t)n < ARRAY_LEN(errlist) && errlist[n] != NULL) {
		s = errlist[n];
	} else {
		format_unknown(tmp, sizeof(tmp), n);
		s = tmp;
		r = EINVAL;
	}
	len = strlen(s);
	if (len >= size) {
		len = size > 0 ? size - 1 : 0;
		r = ERANGE;
	}
	if (size > 0) {
		memcpy(buf, s, len);
		buf[len] = '\0';
	}
	return r;
}

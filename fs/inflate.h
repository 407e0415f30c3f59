/* SPDX-License-Identifier: ISC */
/*
 * inflate.h: a raw deflate (RFC 1951) decoder for the file table's
 * compressed files (fs/rofs.c).  Pure code over two byte ranges, no
 * runtime services, so the host tests (tests/unit/test_inflate.c,
 * test_rofs.c) and the fuzzer (tests/fuzz/fuzz_rofs.c) run it as is.
 */
#ifndef VMGO_FS_INFLATE_H
#define VMGO_FS_INFLATE_H

#include <stddef.h>

/*
 * Decode the raw deflate stream in[0, inlen) into out[0, outlen).  0 when
 * the stream is well formed, ends with its final block exactly at the end
 * of the input (the last byte's unused bits aside) and decodes to exactly
 * outlen bytes; else -EIO, with out's contents unspecified.  Never reads
 * outside in[0, inlen) nor writes outside out[0, outlen), whatever the
 * input.  Uses about 1.5 KiB of stack.  Any context; reentrant.
 */
int	inflate_raw(void *out, size_t outlen, const void *in, size_t inlen);

#endif

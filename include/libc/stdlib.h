/* SPDX-License-Identifier: ISC */
/*
 * stdlib.h: musl's <stdlib.h> plus OpenBSD's arc4random family
 * (runtime/libc/entropy.c; Go 1.24's crypto/rand calls arc4random_buf).
 */
#ifndef VMGO_LIBC_STDLIB_H
#define VMGO_LIBC_STDLIB_H

#include_next <stdlib.h>

#include <stdint.h>

uint32_t arc4random(void);
void	arc4random_buf(void *, size_t);
uint32_t arc4random_uniform(uint32_t);

#endif

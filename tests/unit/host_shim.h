/* SPDX-License-Identifier: ISC */
/* host_shim.h: test hooks of host_shim.c. */
#ifndef VMGO_TESTS_HOST_SHIM_H
#define VMGO_TESTS_HOST_SHIM_H

#include <setjmp.h>

/* When not NULL, panic() longjmps here instead of aborting. */
extern jmp_buf *host_panic_jmp;
/* Blocks handed out by the shim's kmalloc family and not yet freed. */
extern long host_kmalloc_live;

#endif

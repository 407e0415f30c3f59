/* SPDX-License-Identifier: ISC */
/*
 * abi.h: the contract between a vmgo image and the host that boots it.
 * Shared by the runtime (C), the boot code (.S) and the host tools.
 */
#ifndef VMGO_ABI_H
#define VMGO_ABI_H

/*
 * Exit statuses.  exit(n) from Go ends the VM with status n (0-255).  The
 * runtime uses these for its own failures; they are below 128 so that even
 * the bare isa-debug-exit encoding, (n << 1) | 1 truncated to 8 bits by the
 * host, decodes exactly (see docs/exit-status.md).
 */
#define VMGO_EXIT_PANIC		111	/* fatal error in the C runtime */
#define VMGO_EXIT_HOST		125	/* vmgo run itself failed, or the guest reset */

/*
 * QEMU devices vmgo run attaches.  isa-debug-exit makes QEMU exit with
 * (value << 1) | 1; the debugcon at VMGO_DEBUGCON_PORT receives the line
 * "vmgo-exit: N\n" just before, which lets the host recover N >= 128 exactly.
 */
#define VMGO_DEBUG_EXIT_PORT	0xf4
#define VMGO_DEBUGCON_PORT	0xe9

/* Physical load address of the image (identity mapped). */
#define VMGO_LOAD_ADDR		0x100000

#endif

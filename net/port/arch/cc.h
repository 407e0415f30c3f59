/* SPDX-License-Identifier: ISC */
/*
 * arch/cc.h: lwIP's compiler and platform glue for vmgo (lwIP's
 * src/include/lwip/arch.h lists what a port may define here).  The few
 * runtime services lwIP needs are declared here and defined in
 * net/port/sys_arch.c and net/net.c, so no vmgo header reaches lwIP's
 * sources.
 */
#ifndef VMGO_NET_PORT_ARCH_CC_H
#define VMGO_NET_PORT_ARCH_CC_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* ssize_t is the C library's (long), not lwIP's fallback int. */
#ifndef SSIZE_MAX
#define SSIZE_MAX	LONG_MAX
#endif
#define LWIP_NO_UNISTD_H	1

/* x86-64 is little-endian; byte swaps are single instructions. */
#define lwip_htons(x)	((uint16_t)__builtin_bswap16((uint16_t)(x)))
#define lwip_htonl(x)	((uint32_t)__builtin_bswap32((uint32_t)(x)))

#define LWIP_RAND()		net_port_rand()
#define LWIP_PLATFORM_DIAG(x)	do { net_port_diag x; } while (0)
#define LWIP_PLATFORM_ASSERT(x)	net_port_assert((x), __FILE__, __LINE__)

/* A random 32-bit number from the runtime's entropy.  Core lock held. */
uint32_t	net_port_rand(void);
/* printf-style diagnostics to the console (kprintf). */
void		net_port_diag(const char *fmt, ...)
		    __attribute__((format(printf, 1, 2)));
/* A failed lwIP assertion: panic naming file:line, except for the few a
 * peer can cause (net/port/lwip_assert.c), which return. */
void		net_port_assert(const char *msg, const char *file, int line);
/* Frames were queued for netif_poll(): wake the network thread.  Core
 * lock held (lwipopts.h's tcpip_try_callback). */
void		net_port_loop_kick(void);

#endif

/* SPDX-License-Identifier: ISC */
/*
 * sys_arch.c: the services lwIP asks of its platform in NO_SYS mode
 * (lwIP's sys.h): a millisecond clock, random numbers, diagnostics and
 * assertions.  Everything else lwIP needs (locking, the timer loop) is
 * net/net.c's.
 */
#include "kernel.h"

#include "lwip/opt.h"
#include "lwip/sys.h"

/*
 * Milliseconds since boot, wrapping at 2^32 as lwIP's timers expect
 * (sys.h).  Any context.
 */
u32_t
sys_now(void)
{
	return (u32_t)(time_monotonic() / 1000000);
}

/*
 * A random 32-bit number (LWIP_RAND: DHCP transaction ids, TCP and UDP
 * ephemeral ports, IPv6 temporary values).  Thread context.
 */
uint32_t
net_port_rand(void)
{
	uint32_t r;

	(void)entropy_fill(&r, sizeof(r));
	return r;
}

/* LWIP_PLATFORM_DIAG: lwIP's diagnostics, on the console.  Any context. */
void
net_port_diag(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
}

/* LWIP_PLATFORM_ASSERT: lwIP found its state broken.  Never returns. */
void
net_port_assert(const char *msg, const char *file, int line)
{
	panic("lwIP assertion failed: %s (%s:%d)", msg, file, line);
}

/* SPDX-License-Identifier: ISC */
/*
 * arch/vmgo_hooks.h: the lwIP hooks vmgo sets (LWIP_HOOK_FILENAME in
 * lwipopts.h); lwIP includes this after its own headers in the files that
 * call hooks.  Defined in net/port/sys_arch.c and tcp_scrub.c.
 */
#ifndef VMGO_NET_PORT_ARCH_HOOKS_H
#define VMGO_NET_PORT_ARCH_HOOKS_H

#include "lwip/err.h"
#include "lwip/ip_addr.h"

/*
 * LWIP_HOOK_TCP_ISN: the initial sequence number of a connection, as RFC
 * 6528 §3 says: a 4 µs clock plus a keyed hash of the connection's
 * addresses and ports.  Core lock held.
 */
u32_t	net_port_tcp_isn(const ip_addr_t *local_ip, u16_t local_port,
	    const ip_addr_t *remote_ip, u16_t remote_port);

/*
 * LWIP_HOOK_TCP_INPACKET_PCB: called by tcp_input for each segment that
 * found its pcb, checksum verified; turns an MSS option on a segment
 * without SYN into NOPs and keeps tcp_write's segment size from shrinking
 * (net/port/tcp_scrub.c says why).  ERR_OK: the
 * segment goes on.  Core lock held.
 */
struct tcp_pcb;
struct tcp_hdr;
struct pbuf;
err_t	net_port_tcp_inpacket(struct tcp_pcb *pcb, struct tcp_hdr *hdr,
	    u16_t optlen, u16_t opt1len, u8_t *opt2, struct pbuf *p);

#endif

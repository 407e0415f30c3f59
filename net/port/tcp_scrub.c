/* SPDX-License-Identifier: ISC */
/*
 * tcp_scrub.c: LWIP_HOOK_TCP_INPACKET_PCB, which takes out of an incoming
 * segment what lwIP 2.1.3 must not see.
 *
 * lwIP parses the options of every segment a connection receives
 * (tcp_process calls tcp_parseopt in every state), so an MSS option on a
 * segment without SYN lowers pcb->mss in the middle of a connection.
 * tcp_write then finds its last unsent segment's spare room (oversize)
 * larger than the new MSS allows and fails LWIP_ASSERT("inconsistent
 * oversize vs. space") or ("mss_local is too small"), after which its
 * u16 arithmetic wraps (space = mss_local - len).  Seen in lwIP's source
 * while chasing the fuzzer's find below, which fails the same assertion.
 * RFC 9293 §3.7.1 allows the MSS option only with SYN ("This field
 * MUST only be sent in the initial connection request (i.e., in segments
 * with the SYN control bit set)"), so the option is turned into NOPs on
 * any other segment, the rest of the segment going on unchanged.  The
 * checksum was verified before the hook runs, so rewriting in place is
 * safe.
 *
 * The same assertion has a second way in, the one tests/fuzz/net found
 * (seen with the pcb's fields at the failure: mss 536, snd_wnd_max 255,
 * 534 bytes of room after a 2-byte segment):
 * tcp_write sizes segments by mss_local = min(mss, snd_wnd_max / 2), but
 * falls back to the whole mss when that is 0.  A peer whose first window
 * is 0 or 1 gets mss-sized segments (and spare room to match); when it
 * then announces, say, 255 bytes, mss_local drops to 127 and the room
 * left no longer fits.  snd_wnd_max serves nothing else in lwIP 2.1.3,
 * so a pcb that has not seen a window of 2 yet is given 2 * mss: the
 * fallback lwIP uses anyway, kept from then on, since snd_wnd_max only
 * grows.
 */
#include "lwip/opt.h"
#include "lwip/tcp.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/prot/tcp.h"
#include "arch/vmgo_hooks.h"

#define TCPOPT_EOL	0	/* RFC 9293 §3.2 option kinds */
#define TCPOPT_NOP	1
#define TCPOPT_MSS	2

/* The i-th option byte: the first opt1len follow the header, the rest
 * are at opt2 (lwIP's split when the options cross pbufs). */
static u8_t *
opt_byte(struct tcp_hdr *hdr, u16_t opt1len, u8_t *opt2, u16_t i)
{
	if (i < opt1len)
		return (u8_t *)hdr + TCP_HLEN + i;
	return opt2 + (i - opt1len);
}

/* See vmgo_hooks.h. */
err_t
net_port_tcp_inpacket(struct tcp_pcb *pcb, struct tcp_hdr *hdr, u16_t optlen,
    u16_t opt1len, u8_t *opt2, struct pbuf *p)
{
	u16_t i = 0, n, k;
	u8_t kind;

	(void)p;
	/* A listener's pcb is the smaller struct tcp_pcb_listen (only the
	 * common fields, state among them). */
	if (pcb->state != LISTEN && pcb->snd_wnd_max < 2)
		pcb->snd_wnd_max = (tcpwnd_size_t)(2 * pcb->mss);
	if (TCPH_FLAGS(hdr) & TCP_SYN)
		return ERR_OK;
	if (opt2 == NULL && opt1len < optlen)
		return ERR_OK;		/* not lwIP's layout: leave it */
	while (i < optlen) {
		kind = *opt_byte(hdr, opt1len, opt2, i);
		if (kind == TCPOPT_EOL)
			break;
		if (kind == TCPOPT_NOP) {
			i++;
			continue;
		}
		if (i + 1 >= optlen)
			break;
		n = *opt_byte(hdr, opt1len, opt2, (u16_t)(i + 1));
		if (n < 2 || i + n > optlen)
			break;		/* malformed: lwIP's parser stops too */
		if (kind == TCPOPT_MSS)
			for (k = 0; k < n; k++)
				*opt_byte(hdr, opt1len, opt2, (u16_t)(i + k)) =
				    TCPOPT_NOP;
		i = (u16_t)(i + n);
	}
	return ERR_OK;
}

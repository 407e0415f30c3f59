/* SPDX-License-Identifier: ISC */
/*
 * lwip_assert.c: which of lwIP's assertions a peer can set off.
 *
 * lwIP's LWIP_ASSERTs check its own invariants, and vmgo treats a failed
 * one as a runtime bug: a panic naming it (sys_arch.c).  But a few of
 * them hold only for well-behaved peers, and the code after them copes
 * with the state they complain about.  A packet must not be able to
 * stop the VM, so for those the port says it once and carries on.  Each
 * entry says how it is reached and why carrying on is safe; it is the
 * exact message lwIP 2.1.3 passes.
 */
#include <stdbool.h>
#include <string.h>

#include "lwip_assert.h"

static const char *const peer_reachable[] = {
	/*
	 * tcp.c tcp_slowtmr.  Found by tests/fuzz/net: the persist timer
	 * runs (a zero window with data unsent) when an ACK arrives that
	 * covers every unsent segment (tcp_in.c frees "acked unsent"
	 * segments, e.g. ones an RTO moved back from unacked) and leaves
	 * the timer on.  tcp_zero_window_probe and tcp_split_unsent_seg
	 * both return early on an empty unsent queue ("Not expected,
	 * persist timer should be off when the send buffer is empty"), so
	 * the tick is a no-op until new data or a window update stops it.
	 */
	"tcp_slowtimr: persist ticking with empty send buffer",
};

/* See lwip_assert.h. */
bool
net_port_assert_peer_reachable(const char *msg)
{
	size_t i;

	for (i = 0; i < sizeof(peer_reachable) / sizeof(peer_reachable[0]);
	    i++)
		if (strcmp(msg, peer_reachable[i]) == 0)
			return true;
	return false;
}

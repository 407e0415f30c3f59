/* SPDX-License-Identifier: ISC */
/* lwip_assert.h: the lwIP assertions a peer can set off (lwip_assert.c). */
#ifndef VMGO_NET_LWIP_ASSERT_H
#define VMGO_NET_LWIP_ASSERT_H

#include <stdbool.h>

/*
 * Is msg (an LWIP_ASSERT message) one a peer's packets can trigger and
 * lwIP's following code handles?  Then the failed assertion is reported,
 * not fatal.  Any context; no state.
 */
bool	net_port_assert_peer_reachable(const char *msg);

#endif

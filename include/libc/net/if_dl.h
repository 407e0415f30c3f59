/* SPDX-License-Identifier: ISC */
/*
 * net/if_dl.h: OpenBSD's link-level socket address (AF_LINK): the
 * interface's index, type, name and hardware address.  Self-contained.
 */
#ifndef VMGO_LIBC_NET_IF_DL_H
#define VMGO_LIBC_NET_IF_DL_H

#include <stdint.h>

/* 32 bytes; longer when name + address exceed sdl_data */
struct sockaddr_dl {
	uint8_t		sdl_len;
	uint8_t		sdl_family;	/* AF_LINK */
	uint16_t	sdl_index;
	uint8_t		sdl_type;	/* IFT_* */
	uint8_t		sdl_nlen;	/* name length, no NUL */
	uint8_t		sdl_alen;	/* link address length */
	uint8_t		sdl_slen;	/* selector length */
	char		sdl_data[24];	/* name, then link address */
};

#endif

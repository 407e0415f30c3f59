#!/bin/sh
# SPDX-License-Identifier: ISC
# prepare.sh GEN: what the rofs test embeds besides testdata/: a 64 MiB
# random file (GEN/big/big.bin, never committed) and GEN/MANIFEST, the host's
# view of every embedded file (type, mode, size, mtime, SHA-256, target)
# that the guest compares its own view with.
set -eu
gen=$1
mkdir -p "$gen/big"
head -c $((64 << 20)) /dev/urandom >"$gen/big/big.bin"
{
	(cd testdata && find . -mindepth 1 -printf '%y %m %s %T@ %P %l\n') |
	while read -r t m s ts p l; do
		h=-
		[ "$t" = f ] && h=$(sha256sum "testdata/$p" | cut -d' ' -f1)
		printf '%s %s %s %s %s /srv/testdata/%s %s\n' "$t" "$m" "$s" "$ts" "$h" "$p" "$l"
	done
	s=$(stat -c %s "$gen/big/big.bin")
	ts=$(stat -c %.9Y "$gen/big/big.bin")
	h=$(sha256sum "$gen/big/big.bin" | cut -d' ' -f1)
	printf 'f 644 %s %s %s /big/big.bin \n' "$s" "$ts" "$h"
} | sort -k6 >"$gen/MANIFEST"

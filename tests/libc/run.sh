#!/bin/sh
# SPDX-License-Identifier: ISC
# run.sh: build tests/libc/abi_test.c with the image's compiler flags (and
# vmgo's OpenBSD overlay headers) together with the libc core sources, as a
# static Linux program, and run it.  Usage: tests/libc/run.sh [O]
set -eu
cd "$(dirname "$0")/../.."
O=${1:-${O:-build}}
out=$O/tests/libc
mkdir -p "$out"

# KCFLAGS exactly as the Makefile computes them, minus dependency output;
# -DVMGO_HOST_TEST keeps cli (ring 0 only) out of irq_save().
flags=$(make -pn -f Makefile O="$O" _no_such_target_ 2>/dev/null |
    sed -n 's/^KCFLAGS := //p' | sed 's/-MMD -MP//')
[ -n "$flags" ] || { echo "run.sh: cannot read KCFLAGS from the Makefile" >&2; exit 1; }
flags="$flags -DVMGO_HOST_TEST=1"

srcs="runtime/libc/errno.c runtime/libc/signal.c runtime/libc/sysctl.c
    runtime/libc/process.c runtime/libc/stdio.c runtime/libc/strerror.c
    runtime/libc/stdlib.c runtime/string.c runtime/cmdline.c
    runtime/kprintf.c net/route.c tests/libc/abi_test.c"
objs=
for s in $srcs; do
	o=$out/$(basename "${s%.c}").o
	# shellcheck disable=SC2086
	gcc $flags -c "$s" -o "$o"
	objs="$objs $o"
done
# shellcheck disable=SC2086
gcc -static -nostdlib -no-pie -o "$out/abi_test" $objs

"$out/abi_test"
set +e
"$out/abi_test" term >"$out/term.out" 2>&1
st=$?
set -e
if [ "$st" -eq 143 ] && grep -q "terminated by signal 15" "$out/term.out"; then
	echo "ok default_action_terminates"
else
	echo "FAIL default_action_terminates: status $st"; cat "$out/term.out"
	exit 1
fi

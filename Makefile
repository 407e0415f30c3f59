# SPDX-License-Identifier: ISC
# vmgo: the only Makefile.  Non-recursive; output in $(O) (default build/).
#
#   make run       set up if needed, build, boot examples/hello under QEMU
#   make test      set up if needed, host unit tests and guest tests
#   make           build the runtime and tools into $(O)
#   make fuzz      fuzz the file table checker and the network ingress path
#                  for FUZZ_TIME (300) seconds each
#   make bench     vmgo against a Linux guest: docs/benchmarks.md (not a test)
#   make conformance  Go's standard-library tests inside vmgo and natively:
#                  docs/conformance.md (make test runs a fast subset)
#   make install PREFIX=/usr/local
#   make setup     install packages and fetch lwIP (tools/setup)
#
# V=1 shows commands.

O		?= build
PREFIX		?= /usr/local
CC		?= gcc
HOSTCC		?= cc
LD		:= ld
OBJCOPY		:= objcopy
REALGO		?= $(firstword $(wildcard /usr/lib/go-1.23/bin/go) $(shell command -v go 2>/dev/null))

ifneq ($(V),1)
Q		:= @
endif

MUSL_INC	:= /usr/include/x86_64-linux-musl
GCC_INC		:= $(shell $(CC) -print-file-name=include)

# Debug information of the C runtime (and lwIP): -g1 (functions and line
# tables: gdb breaks, steps and backtraces with file:line, but shows no C
# variables or types) keeps the image 460 KiB smaller than -g (the
# image-size target of docs/benchmarks.md); make KDEBUG=-g for all of it.
KDEBUG		?= -g1

# Everything in the image: freestanding, no SSE (interrupt paths must not
# touch FPU state), no red zone (traps land on the current stack).
KCFLAGS		:= -std=c11 -ffreestanding -nostdinc \
		   -isystem include/libc -isystem $(MUSL_INC) -isystem $(GCC_INC) \
		   -Iinclude -Iruntime \
		   -fno-pie -fno-pic -mcmodel=small -mno-red-zone -mgeneral-regs-only \
		   -fno-omit-frame-pointer -fno-strict-aliasing -fno-builtin-malloc \
		   -fstack-protector-strong -mstack-protector-guard=global \
		   -O2 $(KDEBUG) -MMD -MP \
		   -Wall -Wextra -Werror -Wshadow -Wpointer-arith -Wwrite-strings \
		   -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter
KASFLAGS	:= $(filter-out -std=c11,$(KCFLAGS)) -D__ASSEMBLER__

# Sources: every .c/.S below these folders is part of the image.
KSRCS		:= $(sort $(wildcard boot/*.c boot/*.S runtime/*.c runtime/*.S \
		   runtime/x86_64/*.c runtime/x86_64/*.S runtime/mm/*.c runtime/virtio/*.c \
		   runtime/libc/*.c fs/*.c net/*.c net/port/*.c))
KOBJS		:= $(patsubst %,$(O)/%.o,$(basename $(KSRCS)))

# lwIP, from the source tools/setup unpacked (never patched, never
# committed), listed by lwIP's own Filelists.mk: the core, IPv4, IPv6 and
# Ethernet; not its sequential or socket APIs (net/ has its own).  Built
# with the image's code-generation flags and net/port's configuration;
# lwIP's sources get the warnings they pass cleanly, not ours.
LWIPDIR		:= $(O)/third_party/lwip/src
-include $(LWIPDIR)/Filelists.mk
LWIP_SRCS	:= $(COREFILES) $(CORE4FILES) $(CORE6FILES) \
		   $(LWIPDIR)/netif/ethernet.c
LWIP_OBJS	:= $(patsubst $(LWIPDIR)/%.c,$(O)/lwip/%.o,$(LWIP_SRCS))
LWIP_INC	:= -Inet/port -I$(LWIPDIR)/include
LWIP_CFLAGS	:= $(filter-out -W%,$(KCFLAGS)) $(LWIP_INC) -Wall -Werror
NET_OBJS	:= $(filter $(O)/net/%,$(KOBJS))

LIBDIR		:= $(O)/lib/vmgo
BINDIR		:= $(O)/bin
TOOLS		:= $(BINDIR)/go $(BINDIR)/vmgo-cc $(BINDIR)/vmgo-link $(BINDIR)/vmgo
SETUP_STAMP	:= $(O)/.setup-done

all: $(LIBDIR)/vmgo.o $(LIBDIR)/vmgo.ld $(LIBDIR)/include $(TOOLS) \
    $(LIBDIR)/vmgo-files $(LIBDIR)/files.stamp $(LIBDIR)/go/vmgo

$(O)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(KCFLAGS) -c $< -o $@

$(NET_OBJS): KCFLAGS += $(LWIP_INC)
$(NET_OBJS) $(LWIP_OBJS): | lwip-src
$(O)/lwip/%.o: $(LWIPDIR)/%.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      lwip/$*.c")
	$(Q)$(CC) $(LWIP_CFLAGS) -c $< -o $@

# lwIP's source is there, or say how to get it.
lwip-src:
	@test -f $(LWIPDIR)/core/tcp.c || { echo "vmgo: lwIP source not" \
	    "found in $(LWIPDIR): run make setup" >&2; exit 1; }

$(O)/%.o: %.S
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  AS      $<")
	$(Q)$(CC) $(KASFLAGS) -c $< -o $@

# The runtime as one relocatable object.  Only the libc ABI and the boot
# entry points stay global, so user cgo code cannot collide with internals.
# Its ~140 STT_FILE symbols (one per source file) go: nothing in a static
# image reads them (crash reports name functions by .vmgo.ksyms, gdb scopes
# statics by DWARF), and they cost every image about 5 KiB.
$(LIBDIR)/vmgo.o: $(KOBJS) $(LWIP_OBJS) runtime/exports.txt | lwip-src
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(LD) -r -o $@.tmp $(KOBJS) $(LWIP_OBJS)
	$(Q)readelf -sW $@.tmp | awk '$$4 == "FILE" && NF >= 8 { print $$8 }' | \
	    sort -u >$@.files
	$(Q)$(OBJCOPY) --keep-global-symbols=runtime/exports.txt \
	    --strip-symbols=$@.files $@.tmp $@
	$(Q)rm -f $@.tmp $@.files

$(LIBDIR)/vmgo.ld: boot/vmgo.ld
	@mkdir -p $(dir $@)
	$(Q)cp $< $@

$(LIBDIR)/include: $(wildcard include/libc/*.h include/libc/*/*.h include/vmgo/*.h)
	@mkdir -p $@
	$(Q)rm -rf $@ && mkdir -p $@ && cp -r include/libc/. $@/ && cp -r include/vmgo $@/vmgo

# The file table packer (a host program; vmgo-link runs it) and the default
# files it packs into every image (docs/files.md).
$(LIBDIR)/vmgo-files: tools/mkfs/vmgo-files.c fs/rofs_table.c fs/rofs_table.h \
    include/vmgo/rofs.h fs/inflate.c fs/inflate.h
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  HOSTCC  $@")
	$(Q)$(HOSTCC) -std=gnu11 -O2 -g -Wall -Wextra -Werror -Iinclude -Ifs \
	    -o $@ tools/mkfs/vmgo-files.c fs/rofs_table.c fs/inflate.c -lz
$(O)/tools/tzif-strip: tools/mkfs/tzif-strip.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  HOSTCC  $@")
	$(Q)$(HOSTCC) -std=gnu11 -O2 -Wall -Wextra -Werror -o $@ $<
$(LIBDIR)/files.stamp: tools/mkfs/default-files $(O)/tools/tzif-strip
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  FILES   $(dir $@)")
	$(Q)TZIF_STRIP=$(O)/tools/tzif-strip tools/mkfs/default-files $(LIBDIR)/files
	@touch $@

# The companion Go package vmgo.dev/vmgo (docs/files.md), where users'
# replace directives point: LIB/go/vmgo (make install carries it).
GOPKG_SRCS	:= go/vmgo/go.mod $(wildcard go/vmgo/*.go)
$(LIBDIR)/go/vmgo: $(GOPKG_SRCS)
	$(Q)rm -rf $@ && mkdir -p $@ && cp $(GOPKG_SRCS) $@/

$(BINDIR)/go: tools/go
	@mkdir -p $(dir $@)
	$(Q)install -m 755 $< $@
$(BINDIR)/vmgo-cc: tools/vmgo-cc
	@mkdir -p $(dir $@)
	$(Q)install -m 755 $< $@
$(BINDIR)/vmgo-link: tools/vmgo-link
	@mkdir -p $(dir $@)
	$(Q)install -m 755 $< $@
$(BINDIR)/vmgo: $(wildcard tools/vmgo/*.go) tools/vmgo/go.mod
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  GO      $@")
	$(Q)cd tools/vmgo && CGO_ENABLED=0 GOOS=linux GOFLAGS=-mod=mod $(REALGO) build -o $(abspath $@) .

# Set-up runs once per build directory (tools/setup is idempotent anyway).
$(SETUP_STAMP): tools/setup
	$(Q)tools/setup $(O)
	@touch $@
setup:
	$(Q)tools/setup $(O)
	@touch $(SETUP_STAMP)

run: $(SETUP_STAMP)
	$(Q)$(MAKE) --no-print-directory all
	$(Q)cd examples/hello && PATH=$(abspath $(BINDIR)):$$PATH GOOS=vmgo go build -o $(abspath $(O))/hello.img .
	$(Q)$(BINDIR)/vmgo run $(O)/hello.img

test: $(SETUP_STAMP)
	$(Q)$(MAKE) --no-print-directory all
	$(Q)O=$(O) tests/run

# Fuzz the file table checker and the network ingress path (tests/fuzz/run,
# tests/fuzz/net, libFuzzer) for FUZZ_TIME
# seconds; make test runs it for 20.
FUZZ_TIME	?= 300
fuzz: all
	$(Q)O=$(O) FUZZ_TIME=$(FUZZ_TIME) tests/fuzz/run

# Benchmarks against a Linux VM running the same program (tests/bench/bench;
# docs/benchmarks.md).  Never part of make test, which runs only the smoke
# mode (tests/bench/run).  BENCH_LOAD describes other load for the report.
bench: $(SETUP_STAMP)
	$(Q)$(MAKE) --no-print-directory all
	$(Q)O=$(O) tests/bench/bench

# Go's standard-library tests (tests/conformance/packages.txt) inside vmgo
# and natively, one VM at a time: docs/conformance.md.  make test runs only
# the packages marked fast (tests/conformance/run).
conformance: $(SETUP_STAMP)
	$(Q)$(MAKE) --no-print-directory all
	$(Q)O=$(O) $(REALGO) run tests/conformance/conformance.go -root . -doc docs/conformance.md

# Host unit tests only (no QEMU).
unit: $(SETUP_STAMP)
	$(Q)O=$(O) tests/run unit

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/vmgo
	install -m 755 $(TOOLS) $(DESTDIR)$(PREFIX)/bin/
	cp -r $(LIBDIR)/. $(DESTDIR)$(PREFIX)/lib/vmgo/

clean:
	rm -rf $(O)/bin $(O)/lib $(O)/boot $(O)/runtime $(O)/fs $(O)/net $(O)/lwip $(O)/tests $(O)/*.img

distclean:
	rm -rf $(O)

.PHONY: all setup run test unit fuzz bench conformance install clean distclean lwip-src
-include $(KOBJS:.o=.d) $(LWIP_OBJS:.o=.d)

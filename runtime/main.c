/* SPDX-License-Identifier: ISC */
/*
 * main.c: kmain(), the boot sequence in order, one step per line; then the
 * Go program's main(argc, argv) on a thread of its own.
 */
#include <stddef.h>
#include <stdint.h>

#include <vmgo/abi.h>
#include <vmgo/bootinfo.h>

#include "kernel.h"
#include "../net/net.h"

#define GO_MAIN_STACK	(1024 * 1024)	/* ABI doc §1.1: m0 needs >= 256 KiB */
#define EXIT_USAGE	2		/* bad command line, as Go's flag errors */

struct bootinfo *boot_info;

/* Go's entry (runtime/asm_amd64.s, "TEXT main"); never returns. */
int	main(int argc, char **argv);
/* C constructors of cgo code (vmgo.ld), called like a libc would. */
extern void (*__init_array_start[])(int, char **, char **);
extern void (*__init_array_end[])(int, char **, char **);

static const char *const loader_names[] = {
	[BOOT_LOADER_MULTIBOOT] = "multiboot",
	[BOOT_LOADER_PVH] = "PVH",
};

/* The thread that becomes Go's m0. */
static void *
go_main(void *arg)
{
	const struct cmdline *c = arg;
	void (**fn)(int, char **, char **);

	for (fn = __init_array_start; fn < __init_array_end; fn++)
		(*fn)(c->argc, c->argv, c->envp);
	/* argv[argc] is NULL and envp follows it: Go finds it there. */
	platform_exit(main(c->argc, c->argv) & 0xff);
}

/* The parsed command line, or exit EXIT_USAGE saying what is wrong. */
static const struct cmdline *
cmdline_or_exit(const struct bootinfo *bi)
{
	static struct cmdline scratch;
	const struct cmdline *c;
	const char *why = "out of memory";

	if (bi->cmdline_truncated)
		why = "longer than the 4095 bytes the boot info holds";
	else if ((c = cmdline_boot()) != NULL)
		return c;
	else
		(void)cmdline_parse(bi->cmdline, &scratch, kmalloc, &why);
	kprintf("vmgo: bad command line: %s\n", why);
	platform_exit(EXIT_USAGE);
}

/* With vmgo.verbose=1: one line about the machine, before Go starts. */
static void
boot_report(const struct bootinfo *bi, const struct cmdline *c)
{
	const char *v = cmdline_vmgo(c, "verbose");

	if (v == NULL || strcmp(v, "1") != 0)
		return;
	kprintf("vmgo: booted by %s: %zu MiB RAM, %u CPU(s), %s, xsave %u "
	    "bytes; command line \"%s\"\n",
	    bi->loader < ARRAY_LEN(loader_names) && loader_names[bi->loader] ?
	    loader_names[bi->loader] : "?",
	    page_total_count() >> (20 - PAGE_SHIFT), ncpus, cpu_features.vendor,
	    cpu_features.xsave_size, bi->cmdline);
	time_report();
	lapic_report();
}

/*
 * With vmgo.boottime=1 (tests/bench): the TSC at boot_main's entry and its
 * rate, so the program can tell how long the guest took from its first
 * instruction to main.main (it reads the TSC there).
 */
static void
boottime_report(const struct cmdline *c)
{
	const char *v = cmdline_vmgo(c, "boottime");

	if (v == NULL || strcmp(v, "1") != 0)
		return;
	kprintf("vmgo: boottime: entry-tsc %lu tsc-hz %lu now-tsc %lu\n",
	    boot_entry_tsc, time_tsc_hz(), rdtsc());
}

/*
 * With vmgo.probe=1 (vmgo run's accelerator probe): prove that this
 * hypervisor runs the runtime, timer interrupts and a thread switch
 * included, then power off with status 0 instead of starting Go.
 */
static void
probe_exit(const struct cmdline *c)
{
	const char *v = cmdline_vmgo(c, "probe");

	if (v == NULL || strcmp(v, "1") != 0)
		return;
	thread_sleep_until(time_monotonic() + 2000000);	/* 2 ms */
	kprintf("vmgo: probe ok\n");
	platform_exit(0);
}

/*
 * The boot sequence: called once by boot_main (boot/boot.c) on the boot
 * stack with interrupts off.  Never returns: the boot CPU ends up in the
 * scheduler.
 */
void
kmain(struct bootinfo *bi)
{
	const struct cmdline *cmd;
	int r;

	boot_info = bi;
	console_init();			/* COM1: kprintf works from here */
	cpu_init_bsp();			/* GDT, TSS, IDT, %gs, SSE/XSAVE */
	stack_protector_init();		/* canary for -fstack-protector */
	if (bi->nmem == 0)
		panic("the boot loader passed no memory map");
	page_init(bi);			/* physical page frames */
	vm_init();			/* the runtime's own page tables */
	cpu_alloc_ist();		/* IST stacks with guard pages */
	time_init();			/* TSC frequency, wall clock */
	lapic_init();			/* local APIC and its timer */
	thread_init();			/* this context becomes thread 1 */
	smp_init();			/* the other CPUs join scheduling */
	signal_init();			/* faults and signals reach Go */
	cmd = cmdline_or_exit(bi);	/* KEY=VALUE ... -- args */
	console_configure(cmd);		/* vmgo.onlcr */
	fd_init();			/* fds 0-2 on the console */
	rofs_init();			/* the file table at "/" */
	vfs_init(cmd);			/* /tmp, the working directory */
	net_init(cmd);			/* lwIP, NICs, addresses, its thread */
	boot_report(bi, cmd);		/* only with vmgo.verbose=1 */
	probe_exit(cmd);		/* only with vmgo.probe=1 */
	debug_init(cmd);		/* vmgo.crashtest, vmgo.protcheck */
	boottime_report(cmd);		/* only with vmgo.boottime=1 */
	r = thread_create(go_main, (void *)cmd, GO_MAIN_STACK, 0, NULL);
	if (r != 0)
		panic("cannot create the Go main thread (%d)", r);
	sched_start();			/* run threads; never returns */
}

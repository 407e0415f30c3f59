/* SPDX-License-Identifier: ISC */
/*
 * console.c: the 16550 UART on COM1, 115200 8N1 with FIFOs.  Output is
 * polled; input is polled too until the serial IRQ is wired up.
 */
#include <stddef.h>
#include <stdint.h>

#include <string.h>

#include "kernel.h"

#define COM1		0x3f8
/* 16550 registers (offsets from the base port) and bits, per the
 * National Semiconductor PC16550D data sheet, table II. */
#define UART_DATA	0	/* RBR/THR; DLL when LCR.DLAB */
#define UART_IER	1	/* DLM when LCR.DLAB */
#define UART_FCR	2
#define UART_LCR	3
#define UART_MCR	4
#define UART_LSR	5
#define UART_SCR	7
#define FCR_ENABLE	0x01
#define FCR_CLEAR	0x06	/* reset both FIFOs */
#define FCR_TRIG14	0xc0	/* receive interrupt at 14 bytes */
#define LCR_8N1		0x03
#define LCR_DLAB	0x80
#define MCR_DTR_RTS	0x03
#define LSR_DR		0x01	/* a byte has arrived */
#define LSR_THRE	0x20	/* transmit holding register empty */
#define BAUD_DIVISOR	1	/* 115200 = 1.8432 MHz / 16 / 1 */
#define EXIT_USAGE	2	/* bad command line, as in runtime/main.c */

/*
 * Bounded wait for the transmitter: a missing or wedged UART must not
 * hang the runtime (an absent port reads 0xff, which looks ready).
 */
#define TX_SPIN_MAX	100000

static struct spinlock console_lock;
static int console_broken;	/* panic: write without the lock */
static int console_present;	/* the scratch register holds a value */
/*
 * Turn "\n" into "\r\n" on output, like a terminal's ONLCR (termios(4)).
 * vmgo.onlcr=0 turns it off, so the host sees exactly the bytes the
 * program wrote: vmgo exec asks for that, go test parses the output.
 */
static int console_onlcr = 1;

/*
 * Bytes that had arrived before console_init enabled the FIFOs.  QEMU
 * empties the receive side whenever FCR's enable bit changes (hw/char/
 * serial.c, serial_ioport_write); without its FIFO it passes one byte at a
 * time, the next as soon as the last is read.  So console_init reads
 * everything that is waiting, as long as bytes keep coming, and only then
 * enables the FIFOs; console_getc hands these bytes out first.  vmgo run
 * holds piped input back until "vmgo-console: ready" (below), which closes
 * the last window: a byte landing between the final read and the FCR
 * write.
 */
static uint8_t early_rx[256];
static unsigned int early_rx_len, early_rx_pos;

/*
 * Keep what QEMU delivers before the FIFOs are on.  A byte may follow the
 * one just read after a short delay (QEMU's main loop runs beside the
 * vCPU), so the wait ends only after EARLY_RX_QUIET polls find nothing.
 */
#define EARLY_RX_QUIET	64

static void
drain_early_input(void)
{
	unsigned int quiet = 0;
	uint8_t lsr;

	while (early_rx_len < sizeof(early_rx) && quiet < EARLY_RX_QUIET) {
		lsr = inb(COM1 + UART_LSR);
		if (lsr == 0xff)		/* no UART at all */
			return;
		if (lsr & LSR_DR) {
			early_rx[early_rx_len++] = inb(COM1 + UART_DATA);
			quiet = 0;
		} else
			quiet++;
	}
}

/*
 * Program COM1.  Called first thing in kmain (and by boot_main on a fatal
 * boot error); safe to call again.
 */
void
console_init(void)
{
	outb(COM1 + UART_IER, 0);		/* no interrupts yet */
	drain_early_input();
	outb(COM1 + UART_LCR, LCR_DLAB);
	outb(COM1 + UART_DATA, BAUD_DIVISOR & 0xff);
	outb(COM1 + UART_IER, BAUD_DIVISOR >> 8);
	outb(COM1 + UART_LCR, LCR_8N1);
	outb(COM1 + UART_FCR, FCR_ENABLE | FCR_CLEAR | FCR_TRIG14);
	outb(COM1 + UART_MCR, MCR_DTR_RTS);
	outb(COM1 + UART_SCR, 0x5a);
	console_present = inb(COM1 + UART_SCR) == 0x5a;
	/* Tell vmgo run that input can flow now (VMGO_DEBUGCON_PORT). */
	for (const char *m = "vmgo-console: ready\n"; *m != '\0'; m++)
		outb(VMGO_DEBUGCON_PORT, (uint8_t)*m);
}

static void
putc_raw(char c)
{
	int n;

	for (n = 0; n < TX_SPIN_MAX; n++) {
		if (inb(COM1 + UART_LSR) & LSR_THRE)
			break;
		cpu_pause();
	}
	outb(COM1 + UART_DATA, (uint8_t)c);
}

/*
 * Apply the console's command-line settings: vmgo.onlcr=0 or 1 (default
 * 1).  Another value ends the boot with EXIT_USAGE and a message, like
 * vfs_init's settings.  Once, from kmain, before Go starts.
 */
void
console_configure(const struct cmdline *c)
{
	const char *v = cmdline_vmgo(c, "onlcr");

	if (v == NULL)
		return;
	if (strcmp(v, "0") == 0 || strcmp(v, "1") == 0) {
		console_onlcr = v[0] == '1';
		return;
	}
	kprintf("vmgo: bad vmgo.onlcr=%s: want 0 or 1\n", v);
	platform_exit(EXIT_USAGE);
}

/*
 * Write n bytes, turning "\n" into "\r\n" unless vmgo.onlcr=0.  Any
 * context: takes the console
 * lock with interrupts off, so lines from different CPUs do not mix.
 * After console_panic() the lock is ignored.
 */
void
console_write(const char *s, size_t n)
{
	uint64_t f = 0;
	int locked = !__atomic_load_n(&console_broken, __ATOMIC_RELAXED);
	size_t i;

	if (locked)
		f = spin_lock_irqsave(&console_lock);
	for (i = 0; i < n; i++) {
		if (s[i] == '\n' && console_onlcr)
			putc_raw('\r');
		putc_raw(s[i]);
	}
	if (locked)
		spin_unlock_irqrestore(&console_lock, f);
}

/*
 * From now on console_write ignores its lock: the CPU that panics may
 * have been interrupted while holding it, or another CPU may never let go.
 * Called by panic() and fatal traps.  Any context.
 */
void
console_panic(void)
{
	__atomic_store_n(&console_broken, 1, __ATOMIC_RELAXED);
}

/*
 * One received byte, or -1 if none is waiting.  Any context; never blocks.
 */
int
console_getc(void)
{
	unsigned int i = __atomic_load_n(&early_rx_pos, __ATOMIC_RELAXED);

	while (i < early_rx_len) {
		if (__atomic_compare_exchange_n(&early_rx_pos, &i, i + 1, false,
		    __ATOMIC_RELAXED, __ATOMIC_RELAXED))
			return early_rx[i];
	}
	if (!console_present || (inb(COM1 + UART_LSR) & LSR_DR) == 0)
		return -1;
	return inb(COM1 + UART_DATA);
}

/* SPDX-License-Identifier: ISC */
/*
 * platform.c: leaving the VM.  In order: tell the host the status (QEMU
 * debugcon line + isa-debug-exit), else power off through ACPI S5, else
 * reset through the keyboard controller, else triple-fault.
 */
#include <stddef.h>
#include <stdint.h>

#include <vmgo/abi.h>
#include <vmgo/bootinfo.h>

#include "kernel.h"

#define ACPI_MAPPED_TOP	0x100000000ULL	/* tables must be identity mapped */

/* FADT field offsets, ACPI 6.5 §5.2.9 table 5.9. */
#define FADT_DSDT		40
#define FADT_SMI_CMD		48
#define FADT_ACPI_ENABLE	52
#define FADT_PM1A_CNT		64
#define FADT_PM1B_CNT		68
#define FADT_FLAGS		112
#define FADT_X_DSDT		140
#define FADT_SLEEP_CONTROL	244	/* generic address structure */
#define FADT_HW_REDUCED		(1u << 20)	/* flags: HW_REDUCED_ACPI */

/* PM1 control register bits, §4.8.4.2.1 table 4.13. */
#define PM1_SCI_EN		0x0001
#define PM1_SLP_TYP_SHIFT	10
#define PM1_SLP_TYP_MASK	(7 << PM1_SLP_TYP_SHIFT)
#define PM1_SLP_EN		(1 << 13)
/* Sleep control register (hardware-reduced ACPI), §4.8.3.7 table 4.11. */
#define SLEEP_TYP_SHIFT		2
#define SLEEP_EN		(1 << 5)
/* AML opcodes, §20.3. */
#define AML_NAME_OP		0x08
#define AML_PACKAGE_OP		0x12
#define AML_BYTE_PREFIX		0x0a
#define AML_ZERO_OP		0x00
#define AML_ONE_OP		0x01

#define KBC_STATUS		0x64
#define KBC_INPUT_FULL		0x02
#define KBC_PULSE_RESET		0xfe

static uint32_t exit_owner;	/* APIC ID + 1 of the exiting CPU, or 0 */

static uint32_t
rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static uint64_t
rd64(const uint8_t *p)
{
	return rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

/* The table at physical address pa if it is mapped, long enough and sums
 * to zero (§5.2.6), else NULL. */
static const uint8_t *
sdt(uint64_t pa)
{
	const uint8_t *p;
	uint32_t len, i;
	uint8_t sum = 0;

	if (pa == 0 || pa >= ACPI_MAPPED_TOP - 36)
		return NULL;
	p = (const uint8_t *)(uintptr_t)pa;
	len = rd32(p + 4);
	if (len < 36 || len > ACPI_MAPPED_TOP - pa)
		return NULL;
	for (i = 0; i < len; i++)
		sum += p[i];
	return sum == 0 ? p : NULL;
}

/* The table with signature sig listed in the XSDT (or RSDT), or NULL. */
static const uint8_t *
acpi_find(const char *sig)
{
	const uint8_t *rsdp, *root, *t;
	uint32_t n, i, esz;

	if (boot_info == NULL || boot_info->rsdp == 0 ||
	    boot_info->rsdp >= ACPI_MAPPED_TOP - 36)
		return NULL;
	rsdp = (const uint8_t *)(uintptr_t)boot_info->rsdp;
	/* RSDP (§5.2.5.3): revision at 15, RSDT at 16, XSDT at 24. */
	root = NULL;
	esz = 8;
	if (rsdp[15] >= 2)
		root = sdt(rd64(rsdp + 24));
	if (root == NULL) {
		root = sdt(rd32(rsdp + 16));
		esz = 4;
	}
	if (root == NULL)
		return NULL;
	n = (rd32(root + 4) - 36) / esz;
	for (i = 0; i < n; i++) {
		const uint8_t *e = root + 36 + i * esz;

		t = sdt(esz == 8 ? rd64(e) : rd32(e));
		if (t != NULL && t[0] == sig[0] && t[1] == sig[1] &&
		    t[2] == sig[2] && t[3] == sig[3])
			return t;
	}
	return NULL;
}

/* One integer element of an AML package; advances *pp.  -1 if unknown. */
static int
aml_small_int(const uint8_t **pp, const uint8_t *end)
{
	const uint8_t *p = *pp;

	if (p >= end)
		return -1;
	if (*p == AML_BYTE_PREFIX && p + 1 < end) {
		*pp = p + 2;
		return p[1];
	}
	if (*p == AML_ZERO_OP || *p == AML_ONE_OP) {
		*pp = p + 1;
		return *p;
	}
	return -1;
}

/*
 * SLP_TYPa/SLP_TYPb of \_S5 in the DSDT: Name(_S5_, Package(){a, b, ...})
 * (§7.4.2).  0 or -1 if the object is not there in that form.
 */
static int
s5_sleep_types(const uint8_t *dsdt, int *a, int *b)
{
	const uint8_t *p, *end = dsdt + rd32(dsdt + 4);
	int pkglen_bytes;

	for (p = dsdt + 36; p + 8 < end; p++) {
		if (p[0] != '_' || p[1] != 'S' || p[2] != '5' || p[3] != '_')
			continue;
		/* NameOp directly before, or with a root prefix '\'. */
		if (p[-1] != AML_NAME_OP &&
		    !(p[-1] == '\\' && p[-2] == AML_NAME_OP))
			continue;
		p += 4;
		if (*p++ != AML_PACKAGE_OP)
			continue;
		pkglen_bytes = (*p >> 6) + 1;	/* PkgLength, §20.2.4 */
		p += pkglen_bytes + 1;		/* and NumElements */
		if ((*a = aml_small_int(&p, end)) < 0)
			return -1;
		if ((*b = aml_small_int(&p, end)) < 0)
			*b = 0;
		return 0;
	}
	return -1;
}

/* Write a byte to a generic address structure (§5.2.3.2). */
static void
gas_write8(const uint8_t *gas, uint8_t v)
{
	uint64_t addr = rd64(gas + 4);

	if (gas[0] == 1 && addr != 0 && addr <= 0xffff)	/* system I/O */
		outb((uint16_t)addr, v);
	else if (gas[0] == 0 && addr != 0 && addr < ACPI_MAPPED_TOP)
		*(volatile uint8_t *)(uintptr_t)addr = v;	/* memory */
}

/* ACPI S5 (soft off), §16.1.7.  Returns if that did not work. */
static void
acpi_poweroff(void)
{
	const uint8_t *fadt, *dsdt = NULL;
	uint32_t len, pm1a, pm1b, smi_cmd, i;
	uint16_t v;
	int typa, typb;

	if ((fadt = acpi_find("FACP")) == NULL)
		return;
	len = rd32(fadt + 4);
	if (len >= FADT_X_DSDT + 8)
		dsdt = sdt(rd64(fadt + FADT_X_DSDT));
	if (dsdt == NULL)
		dsdt = sdt(rd32(fadt + FADT_DSDT));
	if (dsdt == NULL || s5_sleep_types(dsdt, &typa, &typb) != 0)
		return;

	if (len >= FADT_SLEEP_CONTROL + 12 &&
	    (rd32(fadt + FADT_FLAGS) & FADT_HW_REDUCED)) {
		gas_write8(fadt + FADT_SLEEP_CONTROL,
		    (uint8_t)(((typa & 7) << SLEEP_TYP_SHIFT) | SLEEP_EN));
		return;
	}

	pm1a = rd32(fadt + FADT_PM1A_CNT);
	pm1b = rd32(fadt + FADT_PM1B_CNT);
	if (pm1a == 0 || pm1a > 0xffff)
		return;
	/* Enter ACPI mode if firmware left us in legacy mode (§4.8.2.1). */
	smi_cmd = rd32(fadt + FADT_SMI_CMD);
	if ((inw((uint16_t)pm1a) & PM1_SCI_EN) == 0 && smi_cmd != 0 &&
	    smi_cmd <= 0xffff && fadt[FADT_ACPI_ENABLE] != 0) {
		outb((uint16_t)smi_cmd, fadt[FADT_ACPI_ENABLE]);
		for (i = 0; i < 1000000; i++) {
			if (inw((uint16_t)pm1a) & PM1_SCI_EN)
				break;
			cpu_pause();
		}
	}
	v = inw((uint16_t)pm1a) & ~PM1_SLP_TYP_MASK;
	outw((uint16_t)pm1a, v | (uint16_t)(typa << PM1_SLP_TYP_SHIFT) | PM1_SLP_EN);
	if (pm1b != 0 && pm1b <= 0xffff) {
		v = inw((uint16_t)pm1b) & ~PM1_SLP_TYP_MASK;
		outw((uint16_t)pm1b, v | (uint16_t)(typb << PM1_SLP_TYP_SHIFT) |
		    PM1_SLP_EN);
	}
	/* Power-off takes effect at once in a VM; give hardware a moment. */
	for (i = 0; i < 1000000; i++)
		cpu_pause();
}

/* Reset: keyboard controller pulse (8042 command 0xfe), then a triple
 * fault (an empty IDT makes int3 fault twice over). */
static _Noreturn void
reset(void)
{
	static const struct __packed { uint16_t limit; uint64_t base; } no_idt;
	int i;

	for (i = 0; i < 100000 && (inb(KBC_STATUS) & KBC_INPUT_FULL); i++)
		cpu_pause();
	outb(KBC_STATUS, KBC_PULSE_RESET);
	for (i = 0; i < 1000000; i++)
		cpu_pause();
	__asm__ volatile("lidt %0; int3" :: "m"(no_idt));
	for (;;)
		__asm__ volatile("cli; hlt");
}

static uint32_t
apic_id_cpuid(void)
{
	uint32_t a, b, c, d;

	cpuid(1, 0, &a, &b, &c, &d);
	return b >> 24;		/* CPUID.1:EBX[31:24], initial APIC ID */
}

/*
 * End the VM with status (0-255), never returning.  Prints nothing itself
 * except the "vmgo-exit: N" line on the debug console port, which the
 * host reads to learn N exactly.  Any CPU, any context, interrupts on or
 * off.  A second CPU calling meanwhile halts; a fault on the way out
 * (re-entry on the same CPU) skips to the reset.
 */
void
platform_exit(int status)
{
	uint32_t me = apic_id_cpuid() + 1, prev = 0;
	char line[32];
	int i, n;

	irq_disable();
	if (!__atomic_compare_exchange_n(&exit_owner, &prev, me, 0,
	    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
		if (prev == me)
			reset();
		for (;;)
			__asm__ volatile("cli; hlt");
	}
	status &= 0xff;
	n = ksnprintf(line, sizeof(line), "vmgo-exit: %d\n", status);
	for (i = 0; i < n; i++)
		outb(VMGO_DEBUGCON_PORT, (uint8_t)line[i]);
	/* QEMU isa-debug-exit: exits with (status << 1) | 1 right here. */
	outl(VMGO_DEBUG_EXIT_PORT, (uint32_t)status);
	acpi_poweroff();
	reset();
}

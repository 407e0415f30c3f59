/* SPDX-License-Identifier: ISC */
/*
 * ioapic.c: routing a global system interrupt (GSI) of an I/O APIC to a
 * vector on the boot CPU.  The I/O APICs come from the ACPI MADT (ACPI 6.5
 * §5.2.12.3, entry type 1); without a MADT, the one at the architectural
 * default address 0xfec00000 with GSI base 0 (MP spec 1.4 §3.6.6).
 * Registers: Intel 82093AA I/O APIC data sheet §3.2 (IOREGSEL/IOWIN,
 * IOAPICVER, IOREDTBL).  Only virtio-mmio on microvm uses it: PCI devices
 * here use MSI-X.
 */
#include "kernel.h"
#include "x86_64/dev.h"

#define IOAPIC_DEFAULT_BASE	0xfec00000UL
#define IOAPIC_MAX		8
#define MADT_IOAPIC		1		/* MADT entry type */

#define IOREGSEL		0x00		/* register index */
#define IOWIN			0x10		/* register data */
#define IOAPICVER		0x01		/* bits 16-23: last entry */
#define IOREDTBL(n)		(0x10 + 2 * (n))	/* low word; +1 high */

/* IOREDTBL low word bits (82093AA §3.2.4). */
#define RTE_DEST_PHYS		(0U << 11)
#define RTE_ACTIVE_LOW		(1U << 13)
#define RTE_LEVEL		(1U << 15)
#define RTE_MASKED		(1U << 16)
#define RTE_DEST_SHIFT		24		/* of the high word */

struct ioapic {
	volatile uint32_t	*regs;
	uint32_t		gsi_base;
	uint32_t		npins;
};

static struct spinlock ioapic_lock;
static struct ioapic ioapics[IOAPIC_MAX];
static int nioapic = -1;		/* -1: not looked for yet */

static uint32_t
ioapic_read(struct ioapic *a, uint32_t reg)
{
	a->regs[IOREGSEL / 4] = reg;
	return a->regs[IOWIN / 4];
}

static void
ioapic_write(struct ioapic *a, uint32_t reg, uint32_t v)
{
	a->regs[IOREGSEL / 4] = reg;
	a->regs[IOWIN / 4] = v;
}

static void
ioapic_add(uintptr_t pa, uint32_t gsi_base)
{
	struct ioapic *a;

	if (nioapic >= IOAPIC_MAX)
		return;
	a = &ioapics[nioapic];
	a->regs = vm_map_mmio(pa, PAGE_SIZE);
	if (a->regs == NULL)
		return;
	a->gsi_base = gsi_base;
	a->npins = ((ioapic_read(a, IOAPICVER) >> 16) & 0xff) + 1;
	nioapic++;
}

/* Fill ioapics[] once.  ioapic_lock held. */
static void
ioapic_find(void)
{
	const uint8_t *t = acpi_table("APIC"), *p, *end;
	uint32_t addr, base;

	nioapic = 0;
	if (t != NULL) {
		memcpy(&addr, t + 4, 4);		/* table length */
		end = t + addr;
		for (p = t + 44; p + 2 <= end && p[1] >= 2 && p + p[1] <= end;
		    p += p[1]) {
			if (p[0] != MADT_IOAPIC || p[1] < 12)
				continue;
			memcpy(&addr, p + 4, 4);
			memcpy(&base, p + 8, 4);
			ioapic_add(addr, base);
		}
	}
	if (nioapic == 0)
		ioapic_add(IOAPIC_DEFAULT_BASE, 0);
}

/* See dev.h. */
int
ioapic_route(uint32_t gsi, int vector, int flags)
{
	struct ioapic *a;
	uint32_t lo, pin;
	int i;

	spin_lock(&ioapic_lock);
	if (nioapic < 0)
		ioapic_find();
	for (i = 0; i < nioapic; i++) {
		a = &ioapics[i];
		if (gsi < a->gsi_base || gsi - a->gsi_base >= a->npins)
			continue;
		pin = gsi - a->gsi_base;
		lo = (uint32_t)vector | RTE_DEST_PHYS |
		    ((flags & IOAPIC_LEVEL) ? RTE_LEVEL : 0) |
		    ((flags & IOAPIC_ACTIVE_LOW) ? RTE_ACTIVE_LOW : 0);
		/* Masked while the destination changes, then unmasked. */
		ioapic_write(a, IOREDTBL(pin), lo | RTE_MASKED);
		ioapic_write(a, IOREDTBL(pin) + 1,
		    cpus[0].apic_id << RTE_DEST_SHIFT);
		ioapic_write(a, IOREDTBL(pin), lo);
		spin_unlock(&ioapic_lock);
		return 0;
	}
	spin_unlock(&ioapic_lock);
	return -ENODEV;
}

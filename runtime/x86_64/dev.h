/* SPDX-License-Identifier: ISC */
/*
 * dev.h: what device drivers build on: PCI configuration space and MSI-X
 * (pci.c), device interrupt vectors (irq.c), the I/O APIC (ioapic.c) and
 * ACPI table lookup (smp.c).
 */
#ifndef VMGO_RUNTIME_X86_64_DEV_H
#define VMGO_RUNTIME_X86_64_DEV_H

#include <stdbool.h>
#include <stdint.h>

/* smp.c: ACPI */
/* The ACPI table with signature sig (4 characters, e.g. "APIC", "FACP")
 * from the RSDT/XSDT, or NULL.  Tables below 4 GiB only.  Any context. */
const uint8_t *acpi_table(const char *sig);
/* The DSDT (from the FADT), or NULL. */
const uint8_t *acpi_dsdt(void);

/* irq.c: vectors for device interrupts */
typedef void (*irq_fn)(void *arg);
/*
 * Take a free vector in [IRQ_VEC_FIRST, IRQ_VEC_LAST] and route it to
 * fn(arg), called with interrupts off on the IRQ IST stack; irq.c sends
 * the local APIC EOI after fn returns (for a level-triggered source, fn
 * must have quietened the device by then).  The vector, or -ENOSPC.
 * Thread context.
 */
int	irq_alloc(irq_fn fn, void *arg);
#define IRQ_VEC_FIRST	0x30	/* 0x20-0x2f: the masked 8259s (lapic.c) */
#define IRQ_VEC_LAST	0xef	/* 0xf0 up: timer, IPIs (cpu.h) */

/* ioapic.c: the I/O APIC(s) from the MADT (ACPI 6.5 §5.2.12.3) */
#define IOAPIC_LEVEL		0x1	/* level-triggered (else edge) */
#define IOAPIC_ACTIVE_LOW	0x2	/* (else active high) */
/*
 * Deliver GSI gsi as vector to the boot CPU, trigger and polarity from
 * flags (IOAPIC_*), unmasked.  0, -ENODEV (no I/O APIC has that GSI).
 * Thread context.
 */
int	ioapic_route(uint32_t gsi, int vector, int flags);

/* pci.c: PCI configuration space (PCI Local Bus 3.0 §3.2.2.3.2, §6) */
struct pci_dev {
	uint8_t		bus, dev, fn;
	uint16_t	vendor, device;
	uint8_t		class, subclass;
	uint16_t	msix_cap;	/* config offset of MSI-X, 0 if none */
	uint16_t	msix_size;	/* table entries */
	volatile uint32_t *msix_table;	/* mapped by pci_msix_enable */
};
uint32_t pci_read32(const struct pci_dev *p, unsigned int off);
uint16_t pci_read16(const struct pci_dev *p, unsigned int off);
uint8_t	pci_read8(const struct pci_dev *p, unsigned int off);
void	pci_write32(const struct pci_dev *p, unsigned int off, uint32_t v);
void	pci_write16(const struct pci_dev *p, unsigned int off, uint16_t v);
/*
 * Call fn on every function present (bridges excepted) on bus 0 and the
 * buses behind its bridges.  Boot, thread context.
 */
void	pci_scan(void (*fn)(struct pci_dev *p));
/*
 * Memory BAR i (a 64-bit BAR takes i and i+1): its address in *addr and
 * size in *size (sized with decoding off, PCI 3.0 §6.2.5.1: slow under
 * QEMU, which remaps memory on each step; prefer pci_bar_addr).  0,
 * -ENODEV (no memory BAR there, or not assigned).
 */
int	pci_bar(const struct pci_dev *p, int i, uint64_t *addr, uint64_t *size);
/*
 * The address memory BAR i decodes, from configuration reads alone (no
 * sizing: under QEMU every BAR or decode change remaps guest memory,
 * which is slow).  0, -ENODEV (I/O BAR, unassigned, or none).
 */
int	pci_bar_addr(const struct pci_dev *p, int i, uint64_t *addr);
/* Config offset of the first capability with id at or after the one at
 * start (0: from the beginning; else continue after start), or 0. */
unsigned int pci_cap_next(const struct pci_dev *p, uint8_t id,
	    unsigned int start);
/* Enable memory decoding and bus mastering (command register). */
void	pci_enable(const struct pci_dev *p);
/*
 * MSI-X (PCI 3.0 §6.8.2): map the table, mask every entry and enable
 * MSI-X with the function masked.  0, -ENODEV (no MSI-X), -ENOMEM.
 */
int	pci_msix_enable(struct pci_dev *p);
/* Entry i sends vector to the boot CPU, unmasked (SDM vol 3A §10.11). */
void	pci_msix_set(struct pci_dev *p, unsigned int i, int vector);
/* Clear the function mask: entries fire from now on. */
void	pci_msix_unmask(struct pci_dev *p);

#endif

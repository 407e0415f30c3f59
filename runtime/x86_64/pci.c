/* SPDX-License-Identifier: ISC */
/*
 * pci.c: PCI configuration space through configuration mechanism #1, the
 * 0xcf8 address and 0xcfc data ports (PCI Local Bus 3.0 §3.2.2.3.2),
 * which pc and q35 both have; bus enumeration, memory BARs, capability
 * lists and MSI-X tables (§6.8.2).  The firmware (SeaBIOS) has assigned
 * every BAR by the time the runtime boots; we use them where they are.
 */
#include "kernel.h"
#include "x86_64/dev.h"

#define PCI_CONF_ADDR	0xcf8
#define PCI_CONF_DATA	0xcfc
#define PCI_ENABLE	0x80000000U

/* Configuration header offsets and bits, PCI 3.0 §6.1-§6.2. */
#define PCI_VENDOR	0x00
#define PCI_DEVICE	0x02
#define PCI_COMMAND	0x04
#define PCI_STATUS	0x06
#define PCI_CLASS	0x08		/* revision, prog-if, subclass, class */
#define PCI_HEADER	0x0e
#define PCI_BAR0	0x10
#define PCI_CAP_PTR	0x34
#define CMD_IO		0x0001
#define CMD_MEM		0x0002
#define CMD_MASTER	0x0004
#define CMD_INTX_OFF	0x0400
#define STATUS_CAPS	0x0010
#define HEADER_MULTI	0x80
#define HEADER_TYPE	0x7f
#define HEADER_BRIDGE	0x01		/* PCI-to-PCI bridge */
#define PCI_SECONDARY_BUS 0x19
#define BAR_IO		0x1
#define BAR_TYPE_64	0x4		/* bits 2:1 == 10b */
#define BAR_MEM_MASK	(~0xfULL)

/* MSI-X capability, §6.8.2.3-§6.8.2.6. */
#define PCI_CAP_MSIX	0x11
#define MSIX_CTRL	0x02
#define MSIX_TABLE	0x04
#define MSIX_CTRL_SIZE	0x07ff		/* table size - 1 */
#define MSIX_CTRL_MASK	0x4000		/* function mask */
#define MSIX_CTRL_EN	0x8000
#define MSIX_BIR	0x7
#define MSIX_ENTRY	16		/* bytes per table entry */
#define MSIX_VEC_MASKED	0x1

/* MSI message, Intel SDM vol 3A §10.11.1-§10.11.2: address 0xfeeXX000
 * with the destination APIC id in bits 19:12; data: the vector, fixed
 * delivery, edge. */
#define MSI_ADDR_BASE	0xfee00000U
#define MSI_DEST_SHIFT	12

#define PCI_MAX_CAPS	48		/* 192 bytes of 4-byte capabilities */

static struct spinlock pci_lock;

static uint32_t
conf_addr(const struct pci_dev *p, unsigned int off)
{
	return PCI_ENABLE | (uint32_t)p->bus << 16 | (uint32_t)p->dev << 11 |
	    (uint32_t)p->fn << 8 | (off & 0xfc);
}

/* See dev.h: configuration reads and writes, any context. */
uint32_t
pci_read32(const struct pci_dev *p, unsigned int off)
{
	uint64_t f = spin_lock_irqsave(&pci_lock);
	uint32_t v;

	outl(PCI_CONF_ADDR, conf_addr(p, off));
	v = inl(PCI_CONF_DATA);
	spin_unlock_irqrestore(&pci_lock, f);
	return v;
}

uint16_t
pci_read16(const struct pci_dev *p, unsigned int off)
{
	return (uint16_t)(pci_read32(p, off) >> ((off & 2) * 8));
}

uint8_t
pci_read8(const struct pci_dev *p, unsigned int off)
{
	return (uint8_t)(pci_read32(p, off) >> ((off & 3) * 8));
}

void
pci_write32(const struct pci_dev *p, unsigned int off, uint32_t v)
{
	uint64_t f = spin_lock_irqsave(&pci_lock);

	outl(PCI_CONF_ADDR, conf_addr(p, off));
	outl(PCI_CONF_DATA, v);
	spin_unlock_irqrestore(&pci_lock, f);
}

void
pci_write16(const struct pci_dev *p, unsigned int off, uint16_t v)
{
	uint64_t f = spin_lock_irqsave(&pci_lock);

	outl(PCI_CONF_ADDR, conf_addr(p, off));
	outw((uint16_t)(PCI_CONF_DATA + (off & 2)), v);
	spin_unlock_irqrestore(&pci_lock, f);
}

/* Fill the identity of function bus:dev.fn into *p; false if absent. */
static bool
pci_probe(struct pci_dev *p, int bus, int dev, int fn)
{
	uint32_t id, cls;
	unsigned int cap;

	memset(p, 0, sizeof(*p));
	p->bus = (uint8_t)bus;
	p->dev = (uint8_t)dev;
	p->fn = (uint8_t)fn;
	id = pci_read32(p, PCI_VENDOR);
	if ((id & 0xffff) == 0xffff || (id & 0xffff) == 0)
		return false;
	p->vendor = (uint16_t)id;
	p->device = (uint16_t)(id >> 16);
	cls = pci_read32(p, PCI_CLASS);
	p->class = (uint8_t)(cls >> 24);
	p->subclass = (uint8_t)(cls >> 16);
	cap = pci_cap_next(p, PCI_CAP_MSIX, 0);
	if (cap != 0) {
		p->msix_cap = (uint16_t)cap;
		p->msix_size = (uint16_t)((pci_read16(p, cap + MSIX_CTRL) &
		    MSIX_CTRL_SIZE) + 1);
	}
	return true;
}

/*
 * Every function of bus, then the buses behind its PCI-to-PCI bridges
 * (header type 1, secondary bus number at 0x19: PCI-to-PCI Bridge
 * Architecture 1.2 §3.2.5.3), each bus once.
 */
static void
scan_bus(int bus, void (*fn)(struct pci_dev *p), uint8_t *seen)
{
	struct pci_dev p;
	int dev, f, nfn, sec;

	if (seen[bus])
		return;
	seen[bus] = 1;
	for (dev = 0; dev < 32; dev++) {
		if (!pci_probe(&p, bus, dev, 0))
			continue;
		nfn = (pci_read8(&p, PCI_HEADER) & HEADER_MULTI) ? 8 : 1;
		for (f = 0; f < nfn; f++) {
			if (f != 0 && !pci_probe(&p, bus, dev, f))
				continue;
			if ((pci_read8(&p, PCI_HEADER) & HEADER_TYPE) ==
			    HEADER_BRIDGE) {
				sec = pci_read8(&p, PCI_SECONDARY_BUS);
				if (sec != 0)
					scan_bus(sec, fn, seen);
				continue;
			}
			fn(&p);
		}
	}
}

/*
 * See dev.h.  From bus 0 down through bridges; a multi-function host
 * bridge at 00:00 means one root bus per function (PCI 3.0 §3.2.2.3.2's
 * "multiple host bridges", as Linux and the BSDs read it).
 */
void
pci_scan(void (*fn)(struct pci_dev *p))
{
	static uint8_t seen[256];
	struct pci_dev host;
	int f;

	memset(seen, 0, sizeof(seen));
	scan_bus(0, fn, seen);
	if (pci_probe(&host, 0, 0, 0) &&
	    (pci_read8(&host, PCI_HEADER) & HEADER_MULTI))
		for (f = 1; f < 8; f++)
			if (pci_probe(&host, 0, 0, f))
				scan_bus(f, fn, seen);
}

/* See dev.h. */
int
pci_bar(const struct pci_dev *p, int i, uint64_t *addr, uint64_t *size)
{
	unsigned int off = PCI_BAR0 + 4 * (unsigned int)i;
	uint32_t lo, hi = 0, szlo, szhi = 0xffffffffU;
	uint16_t cmd;
	bool is64;
	uint64_t a, s;

	if (i < 0 || i > 5 || (pci_read8(p, PCI_HEADER) & HEADER_TYPE) != 0)
		return -ENODEV;
	lo = pci_read32(p, off);
	if (lo & BAR_IO)
		return -ENODEV;
	is64 = (lo & 0x6) == BAR_TYPE_64;
	if (is64 && i == 5)
		return -ENODEV;
	if (is64)
		hi = pci_read32(p, off + 4);
	/* Sizing, §6.2.5.1: write all ones, read back, restore; with
	 * memory decoding off meanwhile so nothing answers there. */
	cmd = pci_read16(p, PCI_COMMAND);
	pci_write16(p, PCI_COMMAND, (uint16_t)(cmd & ~(CMD_MEM | CMD_IO)));
	pci_write32(p, off, 0xffffffffU);
	szlo = pci_read32(p, off);
	pci_write32(p, off, lo);
	if (is64) {
		pci_write32(p, off + 4, 0xffffffffU);
		szhi = pci_read32(p, off + 4);
		pci_write32(p, off + 4, hi);
	}
	pci_write16(p, PCI_COMMAND, cmd);
	a = ((uint64_t)hi << 32 | lo) & BAR_MEM_MASK;
	s = ~(((uint64_t)szhi << 32 | szlo) & BAR_MEM_MASK) + 1;
	if (!is64)
		s &= 0xffffffffULL;
	if (a == 0 || s == 0)
		return -ENODEV;
	*addr = a;
	*size = s;
	return 0;
}

/* See dev.h.  Config reads only: no sizing, so nothing is remapped. */
int
pci_bar_addr(const struct pci_dev *p, int i, uint64_t *addr)
{
	unsigned int off = PCI_BAR0 + 4 * (unsigned int)i;
	uint32_t lo;
	uint64_t a;

	if (i < 0 || i > 5 || (pci_read8(p, PCI_HEADER) & HEADER_TYPE) != 0)
		return -ENODEV;
	lo = pci_read32(p, off);
	if (lo & BAR_IO)
		return -ENODEV;
	a = lo & BAR_MEM_MASK;
	if ((lo & 0x6) == BAR_TYPE_64) {
		if (i == 5)
			return -ENODEV;
		a |= (uint64_t)pci_read32(p, off + 4) << 32;
	}
	if (a == 0)
		return -ENODEV;
	*addr = a;
	return 0;
}

/* See dev.h. */
unsigned int
pci_cap_next(const struct pci_dev *p, uint8_t id, unsigned int start)
{
	unsigned int off;
	int n;

	if (!(pci_read16(p, PCI_STATUS) & STATUS_CAPS))
		return 0;
	off = start == 0 ? pci_read8(p, PCI_CAP_PTR) : pci_read8(p, start + 1);
	for (n = 0; n < PCI_MAX_CAPS && off >= 0x40; n++) {
		off &= 0xfc;
		if (pci_read8(p, off) == id)
			return off;
		off = pci_read8(p, off + 1);
	}
	return 0;
}

/* See dev.h.  INTx goes off too: we never use it. */
void
pci_enable(const struct pci_dev *p)
{
	uint16_t cmd = pci_read16(p, PCI_COMMAND);

	pci_write16(p, PCI_COMMAND,
	    (uint16_t)(cmd | CMD_MEM | CMD_MASTER | CMD_INTX_OFF));
}

/* See dev.h. */
int
pci_msix_enable(struct pci_dev *p)
{
	uint32_t t;
	uint64_t base;
	unsigned int i;
	uint16_t ctrl;

	if (p->msix_cap == 0)
		return -ENODEV;
	t = pci_read32(p, p->msix_cap + MSIX_TABLE);
	if (pci_bar_addr(p, (int)(t & MSIX_BIR), &base) != 0)
		return -ENODEV;
	p->msix_table = vm_map_mmio(base + (t & ~MSIX_BIR),
	    (size_t)p->msix_size * MSIX_ENTRY);
	if (p->msix_table == NULL)
		return -ENOMEM;
	ctrl = pci_read16(p, p->msix_cap + MSIX_CTRL);
	pci_write16(p, p->msix_cap + MSIX_CTRL,
	    (uint16_t)(ctrl | MSIX_CTRL_EN | MSIX_CTRL_MASK));
	for (i = 0; i < p->msix_size; i++)
		p->msix_table[i * 4 + 3] = MSIX_VEC_MASKED;
	return 0;
}

/* See dev.h. */
void
pci_msix_set(struct pci_dev *p, unsigned int i, int vector)
{
	volatile uint32_t *e = p->msix_table + i * 4;

	e[3] = MSIX_VEC_MASKED;
	e[0] = MSI_ADDR_BASE | cpus[0].apic_id << MSI_DEST_SHIFT;
	e[1] = 0;
	e[2] = (uint32_t)vector;
	e[3] = 0;
}

/* See dev.h. */
void
pci_msix_unmask(struct pci_dev *p)
{
	uint16_t ctrl = pci_read16(p, p->msix_cap + MSIX_CTRL);

	pci_write16(p, p->msix_cap + MSIX_CTRL,
	    (uint16_t)((ctrl | MSIX_CTRL_EN) & ~MSIX_CTRL_MASK));
}

/* SPDX-License-Identifier: ISC */
/*
 * test_virtio_mmio.c: how runtime/virtio/virtio_mmio.c finds devices:
 * "virtio_mmio.device=" words of the boot command line (sizes with K/M
 * suffixes, hex and decimal, malformed words ignored) and QEMU microvm's
 * ACPI DSDT ("LNRO0005" devices with Memory32Fixed and Extended
 * Interrupt descriptors, trigger mode and polarity), each transport
 * once, empty slots and legacy (version 1) transports skipped.  The
 * register blocks are host memory.
 */
#include "harness.h"
#include "host_shim.h"

#include "../../runtime/kprintf.c"
#include "../../runtime/virtio/virtio_mmio.c"

/* Fake transports: base address -> a register block in host memory. */
#define NSLOT	4
static uint64_t slot_base[NSLOT] = { 0xfeb00e00, 0xfeb00c00, 0xfeb02e00,
    0xfeb02c00 };
static uint32_t slot_regs[NSLOT][0x200 / 4];

static const uint8_t *dsdt;
static struct bootinfo fake_bi;

/* Attached devices, in order. */
static struct vmmio *got[16];
static int ngot;

void
console_write(const char *s, size_t n)
{
	fwrite(s, 1, n, stdout);
}

void *
vm_map_mmio(uintptr_t pa, size_t len)
{
	int i;

	for (i = 0; i < NSLOT; i++)
		if (slot_base[i] == pa)
			return slot_regs[i];
	return NULL;
}

const uint8_t *
acpi_dsdt(void)
{
	return dsdt;
}

int
irq_alloc(irq_fn fn, void *arg)
{
	return 0x30;
}

int
ioapic_route(uint32_t gsi, int vector, int flags)
{
	return 0;
}

void
virtio_attach(struct virtio_dev *d)
{
	got[ngot++] = d->tp;
}

static void
set_slot(int i, uint32_t version, uint32_t id)
{
	memset(slot_regs[i], 0, sizeof(slot_regs[i]));
	slot_regs[i][MMIO_MAGIC / 4] = MMIO_MAGIC_VALUE;
	slot_regs[i][MMIO_VERSION / 4] = version;
	slot_regs[i][MMIO_DEVICE_ID / 4] = id;
}

static void
reset(const char *cmdline)
{
	int i;

	for (i = 0; i < ngot; i++)
		kfree(got[i]);
	ngot = 0;
	nfound = 0;
	dsdt = NULL;
	memset(&fake_bi, 0, sizeof(fake_bi));
	strncpy(fake_bi.cmdline, cmdline, sizeof(fake_bi.cmdline) - 1);
	boot_info = &fake_bi;
}

TEST(parse_device_words)
{
	uint64_t size, base, irq;

	EXPECT_EQ(parse_device_word("512@0xfeb00e00:12", &size, &base, &irq), 0);
	EXPECT_EQ(size, 512);
	EXPECT_EQ(base, 0xfeb00e00);
	EXPECT_EQ(irq, 12);
	EXPECT_EQ(parse_device_word("4K@0xd0000000:5:3", &size, &base, &irq), 0);
	EXPECT_EQ(size, 4096);
	EXPECT_EQ(irq, 5);
	EXPECT_EQ(parse_device_word("1M@4096:9", &size, &base, &irq), 0);
	EXPECT_EQ(size, 1 << 20);
	EXPECT_EQ(base, 4096);
	EXPECT_EQ(parse_device_word("512@0xfeb00e00", &size, &base, &irq),
	    -EINVAL);
	EXPECT_EQ(parse_device_word("@0x1:2", &size, &base, &irq), -EINVAL);
	EXPECT_EQ(parse_device_word("512@0x:2", &size, &base, &irq), -EINVAL);
	EXPECT_EQ(parse_device_word("512@0x1000:2x", &size, &base, &irq),
	    -EINVAL);
}

TEST(command_line_devices)
{
	set_slot(0, 2, VIRTIO_ID_NET);
	set_slot(1, 2, VIRTIO_ID_ENTROPY);
	set_slot(2, 2, 0);			/* empty */
	set_slot(3, 1, VIRTIO_ID_NET);		/* legacy */
	reset("vmgo.verbose=1 virtio_mmio.device=512@0xfeb00e00:12 "
	    "virtio_mmio.device=bogus virtio_mmio.device=512@0xfeb00c00:11 "
	    "virtio_mmio.device=512@0xfeb02e00:47 "
	    "virtio_mmio.device=512@0xfeb02c00:46 "
	    "virtio_mmio.device=512@0xfeb00e00:12 -- x");
	virtio_mmio_probe_all();
	EXPECT_EQ(ngot, 2);
	EXPECT_EQ(got[0]->base, 0xfeb00e00);
	EXPECT_EQ(got[0]->gsi, 12);
	EXPECT_EQ(got[0]->irq_flags, IOAPIC_LEVEL);
	EXPECT_EQ(got[0]->dev.device_id, VIRTIO_ID_NET);
	EXPECT(strcmp(got[0]->dev.where, "mmio 0xfeb00e00") == 0);
	EXPECT(strcmp(got[0]->dev.intr_kind, "IOAPIC GSI 12 level") == 0);
	EXPECT_EQ(got[1]->base, 0xfeb00c00);
	EXPECT_EQ(got[1]->dev.device_id, VIRTIO_ID_ENTROPY);
	reset("");
}

/* A DSDT with two transports the way QEMU's microvm writes them. */
static size_t
build_dsdt(uint8_t *t, bool edge_low)
{
	static const uint8_t hid[] = { 0x08, '_', 'H', 'I', 'D', 0x0d,
	    'L', 'N', 'R', 'O', '0', '0', '0', '5', 0 };
	uint8_t *p = t + 36;
	uint32_t v;
	int i;

	memset(t, 0, 36);
	memcpy(t, "DSDT", 4);
	for (i = 0; i < 2; i++) {
		memcpy(p, "\x5b\x82\x30VR0", 7);	/* Device (VR0x) */
		p[6] = (uint8_t)('0' + i);
		p += 7;
		memcpy(p, hid, sizeof(hid));
		p += sizeof(hid);
		memcpy(p, "\x08_UID\x0a", 6);		/* Name (_UID, i) */
		p[6] = (uint8_t)i;
		p += 7;
		memcpy(p, "\x08_CRS\x11\x1a\x0a\x17", 9);	/* Buffer */
		p += 9;
		p[0] = ACPI_MEM32_FIXED;
		p[1] = 9;
		p[2] = 0;
		p[3] = 1;
		v = (uint32_t)slot_base[2 + i];
		memcpy(p + 4, &v, 4);
		v = 512;
		memcpy(p + 8, &v, 4);
		p += 12;
		p[0] = ACPI_EXT_IRQ;
		p[1] = 6;
		p[2] = 0;
		p[3] = (uint8_t)(0x01 | (edge_low ? ACPI_IRQ_EDGE |
		    ACPI_IRQ_LOW : 0));
		p[4] = 1;
		v = 47 - (uint32_t)i;
		memcpy(p + 5, &v, 4);
		p += 9;
		p[0] = 0x79;				/* End Tag */
		p[1] = 0;
		p += 2;
	}
	v = (uint32_t)(p - t);
	memcpy(t + 4, &v, 4);
	return v;
}

TEST(acpi_devices)
{
	static uint8_t t[512];

	set_slot(2, 2, VIRTIO_ID_NET);
	set_slot(3, 2, VIRTIO_ID_NET);
	reset("");
	build_dsdt(t, false);
	dsdt = t;
	virtio_mmio_probe_all();
	EXPECT_EQ(ngot, 2);
	EXPECT_EQ(got[0]->base, 0xfeb02e00);
	EXPECT_EQ(got[0]->gsi, 47);
	EXPECT_EQ(got[0]->irq_flags, IOAPIC_LEVEL);
	EXPECT_EQ(got[1]->base, 0xfeb02c00);
	EXPECT_EQ(got[1]->gsi, 46);

	/* Edge, active low; a device also on the command line is taken
	 * once (the command line's comes first). */
	reset("virtio_mmio.device=512@0xfeb02c00:46");
	build_dsdt(t, true);
	dsdt = t;
	virtio_mmio_probe_all();
	EXPECT_EQ(ngot, 2);
	EXPECT_EQ(got[0]->base, 0xfeb02c00);
	EXPECT_EQ(got[0]->irq_flags, IOAPIC_LEVEL);
	EXPECT_EQ(got[1]->base, 0xfeb02e00);
	EXPECT_EQ(got[1]->irq_flags, IOAPIC_ACTIVE_LOW);

	/* Not a DSDT, or cut short: nothing. */
	reset("");
	build_dsdt(t, false);
	memcpy(t, "SSDT", 4);
	dsdt = t;
	virtio_mmio_probe_all();
	EXPECT_EQ(ngot, 0);
	reset("");
	build_dsdt(t, false);
	memset(t + 4, 0, 4);
	t[4] = 60;				/* ends inside the first _CRS */
	dsdt = t;
	virtio_mmio_probe_all();
	EXPECT_EQ(ngot, 0);
	reset("");
}

/* SPDX-License-Identifier: ISC */
/*
 * test_virtq.c: the split virtqueue (runtime/virtio/virtq.c) against the
 * fake device of virtio_fake.h: add and reap, chains, running out of
 * descriptors, 16-bit index wrap-around, and notification/interrupt
 * suppression with and without VIRTIO_F_EVENT_IDX.
 */
#include "harness.h"
#include "host_shim.h"

#include "../../runtime/virtio/virtq.c"
#include "virtio_fake.h"

TEST(init_rejects_bad_sizes)
{
	struct virtq vq;

	EXPECT_EQ(virtq_init(&vq, 0, 0, false), -EINVAL);
	EXPECT_EQ(virtq_init(&vq, 0, 3, false), -EINVAL);
	EXPECT_EQ(virtq_init(&vq, 0, 512, false), -EINVAL);
	EXPECT_EQ(virtq_init(&vq, 0, 8, false), 0);
	EXPECT_EQ(vq.nfree, 8);
	virtq_fini(&vq);
}

TEST(add_and_reap_a_chain)
{
	struct virtq vq;
	struct fake_vq f;
	struct virtq_desc d[4];
	struct virtq_sg sg[3] = { { 0x1000, 12 }, { 0x2000, 100 },
	    { 0x3000, 2048 } };
	uint16_t head;
	uint32_t len;
	int cookie;

	EXPECT_EQ(virtq_init(&vq, 1, 8, false), 0);
	fake_vq_init(&f, &vq);
	EXPECT(virtq_get(&vq, &len) == NULL);
	EXPECT_EQ(virtq_add(&vq, sg, 2, 1, &cookie), 0);
	EXPECT_EQ(vq.nfree, 5);
	EXPECT(virtq_kick_prepare(&vq));
	EXPECT(!virtq_kick_prepare(&vq));	/* nothing new since */
	EXPECT_EQ(fake_vq_pop(&f, d, 4, &head), 3);
	EXPECT_EQ(d[0].addr, 0x1000);
	EXPECT_EQ(d[0].len, 12);
	EXPECT_EQ(d[0].flags, VIRTQ_DESC_F_NEXT);
	EXPECT_EQ(d[1].addr, 0x2000);
	EXPECT_EQ(d[1].flags, VIRTQ_DESC_F_NEXT);
	EXPECT_EQ(d[2].addr, 0x3000);
	EXPECT_EQ(d[2].flags, VIRTQ_DESC_F_WRITE);
	EXPECT(!virtq_pending(&vq));
	fake_vq_push(&f, head, 77);
	EXPECT(virtq_pending(&vq));
	EXPECT(virtq_get(&vq, &len) == &cookie);
	EXPECT_EQ(len, 77);
	EXPECT_EQ(vq.nfree, 8);
	EXPECT(virtq_get(&vq, &len) == NULL);
	virtq_fini(&vq);
}

TEST(full_ring_and_bad_chains)
{
	struct virtq vq;
	struct fake_vq f;
	struct virtq_desc d[2];
	struct virtq_sg sg[5] = { { 1, 1 }, { 2, 1 }, { 3, 1 }, { 4, 1 },
	    { 5, 1 } };
	uint16_t head;
	int c[4], i;

	EXPECT_EQ(virtq_init(&vq, 0, 4, false), 0);
	fake_vq_init(&f, &vq);
	EXPECT_EQ(virtq_add(&vq, sg, 5, 0, &c[0]), -ENOSPC);
	EXPECT_EQ(virtq_add(&vq, sg, 0, 0, &c[0]), -EINVAL);
	EXPECT_EQ(virtq_add(&vq, sg, 1, 0, NULL), -EINVAL);
	for (i = 0; i < 4; i++)
		EXPECT_EQ(virtq_add(&vq, sg, 1, 0, &c[i]), 0);
	EXPECT_EQ(virtq_add(&vq, sg, 1, 0, &c[0]), -ENOSPC);
	/* The device completes out of order: 1 before 0. */
	EXPECT_EQ(fake_vq_pop(&f, d, 2, &head), 1);
	EXPECT_EQ(fake_vq_pop(&f, d, 2, &head), 1);
	fake_vq_push(&f, head, 0);
	EXPECT(virtq_get(&vq, NULL) == &c[1]);
	EXPECT_EQ(virtq_add(&vq, sg + 4, 1, 0, &c[1]), 0);
	EXPECT_EQ(fake_vq_pop(&f, d, 2, &head), 1);
	EXPECT_EQ(fake_vq_pop(&f, d, 2, &head), 1);
	EXPECT_EQ(fake_vq_pop(&f, d, 2, &head), 1);
	EXPECT_EQ(d[0].addr, 5);
	virtq_fini(&vq);
}

/*
 * 70,000 chains of 1-3 descriptors through a ring of 8: avail and used
 * indices wrap past 65535 and every cookie comes back exactly once, in
 * order, with its length.
 */
TEST(wrap_around)
{
	struct virtq vq;
	struct fake_vq f;
	struct virtq_desc d[4];
	struct virtq_sg sg[3] = { { 0x10, 1 }, { 0x20, 2 }, { 0x30, 3 } };
	static uintptr_t cookies[70000];
	unsigned long added = 0, got = 0;
	uint16_t head;
	uint32_t len;
	void *c;
	int n, bad = 0;

	EXPECT_EQ(virtq_init(&vq, 0, 8, true), 0);
	fake_vq_init(&f, &vq);
	while (got < 70000) {
		while (added < 70000 && virtq_add(&vq, sg,
		    (int)(added % 3) + 1, 0, &cookies[added]) == 0)
			added++;
		(void)virtq_kick_prepare(&vq);
		while ((n = fake_vq_pop(&f, d, 4, &head)) > 0)
			fake_vq_push(&f, head, (uint32_t)n);
		while ((c = virtq_get(&vq, &len)) != NULL) {
			if (c != &cookies[got] || len != got % 3 + 1)
				bad++;
			got++;
		}
	}
	EXPECT_EQ(bad, 0);
	EXPECT_EQ(vq.nfree, 8);
	EXPECT_EQ(vq.avail_idx, (uint16_t)70000);
	EXPECT_EQ(vq.last_used, (uint16_t)70000);
	virtq_fini(&vq);
}

/* Without EVENT_IDX: the two flags (§2.7.7). */
TEST(flags_suppression)
{
	struct virtq vq;
	struct fake_vq f;
	struct virtq_desc d[1];
	struct virtq_sg sg = { 0x10, 1 };
	uint16_t head;
	int c;

	EXPECT_EQ(virtq_init(&vq, 0, 8, false), 0);
	fake_vq_init(&f, &vq);
	EXPECT_EQ(virtq_add(&vq, &sg, 1, 0, &c), 0);
	vq.used->flags = VIRTQ_USED_F_NO_NOTIFY;	/* device is polling */
	EXPECT(!virtq_kick_prepare(&vq));
	vq.used->flags = 0;
	EXPECT_EQ(virtq_add(&vq, &sg, 1, 0, &c), 0);
	EXPECT(virtq_kick_prepare(&vq));

	virtq_disable_intr(&vq);
	EXPECT_EQ(fake_vq_pop(&f, d, 1, &head), 1);
	fake_vq_push(&f, head, 1);
	EXPECT(!fake_vq_interrupt(&f));
	/* Enabling finds the chain that raced in: poll again. */
	EXPECT(!virtq_enable_intr(&vq));
	EXPECT(virtq_get(&vq, NULL) == &c);
	EXPECT(virtq_enable_intr(&vq));
	EXPECT_EQ(fake_vq_pop(&f, d, 1, &head), 1);
	fake_vq_push(&f, head, 1);
	EXPECT(fake_vq_interrupt(&f));
	virtq_fini(&vq);
}

/* With EVENT_IDX: avail_event and used_event (§2.7.10). */
TEST(event_idx_suppression)
{
	struct virtq vq;
	struct fake_vq f;
	struct virtq_desc d[1];
	struct virtq_sg sg = { 0x10, 1 };
	uint16_t head;
	int c[8], i;

	EXPECT_EQ(virtq_init(&vq, 0, 8, true), 0);
	fake_vq_init(&f, &vq);
	/* First buffer: avail_event is 0, so the device wants a kick. */
	EXPECT_EQ(virtq_add(&vq, &sg, 1, 0, &c[0]), 0);
	EXPECT(virtq_kick_prepare(&vq));
	/* The device has not caught up (avail_event still 0): adding more
	 * needs no further kick. */
	EXPECT_EQ(virtq_add(&vq, &sg, 1, 0, &c[1]), 0);
	EXPECT(!virtq_kick_prepare(&vq));
	/* The device consumed both and set avail_event = 2: the third
	 * buffer crosses it. */
	EXPECT_EQ(fake_vq_pop(&f, d, 1, &head), 1);
	fake_vq_push(&f, head, 1);
	EXPECT_EQ(fake_vq_pop(&f, d, 1, &head), 1);
	fake_vq_push(&f, head, 1);
	EXPECT_EQ(virtq_add(&vq, &sg, 1, 0, &c[2]), 0);
	EXPECT(virtq_kick_prepare(&vq));

	/* Interrupts: used_event 0 at start, so the first use interrupts;
	 * the flags field is never touched with EVENT_IDX. */
	EXPECT(fake_vq_interrupt(&f));
	virtq_disable_intr(&vq);
	EXPECT_EQ(vq.avail->flags, 0);
	EXPECT(virtq_get(&vq, NULL) == &c[0]);
	EXPECT(virtq_get(&vq, NULL) == &c[1]);
	EXPECT_EQ(fake_vq_pop(&f, d, 1, &head), 1);
	fake_vq_push(&f, head, 1);
	EXPECT(!fake_vq_interrupt(&f));		/* disabled */
	EXPECT(!virtq_enable_intr(&vq));	/* c[2] raced in */
	EXPECT(virtq_get(&vq, NULL) == &c[2]);
	EXPECT(virtq_enable_intr(&vq));
	/* Enabled: the next used buffer interrupts, exactly once for a
	 * batch of several. */
	for (i = 3; i < 6; i++) {
		EXPECT_EQ(virtq_add(&vq, &sg, 1, 0, &c[i]), 0);
		EXPECT_EQ(fake_vq_pop(&f, d, 1, &head), 1);
		fake_vq_push(&f, head, 1);
		EXPECT(fake_vq_interrupt(&f) == (i == 3));
	}
	EXPECT_EQ(f.interrupts, 2);
	virtq_fini(&vq);
}

/* virtq_stalled: outstanding chains the device has not used for limit ns. */
TEST(stalled_queue)
{
	struct virtq vq;
	struct fake_vq f;
	struct virtq_desc d[1];
	struct virtq_sg sg = { 0x10, 1 };
	uint16_t head;
	int c[2];

	EXPECT_EQ(virtq_init(&vq, 0, 8, true), 0);
	fake_vq_init(&f, &vq);
	/* Nothing outstanding: never stalled, however long. */
	EXPECT(!virtq_stalled(&vq, 0, 100));
	EXPECT(!virtq_stalled(&vq, 1000, 100));
	/* Outstanding since 1000: stalled from 1100, then again 100 later. */
	EXPECT_EQ(virtq_add(&vq, &sg, 1, 0, &c[0]), 0);
	EXPECT(!virtq_stalled(&vq, 1050, 100));
	EXPECT(virtq_stalled(&vq, 1100, 100));
	EXPECT(!virtq_stalled(&vq, 1150, 100));
	EXPECT(virtq_stalled(&vq, 1200, 100));
	/* Progress restarts the clock, even with more outstanding. */
	EXPECT_EQ(virtq_add(&vq, &sg, 1, 0, &c[1]), 0);
	EXPECT_EQ(fake_vq_pop(&f, d, 1, &head), 1);
	fake_vq_push(&f, head, 1);
	EXPECT(virtq_get(&vq, NULL) == &c[0]);
	EXPECT(!virtq_stalled(&vq, 5000, 100));
	EXPECT(!virtq_stalled(&vq, 5099, 100));
	EXPECT(virtq_stalled(&vq, 5100, 100));
	/* Drained: not stalled. */
	EXPECT_EQ(fake_vq_pop(&f, d, 1, &head), 1);
	fake_vq_push(&f, head, 1);
	EXPECT(virtq_get(&vq, NULL) == &c[1]);
	EXPECT(!virtq_stalled(&vq, 9000, 100));
	virtq_fini(&vq);
}

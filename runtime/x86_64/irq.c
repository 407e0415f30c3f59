/* SPDX-License-Identifier: ISC */
/*
 * irq.c: vectors for device interrupts, handed out from IRQ_VEC_FIRST up
 * and never taken back (devices are found once, at boot).  Each vector
 * goes through trap_register to one dispatcher, which calls the driver's
 * function with its argument and then sends the local APIC's EOI.
 */
#include "kernel.h"
#include "x86_64/dev.h"

struct irq_slot {
	irq_fn	fn;
	void	*arg;
};

static struct spinlock irq_lock;
static int irq_next = IRQ_VEC_FIRST;
static struct irq_slot irq_slots[256];

/* Every allocated vector lands here (trap.c): interrupts off, IRQ IST. */
static void
irq_dispatch(struct trapframe *tf)
{
	struct irq_slot *s = &irq_slots[tf->vector & 0xff];

	s->fn(s->arg);
	lapic_eoi();
}

/* See dev.h. */
int
irq_alloc(irq_fn fn, void *arg)
{
	int v;

	spin_lock(&irq_lock);
	if (irq_next > IRQ_VEC_LAST) {
		spin_unlock(&irq_lock);
		return -ENOSPC;
	}
	v = irq_next++;
	irq_slots[v].fn = fn;
	irq_slots[v].arg = arg;
	spin_unlock(&irq_lock);
	trap_register(v, irq_dispatch);	/* release-stores the handler */
	return v;
}

/* SPDX-License-Identifier: ISC */
/*
 * spinlock.h: ticket spin locks.  spin_lock_irqsave() is the only form to
 * use for data also touched from interrupt context.  Locks are not
 * recursive.  An all-zero struct spinlock is unlocked.
 */
#ifndef VMGO_RUNTIME_SPINLOCK_H
#define VMGO_RUNTIME_SPINLOCK_H

#include <stdint.h>

struct spinlock {
	uint32_t	next;
	uint32_t	owner;
};

static inline void
spin_lock(struct spinlock *l)
{
	uint32_t me = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);

	while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != me)
		__asm__ volatile("pause");
}

static inline void
spin_unlock(struct spinlock *l)
{
	__atomic_store_n(&l->owner, l->owner + 1, __ATOMIC_RELEASE);
}

static inline uint64_t
spin_lock_irqsave(struct spinlock *l)
{
	uint64_t f = irq_save();

	spin_lock(l);
	return f;
}

static inline void
spin_unlock_irqrestore(struct spinlock *l, uint64_t f)
{
	spin_unlock(l);
	irq_restore(f);
}

#endif

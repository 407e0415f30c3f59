/* SPDX-License-Identifier: ISC */
/* list.h: intrusive doubly linked lists (circular, with a head node). */
#ifndef VMGO_RUNTIME_LIST_H
#define VMGO_RUNTIME_LIST_H

#include <stddef.h>
#include <stdbool.h>

struct list {
	struct list	*next, *prev;
};

#define LIST_INIT(name)	{ &(name), &(name) }
#define list_entry(p, type, member) \
	((type *)((char *)(p) - offsetof(type, member)))
#define list_for_each(p, head) \
	for ((p) = (head)->next; (p) != (head); (p) = (p)->next)
#define list_for_each_safe(p, n, head) \
	for ((p) = (head)->next, (n) = (p)->next; (p) != (head); \
	    (p) = (n), (n) = (p)->next)

static inline void list_init(struct list *l) { l->next = l->prev = l; }
static inline bool list_empty(const struct list *l) { return l->next == l; }

static inline void
list_insert_after(struct list *pos, struct list *n)
{
	n->next = pos->next;
	n->prev = pos;
	pos->next->prev = n;
	pos->next = n;
}

static inline void list_push_back(struct list *h, struct list *n) { list_insert_after(h->prev, n); }
static inline void list_push_front(struct list *h, struct list *n) { list_insert_after(h, n); }

static inline void
list_remove(struct list *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
	n->next = n->prev = n;
}

#endif

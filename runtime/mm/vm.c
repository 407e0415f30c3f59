/* SPDX-License-Identifier: ISC */
/*
 * vm.c: the runtime's one set of 4-level page tables (Intel SDM vol 3A
 * §4.5), shared by all CPUs.
 *
 * vm_init() builds them fresh: an identity map of all RAM (write-back) and
 * of everything else below 4 GiB (uncached: PCI hole, LAPIC 0xfee00000,
 * IOAPIC 0xfec00000), with 2 MiB pages where a whole 2 MiB chunk has one
 * kind and 4 KiB pages where it does not: page 0 is absent (nil
 * dereferences must fault), the image's text is RX, rodata R+NX, the rest
 * RW+NX but for the boot stack's guard page.  Later mappings (stacks,
 * mmap) are 4 KiB pages made on demand.
 *
 * Page-table pages come from page_alloc() and are identity mapped, so a
 * table's physical address is a pointer to it.  Tables emptied by
 * vm_unmap() stay in place: they cost 4 KiB per 2 MiB of address space
 * ever used, and keeping them makes later mappings there cheaper.
 *
 * One lock, vm_lock, taken with interrupts off (vma_fault maps pages from
 * the #PF handler).  Lock order: vma_lock, then vm_lock, then page_lock.
 */
#include "kernel.h"

/* Entry bits, SDM vol 3A §4.5, Tables 4-15 to 4-20. */
#define PTE_P		0x001UL		/* present */
#define PTE_W		0x002UL		/* writable */
#define PTE_PWT		0x008UL		/* write-through */
#define PTE_PCD		0x010UL		/* cache disable; PWT|PCD: PAT 3, UC */
#define PTE_PS		0x080UL		/* 2 MiB page (in a PDE) */
#define PTE_HELD	0x200UL		/* software (bit 9, ignored by the CPU):
					 * a non-present entry that still owns
					 * its frame (mprotect PROT_NONE) */
#define PTE_NX		(1UL << 63)	/* needs EFER.NXE */
#define PTE_ADDR	0x000ffffffffff000UL
#define PDE_ADDR_2M	0x000fffffffe00000UL

#define SZ_2M		(1UL << 21)
#define SZ_1G		(1UL << 30)
#define SZ_512G		(1UL << 39)
#define SZ_4G		(1UL << 32)


/* Image layout, boot/vmgo.ld; the boot stack's guard page, boot/long.S. */
extern char __text_start[], __text_end[];
extern char __rodata_start[], __rodata_end[];
extern char _end[];
extern char boot_stack_guard[];

static uint64_t *pml4;
static uint64_t pte_nx;			/* PTE_NX once EFER.NXE is set */
static uintptr_t image_lo, image_hi;	/* [VMGO_LOAD_ADDR, _end) */
static struct spinlock vm_lock;
static uintptr_t mmio_next = VA_MMIO;

static inline unsigned int
ix(uintptr_t va, int level)
{
	return (va >> (PAGE_SHIFT + 9 * level)) & 511;
}

static inline uint64_t *
table_of(uint64_t e)
{
	return (uint64_t *)(uintptr_t)(e & PTE_ADDR);
}

/* Drop this CPU's translation of the page holding va. */
static inline void
tlb_invalidate(uintptr_t va)
{
#ifndef VMGO_HOST_TEST		/* host unit tests run in ring 3 */
	invlpg(va);
#else
	(void)va;
#endif
}

/*
 * SMP TLB shootdown hook.  Called after this CPU has invalidated the
 * changed entries of [lo, hi) and before any frame unmapped there is
 * freed: the other CPUs invalidate the range too (an NMI each, so a CPU
 * spinning on vm_lock with interrupts off still answers) and this waits
 * for all of them (smp.c).
 */
static void
vm_tlb_shootdown(uintptr_t lo, uintptr_t hi)
{
	if (__atomic_load_n(&ncpus, __ATOMIC_RELAXED) > 1)
		smp_tlb_shootdown(lo, hi);
}

/* Leaf entry bits for VM_* flags (no access at all: 0). */
static uint64_t
pte_bits(int flags)
{
	uint64_t e;

	if ((flags & (VM_READ | VM_WRITE | VM_EXEC)) == 0)
		return 0;
	e = PTE_P;
	if (flags & VM_WRITE)
		e |= PTE_W;
	if ((flags & VM_EXEC) == 0)
		e |= pte_nx;
	if (flags & VM_UNCACHED)
		e |= PTE_PCD | PTE_PWT;
	return e;
}

static int
pte_flags(uint64_t e)
{
	int f;

	if ((e & PTE_P) == 0)
		return 0;
	f = VM_READ;
	if (e & PTE_W)
		f |= VM_WRITE;
	if ((e & PTE_NX) == 0)
		f |= VM_EXEC;
	if (e & PTE_PCD)
		f |= VM_UNCACHED;
	return f;
}

/* A leaf entry for pa with flags; no access keeps the frame as HELD. */
static uint64_t
leaf(uintptr_t pa, int flags)
{
	uint64_t b = pte_bits(flags);

	return (pa & PTE_ADDR) | (b != 0 ? b : PTE_HELD);
}

/*
 * Non-leaf entries allow everything; the leaf decides (SDM vol 3A §4.6:
 * write needs R/W at every level, NX at any level forbids fetches).
 */
static uint64_t *
table_new(uint64_t *slot)
{
	uintptr_t t = page_alloc();

	if (t == 0)
		return NULL;
	*slot = t | PTE_P | PTE_W;
	return (uint64_t *)t;
}

/*
 * Replace the 2 MiB page in *pde (which maps va) by a table of 512 4 KiB
 * entries with the same frames and attributes.  NULL if no frame.
 */
static uint64_t *
split_2m(uint64_t *pde, uintptr_t va)
{
	uint64_t old = *pde, attr, *pt;
	uintptr_t t;
	int i;

	t = page_alloc();
	if (t == 0)
		return NULL;
	pt = (uint64_t *)t;
	/* Bit 12 of a 2 MiB entry is PAT (unused here); PS becomes PAT in
	 * a 4 KiB entry, so it must go (SDM vol 3A Table 4-18, 4-20). */
	attr = old & ~PDE_ADDR_2M & ~PTE_PS & ~(1UL << 12);
	for (i = 0; i < 512; i++)
		pt[i] = ((old & PDE_ADDR_2M) + (uint64_t)i * PAGE_SIZE) | attr;
	*pde = t | PTE_P | PTE_W;
	tlb_invalidate(ALIGN_DOWN(va, SZ_2M));
	return pt;
}

/*
 * The page-directory entry for va.  create: make missing upper tables.
 * NULL if absent (or no frame for a table).
 */
static uint64_t *
pde_of(uintptr_t va, int create)
{
	uint64_t *t = pml4, *e;
	int level;

	for (level = 3; level > 1; level--) {
		e = &t[ix(va, level)];
		if (*e & PTE_P) {
			if (*e & PTE_PS)
				panic("vm: 1 GiB page at %#lx",
				    (unsigned long)va);
			t = table_of(*e);
		} else if (!create || (t = table_new(e)) == NULL) {
			return NULL;
		}
	}
	return &t[ix(va, 1)];
}

/*
 * The 4 KiB entry for va, splitting a 2 MiB page that covers it.  create:
 * make missing tables.  NULL if absent or out of frames.
 */
static uint64_t *
pte_of(uintptr_t va, int create)
{
	uint64_t *pde, *pt;

	pde = pde_of(va, create);
	if (pde == NULL)
		return NULL;
	if ((*pde & PTE_P) == 0) {
		if (!create || (pt = table_new(pde)) == NULL)
			return NULL;
	} else if (*pde & PTE_PS) {
		if ((pt = split_2m(pde, va)) == NULL)
			return NULL;
	} else {
		pt = table_of(*pde);
	}
	return &pt[ix(va, 0)];
}

/*
 * Frames removed by vm_unmap() wait here until the TLBs are clean, so that
 * no CPU can still write to a frame that was handed out again.  [lo, hi)
 * covers every entry cleared since the last shootdown.
 */
struct unmap_batch {
	void		(*free_frame)(uintptr_t pa);
	uintptr_t	lo, hi;
	int		stale;		/* entries cleared since shootdown */
	int		n;
	uintptr_t	pa[32];
	uint32_t	npages[32];
};

static void
batch_flush(struct unmap_batch *b)
{
	int i;
	uint32_t j;

	if (b->stale)
		vm_tlb_shootdown(b->lo, b->hi);
	b->stale = 0;
	for (i = 0; i < b->n; i++)
		for (j = 0; j < b->npages[i]; j++)
			b->free_frame(b->pa[i] + (uintptr_t)j * PAGE_SIZE);
	b->n = 0;
}

static void
batch_add(struct unmap_batch *b, uintptr_t va, uintptr_t pa, uint32_t npages)
{
	if (b->n == (int)ARRAY_LEN(b->pa))
		batch_flush(b);
	if (!b->stale)
		b->lo = va;
	b->stale = 1;
	b->hi = va + (uintptr_t)npages * PAGE_SIZE;
	if (b->free_frame != NULL) {
		b->pa[b->n] = pa;
		b->npages[b->n] = npages;
		b->n++;
	}
}

/* Next multiple of size above va, or end if that is sooner (or wraps). */
static inline uintptr_t
next_boundary(uintptr_t va, uintptr_t size, uintptr_t end)
{
	uintptr_t n = ALIGN_DOWN(va, size) + size;

	return n < va || n > end ? end : n;
}

/*
 * Walk the leaf entries of [va, end) that exist (present or HELD), calling
 * fn on each 4 KiB entry.  Missing tables are skipped a whole table at a
 * time.  A 2 MiB page entirely inside the range goes to fn_2m if not NULL;
 * otherwise (or when only partly covered) it is split first.  Returns 0,
 * or -ENOMEM when a split finds no frame.  vm_lock held.
 */
static int
walk_range(uintptr_t va, uintptr_t end,
    void (*fn)(uint64_t *pte, uintptr_t va, void *arg),
    int (*fn_2m)(uint64_t *pde, uintptr_t va, void *arg), void *arg)
{
	uint64_t *e4, *e3, *e2, *pt;
	uintptr_t next;

	while (va < end) {
		e4 = &pml4[ix(va, 3)];
		if ((*e4 & PTE_P) == 0) {
			va = next_boundary(va, SZ_512G, end);
			continue;
		}
		e3 = &table_of(*e4)[ix(va, 2)];
		if ((*e3 & PTE_P) == 0) {
			va = next_boundary(va, SZ_1G, end);
			continue;
		}
		e2 = &table_of(*e3)[ix(va, 1)];
		next = next_boundary(va, SZ_2M, end);
		if ((*e2 & PTE_P) == 0) {
			va = next;
			continue;
		}
		if (*e2 & PTE_PS) {
			if (fn_2m != NULL && va % SZ_2M == 0 &&
			    next - va == SZ_2M && fn_2m(e2, va, arg) == 0) {
				va = next;
				continue;
			}
			if (split_2m(e2, va) == NULL)
				return -ENOMEM;
		}
		pt = table_of(*e2);
		for (; va < next; va += PAGE_SIZE) {
			if (pt[ix(va, 0)] & (PTE_P | PTE_HELD))
				fn(&pt[ix(va, 0)], va, arg);
		}
	}
	return 0;
}

static void
unmap_4k(uint64_t *pte, uintptr_t va, void *arg)
{
	uint64_t old = *pte;

	*pte = 0;
	if (old & PTE_P)
		tlb_invalidate(va);
	batch_add(arg, va, old & PTE_ADDR, 1);
}

static int
unmap_2m(uint64_t *pde, uintptr_t va, void *arg)
{
	uint64_t old = *pde;

	*pde = 0;
	tlb_invalidate(va);
	batch_add(arg, va, old & PDE_ADDR_2M, 512);
	return 0;
}

struct protect_arg {
	int		flags;
};

static void
protect_4k(uint64_t *pte, uintptr_t va, void *arg)
{
	struct protect_arg *p = arg;
	uint64_t old = *pte;

	*pte = leaf(old & PTE_ADDR, p->flags);
	if (old & PTE_P)
		tlb_invalidate(va);
}

static int
protect_2m(uint64_t *pde, uintptr_t va, void *arg)
{
	struct protect_arg *p = arg;
	uint64_t b = pte_bits(p->flags);

	if (b == 0)
		return -1;		/* no HELD 2 MiB entries: split */
	*pde = (*pde & PDE_ADDR_2M) | b | PTE_PS;
	tlb_invalidate(va);
	return 0;
}

static void
check_range(const char *fn, uintptr_t va, size_t len)
{
	if (va % PAGE_SIZE != 0 || len % PAGE_SIZE != 0 || va + len < va ||
	    va + len > VA_USER_TOP)
		panic("%s: bad range %#lx+%#zx", fn, (unsigned long)va, len);
	if (pml4 == NULL)
		panic("%s before vm_init", fn);
}

/* Map [va, va+len) with vm_lock held; see vm_map. */
static int
map_locked(uintptr_t va, uintptr_t pa, size_t len, int flags)
{
	uint64_t *pde, *pte, old, b;
	size_t off;

	for (off = 0; off < len;) {
		b = pte_bits(flags);
		if ((va + off) % SZ_2M == 0 && (pa + off) % SZ_2M == 0 &&
		    len - off >= SZ_2M && b != 0) {
			pde = pde_of(va + off, 1);
			if (pde == NULL)
				return -ENOMEM;
			if ((*pde & PTE_P) == 0 || (*pde & PTE_PS)) {
				old = *pde;
				*pde = ((pa + off) & PDE_ADDR_2M) | b | PTE_PS;
				if (old & PTE_P)
					tlb_invalidate(va + off);
				off += SZ_2M;
				continue;
			}
		}
		pte = pte_of(va + off, 1);
		if (pte == NULL)
			return -ENOMEM;
		old = *pte;
		*pte = leaf(pa + off, flags);
		if (old & PTE_P)
			tlb_invalidate(va + off);
		off += PAGE_SIZE;
	}
	return 0;
}

/*
 * Map [va, va+len) to [pa, pa+len) with VM_* flags (page aligned; 2 MiB
 * pages where both sides are 2 MiB aligned).  Whatever was mapped there is
 * replaced (its frames are not freed).  flags without READ/WRITE/EXEC
 * reserve the frames inaccessibly.  Returns 0, or -ENOMEM when a page
 * table could not be allocated (part of the range may then be mapped).
 * Any context; takes vm_lock.
 */
int
vm_map(uintptr_t va, uintptr_t pa, size_t len, int flags)
{
	uint64_t fl;
	int r;

	check_range("vm_map", va, len);
	fl = spin_lock_irqsave(&vm_lock);
	r = map_locked(va, pa, len, flags);
	spin_unlock_irqrestore(&vm_lock, fl);
	return r;
}

/*
 * Map the 4 KiB page at va to frame pa only if nothing (not even a
 * PROT_NONE frame) is mapped there.  Returns 0, -EEXIST, or -ENOMEM.  Any
 * context, including the #PF handler; takes vm_lock.
 */
int
vm_map_new(uintptr_t va, uintptr_t pa, int flags)
{
	uint64_t *pte, fl;
	int r;

	check_range("vm_map_new", va, PAGE_SIZE);
	fl = spin_lock_irqsave(&vm_lock);
	pte = pte_of(va, 1);
	if (pte == NULL) {
		r = -ENOMEM;
	} else if (*pte & (PTE_P | PTE_HELD)) {
		r = -EEXIST;
	} else {
		*pte = leaf(pa, flags);
		r = 0;
	}
	spin_unlock_irqrestore(&vm_lock, fl);
	return r;
}

/*
 * Remove the mappings of [va, va+len).  Unless free_frame is NULL, it is
 * called for every 4 KiB frame that was mapped (also PROT_NONE ones), after
 * every CPU's TLB has forgotten it.  Splitting a 2 MiB page that is only
 * partly unmapped needs a frame; without one the call panics.  Any
 * context; takes vm_lock (free_frame runs under it).
 */
void
vm_unmap(uintptr_t va, size_t len, void (*free_frame)(uintptr_t pa))
{
	struct unmap_batch b;
	uint64_t fl;

	check_range("vm_unmap", va, len);
	b.free_frame = free_frame;
	b.stale = 0;
	b.n = 0;
	fl = spin_lock_irqsave(&vm_lock);
	if (walk_range(va, va + len, unmap_4k, unmap_2m, &b) != 0)
		panic("vm_unmap: no frame to split a 2 MiB page at %#lx",
		    (unsigned long)va);
	batch_flush(&b);
	spin_unlock_irqrestore(&vm_lock, fl);
}

/*
 * Change the protection of every mapped page in [va, va+len); unmapped
 * pages stay unmapped.  flags without READ/WRITE/EXEC make pages
 * inaccessible but keep their frames and contents (a later vm_protect
 * restores them).  Returns 0, or -ENOMEM when a 2 MiB page had to be split
 * and no frame was left.  Any context; takes vm_lock.
 */
int
vm_protect(uintptr_t va, size_t len, int flags)
{
	struct protect_arg p = { flags };
	uint64_t fl;
	int r;

	check_range("vm_protect", va, len);
	fl = spin_lock_irqsave(&vm_lock);
	r = walk_range(va, va + len, protect_4k, protect_2m, &p);
	if (r == 0)
		vm_tlb_shootdown(va, va + len);
	spin_unlock_irqrestore(&vm_lock, fl);
	return r;
}

/*
 * The physical address va maps to (page offset included), or 0 if it is
 * not accessible (unmapped or PROT_NONE).  *flags gets the VM_* bits if
 * flags is not NULL (0 when unmapped).  Any context; takes vm_lock.
 */
uintptr_t
vm_lookup(uintptr_t va, int *flags)
{
	uint64_t *pde, e, fl;
	uintptr_t pa;

	pa = 0;
	e = 0;
	fl = spin_lock_irqsave(&vm_lock);
	if (pml4 != NULL && va < VA_USER_TOP && (pde = pde_of(va, 0)) != NULL &&
	    (*pde & PTE_P)) {
		if (*pde & PTE_PS) {
			e = *pde;
			pa = (e & PDE_ADDR_2M) | (va & (SZ_2M - 1));
		} else {
			e = table_of(*pde)[ix(va, 0)];
			if (e & PTE_P)
				pa = (e & PTE_ADDR) | (va & (PAGE_SIZE - 1));
			else
				e = 0;
		}
	}
	spin_unlock_irqrestore(&vm_lock, fl);
	if (flags != NULL)
		*flags = pte_flags(e);
	return pa;
}

/*
 * Map the device region [pa, pa+len) uncached and return its virtual
 * address: pa itself when the region lies below VA_STACKS (the identity
 * map's reach), else an address in [VA_MMIO, VA_MMAP).  NULL when out of
 * page-table frames or window space.  Thread context or boot; takes
 * vm_lock.
 */
void *
vm_map_mmio(uintptr_t pa, size_t len)
{
	uintptr_t lo = ALIGN_DOWN(pa, PAGE_SIZE);
	uintptr_t hi = ALIGN_UP(pa + len, PAGE_SIZE);
	uintptr_t va, align;
	uint64_t fl;
	int r;

	if (len == 0 || hi < lo)
		return NULL;
	if (pml4 == NULL)
		panic("vm_map_mmio before vm_init");
	fl = spin_lock_irqsave(&vm_lock);
	if (hi <= VA_STACKS) {
		va = lo;
	} else {
		align = hi - lo >= SZ_2M && lo % SZ_2M == 0 ? SZ_2M : PAGE_SIZE;
		va = ALIGN_UP(mmio_next, align);
		if (va + (hi - lo) > VA_MMAP || va + (hi - lo) < va) {
			spin_unlock_irqrestore(&vm_lock, fl);
			return NULL;
		}
		mmio_next = va + (hi - lo);
	}
	r = map_locked(va, lo, hi - lo, VM_READ | VM_WRITE | VM_UNCACHED);
	spin_unlock_irqrestore(&vm_lock, fl);
	if (r != 0)
		return NULL;
	return (void *)(va + (pa - lo));
}

/* E820 types whose contents are memory (write-back cacheable). */
static int
mem_cacheable(uint32_t type)
{
	return type == BOOT_MEM_RAM || type == BOOT_MEM_ACPI ||
	    type == BOOT_MEM_NVS;
}

/* How vm_init maps one page or chunk. */
#define KIND_NONE	0		/* not mapped */
#define KIND_MEM	(VM_READ | VM_WRITE)
#define KIND_MMIO	(VM_READ | VM_WRITE | VM_UNCACHED)
#define KIND_MIXED	(-1)

/* KIND_* of [lo, hi) from the memory map alone (image not considered). */
static int
range_kind(uintptr_t lo, uintptr_t hi)
{
	const struct bootinfo *bi = boot_info;
	const struct boot_mem *m;
	int overlap = 0;
	uint32_t i;

	for (i = 0; i < bi->nmem && i < BOOTINFO_MAX_MEM; i++) {
		m = &bi->mem[i];
		if (!mem_cacheable(m->type) || m->addr >= hi ||
		    m->addr + m->len <= lo)
			continue;
		if (m->addr <= lo && m->addr + m->len >= hi)
			return KIND_MEM;
		overlap = 1;
	}
	if (overlap)
		return KIND_MIXED;
	return hi <= SZ_4G ? KIND_MMIO : KIND_NONE;
}

/*
 * VM_* flags of the image page at pa: text RX, rodata R, the file table
 * after _end R, the rest RW, except the page below the boot stack, left
 * out as its guard.
 */
static int
image_kind(uintptr_t pa)
{
	if (pa == (uintptr_t)boot_stack_guard)
		return KIND_NONE;
	if (pa + PAGE_SIZE > (uintptr_t)__text_start &&
	    pa < (uintptr_t)__text_end)
		return VM_READ | VM_EXEC;
	if (pa >= (uintptr_t)__rodata_start &&
	    pa + PAGE_SIZE <= (uintptr_t)__rodata_end)
		return VM_READ;
	if (pa >= (uintptr_t)_end)		/* the file table (fs/rofs.c) */
		return VM_READ;
	return VM_READ | VM_WRITE;
}

static int
page_kind(uintptr_t pa)
{
	if (pa == 0)
		return KIND_NONE;
	if (pa >= image_lo && pa < image_hi)
		return image_kind(pa);
	return range_kind(pa, pa + PAGE_SIZE) == KIND_MEM ? KIND_MEM :
	    pa < SZ_4G ? KIND_MMIO : KIND_NONE;
}

/* Identity-map the 2 MiB chunk at c for vm_init. */
static void
init_chunk(uintptr_t c)
{
	uintptr_t pa;
	int kind;

	kind = c == 0 || (c < image_hi && c + SZ_2M > image_lo) ?
	    KIND_MIXED : range_kind(c, c + SZ_2M);
	if (kind == KIND_NONE)
		return;
	if (kind != KIND_MIXED) {
		if (map_locked(c, c, SZ_2M, kind) != 0)
			panic("vm_init: out of memory for page tables");
		return;
	}
	for (pa = c; pa < c + SZ_2M; pa += PAGE_SIZE) {
		kind = page_kind(pa);
		if (kind != KIND_NONE &&
		    map_locked(pa, pa, PAGE_SIZE, kind) != 0)
			panic("vm_init: out of memory for page tables");
	}
}

/*
 * Build the runtime's page tables and switch every later access to them:
 * data is no-execute when the CPU has NX (cpu_init_bsp already set
 * EFER.NXE, and CR0.WP, which makes read-only pages read-only in ring 0
 * too).  Boot CPU, once, after page_init();
 * panics if page tables cannot be allocated.  Other CPUs load the same CR3.
 */
void
vm_init(void)
{
	uintptr_t top, chunk;

	if (cpu_features.has_nx)	/* cpu_init_bsp set EFER.NXE */
		pte_nx = PTE_NX;
	pml4 = (uint64_t *)page_alloc();
	if (pml4 == NULL)
		panic("vm_init: no frame for the PML4");
	image_lo = VMGO_LOAD_ADDR;
	image_hi = ALIGN_UP(rofs_image_end(NULL), PAGE_SIZE);
	top = ALIGN_UP(MAX(SZ_4G, page_phys_top()), SZ_2M);
	if (top > VA_STACKS)
		top = VA_STACKS;
	for (chunk = 0; chunk < top; chunk += SZ_2M)
		init_chunk(chunk);
	write_cr3((uintptr_t)pml4);
}

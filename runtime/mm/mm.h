/* SPDX-License-Identifier: ISC */
/*
 * mm.h: memory management.  Physical RAM is identity mapped, so a frame's
 * physical address is also a pointer the runtime can use.
 *
 * Virtual address space (lower half only; Go needs canonical 48-bit):
 *   [0, 4 KiB)                 never mapped (nil dereferences fault)
 *   [4 KiB, top of RAM/4 GiB)  identity map: image, frames, MMIO below 4 GiB
 *   [VA_STACKS, VA_MMIO)       thread stacks with guard pages (kstack_alloc)
 *   [VA_MMIO, VA_MMAP)         device regions above the identity map's reach
 *   [VA_MMAP, VA_GO_HEAP)      mmap(NULL, ...) without a usable hint
 *   [VA_GO_HEAP, VA_USER_TOP)  Go's arena hints i<<40 | 0xc000000000 and all
 *                              hinted/FIXED mappings
 */
#ifndef VMGO_RUNTIME_MM_MM_H
#define VMGO_RUNTIME_MM_MM_H

#include <stddef.h>
#include <stdint.h>

struct bootinfo;
struct trapframe;

#define VA_STACKS	0x0000004000000000UL	/* 256 GiB */
#define VA_MMIO		0x0000007000000000UL	/* 448 GiB */
#define VA_MMAP		0x0000008000000000UL	/* 512 GiB */
#define VA_GO_HEAP	0x000000c000000000UL	/* 768 GiB */
#define VA_USER_TOP	0x0000800000000000UL	/* end of the lower half */

/* page.c: physical page-frame allocator over the boot memory map */
/* Take every RAM range of bi except the first MiB, [image start, _end) and
 * RAM at or above VA_STACKS.  Boot, before vm_init(). */
void	page_init(const struct bootinfo *bi);
/* One zero-filled 4 KiB frame, or 0 when memory is exhausted.  Any context. */
uintptr_t page_alloc(void);
/* n physically contiguous zero-filled frames, aligned to 4 KiB, or 0. */
uintptr_t page_alloc_contig(size_t n);
/* Give frames back (a run may go back in pieces); panics on double free. */
void	page_free(uintptr_t pa);
void	page_free_contig(uintptr_t pa, size_t n);
size_t	page_free_count(void);
size_t	page_total_count(void);
uintptr_t page_phys_top(void);		/* end of the highest RAM range */

/* vm.c: the one page table (all CPUs share it) */
#define VM_READ		0x1
#define VM_WRITE	0x2
#define VM_EXEC		0x4
#define VM_UNCACHED	0x8		/* MMIO */
/* Build the runtime's page tables (identity map with the image's text RX,
 * rodata R, data RW+NX, page 0 absent, MMIO below 4 GiB uncached), enable
 * NX and CR0.WP, and switch CR3 to them. */
void	vm_init(void);
/* Map [va, va+len) to [pa, pa+len) with flags, replacing what was there.
 * Page-aligned; flags without R/W/X keep the frames inaccessible.
 * 0 or -ENOMEM. */
int	vm_map(uintptr_t va, uintptr_t pa, size_t len, int flags);
/* Map one page only if nothing is mapped there: 0, -EEXIST, -ENOMEM. */
int	vm_map_new(uintptr_t va, uintptr_t pa, int flags);
/* Remove mappings; each frame that was mapped goes to free_frame (if not
 * NULL) once no TLB holds it. */
void	vm_unmap(uintptr_t va, size_t len, void (*free_frame)(uintptr_t pa));
/* New flags for the mapped pages of the range (none: inaccessible, frames
 * kept).  0 or -ENOMEM. */
int	vm_protect(uintptr_t va, size_t len, int flags);
/* Physical address va maps to, or 0 if unmapped or inaccessible; *flags
 * gets VM_* if not NULL. */
uintptr_t vm_lookup(uintptr_t va, int *flags);
/* Map a device region uncached at an address of the runtime's choosing
 * (pa itself below VA_STACKS, else in [VA_MMIO, VA_MMAP)); NULL if out of
 * memory. */
void	*vm_map_mmio(uintptr_t pa, size_t len);

/* vma.c: virtual ranges behind mmap/munmap/mprotect/madvise */
#define VMA_PROT_NONE	0
#define VMA_PROT_READ	1
#define VMA_PROT_WRITE	2
#define VMA_PROT_EXEC	4
/*
 * Reserve or map len bytes.  hint is tried first when non-zero; fixed means
 * exactly hint, replacing what was there (contents read as zero after).
 * Pages are backed on first touch.  Stores the address in *out.
 * 0, -EINVAL, -ENOMEM.  Thread context.
 */
int	vma_map(uintptr_t hint, size_t len, int prot, int fixed, uintptr_t *out);
int	vma_unmap(uintptr_t addr, size_t len);
int	vma_protect(uintptr_t addr, size_t len, int prot);
/* Give the frames of [addr, addr+len) back; the range stays mapped and
 * reads as zero afterwards. */
int	vma_free_pages(uintptr_t addr, size_t len);
/*
 * Resolve a page fault at addr (error code err, SDM vol 3A §4.7): back a
 * not-present page of a readable/writable vma with a zero frame.  Returns 0
 * when resolved, -EFAULT when the access is invalid (unmapped, PROT_NONE,
 * write to read-only), -ENOMEM when no frame is left.  #PF IST context.
 */
int	vma_fault(uintptr_t addr, uint64_t err);

/* kstack.c: thread and interrupt stacks */
/* A stack of size bytes (rounded to pages, frames allocated now) with an
 * unmapped guard page below.  Returns the lowest usable address or NULL;
 * the top is base + size. */
void	*kstack_alloc(size_t size);
void	kstack_free(void *base, size_t size);

/* kmalloc.c: the runtime's heap (also behind malloc/free).  Thread-safe;
 * not for interrupt context.  16-byte aligned. */
void	*kmalloc(size_t n);
void	*kzalloc(size_t n);
void	*krealloc(void *p, size_t n);
void	kfree(void *p);
/* Aligned allocation (align a power of two); free with kfree. */
void	*kmalloc_aligned(size_t n, size_t align);

#endif

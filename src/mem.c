/*
 * mem.c - the large tables' memory (see mem.h).
 */
#include <sys/mman.h>

#include <stdint.h>

#include "mem.h"

#define HUGE_PAGE	((uintptr_t)2 << 20)

void
mem_hugepages(void *p, size_t len)
{
#ifdef MADV_HUGEPAGE
	uintptr_t a = (uintptr_t)p, end = a + len;

	if (p == NULL || len < MEM_HUGE_MIN)
		return;
	/* The whole huge pages inside: malloc's block is not aligned. */
	a = (a + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
	end &= ~(HUGE_PAGE - 1);
	if (end > a)
		(void)madvise((void *)a, end - a, MADV_HUGEPAGE);
#else
	(void)p;
	(void)len;
#endif
}

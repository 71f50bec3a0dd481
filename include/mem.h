/*
 * mem.h - the large tables' memory.  The flow table (flows, buckets) and the
 * classifier's results, slots and pool of nDPI states are reached at
 * random, a cache line or two per packet: with 4 KiB pages nearly every
 * such access also misses the TLB.  mem_hugepages() asks the kernel to
 * back a table with 2 MiB pages where it can (transparent huge pages in
 * their default "madvise" mode).  The policy's per-flow arrays are a few
 * bytes a flow, under MEM_HUGE_MIN at the default sizes.  A shared leaf,
 * like log and hash.
 */
#ifndef VW_MEM_H
#define VW_MEM_H

#include <stddef.h>

/* Tables smaller than this keep their pages as they are. */
#define MEM_HUGE_MIN	(4u << 20)

/*
 * Advises 2 MiB pages for the whole 2 MiB blocks inside [p, p + len), when
 * len is at least MEM_HUGE_MIN.  Only advice: nothing is touched, and a
 * kernel without transparent huge pages (or with them off) ignores it.
 */
void mem_hugepages(void *p, size_t len);

#endif

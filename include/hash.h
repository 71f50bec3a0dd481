/*
 * hash.h - FNV-1a, 32 bits: the one hash of the small tables and sets the
 * stages keep besides the flow table (inventory lookups, the policy's
 * caches, the alert stage's sets, the learner).  Not keyed: nothing here
 * faces a table an attacker can fill; the flow table has its own seeded
 * hash.  A shared leaf, like log and addr.
 */
#ifndef VW_HASH_H
#define VW_HASH_H

#include <stddef.h>
#include <stdint.h>

#define HASH_FNV_BASIS	2166136261u

/* Continues FNV-1a hash h (start with HASH_FNV_BASIS) over n bytes of p. */
uint32_t hash_fnv1a(uint32_t h, const void *p, size_t n);

#endif

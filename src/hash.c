/*
 * hash.c - FNV-1a for the small tables of the later stages (see hash.h).
 */
#include "hash.h"

uint32_t
hash_fnv1a(uint32_t h, const void *p, size_t n)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ b[i]) * 16777619u;
	return h;
}

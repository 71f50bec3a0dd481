/*
 * rules_priv.h - the ruleset as rules.c (loading and validation) builds it
 * and rules_lookup.c (the lookups of the policy stage) reads it.  Private
 * to the two.
 */
#ifndef VW_RULES_PRIV_H
#define VW_RULES_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include "rules.h"

/*
 * Port index: per transport, the port space is cut at every rule's lo and
 * hi+1 into segments within which the same rules apply; a 65536-entry
 * table maps a port to its segment and each segment owns a slice of one
 * flat array of rule indices.  Lookup is two array reads plus the matches;
 * the table costs 128 KiB per transport, the slices a few entries per rule.
 */
#define NPORTS		65536

struct rules_index {
	uint16_t seg[NPORTS];	/* port -> segment */
	uint32_t *off;		/* segment s owns list[off[s] .. off[s+1]) */
	uint16_t *list;		/* rule indices, most specific first */
	size_t nseg;
};

/* Strings of a ruleset come from these blocks, freed together. */
struct strblock {
	struct strblock *next;
	size_t used, size;
	char data[];
};

struct ruleset {
	struct rule *rules;
	size_t nrules;
	struct rules_topology *topo;
	size_t ntopo;
	const struct rule **byid;	/* rules sorted by id, for bsearch */
	const struct rule **toporules;	/* storage of every topo->rules */
	struct rules_index idx[2];	/* [0] TCP, [1] UDP */
	size_t lookup_max;		/* most rules of one segment */
	struct strblock *strings;
};

/* qsort/bsearch order of struct rule pointers by id. */
int rules_lookup_cmp_id(const void *a, const void *b);

#endif

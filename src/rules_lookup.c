/*
 * rules_lookup.c - what the policy stage asks of a ruleset, on the packet
 * path: the rules of a server port (two array reads, see the port index in
 * rules_priv.h), and the rules and topology statements by id or position.
 * Nothing here allocates or fails; the ruleset is immutable once
 * rules_load() (rules.c) has built it.
 */
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "rules.h"
#include "rules_priv.h"

int
rules_lookup_cmp_id(const void *a, const void *b)
{
	const struct rule *const *x = a, *const *y = b;

	return strcmp((*x)->id, (*y)->id);
}

const struct rule *
rules_find(const struct ruleset *rs, const char *id)
{
	struct rule key;
	const struct rule *kp = &key, **hit;

	if (rs->byid == NULL)
		return NULL;
	key.id = id;
	hit = bsearch(&kp, rs->byid, rs->nrules, sizeof(*rs->byid),
	    rules_lookup_cmp_id);
	return hit ? *hit : NULL;
}

int
rules_lookup(const struct ruleset *rs, uint8_t transport, uint16_t port,
    const struct rule **out, int max)
{
	const struct rules_index *ix;
	uint32_t s, n, i;

	if (transport == IPPROTO_TCP)
		ix = &rs->idx[0];
	else if (transport == IPPROTO_UDP)
		ix = &rs->idx[1];
	else
		return 0;
	s = ix->seg[port];
	n = ix->off[s + 1] - ix->off[s];
	for (i = 0; i < n && (int)i < max; i++)
		out[i] = &rs->rules[ix->list[ix->off[s] + i]];
	return (int)n;
}

size_t
rules_lookup_max(const struct ruleset *rs)
{
	return rs->lookup_max;
}

size_t
rules_count(const struct ruleset *rs)
{
	return rs->nrules;
}

const struct rule *
rules_get(const struct ruleset *rs, size_t i)
{
	return i < rs->nrules ? &rs->rules[i] : NULL;
}

const struct rules_topology *
rules_topology_find(const struct ruleset *rs, const char *id)
{
	size_t i;

	for (i = 0; i < rs->ntopo; i++)
		if (strcmp(rs->topo[i].id, id) == 0)
			return &rs->topo[i];
	return NULL;
}

size_t
rules_topology_count(const struct ruleset *rs)
{
	return rs->ntopo;
}

const struct rules_topology *
rules_topology_get(const struct ruleset *rs, size_t i)
{
	return i < rs->ntopo ? &rs->topo[i] : NULL;
}

/*
 * inventory.c - reads the site inventory (libconfig) into an immutable
 * struct inventory: zones by prefix, hosts by address (open-addressing
 * hash) and by MAC, groups by range (sorted, disjoint segments searched
 * by bisection).  Every problem is reported as "file:line: problem"
 * and nothing is returned unless the whole file is valid.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libconfig.h>

#include "cfgkey.h"
#include "cfgread.h"
#include "errlist.h"
#include "hash.h"
#include "inventory.h"
#include "role.h"

struct inventory {
	struct inventory_zone *zones;
	size_t nzones;
	struct inventory_host *hosts;
	size_t nhosts;
	/* Address -> host index + 1 (0: empty), linear probing. */
	struct addr *akeys;
	uint32_t *avals;
	size_t amask;
	/* MAC -> host index + 1 (0: empty). */
	uint8_t (*mkeys)[6];
	uint32_t *mvals;
	size_t mmask;
	/*
	 * The groups' ranges flattened into disjoint segments: segment k
	 * holds sbeg[k] up to sbeg[k + 1] - 1 (the last one up to the end of
	 * the address space) and belongs to host sown[k] - 1 (0: to none).
	 */
	struct addr *sbeg;
	uint32_t *sown;
	size_t nseg;
	/* The ranges as read, for the overlap checks and the segments. */
	struct inv_range *ranges;
	size_t nranges, capranges;
	/* Names -> host index + 1, while loading (see name_find()). */
	uint32_t *nvals;
	size_t nmask;
	/* Every string and array of the inventory, freed together. */
	void **allocs;
	size_t nallocs, capallocs;
};

/* One range of a group, both ends included. */
struct inv_range {
	struct addr lo, hi;
	uint32_t host;		/* index in hosts */
	int line;		/* of its addresses setting */
	int group;		/* read from groups, not hosts */
};

/*
 * The problems found, and the file they are in: the inventory's, or the
 * one an entry was @included from (set per zone and host).
 */
struct inv_err {
	struct errlist list;
	const char *file;
	const char *top;
};

/* Makes the file of setting s the one e's problems are in. */
static void
inv_at(struct inv_err *e, const config_setting_t *s)
{
	const char *f = config_setting_source_file(s);

	e->file = f != NULL ? f : e->top;
}

/* Room for "file:line" in a message. */
#define PLACE_MAX	512

/*
 * Where an earlier entry is, for a message about a later one in e->file:
 * "line N" in the same file, "file:N" in another (an @included one).
 */
static const char *
inv_place(const struct inv_err *e, const char *file, int line, char *buf,
    size_t len)
{
	if (strcmp(file, e->file) == 0)
		snprintf(buf, len, "line %d", line);
	else
		snprintf(buf, len, "%s:%d", file, line);
	return buf;
}

static const char *const purpose_names[] = {
	[INV_PURPOSE_OTHER] = "other",
	[INV_PURPOSE_CAMERA] = "camera",
	[INV_PURPOSE_SERVER] = "server",
	[INV_PURPOSE_CLIENT] = "client",
	[INV_PURPOSE_DMZ] = "dmz",
	[INV_PURPOSE_INFRA] = "infrastructure",
	NULL
};

#define inv_error(e, line, ...) \
	errlist_add(&(e)->list, (e)->file, (line), __VA_ARGS__)

/* Remembers p for inventory_free(); returns p, or NULL (p freed) on ENOMEM. */
static void *
inv_keep(struct inventory *inv, void *p)
{
	void **n;

	if (p == NULL)
		return NULL;
	if (inv->nallocs == inv->capallocs) {
		size_t cap = inv->capallocs ? inv->capallocs * 2 : 64;
		if ((n = realloc(inv->allocs, cap * sizeof(*n))) == NULL) {
			free(p);
			return NULL;
		}
		inv->allocs = n;
		inv->capallocs = cap;
	}
	inv->allocs[inv->nallocs++] = p;
	return p;
}

static const char *
inv_strdup(struct inventory *inv, const char *s)
{
	return inv_keep(inv, strdup(s));
}

const char *
inventory_purpose_name(enum inventory_purpose p)
{
	if ((size_t)p >= sizeof(purpose_names) / sizeof(purpose_names[0]) - 1)
		return "other";
	return purpose_names[p];
}

#define INV_LIST_MAX	256	/* addresses, MACs, roles, networks per entry */

#define OWN(n, t)	{ n, t, 0, 0, 0, NULL, CFGKEY_NOWHERE, 0, NULL, 0, 0 }

/*
 * The keys of each part of the file (cfgkey.h): the loader reads their
 * values itself, into the inventory it builds.  The whole inventory is
 * read again on a reload.
 */
static const struct cfgkey inv_top_keys[] = {
	OWN("site", CFGKEY_CUSTOM),
	OWN("zones", CFGKEY_CUSTOM),
	OWN("hosts", CFGKEY_CUSTOM),
	OWN("groups", CFGKEY_CUSTOM),
};

static const struct cfgkey inv_zone_keys[] = {
	OWN("name", CFGKEY_STRING),
	OWN("networks", CFGKEY_LIST),
	OWN("vlans", CFGKEY_CUSTOM),
	{ "purpose", CFGKEY_ENUM, 0, 0, 0, "other", CFGKEY_NOWHERE, 0,
	    purpose_names, 0, 0 },
	OWN("description", CFGKEY_STRING),
};

static const struct cfgkey inv_host_keys[] = {
	OWN("name", CFGKEY_STRING),
	OWN("address", CFGKEY_LIST),
	OWN("addresses", CFGKEY_LIST),
	OWN("mac", CFGKEY_LIST),
	OWN("macs", CFGKEY_LIST),
	OWN("roles", CFGKEY_LIST),
	OWN("role", CFGKEY_LIST),
	OWN("router", CFGKEY_BOOL),
	OWN("description", CFGKEY_STRING),
};

#undef OWN

#define NELEM(v)	(sizeof(v) / sizeof(v[0]))

/*
 * The context of e for the entry of setting s: problems in s's file,
 * keys named after prefix (NULL: none), unknown ones "in what".
 */
static struct cfgkey_ctx
inv_ctx(struct inv_err *e, const char *prefix, const char *what)
{
	struct cfgkey_ctx ctx = { &e->list, e->top, prefix, what };

	return ctx;
}

/*
 * The name of entry s (what: "zone", "host", "group") into *name, or -1
 * after reporting it missing or bad.  A name is printable UTF-8 that fits
 * an alert's record.
 */
static int
entry_name(struct inv_err *e, const config_setting_t *s, const char *what,
    const char **name)
{
	const config_setting_t *m = config_setting_get_member(s, "name");
	char prefix[16];
	struct cfgkey_ctx ctx = inv_ctx(e, prefix, NULL);

	snprintf(prefix, sizeof(prefix), "%s ", what);
	if (m == NULL) {
		inv_error(e, config_setting_source_line(s), "%s without a name",
		    what);
		return -1;
	}
	return cfgkey_string(&ctx, m, "name", INVENTORY_NAME_MAX - 1,
	    CFGKEY_PRINT, name);
}

/*
 * The setting of key one or its plural many in s (NULL if neither); both
 * at once is a mistake the file should hear of.
 */
static config_setting_t *
one_of(struct inv_err *e, config_setting_t *s, const char *entry,
    const char *one, const char *many)
{
	config_setting_t *a = config_setting_get_member(s, one);
	config_setting_t *b = config_setting_get_member(s, many);

	if (a != NULL && b != NULL)
		inv_error(e, config_setting_source_line(a), "%s%s and %s both "
		    "given (one is enough: %s is read)", entry, one, many,
		    many);
	return b != NULL ? b : a;
}

static uint32_t
hash_bytes(const uint8_t *p, size_t n)
{
	return hash_fnv1a(HASH_FNV_BASIS, p, n);
}

static size_t
table_size(size_t n)
{
	size_t s = 16;

	while (s < n * 2)
		s <<= 1;
	return s;
}

static void
load_zone(struct inventory *inv, config_setting_t *s, struct inv_err *e)
{
	struct inventory_zone *z = &inv->zones[inv->nzones];
	const char *strs[INV_LIST_MAX], *name = NULL, *str;
	struct inventory_prefix *nets;
	struct cfgkey_ctx ctx = inv_ctx(e, NULL, "zone");
	config_setting_t *m;
	uint16_t *vlans;
	char prefix[INVENTORY_NAME_MAX + 16], where[PLACE_MAX];
	int line = config_setting_source_line(s), n, i, p;
	long long vid;
	size_t k;

	inv_at(e, s);
	ctx.file = e->file;
	if (config_setting_type(s) != CONFIG_TYPE_GROUP) {
		inv_error(e, line, "a zone must be a group { ... }");
		return;
	}
	(void)cfgkey_unknown(&ctx, s, inv_zone_keys, NELEM(inv_zone_keys));
	if (entry_name(e, s, "zone", &name) == -1)
		return;
	snprintf(prefix, sizeof(prefix), "zone %s: ", name);
	ctx.prefix = prefix;
	ctx.what = NULL;
	for (k = 0; k < inv->nzones; k++)
		if (strcmp(inv->zones[k].name, name) == 0)
			inv_error(e, line, "zone %s defined twice (also at "
			    "%s)", name, inv_place(e, inv->zones[k].file,
			    inv->zones[k].line, where, sizeof(where)));
	z->name = inv_strdup(inv, name);
	z->file = e->file;
	z->line = line;
	z->purpose = INV_PURPOSE_OTHER;
	if ((m = config_setting_get_member(s, "purpose")) != NULL &&
	    cfgkey_enum(&ctx, m, "purpose", purpose_names, &p) == 0)
		z->purpose = (enum inventory_purpose)p;
	if ((m = config_setting_get_member(s, "description")) != NULL)
		(void)cfgkey_string(&ctx, m, "description", 0, 0, &str);
	if ((m = config_setting_get_member(s, "networks")) == NULL) {
		inv_error(e, line, "zone %s: no networks", name);
		return;
	}
	if ((n = cfgkey_strings(&ctx, m, "networks", 0, 0, strs,
	    INV_LIST_MAX)) < 0)
		return;
	if (n == 0) {
		inv_error(e, config_setting_source_line(m), "zone %s: the "
		    "networks list is empty", name);
		return;
	}
	nets = inv_keep(inv, calloc((size_t)n, sizeof(*nets)));
	if (nets == NULL) {
		inv_error(e, line, "%s", strerror(errno));
		return;
	}
	for (i = 0; i < n; i++)
		if (addr_parse_prefix(strs[i], &nets[i].net,
		    &nets[i].plen) == -1)
			inv_error(e, config_setting_source_line(m),
			    "zone %s: bad network %s (address/length with "
			    "host bits zero)", name, strs[i]);
	z->nets = nets;
	z->nnets = (size_t)n;
	/*
	 * A network or VLAN of two zones would give its hosts the zone
	 * that happens to come first.
	 */
	for (i = 0; i < n; i++)
		for (k = 0; k < inv->nzones; k++) {
			const struct inventory_zone *o = &inv->zones[k];
			size_t j;

			for (j = 0; j < o->nnets; j++)
				if (o->nets[j].plen == nets[i].plen &&
				    addr_cmp(&o->nets[j].net,
				    &nets[i].net) == 0)
					inv_error(e,
					    config_setting_source_line(m),
					    "zone %s: network %s is also zone "
					    "%s's (line %d)", name, strs[i],
					    o->name, o->line);
		}
	if ((m = config_setting_get_member(s, "vlans")) != NULL) {
		n = config_setting_is_aggregate(m) ?
		    config_setting_length(m) : 1;
		if (n > 4094) {
			inv_error(e, config_setting_source_line(m), "zone %s: "
			    "more than 4094 VLANs", name);
			return;
		}
		vlans = inv_keep(inv, calloc((size_t)n + 1, sizeof(*vlans)));
		if (vlans == NULL)
			return;
		for (i = 0; i < n; i++) {
			config_setting_t *v = config_setting_is_aggregate(m) ?
			    config_setting_get_elem(m, (unsigned)i) : m;

			/* IEEE 802.1Q: 0 is no VLAN, 4095 reserved. */
			if (cfgkey_int(&ctx, v, "vlans", 1, 4094, &vid) == -1)
				continue;
			vlans[i] = (uint16_t)vid;
			for (k = 0; k < inv->nzones; k++) {
				const struct inventory_zone *o =
				    &inv->zones[k];
				size_t j;

				for (j = 0; j < o->nvlans; j++)
					if (o->vlans[j] == vlans[i])
						inv_error(e,
						    config_setting_source_line(
						    m), "zone %s: VLAN %lld is "
						    "also zone %s's (line %d)",
						    name, vid, o->name,
						    o->line);
			}
		}
		z->vlans = vlans;
		z->nvlans = (size_t)n;
	}
	inv->nzones++;
}

/*
 * Host names seen so far -> index + 1 (0: empty), linear probing: a
 * 10,000-host site would take a second to check name by name.
 */
static size_t
name_find(const struct inventory *inv, const char *name)
{
	size_t slot = hash_bytes((const uint8_t *)name, strlen(name)) &
	    inv->nmask;

	while (inv->nvals[slot] != 0) {
		if (strcmp(inv->hosts[inv->nvals[slot] - 1].name, name) == 0)
			return inv->nvals[slot];
		slot = (slot + 1) & inv->nmask;
	}
	return 0;
}

static void
name_add(struct inventory *inv, const char *name, uint32_t i)
{
	size_t slot = hash_bytes((const uint8_t *)name, strlen(name)) &
	    inv->nmask;

	while (inv->nvals[slot] != 0)
		slot = (slot + 1) & inv->nmask;
	inv->nvals[slot] = i + 1;
}

/* Sets the lowest t bits of a (t <= 128). */
static void
bits_set_low(struct addr *a, unsigned t)
{
	unsigned i;

	for (i = 0; i < t; i++)
		a->b[15 - i / 8] |= (uint8_t)(1u << (i % 8));
}

/* 1 when the lowest t bits of a are all zero (t <= 128). */
static int
bits_low_zero(const struct addr *a, unsigned t)
{
	unsigned i;

	for (i = 0; i < t; i++)
		if (a->b[15 - i / 8] & (1u << (i % 8)))
			return 0;
	return 1;
}

/* a + 1; -1 (a wrapped to zero) past the last address. */
static int
bits_inc(struct addr *a)
{
	int i;

	for (i = 15; i >= 0; i--)
		if (++a->b[i] != 0)
			return 0;
	return -1;
}

/*
 * Parses "a.b.c.d/len", "a.b.c.d-e.f.g.h" (or their IPv6 forms) into
 * the range lo..hi; 0 when s is one of them, 1 when s is a plain address
 * (in *lo), -1 when it is neither.
 */
static int
range_parse(const char *s, struct addr *lo, struct addr *hi)
{
	char buf[2 * ADDR_STRLEN + 2];
	const char *dash;
	unsigned plen;

	if (strchr(s, '/') != NULL) {
		if (addr_parse_prefix(s, lo, &plen) == -1)
			return -1;
		*hi = *lo;
		bits_set_low(hi, 128 - plen);
		return 0;
	}
	/* No address form has a dash in it: one is a range. */
	if ((dash = strchr(s, '-')) == NULL)
		return addr_parse(s, lo) == -1 ? -1 : 1;
	if ((size_t)(dash - s) >= sizeof(buf))
		return -1;
	memcpy(buf, s, (size_t)(dash - s));
	buf[dash - s] = '\0';
	if (addr_parse(buf, lo) == -1 || addr_parse(dash + 1, hi) == -1 ||
	    addr_is_v4(lo) != addr_is_v4(hi) || addr_cmp(lo, hi) > 0)
		return -1;
	return 0;
}

/*
 * Appends to *v (of *n, room for *cap) the fewest prefixes that cover
 * lo..hi exactly: from lo, each time the largest aligned block that
 * does not pass hi.  At most 2 x 128 of them.
 */
static int
range_prefixes(struct addr lo, const struct addr *hi,
    struct inventory_prefix **v, size_t *n, size_t *cap)
{
	struct addr x;
	unsigned t;

	for (;;) {
		for (t = 0; t < 128 && bits_low_zero(&lo, t + 1); t++) {
			x = lo;
			bits_set_low(&x, t + 1);
			if (addr_cmp(&x, hi) > 0)
				break;
		}
		if (*n == *cap) {
			size_t c = *cap ? *cap * 2 : 4;
			struct inventory_prefix *p;

			if ((p = realloc(*v, c * sizeof(*p))) == NULL)
				return -1;
			*v = p;
			*cap = c;
		}
		(*v)[*n].net = lo;
		(*v)[*n].plen = 128 - t;
		(*n)++;
		x = lo;
		bits_set_low(&x, t);
		if (addr_cmp(&x, hi) >= 0 || bits_inc(&x) == -1)
			return 0;
		lo = x;
	}
}

static int
range_add(struct inventory *inv, const struct addr *lo, const struct addr *hi,
    uint32_t host, int line, int group)
{
	struct inv_range *n;

	if (inv->nranges == inv->capranges) {
		size_t cap = inv->capranges ? inv->capranges * 2 : 64;

		if ((n = realloc(inv->ranges, cap * sizeof(*n))) == NULL)
			return -1;
		inv->ranges = n;
		inv->capranges = cap;
	}
	n = &inv->ranges[inv->nranges++];
	n->lo = *lo;
	n->hi = *hi;
	n->host = host;
	n->line = line;
	n->group = group;
	return 0;
}

/* Parses "xx:xx:xx:*" (or with dashes) into oui; -1 if s is not one. */
static int
oui_parse(const char *s, uint8_t *oui)
{
	unsigned v[3];
	char sep[3], star;
	int i;

	if (strlen(s) != 10 || sscanf(s, "%2x%c%2x%c%2x%c%c", &v[0], &sep[0],
	    &v[1], &sep[1], &v[2], &sep[2], &star) != 7 || star != '*')
		return -1;
	for (i = 0; i < 3; i++) {
		if (sep[i] != ':' && sep[i] != '-')
			return -1;
		oui[i] = (uint8_t)v[i];
	}
	/* sscanf takes "+1" or " 1" for a number: only hex digits here. */
	for (i = 0; i < 10; i++)
		if (i % 3 != 2 && i != 9 && !strchr("0123456789abcdefABCDEF",
		    s[i]))
			return -1;
	return 0;
}

/*
 * Reads one entry of hosts (group 0) or groups (group 1).  Its addresses
 * may mix exact addresses and ranges; an entry of groups must have one
 * range at least.
 */
static void
load_host(struct inventory *inv, config_setting_t *s, int group,
    struct inv_err *e)
{
	const char *what = group ? "group" : "host";
	struct inventory_host *h = &inv->hosts[inv->nhosts];
	const char *strs[INV_LIST_MAX], *name = NULL, *str;
	struct cfgkey_ctx ctx = inv_ctx(e, NULL, what);
	config_setting_t *m;
	struct addr *addrs, lo, hi;
	struct inventory_prefix *nets = NULL;
	size_t nnets = 0, capnets = 0;
	uint8_t (*macs)[6], (*ouis)[3];
	uint64_t set;
	char prefix[INVENTORY_NAME_MAX + 16], where[PLACE_MAX];
	int line = config_setting_source_line(s), n, i, r, router = 0, mline;
	size_t k;
	size_t nexact = 0, nmac = 0, noui = 0;

	inv_at(e, s);
	ctx.file = e->file;
	if (config_setting_type(s) != CONFIG_TYPE_GROUP) {
		inv_error(e, line, "a %s must be a group { ... }", what);
		return;
	}
	(void)cfgkey_unknown(&ctx, s, inv_host_keys, NELEM(inv_host_keys));
	if (entry_name(e, s, what, &name) == -1)
		return;
	snprintf(prefix, sizeof(prefix), "%s %s: ", what, name);
	ctx.prefix = prefix;
	ctx.what = NULL;
	if ((k = name_find(inv, name)) != 0)
		inv_error(e, line, "%s %s defined twice (also at %s)", what,
		    name, inv_place(e, inv->hosts[k - 1].file,
		    inv->hosts[k - 1].line, where, sizeof(where)));
	h->name = inv_strdup(inv, name);
	h->file = e->file;
	h->line = line;
	if (h->name != NULL && k == 0)
		name_add(inv, h->name, (uint32_t)inv->nhosts);
	if ((m = config_setting_get_member(s, "router")) != NULL &&
	    cfgkey_bool(&ctx, m, "router", &router) == 0)
		h->router = router;
	if ((m = config_setting_get_member(s, "description")) != NULL)
		(void)cfgkey_string(&ctx, m, "description", 0, 0, &str);
	m = one_of(e, s, prefix, "address", "addresses");
	if (m == NULL && !h->router) {
		inv_error(e, line, "%s %s: no address", what, name);
		return;
	}
	/* A router may be known by its MACs alone (the Internet uplink). */
	n = 0;
	if (m != NULL && (n = cfgkey_strings(&ctx, m, "addresses", 0, 0, strs,
	    INV_LIST_MAX)) < 0)
		return;
	if (m != NULL && n == 0) {
		inv_error(e, config_setting_source_line(m), "%s %s: the "
		    "addresses list is empty%s", what, name, h->router ?
		    " (a router known by its MACs alone has no addresses "
		    "key)" : "");
		return;
	}
	if ((addrs = inv_keep(inv, calloc((size_t)n + 1, sizeof(*addrs)))) ==
	    NULL)
		return;
	mline = m != NULL ? (int)config_setting_source_line(m) : line;
	for (i = 0; i < n; i++) {
		if ((r = range_parse(strs[i], &lo, &hi)) == -1)
			inv_error(e, mline, "%s %s: bad address %s", what, name,
			    strs[i]);
		else if (r == 1)
			addrs[nexact++] = lo;
		else if (range_add(inv, &lo, &hi, (uint32_t)inv->nhosts,
		    mline, group) == -1 || range_prefixes(lo, &hi, &nets,
		    &nnets, &capnets) == -1) {
			inv_error(e, mline, "%s", strerror(ENOMEM));
			free(nets);
			return;
		}
	}
	h->addrs = addrs;
	h->naddrs = nexact;
	if (nets != NULL && inv_keep(inv, nets) == NULL)
		return;
	h->nets = nets;
	h->nnets = nnets;
	if (group && nnets == 0 && nexact > 0)
		inv_error(e, mline, "group %s: no prefix or range (an exact "
		    "address belongs in hosts)", name);
	if ((m = one_of(e, s, prefix, "mac", "macs")) != NULL) {
		if ((n = cfgkey_strings(&ctx, m, "macs", 0, 0, strs,
		    INV_LIST_MAX)) < 0)
			return;
		/* Vendor prefixes are rare: their array only when one is. */
		for (i = 0; i < n; i++)
			noui += strchr(strs[i], '*') != NULL;
		macs = inv_keep(inv, calloc((size_t)n + 1, sizeof(*macs)));
		ouis = noui ? inv_keep(inv, calloc(noui, sizeof(*ouis))) : NULL;
		if (macs == NULL || (noui && ouis == NULL))
			return;
		noui = 0;
		for (i = 0; i < n; i++)
			if (addr_parse_mac(strs[i], macs[nmac]) == 0)
				nmac++;
			else if (ouis != NULL && oui_parse(strs[i],
			    ouis[noui]) == 0)
				noui++;
			else
				inv_error(e, config_setting_source_line(m),
				    "%s %s: bad MAC address %s", what, name,
				    strs[i]);
		h->macs = (const uint8_t (*)[6])macs;
		h->nmacs = nmac;
		h->ouis = (const uint8_t (*)[3])ouis;
		h->nouis = noui;
	}
	if ((m = one_of(e, s, prefix, "role", "roles")) != NULL) {
		if ((n = cfgkey_strings(&ctx, m, "roles", 0, 0, strs,
		    INV_LIST_MAX)) < 0)
			return;
		for (i = 0; i < n; i++) {
			if (role_set_lookup(strs[i], &set) == -1)
				inv_error(e, config_setting_source_line(m),
				    "%s %s: unknown role %s", what, name,
				    strs[i]);
			else
				h->roles |= set;
		}
	}
	/*
	 * roles = [ ] says the host is known and its role is not (a learned
	 * draft's undecided hosts): every flow of it is then undocumented.
	 */
	if (m == NULL && !h->router)
		inv_error(e, line, "%s %s: no roles (and not a router)", what,
		    name);
	inv->nhosts++;
}

/* Ranges by first address, the wider first where two start together. */
static int
range_cmp(const void *x, const void *y)
{
	const struct inv_range *a = x, *b = y;
	int c;

	if ((c = addr_cmp(&a->lo, &b->lo)) != 0)
		return c;
	return addr_cmp(&b->hi, &a->hi);
}

static int
addr_qcmp(const void *x, const void *y)
{
	return addr_cmp(x, y);
}

/* A range and the ordering key that paints the narrowest last. */
struct inv_paint {
	struct addr width;	/* hi - lo */
	const struct inv_range *r;
};

static int
paint_cmp(const void *x, const void *y)
{
	const struct inv_paint *a = x, *b = y;
	int c;

	if ((c = addr_cmp(&b->width, &a->width)) != 0)
		return c;
	/* Two equal ranges of the same roles: the first entry wins. */
	return (a->r->host < b->r->host) - (a->r->host > b->r->host);
}

/* Two ranges of different roles that overlap. */
struct inv_clash {
	const struct inv_range *first, *later;
	const char *file;	/* later's */
};

#define INV_CLASH_MAX	64

/* In the order of their lines in one file, else of the entries. */
static int
clash_cmp(const void *x, const void *y)
{
	const struct inv_clash *a = x, *b = y;

	if (strcmp(a->file, b->file) == 0 &&
	    a->later->line != b->later->line)
		return a->later->line < b->later->line ? -1 : 1;
	if (a->later->host != b->later->host)
		return a->later->host < b->later->host ? -1 : 1;
	if (a->later->line != b->later->line)
		return a->later->line < b->later->line ? -1 : 1;
	return (a->first->host > b->first->host) -
	    (a->first->host < b->first->host);
}

/* Writes lo..hi as "net/len" when it is one prefix, else "lo-hi". */
static const char *
range_fmt(const struct inv_range *r, char *buf, size_t len)
{
	char a[ADDR_STRLEN], b[ADDR_STRLEN];
	struct addr x;
	unsigned t;

	for (t = 0; t <= 128 && bits_low_zero(&r->lo, t); t++) {
		x = r->lo;
		bits_set_low(&x, t);
		if (addr_cmp(&x, &r->hi) == 0) {
			snprintf(buf, len, "%s/%u", addr_fmt(&r->lo, a,
			    sizeof(a)), addr_is_v4(&r->lo) ? 32 - t : 128 - t);
			return buf;
		}
	}
	snprintf(buf, len, "%s-%s", addr_fmt(&r->lo, a, sizeof(a)),
	    addr_fmt(&r->hi, b, sizeof(b)));
	return buf;
}

/*
 * Checks that no two ranges of different roles overlap (which would make
 * an address's roles depend on the order of the file), then flattens the
 * ranges into disjoint segments, each the narrowest range's that holds
 * it, for inventory_host() to bisect.
 */
static int
build_ranges(struct inventory *inv, struct inv_err *e)
{
	struct inv_range *r = inv->ranges;
	struct inv_paint *p;
	struct inv_clash *clash;
	size_t n = inv->nranges, nb = 0, nclash = 0, i, j, k, lo, hi;
	char ra[2 * ADDR_STRLEN + 2], rb[2 * ADDR_STRLEN + 2];
	struct addr x;

	if (n == 0)
		return 0;
	if ((clash = calloc(INV_CLASH_MAX, sizeof(*clash))) == NULL)
		return -1;
	qsort(r, n, sizeof(*r), range_cmp);
	/*
	 * Sorted by first address, every range that overlaps r[i] and sorts
	 * after it starts within it: the inner loop visits overlapping pairs
	 * only.  Each is reported at the later of the two in the file, and
	 * the reports in file order.
	 */
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n && addr_cmp(&r[j].lo, &r[i].hi) <= 0;
		    j++) {
			const struct inventory_host *ha, *hb;
			struct inv_clash *c;

			ha = &inv->hosts[r[i].host];
			hb = &inv->hosts[r[j].host];
			if (r[i].host == r[j].host || (ha->roles ==
			    hb->roles && ha->router == hb->router))
				continue;
			/* Enough to show it: the list is cut anyway. */
			if (nclash == INV_CLASH_MAX)
				break;
			c = &clash[nclash++];
			if (strcmp(ha->file, hb->file) == 0 ?
			    r[i].line > r[j].line : r[i].host > r[j].host) {
				c->later = &r[i];
				c->first = &r[j];
			} else {
				c->later = &r[j];
				c->first = &r[i];
			}
			c->file = inv->hosts[c->later->host].file;
		}
	qsort(clash, nclash, sizeof(*clash), clash_cmp);
	for (i = 0; i < nclash; i++) {
		const struct inv_range *a = clash[i].first, *b = clash[i].later;
		const struct inventory_host *ha = &inv->hosts[a->host];
		const struct inventory_host *hb = &inv->hosts[b->host];

		errlist_add(&e->list, hb->file, b->line, "%s %s: %s overlaps "
		    "%s of %s %s (line %d), which has other roles",
		    b->group ? "group" : "host", hb->name, range_fmt(b, ra,
		    sizeof(ra)), range_fmt(a, rb, sizeof(rb)), a->group ?
		    "group" : "host", ha->name, a->line);
	}
	free(clash);
	if (e->list.n > 0)
		return 0;
	inv->sbeg = calloc(2 * n, sizeof(*inv->sbeg));
	inv->sown = calloc(2 * n, sizeof(*inv->sown));
	p = calloc(n, sizeof(*p));
	if (inv->sbeg == NULL || inv->sown == NULL || p == NULL) {
		free(p);
		return -1;
	}
	/* Segments start where a range starts or just past where one ends. */
	for (i = 0; i < n; i++) {
		inv->sbeg[nb++] = r[i].lo;
		x = r[i].hi;
		if (bits_inc(&x) == 0)
			inv->sbeg[nb++] = x;
	}
	qsort(inv->sbeg, nb, sizeof(*inv->sbeg), addr_qcmp);
	for (i = 1, k = 1; i < nb; i++)
		if (addr_cmp(&inv->sbeg[i], &inv->sbeg[k - 1]) != 0)
			inv->sbeg[k++] = inv->sbeg[i];
	inv->nseg = k;
	for (i = 0; i < n; i++) {
		int borrow = 0;

		/* width = hi - lo, byte by byte from the low end. */
		for (j = 16; j-- > 0;) {
			int d = r[i].hi.b[j] - r[i].lo.b[j] - borrow;

			borrow = d < 0;
			p[i].width.b[j] = (uint8_t)(d + (borrow ? 256 : 0));
		}
		p[i].r = &r[i];
	}
	qsort(p, n, sizeof(*p), paint_cmp);
	for (i = 0; i < n; i++) {
		/* The segment starting at the range's first address. */
		for (lo = 0, hi = inv->nseg; lo < hi;) {
			size_t mid = lo + (hi - lo) / 2;

			if (addr_cmp(&inv->sbeg[mid], &p[i].r->lo) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (k = lo; k < inv->nseg && addr_cmp(&inv->sbeg[k],
		    &p[i].r->hi) <= 0; k++)
			inv->sown[k] = p[i].r->host + 1;
	}
	free(p);
	return 0;
}

/*
 * An address or MAC (what, as text v) of h that entry o has already:
 * reported at h, naming o and where it is.  One entry listing it twice
 * says so.
 */
static void
dup_report(const struct inventory *inv, struct inv_err *e,
    const struct inventory_host *h, const struct inventory_host *o,
    const char *what, const char *v)
{
	char where[PLACE_MAX];

	(void)inv;
	if (o == h) {
		errlist_add(&e->list, h->file, h->line, "host %s: %s %s "
		    "listed twice", h->name, what, v);
		return;
	}
	e->file = h->file;
	errlist_add(&e->list, h->file, h->line, "host %s: %s %s already "
	    "belongs to %s (%s)", h->name, what, v, o->name, inv_place(e,
	    o->file, o->line, where, sizeof(where)));
}

static int
build_index(struct inventory *inv, struct inv_err *e)
{
	char b[ADDR_STRLEN > 24 ? ADDR_STRLEN : 24];
	size_t i, j, slot, naddrs = 0, nmacs = 0;

	for (i = 0; i < inv->nhosts; i++) {
		naddrs += inv->hosts[i].naddrs;
		nmacs += inv->hosts[i].nmacs;
	}
	inv->amask = table_size(naddrs) - 1;
	inv->mmask = table_size(nmacs) - 1;
	inv->akeys = calloc(inv->amask + 1, sizeof(*inv->akeys));
	inv->avals = calloc(inv->amask + 1, sizeof(*inv->avals));
	inv->mkeys = calloc(inv->mmask + 1, sizeof(*inv->mkeys));
	inv->mvals = calloc(inv->mmask + 1, sizeof(*inv->mvals));
	if (!inv->akeys || !inv->avals || !inv->mkeys || !inv->mvals)
		return -1;
	for (i = 0; i < inv->nhosts; i++) {
		struct inventory_host *h = &inv->hosts[i];

		for (j = 0; j < h->naddrs; j++) {
			slot = hash_bytes(h->addrs[j].b, 16) & inv->amask;
			while (inv->avals[slot] != 0) {
				if (addr_cmp(&inv->akeys[slot],
				    &h->addrs[j]) == 0) {
					dup_report(inv, e, h,
					    &inv->hosts[inv->avals[slot] - 1],
					    "address", addr_fmt(&h->addrs[j],
					    b, sizeof(b)));
					break;
				}
				slot = (slot + 1) & inv->amask;
			}
			inv->akeys[slot] = h->addrs[j];
			inv->avals[slot] = (uint32_t)i + 1;
		}
		/*
		 * A MAC shared by routers (one box, several entries) maps
		 * to the first.  Any other host's MAC is its own: a second
		 * one with it is a mistake that would hide a spoofer.
		 */
		for (j = 0; j < h->nmacs; j++) {
			const struct inventory_host *o;

			slot = hash_bytes(h->macs[j], 6) & inv->mmask;
			while (inv->mvals[slot] != 0 &&
			    memcmp(inv->mkeys[slot], h->macs[j], 6) != 0)
				slot = (slot + 1) & inv->mmask;
			if (inv->mvals[slot] == 0) {
				memcpy(inv->mkeys[slot], h->macs[j], 6);
				inv->mvals[slot] = (uint32_t)i + 1;
				continue;
			}
			o = &inv->hosts[inv->mvals[slot] - 1];
			if (o != h && (!h->router || !o->router))
				dup_report(inv, e, h, o, "MAC", addr_fmt_mac(
				    h->macs[j], b, sizeof(b)));
		}
		h->zone = h->naddrs ? inventory_zone(inv, &h->addrs[0]) : NULL;
	}
	return build_ranges(inv, e);
}

struct inventory *
inventory_empty(void)
{
	struct inventory *inv;
	struct inv_err e;

	errlist_init(&e.list, NULL, 0);
	e.file = e.top = "";
	if ((inv = calloc(1, sizeof(*inv))) == NULL)
		return NULL;
	if (build_index(inv, &e) == -1) {
		inventory_free(inv);
		return NULL;
	}
	return inv;
}

struct inventory *
inventory_load(const char *path, char *err, size_t errlen)
{
	struct inv_err e;
	struct cfgkey_ctx ctx;
	config_setting_t *zones, *hosts, *groups;
	struct inventory *inv;
	struct cfgread rd;
	int i, n, ng = 0;

	errlist_init(&e.list, err, errlen);
	e.file = e.top = path;
	if ((inv = calloc(1, sizeof(*inv))) == NULL) {
		snprintf(err, errlen, "%s:0: %s\n", path, strerror(errno));
		return NULL;
	}
	if (cfgread_load(&rd, path, &e.list) == -1)
		goto fail;
	ctx = inv_ctx(&e, NULL, "the inventory");
	(void)cfgkey_unknown(&ctx, config_root_setting(&rd.cf), inv_top_keys,
	    NELEM(inv_top_keys));
	e.file = path;
	zones = config_lookup(&rd.cf, "zones");
	hosts = config_lookup(&rd.cf, "hosts");
	if (zones != NULL && !config_setting_is_list(zones))
		inv_error(&e, config_setting_source_line(zones),
		    "zones must be a list ( { ... }, ... )");
	else if (zones != NULL) {
		n = config_setting_length(zones);
		if ((inv->zones = calloc((size_t)n + 1,
		    sizeof(*inv->zones))) == NULL)
			goto fail;
		for (i = 0; i < n; i++)
			load_zone(inv, config_setting_get_elem(zones,
			    (unsigned)i), &e);
	}
	groups = config_lookup(&rd.cf, "groups");
	if (hosts != NULL && !config_setting_is_list(hosts)) {
		inv_error(&e, config_setting_source_line(hosts),
		    "hosts must be a list ( { ... }, ... )");
		hosts = NULL;
	}
	if (groups != NULL && !config_setting_is_list(groups)) {
		inv_error(&e, config_setting_source_line(groups),
		    "groups must be a list ( { ... }, ... )");
		groups = NULL;
	}
	n = hosts != NULL ? config_setting_length(hosts) : 0;
	ng = groups != NULL ? config_setting_length(groups) : 0;
	inv->nmask = table_size((size_t)n + (size_t)ng) - 1;
	if ((inv->hosts = calloc((size_t)n + (size_t)ng + 1,
	    sizeof(*inv->hosts))) == NULL ||
	    (inv->nvals = calloc(inv->nmask + 1, sizeof(*inv->nvals))) ==
	    NULL)
		goto fail;
	for (i = 0; i < n; i++)
		load_host(inv, config_setting_get_elem(hosts, (unsigned)i), 0,
		    &e);
	for (i = 0; i < ng; i++)
		load_host(inv, config_setting_get_elem(groups, (unsigned)i), 1,
		    &e);
	if (e.list.n == 0 && build_index(inv, &e) == -1)
		inv_error(&e, 0, "%s", strerror(ENOMEM));
	if (e.list.n > 0)
		goto fail;
	/*
	 * The file names in zones and hosts (the caller's, the reader's)
	 * must outlive both; one copy per file.
	 */
	{
		const char *f = NULL, *from = NULL;
		size_t k;

		for (k = 0; k < inv->nzones + inv->nhosts; k++) {
			const char **p = k < inv->nzones ?
			    &inv->zones[k].file :
			    &inv->hosts[k - inv->nzones].file;

			if (from == NULL || strcmp(*p, from) != 0) {
				from = *p;
				if ((f = inv_strdup(inv, *p)) == NULL) {
					inv_error(&e, 0, "%s",
					    strerror(ENOMEM));
					goto fail;
				}
			}
			*p = f;
		}
	}
	cfgread_free(&rd);
	return inv;
fail:
	cfgread_free(&rd);
	inventory_free(inv);
	return NULL;
}

void
inventory_free(struct inventory *inv)
{
	size_t i;

	if (inv == NULL)
		return;
	for (i = 0; i < inv->nallocs; i++)
		free(inv->allocs[i]);
	free(inv->allocs);
	free(inv->zones);
	free(inv->hosts);
	free(inv->akeys);
	free(inv->avals);
	free(inv->mkeys);
	free(inv->mvals);
	free(inv->sbeg);
	free(inv->sown);
	free(inv->ranges);
	free(inv->nvals);
	free(inv);
}

const struct inventory_host *
inventory_host(const struct inventory *inv, const struct addr *a)
{
	size_t slot = hash_bytes(a->b, 16) & inv->amask, lo, hi, mid;

	/* An exact address wins over every range that holds it. */
	while (inv->avals[slot] != 0) {
		if (addr_cmp(&inv->akeys[slot], a) == 0)
			return &inv->hosts[inv->avals[slot] - 1];
		slot = (slot + 1) & inv->amask;
	}
	/* The last segment starting at or before a. */
	for (lo = 0, hi = inv->nseg; lo < hi;) {
		mid = lo + (hi - lo) / 2;
		if (addr_cmp(&inv->sbeg[mid], a) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0 || inv->sown[lo - 1] == 0)
		return NULL;
	return &inv->hosts[inv->sown[lo - 1] - 1];
}

const struct inventory_host *
inventory_host_by_mac(const struct inventory *inv, const uint8_t *mac)
{
	size_t slot = hash_bytes(mac, 6) & inv->mmask;

	while (inv->mvals[slot] != 0) {
		if (memcmp(inv->mkeys[slot], mac, 6) == 0)
			return &inv->hosts[inv->mvals[slot] - 1];
		slot = (slot + 1) & inv->mmask;
	}
	return NULL;
}

const struct inventory_zone *
inventory_zone(const struct inventory *inv, const struct addr *a)
{
	const struct inventory_zone *best = NULL;
	unsigned bestlen = 0;
	size_t i, j;

	/* Sites have a handful of zones: a scan is cheaper than a trie. */
	for (i = 0; i < inv->nzones; i++)
		for (j = 0; j < inv->zones[i].nnets; j++) {
			const struct inventory_prefix *p =
			    &inv->zones[i].nets[j];
			if ((best == NULL || p->plen > bestlen) &&
			    addr_in_prefix(a, &p->net, p->plen)) {
				best = &inv->zones[i];
				bestlen = p->plen;
			}
		}
	return best;
}

const struct inventory_zone *
inventory_zone_vlan(const struct inventory *inv, uint16_t vlan)
{
	size_t i, j;

	for (i = 0; i < inv->nzones; i++)
		for (j = 0; j < inv->zones[i].nvlans; j++)
			if (inv->zones[i].vlans[j] == vlan)
				return &inv->zones[i];
	return NULL;
}

int
inventory_is_internet(const struct inventory *inv, const struct addr *a)
{
	return addr_is_public(a) && inventory_zone(inv, a) == NULL;
}

int
inventory_is_group(const struct inventory *inv, const struct addr *a)
{
	size_t i, j;

	if (addr_is_group(a))
		return 1;
	/* A zone's directed broadcast (all host bits set) is a group too. */
	for (i = 0; i < inv->nzones; i++)
		for (j = 0; j < inv->zones[i].nnets; j++) {
			const struct inventory_prefix *p =
			    &inv->zones[i].nets[j];
			unsigned b;
			int all = 1;

			if (p->plen >= 127 || !addr_in_prefix(a, &p->net,
			    p->plen))
				continue;
			for (b = p->plen; b < 128 && all; b++)
				all = (a->b[b / 8] >> (7 - b % 8)) & 1;
			if (all)
				return 1;
		}
	return 0;
}

int
inventory_host_has_mac(const struct inventory_host *h, const uint8_t *mac)
{
	size_t i;

	if (h->nmacs == 0 && h->nouis == 0)
		return 1;
	for (i = 0; i < h->nmacs; i++)
		if (memcmp(h->macs[i], mac, 6) == 0)
			return 1;
	for (i = 0; i < h->nouis; i++)
		if (memcmp(h->ouis[i], mac, 3) == 0)
			return 1;
	return 0;
}

size_t
inventory_host_count(const struct inventory *inv)
{
	return inv->nhosts;
}

const struct inventory_host *
inventory_host_get(const struct inventory *inv, size_t i)
{
	return i < inv->nhosts ? &inv->hosts[i] : NULL;
}

size_t
inventory_zone_count(const struct inventory *inv)
{
	return inv->nzones;
}

const struct inventory_zone *
inventory_zone_get(const struct inventory *inv, size_t i)
{
	return i < inv->nzones ? &inv->zones[i] : NULL;
}

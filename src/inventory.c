/*
 * inventory.c - reads the site inventory (libconfig) into an immutable
 * struct inventory: zones by prefix, hosts by address (open-addressing
 * hash) and by MAC.  Every problem is reported as "file:line: problem"
 * and nothing is returned unless the whole file is valid.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libconfig.h>

#include "cfgread.h"
#include "errlist.h"
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
	/* Every string and array of the inventory, freed together. */
	void **allocs;
	size_t nallocs, capallocs;
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

static const char *const purpose_names[] = {
	[INV_PURPOSE_OTHER] = "other",
	[INV_PURPOSE_CAMERA] = "camera",
	[INV_PURPOSE_SERVER] = "server",
	[INV_PURPOSE_CLIENT] = "client",
	[INV_PURPOSE_DMZ] = "dmz",
	[INV_PURPOSE_INFRA] = "infrastructure",
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
	if ((size_t)p >= sizeof(purpose_names) / sizeof(purpose_names[0]))
		return "other";
	return purpose_names[p];
}

static int
purpose_lookup(const char *s)
{
	size_t i;

	for (i = 0; i < sizeof(purpose_names) / sizeof(purpose_names[0]); i++)
		if (strcmp(purpose_names[i], s) == 0)
			return (int)i;
	return -1;
}

/* Checks that every member of group s is one of the names in keys. */
static void
check_keys(config_setting_t *s, const char *const *keys, const char *what,
    struct inv_err *e)
{
	config_setting_t *m;
	unsigned i;
	size_t k;

	for (i = 0; (m = config_setting_get_elem(s, i)) != NULL; i++) {
		const char *name = config_setting_name(m);
		for (k = 0; keys[k] != NULL; k++)
			if (name != NULL && strcmp(keys[k], name) == 0)
				break;
		if (keys[k] == NULL)
			inv_error(e, config_setting_source_line(m),
			    "unknown key %s in %s", name ? name : "?", what);
	}
}

/*
 * Returns the strings of setting s (a string or an array/list of strings)
 * in *out (at most max); -1 with an error if an element is not a string.
 */
static int
strings_of(config_setting_t *s, const char **out, int max, const char *what,
    struct inv_err *e)
{
	config_setting_t *m;
	int i, n;

	if (config_setting_type(s) == CONFIG_TYPE_STRING) {
		out[0] = config_setting_get_string(s);
		return 1;
	}
	if (!config_setting_is_aggregate(s)) {
		inv_error(e, config_setting_source_line(s),
		    "%s: a string or a list of strings is expected", what);
		return -1;
	}
	n = config_setting_length(s);
	if (n > max) {
		inv_error(e, config_setting_source_line(s),
		    "%s: more than %d entries", what, max);
		return -1;
	}
	for (i = 0; i < n; i++) {
		m = config_setting_get_elem(s, (unsigned)i);
		if (config_setting_type(m) != CONFIG_TYPE_STRING) {
			inv_error(e, config_setting_source_line(s),
			    "%s: entry %d is not a string", what, i + 1);
			return -1;
		}
		out[i] = config_setting_get_string(m);
	}
	return n;
}

#define INV_LIST_MAX	256	/* addresses, MACs, roles, networks per entry */

static void
load_zone(struct inventory *inv, config_setting_t *s, struct inv_err *e)
{
	static const char *const keys[] = { "name", "networks", "vlans",
		"purpose", "description", NULL };
	struct inventory_zone *z = &inv->zones[inv->nzones];
	const char *strs[INV_LIST_MAX], *name = NULL, *purpose = NULL;
	struct inventory_prefix *nets;
	config_setting_t *m;
	uint16_t *vlans;
	int line = config_setting_source_line(s), n, i, p;
	size_t k;

	inv_at(e, s);
	if (config_setting_type(s) != CONFIG_TYPE_GROUP) {
		inv_error(e, line, "a zone must be a group { ... }");
		return;
	}
	check_keys(s, keys, "zone", e);
	if (!config_setting_lookup_string(s, "name", &name) || !*name) {
		inv_error(e, line, "zone without a name");
		return;
	}
	if (strlen(name) >= INVENTORY_NAME_MAX)
		inv_error(e, line, "zone name longer than %d bytes",
		    INVENTORY_NAME_MAX - 1);
	for (k = 0; k < inv->nzones; k++)
		if (strcmp(inv->zones[k].name, name) == 0)
			inv_error(e, line, "zone %s defined twice (also at "
			    "line %d)", name, inv->zones[k].line);
	z->name = inv_strdup(inv, name);
	z->file = e->file;
	z->line = line;
	z->purpose = INV_PURPOSE_OTHER;
	if (config_setting_lookup_string(s, "purpose", &purpose)) {
		if ((p = purpose_lookup(purpose)) == -1)
			inv_error(e, line, "zone %s: unknown purpose %s "
			    "(camera, server, client, dmz, infrastructure, "
			    "other)", name, purpose);
		else
			z->purpose = (enum inventory_purpose)p;
	}
	if ((m = config_setting_get_member(s, "networks")) == NULL) {
		inv_error(e, line, "zone %s: no networks", name);
		return;
	}
	if ((n = strings_of(m, strs, INV_LIST_MAX, "networks", e)) < 0)
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
		vlans = inv_keep(inv, calloc((size_t)n + 1, sizeof(*vlans)));
		if (vlans == NULL)
			return;
		for (i = 0; i < n; i++) {
			config_setting_t *v = config_setting_is_aggregate(m) ?
			    config_setting_get_elem(m, (unsigned)i) : m;
			int vid = config_setting_get_int(v);
			if (config_setting_type(v) != CONFIG_TYPE_INT ||
			    vid < 1 || vid > 4094)
				inv_error(e, config_setting_source_line(m),
				    "zone %s: VLAN ids are 1..4094", name);
			vlans[i] = (uint16_t)vid;
			for (k = 0; k < inv->nzones; k++) {
				const struct inventory_zone *o =
				    &inv->zones[k];
				size_t j;

				for (j = 0; j < o->nvlans; j++)
					if (o->vlans[j] == vlans[i] &&
					    vid >= 1 && vid <= 4094)
						inv_error(e,
						    config_setting_source_line(
						    m), "zone %s: VLAN %d is "
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

static void
load_host(struct inventory *inv, config_setting_t *s, struct inv_err *e)
{
	static const char *const keys[] = { "name", "address", "addresses",
		"mac", "macs", "roles", "role", "router", "description",
		NULL };
	struct inventory_host *h = &inv->hosts[inv->nhosts];
	const char *strs[INV_LIST_MAX], *name = NULL;
	config_setting_t *m;
	struct addr *addrs;
	uint8_t (*macs)[6];
	uint64_t set;
	int line = config_setting_source_line(s), n, i, router = 0;
	size_t k;

	inv_at(e, s);
	if (config_setting_type(s) != CONFIG_TYPE_GROUP) {
		inv_error(e, line, "a host must be a group { ... }");
		return;
	}
	check_keys(s, keys, "host", e);
	if (!config_setting_lookup_string(s, "name", &name) || !*name) {
		inv_error(e, line, "host without a name");
		return;
	}
	if (strlen(name) >= INVENTORY_NAME_MAX)
		inv_error(e, line, "host name longer than %d bytes",
		    INVENTORY_NAME_MAX - 1);
	for (k = 0; k < inv->nhosts; k++)
		if (strcmp(inv->hosts[k].name, name) == 0)
			inv_error(e, line, "host %s defined twice (also at "
			    "line %d)", name, inv->hosts[k].line);
	h->name = inv_strdup(inv, name);
	h->file = e->file;
	h->line = line;
	if (config_setting_lookup_bool(s, "router", &router))
		h->router = router;
	if ((m = config_setting_get_member(s, "addresses")) == NULL)
		m = config_setting_get_member(s, "address");
	if (m == NULL && !h->router) {
		inv_error(e, line, "host %s: no address", name);
		return;
	}
	/* A router may be known by its MACs alone (the Internet uplink). */
	n = 0;
	if (m != NULL && (n = strings_of(m, strs, INV_LIST_MAX, "addresses",
	    e)) < 0)
		return;
	if (m != NULL && n == 0) {
		inv_error(e, config_setting_source_line(m), "host %s: the "
		    "addresses list is empty%s", name, h->router ? " (a "
		    "router known by its MACs alone has no addresses key)" :
		    "");
		return;
	}
	if ((addrs = inv_keep(inv, calloc((size_t)n + 1, sizeof(*addrs)))) ==
	    NULL)
		return;
	for (i = 0; i < n; i++)
		if (addr_parse(strs[i], &addrs[i]) == -1)
			inv_error(e, config_setting_source_line(m),
			    "host %s: bad address %s", name, strs[i]);
	h->addrs = addrs;
	h->naddrs = (size_t)n;
	if ((m = config_setting_get_member(s, "macs")) != NULL ||
	    (m = config_setting_get_member(s, "mac")) != NULL) {
		if ((n = strings_of(m, strs, INV_LIST_MAX, "macs", e)) < 0)
			return;
		if ((macs = inv_keep(inv, calloc((size_t)n + 1,
		    sizeof(*macs)))) == NULL)
			return;
		for (i = 0; i < n; i++)
			if (addr_parse_mac(strs[i], macs[i]) == -1)
				inv_error(e, config_setting_source_line(m),
				    "host %s: bad MAC address %s", name,
				    strs[i]);
		h->macs = (const uint8_t (*)[6])macs;
		h->nmacs = (size_t)n;
	}
	if ((m = config_setting_get_member(s, "roles")) != NULL ||
	    (m = config_setting_get_member(s, "role")) != NULL) {
		if ((n = strings_of(m, strs, INV_LIST_MAX, "roles", e)) < 0)
			return;
		for (i = 0; i < n; i++) {
			if (role_set_lookup(strs[i], &set) == -1)
				inv_error(e, config_setting_source_line(m),
				    "host %s: unknown role %s", name, strs[i]);
			else
				h->roles |= set;
		}
	}
	if (h->roles == 0 && !h->router)
		inv_error(e, line, "host %s: no roles (and not a router)",
		    name);
	inv->nhosts++;
}

static uint32_t
hash_bytes(const uint8_t *p, size_t n)
{
	uint32_t h = 2166136261u;	/* FNV-1a */
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

static size_t
table_size(size_t n)
{
	size_t s = 16;

	while (s < n * 2)
		s <<= 1;
	return s;
}

static int
build_index(struct inventory *inv, struct inv_err *e)
{
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
					char b[ADDR_STRLEN];
					errlist_add(&e->list, h->file, h->line,
					    "host %s: address "
					    "%s already belongs to %s", h->name,
					    addr_fmt(&h->addrs[j], b,
					    sizeof(b)),
					    inv->hosts[inv->avals[slot] -
					    1].name);
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
			if (o != h && (!h->router || !o->router)) {
				char b[24];

				errlist_add(&e->list, h->file, h->line,
				    "host %s: MAC %s already belongs to %s",
				    h->name, addr_fmt_mac(h->macs[j], b,
				    sizeof(b)), o->name);
			}
		}
		h->zone = h->naddrs ? inventory_zone(inv, &h->addrs[0]) : NULL;
	}
	return 0;
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
	static const char *const keys[] = { "site", "zones", "hosts", NULL };
	struct inv_err e;
	config_setting_t *zones, *hosts;
	struct inventory *inv;
	struct cfgread rd;
	int i, n;

	errlist_init(&e.list, err, errlen);
	e.file = e.top = path;
	if ((inv = calloc(1, sizeof(*inv))) == NULL) {
		snprintf(err, errlen, "%s:0: %s\n", path, strerror(errno));
		return NULL;
	}
	if (cfgread_load(&rd, path, &e.list) == -1)
		goto fail;
	check_keys(config_root_setting(&rd.cf), keys, "the inventory", &e);
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
	if (hosts != NULL && !config_setting_is_list(hosts))
		inv_error(&e, config_setting_source_line(hosts),
		    "hosts must be a list ( { ... }, ... )");
	else if (hosts != NULL) {
		n = config_setting_length(hosts);
		if ((inv->hosts = calloc((size_t)n + 1,
		    sizeof(*inv->hosts))) == NULL)
			goto fail;
		for (i = 0; i < n; i++)
			load_host(inv, config_setting_get_elem(hosts,
			    (unsigned)i), &e);
	}
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
	free(inv);
}

const struct inventory_host *
inventory_host(const struct inventory *inv, const struct addr *a)
{
	size_t slot = hash_bytes(a->b, 16) & inv->amask;

	while (inv->avals[slot] != 0) {
		if (addr_cmp(&inv->akeys[slot], a) == 0)
			return &inv->hosts[inv->avals[slot] - 1];
		slot = (slot + 1) & inv->amask;
	}
	return NULL;
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

	if (h->nmacs == 0)
		return 1;
	for (i = 0; i < h->nmacs; i++)
		if (memcmp(h->macs[i], mac, 6) == 0)
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

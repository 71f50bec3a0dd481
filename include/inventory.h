/*
 * inventory.h - the site as its owner describes it: zones (subnets with a
 * purpose: camera, server, client, dmz, ...), hosts (names, addresses,
 * MACs, roles) and groups (CIDR prefixes or address ranges, MAC lists or
 * OUI prefixes, roles: a fleet of cameras in one entry).  Classification of hosts beside nDPI's classification of
 * flows: the policy asks it who an address is, where it lives, and whether
 * it is the Internet.
 *
 * inventory_load() validates a whole file into a new immutable inventory;
 * nothing in it changes until inventory_free().
 */
#ifndef VW_INVENTORY_H
#define VW_INVENTORY_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"

/*
 * Longest zone or host name, in bytes with the NUL: alerts carry names
 * whole, in records of a fixed size, so the loader refuses longer ones.
 */
#define INVENTORY_NAME_MAX	128

enum inventory_purpose {
	INV_PURPOSE_OTHER = 0,
	INV_PURPOSE_CAMERA,	/* cameras, encoders, I/O devices only */
	INV_PURPOSE_SERVER,	/* VMS servers (and infrastructure) */
	INV_PURPOSE_CLIENT,	/* operator workstations */
	INV_PURPOSE_DMZ,	/* the mobile server, Internet-facing */
	INV_PURPOSE_INFRA,	/* network infrastructure */
};

struct inventory_prefix {
	struct addr net;
	unsigned plen;		/* bits of the 128-bit form */
};

struct inventory_zone {
	const char *name;
	enum inventory_purpose purpose;
	const struct inventory_prefix *nets;
	size_t nnets;
	const uint16_t *vlans;
	size_t nvlans;
	const char *file;
	int line;
};

/*
 * A host, or a group of hosts: an entry whose addresses include prefixes
 * ("10.20.0.0/22") or ranges ("10.20.0.10-10.20.0.250").  Every address
 * in a group's ranges is that entry's unless an exact address of another
 * entry names it.  nets covers exactly the group's ranges with the fewest
 * prefixes (what a firewall set takes).
 */
struct inventory_host {
	const char *name;
	uint64_t roles;			/* role set (role.h) */
	const struct addr *addrs;	/* exact addresses */
	size_t naddrs;
	const struct inventory_prefix *nets; /* ranges, as prefixes */
	size_t nnets;
	const uint8_t (*macs)[6];	/* its own MACs; none: not checked */
	size_t nmacs;
	const uint8_t (*ouis)[3];	/* vendor prefixes its MACs may have */
	size_t nouis;
	/* Of its first exact address; NULL for a group (zone by address). */
	const struct inventory_zone *zone;
	int router;			/* forwards others' traffic */
	const char *file;
	int line;
};

struct inventory;

/*
 * Reads and validates path.  On success returns a new inventory; on
 * failure NULL, with every problem as a "file:line: problem" line in err.
 */
struct inventory *inventory_load(const char *path, char *err, size_t errlen);
/* An inventory with no zones and no hosts (every address unknown). */
struct inventory *inventory_empty(void);
void inventory_free(struct inventory *);

/*
 * The host owning address a, or NULL: the entry listing a exactly, else
 * the group whose ranges hold a (the narrowest, if several of the same
 * roles nest).  O(1) for exact addresses, O(log n) in the ranges.
 */
const struct inventory_host *inventory_host(const struct inventory *,
    const struct addr *a);
/* The host owning MAC address mac, or NULL. */
const struct inventory_host *inventory_host_by_mac(const struct inventory *,
    const uint8_t *mac);
/* The zone containing a (longest prefix), or NULL. */
const struct inventory_zone *inventory_zone(const struct inventory *,
    const struct addr *a);
/* The zone that lists VLAN vlan, or NULL. */
const struct inventory_zone *inventory_zone_vlan(const struct inventory *,
    uint16_t vlan);
/*
 * 1 when a is on the Internet: outside the private, loopback, link-local,
 * multicast, unique-local and unspecified ranges and outside every zone.
 * Documentation ranges count as public.
 */
int inventory_is_internet(const struct inventory *, const struct addr *a);
/* 1 when a is a multicast or broadcast address (incl. the zones' own). */
int inventory_is_group(const struct inventory *, const struct addr *a);
/* 1 when host h owns MAC mac, mac has one of h's OUIs, or h lists none. */
int inventory_host_has_mac(const struct inventory_host *h, const uint8_t *mac);
size_t inventory_host_count(const struct inventory *);
/* Host i in file order, or NULL if out of range. */
const struct inventory_host *inventory_host_get(const struct inventory *,
    size_t i);
size_t inventory_zone_count(const struct inventory *);
const struct inventory_zone *inventory_zone_get(const struct inventory *,
    size_t i);
const char *inventory_purpose_name(enum inventory_purpose);

#endif

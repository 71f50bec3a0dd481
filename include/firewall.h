/*
 * firewall.h - the documented flows written as a firewall that enforces
 * them: an nftables ruleset for a router (or bridge) between the site's
 * zones, and a PowerShell script of Windows Firewall rules for its
 * servers.  It sits beside the policy stage, not in the packet path: it
 * reads the ruleset (rules.h) and the inventory (inventory.h) only, and
 * `vmswatch --firewall KIND` prints its output.
 *
 * What is allowed is what the policy would not report: a rule's client
 * roles to its server roles on its ports and transport, never a
 * local-only port, a disabled-by-default port only when the site enables
 * it (policy.enabled); the camera subnet only with the recording servers
 * (XP-TOPO-CAMERA); from the Internet only a DMZ host's ports that
 * XP-TOPO-INTERNET names.  The output is sorted, one line per rule, so
 * that the same site always gives the same text.
 */
#ifndef VW_FIREWALL_H
#define VW_FIREWALL_H

#include <stddef.h>
#include <stdio.h>

#include "addr.h"
#include "inventory.h"
#include "rules.h"

enum firewall_kind {
	FIREWALL_NFTABLES = 0,	/* table inet vmswatch, a forward chain */
	FIREWALL_WINDOWS,	/* PowerShell, New-NetFirewallRule per port */
};

/* Longest log prefix nftables keeps (NF_LOG_PREFIXLEN less the NUL). */
#define FIREWALL_LOG_PREFIX_MAX	127

struct firewall_conf {
	/* Rules whose "disabled by default" port the site has enabled. */
	const char *const *enabled;
	int nenabled;
	/* nftables: log dropped packets with this prefix; NULL: no log. */
	const char *log_prefix;
	/* The configuration named in the output's header and in problems. */
	const char *source;
};

struct firewall;

/*
 * Works out what to allow from inv and rs (borrowed: both must outlive
 * the firewall).  On success returns a new firewall, freed with
 * firewall_free().  On failure (no rules, no host, a host the camera
 * statement would cut off, a log prefix nftables cannot take) returns
 * NULL with every problem as a "file:line: problem" line in err.
 */
struct firewall *firewall_new(const struct inventory *inv,
    const struct ruleset *rs, const struct firewall_conf *fc, char *err,
    size_t errlen);
void firewall_free(struct firewall *);

/*
 * Writes the firewall of kind to out and flushes it.  Returns 0, or -1 on
 * a write error (errno set by stdio) or when out of memory (the output
 * is then cut short).
 */
int firewall_write(const struct firewall *, enum firewall_kind kind,
    FILE *out);

/* The kind named name ("nftables", "windows"), or -1. */
int firewall_kind_lookup(const char *name);

/*
 * 1 when the written firewall treats a as an Internet address: outside
 * the non-public ranges and the site's zones (the nftables set
 * nonpublic_v4/_v6; the Windows script's ranges are its complement).
 */
int firewall_is_internet(const struct firewall *, const struct addr *a);

#endif

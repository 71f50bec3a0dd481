/*
 * firewall_priv.h - what the two writers of the firewall (firewall_nft.c,
 * firewall_win.c) see of its core (firewall.c): the sets of addresses and
 * the rules it worked out, and the helpers both use.  Not for other
 * stages.
 */
#ifndef VW_FIREWALL_PRIV_H
#define VW_FIREWALL_PRIV_H

#include <stdint.h>
#include <stdio.h>

#include "firewall.h"
#include "role.h"

/* The address families of the output: nftables' ip and ip6. */
enum { FW_V4 = 0, FW_V6, FW_NFAM };

/*
 * Longest comment nftables keeps on a rule or an element (its user data
 * holds 128 bytes with the NUL); longer ones are cut with "...".
 */
#define FW_COMMENT_MAX	127
/* Longest line of text taken from a file into a comment or a string. */
#define FW_TEXT_MAX	512

struct fw_pfx {
	struct addr net;	/* host bits zero */
	unsigned plen;		/* bits of the 128-bit form */
	const char *label;	/* host or zone, for the comment; or NULL */
};

/*
 * A set of addresses of one family.  After firewall_addrs_normalise() its
 * prefixes are sorted and none lies inside another, which is what an
 * nftables interval set accepts (overlapping elements are refused).
 */
struct fw_set {
	struct fw_pfx *p;
	size_t n, cap;
};

struct fw_addrs {
	struct fw_set fam[FW_NFAM];
};

/* An inclusive range of addresses: the Internet, for Windows. */
struct fw_range {
	struct addr lo, hi;
};

/* Why a rule allows nothing, whatever the inventory. */
enum fw_verdict {
	FW_ALLOW = 0,
	FW_LOCAL,	/* local connections only: never across */
	FW_DISABLED,	/* disabled by default, not in policy.enabled */
};

struct firewall {
	const struct inventory *inv;
	const struct ruleset *rs;
	char source[FW_TEXT_MAX];
	char log_prefix[FIREWALL_LOG_PREFIX_MAX + 1];	/* "": none */
	struct fw_addrs role[ROLE_COUNT];
	/* role_dmz[r][f]: role r has an address of family f in a DMZ. */
	uint8_t role_dmz[ROLE_COUNT][FW_NFAM];
	struct fw_addrs camera_zones, dmz_zones, camera_peers, nonpublic;
	struct fw_range *internet[FW_NFAM];
	size_t ninternet[FW_NFAM];
	const struct rules_topology *t_camera, *t_internet;
	uint64_t camera_roles;		/* 0 without XP-TOPO-CAMERA */
	const struct rule **rules;	/* by port, transport, id */
	uint8_t *verdict;		/* enum fw_verdict of rules[i] */
	size_t nrules;
	const struct inventory_host **hosts;	/* by name */
	size_t nhosts;
	int role_order[ROLE_COUNT];	/* roles by name */
};


/* Adds every address of host h to the set of its family in a. 0 or -1. */
int firewall_addrs_add_host(struct fw_addrs *a,
    const struct inventory_host *h);
/*
 * Sorts both sets of a and drops every prefix that lies inside another
 * (duplicates too): what an nftables interval set accepts.
 */
void firewall_addrs_normalise(struct fw_addrs *a);
/* Frees the prefixes of a (not a itself). */
void firewall_addrs_free(struct fw_addrs *a);
/* Text of an address of family fam (an IPv4-mapped one as IPv6). */
const char *firewall_fam_fmt(int fam, const struct addr *a, char *buf,
    size_t len);
/* "192.168.10.10", or "192.168.10.0/24" for a range. */
const char *firewall_pfx_fmt(int fam, const struct fw_pfx *p, char *buf,
    size_t len);
/*
 * Copies src to dst (len bytes) keeping printable ASCII only: anything
 * else, and the characters of bad, become '?', so that a name or a
 * section from a file can neither end a quoted string nor a line.  A
 * text cut short ends with "...".  Returns dst.
 */
char *firewall_clean(char *dst, size_t len, const char *src,
    const char *bad);
/* 1 when a lies in a zone of this purpose (longest prefix). */
int firewall_in_zone(const struct inventory *inv, const struct addr *a,
    enum inventory_purpose purpose);
/* "443/tcp", "40001-40099/tcp", "any/udp" */
const char *firewall_ports_fmt(const struct rule *r, char *buf, size_t len);
/* Why a rule opens nothing, in words. */
const char *firewall_verdict_reason(enum fw_verdict v);
/* 1 when statement t (may be NULL) names rule r. */
int firewall_topo_names(const struct rules_topology *t, const struct rule *r);

/* The writers: 0, or -1 when out of memory (the output is cut short). */
int firewall_nft_write(const struct firewall *fw, FILE *out);
int firewall_win_write(const struct firewall *fw, FILE *out);

#endif

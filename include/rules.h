/*
 * rules.h - the documented flows: which role listens on which port, and
 * which roles may connect to it, as the Milestone XProtect hardening guide
 * lists them (rules/xprotect.conf), plus whatever a site adds in its own
 * files.  Read at start-up and on reload, before the policy stage, which
 * asks rules_lookup() for the rules of a flow's server port.
 *
 * rules_load() validates every file into a new immutable struct ruleset;
 * nothing in it changes until rules_free().  Every pointer handed out
 * (rules, strings) lives exactly as long as the ruleset.
 */
#ifndef VW_RULES_H
#define VW_RULES_H

#include <stddef.h>
#include <stdint.h>

/* Most rules a ruleset may hold (all files together). */
#define RULES_MAX	4096
/*
 * Longest text of a rule or topology statement (purpose, statement,
 * section, note, ...), in bytes with the NUL: alerts carry the texts
 * whole, in records of a fixed size, so the loader refuses longer ones.
 */
#define RULES_TEXT_MAX	512

/* rule.protocol: the application protocol the guide names for the port. */
enum rules_proto {
	RULES_P_TCP = 0,	/* unspecified protocol over TCP */
	RULES_P_UDP,		/* unspecified protocol over UDP */
	RULES_P_HTTP,
	RULES_P_HTTPS,
	RULES_P_WS,
	RULES_P_WSS,
	RULES_P_SMTP,
	RULES_P_RTSP,
	RULES_P_RTP,
	RULES_P_TLS,
	RULES_P_DNS,
	RULES_P_DHCP,
	RULES_P_NTP,
	RULES_P_SNMP,
	RULES_P_SYSLOG,
	RULES_P_MAX
};

/* rule.flags */
#define RULES_F_CLEARTEXT	0x01	/* use is a cleartext finding (SC-23) */
#define RULES_F_LOCAL_ONLY	0x02	/* loopback only, never on the wire */
#define RULES_F_DISABLED	0x04	/* port is disabled by default */
#define RULES_F_DEPRECATED	0x08	/* feature is deprecated */

struct rule {
	const char *id;			/* "XP-MS-0443" */
	uint64_t server;		/* role set that listens (role.h) */
	uint64_t clients;		/* role set that may connect; 0: none */
	uint16_t port_lo, port_hi;	/* inclusive server port range */
	uint8_t transport;		/* IPPROTO_TCP or IPPROTO_UDP */
	uint8_t protocol;		/* enum rules_proto */
	unsigned flags;			/* RULES_F_* */
	/* The rule to use instead of this cleartext one, or NULL. */
	const struct rule *secure_alternative;
	const char *optional_feature;	/* feature the port needs, or NULL */
	const char *purpose;
	const char *section;		/* seed section that documents it */
	const char *nist;		/* "CA-3, CM-6, SC-7", or "" */
	const char *note;		/* remarks for reports, or NULL */
	const char *file;		/* where it was defined */
	int line;
};

/*
 * A topology statement of the guide (camera subnet, Internet, ...): not a
 * port rule but a constraint the policy enforces beside them.  roles are
 * the hosts the statement is about, peers those they may talk to, rules
 * the port rules it refers to.
 */
struct rules_topology {
	const char *id;			/* "XP-TOPO-CAMERA" */
	const char *statement;
	const char *section;
	const char *nist;
	uint64_t roles;
	uint64_t peers;
	const struct rule *const *rules;
	size_t nrules;
	const char *file;
	int line;
};

struct ruleset;

/*
 * Reads and validates the npaths files, in order, into one ruleset: the
 * shipped rules first, then a site's own files.  Rule and topology ids must
 * be unique across all files; secure_alternative and topology rule lists
 * may name a rule of any file.  On success returns a new ruleset, which the
 * caller frees with rules_free().  On failure returns NULL and writes every
 * problem found as a "file:line: problem" line to err (errlen bytes,
 * always NUL-terminated, truncated with "..." when full).
 */
struct ruleset *rules_load(const char **paths, int npaths, char *err,
    size_t errlen);
/* Frees rs and everything it handed out.  NULL is allowed. */
void rules_free(struct ruleset *rs);

/*
 * Writes to out[0..max-1] the rules whose port range contains port for
 * transport (IPPROTO_TCP or IPPROTO_UDP), most specific first: narrowest
 * port range, then fewest client roles, then non-cleartext before
 * cleartext, then load order.  Returns how many
 * rules match, which may exceed max (only max are written); 0 for another
 * transport.  Constant time plus the number of matches.
 */
int rules_lookup(const struct ruleset *, uint8_t transport, uint16_t port,
    const struct rule **out, int max);
/*
 * The most rules any port of either transport has: an array of that many
 * holds every candidate rules_lookup() can return for this ruleset, so a
 * caller sizes it once per ruleset (at load or reload), not per packet.
 * 0 for a ruleset without rules.
 */
size_t rules_lookup_max(const struct ruleset *);
/* The rule with this id, or NULL. */
const struct rule *rules_find(const struct ruleset *, const char *id);
/* Number of rules, and rule i in load order (NULL if out of range). */
size_t rules_count(const struct ruleset *);
const struct rule *rules_get(const struct ruleset *, size_t i);

/* The topology statement with this id, or NULL. */
const struct rules_topology *rules_topology_find(const struct ruleset *,
    const char *id);
size_t rules_topology_count(const struct ruleset *);
const struct rules_topology *rules_topology_get(const struct ruleset *,
    size_t i);

/* "HTTP", "tcp": names as written in the rules files ("?" if unknown). */
const char *rules_proto_name(unsigned protocol);
const char *rules_transport_name(uint8_t transport);

#endif

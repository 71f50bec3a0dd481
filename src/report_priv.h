/*
 * report_priv.h - what report.c (collection, matrix, sections, files) and
 * report_out.c (the JSON, HTML and Markdown writers) share: the report's
 * tables and the derived matrix and sections.  Not for other modules.
 */
#ifndef VW_REPORT_PRIV_H
#define VW_REPORT_PRIV_H

#include <stdio.h>

#include "report.h"

/* MACs kept per host: more than a host has, fewer than a spoofer shows. */
#define REPORT_MACS	4
/* Example 5-tuples kept per undocumented entry. */
#define REPORT_EXAMPLES	3
/* Distinct rule ids and sections of alerts kept (more: counted as other). */
#define REPORT_KEYS	512
/* Capture files named in the report. */
#define REPORT_FILES	64
/* Ports written in one matrix cell before "+n". */
#define CELL_PORTS	4
/* Room for a 5-tuple: two addresses, two ports, a transport. */
#define TUPLE_MAX	(2 * ADDR_STRLEN + 32)

/* A growable set of small indices (hosts of a rule). */
struct idxset {
	uint32_t *v;
	uint32_t n, cap;
};

struct rhost {
	struct addr addr;
	const struct inventory_host *host;	/* or NULL */
	const struct inventory_zone *zone;	/* or NULL */
	uint8_t internet;
	uint8_t nmacs;
	uint8_t macs[REPORT_MACS][6];
	uint64_t sent, received;	/* packets */
	uint64_t flows, alerts;
};

struct rrule {
	uint64_t flows, packets, bytes;
	uint64_t violating;		/* of those, flows that raised a kind */
	struct idxset clients, servers;	/* indices into hosts */
};

/* A (client roles, server roles, server port, transport) seen. */
struct rpair {
	uint64_t croles, sroles;
	uint16_t port;
	uint8_t transport;
	uint8_t used;
	uint8_t nex;
	uint16_t kinds;			/* 1 << kind raised by its flows */
	const struct rule *rule;	/* the last rule documenting one */
	uint64_t flows, documented, violating;
	uint64_t first, last;		/* packet times */
	char ex[REPORT_EXAMPLES][TUPLE_MAX];
};

struct rcount {
	const char *key;		/* owned copy */
	uint64_t n;
};

struct report {
	const struct inventory *inv;
	const struct ruleset *rs;
	size_t nrules;
	struct rrule *rules;
	/* hosts: a vector, indexed by an open-addressing table */
	struct rhost *hosts;
	uint32_t nhosts, hcap;
	uint32_t *hidx;			/* index + 1; 0: empty */
	uint32_t hslots;
	struct rpair *pairs;		/* open addressing */
	uint32_t npairs, pslots;
	uint64_t flows, covered;
	uint64_t kinds[POLICY_KIND_MAX];
	uint64_t alerts;
	struct rcount by_rule[REPORT_KEYS], by_section[REPORT_KEYS];
	int nby_rule, nby_section;
	uint64_t other_rule, other_section;
	const char *files[REPORT_FILES];
	int nfiles, more_files;
	int oom;			/* a table could not grow */
};

/* Matrix axes: the distinct role sets of the site and of the flows. */
struct axes {
	uint64_t *set;
	size_t n, cap;
};

enum cell_state {
	CELL_EMPTY = 0,
	CELL_UNUSED,		/* documented, no flow */
	CELL_OTHER,		/* flows neither documented nor violating */
	CELL_DOCUMENTED,	/* documented flows only */
	CELL_VIOLATING,		/* at least one flow raised a kind */
};

struct cell {
	enum cell_state state;
	uint64_t flows, violating;
	uint16_t ports[CELL_PORTS];
	int nports, more;
};

/* The matrix: nc x ns cells over the axes (clients down, servers across). */
struct matrix {
	struct axes cl, sv;
	struct cell *cells;
};

/* The guide's sections with what the run saw of them. */
struct section {
	const char *name;
	int rules, used;
	uint64_t flows, violating, alerts;
};

extern const char *const report_cell_names[];

/* The label of a role set: its roles, or "unknown" for none. */
const char *report_roles_label(uint64_t set, char *buf, size_t len);
/* "2024-05-14T09:00:00Z", "-" for 0. */
char *report_fmt_ts(uint64_t ts, char *buf, size_t len);
/* The ports of a cell: "80, 443, +2". */
char *report_cell_ports(const struct cell *c, char *buf, size_t len);
/* "violations", "in use" or "not seen". */
const char *report_section_verdict(const struct section *s);
/* Is the pair an entry of the undocumented section? */
int report_pair_reported(const struct rpair *p);
/* A rule's ports: "443/tcp", "1024-65535/tcp". */
char *report_rule_port(const struct rule *r, char *buf, size_t len);
const struct rule *report_rule_at(const struct report *rep, size_t i);

/* The writers of report_out.c: one file each, to f. */
void report_out_json(FILE *f, const struct report *rep,
    const struct pipeline *pl, const struct matrix *m,
    const struct section *sec, size_t nsec);
void report_out_html(FILE *f, const struct report *rep,
    const struct pipeline *pl, const struct matrix *m,
    const struct section *sec, size_t nsec);
void report_out_md(FILE *f, const struct report *rep,
    const struct pipeline *pl, const struct matrix *m,
    const struct section *sec, size_t nsec);

#endif

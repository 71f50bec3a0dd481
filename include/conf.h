/*
 * conf.h - the daemon configuration (libconfig): tunables of every stage,
 * validated into an immutable struct conf.  A shared leaf: stages read
 * only their own section, copied into their own *_conf structs.
 */
#ifndef VW_CONF_H
#define VW_CONF_H

#include <stddef.h>
#include <stdint.h>

#include "alert.h"
#include "cfgkey.h"
#include "classify.h"
#include "flowtab.h"
#include "inventory.h"
#include "policy.h"
#include "rules.h"
#include "sink.h"

/* Live capture (the daemon); applied at start only. */
struct conf_capture {
	char **interfaces;		/* capture.interfaces; -i replaces */
	int ninterfaces;
	char *filter;			/* BPF expression, NULL: everything */
	uint32_t snaplen;		/* bytes kept of each frame */
	uint32_t buffer_mb;		/* kernel ring per worker and interface */
	int promisc;			/* 1: promiscuous mode */
	uint32_t workers;		/* capture threads, 0: one per core */
	uint32_t timeout_ms;		/* ring block timeout (latency bound) */
};

/* The daemon's lifecycle; applied at start only. */
struct conf_daemon {
	char *user;			/* unprivileged user after the open */
	char *group;			/* NULL: the user's primary group */
	uint32_t stats_interval;	/* seconds between stats lines, 0: off */
};

struct cfgread;

struct conf {
	char *path;			/* file it was read from, or NULL */
	struct cfgread *rd;		/* its settings, for a reload's check */
	struct conf_capture capture;
	struct conf_daemon daemon;
	struct flowtab_conf flow;
	struct classify_conf dpi;
	unsigned frag_slots;		/* pending fragmented datagrams */
	unsigned progress_secs;		/* progress line period on a tty */
	char *flows_path;		/* sensor: flow records, NULL: none */
	uint32_t flows_queue;		/* records its queue holds */
	struct alert_conf alert;
	/* The site and its documented flows, loaded and validated. */
	char *inventory_path;		/* NULL: no inventory */
	char **rules_paths;
	int nrules_paths;
	struct inventory *inv;		/* never NULL once loaded */
	struct ruleset *rs;		/* NULL when no rules file is named */
	char **enabled;			/* rule ids enabled by the site */
	struct policy_conf pc;
	struct sink_conf *sinks;	/* where alerts go (besides stdout) */
	int nsinks;
};

/*
 * A configuration with every key at its default: no inventory, no rules.
 * NULL on failure.
 */
struct conf *conf_defaults(void);
/*
 * Reads and validates path, and the inventory and rules files it names
 * (relative paths: against the configuration's folder, then its ../rules
 * folder, then the installed rules folder).  On success returns a new
 * configuration; on failure returns NULL and writes every problem as a
 * "file:line: problem" line to err.
 */
struct conf *conf_load(const char *path, char *err, size_t errlen);
void conf_free(struct conf *);

/*
 * Compares a configuration just read for a reload (nc) with the one in
 * force (old): every key a reload does not change (CFGKEY_RESTART) that
 * differs is written to err as "file:line: section.key: A -> B: a reload
 * does not change it ...".  Returns how many differ.
 */
int conf_reload_check(const struct conf *old, const struct conf *nc,
    char *err, size_t errlen);

/* A section of the file and its keys (cfgkey.h), for the tests. */
struct conf_section {
	const char *name;
	const struct cfgkey *keys;
	size_t nkeys;
};

/* Section i of the file (NULL past the last). */
const struct conf_section *conf_section_get(size_t i);

#endif

/*
 * conf.h - the daemon configuration (libconfig): tunables of every stage,
 * validated into an immutable struct conf.  A shared leaf: stages read
 * only their own section, copied into their own *_conf structs.
 */
#ifndef VW_CONF_H
#define VW_CONF_H

#include <stddef.h>

#include "classify.h"
#include "flowtab.h"

struct conf {
	char *path;			/* file it was read from, or NULL */
	struct flowtab_conf flow;
	struct classify_conf dpi;
	unsigned frag_slots;		/* pending fragmented datagrams */
	unsigned progress_secs;		/* progress line period on a tty */
};

/* A configuration with every key at its default.  NULL on failure. */
struct conf *conf_defaults(void);
/*
 * Reads and validates path.  On success returns a new configuration; on
 * failure returns NULL and writes "file:line: problem" lines to err.
 */
struct conf *conf_load(const char *path, char *err, size_t errlen);
void conf_free(struct conf *);

#endif

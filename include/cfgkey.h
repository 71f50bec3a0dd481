/*
 * cfgkey.h - the configuration kit of every loader (the configuration and
 * its sinks, the inventory, the rules).  A group's keys are a declarative
 * table (name, type, range, default, whether a reload may change it);
 * typed getters read a setting of cfgread's tree and report every problem
 * through errlist as "file:line: key: problem", at the file and line the
 * setting came from (an @included file's own).  A shared leaf above
 * cfgread and errlist.
 *
 * The messages, one wording for all four loaders (NAME is the context's
 * prefix then the key: "flow.udp_idle", "port", "host cam1: roles"):
 *
 *	unknown key NAME[ in WHAT][ (did you mean KEY?)]
 *	NAME: an integer is expected
 *	NAME: V is out of range MIN..MAX
 *	NAME: true or false is expected
 *	NAME: a string is expected / NAME: empty
 *	NAME: longer than N bytes
 *	NAME: not valid UTF-8 / NAME: a control character (\xHH)
 *	NAME: unknown NAME V (ONE, TWO, ...)
 *	NAME: a string or a list of strings is expected
 *	missing NAME
 */
#ifndef VW_CFGKEY_H
#define VW_CFGKEY_H

#include <stddef.h>

#include <libconfig.h>

struct errlist;

enum cfgkey_type {
	CFGKEY_INT,		/* an integer, into an int */
	CFGKEY_UINT,		/* an integer >= 0, into an unsigned */
	CFGKEY_BOOL,		/* true or false (also 0 or 1), into an int */
	/*
	 * Seconds, into an unsigned: an integer, or a string of one with a
	 * unit, "90s", "5m", "2h" or "1d".
	 */
	CFGKEY_DURATION,
	CFGKEY_STRING,		/* a non-empty string, into a new char * */
	CFGKEY_TEXT,		/* a non-empty string, into a char[size] */
	CFGKEY_ENUM,		/* one of names, into an int (its index) */
	/*
	 * A string or a list of strings, into a new NULL-ended char ** and
	 * its count (an int at off2); min..max entries.
	 */
	CFGKEY_LIST,
	CFGKEY_CUSTOM,		/* known here, read by the caller */
};

/* struct cfgkey.flags */
#define CFGKEY_RESTART	0x01	/* a reload does not change it (see below) */
#define CFGKEY_REQUIRED	0x02	/* "missing NAME" when absent */
#define CFGKEY_PRINT	0x04	/* strings: no control characters */

/* No field of the caller's struct (a CUSTOM key, or a getter's own). */
#define CFGKEY_NOWHERE	((size_t)-1)

struct cfgkey {
	const char *name;
	enum cfgkey_type type;
	/*
	 * INT, UINT, DURATION: the range.  STRING, TEXT: max is the longest
	 * string in bytes (0: no limit; a TEXT's array bounds it anyway).
	 * LIST: min..max entries (0: no limit).
	 */
	long long min, max;
	long long def;		/* numeric default (cfgkey_defaults()) */
	const char *defstr;	/* STRING, TEXT, ENUM: default, or NULL */
	size_t off;		/* where in the caller's struct, or NOWHERE */
	size_t off2;		/* TEXT: the array's size; LIST: its count */
	const char *const *names; /* ENUM: the values, NULL-ended */
	unsigned flags;		/* CFGKEY_* */
	unsigned mask;		/* the caller's (sinks: the types it is for) */
};

/*
 * Where problems go and how keys are named in them.  file: the file of a
 * setting that carries none (cfgread gives every setting its own).
 */
struct cfgkey_ctx {
	struct errlist *e;
	const char *file;
	const char *prefix;	/* before every key name ("" or NULL: none) */
	const char *what;	/* "host", "rule": "unknown key x in host" */
};

/* The file setting s came from, else ctx->file. */
const char *cfgkey_file(const struct cfgkey_ctx *, const config_setting_t *s);

/* The key called name in keys[0..n-1], or NULL. */
const struct cfgkey *cfgkey_find(const struct cfgkey *keys, size_t n,
    const char *name);
/*
 * The key of keys nearest to name (a typo: at most two letters added,
 * dropped, changed or swapped, and fewer than half of them), or NULL.
 */
const char *cfgkey_closest(const struct cfgkey *keys, size_t n,
    const char *name);

/*
 * Typed getters of one setting s, named name in messages (after the
 * context's prefix).  Each returns 0 with the value, or -1 after adding
 * the problem to ctx->e (the value then untouched).
 */
int cfgkey_int(const struct cfgkey_ctx *, const config_setting_t *s,
    const char *name, long long min, long long max, long long *v);
int cfgkey_bool(const struct cfgkey_ctx *, const config_setting_t *s,
    const char *name, int *v);
int cfgkey_duration(const struct cfgkey_ctx *, const config_setting_t *s,
    const char *name, long long min, long long max, long long *v);
/*
 * A non-empty string of at most maxlen bytes (0: any), valid UTF-8, and
 * with flags & CFGKEY_PRINT without control characters.  *v is borrowed
 * from the tree: valid until it is freed.
 */
int cfgkey_string(const struct cfgkey_ctx *, const config_setting_t *s,
    const char *name, size_t maxlen, unsigned flags, const char **v);
/* One of names (NULL-ended): its index in *v. */
int cfgkey_enum(const struct cfgkey_ctx *, const config_setting_t *s,
    const char *name, const char *const *names, int *v);
/*
 * A string or a list (array) of strings, each checked as by
 * cfgkey_string(), into out[0..max-1] (borrowed).  Returns how many
 * (0 for an empty list), or -1: not strings, more than max, or an entry
 * refused (every bad entry is reported).
 */
int cfgkey_strings(const struct cfgkey_ctx *, const config_setting_t *s,
    const char *name, size_t maxlen, unsigned flags, const char **out,
    int max);

/*
 * Reports every member of group g whose name is not in keys, with the
 * nearest key when there is one.  Returns how many.
 */
int cfgkey_unknown(const struct cfgkey_ctx *, const config_setting_t *g,
    const struct cfgkey *keys, size_t n);
/* Reports setting s as an unknown key (with the nearest of keys). */
void cfgkey_unknown_one(const struct cfgkey_ctx *, const config_setting_t *s,
    const struct cfgkey *keys, size_t n);
/*
 * Reads setting s as key k into the struct at base (k->off).  A STRING
 * or LIST replaces (and frees) what was there.  CUSTOM keys are left to
 * the caller (0).
 */
int cfgkey_get(const struct cfgkey_ctx *, const struct cfgkey *k,
    const config_setting_t *s, void *base);
/*
 * Reads group g by keys into base: unknown members, values and missing
 * REQUIRED keys are reported.  Returns 0, or -1 if there was a problem.
 */
int cfgkey_read(const struct cfgkey_ctx *, const config_setting_t *g,
    const struct cfgkey *keys, size_t n, void *base);
/* Sets every key of keys at base to its default (strings copied). */
int cfgkey_defaults(const struct cfgkey *keys, size_t n, void *base);
/* Frees the STRING and LIST values of keys at base. */
void cfgkey_free(const struct cfgkey *keys, size_t n, void *base);

/*
 * A reload: for every RESTART key of keys whose value at nbase differs
 * from the one in force at obase, adds "file:line: NAME: A -> B: a reload
 * does not change it" at the key's line in ng, the new file's group (NULL
 * or a key left out: the file without a line, "back to its default").
 * Returns how many keys differ.
 */
int cfgkey_changed(const struct cfgkey_ctx *, const struct cfgkey *keys,
    size_t n, const void *obase, const void *nbase,
    const config_setting_t *ng);

/* "integer", "duration", ...: the type's name in the manual. */
const char *cfgkey_type_name(enum cfgkey_type);

#endif

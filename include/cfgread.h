/*
 * cfgread.h - the one way the loaders (the configuration, the inventory,
 * the rules) read a libconfig file.  A shared leaf.
 *
 * libconfig 1.5 must never open a file itself: its scanner exits the
 * process when an @include names a folder, blocks forever on a FIFO, and
 * reads integers past 32 bits wrapped.  So the file and every file it
 * @includes are read here (regular files only), the @include lines are
 * replaced by the text they name, integer literals are checked, and
 * libconfig parses the result from memory.  Each setting then carries the
 * file and line it came from (config_setting_source_file() and _line()
 * work as after config_read_file()).
 */
#ifndef VW_CFGREAD_H
#define VW_CFGREAD_H

#include <stddef.h>

#include <libconfig.h>

struct errlist;

/* Nesting of @include, as libconfig's own limit. */
#define CFGREAD_DEPTH_MAX	10
/*
 * Bytes of text read for one load, @included files together.  Each file
 * read also counts CFGREAD_OPEN_COST, so that files included again and
 * again (empty ones too) cannot make a load run for ever: at most 4096
 * reads.
 */
#define CFGREAD_SIZE_MAX	(16u * 1024 * 1024)
#define CFGREAD_OPEN_COST	4096u

/* Where a run of lines of the parsed text comes from. */
struct cfgread_span {
	unsigned first;		/* first line of the text in the run */
	unsigned line;		/* its line in file */
	const char *file;
};

struct cfgread {
	config_t cf;		/* the parsed settings */
	char **files;		/* every file read; the settings point here */
	size_t nfiles;
	struct cfgread_span *spans;
	size_t nspans, capspans;
};

/*
 * Reads path and what it @includes into r->cf.  An @include names a
 * regular file, absolute or relative to the folder of the file that
 * names it; it must be alone at the start of its line, as libconfig
 * wants it.  Every problem is added to e as "file:line: problem" (for an
 * @include: the file and line of the @include, naming the file it
 * refers to).  Returns 0, or -1 if there was one.  Either way the caller
 * ends with cfgread_free(r).
 */
int cfgread_load(struct cfgread *r, const char *path, struct errlist *e);
/* Frees what cfgread_load() made (also after a failure). */
void cfgread_free(struct cfgread *r);

#endif

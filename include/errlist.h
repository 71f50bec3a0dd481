/*
 * errlist.h - the "file:line: problem" lines a loader gathers (the
 * configuration, the inventory, the rules): every problem of a file is
 * reported, not just the first.  A shared leaf.
 */
#ifndef VW_ERRLIST_H
#define VW_ERRLIST_H

#include <stddef.h>

struct errlist {
	char *buf;		/* the caller's buffer, always terminated */
	size_t len;
	size_t off;
	int n;			/* problems added, written or not */
	int full;		/* buf is full: ends with "...\n" */
};

/* Starts an empty list in buf (len bytes). */
void errlist_init(struct errlist *e, char *buf, size_t len);
/*
 * Adds "file:line: problem\n" ("file: problem\n" when line <= 0).  When
 * buf is full the list ends with "...\n" and further lines are counted
 * only.
 */
void errlist_add(struct errlist *e, const char *file, int line,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Adds the lines another loader wrote (counted as one problem). */
void errlist_append(struct errlist *e, const char *text);
/*
 * Puts the lines written since offset from (an earlier e->off) in order of
 * their line numbers; lines of one number keep their order.  All of them
 * must be of file.  Nothing is done once the list is full.
 */
void errlist_sort(struct errlist *e, size_t from, const char *file);

#endif

/*
 * format.h - renders an alert as one line in an output syntax.  Every
 * string that came off the wire is escaped for that syntax here.
 */
#ifndef VW_FORMAT_H
#define VW_FORMAT_H

#include <stddef.h>

#include "alert.h"

enum format_kind {
	FORMAT_TEXT = 0,	/* for a terminal */
	FORMAT_JSON,		/* Elastic Common Schema, one object a line */
	FORMAT_MAX
};

/* The format named name ("text", "json"), or -1. */
int format_lookup(const char *name);
const char *format_name(enum format_kind);
/*
 * Writes a as one line (with its newline) to buf of len bytes.  Returns
 * the length, or -1 if it did not fit.
 */
int format_alert(char *buf, size_t len, enum format_kind f,
    const struct alert *a);
/* ISO 8601 UTC with microseconds into buf (at least 32 bytes). */
char *format_time(unsigned long long ts, char *buf, size_t len);

#endif

/*
 * escape.h - every string that came off the wire is escaped for the format
 * it is written in before it reaches a line.  A shared leaf.
 */
#ifndef VW_ESCAPE_H
#define VW_ESCAPE_H

#include <stddef.h>

/*
 * JSON string body (RFC 8259): '"' '\\' and control characters escaped,
 * bytes that are not valid UTF-8 written as \u00XX of the byte.  Writes at
 * most len bytes including the NUL, never cutting an escape in half.
 * Returns the length written (without the NUL); out is always terminated.
 */
size_t escape_json(char *out, size_t len, const char *in, size_t inlen);

/*
 * For a plain text line: printable ASCII kept, '\\' doubled, everything else
 * as \xHH.  Same contract as escape_json().
 */
size_t escape_text(char *out, size_t len, const char *in, size_t inlen);

#endif

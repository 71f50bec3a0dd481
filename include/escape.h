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

/*
 * The escapers below keep valid UTF-8 (the syntaxes are UTF-8), put a
 * backslash before the bytes their syntax reserves, and write control
 * characters and bytes that are not UTF-8 as the four characters "\xHH"
 * (with the backslash itself escaped where the syntax escapes it, so a
 * reader decodes them to "\xHH").  No control character is ever written.
 * Same contract as escape_json(): at most len bytes including the NUL,
 * never an escape cut in half, returns the length written.
 */

/* RFC 5424 section 6.3.3 SD-PARAM value: '"' '\\' ']' escaped. */
size_t escape_sd(char *out, size_t len, const char *in, size_t inlen);

/* CEF header field: '|' and '\\' escaped. */
size_t escape_cef_header(char *out, size_t len, const char *in,
    size_t inlen);

/* CEF extension value: '=' and '\\' escaped, newline and carriage return
 * as "\n" and "\r". */
size_t escape_cef_ext(char *out, size_t len, const char *in, size_t inlen);

/*
 * LEEF 2.0 attribute value.  LEEF has no escape character, so the
 * delimiter, controls and non-UTF-8 bytes are written as "\xHH" and a
 * backslash is doubled so that "\xHH" is never ambiguous.
 */
size_t escape_leef(char *out, size_t len, const char *in, size_t inlen,
    char delim);

#endif

/*
 * escape.h - every string that came off the wire is escaped for the format
 * it is written in before it reaches a line.  A shared leaf.
 */
#ifndef VW_ESCAPE_H
#define VW_ESCAPE_H

#include <stddef.h>

/*
 * JSON string body (RFC 8259): '"' '\\' and control characters escaped
 * (C1 controls U+0080..U+009F too, as \u0080..\u009f), each byte that is
 * not valid UTF-8 written as \ufffd, the replacement character (JSON
 * cannot hold a byte, and \u00XX of the byte would read as a real
 * character; format.c adds the raw bytes in hex beside).  Writes at
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
 * characters (C1 controls, U+0080..U+009F, as the two bytes "\xc2\xHH") and
 * bytes that are not UTF-8 as the four characters "\xHH"
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
 * LEEF 2.0 attribute value, as QRadar reads it: LEEF has no escape
 * character (QRadar splits attributes at the delimiter, a pair at its first
 * '=', and shows a value verbatim), so nothing is backslashed: '=' and a
 * backslash stay as they are.  The delimiter, control characters and
 * bytes that are not UTF-8 are written as "\xHH", which QRadar shows as
 * those four characters (a value that held "\x5e" itself reads alike).
 */
size_t escape_leef(char *out, size_t len, const char *in, size_t inlen,
    char delim);

enum escape_syntax {
	ESCAPE_JSON = 0,
	ESCAPE_TEXT,
	ESCAPE_SD,
	ESCAPE_CEF_HEADER,
	ESCAPE_CEF_EXT,
	ESCAPE_LEEF,
};

/*
 * in escaped for syn (delim: LEEF's delimiter, else unused) into out, len
 * bytes with the NUL, whole or not at all: returns the length, or -1 when
 * it did not fit (out then holds a part, terminated).  For a renderer
 * that must never cut a field.
 */
int escape_whole(char *out, size_t len, enum escape_syntax syn, char delim,
    const char *in, size_t inlen);

/* 1 when in is valid UTF-8 (RFC 3629), 0 when a byte is not. */
int escape_utf8_valid(const char *in, size_t inlen);

#endif

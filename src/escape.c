/*
 * escape.c - escaping of strings that came off the wire, one function per
 * output syntax.  Nothing from a packet reaches a line unescaped.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "escape.h"

static const char hexdig[] = "0123456789abcdef";

/*
 * Length of the valid UTF-8 sequence at p (n bytes available), or 0 if the
 * bytes there are not one (RFC 3629: no overlongs, no surrogates, at most
 * U+10FFFF).
 */
static size_t
utf8_len(const uint8_t *p, size_t n)
{
	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		return n >= 2 && (p[1] & 0xc0) == 0x80 ? 2 : 0;
	if (p[0] >= 0xe0 && p[0] <= 0xef) {
		if (n < 3 || (p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80)
			return 0;
		if (p[0] == 0xe0 && p[1] < 0xa0)
			return 0;	/* overlong */
		if (p[0] == 0xed && p[1] >= 0xa0)
			return 0;	/* surrogate */
		return 3;
	}
	if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		if (n < 4 || (p[1] & 0xc0) != 0x80 ||
		    (p[2] & 0xc0) != 0x80 || (p[3] & 0xc0) != 0x80)
			return 0;
		if (p[0] == 0xf0 && p[1] < 0x90)
			return 0;	/* overlong */
		if (p[0] == 0xf4 && p[1] >= 0x90)
			return 0;	/* beyond U+10FFFF */
		return 4;
	}
	return 0;
}

/* How escape_with() writes a few controls in short form. */
enum escape_short {
	ESC_SHORT_NONE = 0,	/* every control in hex */
	ESC_SHORT_NL,		/* '\n' '\r' as "\n" "\r" (CEF extension) */
	ESC_SHORT_NLTAB,	/* and '\t' as "\t" (JSON) */
};

/* What one of the syntax escapers below escapes, and how. */
struct escape_rules {
	const char *reserved;	/* bytes written with a backslash before */
	int shortctl;		/* enum escape_short */
	const char *hex;	/* how "\x" is written in the syntax */
	int delim;		/* a byte written in hex, or -1 (LEEF) */
	int ascii;		/* bytes >= 0x80 in hex too, UTF-8 or not */
	/*
	 * A byte that is not UTF-8, when not in hex: JSON has no way to
	 * write a byte, and "\u00ff" would read as the character U+00FF,
	 * so it gets U+FFFD, the Unicode replacement character.
	 */
	const char *invalid;
	/* 1: a C1 control as the code point ("\u0085"), not its bytes. */
	int c1_codepoint;
};

/*
 * Whether c is one of the few bytes a syntax reserves.  A loop, not
 * strchr(3): this runs for every byte of every field.
 */
static int
escape_reserved(const char *set, uint8_t c)
{
	for (; *set != '\0'; set++)
		if ((uint8_t)*set == c)
			return 1;
	return 0;
}

/* Writes rep (rl bytes) at out + *o if it fits with a NUL; 0 or -1. */
static int
escape_put(char *out, size_t len, size_t *o, const void *rep, size_t rl)
{
	if (*o + rl >= len)
		return -1;
	memcpy(out + *o, rep, rl);
	*o += rl;
	return 0;
}

/*
 * The escaper of every syntax.  *used gets how many input bytes were
 * written (all of them unless out was too short).
 */
static size_t
escape_with(char *out, size_t len, const char *in, size_t inlen,
    const struct escape_rules *r, size_t *used)
{
	const uint8_t *p = (const uint8_t *)in;
	size_t o = 0, i = 0, n;
	char tmp[16];
	const char *rep;

	*used = 0;
	if (len == 0)
		return 0;
	while (i < inlen) {
		/* Most bytes are printable ASCII that needs nothing. */
		if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != r->delim &&
		    !escape_reserved(r->reserved, p[i])) {
			if (o + 1 >= len)
				break;
			out[o++] = (char)p[i++];
			continue;
		}
		rep = NULL;
		n = 1;
		if (r->shortctl != ESC_SHORT_NONE && p[i] == '\n')
			rep = "\\n";
		else if (r->shortctl != ESC_SHORT_NONE && p[i] == '\r')
			rep = "\\r";
		else if (r->shortctl == ESC_SHORT_NLTAB && p[i] == '\t')
			rep = "\\t";
		else if (p[i] < 0x20 || p[i] == 0x7f || p[i] == r->delim ||
		    (p[i] >= 0x80 && r->ascii)) {
			/* Inert and visible: the byte's value in hex. */
			snprintf(tmp, sizeof(tmp), "%s%c%c", r->hex,
			    hexdig[p[i] >> 4], hexdig[p[i] & 15]);
			rep = tmp;
		} else if (p[i] >= 0x80 &&
		    (n = utf8_len(p + i, inlen - i)) == 0) {
			n = 1;
			if (r->invalid != NULL)
				rep = r->invalid;
			else {
				snprintf(tmp, sizeof(tmp), "%s%c%c", r->hex,
				    hexdig[p[i] >> 4], hexdig[p[i] & 15]);
				rep = tmp;
			}
		} else if (n == 2 && p[i] == 0xc2 && p[i + 1] <= 0x9f) {
			/*
			 * U+0080..U+009F, the C1 controls: valid UTF-8, yet
			 * NEL (U+0085) ends a line for some readers and CSI
			 * (U+009B) drives a terminal.  JSON writes the code
			 * point, the other syntaxes both bytes in hex.
			 */
			if (r->c1_codepoint)
				snprintf(tmp, sizeof(tmp), "\\u00%c%c",
				    hexdig[p[i + 1] >> 4],
				    hexdig[p[i + 1] & 15]);
			else
				snprintf(tmp, sizeof(tmp), "%sc2%s%c%c",
				    r->hex, r->hex, hexdig[p[i + 1] >> 4],
				    hexdig[p[i + 1] & 15]);
			rep = tmp;
		} else if (p[i] < 0x80 && escape_reserved(r->reserved, p[i])) {
			tmp[0] = '\\';
			tmp[1] = (char)p[i];
			tmp[2] = '\0';
			rep = tmp;
		}
		if (rep != NULL) {
			if (escape_put(out, len, &o, rep, strlen(rep)) == -1)
				break;
		} else if (escape_put(out, len, &o, p + i, n) == -1)
			break;
		i += n;
	}
	out[o] = '\0';
	*used = i;
	return o;
}

static const struct escape_rules escape_json_rules = { "\"\\",
	ESC_SHORT_NLTAB, "\\u00", -1, 0, "\\ufffd", 1 };
static const struct escape_rules escape_text_rules = { "\\",
	ESC_SHORT_NONE, "\\x", -1, 1, NULL, 0 };
static const struct escape_rules escape_sd_rules = { "\"\\]",
	ESC_SHORT_NONE, "\\\\x", -1, 0, NULL, 0 };
static const struct escape_rules escape_cef_header_rules = { "|\\",
	ESC_SHORT_NONE, "\\\\x", -1, 0, NULL, 0 };
static const struct escape_rules escape_cef_ext_rules = { "=\\",
	ESC_SHORT_NL, "\\\\x", -1, 0, NULL, 0 };

/*
 * LEEF has no escape character: QRadar splits the attributes at the
 * delimiter and a pair at its first '=', and shows a value as written.
 * So nothing is reserved (a backslash stays one backslash, '=' stays in
 * the value); the delimiter and what must not reach a line are hex.
 */
static void
escape_leef_rules(struct escape_rules *r, char delim)
{
	r->reserved = "";
	r->shortctl = ESC_SHORT_NONE;
	r->hex = "\\x";
	r->delim = (uint8_t)delim;
	r->ascii = 0;
	r->invalid = NULL;
	r->c1_codepoint = 0;
}

size_t
escape_json(char *out, size_t len, const char *in, size_t inlen)
{
	size_t used;

	return escape_with(out, len, in, inlen, &escape_json_rules, &used);
}

size_t
escape_text(char *out, size_t len, const char *in, size_t inlen)
{
	size_t used;

	return escape_with(out, len, in, inlen, &escape_text_rules, &used);
}

size_t
escape_sd(char *out, size_t len, const char *in, size_t inlen)
{
	size_t used;

	return escape_with(out, len, in, inlen, &escape_sd_rules, &used);
}

size_t
escape_cef_header(char *out, size_t len, const char *in, size_t inlen)
{
	size_t used;

	return escape_with(out, len, in, inlen, &escape_cef_header_rules,
	    &used);
}

size_t
escape_cef_ext(char *out, size_t len, const char *in, size_t inlen)
{
	size_t used;

	return escape_with(out, len, in, inlen, &escape_cef_ext_rules, &used);
}

size_t
escape_leef(char *out, size_t len, const char *in, size_t inlen, char delim)
{
	struct escape_rules r;
	size_t used;

	escape_leef_rules(&r, delim);
	return escape_with(out, len, in, inlen, &r, &used);
}

int
escape_whole(char *out, size_t len, enum escape_syntax syn, char delim,
    const char *in, size_t inlen)
{
	static const struct escape_rules *const rules[] = {
		[ESCAPE_JSON] = &escape_json_rules,
		[ESCAPE_TEXT] = &escape_text_rules,
		[ESCAPE_SD] = &escape_sd_rules,
		[ESCAPE_CEF_HEADER] = &escape_cef_header_rules,
		[ESCAPE_CEF_EXT] = &escape_cef_ext_rules,
	};
	struct escape_rules leef;
	const struct escape_rules *r;
	size_t n, used;

	if (syn == ESCAPE_LEEF) {
		escape_leef_rules(&leef, delim);
		r = &leef;
	} else if ((unsigned)syn < sizeof(rules) / sizeof(rules[0]) &&
	    rules[syn] != NULL)
		r = rules[syn];
	else
		return -1;
	/* Not even room for the NUL: nothing fits, the empty string neither. */
	if (len == 0)
		return -1;
	n = escape_with(out, len, in, inlen, r, &used);
	return used == inlen && n <= INT32_MAX ? (int)n : -1;
}

int
escape_utf8_valid(const char *in, size_t inlen)
{
	const uint8_t *p = (const uint8_t *)in;
	size_t i = 0, n;

	while (i < inlen) {
		if ((n = utf8_len(p + i, inlen - i)) == 0)
			return 0;
		i += n;
	}
	return 1;
}

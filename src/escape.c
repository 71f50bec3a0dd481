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
};

static size_t
escape_with(char *out, size_t len, const char *in, size_t inlen,
    const struct escape_rules *r)
{
	const uint8_t *p = (const uint8_t *)in;
	size_t o = 0, i = 0, n, rl;
	char tmp[8];
	const char *rep;

	if (len == 0)
		return 0;
	while (i < inlen) {
		rep = NULL;
		n = 1;
		if (r->shortctl != ESC_SHORT_NONE && p[i] == '\n')
			rep = "\\n";
		else if (r->shortctl != ESC_SHORT_NONE && p[i] == '\r')
			rep = "\\r";
		else if (r->shortctl == ESC_SHORT_NLTAB && p[i] == '\t')
			rep = "\\t";
		else if (p[i] < 0x20 || p[i] == 0x7f || p[i] == r->delim ||
		    (p[i] >= 0x80 && (r->ascii ||
		    (n = utf8_len(p + i, inlen - i)) == 0))) {
			/* Inert and visible: the byte's value in hex. */
			snprintf(tmp, sizeof(tmp), "%s%c%c", r->hex,
			    hexdig[p[i] >> 4], hexdig[p[i] & 15]);
			rep = tmp;
			n = 1;
		} else if (p[i] != 0 && strchr(r->reserved, p[i]) != NULL) {
			tmp[0] = '\\';
			tmp[1] = (char)p[i];
			tmp[2] = '\0';
			rep = tmp;
		}
		if (rep != NULL) {
			rl = strlen(rep);
			if (o + rl >= len)
				break;
			memcpy(out + o, rep, rl);
			o += rl;
		} else {
			if (o + n >= len)
				break;
			memcpy(out + o, p + i, n);
			o += n;
		}
		i += n;
	}
	out[o] = '\0';
	return o;
}

size_t
escape_json(char *out, size_t len, const char *in, size_t inlen)
{
	static const struct escape_rules r = { "\"\\", ESC_SHORT_NLTAB,
		"\\u00", -1, 0 };

	return escape_with(out, len, in, inlen, &r);
}

size_t
escape_text(char *out, size_t len, const char *in, size_t inlen)
{
	static const struct escape_rules r = { "\\", ESC_SHORT_NONE, "\\x",
		-1, 1 };

	return escape_with(out, len, in, inlen, &r);
}

size_t
escape_sd(char *out, size_t len, const char *in, size_t inlen)
{
	static const struct escape_rules r = { "\"\\]", ESC_SHORT_NONE,
		"\\\\x", -1, 0 };

	return escape_with(out, len, in, inlen, &r);
}

size_t
escape_cef_header(char *out, size_t len, const char *in, size_t inlen)
{
	static const struct escape_rules r = { "|\\", ESC_SHORT_NONE,
		"\\\\x", -1, 0 };

	return escape_with(out, len, in, inlen, &r);
}

size_t
escape_cef_ext(char *out, size_t len, const char *in, size_t inlen)
{
	static const struct escape_rules r = { "=\\", ESC_SHORT_NL,
		"\\\\x", -1, 0 };

	return escape_with(out, len, in, inlen, &r);
}

size_t
escape_leef(char *out, size_t len, const char *in, size_t inlen, char delim)
{
	struct escape_rules r = { "\\", ESC_SHORT_NONE, "\\x",
		(uint8_t)delim, 0 };

	return escape_with(out, len, in, inlen, &r);
}

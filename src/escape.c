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

size_t
escape_json(char *out, size_t len, const char *in, size_t inlen)
{
	const uint8_t *p = (const uint8_t *)in;
	size_t o = 0, i = 0, n;
	char tmp[8];
	const char *rep;

	if (len == 0)
		return 0;
	while (i < inlen) {
		rep = NULL;
		n = 1;
		switch (p[i]) {
		case '"':
			rep = "\\\"";
			break;
		case '\\':
			rep = "\\\\";
			break;
		case '\n':
			rep = "\\n";
			break;
		case '\r':
			rep = "\\r";
			break;
		case '\t':
			rep = "\\t";
			break;
		default:
			if (p[i] < 0x20 || p[i] == 0x7f) {
				snprintf(tmp, sizeof(tmp), "\\u%04x", p[i]);
				rep = tmp;
			} else if (p[i] >= 0x80 &&
			    (n = utf8_len(p + i, inlen - i)) == 0) {
				/* Not UTF-8: keep the byte visible, inert. */
				snprintf(tmp, sizeof(tmp), "\\u%04x", p[i]);
				rep = tmp;
				n = 1;
			}
		}
		if (rep != NULL) {
			size_t rl = strlen(rep);
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
escape_text(char *out, size_t len, const char *in, size_t inlen)
{
	const uint8_t *p = (const uint8_t *)in;
	size_t o = 0, i;

	if (len == 0)
		return 0;
	for (i = 0; i < inlen; i++) {
		if (p[i] == '\\') {
			if (o + 2 >= len)
				break;
			out[o++] = '\\';
			out[o++] = '\\';
		} else if (p[i] >= 0x20 && p[i] < 0x7f) {
			if (o + 1 >= len)
				break;
			out[o++] = (char)p[i];
		} else {
			if (o + 4 >= len)
				break;
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hexdig[p[i] >> 4];
			out[o++] = hexdig[p[i] & 15];
		}
	}
	out[o] = '\0';
	return o;
}

/* What one of the syntax escapers below escapes, and how. */
struct escape_rules {
	const char *reserved;	/* bytes written with a backslash before */
	int cef_newlines;	/* '\n' '\r' as "\n" "\r" (CEF extension) */
	const char *hex;	/* how "\x" is written in the syntax */
	int delim;		/* a byte written in hex, or -1 (LEEF) */
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
		if (r->cef_newlines && p[i] == '\n')
			rep = "\\n";
		else if (r->cef_newlines && p[i] == '\r')
			rep = "\\r";
		else if (p[i] < 0x20 || p[i] == 0x7f || p[i] == r->delim ||
		    (p[i] >= 0x80 && (n = utf8_len(p + i, inlen - i)) == 0)) {
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
escape_sd(char *out, size_t len, const char *in, size_t inlen)
{
	static const struct escape_rules r = { "\"\\]", 0, "\\\\x", -1 };

	return escape_with(out, len, in, inlen, &r);
}

size_t
escape_cef_header(char *out, size_t len, const char *in, size_t inlen)
{
	static const struct escape_rules r = { "|\\", 0, "\\\\x", -1 };

	return escape_with(out, len, in, inlen, &r);
}

size_t
escape_cef_ext(char *out, size_t len, const char *in, size_t inlen)
{
	static const struct escape_rules r = { "=\\", 1, "\\\\x", -1 };

	return escape_with(out, len, in, inlen, &r);
}

size_t
escape_leef(char *out, size_t len, const char *in, size_t inlen, char delim)
{
	struct escape_rules r = { "\\", 0, "\\x", (uint8_t)delim };

	return escape_with(out, len, in, inlen, &r);
}

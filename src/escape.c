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

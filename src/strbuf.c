/*
 * strbuf.c - the output formats' string builder (see strbuf.h).  Flow
 * records and alert lines are built from small appenders rather than
 * printf where they can: a flow ends every few packets, and formatting
 * was a tenth of a run's time.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "strbuf.h"

/*
 * A piece of a line is short: vsnprintf(3) is given room for this much
 * first, the whole rest of the line only if that was not enough (the
 * sanitizers check the whole size they are given, at every call).
 */
#define PUT_CHUNK	512

/* "00" to "99": two digits per division. */
static const char strbuf_pairs[] =
    "00010203040506070809101112131415161718192021222324252627282930313233"
    "34353637383940414243444546474849505152535455565758596061626364656667"
    "6869707172737475767778798081828384858687888990919293949596979899";

/* v's decimal digits, ending at end; returns where they start. */
static char *
strbuf_digits(char *end, uint64_t v)
{
	while (v >= 100) {
		end -= 2;
		memcpy(end, strbuf_pairs + 2 * (v % 100), 2);
		v /= 100;
	}
	if (v >= 10) {
		end -= 2;
		memcpy(end, strbuf_pairs + 2 * v, 2);
	} else
		*--end = (char)('0' + v);
	return end;
}

void
strbuf_u64(struct strbuf *w, uint64_t v)
{
	char tmp[20], *p;

	p = strbuf_digits(tmp + sizeof(tmp), v);
	strbuf_raw(w, p, (size_t)(tmp + sizeof(tmp) - p));
}

void
strbuf_ipv4(struct strbuf *w, const uint8_t *b)
{
	char tmp[16], *p = tmp + sizeof(tmp);
	int i;

	/* Back to front: the last byte's digits first. */
	for (i = 3; i >= 0; i--) {
		p = strbuf_digits(p, b[i]);
		if (i > 0)
			*--p = '.';
	}
	strbuf_raw(w, p, (size_t)(tmp + sizeof(tmp) - p));
}

void
strbuf_hex(struct strbuf *w, const void *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const uint8_t *b = p;
	char *o;
	size_t i;

	/* Two digits per byte; n is small, so 2n does not overflow. */
	if (!strbuf_room(w, 2 * n))
		return;
	o = w->buf + w->o;
	for (i = 0; i < n; i++) {
		*o++ = hex[b[i] >> 4];
		*o++ = hex[b[i] & 15];
	}
	w->o += 2 * n;
	w->buf[w->o] = '\0';
}

void
strbuf_printf(struct strbuf *w, const char *fmt, ...)
{
	va_list ap;
	size_t room, first;
	int n;

	if (w->o >= w->len)
		return;
	room = w->len - w->o;
	first = room < PUT_CHUNK ? room : PUT_CHUNK;
	va_start(ap, fmt);
	n = vsnprintf(w->buf + w->o, first, fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n >= first && first < room) {
		va_start(ap, fmt);
		n = vsnprintf(w->buf + w->o, room, fmt, ap);
		va_end(ap);
	}
	/* Cut by vsnprintf: full, as for every other piece. */
	w->o = n < 0 || (size_t)n >= room ? w->len : w->o + (size_t)n;
}

void
strbuf_esc(struct strbuf *w, enum escape_syntax syn, char delim,
    const char *s, size_t max)
{
	int n;

	if (w->o >= w->len)
		return;
	n = escape_whole(w->buf + w->o, w->len - w->o, syn, delim, s,
	    strnlen(s, max));
	w->o = n < 0 ? w->len : w->o + (size_t)n;
}

void
strbuf_json_str(struct strbuf *w, const char *s, size_t max)
{
	STRBUF_LIT(w, "\"");
	strbuf_esc(w, ESCAPE_JSON, 0, s, max);
	STRBUF_LIT(w, "\"");
}

void
strbuf_json_item(struct strbuf_list *l, const char *s)
{
	if (l->n++ > 0)
		STRBUF_LIT(l->w, ",");
	strbuf_json_str(l->w, s, strlen(s));
}

void
strbuf_json_item_cb(int key, const char *name, void *arg)
{
	(void)key;
	strbuf_json_item(arg, name);
}

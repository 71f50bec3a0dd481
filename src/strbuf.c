/*
 * strbuf.c - the output formats' string builder (see strbuf.h).  Flow
 * records and alert lines are built from small appenders rather than
 * printf where they can: a flow ends every few packets, and formatting
 * was a tenth of a run's time.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "strbuf.h"

/*
 * A piece of a line is short: vsnprintf(3) is given room for this much
 * first, the whole rest of the line only if that was not enough (the
 * sanitizers check the whole size they are given, at every call).
 */
#define PUT_CHUNK	512

void
strbuf_raw(struct strbuf *w, const char *s, size_t n)
{
	if (w->o >= w->len)
		return;
	/* Room for the NUL too, or the buffer is full. */
	if (n >= w->len - w->o) {
		w->o = w->len;
		return;
	}
	memcpy(w->buf + w->o, s, n);
	w->o += n;
	w->buf[w->o] = '\0';
}

void
strbuf_str(struct strbuf *w, const char *s)
{
	strbuf_raw(w, s, strlen(s));
}

void
strbuf_u64(struct strbuf *w, uint64_t v)
{
	char tmp[24];
	size_t i = sizeof(tmp);

	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	strbuf_raw(w, tmp + i, sizeof(tmp) - i);
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

void
strbuf_hex(struct strbuf *w, const char *s, size_t max)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, n = strnlen(s, max);
	char b[2];

	for (i = 0; i < n; i++) {
		b[0] = hex[(unsigned char)s[i] >> 4];
		b[1] = hex[(unsigned char)s[i] & 0xf];
		strbuf_raw(w, b, 2);
	}
}

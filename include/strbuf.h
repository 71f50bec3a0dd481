/*
 * strbuf.h - the string builder of the output formats (format.c's alert
 * lines, flowlog.c's flow records): appenders into a caller's fixed
 * buffer, nothing allocated.  A piece that does not fit marks the buffer
 * full (o == len) and every later piece is dropped, so the caller checks
 * once at the end and drops the whole line rather than cut a field.  The
 * text so far is always NUL-terminated.  A shared leaf.
 */
#ifndef VW_STRBUF_H
#define VW_STRBUF_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "escape.h"

struct strbuf {
	char *buf;
	size_t len;		/* bytes of buf, the NUL included */
	size_t o;		/* length so far; len: full */
};

/*
 * The direct writer: the appenders below copy or convert without parsing
 * a format.  The ones a flow record calls a hundred times are inline, so
 * that a literal's copy compiles to a few moves.
 */

/*
 * Room for n more bytes and the NUL?  If not, marks the buffer full and
 * returns 0: the caller writes nothing.
 */
static inline int
strbuf_room(struct strbuf *w, size_t n)
{
	if (w->o >= w->len || n >= w->len - w->o) {
		w->o = w->len;
		return 0;
	}
	return 1;
}

/* n bytes of s. */
static inline void
strbuf_raw(struct strbuf *w, const char *s, size_t n)
{
	if (!strbuf_room(w, n))
		return;
	memcpy(w->buf + w->o, s, n);
	w->o += n;
	w->buf[w->o] = '\0';
}

/* A string literal, without strlen. */
#define STRBUF_LIT(w, s)	strbuf_raw((w), (s), sizeof(s) - 1)

/* One byte. */
static inline void
strbuf_ch(struct strbuf *w, char c)
{
	if (!strbuf_room(w, 1))
		return;
	w->buf[w->o++] = c;
	w->buf[w->o] = '\0';
}

/* A string as it is (no format to interpret). */
static inline void
strbuf_str(struct strbuf *w, const char *s)
{
	strbuf_raw(w, s, strlen(s));
}

/* A number in decimal, without printf. */
void strbuf_u64(struct strbuf *, uint64_t v);
/* An IPv4 address (4 bytes, network order) as a dotted quad. */
void strbuf_ipv4(struct strbuf *, const uint8_t *b);
/* n bytes as lower-case hex, two digits each (a wire string's raw form). */
void strbuf_hex(struct strbuf *, const void *p, size_t n);
void strbuf_printf(struct strbuf *, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/*
 * At most max bytes of s, escaped for syntax syn (escape.h): whole, or
 * the buffer is full.
 */
void strbuf_esc(struct strbuf *, enum escape_syntax syn, char delim,
    const char *s, size_t max);
/*
 * A JSON string value, quotes included: at most max bytes of s, escaped
 * (escape_json's rules), whole or the buffer is full.
 */
void strbuf_json_str(struct strbuf *, const char *s, size_t max);
/* A JSON array of strings being written; the caller writes the brackets. */
struct strbuf_list {
	struct strbuf *w;
	int n;			/* items so far: start at 0 */
};
/* The next string of the array: a comma first unless it is the first. */
void strbuf_json_item(struct strbuf_list *, const char *s);
/*
 * The same as a callback of a foreach over names (classify_risk_foreach's
 * form); arg is the struct strbuf_list, key is not used.
 */
void strbuf_json_item_cb(int key, const char *name, void *arg);

/* Did a piece not fit? */
static inline int
strbuf_full(const struct strbuf *w)
{
	return w->o >= w->len;
}

#endif

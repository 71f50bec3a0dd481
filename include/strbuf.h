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

#include "escape.h"

struct strbuf {
	char *buf;
	size_t len;		/* bytes of buf, the NUL included */
	size_t o;		/* length so far; len: full */
};

/* n bytes of s. */
void strbuf_raw(struct strbuf *, const char *s, size_t n);
/* A string literal, without strlen. */
#define STRBUF_LIT(w, s)	strbuf_raw((w), (s), sizeof(s) - 1)
/* A string as it is (no format to interpret). */
void strbuf_str(struct strbuf *, const char *s);
/* A number in decimal, without printf. */
void strbuf_u64(struct strbuf *, uint64_t v);
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
/* Lower-case hex of the bytes of s (at most max): a wire string's raw form. */
void strbuf_hex(struct strbuf *, const char *s, size_t max);

/* Did a piece not fit? */
static inline int
strbuf_full(const struct strbuf *w)
{
	return w->o >= w->len;
}

#endif

/*
 * errlist.c - "file:line: problem" lines of a loader into one buffer.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errlist.h"

void
errlist_init(struct errlist *e, char *buf, size_t len)
{
	e->buf = buf;
	e->len = len;
	e->off = 0;
	e->n = 0;
	e->full = 0;
	if (len > 0)
		buf[0] = '\0';
}

/* Appends text; marks the list full (ending it with "...") if it spills. */
static void
errlist_put(struct errlist *e, const char *text, size_t n)
{
	if (e->full || e->len == 0)
		return;
	if (e->off + n < e->len) {
		memcpy(e->buf + e->off, text, n);
		e->off += n;
		e->buf[e->off] = '\0';
		return;
	}
	/*
	 * Truncated: keep what fits and end the buffer with "...\n" so the
	 * reader knows more was found.
	 */
	e->full = 1;
	memcpy(e->buf + e->off, text, e->len - e->off - 1);
	e->buf[e->len - 1] = '\0';
	if (e->len >= 5)
		memcpy(e->buf + e->len - 5, "...\n", 5);
	else
		e->buf[0] = '\0';
}

/*
 * Control characters of the string in buf (len bytes) as \xHH.  What no
 * longer fits ends in "...".
 */
static void
clean(char *buf, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	char tmp[4 * 1024 + 1];
	size_t i, o = 0;
	unsigned char c;

	for (i = 0; buf[i] != '\0'; i++)
		if ((unsigned char)buf[i] < 0x20 || buf[i] == 0x7f)
			break;
	if (buf[i] == '\0' || len < 4)
		return;		/* nothing to change */
	for (i = 0; buf[i] != '\0' && o + 4 < sizeof(tmp); i++) {
		c = (unsigned char)buf[i];
		if (c >= 0x20 && c != 0x7f) {
			tmp[o++] = (char)c;
			continue;
		}
		tmp[o++] = '\\';
		tmp[o++] = 'x';
		tmp[o++] = hex[c >> 4];
		tmp[o++] = hex[c & 15];
	}
	tmp[o] = '\0';
	if (o < len) {
		memcpy(buf, tmp, o + 1);
		return;
	}
	memcpy(buf, tmp, len - 4);
	memcpy(buf + len - 4, "...", 4);
}

void
errlist_add(struct errlist *e, const char *file, int line, const char *fmt,
    ...)
{
	char msg[1024], out[1400];
	va_list ap;
	int n;

	e->n++;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/*
	 * A problem is one line: a control character taken from the file
	 * (a string with "\n" in it) is written as \xHH, so that it neither
	 * splits the line nor reaches a terminal.
	 */
	clean(msg, sizeof(msg));
	if (line > 0)
		n = snprintf(out, sizeof(out), "%s:%d: %s\n", file, line, msg);
	else
		n = snprintf(out, sizeof(out), "%s: %s\n", file, msg);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(out))
		n = (int)sizeof(out) - 1;
	errlist_put(e, out, (size_t)n);
}

void
errlist_append(struct errlist *e, const char *text)
{
	size_t n = strlen(text);

	if (n == 0)
		return;
	e->n++;
	errlist_put(e, text, n);
}

struct errline {
	long line;
	size_t off, len;
};

static int
errline_cmp(const void *a, const void *b)
{
	const struct errline *x = a, *y = b;

	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	/* Stable: the order they were added in. */
	return x->off < y->off ? -1 : x->off > y->off;
}

void
errlist_sort(struct errlist *e, size_t from, const char *file)
{
	struct errline *v;
	size_t flen = strlen(file), n = 0, i, p;
	char *copy, *nl;

	if (e->full || from >= e->off)
		return;
	for (p = from; p < e->off; p++)
		if (e->buf[p] == '\n')
			n++;
	if (n < 2 || (v = calloc(n, sizeof(*v))) == NULL)
		return;
	if ((copy = malloc(e->off - from)) == NULL) {
		free(v);
		return;
	}
	memcpy(copy, e->buf + from, e->off - from);
	for (i = 0, p = 0; i < n; i++) {
		nl = memchr(copy + p, '\n', e->off - from - p);
		v[i].off = p;
		v[i].len = (size_t)(nl - (copy + p)) + 1;
		/* "file:line: ..."; "file: ..." (no line) sorts first. */
		v[i].line = 0;
		if (v[i].len > flen + 1 && memcmp(copy + p, file, flen) == 0 &&
		    copy[p + flen] == ':' &&
		    copy[p + flen + 1] >= '0' && copy[p + flen + 1] <= '9')
			v[i].line = strtol(copy + p + flen + 1, NULL, 10);
		p += v[i].len;
	}
	qsort(v, n, sizeof(*v), errline_cmp);
	for (i = 0, p = from; i < n; i++) {
		memcpy(e->buf + p, copy + v[i].off, v[i].len);
		p += v[i].len;
	}
	free(copy);
	free(v);
}

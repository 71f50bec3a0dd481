/*
 * cfgkey.c - the configuration kit (see cfgkey.h): key tables and typed
 * getters over the settings cfgread parsed, every problem reported as
 * "file:line: key: problem" through errlist.  Used by conf.c,
 * sink_conf.c, inventory.c and rules_load.c; nothing here runs on the
 * packet path.
 */
#include <errno.h>
#include <stdarg.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfgkey.h"
#include "errlist.h"

/* Longest key name shown in a message (prefix included). */
#define CFGKEY_NAME_MAX	256

_Static_assert(sizeof(unsigned) == sizeof(uint32_t),
    "UINT and DURATION keys are stored in unsigned or uint32_t fields");

const char *
cfgkey_file(const struct cfgkey_ctx *ctx, const config_setting_t *s)
{
	const char *f = s != NULL ? config_setting_source_file(s) : NULL;

	return f != NULL ? f : ctx->file;
}

/* prefix + name, for a message. */
static const char *
cfgkey_name(const struct cfgkey_ctx *ctx, const char *name, char *buf,
    size_t len)
{
	snprintf(buf, len, "%s%s", ctx->prefix != NULL ? ctx->prefix : "",
	    name != NULL ? name : "?");
	return buf;
}

/* Adds "file:line: NAME: problem" for setting s; returns -1. */
static int __attribute__((format(printf, 4, 5)))
cfgkey_bad(const struct cfgkey_ctx *ctx, const config_setting_t *s,
    const char *name, const char *fmt, ...)
{
	char nb[CFGKEY_NAME_MAX], msg[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	errlist_add(ctx->e, cfgkey_file(ctx, s),
	    s != NULL ? config_setting_source_line(s) : 0, "%s: %s",
	    cfgkey_name(ctx, name, nb, sizeof(nb)), msg);
	return -1;
}

const struct cfgkey *
cfgkey_find(const struct cfgkey *keys, size_t n, const char *name)
{
	size_t i;

	if (name == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		if (strcmp(keys[i].name, name) == 0)
			return &keys[i];
	return NULL;
}

/*
 * Edit distance of a and b with adjacent swaps (optimal string alignment),
 * or a value above 2 as soon as it is known to be one: key names are
 * short, and only a typo's distance matters.
 */
static size_t
cfgkey_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, d[3][65];
	size_t *pp = d[0], *p = d[1], *c = d[2], *t, best;

	if (la > 64 || lb > 64 || (la > lb ? la - lb : lb - la) > 2)
		return 3;
	for (j = 0; j <= lb; j++)
		p[j] = j;
	for (i = 1; i <= la; i++) {
		c[0] = i;
		best = c[0];
		for (j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] != b[j - 1], v;

			v = p[j] + 1;
			if (c[j - 1] + 1 < v)
				v = c[j - 1] + 1;
			if (p[j - 1] + cost < v)
				v = p[j - 1] + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && pp[j - 2] + 1 < v)
				v = pp[j - 2] + 1;
			c[j] = v;
			if (v < best)
				best = v;
		}
		if (best > 2)
			return 3;
		t = pp;
		pp = p;
		p = c;
		c = t;
	}
	return p[lb];
}

const char *
cfgkey_closest(const struct cfgkey *keys, size_t n, const char *name)
{
	const char *best = NULL;
	size_t i, d, bestd = 3;

	if (name == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		d = cfgkey_distance(name, keys[i].name);
		/* Two edits in a four-letter word are another word. */
		if (d < bestd && d * 2 < strlen(keys[i].name)) {
			best = keys[i].name;
			bestd = d;
		}
	}
	return best;
}

int
cfgkey_int(const struct cfgkey_ctx *ctx, const config_setting_t *s,
    const char *name, long long min, long long max, long long *v)
{
	int t = config_setting_type(s);
	long long x;

	if (t != CONFIG_TYPE_INT && t != CONFIG_TYPE_INT64)
		return cfgkey_bad(ctx, s, name, "an integer is expected");
	x = config_setting_get_int64(s);
	if (x < min || x > max)
		return cfgkey_bad(ctx, s, name, "%lld is out of range "
		    "%lld..%lld", x, min, max);
	*v = x;
	return 0;
}

int
cfgkey_bool(const struct cfgkey_ctx *ctx, const config_setting_t *s,
    const char *name, int *v)
{
	long long x;

	switch (config_setting_type(s)) {
	case CONFIG_TYPE_BOOL:
		*v = config_setting_get_bool(s) != 0;
		return 0;
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64:
		/* 0 and 1 as the configuration has always taken them. */
		if ((x = config_setting_get_int64(s)) == 0 || x == 1) {
			*v = (int)x;
			return 0;
		}
		return cfgkey_bad(ctx, s, name, "%lld is out of range 0..1 "
		    "(true or false is expected)", x);
	default:
		return cfgkey_bad(ctx, s, name, "true or false is expected");
	}
}

int
cfgkey_duration(const struct cfgkey_ctx *ctx, const config_setting_t *s,
    const char *name, long long min, long long max, long long *v)
{
	const char *str, *p;
	long long x = 0, unit;
	int t = config_setting_type(s);

	if (t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64)
		return cfgkey_int(ctx, s, name, min, max, v);
	if (t != CONFIG_TYPE_STRING)
		return cfgkey_bad(ctx, s, name, "a duration is expected "
		    "(seconds, or a string such as \"90s\", \"5m\", \"2h\", "
		    "\"1d\")");
	str = config_setting_get_string(s);
	/*
	 * Held at ten digits and one more: past them no unit brings the
	 * value back in range, and x * 86400 cannot overflow.
	 */
	for (p = str; *p >= '0' && *p <= '9'; p++)
		if (x < 100000000000LL)
			x = x * 10 + (*p - '0');
	switch (p > str && p[0] != '\0' && p[1] == '\0' ? *p : 0) {
	case 's':
		unit = 1;
		break;
	case 'm':
		unit = 60;
		break;
	case 'h':
		unit = 3600;
		break;
	case 'd':
		unit = 86400;
		break;
	default:
		return cfgkey_bad(ctx, s, name, "\"%s\" is not a duration "
		    "(a number then s, m, h or d)", str);
	}
	x *= unit;
	if (x < min || x > max)
		return cfgkey_bad(ctx, s, name, "\"%s\" (%lld s) is out of "
		    "range %lld..%lld s", str, x, min, max);
	*v = x;
	return 0;
}

/*
 * Length of the UTF-8 sequence at p (RFC 3629: no overlong forms, no
 * surrogates, nothing past U+10FFFF), or 0 if it is not one.
 */
static size_t
cfgkey_utf8(const unsigned char *p)
{
	unsigned c = p[0];
	size_t n, i;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 0;
	for (i = 1; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	if ((c == 0xe0 && p[1] < 0xa0) || (c == 0xed && p[1] > 0x9f) ||
	    (c == 0xf0 && p[1] < 0x90) || (c == 0xf4 && p[1] > 0x8f))
		return 0;
	return n;
}

/* Checks string v of setting s; 0 or -1 (reported). */
static int
cfgkey_check_string(const struct cfgkey_ctx *ctx, const config_setting_t *s,
    const char *name, const char *v, size_t maxlen, unsigned flags)
{
	const unsigned char *p;
	size_t n;

	if (v[0] == '\0')
		return cfgkey_bad(ctx, s, name, "empty");
	if (maxlen > 0 && strlen(v) > maxlen)
		return cfgkey_bad(ctx, s, name, "longer than %zu bytes",
		    maxlen);
	for (p = (const unsigned char *)v; *p != '\0'; p += n) {
		if ((n = cfgkey_utf8(p)) == 0)
			return cfgkey_bad(ctx, s, name, "not valid UTF-8 "
			    "(byte 0x%02x at offset %zu)", *p,
			    (size_t)(p - (const unsigned char *)v));
		if ((flags & CFGKEY_PRINT) && (*p < 0x20 || *p == 0x7f))
			return cfgkey_bad(ctx, s, name, "a control character "
			    "(byte 0x%02x at offset %zu)", *p,
			    (size_t)(p - (const unsigned char *)v));
	}
	return 0;
}

int
cfgkey_string(const struct cfgkey_ctx *ctx, const config_setting_t *s,
    const char *name, size_t maxlen, unsigned flags, const char **v)
{
	const char *str;

	if (config_setting_type(s) != CONFIG_TYPE_STRING ||
	    (str = config_setting_get_string(s)) == NULL)
		return cfgkey_bad(ctx, s, name, "a string is expected");
	if (cfgkey_check_string(ctx, s, name, str, maxlen, flags) == -1)
		return -1;
	*v = str;
	return 0;
}

int
cfgkey_enum(const struct cfgkey_ctx *ctx, const config_setting_t *s,
    const char *name, const char *const *names, int *v)
{
	char list[512], nb[CFGKEY_NAME_MAX];
	const char *str;
	size_t o = 0;
	int i;

	if (cfgkey_string(ctx, s, name, 0, 0, &str) == -1)
		return -1;
	for (i = 0; names[i] != NULL; i++)
		if (strcmp(names[i], str) == 0) {
			*v = i;
			return 0;
		}
	list[0] = '\0';
	for (i = 0; names[i] != NULL && o < sizeof(list); i++)
		o += (size_t)snprintf(list + o, sizeof(list) - o, "%s%s",
		    i > 0 ? ", " : "", names[i]);
	/* "format: unknown format xml (text, json, ...)" */
	snprintf(nb, sizeof(nb), "%s", name);
	return cfgkey_bad(ctx, s, name, "unknown %s %s (%s)", nb, str, list);
}

int
cfgkey_strings(const struct cfgkey_ctx *ctx, const config_setting_t *s,
    const char *name, size_t maxlen, unsigned flags, const char **out,
    int max)
{
	const config_setting_t *m;
	char en[CFGKEY_NAME_MAX];
	int i, n, bad = 0;

	if (config_setting_type(s) == CONFIG_TYPE_STRING) {
		if (max < 1)
			return cfgkey_bad(ctx, s, name, "more than %d entries",
			    max);
		return cfgkey_string(ctx, s, name, maxlen, flags, &out[0]) ==
		    -1 ? -1 : 1;
	}
	if (config_setting_type(s) != CONFIG_TYPE_ARRAY &&
	    config_setting_type(s) != CONFIG_TYPE_LIST)
		return cfgkey_bad(ctx, s, name, "a string or a list of strings "
		    "is expected");
	n = config_setting_length(s);
	if (n > max)
		return cfgkey_bad(ctx, s, name, "more than %d entries", max);
	for (i = 0; i < n; i++) {
		m = config_setting_get_elem(s, (unsigned)i);
		snprintf(en, sizeof(en), "%s entry %d", name, i + 1);
		if (cfgkey_string(ctx, m, en, maxlen, flags, &out[i]) == -1)
			bad = 1;
	}
	return bad ? -1 : n;
}

void
cfgkey_unknown_one(const struct cfgkey_ctx *ctx, const config_setting_t *s,
    const struct cfgkey *keys, size_t n)
{
	const char *name = config_setting_name(s), *near;
	char nb[CFGKEY_NAME_MAX];

	near = cfgkey_closest(keys, n, name);
	errlist_add(ctx->e, cfgkey_file(ctx, s), config_setting_source_line(s),
	    "unknown key %s%s%s%s%s%s", cfgkey_name(ctx, name, nb, sizeof(nb)),
	    ctx->what != NULL ? " in " : "", ctx->what != NULL ? ctx->what : "",
	    near != NULL ? " (did you mean " : "", near != NULL ? near : "",
	    near != NULL ? "?)" : "");
}

int
cfgkey_unknown(const struct cfgkey_ctx *ctx, const config_setting_t *g,
    const struct cfgkey *keys, size_t n)
{
	const config_setting_t *m;
	int i, count = 0;

	for (i = 0; (m = config_setting_get_elem(g, (unsigned)i)) != NULL;
	    i++)
		if (cfgkey_find(keys, n, config_setting_name(m)) == NULL) {
			cfgkey_unknown_one(ctx, m, keys, n);
			count++;
		}
	return count;
}

#define AT(base, k, type)	((type *)(void *)((char *)(base) + (k)->off))

static void
cfgkey_strv_free(char **v)
{
	size_t i;

	for (i = 0; v != NULL && v[i] != NULL; i++)
		free(v[i]);
	free(v);
}

int
cfgkey_get(const struct cfgkey_ctx *ctx, const struct cfgkey *k,
    const config_setting_t *s, void *base)
{
	const char *str, **strs;
	long long v;
	char **vec;
	int b, i, n;

	switch (k->type) {
	case CFGKEY_INT:
	case CFGKEY_UINT:
	case CFGKEY_DURATION:
		if ((k->type == CFGKEY_DURATION ? cfgkey_duration(ctx, s,
		    k->name, k->min, k->max, &v) : cfgkey_int(ctx, s, k->name,
		    k->min, k->max, &v)) == -1)
			return -1;
		if (k->off == CFGKEY_NOWHERE)
			return 0;
		if (k->type == CFGKEY_INT)
			*AT(base, k, int) = (int)v;
		else
			*AT(base, k, unsigned) = (unsigned)v;
		return 0;
	case CFGKEY_BOOL:
		if (cfgkey_bool(ctx, s, k->name, &b) == -1)
			return -1;
		if (k->off != CFGKEY_NOWHERE)
			*AT(base, k, int) = b;
		return 0;
	case CFGKEY_ENUM:
		if (cfgkey_enum(ctx, s, k->name, k->names, &b) == -1)
			return -1;
		if (k->off != CFGKEY_NOWHERE)
			*AT(base, k, int) = b;
		return 0;
	case CFGKEY_STRING:
	case CFGKEY_TEXT:
		if (cfgkey_string(ctx, s, k->name, k->type == CFGKEY_TEXT &&
		    (k->max <= 0 || (size_t)k->max >= k->off2) ? k->off2 - 1 :
		    (size_t)k->max, k->flags, &str) == -1)
			return -1;
		if (k->off == CFGKEY_NOWHERE)
			return 0;
		if (k->type == CFGKEY_TEXT) {
			memcpy(AT(base, k, char), str, strlen(str) + 1);
			return 0;
		}
		free(*AT(base, k, char *));
		if ((*AT(base, k, char *) = strdup(str)) == NULL)
			return cfgkey_bad(ctx, s, k->name, "%s",
			    strerror(errno));
		return 0;
	case CFGKEY_LIST:
		n = config_setting_type(s) == CONFIG_TYPE_ARRAY ||
		    config_setting_type(s) == CONFIG_TYPE_LIST ?
		    config_setting_length(s) : 1;
		if ((strs = calloc((size_t)n + 1, sizeof(*strs))) == NULL)
			return cfgkey_bad(ctx, s, k->name, "%s",
			    strerror(errno));
		n = cfgkey_strings(ctx, s, k->name, 0, k->flags, strs,
		    k->max > 0 && k->max < INT_MAX ? (int)k->max : INT_MAX);
		if (n >= 0 && n < k->min) {
			free(strs);
			return cfgkey_bad(ctx, s, k->name, n == 0 ? "the list "
			    "is empty" : "fewer than %lld entries", k->min);
		}
		if (n < 0 || k->off == CFGKEY_NOWHERE) {
			free(strs);
			return n < 0 ? -1 : 0;
		}
		if ((vec = calloc((size_t)n + 1, sizeof(*vec))) == NULL) {
			free(strs);
			return cfgkey_bad(ctx, s, k->name, "%s",
			    strerror(errno));
		}
		for (i = 0; i < n; i++)
			if ((vec[i] = strdup(strs[i])) == NULL) {
				free(strs);
				cfgkey_strv_free(vec);
				return cfgkey_bad(ctx, s, k->name, "%s",
				    strerror(errno));
			}
		free(strs);
		cfgkey_strv_free(*AT(base, k, char **));
		*AT(base, k, char **) = vec;
		*(int *)(void *)((char *)base + k->off2) = n;
		return 0;
	case CFGKEY_CUSTOM:
		return 0;
	}
	return 0;
}

int
cfgkey_read(const struct cfgkey_ctx *ctx, const config_setting_t *g,
    const struct cfgkey *keys, size_t n, void *base)
{
	const config_setting_t *m;
	const struct cfgkey *k;
	char nb[CFGKEY_NAME_MAX];
	int i, r = 0;
	size_t j;

	if (cfgkey_unknown(ctx, g, keys, n) > 0)
		r = -1;
	for (i = 0; (m = config_setting_get_elem(g, (unsigned)i)) != NULL;
	    i++)
		if ((k = cfgkey_find(keys, n, config_setting_name(m))) !=
		    NULL && cfgkey_get(ctx, k, m, base) == -1)
			r = -1;
	for (j = 0; j < n; j++)
		if ((keys[j].flags & CFGKEY_REQUIRED) &&
		    config_setting_get_member(g, keys[j].name) == NULL) {
			errlist_add(ctx->e, cfgkey_file(ctx, g),
			    config_setting_source_line(g), "missing %s",
			    cfgkey_name(ctx, keys[j].name, nb, sizeof(nb)));
			r = -1;
		}
	return r;
}

int
cfgkey_defaults(const struct cfgkey *keys, size_t n, void *base)
{
	const struct cfgkey *k;
	size_t i;
	int j;

	for (i = 0; i < n; i++) {
		k = &keys[i];
		if (k->off == CFGKEY_NOWHERE)
			continue;
		switch (k->type) {
		case CFGKEY_INT:
		case CFGKEY_BOOL:
			*AT(base, k, int) = (int)k->def;
			break;
		case CFGKEY_UINT:
		case CFGKEY_DURATION:
			*AT(base, k, unsigned) = (unsigned)k->def;
			break;
		case CFGKEY_ENUM:
			*AT(base, k, int) = 0;
			for (j = 0; k->defstr != NULL && k->names[j] != NULL;
			    j++)
				if (strcmp(k->names[j], k->defstr) == 0)
					*AT(base, k, int) = j;
			break;
		case CFGKEY_TEXT:
			snprintf(AT(base, k, char), k->off2, "%s",
			    k->defstr != NULL ? k->defstr : "");
			break;
		case CFGKEY_STRING:
			free(*AT(base, k, char *));
			*AT(base, k, char *) = NULL;
			if (k->defstr != NULL && (*AT(base, k, char *) =
			    strdup(k->defstr)) == NULL)
				return -1;
			break;
		case CFGKEY_LIST:
			cfgkey_strv_free(*AT(base, k, char **));
			*AT(base, k, char **) = NULL;
			*(int *)(void *)((char *)base + k->off2) = 0;
			break;
		case CFGKEY_CUSTOM:
			break;
		}
	}
	return 0;
}

void
cfgkey_free(const struct cfgkey *keys, size_t n, void *base)
{
	const struct cfgkey *k;
	size_t i;

	for (i = 0; i < n; i++) {
		k = &keys[i];
		if (k->off == CFGKEY_NOWHERE)
			continue;
		if (k->type == CFGKEY_STRING) {
			free(*AT(base, k, char *));
			*AT(base, k, char *) = NULL;
		} else if (k->type == CFGKEY_LIST) {
			cfgkey_strv_free(*AT(base, k, char **));
			*AT(base, k, char **) = NULL;
			*(int *)(void *)((char *)base + k->off2) = 0;
		}
	}
}

/* The value of k at base as text, for a reload's message. */
static const char *
cfgkey_fmt(const struct cfgkey *k, const void *base, char *buf, size_t len)
{
	const void *cb = base;
	char *const *v;
	size_t o = 0;
	int i, n;

	switch (k->type) {
	case CFGKEY_INT:
	case CFGKEY_BOOL:
		snprintf(buf, len, "%d", *(const int *)(const void *)
		    ((const char *)cb + k->off));
		break;
	case CFGKEY_UINT:
	case CFGKEY_DURATION:
		snprintf(buf, len, "%u", *(const unsigned *)(const void *)
		    ((const char *)cb + k->off));
		break;
	case CFGKEY_ENUM:
		snprintf(buf, len, "%s", k->names[*(const int *)(const void *)
		    ((const char *)cb + k->off)]);
		break;
	case CFGKEY_TEXT:
		snprintf(buf, len, "\"%s\"", (const char *)cb + k->off);
		break;
	case CFGKEY_STRING:
		v = (char *const *)(const void *)((const char *)cb + k->off);
		snprintf(buf, len, *v != NULL ? "\"%s\"" : "%s",
		    *v != NULL ? *v : "none");
		break;
	case CFGKEY_LIST:
		v = *(char **const *)(const void *)((const char *)cb + k->off);
		n = *(const int *)(const void *)((const char *)cb + k->off2);
		buf[0] = '\0';
		if (n == 0)
			snprintf(buf, len, "none");
		for (i = 0; i < n && o < len; i++)
			o += (size_t)snprintf(buf + o, len - o, "%s\"%s\"",
			    i > 0 ? ", " : "", v[i]);
		break;
	case CFGKEY_CUSTOM:
		buf[0] = '\0';
		break;
	}
	return buf;
}

int
cfgkey_changed(const struct cfgkey_ctx *ctx, const struct cfgkey *keys,
    size_t n, const void *obase, const void *nbase,
    const config_setting_t *ng)
{
	char a[256], b[256], nb[CFGKEY_NAME_MAX];
	const config_setting_t *s;
	const struct cfgkey *k;
	size_t i;
	int count = 0;

	for (i = 0; i < n; i++) {
		k = &keys[i];
		if (!(k->flags & CFGKEY_RESTART) || k->off == CFGKEY_NOWHERE ||
		    k->type == CFGKEY_CUSTOM)
			continue;
		cfgkey_fmt(k, obase, a, sizeof(a));
		cfgkey_fmt(k, nbase, b, sizeof(b));
		if (strcmp(a, b) == 0)
			continue;
		count++;
		s = ng != NULL ? config_setting_get_member(ng, k->name) : NULL;
		errlist_add(ctx->e, cfgkey_file(ctx, s), s != NULL ?
		    config_setting_source_line(s) : 0, "%s: %s -> %s%s: a "
		    "reload does not change it (the value in force stays until "
		    "the next start)", cfgkey_name(ctx, k->name, nb,
		    sizeof(nb)), a, b, s == NULL ? " (back to its default)" :
		    "");
	}
	return count;
}

const char *
cfgkey_type_name(enum cfgkey_type t)
{
	switch (t) {
	case CFGKEY_INT:
	case CFGKEY_UINT:
		return "integer";
	case CFGKEY_BOOL:
		return "boolean";
	case CFGKEY_DURATION:
		return "duration";
	case CFGKEY_STRING:
	case CFGKEY_TEXT:
		return "string";
	case CFGKEY_ENUM:
		return "keyword";
	case CFGKEY_LIST:
		return "string list";
	case CFGKEY_CUSTOM:
		return "other";
	}
	return "?";
}

/*
 * conf.c - reads vmswatch.conf with libconfig and validates every value
 * into a new struct conf.  Nothing is applied unless the whole file is
 * valid; every problem is reported as "file:line: problem".
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libconfig.h>

#include "conf.h"

/* A numeric tunable: where it lives in the file and in struct conf. */
struct conf_key {
	const char *section;
	const char *name;
	size_t off;		/* offset of a uint32_t/unsigned/int */
	long long min, max;
};

#define OFF(m) offsetof(struct conf, m)

static const struct conf_key conf_keys[] = {
	{ "flow", "max_flows", OFF(flow.max_flows), 16, 64 * 1024 * 1024 },
	{ "flow", "tcp_idle", OFF(flow.tcp_idle), 1, 86400 },
	{ "flow", "tcp_closed", OFF(flow.tcp_closed), 1, 3600 },
	{ "flow", "udp_idle", OFF(flow.udp_idle), 1, 86400 },
	{ "flow", "other_idle", OFF(flow.other_idle), 1, 86400 },
	{ "flow", "active", OFF(flow.active), 1, 7 * 86400 },
	{ "flow", "vlan_in_key", OFF(flow.vlan_in_key), 0, 1 },
	{ "dpi", "max_packets", OFF(dpi.max_packets), 1, 255 },
	{ "dpi", "max_flows", OFF(dpi.max_flows), 1, 16 * 1024 * 1024 },
	{ "decode", "frag_slots", OFF(frag_slots), 16, 1024 * 1024 },
	{ "output", "progress_secs", OFF(progress_secs), 0, 3600 },
};

static const char *const conf_sections[] = { "flow", "dpi", "decode",
	"output" };

struct conf_err {
	char *buf;
	size_t len, o;
	int n;
};

static void
conf_error(struct conf_err *e, const char *file, int line, const char *fmt,
    ...) __attribute__((format(printf, 4, 5)));

static void
conf_error(struct conf_err *e, const char *file, int line, const char *fmt,
    ...)
{
	va_list ap;
	int n;

	e->n++;
	if (e->o >= e->len)
		return;
	n = snprintf(e->buf + e->o, e->len - e->o, "%s:%d: ", file, line);
	if (n > 0)
		e->o += (size_t)n;
	if (e->o >= e->len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(e->buf + e->o, e->len - e->o, fmt, ap);
	va_end(ap);
	if (n > 0)
		e->o += (size_t)n;
	if (e->o + 1 < e->len) {
		e->buf[e->o++] = '\n';
		e->buf[e->o] = '\0';
	}
}

struct conf *
conf_defaults(void)
{
	struct conf *c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	flowtab_conf_defaults(&c->flow);
	classify_conf_defaults(&c->dpi);
	c->frag_slots = 4096;
	c->progress_secs = 2;
	return c;
}

static const struct conf_key *
conf_find(const char *section, const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(conf_keys) / sizeof(conf_keys[0]); i++)
		if (strcmp(conf_keys[i].section, section) == 0 &&
		    strcmp(conf_keys[i].name, name) == 0)
			return &conf_keys[i];
	return NULL;
}

static int
conf_known_section(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(conf_sections) / sizeof(conf_sections[0]); i++)
		if (strcmp(conf_sections[i], name) == 0)
			return 1;
	return 0;
}

static void
conf_section(struct conf *c, config_setting_t *sec, const char *file,
    struct conf_err *e)
{
	const char *sname = config_setting_name(sec);
	const struct conf_key *k;
	config_setting_t *s;
	long long v;
	int i;

	for (i = 0; (s = config_setting_get_elem(sec, (unsigned)i)) != NULL;
	    i++) {
		const char *name = config_setting_name(s);
		int line = config_setting_source_line(s);

		if ((k = conf_find(sname, name)) == NULL) {
			conf_error(e, file, line, "unknown key %s.%s", sname,
			    name);
			continue;
		}
		switch (config_setting_type(s)) {
		case CONFIG_TYPE_INT:
		case CONFIG_TYPE_INT64:
			v = config_setting_get_int64(s);
			break;
		case CONFIG_TYPE_BOOL:
			v = config_setting_get_bool(s);
			break;
		default:
			conf_error(e, file, line, "%s.%s: a number is expected",
			    sname, name);
			continue;
		}
		if (v < k->min || v > k->max) {
			conf_error(e, file, line,
			    "%s.%s: %lld is out of range %lld..%lld", sname,
			    name, v, k->min, k->max);
			continue;
		}
		if (strcmp(name, "vlan_in_key") == 0)
			*(int *)(void *)((char *)c + k->off) = (int)v;
		else
			*(uint32_t *)(void *)((char *)c + k->off) =
			    (uint32_t)v;
	}
}

struct conf *
conf_load(const char *path, char *err, size_t errlen)
{
	struct conf_err e = { err, errlen, 0, 0 };
	config_setting_t *root, *s;
	struct conf *c;
	config_t cf;
	int i;

	if (errlen > 0)
		err[0] = '\0';
	if ((c = conf_defaults()) == NULL) {
		snprintf(err, errlen, "%s: %s\n", path, strerror(errno));
		return NULL;
	}
	config_init(&cf);
	if (config_read_file(&cf, path) != CONFIG_TRUE) {
		if (config_error_type(&cf) == CONFIG_ERR_FILE_IO)
			conf_error(&e, path, 0, "cannot read the file: %s",
			    strerror(errno));
		else
			conf_error(&e, config_error_file(&cf) ?
			    config_error_file(&cf) : path,
			    config_error_line(&cf), "%s",
			    config_error_text(&cf));
		goto fail;
	}
	root = config_root_setting(&cf);
	for (i = 0; (s = config_setting_get_elem(root, (unsigned)i)) != NULL;
	    i++) {
		const char *name = config_setting_name(s);
		int line = config_setting_source_line(s);

		if (!conf_known_section(name)) {
			conf_error(&e, path, line, "unknown section %s", name);
			continue;
		}
		if (config_setting_type(s) != CONFIG_TYPE_GROUP) {
			conf_error(&e, path, line,
			    "%s must be a group { ... }", name);
			continue;
		}
		conf_section(c, s, path, &e);
	}
	if (c->dpi.max_flows > c->flow.max_flows)
		c->dpi.max_flows = c->flow.max_flows;
	if (e.n > 0)
		goto fail;
	if ((c->path = strdup(path)) == NULL) {
		conf_error(&e, path, 0, "%s", strerror(errno));
		goto fail;
	}
	config_destroy(&cf);
	return c;
fail:
	config_destroy(&cf);
	conf_free(c);
	return NULL;
}

void
conf_free(struct conf *c)
{
	if (c == NULL)
		return;
	free(c->path);
	free(c);
}

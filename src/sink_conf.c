/*
 * sink_conf.c - the "sinks" list of vmswatch.conf into sink
 * configurations.  Every key is checked against the sink's type; every
 * problem of the list is reported as "file:line: problem" (errlist.h), as
 * the other loaders do, and nothing is returned if there was one.
 *
 *	sinks = ( { type = "file"; path = "-"; format = "json"; },
 *	    { type = "syslog"; ident = "vmswatch"; facility = "local5"; },
 *	    { type = "remote"; protocol = "tls"; host = "siem.example";
 *	      port = 6514; ca = "/etc/ssl/ca.pem"; queue = 10000; } );
 */
#include <sys/stat.h>

#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfgkey.h"
#include "errlist.h"
#include "sink.h"

/* Facility names of syslog(3), numbered as RFC 5424 table 1. */
static const char *const sink_conf_facilities[25] = {
	"kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news",
	"uucp", "cron", "authpriv", "ftp", "ntp", "audit", "alert", "clock",
	"local0", "local1", "local2", "local3", "local4", "local5", "local6",
	"local7", NULL
};

/* As sink_proto_name() names enum sink_proto. */
static const char *const sink_conf_protocols[] = { "udp", "tcp", "tls",
	NULL };

/* Which types a key is valid for (bit per enum sink_type). */
#define T_FILE		(1 << SINK_FILE)
#define T_SYSLOG	(1 << SINK_SYSLOG)
#define T_REMOTE	(1 << SINK_REMOTE)
#define T_ALL		(T_FILE | T_SYSLOG | T_REMOTE)

#define OFF(m)		offsetof(struct sink_conf, m)
#define SZ(m)		sizeof(((struct sink_conf *)0)->m)
/* A key read by sink_key() itself. */
#define OWN(n, t)	{ n, CFGKEY_CUSTOM, 0, 0, 0, NULL, CFGKEY_NOWHERE, 0, \
	NULL, 0, t }
#define UINT(n, lo, hi, m, t) \
	{ n, CFGKEY_UINT, lo, hi, 0, NULL, OFF(m), 0, NULL, 0, t }
#define TEXT(n, m, fl, t) \
	{ n, CFGKEY_TEXT, 0, 0, 0, NULL, OFF(m), SZ(m), NULL, fl, t }

/*
 * The keys of a sink (cfgkey.h); mask: the sink types it is a setting of.
 * Defaults are sink_conf_defaults()'s: they depend on the type.  A sink is
 * opened at start only: a reload reports any change of the list as a whole
 * (daemon.c).
 */
static const struct cfgkey sink_conf_keys[] = {
	OWN("type", T_ALL),
	OWN("format", T_ALL),
	UINT("queue", 1, 1000000, queue, T_ALL),
	/* A file's rfc5424 lines have the header. */
	{ "facility", CFGKEY_ENUM, 0, 0, 0, NULL, OFF(facility), 0,
	    sink_conf_facilities, 0, T_ALL },
	OWN("severity_map", T_ALL),
	UINT("enterprise", 1, INT_MAX, enterprise, T_ALL),
	OWN("leef_delimiter", T_ALL),
	TEXT("hostname", hostname, CFGKEY_PRINT, T_FILE | T_REMOTE),
	TEXT("app_name", app_name, CFGKEY_PRINT, T_FILE | T_REMOTE),
	TEXT("name", name, CFGKEY_PRINT, T_ALL),
	TEXT("observer_name", observer_name, CFGKEY_PRINT, T_ALL),
	OWN("observer_ip", T_ALL),
	OWN("path", T_FILE),
	TEXT("ident", ident, CFGKEY_PRINT, T_SYSLOG),
	{ "protocol", CFGKEY_ENUM, 0, 0, 0, NULL, OFF(protocol), 0,
	    sink_conf_protocols, 0, T_REMOTE },
	TEXT("host", host, CFGKEY_PRINT, T_REMOTE),
	OWN("port", T_REMOTE),
	OWN("ca", T_REMOTE),
	OWN("cert", T_REMOTE),
	OWN("key", T_REMOTE),
	TEXT("server_name", server_name, CFGKEY_PRINT, T_REMOTE),
	UINT("backoff_min_ms", 1, 3600000, backoff_min_ms, T_REMOTE),
	UINT("backoff_max_ms", 1, 3600000, backoff_max_ms, T_REMOTE),
};

#undef OWN
#undef UINT
#undef TEXT

#define NKEYS	(sizeof(sink_conf_keys) / sizeof(sink_conf_keys[0]))

/* The keys of a sink whose value was bad are bits of a uint32_t. */
_Static_assert(NKEYS <= 32, "sink_conf_keys: more keys than bits");
_Static_assert(SINK_UDP == 0 && SINK_TCP == 1 && SINK_TLS == 2,
    "sink_conf_protocols is in the order of enum sink_proto");

/* Records a problem; -1, so that "return bad(...)" reports and fails. */
#define bad(e, file, line, ...) \
	(errlist_add((e), (file), (line), __VA_ARGS__), -1)

/* The index of key name in sink_conf_keys, or -1. */
static int
key_index(const char *name)
{
	const struct cfgkey *k = cfgkey_find(sink_conf_keys, NKEYS, name);

	return k != NULL ? (int)(k - sink_conf_keys) : -1;
}

/* Whether the value of key name was reported bad (bit of badkeys). */
static int
was_bad(uint32_t badkeys, const char *name)
{
	int i = key_index(name);

	return i >= 0 && (badkeys & (UINT32_C(1) << i)) != 0;
}

void
sink_conf_defaults(struct sink_conf *c, int type)
{
	struct format_opts fo;

	format_opts_defaults(&fo);
	memset(c, 0, sizeof(*c));
	c->type = type;
	c->format = type == SINK_FILE ? FORMAT_JSON : FORMAT_RFC5424;
	c->queue = 10000;
	c->facility = fo.facility;
	memcpy(c->sevmap, fo.sevmap, sizeof(c->sevmap));
	c->enterprise = fo.enterprise;
	c->leef_delim = fo.leef_delim;
	snprintf(c->app_name, sizeof(c->app_name), "%s", fo.app_name);
	snprintf(c->ident, sizeof(c->ident), "vmswatch");
	c->protocol = SINK_UDP;
	c->backoff_min_ms = 500;
	c->backoff_max_ms = 30000;
}

/*
 * A file name setting (path, ca, cert, key) into dst.  Like every file
 * the configuration names, a relative one is taken from the folder of the
 * configuration (conf), not from the working directory, which for a
 * service is "/".
 */
static int
get_file(const struct cfgkey_ctx *ctx, const config_setting_t *s,
    const char *conf, char *dst, size_t len)
{
	const char *slash = strrchr(conf, '/'), *v;
	const char *name = config_setting_name(s);
	int dlen = 0, n;

	if (cfgkey_string(ctx, s, name, SINK_PATH_MAX - 1, 0, &v) == -1)
		return -1;
	/* The folder with its slash, before a name that is relative. */
	if (v[0] != '/' && strcmp(v, "-") != 0 && slash != NULL)
		dlen = (int)(slash - conf) + 1;
	n = snprintf(dst, len, "%.*s%s", dlen, conf, v);
	if (n < 0 || (size_t)n >= len) {
		dst[0] = '\0';
		return bad(ctx->e, cfgkey_file(ctx, s),
		    config_setting_source_line(s),
		    "%s: longer than %zu characters once in the "
		    "configuration's folder %.*s", name, len - 1,
		    dlen > 0 ? dlen - 1 : 1, dlen > 0 ? conf : ".");
	}
	return 0;
}

/* Whether the file that key of sink group g names can be read. */
static void
readable(const char *path, const config_setting_t *g, const char *key,
    const char *file, struct errlist *e)
{
	if (access(path, R_OK) != 0)
		errlist_add(e, file, config_setting_source_line(
		    config_setting_get_member(g, key)), "%s: cannot read %s",
		    key, path);
}

/*
 * One setting of a sink group: the table's keys through the kit, the
 * others here.  conf: the configuration's path (the folder of relative
 * files).  Returns -1 if it was reported bad: the sink keeps its default
 * for it.
 */
static int
sink_key(struct sink_conf *c, const config_setting_t *s, const char *conf,
    struct errlist *e)
{
	struct cfgkey_ctx ctx = { e, conf, NULL, NULL };
	const char *name = config_setting_name(s), *v;
	const char *file = cfgkey_file(&ctx, s);
	int line = config_setting_source_line(s);
	const struct cfgkey *key;
	long long n;
	int k, r;
	struct addr ip;

	if ((key = cfgkey_find(sink_conf_keys, NKEYS, name)) == NULL) {
		cfgkey_unknown_one(&ctx, s, sink_conf_keys, NKEYS);
		return -1;
	}
	if (!(key->mask & (1u << c->type)))
		return bad(e, file, line, "%s: not a setting of a %s sink",
		    name, sink_type_name(c->type));
	if (key->type != CFGKEY_CUSTOM)
		return cfgkey_get(&ctx, key, s, c);
	if (strcmp(name, "type") == 0)
		return 0;
	if (strcmp(name, "format") == 0) {
		if (cfgkey_string(&ctx, s, name, 0, 0, &v) == -1)
			return -1;
		if ((k = format_lookup(v)) == -1)
			return bad(e, file, line, "format: unknown format %s "
			    "(text, json, rfc5424, cef, leef)", v);
		c->format = k;
	} else if (strcmp(name, "severity_map") == 0) {
		if ((config_setting_type(s) != CONFIG_TYPE_ARRAY &&
		    config_setting_type(s) != CONFIG_TYPE_LIST) ||
		    config_setting_length(s) != FORMAT_SEVERITIES)
			return bad(e, file, line, "severity_map: "
			    "%d syslog severities (0..7) are expected, for "
			    "alert severities 0..10", FORMAT_SEVERITIES);
		/* Every bad severity is reported, not only the first. */
		for (r = 0, k = 0; k < FORMAT_SEVERITIES; k++) {
			if (cfgkey_int(&ctx, config_setting_get_elem(s,
			    (unsigned)k), name, 0, 7, &n) == -1)
				r = -1;
			else
				c->sevmap[k] = (uint8_t)n;
		}
		return r;
	} else if (strcmp(name, "leef_delimiter") == 0) {
		if (cfgkey_string(&ctx, s, name, 0, 0, &v) == -1)
			return -1;
		/*
		 * One printable character LEEF does not use otherwise, or a
		 * tab: written "\t" in the file (libconfig makes it a tab)
		 * or "x09", the LEEF 2.0 header's own hex form.
		 */
		if (strcmp(v, "x09") == 0 || strcmp(v, "0x09") == 0 ||
		    strcmp(v, "\t") == 0)
			c->leef_delim = '\t';
		else if (strlen(v) != 1 || v[0] <= ' ' || v[0] >= 0x7f ||
		    strchr("=|\\", v[0]) != NULL)
			return bad(e, file, line, "leef_delimiter: "
			    "one printable character but = | \\, or a tab "
			    "(\"\\t\" or \"x09\"), is expected");
		else
			c->leef_delim = v[0];
	} else if (strcmp(name, "observer_ip") == 0) {
		if (cfgkey_string(&ctx, s, name, sizeof(c->observer_ip) - 1,
		    CFGKEY_PRINT, &v) == -1)
			return -1;
		if (addr_parse(v, &ip) == -1)
			return bad(e, file, line, "observer_ip: not an "
			    "address");
		memcpy(c->observer_ip, v, strlen(v) + 1);
	} else if (strcmp(name, "path") == 0) {
		return get_file(&ctx, s, conf, c->path, sizeof(c->path));
	} else if (strcmp(name, "port") == 0) {
		if (cfgkey_int(&ctx, s, name, 1, 65535, &n) == -1)
			return -1;
		c->port = (uint16_t)n;
	} else if (strcmp(name, "ca") == 0) {
		return get_file(&ctx, s, conf, c->ca, sizeof(c->ca));
	} else if (strcmp(name, "cert") == 0) {
		return get_file(&ctx, s, conf, c->cert, sizeof(c->cert));
	} else if (strcmp(name, "key") == 0) {
		return get_file(&ctx, s, conf, c->key, sizeof(c->key));
	}
	return 0;
}

/*
 * The line of key name in sink group g when it is set with a good value
 * (not in badkeys); 0 otherwise.
 */
static int
good_key_line(const config_setting_t *g, uint32_t badkeys, const char *name)
{
	const config_setting_t *s = config_setting_get_member(g, name);

	return s != NULL && !was_bad(badkeys, name) ?
	    config_setting_source_line(s) : 0;
}

/*
 * Keys that only some formats use: set on a sink whose format does not,
 * they would do nothing, which is a mistake the user should hear of (a
 * delimiter that is never written, an enterprise number that is not in the
 * message).  Nothing is said if the format itself was bad: it holds its
 * default.
 */
static void
sink_unused(const struct sink_conf *c, const config_setting_t *g,
    uint32_t badkeys, const char *file, struct errlist *e)
{
	static const char *const header_keys[] = {
		"facility", "severity_map", "hostname", "app_name"
	};
	static const char *const observer_keys[] = {
		"observer_name", "observer_ip"
	};
	const char *fmt = format_name(c->format);
	unsigned i;
	int line;

	if (was_bad(badkeys, "format"))
		return;
	/* A file writes the RFC 5424 header only in format rfc5424. */
	if (c->type == SINK_FILE && c->format != FORMAT_RFC5424)
		for (i = 0; i < sizeof(header_keys) / sizeof(header_keys[0]);
		    i++)
			if ((line = good_key_line(g, badkeys,
			    header_keys[i])) != 0)
				errlist_add(e, file, line, "%s: a file sink "
				    "uses it in format rfc5424 only (this one "
				    "is %s)", header_keys[i], fmt);
	if (c->format != FORMAT_RFC5424 &&
	    (line = good_key_line(g, badkeys, "enterprise")) != 0)
		errlist_add(e, file, line, "enterprise: used in format "
		    "rfc5424 only (this sink's is %s)", fmt);
	if (c->format != FORMAT_LEEF &&
	    (line = good_key_line(g, badkeys, "leef_delimiter")) != 0)
		errlist_add(e, file, line, "leef_delimiter: used in format "
		    "leef only (this sink's is %s)", fmt);
	/* The text line names no sensor; every other format does. */
	if (c->format == FORMAT_TEXT)
		for (i = 0; i < 2; i++)
			if ((line = good_key_line(g, badkeys,
			    observer_keys[i])) != 0)
				errlist_add(e, file, line, "%s: not used in "
				    "format text", observer_keys[i]);
}

static int
is_symlink(const char *path)
{
	struct stat sb;

	return lstat(path, &sb) == 0 && S_ISLNK(sb.st_mode);
}

/*
 * What a sink needs besides its keys, once all are read.  A check that
 * involves a key whose value was reported bad (badkeys) is left out: that
 * key holds its default, and the problem is already reported; "path is
 * missing" after "path: empty" would only be noise.  g: the sink's group.
 */
static void
sink_check(struct sink_conf *c, const config_setting_t *g, uint32_t badkeys,
    const char *file, struct errlist *e)
{
	int line = c->line;

	switch (c->type) {
	case SINK_FILE:
		if (!c->path[0] && !was_bad(badkeys, "path"))
			errlist_add(e, file, line,
			    "file sink: path is missing (\"-\": standard "
			    "output)");
		/* The open would refuse it (sink_file_open()): say so now. */
		else if (c->path[0] && is_symlink(c->path))
			errlist_add(e, file, line, "file sink: %s is a "
			    "symbolic link: refused (vmswatch does not write "
			    "through one; name the file itself)", c->path);
		break;
	case SINK_REMOTE:
		if (!c->host[0] && !was_bad(badkeys, "host"))
			errlist_add(e, file, line,
			    "remote sink: host is missing");
		if (c->port == 0)
			c->port = c->protocol == SINK_TLS ? 6514 : 514;
		/*
		 * Without TLS the credentials are not used: that they are
		 * given is the one problem, whether they can be read or not.
		 */
		if (c->protocol != SINK_TLS) {
			if ((c->ca[0] || c->cert[0] || c->key[0] ||
			    c->server_name[0]) && !was_bad(badkeys, "protocol"))
				errlist_add(e, file, line, "ca, cert, key and "
				    "server_name are settings of protocol "
				    "\"tls\"");
		} else {
			if (!c->cert[0] != !c->key[0] &&
			    !was_bad(badkeys, "cert") &&
			    !was_bad(badkeys, "key"))
				errlist_add(e, file, line,
				    "cert and key go together");
			if (c->ca[0])
				readable(c->ca, g, "ca", file, e);
			if (c->cert[0])
				readable(c->cert, g, "cert", file, e);
			if (c->key[0])
				readable(c->key, g, "key", file, e);
		}
		if (c->backoff_min_ms > c->backoff_max_ms &&
		    !was_bad(badkeys, "backoff_min_ms") &&
		    !was_bad(badkeys, "backoff_max_ms"))
			errlist_add(e, file, line,
			    "backoff_min_ms is above backoff_max_ms");
		break;
	}
}

int
sink_conf_parse(const config_setting_t *list, const char *file,
    struct sink_conf **out, int *n, struct errlist *e)
{
	const config_setting_t *g, *s, *t;
	struct sink_conf *v;
	const char *tn;
	uint32_t badkeys;
	int i, j, k, key, cnt, nsyslog = 0, before = e->n;
	size_t from = e->off;

	*out = NULL;
	*n = 0;
	if (config_setting_type(list) != CONFIG_TYPE_LIST &&
	    !(config_setting_type(list) == CONFIG_TYPE_ARRAY &&
	    config_setting_length(list) == 0))
		return bad(e, file, config_setting_source_line(list),
		    "sinks: a list of groups ( { ... }, ... ) is expected");
	cnt = config_setting_length(list);
	if ((v = calloc(cnt > 0 ? (size_t)cnt : 1, sizeof(*v))) == NULL)
		return bad(e, file, config_setting_source_line(list),
		    "out of memory");
	/*
	 * A problem does not end the reading: the sink's next keys and the
	 * next sinks are read too, so that one "vmswatch -n" shows every
	 * problem of the list.  Only a sink without a known type is left
	 * at that: which keys it may have depends on the type.
	 */
	for (i = 0; i < cnt; i++) {
		g = config_setting_get_elem(list, (unsigned)i);
		if (config_setting_type(g) != CONFIG_TYPE_GROUP) {
			errlist_add(e, file, config_setting_source_line(g),
			    "sinks: each sink is a group { type = ...; }");
			continue;
		}
		t = config_setting_get_member(g, "type");
		if (t == NULL || (tn = config_setting_get_string(t)) == NULL) {
			errlist_add(e, file, config_setting_source_line(g),
			    "sink: type = \"file\", \"syslog\" or \"remote\" "
			    "is missing");
			continue;
		}
		for (k = 0; k < SINK_TYPE_MAX; k++)
			if (strcmp(sink_type_name(k), tn) == 0)
				break;
		if (k == SINK_TYPE_MAX) {
			errlist_add(e, file, config_setting_source_line(t),
			    "type: unknown sink type %s (file, syslog, "
			    "remote)", tn);
			continue;
		}
		sink_conf_defaults(&v[i], k);
		v[i].line = config_setting_source_line(g);
		badkeys = 0;
		for (j = 0; (s = config_setting_get_elem(g, (unsigned)j)) !=
		    NULL; j++)
			if (sink_key(&v[i], s, file, e) == -1 &&
			    (key = key_index(config_setting_name(s))) != -1)
				badkeys |= UINT32_C(1) << key;
		sink_check(&v[i], g, badkeys, file, e);
		sink_unused(&v[i], g, badkeys, file, e);
		/* syslog(3) has one ident per process. */
		if (v[i].type == SINK_SYSLOG && nsyslog++ > 0)
			errlist_add(e, file, v[i].line,
			    "only one syslog sink (syslog(3) has one ident)");
	}
	/* Problems the caller's list held already are not this list's. */
	if (e->n > before) {
		/*
		 * Checked sink by sink and then key by key, the problems are
		 * told in the order of the file, as the other loaders do.
		 */
		errlist_sort(e, from, file);
		free(v);
		return -1;
	}
	*out = v;
	*n = cnt;
	return 0;
}

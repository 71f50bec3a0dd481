/*
 * conf.c - reads vmswatch.conf with libconfig and validates every value
 * into a new struct conf.  Nothing is applied unless the whole file is
 * valid; every problem is reported as "file:line: problem".
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <grp.h>
#include <libconfig.h>
#include <pcap/pcap.h>
#include <pwd.h>
#include <unistd.h>

#include "cfgkey.h"
#include "cfgread.h"
#include "conf.h"
#include "errlist.h"

#ifndef VW_RULESDIR
#define VW_RULESDIR "/usr/local/share/vmswatch/rules"
#endif

static void
strv_free(char **v, int n)
{
	int i;

	for (i = 0; v != NULL && i < n; i++)
		free(v[i]);
	free(v);
}

#define OFF(m) offsetof(struct conf, m)
#define S	CFGKEY_RESTART
#define NUM(n, t, lo, hi, def, m, fl) \
	{ n, t, lo, hi, def, NULL, OFF(m), 0, NULL, fl, 0 }

/*
 * Every key of every section: type, range, default and whether a reload
 * may change it.  Sizes, capture and identity are used at start only
 * (CFGKEY_RESTART): a SIGHUP that changes one reports it, file:line, and
 * the value in force stays.  conf_defaults() takes the defaults from here;
 * the stages' own *_conf_defaults() must agree (tests/check_conf.c).
 */
static const struct cfgkey conf_flow_keys[] = {
	NUM("max_flows", CFGKEY_UINT, 16, 64 * 1024 * 1024, 262144,
	    flow.max_flows, S),
	NUM("tcp_idle", CFGKEY_DURATION, 1, 86400, 300, flow.tcp_idle, S),
	NUM("tcp_closed", CFGKEY_DURATION, 1, 3600, 15, flow.tcp_closed, S),
	NUM("udp_idle", CFGKEY_DURATION, 1, 86400, 120, flow.udp_idle, S),
	NUM("other_idle", CFGKEY_DURATION, 1, 86400, 60, flow.other_idle, S),
	NUM("active", CFGKEY_DURATION, 1, 7 * 86400, 1800, flow.active, S),
	NUM("vlan_in_key", CFGKEY_BOOL, 0, 1, 0, flow.vlan_in_key, S),
};

static const struct cfgkey conf_dpi_keys[] = {
	NUM("max_packets", CFGKEY_UINT, 1, 255, 32, dpi.max_packets, S),
	NUM("max_flows", CFGKEY_UINT, 1, 16 * 1024 * 1024, 65536,
	    dpi.max_flows, S),
	NUM("max_rtsp", CFGKEY_UINT, 0, 1024 * 1024, 1024, dpi.max_rtsp, S),
};

static const struct cfgkey conf_decode_keys[] = {
	NUM("frag_slots", CFGKEY_UINT, 16, 1024 * 1024, 4096, frag_slots, S),
};

static const struct cfgkey conf_output_keys[] = {
	/* The progress line of -r: a reload never meets it. */
	NUM("progress_secs", CFGKEY_DURATION, 0, 3600, 2, progress_secs, 0),
	NUM("flows_queue", CFGKEY_UINT, 16, 16 * 1024 * 1024, 65536,
	    flows_queue, S),
	{ "flows", CFGKEY_STRING, 0, 0, 0, NULL, OFF(flows_path), 0, NULL,
	    S, 0 },
};

static const struct cfgkey conf_alert_keys[] = {
	NUM("window", CFGKEY_DURATION, 1, 7 * 86400, 300, alert.window, S),
	NUM("max_keys", CFGKEY_UINT, 16, 16 * 1024 * 1024, 4096,
	    alert.max_keys, S),
	NUM("rate", CFGKEY_UINT, 0, 1000000, 100, alert.rate, S),
	NUM("burst", CFGKEY_UINT, 1, 10000000, 1000, alert.burst, S),
};

static const struct cfgkey conf_capture_keys[] = {
	{ "interfaces", CFGKEY_LIST, 1, 0, 0, NULL, OFF(capture.interfaces),
	    OFF(capture.ninterfaces), NULL, S | CFGKEY_PRINT, 0 },
	{ "filter", CFGKEY_STRING, 0, 0, 0, NULL, OFF(capture.filter), 0,
	    NULL, S, 0 },
	NUM("snaplen", CFGKEY_UINT, 64, 262144, 262144, capture.snaplen, S),
	NUM("buffer_mb", CFGKEY_UINT, 1, 4096, 32, capture.buffer_mb, S),
	NUM("promisc", CFGKEY_BOOL, 0, 1, 1, capture.promisc, S),
	NUM("workers", CFGKEY_UINT, 0, 256, 0, capture.workers, S),
	NUM("timeout_ms", CFGKEY_UINT, 1, 10000, 100, capture.timeout_ms, S),
};

static const struct cfgkey conf_daemon_keys[] = {
	{ "user", CFGKEY_STRING, 0, 0, 0, NULL, OFF(daemon.user), 0, NULL,
	    S | CFGKEY_PRINT, 0 },
	{ "group", CFGKEY_STRING, 0, 0, 0, NULL, OFF(daemon.group), 0, NULL,
	    S | CFGKEY_PRINT, 0 },
	NUM("stats_interval", CFGKEY_DURATION, 0, 86400, 300,
	    daemon.stats_interval, S),
};

#undef NUM
#undef S

#define KEYS(v) v, sizeof(v) / sizeof(v[0])

static const struct conf_section conf_sections[] = {
	{ "flow", KEYS(conf_flow_keys) },
	{ "dpi", KEYS(conf_dpi_keys) },
	{ "decode", KEYS(conf_decode_keys) },
	{ "output", KEYS(conf_output_keys) },
	{ "alert", KEYS(conf_alert_keys) },
	{ "capture", KEYS(conf_capture_keys) },
	{ "daemon", KEYS(conf_daemon_keys) },
};

#define NSECTIONS	(sizeof(conf_sections) / sizeof(conf_sections[0]))

/*
 * The file's top level: the sections above and the site's files, each
 * read by its own code (a group, a list).
 */
#define TOP(n)	{ n, CFGKEY_CUSTOM, 0, 0, 0, NULL, CFGKEY_NOWHERE, 0, NULL, 0, 0 }

static const struct cfgkey conf_top_keys[] = {
	TOP("flow"), TOP("dpi"), TOP("decode"), TOP("output"), TOP("alert"),
	TOP("capture"), TOP("daemon"), TOP("sinks"), TOP("inventory"),
	TOP("rules"), TOP("policy")
};

static const struct cfgkey conf_policy_keys[] = {
	{ "enabled", CFGKEY_CUSTOM, 0, 0, 0, NULL, CFGKEY_NOWHERE, 0, NULL, 0,
	    0 },
};

const struct conf_section *
conf_section_get(size_t i)
{
	return i < NSECTIONS ? &conf_sections[i] : NULL;
}

static const struct conf_section *
conf_section_find(const char *name)
{
	size_t i;

	for (i = 0; i < NSECTIONS; i++)
		if (strcmp(conf_sections[i].name, name) == 0)
			return &conf_sections[i];
	return NULL;
}

struct conf *
conf_defaults(void)
{
	struct conf *c;
	size_t i;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	/* What the file has no key for (the flow hash's seed). */
	flowtab_conf_defaults(&c->flow);
	classify_conf_defaults(&c->dpi);
	alert_conf_defaults(&c->alert);
	for (i = 0; i < NSECTIONS; i++)
		if (cfgkey_defaults(conf_sections[i].keys,
		    conf_sections[i].nkeys, c) == -1) {
			conf_free(c);
			return NULL;
		}
	if ((c->inv = inventory_empty()) == NULL) {
		conf_free(c);
		return NULL;
	}
	return c;
}

/* A section of the file: every key read by its table. */
static void
conf_section(struct conf *c, const struct conf_section *sec,
    const config_setting_t *g, const char *file, struct errlist *e)
{
	char prefix[64];
	struct cfgkey_ctx ctx = { e, file, prefix, NULL };

	snprintf(prefix, sizeof(prefix), "%s.", sec->name);
	(void)cfgkey_read(&ctx, g, sec->keys, sec->nkeys, c);
}

/*
 * Resolves a file named in the configuration at cpath: absolute as is;
 * relative against the configuration's folder, then (for rules) its
 * ../rules folder and the installed rules folder.  Returns a new string.
 */
static char *
conf_resolve(const char *cpath, const char *name, int rules)
{
	char dir[4096], cand[3][8192];
	const char *slash;
	size_t n;
	int i;

	if (name[0] == '/')
		return strdup(name);
	slash = strrchr(cpath, '/');
	n = slash ? (size_t)(slash - cpath) : 1;
	if (n >= sizeof(dir))
		n = sizeof(dir) - 1;
	memcpy(dir, slash ? cpath : ".", n);
	dir[n] = '\0';
	snprintf(cand[0], sizeof(cand[0]), "%s/%s", dir, name);
	snprintf(cand[1], sizeof(cand[1]), "%s/../rules/%s", dir, name);
	snprintf(cand[2], sizeof(cand[2]), "%s/%s", VW_RULESDIR, name);
	for (i = 0; i < (rules ? 3 : 1); i++)
		if (access(cand[i], R_OK) == 0)
			return strdup(cand[i]);
	return strdup(cand[0]);
}

/*
 * The file and line of the setting at path name (the configuration's
 * path and 0 if it is absent), for a message.
 */
static const char *
conf_where(config_t *cf, const char *name, const char *path, int *line)
{
	config_setting_t *s = config_lookup(cf, name);
	const char *f;

	*line = s != NULL ? config_setting_source_line(s) : 0;
	f = s != NULL ? config_setting_source_file(s) : NULL;
	return f != NULL ? f : path;
}

/*
 * The flow records' file.  Like the site's files (and the sinks' files,
 * sink_conf.c), a relative name is taken from the configuration's folder,
 * whatever the working directory (a service's is "/"); and a name the
 * writer cannot hold is a problem now, not at the start after the
 * privilege drop.
 */
static void
conf_outputs(struct conf *c, config_t *cf, const char *path,
    struct errlist *e)
{
	struct stat sb;
	const char *file;
	char *abs;
	int line;

	if (c->flows_path != NULL && strcmp(c->flows_path, "-") != 0) {
		file = conf_where(cf, "output.flows", path, &line);
		if ((abs = conf_resolve(path, c->flows_path, 0)) == NULL)
			errlist_add(e, file, line, "output.flows: %s",
			    strerror(errno));
		else if (strlen(abs) >= SINK_PATH_MAX)
			errlist_add(e, file, line, "output.flows: the file "
			    "name is longer than %d characters",
			    SINK_PATH_MAX - 1);
		else if (lstat(abs, &sb) == 0 && S_ISLNK(sb.st_mode))
			errlist_add(e, file, line, "output.flows: %s is a "
			    "symbolic link: refused (vmswatch does not write "
			    "through one; name the file itself)", abs);
		free(c->flows_path);
		c->flows_path = abs;
	}
}

/* Most files the rules key may name. */
#define CONF_RULES_MAX	64

/* The inventory, the rules and the policy's enabled rules. */
static void
conf_site(struct conf *c, config_t *cf, const char *path, struct errlist *e)
{
	struct cfgkey_ctx ctx = { e, path, NULL, NULL };
	const char *str, *strs[CONF_RULES_MAX];
	config_setting_t *s, *m;
	char err[8192];
	int i, n;

	if ((s = config_lookup(cf, "inventory")) != NULL &&
	    cfgkey_string(&ctx, s, "inventory", 0, 0, &str) == 0)
		c->inventory_path = conf_resolve(path, str, 0);
	if ((s = config_lookup(cf, "rules")) != NULL &&
	    (n = cfgkey_strings(&ctx, s, "rules", 0, 0, strs,
	    CONF_RULES_MAX)) >= 0) {
		c->rules_paths = calloc((size_t)n + 1, sizeof(char *));
		for (i = 0; c->rules_paths != NULL && i < n; i++)
			c->rules_paths[c->nrules_paths++] =
			    conf_resolve(path, strs[i], 1);
	}
	if (c->inventory_path != NULL) {
		struct inventory *inv = inventory_load(c->inventory_path, err,
		    sizeof(err));
		if (inv == NULL)
			errlist_append(e, err);
		else {
			inventory_free(c->inv);
			c->inv = inv;
		}
	}
	if (c->nrules_paths > 0) {
		c->rs = rules_load((const char **)c->rules_paths,
		    c->nrules_paths, err, sizeof(err));
		if (c->rs == NULL)
			errlist_append(e, err);
	}
	if ((s = config_lookup(cf, "policy")) == NULL)
		return;
	if (config_setting_type(s) != CONFIG_TYPE_GROUP) {
		errlist_add(e, cfgkey_file(&ctx, s),
		    config_setting_source_line(s),
		    "policy must be a group { ... }");
		return;
	}
	ctx.prefix = "policy.";
	(void)cfgkey_unknown(&ctx, s, conf_policy_keys,
	    sizeof(conf_policy_keys) / sizeof(conf_policy_keys[0]));
	if ((m = config_setting_get_member(s, "enabled")) == NULL)
		return;
	if (!config_setting_is_aggregate(m)) {
		errlist_add(e, cfgkey_file(&ctx, m),
		    config_setting_source_line(m),
		    "policy.enabled: a list of rule ids is expected");
		return;
	}
	n = config_setting_length(m);
	if ((c->enabled = calloc((size_t)n + 1, sizeof(char *))) == NULL)
		return;
	for (i = 0; i < n; i++) {
		config_setting_t *el = config_setting_get_elem(m, (unsigned)i);
		char en[32];

		snprintf(en, sizeof(en), "enabled entry %d", i + 1);
		if (cfgkey_string(&ctx, el, en, 0, 0, &str) == -1)
			continue;
		if (c->rs == NULL || rules_find(c->rs, str) == NULL) {
			errlist_add(e, cfgkey_file(&ctx, el),
			    config_setting_source_line(el),
			    "policy.enabled: no rule %s", str);
			continue;
		}
		c->enabled[c->pc.nenabled++] = strdup(str);
	}
	c->pc.enabled = (const char *const *)c->enabled;
}

/*
 * What only the live capture uses is checked here too, so that -n finds a
 * filter that does not compile or a user that does not exist before the
 * daemon is started with them.
 */
static void
conf_check_daemon(struct conf *c, config_t *cf, const char *path,
    struct errlist *e)
{
	struct bpf_program prog;
	const char *file;
	pcap_t *dead;
	int line;

	if (c->capture.filter != NULL) {
		file = conf_where(cf, "capture.filter", path, &line);
		/* Ethernet is what a SPAN port gives; the syntax is the same. */
		if ((dead = pcap_open_dead(DLT_EN10MB,
		    (int)c->capture.snaplen)) == NULL)
			errlist_add(e, file, line,
			    "capture.filter: cannot check it");
		else {
			if (pcap_compile(dead, &prog, c->capture.filter, 1,
			    PCAP_NETMASK_UNKNOWN) == -1)
				errlist_add(e, file, line,
				    "capture.filter: %s", pcap_geterr(dead));
			else
				pcap_freecode(&prog);
			pcap_close(dead);
		}
	}
	if (c->daemon.user != NULL && getpwnam(c->daemon.user) == NULL) {
		file = conf_where(cf, "daemon.user", path, &line);
		errlist_add(e, file, line, "daemon.user: no user %s",
		    c->daemon.user);
	}
	if (c->daemon.group != NULL && getgrnam(c->daemon.group) == NULL) {
		file = conf_where(cf, "daemon.group", path, &line);
		errlist_add(e, file, line, "daemon.group: no group %s",
		    c->daemon.group);
	}
}

struct conf *
conf_load(const char *path, char *err, size_t errlen)
{
	struct errlist e;
	struct cfgkey_ctx ctx = { &e, path, NULL, NULL };
	const struct conf_section *sec;
	config_setting_t *root, *s;
	struct conf *c;
	int i;

	errlist_init(&e, err, errlen);
	if ((c = conf_defaults()) == NULL ||
	    (c->rd = calloc(1, sizeof(*c->rd))) == NULL) {
		snprintf(err, errlen, "%s: %s\n", path, strerror(errno));
		conf_free(c);
		return NULL;
	}
	if (cfgread_load(c->rd, path, &e) == -1)
		goto fail;
	root = config_root_setting(&c->rd->cf);
	(void)cfgkey_unknown(&ctx, root, conf_top_keys,
	    sizeof(conf_top_keys) / sizeof(conf_top_keys[0]));
	for (i = 0; (s = config_setting_get_elem(root, (unsigned)i)) != NULL;
	    i++) {
		const char *name = config_setting_name(s);

		if (strcmp(name, "sinks") == 0) {
			/*
			 * path: the sinks' relative files are the
			 * configuration's folder's, wherever the list is.
			 */
			sink_conf_parse(s, path, &c->sinks, &c->nsinks, &e);
			continue;
		}
		if ((sec = conf_section_find(name)) == NULL)
			continue;	/* the site's files below, or unknown */
		if (config_setting_type(s) != CONFIG_TYPE_GROUP) {
			errlist_add(&e, cfgkey_file(&ctx, s),
			    config_setting_source_line(s),
			    "%s must be a group { ... }", name);
			continue;
		}
		conf_section(c, sec, s, path, &e);
	}
	conf_site(c, &c->rd->cf, path, &e);
	conf_outputs(c, &c->rd->cf, path, &e);
	conf_check_daemon(c, &c->rd->cf, path, &e);
	if (c->dpi.max_flows > c->flow.max_flows)
		c->dpi.max_flows = c->flow.max_flows;
	if (e.n > 0)
		goto fail;
	if ((c->path = strdup(path)) == NULL) {
		errlist_add(&e, path, 0, "%s", strerror(errno));
		goto fail;
	}
	return c;
fail:
	conf_free(c);
	return NULL;
}

int
conf_reload_check(const struct conf *old, const struct conf *nc,
    char *err, size_t errlen)
{
	struct errlist e;
	struct cfgkey_ctx ctx = { &e, nc->path, NULL, NULL };
	const config_setting_t *g;
	char prefix[64];
	size_t i;
	int n = 0;

	errlist_init(&e, err, errlen);
	for (i = 0; i < NSECTIONS; i++) {
		g = nc->rd != NULL ? config_setting_get_member(
		    config_root_setting(&nc->rd->cf), conf_sections[i].name) :
		    NULL;
		snprintf(prefix, sizeof(prefix), "%s.", conf_sections[i].name);
		ctx.prefix = prefix;
		n += cfgkey_changed(&ctx, conf_sections[i].keys,
		    conf_sections[i].nkeys, old, nc, g);
	}
	return n;
}

void
conf_free(struct conf *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < NSECTIONS; i++)
		cfgkey_free(conf_sections[i].keys, conf_sections[i].nkeys, c);
	if (c->rd != NULL) {
		cfgread_free(c->rd);
		free(c->rd);
	}
	free(c->path);
	free(c->inventory_path);
	strv_free(c->rules_paths, c->nrules_paths);
	strv_free(c->enabled, c->pc.nenabled);
	inventory_free(c->inv);
	rules_free(c->rs);
	free(c->sinks);
	free(c);
}

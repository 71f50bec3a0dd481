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

#include "cfgread.h"
#include "conf.h"
#include "errlist.h"

#ifndef VW_RULESDIR
#define VW_RULESDIR "/usr/local/share/vmswatch/rules"
#endif

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
	{ "dpi", "max_rtsp", OFF(dpi.max_rtsp), 0, 1024 * 1024 },
	{ "decode", "frag_slots", OFF(frag_slots), 16, 1024 * 1024 },
	{ "output", "progress_secs", OFF(progress_secs), 0, 3600 },
	{ "output", "flows_queue", OFF(flows_queue), 16, 16 * 1024 * 1024 },
	{ "alert", "window", OFF(alert.window), 1, 7 * 86400 },
	{ "alert", "max_keys", OFF(alert.max_keys), 16, 16 * 1024 * 1024 },
	{ "alert", "rate", OFF(alert.rate), 0, 1000000 },
	{ "alert", "burst", OFF(alert.burst), 1, 10000000 },
	{ "capture", "snaplen", OFF(capture.snaplen), 64, 262144 },
	{ "capture", "buffer_mb", OFF(capture.buffer_mb), 1, 4096 },
	{ "capture", "promisc", OFF(capture.promisc), 0, 1 },
	{ "capture", "workers", OFF(capture.workers), 0, 256 },
	{ "capture", "timeout_ms", OFF(capture.timeout_ms), 1, 10000 },
	{ "daemon", "stats_interval", OFF(daemon.stats_interval), 0, 86400 },
};

/* A text tunable: one string, or (list) a string or a list of them. */
struct conf_str {
	const char *section;
	const char *name;
	size_t off;		/* offset of a char * (list: char **) */
	size_t count_off;	/* list: offset of its int count */
	int list;
};

static const struct conf_str conf_strs[] = {
	{ "capture", "interfaces", OFF(capture.interfaces),
	    OFF(capture.ninterfaces), 1 },
	{ "capture", "filter", OFF(capture.filter), 0, 0 },
	{ "output", "flows", OFF(flows_path), 0, 0 },
	{ "daemon", "user", OFF(daemon.user), 0, 0 },
	{ "daemon", "group", OFF(daemon.group), 0, 0 },
};

static const char *const conf_sections[] = { "flow", "dpi", "decode",
	"output", "alert", "capture", "daemon" };

struct conf *
conf_defaults(void)
{
	struct conf *c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	flowtab_conf_defaults(&c->flow);
	classify_conf_defaults(&c->dpi);
	alert_conf_defaults(&c->alert);
	c->frag_slots = 4096;
	c->progress_secs = 2;
	c->flows_queue = 65536;
	c->capture.snaplen = 262144;
	c->capture.buffer_mb = 32;
	c->capture.promisc = 1;
	c->capture.workers = 0;
	c->capture.timeout_ms = 100;
	c->daemon.stats_interval = 300;
	if ((c->inv = inventory_empty()) == NULL) {
		free(c);
		return NULL;
	}
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

static const struct conf_str *
conf_find_str(const char *section, const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(conf_strs) / sizeof(conf_strs[0]); i++)
		if (strcmp(conf_strs[i].section, section) == 0 &&
		    strcmp(conf_strs[i].name, name) == 0)
			return &conf_strs[i];
	return NULL;
}

/*
 * Stores a text setting s of key k: a string, or for a list key a string
 * or a list of strings.  Empty strings are refused: they would only hide
 * a mistake.
 */
static void
conf_set_str(struct conf *c, const struct conf_str *k, config_setting_t *s,
    const char *file, struct errlist *e)
{
	char **one = (char **)(void *)((char *)c + k->off);
	char ***vec = (char ***)(void *)((char *)c + k->off);
	int *count = (int *)(void *)((char *)c + k->count_off);
	int line = config_setting_source_line(s), i, n;
	config_setting_t *el;
	const char *str;

	if (!k->list) {
		if ((str = config_setting_get_string(s)) == NULL ||
		    *str == '\0') {
			errlist_add(e, file, line, "%s.%s: a string is expected",
			    k->section, k->name);
			return;
		}
		free(*one);
		*one = strdup(str);
		return;
	}
	n = config_setting_is_aggregate(s) ? config_setting_length(s) : 1;
	if (n == 0) {
		errlist_add(e, file, line, "%s.%s: the list is empty",
		    k->section, k->name);
		return;
	}
	if ((*vec = calloc((size_t)n + 1, sizeof(char *))) == NULL) {
		errlist_add(e, file, line, "%s", strerror(errno));
		return;
	}
	for (i = 0; i < n; i++) {
		el = config_setting_is_aggregate(s) ?
		    config_setting_get_elem(s, (unsigned)i) : s;
		if ((str = config_setting_get_string(el)) == NULL ||
		    *str == '\0') {
			errlist_add(e, file, line,
			    "%s.%s: entry %d is not a non-empty string",
			    k->section, k->name, i + 1);
			continue;
		}
		(*vec)[(*count)++] = strdup(str);
	}
}

/* The file setting s was read from (an @included one), else path. */
static const char *
conf_file(const config_setting_t *s, const char *path)
{
	const char *f = config_setting_source_file(s);

	return f != NULL ? f : path;
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
    struct errlist *e)
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
		const struct conf_str *ks;

		/* A section may @include some of its keys. */
		file = conf_file(s, file);
		if ((ks = conf_find_str(sname, name)) != NULL) {
			conf_set_str(c, ks, s, file, e);
			continue;
		}
		if ((k = conf_find(sname, name)) == NULL) {
			errlist_add(e, file, line, "unknown key %s.%s", sname,
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
			errlist_add(e, file, line, "%s.%s: a number is expected",
			    sname, name);
			continue;
		}
		if (v < k->min || v > k->max) {
			errlist_add(e, file, line,
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
	config_setting_t *s;
	struct stat sb;
	char *abs;
	int line;

	if (c->flows_path != NULL && strcmp(c->flows_path, "-") != 0) {
		s = config_lookup(cf, "output.flows");
		line = s != NULL ? config_setting_source_line(s) : 0;
		if ((abs = conf_resolve(path, c->flows_path, 0)) == NULL)
			errlist_add(e, path, line, "output.flows: %s",
			    strerror(errno));
		else if (strlen(abs) >= SINK_PATH_MAX)
			errlist_add(e, path, line, "output.flows: the file "
			    "name is longer than %d characters",
			    SINK_PATH_MAX - 1);
		else if (lstat(abs, &sb) == 0 && S_ISLNK(sb.st_mode))
			errlist_add(e, path, line, "output.flows: %s is a "
			    "symbolic link: refused (vmswatch does not write "
			    "through one; name the file itself)", abs);
		free(c->flows_path);
		c->flows_path = abs;
	}
}

/* The inventory, the rules and the policy's enabled rules. */
static void
conf_site(struct conf *c, config_t *cf, const char *path, struct errlist *e)
{
	config_setting_t *s, *m;
	const char *str;
	char err[8192];
	int i, n;

	if ((s = config_lookup(cf, "inventory")) != NULL) {
		if ((str = config_setting_get_string(s)) == NULL)
			errlist_add(e, path, config_setting_source_line(s),
			    "inventory: a file name is expected");
		else
			c->inventory_path = conf_resolve(path, str, 0);
	}
	if ((s = config_lookup(cf, "rules")) != NULL) {
		n = config_setting_is_aggregate(s) ? config_setting_length(s) :
		    1;
		c->rules_paths = calloc((size_t)n + 1, sizeof(char *));
		for (i = 0; c->rules_paths != NULL && i < n; i++) {
			m = config_setting_is_aggregate(s) ?
			    config_setting_get_elem(s, (unsigned)i) : s;
			if ((str = config_setting_get_string(m)) == NULL) {
				errlist_add(e, path,
				    config_setting_source_line(s),
				    "rules: file names are expected");
				continue;
			}
			c->rules_paths[c->nrules_paths++] =
			    conf_resolve(path, str, 1);
		}
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
		errlist_add(e, path, config_setting_source_line(s),
		    "policy must be a group { ... }");
		return;
	}
	for (i = 0; (m = config_setting_get_elem(s, (unsigned)i)) != NULL;
	    i++)
		if (strcmp(config_setting_name(m), "enabled") != 0)
			errlist_add(e, path, config_setting_source_line(m),
			    "unknown key policy.%s", config_setting_name(m));
	if ((m = config_setting_get_member(s, "enabled")) == NULL)
		return;
	if (!config_setting_is_aggregate(m)) {
		errlist_add(e, path, config_setting_source_line(m),
		    "policy.enabled: a list of rule ids is expected");
		return;
	}
	n = config_setting_length(m);
	if ((c->enabled = calloc((size_t)n + 1, sizeof(char *))) == NULL)
		return;
	for (i = 0; i < n; i++) {
		config_setting_t *el = config_setting_get_elem(m, (unsigned)i);

		if ((str = config_setting_get_string(el)) == NULL) {
			errlist_add(e, path, config_setting_source_line(m),
			    "policy.enabled: entry %d is not a string", i + 1);
			continue;
		}
		if (c->rs == NULL || rules_find(c->rs, str) == NULL) {
			errlist_add(e, path, config_setting_source_line(m),
			    "policy.enabled: no rule %s", str);
			continue;
		}
		c->enabled[c->pc.nenabled++] = strdup(str);
	}
	c->pc.enabled = (const char *const *)c->enabled;
}

/* The line of the setting at path name (0 if absent), for a message. */
static int
conf_line(config_t *cf, const char *name)
{
	config_setting_t *s = config_lookup(cf, name);

	return s != NULL ? config_setting_source_line(s) : 0;
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
	pcap_t *dead;

	if (c->capture.filter != NULL) {
		/* Ethernet is what a SPAN port gives; the syntax is the same. */
		if ((dead = pcap_open_dead(DLT_EN10MB,
		    (int)c->capture.snaplen)) == NULL)
			errlist_add(e, path, conf_line(cf, "capture.filter"),
			    "capture.filter: cannot check it");
		else {
			if (pcap_compile(dead, &prog, c->capture.filter, 1,
			    PCAP_NETMASK_UNKNOWN) == -1)
				errlist_add(e, path,
				    conf_line(cf, "capture.filter"),
				    "capture.filter: %s", pcap_geterr(dead));
			else
				pcap_freecode(&prog);
			pcap_close(dead);
		}
	}
	if (c->daemon.user != NULL && getpwnam(c->daemon.user) == NULL)
		errlist_add(e, path, conf_line(cf, "daemon.user"),
		    "daemon.user: no user %s", c->daemon.user);
	if (c->daemon.group != NULL && getgrnam(c->daemon.group) == NULL)
		errlist_add(e, path, conf_line(cf, "daemon.group"),
		    "daemon.group: no group %s", c->daemon.group);
}

struct conf *
conf_load(const char *path, char *err, size_t errlen)
{
	struct errlist e;
	config_setting_t *root, *s;
	struct cfgread rd;
	struct conf *c;
	int i;

	errlist_init(&e, err, errlen);
	if ((c = conf_defaults()) == NULL) {
		snprintf(err, errlen, "%s: %s\n", path, strerror(errno));
		return NULL;
	}
	if (cfgread_load(&rd, path, &e) == -1)
		goto fail;
	root = config_root_setting(&rd.cf);
	for (i = 0; (s = config_setting_get_elem(root, (unsigned)i)) != NULL;
	    i++) {
		const char *name = config_setting_name(s);
		const char *file = conf_file(s, path);
		int line = config_setting_source_line(s);

		if (strcmp(name, "inventory") == 0 ||
		    strcmp(name, "rules") == 0 || strcmp(name, "policy") == 0)
			continue;	/* below, once the rest is known */
		if (strcmp(name, "sinks") == 0) {
			/*
			 * path: the sinks' relative files are the
			 * configuration's folder's, wherever the list is.
			 */
			sink_conf_parse(s, path, &c->sinks, &c->nsinks, &e);
			continue;
		}
		if (!conf_known_section(name)) {
			errlist_add(&e, file, line, "unknown key %s", name);
			continue;
		}
		if (config_setting_type(s) != CONFIG_TYPE_GROUP) {
			errlist_add(&e, file, line,
			    "%s must be a group { ... }", name);
			continue;
		}
		conf_section(c, s, file, &e);
	}
	conf_site(c, &rd.cf, path, &e);
	conf_outputs(c, &rd.cf, path, &e);
	conf_check_daemon(c, &rd.cf, path, &e);
	if (c->dpi.max_flows > c->flow.max_flows)
		c->dpi.max_flows = c->flow.max_flows;
	if (e.n > 0)
		goto fail;
	if ((c->path = strdup(path)) == NULL) {
		errlist_add(&e, path, 0, "%s", strerror(errno));
		goto fail;
	}
	cfgread_free(&rd);
	return c;
fail:
	cfgread_free(&rd);
	conf_free(c);
	return NULL;
}

static void
strv_free(char **v, int n)
{
	int i;

	for (i = 0; v != NULL && i < n; i++)
		free(v[i]);
	free(v);
}

void
conf_free(struct conf *c)
{
	if (c == NULL)
		return;
	free(c->path);
	strv_free(c->capture.interfaces, c->capture.ninterfaces);
	free(c->capture.filter);
	free(c->flows_path);
	free(c->daemon.user);
	free(c->daemon.group);
	free(c->inventory_path);
	strv_free(c->rules_paths, c->nrules_paths);
	strv_free(c->enabled, c->pc.nenabled);
	inventory_free(c->inv);
	rules_free(c->rs);
	free(c->sinks);
	free(c);
}

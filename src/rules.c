/*
 * rules.c - loads the documented flows (rules/xprotect.conf and a site's
 * own files) into one immutable ruleset; rules_lookup.c answers the
 * policy stage's questions about it on the packet path.
 *
 * cfgread reads each file and libconfig parses it; every key is read
 * through cfgkey (rule_keys, topo_keys below) and checked here, every
 * problem is reported as "file:line: problem" and loading goes on, so one
 * run shows them all.  The result is built only when nothing was wrong.
 * Ids are checked for duplicates across files, and references
 * (secure_alternative, a topology statement's rules) are resolved once
 * every file is read, so a site file may refer to a shipped rule.
 * The port index the lookups use is built last (rules_priv.h).
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libconfig.h>

#include "cfgkey.h"
#include "cfgread.h"
#include "role.h"
#include "errlist.h"
#include "rules.h"
#include "rules_priv.h"

#define ID_MAX		64

static const struct {
	const char *name;
	uint8_t transport;	/* the only transport it runs on, or 0 */
} rules_protos[RULES_P_MAX] = {
	[RULES_P_TCP] = { "TCP", IPPROTO_TCP },
	[RULES_P_UDP] = { "UDP", IPPROTO_UDP },
	[RULES_P_HTTP] = { "HTTP", IPPROTO_TCP },
	[RULES_P_HTTPS] = { "HTTPS", IPPROTO_TCP },
	[RULES_P_WS] = { "WS", IPPROTO_TCP },
	[RULES_P_WSS] = { "WSS", IPPROTO_TCP },
	[RULES_P_SMTP] = { "SMTP", IPPROTO_TCP },
	[RULES_P_RTSP] = { "RTSP", 0 },
	[RULES_P_RTP] = { "RTP", IPPROTO_UDP },
	[RULES_P_TLS] = { "TLS", IPPROTO_TCP },
	[RULES_P_DNS] = { "DNS", 0 },
	[RULES_P_DHCP] = { "DHCP", IPPROTO_UDP },
	[RULES_P_NTP] = { "NTP", IPPROTO_UDP },
	[RULES_P_SNMP] = { "SNMP", 0 },
	[RULES_P_SYSLOG] = { "SYSLOG", 0 },
};

#define OWN(n, t)	{ n, t, 0, 0, 0, NULL, CFGKEY_NOWHERE, 0, NULL, 0, 0 }

/*
 * The keys of a rule, a topology statement and a file (cfgkey.h); the
 * loader reads their values into the ruleset itself.  A reload reads
 * every rules file again.
 */
static const struct cfgkey rule_keys[] = {
	OWN("id", CFGKEY_STRING), OWN("server", CFGKEY_LIST),
	OWN("ports", CFGKEY_CUSTOM), OWN("transport", CFGKEY_ENUM),
	OWN("protocol", CFGKEY_ENUM), OWN("clients", CFGKEY_LIST),
	OWN("purpose", CFGKEY_STRING), OWN("section", CFGKEY_STRING),
	OWN("nist", CFGKEY_LIST), OWN("cleartext", CFGKEY_BOOL),
	OWN("secure_alternative", CFGKEY_STRING),
	OWN("local_only", CFGKEY_BOOL),
	OWN("disabled_by_default", CFGKEY_BOOL),
	OWN("deprecated", CFGKEY_BOOL),
	OWN("optional_feature", CFGKEY_STRING), OWN("note", CFGKEY_STRING),
};

static const struct cfgkey topo_keys[] = {
	OWN("id", CFGKEY_STRING), OWN("statement", CFGKEY_STRING),
	OWN("section", CFGKEY_STRING), OWN("nist", CFGKEY_LIST),
	OWN("roles", CFGKEY_LIST), OWN("peers", CFGKEY_LIST),
	OWN("rules", CFGKEY_LIST),
};

static const struct cfgkey top_keys[] = {
	{ "version", CFGKEY_INT, 1, 1, 1, NULL, CFGKEY_NOWHERE, 0, NULL, 0,
	    0 },
	OWN("rules", CFGKEY_CUSTOM), OWN("topology", CFGKEY_CUSTOM),
};

#undef OWN

#define NELEM(v)	(sizeof(v) / sizeof(v[0]))

/* A name to resolve once every file is read. */
struct ref {
	size_t owner;		/* rule or topology index */
	const char *id;
	const char *file;
	int line;
};

struct loader {
	struct ruleset *rs;
	size_t rcap, tcap;
	struct ref *alts;	/* secure_alternative of rule owner */
	size_t nalts, acap;
	struct ref *trefs;	/* rules of topology statement owner */
	size_t ntrefs, trcap;
	struct errlist err;	/* every problem found */
};

#define lerr(ld, file, line, ...) \
	errlist_add(&(ld)->err, (file), (line), __VA_ARGS__)

static const char *
pool_strdup(struct ruleset *rs, const char *s)
{
	struct strblock *b = rs->strings;
	size_t len = strlen(s) + 1, size;
	char *p;

	if (b == NULL || b->size - b->used < len) {
		size = len > 4000 ? len : 4000;
		if ((b = malloc(sizeof(*b) + size)) == NULL)
			return NULL;
		b->next = rs->strings;
		b->used = 0;
		b->size = size;
		rs->strings = b;
	}
	p = b->data + b->used;
	memcpy(p, s, len);
	b->used += len;
	return p;
}

static int
grow(void **p, size_t *cap, size_t need, size_t elem)
{
	size_t ncap;
	void *np;

	if (need <= *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 64;
	while (ncap < need)
		ncap *= 2;
	if ((np = realloc(*p, ncap * elem)) == NULL)
		return -1;
	*p = np;
	*cap = ncap;
	return 0;
}

static const char *
src_file(const config_setting_t *s, const char *path)
{
	const char *f = config_setting_source_file(s);

	return f != NULL ? f : path;
}

static int
src_line(const config_setting_t *s)
{
	return config_setting_source_line(s);
}

static int
valid_id(const char *s)
{
	size_t n = 0;

	for (; s[n] != '\0'; n++) {
		if (n >= ID_MAX)
			return 0;
		if (!((s[n] >= 'A' && s[n] <= 'Z') ||
		    (s[n] >= 'a' && s[n] <= 'z') ||
		    (s[n] >= '0' && s[n] <= '9') ||
		    s[n] == '-' || s[n] == '_' || s[n] == '.'))
			return 0;
	}
	return n > 0;
}

/* The kit's context for loader ld, a setting of path. */
static struct cfgkey_ctx
ctx_of(struct loader *ld, const char *path, const char *what)
{
	struct cfgkey_ctx ctx = { &ld->err, path, NULL, what };

	return ctx;
}

/* Reports every member of group g whose name is not in keys. */
static void
check_keys(struct loader *ld, const config_setting_t *g, const char *path,
    const struct cfgkey *keys, size_t n, const char *what)
{
	struct cfgkey_ctx ctx = ctx_of(ld, path, what);

	(void)cfgkey_unknown(&ctx, g, keys, n);
}

/*
 * Reads string key of group g into *out (NULL when absent and optional).
 * Returns 0, or -1 after reporting the problem.
 */
static int
get_string(struct loader *ld, const config_setting_t *g, const char *path,
    const char *key, int required, const char **out)
{
	const config_setting_t *m = config_setting_get_member(g, key);
	struct cfgkey_ctx ctx = ctx_of(ld, path, NULL);

	*out = NULL;
	if (m == NULL) {
		if (!required)
			return 0;
		lerr(ld, src_file(g, path), src_line(g), "missing %s", key);
		return -1;
	}
	return cfgkey_string(&ctx, m, key, RULES_TEXT_MAX - 1, 0, out);
}

/* Reads boolean key of g into *flags as bit; absent means false. */
static int
get_flag(struct loader *ld, const config_setting_t *g, const char *path,
    const char *key, unsigned bit, unsigned *flags)
{
	const config_setting_t *m = config_setting_get_member(g, key);
	struct cfgkey_ctx ctx = ctx_of(ld, path, NULL);
	int v;

	if (m == NULL)
		return 0;
	if (cfgkey_bool(&ctx, m, key, &v) == -1)
		return -1;
	if (v)
		*flags |= bit;
	return 0;
}

/*
 * Reads a role list: one string or a list of strings, each a role, a group
 * (role.h) or "!name" to exclude one.  The set is the union of the names
 * minus the union of the exclusions, whatever their order.  An empty list
 * is an empty set; *present tells whether the key was there at all.
 */
static int
get_roles(struct loader *ld, const config_setting_t *g, const char *path,
    const char *key, uint64_t *set, int *present)
{
	const config_setting_t *m = config_setting_get_member(g, key);
	const config_setting_t *e;
	struct cfgkey_ctx ctx = ctx_of(ld, path, NULL);
	uint64_t plus = 0, minus = 0, one;
	const char *name;
	int i, n, bad = 0, neg;

	*set = 0;
	*present = m != NULL;
	if (m == NULL)
		return 0;
	if (config_setting_type(m) == CONFIG_TYPE_STRING)
		n = 1;
	else if (config_setting_is_array(m) || config_setting_is_list(m))
		n = config_setting_length(m);
	else {
		lerr(ld, src_file(m, path), src_line(m),
		    "%s: a role name or a list of role names is expected",
		    key);
		return -1;
	}
	for (i = 0; i < n; i++) {
		e = config_setting_type(m) == CONFIG_TYPE_STRING ? m :
		    config_setting_get_elem(m, i);
		/* Elements carry their own line: blame the element. */
		if (cfgkey_string(&ctx, e, key, 0, 0, &name) == -1) {
			bad = 1;
			continue;
		}
		neg = name[0] == '!';
		if (role_set_lookup(name + neg, &one) == -1) {
			lerr(ld, src_file(e, path), src_line(e),
			    "unknown role \"%s\" in \"%s\"", name + neg, key);
			bad = 1;
			continue;
		}
		if (neg)
			minus |= one;
		else
			plus |= one;
	}
	if (bad)
		return -1;
	if (plus == 0 && minus != 0) {
		lerr(ld, src_file(m, path), src_line(m),
		    "%s: only exclusions", key);
		return -1;
	}
	*set = plus & ~minus;
	if (plus != 0 && *set == 0) {
		lerr(ld, src_file(m, path), src_line(m),
		    "%s: excludes every role it names", key);
		return -1;
	}
	return 0;
}

/* Parses a decimal port 1-65535 from s[0..len). */
static int
parse_port(const char *s, size_t len, uint16_t *port)
{
	unsigned long v = 0;
	size_t i;

	if (len == 0 || len > 5)
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v < 1 || v > 65535)
		return -1;
	*port = (uint16_t)v;
	return 0;
}

/* ports: a number, "lo-hi", or "any" (1-65535). */
static int
get_ports(struct loader *ld, const config_setting_t *g, const char *path,
    struct rule *r)
{
	const config_setting_t *m = config_setting_get_member(g, "ports");
	const char *s, *dash;
	long long v;

	if (m == NULL) {
		lerr(ld, src_file(g, path), src_line(g), "missing ports");
		return -1;
	}
	switch (config_setting_type(m)) {
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64:
		v = config_setting_get_int64(m);
		if (v < 1 || v > 65535)
			break;
		r->port_lo = r->port_hi = (uint16_t)v;
		return 0;
	case CONFIG_TYPE_STRING:
		s = config_setting_get_string(m);
		if (strcmp(s, "any") == 0) {
			r->port_lo = 1;
			r->port_hi = 65535;
			return 0;
		}
		if ((dash = strchr(s, '-')) == NULL) {
			if (parse_port(s, strlen(s), &r->port_lo) == -1)
				break;
			r->port_hi = r->port_lo;
			return 0;
		}
		if (parse_port(s, (size_t)(dash - s), &r->port_lo) == -1 ||
		    parse_port(dash + 1, strlen(dash + 1), &r->port_hi) == -1)
			break;
		if (r->port_lo > r->port_hi) {
			lerr(ld, src_file(m, path), src_line(m),
			    "port range \"%s\" runs backwards", s);
			return -1;
		}
		return 0;
	default:
		break;
	}
	lerr(ld, src_file(m, path), src_line(m),
	    "ports: a port 1..65535, \"lo-hi\" or \"any\" is expected");
	return -1;
}

static int
get_nist(struct loader *ld, const config_setting_t *g, const char *path,
    const char **out)
{
	const config_setting_t *m = config_setting_get_member(g, "nist");
	const config_setting_t *e;
	char buf[512];
	const char *s, *p;
	size_t off = 0;
	int i, n, bad = 0;

	*out = "";
	if (m == NULL)
		return 0;
	if (!config_setting_is_array(m) && !config_setting_is_list(m)) {
		lerr(ld, src_file(m, path), src_line(m),
		    "nist: a list of control ids like \"SC-7\" is expected");
		return -1;
	}
	buf[0] = '\0';
	n = config_setting_length(m);
	for (i = 0; i < n; i++) {
		e = config_setting_get_elem(m, i);
		s = config_setting_type(e) == CONFIG_TYPE_STRING ?
		    config_setting_get_string(e) : NULL;
		/* A NIST SP 800-53 control: family "XX-", number, enhancement. */
		p = s;
		if (p != NULL && p[0] >= 'A' && p[0] <= 'Z' && p[1] >= 'A' &&
		    p[1] <= 'Z' && p[2] == '-' && p[3] >= '0' && p[3] <= '9') {
			for (p += 3; *p >= '0' && *p <= '9'; p++)
				;
			if (*p == '(') {
				for (p++; *p >= '0' && *p <= '9'; p++)
					;
				p = *p == ')' ? p + 1 : s;
			}
		}
		if (s == NULL || p == s || *p != '\0' ||
		    strlen(s) + 3 > sizeof(buf) - off) {
			lerr(ld, src_file(e, path), src_line(e),
			    "nist: \"%s\" is not a control id like "
			    "\"SC-7\"", s ? s : "?");
			bad = 1;
			continue;
		}
		off += (size_t)snprintf(buf + off, sizeof(buf) - off, "%s%s",
		    off ? ", " : "", s);
	}
	if (bad)
		return -1;
	if ((*out = pool_strdup(ld->rs, buf)) == NULL) {
		lerr(ld, src_file(m, path), src_line(m), "out of memory");
		return -1;
	}
	return 0;
}

/* Copies the optional strings of a rule into the ruleset's pool. */
static int
intern(struct loader *ld, const char **s)
{
	if (*s != NULL && (*s = pool_strdup(ld->rs, *s)) == NULL)
		return -1;
	return 0;
}

static int
add_ref(struct ref **refs, size_t *n, size_t *cap,
    size_t owner, const char *id, const char *file, int line)
{
	if (grow((void **)refs, cap, *n + 1, sizeof(**refs)) == -1)
		return -1;
	(*refs)[*n].owner = owner;
	(*refs)[*n].id = id;
	(*refs)[*n].file = file;
	(*refs)[*n].line = line;
	(*n)++;
	return 0;
}

/*
 * Validates one rule group into the next slot of the ruleset.  A rule with
 * a valid id is kept even when something else is wrong, so that references
 * to it do not add false "unknown id" errors; the load fails anyway.
 */
static int
parse_rule(struct loader *ld, const config_setting_t *g, const char *path)
{
	struct ruleset *rs = ld->rs;
	struct rule r;
	const char *file = src_file(g, path), *s, *alt;
	int line = src_line(g), present, bad = 0;
	unsigned p;

	memset(&r, 0, sizeof(r));
	if (!config_setting_is_group(g)) {
		lerr(ld, file, line, "a rule must be a group { ... }");
		return -1;
	}
	check_keys(ld, g, path, rule_keys, NELEM(rule_keys), "rule");
	if (get_string(ld, g, path, "id", 1, &r.id) == -1)
		return -1;
	if (!valid_id(r.id)) {
		lerr(ld, file, line, "rule id \"%s\" must be 1-%d letters, "
		    "digits, '-', '_' or '.'", r.id, ID_MAX);
		return -1;
	}

	if (get_roles(ld, g, path, "server", &r.server, &present) == -1)
		bad = 1;
	else if (!present || r.server == 0) {
		lerr(ld, file, line, "rule %s: missing \"server\" role", r.id);
		bad = 1;
	}
	if (get_ports(ld, g, path, &r) == -1)
		bad = 1;

	if (get_string(ld, g, path, "transport", 1, &s) == -1)
		bad = 1;
	else if (strcmp(s, "tcp") == 0)
		r.transport = IPPROTO_TCP;
	else if (strcmp(s, "udp") == 0)
		r.transport = IPPROTO_UDP;
	else {
		lerr(ld, src_file(g, path), src_line(config_setting_get_member(
		    g, "transport")), "rule %s: transport \"%s\" is not "
		    "\"tcp\" or \"udp\"", r.id, s);
		bad = 1;
	}

	if (get_string(ld, g, path, "protocol", 1, &s) == -1)
		bad = 1;
	else {
		for (p = 0; p < RULES_P_MAX; p++)
			if (strcmp(s, rules_protos[p].name) == 0)
				break;
		if (p == RULES_P_MAX) {
			lerr(ld, file, src_line(config_setting_get_member(g,
			    "protocol")), "rule %s: unknown protocol \"%s\"",
			    r.id, s);
			bad = 1;
		} else if (r.transport != 0 && rules_protos[p].transport &&
		    rules_protos[p].transport != r.transport) {
			lerr(ld, file, src_line(config_setting_get_member(g,
			    "protocol")), "rule %s: protocol %s does not run "
			    "over %s", r.id, s,
			    rules_transport_name(r.transport));
			bad = 1;
		} else
			r.protocol = (uint8_t)p;
	}

	if (get_flag(ld, g, path, "cleartext", RULES_F_CLEARTEXT,
	    &r.flags) == -1 ||
	    get_flag(ld, g, path, "local_only", RULES_F_LOCAL_ONLY,
	    &r.flags) == -1 ||
	    get_flag(ld, g, path, "disabled_by_default", RULES_F_DISABLED,
	    &r.flags) == -1 ||
	    get_flag(ld, g, path, "deprecated", RULES_F_DEPRECATED,
	    &r.flags) == -1)
		bad = 1;

	/*
	 * clients = [] is how the guide's "local connection only" rows read;
	 * an empty list anywhere else would document a port nobody may use,
	 * which is always a mistake in the file.
	 */
	if (get_roles(ld, g, path, "clients", &r.clients, &present) == -1)
		bad = 1;
	else if (!present) {
		lerr(ld, file, line, "rule %s: missing \"clients\" (use [] "
		    "with local_only = true for local ports)", r.id);
		bad = 1;
	} else if (r.clients == 0 && !(r.flags & RULES_F_LOCAL_ONLY)) {
		lerr(ld, file, line, "rule %s: \"clients\" is empty but "
		    "local_only is not set", r.id);
		bad = 1;
	}

	if (get_string(ld, g, path, "purpose", 1, &r.purpose) == -1 ||
	    get_string(ld, g, path, "section", 1, &r.section) == -1 ||
	    get_string(ld, g, path, "optional_feature", 0,
	    &r.optional_feature) == -1 ||
	    get_string(ld, g, path, "note", 0, &r.note) == -1 ||
	    get_nist(ld, g, path, &r.nist) == -1)
		bad = 1;

	if (get_string(ld, g, path, "secure_alternative", 0, &alt) == -1)
		bad = 1;
	else if (alt != NULL && !(r.flags & RULES_F_CLEARTEXT)) {
		lerr(ld, file, src_line(config_setting_get_member(g,
		    "secure_alternative")), "rule %s: secure_alternative "
		    "without cleartext = true", r.id);
		bad = 1;
	}

	if (rs->nrules >= RULES_MAX) {
		lerr(ld, file, line, "more than %d rules", RULES_MAX);
		return -1;
	}
	if (grow((void **)&rs->rules, &ld->rcap, rs->nrules + 1,
	    sizeof(*rs->rules)) == -1)
		goto nomem;
	r.file = file;
	r.line = line;
	if (intern(ld, &r.id) == -1 || intern(ld, &r.purpose) == -1 ||
	    intern(ld, &r.section) == -1 || intern(ld, &r.note) == -1 ||
	    intern(ld, &r.optional_feature) == -1 ||
	    intern(ld, &r.file) == -1 || intern(ld, &alt) == -1)
		goto nomem;
	if (alt != NULL && add_ref(&ld->alts, &ld->nalts, &ld->acap,
	    rs->nrules, alt, r.file, src_line(config_setting_get_member(g,
	    "secure_alternative"))) == -1)
		goto nomem;
	rs->rules[rs->nrules++] = r;
	return bad ? -1 : 0;
nomem:
	lerr(ld, file, line, "out of memory");
	return -1;
}

static int
parse_topology(struct loader *ld, const config_setting_t *g,
    const char *path)
{
	struct ruleset *rs = ld->rs;
	struct rules_topology t;
	const config_setting_t *m, *e;
	const char *file = src_file(g, path), *s;
	int line = src_line(g), present, i, n, bad = 0;

	memset(&t, 0, sizeof(t));
	if (!config_setting_is_group(g)) {
		lerr(ld, file, line, "a topology statement must be a group");
		return -1;
	}
	check_keys(ld, g, path, topo_keys, NELEM(topo_keys),
	    "topology statement");
	if (get_string(ld, g, path, "id", 1, &t.id) == -1)
		return -1;
	if (!valid_id(t.id)) {
		lerr(ld, file, line, "topology id \"%s\" is not valid", t.id);
		return -1;
	}
	if (get_string(ld, g, path, "statement", 1, &t.statement) == -1 ||
	    get_string(ld, g, path, "section", 1, &t.section) == -1 ||
	    get_nist(ld, g, path, &t.nist) == -1 ||
	    get_roles(ld, g, path, "roles", &t.roles, &present) == -1 ||
	    get_roles(ld, g, path, "peers", &t.peers, &present) == -1)
		bad = 1;

	if (grow((void **)&rs->topo, &ld->tcap, rs->ntopo + 1,
	    sizeof(*rs->topo)) == -1)
		goto nomem;
	t.file = file;
	t.line = line;
	if (intern(ld, &t.id) == -1 || intern(ld, &t.statement) == -1 ||
	    intern(ld, &t.section) == -1 || intern(ld, &t.file) == -1)
		goto nomem;

	if ((m = config_setting_get_member(g, "rules")) != NULL) {
		if (!config_setting_is_array(m) && !config_setting_is_list(m)) {
			lerr(ld, file, src_line(m), "topology %s: \"rules\" "
			    "must be a list of rule ids", t.id);
			bad = 1;
		} else {
			n = config_setting_length(m);
			for (i = 0; i < n; i++) {
				e = config_setting_get_elem(m, i);
				if (config_setting_type(e) !=
				    CONFIG_TYPE_STRING) {
					lerr(ld, file, src_line(m), "topology "
					    "%s: \"rules\" must hold strings",
					    t.id);
					bad = 1;
					continue;
				}
				s = pool_strdup(rs, config_setting_get_string(
				    e));
				if (s == NULL || add_ref(&ld->trefs,
				    &ld->ntrefs, &ld->trcap, rs->ntopo, s,
				    t.file, src_line(e)) == -1)
					goto nomem;
			}
		}
	}
	rs->topo[rs->ntopo++] = t;
	return bad ? -1 : 0;
nomem:
	lerr(ld, file, line, "out of memory");
	return -1;
}

static void
parse_list(struct loader *ld, const config_setting_t *root, const char *path,
    const char *key, int (*fn)(struct loader *, const config_setting_t *,
    const char *))
{
	const config_setting_t *l = config_setting_get_member(root, key);
	const config_setting_t *e;
	int i;

	if (l == NULL)
		return;
	if (!config_setting_is_list(l)) {
		lerr(ld, src_file(l, path), src_line(l), "\"%s\" must be a "
		    "list ( { ... }, ... )", key);
		return;
	}
	for (i = 0; (e = config_setting_get_elem(l, i)) != NULL; i++)
		(void)fn(ld, e, path);
}

static void
load_file(struct loader *ld, const char *path)
{
	const config_setting_t *root, *v;
	struct cfgread rd;

	if (cfgread_load(&rd, path, &ld->err) == -1) {
		cfgread_free(&rd);
		return;
	}
	root = config_root_setting(&rd.cf);
	check_keys(ld, root, path, top_keys, NELEM(top_keys), "rules file");
	if ((v = config_setting_get_member(root, "version")) != NULL &&
	    (config_setting_type(v) != CONFIG_TYPE_INT ||
	    config_setting_get_int(v) != 1))
		lerr(ld, src_file(v, path), src_line(v),
		    "version: unsupported (this program reads version 1)");
	parse_list(ld, root, path, "rules", parse_rule);
	parse_list(ld, root, path, "topology", parse_topology);
	cfgread_free(&rd);
}

/* Sorts the id index and reports every id defined twice. */
static int
check_ids(struct loader *ld)
{
	struct ruleset *rs = ld->rs;
	const struct rule *a, *b;
	size_t i, j;

	if (rs->nrules > 0 &&
	    (rs->byid = calloc(rs->nrules, sizeof(*rs->byid))) == NULL)
		return -1;
	for (i = 0; i < rs->nrules; i++)
		rs->byid[i] = &rs->rules[i];
	if (rs->nrules > 0)
		qsort(rs->byid, rs->nrules, sizeof(*rs->byid),
		    rules_lookup_cmp_id);
	/* Stable report: blame the later definition, cite the first. */
	for (i = 1; i < rs->nrules; i++) {
		a = rs->byid[i - 1];
		b = rs->byid[i];
		if (strcmp(a->id, b->id) != 0)
			continue;
		if (a > b) {
			a = rs->byid[i];
			b = rs->byid[i - 1];
		}
		lerr(ld, b->file, b->line, "duplicate rule id \"%s\" (first "
		    "defined at %s:%d)", b->id, a->file, a->line);
	}
	for (i = 0; i < rs->ntopo; i++) {
		if ((a = rules_find(rs, rs->topo[i].id)) != NULL)
			lerr(ld, rs->topo[i].file, rs->topo[i].line,
			    "duplicate id \"%s\" (rule at %s:%d)",
			    rs->topo[i].id, a->file, a->line);
		for (j = 0; j < i; j++)
			if (strcmp(rs->topo[i].id, rs->topo[j].id) == 0)
				lerr(ld, rs->topo[i].file, rs->topo[i].line,
				    "duplicate id \"%s\" (first defined at "
				    "%s:%d)", rs->topo[i].id,
				    rs->topo[j].file, rs->topo[j].line);
	}
	return 0;
}

static int
resolve(struct loader *ld)
{
	struct ruleset *rs = ld->rs;
	const struct ref *ref;
	const struct rule *t;
	struct rule *r;
	size_t i, k;

	for (i = 0; i < ld->nalts; i++) {
		ref = &ld->alts[i];
		r = &rs->rules[ref->owner];
		if ((t = rules_find(rs, ref->id)) == NULL)
			lerr(ld, ref->file, ref->line, "rule %s: "
			    "secure_alternative names unknown rule \"%s\"",
			    r->id, ref->id);
		else if (t == r || (t->flags & RULES_F_CLEARTEXT))
			lerr(ld, ref->file, ref->line, "rule %s: "
			    "secure_alternative \"%s\" is itself cleartext",
			    r->id, ref->id);
		else
			r->secure_alternative = t;
	}
	/* ntrefs is in topology order: each statement owns one slice. */
	if (ld->ntrefs > 0 && (rs->toporules = calloc(ld->ntrefs,
	    sizeof(*rs->toporules))) == NULL)
		return -1;
	for (i = 0, k = 0; i < ld->ntrefs; i++) {
		ref = &ld->trefs[i];
		if ((t = rules_find(rs, ref->id)) == NULL) {
			lerr(ld, ref->file, ref->line, "topology %s: unknown "
			    "rule \"%s\"", rs->topo[ref->owner].id, ref->id);
			continue;
		}
		if (rs->topo[ref->owner].rules == NULL)
			rs->topo[ref->owner].rules = &rs->toporules[k];
		rs->toporules[k++] = t;
		rs->topo[ref->owner].nrules++;
	}
	return 0;
}

/* Specificity order of a segment's rules (see rules_lookup()). */
static int
more_specific(const struct ruleset *rs, uint16_t a, uint16_t b)
{
	const struct rule *x = &rs->rules[a], *y = &rs->rules[b];
	unsigned sx = (unsigned)x->port_hi - x->port_lo;
	unsigned sy = (unsigned)y->port_hi - y->port_lo;
	int cx = __builtin_popcountll(x->clients);
	int cy = __builtin_popcountll(y->clients);

	if (sx != sy)
		return sx < sy;
	if (cx != cy)
		return cx < cy;
	/*
	 * Same port and clients: the secure variant first, so that a policy
	 * without payload evidence settles on it rather than reporting a
	 * cleartext finding it cannot prove (WS vs WSS on 22332).
	 */
	if ((x->flags ^ y->flags) & RULES_F_CLEARTEXT)
		return !(x->flags & RULES_F_CLEARTEXT);
	return a < b;
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static int
build_index(struct ruleset *rs, struct rules_index *ix, uint8_t transport)
{
	uint32_t *bounds, lo, hi;
	size_t nb = 0, i, s, n, total = 0, k, j;
	uint16_t tmp;

	if ((bounds = calloc(2 * rs->nrules + 2, sizeof(*bounds))) == NULL)
		return -1;
	bounds[nb++] = 0;
	bounds[nb++] = NPORTS;
	for (i = 0; i < rs->nrules; i++) {
		if (rs->rules[i].transport != transport)
			continue;
		bounds[nb++] = rs->rules[i].port_lo;
		bounds[nb++] = (uint32_t)rs->rules[i].port_hi + 1;
	}
	qsort(bounds, nb, sizeof(*bounds), cmp_u32);
	for (i = 1, n = 1; i < nb; i++)
		if (bounds[i] != bounds[n - 1])
			bounds[n++] = bounds[i];
	nb = n;
	ix->nseg = nb - 1;

	/* First pass counts each segment's rules, the second fills them. */
	if ((ix->off = calloc(ix->nseg + 1, sizeof(*ix->off))) == NULL)
		goto fail;
	for (s = 0; s < ix->nseg; s++) {
		ix->off[s] = (uint32_t)total;
		for (i = 0; i < rs->nrules; i++)
			if (rs->rules[i].transport == transport &&
			    rs->rules[i].port_lo <= bounds[s] &&
			    rs->rules[i].port_hi >= bounds[s])
				total++;
	}
	ix->off[ix->nseg] = (uint32_t)total;
	if (total > 0 && (ix->list = calloc(total, sizeof(*ix->list))) ==
	    NULL)
		goto fail;
	for (s = 0; s < ix->nseg; s++) {
		k = ix->off[s];
		for (i = 0; i < rs->nrules; i++)
			if (rs->rules[i].transport == transport &&
			    rs->rules[i].port_lo <= bounds[s] &&
			    rs->rules[i].port_hi >= bounds[s])
				ix->list[k++] = (uint16_t)i;
		/* Insertion sort: a port has a handful of rules at most. */
		for (i = ix->off[s] + 1; i < k; i++) {
			tmp = ix->list[i];
			for (j = i; j > ix->off[s] &&
			    more_specific(rs, tmp, ix->list[j - 1]); j--)
				ix->list[j] = ix->list[j - 1];
			ix->list[j] = tmp;
		}
		lo = bounds[s];
		hi = bounds[s + 1];
		for (; lo < hi; lo++)
			ix->seg[lo] = (uint16_t)s;
		if (k - ix->off[s] > rs->lookup_max)
			rs->lookup_max = k - ix->off[s];
	}
	free(bounds);
	return 0;
fail:
	free(bounds);
	return -1;
}

void
rules_free(struct ruleset *rs)
{
	struct strblock *b, *next;
	int t;

	if (rs == NULL)
		return;
	for (b = rs->strings; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	for (t = 0; t < 2; t++) {
		free(rs->idx[t].off);
		free(rs->idx[t].list);
	}
	free(rs->rules);
	free(rs->topo);
	free(rs->byid);
	free(rs->toporules);
	free(rs);
}

struct ruleset *
rules_load(const char **paths, int npaths, char *err, size_t errlen)
{
	struct loader ld;
	int i;

	memset(&ld, 0, sizeof(ld));
	errlist_init(&ld.err, err, errlen);
	if ((ld.rs = calloc(1, sizeof(*ld.rs))) == NULL) {
		lerr(&ld, "rules", 0, "out of memory");
		return NULL;
	}
	if (npaths <= 0)
		lerr(&ld, "rules", 0, "no rules file given");
	for (i = 0; i < npaths; i++)
		load_file(&ld, paths[i]);
	if (check_ids(&ld) == -1 || resolve(&ld) == -1 ||
	    (ld.err.n == 0 && (build_index(ld.rs, &ld.rs->idx[0],
	    IPPROTO_TCP) == -1 || build_index(ld.rs, &ld.rs->idx[1],
	    IPPROTO_UDP) == -1)))
		lerr(&ld, "rules", 0, "out of memory");
	free(ld.alts);
	free(ld.trefs);
	if (ld.err.n > 0) {
		rules_free(ld.rs);
		return NULL;
	}
	return ld.rs;
}

const char *
rules_proto_name(unsigned protocol)
{
	return protocol < RULES_P_MAX ? rules_protos[protocol].name : "?";
}

const char *
rules_transport_name(uint8_t transport)
{
	if (transport == IPPROTO_TCP)
		return "tcp";
	if (transport == IPPROTO_UDP)
		return "udp";
	return "?";
}

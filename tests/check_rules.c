/*
 * check_rules.c - unit tests of role.c and rules.c: the role table and its
 * groups, the shipped rules file, lookups, every load error with its
 * file:line, site files, and the shipped file against the hardening guide
 * itself (every row of every port table must have its rule).
 *
 * VW_SRCDIR locates rules/xprotect.conf and, beside the tree, the guide in
 * ../shared/seeds; without them the guide test passes as skipped.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "role.h"
#include "rules.h"
#include "check_run.h"
#include "tmpdir.h"

#define SEED_REL	"/../shared/seeds/000_29e526295cb38700.txt"
#define SHIPPED_RULES	60	/* xprotect.conf: rules ... */
#define SHIPPED_TOPO	6	/* ... and topology statements */

static char tmpdir[256];

static const char *
srcdir(void)
{
	const char *d = getenv("VW_SRCDIR");

	return d != NULL && *d != '\0' ? d : ".";
}

static void
shipped_path(char *buf, size_t len)
{
	snprintf(buf, len, "%s/rules/xprotect.conf", srcdir());
}

static struct ruleset *
load_shipped(void)
{
	char path[512], err[4096];
	const char *paths[1] = { path };
	struct ruleset *rs;

	shipped_path(path, sizeof(path));
	rs = rules_load(paths, 1, err, sizeof(err));
	ck_assert_msg(rs != NULL, "shipped rules do not load:\n%s", err);
	return rs;
}

/* Writes text to tmpdir/name; the path goes to path. */
static void
tmp_write(const char *name, const char *text, char *path, size_t len)
{
	ck_assert_int_eq(tmpdir_write(tmpdir, name, text, path, len), 0);
}

static void
tmp_setup(void)
{
	tmpdir_make(tmpdir, sizeof(tmpdir), "check_rules");
}

static void
tmp_teardown(void)
{
	tmpdir_remove(tmpdir);
}

/*
 * One rule, one key per line, so that tests know each key's line: rules
 * at 1, the group at 2, then id 3, server 4, ports 5, transport 6,
 * protocol 7, clients 8, purpose 9, section 10, extra 11.  An empty
 * argument leaves its line blank.
 */
static void
mkrule(char *buf, size_t len, const char *id, const char *server,
    const char *ports, const char *transport, const char *protocol,
    const char *clients, const char *extra)
{
	snprintf(buf, len,
	    "rules = (\n"
	    "\t{\n"
	    "\t\t%s\n\t\t%s\n\t\t%s\n\t\t%s\n\t\t%s\n\t\t%s\n"
	    "\t\tpurpose = \"test\";\n"
	    "\t\tsection = \"Test\";\n"
	    "\t\t%s\n"
	    "\t}\n"
	    ");\n", id, server, ports, transport, protocol, clients, extra);
}

#define ID	"id = \"T-1\";"
#define SRV	"server = \"camera\";"
#define PORTS	"ports = 80;"
#define TCP	"transport = \"tcp\";"
#define PROTO	"protocol = \"HTTP\";"
#define CLI	"clients = [ \"recorders\" ];"

/* Loads one generated file and expects failure with want in the errors. */
static void
expect_error(const char *text, int line, const char *want)
{
	char path[512], err[4096], prefix[600];
	const char *paths[1] = { path };
	struct ruleset *rs;

	tmp_write("bad.conf", text, path, sizeof(path));
	rs = rules_load(paths, 1, err, sizeof(err));
	ck_assert_msg(rs == NULL, "loaded a bad file:\n%s", text);
	snprintf(prefix, sizeof(prefix), "%s:%d: ", path, line);
	ck_assert_msg(strstr(err, prefix) != NULL, "want \"%s\" in:\n%s",
	    prefix, err);
	ck_assert_msg(strstr(err, want) != NULL, "want \"%s\" in:\n%s", want,
	    err);
}

static int
has_rule(const struct rule **v, int n, const char *id)
{
	int i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i]->id, id) == 0)
			return 1;
	return 0;
}

/* ---- roles ---- */

START_TEST(test_role_names_round_trip)
{
	const char *n, *p;
	int r, s;

	for (r = 0; r < ROLE_COUNT; r++) {
		n = role_name(r);
		ck_assert_ptr_nonnull(n);
		ck_assert_ptr_nonnull(role_describe(r));
		ck_assert_int_eq(role_lookup(n), r);
		ck_assert_uint_le(strlen(n), ROLE_NAME_MAX);
		for (p = n; *p != '\0'; p++)
			ck_assert_msg((*p >= 'a' && *p <= 'z') || *p == '_',
			    "role name \"%s\" is not snake_case", n);
		for (s = 0; s < r; s++)
			ck_assert_str_ne(role_name(s), n);
	}
	ck_assert_ptr_null(role_name(ROLE_COUNT));
	ck_assert_int_eq(role_lookup("Management_Server"), -1);
	ck_assert_int_eq(role_lookup("all_servers"), -1);
	ck_assert_int_eq(role_lookup("management_server"),
	    ROLE_MANAGEMENT_SERVER);
	ck_assert_int_eq(role_lookup("domain_controller"),
	    ROLE_DOMAIN_CONTROLLER);
}
END_TEST

START_TEST(test_role_flags)
{
	ck_assert_uint_eq(role_flags(ROLE_MANAGEMENT_SERVER),
	    ROLE_F_VMS | ROLE_F_SERVER);
	ck_assert_uint_eq(role_flags(ROLE_SMART_CLIENT), ROLE_F_VMS);
	ck_assert_uint_eq(role_flags(ROLE_CAMERA), ROLE_F_VMS | ROLE_F_CAMERA);
	ck_assert_uint_eq(role_flags(ROLE_NVR), ROLE_F_VMS | ROLE_F_CAMERA);
	ck_assert_uint_eq(role_flags(ROLE_GENERIC_EVENT_SOURCE), 0);
	ck_assert_uint_eq(role_flags(ROLE_ANALYTICS_EVENT_SOURCE), 0);
	ck_assert_uint_eq(role_flags(ROLE_DNS_SERVER), ROLE_F_INFRA);
	ck_assert_uint_eq(role_flags(ROLE_COUNT), 0);
}
END_TEST

START_TEST(test_role_groups)
{
	uint64_t s, servers, all;
	size_t i;

	ck_assert_int_eq(role_set_lookup("all_servers", &servers), 0);
	ck_assert(servers & ROLE_BIT(ROLE_MANAGEMENT_SERVER));
	ck_assert(servers & ROLE_BIT(ROLE_API_GATEWAY));
	ck_assert(servers & ROLE_BIT(ROLE_SQL_SERVER));
	ck_assert(!(servers & ROLE_BIT(ROLE_SMART_CLIENT)));
	ck_assert(!(servers & ROLE_BIT(ROLE_CAMERA)));
	ck_assert(!(servers & ROLE_BIT(ROLE_DNS_SERVER)));
	ck_assert_int_eq(__builtin_popcountll(servers), 15);

	ck_assert_int_eq(role_set_lookup("all_components", &all), 0);
	ck_assert((all & servers) == servers);
	ck_assert(all & ROLE_BIT(ROLE_CAMERA));
	ck_assert(all & ROLE_BIT(ROLE_MOBILE_CLIENT));
	ck_assert(!(all & ROLE_BIT(ROLE_GENERIC_EVENT_SOURCE)));
	ck_assert(!(all & ROLE_BIT(ROLE_SNMP_SERVICE)));
	ck_assert(!(all & ROLE_BIT(ROLE_NTP_SERVER)));

	ck_assert_int_eq(role_set_lookup("recorders", &s), 0);
	ck_assert(s == (ROLE_BIT(ROLE_RECORDING_SERVER) |
	    ROLE_BIT(ROLE_FAILOVER_RECORDING_SERVER)));
	ck_assert_int_eq(role_set_lookup("infrastructure", &s), 0);
	ck_assert_int_eq(__builtin_popcountll(s), 6);
	ck_assert(s & ROLE_BIT(ROLE_DOMAIN_CONTROLLER));

	/* The synthetic inventory's combined names. */
	ck_assert_int_eq(role_set_lookup("infrastructure_dns_dc", &s), 0);
	ck_assert(s == (ROLE_BIT(ROLE_DNS_SERVER) |
	    ROLE_BIT(ROLE_DOMAIN_CONTROLLER)));
	ck_assert_int_eq(role_set_lookup("third_party_event_source", &s), 0);
	ck_assert(s & ROLE_BIT(ROLE_GENERIC_EVENT_SOURCE));

	ck_assert_int_eq(role_set_lookup("camera", &s), 0);
	ck_assert(s == ROLE_BIT(ROLE_CAMERA));
	s = 42;
	ck_assert_int_eq(role_set_lookup("cameras", &s), -1);
	ck_assert(s == 42);

	/* Group names never shadow a role name. */
	for (i = 0; i < role_group_count(); i++)
		ck_assert_int_eq(role_lookup(role_group_name(i)), -1);
	ck_assert_ptr_null(role_group_name(role_group_count()));
}
END_TEST

START_TEST(test_role_set_fmt)
{
	char buf[64];

	ck_assert_str_eq(role_set_fmt(0, buf, sizeof(buf)), "-");
	ck_assert_str_eq(role_set_fmt(ROLE_BIT(ROLE_RECORDING_SERVER) |
	    ROLE_BIT(ROLE_MANAGEMENT_SERVER), buf, sizeof(buf)),
	    "management_server,recording_server");
	/* Truncation keeps a terminated, whole-name prefix. */
	ck_assert_str_eq(role_set_fmt(ROLE_BIT(ROLE_RECORDING_SERVER) |
	    ROLE_BIT(ROLE_MANAGEMENT_SERVER), buf, 20), "management_server");
}
END_TEST

/* ---- the shipped file ---- */

START_TEST(test_rules_shipped_loads)
{
	struct ruleset *rs = load_shipped();
	const struct rule *r;
	size_t i;

	ck_assert_uint_eq(rules_count(rs), SHIPPED_RULES);
	ck_assert_uint_eq(rules_topology_count(rs), SHIPPED_TOPO);
	for (i = 0; i < rules_count(rs); i++) {
		r = rules_get(rs, i);
		ck_assert_msg(strncmp(r->id, "XP-", 3) == 0, "%s", r->id);
		ck_assert_msg(*r->nist != '\0', "%s has no nist", r->id);
		ck_assert_msg(strstr(r->nist, "SC-7") != NULL, "%s", r->id);
		ck_assert(*r->section != '\0' && *r->purpose != '\0');
		ck_assert_ptr_eq(rules_find(rs, r->id), r);
		/* Every cleartext rule is tied to the secure-by-default text. */
		if (r->flags & RULES_F_CLEARTEXT)
			ck_assert_msg(strstr(r->nist, "SC-23") != NULL,
			    "%s is cleartext without SC-23", r->id);
		if (r->secure_alternative != NULL)
			ck_assert(!(r->secure_alternative->flags &
			    RULES_F_CLEARTEXT));
		/* Local ports never list remote roles except the SNMP agent. */
		if (r->flags & RULES_F_LOCAL_ONLY)
			ck_assert(r->clients == 0 ||
			    r->clients == ROLE_BIT(ROLE_SNMP_SERVICE));
	}
	ck_assert_ptr_null(rules_get(rs, rules_count(rs)));
	ck_assert_ptr_null(rules_find(rs, "XP-NOPE"));
	rules_free(rs);
}
END_TEST

START_TEST(test_rules_lookup_ms_9000)
{
	struct ruleset *rs = load_shipped();
	const struct rule *v[16];
	int n;

	n = rules_lookup(rs, IPPROTO_TCP, 9000, v, 16);
	ck_assert_int_ge(n, 1);
	ck_assert_str_eq(v[0]->id, "XP-MS-9000");
	ck_assert(v[0]->server == ROLE_BIT(ROLE_MANAGEMENT_SERVER));
	ck_assert(v[0]->clients == ROLE_BIT(ROLE_RECORDING_SERVER));
	ck_assert_int_eq(v[0]->protocol, RULES_P_HTTP);
	ck_assert_int_eq(v[0]->port_lo, 9000);
	ck_assert_int_eq(v[0]->port_hi, 9000);
	ck_assert_str_eq(v[0]->section,
	    "Management Server service and related processes");
	ck_assert_str_eq(v[0]->nist, "CA-3, CM-6, SC-7");
	/* The only other match is the recorders' any-port device rule. */
	ck_assert_int_eq(n, 2);
	ck_assert_str_eq(v[1]->id, "XP-RS-OUT-TCP");
	ck_assert_int_eq(rules_lookup(rs, IPPROTO_UDP, 9000, v, 16), 2);
	rules_free(rs);
}
END_TEST

START_TEST(test_rules_lookup_udp_8844)
{
	struct ruleset *rs = load_shipped();
	const struct rule *v[16];
	int n;

	n = rules_lookup(rs, IPPROTO_UDP, 8844, v, 16);
	ck_assert_int_eq(n, 3);
	ck_assert_str_eq(v[0]->id, "XP-FO-8844");
	ck_assert_int_eq(v[0]->transport, IPPROTO_UDP);
	ck_assert(v[0]->server == ROLE_BIT(ROLE_FAILOVER_RECORDING_SERVER));
	ck_assert(has_rule(v, n, "XP-RS-OUT-UDP"));
	ck_assert(has_rule(v, n, "XP-RS-IN-DEVICE-UDP"));
	/* No TCP rule on 8844 but the any-port one. */
	n = rules_lookup(rs, IPPROTO_TCP, 8844, v, 16);
	ck_assert_int_eq(n, 1);
	ck_assert_str_eq(v[0]->id, "XP-RS-OUT-TCP");
	rules_free(rs);
}
END_TEST

START_TEST(test_rules_lookup_range)
{
	struct ruleset *rs = load_shipped();
	const struct rule *v[16];
	int n;

	n = rules_lookup(rs, IPPROTO_TCP, 40050, v, 16);
	ck_assert_int_eq(n, 2);
	ck_assert_str_eq(v[0]->id, "XP-MOB-40001");
	ck_assert_int_eq(v[0]->port_lo, 40001);
	ck_assert_int_eq(v[0]->port_hi, 40099);
	ck_assert(v[0]->flags & RULES_F_DISABLED);
	ck_assert_str_eq(v[0]->optional_feature, "Video Push");
	ck_assert(v[0]->clients & ROLE_BIT(ROLE_FAILOVER_RECORDING_SERVER));
	n = rules_lookup(rs, IPPROTO_TCP, 40001, v, 16);
	ck_assert(has_rule(v, n, "XP-MOB-40001"));
	n = rules_lookup(rs, IPPROTO_TCP, 40099, v, 16);
	ck_assert(has_rule(v, n, "XP-MOB-40001"));
	n = rules_lookup(rs, IPPROTO_TCP, 40000, v, 16);
	ck_assert(!has_rule(v, n, "XP-MOB-40001"));
	n = rules_lookup(rs, IPPROTO_TCP, 40100, v, 16);
	ck_assert(!has_rule(v, n, "XP-MOB-40001"));
	/* The extra recording server instances: 9002-9015. */
	n = rules_lookup(rs, IPPROTO_TCP, 9003, v, 16);
	ck_assert_str_eq(v[0]->id, "XP-RS-9002");
	ck_assert_ptr_nonnull(v[0]->optional_feature);
	n = rules_lookup(rs, IPPROTO_TCP, 9001, v, 16);
	ck_assert(has_rule(v, n, "XP-RS-9001"));
	ck_assert(has_rule(v, n, "XP-FO-9001"));
	ck_assert(!has_rule(v, n, "XP-RS-9002"));
	/* Port 0 and 65535 are indexed too. */
	ck_assert_int_eq(rules_lookup(rs, IPPROTO_TCP, 0, v, 16), 0);
	ck_assert_int_eq(rules_lookup(rs, IPPROTO_TCP, 65535, v, 16), 1);
	rules_free(rs);
}
END_TEST

START_TEST(test_rules_lookup_cleartext_8081)
{
	struct ruleset *rs = load_shipped();
	const struct rule *v[16];
	int n;

	n = rules_lookup(rs, IPPROTO_TCP, 8081, v, 16);
	ck_assert_int_ge(n, 1);
	ck_assert_str_eq(v[0]->id, "XP-MOB-8081");
	ck_assert(v[0]->flags & RULES_F_CLEARTEXT);
	ck_assert_ptr_nonnull(v[0]->secure_alternative);
	ck_assert_ptr_eq(v[0]->secure_alternative,
	    rules_find(rs, "XP-MOB-8082"));
	ck_assert_int_eq(v[0]->secure_alternative->protocol, RULES_P_HTTPS);
	ck_assert_ptr_eq(rules_find(rs, "XP-MS-0080")->secure_alternative,
	    rules_find(rs, "XP-MS-0443"));
	ck_assert_ptr_eq(rules_find(rs, "XP-ES-22332-WS")->secure_alternative,
	    rules_find(rs, "XP-ES-22332-WSS"));
	/* Equal rules: the secure variants come first. */
	ck_assert_int_eq(rules_lookup(rs, IPPROTO_TCP, 22332, v, 16), 5);
	ck_assert_str_eq(v[0]->id, "XP-ES-22332-WSS");
	ck_assert_str_eq(v[1]->id, "XP-ES-22332-HTTPS");
	ck_assert_str_eq(v[2]->id, "XP-ES-22332-WS");
	ck_assert_str_eq(v[3]->id, "XP-ES-22332-HTTP");
	ck_assert_str_eq(v[4]->id, "XP-RS-OUT-TCP");
	/* Cleartext without an alternative to offer. */
	ck_assert(rules_find(rs, "XP-ONB-0554")->flags & RULES_F_CLEARTEXT);
	ck_assert_ptr_null(rules_find(rs, "XP-ONB-0554")->secure_alternative);
	rules_free(rs);
}
END_TEST

START_TEST(test_rules_special_cases)
{
	struct ruleset *rs = load_shipped();
	const struct rule *v[16], *r;
	int n;

	/* Port 80: the WCF rule comes first, being the most specific. */
	n = rules_lookup(rs, IPPROTO_TCP, 80, v, 16);
	ck_assert_int_eq(n, 4);
	ck_assert_str_eq(v[0]->id, "XP-MS-0080-WCF");
	ck_assert(!(v[0]->flags & RULES_F_CLEARTEXT));
	ck_assert(v[0]->clients == ROLE_BIT(ROLE_EVENT_SERVER));
	ck_assert_ptr_nonnull(v[0]->note);
	ck_assert_str_eq(v[1]->id, "XP-IM-0080");
	ck_assert_str_eq(v[2]->id, "XP-MS-0080");
	ck_assert_str_eq(v[3]->id, "XP-RS-OUT-TCP");
	/* max bounds the writes, not the count. */
	v[1] = NULL;
	ck_assert_int_eq(rules_lookup(rs, IPPROTO_TCP, 80, v, 1), 4);
	ck_assert_ptr_null(v[1]);
	ck_assert_int_eq(rules_lookup(rs, IPPROTO_ICMP, 80, v, 16), 0);

	/* 22337: HTTP with WS-Security message security. */
	r = rules_find(rs, "XP-LOG-22337");
	ck_assert_int_eq(r->protocol, RULES_P_HTTP);
	ck_assert(!(r->flags & RULES_F_CLEARTEXT));
	ck_assert(!(r->clients & ROLE_BIT(ROLE_RECORDING_SERVER)));
	ck_assert(r->clients & ROLE_BIT(ROLE_MANAGEMENT_SERVER));
	ck_assert(r->clients & ROLE_BIT(ROLE_SMART_CLIENT));

	/* Local-only rows and the SNMP extension agent. */
	r = rules_find(rs, "XP-MS-6473");
	ck_assert(r->flags & RULES_F_LOCAL_ONLY);
	ck_assert(r->clients == 0);
	r = rules_find(rs, "XP-RS-12975");
	ck_assert(r->flags & RULES_F_LOCAL_ONLY);
	ck_assert(r->clients == ROLE_BIT(ROLE_SNMP_SERVICE));

	/* SMTP 25: cleartext, deprecated, off by default. */
	r = rules_find(rs, "XP-RS-0025");
	ck_assert_uint_eq(r->flags, RULES_F_CLEARTEXT | RULES_F_DISABLED |
	    RULES_F_DEPRECATED);
	ck_assert(r->clients == ROLE_BIT(ROLE_CAMERA));

	/* Generic events on both transports of 1234. */
	ck_assert_int_eq(rules_lookup(rs, IPPROTO_UDP, 1234, v, 16), 3);
	ck_assert_str_eq(v[0]->id, "XP-ES-1234-UDP");
	ck_assert_str_eq(v[0]->optional_feature,
	    "generic events data source enabled");
	n = rules_lookup(rs, IPPROTO_TCP, 1234, v, 16);
	ck_assert_str_eq(v[0]->id, "XP-ES-1234-TCP");

	/* The recorders' outbound device connections, any port. */
	r = rules_find(rs, "XP-RS-OUT-TCP");
	ck_assert_int_eq(r->port_lo, 1);
	ck_assert_int_eq(r->port_hi, 65535);
	ck_assert(r->server & ROLE_BIT(ROLE_INTERCONNECTED_SITE));
	ck_assert(r->clients & ROLE_BIT(ROLE_FAILOVER_RECORDING_SERVER));
	rules_free(rs);
}
END_TEST

START_TEST(test_rules_topology)
{
	struct ruleset *rs = load_shipped();
	const struct rules_topology *t;

	t = rules_topology_find(rs, "XP-TOPO-MS9000");
	ck_assert_ptr_nonnull(t);
	ck_assert_uint_eq(t->nrules, 1);
	ck_assert_ptr_eq(t->rules[0], rules_find(rs, "XP-MS-9000"));
	ck_assert(t->peers == ROLE_BIT(ROLE_RECORDING_SERVER));
	ck_assert_str_eq(t->nist, "CA-3, CM-6, SC-7");

	t = rules_topology_find(rs, "XP-TOPO-INTERNET");
	ck_assert_ptr_nonnull(t);
	ck_assert_uint_eq(t->nrules, 1);
	ck_assert_str_eq(t->rules[0]->id, "XP-MOB-8082");
	ck_assert_str_eq(t->nist, "CA-3");

	t = rules_topology_find(rs, "XP-TOPO-CAMERA");
	ck_assert_ptr_nonnull(t);
	ck_assert(t->roles & ROLE_BIT(ROLE_CAMERA));
	ck_assert(t->peers == (ROLE_BIT(ROLE_RECORDING_SERVER) |
	    ROLE_BIT(ROLE_FAILOVER_RECORDING_SERVER)));
	ck_assert_str_eq(t->nist, "SC-7");

	t = rules_topology_find(rs, "XP-TOPO-SECURE");
	ck_assert_ptr_nonnull(t);
	ck_assert(strstr(t->nist, "SC-23") != NULL);
	ck_assert_ptr_eq(rules_topology_get(rs, 3), t);
	ck_assert_ptr_null(rules_topology_find(rs, "XP-MS-9000"));
	ck_assert_ptr_null(rules_find(rs, "XP-TOPO-CAMERA"));
	rules_free(rs);
}
END_TEST

/*
 * Every cleartext rule of the shipped file is listed by XP-TOPO-SECURE,
 * and the other way round.
 */
START_TEST(test_rules_topology_secure_lists_cleartext)
{
	struct ruleset *rs = load_shipped();
	const struct rules_topology *t;
	const struct rule *r;
	size_t i, k, n = 0;

	t = rules_topology_find(rs, "XP-TOPO-SECURE");
	for (i = 0; i < rules_count(rs); i++) {
		r = rules_get(rs, i);
		if (!(r->flags & RULES_F_CLEARTEXT))
			continue;
		n++;
		for (k = 0; k < t->nrules; k++)
			if (t->rules[k] == r)
				break;
		ck_assert_msg(k < t->nrules, "%s not in XP-TOPO-SECURE",
		    r->id);
	}
	ck_assert_uint_eq(n, t->nrules);
	rules_free(rs);
}
END_TEST

/* ---- load errors ---- */

/* A text longer than alerts carry is refused at its line, not cut later. */
START_TEST(test_rules_error_text_too_long)
{
	char buf[4096], note[RULES_TEXT_MAX + 16];

	snprintf(note, sizeof(note), "note = \"%0*d\";", RULES_TEXT_MAX, 0);
	mkrule(buf, sizeof(buf), ID, SRV, PORTS, TCP, PROTO, CLI, note);
	expect_error(buf, 11, "note: longer than 511 bytes");
}
END_TEST

START_TEST(test_rules_error_unknown_role)
{
	char buf[1024];

	mkrule(buf, sizeof(buf), ID, SRV, PORTS, TCP, PROTO,
	    "clients = [ \"recorders\",\n\"recording_srever\" ];", "");
	/* The misspelt element sits on the line after "clients". */
	expect_error(buf, 9, "unknown role \"recording_srever\"");
	mkrule(buf, sizeof(buf), ID, "server = \"!camera\";", PORTS, TCP,
	    PROTO, CLI, "");
	expect_error(buf, 4, "only exclusions");
}
END_TEST

START_TEST(test_rules_error_bad_port)
{
	char buf[1024];

	mkrule(buf, sizeof(buf), ID, SRV, "ports = 70000;", TCP, PROTO, CLI,
	    "");
	expect_error(buf, 5, "ports: a port 1..65535");
	mkrule(buf, sizeof(buf), ID, SRV, "ports = 0;", TCP, PROTO, CLI, "");
	expect_error(buf, 5, "ports: a port 1..65535");
	mkrule(buf, sizeof(buf), ID, SRV, "ports = \"9010-9001\";", TCP,
	    PROTO, CLI, "");
	expect_error(buf, 5, "runs backwards");
	mkrule(buf, sizeof(buf), ID, SRV, "ports = \"40001 - 40099\";", TCP,
	    PROTO, CLI, "");
	expect_error(buf, 5, "ports: a port 1..65535");
	mkrule(buf, sizeof(buf), ID, SRV, "ports = \"80x\";", TCP, PROTO,
	    CLI, "");
	expect_error(buf, 5, "ports: a port 1..65535");
	mkrule(buf, sizeof(buf), ID, SRV, "", TCP, PROTO, CLI, "");
	expect_error(buf, 2, "missing ports");
}
END_TEST

START_TEST(test_rules_error_bad_transport)
{
	char buf[1024];

	mkrule(buf, sizeof(buf), ID, SRV, PORTS, "transport = \"sctp\";",
	    PROTO, CLI, "");
	expect_error(buf, 6, "transport \"sctp\"");
	/* HTTP does not run over UDP. */
	mkrule(buf, sizeof(buf), ID, SRV, PORTS, "transport = \"udp\";",
	    PROTO, CLI, "");
	expect_error(buf, 7, "does not run over udp");
	mkrule(buf, sizeof(buf), ID, SRV, PORTS, TCP,
	    "protocol = \"HTTP2\";", CLI, "");
	expect_error(buf, 7, "unknown protocol \"HTTP2\"");
}
END_TEST

START_TEST(test_rules_error_missing_id)
{
	char buf[1024];

	mkrule(buf, sizeof(buf), "", SRV, PORTS, TCP, PROTO, CLI, "");
	expect_error(buf, 2, "missing id");
	mkrule(buf, sizeof(buf), "id = \"has space\";", SRV, PORTS, TCP,
	    PROTO, CLI, "");
	expect_error(buf, 2, "rule id \"has space\"");
}
END_TEST

START_TEST(test_rules_error_unknown_key)
{
	char buf[1024];

	mkrule(buf, sizeof(buf), ID, SRV, PORTS, TCP, PROTO, CLI,
	    "clear_text = true;");
	expect_error(buf, 11, "unknown key clear_text in rule (did you mean cleartext?)");
	expect_error("rule = ();\n", 1, "unknown key rule in rules file (did you mean rules?)");
	mkrule(buf, sizeof(buf), ID, SRV, PORTS, TCP, PROTO, CLI,
	    "cleartext = \"yes\";");
	expect_error(buf, 11, "cleartext: true or false is expected");
}
END_TEST

START_TEST(test_rules_error_secure_alternative)
{
	char buf[1024];

	mkrule(buf, sizeof(buf), ID, SRV, PORTS, TCP, PROTO, CLI,
	    "cleartext = true; secure_alternative = \"T-404\";");
	expect_error(buf, 11, "unknown rule \"T-404\"");
	mkrule(buf, sizeof(buf), ID, SRV, PORTS, TCP, PROTO, CLI,
	    "cleartext = true; secure_alternative = \"T-1\";");
	expect_error(buf, 11, "is itself cleartext");
	mkrule(buf, sizeof(buf), ID, SRV, PORTS, TCP, PROTO, CLI,
	    "secure_alternative = \"T-1\";");
	expect_error(buf, 11, "without cleartext = true");
}
END_TEST

START_TEST(test_rules_error_empty_clients)
{
	char buf[1024];

	mkrule(buf, sizeof(buf), ID, SRV, PORTS, TCP, PROTO,
	    "clients = [];", "");
	expect_error(buf, 2, "local_only is not set");
	mkrule(buf, sizeof(buf), ID, SRV, PORTS, TCP, PROTO, "", "");
	expect_error(buf, 2, "missing \"clients\"");
}
END_TEST

START_TEST(test_rules_error_syntax)
{
	char buf[1024];

	/* libconfig's own parse error, with its line. */
	mkrule(buf, sizeof(buf), ID, SRV, "ports == 80;", TCP, PROTO, CLI,
	    "");
	expect_error(buf, 5, "syntax error");
	expect_error("version = 2;\n", 1, "version: unsupported");
}
END_TEST

START_TEST(test_rules_error_missing_file)
{
	char err[1024];
	const char *paths[1] = { "/nonexistent/xprotect.conf" };

	ck_assert_ptr_null(rules_load(paths, 1, err, sizeof(err)));
	ck_assert_msg(strstr(err, "/nonexistent/xprotect.conf: cannot read")
	    != NULL, "%s", err);
}
END_TEST

/* libconfig 1.5 reads 4294967376 as 80: the port must not be taken. */
START_TEST(test_rules_error_wrapped_port)
{
	char buf[1024];

	mkrule(buf, sizeof(buf), ID, SRV, "ports = 4294967376;", TCP, PROTO,
	    CLI, "");
	expect_error(buf, 5, "4294967376 is out of range: libconfig reads "
	    "an integer past 32 bits wrapped");
}
END_TEST

/* The reason of the failing read, never an earlier errno's. */
START_TEST(test_rules_error_unreadable_file)
{
	char err[1024], want[600];
	const char *paths[1] = { tmpdir };

	errno = ENOSPC;
	ck_assert_ptr_null(rules_load(paths, 1, err, sizeof(err)));
	snprintf(want, sizeof(want), "%s: cannot read the file: a directory, "
	    "not a regular file\n", tmpdir);
	ck_assert_str_eq(err, want);
}
END_TEST

/* A rule @included from a site folder: its problems name that file. */
START_TEST(test_rules_include_names_its_file)
{
	char buf[1024], path[512], err[4096], want[700];
	const char *paths[1] = { path };
	struct ruleset *rs;

	mkrule(buf, sizeof(buf), ID, SRV, PORTS, TCP, PROTO, CLI, "");
	tmp_write("one-rule.conf", buf, path, sizeof(path));
	tmp_write("top.conf", "version = 1;\n@include \"one-rule.conf\"\n",
	    path, sizeof(path));
	rs = rules_load(paths, 1, err, sizeof(err));
	ck_assert_msg(rs != NULL, "%s", err);
	ck_assert_ptr_nonnull(rules_find(rs, "T-1"));
	ck_assert_int_eq(rules_find(rs, "T-1")->line, 2);
	snprintf(want, sizeof(want), "%s/one-rule.conf", tmpdir);
	ck_assert_str_eq(rules_find(rs, "T-1")->file, want);
	rules_free(rs);

	mkrule(buf, sizeof(buf), ID, SRV, "ports = 0;", TCP, PROTO, CLI, "");
	tmp_write("one-rule.conf", buf, path, sizeof(path));
	tmp_write("top.conf", "version = 1;\n@include \"one-rule.conf\"\n",
	    path, sizeof(path));
	ck_assert_ptr_null(rules_load(paths, 1, err, sizeof(err)));
	snprintf(want, sizeof(want), "%s/one-rule.conf:5: ports: a port "
	    "1..65535", tmpdir);
	ck_assert_msg(strstr(err, want) != NULL, "want \"%s\" in:\n%s", want,
	    err);
}
END_TEST

/*
 * More rules on one port than any fixed array would hold: the lookup
 * counts them all, and rules_lookup_max() gives the size of an array
 * that holds every candidate of any port.
 */
START_TEST(test_rules_lookup_many_on_one_port)
{
	char *buf, path[512], err[4096];
	const char *paths[1] = { path };
	const struct rule *v[64];
	struct ruleset *rs;
	size_t o = 0, len = 64 * 400;
	int i, n;

	ck_assert_ptr_nonnull(buf = malloc(len));
	o += (size_t)snprintf(buf + o, len - o, "rules = (\n");
	for (i = 0; i < 40; i++)
		o += (size_t)snprintf(buf + o, len - o, "  { id = \"P-%d\"; "
		    "server = \"camera\"; ports = \"%d-9000\"; transport = "
		    "\"tcp\"; protocol = \"TCP\"; clients = \"recorders\"; "
		    "purpose = \"p\"; section = \"s\"; }%s\n", i, 8000 + i,
		    i < 39 ? "," : "");
	snprintf(buf + o, len - o, ");\n");
	tmp_write("many-on-one.conf", buf, path, sizeof(path));
	free(buf);
	rs = rules_load(paths, 1, err, sizeof(err));
	ck_assert_msg(rs != NULL, "%s", err);
	ck_assert_uint_eq(rules_lookup_max(rs), 40);
	n = rules_lookup(rs, IPPROTO_TCP, 9000, v, 64);
	ck_assert_int_eq(n, 40);
	/* Narrowest range first: P-39 is 8039-9000. */
	ck_assert_str_eq(v[0]->id, "P-39");
	ck_assert_str_eq(v[39]->id, "P-0");
	ck_assert_int_eq(rules_lookup(rs, IPPROTO_TCP, 9000, v, 32), 40);
	ck_assert_int_eq(rules_lookup(rs, IPPROTO_TCP, 8000, v, 64), 1);
	ck_assert_int_eq(rules_lookup(rs, IPPROTO_UDP, 9000, v, 64), 0);
	rules_free(rs);
}
END_TEST

START_TEST(test_rules_error_all_reported)
{
	char buf[2048], path[512], err[4096], *p;
	const char *paths[1] = { path };
	int lines = 0;

	/* Three rules, three different problems: every one is reported. */
	snprintf(buf, sizeof(buf),
	    "rules = (\n"
	    "  { id = \"A\"; server = \"nobody\"; ports = 1; transport = \"tcp\";"
	    " protocol = \"TCP\"; clients = \"camera\"; purpose = \"p\";"
	    " section = \"s\"; },\n"
	    "  { id = \"B\"; server = \"camera\"; ports = 1; transport = \"tcp\";"
	    " protocol = \"TCP\"; clients = \"camera\"; purpose = \"p\";"
	    " section = \"s\"; colour = 1; },\n"
	    "  { id = \"A\"; server = \"camera\"; ports = 1; transport = \"tcp\";"
	    " protocol = \"TCP\"; clients = \"camera\"; purpose = \"p\";"
	    " section = \"s\"; }\n"
	    ");\n");
	tmp_write("many.conf", buf, path, sizeof(path));
	ck_assert_ptr_null(rules_load(paths, 1, err, sizeof(err)));
	for (p = err; (p = strchr(p, '\n')) != NULL; p++)
		lines++;
	ck_assert_msg(lines == 3, "%s", err);
	ck_assert(strstr(err, ":2: unknown role \"nobody\"") != NULL);
	ck_assert(strstr(err, ":3: unknown key colour in rule") != NULL);
	ck_assert(strstr(err, ":4: duplicate rule id \"A\"") != NULL);

	/* A tiny buffer still ends in a terminated "...". */
	ck_assert_ptr_null(rules_load(paths, 1, err, 16));
	ck_assert_uint_eq(strlen(err), 15);
	ck_assert_str_eq(err + 11, "...\n");
}
END_TEST

START_TEST(test_rules_duplicate_across_files)
{
	char shipped[512], site[512], err[4096], want[1200];
	const char *paths[2] = { shipped, site };

	shipped_path(shipped, sizeof(shipped));
	tmp_write("site.conf",
	    "# a site that reuses a shipped id\n"
	    "rules = (\n"
	    "  {\n"
	    "    id = \"XP-RS-7563\";\n"
	    "    server = \"recording_server\"; ports = 7563;\n"
	    "    transport = \"tcp\"; protocol = \"TCP\";\n"
	    "    clients = [ \"mobile_server\" ];\n"
	    "    purpose = \"p\"; section = \"s\";\n"
	    "  }\n"
	    ");\n", site, sizeof(site));
	ck_assert_ptr_null(rules_load(paths, 2, err, sizeof(err)));
	snprintf(want, sizeof(want), "%s:3: duplicate rule id \"XP-RS-7563\" "
	    "(first defined at %s:", site, shipped);
	ck_assert_msg(strstr(err, want) != NULL, "want \"%s\" in:\n%s", want,
	    err);

	/* A topology statement may not reuse a rule id either. */
	tmp_write("site.conf",
	    "topology = ( { id = \"XP-MS-9000\"; statement = \"x\";"
	    " section = \"s\"; } );\n", site, sizeof(site));
	ck_assert_ptr_null(rules_load(paths, 2, err, sizeof(err)));
	ck_assert_msg(strstr(err, ":1: duplicate id \"XP-MS-9000\"") != NULL,
	    "%s", err);
}
END_TEST

START_TEST(test_rules_site_file_adds_rules)
{
	char shipped[512], site[512], err[4096];
	const char *paths[2] = { shipped, site };
	const struct rule *v[16], *r;
	struct ruleset *rs;
	int n;

	shipped_path(shipped, sizeof(shipped));
	tmp_write("site.conf",
	    "# Plant West: its NTP server and its cameras' HTTPS API.\n"
	    "rules = (\n"
	    "  { id = \"SITE-NTP\"; server = \"ntp_server\"; ports = 123;\n"
	    "    transport = \"udp\"; protocol = \"NTP\";\n"
	    "    clients = [ \"all_components\" ];\n"
	    "    purpose = \"time\"; section = \"Plant West\";\n"
	    "    nist = [ \"AU-8(1)\" ]; },\n"
	    "  { id = \"SITE-CAM-HTTP\"; server = \"camera\"; ports = 80;\n"
	    "    transport = \"tcp\"; protocol = \"HTTP\";\n"
	    "    clients = \"recorders\"; cleartext = true;\n"
	    "    secure_alternative = \"SITE-CAM-HTTPS\";\n"
	    "    purpose = \"camera API\"; section = \"Plant West\"; },\n"
	    "  { id = \"SITE-CAM-HTTPS\"; server = \"camera\"; ports = 443;\n"
	    "    transport = \"tcp\"; protocol = \"HTTPS\";\n"
	    "    clients = \"recorders\";\n"
	    "    purpose = \"camera API\"; section = \"Plant West\"; }\n"
	    ");\n", site, sizeof(site));
	rs = rules_load(paths, 2, err, sizeof(err));
	ck_assert_msg(rs != NULL, "%s", err);
	ck_assert_uint_eq(rules_count(rs), SHIPPED_RULES + 3);
	n = rules_lookup(rs, IPPROTO_UDP, 123, v, 16);
	ck_assert_str_eq(v[0]->id, "SITE-NTP");
	ck_assert_str_eq(v[0]->nist, "AU-8(1)");
	ck_assert_str_eq(v[0]->file, site);
	ck_assert_int_eq(v[0]->line, 3);
	ck_assert(v[0]->clients & ROLE_BIT(ROLE_CAMERA));
	ck_assert_int_ge(n, 1);
	r = rules_find(rs, "SITE-CAM-HTTP");
	ck_assert_ptr_eq(r->secure_alternative, rules_find(rs,
	    "SITE-CAM-HTTPS"));
	/* The shipped rules are untouched. */
	ck_assert_ptr_nonnull(rules_find(rs, "XP-MS-9000"));
	rules_free(rs);
}
END_TEST

/* ---- the shipped file against the hardening guide ---- */

#define SEED_MAXROWS	256

struct seed_row {
	char section[128];
	unsigned lo, hi;
	char protos[64];	/* e.g. "WS/WSS HTTP/HTTPS*" */
	int line;
};

static void
chomp(char *s)
{
	size_t n = strlen(s);

	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r' ||
	    s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
}

/*
 * A protocol cell: protocol names joined by '/', maybe with a footnote
 * mark ("HTTP/HTTPS*").  The names are the ones the guide's tables use; a
 * process cell such as "IIS" is upper case too, hence the list.
 */
static int
is_proto_cell(const char *s)
{
	static const char *const names[] = { "TCP", "UDP", "HTTP", "HTTPS",
		"WS", "WSS", "SMTP", "RTSP", NULL };
	size_t n;
	int i;

	if (*s == '\0')
		return 0;
	while (*s != '\0') {
		n = strcspn(s, "/*");
		for (i = 0; names[i] != NULL; i++)
			if (strlen(names[i]) == n &&
			    strncmp(names[i], s, n) == 0)
				break;
		if (names[i] == NULL)
			return 0;
		s += n;
		s += strspn(s, "/*");
	}
	return 1;
}

/*
 * Reads "port" or "lo - hi", then the rest of the line.  Returns 1 for a
 * port cell, 0 for any other line.
 */
static int
parse_port_cell(const char *s, unsigned *lo, unsigned *hi, const char **rest)
{
	char *end;
	unsigned long a, b;

	if (*s < '0' || *s > '9')
		return 0;
	a = strtoul(s, &end, 10);
	b = a;
	if (strncmp(end, " - ", 3) == 0 && end[3] >= '0' && end[3] <= '9')
		b = strtoul(end + 3, &end, 10);
	if (*end != '\0' && *end != ' ')
		return 0;
	if (a < 1 || b > 65535 || a > b)
		return 0;
	*lo = (unsigned)a;
	*hi = (unsigned)b;
	*rest = *end == ' ' ? end + 1 : end;
	return 1;
}

/*
 * The guide's tables, as text: a section title, then the header cells
 * "Port number", "Protocol", "Process", "Connections from...", "Purpose"
 * one per line, then rows.  A row starts with its port cell on a line of
 * its own, followed by the protocol cell (22332 has two protocol lines);
 * or it is all on one line ("9000 HTTP Management server ...").  Tables
 * end at "Learn more".  Returns the number of rows, or -1 if unreadable.
 */
static int
seed_parse(const char *path, struct seed_row *rows, int max, int *nsections)
{
	char (*lines)[1024] = NULL;
	char last[128] = "", section[128] = "";
	const char *rest;
	unsigned lo, hi;
	int n = 0, cap = 0, i, j, nrows = 0, intable = 0;
	FILE *f;

	*nsections = 0;
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	for (;;) {
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			lines = realloc(lines, (size_t)cap * sizeof(*lines));
			ck_assert_ptr_nonnull(lines);
		}
		if (fgets(lines[n], sizeof(lines[n]), f) == NULL)
			break;
		chomp(lines[n]);
		n++;
	}
	fclose(f);

	for (i = 0; i < n; i++) {
		if (lines[i][0] == '\0')
			continue;
		if (strcmp(lines[i], "Port number") == 0) {
			snprintf(section, sizeof(section), "%s", last);
			intable = 1;
			(*nsections)++;
			continue;
		}
		if (strcmp(lines[i], "Learn more") == 0)
			intable = 0;
		snprintf(last, sizeof(last), "%s", lines[i]);
		if (!intable || !parse_port_cell(lines[i], &lo, &hi, &rest))
			continue;
		ck_assert_int_lt(nrows, max);
		rows[nrows].lo = lo;
		rows[nrows].hi = hi;
		rows[nrows].line = i + 1;
		snprintf(rows[nrows].section, sizeof(rows[nrows].section),
		    "%s", section);
		if (*rest != '\0') {
			/* One-line row: the protocol is the next word. */
			snprintf(rows[nrows].protos,
			    sizeof(rows[nrows].protos), "%.*s",
			    (int)strcspn(rest, " "), rest);
			ck_assert(is_proto_cell(rows[nrows].protos));
			nrows++;
			continue;
		}
		/* Protocol cells follow, up to the process cell. */
		rows[nrows].protos[0] = '\0';
		for (j = i + 1; j < n; j++) {
			if (lines[j][0] == '\0')
				continue;
			if (!is_proto_cell(lines[j]))
				break;
			strncat(rows[nrows].protos, " ",
			    sizeof(rows[nrows].protos) -
			    strlen(rows[nrows].protos) - 1);
			strncat(rows[nrows].protos, lines[j],
			    sizeof(rows[nrows].protos) -
			    strlen(rows[nrows].protos) - 1);
		}
		/* A bare number in running text is not a row. */
		if (rows[nrows].protos[0] != '\0')
			nrows++;
	}
	free(lines);
	return nrows;
}

/* A rule of the section for [lo, hi] carrying protocol proto. */
static const struct rule *
find_row_rule(const struct ruleset *rs, const struct seed_row *row,
    const char *proto)
{
	const struct rule *r;
	uint8_t tr = strcmp(proto, "UDP") == 0 ? IPPROTO_UDP : IPPROTO_TCP;
	size_t i;

	for (i = 0; i < rules_count(rs); i++) {
		r = rules_get(rs, i);
		if (strcmp(r->section, row->section) == 0 &&
		    r->port_lo == row->lo && r->port_hi == row->hi &&
		    r->transport == tr &&
		    strcmp(rules_proto_name(r->protocol), proto) == 0)
			return r;
	}
	return NULL;
}

START_TEST(test_rules_every_seed_row_has_a_rule)
{
	static struct seed_row rows[SEED_MAXROWS];
	char seed[512], proto[16], buf[64], *tok, *save, *p;
	const struct rule *r;
	struct ruleset *rs;
	int nrows, nsections, i, checked = 0, k;
	size_t j;

	snprintf(seed, sizeof(seed), "%s%s", srcdir(), SEED_REL);
	if (access(seed, R_OK) != 0) {
		printf("test_rules_every_seed_row_has_a_rule: skipped: "
		    "../shared not present (%s)\n", seed);
		return;
	}
	nrows = seed_parse(seed, rows, SEED_MAXROWS, &nsections);
	ck_assert_int_gt(nrows, 0);
	rs = load_shipped();
	for (i = 0; i < nrows; i++) {
		/* "WS/WSS HTTP/HTTPS*": every variant needs its rule. */
		snprintf(buf, sizeof(buf), "%s", rows[i].protos);
		for (tok = strtok_r(buf, " /", &save); tok != NULL;
		    tok = strtok_r(NULL, " /", &save)) {
			snprintf(proto, sizeof(proto), "%s", tok);
			if ((p = strchr(proto, '*')) != NULL)
				*p = '\0';
			r = find_row_rule(rs, &rows[i], proto);
			ck_assert_msg(r != NULL, "seed line %d: no rule for "
			    "%s %u-%u %s", rows[i].line, rows[i].section,
			    rows[i].lo, rows[i].hi, proto);
			checked++;
		}
	}
	/* And every shipped section is a title of the guide's tables. */
	for (j = 0; j < rules_count(rs); j++) {
		r = rules_get(rs, j);
		for (k = 0; k < nrows; k++)
			if (strcmp(rows[k].section, r->section) == 0)
				break;
		ck_assert_msg(k < nrows, "%s: section \"%s\" is not a table "
		    "of the guide", r->id, r->section);
	}
	printf("test_rules_every_seed_row_has_a_rule: %d table rows in %d "
	    "sections, %d (row, protocol) pairs checked against %zu rules\n",
	    nrows, nsections, checked, rules_count(rs));
	/* The guide as stored: 50 rows in 13 tables (see seed_parse()). */
	ck_assert_int_eq(nsections, 13);
	ck_assert_int_eq(nrows, 50);
	rules_free(rs);
}
END_TEST

static Suite *
rules_suite(void)
{
	Suite *s = suite_create("rules");
	TCase *tc;

	tc = tcase_create("role");
	tcase_add_test(tc, test_role_names_round_trip);
	tcase_add_test(tc, test_role_flags);
	tcase_add_test(tc, test_role_groups);
	tcase_add_test(tc, test_role_set_fmt);
	suite_add_tcase(s, tc);

	tc = tcase_create("shipped");
	tcase_add_test(tc, test_rules_shipped_loads);
	tcase_add_test(tc, test_rules_lookup_ms_9000);
	tcase_add_test(tc, test_rules_lookup_udp_8844);
	tcase_add_test(tc, test_rules_lookup_range);
	tcase_add_test(tc, test_rules_lookup_cleartext_8081);
	tcase_add_test(tc, test_rules_special_cases);
	tcase_add_test(tc, test_rules_topology);
	tcase_add_test(tc, test_rules_topology_secure_lists_cleartext);
	tcase_add_test(tc, test_rules_every_seed_row_has_a_rule);
	suite_add_tcase(s, tc);

	tc = tcase_create("load");
	tcase_add_unchecked_fixture(tc, tmp_setup, tmp_teardown);
	tcase_add_test(tc, test_rules_error_unknown_role);
	tcase_add_test(tc, test_rules_error_bad_port);
	tcase_add_test(tc, test_rules_error_bad_transport);
	tcase_add_test(tc, test_rules_error_missing_id);
	tcase_add_test(tc, test_rules_error_unknown_key);
	tcase_add_test(tc, test_rules_error_secure_alternative);
	tcase_add_test(tc, test_rules_error_empty_clients);
	tcase_add_test(tc, test_rules_error_syntax);
	tcase_add_test(tc, test_rules_error_missing_file);
	tcase_add_test(tc, test_rules_error_wrapped_port);
	tcase_add_test(tc, test_rules_error_unreadable_file);
	tcase_add_test(tc, test_rules_include_names_its_file);
	tcase_add_test(tc, test_rules_lookup_many_on_one_port);
	tcase_add_test(tc, test_rules_error_all_reported);
	tcase_add_test(tc, test_rules_error_text_too_long);
	tcase_add_test(tc, test_rules_duplicate_across_files);
	tcase_add_test(tc, test_rules_site_file_adds_rules);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_run(rules_suite());
}

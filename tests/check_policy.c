/*
 * check_policy.c - unit tests of policy.c: one crafted flow per violation
 * kind and per rule flag, each beside its allowed twin that differs in one
 * thing (a role, a port, the protocol DPI saw, a MAC, a site setting).
 * Flows are built by hand and walked through the events the pipeline
 * sends (NEW, REPLY, CLASSIFIED, END); violations are copied into an
 * array as the callback sees them.
 *
 * The documented flows are the shipped rules/xprotect.conf (found through
 * VW_SRCDIR, which `make check` sets); the site is a small inventory
 * written to a temporary directory.
 *
 * The "regressions" case keeps the scenarios that once showed a bug.
 */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <ndpi_api.h>

#include "classify.h"
#include "inventory.h"
#include "policy.h"
#include "role.h"
#include "rules.h"
#include "check_run.h"
#include "tmpdir.h"

#define T0	1715677211000000ull	/* 2024-05-14T09:00:11Z */
#define NSLOTS	16
#define SLOT	3
#define SEEN_MAX 16

#define RISK(x)	((uint64_t)1 << (x))

/*
 * The site: servers, cameras behind their gateway, operator clients and
 * the mobile server in a DMZ.
 */
static const char inventory_text[] =
    "site = \"policy-test\";\n"
    "zones = (\n"
    "  { name = \"servers\"; purpose = \"server\";"
    " networks = [ \"192.168.10.0/24\" ]; vlans = [ 10 ]; },\n"
    "  { name = \"cameras\"; purpose = \"camera\";"
    " networks = [ \"192.168.50.0/24\" ]; vlans = [ 50 ]; },\n"
    "  { name = \"clients\"; purpose = \"client\";"
    " networks = [ \"192.168.20.0/24\" ]; },\n"
    "  { name = \"dmz\"; purpose = \"dmz\";"
    " networks = [ \"172.20.1.0/24\" ]; }\n"
    ");\n"
    "hosts = (\n"
    "  { name = \"ms01\"; address = \"192.168.10.10\";"
    " roles = [ \"management_server\" ]; },\n"
    "  { name = \"sql01\"; address = \"192.168.10.11\";"
    " roles = [ \"sql_server\" ]; },\n"
    "  { name = \"es01\"; address = \"192.168.10.12\";"
    " roles = [ \"event_server\" ]; },\n"
    "  { name = \"log01\"; address = \"192.168.10.13\";"
    " roles = [ \"log_server\" ]; },\n"
    "  { name = \"lpr01\"; address = \"192.168.10.14\";"
    " roles = [ \"lpr_server\" ]; },\n"
    "  { name = \"apigw\"; address = \"192.168.10.15\";"
    " roles = [ \"api_gateway\" ]; },\n"
    "  { name = \"rs01\"; address = \"192.168.10.20\";"
    " roles = [ \"recording_server\" ]; },\n"
    "  { name = \"frs01\"; address = \"192.168.10.60\";"
    " roles = [ \"failover_recording_server\" ]; },\n"
    "  { name = \"onb01\"; address = \"192.168.10.70\";"
    " roles = [ \"open_network_bridge\" ]; },\n"
    "  { name = \"dc01\"; address = \"192.168.10.2\";"
    " roles = [ \"dns_server\", \"domain_controller\" ]; },\n"
    "  { name = \"cam1\"; address = \"192.168.50.101\";"
    " mac = \"00:11:22:33:44:01\"; roles = [ \"camera\" ]; },\n"
    "  { name = \"sc01\"; address = \"192.168.20.31\";"
    " roles = [ \"smart_client\" ]; },\n"
    "  { name = \"mc01\"; address = \"192.168.20.32\";"
    " roles = [ \"management_client\" ]; },\n"
    "  { name = \"onvif01\"; address = \"192.168.20.33\";"
    " roles = [ \"onvif_client\" ]; },\n"
    "  { name = \"mob01\"; address = \"192.168.20.34\";"
    " roles = [ \"mobile_client\" ]; },\n"
    "  { name = \"mobile\"; address = \"172.20.1.10\";"
    " roles = [ \"mobile_server\" ]; },\n"
    "  { name = \"gw-cams\"; address = \"192.168.50.1\";"
    " mac = \"00:00:5e:00:01:11\"; router = true; }\n"
    ");\n";

static const uint8_t mac_cam1[6] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x01 };
static const uint8_t mac_router[6] = { 0x00, 0x00, 0x5e, 0x00, 0x01, 0x11 };
static const uint8_t mac_foreign[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x99 };
static const uint8_t mac_stranger[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x42 };

/* What a test asserts of one violation, copied in the callback. */
struct seen {
	enum policy_kind kind;
	char rule_id[32];
	uint8_t state;
	uint8_t direction;
	uint8_t transport;
	struct addr client, server;
	uint16_t server_port;
	uint64_t risk;
	char protocol[48];
	char reason[200];
};

static char tmpdir[256];
static char inventory_path[512];
static struct inventory *inv;
static struct ruleset *rs;
static struct classify *cls;
static struct policy *pol;
static struct seen seen[SEEN_MAX];
static int nseen;

static void
collect(const struct violation *v, void *arg)
{
	struct seen *s;

	(void)arg;
	ck_assert_int_lt(nseen, SEEN_MAX);
	s = &seen[nseen++];
	memset(s, 0, sizeof(*s));
	s->kind = v->kind;
	snprintf(s->rule_id, sizeof(s->rule_id), "%s",
	    v->rule_id ? v->rule_id : "");
	s->state = v->state;
	s->direction = v->direction;
	s->transport = v->transport;
	s->client = v->client.addr;
	s->server = v->server.addr;
	s->server_port = v->server.port;
	s->risk = v->risk;
	memcpy(s->protocol, v->protocol, sizeof(s->protocol));
	memcpy(s->reason, v->reason, sizeof(s->reason));
}

/* Once per test case: the inventory file in a temporary directory. */
static void
site_setup(void)
{
	tmpdir_make(tmpdir, sizeof(tmpdir), "check_policy");
	if (tmpdir_write(tmpdir, "site.conf", inventory_text, inventory_path,
	    sizeof(inventory_path)) == -1) {
		perror(inventory_path);
		exit(1);
	}
}

static void
site_teardown(void)
{
	tmpdir_remove(tmpdir);
}

static struct policy *
policy_with(const char *const *enabled, int nenabled)
{
	struct policy_conf pc = { enabled, nenabled };
	struct policy *p;

	p = policy_new(inv, rs, &pc, NSLOTS, cls, collect, NULL);
	ck_assert_ptr_nonnull(p);
	return p;
}

/* Every test: the site, the shipped rules, nDPI names, a fresh policy. */
static void
setup(void)
{
	struct classify_conf cc;
	char path[512], err[4096];
	const char *paths[1] = { path };
	const char *d = getenv("VW_SRCDIR");

	snprintf(path, sizeof(path), "%s/rules/xprotect.conf",
	    d != NULL && *d != '\0' ? d : ".");
	rs = rules_load(paths, 1, err, sizeof(err));
	ck_assert_msg(rs != NULL, "shipped rules do not load:\n%s", err);
	inv = inventory_load(inventory_path, err, sizeof(err));
	ck_assert_msg(inv != NULL, "test inventory does not load:\n%s", err);
	classify_conf_defaults(&cc);
	cls = classify_new(&cc, NSLOTS);
	ck_assert_ptr_nonnull(cls);
	pol = policy_with(NULL, 0);
	nseen = 0;
}

static void
teardown(void)
{
	policy_free(pol);
	classify_free(cls);
	inventory_free(inv);
	rules_free(rs);
}

/* A flow as the flow table would hold it; c2s/s2c are packet counts. */
static struct flow
mkflow(const char *client, uint16_t cport, const char *server,
    uint16_t sport, uint8_t transport, uint64_t c2s, uint64_t s2c)
{
	struct flow f;

	memset(&f, 0, sizeof(f));
	ck_assert_int_eq(addr_parse(client, &f.addr[FLOW_C2S]), 0);
	ck_assert_int_eq(addr_parse(server, &f.addr[FLOW_S2C]), 0);
	f.port[FLOW_C2S] = cport;
	f.port[FLOW_S2C] = sport;
	f.proto = transport;
	f.ipver = 4;
	f.dir_by = FLOW_DIR_SYN;
	f.pkts[FLOW_C2S] = c2s;
	f.pkts[FLOW_S2C] = s2c;
	f.first_ts = T0;
	f.last_ts = T0 + 250000;
	return f;
}

static struct flow
tcp(const char *client, const char *server, uint16_t sport, uint64_t s2c)
{
	return mkflow(client, 50123, server, sport, IPPROTO_TCP, 6, s2c);
}

static struct classify_result
pending(void)
{
	struct classify_result r;

	memset(&r, 0, sizeof(r));
	r.state = CLASSIFY_PENDING;
	return r;
}

/* DPI recognised nDPI protocol master, with risk bits. */
static struct classify_result
detected(uint16_t master, uint64_t risk)
{
	struct classify_result r;

	memset(&r, 0, sizeof(r));
	r.state = CLASSIFY_DETECTED;
	r.master = master;
	r.dpi_packets = 4;
	r.risk = risk;
	return r;
}

/* DPI gave up with nothing to go on (no payload). */
static struct classify_result
unknown(void)
{
	struct classify_result r;

	memset(&r, 0, sizeof(r));
	r.state = CLASSIFY_UNKNOWN;
	return r;
}

static void
event(const struct flow *f, const struct classify_result *r,
    enum policy_event ev)
{
	policy_flow(pol, SLOT, f, r, ev);
}

/* The events of an answered flow, in pipeline order, ending with final. */
static void
lifecycle(const struct flow *f, const struct classify_result *final)
{
	struct classify_result p = pending();

	event(f, &p, POLICY_EV_NEW);
	event(f, &p, POLICY_EV_REPLY);
	event(f, final, POLICY_EV_CLASSIFIED);
	event(f, final, POLICY_EV_END);
}

/* The events of a flow the server never answered. */
static void
lifecycle_attempted(const struct flow *f, const struct classify_result *final)
{
	struct classify_result p = pending();

	event(f, &p, POLICY_EV_NEW);
	event(f, final, POLICY_EV_END);
}

static struct addr
A(const char *s)
{
	struct addr a;

	ck_assert_int_eq(addr_parse(s, &a), 0);
	return a;
}

#define assert_violation(i, k, id) do {					\
	ck_assert_int_lt((i), nseen);					\
	ck_assert_str_eq(policy_kind_name(seen[i].kind),		\
	    policy_kind_name(k));					\
	ck_assert_str_eq(seen[i].rule_id, (id));			\
} while (0)

#define assert_ends(i, c, s) do {					\
	struct addr ac_ = A(c), as_ = A(s);				\
	ck_assert_int_eq(addr_cmp(&seen[i].client, &ac_), 0);		\
	ck_assert_int_eq(addr_cmp(&seen[i].server, &as_), 0);		\
} while (0)

#define assert_reason_has(i, text) \
	ck_assert_ptr_nonnull(strstr(seen[i].reason, (text)))

/* ----- verdicts at the flow's end (the coverage report's input) ----- */

/* The last verdict, copied in the callback. */
static struct {
	int n;
	char rule_id[80];
	uint16_t raised;
	uint64_t croles, sroles;
	struct addr client, server;
	uint16_t sport;
	uint8_t covered;
} verdict;

static void
collect_verdict(const struct policy_verdict *pv, void *arg)
{
	(void)arg;
	verdict.n++;
	snprintf(verdict.rule_id, sizeof(verdict.rule_id), "%s",
	    pv->rule != NULL ? pv->rule->id : "");
	verdict.raised = pv->raised;
	verdict.croles = pv->croles;
	verdict.sroles = pv->sroles;
	verdict.client = pv->client.addr;
	verdict.server = pv->server.addr;
	verdict.sport = pv->server.port;
	verdict.covered = pv->covered;
}

START_TEST(test_policy_verdict_names_documenting_rule)
{
	struct flow f = tcp("192.168.10.20", "192.168.10.10", 9000, 5);
	struct classify_result r = detected(NDPI_PROTOCOL_HTTP, 0);
	struct addr c = A("192.168.10.20"), s = A("192.168.10.10");

	memset(&verdict, 0, sizeof(verdict));
	policy_set_verdict(pol, collect_verdict, NULL);
	lifecycle(&f, &r);
	/* One verdict, at the end only, naming the rule, nothing raised. */
	ck_assert_int_eq(verdict.n, 1);
	ck_assert_str_eq(verdict.rule_id, "XP-MS-9000");
	ck_assert_int_eq(verdict.raised, 0);
	ck_assert_int_eq(addr_cmp(&verdict.client, &c), 0);
	ck_assert_int_eq(addr_cmp(&verdict.server, &s), 0);
	ck_assert_int_eq(verdict.sport, 9000);
	ck_assert(verdict.croles & ROLE_BIT(ROLE_RECORDING_SERVER));
	ck_assert(verdict.sroles & ROLE_BIT(ROLE_MANAGEMENT_SERVER));
	ck_assert_int_eq(verdict.covered, 0);
}
END_TEST

START_TEST(test_policy_verdict_carries_raised_kinds)
{
	/* Documented by XP-MS-0080, but cleartext: both in the verdict. */
	struct flow f = tcp("192.168.10.20", "192.168.10.10", 80, 5);
	struct classify_result r = detected(NDPI_PROTOCOL_HTTP, 0);

	memset(&verdict, 0, sizeof(verdict));
	policy_set_verdict(pol, collect_verdict, NULL);
	lifecycle(&f, &r);
	ck_assert_int_eq(verdict.n, 1);
	ck_assert_str_eq(verdict.rule_id, "XP-MS-0080");
	ck_assert_int_eq(verdict.raised, 1u << POLICY_CLEARTEXT);
}
END_TEST

START_TEST(test_policy_verdict_undocumented_has_no_rule)
{
	/* A smart client has no business on the recorder's 9000. */
	struct flow f = tcp("192.168.20.31", "192.168.10.10", 9000, 5);
	struct classify_result r = detected(NDPI_PROTOCOL_HTTP, 0);

	memset(&verdict, 0, sizeof(verdict));
	policy_set_verdict(pol, collect_verdict, NULL);
	lifecycle(&f, &r);
	ck_assert_int_eq(verdict.n, 1);
	ck_assert_str_eq(verdict.rule_id, "");
	ck_assert(verdict.raised & (1u << POLICY_UNDOCUMENTED_FLOW));
	ck_assert_int_eq(nseen, 1);
}
END_TEST

/* ----- the kind table ----- */

START_TEST(test_policy_kind_names_round_trip)
{
	ck_assert_str_eq(policy_kind_name(POLICY_CAMERA_NON_RECORDER),
	    "camera-non-recorder");
	ck_assert_str_eq(policy_kind_name(POLICY_CLEARTEXT_CREDENTIALS),
	    "cleartext-credentials");
	ck_assert_str_eq(policy_kind_name(POLICY_KIND_MAX), "unknown");
	ck_assert_int_eq(policy_kind_lookup("internet-exposure"),
	    POLICY_INTERNET_EXPOSURE);
	ck_assert_int_eq(policy_kind_lookup("weak-tls"), POLICY_WEAK_TLS);
	ck_assert_int_eq(policy_kind_lookup("no-such-kind"), -1);
}
END_TEST

/* Every kind has a name of its own that leads back to it. */
START_TEST(test_policy_kind_names_all_distinct)
{
	int k;

	for (k = 0; k < POLICY_KIND_MAX; k++) {
		ck_assert_str_ne(policy_kind_name((enum policy_kind)k),
		    "unknown");
		ck_assert_int_eq(policy_kind_lookup(policy_kind_name(
		    (enum policy_kind)k)), k);
	}
	ck_assert_int_eq(policy_kind_lookup("tiny-fragment"),
	    POLICY_TINY_FRAGMENT);
	ck_assert_int_eq(policy_kind_lookup("fragment-overlap"),
	    POLICY_FRAGMENT_OVERLAP);
	ck_assert_int_eq(policy_kind_lookup("orphan-fragment"),
	    POLICY_ORPHAN_FRAGMENT);
}
END_TEST

/* ----- camera-non-recorder ----- */

START_TEST(test_policy_camera_to_recorder_rtp_allowed)
{
	struct flow f = mkflow("192.168.50.101", 50000, "192.168.10.20",
	    50002, IPPROTO_UDP, 40, 2);
	struct classify_result r = detected(NDPI_PROTOCOL_RTP, 0);

	lifecycle(&f, &r);
	ck_assert_int_eq(nseen, 0);
}
END_TEST

START_TEST(test_policy_camera_to_failover_recorder_allowed)
{
	struct flow f = tcp("192.168.10.60", "192.168.50.101", 554, 3);
	struct classify_result r = detected(NDPI_PROTOCOL_RTSP, 0);

	/* Any recorder may reach any port of a camera: XP-RS-OUT-TCP. */
	lifecycle(&f, &r);
	ck_assert_int_eq(nseen, 0);
}
END_TEST

START_TEST(test_policy_camera_to_management_server)
{
	struct flow f = mkflow("192.168.50.101", 50001, "192.168.10.10", 443,
	    IPPROTO_TCP, 6, 4);
	struct classify_result r = detected(NDPI_PROTOCOL_TLS, 0);

	lifecycle(&f, &r);
	ck_assert_int_eq(nseen, 1);
	assert_violation(0, POLICY_CAMERA_NON_RECORDER, "XP-TOPO-CAMERA");
	assert_ends(0, "192.168.50.101", "192.168.10.10");
	ck_assert_int_eq(seen[0].state, POLICY_ESTABLISHED);
	ck_assert_str_eq(seen[0].reason, "camera cam1 exchanges traffic with "
	    "ms01, which is not a recording server");
}
END_TEST

START_TEST(test_policy_camera_discovery_multicast_allowed)
{
	struct flow f = mkflow("192.168.50.101", 3702, "239.255.255.250",
	    3702, IPPROTO_UDP, 2, 0);
	struct classify_result r = detected(NDPI_PROTOCOL_WSD, 0);

	lifecycle_attempted(&f, &r);
	ck_assert_int_eq(nseen, 0);
}
END_TEST

START_TEST(test_policy_smart_client_to_camera)
{
	struct flow f = tcp("192.168.20.31", "192.168.50.101", 554, 5);
	struct classify_result r = detected(NDPI_PROTOCOL_RTSP, 0);

	lifecycle(&f, &r);
	ck_assert_int_eq(nseen, 1);
	assert_violation(0, POLICY_CAMERA_NON_RECORDER, "XP-TOPO-CAMERA");
	ck_assert_str_eq(seen[0].reason, "camera cam1 exchanges traffic with "
	    "sc01, which is not a recording server");
}
END_TEST

START_TEST(test_policy_infrastructure_dns_allowed)
{
	struct flow f = mkflow("192.168.10.10", 53001, "192.168.10.2", 53,
	    IPPROTO_UDP, 1, 1);
	struct classify_result r = detected(NDPI_PROTOCOL_DNS, 0);

	lifecycle(&f, &r);
	ck_assert_int_eq(nseen, 0);
}
END_TEST

START_TEST(test_policy_camera_to_dns_server)
{
	struct flow f = mkflow("192.168.50.101", 53001, "192.168.10.2", 53,
	    IPPROTO_UDP, 1, 1);
	struct classify_result r = detected(NDPI_PROTOCOL_DNS, 0);

	lifecycle(&f, &r);
	ck_assert_int_eq(nseen, 1);
	assert_violation(0, POLICY_CAMERA_NON_RECORDER, "XP-TOPO-CAMERA");
	ck_assert_int_eq(seen[0].transport, IPPROTO_UDP);
	ck_assert_str_eq(seen[0].reason, "camera cam1 exchanges traffic with "
	    "dc01, which is not a recording server");
}
END_TEST

/* ----- internet-exposure ----- */

START_TEST(test_policy_internet_to_mobile_https_allowed)
{
	struct flow f = tcp("198.51.100.7", "172.20.1.10", 8082, 8);
	struct classify_result r = detected(NDPI_PROTOCOL_TLS, 0);

	lifecycle(&f, &r);
	ck_assert_int_eq(nseen, 0);
}
END_TEST

START_TEST(test_policy_internet_to_mobile_local_port)
{
	struct flow f = tcp("198.51.100.7", "172.20.1.10", 8000, 2);
	struct classify_result r = unknown();

	lifecycle(&f, &r);
	ck_assert_int_eq(nseen, 2);
	assert_violation(0, POLICY_INTERNET_EXPOSURE, "XP-TOPO-INTERNET");
	ck_assert_int_eq(seen[0].direction, POLICY_DIR_INBOUND);
	assert_ends(0, "198.51.100.7", "172.20.1.10");
	ck_assert_str_eq(seen[0].reason, "Internet address 198.51.100.7 "
	    "connects to mobile on 8000/tcp");
	assert_violation(1, POLICY_LOCAL_ONLY_PORT, "XP-MOB-8000");
	ck_assert_int_eq(seen[1].direction, POLICY_DIR_NONE);
}
END_TEST

START_TEST(test_policy_internet_outbound_from_event_server)
{
	struct flow f = tcp("192.168.10.12", "192.0.2.8", 80, 4);
	struct classify_result r = detected(NDPI_PROTOCOL_HTTP, 0);

	lifecycle(&f, &r);
	/* Exposure only: no cleartext finding on an Internet flow. */
	ck_assert_int_eq(nseen, 1);
	assert_violation(0, POLICY_INTERNET_EXPOSURE, "XP-TOPO-INTERNET");
	ck_assert_int_eq(seen[0].direction, POLICY_DIR_OUTBOUND);
	ck_assert_int_eq(seen[0].state, POLICY_ESTABLISHED);
	assert_ends(0, "192.168.10.12", "192.0.2.8");
	ck_assert_str_eq(seen[0].reason, "es01 reaches Internet address "
	    "192.0.2.8 on 80/tcp");
}
END_TEST

START_TEST(test_policy_internet_outbound_from_infrastructure_allowed)
{
	struct flow f = mkflow("192.168.10.2", 53001, "192.0.2.53", 53,
	    IPPROTO_UDP, 1, 1);
	struct classify_result r = detected(NDPI_PROTOCOL_DNS, 0);

	lifecycle(&f, &r);
	ck_assert_int_eq(nseen, 0);
}
END_TEST

START_TEST(test_policy_camera_to_internet)
{
	struct flow f = tcp("192.168.50.101", "203.0.113.5", 443, 0);
	struct classify_result r = unknown();

	lifecycle_attempted(&f, &r);
	ck_assert_int_eq(nseen, 2);
	assert_violation(0, POLICY_CAMERA_NON_RECORDER, "XP-TOPO-CAMERA");
	ck_assert_str_eq(seen[0].reason, "camera cam1 exchanges traffic with "
	    "an Internet address, which is not a recording server");
	assert_violation(1, POLICY_INTERNET_EXPOSURE, "XP-TOPO-INTERNET");
	ck_assert_int_eq(seen[1].direction, POLICY_DIR_OUTBOUND);
	ck_assert_int_eq(seen[1].state, POLICY_ATTEMPTED);
}
END_TEST

/* ----- cleartext ----- */

START_TEST(test_policy_cleartext_recorder_to_ms_http)
{
	struct flow f = tcp("192.168.10.20", "192.168.10.10", 80, 5);
	struct classify_result r = detected(NDPI_PROTOCOL_HTTP, 0);

	lifecycle(&f, &r);
	ck_assert_int_eq(nseen, 1);
	assert_violation(0, POLICY_CLEARTEXT, "XP-MS-0080");
	ck_assert_str_eq(seen[0].protocol, "HTTP");
	ck_assert_str_eq(seen[0].reason, "cleartext HTTP to ms01 on 80/tcp; "
	    "the secure variant is HTTPS (443/tcp)");
}
END_TEST

START_TEST(test_policy_cleartext_event_server_wcf_allowed)
{
	struct flow f = tcp("192.168.10.12", "192.168.10.10", 80, 5);
	struct classify_result r = detected(NDPI_PROTOCOL_HTTP, 0);

	lifecycle(&f, &r);
	ck_assert_int_eq(nseen, 0);
}
END_TEST

START_TEST(test_policy_cleartext_api_gateway_tls_allowed)
{
	struct flow f = tcp("192.168.10.15", "192.168.10.12", 22332, 5);
	struct classify_result r = detected(NDPI_PROTOCOL_TLS, 0);

	lifecycle(&f, &r);
	ck_assert_int_eq(nseen, 0);
}
END_TEST

START_TEST(test_policy_cleartext_api_gateway_http)
{
	struct flow f = tcp("192.168.10.15", "192.168.10.12", 22332, 5);
	struct classify_result r = detected(NDPI_PROTOCOL_HTTP, 0);

	lifecycle(&f, &r);
	ck_assert_int_eq(nseen, 1);
	assert_violation(0, POLICY_CLEARTEXT, "XP-ES-22332-WS");
	ck_assert_str_eq(seen[0].reason, "cleartext HTTP to es01 on "
	    "22332/tcp; the secure variant is WSS (22332/tcp)");
}
END_TEST

START_TEST(test_policy_cleartext_http_on_secure_port)
{
	struct flow f = tcp("192.168.20.31", "192.168.10.10", 443, 5);
	struct classify_result r = detected(NDPI_PROTOCOL_HTTP, 0);

	lifecycle(&f, &r);
	/* HTTP where HTTPS is documented: cleartext, not a mismatch. */
	ck_assert_int_eq(nseen, 1);
	assert_violation(0, POLICY_CLEARTEXT, "XP-MS-0443");
	ck_assert_str_eq(seen[0].reason, "cleartext HTTP between sc01 and "
	    "ms01 on 443/tcp");
}
END_TEST

START_TEST(test_policy_cleartext_tls_on_secure_port_allowed)
{
	struct flow f = tcp("192.168.20.31", "192.168.10.10", 443, 5);
	struct classify_result r = detected(NDPI_PROTOCOL_TLS, 0);

	lifecycle(&f, &r);
	ck_assert_int_eq(nseen, 0);
}
END_TEST

START_TEST(test_policy_cleartext_recorder_to_camera_http)
{
	struct flow f = tcp("192.168.10.20", "192.168.50.101", 80, 5);
	struct classify_result r = detected(NDPI_PROTOCOL_HTTP, 0);

	lifecycle(&f, &r);
	ck_assert_int_eq(nseen, 1);
	assert_violation(0, POLICY_CLEARTEXT, "XP-TOPO-SECURE");
	assert_ends(0, "192.168.10.20", "192.168.50.101");
	ck_assert_str_eq(seen[0].reason, "cleartext HTTP between rs01 and "
	    "cam1 on 80/tcp");
}
END_TEST

START_TEST(test_policy_cleartext_recorder_to_camera_rtsp_allowed)
{
	struct flow f = tcp("192.168.10.20", "192.168.50.101", 554, 5);
	struct classify_result r = detected(NDPI_PROTOCOL_RTSP, 0);

	lifecycle(&f, &r);
	ck_assert_int_eq(nseen, 0);
}
END_TEST

START_TEST(test_policy_cleartext_mobile_names_alternative)
{
	struct flow f = tcp("192.168.20.34", "172.20.1.10", 8081, 5);
	struct classify_result r = detected(NDPI_PROTOCOL_HTTP, 0);

	lifecycle(&f, &r);
	ck_assert_int_eq(nseen, 1);
	assert_violation(0, POLICY_CLEARTEXT, "XP-MOB-8081");
	ck_assert_str_eq(seen[0].reason, "cleartext HTTP to mobile on "
	    "8081/tcp; the secure variant is HTTPS (8082/tcp)");
}
END_TEST

START_TEST(test_policy_cleartext_mobile_secure_port_allowed)
{
	struct flow f = tcp("192.168.20.34", "172.20.1.10", 8082, 5);
	struct classify_result r = detected(NDPI_PROTOCOL_TLS, 0);

	lifecycle(&f, &r);
	ck_assert_int_eq(nseen, 0);
}
END_TEST

START_TEST(test_policy_cleartext_http_on_mobile_secure_port)
{
	struct flow f = tcp("192.168.20.34", "172.20.1.10", 8082, 5);
	struct classify_result r = detected(NDPI_PROTOCOL_HTTP, 0);

	lifecycle(&f, &r);
	ck_assert_int_eq(nseen, 1);
	assert_violation(0, POLICY_CLEARTEXT, "XP-MOB-8082");
}
END_TEST

START_TEST(test_policy_cleartext_by_port_without_payload)
{
	struct flow f = tcp("192.168.20.31", "192.168.10.10", 80, 0);
	struct classify_result p = pending(), r = unknown();

	event(&f, &p, POLICY_EV_NEW);
	/* Nothing is certain before the protocol is. */
	ck_assert_int_eq(nseen, 0);
	event(&f, &r, POLICY_EV_END);
	ck_assert_int_eq(nseen, 1);
	assert_violation(0, POLICY_CLEARTEXT, "XP-MS-0080");
	ck_assert_int_eq(seen[0].state, POLICY_ATTEMPTED);
	assert_reason_has(0, "to ms01 on 80/tcp; the secure variant is HTTPS "
	    "(443/tcp)");
}
END_TEST

START_TEST(test_policy_cleartext_by_port_secure_port_allowed)
{
	struct flow f = tcp("192.168.20.31", "192.168.10.10", 443, 0);
	struct classify_result r = unknown();

	lifecycle_attempted(&f, &r);
	ck_assert_int_eq(nseen, 0);
}
END_TEST

/* ----- local-only-port ----- */

START_TEST(test_policy_local_only_port_attempted)
{
	struct flow f = tcp("192.168.20.31", "192.168.10.20", 8966, 0);
	struct classify_result p = pending(), r = unknown();

	event(&f, &p, POLICY_EV_NEW);
	/* Certain from the first packet. */
	ck_assert_int_eq(nseen, 1);
	event(&f, &r, POLICY_EV_END);
	ck_assert_int_eq(nseen, 1);
	assert_violation(0, POLICY_LOCAL_ONLY_PORT, "XP-RS-8966");
	ck_assert_int_eq(seen[0].state, POLICY_ATTEMPTED);
	ck_assert_str_eq(seen[0].reason, "sc01 reaches rs01 on 8966/tcp, a "
	    "port for local connections only");
}
END_TEST

START_TEST(test_policy_local_only_port_established)
{
	struct flow f = tcp("192.168.20.31", "192.168.10.20", 8966, 3);
	struct classify_result r = unknown();

	event(&f, &r, POLICY_EV_REPLY);
	ck_assert_int_eq(nseen, 1);
	assert_violation(0, POLICY_LOCAL_ONLY_PORT, "XP-RS-8966");
	ck_assert_int_eq(seen[0].state, POLICY_ESTABLISHED);
}
END_TEST

START_TEST(test_policy_local_only_twin_documented_port_allowed)
{
	struct flow f = tcp("192.168.20.31", "192.168.10.20", 7563, 3);
	struct classify_result r = unknown();

	lifecycle(&f, &r);
	ck_assert_int_eq(nseen, 0);
}
END_TEST

/* ----- disabled-port ----- */

START_TEST(test_policy_disabled_port_not_enabled)
{
	struct flow f = tcp("192.168.50.101", "192.168.10.20", 5432, 3);
	struct classify_result p = pending(), r = unknown();

	event(&f, &p, POLICY_EV_NEW);
	ck_assert_int_eq(nseen, 1);
	lifecycle(&f, &r);
	ck_assert_int_eq(nseen, 1);
	assert_violation(0, POLICY_DISABLED_PORT, "XP-RS-5432");
	ck_assert_str_eq(seen[0].reason, "5432/tcp on rs01 is disabled by "
	    "default");
}
END_TEST

START_TEST(test_policy_disabled_port_enabled_allowed)
{
	static const char *const enabled[] = { "XP-RS-5432" };
	struct flow f = tcp("192.168.50.101", "192.168.10.20", 5432, 3);
	struct classify_result r = unknown();

	policy_free(pol);
	pol = policy_with(enabled, 1);
	lifecycle(&f, &r);
	ck_assert_int_eq(nseen, 0);
}
END_TEST

START_TEST(test_policy_disabled_deprecated_smtp)
{
	struct flow f = tcp("192.168.50.101", "192.168.10.20", 25, 6);
	struct classify_result r = detected(NDPI_PROTOCOL_MAIL_SMTP, 0);

	lifecycle(&f, &r);
	ck_assert_int_eq(nseen, 2);
	assert_violation(0, POLICY_DISABLED_PORT, "XP-RS-0025");
	ck_assert_str_eq(seen[0].reason, "25/tcp on rs01 is disabled by "
	    "default and deprecated");
	assert_violation(1, POLICY_CLEARTEXT, "XP-RS-0025");
	/* No secure alternative to name. */
	ck_assert_str_eq(seen[1].reason, "cleartext SMTP between cam1 and "
	    "rs01 on 25/tcp");
}
END_TEST

START_TEST(test_policy_disabled_deprecated_smtp_enabled)
{
	static const char *const enabled[] = { "XP-RS-0025" };
	struct flow f = tcp("192.168.50.101", "192.168.10.20", 25, 6);
	struct classify_result r = detected(NDPI_PROTOCOL_MAIL_SMTP, 0);

	policy_free(pol);
	pol = policy_with(enabled, 1);
	lifecycle(&f, &r);
	/* Enabled, the port is still a cleartext one. */
	ck_assert_int_eq(nseen, 1);
	assert_violation(0, POLICY_CLEARTEXT, "XP-RS-0025");
}
END_TEST

/* ----- undocumented-flow ----- */

START_TEST(test_policy_undocumented_event_server_to_ms_9000)
{
	struct flow f = tcp("192.168.10.12", "192.168.10.10", 9000, 0);
	struct classify_result p = pending();

	event(&f, &p, POLICY_EV_NEW);
	ck_assert_int_eq(nseen, 1);
	assert_violation(0, POLICY_UNDOCUMENTED_FLOW, "XP-MS-9000");
	ck_assert_int_eq(seen[0].state, POLICY_ATTEMPTED);
	assert_ends(0, "192.168.10.12", "192.168.10.10");
	ck_assert_uint_eq(seen[0].server_port, 9000);
	ck_assert_str_eq(seen[0].reason, "es01 is not a documented client of "
	    "ms01 on 9000/tcp");
}
END_TEST

START_TEST(test_policy_undocumented_twin_recorder_to_ms_9000_allowed)
{
	struct flow f = tcp("192.168.10.20", "192.168.10.10", 9000, 4);
	struct classify_result r = detected(NDPI_PROTOCOL_HTTP, 0);

	lifecycle(&f, &r);
	ck_assert_int_eq(nseen, 0);
}
END_TEST

START_TEST(test_policy_undocumented_http_on_9000_not_cleartext)
{
	struct flow f = tcp("192.168.10.12", "192.168.10.10", 9000, 4);
	struct classify_result r = detected(NDPI_PROTOCOL_HTTP, 0);

	lifecycle(&f, &r);
	/* HTTP is what 9000 is documented for: undocumented only. */
	ck_assert_int_eq(nseen, 1);
	assert_violation(0, POLICY_UNDOCUMENTED_FLOW, "XP-MS-9000");
}
END_TEST

START_TEST(test_policy_undocumented_smart_client_to_sql)
{
	struct flow f = tcp("192.168.20.31", "192.168.10.11", 1433, 4);
	struct classify_result r = unknown();

	lifecycle(&f, &r);
	ck_assert_int_eq(nseen, 1);
	assert_violation(0, POLICY_UNDOCUMENTED_FLOW, "XP-SQL-1433-MS");
	ck_assert_str_eq(seen[0].reason, "sc01 is not a documented client of "
	    "sql01 on 1433/tcp");
}
END_TEST

START_TEST(test_policy_undocumented_twin_ms_to_sql_allowed)
{
	struct flow f = tcp("192.168.10.10", "192.168.10.11", 1433, 4);
	struct classify_result r = unknown();

	lifecycle(&f, &r);
	ck_assert_int_eq(nseen, 0);
}
END_TEST

START_TEST(test_policy_changed_port_rtsp_to_onb)
{
	struct flow f = tcp("192.168.20.33", "192.168.10.70", 8554, 4);
	struct classify_result p = pending(),
	    r = detected(NDPI_PROTOCOL_RTSP, 0);

	event(&f, &p, POLICY_EV_NEW);
	event(&f, &p, POLICY_EV_REPLY);
	/* A named service may have moved here: wait for DPI. */
	ck_assert_int_eq(nseen, 0);
	event(&f, &r, POLICY_EV_CLASSIFIED);
	event(&f, &r, POLICY_EV_END);
	/* RTSP of the bridge on a changed port: documented, in clear. */
	ck_assert_int_eq(nseen, 1);
	assert_violation(0, POLICY_CLEARTEXT, "XP-ONB-0554");
	ck_assert_str_eq(seen[0].reason, "cleartext RTSP between onvif01 and "
	    "onb01 on 8554/tcp");
}
END_TEST

START_TEST(test_policy_changed_port_unrecognised_undocumented)
{
	struct flow f = tcp("192.168.20.33", "192.168.10.70", 8554, 4);
	struct classify_result r = unknown();

	lifecycle(&f, &r);
	ck_assert_int_eq(nseen, 1);
	assert_violation(0, POLICY_UNDOCUMENTED_FLOW, "XP-TOPO-PORTS");
	ck_assert_str_eq(seen[0].reason, "onvif01 reaches onb01 on 8554/tcp, "
	    "a port the guide does not document for it");
}
END_TEST

START_TEST(test_policy_cleartext_rule_without_alternative)
{
	struct flow f = tcp("192.168.20.33", "192.168.10.70", 554, 4);
	struct classify_result r = detected(NDPI_PROTOCOL_RTSP, 0);

	lifecycle(&f, &r);
	ck_assert_int_eq(nseen, 1);
	assert_violation(0, POLICY_CLEARTEXT, "XP-ONB-0554");
	ck_assert_str_eq(seen[0].reason, "cleartext RTSP between onvif01 and "
	    "onb01 on 554/tcp");
}
END_TEST

/* ----- unknown-device ----- */

START_TEST(test_policy_unknown_device_once_per_end)
{
	struct flow f = tcp("192.168.50.77", "192.168.50.78", 80, 0);
	struct classify_result p = pending(), r = unknown();

	event(&f, &p, POLICY_EV_NEW);
	ck_assert_int_eq(nseen, 1);
	f.pkts[FLOW_S2C] = 1;
	event(&f, &p, POLICY_EV_REPLY);
	ck_assert_int_eq(nseen, 2);
	event(&f, &r, POLICY_EV_CLASSIFIED);
	event(&f, &r, POLICY_EV_END);
	ck_assert_int_eq(nseen, 2);
	assert_violation(0, POLICY_UNKNOWN_DEVICE, "XP-TOPO-DEVICES");
	assert_ends(0, "192.168.50.77", "192.168.50.78");
	ck_assert_str_eq(seen[0].reason, "unknown device: 192.168.50.77 in "
	    "zone cameras is not in the inventory");
	/* The device is the client of the finding, the server end too. */
	assert_violation(1, POLICY_UNKNOWN_DEVICE, "XP-TOPO-DEVICES");
	assert_ends(1, "192.168.50.78", "192.168.50.77");
	ck_assert_uint_eq(policy_violations(pol), 2);
}
END_TEST

START_TEST(test_policy_unknown_device_arp)
{
	struct pkt p;

	memset(&p, 0, sizeof(p));
	p.ts = T0;
	p.src = A("192.168.50.77");
	p.dst = A("192.168.50.1");
	p.arp_op = 1;
	memcpy(p.arp_sha, mac_stranger, 6);
	policy_arp(pol, &p);
	ck_assert_int_eq(nseen, 1);
	assert_violation(0, POLICY_UNKNOWN_DEVICE, "XP-TOPO-DEVICES");
	assert_ends(0, "192.168.50.77", "192.168.50.1");
	ck_assert_int_eq(seen[0].transport, 0);
	ck_assert_str_eq(seen[0].protocol, "ARP");
	ck_assert_str_eq(seen[0].reason, "unknown device: 192.168.50.77 in "
	    "zone cameras is not in the inventory (ARP request)");
}
END_TEST

START_TEST(test_policy_unknown_device_arp_foreign_mac)
{
	struct pkt p;

	memset(&p, 0, sizeof(p));
	p.ts = T0;
	p.src = A("192.168.50.101");
	p.dst = A("192.168.50.1");
	p.arp_op = 2;
	memcpy(p.arp_sha, mac_foreign, 6);
	policy_arp(pol, &p);
	ck_assert_int_eq(nseen, 1);
	assert_violation(0, POLICY_UNKNOWN_DEVICE, "XP-TOPO-DEVICES");
	ck_assert_str_eq(seen[0].reason, "unknown device: 192.168.50.101 "
	    "(cam1) sent from MAC 02:00:00:00:00:99, not its own (ARP reply)");
}
END_TEST

START_TEST(test_policy_unknown_device_arp_known_camera_allowed)
{
	struct pkt p;

	memset(&p, 0, sizeof(p));
	p.ts = T0;
	p.src = A("192.168.50.101");
	p.dst = A("192.168.50.1");
	p.arp_op = 2;
	memcpy(p.arp_sha, mac_cam1, 6);
	policy_arp(pol, &p);
	ck_assert_int_eq(nseen, 0);
}
END_TEST

START_TEST(test_policy_unknown_device_foreign_mac)
{
	struct flow f = tcp("192.168.10.20", "192.168.50.101", 554, 3);
	struct classify_result r = detected(NDPI_PROTOCOL_RTSP, 0);

	f.has_mac[FLOW_S2C] = 1;
	memcpy(f.mac[FLOW_S2C], mac_foreign, 6);
	lifecycle(&f, &r);
	ck_assert_int_eq(nseen, 1);
	assert_violation(0, POLICY_UNKNOWN_DEVICE, "XP-TOPO-DEVICES");
	assert_ends(0, "192.168.50.101", "192.168.10.20");
	ck_assert_str_eq(seen[0].reason, "unknown device: 192.168.50.101 "
	    "(cam1) sent from MAC 02:00:00:00:00:99, not its own");
}
END_TEST

START_TEST(test_policy_unknown_device_router_mac_allowed)
{
	struct flow f = tcp("192.168.10.20", "192.168.50.101", 554, 3);
	struct classify_result r = detected(NDPI_PROTOCOL_RTSP, 0);

	f.has_mac[FLOW_S2C] = 1;
	memcpy(f.mac[FLOW_S2C], mac_router, 6);
	lifecycle(&f, &r);
	ck_assert_int_eq(nseen, 0);
}
END_TEST

START_TEST(test_policy_unknown_device_dhcp_unknown_mac)
{
	struct flow f = mkflow("0.0.0.0", 68, "255.255.255.255", 67,
	    IPPROTO_UDP, 1, 0);
	struct classify_result r = detected(NDPI_PROTOCOL_DHCP, 0);

	f.has_mac[FLOW_C2S] = 1;
	memcpy(f.mac[FLOW_C2S], mac_stranger, 6);
	lifecycle_attempted(&f, &r);
	ck_assert_int_eq(nseen, 1);
	assert_violation(0, POLICY_UNKNOWN_DEVICE, "XP-TOPO-DEVICES");
	assert_ends(0, "0.0.0.0", "255.255.255.255");
	ck_assert_str_eq(seen[0].reason, "unknown device: unknown MAC "
	    "02:00:00:00:00:42 asks for an address");
}
END_TEST

START_TEST(test_policy_unknown_device_dhcp_known_mac_allowed)
{
	struct flow f = mkflow("0.0.0.0", 68, "255.255.255.255", 67,
	    IPPROTO_UDP, 1, 0);
	struct classify_result r = detected(NDPI_PROTOCOL_DHCP, 0);

	f.has_mac[FLOW_C2S] = 1;
	memcpy(f.mac[FLOW_C2S], mac_cam1, 6);
	lifecycle_attempted(&f, &r);
	ck_assert_int_eq(nseen, 0);
}
END_TEST

/* ----- protocol-mismatch ----- */

START_TEST(test_policy_mismatch_tls_on_ms_80)
{
	struct flow f = tcp("192.168.10.12", "192.168.10.10", 80, 5);
	struct classify_result r = detected(NDPI_PROTOCOL_TLS, 0);

	lifecycle(&f, &r);
	/* Encrypted: a mismatch, not cleartext. */
	ck_assert_int_eq(nseen, 1);
	assert_violation(0, POLICY_PROTOCOL_MISMATCH, "XP-MS-0080-WCF");
	ck_assert_str_eq(seen[0].reason, "TLS on 80/tcp, documented as HTTP");
}
END_TEST

START_TEST(test_policy_mismatch_ssh_on_443)
{
	struct flow f = tcp("192.168.20.31", "192.168.10.10", 443, 5);
	struct classify_result r = detected(NDPI_PROTOCOL_SSH, 0);

	lifecycle(&f, &r);
	ck_assert_int_eq(nseen, 1);
	assert_violation(0, POLICY_PROTOCOL_MISMATCH, "XP-MS-0443");
	ck_assert_str_eq(seen[0].protocol, "SSH");
	ck_assert_str_eq(seen[0].reason, "SSH on 443/tcp, documented as "
	    "HTTPS");
}
END_TEST

/* ----- weak-tls and cleartext-credentials ----- */

START_TEST(test_policy_weak_tls_self_signed)
{
	struct flow f = tcp("192.168.20.31", "192.168.10.10", 443, 5);
	struct classify_result r = detected(NDPI_PROTOCOL_TLS,
	    RISK(NDPI_TLS_SELFSIGNED_CERTIFICATE));
	struct classify_result p = pending();

	event(&f, &p, POLICY_EV_NEW);
	event(&f, &p, POLICY_EV_REPLY);
	ck_assert_int_eq(nseen, 0);
	event(&f, &r, POLICY_EV_CLASSIFIED);
	event(&f, &r, POLICY_EV_END);
	ck_assert_int_eq(nseen, 1);
	assert_violation(0, POLICY_WEAK_TLS, "XP-TOPO-SECURE");
	ck_assert_uint_eq(seen[0].risk, RISK(NDPI_TLS_SELFSIGNED_CERTIFICATE));
	ck_assert_str_eq(seen[0].reason, "weak TLS on ms01 port 443 (see "
	    "risks)");
}
END_TEST

START_TEST(test_policy_weak_tls_twin_other_risk_allowed)
{
	struct flow f = tcp("192.168.20.31", "192.168.10.10", 443, 5);
	struct classify_result r = detected(NDPI_PROTOCOL_TLS,
	    RISK(NDPI_KNOWN_PROTOCOL_ON_NON_STANDARD_PORT));

	lifecycle(&f, &r);
	ck_assert_int_eq(nseen, 0);
}
END_TEST

START_TEST(test_policy_cleartext_credentials)
{
	struct flow f = tcp("192.168.10.12", "192.168.10.10", 80, 5);
	struct classify_result r = detected(NDPI_PROTOCOL_HTTP,
	    RISK(NDPI_CLEAR_TEXT_CREDENTIALS));

	lifecycle(&f, &r);
	/* The WCF flow is documented: the credentials are the finding. */
	ck_assert_int_eq(nseen, 1);
	assert_violation(0, POLICY_CLEARTEXT_CREDENTIALS, "XP-TOPO-SECURE");
	ck_assert_uint_eq(seen[0].risk, RISK(NDPI_CLEAR_TEXT_CREDENTIALS));
	ck_assert_str_eq(seen[0].reason, "credentials in clear (HTTP) from "
	    "es01 to ms01 on 80");
}
END_TEST

START_TEST(test_policy_cleartext_credentials_outside_site_ignored)
{
	struct flow f = tcp("198.51.100.7", "203.0.113.9", 80, 5);
	struct classify_result r = detected(NDPI_PROTOCOL_HTTP,
	    RISK(NDPI_CLEAR_TEXT_CREDENTIALS));

	/* Neither end is in the inventory: not the site's flow. */
	lifecycle(&f, &r);
	ck_assert_int_eq(nseen, 0);
}
END_TEST


/* ----- imperfect captures: independent kinds, ends, guesses ----- */

/* A frame of the flow: the end's MAC, as the flow table keeps it. */
static void
set_mac(struct flow *f, int i, const uint8_t *mac)
{
	memcpy(f->mac[i], mac, 6);
	f->has_mac[i] = 1;
}

static int
count_kind(enum policy_kind k)
{
	int i, n = 0;

	for (i = 0; i < nseen; i++)
		n += seen[i].kind == k;
	return n;
}

START_TEST(test_policy_kinds_independent_camera_telnet_internet)
{
	struct flow f = tcp("192.168.50.101", "203.0.113.5", 23, 5);
	struct classify_result r = detected(NDPI_PROTOCOL_TELNET, 0);

	/* Camera, exposure and cleartext: none hides another. */
	lifecycle(&f, &r);
	ck_assert_int_eq(nseen, 3);
	ck_assert_int_eq(count_kind(POLICY_CAMERA_NON_RECORDER), 1);
	ck_assert_int_eq(count_kind(POLICY_INTERNET_EXPOSURE), 1);
	ck_assert_int_eq(count_kind(POLICY_CLEARTEXT), 1);
}
END_TEST

START_TEST(test_policy_kinds_independent_local_only_and_cleartext)
{
	/* A local-only port on the wire carrying HTTP with credentials. */
	struct flow f = tcp("192.168.20.31", "192.168.10.10", 6473, 5);
	struct classify_result r = detected(NDPI_PROTOCOL_HTTP, 0);

	lifecycle(&f, &r);
	ck_assert_int_eq(count_kind(POLICY_LOCAL_ONLY_PORT), 1);
	ck_assert_int_eq(count_kind(POLICY_CLEARTEXT), 1);
	/* The local-only finding is the undocumented one, not a second. */
	ck_assert_int_eq(count_kind(POLICY_UNDOCUMENTED_FLOW), 0);
}
END_TEST

START_TEST(test_policy_one_sided_server_half_turned_by_documented_port)
{
	/*
	 * Only the recording server's half of a smart client session, and
	 * the client's port is lower: the port heuristic took the client
	 * for the server.  7563 is the recorder's documented port for
	 * smart clients: the flow is documented.
	 */
	struct flow f = mkflow("192.168.10.20", 7563, "192.168.20.31", 5000,
	    IPPROTO_TCP, 40, 0);
	struct classify_result r = unknown();

	f.dir_by = FLOW_DIR_PORT;
	lifecycle(&f, &r);
	ck_assert_int_eq(nseen, 0);
}
END_TEST

START_TEST(test_policy_one_sided_twin_undocumented_names_real_ends)
{
	/* The same, from a workstation the rule does not list (mc01 is). */
	struct flow f = mkflow("192.168.10.20", 7563, "192.168.10.12", 5000,
	    IPPROTO_TCP, 40, 0);
	struct classify_result r = unknown();

	f.dir_by = FLOW_DIR_PORT;
	lifecycle(&f, &r);
	ck_assert_int_eq(nseen, 1);
	assert_violation(0, POLICY_UNDOCUMENTED_FLOW, "XP-RS-7563");
	assert_ends(0, "192.168.10.12", "192.168.10.20");
	ck_assert_uint_eq(seen[0].server_port, 7563);
}
END_TEST

START_TEST(test_policy_lone_udp_sender_is_the_client)
{
	/*
	 * A camera sends UDP from 5000 to an Internet address's 40000 and
	 * nothing comes back: the camera sent it, so it is outbound,
	 * whatever the lower port says.
	 */
	struct flow f = mkflow("203.0.113.5", 40000, "192.168.50.101", 5000,
	    IPPROTO_UDP, 0, 12);
	struct classify_result r = unknown();

	f.dir_by = FLOW_DIR_PORT;
	lifecycle_attempted(&f, &r);
	ck_assert_int_eq(count_kind(POLICY_INTERNET_EXPOSURE), 1);
	ck_assert_int_eq(count_kind(POLICY_CAMERA_NON_RECORDER), 1);
	/* Camera first, then the exposure. */
	assert_violation(1, POLICY_INTERNET_EXPOSURE, "XP-TOPO-INTERNET");
	ck_assert_int_eq(seen[1].direction, POLICY_DIR_OUTBOUND);
	assert_ends(1, "192.168.50.101", "203.0.113.5");
	assert_reason_has(1, "cam1 reaches Internet address 203.0.113.5");
}
END_TEST

START_TEST(test_policy_local_only_on_reversed_ends)
{
	/*
	 * The server half of a connection to the management server's
	 * local-only 6473, picked up mid-stream with a lower client port.
	 */
	struct flow f = mkflow("192.168.10.10", 6473, "192.168.20.31", 2000,
	    IPPROTO_TCP, 9, 0);
	struct classify_result r = unknown();

	f.dir_by = FLOW_DIR_PORT;
	lifecycle(&f, &r);
	ck_assert_int_eq(count_kind(POLICY_LOCAL_ONLY_PORT), 1);
	assert_ends(0, "192.168.20.31", "192.168.10.10");
}
END_TEST

START_TEST(test_policy_guessed_telnet_is_cleartext)
{
	/* Telnet picked up mid-stream: nDPI can only guess it from 23. */
	struct flow f = tcp("192.168.10.20", "192.168.50.101", 23, 5);
	struct classify_result r = unknown();

	r.state = CLASSIFY_GUESSED;
	r.master = NDPI_PROTOCOL_TELNET;
	lifecycle(&f, &r);
	ck_assert_int_eq(nseen, 1);
	assert_violation(0, POLICY_CLEARTEXT, "XP-TOPO-SECURE");
	assert_reason_has(0, "(dpi: guessed)");
}
END_TEST

START_TEST(test_policy_unsafe_risk_is_cleartext_evidence)
{
	/* A protocol without a family, which nDPI itself holds unsafe. */
	struct flow f = tcp("192.168.10.20", "192.168.50.101", 2323, 5);
	struct classify_result r = detected(NDPI_PROTOCOL_TFTP,
	    RISK(NDPI_UNSAFE_PROTOCOL));

	lifecycle(&f, &r);
	ck_assert_int_eq(count_kind(POLICY_CLEARTEXT), 1);
}
END_TEST

START_TEST(test_policy_credentials_on_cleartext_one_alert)
{
	struct flow f = tcp("192.168.20.32", "192.168.10.10", 80, 5);
	struct classify_result r = detected(NDPI_PROTOCOL_HTTP,
	    RISK(NDPI_CLEAR_TEXT_CREDENTIALS));
	struct classify_result plain = detected(NDPI_PROTOCOL_HTTP, 0);

	/* Without credentials the flow is a cleartext finding ... */
	lifecycle(&f, &plain);
	ck_assert_int_eq(nseen, 1);
	assert_violation(0, POLICY_CLEARTEXT, "XP-MS-0080");
	/* ... with them, one finding that says both. */
	policy_flow_release(pol, SLOT);
	nseen = 0;
	lifecycle(&f, &r);
	ck_assert_int_eq(nseen, 1);
	assert_violation(0, POLICY_CLEARTEXT_CREDENTIALS, "XP-MS-0080");
	assert_reason_has(0, "credentials in clear (HTTP) on cleartext HTTP");
}
END_TEST

START_TEST(test_policy_unknown_receiver_of_synack)
{
	/*
	 * Only the management server's SYN+ACK to an address nobody put in
	 * the inventory: that address sent a SYN, so it exists.
	 */
	struct flow f = tcp("192.168.20.99", "192.168.10.10", 443, 1);
	struct classify_result p = pending();

	f.pkts[FLOW_C2S] = 0;
	f.dir_by = FLOW_DIR_SYNACK;
	f.tcp_flags[FLOW_S2C] = 0x12;	/* SYN+ACK */
	set_mac(&f, FLOW_C2S, mac_stranger);
	event(&f, &p, POLICY_EV_NEW);
	ck_assert_int_eq(count_kind(POLICY_UNKNOWN_DEVICE), 1);
	assert_ends(0, "192.168.20.99", "192.168.10.10");
	assert_reason_has(0, "receiver");
}
END_TEST

START_TEST(test_policy_unanswered_receiver_is_not_a_device)
{
	/* A SYN to that address, unanswered: nothing shows it exists. */
	struct flow f = tcp("192.168.10.10", "192.168.20.99", 443, 0);
	struct classify_result r = unknown();

	lifecycle_attempted(&f, &r);
	ck_assert_int_eq(count_kind(POLICY_UNKNOWN_DEVICE), 0);
}
END_TEST

START_TEST(test_policy_unknown_target_of_arp_reply)
{
	struct pkt p;

	memset(&p, 0, sizeof(p));
	p.ts = T0;
	p.src = A("192.168.10.10");
	p.dst = A("192.168.20.99");
	p.arp_op = 2;
	memcpy(p.arp_sha, mac_foreign, 6);
	memcpy(p.arp_tha, mac_stranger, 6);
	policy_arp(pol, &p);
	/* The known sender's own MAC is not in the inventory: not its. */
	ck_assert_int_eq(nseen, 1);
	assert_reason_has(0, "target of an ARP reply");
	ck_assert_int_eq(addr_cmp(&seen[0].client, &p.dst), 0);
}
END_TEST

START_TEST(test_policy_every_new_mac_of_a_flow_checked)
{
	/* DHCP requests from many MACs share one 5-tuple. */
	struct flow f = mkflow("0.0.0.0", 68, "255.255.255.255", 67,
	    IPPROTO_UDP, 1, 0);
	struct classify_result p = pending();
	static const uint8_t m2[6] = { 0x02, 0, 0, 0, 0, 0x43 };

	f.dir_by = FLOW_DIR_PORT;
	set_mac(&f, FLOW_C2S, mac_stranger);
	event(&f, &p, POLICY_EV_NEW);
	ck_assert_int_eq(count_kind(POLICY_UNKNOWN_DEVICE), 1);
	set_mac(&f, FLOW_C2S, m2);
	policy_frame(pol, SLOT, &f, &p, FLOW_C2S);
	ck_assert_int_eq(count_kind(POLICY_UNKNOWN_DEVICE), 2);
	/* The same MAC again is not a new device. */
	policy_frame(pol, SLOT, &f, &p, FLOW_C2S);
	ck_assert_int_eq(count_kind(POLICY_UNKNOWN_DEVICE), 2);
}
END_TEST


/* ----- once per flow ----- */

START_TEST(test_policy_each_kind_once_per_flow)
{
	struct flow f = tcp("198.51.100.7", "172.20.1.10", 8000, 2);
	struct classify_result r = unknown();

	lifecycle(&f, &r);
	lifecycle(&f, &r);
	event(&f, &r, POLICY_EV_END);
	ck_assert_int_eq(nseen, 2);
	ck_assert_uint_eq(policy_violations(pol), 2);
	/* Released, the slot holds a new flow: it is judged afresh. */
	policy_flow_release(pol, SLOT);
	lifecycle(&f, &r);
	ck_assert_int_eq(nseen, 4);
	assert_violation(2, POLICY_INTERNET_EXPOSURE, "XP-TOPO-INTERNET");
	assert_violation(3, POLICY_LOCAL_ONLY_PORT, "XP-MOB-8000");
	ck_assert_uint_eq(policy_violations(pol), 4);
}
END_TEST

START_TEST(test_policy_slot_out_of_range_ignored)
{
	struct flow f = tcp("192.168.20.31", "192.168.10.20", 8966, 0);
	struct classify_result p = pending();

	policy_flow(pol, NSLOTS, &f, &p, POLICY_EV_NEW);
	ck_assert_int_eq(nseen, 0);
	ck_assert_uint_eq(policy_violations(pol), 0);
}
END_TEST

/* ----- known failures: what the policy should do, not yet done ----- */

/*
 * SSH on the management server's port 80 from a smart client: the rule
 * (XP-MS-0080) is a cleartext one, but SSH is encrypted: a protocol
 * mismatch only, as TLS on the same port is.
 */
START_TEST(test_policy_ssh_on_cleartext_port_is_mismatch_only)
{
	struct flow f = tcp("192.168.20.31", "192.168.10.10", 80, 5);
	struct classify_result r = detected(NDPI_PROTOCOL_SSH, 0);

	lifecycle(&f, &r);
	ck_assert_int_eq(nseen, 1);
	assert_violation(0, POLICY_PROTOCOL_MISMATCH, "XP-MS-0080");
}
END_TEST

/*
 * A flow that never carried payload, found cleartext by its port: the
 * reason should name the protocol the rule documents, not nDPI's
 * "Unknown".
 */
START_TEST(test_policy_cleartext_by_port_reason_names_rule_protocol)
{
	struct flow f = tcp("192.168.20.31", "192.168.10.10", 80, 0);
	struct classify_result r = unknown();

	lifecycle_attempted(&f, &r);
	ck_assert_int_eq(nseen, 1);
	ck_assert_str_eq(seen[0].reason, "cleartext HTTP to ms01 on 80/tcp; "
	    "the secure variant is HTTPS (443/tcp)");
}
END_TEST

/*
 * 22334 of the LPR server is documented on the wire (from the event
 * server) as well as locally: a smart client reaching it is an
 * undocumented client of XP-LPR-22334, not a use of a local-only port.
 */
START_TEST(test_policy_lpr_port_from_smart_client_undocumented)
{
	struct flow f = tcp("192.168.20.31", "192.168.10.14", 22334, 3);
	struct classify_result r = unknown();

	lifecycle(&f, &r);
	ck_assert_int_eq(nseen, 1);
	assert_violation(0, POLICY_UNDOCUMENTED_FLOW, "XP-LPR-22334");
}
END_TEST

/*
 * The Internet exception lets clients reach the mobile server's HTTPS
 * port; plain HTTP on it breaks the premise and should be the cleartext
 * finding an inventory client gets for the same flow
 * (test_policy_cleartext_http_on_mobile_secure_port).
 */
START_TEST(test_policy_internet_http_on_mobile_https_port)
{
	struct flow f = tcp("198.51.100.7", "172.20.1.10", 8082, 5);
	struct classify_result r = detected(NDPI_PROTOCOL_HTTP, 0);

	lifecycle(&f, &r);
	ck_assert_int_eq(nseen, 1);
	assert_violation(0, POLICY_CLEARTEXT, "XP-MOB-8082");
}
END_TEST

static TCase *
tcase_site(const char *name)
{
	TCase *tc = tcase_create(name);

	tcase_add_unchecked_fixture(tc, site_setup, site_teardown);
	tcase_add_checked_fixture(tc, setup, teardown);
	return tc;
}

static Suite *
policy_suite(void)
{
	Suite *s = suite_create("policy");
	TCase *tc;

	tc = tcase_create("kinds");
	tcase_add_test(tc, test_policy_kind_names_round_trip);
	tcase_add_test(tc, test_policy_kind_names_all_distinct);
	suite_add_tcase(s, tc);

	tc = tcase_site("camera");
	tcase_add_test(tc, test_policy_camera_to_recorder_rtp_allowed);
	tcase_add_test(tc, test_policy_camera_to_failover_recorder_allowed);
	tcase_add_test(tc, test_policy_camera_to_management_server);
	tcase_add_test(tc, test_policy_camera_discovery_multicast_allowed);
	tcase_add_test(tc, test_policy_smart_client_to_camera);
	tcase_add_test(tc, test_policy_infrastructure_dns_allowed);
	tcase_add_test(tc, test_policy_camera_to_dns_server);
	suite_add_tcase(s, tc);

	tc = tcase_site("internet");
	tcase_add_test(tc, test_policy_internet_to_mobile_https_allowed);
	tcase_add_test(tc, test_policy_internet_to_mobile_local_port);
	tcase_add_test(tc, test_policy_internet_outbound_from_event_server);
	tcase_add_test(tc, test_policy_camera_to_internet);
	tcase_add_test(tc,
	    test_policy_internet_outbound_from_infrastructure_allowed);
	suite_add_tcase(s, tc);

	tc = tcase_site("cleartext");
	tcase_add_test(tc, test_policy_cleartext_recorder_to_ms_http);
	tcase_add_test(tc, test_policy_cleartext_event_server_wcf_allowed);
	tcase_add_test(tc, test_policy_cleartext_api_gateway_tls_allowed);
	tcase_add_test(tc, test_policy_cleartext_api_gateway_http);
	tcase_add_test(tc, test_policy_cleartext_http_on_secure_port);
	tcase_add_test(tc, test_policy_cleartext_tls_on_secure_port_allowed);
	tcase_add_test(tc, test_policy_cleartext_recorder_to_camera_http);
	tcase_add_test(tc,
	    test_policy_cleartext_recorder_to_camera_rtsp_allowed);
	tcase_add_test(tc, test_policy_cleartext_mobile_names_alternative);
	tcase_add_test(tc, test_policy_cleartext_mobile_secure_port_allowed);
	tcase_add_test(tc, test_policy_cleartext_http_on_mobile_secure_port);
	tcase_add_test(tc, test_policy_cleartext_by_port_without_payload);
	tcase_add_test(tc, test_policy_cleartext_by_port_secure_port_allowed);
	tcase_add_test(tc, test_policy_cleartext_rule_without_alternative);
	suite_add_tcase(s, tc);

	tc = tcase_site("ports");
	tcase_add_test(tc, test_policy_local_only_port_attempted);
	tcase_add_test(tc, test_policy_local_only_port_established);
	tcase_add_test(tc, test_policy_local_only_twin_documented_port_allowed);
	tcase_add_test(tc, test_policy_disabled_port_not_enabled);
	tcase_add_test(tc, test_policy_disabled_port_enabled_allowed);
	tcase_add_test(tc, test_policy_disabled_deprecated_smtp);
	tcase_add_test(tc, test_policy_disabled_deprecated_smtp_enabled);
	tcase_add_test(tc, test_policy_undocumented_event_server_to_ms_9000);
	tcase_add_test(tc,
	    test_policy_undocumented_twin_recorder_to_ms_9000_allowed);
	tcase_add_test(tc, test_policy_undocumented_http_on_9000_not_cleartext);
	tcase_add_test(tc, test_policy_undocumented_smart_client_to_sql);
	tcase_add_test(tc, test_policy_undocumented_twin_ms_to_sql_allowed);
	tcase_add_test(tc, test_policy_changed_port_rtsp_to_onb);
	tcase_add_test(tc, test_policy_changed_port_unrecognised_undocumented);
	suite_add_tcase(s, tc);

	tc = tcase_site("devices");
	tcase_add_test(tc, test_policy_unknown_device_once_per_end);
	tcase_add_test(tc, test_policy_unknown_device_arp);
	tcase_add_test(tc, test_policy_unknown_device_arp_foreign_mac);
	tcase_add_test(tc, test_policy_unknown_device_arp_known_camera_allowed);
	tcase_add_test(tc, test_policy_unknown_device_foreign_mac);
	tcase_add_test(tc, test_policy_unknown_device_router_mac_allowed);
	tcase_add_test(tc, test_policy_unknown_device_dhcp_unknown_mac);
	tcase_add_test(tc, test_policy_unknown_device_dhcp_known_mac_allowed);
	suite_add_tcase(s, tc);

	tc = tcase_site("protocol");
	tcase_add_test(tc, test_policy_mismatch_tls_on_ms_80);
	tcase_add_test(tc, test_policy_mismatch_ssh_on_443);
	tcase_add_test(tc, test_policy_weak_tls_self_signed);
	tcase_add_test(tc, test_policy_weak_tls_twin_other_risk_allowed);
	tcase_add_test(tc, test_policy_cleartext_credentials);
	tcase_add_test(tc,
	    test_policy_cleartext_credentials_outside_site_ignored);
	suite_add_tcase(s, tc);

	tc = tcase_site("events");
	tcase_add_test(tc, test_policy_each_kind_once_per_flow);
	tcase_add_test(tc, test_policy_slot_out_of_range_ignored);
	suite_add_tcase(s, tc);

	tc = tcase_site("imperfect");
	tcase_add_test(tc, test_policy_kinds_independent_camera_telnet_internet);
	tcase_add_test(tc, test_policy_kinds_independent_local_only_and_cleartext);
	tcase_add_test(tc,
	    test_policy_one_sided_server_half_turned_by_documented_port);
	tcase_add_test(tc,
	    test_policy_one_sided_twin_undocumented_names_real_ends);
	tcase_add_test(tc, test_policy_lone_udp_sender_is_the_client);
	tcase_add_test(tc, test_policy_local_only_on_reversed_ends);
	tcase_add_test(tc, test_policy_guessed_telnet_is_cleartext);
	tcase_add_test(tc, test_policy_unsafe_risk_is_cleartext_evidence);
	tcase_add_test(tc, test_policy_credentials_on_cleartext_one_alert);
	tcase_add_test(tc, test_policy_unknown_receiver_of_synack);
	tcase_add_test(tc, test_policy_unanswered_receiver_is_not_a_device);
	tcase_add_test(tc, test_policy_unknown_target_of_arp_reply);
	tcase_add_test(tc, test_policy_every_new_mac_of_a_flow_checked);
	suite_add_tcase(s, tc);

	/* Regressions: each once showed a policy bug. */
	tc = tcase_site("regressions");
	tcase_add_test(tc, test_policy_ssh_on_cleartext_port_is_mismatch_only);
	tcase_add_test(tc,
	    test_policy_cleartext_by_port_reason_names_rule_protocol);
	tcase_add_test(tc, test_policy_lpr_port_from_smart_client_undocumented);
	tcase_add_test(tc, test_policy_internet_http_on_mobile_https_port);
	suite_add_tcase(s, tc);

	tc = tcase_site("verdicts");
	tcase_add_test(tc, test_policy_verdict_names_documenting_rule);
	tcase_add_test(tc, test_policy_verdict_carries_raised_kinds);
	tcase_add_test(tc, test_policy_verdict_undocumented_has_no_rule);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_run(policy_suite());
}

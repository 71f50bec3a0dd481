/*
 * check_learn.c - unit tests of learn.c: roles follow the rules file (the
 * same flows under another file give other roles), a device is told by
 * its known recorder, an unknown box talking to cameras stays without a
 * role, a scanner's roles are withheld, MACs shared by several addresses
 * are left to a router entry, and the draft loads as an inventory.
 */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "inventory.h"
#include "learn.h"
#include "rules.h"
#include "check_run.h"
#include "tmpdir.h"

static char tmpdir[256];

static void
setup(void)
{
	tmpdir_make(tmpdir, sizeof(tmpdir), "check_learn");
}

static void
teardown(void)
{
	tmpdir_remove(tmpdir);
}

/* A ruleset of the rules in text: RULE()s, without "rules = ( )". */
static struct ruleset *
load_text(const char *rules)
{
	char text[4096], path[512], err[2048];
	const char *paths[1] = { path };
	struct ruleset *rs;

	size_t n = strlen(rules);

	/* Each RULE() ends with a comma: not the last. */
	ck_assert(n >= 2 && rules[n - 2] == ',');
	snprintf(text, sizeof(text), "version = 1;\nrules = (\n%.*s\n);\n",
	    (int)(n - 2), rules);
	ck_assert_int_eq(tmpdir_write(tmpdir, "rules.conf", text, path,
	    sizeof(path)), 0);
	rs = rules_load(paths, 1, err, sizeof(err));
	ck_assert_msg(rs != NULL, "%s", err);
	return rs;
}

/* Rules: port 9000 served by role srv9000 to recorders; 7563 by recorders. */
static struct ruleset *
load_rules(const char *srv9000)
{
	char text[2048], path[512], err[2048];
	const char *paths[1] = { path };
	struct ruleset *rs;

	snprintf(text, sizeof(text),
	    "version = 1;\nrules = (\n"
	    "  { id = \"T-9000\"; server = \"%s\"; ports = 9000;"
	    " transport = \"tcp\"; protocol = \"HTTP\";"
	    " clients = [ \"recording_server\" ]; purpose = \"t\";"
	    " section = \"T\"; },\n"
	    "  { id = \"T-7563\"; server = \"recording_server\"; ports = 7563;"
	    " transport = \"tcp\"; protocol = \"TCP\";"
	    " clients = [ \"smart_client\" ]; purpose = \"t\";"
	    " section = \"T\"; },\n"
	    "  { id = \"T-OUT\"; server = [ \"camera\" ]; ports = \"any\";"
	    " transport = \"tcp\"; protocol = \"TCP\";"
	    " clients = [ \"recorders\" ]; purpose = \"t\";"
	    " section = \"T\"; }\n"
	    ");\n", srv9000);
	ck_assert_int_eq(tmpdir_write(tmpdir, "rules.conf", text, path,
	    sizeof(path)), 0);
	rs = rules_load(paths, 1, err, sizeof(err));
	ck_assert_msg(rs != NULL, "%s", err);
	return rs;
}

/*
 * One TCP flow from c to s:port, answered (SYN-ACK) or refused (RST), in
 * which DPI saw fam.
 */
static void
flow_fam(struct learn *l, const char *c, const uint8_t cmac, const char *s,
    const uint8_t smac, uint16_t port, int answered, enum classify_family fam)
{
	struct flow f;

	memset(&f, 0, sizeof(f));
	ck_assert_int_eq(addr_parse(c, &f.addr[FLOW_C2S]), 0);
	ck_assert_int_eq(addr_parse(s, &f.addr[FLOW_S2C]), 0);
	f.port[FLOW_C2S] = 50000;
	f.port[FLOW_S2C] = port;
	f.proto = IPPROTO_TCP;
	f.has_mac[0] = f.has_mac[1] = 1;
	f.mac[0][0] = f.mac[1][0] = 0x02;
	f.mac[0][5] = cmac;
	f.mac[1][5] = smac;
	f.pkts[FLOW_C2S] = 3;
	f.pkts[FLOW_S2C] = answered ? 3 : 1;
	f.tcp_flags[FLOW_C2S] = 0x12;
	f.tcp_flags[FLOW_S2C] = answered ? 0x12 : 0x14;
	ck_assert_int_eq(learn_flow(l, &f, fam), 0);
}

static void
flow(struct learn *l, const char *c, const uint8_t cmac, const char *s,
    const uint8_t smac, uint16_t port, int answered)
{
	flow_fam(l, c, cmac, s, smac, port, answered, CLASSIFY_FAM_NONE);
}

/* The draft l writes. */
static char *
draft_write(struct learn *l)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *out;

	ck_assert_ptr_nonnull(out = open_memstream(&buf, &n));
	ck_assert_int_eq(learn_write(l, "test", out, NULL), 0);
	fclose(out);
	return buf;
}

#define RULE(id, srv, port, proto, clients) \
	"  { id = \"" id "\"; server = \"" srv "\"; ports = " port ";" \
	" transport = \"tcp\"; protocol = \"" proto "\";" \
	" clients = [ " clients " ]; purpose = \"t\"; section = \"T\"; },\n"

#define MS	"10.0.0.10"
#define REC	"10.0.0.20"
#define WS1	"10.0.1.31"
#define WS2	"10.0.1.32"
#define CAM1	"10.0.5.101"
#define CAM2	"10.0.5.102"
#define ROGUE	"10.0.5.250"

/* A small site's day, and a rogue box that talks to both cameras. */
static void
site_day(struct learn *l)
{
	flow(l, REC, 20, MS, 10, 9000, 1);
	flow(l, WS1, 31, REC, 20, 7563, 1);
	flow(l, WS2, 32, REC, 20, 7563, 1);
	flow(l, REC, 20, CAM1, 101, 554, 1);
	flow(l, REC, 20, CAM2, 102, 554, 1);
	flow(l, ROGUE, 250, CAM1, 101, 554, 1);
	flow(l, ROGUE, 250, CAM2, 102, 80, 1);
}

/* The draft learned from site_day() under rules with 9000 served by srv. */
static char *
draft_of(const char *srv, char *path, size_t len)
{
	struct ruleset *rs = load_rules(srv);
	struct learn *l = learn_new(rs);
	char *buf = NULL, *sum = NULL;
	size_t n = 0, sn = 0;
	FILE *out, *s;

	ck_assert_ptr_nonnull(l);
	site_day(l);
	ck_assert_ptr_nonnull(out = open_memstream(&buf, &n));
	ck_assert_ptr_nonnull(s = open_memstream(&sum, &sn));
	ck_assert_int_eq(learn_write(l, "test", out, s), 0);
	fclose(out);
	fclose(s);
	ck_assert_msg(strstr(sum, "learn ") == sum, "%s", sum);
	free(sum);
	learn_free(l);
	rules_free(rs);
	if (path != NULL)
		ck_assert_int_eq(tmpdir_write(tmpdir, "draft.conf", buf, path,
		    len), 0);
	return buf;
}

/* The roles= of the entry of address a in draft d. */
static void
roles_of(const char *d, const char *a, char *out, size_t len)
{
	char key[96];
	const char *p, *r, *e;

	snprintf(key, sizeof(key), "addresses = [ \"%s\" ];", a);
	ck_assert_msg((p = strstr(d, key)) != NULL, "%s not in:\n%s", a, d);
	ck_assert_ptr_nonnull(r = strstr(p, "roles = ["));
	ck_assert_ptr_nonnull(e = strchr(r, ']'));
	snprintf(out, len, "%.*s", (int)(e - r + 1), r);
}

START_TEST(test_learn_roles_follow_the_rules)
{
	char *d, r[256];

	d = draft_of("management_server", NULL, 0);
	roles_of(d, MS, r, sizeof(r));
	ck_assert_str_eq(r, "roles = [ \"management_server\" ]");
	roles_of(d, REC, r, sizeof(r));
	ck_assert_str_eq(r, "roles = [ \"recording_server\" ]");
	roles_of(d, WS1, r, sizeof(r));
	ck_assert_str_eq(r, "roles = [ \"smart_client\" ]");
	free(d);
	/* The same traffic, 9000 now documented as the event server's. */
	d = draft_of("event_server", NULL, 0);
	roles_of(d, MS, r, sizeof(r));
	ck_assert_str_eq(r, "roles = [ \"event_server\" ]");
	free(d);
}
END_TEST

START_TEST(test_learn_camera_by_its_recorder_not_the_rogue)
{
	char *d, r[256];

	d = draft_of("management_server", NULL, 0);
	roles_of(d, CAM1, r, sizeof(r));
	ck_assert_str_eq(r, "roles = [ \"camera\" ]");
	roles_of(d, CAM2, r, sizeof(r));
	ck_assert_str_eq(r, "roles = [ \"camera\" ]");
	/* Talking to cameras does not make a recorder. */
	roles_of(d, ROGUE, r, sizeof(r));
	ck_assert_str_eq(r, "roles = [ ]");
	ck_assert_ptr_nonnull(strstr(d, "# serves 554/tcp to h-10.0.0.20"));
	free(d);
}
END_TEST

START_TEST(test_learn_scanner_withheld)
{
	struct ruleset *rs = load_rules("management_server");
	struct learn *l = learn_new(rs);
	char *buf = NULL, r[256];
	size_t n = 0;
	uint16_t p;
	FILE *out;

	site_day(l);
	/* A smart client's flows, then a sweep of the recorder's ports. */
	flow(l, "10.0.1.66", 66, REC, 20, 7563, 1);
	flow(l, "10.0.1.66", 66, MS, 10, 7563, 1);
	for (p = 20; p < 30; p++)
		flow(l, "10.0.1.66", 66, REC, 20, p, 0);
	ck_assert_ptr_nonnull(out = open_memstream(&buf, &n));
	ck_assert_int_eq(learn_write(l, "test", out, NULL), 0);
	fclose(out);
	roles_of(buf, "10.0.1.66", r, sizeof(r));
	ck_assert_str_eq(r, "roles = [ ]");
	ck_assert_ptr_nonnull(strstr(buf, "# role withheld: "));
	/* The refused ports say nothing of what the recorder serves. */
	roles_of(buf, REC, r, sizeof(r));
	ck_assert_str_eq(r, "roles = [ \"recording_server\" ]");
	free(buf);
	learn_free(l);
	rules_free(rs);
}
END_TEST

START_TEST(test_learn_draft_loads)
{
	char path[512], err[2048], *d;
	struct inventory *inv;
	struct addr a;

	d = draft_of("management_server", path, sizeof(path));
	free(d);
	inv = inventory_load(path, err, sizeof(err));
	ck_assert_msg(inv != NULL, "%s", err);
	ck_assert_int_eq(addr_parse(ROGUE, &a), 0);
	ck_assert_ptr_nonnull(inventory_host(inv, &a));
	ck_assert(inventory_host(inv, &a)->roles == 0);
	ck_assert_int_eq(addr_parse(CAM1, &a), 0);
	ck_assert_str_eq(inventory_zone(inv, &a)->name, "net-10.0.5.0");
	ck_assert_uint_eq(inventory_host(inv, &a)->nmacs, 1);
	inventory_free(inv);
}
END_TEST

/* A MAC seen for several addresses is a router's, not theirs. */
START_TEST(test_learn_shared_mac_router)
{
	struct ruleset *rs = load_rules("management_server");
	struct learn *l = learn_new(rs);
	char *buf = NULL, path[512], err[2048];
	struct inventory *inv;
	size_t n = 0;
	FILE *out;

	site_day(l);
	flow(l, "10.0.9.1", 77, REC, 20, 7563, 1);
	flow(l, "10.0.9.2", 77, REC, 20, 7563, 1);
	ck_assert_ptr_nonnull(out = open_memstream(&buf, &n));
	ck_assert_int_eq(learn_write(l, "test", out, NULL), 0);
	fclose(out);
	ck_assert_msg(strstr(buf, "# MAC 02:00:00:00:00:4d is seen for 2 "
	    "addresses") != NULL, "%s", buf);
	ck_assert_ptr_nonnull(strstr(buf, "macs = [ \"02:00:00:00:00:4d\" ]; "
	    "router = true;"));
	ck_assert_int_eq(tmpdir_write(tmpdir, "r.conf", buf, path,
	    sizeof(path)), 0);
	inv = inventory_load(path, err, sizeof(err));
	ck_assert_msg(inv != NULL, "%s", err);
	inventory_free(inv);
	free(buf);
	learn_free(l);
	rules_free(rs);
}
END_TEST

/*
 * RTSP moved to 8554 is told by its protocol, as the policy tells it, when
 * the rules give RTSP to one service; HTTP on an odd port, which two
 * services speak, tells nothing.
 */
START_TEST(test_learn_moved_service_by_protocol)
{
	struct ruleset *rs = load_text(
	    RULE("T-ONB-580", "open_network_bridge", "580", "TCP",
	    "\"onvif_client\"")
	    RULE("T-ONB-554", "open_network_bridge", "554", "RTSP",
	    "\"onvif_client\"")
	    RULE("T-MS-80", "management_server", "80", "HTTP",
	    "\"smart_client\"")
	    RULE("T-ES-81", "event_server", "81", "HTTP",
	    "\"smart_client\""));
	struct learn *l = learn_new(rs);
	char *d, r[256];

	flow(l, WS1, 31, MS, 10, 580, 1);
	flow_fam(l, WS1, 31, MS, 10, 8554, 1, CLASSIFY_FAM_RTSP);
	flow_fam(l, WS2, 32, REC, 20, 8080, 1, CLASSIFY_FAM_HTTP);
	flow_fam(l, CAM1, 101, REC, 20, 8080, 1, CLASSIFY_FAM_HTTP);
	d = draft_write(l);
	roles_of(d, MS, r, sizeof(r));
	ck_assert_str_eq(r, "roles = [ \"open_network_bridge\" ]");
	roles_of(d, WS1, r, sizeof(r));
	ck_assert_str_eq(r, "roles = [ \"onvif_client\" ]");
	ck_assert_ptr_nonnull(strstr(d, "serves 8554/tcp to h-" WS1));
	roles_of(d, REC, r, sizeof(r));
	ck_assert_str_eq(r, "roles = [ ]");
	free(d);
	learn_free(l);
	rules_free(rs);
}
END_TEST

/*
 * A server that only uses: told by a rule written for few client roles,
 * the narrowest of them winning a tie; a rule every server may use says
 * nothing.  A tie left is written beside the role.
 */
START_TEST(test_learn_server_by_narrow_rule)
{
	struct ruleset *rs = load_text(
	    RULE("T-ES-22332", "event_server", "22332", "TCP",
	    "\"api_gateway\", \"management_client\"")
	    RULE("T-ES-22331", "event_server", "22331", "TCP",
	    "\"smart_client\", \"management_client\"")
	    RULE("T-ES-22333", "event_server", "22333", "TCP",
	    "\"smart_client\", \"onvif_client\"")
	    RULE("T-MS-443", "management_server", "443", "HTTPS",
	    "\"all_servers\", \"smart_client\", \"management_client\""));
	struct learn *l = learn_new(rs);
	char *d, r[256];

	/* The event server, by what it serves. */
	flow(l, WS1, 31, REC, 20, 22331, 1);
	flow(l, WS2, 32, REC, 20, 22331, 1);
	/* The gateway: 22332 twice (two flows of one pair count once). */
	flow(l, "10.0.0.15", 15, REC, 20, 22332, 1);
	flow(l, "10.0.0.15", 15, REC, 20, 22332, 1);
	/* A server using only what every server may use. */
	flow(l, "10.0.0.16", 16, MS, 10, 443, 1);
	flow(l, "10.0.0.16", 16, "10.0.0.11", 11, 443, 1);
	flow(l, "10.0.1.40", 40, REC, 20, 22333, 1);
	d = draft_write(l);
	roles_of(d, REC, r, sizeof(r));
	ck_assert_str_eq(r, "roles = [ \"event_server\" ]");
	roles_of(d, "10.0.0.15", r, sizeof(r));
	ck_assert_str_eq(r, "roles = [ \"api_gateway\" ]");
	roles_of(d, "10.0.0.16", r, sizeof(r));
	ck_assert_msg(strstr(r, "server") == NULL, "%s", r);
	/* The narrower client: onvif_client may use one service, not three. */
	roles_of(d, "10.0.1.40", r, sizeof(r));
	ck_assert_str_eq(r, "roles = [ \"onvif_client\" ]");
	/* Three each: smart_client, first in role.h; the other said. */
	roles_of(d, WS1, r, sizeof(r));
	ck_assert_str_eq(r, "roles = [ \"smart_client\" ]");
	ck_assert_ptr_nonnull(strstr(d, "# as well explained by: "
	    "management_client\n\t{ name = \"h-" WS1 "\""));
	free(d);
	learn_free(l);
	rules_free(rs);
}
END_TEST

/*
 * A DHCP reply from server port 67 (RFC 2131): op 2, yiaddr, the cookie,
 * then type (53), mask (1) and router (3) options.
 */
static void
dhcp_reply(struct learn *l, uint8_t type, const uint8_t *yiaddr,
    const uint8_t *mask, const uint8_t *router)
{
	uint8_t b[300];
	struct pkt p;
	size_t o = 240;

	memset(b, 0, sizeof(b));
	b[0] = 2;
	memcpy(b + 16, yiaddr, 4);
	b[236] = 99;
	b[237] = 130;
	b[238] = 83;
	b[239] = 99;
	b[o++] = 53;
	b[o++] = 1;
	b[o++] = type;
	b[o++] = 0;		/* a pad byte between options */
	b[o++] = 1;
	b[o++] = 4;
	memcpy(b + o, mask, 4);
	o += 4;
	b[o++] = 3;
	b[o++] = 4;
	memcpy(b + o, router, 4);
	o += 4;
	b[o++] = 255;
	memset(&p, 0, sizeof(p));
	p.ipver = 4;
	p.proto = IPPROTO_UDP;
	p.sport = 67;
	p.dport = 68;
	p.payload = b;
	p.paylen = (uint32_t)o;
	learn_packet(l, &p);
}

/* The zones are the subnets DHCP told of; a /24 where it told nothing. */
START_TEST(test_learn_zones_from_dhcp)
{
	static const uint8_t ya[4] = { 10, 0, 9, 7 };
	static const uint8_t m23[4] = { 255, 255, 254, 0 };
	static const uint8_t m24[4] = { 255, 255, 255, 0 };
	static const uint8_t gw[4] = { 10, 0, 8, 1 };
	static const uint8_t bad[4] = { 255, 0, 255, 0 };
	struct ruleset *rs = load_rules("management_server");
	struct learn *l = learn_new(rs);
	char *d, path[512], err[2048];
	struct inventory *inv;
	struct addr a;

	/* A NAK (6) and a mask with a hole say nothing. */
	dhcp_reply(l, 6, ya, m24, gw);
	dhcp_reply(l, 5, ya, bad, gw);
	dhcp_reply(l, 5, ya, m23, gw);
	/* A second word on the subnet does not replace the first. */
	dhcp_reply(l, 2, ya, m24, gw);
	site_day(l);
	flow(l, "10.0.8.5", 85, REC, 20, 7563, 1);
	flow(l, "10.0.9.7", 97, REC, 20, 7563, 1);
	d = draft_write(l);
	ck_assert_msg(strstr(d, "\t# from DHCP: router 10.0.8.1\n\t{ name = "
	    "\"net-10.0.8.0-23\"; networks = [ \"10.0.8.0/23\" ]; purpose = "
	    "\"client\"; }") != NULL, "%s", d);
	ck_assert_ptr_null(strstr(d, "\"10.0.9.0/24\""));
	ck_assert_ptr_nonnull(strstr(d, "networks = [ \"10.0.5.0/24\" ];"));
	ck_assert_int_eq(tmpdir_write(tmpdir, "dhcp.conf", d, path,
	    sizeof(path)), 0);
	inv = inventory_load(path, err, sizeof(err));
	ck_assert_msg(inv != NULL, "%s", err);
	ck_assert_int_eq(addr_parse("10.0.8.5", &a), 0);
	ck_assert_str_eq(inventory_zone(inv, &a)->name, "net-10.0.8.0-23");
	inventory_free(inv);
	free(d);
	learn_free(l);
	rules_free(rs);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("learn");
	TCase *tc = tcase_create("learn");

	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_learn_roles_follow_the_rules);
	tcase_add_test(tc, test_learn_camera_by_its_recorder_not_the_rogue);
	tcase_add_test(tc, test_learn_scanner_withheld);
	tcase_add_test(tc, test_learn_draft_loads);
	tcase_add_test(tc, test_learn_shared_mac_router);
	tcase_add_test(tc, test_learn_moved_service_by_protocol);
	tcase_add_test(tc, test_learn_server_by_narrow_rule);
	tcase_add_test(tc, test_learn_zones_from_dhcp);
	suite_add_tcase(s, tc);
	return check_run(s);
}

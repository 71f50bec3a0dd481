/*
 * check_firewall.c - unit tests of firewall.c, firewall_nft.c and
 * firewall_win.c: what the nftables ruleset allows and drops for a small
 * site and for the bundled sample (conf/sample.conf), the sets (nested
 * zones merged, IPv6 beside IPv4), local-only and disabled-by-default
 * ports, the Internet as the policy sees it, the same text whatever the
 * inventory's order, text from files made safe, the problems reported,
 * and the structure of the PowerShell script checked against the
 * inventory by a reading of the rules of the test's own.
 *
 * The rules are the shipped rules/xprotect.conf (through VW_SRCDIR, which
 * `make check` sets).  Whether nft accepts the ruleset and whether it
 * forwards what it should is tests/firewall_netns.sh's part.
 */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "conf.h"
#include "firewall.h"
#include "inventory.h"
#include "role.h"
#include "rules.h"
#include "check_run.h"
#include "tmpdir.h"

static char tmpdir[256];
static struct ruleset *rs;

static const char *
srcdir(void)
{
	const char *d = getenv("VW_SRCDIR");

	return d != NULL && *d != '\0' ? d : ".";
}

/*
 * The site: servers (IPv4 and IPv6), clients, a camera zone with a
 * narrower camera zone inside it, a DMZ on public addresses, a router.
 * One host a line, so that host i is on line HOST_LINE0 + i.
 */
#define HOST_LINE0	9
static const char *const site_hosts[] = {
	"  { name = \"ms01\"; addresses = [ \"10.1.0.10\", \"fd00:1::10\" ];"
	" roles = [ \"management_server\" ]; }",
	"  { name = \"rs01\"; addresses = [ \"10.1.0.20\", \"fd00:1::20\" ];"
	" roles = [ \"recording_server\" ]; }",
	"  { name = \"es01\"; address = \"10.1.0.12\";"
	" roles = [ \"event_server\" ]; }",
	"  { name = \"sc01\"; address = \"10.2.0.31\";"
	" roles = [ \"smart_client\" ]; }",
	"  { name = \"tab01\"; address = \"10.2.0.46\";"
	" roles = [ \"mobile_client\" ]; }",
	"  { name = \"mob01\"; address = \"198.51.100.10\";"
	" roles = [ \"mobile_server\" ]; }",
	"  { name = \"cam1\"; address = \"10.50.1.101\";"
	" roles = [ \"camera\" ]; }",
	"  { name = \"gw\"; address = \"10.50.0.1\"; router = true; }",
};
#define NHOSTS	(sizeof(site_hosts) / sizeof(site_hosts[0]))

static const char site_head[] =
    "zones = (\n"
    "  { name = \"servers\"; purpose = \"server\";"
    " networks = [ \"10.1.0.0/24\", \"fd00:1::/64\" ]; },\n"
    "  { name = \"clients\"; purpose = \"client\";"
    " networks = [ \"10.2.0.0/24\" ]; },\n"
    "  { name = \"cameras\"; purpose = \"camera\";"
    " networks = [ \"10.50.0.0/16\" ]; },\n"
    "  { name = \"cameras-east\"; purpose = \"camera\";"
    " networks = [ \"10.50.1.0/24\" ]; },\n"
    "  { name = \"dmz\"; purpose = \"dmz\";"
    " networks = [ \"198.51.100.0/24\" ]; }\n"
    ");\n"
    "hosts = (\n";

/*
 * Writes the site with its hosts in file order (reversed: last first)
 * and extra, a host line or "", after them; loads it.
 */
static struct inventory *
site_load(int reversed, const char *extra, char *path, size_t len,
    char *err, size_t errlen)
{
	char text[8192];
	size_t i, k;

	k = (size_t)snprintf(text, sizeof(text), "%s", site_head);
	for (i = 0; i < NHOSTS; i++)
		k += (size_t)snprintf(text + k, sizeof(text) - k, "%s%s\n",
		    site_hosts[reversed ? NHOSTS - 1 - i : i],
		    i + 1 < NHOSTS || *extra ? "," : "");
	k += (size_t)snprintf(text + k, sizeof(text) - k, "%s%s);\n", extra,
	    *extra ? "\n" : "");
	ck_assert(k < sizeof(text));
	ck_assert_int_eq(tmpdir_write(tmpdir, "site.conf", text, path, len),
	    0);
	return inventory_load(path, err, errlen);
}

/* The output of kind for inv as a string (caller frees). */
static char *
render(const struct inventory *inv, const struct ruleset *r,
    const char *const *enabled, int nenabled, const char *log_prefix,
    enum firewall_kind kind)
{
	struct firewall_conf fc = { enabled, nenabled, log_prefix, "site" };
	struct firewall *fw;
	char err[4096], *buf = NULL;
	size_t len = 0;
	FILE *out;

	fw = firewall_new(inv, r, &fc, err, sizeof(err));
	ck_assert_msg(fw != NULL, "firewall_new: %s", err);
	ck_assert_ptr_nonnull(out = open_memstream(&buf, &len));
	ck_assert_int_eq(firewall_write(fw, kind, out), 0);
	fclose(out);
	firewall_free(fw);
	return buf;
}

static int
has_line(const char *text, const char *line)
{
	const char *p = text;
	size_t n = strlen(line);

	while ((p = strstr(p, line)) != NULL) {
		if ((p == text || p[-1] == '\n' || p[-1] == '\t') &&
		    (p[n] == '\n' || p[n] == '\0'))
			return 1;
		p += n;
	}
	return 0;
}

static void
setup(void)
{
	char path[512], err[4096];
	const char *paths[1] = { path };

	tmpdir_make(tmpdir, sizeof(tmpdir), "check_firewall");
	snprintf(path, sizeof(path), "%s/rules/xprotect.conf", srcdir());
	rs = rules_load(paths, 1, err, sizeof(err));
	ck_assert_msg(rs != NULL, "shipped rules do not load:\n%s", err);
}

static void
teardown(void)
{
	rules_free(rs);
	rs = NULL;
	tmpdir_remove(tmpdir);
}

static struct inventory *
site(void)
{
	char path[512], err[4096];
	struct inventory *inv;

	inv = site_load(0, "", path, sizeof(path), err, sizeof(err));
	ck_assert_msg(inv != NULL, "test site does not load:\n%s", err);
	return inv;
}

/* --- nftables -------------------------------------------------------- */

START_TEST(test_firewall_nft_documented_flows)
{
	struct inventory *inv = site();
	char *t = render(inv, rs, NULL, 0, NULL, FIREWALL_NFTABLES);

	/* A documented flow, one line per family with addresses on both. */
	ck_assert(has_line(t, "ip saddr @smart_client_v4 ip daddr "
	    "@recording_server_v4 tcp dport 7563 accept comment "
	    "\"XP-RS-7563: Recording Server service\""));
	ck_assert(has_line(t, "ip6 saddr @management_server_v6 ip6 daddr "
	    "@recording_server_v6 tcp dport 9001 accept comment "
	    "\"XP-RS-9001: Recording Server service\""));
	/* No smart client has an IPv6 address: no ip6 line for it. */
	ck_assert_ptr_null(strstr(t, "ip6 saddr @smart_client_v6"));
	/* A port range, and "any port" of the recorders' device sessions. */
	ck_assert(has_line(t, "ip saddr @management_server_v4 ip daddr "
	    "@recording_server_v4 tcp dport 9002-9015 accept comment "
	    "\"XP-RS-9002: Recording Server service\""));
	ck_assert(has_line(t, "ip saddr @recording_server_v4 ip daddr "
	    "@camera_v4 meta l4proto tcp accept comment \"XP-RS-OUT-TCP: "
	    "Recording Server service\""));
	/* Replies first, the default drop with its counter last. */
	ck_assert(has_line(t, "ct state established,related accept comment "
	    "\"replies of allowed flows\""));
	ck_assert(has_line(t, "counter name \"undocumented\" drop comment "
	    "\"default: not a documented flow\""));
	ck_assert(strstr(t, "ct state established") < strstr(t, "dport 7563"));
	ck_assert(strstr(t, "dport 7563") < strstr(t,
	    "counter name \"undocumented\" drop"));
	/* A client role with no host (api_gateway): no set, no line. */
	ck_assert_ptr_null(strstr(t, "api_gateway_v4"));
	ck_assert(has_line(t, "#   XP-ES-22333 22333/tcp: no server or no "
	    "client of it in the inventory"));
	free(t);
	inventory_free(inv);
}
END_TEST

START_TEST(test_firewall_nft_local_only_never)
{
	struct inventory *inv = site();
	char *t = render(inv, rs, NULL, 0, NULL, FIREWALL_NFTABLES);
	/* Every local-only port of the guide on this site's servers. */
	static const char *const local[] = { "6473", "8080", "12974",
		"8966", "12975", "65101", "8000" };
	char want[64];
	size_t i;

	for (i = 0; i < sizeof(local) / sizeof(local[0]); i++) {
		snprintf(want, sizeof(want), "dport %s ", local[i]);
		ck_assert_msg(strstr(t, want) == NULL, "%s allowed", local[i]);
	}
	ck_assert(has_line(t, "#   XP-MS-6473 6473/tcp: local connections "
	    "only"));
	ck_assert(has_line(t, "#   XP-RS-65101 65101/udp: local connections "
	    "only"));
	free(t);
	inventory_free(inv);
}
END_TEST

START_TEST(test_firewall_nft_disabled_needs_enabled)
{
	struct inventory *inv = site();
	const char *const enabled[] = { "XP-RS-5432" };
	char *off = render(inv, rs, NULL, 0, NULL, FIREWALL_NFTABLES);
	char *on = render(inv, rs, enabled, 1, NULL, FIREWALL_NFTABLES);
	static const char line[] = "ip saddr @camera_v4 ip daddr "
	    "@recording_server_v4 tcp dport 5432 accept comment "
	    "\"XP-RS-5432: Recording Server service\"";

	ck_assert(!has_line(off, line));
	ck_assert(has_line(off, "#   XP-RS-5432 5432/tcp: disabled by "
	    "default, not named by policy.enabled"));
	ck_assert(has_line(on, line));
	ck_assert(!has_line(on, "#   XP-RS-5432 5432/tcp: disabled by "
	    "default, not named by policy.enabled"));
	/* Its twin of the failover recorders stays closed. */
	ck_assert(has_line(on, "#   XP-RS-0025 25/tcp: disabled by default, "
	    "not named by policy.enabled"));
	free(off);
	free(on);
	inventory_free(inv);
}
END_TEST

START_TEST(test_firewall_nft_camera_and_internet)
{
	struct inventory *inv = site();
	char *t = render(inv, rs, NULL, 0, "vmswatch drop: ",
	    FIREWALL_NFTABLES);

	/* The camera subnet, before any accept, only with its peers. */
	ck_assert(has_line(t, "ip saddr @camera_zones_v4 ip daddr != "
	    "@camera_peers_v4 counter name \"camera\" log prefix \"vmswatch "
	    "drop: \" drop comment \"XP-TOPO-CAMERA: Connect the camera "
	    "subnet to the recording server subnet only\""));
	ck_assert(has_line(t, "ip daddr @camera_zones_v4 ip saddr != "
	    "@camera_peers_v4 counter name \"camera\" log prefix \"vmswatch "
	    "drop: \" drop comment \"XP-TOPO-CAMERA: Connect the camera "
	    "subnet to the recording server subnet only\""));
	ck_assert(strstr(t, "@camera_peers_v4 counter") <
	    strstr(t, "dport 7563"));
	/* The peers are the recorder; the router is not one. */
	ck_assert(has_line(t, "10.1.0.20 comment \"rs01\""));
	ck_assert_ptr_null(strstr(t, "10.50.0.1 comment"));
	/* The Internet reaches the DMZ's mobile server on 8082 only. */
	ck_assert(has_line(t, "ip saddr != @nonpublic_v4 ip daddr "
	    "@mobile_server_v4 ip daddr @dmz_zones_v4 tcp dport 8082 accept "
	    "comment \"XP-TOPO-INTERNET XP-MOB-8082: Use a firewall between "
	    "the VMS and the Internet\""));
	ck_assert_ptr_null(strstr(t, "!= @nonpublic_v4 ip daddr "
	    "@mobile_server_v4 ip daddr @dmz_zones_v4 tcp dport 8081"));
	/* The DMZ's public range is the site's, not the Internet. */
	ck_assert(has_line(t, "198.51.100.0/24,"));
	ck_assert(has_line(t, "counter name \"undocumented\" log prefix "
	    "\"vmswatch drop: \" drop comment \"default: not a documented "
	    "flow\""));
	free(t);
	inventory_free(inv);
}
END_TEST

/* Nested zones become one interval; hosts are single addresses. */
START_TEST(test_firewall_nft_sets_merged)
{
	struct inventory *inv = site();
	char *t = render(inv, rs, NULL, 0, NULL, FIREWALL_NFTABLES);
	const char *set = strstr(t, "set camera_zones_v4 {");

	ck_assert_ptr_nonnull(set);
	ck_assert_ptr_nonnull(strstr(set, "\t\telements = {\n"
	    "\t\t\t10.50.0.0/16 comment \"cameras\"\n\t\t}\n"));
	ck_assert_ptr_null(strstr(t, "10.50.1.0/24"));
	ck_assert_ptr_nonnull(strstr(t, "set management_server_v6 {\n"
	    "\t\ttype ipv6_addr\n\t\tflags interval\n\t\telements = {\n"
	    "\t\t\tfd00:1::10 comment \"ms01\"\n\t\t}\n"));
	ck_assert_ptr_nonnull(strstr(t, "set recording_server_v4 {\n"
	    "\t\ttype ipv4_addr\n\t\tflags interval\n\t\telements = {\n"
	    "\t\t\t10.1.0.20 comment \"rs01\"\n\t\t}\n"));
	free(t);
	inventory_free(inv);
}
END_TEST

START_TEST(test_firewall_same_output_any_order)
{
	char path[512], err[4096];
	struct inventory *a, *b;
	char *ta, *tb;
	int k;

	a = site_load(0, "", path, sizeof(path), err, sizeof(err));
	ck_assert_msg(a != NULL, "%s", err);
	b = site_load(1, "", path, sizeof(path), err, sizeof(err));
	ck_assert_msg(b != NULL, "%s", err);
	for (k = 0; k < 2; k++) {
		ta = render(a, rs, NULL, 0, NULL, (enum firewall_kind)k);
		tb = render(b, rs, NULL, 0, NULL, (enum firewall_kind)k);
		ck_assert_str_eq(ta, tb);
		free(ta);
		free(tb);
	}
	inventory_free(a);
	inventory_free(b);
}
END_TEST

/* The Internet of the output is the policy's: inventory_is_internet(). */
START_TEST(test_firewall_internet_as_policy)
{
	static const char *const edges[] = {
		"0.0.0.0", "0.255.255.255", "1.0.0.0", "9.255.255.255",
		"10.0.0.0", "10.255.255.255", "11.0.0.0", "100.63.255.255",
		"100.64.0.0", "100.127.255.255", "100.128.0.0",
		"126.255.255.255",
		"127.0.0.1", "128.0.0.0", "169.253.255.255", "169.254.0.1",
		"169.255.0.0", "172.15.255.255", "172.16.0.0", "172.31.255.255",
		"172.32.0.0", "192.0.2.1", "192.167.255.255", "192.168.0.0",
		"192.169.0.0", "198.51.99.255", "198.51.100.0",
		"198.51.100.255", "198.51.101.0", "223.255.255.255",
		"224.0.0.1", "239.255.255.255",
		"240.0.0.0", "255.255.255.255", "::", "::1", "::ff", "::100",
		"2001:db8::1", "fbff::1", "fc00::1", "fdff:ffff::1", "fe00::1",
		"fe80::1", "febf::1", "fec0::1", "ff02::1", "fd00:1::10",
		"2a00:1450::1",
	};
	struct inventory *inv = site();
	struct firewall_conf fc = { NULL, 0, NULL, "site" };
	struct firewall *fw;
	struct addr a;
	char err[1024], txt[ADDR_STRLEN];
	uint32_t x = 12345;
	size_t i;

	fw = firewall_new(inv, rs, &fc, err, sizeof(err));
	ck_assert_msg(fw != NULL, "%s", err);
	for (i = 0; i < sizeof(edges) / sizeof(edges[0]); i++) {
		ck_assert_int_eq(addr_parse(edges[i], &a), 0);
		ck_assert_msg(firewall_is_internet(fw, &a) ==
		    inventory_is_internet(inv, &a), "%s", edges[i]);
	}
	/* And a fixed pseudo-random sweep of IPv4 (a 32-bit LCG). */
	for (i = 0; i < 100000; i++) {
		uint8_t v4[4];

		x = x * 1664525u + 1013904223u;
		v4[0] = (uint8_t)(x >> 24);
		v4[1] = (uint8_t)(x >> 16);
		v4[2] = (uint8_t)(x >> 8);
		v4[3] = (uint8_t)x;
		addr_from_v4(&a, v4);
		ck_assert_msg(firewall_is_internet(fw, &a) ==
		    inventory_is_internet(inv, &a), "%s",
		    addr_fmt(&a, txt, sizeof(txt)));
	}
	firewall_free(fw);
	inventory_free(inv);
}
END_TEST

/* Text from files cannot end a string nor a line of the output. */
START_TEST(test_firewall_text_from_files_cleaned)
{
	char path[512], site_rules[512], err[4096];
	const char *paths[2] = { path, site_rules };
	struct ruleset *r2;
	struct inventory *inv;
	char *t, *w;
	const char *p, *q;

	snprintf(path, sizeof(path), "%s/rules/xprotect.conf", srcdir());
	ck_assert_int_eq(tmpdir_write(tmpdir, "site-rules.conf",
	    "rules = ( { id = \"SITE-NTP\"; server = \"management_server\";"
	    " ports = 123; transport = \"udp\"; protocol = \"NTP\";"
	    " clients = [ \"smart_client\" ]; purpose = \"time\";"
	    " section = \"Site \\\"time\\\"\\nsource\"; },\n"
	    "  { id = \"SITE-LONG\"; server = \"management_server\";"
	    " ports = 124; transport = \"udp\"; protocol = \"UDP\";"
	    " clients = [ \"smart_client\" ]; purpose = \"long\"; section ="
	    " \"A section title much longer than the comment nftables keeps "
	    "on a rule, which is 128 bytes at most: the rest is cut and the "
	    "cut is shown\"; } );\n", site_rules, sizeof(site_rules)), 0);
	r2 = rules_load(paths, 2, err, sizeof(err));
	ck_assert_msg(r2 != NULL, "%s", err);
	inv = site_load(0, "  { name = \"o'hara\"; address = \"10.1.0.99\";"
	    " roles = [ \"sql_server\" ]; }", path, sizeof(path), err,
	    sizeof(err));
	ck_assert_msg(inv != NULL, "%s", err);
	t = render(inv, r2, NULL, 0, NULL, FIREWALL_NFTABLES);
	ck_assert(has_line(t, "ip saddr @smart_client_v4 ip daddr "
	    "@management_server_v4 udp dport 123 accept comment "
	    "\"SITE-NTP: Site ?time??source\""));
	/* 127 characters at most in a comment, the cut shown by "...". */
	p = strstr(t, "udp dport 124 accept comment \"SITE-LONG: A section ");
	ck_assert_ptr_nonnull(p);
	p = strchr(p, '"') + 1;
	ck_assert_ptr_nonnull(q = strchr(p, '"'));
	ck_assert_int_eq(q - p, 127);
	ck_assert_int_eq(strncmp(q - 3, "...", 3), 0);
	w = render(inv, r2, NULL, 0, NULL, FIREWALL_WINDOWS);
	ck_assert(has_line(w, "'o''hara' {"));
	ck_assert(has_line(w, "# ---- host o'hara (sql_server): 10.1.0.99"));
	ck_assert_ptr_nonnull(strstr(w, "-Description 'SITE-NTP: Site "
	    "\"time\"?source' | Out-Null\n"));
	free(t);
	free(w);
	inventory_free(inv);
	rules_free(r2);
}
END_TEST

/*
 * A site's own rule for its cameras (their NTP server) makes that server
 * a peer of the camera zones, as the policy lets such a rule document
 * the flow; without the rule it is not one.
 */
START_TEST(test_firewall_nft_camera_site_rule)
{
	char path[512], site_rules[512], err[4096];
	const char *paths[2] = { path, site_rules };
	static const char ntp[] = "  { name = \"ntp01\"; address = "
	    "\"10.1.0.3\"; roles = [ \"ntp_server\" ]; }";
	struct ruleset *r2;
	struct inventory *inv;
	char *with, *without;

	snprintf(path, sizeof(path), "%s/rules/xprotect.conf", srcdir());
	ck_assert_int_eq(tmpdir_write(tmpdir, "site-rules.conf",
	    "rules = ( { id = \"SITE-NTP-CAM\"; server = \"ntp_server\";"
	    " ports = 123; transport = \"udp\"; protocol = \"NTP\";"
	    " clients = [ \"camera\" ]; purpose = \"time\";"
	    " section = \"Site\"; } );\n", site_rules, sizeof(site_rules)),
	    0);
	r2 = rules_load(paths, 2, err, sizeof(err));
	ck_assert_msg(r2 != NULL, "%s", err);
	inv = site_load(0, ntp, path, sizeof(path), err, sizeof(err));
	ck_assert_msg(inv != NULL, "%s", err);
	with = render(inv, r2, NULL, 0, NULL, FIREWALL_NFTABLES);
	without = render(inv, rs, NULL, 0, NULL, FIREWALL_NFTABLES);
	ck_assert(has_line(with, "ip saddr @camera_v4 ip daddr "
	    "@ntp_server_v4 udp dport 123 accept comment \"SITE-NTP-CAM: "
	    "Site\""));
	ck_assert_ptr_nonnull(strstr(strstr(with, "set camera_peers_v4 {"),
	    "\t\t\t10.1.0.3 comment \"ntp01\",\n"
	    "\t\t\t10.1.0.20 comment \"rs01\"\n"));
	ck_assert_ptr_nonnull(strstr(strstr(without, "set camera_peers_v4 {"),
	    "\t\telements = {\n\t\t\t10.1.0.20 comment \"rs01\"\n"));
	free(with);
	free(without);
	inventory_free(inv);
	rules_free(r2);
}
END_TEST

/* --- problems ----------------------------------------------------------- */

START_TEST(test_firewall_error_camera_zone_host)
{
	char path[512], err[4096], want[1024];
	struct firewall_conf fc = { NULL, 0, NULL, "site" };
	struct inventory *inv;

	inv = site_load(0, "  { name = \"ws9\"; address = \"10.50.1.50\";"
	    " roles = [ \"smart_client\" ]; }", path, sizeof(path), err,
	    sizeof(err));
	ck_assert_msg(inv != NULL, "%s", err);
	ck_assert_ptr_null(firewall_new(inv, rs, &fc, err, sizeof(err)));
	snprintf(want, sizeof(want), "%s:%d: host ws9: address 10.50.1.50 is "
	    "in a camera zone, but the host is neither a camera-side device "
	    "nor a peer of XP-TOPO-CAMERA", path, HOST_LINE0 + (int)NHOSTS);
	ck_assert_msg(strstr(err, want) == err, "want \"%s\" in:\n%s", want,
	    err);
	inventory_free(inv);
}
END_TEST

/*
 * A group's prefixes and ranges reach the role sets as the prefixes that
 * cover them, each with the group's name, and merge with the hosts'.
 */
START_TEST(test_firewall_nft_group_ranges)
{
	char path[512], err[4096], *t;
	struct inventory *inv;
	const char *set;

	inv = site_load(0, "  { name = \"cams-west\"; addresses = ["
	    " \"10.50.2.0/25\", \"10.50.2.128-10.50.2.131\" ];"
	    " roles = [ \"camera\" ]; }", path, sizeof(path), err,
	    sizeof(err));
	ck_assert_msg(inv != NULL, "%s", err);
	t = render(inv, rs, NULL, 0, NULL, FIREWALL_NFTABLES);
	set = strstr(t, "set camera_v4 {");
	ck_assert_msg(set != NULL, "%s", t);
	ck_assert_msg(strstr(set, "\t\t\t10.50.1.101 comment \"cam1\",\n"
	    "\t\t\t10.50.2.0/25 comment \"cams-west\",\n"
	    "\t\t\t10.50.2.128/30 comment \"cams-west\"\n\t\t}\n") != NULL,
	    "%s", set);
	free(t);
	inventory_free(inv);
}
END_TEST

/* A group of another role inside a camera zone is the host's mistake. */
START_TEST(test_firewall_error_camera_zone_group)
{
	char path[512], err[4096], want[1024];
	struct firewall_conf fc = { NULL, 0, NULL, "site" };
	struct inventory *inv;

	inv = site_load(0, "  { name = \"desks\"; address = \"10.50.3.0/24\";"
	    " roles = [ \"smart_client\" ]; }", path, sizeof(path), err,
	    sizeof(err));
	ck_assert_msg(inv != NULL, "%s", err);
	ck_assert_ptr_null(firewall_new(inv, rs, &fc, err, sizeof(err)));
	snprintf(want, sizeof(want), "%s:%d: host desks: range 10.50.3.0/24 "
	    "is in a camera zone, but the host is neither a camera-side "
	    "device nor a peer of XP-TOPO-CAMERA", path,
	    HOST_LINE0 + (int)NHOSTS);
	ck_assert_msg(strstr(err, want) == err, "want \"%s\" in:\n%s", want,
	    err);
	inventory_free(inv);
}
END_TEST

START_TEST(test_firewall_error_no_rules_no_hosts)
{
	struct firewall_conf fc = { NULL, 0, NULL, "x.conf" };
	struct inventory *empty = inventory_empty();
	char err[4096];

	ck_assert_ptr_null(firewall_new(empty, NULL, &fc, err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "x.conf: no rules file"));
	ck_assert_ptr_nonnull(strstr(err, "x.conf: no host in the "
	    "inventory"));
	inventory_free(empty);
}
END_TEST

START_TEST(test_firewall_error_log_prefix)
{
	struct inventory *inv = site();
	struct firewall_conf fc = { NULL, 0, "bad\"prefix", "x.conf" };
	struct firewall *fw;
	char err[4096], longp[200];

	ck_assert_ptr_null(firewall_new(inv, rs, &fc, err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "x.conf: log prefix \"bad?prefix\""));
	memset(longp, 'a', sizeof(longp) - 1);
	longp[FIREWALL_LOG_PREFIX_MAX + 1] = '\0';
	fc.log_prefix = longp;
	ck_assert_ptr_null(firewall_new(inv, rs, &fc, err, sizeof(err)));
	longp[FIREWALL_LOG_PREFIX_MAX] = '\0';
	fc.log_prefix = longp;
	fw = firewall_new(inv, rs, &fc, err, sizeof(err));
	ck_assert_msg(fw != NULL, "%s", err);
	firewall_free(fw);
	ck_assert_int_eq(firewall_kind_lookup("nftables"), FIREWALL_NFTABLES);
	ck_assert_int_eq(firewall_kind_lookup("windows"), FIREWALL_WINDOWS);
	ck_assert_int_eq(firewall_kind_lookup("iptables"), -1);
	inventory_free(inv);
}
END_TEST

/* --- Windows ------------------------------------------------------------ */

/* Lines of "HOST PROTO PORT = addr,addr,..." sorted: a multiset compare. */
struct lines {
	char **v;
	size_t n;
};

static void
lines_add(struct lines *l, const char *s)
{
	l->v = realloc(l->v, (l->n + 1) * sizeof(*l->v));
	ck_assert_ptr_nonnull(l->v);
	ck_assert_ptr_nonnull(l->v[l->n++] = strdup(s));
}

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted, joined by "\n"; frees l.  The caller frees the result. */
static char *
lines_join(struct lines *l)
{
	size_t i, len = 1;
	char *s;

	qsort(l->v, l->n, sizeof(*l->v), str_cmp);
	for (i = 0; i < l->n; i++)
		len += strlen(l->v[i]) + 1;
	ck_assert_ptr_nonnull(s = calloc(1, len));
	for (i = 0; i < l->n; i++) {
		strcat(s, l->v[i]);
		strcat(s, "\n");
		free(l->v[i]);
	}
	free(l->v);
	l->v = NULL;
	l->n = 0;
	return s;
}

/*
 * Sorts a comma-separated list in place and drops repeated items;
 * returns how many it dropped.
 */
static size_t
sort_unique(char *list)
{
	struct lines l = { NULL, 0 };
	char *tok, *save = NULL, *j, *p;
	size_t i, k = 0, dropped;

	for (tok = strtok_r(list, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save))
		lines_add(&l, tok);
	qsort(l.v, l.n, sizeof(*l.v), str_cmp);
	for (i = 0; i < l.n; i++)
		if (k == 0 || strcmp(l.v[k - 1], l.v[i]) != 0)
			l.v[k++] = l.v[i];
		else
			free(l.v[i]);
	dropped = l.n - k;
	l.n = k;
	j = lines_join(&l);
	/* "a\nb\n" -> "a,b" */
	for (p = j; *p; p++)
		if (*p == '\n')
			*p = p[1] ? ',' : '\0';
	strcpy(list, j);
	free(j);
	return dropped;
}

/* May the script open rule r: not local-only, not disabled unless enabled. */
static int
rule_open(const struct rule *r, const char *enabled)
{
	if (r->flags & RULES_F_LOCAL_ONLY)
		return 0;
	if (r->flags & RULES_F_DISABLED)
		return enabled != NULL && strcmp(enabled, r->id) == 0;
	return 1;
}

static int
same_port(const struct rule *a, const struct rule *b)
{
	return a->port_lo == b->port_lo && a->port_hi == b->port_hi &&
	    a->transport == b->transport;
}

/* Appends ",addr" for each address of the hosts but H that are r's clients. */
static void
add_clients(const struct inventory *inv, const struct inventory_host *H,
    const struct rule *r, char *list, size_t len)
{
	char a[ADDR_STRLEN];
	size_t c, k;

	for (c = 0; c < inventory_host_count(inv); c++) {
		const struct inventory_host *C = inventory_host_get(inv, c);

		if (C == H || !(C->roles & r->clients))
			continue;
		for (k = 0; k < C->naddrs; k++) {
			ck_assert(strlen(list) + ADDR_STRLEN + 2 < len);
			if (*list)
				strcat(list, ",");
			strcat(list, addr_fmt(&C->addrs[k], a, sizeof(a)));
		}
	}
}

/*
 * What the script must hold, read from the rules and the inventory here:
 * for each server (a VMS server role), each port and transport a rule of
 * its roles documents, not local-only, not disabled unless enabled, the
 * addresses of the other hosts with a client role of such a rule.
 */
static char *
windows_expected(const struct inventory *inv, const struct ruleset *r,
    const char *enabled)
{
	uint64_t servers = role_set_with(ROLE_F_VMS | ROLE_F_SERVER);
	struct lines out = { NULL, 0 };
	size_t h, i, j;

	for (h = 0; h < inventory_host_count(inv); h++) {
		const struct inventory_host *H = inventory_host_get(inv, h);

		if (!(H->roles & servers))
			continue;
		for (i = 0; i < rules_count(r); i++) {
			const struct rule *ri = rules_get(r, i), *rj;
			char list[8192] = "", port[16], line[8400];

			if (!(ri->server & H->roles) || !rule_open(ri, enabled))
				continue;
			/* The first open rule of a port makes its line. */
			for (j = 0; j < i; j++) {
				rj = rules_get(r, j);
				if (same_port(ri, rj) && (rj->server &
				    H->roles) && rule_open(rj, enabled))
					break;
			}
			if (j < i)
				continue;
			for (j = i; j < rules_count(r); j++) {
				rj = rules_get(r, j);
				if (same_port(ri, rj) && (rj->server &
				    H->roles) && rule_open(rj, enabled))
					add_clients(inv, H, rj, list,
					    sizeof(list));
			}
			if (*list == '\0')
				continue;
			sort_unique(list);
			if (ri->port_lo == 1 && ri->port_hi == 65535)
				snprintf(port, sizeof(port), "Any");
			else if (ri->port_lo == ri->port_hi)
				snprintf(port, sizeof(port), "%u", ri->port_lo);
			else
				snprintf(port, sizeof(port), "%u-%u",
				    ri->port_lo, ri->port_hi);
			snprintf(line, sizeof(line), "%s %s %s = %s", H->name,
			    ri->transport == IPPROTO_UDP ? "UDP" : "TCP", port,
			    list);
			lines_add(&out, line);
		}
	}
	return lines_join(&out);
}

/*
 * What the script holds: for each New-NetFirewallRule, the block's host,
 * -Protocol, -LocalPort and the -RemoteAddress items (ranges, which only
 * the Internet exception has, left out and counted in *ranges).
 */
static char *
windows_actual(const char *script, int *ranges)
{
	struct lines out = { NULL, 0 };
	char *copy = strdup(script), *line, *save = NULL, host[128] = "";

	*ranges = 0;
	ck_assert_ptr_nonnull(copy);
	for (line = strtok_r(copy, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		char proto[8], port[16], list[8192] = "", buf[8400];
		const char *p, *e;

		if (line[0] == '\'' && strstr(line, "' {") != NULL) {
			snprintf(host, sizeof(host), "%.*s",
			    (int)(strstr(line, "' {") - line - 1), line + 1);
			continue;
		}
		if (strncmp(line, "New-NetFirewallRule ", 20) != 0)
			continue;
		ck_assert_msg(*host != '\0', "rule outside a block: %s", line);
		ck_assert_ptr_nonnull(strstr(line, " -Group 'vmswatch' "
		    "-Direction Inbound -Action Allow "));
		ck_assert_ptr_nonnull(p = strstr(line, " -Protocol "));
		ck_assert_int_eq(sscanf(p, " -Protocol %7s -LocalPort %15s",
		    proto, port), 2);
		ck_assert_ptr_nonnull(p = strstr(line, " -RemoteAddress @("));
		p += strlen(" -RemoteAddress @(");
		ck_assert_ptr_nonnull(e = strchr(p, ')'));
		while (p < e) {
			const char *q;

			ck_assert_int_eq(*p, '\'');
			ck_assert_ptr_nonnull(q = strchr(p + 1, '\''));
			if (memchr(p, '-', (size_t)(q - p)) != NULL)
				(*ranges)++;
			else {
				if (*list)
					strcat(list, ",");
				strncat(list, p + 1, (size_t)(q - p - 1));
			}
			p = q + 1;
			if (strncmp(p, ", ", 2) == 0)
				p += 2;
		}
		ck_assert_msg(strncmp(e, ") -Description '", 16) == 0, "%s",
		    line);
		/* The script names a client once. */
		ck_assert_msg(sort_unique(list) == 0, "%s", line);
		snprintf(buf, sizeof(buf), "%s %s %s = %s", host, proto, port,
		    list);
		lines_add(&out, buf);
	}
	free(copy);
	return lines_join(&out);
}

/* The bundled sample site, as `vmswatch -c conf/sample.conf` reads it. */
START_TEST(test_firewall_windows_sample_structure)
{
	char path[512], err[8192];
	struct conf *conf;
	struct firewall_conf fc;
	struct firewall *fw;
	char *script = NULL, *want, *got;
	size_t len;
	FILE *out;
	int ranges;

	snprintf(path, sizeof(path), "%s/conf/sample.conf", srcdir());
	conf = conf_load(path, err, sizeof(err));
	ck_assert_msg(conf != NULL, "%s", err);
	fc.enabled = conf->pc.enabled;
	fc.nenabled = conf->pc.nenabled;
	fc.log_prefix = NULL;
	fc.source = path;
	fw = firewall_new(conf->inv, conf->rs, &fc, err, sizeof(err));
	ck_assert_msg(fw != NULL, "%s", err);
	ck_assert_ptr_nonnull(out = open_memstream(&script, &len));
	ck_assert_int_eq(firewall_write(fw, FIREWALL_WINDOWS, out), 0);
	fclose(out);
	want = windows_expected(conf->inv, conf->rs, NULL);
	got = windows_actual(script, &ranges);
	ck_assert_str_eq(got, want);
	ck_assert_int_eq(ranges, 0);
	/* Known lines of it, so that an empty reading cannot pass. */
	ck_assert_ptr_nonnull(strstr(got, "rec01 TCP 7563 = 192.168.20.31,"
	    "192.168.20.32,192.168.20.33\n"));
	ck_assert_ptr_nonnull(strstr(got, "mgmt01 TCP 9000 = 192.168.10.20,"
	    "192.168.10.21\n"));
	ck_assert_ptr_nonnull(strstr(got, "sql01 TCP 1433 = 192.168.10.10,"
	    "192.168.10.12\n"));
	/* Nothing for a local-only port; a block per server, none else. */
	ck_assert_ptr_null(strstr(got, " 6473 "));
	ck_assert_ptr_null(strstr(got, " 8966 "));
	ck_assert(has_line(script, "# XP-MS-6473 6473/tcp: local connections "
	    "only: no rule"));
	ck_assert(has_line(script, "'mgmt01' {"));
	ck_assert(!has_line(script, "'ws01' {"));
	ck_assert(!has_line(script, "'cam001' {"));
	ck_assert(has_line(script, "Remove-NetFirewallRule -Group 'vmswatch' "
	    "-ErrorAction SilentlyContinue"));
	free(want);
	free(got);
	free(script);
	firewall_free(fw);
	conf_free(conf);
}
END_TEST

/* In a range "lo-hi" of the list? */
static int
in_ranges(const char *script, const char *host, const char *addr)
{
	struct addr a, lo, hi;
	const char *p;
	char l[ADDR_STRLEN], h[ADDR_STRLEN];

	ck_assert_int_eq(addr_parse(addr, &a), 0);
	ck_assert_ptr_nonnull(p = strstr(script, host));
	ck_assert_ptr_nonnull(p = strstr(p, "-LocalPort 8082 "));
	for (; (p = strchr(p, '\'')) != NULL && strncmp(p, "') -Desc", 8);
	    p++) {
		if (sscanf(p, "'%45[0-9a-f.:]-%45[0-9a-f.:]'", l, h) != 2)
			continue;
		ck_assert_int_eq(addr_parse(l, &lo), 0);
		ck_assert_int_eq(addr_parse(h, &hi), 0);
		if (addr_cmp(&lo, &a) <= 0 && addr_cmp(&a, &hi) <= 0)
			return 1;
	}
	return 0;
}

START_TEST(test_firewall_windows_site_structure)
{
	struct inventory *inv = site();
	char *script = render(inv, rs, NULL, 0, NULL, FIREWALL_WINDOWS);
	char *want = windows_expected(inv, rs, NULL);
	char *got;
	int ranges;

	got = windows_actual(script, &ranges);
	ck_assert_str_eq(got, want);
	/* IPv6 addresses of the clients too. */
	ck_assert_ptr_nonnull(strstr(got, "rs01 TCP 9001 = 10.1.0.10,"
	    "fd00:1::10\n"));
	/* The DMZ's 8082: the tablet and the Internet, nothing private. */
	ck_assert_ptr_nonnull(strstr(got, "mob01 TCP 8082 = 10.2.0.46\n"));
	ck_assert_int_gt(ranges, 0);
	ck_assert(in_ranges(script, "'mob01' {", "8.8.8.8"));
	ck_assert(in_ranges(script, "'mob01' {", "192.0.2.1"));
	ck_assert(in_ranges(script, "'mob01' {", "2001:db8::1"));
	ck_assert(!in_ranges(script, "'mob01' {", "10.2.0.46"));
	ck_assert(!in_ranges(script, "'mob01' {", "192.168.1.1"));
	ck_assert(!in_ranges(script, "'mob01' {", "198.51.100.77"));
	ck_assert(!in_ranges(script, "'mob01' {", "fd00:1::10"));
	ck_assert(!in_ranges(script, "'mob01' {", "fe80::1"));
	/* 8081 (cleartext, inventory clients only) gets no Internet. */
	ck_assert_ptr_nonnull(strstr(got, "mob01 TCP 8081 = 10.2.0.46\n"));
	free(want);
	free(got);
	free(script);
	inventory_free(inv);
}
END_TEST

START_TEST(test_firewall_windows_disabled_needs_enabled)
{
	struct inventory *inv = site();
	const char *const enabled[] = { "XP-RS-5432" };
	char *off = render(inv, rs, NULL, 0, NULL, FIREWALL_WINDOWS);
	char *on = render(inv, rs, enabled, 1, NULL, FIREWALL_WINDOWS);
	char *want = windows_expected(inv, rs, "XP-RS-5432");
	char *got;
	int ranges;

	ck_assert_ptr_null(strstr(off, "-LocalPort 5432 "));
	got = windows_actual(on, &ranges);
	ck_assert_str_eq(got, want);
	ck_assert_ptr_nonnull(strstr(got, "rs01 TCP 5432 = 10.50.1.101\n"));
	free(got);
	free(want);
	free(off);
	free(on);
	inventory_free(inv);
}
END_TEST

static Suite *
firewall_suite(void)
{
	Suite *s = suite_create("firewall");
	TCase *tc = tcase_create("nftables");

	/*
	 * Every test loads the shipped rules; under the sanitizers on a
	 * busy machine that takes longer than Check's default 4 s.
	 */
	tcase_set_timeout(tc, 30);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_firewall_nft_documented_flows);
	tcase_add_test(tc, test_firewall_nft_local_only_never);
	tcase_add_test(tc, test_firewall_nft_disabled_needs_enabled);
	tcase_add_test(tc, test_firewall_nft_camera_and_internet);
	tcase_add_test(tc, test_firewall_nft_camera_site_rule);
	tcase_add_test(tc, test_firewall_nft_sets_merged);
	tcase_add_test(tc, test_firewall_same_output_any_order);
	tcase_add_test(tc, test_firewall_internet_as_policy);
	tcase_add_test(tc, test_firewall_text_from_files_cleaned);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_set_timeout(tc, 30);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_firewall_error_camera_zone_host);
	tcase_add_test(tc, test_firewall_error_camera_zone_group);
	tcase_add_test(tc, test_firewall_nft_group_ranges);
	tcase_add_test(tc, test_firewall_error_no_rules_no_hosts);
	tcase_add_test(tc, test_firewall_error_log_prefix);
	suite_add_tcase(s, tc);

	tc = tcase_create("windows");
	tcase_set_timeout(tc, 30);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_firewall_windows_sample_structure);
	tcase_add_test(tc, test_firewall_windows_site_structure);
	tcase_add_test(tc, test_firewall_windows_disabled_needs_enabled);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_run(firewall_suite());
}

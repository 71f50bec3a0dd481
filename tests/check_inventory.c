/*
 * check_inventory.c - unit tests of inventory.c: a valid site file (zones,
 * hosts, lookups by address, MAC, zone and VLAN, longest-prefix zones,
 * the Internet and group tests, a router known by its MACs alone) and
 * every load error with its exact "file:line: problem".
 *
 * Files are written one entry per line so that each test knows the line
 * of every setting.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <check.h>

#include "inventory.h"
#include "role.h"
#include "check_run.h"
#include "tmpdir.h"

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif
#ifndef UNDER_ASAN
#define UNDER_ASAN 0
#endif

static char tmpdir[256];

static void
tmp_setup(void)
{
	tmpdir_make(tmpdir, sizeof(tmpdir), "check_inventory");
}

static void
tmp_teardown(void)
{
	tmpdir_remove(tmpdir);
}

/* Writes text to tmpdir/name; the path goes to path. */
static void
tmp_write(const char *name, const char *text, char *path, size_t len)
{
	ck_assert_int_eq(tmpdir_write(tmpdir, name, text, path, len), 0);
}

static struct addr
A(const char *s)
{
	struct addr a;

	ck_assert_int_eq(addr_parse(s, &a), 0);
	return a;
}

static const uint8_t mac_ms01[6] = { 0x00, 0x15, 0x5d, 0x6e, 0x00, 0x0a };
static const uint8_t mac_cam1[6] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x01 };
static const uint8_t mac_uplink[6] = { 0x00, 0x00, 0x5e, 0x00, 0x01, 0x01 };
static const uint8_t mac_other[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x99 };

/* Lines: zones 3-7, hosts 10-13. */
static const char good_text[] =
    "site = \"inventory-test\";\n"					/* 1 */
    "zones = (\n"							/* 2 */
    "  { name = \"servers\"; purpose = \"server\"; networks = [ \"192.168.10.0/24\" ]; vlans = [ 10 ]; },\n"
    "  { name = \"cameras\"; purpose = \"camera\"; networks = [ \"192.168.50.0/24\", \"192.168.51.0/24\" ]; vlans = [ 50, 51 ]; },\n"
    "  { name = \"core\"; purpose = \"infrastructure\"; networks = [ \"192.168.0.0/16\" ]; },\n"
    "  { name = \"dmz\"; purpose = \"dmz\"; networks = [ \"203.0.113.0/24\" ]; },\n"
    "  { name = \"lab6\"; networks = [ \"fd00:10::/64\" ]; }\n"	/* 7 */
    ");\n"								/* 8 */
    "hosts = (\n"							/* 9 */
    "  { name = \"ms01\"; addresses = [ \"192.168.10.10\", \"fd00:10::10\" ]; macs = [ \"00:15:5d:6e:00:0a\" ]; roles = [ \"management_server\", \"event_server\" ]; },\n"
    "  { name = \"cam1\"; address = \"192.168.50.101\"; mac = \"00:11:22:33:44:01\"; role = \"camera\"; },\n"
    "  { name = \"sc01\"; address = \"192.168.7.31\"; roles = [ \"smart_client\" ]; description = \"operator desk\"; },\n"
    "  { name = \"uplink\"; macs = [ \"00:00:5e:00:01:01\" ]; router = true; }\n"
    ");\n";

static struct inventory *
load_good(char *path, size_t len)
{
	struct inventory *inv;
	char err[2048];

	tmp_write("good.conf", good_text, path, len);
	inv = inventory_load(path, err, sizeof(err));
	ck_assert_msg(inv != NULL, "good inventory does not load:\n%s", err);
	ck_assert_str_eq(err, "");
	return inv;
}

START_TEST(test_inventory_good_counts_and_zones)
{
	char path[512];
	struct inventory *inv = load_good(path, sizeof(path));
	const struct inventory_zone *z;

	ck_assert_uint_eq(inventory_host_count(inv), 4);
	ck_assert_uint_eq(inventory_zone_count(inv), 5);
	z = inventory_zone_get(inv, 1);
	ck_assert_str_eq(z->name, "cameras");
	ck_assert_int_eq(z->purpose, INV_PURPOSE_CAMERA);
	ck_assert_uint_eq(z->nnets, 2);
	ck_assert_uint_eq(z->nvlans, 2);
	ck_assert_uint_eq(z->vlans[1], 51);
	ck_assert_str_eq(z->file, path);
	ck_assert_int_eq(z->line, 4);
	ck_assert_int_eq(inventory_zone_get(inv, 4)->purpose,
	    INV_PURPOSE_OTHER);
	ck_assert_ptr_null(inventory_zone_get(inv, 5));
	ck_assert_str_eq(inventory_purpose_name(INV_PURPOSE_DMZ), "dmz");
	ck_assert_str_eq(inventory_purpose_name(INV_PURPOSE_INFRA),
	    "infrastructure");
	inventory_free(inv);
}
END_TEST

START_TEST(test_inventory_good_host_by_address)
{
	char path[512];
	struct inventory *inv = load_good(path, sizeof(path));
	struct addr a4 = A("192.168.10.10"), a6 = A("fd00:10::10");
	struct addr none = A("192.168.10.99");
	const struct inventory_host *h = inventory_host(inv, &a4);

	ck_assert_ptr_nonnull(h);
	ck_assert_str_eq(h->name, "ms01");
	ck_assert_uint_eq(h->roles, ROLE_BIT(ROLE_MANAGEMENT_SERVER) |
	    ROLE_BIT(ROLE_EVENT_SERVER));
	ck_assert_uint_eq(h->naddrs, 2);
	ck_assert_uint_eq(h->nmacs, 1);
	ck_assert_str_eq(h->zone->name, "servers");
	ck_assert_int_eq(h->router, 0);
	ck_assert_str_eq(h->file, path);
	ck_assert_int_eq(h->line, 10);
	ck_assert_ptr_eq(inventory_host(inv, &a6), h);
	ck_assert_ptr_null(inventory_host(inv, &none));
	inventory_free(inv);
}
END_TEST

START_TEST(test_inventory_good_host_by_mac)
{
	char path[512];
	struct inventory *inv = load_good(path, sizeof(path));
	const struct inventory_host *ms, *cam;

	ms = inventory_host_by_mac(inv, mac_ms01);
	cam = inventory_host_by_mac(inv, mac_cam1);
	ck_assert_str_eq(ms->name, "ms01");
	ck_assert_str_eq(cam->name, "cam1");
	ck_assert_uint_eq(cam->roles, ROLE_BIT(ROLE_CAMERA));
	ck_assert_ptr_null(inventory_host_by_mac(inv, mac_other));
	ck_assert_int_eq(inventory_host_has_mac(cam, mac_cam1), 1);
	ck_assert_int_eq(inventory_host_has_mac(cam, mac_other), 0);
	inventory_free(inv);
}
END_TEST

START_TEST(test_inventory_host_without_macs_accepts_any)
{
	char path[512];
	struct inventory *inv = load_good(path, sizeof(path));
	struct addr a = A("192.168.7.31");
	const struct inventory_host *sc = inventory_host(inv, &a);

	ck_assert_str_eq(sc->name, "sc01");
	ck_assert_uint_eq(sc->nmacs, 0);
	ck_assert_int_eq(inventory_host_has_mac(sc, mac_other), 1);
	/* In the /16 of core: the zone of its address. */
	ck_assert_str_eq(sc->zone->name, "core");
	inventory_free(inv);
}
END_TEST

START_TEST(test_inventory_router_with_macs_only)
{
	char path[512];
	struct inventory *inv = load_good(path, sizeof(path));
	const struct inventory_host *up = inventory_host_by_mac(inv,
	    mac_uplink);

	ck_assert_ptr_nonnull(up);
	ck_assert_str_eq(up->name, "uplink");
	ck_assert_int_eq(up->router, 1);
	ck_assert_uint_eq(up->naddrs, 0);
	ck_assert_uint_eq(up->roles, 0);
	ck_assert_ptr_null(up->zone);
	ck_assert_int_eq(up->line, 13);
	inventory_free(inv);
}
END_TEST

START_TEST(test_inventory_zone_longest_prefix)
{
	char path[512];
	struct inventory *inv = load_good(path, sizeof(path));
	struct addr srv = A("192.168.10.99"), cam = A("192.168.51.7");
	struct addr core = A("192.168.7.1"), out = A("10.0.0.1");
	struct addr v6 = A("fd00:10::99");

	/* 192.168.10.0/24 (servers) beats 192.168.0.0/16 (core). */
	ck_assert_str_eq(inventory_zone(inv, &srv)->name, "servers");
	ck_assert_str_eq(inventory_zone(inv, &cam)->name, "cameras");
	ck_assert_str_eq(inventory_zone(inv, &core)->name, "core");
	ck_assert_str_eq(inventory_zone(inv, &v6)->name, "lab6");
	ck_assert_ptr_null(inventory_zone(inv, &out));
	inventory_free(inv);
}
END_TEST

START_TEST(test_inventory_zone_by_vlan)
{
	char path[512];
	struct inventory *inv = load_good(path, sizeof(path));

	ck_assert_str_eq(inventory_zone_vlan(inv, 10)->name, "servers");
	ck_assert_str_eq(inventory_zone_vlan(inv, 51)->name, "cameras");
	ck_assert_ptr_null(inventory_zone_vlan(inv, 99));
	ck_assert_ptr_null(inventory_zone_vlan(inv, 0));
	inventory_free(inv);
}
END_TEST

START_TEST(test_inventory_is_internet)
{
	char path[512];
	struct inventory *inv = load_good(path, sizeof(path));
	struct addr doc = A("192.0.2.1"), priv = A("10.1.2.3");
	struct addr shared = A("100.64.1.1"), ll = A("fe80::1");
	struct addr ula = A("fd00::1"), doc6 = A("2001:db8::1");
	struct addr mdns = A("224.0.0.251"), dmz = A("203.0.113.9");
	struct addr pub = A("203.0.114.9");

	ck_assert_int_eq(inventory_is_internet(inv, &doc), 1);
	ck_assert_int_eq(inventory_is_internet(inv, &priv), 0);
	ck_assert_int_eq(inventory_is_internet(inv, &shared), 0);
	ck_assert_int_eq(inventory_is_internet(inv, &ll), 0);
	ck_assert_int_eq(inventory_is_internet(inv, &ula), 0);
	ck_assert_int_eq(inventory_is_internet(inv, &doc6), 1);
	ck_assert_int_eq(inventory_is_internet(inv, &mdns), 0);
	/* Public, but a zone of the site: not the Internet. */
	ck_assert_int_eq(inventory_is_internet(inv, &dmz), 0);
	ck_assert_int_eq(inventory_is_internet(inv, &pub), 1);
	inventory_free(inv);
}
END_TEST

START_TEST(test_inventory_is_group)
{
	char path[512];
	struct inventory *inv = load_good(path, sizeof(path));
	struct addr mdns = A("224.0.0.251"), dbc = A("192.168.50.255");
	struct addr bc = A("255.255.255.255"), host = A("192.168.50.101");
	struct addr core_bc = A("192.168.255.255"), mid = A("192.168.50.254");
	struct addr ff02 = A("ff02::1");

	ck_assert_int_eq(inventory_is_group(inv, &mdns), 1);
	ck_assert_int_eq(inventory_is_group(inv, &dbc), 1);
	ck_assert_int_eq(inventory_is_group(inv, &bc), 1);
	ck_assert_int_eq(inventory_is_group(inv, &core_bc), 1);
	ck_assert_int_eq(inventory_is_group(inv, &ff02), 1);
	ck_assert_int_eq(inventory_is_group(inv, &host), 0);
	ck_assert_int_eq(inventory_is_group(inv, &mid), 0);
	inventory_free(inv);
}
END_TEST

START_TEST(test_inventory_empty)
{
	struct inventory *inv = inventory_empty();
	struct addr doc = A("192.0.2.1"), priv = A("192.168.10.10");

	ck_assert_ptr_nonnull(inv);
	ck_assert_uint_eq(inventory_host_count(inv), 0);
	ck_assert_uint_eq(inventory_zone_count(inv), 0);
	ck_assert_ptr_null(inventory_host(inv, &priv));
	ck_assert_ptr_null(inventory_host_by_mac(inv, mac_cam1));
	ck_assert_ptr_null(inventory_zone(inv, &priv));
	ck_assert_int_eq(inventory_is_internet(inv, &doc), 1);
	ck_assert_int_eq(inventory_is_internet(inv, &priv), 0);
	inventory_free(inv);
}
END_TEST

/* Copies want to out with every "%s" replaced by path. */
static void
with_path(const char *want, const char *path, char *out, size_t len)
{
	const char *p;
	size_t o = 0;

	for (p = want; *p != '\0' && o + 1 < len; p++) {
		if (p[0] == '%' && p[1] == 's') {
			o += (size_t)snprintf(out + o, len - o, "%s", path);
			p++;
		} else
			out[o++] = *p;
	}
	out[o < len ? o : len - 1] = '\0';
}

/*
 * Loads text, which must fail with exactly the error lines want (each
 * "%s:LINE: problem\n" with %s standing for the file's path).
 */
static void
expect_error(const char *text, const char *want)
{
	char path[512], err[2048], exp[2048];

	tmp_write("bad.conf", text, path, sizeof(path));
	ck_assert_ptr_null(inventory_load(path, err, sizeof(err)));
	with_path(want, path, exp, sizeof(exp));
	ck_assert_str_eq(err, exp);
}

/* A name longer than alerts carry is refused, not cut in alerts. */
START_TEST(test_inventory_error_name_too_long)
{
	char text[1024], want[512];

	snprintf(text, sizeof(text),
	    "hosts = (\n"
	    "  { name = \"%0*d\";\n"
	    "    address = \"192.168.10.10\";\n"
	    "    roles = [ \"management_server\" ]; }\n"
	    ");\n", INVENTORY_NAME_MAX, 0);
	snprintf(want, sizeof(want), "%%s:2: host name: longer than %d bytes\n",
	    INVENTORY_NAME_MAX - 1);
	expect_error(text, want);
}
END_TEST

START_TEST(test_inventory_error_unknown_role)
{
	expect_error(
	    "hosts = (\n"
	    "  { name = \"x1\";\n"
	    "    address = \"192.168.10.10\";\n"
	    "    roles = [ \"management_server\", \"coffee_maker\" ]; }\n"
	    ");\n",
	    "%s:4: host x1: unknown role coffee_maker\n");
}
END_TEST

START_TEST(test_inventory_error_cidr_host_bits)
{
	expect_error(
	    "zones = (\n"
	    "  { name = \"servers\";\n"
	    "    purpose = \"server\";\n"
	    "    networks = [ \"192.168.10.1/24\" ]; }\n"
	    ");\n",
	    "%s:4: zone servers: bad network 192.168.10.1/24 (address/length "
	    "with host bits zero)\n");
}
END_TEST

START_TEST(test_inventory_error_bad_mac)
{
	expect_error(
	    "hosts = (\n"
	    "  { name = \"cam1\";\n"
	    "    address = \"192.168.50.101\";\n"
	    "\n"
	    "    mac = \"00:11:22:33:44\";\n"
	    "    roles = [ \"camera\" ]; }\n"
	    ");\n",
	    "%s:5: host cam1: bad MAC address 00:11:22:33:44\n");
}
END_TEST

START_TEST(test_inventory_error_duplicate_address)
{
	expect_error(
	    "hosts = (\n"
	    "  { name = \"ms01\"; address = \"192.168.10.10\";"
	    " roles = [ \"management_server\" ]; },\n"
	    "  { name = \"sql01\"; address = \"192.168.10.11\";"
	    " roles = [ \"sql_server\" ]; },\n"
	    "  { name = \"es01\"; addresses = [ \"192.168.10.12\","
	    " \"192.168.10.10\" ]; roles = [ \"event_server\" ]; }\n"
	    ");\n",
	    "%s:4: host es01: address 192.168.10.10 already belongs to "
	    "ms01 (line 2)\n");
}
END_TEST

START_TEST(test_inventory_error_duplicate_name)
{
	expect_error(
	    "hosts = (\n"
	    "  { name = \"ms01\"; address = \"192.168.10.10\";"
	    " roles = [ \"management_server\" ]; },\n"
	    "\n"
	    "  { name = \"ms01\"; address = \"192.168.10.11\";"
	    " roles = [ \"sql_server\" ]; }\n"
	    ");\n",
	    "%s:4: host ms01 defined twice (also at line 2)\n");
}
END_TEST

START_TEST(test_inventory_error_unknown_key)
{
	expect_error(
	    "hosts = (\n"
	    "  { name = \"ms01\";\n"
	    "    address = \"192.168.10.10\";\n"
	    "    colour = \"blue\";\n"
	    "    roles = [ \"management_server\" ]; }\n"
	    ");\n",
	    "%s:4: unknown key colour in host\n");
}
END_TEST

START_TEST(test_inventory_error_unknown_top_level_key)
{
	expect_error(
	    "site = \"x\";\n"
	    "\n"
	    "cameras = ( );\n",
	    "%s:3: unknown key cameras in the inventory\n");
}
END_TEST

START_TEST(test_inventory_error_host_without_address)
{
	expect_error(
	    "hosts = (\n"
	    "  { name = \"ms01\"; address = \"192.168.10.10\";"
	    " roles = [ \"management_server\" ]; },\n"
	    "  { name = \"ghost\";\n"
	    "    mac = \"00:11:22:33:44:55\";\n"
	    "    roles = [ \"camera\" ]; }\n"
	    ");\n",
	    "%s:3: host ghost: no address\n");
}
END_TEST

START_TEST(test_inventory_error_host_without_roles)
{
	expect_error(
	    "hosts = (\n"
	    "  { name = \"box\"; address = \"192.168.10.10\"; }\n"
	    ");\n",
	    "%s:2: host box: no roles (and not a router)\n");
}
END_TEST

START_TEST(test_inventory_error_all_reported)
{
	/* Every problem of the file, in file order. */
	expect_error(
	    "zones = (\n"
	    "  { name = \"servers\"; networks = [ \"192.168.10.1/24\" ]; }\n"
	    ");\n"
	    "hosts = (\n"
	    "  { name = \"a\"; address = \"192.168.10.10\";"
	    " roles = [ \"camera\", \"nope\" ]; },\n"
	    "  { name = \"b\"; roles = [ \"camera\" ]; }\n"
	    ");\n",
	    "%s:2: zone servers: bad network 192.168.10.1/24 (address/length "
	    "with host bits zero)\n"
	    "%s:5: host a: unknown role nope\n"
	    "%s:6: host b: no address\n");
}
END_TEST

START_TEST(test_inventory_error_missing_file)
{
	char path[512], err[1024], exp[1024];

	snprintf(path, sizeof(path), "%s/does-not-exist.conf", tmpdir);
	ck_assert_ptr_null(inventory_load(path, err, sizeof(err)));
	snprintf(exp, sizeof(exp), "%s: cannot read the file: No such file "
	    "or directory\n", path);
	ck_assert_str_eq(err, exp);
}
END_TEST

/* An empty list would leave the zone or host out without a word. */
START_TEST(test_inventory_error_empty_lists)
{
	expect_error(
	    "zones = (\n"
	    "  { name = \"servers\";\n"
	    "    networks = [ ]; }\n"
	    ");\n"
	    "hosts = (\n"
	    "  { name = \"ms01\";\n"
	    "    addresses = [ ];\n"
	    "    roles = [ \"management_server\" ]; },\n"
	    "  { name = \"gw\"; router = true;\n"
	    "    addresses = ( ); }\n"
	    ");\n",
	    "%s:3: zone servers: the networks list is empty\n"
	    "%s:7: host ms01: the addresses list is empty\n"
	    "%s:10: host gw: the addresses list is empty (a router known by "
	    "its MACs alone has no addresses key)\n");
}
END_TEST

/* libconfig 1.5 reads 4294967346 as 50: a camera VLAN by accident. */
START_TEST(test_inventory_error_wrapped_vlan)
{
	expect_error(
	    "zones = (\n"
	    "  { name = \"cameras\"; networks = [ \"192.168.50.0/24\" ];\n"
	    "    vlans = [ 51,\n"
	    "      4294967346 ]; }\n"
	    ");\n",
	    "%s:4: 4294967346 is out of range: libconfig reads an integer past "
	    "32 bits wrapped (write it with L for 64 bits)\n");
}
END_TEST

/*
 * A MAC names one device: two hosts with it would hide a spoofer, and the
 * lookup by MAC would find the first only.  Routers may share theirs.
 */
START_TEST(test_inventory_error_duplicate_mac)
{
	char path[512], err[2048];
	struct inventory *inv;

	expect_error(
	    "hosts = (\n"
	    "  { name = \"cam1\"; address = \"192.168.50.101\";"
	    " mac = \"00:11:22:33:44:01\"; role = \"camera\"; },\n"
	    "  { name = \"cam2\"; address = \"192.168.50.102\";"
	    " macs = [ \"00:11:22:33:44:02\", \"00:11:22:33:44:01\" ];"
	    " role = \"camera\"; }\n"
	    ");\n",
	    "%s:3: host cam2: MAC 00:11:22:33:44:01 already belongs to cam1 "
	    "(line 2)\n");
	tmp_write("routers.conf",
	    "hosts = (\n"
	    "  { name = \"fw-a\"; address = \"192.168.10.1\";"
	    " mac = \"00:00:5e:00:01:01\"; router = true; },\n"
	    "  { name = \"fw-b\"; address = \"192.168.50.1\";"
	    " mac = \"00:00:5e:00:01:01\"; router = true; }\n"
	    ");\n", path, sizeof(path));
	inv = inventory_load(path, err, sizeof(err));
	ck_assert_msg(inv != NULL, "%s", err);
	inventory_free(inv);
}
END_TEST

START_TEST(test_inventory_error_zone_overlap)
{
	expect_error(
	    "zones = (\n"
	    "  { name = \"cameras\"; networks = [ \"192.168.50.0/24\" ];"
	    " vlans = [ 50 ]; },\n"
	    "  { name = \"servers\"; networks = [ \"192.168.10.0/24\" ];"
	    " vlans = [ 10 ]; },\n"
	    "  { name = \"cams2\";\n"
	    "    networks = [ \"192.168.51.0/24\", \"192.168.50.0/24\" ];\n"
	    "    vlans = [ 51, 10 ]; }\n"
	    ");\n",
	    "%s:5: zone cams2: network 192.168.50.0/24 is also zone cameras's "
	    "(line 2)\n"
	    "%s:6: zone cams2: VLAN 10 is also zone servers's (line 3)\n");
}
END_TEST

/* The reason of the failing read, whatever errno held before. */
START_TEST(test_inventory_error_unreadable_file)
{
	char err[1024], exp[1024];

	errno = EAGAIN;
	ck_assert_ptr_null(inventory_load(tmpdir, err, sizeof(err)));
	snprintf(exp, sizeof(exp), "%s: cannot read the file: a directory, "
	    "not a regular file\n", tmpdir);
	ck_assert_str_eq(err, exp);
}
END_TEST

/* A host list @included from a folder: errors name that file. */
START_TEST(test_inventory_include_names_its_file)
{
	char path[512], sub[512], err[2048], exp[2048];

	snprintf(sub, sizeof(sub), "%s/hosts.d", tmpdir);
	ck_assert_int_eq(mkdir(sub, 0700), 0);
	tmp_write("hosts.d/cams.conf",
	    "\n"
	    "  { name = \"cam1\"; address = \"192.168.50.101\";"
	    " role = \"kamera\"; }\n", path, sizeof(path));
	tmp_write("site.conf",
	    "hosts = (\n"
	    "@include \"hosts.d/cams.conf\"\n"
	    ");\n", path, sizeof(path));
	ck_assert_ptr_null(inventory_load(path, err, sizeof(err)));
	snprintf(exp, sizeof(exp), "%s/hosts.d/cams.conf:2: host cam1: "
	    "unknown role kamera\n", tmpdir);
	ck_assert_str_eq(err, exp);
}
END_TEST


/* --- groups: roles for prefixes and ranges ---------------------------- */

/* Lines: hosts 3-4, groups 7-10. */
static const char range_text[] =
    "zones = ( { name = \"cameras\"; purpose = \"camera\"; networks = [ \"10.20.0.0/16\" ]; } );\n"
    "hosts = (\n"							/* 2 */
    "  { name = \"rec01\"; address = \"10.20.1.5\"; roles = [ \"recording_server\" ]; },\n"
    "  { name = \"cam-odd\"; address = \"10.20.9.9\"; mac = \"00:11:22:33:44:01\"; roles = [ \"camera\" ]; }\n"
    ");\n"								/* 5 */
    "groups = (\n"							/* 6 */
    "  { name = \"cams-a\"; addresses = [ \"10.20.0.0/22\" ]; macs = [ \"00:09:18:*\", \"00:11:22:33:44:55\" ]; roles = [ \"camera\" ]; },\n"
    "  { name = \"cams-b\"; addresses = [ \"10.20.8.10-10.20.8.250\", \"fd00:20::/120\" ]; roles = [ \"camera\" ]; },\n"
    "  { name = \"cams-a-east\"; addresses = [ \"10.20.2.0/24\" ]; roles = [ \"camera\" ]; },\n"
    "  { name = \"clients\"; addresses = [ \"10.30.0.0/24\" ]; roles = [ \"smart_client\" ]; }\n"
    ");\n";

static struct inventory *
load_ranges(void)
{
	char path[512], err[2048];
	struct inventory *inv;

	tmp_write("ranges.conf", range_text, path, sizeof(path));
	inv = inventory_load(path, err, sizeof(err));
	ck_assert_msg(inv != NULL, "%s", err);
	return inv;
}

static const char *
host_at(const struct inventory *inv, const char *a)
{
	struct addr x = A(a);
	const struct inventory_host *h = inventory_host(inv, &x);

	return h != NULL ? h->name : "(none)";
}

START_TEST(test_inventory_range_prefix_and_dash)
{
	struct inventory *inv = load_ranges();
	struct addr x;

	ck_assert_uint_eq(inventory_host_count(inv), 6);
	ck_assert_str_eq(host_at(inv, "10.20.0.0"), "cams-a");
	ck_assert_str_eq(host_at(inv, "10.20.3.255"), "cams-a");
	ck_assert_str_eq(host_at(inv, "10.20.4.0"), "(none)");
	ck_assert_str_eq(host_at(inv, "10.19.255.255"), "(none)");
	ck_assert_str_eq(host_at(inv, "10.20.8.9"), "(none)");
	ck_assert_str_eq(host_at(inv, "10.20.8.10"), "cams-b");
	ck_assert_str_eq(host_at(inv, "10.20.8.250"), "cams-b");
	ck_assert_str_eq(host_at(inv, "10.20.8.251"), "(none)");
	ck_assert_str_eq(host_at(inv, "fd00:20::ff"), "cams-b");
	ck_assert_str_eq(host_at(inv, "fd00:20::100"), "(none)");
	ck_assert_str_eq(host_at(inv, "10.30.0.77"), "clients");
	x = A("10.20.0.7");
	ck_assert(inventory_host(inv, &x)->roles == ROLE_BIT(ROLE_CAMERA));
	/* A group's zone is its address's, not one of the group's. */
	ck_assert_ptr_null(inventory_host(inv, &x)->zone);
	ck_assert_str_eq(inventory_zone(inv, &x)->name, "cameras");
	inventory_free(inv);
}
END_TEST

START_TEST(test_inventory_range_exact_host_wins)
{
	struct inventory *inv = load_ranges();

	/* rec01 sits inside cams-a's /22 and keeps its own roles. */
	ck_assert_str_eq(host_at(inv, "10.20.1.5"), "rec01");
	ck_assert_str_eq(host_at(inv, "10.20.1.4"), "cams-a");
	ck_assert_str_eq(host_at(inv, "10.20.1.6"), "cams-a");
	inventory_free(inv);
}
END_TEST

START_TEST(test_inventory_range_narrowest_of_same_roles)
{
	struct inventory *inv = load_ranges();

	ck_assert_str_eq(host_at(inv, "10.20.1.255"), "cams-a");
	ck_assert_str_eq(host_at(inv, "10.20.2.0"), "cams-a-east");
	ck_assert_str_eq(host_at(inv, "10.20.2.255"), "cams-a-east");
	ck_assert_str_eq(host_at(inv, "10.20.3.0"), "cams-a");
	inventory_free(inv);
}
END_TEST

START_TEST(test_inventory_range_oui_and_macs)
{
	static const uint8_t hanwha[6] = { 0x00, 0x09, 0x18, 0x43, 0xa2, 0x28 };
	static const uint8_t listed[6] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 };
	struct inventory *inv = load_ranges();
	struct addr x = A("10.20.0.7"), y = A("10.20.8.20");
	const struct inventory_host *a = inventory_host(inv, &x);
	const struct inventory_host *b = inventory_host(inv, &y);

	ck_assert_uint_eq(a->nouis, 1);
	ck_assert_uint_eq(a->nmacs, 1);
	ck_assert(inventory_host_has_mac(a, hanwha));
	ck_assert(inventory_host_has_mac(a, listed));
	ck_assert(!inventory_host_has_mac(a, mac_cam1));
	ck_assert(!inventory_host_has_mac(a, mac_other));
	/* A group listing no MACs takes any, as a host does. */
	ck_assert(inventory_host_has_mac(b, mac_other));
	/* A listed MAC is the group's; an OUI names no one device. */
	ck_assert_ptr_eq(inventory_host_by_mac(inv, listed), a);
	ck_assert_ptr_null(inventory_host_by_mac(inv, hanwha));
	inventory_free(inv);
}
END_TEST

START_TEST(test_inventory_range_prefixes_exact)
{
	struct inventory *inv = load_ranges();
	const struct inventory_host *b = inventory_host_get(inv, 3);
	struct addr lo = A("10.20.8.10"), hi = A("10.20.8.250"), x;
	char buf[ADDR_STRLEN];
	size_t i;
	unsigned n, covered = 0;

	ck_assert_str_eq(b->name, "cams-b");
	/*
	 * 10.20.8.10-250: .10/31 .12/30 .16/28 .32/27 .64/26 .128/26
	 * .192/27 .224/28 .240/29 .248/31 .250/32, the fewest prefixes;
	 * they must cover the 241 addresses exactly once, v6 as one /120.
	 */
	for (i = 0; i < b->nnets; i++) {
		if (!addr_is_v4(&b->nets[i].net)) {
			ck_assert_str_eq(addr_fmt(&b->nets[i].net, buf,
			    sizeof(buf)), "fd00:20::");
			ck_assert_uint_eq(b->nets[i].plen, 120);
			continue;
		}
		ck_assert_uint_ge(b->nets[i].plen, 96 + 24);
		ck_assert(addr_cmp(&b->nets[i].net, &lo) >= 0);
		covered += 1u << (128 - b->nets[i].plen);
	}
	ck_assert_uint_eq(covered, 241);
	ck_assert_uint_eq(b->nnets, 11 + 1);
	for (n = 0; n < 256; n++) {
		x = lo;
		x.b[15] = (uint8_t)n;
		for (i = 0, covered = 0; i < b->nnets; i++)
			covered += (unsigned)addr_in_prefix(&x,
			    &b->nets[i].net, b->nets[i].plen);
		ck_assert_uint_eq(covered, addr_cmp(&x, &lo) >= 0 &&
		    addr_cmp(&x, &hi) <= 0);
	}
	inventory_free(inv);
}
END_TEST

static const char *
srcdir(void)
{
	const char *d = getenv("VW_SRCDIR");

	return d != NULL && *d != '\0' ? d : VW_SRCDIR;
}

/*
 * The lines of file path that are neither blank nor comments, from the
 * line after the first one starting with from (NULL: the first line) to
 * the one before the first after it starting with to (NULL: the end).
 */
static void
setting_lines(const char *path, const char *from, const char *to, char *out,
    size_t len)
{
	char line[1024];
	size_t k = 0;
	int on = from == NULL;
	FILE *fp;

	ck_assert_msg((fp = fopen(path, "r")) != NULL, "%s", path);
	out[0] = '\0';
	while (fgets(line, sizeof(line), fp) != NULL) {
		if (!on) {
			on = strncmp(line, from, strlen(from)) == 0;
			continue;
		}
		if (to != NULL && strncmp(line, to, strlen(to)) == 0)
			break;
		if (line[0] == '#' || line[0] == '\n')
			continue;
		ck_assert_uint_lt(k + strlen(line), len);
		k += (size_t)snprintf(out + k, len - k, "%s", line);
	}
	fclose(fp);
}

/*
 * The commented inventory installed with the documentation loads, shows
 * what it says (an exact host inside a group's range, a dash range), and
 * is the example of vmswatch.conf(5) line for line.
 */
START_TEST(test_inventory_documented_example)
{
	char path[512], man[512], err[2048], conf[8192], ex[8192];
	struct inventory *inv;

	snprintf(path, sizeof(path), "%s/conf/inventory.conf", srcdir());
	snprintf(man, sizeof(man), "%s/man/vmswatch.conf.5.in", srcdir());
	inv = inventory_load(path, err, sizeof(err));
	ck_assert_msg(inv != NULL, "%s", err);
	ck_assert_uint_eq(inventory_host_count(inv), 8 + 3);
	ck_assert_str_eq(host_at(inv, "10.20.1.250"), "rec02");
	ck_assert_str_eq(host_at(inv, "10.20.1.251"), "cams-hanwha");
	ck_assert_str_eq(host_at(inv, "10.20.2.109"), "cams-axis");
	ck_assert_str_eq(host_at(inv, "10.20.2.110"), "(none)");
	ck_assert_str_eq(host_at(inv, "10.11.0.9"), "workstations");
	inventory_free(inv);
	setting_lines(path, NULL, NULL, conf, sizeof(conf));
	setting_lines(man, "site = \"plant\";", ".Ed", ex, sizeof(ex));
	ck_assert_str_eq(ex, conf + strlen("site = \"plant\";\n"));
}
END_TEST

/* roles = [ ]: a host known, its role not (a learned draft's). */
START_TEST(test_inventory_host_with_empty_roles)
{
	char path[512], err[2048];
	struct inventory *inv;
	struct addr a = A("192.168.50.250");

	tmp_write("empty-roles.conf",
	    "hosts = ( { name = \"pi\"; address = \"192.168.50.250\"; roles = [ ]; } );\n",
	    path, sizeof(path));
	inv = inventory_load(path, err, sizeof(err));
	ck_assert_msg(inv != NULL, "%s", err);
	ck_assert_ptr_nonnull(inventory_host(inv, &a));
	ck_assert(inventory_host(inv, &a)->roles == 0);
	inventory_free(inv);
}
END_TEST

/* Writes a site of n cameras, one host entry each, and times its load. */
START_TEST(test_inventory_load_10000_hosts)
{
	const size_t n = 10000;
	char path[512], err[2048], *text;
	struct inventory *inv;
	struct timespec t0, t1;
	size_t i, k = 0, cap = n * 160 + 256;
	double ms;
	struct addr x;

	ck_assert_ptr_nonnull(text = malloc(cap));
	k += (size_t)snprintf(text + k, cap - k, "hosts = (\n");
	for (i = 0; i < n; i++)
		k += (size_t)snprintf(text + k, cap - k, "  { name = "
		    "\"cam%05zu\"; address = \"10.%zu.%zu.%zu\"; mac = "
		    "\"00:09:18:%02zx:%02zx:01\"; roles = [ \"camera\" ]; }%s\n",
		    i, 100 + i / 65536, i / 256 % 256, i % 256, i / 256,
		    i % 256, i + 1 < n ? "," : "");
	k += (size_t)snprintf(text + k, cap - k, ");\n");
	ck_assert_uint_lt(k, cap);
	tmp_write("big.conf", text, path, sizeof(path));
	free(text);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	inv = inventory_load(path, err, sizeof(err));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ck_assert_msg(inv != NULL, "%s", err);
	ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	printf("inventory: %zu hosts loaded in %.1f ms\n", n, ms);
	ck_assert_uint_eq(inventory_host_count(inv), n);
	x = A("10.100.39.15");
	ck_assert_str_eq(inventory_host(inv, &x)->name, "cam09999");
	/*
	 * Well under a second; AddressSanitizer makes every allocation
	 * several times dearer, so a sanitized build gets five.
	 */
	ck_assert_msg(ms < (UNDER_ASAN ? 5000.0 : 1000.0),
	    "%zu hosts took %.1f ms", n, ms);
	inventory_free(inv);
}
END_TEST

START_TEST(test_inventory_error_range_overlap_other_roles)
{
	expect_error(
	    "groups = (\n"
	    "  { name = \"cams\"; addresses = [ \"10.20.0.0/22\" ]; roles = [ \"camera\" ]; },\n"
	    "  { name = \"desks\";\n"
	    "    addresses = [ \"10.20.3.200-10.20.4.10\" ];\n"
	    "    roles = [ \"smart_client\" ]; }\n"
	    ");\n"
	    "hosts = (\n"
	    "  { name = \"ws\"; addresses = [ \"10.20.3.0/28\" ]; roles = [ \"smart_client\" ]; }\n"
	    ");\n",
	    "%s:4: group desks: 10.20.3.200-10.20.4.10 overlaps 10.20.0.0/22 "
	    "of group cams (line 2), which has other roles\n"
	    "%s:8: host ws: 10.20.3.0/28 overlaps 10.20.0.0/22 of group cams "
	    "(line 2), which has other roles\n");
}
END_TEST

START_TEST(test_inventory_error_bad_range)
{
	expect_error(
	    "groups = (\n"
	    "  { name = \"cams\";\n"
	    "    addresses = [ \"10.20.0.9-10.20.0.1\", \"10.20.0.1-fd00::1\", \"10.20.0.1/33\" ];\n"
	    "    macs = [ \"00:09:18:*\", \"00:09:1g:*\", \"00:09:*\" ];\n"
	    "    roles = [ \"camera\" ]; },\n"
	    "  { name = \"one\"; addresses = [ \"10.20.0.1\" ]; roles = [ \"camera\" ]; }\n"
	    ");\n",
	    "%s:3: group cams: bad address 10.20.0.9-10.20.0.1\n"
	    "%s:3: group cams: bad address 10.20.0.1-fd00::1\n"
	    "%s:3: group cams: bad address 10.20.0.1/33\n"
	    "%s:4: group cams: bad MAC address 00:09:1g:*\n"
	    "%s:4: group cams: bad MAC address 00:09:*\n"
	    "%s:6: group one: no prefix or range (an exact address belongs "
	    "in hosts)\n");
}
END_TEST

static Suite *
inventory_suite(void)
{
	Suite *s = suite_create("inventory");
	TCase *tc;

	tc = tcase_create("good");
	tcase_add_unchecked_fixture(tc, tmp_setup, tmp_teardown);
	tcase_add_test(tc, test_inventory_good_counts_and_zones);
	tcase_add_test(tc, test_inventory_good_host_by_address);
	tcase_add_test(tc, test_inventory_good_host_by_mac);
	tcase_add_test(tc, test_inventory_host_without_macs_accepts_any);
	tcase_add_test(tc, test_inventory_router_with_macs_only);
	tcase_add_test(tc, test_inventory_zone_longest_prefix);
	tcase_add_test(tc, test_inventory_zone_by_vlan);
	tcase_add_test(tc, test_inventory_is_internet);
	tcase_add_test(tc, test_inventory_is_group);
	tcase_add_test(tc, test_inventory_empty);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_unchecked_fixture(tc, tmp_setup, tmp_teardown);
	tcase_add_test(tc, test_inventory_error_unknown_role);
	tcase_add_test(tc, test_inventory_error_name_too_long);
	tcase_add_test(tc, test_inventory_error_cidr_host_bits);
	tcase_add_test(tc, test_inventory_error_bad_mac);
	tcase_add_test(tc, test_inventory_error_duplicate_address);
	tcase_add_test(tc, test_inventory_error_duplicate_name);
	tcase_add_test(tc, test_inventory_error_unknown_key);
	tcase_add_test(tc, test_inventory_error_unknown_top_level_key);
	tcase_add_test(tc, test_inventory_error_host_without_address);
	tcase_add_test(tc, test_inventory_error_host_without_roles);
	tcase_add_test(tc, test_inventory_error_all_reported);
	tcase_add_test(tc, test_inventory_error_missing_file);
	tcase_add_test(tc, test_inventory_error_empty_lists);
	tcase_add_test(tc, test_inventory_error_wrapped_vlan);
	tcase_add_test(tc, test_inventory_error_duplicate_mac);
	tcase_add_test(tc, test_inventory_error_zone_overlap);
	tcase_add_test(tc, test_inventory_error_unreadable_file);
	tcase_add_test(tc, test_inventory_include_names_its_file);
	tcase_add_test(tc, test_inventory_error_range_overlap_other_roles);
	tcase_add_test(tc, test_inventory_error_bad_range);
	suite_add_tcase(s, tc);

	tc = tcase_create("groups");
	tcase_add_unchecked_fixture(tc, tmp_setup, tmp_teardown);
	tcase_add_test(tc, test_inventory_range_prefix_and_dash);
	tcase_add_test(tc, test_inventory_range_exact_host_wins);
	tcase_add_test(tc, test_inventory_range_narrowest_of_same_roles);
	tcase_add_test(tc, test_inventory_range_oui_and_macs);
	tcase_add_test(tc, test_inventory_range_prefixes_exact);
	tcase_add_test(tc, test_inventory_load_10000_hosts);
	tcase_add_test(tc, test_inventory_documented_example);
	tcase_add_test(tc, test_inventory_host_with_empty_roles);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_run(inventory_suite());
}

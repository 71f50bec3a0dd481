/*
 * check_format.c - unit tests of the alert renderers: text and JSON
 * unchanged, RFC 5424 header and structured data, CEF, LEEF, and a
 * hostile host name inert in every format.
 */
#include <check.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "communityid.h"
#include "format.h"
#include "role.h"
#include "check_run.h"

static const char hostile[] = "a\"] [x@1 y=\"z\n<13>1 fake|x=y^\\";

static void
mk_alert(struct alert *a, const char *host_name)
{
	static const uint8_t c4[4] = { 10, 1, 2, 3 }, s4[4] = { 10, 1, 9, 8 };

	memset(a, 0, sizeof(*a));
	a->kind = POLICY_CLEARTEXT;
	a->severity = 7;
	strcpy(a->rule_id, "XP-MS-0080");
	strcpy(a->rule_name, "Management server HTTP");
	strcpy(a->section, "Ports used by the management server");
	strcpy(a->nist, "SC-8");
	a->ts = 1714557600123456ULL;	/* 2024-05-01T10:00:00.123456Z */
	addr_from_v4(&a->client.addr, c4);
	a->client.port = 51000;
	addr_from_v4(&a->server.addr, s4);
	a->server.port = 80;
	a->server.roles = ROLE_BIT(ROLE_MANAGEMENT_SERVER);
	strcpy(a->server.host, "ms01");
	a->client.has_mac = 1;
	memcpy(a->client.mac, "\x00\x11\x22\x33\x44\x55", 6);
	a->transport = IPPROTO_TCP;
	strcpy(a->protocol, "HTTP");
	a->state = POLICY_ESTABLISHED;
	snprintf(a->host_name, sizeof(a->host_name), "%s", host_name);
	strcpy(a->reason, "cleartext HTTP to the management server");
	a->count = 1;
	a->first_seen = a->last_seen = a->ts;
	a->flow_start = a->ts - 2000000;	/* 09:59:58.123456 */
	a->instance = 0x1234;
	a->seq = 7;
}

static int
has_control(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 1;
	return 0;
}

START_TEST(test_format_lookup_names)
{
	ck_assert_int_eq(format_lookup("rfc5424"), FORMAT_RFC5424);
	ck_assert_int_eq(format_lookup("cef"), FORMAT_CEF);
	ck_assert_int_eq(format_lookup("leef"), FORMAT_LEEF);
	ck_assert_int_eq(format_lookup("json"), FORMAT_JSON);
	ck_assert_int_eq(format_lookup("xml"), -1);
	ck_assert_str_eq(format_name(FORMAT_LEEF), "leef");
}
END_TEST

START_TEST(test_format_findings_fields)
{
	struct alert a;
	char buf[FORMAT_LINE_MAX];
	int n;

	/* A scan: its counts and the kinds its probes broke. */
	mk_alert(&a, "");
	a.kind = POLICY_SCAN;
	a.scan_targets = 32;
	a.scan_hosts = 8;
	a.scan_ports = 4;
	a.scan_refused = 16;
	a.scan_unanswered = 16;
	a.scan_kinds = 1u << POLICY_CAMERA_NON_RECORDER |
	    1u << POLICY_UNDOCUMENTED_FLOW;
	n = format_alert(buf, sizeof(buf), FORMAT_JSON, &a);
	ck_assert_int_gt(n, 0);
	ck_assert_ptr_nonnull(strstr(buf, "\"scan\":{\"targets\":32,"
	    "\"hosts\":8,\"ports\":4,\"refused\":16,\"unanswered\":16,"
	    "\"kinds\":[\"camera-non-recorder\",\"undocumented-flow\"]}"));
	n = format_alert(buf, sizeof(buf), FORMAT_RFC5424, &a);
	ck_assert_int_gt(n, 0);
	ck_assert_ptr_nonnull(strstr(buf, "scanTargets=\"32\""));
	/* A guessed protocol, a session's streams, a certificate's clients. */
	mk_alert(&a, "");
	a.dpi_guessed = 1;
	a.streams = 2;
	n = format_alert(buf, sizeof(buf), FORMAT_JSON, &a);
	ck_assert_ptr_nonnull(strstr(buf, "\"dpi\":\"guessed\""));
	ck_assert_ptr_nonnull(strstr(buf, "\"media_streams\":2"));
	ck_assert_ptr_null(strstr(buf, "\"scan\""));
	a.kind = POLICY_WEAK_TLS;
	a.clients = 5;
	a.repeat = 1;
	n = format_alert(buf, sizeof(buf), FORMAT_JSON, &a);
	ck_assert_ptr_nonnull(strstr(buf, "\"clients\":5"));
	n = format_alert(buf, sizeof(buf), FORMAT_TEXT, &a);
	ck_assert_ptr_nonnull(strstr(buf, " clients=5: "));
	n = format_alert(buf, sizeof(buf), FORMAT_LEEF, &a);
	ck_assert_ptr_nonnull(strstr(buf, "clients=5"));
	ck_assert_ptr_nonnull(strstr(buf, "dpi=guessed"));
}
END_TEST

START_TEST(test_format_text_unchanged)
{
	struct alert a;
	char buf[2048];
	int n;

	mk_alert(&a, "ms01.example");
	n = format_alert(buf, sizeof(buf), FORMAT_TEXT, &a);
	ck_assert_int_gt(n, 0);
	ck_assert_str_eq(buf, "2024-05-01T10:00:00.123456Z [7] cleartext "
	    "XP-MS-0080 10.1.2.3:51000 -> 10.1.9.8:80 (ms01 "
	    "management_server) tcp/HTTP established host=ms01.example: "
	    "cleartext HTTP to the management server\n");
}
END_TEST

START_TEST(test_format_json_ends_in_newline)
{
	struct alert a;
	char buf[4096];
	int n;

	mk_alert(&a, "ms01.example");
	n = format_alert(buf, sizeof(buf), FORMAT_JSON, &a);
	ck_assert_int_gt(n, 0);
	ck_assert_int_eq(buf[n - 1], '\n');
	ck_assert_ptr_nonnull(strstr(buf, "\"host_name\":\"ms01.example\""));
	ck_assert_ptr_nonnull(strstr(buf, "\"action\":\"cleartext\""));
	ck_assert(!has_control(buf, (size_t)n - 1));
}
END_TEST

START_TEST(test_format_rfc5424_header_and_sd)
{
	struct format_opts o;
	struct alert a;
	char buf[4096];
	int n;

	mk_alert(&a, "ms01.example");
	format_opts_defaults(&o);
	o.header = 1;
	o.newline = 0;
	o.hostname = "sensor 1";	/* a space is not allowed: '_' */
	o.procid = "42";
	n = format_alert_opts(buf, sizeof(buf), FORMAT_RFC5424, &a, &o);
	ck_assert_int_gt(n, 0);
	/* local5 (21) * 8 + err (3) = 171 */
	ck_assert_msg(strncmp(buf, "<171>1 2024-05-01T10:00:00.123456Z "
	    "sensor_1 vmswatch 42 cleartext [alert@32473 id=\"0000000000001234-7\" "
	    "kind=\"cleartext\" severity=\"7\" ruleId=\"XP-MS-0080\"", 140) == 0,
	    "%s", buf);
	ck_assert_ptr_nonnull(strstr(buf, " flowStart=\"2024-05-01T09:59:58."
	    "123456Z\" "));
	o.observer_name = "vms-sensor-a";
	o.observer_ip = "192.0.2.250";
	format_alert_opts(buf, sizeof(buf), FORMAT_RFC5424, &a, &o);
	ck_assert_ptr_nonnull(strstr(buf, " repeat=\"0\" sensor=\"vms-sensor-a\""
	    " sensorIp=\"192.0.2.250\"]"));
	ck_assert_ptr_nonnull(strstr(buf, "[client@32473 ip=\"10.1.2.3\" "
	    "port=\"51000\" mac=\"00:11:22:33:44:55\" internet=\"0\"]"
	    "[server@32473 ip=\"10.1.9.8\" port=\"80\" host=\"ms01\" "
	    "roles=\"management_server\" internet=\"0\"] cleartext "));
	ck_assert_ptr_nonnull(strstr(buf, "hostName=\"ms01.example\""));
	ck_assert_int_ne(buf[n - 1], '\n');
}
END_TEST

START_TEST(test_format_rfc5424_enterprise_and_sevmap)
{
	struct format_opts o;
	struct alert a;
	char buf[4096];

	mk_alert(&a, "");
	format_opts_defaults(&o);
	o.header = 1;
	o.enterprise = 99999;
	o.facility = 16;
	o.sevmap[7] = 1;
	ck_assert_int_gt(format_alert_opts(buf, sizeof(buf), FORMAT_RFC5424,
	    &a, &o), 0);
	ck_assert_msg(strncmp(buf, "<129>1 ", 7) == 0, "%s", buf);
	ck_assert_ptr_nonnull(strstr(buf, "[alert@99999 "));
	ck_assert_ptr_null(strstr(buf, "hostName="));
	/* Nil fields (RFC 5424 NILVALUE) for hostname and procid. */
	ck_assert_ptr_nonnull(strstr(buf, "Z - vmswatch - cleartext ["));
}
END_TEST

START_TEST(test_format_default_severity_map)
{
	struct format_opts o;
	static const int want[11] = { 6, 6, 6, 5, 5, 4, 4, 3, 2, 2, 2 };
	int i;

	format_opts_defaults(&o);
	for (i = 0; i <= 10; i++)
		ck_assert_int_eq(format_syslog_severity(&o, i), want[i]);
	ck_assert_int_eq(format_syslog_severity(&o, -3), 6);
	ck_assert_int_eq(format_syslog_severity(&o, 99), 2);
}
END_TEST

START_TEST(test_format_cef_fields)
{
	struct alert a;
	char buf[4096];
	int n;

	mk_alert(&a, "ms01.example");
	n = format_alert(buf, sizeof(buf), FORMAT_CEF, &a);
	ck_assert_int_gt(n, 0);
	/* The signature id is the rule and the kind; dvchost the sensor. */
	ck_assert_msg(strncmp(buf, "CEF:0|vmswatch|vmswatch|0.1.0|"
	    "XP-MS-0080:cleartext|Management server HTTP|7|rt=1714557600123 "
	    "cat=cleartext act=alert externalId=0000000000001234-7 dvchost=",
	    132) == 0, "%s", buf);
	ck_assert_msg(strstr(buf, " src=10.1.2.3 spt=51000 dst=10.1.9.8 dpt=80 proto=TCP "
	    "app=HTTP smac=00:11:22:33:44:55 dhost=ms01 outcome=established "
	    "cnt=1 start=1714557600123 end=1714557600123 cs1Label=hostName "
	    "cs1=ms01.example cs3Label=serverRoles") != NULL, "%s", buf);
	ck_assert_ptr_nonnull(strstr(buf, " msg=cleartext HTTP to the "
	    "management server\n"));
}
END_TEST

START_TEST(test_format_leef_fields)
{
	struct format_opts o;
	struct alert a;
	char buf[4096];

	mk_alert(&a, "ms01.example");
	format_opts_defaults(&o);
	o.leef_delim = '|' + 1;	/* '}' */
	ck_assert_int_gt(format_alert_opts(buf, sizeof(buf), FORMAT_LEEF, &a,
	    &o), 0);
	ck_assert_msg(strncmp(buf, "LEEF:2.0|vmswatch|vmswatch|0.1.0|"
	    "cleartext|}|devTime=2024-05-01T10:00:00.123Z}devTimeFormat="
	    "yyyy-MM-dd'T'HH:mm:ss.SSSX}cat=cleartext}sev=7}src=10.1.2.3"
	    "}srcPort=51000}dst=10.1.9.8}dstPort=80}proto=tcp", 160) == 0,
	    "%s", buf);
	ck_assert_ptr_nonnull(strstr(buf, "}hostName=ms01.example}"));
}
END_TEST

START_TEST(test_format_hostile_inert_everywhere)
{
	struct format_opts o;
	struct alert a;
	char buf[4096];
	int f, n;

	mk_alert(&a, hostile);
	format_opts_defaults(&o);
	for (f = 0; f < FORMAT_MAX; f++) {
		o.header = f == FORMAT_RFC5424;
		n = format_alert_opts(buf, sizeof(buf), f, &a, &o);
		ck_assert_int_gt(n, 0);
		ck_assert_msg(!has_control(buf, (size_t)n - 1), "%s: %s",
		    format_name(f), buf);
		ck_assert_ptr_null(strstr(buf, "\n<13>"));
	}
	o.header = 1;
	format_alert_opts(buf, sizeof(buf), FORMAT_RFC5424, &a, &o);
	ck_assert_msg(strstr(buf, " hostName=\"a\\\"\\] [x@1 y=\\\"z\\\\x0a"
	    "<13>1 fake|x=y^\\\\\" ") != NULL, "%s", buf);
	o.header = 0;
	format_alert_opts(buf, sizeof(buf), FORMAT_CEF, &a, &o);
	ck_assert_msg(strstr(buf, " cs1=a\"] [x@1 y\\=\"z\\n<13>1 fake|x\\=y^"
	    "\\\\ ") != NULL, "%s", buf);
	format_alert_opts(buf, sizeof(buf), FORMAT_LEEF, &a, &o);
	ck_assert_msg(strstr(buf, "^hostName=a\"] [x@1 y=\"z\\x0a<13>1 fake"
	    "|x=y\\x5e\\^") != NULL, "%s", buf);
	format_alert_opts(buf, sizeof(buf), FORMAT_JSON, &a, &o);
	ck_assert_msg(strstr(buf, "\"host_name\":\"a\\\"] [x@1 y=\\\"z\\n<13>1 "
	    "fake|x=y^\\\\\"") != NULL, "%s", buf);
}
END_TEST

START_TEST(test_format_hostile_rule_strings_and_header)
{
	struct format_opts o;
	struct alert a;
	char buf[4096];

	/* Free text from the inventory and the rules is escaped too. */
	mk_alert(&a, "");
	strcpy(a.rule_id, "R|1");
	strcpy(a.rule_name, "name\\with|pipe\r\n");
	strcpy(a.server.host, "ms\"01]");
	format_opts_defaults(&o);
	format_alert_opts(buf, sizeof(buf), FORMAT_CEF, &a, &o);
	ck_assert_msg(strncmp(buf, "CEF:0|vmswatch|vmswatch|0.1.0|R\\|1:"
	    "cleartext|name\\\\with\\|pipe\\\\x0d\\\\x0a|7|", 70) == 0, "%s",
	    buf);
	o.header = 1;
	format_alert_opts(buf, sizeof(buf), FORMAT_RFC5424, &a, &o);
	ck_assert_ptr_nonnull(strstr(buf, "host=\"ms\\\"01\\]\""));
	format_alert_opts(buf, sizeof(buf), FORMAT_JSON, &a, &o);
	ck_assert_ptr_nonnull(strstr(buf, "\"host\":\"ms\\\"01]\""));
	ck_assert(!has_control(buf, strlen(buf) - 1));
}
END_TEST

START_TEST(test_format_too_small)
{
	struct alert a;
	char buf[64];
	int f;

	mk_alert(&a, "x");
	for (f = 0; f < FORMAT_MAX; f++)
		ck_assert_int_eq(format_alert(buf, sizeof(buf), f, &a), -1);
}
END_TEST

/* ---- ECS ---- */

/*
 * A small reader of the JSON the renderer writes (objects, arrays,
 * strings, numbers, literals): calls leaf() with the dotted name of every
 * value that is not an object.  Returns the position after the value, or
 * NULL if the text is not JSON.
 */
static const char *
json_walk(const char *p, char *path, size_t plen,
    void (*leaf)(const char *path, const char *val, void *), void *arg)
{
	size_t base = strlen(path), k;
	const char *v;

	if (*p == '{') {
		p++;
		while (*p != '}') {
			if (*p++ != '"')
				return NULL;
			k = base;
			if (k > 0 && k + 1 < plen)
				path[k++] = '.';
			while (*p != '"' && *p && k + 1 < plen)
				path[k++] = *p++;
			path[k] = '\0';
			if (*p++ != '"' || *p++ != ':')
				return NULL;
			if ((p = json_walk(p, path, plen, leaf, arg)) == NULL)
				return NULL;
			path[base] = '\0';
			if (*p == ',')
				p++;
			else if (*p != '}')
				return NULL;
		}
		return p + 1;
	}
	v = p;
	if (*p == '[') {
		for (p++; *p != ']'; ) {
			if ((p = json_walk(p, path, plen, NULL, NULL)) == NULL)
				return NULL;
			if (*p == ',')
				p++;
			else if (*p != ']')
				return NULL;
		}
		p++;
	} else if (*p == '"') {
		for (p++; *p != '"'; p++) {
			if (*p == '\0')
				return NULL;
			if (*p == '\\')
				p++;
		}
		p++;
	} else {
		while (*p && strchr(",}]", *p) == NULL)
			p++;
	}
	if (leaf != NULL)
		leaf(path, v, arg);
	return p;
}

struct ecs_check {
	char names[256][128];
	int n, checked;
};

static void
ecs_leaf(const char *path, const char *val, void *arg)
{
	struct ecs_check *c = arg;
	int i;

	(void)val;
	if (strncmp(path, "vmswatch.", 9) == 0)
		return;
	c->checked++;
	for (i = 0; i < c->n; i++)
		if (strcmp(c->names[i], path) == 0)
			return;
	ck_abort_msg("%s is not an ECS 8.x field (tests/ecs_fields.txt)",
	    path);
}

static void
ecs_load(struct ecs_check *c)
{
	char line[128];
	FILE *f = fopen(VW_SRCDIR "/tests/ecs_fields.txt", "r");
	size_t n;

	ck_assert_ptr_nonnull(f);
	memset(c, 0, sizeof(*c));
	while (fgets(line, sizeof(line), f) != NULL) {
		n = strcspn(line, "\n");
		line[n] = '\0';
		if (line[0] == '#' || n == 0)
			continue;
		ck_assert_int_lt(c->n, 256);
		snprintf(c->names[c->n++], sizeof(c->names[0]), "%s", line);
	}
	fclose(f);
	ck_assert_int_gt(c->n, 40);
}

/* Options with a fixed sensor, so that lines do not depend on the host. */
static void
opts_sensor(struct format_opts *o)
{
	format_opts_defaults(o);
	o->observer_hostname = "sensor01.site";
	o->observer_name = "vms-sensor-a";
}

/* Every field outside vmswatch.* is in the ECS list, for alerts of
 * several shapes: TLS with SNI, HTTP, ARP, IPv6, a repeat. */
START_TEST(test_format_json_ecs_field_names)
{
	static struct ecs_check c;
	struct format_opts o;
	struct alert a;
	char buf[FORMAT_LINE_MAX], path[256];
	int shape;

	ecs_load(&c);
	opts_sensor(&o);
	o.observer_ip = "192.0.2.250";
	for (shape = 0; shape < 5; shape++) {
		mk_alert(&a, "ms01.example");
		if (shape == 1)
			strcpy(a.protocol, "TLS.Google");
		if (shape == 2) {
			a.kind = POLICY_UNKNOWN_DEVICE;
			a.transport = 0;
			a.protocol[0] = '\0';
		}
		if (shape == 3) {
			addr_parse("2001:db8::1", &a.client.addr);
			addr_parse("2001:db8::2", &a.server.addr);
			strcpy(a.protocol, "DNS");
			a.vlan = 20;
			a.direction = POLICY_DIR_OUTBOUND;
			a.risk = 1;
		}
		if (shape == 4) {
			a.repeat = 1;
			a.count = 3;
			strcpy(a.client.host, "ws01");
			strcpy(a.client.zone, "clients");
		}
		ck_assert_int_gt(format_alert_opts(buf, sizeof(buf),
		    FORMAT_JSON, &a, &o), 0);
		path[0] = '\0';
		ck_assert_msg(json_walk(buf, path, sizeof(path), ecs_leaf, &c)
		    != NULL, "not JSON: %s", buf);
	}
	ck_assert_int_gt(c.checked, 100);
}
END_TEST

START_TEST(test_format_json_ecs_values)
{
	struct format_opts o;
	struct alert a;
	char buf[FORMAT_LINE_MAX], cid[COMMUNITYID_LEN], want[128];

	opts_sensor(&o);
	mk_alert(&a, "ms01.example");
	ck_assert_int_gt(format_alert_opts(buf, sizeof(buf), FORMAT_JSON, &a,
	    &o), 0);
	ck_assert_ptr_nonnull(strstr(buf, "\"ecs\":{\"version\":\"8."));
	ck_assert_ptr_nonnull(strstr(buf, "\"message\":\"cleartext XP-MS-0080 "
	    "10.1.2.3:51000 -> 10.1.9.8:80 (ms01 management_server) tcp/HTTP "
	    "established host=ms01.example: cleartext HTTP to the management "
	    "server\""));
	ck_assert_ptr_nonnull(strstr(buf, "\"type\":[\"connection\","
	    "\"allowed\"],\"module\":\"vmswatch\""));
	ck_assert_ptr_nonnull(strstr(buf, "\"id\":\"0000000000001234-7\""));
	ck_assert_ptr_nonnull(strstr(buf, "\"created\":\"2024-05-01T10:00:00."
	    "123456Z\",\"start\":\"2024-05-01T09:59:58.123456Z\",\"end\":"
	    "\"2024-05-01T10:00:00.123456Z\""));
	ck_assert_ptr_nonnull(strstr(buf, "\"observer\":{\"hostname\":"
	    "\"sensor01.site\",\"name\":\"vms-sensor-a\",\"type\":\"sensor\","
	    "\"vendor\":\"vmswatch\",\"product\":\"vmswatch\",\"version\":"));
	ck_assert_ptr_nonnull(strstr(buf, "\"network\":{\"type\":\"ipv4\""));
	communityid_v1(cid, sizeof(cid), 0, &a.client.addr, &a.server.addr,
	    IPPROTO_TCP, 51000, 80);
	snprintf(want, sizeof(want), "\"community_id\":\"%s\"", cid);
	ck_assert_ptr_nonnull(strstr(buf, want));
	ck_assert_ptr_nonnull(strstr(buf, "\"related\":{\"ip\":[\"10.1.2.3\","
	    "\"10.1.9.8\"],\"hosts\":[\"ms01\"]}"));
	/* HTTP: the Host in url.domain and destination.domain. */
	ck_assert_ptr_nonnull(strstr(buf, "\"domain\":\"ms01.example\"}"));
	ck_assert_ptr_nonnull(strstr(buf, "\"url\":{\"domain\":"
	    "\"ms01.example\"}"));
	ck_assert_ptr_null(strstr(buf, "\"tls\":"));
	/* The section is a title, not a URL: rule.category, no reference. */
	ck_assert_ptr_null(strstr(buf, "\"reference\""));
	ck_assert_ptr_nonnull(strstr(buf, "\"category\":\"Ports used by the "
	    "management server\""));
	/* TLS: the SNI in tls.client.server_name. */
	strcpy(a.protocol, "TLS.Google");
	a.state = POLICY_REFUSED;
	format_alert_opts(buf, sizeof(buf), FORMAT_JSON, &a, &o);
	ck_assert_ptr_nonnull(strstr(buf, "\"tls\":{\"client\":{"
	    "\"server_name\":\"ms01.example\"}}"));
	ck_assert_ptr_nonnull(strstr(buf, "\"type\":[\"connection\","
	    "\"denied\"]"));
	ck_assert_ptr_null(strstr(buf, "\"url\":"));
	/* The observer's name defaults to its host name. */
	o.observer_name = NULL;
	format_alert_opts(buf, sizeof(buf), FORMAT_JSON, &a, &o);
	ck_assert_ptr_nonnull(strstr(buf, "\"name\":\"sensor01.site\""));
	/* ARP: no connection, no community id. */
	a.kind = POLICY_UNKNOWN_DEVICE;
	a.transport = 0;
	format_alert_opts(buf, sizeof(buf), FORMAT_JSON, &a, &o);
	ck_assert_ptr_nonnull(strstr(buf, "\"type\":[\"info\"]"));
	ck_assert_ptr_null(strstr(buf, "community_id"));
}
END_TEST

/* A wire byte that is not UTF-8: U+FFFD in the string, raw hex beside. */
START_TEST(test_format_json_invalid_utf8_hex)
{
	struct alert a;
	char buf[FORMAT_LINE_MAX];

	mk_alert(&a, "caf\xe9.example");
	ck_assert_int_gt(format_alert(buf, sizeof(buf), FORMAT_JSON, &a), 0);
	ck_assert_ptr_nonnull(strstr(buf, "\"host_name\":\"caf\\ufffd.example\","
	    "\"host_name_hex\":\"636166e92e6578616d706c65\""));
	ck_assert_ptr_null(strstr(buf, "\\u00e9"));
	mk_alert(&a, "caf\xc3\xa9.example");
	format_alert(buf, sizeof(buf), FORMAT_JSON, &a);
	ck_assert_ptr_null(strstr(buf, "host_name_hex"));
}
END_TEST

/* A C1 control (NEL, CSI) from the wire never reaches a line raw. */
START_TEST(test_format_c1_escaped_every_format)
{
	struct alert a;
	char buf[FORMAT_LINE_MAX];
	int f;

	mk_alert(&a, "x\xc2\x85y\xc2\x9b[2J");
	for (f = 0; f < FORMAT_MAX; f++) {
		ck_assert_int_gt(format_alert(buf, sizeof(buf), f, &a), 0);
		ck_assert_msg(strstr(buf, "\xc2\x85") == NULL &&
		    strstr(buf, "\xc2\x9b") == NULL, "%s: %s",
		    format_name(f), buf);
	}
}
END_TEST

/* IPv6 ends in c6a2/c6a3 with labels, never in src/dst. */
START_TEST(test_format_cef_ipv6_and_sensor)
{
	struct format_opts o;
	struct alert a;
	char buf[FORMAT_LINE_MAX];

	opts_sensor(&o);
	o.observer_ip = "192.0.2.250";
	mk_alert(&a, "");
	addr_parse("2001:db8::1", &a.client.addr);
	addr_parse("2001:db8::2", &a.server.addr);
	ck_assert_int_gt(format_alert_opts(buf, sizeof(buf), FORMAT_CEF, &a,
	    &o), 0);
	ck_assert_ptr_nonnull(strstr(buf, " dvchost=vms-sensor-a "
	    "dvc=192.0.2.250 c6a2Label=Source IPv6 Address c6a2=2001:db8::1 "
	    "spt=51000 c6a3Label=Destination IPv6 Address c6a3=2001:db8::2 "
	    "dpt=80 "));
	ck_assert_ptr_null(strstr(buf, " src="));
	ck_assert_ptr_null(strstr(buf, " dst="));
	ck_assert_ptr_nonnull(strstr(buf, " cat=cleartext "));
	/* Another kind of the same rule: another signature id. */
	a.kind = POLICY_PROTOCOL_MISMATCH;
	format_alert_opts(buf, sizeof(buf), FORMAT_CEF, &a, &o);
	ck_assert_ptr_nonnull(strstr(buf, "|XP-MS-0080:protocol-mismatch|"));
}
END_TEST

/* A tab delimiter: "x09" in the header, tabs between attributes only. */
START_TEST(test_format_leef_tab_and_identity)
{
	struct format_opts o;
	struct alert a;
	char buf[FORMAT_LINE_MAX];

	opts_sensor(&o);
	o.leef_delim = '\t';
	mk_alert(&a, "ms01\texample");
	strcpy(a.client.host, "ws01");
	ck_assert_int_gt(format_alert_opts(buf, sizeof(buf), FORMAT_LEEF, &a,
	    &o), 0);
	ck_assert_msg(strncmp(buf, "LEEF:2.0|vmswatch|vmswatch|0.1.0|"
	    "cleartext|x09|devTime=2024-05-01T10:00:00.123Z\tdevTimeFormat="
	    "yyyy-MM-dd'T'HH:mm:ss.SSSX\tcat=cleartext\t", 120) == 0, "%s",
	    buf);
	ck_assert_ptr_nonnull(strstr(buf, "\tidentSrc=10.1.2.3\t"
	    "identHostName=ws01\t"));
	ck_assert_ptr_nonnull(strstr(buf, "\thostName=ms01\\x09example\t"));
	ck_assert_ptr_nonnull(strstr(buf, "\tsensor=vms-sensor-a\t"));
}
END_TEST

/*
 * The longest alert (every text at its loader's limit, every byte one
 * that escapes to the longest form) fits in FORMAT_LINE_MAX in every
 * format, header included, its rule name whole.
 */
START_TEST(test_format_longest_fits)
{
	static char buf[FORMAT_LINE_MAX];
	static const int maxlen[FORMAT_MAX] = {
		[FORMAT_TEXT] = 5 * 1024, [FORMAT_JSON] = 40 * 1024,
		[FORMAT_RFC5424] = 20 * 1024, [FORMAT_CEF] = 22 * 1024,
		[FORMAT_LEEF] = 20 * 1024,
	};
	struct format_opts o;
	struct alert a;
	static char ctl[256];
	int f, n;

	mk_alert(&a, "");
	memset(a.rule_id, 'I', sizeof(a.rule_id) - 1);
	a.rule_id[sizeof(a.rule_id) - 1] = '\0';
	/* "\x01" is "\u0001" (6) in JSON, "\\x01" (5) in SD and CEF. */
	memset(a.rule_name, 1, sizeof(a.rule_name) - 1);
	a.rule_name[sizeof(a.rule_name) - 1] = '\0';
	memcpy(a.rule_name, "NAME", 4);
	memset(a.section, 1, sizeof(a.section) - 1);
	a.section[sizeof(a.section) - 1] = '\0';
	memset(a.nist, 1, sizeof(a.nist) - 1);
	a.nist[sizeof(a.nist) - 1] = '\0';
	memset(a.reason, 1, sizeof(a.reason) - 1);
	a.reason[sizeof(a.reason) - 1] = '\0';
	memset(a.host_name, 1, sizeof(a.host_name) - 1);
	a.host_name[sizeof(a.host_name) - 1] = '\0';
	memset(a.protocol, 1, sizeof(a.protocol) - 1);
	a.protocol[sizeof(a.protocol) - 1] = '\0';
	memset(a.client.host, 1, sizeof(a.client.host) - 1);
	memset(a.server.host, 2, sizeof(a.server.host) - 1);
	memset(a.client.zone, 1, sizeof(a.client.zone) - 1);
	memset(a.server.zone, 1, sizeof(a.server.zone) - 1);
	a.client.host[sizeof(a.client.host) - 1] = '\0';
	a.server.host[sizeof(a.server.host) - 1] = '\0';
	a.client.zone[sizeof(a.client.zone) - 1] = '\0';
	a.server.zone[sizeof(a.server.zone) - 1] = '\0';
	a.client.roles = a.server.roles = ~0ull;
	a.risk = ~0ull;
	addr_parse("ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe", &a.client.addr);
	addr_parse("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", &a.server.addr);
	a.vlan = 4094;
	a.direction = POLICY_DIR_OUTBOUND;
	a.repeat = 1;
	a.count = UINT64_MAX;
	a.instance = a.seq = UINT64_MAX;
	format_opts_defaults(&o);
	o.header = 1;
	o.hostname = o.procid = o.app_name = "hhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhh";
	/* The sensor's name and the product strings at 255 controls each. */
	memset(ctl, 1, sizeof(ctl) - 1);
	ctl[sizeof(ctl) - 1] = '\0';
	o.observer_hostname = o.observer_name = o.vendor = o.product =
	    o.version = ctl;
	o.observer_ip = "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255";
	for (f = 0; f < FORMAT_MAX; f++) {
		n = format_alert_opts(buf, sizeof(buf), f, &a, &o);
		ck_assert_msg(n > 0, "%s does not fit", format_name(f));
		/* The maxima vmswatch.conf(5) documents, per format. */
		ck_assert_msg(n <= maxlen[f], "%s: %d bytes, more than the "
		    "documented %d", format_name(f), n, maxlen[f]);
		/* The text line names the rule by its id only. */
		ck_assert(f == FORMAT_TEXT || strstr(buf, "NAME") != NULL);
		ck_assert_ptr_nonnull(strstr(buf, a.rule_id));
	}
	/* And the JSON one is longer than the old 8 KiB line of the sinks. */
	ck_assert_int_gt(format_alert_opts(buf, sizeof(buf), FORMAT_JSON, &a,
	    &o), 8192);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("format");
	TCase *tc = tcase_create("format");

	tcase_add_test(tc, test_format_lookup_names);
	tcase_add_test(tc, test_format_text_unchanged);
	tcase_add_test(tc, test_format_findings_fields);
	tcase_add_test(tc, test_format_json_ends_in_newline);
	tcase_add_test(tc, test_format_rfc5424_header_and_sd);
	tcase_add_test(tc, test_format_rfc5424_enterprise_and_sevmap);
	tcase_add_test(tc, test_format_default_severity_map);
	tcase_add_test(tc, test_format_cef_fields);
	tcase_add_test(tc, test_format_leef_fields);
	tcase_add_test(tc, test_format_hostile_inert_everywhere);
	tcase_add_test(tc, test_format_hostile_rule_strings_and_header);
	tcase_add_test(tc, test_format_too_small);
	tcase_add_test(tc, test_format_json_ecs_field_names);
	tcase_add_test(tc, test_format_json_ecs_values);
	tcase_add_test(tc, test_format_json_invalid_utf8_hex);
	tcase_add_test(tc, test_format_c1_escaped_every_format);
	tcase_add_test(tc, test_format_cef_ipv6_and_sensor);
	tcase_add_test(tc, test_format_leef_tab_and_identity);
	tcase_add_test(tc, test_format_longest_fits);
	suite_add_tcase(s, tc);
	return check_run(s);
}

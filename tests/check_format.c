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
	    "sensor_1 vmswatch 42 cleartext [alert@32473 kind=\"cleartext\" "
	    "severity=\"7\" ruleId=\"XP-MS-0080\"", 115) == 0, "%s", buf);
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
	ck_assert_msg(strncmp(buf, "CEF:0|vmswatch|vmswatch|0.1.0|XP-MS-0080|"
	    "Management server HTTP|7|rt=1714557600123 cat=cleartext "
	    "act=alert src=10.1.2.3 spt=51000 dst=10.1.9.8 dpt=80 proto=TCP "
	    "app=HTTP smac=00:11:22:33:44:55 dhost=ms01 outcome=established "
	    "cnt=1 start=1714557600123 end=1714557600123 cs1Label=hostName "
	    "cs1=ms01.example cs2Label=clientRoles", 300) == 0, "%s", buf);
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
	ck_assert_msg(strncmp(buf, "CEF:0|vmswatch|vmswatch|0.1.0|R\\|1|"
	    "name\\\\with\\|pipe\\\\x0d\\\\x0a|7|", 60) == 0, "%s", buf);
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

int
main(void)
{
	Suite *s = suite_create("format");
	TCase *tc = tcase_create("format");

	tcase_add_test(tc, test_format_lookup_names);
	tcase_add_test(tc, test_format_text_unchanged);
	tcase_add_test(tc, test_format_json_ends_in_newline);
	tcase_add_test(tc, test_format_rfc5424_header_and_sd);
	tcase_add_test(tc, test_format_rfc5424_enterprise_and_sevmap);
	tcase_add_test(tc, test_format_default_severity_map);
	tcase_add_test(tc, test_format_cef_fields);
	tcase_add_test(tc, test_format_leef_fields);
	tcase_add_test(tc, test_format_hostile_inert_everywhere);
	tcase_add_test(tc, test_format_hostile_rule_strings_and_header);
	tcase_add_test(tc, test_format_too_small);
	suite_add_tcase(s, tc);
	return check_run(s);
}

/*
 * check_report.c - the coverage report module: verdicts counted per rule
 * with their hosts, undocumented flows folded per role pair and port,
 * alerts per kind and rule, the files written whole, wire-free escaping
 * of what goes into the page.  A small site, the shipped rules, verdicts
 * made by hand; the pipeline only lends its (empty) counters.
 */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "conf.h"
#include "pipeline.h"
#include "report.h"
#include "role.h"
#include "check_run.h"
#include "tmpdir.h"

static const char inventory_text[] =
    "site = \"report-test\";\n"
    "zones = (\n"
    "  { name = \"servers\"; purpose = \"server\";"
    " networks = [ \"192.168.10.0/24\" ]; },\n"
    "  { name = \"clients\"; purpose = \"client\";"
    " networks = [ \"192.168.20.0/24\" ]; }\n"
    ");\n"
    "hosts = (\n"
    "  { name = \"ms01\"; address = \"192.168.10.10\";"
    " roles = [ \"management_server\" ]; },\n"
    "  { name = \"rs01\"; address = \"192.168.10.20\";"
    " roles = [ \"recording_server\" ]; },\n"
    "  { name = \"rs02\"; address = \"192.168.10.21\";"
    " roles = [ \"recording_server\" ]; },\n"
    "  { name = \"sc01\"; address = \"192.168.20.31\";"
    " roles = [ \"smart_client\" ]; }\n"
    ");\n";

static char tmpdir[256], outdir[512];
static struct inventory *inv;
static struct ruleset *rs;
static struct conf *conf;
static struct pipeline *pl;
static struct report *rep;
static char *json, *html;

static void
setup(void)
{
	char path[512], invpath[512], err[4096];
	const char *paths[1] = { path };
	const char *d = getenv("VW_SRCDIR");

	tmpdir_make(tmpdir, sizeof(tmpdir), "check_report");
	ck_assert_int_eq(tmpdir_write(tmpdir, "site.conf", inventory_text,
	    invpath, sizeof(invpath)), 0);
	snprintf(path, sizeof(path), "%s/rules/xprotect.conf",
	    d != NULL && *d != '\0' ? d : ".");
	rs = rules_load(paths, 1, err, sizeof(err));
	ck_assert_msg(rs != NULL, "rules: %s", err);
	inv = inventory_load(invpath, err, sizeof(err));
	ck_assert_msg(inv != NULL, "inventory: %s", err);
	conf = conf_defaults();
	ck_assert_ptr_nonnull(conf);
	pl = pipeline_new(conf, NULL, NULL);
	ck_assert_ptr_nonnull(pl);
	rep = report_new(inv, rs);
	ck_assert_ptr_nonnull(rep);
	snprintf(outdir, sizeof(outdir), "%s/out", tmpdir);
	json = html = NULL;
}

static void
teardown(void)
{
	free(json);
	free(html);
	report_free(rep);
	pipeline_free(pl);
	conf_free(conf);
	inventory_free(inv);
	rules_free(rs);
	tmpdir_remove(tmpdir);
}

static char *
slurp(const char *name)
{
	char path[1024];
	FILE *f;
	long n;
	char *s;

	snprintf(path, sizeof(path), "%s/%s", outdir, name);
	f = fopen(path, "r");
	ck_assert_msg(f != NULL, "%s not written", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	s = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(fread(s, 1, (size_t)n, f), (size_t)n);
	s[n] = '\0';
	fclose(f);
	return s;
}

static void
write_report(void)
{
	char err[512];

	ck_assert_msg(report_write(rep, outdir, REPORT_HTML, pl, err,
	    sizeof(err)) == 0, "report_write: %s", err);
	json = slurp("report.json");
	html = slurp("report.html");
}

/* One ended flow, client -> server:sport, as the policy would say it. */
static void
verdict(const char *client, const char *server, uint16_t sport,
    const char *rule_id, uint16_t raised, uint64_t t)
{
	struct policy_verdict pv;
	struct flow f;

	memset(&f, 0, sizeof(f));
	ck_assert_int_eq(addr_parse(client, &f.addr[FLOW_C2S]), 0);
	ck_assert_int_eq(addr_parse(server, &f.addr[FLOW_S2C]), 0);
	f.port[FLOW_C2S] = 50000;
	f.port[FLOW_S2C] = sport;
	f.proto = IPPROTO_TCP;
	f.pkts[FLOW_C2S] = 6;
	f.pkts[FLOW_S2C] = 4;
	f.bytes[FLOW_C2S] = 600;
	f.bytes[FLOW_S2C] = 400;
	f.first_ts = t;
	f.last_ts = t + 1000;
	memset(&pv, 0, sizeof(pv));
	pv.f = &f;
	pv.ci = FLOW_C2S;
	pv.client.addr = f.addr[FLOW_C2S];
	pv.client.port = 50000;
	pv.server.addr = f.addr[FLOW_S2C];
	pv.server.port = sport;
	pv.client.host = inventory_host(inv, &pv.client.addr);
	pv.server.host = inventory_host(inv, &pv.server.addr);
	pv.croles = pv.client.host ? pv.client.host->roles : 0;
	pv.sroles = pv.server.host ? pv.server.host->roles : 0;
	pv.transport = IPPROTO_TCP;
	pv.rule = rule_id != NULL ? rules_find(rs, rule_id) : NULL;
	pv.raised = raised;
	report_verdict(&pv, rep);
}

#define T0 1715677200000000ull

START_TEST(test_report_rule_counts_flows_and_hosts)
{
	verdict("192.168.10.20", "192.168.10.10", 9000, "XP-MS-9000", 0, T0);
	verdict("192.168.10.20", "192.168.10.10", 9000, "XP-MS-9000", 0,
	    T0 + 10);
	verdict("192.168.10.21", "192.168.10.10", 9000, "XP-MS-9000", 0,
	    T0 + 20);
	write_report();
	/* Three flows, 30 packets, 3000 bytes, two clients, one server. */
	ck_assert_ptr_nonnull(strstr(json, "{\"rule\":\"XP-MS-9000\""));
	ck_assert_ptr_nonnull(strstr(strstr(json, "\"XP-MS-9000\""),
	    "\"flows\":3,\"violating\":0,\"packets\":30,\"bytes\":3000,"
	    "\"clients\":[\"rs01\",\"rs02\"],\"servers\":[\"ms01\"]}"));
	/* Used rules are not in never_seen; unused ones are. */
	ck_assert_ptr_null(strstr(strstr(json, "\"never_seen\""),
	    "\"XP-MS-9000\""));
	ck_assert_ptr_nonnull(strstr(strstr(json, "\"never_seen\""),
	    "\"XP-MS-0443\""));
	/* Packets each way per host: rs01 sent 12, received 8. */
	ck_assert_ptr_nonnull(strstr(json, "{\"address\":\"192.168.10.20\","
	    "\"name\":\"rs01\",\"roles\":[\"recording_server\"]"));
	ck_assert_ptr_nonnull(strstr(strstr(json, "\"192.168.10.20\",\"name\""),
	    "\"flows\":2,\"packets_sent\":12,\"packets_received\":8,"));
	/* A documented, green cell in the matrix. */
	ck_assert_ptr_nonnull(strstr(json, "{\"client\":\"recording_server\","
	    "\"server\":\"management_server\",\"state\":\"documented\","
	    "\"flows\":3,"));
	ck_assert_ptr_nonnull(strstr(html, "data-client=\"recording_server\" "
	    "data-server=\"management_server\" data-state=\"documented\" "
	    "data-flows=\"3\""));
}
END_TEST

START_TEST(test_report_undocumented_folds_by_roles_and_port)
{
	/* A smart client on the recorder's 9000, twice, and once on 9001. */
	verdict("192.168.20.31", "192.168.10.10", 9000, NULL,
	    1u << POLICY_UNDOCUMENTED_FLOW, T0 + 5);
	verdict("192.168.20.31", "192.168.10.10", 9000, NULL,
	    1u << POLICY_UNDOCUMENTED_FLOW, T0);
	verdict("192.168.20.31", "192.168.10.10", 9001, NULL,
	    1u << POLICY_UNDOCUMENTED_FLOW, T0);
	write_report();
	ck_assert_ptr_nonnull(strstr(json, "{\"client_role\":\"smart_client\","
	    "\"server_role\":\"management_server\",\"server_port\":9000,"
	    "\"transport\":\"tcp\",\"rule\":null,"
	    "\"kinds\":[\"undocumented-flow\"],\"flows\":2,"
	    "\"undocumented_flows\":2,\"violating_flows\":2,\"examples\":["
	    "\"192.168.20.31:50000 -> 192.168.10.10:9000/tcp\","
	    "\"192.168.20.31:50000 -> 192.168.10.10:9000/tcp\"],"
	    "\"first_seen\":\"2024-05-14T09:00:00Z\""));
	ck_assert_ptr_nonnull(strstr(json, "\"server_port\":9001,"));
	/* One cell for both ports, violating. */
	ck_assert_ptr_nonnull(strstr(json, "{\"client\":\"smart_client\","
	    "\"server\":\"management_server\",\"state\":\"violating\","
	    "\"flows\":3,\"violating_flows\":3,\"ports\":\"9000, 9001\"}"));
}
END_TEST

START_TEST(test_report_alerts_by_kind_and_rule)
{
	struct alert a;

	memset(&a, 0, sizeof(a));
	a.kind = POLICY_CLEARTEXT;
	snprintf(a.rule_id, sizeof(a.rule_id), "XP-MS-0080");
	snprintf(a.section, sizeof(a.section), "Management Server service "
	    "and related processes");
	ck_assert_int_eq(addr_parse("192.168.20.31", &a.client.addr), 0);
	ck_assert_int_eq(addr_parse("192.168.10.10", &a.server.addr), 0);
	a.transport = IPPROTO_TCP;
	report_alert(rep, &a);
	report_alert(rep, &a);
	a.kind = POLICY_SCAN;
	/* Whatever a rule id holds, the page shows it as text. */
	snprintf(a.rule_id, sizeof(a.rule_id), "<b>x</b>");
	report_alert(rep, &a);
	write_report();
	ck_assert_ptr_nonnull(strstr(json, "\"alerts\":{\"total\":3,"
	    "\"by_kind\":{\"cleartext\":2,\"scan\":1},"
	    "\"by_rule\":{\"XP-MS-0080\":2,\"<b>x</b>\":1}}"));
	ck_assert_ptr_nonnull(strstr(html, "<td>&lt;b&gt;x&lt;/b&gt;</td>"));
	ck_assert_ptr_null(strstr(html, "<b>x</b>"));
	/* Both ends of the alerts are hosts with 3 alerts each. */
	ck_assert_ptr_nonnull(strstr(strstr(json, "\"192.168.20.31\",\"name\""),
	    "\"alerts\":3}"));
	/* The section's verdict: all three alerts name it. */
	ck_assert_ptr_nonnull(strstr(json, "{\"section\":\"Management Server "
	    "service and related processes\",\"rules\":"));
	ck_assert_ptr_nonnull(strstr(strstr(json, "{\"section\":\"Management "
	    "Server service"), "\"alerts\":3,\"verdict\":\"violations\"}"));
}
END_TEST

START_TEST(test_report_unwritable_folder_fails)
{
	char err[512], file[600];
	FILE *f;

	/* The folder's parent is a file: no report, and a reason. */
	snprintf(file, sizeof(file), "%s/plain", tmpdir);
	f = fopen(file, "w");
	ck_assert_ptr_nonnull(f);
	fclose(f);
	snprintf(outdir, sizeof(outdir), "%s/plain/out", tmpdir);
	ck_assert_int_eq(report_write(rep, outdir, REPORT_HTML, pl, err,
	    sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "plain/out"));
}
END_TEST

START_TEST(test_report_format_names)
{
	ck_assert_int_eq(report_format_lookup("html"), REPORT_HTML);
	ck_assert_int_eq(report_format_lookup("md"), REPORT_MD);
	ck_assert_int_eq(report_format_lookup("pdf"), -1);
}
END_TEST

static Suite *
report_suite(void)
{
	Suite *s = suite_create("report");
	TCase *tc = tcase_create("report");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_report_rule_counts_flows_and_hosts);
	tcase_add_test(tc, test_report_undocumented_folds_by_roles_and_port);
	tcase_add_test(tc, test_report_alerts_by_kind_and_rule);
	tcase_add_test(tc, test_report_unwritable_folder_fails);
	tcase_add_test(tc, test_report_format_names);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_run(report_suite());
}

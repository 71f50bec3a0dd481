/*
 * check_pipeline.c - the offline pipeline end to end on crafted captures:
 * capture -> decode -> flow table -> nDPI -> JSON flow records.
 */
#include <check.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "capture.h"
#include "conf.h"
#include "craft.h"
#include "communityid.h"
#include "flowlog.h"
#include "pipeline.h"
#include "check_run.h"
#include "tmpdir.h"

static const uint8_t mac_rs[6] = { 0x00, 0x15, 0x5d, 0x6e, 0x00, 0x14 };
static const uint8_t mac_cam[6] = { 0x3c, 0xef, 0x8c, 0xe7, 0x00, 0x65 };
static const uint8_t mac_ms[6] = { 0x00, 0x15, 0x5d, 0x6e, 0x00, 0x0a };
static const uint8_t mac_dc[6] = { 0x00, 0x15, 0x5d, 0x6e, 0x00, 0x02 };

#define T0 1715677211000000ull	/* 2024-05-14T09:00:11Z */

static const char http_get[] =
    "GET /onvif/device_service HTTP/1.1\r\nHost: cam001.plant.example\r\n"
    "User-Agent: vmswatch-test\r\nAccept: */*\r\n\r\n";
static const char http_resp[] =
    "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n"
    "\r\nok";
/* DNS query for ms01.plant.example, type A (RFC 1035 4.1). */
static const uint8_t dns_query[] = {
	0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	4, 'm', 's', '0', '1', 5, 'p', 'l', 'a', 'n', 't', 7, 'e', 'x', 'a',
	'm', 'p', 'l', 'e', 0, 0x00, 0x01, 0x00, 0x01
};

/* Writes the crafted capture used by the tests; returns its path. */
static void
write_capture(const char *path)
{
	struct craft_pcap *w = craft_pcap_open(path, DLT_EN10MB);
	struct craft_conv cv;

	ck_assert_ptr_nonnull(w);
	/* Recorder polls a camera over HTTP: handshake, GET, 200, close. */
	craft_conv_init(&cv, w, mac_rs, "192.168.10.20", 50123, mac_cam,
	    "192.168.50.101", 80, IPPROTO_TCP, 0);
	ck_assert_int_eq(craft_conv_handshake(&cv, T0), 0);
	ck_assert_int_eq(craft_conv_send(&cv, T0 + 3000, 0, http_get,
	    sizeof(http_get) - 1), 0);
	ck_assert_int_eq(craft_conv_send(&cv, T0 + 5000, 1, http_resp,
	    sizeof(http_resp) - 1), 0);
	ck_assert_int_eq(craft_conv_close(&cv, T0 + 6000), 0);
	/* DNS query from the management server, on VLAN 110. */
	craft_conv_init(&cv, w, mac_ms, "192.168.10.10", 53001, mac_dc,
	    "192.168.10.2", 53, IPPROTO_UDP, 110);
	ck_assert_int_eq(craft_conv_send(&cv, T0 + 10000, 0, dns_query,
	    sizeof(dns_query)), 0);
	/* The answer comes back on another VLAN (routed SPAN): same flow. */
	cv.c2s.vlan = 111;
	ck_assert_int_eq(craft_conv_send(&cv, T0 + 11000, 1, dns_query,
	    sizeof(dns_query)), 0);
	ck_assert_int_eq(craft_pcap_close(w), 0);
}

/* Runs the pipeline over path with flow records into out; returns stats. */
static struct pipeline_stats
run(const char *path, const char *out)
{
	struct conf *conf = conf_defaults();
	struct flowlog *fl = flowlog_open(out);
	struct pipeline_stats st;
	struct pipeline *pl;
	struct capture *cap;
	char err[256];

	ck_assert_ptr_nonnull(conf);
	ck_assert_ptr_nonnull(fl);
	pl = pipeline_new(conf, fl, NULL);
	ck_assert_ptr_nonnull(pl);
	cap = capture_open_file(path, err, sizeof(err));
	ck_assert_ptr_nonnull(cap);
	ck_assert_int_ge(capture_read(cap, 0, pipeline_frame, pl), 0);
	ck_assert(capture_eof(cap));
	capture_close(cap);
	pipeline_flush(pl);
	st = *pipeline_stats(pl);
	ck_assert_uint_eq(st.flows_logged,
	    flowtab_stats(pipeline_flowtab(pl))->created);
	pipeline_free(pl);
	ck_assert_int_eq(flowlog_close(fl), 0);
	conf_free(conf);
	return st;
}

static char *
slurp(const char *path)
{
	FILE *fp = fopen(path, "r");
	static char buf[65536];
	size_t n;

	ck_assert_ptr_nonnull(fp);
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

static char tmpdir[256];

static void
setup(void)
{
	char p[384];

	tmpdir_make(tmpdir, sizeof(tmpdir), "check_pipeline");
	snprintf(p, sizeof(p), "%s/in.pcap", tmpdir);
	write_capture(p);
}

static void
teardown(void)
{
	tmpdir_remove(tmpdir);
}

START_TEST(test_pipeline_http_flow_record)
{
	char in[384], out[384], *s, *line, cid[COMMUNITYID_LEN], want[128];
	struct pipeline_stats st;
	struct addr ca, sa;

	snprintf(in, sizeof(in), "%s/in.pcap", tmpdir);
	snprintf(out, sizeof(out), "%s/flows.json", tmpdir);
	st = run(in, out);
	ck_assert_uint_eq(st.packets, 10);
	ck_assert_uint_eq(st.flows_logged, 2);
	s = slurp(out);
	line = strtok(s, "\n");
	ck_assert_ptr_nonnull(line);
	/* Flushed least recently active first: the HTTP flow. */
	ck_assert_ptr_nonnull(strstr(line,
	    "\"start\":\"2024-05-14T09:00:11.000000Z\","
	    "\"end\":\"2024-05-14T09:00:11.008000Z\",\"transport\":\"tcp\","
	    "\"src_ip\":\"192.168.10.20\",\"src_port\":50123,"
	    "\"dst_ip\":\"192.168.50.101\",\"dst_port\":80,\"vlan\":0,"
	    "\"src_mac\":\"00:15:5d:6e:00:14\","
	    "\"dst_mac\":\"3c:ef:8c:e7:00:65\",\"app_proto\":\"HTTP\","
	    "\"dpi\":\"detected\""));
	ck_assert_ptr_nonnull(strstr(line,
	    "\"host\":\"cam001.plant.example\""));
	ck_assert_ptr_nonnull(strstr(line, "\"pkts_c2s\":5,"));
	ck_assert_ptr_nonnull(strstr(line, "\"pkts_s2c\":3,"));
	ck_assert_ptr_nonnull(strstr(line, "\"tcp_flags_c2s\":\"FSPA\""));
	ck_assert_ptr_nonnull(strstr(line, "\"direction_by\":\"syn\""));
	/* The Community ID, as its alerts carry it. */
	addr_parse("192.168.10.20", &ca);
	addr_parse("192.168.50.101", &sa);
	ck_assert_int_eq(communityid_v1(cid, sizeof(cid), 0, &sa, &ca,
	    IPPROTO_TCP, 80, 50123), 0);
	snprintf(want, sizeof(want), ",\"community_id\":\"%s\"}", cid);
	ck_assert_msg(strstr(line, want) != NULL, "%s in %s", want, line);
	line = strtok(NULL, "\n");
	ck_assert_ptr_nonnull(line);
	/* Two VLANs, one flow: the VLAN of the first packet is kept. */
	ck_assert_ptr_nonnull(strstr(line, "\"transport\":\"udp\","
	    "\"src_ip\":\"192.168.10.10\",\"src_port\":53001,"
	    "\"dst_ip\":\"192.168.10.2\",\"dst_port\":53,\"vlan\":110"));
	ck_assert_ptr_nonnull(strstr(line, "\"app_proto\":\"DNS\""));
	ck_assert_ptr_nonnull(strstr(line, "\"pkts_c2s\":1,"));
	ck_assert_ptr_nonnull(strstr(line, "\"pkts_s2c\":1,"));
	ck_assert_ptr_null(strtok(NULL, "\n"));
}
END_TEST

START_TEST(test_pipeline_deterministic)
{
	char in[384], a[384], b[384], *sa;

	snprintf(in, sizeof(in), "%s/in.pcap", tmpdir);
	snprintf(a, sizeof(a), "%s/a.json", tmpdir);
	snprintf(b, sizeof(b), "%s/b.json", tmpdir);
	run(in, a);
	run(in, b);
	sa = strdup(slurp(a));
	ck_assert_str_eq(sa, slurp(b));
	free(sa);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("pipeline");
	TCase *tc = tcase_create("pipeline");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_pipeline_http_flow_record);
	tcase_add_test(tc, test_pipeline_deterministic);
	suite_add_tcase(s, tc);
	return check_run(s);
}

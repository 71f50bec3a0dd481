/*
 * check_flowlog.c - the flow record's fields that the captures of the
 * end-to-end tests rarely reach, written by the direct writer: a host
 * name that is not UTF-8 (escaped, then in hex), a transport without a
 * keyword, risks, inventory names to escape, a rule, an IPv6 end, and a
 * record too long for its buffer.
 */
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <check.h>

#include "addr.h"
#include "classify.h"
#include "flowlog.h"
#include "flowtab.h"
#include "role.h"
#include "check_run.h"

/*
 * The records as the formatter wrote them with snprintf before the direct
 * writer: the writer must not change a byte.
 */
#define WANT_RARE \
	"{\"event_type\":\"flow\",\"flow_id\":2419362407932813,\"star" \
	"t\":\"2024-05-14T09:00:00.000001Z\",\"end\":\"2024-05-14T09:" \
	"00:01.250000Z\",\"transport\":\"200\",\"src_ip\":\"10.0.0.1\"" \
	",\"src_port\":40000,\"dst_ip\":\"10.0.0.2\",\"dst_port\":443" \
	",\"vlan\":4094,\"dst_mac\":\"00:1b:2c:fe:a0:0f\",\"app_proto" \
	"\":\"Unknown\",\"dpi\":\"guessed\",\"dpi_packets\":17,\"host" \
	"\":\"a\\\"b\\u0001\\ufffd\xc3\xa9\",\"host_hex\":\"61226201f" \
	"fc3a9\",\"risks\":[\"XSS Attack\",\"Unknown risk\"],\"pkts_c" \
	"2s\":1,\"bytes_c2s\":60,\"pkts_s2c\":1,\"bytes_s2c\":1500,\"" \
	"direction_by\":\"syn\",\"end_reason\":\"evicted\",\"src_name" \
	"\":\"cam \\\"7\\\"\\\\east\",\"src_roles\":[\"unknown\"],\"d" \
	"st_name\":null,\"dst_roles\":[\"management_server\",\"sql_se" \
	"rver\"],\"rule\":\"XP-RS-5432\",\"community_id\":\"1:fQMQHx5" \
	"2KhIs5aomYHntYXcXwNc=\"}\n"
#define WANT_V6 \
	"{\"event_type\":\"flow\",\"flow_id\":6763828885853272,\"star" \
	"t\":\"2024-05-14T09:00:00.000001Z\",\"end\":\"2024-05-14T09:" \
	"00:01.250000Z\",\"transport\":\"tcp\",\"src_ip\":\"2001:db8:" \
	":1\",\"src_port\":40000,\"dst_ip\":\"fe80::a:b\",\"dst_port\"" \
	":443,\"vlan\":0,\"pkts_c2s\":1,\"bytes_c2s\":60,\"pkts_s2c\"" \
	":1,\"bytes_s2c\":1500,\"tcp_flags_c2s\":\"SA\",\"tcp_flags_s" \
	"2c\":\"FSRPAUEC\",\"direction_by\":\"syn\",\"end_reason\":\"" \
	"tcp\",\"community_id\":\"1:iREWbLtg5psmiNuCp1CrULzhssA=\"}\n"

/* A finished flow of transport proto from a to b, one packet each way. */
static void
mkflow(struct flow *f, const char *a, const char *b, uint8_t proto)
{
	memset(f, 0, sizeof(*f));
	ck_assert_int_eq(addr_parse(a, &f->addr[FLOW_C2S]), 0);
	ck_assert_int_eq(addr_parse(b, &f->addr[FLOW_S2C]), 0);
	f->port[FLOW_C2S] = 40000;
	f->port[FLOW_S2C] = 443;
	f->proto = proto;
	f->ipver = addr_is_v4(&f->addr[0]) ? 4 : 6;
	f->first_ts = 1715677200000001ull;	/* 2024-05-14T09:00:00 */
	f->last_ts = 1715677201250000ull;
	f->pkts[FLOW_C2S] = f->pkts[FLOW_S2C] = 1;
	f->bytes[FLOW_C2S] = 60;
	f->bytes[FLOW_S2C] = 1500;
}

START_TEST(test_flowlog_writes_rare_fields)
{
	struct flow f;
	struct classify_result r;
	struct flowlog_verdict v;
	char buf[4096];
	int n;

	mkflow(&f, "10.0.0.1", "10.0.0.2", 200);
	f.vlan = 4094;
	f.has_mac[FLOW_S2C] = 1;
	memcpy(f.mac[FLOW_S2C], "\x00\x1b\x2c\xfe\xa0\x0f", 6);
	memset(&r, 0, sizeof(r));
	r.state = CLASSIFY_GUESSED;
	r.dpi_packets = 17;
	/* A quote, a control, a byte that is not UTF-8, then UTF-8. */
	memcpy(r.host, "a\"b\x01\xff\xc3\xa9", 8);
	r.risk = (UINT64_C(1) << 1) | (UINT64_C(1) << 63);
	memset(&v, 0, sizeof(v));
	v.valid = 1;
	v.src_name = "cam \"7\"\\east";
	v.dst_roles = ROLE_BIT(ROLE_MANAGEMENT_SERVER) |
	    ROLE_BIT(ROLE_SQL_SERVER);
	v.rule_id = "XP-RS-5432";
	n = flowlog_format_verdict(buf, sizeof(buf), &f, FLOW_END_EVICTED,
	    NULL, &r, &v);
	ck_assert_int_eq(n, (int)strlen(buf));
	ck_assert_str_eq(buf, WANT_RARE);
}
END_TEST

START_TEST(test_flowlog_writes_ipv6_tcp)
{
	struct flow f;
	char buf[4096];
	int n;

	mkflow(&f, "2001:db8::1", "fe80::a:b", IPPROTO_TCP);
	f.tcp_flags[FLOW_C2S] = 0x12;
	f.tcp_flags[FLOW_S2C] = 0xff;
	f.dir_by = FLOW_DIR_SYN;
	n = flowlog_format(buf, sizeof(buf), &f, FLOW_END_TCP, NULL, NULL);
	ck_assert_int_eq(n, (int)strlen(buf));
	ck_assert_str_eq(buf, WANT_V6);
}
END_TEST

START_TEST(test_flowlog_too_long_is_dropped)
{
	struct flow f;
	char buf[4096];
	size_t len;

	mkflow(&f, "10.0.0.1", "10.0.0.2", IPPROTO_UDP);
	len = (size_t)flowlog_format(buf, sizeof(buf), &f, FLOW_END_IDLE,
	    NULL, NULL);
	/* Exactly the record and its NUL fit; one byte less does not. */
	ck_assert_int_eq(flowlog_format(buf, len + 1, &f, FLOW_END_IDLE,
	    NULL, NULL), (int)len);
	ck_assert_int_eq(flowlog_format(buf, len, &f, FLOW_END_IDLE, NULL,
	    NULL), -1);
}
END_TEST

static Suite *
flowlog_suite(void)
{
	Suite *s = suite_create("flowlog");
	TCase *tc = tcase_create("flowlog");

	tcase_add_test(tc, test_flowlog_writes_rare_fields);
	tcase_add_test(tc, test_flowlog_writes_ipv6_tcp);
	tcase_add_test(tc, test_flowlog_too_long_is_dropped);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_run(flowlog_suite());
}

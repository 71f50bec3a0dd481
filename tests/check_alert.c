/*
 * check_alert.c - unit tests of alert.c: de-duplication per key and
 * window on packet time, repeat summaries, the token-bucket rate limit,
 * a full table, flushing, and the counters' invariant.  Violations are
 * built by hand; emitted alerts are copied into an array.
 *
 * The "regressions" case keeps the scenarios that once showed a bug.
 */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "alert.h"
#include "check_run.h"

#define T0	1715677211000000ull	/* 2024-05-14T09:00:11Z */
#define SEC	1000000ull
#define OUT_MAX	128

static struct alert out[OUT_MAX];
static int nout;
static struct alert_ctx *al;

static void
collect(const struct alert *a, void *arg)
{
	(void)arg;
	ck_assert_int_lt(nout, OUT_MAX);
	out[nout++] = *a;
}

/* A context with window seconds, max_keys entries, rate and burst. */
static void
ctx(uint32_t window, uint32_t max_keys, uint32_t rate, uint32_t burst)
{
	struct alert_conf c;

	alert_conf_defaults(&c);
	c.window = window;
	c.max_keys = max_keys;
	c.rate = rate;
	c.burst = burst;
	al = alert_new(&c, collect, NULL);
	ck_assert_ptr_nonnull(al);
}

static void
setup(void)
{
	nout = 0;
	al = NULL;
}

static void
teardown(void)
{
	alert_free(al);
}

static struct violation
viol(enum policy_kind kind, const char *rule, const char *client,
    const char *server, uint16_t sport, uint64_t ts)
{
	struct violation v;

	memset(&v, 0, sizeof(v));
	v.kind = kind;
	v.severity = 5;
	v.rule_id = rule;
	v.rule_name = "test rule";
	v.section = "test section";
	v.nist = "CA-3";
	v.ts = ts;
	v.first_ts = ts;
	ck_assert_int_eq(addr_parse(client, &v.client.addr), 0);
	ck_assert_int_eq(addr_parse(server, &v.server.addr), 0);
	v.client.port = 50123;
	v.server.port = sport;
	v.transport = IPPROTO_TCP;
	/* An answered flow: probes are the scan tests' own. */
	v.state = POLICY_ESTABLISHED;
	snprintf(v.protocol, sizeof(v.protocol), "HTTP");
	snprintf(v.reason, sizeof(v.reason), "test reason");
	return v;
}

/* The usual violation: cleartext from rs01 to ms01 on 80 at ts. */
static struct violation
cleartext(uint64_t ts)
{
	return viol(POLICY_CLEARTEXT, "XP-MS-0080", "192.168.10.20",
	    "192.168.10.10", 80, ts);
}

static void
post(const struct violation *v)
{
	alert_violation(v, al);
}

/*
 * The longest texts the loaders accept reach the alert whole: a 64-byte
 * rule id (alerts used to keep 31), a rule name of RULES_TEXT_MAX - 1
 * bytes (they kept 159), inventory names, the reason.
 */
START_TEST(test_alert_texts_whole)
{
	static char id[65], name[RULES_TEXT_MAX], host[INVENTORY_NAME_MAX];
	struct violation v = cleartext(T0);
	struct inventory_host h;

	memset(id, 'I', sizeof(id) - 1);
	memset(name, 'n', sizeof(name) - 1);
	memset(host, 'h', sizeof(host) - 1);
	memset(&h, 0, sizeof(h));
	h.name = host;
	v.rule_id = id;
	v.rule_name = name;
	v.section = name;
	v.server.host = &h;
	memset(v.reason, 'r', sizeof(v.reason) - 1);
	v.reason[sizeof(v.reason) - 1] = '\0';
	ctx(300, 16, 0, 0);
	post(&v);
	ck_assert_int_eq(nout, 1);
	ck_assert_str_eq(out[0].rule_id, id);
	ck_assert_str_eq(out[0].rule_name, name);
	ck_assert_str_eq(out[0].section, name);
	ck_assert_str_eq(out[0].server.host, host);
	ck_assert_str_eq(out[0].reason, v.reason);
}
END_TEST

/*
 * Every emitted alert has its own number under one instance, repeat
 * summaries too; a second stage (a restart) seeing other traffic has
 * another instance, one reading the same traffic the same (an offline
 * run is reproducible).  The alert keeps its flow's first packet time.
 */
START_TEST(test_alert_ids_unique)
{
	struct violation v = cleartext(T0);
	struct alert_ctx *other;
	struct alert_conf c;

	v.first_ts = T0 - 3 * SEC;
	ctx(300, 16, 0, 0);
	post(&v);
	v.ts = T0 + SEC;
	post(&v);
	v = viol(POLICY_CLEARTEXT, "XP-MS-0080", "192.168.10.21",
	    "192.168.10.10", 80, T0 + 2 * SEC);
	post(&v);
	alert_flush(al);
	ck_assert_int_eq(nout, 3);
	ck_assert_uint_eq(out[0].seq, 1);
	ck_assert_uint_eq(out[1].seq, 2);
	ck_assert_uint_eq(out[2].seq, 3);
	ck_assert_int_eq(out[2].repeat, 1);
	ck_assert_uint_eq(out[0].instance, out[2].instance);
	ck_assert_uint_eq(out[0].flow_start, T0 - 3 * SEC);
	ck_assert_uint_eq(out[0].ts, T0);
	alert_conf_defaults(&c);
	other = alert_new(&c, collect, NULL);
	ck_assert_ptr_nonnull(other);
	alert_violation(&v, other);
	ck_assert_int_eq(nout, 4);
	ck_assert_uint_eq(out[3].seq, 1);
	ck_assert_uint_ne(out[3].instance, out[0].instance);
	alert_free(other);
	other = alert_new(&c, collect, NULL);
	ck_assert_ptr_nonnull(other);
	v = cleartext(T0);
	v.first_ts = T0 - 3 * SEC;
	alert_violation(&v, other);
	ck_assert_int_eq(nout, 5);
	ck_assert_uint_eq(out[4].instance, out[0].instance);
	alert_free(other);
}
END_TEST

START_TEST(test_alert_conf_defaults)
{
	struct alert_conf c;

	alert_conf_defaults(&c);
	ck_assert_uint_eq(c.window, 300);
	ck_assert_uint_eq(c.max_keys, 4096);
	ck_assert_uint_eq(c.rate, 100);
	ck_assert_uint_eq(c.burst, 1000);
}
END_TEST

START_TEST(test_alert_copies_violation)
{
	struct violation v = cleartext(T0);
	const struct alert_stats *st;

	ctx(300, 16, 0, 0);
	post(&v);
	ck_assert_int_eq(nout, 1);
	ck_assert_int_eq(out[0].kind, POLICY_CLEARTEXT);
	ck_assert_str_eq(out[0].rule_id, "XP-MS-0080");
	ck_assert_str_eq(out[0].rule_name, "test rule");
	ck_assert_str_eq(out[0].nist, "CA-3");
	ck_assert_str_eq(out[0].protocol, "HTTP");
	ck_assert_str_eq(out[0].reason, "test reason");
	ck_assert_str_eq(out[0].host_name, "");
	ck_assert_str_eq(out[0].client.host, "");
	ck_assert_uint_eq(out[0].server.port, 80);
	ck_assert_uint_eq(out[0].count, 1);
	ck_assert_uint_eq(out[0].first_seen, T0);
	ck_assert_uint_eq(out[0].last_seen, T0);
	ck_assert_uint_eq(out[0].ts, T0);
	ck_assert_int_eq(out[0].repeat, 0);
	st = alert_stats(al);
	ck_assert_uint_eq(st->violations, 1);
	ck_assert_uint_eq(st->emitted, 1);
	ck_assert_uint_eq(st->by_kind[POLICY_CLEARTEXT], 1);
}
END_TEST

START_TEST(test_alert_dedup_inside_window)
{
	struct violation v;
	const struct alert_stats *st;
	int i;

	ctx(300, 16, 0, 0);
	for (i = 0; i < 5; i++) {
		v = cleartext(T0 + (uint64_t)i * SEC);
		post(&v);
	}
	ck_assert_int_eq(nout, 1);
	ck_assert_uint_eq(out[0].count, 1);
	st = alert_stats(al);
	ck_assert_uint_eq(st->violations, 5);
	ck_assert_uint_eq(st->emitted, 1);
	ck_assert_uint_eq(st->suppressed, 4);
	ck_assert_uint_eq(st->repeats, 0);
}
END_TEST

START_TEST(test_alert_new_window_emits_summary)
{
	struct violation v;
	const struct alert_stats *st;

	ctx(300, 16, 0, 0);
	v = cleartext(T0);
	post(&v);
	v = cleartext(T0 + 10 * SEC);
	post(&v);
	v = cleartext(T0 + 20 * SEC);
	post(&v);
	/* The window is [T0, T0 + 300 s): this one opens the next. */
	v = cleartext(T0 + 300 * SEC);
	post(&v);
	ck_assert_int_eq(nout, 3);
	ck_assert_int_eq(out[1].repeat, 1);
	ck_assert_uint_eq(out[1].count, 2);
	ck_assert_uint_eq(out[1].first_seen, T0 + 10 * SEC);
	ck_assert_uint_eq(out[1].last_seen, T0 + 20 * SEC);
	ck_assert_uint_eq(out[1].ts, T0 + 20 * SEC);
	ck_assert_str_eq(out[1].rule_id, "XP-MS-0080");
	ck_assert_int_eq(out[2].repeat, 0);
	ck_assert_uint_eq(out[2].count, 1);
	ck_assert_uint_eq(out[2].first_seen, T0 + 300 * SEC);
	st = alert_stats(al);
	ck_assert_uint_eq(st->violations, 4);
	ck_assert_uint_eq(st->emitted, 3);
	ck_assert_uint_eq(st->repeats, 1);
	ck_assert_uint_eq(st->suppressed, 2);
}
END_TEST

START_TEST(test_alert_window_without_repeats_no_summary)
{
	struct violation v;

	ctx(300, 16, 0, 0);
	v = cleartext(T0);
	post(&v);
	v = cleartext(T0 + 301 * SEC);
	post(&v);
	ck_assert_int_eq(nout, 2);
	ck_assert_int_eq(out[0].repeat, 0);
	ck_assert_int_eq(out[1].repeat, 0);
	ck_assert_uint_eq(alert_stats(al)->repeats, 0);
}
END_TEST

START_TEST(test_alert_expire_closes_windows)
{
	struct violation v;

	ctx(300, 16, 0, 0);
	v = cleartext(T0);
	post(&v);
	v = cleartext(T0 + 5 * SEC);
	post(&v);
	alert_expire(al, T0 + 299 * SEC);
	ck_assert_int_eq(nout, 1);
	alert_expire(al, T0 + 300 * SEC);
	ck_assert_int_eq(nout, 2);
	ck_assert_int_eq(out[1].repeat, 1);
	ck_assert_uint_eq(out[1].count, 1);
	ck_assert_uint_eq(out[1].first_seen, T0 + 5 * SEC);
	/* The entry is gone: the same key opens a new window. */
	v = cleartext(T0 + 301 * SEC);
	post(&v);
	ck_assert_int_eq(nout, 3);
	ck_assert_int_eq(out[2].repeat, 0);
}
END_TEST

START_TEST(test_alert_unknown_device_keyed_per_device)
{
	struct violation v;
	static const uint8_t mac1[6] = { 2, 0, 0, 0, 0, 0x42 };
	static const uint8_t mac2[6] = { 2, 0, 0, 0, 0, 0x43 };
	const struct alert_stats *st;

	ctx(300, 16, 0, 0);
	v = viol(POLICY_UNKNOWN_DEVICE, "XP-TOPO-DEVICES", "192.168.50.77",
	    "192.168.10.20", 7563, T0);
	v.client.has_mac = 1;
	memcpy(v.client.mac, mac1, 6);
	post(&v);
	/* Another peer, port and transport: the same device. */
	ck_assert_int_eq(addr_parse("192.168.10.10", &v.server.addr), 0);
	v.server.port = 443;
	v.transport = IPPROTO_UDP;
	v.ts = T0 + SEC;
	post(&v);
	/* The same address behind another MAC: another device. */
	memcpy(v.client.mac, mac2, 6);
	post(&v);
	ck_assert_int_eq(nout, 2);
	ck_assert_uint_eq(out[0].client.mac[5], 0x42);
	ck_assert_uint_eq(out[1].client.mac[5], 0x43);
	st = alert_stats(al);
	ck_assert_uint_eq(st->suppressed, 1);
	ck_assert_uint_eq(st->by_kind[POLICY_UNKNOWN_DEVICE], 2);
}
END_TEST

START_TEST(test_alert_key_fields)
{
	struct violation base = cleartext(T0), v;

	ctx(300, 64, 0, 0);
	post(&base);
	/* Another client port: the same key (ephemeral ports vary). */
	v = base;
	v.client.port = 50999;
	post(&v);
	ck_assert_int_eq(nout, 1);
	/* Each key field on its own makes another alert. */
	v = base;
	v.server.port = 8080;
	post(&v);
	v = base;
	v.transport = IPPROTO_UDP;
	post(&v);
	v = base;
	v.rule_id = "XP-MS-0443";
	post(&v);
	v = base;
	v.kind = POLICY_PROTOCOL_MISMATCH;
	post(&v);
	v = base;
	ck_assert_int_eq(addr_parse("192.168.10.21", &v.client.addr), 0);
	post(&v);
	v = base;
	ck_assert_int_eq(addr_parse("192.168.10.11", &v.server.addr), 0);
	post(&v);
	ck_assert_int_eq(nout, 7);
	ck_assert_uint_eq(out[1].server.port, 8080);
	ck_assert_uint_eq(alert_stats(al)->suppressed, 1);
}
END_TEST

START_TEST(test_alert_rate_limit_burst_and_refill)
{
	struct violation v;
	const struct alert_stats *st;
	int i;

	ctx(300, 256, 10, 5);
	for (i = 0; i < 100; i++) {
		v = cleartext(T0);
		v.server.port = (uint16_t)(1000 + i);
		post(&v);
	}
	st = alert_stats(al);
	ck_assert_int_eq(nout, 5);
	ck_assert_uint_eq(st->emitted, 5);
	ck_assert_uint_eq(st->rate_limited, 95);
	ck_assert_uint_eq(out[4].server.port, 1004);
	/* One second of packet time: 10 tokens, capped at the burst. */
	for (i = 0; i < 6; i++) {
		v = cleartext(T0 + SEC);
		v.server.port = (uint16_t)(2000 + i);
		post(&v);
	}
	ck_assert_int_eq(nout, 10);
	ck_assert_uint_eq(out[9].server.port, 2004);
	ck_assert_uint_eq(st->emitted, 10);
	ck_assert_uint_eq(st->rate_limited, 96);
	/* A tenth of a second: one token. */
	v = cleartext(T0 + SEC + SEC / 10);
	v.server.port = 3000;
	post(&v);
	v.server.port = 3001;
	post(&v);
	ck_assert_uint_eq(st->emitted, 11);
	ck_assert_uint_eq(st->rate_limited, 97);
	ck_assert_uint_eq(st->violations, 108);
}
END_TEST

START_TEST(test_alert_table_full_evicts_oldest)
{
	struct violation a = cleartext(T0), b, c;
	const struct alert_stats *st;

	ctx(300, 2, 0, 0);
	b = a;
	b.server.port = 81;
	c = a;
	c.server.port = 82;
	post(&a);
	a.ts = T0 + SEC;
	post(&a);
	b.ts = T0 + 2 * SEC;
	post(&b);
	c.ts = T0 + 3 * SEC;
	post(&c);
	/* a's window closed early: its summary, then c. */
	ck_assert_int_eq(nout, 4);
	ck_assert_int_eq(out[2].repeat, 1);
	ck_assert_uint_eq(out[2].server.port, 80);
	ck_assert_uint_eq(out[2].count, 1);
	ck_assert_int_eq(out[3].repeat, 0);
	ck_assert_uint_eq(out[3].server.port, 82);
	st = alert_stats(al);
	ck_assert_uint_eq(st->evicted, 1);
	ck_assert_uint_eq(st->repeats, 1);
	/* a is no longer in the table: a new alert, not a repeat. */
	a.ts = T0 + 4 * SEC;
	post(&a);
	ck_assert_int_eq(nout, 5);
	ck_assert_int_eq(out[4].repeat, 0);
	ck_assert_uint_eq(st->evicted, 2);
}
END_TEST

START_TEST(test_alert_flush_emits_pending_summaries)
{
	struct violation a = cleartext(T0), b, c;

	ctx(300, 16, 0, 0);
	b = a;
	b.server.port = 81;
	c = a;
	c.server.port = 82;
	post(&a);
	post(&b);
	post(&c);
	a.ts = T0 + SEC;
	post(&a);
	post(&a);
	c.ts = T0 + 2 * SEC;
	post(&c);
	alert_flush(al);
	/* b had no repeats: two summaries, in window order. */
	ck_assert_int_eq(nout, 5);
	ck_assert_int_eq(out[3].repeat, 1);
	ck_assert_uint_eq(out[3].server.port, 80);
	ck_assert_uint_eq(out[3].count, 2);
	ck_assert_int_eq(out[4].repeat, 1);
	ck_assert_uint_eq(out[4].server.port, 82);
	ck_assert_uint_eq(out[4].count, 1);
	/* Flushed, the table is empty. */
	post(&b);
	ck_assert_int_eq(nout, 6);
	ck_assert_int_eq(out[5].repeat, 0);
}
END_TEST

/*
 * Every violation is either suppressed into a window or opens one, and
 * the alert opening it is emitted or rate-limited; a summary is emitted
 * (counted in repeats) or rate-limited too.  With R the summaries the
 * rate limit stopped:
 *	violations + R == suppressed + (emitted - repeats) + rate_limited
 * and, all windows closed and R == 0, the counts of the emitted alerts
 * add up to violations - rate_limited.
 */
START_TEST(test_alert_counters_invariant)
{
	struct violation a = cleartext(T0), b, c, d;
	const struct alert_stats *st;

	ctx(10, 16, 1, 2);
	b = a;
	b.server.port = 81;
	c = a;
	c.server.port = 82;
	d = a;
	d.server.port = 83;
	post(&a);
	post(&b);
	post(&c);		/* no token left: rate-limited */
	a.ts = c.ts = T0 + SEC;
	post(&a);
	post(&c);
	post(&c);
	/* Ten seconds later: tokens for both summaries (a, c). */
	alert_expire(al, T0 + 10 * SEC);
	d.ts = T0 + 10 * SEC;
	post(&d);		/* rate-limited */
	alert_flush(al);
	st = alert_stats(al);
	ck_assert_uint_eq(st->violations, 7);
	ck_assert_uint_eq(st->suppressed, 3);
	ck_assert_uint_eq(st->emitted, 4);
	ck_assert_uint_eq(st->repeats, 2);
	ck_assert_uint_eq(st->rate_limited, 2);
	ck_assert_uint_eq(st->violations,
	    st->suppressed + (st->emitted - st->repeats) + st->rate_limited);
	ck_assert_int_eq(nout, 4);
	ck_assert_uint_eq(out[0].count + out[1].count + out[2].count +
	    out[3].count, st->violations - st->rate_limited);
	/* c's first alert was stopped; its summary counts its repeats. */
	ck_assert_uint_eq(out[3].server.port, 82);
	ck_assert_uint_eq(out[3].count, 2);
}
END_TEST

/* ----- known failures ----- */

/*
 * alert_flush() closes the windows at the time of the last alert it
 * emitted or stopped, not at the last violation it saw: repeats five
 * seconds later should have refilled the bucket for their summary.
 */
START_TEST(test_alert_flush_refills_to_last_packet_time)
{
	struct violation a = cleartext(T0);
	const struct alert_stats *st;

	ctx(300, 16, 1, 1);
	post(&a);
	a.ts = T0 + 5 * SEC;
	post(&a);
	alert_flush(al);
	st = alert_stats(al);
	ck_assert_int_eq(nout, 2);
	ck_assert_uint_eq(st->rate_limited, 0);
	ck_assert_int_eq(out[1].repeat, 1);
}
END_TEST


/* ----- one finding, one alert: certificates and scans ----- */

START_TEST(test_alert_weak_tls_keyed_by_certificate)
{
	struct violation v;
	char cl[32];
	int i;

	ctx(300, 16, 0, 0);
	/* Five clients meet the same bad certificate of ms01. */
	for (i = 0; i < 5; i++) {
		snprintf(cl, sizeof(cl), "192.168.20.%d", 30 + i);
		v = viol(POLICY_WEAK_TLS, "XP-TOPO-SECURE", cl, "192.168.10.10",
		    443, T0 + (uint64_t)i * SEC);
		v.cert_id = 0xabcdef;
		post(&v);
	}
	/* A second certificate on the same server is its own finding. */
	v = viol(POLICY_WEAK_TLS, "XP-TOPO-SECURE", "192.168.20.30",
	    "192.168.10.10", 443, T0 + 6 * SEC);
	v.cert_id = 0x123457;
	post(&v);
	ck_assert_int_eq(nout, 2);
	alert_flush(al);
	ck_assert_int_eq(nout, 3);
	ck_assert_int_eq(out[2].repeat, 1);
	ck_assert_uint_eq(out[2].count, 4);
	ck_assert_uint_eq(out[2].clients, 5);
}
END_TEST

/* A probe from src to dst:port that nobody answered. */
static struct violation
probe(const char *src, const char *dst, uint16_t port, uint64_t ts)
{
	struct violation v = viol(POLICY_CAMERA_NON_RECORDER, "XP-TOPO-CAMERA",
	    src, dst, port, ts);

	v.state = POLICY_ATTEMPTED;
	return v;
}

START_TEST(test_alert_scan_one_alert)
{
	const struct alert_stats *st;
	struct violation v;
	char dst[32];
	int i;

	ctx(300, 256, 0, 0);
	/* 40 probes: 20 cameras, two ports each, in four seconds. */
	for (i = 0; i < 40; i++) {
		snprintf(dst, sizeof(dst), "192.168.50.%d", 100 + i / 2);
		v = probe("192.168.20.31", dst, i % 2 ? 80 : 554,
		    T0 + (uint64_t)i * 100000u);
		if (i % 4 == 0) {
			v.kind = POLICY_UNDOCUMENTED_FLOW;
			v.state = POLICY_REFUSED;
		}
		post(&v);
	}
	alert_flush(al);
	/* One scan alert, and one summary of the probes after it. */
	ck_assert_int_eq(nout, 2);
	ck_assert_int_eq(out[0].kind, POLICY_SCAN);
	ck_assert_uint_eq(out[0].scan_targets, ALERT_SCAN_TARGETS);
	ck_assert_uint_eq(out[0].scan_hosts, 8);
	ck_assert_uint_eq(out[0].scan_ports, 2);
	ck_assert(out[0].scan_kinds & (1u << POLICY_CAMERA_NON_RECORDER));
	ck_assert(out[0].scan_kinds & (1u << POLICY_UNDOCUMENTED_FLOW));
	ck_assert_ptr_nonnull(strstr(out[0].reason, "camera-non-recorder"));
	ck_assert_int_eq(out[1].kind, POLICY_SCAN);
	ck_assert_int_eq(out[1].repeat, 1);
	ck_assert_uint_eq(out[1].scan_targets, 40);
	ck_assert_uint_eq(out[1].scan_hosts, 20);
	ck_assert_uint_eq(out[1].scan_refused, 10);
	ck_assert_uint_eq(out[1].scan_unanswered, 30);
	st = alert_stats(al);
	ck_assert_uint_eq(st->violations + st->summaries + st->scans,
	    st->emitted + st->suppressed + st->rate_limited);
}
END_TEST

START_TEST(test_alert_few_probes_released_as_alerts)
{
	struct violation v;
	char dst[32];
	int i;

	ctx(300, 256, 0, 0);
	/* Three unanswered probes: not a scan, three ordinary alerts. */
	for (i = 0; i < 3; i++) {
		snprintf(dst, sizeof(dst), "192.168.50.%d", 100 + i);
		v = probe("192.168.20.31", dst, 554, T0 + (uint64_t)i * SEC);
		post(&v);
	}
	ck_assert_int_eq(nout, 0);	/* held for the scan check */
	/* The window ends: out they go. */
	alert_expire(al, T0 + 20 * SEC);
	ck_assert_int_eq(nout, 3);
	for (i = 0; i < 3; i++)
		ck_assert_int_eq(out[i].kind, POLICY_CAMERA_NON_RECORDER);
	ck_assert_uint_eq(alert_stats(al)->scans, 0);
}
END_TEST

START_TEST(test_alert_answered_flows_not_probes)
{
	struct violation v;
	char dst[32];
	int i;

	ctx(300, 256, 0, 0);
	/* Many established flows to many hosts are no scan. */
	for (i = 0; i < 40; i++) {
		snprintf(dst, sizeof(dst), "192.168.50.%d", 100 + i);
		v = viol(POLICY_CAMERA_NON_RECORDER, "XP-TOPO-CAMERA",
		    "192.168.20.31", dst, 554, T0 + (uint64_t)i * 1000u);
		post(&v);
	}
	ck_assert_int_eq(nout, 40);
	ck_assert_uint_eq(alert_stats(al)->scans, 0);
}
END_TEST

/*
 * The daemon's workers share the stage, each with its own packet time;
 * one that took a new epoch stamps its alerts far ahead of the others.
 * The others' alerts must still refill the bucket.
 */
START_TEST(test_alert_rate_refills_after_a_time_far_ahead)
{
	struct violation v;
	const struct alert_stats *st;
	int i;

	ctx(300, 256, 10, 5);
	v = cleartext(T0 + 10ull * 365 * 86400 * SEC);
	post(&v);
	/* 100 alerts over 10 s of the other worker's time: 10 a second. */
	for (i = 0; i < 100; i++) {
		v = cleartext(T0 + (uint64_t)i * SEC / 10);
		v.server.port = (uint16_t)(1000 + i);
		post(&v);
	}
	st = alert_stats(al);
	ck_assert_uint_ge(st->emitted, 95);
	ck_assert_uint_eq(st->emitted + st->rate_limited, st->violations);
}
END_TEST

static Suite *
alert_suite(void)
{
	Suite *s = suite_create("alert");
	TCase *tc;

	tc = tcase_create("dedup");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_alert_conf_defaults);
	tcase_add_test(tc, test_alert_copies_violation);
	tcase_add_test(tc, test_alert_texts_whole);
	tcase_add_test(tc, test_alert_ids_unique);
	tcase_add_test(tc, test_alert_dedup_inside_window);
	tcase_add_test(tc, test_alert_new_window_emits_summary);
	tcase_add_test(tc, test_alert_window_without_repeats_no_summary);
	tcase_add_test(tc, test_alert_expire_closes_windows);
	tcase_add_test(tc, test_alert_unknown_device_keyed_per_device);
	tcase_add_test(tc, test_alert_key_fields);
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_alert_rate_limit_burst_and_refill);
	tcase_add_test(tc, test_alert_table_full_evicts_oldest);
	tcase_add_test(tc, test_alert_flush_emits_pending_summaries);
	tcase_add_test(tc, test_alert_counters_invariant);
	tcase_add_test(tc, test_alert_rate_refills_after_a_time_far_ahead);
	suite_add_tcase(s, tc);

	/* Regressions: each once showed a bug. */
	tc = tcase_create("findings");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_alert_weak_tls_keyed_by_certificate);
	tcase_add_test(tc, test_alert_scan_one_alert);
	tcase_add_test(tc, test_alert_few_probes_released_as_alerts);
	tcase_add_test(tc, test_alert_answered_flows_not_probes);
	suite_add_tcase(s, tc);

	tc = tcase_create("regressions");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_alert_flush_refills_to_last_packet_time);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_run(alert_suite());
}

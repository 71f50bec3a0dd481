/*
 * check_flowtab.c - unit tests of the flow table: key and direction,
 * per-direction counters, timeouts on packet time, TCP closing and port
 * reuse, active timeout, eviction at capacity, determinism across seeds.
 * Packets are built as struct pkt directly; no decoding involved.
 */
#include <check.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "decode.h"
#include "flowtab.h"
#include "check_run.h"

#define USEC 1000000ULL
#define T0 (1700000000ULL * USEC)

#define FIN 0x01
#define SYN 0x02
#define RST 0x04
#define PSH 0x08
#define ACK 0x10

/* One flow end as the callback saw it. */
struct ev {
	uint32_t slot;
	enum flow_end why;
	struct flow f;
};

struct rec {
	struct ev *ev;
	size_t n, cap;
	uint64_t calls;
};

static void
rec_cb(struct flow *f, uint32_t slot, enum flow_end why, void *arg)
{
	struct rec *r = arg;

	r->calls++;
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 64;
		r->ev = realloc(r->ev, r->cap * sizeof(*r->ev));
		ck_assert_ptr_nonnull(r->ev);
	}
	r->ev[r->n].slot = slot;
	r->ev[r->n].why = why;
	r->ev[r->n].f = *f;
	r->n++;
}

static void
count_cb(struct flow *f, uint32_t slot, enum flow_end why, void *arg)
{
	uint64_t *n = arg;

	(void)f;
	(void)slot;
	(void)why;
	(*n)++;
}

static struct flowtab_conf
conf(uint32_t max_flows)
{
	struct flowtab_conf c;

	flowtab_conf_defaults(&c);
	c.max_flows = max_flows;
	c.seed = 42;
	return c;
}

static struct pkt
mk(uint64_t ts, const char *src, uint16_t sport, const char *dst,
    uint16_t dport, uint8_t proto, uint8_t flags, uint32_t ip_len)
{
	struct pkt p;

	memset(&p, 0, sizeof(p));
	p.ts = ts;
	ck_assert_int_eq(addr_parse(src, &p.src), 0);
	ck_assert_int_eq(addr_parse(dst, &p.dst), 0);
	p.ipver = addr_is_v4(&p.src) ? 4 : 6;
	p.sport = sport;
	p.dport = dport;
	p.proto = proto;
	p.tcp_flags = proto == IPPROTO_TCP ? flags : 0;
	p.ip_len = ip_len;
	p.len = ip_len + 14;
	p.caplen = p.len;
	return p;
}

static struct pkt
tcp(uint64_t ts, const char *src, uint16_t sport, const char *dst,
    uint16_t dport, uint8_t flags)
{
	return mk(ts, src, sport, dst, dport, IPPROTO_TCP, flags, 40);
}

static struct pkt
udp(uint64_t ts, const char *src, uint16_t sport, const char *dst,
    uint16_t dport)
{
	struct pkt p = mk(ts, src, sport, dst, dport, IPPROTO_UDP, 0, 60);

	p.paylen = 32;
	return p;
}

static struct pkt
icmp(uint64_t ts, const char *src, const char *dst, uint8_t type,
    uint8_t code)
{
	return mk(ts, src, (uint16_t)(type << 8 | code), dst, 0, IPPROTO_ICMP,
	    0, 84);
}

static struct flow *
up(struct flowtab *t, const struct pkt *p, int *dir, int *isnew)
{
	struct flow *f = flowtab_update(t, p, dir, isnew);

	ck_assert_ptr_nonnull(f);
	return f;
}

static void
assert_addr(const struct addr *a, const char *s)
{
	struct addr b;

	ck_assert_int_eq(addr_parse(s, &b), 0);
	ck_assert_mem_eq(a->b, b.b, 16);
}

static uint64_t
sum_ended(const struct flowtab_stats *st)
{
	uint64_t n = 0;

	for (int i = 0; i < FLOW_END_MAX; i++)
		if (i != FLOW_END_ACTIVE)
			n += st->ended[i];
	return n;
}

START_TEST(test_flowtab_defaults)
{
	struct flowtab_conf c;
	struct flowtab *t;

	memset(&c, 0xa5, sizeof(c));
	flowtab_conf_defaults(&c);
	ck_assert_uint_eq(c.max_flows, 262144);
	ck_assert_uint_eq(c.tcp_idle, 300);
	ck_assert_uint_eq(c.tcp_closed, 15);
	ck_assert_uint_eq(c.udp_idle, 120);
	ck_assert_uint_eq(c.other_idle, 60);
	ck_assert_uint_eq(c.active, 1800);
	ck_assert_int_eq(c.vlan_in_key, 0);
	ck_assert_uint_eq(c.seed, 0);
	/* Seed 0 draws one; the default size allocates without touching. */
	t = flowtab_new(&c, NULL, NULL);
	ck_assert_ptr_nonnull(t);
	ck_assert_uint_eq(flowtab_capacity(t), 262144);
	ck_assert_uint_eq(flowtab_stats(t)->active, 0);
	flowtab_free(t);
	c.max_flows = 0;
	ck_assert_ptr_null(flowtab_new(&c, NULL, NULL));
	ck_assert_str_eq(flowtab_end_name(FLOW_END_IDLE), "idle");
	ck_assert_str_eq(flowtab_end_name(FLOW_END_ACTIVE), "active");
	ck_assert_str_eq(flowtab_end_name(FLOW_END_TCP), "tcp");
	ck_assert_str_eq(flowtab_end_name(FLOW_END_EVICTED), "evicted");
	ck_assert_str_eq(flowtab_end_name(FLOW_END_FLUSH), "flush");
	ck_assert_str_eq(flowtab_end_name(FLOW_END_MAX), "unknown");
}
END_TEST

START_TEST(test_flowtab_both_directions_one_flow)
{
	struct flowtab_conf c = conf(16);
	struct flowtab *t = flowtab_new(&c, NULL, NULL);
	struct pkt q = udp(T0, "10.0.0.1", 40000, "10.0.0.2", 53);
	struct pkt r = udp(T0 + 1000, "10.0.0.2", 53, "10.0.0.1", 40000);
	struct flow *f, *g;
	int dir, isnew;

	f = up(t, &q, &dir, &isnew);
	ck_assert_int_eq(isnew, 1);
	ck_assert_int_eq(dir, FLOW_C2S);
	g = up(t, &r, &dir, &isnew);
	ck_assert_ptr_eq(f, g);
	ck_assert_int_eq(isnew, 0);
	ck_assert_int_eq(dir, FLOW_S2C);
	ck_assert_uint_eq(f->pkts[FLOW_C2S], 1);
	ck_assert_uint_eq(f->pkts[FLOW_S2C], 1);
	ck_assert_uint_eq(flowtab_stats(t)->created, 1);
	ck_assert_uint_eq(flowtab_stats(t)->active, 1);
	ck_assert_uint_eq(flowtab_stats(t)->lookups, 2);
	ck_assert_uint_lt(flowtab_slot(t, f), 16);

	/* Same address both ends: the ports alone tell the ends apart. */
	q = udp(T0, "127.0.0.1", 6000, "127.0.0.1", 5000);
	f = up(t, &q, &dir, &isnew);
	ck_assert_int_eq(dir, FLOW_C2S);
	r = udp(T0, "127.0.0.1", 5000, "127.0.0.1", 6000);
	ck_assert_ptr_eq(up(t, &r, &dir, &isnew), f);
	ck_assert_int_eq(isnew, 0);
	ck_assert_int_eq(dir, FLOW_S2C);
	ck_assert_uint_eq(f->port[FLOW_C2S], 6000);
	ck_assert_uint_eq(flowtab_stats(t)->created, 2);
	flowtab_free(t);
}
END_TEST

START_TEST(test_flowtab_dir_syn)
{
	struct flowtab_conf c = conf(16);
	struct flowtab *t = flowtab_new(&c, NULL, NULL);
	struct pkt p;
	struct flow *f;
	int dir, isnew;

	/* Ports that the heuristic would read the other way round. */
	p = tcp(T0, "10.0.0.1", 80, "10.0.0.2", 50000, SYN);
	f = up(t, &p, &dir, &isnew);
	ck_assert_int_eq(dir, FLOW_C2S);
	ck_assert_uint_eq(f->dir_by, FLOW_DIR_SYN);
	ck_assert_uint_eq(f->tcp_state, FLOW_TCP_SYN);
	assert_addr(&f->addr[FLOW_C2S], "10.0.0.1");
	assert_addr(&f->addr[FLOW_S2C], "10.0.0.2");
	ck_assert_uint_eq(f->port[FLOW_C2S], 80);
	ck_assert_uint_eq(f->port[FLOW_S2C], 50000);
	p = tcp(T0 + 10, "10.0.0.2", 50000, "10.0.0.1", 80, SYN | ACK);
	up(t, &p, &dir, &isnew);
	ck_assert_int_eq(dir, FLOW_S2C);
	ck_assert_uint_eq(f->tcp_state, FLOW_TCP_SYNACK);
	/* A retransmitted SYN does not set the state back. */
	p = tcp(T0 + 15, "10.0.0.1", 80, "10.0.0.2", 50000, SYN);
	up(t, &p, &dir, &isnew);
	ck_assert_uint_eq(f->tcp_state, FLOW_TCP_SYNACK);
	p = tcp(T0 + 20, "10.0.0.1", 80, "10.0.0.2", 50000, ACK);
	up(t, &p, &dir, &isnew);
	ck_assert_int_eq(dir, FLOW_C2S);
	ck_assert_uint_eq(f->tcp_state, FLOW_TCP_ESTABLISHED);
	ck_assert_uint_eq(f->dir_by, FLOW_DIR_SYN);
	ck_assert_uint_eq(flowtab_stats(t)->swapped, 0);
	flowtab_free(t);
}
END_TEST

START_TEST(test_flowtab_dir_synack)
{
	struct flowtab_conf c = conf(16);
	struct flowtab *t = flowtab_new(&c, NULL, NULL);
	struct pkt p;
	struct flow *f;
	int dir, isnew;

	p = tcp(T0, "10.0.0.2", 50001, "10.0.0.1", 22, SYN | ACK);
	f = up(t, &p, &dir, &isnew);
	ck_assert_int_eq(isnew, 1);
	ck_assert_int_eq(dir, FLOW_S2C);
	ck_assert_uint_eq(f->dir_by, FLOW_DIR_SYNACK);
	ck_assert_uint_eq(f->tcp_state, FLOW_TCP_SYNACK);
	assert_addr(&f->addr[FLOW_C2S], "10.0.0.1");
	ck_assert_uint_eq(f->port[FLOW_C2S], 22);
	assert_addr(&f->addr[FLOW_S2C], "10.0.0.2");
	ck_assert_uint_eq(f->port[FLOW_S2C], 50001);
	ck_assert_uint_eq(f->pkts[FLOW_S2C], 1);
	ck_assert_uint_eq(f->pkts[FLOW_C2S], 0);
	ck_assert_uint_eq(f->tcp_flags[FLOW_S2C], SYN | ACK);
	p = tcp(T0 + 5, "10.0.0.1", 22, "10.0.0.2", 50001, ACK);
	up(t, &p, &dir, &isnew);
	ck_assert_int_eq(dir, FLOW_C2S);
	ck_assert_uint_eq(f->tcp_state, FLOW_TCP_ESTABLISHED);
	flowtab_free(t);
}
END_TEST

START_TEST(test_flowtab_dir_port)
{
	struct flowtab_conf c = conf(16);
	struct flowtab *t = flowtab_new(&c, NULL, NULL);
	struct pkt p;
	struct flow *f;
	int dir, isnew;

	/* Equal ports: the destination of the first packet serves. */
	p = udp(T0, "10.0.0.7", 5353, "224.0.0.251", 5353);
	f = up(t, &p, &dir, &isnew);
	ck_assert_int_eq(dir, FLOW_C2S);
	ck_assert_uint_eq(f->dir_by, FLOW_DIR_PORT);
	assert_addr(&f->addr[FLOW_C2S], "10.0.0.7");
	assert_addr(&f->addr[FLOW_S2C], "224.0.0.251");

	/* One well-known port. */
	p = udp(T0, "10.0.0.1", 51000, "10.0.0.53", 53);
	f = up(t, &p, &dir, &isnew);
	ck_assert_int_eq(dir, FLOW_C2S);
	ck_assert_uint_eq(f->port[FLOW_S2C], 53);
	p = udp(T0, "10.0.0.53", 53, "10.0.0.9", 51000);
	f = up(t, &p, &dir, &isnew);
	ck_assert_int_eq(isnew, 1);
	ck_assert_int_eq(dir, FLOW_S2C);
	assert_addr(&f->addr[FLOW_C2S], "10.0.0.9");
	ck_assert_uint_eq(f->port[FLOW_C2S], 51000);

	/* TCP picked up mid-stream, first segment from the server. */
	p = tcp(T0, "10.0.0.80", 443, "10.0.0.1", 50000, ACK | PSH);
	p.paylen = 100;
	f = up(t, &p, &dir, &isnew);
	ck_assert_int_eq(dir, FLOW_S2C);
	ck_assert_uint_eq(f->dir_by, FLOW_DIR_PORT);
	ck_assert_uint_eq(f->tcp_state, FLOW_TCP_NONE);
	ck_assert_uint_eq(f->port[FLOW_S2C], 443);
	p = tcp(T0 + 1, "10.0.0.1", 50000, "10.0.0.80", 443, ACK);
	up(t, &p, &dir, &isnew);
	ck_assert_int_eq(dir, FLOW_C2S);
	ck_assert_uint_eq(f->tcp_state, FLOW_TCP_ESTABLISHED);

	/* Both above 1023, and both below 1024: the lower port serves. */
	p = udp(T0, "10.0.0.8", 8080, "10.0.0.1", 50000);
	f = up(t, &p, &dir, &isnew);
	ck_assert_int_eq(dir, FLOW_S2C);
	ck_assert_uint_eq(f->port[FLOW_S2C], 8080);
	p = tcp(T0, "10.0.0.1", 1000, "10.0.0.2", 514, ACK);
	f = up(t, &p, &dir, &isnew);
	ck_assert_int_eq(dir, FLOW_C2S);
	ck_assert_uint_eq(f->port[FLOW_S2C], 514);
	ck_assert_uint_eq(flowtab_stats(t)->created, 6);
	flowtab_free(t);
}
END_TEST

START_TEST(test_flowtab_dir_swap_before_payload)
{
	struct flowtab_conf c = conf(16);
	struct flowtab *t = flowtab_new(&c, NULL, NULL);
	struct pkt p;
	struct flow *f;
	int dir, isnew;

	/*
	 * A bare ACK captured before the SYN it follows: the port guess
	 * makes 10.0.0.1:2000 the server, the SYN shows it is the client.
	 */
	p = tcp(T0, "10.0.0.1", 2000, "10.0.0.2", 3000, ACK);
	p.has_mac = 1;
	memcpy(p.smac, "\x02\0\0\0\0\x01", 6);
	memcpy(p.dmac, "\x02\0\0\0\0\x02", 6);
	f = up(t, &p, &dir, &isnew);
	ck_assert_int_eq(dir, FLOW_S2C);
	assert_addr(&f->addr[FLOW_C2S], "10.0.0.2");
	p = tcp(T0 + 1, "10.0.0.1", 2000, "10.0.0.2", 3000, SYN);
	f = up(t, &p, &dir, &isnew);
	ck_assert_int_eq(isnew, 0);
	ck_assert_int_eq(dir, FLOW_C2S);
	ck_assert_uint_eq(f->dir_by, FLOW_DIR_SYN);
	assert_addr(&f->addr[FLOW_C2S], "10.0.0.1");
	ck_assert_uint_eq(f->port[FLOW_C2S], 2000);
	assert_addr(&f->addr[FLOW_S2C], "10.0.0.2");
	ck_assert_uint_eq(f->port[FLOW_S2C], 3000);
	ck_assert_uint_eq(f->pkts[FLOW_C2S], 2);
	ck_assert_uint_eq(f->pkts[FLOW_S2C], 0);
	ck_assert_uint_eq(f->bytes[FLOW_C2S], 80);
	ck_assert_uint_eq(f->dfirst[FLOW_C2S], T0);
	ck_assert_uint_eq(f->dlast[FLOW_C2S], T0 + 1);
	ck_assert_uint_eq(f->tcp_flags[FLOW_C2S], SYN | ACK);
	ck_assert_uint_eq(f->tcp_flags[FLOW_S2C], 0);
	ck_assert_mem_eq(f->mac[FLOW_C2S], "\x02\0\0\0\0\x01", 6);
	ck_assert_mem_eq(f->mac[FLOW_S2C], "\x02\0\0\0\0\x02", 6);
	ck_assert_uint_eq(flowtab_stats(t)->swapped, 1);
	/* The reply lands on the right side. */
	p = tcp(T0 + 2, "10.0.0.2", 3000, "10.0.0.1", 2000, SYN | ACK);
	up(t, &p, &dir, &isnew);
	ck_assert_int_eq(dir, FLOW_S2C);
	ck_assert_uint_eq(f->dir_by, FLOW_DIR_SYN);
	ck_assert_uint_eq(flowtab_stats(t)->swapped, 1);

	/* A FIN seen before the turn stays with the end that sent it. */
	p = tcp(T0, "10.0.0.5", 2000, "10.0.0.6", 3000, FIN | ACK);
	f = up(t, &p, &dir, &isnew);
	ck_assert_int_eq(dir, FLOW_S2C);
	ck_assert_uint_eq(f->tcp_state, FLOW_TCP_CLOSING);
	p = tcp(T0 + 1, "10.0.0.5", 2000, "10.0.0.6", 3000, SYN);
	up(t, &p, &dir, &isnew);
	ck_assert_int_eq(dir, FLOW_C2S);
	ck_assert_uint_eq(f->tcp_flags[FLOW_C2S], FIN | ACK | SYN);
	p = tcp(T0 + 2, "10.0.0.6", 3000, "10.0.0.5", 2000, FIN | ACK);
	up(t, &p, &dir, &isnew);
	ck_assert_int_eq(dir, FLOW_S2C);
	ck_assert_uint_eq(f->tcp_state, FLOW_TCP_CLOSED);
	ck_assert_uint_eq(flowtab_stats(t)->swapped, 2);

	/* After payload the guess stands. */
	p = tcp(T0, "10.0.0.3", 2000, "10.0.0.4", 3000, ACK | PSH);
	p.paylen = 10;
	f = up(t, &p, &dir, &isnew);
	ck_assert_int_eq(dir, FLOW_S2C);
	p = tcp(T0 + 1, "10.0.0.4", 3000, "10.0.0.3", 2000, SYN | ACK);
	up(t, &p, &dir, &isnew);
	ck_assert_int_eq(dir, FLOW_C2S);
	ck_assert_uint_eq(f->dir_by, FLOW_DIR_PORT);
	assert_addr(&f->addr[FLOW_C2S], "10.0.0.4");
	ck_assert_uint_eq(flowtab_stats(t)->swapped, 2);
	flowtab_free(t);
}
END_TEST

START_TEST(test_flowtab_counters_per_direction)
{
	struct flowtab_conf c = conf(16);
	struct flowtab *t = flowtab_new(&c, NULL, NULL);
	static const uint8_t cm[6] = { 0x02, 0, 0, 0, 0, 0xc1 };
	static const uint8_t sm[6] = { 0x02, 0, 0, 0, 0, 0x51 };
	static const uint8_t gw[6] = { 0x02, 0, 0, 0, 0, 0x99 };
	struct pkt p;
	struct flow *f;
	int dir, isnew;

	p = tcp(T0 + 100, "192.0.2.1", 40000, "198.51.100.1", 443, SYN);
	p.ip_len = 60;
	p.has_mac = 1;
	memcpy(p.smac, cm, 6);
	memcpy(p.dmac, gw, 6);
	f = up(t, &p, &dir, &isnew);
	/* Until the server speaks, its MAC is the one the client used. */
	ck_assert_mem_eq(f->mac[FLOW_S2C], gw, 6);
	p = tcp(T0 + 200, "198.51.100.1", 443, "192.0.2.1", 40000, SYN | ACK);
	p.ip_len = 60;
	p.has_mac = 1;
	memcpy(p.smac, sm, 6);
	/* A destination MAC never overrides what an end said of itself. */
	memcpy(p.dmac, gw, 6);
	up(t, &p, &dir, &isnew);
	ck_assert_mem_eq(f->mac[FLOW_C2S], cm, 6);
	ck_assert_mem_eq(f->mac[FLOW_S2C], sm, 6);
	p = tcp(T0 + 300, "192.0.2.1", 40000, "198.51.100.1", 443, ACK);
	up(t, &p, &dir, &isnew);
	p = tcp(T0 + 400, "192.0.2.1", 40000, "198.51.100.1", 443,
	    ACK | PSH);
	p.ip_len = 557;
	p.paylen = 517;
	up(t, &p, &dir, &isnew);
	p = tcp(T0 + 900, "198.51.100.1", 443, "192.0.2.1", 40000,
	    ACK | PSH);
	p.ip_len = 1500;
	p.paylen = 1460;
	up(t, &p, &dir, &isnew);

	ck_assert_uint_eq(f->pkts[FLOW_C2S], 3);
	ck_assert_uint_eq(f->pkts[FLOW_S2C], 2);
	ck_assert_uint_eq(f->bytes[FLOW_C2S], 60 + 40 + 557);
	ck_assert_uint_eq(f->bytes[FLOW_S2C], 60 + 1500);
	ck_assert_uint_eq(f->dfirst[FLOW_C2S], T0 + 100);
	ck_assert_uint_eq(f->dlast[FLOW_C2S], T0 + 400);
	ck_assert_uint_eq(f->dfirst[FLOW_S2C], T0 + 200);
	ck_assert_uint_eq(f->dlast[FLOW_S2C], T0 + 900);
	ck_assert_uint_eq(f->first_ts, T0 + 100);
	ck_assert_uint_eq(f->last_ts, T0 + 900);
	ck_assert_uint_eq(f->tcp_flags[FLOW_C2S], SYN | ACK | PSH);
	ck_assert_uint_eq(f->tcp_flags[FLOW_S2C], SYN | ACK | PSH);
	ck_assert_uint_eq(f->has_mac[FLOW_C2S], 1);
	ck_assert_uint_eq(f->has_mac[FLOW_S2C], 1);
	ck_assert_mem_eq(f->mac[FLOW_C2S], cm, 6);
	ck_assert_mem_eq(f->mac[FLOW_S2C], sm, 6);
	ck_assert_uint_eq(f->vlan, 0);
	ck_assert_uint_eq(f->proto, IPPROTO_TCP);
	ck_assert_uint_eq(f->ipver, 4);
	ck_assert_uint_eq(flowtab_stats(t)->lookups, 5);
	flowtab_free(t);
}
END_TEST

START_TEST(test_flowtab_idle_timeout_per_class)
{
	struct flowtab_conf c = conf(16);
	struct rec r = { 0 };
	struct flowtab *t;
	struct pkt p;
	int dir, isnew;

	c.tcp_idle = 300;
	c.udp_idle = 120;
	c.other_idle = 60;
	t = flowtab_new(&c, rec_cb, &r);
	p = tcp(T0, "10.0.0.1", 40000, "10.0.0.2", 22, ACK);
	up(t, &p, &dir, &isnew);
	p = udp(T0, "10.0.0.1", 40000, "10.0.0.2", 53);
	up(t, &p, &dir, &isnew);
	p = icmp(T0, "10.0.0.1", "10.0.0.2", 8, 0);
	up(t, &p, &dir, &isnew);
	/* A later packet restarts the idle time of its flow only. */
	p = udp(T0 + 50 * USEC, "10.0.0.2", 53, "10.0.0.1", 40000);
	up(t, &p, &dir, &isnew);
	ck_assert_int_eq(isnew, 0);

	flowtab_expire(t, T0 + 60 * USEC - 1);
	ck_assert_uint_eq(r.n, 0);
	flowtab_expire(t, T0 + 60 * USEC);
	ck_assert_uint_eq(r.n, 1);
	ck_assert_uint_eq(r.ev[0].f.proto, IPPROTO_ICMP);
	ck_assert_int_eq(r.ev[0].why, FLOW_END_IDLE);
	flowtab_expire(t, T0 + 170 * USEC - 1);
	ck_assert_uint_eq(r.n, 1);
	flowtab_expire(t, T0 + 170 * USEC);
	ck_assert_uint_eq(r.n, 2);
	ck_assert_uint_eq(r.ev[1].f.proto, IPPROTO_UDP);
	ck_assert_int_eq(r.ev[1].why, FLOW_END_IDLE);
	ck_assert_uint_eq(r.ev[1].f.last_ts, T0 + 50 * USEC);
	flowtab_expire(t, T0 + 300 * USEC - 1);
	ck_assert_uint_eq(r.n, 2);
	flowtab_expire(t, T0 + 300 * USEC);
	ck_assert_uint_eq(r.n, 3);
	ck_assert_uint_eq(r.ev[2].f.proto, IPPROTO_TCP);
	ck_assert_int_eq(r.ev[2].why, FLOW_END_IDLE);
	ck_assert_uint_eq(flowtab_stats(t)->ended[FLOW_END_IDLE], 3);
	ck_assert_uint_eq(flowtab_stats(t)->active, 0);
	flowtab_free(t);
	free(r.ev);
}
END_TEST

/*
 * A packet stamped a little before the table's clock (a capture merged
 * out of order) keeps its flow to the clock: it does not expire before
 * flows whose packets came before it, and expiry goes by the clock at
 * each flow's last packet, then by the packets' order (qseq), whatever
 * the stamps.  Several workers splitting a capture end flows in this
 * order, each its own.
 */
START_TEST(test_flowtab_expire_order_by_table_clock)
{
	struct flowtab_conf c = conf(16);
	struct rec r = { 0 };
	struct flowtab *t;
	struct pkt p;
	int dir, isnew;

	t = flowtab_new(&c, rec_cb, &r);
	p = udp(T0 + 50, "10.0.0.1", 40000, "10.0.0.2", 53);
	p.seq = 8;
	up(t, &p, &dir, &isnew);
	/* Stamped before the first: its flow is still at the clock's time. */
	p = udp(T0 + 10, "10.0.0.3", 40000, "10.0.0.4", 53);
	p.seq = 16;
	ck_assert_uint_eq(up(t, &p, &dir, &isnew)->qts, T0 + 50);
	/* Due by its stamp, not by the clock: kept. */
	flowtab_expire(t, T0 + 10 + (uint64_t)c.udp_idle * USEC);
	ck_assert_uint_eq(r.n, 0);
	flowtab_expire(t, T0 + 50 + (uint64_t)c.udp_idle * USEC);
	ck_assert_uint_eq(r.n, 2);
	/* The order of the packets, not of the stamps. */
	ck_assert_uint_eq(r.ev[0].f.qseq, 8);
	ck_assert_uint_eq(r.ev[1].f.last_ts, T0 + 10);
	flowtab_free(t);
	free(r.ev);
}
END_TEST

START_TEST(test_flowtab_expire_order_across_queues)
{
	struct flowtab_conf c = conf(16);
	struct rec r = { 0 };
	struct flowtab *t;
	struct pkt p;
	int dir, isnew;

	t = flowtab_new(&c, rec_cb, &r);
	p = udp(T0, "10.0.0.1", 40000, "10.0.0.2", 53);
	up(t, &p, &dir, &isnew);
	p = tcp(T0 + 5, "10.0.0.1", 40000, "10.0.0.2", 22, RST);
	up(t, &p, &dir, &isnew);
	p = tcp(T0 + 7, "10.0.0.1", 40001, "10.0.0.2", 22, ACK);
	up(t, &p, &dir, &isnew);
	p = icmp(T0 + 10, "10.0.0.1", "10.0.0.2", 8, 0);
	up(t, &p, &dir, &isnew);
	flowtab_expire(t, T0 + 1000 * USEC);
	ck_assert_uint_eq(r.n, 4);
	ck_assert_uint_eq(r.ev[0].f.last_ts, T0);
	ck_assert_uint_eq(r.ev[1].f.last_ts, T0 + 5);
	ck_assert_int_eq(r.ev[1].why, FLOW_END_TCP);
	ck_assert_uint_eq(r.ev[2].f.last_ts, T0 + 7);
	ck_assert_int_eq(r.ev[2].why, FLOW_END_IDLE);
	ck_assert_uint_eq(r.ev[3].f.last_ts, T0 + 10);
	flowtab_free(t);
	free(r.ev);
}
END_TEST

START_TEST(test_flowtab_stale_flow_ends_on_packet)
{
	struct flowtab_conf c = conf(16);
	struct rec r = { 0 };
	struct flowtab *t;
	struct pkt p;
	struct flow *f;
	uint32_t slot;
	int dir, isnew;

	t = flowtab_new(&c, rec_cb, &r);
	p = udp(T0, "10.0.0.1", 40000, "10.0.0.2", 53);
	f = up(t, &p, &dir, &isnew);
	slot = flowtab_slot(t, f);
	/* No flowtab_expire() in between: the packet ends the old flow. */
	p = udp(T0 + 120 * USEC, "10.0.0.2", 53, "10.0.0.1", 40000);
	f = up(t, &p, &dir, &isnew);
	ck_assert_int_eq(isnew, 1);
	ck_assert_uint_eq(r.n, 1);
	ck_assert_int_eq(r.ev[0].why, FLOW_END_IDLE);
	ck_assert_uint_eq(r.ev[0].slot, slot);
	ck_assert_uint_eq(r.ev[0].f.pkts[FLOW_C2S], 1);
	/* The new flow is judged afresh: 53 is the server. */
	ck_assert_int_eq(dir, FLOW_S2C);
	ck_assert_uint_eq(f->pkts[FLOW_S2C], 1);
	ck_assert_uint_eq(f->pkts[FLOW_C2S], 0);
	ck_assert_uint_eq(flowtab_slot(t, f), slot);
	ck_assert_uint_eq(flowtab_stats(t)->created, 2);
	flowtab_free(t);
	free(r.ev);
}
END_TEST

START_TEST(test_flowtab_fin_rst_closing_timeout)
{
	struct flowtab_conf c = conf(16);
	struct rec r = { 0 };
	struct flowtab *t;
	struct pkt p;
	struct flow *f;
	int dir, isnew;

	c.tcp_closed = 15;
	t = flowtab_new(&c, rec_cb, &r);
	p = tcp(T0, "10.0.0.1", 40000, "10.0.0.2", 80, SYN);
	f = up(t, &p, &dir, &isnew);
	p = tcp(T0 + 1, "10.0.0.2", 80, "10.0.0.1", 40000, SYN | ACK);
	up(t, &p, &dir, &isnew);
	p = tcp(T0 + 2, "10.0.0.1", 40000, "10.0.0.2", 80, ACK);
	up(t, &p, &dir, &isnew);
	p = tcp(T0 + 1 * USEC, "10.0.0.1", 40000, "10.0.0.2", 80, FIN | ACK);
	up(t, &p, &dir, &isnew);
	ck_assert_uint_eq(f->tcp_state, FLOW_TCP_CLOSING);
	flowtab_expire(t, T0 + 16 * USEC - 1);
	ck_assert_uint_eq(r.n, 0);
	/* A late ACK keeps the flow and restarts the closing time. */
	p = tcp(T0 + 10 * USEC, "10.0.0.2", 80, "10.0.0.1", 40000, ACK);
	ck_assert_ptr_eq(up(t, &p, &dir, &isnew), f);
	ck_assert_int_eq(isnew, 0);
	p = tcp(T0 + 12 * USEC, "10.0.0.2", 80, "10.0.0.1", 40000,
	    FIN | ACK);
	up(t, &p, &dir, &isnew);
	ck_assert_uint_eq(f->tcp_state, FLOW_TCP_CLOSED);
	ck_assert_uint_eq(f->tcp_flags[FLOW_C2S], SYN | ACK | FIN);
	ck_assert_uint_eq(f->tcp_flags[FLOW_S2C], SYN | ACK | FIN);
	flowtab_expire(t, T0 + 27 * USEC - 1);
	ck_assert_uint_eq(r.n, 0);
	flowtab_expire(t, T0 + 27 * USEC);
	ck_assert_uint_eq(r.n, 1);
	ck_assert_int_eq(r.ev[0].why, FLOW_END_TCP);
	ck_assert_uint_eq(r.ev[0].f.pkts[FLOW_C2S], 3);
	ck_assert_uint_eq(r.ev[0].f.pkts[FLOW_S2C], 3);

	/* RST: closed at once, same short timeout. */
	p = tcp(T0 + 30 * USEC, "10.0.0.1", 40001, "10.0.0.2", 80, SYN);
	f = up(t, &p, &dir, &isnew);
	p = tcp(T0 + 30 * USEC + 1, "10.0.0.2", 80, "10.0.0.1", 40001,
	    RST | ACK);
	up(t, &p, &dir, &isnew);
	ck_assert_uint_eq(f->tcp_state, FLOW_TCP_CLOSED);
	flowtab_expire(t, T0 + 45 * USEC);
	ck_assert_uint_eq(r.n, 1);
	flowtab_expire(t, T0 + 45 * USEC + 1);
	ck_assert_uint_eq(r.n, 2);
	ck_assert_int_eq(r.ev[1].why, FLOW_END_TCP);
	ck_assert_uint_eq(flowtab_stats(t)->ended[FLOW_END_TCP], 2);
	flowtab_free(t);
	free(r.ev);
}
END_TEST

START_TEST(test_flowtab_syn_reuse_after_rst)
{
	struct flowtab_conf c = conf(16);
	struct rec r = { 0 };
	struct flowtab *t;
	struct pkt p;
	struct flow *f;
	int dir, isnew;

	t = flowtab_new(&c, rec_cb, &r);
	p = tcp(T0, "10.0.0.1", 40000, "10.0.0.2", 80, SYN);
	f = up(t, &p, &dir, &isnew);
	/* A retransmitted SYN is the same connection. */
	p = tcp(T0 + 1 * USEC, "10.0.0.1", 40000, "10.0.0.2", 80, SYN);
	ck_assert_ptr_eq(up(t, &p, &dir, &isnew), f);
	ck_assert_int_eq(isnew, 0);
	p = tcp(T0 + 2 * USEC, "10.0.0.2", 80, "10.0.0.1", 40000, RST | ACK);
	up(t, &p, &dir, &isnew);
	ck_assert_uint_eq(r.n, 0);
	p = tcp(T0 + 3 * USEC, "10.0.0.1", 40000, "10.0.0.2", 80, SYN);
	f = up(t, &p, &dir, &isnew);
	ck_assert_int_eq(isnew, 1);
	ck_assert_int_eq(dir, FLOW_C2S);
	ck_assert_uint_eq(r.n, 1);
	ck_assert_int_eq(r.ev[0].why, FLOW_END_TCP);
	ck_assert_uint_eq(r.ev[0].f.pkts[FLOW_C2S], 2);
	ck_assert_uint_eq(r.ev[0].f.pkts[FLOW_S2C], 1);
	ck_assert_uint_eq(f->pkts[FLOW_C2S], 1);
	ck_assert_uint_eq(f->pkts[FLOW_S2C], 0);
	ck_assert_uint_eq(f->tcp_state, FLOW_TCP_SYN);
	ck_assert_uint_eq(f->first_ts, T0 + 3 * USEC);
	ck_assert_uint_eq(flowtab_stats(t)->reused, 1);
	ck_assert_uint_eq(flowtab_stats(t)->created, 2);
	ck_assert_uint_eq(flowtab_stats(t)->active, 1);

	/* Half-closed is not closed: a SYN there does not start anew. */
	p = tcp(T0 + 4 * USEC, "10.0.0.2", 80, "10.0.0.1", 40000, SYN | ACK);
	up(t, &p, &dir, &isnew);
	p = tcp(T0 + 5 * USEC, "10.0.0.1", 40000, "10.0.0.2", 80, FIN | ACK);
	up(t, &p, &dir, &isnew);
	ck_assert_uint_eq(f->tcp_state, FLOW_TCP_CLOSING);
	p = tcp(T0 + 6 * USEC, "10.0.0.1", 40000, "10.0.0.2", 80, SYN);
	ck_assert_ptr_eq(up(t, &p, &dir, &isnew), f);
	ck_assert_int_eq(isnew, 0);
	ck_assert_uint_eq(r.n, 1);
	flowtab_free(t);
	free(r.ev);
}
END_TEST

START_TEST(test_flowtab_active_timeout_cuts_record)
{
	struct flowtab_conf c = conf(16);
	struct rec r = { 0 };
	struct flowtab *t;
	struct pkt p;
	struct flow *f;
	uint32_t slot;
	int dir, isnew;

	c.active = 10;
	t = flowtab_new(&c, rec_cb, &r);
	p = tcp(T0, "10.0.0.1", 40000, "10.0.0.2", 80, SYN);
	f = up(t, &p, &dir, &isnew);
	slot = flowtab_slot(t, f);
	p = tcp(T0 + 5 * USEC, "10.0.0.2", 80, "10.0.0.1", 40000, SYN | ACK);
	up(t, &p, &dir, &isnew);
	p = tcp(T0 + 10 * USEC, "10.0.0.1", 40000, "10.0.0.2", 80, ACK);
	up(t, &p, &dir, &isnew);
	ck_assert_uint_eq(r.n, 0);
	p = tcp(T0 + 10 * USEC + 1, "10.0.0.1", 40000, "10.0.0.2", 80,
	    ACK | PSH);
	p.ip_len = 100;
	ck_assert_ptr_eq(up(t, &p, &dir, &isnew), f);
	ck_assert_int_eq(isnew, 0);
	ck_assert_uint_eq(r.n, 1);
	ck_assert_int_eq(r.ev[0].why, FLOW_END_ACTIVE);
	ck_assert_uint_eq(r.ev[0].slot, slot);
	ck_assert_uint_eq(r.ev[0].f.first_ts, T0);
	ck_assert_uint_eq(r.ev[0].f.pkts[FLOW_C2S], 2);
	ck_assert_uint_eq(r.ev[0].f.pkts[FLOW_S2C], 1);
	ck_assert_uint_eq(r.ev[0].f.bytes[FLOW_C2S], 80);
	/* The new record holds only the packet that cut the old one. */
	ck_assert_uint_eq(f->first_ts, T0 + 10 * USEC + 1);
	ck_assert_uint_eq(f->last_ts, T0 + 10 * USEC + 1);
	ck_assert_uint_eq(f->pkts[FLOW_C2S], 1);
	ck_assert_uint_eq(f->pkts[FLOW_S2C], 0);
	ck_assert_uint_eq(f->bytes[FLOW_C2S], 100);
	ck_assert_uint_eq(f->dfirst[FLOW_C2S], T0 + 10 * USEC + 1);
	ck_assert_uint_eq(f->dfirst[FLOW_S2C], 0);
	ck_assert_uint_eq(f->dlast[FLOW_S2C], 0);
	ck_assert_uint_eq(f->tcp_flags[FLOW_C2S], ACK | PSH);
	ck_assert_uint_eq(f->tcp_flags[FLOW_S2C], 0);
	ck_assert_uint_eq(f->tcp_state, FLOW_TCP_ESTABLISHED);
	ck_assert_uint_eq(f->dir_by, FLOW_DIR_SYN);
	ck_assert_uint_eq(flowtab_stats(t)->ended[FLOW_END_ACTIVE], 1);
	ck_assert_uint_eq(flowtab_stats(t)->created, 1);
	ck_assert_uint_eq(flowtab_stats(t)->active, 1);
	flowtab_flush(t);
	ck_assert_uint_eq(r.n, 2);
	ck_assert_int_eq(r.ev[1].why, FLOW_END_FLUSH);
	ck_assert_uint_eq(r.ev[1].f.pkts[FLOW_C2S], 1);
	flowtab_free(t);
	free(r.ev);
}
END_TEST

START_TEST(test_flowtab_evict_least_recent_at_cap)
{
	struct flowtab_conf c = conf(4);
	struct rec r = { 0 };
	struct flowtab *t;
	struct flow *f[5];
	uint32_t slot2;
	struct pkt p;
	int dir, isnew;

	t = flowtab_new(&c, rec_cb, &r);
	for (int i = 0; i < 4; i++) {
		p = udp(T0 + (uint64_t)i * USEC, "10.0.0.1",
		    (uint16_t)(40000 + i), "10.0.0.2", 53);
		f[i] = up(t, &p, &dir, &isnew);
	}
	slot2 = flowtab_slot(t, f[1]);
	/* Flow 0 is touched again: flow 1 becomes the least recent. */
	p = udp(T0 + 5 * USEC, "10.0.0.2", 53, "10.0.0.1", 40000);
	up(t, &p, &dir, &isnew);
	ck_assert_int_eq(isnew, 0);
	p = icmp(T0 + 6 * USEC, "10.0.0.1", "10.0.0.3", 8, 0);
	f[4] = up(t, &p, &dir, &isnew);
	ck_assert_int_eq(isnew, 1);
	ck_assert_uint_eq(r.n, 1);
	ck_assert_int_eq(r.ev[0].why, FLOW_END_EVICTED);
	ck_assert_uint_eq(r.ev[0].slot, slot2);
	ck_assert_uint_eq(r.ev[0].f.port[FLOW_C2S], 40001);
	ck_assert_uint_eq(flowtab_slot(t, f[4]), slot2);
	ck_assert_uint_eq(flowtab_stats(t)->ended[FLOW_END_EVICTED], 1);
	ck_assert_uint_eq(flowtab_stats(t)->active, 4);
	ck_assert_uint_eq(flowtab_stats(t)->peak, 4);
	ck_assert_uint_eq(flowtab_stats(t)->created, 5);

	/* Full, but a flow is past its timeout: it ends as idle instead. */
	p = udp(T0 + 200 * USEC, "10.0.0.9", 40000, "10.0.0.2", 53);
	up(t, &p, &dir, &isnew);
	ck_assert_uint_eq(r.n, 2);
	ck_assert_int_eq(r.ev[1].why, FLOW_END_IDLE);
	ck_assert_uint_eq(r.ev[1].f.port[FLOW_C2S], 40002);
	ck_assert_uint_eq(flowtab_stats(t)->ended[FLOW_END_EVICTED], 1);
	flowtab_free(t);
	free(r.ev);
}
END_TEST

START_TEST(test_flowtab_vlan_in_and_out_of_key)
{
	struct flowtab_conf c = conf(16);
	struct flowtab *t;
	struct pkt p;
	struct flow *a, *b;
	int dir, isnew;

	t = flowtab_new(&c, NULL, NULL);
	p = udp(T0, "10.0.0.1", 40000, "10.0.0.2", 53);
	p.vlan = 10;
	a = up(t, &p, &dir, &isnew);
	p.vlan = 20;
	b = up(t, &p, &dir, &isnew);
	ck_assert_ptr_eq(a, b);
	ck_assert_int_eq(isnew, 0);
	ck_assert_uint_eq(a->vlan, 10);
	ck_assert_uint_eq(a->pkts[FLOW_C2S], 2);
	flowtab_free(t);

	c.vlan_in_key = 1;
	t = flowtab_new(&c, NULL, NULL);
	p = udp(T0, "10.0.0.1", 40000, "10.0.0.2", 53);
	p.vlan = 10;
	a = up(t, &p, &dir, &isnew);
	p.vlan = 20;
	b = up(t, &p, &dir, &isnew);
	ck_assert_ptr_ne(a, b);
	ck_assert_int_eq(isnew, 1);
	ck_assert_uint_eq(a->vlan, 10);
	ck_assert_uint_eq(b->vlan, 20);
	p = udp(T0 + 1, "10.0.0.2", 53, "10.0.0.1", 40000);
	p.vlan = 10;
	ck_assert_ptr_eq(up(t, &p, &dir, &isnew), a);
	ck_assert_int_eq(dir, FLOW_S2C);
	ck_assert_uint_eq(a->pkts[FLOW_S2C], 1);
	ck_assert_uint_eq(b->pkts[FLOW_S2C], 0);
	ck_assert_uint_eq(flowtab_stats(t)->created, 2);
	flowtab_free(t);
}
END_TEST

START_TEST(test_flowtab_ipv6)
{
	struct flowtab_conf c = conf(16);
	struct flowtab *t = flowtab_new(&c, NULL, NULL);
	struct pkt p;
	struct flow *f, *g;
	int dir, isnew;

	p = tcp(T0, "2001:db8::1", 50000, "2001:db8::2", 443, SYN);
	p.ip_len = 80;
	f = up(t, &p, &dir, &isnew);
	ck_assert_uint_eq(f->ipver, 6);
	assert_addr(&f->addr[FLOW_C2S], "2001:db8::1");
	assert_addr(&f->addr[FLOW_S2C], "2001:db8::2");
	p = tcp(T0 + 1, "2001:db8::2", 443, "2001:db8::1", 50000, SYN | ACK);
	p.ip_len = 80;
	ck_assert_ptr_eq(up(t, &p, &dir, &isnew), f);
	ck_assert_int_eq(dir, FLOW_S2C);
	ck_assert_uint_eq(f->bytes[FLOW_S2C], 80);
	/* Addresses that differ only in the last byte. */
	p = tcp(T0 + 2, "2001:db8::1", 50000, "2001:db8::3", 443, SYN);
	g = up(t, &p, &dir, &isnew);
	ck_assert_ptr_ne(g, f);
	/* An IPv4-mapped address in IPv6 is not the IPv4 flow. */
	p = udp(T0, "10.0.0.1", 40000, "10.0.0.2", 53);
	f = up(t, &p, &dir, &isnew);
	p = udp(T0, "::ffff:10.0.0.1", 40000, "::ffff:10.0.0.2", 53);
	p.ipver = 6;
	g = up(t, &p, &dir, &isnew);
	ck_assert_int_eq(isnew, 1);
	ck_assert_ptr_ne(g, f);
	ck_assert_uint_eq(flowtab_stats(t)->created, 4);
	flowtab_free(t);
}
END_TEST

START_TEST(test_flowtab_icmp_echo_one_flow)
{
	struct flowtab_conf c = conf(16);
	struct flowtab *t = flowtab_new(&c, NULL, NULL);
	struct pkt p;
	struct flow *f, *g;
	int dir, isnew;

	p = icmp(T0, "10.0.0.1", "10.0.0.2", 8, 0);
	f = up(t, &p, &dir, &isnew);
	ck_assert_int_eq(dir, FLOW_C2S);
	ck_assert_uint_eq(f->port[FLOW_C2S], 8 << 8);
	ck_assert_uint_eq(f->port[FLOW_S2C], 0);
	p = icmp(T0 + 1, "10.0.0.2", "10.0.0.1", 0, 0);
	ck_assert_ptr_eq(up(t, &p, &dir, &isnew), f);
	ck_assert_int_eq(dir, FLOW_S2C);
	ck_assert_uint_eq(f->pkts[FLOW_C2S], 1);
	ck_assert_uint_eq(f->pkts[FLOW_S2C], 1);
	/* The reply seen first: its receiver asked. */
	p = icmp(T0, "10.0.0.4", "10.0.0.3", 0, 0);
	g = up(t, &p, &dir, &isnew);
	ck_assert_int_eq(dir, FLOW_S2C);
	assert_addr(&g->addr[FLOW_C2S], "10.0.0.3");
	ck_assert_uint_eq(g->port[FLOW_C2S], 8 << 8);
	ck_assert_uint_eq(g->dir_by, FLOW_DIR_PORT);
	/* Another type between the same hosts is another flow. */
	p = icmp(T0 + 2, "10.0.0.2", "10.0.0.1", 3, 3);
	g = up(t, &p, &dir, &isnew);
	ck_assert_ptr_ne(g, f);
	ck_assert_int_eq(dir, FLOW_C2S);
	ck_assert_uint_eq(g->port[FLOW_C2S], 3 << 8 | 3);
	/* ICMPv6 echo. */
	p = mk(T0, "2001:db8::1", 128 << 8, "2001:db8::2", 0, IPPROTO_ICMPV6,
	    0, 104);
	f = up(t, &p, &dir, &isnew);
	p = mk(T0, "2001:db8::2", 129 << 8, "2001:db8::1", 0, IPPROTO_ICMPV6,
	    0, 104);
	ck_assert_ptr_eq(up(t, &p, &dir, &isnew), f);
	ck_assert_int_eq(dir, FLOW_S2C);
	ck_assert_uint_eq(flowtab_stats(t)->created, 4);
	flowtab_free(t);
}
END_TEST

START_TEST(test_flowtab_non_ip_ignored)
{
	struct flowtab_conf c = conf(16);
	struct flowtab *t = flowtab_new(&c, NULL, NULL);
	struct pkt p;
	int dir, isnew;

	memset(&p, 0, sizeof(p));
	p.ts = T0;
	p.arp_op = 1;
	ck_assert_ptr_null(flowtab_update(t, &p, &dir, &isnew));
	ck_assert_int_eq(isnew, 0);
	ck_assert_uint_eq(flowtab_stats(t)->lookups, 0);
	ck_assert_uint_eq(flowtab_stats(t)->created, 0);
	flowtab_free(t);
}
END_TEST

/* A small deterministic generator, so the tests need no random state. */
static uint64_t
rnd(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static struct pkt
random_pkt(uint64_t *s, uint64_t ts, unsigned hosts)
{
	struct pkt p;
	uint64_t v = rnd(s);
	uint8_t a[4] = { 10, 0, 0, 0 }, b[4] = { 10, 1, 0, 0 };

	memset(&p, 0, sizeof(p));
	p.ts = ts;
	a[3] = (uint8_t)(v % hosts);
	b[3] = (uint8_t)((v >> 8) % hosts);
	if (v >> 63) {
		addr_from_v4(&p.src, a);
		addr_from_v4(&p.dst, b);
	} else {
		addr_from_v4(&p.src, b);
		addr_from_v4(&p.dst, a);
	}
	p.ipver = 4;
	p.sport = (uint16_t)(1024 + (v >> 16) % 8);
	p.dport = (v >> 24) & 1 ? 53 : 443;
	switch ((v >> 32) % 4) {
	case 0:
		p.proto = IPPROTO_TCP;
		p.tcp_flags = SYN;
		break;
	case 1:
		p.proto = IPPROTO_TCP;
		p.tcp_flags = (v >> 40) % 16 == 0 ? RST : ACK;
		break;
	case 2:
		p.proto = IPPROTO_UDP;
		break;
	default:
		p.proto = IPPROTO_ICMP;
		p.sport = (v >> 40) & 1 ? 8 << 8 : 0;
		p.dport = 0;
		break;
	}
	p.ip_len = 40 + (uint32_t)((v >> 48) % 1400);
	return p;
}

/* Feeds the same traffic to a table with the given seed. */
static void
run_seeded(uint64_t seed, struct rec *r)
{
	struct flowtab_conf c = conf(64);
	struct flowtab *t;
	uint64_t s = 7, ts = T0;
	struct pkt p;
	int dir, isnew;

	c.seed = seed;
	c.udp_idle = 2;
	c.other_idle = 1;
	c.tcp_closed = 1;
	t = flowtab_new(&c, rec_cb, r);
	for (int i = 0; i < 5000; i++) {
		ts += rnd(&s) % 2000;
		p = random_pkt(&s, ts, 12);
		up(t, &p, &dir, &isnew);
		if (i % 100 == 0)
			flowtab_expire(t, ts);
	}
	flowtab_flush(t);
	ck_assert_uint_eq(flowtab_stats(t)->active, 0);
	ck_assert_uint_eq(flowtab_stats(t)->created,
	    sum_ended(flowtab_stats(t)));
	ck_assert_uint_gt(flowtab_stats(t)->ended[FLOW_END_EVICTED], 0);
	ck_assert_uint_gt(flowtab_stats(t)->ended[FLOW_END_FLUSH], 0);
	flowtab_free(t);
}

START_TEST(test_flowtab_flush_order_independent_of_seed)
{
	struct rec a = { 0 }, b = { 0 }, z = { 0 };
	uint64_t prev = 0;
	size_t i;

	run_seeded(1, &a);
	run_seeded(0xdeadbeefcafef00dULL, &b);
	run_seeded(0, &z);
	ck_assert_uint_eq(a.n, b.n);
	ck_assert_uint_eq(a.n, z.n);
	for (i = 0; i < a.n; i++) {
		/* Everything but the private hash link must match. */
		a.ev[i].f.hash = b.ev[i].f.hash = z.ev[i].f.hash = 0;
		a.ev[i].f.hnext = b.ev[i].f.hnext = z.ev[i].f.hnext = 0;
		ck_assert_uint_eq(a.ev[i].slot, b.ev[i].slot);
		ck_assert_int_eq(a.ev[i].why, b.ev[i].why);
		ck_assert_mem_eq(&a.ev[i].f, &b.ev[i].f, sizeof(a.ev[i].f));
		ck_assert_mem_eq(&a.ev[i].f, &z.ev[i].f, sizeof(a.ev[i].f));
	}
	/* The flush ends flows least recently active first. */
	for (i = 0; i < a.n; i++) {
		if (a.ev[i].why != FLOW_END_FLUSH)
			continue;
		ck_assert_uint_ge(a.ev[i].f.last_ts, prev);
		prev = a.ev[i].f.last_ts;
	}
	free(a.ev);
	free(b.ev);
	free(z.ev);
}
END_TEST

START_TEST(test_flowtab_many_flows_stay_within_cap)
{
	struct flowtab_conf c = conf(1000);
	const struct flowtab_stats *st;
	struct flowtab *t;
	uint64_t calls = 0, s = 99, ts = T0;
	struct pkt p, keep[500];
	struct flow *f;
	int dir, isnew, i;

	t = flowtab_new(&c, count_cb, &calls);
	st = flowtab_stats(t);
	for (i = 0; i < 100000; i++) {
		uint8_t a[4], b[4];
		uint64_t v = rnd(&s), w = rnd(&s);

		memcpy(a, &v, 4);
		memcpy(b, &w, 4);
		memset(&p, 0, sizeof(p));
		p.ts = ts += 10;
		addr_from_v4(&p.src, a);
		addr_from_v4(&p.dst, b);
		p.ipver = 4;
		p.proto = (v >> 32) & 1 ? IPPROTO_TCP : IPPROTO_UDP;
		p.tcp_flags = p.proto == IPPROTO_TCP ? ACK : 0;
		p.sport = (uint16_t)(v >> 40);
		p.dport = (uint16_t)(w >> 40);
		p.ip_len = 100;
		f = up(t, &p, &dir, &isnew);
		ck_assert_int_eq(isnew, 1);
		ck_assert_mem_eq(f->addr[dir].b, p.src.b, 16);
		ck_assert_mem_eq(f->addr[!dir].b, p.dst.b, 16);
		ck_assert_uint_le(st->active, 1000);
		if (i >= 100000 - 500)
			keep[i - (100000 - 500)] = p;
	}
	ck_assert_uint_eq(st->created, 100000);
	ck_assert_uint_eq(st->active, 1000);
	ck_assert_uint_eq(st->peak, 1000);
	ck_assert_uint_eq(st->ended[FLOW_END_EVICTED], 99000);
	ck_assert_uint_eq(st->created, st->active + sum_ended(st));
	ck_assert_uint_eq(calls, sum_ended(st));
	/* The most recent flows survived, and are found both ways. */
	for (i = 0; i < 500; i++) {
		struct pkt q = keep[i];

		q.src = keep[i].dst;
		q.dst = keep[i].src;
		q.sport = keep[i].dport;
		q.dport = keep[i].sport;
		q.ts = ts;
		f = up(t, &q, &dir, &isnew);
		ck_assert_int_eq(isnew, 0);
		ck_assert_uint_eq(f->pkts[0] + f->pkts[1], 2);
	}
	ck_assert_uint_eq(st->created, 100000);
	ck_assert_uint_eq(st->lookups, 100500);
	flowtab_flush(t);
	ck_assert_uint_eq(st->active, 0);
	ck_assert_uint_eq(st->ended[FLOW_END_FLUSH], 1000);
	ck_assert_uint_eq(st->created, sum_ended(st));
	ck_assert_uint_eq(calls, 100000);
	flowtab_free(t);
}
END_TEST

static Suite *
flowtab_suite(void)
{
	Suite *s = suite_create("flowtab");
	TCase *tc = tcase_create("core");

	/*
	 * The 100,000-flow cases take under a second alone; on a loaded
	 * machine (two builds at once) Check's 4 s default was not enough.
	 */
	tcase_set_timeout(tc, 60);

	tcase_add_test(tc, test_flowtab_defaults);
	tcase_add_test(tc, test_flowtab_both_directions_one_flow);
	tcase_add_test(tc, test_flowtab_dir_syn);
	tcase_add_test(tc, test_flowtab_dir_synack);
	tcase_add_test(tc, test_flowtab_dir_port);
	tcase_add_test(tc, test_flowtab_dir_swap_before_payload);
	tcase_add_test(tc, test_flowtab_counters_per_direction);
	tcase_add_test(tc, test_flowtab_idle_timeout_per_class);
	tcase_add_test(tc, test_flowtab_expire_order_across_queues);
	tcase_add_test(tc, test_flowtab_expire_order_by_table_clock);
	tcase_add_test(tc, test_flowtab_stale_flow_ends_on_packet);
	tcase_add_test(tc, test_flowtab_fin_rst_closing_timeout);
	tcase_add_test(tc, test_flowtab_syn_reuse_after_rst);
	tcase_add_test(tc, test_flowtab_active_timeout_cuts_record);
	tcase_add_test(tc, test_flowtab_evict_least_recent_at_cap);
	tcase_add_test(tc, test_flowtab_vlan_in_and_out_of_key);
	tcase_add_test(tc, test_flowtab_ipv6);
	tcase_add_test(tc, test_flowtab_icmp_echo_one_flow);
	tcase_add_test(tc, test_flowtab_non_ip_ignored);
	tcase_add_test(tc, test_flowtab_flush_order_independent_of_seed);
	tcase_add_test(tc, test_flowtab_many_flows_stay_within_cap);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_run(flowtab_suite());
}

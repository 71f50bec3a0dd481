/*
 * check_decode.c - unit tests of the decode stage: every link type and
 * encapsulation, the fragment table, malformed and truncated frames, the
 * counters.  Each frame is decoded from a heap copy of exactly caplen bytes
 * so that AddressSanitizer catches any read past the captured data.
 */
#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "craft.h"
#include "decode.h"
#include "check_run.h"

#define T0	1700000000000000ULL	/* packet time of the tests, µs */

static const uint8_t mac_a[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x0a };
static const uint8_t mac_b[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x0b };
static const uint8_t mac_c[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x0c };
static const uint8_t mac_d[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x0d };

static struct decoder *dec;
static uint8_t *heap;		/* the frame last decoded, caplen bytes */
static struct pkt pk;		/* what it decoded to */

static void
setup(void)
{
	dec = decode_new(0);
	ck_assert_ptr_nonnull(dec);
}

static void
teardown(void)
{
	decode_free(dec);
	dec = NULL;
	free(heap);
	heap = NULL;
}

static void
put16(uint8_t *o, uint16_t v)
{
	o[0] = (uint8_t)(v >> 8);
	o[1] = (uint8_t)v;
}

static void
put32(uint8_t *o, uint32_t v)
{
	put16(o, (uint16_t)(v >> 16));
	put16(o + 2, (uint16_t)v);
}

/* Text form of an address, from one of four rotating buffers. */
static const char *
fmt(const struct addr *a)
{
	static char buf[4][ADDR_STRLEN];
	static int i;

	i = (i + 1) % 4;
	return addr_fmt(a, buf[i], sizeof(buf[i]));
}

/*
 * Decodes the first caplen bytes of f (a frame of len bytes) from a heap
 * copy of exactly caplen bytes, and checks that every pointer of the
 * result stays inside them.
 */
static enum decode_result
run_at(int dlt, uint64_t ts, const uint8_t *f, size_t caplen, size_t len)
{
	enum decode_result r;

	free(heap);
	heap = malloc(caplen);
	ck_assert(heap != NULL || caplen == 0);
	if (caplen > 0)
		memcpy(heap, f, caplen);
	r = decode_packet(dec, dlt, ts, heap, (uint32_t)caplen, (uint32_t)len,
	    &pk);
	ck_assert_int_ge(r, DECODE_OK);
	ck_assert_int_le(r, DECODE_ERR);
	ck_assert_uint_eq(pk.caplen, caplen);
	ck_assert_uint_eq(pk.len, len);
	ck_assert_uint_eq(pk.ts, ts);
	if (r == DECODE_OK) {
		ck_assert_ptr_nonnull(pk.l3);
		ck_assert(pk.l3 >= heap && pk.l3 + pk.l3len <= heap + caplen);
		if (pk.payload != NULL) {
			ck_assert(pk.payload >= pk.l3);
			ck_assert(pk.payload + pk.paylen <= pk.l3 + pk.l3len);
		} else
			ck_assert_uint_eq(pk.paylen, 0);
	}
	return r;
}

static enum decode_result
run(int dlt, const uint8_t *f, size_t n)
{
	return run_at(dlt, T0, f, n, n);
}

/* Sum of the reasons counted: with ok and arp, every frame exactly once. */
static uint64_t
reasons(void)
{
	const struct decode_stats *st = decode_stats(dec);
	uint64_t sum = 0;
	int i;

	for (i = 0; i < DR_MAX; i++)
		sum += st->reason[i];
	return sum;
}

static void
check_balance(void)
{
	const struct decode_stats *st = decode_stats(dec);

	ck_assert_uint_eq(st->packets, st->ok + st->arp + reasons());
}

/* After one rejected frame: its reason counted once, nothing else. */
static void
check_reason(enum decode_reason why)
{
	const struct decode_stats *st = decode_stats(dec);

	ck_assert_uint_eq(st->reason[why], 1);
	ck_assert_uint_eq(reasons(), 1);
	ck_assert_uint_eq(st->ok, 0);
	ck_assert_uint_eq(st->arp, 0);
	ck_assert_uint_eq(st->packets, 1);
}

static size_t
eth(uint8_t *o, const uint8_t *dst, const uint8_t *src, uint16_t type)
{
	memcpy(o, dst, 6);
	memcpy(o + 6, src, 6);
	put16(o + 12, type);
	return 14;
}

/* An IP packet (no L2) built by craft_ip(). */
static size_t
ip_pkt(uint8_t *o, size_t cap, const char *src, const char *dst,
    uint8_t proto, uint16_t sport, uint16_t dport, const char *payload)
{
	struct craft_spec s;
	size_t n;

	memset(&s, 0, sizeof(s));
	s.src = src;
	s.dst = dst;
	s.proto = proto;
	s.sport = sport;
	s.dport = dport;
	s.tcp_flags = CRAFT_PSH | CRAFT_ACK;
	s.seq = 1000;
	s.ack = 2000;
	s.payload = payload;
	s.plen = payload != NULL ? strlen(payload) : 0;
	s.ipid = 0x1234;
	n = craft_ip(o, cap, &s);
	ck_assert_uint_gt(n, 0);
	return n;
}

/* An IPv4 header for plen bytes of payload. */
static size_t
ip4_hdr(uint8_t *o, const char *src, const char *dst, uint8_t proto,
    size_t plen, uint16_t id, uint16_t frag)
{
	memset(o, 0, 20);
	o[0] = 0x45;
	put16(o + 2, (uint16_t)(20 + plen));
	put16(o + 4, id);
	put16(o + 6, frag);
	o[8] = 64;
	o[9] = proto;
	ck_assert_int_eq(inet_pton(AF_INET, src, o + 12), 1);
	ck_assert_int_eq(inet_pton(AF_INET, dst, o + 16), 1);
	put16(o + 10, craft_cksum(o, 20, 0));
	return 20;
}

/* An IPv6 header for plen bytes of payload. */
static size_t
ip6_hdr(uint8_t *o, const char *src, const char *dst, uint8_t nh,
    size_t plen)
{
	memset(o, 0, 40);
	o[0] = 0x60;
	put16(o + 4, (uint16_t)plen);
	o[6] = nh;
	o[7] = 64;
	ck_assert_int_eq(inet_pton(AF_INET6, src, o + 8), 1);
	ck_assert_int_eq(inet_pton(AF_INET6, dst, o + 24), 1);
	return 40;
}

/* A GRE header with the optional fields flags announces. */
static size_t
gre(uint8_t *o, uint16_t flags, uint16_t type)
{
	size_t n = 4;

	put16(o, flags);
	put16(o + 2, type);
	if (flags & 0x8000) {
		put32(o + n, 0);
		n += 4;
	}
	if (flags & 0x2000) {
		put32(o + n, 0xdeadbeef);
		n += 4;
	}
	if (flags & 0x1000) {
		put32(o + n, 7);
		n += 4;
	}
	return n;
}

/*
 * Ethernet + IPv4 (192.0.2.1 -> 192.0.2.2) carrying body in protocol
 * proto: the outer layers of the tunnel tests.
 */
static size_t
outer4(uint8_t *o, uint8_t proto, const uint8_t *body, size_t n)
{
	size_t l = eth(o, mac_b, mac_a, 0x0800);

	l += ip4_hdr(o + l, "192.0.2.1", "192.0.2.2", proto, n, 1, 0);
	memcpy(o + l, body, n);
	return l + n;
}

/* The TCP packet inside the tunnels: 10.1.1.1:40000 -> 10.1.1.2:554. */
static size_t
inner_tcp(uint8_t *o, size_t cap)
{
	return ip_pkt(o, cap, "10.1.1.1", "10.1.1.2", IPPROTO_TCP, 40000,
	    554, "OPTIONS");
}

static void
check_inner_tcp(void)
{
	ck_assert_uint_eq(pk.ipver, 4);
	ck_assert_str_eq(fmt(&pk.src), "10.1.1.1");
	ck_assert_str_eq(fmt(&pk.dst), "10.1.1.2");
	ck_assert_uint_eq(pk.proto, IPPROTO_TCP);
	ck_assert_uint_eq(pk.sport, 40000);
	ck_assert_uint_eq(pk.dport, 554);
	ck_assert_uint_eq(pk.paylen, 7);
	ck_assert_mem_eq(pk.payload, "OPTIONS", 7);
	ck_assert_uint_eq(pk.ip_len, 20 + 20 + 7);
	ck_assert_uint_eq(pk.l3len, 47);
	ck_assert_uint_eq(pk.l3[0], 0x45);
	ck_assert_uint_eq(pk.flags & PKT_F_TUNNEL, PKT_F_TUNNEL);
}

/* Inner Ethernet (mac_c -> mac_d) with the inner TCP packet. */
static size_t
inner_eth(uint8_t *o, size_t cap)
{
	size_t l = eth(o, mac_d, mac_c, 0x0800);

	return l + inner_tcp(o + l, cap - l);
}

START_TEST(test_decode_ethernet_tcp)
{
	struct craft_spec s;
	uint8_t f[256];
	size_t n;

	memset(&s, 0, sizeof(s));
	memcpy(s.smac, mac_a, 6);
	memcpy(s.dmac, mac_b, 6);
	s.src = "192.0.2.10";
	s.dst = "198.51.100.7";
	s.proto = IPPROTO_TCP;
	s.sport = 51000;
	s.dport = 443;
	s.tcp_flags = CRAFT_SYN | CRAFT_ACK;
	s.seq = 0xfedc1234;
	s.payload = "hello";
	s.plen = 5;
	n = craft_frame(f, sizeof(f), &s);
	ck_assert_uint_eq(n, 14 + 20 + 20 + 5);
	ck_assert_int_eq(run(1, f, n), DECODE_OK);
	ck_assert_uint_eq(pk.ipver, 4);
	ck_assert_str_eq(fmt(&pk.src), "192.0.2.10");
	ck_assert_str_eq(fmt(&pk.dst), "198.51.100.7");
	ck_assert_uint_eq(pk.proto, IPPROTO_TCP);
	ck_assert_uint_eq(pk.sport, 51000);
	ck_assert_uint_eq(pk.dport, 443);
	ck_assert_uint_eq(pk.tcp_flags, CRAFT_SYN | CRAFT_ACK);
	ck_assert_uint_eq(pk.tcp_seq, 0xfedc1234);
	ck_assert_uint_eq(pk.has_mac, 1);
	ck_assert_mem_eq(pk.smac, mac_a, 6);
	ck_assert_mem_eq(pk.dmac, mac_b, 6);
	ck_assert_uint_eq(pk.nvlan, 0);
	ck_assert_uint_eq(pk.vlan, 0);
	ck_assert_uint_eq(pk.flags, 0);
	ck_assert_ptr_eq(pk.l3, heap + 14);
	ck_assert_uint_eq(pk.l3len, 45);
	ck_assert_uint_eq(pk.ip_len, 45);
	ck_assert_ptr_eq(pk.payload, heap + 54);
	ck_assert_uint_eq(pk.paylen, 5);
	ck_assert_mem_eq(pk.payload, "hello", 5);
	ck_assert_uint_eq(decode_stats(dec)->packets, 1);
	ck_assert_uint_eq(decode_stats(dec)->ok, 1);
	ck_assert_uint_eq(reasons(), 0);
}
END_TEST

START_TEST(test_decode_ethernet_padding)
{
	uint8_t f[64];
	size_t n;

	memset(f, 0xee, sizeof(f));
	n = eth(f, mac_b, mac_a, 0x0800);
	n += ip_pkt(f + n, sizeof(f) - n, "192.0.2.1", "192.0.2.2",
	    IPPROTO_UDP, 5353, 5353, "ab");
	ck_assert_uint_eq(n, 44);
	/* Padded to the Ethernet minimum: the padding is not payload. */
	ck_assert_int_eq(run(1, f, 60), DECODE_OK);
	ck_assert_uint_eq(pk.l3len, 30);
	ck_assert_uint_eq(pk.ip_len, 30);
	ck_assert_uint_eq(pk.paylen, 2);
	ck_assert_mem_eq(pk.payload, "ab", 2);
	ck_assert_uint_eq(pk.flags, 0);
}
END_TEST

START_TEST(test_decode_ipv4_zero_total_length)
{
	uint8_t f[128];
	size_t n;

	n = eth(f, mac_b, mac_a, 0x0800);
	n += ip_pkt(f + n, sizeof(f) - n, "192.0.2.1", "192.0.2.2",
	    IPPROTO_TCP, 1000, 80, "GET /");
	/* Segmentation offload on the sender leaves the length 0. */
	put16(f + 14 + 2, 0);
	ck_assert_int_eq(run(1, f, n), DECODE_OK);
	ck_assert_uint_eq(pk.ip_len, 45);
	ck_assert_uint_eq(pk.paylen, 5);
	ck_assert_uint_eq(pk.dport, 80);
}
END_TEST

START_TEST(test_decode_sll)
{
	uint8_t f[128];
	size_t n;

	memset(f, 0, 16);
	put16(f, 0);		/* to us */
	put16(f + 2, 1);	/* ARPHRD_ETHER */
	put16(f + 4, 6);
	memcpy(f + 6, mac_a, 6);
	put16(f + 14, 0x0800);
	n = 16 + ip_pkt(f + 16, sizeof(f) - 16, "10.0.0.1", "10.0.0.2",
	    IPPROTO_UDP, 1234, 5004, "rtp");
	ck_assert_int_eq(run(113, f, n), DECODE_OK);
	ck_assert_str_eq(fmt(&pk.src), "10.0.0.1");
	ck_assert_str_eq(fmt(&pk.dst), "10.0.0.2");
	ck_assert_uint_eq(pk.sport, 1234);
	ck_assert_uint_eq(pk.dport, 5004);
	ck_assert_uint_eq(pk.has_mac, 0);
	ck_assert_ptr_eq(pk.l3, heap + 16);
	ck_assert_mem_eq(pk.payload, "rtp", 3);

	/* A netlink frame is no IP traffic. */
	put16(f + 2, 824);
	ck_assert_int_eq(run(113, f, n), DECODE_SKIP);
	ck_assert_uint_eq(decode_stats(dec)->reason[DR_NOT_IP], 1);
	ck_assert_int_eq(run(113, f, 15), DECODE_ERR);
	ck_assert_uint_eq(decode_stats(dec)->reason[DR_SLL_SHORT], 1);
	check_balance();
}
END_TEST

START_TEST(test_decode_sll2)
{
	uint8_t f[128];
	size_t n;

	memset(f, 0, 20);
	put16(f, 0x86dd);	/* protocol */
	put32(f + 4, 3);	/* interface index */
	put16(f + 8, 1);	/* ARPHRD_ETHER */
	f[10] = 4;		/* outgoing */
	f[11] = 6;
	memcpy(f + 12, mac_a, 6);
	n = 20 + ip_pkt(f + 20, sizeof(f) - 20, "2001:db8::1", "2001:db8::2",
	    IPPROTO_TCP, 2000, 22, "SSH-2.0");
	ck_assert_int_eq(run(276, f, n), DECODE_OK);
	ck_assert_uint_eq(pk.ipver, 6);
	ck_assert_str_eq(fmt(&pk.src), "2001:db8::1");
	ck_assert_str_eq(fmt(&pk.dst), "2001:db8::2");
	ck_assert_uint_eq(pk.sport, 2000);
	ck_assert_uint_eq(pk.dport, 22);
	ck_assert_uint_eq(pk.has_mac, 0);
	ck_assert_ptr_eq(pk.l3, heap + 20);
	ck_assert_uint_eq(pk.paylen, 7);
	ck_assert_int_eq(run(276, f, 19), DECODE_ERR);
	ck_assert_uint_eq(decode_stats(dec)->reason[DR_SLL_SHORT], 1);
}
END_TEST

START_TEST(test_decode_raw)
{
	uint8_t f[128];
	size_t n4, n6;
	uint8_t g[128];

	n4 = ip_pkt(f, sizeof(f), "192.0.2.1", "192.0.2.2", IPPROTO_UDP, 53,
	    33000, "a DNS answer of some length");
	n6 = ip_pkt(g, sizeof(g), "2001:db8::a", "2001:db8::b", IPPROTO_UDP,
	    123, 123, "ntp");
	ck_assert_int_eq(run(12, f, n4), DECODE_OK);
	ck_assert_str_eq(fmt(&pk.src), "192.0.2.1");
	ck_assert_ptr_eq(pk.l3, heap);
	ck_assert_int_eq(run(12, g, n6), DECODE_OK);
	ck_assert_str_eq(fmt(&pk.dst), "2001:db8::b");
	ck_assert_int_eq(run(101, f, n4), DECODE_OK);
	ck_assert_uint_eq(pk.sport, 53);
	ck_assert_int_eq(run(228, f, n4), DECODE_OK);
	ck_assert_uint_eq(pk.dport, 33000);
	ck_assert_int_eq(run(229, g, n6), DECODE_OK);
	ck_assert_uint_eq(pk.dport, 123);
	ck_assert_uint_eq(pk.has_mac, 0);
	/* The link type says IPv4, the packet says otherwise. */
	ck_assert_int_eq(run(228, g, n6), DECODE_ERR);
	ck_assert_uint_eq(decode_stats(dec)->reason[DR_IPV4_VERSION], 1);
	ck_assert_int_eq(run(229, f, n4), DECODE_ERR);
	ck_assert_uint_eq(decode_stats(dec)->reason[DR_IPV6_VERSION], 1);
	ck_assert_int_eq(run(12, f, 0), DECODE_ERR);
	ck_assert_uint_eq(decode_stats(dec)->reason[DR_IPV4_SHORT], 1);
	ck_assert_uint_eq(decode_stats(dec)->ok, 5);
	check_balance();
}
END_TEST

START_TEST(test_decode_null_loop)
{
	static const uint32_t v6fam[] = { 24, 28, 30 };
	uint8_t f[128], g[128];
	size_t n4, n6;
	int i;

	n4 = 4 + ip_pkt(f + 4, sizeof(f) - 4, "127.0.0.1", "127.0.0.1",
	    IPPROTO_TCP, 3389, 50000, NULL);
	n6 = 4 + ip_pkt(g + 4, sizeof(g) - 4, "::1", "::1", IPPROTO_TCP,
	    50000, 3389, NULL);
	/* DLT_NULL: host byte order, little- or big-endian. */
	memcpy(f, "\x02\x00\x00\x00", 4);
	ck_assert_int_eq(run(0, f, n4), DECODE_OK);
	ck_assert_str_eq(fmt(&pk.src), "127.0.0.1");
	ck_assert_uint_eq(pk.sport, 3389);
	ck_assert_ptr_eq(pk.l3, heap + 4);
	memcpy(f, "\x00\x00\x00\x02", 4);
	ck_assert_int_eq(run(0, f, n4), DECODE_OK);
	for (i = 0; i < 3; i++) {
		memset(g, 0, 4);
		g[0] = (uint8_t)v6fam[i];
		ck_assert_int_eq(run(0, g, n6), DECODE_OK);
		ck_assert_uint_eq(pk.ipver, 6);
		ck_assert_str_eq(fmt(&pk.src), "::1");
		ck_assert_uint_eq(pk.dport, 3389);
		memset(g, 0, 4);
		g[3] = (uint8_t)v6fam[i];
		ck_assert_int_eq(run(0, g, n6), DECODE_OK);
		ck_assert_uint_eq(pk.ipver, 6);
	}
	/* DLT_LOOP: network order only. */
	ck_assert_int_eq(run(108, f, n4), DECODE_OK);
	ck_assert_uint_eq(pk.dport, 50000);
	memcpy(f, "\x02\x00\x00\x00", 4);
	ck_assert_int_eq(run(108, f, n4), DECODE_SKIP);
	ck_assert_uint_eq(decode_stats(dec)->reason[DR_NULL_FAMILY], 1);
	/* AF_APPLETALK is no IP. */
	memcpy(f, "\x10\x00\x00\x00", 4);
	ck_assert_int_eq(run(0, f, n4), DECODE_SKIP);
	ck_assert_uint_eq(decode_stats(dec)->reason[DR_NULL_FAMILY], 2);
	ck_assert_int_eq(run(0, f, 3), DECODE_ERR);
	ck_assert_uint_eq(decode_stats(dec)->reason[DR_NULL_SHORT], 1);
	ck_assert_uint_eq(decode_stats(dec)->ok, 9);
	check_balance();
}
END_TEST

START_TEST(test_decode_linktype_unsupported)
{
	uint8_t f[64];

	memset(f, 0, sizeof(f));
	/* 802.11 frames are not decoded. */
	ck_assert_int_eq(run(105, f, sizeof(f)), DECODE_ERR);
	check_reason(DR_LINKTYPE);
}
END_TEST

START_TEST(test_decode_datalink_supported)
{
	static const int yes[] = { 0, 1, 12, 101, 108, 113, 228, 229, 276 };
	static const int no[] = { -1, 9, 105, 127, 147, 192, 220, 1000 };
	size_t i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		ck_assert_int_eq(decode_datalink_supported(yes[i]), 1);
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		ck_assert_int_eq(decode_datalink_supported(no[i]), 0);
}
END_TEST

START_TEST(test_decode_vlan)
{
	struct craft_spec s;
	uint8_t f[128];
	size_t n;

	memset(&s, 0, sizeof(s));
	memcpy(s.smac, mac_a, 6);
	memcpy(s.dmac, mac_b, 6);
	s.vlan = 100;
	s.src = "192.0.2.1";
	s.dst = "192.0.2.2";
	s.proto = IPPROTO_UDP;
	s.sport = 161;
	s.dport = 40000;
	n = craft_frame(f, sizeof(f), &s);
	f[14] |= 0xe0;		/* priority 7: not part of the id */
	ck_assert_int_eq(run(1, f, n), DECODE_OK);
	ck_assert_uint_eq(pk.nvlan, 1);
	ck_assert_uint_eq(pk.vlan, 100);
	ck_assert_uint_eq(pk.outer_vlan, 100);
	ck_assert_uint_eq(pk.sport, 161);
	ck_assert_ptr_eq(pk.l3, heap + 18);
	/* Cut inside the tag. */
	ck_assert_int_eq(run(1, f, 16), DECODE_ERR);
	ck_assert_uint_eq(decode_stats(dec)->reason[DR_VLAN_SHORT], 1);
}
END_TEST

START_TEST(test_decode_qinq)
{
	static const uint16_t tpid[] = { 0x88a8, 0x9100, 0x8100 };
	uint8_t f[128];
	size_t n, l;
	int i;

	for (i = 0; i < 3; i++) {
		l = eth(f, mac_b, mac_a, tpid[i]);
		put16(f + l, 10);		/* service VLAN */
		put16(f + l + 2, 0x8100);
		put16(f + l + 4, 0x2000 | 20);	/* customer VLAN, PCP 1 */
		put16(f + l + 6, 0x86dd);
		l += 8;
		n = l + ip_pkt(f + l, sizeof(f) - l, "fe80::1", "ff02::1",
		    IPPROTO_UDP, 3702, 3702, "<probe/>");
		ck_assert_int_eq(run(1, f, n), DECODE_OK);
		ck_assert_uint_eq(pk.nvlan, 2);
		ck_assert_uint_eq(pk.outer_vlan, 10);
		ck_assert_uint_eq(pk.vlan, 20);
		ck_assert_str_eq(fmt(&pk.dst), "ff02::1");
		ck_assert_uint_eq(pk.dport, 3702);
		ck_assert_ptr_eq(pk.l3, heap + 22);
	}
	ck_assert_uint_eq(decode_stats(dec)->ok, 3);
}
END_TEST

START_TEST(test_decode_vlan_depth)
{
	uint8_t f[128];
	size_t n, l;
	int i;

	l = eth(f, mac_b, mac_a, 0x88a8);
	for (i = 0; i < DECODE_MAX_VLANS; i++) {
		put16(f + l, (uint16_t)(i + 1));
		put16(f + l + 2, 0x8100);
		l += 4;
	}
	put16(f + l, 99);
	put16(f + l + 2, 0x0800);
	l += 4;
	n = l + ip_pkt(f + l, sizeof(f) - l, "192.0.2.1", "192.0.2.2",
	    IPPROTO_UDP, 1, 2, NULL);
	ck_assert_int_eq(run(1, f, n), DECODE_ERR);
	check_reason(DR_VLAN_DEPTH);

	/* Exactly the limit is fine. */
	memmove(f + 14 + 4, f + 14 + 8, n - 22);
	put16(f + 14 + 4 * (DECODE_MAX_VLANS - 1) + 2, 0x0800);
	ck_assert_int_eq(run(1, f, n - 4), DECODE_OK);
	ck_assert_uint_eq(pk.nvlan, DECODE_MAX_VLANS);
	ck_assert_uint_eq(pk.outer_vlan, 1);
	ck_assert_uint_eq(pk.vlan, 99);
}
END_TEST

START_TEST(test_decode_mpls)
{
	uint8_t f[128];
	size_t n, l;

	/* Two labels, the second with S, then IPv4. */
	l = eth(f, mac_b, mac_a, 0x8847);
	put32(f + l, 100 << 12 | 64);
	put32(f + l + 4, 200 << 12 | 1 << 8 | 64);
	l += 8;
	n = l + ip_pkt(f + l, sizeof(f) - l, "192.0.2.1", "192.0.2.2",
	    IPPROTO_TCP, 1000, 554, "x");
	ck_assert_int_eq(run(1, f, n), DECODE_OK);
	ck_assert_str_eq(fmt(&pk.src), "192.0.2.1");
	ck_assert_uint_eq(pk.dport, 554);
	ck_assert_ptr_eq(pk.l3, heap + 22);

	/* Multicast, one label, IPv6. */
	l = eth(f, mac_b, mac_a, 0x8848);
	put32(f + l, 300 << 12 | 1 << 8 | 64);
	l += 4;
	n = l + ip_pkt(f + l, sizeof(f) - l, "2001:db8::1", "ff3e::1",
	    IPPROTO_UDP, 5000, 5004, "v");
	ck_assert_int_eq(run(1, f, n), DECODE_OK);
	ck_assert_uint_eq(pk.ipver, 6);
	ck_assert_str_eq(fmt(&pk.dst), "ff3e::1");
	ck_assert_uint_eq(pk.sport, 5000);

	/* A label cut short. */
	ck_assert_int_eq(run(1, f, 16), DECODE_ERR);
	ck_assert_uint_eq(decode_stats(dec)->reason[DR_MPLS_SHORT], 1);
	/* Nothing after the bottom label; then something not IP. */
	ck_assert_int_eq(run(1, f, 18), DECODE_ERR);
	ck_assert_uint_eq(decode_stats(dec)->reason[DR_MPLS_PAYLOAD], 1);
	f[18] = 0x00;	/* a pseudowire control word */
	ck_assert_int_eq(run(1, f, n), DECODE_ERR);
	ck_assert_uint_eq(decode_stats(dec)->reason[DR_MPLS_PAYLOAD], 2);
	ck_assert_uint_eq(decode_stats(dec)->ok, 2);
	check_balance();
}
END_TEST

START_TEST(test_decode_mpls_depth)
{
	uint8_t f[128];
	size_t n, l;
	int i;

	l = eth(f, mac_b, mac_a, 0x8847);
	for (i = 0; i < DECODE_MAX_MPLS; i++) {
		put32(f + l, (uint32_t)(16 + i) << 12 | 64);
		l += 4;
	}
	put32(f + l, 99u << 12 | 1 << 8 | 64);
	l += 4;
	n = l + ip_pkt(f + l, sizeof(f) - l, "192.0.2.1", "192.0.2.2",
	    IPPROTO_UDP, 1, 2, NULL);
	ck_assert_int_eq(run(1, f, n), DECODE_ERR);
	check_reason(DR_MPLS_DEPTH);
	/* With S on the last allowed label the stack is accepted. */
	f[14 + 4 * (DECODE_MAX_MPLS - 1) + 2] |= 0x01;
	memmove(f + 14 + 4 * DECODE_MAX_MPLS,
	    f + 14 + 4 * (DECODE_MAX_MPLS + 1), n - l);
	ck_assert_int_eq(run(1, f, n - 4), DECODE_OK);
	ck_assert_uint_eq(pk.dport, 2);
}
END_TEST

/* Ethernet, optional 802.1Q tags, PPPoE session with PPP protocol ppp. */
static size_t
pppoe(uint8_t *f, int tagged, uint16_t ppp, const uint8_t *body, size_t n)
{
	size_t l = eth(f, mac_b, mac_a, tagged ? 0x8100 : 0x8864);

	if (tagged) {
		put16(f + l, 421);
		put16(f + l + 2, 0x8100);
		put16(f + l + 4, 785);
		put16(f + l + 6, 0x8864);
		l += 8;
	}
	f[l] = 0x11;			/* version 1, type 1 */
	f[l + 1] = 0;			/* session data */
	put16(f + l + 2, 0x556a);
	put16(f + l + 4, (uint16_t)(n + 2));
	put16(f + l + 6, ppp);
	memcpy(f + l + 8, body, n);
	return l + 8 + n;
}

START_TEST(test_decode_pppoe)
{
	uint8_t in[128], f[256];
	size_t n;

	n = ip_pkt(in, sizeof(in), "100.64.0.1", "8.8.8.8", IPPROTO_UDP,
	    40000, 53, "query");
	n = pppoe(f, 1, 0x0021, in, n);
	ck_assert_int_eq(run(1, f, n), DECODE_OK);
	ck_assert_str_eq(fmt(&pk.src), "100.64.0.1");
	ck_assert_str_eq(fmt(&pk.dst), "8.8.8.8");
	ck_assert_uint_eq(pk.dport, 53);
	ck_assert_uint_eq(pk.nvlan, 2);
	ck_assert_uint_eq(pk.outer_vlan, 421);
	ck_assert_uint_eq(pk.vlan, 785);
	ck_assert_ptr_eq(pk.l3, heap + 14 + 8 + 8);
	ck_assert_mem_eq(pk.payload, "query", 5);
	ck_assert_uint_eq(pk.flags, 0);

	n = ip_pkt(in, sizeof(in), "2001:db8::1", "2001:db8::53",
	    IPPROTO_UDP, 40000, 514, "<13>");
	n = pppoe(f, 0, 0x0057, in, n);
	ck_assert_int_eq(run(1, f, n), DECODE_OK);
	ck_assert_uint_eq(pk.ipver, 6);
	ck_assert_str_eq(fmt(&pk.dst), "2001:db8::53");
	ck_assert_uint_eq(pk.dport, 514);

	/* LCP is no IP traffic; a header cut short is an error. */
	n = pppoe(f, 0, 0xc021, (const uint8_t *)"\x09\x01\x00\x08", 4);
	ck_assert_int_eq(run(1, f, n), DECODE_SKIP);
	ck_assert_uint_eq(decode_stats(dec)->reason[DR_NOT_IP], 1);
	ck_assert_int_eq(run(1, f, 14 + 7), DECODE_ERR);
	ck_assert_uint_eq(decode_stats(dec)->reason[DR_PPPOE_SHORT], 1);
	ck_assert_uint_eq(decode_stats(dec)->ok, 2);
	check_balance();
}
END_TEST

START_TEST(test_decode_gre)
{
	uint8_t in[128], body[256], f[512];
	size_t n, b;

	b = gre(body, 0, 0x0800);
	b += inner_tcp(body + b, sizeof(body) - b);
	n = outer4(f, 47, body, b);
	ck_assert_int_eq(run(1, f, n), DECODE_OK);
	check_inner_tcp();
	/* The innermost Ethernet header is the outer one here. */
	ck_assert_uint_eq(pk.has_mac, 1);
	ck_assert_mem_eq(pk.smac, mac_a, 6);
	ck_assert_ptr_eq(pk.l3, heap + 14 + 20 + 4);
	ck_assert_uint_eq(decode_stats(dec)->tunnelled, 1);
	ck_assert_uint_eq(decode_stats(dec)->ok, 1);

	/* Checksum, key and sequence number; IPv6 inside. */
	b = gre(body, 0xb000, 0x86dd);
	ck_assert_uint_eq(b, 16);
	n = ip_pkt(in, sizeof(in), "2001:db8::10", "2001:db8::20",
	    IPPROTO_UDP, 4000, 514, "<14>syslog");
	memcpy(body + b, in, n);
	n = outer4(f, 47, body, b + n);
	ck_assert_int_eq(run(1, f, n), DECODE_OK);
	ck_assert_uint_eq(pk.ipver, 6);
	ck_assert_str_eq(fmt(&pk.src), "2001:db8::10");
	ck_assert_str_eq(fmt(&pk.dst), "2001:db8::20");
	ck_assert_uint_eq(pk.sport, 4000);
	ck_assert_uint_eq(pk.dport, 514);
	ck_assert_uint_eq(pk.flags, PKT_F_TUNNEL);
	ck_assert_ptr_eq(pk.l3, heap + 14 + 20 + 16);
	ck_assert_mem_eq(pk.payload, "<14>syslog", 10);
	ck_assert_uint_eq(decode_stats(dec)->tunnelled, 2);

	/* Key only, over an IPv6 outer packet. */
	b = gre(body, 0x2000, 0x0800);
	b += inner_tcp(body + b, sizeof(body) - b);
	n = eth(f, mac_b, mac_a, 0x86dd);
	n += ip6_hdr(f + n, "2001:db8::1", "2001:db8::2", 47, b);
	memcpy(f + n, body, b);
	n += b;
	ck_assert_int_eq(run(1, f, n), DECODE_OK);
	check_inner_tcp();
	ck_assert_uint_eq(decode_stats(dec)->tunnelled, 3);
	check_balance();
}
END_TEST

START_TEST(test_decode_gre_teb)
{
	uint8_t body[256], f[512];
	size_t n, b;

	b = gre(body, 0x2000, 0x6558);
	b += inner_eth(body + b, sizeof(body) - b);
	n = outer4(f, 47, body, b);
	ck_assert_int_eq(run(1, f, n), DECODE_OK);
	check_inner_tcp();
	ck_assert_uint_eq(pk.has_mac, 1);
	ck_assert_mem_eq(pk.smac, mac_c, 6);
	ck_assert_mem_eq(pk.dmac, mac_d, 6);
}
END_TEST

/*
 * The frame decoded as the GRE packet of outer4() carrying len bytes, its
 * contents undecoded: no layer around it.
 */
static void
check_gre_packet(size_t len)
{
	ck_assert_uint_eq(pk.proto, 47);
	ck_assert_str_eq(fmt(&pk.src), "192.0.2.1");
	ck_assert_str_eq(fmt(&pk.dst), "192.0.2.2");
	ck_assert_uint_eq(pk.flags, PKT_F_INNER_BAD);
	ck_assert_uint_eq(pk.nouter, 0);
	ck_assert_ptr_eq(pk.payload, heap + 14 + 20);
	ck_assert_uint_eq(pk.paylen, len);
}

START_TEST(test_decode_gre_malformed)
{
	uint8_t body[256], f[512];
	size_t n, b;

	/*
	 * Each time the GRE packet itself is what the frame was: a flow
	 * between its ends, whatever it carries; the reason is counted as
	 * the tunnel's contents'.
	 */
	/* Version 1 (PPTP enhanced GRE). */
	b = gre(body, 0x2001, 0x880b);
	b += inner_tcp(body + b, sizeof(body) - b);
	n = outer4(f, 47, body, b);
	ck_assert_int_eq(run(1, f, n), DECODE_OK);
	check_gre_packet(b);
	ck_assert_uint_eq(decode_stats(dec)->inner[DR_GRE_VERSION], 1);
	/* An unknown payload type. */
	b = gre(body, 0, 0x1234);
	n = outer4(f, 47, body, b + 20);
	ck_assert_int_eq(run(1, f, n), DECODE_OK);
	check_gre_packet(b + 20);
	ck_assert_uint_eq(decode_stats(dec)->inner[DR_GRE_VERSION], 2);
	/* Key and sequence announced, not there. */
	gre(body, 0x3000, 0x0800);
	n = outer4(f, 47, body, 8);
	ck_assert_int_eq(run(1, f, n), DECODE_OK);
	check_gre_packet(8);
	ck_assert_uint_eq(decode_stats(dec)->inner[DR_GRE_SHORT], 1);
	n = outer4(f, 47, body, 3);
	ck_assert_int_eq(run(1, f, n), DECODE_OK);
	check_gre_packet(3);
	ck_assert_uint_eq(decode_stats(dec)->inner[DR_GRE_SHORT], 2);
	ck_assert_uint_eq(decode_stats(dec)->ok, 4);
	ck_assert_uint_eq(decode_stats(dec)->tunnelled, 0);
	ck_assert_uint_eq(reasons(), 0);
	check_balance();
}
END_TEST

START_TEST(test_decode_erspan2)
{
	uint8_t body[256], f[512];
	size_t n, b;

	b = gre(body, 0x1000, 0x88be);
	put16(body + b, 0x1000 | 100);	/* version 1, VLAN 100 */
	put16(body + b + 2, 0x0001);	/* session 1 */
	put32(body + b + 4, 0);
	b += 8;
	b += inner_eth(body + b, sizeof(body) - b);
	n = outer4(f, 47, body, b);
	ck_assert_int_eq(run(1, f, n), DECODE_OK);
	check_inner_tcp();
	ck_assert_mem_eq(pk.smac, mac_c, 6);
	ck_assert_ptr_eq(pk.l3, heap + 14 + 20 + 8 + 8 + 14);
	ck_assert_uint_eq(decode_stats(dec)->tunnelled, 1);
	/* The mirror feed's layer is marked as such. */
	ck_assert_uint_eq(pk.nouter, 1);
	ck_assert_uint_eq(pk.outer[0].proto, 47);
	ck_assert_uint_eq(pk.outer[0].flags, PKT_F_MIRROR);
	/* The ERSPAN header cut short: the GRE packet, a mirror feed. */
	n = outer4(f, 47, body, 8 + 7);
	ck_assert_int_eq(run(1, f, n), DECODE_OK);
	ck_assert_uint_eq(pk.flags, PKT_F_MIRROR | PKT_F_INNER_BAD);
	ck_assert_uint_eq(decode_stats(dec)->inner[DR_ERSPAN_SHORT], 1);
}
END_TEST

START_TEST(test_decode_erspan1)
{
	uint8_t body[256], f[512];
	size_t n, b;

	/* Type I: no sequence number, no ERSPAN header. */
	b = gre(body, 0, 0x88be);
	b += inner_eth(body + b, sizeof(body) - b);
	n = outer4(f, 47, body, b);
	ck_assert_int_eq(run(1, f, n), DECODE_OK);
	check_inner_tcp();
	ck_assert_mem_eq(pk.dmac, mac_d, 6);
	ck_assert_ptr_eq(pk.l3, heap + 14 + 20 + 4 + 14);
}
END_TEST

START_TEST(test_decode_erspan3)
{
	uint8_t body[256], f[512];
	size_t n, b, h;
	int o;

	for (o = 0; o < 2; o++) {
		b = gre(body, 0x1000, 0x22eb);
		h = b;
		memset(body + b, 0, 20);
		put16(body + b, 0x2000 | 100);	/* version 2, VLAN 100 */
		put16(body + b + 2, 0x0001);
		put32(body + b + 4, 123456);	/* timestamp */
		body[b + 11] = (uint8_t)o;	/* O: sub-header follows */
		b += 12;
		if (o) {
			put32(body + b, 0x0a0b0c0d);
			put32(body + b + 4, 0x01020304);
			b += 8;
		}
		b += inner_eth(body + b, sizeof(body) - b);
		n = outer4(f, 47, body, b);
		ck_assert_int_eq(run(1, f, n), DECODE_OK);
		check_inner_tcp();
		ck_assert_mem_eq(pk.smac, mac_c, 6);
		ck_assert_ptr_eq(pk.l3,
		    heap + 14 + 20 + 8 + 12 + (o ? 8 : 0) + 14);
		/* The sub-header (or the base header) cut short. */
		n = outer4(f, 47, body, h + (o ? 16 : 11));
		ck_assert_int_eq(run(1, f, n), DECODE_OK);
		ck_assert_uint_eq(pk.proto, 47);
		ck_assert(pk.flags & PKT_F_INNER_BAD);
	}
	ck_assert_uint_eq(decode_stats(dec)->inner[DR_ERSPAN_SHORT], 2);
	ck_assert_uint_eq(decode_stats(dec)->tunnelled, 2);
	check_balance();
}
END_TEST

START_TEST(test_decode_vxlan)
{
	uint8_t body[256], f[512], x[256];
	size_t n, b;

	memset(x, 0, 8);
	x[0] = 0x08;			/* I: the VNI is valid */
	x[4] = 0x00;
	x[5] = 0x13;			/* VNI 5000 */
	x[6] = 0x88;
	b = 8 + inner_eth(x + 8, sizeof(x) - 8);
	memcpy(body, x, b);
	n = eth(f, mac_b, mac_a, 0x0800);
	{
		struct craft_spec s;

		memset(&s, 0, sizeof(s));
		s.src = "192.0.2.1";
		s.dst = "192.0.2.2";
		s.proto = IPPROTO_UDP;
		s.sport = 49152;
		s.dport = 4789;
		s.payload = body;
		s.plen = b;
		n += craft_ip(f + n, sizeof(f) - n, &s);
	}
	ck_assert_int_eq(run(1, f, n), DECODE_OK);
	check_inner_tcp();
	ck_assert_mem_eq(pk.smac, mac_c, 6);
	ck_assert_ptr_eq(pk.l3, heap + 14 + 20 + 8 + 8 + 14);
	ck_assert_uint_eq(decode_stats(dec)->tunnelled, 1);

	/* Without the I flag: an ordinary datagram to port 4789. */
	f[14 + 20 + 8] = 0;
	ck_assert_int_eq(run(1, f, n), DECODE_OK);
	ck_assert_uint_eq(pk.flags, 0);
	ck_assert_str_eq(fmt(&pk.src), "192.0.2.1");
	ck_assert_uint_eq(pk.dport, 4789);
	ck_assert_uint_eq(pk.paylen, b);

	/* The VXLAN datagram is handed out around the inner packet. */
	f[14 + 20 + 8] = 0x08;
	ck_assert_int_eq(run(1, f, n), DECODE_OK);
	ck_assert_uint_eq(pk.nouter, 1);
	ck_assert_uint_eq(pk.outer[0].proto, IPPROTO_UDP);
	ck_assert_uint_eq(pk.outer[0].sport, 49152);
	ck_assert_uint_eq(pk.outer[0].dport, 4789);
	ck_assert_str_eq(fmt(&pk.outer[0].src), "192.0.2.1");
	ck_assert_mem_eq(pk.outer[0].smac, mac_a, 6);
	ck_assert_uint_eq(pk.outer[0].flags, 0);
	ck_assert_uint_eq(decode_stats(dec)->tunnelled, 2);

	/* A VXLAN header cut short by the snap length: the UDP datagram. */
	ck_assert_int_eq(run_at(1, T0, f, 14 + 20 + 8 + 7, n), DECODE_OK);
	ck_assert_uint_eq(pk.nouter, 0);
	ck_assert_uint_eq(pk.dport, 4789);
	ck_assert_uint_eq(pk.flags, PKT_F_INNER_BAD | PKT_F_L4_TRUNC);
	ck_assert_uint_eq(decode_stats(dec)->inner[DR_VXLAN_SHORT], 1);
	ck_assert_uint_eq(decode_stats(dec)->tunnelled, 2);
	check_balance();
}
END_TEST

START_TEST(test_decode_ipip)
{
	uint8_t in[128], f[256];
	size_t n;

	n = inner_tcp(in, sizeof(in));
	n = outer4(f, 4, in, n);
	ck_assert_int_eq(run(1, f, n), DECODE_OK);
	check_inner_tcp();

	n = ip_pkt(in, sizeof(in), "2001:db8::1", "2001:db8::2",
	    IPPROTO_ICMPV6, 128, 0, "ping");
	n = outer4(f, 41, in, n);
	ck_assert_int_eq(run(1, f, n), DECODE_OK);
	ck_assert_uint_eq(pk.ipver, 6);
	ck_assert_str_eq(fmt(&pk.src), "2001:db8::1");
	ck_assert_uint_eq(pk.proto, IPPROTO_ICMPV6);
	ck_assert_uint_eq(pk.sport, 128 << 8);
	ck_assert_uint_eq(pk.flags, PKT_F_TUNNEL);
	ck_assert_uint_eq(decode_stats(dec)->tunnelled, 2);
}
END_TEST

/* n GRE encapsulations around the inner TCP packet, in Ethernet. */
static size_t
gre_nest(uint8_t *f, size_t cap, int depth)
{
	uint8_t a[512], b[512];
	size_t n;
	int i;

	n = inner_tcp(a, sizeof(a));
	for (i = 0; i < depth - 1; i++) {
		size_t l = ip4_hdr(b, "198.51.100.1", "198.51.100.2", 47,
		    n + 4, (uint16_t)i, 0);

		l += gre(b + l, 0, 0x0800);
		memcpy(b + l, a, n);
		n += l;
		memcpy(a, b, n);
	}
	ck_assert_uint_le(n + 14 + 24, cap);
	n = gre(b, 0, 0x0800) + n;
	memcpy(b + 4, a, n - 4);
	return outer4(f, 47, b, n);
}

START_TEST(test_decode_tunnel_depth)
{
	uint8_t f[512];
	size_t n;

	n = gre_nest(f, sizeof(f), DECODE_MAX_TUNNEL);
	ck_assert_int_eq(run(1, f, n), DECODE_OK);
	check_inner_tcp();
	ck_assert_uint_eq(decode_stats(dec)->tunnelled, 1);

	ck_assert_uint_eq(pk.nouter, DECODE_MAX_TUNNEL);

	/*
	 * One deeper: the innermost tunnel opened is the packet, its
	 * contents counted as too deep, the tunnels around it handed out.
	 */
	n = gre_nest(f, sizeof(f), DECODE_MAX_TUNNEL + 1);
	ck_assert_int_eq(run(1, f, n), DECODE_OK);
	ck_assert_uint_eq(pk.proto, 47);
	ck_assert_uint_eq(pk.flags, PKT_F_TUNNEL | PKT_F_INNER_BAD);
	ck_assert_uint_eq(pk.nouter, DECODE_MAX_TUNNEL);
	ck_assert_uint_eq(pk.outer[0].proto, 47);
	ck_assert_str_eq(fmt(&pk.outer[0].src), "192.0.2.1");
	ck_assert_uint_eq(decode_stats(dec)->inner[DR_TUNNEL_DEPTH], 1);
	ck_assert_uint_eq(decode_stats(dec)->reason[DR_TUNNEL_DEPTH], 0);
	ck_assert_uint_eq(decode_stats(dec)->tunnelled, 2);
	ck_assert_uint_eq(decode_stats(dec)->ok, 2);
	check_balance();
}
END_TEST

START_TEST(test_decode_ipv4_options)
{
	uint8_t p[128], f[256];
	size_t n, l;

	n = ip_pkt(p, sizeof(p), "192.0.2.1", "192.0.2.2", IPPROTO_TCP, 1025,
	    80, "GET");
	/* Router alert (RFC 2113) and two NOPs: IHL 7. */
	l = eth(f, mac_b, mac_a, 0x0800);
	memcpy(f + l, p, 20);
	memcpy(f + l + 20, "\x94\x04\x00\x00\x01\x01\x01\x00", 8);
	memcpy(f + l + 28, p + 20, n - 20);
	f[l] = 0x47;
	put16(f + l + 2, (uint16_t)(n + 8));
	ck_assert_int_eq(run(1, f, l + n + 8), DECODE_OK);
	ck_assert_uint_eq(pk.sport, 1025);
	ck_assert_uint_eq(pk.dport, 80);
	ck_assert_uint_eq(pk.ip_len, n + 8);
	ck_assert_ptr_eq(pk.payload, heap + 14 + 28 + 20);
	ck_assert_mem_eq(pk.payload, "GET", 3);
	/* Options announced, not captured. */
	ck_assert_int_eq(run_at(1, T0, f, 14 + 24, l + n + 8), DECODE_ERR);
	ck_assert_uint_eq(decode_stats(dec)->reason[DR_IPV4_HLEN], 1);
}
END_TEST

START_TEST(test_decode_ipv4_malformed)
{
	uint8_t f[128];
	size_t n;

	n = eth(f, mac_b, mac_a, 0x0800);
	n += ip_pkt(f + n, sizeof(f) - n, "192.0.2.1", "192.0.2.2",
	    IPPROTO_TCP, 1, 2, "data");
	f[14] = 0x55;	/* version 5 */
	ck_assert_int_eq(run(1, f, n), DECODE_ERR);
	ck_assert_uint_eq(decode_stats(dec)->reason[DR_IPV4_VERSION], 1);
	f[14] = 0x44;	/* IHL 4 */
	ck_assert_int_eq(run(1, f, n), DECODE_ERR);
	ck_assert_uint_eq(decode_stats(dec)->reason[DR_IPV4_HLEN], 1);
	f[14] = 0x45;
	put16(f + 16, 19);	/* total length inside the header */
	ck_assert_int_eq(run(1, f, n), DECODE_ERR);
	ck_assert_uint_eq(decode_stats(dec)->reason[DR_IPV4_LEN], 1);
	ck_assert_int_eq(run(1, f, 14 + 19), DECODE_ERR);
	ck_assert_uint_eq(decode_stats(dec)->reason[DR_IPV4_SHORT], 1);
	ck_assert_int_eq(run(1, f, 13), DECODE_ERR);
	ck_assert_uint_eq(decode_stats(dec)->reason[DR_ETH_SHORT], 1);
	ck_assert_uint_eq(decode_stats(dec)->packets, 5);
	check_balance();
}
END_TEST

/* A UDP datagram 10.0.0.1:5000 -> 10.0.0.2:53 split after 16 bytes. */
static size_t
frag4(uint8_t *f, int later, uint16_t id)
{
	static const char data[] = "0123456789abcdefghijklmnopqrstuv";
	size_t l = eth(f, mac_b, mac_a, 0x0800);

	if (!later) {
		/* MF, offset 0: the UDP header and 8 bytes of data. */
		l += ip4_hdr(f + l, "10.0.0.1", "10.0.0.2", IPPROTO_UDP, 16,
		    id, 0x2000);
		put16(f + l, 5000);
		put16(f + l + 2, 53);
		put16(f + l + 4, 8 + 32);
		put16(f + l + 6, 0);
		memcpy(f + l + 8, data, 8);
		return l + 16;
	}
	/* Offset 2 (16 bytes), last fragment. */
	l += ip4_hdr(f + l, "10.0.0.1", "10.0.0.2", IPPROTO_UDP, 24, id, 2);
	memcpy(f + l, data + 8, 24);
	return l + 24;
}

START_TEST(test_decode_ipv4_fragments)
{
	uint8_t f1[128], f2[128];
	size_t n1, n2;

	n1 = frag4(f1, 0, 0xbeef);
	n2 = frag4(f2, 1, 0xbeef);
	ck_assert_int_eq(run(1, f1, n1), DECODE_OK);
	ck_assert_uint_eq(pk.flags, PKT_F_FRAG);
	ck_assert_uint_eq(pk.sport, 5000);
	ck_assert_uint_eq(pk.dport, 53);
	ck_assert_uint_eq(pk.paylen, 8);
	ck_assert_mem_eq(pk.payload, "01234567", 8);
	ck_assert_uint_eq(pk.ip_len, 36);

	ck_assert_int_eq(run_at(1, T0 + 1000, f2, n2, n2), DECODE_OK);
	ck_assert_uint_eq(pk.flags, PKT_F_FRAG | PKT_F_FRAG_LATER);
	ck_assert_uint_eq(pk.proto, IPPROTO_UDP);
	ck_assert_str_eq(fmt(&pk.src), "10.0.0.1");
	ck_assert_str_eq(fmt(&pk.dst), "10.0.0.2");
	ck_assert_uint_eq(pk.sport, 5000);
	ck_assert_uint_eq(pk.dport, 53);
	ck_assert_ptr_null(pk.payload);
	ck_assert_uint_eq(pk.paylen, 0);
	ck_assert_ptr_eq(pk.l3, heap + 14);
	ck_assert_uint_eq(pk.l3len, 44);
	ck_assert_uint_eq(pk.ip_len, 44);

	/* Duplicates of the later fragment still find their datagram. */
	ck_assert_int_eq(run_at(1, T0 + 2000, f2, n2, n2), DECODE_OK);
	ck_assert_uint_eq(pk.dport, 53);
	ck_assert_uint_eq(decode_stats(dec)->fragments, 3);
	ck_assert_uint_eq(decode_stats(dec)->ok, 3);
	ck_assert_uint_eq(reasons(), 0);
}
END_TEST

START_TEST(test_decode_ipv4_fragment_orphan)
{
	uint8_t f1[128], f2[128];
	size_t n1, n2;

	/* Nothing known between the addresses: ports unknown. */
	n2 = frag4(f2, 1, 2);
	ck_assert_int_eq(run(1, f2, n2), DECODE_OK);
	ck_assert_uint_eq(pk.flags, PKT_F_FRAG | PKT_F_FRAG_LATER |
	    PKT_F_NO_PORTS);
	ck_assert_uint_eq(pk.proto, IPPROTO_UDP);
	ck_assert_uint_eq(pk.sport, 0);
	ck_assert_uint_eq(pk.dport, 0);
	ck_assert_uint_eq(decode_stats(dec)->frag_orphans, 1);

	/*
	 * Another datagram between the same addresses: the ports of the
	 * latest one (a datagram whose first fragment comes late).
	 */
	n1 = frag4(f1, 0, 1);
	ck_assert_int_eq(run(1, f1, n1), DECODE_OK);
	ck_assert_int_eq(run(1, f2, n2), DECODE_OK);
	ck_assert_uint_eq(pk.flags, PKT_F_FRAG | PKT_F_FRAG_LATER);
	ck_assert_uint_eq(pk.dport, 53);
	ck_assert_uint_eq(decode_stats(dec)->frag_by_pair, 1);
	/* Same id, another protocol: unknown as well. */
	n2 = frag4(f2, 1, 1);
	f2[14 + 9] = IPPROTO_TCP;
	ck_assert_int_eq(run(1, f2, n2), DECODE_OK);
	ck_assert(pk.flags & PKT_F_NO_PORTS);
	ck_assert_uint_eq(pk.proto, IPPROTO_TCP);
	ck_assert_uint_eq(decode_stats(dec)->frag_orphans, 2);
	/* A protocol without ports needs no first fragment (GRE here). */
	f2[14 + 9] = 47;
	ck_assert_int_eq(run(1, f2, n2), DECODE_OK);
	ck_assert_uint_eq(pk.flags, PKT_F_FRAG | PKT_F_FRAG_LATER);
	ck_assert_uint_eq(pk.proto, 47);
	ck_assert_uint_eq(decode_stats(dec)->frag_orphans, 2);
	ck_assert_uint_eq(decode_stats(dec)->fragments, 5);
	ck_assert_uint_eq(decode_stats(dec)->ok, 5);
	ck_assert_uint_eq(reasons(), 0);
	check_balance();
}
END_TEST

START_TEST(test_decode_fragment_expiry)
{
	uint8_t f1[128], f2[128];
	size_t n1, n2;

	n1 = frag4(f1, 0, 7);
	n2 = frag4(f2, 1, 7);
	ck_assert_int_eq(run_at(1, T0, f1, n1, n1), DECODE_OK);
	ck_assert_int_eq(run_at(1, T0 + 30000000, f2, n2, n2), DECODE_OK);
	ck_assert_uint_eq(pk.dport, 53);
	ck_assert_int_eq(run_at(1, T0 + 30000001, f2, n2, n2), DECODE_OK);
	ck_assert(pk.flags & PKT_F_NO_PORTS);
	ck_assert_uint_eq(decode_stats(dec)->frag_orphans, 1);
	ck_assert_uint_eq(decode_stats(dec)->fragments, 3);
}
END_TEST

START_TEST(test_decode_fragment_table_full)
{
	uint8_t f[128];
	size_t n;
	uint16_t id;

	/* Four slots: the fifth datagram takes the oldest one's place. */
	decode_free(dec);
	dec = decode_new(4);
	ck_assert_ptr_nonnull(dec);
	for (id = 1; id <= 5; id++) {
		n = frag4(f, 0, id);
		ck_assert_int_eq(run_at(1, T0 + id, f, n, n), DECODE_OK);
	}
	/*
	 * The newest datagrams are known by id (one slot holds the latest
	 * ports between the two addresses); the oldest ones were pushed out
	 * and take the ports of that latest datagram.
	 */
	for (id = 5; id >= 1; id--) {
		n = frag4(f, 1, id);
		ck_assert_int_eq(run_at(1, T0 + 10, f, n, n), DECODE_OK);
		ck_assert_uint_eq(pk.sport, 5000);
		ck_assert(!(pk.flags & PKT_F_NO_PORTS));
	}
	ck_assert_uint_ge(decode_stats(dec)->frag_by_pair, 1);
	ck_assert_uint_le(decode_stats(dec)->frag_by_pair, 2);
	ck_assert_uint_eq(decode_stats(dec)->frag_orphans, 0);
	ck_assert_uint_eq(decode_stats(dec)->fragments, 10);
}
END_TEST

/*
 * An IPv4 fragment of a TCP datagram 10.0.0.1:40000 -> 10.0.0.2:443 (a
 * SYN with a data offset of doff words): len bytes from off of the
 * segment, MF if more.  Returns the frame's length.
 */
static size_t
tcp_frag4(uint8_t *f, uint16_t id, size_t off, size_t len, int more,
    int doff, uint16_t dport)
{
	uint8_t seg[64];
	size_t l = eth(f, mac_b, mac_a, 0x0800);

	memset(seg, 0, sizeof(seg));
	put16(seg, 40000);
	put16(seg + 2, dport);
	put32(seg + 4, 1000);
	seg[12] = (uint8_t)(doff << 4);
	seg[13] = 0x02;			/* SYN */
	ck_assert_uint_le(off + len, sizeof(seg));
	l += ip4_hdr(f + l, "10.0.0.1", "10.0.0.2", IPPROTO_TCP, len, id,
	    (uint16_t)((more ? 0x2000 : 0) | off / 8));
	memcpy(f + l, seg + off, len);
	return l + len;
}

START_TEST(test_decode_fragment_tiny)
{
	uint8_t f[128];
	size_t n;

	/* RFC 1858: 8 bytes of the TCP header, the ports among them. */
	n = tcp_frag4(f, 1, 0, 8, 1, 5, 443);
	ck_assert_int_eq(run(1, f, n), DECODE_OK);
	ck_assert_uint_eq(pk.flags, PKT_F_FRAG | PKT_F_FRAG_TINY);
	ck_assert_uint_eq(pk.sport, 40000);
	ck_assert_uint_eq(pk.dport, 443);
	ck_assert_uint_eq(pk.tcp_flags, 0);
	/* Its later fragment (the flags, at offset 8) joins it, no overlap. */
	n = tcp_frag4(f, 1, 8, 16, 0, 5, 443);
	ck_assert_int_eq(run(1, f, n), DECODE_OK);
	ck_assert_uint_eq(pk.flags, PKT_F_FRAG | PKT_F_FRAG_LATER);
	ck_assert_uint_eq(pk.dport, 443);
	/* 16 bytes: the flags came along, the header did not. */
	n = tcp_frag4(f, 2, 0, 16, 1, 5, 443);
	ck_assert_int_eq(run(1, f, n), DECODE_OK);
	ck_assert_uint_eq(pk.flags, PKT_F_FRAG | PKT_F_FRAG_TINY);
	ck_assert_uint_eq(pk.tcp_flags, 0x02);
	/* A whole fixed header, options announced beyond the fragment. */
	n = tcp_frag4(f, 3, 0, 24, 1, 10, 443);
	ck_assert_int_eq(run(1, f, n), DECODE_OK);
	ck_assert_uint_eq(pk.flags, PKT_F_FRAG | PKT_F_FRAG_TINY);
	ck_assert_uint_eq(pk.dport, 443);
	/* 4 bytes: not even the ports. */
	n = tcp_frag4(f, 4, 0, 4, 1, 5, 443);
	ck_assert_int_eq(run(1, f, n), DECODE_OK);
	ck_assert_uint_eq(pk.flags, PKT_F_FRAG | PKT_F_FRAG_TINY |
	    PKT_F_NO_PORTS);
	ck_assert_uint_eq(pk.dport, 0);
	ck_assert_uint_eq(decode_stats(dec)->frag_tiny, 4);
	ck_assert_uint_eq(decode_stats(dec)->frag_overlap, 0);
	/* A whole header in the first fragment is no finding. */
	n = tcp_frag4(f, 5, 0, 24, 1, 5, 443);
	ck_assert_int_eq(run(1, f, n), DECODE_OK);
	ck_assert_uint_eq(pk.flags, PKT_F_FRAG);
	ck_assert_uint_eq(reasons(), 0);
	check_balance();
}
END_TEST

START_TEST(test_decode_fragment_tiny_ipv6)
{
	uint8_t f[128];
	size_t l;

	/* An IPv6 first fragment (RFC 8200 4.5) with 8 bytes of TCP. */
	l = eth(f, mac_b, mac_a, 0x86dd);
	l += ip6_hdr(f + l, "2001:db8::1", "2001:db8::2", 44, 8 + 8);
	memset(f + l, 0, 16);
	f[l] = IPPROTO_TCP;
	put16(f + l + 2, 0x0001);	/* offset 0, M */
	put32(f + l + 4, 77);
	put16(f + l + 8, 40000);
	put16(f + l + 10, 443);
	l += 16;
	ck_assert_int_eq(run(1, f, l), DECODE_OK);
	ck_assert_uint_eq(pk.flags, PKT_F_FRAG | PKT_F_FRAG_TINY);
	ck_assert_uint_eq(pk.proto, IPPROTO_TCP);
	ck_assert_uint_eq(pk.sport, 40000);
	ck_assert_uint_eq(pk.dport, 443);
	/* Its later fragment at offset 8 finds it: no overlap. */
	put16(f + 14 + 40 + 2, 8);
	ck_assert_int_eq(run(1, f, l), DECODE_OK);
	ck_assert_uint_eq(pk.flags, PKT_F_FRAG | PKT_F_FRAG_LATER);
	ck_assert_uint_eq(pk.dport, 443);
	ck_assert_uint_eq(decode_stats(dec)->frag_tiny, 1);
	check_balance();
}
END_TEST

START_TEST(test_decode_fragment_overlap)
{
	uint8_t f[128];
	size_t n;

	n = tcp_frag4(f, 7, 0, 24, 1, 5, 554);
	ck_assert_int_eq(run(1, f, n), DECODE_OK);
	ck_assert_uint_eq(pk.flags, PKT_F_FRAG);
	/* Offset 8 (FO=1): inside the 20 bytes of header already shown. */
	n = tcp_frag4(f, 7, 8, 16, 0, 5, 554);
	ck_assert_int_eq(run(1, f, n), DECODE_OK);
	ck_assert_uint_eq(pk.flags, PKT_F_FRAG | PKT_F_FRAG_LATER |
	    PKT_F_FRAG_OVERLAP);
	ck_assert_uint_eq(pk.dport, 554);
	/* Offset 24, after the header: nothing rewritten. */
	n = tcp_frag4(f, 7, 24, 8, 0, 5, 554);
	ck_assert_int_eq(run(1, f, n), DECODE_OK);
	ck_assert_uint_eq(pk.flags, PKT_F_FRAG | PKT_F_FRAG_LATER);
	/* A second first fragment with other ports: its own, flagged. */
	n = tcp_frag4(f, 7, 0, 24, 1, 5, 23);
	ck_assert_int_eq(run(1, f, n), DECODE_OK);
	ck_assert_uint_eq(pk.flags, PKT_F_FRAG | PKT_F_FRAG_OVERLAP);
	ck_assert_uint_eq(pk.dport, 23);
	/* The datagram keeps the ports of its first first fragment. */
	n = tcp_frag4(f, 7, 24, 8, 0, 5, 554);
	ck_assert_int_eq(run(1, f, n), DECODE_OK);
	ck_assert_uint_eq(pk.dport, 554);
	/* The same first fragment again is a duplicate, not a rewrite. */
	n = tcp_frag4(f, 7, 0, 24, 1, 5, 554);
	ck_assert_int_eq(run(1, f, n), DECODE_OK);
	ck_assert_uint_eq(pk.flags, PKT_F_FRAG);
	ck_assert_uint_eq(decode_stats(dec)->frag_overlap, 2);
	check_balance();
}
END_TEST

/* Splices ext (elen bytes, first next header nh0) into an IPv6 packet. */
static size_t
ip6_with_ext(uint8_t *o, const uint8_t *p, size_t n, const uint8_t *ext,
    size_t elen, uint8_t nh0)
{
	memcpy(o, p, 40);
	memcpy(o + 40, ext, elen);
	memcpy(o + 40 + elen, p + 40, n - 40);
	o[6] = nh0;
	put16(o + 4, (uint16_t)(n - 40 + elen));
	return n + elen;
}

START_TEST(test_decode_ipv6_ext)
{
	uint8_t p[128], ext[128], f[256];
	size_t n, e = 0, l;

	n = ip_pkt(p, sizeof(p), "2001:db8::1", "2001:db8::2", IPPROTO_TCP,
	    33000, 443, "\x16\x03\x01");
	memset(ext, 0, sizeof(ext));
	/* Hop-by-hop, 8 bytes: PadN. */
	ext[e] = 43;
	ext[e + 1] = 0;
	ext[e + 2] = 1;
	ext[e + 3] = 4;
	e += 8;
	/* Routing, 8 bytes (segments left 0). */
	ext[e] = 60;
	ext[e + 1] = 0;
	e += 8;
	/* Destination options, 16 bytes. */
	ext[e] = 51;
	ext[e + 1] = 1;
	ext[e + 2] = 1;
	ext[e + 3] = 12;
	e += 16;
	/* AH with a 12-byte ICV: 24 bytes, payload length 4. */
	ext[e] = IPPROTO_TCP;
	ext[e + 1] = 4;
	e += 24;
	l = eth(f, mac_b, mac_a, 0x86dd);
	n = l + ip6_with_ext(f + l, p, n, ext, e, 0);
	ck_assert_int_eq(run(1, f, n), DECODE_OK);
	ck_assert_uint_eq(pk.ipver, 6);
	ck_assert_uint_eq(pk.proto, IPPROTO_TCP);
	ck_assert_uint_eq(pk.sport, 33000);
	ck_assert_uint_eq(pk.dport, 443);
	ck_assert_uint_eq(pk.tcp_flags, CRAFT_PSH | CRAFT_ACK);
	ck_assert_ptr_eq(pk.payload, heap + 14 + 40 + 56 + 20);
	ck_assert_uint_eq(pk.paylen, 3);
	ck_assert_uint_eq(pk.ip_len, 40 + 56 + 23);
	ck_assert_uint_eq(pk.l3len, 40 + 56 + 23);

	/* The destination options run past the packet. */
	f[14 + 40 + 16 + 1] = 40;
	ck_assert_int_eq(run(1, f, n), DECODE_ERR);
	ck_assert_uint_eq(decode_stats(dec)->reason[DR_IPV6_EXT], 1);
	/* Cut inside the hop-by-hop header. */
	ck_assert_int_eq(run_at(1, T0, f, 14 + 40 + 1, n), DECODE_ERR);
	ck_assert_uint_eq(decode_stats(dec)->reason[DR_IPV6_EXT], 2);
	ck_assert_uint_eq(decode_stats(dec)->ok, 1);
}
END_TEST

START_TEST(test_decode_ipv6_ext_loop)
{
	uint8_t p[128], ext[128], f[256];
	size_t n, l;
	int i;

	n = ip_pkt(p, sizeof(p), "2001:db8::1", "2001:db8::2", IPPROTO_UDP,
	    1, 2, NULL);
	memset(ext, 0, sizeof(ext));
	/* Nine destination options headers in a row. */
	for (i = 0; i < 9; i++)
		ext[i * 8] = i < 8 ? 60 : IPPROTO_UDP;
	l = eth(f, mac_b, mac_a, 0x86dd);
	n = l + ip6_with_ext(f + l, p, n, ext, 72, 60);
	ck_assert_int_eq(run(1, f, n), DECODE_ERR);
	check_reason(DR_IPV6_EXT);
}
END_TEST

START_TEST(test_decode_ipv6_no_next_header)
{
	uint8_t f[128];
	size_t n;

	n = eth(f, mac_b, mac_a, 0x86dd);
	n += ip6_hdr(f + n, "2001:db8::1", "2001:db8::2", 59, 0);
	ck_assert_int_eq(run(1, f, n), DECODE_OK);
	ck_assert_uint_eq(pk.proto, 59);
	ck_assert_uint_eq(pk.sport, 0);
	ck_assert_ptr_null(pk.payload);
	ck_assert_uint_eq(pk.l3len, 40);
}
END_TEST

/* IPv6 UDP [2001:db8::1]:6000 -> [2001:db8::2]:5060 in two fragments. */
static size_t
frag6(uint8_t *f, int later, uint32_t id)
{
	static const char data[] = "INVITE sip:cam@example.com SIP/2";
	size_t l = eth(f, mac_b, mac_a, 0x86dd);

	if (!later) {
		l += ip6_hdr(f + l, "2001:db8::1", "2001:db8::2", 44, 8 + 16);
		f[l] = IPPROTO_UDP;
		put16(f + l + 2, 0x0001);	/* offset 0, M */
		put32(f + l + 4, id);
		l += 8;
		put16(f + l, 6000);
		put16(f + l + 2, 5060);
		put16(f + l + 4, 8 + 32);
		put16(f + l + 6, 0);
		memcpy(f + l + 8, data, 8);
		return l + 16;
	}
	l += ip6_hdr(f + l, "2001:db8::1", "2001:db8::2", 44, 8 + 24);
	f[l] = IPPROTO_UDP;
	put16(f + l + 2, 2 << 3);		/* offset 16, last */
	put32(f + l + 4, id);
	memcpy(f + l + 8, data + 8, 24);
	return l + 8 + 24;
}

START_TEST(test_decode_ipv6_fragments)
{
	uint8_t f1[128], f2[128];
	size_t n1, n2;

	n1 = frag6(f1, 0, 0x12345678);
	n2 = frag6(f2, 1, 0x12345678);
	ck_assert_int_eq(run(1, f1, n1), DECODE_OK);
	ck_assert_uint_eq(pk.flags, PKT_F_FRAG);
	ck_assert_uint_eq(pk.sport, 6000);
	ck_assert_uint_eq(pk.dport, 5060);
	ck_assert_mem_eq(pk.payload, "INVITE s", 8);
	ck_assert_int_eq(run(1, f2, n2), DECODE_OK);
	ck_assert_uint_eq(pk.flags, PKT_F_FRAG | PKT_F_FRAG_LATER);
	ck_assert_uint_eq(pk.proto, IPPROTO_UDP);
	ck_assert_uint_eq(pk.sport, 6000);
	ck_assert_uint_eq(pk.dport, 5060);
	ck_assert_str_eq(fmt(&pk.src), "2001:db8::1");
	ck_assert_ptr_null(pk.payload);
	ck_assert_uint_eq(pk.ip_len, 72);
	/*
	 * The 32-bit id matters in full: another datagram, known only by
	 * the latest ports between the addresses.
	 */
	n2 = frag6(f2, 1, 0x12345679);
	ck_assert_int_eq(run(1, f2, n2), DECODE_OK);
	ck_assert_uint_eq(decode_stats(dec)->frag_by_pair, 1);
	ck_assert_uint_eq(pk.dport, 5060);
	ck_assert_uint_eq(decode_stats(dec)->fragments, 3);
	/* An atomic fragment (offset 0, no M) is a whole packet. */
	put16(f1 + 14 + 40 + 2, 0);
	ck_assert_int_eq(run(1, f1, n1), DECODE_OK);
	ck_assert_uint_eq(pk.flags, 0);
	ck_assert_uint_eq(pk.dport, 5060);
	ck_assert_uint_eq(decode_stats(dec)->fragments, 3);
	check_balance();
}
END_TEST

START_TEST(test_decode_udp)
{
	uint8_t f[128];
	size_t n;

	n = eth(f, mac_b, mac_a, 0x0800);
	n += ip_pkt(f + n, sizeof(f) - n, "192.0.2.1", "239.255.255.250",
	    IPPROTO_UDP, 1900, 1900, "M-SEARCH");
	ck_assert_int_eq(run(1, f, n), DECODE_OK);
	ck_assert_uint_eq(pk.proto, IPPROTO_UDP);
	ck_assert_str_eq(fmt(&pk.dst), "239.255.255.250");
	ck_assert_uint_eq(pk.sport, 1900);
	ck_assert_uint_eq(pk.paylen, 8);
	ck_assert_ptr_eq(pk.payload, heap + 42);
	/* A length field shorter than the UDP header. */
	put16(f + 14 + 20 + 4, 7);
	ck_assert_int_eq(run(1, f, n), DECODE_ERR);
	ck_assert_uint_eq(decode_stats(dec)->reason[DR_UDP_LEN], 1);
	/* A length field shorter than the IP payload: it wins. */
	put16(f + 14 + 20 + 4, 8 + 3);
	ck_assert_int_eq(run(1, f, n), DECODE_OK);
	ck_assert_uint_eq(pk.paylen, 3);
	ck_assert_uint_eq(pk.flags, 0);
	ck_assert_int_eq(run(1, f, 14 + 20 + 7), DECODE_ERR);
	ck_assert_uint_eq(decode_stats(dec)->reason[DR_UDP_SHORT], 1);
	check_balance();
}
END_TEST

START_TEST(test_decode_tcp_malformed)
{
	uint8_t f[128];
	size_t n;

	n = eth(f, mac_b, mac_a, 0x0800);
	n += ip_pkt(f + n, sizeof(f) - n, "192.0.2.1", "192.0.2.2",
	    IPPROTO_TCP, 1, 2, "abcd");
	f[14 + 20 + 12] = 4 << 4;	/* data offset 4 */
	ck_assert_int_eq(run(1, f, n), DECODE_ERR);
	ck_assert_uint_eq(decode_stats(dec)->reason[DR_TCP_HLEN], 1);
	f[14 + 20 + 12] = 6 << 4;	/* 24 bytes in a 24-byte segment */
	ck_assert_int_eq(run(1, f, n), DECODE_OK);
	ck_assert_uint_eq(pk.paylen, 0);
	f[14 + 20 + 12] = 7 << 4;	/* 28 bytes in a 24-byte segment */
	ck_assert_int_eq(run(1, f, n), DECODE_ERR);
	ck_assert_uint_eq(decode_stats(dec)->reason[DR_TCP_HLEN], 2);
	ck_assert_int_eq(run(1, f, 14 + 20 + 19), DECODE_ERR);
	ck_assert_uint_eq(decode_stats(dec)->reason[DR_TCP_SHORT], 1);
	check_balance();
}
END_TEST

START_TEST(test_decode_tcp_snaplen)
{
	uint8_t f[256];
	char data[101];
	size_t n;

	memset(data, 'z', 100);
	data[100] = '\0';
	n = eth(f, mac_b, mac_a, 0x0800);
	n += ip_pkt(f + n, sizeof(f) - n, "192.0.2.1", "192.0.2.2",
	    IPPROTO_TCP, 8554, 50000, data);
	/* The snap length cuts the payload after 30 bytes. */
	ck_assert_int_eq(run_at(1, T0, f, 14 + 40 + 30, n), DECODE_OK);
	ck_assert_uint_eq(pk.flags, PKT_F_L4_TRUNC);
	ck_assert_uint_eq(pk.paylen, 30);
	ck_assert_uint_eq(pk.l3len, 70);
	ck_assert_uint_eq(pk.ip_len, 140);
	ck_assert_uint_eq(pk.sport, 8554);

	/* The snap length cuts the TCP options: the ports are known. */
	f[14 + 20 + 12] = 8 << 4;
	ck_assert_int_eq(run_at(1, T0, f, 14 + 20 + 24, n), DECODE_OK);
	ck_assert_uint_eq(pk.flags, PKT_F_L4_TRUNC);
	ck_assert_uint_eq(pk.dport, 50000);
	ck_assert_uint_eq(pk.paylen, 0);
	ck_assert_ptr_null(pk.payload);
}
END_TEST

START_TEST(test_decode_icmp)
{
	uint8_t f[128];
	size_t n;

	n = eth(f, mac_b, mac_a, 0x0800);
	/* Destination unreachable, administratively prohibited. */
	n += ip_pkt(f + n, sizeof(f) - n, "192.0.2.1", "192.0.2.2",
	    IPPROTO_ICMP, 3, 13, "orig");
	ck_assert_int_eq(run(1, f, n), DECODE_OK);
	ck_assert_uint_eq(pk.proto, IPPROTO_ICMP);
	ck_assert_uint_eq(pk.sport, 3 << 8 | 13);
	ck_assert_uint_eq(pk.dport, 0);
	ck_assert_mem_eq(pk.payload, "orig", 4);
	ck_assert_int_eq(run(1, f, 14 + 20 + 7), DECODE_ERR);
	ck_assert_uint_eq(decode_stats(dec)->reason[DR_ICMP_SHORT], 1);
}
END_TEST

START_TEST(test_decode_icmpv6)
{
	uint8_t f[128];
	size_t n;

	n = eth(f, mac_b, mac_a, 0x86dd);
	n += ip_pkt(f + n, sizeof(f) - n, "fe80::1", "ff02::1",
	    IPPROTO_ICMPV6, 134, 0, NULL);	/* router advertisement */
	ck_assert_int_eq(run(1, f, n), DECODE_OK);
	ck_assert_uint_eq(pk.proto, IPPROTO_ICMPV6);
	ck_assert_uint_eq(pk.sport, 134 << 8);
	ck_assert_uint_eq(pk.dport, 0);
	ck_assert_str_eq(fmt(&pk.src), "fe80::1");
	ck_assert_int_eq(run(1, f, 14 + 40 + 4), DECODE_ERR);
	ck_assert_uint_eq(decode_stats(dec)->reason[DR_ICMP_SHORT], 1);
	ck_assert_int_eq(run(1, f, 14 + 39), DECODE_ERR);
	ck_assert_uint_eq(decode_stats(dec)->reason[DR_IPV6_SHORT], 1);
	f[14] = 0x40;
	ck_assert_int_eq(run(1, f, n), DECODE_ERR);
	ck_assert_uint_eq(decode_stats(dec)->reason[DR_IPV6_VERSION], 1);
}
END_TEST

START_TEST(test_decode_other_protocol)
{
	uint8_t f[128];
	size_t n;

	n = eth(f, mac_b, mac_a, 0x0800);
	n += ip_pkt(f + n, sizeof(f) - n, "192.0.2.1", "224.0.0.5", 89, 0, 0,
	    "ospf-hello");
	ck_assert_int_eq(run(1, f, n), DECODE_OK);
	ck_assert_uint_eq(pk.proto, 89);
	ck_assert_uint_eq(pk.sport, 0);
	ck_assert_uint_eq(pk.dport, 0);
	ck_assert_uint_eq(pk.paylen, 10);
	ck_assert_mem_eq(pk.payload, "ospf-hello", 10);
	ck_assert_uint_eq(decode_stats(dec)->ok, 1);
	ck_assert_uint_eq(reasons(), 0);
}
END_TEST

START_TEST(test_decode_arp)
{
	uint8_t f[64];
	size_t n;

	memset(f, 0, sizeof(f));
	n = eth(f, (const uint8_t *)"\xff\xff\xff\xff\xff\xff", mac_a,
	    0x0806);
	put16(f + n, 1);
	put16(f + n + 2, 0x0800);
	f[n + 4] = 6;
	f[n + 5] = 4;
	put16(f + n + 6, 1);		/* request */
	memcpy(f + n + 8, mac_a, 6);
	memcpy(f + n + 14, "\xc0\x00\x02\x01", 4);
	memcpy(f + n + 24, "\xc0\x00\x02\xfe", 4);
	ck_assert_int_eq(run(1, f, 60), DECODE_ARP);
	ck_assert_uint_eq(pk.ipver, 0);
	ck_assert_uint_eq(pk.arp_op, 1);
	ck_assert_mem_eq(pk.arp_sha, mac_a, 6);
	ck_assert_str_eq(fmt(&pk.src), "192.0.2.1");
	ck_assert_str_eq(fmt(&pk.dst), "192.0.2.254");
	ck_assert_mem_eq(pk.smac, mac_a, 6);
	ck_assert_uint_eq(decode_stats(dec)->arp, 1);
	ck_assert_uint_eq(decode_stats(dec)->ok, 0);
	ck_assert_int_eq(run(1, f, 14 + 27), DECODE_ERR);
	ck_assert_uint_eq(decode_stats(dec)->reason[DR_ARP_SHORT], 1);
	put16(f + n, 6);		/* IEEE 802 hardware */
	ck_assert_int_eq(run(1, f, 60), DECODE_ERR);
	ck_assert_uint_eq(decode_stats(dec)->reason[DR_ARP_FORMAT], 1);
	check_balance();
}
END_TEST

START_TEST(test_decode_not_ip)
{
	uint8_t f[64];
	size_t n;

	memset(f, 0, sizeof(f));
	n = eth(f, (const uint8_t *)"\x01\x80\xc2\x00\x00\x0e", mac_a,
	    0x88cc);
	ck_assert_int_eq(run(1, f, 60), DECODE_SKIP);	/* LLDP */
	/* CDP: an 802.3 length, LLC/SNAP. */
	n = eth(f, (const uint8_t *)"\x01\x00\x0c\xcc\xcc\xcc", mac_a, 46);
	memcpy(f + n, "\xaa\xaa\x03\x00\x00\x0c\x20\x00", 8);
	ck_assert_int_eq(run(1, f, 60), DECODE_SKIP);
	/* LLDP behind a VLAN tag. */
	n = eth(f, mac_b, mac_a, 0x8100);
	put16(f + n, 5);
	put16(f + n + 2, 0x88cc);
	ck_assert_int_eq(run(1, f, 60), DECODE_SKIP);
	ck_assert_uint_eq(decode_stats(dec)->reason[DR_NOT_IP], 3);
	ck_assert_uint_eq(reasons(), 3);
	ck_assert_uint_eq(decode_stats(dec)->packets, 3);
}
END_TEST

/*
 * Every prefix of a valid frame: an error or a result whose pointers stay
 * in the captured bytes (run_at checks them, ASan checks the reads).
 */
static void
truncate_all(int dlt, const uint8_t *f, size_t n)
{
	size_t i;

	ck_assert_int_le(run(dlt, f, n), DECODE_ARP);
	for (i = 0; i < n; i++)
		run_at(dlt, T0, f, i, n);
}

START_TEST(test_decode_truncation)
{
	uint8_t f[512], g[512], body[512];
	size_t n, b, l;
	const struct decode_stats *st;

	n = eth(f, mac_b, mac_a, 0x0800);
	n += inner_tcp(f + n, sizeof(f) - n);
	truncate_all(1, f, n);
	truncate_all(12, f + 14, n - 14);
	memcpy(g, "\x02\x00\x00\x00", 4);
	memcpy(g + 4, f + 14, n - 14);
	truncate_all(0, g, n - 10);

	n = eth(f, mac_b, mac_a, 0x88a8);
	put16(f + n, 10);
	put16(f + n + 2, 0x8100);
	put16(f + n + 4, 20);
	put16(f + n + 6, 0x86dd);
	n += 8;
	n += ip_pkt(f + n, sizeof(f) - n, "2001:db8::1", "2001:db8::2",
	    IPPROTO_UDP, 1, 2, "xyz");
	truncate_all(1, f, n);

	n = eth(f, mac_b, mac_a, 0x8847);
	put32(f + n, 1 << 12 | 1 << 8);
	n += 4;
	n += inner_tcp(f + n, sizeof(f) - n);
	truncate_all(1, f, n);

	b = gre(body, 0xb000, 0x22eb);
	memset(body + b, 0, 20);
	body[b + 11] = 1;
	b += 20;
	b += inner_eth(body + b, sizeof(body) - b);
	n = outer4(f, 47, body, b);
	truncate_all(1, f, n);

	b = gre(body, 0x1000, 0x88be);
	memset(body + b, 0, 8);
	b += 8;
	b += inner_eth(body + b, sizeof(body) - b);
	n = outer4(f, 47, body, b);
	truncate_all(1, f, n);

	memset(body, 0, 8);
	body[0] = 0x08;
	b = 8 + inner_eth(body + 8, sizeof(body) - 8);
	n = eth(f, mac_b, mac_a, 0x0800);
	l = ip4_hdr(f + n, "192.0.2.1", "192.0.2.2", IPPROTO_UDP, 8 + b, 1,
	    0);
	put16(f + n + l, 1234);
	put16(f + n + l + 2, 4789);
	put16(f + n + l + 4, (uint16_t)(8 + b));
	put16(f + n + l + 6, 0);
	memcpy(f + n + l + 8, body, b);
	n += l + 8 + b;
	truncate_all(1, f, n);

	n = frag6(f, 0, 99);
	truncate_all(1, f, n);
	n = frag6(f, 1, 99);
	truncate_all(1, f, n);
	n = frag4(f, 0, 99);
	truncate_all(1, f, n);

	n = gre_nest(f, sizeof(f), DECODE_MAX_TUNNEL);
	truncate_all(1, f, n);

	b = inner_tcp(body, sizeof(body));
	n = pppoe(f, 1, 0x0021, body, b);
	truncate_all(1, f, n);

	memset(g, 0, 20);
	put16(g, 0x0806);
	put16(g + 20, 1);
	put16(g + 22, 0x0800);
	g[24] = 6;
	g[25] = 4;
	truncate_all(276, g, 20 + 28);

	st = decode_stats(dec);
	ck_assert_uint_gt(st->ok, 0);
	ck_assert_uint_gt(reasons(), 0);
	check_balance();
}
END_TEST

START_TEST(test_decode_counters)
{
	uint8_t f[256], g[64], body[256];
	size_t n, b;
	const struct decode_stats *st;
	int i;

	n = eth(f, mac_b, mac_a, 0x0800);
	n += inner_tcp(f + n, sizeof(f) - n);
	for (i = 0; i < 3; i++)
		ck_assert_int_eq(run(1, f, n), DECODE_OK);
	ck_assert_int_eq(run(1, f, 20), DECODE_ERR);
	ck_assert_int_eq(run(1, f, 5), DECODE_ERR);
	memset(g, 0, sizeof(g));
	eth(g, mac_b, mac_a, 0x88cc);
	ck_assert_int_eq(run(1, g, 60), DECODE_SKIP);
	b = gre(body, 0, 0x0800);
	b += inner_tcp(body + b, sizeof(body) - b);
	n = outer4(f, 47, body, b);
	ck_assert_int_eq(run(1, f, n), DECODE_OK);
	n = frag4(f, 0, 3);
	ck_assert_int_eq(run(1, f, n), DECODE_OK);
	ck_assert_int_eq(run(147, f, n), DECODE_ERR);

	st = decode_stats(dec);
	ck_assert_uint_eq(st->packets, 9);
	ck_assert_uint_eq(st->ok, 5);
	ck_assert_uint_eq(st->arp, 0);
	ck_assert_uint_eq(st->fragments, 1);
	ck_assert_uint_eq(st->tunnelled, 1);
	ck_assert_uint_eq(st->reason[DR_IPV4_SHORT], 1);
	ck_assert_uint_eq(st->reason[DR_ETH_SHORT], 1);
	ck_assert_uint_eq(st->reason[DR_NOT_IP], 1);
	ck_assert_uint_eq(st->reason[DR_LINKTYPE], 1);
	ck_assert_uint_eq(reasons(), 4);
}
END_TEST

START_TEST(test_decode_reason_names)
{
	const char *a, *b, *s;
	int i, j;

	ck_assert_str_eq(decode_reason_name(DR_IPV4_SHORT), "ipv4-short");
	ck_assert_str_eq(decode_reason_name(DR_VLAN_DEPTH), "vlan-depth");
	ck_assert_str_eq(decode_reason_name(DR_FRAG_ORPHAN), "frag-orphan");
	ck_assert_str_eq(decode_reason_name(DR_NOT_IP), "not-ip");
	ck_assert_str_eq(decode_reason_name(DR_MAX), "unknown");
	ck_assert_str_eq(decode_reason_name((enum decode_reason)-1),
	    "unknown");
	for (i = 0; i < DR_MAX; i++) {
		a = decode_reason_name((enum decode_reason)i);
		ck_assert_str_ne(a, "unknown");
		/* Kebab case: lower-case letters, digits, single dashes. */
		for (s = a; *s != '\0'; s++)
			ck_assert((*s >= 'a' && *s <= 'z') ||
			    (*s >= '0' && *s <= '9') ||
			    (*s == '-' && s != a && s[1] != '\0'));
		for (j = 0; j < i; j++) {
			b = decode_reason_name((enum decode_reason)j);
			ck_assert_str_ne(a, b);
		}
	}
}
END_TEST

static Suite *
decode_suite(void)
{
	Suite *s = suite_create("decode");
	TCase *tc = tcase_create("decode");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_decode_ethernet_tcp);
	tcase_add_test(tc, test_decode_ethernet_padding);
	tcase_add_test(tc, test_decode_ipv4_zero_total_length);
	tcase_add_test(tc, test_decode_sll);
	tcase_add_test(tc, test_decode_sll2);
	tcase_add_test(tc, test_decode_raw);
	tcase_add_test(tc, test_decode_null_loop);
	tcase_add_test(tc, test_decode_linktype_unsupported);
	tcase_add_test(tc, test_decode_datalink_supported);
	tcase_add_test(tc, test_decode_vlan);
	tcase_add_test(tc, test_decode_qinq);
	tcase_add_test(tc, test_decode_vlan_depth);
	tcase_add_test(tc, test_decode_mpls);
	tcase_add_test(tc, test_decode_mpls_depth);
	tcase_add_test(tc, test_decode_pppoe);
	tcase_add_test(tc, test_decode_gre);
	tcase_add_test(tc, test_decode_gre_teb);
	tcase_add_test(tc, test_decode_gre_malformed);
	tcase_add_test(tc, test_decode_erspan1);
	tcase_add_test(tc, test_decode_erspan2);
	tcase_add_test(tc, test_decode_erspan3);
	tcase_add_test(tc, test_decode_vxlan);
	tcase_add_test(tc, test_decode_ipip);
	tcase_add_test(tc, test_decode_tunnel_depth);
	tcase_add_test(tc, test_decode_ipv4_options);
	tcase_add_test(tc, test_decode_ipv4_malformed);
	tcase_add_test(tc, test_decode_ipv4_fragments);
	tcase_add_test(tc, test_decode_ipv4_fragment_orphan);
	tcase_add_test(tc, test_decode_fragment_expiry);
	tcase_add_test(tc, test_decode_fragment_table_full);
	tcase_add_test(tc, test_decode_fragment_tiny);
	tcase_add_test(tc, test_decode_fragment_tiny_ipv6);
	tcase_add_test(tc, test_decode_fragment_overlap);
	tcase_add_test(tc, test_decode_ipv6_ext);
	tcase_add_test(tc, test_decode_ipv6_ext_loop);
	tcase_add_test(tc, test_decode_ipv6_no_next_header);
	tcase_add_test(tc, test_decode_ipv6_fragments);
	tcase_add_test(tc, test_decode_udp);
	tcase_add_test(tc, test_decode_tcp_malformed);
	tcase_add_test(tc, test_decode_tcp_snaplen);
	tcase_add_test(tc, test_decode_icmp);
	tcase_add_test(tc, test_decode_icmpv6);
	tcase_add_test(tc, test_decode_other_protocol);
	tcase_add_test(tc, test_decode_arp);
	tcase_add_test(tc, test_decode_not_ip);
	tcase_add_test(tc, test_decode_truncation);
	tcase_add_test(tc, test_decode_counters);
	tcase_add_test(tc, test_decode_reason_names);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_run(decode_suite());
}

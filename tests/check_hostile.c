/*
 * check_hostile.c - hostile input: what an attacker on the SPAN port can
 * send, driven straight into the pipeline and decoder API (no capture
 * file): a SYN flood of random tuples, fragment floods, TCP with absurd
 * options, VLAN stacks and tunnel nestings deeper than any limit,
 * zero-length and maximum-length frames, and an alert storm.  Every frame
 * is a heap copy of exactly its captured length, so that under ASan
 * (./configure --enable-sanitizers) a read past it fails the test.
 *
 * The flood sends VW_HOSTILE_PACKETS packets (default 3,000,000, peak
 * memory measured at a third and at the end; 1,000,000 when built with
 * AddressSanitizer, which makes each packet several times slower).
 * Under ASan the peak-memory checks are reported, not asserted: its
 * quarantine keeps freed frame copies, so VmHWM measures the allocator.
 */
#include <check.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ndpi_protocol_ids.h>
#include <pcap/pcap.h>

#include "alert.h"
#include "conf.h"
#include "craft.h"
#include "decode.h"
#include "pipeline.h"

#define T0 1715677211000000ull	/* 2024-05-14T09:00:11Z */

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
#define FLOOD_PACKETS (UNDER_ASAN ? 1000000 : 3000000)

/* Peak memory may grow by this much (KiB): noise, not a table. */
#define HWM_NOISE_KB 4096

static const uint8_t mac_a[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };
static const uint8_t mac_b[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 };
static const uint8_t mac_rs[6] = { 0x00, 0x15, 0x5d, 0x6e, 0x00, 0x14 };
static const uint8_t mac_cam[6] = { 0x3c, 0xef, 0x8c, 0xe7, 0x00, 0x65 };
static const uint8_t mac_sc[6] = { 0x00, 0x15, 0x5d, 0x78, 0x00, 0x32 };

/* xorshift64*: the same "random" flood on every run. */
static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t
rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (uint32_t)((rng * 0x2545f4914f6cdd1dull) >> 32);
}

/* Peak resident memory of this process in KiB (VmHWM). */
static long
vm_hwm_kb(void)
{
	char line[256];
	long kb = -1;
	FILE *f = fopen("/proc/self/status", "r");

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "VmHWM: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

static long
env_long(const char *name, long def)
{
	const char *s = getenv(name);

	return s != NULL && *s ? strtol(s, NULL, 10) : def;
}

/*
 * Hands the pipeline a heap copy of exactly caplen bytes, so ASan sees a
 * read past the captured length.
 */
static void
feed(struct pipeline *pl, int dlt, uint64_t ts, const uint8_t *f,
    uint32_t caplen, uint32_t len)
{
	uint8_t *copy = malloc(caplen ? caplen : 1);

	ck_assert_ptr_nonnull(copy);
	memcpy(copy, f, caplen);
	pipeline_frame(pl, dlt, ts, copy, caplen, len);
	free(copy);
}

/* The same for the decoder alone; returns the result. */
static enum decode_result
dec(struct decoder *d, int dlt, const uint8_t *f, uint32_t caplen,
    uint32_t len, struct pkt *p)
{
	uint8_t *copy = malloc(caplen ? caplen : 1);
	enum decode_result r;

	ck_assert_ptr_nonnull(copy);
	memcpy(copy, f, caplen);
	r = decode_packet(d, dlt, T0, copy, caplen, len, p);
	/* Whatever it handed out lies inside the frame. */
	if (r == DECODE_OK && p->paylen > 0)
		ck_assert(p->payload >= copy &&
		    p->payload + p->paylen <= copy + caplen);
	if (r == DECODE_OK && p->l3len > 0)
		ck_assert(p->l3 >= copy && p->l3 + p->l3len <= copy + caplen);
	free(copy);
	return r;
}

/* Every frame ends as ok, arp or exactly one reason. */
static void
assert_counts_add_up(const struct decoder *d)
{
	const struct decode_stats *st = decode_stats(d);
	uint64_t sum = st->ok + st->arp;
	int r;

	for (r = 1; r < DR_MAX; r++)
		sum += st->reason[r];
	ck_assert_uint_eq(sum, st->packets);
}

/*
 * A configuration for the flood: a flow table of max_flows, the shipped
 * rules and the small site of fuzz/site/inventory.conf, no alert rate
 * limit (so that no alert of interest is dropped by it).
 */
static struct conf *
flood_conf(unsigned max_flows, char *path, size_t len)
{
	const char *src = getenv("VW_SRCDIR");
	char err[8192];
	struct conf *c;
	FILE *f;
	int fd;

	if (src == NULL || *src == '\0')
		src = VW_SRCDIR;
	snprintf(path, len, "/tmp/vw-hostile.XXXXXX");
	ck_assert_int_ge(fd = mkstemp(path), 0);
	ck_assert_ptr_nonnull(f = fdopen(fd, "w"));
	fprintf(f, "flow = { max_flows = %u; };\n"
	    "dpi = { max_flows = 16384; };\n"
	    "alert = { rate = 0; max_keys = 4096; };\n"
	    "inventory = \"%s/fuzz/site/inventory.conf\";\n"
	    "rules = [ \"%s/rules/xprotect.conf\" ];\n", max_flows, src, src);
	ck_assert_int_eq(fclose(f), 0);
	c = conf_load(path, err, sizeof(err));
	if (c == NULL)
		ck_abort_msg("%s", err);
	return c;
}

/* Alerts of the flood: those between the two site flows are kept. */
struct seen {
	uint64_t alerts;
	int rs_cam;		/* alerts with the recorder as client */
	int sc_cam;		/* alerts smart client -> camera */
	struct addr rs, sc, cam;
};

static void
flood_alert(const struct alert *a, void *arg)
{
	struct seen *s = arg;

	s->alerts++;
	if (addr_cmp(&a->server.addr, &s->cam) != 0)
		return;
	if (addr_cmp(&a->client.addr, &s->rs) == 0)
		s->rs_cam++;
	if (addr_cmp(&a->client.addr, &s->sc) == 0)
		s->sc_cam++;
}

/* Writes the frames a craft_conv would write, into the pipeline. */
struct conv_sink {
	struct pipeline *pl;
};

static const char rtsp_req[] =
    "OPTIONS rtsp://192.168.50.101:554/stream1 RTSP/1.0\r\nCSeq: 1\r\n"
    "User-Agent: vmswatch-test\r\n\r\n";
static const char rtsp_resp[] = "RTSP/1.0 200 OK\r\nCSeq: 1\r\n"
    "Public: OPTIONS, DESCRIBE, SETUP, PLAY\r\n\r\n";

/* One TCP segment of a site flow, built with craft and fed. */
static void
site_segment(struct pipeline *pl, uint64_t ts, const uint8_t *smac,
    const char *src, uint16_t sport, const uint8_t *dmac, const char *dst,
    uint16_t dport, uint8_t flags, uint32_t seq, uint32_t ack,
    const char *data)
{
	struct craft_spec s;
	uint8_t f[1600];
	size_t n;

	memset(&s, 0, sizeof(s));
	memcpy(s.smac, smac, 6);
	memcpy(s.dmac, dmac, 6);
	s.src = src;
	s.dst = dst;
	s.proto = IPPROTO_TCP;
	s.sport = sport;
	s.dport = dport;
	s.tcp_flags = flags;
	s.seq = seq;
	s.ack = ack;
	s.payload = data;
	s.plen = data ? strlen(data) : 0;
	ck_assert_uint_gt(n = craft_frame(f, sizeof(f), &s), 0);
	feed(pl, DLT_EN10MB, ts, f, (uint32_t)n, (uint32_t)n);
}

/* An RTSP exchange on 554: handshake, OPTIONS, 200 OK. */
static void
site_rtsp(struct pipeline *pl, uint64_t ts, const uint8_t *cmac,
    const char *client, uint16_t cport)
{
	const char *cam = "192.168.50.101";

	site_segment(pl, ts, cmac, client, cport, mac_cam, cam, 554,
	    CRAFT_SYN, 1000, 0, NULL);
	site_segment(pl, ts + 100, mac_cam, cam, 554, cmac, client, cport,
	    CRAFT_SYN | CRAFT_ACK, 5000, 1001, NULL);
	site_segment(pl, ts + 200, cmac, client, cport, mac_cam, cam, 554,
	    CRAFT_ACK, 1001, 5001, NULL);
	site_segment(pl, ts + 300, cmac, client, cport, mac_cam, cam, 554,
	    CRAFT_PSH | CRAFT_ACK, 1001, 5001, rtsp_req);
	site_segment(pl, ts + 400, mac_cam, cam, 554, cmac, client, cport,
	    CRAFT_PSH | CRAFT_ACK, 5001, 1001 + (uint32_t)strlen(rtsp_req),
	    rtsp_resp);
}

START_TEST(test_hostile_syn_flood)
{
	const unsigned cap = 65536;
	long total = env_long("VW_HOSTILE_PACKETS", FLOOD_PACKETS);
	long third = total / 3, i;
	char path[64];
	struct conf *c = flood_conf(cap, path, sizeof(path));
	struct seen seen;
	struct alert_ctx *al;
	struct pipeline *pl;
	const struct flowtab_stats *fs;
	const struct pipeline_stats *ps;
	struct craft_spec s;
	uint8_t tmpl[128];
	size_t n;
	long hwm1 = -1, hwm3;
	uint64_t ended = 0;
	int k;

	memset(&seen, 0, sizeof(seen));
	ck_assert_int_eq(addr_parse("192.168.10.20", &seen.rs), 0);
	ck_assert_int_eq(addr_parse("192.168.20.50", &seen.sc), 0);
	ck_assert_int_eq(addr_parse("192.168.50.101", &seen.cam), 0);
	ck_assert_ptr_nonnull(al = alert_new(&c->alert, flood_alert, &seen));
	ck_assert_ptr_nonnull(pl = pipeline_new(c, NULL, al));

	/* A SYN template; addresses and ports are patched per packet. */
	memset(&s, 0, sizeof(s));
	memcpy(s.smac, mac_a, 6);
	memcpy(s.dmac, mac_b, 6);
	s.src = "10.0.0.1";
	s.dst = "172.16.0.1";
	s.proto = IPPROTO_TCP;
	s.sport = 1;
	s.dport = 1;
	s.tcp_flags = CRAFT_SYN;
	ck_assert_uint_gt(n = craft_frame(tmpl, sizeof(tmpl), &s), 0);
	for (i = 0; i < total; i++) {
		uint32_t a = rnd(), b = rnd(), ports = rnd();
		uint16_t dport = (uint16_t)(1024 + (ports >> 16) % 64000);

		/* 10.0.0.0/8 -> 172.16.0.0/12: outside the site. */
		tmpl[26] = 10;
		memcpy(tmpl + 27, &a, 3);
		tmpl[30] = 172;
		tmpl[31] = (uint8_t)(16 | (b & 0x0f));
		memcpy(tmpl + 32, (uint8_t *)&b + 1, 2);
		tmpl[34] = (uint8_t)(ports >> 8);
		tmpl[35] = (uint8_t)ports;
		/* Not 554 or 8554: RTSP must come from the site flow only. */
		if (dport == 554 || dport == 8554)
			dport++;
		tmpl[36] = (uint8_t)(dport >> 8);
		tmpl[37] = (uint8_t)dport;
		/* 1 µs apart: millions of packets within every timeout. */
		feed(pl, DLT_EN10MB, T0 + (uint64_t)i, tmpl, (uint32_t)n,
		    (uint32_t)n);
		if (i + 1 == third)
			hwm1 = vm_hwm_kb();
		if (i == total / 2) {
			/*
			 * In the middle of the flood: the recorder opens RTSP
			 * to its camera (documented), a smart client does
			 * the same (undocumented: cameras talk to recorders
			 * only).  Both interleave with flood packets.
			 */
			site_rtsp(pl, T0 + (uint64_t)i, mac_rs,
			    "192.168.10.20", 50200);
			site_rtsp(pl, T0 + (uint64_t)i + 10, mac_sc,
			    "192.168.20.50", 50300);
		}
	}
	hwm3 = vm_hwm_kb();
	pipeline_flush(pl);
	alert_flush(al);

	fs = flowtab_stats(pipeline_flowtab(pl));
	ps = pipeline_stats(pl);
	/* The table held at its cap; the oldest flows were evicted. */
	ck_assert_uint_eq(fs->peak, cap);
	for (k = 0; k < FLOW_END_MAX; k++)
		if (k != FLOW_END_ACTIVE)
			ended += fs->ended[k];
	ck_assert_uint_eq(ended, fs->created);
	ck_assert_uint_ge(fs->ended[FLOW_END_EVICTED],
	    fs->created - cap - fs->ended[FLOW_END_IDLE] -
	    fs->ended[FLOW_END_TCP]);
	ck_assert_uint_ge(fs->created, (uint64_t)total * 99 / 100);
	ck_assert_uint_gt(fs->ended[FLOW_END_EVICTED], 0);
	/* The site flows were classified and checked during the flood. */
	ck_assert_uint_ge(ps->proto_flows[NDPI_PROTOCOL_RTSP], 2);
	ck_assert_int_eq(seen.rs_cam, 0);
	ck_assert_int_ge(seen.sc_cam, 1);
	/* Peak memory flat: the table is allocated at start. */
	fprintf(stderr, "syn flood: %ld packets, flow cap %u, created %llu, "
	    "evicted %llu, VmHWM %ld kB at %ld packets, %ld kB at %ld; "
	    "alerts %llu\n", total, cap, (unsigned long long)fs->created,
	    (unsigned long long)fs->ended[FLOW_END_EVICTED], hwm1, third,
	    hwm3, total, (unsigned long long)seen.alerts);
	if (hwm1 > 0 && hwm3 > 0 && !UNDER_ASAN)
		ck_assert_int_le(hwm3 - hwm1, HWM_NOISE_KB);
	pipeline_free(pl);
	alert_free(al);
	conf_free(c);
	unlink(path);
}
END_TEST

/* A minimal IPv4 header (RFC 791) at b for a payload of plen bytes. */
static void
ip4(uint8_t *b, uint8_t proto, uint32_t plen, uint16_t id, uint16_t frag,
    uint32_t src, uint32_t dst)
{
	uint32_t tot = 20 + plen;

	memset(b, 0, 20);
	b[0] = 0x45;
	b[2] = (uint8_t)(tot >> 8);
	b[3] = (uint8_t)tot;
	b[4] = (uint8_t)(id >> 8);
	b[5] = (uint8_t)id;
	b[6] = (uint8_t)(frag >> 8);
	b[7] = (uint8_t)frag;
	b[8] = 64;
	b[9] = proto;
	b[12] = (uint8_t)(src >> 24);
	b[13] = (uint8_t)(src >> 16);
	b[14] = (uint8_t)(src >> 8);
	b[15] = (uint8_t)src;
	b[16] = (uint8_t)(dst >> 24);
	b[17] = (uint8_t)(dst >> 16);
	b[18] = (uint8_t)(dst >> 8);
	b[19] = (uint8_t)dst;
}

/* An Ethernet header with ethertype et at b; returns 14. */
static uint32_t
eth(uint8_t *b, uint16_t et)
{
	memcpy(b, mac_b, 6);
	memcpy(b + 6, mac_a, 6);
	b[12] = (uint8_t)(et >> 8);
	b[13] = (uint8_t)et;
	return 14;
}

START_TEST(test_hostile_fragment_flood)
{
	const uint32_t nfrag = 200000, slots = 64;
	struct decoder *d = decode_new(slots);
	const struct decode_stats *st;
	uint8_t f[128];
	struct pkt p;
	uint32_t i, o;
	long hwm0, hwm1;

	ck_assert_ptr_nonnull(d);
	hwm0 = vm_hwm_kb();
	/* First fragments (MF, offset 0) of distinct datagrams: UDP 8 B. */
	for (i = 0; i < nfrag; i++) {
		o = eth(f, 0x0800);
		ip4(f + o, IPPROTO_UDP, 16, (uint16_t)i, 0x2000,
		    0x0a000000u | (i >> 16), 0xac100001u);
		memset(f + o + 20, 0, 16);
		f[o + 20] = 0x13; f[o + 21] = 0x88;	/* 5000 -> 6000 */
		f[o + 22] = 0x17; f[o + 23] = 0x70;
		f[o + 25] = 16;
		ck_assert_int_eq(dec(d, DLT_EN10MB, f, o + 36, o + 36, &p),
		    DECODE_OK);
	}
	/* Their later fragments (offset 16): only the newest are known. */
	for (i = 0; i < nfrag; i++) {
		o = eth(f, 0x0800);
		ip4(f + o, IPPROTO_UDP, 8, (uint16_t)i, 2,
		    0x0a000000u | (i >> 16), 0xac100001u);
		memset(f + o + 20, 0xee, 8);
		dec(d, DLT_EN10MB, f, o + 28, o + 28, &p);
	}
	/*
	 * Later fragments of datagrams never seen at all, between addresses
	 * never seen either: handed out by their addresses alone.
	 */
	for (i = 0; i < nfrag; i++) {
		o = eth(f, 0x0800);
		ip4(f + o, IPPROTO_TCP, 8, (uint16_t)i, 0x2000 | 100,
		    0xc0000200u, 0xac100002u);
		ck_assert_int_eq(dec(d, DLT_EN10MB, f, o + 28, o + 28, &p),
		    DECODE_OK);
		ck_assert(p.flags & PKT_F_NO_PORTS);
	}
	hwm1 = vm_hwm_kb();
	st = decode_stats(d);
	ck_assert_uint_ge(st->fragments, nfrag);
	/*
	 * The table holds slots entries: the rest are orphans, or take the
	 * ports of the latest datagram between their addresses.
	 */
	ck_assert_uint_ge(st->frag_orphans, nfrag);
	ck_assert_uint_ge(st->frag_orphans + st->frag_by_pair,
	    2 * nfrag - slots);
	ck_assert_uint_eq(st->reason[DR_FRAG_ORPHAN], 0);
	assert_counts_add_up(d);
	fprintf(stderr, "fragment flood: %u datagrams, %u slots, %llu "
	    "orphans, %llu by address pair, VmHWM +%ld kB\n", nfrag, slots,
	    (unsigned long long)st->frag_orphans,
	    (unsigned long long)st->frag_by_pair, hwm1 - hwm0);
	if (!UNDER_ASAN)
		ck_assert_int_le(hwm1 - hwm0, HWM_NOISE_KB);
	decode_free(d);
}
END_TEST

START_TEST(test_hostile_tcp_absurd_options)
{
	struct decoder *d = decode_new(16);
	uint8_t f[200];
	struct pkt p;
	uint32_t o, t;
	int doff;

	ck_assert_ptr_nonnull(d);
	for (doff = 0; doff < 16; doff++) {
		/* Data offset doff, the segment only as long as 20 bytes. */
		o = eth(f, 0x0800);
		ip4(f + o, IPPROTO_TCP, 20, 1, 0, 0x0a000001u, 0x0a000002u);
		t = o + 20;
		memset(f + t, 0, 20);
		f[t + 12] = (uint8_t)(doff << 4);
		f[t + 13] = CRAFT_SYN;
		if (doff == 5)
			ck_assert_int_eq(dec(d, DLT_EN10MB, f, t + 20, t + 20,
			    &p), DECODE_OK);
		else
			ck_assert_int_eq(dec(d, DLT_EN10MB, f, t + 20, t + 20,
			    &p), DECODE_ERR);
	}
	ck_assert_uint_eq(decode_stats(d)->reason[DR_TCP_HLEN], 15);
	/* 40 bytes of options claiming lengths 0 and 255, then EOL. */
	o = eth(f, 0x0800);
	ip4(f + o, IPPROTO_TCP, 60, 1, 0, 0x0a000001u, 0x0a000002u);
	t = o + 20;
	memset(f + t, 0, 60);
	f[t + 12] = 0xf0;
	f[t + 13] = CRAFT_SYN;
	f[t + 20] = 2; f[t + 21] = 0;		/* MSS, length 0 */
	f[t + 22] = 3; f[t + 23] = 255;		/* window scale, length 255 */
	memset(f + t + 24, 1, 35);		/* NOPs */
	f[t + 59] = 8;				/* a timestamp, cut */
	ck_assert_int_eq(dec(d, DLT_EN10MB, f, t + 60, t + 60, &p), DECODE_OK);
	ck_assert_uint_eq(p.paylen, 0);
	/*
	 * The same header cut by the snap length inside the options: the
	 * ports are still good, flagged as cut, no payload.
	 */
	ck_assert_int_eq(dec(d, DLT_EN10MB, f, t + 30, t + 60, &p),
	    DECODE_OK);
	ck_assert(p.flags & PKT_F_L4_TRUNC);
	ck_assert_uint_eq(p.paylen, 0);
	/* The TCP header cut before the data offset. */
	ck_assert_int_eq(dec(d, DLT_EN10MB, f, t + 11, t + 60, &p),
	    DECODE_ERR);
	ck_assert_uint_eq(decode_stats(d)->reason[DR_TCP_SHORT] +
	    decode_stats(d)->reason[DR_TCP_HLEN], 16);
	assert_counts_add_up(d);
	decode_free(d);
}
END_TEST

START_TEST(test_hostile_vlan_stack)
{
	struct decoder *d = decode_new(16);
	uint8_t f[2048];
	struct pkt p;
	uint32_t o;
	int depth, k;

	ck_assert_ptr_nonnull(d);
	for (depth = 1; depth <= 300; depth += (depth < 10 ? 1 : 37)) {
		o = 12;
		memcpy(f, mac_b, 6);
		memcpy(f + 6, mac_a, 6);
		for (k = 0; k < depth; k++) {
			f[o] = k & 1 ? 0x81 : 0x88;
			f[o + 1] = k & 1 ? 0x00 : 0xa8;
			f[o + 2] = 0;
			f[o + 3] = (uint8_t)(k + 1);
			o += 4;
		}
		f[o] = 0x08;
		f[o + 1] = 0x00;
		o += 2;
		ip4(f + o, IPPROTO_UDP, 8, 1, 0, 0x0a000001u, 0x0a000002u);
		memset(f + o + 20, 0, 8);
		f[o + 25] = 8;
		if (depth <= DECODE_MAX_VLANS)
			ck_assert_int_eq(dec(d, DLT_EN10MB, f, o + 28, o + 28,
			    &p), DECODE_OK);
		else
			ck_assert_int_eq(dec(d, DLT_EN10MB, f, o + 28, o + 28,
			    &p), DECODE_ERR);
		/* The stack cut in the middle of a tag. */
		ck_assert_int_eq(dec(d, DLT_EN10MB, f, 12 + 4 * (depth - 1) +
		    2, o + 28, &p), depth <= DECODE_MAX_VLANS ? DECODE_ERR :
		    DECODE_ERR);
	}
	ck_assert_uint_gt(decode_stats(d)->reason[DR_VLAN_DEPTH], 0);
	ck_assert_uint_gt(decode_stats(d)->reason[DR_VLAN_SHORT], 0);
	assert_counts_add_up(d);
	decode_free(d);
}
END_TEST

/*
 * GRE in GRE ... (RFC 2784, protocol 0x0800 inside) and VXLAN in VXLAN
 * (RFC 7348) nested depth times around a UDP datagram.
 */
static uint32_t
nest(uint8_t *f, int vxlan, int depth)
{
	uint32_t hdr = vxlan ? 20 + 8 + 8 + 14 : 20 + 4, o, inner, k;

	o = eth(f, 0x0800);
	inner = 28;
	for (k = 0; k < (uint32_t)depth; k++) {
		uint32_t rest = (uint32_t)(depth - 1 - k) * hdr + inner;

		if (vxlan) {
			ip4(f + o, IPPROTO_UDP, 8 + 8 + 14 + rest, 1, 0,
			    0x0a000001u, 0x0a000002u);
			o += 20;
			memset(f + o, 0, 8);
			f[o] = 0xc0; f[o + 1] = 0x00;	/* source port */
			f[o + 2] = 0x12; f[o + 3] = 0xb5; /* 4789 */
			f[o + 4] = (uint8_t)((8 + 8 + 14 + rest) >> 8);
			f[o + 5] = (uint8_t)(8 + 8 + 14 + rest);
			o += 8;
			memset(f + o, 0, 8);
			f[o] = 0x08;			/* I: VNI valid */
			f[o + 6] = 1;
			o += 8;
			o += eth(f + o, 0x0800);
		} else {
			ip4(f + o, 47, 4 + rest, 1, 0, 0x0a000001u,
			    0x0a000002u);
			o += 20;
			f[o] = 0; f[o + 1] = 0;		/* no flags, v0 */
			f[o + 2] = 0x08; f[o + 3] = 0x00;
			o += 4;
		}
	}
	ip4(f + o, IPPROTO_UDP, 8, 1, 0, 0x0a000003u, 0x0a000004u);
	memset(f + o + 20, 0, 8);
	f[o + 21] = 99;
	f[o + 23] = 98;
	f[o + 25] = 8;
	return o + 28;
}

START_TEST(test_hostile_tunnel_nesting)
{
	struct decoder *d = decode_new(16);
	static uint8_t f[65536];
	struct pkt p;
	uint32_t n;
	int vxlan, depth;
	char path[64];
	struct conf *c = flood_conf(1024, path, sizeof(path));
	struct pipeline *pl = pipeline_new(c, NULL, NULL);

	ck_assert_ptr_nonnull(d);
	ck_assert_ptr_nonnull(pl);
	for (vxlan = 0; vxlan < 2; vxlan++)
		for (depth = 1; depth <= 200; depth += depth < 8 ? 1 : 48) {
			n = nest(f, vxlan, depth);
			ck_assert_uint_le(n, sizeof(f));
			/*
			 * Deeper than accepted, the innermost tunnel opened
			 * is handed out, with the ones around it.
			 */
			ck_assert_int_eq(dec(d, DLT_EN10MB, f, n, n, &p),
			    DECODE_OK);
			ck_assert_uint_eq(p.nouter, depth <= DECODE_MAX_TUNNEL ?
			    depth : DECODE_MAX_TUNNEL);
			if (depth <= DECODE_MAX_TUNNEL) {
				ck_assert(p.flags & PKT_F_TUNNEL);
				ck_assert_uint_eq(p.dport, 98);
			} else
				ck_assert(p.flags & PKT_F_INNER_BAD);
			/*
			 * Every nesting cut short at every 7th byte, to the
			 * decoder and down the pipeline, where each tunnel
			 * around the packet is a flow of its own.
			 */
			feed(pl, DLT_EN10MB, T0, f, n, n);
			for (uint32_t cut = 0; cut < n && cut < 2048; cut += 7) {
				dec(d, DLT_EN10MB, f, cut, n, &p);
				feed(pl, DLT_EN10MB, T0 + cut, f, cut, n);
			}
		}
	ck_assert_uint_gt(decode_stats(d)->inner[DR_TUNNEL_DEPTH], 0);
	assert_counts_add_up(d);
	ck_assert_uint_gt(decode_stats(pipeline_decoder(pl))->
	    inner[DR_TUNNEL_DEPTH], 0);
	/* The outermost tunnel 10.0.0.1 -> 10.0.0.2 and what is inside. */
	ck_assert_uint_ge(flowtab_stats(pipeline_flowtab(pl))->created, 3);
	pipeline_flush(pl);
	pipeline_free(pl);
	conf_free(c);
	unlink(path);
	decode_free(d);
}
END_TEST

START_TEST(test_hostile_frame_sizes)
{
	static const int dlts[] = { 0, 1, 12, 101, 108, 113, 228, 229, 276 };
	const uint32_t max = 262144;	/* libpcap's largest snap length */
	struct decoder *d = decode_new(16);
	uint8_t *f = calloc(1, max);
	struct pkt p;
	uint32_t o;
	size_t i;

	ck_assert_ptr_nonnull(d);
	ck_assert_ptr_nonnull(f);
	/* Zero bytes captured, for every link type and an unknown one. */
	for (i = 0; i < sizeof(dlts) / sizeof(dlts[0]); i++)
		ck_assert_int_eq(dec(d, dlts[i], f, 0, 60, &p), DECODE_ERR);
	ck_assert_int_eq(dec(d, 147, f, 0, 0, &p), DECODE_ERR);
	ck_assert_uint_eq(decode_stats(d)->reason[DR_ETH_SHORT], 1);
	ck_assert_uint_eq(decode_stats(d)->reason[DR_NULL_SHORT], 2);
	ck_assert_uint_eq(decode_stats(d)->reason[DR_SLL_SHORT], 2);
	ck_assert_uint_eq(decode_stats(d)->reason[DR_LINKTYPE], 1);
	/* The longest frame: a 65535-byte IPv4 datagram, then padding. */
	o = eth(f, 0x0800);
	ip4(f + o, IPPROTO_UDP, 65535 - 20, 1, 0, 0x0a000001u, 0x0a000002u);
	f[o + 20] = 0x13; f[o + 21] = 0x88;
	f[o + 22] = 0x17; f[o + 23] = 0x70;
	f[o + 24] = 0xff; f[o + 25] = 0xeb;	/* 65515 */
	ck_assert_int_eq(dec(d, DLT_EN10MB, f, max, max, &p), DECODE_OK);
	ck_assert_uint_eq(p.paylen, 65535 - 28);
	/* The same, snapped at 1514 bytes of it. */
	ck_assert_int_eq(dec(d, DLT_EN10MB, f, 1514, max, &p), DECODE_OK);
	ck_assert_uint_le(p.paylen, 1514 - 42);
	/* Garbage of every size up to a few hundred bytes, all link types. */
	for (o = 0; o < 300; o++)
		f[o] = (uint8_t)rnd();
	for (i = 0; i < sizeof(dlts) / sizeof(dlts[0]); i++)
		for (o = 0; o < 300; o++)
			dec(d, dlts[i], f, o, o, &p);
	assert_counts_add_up(d);
	free(f);
	decode_free(d);
}
END_TEST

/* The storm's outputs: counted, and the largest burst per second. */
struct storm {
	uint64_t lines, summaries;
};

static void
storm_out(const struct alert *a, void *arg)
{
	struct storm *s = arg;

	s->lines++;
	if (a->repeat)
		s->summaries++;
}

START_TEST(test_hostile_alert_storm)
{
	struct alert_conf ac;
	struct alert_ctx *al;
	struct storm out = { 0, 0 };
	const struct alert_stats *st;
	struct violation v;
	uint64_t gen = 0, ts, emitted_before_flush;
	const uint32_t secs = 20, per_sec = 5000;
	uint32_t s, k, a;
	long hwm0, hwm1;

	alert_conf_defaults(&ac);
	ac.window = 5;
	ac.max_keys = 1024;
	ac.rate = 100;
	ac.burst = 500;
	ck_assert_ptr_nonnull(al = alert_new(&ac, storm_out, &out));
	memset(&v, 0, sizeof(v));
	v.kind = POLICY_UNDOCUMENTED_FLOW;
	v.severity = 5;
	v.rule_id = "XP-TEST";
	v.rule_name = "storm";
	v.section = "test";
	v.nist = "SC-7";
	v.transport = IPPROTO_TCP;
	v.host_name = "";
	hwm0 = 0;
	/*
	 * 5,000 violations per second of packet time for 20 s: three in
	 * four distinct (a new client each), one in four a repeat of one
	 * of 64 recent keys, so de-duplication, eviction of the oldest key
	 * and the rate limit all work at once.
	 */
	for (s = 0; s < secs; s++) {
		/*
		 * After the first second every key is taken (entries are
		 * touched as windows open): from then on nothing may grow.
		 */
		if (s == 1) {
			ck_assert_uint_gt(alert_stats(al)->evicted, 0);
			hwm0 = vm_hwm_kb();
		}
		for (k = 0; k < per_sec; k++) {
			ts = T0 + (uint64_t)s * 1000000u +
			    (uint64_t)k * (1000000u / per_sec);
			a = (k & 3) == 3 ? (uint32_t)(gen % 64) :
			    (uint32_t)gen + 1000;
			memset(&v.client, 0, sizeof(v.client));
			v.client.addr.b[10] = v.client.addr.b[11] = 0xff;
			v.client.addr.b[12] = 10;
			v.client.addr.b[13] = (uint8_t)(a >> 16);
			v.client.addr.b[14] = (uint8_t)(a >> 8);
			v.client.addr.b[15] = (uint8_t)a;
			v.server.port = 4444;
			v.ts = ts;
			alert_violation(&v, al);
			gen++;
			if (k % 1000 == 0)
				alert_expire(al, ts);
		}
	}
	emitted_before_flush = alert_stats(al)->emitted;
	alert_flush(al);
	hwm1 = vm_hwm_kb();
	st = alert_stats(al);
	fprintf(stderr, "alert storm: %llu violations, %llu emitted "
	    "(%llu repeat summaries of %llu made), %llu suppressed, %llu "
	    "rate-limited, %llu keys evicted\n",
	    (unsigned long long)st->violations,
	    (unsigned long long)st->emitted, (unsigned long long)st->repeats,
	    (unsigned long long)st->summaries,
	    (unsigned long long)st->suppressed,
	    (unsigned long long)st->rate_limited,
	    (unsigned long long)st->evicted);
	ck_assert_uint_eq(st->violations, gen);
	/* Every violation and summary ends as exactly one outcome. */
	ck_assert_uint_eq(st->violations + st->summaries,
	    st->emitted + st->suppressed + st->rate_limited);
	ck_assert_uint_eq(st->emitted, out.lines);
	ck_assert_uint_eq(st->repeats, out.summaries);
	/* Each mechanism took part. */
	ck_assert_uint_gt(st->suppressed, 0);
	ck_assert_uint_gt(st->rate_limited, 0);
	ck_assert_uint_gt(st->evicted, 0);
	/* The rate limit held: burst + rate per second of packet time. */
	ck_assert_uint_le(emitted_before_flush, ac.burst +
	    (uint64_t)ac.rate * secs + 1);
	/* Bounded: nothing grew with the storm. */
	if (!UNDER_ASAN)
		ck_assert_int_le(hwm1 - hwm0, HWM_NOISE_KB);
	alert_free(al);
}
END_TEST

static Suite *
hostile_suite(void)
{
	Suite *s = suite_create("hostile");
	TCase *tc = tcase_create("core");

	/* The flood runs for seconds (longer under sanitizers). */
	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, test_hostile_syn_flood);
	tcase_add_test(tc, test_hostile_fragment_flood);
	tcase_add_test(tc, test_hostile_tcp_absurd_options);
	tcase_add_test(tc, test_hostile_vlan_stack);
	tcase_add_test(tc, test_hostile_tunnel_nesting);
	tcase_add_test(tc, test_hostile_frame_sizes);
	tcase_add_test(tc, test_hostile_alert_storm);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(hostile_suite());
	int nfailed;

	srunner_run_all(sr, CK_NORMAL);
	nfailed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nfailed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

/*
 * check_classify.c - unit tests of the nDPI driver (src/classify.c): the
 * detection sequence, giving up, guessing, the state pool and its
 * reclaiming, names.  Packets are crafted IP datagrams handed over as the
 * decoder would (struct pkt) for a hand-built struct flow.
 */
#include <check.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ndpi_api.h>

#include "classify.h"
#include "craft.h"
#include "check_run.h"

/* One side-by-side conversation: the flow and what craft_ip needs. */
struct conv {
	struct flow f;
	char caddr[ADDR_STRLEN], saddr[ADDR_STRLEN];
	uint32_t seq[2];	/* next sequence number per direction */
	uint64_t ts;		/* microseconds, advanced per packet */
	uint8_t buf[2048];
	struct pkt p;
};

static void
conv_init(struct conv *cv, const char *caddr, uint16_t cport,
    const char *saddr, uint16_t sport, uint8_t proto)
{
	memset(cv, 0, sizeof(*cv));
	snprintf(cv->caddr, sizeof(cv->caddr), "%s", caddr);
	snprintf(cv->saddr, sizeof(cv->saddr), "%s", saddr);
	ck_assert_int_eq(addr_parse(caddr, &cv->f.addr[FLOW_C2S]), 0);
	ck_assert_int_eq(addr_parse(saddr, &cv->f.addr[FLOW_S2C]), 0);
	cv->f.port[FLOW_C2S] = cport;
	cv->f.port[FLOW_S2C] = sport;
	cv->f.proto = proto;
	cv->f.ipver = strchr(caddr, ':') != NULL ? 6 : 4;
	cv->seq[0] = 1000;
	cv->seq[1] = 50000;
	cv->ts = UINT64_C(1700000000000000);
}

/*
 * Builds one packet of cv in direction dir (FLOW_C2S or FLOW_S2C) into
 * cv->p, as decode_packet() would describe it.
 */
static const struct pkt *
conv_pkt(struct conv *cv, int dir, uint8_t flags, const void *data,
    size_t len)
{
	struct craft_spec s;
	struct pkt *p = &cv->p;
	size_t n, hl;

	memset(&s, 0, sizeof(s));
	s.src = dir == FLOW_C2S ? cv->caddr : cv->saddr;
	s.dst = dir == FLOW_C2S ? cv->saddr : cv->caddr;
	s.sport = cv->f.port[dir];
	s.dport = cv->f.port[!dir];
	s.proto = cv->f.proto;
	s.tcp_flags = flags;
	s.seq = cv->seq[dir];
	s.ack = (flags & CRAFT_ACK) ? cv->seq[!dir] : 0;
	s.payload = data;
	s.plen = len;
	n = craft_ip(cv->buf, sizeof(cv->buf), &s);
	ck_assert_uint_gt(n, 0);
	if (cv->f.proto == IPPROTO_TCP)
		cv->seq[dir] += (uint32_t)len + ((flags & CRAFT_SYN) ? 1 : 0);

	memset(p, 0, sizeof(*p));
	cv->ts += 1000;
	p->ts = cv->ts;
	p->ipver = cv->f.ipver;
	p->proto = cv->f.proto;
	p->tcp_flags = cv->f.proto == IPPROTO_TCP ? flags : 0;
	p->src = cv->f.addr[dir];
	p->dst = cv->f.addr[!dir];
	p->sport = cv->f.port[dir];
	p->dport = cv->f.port[!dir];
	p->ip_len = (uint32_t)n;
	p->caplen = p->len = (uint32_t)n;
	p->l3 = cv->buf;
	p->l3len = (uint32_t)n;
	hl = (cv->f.ipver == 6 ? 40 : 20) +
	    (cv->f.proto == IPPROTO_TCP ? 20 : 8);
	p->payload = cv->buf + hl;
	p->paylen = (uint32_t)len;
	cv->f.pkts[dir]++;
	return p;
}

/*
 * Sends one packet of cv to the classifier; returns classify_packet()'s
 * events (CLASSIFY_EV_*).
 */
static int
conv_send(struct classify *c, uint32_t slot, struct conv *cv, int dir,
    uint8_t flags, const void *data, size_t len)
{
	const struct pkt *p = conv_pkt(cv, dir, flags, data, len);

	return classify_packet(c, slot, &cv->f, p, dir);
}

/* SYN, SYN+ACK, ACK. */
static void
handshake(struct classify *c, uint32_t slot, struct conv *cv)
{
	ck_assert_int_eq(conv_send(c, slot, cv, FLOW_C2S, CRAFT_SYN, NULL, 0), 0);
	ck_assert_int_eq(conv_send(c, slot, cv, FLOW_S2C, CRAFT_SYN | CRAFT_ACK,
	    NULL, 0), 0);
	ck_assert_int_eq(conv_send(c, slot, cv, FLOW_C2S, CRAFT_ACK, NULL, 0), 0);
}

static struct classify *
new_classifier(unsigned max_packets, unsigned max_flows, uint32_t nslots)
{
	struct classify_conf conf;
	struct classify *c;

	classify_conf_defaults(&conf);
	if (max_packets)
		conf.max_packets = max_packets;
	if (max_flows)
		conf.max_flows = max_flows;
	c = classify_new(&conf, nslots);
	ck_assert_ptr_nonnull(c);
	return c;
}

static const char http_get[] =
    "GET /index.html HTTP/1.1\r\n"
    "Host: example.org\r\n"
    "User-Agent: check/1.0\r\n"
    "Accept: */*\r\n"
    "\r\n";
static const char http_resp[] =
    "HTTP/1.1 200 OK\r\n"
    "Content-Type: text/html\r\n"
    "Content-Length: 5\r\n"
    "\r\n"
    "hello";

START_TEST(test_classify_conf_defaults)
{
	struct classify_conf conf;

	classify_conf_defaults(&conf);
	ck_assert_uint_eq(conf.max_packets, 32);
	ck_assert_uint_eq(conf.max_flows, 65536);
	ck_assert_uint_eq(conf.max_rtsp, 1024);
}
END_TEST

START_TEST(test_classify_new_rejects_bad_conf)
{
	struct classify_conf conf;

	classify_conf_defaults(&conf);
	conf.max_packets = 0;
	ck_assert_ptr_null(classify_new(&conf, 16));
	conf.max_packets = 256;	/* dpi_packets is a uint8_t */
	ck_assert_ptr_null(classify_new(&conf, 16));
	classify_conf_defaults(&conf);
	conf.max_flows = 0;
	ck_assert_ptr_null(classify_new(&conf, 16));
	classify_conf_defaults(&conf);
	ck_assert_ptr_null(classify_new(&conf, 0));
}
END_TEST

START_TEST(test_classify_http_detected_and_released)
{
	struct classify *c = new_classifier(0, 0, 16);
	const struct classify_result *r;
	const struct classify_stats *st;
	struct conv cv;
	char name[64];
	uint64_t dpi_ns;

	conv_init(&cv, "192.0.2.10", 40000, "198.51.100.20", 80, IPPROTO_TCP);
	classify_flow_new(c, 3);
	r = classify_get(c, 3);
	ck_assert_int_eq(r->state, CLASSIFY_PENDING);
	handshake(c, 3, &cv);
	/* The handshake's final ACK is a pure ACK: not given to nDPI. */
	ck_assert_uint_eq(r->dpi_packets, 2);
	/*
	 * HTTP is known after the request, host name and all: the response
	 * nDPI would still like to see adds nothing the policy uses.
	 */
	ck_assert_int_eq(conv_send(c, 3, &cv, FLOW_C2S, CRAFT_ACK | CRAFT_PSH,
	    http_get, strlen(http_get)), CLASSIFY_EV_FINAL);
	ck_assert_int_eq(r->state, CLASSIFY_DETECTED);
	ck_assert_uint_eq(r->master, NDPI_PROTOCOL_HTTP);
	ck_assert_uint_eq(r->app, 0);
	ck_assert_str_eq(r->host, "example.org");
	ck_assert_uint_eq(r->dpi_packets, 3);
	ck_assert_str_eq(classify_proto_name(c, r, name, sizeof(name)),
	    "HTTP");
	st = classify_stats(c);
	ck_assert_uint_eq(st->pool_used, 0);
	ck_assert_uint_eq(st->pool_peak, 1);
	ck_assert_uint_eq(st->detected, 1);
	ck_assert_uint_eq(st->dpi_packets, 3);
	/* Three nDPI calls took some time, and well under a second. */
	dpi_ns = st->dpi_ns;
	ck_assert_uint_gt(dpi_ns, 0);
	ck_assert_uint_lt(dpi_ns, 1000000000u);

	/* Final: more packets (the response) are not looked at. */
	ck_assert_int_eq(conv_send(c, 3, &cv, FLOW_S2C, CRAFT_ACK | CRAFT_PSH,
	    http_resp, strlen(http_resp)), 0);
	ck_assert_uint_eq(r->dpi_packets, 3);
	ck_assert_uint_eq(st->dpi_packets, 3);
	/* ... nor timed: no nDPI call was made. */
	ck_assert_uint_eq(st->dpi_ns, dpi_ns);
	classify_flow_end(c, 3, &cv.f);
	ck_assert_int_eq(r->state, CLASSIFY_DETECTED);
	ck_assert_uint_eq(st->detected, 1);
	classify_free(c);
}
END_TEST

/*
 * A TLS 1.2 ClientHello (RFC 5246, section 7.4.1.2) with one cipher suite
 * and a server_name extension (RFC 6066, section 3) for name.
 */
static size_t
client_hello(uint8_t *b, const char *name)
{
	size_t nl = strlen(name), ext = 9 + nl, hs = 2 + 32 + 1 + 4 + 2 + 2 +
	    ext, i = 0;

	b[i++] = 0x16;			/* handshake */
	b[i++] = 0x03, b[i++] = 0x01;
	b[i++] = (uint8_t)((hs + 4) >> 8), b[i++] = (uint8_t)(hs + 4);
	b[i++] = 0x01;			/* client_hello */
	b[i++] = 0, b[i++] = (uint8_t)(hs >> 8), b[i++] = (uint8_t)hs;
	b[i++] = 0x03, b[i++] = 0x03;	/* TLS 1.2 */
	memset(b + i, 0x5a, 32);	/* random */
	i += 32;
	b[i++] = 0;			/* session id */
	b[i++] = 0, b[i++] = 2, b[i++] = 0xc0, b[i++] = 0x2f;
	b[i++] = 1, b[i++] = 0;		/* compression: null */
	b[i++] = (uint8_t)(ext >> 8), b[i++] = (uint8_t)ext;
	b[i++] = 0, b[i++] = 0;		/* server_name */
	b[i++] = (uint8_t)((nl + 5) >> 8), b[i++] = (uint8_t)(nl + 5);
	b[i++] = (uint8_t)((nl + 3) >> 8), b[i++] = (uint8_t)(nl + 3);
	b[i++] = 0;			/* host_name */
	b[i++] = (uint8_t)(nl >> 8), b[i++] = (uint8_t)nl;
	memcpy(b + i, name, nl);
	return i + nl;
}

START_TEST(test_classify_tls_sni)
{
	struct classify *c = new_classifier(0, 0, 4);
	const struct classify_result *r;
	uint8_t hello[256];
	struct conv cv;
	size_t n;
	char name[64];

	conv_init(&cv, "192.0.2.10", 40001, "198.51.100.20", 443, IPPROTO_TCP);
	classify_flow_new(c, 0);
	handshake(c, 0, &cv);
	n = client_hello(hello, "cam7.vms.example");
	ck_assert_int_eq(conv_send(c, 0, &cv, FLOW_C2S, CRAFT_ACK | CRAFT_PSH,
	    hello, n), 0);
	r = classify_get(c, 0);
	/* Known, but nDPI waits for the server's certificate. */
	ck_assert_int_eq(r->state, CLASSIFY_PENDING);
	ck_assert_uint_eq(r->master, NDPI_PROTOCOL_TLS);
	ck_assert_uint_eq(classify_stats(c)->pool_used, 1);

	/* The flow ends first: the detection stands, with the SNI. */
	classify_flow_end(c, 0, &cv.f);
	ck_assert_int_eq(r->state, CLASSIFY_DETECTED);
	ck_assert_uint_eq(r->master, NDPI_PROTOCOL_TLS);
	ck_assert_uint_eq(r->app, 0);
	ck_assert_str_eq(r->host, "cam7.vms.example");
	ck_assert_uint_eq(r->dpi_packets, 3);
	ck_assert_str_eq(classify_proto_name(c, r, name, sizeof(name)), "TLS");
	ck_assert_uint_eq(classify_stats(c)->pool_used, 0);
	ck_assert_uint_eq(classify_stats(c)->detected, 1);
	ck_assert_uint_eq(classify_stats(c)->gave_up, 0);
	classify_free(c);
}
END_TEST

START_TEST(test_classify_tls_sni_application)
{
	struct classify *c = new_classifier(0, 0, 4);
	const struct classify_result *r;
	uint8_t hello[256];
	struct conv cv;
	size_t n;
	char name[64];

	conv_init(&cv, "192.0.2.10", 40002, "198.51.100.21", 443, IPPROTO_TCP);
	classify_flow_new(c, 1);
	handshake(c, 1, &cv);
	n = client_hello(hello, "www.google.com");
	conv_send(c, 1, &cv, FLOW_C2S, CRAFT_ACK | CRAFT_PSH, hello, n);
	classify_flow_end(c, 1, &cv.f);
	r = classify_get(c, 1);
	ck_assert_int_eq(r->state, CLASSIFY_DETECTED);
	ck_assert_uint_eq(r->master, NDPI_PROTOCOL_TLS);
	ck_assert_uint_eq(r->app, NDPI_PROTOCOL_GOOGLE);
	ck_assert_str_eq(r->host, "www.google.com");
	ck_assert_str_eq(classify_proto_name(c, r, name, sizeof(name)),
	    "TLS.Google");
	classify_free(c);
}
END_TEST

/* A DNS query (RFC 1035, section 4.1) for example.org, type A. */
static const uint8_t dns_query[] = {
	0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'o', 'r', 'g', 0,
	0x00, 0x01, 0x00, 0x01,
};
/* Its answer: 192.0.2.1, TTL 60. */
static const uint8_t dns_answer[] = {
	0x12, 0x34, 0x81, 0x80, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
	7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'o', 'r', 'g', 0,
	0x00, 0x01, 0x00, 0x01,
	0xc0, 0x0c, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x3c,
	0x00, 0x04, 192, 0, 2, 1,
};

START_TEST(test_classify_dns_over_ipv6)
{
	struct classify *c = new_classifier(0, 0, 4);
	const struct classify_result *r;
	struct conv cv;

	conv_init(&cv, "2001:db8::10", 53000, "2001:db8::53", 53, IPPROTO_UDP);
	classify_flow_new(c, 2);
	/* DNS and the name asked for, from the query alone. */
	ck_assert_int_eq(conv_send(c, 2, &cv, FLOW_C2S, 0, dns_query,
	    sizeof(dns_query)), CLASSIFY_EV_FINAL);
	r = classify_get(c, 2);
	ck_assert_int_eq(r->state, CLASSIFY_DETECTED);
	ck_assert_uint_eq(r->master, NDPI_PROTOCOL_DNS);
	ck_assert_uint_eq(r->app, 0);
	ck_assert_str_eq(r->host, "example.org");
	ck_assert_uint_eq(r->dpi_packets, 1);
	ck_assert_uint_eq(classify_stats(c)->pool_used, 0);
	/* The answer is not looked at any more. */
	ck_assert_int_eq(conv_send(c, 2, &cv, FLOW_S2C, 0, dns_answer,
	    sizeof(dns_answer)), 0);
	ck_assert_uint_eq(r->dpi_packets, 1);
	classify_free(c);
}
END_TEST

START_TEST(test_classify_unknown_gives_up_at_max_packets)
{
	struct classify *c = new_classifier(6, 0, 4);
	const struct classify_result *r;
	const struct classify_stats *st;
	uint8_t junk[64];
	struct conv cv;
	int i;

	/* Bytes no dissector claims, between two unassigned ports. */
	for (i = 0; i < (int)sizeof(junk); i++)
		junk[i] = (uint8_t)(0x80 + (i * 37) % 97);
	conv_init(&cv, "192.0.2.10", 47001, "198.51.100.20", 47002,
	    IPPROTO_TCP);
	classify_flow_new(c, 1);
	handshake(c, 1, &cv);
	r = classify_get(c, 1);
	for (i = 0; i < 3; i++)
		ck_assert_int_eq(conv_send(c, 1, &cv, i & 1, CRAFT_ACK | CRAFT_PSH,
		    junk, sizeof(junk)), 0);
	ck_assert_int_eq(r->state, CLASSIFY_PENDING);
	ck_assert_uint_eq(r->dpi_packets, 5);
	/* The sixth packet given to nDPI reaches the cap. */
	ck_assert_int_eq(conv_send(c, 1, &cv, FLOW_S2C, CRAFT_ACK | CRAFT_PSH,
	    junk, sizeof(junk)), CLASSIFY_EV_FINAL);
	ck_assert_int_eq(r->state, CLASSIFY_UNKNOWN);
	ck_assert_uint_eq(r->master, 0);
	ck_assert_uint_eq(r->app, 0);
	ck_assert_uint_eq(r->dpi_packets, 6);
	st = classify_stats(c);
	ck_assert_uint_eq(st->gave_up, 1);
	ck_assert_uint_eq(st->unknown, 1);
	ck_assert_uint_eq(st->pool_used, 0);
	ck_assert_uint_eq(st->dpi_packets, 6);

	ck_assert_int_eq(conv_send(c, 1, &cv, FLOW_C2S, CRAFT_ACK | CRAFT_PSH,
	    junk, sizeof(junk)), 0);
	ck_assert_uint_eq(r->dpi_packets, 6);
	ck_assert_uint_eq(st->dpi_packets, 6);
	classify_flow_end(c, 1, &cv.f);
	ck_assert_int_eq(r->state, CLASSIFY_UNKNOWN);
	ck_assert_uint_eq(st->unknown, 1);
	classify_free(c);
}
END_TEST

START_TEST(test_classify_gives_up_with_port_guess)
{
	struct classify *c = new_classifier(4, 0, 4);
	const struct classify_result *r;
	uint8_t junk[40];
	struct conv cv;
	int i;

	memset(junk, 0xee, sizeof(junk));
	conv_init(&cv, "192.0.2.10", 47003, "198.51.100.20", 5432,
	    IPPROTO_TCP);
	classify_flow_new(c, 0);
	for (i = 0; i < 3; i++)
		ck_assert_int_eq(conv_send(c, 0, &cv, FLOW_C2S,
		    CRAFT_ACK | CRAFT_PSH, junk, sizeof(junk)), 0);
	ck_assert_int_eq(conv_send(c, 0, &cv, FLOW_C2S, CRAFT_ACK | CRAFT_PSH,
	    junk, sizeof(junk)), CLASSIFY_EV_FINAL);
	r = classify_get(c, 0);
	ck_assert_int_eq(r->state, CLASSIFY_GUESSED);
	ck_assert_uint_eq(r->master, NDPI_PROTOCOL_POSTGRES);
	ck_assert_uint_eq(classify_stats(c)->guessed, 1);
	ck_assert_uint_eq(classify_stats(c)->gave_up, 1);
	classify_free(c);
}
END_TEST

START_TEST(test_classify_pure_acks_guessed_by_port)
{
	struct classify *c = new_classifier(0, 0, 4);
	const struct classify_result *r;
	const struct classify_stats *st;
	struct conv cv;
	char name[64];
	int i;

	/* Seen mid-stream, nothing but ACKs: nDPI never sees a packet. */
	conv_init(&cv, "192.0.2.10", 47004, "198.51.100.20", 5432,
	    IPPROTO_TCP);
	classify_flow_new(c, 2);
	for (i = 0; i < 5; i++)
		ck_assert_int_eq(conv_send(c, 2, &cv, i & 1, CRAFT_ACK, NULL, 0), 0);
	r = classify_get(c, 2);
	st = classify_stats(c);
	ck_assert_uint_eq(r->dpi_packets, 0);
	ck_assert_uint_eq(st->pool_peak, 0);
	classify_flow_end(c, 2, &cv.f);
	ck_assert_int_eq(r->state, CLASSIFY_GUESSED);
	ck_assert_uint_eq(r->master, NDPI_PROTOCOL_POSTGRES);
	ck_assert_uint_eq(r->app, 0);
	ck_assert_str_eq(classify_proto_name(c, r, name, sizeof(name)),
	    "PostgreSQL");
	ck_assert_uint_eq(st->guessed, 1);
	ck_assert_uint_eq(st->gave_up, 0);
	classify_free(c);
}
END_TEST

START_TEST(test_classify_pool_reclaims_least_recent)
{
	struct classify *c = new_classifier(0, 2, 8);
	const struct classify_stats *st = classify_stats(c);
	struct conv cv[4];
	uint32_t i;

	for (i = 0; i < 4; i++) {
		conv_init(&cv[i], "192.0.2.10", (uint16_t)(41000 + i),
		    "198.51.100.20", 5432, IPPROTO_TCP);
		classify_flow_new(c, i);
	}
	conv_send(c, 0, &cv[0], FLOW_C2S, CRAFT_SYN, NULL, 0);
	conv_send(c, 1, &cv[1], FLOW_C2S, CRAFT_SYN, NULL, 0);
	ck_assert_uint_eq(st->pool_used, 2);
	/* Flow 0 is active again, so flow 1 is now the least recent. */
	conv_send(c, 0, &cv[0], FLOW_S2C, CRAFT_SYN | CRAFT_ACK, NULL, 0);
	conv_send(c, 2, &cv[2], FLOW_C2S, CRAFT_SYN, NULL, 0);

	ck_assert_uint_eq(st->reclaimed, 1);
	ck_assert_uint_eq(st->pool_used, 2);
	ck_assert_uint_eq(st->pool_peak, 2);
	ck_assert_int_eq(classify_get(c, 0)->state, CLASSIFY_PENDING);
	ck_assert_int_eq(classify_get(c, 2)->state, CLASSIFY_PENDING);
	/* The reclaimed flow got nDPI's guess, from its port. */
	ck_assert_int_eq(classify_get(c, 1)->state, CLASSIFY_GUESSED);
	ck_assert_uint_eq(classify_get(c, 1)->master, NDPI_PROTOCOL_POSTGRES);
	ck_assert_uint_eq(classify_get(c, 1)->dpi_packets, 1);
	/* Final: its later packets are not looked at. */
	ck_assert_int_eq(conv_send(c, 1, &cv[1], FLOW_S2C, CRAFT_SYN | CRAFT_ACK,
	    NULL, 0), 0);
	ck_assert_uint_eq(classify_get(c, 1)->dpi_packets, 1);

	conv_send(c, 3, &cv[3], FLOW_C2S, CRAFT_SYN, NULL, 0);
	ck_assert_uint_eq(st->reclaimed, 2);
	ck_assert_int_eq(classify_get(c, 0)->state, CLASSIFY_GUESSED);
	ck_assert_int_eq(classify_get(c, 2)->state, CLASSIFY_PENDING);
	ck_assert_int_eq(classify_get(c, 3)->state, CLASSIFY_PENDING);
	ck_assert_uint_eq(st->guessed, 2);
	classify_free(c);
}
END_TEST

START_TEST(test_classify_flow_end_finalizes_pending)
{
	struct classify *c = new_classifier(0, 0, 4);
	const struct classify_result *r;
	const struct classify_stats *st;
	uint8_t junk[16];
	struct conv cv;

	memset(junk, 0x9c, sizeof(junk));
	conv_init(&cv, "192.0.2.10", 47005, "198.51.100.20", 47006,
	    IPPROTO_UDP);
	classify_flow_new(c, 3);
	ck_assert_int_eq(conv_send(c, 3, &cv, FLOW_C2S, 0, junk, sizeof(junk)), 0);
	st = classify_stats(c);
	ck_assert_uint_eq(st->pool_used, 1);
	/* An active-timeout cut: the result becomes final all the same. */
	classify_flow_end(c, 3, &cv.f);
	r = classify_get(c, 3);
	ck_assert_int_eq(r->state, CLASSIFY_UNKNOWN);
	ck_assert_uint_eq(r->dpi_packets, 1);
	ck_assert_uint_eq(st->pool_used, 0);
	ck_assert_uint_eq(st->unknown, 1);
	ck_assert_uint_eq(st->gave_up, 0);
	/* The flow goes on; DPI does not. */
	ck_assert_int_eq(conv_send(c, 3, &cv, FLOW_C2S, 0, junk, sizeof(junk)), 0);
	ck_assert_uint_eq(r->dpi_packets, 1);
	classify_flow_end(c, 3, &cv.f);
	ck_assert_uint_eq(st->unknown, 1);
	classify_free(c);
}
END_TEST

START_TEST(test_classify_release_resets_slot)
{
	struct classify *c = new_classifier(0, 0, 4);
	const struct classify_result *r = classify_get(c, 1);
	const struct classify_stats *st = classify_stats(c);
	struct conv cv;

	conv_init(&cv, "192.0.2.10", 40000, "198.51.100.20", 80, IPPROTO_TCP);
	classify_flow_new(c, 1);
	handshake(c, 1, &cv);
	ck_assert_uint_eq(st->pool_used, 1);
	/* Released while still in DPI: the state goes back to the pool. */
	classify_flow_release(c, 1);
	ck_assert_uint_eq(st->pool_used, 0);
	ck_assert_int_eq(r->state, CLASSIFY_NONE);
	ck_assert_uint_eq(r->dpi_packets, 0);
	ck_assert_uint_eq(st->detected + st->guessed + st->unknown, 0);

	/* The slot serves a new flow from a clean start. */
	conv_init(&cv, "192.0.2.11", 40001, "198.51.100.20", 80, IPPROTO_TCP);
	classify_flow_new(c, 1);
	ck_assert_int_eq(r->state, CLASSIFY_PENDING);
	handshake(c, 1, &cv);
	conv_send(c, 1, &cv, FLOW_C2S, CRAFT_ACK | CRAFT_PSH, http_get,
	    strlen(http_get));
	conv_send(c, 1, &cv, FLOW_S2C, CRAFT_ACK | CRAFT_PSH, http_resp,
	    strlen(http_resp));
	ck_assert_int_eq(r->state, CLASSIFY_DETECTED);
	ck_assert_str_eq(r->host, "example.org");
	classify_flow_release(c, 1);
	ck_assert_int_eq(r->state, CLASSIFY_NONE);
	ck_assert_str_eq(r->host, "");
	ck_assert_uint_eq(r->master, 0);
	classify_free(c);
}
END_TEST

START_TEST(test_classify_proto_names)
{
	struct classify *c = new_classifier(0, 0, 1);
	struct classify_result r;
	char b[64];

	memset(&r, 0, sizeof(r));
	ck_assert_str_eq(classify_proto_name(c, &r, b, sizeof(b)), "Unknown");
	r.master = NDPI_PROTOCOL_TLS;
	r.app = NDPI_PROTOCOL_GOOGLE;
	ck_assert_str_eq(classify_proto_name(c, &r, b, sizeof(b)),
	    "TLS.Google");
	r.app = 0;
	ck_assert_str_eq(classify_proto_name(c, &r, b, sizeof(b)), "TLS");
	r.master = 0;
	r.app = NDPI_PROTOCOL_HTTP;
	ck_assert_str_eq(classify_proto_name(c, &r, b, sizeof(b)), "HTTP");
	r.master = NDPI_PROTOCOL_HTTP;
	ck_assert_str_eq(classify_proto_name(c, &r, b, sizeof(b)), "HTTP");
	/* Cut to the buffer, always terminated. */
	r.master = NDPI_PROTOCOL_TLS;
	r.app = NDPI_PROTOCOL_GOOGLE;
	ck_assert_str_eq(classify_proto_name(c, &r, b, 5), "TLS.");
	ck_assert_str_eq(classify_id_name(c, NDPI_PROTOCOL_DNS), "DNS");
	ck_assert_str_eq(classify_id_name(c, NDPI_PROTOCOL_POSTGRES),
	    "PostgreSQL");
	classify_free(c);
}
END_TEST

struct risks {
	int n;
	int bit[4];
	char name[4][64];
};

static void
collect_risk(int bit, const char *name, void *arg)
{
	struct risks *rs = arg;

	ck_assert_int_lt(rs->n, 4);
	rs->bit[rs->n] = bit;
	snprintf(rs->name[rs->n], sizeof(rs->name[0]), "%s", name);
	rs->n++;
}

START_TEST(test_classify_risk_foreach)
{
	struct risks rs;

	memset(&rs, 0, sizeof(rs));
	classify_risk_foreach(0, collect_risk, &rs);
	ck_assert_int_eq(rs.n, 0);
	classify_risk_foreach(UINT64_C(1) << NDPI_CLEAR_TEXT_CREDENTIALS |
	    UINT64_C(1) << NDPI_KNOWN_PROTOCOL_ON_NON_STANDARD_PORT |
	    UINT64_C(1) << 63, collect_risk, &rs);
	ck_assert_int_eq(rs.n, 3);
	ck_assert_int_eq(rs.bit[0], NDPI_KNOWN_PROTOCOL_ON_NON_STANDARD_PORT);
	ck_assert_str_eq(rs.name[0], "Known Protocol on Non Standard Port");
	ck_assert_int_eq(rs.bit[1], NDPI_CLEAR_TEXT_CREDENTIALS);
	ck_assert_str_eq(rs.name[1], "Clear-Text Credentials");
	ck_assert_int_eq(rs.bit[2], 63);
	ck_assert_str_eq(rs.name[2], "Unknown risk");
}
END_TEST

START_TEST(test_classify_http_basic_auth_risk)
{
	static const char get[] =
	    "GET /cam/snapshot.jpg HTTP/1.1\r\n"
	    "Host: cam1.example\r\n"
	    "Authorization: Basic YWRtaW46YWRtaW4=\r\n"
	    "\r\n";
	struct classify *c = new_classifier(0, 0, 2);
	const struct classify_result *r;
	struct conv cv;

	conv_init(&cv, "192.0.2.10", 40000, "198.51.100.20", 80, IPPROTO_TCP);
	classify_flow_new(c, 0);
	handshake(c, 0, &cv);
	conv_send(c, 0, &cv, FLOW_C2S, CRAFT_ACK | CRAFT_PSH, get, strlen(get));
	conv_send(c, 0, &cv, FLOW_S2C, CRAFT_ACK | CRAFT_PSH, http_resp,
	    strlen(http_resp));
	r = classify_get(c, 0);
	ck_assert_int_eq(r->state, CLASSIFY_DETECTED);
	ck_assert_str_eq(r->host, "cam1.example");
	ck_assert_uint_eq(r->risk,
	    UINT64_C(1) << NDPI_CLEAR_TEXT_CREDENTIALS);
	classify_free(c);
}
END_TEST

static Suite *
classify_suite(void)
{
	Suite *s = suite_create("classify");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_classify_conf_defaults);
	tcase_add_test(tc, test_classify_new_rejects_bad_conf);
	tcase_add_test(tc, test_classify_http_detected_and_released);
	tcase_add_test(tc, test_classify_tls_sni);
	tcase_add_test(tc, test_classify_tls_sni_application);
	tcase_add_test(tc, test_classify_dns_over_ipv6);
	tcase_add_test(tc, test_classify_unknown_gives_up_at_max_packets);
	tcase_add_test(tc, test_classify_gives_up_with_port_guess);
	tcase_add_test(tc, test_classify_pure_acks_guessed_by_port);
	tcase_add_test(tc, test_classify_pool_reclaims_least_recent);
	tcase_add_test(tc, test_classify_flow_end_finalizes_pending);
	tcase_add_test(tc, test_classify_release_resets_slot);
	tcase_add_test(tc, test_classify_proto_names);
	tcase_add_test(tc, test_classify_risk_foreach);
	tcase_add_test(tc, test_classify_http_basic_auth_risk);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_run(classify_suite());
}

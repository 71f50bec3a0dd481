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

#include "alert.h"
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

/*
 * Evasion: traffic hidden in tunnels or fragments, and forged packet
 * times, must raise what the same traffic raises in the open.  The site
 * is the sample inventory (conf/sample-site.conf) with the shipped rules;
 * the camera is cam001, the Internet end 203.0.113.0/24.
 */
#define CAM	"192.168.50.101"
#define REC	"192.168.10.20"
#define NET_T	"203.0.113.7"	/* a tunnel's far end */
#define NET_S	"203.0.113.9"	/* the server inside it */

static const uint8_t mac_cam001[6] = { 0x00, 0x09, 0x18, 0x43, 0xa2, 0x28 };
static const uint8_t mac_rec01[6] = { 0x18, 0x66, 0xda, 0x85, 0x62, 0xd5 };
static const uint8_t mac_gw[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0xfe };

struct ev_alert {
	enum policy_kind kind;
	char client[ADDR_STRLEN], server[ADDR_STRLEN];
	uint16_t port;
	uint8_t transport;
};

struct ev {
	struct conf *conf;
	struct alert_ctx *al;
	struct pipeline *pl;
	struct ev_alert a[256];
	int n;
	uint64_t emitted;
};

static void
ev_out(const struct alert *a, void *arg)
{
	struct ev *e = arg;
	struct ev_alert *x;

	e->emitted++;
	if (e->n == (int)(sizeof(e->a) / sizeof(e->a[0])))
		return;
	x = &e->a[e->n++];
	x->kind = a->kind;
	addr_fmt(&a->client.addr, x->client, sizeof(x->client));
	addr_fmt(&a->server.addr, x->server, sizeof(x->server));
	x->port = a->server.port;
	x->transport = a->transport;
}

/*
 * The pipeline over the site of inventory inv (NULL: the sample site);
 * alert is an extra alert { } body.
 */
static void
ev_start_site(struct ev *e, const char *inv, const char *alert)
{
	const char *src = getenv("VW_SRCDIR");
	char text[2048], path[384], err[4096], sample[512];

	if (src == NULL || *src == '\0')
		src = VW_SRCDIR;
	memset(e, 0, sizeof(*e));
	snprintf(sample, sizeof(sample), "%s/conf/sample-site.conf", src);
	snprintf(text, sizeof(text),
	    "inventory = \"%s\";\n"
	    "rules = [ \"%s/rules/xprotect.conf\" ];\nalert = { %s };\n",
	    inv != NULL ? inv : sample, src, alert);
	ck_assert_int_eq(tmpdir_write(tmpdir, "ev.conf", text, path,
	    sizeof(path)), 0);
	e->conf = conf_load(path, err, sizeof(err));
	if (e->conf == NULL)
		ck_abort_msg("%s", err);
	ck_assert_ptr_nonnull(e->al = alert_new(&e->conf->alert, ev_out, e));
	ck_assert_ptr_nonnull(e->pl = pipeline_new(e->conf, NULL, e->al));
}

static void
ev_start(struct ev *e, const char *alert)
{
	ev_start_site(e, NULL, alert);
}

/* Every flow ended, every window closed: all that will be said is said. */
static void
ev_end(struct ev *e)
{
	pipeline_flush(e->pl);
	alert_flush(e->al);
}

static void
ev_free(struct ev *e)
{
	pipeline_free(e->pl);
	alert_free(e->al);
	conf_free(e->conf);
}

static void
ev_frame(struct ev *e, uint64_t ts, const uint8_t *f, size_t n)
{
	pipeline_frame(e->pl, DLT_EN10MB, ts, f, (uint32_t)n, (uint32_t)n);
}

/* Alerts of kind k between client and server over transport. */
static int
ev_count(const struct ev *e, enum policy_kind k, const char *client,
    const char *server, uint8_t transport)
{
	int i, n = 0;

	for (i = 0; i < e->n; i++)
		if (e->a[i].kind == k && strcmp(e->a[i].client, client) == 0 &&
		    strcmp(e->a[i].server, server) == 0 &&
		    e->a[i].transport == transport)
			n++;
	return n;
}

/* What a camera reaching an Internet address raises: both kinds. */
static void
ev_assert_cam_internet(const struct ev *e, const char *server,
    uint8_t transport)
{
	ck_assert_int_eq(ev_count(e, POLICY_CAMERA_NON_RECORDER, CAM, server,
	    transport), 1);
	ck_assert_int_eq(ev_count(e, POLICY_INTERNET_EXPOSURE, CAM, server,
	    transport), 1);
}

/* An IP packet (no link layer) into o; returns its length. */
static size_t
ev_ip(uint8_t *o, size_t cap, const char *src, const char *dst,
    uint8_t proto, uint16_t sport, uint16_t dport, uint8_t flags,
    const void *body, size_t n)
{
	struct craft_spec s;
	size_t len;

	memset(&s, 0, sizeof(s));
	s.src = src;
	s.dst = dst;
	s.proto = proto;
	s.sport = sport;
	s.dport = dport;
	s.tcp_flags = flags;
	s.seq = 1000;
	s.payload = body;
	s.plen = n;
	ck_assert_uint_gt(len = craft_ip(o, cap, &s), 0);
	return len;
}

/* An Ethernet frame from smac to dmac of type et around n bytes of b. */
static size_t
ev_eth(uint8_t *f, const uint8_t *smac, const uint8_t *dmac, uint16_t et,
    const uint8_t *b, size_t n)
{
	memcpy(f, dmac, 6);
	memcpy(f + 6, smac, 6);
	f[12] = (uint8_t)(et >> 8);
	f[13] = (uint8_t)et;
	memcpy(f + 14, b, n);
	return 14 + n;
}

/* The camera's SYN to the Internet server, as an IP packet. */
static size_t
ev_cam_syn(uint8_t *o, size_t cap)
{
	return ev_ip(o, cap, CAM, NET_S, IPPROTO_TCP, 40001, 443, CRAFT_SYN,
	    NULL, 0);
}

/* The same SYN in a GRE packet (RFC 2784) of protocol type et. */
static size_t
ev_gre_frame(uint8_t *f, uint16_t et, const uint8_t *inner, size_t n)
{
	uint8_t body[512], ip[600];
	size_t l;

	body[0] = body[1] = 0;
	body[2] = (uint8_t)(et >> 8);
	body[3] = (uint8_t)et;
	memcpy(body + 4, inner, n);
	l = ev_ip(ip, sizeof(ip), CAM, NET_T, 47, 0, 0, 0, body, n + 4);
	return ev_eth(f, mac_cam001, mac_gw, 0x0800, ip, l);
}

START_TEST(test_pipeline_evasion_baseline)
{
	uint8_t ip[128], f[256];
	struct ev e;

	/* In the open: the SYN alone raises both kinds. */
	ev_start(&e, "");
	ev_frame(&e, T0, f, ev_eth(f, mac_cam001, mac_gw, 0x0800, ip,
	    ev_cam_syn(ip, sizeof(ip))));
	ev_end(&e);
	ev_assert_cam_internet(&e, NET_S, IPPROTO_TCP);
	ck_assert_int_eq(e.n, 2);
	ev_free(&e);
}
END_TEST

START_TEST(test_pipeline_tunnel_gre)
{
	uint8_t in[128], f[512];
	struct ev e;

	ev_start(&e, "");
	ev_frame(&e, T0, f, ev_gre_frame(f, 0x0800, in, ev_cam_syn(in,
	    sizeof(in))));
	ev_end(&e);
	/* The tunnel is a flow of its own, and what it carries too. */
	ev_assert_cam_internet(&e, NET_T, 47);
	ev_assert_cam_internet(&e, NET_S, IPPROTO_TCP);
	ck_assert_uint_eq(flowtab_stats(pipeline_flowtab(e.pl))->created, 2);
	ev_free(&e);
}
END_TEST

START_TEST(test_pipeline_tunnel_gre_teb)
{
	uint8_t in[128], eth[256], f[512];
	size_t n;
	struct ev e;

	/* Transparent Ethernet bridging: a whole frame inside. */
	n = ev_eth(eth, mac_cam001, mac_gw, 0x0800, in, ev_cam_syn(in,
	    sizeof(in)));
	ev_start(&e, "");
	ev_frame(&e, T0, f, ev_gre_frame(f, 0x6558, eth, n));
	ev_end(&e);
	ev_assert_cam_internet(&e, NET_T, 47);
	ev_assert_cam_internet(&e, NET_S, IPPROTO_TCP);
	ev_free(&e);
}
END_TEST

START_TEST(test_pipeline_tunnel_erspan_feed)
{
	uint8_t in[128], eth[256], f[512];
	size_t n;
	struct ev e;

	/*
	 * ERSPAN type I from a switch to the sensor: the mirrored frame is
	 * traffic of the site, the feed around it is not.
	 */
	n = ev_eth(eth, mac_cam001, mac_gw, 0x0800, in, ev_cam_syn(in,
	    sizeof(in)));
	ev_start(&e, "");
	ev_frame(&e, T0, f, ev_gre_frame(f, 0x88be, eth, n));
	ev_end(&e);
	ev_assert_cam_internet(&e, NET_S, IPPROTO_TCP);
	ck_assert_int_eq(e.n, 2);
	ck_assert_uint_eq(flowtab_stats(pipeline_flowtab(e.pl))->created, 1);
	ev_free(&e);
}
END_TEST

START_TEST(test_pipeline_tunnel_ipip)
{
	uint8_t in[128], ip[256], f[512];
	size_t n;
	struct ev e;

	/* IP in IP, RFC 2003. */
	n = ev_cam_syn(in, sizeof(in));
	n = ev_ip(ip, sizeof(ip), CAM, NET_T, 4, 0, 0, 0, in, n);
	ev_start(&e, "");
	ev_frame(&e, T0, f, ev_eth(f, mac_cam001, mac_gw, 0x0800, ip, n));
	ev_end(&e);
	ev_assert_cam_internet(&e, NET_T, 4);
	ev_assert_cam_internet(&e, NET_S, IPPROTO_TCP);
	ev_free(&e);
}
END_TEST

START_TEST(test_pipeline_tunnel_ipip_deep)
{
	uint8_t a[128], b[256], f[512];
	size_t n;
	struct ev e;

	/*
	 * Three deep, one more than the decoder opens: the two outer
	 * tunnels and the innermost one opened are flows, the outermost
	 * (the camera's) judged as always.
	 */
	n = ev_cam_syn(a, sizeof(a));
	n = ev_ip(b, sizeof(b), "10.2.0.1", "10.2.0.2", 4, 0, 0, 0, a, n);
	n = ev_ip(a, sizeof(a), "10.1.0.1", "10.1.0.2", 4, 0, 0, 0, b, n);
	n = ev_ip(b, sizeof(b), CAM, NET_T, 4, 0, 0, 0, a, n);
	ck_assert_int_eq(DECODE_MAX_TUNNEL, 2);
	ev_start(&e, "");
	ev_frame(&e, T0, f, ev_eth(f, mac_cam001, mac_gw, 0x0800, b, n));
	ev_end(&e);
	ev_assert_cam_internet(&e, NET_T, 4);
	ck_assert_uint_eq(flowtab_stats(pipeline_flowtab(e.pl))->created, 3);
	ck_assert_uint_eq(decode_stats(pipeline_decoder(e.pl))->
	    inner[DR_TUNNEL_DEPTH], 1);
	ev_free(&e);
}
END_TEST

START_TEST(test_pipeline_tunnel_6in4)
{
	uint8_t in[128], ip[256], f[512];
	size_t n;
	struct ev e;

	/* IPv6 in IPv4, RFC 4213: the IPv6 ends are not the site's. */
	n = ev_ip(in, sizeof(in), "2001:db8::1", "2001:db8::2", IPPROTO_TCP,
	    40001, 443, CRAFT_SYN, NULL, 0);
	n = ev_ip(ip, sizeof(ip), CAM, NET_T, 41, 0, 0, 0, in, n);
	ev_start(&e, "");
	ev_frame(&e, T0, f, ev_eth(f, mac_cam001, mac_gw, 0x0800, ip, n));
	ev_end(&e);
	ev_assert_cam_internet(&e, NET_T, 41);
	ck_assert_uint_eq(flowtab_stats(pipeline_flowtab(e.pl))->created, 2);
	/* The IANA keywords of the tunnels' protocols, as records say them. */
	ck_assert_str_eq(decode_proto_name(41), "ipv6");
	ck_assert_str_eq(decode_proto_name(4), "ipv4");
	ck_assert_str_eq(decode_proto_name(47), "gre");
	ev_free(&e);
}
END_TEST

START_TEST(test_pipeline_tunnel_vxlan_garbage)
{
	uint8_t body[64], ip[256], f[512];
	size_t n;
	struct ev e;

	/* A VXLAN header (I flag, VNI 7), then no Ethernet frame at all. */
	memset(body, 0xa5, sizeof(body));
	memset(body, 0, 8);
	body[0] = 0x08;
	body[6] = 7;
	body[8 + 12] = 0x12;	/* an ethertype nobody knows */
	body[8 + 13] = 0x34;
	n = ev_ip(ip, sizeof(ip), CAM, NET_T, IPPROTO_UDP, 50000, 4789, 0,
	    body, sizeof(body));
	ev_start(&e, "");
	ev_frame(&e, T0, f, ev_eth(f, mac_cam001, mac_gw, 0x0800, ip, n));
	/* Cut inside the VXLAN header: still the camera's datagram. */
	ev_frame(&e, T0 + 1000, f, 14 + 20 + 8 + 5);
	ev_end(&e);
	ev_assert_cam_internet(&e, NET_T, IPPROTO_UDP);
	ck_assert_uint_eq(flowtab_stats(pipeline_flowtab(e.pl))->created, 1);
	ck_assert_uint_eq(decode_stats(pipeline_decoder(e.pl))->
	    inner[DR_NOT_IP], 1);
	ev_free(&e);
}
END_TEST

/*
 * Bytes off..off+len of the IP payload of ip (a 20-byte IPv4 header, as
 * ev_ip builds it) as one fragment of datagram id (RFC 791), in a frame.
 */
static size_t
ev_frag(uint8_t *f, const uint8_t *smac, const uint8_t *ip, size_t off,
    size_t len, int more, uint16_t id)
{
	uint8_t b[600];
	uint16_t fo = (uint16_t)((more ? 0x2000 : 0) | off / 8);

	memcpy(b, ip, 20);
	memcpy(b + 20, ip + 20 + off, len);
	b[2] = (uint8_t)((20 + len) >> 8);
	b[3] = (uint8_t)(20 + len);
	b[4] = (uint8_t)(id >> 8);
	b[5] = (uint8_t)id;
	b[6] = (uint8_t)(fo >> 8);
	b[7] = (uint8_t)fo;
	b[10] = b[11] = 0;
	fo = craft_cksum(b, 20, 0);
	b[10] = (uint8_t)(fo >> 8);
	b[11] = (uint8_t)fo;
	return ev_eth(f, smac, mac_gw, 0x0800, b, 20 + len);
}

START_TEST(test_pipeline_fragment_tiny)
{
	uint8_t ip[128], f[256];
	size_t n;
	struct ev e;

	/*
	 * RFC 1858: the camera's SYN with its TCP header split, 8 bytes in
	 * the first fragment (the ports), the flags in the second.
	 */
	n = ev_cam_syn(ip, sizeof(ip));
	ck_assert_uint_eq(n, 40);
	ev_start(&e, "");
	ev_frame(&e, T0, f, ev_frag(f, mac_cam001, ip, 0, 8, 1, 1));
	ev_frame(&e, T0 + 10, f, ev_frag(f, mac_cam001, ip, 8, 12, 0, 1));
	/*
	 * A later fragment of another datagram between them, whose first
	 * fragment never came: it counts toward their flow.
	 */
	ev_frame(&e, T0 + 20, f, ev_frag(f, mac_cam001, ip, 8, 12, 0, 2));
	/* A first fragment of 4 bytes: not even the ports. */
	ev_frame(&e, T0 + 30, f, ev_frag(f, mac_cam001, ip, 0, 4, 1, 3));
	ev_end(&e);
	/* What the SYN raises in the open, and the split itself. */
	ev_assert_cam_internet(&e, NET_S, IPPROTO_TCP);
	ck_assert_int_eq(ev_count(&e, POLICY_TINY_FRAGMENT, CAM, NET_S,
	    IPPROTO_TCP), 2);
	ck_assert_int_eq(ev_count(&e, POLICY_FRAGMENT_OVERLAP, CAM, NET_S,
	    IPPROTO_TCP), 0);
	ck_assert_int_eq(ev_count(&e, POLICY_ORPHAN_FRAGMENT, CAM, NET_S,
	    IPPROTO_TCP), 0);
	ck_assert_int_eq(e.n, 4);
	ck_assert_uint_eq(flowtab_stats(pipeline_flowtab(e.pl))->created, 1);
	ck_assert_uint_eq(flowtab_stats(pipeline_flowtab(e.pl))->lookups, 3);
	ev_free(&e);
}
END_TEST

START_TEST(test_pipeline_fragment_overlap)
{
	uint8_t ip[128], ip2[128], f[256];
	struct ev e;

	/*
	 * The recorder's documented RTSP SYN to the camera (nothing to
	 * say), then a fragment at offset 8 that rewrites its flags and a
	 * second first fragment that rewrites its ports (to telnet).
	 */
	ev_ip(ip, sizeof(ip), REC, CAM, IPPROTO_TCP, 50000, 554, CRAFT_SYN,
	    "OPTI", 4);
	ev_ip(ip2, sizeof(ip2), REC, CAM, IPPROTO_TCP, 50000, 23,
	    CRAFT_SYN | CRAFT_PSH, "OPTI", 4);
	ev_start(&e, "");
	ev_frame(&e, T0, f, ev_frag(f, mac_rec01, ip, 0, 24, 1, 9));
	ev_end(&e);
	ck_assert_int_eq(e.n, 0);
	ev_free(&e);

	ev_start(&e, "");
	ev_frame(&e, T0, f, ev_frag(f, mac_rec01, ip, 0, 24, 1, 9));
	ev_frame(&e, T0 + 10, f, ev_frag(f, mac_rec01, ip2, 8, 16, 0, 9));
	ev_frame(&e, T0 + 20, f, ev_frag(f, mac_rec01, ip2, 0, 24, 1, 9));
	ev_end(&e);
	ck_assert_int_eq(ev_count(&e, POLICY_FRAGMENT_OVERLAP, REC, CAM,
	    IPPROTO_TCP), 2);
	ck_assert_uint_eq(decode_stats(pipeline_decoder(e.pl))->frag_overlap,
	    2);
	ev_free(&e);
}
END_TEST

START_TEST(test_pipeline_fragment_orphan)
{
	uint8_t ip[128], f[256];
	struct ev e;

	/* A later fragment, nothing known of its datagram or addresses. */
	ev_cam_syn(ip, sizeof(ip));
	ev_start(&e, "");
	ev_frame(&e, T0, f, ev_frag(f, mac_cam001, ip, 16, 4, 0, 5));
	ev_end(&e);
	ck_assert_int_eq(ev_count(&e, POLICY_ORPHAN_FRAGMENT, CAM, NET_S,
	    IPPROTO_TCP), 1);
	ck_assert_int_eq(e.n, 1);
	ck_assert_uint_eq(flowtab_stats(pipeline_flowtab(e.pl))->created, 0);
	ev_free(&e);
}
END_TEST

START_TEST(test_pipeline_fragment_findings_bounded)
{
	uint8_t ip[128], f[256];
	size_t n;
	struct ev e;
	int i;

	/*
	 * A flood of orphan fragments between the same two ends: one
	 * finding a second of packet time, not one a packet.
	 */
	ev_cam_syn(ip, sizeof(ip));
	ev_start(&e, "");
	for (i = 0; i < 1000; i++) {
		n = ev_frag(f, mac_cam001, ip, 16, 4, 0, (uint16_t)(100 + i));
		ev_frame(&e, T0 + (uint64_t)i * 1000, f, n);
	}
	ck_assert_uint_eq(alert_stats(e.al)->violations, 1);
	ck_assert_uint_eq(decode_stats(pipeline_decoder(e.pl))->frag_orphans,
	    1000);
	ev_frame(&e, T0 + 1000000 + 1000, f, n);
	ck_assert_uint_eq(alert_stats(e.al)->violations, 2);
	/* Another kind between the same ends is a finding of its own. */
	n = ev_frag(f, mac_cam001, ip, 0, 4, 1, 7);
	ev_frame(&e, T0 + 1000000 + 2000, f, n);
	ck_assert_uint_eq(alert_stats(e.al)->violations, 3);
	ev_end(&e);
	/* The orphan's alert and the summary of its repeat; the tiny one. */
	ck_assert_int_eq(ev_count(&e, POLICY_ORPHAN_FRAGMENT, CAM, NET_S,
	    IPPROTO_TCP), 2);
	ck_assert_int_eq(ev_count(&e, POLICY_TINY_FRAGMENT, CAM, NET_S,
	    IPPROTO_TCP), 1);
	ck_assert_int_eq(e.n, 3);
	ev_free(&e);
}
END_TEST

/*
 * An alert storm: one camera SYN a second to a new Internet address for
 * 60 s.  Two more SYNs of the camera (alerts too) come at its start and
 * in its middle; stray: stamped ten years ahead and at the epoch, which
 * must make no difference but to the clock's counters.
 */
static void
ev_storm(struct ev *e, int stray)
{
	uint8_t ip[128], f[256];
	char dst[32];
	size_t n;
	int i;

	ev_start(e, "rate = 2; burst = 4;");
	n = ev_ip(ip, sizeof(ip), REC, CAM, IPPROTO_TCP, 50000, 554,
	    CRAFT_SYN, NULL, 0);
	n = ev_eth(f, mac_rec01, mac_cam001, 0x0800, ip, n);
	ev_frame(e, T0, f, n);
	n = ev_ip(ip, sizeof(ip), CAM, "203.0.113.200", IPPROTO_TCP, 40001,
	    443, CRAFT_SYN, NULL, 0);
	n = ev_eth(f, mac_cam001, mac_gw, 0x0800, ip, n);
	ev_frame(e, stray ? T0 + 10ull * 365 * 86400 * 1000000 : T0, f, n);
	for (i = 0; i < 60; i++) {
		snprintf(dst, sizeof(dst), "203.0.113.%d", 10 + i);
		n = ev_ip(ip, sizeof(ip), CAM, dst, IPPROTO_TCP, 40001, 443,
		    CRAFT_SYN, NULL, 0);
		n = ev_eth(f, mac_cam001, mac_gw, 0x0800, ip, n);
		ev_frame(e, T0 + 1000000ull * (uint64_t)(i + 1), f, n);
		/* Answered: a storm of findings, not a scan's probes. */
		n = ev_ip(ip, sizeof(ip), dst, CAM, IPPROTO_TCP, 443, 40001,
		    CRAFT_SYN | CRAFT_ACK, NULL, 0);
		n = ev_eth(f, mac_gw, mac_cam001, 0x0800, ip, n);
		ev_frame(e, T0 + 1000000ull * (uint64_t)(i + 1) + 1000, f, n);
		if (i != 30)
			continue;
		n = ev_ip(ip, sizeof(ip), CAM, "203.0.113.201", IPPROTO_TCP,
		    40001, 443, CRAFT_SYN, NULL, 0);
		n = ev_eth(f, mac_cam001, mac_gw, 0x0800, ip, n);
		ev_frame(e, stray ? 1000000 : T0 + 1000000ull * 31, f, n);
	}
	ev_end(e);
}

START_TEST(test_pipeline_clock_stray_frames)
{
	struct ev a, b;
	const struct pipeline_stats *st;

	ev_storm(&a, 0);
	ev_storm(&b, 1);
	/* The rate limit let through what it lets through without them. */
	ck_assert_uint_gt(a.emitted, 60);
	ck_assert_uint_eq(alert_stats(b.al)->violations, 124);
	ck_assert_uint_eq(b.emitted, a.emitted);
	ck_assert_uint_eq(alert_stats(b.al)->rate_limited,
	    alert_stats(a.al)->rate_limited);
	/* Flows ended as they did without them. */
	ck_assert_mem_eq(flowtab_stats(pipeline_flowtab(b.pl))->ended,
	    flowtab_stats(pipeline_flowtab(a.pl))->ended,
	    sizeof(flowtab_stats(pipeline_flowtab(a.pl))->ended));
	st = pipeline_stats(b.pl);
	ck_assert_uint_eq(st->time_jumps, 2);
	ck_assert_uint_eq(st->time_epochs, 0);
	ck_assert_uint_eq(st->last_ts, pipeline_stats(a.pl)->last_ts);
	ck_assert_uint_eq(st->first_ts, T0);
	ev_free(&a);
	ev_free(&b);
}
END_TEST

START_TEST(test_pipeline_clock_epochs)
{
	uint8_t ip[128], f[256];
	const uint64_t hour = 3600ull * 1000000, day = 24 * hour;
	const struct pipeline_stats *st;
	const struct flowtab_stats *fs;
	size_t n;
	struct ev e;

	n = ev_ip(ip, sizeof(ip), REC, CAM, IPPROTO_TCP, 50000, 554,
	    CRAFT_SYN, NULL, 0);
	n = ev_eth(f, mac_rec01, mac_cam001, 0x0800, ip, n);
	ev_start(&e, "");
	ev_frame(&e, T0, f, n);
	/* A capture resumed an hour later: time moves there. */
	ev_frame(&e, T0 + hour, f, n);
	ev_frame(&e, T0 + hour + 1000, f, n);
	st = pipeline_stats(e.pl);
	fs = flowtab_stats(pipeline_flowtab(e.pl));
	ck_assert_uint_eq(st->time_jumps, 1);
	ck_assert_uint_eq(st->time_epochs, 1);
	ck_assert_uint_eq(st->last_ts, T0 + hour + 1000);
	/* The flow of before the pause ended idle, as it would have. */
	ck_assert_uint_eq(fs->ended[FLOW_END_IDLE], 1);
	/*
	 * The sender's clock set back a day: time cannot go back, it goes
	 * on from where it was.
	 */
	ev_frame(&e, T0 - day, f, n);
	ev_frame(&e, T0 - day + 1000, f, n);
	ck_assert_uint_eq(st->time_jumps, 2);
	ck_assert_uint_eq(st->time_epochs, 2);
	ck_assert_uint_eq(st->last_ts, T0 + hour + 2000);
	ev_frame(&e, T0 - day + 5000000, f, n);
	ck_assert_uint_eq(st->last_ts, T0 + hour + 1000 + 5000000);
	ck_assert_uint_eq(st->time_jumps, 2);
	/*
	 * Two stamps on either side of the clock, years apart, agree on
	 * nothing: both are strays, handled at the current time.
	 */
	ev_frame(&e, 1000000, f, n);
	ev_frame(&e, T0 + 10 * 365 * day, f, n);
	ev_frame(&e, T0 - day + 6000000, f, n);
	ck_assert_uint_eq(st->time_jumps, 4);
	ck_assert_uint_eq(st->time_epochs, 2);
	ck_assert_uint_eq(st->last_ts, T0 + hour + 1000 + 6000000);
	ev_end(&e);
	ev_free(&e);
}
END_TEST

/*
 * Stamps at the end of time (a record's seconds read as negative once
 * made one) and backward epochs without end: packet time stops at
 * PIPELINE_CLOCK_MAX, and nothing computed from it wraps around, which
 * would end every flow at once.
 */
START_TEST(test_pipeline_clock_ceiling)
{
	uint8_t ip[128], f[256];
	const struct pipeline_stats *st;
	const struct flowtab_stats *fs;
	size_t n;
	struct ev e;
	int i;

	n = ev_ip(ip, sizeof(ip), REC, CAM, IPPROTO_TCP, 50000, 554,
	    CRAFT_SYN, NULL, 0);
	n = ev_eth(f, mac_rec01, mac_cam001, 0x0800, ip, n);
	ev_start(&e, "");
	st = pipeline_stats(e.pl);
	fs = flowtab_stats(pipeline_flowtab(e.pl));
	ev_frame(&e, UINT64_MAX - 1000000, f, n);
	ck_assert_uint_eq(st->last_ts, PIPELINE_CLOCK_MAX);
	ev_frame(&e, UINT64_MAX, f, n);
	ev_frame(&e, PIPELINE_CLOCK_MAX - 1, f, n);
	ck_assert_uint_eq(st->last_ts, PIPELINE_CLOCK_MAX);
	/* The flow lives on: no deadline wrapped to the past. */
	ck_assert_uint_eq(fs->ended[FLOW_END_IDLE], 0);
	ck_assert_uint_eq(fs->active, 1);
	/*
	 * Back to 1970 and to the ceiling again, over and over: the first
	 * return to 1970 is an epoch that shifts later stamps up by all of
	 * packet time, to the ceiling, where the shift stops too.
	 */
	for (i = 0; i < 100; i++) {
		ev_frame(&e, 1000000, f, n);
		ev_frame(&e, 2000000, f, n);
		ev_frame(&e, UINT64_MAX, f, n);
		ev_frame(&e, UINT64_MAX, f, n);
	}
	ck_assert_uint_ge(st->time_epochs, 1);
	ck_assert_uint_eq(st->last_ts, PIPELINE_CLOCK_MAX);
	ck_assert_uint_eq(fs->ended[FLOW_END_IDLE], 0);
	ck_assert_uint_eq(fs->active, 1);
	ev_end(&e);
	ev_free(&e);
}
END_TEST

/* --- a site described by ranges, against the same site host by host --- */

#define RG_CAMS		200
#define RG_REC		"10.61.0.20"
#define RG_REC2		"10.60.0.150"	/* a recorder inside the cameras' range */
#define RG_WS		"10.62.0.31"

static const char rg_zones[] =
    "zones = (\n"
    "  { name = \"cameras\"; purpose = \"camera\"; networks = [ \"10.60.0.0/24\" ]; },\n"
    "  { name = \"servers\"; purpose = \"server\"; networks = [ \"10.61.0.0/24\" ]; },\n"
    "  { name = \"clients\"; purpose = \"client\"; networks = [ \"10.62.0.0/24\" ]; }\n"
    ");\n";

static const char rg_servers[] =
    "  { name = \"mgmt01\"; address = \"10.61.0.10\"; roles = [ \"management_server\" ]; },\n"
    "  { name = \"rec01\"; address = \"" RG_REC "\"; roles = [ \"recording_server\" ]; },\n"
    "  { name = \"rec02\"; address = \"" RG_REC2 "\"; roles = [ \"recording_server\" ]; },\n"
    "  { name = \"ws01\"; address = \"" RG_WS "\"; roles = [ \"smart_client\" ]; }\n";

/* Camera i (1..RG_CAMS, stepping over rec02's address) and its MAC. */
static void
rg_cam(unsigned i, char *a, size_t len, uint8_t *mac)
{
	snprintf(a, len, "10.60.0.%u", i < 150 ? i : i + 1);
	if (mac != NULL) {
		const uint8_t m[6] = { 0x00, 0x09, 0x18, 0x00, 0x00,
		    (uint8_t)i };
		memcpy(mac, m, 6);
	}
}

/*
 * Writes the site host by host (ranges 0) or with its cameras as two
 * groups, a prefix and a range, that hold rec02's exact address (1).
 */
static void
rg_write_site(int ranges, char *path, size_t len)
{
	char *text, a[ADDR_STRLEN], m[24];
	size_t k = 0, cap = 64 * 1024;
	uint8_t mac[6];
	unsigned i;

	ck_assert_ptr_nonnull(text = malloc(cap));
	k += (size_t)snprintf(text + k, cap - k, "%shosts = (\n%s", rg_zones,
	    rg_servers);
	if (ranges)
		k += (size_t)snprintf(text + k, cap - k, ");\ngroups = (\n"
		    "  { name = \"cams-low\"; addresses = [ \"10.60.0.0/25\" ];"
		    " macs = [ \"00:09:18:*\" ]; roles = [ \"camera\" ]; },\n"
		    "  { name = \"cams-high\"; addresses = ["
		    " \"10.60.0.128-10.60.0.201\" ]; macs = [ \"00:09:18:*\" ];"
		    " roles = [ \"camera\" ]; }\n);\n");
	else {
		for (i = 1; i <= RG_CAMS; i++) {
			rg_cam(i, a, sizeof(a), mac);
			addr_fmt_mac(mac, m, sizeof(m));
			k += (size_t)snprintf(text + k, cap - k, "  ,{ name = "
			    "\"cam%03u\"; address = \"%s\"; mac = \"%s\"; "
			    "roles = [ \"camera\" ]; }\n", i, a, m);
		}
		k += (size_t)snprintf(text + k, cap - k, ");\n");
	}
	ck_assert_uint_lt(k, cap);
	ck_assert_int_eq(tmpdir_write(tmpdir, ranges ? "rg-ranges.conf" :
	    "rg-hosts.conf", text, path, len), 0);
	free(text);
}

static const uint8_t rg_mac_srv[6] = { 0x00, 0x15, 0x5d, 0x00, 0x00, 0x14 };
static const uint8_t rg_mac_rogue[6] = { 0x02, 0x42, 0x00, 0x00, 0x00, 0x07 };

/* One TCP conversation: handshake, a request, close. */
static void
rg_conv(struct craft_pcap *w, uint64_t t, const uint8_t *cmac,
    const char *c, uint16_t cport, const uint8_t *smac, const char *s,
    uint16_t port)
{
	static const char req[] = "OPTIONS rtsp://x/ RTSP/1.0\r\nCSeq: 1\r\n\r\n";
	struct craft_conv cv;

	craft_conv_init(&cv, w, cmac, c, cport, smac, s, port, IPPROTO_TCP, 0);
	ck_assert_int_eq(craft_conv_handshake(&cv, t), 0);
	ck_assert_int_eq(craft_conv_send(&cv, t + 3000, 0, req,
	    sizeof(req) - 1), 0);
	ck_assert_int_eq(craft_conv_close(&cv, t + 5000), 0);
}

/*
 * The 200 cameras' day: both recorders open RTSP to their cameras (the
 * documented flow), and the violations a range must not hide: a camera
 * to the Internet, a camera to a camera, an unknown device in the
 * camera subnet, a camera's address with a foreign MAC, a workstation
 * straight to a camera.
 */
static void
rg_write_capture(const char *path)
{
	struct craft_pcap *w = craft_pcap_open(path, DLT_EN10MB);
	char a[ADDR_STRLEN], b[ADDR_STRLEN];
	uint8_t mac[6], mac2[6];
	uint64_t t = T0;
	unsigned i;

	ck_assert_ptr_nonnull(w);
	for (i = 1; i <= RG_CAMS; i++, t += 10000) {
		rg_cam(i, a, sizeof(a), mac);
		rg_conv(w, t, rg_mac_srv, i % 2 ? RG_REC : RG_REC2,
		    (uint16_t)(40000 + i), mac, a, 554);
	}
	rg_cam(7, a, sizeof(a), mac);
	rg_conv(w, t += 10000, mac, a, 50007, mac_gw, "203.0.113.9", 443);
	rg_cam(50, a, sizeof(a), mac);
	rg_cam(51, b, sizeof(b), mac2);
	rg_conv(w, t += 10000, mac, a, 50050, mac2, b, 80);
	rg_conv(w, t += 10000, rg_mac_rogue, "10.60.0.230", 50230,
	    rg_mac_srv, RG_REC, 7563);
	rg_cam(9, a, sizeof(a), NULL);
	rg_conv(w, t += 10000, rg_mac_rogue, a, 50009, rg_mac_srv, RG_REC,
	    7563);
	rg_cam(100, a, sizeof(a), mac);
	rg_conv(w, t += 10000, rg_mac_srv, RG_WS, 50100, mac, a, 554);
	ck_assert_int_eq(craft_pcap_close(w), 0);
}

static int
rg_alert_cmp(const void *x, const void *y)
{
	const struct ev_alert *a = x, *b = y;
	int c;

	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	if ((c = strcmp(a->client, b->client)) != 0)
		return c;
	if ((c = strcmp(a->server, b->server)) != 0)
		return c;
	if (a->port != b->port)
		return a->port < b->port ? -1 : 1;
	return (a->transport > b->transport) - (a->transport < b->transport);
}

/* The alerts of the capture against the site, sorted, in e. */
static void
rg_run(struct ev *e, const char *inv, const char *pcap)
{
	struct capture *cap;
	char err[256];

	ev_start_site(e, inv, "");
	ck_assert_ptr_nonnull(cap = capture_open_file(pcap, err, sizeof(err)));
	ck_assert_int_ge(capture_read(cap, 0, pipeline_frame, e->pl), 0);
	capture_close(cap);
	ev_end(e);
	ck_assert_uint_eq(e->emitted, (uint64_t)e->n);
	qsort(e->a, (size_t)e->n, sizeof(e->a[0]), rg_alert_cmp);
}

START_TEST(test_pipeline_ranges_same_alerts_as_hosts)
{
	char hosts[384], ranges[384], pcap[384], c[ADDR_STRLEN];
	struct ev *h, *r;
	int i;

	h = calloc(1, sizeof(*h));
	r = calloc(1, sizeof(*r));
	ck_assert(h != NULL && r != NULL);
	rg_write_site(0, hosts, sizeof(hosts));
	rg_write_site(1, ranges, sizeof(ranges));
	snprintf(pcap, sizeof(pcap), "%s/rg.pcap", tmpdir);
	rg_write_capture(pcap);
	rg_run(h, hosts, pcap);
	rg_run(r, ranges, pcap);
	for (i = 0; i < h->n; i++)
		printf("ranges: alert %d %s -> %s:%u\n", (int)h->a[i].kind,
		    h->a[i].client, h->a[i].server, h->a[i].port);
	ck_assert_int_eq(r->n, h->n);
	for (i = 0; i < h->n; i++)
		ck_assert_msg(rg_alert_cmp(&h->a[i], &r->a[i]) == 0,
		    "alert %d: kind %d %s -> %s:%u host by host, kind %d "
		    "%s -> %s:%u by ranges", i, (int)h->a[i].kind,
		    h->a[i].client, h->a[i].server, h->a[i].port,
		    (int)r->a[i].kind, r->a[i].client, r->a[i].server,
		    r->a[i].port);
	/* The violations are there... */
	rg_cam(7, c, sizeof(c), NULL);
	ck_assert_int_eq(ev_count(r, POLICY_INTERNET_EXPOSURE, c,
	    "203.0.113.9", IPPROTO_TCP), 1);
	ck_assert_int_eq(ev_count(r, POLICY_CAMERA_NON_RECORDER, c,
	    "203.0.113.9", IPPROTO_TCP), 1);
	rg_cam(51, c, sizeof(c), NULL);
	ck_assert_int_ge(ev_count(r, POLICY_CAMERA_NON_RECORDER, "10.60.0.50",
	    c, IPPROTO_TCP), 1);
	ck_assert_int_ge(ev_count(r, POLICY_UNKNOWN_DEVICE, "10.60.0.230",
	    RG_REC, IPPROTO_TCP), 1);
	/* ...and rec02, an exact host inside a range, records unremarked. */
	for (i = 0; i < r->n; i++)
		ck_assert_msg(strcmp(r->a[i].client, RG_REC2) != 0,
		    "rec02 raised kind %d to %s:%u", (int)r->a[i].kind,
		    r->a[i].server, r->a[i].port);
	ev_free(h);
	ev_free(r);
	free(h);
	free(r);
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

	tc = tcase_create("evasion");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_pipeline_evasion_baseline);
	tcase_add_test(tc, test_pipeline_tunnel_gre);
	tcase_add_test(tc, test_pipeline_tunnel_gre_teb);
	tcase_add_test(tc, test_pipeline_tunnel_erspan_feed);
	tcase_add_test(tc, test_pipeline_tunnel_ipip);
	tcase_add_test(tc, test_pipeline_tunnel_ipip_deep);
	tcase_add_test(tc, test_pipeline_tunnel_6in4);
	tcase_add_test(tc, test_pipeline_tunnel_vxlan_garbage);
	tcase_add_test(tc, test_pipeline_fragment_tiny);
	tcase_add_test(tc, test_pipeline_fragment_overlap);
	tcase_add_test(tc, test_pipeline_fragment_orphan);
	tcase_add_test(tc, test_pipeline_fragment_findings_bounded);
	tcase_add_test(tc, test_pipeline_clock_stray_frames);
	tcase_add_test(tc, test_pipeline_clock_epochs);
	tcase_add_test(tc, test_pipeline_clock_ceiling);
	tcase_add_test(tc, test_pipeline_ranges_same_alerts_as_hosts);
	suite_add_tcase(s, tc);
	return check_run(s);
}

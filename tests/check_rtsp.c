/*
 * check_rtsp.c - unit tests of the RTSP media negotiation tracker
 * (src/classify_rtsp.c) through classify_packet() and classify_media():
 * crafted RTSP sessions whose SETUP requests and replies name streams,
 * split and retransmitted segments, lost segments, interleaved and
 * RTSP 2.0 transports, error replies, garbage, and the tracker pool.
 * Packets are crafted IP datagrams handed over as the decoder would
 * (struct pkt, with the TCP sequence number) for a hand-built flow.
 */
#include <check.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify.h"
#include "craft.h"
#include "check_run.h"

#define CLIENT	"192.0.2.10"
#define SERVER	"198.51.100.20"

/* One TCP conversation: the flow and what craft_ip needs. */
struct conv {
	struct flow f;
	uint32_t seq[2];	/* next sequence number per direction */
	uint64_t ts;
	uint8_t buf[4096];
	struct pkt p;
};

static void
conv_init(struct conv *cv, uint16_t cport, uint16_t sport)
{
	memset(cv, 0, sizeof(*cv));
	ck_assert_int_eq(addr_parse(CLIENT, &cv->f.addr[FLOW_C2S]), 0);
	ck_assert_int_eq(addr_parse(SERVER, &cv->f.addr[FLOW_S2C]), 0);
	cv->f.port[FLOW_C2S] = cport;
	cv->f.port[FLOW_S2C] = sport;
	cv->f.proto = IPPROTO_TCP;
	cv->f.ipver = 4;
	cv->seq[0] = 0xfffffe00u;	/* wraps around during the session */
	cv->seq[1] = 50000;
	cv->ts = UINT64_C(1700000000000000);
}

/*
 * Builds the segment of cv in direction dir starting at sequence number
 * seq and gives it to the classifier.  Returns classify_packet().
 */
static int
conv_send_at(struct classify *c, uint32_t slot, struct conv *cv, int dir,
    uint8_t flags, uint32_t seq, const void *data, size_t len)
{
	struct craft_spec s;
	struct pkt *p = &cv->p;
	size_t n;

	memset(&s, 0, sizeof(s));
	s.src = dir == FLOW_C2S ? CLIENT : SERVER;
	s.dst = dir == FLOW_C2S ? SERVER : CLIENT;
	s.sport = cv->f.port[dir];
	s.dport = cv->f.port[!dir];
	s.proto = IPPROTO_TCP;
	s.tcp_flags = flags;
	s.seq = seq;
	s.ack = (flags & CRAFT_ACK) ? cv->seq[!dir] : 0;
	s.payload = data;
	s.plen = len;
	n = craft_ip(cv->buf, sizeof(cv->buf), &s);
	ck_assert_uint_gt(n, 0);

	memset(p, 0, sizeof(*p));
	cv->ts += 1000;
	p->ts = cv->ts;
	p->ipver = 4;
	p->proto = IPPROTO_TCP;
	p->tcp_flags = flags;
	p->tcp_seq = seq;
	p->src = cv->f.addr[dir];
	p->dst = cv->f.addr[!dir];
	p->sport = cv->f.port[dir];
	p->dport = cv->f.port[!dir];
	p->ip_len = p->caplen = p->len = p->l3len = (uint32_t)n;
	p->l3 = cv->buf;
	p->payload = cv->buf + 40;
	p->paylen = (uint32_t)len;
	cv->f.pkts[dir]++;
	return classify_packet(c, slot, &cv->f, p, dir);
}

/* The next segment of dir: its sequence number moves on. */
static int
conv_send(struct classify *c, uint32_t slot, struct conv *cv, int dir,
    const void *data, size_t len)
{
	uint32_t seq = cv->seq[dir];

	cv->seq[dir] += (uint32_t)len;
	return conv_send_at(c, slot, cv, dir, CRAFT_ACK | CRAFT_PSH, seq,
	    data, len);
}

static int
send_str(struct classify *c, uint32_t slot, struct conv *cv, int dir,
    const char *s)
{
	return conv_send(c, slot, cv, dir, s, strlen(s));
}

static struct classify *
new_classifier(unsigned max_rtsp, uint32_t nslots)
{
	struct classify_conf conf;
	struct classify *c;

	classify_conf_defaults(&conf);
	conf.max_rtsp = max_rtsp;
	c = classify_new(&conf, nslots);
	ck_assert_ptr_nonnull(c);
	return c;
}

static const char options_req[] =
    "OPTIONS rtsp://198.51.100.20/cam1 RTSP/1.0\r\n"
    "CSeq: 1\r\n"
    "User-Agent: check/1.0\r\n"
    "\r\n";
static const char options_rep[] =
    "RTSP/1.0 200 OK\r\n"
    "CSeq: 1\r\n"
    "Public: OPTIONS, DESCRIBE, SETUP, TEARDOWN, PLAY, PAUSE\r\n"
    "\r\n";

/*
 * Handshake, then OPTIONS and its reply: nDPI names the flow RTSP and the
 * tracker starts.  The OPTIONS exchange makes no stream.
 */
static void
rtsp_open(struct classify *c, uint32_t slot, struct conv *cv)
{
	int ev;

	classify_flow_new(c, slot);
	ck_assert_int_eq(conv_send_at(c, slot, cv, FLOW_C2S, CRAFT_SYN,
	    cv->seq[FLOW_C2S]++, NULL, 0), 0);
	ck_assert_int_eq(conv_send_at(c, slot, cv, FLOW_S2C,
	    CRAFT_SYN | CRAFT_ACK, cv->seq[FLOW_S2C]++, NULL, 0), 0);
	ck_assert_int_eq(conv_send_at(c, slot, cv, FLOW_C2S, CRAFT_ACK,
	    cv->seq[FLOW_C2S], NULL, 0), 0);
	ev = send_str(c, slot, cv, FLOW_C2S, options_req);
	ev |= send_str(c, slot, cv, FLOW_S2C, options_rep);
	ck_assert_int_eq(ev, CLASSIFY_EV_FINAL);
	ck_assert_int_eq(classify_family(classify_get(c, slot)),
	    CLASSIFY_FAM_RTSP);
}

static int
media(struct classify *c, uint32_t slot, const struct classify_media **m,
    int *playing)
{
	return classify_media(c, slot, m, playing);
}

static void
assert_addr(const struct addr *a, const char *want)
{
	char b[ADDR_STRLEN];

	ck_assert_str_eq(addr_fmt(a, b, sizeof(b)), want);
}

static void
assert_udp(const struct classify_media *m, uint16_t clo, uint16_t chi,
    uint16_t slo, uint16_t shi)
{
	ck_assert_uint_eq(m->interleaved, 0);
	ck_assert_uint_eq(m->cport_lo, clo);
	ck_assert_uint_eq(m->cport_hi, chi);
	ck_assert_uint_eq(m->sport_lo, slo);
	ck_assert_uint_eq(m->sport_hi, shi);
}

static const char describe_req[] =
    "DESCRIBE rtsp://198.51.100.20/cam1 RTSP/1.0\r\n"
    "CSeq: 2\r\n"
    "Accept: application/sdp\r\n"
    "\r\n";
/*
 * Its body holds lines that would read as a request and a Transport
 * header if the body were not skipped by its length (137 bytes).
 */
static const char describe_rep[] =
    "RTSP/1.0 200 OK\r\n"
    "CSeq: 2\r\n"
    "Content-Type: application/sdp\r\n"
    "Content-Length: 137\r\n"
    "\r\n"
    "v=0\r\n"
    "SETUP rtsp://x/y RTSP/1.0\r\n"
    "CSeq: 99\r\n"
    "Transport: RTP/AVP;unicast;client_port=7000-7001\r\n"
    "\r\n"
    "m=video 0 RTP/AVP 96\r\n"
    "m=audio 0 RTP/AVP 0\r\n";
static const char setup_video[] =
    "SETUP rtsp://198.51.100.20/cam1/trackID=0 RTSP/1.0\r\n"
    "CSeq: 3\r\n"
    "Transport: RTP/AVP;unicast;client_port=5000-5001\r\n"
    "\r\n";
static const char setup_video_rep[] =
    "RTSP/1.0 200 OK\r\n"
    "Transport: RTP/AVP/UDP;unicast;client_port=5000-5001;"
    "server_port=6970-6971;ssrc=1A2B3C4D;mode=play\r\n"
    "Session: 12345678;timeout=60\r\n"
    "Cseq: 3\r\n"
    "\r\n";
static const char setup_audio[] =
    "SETUP rtsp://198.51.100.20/cam1/trackID=1 RTSP/1.0\r\n"
    "CSeq: 4\r\n"
    "Session: 12345678\r\n"
    "transport:   RTP/AVP ; unicast ; client_port = 5002 - 5003\r\n"
    "\r\n";
static const char setup_audio_rep[] =
    "RTSP/1.0 200 OK\r\n"
    "CSeq: 4\r\n"
    "TRANSPORT: RTP/AVP;unicast;client_port=5002-5003;"
    "server_port=6972-6973\r\n"
    "Session: 12345678;timeout=60\r\n"
    "\r\n";
static const char play_req[] =
    "PLAY rtsp://198.51.100.20/cam1 RTSP/1.0\r\n"
    "CSeq: 5\r\n"
    "Session: 12345678\r\n"
    "Range: npt=0.000-\r\n"
    "\r\n";
static const char play_rep[] =
    "RTSP/1.0 200 OK\r\n"
    "CSeq: 5\r\n"
    "Session: 12345678\r\n"
    "RTP-Info: url=rtsp://198.51.100.20/cam1/trackID=0;seq=1\r\n"
    "\r\n";

START_TEST(test_rtsp_session_two_streams_playing)
{
	struct classify *c = new_classifier(16, 8);
	const struct classify_stats *st = classify_stats(c);
	const struct classify_media *m;
	struct conv cv;
	int playing = -1;

	conv_init(&cv, 40000, 554);
	rtsp_open(c, 2, &cv);
	ck_assert_uint_eq(st->rtsp_sessions, 1);
	ck_assert_int_eq(media(c, 2, &m, &playing), 0);
	ck_assert_int_eq(playing, 0);

	ck_assert_int_eq(send_str(c, 2, &cv, FLOW_C2S, describe_req), 0);
	ck_assert_int_eq(send_str(c, 2, &cv, FLOW_S2C, describe_rep), 0);
	/* A request alone sets up nothing. */
	ck_assert_int_eq(send_str(c, 2, &cv, FLOW_C2S, setup_video), 0);
	ck_assert_int_eq(media(c, 2, &m, &playing), 0);
	ck_assert_int_eq(send_str(c, 2, &cv, FLOW_S2C, setup_video_rep),
	    CLASSIFY_EV_MEDIA);
	ck_assert_int_eq(media(c, 2, &m, &playing), 1);
	ck_assert_int_eq(send_str(c, 2, &cv, FLOW_C2S, setup_audio), 0);
	ck_assert_int_eq(send_str(c, 2, &cv, FLOW_S2C, setup_audio_rep),
	    CLASSIFY_EV_MEDIA);
	ck_assert_int_eq(send_str(c, 2, &cv, FLOW_C2S, play_req), 0);
	ck_assert_int_eq(media(c, 2, &m, &playing), 2);
	ck_assert_int_eq(playing, 0);
	ck_assert_int_eq(send_str(c, 2, &cv, FLOW_S2C, play_rep),
	    CLASSIFY_EV_MEDIA);

	ck_assert_int_eq(media(c, 2, &m, &playing), 2);
	ck_assert_int_eq(playing, 1);
	assert_udp(&m[0], 5000, 5001, 6970, 6971);
	assert_udp(&m[1], 5002, 5003, 6972, 6973);
	assert_addr(&m[0].client, CLIENT);
	assert_addr(&m[0].server, SERVER);
	assert_addr(&m[1].client, CLIENT);
	assert_addr(&m[1].server, SERVER);
	ck_assert_uint_eq(st->rtsp_streams, 2);

	/* Reading stopped with the PLAY's reply. */
	ck_assert_int_eq(send_str(c, 2, &cv, FLOW_C2S,
	    "SETUP rtsp://198.51.100.20/cam1/trackID=2 RTSP/1.0\r\nCSeq: 6\r\n"
	    "Transport: RTP/AVP;unicast;client_port=5004-5005\r\n\r\n"), 0);
	ck_assert_int_eq(send_str(c, 2, &cv, FLOW_S2C,
	    "RTSP/1.0 200 OK\r\nCSeq: 6\r\n"
	    "Transport: RTP/AVP;unicast;client_port=5004-5005\r\n\r\n"), 0);
	ck_assert_int_eq(media(c, 2, &m, &playing), 2);

	/* The streams stay readable after the flow's end, until release. */
	classify_flow_end(c, 2, &cv.f);
	ck_assert_int_eq(media(c, 2, &m, &playing), 2);
	classify_flow_release(c, 2);
	ck_assert_int_eq(media(c, 2, &m, &playing), 0);
	ck_assert_ptr_null(m);
	ck_assert_int_eq(playing, 0);
	classify_free(c);
}
END_TEST

START_TEST(test_rtsp_setup_split_across_segments)
{
	struct classify *c = new_classifier(16, 4);
	const struct classify_media *m;
	const char *cut = strstr(setup_video, "client_po");
	size_t a = (size_t)(cut - setup_video) + 9;
	struct conv cv;
	uint32_t seq0;
	int playing;

	conv_init(&cv, 40001, 554);
	rtsp_open(c, 0, &cv);
	/* Cut inside the parameter name, and the first part sent twice. */
	seq0 = cv.seq[FLOW_C2S];
	ck_assert_int_eq(conv_send(c, 0, &cv, FLOW_C2S, setup_video, a), 0);
	ck_assert_int_eq(conv_send_at(c, 0, &cv, FLOW_C2S,
	    CRAFT_ACK | CRAFT_PSH, seq0, setup_video, a), 0);
	/* A retransmission overlapping the new bytes, then the rest. */
	ck_assert_int_eq(conv_send_at(c, 0, &cv, FLOW_C2S,
	    CRAFT_ACK | CRAFT_PSH, seq0 + 4, setup_video + 4, a + 3 - 4), 0);
	cv.seq[FLOW_C2S] = seq0 + (uint32_t)a + 3;
	ck_assert_int_eq(send_str(c, 0, &cv, FLOW_C2S, setup_video + a + 3),
	    0);
	/* The reply cut inside its header name and inside the CRLF. */
	ck_assert_int_eq(conv_send(c, 0, &cv, FLOW_S2C, setup_video_rep, 21),
	    0);
	ck_assert_int_eq(conv_send(c, 0, &cv, FLOW_S2C, setup_video_rep + 21,
	    strlen(setup_video_rep) - 22), 0);
	ck_assert_int_eq(media(c, 0, &m, &playing), 0);
	ck_assert_int_eq(conv_send(c, 0, &cv, FLOW_S2C,
	    setup_video_rep + strlen(setup_video_rep) - 1, 1),
	    CLASSIFY_EV_MEDIA);
	ck_assert_int_eq(media(c, 0, &m, &playing), 1);
	assert_udp(&m[0], 5000, 5001, 6970, 6971);
	/* The whole reply again, retransmitted: nothing new. */
	ck_assert_int_eq(conv_send_at(c, 0, &cv, FLOW_S2C,
	    CRAFT_ACK | CRAFT_PSH, cv.seq[FLOW_S2C] -
	    (uint32_t)strlen(setup_video_rep), setup_video_rep,
	    strlen(setup_video_rep)), 0);
	ck_assert_int_eq(media(c, 0, &m, &playing), 1);
	ck_assert_uint_eq(classify_stats(c)->rtsp_streams, 1);
	classify_free(c);
}
END_TEST

START_TEST(test_rtsp_pipelined_requests_share_segment)
{
	struct classify *c = new_classifier(16, 4);
	const struct classify_media *m;
	char req[1024], rep[1024];
	struct conv cv;
	int playing;

	conv_init(&cv, 40002, 8554);
	rtsp_open(c, 1, &cv);
	/* Two SETUPs in one segment, both replies in the next. */
	snprintf(req, sizeof(req), "%s%s", setup_video, setup_audio);
	snprintf(rep, sizeof(rep), "%s%s", setup_audio_rep, setup_video_rep);
	ck_assert_int_eq(send_str(c, 1, &cv, FLOW_C2S, req), 0);
	ck_assert_int_eq(send_str(c, 1, &cv, FLOW_S2C, rep),
	    CLASSIFY_EV_MEDIA);
	ck_assert_int_eq(media(c, 1, &m, &playing), 2);
	/* In the order the replies came. */
	assert_udp(&m[0], 5002, 5003, 6972, 6973);
	assert_udp(&m[1], 5000, 5001, 6970, 6971);
	classify_free(c);
}
END_TEST

START_TEST(test_rtsp_interleaved_stream)
{
	static const char setup[] =
	    "SETUP rtsp://198.51.100.20/cam1/trackID=0 RTSP/1.0\r\n"
	    "CSeq: 3\r\n"
	    "Transport: RTP/AVP/TCP;unicast;interleaved=0-1\r\n"
	    "\r\n";
	static const char rep[] =
	    "RTSP/1.0 200 OK\r\n"
	    "CSeq: 3\r\n"
	    "Transport: RTP/AVP/TCP;unicast;interleaved=0-1;ssrc=01020304\r\n"
	    "\r\n";
	static const char play_then_frame[] =
	    "RTSP/1.0 200 OK\r\nCSeq: 5\r\n\r\n$\000\000\004abcd";
	struct classify *c = new_classifier(16, 4);
	const struct classify_media *m;
	struct conv cv;
	int playing;

	conv_init(&cv, 40003, 554);
	rtsp_open(c, 3, &cv);
	ck_assert_int_eq(send_str(c, 3, &cv, FLOW_C2S, setup), 0);
	ck_assert_int_eq(send_str(c, 3, &cv, FLOW_S2C, rep),
	    CLASSIFY_EV_MEDIA);
	ck_assert_int_eq(send_str(c, 3, &cv, FLOW_C2S, play_req), 0);
	ck_assert_int_eq(conv_send(c, 3, &cv, FLOW_S2C, play_then_frame,
	    sizeof(play_then_frame) - 1), CLASSIFY_EV_MEDIA);
	ck_assert_int_eq(media(c, 3, &m, &playing), 1);
	ck_assert_int_eq(playing, 1);
	ck_assert_uint_eq(m[0].interleaved, 1);
	ck_assert_uint_eq(m[0].cport_lo, 0);
	ck_assert_uint_eq(m[0].sport_lo, 0);
	assert_addr(&m[0].client, CLIENT);
	assert_addr(&m[0].server, SERVER);
	classify_free(c);
}
END_TEST

/*
 * Interleaved frames before the PLAY's reply (RTCP from the client, say)
 * are skipped by their length, even when their bytes look like text.
 */
START_TEST(test_rtsp_interleaved_frames_skipped)
{
	static const char frame_then_setup[] =
	    "$\001\000\063"
	    "SETUP rtsp://x/ RTSP/1.0\r\nCSeq: 9\r\nTransport: a\r\n\r\n"
	    "SETUP rtsp://198.51.100.20/cam1/trackID=0 RTSP/1.0\r\n"
	    "CSeq: 3\r\n"
	    "Transport: RTP/AVP;unicast;client_port=5000-5001\r\n"
	    "\r\n";
	struct classify *c = new_classifier(16, 4);
	const struct classify_media *m;
	struct conv cv;
	int playing;

	conv_init(&cv, 40013, 554);
	rtsp_open(c, 0, &cv);
	/* The frame header split after its '$' and channel. */
	ck_assert_int_eq(conv_send(c, 0, &cv, FLOW_C2S, frame_then_setup, 2),
	    0);
	ck_assert_int_eq(conv_send(c, 0, &cv, FLOW_C2S, frame_then_setup + 2,
	    sizeof(frame_then_setup) - 3), 0);
	ck_assert_int_eq(send_str(c, 0, &cv, FLOW_S2C, setup_video_rep),
	    CLASSIFY_EV_MEDIA);
	ck_assert_int_eq(media(c, 0, &m, &playing), 1);
	assert_udp(&m[0], 5000, 5001, 6970, 6971);
	classify_free(c);
}
END_TEST

START_TEST(test_rtsp_reply_source_destination)
{
	static const char setup[] =
	    "SETUP rtsp://198.51.100.20/cam1/trackID=0 RTSP/1.0\r\n"
	    "CSeq: 3\r\n"
	    "Transport: RTP/AVP;unicast;client_port=5000-5001,"
	    "RTP/AVP/TCP;unicast;interleaved=0-1\r\n"
	    "\r\n";
	static const char rep[] =
	    "RTSP/1.0 200 OK\r\n"
	    "CSeq: 3\r\n"
	    "Transport: RTP/AVP;unicast;destination=192.0.2.99;"
	    "source=198.51.100.77;client_port=5000-5001;server_port=6970\r\n"
	    "\r\n";
	struct classify *c = new_classifier(16, 4);
	const struct classify_media *m;
	struct conv cv;
	int playing;

	conv_init(&cv, 40004, 554);
	rtsp_open(c, 0, &cv);
	ck_assert_int_eq(send_str(c, 0, &cv, FLOW_C2S, setup), 0);
	ck_assert_int_eq(send_str(c, 0, &cv, FLOW_S2C, rep),
	    CLASSIFY_EV_MEDIA);
	ck_assert_int_eq(media(c, 0, &m, &playing), 1);
	/* A lone port is a range of one. */
	assert_udp(&m[0], 5000, 5001, 6970, 6970);
	assert_addr(&m[0].client, "192.0.2.99");
	assert_addr(&m[0].server, "198.51.100.77");
	classify_free(c);
}
END_TEST

START_TEST(test_rtsp_rtsp2_dest_addr)
{
	static const char setup[] =
	    "SETUP rtsp://[2001:db8::20]/cam1 RTSP/2.0\r\n"
	    "CSeq: 3\r\n"
	    "Transport: RTP/AVP;unicast;dest_addr=\":5000\"/\":5001\"\r\n"
	    "\r\n";
	static const char rep[] =
	    "RTSP/2.0 200 OK\r\n"
	    "CSeq: 3\r\n"
	    "Transport: RTP/AVP;unicast;"
	    "dest_addr=\"[2001:db8::10]:5000\"/\"[2001:db8::10]:5001\";"
	    "src_addr=\"198.51.100.77:6970\"/\"198.51.100.77:6971\"\r\n"
	    "\r\n";
	struct classify *c = new_classifier(16, 4);
	const struct classify_media *m;
	struct conv cv;
	int playing;

	conv_init(&cv, 40005, 554);
	rtsp_open(c, 0, &cv);
	ck_assert_int_eq(send_str(c, 0, &cv, FLOW_C2S, setup), 0);
	ck_assert_int_eq(send_str(c, 0, &cv, FLOW_S2C, rep),
	    CLASSIFY_EV_MEDIA);
	ck_assert_int_eq(media(c, 0, &m, &playing), 1);
	assert_udp(&m[0], 5000, 5001, 6970, 6971);
	assert_addr(&m[0].client, "2001:db8::10");
	assert_addr(&m[0].server, "198.51.100.77");
	classify_free(c);
}
END_TEST

START_TEST(test_rtsp_error_reply_no_stream)
{
	static const char rep454[] =
	    "RTSP/1.0 454 Session Not Found\r\n"
	    "CSeq: 3\r\n"
	    "Transport: RTP/AVP;unicast;client_port=5000-5001;"
	    "server_port=6970-6971\r\n"
	    "\r\n";
	struct classify *c = new_classifier(16, 4);
	const struct classify_media *m;
	struct conv cv;
	int playing;

	conv_init(&cv, 40006, 554);
	rtsp_open(c, 0, &cv);
	ck_assert_int_eq(send_str(c, 0, &cv, FLOW_C2S, setup_video), 0);
	ck_assert_int_eq(send_str(c, 0, &cv, FLOW_S2C, rep454), 0);
	/* The failed SETUP is not taken for one whose reply was lost. */
	ck_assert_int_eq(send_str(c, 0, &cv, FLOW_C2S, play_req), 0);
	ck_assert_int_eq(send_str(c, 0, &cv, FLOW_S2C,
	    "RTSP/1.0 455 Method Not Valid in This State\r\nCSeq: 5\r\n\r\n"),
	    0);
	ck_assert_int_eq(media(c, 0, &m, &playing), 0);
	ck_assert_int_eq(playing, 0);
	ck_assert_uint_eq(classify_stats(c)->rtsp_streams, 0);
	classify_free(c);
}
END_TEST

/*
 * The SETUP's reply is lost to the capture: the client's PLAY shows it
 * succeeded, so its request gives the stream; the reply, pipelined after
 * the PLAY, completes it.
 */
START_TEST(test_rtsp_play_confirms_unanswered_setup)
{
	struct classify *c = new_classifier(16, 4);
	const struct classify_media *m;
	struct conv cv;
	int playing;

	conv_init(&cv, 40007, 554);
	rtsp_open(c, 0, &cv);
	ck_assert_int_eq(send_str(c, 0, &cv, FLOW_C2S, setup_video), 0);
	ck_assert_int_eq(send_str(c, 0, &cv, FLOW_C2S, play_req),
	    CLASSIFY_EV_MEDIA);
	ck_assert_int_eq(media(c, 0, &m, &playing), 1);
	assert_udp(&m[0], 5000, 5001, 0, 0);
	ck_assert_int_eq(send_str(c, 0, &cv, FLOW_S2C, setup_video_rep),
	    CLASSIFY_EV_MEDIA);
	ck_assert_int_eq(media(c, 0, &m, &playing), 1);
	assert_udp(&m[0], 5000, 5001, 6970, 6971);
	ck_assert_int_eq(playing, 0);
	/* The same reply again changes nothing. */
	ck_assert_int_eq(send_str(c, 0, &cv, FLOW_S2C, setup_video_rep), 0);
	ck_assert_int_eq(send_str(c, 0, &cv, FLOW_S2C, play_rep),
	    CLASSIFY_EV_MEDIA);
	ck_assert_int_eq(media(c, 0, &m, &playing), 1);
	ck_assert_int_eq(playing, 1);
	ck_assert_uint_eq(classify_stats(c)->rtsp_streams, 1);
	classify_free(c);
}
END_TEST

/* A lost segment: the message it cut is dropped, the next one is read. */
START_TEST(test_rtsp_lost_segment_resyncs)
{
	struct classify *c = new_classifier(16, 4);
	const struct classify_media *m;
	struct conv cv;
	int playing;

	conv_init(&cv, 40008, 554);
	rtsp_open(c, 0, &cv);
	ck_assert_int_eq(conv_send(c, 0, &cv, FLOW_C2S, setup_video, 40), 0);
	/* The next 30 bytes never reach the capture. */
	cv.seq[FLOW_C2S] += 30;
	ck_assert_int_eq(send_str(c, 0, &cv, FLOW_C2S, setup_video + 70), 0);
	ck_assert_int_eq(send_str(c, 0, &cv, FLOW_S2C, setup_video_rep),
	    CLASSIFY_EV_MEDIA);
	ck_assert_int_eq(send_str(c, 0, &cv, FLOW_C2S, setup_audio), 0);
	ck_assert_int_eq(send_str(c, 0, &cv, FLOW_S2C, setup_audio_rep),
	    CLASSIFY_EV_MEDIA);
	/* The video stream comes from its reply alone. */
	ck_assert_int_eq(media(c, 0, &m, &playing), 2);
	assert_udp(&m[0], 5000, 5001, 6970, 6971);
	assert_udp(&m[1], 5002, 5003, 6972, 6973);
	classify_free(c);
}
END_TEST

START_TEST(test_rtsp_garbage_and_truncated_headers)
{
	static const uint8_t bin[] = { 0x00, 0xff, 0x0d, 0x0a, 0x0a, 0x24 };
	static const char *bad[] = {
	    "Transport: RTP/AVP;unicast;client_port=abc\r\n",
	    "Transport: RTP/AVP;unicast;client_port=70000-70001\r\n",
	    "Transport: RTP/AVP;unicast;client_port=\r\n",
	    "Transport: RTP/AVP;unicast;client_port=5001-5000\r\n",
	    "Transport: RTP/AVP;unicast;client_port=0\r\n",
	    "Transport: RTP/AVP;unicast;client_port=5000-\r\n",
	    "Transport: RTP/AVP;unicast;client_port=1234567890123\r\n",
	    "Transport: RTP/AVP;unicast;dest_addr=\"[2001:db8::1\"\r\n",
	    "Transport: RTP/AVP;unicast;dest_addr=\"h:99999\"/\r\n",
	    "Transport:\r\n",
	    "Transport\r\n",
	    "Transport: ;;;,,\"\r\n",
	};
	struct classify *c = new_classifier(16, 4);
	const struct classify_media *m;
	char req[1400], rep[1400], big[1200];
	struct conv cv;
	int playing, i;
	uint32_t cseq = 10;

	conv_init(&cv, 40009, 554);
	rtsp_open(c, 0, &cv);
	ck_assert_int_eq(conv_send(c, 0, &cv, FLOW_C2S, bin, sizeof(bin)), 0);
	ck_assert_int_eq(send_str(c, 0, &cv, FLOW_S2C,
	    "RTSP/1.0\r\nRTSP/ 2x0 OK\r\nHTTP/1.1 200 OK\r\n\r\n"), 0);
	for (i = 0; i < (int)(sizeof(bad) / sizeof(bad[0])); i++, cseq++) {
		snprintf(req, sizeof(req), "SETUP rtsp://h/t RTSP/1.0\r\n"
		    "CSeq: %u\r\n%s\r\n", (unsigned)cseq, bad[i]);
		snprintf(rep, sizeof(rep), "RTSP/1.0 200 OK\r\nCSeq: %u\r\n"
		    "%s\r\n", (unsigned)cseq, bad[i]);
		ck_assert_int_eq(send_str(c, 0, &cv, FLOW_C2S, req), 0);
		ck_assert_int_eq(send_str(c, 0, &cv, FLOW_S2C, rep), 0);
	}
	/* A Transport longer than a line is kept: its spec is cut. */
	memset(big, '7', sizeof(big));
	big[sizeof(big) - 1] = '\0';
	snprintf(req, sizeof(req), "SETUP rtsp://h/t RTSP/1.0\r\nCSeq: %u\r\n"
	    "Transport: RTP/AVP;unicast;x=%s;client_port=5000-5001\r\n\r\n",
	    (unsigned)cseq, big);
	ck_assert_int_eq(send_str(c, 0, &cv, FLOW_C2S, req), 0);
	snprintf(rep, sizeof(rep), "RTSP/1.0 200 OK\r\nCSeq: %u\r\n"
	    "Transport: RTP/AVP;unicast;x=%s;client_port=5000-5001\r\n\r\n",
	    (unsigned)cseq, big);
	ck_assert_int_eq(send_str(c, 0, &cv, FLOW_S2C, rep), 0);
	ck_assert_int_eq(media(c, 0, &m, &playing), 0);
	/* A message cut short at the end of the flow. */
	ck_assert_int_eq(send_str(c, 0, &cv, FLOW_S2C,
	    "RTSP/1.0 200 OK\r\nCSeq: 11\r\nTransport: RTP/AVP;client_po"), 0);
	classify_flow_end(c, 0, &cv.f);
	ck_assert_int_eq(media(c, 0, &m, &playing), 0);
	ck_assert_uint_eq(classify_stats(c)->rtsp_streams, 0);
	classify_free(c);
}
END_TEST

/* A long Transport is read when its first spec ends within the line. */
START_TEST(test_rtsp_long_transport_first_spec)
{
	struct classify *c = new_classifier(16, 4);
	const struct classify_media *m;
	char req[1400], big[1200];
	struct conv cv;
	int playing;

	memset(big, '7', sizeof(big));
	big[sizeof(big) - 1] = '\0';
	conv_init(&cv, 40010, 554);
	rtsp_open(c, 0, &cv);
	snprintf(req, sizeof(req), "SETUP rtsp://h/t RTSP/1.0\r\nCSeq: 3\r\n"
	    "Transport: RTP/AVP;unicast;client_port=5000-5001,RTP/AVP;x=%s\r\n"
	    "\r\n", big);
	ck_assert_int_eq(send_str(c, 0, &cv, FLOW_C2S, req), 0);
	ck_assert_int_eq(send_str(c, 0, &cv, FLOW_S2C,
	    "RTSP/1.0 200 OK\r\nCSeq: 3\r\nSession: 1\r\n\r\n"),
	    CLASSIFY_EV_MEDIA);
	ck_assert_int_eq(media(c, 0, &m, &playing), 1);
	assert_udp(&m[0], 5000, 5001, 0, 0);
	classify_free(c);
}
END_TEST

START_TEST(test_rtsp_teardown_stops_reading)
{
	struct classify *c = new_classifier(16, 4);
	const struct classify_media *m;
	struct conv cv;
	int playing;

	conv_init(&cv, 40011, 554);
	rtsp_open(c, 0, &cv);
	ck_assert_int_eq(send_str(c, 0, &cv, FLOW_C2S, setup_video), 0);
	ck_assert_int_eq(send_str(c, 0, &cv, FLOW_C2S,
	    "TEARDOWN rtsp://198.51.100.20/cam1 RTSP/1.0\r\nCSeq: 4\r\n\r\n"),
	    0);
	ck_assert_int_eq(send_str(c, 0, &cv, FLOW_S2C, setup_video_rep), 0);
	ck_assert_int_eq(media(c, 0, &m, &playing), 0);
	classify_free(c);
}
END_TEST

START_TEST(test_rtsp_reading_bounded)
{
	struct classify *c = new_classifier(16, 4);
	const struct classify_media *m;
	struct conv cv;
	int playing, i;

	conv_init(&cv, 40012, 554);
	rtsp_open(c, 0, &cv);
	/* OPTIONS and its reply were the first 2 of 64 segments read. */
	for (i = 0; i < 61; i++)
		ck_assert_int_eq(send_str(c, 0, &cv, i & 1, options_rep), 0);
	ck_assert_int_eq(send_str(c, 0, &cv, FLOW_C2S, setup_video), 0);
	ck_assert_int_eq(send_str(c, 0, &cv, FLOW_S2C, setup_video_rep), 0);
	ck_assert_int_eq(media(c, 0, &m, &playing), 0);
	classify_free(c);
}
END_TEST

/*
 * The flow table took the RTSP server for the client (picked up
 * mid-stream, the client's port lower): the SETUP says which end is the
 * client, and the stream's addresses follow it.
 */
START_TEST(test_rtsp_client_found_by_requests)
{
	struct classify *c = new_classifier(16, 4);
	const struct classify_media *m;
	struct conv cv;
	int playing;

	/* [FLOW_C2S] is the server, 192.0.2.10 on 554. */
	conv_init(&cv, 554, 40030);
	classify_flow_new(c, 0);
	ck_assert_int_eq(send_str(c, 0, &cv, FLOW_S2C, options_req),
	    CLASSIFY_EV_FINAL);
	ck_assert_int_eq(classify_family(classify_get(c, 0)),
	    CLASSIFY_FAM_RTSP);
	ck_assert_int_eq(send_str(c, 0, &cv, FLOW_C2S, options_rep), 0);
	ck_assert_int_eq(send_str(c, 0, &cv, FLOW_S2C, describe_req), 0);
	ck_assert_int_eq(send_str(c, 0, &cv, FLOW_C2S, describe_rep), 0);
	/* A server's request goes unheeded; its reply from the client too. */
	ck_assert_int_eq(send_str(c, 0, &cv, FLOW_C2S,
	    "GET_PARAMETER rtsp://h/ RTSP/1.0\r\nCSeq: 1\r\n\r\n"), 0);
	ck_assert_int_eq(send_str(c, 0, &cv, FLOW_S2C,
	    "RTSP/1.0 200 OK\r\nCSeq: 1\r\n"
	    "Transport: RTP/AVP;unicast;client_port=7000-7001\r\n\r\n"), 0);
	ck_assert_int_eq(send_str(c, 0, &cv, FLOW_S2C, setup_video), 0);
	ck_assert_int_eq(send_str(c, 0, &cv, FLOW_C2S, setup_video_rep),
	    CLASSIFY_EV_MEDIA);
	ck_assert_int_eq(send_str(c, 0, &cv, FLOW_S2C, play_req), 0);
	ck_assert_int_eq(send_str(c, 0, &cv, FLOW_C2S, play_rep),
	    CLASSIFY_EV_MEDIA);
	ck_assert_int_eq(media(c, 0, &m, &playing), 1);
	ck_assert_int_eq(playing, 1);
	assert_udp(&m[0], 5000, 5001, 6970, 6971);
	assert_addr(&m[0].client, SERVER);
	assert_addr(&m[0].server, CLIENT);
	classify_free(c);
}
END_TEST

START_TEST(test_rtsp_pool_exhausted_counted)
{
	struct classify *c = new_classifier(1, 4);
	const struct classify_stats *st = classify_stats(c);
	const struct classify_media *m;
	struct conv cv[3];
	int playing;

	conv_init(&cv[0], 41000, 554);
	conv_init(&cv[1], 41001, 554);
	conv_init(&cv[2], 41002, 554);
	rtsp_open(c, 0, &cv[0]);
	rtsp_open(c, 1, &cv[1]);
	ck_assert_uint_eq(st->rtsp_sessions, 1);
	ck_assert_uint_eq(st->rtsp_exhausted, 1);
	/* The untracked flow is RTSP all the same, with no streams. */
	ck_assert_int_eq(send_str(c, 1, &cv[1], FLOW_C2S, setup_video), 0);
	ck_assert_int_eq(send_str(c, 1, &cv[1], FLOW_S2C, setup_video_rep),
	    0);
	ck_assert_int_eq(media(c, 1, &m, &playing), 0);
	ck_assert_ptr_null(m);
	ck_assert_int_eq(send_str(c, 0, &cv[0], FLOW_C2S, setup_video), 0);
	ck_assert_int_eq(send_str(c, 0, &cv[0], FLOW_S2C, setup_video_rep),
	    CLASSIFY_EV_MEDIA);
	/* Released with its flow, the tracker serves the next session. */
	classify_flow_release(c, 0);
	classify_flow_release(c, 1);
	rtsp_open(c, 2, &cv[2]);
	ck_assert_uint_eq(st->rtsp_sessions, 2);
	ck_assert_uint_eq(st->rtsp_exhausted, 1);
	ck_assert_int_eq(send_str(c, 2, &cv[2], FLOW_C2S, setup_video), 0);
	ck_assert_int_eq(send_str(c, 2, &cv[2], FLOW_S2C, setup_video_rep),
	    CLASSIFY_EV_MEDIA);
	/* A fresh tracker: nothing of the first session is left in it. */
	ck_assert_int_eq(media(c, 2, &m, &playing), 1);
	ck_assert_int_eq(playing, 0);
	classify_free(c);
}
END_TEST

START_TEST(test_rtsp_not_rtsp_untracked)
{
	static const char get[] =
	    "GET /index.html HTTP/1.1\r\nHost: example.org\r\n\r\n";
	struct classify *c = new_classifier(16, 4);
	const struct classify_media *m = (const void *)&m;
	struct conv cv;
	int playing = 7;

	conv_init(&cv, 40020, 80);
	classify_flow_new(c, 0);
	ck_assert_int_eq(send_str(c, 0, &cv, FLOW_C2S, get), CLASSIFY_EV_FINAL);
	ck_assert_int_eq(send_str(c, 0, &cv, FLOW_C2S, setup_video), 0);
	ck_assert_int_eq(send_str(c, 0, &cv, FLOW_S2C, setup_video_rep), 0);
	ck_assert_int_eq(media(c, 0, &m, &playing), 0);
	ck_assert_ptr_null(m);
	ck_assert_int_eq(playing, 0);
	ck_assert_uint_eq(classify_stats(c)->rtsp_sessions, 0);
	classify_free(c);
}
END_TEST

START_TEST(test_rtsp_disabled_by_conf)
{
	struct classify *c = new_classifier(0, 4);
	const struct classify_media *m;
	struct conv cv;
	int playing;

	conv_init(&cv, 40021, 554);
	rtsp_open(c, 0, &cv);
	ck_assert_int_eq(send_str(c, 0, &cv, FLOW_C2S, setup_video), 0);
	ck_assert_int_eq(send_str(c, 0, &cv, FLOW_S2C, setup_video_rep), 0);
	ck_assert_int_eq(media(c, 0, &m, &playing), 0);
	ck_assert_uint_eq(classify_stats(c)->rtsp_sessions, 0);
	ck_assert_uint_eq(classify_stats(c)->rtsp_exhausted, 0);
	classify_free(c);
}
END_TEST

static Suite *
rtsp_suite(void)
{
	Suite *s = suite_create("rtsp");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_rtsp_session_two_streams_playing);
	tcase_add_test(tc, test_rtsp_setup_split_across_segments);
	tcase_add_test(tc, test_rtsp_pipelined_requests_share_segment);
	tcase_add_test(tc, test_rtsp_interleaved_stream);
	tcase_add_test(tc, test_rtsp_interleaved_frames_skipped);
	tcase_add_test(tc, test_rtsp_reply_source_destination);
	tcase_add_test(tc, test_rtsp_rtsp2_dest_addr);
	tcase_add_test(tc, test_rtsp_error_reply_no_stream);
	tcase_add_test(tc, test_rtsp_play_confirms_unanswered_setup);
	tcase_add_test(tc, test_rtsp_lost_segment_resyncs);
	tcase_add_test(tc, test_rtsp_garbage_and_truncated_headers);
	tcase_add_test(tc, test_rtsp_long_transport_first_spec);
	tcase_add_test(tc, test_rtsp_teardown_stops_reading);
	tcase_add_test(tc, test_rtsp_reading_bounded);
	tcase_add_test(tc, test_rtsp_client_found_by_requests);
	tcase_add_test(tc, test_rtsp_pool_exhausted_counted);
	tcase_add_test(tc, test_rtsp_not_rtsp_untracked);
	tcase_add_test(tc, test_rtsp_disabled_by_conf);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_run(rtsp_suite());
}

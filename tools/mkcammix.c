/*
 * mkcammix.c - writes a pcap of a synthetic but realistic camera network:
 * the benchmark capture of `make bench` and, with -s, the small sample
 * capture the README starts with; with -I, the site's inventory too.  A
 * tool beside the pipeline, not part of the daemon; frames are built with
 * tests/craft.c.
 *
 * The site (one per run, all of it derived from the seed):
 *   192.168.10.2        domain controller: DNS, NTP
 *   192.168.10.10       management server (HTTPS 443)
 *   192.168.10.11/.12   SQL server, event server (only in DNS answers)
 *   192.168.10.20-.29   recording servers
 *   192.168.50.101-     cameras (Axis, Hikvision, Dahua, Hanwha, Bosch MACs)
 *   192.168.20.0/24     operator workstations (smart clients), one scanner
 *
 * Traffic: every camera is pulled by its recorder over RTSP (OPTIONS,
 * DESCRIBE with SDP, SETUP, PLAY, then GET_PARAMETER keep-alives) and
 * streams H.264 over RTP/UDP with RTCP reports, or, for one camera in ten,
 * interleaved in the RTSP connection.  Around that: ONVIF and vendor HTTP
 * requests from recorders to cameras, TLS 1.3 from workstations and
 * recorders to the management server, binary smart-client sessions to
 * recorders on 7563, DNS, NTP and SNMP v2c polls, and SYN scans answered by
 * RSTs.  Against the hardening guide the benchmark is not clean: cameras
 * ask the domain controller for the time and answer the management
 * server's SNMP polls (camera-non-recorder), recorders query cameras over
 * HTTP with Basic authentication (cleartext), and the scanner is a rogue.
 *
 * The sample (-s) is a clean site with six planted findings.  Its
 * recorders query cameras over HTTPS, only servers and workstations use
 * the domain controller's DNS and NTP, and there are no SNMP polls and no
 * scanner.  Planted, each a few flows among the normal traffic:
 *   (a) a camera asks an Internet NTP server (192.0.2.123) for the time
 *   (b) a workstation fetches a page from the management server over HTTP
 *   (c) a recorder logs into a camera's BusyBox shell over Telnet
 *   (d) a workstation opens the SQL Server directly (TDS pre-login)
 *   (e) a Raspberry Pi on the camera subnet: ARP, mDNS, a SYN to RTSP
 *   (f) a workstation reaches a recorder's tray-manager port 8966
 *
 * The inventory (-I) lists the zones and every host with its address, its
 * MAC and its roles.  Frames carry the hosts' own MACs, as on one switched
 * network, so routers are not needed; only the sample's Internet traffic
 * goes through the camera subnet's gateway, which is then listed as a
 * router.  The rogue devices (the benchmark's scanner, the sample's
 * Raspberry Pi) are not listed: finding them is the point.
 *
 * Output is streamed: each conversation is a small state machine (a
 * "generator") that writes one packet per step and knows the time of its
 * next one; a min-heap on that time interleaves them, so memory depends on
 * the number of concurrent conversations, not on the number of packets.
 */
#include <err.h>
#include <netinet/in.h>
#include <pcap/dlt.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "craft.h"

#define T0		1710230400000000ULL	/* 2024-03-12 08:00:00 UTC */
#define MSS		1460	/* Ethernet, no TCP options */
#define RTP_MAXPAY	1400	/* H.264 RTP payload limit (RFC 6184 FU-A) */
#define MAXMSG		32
#define NREC		10
#define MAXCAM		253
#define MAXCLI		64
#define POOLSZ		(1 << 16)
#define NTP_UNIX	2208988800U	/* seconds from 1900 to 1970 */

/* Camera vendors: MAC prefixes, RTSP path and server, a device-info call. */
struct vendor {
	const char *name;
	uint8_t oui[3];
	const char *model;
	const char *rtsp_path;
	const char *rtsp_server;
	const char *http_path;
	const char *http_server;
	const char *http_ctype;
};

static const struct vendor vendors[] = {
	{ "AXIS", { 0xac, 0xcc, 0x8e }, "P3245-LVE",
	    "/axis-media/media.amp?videocodec=h264&resolution=1920x1080",
	    "GStreamer RTSP server",
	    "/axis-cgi/param.cgi?action=list&group=root.Brand",
	    "Apache", "text/plain" },
	{ "HIKVISION", { 0x44, 0x19, 0xb6 }, "DS-2CD2143G2-IS",
	    "/Streaming/Channels/101",
	    "HIK Media Server V3.4.103",
	    "/ISAPI/System/deviceInfo",
	    "webserver", "application/xml" },
	{ "Dahua", { 0x3c, 0xef, 0x8c }, "IPC-HDW2431T-AS-S2",
	    "/cam/realmonitor?channel=1&subtype=0",
	    "Rtsp Server/3.0",
	    "/cgi-bin/magicBox.cgi?action=getSystemInfo",
	    "Webs", "text/plain" },
	{ "Hanwha", { 0x00, 0x09, 0x18 }, "XNV-8080R",
	    "/profile2/media.smp",
	    "Hanwha Techwin RTSP Server",
	    "/stw-cgi/system.cgi?msubmenu=deviceinfo&action=view",
	    "httpd", "text/plain" },
	{ "Bosch", { 0x00, 0x07, 0x5f }, "FLEXIDOME IP 5000i",
	    "/rtsp_tunnel?h26x=4&line=1&inst=1",
	    "VCS-VideoJet-Webserver",
	    "/rcp.xml?command=0x0a79&type=P_OCTET&direction=READ",
	    "VCS-VideoJet-Webserver", "text/xml" },
};
#define NVENDOR (sizeof(vendors) / sizeof(vendors[0]))

struct host {
	char addr[16];
	uint8_t mac[6];
	uint16_t eport;		/* next ephemeral port */
	uint16_t rtpport;	/* recorders: next RTP client port */
	const struct vendor *v;	/* cameras only */
	char serial[16];
};

/* One message of a scripted conversation: bytes in the gen's arena. */
struct msg {
	int dir;		/* 0: client to server */
	size_t off, len;
	uint64_t gap;		/* µs from the previous packet */
};

/* An H.264 stream packetised as RFC 6184 (single NAL units and FU-A). */
struct video {
	uint32_t ssrc, ts, cycles;
	uint16_t seq;
	int fps, gop;
	uint32_t psize, isize;	/* mean P and I frame sizes */
	uint32_t frame;
	int nnal, k, first;
	uint8_t ntype[3];
	uint32_t nsize[3];
	uint32_t left;		/* NAL body bytes still to send */
	uint64_t tframe, tnext;
	uint32_t pkts, octets;
	uint32_t lsr;		/* middle of the last SR's NTP time */
	uint64_t tsr;
};

enum kind { K_SPAWN, K_SCRIPT, K_RTP, K_RTCP, K_ILV, K_SCAN, K_ARP, K_PROBE };
enum then { THEN_CLOSE, THEN_END, THEN_RTSPKEEP, THEN_ILV, THEN_SMART };
enum phase { PH_SYN, PH_SYNACK, PH_ACK, PH_DATA, PH_FIN0, PH_FIN1, PH_FIN2 };
enum spawn {
	SP_ONVIF, SP_SNMP, SP_NTP, SP_DNS, SP_TLS, SP_SCAN, SP_NSPAWN
};

struct gen {
	uint64_t t, id;
	enum kind kind;
	struct gen *nextfree;
	struct craft_conv cv;
	char caddr[16], saddr[16];
	struct host *cam, *rec;
	/* K_SPAWN */
	enum spawn sp;
	uint64_t period;
	/* K_SCRIPT */
	enum then then;
	enum phase phase;
	struct msg m[MAXMSG];
	int nm, mi, unacked, ackdir;
	size_t off;
	uint8_t *buf;
	size_t buflen, bufcap;
	/* RTSP and streams */
	uint32_t cseq;
	char url[160], session[20];
	uint16_t cport, sport;
	struct video vd, *peer;
	uint64_t trtcp, tack;
	int rtcpdir;
	/* K_SCAN */
	int probes, open;
	uint16_t scanport;
	/* K_ARP: cam asks for rec's address (rec NULL: announces its own) */
	int arpreply;
};

static struct {
	int sample;
	int ncam, ncli;
	struct host cam[MAXCAM], rec[NREC], cli[MAXCLI];
	struct host dc, mgmt, sql, events, scanner;
	/* Sample mode: the camera gateway, the rogue device, the others. */
	struct host gw, rpi, inet, mdns;
	int nrec;
	uint64_t seed;
	uint64_t spawnperiod[SP_NSPAWN];
} site;

static uint64_t rng_state;
static uint8_t pool[POOLSZ];
static struct gen **heap;
static size_t heapn, heapcap;
static struct gen *freegens;
static uint64_t genid;
static uint64_t npkts, nbytes, nflows, maxpkts, maxbytes;
static struct craft_pcap *out;
static uint8_t pkt[70000];

static const char *sps_b64 = "Z00AKeKQDwBE/LgLcBAQGkHiRFQ=,aO48gA==";
static const uint8_t sps[] = { 0x67, 0x4d, 0x00, 0x29, 0xe2, 0x90, 0x0f,
	0x00, 0x44, 0xfc, 0xb8, 0x0b, 0x70, 0x10, 0x10, 0x1a, 0x41, 0xe2, 0x44,
	0x54 };
static const uint8_t pps[] = { 0x68, 0xee, 0x3c, 0x80 };

/* splitmix64: small, fast and good enough for traffic shapes. */
static uint64_t
rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [lo, hi]. */
static uint64_t
rndr(uint64_t lo, uint64_t hi)
{
	return lo + rnd() % (hi - lo + 1);
}

static void
rndbytes(uint8_t *p, size_t n)
{
	size_t o = rnd() % (POOLSZ / 2);

	/* The pool is POOLSZ bytes; callers never ask for more than half. */
	while (n > 0) {
		size_t k = n < POOLSZ / 2 ? n : POOLSZ / 2;

		memcpy(p, pool + o, k);
		p += k;
		n -= k;
	}
}

static void
put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void
httpdate(char *s, size_t n, uint64_t t)
{
	time_t sec = (time_t)(t / 1000000);
	struct tm tm;

	gmtime_r(&sec, &tm);
	strftime(s, n, "%a, %d %b %Y %H:%M:%S GMT", &tm);
}

/* Heap of generators ordered by (time, creation order). */

static int
gen_before(const struct gen *a, const struct gen *b)
{
	return a->t < b->t || (a->t == b->t && a->id < b->id);
}

static void
heap_push(struct gen *g)
{
	size_t i;

	if (heapn == heapcap) {
		heapcap = heapcap ? heapcap * 2 : 1024;
		if ((heap = realloc(heap, heapcap * sizeof(*heap))) == NULL)
			err(1, "realloc");
	}
	i = heapn++;
	while (i > 0 && gen_before(g, heap[(i - 1) / 2])) {
		heap[i] = heap[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	heap[i] = g;
}

static struct gen *
heap_pop(void)
{
	struct gen *top = heap[0], *last = heap[--heapn];
	size_t i = 0, c;

	while ((c = 2 * i + 1) < heapn) {
		if (c + 1 < heapn && gen_before(heap[c + 1], heap[c]))
			c++;
		if (!gen_before(heap[c], last))
			break;
		heap[i] = heap[c];
		i = c;
	}
	if (heapn > 0)
		heap[i] = last;
	return top;
}

static struct gen *
gen_new(enum kind kind, uint64_t t)
{
	struct gen *g;
	uint8_t *buf;
	size_t cap;

	if ((g = freegens) != NULL) {
		freegens = g->nextfree;
		buf = g->buf;
		cap = g->bufcap;
	} else {
		if ((g = malloc(sizeof(*g))) == NULL)
			err(1, "malloc");
		buf = NULL;
		cap = 0;
	}
	memset(g, 0, sizeof(*g));
	g->buf = buf;
	g->bufcap = cap;
	g->kind = kind;
	g->t = t;
	g->id = genid++;
	g->ackdir = -1;
	return g;
}

static void
gen_free(struct gen *g)
{
	g->nextfree = freegens;
	freegens = g;
}

static uint16_t
host_port(struct host *h)
{
	if (h->eport < 32768 || h->eport > 60999)
		h->eport = 32768;
	return h->eport++;
}

/* Starts the conversation of g: client c (port cp) to server s. */
static void
gen_conv(struct gen *g, const struct host *c, uint16_t cp,
    const struct host *s, uint16_t sp, uint8_t proto)
{
	memcpy(g->caddr, c->addr, sizeof(g->caddr));
	memcpy(g->saddr, s->addr, sizeof(g->saddr));
	craft_conv_init(&g->cv, out, c->mac, g->caddr, cp, s->mac, g->saddr,
	    sp, proto, 0);
	/* Spread the initial sequence numbers that craft derives from ports. */
	g->cv.cseq += (uint32_t)rnd();
	g->cv.sseq += (uint32_t)rnd();
	g->cport = cp;
	g->sport = sp;
	nflows++;
}

/* Writes one packet of g's conversation at g->t. */
static void
emit(struct gen *g, int dir, uint8_t flags, const void *data, size_t len)
{
	int rc;

	if (flags)
		rc = craft_conv_flags(&g->cv, g->t, dir, flags);
	else
		rc = craft_conv_send(&g->cv, g->t, dir, data, len);
	if (rc == -1)
		err(1, "write");
	npkts++;
	nbytes += 14 + 20 + (g->cv.c2s.proto == IPPROTO_TCP ? 20 : 8) + len;
}

/* Script building: messages are appended to the gen's byte arena. */

static void
msg_reset(struct gen *g)
{
	g->nm = g->mi = 0;
	g->off = 0;
	g->buflen = 0;
}

static uint8_t *
msg_add(struct gen *g, int dir, uint64_t gap, size_t len)
{
	struct msg *m;

	if (g->nm == MAXMSG)
		errx(1, "too many messages");
	if (g->buflen + len > g->bufcap) {
		g->bufcap = (g->buflen + len) * 2;
		if ((g->buf = realloc(g->buf, g->bufcap)) == NULL)
			err(1, "realloc");
	}
	m = &g->m[g->nm++];
	m->dir = dir;
	m->off = g->buflen;
	m->len = len;
	m->gap = gap;
	g->buflen += len;
	return g->buf + m->off;
}

static void
msg_addf(struct gen *g, int dir, uint64_t gap, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
msg_addf(struct gen *g, int dir, uint64_t gap, const char *fmt, ...)
{
	char s[4096];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(s, sizeof(s), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(s))
		errx(1, "message too long");
	memcpy(msg_add(g, dir, gap, (size_t)n), s, (size_t)n);
}

/* Extends the last message by len bytes (a second record, a body). */
static uint8_t *
msg_extend(struct gen *g, size_t len)
{
	struct msg *m = &g->m[g->nm - 1];

	if (g->buflen + len > g->bufcap) {
		g->bufcap = (g->buflen + len) * 2;
		if ((g->buf = realloc(g->buf, g->bufcap)) == NULL)
			err(1, "realloc");
	}
	m->len += len;
	g->buflen += len;
	return g->buf + g->buflen - len;
}

/* Video. */

static void
video_frame(struct video *v)
{
	uint32_t mean;

	v->k = 0;
	v->first = 1;
	if (v->frame % (uint32_t)v->gop == 0) {
		v->nnal = 3;
		v->ntype[0] = 7;
		v->nsize[0] = sizeof(sps) - 1;
		v->ntype[1] = 8;
		v->nsize[1] = sizeof(pps) - 1;
		v->ntype[2] = 5;
		mean = v->isize;
		v->nsize[2] = (uint32_t)rndr(mean * 8 / 10, mean * 12 / 10);
	} else {
		v->nnal = 1;
		v->ntype[0] = 1;
		mean = v->psize;
		v->nsize[0] = (uint32_t)rndr(mean * 6 / 10, mean * 14 / 10);
	}
	v->left = v->nsize[0];
}

static void
video_init(struct video *v, int fps, int gop, uint32_t psize, uint32_t isize,
    uint64_t t)
{
	memset(v, 0, sizeof(*v));
	v->ssrc = (uint32_t)rnd();
	v->ts = (uint32_t)rnd();
	v->seq = (uint16_t)rnd();
	v->fps = fps;
	v->gop = gop;
	v->psize = psize;
	v->isize = isize;
	v->tframe = v->tnext = t;
	video_frame(v);
}

/*
 * Builds the next RTP packet (RFC 3550 header, RFC 6184 payload) into p and
 * returns its length; v->tnext becomes the time of the packet after it.
 */
static size_t
video_packet(struct video *v, uint8_t *p)
{
	uint8_t *pl = p + 12, type = v->ntype[v->k];
	uint8_t nri = type == 1 ? 2 : 3;
	size_t n, chunk;
	int marker = 0;

	if (v->first && v->left + 1 <= RTP_MAXPAY) {
		/* Single NAL unit packet. */
		pl[0] = (uint8_t)(nri << 5 | type);
		if (type == 7)
			memcpy(pl + 1, sps + 1, v->left);
		else if (type == 8)
			memcpy(pl + 1, pps + 1, v->left);
		else
			rndbytes(pl + 1, v->left);
		n = 1 + v->left;
		v->left = 0;
	} else {
		/* FU-A fragment: indicator, header with start/end bits. */
		chunk = v->left < RTP_MAXPAY - 2 ? v->left : RTP_MAXPAY - 2;
		pl[0] = (uint8_t)(nri << 5 | 28);
		pl[1] = (uint8_t)((v->first ? 0x80 : 0) |
		    (chunk == v->left ? 0x40 : 0) | type);
		rndbytes(pl + 2, chunk);
		n = 2 + chunk;
		v->left -= (uint32_t)chunk;
	}
	v->first = 0;
	if (v->left == 0 && ++v->k == v->nnal)
		marker = 1;
	p[0] = 0x80;		/* V=2, no padding, extension or CSRC */
	p[1] = (uint8_t)((marker ? 0x80 : 0) | 96);
	put16(p + 2, v->seq);
	put32(p + 4, v->ts);
	put32(p + 8, v->ssrc);
	if (++v->seq == 0)
		v->cycles++;
	v->pkts++;
	v->octets += (uint32_t)n;
	if (marker) {
		v->frame++;
		v->ts += 90000 / (uint32_t)v->fps;
		v->tframe += 1000000 / (uint64_t)v->fps;
		v->tnext = v->tframe + rndr(0, 1500);
		video_frame(v);
	} else {
		if (v->left == 0) {
			v->left = v->nsize[v->k];
			v->first = 1;
		}
		v->tnext += rndr(25, 110);
	}
	return 12 + n;
}

/* NTP timestamp (RFC 5905) of packet time t. */
static void
ntpts(uint8_t *p, uint64_t t)
{
	put32(p, (uint32_t)(t / 1000000 + NTP_UNIX));
	put32(p + 4, (uint32_t)(((t % 1000000) << 32) / 1000000));
}

/* SDES with one CNAME item (RFC 3550 6.5); returns its length. */
static size_t
rtcp_sdes(uint8_t *p, uint32_t ssrc, const char *cname)
{
	size_t cl = strlen(cname), n = 4 + 4 + 2 + cl + 1;

	n = (n + 3) & ~(size_t)3;
	memset(p, 0, n);
	p[0] = 0x81;
	p[1] = 202;
	put16(p + 2, (uint32_t)(n / 4 - 1));
	put32(p + 4, ssrc);
	p[8] = 1;
	p[9] = (uint8_t)cl;
	memcpy(p + 10, cname, cl);
	return n;
}

/* Sender report + SDES from the camera (RFC 3550 6.4.1). */
static size_t
rtcp_sr(uint8_t *p, struct video *v, uint64_t t, const char *addr)
{
	char cname[64];

	p[0] = 0x80;
	p[1] = 200;
	put16(p + 2, 6);
	put32(p + 4, v->ssrc);
	ntpts(p + 8, t);
	/* The RTP clock of now; the next frame may not have started yet. */
	put32(p + 16, v->ts + (uint32_t)(((int64_t)t - (int64_t)v->tframe) *
	    9 / 100));
	put32(p + 20, v->pkts);
	put32(p + 24, v->octets);
	v->lsr = (uint32_t)p[10] << 24 | (uint32_t)p[11] << 16 |
	    (uint32_t)p[12] << 8 | p[13];
	v->tsr = t;
	snprintf(cname, sizeof(cname), "camera@%s", addr);
	return 28 + rtcp_sdes(p + 28, v->ssrc ^ 0x5a5a0000u, cname);
}

/* Receiver report + SDES from the recorder (RFC 3550 6.4.2). */
static size_t
rtcp_rr(uint8_t *p, const struct video *v, uint64_t t, const char *addr)
{
	char cname[64];
	uint32_t rssrc = v->ssrc ^ 0x13572468u;

	p[0] = 0x81;
	p[1] = 201;
	put16(p + 2, 7);
	put32(p + 4, rssrc);
	put32(p + 8, v->ssrc);
	put32(p + 12, 0);	/* no loss */
	put32(p + 16, v->cycles << 16 | (uint16_t)(v->seq - 1));
	put32(p + 20, (uint32_t)rndr(2, 40));	/* jitter */
	put32(p + 24, v->lsr);
	put32(p + 28, v->tsr ? (uint32_t)((t - v->tsr) * 65536 / 1000000) :
	    0);
	snprintf(cname, sizeof(cname), "recorder@%s", addr);
	return 32 + rtcp_sdes(p + 32, rssrc, cname);
}

/* RTSP session (RFC 2326) from a recorder to a camera. */

static const char *rtsp_ua = "VMS Recording Server/23.2.0 (RTSP)";

static void
rtsp_keepalive(struct gen *g)
{
	char date[40];
	uint64_t gap = rndr(25000000, 30000000);

	msg_reset(g);
	httpdate(date, sizeof(date), g->t + gap);
	g->cseq++;
	msg_addf(g, 0, gap, "GET_PARAMETER %s RTSP/1.0\r\nCSeq: %u\r\n"
	    "User-Agent: %s\r\nSession: %s\r\n\r\n", g->url, g->cseq, rtsp_ua,
	    g->session);
	msg_addf(g, 1, rndr(400, 3000), "RTSP/1.0 200 OK\r\nCSeq: %u\r\n"
	    "Server: %s\r\nSession: %s;timeout=60\r\nDate: %s\r\n\r\n", g->cseq,
	    g->cam->v->rtsp_server, g->session, date);
}

/*
 * The RTSP setup of camera cam by its recorder; tcp: interleaved RTP.
 * Camera profiles vary the frame rate, GOP and bit rate.
 */
static void
start_camera(struct host *cam, struct host *rec, uint64_t t, int tcp)
{
	struct gen *g = gen_new(K_SCRIPT, t);
	const struct vendor *v = cam->v;
	char sdp[1400], date[40], ctl[200];
	int fps, gop, n;
	uint32_t psize, isize;

	g->cam = cam;
	g->rec = rec;
	gen_conv(g, rec, host_port(rec), cam, 554, IPPROTO_TCP);
	g->then = tcp ? THEN_ILV : THEN_RTSPKEEP;
	snprintf(g->url, sizeof(g->url), "rtsp://%s:554%s", cam->addr,
	    v->rtsp_path);
	snprintf(ctl, sizeof(ctl), "%s/trackID=1", g->url);
	snprintf(g->session, sizeof(g->session), "%08X",
	    (unsigned)(rnd() >> 32));
	if (site.sample) {
		/* Low-resolution substreams keep the sample small. */
		fps = rnd() & 1 ? 10 : 15;
		gop = fps * 2;
		psize = (uint32_t)rndr(250, 600);
		isize = (uint32_t)rndr(3000, 5000);
	} else {
		fps = rnd() % 3 ? 25 : 30;
		gop = rnd() & 1 ? fps : fps * 2;
		psize = (uint32_t)rndr(5000, 18000);
		isize = psize * (uint32_t)rndr(6, 10);
	}
	video_init(&g->vd, fps, gop, psize, isize, 0);
	httpdate(date, sizeof(date), t);

	g->cseq = 1;
	msg_addf(g, 0, 300, "OPTIONS %s RTSP/1.0\r\nCSeq: 1\r\n"
	    "User-Agent: %s\r\n\r\n", g->url, rtsp_ua);
	msg_addf(g, 1, rndr(500, 4000), "RTSP/1.0 200 OK\r\nCSeq: 1\r\n"
	    "Public: OPTIONS, DESCRIBE, ANNOUNCE, GET_PARAMETER, PAUSE, "
	    "PLAY, RECORD, SETUP, SET_PARAMETER, TEARDOWN\r\n"
	    "Server: %s\r\nDate: %s\r\n\r\n", v->rtsp_server, date);
	msg_addf(g, 0, rndr(200, 800), "DESCRIBE %s RTSP/1.0\r\nCSeq: 2\r\n"
	    "User-Agent: %s\r\nAccept: application/sdp\r\n\r\n", g->url,
	    rtsp_ua);
	n = snprintf(sdp, sizeof(sdp), "v=0\r\n"
	    "o=- %llu 1 IN IP4 %s\r\n"
	    "s=Media Presentation\r\n"
	    "e=NONE\r\n"
	    "b=AS:%u\r\n"
	    "t=0 0\r\n"
	    "a=control:%s\r\n"
	    "a=range:npt=now-\r\n"
	    "m=video 0 RTP/AVP 96\r\n"
	    "c=IN IP4 0.0.0.0\r\n"
	    "b=AS:%u\r\n"
	    "a=recvonly\r\n"
	    "a=x-dimensions:%s\r\n"
	    "a=control:%s\r\n"
	    "a=rtpmap:96 H264/90000\r\n"
	    "a=fmtp:96 profile-level-id=4d0029;packetization-mode=1;"
	    "sprop-parameter-sets=%s\r\n"
	    "a=framerate:%d.000000\r\n",
	    (unsigned long long)(t / 1000 + rnd() % 100000), cam->addr,
	    (psize * (unsigned)fps * 8 / 1000) + 64, g->url,
	    psize * (unsigned)fps * 8 / 1000,
	    site.sample ? "640,360" : "1920,1080", ctl, sps_b64, fps);
	msg_addf(g, 1, rndr(1000, 9000), "RTSP/1.0 200 OK\r\nCSeq: 2\r\n"
	    "Content-Type: application/sdp\r\nContent-Base: %s/\r\n"
	    "Server: %s\r\nDate: %s\r\nContent-Length: %d\r\n\r\n%s",
	    g->url, v->rtsp_server, date, n, sdp);
	if (tcp) {
		msg_addf(g, 0, rndr(200, 800), "SETUP %s RTSP/1.0\r\n"
		    "CSeq: 3\r\nUser-Agent: %s\r\n"
		    "Transport: RTP/AVP/TCP;unicast;interleaved=0-1\r\n\r\n",
		    ctl, rtsp_ua);
		msg_addf(g, 1, rndr(500, 5000), "RTSP/1.0 200 OK\r\n"
		    "CSeq: 3\r\nTransport: RTP/AVP/TCP;unicast;"
		    "interleaved=0-1;ssrc=%08X;mode=\"play\"\r\n"
		    "Server: %s\r\nSession: %s;timeout=60\r\n"
		    "Date: %s\r\n\r\n", g->vd.ssrc, v->rtsp_server,
		    g->session, date);
	} else {
		if (rec->rtpport < 50000 || rec->rtpport > 65000)
			rec->rtpport = 50000;
		g->cport = rec->rtpport;
		rec->rtpport += 2;
		g->sport = (uint16_t)(rndr(10000, 30000) * 2);
		msg_addf(g, 0, rndr(200, 800), "SETUP %s RTSP/1.0\r\n"
		    "CSeq: 3\r\nUser-Agent: %s\r\n"
		    "Transport: RTP/AVP;unicast;client_port=%u-%u\r\n\r\n",
		    ctl, rtsp_ua, g->cport, g->cport + 1);
		msg_addf(g, 1, rndr(500, 5000), "RTSP/1.0 200 OK\r\n"
		    "CSeq: 3\r\nTransport: RTP/AVP;unicast;"
		    "client_port=%u-%u;server_port=%u-%u;ssrc=%08X;"
		    "mode=\"play\"\r\nServer: %s\r\n"
		    "Session: %s;timeout=60\r\nDate: %s\r\n\r\n",
		    g->cport, g->cport + 1, g->sport, g->sport + 1,
		    g->vd.ssrc, v->rtsp_server, g->session, date);
	}
	msg_addf(g, 0, rndr(200, 800), "PLAY %s RTSP/1.0\r\nCSeq: 4\r\n"
	    "User-Agent: %s\r\nSession: %s\r\nRange: npt=0.000-\r\n\r\n",
	    g->url, rtsp_ua, g->session);
	msg_addf(g, 1, rndr(500, 5000), "RTSP/1.0 200 OK\r\nCSeq: 4\r\n"
	    "Server: %s\r\nSession: %s\r\nRange: npt=now-\r\n"
	    "RTP-Info: url=%s;seq=%u;rtptime=%u\r\nDate: %s\r\n\r\n",
	    v->rtsp_server, g->session, ctl, g->vd.seq, g->vd.ts, date);
	g->cseq = 4;
	heap_push(g);
}

/* The RTP and RTCP flows of a UDP session that just started playing. */
static struct gen *
spawn_rtp(struct gen *rtsp)
{
	struct gen *r = gen_new(K_RTP, rtsp->t + rndr(1000, 20000));
	struct gen *c = gen_new(K_RTCP, 0);

	r->vd = rtsp->vd;
	r->vd.tframe = r->vd.tnext = r->t;
	r->cam = rtsp->cam;
	r->rec = rtsp->rec;
	gen_conv(r, rtsp->cam, rtsp->sport, rtsp->rec, rtsp->cport,
	    IPPROTO_UDP);
	heap_push(r);
	c->peer = &r->vd;
	c->cam = rtsp->cam;
	c->rec = rtsp->rec;
	gen_conv(c, rtsp->cam, rtsp->sport + 1, rtsp->rec, rtsp->cport + 1,
	    IPPROTO_UDP);
	c->t = r->t + rndr(500000, 2500000);
	heap_push(c);
	return r;
}

/* Short request/response conversations. */

static void
start_onvif(struct host *cam, struct host *rec, uint64_t t)
{
	struct gen *g = gen_new(K_SCRIPT, t);
	const struct vendor *v = cam->v;
	char date[40], body[2048];
	time_t sec = (time_t)(t / 1000000);
	struct tm tm;
	int n;

	gmtime_r(&sec, &tm);
	httpdate(date, sizeof(date), t);
	gen_conv(g, rec, host_port(rec), cam, 80, IPPROTO_TCP);
	g->then = THEN_CLOSE;
	if (rnd() % 3 == 0) {
		/* ONVIF device service (SOAP 1.2). */
		n = snprintf(body, sizeof(body), "<?xml version=\"1.0\" "
		    "encoding=\"UTF-8\"?><s:Envelope xmlns:s=\"http://www.w3"
		    ".org/2003/05/soap-envelope\"><s:Body xmlns:xsi=\"http://"
		    "www.w3.org/2001/XMLSchema-instance\" xmlns:xsd=\"http://"
		    "www.w3.org/2001/XMLSchema\"><GetSystemDateAndTime "
		    "xmlns=\"http://www.onvif.org/ver10/device/wsdl\"/>"
		    "</s:Body></s:Envelope>");
		msg_addf(g, 0, 300, "POST /onvif/device_service HTTP/1.1\r\n"
		    "Host: %s\r\nUser-Agent: gSOAP/2.8\r\nContent-Type: "
		    "application/soap+xml; charset=utf-8; action=\"http://"
		    "www.onvif.org/ver10/device/wsdl/GetSystemDateAndTime\"\r\n"
		    "Content-Length: %d\r\nConnection: close\r\n\r\n%s",
		    cam->addr, n, body);
		n = snprintf(body, sizeof(body), "<?xml version=\"1.0\" "
		    "encoding=\"UTF-8\"?>\n<SOAP-ENV:Envelope xmlns:SOAP-ENV="
		    "\"http://www.w3.org/2003/05/soap-envelope\" xmlns:tds="
		    "\"http://www.onvif.org/ver10/device/wsdl\" xmlns:tt=\""
		    "http://www.onvif.org/ver10/schema\"><SOAP-ENV:Body>"
		    "<tds:GetSystemDateAndTimeResponse><tds:SystemDateAndTime>"
		    "<tt:DateTimeType>NTP</tt:DateTimeType><tt:Daylight"
		    "Savings>false</tt:DaylightSavings><tt:TimeZone><tt:TZ>"
		    "UTC0</tt:TZ></tt:TimeZone><tt:UTCDateTime><tt:Time>"
		    "<tt:Hour>%d</tt:Hour><tt:Minute>%d</tt:Minute><tt:Second>"
		    "%d</tt:Second></tt:Time><tt:Date><tt:Year>%d</tt:Year>"
		    "<tt:Month>%d</tt:Month><tt:Day>%d</tt:Day></tt:Date>"
		    "</tt:UTCDateTime></tds:SystemDateAndTime></tds:GetSystem"
		    "DateAndTimeResponse></SOAP-ENV:Body></SOAP-ENV:Envelope>"
		    "\n", tm.tm_hour, tm.tm_min, tm.tm_sec, tm.tm_year + 1900,
		    tm.tm_mon + 1, tm.tm_mday);
		msg_addf(g, 1, rndr(2000, 15000), "HTTP/1.1 200 OK\r\n"
		    "Server: %s\r\nDate: %s\r\nContent-Type: application/"
		    "soap+xml; charset=utf-8\r\nContent-Length: %d\r\n"
		    "Connection: close\r\n\r\n%s", v->http_server, date, n,
		    body);
	} else {
		/* The vendor's own device-information call. */
		msg_addf(g, 0, 300, "GET %s HTTP/1.1\r\nHost: %s\r\n"
		    "User-Agent: VMS Recording Server/23.2.0\r\nAccept: */*\r\n"
		    "Authorization: Basic cm9vdDpyZWNvcmRlcg==\r\n"
		    "Connection: close\r\n\r\n", v->http_path, cam->addr);
		if (strcmp(v->http_ctype, "text/plain") == 0)
			n = snprintf(body, sizeof(body), "root.Brand.Brand=%s"
			    "\r\nroot.Brand.ProdNbr=%s\r\nroot.Brand."
			    "ProdType=Network Camera\r\nroot.Properties."
			    "System.SerialNumber=%s\r\n", v->name, v->model,
			    cam->serial);
		else
			n = snprintf(body, sizeof(body), "<?xml version=\"1.0\""
			    " encoding=\"UTF-8\"?>\n<DeviceInfo version=\"2.0\""
			    "><deviceName>%s</deviceName><model>%s</model>"
			    "<serialNumber>%s</serialNumber><macAddress>"
			    "%02x:%02x:%02x:%02x:%02x:%02x</macAddress>"
			    "<firmwareVersion>V5.7.3</firmwareVersion>"
			    "<deviceType>IPCamera</deviceType></DeviceInfo>\n",
			    v->name, v->model, cam->serial, cam->mac[0],
			    cam->mac[1], cam->mac[2], cam->mac[3], cam->mac[4],
			    cam->mac[5]);
		msg_addf(g, 1, rndr(2000, 20000), "HTTP/1.1 200 OK\r\n"
		    "Server: %s\r\nDate: %s\r\nContent-Type: %s\r\n"
		    "Content-Length: %d\r\nConnection: close\r\n\r\n%s",
		    v->http_server, date, v->http_ctype, n, body);
	}
	heap_push(g);
}

/* A small big-endian writer with length back-patching. */
struct wb {
	uint8_t *p;
	size_t n;
};

static void
w8(struct wb *w, uint32_t v)
{
	w->p[w->n++] = (uint8_t)v;
}

static void
w16(struct wb *w, uint32_t v)
{
	put16(w->p + w->n, v);
	w->n += 2;
}

static void
wbytes(struct wb *w, const void *d, size_t n)
{
	memcpy(w->p + w->n, d, n);
	w->n += n;
}

static void
wrand(struct wb *w, size_t n)
{
	rndbytes(w->p + w->n, n);
	w->n += n;
}

/* Patches the big-endian length of size sz at off to cover up to w->n. */
static void
wpatch(struct wb *w, size_t off, int sz)
{
	size_t len = w->n - off - (size_t)sz;

	if (sz == 3) {
		w->p[off] = (uint8_t)(len >> 16);
		put16(w->p + off + 1, (uint32_t)len);
	} else
		put16(w->p + off, (uint32_t)len);
}

/*
 * TLS 1.3 ClientHello (RFC 8446 4.1.2) with SNI (RFC 6066 3), or without
 * it when sni is NULL (a server known by its address only).
 */
static size_t
tls_client_hello(uint8_t *p, const char *sni)
{
	static const uint8_t suites[] = { 0x13, 0x01, 0x13, 0x02, 0x13, 0x03,
		0xc0, 0x2b, 0xc0, 0x2f, 0xc0, 0x2c, 0xc0, 0x30, 0xcc, 0xa9,
		0xcc, 0xa8, 0xc0, 0x13, 0xc0, 0x14, 0x00, 0x9c, 0x00, 0x9d,
		0x00, 0x2f, 0x00, 0x35 };
	static const uint8_t sigalgs[] = { 0x04, 0x03, 0x08, 0x04, 0x04, 0x01,
		0x05, 0x03, 0x08, 0x05, 0x05, 0x01, 0x08, 0x06, 0x06, 0x01 };
	struct wb w = { p, 0 };
	size_t rec, hs, ext, e, l;

	w8(&w, 22);
	w16(&w, 0x0301);
	rec = w.n;
	w16(&w, 0);
	w8(&w, 1);
	hs = w.n;
	w8(&w, 0);
	w16(&w, 0);
	w16(&w, 0x0303);
	wrand(&w, 32);
	w8(&w, 32);
	wrand(&w, 32);
	w16(&w, sizeof(suites));
	wbytes(&w, suites, sizeof(suites));
	w8(&w, 1);
	w8(&w, 0);
	ext = w.n;
	w16(&w, 0);
	if (sni != NULL) {
		/* server_name */
		w16(&w, 0x0000);
		e = w.n;
		w16(&w, 0);
		l = w.n;
		w16(&w, 0);
		w8(&w, 0);
		w16(&w, (uint32_t)strlen(sni));
		wbytes(&w, sni, strlen(sni));
		wpatch(&w, l, 2);
		wpatch(&w, e, 2);
	}
	/* extended_master_secret, renegotiation_info */
	w16(&w, 0x0017);
	w16(&w, 0);
	w16(&w, 0xff01);
	w16(&w, 1);
	w8(&w, 0);
	/* supported_groups: x25519, secp256r1, secp384r1 */
	w16(&w, 0x000a);
	w16(&w, 8);
	w16(&w, 6);
	w16(&w, 0x001d);
	w16(&w, 0x0017);
	w16(&w, 0x0018);
	/* ec_point_formats: uncompressed */
	w16(&w, 0x000b);
	w16(&w, 2);
	w8(&w, 1);
	w8(&w, 0);
	/* session_ticket */
	w16(&w, 0x0023);
	w16(&w, 0);
	/* ALPN: h2, http/1.1 */
	w16(&w, 0x0010);
	w16(&w, 14);
	w16(&w, 12);
	w8(&w, 2);
	wbytes(&w, "h2", 2);
	w8(&w, 8);
	wbytes(&w, "http/1.1", 8);
	/* status_request: OCSP */
	w16(&w, 0x0005);
	w16(&w, 5);
	w8(&w, 1);
	w16(&w, 0);
	w16(&w, 0);
	/* signature_algorithms */
	w16(&w, 0x000d);
	w16(&w, sizeof(sigalgs) + 2);
	w16(&w, sizeof(sigalgs));
	wbytes(&w, sigalgs, sizeof(sigalgs));
	/* key_share: x25519 */
	w16(&w, 0x0033);
	w16(&w, 38);
	w16(&w, 36);
	w16(&w, 0x001d);
	w16(&w, 32);
	wrand(&w, 32);
	/* supported_versions: TLS 1.3, 1.2 */
	w16(&w, 0x002b);
	w16(&w, 5);
	w8(&w, 4);
	w16(&w, 0x0304);
	w16(&w, 0x0303);
	/* psk_key_exchange_modes: psk_dhe_ke */
	w16(&w, 0x002d);
	w16(&w, 2);
	w8(&w, 1);
	w8(&w, 1);
	wpatch(&w, ext, 2);
	wpatch(&w, hs, 3);
	wpatch(&w, rec, 2);
	return w.n;
}

/* ServerHello choosing TLS 1.3, then ChangeCipherSpec (RFC 8446 D.4). */
static size_t
tls_server_hello(uint8_t *p, const uint8_t *ch)
{
	struct wb w = { p, 0 };
	size_t rec, hs, ext;

	w8(&w, 22);
	w16(&w, 0x0303);
	rec = w.n;
	w16(&w, 0);
	w8(&w, 2);
	hs = w.n;
	w8(&w, 0);
	w16(&w, 0);
	w16(&w, 0x0303);
	wrand(&w, 32);
	/* Echo the client's session id (5 + 4 + 2 + 32 + 1 into it). */
	w8(&w, 32);
	wbytes(&w, ch + 44, 32);
	w16(&w, 0x1301);
	w8(&w, 0);
	ext = w.n;
	w16(&w, 0);
	w16(&w, 0x002b);
	w16(&w, 2);
	w16(&w, 0x0304);
	w16(&w, 0x0033);
	w16(&w, 36);
	w16(&w, 0x001d);
	w16(&w, 32);
	wrand(&w, 32);
	wpatch(&w, ext, 2);
	wpatch(&w, hs, 3);
	wpatch(&w, rec, 2);
	w8(&w, 20);
	w16(&w, 0x0303);
	w16(&w, 1);
	w8(&w, 1);
	return w.n;
}

/* Encrypted records carrying n bytes of application data in all. */
static size_t
tls_appdata(uint8_t *p, size_t n)
{
	struct wb w = { p, 0 };

	while (n > 0) {
		size_t k = n > 4096 ? 4096 : n;

		w8(&w, 23);
		w16(&w, 0x0303);
		w16(&w, (uint32_t)(k + 17));
		wrand(&w, k + 17);
		n -= k;
	}
	return w.n;
}

static size_t
tls_appdata_len(size_t n)
{
	return n + ((n + 4095) / 4096) * (5 + 17);
}

/*
 * An HTTPS session from c to s:443.  small: one short exchange (a
 * recorder asking a camera for its settings) instead of web-service calls.
 */
static void
start_https(struct host *c, struct host *s, const char *sni, int small,
    uint64_t t)
{
	struct gen *g = gen_new(K_SCRIPT, t);
	uint8_t *p, *ch;
	size_t n, chl;
	int i, nreq;

	gen_conv(g, c, host_port(c), s, 443, IPPROTO_TCP);
	g->then = THEN_CLOSE;
	ch = msg_add(g, 0, 300, 600);
	chl = tls_client_hello(ch, sni);
	g->m[0].len = chl;
	g->buflen = g->m[0].off + chl;
	p = msg_add(g, 1, rndr(800, 4000), 300);
	n = tls_server_hello(p, g->buf + g->m[0].off);
	g->m[1].len = n;
	g->buflen = g->m[1].off + n;
	/* Encrypted extensions, certificate chain, verify, finished. */
	n = rndr(2200, 3600);
	tls_appdata(msg_extend(g, tls_appdata_len(n)), n);
	/* Client: ChangeCipherSpec, Finished, first request. */
	p = msg_add(g, 0, rndr(500, 3000), 6);
	memcpy(p, "\x14\x03\x03\x00\x01\x01", 6);
	tls_appdata(msg_extend(g, tls_appdata_len(36)), 36);
	n = rndr(250, 1100);
	tls_appdata(msg_extend(g, tls_appdata_len(n)), n);
	nreq = small ? 1 : (int)rndr(1, 3);
	for (i = 0; i < nreq; i++) {
		n = small ? rndr(400, 3000) : rndr(400, i == 0 ? 24000 : 9000);
		tls_appdata(msg_add(g, 1, rndr(3000, 40000),
		    tls_appdata_len(n)), n);
		if (i + 1 < nreq) {
			n = rndr(250, 900);
			tls_appdata(msg_add(g, 0, rndr(20000, 400000),
			    tls_appdata_len(n)), n);
		}
	}
	/* close_notify, encrypted. */
	tls_appdata(msg_add(g, 0, rndr(100000, 900000), tls_appdata_len(2)),
	    2);
	heap_push(g);
}

/* Smart client: binary live-view session to a recorder on 7563. */
static void
smart_frames(struct gen *g)
{
	uint8_t *p;
	size_t n, o;
	int i, k = site.sample ? 1 : 3;

	msg_reset(g);
	if (rnd() % 8 == 0) {
		/* A request: magic, length, type 1, camera, sequence. */
		n = rndr(48, 160);
		p = msg_add(g, 0, rndr(5000, 100000), n);
		rndbytes(p, n);
		memcpy(p, "VMSC", 4);
		put32(p + 4, (uint32_t)n);
		put16(p + 8, 1);
		put16(p + 10, (uint32_t)(rnd() % 400));
		put32(p + 12, g->cseq++);
	}
	for (i = 0; i < k; i++) {
		n = site.sample ? rndr(300, 1400) : rndr(1500, 14000);
		p = msg_add(g, 1, site.sample ? rndr(150000, 400000) :
		    rndr(20000, 80000), n);
		/* A frame: magic, length, type 2, camera, time, codec. */
		rndbytes(p, n);
		memcpy(p, "VMSC", 4);
		put32(p + 4, (uint32_t)n);
		put16(p + 8, 2);
		put16(p + 10, (uint32_t)(rnd() % 400));
		put32(p + 12, (uint32_t)(g->t / 1000));
		put32(p + 16, 0x000001a0);
		/*
		 * A segment starting 0x82 reads as Thrift compact protocol to
		 * tshark's heuristics, which then flags the random body as
		 * malformed; keep the validation output clean.
		 */
		for (o = MSS; o < n; o += MSS)
			if (p[o] == 0x82)
				p[o] = 0x83;
	}
}

static void
start_smart(struct host *c, struct host *rec, uint64_t t)
{
	struct gen *g = gen_new(K_SCRIPT, t);
	uint8_t *p;

	gen_conv(g, c, host_port(c), rec, 7563, IPPROTO_TCP);
	g->then = THEN_SMART;
	/* Login and its answer. */
	p = msg_add(g, 0, 300, 96);
	rndbytes(p, 96);
	memcpy(p, "VMSC\x00\x00\x00\x60\x00\x10", 10);
	p = msg_add(g, 1, rndr(1000, 5000), 64);
	rndbytes(p, 64);
	memcpy(p, "VMSC\x00\x00\x00\x40\x00\x11", 10);
	heap_push(g);
}

/* DNS query and answer (RFC 1035 4.1). */
static size_t
dns_msg(uint8_t *p, uint16_t id, const char *name, uint16_t qtype, int resp,
    const char *addr)
{
	struct wb w = { p, 0 };
	const char *s = name, *dot;
	int an = resp && qtype == 1;

	w16(&w, id);
	w16(&w, resp ? 0x8580 : 0x0100);
	w16(&w, 1);
	w16(&w, (uint32_t)an);
	w16(&w, 0);
	w16(&w, 0);
	for (;;) {
		size_t l;

		dot = strchr(s, '.');
		l = dot ? (size_t)(dot - s) : strlen(s);
		w8(&w, (uint32_t)l);
		wbytes(&w, s, l);
		if (dot == NULL)
			break;
		s = dot + 1;
	}
	w8(&w, 0);
	w16(&w, qtype);
	w16(&w, 1);
	if (an) {
		unsigned a, b, c, d;

		w16(&w, 0xc00c);
		w16(&w, 1);
		w16(&w, 1);
		w16(&w, 0);
		w16(&w, 1200);
		w16(&w, 4);
		if (sscanf(addr, "%u.%u.%u.%u", &a, &b, &c, &d) != 4)
			a = b = c = d = 0;
		w8(&w, a);
		w8(&w, b);
		w8(&w, c);
		w8(&w, d);
	}
	return w.n;
}

static void
start_dns(struct host *c, uint64_t t)
{
	static const char *names[] = { "mgmt.vms.example.com",
	    "events.vms.example.com", "sql01.vms.example.com",
	    "dc01.example.com", "ntp.example.com", NULL,
	    "wpad.example.com", "update.vms.example.com" };
	static const char *addrs[] = { "192.168.10.10", "192.168.10.12",
	    "192.168.10.11", "192.168.10.2", "192.168.10.2", NULL,
	    "192.168.10.2", "192.168.10.10" };
	struct gen *g = gen_new(K_SCRIPT, t);
	char name[64], addr[16];
	size_t i = rnd() % (sizeof(names) / sizeof(names[0]));
	uint16_t id = (uint16_t)rnd(), qt = rnd() % 4 == 0 ? 28 : 1;
	int r = (int)(rnd() % NREC);
	uint8_t *p;

	if (names[i] != NULL) {
		snprintf(name, sizeof(name), "%s", names[i]);
		snprintf(addr, sizeof(addr), "%s", addrs[i]);
	} else {
		snprintf(name, sizeof(name), "rec%02d.vms.example.com", r + 1);
		snprintf(addr, sizeof(addr), "192.168.10.%d", 20 + r);
	}
	gen_conv(g, c, host_port(c), &site.dc, 53, IPPROTO_UDP);
	g->then = THEN_END;
	p = msg_add(g, 0, 0, 512);
	g->m[0].len = dns_msg(p, id, name, qt, 0, addr);
	g->buflen = g->m[0].len;
	p = msg_add(g, 1, rndr(150, 900), 512);
	g->m[1].len = dns_msg(p, id, name, qt, 1, addr);
	g->buflen = g->m[1].off + g->m[1].len;
	heap_push(g);
}

/* NTP client request and server reply, 48 bytes each (RFC 5905 7.3). */
static void
start_ntp(struct host *c, struct host *s, uint64_t t)
{
	struct gen *g = gen_new(K_SCRIPT, t);
	uint64_t rt = rndr(150, 600);
	uint8_t *q, *r;

	gen_conv(g, c, host_port(c), s, 123, IPPROTO_UDP);
	g->then = THEN_END;
	q = msg_add(g, 0, 0, 48);
	memset(q, 0, 48);
	q[0] = 0x23;		/* LI 0, version 4, mode 3 (client) */
	ntpts(q + 40, t);
	r = msg_add(g, 1, rt, 48);
	q = g->buf;		/* msg_add may have moved the arena */
	memset(r, 0, 48);
	r[0] = 0x24;		/* LI 0, version 4, mode 4 (server) */
	r[1] = 3;		/* stratum */
	r[2] = 6;		/* poll 64 s */
	r[3] = 0xe9;		/* precision 2^-23 */
	put32(r + 4, 0x00000a3c);
	put32(r + 8, 0x00001b2a);
	memcpy(r + 12, "\xc0\x00\x02\x7b", 4);	/* refid: upstream server */
	ntpts(r + 16, t - 512000000);
	memcpy(r + 24, q + 40, 8);
	ntpts(r + 32, t + rt / 2);
	ntpts(r + 40, t + rt / 2 + 20);
	heap_push(g);
}

/* BER TLV around the len bytes at p (moves them); returns the new length. */
static size_t
ber_wrap(uint8_t *p, size_t len, uint8_t tag)
{
	size_t h = len < 128 ? 2 : len < 256 ? 3 : 4;

	memmove(p + h, p, len);
	p[0] = tag;
	if (h == 2)
		p[1] = (uint8_t)len;
	else if (h == 3) {
		p[1] = 0x81;
		p[2] = (uint8_t)len;
	} else {
		p[1] = 0x82;
		put16(p + 2, (uint32_t)len);
	}
	return h + len;
}

static size_t
ber_int(uint8_t *p, uint32_t v)
{
	size_t n = 0;
	int i;

	/* Minimal two's complement encoding of a non-negative value. */
	for (i = 3; i > 0; i--)
		if ((v >> (8 * i)) != 0 ||
		    ((v >> (8 * (i - 1))) & 0x80) != 0)
			break;
	p[0] = 0x02;
	for (; i >= 0; i--)
		p[2 + n++] = (uint8_t)(v >> (8 * i));
	if (p[2] & 0x80) {
		memmove(p + 3, p + 2, n);
		p[2] = 0;
		n++;
	}
	p[1] = (uint8_t)n;
	return 2 + n;
}

/*
 * SNMPv2c GetRequest or Response (RFC 3416) for sysDescr.0, sysUpTime.0
 * and sysName.0.
 */
static size_t
snmp_msg(uint8_t *p, uint32_t reqid, int resp, const struct host *cam,
    uint32_t uptime)
{
	static const uint8_t oid[3][10] = {
		{ 0x06, 0x08, 0x2b, 6, 1, 2, 1, 1, 1, 0 },
		{ 0x06, 0x08, 0x2b, 6, 1, 2, 1, 1, 3, 0 },
		{ 0x06, 0x08, 0x2b, 6, 1, 2, 1, 1, 5, 0 } };
	uint8_t vb[600], *q;
	size_t n = 0, k, vl;
	char s[128];
	int i;

	for (i = 0; i < 3; i++) {
		q = vb + n;
		memcpy(q, oid[i], 10);
		k = 10;
		if (!resp) {
			q[k++] = 0x05;
			q[k++] = 0;
		} else if (i == 1) {
			q[k] = 0x43;	/* TimeTicks */
			vl = ber_int(q + k, uptime) - 2;
			q[k] = 0x43;
			k += 2 + vl;
		} else {
			if (i == 0)
				snprintf(s, sizeof(s), "%s %s Network Camera",
				    cam->v->name, cam->v->model);
			else
				snprintf(s, sizeof(s), "cam-%s",
				    strrchr(cam->addr, '.') + 1);
			q[k] = 0x04;
			q[k + 1] = (uint8_t)strlen(s);
			memcpy(q + k + 2, s, strlen(s));
			k += 2 + strlen(s);
		}
		n += ber_wrap(q, k, 0x30);
	}
	n = ber_wrap(vb, n, 0x30);
	/* PDU: request-id, error-status, error-index, bindings. */
	k = ber_int(p, reqid);
	k += ber_int(p + k, 0);
	k += ber_int(p + k, 0);
	memcpy(p + k, vb, n);
	k = ber_wrap(p, k + n, resp ? 0xa2 : 0xa0);
	/* Message: version 1 (v2c), community, PDU. */
	memmove(p + 11, p, k);
	ber_int(p, 1);
	memcpy(p + 3, "\x04\x06public", 8);
	return ber_wrap(p, 11 + k, 0x30);
}

static void
start_snmp(struct host *cam, uint64_t t)
{
	struct gen *g = gen_new(K_SCRIPT, t);
	uint32_t id = (uint32_t)(rnd() & 0x7fffffff);
	uint8_t *p;

	gen_conv(g, &site.mgmt, host_port(&site.mgmt), cam, 161, IPPROTO_UDP);
	g->then = THEN_END;
	p = msg_add(g, 0, 0, 700);
	g->m[0].len = snmp_msg(p, id, 0, cam, 0);
	g->buflen = g->m[0].len;
	p = msg_add(g, 1, rndr(800, 6000), 700);
	g->m[1].len = snmp_msg(p, id, 1, cam,
	    (uint32_t)(t / 10000 % 40000000) + 8640000);
	g->buflen = g->m[1].off + g->m[1].len;
	heap_push(g);
}

/* One sweep of SYN probes from the scanner against one host. */
static void
start_scan(uint64_t t)
{
	struct gen *g = gen_new(K_SCAN, t);
	int k = (int)(rnd() % 5);

	if (k == 0)
		g->cam = &site.rec[rnd() % (uint64_t)site.nrec];
	else if (k == 1)
		g->cam = &site.mgmt;
	else
		g->cam = &site.cam[rnd() % (uint64_t)site.ncam];
	g->probes = site.sample ? (int)rndr(12, 24) : (int)rndr(100, 600);
	g->scanport = (uint16_t)rndr(40000, 60000);
	g->phase = PH_SYN;
	heap_push(g);
}

static int
scan_open(const struct host *h, uint16_t port)
{
	if (h->v != NULL)
		return port == 80 || port == 554 || port == 443;
	return port == 443 || port == 7563 || port == 135 || port == 445;
}

static int
scan_step(struct gen *g)
{
	static const uint16_t top[] = { 80, 23, 443, 21, 22, 25, 3389, 110,
	    445, 139, 143, 53, 135, 3306, 8080, 1723, 111, 995, 993, 5900,
	    554, 8000, 37777, 7563 };
	int ntop = (int)(sizeof(top) / sizeof(top[0]));
	uint16_t port;

	switch (g->phase) {
	case PH_SYN:
		if (g->probes-- == 0) {
			gen_free(g);
			return 0;
		}
		port = g->nm < ntop ? top[g->nm] : (uint16_t)rndr(1, 65535);
		g->nm++;
		gen_conv(g, &site.scanner, g->scanport, g->cam, port,
		    IPPROTO_TCP);
		g->open = scan_open(g->cam, port);
		emit(g, 0, CRAFT_SYN, NULL, 0);
		g->phase = PH_SYNACK;
		g->t += rndr(80, 400);
		return 1;
	case PH_SYNACK:
		if (g->open) {
			emit(g, 1, CRAFT_SYN | CRAFT_ACK, NULL, 0);
			g->phase = PH_ACK;
			g->t += rndr(30, 120);
		} else {
			emit(g, 1, CRAFT_RST | CRAFT_ACK, NULL, 0);
			g->phase = PH_SYN;
			g->t += rndr(200, 1800);
		}
		return 1;
	default:
		emit(g, 0, CRAFT_RST, NULL, 0);
		g->phase = PH_SYN;
		g->t += rndr(200, 1800);
		return 1;
	}
}

/* Scripted conversations: one packet per step. */

static void
script_then(struct gen *g)
{
	struct gen *r;

	switch (g->then) {
	case THEN_CLOSE:
		g->phase = PH_FIN0;
		g->t += rndr(200, 5000);
		break;
	case THEN_RTSPKEEP:
		if (g->peer == NULL) {
			r = spawn_rtp(g);
			g->peer = &r->vd;
		}
		rtsp_keepalive(g);
		g->t += g->m[0].gap;
		break;
	case THEN_ILV:
		g->kind = K_ILV;
		g->vd.tframe = g->vd.tnext = g->t + rndr(1000, 20000);
		g->trtcp = g->vd.tnext + rndr(500000, 2500000);
		g->tack = UINT64_MAX;
		g->t = g->vd.tnext;
		break;
	case THEN_SMART:
		smart_frames(g);
		g->t += g->m[0].gap;
		break;
	case THEN_END:
		break;
	}
}

static int
script_step(struct gen *g)
{
	struct msg *m;
	size_t len;
	int tcp = g->cv.c2s.proto == IPPROTO_TCP;

	if (!tcp && g->phase == PH_SYN)
		g->phase = PH_DATA;
	switch (g->phase) {
	case PH_SYN:
		emit(g, 0, CRAFT_SYN, NULL, 0);
		g->t += rndr(80, 600);
		break;
	case PH_SYNACK:
		emit(g, 1, CRAFT_SYN | CRAFT_ACK, NULL, 0);
		g->t += rndr(60, 400);
		break;
	case PH_ACK:
		emit(g, 0, CRAFT_ACK, NULL, 0);
		g->t += g->m[0].gap;
		break;
	case PH_DATA:
		if (g->ackdir >= 0) {
			emit(g, g->ackdir, CRAFT_ACK, NULL, 0);
			g->ackdir = -1;
			g->unacked = 0;
			if (g->mi == g->nm)
				script_then(g);
			else
				g->t += g->off ? rndr(15, 80) :
				    g->m[g->mi].gap;
			return 1;
		}
		m = &g->m[g->mi];
		len = m->len - g->off < MSS ? m->len - g->off : MSS;
		emit(g, m->dir, 0, g->buf + m->off + g->off, len);
		g->off += len;
		g->unacked++;
		if (g->off < m->len) {
			if (g->unacked >= 2) {
				g->ackdir = !m->dir;
				g->t += rndr(20, 200);
			} else
				g->t += rndr(15, 80);
			return 1;
		}
		g->off = 0;
		g->mi++;
		if (!tcp) {
			if (g->mi < g->nm) {
				g->t += g->m[g->mi].gap;
				return 1;
			}
			script_then(g);
			if (g->then == THEN_END) {
				gen_free(g);
				return 0;
			}
			return 1;
		}
		if (g->mi == g->nm || g->m[g->mi].dir == m->dir ||
		    g->m[g->mi].gap > 40000) {
			/* Nothing to piggy-back on soon: a pure ACK. */
			g->ackdir = !m->dir;
			g->t += rndr(20, 200);
		} else {
			g->unacked = 0;
			g->t += g->m[g->mi].gap;
		}
		return 1;
	case PH_FIN0:
		emit(g, 0, CRAFT_FIN | CRAFT_ACK, NULL, 0);
		g->t += rndr(60, 600);
		break;
	case PH_FIN1:
		emit(g, 1, CRAFT_FIN | CRAFT_ACK, NULL, 0);
		g->t += rndr(60, 400);
		break;
	case PH_FIN2:
		emit(g, 0, CRAFT_ACK, NULL, 0);
		gen_free(g);
		return 0;
	}
	g->phase++;
	return 1;
}

/* RTP over UDP: the camera is the "client" of the conversation. */
static int
rtp_step(struct gen *g)
{
	size_t n = video_packet(&g->vd, pkt);

	emit(g, 0, 0, pkt, n);
	g->t = g->vd.tnext;
	return 1;
}

/* RTCP: sender reports from the camera, receiver reports back. */
static int
rtcp_step(struct gen *g)
{
	uint8_t p[256];
	size_t n;

	if (g->rtcpdir == 0) {
		n = rtcp_sr(p, g->peer, g->t, g->cam->addr);
		emit(g, 0, 0, p, n);
		g->t += rndr(20000, 900000);
	} else {
		n = rtcp_rr(p, g->peer, g->t, g->rec->addr);
		emit(g, 1, 0, p, n);
		g->t += rndr(3000000, 5000000);
	}
	g->rtcpdir = !g->rtcpdir;
	return 1;
}

/* RTP and RTCP interleaved in the RTSP connection (RFC 2326 10.12). */
static int
ilv_step(struct gen *g)
{
	size_t n;

	if (g->tack <= g->vd.tnext && g->tack <= g->trtcp) {
		emit(g, 0, CRAFT_ACK, NULL, 0);
		g->tack = UINT64_MAX;
		g->unacked = 0;
	} else if (g->trtcp <= g->vd.tnext) {
		g->rtcpdir = !g->rtcpdir;
		if (g->rtcpdir) {
			n = rtcp_sr(pkt + 4, &g->vd, g->t, g->cam->addr);
			pkt[1] = 1;
			g->trtcp += rndr(20000, 900000);
		} else {
			n = rtcp_rr(pkt + 4, &g->vd, g->t, g->rec->addr);
			pkt[1] = 1;
			g->trtcp += rndr(3000000, 5000000);
		}
		pkt[0] = '$';
		put16(pkt + 2, (uint32_t)n);
		emit(g, g->rtcpdir, 0, pkt, n + 4);
		if (!g->rtcpdir) {
			/* The recorder's report acknowledges the video too. */
			g->tack = UINT64_MAX;
			g->unacked = 0;
		}
	} else {
		n = video_packet(&g->vd, pkt + 4);
		pkt[0] = '$';
		pkt[1] = 0;
		put16(pkt + 2, (uint32_t)n);
		emit(g, 1, 0, pkt, n + 4);
		if (++g->unacked >= 2)
			g->tack = g->t + rndr(20, 300);
	}
	g->t = g->vd.tnext;
	if (g->trtcp < g->t)
		g->t = g->trtcp;
	if (g->tack < g->t)
		g->t = g->tack;
	return 1;
}

static int
spawn_step(struct gen *g)
{
	struct host *cam = &site.cam[rnd() % (uint64_t)site.ncam];
	uint64_t k;

	switch (g->sp) {
	case SP_ONVIF:
		/*
		 * The sample's recorders reach their cameras' web services
		 * over HTTPS only: plain HTTP to a camera is a finding.
		 */
		if (site.sample)
			start_https(&site.rec[(cam - site.cam) % site.nrec],
			    cam, NULL, 1, g->t);
		else
			start_onvif(cam, &site.rec[(cam - site.cam) %
			    site.nrec], g->t);
		break;
	case SP_SNMP:
		start_snmp(cam, g->t);
		break;
	case SP_NTP:
		/*
		 * Cameras set their clocks from the domain controller here;
		 * in the sample only servers and clients do, since a camera
		 * talking to anything but a recorder is a finding.
		 */
		k = site.sample ? rnd() % 2 : rnd() % 8;
		start_ntp(k == 0 ? &site.rec[rnd() % (uint64_t)site.nrec] :
		    k == 1 ? &site.cli[rnd() % (uint64_t)site.ncli] : cam,
		    &site.dc, g->t);
		break;
	case SP_DNS:
		k = rnd() % 4;
		start_dns(k == 0 ? &site.rec[rnd() % (uint64_t)site.nrec] :
		    k == 1 ? &site.mgmt : &site.cli[rnd() %
		    (uint64_t)site.ncli], g->t);
		break;
	case SP_TLS:
		start_https(rnd() % 3 == 0 ?
		    &site.rec[rnd() % (uint64_t)site.nrec] :
		    &site.cli[rnd() % (uint64_t)site.ncli], &site.mgmt,
		    "mgmt.vms.example.com", 0, g->t);
		break;
	case SP_SCAN:
		start_scan(g->t);
		break;
	case SP_NSPAWN:
		break;
	}
	g->t += rndr(g->period / 4, g->period * 7 / 4);
	return 1;
}

static void
host_init(struct host *h, const char *addr, const uint8_t *oui)
{
	uint64_t r = rnd();

	snprintf(h->addr, sizeof(h->addr), "%s", addr);
	memcpy(h->mac, oui, 3);
	h->mac[3] = (uint8_t)r;
	h->mac[4] = (uint8_t)(r >> 8);
	h->mac[5] = (uint8_t)(r >> 16);
	h->eport = (uint16_t)rndr(32768, 60999);
}

/*
 * Like host_init(), for hosts the traffic of the benchmark never shows (or
 * shows only in the sample): the MAC comes from the seed and tag without
 * drawing from the generator, so adding one leaves every capture as is.
 */
static void
host_fixed(struct host *h, const char *addr, const uint8_t *oui,
    unsigned tag)
{
	uint64_t z = site.seed ^ ((uint64_t)tag * 0xd1b54a32d192ed03ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	z ^= z >> 31;
	snprintf(h->addr, sizeof(h->addr), "%s", addr);
	memcpy(h->mac, oui, 3);
	h->mac[3] = (uint8_t)z;
	h->mac[4] = (uint8_t)(z >> 8);
	h->mac[5] = (uint8_t)(z >> 16);
	h->eport = (uint16_t)(32768 + (z >> 32) % 28232);
}

static void
site_init(void)
{
	static const uint8_t dell[3] = { 0x18, 0x66, 0xda };
	static const uint8_t hpe[3] = { 0x94, 0x40, 0xc9 };
	static const uint8_t lenovo[3] = { 0x54, 0xe1, 0xad };
	char a[32];
	int i;

	host_init(&site.dc, "192.168.10.2", hpe);
	host_init(&site.mgmt, "192.168.10.10", dell);
	for (i = 0; i < site.nrec; i++) {
		snprintf(a, sizeof(a), "192.168.10.%d", 20 + i);
		host_init(&site.rec[i], a, i & 1 ? hpe : dell);
	}
	for (i = 0; i < site.ncam; i++) {
		const struct vendor *v = &vendors[rnd() % NVENDOR];

		/* All in 192.168.50.0/24: .101-.254 first, then .2 up. */
		snprintf(a, sizeof(a), "192.168.50.%d",
		    i < 154 ? 101 + i : i - 154 + 2);
		host_init(&site.cam[i], a, v->oui);
		site.cam[i].v = v;
		snprintf(site.cam[i].serial, sizeof(site.cam[i].serial),
		    "%c%c%08llu", 'A' + (int)(rnd() % 26),
		    'A' + (int)(rnd() % 26),
		    (unsigned long long)(rnd() % 100000000));
	}
	for (i = 0; i < site.ncli; i++) {
		snprintf(a, sizeof(a), "192.168.20.%d", 31 + i);
		host_init(&site.cli[i], a, lenovo);
	}
	host_init(&site.scanner, "192.168.20.66", lenovo);
	host_fixed(&site.sql, "192.168.10.11", dell, 1);
	host_fixed(&site.events, "192.168.10.12", dell, 2);
	if (site.sample) {
		static const uint8_t cisco[3] = { 0x00, 0x1b, 0x54 };
		static const uint8_t rpi[3] = { 0xb8, 0x27, 0xeb };
		static const uint8_t mdns[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00,
		    0xfb };

		host_fixed(&site.gw, "192.168.50.1", cisco, 3);
		host_fixed(&site.rpi, "192.168.50.250", rpi, 4);
		/* Off-site hosts are reached through the camera gateway. */
		host_fixed(&site.inet, "192.0.2.123", cisco, 3);
		host_fixed(&site.mdns, "224.0.0.251", mdns, 5);
		memcpy(site.mdns.mac, mdns, 6);
	}
}

/*
 * The findings planted in the sample (-s).  Each is a short conversation
 * among the normal traffic; together they raise every kind of alert the
 * bundled sample is meant to show, and nothing else in it should.
 */

/* ARP request or announcement (RFC 826, RFC 5227 2.3), padded to 60. */
static int
arp_step(struct gen *g)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	const struct host *snd = g->arpreply ? g->rec : g->cam;
	const struct host *tgt = g->arpreply ? g->cam : g->rec;
	uint8_t f[60];
	unsigned a[4], i;

	memset(f, 0, sizeof(f));
	memcpy(f, g->arpreply ? tgt->mac : bcast, 6);
	memcpy(f + 6, snd->mac, 6);
	put16(f + 12, 0x0806);
	put16(f + 14, 1);	/* Ethernet */
	put16(f + 16, 0x0800);	/* IPv4 */
	f[18] = 6;
	f[19] = 4;
	put16(f + 20, g->arpreply ? 2 : 1);
	memcpy(f + 22, snd->mac, 6);
	if (sscanf(snd->addr, "%u.%u.%u.%u", &a[0], &a[1], &a[2], &a[3]) == 4)
		for (i = 0; i < 4; i++)
			f[28 + i] = (uint8_t)a[i];
	if (g->arpreply)
		memcpy(f + 32, tgt->mac, 6);
	/* An announcement names the sender's own address as the target. */
	if (sscanf((tgt ? tgt : snd)->addr, "%u.%u.%u.%u", &a[0], &a[1],
	    &a[2], &a[3]) == 4)
		for (i = 0; i < 4; i++)
			f[38 + i] = (uint8_t)a[i];
	if (craft_pcap_write(out, g->t, f, sizeof(f), sizeof(f)) == -1)
		err(1, "write");
	npkts++;
	nbytes += sizeof(f);
	/* A request for a host of the site gets its answer. */
	if (!g->arpreply && g->rec != NULL) {
		g->arpreply = 1;
		g->t += rndr(150, 600);
		return 1;
	}
	gen_free(g);
	return 0;
}

static void
start_arp(struct host *sender, struct host *target, uint64_t t)
{
	struct gen *g = gen_new(K_ARP, t);

	g->cam = sender;
	g->rec = target;
	heap_push(g);
}

/* A SYN from cam to rec's port, refused with a RST (RFC 9293 3.10.7.1). */
static int
probe_step(struct gen *g)
{
	if (g->phase == PH_SYN) {
		emit(g, 0, CRAFT_SYN, NULL, 0);
		g->phase = PH_SYNACK;
		g->t += rndr(100, 500);
		return 1;
	}
	emit(g, 1, CRAFT_RST | CRAFT_ACK, NULL, 0);
	gen_free(g);
	return 0;
}

static void
start_probe(struct host *c, struct host *s, uint16_t port, uint64_t t)
{
	struct gen *g = gen_new(K_PROBE, t);

	gen_conv(g, c, host_port(c), s, port, IPPROTO_TCP);
	g->phase = PH_SYN;
	heap_push(g);
}

/* mDNS (RFC 6762) from the rogue device: a query or its announcement. */
static void
start_mdns(struct host *c, int announce, uint64_t t)
{
	struct gen *g = gen_new(K_SCRIPT, t);
	uint8_t *p;

	gen_conv(g, c, 5353, &site.mdns, 5353, IPPROTO_UDP);
	g->then = THEN_END;
	p = msg_add(g, 0, 0, 512);
	if (announce)
		g->m[0].len = dns_msg(p, 0, "raspberrypi.local", 1, 1,
		    c->addr);
	else
		g->m[0].len = dns_msg(p, 0, "_workstation._tcp.local", 12, 0,
		    NULL);
	g->buflen = g->m[0].len;
	heap_push(g);
}

/* Plain HTTP from a workstation to the management server's IIS on 80. */
static void
start_http_mgmt(struct host *c, const char *path, uint64_t t)
{
	struct gen *g = gen_new(K_SCRIPT, t);
	char date[40], body[512];
	int n;

	httpdate(date, sizeof(date), t);
	gen_conv(g, c, host_port(c), &site.mgmt, 80, IPPROTO_TCP);
	g->then = THEN_CLOSE;
	msg_addf(g, 0, 300, "GET %s HTTP/1.1\r\nHost: mgmt.vms.example.com\r\n"
	    "User-Agent: Mozilla/4.0 (compatible; MSIE 6.0; MS Web Services "
	    "Client Protocol 4.0.30319.42000)\r\nAccept: */*\r\n"
	    "Connection: close\r\n\r\n", path);
	n = snprintf(body, sizeof(body), "<html><head><title>Service"
	    "</title></head><body><h1>%s</h1><p>You have created a service."
	    "</p></body></html>\r\n", strrchr(path, '/') + 1);
	msg_addf(g, 1, rndr(2000, 12000), "HTTP/1.1 200 OK\r\n"
	    "Content-Type: text/html; charset=UTF-8\r\n"
	    "Server: Microsoft-IIS/10.0\r\nX-Powered-By: ASP.NET\r\n"
	    "Date: %s\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s",
	    date, n, body);
	heap_push(g);
}

/* Typing s on a Telnet connection: each key, echoed when echo is set. */
static void
telnet_type(struct gen *g, const char *s, int echo)
{
	for (; *s != '\0'; s++) {
		memcpy(msg_add(g, 0, rndr(90, 260) * 1000, 1), s, 1);
		if (echo)
			memcpy(msg_add(g, 1, rndr(300, 1500), 1), s, 1);
	}
	/* Return is CR NUL in NVT character mode (RFC 854). */
	memcpy(msg_add(g, 0, rndr(90, 260) * 1000, 2), "\r", 2);
}

/*
 * A recorder logging into its camera's BusyBox telnetd on 23: option
 * negotiation (RFC 854, 855, 857, 858, 1073, 1091), login and password in
 * character mode, then a shell prompt and "exit".
 */
static void
start_telnet(struct host *rec, struct host *cam, uint64_t t)
{
	static const uint8_t neg[4][18] = {
		/* DO TTYPE, DO TSPEED, DO XDISPLOC, DO NEW-ENVIRON */
		{ 0xff, 0xfd, 0x18, 0xff, 0xfd, 0x20, 0xff, 0xfd, 0x23, 0xff,
		  0xfd, 0x27 },
		/* WONT TSPEED, WONT XDISPLOC, WILL TTYPE, WILL NEW-ENVIRON */
		{ 0xff, 0xfc, 0x20, 0xff, 0xfc, 0x23, 0xff, 0xfb, 0x18, 0xff,
		  0xfb, 0x27 },
		/* WILL ECHO, WILL SGA, DO NAWS */
		{ 0xff, 0xfb, 0x01, 0xff, 0xfb, 0x03, 0xff, 0xfd, 0x1f },
		/* DO ECHO, DO SGA, WILL NAWS, SB NAWS 80x24 SE */
		{ 0xff, 0xfd, 0x01, 0xff, 0xfd, 0x03, 0xff, 0xfb, 0x1f, 0xff,
		  0xfa, 0x1f, 0x00, 0x50, 0x00, 0x18, 0xff, 0xf0 } };
	static const size_t nlen[4] = { 12, 12, 9, 18 };
	struct gen *g = gen_new(K_SCRIPT, t);
	int i;

	gen_conv(g, rec, host_port(rec), cam, 23, IPPROTO_TCP);
	g->then = THEN_CLOSE;
	for (i = 0; i < 4; i++)
		memcpy(msg_add(g, i & 1 ? 0 : 1, i == 0 ? 2000 :
		    rndr(300, 3000), nlen[i]), neg[i], nlen[i]);
	msg_addf(g, 1, rndr(2000, 9000), "\r\n%s %s\r\n",
	    cam->v->name, cam->v->model);
	msg_addf(g, 1, rndr(200, 900), "login: ");
	telnet_type(g, "root", 1);
	msg_addf(g, 1, rndr(300, 1500), "\r\n");
	msg_addf(g, 1, rndr(20000, 60000), "Password: ");
	telnet_type(g, "admin", 0);
	msg_addf(g, 1, rndr(80000, 300000), "\r\n\r\nBusyBox v1.19.4 "
	    "(2019-05-21 10:12:33 CST) built-in shell (ash)\r\n\r\n# ");
	msg_addf(g, 0, rndr(600000, 1200000), "exit\r\n");
	msg_addf(g, 1, rndr(300, 1500), "exit\r\n");
	heap_push(g);
}

/* One TDS pre-login option (MS-TDS 2.2.6.5) and its data. */
static void
tds_option(uint8_t *p, size_t *tok, size_t *data, uint8_t token,
    const void *d, size_t n)
{
	p[(*tok)++] = token;
	put16(p + *tok, (uint32_t)*data);
	put16(p + *tok + 2, (uint32_t)n);
	*tok += 4;
	memcpy(p + *data, d, n);
	*data += n;
}

/* A TDS PRELOGIN packet (type 18) or its server answer (type 4). */
static size_t
tds_prelogin(uint8_t *p, int resp, uint32_t thread)
{
	static const uint8_t cver[6] = { 0x0f, 0x00, 0x07, 0xd0, 0x00, 0x00 };
	static const uint8_t sver[6] = { 0x0f, 0x00, 0x10, 0x7c, 0x00, 0x00 };
	uint8_t *b = p + 8, th[4], z = 0, enc = resp ? 0x00 : 0x01;
	size_t tok = 0, data = resp ? 21 : 26;

	put32(th, thread);
	tds_option(b, &tok, &data, 0x00, resp ? sver : cver, 6); /* VERSION */
	tds_option(b, &tok, &data, 0x01, &enc, 1);	/* ENCRYPTION */
	tds_option(b, &tok, &data, 0x02, &z, 1);	/* INSTOPT */
	if (!resp)
		tds_option(b, &tok, &data, 0x03, th, 4);	/* THREADID */
	tds_option(b, &tok, &data, 0x04, &z, 1);	/* MARS */
	b[tok] = 0xff;		/* TERMINATOR */
	/* Header (MS-TDS 2.2.3.1): type, status EOM, length, SPID, id. */
	p[0] = resp ? 0x04 : 0x12;
	p[1] = 0x01;
	put16(p + 2, (uint32_t)(8 + data));
	put16(p + 4, 0);
	p[6] = 1;
	p[7] = 0;
	return 8 + data;
}

/* A workstation opening the SQL Server directly: pre-login, then gone. */
static void
start_tds(struct host *c, uint64_t t)
{
	struct gen *g = gen_new(K_SCRIPT, t);
	uint8_t *p;

	gen_conv(g, c, host_port(c), &site.sql, 1433, IPPROTO_TCP);
	g->then = THEN_CLOSE;
	p = msg_add(g, 0, 300, 64);
	g->m[0].len = tds_prelogin(p, 0, (uint32_t)rndr(1000, 9000));
	g->buflen = g->m[0].len;
	p = msg_add(g, 1, rndr(600, 3000), 64);
	g->m[1].len = tds_prelogin(p, 1, 0);
	g->buflen = g->m[1].off + g->m[1].len;
	heap_push(g);
}

/* A workstation reaching a recorder's tray-manager port 8966. */
static void
start_tray(struct host *c, struct host *rec, uint64_t t)
{
	struct gen *g = gen_new(K_SCRIPT, t);
	uint8_t *p;

	gen_conv(g, c, host_port(c), rec, 8966, IPPROTO_TCP);
	g->then = THEN_CLOSE;
	p = msg_add(g, 0, 300, 16);
	rndbytes(p, 16);
	put32(p, 12);
	put32(p + 4, 0x00000001);	/* status request */
	p = msg_add(g, 1, rndr(500, 3000), 24);
	rndbytes(p, 24);
	put32(p, 20);
	put32(p + 4, 0x00000081);	/* status answer */
	heap_push(g);
}

static void
plant_findings(uint64_t t0)
{
	struct host *cam = &site.cam[5], *tcam = &site.cam[2];

	/* (e) A Raspberry Pi appears on the camera subnet. */
	start_arp(&site.rpi, NULL, t0 + 700000);
	start_mdns(&site.rpi, 1, t0 + 750000);
	start_mdns(&site.rpi, 0, t0 + 780000);
	start_arp(&site.rpi, &site.rec[0], t0 + 1400000);
	start_probe(&site.rpi, &site.rec[0], 554, t0 + 1401500);
	start_mdns(&site.rpi, 0, t0 + 3780000);
	/* (a) A camera sets its clock from an Internet NTP server. */
	start_ntp(cam, &site.inet, t0 + 1100000);
	start_ntp(cam, &site.inet, t0 + 3100000);
	/* (b) Plain HTTP to the management server. */
	start_http_mgmt(&site.cli[0],
	    "/ManagementServer/ServerCommandService.svc", t0 + 2000000);
	start_http_mgmt(&site.cli[0],
	    "/ManagementServer/ServerCommandServiceOAuth.svc",
	    t0 + 4400000);
	/* (c) A recorder logs into its camera with Telnet. */
	start_telnet(&site.rec[(tcam - site.cam) % site.nrec], tcam,
	    t0 + 1600000);
	/* (d) A smart client opens the SQL Server. */
	start_tds(&site.cli[1], t0 + 3200000);
	/* (f) A smart client reaches a recorder's local-only port. */
	start_tray(&site.cli[2], &site.rec[1], t0 + 3800000);
}

/* Inventory (-I). */

static int inv_first = 1;

static void
inv_host(FILE *fp, const char *name, const struct host *h,
    const char *roles, const char *desc, int router)
{
	/* libconfig lists take no comma after the last element. */
	if (!inv_first)
		fprintf(fp, ",\n");
	inv_first = 0;
	fprintf(fp, "\t{ name = \"%s\"; addresses = [ \"%s\" ]; "
	    "macs = [ \"%02x:%02x:%02x:%02x:%02x:%02x\" ];", name, h->addr,
	    h->mac[0], h->mac[1], h->mac[2], h->mac[3], h->mac[4], h->mac[5]);
	if (roles != NULL)
		fprintf(fp, " roles = [ %s ];", roles);
	if (router)
		fprintf(fp, " router = true;");
	if (desc != NULL)
		fprintf(fp, " description = \"%s\";", desc);
	fprintf(fp, " }");
}

/*
 * Writes the inventory of the generated site (see the header comment):
 * every host the capture shows except the rogue devices, each with its
 * own MAC, as the frames carry them.
 */
static void
write_inventory(const char *path)
{
	FILE *fp;
	char name[32], desc[80];
	int i;

	if ((fp = fopen(path, "w")) == NULL)
		err(1, "%s", path);
	fprintf(fp, "# Site inventory of the %s, generated by\n"
	    "# `tools/mkcammix%s%s -I %s`%s; do not edit.\n"
	    "# The rogue devices of the capture are left out on purpose.\n\n",
	    site.sample ? "bundled sample (samples/sample.pcap)" :
	    "benchmark capture", site.sample ? " -s" : "",
	    site.seed != 1 ? " -S <seed>" : "",
	    site.sample ? "conf/sample-site.conf" : "FILE",
	    site.sample ? " (make sample)" : "");
	fprintf(fp, "site = \"%s\";\n\nzones = (\n",
	    site.sample ? "mkcammix sample site" : "mkcammix benchmark site");
	fprintf(fp, "\t{ name = \"servers\"; networks = [ \"192.168.10.0/24\" "
	    "]; purpose = \"server\"; },\n"
	    "\t{ name = \"clients\"; networks = [ \"192.168.20.0/24\" ]; "
	    "purpose = \"client\"; },\n"
	    "\t{ name = \"cameras\"; networks = [ \"192.168.50.0/24\" ]; "
	    "purpose = \"camera\"; }\n);\n\nhosts = (\n");
	inv_host(fp, "dc01", &site.dc,
	    "\"dns_server\", \"ntp_server\", \"domain_controller\"",
	    "domain controller: DNS, NTP", 0);
	inv_host(fp, "mgmt01", &site.mgmt, "\"management_server\"", NULL, 0);
	inv_host(fp, "sql01", &site.sql, "\"sql_server\"", NULL, 0);
	inv_host(fp, "events01", &site.events, "\"event_server\"", NULL, 0);
	for (i = 0; i < site.nrec; i++) {
		snprintf(name, sizeof(name), "rec%02d", i + 1);
		inv_host(fp, name, &site.rec[i], "\"recording_server\"", NULL,
		    0);
	}
	for (i = 0; i < site.ncli; i++) {
		snprintf(name, sizeof(name), "ws%02d", i + 1);
		inv_host(fp, name, &site.cli[i], "\"smart_client\"",
		    "operator workstation", 0);
	}
	for (i = 0; i < site.ncam; i++) {
		snprintf(name, sizeof(name), "cam%03d", i + 1);
		snprintf(desc, sizeof(desc), "%s %s", site.cam[i].v->name,
		    site.cam[i].v->model);
		inv_host(fp, name, &site.cam[i], "\"camera\"", desc, 0);
	}
	/* Only the sample routes anything: a camera's Internet NTP. */
	if (site.sample)
		inv_host(fp, "gw-cameras", &site.gw, NULL,
		    "camera subnet gateway", 1);
	fprintf(fp, "\n);\n");
	if (fclose(fp) == EOF)
		err(1, "%s", path);
}

static void
usage(void)
{
	fprintf(stderr, "usage: mkcammix [-s] [-I inventory] [-n packets] "
	    "[-S seed] [-o file]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	const char *path = "-", *invpath = NULL;
	uint64_t seed = 1, t, start;
	struct gen *g;
	int ch, i, rc;
	char *end;
	enum spawn sp;

	maxpkts = 0;
	while ((ch = getopt(argc, argv, "I:n:o:S:s")) != -1) {
		switch (ch) {
		case 'I':
			invpath = optarg;
			break;
		case 'n':
			maxpkts = strtoull(optarg, &end, 10);
			if (*end != '\0' || maxpkts == 0)
				usage();
			break;
		case 'o':
			path = optarg;
			break;
		case 'S':
			seed = strtoull(optarg, &end, 0);
			if (*end != '\0')
				usage();
			break;
		case 's':
			site.sample = 1;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	if (site.sample) {
		site.ncam = 8;
		site.nrec = 2;
		site.ncli = 3;
		if (maxpkts == 0)
			maxpkts = 4000;
		maxbytes = 950000;
	} else {
		site.ncam = 250;
		site.nrec = NREC;
		site.ncli = 24;
		if (maxpkts == 0)
			maxpkts = 3000000;
		maxbytes = UINT64_MAX;
	}
	rng_state = seed;
	site.seed = seed;
	for (i = 0; i < POOLSZ; i += 8) {
		uint64_t r = rnd();

		memcpy(pool + i, &r, 8);
	}
	site_init();
	if (invpath != NULL)
		write_inventory(invpath);
	if ((out = craft_pcap_open(path, DLT_EN10MB)) == NULL)
		err(1, "%s", path);

	/* Mean interval between new short conversations, µs. */
	site.spawnperiod[SP_ONVIF] = 10000000ULL / (uint64_t)site.ncam;
	site.spawnperiod[SP_SNMP] = 15000000ULL / (uint64_t)site.ncam;
	site.spawnperiod[SP_NTP] = 64000000ULL / (uint64_t)site.ncam;
	site.spawnperiod[SP_DNS] = site.sample ? 300000 : 15000;
	site.spawnperiod[SP_TLS] = site.sample ? 900000 : 60000;
	site.spawnperiod[SP_SCAN] = site.sample ? 3000000 : 1000000;
	if (site.sample) {
		site.spawnperiod[SP_ONVIF] = 500000;
		site.spawnperiod[SP_SNMP] = 700000;
		site.spawnperiod[SP_NTP] = 1200000;
	}
	start = T0;
	for (sp = 0; sp < SP_NSPAWN; sp++) {
		/*
		 * No SNMP polls of cameras by the management server and no
		 * rogue scanner in the sample: both are findings.
		 */
		if (site.sample && (sp == SP_SNMP || sp == SP_SCAN))
			continue;
		g = gen_new(K_SPAWN, start + rndr(0, site.sample ? 300000 :
		    site.spawnperiod[sp]));
		g->sp = sp;
		g->period = site.spawnperiod[sp];
		heap_push(g);
	}
	for (i = 0; i < site.ncam; i++)
		start_camera(&site.cam[i], &site.rec[i % site.nrec],
		    start + rndr(0, site.sample ? 400000 : 1500000),
		    i % 10 == 3);
	for (i = 0; i < site.ncli; i++) {
		t = start + rndr(0, site.sample ? 500000 : 2000000);
		start_smart(&site.cli[i], &site.rec[rnd() %
		    (uint64_t)site.nrec], t);
		if (!site.sample && i % 2 == 0)
			start_smart(&site.cli[i], &site.rec[rnd() %
			    (uint64_t)site.nrec], t + rndr(1000, 900000));
	}
	if (site.sample)
		plant_findings(start);

	while (npkts < maxpkts && nbytes < maxbytes && heapn > 0) {
		g = heap_pop();
		switch (g->kind) {
		case K_SPAWN:
			rc = spawn_step(g);
			break;
		case K_SCRIPT:
			rc = script_step(g);
			break;
		case K_RTP:
			rc = rtp_step(g);
			break;
		case K_RTCP:
			rc = rtcp_step(g);
			break;
		case K_ILV:
			rc = ilv_step(g);
			break;
		case K_SCAN:
			rc = scan_step(g);
			break;
		case K_ARP:
			rc = arp_step(g);
			break;
		case K_PROBE:
			rc = probe_step(g);
			break;
		default:
			rc = 0;
		}
		if (rc)
			heap_push(g);
	}
	t = heapn > 0 ? heap[0]->t : start;
	if (craft_pcap_close(out) == -1)
		err(1, "%s", path);
	fprintf(stderr, "packets %llu bytes %llu conversations %llu "
	    "seconds %.1f\n", (unsigned long long)npkts,
	    (unsigned long long)nbytes, (unsigned long long)nflows,
	    (double)(t - start) / 1e6);
	return 0;
}

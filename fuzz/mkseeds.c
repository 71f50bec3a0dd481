/*
 * mkseeds.c - writes the seed corpora of the fuzz targets from the
 * project's own crafted traffic (tests/craft.c):
 *
 *	DIR/decode/	one frame per file, first byte the link type index
 *			of fuzz_decode.c, second the bytes cut by the snap;
 *			tunnels, tiny and IPv6 fragments
 *	DIR/pipeline/	small captures: a recorder polling a camera (HTTP,
 *			RTSP), DNS, an undocumented flow, ARP; the fuzz
 *			site's services on their documented ports (WS, TLS,
 *			SMTP, RTSP and RTP, DNS, DHCP, NTP, SNMP, syslog),
 *			the DMZ, Telnet and FTP; fragment sequences
 *	DIR/loader/	configurations (the fuzzing site's, and lists of
 *			sinks, valid and not) with the site's inventory and
 *			a small rules file, joined by "#%%" lines
 *	DIR/format/	alert encodings as fuzz_format.c reads them
 *
 * usage: mkseeds SRCDIR DIR
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <pcap/pcap.h>

#include "craft.h"

static const char *outdir;
static int nseeds;

static const uint8_t mac_rs[6] = { 0x00, 0x15, 0x5d, 0x6e, 0x00, 0x14 };
static const uint8_t mac_cam[6] = { 0x3c, 0xef, 0x8c, 0xe7, 0x00, 0x65 };
static const uint8_t mac_ms[6] = { 0x00, 0x15, 0x5d, 0x6e, 0x00, 0x0a };
static const uint8_t mac_dc[6] = { 0x00, 0x15, 0x5d, 0x6e, 0x00, 0x02 };
static const uint8_t mac_sc[6] = { 0x00, 0x15, 0x5d, 0x78, 0x00, 0x32 };

#define T0 1715677211000000ull

static const char http_get[] =
    "GET /onvif/device_service HTTP/1.1\r\nHost: cam001.plant.example\r\n"
    "Authorization: Basic YWRtaW46YWRtaW4=\r\n\r\n";
static const char http_resp[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
static const char rtsp_req[] =
    "OPTIONS rtsp://192.168.50.101:554/stream1 RTSP/1.0\r\nCSeq: 1\r\n"
    "User-Agent: vmswatch-seed\r\n\r\n";
static const char rtsp_resp[] = "RTSP/1.0 200 OK\r\nCSeq: 1\r\n"
    "Public: OPTIONS, DESCRIBE, SETUP, PLAY\r\n\r\n";
/* A session's media negotiation, for the RTSP tracker. */
static const char rtsp_setup[] =
    "SETUP rtsp://192.168.50.101:554/stream1/trackID=0 RTSP/1.0\r\n"
    "CSeq: 2\r\nTransport: RTP/AVP;unicast;client_port=50000-50001\r\n"
    "\r\nSETUP rtsp://192.168.50.101:554/stream1/trackID=1 RTSP/1.0\r\n"
    "CSeq: 3\r\nTransport: RTP/AVP/TCP;unicast;interleaved=0-1\r\n\r\n";
static const char rtsp_setup_resp[] =
    "RTSP/1.0 200 OK\r\nCSeq: 2\r\nSession: 42\r\nTransport: RTP/AVP;"
    "unicast;client_port=50000-50001;server_port=6970-6971;"
    "source=192.168.50.101\r\n\r\nRTSP/1.0 454 Session Not Found\r\n"
    "CSeq: 3\r\nContent-Length: 4\r\n\r\nnope";
static const char rtsp_play[] =
    "PLAY rtsp://192.168.50.101:554/stream1 RTSP/1.0\r\nCSeq: 4\r\n"
    "Session: 42\r\n\r\n";
static const char rtsp_play_resp[] =
    "RTSP/1.0 200 OK\r\nCSeq: 4\r\nSession: 42\r\n\r\n$\000\000\002ab";
static const uint8_t dns_query[] = {
	0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	4, 'm', 's', '0', '1', 5, 'p', 'l', 'a', 'n', 't', 7, 'e', 'x', 'a',
	'm', 'p', 'l', 'e', 0, 0x00, 0x01, 0x00, 0x01
};

static void
write_seed(const char *target, const char *name, const void *p, size_t n)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s/%s", outdir, target, name);
	if ((f = fopen(path, "wb")) == NULL ||
	    (n > 0 && fwrite(p, n, 1, f) != 1) || fclose(f) != 0) {
		perror(path);
		exit(1);
	}
	nseeds++;
}

static char *
slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long sz;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (sz = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0 || (buf = malloc((size_t)sz + 1)) ==
	    NULL || (sz > 0 && fread(buf, (size_t)sz, 1, f) != 1)) {
		perror(path);
		exit(1);
	}
	fclose(f);
	*n = (size_t)sz;
	return buf;
}

/*
 * A decode seed: link type index, snap cut, frame.  The snap length cut
 * the last cut bytes of the frame's n.
 */
static void
decode_seed_cut(const char *name, uint8_t lt, uint8_t cut,
    const uint8_t *frame, size_t n)
{
	uint8_t buf[2048];

	if (cut > n)
		cut = (uint8_t)n;
	buf[0] = lt;
	buf[1] = cut;
	memcpy(buf + 2, frame, n - cut);
	write_seed("decode", name, buf, n - cut + 2);
}

/* A decode seed of a whole frame. */
static void
decode_seed(const char *name, uint8_t lt, const uint8_t *frame, size_t n)
{
	decode_seed_cut(name, lt, 0, frame, n);
}

/* The hosts of the fuzz site that serve the protocols of its rules. */
static const uint8_t mac_infra[6] = { 0x00, 0x15, 0x5d, 0x6e, 0x00, 0x03 };
static const uint8_t mac_es[6] = { 0x00, 0x15, 0x5d, 0x6e, 0x00, 0x1e };
static const uint8_t mac_api[6] = { 0x00, 0x15, 0x5d, 0x6e, 0x00, 0x28 };
static const uint8_t mac_onb[6] = { 0x00, 0x15, 0x5d, 0x6e, 0x00, 0x32 };
static const uint8_t mac_onvif[6] = { 0x00, 0x15, 0x5d, 0x78, 0x00, 0x3c };
static const uint8_t mac_mob[6] = { 0x00, 0x15, 0x5d, 0x8c, 0x00, 0x0a };
static const uint8_t mac_gw[6] = { 0x00, 0x00, 0x5e, 0x00, 0x01, 0x10 };

static const char smtp_banner[] = "220 rs01.plant.example ESMTP ready\r\n";
static const char smtp_ehlo[] = "EHLO cam001.plant.example\r\n";
static const char smtp_ehlo_resp[] = "250-rs01.plant.example\r\n"
    "250-AUTH LOGIN PLAIN\r\n250 8BITMIME\r\n";
static const char smtp_mail[] = "MAIL FROM:<cam001@plant.example>\r\n";
static const char smtp_ok[] = "250 2.1.0 Ok\r\n";
/* RFC 6455 section 1.2's handshake, then one text frame from the server. */
static const char ws_upgrade[] =
    "GET /api/events HTTP/1.1\r\nHost: es01.plant.example:22332\r\n"
    "Upgrade: websocket\r\nConnection: Upgrade\r\n"
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
    "Sec-WebSocket-Version: 13\r\n\r\n";
static const char ws_accept[] =
    "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
    "Connection: Upgrade\r\n"
    "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n";
static const char ws_frame[] = "\x81\x05hello";
static const char rtsp_describe[] =
    "DESCRIBE rtsp://192.168.10.50:554/cam001 RTSP/1.0\r\nCSeq: 2\r\n"
    "Accept: application/sdp\r\n\r\n";
static const char rtsp_describe_resp[] =
    "RTSP/1.0 200 OK\r\nCSeq: 2\r\nContent-Type: application/sdp\r\n"
    "Content-Length: 32\r\n\r\nv=0\r\nm=video 0 RTP/AVP 96\r\nc=IN\r\n";
/* Two tracks: a session with more than one stream. */
static const char onb_setup[] =
    "SETUP rtsp://192.168.10.50:554/cam001/trackID=0 RTSP/1.0\r\n"
    "CSeq: 3\r\nTransport: RTP/AVP;unicast;client_port=50000-50001\r\n\r\n"
    "SETUP rtsp://192.168.10.50:554/cam001/trackID=1 RTSP/1.0\r\n"
    "CSeq: 4\r\nSession: 77\r\n"
    "Transport: RTP/AVP;unicast;client_port=50002-50003\r\n\r\n";
static const char onb_setup_resp[] =
    "RTSP/1.0 200 OK\r\nCSeq: 3\r\nSession: 77\r\nTransport: RTP/AVP;"
    "unicast;client_port=50000-50001;server_port=6970-6971\r\n\r\n"
    "RTSP/1.0 200 OK\r\nCSeq: 4\r\nSession: 77\r\nTransport: RTP/AVP;"
    "unicast;client_port=50002-50003;server_port=6972-6973\r\n\r\n";
static const char onb_play[] =
    "PLAY rtsp://192.168.10.50:554/cam001 RTSP/1.0\r\nCSeq: 5\r\n"
    "Session: 77\r\n\r\n";
static const char onb_play_resp[] =
    "RTSP/1.0 200 OK\r\nCSeq: 5\r\nSession: 77\r\n\r\n";
static const char syslog_msg[] =
    "<134>May 14 09:00:11 rs01 RecordingServer: storage 81% full";
/* NTP v4 (RFC 5905): a client's request (mode 3), the answer (mode 4). */
static const uint8_t ntp_req[48] = { 0x23, 0, 6, 0xec };
static const uint8_t ntp_resp[48] = { 0x24, 2, 6, 0xec, 0, 0, 0, 0x10,
	0, 0, 0, 0x20, 192, 168, 10, 1 };
/* SNMP v2c (RFC 3416) get-request of sysDescr.0, community "public". */
static const uint8_t snmp_get[] = {
	0x30, 0x29, 0x02, 0x01, 0x01, 0x04, 0x06, 'p', 'u', 'b', 'l', 'i',
	'c', 0xa0, 0x1c, 0x02, 0x04, 0x00, 0x00, 0x00, 0x01, 0x02, 0x01,
	0x00, 0x02, 0x01, 0x00, 0x30, 0x0e, 0x30, 0x0c, 0x06, 0x08, 0x2b,
	0x06, 0x01, 0x02, 0x01, 0x01, 0x01, 0x00, 0x05, 0x00
};
/* Telnet (RFC 854) option negotiation, then a login in clear. */
static const uint8_t telnet_do[] = { 0xff, 0xfd, 0x18, 0xff, 0xfd, 0x20,
	0xff, 0xfd, 0x23, 0xff, 0xfd, 0x27 };
static const uint8_t telnet_will[] = { 0xff, 0xfb, 0x18, 0xff, 0xfb, 0x20,
	0xff, 0xfb, 0x23, 0xff, 0xfb, 0x27 };
static const uint8_t telnet_sb[] = { 0xff, 0xfa, 0x20, 0x01, 0xff, 0xf0,
	0xff, 0xfa, 0x18, 0x01, 0xff, 0xf0 };
static const uint8_t telnet_sb_resp[] = { 0xff, 0xfa, 0x18, 0x00, 'x',
	't', 'e', 'r', 'm', 0xff, 0xf0 };
static const char telnet_login[] = "cam001 login: ";
static const char telnet_user[] = "root\r\n";
static const char telnet_pass_prompt[] = "Password: ";
static const char telnet_pass[] = "admin\r\n";
static const char ftp_banner[] = "220 cam001 FTP server ready\r\n";
static const char ftp_user[] = "USER admin\r\n";
static const char ftp_331[] = "331 Password required for admin\r\n";
static const char ftp_pass[] = "PASS admin\r\n";
static const char ftp_230[] = "230 User admin logged in\r\n";
static const char ssh_banner_s[] = "SSH-2.0-OpenSSH_8.4p1 Debian-5\r\n";
static const char ssh_banner_c[] = "SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n";

static void
put16(uint8_t *b, size_t v)
{
	b[0] = (uint8_t)(v >> 8);
	b[1] = (uint8_t)v;
}

/*
 * A TLS ClientHello (RFC 8446 section 4.1.2) naming sni, in one record,
 * into b (at least 128 bytes more than sni).  Returns its length.
 */
static size_t
tls_hello(uint8_t *b, const char *sni)
{
	size_t o = 0, hs, ext, n = strlen(sni);

	b[o++] = 0x16;			/* handshake record, TLS 1.0 */
	b[o++] = 3;
	b[o++] = 1;
	o += 2;
	hs = o;
	b[o++] = 1;			/* ClientHello */
	o += 3;
	b[o++] = 3;			/* legacy_version TLS 1.2 */
	b[o++] = 3;
	memset(b + o, 0x5a, 32);	/* random */
	o += 32;
	b[o++] = 0;			/* no session id */
	put16(b + o, 4);
	o += 2;
	put16(b + o, 0xc02f);		/* ECDHE-RSA-AES128-GCM-SHA256 */
	o += 2;
	put16(b + o, 0x1301);		/* TLS_AES_128_GCM_SHA256 */
	o += 2;
	b[o++] = 1;			/* compression: null only */
	b[o++] = 0;
	ext = o;
	o += 2;
	/* server_name (RFC 6066 section 3): one host_name. */
	put16(b + o, 0);
	put16(b + o + 2, n + 5);
	put16(b + o + 4, n + 3);
	b[o + 6] = 0;
	put16(b + o + 7, n);
	memcpy(b + o + 9, sni, n);
	o += 9 + n;
	put16(b + ext, o - ext - 2);
	b[hs + 1] = 0;
	put16(b + hs + 2, o - hs - 4);
	put16(b + 3, o - 5);
	return o;
}

/*
 * A DHCP message (RFC 2131, options RFC 2132) of a camera renewing its
 * address into b (300 bytes): op 1 a DHCPREQUEST, op 2 the server's ACK.
 */
static size_t
dhcp_msg(uint8_t *b, int op)
{
	static const uint8_t cam[4] = { 192, 168, 50, 101 };
	static const uint8_t srv[4] = { 192, 168, 10, 3 };
	size_t o = 240;

	memset(b, 0, 300);
	b[0] = (uint8_t)op;
	b[1] = 1;			/* Ethernet */
	b[2] = 6;
	b[4] = 0x3c; b[5] = 0xef; b[6] = 0x00; b[7] = 0x65;	/* xid */
	memcpy(b + 12, cam, 4);		/* ciaddr */
	if (op == 2)
		memcpy(b + 16, cam, 4);	/* yiaddr */
	memcpy(b + 28, mac_cam, 6);	/* chaddr */
	b[236] = 0x63; b[237] = 0x82; b[238] = 0x53; b[239] = 0x63;
	b[o++] = 53;			/* message type */
	b[o++] = 1;
	b[o++] = op == 1 ? 3 : 5;	/* DHCPREQUEST, DHCPACK */
	if (op == 2) {
		b[o++] = 54;		/* server identifier */
		b[o++] = 4;
		memcpy(b + o, srv, 4);
		o += 4;
		b[o++] = 51;		/* lease time: one day */
		b[o++] = 4;
		b[o++] = 0; b[o++] = 1; b[o++] = 0x51; b[o++] = 0x80;
	} else {
		b[o++] = 12;		/* host name */
		b[o++] = 6;
		memcpy(b + o, "cam001", 6);
		o += 6;
	}
	b[o] = 255;
	return 300;
}

/* An RTP packet (RFC 3550 section 5.1), payload type 96, into b. */
static size_t
rtp_pkt(uint8_t *b, uint16_t seq, uint32_t ssrc)
{
	uint32_t ts = (uint32_t)seq * 3000;

	memset(b, 0, 172);
	b[0] = 0x80;
	b[1] = 96;
	put16(b + 2, seq);
	b[4] = (uint8_t)(ts >> 24); b[5] = (uint8_t)(ts >> 16);
	b[6] = (uint8_t)(ts >> 8); b[7] = (uint8_t)ts;
	b[8] = (uint8_t)(ssrc >> 24); b[9] = (uint8_t)(ssrc >> 16);
	b[10] = (uint8_t)(ssrc >> 8); b[11] = (uint8_t)ssrc;
	memset(b + 12, 0x47, 160);
	return 172;
}

/* A TCP conversation: handshake at ts, then the client sends data. */
static void
tcp_open(struct craft_conv *cv, struct craft_pcap *w, const uint8_t *cmac,
    const char *caddr, uint16_t cport, const uint8_t *smac,
    const char *saddr, uint16_t sport, uint64_t ts)
{
	craft_conv_init(cv, w, cmac, caddr, cport, smac, saddr, sport,
	    IPPROTO_TCP, 0);
	craft_conv_handshake(cv, ts);
}

/* One message of a dialogue: from the client (dir 0) or the server (1). */
struct line {
	int dir;
	const void *p;
	size_t n;
};

/* A message from a string literal, without its NUL; from a byte array. */
#define SAY(dir, lit)	{ (dir), (lit), sizeof(lit) - 1 }
#define BIN(dir, a)	{ (dir), (a), sizeof(a) }

/*
 * The messages on cv, the first at t and then one a millisecond; with
 * close, the close a millisecond after the last.
 */
static void
dialogue(struct craft_conv *cv, uint64_t t, const struct line *l, size_t n,
    int close)
{
	size_t i;

	for (i = 0; i < n; i++)
		craft_conv_send(cv, t + i * 1000, l[i].dir, l[i].p, l[i].n);
	if (close)
		craft_conv_close(cv, t + n * 1000);
}

#define DIALOGUE(cv, t, close, ...)					\
	dialogue((cv), (t), (const struct line[]){ __VA_ARGS__ },	\
	    sizeof((const struct line[]){ __VA_ARGS__ }) /		\
	    sizeof(struct line), (close))

/* A UDP exchange: the client's datagram, the server's answer. */
static void
udp_pair(struct craft_pcap *w, const uint8_t *cmac, const char *caddr,
    uint16_t cport, const uint8_t *smac, const char *saddr, uint16_t sport,
    uint64_t ts, const void *req, size_t rn, const void *resp, size_t sn)
{
	struct craft_conv cv;

	craft_conv_init(&cv, w, cmac, caddr, cport, smac, saddr, sport,
	    IPPROTO_UDP, 0);
	craft_conv_send(&cv, ts, 0, req, rn);
	craft_conv_send(&cv, ts + 1000, 1, resp, sn);
}

/*
 * Syslog over UDP (RFC 5426) from a server to the site's infrastructure
 * host: n messages from port sport, the first at t, one every step
 * microseconds.
 */
static void
syslog_flow(struct craft_pcap *w, const uint8_t *smac, const char *saddr,
    uint16_t sport, uint64_t t, int n, uint64_t step)
{
	struct craft_conv cv;
	int i;

	craft_conv_init(&cv, w, smac, saddr, sport, mac_infra,
	    "192.168.10.3", 514, IPPROTO_UDP, 0);
	for (i = 0; i < n; i++)
		craft_conv_send(&cv, t + (uint64_t)i * step, 0, syslog_msg,
		    sizeof(syslog_msg) - 1);
}

/*
 * An IPv4 fragment (RFC 791 section 3.2) into f of the datagram in d, an
 * untagged Ethernet frame of n bytes with a 20-byte IP header: len bytes
 * of its IP payload from off, more the MF flag, id the identification.
 * off need not be a multiple of 8 (overlaps); the offset field is off / 8.
 * Returns the fragment's length.
 */
static size_t
ip4_frag(uint8_t *f, const uint8_t *d, size_t n, uint16_t id, size_t off,
    size_t len, int more)
{
	const size_t hl = 14 + 20;

	if (off > n - hl)
		off = n - hl;
	if (len > n - hl - off)
		len = n - hl - off;
	memcpy(f, d, hl);
	memcpy(f + hl, d + hl + off, len);
	put16(f + 16, 20 + len);
	put16(f + 18, id);
	put16(f + 20, (more ? 0x2000 : 0) | off / 8);
	put16(f + 24, 0);
	put16(f + 24, craft_cksum(f + 14, 20, 0));
	return hl + len;
}

/*
 * An IPv6 fragment (RFC 8200 section 4.5) into f of the datagram in d, an
 * untagged Ethernet frame of n bytes without extension headers: as
 * ip4_frag(), with a fragment header of identification id.
 */
static size_t
ip6_frag(uint8_t *f, const uint8_t *d, size_t n, uint32_t id, size_t off,
    size_t len, int more)
{
	const size_t hl = 14 + 40;

	if (off > n - hl)
		off = n - hl;
	if (len > n - hl - off)
		len = n - hl - off;
	memcpy(f, d, hl);
	put16(f + 14 + 4, 8 + len);
	f[14 + 6] = 44;			/* Fragment */
	f[hl] = d[14 + 6];
	f[hl + 1] = 0;
	put16(f + hl + 2, (off & 0xfff8) | (more ? 1 : 0));
	put16(f + hl + 4, id >> 16);
	put16(f + hl + 6, id & 0xffff);
	memcpy(f + hl + 8, d + hl + off, len);
	return hl + 8 + len;
}

/* The tunnel headers of the seeds below (sequence number included). */
static const uint8_t erspan2[] = { 0, 0, 0, 1,	/* GRE sequence */
	0x10, 0x96, 0, 0, 0, 0, 0, 0 };	/* version 1, VLAN 150, session */
static const uint8_t erspan3[] = { 0x20, 0x96, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0x01,			/* O: a platform sub-header follows */
	0, 0, 0, 0, 0, 0, 0, 0 };
static const uint8_t vxlan[] = { 0x08, 0, 0, 0, 0, 0, 0x64, 0 };

/*
 * A decode seed of an Ethernet frame in a tunnel between two switches:
 * GRE (flags, protocol type, then hdr) or, with type 0, VXLAN (UDP port
 * 4789, then hdr).
 */
static void
tunnel_seed(const char *name, uint16_t flags, uint16_t type,
    const uint8_t *hdr, size_t hlen, const uint8_t *frame, size_t n)
{
	struct craft_spec s;
	uint8_t in[1700], out[1800];
	size_t o = 0, m;

	if (type != 0) {
		in[o++] = flags >> 8;
		in[o++] = flags & 0xff;
		in[o++] = type >> 8;
		in[o++] = type & 0xff;
	}
	memcpy(in + o, hdr, hlen);
	o += hlen;
	memcpy(in + o, frame, n);
	o += n;
	memset(&s, 0, sizeof(s));
	memcpy(s.smac, mac_rs, 6);
	memcpy(s.dmac, mac_cam, 6);
	s.src = "10.0.0.1";
	s.dst = "10.0.0.2";
	s.proto = type != 0 ? 47 : IPPROTO_UDP;
	s.sport = 40000;
	s.dport = 4789;
	s.payload = in;
	s.plen = o;
	m = craft_frame(out, sizeof(out), &s);
	decode_seed(name, 1, out, m);
}

static void
decode_seeds(void)
{
	struct craft_spec s;
	uint8_t f[1600], g[1600];
	size_t n, m;

	memset(&s, 0, sizeof(s));
	memcpy(s.smac, mac_rs, 6);
	memcpy(s.dmac, mac_cam, 6);
	s.src = "192.168.10.20";
	s.dst = "192.168.50.101";
	s.proto = IPPROTO_TCP;
	s.sport = 50123;
	s.dport = 554;
	s.tcp_flags = CRAFT_SYN;
	n = craft_frame(f, sizeof(f), &s);
	decode_seed("eth-tcp-syn", 1, f, n);
	s.vlan = 150;
	s.payload = rtsp_req;
	s.plen = sizeof(rtsp_req) - 1;
	s.tcp_flags = CRAFT_PSH | CRAFT_ACK;
	n = craft_frame(f, sizeof(f), &s);
	decode_seed("eth-vlan-rtsp", 1, f, n);
	/* A second tag (802.1ad outside 802.1Q): QinQ. */
	memcpy(g, f, 12);
	g[12] = 0x88; g[13] = 0xa8; g[14] = 0x00; g[15] = 0x64;
	memcpy(g + 16, f + 12, n - 12);
	decode_seed("eth-qinq-rtsp", 1, g, n + 4);
	s.vlan = 0;
	s.proto = IPPROTO_UDP;
	s.sport = 53001;
	s.dport = 53;
	s.payload = dns_query;
	s.plen = sizeof(dns_query);
	n = craft_frame(f, sizeof(f), &s);
	decode_seed("eth-udp-dns", 1, f, n);
	m = craft_ip(g, sizeof(g), &s);
	decode_seed("raw-udp-dns", 2, g, m);
	decode_seed("ipv4-udp-dns", 6, g, m);
	s.src = "2001:db8:50::20";
	s.dst = "2001:db8:50::101";
	n = craft_frame(f, sizeof(f), &s);
	decode_seed("eth-ipv6-dns", 1, f, n);
	m = craft_ip(g, sizeof(g), &s);
	decode_seed("ipv6-udp-dns", 7, g, m);
	/*
	 * BSD loopback's other AF_INET6 values: 28 (FreeBSD) in network
	 * order (DLT_LOOP), 30 (macOS) in the host's order (DLT_NULL).
	 */
	memset(f, 0, 4);
	f[3] = 28;
	memcpy(f + 4, g, m);
	decode_seed("loop-ipv6-28", 4, f, m + 4);
	memset(f, 0, 4);
	f[0] = 30;
	decode_seed("null-ipv6-30", 0, f, m + 4);
	s.proto = IPPROTO_ICMPV6;
	s.sport = 128;
	s.dport = 0;
	n = craft_frame(f, sizeof(f), &s);
	decode_seed("eth-icmpv6", 1, f, n);
	/* BSD loopback: a 4-byte host-order family (2: AF_INET). */
	s.src = "192.168.10.20";
	s.dst = "192.168.50.101";
	s.proto = IPPROTO_TCP;
	s.sport = 50124;
	s.dport = 80;
	s.payload = http_get;
	s.plen = sizeof(http_get) - 1;
	m = craft_ip(g + 4, sizeof(g) - 4, &s);
	g[0] = 2; g[1] = g[2] = g[3] = 0;
	decode_seed("null-http", 0, g, m + 4);
	/* Linux cooked (SLL): 16-byte header, protocol at 14. */
	memset(f, 0, 16);
	f[1] = 0; f[5] = 6; memcpy(f + 6, mac_rs, 6);
	f[14] = 0x08; f[15] = 0x00;
	memcpy(f + 16, g + 4, m);
	decode_seed("sll-http", 5, f, m + 16);
	/* A netlink frame (ARPHRD 824) in a cooked header: not IP. */
	f[2] = 0x03; f[3] = 0x38;
	decode_seed("sll-netlink", 5, f, m + 16);
	/*
	 * Linux cooked v2 (SLL2): protocol, reserved, interface index,
	 * ARPHRD, packet type, address length, 8 address bytes.
	 */
	memset(f, 0, 20);
	f[0] = 0x08; f[1] = 0x00;
	f[7] = 2;
	f[9] = 1;
	f[11] = 6; memcpy(f + 12, mac_rs, 6);
	memcpy(f + 20, g + 4, m);
	decode_seed("sll2-http", 8, f, m + 20);
	f[8] = 0x03; f[9] = 0x38;
	decode_seed("sll2-netlink", 8, f, m + 20);
	/* ARP request (RFC 826) from the recorder. */
	memset(f, 0, 42);
	memset(f, 0xff, 6);
	memcpy(f + 6, mac_rs, 6);
	f[12] = 0x08; f[13] = 0x06;
	f[14] = 0; f[15] = 1; f[16] = 0x08; f[17] = 0; f[18] = 6; f[19] = 4;
	f[20] = 0; f[21] = 1;
	memcpy(f + 22, mac_rs, 6);
	f[28] = 192; f[29] = 168; f[30] = 10; f[31] = 20;
	f[38] = 192; f[39] = 168; f[40] = 10; f[41] = 10;
	decode_seed("eth-arp", 1, f, 42);

	/*
	 * The tunnels a mirror feed arrives in, around the recorder's SYN:
	 * GRE with transparent bridging, ERSPAN type II (S bit, 8-byte
	 * header) and type III (12-byte header with the O bit, then the
	 * 8-byte platform sub-header), VXLAN with its I flag.
	 */
	memset(&s, 0, sizeof(s));
	memcpy(s.smac, mac_rs, 6);
	memcpy(s.dmac, mac_cam, 6);
	s.src = "192.168.10.20";
	s.dst = "192.168.50.101";
	s.proto = IPPROTO_TCP;
	s.sport = 50123;
	s.dport = 554;
	s.tcp_flags = CRAFT_SYN;
	n = craft_frame(f, sizeof(f), &s);
	tunnel_seed("gre-teb", 0x0000, 0x6558, NULL, 0, f, n);
	tunnel_seed("gre-erspan2", 0x1000, 0x88be, erspan2, sizeof(erspan2),
	    f, n);
	tunnel_seed("gre-erspan3", 0x0000, 0x22eb, erspan3, sizeof(erspan3),
	    f, n);
	tunnel_seed("udp-vxlan", 0, 0, vxlan, sizeof(vxlan), f, n);

	/*
	 * First fragments too short for their transport header (RFC 1858
	 * section 3.1): 8 bytes of TCP (the ports, not the flags), 4 bytes
	 * of TCP and of UDP (not even the ports), and 12 bytes of TCP of
	 * which the snap length kept 4.
	 */
	s.tcp_flags = CRAFT_PSH | CRAFT_ACK;
	s.payload = http_get;
	s.plen = sizeof(http_get) - 1;
	n = craft_frame(f, sizeof(f), &s);
	m = ip4_frag(g, f, n, 0x3333, 0, 8, 1);
	decode_seed("frag-tiny-tcp8", 1, g, m);
	m = ip4_frag(g, f, n, 0x4444, 0, 4, 1);
	decode_seed("frag-tiny-tcp4", 1, g, m);
	m = ip4_frag(g, f, n, 0x4545, 0, 12, 1);
	decode_seed_cut("frag-tiny-tcp12-cut", 1, 8, g, m);
	s.proto = IPPROTO_UDP;
	s.dport = 53;
	s.payload = dns_query;
	s.plen = sizeof(dns_query);
	n = craft_frame(f, sizeof(f), &s);
	m = ip4_frag(g, f, n, 0x5555, 0, 4, 1);
	decode_seed("frag-tiny-udp4", 1, g, m);
	/* An IPv6 first fragment and a later one of another datagram. */
	s.src = "2001:db8:50::20";
	s.dst = "2001:db8:50::101";
	n = craft_frame(f, sizeof(f), &s);
	m = ip6_frag(g, f, n, 0x77777, 0, 16, 1);
	decode_seed("ipv6-frag-first", 1, g, m);
	m = ip6_frag(g, f, n, 0x88888, 16, 64, 0);
	decode_seed("ipv6-frag-later", 1, g, m);
}

/* A device the seed site does not list. */
static const uint8_t mac_odd[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x77 };

/*
 * An Ethernet ARP frame (RFC 826) into f (42 bytes): op 1 request
 * (broadcast, tha NULL) or 2 reply.  Returns its length.
 */
static size_t
arp_frame(uint8_t *f, int op, const uint8_t *sha, const char *spa,
    const uint8_t *tha, const char *tpa)
{
	memset(f, 0, 42);
	if (tha != NULL)
		memcpy(f, tha, 6);
	else
		memset(f, 0xff, 6);
	memcpy(f + 6, sha, 6);
	f[12] = 0x08; f[13] = 0x06;
	f[14] = 0; f[15] = 1; f[16] = 0x08; f[17] = 0; f[18] = 6; f[19] = 4;
	f[20] = 0; f[21] = (uint8_t)op;
	memcpy(f + 22, sha, 6);
	inet_pton(AF_INET, spa, f + 28);
	if (tha != NULL)
		memcpy(f + 32, tha, 6);
	inet_pton(AF_INET, tpa, f + 38);
	return 42;
}

static struct craft_pcap *
pcap_seed(const char *name)
{
	char path[4096];
	struct craft_pcap *w;

	snprintf(path, sizeof(path), "%s/pipeline/%s", outdir, name);
	if ((w = craft_pcap_open(path, DLT_EN10MB)) == NULL) {
		perror(path);
		exit(1);
	}
	nseeds++;
	return w;
}

/*
 * Flows to the services the fuzz site's rules name a protocol for, each
 * on its documented port with that protocol, so that the policy compares
 * what nDPI found with each kind of rule: WebSocket and TLS to the event
 * server (WS, WSS), SMTP from a camera (disabled by default, deprecated)
 * and TLS on 25, the rule the site enables and one that stays disabled,
 * a local-only port on the wire, TLS syslog, RTSP on 8554, cleartext HTTP
 * with a password on the HTTPS port.
 */
static void
service_seeds(void)
{
	struct craft_pcap *w;
	struct craft_conv cv;
	uint8_t b[512];
	size_t n;

	w = pcap_seed("vms-services.pcap");
	tcp_open(&cv, w, mac_api, "192.168.10.40", 51000, mac_es,
	    "192.168.10.30", 22332, T0);
	DIALOGUE(&cv, T0 + 3000, 1, SAY(0, ws_upgrade), SAY(1, ws_accept),
	    SAY(1, ws_frame));
	n = tls_hello(b, "es01.plant.example");
	tcp_open(&cv, w, mac_api, "192.168.10.40", 51001, mac_es,
	    "192.168.10.30", 22332, T0 + 10000);
	craft_conv_send(&cv, T0 + 13000, 0, b, n);
	craft_conv_close(&cv, T0 + 16000);
	tcp_open(&cv, w, mac_cam, "192.168.50.101", 51002, mac_rs,
	    "192.168.10.20", 25, T0 + 20000);
	DIALOGUE(&cv, T0 + 23000, 1, SAY(1, smtp_banner), SAY(0, smtp_ehlo),
	    SAY(1, smtp_ehlo_resp), SAY(0, smtp_mail), SAY(1, smtp_ok));
	n = tls_hello(b, "rs01.plant.example");
	tcp_open(&cv, w, mac_cam, "192.168.50.101", 51008, mac_rs,
	    "192.168.10.20", 25, T0 + 29000);
	craft_conv_send(&cv, T0 + 29500, 0, b, n);
	/* Enabled by the site: camera events on 5432; Video Push is not. */
	tcp_open(&cv, w, mac_cam, "192.168.50.101", 51003, mac_rs,
	    "192.168.10.20", 5432, T0 + 30000);
	DIALOGUE(&cv, T0 + 33000, 1, SAY(0, "EVENT motion\n"));
	tcp_open(&cv, w, mac_rs, "192.168.10.20", 51004, mac_mob,
	    "192.168.60.10", 40001, T0 + 40000);
	DIALOGUE(&cv, T0 + 43000, 1, SAY(0, http_get), SAY(1, http_resp));
	/* A local-only port of the management server, from another host. */
	tcp_open(&cv, w, mac_rs, "192.168.10.20", 51005, mac_ms,
	    "192.168.10.10", 6473, T0 + 50000);
	DIALOGUE(&cv, T0 + 53000, 0, SAY(0, "status\n"), SAY(1, "ok\n"));
	/* Syslog over TLS (the site's TLS rule). */
	n = tls_hello(b, "infra01.plant.example");
	tcp_open(&cv, w, mac_rs, "192.168.10.20", 51006, mac_infra,
	    "192.168.10.3", 6514, T0 + 60000);
	craft_conv_send(&cv, T0 + 63000, 0, b, n);
	/* RTSP on its other well-known port. */
	tcp_open(&cv, w, mac_rs, "192.168.10.20", 51007, mac_cam,
	    "192.168.50.101", 8554, T0 + 70000);
	DIALOGUE(&cv, T0 + 73000, 0, SAY(0, rtsp_req), SAY(1, rtsp_resp));
	/* HTTP (a Basic password) on the management server's HTTPS port. */
	tcp_open(&cv, w, mac_sc, "192.168.20.50", 51009, mac_ms,
	    "192.168.10.10", 443, T0 + 80000);
	DIALOGUE(&cv, T0 + 83000, 0, SAY(0, http_get), SAY(1, http_resp));
	craft_pcap_close(w);

	/*
	 * The infrastructure services of the site's rules: DNS from a
	 * recorder and a camera, the camera's DHCP renewal and NTP, SNMP
	 * polls of a server and a camera, syslog from two servers.
	 */
	w = pcap_seed("infra.pcap");
	memcpy(b, dns_query, sizeof(dns_query));
	b[2] = 0x81;			/* a response, recursion available */
	b[3] = 0x80;
	udp_pair(w, mac_rs, "192.168.10.20", 53100, mac_dc, "192.168.10.2",
	    53, T0, dns_query, sizeof(dns_query), b, sizeof(dns_query));
	udp_pair(w, mac_cam, "192.168.50.101", 53101, mac_dc, "192.168.10.2",
	    53, T0 + 10000, dns_query, sizeof(dns_query), b,
	    sizeof(dns_query));
	{
		uint8_t req[300], ack[300];

		dhcp_msg(req, 1);
		dhcp_msg(ack, 2);
		udp_pair(w, mac_cam, "192.168.50.101", 68, mac_infra,
		    "192.168.10.3", 67, T0 + 20000, req, sizeof(req), ack,
		    sizeof(ack));
	}
	udp_pair(w, mac_cam, "192.168.50.101", 123, mac_infra,
	    "192.168.10.3", 123, T0 + 30000, ntp_req, sizeof(ntp_req),
	    ntp_resp, sizeof(ntp_resp));
	memcpy(b, snmp_get, sizeof(snmp_get));
	b[13] = 0xa2;			/* the GetResponse-PDU */
	udp_pair(w, mac_infra, "192.168.10.3", 40161, mac_rs,
	    "192.168.10.20", 161, T0 + 40000, snmp_get, sizeof(snmp_get), b,
	    sizeof(snmp_get));
	udp_pair(w, mac_infra, "192.168.10.3", 40162, mac_cam,
	    "192.168.50.101", 161, T0 + 50000, snmp_get, sizeof(snmp_get), b,
	    sizeof(snmp_get));
	syslog_flow(w, mac_rs, "192.168.10.20", 40514, T0 + 60000, 3, 1000);
	syslog_flow(w, mac_ms, "192.168.10.10", 40515, T0 + 70000, 3, 1000);
	craft_pcap_close(w);

	/*
	 * A syslog flow that outlives the site's active timeout (60 s): a
	 * message every 5 s for 90 s, under its idle timeout (20 s), so the
	 * flow table reports it and starts a new record mid-flow.
	 */
	w = pcap_seed("syslog-long.pcap");
	syslog_flow(w, mac_rs, "192.168.10.20", 40516, T0, 19, 5000000);
	craft_pcap_close(w);

	/*
	 * An ONVIF client plays a stream of the Open Network Bridge: RTSP
	 * on 554, the announced RTP stream (covered by the session) and one
	 * on a port the SETUP did not announce, and one from a server port
	 * outside the announced ones (both judged by the RTP rule).
	 */
	w = pcap_seed("onb-rtsp-rtp.pcap");
	tcp_open(&cv, w, mac_onvif, "192.168.20.60", 50500, mac_onb,
	    "192.168.10.50", 554, T0);
	DIALOGUE(&cv, T0 + 3000, 0, SAY(0, rtsp_req), SAY(1, rtsp_resp),
	    SAY(0, rtsp_describe), SAY(1, rtsp_describe_resp),
	    SAY(0, onb_setup), SAY(1, onb_setup_resp), SAY(0, onb_play),
	    SAY(1, onb_play_resp));
	{
		struct craft_conv rv, xv, ov;
		uint16_t i;

		craft_conv_init(&rv, w, mac_onvif, "192.168.20.60", 50000,
		    mac_onb, "192.168.10.50", 6970, IPPROTO_UDP, 0);
		craft_conv_init(&xv, w, mac_onvif, "192.168.20.60", 50010,
		    mac_onb, "192.168.10.50", 6972, IPPROTO_UDP, 0);
		craft_conv_init(&ov, w, mac_onvif, "192.168.20.60", 50000,
		    mac_onb, "192.168.10.50", 6990, IPPROTO_UDP, 0);
		for (i = 0; i < 6; i++) {
			n = rtp_pkt(b, (uint16_t)(100 + i), 0x11223344);
			craft_conv_send(&rv, T0 + 20000 + i * 20000u, 1, b, n);
			n = rtp_pkt(b, (uint16_t)(900 + i), 0x55667788);
			craft_conv_send(&xv, T0 + 21000 + i * 20000u, 1, b, n);
			n = rtp_pkt(b, (uint16_t)(500 + i), 0x99aabbcc);
			craft_conv_send(&ov, T0 + 22000 + i * 20000u, 1, b, n);
		}
	}
	craft_conv_flags(&cv, T0 + 200000, 0, CRAFT_FIN | CRAFT_ACK);
	craft_pcap_close(w);

	/*
	 * The DMZ: an Internet client of the mobile server on its HTTPS
	 * port (the documented exception), on its HTTP port and on a port
	 * no rule names, and the mobile server reaching out.  Internet
	 * frames come through the site's router.
	 */
	w = pcap_seed("dmz-internet.pcap");
	n = tls_hello(b, "mobile.plant.example");
	tcp_open(&cv, w, mac_gw, "203.0.113.7", 52000, mac_mob,
	    "192.168.60.10", 8082, T0);
	craft_conv_send(&cv, T0 + 3000, 0, b, n);
	craft_conv_close(&cv, T0 + 6000);
	tcp_open(&cv, w, mac_gw, "203.0.113.7", 52001, mac_mob,
	    "192.168.60.10", 8081, T0 + 10000);
	DIALOGUE(&cv, T0 + 13000, 1, SAY(0, http_get), SAY(1, http_resp));
	tcp_open(&cv, w, mac_gw, "203.0.113.7", 52003, mac_mob,
	    "192.168.60.10", 3389, T0 + 16000);
	craft_conv_send(&cv, T0 + 17000, 1, "RFB 003.008\n", 12);
	n = tls_hello(b, "updates.example.com");
	tcp_open(&cv, w, mac_mob, "192.168.60.10", 52002, mac_gw,
	    "198.51.100.20", 443, T0 + 20000);
	craft_conv_send(&cv, T0 + 23000, 0, b, n);
	craft_pcap_close(w);

	/* Cleartext logins: Telnet and FTP to the camera. */
	w = pcap_seed("telnet-ftp.pcap");
	tcp_open(&cv, w, mac_sc, "192.168.20.50", 52100, mac_cam,
	    "192.168.50.101", 23, T0);
	DIALOGUE(&cv, T0 + 3000, 1, BIN(1, telnet_do), BIN(0, telnet_will),
	    BIN(1, telnet_sb), BIN(0, telnet_sb_resp),
	    SAY(1, telnet_login), SAY(0, telnet_user),
	    SAY(1, telnet_pass_prompt), SAY(0, telnet_pass));
	tcp_open(&cv, w, mac_rs, "192.168.10.20", 52101, mac_cam,
	    "192.168.50.101", 21, T0 + 20000);
	DIALOGUE(&cv, T0 + 23000, 1, SAY(1, ftp_banner), SAY(0, ftp_user),
	    SAY(1, ftp_331), SAY(0, ftp_pass), SAY(1, ftp_230));
	craft_pcap_close(w);
}

/*
 * The datagram of a fragment sequence into d: TCP carries an HTTP request,
 * UDP a DNS query, from sport to dport of s's addresses.  Returns its
 * length.
 */
static size_t
frag_dgram(uint8_t *d, size_t cap, struct craft_spec *s, uint8_t proto,
    uint16_t sport, uint16_t dport)
{
	s->proto = proto;
	s->sport = sport;
	s->dport = dport;
	s->payload = proto == IPPROTO_TCP ? (const void *)http_get : dns_query;
	s->plen = proto == IPPROTO_TCP ? sizeof(http_get) - 1 :
	    sizeof(dns_query);
	return craft_frame(d, cap, s);
}

/* Writes one fragment of the datagram d (IPv4, or IPv6 when v6) at ts. */
static void
frag_write(struct craft_pcap *w, uint64_t ts, const uint8_t *d, size_t dn,
    int v6, uint32_t id, size_t off, size_t len, int more)
{
	uint8_t f[256];
	size_t n;

	n = v6 ? ip6_frag(f, d, dn, id, off, len, more) :
	    ip4_frag(f, d, dn, (uint16_t)id, off, len, more);
	craft_pcap_write(w, ts, f, (uint32_t)n, (uint32_t)n);
}

/*
 * Fragment sequences (RFC 791; RFC 1858 attacks), smart client to camera:
 * a second first fragment with other ports (a rewritten header), a later
 * fragment overlapping the TCP header, first fragments of 8 and 4 bytes
 * (tiny), and a later fragment of another protocol between the same
 * addresses (an orphan the address pair must not adopt); over IPv6, the
 * same with another protocol.
 */
static void
frag_seeds(void)
{
	struct craft_pcap *w;
	struct craft_spec s;
	uint8_t d[256];
	size_t dn;

	memset(&s, 0, sizeof(s));
	memcpy(s.smac, mac_sc, 6);
	memcpy(s.dmac, mac_cam, 6);
	s.src = "192.168.20.50";
	s.dst = "192.168.50.101";
	s.tcp_flags = CRAFT_PSH | CRAFT_ACK;

	w = pcap_seed("fragments.pcap");
	/* Rewritten: the same id with port 80, then port 23. */
	dn = frag_dgram(d, sizeof(d), &s, IPPROTO_TCP, 50600, 80);
	frag_write(w, T0, d, dn, 0, 0x1111, 0, 24, 1);
	dn = frag_dgram(d, sizeof(d), &s, IPPROTO_TCP, 50600, 23);
	frag_write(w, T0 + 1000, d, dn, 0, 0x1111, 0, 24, 1);
	frag_write(w, T0 + 2000, d, dn, 0, 0x1111, 24, 200, 0);
	/* Overlap: the second fragment starts inside the TCP header. */
	dn = frag_dgram(d, sizeof(d), &s, IPPROTO_TCP, 50601, 80);
	frag_write(w, T0 + 3000, d, dn, 0, 0x2222, 0, 32, 1);
	frag_write(w, T0 + 4000, d, dn, 0, 0x2222, 8, 200, 0);
	/* Tiny: 8 bytes (the ports, no flags), then 4 bytes of TCP. */
	dn = frag_dgram(d, sizeof(d), &s, IPPROTO_TCP, 50602, 80);
	frag_write(w, T0 + 5000, d, dn, 0, 0x3333, 0, 8, 1);
	frag_write(w, T0 + 6000, d, dn, 0, 0x3333, 8, 200, 0);
	frag_write(w, T0 + 7000, d, dn, 0, 0x4444, 0, 4, 1);
	/* 4 bytes of UDP, then a UDP fragment of an unknown datagram. */
	dn = frag_dgram(d, sizeof(d), &s, IPPROTO_UDP, 50603, 53);
	frag_write(w, T0 + 8000, d, dn, 0, 0x5555, 0, 4, 1);
	frag_write(w, T0 + 9000, d, dn, 0, 0x6666, 16, 200, 0);
	/*
	 * IPv6 keys the address pair without the protocol: a later UDP
	 * fragment of an unknown datagram after a TCP one between the same
	 * addresses.
	 */
	s.src = "2001:db8:50::20";
	s.dst = "2001:db8:50::101";
	dn = frag_dgram(d, sizeof(d), &s, IPPROTO_TCP, 50604, 80);
	frag_write(w, T0 + 10000, d, dn, 1, 0x77777, 0, 32, 1);
	frag_write(w, T0 + 11000, d, dn, 1, 0x77777, 32, 200, 0);
	dn = frag_dgram(d, sizeof(d), &s, IPPROTO_UDP, 50605, 53);
	frag_write(w, T0 + 12000, d, dn, 1, 0x88888, 16, 200, 0);
	/*
	 * Nor its id key: a UDP first fragment with the id of the TCP
	 * datagram above rewrites its protocol (IPv4 keys the id with the
	 * protocol, so there it would be another datagram).
	 */
	frag_write(w, T0 + 13000, d, dn, 1, 0x77777, 0, 16, 1);
	craft_pcap_close(w);
}

static void
pipeline_seeds(const char *srcdir)
{
	struct craft_pcap *w;
	struct craft_conv cv;
	struct craft_spec s;
	uint8_t f[1600], junk[16];
	size_t n;
	int i;

	/* The recorder polls its camera over HTTP and opens RTSP. */
	w = pcap_seed("recorder-camera.pcap");
	craft_conv_init(&cv, w, mac_rs, "192.168.10.20", 50123, mac_cam,
	    "192.168.50.101", 80, IPPROTO_TCP, 150);
	craft_conv_handshake(&cv, T0);
	craft_conv_send(&cv, T0 + 3000, 0, http_get, sizeof(http_get) - 1);
	craft_conv_send(&cv, T0 + 5000, 1, http_resp, sizeof(http_resp) - 1);
	craft_conv_close(&cv, T0 + 6000);
	craft_conv_init(&cv, w, mac_rs, "192.168.10.20", 50200, mac_cam,
	    "192.168.50.101", 554, IPPROTO_TCP, 150);
	craft_conv_handshake(&cv, T0 + 10000);
	craft_conv_send(&cv, T0 + 13000, 0, rtsp_req, sizeof(rtsp_req) - 1);
	craft_conv_send(&cv, T0 + 15000, 1, rtsp_resp, sizeof(rtsp_resp) - 1);
	craft_pcap_close(w);

	/* An RTSP session that sets up its streams and plays. */
	w = pcap_seed("rtsp-setup-play.pcap");
	craft_conv_init(&cv, w, mac_rs, "192.168.10.20", 50210, mac_cam,
	    "192.168.50.101", 554, IPPROTO_TCP, 150);
	craft_conv_handshake(&cv, T0);
	DIALOGUE(&cv, T0 + 3000, 0, SAY(0, rtsp_req), SAY(1, rtsp_resp),
	    SAY(0, rtsp_setup), SAY(1, rtsp_setup_resp), SAY(0, rtsp_play),
	    SAY(1, rtsp_play_resp));
	craft_pcap_close(w);

	/* DNS, then a smart client reaching a camera directly. */
	w = pcap_seed("dns-undocumented.pcap");
	craft_conv_init(&cv, w, mac_ms, "192.168.10.10", 53001, mac_dc,
	    "192.168.10.2", 53, IPPROTO_UDP, 110);
	craft_conv_send(&cv, T0, 0, dns_query, sizeof(dns_query));
	craft_conv_send(&cv, T0 + 1000, 1, dns_query, sizeof(dns_query));
	craft_conv_init(&cv, w, mac_sc, "192.168.20.50", 50300, mac_cam,
	    "192.168.50.101", 554, IPPROTO_TCP, 0);
	craft_conv_handshake(&cv, T0 + 2000);
	craft_conv_send(&cv, T0 + 3000, 0, rtsp_req, sizeof(rtsp_req) - 1);
	craft_pcap_close(w);

	/* More flows than the fuzzing table holds: eviction. */
	w = pcap_seed("syn-burst.pcap");
	memset(&s, 0, sizeof(s));
	memcpy(s.smac, mac_sc, 6);
	memcpy(s.dmac, mac_cam, 6);
	s.src = "192.168.20.50";
	s.dst = "192.168.50.101";
	s.proto = IPPROTO_TCP;
	s.dport = 8080;
	s.tcp_flags = CRAFT_SYN;
	for (i = 0; i < 40; i++) {
		s.sport = (uint16_t)(40000 + i);
		n = craft_frame(f, sizeof(f), &s);
		craft_pcap_write(w, T0 + (uint64_t)i * 100000, f, (uint32_t)n,
		    (uint32_t)n);
	}
	craft_pcap_close(w);

	/*
	 * HTTP between VMS components, judged by the port rules rather than
	 * the camera topology: a smart client and a recorder on the
	 * management server's documented port, and a smart client on a
	 * port the server does not list (a moved service).
	 */
	w = pcap_seed("vms-http.pcap");
	craft_conv_init(&cv, w, mac_sc, "192.168.20.50", 50400, mac_ms,
	    "192.168.10.10", 80, IPPROTO_TCP, 0);
	craft_conv_handshake(&cv, T0);
	DIALOGUE(&cv, T0 + 1000, 1, SAY(0, http_get), SAY(1, http_resp));
	craft_conv_init(&cv, w, mac_rs, "192.168.10.20", 50401, mac_ms,
	    "192.168.10.10", 80, IPPROTO_TCP, 110);
	craft_conv_handshake(&cv, T0 + 4000);
	DIALOGUE(&cv, T0 + 5000, 0, SAY(0, http_get), SAY(1, http_resp));
	craft_conv_init(&cv, w, mac_sc, "192.168.20.50", 50402, mac_ms,
	    "192.168.10.10", 9000, IPPROTO_TCP, 0);
	craft_conv_handshake(&cv, T0 + 7000);
	DIALOGUE(&cv, T0 + 8000, 1, SAY(0, http_get), SAY(1, http_resp));
	craft_pcap_close(w);

	/*
	 * ARP (policy_arp): a known host asks, a known host answers a host
	 * the inventory does not know, a stranger asks on the camera
	 * network, and a strange MAC claims the domain controller.
	 */
	w = pcap_seed("arp.pcap");
	n = arp_frame(f, 1, mac_rs, "192.168.10.20", NULL, "192.168.10.10");
	craft_pcap_write(w, T0, f, (uint32_t)n, (uint32_t)n);
	n = arp_frame(f, 2, mac_ms, "192.168.10.10", mac_odd, "192.168.10.77");
	craft_pcap_write(w, T0 + 1000, f, (uint32_t)n, (uint32_t)n);
	n = arp_frame(f, 1, mac_odd, "192.168.50.200", NULL, "192.168.50.101");
	craft_pcap_write(w, T0 + 2000, f, (uint32_t)n, (uint32_t)n);
	n = arp_frame(f, 2, mac_odd, "192.168.10.2", mac_rs, "192.168.10.20");
	craft_pcap_write(w, T0 + 3000, f, (uint32_t)n, (uint32_t)n);
	/* A known host answers another the inventory lists. */
	n = arp_frame(f, 2, mac_ms, "192.168.10.10", mac_rs, "192.168.10.20");
	craft_pcap_write(w, T0 + 4000, f, (uint32_t)n, (uint32_t)n);
	craft_pcap_close(w);

	/*
	 * UDP on ports no rule documents, the server end (the lower port,
	 * by the flow table's guess) first: the policy takes the first
	 * sender for the client (orient()).
	 */
	w = pcap_seed("udp-server-first.pcap");
	craft_conv_init(&cv, w, mac_ms, "192.168.10.10", 40100, mac_rs,
	    "192.168.10.20", 4711, IPPROTO_UDP, 110);
	craft_conv_send(&cv, T0, 1, dns_query, sizeof(dns_query));
	craft_conv_send(&cv, T0 + 1000, 0, dns_query, sizeof(dns_query));
	craft_conv_send(&cv, T0 + 2000, 1, dns_query, sizeof(dns_query));
	craft_pcap_close(w);

	/*
	 * TCP to the SQL Server port with bytes nDPI cannot name, so that
	 * it guesses by the port: a session that ends in a reset after data
	 * (an exchange: exchanged()), and a connection refused at once.
	 */
	w = pcap_seed("tcp-reset.pcap");
	memset(junk, 0, sizeof(junk));
	craft_conv_init(&cv, w, mac_sc, "192.168.20.50", 50400, mac_rs,
	    "192.168.10.20", 1433, IPPROTO_TCP, 0);
	craft_conv_handshake(&cv, T0);
	craft_conv_send(&cv, T0 + 3000, 0, junk, sizeof(junk));
	craft_conv_send(&cv, T0 + 4000, 1, junk, sizeof(junk));
	craft_conv_flags(&cv, T0 + 5000, 1, CRAFT_RST);
	craft_conv_init(&cv, w, mac_sc, "192.168.20.50", 50401, mac_rs,
	    "192.168.10.20", 1433, IPPROTO_TCP, 0);
	craft_conv_flags(&cv, T0 + 6000, 0, CRAFT_SYN);
	craft_conv_flags(&cv, T0 + 7000, 1, CRAFT_RST | CRAFT_ACK);
	craft_pcap_close(w);

	/*
	 * SSH on the RTSP port: the answered flow waits for its media
	 * streams until nDPI names it, then stops waiting (media_wait()).
	 */
	w = pcap_seed("rtsp-port-ssh.pcap");
	craft_conv_init(&cv, w, mac_rs, "192.168.10.20", 50600, mac_cam,
	    "192.168.50.101", 554, IPPROTO_TCP, 150);
	craft_conv_handshake(&cv, T0);
	DIALOGUE(&cv, T0 + 3000, 1, SAY(1, ssh_banner_s),
	    SAY(0, ssh_banner_c));
	craft_pcap_close(w);

	/*
	 * One address from two MACs in turn within a flow (a spoofer, or
	 * DHCP from many MACs): each new MAC is checked once and then
	 * remembered (dev_cached()).
	 */
	w = pcap_seed("mac-flap.pcap");
	for (i = 0; i < 6; i++) {
		craft_conv_init(&cv, w, i % 2 ? mac_odd : mac_cam,
		    "192.168.50.101", 50500, mac_rs, "192.168.10.20", 554,
		    IPPROTO_UDP, 150);
		craft_conv_send(&cv, T0 + (uint64_t)i * 1000, 0, rtsp_req,
		    sizeof(rtsp_req) - 1);
		craft_conv_send(&cv, T0 + (uint64_t)i * 1000 + 500, 1,
		    rtsp_resp, sizeof(rtsp_resp) - 1);
	}
	craft_pcap_close(w);

	service_seeds();
	frag_seeds();

	/* The shipped sample capture, cut to its first 64 KiB. */
	{
		size_t sz;
		char path[4096], *buf;

		snprintf(path, sizeof(path), "%s/samples/sample.pcap", srcdir);
		buf = slurp(path, &sz);
		write_seed("pipeline", "sample-head.pcap", buf,
		    sz < 65536 ? sz : 65536);
		free(buf);
	}
}

/*
 * A loader seed: the configuration conf, then the fuzz site's inventory
 * and rules files (fuzz_loader's "#%%" format).
 */
static void
loader_seed(const char *srcdir, const char *name, const char *conf,
    const char *rules)
{
	char path[4096], *inv, *all;
	size_t ninv, nconf = strlen(conf), nrules = strlen(rules), o = 0;

	snprintf(path, sizeof(path), "%s/fuzz/site/inventory.conf", srcdir);
	inv = slurp(path, &ninv);
	if ((all = malloc(nconf + ninv + nrules + 16)) == NULL)
		exit(1);
	memcpy(all + o, conf, nconf);
	o += nconf;
	memcpy(all + o, "#%%\n", 4);
	o += 4;
	memcpy(all + o, inv, ninv);
	o += ninv;
	memcpy(all + o, "#%%\n", 4);
	o += 4;
	memcpy(all + o, rules, nrules);
	o += nrules;
	write_seed("loader", name, all, o);
	free(all);
	free(inv);
}

static void
loader_seeds(const char *srcdir)
{
	static const char rules[] =
	    "rules = (\n"
	    "\t{\n"
	    "\t\tid = \"SITE-NTP-0123\";\n"
	    "\t\tserver = [ \"ntp_server\" ];\n"
	    "\t\tports = \"123\";\n"
	    "\t\ttransport = \"udp\";\n"
	    "\t\tprotocol = \"NTP\";\n"
	    "\t\tclients = [ \"all_components\" ];\n"
	    "\t\tpurpose = \"time\";\n"
	    "\t\tsection = \"site\";\n"
	    "\t\tnist = [ \"CM-6\" ];\n"
	    "\t}\n"
	    ");\n";
	static const char conf[] =
	    "flow = { max_flows = 1024; };\n"
	    "alert = { window = 60; rate = 10; burst = 100; };\n"
	    "inventory = \"inventory.conf\";\n"
	    "rules = [ \"rules.conf\" ];\n"
	    "policy = { enabled = [ \"SITE-NTP-0123\" ]; };\n";
	/*
	 * Every sink type, protocol, format and key of conf/vmswatch.conf,
	 * valid together.  The TLS files are the target's own files, named
	 * relative to the configuration's folder, so that they can be read
	 * wherever the target writes them.
	 */
	static const char sinks[] =
	    "inventory = \"inventory.conf\";\n"
	    "rules = [ \"rules.conf\" ];\n"
	    "sinks = (\n"
	    "\t{ type = \"file\"; path = \"-\"; format = \"json\";\n"
	    "\t  queue = 100; name = \"stdout\";"
	    " observer_name = \"sensor-a\";\n"
	    "\t  observer_ip = \"192.168.10.99\"; },\n"
	    "\t{ type = \"file\"; path = \"alerts.log\";"
	    " format = \"rfc5424\";\n"
	    "\t  facility = \"local3\"; hostname = \"sensor-a\";\n"
	    "\t  app_name = \"vmswatch\"; enterprise = 32473;\n"
	    "\t  severity_map = [ 7, 6, 6, 5, 5, 4, 4, 3, 2, 1, 0 ]; },\n"
	    "\t{ type = \"file\"; path = \"/tmp/vw-alerts.txt\";"
	    " format = \"text\"; },\n"
	    "\t{ type = \"syslog\"; ident = \"vmswatch\";"
	    " facility = \"local5\";\n"
	    "\t  format = \"cef\"; observer_ip = \"2001:db8::99\"; },\n"
	    "\t{ type = \"remote\"; protocol = \"udp\";"
	    " host = \"siem.example.org\";\n"
	    "\t  port = 514; format = \"leef\"; leef_delimiter = \"^\"; },\n"
	    "\t{ type = \"remote\"; protocol = \"tcp\";"
	    " host = \"qradar.example.org\";\n"
	    "\t  format = \"leef\"; leef_delimiter = \"x09\";\n"
	    "\t  backoff_min_ms = 100; backoff_max_ms = 1000; },\n"
	    "\t{ type = \"remote\"; protocol = \"tcp\"; host = \"10.0.0.9\";\n"
	    "\t  format = \"leef\"; leef_delimiter = \"\\t\"; },\n"
	    "\t{ type = \"remote\"; protocol = \"tls\";"
	    " host = \"siem.example.org\";\n"
	    "\t  port = 6514; ca = \"inventory.conf\";\n"
	    "\t  server_name = \"siem.example.org\";\n"
	    "\t  cert = \"rules.conf\"; key = \"vmswatch.conf\";\n"
	    "\t  format = \"rfc5424\"; queue = 10000; facility = \"local5\";\n"
	    "\t  enterprise = 32473; app_name = \"vmswatch\";\n"
	    "\t  observer_name = \"vms-sensor-a\"; name = \"siem\";\n"
	    "\t  hostname = \"sensor-a.plant.example\";\n"
	    "\t  backoff_min_ms = 500; backoff_max_ms = 30000;\n"
	    "\t  severity_map = [ 6, 6, 6, 5, 5, 4, 4, 3, 2, 2, 2 ]; }\n"
	    ");\n";
	/*
	 * Settings a sink refuses, one of each kind sink_conf.c reports:
	 * the list and its groups, types, keys of another type, values out
	 * of range, files that cannot be read or are a symbolic link, keys
	 * the format does not use, the checks across keys.
	 */
	static const char sinks_bad[] =
	    "sinks = (\n"
	    "\t\"file\",\n"
	    "\t{ path = \"-\"; },\n"
	    "\t{ type = \"pipe\"; },\n"
	    "\t{ type = 5; },\n"
	    "\t{ type = \"file\"; ident = \"x\"; colour = \"red\";"
	    " format = \"xml\"; queue = 0; },\n"
	    "\t{ type = \"file\"; format = \"json\"; facility = \"local9\";\n"
	    "\t  hostname = \"h\"; enterprise = 7; leef_delimiter = \"^\"; },\n"
	    "\t{ type = \"file\"; path = \"/proc/self\"; format = \"text\";\n"
	    "\t  observer_name = \"s\"; observer_ip = \"192.168.10.99\"; },\n"
	    "\t{ type = \"file\"; path = \"\"; observer_ip = \"sensor\";\n"
	    "\t  severity_map = [ 1, 2, 3 ]; },\n"
	    "\t{ type = \"file\"; path = \"-\";"
	    " severity_map = ( 0, 1, 2, 3, 4, 5, 6, 7, 8, -1, \"x\" ); },\n"
	    "\t{ type = \"syslog\"; leef_delimiter = \"||\";"
	    " format = \"leef\"; },\n"
	    "\t{ type = \"syslog\"; leef_delimiter = \"=\";"
	    " format = \"leef\"; },\n"
	    "\t{ type = \"remote\"; protocol = \"udp\";"
	    " ca = \"inventory.conf\";\n"
	    "\t  server_name = \"siem\"; port = 0; },\n"
	    "\t{ type = \"remote\"; protocol = \"sctp\"; host = \"siem\";"
	    " cert = \"x.pem\"; },\n"
	    "\t{ type = \"remote\"; protocol = \"tls\"; host = \"siem\";\n"
	    "\t  ca = \"/nonexistent/ca.pem\"; cert = \"rules.conf\";\n"
	    "\t  backoff_min_ms = 5000; backoff_max_ms = 100;"
	    " port = 70000; },\n"
	    "\t{ type = \"remote\"; protocol = \"tls\"; host = \"siem\";"
	    " key = \"missing.key\";\n"
	    "\t  backoff_min_ms = 0; }\n"
	    ");\n";
	char name[1020], longpath[1100];

	loader_seed(srcdir, "site", conf, rules);
	loader_seed(srcdir, "sinks", sinks, rules);
	loader_seed(srcdir, "sinks-bad", sinks_bad, rules);
	/* An empty list is valid; a group where a list is due is not. */
	loader_seed(srcdir, "sinks-empty", "sinks = [ ];\n", rules);
	loader_seed(srcdir, "sinks-group", "sinks = { type = \"file\"; };\n",
	    rules);
	/* A relative path that the configuration's folder makes too long. */
	memset(name, 'a', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	snprintf(longpath, sizeof(longpath), "sinks = ( { type = \"file\"; "
	    "path = \"%s\"; } );\n", name);
	loader_seed(srcdir, "sinks-long-path", longpath, rules);
}

/* fuzz_format.c's encoding: a few hand-made alerts. */
static void
format_seeds(void)
{
	uint8_t b[1024];
	size_t o;
	int k;

#define STR(s) do { b[o++] = (uint8_t)strlen(s); memcpy(b + o, s, \
	strlen(s)); o += strlen(s); } while (0)
/*
 * v big-endian in n bytes.  Past the 8 bytes a uint64_t has (an address's
 * 12 leading zeros) the bytes are zero: shifting by 64 or more is
 * undefined, and UBSan stops the seed generator on it.
 */
#define BYTES(v, n) do { int i_; for (i_ = (n) - 1; i_ >= 0; i_--) \
	b[o++] = i_ < 8 ? (uint8_t)((uint64_t)(v) >> (8 * i_)) : 0; \
	} while (0)
	for (k = 0; k < 4; k++) {
		char name[32];

		o = 0;
		BYTES(k * 3, 1);
		BYTES(7, 1);
		STR("XP-RS-0554");
		STR("RTSP to cameras");
		STR("Recording Server service");
		STR("CA-3, CM-6");
		BYTES(T0, 8);
		/* client: 192.168.20.50:50300, smart client */
		BYTES(0, 12);
		BYTES(0xc0a81432, 4);
		BYTES(1, 1);
		BYTES(50300, 2);
		BYTES(0x00155d780032ull, 6);
		BYTES(1, 1);
		BYTES(k & 1, 1);
		BYTES(1ull << k, 8);
		STR("sc01");
		STR("clients");
		/* server: 2001:db8:50::101:554, camera */
		BYTES(0x20010db800500000ull, 8);
		BYTES(0x101, 8);
		BYTES(0, 1);
		BYTES(554, 2);
		BYTES(0x3cef8ce70065ull, 6);
		BYTES(k & 1, 1);
		BYTES(0, 1);
		BYTES(2, 8);
		STR(k == 2 ? "cam\"001\\" : "cam001");
		STR("cameras");
		BYTES(k == 3 ? 0 : 6, 1);
		BYTES(150, 2);
		STR("RTSP");
		BYTES(1, 1);
		BYTES(k & 1, 1);
		BYTES(k == 1 ? 0x30 : 0, 8);
		STR(k == 2 ? "h\xc3\xa9\x01st\xff" : "cam001.plant.example");
		STR("sc01 reaches cam001 on 554/tcp");
		BYTES(3, 8);
		BYTES(T0, 8);
		BYTES(T0 + 1000000, 8);
		BYTES(k & 1, 1);
		snprintf(name, sizeof(name), "alert-%d", k);
		write_seed("format", name, b, o);
	}
#undef STR
#undef BYTES
}

int
main(int argc, char *argv[])
{
	static const char *const targets[] = { "decode", "pipeline", "loader",
		"format" };
	char path[4096];
	size_t i;

	if (argc != 3) {
		fprintf(stderr, "usage: mkseeds SRCDIR DIR\n");
		return 2;
	}
	outdir = argv[2];
	mkdir(outdir, 0755);
	for (i = 0; i < sizeof(targets) / sizeof(targets[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", outdir, targets[i]);
		mkdir(path, 0755);
	}
	decode_seeds();
	pipeline_seeds(argv[1]);
	loader_seeds(argv[1]);
	format_seeds();
	printf("mkseeds: %d seeds in %s\n", nseeds, outdir);
	return 0;
}

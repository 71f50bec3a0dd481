/*
 * mkimperfect.c - writes the capture of tests/imperfect.sh: the sample
 * site (conf/sample-site.conf) seen through an imperfect SPAN port, one
 * scenario a minute:
 *
 *   0 s  ws01 scans cam001..cam008 on 21, 23, 80, 554 (refused or not
 *        answered): one scan finding
 *  60 s  only rec01's half of a session to ws02's image port 7563,
 *        picked up mid-stream, client port lower: documented, no alert
 * 120 s  a Telnet session rec01 -> cam003 picked up mid-stream: nDPI
 *        only guesses Telnet from the port; cleartext (dpi: guessed)
 * 180 s  cam005 opens Telnet to an Internet address: three findings
 *        (camera, exposure, cleartext) on one flow
 * 240 s  DHCP discovers from three unknown MACs on one 5-tuple
 * 300 s  mgmt01 answers a SYN from an address the inventory lacks,
 *        whose SYN the SPAN missed: an unknown device seen as receiver
 * 360 s  ws03 pulls video from cam006 over RTSP (two streams, RTP and
 *        RTCP each over UDP): one camera finding for the session and
 *        its four UDP flows
 *
 * Usage: mkimperfect FILE
 */
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "craft.h"

#define T0	1710230400000000ull	/* 2024-03-12T08:00:00Z */
#define SEC	1000000ull

static const uint8_t ws01[6] = { 0x54, 0xe1, 0xad, 0xb9, 0xfd, 0x80 };
static const uint8_t ws02[6] = { 0x54, 0xe1, 0xad, 0x1a, 0x2c, 0xa4 };
static const uint8_t rec01[6] = { 0x18, 0x66, 0xda, 0x85, 0x62, 0xd5 };
static const uint8_t mgmt01[6] = { 0x18, 0x66, 0xda, 0x1b, 0x93, 0x76 };
static const uint8_t gw[6] = { 0x00, 0x1b, 0x54, 0xa1, 0x5b, 0x6e };
static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t cams[8][6] = {
	{ 0x00, 0x09, 0x18, 0x43, 0xa2, 0x28 },
	{ 0x44, 0x19, 0xb6, 0x42, 0xa3, 0xb9 },
	{ 0x44, 0x19, 0xb6, 0xe5, 0x8b, 0x6a },
	{ 0xac, 0xcc, 0x8e, 0xff, 0x1e, 0xf9 },
	{ 0x00, 0x09, 0x18, 0xf7, 0xcf, 0x31 },
	{ 0x00, 0x07, 0x5f, 0xa1, 0xfd, 0x15 },
	{ 0x00, 0x07, 0x5f, 0x82, 0xa4, 0x1a },
	{ 0x00, 0x09, 0x18, 0xca, 0xae, 0x4c },
};

static int
scan(struct craft_pcap *out, uint64_t t)
{
	static const uint16_t ports[4] = { 21, 23, 80, 554 };
	struct craft_conv cv;
	char dst[32];
	int h, p, n = 0;

	for (h = 0; h < 8; h++)
		for (p = 0; p < 4; p++) {
			snprintf(dst, sizeof(dst), "192.168.50.%d", 101 + h);
			craft_conv_init(&cv, out, ws01, "192.168.20.31",
			    (uint16_t)(40000 + n), cams[h], dst, ports[p],
			    IPPROTO_TCP, 0);
			if (craft_conv_flags(&cv, t + (uint64_t)n * 50000u, 0,
			    CRAFT_SYN) == -1)
				return -1;
			/* Closed ports refuse; the others drop silently. */
			if (ports[p] < 80 && craft_conv_flags(&cv,
			    t + (uint64_t)n * 50000u + 300, 1,
			    CRAFT_RST | CRAFT_ACK) == -1)
				return -1;
			n++;
		}
	return 0;
}

static int
server_half(struct craft_pcap *out, uint64_t t)
{
	static const char data[] = "\x00\x01video-frame-bytes";
	struct craft_conv cv;
	int i;

	craft_conv_init(&cv, out, ws02, "192.168.20.32", 5000, rec01,
	    "192.168.10.20", 7563, IPPROTO_TCP, 0);
	for (i = 0; i < 10; i++)
		if (craft_conv_send(&cv, t + (uint64_t)i * 10000u, 1, data,
		    sizeof(data) - 1) == -1)
			return -1;
	return 0;
}

static int
telnet_midstream(struct craft_pcap *out, uint64_t t)
{
	static const char *const lines[] = { "ls /etc\r\n",
		"passwd  shadow  hosts\r\n", "cat hosts\r\n",
		"127.0.0.1 localhost\r\n" };
	struct craft_conv cv;
	int i;

	craft_conv_init(&cv, out, rec01, "192.168.10.20", 51000, cams[2],
	    "192.168.50.103", 23, IPPROTO_TCP, 0);
	for (i = 0; i < 12; i++)
		if (craft_conv_send(&cv, t + (uint64_t)i * 20000u, i % 2,
		    lines[i % 4], strlen(lines[i % 4])) == -1)
			return -1;
	return 0;
}

static int
camera_telnet_internet(struct craft_pcap *out, uint64_t t)
{
	/* Telnet option negotiation, then a login prompt. */
	static const uint8_t will[] = { 0xff, 0xfd, 0x18, 0xff, 0xfd, 0x20,
		0xff, 0xfd, 0x23, 0xff, 0xfd, 0x27 };
	static const uint8_t wont[] = { 0xff, 0xfc, 0x18, 0xff, 0xfc, 0x20,
		0xff, 0xfc, 0x23, 0xff, 0xfc, 0x27 };
	static const char login[] = "\r\nlogin: ";
	struct craft_conv cv;

	craft_conv_init(&cv, out, cams[4], "192.168.50.105", 43210, gw,
	    "203.0.113.50", 23, IPPROTO_TCP, 0);
	if (craft_conv_handshake(&cv, t) == -1 ||
	    craft_conv_send(&cv, t + 10000, 1, will, sizeof(will)) == -1 ||
	    craft_conv_send(&cv, t + 20000, 0, wont, sizeof(wont)) == -1 ||
	    craft_conv_send(&cv, t + 30000, 1, login, sizeof(login) - 1) ==
	    -1 ||
	    craft_conv_send(&cv, t + 40000, 0, "root\r\n", 6) == -1 ||
	    craft_conv_send(&cv, t + 50000, 1, "Password: ", 10) == -1)
		return -1;
	return craft_conv_close(&cv, t + 60000);
}

static int
dhcp_many_macs(struct craft_pcap *out, uint64_t t)
{
	uint8_t dhcp[244], mac[6] = { 0x02, 0x42, 0x00, 0x00, 0x00, 0x00 };
	struct craft_conv cv;
	int i;

	for (i = 0; i < 3; i++) {
		mac[5] = (uint8_t)(0x10 + i);
		memset(dhcp, 0, sizeof(dhcp));
		dhcp[0] = 1;		/* BOOTREQUEST */
		dhcp[1] = 1;		/* Ethernet */
		dhcp[2] = 6;
		memcpy(dhcp + 28, mac, 6);	/* chaddr */
		dhcp[236] = 0x63;	/* magic cookie */
		dhcp[237] = 0x82;
		dhcp[238] = 0x53;
		dhcp[239] = 0x63;
		dhcp[240] = 53;		/* DHCP message type: discover */
		dhcp[241] = 1;
		dhcp[242] = 1;
		dhcp[243] = 255;
		craft_conv_init(&cv, out, mac, "0.0.0.0", 68, bcast,
		    "255.255.255.255", 67, IPPROTO_UDP, 0);
		if (craft_conv_send(&cv, t + (uint64_t)i * 200000u, 0, dhcp,
		    sizeof(dhcp)) == -1)
			return -1;
	}
	return 0;
}

static int
receiver_only(struct craft_pcap *out, uint64_t t)
{
	static const uint8_t stranger[6] = { 0x02, 0x00, 0x00, 0x00, 0x00,
		0x77 };
	struct craft_conv cv;

	craft_conv_init(&cv, out, stranger, "192.168.20.77", 50000, mgmt01,
	    "192.168.10.10", 443, IPPROTO_TCP, 0);
	return craft_conv_flags(&cv, t, 1, CRAFT_SYN | CRAFT_ACK);
}

static int
rtsp_session(struct craft_pcap *out, uint64_t t)
{
	static const char *const req[] = {
		"OPTIONS rtsp://192.168.50.106/stream1 RTSP/1.0\r\n"
		"CSeq: 1\r\n\r\n",
		"DESCRIBE rtsp://192.168.50.106/stream1 RTSP/1.0\r\n"
		"CSeq: 2\r\nAccept: application/sdp\r\n\r\n",
		"SETUP rtsp://192.168.50.106/stream1/track1 RTSP/1.0\r\n"
		"CSeq: 3\r\nTransport: RTP/AVP;unicast;client_port=5000-5001"
		"\r\n\r\n",
		"SETUP rtsp://192.168.50.106/stream1/track2 RTSP/1.0\r\n"
		"CSeq: 4\r\nSession: 12345678\r\nTransport: RTP/AVP;unicast;"
		"client_port=5002-5003\r\n\r\n",
		"PLAY rtsp://192.168.50.106/stream1 RTSP/1.0\r\nCSeq: 5\r\n"
		"Session: 12345678\r\n\r\n",
	};
	static const char *const rep[] = {
		"RTSP/1.0 200 OK\r\nCSeq: 1\r\nPublic: OPTIONS, DESCRIBE, "
		"SETUP, PLAY, TEARDOWN\r\n\r\n",
		"RTSP/1.0 200 OK\r\nCSeq: 2\r\nContent-Type: application/sdp"
		"\r\nContent-Length: 0\r\n\r\n",
		"RTSP/1.0 200 OK\r\nCSeq: 3\r\nSession: 12345678\r\n"
		"Transport: RTP/AVP;unicast;client_port=5000-5001;"
		"server_port=6970-6971\r\n\r\n",
		"RTSP/1.0 200 OK\r\nCSeq: 4\r\nSession: 12345678\r\n"
		"Transport: RTP/AVP;unicast;client_port=5002-5003;"
		"server_port=6972-6973\r\n\r\n",
		"RTSP/1.0 200 OK\r\nCSeq: 5\r\nSession: 12345678\r\n\r\n",
	};
	static const uint8_t ws03[6] = { 0x54, 0xe1, 0xad, 0xc5, 0xfe, 0x44 };
	uint8_t rtp[172];
	struct craft_conv cv, media[4];
	uint64_t u = t;
	int i, k;

	craft_conv_init(&cv, out, ws03, "192.168.20.33", 41000, cams[5],
	    "192.168.50.106", 554, IPPROTO_TCP, 0);
	if (craft_conv_handshake(&cv, u) == -1)
		return -1;
	for (i = 0; i < 5; i++) {
		u += 20000;
		if (craft_conv_send(&cv, u, 0, req[i], strlen(req[i])) == -1 ||
		    craft_conv_send(&cv, u + 5000, 1, rep[i],
		    strlen(rep[i])) == -1)
			return -1;
	}
	/* The camera streams RTP and RTCP to the ports negotiated. */
	for (k = 0; k < 4; k++)
		craft_conv_init(&media[k], out, ws03, "192.168.20.33",
		    (uint16_t)(5000 + k), cams[5], "192.168.50.106",
		    (uint16_t)(6970 + k), IPPROTO_UDP, 0);
	memset(rtp, 0, sizeof(rtp));
	rtp[0] = 0x80;
	rtp[1] = 96;
	for (i = 0; i < 20; i++) {
		u += 40000;
		rtp[3] = (uint8_t)i;
		for (k = 0; k < 4; k++)
			if (craft_conv_send(&media[k], u + (uint64_t)k * 100u, 1,
			    rtp, k % 2 ? 32 : sizeof(rtp)) == -1)
				return -1;
	}
	return craft_conv_close(&cv, u + 100000);
}

int
main(int argc, char **argv)
{
	struct craft_pcap *out;

	if (argc != 2) {
		fprintf(stderr, "usage: mkimperfect FILE\n");
		return 2;
	}
	if ((out = craft_pcap_open(argv[1], 1)) == NULL) {
		perror(argv[1]);
		return 1;
	}
	if (scan(out, T0) == -1 || server_half(out, T0 + 60 * SEC) == -1 ||
	    telnet_midstream(out, T0 + 120 * SEC) == -1 ||
	    camera_telnet_internet(out, T0 + 180 * SEC) == -1 ||
	    dhcp_many_macs(out, T0 + 240 * SEC) == -1 ||
	    receiver_only(out, T0 + 300 * SEC) == -1 ||
	    rtsp_session(out, T0 + 360 * SEC) == -1) {
		fprintf(stderr, "mkimperfect: cannot write %s\n", argv[1]);
		craft_pcap_close(out);
		return 1;
	}
	return craft_pcap_close(out) == 0 ? 0 : 1;
}

/*
 * mkworkers.c - writes the capture tests/workers.sh splits between
 * workers: many pairs of hosts, so that every worker gets some, and what
 * a split could break: a scan and an unknown device whose findings span
 * pairs (merged in one alert stage), GRE and VXLAN tunnels whose inner
 * flows also pass natively, IPv4 fragments (whole, tiny, orphan), the two
 * directions of conversations on different VLANs, stamps a little out of
 * order, a stray stamp and a pause longer than every timeout, so that
 * flows expire in the middle of the capture.
 *
 * usage: mkworkers OUT.pcap
 *	 mkworkers -s MIB OUT.pcap
 * -s: instead, a capture of as many frames of 256 KiB of zeros (which
 * decode as no IP) as MIB MiB hold, the frames holes in the file: for the
 * automatic number of workers, which goes by the size of the input.
 */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "craft.h"

#define T0	1700000000000000ull	/* microseconds */
#define SEC	1000000ull

static struct craft_pcap *out;
static int failed;

static const uint8_t mac_a[6] = { 0x02, 0, 0, 0, 0, 0x0a };
static const uint8_t mac_b[6] = { 0x02, 0, 0, 0, 0, 0x0b };

static void put16(uint8_t *, uint16_t);

/* The inventory's MACs of conf/sample-site.conf's hosts used here. */
static const struct {
	const char *addr;
	uint8_t mac[6];
} inv_macs[] = {
	{ "192.168.10.2", { 0x94, 0x40, 0xc9, 0xf0, 0xb9, 0xe4 } },
	{ "192.168.10.10", { 0x18, 0x66, 0xda, 0x1b, 0x93, 0x76 } },
	{ "192.168.10.11", { 0x18, 0x66, 0xda, 0x13, 0x54, 0xa3 } },
	{ "192.168.10.12", { 0x18, 0x66, 0xda, 0xf4, 0x0a, 0xde } },
	{ "192.168.10.20", { 0x18, 0x66, 0xda, 0x85, 0x62, 0xd5 } },
	{ "192.168.10.21", { 0x94, 0x40, 0xc9, 0x48, 0x2f, 0xf4 } },
	{ "192.168.50.101", { 0x00, 0x09, 0x18, 0x43, 0xa2, 0x28 } },
	{ "192.168.50.102", { 0x44, 0x19, 0xb6, 0x42, 0xa3, 0xb9 } },
	{ "192.168.50.103", { 0x44, 0x19, 0xb6, 0xe5, 0x8b, 0x6a } },
	{ "192.168.50.104", { 0xac, 0xcc, 0x8e, 0xff, 0x1e, 0xf9 } },
	{ "192.168.50.105", { 0x00, 0x09, 0x18, 0xf7, 0xcf, 0x31 } },
	{ "192.168.50.106", { 0x00, 0x07, 0x5f, 0xa1, 0xfd, 0x15 } },
	{ "192.168.50.107", { 0x00, 0x07, 0x5f, 0x82, 0xa4, 0x1a } },
	{ "192.168.50.108", { 0x00, 0x09, 0x18, 0xca, 0xae, 0x4c } },
};

/*
 * The MAC of an address: the inventory's for its hosts, else 02:00 and
 * the address's four bytes (IPv4).
 */
static void
mac_of(uint8_t *mac, const char *addr)
{
	unsigned a, b, c, d;
	size_t i;

	for (i = 0; i < sizeof(inv_macs) / sizeof(inv_macs[0]); i++)
		if (strcmp(inv_macs[i].addr, addr) == 0) {
			memcpy(mac, inv_macs[i].mac, 6);
			return;
		}
	memcpy(mac, mac_a, 6);
	if (sscanf(addr, "%u.%u.%u.%u", &a, &b, &c, &d) == 4) {
		mac[2] = (uint8_t)a;
		mac[3] = (uint8_t)b;
		mac[4] = (uint8_t)c;
		mac[5] = (uint8_t)d;
	}
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* An Ethernet frame around an IP packet (vlan 0: untagged). */
static size_t
eth(uint8_t *f, const uint8_t *smac, const uint8_t *dmac, uint16_t vlan,
    const uint8_t *ip, size_t iplen)
{
	size_t o = 12;

	memcpy(f, dmac, 6);
	memcpy(f + 6, smac, 6);
	if (vlan != 0) {
		put16(f + 12, 0x8100);
		put16(f + 14, vlan);
		o = 16;
	}
	put16(f + o, (ip[0] >> 4) == 6 ? 0x86dd : 0x0800);
	memcpy(f + o + 2, ip, iplen);
	return o + 2 + iplen;
}

static void
write_frame(uint64_t ts, const uint8_t *f, size_t len)
{
	if (len == 0 || craft_pcap_write(out, ts, f, (uint32_t)len,
	    (uint32_t)len) == -1)
		failed = 1;
}

/* One IP packet of spec s in an Ethernet frame. */
static void
packet(uint64_t ts, const struct craft_spec *s)
{
	uint8_t f[4096];

	write_frame(ts, f, craft_frame(f, sizeof(f), s));
}

static struct craft_spec
spec(const char *src, uint16_t sport, const char *dst, uint16_t dport,
    uint8_t proto, uint8_t flags, const char *data)
{
	struct craft_spec s;

	memset(&s, 0, sizeof(s));
	mac_of(s.smac, src);
	mac_of(s.dmac, dst);
	s.src = src;
	s.dst = dst;
	s.sport = sport;
	s.dport = dport;
	s.proto = proto;
	s.tcp_flags = flags;
	s.payload = data;
	s.plen = data != NULL ? strlen(data) : 0;
	return s;
}

/*
 * A TCP session: handshake, a request and an answer, the close; the
 * answers on vlan_back when it is not 0 (a SPAN of two VLANs).
 */
static void
session(uint64_t ts, const char *c, uint16_t cport, const char *s,
    uint16_t sport, const char *req, const char *ans, uint16_t vlan_back)
{
	struct craft_spec a, b;

	a = spec(c, cport, s, sport, IPPROTO_TCP, CRAFT_SYN, NULL);
	b = spec(s, sport, c, cport, IPPROTO_TCP, CRAFT_SYN | CRAFT_ACK, NULL);
	b.vlan = vlan_back;
	a.seq = 1000;
	b.seq = 5000;
	b.ack = 1001;
	packet(ts, &a);
	packet(ts + 1000, &b);
	a.tcp_flags = CRAFT_ACK;
	a.seq = 1001;
	a.ack = 5001;
	packet(ts + 2000, &a);
	a.tcp_flags = CRAFT_ACK | CRAFT_PSH;
	a.payload = req;
	a.plen = strlen(req);
	packet(ts + 3000, &a);
	b.tcp_flags = CRAFT_ACK | CRAFT_PSH;
	b.seq = 5001;
	b.ack = 1001 + (uint32_t)a.plen;
	b.payload = ans;
	b.plen = strlen(ans);
	packet(ts + 4000, &b);
	a.tcp_flags = CRAFT_ACK | CRAFT_FIN;
	a.seq += (uint32_t)a.plen;
	a.ack = b.seq + (uint32_t)b.plen;
	a.payload = NULL;
	a.plen = 0;
	packet(ts + 5000, &a);
	b.tcp_flags = CRAFT_ACK | CRAFT_FIN;
	b.seq += (uint32_t)b.plen;
	b.ack = a.seq + 1;
	b.payload = NULL;
	b.plen = 0;
	packet(ts + 6000, &b);
	a.tcp_flags = CRAFT_ACK;
	a.seq++;
	a.ack = b.seq + 1;
	packet(ts + 7000, &a);
}

/* A UDP datagram carried by a GRE tunnel between gs and gd. */
static void
gre(uint64_t ts, const char *gs, const char *gd, const struct craft_spec *in)
{
	uint8_t inner[2048], pay[2100], ip[2200], f[2300];
	struct craft_spec o;
	size_t n;

	if ((n = craft_ip(inner, sizeof(inner), in)) == 0) {
		failed = 1;
		return;
	}
	memset(pay, 0, 4);
	put16(pay + 2, 0x0800);
	memcpy(pay + 4, inner, n);
	o = spec(gs, 0, gd, 0, 47, 0, NULL);
	o.payload = pay;
	o.plen = n + 4;
	n = craft_ip(ip, sizeof(ip), &o);
	write_frame(ts, f, eth(f, mac_a, mac_b, 0, ip, n));
}

/* An Ethernet frame of in carried by VXLAN (UDP 4789) from vs to vd. */
static void
vxlan(uint64_t ts, const char *vs, const char *vd,
    const struct craft_spec *in)
{
	uint8_t inner[2048], pay[2100], ip[2200], f[2300];
	struct craft_spec o;
	size_t n;

	if ((n = craft_frame(inner, sizeof(inner), in)) == 0) {
		failed = 1;
		return;
	}
	memset(pay, 0, 8);
	pay[0] = 0x08;
	pay[6] = 0x2a;		/* VNI 42 */
	memcpy(pay + 8, inner, n);
	o = spec(vs, 40000, vd, 4789, IPPROTO_UDP, 0, NULL);
	o.payload = pay;
	o.plen = n + 8;
	n = craft_ip(ip, sizeof(ip), &o);
	write_frame(ts, f, eth(f, mac_a, mac_b, 0, ip, n));
}

/*
 * The IPv4 packet of s cut into fragments of at most step payload bytes
 * (a multiple of 8); first: 0 to leave out the first fragment (later
 * ones whose datagram is unknown).
 */
static void
fragments(uint64_t ts, struct craft_spec *s, size_t step, int first)
{
	uint8_t ip[4096], fr[4096], f[4200];
	size_t n, off, len;

	if ((n = craft_ip(ip, sizeof(ip), s)) < 20) {
		failed = 1;
		return;
	}
	for (off = 0; off < n - 20; off += step) {
		len = n - 20 - off < step ? n - 20 - off : step;
		memcpy(fr, ip, 20);
		memcpy(fr + 20, ip + 20 + off, len);
		put16(fr + 2, (uint16_t)(20 + len));
		put16(fr + 6, (uint16_t)((off / 8) |
		    (off + len < n - 20 ? 0x2000 : 0)));
		put16(fr + 10, 0);
		put16(fr + 10, craft_cksum(fr, 20, 0));
		if (off > 0 || first)
			write_frame(ts + off, f, eth(f, mac_a, mac_b, 0, fr,
			    20 + len));
	}
}

/* A sparse capture of mib MiB (-s): 0, or 1 on a write error. */
static int
sparse(const char *path, long mib)
{
	/* Classic pcap, microseconds, snap length 262144, Ethernet. */
	const uint32_t fh[6] = { 0xa1b2c3d4u, 2 | (4u << 16), 0, 0, 262144,
	    1 };
	uint32_t rh[4] = { 0, 0, 262144, 262144 };
	long long end = (long long)mib << 20, pos = sizeof(fh);
	FILE *fp;

	if ((fp = fopen(path, "wb")) == NULL)
		return 1;
	if (fwrite(fh, sizeof(fh), 1, fp) != 1)
		goto fail;
	while (pos + (long long)sizeof(rh) + 262144 <= end) {
		rh[0]++;
		if (fwrite(rh, sizeof(rh), 1, fp) != 1 ||
		    fseek(fp, 262144, SEEK_CUR) != 0)
			goto fail;
		pos += (long long)sizeof(rh) + 262144;
	}
	/* The last record's data: a hole up to the end. */
	if (fflush(fp) != 0 || ftruncate(fileno(fp), (off_t)pos) != 0)
		goto fail;
	return fclose(fp) != 0;
fail:
	fclose(fp);
	return 1;
}

int
main(int argc, char *argv[])
{
	char c[64], s[64], big[1500];
	struct craft_spec x;
	/* Known hosts of conf/sample-site.conf: servers, then cameras. */
	static const char *const known[12] = {
		"192.168.10.10", "192.168.10.20", "192.168.10.21",
		"192.168.10.12", "192.168.50.101", "192.168.50.102",
		"192.168.50.103", "192.168.50.104", "192.168.50.105",
		"192.168.50.106", "192.168.50.107", "192.168.50.108",
	};
	uint64_t t = T0;
	int i, j;

	if (argc == 4 && strcmp(argv[1], "-s") == 0) {
		if (sparse(argv[3], atol(argv[2])) != 0) {
			perror(argv[3]);
			return 1;
		}
		return 0;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: mkworkers out.pcap\n"
		    "       mkworkers -s MIB out.pcap\n");
		return 2;
	}
	if ((out = craft_pcap_open(argv[1], 1)) == NULL) {
		perror(argv[1]);
		return 1;
	}
	memset(big, 'v', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	/* Many pairs: clear-text web and Telnet, other bytes on 8443. */
	for (i = 0; i < 48; i++) {
		snprintf(c, sizeof(c), "192.168.20.%d", 100 + i);
		snprintf(s, sizeof(s), "%s", known[i % 12]);
		session(t, c, (uint16_t)(40000 + i), s, i % 3 == 0 ? 23 :
		    i % 3 == 1 ? 80 : 8443, i % 3 == 1 ?
		    "GET / HTTP/1.1\r\nHost: cam\r\n\r\n" : "login\r\n",
		    "HTTP/1.1 200 OK\r\n\r\n", i % 5 == 0 ? 20 : 0);
		t += 3000 + (uint64_t)(i % 7) * 1000;
	}
	/* An unknown device that talks to hosts on both sides. */
	for (i = 0; i < 12; i++) {
		snprintf(s, sizeof(s), "%s", known[i]);
		x = spec("192.168.50.99", (uint16_t)(50000 + i), s, 554,
		    IPPROTO_UDP, 0, "OPTIONS rtsp://x RTSP/1.0\r\n\r\n");
		x.smac[5] = 0x99;
		packet(t + (uint64_t)i * 500, &x);
	}
	t += 10 * SEC;
	/* A scan: the cameras on 21, 23, 80 and 554, half refused. */
	for (i = 0; i < 32; i++) {
		static const uint16_t ports[4] = { 21, 23, 80, 554 };
		uint16_t port = ports[i % 4];

		x = spec("192.168.20.66", 61000, known[4 + i / 4], port,
		    IPPROTO_TCP, CRAFT_SYN, NULL);
		packet(t + (uint64_t)i * 200, &x);
		if (i % 2 == 0) {
			x = spec(known[4 + i / 4], port, "192.168.20.66", 61000,
			    IPPROTO_TCP, CRAFT_RST | CRAFT_ACK, NULL);
			packet(t + (uint64_t)i * 200 + 50, &x);
		}
	}
	t += 2 * SEC;
	/* GRE: inner flows, one of which also passes natively. */
	for (i = 0; i < 6; i++) {
		snprintf(c, sizeof(c), "192.168.20.%d", 1 + i);
		snprintf(s, sizeof(s), "192.168.10.%d", 30 + i);
		for (j = 0; j < 3; j++) {
			x = spec(c, 5000, s, 161, IPPROTO_UDP, 0,
			    "public-snmp-get");
			gre(t + (uint64_t)(i * 10 + j) * 1000, "10.0.0.1",
			    "10.0.0.2", &x);
		}
	}
	x = spec("192.168.20.1", 5000, "192.168.10.30", 161, IPPROTO_UDP, 0,
	    "public-snmp-get");
	packet(t + 100000, &x);
	/* VXLAN carrying Telnet, and the same pair natively. */
	for (i = 0; i < 4; i++) {
		snprintf(c, sizeof(c), "192.168.20.%d", 70 + i);
		x = spec(c, 41000, "192.168.50.101", 23, IPPROTO_TCP,
		    CRAFT_ACK | CRAFT_PSH, "root\r\n");
		vxlan(t + 200000 + (uint64_t)i * 1000, "192.0.2.10",
		    "192.0.2.11", &x);
	}
	session(t + 300000, "192.168.20.70", 41001, "192.168.50.101", 23,
	    "root\r\n",
	    "Password: ", 0);
	t += 1 * SEC;
	/* Fragments: whole datagrams, a tiny first fragment, orphans. */
	for (i = 0; i < 8; i++) {
		snprintf(c, sizeof(c), "192.168.20.%d", 150 + i);
		x = spec(c, 7000, "192.168.10.20", 5060, IPPROTO_UDP, 0, big);
		x.ipid = (uint16_t)(100 + i);
		fragments(t + (uint64_t)i * 10000, &x, 512, 1);
	}
	x = spec("192.168.20.160", 7001, "192.168.10.21", 80, IPPROTO_TCP,
	    CRAFT_ACK,
	    big);
	x.ipid = 300;
	fragments(t + 200000, &x, 8, 1);
	x = spec("192.168.20.161", 7002, "192.168.10.10", 5060, IPPROTO_UDP,
	    0, big);
	x.ipid = 400;
	fragments(t + 300000, &x, 256, 0);
	t += 1 * SEC;
	/* Stamps a little out of order. */
	for (i = 0; i < 10; i++) {
		snprintf(c, sizeof(c), "192.168.20.%d", 170 + i);
		x = spec(c, 123, "192.168.10.2", 123, IPPROTO_UDP, 0,
		    "ntp-ish");
		packet(t + (uint64_t)((i * 7919) % 10) * 1000, &x);
	}
	t += 1 * SEC;
	/* A stray stamp an hour ahead, then time goes on. */
	x = spec("192.168.20.180", 9999, "192.168.10.11", 9999, IPPROTO_UDP,
	    0, "x");
	packet(t + 3600 * SEC, &x);
	t += 1000;
	/* A pause longer than every timeout: flows end here. */
	t += 400 * SEC;
	for (i = 0; i < 24; i++) {
		snprintf(c, sizeof(c), "192.168.20.%d", 100 + i);
		snprintf(s, sizeof(s), "%s", known[i % 12]);
		session(t, c, (uint16_t)(42000 + i), s, 80,
		    "GET /again HTTP/1.1\r\n\r\n", "HTTP/1.1 404 NF\r\n\r\n",
		    0);
		t += 2000;
	}
	/* ICMP echo across pairs. */
	for (i = 0; i < 16; i++) {
		snprintf(c, sizeof(c), "192.168.20.%d", 200 + i);
		x = spec(c, 8, "192.168.10.10", 0, IPPROTO_ICMP, 0, "ping");
		packet(t + (uint64_t)i * 100, &x);
		x = spec("192.168.10.10", 0, c, 0, IPPROTO_ICMP, 0, "ping");
		packet(t + (uint64_t)i * 100 + 10, &x);
	}
	if (craft_pcap_close(out) == -1 || failed) {
		fprintf(stderr, "mkworkers: %s: cannot write\n", argv[1]);
		return 1;
	}
	return 0;
}

/*
 * craft.h - builds frames and writes pcap files for the tests, the sample
 * capture and the benchmark generator.  Test-side code: not part of the
 * daemon.  Checksums are computed, so tshark and nDPI accept the frames.
 */
#ifndef VW_CRAFT_H
#define VW_CRAFT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* TCP flag bits. */
#define CRAFT_FIN 0x01
#define CRAFT_SYN 0x02
#define CRAFT_RST 0x04
#define CRAFT_PSH 0x08
#define CRAFT_ACK 0x10

/* What one IP packet in an Ethernet frame should look like. */
struct craft_spec {
	uint8_t smac[6], dmac[6];
	uint16_t vlan;		/* 0: untagged; else one 802.1Q tag */
	const char *src, *dst;	/* "192.0.2.1" or "2001:db8::1" */
	uint8_t proto;		/* IPPROTO_TCP, _UDP, _ICMP, _ICMPV6 */
	uint16_t sport, dport;	/* ICMP: type, code */
	uint8_t tcp_flags;
	uint32_t seq, ack;
	const void *payload;
	size_t plen;
	uint16_t ipid;
	uint8_t ttl;		/* 0: 64 */
};

/*
 * Builds the frame described by s into out (cap bytes).  Returns its
 * length, or 0 if it does not fit or an address does not parse.
 */
size_t craft_frame(uint8_t *out, size_t cap, const struct craft_spec *s);
/* Builds the IP packet only (no Ethernet header), as craft_frame(). */
size_t craft_ip(uint8_t *out, size_t cap, const struct craft_spec *s);
/* Internet checksum (RFC 1071) over len bytes, starting from sum. */
uint16_t craft_cksum(const void *data, size_t len, uint32_t sum);

/* A pcap file being written. */
struct craft_pcap;
/* Creates path ("-": stdout) with link type dlt and snaplen 262144. */
struct craft_pcap *craft_pcap_open(const char *path, int dlt);
/* Writes one record: caplen bytes of a frame of len bytes at ts (µs). */
int craft_pcap_write(struct craft_pcap *, uint64_t ts, const void *data,
    uint32_t caplen, uint32_t len);
int craft_pcap_close(struct craft_pcap *);

/*
 * A TCP or UDP conversation between a client and a server, written to a
 * pcap with consistent sequence numbers.  Times are microseconds.
 */
struct craft_conv {
	struct craft_pcap *out;
	struct craft_spec c2s;	/* template: client to server */
	uint32_t cseq, sseq;	/* next sequence number of each side */
};
/* Sets up a conversation (no packet written). */
void craft_conv_init(struct craft_conv *cv, struct craft_pcap *out,
    const uint8_t *cmac, const char *caddr, uint16_t cport,
    const uint8_t *smac, const char *saddr, uint16_t sport, uint8_t proto,
    uint16_t vlan);
/* TCP three-way handshake at ts, ts+1ms, ts+2ms. */
int craft_conv_handshake(struct craft_conv *cv, uint64_t ts);
/* One segment/datagram from the client (dir 0) or the server (dir 1). */
int craft_conv_send(struct craft_conv *cv, uint64_t ts, int dir,
    const void *data, size_t len);
/* One TCP segment with explicit flags and no payload. */
int craft_conv_flags(struct craft_conv *cv, uint64_t ts, int dir,
    uint8_t flags);
/* FIN from the client, FIN+ACK from the server, final ACK. */
int craft_conv_close(struct craft_conv *cv, uint64_t ts);

#endif

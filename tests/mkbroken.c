/*
 * mkbroken.c - writes the broken capture files of tests/broken_captures.sh.
 * Each file starts with good records (a TCP conversation of FRAMES frames
 * between a recorder and a camera) so that a reader can show it kept
 * what it read before the damage.
 *
 * usage: mkbroken KIND FILE
 *	good			a well-formed pcap
 *	header-cut		pcap file header cut at 10 bytes
 *	record-cut		the last record's data cut short
 *	record-header-cut	the last record's header cut short
 *	caplen-gt-len		a record capturing more than was on the wire
 *	caplen-gt-snaplen	a record longer than the file's snap length
 *	caplen-huge		a record claiming 0x7fffffff captured bytes
 *	linktype-unknown	link type 147 (LINKTYPE_USER0)
 *	pcapng-unknown-block	pcapng with a block of an unknown type
 *	pcapng-bad-length	pcapng whose last block length is corrupt
 *
 * The record number and byte offset where the damage starts are printed
 * ("frame N offset X") for the test to look for in vmswatch's message.
 */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "craft.h"

#define FRAMES	8
#define T0	1715677211000000ull

static const uint8_t mac_rs[6] = { 0x00, 0x15, 0x5d, 0x6e, 0x00, 0x14 };
static const uint8_t mac_cam[6] = { 0x3c, 0xef, 0x8c, 0xe7, 0x00, 0x65 };

static FILE *out;
static long pos;

static void
put(const void *p, size_t n)
{
	if (n > 0 && fwrite(p, n, 1, out) != 1) {
		perror("write");
		exit(1);
	}
	pos += (long)n;
}

static void
put32(uint32_t v)
{
	put(&v, 4);	/* host order, as the magic number says */
}

static void
put16(uint16_t v)
{
	put(&v, 2);
}

/* Frame i of the conversation into f; returns its length. */
static uint32_t
frame(int i, uint8_t *f, size_t cap)
{
	struct craft_spec s;
	static const char data[] = "OPTIONS rtsp://cam/ RTSP/1.0\r\n\r\n";
	int dir = i & 1;

	memset(&s, 0, sizeof(s));
	memcpy(s.smac, dir ? mac_cam : mac_rs, 6);
	memcpy(s.dmac, dir ? mac_rs : mac_cam, 6);
	s.src = dir ? "192.168.50.101" : "192.168.10.20";
	s.dst = dir ? "192.168.10.20" : "192.168.50.101";
	s.proto = IPPROTO_TCP;
	s.sport = dir ? 554 : 50200;
	s.dport = dir ? 50200 : 554;
	s.tcp_flags = i == 0 ? CRAFT_SYN : i == 1 ? CRAFT_SYN | CRAFT_ACK :
	    CRAFT_ACK | CRAFT_PSH;
	s.seq = 1000 + (uint32_t)i * 100;
	s.ack = i ? 2000 + (uint32_t)i * 100 : 0;
	s.payload = i >= 2 ? data : NULL;
	s.plen = i >= 2 ? sizeof(data) - 1 : 0;
	return (uint32_t)craft_frame(f, cap, &s);
}

static void
pcap_header(uint32_t snaplen, uint32_t linktype)
{
	put32(0xa1b2c3d4);
	put16(2);
	put16(4);
	put32(0);
	put32(0);
	put32(snaplen);
	put32(linktype);
}

static void
pcap_record(int i, const uint8_t *f, uint32_t caplen, uint32_t len)
{
	uint64_t ts = T0 + (uint64_t)i * 1000;

	put32((uint32_t)(ts / 1000000));
	put32((uint32_t)(ts % 1000000));
	put32(caplen);
	put32(len);
	put(f, caplen);
}

/* The good records; returns the offset after them. */
static void
good_records(void)
{
	uint8_t f[1600];
	uint32_t n;
	int i;

	for (i = 0; i < FRAMES; i++) {
		n = frame(i, f, sizeof(f));
		pcap_record(i, f, n, n);
	}
}

/* A pcapng block (RFC draft-ietf-opsawg-pcapng): type, body, length. */
static void
ng_block(uint32_t type, const void *body, uint32_t n, uint32_t badlen)
{
	static const uint8_t pad[4];
	uint32_t total = 12 + ((n + 3) & ~3u);

	put32(type);
	put32(badlen ? badlen : total);
	put(body, n);
	put(pad, ((n + 3) & ~3u) - n);
	put32(badlen ? badlen : total);
}

static void
ng_file(int bad)
{
	uint8_t body[2048], f[1600];
	uint32_t n;
	uint64_t ts;
	int i;

	/* Section header: magic, version 1.0, section length unknown. */
	n = 0;
	*(uint32_t *)(void *)body = 0x1a2b3c4d;
	*(uint16_t *)(void *)(body + 4) = 1;
	*(uint16_t *)(void *)(body + 6) = 0;
	memset(body + 8, 0xff, 8);
	ng_block(0x0a0d0d0a, body, 16, 0);
	/* Interface: Ethernet, snap length 262144. */
	memset(body, 0, 8);
	*(uint16_t *)(void *)body = 1;
	*(uint32_t *)(void *)(body + 4) = 262144;
	ng_block(1, body, 8, 0);
	for (i = 0; i < FRAMES; i++) {
		if (i == FRAMES / 2 && !bad) {
			/* A block type nobody registered: to be skipped. */
			memset(body, 0x5a, 36);
			ng_block(0x0badf00d, body, 36, 0);
			printf("frame %d offset %ld\n", i + 1, pos);
		}
		if (i == FRAMES - 1 && bad)
			printf("frame %d offset %ld\n", i + 1, pos);
		n = frame(i, f, sizeof(f));
		ts = T0 + (uint64_t)i * 1000;
		memset(body, 0, 20);
		*(uint32_t *)(void *)(body + 4) = (uint32_t)(ts >> 32);
		*(uint32_t *)(void *)(body + 8) = (uint32_t)ts;
		*(uint32_t *)(void *)(body + 12) = n;
		*(uint32_t *)(void *)(body + 16) = n;
		memcpy(body + 20, f, n);
		/* Enhanced packet block; the last one's length corrupt. */
		ng_block(6, body, 20 + n, bad && i == FRAMES - 1 ? 7 : 0);
	}
}

int
main(int argc, char *argv[])
{
	const char *kind;
	uint8_t f[1600];
	uint32_t n;

	if (argc != 3) {
		fprintf(stderr, "usage: mkbroken KIND FILE\n");
		return 2;
	}
	kind = argv[1];
	if ((out = fopen(argv[2], "wb")) == NULL) {
		perror(argv[2]);
		return 1;
	}
	n = frame(FRAMES, f, sizeof(f));
	if (strcmp(kind, "good") == 0) {
		pcap_header(262144, 1);
		good_records();
	} else if (strcmp(kind, "header-cut") == 0) {
		pcap_header(262144, 1);
		fflush(out);
		if (ftruncate(fileno(out), 10) != 0)
			return 1;
		printf("frame 0 offset 0\n");
	} else if (strcmp(kind, "record-cut") == 0) {
		pcap_header(262144, 1);
		good_records();
		printf("frame %d offset %ld\n", FRAMES + 1, pos);
		put32(0);
		put32(0);
		put32(n);
		put32(n);
		put(f, n / 2);
	} else if (strcmp(kind, "record-header-cut") == 0) {
		pcap_header(262144, 1);
		good_records();
		printf("frame %d offset %ld\n", FRAMES + 1, pos);
		put32(0);
		put32(0);
		put16(0);
	} else if (strcmp(kind, "caplen-gt-len") == 0) {
		pcap_header(262144, 1);
		good_records();
		printf("frame %d offset %ld\n", FRAMES + 1, pos);
		pcap_record(FRAMES, f, n, 20);
		pcap_record(FRAMES + 1, f, n, n);
	} else if (strcmp(kind, "caplen-gt-snaplen") == 0) {
		pcap_header(64, 1);
		/* Records within the snap length first. */
		for (int i = 0; i < FRAMES; i++) {
			uint32_t m = frame(i, f, sizeof(f));

			pcap_record(i, f, m < 64 ? m : 64, m);
		}
		printf("frame %d offset %ld\n", FRAMES + 1, pos);
		pcap_record(FRAMES, f, n, n);
	} else if (strcmp(kind, "caplen-huge") == 0) {
		pcap_header(262144, 1);
		good_records();
		printf("frame %d offset %ld\n", FRAMES + 1, pos);
		put32(0);
		put32(0);
		put32(0x7fffffff);
		put32(0x7fffffff);
		put(f, n);
	} else if (strcmp(kind, "linktype-unknown") == 0) {
		pcap_header(262144, 147);
		good_records();
	} else if (strcmp(kind, "pcapng-unknown-block") == 0)
		ng_file(0);
	else if (strcmp(kind, "pcapng-bad-length") == 0)
		ng_file(1);
	else {
		fprintf(stderr, "mkbroken: unknown kind %s\n", kind);
		return 2;
	}
	if (fclose(out) != 0) {
		perror(argv[2]);
		return 1;
	}
	return 0;
}

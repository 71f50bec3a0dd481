/*
 * pcapread.c - the floor of `make bench`: reads a capture with libpcap and
 * does nothing with the packets but count them.  Whatever vmswatch costs
 * is measured against this.
 *
 * Usage: pcapread file.pcap
 * Prints "packets N bytes N seconds S pps P" on standard error; bytes are
 * captured bytes, seconds the time spent in pcap_loop().
 */
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

struct count {
	uint64_t packets, bytes;
};

static void
count_packet(u_char *arg, const struct pcap_pkthdr *h, const u_char *data)
{
	struct count *c = (struct count *)arg;

	(void)data;
	c->packets++;
	c->bytes += h->caplen;
}

int
main(int argc, char **argv)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct count c = { 0, 0 };
	struct timespec t0, t1;
	double s;
	pcap_t *p;
	int rc;

	if (argc != 2) {
		fprintf(stderr, "usage: pcapread file.pcap\n");
		return 2;
	}
	if ((p = pcap_open_offline(argv[1], errbuf)) == NULL) {
		fprintf(stderr, "pcapread: %s\n", errbuf);
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = pcap_loop(p, -1, count_packet, (u_char *)&c);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (rc == PCAP_ERROR) {
		fprintf(stderr, "pcapread: %s: %s\n", argv[1], pcap_geterr(p));
		pcap_close(p);
		return 1;
	}
	pcap_close(p);
	s = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	fprintf(stderr, "packets %llu bytes %llu seconds %.3f pps %.0f\n",
	    (unsigned long long)c.packets, (unsigned long long)c.bytes, s,
	    s > 0 ? (double)c.packets / s : 0.0);
	return 0;
}

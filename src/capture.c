/*
 * capture.c - frames from capture files through libpcap, the first stage.
 * pcap and pcapng alike; "-" reads standard input.  Frames are handed on
 * untouched; the packet time is converted to microseconds here once.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <pcap/pcap.h>

#include "capture.h"

struct capture {
	pcap_t *pcap;
	FILE *fp;		/* the file libpcap reads, for progress */
	int dlt;
	int eof;
	long long size;
	capture_cb cb;
	void *arg;
	uint64_t frames;	/* frames delivered */
	long long rec_off;	/* offset of the record after the last one */
	char err[PCAP_ERRBUF_SIZE + 64];
};

struct capture *
capture_open_file(const char *path, char *err, size_t errlen)
{
	char perr[PCAP_ERRBUF_SIZE];
	struct capture *c;
	struct stat sb;

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		snprintf(err, errlen, "%s", strerror(errno));
		return NULL;
	}
	c->size = -1;
	perr[0] = '\0';
	if (strcmp(path, "-") == 0)
		c->pcap = pcap_fopen_offline_with_tstamp_precision(stdin,
		    PCAP_TSTAMP_PRECISION_MICRO, perr);
	else
		c->pcap = pcap_open_offline_with_tstamp_precision(path,
		    PCAP_TSTAMP_PRECISION_MICRO, perr);
	if (c->pcap == NULL) {
		snprintf(err, errlen, "%s", perr[0] ? perr : "cannot open");
		free(c);
		return NULL;
	}
	c->fp = pcap_file(c->pcap);
	if (c->fp != NULL && fstat(fileno(c->fp), &sb) == 0 &&
	    S_ISREG(sb.st_mode))
		c->size = (long long)sb.st_size;
	c->dlt = pcap_datalink(c->pcap);
	/* libpcap has read the file header: the first record starts here. */
	c->rec_off = c->size >= 0 ? (long long)ftello(c->fp) : -1;
	return c;
}

int
capture_datalink(const struct capture *c)
{
	return c->dlt;
}

static void
capture_frame(u_char *u, const struct pcap_pkthdr *h, const u_char *data)
{
	struct capture *c = (struct capture *)u;
	uint64_t ts;

	ts = (uint64_t)h->ts.tv_sec * 1000000u + (uint64_t)h->ts.tv_usec;
	/*
	 * libpcap reads a whole record (pcapng: a whole block) before it
	 * calls back, so the file position is where the next one starts:
	 * a read error is reported at that record, by number and offset.
	 */
	c->frames++;
	if (c->size >= 0)
		c->rec_off = (long long)ftello(c->fp);
	c->cb(c->arg, c->dlt, ts, data, h->caplen, h->len);
}

long
capture_read(struct capture *c, long max, capture_cb cb, void *arg)
{
	int n;

	if (c->eof)
		return 0;
	c->cb = cb;
	c->arg = arg;
	/*
	 * pcap_dispatch() on a file reads up to max frames; 0 means the
	 * end of the file, -1 an error such as a record cut short.
	 */
	n = pcap_dispatch(c->pcap, max > 0 ? (int)max : -1, capture_frame,
	    (u_char *)c);
	if (n == 0 || (n > 0 && max <= 0))
		c->eof = 1;
	if (n == -1) {
		snprintf(c->err, sizeof(c->err), "%s", pcap_geterr(c->pcap));
		c->eof = 1;
		return -1;
	}
	if (n == -2)
		return 0;
	return n;
}

int
capture_eof(const struct capture *c)
{
	return c->eof;
}

const char *
capture_error(const struct capture *c)
{
	return c->err;
}

long long
capture_offset(const struct capture *c)
{
	if (c->fp == NULL || c->size < 0)
		return -1;
	return (long long)ftello(c->fp);
}

uint64_t
capture_frames(const struct capture *c)
{
	return c->frames;
}

long long
capture_record_offset(const struct capture *c)
{
	return c->rec_off;
}

long long
capture_size(const struct capture *c)
{
	return c->size;
}

void
capture_close(struct capture *c)
{
	if (c == NULL)
		return;
	pcap_close(c->pcap);
	free(c);
}

/*
 * capture.c - frames from capture files and network interfaces through
 * libpcap, the first stage.  pcap and pcapng alike; "-" reads standard
 * input.  Frames are handed on untouched; the packet time is converted to
 * microseconds here once.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>

#include <linux/if_packet.h>
#include <net/if.h>
#include <pcap/pcap.h>
/* After libpcap's header, which has BPF_STMT of its own. */
#include <linux/filter.h>

#include "capture.h"

struct capture {
	pcap_t *pcap;
	FILE *fp;		/* the file libpcap reads, for progress */
	char *iobuf;		/* its buffer: at most CAPTURE_IOBUF bytes */
	int dlt;
	int eof;
	long long size;
	capture_cb cb;
	void *arg;
	/* Live: libpcap's 32-bit counters as last read, and their sums. */
	unsigned last_recv, last_drop, last_ifdrop;
	struct capture_live_stats live;
	uint64_t frames;	/* frames delivered */
	uint64_t badlen;	/* records with caplen > len */
	uint64_t badlen_first;	/* the first of them (frame number) */
	long long rec_off;	/* offset of the record after the last one */
	char *path;		/* the file, to find a damaged record again */
	unsigned ifindex;	/* live: the interface's index at open, or 0 */
	int drained;		/* live: drained at a stop, counters frozen */
	char err[PCAP_ERRBUF_SIZE + 64];
};

/*
 * The stdio buffer a file is read through.  libpcap's default (the
 * block size, 4 KiB) costs a read(2) every few frames, which a virtual
 * machine makes dear: a megabyte costs one every thousand.
 */
#define CAPTURE_IOBUF	(1u << 20)

struct capture *
capture_open_file(const char *path, char *err, size_t errlen)
{
	char perr[PCAP_ERRBUF_SIZE];
	struct capture *c;
	struct stat sb;
	size_t iobuf;
	FILE *fp;

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		snprintf(err, errlen, "%s", strerror(errno));
		return NULL;
	}
	c->size = -1;
	perr[0] = '\0';
	if (strcmp(path, "-") == 0)
		fp = stdin;
	else if ((fp = fopen(path, "rb")) == NULL) {
		snprintf(err, errlen, "%s", strerror(errno));
		free(c);
		return NULL;
	}
	/*
	 * Before the first read; without the memory, stdio's own.  A small
	 * file gets a buffer its size (rounded up to 64 KiB): a megabyte
	 * mapped and unmapped for each of many small files costs more than
	 * reading them.
	 */
	iobuf = CAPTURE_IOBUF;
	if (fstat(fileno(fp), &sb) == 0 && S_ISREG(sb.st_mode) &&
	    sb.st_size < (off_t)CAPTURE_IOBUF)
		iobuf = ((size_t)sb.st_size + 65536) & ~(size_t)65535;
	if ((c->iobuf = malloc(iobuf)) != NULL &&
	    setvbuf(fp, c->iobuf, _IOFBF, iobuf) != 0) {
		free(c->iobuf);
		c->iobuf = NULL;
	}
	/*
	 * One thread reads it: no lock per fread(), which glibc takes once
	 * a process has threads (-r --workers).
	 */
	__fsetlocking(fp, FSETLOCKING_BYCALLER);
	/* libpcap owns fp from here, and closes it (stdin too). */
	c->pcap = pcap_fopen_offline_with_tstamp_precision(fp,
	    PCAP_TSTAMP_PRECISION_MICRO, perr);
	if (c->pcap == NULL) {
		snprintf(err, errlen, "%s", perr[0] ? perr : "cannot open");
		if (fp != stdin)
			fclose(fp);
		free(c->iobuf);
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
	if (c->size >= 0)
		c->path = strdup(path);
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

	/*
	 * A stamp before 1970 (libpcap reads a classic record's 32-bit
	 * seconds as signed) is taken as 0; seconds too many for 64 bits of
	 * microseconds as the most they hold.  Neither wraps around; the
	 * pipeline's clock then caps packet time (PIPELINE_CLOCK_MAX).
	 */
	if (h->ts.tv_sec < 0 || h->ts.tv_usec < 0)
		ts = 0;
	else if ((uint64_t)h->ts.tv_sec > (UINT64_MAX - UINT32_MAX) / 1000000u)
		ts = UINT64_MAX;
	else
		ts = (uint64_t)h->ts.tv_sec * 1000000u +
		    ((uint64_t)h->ts.tv_usec & UINT32_MAX);
	/*
	 * A read error is reported at its record, by number and offset;
	 * capture_locate() finds the offset then, not on every frame.
	 */
	c->frames++;
	if (h->caplen > h->len && c->badlen++ == 0)
		c->badlen_first = c->frames;
	c->cb(c->arg, c->dlt, ts, data, h->caplen, h->len);
}

/*
 * The offset of the record after the frames delivered: the damaged one.
 * libpcap reads a whole record (pcapng: a whole block) before it calls
 * back, so after the last good frame the file position is where the next
 * record starts.  Found by reading the file again up to there, so that
 * the normal path pays no system call per frame for it.
 */
static void
capture_locate(struct capture *c)
{
	char perr[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *d;
	uint64_t i;
	pcap_t *p;
	FILE *fp;

	if (c->path == NULL)
		return;
	if ((p = pcap_open_offline(c->path, perr)) == NULL)
		return;
	fp = pcap_file(p);
	for (i = 0; i < c->frames; i++)
		if (pcap_next_ex(p, &h, &d) != 1)
			break;
	if (i == c->frames && fp != NULL)
		c->rec_off = (long long)ftello(fp);
	pcap_close(p);
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
		capture_locate(c);
		return -1;
	}
	if (n == -2)
		return 0;
	return n;
}

void
capture_breakloop(struct capture *c)
{
	pcap_breakloop(c->pcap);
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
capture_bad_lengths(const struct capture *c, uint64_t *first)
{
	*first = c->badlen_first;
	return c->badlen;
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
	free(c->iobuf);
	free(c->path);
	free(c);
}

/*
 * Joins the fanout group: PACKET_FANOUT_HASH sends every packet of a flow
 * (both directions: the kernel's flow hash is symmetric) to the same
 * member; PACKET_FANOUT_FLAG_DEFRAG reassembles IP fragments first, or
 * they would lack the ports to hash on.  This goes on the socket under
 * the handle, after pcap_activate() has made it.  The first handle asks
 * for a new group (PACKET_FANOUT_FLAG_UNIQUEID): a fixed id could join a
 * group of another capture program on the same interface and share its
 * traffic with it.
 */
static int
capture_fanout(struct capture *c, int id, char *err, size_t errlen)
{
	/* The kernel reads id | (type | flags) << 16 as a u32. */
	uint32_t arg = PACKET_FANOUT_HASH | PACKET_FANOUT_FLAG_DEFRAG;

	if (id == CAPTURE_FANOUT_NEW)
		arg = (arg | PACKET_FANOUT_FLAG_UNIQUEID) << 16;
	else
		arg = ((uint32_t)id & 0xffff) | (arg << 16);
	if (setsockopt(pcap_fileno(c->pcap), SOL_PACKET, PACKET_FANOUT, &arg,
	    sizeof(arg)) == -1) {
		snprintf(err, errlen, "PACKET_FANOUT group %d: %s", id,
		    strerror(errno));
		return -1;
	}
	return 0;
}

struct capture *
capture_open_live(const struct capture_live_conf *lc, char *err,
    size_t errlen)
{
	char perr[PCAP_ERRBUF_SIZE];
	struct bpf_program prog;
	struct capture *c;
	int rc;

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		snprintf(err, errlen, "%s", strerror(errno));
		return NULL;
	}
	c->size = -1;
	perr[0] = '\0';
	/* "any" and other pseudo-devices have no index: never "gone". */
	c->ifindex = if_nametoindex(lc->iface);
	if ((c->pcap = pcap_create(lc->iface, perr)) == NULL) {
		snprintf(err, errlen, "%s", perr[0] ? perr : "cannot open");
		free(c);
		return NULL;
	}
	/*
	 * Immediate mode off: the kernel fills a ring block and hands it
	 * over whole (or after timeout_ms), one wake-up per block rather
	 * than per packet.
	 */
	if (pcap_set_snaplen(c->pcap, (int)lc->snaplen) != 0 ||
	    pcap_set_promisc(c->pcap, lc->promisc) != 0 ||
	    pcap_set_timeout(c->pcap, (int)lc->timeout_ms) != 0 ||
	    pcap_set_buffer_size(c->pcap, (int)(lc->buffer_mb * 1024u *
	    1024u)) != 0 ||
	    pcap_set_immediate_mode(c->pcap, 0) != 0 ||
	    pcap_set_tstamp_precision(c->pcap, PCAP_TSTAMP_PRECISION_MICRO) !=
	    0) {
		snprintf(err, errlen, "cannot set the capture options");
		goto fail;
	}
	if ((rc = pcap_activate(c->pcap)) < 0) {
		snprintf(err, errlen, "%s", rc == PCAP_ERROR ?
		    pcap_geterr(c->pcap) : pcap_statustostr(rc));
		goto fail;
	}
	if (pcap_setnonblock(c->pcap, 1, perr) == -1) {
		snprintf(err, errlen, "%s", perr);
		goto fail;
	}
	if (lc->filter != NULL) {
		if (pcap_compile(c->pcap, &prog, lc->filter, 1,
		    PCAP_NETMASK_UNKNOWN) == -1) {
			snprintf(err, errlen, "filter: %s",
			    pcap_geterr(c->pcap));
			goto fail;
		}
		rc = pcap_setfilter(c->pcap, &prog);
		pcap_freecode(&prog);
		if (rc == -1) {
			snprintf(err, errlen, "filter: %s",
			    pcap_geterr(c->pcap));
			goto fail;
		}
	}
	if (lc->fanout_id != CAPTURE_FANOUT_NONE && capture_fanout(c, lc->fanout_id, err,
	    errlen) == -1)
		goto fail;
	c->dlt = pcap_datalink(c->pcap);
	return c;
fail:
	pcap_close(c->pcap);
	free(c);
	return NULL;
}

int
capture_live_gone(const struct capture *c)
{
	char name[IF_NAMESIZE];

	/*
	 * The socket is bound to an interface index, so gone is the index,
	 * not the name: a renamed interface keeps its index and the socket
	 * goes on capturing, one only down recovers, while one deleted (and
	 * made again under the same name) has lost it for good.  A failure
	 * that says nothing of the interface (no descriptor left for the
	 * query) is not "gone": only ENXIO (glibc's ENODEV) is.
	 */
	if (c->ifindex == 0)
		return 0;
	if (if_indextoname(c->ifindex, name) != NULL)
		return 0;
	return errno == ENXIO || errno == ENODEV;
}

int
capture_fanout_id(const struct capture *c)
{
	socklen_t len;
	uint32_t val;

	len = sizeof(val);
	/* The kernel answers id | type << 16 | flags << 24, 0 if none. */
	if (getsockopt(pcap_fileno(c->pcap), SOL_PACKET, PACKET_FANOUT, &val,
	    &len) == -1 || val == 0)
		return -1;
	return (int)(val & 0xffff);
}

int
capture_fd(const struct capture *c)
{
	return pcap_get_selectable_fd(c->pcap);
}

long
capture_dispatch(struct capture *c, long max, capture_cb cb, void *arg)
{
	int n;

	c->cb = cb;
	c->arg = arg;
	/* Non-blocking: 0 when no ring block is ready. */
	n = pcap_dispatch(c->pcap, max > 0 ? (int)max : -1, capture_frame,
	    (u_char *)c);
	if (n == PCAP_ERROR) {
		snprintf(c->err, sizeof(c->err), "%s", pcap_geterr(c->pcap));
		return -1;
	}
	return n < 0 ? 0 : n;
}

int
capture_live_stats(struct capture *c, struct capture_live_stats *st)
{
	struct pcap_stat ps;

	if (c->drained) {
		*st = c->live;
		return 0;
	}
	if (pcap_stats(c->pcap, &ps) == -1) {
		snprintf(c->err, sizeof(c->err), "%s", pcap_geterr(c->pcap));
		return -1;
	}
	/* Unsigned differences carry the 32-bit counters over a wrap. */
	c->live.received += (unsigned)(ps.ps_recv - c->last_recv);
	c->live.dropped += (unsigned)(ps.ps_drop - c->last_drop);
	c->live.ifdropped += (unsigned)(ps.ps_ifdrop - c->last_ifdrop);
	c->last_recv = ps.ps_recv;
	c->last_drop = ps.ps_drop;
	c->last_ifdrop = ps.ps_ifdrop;
	c->live.taken = c->frames;
	*st = c->live;
	return 0;
}

static uint64_t
capture_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

long
capture_live_drain(struct capture *c, unsigned wait_ms, capture_cb cb,
    void *arg)
{
	/* "ret #0": no frame is taken. */
	struct sock_filter none = { BPF_RET | BPF_K, 0, 0, 0 };
	struct sock_fprog prog = { 1, &none };
	struct capture_live_stats st;
	struct pollfd pfd;
	uint64_t until = capture_now_ms() + wait_ms, now, mark = 0, in;
	long n, total = 0;
	int failed = 0, shut;

	if (c->drained)
		return 0;
	/*
	 * From now on the kernel puts no frame into the ring: a filter that
	 * takes none replaces the capture's.  It goes on the socket itself,
	 * as libpcap, asked to change the filter, would also discard the
	 * frames the old one let into the ring.
	 */
	shut = setsockopt(pcap_fileno(c->pcap), SOL_SOCKET, SO_ATTACH_FILTER,
	    &prog, sizeof(prog)) == 0;
	/*
	 * The frames the kernel has put into the ring (received less what
	 * a full ring dropped) are the ones owed: the drain ends once they
	 * are all taken.  Were the ring not shut, only those put in so far
	 * are waited for: a busy link, whose ring always has an open block,
	 * must not hold the stop up to the deadline.
	 */
	if (capture_live_stats(c, &st) == 0)
		mark = st.received - st.dropped;
	for (;;) {
		if ((n = capture_dispatch(c, 0, cb, arg)) == -1) {
			failed = 1;
			break;
		}
		total += n;
		/* A frame the old filter was letting in as it was replaced. */
		if (shut && capture_live_stats(c, &st) == 0)
			mark = st.received - st.dropped;
		if (c->frames >= mark || (now = capture_now_ms()) >= until)
			break;
		/* A block handed over (full or timed out) wakes the poll. */
		pfd.fd = capture_fd(c);
		pfd.events = POLLIN;
		pfd.revents = 0;
		if (poll(&pfd, 1, (int)(until - now)) == -1 && errno != EINTR) {
			snprintf(c->err, sizeof(c->err), "poll: %s",
			    strerror(errno));
			failed = 1;
			break;
		}
	}
	/*
	 * What the kernel put into the ring and was not taken (if the ring
	 * could not be shut, frames that came during the drain included) is
	 * lost: counted, so that the counters add up for good once they
	 * freeze.
	 */
	if (capture_live_stats(c, &st) == 0) {
		in = st.received - st.dropped;
		if (in > c->frames)
			c->live.lost += in - c->frames;
	}
	c->live.taken = c->frames;
	c->drained = 1;
	return failed ? -1 : total;
}

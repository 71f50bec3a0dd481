/*
 * flowlog.c - finished flows as JSON lines, fed by the pipeline at each
 * flow end.  A record is formatted into one buffer and written with one
 * fwrite, so a line is never interleaved or half-written by us.
 */
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "addr.h"
#include "escape.h"
#include "flowlog.h"

struct flowlog {
	FILE *fp;
	int own;
	uint64_t count;
	char buf[4096];
};

struct flowlog *
flowlog_open(const char *path)
{
	struct flowlog *fl;

	if ((fl = calloc(1, sizeof(*fl))) == NULL)
		return NULL;
	if (strcmp(path, "-") == 0)
		fl->fp = stdout;
	else {
		if ((fl->fp = fopen(path, "w")) == NULL) {
			free(fl);
			return NULL;
		}
		fl->own = 1;
	}
	return fl;
}

/* Appends to buf at *o; sets *o past len on overflow so the caller sees it. */
static void
put(char *buf, size_t len, size_t *o, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
put(char *buf, size_t len, size_t *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*o >= len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *o, len - *o, fmt, ap);
	va_end(ap);
	if (n < 0)
		*o = len;
	else
		*o += (size_t)n;
}

/* ISO 8601 UTC with microseconds: 2024-05-14T09:00:11.378382Z. */
static char *
fmt_time(uint64_t ts, char *buf, size_t len)
{
	time_t sec = (time_t)(ts / 1000000);
	struct tm tm;

	gmtime_r(&sec, &tm);
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%06uZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, (unsigned)(ts % 1000000));
	return buf;
}

static const char *
transport_name(uint8_t proto, char *buf, size_t len)
{
	switch (proto) {
	case IPPROTO_TCP:
		return "tcp";
	case IPPROTO_UDP:
		return "udp";
	case IPPROTO_ICMP:
		return "icmp";
	case IPPROTO_ICMPV6:
		return "ipv6-icmp";
	case IPPROTO_GRE:
		return "gre";
	case IPPROTO_SCTP:
		return "sctp";
	}
	snprintf(buf, len, "%u", proto);
	return buf;
}

static const char *
dir_by_name(uint8_t d)
{
	switch (d) {
	case FLOW_DIR_SYN:
		return "syn";
	case FLOW_DIR_SYNACK:
		return "syn-ack";
	}
	return "port";
}

static const char *
state_name(uint8_t s)
{
	switch (s) {
	case CLASSIFY_DETECTED:
		return "detected";
	case CLASSIFY_GUESSED:
		return "guessed";
	case CLASSIFY_PENDING:
		return "pending";
	}
	return "unknown";
}

/* TCP flags as letters in tcpdump's order, "" when none. */
static char *
tcpflags(uint8_t f, char *buf)
{
	static const char l[] = "FSRPAUEC";
	int i, o = 0;

	for (i = 0; i < 8; i++)
		if (f & (1 << i))
			buf[o++] = l[i];
	buf[o] = '\0';
	return buf;
}

struct risk_ctx {
	char *buf;
	size_t len;
	size_t *o;
	int n;
};

static void
risk_one(int bit, const char *name, void *arg)
{
	struct risk_ctx *rc = arg;
	char esc[256];

	(void)bit;
	escape_json(esc, sizeof(esc), name, strlen(name));
	put(rc->buf, rc->len, rc->o, "%s\"%s\"", rc->n++ ? "," : "", esc);
}

int
flowlog_format(char *buf, size_t len, const struct flow *f,
    enum flow_end reason, const struct classify *c,
    const struct classify_result *r)
{
	char t1[72], t2[72], a[2][ADDR_STRLEN], m[18], pn[64], tb[8];
	char host[CLASSIFY_HOST_MAX * 6 + 1], fl[2][9];
	struct risk_ctx rc;
	size_t o = 0;
	int i;

	put(buf, len, &o, "{\"start\":\"%s\",\"end\":\"%s\","
	    "\"transport\":\"%s\",\"src_ip\":\"%s\",\"src_port\":%u,"
	    "\"dst_ip\":\"%s\",\"dst_port\":%u,\"vlan\":%u",
	    fmt_time(f->first_ts, t1, sizeof(t1)),
	    fmt_time(f->last_ts, t2, sizeof(t2)),
	    transport_name(f->proto, tb, sizeof(tb)),
	    addr_fmt(&f->addr[FLOW_C2S], a[0], sizeof(a[0])),
	    f->port[FLOW_C2S],
	    addr_fmt(&f->addr[FLOW_S2C], a[1], sizeof(a[1])),
	    f->port[FLOW_S2C], f->vlan);
	for (i = 0; i < 2; i++)
		if (f->has_mac[i])
			put(buf, len, &o, ",\"%s_mac\":\"%s\"",
			    i == FLOW_C2S ? "src" : "dst",
			    addr_fmt_mac(f->mac[i], m, sizeof(m)));
	if (r != NULL) {
		put(buf, len, &o, ",\"app_proto\":\"%s\",\"dpi\":\"%s\","
		    "\"dpi_packets\":%u",
		    classify_proto_name(c, r, pn, sizeof(pn)),
		    state_name(r->state), r->dpi_packets);
		if (r->host[0] != '\0') {
			escape_json(host, sizeof(host), r->host,
			    strnlen(r->host, sizeof(r->host)));
			put(buf, len, &o, ",\"host\":\"%s\"", host);
		}
		if (r->risk != 0) {
			rc.buf = buf;
			rc.len = len;
			rc.o = &o;
			rc.n = 0;
			put(buf, len, &o, ",\"risks\":[");
			classify_risk_foreach(r->risk, risk_one, &rc);
			put(buf, len, &o, "]");
		}
	}
	put(buf, len, &o, ",\"pkts_c2s\":%llu,\"bytes_c2s\":%llu,"
	    "\"pkts_s2c\":%llu,\"bytes_s2c\":%llu",
	    (unsigned long long)f->pkts[FLOW_C2S],
	    (unsigned long long)f->bytes[FLOW_C2S],
	    (unsigned long long)f->pkts[FLOW_S2C],
	    (unsigned long long)f->bytes[FLOW_S2C]);
	if (f->proto == IPPROTO_TCP)
		put(buf, len, &o, ",\"tcp_flags_c2s\":\"%s\","
		    "\"tcp_flags_s2c\":\"%s\"",
		    tcpflags(f->tcp_flags[FLOW_C2S], fl[0]),
		    tcpflags(f->tcp_flags[FLOW_S2C], fl[1]));
	put(buf, len, &o, ",\"direction_by\":\"%s\",\"end_reason\":\"%s\"}\n",
	    dir_by_name(f->dir_by), flowtab_end_name(reason));
	if (o >= len)
		return -1;
	return (int)o;
}

int
flowlog_write(struct flowlog *fl, const struct flow *f, enum flow_end reason,
    const struct classify *c, const struct classify_result *r)
{
	int n;

	if ((n = flowlog_format(fl->buf, sizeof(fl->buf), f, reason, c,
	    r)) < 0)
		return -1;
	if (fwrite(fl->buf, (size_t)n, 1, fl->fp) != 1)
		return -1;
	fl->count++;
	return 0;
}

uint64_t
flowlog_count(const struct flowlog *fl)
{
	return fl->count;
}

int
flowlog_close(struct flowlog *fl)
{
	int rc;

	if (fl == NULL)
		return 0;
	if (fl->own)
		rc = fclose(fl->fp);
	else
		rc = fflush(fl->fp);
	free(fl);
	return rc == 0 ? 0 : -1;
}

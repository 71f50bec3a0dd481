/*
 * flowlog.c - finished flows as JSON lines, fed by the pipeline at each
 * flow end.  A record is formatted into one buffer and written with one
 * fwrite, so a line is never interleaved or half-written by us.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "addr.h"
#include "communityid.h"
#include "escape.h"
#include "flowlog.h"
#include "inventory.h"
#include "isotime.h"
#include "role.h"
#include "sink.h"
#include "strbuf.h"

struct flowlog {
	FILE *fp;		/* or NULL: to sinks */
	struct sinks *ss;
	int own;
	char *iobuf;		/* fp's buffer, FLOWLOG_IOBUF bytes */
	char buf[FLOWLOG_RECORD_MAX];
};

#define FLOWLOG_IOBUF	(256 * 1024)

struct flowlog *
flowlog_open(const char *path)
{
	struct flowlog *fl;
	int fd = -1, saved;

	if ((fl = calloc(1, sizeof(*fl))) == NULL)
		return NULL;
	if (strcmp(path, "-") == 0)
		fl->fp = stdout;
	else {
		/* Emptied, as fopen "w" would, but never through a link. */
		if ((fd = sink_file_open(path, 1)) == -1 ||
		    (fl->fp = fdopen(fd, "w")) == NULL) {
			saved = errno;
			if (fd != -1)
				close(fd);
			free(fl);
			errno = saved;
			return NULL;
		}
		fl->own = 1;
		/*
		 * A run writes records by the hundred thousand: written
		 * 256 KiB at a time, not stdio's page (stdio's own buffer
		 * if this one cannot be had).
		 */
		if ((fl->iobuf = malloc(FLOWLOG_IOBUF)) != NULL &&
		    setvbuf(fl->fp, fl->iobuf, _IOFBF, FLOWLOG_IOBUF) != 0) {
			free(fl->iobuf);
			fl->iobuf = NULL;
		}
	}
	return fl;
}

struct flowlog *
flowlog_sinks(struct sinks *ss)
{
	struct flowlog *fl;

	if ((fl = calloc(1, sizeof(*fl))) == NULL)
		return NULL;
	fl->ss = ss;
	return fl;
}

void
flowlog_set_sinks(struct flowlog *fl, struct sinks *ss)
{
	fl->ss = ss;
}

static void
jw_time(struct strbuf *w, uint64_t ts)
{
	char t[ISOTIME_LEN];

	strbuf_raw(w, isotime_fmt(ts, t, sizeof(t)), ISOTIME_LEN - 1);
}

static void
jw_addr(struct strbuf *w, const struct addr *a)
{
	char buf[ADDR_STRLEN];

	if (!addr_is_v4(a)) {
		strbuf_str(w, addr_fmt(a, buf, sizeof(buf)));
		return;
	}
	strbuf_ipv4(w, a->b + 12);
}

/* The IANA keyword, or the protocol number for one without a name. */
static void
jw_transport(struct strbuf *w, uint8_t proto)
{
	const char *n = decode_proto_name(proto);

	if (n != NULL)
		strbuf_str(w, n);
	else
		strbuf_u64(w, proto);
}

uint64_t
flowlog_flow_id(const struct flow *f)
{
	/*
	 * FNV-1a over the flow's ends in the record's order, its transport
	 * and its first packet's time: the same flow read again gets the
	 * same id, two flows of one 5-tuple get two.  (A flow cut by the
	 * active timeout starts each record anew, so each part has its own.)
	 */
	uint64_t h = 14695981039346656037ull;
	const uint8_t *p;
	size_t i;
	int e;

	for (e = 0; e < 2; e++) {
		for (i = 0, p = f->addr[e].b; i < sizeof(f->addr[e].b); i++)
			h = (h ^ p[i]) * 1099511628211ull;
		h = (h ^ (f->port[e] >> 8)) * 1099511628211ull;
		h = (h ^ (f->port[e] & 0xff)) * 1099511628211ull;
	}
	h = (h ^ f->proto) * 1099511628211ull;
	for (i = 0; i < 8; i++)
		h = (h ^ ((f->first_ts >> (8 * i)) & 0xff)) * 1099511628211ull;
	/* Below 2^53: exact in every JSON reader; never 0. */
	h &= (1ull << 53) - 1;
	return h != 0 ? h : 1;
}

/* "name" or null; roles as an array of names ("unknown" when none). */
static void
jw_end(struct strbuf *w, const char *key, const char *name, uint64_t roles)
{
	struct strbuf_list l = { w, 0 };
	int k;

	STRBUF_LIT(w, ",\"");
	strbuf_str(w, key);
	STRBUF_LIT(w, "_name\":");
	if (name != NULL)
		strbuf_json_str(w, name, strlen(name));
	else
		STRBUF_LIT(w, "null");
	STRBUF_LIT(w, ",\"");
	strbuf_str(w, key);
	STRBUF_LIT(w, "_roles\":[");
	for (k = 0; k < ROLE_COUNT; k++)
		if (roles & ROLE_BIT(k))
			strbuf_json_item(&l, role_name((enum role)k));
	if (l.n == 0)
		STRBUF_LIT(w, "\"unknown\"");
	STRBUF_LIT(w, "]");
}

int
flowlog_format(char *buf, size_t len, const struct flow *f,
    enum flow_end reason, const struct classify *c,
    const struct classify_result *r)
{
	return flowlog_format_verdict(buf, len, f, reason, c, r, NULL);
}

int
flowlog_format_verdict(char *buf, size_t len, const struct flow *f,
    enum flow_end reason, const struct classify *c,
    const struct classify_result *r, const struct flowlog_verdict *v)
{
	char m[18], pn[64], fl[DECODE_TCPFLAGS_LEN];
	char cid[COMMUNITYID_LEN];
	struct strbuf w = { buf, len, 0 };
	struct strbuf_list risks = { &w, 0 };
	int i;

	STRBUF_LIT(&w, "{\"event_type\":\"flow\",\"flow_id\":");
	strbuf_u64(&w, flowlog_flow_id(f));
	STRBUF_LIT(&w, ",\"start\":\"");
	jw_time(&w, f->first_ts);
	STRBUF_LIT(&w, "\",\"end\":\"");
	jw_time(&w, f->last_ts);
	STRBUF_LIT(&w, "\",\"transport\":\"");
	jw_transport(&w, f->proto);
	STRBUF_LIT(&w, "\",\"src_ip\":\"");
	jw_addr(&w, &f->addr[FLOW_C2S]);
	STRBUF_LIT(&w, "\",\"src_port\":");
	strbuf_u64(&w, f->port[FLOW_C2S]);
	STRBUF_LIT(&w, ",\"dst_ip\":\"");
	jw_addr(&w, &f->addr[FLOW_S2C]);
	STRBUF_LIT(&w, "\",\"dst_port\":");
	strbuf_u64(&w, f->port[FLOW_S2C]);
	STRBUF_LIT(&w, ",\"vlan\":");
	strbuf_u64(&w, f->vlan);
	for (i = 0; i < 2; i++)
		if (f->has_mac[i]) {
			if (i == FLOW_C2S)
				STRBUF_LIT(&w, ",\"src_mac\":\"");
			else
				STRBUF_LIT(&w, ",\"dst_mac\":\"");
			strbuf_raw(&w, addr_fmt_mac(f->mac[i], m, sizeof(m)),
			    sizeof(m) - 1);
			STRBUF_LIT(&w, "\"");
		}
	if (r != NULL) {
		STRBUF_LIT(&w, ",\"app_proto\":\"");
		strbuf_str(&w, classify_proto_name(c, r, pn, sizeof(pn)));
		STRBUF_LIT(&w, "\",\"dpi\":\"");
		strbuf_str(&w, classify_state_name(
		    (enum classify_state)r->state));
		STRBUF_LIT(&w, "\",\"dpi_packets\":");
		strbuf_u64(&w, r->dpi_packets);
		if (r->host[0] != '\0') {
			STRBUF_LIT(&w, ",\"host\":");
			strbuf_json_str(&w, r->host, sizeof(r->host));
			/*
			 * A byte that is not UTF-8 is U+FFFD in the string:
			 * the raw bytes follow in hex, as in the alerts.
			 */
			if (!escape_utf8_valid(r->host, strnlen(r->host,
			    sizeof(r->host)))) {
				STRBUF_LIT(&w, ",\"host_hex\":\"");
				strbuf_hex(&w, r->host, strnlen(r->host,
				    sizeof(r->host)));
				STRBUF_LIT(&w, "\"");
			}
		}
		if (r->risk != 0) {
			STRBUF_LIT(&w, ",\"risks\":[");
			classify_risk_foreach(r->risk, strbuf_json_item_cb,
			    &risks);
			STRBUF_LIT(&w, "]");
		}
	}
	STRBUF_LIT(&w, ",\"pkts_c2s\":");
	strbuf_u64(&w, f->pkts[FLOW_C2S]);
	STRBUF_LIT(&w, ",\"bytes_c2s\":");
	strbuf_u64(&w, f->bytes[FLOW_C2S]);
	STRBUF_LIT(&w, ",\"pkts_s2c\":");
	strbuf_u64(&w, f->pkts[FLOW_S2C]);
	STRBUF_LIT(&w, ",\"bytes_s2c\":");
	strbuf_u64(&w, f->bytes[FLOW_S2C]);
	if (f->proto == IPPROTO_TCP) {
		STRBUF_LIT(&w, ",\"tcp_flags_c2s\":\"");
		strbuf_str(&w, decode_tcpflags_fmt(f->tcp_flags[FLOW_C2S], fl));
		STRBUF_LIT(&w, "\",\"tcp_flags_s2c\":\"");
		strbuf_str(&w, decode_tcpflags_fmt(f->tcp_flags[FLOW_S2C], fl));
		STRBUF_LIT(&w, "\"");
	}
	STRBUF_LIT(&w, ",\"direction_by\":\"");
	strbuf_str(&w, flowtab_dir_name((enum flow_dir_by)f->dir_by));
	STRBUF_LIT(&w, "\",\"end_reason\":\"");
	strbuf_str(&w, flowtab_end_name(reason));
	STRBUF_LIT(&w, "\"");
	if (v != NULL && v->valid) {
		jw_end(&w, "src", v->src_name, v->src_roles);
		jw_end(&w, "dst", v->dst_name, v->dst_roles);
		STRBUF_LIT(&w, ",\"rule\":");
		if (v->rule_id != NULL)
			strbuf_json_str(&w, v->rule_id, strlen(v->rule_id));
		else
			STRBUF_LIT(&w, "null");
	}
	/*
	 * The Community ID joins this record with the alerts of the flow
	 * and with Suricata, Zeek or ntopng records of it.  An ICMP flow
	 * keeps the request's type << 8 | code as its client port.
	 */
	if (f->proto == IPPROTO_ICMP || f->proto == IPPROTO_ICMPV6)
		i = communityid_v1(cid, sizeof(cid), 0, &f->addr[FLOW_C2S],
		    &f->addr[FLOW_S2C], f->proto,
		    (uint16_t)(f->port[FLOW_C2S] >> 8),
		    (uint16_t)(f->port[FLOW_C2S] & 0xff));
	else
		i = communityid_v1(cid, sizeof(cid), 0, &f->addr[FLOW_C2S],
		    &f->addr[FLOW_S2C], f->proto, f->port[FLOW_C2S],
		    f->port[FLOW_S2C]);
	if (i == 0) {
		STRBUF_LIT(&w, ",\"community_id\":\"");
		strbuf_raw(&w, cid, COMMUNITYID_LEN - 1);
		STRBUF_LIT(&w, "\"");
	}
	STRBUF_LIT(&w, "}\n");
	if (strbuf_full(&w))
		return -1;
	buf[w.o] = '\0';
	return (int)w.o;
}

int
flowlog_write(struct flowlog *fl, const struct flow *f, enum flow_end reason,
    const struct classify *c, const struct classify_result *r)
{
	return flowlog_write_verdict(fl, f, reason, c, r, NULL);
}

int
flowlog_write_verdict(struct flowlog *fl, const struct flow *f,
    enum flow_end reason, const struct classify *c,
    const struct classify_result *r, const struct flowlog_verdict *v)
{
	int n;

	if (fl->fp == NULL && fl->ss == NULL)
		return -1;
	if ((n = flowlog_format_verdict(fl->buf, sizeof(fl->buf), f, reason,
	    c, r, v)) < 0) {
		/* Too long to write: the sinks count it, as dropped. */
		if (fl->fp == NULL)
			sinks_line_lost(fl->ss);
		return -1;
	}
	if (fl->fp == NULL) {
		/* Queued; the sinks count what they cannot take. */
		sinks_line(fl->ss, LOG_INFO, fl->buf, (size_t)n);
		return 0;
	}
	if (fwrite(fl->buf, (size_t)n, 1, fl->fp) != 1)
		return -1;
	return 0;
}

int
flowlog_write_line(struct flowlog *fl, const char *line, size_t n)
{
	if (fl->fp == NULL && fl->ss == NULL)
		return -1;
	if (fl->fp == NULL) {
		sinks_line(fl->ss, LOG_INFO, line, n);
		return 0;
	}
	return fwrite(line, n, 1, fl->fp) == 1 ? 0 : -1;
}

int
flowlog_close(struct flowlog *fl)
{
	int rc;

	if (fl == NULL)
		return 0;
	if (fl->fp == NULL)
		rc = 0;		/* the sinks are their owner's */
	else if (fl->own)
		rc = fclose(fl->fp);
	else
		rc = fflush(fl->fp);
	free(fl->iobuf);
	free(fl);
	return rc == 0 ? 0 : -1;
}

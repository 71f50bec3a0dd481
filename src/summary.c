/*
 * summary.c - the end-of-run summary on standard error.  One "key value"
 * pair starts each line so scripts can pick values out with awk.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "isotime.h"
#include "summary.h"

#define TOP_PROTOS 10

/* A summary speaks in whole seconds: the ISO time without its fraction. */
static char *
fmt_time(uint64_t ts, char *buf, size_t len)
{
	char t[ISOTIME_LEN];

	isotime_fmt(ts, t, sizeof(t));
	snprintf(buf, len, "%.19sZ", t);
	return buf;
}

struct proto_count {
	unsigned id;
	uint64_t n;
};

static int
proto_cmp(const void *a, const void *b)
{
	const struct proto_count *x = a, *y = b;

	if (x->n != y->n)
		return x->n < y->n ? 1 : -1;
	return x->id < y->id ? -1 : (x->id > y->id);
}

static void
summary_protocols(FILE *out, const struct pipeline *pl)
{
	const struct pipeline_stats *st = pipeline_stats(pl);
	const size_t nids = sizeof(st->proto_flows) /
	    sizeof(st->proto_flows[0]);
	struct proto_count top[TOP_PROTOS];
	size_t i, j, ntop = 0;

	for (i = 0; i < nids; i++) {
		struct proto_count pc = { (unsigned)i, st->proto_flows[i] };

		if (pc.n == 0)
			continue;
		/* Insertion into a short sorted array: nids is small. */
		if (ntop < TOP_PROTOS)
			top[ntop++] = pc;
		else if (proto_cmp(&pc, &top[TOP_PROTOS - 1]) < 0)
			top[TOP_PROTOS - 1] = pc;
		else
			continue;
		for (j = ntop - 1; j > 0 && proto_cmp(&top[j],
		    &top[j - 1]) < 0; j--) {
			struct proto_count t = top[j];
			top[j] = top[j - 1];
			top[j - 1] = t;
		}
	}
	fprintf(out, "%-16s", "top_protocols");
	if (ntop == 0)
		fprintf(out, " none");
	for (i = 0; i < ntop; i++)
		fprintf(out, "%s %s %llu", i ? "," : "",
		    top[i].id ? classify_id_name(pipeline_classify(pl),
		    (uint16_t)top[i].id) : "Unknown",
		    (unsigned long long)top[i].n);
	fprintf(out, "\n");
}

static void
summary_alerts(FILE *out, const struct alert_ctx *al)
{
	const struct alert_stats *as = alert_stats(al);
	int k, n = 0;

	fprintf(out, "%-16s %llu\n", "violations",
	    (unsigned long long)as->violations);
	fprintf(out, "%-16s %llu (suppressed as repeats %llu, repeat "
	    "summaries %llu, rate-limited %llu, scans %llu)\n", "alerts",
	    (unsigned long long)as->emitted,
	    (unsigned long long)as->suppressed,
	    (unsigned long long)as->repeats,
	    (unsigned long long)as->rate_limited,
	    (unsigned long long)as->scans);
	fprintf(out, "%-16s", "alerts_by_kind");
	for (k = 0; k < POLICY_KIND_MAX; k++) {
		if (as->by_kind[k] == 0)
			continue;
		fprintf(out, "%s %s %llu", n++ ? "," : "",
		    policy_kind_name((enum policy_kind)k),
		    (unsigned long long)as->by_kind[k]);
	}
	fprintf(out, "%s\n", n ? "" : " none");
}

void
summary_print(FILE *out, const struct pipeline *pl,
    const struct alert_ctx *al, double elapsed)
{
	const struct pipeline_stats *st = pipeline_stats(pl);
	const struct decode_stats *ds = decode_stats(pipeline_decoder(pl));
	const struct flowtab_stats *fs = flowtab_stats(pipeline_flowtab(pl));
	const struct classify_stats *cs = classify_stats(pipeline_classify(pl));
	char t1[32], t2[32];
	int i, n = 0;

	fprintf(out, "%-16s %llu\n", "packets", (unsigned long long)st->packets);
	fprintf(out, "%-16s %llu\n", "bytes", (unsigned long long)st->bytes);
	fprintf(out, "%-16s %.3f s\n", "elapsed", elapsed);
	fprintf(out, "%-16s %.0f\n", "packets/s",
	    elapsed > 0 ? (double)st->packets / elapsed : 0.0);
	if (st->packets > 0)
		fprintf(out, "%-16s %s .. %s (%.1f s of traffic)\n", "span",
		    fmt_time(st->first_ts, t1, sizeof(t1)),
		    fmt_time(st->last_ts, t2, sizeof(t2)),
		    (double)(st->last_ts - st->first_ts) / 1e6);
	fprintf(out, "%-16s %llu\n", "flows", (unsigned long long)fs->created);
	fprintf(out, "%-16s %llu\n", "flows_peak", (unsigned long long)fs->peak);
	fprintf(out, "%-16s", "flow_ends");
	for (i = 0; i < FLOW_END_MAX; i++)
		fprintf(out, "%s %s %llu", i ? "," : "",
		    flowtab_end_name((enum flow_end)i),
		    (unsigned long long)fs->ended[i]);
	fprintf(out, "\n");
	fprintf(out, "%-16s %llu\n", "evictions",
	    (unsigned long long)fs->ended[FLOW_END_EVICTED]);
	fprintf(out, "%-16s detected %llu, guessed %llu, unknown %llu, "
	    "gave_up %llu, reclaimed %llu, dpi_packets %llu\n", "dpi",
	    (unsigned long long)cs->detected, (unsigned long long)cs->guessed,
	    (unsigned long long)cs->unknown, (unsigned long long)cs->gave_up,
	    (unsigned long long)cs->reclaimed,
	    (unsigned long long)cs->dpi_packets);
	fprintf(out, "%-16s sessions %llu, streams %llu, untracked %llu\n",
	    "rtsp", (unsigned long long)cs->rtsp_sessions,
	    (unsigned long long)cs->rtsp_streams,
	    (unsigned long long)cs->rtsp_exhausted);
	fprintf(out, "%-16s %.3f s (%.0f%% of elapsed)\n", "dpi_time",
	    (double)cs->dpi_ns / 1e9,
	    elapsed > 0 ? (double)cs->dpi_ns / 1e7 / elapsed : 0.0);
	fprintf(out, "%-16s ip %llu, arp %llu, fragments %llu, tunnelled %llu\n",
	    "decoded", (unsigned long long)ds->ok, (unsigned long long)ds->arp,
	    (unsigned long long)ds->fragments,
	    (unsigned long long)ds->tunnelled);
	fprintf(out, "%-16s", "decode_errors");
	for (i = 1; i < DR_MAX; i++) {
		if (ds->reason[i] == 0)
			continue;
		fprintf(out, "%s %s %llu", n++ ? "," : "",
		    decode_reason_name((enum decode_reason)i),
		    (unsigned long long)ds->reason[i]);
	}
	fprintf(out, "%s\n", n ? "" : " none");
	/* Tunnels whose contents did not decode: the tunnel still counted. */
	n = 0;
	fprintf(out, "%-16s", "tunnel_inner");
	for (i = 1; i < DR_MAX; i++) {
		if (ds->inner[i] == 0)
			continue;
		fprintf(out, "%s %s %llu", n++ ? "," : "",
		    decode_reason_name((enum decode_reason)i),
		    (unsigned long long)ds->inner[i]);
	}
	fprintf(out, "%s\n", n ? "" : " none");
	fprintf(out, "%-16s tiny %llu, overlap %llu, orphans %llu, "
	    "by_pair %llu\n", "frag_evasion",
	    (unsigned long long)ds->frag_tiny,
	    (unsigned long long)ds->frag_overlap,
	    (unsigned long long)ds->frag_orphans,
	    (unsigned long long)ds->frag_by_pair);
	fprintf(out, "%-16s jumps %llu, epochs %llu\n", "clock",
	    (unsigned long long)st->time_jumps,
	    (unsigned long long)st->time_epochs);
	summary_protocols(out, pl);
	if (al != NULL)
		summary_alerts(out, al);
}

void
summary_workers(FILE *out, const struct parallel *par)
{
	int i, n = parallel_workers(par);

	fprintf(out, "%-16s %d:", "workers", n);
	for (i = 0; i < n; i++)
		fprintf(out, "%s %llu", i ? "," : "",
		    (unsigned long long)parallel_worker_packets(par, i));
	fprintf(out, " packets\n%-16s merge %.3f s, workers", "workers_cpu",
	    parallel_worker_cpu(par, -1));
	for (i = 0; i < n; i++)
		fprintf(out, "%s %.3f", i ? "," : "",
		    parallel_worker_cpu(par, i));
	fprintf(out, " s\n");
}

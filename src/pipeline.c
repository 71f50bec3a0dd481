/*
 * pipeline.c - one worker's chain of stages.  Frames come in from capture;
 * decode fills a struct pkt on the stack; the flow table folds it into a
 * flow; classify runs DPI while it is wanted.  When the flow table ends a
 * flow, the end callback hands it down the same way: classify finalizes,
 * the flow record is written, per-flow state is released.
 */
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "pipeline.h"

/* Expiry runs at most once per second of packet time. */
#define EXPIRE_PERIOD	1000000u

struct pipeline {
	struct decoder *dec;
	struct flowtab *ft;
	struct classify *cls;
	struct policy *pol;
	struct alert_ctx *al;
	struct flowlog *fl;
	uint64_t next_expire;
	uint64_t now;		/* latest packet time seen */
	struct pipeline_stats st;
};

/* Violations go to the alert stage, or are only counted without one. */
static void
pipeline_violation(const struct violation *v, void *arg)
{
	struct pipeline *pl = arg;

	if (pl->al != NULL)
		alert_violation(v, pl->al);
}

static void
pipeline_flow_end(struct flow *f, uint32_t slot, enum flow_end reason,
    void *arg)
{
	struct pipeline *pl = arg;
	const struct classify_result *r;
	unsigned id;

	classify_flow_end(pl->cls, slot, f);
	r = classify_get(pl->cls, slot);
	policy_flow(pl->pol, slot, f, r, POLICY_EV_END);
	id = r->app ? r->app : r->master;
	if (id < sizeof(pl->st.proto_flows) / sizeof(pl->st.proto_flows[0]))
		pl->st.proto_flows[id]++;
	if (pl->fl != NULL && flowlog_write(pl->fl, f, reason, pl->cls,
	    r) == 0)
		pl->st.flows_logged++;
	/* An active-timeout cut keeps the flow, and so its result. */
	if (reason != FLOW_END_ACTIVE) {
		classify_flow_release(pl->cls, slot);
		policy_flow_release(pl->pol, slot);
	}
}

struct pipeline *
pipeline_new(const struct conf *conf, struct flowlog *fl,
    struct alert_ctx *al)
{
	struct pipeline *pl;

	if ((pl = calloc(1, sizeof(*pl))) == NULL) {
		log_warn("pipeline");
		return NULL;
	}
	pl->fl = fl;
	pl->al = al;
	if ((pl->dec = decode_new(conf->frag_slots)) == NULL) {
		log_warnx("cannot create the decoder");
		goto fail;
	}
	if ((pl->ft = flowtab_new(&conf->flow, pipeline_flow_end, pl)) ==
	    NULL) {
		log_warnx("cannot create a flow table of %u flows",
		    conf->flow.max_flows);
		goto fail;
	}
	if ((pl->cls = classify_new(&conf->dpi,
	    flowtab_capacity(pl->ft))) == NULL) {
		log_warnx("cannot create the nDPI classifier");
		goto fail;
	}
	if ((pl->pol = policy_new(conf->inv, conf->rs, &conf->pc,
	    flowtab_capacity(pl->ft), pl->cls, pipeline_violation, pl)) ==
	    NULL) {
		log_warnx("cannot create the policy stage");
		goto fail;
	}
	return pl;
fail:
	pipeline_free(pl);
	return NULL;
}

void
pipeline_free(struct pipeline *pl)
{
	if (pl == NULL)
		return;
	flowtab_free(pl->ft);
	policy_free(pl->pol);
	classify_free(pl->cls);
	decode_free(pl->dec);
	free(pl);
}

/*
 * Moves the pipeline's clock to ts and runs what is due: flow expiry and
 * alert windows (once per second of it), requests whose answer did not
 * come.  Packet time drives every timeout; a capture merged out of order
 * must not move it backwards.
 */
static void
pipeline_advance(struct pipeline *pl, uint64_t ts)
{
	struct flow *f;
	uint32_t slot;
	int expire;

	if (ts > pl->now)
		pl->now = ts;
	pl->st.last_ts = pl->now;
	expire = pl->now >= pl->next_expire;
	if (expire) {
		flowtab_expire(pl->ft, pl->now);
		pl->next_expire = pl->now + EXPIRE_PERIOD;
	}
	while (policy_due(pl->pol, pl->now, &slot))
		if ((f = flowtab_get(pl->ft, slot)) != NULL)
			policy_flow(pl->pol, slot, f, classify_get(pl->cls,
			    slot), POLICY_EV_TIMEOUT);
	/*
	 * The alert windows close last: verdicts that came due above
	 * carry their flows' packet times and still belong to them.
	 */
	if (expire && pl->al != NULL)
		alert_expire(pl->al, pl->now);
}

void
pipeline_tick(struct pipeline *pl, uint64_t now)
{
	/* Before the first packet there is no time to move on from. */
	if (pl->now != 0)
		pipeline_advance(pl, now);
}

void
pipeline_frame(void *arg, int dlt, uint64_t ts, const uint8_t *data,
    uint32_t caplen, uint32_t len)
{
	struct pipeline *pl = arg;
	struct flow *f;
	struct pkt p;
	uint32_t slot;
	int dir, isnew, ev;

	pl->st.packets++;
	pl->st.bytes += caplen;
	if (pl->st.first_ts == 0 || ts < pl->st.first_ts)
		pl->st.first_ts = ts;
	pipeline_advance(pl, ts);
	switch (decode_packet(pl->dec, dlt, ts, data, caplen, len, &p)) {
	case DECODE_OK:
		break;
	case DECODE_ARP:
		policy_arp(pl->pol, &p);
		return;
	default:
		return;
	}
	if ((f = flowtab_update(pl->ft, &p, &dir, &isnew)) == NULL)
		return;
	slot = flowtab_slot(pl->ft, f);
	if (isnew) {
		classify_flow_new(pl->cls, slot);
		policy_flow(pl->pol, slot, f, classify_get(pl->cls, slot),
		    POLICY_EV_NEW);
	} else if (f->pkts[dir] == 1 && f->pkts[!dir] > 0) {
		/*
		 * The other end's first packet: an answer, whichever end
		 * the flow table took for the server.
		 */
		policy_flow(pl->pol, slot, f, classify_get(pl->cls, slot),
		    POLICY_EV_REPLY);
	} else if (f->mac_new & (1u << dir))
		/* A MAC new to this end (DHCP from many MACs, spoofing). */
		policy_frame(pl->pol, slot, f, classify_get(pl->cls, slot),
		    dir);
	/* The policy looks again once, when the protocol is known. */
	ev = classify_packet(pl->cls, slot, f, &p, dir);
	if (ev & CLASSIFY_EV_FINAL)
		policy_flow(pl->pol, slot, f, classify_get(pl->cls, slot),
		    POLICY_EV_CLASSIFIED);
	if (ev & CLASSIFY_EV_MEDIA)
		policy_media(pl->pol, slot, f, classify_get(pl->cls, slot));
}

int
pipeline_reconfigure(struct pipeline *pl, const struct conf *conf)
{
	return policy_reconfigure(pl->pol, conf->inv, conf->rs, &conf->pc);
}

void
pipeline_flush(struct pipeline *pl)
{
	flowtab_flush(pl->ft);
}

const struct pipeline_stats *
pipeline_stats(const struct pipeline *pl)
{
	return &pl->st;
}

const struct decoder *
pipeline_decoder(const struct pipeline *pl)
{
	return pl->dec;
}

const struct flowtab *
pipeline_flowtab(const struct pipeline *pl)
{
	return pl->ft;
}

const struct classify *
pipeline_classify(const struct pipeline *pl)
{
	return pl->cls;
}

/*
 * pipeline.c - one worker's chain of stages.  Frames come in from capture;
 * decode fills a struct pkt on the stack; the flow table folds it into a
 * flow; classify runs DPI while it is wanted.  When the flow table ends a
 * flow, the end callback hands it down the same way: classify finalizes,
 * the flow record is written, per-flow state is released.
 *
 * A frame that came through tunnels is several packets: each tunnel is a
 * flow between its own ends, judged like any other, and so is what it
 * carries.
 *
 * Packet time is the clock of every later stage (flow expiry, the policy's
 * waits, de-duplication windows, the rate limit), so one frame must not be
 * able to stop it.  A frame stamped more than CLOCK_JUMP away from it,
 * either way, is a jump: it is held until the next frame (or tick) says
 * which it was.  If that one is back near the clock (or a jump the other
 * way), the jump was a stray stamp, and the held frame is handled at the
 * current time.  If it jumps the same way, time did move: a new epoch.
 * Forwards, the clock moves to the held frame's time, as over any pause in
 * a capture; backwards, the clock cannot follow (every queue is ordered by
 * it), so packet times are shifted to go on from where it is.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "learn.h"
#include "log.h"
#include "pipeline.h"

/* Expiry runs at most once per second of packet time. */
#define EXPIRE_PERIOD	1000000u

/*
 * A step of packet time larger than this is a jump: a minute, far beyond
 * the disorder of a merged capture and short next to the flow timeouts,
 * so that a frame within it moves the clock by little.
 */
#define CLOCK_JUMP	(60ull * 1000000u)

/* ts on the clock: shifted past the backward epochs, capped. */
static inline uint64_t
clock_time(const struct pipeline_clock *c, uint64_t ts)
{
	if (ts > PIPELINE_CLOCK_MAX)
		ts = PIPELINE_CLOCK_MAX;
	/* The shift is capped too: the sum cannot wrap. */
	if (ts + c->shift > PIPELINE_CLOCK_MAX)
		return PIPELINE_CLOCK_MAX;
	return ts + c->shift;
}

/*
 * Fragment findings have no flow to be raised once for: the last ones are
 * remembered by (sender, receiver, protocol, port) in a small four-way
 * table (keys that hash alike do not push each other out at every
 * packet), and each kind is raised at most once a second of packet time
 * for one of them, so that a flood of fragments costs a lookup a packet
 * rather than an alert a packet.
 */
#define FSEEN_SLOTS	1024u		/* a power of two */
#define FSEEN_WAYS	4		/* slots h ^ 0 .. h ^ 3 */
#define FSEEN_QUIET	1000000u	/* microseconds */
#define FK_TINY		0x01		/* struct fseen.kinds */
#define FK_OVERLAP	0x02
#define FK_ORPHAN	0x04

struct fseen {
	struct addr src, dst;
	uint64_t ts;		/* packet time of the first finding */
	uint16_t port;
	uint8_t proto;
	uint8_t kinds;		/* FK_* raised since ts */
	uint8_t used;
};

struct pipeline {
	struct decoder *dec;
	struct flowtab *ft;
	struct classify *cls;
	struct policy *pol;
	struct alert_ctx *al;
	struct flowlog *fl;
	struct learn *learn;	/* --learn: every ended flow, or NULL */
	uint64_t next_expire;
	uint64_t now;		/* latest packet time seen */
	uint64_t frames;	/* frames handled (the next frame's number) */
	struct pipeline_clock clk;
	struct fseen fseen[FSEEN_SLOTS];
	struct pipeline_stats st;
	/* The ending flow's verdict, for its record; and who else wants it. */
	struct flowlog_verdict fv;
	policy_verdict_cb vcb;
	void *varg;
	/* Outputs merged with other pipelines' (pipeline_set_events()). */
	const struct pipeline_events *ev;
	void *evarg;
	int ev_flags;			/* PIPELINE_EV_* */
	struct pipeline_key key;	/* of the work being done */
	struct policy_verdict pv;	/* the ending flow's, copied */
	int pv_valid;
	char *rec;			/* FLOWLOG_RECORD_MAX bytes */
	pipeline_owner_cb own;		/* which packets are this one's */
	void *ownarg;
};

int
pipeline_key_cmp(const struct pipeline_key *x, const struct pipeline_key *y)
{
#define KEY_CMP(m)	if (x->m != y->m) return x->m < y->m ? -1 : 1
	KEY_CMP(frame);
	KEY_CMP(phase);
	KEY_CMP(a);
	KEY_CMP(b);
	KEY_CMP(c);
	KEY_CMP(seq);
#undef KEY_CMP
	return 0;
}

/* Violations go to the alert stage, or are only counted without one. */
static void
pipeline_violation(const struct violation *v, void *arg)
{
	struct pipeline *pl = arg;

	if (pl->ev != NULL) {
		pl->ev->violation(&pl->key, v, pl->evarg);
		pl->key.seq++;
	} else if (pl->al != NULL)
		alert_violation(v, pl->al);
}

/*
 * The policy's verdict of a flow at its end: kept for the flow record
 * written next (the record's ends are the flow table's), then passed on.
 */
static void
pipeline_verdict(const struct policy_verdict *pv, void *arg)
{
	struct pipeline *pl = arg;
	const struct policy_end *src, *dst;
	uint64_t sroles, droles;

	if (pv->ci == FLOW_C2S) {
		src = &pv->client;
		dst = &pv->server;
		sroles = pv->croles;
		droles = pv->sroles;
	} else {
		src = &pv->server;
		dst = &pv->client;
		sroles = pv->sroles;
		droles = pv->croles;
	}
	pl->fv.valid = 1;
	pl->fv.src_name = src->host != NULL ? src->host->name : NULL;
	pl->fv.dst_name = dst->host != NULL ? dst->host->name : NULL;
	pl->fv.src_roles = sroles;
	pl->fv.dst_roles = droles;
	pl->fv.rule_id = pv->rule != NULL ? pv->rule->id : NULL;
	/* Merged with other pipelines' work: it goes with the flow. */
	if (pl->ev != NULL) {
		pl->pv = *pv;
		pl->pv_valid = 1;
	} else if (pl->vcb != NULL)
		pl->vcb(pv, pl->varg);
}

static void
pipeline_flow_end(struct flow *f, uint32_t slot, enum flow_end reason,
    void *arg)
{
	struct pipeline *pl = arg;
	const struct classify_result *r;
	unsigned id;
	int n = -1;

	/* Flows that the clock or the end of input ends: the table's order. */
	if (pl->key.phase == PIPELINE_EXPIRE ||
	    pl->key.phase == PIPELINE_FLUSH) {
		pl->key.a = f->qts;
		pl->key.b = f->tq;
		pl->key.c = f->qseq;
	}
	classify_flow_end(pl->cls, slot, f);
	r = classify_get(pl->cls, slot);
	memset(&pl->fv, 0, sizeof(pl->fv));
	pl->pv_valid = 0;
	policy_flow(pl->pol, slot, f, r, POLICY_EV_END);
	id = r->app ? r->app : r->master;
	if (id < sizeof(pl->st.proto_flows) / sizeof(pl->st.proto_flows[0]))
		pl->st.proto_flows[id]++;
	if (pl->ev != NULL) {
		if ((pl->ev_flags & PIPELINE_EV_RECORDS) &&
		    (n = flowlog_format_verdict(pl->rec,
		    FLOWLOG_RECORD_MAX, f, reason, pl->cls, r, &pl->fv)) >= 0)
			pl->st.flows_logged++;
		pl->ev->flow(&pl->key, f, reason, pl->pv_valid ? &pl->pv : NULL,
		    classify_family(r), n >= 0 ? pl->rec : NULL,
		    n >= 0 ? (size_t)n : 0, pl->evarg);
		pl->key.seq++;
	} else {
		if (pl->fl != NULL && flowlog_write_verdict(pl->fl, f, reason,
		    pl->cls, r, &pl->fv) == 0)
			pl->st.flows_logged++;
		/*
		 * Out of memory, the learner misses a flow: its summary
		 * counts less.
		 */
		if (pl->learn != NULL)
			(void)learn_flow(pl->learn, f,
			    classify_family(r));
	}
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
	pl->key.phase = PIPELINE_FRAME;
	if (pipeline_clock_init(&pl->clk) == -1) {
		log_warn("pipeline");
		goto fail;
	}
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
	policy_set_verdict(pl->pol, pipeline_verdict, pl);
	return pl;
fail:
	pipeline_free(pl);
	return NULL;
}

void
pipeline_learn(struct pipeline *pl, struct learn *l)
{
	pl->learn = l;
}

void
pipeline_set_events(struct pipeline *pl, const struct pipeline_events *ev,
    void *arg, int flags)
{
	pl->ev = ev;
	pl->evarg = arg;
	pl->ev_flags = flags;
	/* Without its buffer no record is written: they count as lost. */
	if ((flags & PIPELINE_EV_RECORDS) && pl->rec == NULL &&
	    (pl->rec = malloc(FLOWLOG_RECORD_MAX)) == NULL)
		pl->ev_flags &= ~PIPELINE_EV_RECORDS;
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
	pipeline_clock_free(&pl->clk);
	free(pl->rec);
	free(pl);
}

/*
 * Moves the pipeline's clock to ts and runs what is due: flow expiry and
 * alert windows (once per second of it), requests whose answer did not
 * come.  Packet time drives every timeout; a capture merged out of order
 * must not move it backwards.  Every frame of a capture comes through
 * here, in every pipeline that shares it, so that all of them expire at
 * the same frames.
 */
static void
pipeline_advance(struct pipeline *pl, uint64_t ts)
{
	struct policy_due_key dk;
	struct flow *f;
	uint32_t slot;
	int expire;

	if (ts > pl->now)
		pl->now = ts;
	pl->st.last_ts = pl->now;
	flowtab_clock(pl->ft, pl->now);
	expire = pl->now >= pl->next_expire;
	if (expire) {
		pl->key.phase = PIPELINE_EXPIRE;
		flowtab_expire(pl->ft, pl->now);
		pl->next_expire = pl->now + EXPIRE_PERIOD;
	}
	pl->key.phase = PIPELINE_DUE;
	pl->key.c = 0;
	while (policy_due(pl->pol, pl->now, &slot, &dk))
		if ((f = flowtab_get(pl->ft, slot)) != NULL) {
			pl->key.a = (uint64_t)dk.ring;
			pl->key.b = dk.seq;
			policy_flow(pl->pol, slot, f, classify_get(pl->cls,
			    slot), POLICY_EV_TIMEOUT);
		}
	/*
	 * The alert windows close last: verdicts that came due above
	 * carry their flows' packet times and still belong to them.
	 */
	if (expire) {
		pl->key.phase = PIPELINE_ALERTS;
		pl->key.a = pl->key.b = 0;
		if (pl->ev != NULL && (pl->ev_flags & PIPELINE_EV_EXPIRE)) {
			pl->ev->alert_expire(&pl->key, pl->now, pl->evarg);
			pl->key.seq++;
		} else if (pl->ev == NULL && pl->al != NULL)
			alert_expire(pl->al, pl->now);
	}
	pl->key.phase = PIPELINE_FRAME;
	pl->key.a = pl->key.b = pl->key.c = 0;
}

/* 1 when t is within a jump of ref, either way. */
static int
clock_near(uint64_t t, uint64_t ref)
{
	return t >= ref ? t - ref <= CLOCK_JUMP : ref - t <= CLOCK_JUMP;
}

int
pipeline_clock_init(struct pipeline_clock *c)
{
	memset(c, 0, sizeof(*c));
	if ((c->held.data = malloc(PIPELINE_HOLD_MAX)) == NULL)
		return -1;
	return 0;
}

void
pipeline_clock_free(struct pipeline_clock *c)
{
	free(c->held.data);
	c->held.data = NULL;
}

static void
clock_deliver(struct pipeline_clock *c, int dlt, uint64_t t,
    const uint8_t *data, uint32_t caplen, uint32_t len,
    pipeline_deliver_cb cb, void *arg)
{
	if (t > c->now)
		c->now = t;
	cb(arg, dlt, t, data, caplen, len);
}

/*
 * Delivers the held frame now that the time t after it is known (t
 * shifted like it): a new epoch if t is a jump the same way, else a stray
 * stamp, delivered at the current time.  (Two stamps on either side of
 * the clock agree on nothing.)
 */
static void
clock_unhold(struct pipeline_clock *c, uint64_t t, pipeline_deliver_cb cb,
    void *arg)
{
	uint64_t at = c->now;

	if (!c->held.on)
		return;
	c->held.on = 0;
	if (!clock_near(t, c->now) &&
	    (t > c->now) == (c->held.t > c->now)) {
		c->epochs++;
		if (c->held.t > c->now)
			at = c->held.t;
		else {
			c->shift += c->now - c->held.t;
			if (c->shift > PIPELINE_CLOCK_MAX)
				c->shift = PIPELINE_CLOCK_MAX;
		}
	}
	clock_deliver(c, c->held.dlt, at, c->held.data, c->held.caplen,
	    c->held.len, cb, arg);
}

void
pipeline_clock_frame(struct pipeline_clock *c, int dlt, uint64_t ts,
    const uint8_t *data, uint32_t caplen, uint32_t len,
    pipeline_deliver_cb cb, void *arg)
{
	uint64_t t;

	/* This frame's time says what the one held before it was. */
	clock_unhold(c, clock_time(c, ts), cb, arg);
	/* That may have started an epoch: the shift is the new one. */
	t = clock_time(c, ts);
	if (c->now != 0 && !clock_near(t, c->now)) {
		c->jumps++;
		c->held.on = 1;
		c->held.t = t;
		c->held.dlt = dlt;
		c->held.caplen = caplen < PIPELINE_HOLD_MAX ? caplen :
		    PIPELINE_HOLD_MAX;
		c->held.len = len;
		memcpy(c->held.data, data, c->held.caplen);
		return;
	}
	clock_deliver(c, dlt, t, data, caplen, len, cb, arg);
}

void
pipeline_clock_flush(struct pipeline_clock *c, pipeline_deliver_cb cb,
    void *arg)
{
	/*
	 * Nothing comes after a held frame: a last frame after a pause is
	 * taken at its time, one stamped in the past at the current time.
	 */
	if (c->held.on)
		clock_unhold(c, c->held.t > c->now ? c->held.t : c->now, cb,
		    arg);
}

static void pipeline_handle(struct pipeline *, int dlt, uint64_t t,
    const uint8_t *data, uint32_t caplen, uint32_t len, int all);

/* The pipeline's own clock delivers a frame. */
static void
pipeline_deliver(void *arg, int dlt, uint64_t t, const uint8_t *data,
    uint32_t caplen, uint32_t len)
{
	struct pipeline *pl = arg;

	pl->key.frame = pl->frames++;
	pipeline_handle(pl, dlt, t, data, caplen, len, 1);
}

void
pipeline_tick(struct pipeline *pl, uint64_t now)
{
	uint64_t t;

	/* Before the first packet there is no time to move on from. */
	if (pl->now == 0)
		return;
	/* The clock of a silent link tells what a held frame was. */
	clock_unhold(&pl->clk, clock_time(&pl->clk, now), pipeline_deliver,
	    pl);
	pl->st.time_epochs = pl->clk.epochs;
	t = clock_time(&pl->clk, now);
	if (t > pl->now && clock_near(t, pl->now)) {
		if (t > pl->clk.now)
			pl->clk.now = t;
		pl->key.frame = pl->frames;
		pipeline_advance(pl, t);
	}
}

/*
 * A fragment the decoder flagged: its findings, but those raised for the
 * same ends, protocol and port less than FSEEN_QUIET ago.
 */
static void
pipeline_fragment(struct pipeline *pl, const struct pkt *p)
{
	struct fseen *e, *way;
	struct pkt q;
	uint32_t h;
	uint8_t kinds = 0, fresh;
	int i, found = 0;

	if (p->flags & PKT_F_FRAG_TINY)
		kinds |= FK_TINY;
	if (p->flags & PKT_F_FRAG_OVERLAP)
		kinds |= FK_OVERLAP;
	if ((p->flags & (PKT_F_FRAG_LATER | PKT_F_NO_PORTS)) ==
	    (PKT_F_FRAG_LATER | PKT_F_NO_PORTS))
		kinds |= FK_ORPHAN;
	/* FNV-1a over the key, then MurmurHash3's finalizer to spread it. */
	h = addr_hash(&p->dst, addr_hash(&p->src, 0));
	h = (h ^ p->proto ^ (uint32_t)p->dport << 8) * 16777619u;
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	h ^= h >> 16;
	h &= FSEEN_SLOTS - 1;
	/* The key's slot of the ways, else the one unused or oldest. */
	e = NULL;
	for (i = 0; i < FSEEN_WAYS; i++) {
		way = &pl->fseen[h ^ (uint32_t)i];
		if (way->used && way->proto == p->proto &&
		    way->port == p->dport &&
		    addr_cmp(&way->src, &p->src) == 0 &&
		    addr_cmp(&way->dst, &p->dst) == 0) {
			e = way;
			found = 1;
			break;
		}
		if (e == NULL || !way->used || (e->used && way->ts < e->ts))
			e = way;
	}
	/* Another key's way, or this key's once its quiet time is over. */
	if (!found || p->ts < e->ts || p->ts - e->ts >= FSEEN_QUIET) {
		e->src = p->src;
		e->dst = p->dst;
		e->ts = p->ts;
		e->port = p->dport;
		e->proto = p->proto;
		e->kinds = 0;
		e->used = 1;
	}
	if ((fresh = kinds & (uint8_t)~e->kinds) == 0)
		return;
	e->kinds |= fresh;
	/* The policy raises what the flags say: only the fresh kinds. */
	q = *p;
	if (!(fresh & FK_TINY))
		q.flags &= (uint16_t)~PKT_F_FRAG_TINY;
	if (!(fresh & FK_OVERLAP))
		q.flags &= (uint16_t)~PKT_F_FRAG_OVERLAP;
	if (!(fresh & FK_ORPHAN))
		q.flags &= (uint16_t)~PKT_F_NO_PORTS;
	policy_fragment(pl->pol, &q);
}

/*
 * One IP packet, a frame's innermost or a tunnel it came through, into its
 * flow and the stages after it.
 */
static void
pipeline_ip(struct pipeline *pl, const struct pkt *p)
{
	struct flow *f;
	uint32_t slot;
	int dir, isnew, ev;

	/*
	 * Fragments that hide or rewrite the transport header are findings
	 * of their own; one whose ports are unknown has no flow to join.
	 */
	if (p->flags & (PKT_F_FRAG_TINY | PKT_F_FRAG_OVERLAP | PKT_F_NO_PORTS))
		pipeline_fragment(pl, p);
	if (p->flags & PKT_F_NO_PORTS)
		return;
	/*
	 * --learn: a DHCP server's reply tells its subnet (merged with other
	 * pipelines' work: it goes to the learner with its key).
	 */
	if (pl->learn != NULL)
		learn_packet(pl->learn, p);
	else if (pl->ev != NULL && (pl->ev_flags & PIPELINE_EV_LEARN) &&
	    learn_packet_wanted(p)) {
		pl->ev->packet(&pl->key, p, pl->evarg);
		pl->key.seq++;
	}
	if ((f = flowtab_update(pl->ft, p, &dir, &isnew)) == NULL)
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
	ev = classify_packet(pl->cls, slot, f, p, dir);
	if (ev & CLASSIFY_EV_FINAL)
		policy_flow(pl->pol, slot, f, classify_get(pl->cls, slot),
		    POLICY_EV_CLASSIFIED);
	if (ev & CLASSIFY_EV_MEDIA)
		policy_media(pl->pol, slot, f, classify_get(pl->cls, slot));
}

/*
 * 1 when packet p of the frame is this pipeline's to analyse: all of them
 * when all is 1 or no owner callback is set.
 */
static inline int
pipeline_mine(const struct pipeline *pl, int all, const struct pkt *p)
{
	return all || pl->own == NULL || pl->own(pl->ownarg, p);
}

/*
 * A frame at time t (shifted, not a jump), number pl->key.frame: decoded
 * and handed down (its packets that are this pipeline's, see
 * pipeline_mine()).
 */
static void
pipeline_handle(struct pipeline *pl, int dlt, uint64_t t,
    const uint8_t *data, uint32_t caplen, uint32_t len, int all)
{
	enum decode_result r;
	struct pkt p, q;
	uint64_t seq = pl->key.frame * PKT_SEQ_PER_FRAME;
	unsigned i;

	if (pl->st.first_ts == 0 || t < pl->st.first_ts)
		pl->st.first_ts = t;
	pipeline_advance(pl, t);
	r = decode_packet(pl->dec, dlt, t, data, caplen, len, &p);
	if (r != DECODE_OK && r != DECODE_ARP)
		return;
	/*
	 * The tunnels the packet came through are flows between their own
	 * ends; a switch's mirror feed (ERSPAN) is how the sensor sees the
	 * site, not traffic of it.  The work of each packet is keyed by its
	 * place in the frame (outermost first): pipelines that split the
	 * frame's packets between them then merge it in the order one does
	 * it in (pipeline_advance() set the key's a to 0 for the frame).
	 */
	for (i = 0; i < p.nouter; i++)
		if (!(p.outer[i].flags & PKT_F_MIRROR) &&
		    pipeline_mine(pl, all, &p.outer[i])) {
			q = p.outer[i];
			q.seq = seq + i;
			pl->key.a = i;
			pipeline_ip(pl, &q);
		}
	p.seq = seq + p.nouter;
	if (!pipeline_mine(pl, all, &p))
		return;
	pl->key.a = p.nouter;
	if (r == DECODE_ARP)
		policy_arp(pl->pol, &p);
	else
		pipeline_ip(pl, &p);
}

void
pipeline_frame(void *arg, int dlt, uint64_t ts, const uint8_t *data,
    uint32_t caplen, uint32_t len)
{
	struct pipeline *pl = arg;

	pl->st.packets++;
	pl->st.bytes += caplen;
	pipeline_clock_frame(&pl->clk, dlt, ts, data, caplen, len,
	    pipeline_deliver, pl);
	pl->st.time_jumps = pl->clk.jumps;
	pl->st.time_epochs = pl->clk.epochs;
}

void
pipeline_set_owner(struct pipeline *pl, pipeline_owner_cb own, void *arg)
{
	pl->own = own;
	pl->ownarg = arg;
}

void
pipeline_frame_at(struct pipeline *pl, uint64_t frame, int dlt, uint64_t t,
    const uint8_t *data, uint32_t caplen, uint32_t len, int flags)
{
	int count = (flags & PIPELINE_FRAME_COUNT) != 0;

	if (count) {
		pl->st.packets++;
		pl->st.bytes += caplen;
	}
	decode_count(pl->dec, count);
	pl->key.frame = frame;
	pl->frames = frame + 1;
	pipeline_handle(pl, dlt, t, data, caplen, len,
	    (flags & PIPELINE_FRAME_WHOLE) != 0);
}

void
pipeline_clock_at(struct pipeline *pl, uint64_t frame, uint64_t t)
{
	/*
	 * A time not past the clock changes nothing: what was due at it ran
	 * when the clock got there, and what was put since is due later.
	 */
	if (t <= pl->now)
		return;
	pl->key.frame = frame;
	pl->frames = frame + 1;
	/*
	 * Most frames only move the clock: nothing expires and no wait ends
	 * before the next second or the earliest deadline.  The flow table
	 * takes the clock with this pipeline's next frame.
	 */
	if (t < pl->next_expire && t < policy_next_due(pl->pol)) {
		pl->now = t;
		pl->st.last_ts = t;
		return;
	}
	pipeline_advance(pl, t);
}

void
pipeline_stats_add(struct pipeline *to, const struct pipeline *from,
    const struct pipeline_clock *clk)
{
	size_t i;

	if (from != NULL && from != to) {
		to->st.packets += from->st.packets;
		to->st.bytes += from->st.bytes;
		if (from->st.first_ts != 0 && (to->st.first_ts == 0 ||
		    from->st.first_ts < to->st.first_ts))
			to->st.first_ts = from->st.first_ts;
		if (from->st.last_ts > to->st.last_ts)
			to->st.last_ts = from->st.last_ts;
		to->st.flows_logged += from->st.flows_logged;
		for (i = 0; i < sizeof(to->st.proto_flows) /
		    sizeof(to->st.proto_flows[0]); i++)
			to->st.proto_flows[i] += from->st.proto_flows[i];
		decode_stats_add(to->dec, from->dec);
		flowtab_stats_add(to->ft, from->ft);
		classify_stats_add(to->cls, from->cls);
	}
	if (clk != NULL) {
		to->st.time_jumps += clk->jumps;
		to->st.time_epochs += clk->epochs;
	}
}

void
pipeline_set_verdict(struct pipeline *pl, policy_verdict_cb cb, void *arg)
{
	pl->vcb = cb;
	pl->varg = arg;
}

int
pipeline_reconfigure(struct pipeline *pl, const struct conf *conf)
{
	return policy_reconfigure(pl->pol, conf->inv, conf->rs, &conf->pc);
}

void
pipeline_flush(struct pipeline *pl)
{
	pipeline_clock_flush(&pl->clk, pipeline_deliver, pl);
	pl->st.time_epochs = pl->clk.epochs;
	pl->key.frame = UINT64_MAX;
	pl->key.phase = PIPELINE_FLUSH;
	flowtab_flush(pl->ft);
	pl->key.phase = PIPELINE_FRAME;
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

/*
 * pipeline.h - one worker's chain of stages: decode -> flow table ->
 * classify -> (policy, alerts) -> outputs.  It owns one instance of each
 * stage and wires the flow-end callback through them in order.  The
 * offline reader runs one; the daemon runs one per capture worker.
 */
#ifndef VW_PIPELINE_H
#define VW_PIPELINE_H

#include <stdint.h>

#include "alert.h"
#include "classify.h"
#include "conf.h"
#include "decode.h"
#include "flowlog.h"
#include "flowtab.h"
#include "policy.h"

struct pipeline;

/*
 * Packet time (see pipeline.c): a frame stamped more than a minute away
 * from the clock is held until the next frame says whether it was a stray
 * stamp or the start of a new epoch; frames are then delivered in order,
 * each with its time on the clock (shifted past backward epochs).  Every
 * pipeline has one; each worker of the parallel reader runs its own.
 */
struct pipeline_clock {
	uint64_t now;		/* latest time delivered (or ticked) */
	uint64_t shift;		/* added to stamps: backward epochs so far */
	uint64_t jumps;		/* frames a jump away from the clock */
	uint64_t epochs;	/* jumps taken as a new epoch */
	struct {
		uint8_t *data;	/* PIPELINE_HOLD_MAX bytes */
		uint64_t t;	/* its time, shifted */
		uint32_t caplen, len;
		int dlt;
		int on;
	} held;
};

/*
 * Packet time never goes past this (some 146,000 years of microseconds):
 * a stamp beyond it, or one shifted beyond it by backward epochs, is taken
 * at it, so that the clock plus any timeout or period cannot wrap around.
 * (A wrapped deadline would expire at once, and with several workers at
 * other frames than with one.)
 */
#define PIPELINE_CLOCK_MAX	(UINT64_C(1) << 62)

/* Bytes kept of a held frame: libpcap's largest snap length. */
#define PIPELINE_HOLD_MAX	262144u

typedef void (*pipeline_deliver_cb)(void *arg, int dlt, uint64_t t,
    const uint8_t *data, uint32_t caplen, uint32_t len);

/* Allocates the held frame's buffer.  Returns 0, or -1 on failure. */
int pipeline_clock_init(struct pipeline_clock *);
void pipeline_clock_free(struct pipeline_clock *);
/*
 * One frame stamped ts: delivers to cb what it decides now (a frame held
 * before, then this one unless it is held in turn).
 */
void pipeline_clock_frame(struct pipeline_clock *, int dlt, uint64_t ts,
    const uint8_t *data, uint32_t caplen, uint32_t len,
    pipeline_deliver_cb cb, void *arg);
/* End of input: delivers a held frame. */
void pipeline_clock_flush(struct pipeline_clock *, pipeline_deliver_cb cb,
    void *arg);

/*
 * Where a piece of work of a pipeline belongs in a run: what one pipeline
 * does in this order, several that split a capture by pairs of hosts
 * (parallel.h) do in the same order once their work is merged by key.
 * For frame number frame: the flows its clock expired (PIPELINE_EXPIRE,
 * a/b/c: the flow's qts, timeout queue and qseq, the table's order), the
 * waits that came due (PIPELINE_DUE, a: ring, b: seq of policy_due_key),
 * the alert windows (PIPELINE_ALERTS), then the frame itself
 * (PIPELINE_FRAME, a: the packet's place in the frame, the tunnels
 * outermost first, then the innermost packet).  The flows ended at the
 * end of input come last (PIPELINE_FLUSH, frame UINT64_MAX, a/b/c as
 * for expiry).  seq counts
 * one pipeline's work in the order it was done.
 */
enum pipeline_phase {
	PIPELINE_EXPIRE = 0,
	PIPELINE_DUE,
	PIPELINE_ALERTS,
	PIPELINE_FRAME,
	PIPELINE_FLUSH,
};

struct pipeline_key {
	uint64_t frame;
	uint64_t a, b, c;
	uint64_t seq;
	uint8_t phase;		/* enum pipeline_phase */
};

/* -1, 0 or 1 as x comes before, with or after y. */
int pipeline_key_cmp(const struct pipeline_key *x,
    const struct pipeline_key *y);

/*
 * The outputs of a pipeline whose work is merged with others' before it
 * is written (pipeline_set_events()): each call carries its key.
 * Borrowed arguments, valid during the call.  flow gets each ended flow
 * (and active-timeout cut) with the policy's verdict (NULL when it said
 * nothing), its protocol family (classify_family()) and its record
 * (NULL when records are not wanted or it did not fit); alert_expire the
 * alert windows' time to close.
 */
struct pipeline_events {
	void (*violation)(const struct pipeline_key *,
	    const struct violation *, void *arg);
	void (*flow)(const struct pipeline_key *, const struct flow *,
	    enum flow_end, const struct policy_verdict *, int fam,
	    const char *rec, size_t reclen, void *arg);
	void (*alert_expire)(const struct pipeline_key *, uint64_t now,
	    void *arg);
	/* A DHCP server's reply, for the learner (learn_packet()). */
	void (*packet)(const struct pipeline_key *, const struct pkt *,
	    void *arg);
};

/* pipeline_set_events() flags. */
#define PIPELINE_EV_RECORDS	0x01	/* format flow records */
#define PIPELINE_EV_EXPIRE	0x02	/* say when alert windows close */
#define PIPELINE_EV_LEARN	0x04	/* pass DHCP replies on */

struct pipeline_stats {
	uint64_t packets;	/* frames seen */
	uint64_t bytes;		/* bytes captured */
	uint64_t first_ts;	/* first and last packet time */
	uint64_t last_ts;
	uint64_t time_jumps;	/* frames a jump away from packet time */
	uint64_t time_epochs;	/* jumps taken as a new epoch */
	uint64_t flows_logged;	/* flow records written */
	uint64_t proto_flows[1024]; /* ended flows by nDPI master/app id */
};

/*
 * Creates the stages from conf; flow records go to fl (may be NULL),
 * violations to the alert stage al (may be NULL), whose windows the
 * pipeline closes on its packet time.  Returns NULL on failure (logged).
 */
struct pipeline *pipeline_new(const struct conf *conf, struct flowlog *fl,
    struct alert_ctx *al);
/*
 * Each ended flow's policy verdict goes to cb too (a coverage report);
 * set before the first frame.
 */
void pipeline_set_verdict(struct pipeline *, policy_verdict_cb cb,
    void *arg);
/* Applies a new configuration's inventory and rules; flows keep state. */
int pipeline_reconfigure(struct pipeline *, const struct conf *conf);
void pipeline_free(struct pipeline *);
/*
 * Sends the pipeline's outputs to ev instead of its alert stage, flow log
 * and learner (pipeline_new() with NULL for them): violations, flows with
 * their verdicts and records (formatted here with PIPELINE_EV_RECORDS),
 * the alert windows' closing times (PIPELINE_EV_EXPIRE) and DHCP replies
 * (PIPELINE_EV_LEARN).  Before the first frame; ev is borrowed and must
 * outlive the pipeline.
 */
void pipeline_set_events(struct pipeline *, const struct pipeline_events *ev,
    void *arg, int flags);
/*
 * Only the packets own() says are this pipeline's are analysed (several
 * pipelines that share a frame: a tunnel and what it carries may be
 * different workers'); NULL: all of them.  Before the first frame.
 */
typedef int (*pipeline_owner_cb)(void *arg, const struct pkt *p);
void pipeline_set_owner(struct pipeline *, pipeline_owner_cb own,
    void *arg);
/*
 * A frame of a capture read by another thread that decided its time
 * (frame: its number in the capture, from 0; t: its time on that
 * thread's clock, not held again here).  flags: PIPELINE_FRAME_COUNT,
 * this pipeline counts the frame (packets, bytes, decoding; else another
 * one sharing it does); PIPELINE_FRAME_WHOLE, every packet in it is this
 * pipeline's (the owner callback is not asked).
 */
#define PIPELINE_FRAME_COUNT	0x01
#define PIPELINE_FRAME_WHOLE	0x02
void pipeline_frame_at(struct pipeline *, uint64_t frame, int dlt,
    uint64_t t, const uint8_t *data, uint32_t caplen, uint32_t len,
    int flags);
/*
 * A frame of the same capture that another pipeline handles: only its
 * time, which moves this pipeline's clock as it moves the other's.
 */
void pipeline_clock_at(struct pipeline *, uint64_t frame, uint64_t t);
/*
 * Adds from's counters (its stats, decoder's, flow table's and
 * classifier's) to to's, and the clock's jumps and epochs (clk may be
 * NULL): several workers' totals in one pipeline for a summary.
 */
void pipeline_stats_add(struct pipeline *to, const struct pipeline *from,
    const struct pipeline_clock *clk);

/*
 * One captured frame (the capture callback).  A frame stamped more than a
 * minute away from packet time is held until the next frame or tick: if
 * that one is a jump the same way, the held frame starts a new epoch;
 * otherwise it is handled at the current time (see pipeline.c).
 */
void pipeline_frame(void *pl, int dlt, uint64_t ts, const uint8_t *data,
    uint32_t caplen, uint32_t len);
/*
 * A live capture with no packet for a while: moves packet time to now
 * (microseconds of the clock the capture stamps packets with), so flows
 * and alert windows still expire on a silent link.
 */
void pipeline_tick(struct pipeline *, uint64_t now);
/* Ends every open flow (end of input, shutdown), after a held frame. */
void pipeline_flush(struct pipeline *);

const struct pipeline_stats *pipeline_stats(const struct pipeline *);
const struct decoder *pipeline_decoder(const struct pipeline *);
const struct flowtab *pipeline_flowtab(const struct pipeline *);
/*
 * Hands every ended flow to learner l as well (NULL: to none); l is
 * borrowed and must outlive the pipeline's flows (pipeline_flush()).
 */
struct learn;
void pipeline_learn(struct pipeline *, struct learn *l);
const struct classify *pipeline_classify(const struct pipeline *);

#endif

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

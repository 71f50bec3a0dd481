/*
 * parallel.h - the offline reader on several cores (-r --workers N).  The
 * thread that reads the capture keeps packet time for all (one
 * pipeline_clock) and hands each frame to the workers of its packets,
 * each worker with a pipeline of its own (decoder, flow table, classifier,
 * policy): a packet is the worker's of its pair of IP addresses (a
 * symmetric hash), so both directions of a flow, every fragment of a
 * datagram and the media streams of an RTSP session go to the same
 * worker; a tunnel and what it carries may be two workers', each
 * analysing its own packets of the frame.  Every worker sees every frame's time, so that its clock,
 * flow expiry and waits move exactly as one pipeline's would.
 *
 * The workers' outputs (violations, ended flows with their verdicts and
 * records, the alert windows' closing) are queued with their
 * pipeline_key and merged by it on the reading thread, which feeds the
 * one alert stage, flow log, report and learner.  So the output is the
 * one a single pipeline gives, line for line, in the same order, as long
 * as no bounded table of a worker fills (flow table, fragment and device
 * caches, RTSP media table): those keep the same memory per worker as the
 * single pipeline, so with several workers they fill later.  One more
 * memory is nDPI's own, of a host's earlier flows (a Teams or WhatsApp
 * client told by another flow): a site's host talking to the Internet
 * goes to the worker of its own address, so that this memory stays with
 * it; between two hosts of the site it goes by the pair, and a
 * sub-protocol nDPI takes from the host's other pairs may differ.
 *
 * Memory: a ring of PARALLEL_SLOTS frames and PARALLEL_ARENA bytes of
 * frame data between the reader and the workers, and a queue of
 * PARALLEL_QUEUE bytes of output per worker; a worker whose queue is full
 * waits for the merge, the reader waits for the slowest worker.
 */
#ifndef VW_PARALLEL_H
#define VW_PARALLEL_H

#include <stdint.h>

#include "alert.h"
#include "conf.h"
#include "flowlog.h"
#include "pipeline.h"
#include "policy.h"

#define PARALLEL_MAX_WORKERS	64
#define PARALLEL_AUTO_WORKERS	8	/* one per CPU, at most this many */
#define PARALLEL_SLOTS		16384u		/* frames; a power of two */
#define PARALLEL_ARENA		(8u << 20)	/* bytes of frame data */
#define PARALLEL_QUEUE		(8u << 20)	/* bytes of output a worker */

struct learn;
struct parallel;

/* Where the merged work goes; each member may be NULL. */
struct parallel_out {
	struct alert_ctx *al;
	struct flowlog *fl;
	struct learn *learn;
	policy_verdict_cb vcb;	/* each ended flow's verdict (a report) */
	void *varg;
};

/*
 * Creates nworkers pipelines from conf and starts their threads (signals
 * blocked in them).  out is copied.  NULL on failure (logged).
 */
struct parallel *parallel_new(const struct conf *conf, int nworkers,
    const struct parallel_out *out);
/* One frame of the capture (a capture_cb): on the reading thread only. */
void parallel_frame(void *arg, int dlt, uint64_t ts, const uint8_t *data,
    uint32_t caplen, uint32_t len);
/*
 * End of input: the workers end their flows, everything is merged and
 * written, the threads are joined.  Then parallel_totals() holds the sum
 * of the workers' counters.
 */
void parallel_finish(struct parallel *);
/* A pipeline whose counters are every worker's (after finish). */
struct pipeline *parallel_totals(struct parallel *);
int parallel_workers(const struct parallel *);
/* Frames worker i analysed. */
uint64_t parallel_worker_packets(const struct parallel *, int i);
/*
 * CPU seconds (user and system) worker i's thread used, or with i -1 the
 * reading thread from parallel_new() to the end of the merge (after
 * finish): where the time goes, and what more cores could save.
 */
double parallel_worker_cpu(const struct parallel *, int i);
void parallel_free(struct parallel *);

#endif

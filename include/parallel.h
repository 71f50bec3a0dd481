/*
 * parallel.h - the offline reader on several cores (-r --workers N).
 * Every worker reads the whole capture itself (the files are read again,
 * each by its own handle, so no frame crosses between cores) and keeps
 * packet time with a pipeline_clock of its own: every worker sees every
 * frame's time, so that its clock, flow expiry and waits move exactly as
 * one pipeline's would.  Each worker has a pipeline of its own (decoder,
 * flow table, classifier, policy) and analyses the packets that are its:
 * a packet is the worker's of its pair of IP addresses (a symmetric hash),
 * so both directions of a flow, every fragment of a datagram and the
 * media streams of an RTSP session go to the same worker; a tunnel and
 * what it carries may be two workers', each analysing its own packets of
 * the frame.  The rest of a frame is only its time.
 *
 * The workers' outputs (violations, ended flows with their verdicts and
 * records, the alert windows' closing) are queued with their
 * pipeline_key and merged by it on the calling thread, which feeds the
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
 * A stop (the caller's flag) ends every worker at the same frame: each
 * one pauses at its next frame, and all go on to the furthest one's.  A
 * worker is never more than PARALLEL_LEAD frames ahead of the slowest.
 *
 * Memory: a queue of PARALLEL_QUEUE bytes of output per worker (a worker
 * whose queue is full waits for the merge) and each worker's read buffer.
 * Only regular files can be read this way (a pipe is read once).
 */
#ifndef VW_PARALLEL_H
#define VW_PARALLEL_H

#include <stdint.h>

#include "alert.h"
#include "capture.h"
#include "conf.h"
#include "flowlog.h"
#include "pipeline.h"
#include "policy.h"

#define PARALLEL_MAX_WORKERS	64
#define PARALLEL_AUTO_WORKERS	8	/* one per CPU, at most this many */
#define PARALLEL_AUTO_BYTES	(128ull << 20)	/* and one per this much input */
#define PARALLEL_QUEUE		(8u << 20)	/* bytes of output a worker */
#define PARALLEL_LEAD		(1u << 18)	/* frames ahead of the slowest */

struct learn;
struct parallel;

/* Where the merged work goes; each member may be NULL. */
struct parallel_out {
	struct alert_ctx *al;
	struct flowlog *fl;
	struct learn *learn;
	policy_verdict_cb vcb;	/* each ended flow's verdict (a report) */
	void *varg;
	/* Called by the merging thread every few ms (the progress line). */
	void (*tick)(void *arg);
	void *tick_arg;
};

/*
 * Reads one capture file into frame(frame_arg, ...) on the calling
 * thread, until the file ends or *stop is nonzero (looked at between
 * chunks of frames).  voice: this reader says what goes wrong (and shows
 * progress); the others read the same file silently.  Returns 0, or -1 if
 * the file could not be opened or was cut short.
 */
typedef int (*parallel_read_cb)(capture_cb frame, void *frame_arg,
    const char *path, int voice, _Atomic int *stop, void *arg);

/*
 * Creates nworkers pipelines from conf.  out is copied.  NULL on failure
 * (logged).
 */
struct parallel *parallel_new(const struct conf *conf, int nworkers,
    const struct parallel_out *out);
/*
 * Reads files[0..nfiles-1] (regular files) with read on every worker,
 * merging their work into the outputs on the calling thread until all
 * have ended their flows; *stop nonzero stops them all at one frame.
 * Then parallel_totals() holds the sum of the workers' counters.
 * Returns 0, or -1 if a file could not be read whole (the first worker's
 * read said so), -2 if a worker could not start.
 */
int parallel_read(struct parallel *, const char *const files[], int nfiles,
    parallel_read_cb read, void *arg, _Atomic int *stop);
/* A pipeline whose counters are every worker's (after the read). */
struct pipeline *parallel_totals(struct parallel *);
int parallel_workers(const struct parallel *);
/* Frames worker i analysed. */
uint64_t parallel_worker_packets(const struct parallel *, int i);
/*
 * CPU seconds (user and system) worker i's thread used, or with i -1 the
 * merging thread during the read (after it): where the time goes.
 */
double parallel_worker_cpu(const struct parallel *, int i);
void parallel_free(struct parallel *);

#endif

/*
 * output.h - where an alert goes once the alert stage lets it through:
 * standard output in one format (the offline run's output, and the
 * sensor's until sinks are configured), the configured sinks, and the
 * --report's counts.  The last stage of the pipeline, after alert,
 * format, sink and report; main.c wires it to the alert stage (-r) or
 * to daemon.c's struct daemon_output callbacks (the sensor).
 */
#ifndef VW_OUTPUT_H
#define VW_OUTPUT_H

#include <stdint.h>
#include <stdio.h>

#include "alert.h"
#include "conf.h"
#include "format.h"
#include "report.h"

struct output_opts {
	enum format_kind fmt;	/* the format on standard output */
	/*
	 * JSON alerts tagged "event_type":"alert" (one stream with flow
	 * records on standard output); fmt must be FORMAT_JSON then.
	 */
	int tag;
	int flush;		/* fflush(stdout) after each line */
	/*
	 * Called before each line goes to standard output, or NULL: so
	 * that an alert does not land on the end of a progress line.
	 */
	void (*before_stdout)(void);
};

struct output;

/* Milliseconds the sinks get at the end to deliver what they still hold. */
#define OUTPUT_FLUSH_MS	5000

/*
 * An output writing to standard output as o says (copied), without sinks
 * or report yet.  NULL on allocation failure.
 */
struct output *output_new(const struct output_opts *o);
/* Frees the output and its sinks (without flushing them); NULL is fine. */
void output_free(struct output *);

/*
 * Opens the sinks of conf (none: nothing is done) and sends every alert
 * to them too, still writing to standard output.  Returns 0, or -1
 * (logged by sinks_new).  For an offline run; the sensor opens them in
 * output_start().
 */
int output_open_sinks(struct output *, const struct conf *conf);
/* Counts every alert in rep too (borrowed; NULL: none). */
void output_set_report(struct output *, struct report *rep);

/*
 * The callbacks.  arg is the struct output; output_alert() is an
 * alert_out_cb and may run in a worker thread while output_stats() runs
 * in the main thread.
 */
void output_alert(const struct alert *a, void *arg);
/*
 * The sensor, privileges dropped: opens the sinks of conf, and standard
 * output falls silent when there are any (under a service manager it is
 * the journal: the sinks suffice).  Returns 0, or -1 (logged).
 */
int output_start(void *arg, const struct conf *conf);
/* SIGHUP: the sinks reopen their files. */
void output_reopen(void *arg);
/* Shutdown of the sensor: flushes standard output and the sinks, and logs
 * the sinks' counts. */
void output_flush(void *arg);
/* Lines delivered and lost so far, standard output and sinks together. */
void output_stats(void *arg, uint64_t *delivered, uint64_t *dropped);

/*
 * End of an offline run: flushes standard output, gives the sinks
 * OUTPUT_FLUSH_MS to deliver and writes their counts on statsto (NULL:
 * not written), then frees the sinks.  Returns 0, or -1 when standard
 * output failed: *lost alerts could not be written there, or its last
 * flush failed.  The caller says so.
 */
int output_finish(struct output *, FILE *statsto, uint64_t *lost);

#endif

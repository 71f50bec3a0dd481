/*
 * summary.h - the end-of-run summary on standard error (packets, bytes,
 * flows, decode errors by reason, evictions, top protocols, elapsed time
 * and packets per second) and the progress line on a terminal.
 */
#ifndef VW_SUMMARY_H
#define VW_SUMMARY_H

#include <stdio.h>

#include "alert.h"
#include "parallel.h"
#include "pipeline.h"

/*
 * Writes the summary of pl (and of the alert stage al, if not NULL) to
 * out; elapsed is wall-clock seconds.
 */
void summary_print(FILE *out, const struct pipeline *pl,
    const struct alert_ctx *al, double elapsed);
/*
 * The lines a run on several workers adds (after parallel_finish()):
 * each worker's packets, and the reading and worker threads' CPU time.
 */
void summary_workers(FILE *out, const struct parallel *par);

#endif

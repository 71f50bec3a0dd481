/*
 * fuzz_pipeline.c - libFuzzer target for the whole per-packet path: the
 * input is a capture file (pcap or pcapng) read through capture.c into a
 * pipeline (decode -> flow table -> nDPI -> policy -> alerts) with the
 * shipped XProtect rules, the site's own and a small inventory
 * (fuzz/site/).  The tables are tiny, so eviction, pool exhaustion and
 * the alert table's limits are reached by small inputs.  Creating a
 * pipeline costs tens of milliseconds (nDPI's module), so one pipeline
 * and alert stage serve every input of a process, flushed after each:
 * flows and alert windows do not outlive an input, the decoder's
 * fragment table and the alert rate limit's tokens do.  A crash that
 * needs them replays with the inputs before it (libFuzzer -runs over the
 * corpus).  Checked beyond "no crash": the flow table and alert counters
 * add up after each flush.
 */
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "alert.h"
#include "capture.h"
#include "conf.h"
#include "pipeline.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct conf *conf;
static struct pipeline *pl;
static struct alert_ctx *al;
static uint64_t lines;

static void
drop_alert(const struct alert *a, void *arg)
{
	(void)a;
	(*(uint64_t *)arg)++;
}

static void
cleanup(void)
{
	pipeline_free(pl);
	alert_free(al);
	conf_free(conf);
}

static void
setup(void)
{
	char path[4096], err[8192];

	snprintf(path, sizeof(path), "%s/fuzz/site/vmswatch.conf",
	    fuzz_srcdir());
	if ((conf = conf_load(path, err, sizeof(err))) == NULL) {
		fprintf(stderr, "fuzz_pipeline: %s", err);
		abort();
	}
	if ((al = alert_new(&conf->alert, drop_alert, &lines)) == NULL ||
	    (pl = pipeline_new(conf, NULL, al)) == NULL)
		abort();
	atexit(cleanup);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64], err[512];
	const struct flowtab_stats *fs;
	const struct alert_stats *as;
	struct capture *cap;
	static uint64_t created0, ended0;
	uint64_t ended = 0;
	int fd, i;

	if (conf == NULL)
		setup();
	if ((fd = fuzz_memfile(data, size, path, sizeof(path))) == -1)
		return 0;
	if ((cap = capture_open_file(path, err, sizeof(err))) == NULL) {
		close(fd);
		return 0;
	}
	/* Small chunks, as main.c reads, until the end or an error. */
	while (capture_read(cap, 64, pipeline_frame, pl) > 0 &&
	    !capture_eof(cap))
		;
	capture_close(cap);
	close(fd);
	pipeline_flush(pl);
	alert_flush(al);

	/* Every flow this input created has ended with the flush. */
	fs = flowtab_stats(pipeline_flowtab(pl));
	for (i = 0; i < FLOW_END_MAX; i++)
		if (i != FLOW_END_ACTIVE)
			ended += fs->ended[i];
	if (fs->active != 0 || ended - ended0 != fs->created - created0 ||
	    fs->peak > conf->flow.max_flows)
		abort();
	created0 = fs->created;
	ended0 = ended;
	/* Each alert the stage emitted reached the output. */
	as = alert_stats(al);
	if (as->emitted != lines)
		abort();
	return 0;
}

/*
 * output.c - the alerts' way out (see output.h): one line each on
 * standard output in the chosen format, a copy to every configured sink,
 * a count in the --report.  The last stage: the alert stage calls
 * output_alert() for each alert it lets through.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#include "log.h"
#include "output.h"
#include "sink.h"

struct output {
	struct output_opts o;
	int quiet;		/* the sensor with sinks: nothing on stdout */
	/* Atomic: the daemon's stats line reads them from another thread. */
	_Atomic uint64_t lines, errors;
	struct sinks *sinks;	/* the configured sinks too, if any */
	struct report *rep;	/* --report: counts the alerts, or NULL */
	char buf[FORMAT_LINE_MAX];
};

struct output *
output_new(const struct output_opts *o)
{
	struct output *out;

	if ((out = calloc(1, sizeof(*out))) == NULL)
		return NULL;
	out->o = *o;
	return out;
}

void
output_free(struct output *out)
{
	if (out == NULL)
		return;
	sinks_free(out->sinks);
	free(out);
}

int
output_open_sinks(struct output *out, const struct conf *conf)
{
	if (conf->nsinks == 0)
		return 0;
	if ((out->sinks = sinks_new(conf->sinks, conf->nsinks)) == NULL)
		return -1;
	return 0;
}

void
output_set_report(struct output *out, struct report *rep)
{
	out->rep = rep;
}

void
output_alert(const struct alert *a, void *arg)
{
	struct output *out = arg;
	size_t tag = out->o.tag ? 1 : 0;
	int n;

	if (out->sinks != NULL)
		sinks_alert(out->sinks, a);
	if (out->rep != NULL)
		report_alert(out->rep, a);
	if (out->quiet)
		return;
	if (out->o.before_stdout != NULL)
		out->o.before_stdout();
	/*
	 * Sharing standard output with flow records: the record's tag goes
	 * first, where the JSON object's brace was.
	 */
	if ((n = format_alert(out->buf, sizeof(out->buf), out->o.fmt, a)) < 0 ||
	    (tag && (n < 1 || out->buf[0] != '{' ||
	    fputs("{\"event_type\":\"alert\",", stdout) == EOF)) ||
	    fwrite(out->buf + tag, (size_t)n - tag, 1, stdout) != 1 ||
	    (out->o.flush && fflush(stdout) == EOF))
		out->errors++;
	else
		out->lines++;
}

int
output_start(void *arg, const struct conf *conf)
{
	struct output *out = arg;

	if (conf->nsinks == 0)
		return 0;
	if (output_open_sinks(out, conf) == -1)
		return -1;
	/* Under a service manager stdout is the journal: sinks suffice. */
	out->quiet = 1;
	return 0;
}

void
output_reopen(void *arg)
{
	struct output *out = arg;

	if (out->sinks != NULL)
		sinks_reopen(out->sinks);
}

void
output_flush(void *arg)
{
	struct output *out = arg;
	char line[4096];

	if (fflush(stdout) == EOF)
		out->errors++;
	if (out->sinks != NULL) {
		sinks_flush(out->sinks, OUTPUT_FLUSH_MS);
		log_info("sinks: %s", sinks_stats_fmt(out->sinks, line,
		    sizeof(line)));
	}
}

void
output_stats(void *arg, uint64_t *delivered, uint64_t *dropped)
{
	struct output *out = arg;
	struct sink_stats st;
	int i;

	*delivered = out->lines;
	*dropped = out->errors;
	for (i = 0; out->sinks != NULL && i < sinks_count(out->sinks); i++)
		if (sinks_stats(out->sinks, i, &st) == 0) {
			*delivered += st.delivered;
			*dropped += st.dropped;
		}
}

int
output_finish(struct output *out, FILE *statsto, uint64_t *lost)
{
	char line[4096];
	int rc = 0;

	*lost = atomic_load(&out->errors);
	if (fflush(stdout) == EOF || *lost > 0)
		rc = -1;
	if (out->sinks != NULL) {
		/* What could not be delivered is counted in the line. */
		sinks_flush(out->sinks, OUTPUT_FLUSH_MS);
		if (statsto != NULL)
			fprintf(statsto, "%-16s %s\n", "sinks",
			    sinks_stats_fmt(out->sinks, line, sizeof(line)));
		sinks_free(out->sinks);
		out->sinks = NULL;
	}
	return rc;
}

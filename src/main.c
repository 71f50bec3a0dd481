/*
 * main.c - command-line options of vmswatch; the offline reader loop.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "alert.h"
#include "capture.h"
#include "conf.h"
#include "flowlog.h"
#include "format.h"
#include "log.h"
#include "pipeline.h"
#include "summary.h"

/* Frames read between two looks at the clock for the progress line. */
#define READ_CHUNK	65536

#ifndef VW_CONFFILE
#define VW_CONFFILE "/usr/local/etc/vmswatch/vmswatch.conf"
#endif

/* Alerts of an offline run: one line each on standard output. */
struct out {
	enum format_kind fmt;
	uint64_t lines, errors;
	char buf[16384];
};

static void
out_alert(const struct alert *a, void *arg)
{
	struct out *o = arg;
	int n;

	if ((n = format_alert(o->buf, sizeof(o->buf), o->fmt, a)) < 0 ||
	    fwrite(o->buf, (size_t)n, 1, stdout) != 1)
		o->errors++;
	else
		o->lines++;
}

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: vmswatch [-nqvV] [-c file] [--format text|json] "
	    "[--flows file|-] -r file ...\n"
	    "  -r, --read FILE     analyse a pcap/pcapng file (\"-\": stdin);"
	    " repeatable\n"
	    "  -c, --config FILE   configuration file (default "
	    VW_CONFFILE ", if present)\n"
	    "  -n, --check         check the configuration and exit\n"
	    "      --format FMT    alerts on stdout as text (default) or json"
	    " (ECS)\n"
	    "      --flows FILE    write each finished flow as a JSON line"
	    " (\"-\": stdout)\n"
	    "  -q, --quiet         no summary on standard error\n"
	    "  -v, --verbose       more diagnostics\n"
	    "  -V, --version       print the version\n");
}

static double
now_secs(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * Reads one file through the pipeline.  Returns 0, or -1 if the file could
 * not be opened or was cut short (what was read before still counts).
 */
static int
read_file(struct pipeline *pl, const char *path, int progress,
    unsigned progress_secs)
{
	char err[512];
	struct capture *cap;
	double t0 = now_secs(), next = t0 + progress_secs;
	long n;
	int rc = 0, shown = 0;
	uint64_t frames = 0;

	if ((cap = capture_open_file(path, err, sizeof(err))) == NULL) {
		log_warnx("%s: %s", path, err);
		return -1;
	}
	log_debug("%s: link type %d", path, capture_datalink(cap));
	/*
	 * A link type the decoder does not know: its frames are read and
	 * counted (decode error "linktype"), none analysed, so the run
	 * cannot vouch for this file.
	 */
	if (!decode_datalink_supported(capture_datalink(cap))) {
		log_warnx("%s: link type %d not supported: frames counted, "
		    "not analysed", path, capture_datalink(cap));
		rc = -1;
	}
	for (;;) {
		n = capture_read(cap, READ_CHUNK, pipeline_frame, pl);
		if (n < 0) {
			/*
			 * The record number and where it starts, from the
			 * capture: frames of this chunk before the damaged
			 * record were delivered and count.
			 */
			log_warnx("%s: read error at frame %llu (byte offset "
			    "%lld; %llu frames read before it): %s", path,
			    (unsigned long long)capture_frames(cap) + 1,
			    capture_record_offset(cap),
			    (unsigned long long)capture_frames(cap),
			    capture_error(cap));
			rc = -1;
			break;
		}
		frames += (uint64_t)n;
		if (capture_eof(cap))
			break;
		if (progress && progress_secs > 0 && now_secs() >= next) {
			long long off = capture_offset(cap);
			long long size = capture_size(cap);
			double el = now_secs() - t0;

			if (off >= 0 && size > 0)
				fprintf(stderr, "\r%s: %3.0f%% ", path,
				    100.0 * (double)off / (double)size);
			else
				fprintf(stderr, "\r%s: ", path);
			fprintf(stderr, "%llu packets, %.0f packets/s   ",
			    (unsigned long long)frames, (double)frames / el);
			shown = 1;
			next = now_secs() + progress_secs;
		}
	}
	if (shown)
		fprintf(stderr, "\r%*s\r", 70, "");
	capture_close(cap);
	return rc;
}

/* The -r files; freed at exit, whichever return main() takes. */
static const char **files;

static void
files_free(void)
{
	free(files);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "read", required_argument, NULL, 'r' },
		{ "config", required_argument, NULL, 'c' },
		{ "check", no_argument, NULL, 'n' },
		{ "flows", required_argument, NULL, 'F' },
		{ "format", required_argument, NULL, 'f' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *confpath = NULL, *flowpath = NULL;
	int nfiles = 0, ch, checkonly = 0, quiet = 0, verbose = 0, rc = 0;
	struct flowlog *fl = NULL;
	struct alert_ctx *al;
	struct pipeline *pl;
	static struct out out;
	int fmt;
	struct conf *conf;
	char err[8192];
	double t0;
	int i;

	if ((files = calloc((size_t)argc, sizeof(*files))) == NULL)
		fatal("calloc");
	atexit(files_free);
	while ((ch = getopt_long(argc, argv, "r:c:nqvVh", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'r':
			files[nfiles++] = optarg;
			break;
		case 'c':
			confpath = optarg;
			break;
		case 'n':
			checkonly = 1;
			break;
		case 'F':
			flowpath = optarg;
			break;
		case 'f':
			if ((fmt = format_lookup(optarg)) == -1) {
				fprintf(stderr, "vmswatch: unknown format %s "
				    "(text, json)\n", optarg);
				return 2;
			}
			out.fmt = (enum format_kind)fmt;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'v':
			verbose++;
			break;
		case 'V':
			printf("vmswatch %s\n", PACKAGE_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	log_init(1, verbose, "vmswatch");

	if (confpath == NULL && access(VW_CONFFILE, R_OK) == 0)
		confpath = VW_CONFFILE;
	if (confpath != NULL)
		conf = conf_load(confpath, err, sizeof(err));
	else
		conf = conf_defaults();
	if (conf == NULL) {
		fprintf(stderr, "%s", err);
		return 2;
	}
	if (checkonly) {
		printf("configuration OK\n");
		conf_free(conf);
		return 0;
	}
	if (nfiles == 0) {
		usage(stderr);
		conf_free(conf);
		return 2;
	}
	if (flowpath != NULL && (fl = flowlog_open(flowpath)) == NULL) {
		log_warn("%s", flowpath);
		conf_free(conf);
		return 2;
	}
	if ((al = alert_new(&conf->alert, out_alert, &out)) == NULL) {
		log_warnx("cannot create the alert stage");
		flowlog_close(fl);
		conf_free(conf);
		return 2;
	}
	if ((pl = pipeline_new(conf, fl, al)) == NULL) {
		alert_free(al);
		flowlog_close(fl);
		conf_free(conf);
		return 2;
	}
	t0 = now_secs();
	for (i = 0; i < nfiles; i++)
		if (read_file(pl, files[i], isatty(STDERR_FILENO),
		    conf->progress_secs) == -1)
			rc = 2;
	pipeline_flush(pl);
	alert_flush(al);
	if (flowlog_close(fl) == -1) {
		log_warn("%s", flowpath);
		rc = 2;
	}
	if (fflush(stdout) == EOF || out.errors > 0) {
		log_warnx("standard output: %llu alerts not written",
		    (unsigned long long)out.errors);
		rc = 2;
	}
	if (!quiet)
		summary_print(stderr, pl, al, now_secs() - t0);
	/* 1: the capture breaks the documented flows; 2 wins over 1. */
	if (rc == 0 && alert_stats(al)->violations > 0)
		rc = 1;
	pipeline_free(pl);
	alert_free(al);
	conf_free(conf);
	return rc;
}

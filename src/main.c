/*
 * main.c - command-line options of vmswatch; the offline reader loop.
 * With -i (or capture.interfaces) it runs the sensor: daemon.c; with
 * --firewall it prints the site's firewall: firewall.c.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "alert.h"
#include "capture.h"
#include "conf.h"
#include "daemon.h"
#include "firewall.h"
#include "flowlog.h"
#include "format.h"
#include "learn.h"
#include "sink.h"
#include "log.h"
#include "output.h"
#include "parallel.h"
#include "pipeline.h"
#include "report.h"
#include "summary.h"

/* Frames read between two looks at the clock for the progress line. */
#define READ_CHUNK	65536
/* Long options without a short one. */
#define OPT_FORMAT	256
#define OPT_FIREWALL	257
#define OPT_LOG_PREFIX	258
#define OPT_LEARN	259
#define OPT_REPORT	260
#define OPT_REPORT_FMT	261
#define OPT_WORKERS	262
/* Most -i options. */
#define MAX_IFACES	16

#ifndef VW_CONFFILE
#define VW_CONFFILE "/usr/local/etc/vmswatch/vmswatch.conf"
#endif

/*
 * -r: SIGINT or SIGTERM stops the reading (between chunks of frames); the
 * open flows are then ended and everything written as at the end of the
 * input, and the exit status says which signal (128 + its number).
 */
static _Atomic int read_stop;
/*
 * The capture being read: the signal also breaks its loop, so that a
 * signal that comes between two reads of a pipe (not during one, which
 * it interrupts) does not wait for more data to be noticed.
 */
static struct capture *volatile read_cap;

static void
read_signal(int sig)
{
	read_stop = sig;
	if (read_cap != NULL)
		capture_breakloop(read_cap);
}

/*
 * The progress line (on a terminal) is open: it ends with a newline
 * before anything else is written there.  The line is the first worker's,
 * the alerts the merging thread's.
 */
static _Atomic int progress_open;

static void
progress_end(void)
{
	if (atomic_exchange(&progress_open, 0))
		fputc('\n', stderr);
}

static double
now_secs(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * Where the reading of a file is, published by its reader (with workers,
 * the first one) after each chunk, and drawn as the progress line by the
 * thread that writes the alerts (the reader itself, or the merging one),
 * so that progress_end() and the alert it comes before are one thread's.
 */
static struct {
	_Atomic(const char *) path;	/* NULL: no file being read */
	_Atomic uint64_t frames;
	_Atomic long long off, size;
	_Atomic uint64_t start_us;	/* when the file's read began */
	/* The drawing thread's. */
	uint64_t drawn_start;
	double next;
	unsigned secs;
} progress;

static void
progress_publish(const char *path, uint64_t frames, long long off,
    long long size, double start)
{
	atomic_store(&progress.frames, frames);
	atomic_store(&progress.off, off);
	atomic_store(&progress.size, size);
	atomic_store(&progress.start_us, (uint64_t)(start * 1e6));
	atomic_store(&progress.path, path);
}

/*
 * The progress line, every progress.secs while a file is read; cleared
 * when its file is done and nothing came after it.
 */
static void
progress_draw(void *arg)
{
	const char *path = atomic_load(&progress.path);
	uint64_t frames, start_us;
	long long off, size;
	double now, el;

	(void)arg;
	if (path == NULL) {
		if (atomic_exchange(&progress_open, 0))
			fprintf(stderr, "\r%*s\r", 79, "");
		return;
	}
	start_us = atomic_load(&progress.start_us);
	now = now_secs();
	if (start_us != progress.drawn_start) {
		progress.drawn_start = start_us;
		progress.next = (double)start_us / 1e6 + progress.secs;
	}
	if (progress.secs == 0 || now < progress.next)
		return;
	frames = atomic_load(&progress.frames);
	off = atomic_load(&progress.off);
	size = atomic_load(&progress.size);
	el = now - (double)start_us / 1e6;
	if (off > 0 && size > 0)
		fprintf(stderr, "\r%s: %3.0f%% ", path,
		    100.0 * (double)off / (double)size);
	else
		fprintf(stderr, "\r%s: ", path);
	fprintf(stderr, "%llu packets, %.0f packets/s",
	    (unsigned long long)frames, el > 0 ? (double)frames / el : 0.0);
	/* The rest of a file of known size at the rate so far. */
	if (off > 0 && size > off)
		fprintf(stderr, ", ETA %.1f s",
		    el * (double)(size - off) / (double)off);
	fprintf(stderr, "   ");
	atomic_store(&progress_open, 1);
	progress.next = now + progress.secs;
}

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: vmswatch [-nqvV] [-c file] [--format fmt] "
	    "[--flows file|-] [--learn draft]\n"
	    "                [--report dir [--report-format html|md]] -r file"
	    " ...\n"
	    "       vmswatch [-dfnvV] [-c file] [-u user] [-g group] "
	    "[--format fmt] [--flows file|-] [-i interface ...]\n"
	    "       vmswatch [-n] [-c file] --firewall nftables|windows "
	    "[--log-prefix text]\n"
	    "  -r, --read FILE     analyse a pcap/pcapng file (\"-\": stdin);"
	    " repeatable\n"
	    "  -i, --interface IF  capture live on IF (repeatable; default:"
	    " capture.interfaces)\n"
	    "  -f, --foreground    sensor on a terminal: diagnostics on"
	    " standard error\n"
	    "  -d, --debug         -f with debug diagnostics\n"
	    "  -u, --user USER     unprivileged user after opening the"
	    " capture\n"
	    "  -g, --group GROUP   its group (default: the user's)\n"
	    "  -c, --config FILE   configuration file (default "
	    VW_CONFFILE ", if present)\n"
	    "  -n, --check         check the configuration and exit\n"
	    "      --format FMT    alerts on stdout as text (default), json"
	    " (ECS),\n"
	    "                      rfc5424, cef or leef\n"
	    "      --flows FILE    write each finished flow as a JSON line"
	    " (\"-\": stdout;\n"
	    "                      with -i: replaces output.flows)\n"
	    "      --report DIR    with -r: write the coverage report to DIR"
	    " (report.json,\n"
	    "                      report.html)\n"
	    "      --report-format html|md  report.html (default) or"
	    " report.md\n"
	    "      --firewall KIND print the documented flows as a firewall:"
	    " nftables\n"
	    "                      (a router's ruleset) or windows"
	    " (PowerShell)\n"
	    "      --log-prefix T  nftables: log dropped packets with"
	    " prefix T\n"
	    "      --learn DRAFT   with -r: write a draft inventory of the"
	    " hosts seen,\n"
	    "                      their roles inferred from the rules\n"
	    "      --workers N     with -r: analyse on N threads (default:"
	    " capture.workers,\n"
	    "                      else one per core); the output is the"
	    " same\n"
	    "  -q, --quiet         no summary on standard error\n"
	    "  -v, --verbose       more diagnostics\n"
	    "  -V, --version       print the version\n");
}

/*
 * The bytes of the regular files among paths, in all; *once: the first
 * one that can be read only once (standard input, a pipe), or NULL.  A
 * file that cannot be found counts nothing: it fails the same in every
 * worker.
 */
static unsigned long long
input_bytes(const char *const *paths, int npaths, const char **once)
{
	unsigned long long total = 0;
	struct stat sb;
	int i;

	*once = NULL;
	for (i = 0; i < npaths; i++) {
		if (strcmp(paths[i], "-") == 0) {
			if (*once == NULL)
				*once = paths[i];
		} else if (stat(paths[i], &sb) == 0) {
			if (S_ISREG(sb.st_mode))
				total += (unsigned long long)sb.st_size;
			else if (*once == NULL)
				*once = paths[i];
		}
	}
	return total;
}

/*
 * Reads one file through the pipeline.  Returns 0, or -1 if the file could
 * not be opened or was cut short (what was read before still counts).
 */
static int
read_file(capture_cb frame, void *arg, const char *path, int voice,
    _Atomic int *stop, void *unused)
{
	/* The one reader draws its progress; a worker publishes it. */
	int draw = stop == &read_stop;
	char err[512];
	struct capture *cap;
	double t0 = now_secs();
	long n;
	int rc = 0;
	uint64_t bad, first;
	uint64_t frames = 0;

	(void)unused;
	if ((cap = capture_open_file(path, err, sizeof(err))) == NULL) {
		if (voice)
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
		if (voice)
			log_warnx("%s: link type %d not supported: frames "
			    "counted, not analysed", path,
			    capture_datalink(cap));
		rc = -1;
	}
	/* The signal breaks the read of the one reader it stops. */
	if (draw)
		read_cap = cap;
	for (;;) {
		if (atomic_load(stop))
			break;
		n = capture_read(cap, READ_CHUNK, frame, arg);
		/* A read the signal cut short is the stop, not an error. */
		if (n < 0 && atomic_load(stop))
			break;
		if (n < 0) {
			/*
			 * The record number and where it starts, from the
			 * capture: frames of this chunk before the damaged
			 * record were delivered and count.
			 */
			if (voice)
				log_warnx("%s: read error at frame %llu "
				    "(byte offset %lld; %llu frames read "
				    "before it): %s", path,
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
		if (voice) {
			progress_publish(path, frames, capture_offset(cap),
			    capture_size(cap), t0);
			if (draw)
				progress_draw(NULL);
		}
	}
	if (voice) {
		atomic_store(&progress.path, NULL);
		if (draw)
			progress_draw(NULL);
	}
	if (voice && (bad = capture_bad_lengths(cap, &first)) > 0)
		log_warnx("%s: %llu records captured longer than they were on "
		    "the wire (first: frame %llu); read as captured", path,
		    (unsigned long long)bad, (unsigned long long)first);
	if (draw)
		read_cap = NULL;
	capture_close(cap);
	return rc;
}

/*
 * --firewall: the firewall of the configuration's site and rules on
 * standard output (with -n: built and checked only).  Returns the exit
 * status.
 */
static int
print_firewall(const struct conf *conf, enum firewall_kind kind,
    const char *log_prefix, int checkonly)
{
	struct firewall_conf fc;
	struct firewall *fw;
	char err[8192];
	int rc = 0;

	fc.enabled = conf->pc.enabled;
	fc.nenabled = conf->pc.nenabled;
	fc.log_prefix = log_prefix;
	fc.source = conf->path != NULL ? conf->path : "vmswatch";
	if ((fw = firewall_new(conf->inv, conf->rs, &fc, err,
	    sizeof(err))) == NULL) {
		fprintf(stderr, "%s", err);
		return 2;
	}
	if (checkonly)
		printf("configuration OK\n");
	else if (firewall_write(fw, kind, stdout) == -1) {
		log_warn("standard output");
		rc = 2;
	}
	firewall_free(fw);
	return rc;
}

/* The -r files; freed at exit, whichever return main() takes. */
static const char **files;

static void
files_free(void)
{
	free(files);
	files = NULL;
}

/*
 * Writes the learned draft to path, never through a symbolic link (a
 * draft is often written where others can write too).
 */
static int
write_draft(struct learn *lr, const char *path, const char *const *names,
    int nfiles, FILE *summary)
{
	char what[1024];
	size_t k = 0;
	FILE *fp;
	int fd, i, rc;

	for (i = 0; i < nfiles && k < sizeof(what); i++)
		k += (size_t)snprintf(what + k, sizeof(what) - k, "%s%s",
		    i ? ", " : "", names[i]);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW |
	    O_CLOEXEC, 0644)) == -1 || (fp = fdopen(fd, "w")) == NULL) {
		log_warn("%s", path);
		if (fd != -1)
			close(fd);
		return -1;
	}
	rc = learn_write(lr, what, fp, summary);
	if (fclose(fp) == EOF || rc == -1) {
		log_warn("%s", path);
		return -1;
	}
	return 0;
}

/*
 * What -n says beside the errors: a configuration that is valid but would
 * watch little.  Without an inventory every host is unknown; a sensor
 * (no -r) without an interface reads nothing.
 */
static void
check_warnings(const struct conf *conf, int nifaces)
{
	if (conf->inventory_path == NULL)
		log_warnx("warning: no inventory: every host will be "
		    "\"unknown\" and only nDPI's risks reported (see "
		    "vmswatch.conf(5), INVENTORY)");
	if (conf->capture.ninterfaces == 0 && nifaces == 0)
		log_warnx("warning: no capture interface: as a sensor it "
		    "would read nothing (give capture.interfaces or -i; "
		    "-r reads files)");
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "read", required_argument, NULL, 'r' },
		{ "config", required_argument, NULL, 'c' },
		{ "check", no_argument, NULL, 'n' },
		{ "flows", required_argument, NULL, 'F' },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "firewall", required_argument, NULL, OPT_FIREWALL },
		{ "log-prefix", required_argument, NULL, OPT_LOG_PREFIX },
		{ "learn", required_argument, NULL, OPT_LEARN },
		{ "report", required_argument, NULL, OPT_REPORT },
		{ "report-format", required_argument, NULL, OPT_REPORT_FMT },
		{ "workers", required_argument, NULL, OPT_WORKERS },
		{ "interface", required_argument, NULL, 'i' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "debug", no_argument, NULL, 'd' },
		{ "user", required_argument, NULL, 'u' },
		{ "group", required_argument, NULL, 'g' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *confpath = NULL, *flowpath = NULL, *log_prefix = NULL;
	const char *reportdir = NULL;
	int reportfmt = REPORT_HTML, reportfmt_set = 0, fmt_set = 0;
	int fwkind = -1;
	const char *ifaces[MAX_IFACES];
	struct daemon_opts dopts = { NULL, 0, NULL, NULL, NULL };
	struct daemon_output dout;
	int nfiles = 0, ch, checkonly = 0, quiet = 0, verbose = 0, rc = 0;
	int nifaces = 0, foreground = 0, live, n;
	struct flowlog *fl = NULL;
	struct learn *lr = NULL;
	const char *learnpath = NULL;
	struct alert_ctx *al;
	struct pipeline *pl = NULL;
	struct parallel *par = NULL;
	struct parallel_out pout;
	long nworkers = -1;
	unsigned long long inbytes;
	long byinput;
	const char *once;
	char *end;
	struct output_opts oo = { FORMAT_TEXT, 0, 0, progress_end };
	struct output *out;
	struct report *rep = NULL;
	int fmt;
	struct conf *conf;
	char err[8192];
	double t0;
	uint64_t lost;
	int i;

	if ((files = calloc((size_t)argc, sizeof(*files))) == NULL)
		fatal("calloc");
	atexit(files_free);
	while ((ch = getopt_long(argc, argv, "r:c:i:dfg:u:nqvVh", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'r':
			files[nfiles++] = optarg;
			break;
		case 'i':
			if (nifaces == MAX_IFACES) {
				fprintf(stderr, "vmswatch: at most %d -i\n",
				    MAX_IFACES);
				return 2;
			}
			ifaces[nifaces++] = optarg;
			break;
		case 'd':
			verbose++;
			/* FALLTHROUGH */
		case 'f':
			foreground = 1;
			break;
		case 'u':
			dopts.user = optarg;
			break;
		case 'g':
			dopts.group = optarg;
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
		case OPT_FORMAT:
			if ((fmt = format_lookup(optarg)) == -1) {
				fprintf(stderr, "vmswatch: unknown format %s "
				    "(text, json, rfc5424, cef, leef)\n", optarg);
				return 2;
			}
			oo.fmt = (enum format_kind)fmt;
			fmt_set = 1;
			break;
		case OPT_FIREWALL:
			if ((fwkind = firewall_kind_lookup(optarg)) == -1) {
				fprintf(stderr, "vmswatch: unknown firewall %s "
				    "(nftables, windows)\n", optarg);
				return 2;
			}
			break;
		case OPT_LOG_PREFIX:
			log_prefix = optarg;
			break;
		case OPT_LEARN:
			learnpath = optarg;
			break;
		case OPT_REPORT:
			reportdir = optarg;
			break;
		case OPT_REPORT_FMT:
			if ((reportfmt = report_format_lookup(optarg)) == -1) {
				fprintf(stderr, "vmswatch: unknown report format "
				    "%s (html, md)\n", optarg);
				return 2;
			}
			reportfmt_set = 1;
			break;
		case OPT_WORKERS:
			errno = 0;
			nworkers = strtol(optarg, &end, 10);
			if (errno != 0 || end == optarg || *end != '\0' ||
			    nworkers < 1 || nworkers > PARALLEL_MAX_WORKERS) {
				fprintf(stderr, "vmswatch: --workers %s: not a "
				    "number of threads within 1..%d\n", optarg,
				    PARALLEL_MAX_WORKERS);
				return 2;
			}
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
	if (optind != argc || (nfiles > 0 && nifaces > 0) ||
	    (fwkind != -1 && (nfiles > 0 || nifaces > 0)) ||
	    (log_prefix != NULL && fwkind != FIREWALL_NFTABLES) ||
	    (learnpath != NULL && (nfiles == 0 || checkonly)) ||
	    (nworkers != -1 && nfiles == 0)) {
		usage(stderr);
		return 2;
	}
	/*
	 * Flow records on standard output: alerts there are JSON too, each
	 * line tagged with its event_type, so that one stream splits cleanly
	 * (jq 'select(.event_type == "alert")').  Another format would mix
	 * two syntaxes on one stream: refused.
	 */
	if (flowpath != NULL && strcmp(flowpath, "-") == 0) {
		if (fmt_set && oo.fmt != FORMAT_JSON) {
			fprintf(stderr, "vmswatch: --flows - writes JSON on "
			    "standard output: alerts there must be JSON too "
			    "(--format json, the default with --flows -)\n");
			return 2;
		}
		oo.fmt = FORMAT_JSON;
		oo.tag = 1;
	}
	/* The report is of files read to their end: not of a sensor. */
	if ((reportdir != NULL && nfiles == 0 && !checkonly) ||
	    (reportfmt_set && reportdir == NULL)) {
		fprintf(stderr, "vmswatch: --report needs -r, and "
		    "--report-format needs --report\n");
		return 2;
	}
	/*
	 * Diagnostics on standard error for files and on a terminal (-f,
	 * -d); a sensor under a service manager logs to syslog.
	 */
	live = nifaces > 0 || (nfiles == 0 && !checkonly && fwkind == -1);
	/*
	 * A sensor keeps nothing its parent left open (a shell's files,
	 * pipes): before the log's socket or any file of its own is open.
	 */
	if (live && daemon_descriptors() == -1) {
		log_init(1, verbose, "vmswatch");
		log_warn("/dev/null");
		return 2;
	}
	log_init(!live || foreground, verbose, "vmswatch");
	/*
	 * -r: from here a signal stops the run in order (see read_signal);
	 * no SA_RESTART, so that a read from a pipe returns at once.
	 */
	if (nfiles > 0 && !checkonly && fwkind == -1) {
		struct sigaction sa;

		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = read_signal;
		sigemptyset(&sa.sa_mask);
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
	}

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
	if (fwkind != -1) {
		rc = print_firewall(conf, (enum firewall_kind)fwkind,
		    log_prefix, checkonly);
		conf_free(conf);
		return rc;
	}
	if (checkonly) {
		check_warnings(conf, nifaces);
		printf("configuration OK\n");
		conf_free(conf);
		return 0;
	}
	if (live && (nifaces > 0 || conf->capture.ninterfaces > 0)) {
		dopts.flows = flowpath;
		dopts.ifaces = ifaces;
		dopts.nifaces = nifaces;
		/* A reader waits for each line; no progress line there. */
		oo.flush = 1;
		oo.before_stdout = NULL;
		if ((out = output_new(&oo)) == NULL)
			fatal("output_new");
		dout.start = output_start;
		dout.alert = output_alert;
		dout.reopen = output_reopen;
		dout.flush = output_flush;
		dout.stats = output_stats;
		dout.arg = out;
		rc = daemon_run(conf, &dopts, &dout);
		output_free(out);
		return rc;
	}
	if (nfiles == 0) {
		usage(stderr);
		conf_free(conf);
		return 2;
	}
	if (flowpath != NULL && (fl = flowlog_open(flowpath)) == NULL) {
		char why[256];

		log_warnx("%s: %s", flowpath,
		    sink_file_error(flowpath, errno, why, sizeof(why)));
		conf_free(conf);
		return 2;
	}
	if ((out = output_new(&oo)) == NULL ||
	    output_open_sinks(out, conf) == -1) {
		output_free(out);
		flowlog_close(fl);
		conf_free(conf);
		return 2;
	}
	if ((al = alert_new(&conf->alert, output_alert, out)) == NULL) {
		log_warnx("cannot create the alert stage");
		output_free(out);
		flowlog_close(fl);
		conf_free(conf);
		return 2;
	}
	if (learnpath != NULL) {
		if (conf->rs == NULL) {
			log_warnx("--learn infers roles from the rules: the "
			    "configuration names none (rules = [ ... ])");
			rc = 2;
		} else if ((lr = learn_new(conf->rs)) == NULL) {
			log_warnx("cannot create the learner");
			rc = 2;
		}
	}
	if (rc == 0 && reportdir != NULL) {
		if ((rep = report_new(conf->inv, conf->rs)) == NULL) {
			log_warnx("cannot create the report");
			rc = 2;
		} else
			output_set_report(out, rep);
	}
	/*
	 * Threads: --workers, else the configuration's, else one per core
	 * up to PARALLEL_AUTO_WORKERS (each has tables of the configured
	 * size: memory grows with them), and one per PARALLEL_AUTO_BYTES of
	 * input: each worker reads all of it and costs its set-up, which a
	 * small capture does not earn back.  One runs the pipeline on this
	 * thread, as the sensor's worker does.
	 */
	inbytes = input_bytes(files, nfiles, &once);
	if (nworkers == -1) {
		nworkers = conf->capture.workers;
		if (nworkers == 0) {
			byinput = (long)(inbytes / PARALLEL_AUTO_BYTES);
			nworkers = sysconf(_SC_NPROCESSORS_ONLN);
			if (nworkers > PARALLEL_AUTO_WORKERS)
				nworkers = PARALLEL_AUTO_WORKERS;
			if (nworkers > byinput)
				nworkers = byinput;
		}
		if (nworkers < 1)
			nworkers = 1;
		if (nworkers > PARALLEL_MAX_WORKERS)
			nworkers = PARALLEL_MAX_WORKERS;
	}
	/* Each worker reads the files again: a pipe can be read once. */
	if (once != NULL && nworkers > 1) {
		log_debug("%s: not a regular file: one worker reads", once);
		nworkers = 1;
	}
	log_debug("%llu bytes to read: %ld worker%s", inbytes, nworkers,
	    nworkers == 1 ? "" : "s");
	if (rc == 0 && nworkers > 1) {
		memset(&pout, 0, sizeof(pout));
		pout.al = al;
		pout.fl = fl;
		pout.learn = lr;
		pout.tick = progress_draw;
		if (rep != NULL) {
			pout.vcb = report_verdict;
			pout.varg = rep;
		}
		if ((par = parallel_new(conf, (int)nworkers, &pout)) == NULL)
			rc = 2;
	} else if (rc == 0) {
		if ((pl = pipeline_new(conf, fl, al)) == NULL)
			rc = 2;
		else {
			if (lr != NULL)
				pipeline_learn(pl, lr);
			if (rep != NULL)
				pipeline_set_verdict(pl, report_verdict,
				    rep);
		}
	}
	if (rc != 0)
		goto unwind;
	progress.secs = isatty(STDERR_FILENO) ? conf->progress_secs : 0;
#ifdef __AFL_HAVE_MANUAL_CONTROL
	/*
	 * Built by afl-clang-fast (tools/afl-pcap.sh): AFL++'s fork server
	 * starts here, so that each input is read by a copy of a process
	 * that has loaded the configuration and set nDPI up once.
	 */
	__AFL_INIT();
#endif
	t0 = now_secs();
	if (par != NULL) {
		for (i = 0; i < nfiles && rep != NULL; i++)
			report_file(rep, files[i]);
		if ((n = parallel_read(par, files, nfiles, read_file, NULL,
		    &read_stop)) == -2) {
			/* A worker could not start: no whole run to report. */
			log_warnx("the workers could not start: nothing "
			    "analysed");
			rc = 2;
			goto unwind;
		}
		if (n != 0)
			rc = 2;
		pl = parallel_totals(par);
	} else {
		for (i = 0; i < nfiles && !read_stop; i++) {
			if (rep != NULL)
				report_file(rep, files[i]);
			if (read_file(pipeline_frame, pl, files[i], 1,
			    &read_stop, NULL) == -1)
				rc = 2;
		}
		pipeline_flush(pl);
	}
	alert_flush(al);
	if (lr != NULL && write_draft(lr, learnpath, files, nfiles,
	    quiet ? NULL : stderr) == -1)
		rc = 2;
	learn_free(lr);
	if (flowlog_close(fl) == -1) {
		log_warn("%s", flowpath);
		rc = 2;
	}
	if (output_finish(out, quiet ? NULL : stderr, &lost) == -1) {
		log_warnx("standard output: %llu alerts not written",
		    (unsigned long long)lost);
		rc = 2;
	}
	if (!quiet) {
		summary_print(stderr, pl, al, now_secs() - t0);
		if (par != NULL)
			summary_workers(stderr, par);
		/* Said once, here: the alerts above are the reason to care. */
		if (conf->inventory_path == NULL)
			fprintf(stderr, "%-16s none: every host was unknown, "
			    "only nDPI's risks could be found\n", "inventory");
	}
	if (rep != NULL) {
		if (report_write(rep, reportdir,
		    (enum report_format)reportfmt, pl, err,
		    sizeof(err)) == -1) {
			log_warnx("report: %s", err);
			rc = 2;
		}
		report_free(rep);
	}
	/* 1: the capture breaks the documented flows; 2 wins over 1. */
	if (rc == 0 && alert_stats(al)->violations > 0)
		rc = 1;
	/* Interrupted: everything was written, and the status says so. */
	if (read_stop) {
		log_warnx("interrupted by signal %d: the summary covers what "
		    "was read", (int)read_stop);
		rc = 128 + read_stop;
	}
#ifdef __AFL_HAVE_MANUAL_CONTROL
	/*
	 * The fork server's copy of the process ends here: freeing nDPI's
	 * tables would write to every page of them, each a copy on write
	 * (30 ms of an input's 40).
	 */
	fflush(NULL);
	_exit(rc);
#endif
	if (par != NULL)
		parallel_free(par);
	else
		pipeline_free(pl);
	alert_free(al);
	output_free(out);
	conf_free(conf);
	return rc;

unwind:
	/* Nothing was read (or no whole run): no summary, no report. */
	parallel_free(par);
	report_free(rep);
	learn_free(lr);
	alert_free(al);
	output_free(out);
	flowlog_close(fl);
	conf_free(conf);
	return rc;
}

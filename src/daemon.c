/*
 * daemon.c - the sensor's lifecycle around the pipeline.
 *
 * Start: every capture handle is opened (one per worker and interface, the
 * workers of an interface in one PACKET_FANOUT group), then privileges
 * are dropped and the drop verified, then the workers start and the
 * service manager hears READY=1.
 *
 * Workers: each thread owns its handles and its struct pipeline (flow
 * table, nDPI, policy) and shares nothing on the packet path.  The only
 * shared stage is the alert de-duplication, locked inside alert.c and
 * taken only for violations.  The main thread talks to a worker through
 * atomics it reads once per batch of frames, and wakes it with an
 * eventfd when it sleeps in poll(2):
 *
 *	gen	a new configuration is waiting in d->next: the worker calls
 *		pipeline_reconfigure() between two batches (flows keep their
 *		state) and acknowledges; the old configuration is freed once
 *		every worker has moved on.
 *	statreq	publish counters now (SIGUSR1, the periodic stats line).
 *	stop	finish: take every frame left in the rings, then end every
 *		open flow (its alerts still go out).
 *
 * Signals are blocked in every thread and taken by the main thread alone
 * with sigtimedwait(2), so nothing runs in a signal handler.
 *
 * Watchdog: under a manager that asks for keep-alives (WatchdogSec=),
 * the main thread sends WATCHDOG=1 only while every worker goes round its
 * loop (each round counts a beat; an idle worker still wakes every
 * PUBLISH_MS).  A worker without a beat for half the period (at least
 * STALL_MIN_MS) is logged and the keep-alives stop, so that the manager
 * restarts a sensor that has silently stopped capturing.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "capture.h"
#include "daemon.h"
#include "log.h"
#include "notify.h"
#include "pipeline.h"
#include "privdrop.h"
#include "sink.h"

#define DAEMON_MAX_IFACES	16
#define DAEMON_MAX_WORKERS	256
/* Frames from one handle before the worker looks at its mailbox. */
#define DISPATCH_BATCH		4096
/* A worker publishes its counters at least this often (ms). */
#define PUBLISH_MS		1000
/* How long the main thread waits for the workers to take a request. */
#define SYNC_WAIT_MS		10000
/* How often a worker checks that its interfaces still exist. */
#define GONE_MS			1000
/* Milliseconds the flow records get at exit to reach their file. */
#define FLOWS_FLUSH_MS		5000
/* A worker quiet this long (or half the watchdog period) is stuck. */
#define STALL_MIN_MS		(3 * PUBLISH_MS)
/*
 * At a stop, the workers wait for the ring blocks still open to be handed
 * over: the kernel's block timer retires a block once it has been open
 * for a whole period, so within two block timeouts, plus this for the
 * timer's granularity and a busy machine.
 */
#define DRAIN_SLACK_MS		100

/*
 * Counters a worker publishes for the main thread.  Of the frames the
 * kernel received for the worker's handles, each is analysed, dropped by
 * the kernel (ring full), lost by the sensor (left in the ring at a
 * stop) or still in the ring: the four add up to received at every
 * publication.
 */
struct worker_pub {
	_Atomic uint64_t received;	/* the kernel's count (filter passed) */
	_Atomic uint64_t packets;	/* analysed */
	_Atomic uint64_t kdrops;	/* ring full (kernel) */
	_Atomic uint64_t own;		/* left in the ring at a stop */
	_Atomic uint64_t ifdrops;	/* interface (not among received) */
	_Atomic uint64_t flows;		/* in the table now */
	_Atomic uint64_t flows_created;
	_Atomic uint64_t evictions;
	_Atomic uint64_t errors;	/* capture read errors */
	_Atomic uint64_t dpi_ns;	/* time spent inside nDPI */
	_Atomic uint64_t beats;		/* rounds of the worker's loop */
	_Atomic uint64_t time_jumps;	/* frames a jump from packet time */
	_Atomic uint64_t time_epochs;	/* jumps taken as a new epoch */
};

struct daemon;

struct worker {
	struct daemon *d;
	int id;
	pthread_t thr;
	struct capture *cap[DAEMON_MAX_IFACES];
	uint64_t retry[DAEMON_MAX_IFACES]; /* ms: a failed handle rests */
	struct pipeline *pl;
	struct flowlog *fl;		/* the worker's flow records, or NULL */
	int wakefd;
	unsigned gen;			/* configuration in use */
	_Atomic unsigned gen_ack;
	_Atomic unsigned statreq_ack;
	_Atomic int done;
	struct worker_pub pub;
	/* The main thread's watchdog view of the worker. */
	uint64_t wd_beats;		/* beats at the last change */
	uint64_t wd_seen;		/* ms: when they last changed */
	int wd_stuck;			/* logged as stuck */
};

struct daemon {
	struct conf *conf;		/* in force */
	struct conf *next;		/* being taken up (d->gen) */
	_Atomic unsigned gen;
	_Atomic unsigned statreq;
	_Atomic int stop;
	_Atomic int lost;		/* an interface is gone: exit 3 */
	unsigned timeout_ms;		/* ring block timeout, as opened */
	char **ifaces;			/* copies: a reload frees the conf */
	int nifaces;
	struct alert_ctx *al;
	const struct daemon_output *out;
	struct sinks *flows;		/* flow records, NULL: none */
	char *flows_path;
	struct worker *w;
	int nw;
	/* Configurations a stuck worker might still use: freed at exit. */
	struct conf **retired;
	int nretired;
};

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Milliseconds from now until t, 0 if it is past. */
static uint64_t
ms_until(uint64_t t, uint64_t now)
{
	return t > now ? t - now : 0;
}

static void
worker_wake(struct worker *w)
{
	uint64_t one = 1;

	/* A full counter already means "wake up": nothing to handle. */
	(void)!write(w->wakefd, &one, sizeof(one));
}

/* Copies the worker's counters where the main thread reads them. */
static void
worker_publish(struct worker *w)
{
	const struct pipeline_stats *ps = pipeline_stats(w->pl);
	const struct flowtab_stats *fs =
	    flowtab_stats(pipeline_flowtab(w->pl));
	struct capture_live_stats cs;
	uint64_t rx = 0, kd = 0, own = 0, ifd = 0;
	int i;

	/*
	 * Read on the worker's own thread, between two batches: the
	 * kernel's counters and the packets analysed are of one moment.
	 */
	for (i = 0; i < w->d->nifaces; i++)
		if (capture_live_stats(w->cap[i], &cs) == 0) {
			rx += cs.received;
			kd += cs.dropped;
			own += cs.lost;
			ifd += cs.ifdropped;
		}
	atomic_store_explicit(&w->pub.received, rx, memory_order_relaxed);
	atomic_store_explicit(&w->pub.packets, ps->packets,
	    memory_order_relaxed);
	atomic_store_explicit(&w->pub.kdrops, kd, memory_order_relaxed);
	atomic_store_explicit(&w->pub.own, own, memory_order_relaxed);
	atomic_store_explicit(&w->pub.ifdrops, ifd, memory_order_relaxed);
	atomic_store_explicit(&w->pub.flows, fs->active, memory_order_relaxed);
	atomic_store_explicit(&w->pub.flows_created, fs->created,
	    memory_order_relaxed);
	atomic_store_explicit(&w->pub.evictions, fs->ended[FLOW_END_EVICTED],
	    memory_order_relaxed);
	atomic_store_explicit(&w->pub.dpi_ns,
	    classify_stats(pipeline_classify(w->pl))->dpi_ns,
	    memory_order_relaxed);
	atomic_store_explicit(&w->pub.time_jumps, ps->time_jumps,
	    memory_order_relaxed);
	atomic_store_explicit(&w->pub.time_epochs, ps->time_epochs,
	    memory_order_relaxed);
}

/* Between two batches: a new configuration, a request for counters. */
static void
worker_mailbox(struct worker *w, uint64_t *next_pub)
{
	struct daemon *d = w->d;
	unsigned g, r;

	g = atomic_load_explicit(&d->gen, memory_order_acquire);
	if (g != w->gen) {
		/*
		 * d->next was written before d->gen (release): it is the
		 * configuration of generation g.  On failure (no memory) the
		 * worker keeps the old one and tries again next batch.
		 */
		if (pipeline_reconfigure(w->pl, d->next) == 0) {
			w->gen = g;
			atomic_store_explicit(&w->gen_ack, g,
			    memory_order_release);
		}
	}
	r = atomic_load_explicit(&d->statreq, memory_order_acquire);
	if (r != atomic_load_explicit(&w->statreq_ack, memory_order_relaxed) ||
	    now_ms() >= *next_pub) {
		worker_publish(w);
		*next_pub = now_ms() + PUBLISH_MS;
		atomic_store_explicit(&w->statreq_ack, r, memory_order_release);
	}
}

/*
 * Interface i gone for good (deleted, or deleted and made again): only a
 * new start, with the privileges to open it, captures on it again.  The
 * sensor stops like on SIGTERM and exits 3, which a service manager
 * restarts.  Nothing is said when it is stopping anyway.
 */
static void
worker_gone(struct worker *w, int i)
{
	struct daemon *d = w->d;

	if (atomic_load_explicit(&d->stop, memory_order_acquire) ||
	    !capture_live_gone(w->cap[i]))
		return;
	if (atomic_exchange(&d->lost, 1) == 0) {
		log_warnx("%s: the interface no longer exists as it was when "
		    "opened: stopping, to be started again", d->ifaces[i]);
		kill(getpid(), SIGTERM);
	}
}

/* Hands what the handles have ready to the pipeline. */
static void
worker_read(struct worker *w, const struct pollfd *pfd)
{
	struct daemon *d = w->d;
	long n;
	int i;

	for (i = 0; i < d->nifaces; i++) {
		if (pfd != NULL && pfd[i].revents == 0)
			continue;
		if (w->retry[i] != 0 && now_ms() < w->retry[i])
			continue;
		n = capture_dispatch(w->cap[i], DISPATCH_BATCH, pipeline_frame,
		    w->pl);
		if (n == -1) {
			/*
			 * The interface went down or away.  Logged once per
			 * worker and interface until it works again; the
			 * handle rests a second so poll does not spin.
			 */
			if (w->retry[i] == 0)
				log_warnx("%s: worker %d: %s", d->ifaces[i],
				    w->id, capture_error(w->cap[i]));
			atomic_fetch_add_explicit(&w->pub.errors, 1,
			    memory_order_relaxed);
			w->retry[i] = now_ms() + 1000;
		} else if (n > 0)
			w->retry[i] = 0;
	}
}

/*
 * The last read at a stop: every frame the kernel had put into the rings
 * is analysed, the ring blocks still open waited for (they are handed
 * over after the block timeout); what even then could not be taken is
 * counted as the sensor's own drop.  The handles read nothing more.
 */
static void
worker_drain(struct worker *w)
{
	struct daemon *d = w->d;
	uint64_t until = now_ms() + 2u * (uint64_t)d->timeout_ms +
	    DRAIN_SLACK_MS;
	int i;

	for (i = 0; i < d->nifaces; i++)
		if (capture_live_drain(w->cap[i], (unsigned)ms_until(until,
		    now_ms()), pipeline_frame, w->pl) == -1) {
			/* A handle already failing was logged then. */
			if (w->retry[i] == 0)
				log_warnx("%s: worker %d: at the stop: %s",
				    d->ifaces[i], w->id,
				    capture_error(w->cap[i]));
			atomic_fetch_add_explicit(&w->pub.errors, 1,
			    memory_order_relaxed);
		}
}

/* The clock libpcap stamps live packets with, in microseconds. */
static uint64_t
wall_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	struct daemon *d = w->d;
	struct pollfd pfd[DAEMON_MAX_IFACES + 1];
	uint64_t next_pub = 0, next_gone = now_ms() + GONE_MS, junk;
	int i, n, np = d->nifaces + 1, timeout;

	for (i = 0; i < d->nifaces; i++) {
		pfd[i].fd = capture_fd(w->cap[i]);
		pfd[i].events = POLLIN;
	}
	pfd[d->nifaces].fd = w->wakefd;
	pfd[d->nifaces].events = POLLIN;
	while (!atomic_load_explicit(&d->stop, memory_order_acquire)) {
		atomic_fetch_add_explicit(&w->pub.beats, 1,
		    memory_order_relaxed);
		worker_mailbox(w, &next_pub);
		/* A resting handle is not polled: POLLERR would spin. */
		timeout = PUBLISH_MS;
		for (i = 0; i < d->nifaces; i++) {
			pfd[i].revents = 0;
			if (w->retry[i] != 0 && now_ms() < w->retry[i]) {
				pfd[i].fd = -1;
				timeout = 1000;
			} else
				pfd[i].fd = capture_fd(w->cap[i]);
		}
		if ((n = poll(pfd, (nfds_t)np, timeout)) == -1) {
			if (errno != EINTR)
				atomic_fetch_add_explicit(&w->pub.errors, 1,
				    memory_order_relaxed);
			continue;
		}
		if (pfd[d->nifaces].revents & POLLIN)
			(void)!read(w->wakefd, &junk, sizeof(junk));
		if (n > 0)
			worker_read(w, pfd);
		else
			/* Idle: the clock moves on for the timeouts. */
			pipeline_tick(w->pl, wall_us());
		/*
		 * A deleted interface is not always an error of the handle:
		 * one taken down first then deleted just goes quiet.  So
		 * every handle is checked now and then, traffic or not (a
		 * failed read only rests its handle).
		 */
		if (now_ms() >= next_gone) {
			for (i = 0; i < d->nifaces; i++)
				worker_gone(w, i);
			next_gone = now_ms() + GONE_MS;
		}
	}
	/*
	 * Stop: take every frame of the rings, then end every open flow so
	 * that its alerts go out before the outputs are flushed.
	 */
	worker_drain(w);
	worker_publish(w);
	pipeline_flush(w->pl);
	worker_publish(w);
	atomic_store_explicit(&w->done, 1, memory_order_release);
	return NULL;
}

/* Waits until every worker's ack reaches want; 0, or -1 after the wait. */
static int
daemon_sync(struct daemon *d, int stats, unsigned want)
{
	struct timespec ts = { 0, 2 * 1000000 };
	uint64_t until = now_ms() + SYNC_WAIT_MS;
	int i, pending;

	for (i = 0; i < d->nw; i++)
		worker_wake(&d->w[i]);
	for (;;) {
		for (pending = 0, i = 0; i < d->nw; i++) {
			unsigned a = stats ?
			    atomic_load_explicit(&d->w[i].statreq_ack,
			    memory_order_acquire) :
			    atomic_load_explicit(&d->w[i].gen_ack,
			    memory_order_acquire);
			/* A worker that has stopped has published for good. */
			if (a != want && !atomic_load_explicit(&d->w[i].done,
			    memory_order_acquire))
				pending++;
		}
		if (pending == 0)
			return 0;
		if (now_ms() >= until)
			return -1;
		nanosleep(&ts, NULL);
	}
}

/* 1 when two configurations list the same sinks (lines aside). */
static int
sinks_same(const struct conf *a, const struct conf *b)
{
	struct sink_conf x, y;
	int i;

	if (a->nsinks != b->nsinks)
		return 0;
	for (i = 0; i < a->nsinks; i++) {
		/*
		 * Copies, byte for byte (padding too: the arrays were
		 * zeroed), in which only the line a sink is written at
		 * may differ.
		 */
		memcpy(&x, &a->sinks[i], sizeof(x));
		memcpy(&y, &b->sinks[i], sizeof(y));
		x.line = y.line = 0;
		if (memcmp(&x, &y, sizeof(x)) != 0)
			return 0;
	}
	return 1;
}

/*
 * One watchdog round: WATCHDOG=1 if every worker has gone round its loop
 * within stall_ms; a worker that has not is logged once (and once more
 * when it moves again).
 */
static void
daemon_watchdog(struct daemon *d, uint64_t stall_ms)
{
	uint64_t now = now_ms(), b;
	int i, stuck = 0;

	for (i = 0; i < d->nw; i++) {
		struct worker *w = &d->w[i];

		b = atomic_load_explicit(&w->pub.beats, memory_order_relaxed);
		if (b != w->wd_beats || w->wd_seen == 0) {
			if (w->wd_stuck)
				log_warnx("worker %d is moving again", i);
			w->wd_beats = b;
			w->wd_seen = now;
			w->wd_stuck = 0;
			continue;
		}
		if (now - w->wd_seen < stall_ms)
			continue;
		stuck++;
		if (!w->wd_stuck)
			log_warnx("worker %d: no progress for %llu ms; "
			    "keep-alives to the watchdog stop", i,
			    (unsigned long long)(now - w->wd_seen));
		w->wd_stuck = 1;
	}
	if (stuck == 0)
		notify_send("WATCHDOG=1");
}

/*
 * The frame counters of a stats line: what the kernel received and where
 * each frame went, so that received = analysed + drops + in ring can be
 * checked on every line.  In the ring: frames not read yet (the difference,
 * signed: a count that went wrong shows), 0 on a quiet link once the ring
 * blocks are handed over, and at exit.
 */
static const char *
stats_frames(char *buf, size_t len, uint64_t rx, uint64_t pk, uint64_t kd,
    uint64_t own, uint64_t ifd)
{
	snprintf(buf, len, "received %llu = analysed %llu + drops kernel %llu "
	    "own %llu + in ring %lld; interface drops %llu",
	    (unsigned long long)rx, (unsigned long long)pk,
	    (unsigned long long)kd, (unsigned long long)own,
	    (long long)(rx - pk - kd - own), (unsigned long long)ifd);
	return buf;
}

/* The stats line: every worker's counters, and the alerts. */
static void
daemon_stats(struct daemon *d, const char *why)
{
	uint64_t rx = 0, pk = 0, kd = 0, own = 0, ifd = 0, fl = 0, fc = 0;
	uint64_t ev = 0, er = 0, dpi = 0, delivered = 0, dropped = 0, tj = 0;
	uint64_t te = 0;
	struct alert_stats as;
	char frames[256];
	unsigned r;
	int i;

	r = atomic_fetch_add(&d->statreq, 1) + 1;
	if (daemon_sync(d, 1, r) == -1)
		log_warnx("stats: a worker did not answer; its counters are "
		    "older");
	for (i = 0; i < d->nw; i++) {
		struct worker_pub *p = &d->w[i].pub;
		uint64_t wrx = atomic_load(&p->received);
		uint64_t wpk = atomic_load(&p->packets);
		uint64_t wkd = atomic_load(&p->kdrops);
		uint64_t wown = atomic_load(&p->own);
		uint64_t wifd = atomic_load(&p->ifdrops);

		rx += wrx;
		pk += wpk;
		kd += wkd;
		own += wown;
		/* Interface drops are the interface's: every worker sees
		 * them all. */
		if (wifd > ifd)
			ifd = wifd;
		fl += atomic_load(&p->flows);
		fc += atomic_load(&p->flows_created);
		ev += atomic_load(&p->evictions);
		er += atomic_load(&p->errors);
		dpi += atomic_load(&p->dpi_ns);
		tj += atomic_load(&p->time_jumps);
		te += atomic_load(&p->time_epochs);
		if (d->nw > 1)
			log_info("stats%s: worker %d: %s; flows %llu, dpi time "
			    "%.1f s", why, i, stats_frames(frames,
			    sizeof(frames), wrx, wpk, wkd, wown, wifd),
			    (unsigned long long)atomic_load(&p->flows),
			    (double)atomic_load(&p->dpi_ns) / 1e9);
	}
	alert_stats_get(d->al, &as);
	if (d->out->stats != NULL)
		d->out->stats(d->out->arg, &delivered, &dropped);
	log_info("stats%s: %s; flows %llu active %llu created, evictions %llu, "
	    "alerts generated %llu delivered %llu dropped %llu (rate-limited "
	    "%llu), violations %llu, capture errors %llu, dpi time %.1f s",
	    why, stats_frames(frames, sizeof(frames), rx, pk, kd, own, ifd),
	    (unsigned long long)fl,
	    (unsigned long long)fc, (unsigned long long)ev,
	    (unsigned long long)as.emitted, (unsigned long long)delivered,
	    (unsigned long long)(dropped + as.rate_limited),
	    (unsigned long long)as.rate_limited,
	    (unsigned long long)as.violations, (unsigned long long)er,
	    (double)dpi / 1e9);
	/*
	 * Frames stamped far from packet time: rare, and a sign of a sender
	 * forging time stamps or of a clock stepped on the capture host.
	 */
	if (tj > 0)
		log_info("stats%s: packet time: jumps %llu, new epochs %llu",
		    why, (unsigned long long)tj, (unsigned long long)te);
	/* The flow records' writer: what a full queue cost, as it happens. */
	if (d->flows != NULL) {
		char line[1024];

		log_info("stats%s: flow records: %s", why,
		    sinks_stats_fmt(d->flows, line, sizeof(line)));
	}
}

/* Logs a "file:line: problem" report one line at a time. */
static void
log_lines(const char *text)
{
	const char *p = text, *nl;

	while (*p != '\0') {
		nl = strchr(p, '\n');
		log_warnx("%.*s", nl ? (int)(nl - p) : (int)strlen(p), p);
		if (nl == NULL)
			break;
		p = nl + 1;
	}
}

/*
 * SIGHUP: reads the configuration, inventory and rules again into a new
 * struct conf.  A file with errors changes nothing; a valid one is taken
 * up by every worker between two batches, and the old one is freed when
 * the last has moved on.  Capture never stops.
 */
static void
daemon_reload(struct daemon *d)
{
	struct conf *nc, *old = d->conf, **rv;
	char err[8192];
	unsigned g;

	if (d->out->reopen != NULL)
		d->out->reopen(d->out->arg);
	if (d->flows != NULL)
		sinks_reopen(d->flows);
	if (old->path == NULL) {
		log_warnx("reload: no configuration file; nothing to read");
		return;
	}
	notify_send("RELOADING=1\nMONOTONIC_USEC=%llu\nSTATUS=reloading "
	    "%s", (unsigned long long)now_ms() * 1000u, old->path);
	if ((nc = conf_load(old->path, err, sizeof(err))) == NULL) {
		log_lines(err);
		log_warnx("reload: %s has errors; the configuration in force "
		    "stays", old->path);
		notify_send("READY=1\nSTATUS=reload failed: %s has errors; "
		    "running on the previous configuration", old->path);
		return;
	}
	/*
	 * Sizes, capture and identity were used at start only: each key of
	 * them that changed is told at its line (conf_reload_check()).
	 */
	if (conf_reload_check(old, nc, err, sizeof(err)) > 0) {
		log_lines(err);
		log_warnx("reload: changes to the flow, dpi, decode, alert, "
		    "capture and daemon sections and to output.flows take "
		    "effect at the next start");
	}
	if (!sinks_same(nc, old))
		log_warnx("reload: changes to the sinks take effect at the "
		    "next start; the alerts go where they went");
	d->next = nc;
	g = atomic_load(&d->gen) + 1;
	atomic_store_explicit(&d->gen, g, memory_order_release);
	if (daemon_sync(d, 0, g) == -1) {
		/*
		 * A worker did not switch: it may still read the old rules,
		 * so they live until exit.  It switches when it next runs.
		 */
		log_warnx("reload: a worker has not switched yet; the "
		    "previous configuration is kept in memory");
		if ((rv = realloc(d->retired, (size_t)(d->nretired + 1) *
		    sizeof(*rv))) != NULL) {
			d->retired = rv;
			d->retired[d->nretired++] = old;
			old = NULL;
		}
		/* Without memory to remember it, it leaks: never freed. */
	} else
		conf_free(old);
	d->conf = nc;
	log_info("reload: %s, inventory and rules in force", nc->path);
	notify_send("READY=1\nSTATUS=capturing on %d interface(s) with %d "
	    "worker(s); configuration reloaded", d->nifaces, d->nw);
}

/*
 * Opens every handle: for each interface, worker 0 makes a new fanout
 * group and the others join it in order, so worker k is member k of the
 * group of every interface, and the kernel's symmetric flow hash sends a
 * flow seen on two interfaces (the two directions on two SPAN ports) to
 * the same worker.  Fatal on failure: this is start-up.
 */
static void
daemon_open(struct daemon *d, const struct conf *c)
{
	struct capture_live_conf lc;
	char err[1024];
	int i, k, id;

	for (i = 0; i < d->nifaces; i++) {
		memset(&lc, 0, sizeof(lc));
		lc.iface = d->ifaces[i];
		lc.filter = c->capture.filter;
		lc.snaplen = c->capture.snaplen;
		lc.buffer_mb = c->capture.buffer_mb;
		lc.timeout_ms = c->capture.timeout_ms;
		lc.promisc = (int)c->capture.promisc;
		lc.fanout_id = CAPTURE_FANOUT_NEW;
		for (k = 0; k < d->nw; k++) {
			if ((d->w[k].cap[i] = capture_open_live(&lc, err,
			    sizeof(err))) == NULL)
				fatalx("%s: %s", lc.iface, err);
			if (k == 0) {
				if ((id = capture_fanout_id(d->w[0].cap[i])) ==
				    -1)
					fatalx("%s: no fanout group", lc.iface);
				lc.fanout_id = id;
			}
		}
		log_debug("%s: link type %d, fanout group %d, %d worker(s)",
		    lc.iface, capture_datalink(d->w[0].cap[i]), lc.fanout_id,
		    d->nw);
	}
}

int
daemon_descriptors(void)
{
	struct dirent *de;
	long fd, max;
	DIR *dir;
	int rc = 0, n;

	for (n = 0; n < 3; n++) {
		if (fcntl(n, F_GETFD) != -1 || errno != EBADF)
			continue;
		/* The lowest free descriptor: n itself. */
		if ((fd = open("/dev/null", O_RDWR)) == -1)
			rc = -1;
		else if (fd != n) {
			(void)dup2((int)fd, n);
			close((int)fd);
		}
	}
	/* Kernels before 5.9, or a seccomp filter, may refuse it. */
	if (close_range(3, ~0u, 0) == 0)
		return rc;
	/*
	 * Then each descriptor /proc lists (the directory's own aside).
	 * Closing while reading is safe: the listing is of numbers, and a
	 * closed one is not open again.
	 */
	if ((dir = opendir("/proc/self/fd")) != NULL) {
		while ((de = readdir(dir)) != NULL) {
			char *end;

			fd = strtol(de->d_name, &end, 10);
			if (*end == '\0' && end != de->d_name && fd >= 3 &&
			    fd != dirfd(dir))
				close((int)fd);
		}
		closedir(dir);
		return rc;
	}
	/* Without /proc: every number up to the limit. */
	if ((max = sysconf(_SC_OPEN_MAX)) < 0 || max > 65536)
		max = 65536;
	for (fd = 3; fd < max; fd++)
		close((int)fd);
	return rc;
}

/* Drops to the configured user and checks the result.  Fatal. */
static void
daemon_privdrop(const char *user, const char *group)
{
	char err[256];

	if (privdrop(user, group, err, sizeof(err)) == -1)
		fatalx("dropping privileges: %s", err);
	if (privdrop_verify((unsigned)geteuid(), (unsigned)getegid(), err,
	    sizeof(err)) == -1)
		fatalx("privileges not dropped: %s", err);
	log_info("running as uid %u gid %u without capabilities",
	    (unsigned)geteuid(), (unsigned)getegid());
}

int
daemon_run(struct conf *conf, const struct daemon_opts *opts,
    const struct daemon_output *out)
{
	struct daemon d;
	const char *const *ifaces;
	struct timespec ts;
	sigset_t set;
	uint64_t next_stats = 0, stats_ms, next_wd = 0, wd_ms, stall_ms = 0;
	uint64_t flows_until;
	long ncpu;
	int i, sig;

	memset(&d, 0, sizeof(d));
	d.conf = conf;
	d.out = out;
	if (opts->nifaces > 0) {
		ifaces = opts->ifaces;
		d.nifaces = opts->nifaces;
	} else {
		ifaces = (const char *const *)conf->capture.interfaces;
		d.nifaces = conf->capture.ninterfaces;
	}
	if (d.nifaces == 0)
		fatalx("no interface to capture on (-i or "
		    "capture.interfaces)");
	if (d.nifaces > DAEMON_MAX_IFACES)
		fatalx("%d interfaces: at most %d", d.nifaces,
		    DAEMON_MAX_IFACES);
	if ((d.ifaces = calloc((size_t)d.nifaces, sizeof(char *))) == NULL)
		fatal("interfaces");
	for (i = 0; i < d.nifaces; i++)
		if ((d.ifaces[i] = strdup(ifaces[i])) == NULL)
			fatal("interfaces");
	/* Like every size, the period is the one the daemon started with. */
	stats_ms = (uint64_t)conf->daemon.stats_interval * 1000u;
	d.timeout_ms = conf->capture.timeout_ms;
	/* A copy, like the interfaces: a reload frees the configuration. */
	if ((opts->flows != NULL || conf->flows_path != NULL) &&
	    (d.flows_path = strdup(opts->flows != NULL ? opts->flows :
	    conf->flows_path)) == NULL)
		fatal("flow records");
	d.nw = (int)conf->capture.workers;
	if (d.nw == 0) {
		ncpu = sysconf(_SC_NPROCESSORS_ONLN);
		d.nw = ncpu > 0 ? (int)ncpu : 1;
	}
	if (d.nw > DAEMON_MAX_WORKERS)
		d.nw = DAEMON_MAX_WORKERS;
	if (notify_init() == -1)
		fatalx("cannot notify the service manager");
	/*
	 * Blocked before any thread starts (workers, alert and flow-record
	 * senders), which inherit the mask: only this thread takes them,
	 * with sigtimedwait() below.  One that comes during the start waits
	 * for it.  SIGPIPE from a broken output is an error return, not a
	 * death.
	 */
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGUSR1);
	if (pthread_sigmask(SIG_BLOCK, &set, NULL) != 0)
		fatalx("pthread_sigmask");
	signal(SIGPIPE, SIG_IGN);

	/* Every allocation of the run, before the first packet. */
	if ((d.al = alert_new(&conf->alert, out->alert, out->arg)) == NULL)
		fatalx("cannot create the alert stage");
	if ((d.w = calloc((size_t)d.nw, sizeof(*d.w))) == NULL)
		fatal("workers");
	for (i = 0; i < d.nw; i++) {
		d.w[i].d = &d;
		d.w[i].id = i;
		if ((d.w[i].wakefd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) ==
		    -1)
			fatal("eventfd");
		/* The flow sinks start after the privilege drop. */
		if (d.flows_path != NULL &&
		    (d.w[i].fl = flowlog_sinks(NULL)) == NULL)
			fatal("flow records");
		if ((d.w[i].pl = pipeline_new(conf, d.w[i].fl, d.al)) == NULL)
			fatalx("cannot create the pipeline of worker %d", i);
	}

	/* The privileged part: the capture sockets.  Then nothing is. */
	daemon_open(&d, conf);
	daemon_privdrop(opts->user ? opts->user : conf->daemon.user,
	    opts->group ? opts->group : conf->daemon.group);
	/* Capabilities are per thread: the outputs' threads start after. */
	if (out->start != NULL && out->start(out->arg, conf) == -1)
		fatalx("cannot open the alert outputs");
	if (d.flows_path != NULL) {
		struct sink_conf fc;

		sink_conf_defaults(&fc, SINK_FILE);
		if (strlen(d.flows_path) >= sizeof(fc.path))
			fatalx("output.flows: path too long");
		memcpy(fc.path, d.flows_path, strlen(d.flows_path) + 1);
		fc.queue = conf->flows_queue;
		if ((d.flows = sinks_new(&fc, 1)) == NULL)
			fatalx("cannot open the flow records %s", d.flows_path);
		for (i = 0; i < d.nw; i++)
			flowlog_set_sinks(d.w[i].fl, d.flows);
		log_info("flow records to %s", d.flows_path);
	}

	for (i = 0; i < d.nw; i++) {
		char name[16];

		if (pthread_create(&d.w[i].thr, NULL, worker_main,
		    &d.w[i]) != 0)
			fatalx("cannot start worker %d", i);
		/* For top -H, ps -L and the logs of a stuck worker. */
		snprintf(name, sizeof(name), "vw-worker%u", (unsigned)i % 1000u);
		(void)pthread_setname_np(d.w[i].thr, name);
	}
	log_info("capturing on %d interface(s) (%s%s) with %d worker(s)",
	    d.nifaces, d.ifaces[0], d.nifaces > 1 ? ", ..." : "", d.nw);
	notify_send("READY=1\nSTATUS=capturing on %d interface(s) with %d "
	    "worker(s)", d.nifaces, d.nw);

	if (stats_ms > 0)
		next_stats = now_ms() + stats_ms;
	/* Keep-alives twice per period, as sd_watchdog_enabled(3) advises. */
	if ((wd_ms = notify_watchdog_usec()) > 0) {
		/* A period under 2 ms still gets keep-alives, every 1 ms. */
		if ((wd_ms /= 2000u) < 1)
			wd_ms = 1;
		stall_ms = wd_ms > STALL_MIN_MS ? wd_ms : STALL_MIN_MS;
		log_info("watchdog: keep-alive every %llu ms while no worker "
		    "is stuck for %llu ms", (unsigned long long)wd_ms,
		    (unsigned long long)stall_ms);
		daemon_watchdog(&d, stall_ms);
		next_wd = now_ms() + wd_ms;
	}
	for (;;) {
		uint64_t now = now_ms(), wait = 3600000;

		/* Until the first of the stats line and the keep-alive. */
		if (next_stats != 0)
			wait = ms_until(next_stats, now);
		if (next_wd != 0 && ms_until(next_wd, now) < wait)
			wait = ms_until(next_wd, now);
		ts.tv_sec = (time_t)(wait / 1000);
		ts.tv_nsec = (long)(wait % 1000) * 1000000;
		sig = sigtimedwait(&set, NULL, &ts);
		/* Due whatever woke the thread: a stream of signals must
		 * not starve the keep-alives. */
		if (next_wd != 0 && now_ms() >= next_wd) {
			daemon_watchdog(&d, stall_ms);
			next_wd = now_ms() + wd_ms;
		}
		if (sig == -1) {
			if (errno == EAGAIN && next_stats != 0 &&
			    now_ms() >= next_stats) {
				daemon_stats(&d, "");
				next_stats = now_ms() + stats_ms;
			}
			continue;
		}
		if (sig == SIGHUP)
			daemon_reload(&d);
		else if (sig == SIGUSR1)
			daemon_stats(&d, "");
		else
			break;
	}

	log_info("stopping on signal %d", sig);
	notify_send("STOPPING=1\nSTATUS=stopping%s: ending open flows",
	    atomic_load(&d.lost) ? " (an interface was lost)" : "");
	/*
	 * Ending every open flow at once may give the flow records more
	 * lines than their queue holds; with no packet to wait for any
	 * more, the workers wait for room rather than drop them (within
	 * the time the flush gets).
	 */
	flows_until = now_ms() + FLOWS_FLUSH_MS;
	if (d.flows != NULL)
		sinks_patient(d.flows, FLOWS_FLUSH_MS);
	atomic_store_explicit(&d.stop, 1, memory_order_release);
	for (i = 0; i < d.nw; i++)
		worker_wake(&d.w[i]);
	for (i = 0; i < d.nw; i++)
		pthread_join(d.w[i].thr, NULL);
	alert_flush(d.al);
	if (out->flush != NULL)
		out->flush(out->arg);
	/*
	 * What the wait for room left of the time the flow records get at a
	 * stop.  Their counters are in the stats line at exit.
	 */
	if (d.flows != NULL)
		sinks_flush(d.flows,
		    (unsigned)ms_until(flows_until, now_ms()));
	daemon_stats(&d, " at exit");

	for (i = 0; i < d.nw; i++) {
		int k;

		for (k = 0; k < d.nifaces; k++)
			capture_close(d.w[i].cap[k]);
		pipeline_free(d.w[i].pl);
		flowlog_close(d.w[i].fl);
		close(d.w[i].wakefd);
	}
	free(d.w);
	for (i = 0; i < d.nifaces; i++)
		free(d.ifaces[i]);
	free(d.ifaces);
	alert_free(d.al);
	if (d.flows != NULL)
		sinks_free(d.flows);
	free(d.flows_path);
	for (i = 0; i < d.nretired; i++)
		conf_free(d.retired[i]);
	free(d.retired);
	conf_free(d.conf);
	notify_close();
	if (atomic_load(&d.lost)) {
		log_warnx("exiting with status 3: an interface was lost");
		return 3;
	}
	return 0;
}

/*
 * sink.c - the sink set, the last stage after alert.  Renders each alert
 * once per distinct format, copies the line into every sink's bounded
 * queue (a ring of line buffers that grow to the longest line once, so
 * the steady state allocates nothing) and runs one sender thread per sink
 * that hands the lines to the sink's ops table.  The producer holds a
 * sink's mutex only for a copy; no I/O is ever done under it.
 *
 * Counting: every line given to a sink is generated; the producer moves
 * it to queued or dropped, the sender from queued to delivered or
 * dropped, all under the sink's mutex, so a snapshot taken under it
 * always adds up.  The counters are atomics so that a reader without the
 * lock (a signal-time summary) sees torn-free values.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "sink_priv.h"

/* Longest rendered line; longer ones are dropped (counted). */
#define SINKS_LINE_MAX	FORMAT_LINE_MAX

struct sink_slot {
	char *buf;
	size_t len, cap;
	int sev;
};

struct sink_queue {
	pthread_mutex_t mu;
	pthread_cond_t work;		/* a line, a reopen, a stop */
	pthread_cond_t done;		/* the sender has ended */
	pthread_cond_t room;		/* a line has left a full queue */
	struct timespec patient;	/* producers wait for room until then */
	int patient_set;		/* (sinks_patient) */
	struct sink_slot *slots;
	uint32_t cap, head, count;
	atomic_uint_fast64_t generated, delivered, queued, dropped;
	_Atomic int reopen;
	int stop;			/* deliver what is queued, then end */
	int exited;			/* the sender has ended */
	int closed;			/* flushed: refuse lines */
	int started;
	pthread_t thr;
};

struct sinks {
	struct sink *v;
	int n;
	int flushed;
	struct format_opts *fo;		/* per sink */
	char (*line)[SINKS_LINE_MAX];	/* per sink, this alert's line */
	int *len;
	int *same;			/* index of the sink rendering alike */
	char procid[16];
	char host[256];
};

static const char *const sink_types[SINK_TYPE_MAX] = {
	"file", "syslog", "remote"
};
static const char *const sink_protos[] = { "udp", "tcp", "tls" };

const char *
sink_type_name(int type)
{
	return (unsigned)type < SINK_TYPE_MAX ? sink_types[type] : "?";
}

const char *
sink_proto_name(int proto)
{
	return (unsigned)proto <= SINK_TLS ? sink_protos[proto] : "?";
}

int
sink_aborted(struct sink *s)
{
	return atomic_load(&s->abort);
}

static void
deadline_in(struct timespec *ts, unsigned ms)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

/* Removes the head line as delivered (or dropped).  Under q->mu. */
static void
queue_pop(struct sink_queue *q, int delivered)
{
	q->slots[q->head].len = 0;
	q->head = (q->head + 1) % q->cap;
	q->count--;
	/* One slot free: one waiting producer (sinks_patient) may go. */
	if (q->patient_set)
		pthread_cond_signal(&q->room);
	atomic_fetch_sub(&q->queued, 1);
	if (delivered)
		atomic_fetch_add(&q->delivered, 1);
	else
		atomic_fetch_add(&q->dropped, 1);
}

/*
 * The sender: takes the head line without removing it (the producer never
 * writes a slot that is queued), sends it unlocked, then counts it.  A
 * failed send keeps the line and waits the back-off, which doubles up to
 * the cap and starts again after a success.
 */
static void *
sink_main(void *arg)
{
	struct sink *s = arg;
	struct sink_queue *q = s->q;
	struct sink_slot *sl;
	struct timespec until;
	uint32_t backoff = 0;
	int r;

	pthread_mutex_lock(&q->mu);
	for (;;) {
		while (q->count == 0 && !q->stop && !atomic_load(&s->abort) &&
		    !atomic_load(&q->reopen))
			pthread_cond_wait(&q->work, &q->mu);
		if (atomic_load(&s->abort) || (q->count == 0 && q->stop))
			break;
		if (atomic_exchange(&q->reopen, 0)) {
			pthread_mutex_unlock(&q->mu);
			if (s->ops->reopen != NULL)
				s->ops->reopen(s);
			pthread_mutex_lock(&q->mu);
			continue;
		}
		if (q->count == 0)
			continue;
		sl = &q->slots[q->head];
		pthread_mutex_unlock(&q->mu);
		r = s->ops->send(s, sl->sev, sl->buf, sl->len);
		pthread_mutex_lock(&q->mu);
		if (r == SINK_SENT || r == SINK_REJECT) {
			queue_pop(q, r == SINK_SENT);
			backoff = 0;
			continue;
		}
		atomic_fetch_add(&s->failures, 1);
		backoff = backoff == 0 ? s->conf.backoff_min_ms :
		    backoff >= s->conf.backoff_max_ms / 2 ?
		    s->conf.backoff_max_ms : backoff * 2;
		deadline_in(&until, backoff);
		/* A reopen (SIGHUP) may be the cure: it ends the wait. */
		while (!atomic_load(&s->abort) && !atomic_load(&q->reopen) &&
		    pthread_cond_timedwait(&q->work, &q->mu, &until) !=
		    ETIMEDOUT)
			;
	}
	q->exited = 1;
	pthread_cond_broadcast(&q->done);
	pthread_cond_broadcast(&q->room);
	pthread_mutex_unlock(&q->mu);
	return NULL;
}

/*
 * Queues line to s, or drops it if the queue is full or closed.  Never
 * waits for anything but the copy, unless the sinks were made patient
 * (sinks_patient): then a full queue is waited on, up to the deadline.
 * Returns 0, or -1 when dropped.
 */
static int
sink_write(struct sink *s, int sev, const char *line, size_t len)
{
	struct sink_queue *q = s->q;
	struct sink_slot *sl;
	char *nb;

	pthread_mutex_lock(&q->mu);
	while (q->count == q->cap && q->patient_set && !q->closed &&
	    q->started && !q->exited && !atomic_load(&s->abort) &&
	    pthread_cond_timedwait(&q->room, &q->mu, &q->patient) !=
	    ETIMEDOUT)
		;
	/* Counted once it is queued or dropped: the sum always holds. */
	atomic_fetch_add(&q->generated, 1);
	if (q->closed || q->count == q->cap)
		goto drop;
	sl = &q->slots[(q->head + q->count) % q->cap];
	if (sl->cap < len) {
		/* Each slot grows once, to the longest line it has held. */
		if ((nb = realloc(sl->buf, len)) == NULL)
			goto drop;
		sl->buf = nb;
		sl->cap = len;
	}
	memcpy(sl->buf, line, len);
	sl->len = len;
	sl->sev = sev;
	atomic_fetch_add(&q->queued, 1);
	if (q->count++ == 0)
		pthread_cond_signal(&q->work);
	pthread_mutex_unlock(&q->mu);
	return 0;
drop:
	atomic_fetch_add(&q->dropped, 1);
	pthread_mutex_unlock(&q->mu);
	return -1;
}

/* A line that could not be rendered still counts, as dropped. */
static void
sink_drop(struct sink *s)
{
	struct sink_queue *q = s->q;

	pthread_mutex_lock(&q->mu);
	atomic_fetch_add(&q->generated, 1);
	atomic_fetch_add(&q->dropped, 1);
	pthread_mutex_unlock(&q->mu);
}

static void
queue_free(struct sink_queue *q)
{
	uint32_t i;

	if (q == NULL)
		return;
	for (i = 0; i < q->cap; i++)
		free(q->slots[i].buf);
	free(q->slots);
	pthread_cond_destroy(&q->work);
	pthread_cond_destroy(&q->done);
	pthread_cond_destroy(&q->room);
	pthread_mutex_destroy(&q->mu);
	free(q);
}

static struct sink_queue *
queue_new(uint32_t cap)
{
	struct sink_queue *q;
	pthread_condattr_t ca;

	if ((q = calloc(1, sizeof(*q))) == NULL)
		return NULL;
	if ((q->slots = calloc(cap, sizeof(*q->slots))) == NULL) {
		free(q);
		return NULL;
	}
	q->cap = cap;
	pthread_mutex_init(&q->mu, NULL);
	/* Back-off and flush deadlines must not jump with the wall clock. */
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&q->work, &ca);
	pthread_cond_init(&q->done, &ca);
	pthread_cond_init(&q->room, &ca);
	pthread_condattr_destroy(&ca);
	return q;
}

static void
sink_name(struct sink *s)
{
	const struct sink_conf *c = &s->conf;

	if (c->name[0]) {
		snprintf(s->name, sizeof(s->name), "%s", c->name);
		return;
	}
	switch (c->type) {
	case SINK_FILE:
		snprintf(s->name, sizeof(s->name), "file:%.260s/%s", c->path,
		    format_name(c->format));
		break;
	case SINK_SYSLOG:
		snprintf(s->name, sizeof(s->name), "syslog:%.60s/%s", c->ident,
		    format_name(c->format));
		break;
	default:
		snprintf(s->name, sizeof(s->name), "remote:%s:%.255s:%u/%s",
		    sink_proto_name(c->protocol), c->host, c->port,
		    format_name(c->format));
	}
}

/* Two sinks whose lines are byte for byte the same share one rendering. */
static int
opts_same(const struct format_opts *a, const struct format_opts *b)
{
	return a->header == b->header && a->newline == b->newline &&
	    a->facility == b->facility && a->enterprise == b->enterprise &&
	    a->leef_delim == b->leef_delim &&
	    memcmp(a->sevmap, b->sevmap, sizeof(a->sevmap)) == 0 &&
	    strcmp(a->hostname, b->hostname) == 0 &&
	    strcmp(a->app_name, b->app_name) == 0 &&
	    strcmp(a->observer_name, b->observer_name) == 0 &&
	    strcmp(a->observer_ip, b->observer_ip) == 0;
}

struct sinks *
sinks_new(const struct sink_conf *c, int n)
{
	static const struct sink_ops *const ops[SINK_TYPE_MAX] = {
		&sink_file_ops, &sink_syslog_ops, &sink_remote_ops
	};
	struct sinks *ss;
	struct sink *s;
	sigset_t all, old;
	char err[512];
	int i, j;

	if ((ss = calloc(1, sizeof(*ss))) == NULL)
		return NULL;
	ss->n = n;
	if (n > 0 && ((ss->v = calloc((size_t)n, sizeof(*ss->v))) == NULL ||
	    (ss->fo = calloc((size_t)n, sizeof(*ss->fo))) == NULL ||
	    (ss->line = calloc((size_t)n, sizeof(*ss->line))) == NULL ||
	    (ss->len = calloc((size_t)n, sizeof(*ss->len))) == NULL ||
	    (ss->same = calloc((size_t)n, sizeof(*ss->same))) == NULL)) {
		log_warn("sinks");
		ss->n = 0;
		goto fail;
	}
	snprintf(ss->procid, sizeof(ss->procid), "%ld", (long)getpid());
	if (gethostname(ss->host, sizeof(ss->host) - 1) != 0)
		snprintf(ss->host, sizeof(ss->host), "-");
	for (i = 0; i < n; i++) {
		s = &ss->v[i];
		s->conf = c[i];
		sink_name(s);
		/*
		 * Names tell sinks apart in the counters line: a name (set
		 * or derived) that an earlier sink has too gets this sink's
		 * place in the list ("#2").
		 */
		for (j = 0; j < i; j++)
			if (strcmp(ss->v[j].name, s->name) == 0) {
				snprintf(s->name + strnlen(s->name,
				    sizeof(s->name) - 12), 12, "#%u",
				    (unsigned)i + 1);
				break;
			}
		if ((unsigned)c[i].type >= SINK_TYPE_MAX ||
		    (unsigned)c[i].format >= FORMAT_MAX || c[i].queue == 0) {
			log_warnx("sink %s: bad configuration", s->name);
			goto fail;
		}
		if ((s->q = queue_new(c[i].queue)) == NULL) {
			log_warn("sink %s", s->name);
			goto fail;
		}
		if (ops[c[i].type]->open(s, &s->conf, err, sizeof(err)) == -1) {
			log_warnx("sink %s: %s", s->name, err);
			goto fail;
		}
		s->ops = ops[c[i].type];
		format_opts_defaults(&ss->fo[i]);
		/*
		 * A receiver needs the RFC 5424 header whatever the body; a
		 * file gets bare lines, but an RFC 5424 message is not one
		 * without its header.  syslog(3) writes its own.
		 */
		ss->fo[i].header = c[i].type == SINK_REMOTE ||
		    (c[i].type == SINK_FILE && c[i].format == FORMAT_RFC5424);
		ss->fo[i].newline = c[i].type == SINK_FILE;
		ss->fo[i].facility = c[i].facility;
		memcpy(ss->fo[i].sevmap, c[i].sevmap, sizeof(c[i].sevmap));
		ss->fo[i].enterprise = c[i].enterprise;
		ss->fo[i].leef_delim = c[i].leef_delim;
		ss->fo[i].hostname = s->conf.hostname[0] ? s->conf.hostname :
		    ss->host;
		ss->fo[i].app_name = s->conf.app_name;
		ss->fo[i].observer_name = s->conf.observer_name;
		ss->fo[i].observer_ip = s->conf.observer_ip;
		ss->fo[i].procid = ss->procid;
		ss->same[i] = i;
		for (j = 0; j < i; j++)
			if (c[j].format == c[i].format &&
			    opts_same(&ss->fo[j], &ss->fo[i])) {
				ss->same[i] = j;
				break;
			}
	}
	/*
	 * A sender thread takes no signal: one meant for the process (a
	 * daemon's SIGHUP or SIGTERM, taken by its main thread with
	 * sigwait) must not land here and kill the process by its default
	 * action.  The threads inherit the mask in force when they start.
	 */
	sigfillset(&all);
	if ((errno = pthread_sigmask(SIG_SETMASK, &all, &old)) != 0) {
		log_warn("sinks: signal mask");
		goto fail;
	}
	for (i = 0; i < n; i++) {
		s = &ss->v[i];
		if ((errno = pthread_create(&s->q->thr, NULL, sink_main, s))
		    != 0) {
			log_warn("sink %s: thread", s->name);
			pthread_sigmask(SIG_SETMASK, &old, NULL);
			goto fail;
		}
		s->q->started = 1;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return ss;
fail:
	sinks_free(ss);
	return NULL;
}

void
sinks_alert(struct sinks *ss, const struct alert *a)
{
	struct sink *s;
	int i, k;

	for (i = 0; i < ss->n; i++) {
		s = &ss->v[i];
		k = ss->same[i];
		if (k == i)
			ss->len[i] = format_alert_opts(ss->line[i],
			    sizeof(ss->line[i]), (enum format_kind)s->conf.format,
			    a, &ss->fo[i]);
		if (ss->len[k] < 0)
			sink_drop(s);
		else
			sink_write(s, format_syslog_severity(&ss->fo[i],
			    a->severity), ss->line[k], (size_t)ss->len[k]);
	}
}

void
sinks_line(struct sinks *ss, int sev, const char *line, size_t len)
{
	int i;

	/* sink_write() copies under the queue's lock: no shared buffer. */
	for (i = 0; i < ss->n; i++)
		sink_write(&ss->v[i], sev, line, len);
}

void
sinks_line_lost(struct sinks *ss)
{
	int i;

	for (i = 0; i < ss->n; i++)
		sink_drop(&ss->v[i]);
}

void
sinks_reopen(struct sinks *ss)
{
	int i;

	for (i = 0; i < ss->n; i++) {
		if (ss->v[i].q == NULL)
			continue;
		pthread_mutex_lock(&ss->v[i].q->mu);
		atomic_store(&ss->v[i].q->reopen, 1);
		pthread_cond_signal(&ss->v[i].q->work);
		pthread_mutex_unlock(&ss->v[i].q->mu);
	}
}

void
sinks_patient(struct sinks *ss, unsigned timeout_ms)
{
	struct sink_queue *q;
	struct timespec until;
	int i;

	deadline_in(&until, timeout_ms);
	for (i = 0; i < ss->n; i++) {
		if ((q = ss->v[i].q) == NULL)
			continue;
		pthread_mutex_lock(&q->mu);
		q->patient = until;
		q->patient_set = 1;
		pthread_mutex_unlock(&q->mu);
	}
}

uint64_t
sinks_flush(struct sinks *ss, unsigned timeout_ms)
{
	struct sink_queue *q;
	struct timespec until;
	uint64_t left = 0;
	int i;

	if (ss->flushed)
		return 0;
	ss->flushed = 1;
	deadline_in(&until, timeout_ms);
	for (i = 0; i < ss->n; i++) {
		if ((q = ss->v[i].q) == NULL)
			continue;
		pthread_mutex_lock(&q->mu);
		q->stop = 1;
		pthread_cond_signal(&q->work);
		pthread_mutex_unlock(&q->mu);
	}
	/* One deadline for all: the senders drain side by side. */
	for (i = 0; i < ss->n; i++) {
		if ((q = ss->v[i].q) == NULL)
			continue;
		pthread_mutex_lock(&q->mu);
		while (q->started && !q->exited &&
		    pthread_cond_timedwait(&q->done, &q->mu, &until) !=
		    ETIMEDOUT)
			;
		pthread_mutex_unlock(&q->mu);
	}
	for (i = 0; i < ss->n; i++) {
		q = ss->v[i].q;
		if (q == NULL)
			continue;
		pthread_mutex_lock(&q->mu);
		atomic_store(&ss->v[i].abort, 1);
		pthread_cond_signal(&q->work);
		pthread_mutex_unlock(&q->mu);
		if (q->started)
			pthread_join(q->thr, NULL);
		pthread_mutex_lock(&q->mu);
		q->started = 0;
		/* What is still queued will never go: say so. */
		left += q->count;
		while (q->count > 0)
			queue_pop(q, 0);
		q->closed = 1;
		pthread_cond_broadcast(&q->room);
		pthread_mutex_unlock(&q->mu);
	}
	return left;
}

void
sinks_free(struct sinks *ss)
{
	int i;

	if (ss == NULL)
		return;
	sinks_flush(ss, 0);
	for (i = 0; i < ss->n && ss->v != NULL; i++) {
		if (ss->v[i].ops != NULL && ss->v[i].ops->close != NULL)
			ss->v[i].ops->close(&ss->v[i]);
		queue_free(ss->v[i].q);
	}
	free(ss->v);
	free(ss->fo);
	free(ss->line);
	free(ss->len);
	free(ss->same);
	free(ss);
}

int
sinks_count(const struct sinks *ss)
{
	return ss->n;
}

int
sinks_stats(const struct sinks *ss, int i, struct sink_stats *st)
{
	struct sink *s;
	struct sink_queue *q;

	if (i < 0 || i >= ss->n)
		return -1;
	s = &ss->v[i];
	q = s->q;
	memset(st, 0, sizeof(*st));
	snprintf(st->name, sizeof(st->name), "%s", s->name);
	pthread_mutex_lock(&q->mu);
	st->generated = atomic_load(&q->generated);
	st->delivered = atomic_load(&q->delivered);
	st->queued = atomic_load(&q->queued);
	st->dropped = atomic_load(&q->dropped);
	pthread_mutex_unlock(&q->mu);
	st->connects = atomic_load(&s->connects);
	st->failures = atomic_load(&s->failures);
	st->connected = atomic_load(&s->connected);
	return 0;
}

char *
sinks_stats_fmt(const struct sinks *ss, char *buf, size_t len)
{
	struct sink_stats st;
	size_t o = 0;
	int i, r;

	if (len == 0)
		return buf;
	buf[0] = '\0';
	for (i = 0; i < ss->n && o < len; i++) {
		sinks_stats(ss, i, &st);
		r = snprintf(buf + o, len - o, "%s%s gen=%llu del=%llu "
		    "queued=%llu dropped=%llu", i ? "; " : "", st.name,
		    (unsigned long long)st.generated,
		    (unsigned long long)st.delivered,
		    (unsigned long long)st.queued,
		    (unsigned long long)st.dropped);
		o = r < 0 ? len : o + (size_t)r;
	}
	return buf;
}

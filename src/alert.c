/*
 * alert.c - violations become alerts: owned copies, de-duplication per
 * key and window on packet time, a token-bucket rate limit.  Entries come
 * from one array allocated at start; a full table closes the oldest
 * window early (counted) to make room.
 *
 * The daemon's capture workers share one alert stage: a mutex guards it.
 * Alerts are rare next to packets, and the output callback only queues,
 * so the lock is short and seldom taken.
 */
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert.h"

#define NIL	UINT32_MAX
/* Packet time further behind the rate bucket than this restarts it. */
#define ALERT_TIME_JUMP	(60ull * 1000000u)

struct alert_entry {
	struct alert a;		/* the alert that opened the window */
	uint64_t start;		/* packet time the window opened */
	uint64_t rep_count;	/* repeats since */
	uint64_t rep_first, rep_last;
	uint16_t rep_port;	/* client port of the last repeat */
	uint8_t rep_state;	/* and its state */
	uint32_t cli[32];	/* weak-tls: client address hashes seen */
	uint32_t nclients;
	uint32_t hash;
	uint32_t hnext;		/* bucket chain */
	uint32_t qprev, qnext;	/* window queue, oldest first */
	int used;
};

/* One source followed for scans (see alert.h). */
struct alert_scan {
	struct addr src;
	int used;
	int scanning;		/* the scan alert went out */
	uint64_t start, last;	/* packet time of the first, last probe */
	uint32_t tgt[64], ntgt;	/* distinct (host, port) target hashes */
	uint32_t host[64], nhost;
	uint16_t port[64];
	uint32_t nport;
	uint32_t refused, unanswered;
	uint16_t kinds;
	uint64_t folded;	/* probes folded since the scan alert */
	struct alert scan;	/* the scan alert, for its summary */
	uint32_t nheld;
	struct alert held[ALERT_SCAN_TARGETS];
};

struct alert_ctx {
	pthread_mutex_t lock;	/* everything below */
	struct alert_conf conf;
	alert_out_cb out;
	void *arg;
	struct alert_entry *e;
	uint32_t *bucket;
	uint32_t mask;
	uint32_t freelist;	/* through hnext */
	uint32_t fresh;		/* entries from here on never used yet */
	uint32_t qhead, qtail;
	double tokens;
	uint64_t tokens_ts;
	uint64_t now;		/* latest packet time seen */
	struct alert_scan *scan;	/* ALERT_SCAN_SOURCES */
	uint64_t instance;	/* alert.instance of every alert, once set */
	uint64_t seq;		/* alert.seq of the last one emitted */
	uint64_t violations_seen; /* 0 until the instance is set */
	struct alert_stats st;
};

void
alert_conf_defaults(struct alert_conf *c)
{
	c->window = 300;
	c->max_keys = 4096;
	c->rate = 100;
	c->burst = 1000;
}

struct alert_ctx *
alert_new(const struct alert_conf *c, alert_out_cb out, void *arg)
{
	struct alert_ctx *al;
	uint32_t n = c->max_keys ? c->max_keys : 1, nb = 16, i;

	if ((al = calloc(1, sizeof(*al))) == NULL)
		return NULL;
	if (pthread_mutex_init(&al->lock, NULL) != 0) {
		free(al);
		return NULL;
	}
	while (nb < n * 2)
		nb <<= 1;
	al->conf = *c;
	al->out = out;
	al->arg = arg;
	al->e = calloc(n, sizeof(*al->e));
	al->bucket = malloc(nb * sizeof(*al->bucket));
	al->scan = calloc(ALERT_SCAN_SOURCES, sizeof(*al->scan));
	if (al->e == NULL || al->bucket == NULL || al->scan == NULL) {
		alert_free(al);
		return NULL;
	}
	al->conf.max_keys = n;
	al->mask = nb - 1;
	for (i = 0; i < nb; i++)
		al->bucket[i] = NIL;
	/*
	 * Entries are taken in order the first time (al->fresh), so that
	 * the table's pages are touched as windows open, not all at start.
	 */
	al->freelist = NIL;
	al->fresh = 0;
	al->qhead = al->qtail = NIL;
	al->tokens = c->burst;
	return al;
}

void
alert_free(struct alert_ctx *al)
{
	if (al == NULL)
		return;
	free(al->e);
	free(al->bucket);
	free(al->scan);
	pthread_mutex_destroy(&al->lock);
	free(al);
}

static void
copy_str(char *dst, size_t len, const char *src)
{
	if (src == NULL)
		src = "";
	snprintf(dst, len, "%s", src);
}

static void
copy_end(struct alert_end *d, const struct policy_end *s)
{
	memset(d, 0, sizeof(*d));
	d->addr = s->addr;
	d->port = s->port;
	memcpy(d->mac, s->mac, 6);
	d->has_mac = s->has_mac;
	d->internet = s->internet;
	if (s->host != NULL) {
		d->roles = s->host->roles;
		copy_str(d->host, sizeof(d->host), s->host->name);
	}
	if (s->zone != NULL)
		copy_str(d->zone, sizeof(d->zone), s->zone->name);
}

static void
alert_from(struct alert *a, const struct violation *v)
{
	memset(a, 0, sizeof(*a));
	a->kind = v->kind;
	a->severity = v->severity;
	copy_str(a->rule_id, sizeof(a->rule_id), v->rule_id);
	copy_str(a->rule_name, sizeof(a->rule_name), v->rule_name);
	copy_str(a->section, sizeof(a->section), v->section);
	copy_str(a->nist, sizeof(a->nist), v->nist);
	a->ts = v->ts;
	a->flow_start = v->first_ts ? v->first_ts : v->ts;
	copy_end(&a->client, &v->client);
	copy_end(&a->server, &v->server);
	a->transport = v->transport;
	a->vlan = v->vlan;
	copy_str(a->protocol, sizeof(a->protocol), v->protocol);
	a->state = v->state;
	a->direction = v->direction;
	a->risk = v->risk;
	copy_str(a->host_name, sizeof(a->host_name), v->host_name);
	copy_str(a->reason, sizeof(a->reason), v->reason);
	a->dpi_guessed = v->dpi_guessed;
	a->streams = v->streams;
	a->cert_id = v->cert_id;
	a->clients = 1;
	a->count = 1;
	a->first_seen = a->last_seen = v->ts;
}

/*
 * The key: kind, rule, client address, server address and port,
 * transport; an unknown device is keyed by its address and MAC only.
 */
static uint32_t
key_hash(const struct alert *a)
{
	uint64_t h = 0x9e3779b97f4a7c15ull ^ (uint64_t)a->kind;
	const unsigned char *p;
	size_t i;

#define MIX(x) do { h ^= (uint64_t)(x); h *= 0xff51afd7ed558ccdull; \
	h ^= h >> 33; } while (0)
	for (p = (const unsigned char *)a->rule_id; *p; p++)
		MIX(*p);
	if (a->kind == POLICY_WEAK_TLS) {
		/* The server's certificate, whoever the client. */
		for (i = 0; i < 16; i++)
			MIX(a->server.addr.b[i]);
		MIX(a->server.port);
		MIX(a->cert_id);
		return (uint32_t)(h ^ (h >> 32));
	}
	for (i = 0; i < 16; i++)
		MIX(a->client.addr.b[i]);
	if (a->kind == POLICY_UNKNOWN_DEVICE) {
		/* A device, whoever it talks to: its address and MAC. */
		for (i = 0; i < 6; i++)
			MIX(a->client.mac[i]);
	} else {
		for (i = 0; i < 16; i++)
			MIX(a->server.addr.b[i]);
		MIX(a->server.port);
		MIX(a->transport);
	}
#undef MIX
	return (uint32_t)(h ^ (h >> 32));
}

static int
key_eq(const struct alert *x, const struct alert *y)
{
	if (x->kind != y->kind || strcmp(x->rule_id, y->rule_id) != 0)
		return 0;
	if (x->kind == POLICY_WEAK_TLS)
		return addr_cmp(&x->server.addr, &y->server.addr) == 0 &&
		    x->server.port == y->server.port &&
		    x->cert_id == y->cert_id;
	if (addr_cmp(&x->client.addr, &y->client.addr) != 0)
		return 0;
	if (x->kind == POLICY_UNKNOWN_DEVICE)
		return memcmp(x->client.mac, y->client.mac, 6) == 0;
	return addr_cmp(&x->server.addr, &y->server.addr) == 0 &&
	    x->server.port == y->server.port && x->transport == y->transport;
}

/*
 * Hands a to the outputs if the rate limit lets it through, numbered
 * (only alerts that leave get a number, so the numbers have no gaps).
 */
static void
emit(struct alert_ctx *al, struct alert *a, uint64_t now)
{
	if (al->conf.rate > 0) {
		/*
		 * The daemon's workers keep packet time each, and one that
		 * took a new epoch (pipeline.c) stamps far from the others.
		 * A time far behind the bucket's restarts it there, so that
		 * the others' alerts refill it instead of waiting years.
		 */
		if (now + ALERT_TIME_JUMP < al->tokens_ts)
			al->tokens_ts = now;
		if (now > al->tokens_ts) {
			al->tokens += (double)(now - al->tokens_ts) *
			    al->conf.rate / 1e6;
			if (al->tokens > al->conf.burst)
				al->tokens = al->conf.burst;
		}
		if (now > al->tokens_ts)
			al->tokens_ts = now;
		if (al->tokens < 1.0) {
			al->st.rate_limited++;
			return;
		}
		al->tokens -= 1.0;
	}
	a->instance = al->instance;
	a->seq = ++al->seq;
	al->st.emitted++;
	al->st.by_kind[a->kind]++;
	if (a->repeat)
		al->st.repeats++;
	al->out(a, al->arg);
}

static void
q_unlink(struct alert_ctx *al, uint32_t i)
{
	struct alert_entry *e = &al->e[i];

	if (e->qprev != NIL)
		al->e[e->qprev].qnext = e->qnext;
	else
		al->qhead = e->qnext;
	if (e->qnext != NIL)
		al->e[e->qnext].qprev = e->qprev;
	else
		al->qtail = e->qprev;
}

static void
q_append(struct alert_ctx *al, uint32_t i)
{
	struct alert_entry *e = &al->e[i];

	e->qprev = al->qtail;
	e->qnext = NIL;
	if (al->qtail != NIL)
		al->e[al->qtail].qnext = i;
	else
		al->qhead = i;
	al->qtail = i;
}

/* Ends the window of entry i: a summary of its repeats, if any. */
static void
close_window(struct alert_ctx *al, uint32_t i, uint64_t now)
{
	struct alert_entry *e = &al->e[i];
	struct alert sum;

	if (e->rep_count == 0)
		return;
	sum = e->a;
	sum.repeat = 1;
	sum.count = e->rep_count;
	sum.first_seen = e->rep_first;
	sum.last_seen = e->rep_last;
	sum.ts = e->rep_last;
	/* The client port is not in the key: show the last repeat's. */
	sum.client.port = e->rep_port;
	sum.state = e->rep_state;
	sum.clients = e->nclients;
	e->rep_count = 0;
	/*
	 * Counted before the rate limit, which may drop it: without this
	 * the counters could not account for a dropped summary.
	 */
	al->st.summaries++;
	emit(al, &sum, now);
}

/* Removes entry i from the table (after close_window). */
static void
drop_entry(struct alert_ctx *al, uint32_t i)
{
	struct alert_entry *e = &al->e[i];
	uint32_t *pp = &al->bucket[e->hash & al->mask];

	while (*pp != i)
		pp = &al->e[*pp].hnext;
	*pp = e->hnext;
	q_unlink(al, i);
	e->used = 0;
	e->hnext = al->freelist;
	al->freelist = i;
}

/*
 * Adds x to the set of n values (capacity max); returns 1 when it was
 * not there.  A full set takes every value as new (an upper bound).
 */
static int
set_add(uint32_t *set, uint32_t *n, uint32_t max, uint32_t x)
{
	uint32_t i, m = *n < max ? *n : max;

	for (i = 0; i < m; i++)
		if (set[i] == x)
			return 0;
	if (*n < max)
		set[*n] = x;
	(*n)++;
	return 1;
}

/*
 * De-duplication: a folds into the open window of its key, or opens one
 * and goes out.  Called locked.
 */
static void
dedup(struct alert_ctx *al, struct alert *a)
{
	struct alert_entry *e;
	uint32_t h, i;

	h = key_hash(a);
	for (i = al->bucket[h & al->mask]; i != NIL; i = al->e[i].hnext) {
		e = &al->e[i];
		if (e->hash == h && key_eq(&e->a, a))
			break;
	}
	if (i != NIL) {
		e = &al->e[i];
		if (a->ts < e->start + (uint64_t)al->conf.window * 1000000u) {
			if (e->rep_count++ == 0)
				e->rep_first = a->ts;
			e->rep_last = a->ts;
			e->rep_port = a->client.port;
			e->rep_state = a->state;
			if (a->kind == POLICY_WEAK_TLS)
				set_add(e->cli, &e->nclients, 32,
				    addr_hash(&a->client.addr, 0));
			al->st.suppressed++;
			return;
		}
		/* The window is over: report its repeats, open a new one. */
		close_window(al, i, a->ts);
		drop_entry(al, i);
	}
	if (al->freelist == NIL && al->fresh < al->conf.max_keys) {
		al->e[al->fresh].hnext = NIL;
		al->freelist = al->fresh++;
	}
	if (al->freelist == NIL) {
		/* Full: the oldest window closes early to make room. */
		i = al->qhead;
		close_window(al, i, a->ts);
		drop_entry(al, i);
		al->st.evicted++;
	}
	i = al->freelist;
	e = &al->e[i];
	al->freelist = e->hnext;
	e->a = *a;
	e->start = a->ts;
	e->rep_count = 0;
	e->nclients = 0;
	if (a->kind == POLICY_WEAK_TLS)
		set_add(e->cli, &e->nclients, 32,
		    addr_hash(&a->client.addr, 0));
	e->hash = h;
	e->used = 1;
	e->hnext = al->bucket[h & al->mask];
	al->bucket[h & al->mask] = i;
	q_append(al, i);
	emit(al, a, a->ts);
}

/* ----- scans (see alert.h) ----- */

/* A violation of a flow nobody answered or that was refused. */
static int
is_probe(const struct alert *a)
{
	/* Flow findings only: devices and fragments are not probes. */
	return (a->transport == 6 || a->transport == 17) &&
	    a->state != POLICY_ESTABLISHED && a->kind < POLICY_SCAN &&
	    a->kind != POLICY_UNKNOWN_DEVICE;
}

static struct alert_scan *
scan_find(struct alert_ctx *al, const struct addr *src)
{
	int i;

	for (i = 0; i < ALERT_SCAN_SOURCES; i++)
		if (al->scan[i].used && addr_cmp(&al->scan[i].src, src) == 0)
			return &al->scan[i];
	return NULL;
}

/* The held probes of t go out as ordinary alerts. */
static void
scan_release(struct alert_ctx *al, struct alert_scan *t)
{
	uint32_t i;

	for (i = 0; i < t->nheld; i++)
		dedup(al, &t->held[i]);
	t->nheld = 0;
}

/* Writes the kinds in mask as "a, b" into buf. */
static void
kinds_text(uint16_t mask, char *buf, size_t len)
{
	size_t off = 0;
	int k;

	buf[0] = '\0';
	for (k = 0; k < POLICY_KIND_MAX && off < len; k++) {
		if (!(mask & (1u << k)))
			continue;
		off += (size_t)snprintf(buf + off, len - off, "%s%s",
		    off ? ", " : "", policy_kind_name((enum policy_kind)k));
	}
}

/* Fills t's scan alert from its counters as of ts. */
static void
scan_alert(struct alert_scan *t, uint64_t ts)
{
	struct alert *a = &t->scan;
	char who[ADDR_STRLEN], kinds[160];

	a->kind = POLICY_SCAN;
	a->severity = 7;
	snprintf(a->rule_id, sizeof(a->rule_id), "VW-SCAN");
	snprintf(a->rule_name, sizeof(a->rule_name), "One source probes "
	    "many ports or hosts, most of them unanswered or refused");
	snprintf(a->section, sizeof(a->section), "Network segmentation");
	snprintf(a->nist, sizeof(a->nist), "SI-4, SC-7");
	a->protocol[0] = '\0';
	a->host_name[0] = '\0';
	a->risk = 0;
	a->scan_targets = t->ntgt;
	a->scan_hosts = t->nhost;
	a->scan_ports = t->nport;
	a->scan_refused = t->refused;
	a->scan_unanswered = t->unanswered;
	a->scan_kinds = t->kinds;
	a->first_seen = t->start;
	a->last_seen = ts;
	a->ts = ts;
	kinds_text(t->kinds, kinds, sizeof(kinds));
	snprintf(a->reason, sizeof(a->reason), "scan: %s%s%s probed %u "
	    "ports on %u hosts in %llu s (%u refused, %u unanswered); "
	    "breaks %s", addr_fmt(&a->client.addr, who, sizeof(who)),
	    a->client.host[0] ? " " : "", a->client.host, t->nport, t->nhost,
	    (unsigned long long)((ts - t->start) / 1000000u), t->refused,
	    t->unanswered, kinds);
}

/* Ends t's scan: a summary of the probes folded since its alert. */
static void
scan_end(struct alert_ctx *al, struct alert_scan *t, uint64_t now)
{
	if (t->scanning && t->folded > 0) {
		scan_alert(t, t->last);
		t->scan.repeat = 1;
		t->scan.count = t->folded;
		al->st.scans++;
		emit(al, &t->scan, now);
	}
	scan_release(al, t);
	t->used = 0;
}

/* Counts probe a into t. */
static void
scan_count(struct alert_scan *t, const struct alert *a)
{
	uint32_t tg = addr_hash(&a->server.addr, (uint32_t)a->server.port <<
	    8 | a->transport);
	uint32_t i;
	int newport = 1;

	t->kinds |= (uint16_t)(1u << a->kind);
	t->last = a->ts;
	/* One probe flow may break several kinds: count the flow once. */
	if (!set_add(t->tgt, &t->ntgt, 64, tg))
		return;
	set_add(t->host, &t->nhost, 64, addr_hash(&a->server.addr, 0));
	for (i = 0; i < t->nport && i < 64; i++)
		if (t->port[i] == a->server.port)
			newport = 0;
	if (newport) {
		if (t->nport < 64)
			t->port[t->nport] = a->server.port;
		t->nport++;
	}
	if (a->state == POLICY_REFUSED)
		t->refused++;
	else
		t->unanswered++;
}

/*
 * Returns 1 when a was taken for the scan check (held, or folded into a
 * scan), 0 when it goes on to de-duplication.  Called locked.
 */
static int
scan_take(struct alert_ctx *al, const struct alert *a)
{
	struct alert_scan *t = scan_find(al, &a->client.addr);
	int i, oldest = 0;

	if (!is_probe(a)) {
		if (t != NULL)
			t->kinds |= (uint16_t)(1u << a->kind);
		return 0;
	}
	if (t != NULL && a->ts > t->last + ALERT_SCAN_WINDOW &&
	    a->ts > t->start + ALERT_SCAN_WINDOW) {
		scan_end(al, t, a->ts);
		t = NULL;
	}
	if (t == NULL) {
		/* A free tracker, or the one idle longest makes room. */
		for (i = 0; i < ALERT_SCAN_SOURCES; i++) {
			if (!al->scan[i].used)
				break;
			if (al->scan[i].last < al->scan[oldest].last)
				oldest = i;
		}
		if (i == ALERT_SCAN_SOURCES) {
			i = oldest;
			scan_end(al, &al->scan[i], a->ts);
		}
		t = &al->scan[i];
		memset(t, 0, offsetof(struct alert_scan, scan));
		t->nheld = 0;
		t->used = 1;
		t->src = a->client.addr;
		t->start = t->last = a->ts;
	}
	scan_count(t, a);
	if (t->scanning) {
		t->folded++;
		al->st.suppressed++;
		return 1;
	}
	if (t->ntgt >= ALERT_SCAN_TARGETS) {
		/* A scan: one alert instead of the probes held. */
		al->st.suppressed += t->nheld + 1;
		t->nheld = 0;
		t->scanning = 1;
		t->scan = *a;
		t->scan.repeat = 0;
		t->scan.count = t->ntgt;
		scan_alert(t, a->ts);
		al->st.scans++;
		emit(al, &t->scan, a->ts);
		return 1;
	}
	if (t->nheld == ALERT_SCAN_TARGETS) {
		/* Full: the oldest held probe goes out as it is. */
		dedup(al, &t->held[0]);
		memmove(&t->held[0], &t->held[1],
		    (ALERT_SCAN_TARGETS - 1) * sizeof(t->held[0]));
		t->nheld--;
	}
	t->held[t->nheld++] = *a;
	al->st.probes_held++;
	return 1;
}

/* Ends the scan windows that closed before now. */
static void
scan_expire(struct alert_ctx *al, uint64_t now, int all)
{
	int i;

	for (i = 0; i < ALERT_SCAN_SOURCES; i++) {
		struct alert_scan *t = &al->scan[i];

		if (t->used && (all || (now > t->last + ALERT_SCAN_WINDOW &&
		    now > t->start + ALERT_SCAN_WINDOW)))
			scan_end(al, t, all ? al->now : now);
	}
}

void
alert_violation(const struct violation *v, void *arg)
{
	struct alert_ctx *al = arg;
	struct alert a;

	alert_from(&a, v);
	pthread_mutex_lock(&al->lock);
	/*
	 * The instance comes from the first violation (its packet time to
	 * the microsecond and its key), not from a random draw: alert ids
	 * then differ between runs over different traffic, a restarted
	 * sensor's included, and the same capture read twice gives the
	 * same output, ids and all.
	 */
	if (al->violations_seen++ == 0)
		al->instance = (uint64_t)key_hash(&a) << 32 ^
		    (v->ts * 0x9e3779b97f4a7c15ull) ^ v->ts;
	al->st.violations++;
	if (v->ts > al->now)
		al->now = v->ts;
	if (!scan_take(al, &a))
		dedup(al, &a);
	pthread_mutex_unlock(&al->lock);
}

void
alert_expire(struct alert_ctx *al, uint64_t now)
{
	uint64_t w = (uint64_t)al->conf.window * 1000000u;
	uint32_t i;

	pthread_mutex_lock(&al->lock);
	if (now > al->now)
		al->now = now;
	scan_expire(al, now, 0);
	while ((i = al->qhead) != NIL && al->e[i].start + w <= now) {
		close_window(al, i, now);
		drop_entry(al, i);
	}
	pthread_mutex_unlock(&al->lock);
}

void
alert_flush(struct alert_ctx *al)
{
	uint32_t i;

	/* Summaries at the end are as of the last packet time seen. */
	pthread_mutex_lock(&al->lock);
	scan_expire(al, al->now, 1);
	while ((i = al->qhead) != NIL) {
		close_window(al, i, al->now);
		drop_entry(al, i);
	}
	pthread_mutex_unlock(&al->lock);
}

const struct alert_stats *
alert_stats(const struct alert_ctx *al)
{
	return &al->st;
}

void
alert_stats_get(struct alert_ctx *al, struct alert_stats *st)
{
	pthread_mutex_lock(&al->lock);
	*st = al->st;
	pthread_mutex_unlock(&al->lock);
}

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
	uint32_t hash;
	uint32_t hnext;		/* bucket chain */
	uint32_t qprev, qnext;	/* window queue, oldest first */
	int used;
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
	uint32_t qhead, qtail;
	double tokens;
	uint64_t tokens_ts;
	uint64_t now;		/* latest packet time seen */
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
	if (al->e == NULL || al->bucket == NULL) {
		alert_free(al);
		return NULL;
	}
	al->conf.max_keys = n;
	al->mask = nb - 1;
	for (i = 0; i < nb; i++)
		al->bucket[i] = NIL;
	for (i = 0; i < n; i++)
		al->e[i].hnext = i + 1 < n ? i + 1 : NIL;
	al->freelist = 0;
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
	if (x->kind != y->kind || strcmp(x->rule_id, y->rule_id) != 0 ||
	    addr_cmp(&x->client.addr, &y->client.addr) != 0)
		return 0;
	if (x->kind == POLICY_UNKNOWN_DEVICE)
		return memcmp(x->client.mac, y->client.mac, 6) == 0;
	return addr_cmp(&x->server.addr, &y->server.addr) == 0 &&
	    x->server.port == y->server.port && x->transport == y->transport;
}

/* Hands a to the outputs if the rate limit lets it through. */
static void
emit(struct alert_ctx *al, const struct alert *a, uint64_t now)
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

void
alert_violation(const struct violation *v, void *arg)
{
	struct alert_ctx *al = arg;
	struct alert a;
	struct alert_entry *e;
	uint32_t h, i;

	alert_from(&a, v);
	pthread_mutex_lock(&al->lock);
	al->st.violations++;
	if (v->ts > al->now)
		al->now = v->ts;
	h = key_hash(&a);
	for (i = al->bucket[h & al->mask]; i != NIL; i = al->e[i].hnext) {
		e = &al->e[i];
		if (e->hash == h && key_eq(&e->a, &a))
			break;
	}
	if (i != NIL) {
		e = &al->e[i];
		if (v->ts < e->start + (uint64_t)al->conf.window * 1000000u) {
			if (e->rep_count++ == 0)
				e->rep_first = v->ts;
			e->rep_last = v->ts;
			e->rep_port = v->client.port;
			e->rep_state = v->state;
			al->st.suppressed++;
			pthread_mutex_unlock(&al->lock);
			return;
		}
		/* The window is over: report its repeats, open a new one. */
		close_window(al, i, v->ts);
		drop_entry(al, i);
	}
	if (al->freelist == NIL) {
		/* Full: the oldest window closes early to make room. */
		i = al->qhead;
		close_window(al, i, v->ts);
		drop_entry(al, i);
		al->st.evicted++;
	}
	i = al->freelist;
	e = &al->e[i];
	al->freelist = e->hnext;
	e->a = a;
	e->start = v->ts;
	e->rep_count = 0;
	e->hash = h;
	e->used = 1;
	e->hnext = al->bucket[h & al->mask];
	al->bucket[h & al->mask] = i;
	q_append(al, i);
	emit(al, &a, v->ts);
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

/*
 * parallel.c - the offline reader on several cores (see parallel.h).
 *
 * Every worker reads the files itself; the shared state is, each with
 * one writer:
 *   - each worker's output queue, a byte ring of records (a key, a kind,
 *     a payload) written by the worker and read by the merge;
 *   - each worker's mark: every frame below it is done, and its outputs
 *     are in its queue (published after them);
 *   - the stop: the merging thread asks the workers to halt, each one
 *     says where it paused, and the merging thread sets the frame all
 *     stop at (the furthest one's).
 * The merge (on the calling thread) takes the record with the lowest key
 * among the queues' heads once no worker can still produce a lower one: a
 * worker whose queue is empty could, unless its mark is past the record's
 * frame or it has finished.  The merging thread sleeps on a futex that a
 * worker wakes when it publishes progress and sees it asleep; a worker
 * whose queue is full, that waits for the stop's frame or that is too far
 * ahead of the slowest (PARALLEL_LEAD) sleeps 50 or 100 us at a time.
 */
#include <sys/resource.h>
#include <sys/syscall.h>

#include <linux/futex.h>

#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "learn.h"
#include "log.h"
#include "parallel.h"

/* Output records: header, then the kind's payload; 8-byte aligned. */
enum rec_kind {
	REC_PAD = 0,		/* the rest of the ring before it wraps */
	REC_VIOLATION,
	REC_FLOW,
	REC_EXPIRE,
	REC_PACKET,
};

struct rec_hdr {
	uint32_t len;		/* bytes of the record, header included */
	uint32_t kind;		/* enum rec_kind */
	struct pipeline_key key;
};

struct rec_violation {
	struct violation v;
	uint32_t hostlen;	/* host_name's bytes that follow, 0: NULL */
	uint32_t pad;
};

struct rec_flow {
	struct flow f;
	struct policy_verdict pv;
	uint32_t reason;	/* enum flow_end */
	uint32_t has_pv;
	uint32_t reclen;	/* record bytes that follow, 0: none */
	int32_t fam;		/* classify_family() */
};

struct rec_packet {
	struct pkt p;		/* payload: the bytes that follow */
};

#define ALIGN8(n)	(((n) + 7u) & ~(size_t)7u)

struct worker {
	struct parallel *par;
	int id;
	pthread_t thread;
	int started;
	struct pipeline *pl;
	struct pipeline_clock clk;	/* its own packet time */
	struct decoder *dec;		/* for the workers of a frame */
	uint64_t r;			/* frames delivered by its clock */
	uint64_t *nread;		/* frames read of each file */
	int file;			/* the file being read */
	int halted;			/* it has paused for the stop */
	int rc;				/* its reads: 0, or -1 */
	_Atomic int stop;		/* ends its reads: past the stop */
	/* The stop: where it paused, or ended its reads. */
	_Atomic uint64_t pos;
	_Atomic int paused;
	_Atomic int eof;
	/* The output queue. */
	uint8_t *q;
	_Atomic uint64_t qhead;		/* consumed (merge), unwrapped */
	_Atomic uint64_t qtail;		/* produced (worker), unwrapped */
	_Atomic uint64_t mark;		/* frames below it are done */
	_Atomic int finished;		/* flushed: nothing more comes */
	uint64_t packets;		/* frames it analysed */
	double cpu;			/* its thread's CPU seconds */
};

struct parallel {
	int n;
	struct worker *w;
	const struct conf *conf;
	struct parallel_out out;
	uint64_t seed;
	/* What the workers read, and how. */
	const char *const *files;
	int nfiles;
	parallel_read_cb read;
	void *read_arg;
	/* The stop: asked, then the frame every worker stops at. */
	_Atomic int halt;
	_Atomic int failed;		/* a worker has no pipeline */
	_Atomic uint64_t limit;
	/* The merging thread sleeps on rd_word. */
	_Atomic uint32_t rd_word, rd_sleeping;
	struct pipeline_events ev;
	double merge_cpu;		/* the merging thread's, in the read */
};

/* CPU seconds (user and system) of the calling thread so far. */
static double
thread_cpu(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_THREAD, &ru) == -1)
		return 0;
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_stime.tv_sec +
	    ((double)ru.ru_utime.tv_usec + (double)ru.ru_stime.tv_usec) / 1e6;
}

static int pkt_mine(void *, const struct pkt *);

/* Sleeps while *word is v, at most 2 ms (a wake-up may come late). */
static void
futex_wait(_Atomic uint32_t *word, uint32_t v)
{
	struct timespec ts = { 0, 2000000 };

	syscall(SYS_futex, (uint32_t *)word, FUTEX_WAIT_PRIVATE, v, &ts,
	    NULL, 0);
}

/* Wakes who sleeps on word, after bumping it, if sleepers says any do. */
static void
futex_wake(_Atomic uint32_t *word, _Atomic uint32_t *sleepers)
{
	atomic_thread_fence(memory_order_seq_cst);
	if (atomic_load_explicit(sleepers, memory_order_relaxed) == 0)
		return;
	atomic_fetch_add(word, 1);
	syscall(SYS_futex, (uint32_t *)word, FUTEX_WAKE_PRIVATE, INT32_MAX,
	    NULL, NULL, 0);
}

static void
par_pause(unsigned *spins)
{
	struct timespec ts = { 0, 50000 };

	if (*spins < 64)
		(*spins)++;
	else if (*spins < 128) {
		(*spins)++;
		sched_yield();
	} else
		nanosleep(&ts, NULL);
}

static void stop_register(struct worker *, uint64_t);

/*
 * Worker w's queue is full: the merge frees room, so the merging thread
 * must not sleep.  A stop asked meanwhile counts this worker as paused
 * after the frame it is in (its records wait for the others' progress,
 * which waits for the stop's frame).
 */
static void
queue_wait(struct worker *w, unsigned *spins)
{
	if (atomic_load_explicit(&w->par->halt, memory_order_relaxed) &&
	    !w->halted && !atomic_load_explicit(&w->eof,
	    memory_order_relaxed))
		stop_register(w, w->r + 1);
	futex_wake(&w->par->rd_word, &w->par->rd_sleeping);
	par_pause(spins);
}

/*
 * Room for a record of len bytes in worker w's queue, contiguous: waits
 * for the merge while there is none.  Returns where it goes.
 */
static uint8_t *
queue_reserve(struct worker *w, size_t len)
{
	uint64_t tail = atomic_load_explicit(&w->qtail, memory_order_relaxed);
	size_t off = (size_t)(tail % PARALLEL_QUEUE), end;
	unsigned spins = 0;
	struct rec_hdr *pad;

	/* Not enough before the end: a pad record takes the rest. */
	if (off + len > PARALLEL_QUEUE) {
		end = PARALLEL_QUEUE - off;
		while (tail + end - atomic_load_explicit(&w->qhead,
		    memory_order_acquire) > PARALLEL_QUEUE)
			queue_wait(w, &spins);
		pad = (struct rec_hdr *)(void *)(w->q + off);
		pad->len = (uint32_t)end;
		pad->kind = REC_PAD;
		tail += end;
		atomic_store_explicit(&w->qtail, tail, memory_order_release);
		off = 0;
	}
	while (tail + len - atomic_load_explicit(&w->qhead,
	    memory_order_acquire) > PARALLEL_QUEUE) {
		queue_wait(w, &spins);
	}
	return w->q + off;
}

static void
queue_commit(struct worker *w, size_t len)
{
	atomic_store_explicit(&w->qtail, atomic_load_explicit(&w->qtail,
	    memory_order_relaxed) + len, memory_order_release);
}

/*
 * A record of kind with body bytes after its header, reserved in w's
 * queue with its header filled; the caller writes the body, then
 * queue_commit(w, h->len).
 */
static struct rec_hdr *
rec_begin(struct worker *w, enum rec_kind kind,
    const struct pipeline_key *key, size_t body)
{
	size_t len = ALIGN8(sizeof(struct rec_hdr) + body);
	struct rec_hdr *h = (struct rec_hdr *)(void *)queue_reserve(w, len);

	h->len = (uint32_t)len;
	h->kind = kind;
	h->key = *key;
	return h;
}

static void
ev_violation(const struct pipeline_key *key, const struct violation *v,
    void *arg)
{
	struct worker *w = arg;
	size_t hl = v->host_name != NULL ? strlen(v->host_name) + 1 : 0;
	struct rec_hdr *h = rec_begin(w, REC_VIOLATION, key,
	    sizeof(struct rec_violation) + hl);
	struct rec_violation *rv = (struct rec_violation *)(void *)(h + 1);

	rv->v = *v;
	rv->hostlen = (uint32_t)hl;
	if (hl > 0)
		memcpy(rv + 1, v->host_name, hl);
	queue_commit(w, h->len);
}

static void
ev_flow(const struct pipeline_key *key, const struct flow *f,
    enum flow_end reason, const struct policy_verdict *pv, int fam,
    const char *rec, size_t reclen, void *arg)
{
	struct worker *w = arg;
	struct rec_hdr *h = rec_begin(w, REC_FLOW, key,
	    sizeof(struct rec_flow) + (rec != NULL ? reclen : 0));
	struct rec_flow *rf = (struct rec_flow *)(void *)(h + 1);

	rf->f = *f;
	rf->reason = (uint32_t)reason;
	rf->fam = fam;
	rf->has_pv = pv != NULL;
	if (pv != NULL)
		rf->pv = *pv;
	rf->reclen = rec != NULL ? (uint32_t)reclen : 0;
	if (rf->reclen > 0)
		memcpy(rf + 1, rec, reclen);
	queue_commit(w, h->len);
}

static void
ev_expire(const struct pipeline_key *key, uint64_t now, void *arg)
{
	struct worker *w = arg;
	struct rec_hdr *h = rec_begin(w, REC_EXPIRE, key, sizeof(now));

	memcpy(h + 1, &now, sizeof(now));
	queue_commit(w, h->len);
}

static void
ev_packet(const struct pipeline_key *key, const struct pkt *p, void *arg)
{
	struct worker *w = arg;
	size_t pl = p->payload != NULL ? p->paylen : 0;
	struct rec_hdr *h = rec_begin(w, REC_PACKET, key,
	    sizeof(struct rec_packet) + pl);
	struct rec_packet *rp = (struct rec_packet *)(void *)(h + 1);

	rp->p = *p;
	/* Only the payload is read: the rest of the frame is not kept. */
	rp->p.paylen = (uint32_t)pl;
	rp->p.l3 = NULL;
	rp->p.l3len = 0;
	rp->p.nouter = 0;
	rp->p.outer = NULL;
	if (pl > 0)
		memcpy(rp + 1, p->payload, pl);
	queue_commit(w, h->len);
}

/* One merged record into the outputs, as one pipeline would have. */
static void
rec_apply(struct parallel *par, const struct rec_hdr *h)
{
	const struct parallel_out *o = &par->out;
	struct rec_violation rv;
	struct rec_flow rf;
	struct rec_packet rp;
	uint64_t now;

	switch (h->kind) {
	case REC_VIOLATION:
		memcpy(&rv, h + 1, sizeof(rv));
		rv.v.host_name = rv.hostlen > 0 ?
		    (const char *)(h + 1) + sizeof(rv) : NULL;
		if (o->al != NULL)
			alert_violation(&rv.v, o->al);
		break;
	case REC_FLOW:
		memcpy(&rf, h + 1, sizeof(rf));
		if (rf.has_pv && o->vcb != NULL) {
			rf.pv.f = &rf.f;
			o->vcb(&rf.pv, o->varg);
		}
		if (rf.reclen > 0 && o->fl != NULL)
			(void)flowlog_write_line(o->fl,
			    (const char *)(h + 1) + sizeof(rf), rf.reclen);
		if (o->learn != NULL)
			(void)learn_flow(o->learn, &rf.f,
			    (enum classify_family)rf.fam);
		break;
	case REC_PACKET:
		memcpy(&rp, h + 1, sizeof(rp));
		rp.p.payload = rp.p.paylen > 0 ?
		    (const uint8_t *)(h + 1) + sizeof(rp) : NULL;
		if (o->learn != NULL)
			learn_packet(o->learn, &rp.p);
		break;
	case REC_EXPIRE:
		memcpy(&now, h + 1, sizeof(now));
		if (o->al != NULL)
			alert_expire(o->al, now);
		break;
	}
}

/*
 * The head record of w's queue (pads skipped), or NULL when it is empty.
 * Reads the mark and the finished flag first: a queue found empty after
 * them holds everything produced before them.
 */
static const struct rec_hdr *
queue_head(struct worker *w, uint64_t *mark, int *finished)
{
	uint64_t head, tail;
	const struct rec_hdr *h;

	*finished = atomic_load_explicit(&w->finished, memory_order_acquire);
	*mark = atomic_load_explicit(&w->mark, memory_order_acquire);
	head = atomic_load_explicit(&w->qhead, memory_order_relaxed);
	for (;;) {
		tail = atomic_load_explicit(&w->qtail, memory_order_acquire);
		if (head == tail)
			return NULL;
		h = (const struct rec_hdr *)(const void *)(w->q +
		    head % PARALLEL_QUEUE);
		if (h->kind != REC_PAD)
			return h;
		head += h->len;
		atomic_store_explicit(&w->qhead, head, memory_order_release);
	}
}

/*
 * Writes every record that no worker can precede any more.  Returns the
 * number written.
 */
static uint64_t
par_merge(struct parallel *par)
{
	const struct rec_hdr *heads[PARALLEL_MAX_WORKERS], *best;
	uint64_t marks[PARALLEL_MAX_WORKERS], n = 0;
	int fin[PARALLEL_MAX_WORKERS];
	int i, bi;

	for (i = 0; i < par->n; i++)
		heads[i] = queue_head(&par->w[i], &marks[i], &fin[i]);
	for (;;) {
		best = NULL;
		bi = -1;
		for (i = 0; i < par->n; i++)
			if (heads[i] != NULL && (best == NULL ||
			    pipeline_key_cmp(&heads[i]->key, &best->key) < 0)) {
				best = heads[i];
				bi = i;
			}
		if (best == NULL)
			return n;
		/* A worker with nothing queued could still come before it. */
		for (i = 0; i < par->n; i++)
			if (heads[i] == NULL && !fin[i] &&
			    marks[i] <= best->key.frame)
				return n;
		rec_apply(par, best);
		atomic_store_explicit(&par->w[bi].qhead,
		    atomic_load_explicit(&par->w[bi].qhead,
		    memory_order_relaxed) + best->len, memory_order_release);
		heads[bi] = queue_head(&par->w[bi], &marks[bi], &fin[bi]);
		n++;
		/* Others' marks move on meanwhile: look again when stuck. */
		for (i = 0; i < par->n; i++)
			if (heads[i] == NULL && !fin[i])
				heads[i] = queue_head(&par->w[i], &marks[i],
				    &fin[i]);
	}
}

/*
 * Publishes that every frame below r is done (its outputs queued).  The
 * merging thread looks every 2 ms: it is woken only when this worker's
 * queue is half full (and when it pauses or ends), not for every mark.
 */
static void
worker_publish(struct worker *w, uint64_t r)
{
	atomic_store_explicit(&w->mark, r, memory_order_release);
	if (atomic_load_explicit(&w->qtail, memory_order_relaxed) -
	    atomic_load_explicit(&w->qhead, memory_order_relaxed) >
	    PARALLEL_QUEUE / 2)
		futex_wake(&w->par->rd_word, &w->par->rd_sleeping);
}

/*
 * The stop was asked: says that this worker will have done every frame
 * below pos before it reads another (it waits for the stop's frame
 * before it does, in worker_frame()).
 */
static void
stop_register(struct worker *w, uint64_t pos)
{
	w->halted = 1;
	atomic_store_explicit(&w->pos, pos, memory_order_relaxed);
	atomic_store_explicit(&w->paused, 1, memory_order_release);
	futex_wake(&w->par->rd_word, &w->par->rd_sleeping);
}

/* One address mixed with the seed: two 64-bit words, multiplied. */
static uint64_t
addr_mix(const struct addr *a, uint64_t seed)
{
	uint64_t w0, w1, x;

	memcpy(&w0, a->b, 8);
	memcpy(&w1, a->b + 8, 8);
	x = (w0 ^ seed) * 0x9e3779b97f4a7c15ull + w1;
	x ^= x >> 32;
	x *= 0xd6e8feb86659fd93ull;
	x ^= x >> 32;
	return x;
}

/*
 * The worker of a packet: a hash of its addresses, the same both ways
 * (their mixes added), scaled to the workers by its high bits.
 */
static uint32_t
pair_worker(const struct parallel *par, const struct addr *a,
    const struct addr *b)
{
	uint64_t h;
	int pa = addr_is_public(a), pb = addr_is_public(b);

	/*
	 * A site's host talking to the Internet: by the site's end alone,
	 * so that nDPI's memory of a host's earlier flows (a Teams client
	 * named by its TLS, then its STUN) is in one worker.
	 */
	if (pa != pb)
		h = addr_mix(pa ? b : a, par->seed);
	else
		h = addr_mix(a, par->seed) + addr_mix(b, par->seed);

	return (uint32_t)(((h >> 32) * (uint64_t)par->n) >> 32);
}

static uint32_t
pkt_worker(const struct parallel *par, const struct pkt *p)
{
	return pair_worker(par, &p->src, &p->dst);
}

/* pipeline_owner_cb of worker w. */
static int
pkt_mine(void *arg, const struct pkt *p)
{
	struct worker *w = arg;

	return pkt_worker(w->par, p) == (uint32_t)w->id;
}

/*
 * The workers of a frame (1 << worker), and in *primary the one that
 * counts it: each packet in it (the tunnels it came through, but a mirror
 * feed's, and the innermost one) is the worker's of its pair of
 * addresses; the innermost one's counts the frame.  What does not decode
 * is only counted, by worker 0.  Every worker works it out the same way,
 * its decoder having seen the same frames (fragments).
 */
static uint64_t
frame_workers(struct worker *w, int dlt, uint64_t t, const uint8_t *data,
    uint32_t caplen, uint32_t len, uint32_t *primary)
{
	const struct parallel *par = w->par;
	enum decode_result r;
	struct addr a, b;
	struct pkt p;
	uint64_t mask;
	unsigned i;

	/* Most frames: one IP packet, read without the decoder. */
	if (decode_pair(dlt, data, caplen, &a, &b)) {
		*primary = pair_worker(par, &a, &b);
		return 1ull << *primary;
	}
	*primary = 0;
	r = decode_packet(w->dec, dlt, t, data, caplen, len, &p);
	if (r != DECODE_OK && r != DECODE_ARP)
		return 1;
	*primary = pkt_worker(par, &p);
	mask = 1ull << *primary;
	for (i = 0; i < p.nouter; i++)
		if (!(p.outer[i].flags & PKT_F_MIRROR))
			mask |= 1ull << pkt_worker(par, &p.outer[i]);
	return mask;
}

/*
 * A worker with little of the traffic reads ahead of the others: at most
 * PARALLEL_LEAD frames ahead of the slowest, so that a stop, which ends
 * all at the furthest one's frame, ends soon.
 */
static void
worker_lead(struct worker *w, uint64_t r)
{
	struct parallel *par = w->par;
	struct timespec ts = { 0, 100000 };
	uint64_t m;
	int i;

	for (;;) {
		for (i = 0; i < par->n; i++) {
			if (i == w->id || atomic_load_explicit(&par->w[i].eof,
			    memory_order_relaxed))
				continue;
			m = atomic_load_explicit(&par->w[i].mark,
			    memory_order_relaxed);
			if (m + PARALLEL_LEAD < r)
				break;
		}
		if (i == par->n ||
		    atomic_load_explicit(&par->halt, memory_order_relaxed))
			return;
		nanosleep(&ts, NULL);
	}
}

/* A frame the worker's clock delivered (a pipeline_deliver_cb). */
static void
worker_frame(void *arg, int dlt, uint64_t t, const uint8_t *data,
    uint32_t caplen, uint32_t len)
{
	struct worker *w = arg;
	struct parallel *par = w->par;
	uint64_t r = w->r, mask;
	uint32_t primary;

	if (atomic_load_explicit(&par->halt, memory_order_relaxed)) {
		struct timespec ts = { 0, 50000 };

		if (!w->halted) {
			worker_publish(w, r);
			stop_register(w, r);
		}
		while (atomic_load_explicit(&par->limit,
		    memory_order_acquire) == UINT64_MAX)
			nanosleep(&ts, NULL);
	}
	/* Past the stop: the rest of the read is skipped. */
	if (r >= atomic_load_explicit(&par->limit, memory_order_relaxed)) {
		atomic_store_explicit(&w->stop, 1, memory_order_relaxed);
		return;
	}
	mask = frame_workers(w, dlt, t, data, caplen, len, &primary);
	if (mask & (1ull << w->id)) {
		pipeline_frame_at(w->pl, r, dlt, t, data, caplen, len,
		    (primary == (uint32_t)w->id ? PIPELINE_FRAME_COUNT : 0) |
		    (mask == 1ull << w->id ? PIPELINE_FRAME_WHOLE : 0));
		if (primary == (uint32_t)w->id)
			w->packets++;
	} else
		pipeline_clock_at(w->pl, r, t);
	w->r = ++r;
	if ((r & 255) == 0) {
		worker_publish(w, r);
		if ((r & 4095) == 0)
			worker_lead(w, r);
	}
}

/* A frame of the capture (a capture_cb), onto the worker's clock. */
static void
worker_capture(void *arg, int dlt, uint64_t ts, const uint8_t *data,
    uint32_t caplen, uint32_t len)
{
	struct worker *w = arg;

	w->nread[w->file]++;
	pipeline_clock_frame(&w->clk, dlt, ts, data, caplen, len,
	    worker_frame, w);
}

/*
 * The worker's pipeline, made on its own thread (the workers' tables are
 * set up at once, nDPI's one after another): 0, or -1 after stopping the
 * others.
 */
static int
worker_pipeline(struct worker *w)
{
	struct parallel *par = w->par;

	if ((w->pl = pipeline_new(par->conf, NULL, NULL)) == NULL) {
		log_warnx("worker %d: cannot create its pipeline", w->id);
		atomic_store(&par->failed, 1);
		atomic_store(&par->halt, 1);
		atomic_store(&par->limit, 0);
		return -1;
	}
	/* Worker 0 says when the alert windows close: all agree. */
	pipeline_set_events(w->pl, &par->ev, w,
	    (par->out.fl != NULL ? PIPELINE_EV_RECORDS : 0) |
	    (w->id == 0 ? PIPELINE_EV_EXPIRE : 0) |
	    (par->out.learn != NULL ? PIPELINE_EV_LEARN : 0));
	if (par->n > 1)
		pipeline_set_owner(w->pl, pkt_mine, w);
	return 0;
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	struct parallel *par = w->par;
	int i;

	if (worker_pipeline(w) == -1) {
		atomic_store_explicit(&w->eof, 1, memory_order_release);
		atomic_store_explicit(&w->finished, 1, memory_order_release);
		futex_wake(&par->rd_word, &par->rd_sleeping);
		return NULL;
	}
	for (i = 0; i < par->nfiles &&
	    !atomic_load_explicit(&w->stop, memory_order_relaxed); i++) {
		w->file = i;
		if (par->read(worker_capture, w, par->files[i], w->id == 0,
		    &w->stop, par->read_arg) == -1)
			w->rc = -1;
	}
	pipeline_clock_flush(&w->clk, worker_frame, w);
	/* Read to the end: the stop's frame is no further than here. */
	atomic_store_explicit(&w->pos, w->r, memory_order_relaxed);
	atomic_store_explicit(&w->eof, 1, memory_order_release);
	worker_publish(w, w->r);
	pipeline_flush(w->pl);
	w->cpu = thread_cpu();
	atomic_store_explicit(&w->finished, 1, memory_order_release);
	futex_wake(&par->rd_word, &par->rd_sleeping);
	return NULL;
}

struct parallel *
parallel_new(const struct conf *conf, int nworkers,
    const struct parallel_out *out)
{
	struct parallel *par;
	int i;

	if (nworkers < 1 || nworkers > PARALLEL_MAX_WORKERS) {
		log_warnx("workers: %d is not within 1..%d", nworkers,
		    PARALLEL_MAX_WORKERS);
		return NULL;
	}
	if ((par = calloc(1, sizeof(*par))) == NULL) {
		log_warn("workers");
		return NULL;
	}
	par->n = nworkers;
	par->conf = conf;
	par->out = *out;
	par->ev.violation = ev_violation;
	par->ev.flow = ev_flow;
	par->ev.alert_expire = ev_expire;
	par->ev.packet = ev_packet;
	par->seed = (uint64_t)arc4random() << 32 | arc4random();
	atomic_init(&par->limit, UINT64_MAX);
	if ((par->w = calloc((size_t)nworkers, sizeof(*par->w))) == NULL) {
		log_warn("workers");
		goto fail;
	}
	for (i = 0; i < nworkers; i++) {
		struct worker *w = &par->w[i];

		w->par = par;
		w->id = i;
		if ((w->q = malloc(PARALLEL_QUEUE)) == NULL ||
		    pipeline_clock_init(&w->clk) == -1) {
			log_warn("workers");
			goto fail;
		}
		if ((w->dec = decode_new(conf->frag_slots)) == NULL) {
			log_warnx("cannot create the decoder");
			goto fail;
		}
	}
	return par;
fail:
	parallel_free(par);
	return NULL;
}

/*
 * The merging thread has nothing to do: asleep until a worker publishes
 * progress (or 2 ms), unless merging finds work after all.  Returns
 * records merged.
 */
static uint64_t
merge_sleep(struct parallel *par)
{
	uint64_t n;
	uint32_t v;

	atomic_store(&par->rd_sleeping, 1);
	v = atomic_load(&par->rd_word);
	if ((n = par_merge(par)) == 0)
		futex_wait(&par->rd_word, v);
	atomic_store(&par->rd_sleeping, 0);
	return n;
}

/*
 * The stop was asked and has no frame yet: once every worker has paused
 * or read to the end, the furthest one's position is where all stop.
 */
static void
stop_settle(struct parallel *par)
{
	uint64_t lim = 0, pos;
	int i;

	for (i = 0; i < par->n; i++) {
		if (!atomic_load_explicit(&par->w[i].paused,
		    memory_order_acquire) &&
		    !atomic_load_explicit(&par->w[i].eof,
		    memory_order_acquire))
			return;
		pos = atomic_load_explicit(&par->w[i].pos,
		    memory_order_relaxed);
		if (pos > lim)
			lim = pos;
	}
	atomic_store_explicit(&par->limit, lim, memory_order_release);
}

/*
 * Read to the end, every worker must have read the same frames of each
 * file: a file that grew while it was read (still being written) did not
 * give them all the same.  Says so; returns -1 then, else 0.
 */
static int
read_differs(const struct parallel *par)
{
	int i, k;

	for (k = 0; k < par->nfiles; k++)
		for (i = 1; i < par->n; i++)
			if (par->w[i].nread[k] != par->w[0].nread[k]) {
				log_warnx("%s: changed while it was read (a "
				    "capture still being written?): the "
				    "workers read %llu and %llu frames of it, "
				    "and the output may not be one worker's; "
				    "read it with --workers 1", par->files[k],
				    (unsigned long long)par->w[0].nread[k],
				    (unsigned long long)par->w[i].nread[k]);
				return -1;
			}
	return 0;
}

int
parallel_read(struct parallel *par, const char *const files[], int nfiles,
    parallel_read_cb read, void *arg, _Atomic int *stop)
{
	sigset_t all, old;
	double cpu0 = thread_cpu();
	uint64_t merged, ticks = 0;
	unsigned spins = 0;
	int i, fin, rc = 0;

	par->files = files;
	par->nfiles = nfiles;
	par->read = read;
	par->read_arg = arg;
	for (i = 0; i < par->n; i++)
		if ((par->w[i].nread = calloc(nfiles > 0 ? (size_t)nfiles : 1,
		    sizeof(uint64_t))) == NULL) {
			log_warn("workers");
			return -2;
		}
	/* Signals stop the reading: they are the calling thread's. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	for (i = 0; i < par->n; i++) {
		if (pthread_create(&par->w[i].thread, NULL, worker_main,
		    &par->w[i]) != 0) {
			log_warnx("cannot start worker %d", i);
			break;
		}
		par->w[i].started = 1;
		/* ps -L, top -H and perf tell the threads apart. */
		(void)pthread_setname_np(par->w[i].thread, "vmswatch-work");
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (i < par->n) {
		/* Those started stop at once, where they are. */
		atomic_store(&par->halt, 1);
		atomic_store(&par->limit, 0);
		for (; i < par->n; i++) {
			atomic_store(&par->w[i].eof, 1);
			atomic_store(&par->w[i].finished, 1);
		}
		rc = -2;
	}
	for (;;) {
		if (atomic_load_explicit(stop, memory_order_relaxed) &&
		    !atomic_load_explicit(&par->halt, memory_order_relaxed))
			atomic_store_explicit(&par->halt, 1,
			    memory_order_release);
		if (atomic_load_explicit(&par->halt, memory_order_relaxed) &&
		    atomic_load_explicit(&par->limit, memory_order_relaxed) ==
		    UINT64_MAX)
			stop_settle(par);
		if ((merged = par_merge(par)) > 0 && (ticks += merged) < 4096) {
			spins = 0;
			continue;
		}
		ticks = 0;
		if (par->out.tick != NULL)
			par->out.tick(par->out.tick_arg);
		if (merged > 0)
			continue;
		for (i = 0, fin = 1; i < par->n; i++)
			if ((!atomic_load_explicit(
			    &par->w[i].finished, memory_order_acquire) ||
			    atomic_load_explicit(&par->w[i].qhead,
			    memory_order_acquire) != atomic_load_explicit(
			    &par->w[i].qtail, memory_order_acquire)))
				fin = 0;
		if (fin)
			break;
		if (spins++ >= 64)
			(void)merge_sleep(par);
	}
	par->merge_cpu = thread_cpu() - cpu0;
	for (i = 0; i < par->n; i++)
		if (par->w[i].started) {
			pthread_join(par->w[i].thread, NULL);
			par->w[i].started = 0;
		}
	/* A worker without a thread or a pipeline: no totals to make. */
	if (rc == -2 || atomic_load(&par->failed))
		return -2;
	rc = par->w[0].rc;
	if (!atomic_load(&par->halt) && read_differs(par) == -1)
		rc = -1;
	for (i = 1; i < par->n; i++)
		pipeline_stats_add(par->w[0].pl, par->w[i].pl, NULL);
	pipeline_stats_add(par->w[0].pl, NULL, &par->w[0].clk);
	return rc;
}

struct pipeline *
parallel_totals(struct parallel *par)
{
	return par->w[0].pl;
}

int
parallel_workers(const struct parallel *par)
{
	return par->n;
}

uint64_t
parallel_worker_packets(const struct parallel *par, int i)
{
	return i >= 0 && i < par->n ? par->w[i].packets : 0;
}

double
parallel_worker_cpu(const struct parallel *par, int i)
{
	if (i < 0)
		return par->merge_cpu;
	return i < par->n ? par->w[i].cpu : 0;
}

void
parallel_free(struct parallel *par)
{
	int i;

	if (par == NULL)
		return;
	for (i = 0; par->w != NULL && i < par->n; i++) {
		pipeline_free(par->w[i].pl);
		decode_free(par->w[i].dec);
		pipeline_clock_free(&par->w[i].clk);
		free(par->w[i].nread);
		free(par->w[i].q);
	}
	free(par->w);
	free(par);
}

/*
 * flowtab.c - the flow table, the stage after decode (see flowtab.h).
 *
 * Layout: one array of max_flows struct flow, allocated in flowtab_new().
 * Free slots are chained through hnext; slots never used yet are handed out
 * from a high-water mark, so a large table costs no memory until traffic
 * needs it.  A bucket array (a power of two, at least max_flows) heads
 * chains of slot indexes through hnext.  Every live flow also sits on one
 * of four timeout queues, doubly linked through qprev/qnext and ordered by
 * last activity, so expiry, eviction and flushing only look at the four
 * heads.  Nothing here depends on the hash seed except which bucket a flow
 * lands in, so the sequence of flow ends is the same for any seed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include <netinet/in.h>

#include "flowtab.h"
#include "mem.h"

#define NIL UINT32_MAX	/* end of a chain or queue */

#define USEC 1000000ULL

/* TCP flags (RFC 9293, section 3.1). */
#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_ACK 0x10

/* struct flow.pflags */
#define PF_FIN_C2S 0x01	/* FIN sent by the client */
#define PF_FIN_S2C 0x02	/* FIN sent by the server */
#define PF_PAYLOAD 0x04	/* transport payload seen */

/* Timeout queues (struct flow.tq). */
enum {
	Q_TCP = 0,	/* TCP, open */
	Q_TCP_CLOSING,	/* TCP after FIN or RST */
	Q_UDP,
	Q_OTHER,	/* ICMP and everything else */
	Q_MAX
};

struct queue {
	uint32_t head, tail;	/* least and most recently active */
	uint64_t timeout;	/* microseconds */
};

struct flowtab {
	struct flow *flows;
	uint32_t *buckets;
	uint32_t mask;		/* number of buckets - 1 */
	uint32_t cap;
	uint32_t freelist;	/* slots freed, chained through hnext */
	uint32_t unused;	/* slots [unused, cap) were never used */
	int vlan_in_key;
	uint64_t seed;
	uint64_t active;	/* microseconds, 0: no active timeout */
	uint64_t now;		/* latest packet time (flowtab_clock()) */
	struct queue q[Q_MAX];
	flowtab_end_cb cb;
	void *arg;
	struct flowtab_stats st;
};

/*
 * The key of one packet, in packet order (source first).  Addresses are
 * held as 64-bit words, which are cheaper to compare and hash than bytes;
 * only equality and a consistent order are needed, so host byte order
 * does not matter.  pf and pr are the port pair as a flow stores it when
 * the packet goes client to server (pf) or server to client (pr); for ICMP
 * both are (type/code, 0), since type/code is not a per-end attribute.
 */
struct key {
	uint64_t a[2][2];	/* source, destination */
	uint16_t pf[2];
	uint16_t pr[2];
	uint16_t vlan;		/* 0 unless the VLAN is part of the key */
	uint8_t proto;
	uint8_t ipver;
	uint8_t icmp;		/* 1: ICMP or ICMPv6 */
	uint8_t icmp_reply;	/* 1: an ICMP reply, its receiver is client */
};

void
flowtab_conf_defaults(struct flowtab_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->max_flows = 262144;
	c->tcp_idle = 300;
	c->tcp_closed = 15;
	c->udp_idle = 120;
	c->other_idle = 60;
	c->active = 1800;
	c->vlan_in_key = 0;
	c->seed = 0;
}

/*
 * A seed from the kernel.  getrandom() first; /dev/urandom for kernels or
 * sandboxes without it.  Returns 0, or -1 if neither worked.
 */
static int
draw_seed(uint64_t *seed)
{
	ssize_t n;
	int fd;

	do
		n = getrandom(seed, sizeof(*seed), 0);
	while (n == -1 && errno == EINTR);
	if (n == (ssize_t)sizeof(*seed))
		return 0;
	if ((fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, seed, sizeof(*seed));
	close(fd);
	return n == (ssize_t)sizeof(*seed) ? 0 : -1;
}

struct flowtab *
flowtab_new(const struct flowtab_conf *c, flowtab_end_cb cb, void *arg)
{
	struct flowtab *t;
	uint32_t nb;
	size_t sz, bsz;

	/* Indexes are uint32_t with UINT32_MAX as the end marker. */
	if (c->max_flows == 0 || c->max_flows > (UINT32_C(1) << 31))
		return NULL;
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	t->cap = c->max_flows;
	for (nb = 1; nb < t->cap; nb <<= 1)
		;
	t->mask = nb - 1;
	t->vlan_in_key = c->vlan_in_key != 0;
	t->active = (uint64_t)c->active * USEC;
	t->q[Q_TCP].timeout = (uint64_t)c->tcp_idle * USEC;
	t->q[Q_TCP_CLOSING].timeout = (uint64_t)c->tcp_closed * USEC;
	t->q[Q_UDP].timeout = (uint64_t)c->udp_idle * USEC;
	t->q[Q_OTHER].timeout = (uint64_t)c->other_idle * USEC;
	for (int i = 0; i < Q_MAX; i++)
		t->q[i].head = t->q[i].tail = NIL;
	t->cb = cb;
	t->arg = arg;
	t->freelist = NIL;
	t->unused = 0;
	t->seed = c->seed;
	if (t->seed == 0 && draw_seed(&t->seed) == -1)
		goto fail;

	/*
	 * Flows are aligned to a cache line and left uninitialised: a slot
	 * is filled when it is first handed out, so the pages of a large
	 * table are only touched as traffic needs them.
	 */
	sz = (size_t)t->cap * sizeof(struct flow);
	sz = (sz + 63) & ~(size_t)63;
	if ((t->flows = aligned_alloc(64, sz)) == NULL)
		goto fail;
	mem_hugepages(t->flows, sz);
	bsz = (size_t)nb * sizeof(uint32_t);
	if ((t->buckets = malloc(bsz)) == NULL)
		goto fail;
	mem_hugepages(t->buckets, bsz);
	memset(t->buckets, 0xff, bsz);
	return t;
fail:
	flowtab_free(t);
	return NULL;
}

void
flowtab_free(struct flowtab *t)
{
	if (t == NULL)
		return;
	free(t->flows);
	free(t->buckets);
	free(t);
}

static inline uint64_t
load64(const uint8_t *b)
{
	uint64_t v;

	memcpy(&v, b, sizeof(v));
	return v;
}

/*
 * ICMP/ICMPv6 replies folded onto their requests' types, so that a query
 * and its answer are one flow.  Returns the request type; sets *reply.
 */
static uint8_t
icmp_request_type(uint8_t proto, uint8_t type, uint8_t *reply)
{
	*reply = 1;
	if (proto == IPPROTO_ICMP) {
		switch (type) {
		case 0:		/* echo reply (RFC 792) */
			return 8;
		case 14:	/* timestamp reply */
			return 13;
		case 16:	/* information reply */
			return 15;
		case 18:	/* address mask reply (RFC 950) */
			return 17;
		}
	} else {
		switch (type) {
		case 129:	/* echo reply (RFC 4443) */
			return 128;
		case 140:	/* node information reply (RFC 4620) */
			return 139;
		}
	}
	*reply = 0;
	return type;
}

static void
key_make(const struct flowtab *t, const struct pkt *p, struct key *k)
{
	k->a[0][0] = load64(p->src.b);
	k->a[0][1] = load64(p->src.b + 8);
	k->a[1][0] = load64(p->dst.b);
	k->a[1][1] = load64(p->dst.b + 8);
	k->vlan = t->vlan_in_key ? p->vlan : 0;
	k->proto = p->proto;
	k->ipver = p->ipver;
	k->icmp_reply = 0;
	if (p->proto == IPPROTO_ICMP || p->proto == IPPROTO_ICMPV6) {
		uint8_t type = icmp_request_type(p->proto,
		    (uint8_t)(p->sport >> 8), &k->icmp_reply);

		k->icmp = 1;
		k->pf[0] = k->pr[0] = (uint16_t)(type << 8 | (p->sport & 0xff));
		k->pf[1] = k->pr[1] = 0;
	} else {
		k->icmp = 0;
		k->pf[0] = k->pr[1] = p->sport;
		k->pf[1] = k->pr[0] = p->dport;
	}
}

static inline uint64_t
mix(uint64_t h, uint64_t w)
{
	h ^= w;
	h *= 0x9e3779b97f4a7c15ULL;
	return h ^ (h >> 32);
}

/*
 * Hash of the canonical key: the lower (address, port) end first, so both
 * directions of a flow hash alike.  Every step of mix() is a bijection of
 * h, so two keys that differ in one word cannot collide before the
 * finaliser (murmur3's fmix64), which spreads the result over the low bits
 * the bucket index uses.  The seed makes collisions unpredictable from the
 * wire.
 */
static uint32_t
key_hash(const struct flowtab *t, const struct key *k)
{
	const uint64_t *lo = k->a[0], *hi = k->a[1];
	uint16_t plo = k->pf[0], phi = k->pf[1];
	uint64_t h;
	int swap;

	if (k->a[0][0] != k->a[1][0])
		swap = k->a[0][0] > k->a[1][0];
	else if (k->a[0][1] != k->a[1][1])
		swap = k->a[0][1] > k->a[1][1];
	else
		swap = !k->icmp && k->pf[0] > k->pf[1];
	if (swap) {
		lo = k->a[1];
		hi = k->a[0];
		/* ICMP type/code belongs to the flow, not to an end. */
		if (!k->icmp) {
			plo = k->pf[1];
			phi = k->pf[0];
		}
	}
	h = t->seed ^ 0x6a09e667f3bcc908ULL;
	h = mix(h, lo[0]);
	h = mix(h, lo[1]);
	h = mix(h, hi[0]);
	h = mix(h, hi[1]);
	h = mix(h, (uint64_t)plo << 48 | (uint64_t)phi << 32 |
	    (uint64_t)k->vlan << 16 | (uint64_t)k->proto << 8 | k->ipver);
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return (uint32_t)h;
}

/* FLOW_C2S or FLOW_S2C if f is the flow of k, else -1. */
static inline int
key_match(const struct flowtab *t, const struct flow *f, const struct key *k)
{
	uint64_t c0, c1, s0, s1;

	if (f->proto != k->proto || f->ipver != k->ipver)
		return -1;
	if (t->vlan_in_key && f->vlan != k->vlan)
		return -1;
	c0 = load64(f->addr[FLOW_C2S].b);
	c1 = load64(f->addr[FLOW_C2S].b + 8);
	s0 = load64(f->addr[FLOW_S2C].b);
	s1 = load64(f->addr[FLOW_S2C].b + 8);
	if (f->port[0] == k->pf[0] && f->port[1] == k->pf[1] &&
	    c0 == k->a[0][0] && c1 == k->a[0][1] &&
	    s0 == k->a[1][0] && s1 == k->a[1][1])
		return FLOW_C2S;
	if (f->port[0] == k->pr[0] && f->port[1] == k->pr[1] &&
	    c0 == k->a[1][0] && c1 == k->a[1][1] &&
	    s0 == k->a[0][0] && s1 == k->a[0][1])
		return FLOW_S2C;
	return -1;
}

static void
queue_unlink(struct flowtab *t, uint32_t i)
{
	struct flow *f = &t->flows[i];
	struct queue *q = &t->q[f->tq];

	if (f->qprev != NIL)
		t->flows[f->qprev].qnext = f->qnext;
	else
		q->head = f->qnext;
	if (f->qnext != NIL)
		t->flows[f->qnext].qprev = f->qprev;
	else
		q->tail = f->qprev;
}

static void
queue_append(struct flowtab *t, uint32_t i, uint8_t tq)
{
	struct flow *f = &t->flows[i];
	struct queue *q = &t->q[tq];

	f->tq = tq;
	f->qnext = NIL;
	f->qprev = q->tail;
	if (q->tail != NIL)
		t->flows[q->tail].qnext = i;
	else
		q->head = i;
	q->tail = i;
}

static void
bucket_unlink(struct flowtab *t, uint32_t i)
{
	uint32_t *pp = &t->buckets[t->flows[i].hash & t->mask];

	/* Chains are short (load factor <= 1): a walk beats a back link. */
	while (*pp != i)
		pp = &t->flows[*pp].hnext;
	*pp = t->flows[i].hnext;
}

/* Ends the flow in slot i and frees the slot. */
static void
end_flow(struct flowtab *t, uint32_t i, enum flow_end why)
{
	if (t->cb != NULL)
		t->cb(&t->flows[i], i, why, t->arg);
	t->st.ended[why]++;
	t->st.active--;
	bucket_unlink(t, i);
	queue_unlink(t, i);
	t->flows[i].hnext = t->freelist;
	t->freelist = i;
}

static inline int
flow_due(const struct flowtab *t, const struct flow *f, uint64_t now)
{
	return f->qts + t->q[f->tq].timeout <= now;
}

static inline enum flow_end
idle_reason(const struct flow *f)
{
	return f->tq == Q_TCP_CLOSING ? FLOW_END_TCP : FLOW_END_IDLE;
}

/*
 * The least recently active flow among the queue heads (ties go to the
 * lower queue, so the choice is deterministic); with due set, only among
 * heads past their timeout at now.  NIL if none.
 */
static uint32_t
oldest_head(const struct flowtab *t, int due, uint64_t now)
{
	uint32_t best = NIL, h;

	for (int i = 0; i < Q_MAX; i++) {
		if ((h = t->q[i].head) == NIL)
			continue;
		if (due && !flow_due(t, &t->flows[h], now))
			continue;
		if (best == NIL || t->flows[h].qts < t->flows[best].qts)
			best = h;
	}
	return best;
}

void
flowtab_clock(struct flowtab *t, uint64_t now)
{
	if (now > t->now)
		t->now = now;
}

void
flowtab_expire(struct flowtab *t, uint64_t now)
{
	uint32_t i;

	/*
	 * Merging the four queues ends flows in order of last activity, the
	 * same order a flush uses, whatever their class.
	 */
	while ((i = oldest_head(t, 1, now)) != NIL)
		end_flow(t, i, idle_reason(&t->flows[i]));
}

void
flowtab_flush(struct flowtab *t)
{
	uint32_t i;

	while ((i = oldest_head(t, 0, 0)) != NIL)
		end_flow(t, i, FLOW_END_FLUSH);
}

/*
 * A free slot for a new flow at packet time now.  When the table is full,
 * a flow already past its timeout ends for that reason first; only if none
 * is, the least recently active flow is evicted.
 */
static uint32_t
slot_get(struct flowtab *t, uint64_t now)
{
	uint32_t i;

	if (t->freelist == NIL && t->unused == t->cap) {
		if ((i = oldest_head(t, 1, now)) != NIL)
			end_flow(t, i, idle_reason(&t->flows[i]));
		else
			end_flow(t, oldest_head(t, 0, 0), FLOW_END_EVICTED);
	}
	if ((i = t->freelist) != NIL) {
		t->freelist = t->flows[i].hnext;
		return i;
	}
	return t->unused++;
}

/* 1 when the source of p is the client of a new flow; sets *by. */
static int
src_is_client(const struct pkt *p, const struct key *k, uint8_t *by)
{
	int slow, dlow;

	*by = FLOW_DIR_PORT;
	if (p->proto == IPPROTO_TCP && (p->tcp_flags & TCP_SYN)) {
		if (p->tcp_flags & TCP_ACK) {
			*by = FLOW_DIR_SYNACK;
			return 0;
		}
		*by = FLOW_DIR_SYN;
		return 1;
	}
	if (k->icmp)
		return !k->icmp_reply;
	/*
	 * Services listen on well-known ports, clients on ephemeral ones;
	 * when that does not settle it, the lower port is more likely the
	 * service.  Equal ports (NTP, mDNS, IKE) say nothing, and the first
	 * packet is then more likely a query, sent to the server.
	 */
	slow = p->sport < 1024;
	dlow = p->dport < 1024;
	if (slow != dlow)
		return dlow;
	return p->sport >= p->dport;
}

static struct flow *
flow_create(struct flowtab *t, const struct pkt *p, const struct key *k,
    uint32_t h, int *dir)
{
	struct flow *f;
	uint32_t i, b;
	uint8_t by;
	int c, s;

	i = slot_get(t, p->ts);
	f = &t->flows[i];
	memset(f, 0, sizeof(*f));
	c = src_is_client(p, k, &by) ? 0 : 1;
	s = !c;
	f->addr[FLOW_C2S] = c == 0 ? p->src : p->dst;
	f->addr[FLOW_S2C] = s == 0 ? p->src : p->dst;
	if (c == 0) {
		f->port[0] = k->pf[0];
		f->port[1] = k->pf[1];
	} else {
		f->port[0] = k->pr[0];
		f->port[1] = k->pr[1];
	}
	f->vlan = p->vlan;
	f->proto = p->proto;
	f->ipver = p->ipver;
	f->dir_by = by;
	f->first_ts = f->last_ts = p->ts;
	f->qts = t->now;
	f->qseq = p->seq;
	f->hash = h;
	b = h & t->mask;
	f->hnext = t->buckets[b];
	t->buckets[b] = i;
	if (p->proto == IPPROTO_TCP)
		queue_append(t, i, Q_TCP);
	else if (p->proto == IPPROTO_UDP)
		queue_append(t, i, Q_UDP);
	else
		queue_append(t, i, Q_OTHER);
	t->st.created++;
	if (++t->st.active > t->st.peak)
		t->st.peak = t->st.active;
	*dir = c == 0 ? FLOW_C2S : FLOW_S2C;
	return f;
}

/* Exchanges the two ends of f: the client was taken for the server. */
static void
flow_swap(struct flow *f)
{
	struct addr a;
	uint64_t v;
	uint16_t port;
	uint8_t m[6], x;

#define SWAP(tmp, x0, x1) do { tmp = x0; x0 = x1; x1 = tmp; } while (0)
	SWAP(a, f->addr[0], f->addr[1]);
	SWAP(port, f->port[0], f->port[1]);
	SWAP(x, f->tcp_flags[0], f->tcp_flags[1]);
	SWAP(x, f->has_mac[0], f->has_mac[1]);
	SWAP(v, f->dfirst[0], f->dfirst[1]);
	SWAP(v, f->dlast[0], f->dlast[1]);
	SWAP(v, f->pkts[0], f->pkts[1]);
	SWAP(v, f->bytes[0], f->bytes[1]);
#undef SWAP
	memcpy(m, f->mac[0], 6);
	memcpy(f->mac[0], f->mac[1], 6);
	memcpy(f->mac[1], m, 6);
	f->mac_new = (uint8_t)((f->mac_new & 1) << 1 | (f->mac_new >> 1 & 1));
	x = f->pflags & ~(PF_FIN_C2S | PF_FIN_S2C);
	if (f->pflags & PF_FIN_C2S)
		x |= PF_FIN_S2C;
	if (f->pflags & PF_FIN_S2C)
		x |= PF_FIN_C2S;
	f->pflags = x;
}

/*
 * A SYN or SYN+ACK on a TCP flow whose ends were guessed by port: if it
 * shows the guess wrong before any payload, turn the flow around.
 * Returns the direction of the packet afterwards.
 */
static int
flow_check_dir(struct flowtab *t, struct flow *f, uint8_t fl, int d)
{
	int client_sent;

	if (f->dir_by != FLOW_DIR_PORT || f->proto != IPPROTO_TCP ||
	    (fl & (TCP_SYN | TCP_RST | TCP_FIN)) != TCP_SYN ||
	    (f->pflags & PF_PAYLOAD))
		return d;
	client_sent = !(fl & TCP_ACK);
	f->dir_by = client_sent ? FLOW_DIR_SYN : FLOW_DIR_SYNACK;
	if ((d == FLOW_C2S) == client_sent)
		return d;
	flow_swap(f);
	t->st.swapped++;
	return !d;
}

/* New per-record counters after an active-timeout cut. */
static void
flow_new_record(struct flow *f, uint64_t now)
{
	f->first_ts = now;
	memset(f->tcp_flags, 0, sizeof(f->tcp_flags));
	memset(f->dfirst, 0, sizeof(f->dfirst));
	memset(f->dlast, 0, sizeof(f->dlast));
	memset(f->pkts, 0, sizeof(f->pkts));
	memset(f->bytes, 0, sizeof(f->bytes));
}

/* Passive TCP state after a segment with flags fl from direction d. */
static void
flow_tcp(struct flow *f, uint8_t fl, int d)
{
	if (fl & TCP_RST)
		f->tcp_state = FLOW_TCP_CLOSED;
	else if (fl & TCP_FIN) {
		f->pflags |= d == FLOW_C2S ? PF_FIN_C2S : PF_FIN_S2C;
		if ((f->pflags & (PF_FIN_C2S | PF_FIN_S2C)) ==
		    (PF_FIN_C2S | PF_FIN_S2C))
			f->tcp_state = FLOW_TCP_CLOSED;
		else if (f->tcp_state < FLOW_TCP_CLOSING)
			f->tcp_state = FLOW_TCP_CLOSING;
	} else if (fl & TCP_SYN) {
		if (fl & TCP_ACK) {
			if (f->tcp_state < FLOW_TCP_SYNACK)
				f->tcp_state = FLOW_TCP_SYNACK;
		} else if (f->tcp_state == FLOW_TCP_NONE)
			f->tcp_state = FLOW_TCP_SYN;
	} else if (f->tcp_state < FLOW_TCP_ESTABLISHED &&
	    f->pkts[0] != 0 && f->pkts[1] != 0)
		/*
		 * The final ACK of the handshake, or traffic both ways on a
		 * connection picked up mid-stream (or whose SYN+ACK was not
		 * captured).
		 */
		f->tcp_state = FLOW_TCP_ESTABLISHED;
}

struct flow *
flowtab_update(struct flowtab *t, const struct pkt *p, int *dir, int *isnew)
{
	struct flow *f = NULL;
	struct key k;
	uint32_t h, i;
	uint8_t fl, tq;
	int d = -1;

	*isnew = 0;
	*dir = FLOW_C2S;
	/* ARP and anything else without IP addresses has no flow. */
	if (p->ipver != 4 && p->ipver != 6)
		return NULL;
	t->st.lookups++;
	flowtab_clock(t, p->ts);
	fl = p->proto == IPPROTO_TCP ? p->tcp_flags : 0;
	key_make(t, p, &k);
	h = key_hash(t, &k);
	for (i = t->buckets[h & t->mask]; i != NIL; i = f->hnext) {
		f = &t->flows[i];
		if (f->hash == h && (d = key_match(t, f, &k)) != -1)
			break;
	}
	if (i != NIL) {
		/*
		 * Ending a flow that is past its timeout here, rather than
		 * waiting for the next flowtab_expire(), makes the result
		 * independent of how often the caller expires.
		 */
		if (flow_due(t, f, p->ts)) {
			end_flow(t, i, idle_reason(f));
			i = NIL;
		} else if ((fl & (TCP_SYN | TCP_ACK)) == TCP_SYN &&
		    f->tcp_state == FLOW_TCP_CLOSED) {
			/* A new connection reusing the ports. */
			t->st.reused++;
			end_flow(t, i, FLOW_END_TCP);
			i = NIL;
		}
	}
	if (i == NIL) {
		f = flow_create(t, p, &k, h, &d);
		*isnew = 1;
	} else {
		if (t->active != 0 && p->ts > f->first_ts + t->active) {
			if (t->cb != NULL)
				t->cb(f, i, FLOW_END_ACTIVE, t->arg);
			t->st.ended[FLOW_END_ACTIVE]++;
			flow_new_record(f, p->ts);
		}
		if (fl & TCP_SYN)
			d = flow_check_dir(t, f, fl, d);
	}

	/* Count the packet. */
	if (f->pkts[d]++ == 0)
		f->dfirst[d] = p->ts;
	f->dlast[d] = p->ts;
	f->bytes[d] += p->ip_len;
	if (p->ts > f->last_ts)
		f->last_ts = p->ts;
	/* Moved to (or kept at) its queue's tail below: the latest there. */
	f->qts = t->now;
	f->qseq = p->seq;
	if (p->has_mac) {
		/*
		 * The source MAC is the sender's own; the destination MAC is
		 * only what the sender believes, so it fills a gap but does
		 * not overwrite.
		 */
		if (f->has_mac[d] && memcmp(f->mac[d], p->smac, 6) == 0)
			f->mac_new &= (uint8_t)~(1u << d);
		else {
			/* Written only when it changes: most packets repeat it. */
			f->mac_new |= (uint8_t)(1u << d);
			memcpy(f->mac[d], p->smac, 6);
			f->has_mac[d] = 1;
		}
		if (!f->has_mac[!d]) {
			memcpy(f->mac[!d], p->dmac, 6);
			f->has_mac[!d] = 1;
		}
	}
	if (p->paylen != 0 || (p->flags & (PKT_F_FRAG_LATER | PKT_F_L4_TRUNC)))
		f->pflags |= PF_PAYLOAD;

	tq = f->tq;
	if (p->proto == IPPROTO_TCP) {
		f->tcp_flags[d] |= fl;
		flow_tcp(f, fl, d);
		if (f->tcp_state >= FLOW_TCP_CLOSING)
			tq = Q_TCP_CLOSING;
	}
	/* Most packets belong to the flow that was just active. */
	if (tq != f->tq || t->q[tq].tail != (uint32_t)(f - t->flows)) {
		i = (uint32_t)(f - t->flows);
		queue_unlink(t, i);
		queue_append(t, i, tq);
	}
	*dir = d;
	return f;
}

struct flow *
flowtab_get(struct flowtab *t, uint32_t slot)
{
	return slot < t->cap ? &t->flows[slot] : NULL;
}

uint32_t
flowtab_slot(const struct flowtab *t, const struct flow *f)
{
	return (uint32_t)(f - t->flows);
}

uint32_t
flowtab_capacity(const struct flowtab *t)
{
	return t->cap;
}

const struct flowtab_stats *
flowtab_stats(const struct flowtab *t)
{
	return &t->st;
}

void
flowtab_stats_add(struct flowtab *tto, const struct flowtab *tfrom)
{
	struct flowtab_stats *to = &tto->st;
	const struct flowtab_stats *from = &tfrom->st;
	int i;

	to->created += from->created;
	for (i = 0; i < FLOW_END_MAX; i++)
		to->ended[i] += from->ended[i];
	to->active += from->active;
	to->peak += from->peak;
	to->lookups += from->lookups;
	to->reused += from->reused;
	to->swapped += from->swapped;
}

const char *
flowtab_end_name(enum flow_end r)
{
	static const char *const names[FLOW_END_MAX] = {
		[FLOW_END_IDLE] = "idle",
		[FLOW_END_ACTIVE] = "active",
		[FLOW_END_TCP] = "tcp",
		[FLOW_END_EVICTED] = "evicted",
		[FLOW_END_FLUSH] = "flush",
	};

	if ((unsigned)r >= FLOW_END_MAX)
		return "unknown";
	return names[r];
}

const char *
flowtab_dir_name(enum flow_dir_by d)
{
	switch (d) {
	case FLOW_DIR_SYN:
		return "syn";
	case FLOW_DIR_SYNACK:
		return "syn-ack";
	case FLOW_DIR_PORT:
		break;
	}
	return "port";
}

/*
 * classify.c - application protocol of each flow with nDPI, the stage after
 * the flow table (capture -> decode -> flowtab -> classify -> policy).
 *
 * One nDPI detection module per classifier, and one classifier per worker
 * thread: nothing here is global.  nDPI flow states come from a pool
 * allocated once in classify_new(); a flow takes a state with its first
 * packet worth giving to nDPI and gives it back as soon as its result is
 * final, so the pool holds only the flows still in DPI.  When the pool is
 * empty, the flow in DPI that has been quiet the longest is given up
 * (keeping nDPI's guess) to make room.  The sequence per packet follows
 * nDPI's example reader: process, ask whether nDPI wants more packets,
 * give up after a bounded number, release the state.
 *
 * Results live in an array indexed by the flow's slot in the flow table;
 * the private per-slot part (pool index, LRU links) in a parallel array.
 *
 * A flow detected as RTSP over TCP also gets a tracker of its media
 * negotiation (classify_rtsp.c) from a pool of its own, which goes on
 * reading the flow after DPI has stopped and is held until the flow is
 * released, so that its streams stay readable.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <netinet/in.h>

#include <ndpi_api.h>

#include "classify.h"
#include "classify_priv.h"
#include "mem.h"

#define CLASSIFY_NIL UINT32_MAX	/* no pool state / end of a list */

/*
 * Monotonic nanoseconds, to account the time spent inside nDPI (a vDSO
 * call of some 25 ns, twice per nDPI call: about 1% of a run).
 */
static inline uint64_t
classify_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* TCP flags byte (RFC 9293, section 3.1). */
#define TH_FIN 0x01
#define TH_SYN 0x02
#define TH_RST 0x04

/* struct classify_slot.flags */
#define SLOT_F_DETECTED	0x01	/* nDPI named the protocol; extra dissection */
/*
 * An HTTP request authenticated with a challenge-response scheme
 * (Negotiate/Kerberos, NTLM): nDPI 4.2 takes any Authorization header for
 * clear-text credentials; these are not.
 */
#define SLOT_F_AUTH_CHALLENGE	0x80

/* Private per-slot state, parallel to the results. */
struct classify_slot {
	uint32_t state;		/* index into the pool, or CLASSIFY_NIL */
	uint32_t prev, next;	/* LRU of slots holding a state */
	uint32_t rtsp;		/* RTSP tracker, or CLASSIFY_RTSP_NIL */
	uint8_t flags;		/* SLOT_F_* */
};

struct classify {
	struct ndpi_detection_module_struct *mod;
	struct classify_conf conf;
	uint32_t nslots;
	struct classify_result *res;	/* nslots results */
	struct classify_slot *slot;	/* nslots private parts */
	/* The pool: npool nDPI flow states of fsize bytes each. */
	unsigned char *pool;
	size_t fsize;
	uint32_t npool;
	uint32_t *freelist;		/* stack of free pool indexes */
	uint32_t nfree;
	/* Slots holding a state, least recently active first. */
	uint32_t lru_head, lru_tail;
	struct classify_rtsp *rtsp;	/* NULL when max_rtsp is 0 */
	struct classify_stats stats;
};

void
classify_conf_defaults(struct classify_conf *c)
{
	/*
	 * Pure ACKs do not count.  On the nDPI test captures of the
	 * benchmark (bench/DPI_BUDGET.md) 28 is the lowest cap that detects
	 * every flow and finds every alert that an unlimited one does: an
	 * RTSP session with interleaved RTP needs 17, TLS on a port of its
	 * own and a Telnet login (one key per packet) 28.  32 leaves a
	 * margin for a slower typist.
	 */
	c->max_packets = 32;
	c->max_flows = 65536;
	/*
	 * A tracker is some 2.5 KiB, held for the life of its RTSP flow: a
	 * recording server pulling a thousand cameras fits in 2.5 MiB.
	 */
	c->max_rtsp = 1024;
}

static struct ndpi_flow_struct *
classify_nflow(const struct classify *c, uint32_t idx)
{
	return (struct ndpi_flow_struct *)(void *)(c->pool + (size_t)idx *
	    c->fsize);
}

static void
classify_lru_unlink(struct classify *c, uint32_t slot)
{
	struct classify_slot *s = &c->slot[slot];

	if (s->prev != CLASSIFY_NIL)
		c->slot[s->prev].next = s->next;
	else
		c->lru_head = s->next;
	if (s->next != CLASSIFY_NIL)
		c->slot[s->next].prev = s->prev;
	else
		c->lru_tail = s->prev;
	s->prev = s->next = CLASSIFY_NIL;
}

static void
classify_lru_append(struct classify *c, uint32_t slot)
{
	struct classify_slot *s = &c->slot[slot];

	s->next = CLASSIFY_NIL;
	s->prev = c->lru_tail;
	if (c->lru_tail != CLASSIFY_NIL)
		c->slot[c->lru_tail].next = slot;
	else
		c->lru_head = slot;
	c->lru_tail = slot;
}

/*
 * Gives the nDPI state of slot back to the pool: nDPI's own allocations
 * are freed and the state zeroed, ready for the next flow.
 */
static void
classify_state_put(struct classify *c, uint32_t slot)
{
	struct classify_slot *s = &c->slot[slot];
	struct ndpi_flow_struct *nf;

	if (s->state == CLASSIFY_NIL)
		return;
	nf = classify_nflow(c, s->state);
	ndpi_free_flow_data(nf);
	memset(nf, 0, c->fsize);
	classify_lru_unlink(c, slot);
	c->freelist[c->nfree++] = s->state;
	c->stats.pool_used = c->npool - c->nfree;
	s->state = CLASSIFY_NIL;
	s->flags = 0;
}

/*
 * Writes nDPI's protocol p into r.  nDPI puts a lone protocol in either
 * field; here the lower protocol is always in master and app is 0 unless
 * nDPI named a distinct application on top of it.
 */
static void
classify_set_proto(struct classify *c, struct classify_result *r,
    ndpi_protocol p)
{
	uint16_t lo = p.master_protocol, hi = p.app_protocol;

	if (lo == NDPI_PROTOCOL_UNKNOWN) {
		lo = hi;
		hi = NDPI_PROTOCOL_UNKNOWN;
	}
	if (hi == lo)
		hi = NDPI_PROTOCOL_UNKNOWN;
	r->master = lo;
	r->app = hi;
	r->category = (uint16_t)ndpi_get_proto_category(c->mod, p);
}

/* FNV-1a, 64 bits, over len bytes of p, continuing from h. */
static uint64_t
classify_fnv(uint64_t h, const void *p, size_t len)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= b[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

/*
 * The certificate nDPI saw on a TLS flow, as one number: the alert stage
 * keys weak-TLS findings by it, so that one bad certificate is one
 * finding whoever the clients are.  protos is a union: read only for TLS.
 */
static uint64_t
classify_cert_id(const struct classify_result *r,
    const struct ndpi_flow_struct *nf)
{
	static const uint8_t zero[20];
	const char *sub, *iss;
	uint64_t h = 0xcbf29ce484222325ull;

	if (classify_family_of(r->master, r->app) != CLASSIFY_FAM_TLS ||
	    r->master == NDPI_PROTOCOL_QUIC)
		return 0;
	if (memcmp(nf->protos.tls_quic.sha1_certificate_fingerprint, zero,
	    sizeof(zero)) != 0)
		return classify_fnv(h,
		    nf->protos.tls_quic.sha1_certificate_fingerprint, 20) | 1;
	sub = nf->protos.tls_quic.subjectDN;
	iss = nf->protos.tls_quic.issuerDN;
	if (sub == NULL && iss == NULL)
		return 0;
	if (sub != NULL)
		h = classify_fnv(h, sub, strlen(sub));
	h = classify_fnv(h, "\n", 1);
	if (iss != NULL)
		h = classify_fnv(h, iss, strlen(iss));
	return h | 1;
}

/*
 * Makes the result of slot final in state st, copying what nDPI found out
 * (risks, host name) while the state is still there, then releases it.
 */
static void
classify_finish(struct classify *c, uint32_t slot, enum classify_state st)
{
	struct classify_result *r = &c->res[slot];
	struct classify_slot *s = &c->slot[slot];
	struct ndpi_flow_struct *nf;
	const char *host;

	if (s->state != CLASSIFY_NIL) {
		nf = classify_nflow(c, s->state);
		/* No accessor for the risk bitmap in 4.2: a public field. */
		r->risk = nf->risk;
		if (s->flags & SLOT_F_AUTH_CHALLENGE)
			r->risk &= ~((uint64_t)1 << NDPI_CLEAR_TEXT_CREDENTIALS);
		host = ndpi_get_flow_name(nf);
		if (host != NULL)
			snprintf(r->host, sizeof(r->host), "%s", host);
		if (st == CLASSIFY_DETECTED)
			r->cert_id = classify_cert_id(r, nf);
		classify_state_put(c, slot);
	}
	r->state = (uint8_t)st;
	switch (st) {
	case CLASSIFY_DETECTED:
		c->stats.detected++;
		break;
	case CLASSIFY_GUESSED:
		c->stats.guessed++;
		break;
	default:
		c->stats.unknown++;
		break;
	}
}

static uint32_t
classify_v4_host(const struct addr *a)
{
	const uint8_t *b = a->b + 12;

	if (!addr_is_v4(a))
		return 0;
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	    (uint32_t)b[2] << 8 | b[3];
}

/*
 * Ends DPI for slot without a detection: nDPI's guess from what it saw,
 * or, when nDPI saw no packet of the flow (only pure ACKs, say), a guess
 * from the flow's transport and ports (f may be NULL when unknown).
 */
static void
classify_giveup(struct classify *c, uint32_t slot, const struct flow *f)
{
	struct classify_result *r = &c->res[slot];
	struct classify_slot *s = &c->slot[slot];
	ndpi_protocol p;
	uint8_t guessed = 0;

	if (s->flags & SLOT_F_DETECTED) {
		/* Detected, still in extra dissection: keep what we have. */
		classify_finish(c, slot, CLASSIFY_DETECTED);
		return;
	}
	if (s->state != CLASSIFY_NIL) {
		uint64_t t0 = classify_now_ns();

		p = ndpi_detection_giveup(c->mod, classify_nflow(c, s->state),
		    1, &guessed);
		c->stats.dpi_ns += classify_now_ns() - t0;
	} else if (f != NULL)
		p = ndpi_guess_undetected_protocol(c->mod, NULL, f->proto,
		    classify_v4_host(&f->addr[FLOW_C2S]), f->port[FLOW_C2S],
		    classify_v4_host(&f->addr[FLOW_S2C]), f->port[FLOW_S2C]);
	else
		memset(&p, 0, sizeof(p));
	classify_set_proto(c, r, p);
	classify_finish(c, slot, r->master != NDPI_PROTOCOL_UNKNOWN ?
	    CLASSIFY_GUESSED : CLASSIFY_UNKNOWN);
}

/*
 * Takes a pool state for slot, giving up the least recently active flow
 * in DPI if the pool is empty.  Returns the state, zeroed.
 */
static struct ndpi_flow_struct *
classify_state_get(struct classify *c, uint32_t slot)
{
	struct classify_slot *s = &c->slot[slot];
	uint32_t victim, used;

	if (c->nfree == 0) {
		/* The pool is never empty with no slot on the LRU. */
		victim = c->lru_head;
		classify_giveup(c, victim, NULL);
		c->stats.reclaimed++;
	}
	s->state = c->freelist[--c->nfree];
	classify_lru_append(c, slot);
	used = c->npool - c->nfree;
	c->stats.pool_used = used;
	if (used > c->stats.pool_peak)
		c->stats.pool_peak = used;
	return classify_nflow(c, s->state);
}

static pthread_mutex_t ndpi_setup_lock = PTHREAD_MUTEX_INITIALIZER;

struct classify *
classify_new(const struct classify_conf *conf, uint32_t nslots)
{
	struct classify *c;
	NDPI_PROTOCOL_BITMASK all;
	uint32_t i;

	if (conf->max_packets == 0 || conf->max_packets > UINT8_MAX ||
	    conf->max_flows == 0 || nslots == 0) {
		errno = EINVAL;
		return NULL;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->conf = *conf;
	c->nslots = nslots;
	c->lru_head = c->lru_tail = CLASSIFY_NIL;
	/* More states than flows could never be used. */
	c->npool = conf->max_flows < nslots ? conf->max_flows : nslots;
	c->fsize = ndpi_detection_get_sizeof_ndpi_flow_struct();
	/* Keep every state in the pool aligned like malloc would. */
	c->fsize = (c->fsize + 15) & ~(size_t)15;
	c->res = calloc(nslots, sizeof(*c->res));
	c->slot = calloc(nslots, sizeof(*c->slot));
	c->pool = calloc(c->npool, c->fsize);
	c->freelist = calloc(c->npool, sizeof(*c->freelist));
	if (c->res == NULL || c->slot == NULL || c->pool == NULL ||
	    c->freelist == NULL)
		goto fail;
	mem_hugepages(c->res, nslots * sizeof(*c->res));
	mem_hugepages(c->slot, nslots * sizeof(*c->slot));
	mem_hugepages(c->pool, c->npool * c->fsize);
	for (i = 0; i < nslots; i++) {
		c->slot[i].state = c->slot[i].prev = c->slot[i].next =
		    CLASSIFY_NIL;
		c->slot[i].rtsp = CLASSIFY_RTSP_NIL;
	}
	/* More trackers than flows could never be used either. */
	if (conf->max_rtsp > 0 && (c->rtsp = classify_rtsp_new(
	    conf->max_rtsp < nslots ? conf->max_rtsp : nslots,
	    &c->stats)) == NULL)
		goto fail;
	/* Pushed in reverse so that state 0 is handed out first. */
	for (i = 0; i < c->npool; i++)
		c->freelist[i] = c->npool - 1 - i;
	c->nfree = c->npool;

	/*
	 * nDPI 4.2 sets process globals up in its first module's set-up
	 * (libgcrypt's initialisation, its n-gram tables, a memory count):
	 * one module at a time, for workers that create theirs at once.
	 */
	pthread_mutex_lock(&ndpi_setup_lock);
	if ((c->mod = ndpi_init_detection_module(ndpi_no_prefs)) != NULL) {
		NDPI_BITMASK_SET_ALL(all);
		ndpi_set_protocol_detection_bitmask2(c->mod, &all);
		ndpi_finalize_initialization(c->mod);
	}
	pthread_mutex_unlock(&ndpi_setup_lock);
	if (c->mod == NULL)
		goto fail;
	return c;

fail:
	classify_free(c);
	errno = ENOMEM;
	return NULL;
}

void
classify_free(struct classify *c)
{
	if (c == NULL)
		return;
	if (c->slot != NULL && c->freelist != NULL)
		while (c->lru_head != CLASSIFY_NIL)
			classify_state_put(c, c->lru_head);
	if (c->mod != NULL) {
		pthread_mutex_lock(&ndpi_setup_lock);
		ndpi_exit_detection_module(c->mod);
		pthread_mutex_unlock(&ndpi_setup_lock);
	}
	classify_rtsp_free(c->rtsp);
	free(c->freelist);
	free(c->pool);
	free(c->slot);
	free(c->res);
	free(c);
}

/* Gives the RTSP tracker of slot, if any, back to its pool. */
static void
classify_rtsp_release(struct classify *c, uint32_t slot)
{
	if (c->slot[slot].rtsp == CLASSIFY_RTSP_NIL)
		return;
	classify_rtsp_put(c->rtsp, c->slot[slot].rtsp);
	c->slot[slot].rtsp = CLASSIFY_RTSP_NIL;
}

void
classify_flow_new(struct classify *c, uint32_t slot)
{
	/* A state left over means the old flow was never released. */
	classify_state_put(c, slot);
	classify_rtsp_release(c, slot);
	c->slot[slot].flags = 0;
	memset(&c->res[slot], 0, sizeof(c->res[slot]));
	c->res[slot].state = CLASSIFY_PENDING;
}

/*
 * 1 when p is worth giving to nDPI.  A TCP segment with no payload and
 * none of SYN, FIN, RST is a pure ACK: it tells the dissectors nothing,
 * and skipping it saves most DPI calls on bulk transfers.
 */
/*
 * Looks for an Authorization header with a challenge-response scheme in
 * an HTTP request (RFC 7235 header names are case-insensitive).
 */
static int
classify_auth_challenge(const struct pkt *p)
{
	static const char hdr[] = "\nauthorization:";
	const uint8_t *q = p->payload, *end = p->payload + p->paylen;
	size_t i, n = sizeof(hdr) - 1;

	/* Requests only: they start with an upper-case method name. */
	if (p->paylen < 16 || q[0] < 'A' || q[0] > 'Z')
		return 0;
	for (; q + n < end; q++) {
		for (i = 0; i < n && (q[i] | 0x20) == (hdr[i] | 0x20); i++)
			;
		if (i < n)
			continue;
		q += n;
		while (q < end && *q == ' ')
			q++;
		/* Bounded by end: strncasecmp would read past it. */
		if (end - q >= 9 && strncasecmp((const char *)q, "Negotiate",
		    9) == 0)
			return 1;
		if (end - q >= 4 && strncasecmp((const char *)q, "NTLM", 4) ==
		    0)
			return 1;
		return 0;
	}
	return 0;
}

static int
classify_wanted(const struct pkt *p)
{
	/* Later fragments have no transport header to dissect. */
	if (p->l3 == NULL || p->l3len == 0)
		return 0;
	if (p->proto != IPPROTO_TCP)
		return 1;
	if (p->paylen > 0 || (p->flags & PKT_F_L4_TRUNC))
		return 1;
	return (p->tcp_flags & (TH_SYN | TH_FIN | TH_RST)) != 0;
}

/* Families whose later packets carry evidence the policy uses. */
static int
classify_extra_wanted(const struct classify_result *r)
{
	switch (classify_family_of(r->master, r->app)) {
	case CLASSIFY_FAM_TLS:
	case CLASSIFY_FAM_TELNET:
	case CLASSIFY_FAM_FTP:
	case CLASSIFY_FAM_MAIL:
	case CLASSIFY_FAM_SMTP:
	case CLASSIFY_FAM_SMTPS:
	case CLASSIFY_FAM_OTHER:
		return 1;
	default:
		return 0;
	}
}

/*
 * Gives p to nDPI (the flow in slot is PENDING and p worth it).  Returns
 * CLASSIFY_EV_FINAL when the result became final, else 0.
 */
static int
classify_dpi(struct classify *c, uint32_t slot, const struct flow *f,
    const struct pkt *p)
{
	struct classify_result *r = &c->res[slot];
	struct classify_slot *s = &c->slot[slot];
	struct ndpi_flow_struct *nf;
	ndpi_protocol proto;
	unsigned short len;
	uint64_t t0;

	if (s->state == CLASSIFY_NIL)
		nf = classify_state_get(c, slot);
	else {
		nf = classify_nflow(c, s->state);
		if (c->lru_tail != slot) {
			classify_lru_unlink(c, slot);
			classify_lru_append(c, slot);
		}
	}
	/* nDPI takes an unsigned short length; an IP datagram fits. */
	len = p->l3len > USHRT_MAX ? USHRT_MAX : (unsigned short)p->l3len;
	t0 = classify_now_ns();
	proto = ndpi_detection_process_packet(c->mod, nf, p->l3, len,
	    p->ts / 1000);
	c->stats.dpi_ns += classify_now_ns() - t0;
	if (p->proto == IPPROTO_TCP && p->paylen > 0 &&
	    (nf->risk & ((uint64_t)1 << NDPI_CLEAR_TEXT_CREDENTIALS)) &&
	    classify_auth_challenge(p))
		s->flags |= SLOT_F_AUTH_CHALLENGE;
	r->dpi_packets++;
	c->stats.dpi_packets++;

	if (proto.master_protocol != NDPI_PROTOCOL_UNKNOWN ||
	    proto.app_protocol != NDPI_PROTOCOL_UNKNOWN) {
		classify_set_proto(c, r, proto);
		s->flags |= SLOT_F_DETECTED;
		/*
		 * nDPI may want a few more packets: they are worth it where
		 * they carry evidence (a TLS certificate, a login), not for
		 * an HTTP or DNS response.
		 */
		if (r->dpi_packets < c->conf.max_packets &&
		    classify_extra_wanted(r) &&
		    ndpi_extra_dissection_possible(c->mod, nf))
			return 0;
		classify_finish(c, slot, CLASSIFY_DETECTED);
		return CLASSIFY_EV_FINAL;
	}
	if (r->dpi_packets < c->conf.max_packets)
		return 0;
	classify_giveup(c, slot, f);
	c->stats.gave_up++;
	return CLASSIFY_EV_FINAL;
}

/*
 * classify_packet() for a flow still in DPI or with an RTSP tracker.  Not
 * inlined: the nDPI path needs many registers, and saving them at every
 * packet of a classified flow costs more than the call.
 */
static __attribute__((noinline)) int
classify_packet_work(struct classify *c, uint32_t slot, const struct flow *f,
    const struct pkt *p, int dir)
{
	const struct classify_result *r = &c->res[slot];
	struct classify_slot *s = &c->slot[slot];
	int ev = 0;

	/* nDPI tells the directions apart itself. */
	if (r->state == CLASSIFY_PENDING && classify_wanted(p))
		ev = classify_dpi(c, slot, f, p);
	/*
	 * RTSP sets up its media streams after nDPI has named it: a
	 * tracker reads on, from the packet that was detected.
	 */
	if ((ev & CLASSIFY_EV_FINAL) && c->rtsp != NULL &&
	    p->proto == IPPROTO_TCP && classify_family(r) == CLASSIFY_FAM_RTSP)
		s->rtsp = classify_rtsp_get(c->rtsp);
	if (s->rtsp != CLASSIFY_RTSP_NIL && p->paylen > 0)
		ev |= classify_rtsp_packet(c->rtsp, s->rtsp, f, p, dir);
	return ev;
}

int
classify_packet(struct classify *c, uint32_t slot, const struct flow *f,
    const struct pkt *p, int dir)
{
	/*
	 * Most packets belong to a flow nDPI is done with and that has no
	 * RTSP tracker: nothing to do.
	 */
	if (c->res[slot].state != CLASSIFY_PENDING &&
	    c->slot[slot].rtsp == CLASSIFY_RTSP_NIL)
		return 0;
	return classify_packet_work(c, slot, f, p, dir);
}

int
classify_media(const struct classify *c, uint32_t slot,
    const struct classify_media **m, int *playing)
{
	if (c->slot[slot].rtsp == CLASSIFY_RTSP_NIL) {
		*m = NULL;
		*playing = 0;
		return 0;
	}
	return classify_rtsp_media(c->rtsp, c->slot[slot].rtsp, m, playing);
}

void
classify_flow_end(struct classify *c, uint32_t slot, const struct flow *f)
{
	if (c->res[slot].state != CLASSIFY_PENDING)
		return;
	classify_giveup(c, slot, f);
}

void
classify_flow_release(struct classify *c, uint32_t slot)
{
	classify_state_put(c, slot);
	classify_rtsp_release(c, slot);
	c->slot[slot].flags = 0;
	memset(&c->res[slot], 0, sizeof(c->res[slot]));
}

const struct classify_result *
classify_get(const struct classify *c, uint32_t slot)
{
	return &c->res[slot];
}

const char *
classify_id_name(const struct classify *c, uint16_t id)
{
	const char *n = ndpi_get_proto_name(c->mod, id);

	return n != NULL ? n : "Unknown";
}

const char *
classify_state_name(enum classify_state s)
{
	switch (s) {
	case CLASSIFY_DETECTED:
		return "detected";
	case CLASSIFY_GUESSED:
		return "guessed";
	case CLASSIFY_PENDING:
		return "pending";
	case CLASSIFY_NONE:
	case CLASSIFY_UNKNOWN:
		break;
	}
	return "unknown";
}

/*
 * s appended at buf + o, cut to what fits with a NUL in len bytes (as
 * snprintf cuts); returns the new length.  The caller terminates.
 */
static size_t
classify_cat(char *buf, size_t len, size_t o, const char *s)
{
	size_t n = strlen(s);

	if (n > len - 1 - o)
		n = len - 1 - o;
	memcpy(buf + o, s, n);
	return o + n;
}

char *
classify_proto_name(const struct classify *c,
    const struct classify_result *r, char *buf, size_t len)
{
	uint16_t lo = r->master, hi = r->app;
	size_t o;

	if (lo == NDPI_PROTOCOL_UNKNOWN) {
		lo = hi;
		hi = NDPI_PROTOCOL_UNKNOWN;
	}
	/* Copied, not printed: every flow record names its protocol. */
	if (len == 0)
		return buf;
	if (lo == NDPI_PROTOCOL_UNKNOWN)
		o = classify_cat(buf, len, 0, "Unknown");
	else {
		o = classify_cat(buf, len, 0, classify_id_name(c, lo));
		if (hi != NDPI_PROTOCOL_UNKNOWN && hi != lo) {
			o = classify_cat(buf, len, o, ".");
			o = classify_cat(buf, len, o, classify_id_name(c, hi));
		}
	}
	buf[o] = '\0';
	return buf;
}

void
classify_risk_foreach(uint64_t risk,
    void (*fn)(int bit, const char *name, void *arg), void *arg)
{
	int bit;

	for (bit = 0; bit < 64; bit++) {
		if ((risk & (UINT64_C(1) << bit)) == 0)
			continue;
		/*
		 * nDPI formats bits it does not know into a static buffer;
		 * name them here instead so that threads never share it.
		 */
		if (bit >= NDPI_MAX_RISK || bit == NDPI_NO_RISK)
			fn(bit, "Unknown risk", arg);
		else
			fn(bit, ndpi_risk2str((ndpi_risk_enum)bit), arg);
	}
}

const struct classify_stats *
classify_stats(const struct classify *c)
{
	return &c->stats;
}

void
classify_stats_add(struct classify *cto, const struct classify *cfrom)
{
	struct classify_stats *to = &cto->stats;
	const struct classify_stats *from = &cfrom->stats;

	to->dpi_packets += from->dpi_packets;
	to->dpi_ns += from->dpi_ns;
	to->detected += from->detected;
	to->guessed += from->guessed;
	to->unknown += from->unknown;
	to->gave_up += from->gave_up;
	to->reclaimed += from->reclaimed;
	to->pool_used += from->pool_used;
	to->pool_peak += from->pool_peak;
	to->rtsp_sessions += from->rtsp_sessions;
	to->rtsp_streams += from->rtsp_streams;
	to->rtsp_exhausted += from->rtsp_exhausted;
}

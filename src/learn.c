/*
 * learn.c - drafts an inventory from the flows of a capture (see learn.h).
 *
 * While the capture is read it keeps two sets: the pairs (client, server,
 * port, transport) seen, with whether the server answered, and the pairs
 * (address, MAC).  At the end the site's addresses become hosts, and the
 * roles are inferred from the rules file alone: for every answered pair,
 * the rules of its port say which roles serve it and which may use it.
 * A DHCP server's replies tell the subnets (mask and router) of the
 * addresses it hands out: those become the zones, a /24 (or /64) where
 * no DHCP reply was seen.
 */
#include <netinet/in.h>

#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "learn.h"
#include "policy.h"
#include "role.h"

/* A pair of ends, keyed on its first 36 bytes. */
struct learn_edge {
	struct addr c, s;
	uint16_t port;
	uint8_t transport;
	uint8_t pad;
	uint32_t flows;
	uint8_t answered;
	uint8_t fam;		/* enum classify_family of its first flow
				   DPI named */
};
#define EDGE_KEY	36

/* An address seen with a MAC, keyed on its first 22 bytes. */
struct learn_am {
	struct addr a;
	uint8_t mac[6];
};
#define AM_KEY		22

/* An open-addressing set of fixed-size records (index + 1 per slot). */
struct learn_set {
	uint8_t *recs;
	size_t rsize, ksize, n, cap;
	uint32_t *slots;
	size_t mask;
};

struct learn_host {
	struct addr a;
	char name[48];
	uint64_t roles;
	int score;		/* of its first role: the confidence */
	int doc, undoc;		/* its pairs documented or not */
	unsigned nmacs;		/* its MACs seen, shared ones included */
	int suspect;		/* roles withheld: undocumented behaviour */
	uint64_t alt;		/* roles that explain its pairs as well as
				   its first role does */
};

/* A subnet a DHCP server told a client of (RFC 2132 options 1 and 3). */
struct learn_subnet {
	struct addr net;	/* host bits zero */
	unsigned plen;		/* in the 128-bit form: /24 is 120 */
	struct addr router;	/* option 3's first router, if has_router */
	int has_router;
};
/* Subnets kept at most: a site's address plan, not a count of packets. */
#define LEARN_SUBNETS_MAX	256

struct learn {
	const struct ruleset *rs;
	struct learn_subnet subnets[LEARN_SUBNETS_MAX];
	size_t nsubnets;
	const struct rule **cand;
	int maxcand;		/* room in cand */
	/*
	 * Per role, the distinct services (server roles, ports, transport)
	 * the rules let it use: how broad a client it is.
	 */
	int breadth[ROLE_COUNT];
	struct learn_set edges, ams;
	uint64_t flows, internet;
	/* At the end: the hosts by address, and pair -> host indexes. */
	struct learn_host *hosts;
	size_t nhosts;
};

static int
set_grow(struct learn_set *s)
{
	size_t cap = s->cap ? s->cap * 2 : 256, i, slot;
	uint8_t *r;
	uint32_t *sl;

	if ((r = realloc(s->recs, cap * s->rsize)) == NULL)
		return -1;
	s->recs = r;
	if ((sl = calloc(cap * 2, sizeof(*sl))) == NULL)
		return -1;
	free(s->slots);
	s->slots = sl;
	s->cap = cap;
	s->mask = cap * 2 - 1;
	for (i = 0; i < s->n; i++) {
		slot = hash_fnv1a(HASH_FNV_BASIS, s->recs + i * s->rsize,
		    s->ksize) & s->mask;
		while (s->slots[slot] != 0)
			slot = (slot + 1) & s->mask;
		s->slots[slot] = (uint32_t)i + 1;
	}
	return 0;
}

/* The record with rec's key, a copy of rec if new; NULL: out of memory. */
static void *
set_get(struct learn_set *s, const void *rec)
{
	size_t slot;
	uint8_t *r;

	if (s->n == s->cap && set_grow(s) == -1)
		return NULL;
	slot = hash_fnv1a(HASH_FNV_BASIS, rec, s->ksize) & s->mask;
	while (s->slots[slot] != 0) {
		r = s->recs + (s->slots[slot] - 1) * s->rsize;
		if (memcmp(r, rec, s->ksize) == 0)
			return r;
		slot = (slot + 1) & s->mask;
	}
	r = s->recs + s->n * s->rsize;
	memcpy(r, rec, s->rsize);
	s->slots[slot] = (uint32_t)++s->n;
	return r;
}

/* 1 when rule r documents nothing on the wire. */
static int
rule_local(const struct rule *r)
{
	return (r->flags & RULES_F_LOCAL_ONLY) || r->clients == 0;
}

/*
 * Fills l->breadth: for each role, the services it may use, counting the
 * variants of one service (WS and WSS on one port) once.
 */
static void
count_breadth(struct learn *l)
{
	size_t i, j, n = rules_count(l->rs);
	int x;

	for (i = 0; i < n; i++) {
		const struct rule *r = rules_get(l->rs, i);

		if (rule_local(r))
			continue;
		for (x = 0; x < ROLE_COUNT; x++) {
			if (!(r->clients & ROLE_BIT(x)))
				continue;
			for (j = 0; j < i; j++) {
				const struct rule *q = rules_get(l->rs, j);

				if (!rule_local(q) && (q->clients &
				    ROLE_BIT(x)) && q->server == r->server &&
				    q->port_lo == r->port_lo &&
				    q->port_hi == r->port_hi &&
				    q->transport == r->transport)
					break;
			}
			if (j == i)
				l->breadth[x]++;
		}
	}
}

struct learn *
learn_new(const struct ruleset *rs)
{
	struct learn *l;

	if ((l = calloc(1, sizeof(*l))) == NULL)
		return NULL;
	l->rs = rs;
	/* A port's rules, or the rules of a protocol moved off its port. */
	l->maxcand = (int)(rules_lookup_max(rs) + rules_count(rs));
	if ((l->cand = calloc((size_t)l->maxcand + 1, sizeof(*l->cand))) ==
	    NULL) {
		free(l);
		return NULL;
	}
	count_breadth(l);
	l->edges.rsize = sizeof(struct learn_edge);
	l->edges.ksize = EDGE_KEY;
	l->ams.rsize = sizeof(struct learn_am);
	l->ams.ksize = AM_KEY;
	return l;
}

void
learn_free(struct learn *l)
{
	if (l == NULL)
		return;
	free(l->edges.recs);
	free(l->edges.slots);
	free(l->ams.recs);
	free(l->ams.slots);
	free(l->hosts);
	free(l->cand);
	free(l);
}

/* 1 for an address of the site: not the Internet, a group or 0.0.0.0. */
static int
learn_site_addr(const struct addr *a)
{
	static const struct addr zero4 = { { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0xff, 0xff, 0, 0, 0, 0 } }, zero6;

	return !addr_is_public(a) && !addr_is_group(a) &&
	    addr_cmp(a, &zero4) != 0 && addr_cmp(a, &zero6) != 0;
}

int
learn_flow(struct learn *l, const struct flow *f, enum classify_family fam)
{
	struct learn_edge e, *pe;
	struct learn_am am;
	int d;

	/* Only TCP and UDP have the ports the rules are written for. */
	if (f->proto != IPPROTO_TCP && f->proto != IPPROTO_UDP)
		return 0;
	l->flows++;
	for (d = 0; d < 2; d++) {
		if (!learn_site_addr(&f->addr[d])) {
			l->internet += addr_is_public(&f->addr[d]);
			continue;
		}
		if (!f->has_mac[d])
			continue;
		memset(&am, 0, sizeof(am));
		am.a = f->addr[d];
		memcpy(am.mac, f->mac[d], 6);
		if (set_get(&l->ams, &am) == NULL)
			return -1;
	}
	memset(&e, 0, sizeof(e));
	e.c = f->addr[FLOW_C2S];
	e.s = f->addr[FLOW_S2C];
	e.port = f->port[FLOW_S2C];
	e.transport = f->proto;
	if ((pe = set_get(&l->edges, &e)) == NULL)
		return -1;
	pe->flows++;
	if (pe->fam == CLASSIFY_FAM_NONE)
		pe->fam = (uint8_t)fam;
	/*
	 * A server answers a TCP connection with its SYN-ACK (or, on a
	 * connection seen mid-stream, with anything but a reset): a refusal
	 * says nothing of what it serves.  Any UDP reply counts.
	 */
	if (f->proto == IPPROTO_TCP ? (f->tcp_flags[FLOW_S2C] & 0x02) ||
	    (f->pkts[FLOW_S2C] > 0 && !(f->tcp_flags[FLOW_S2C] & 0x04)) :
	    f->pkts[FLOW_S2C] > 0)
		pe->answered = 1;
	return 0;
}

/* DHCP (RFC 2131 section 2): the fixed BOOTP part, then the cookie. */
#define DHCP_OPTIONS	240	/* op .. file: 236 bytes, cookie: 4 */
#define DHCP_BOOTREPLY	2
#define DHCP_OFFER	2	/* option 53 values (RFC 2132 section 9.6) */
#define DHCP_ACK	5

/*
 * The prefix length of a contiguous IPv4 netmask m (network order bytes),
 * or -1: not contiguous, or outside /8../30 (not a subnet a DHCP server
 * hands addresses out of).
 */
static int
mask_len(const uint8_t *m)
{
	uint32_t v = (uint32_t)m[0] << 24 | (uint32_t)m[1] << 16 |
	    (uint32_t)m[2] << 8 | m[3];
	int n = __builtin_popcount(v);

	if (n < 8 || n > 30 || (uint32_t)(~v) & ((uint32_t)(~v) + 1))
		return -1;
	return n;
}

void
learn_packet(struct learn *l, const struct pkt *p)
{
	const uint8_t *b = p->payload, *mask = NULL, *router = NULL;
	const uint8_t *ip;
	struct learn_subnet sn;
	uint32_t o, n = p->paylen;
	int type = 0, plen, i;
	size_t k;

	if (!learn_packet_wanted(p))
		return;
	/* The fixed part and the magic cookie 99.130.83.99 (RFC 2131 3). */
	if (b == NULL || n < DHCP_OPTIONS || b[0] != DHCP_BOOTREPLY ||
	    b[236] != 99 || b[237] != 130 || b[238] != 83 || b[239] != 99)
		return;
	for (o = DHCP_OPTIONS; o < n && b[o] != 255;) {
		/* Pad (0) is one byte; every other option has a length. */
		if (b[o] == 0) {
			o++;
			continue;
		}
		/* The length byte and the value within the payload. */
		if (o + 2 > n || o + 2 + b[o + 1] > n)
			return;
		if (b[o] == 53 && b[o + 1] == 1)
			type = b[o + 2];
		else if (b[o] == 1 && b[o + 1] == 4)
			mask = b + o + 2;
		else if (b[o] == 3 && b[o + 1] >= 4 && b[o + 1] % 4 == 0)
			router = b + o + 2;
		o += 2u + b[o + 1];
	}
	if ((type != DHCP_OFFER && type != DHCP_ACK) || mask == NULL ||
	    (plen = mask_len(mask)) == -1)
		return;
	/* The address handed out; an ACK to an INFORM has it in ciaddr. */
	ip = b + 16;
	if (ip[0] == 0 && ip[1] == 0 && ip[2] == 0 && ip[3] == 0)
		ip = b + 12;
	memset(&sn, 0, sizeof(sn));
	addr_from_v4(&sn.net, ip);
	if (!learn_site_addr(&sn.net))
		return;
	/* Host bits off: the last 32 bits of the 128-bit form are IPv4's. */
	for (i = plen; i < 32; i++)
		sn.net.b[12 + i / 8] &= (uint8_t)~(0x80u >> (i % 8));
	sn.plen = 96 + (unsigned)plen;
	if (router != NULL) {
		addr_from_v4(&sn.router, router);
		sn.has_router = addr_in_prefix(&sn.router, &sn.net, sn.plen);
	}
	/*
	 * The first word on a subnet stands: a second server, or a rogue
	 * one, that says otherwise is not believed over it.
	 */
	for (k = 0; k < l->nsubnets; k++)
		if (addr_in_prefix(&sn.net, &l->subnets[k].net,
		    l->subnets[k].plen) || addr_in_prefix(&l->subnets[k].net,
		    &sn.net, sn.plen))
			return;
	if (l->nsubnets == LEARN_SUBNETS_MAX)
		return;
	l->subnets[l->nsubnets++] = sn;
}

static int
addr_qcmp(const void *x, const void *y)
{
	return addr_cmp(x, y);
}

/* Index of the host of a, or -1 (not a site address). */
static long
host_find(const struct learn *l, const struct addr *a)
{
	size_t lo = 0, hi = l->nhosts, mid;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((c = addr_cmp(&l->hosts[mid].a, a)) == 0)
			return (long)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/*
 * The most client roles a rule may name and still tell a server or a
 * device by what it uses (see pair_weight).
 */
#define LEARN_NARROW	2

static int
role_count(uint64_t set)
{
	return __builtin_popcountll(set);
}

/* A rule of every port of its transport (a recorder's to its devices). */
static int
rule_any_port(const struct rule *r)
{
	return r->port_hi - r->port_lo >= 1000;
}

/*
 * The rules that may explain pair e, into l->cand; returns how many.
 * Those of its server port; and when no rule names that port itself,
 * those of the protocol DPI saw on it, moved off its documented port (as
 * the policy reads a moved service), provided the rules give that
 * protocol to one service only: HTTP on an odd port could be any of a
 * dozen, RTSP only the one that streams it.
 */
static int
edge_rules(struct learn *l, const struct learn_edge *e)
{
	const struct rule *r;
	size_t i, nr;
	int n, k, m;

	n = rules_lookup(l->rs, e->transport, e->port, l->cand, l->maxcand);
	if (n > l->maxcand)
		n = l->maxcand;
	for (k = 0; k < n; k++)
		if (!rule_local(l->cand[k]) && !rule_any_port(l->cand[k]))
			return n;
	if (e->fam == CLASSIFY_FAM_NONE)
		return n;
	m = n;
	nr = rules_count(l->rs);
	for (i = 0; i < nr && m < l->maxcand; i++) {
		r = rules_get(l->rs, i);
		if (rule_local(r) || rule_any_port(r) ||
		    r->transport != e->transport ||
		    r->protocol == RULES_P_TCP || r->protocol == RULES_P_UDP ||
		    !policy_proto_compatible(r->protocol,
		    (enum classify_family)e->fam))
			continue;
		/* A second service for the protocol: it tells nothing. */
		if (m > n && (l->cand[n]->server != r->server ||
		    l->cand[n]->clients != r->clients))
			return n;
		l->cand[m++] = r;
	}
	return m;
}

/*
 * What one pair says of role x for the end on side (0 client, 1 server)
 * whose peer has roles peer (0: not known): 2 when a rule of its port
 * has x on that side and the peer's roles on the other, 1 when the peer
 * is not known yet (a server's port alone), 0 when no rule does.  A
 * client's role is told by a known server only, and a rule of any port
 * (a recorder's connections to its devices) by a known recorder only:
 * that an unknown box talks to cameras does not make it a recorder.  A
 * server or a device is told by what it uses only through a rule written
 * for a few client roles (LEARN_NARROW): that a host uses a port every
 * server may use says nothing of which server it is, that it uses one
 * the rules give to the API gateway and the management client does.
 */
static int
pair_weight(const struct learn *l, int n, int side, uint64_t peer, int x)
{
	int i, best = 0, w;

	for (i = 0; i < n && i < l->maxcand; i++) {
		const struct rule *r = l->cand[i];
		uint64_t own = side ? r->server : r->clients;
		uint64_t other = side ? r->clients : r->server;
		int any = rule_any_port(r);

		if ((r->flags & RULES_F_LOCAL_ONLY) ||
		    !(own & ROLE_BIT(x)))
			continue;
		if (!side && (role_flags((enum role)x) & (ROLE_F_SERVER |
		    ROLE_F_CAMERA)) && role_count(r->clients) > LEARN_NARROW)
			continue;
		if (peer != 0)
			w = (peer & other) ? 2 : 0;
		else
			w = side && !any ? 1 : 0;
		if (any && !side)
			w = 0;
		if (w > best)
			best = w;
	}
	return best;
}

/* 1 when some rule documents the pair with these roles at its ends. */
static int
pair_documented(const struct learn *l, int n, uint64_t cr, uint64_t sr)
{
	int i;

	for (i = 0; i < n && i < l->maxcand; i++) {
		const struct rule *r = l->cand[i];

		if (!(r->flags & RULES_F_LOCAL_ONLY) && (r->server & sr) &&
		    (r->clients & cr))
			return 1;
	}
	return 0;
}

#define LEARN_ROUNDS	8
#define LEARN_ROLES	3	/* roles at most per host */

/* What the pairs left say of one role. */
struct learn_score {
	int srv;		/* pairs it serves that a rule explains */
	int cli;		/* pairs it uses that a rule explains */
	int known;		/* of them, with a peer of the rule's roles */
};

/*
 * 1 when role a beats role b: more served, then more used, then surer
 * pairs; then, for roles told by what they use alone, the narrower
 * client (the rules let it use fewer services: the flows seen are more
 * of what it may do).  0 for a tie.
 */
static int
score_beats(const struct learn *l, const struct learn_score *sc, int a,
    int b)
{
	if (sc[a].srv != sc[b].srv)
		return sc[a].srv > sc[b].srv;
	if (sc[a].cli != sc[b].cli)
		return sc[a].cli > sc[b].cli;
	if (sc[a].known != sc[b].known)
		return sc[a].known > sc[b].known;
	return sc[a].srv == 0 && l->breadth[a] < l->breadth[b];
}

/*
 * The roles of host h given everyone's roles in cur: the role that
 * explains the most of its pairs (what it serves first: a port a host
 * listens on says more than one it connects to), then the role that
 * explains most of the pairs left, and so on.  Ties go to the role first
 * in role.h; *alt gets the roles tied with the first.  A first role
 * needs two pairs, or one with a peer of the rule's other side; a
 * further role, two pairs it serves.
 */
static uint64_t
infer_host(struct learn *l, size_t h, const uint64_t *cur, int *first,
    uint64_t *alt)
{
	struct learn_score sc[ROLE_COUNT];
	struct learn_edge *e;
	uint8_t *done;
	uint64_t roles = 0;
	int k, x, best, side, n, w;
	size_t i;
	long peer;

	*first = 0;
	*alt = 0;
	if ((done = calloc(l->edges.n + 1, 1)) == NULL)
		return 0;
	for (k = 0; k < LEARN_ROLES; k++) {
		memset(sc, 0, sizeof(sc));
		for (i = 0; i < l->edges.n; i++) {
			e = (struct learn_edge *)(l->edges.recs + i *
			    l->edges.rsize);
			if (done[i] || !e->answered ||
			    addr_cmp(&e->s, &e->c) == 0)
				continue;
			if (addr_cmp(&e->s, &l->hosts[h].a) == 0)
				side = 1;
			else if (addr_cmp(&e->c, &l->hosts[h].a) == 0)
				side = 0;
			else
				continue;
			peer = host_find(l, side ? &e->c : &e->s);
			n = edge_rules(l, e);
			for (x = 0; x < ROLE_COUNT; x++) {
				w = pair_weight(l, n, side, peer >= 0 ?
				    cur[peer] : 0, x);
				if (w == 0)
					continue;
				if (side)
					sc[x].srv++;
				else
					sc[x].cli++;
				sc[x].known += w == 2;
			}
		}
		for (x = 1, best = 0; x < ROLE_COUNT; x++)
			if (score_beats(l, sc, x, best))
				best = x;
		if (k == 0 ? sc[best].srv + sc[best].cli < 2 &&
		    sc[best].known == 0 : sc[best].srv < 2)
			break;
		if (k == 0) {
			*first = sc[best].known + sc[best].srv + sc[best].cli;
			for (x = 0; x < ROLE_COUNT; x++)
				if (x != best && !score_beats(l, sc, best, x))
					*alt |= ROLE_BIT(x);
		}
		roles |= ROLE_BIT(best);
		/* The pairs the role accounts for say no more. */
		for (i = 0; i < l->edges.n; i++) {
			e = (struct learn_edge *)(l->edges.recs + i *
			    l->edges.rsize);
			if (done[i] || !e->answered)
				continue;
			side = addr_cmp(&e->s, &l->hosts[h].a) == 0;
			if (!side && addr_cmp(&e->c, &l->hosts[h].a) != 0)
				continue;
			peer = host_find(l, side ? &e->c : &e->s);
			if (pair_weight(l, edge_rules(l, e), side, peer >= 0 ?
			    cur[peer] : 0, best) > 0)
				done[i] = 1;
		}
	}
	free(done);
	return roles;
}

/* The hosts: every site address of a pair or a MAC, sorted. */
static int
collect_hosts(struct learn *l)
{
	struct addr *v;
	size_t n = 0, i, k;

	if ((v = calloc(l->edges.n * 2 + l->ams.n + 1, sizeof(*v))) == NULL)
		return -1;
	for (i = 0; i < l->edges.n; i++) {
		const struct learn_edge *e = (const struct learn_edge *)
		    (l->edges.recs + i * l->edges.rsize);

		if (learn_site_addr(&e->c))
			v[n++] = e->c;
		if (learn_site_addr(&e->s) && e->answered)
			v[n++] = e->s;
	}
	for (i = 0; i < l->ams.n; i++)
		v[n++] = ((const struct learn_am *)(l->ams.recs + i *
		    l->ams.rsize))->a;
	qsort(v, n, sizeof(*v), addr_qcmp);
	for (i = 0, k = 0; i < n; i++)
		if (k == 0 || addr_cmp(&v[i], &v[k - 1]) != 0)
			v[k++] = v[i];
	if ((l->hosts = calloc(k + 1, sizeof(*l->hosts))) == NULL) {
		free(v);
		return -1;
	}
	for (i = 0; i < k; i++) {
		char b[ADDR_STRLEN];

		l->hosts[i].a = v[i];
		snprintf(l->hosts[i].name, sizeof(l->hosts[i].name), "h-%s",
		    addr_fmt(&v[i], b, sizeof(b)));
	}
	l->nhosts = k;
	free(v);
	return 0;
}

/* Settles the roles, then withholds those of hosts that act undocumented. */
static int
infer(struct learn *l)
{
	uint64_t *cur, *next, alt;
	size_t h, i;
	int round, changed = 1, first;

	cur = calloc(l->nhosts + 1, sizeof(*cur));
	next = calloc(l->nhosts + 1, sizeof(*next));
	if (cur == NULL || next == NULL) {
		free(cur);
		free(next);
		return -1;
	}
	/*
	 * Each host's roles are worked out from the latest of its peers'
	 * (in place, not round by round: two hosts that tell each other's
	 * role would otherwise swap guesses for ever).
	 */
	for (round = 0; round < LEARN_ROUNDS && changed; round++) {
		changed = 0;
		for (h = 0; h < l->nhosts; h++) {
			next[h] = infer_host(l, h, cur, &first, &alt);
			l->hosts[h].score = first;
			l->hosts[h].alt = alt;
			changed |= next[h] != cur[h];
			cur[h] = next[h];
		}
	}
	for (h = 0; h < l->nhosts; h++)
		l->hosts[h].roles = cur[h];
	/*
	 * With everyone's roles known, each pair of a host is documented or
	 * not (an unanswered attempt counts: scanning is behaviour too).
	 */
	for (i = 0; i < l->edges.n; i++) {
		const struct learn_edge *e = (const struct learn_edge *)
		    (l->edges.recs + i * l->edges.rsize);
		long c = host_find(l, &e->c), s = host_find(l, &e->s);
		uint64_t cr = c >= 0 ? cur[c] : 0, sr = s >= 0 ? cur[s] : 0;
		int n, ok;

		if (addr_is_group(&e->s))
			continue;
		n = edge_rules(l, e);
		/* One-way UDP (a stream, a log) is documented all the same. */
		ok = (e->answered || e->transport == IPPROTO_UDP) &&
		    pair_documented(l, n, cr, sr);
		if (c >= 0) {
			if (ok)
				l->hosts[c].doc++;
			else
				l->hosts[c].undoc++;
		}
		if (s >= 0 && (e->answered || e->transport == IPPROTO_UDP)) {
			if (ok)
				l->hosts[s].doc++;
			else
				l->hosts[s].undoc++;
		}
	}
	/*
	 * A host that does more undocumented things than documented ones,
	 * and not a few, is scanning or worse: whatever it resembles, its
	 * draft entry claims nothing for it.
	 */
	for (h = 0; h < l->nhosts; h++)
		if (l->hosts[h].roles != 0 && l->hosts[h].undoc >= 3 &&
		    l->hosts[h].undoc > 2 * l->hosts[h].doc) {
			l->hosts[h].suspect = 1;
			l->hosts[h].roles = 0;
		}
	free(cur);
	free(next);
	return 0;
}

static int
am_cmp_mac(const void *x, const void *y)
{
	const struct learn_am *a = x, *b = y;
	int c;

	if ((c = memcmp(a->mac, b->mac, 6)) != 0)
		return c;
	return addr_cmp(&a->a, &b->a);
}

/* How many site addresses MAC mac is seen with (ams sorted by MAC). */
static size_t
mac_addrs(const struct learn_am *v, size_t n, const uint8_t *mac)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		if (memcmp(v[i].mac, mac, 6) == 0)
			k++;
	return k;
}

/* The evidence of host h's roles: its answered, documented pairs. */
static void
write_evidence(struct learn *l, size_t h, FILE *out)
{
	size_t i, shown = 0, more = 0;
	int side;

	fprintf(out, "\t#");
	for (side = 1; side >= 0; side--)
		for (i = 0; i < l->edges.n; i++) {
			const struct learn_edge *e = (const struct learn_edge *)
			    (l->edges.recs + i * l->edges.rsize);
			const struct addr *me = side ? &e->s : &e->c;
			const struct addr *it = side ? &e->c : &e->s;
			long p = host_find(l, it);
			char b[ADDR_STRLEN];
			int n;

			if (!e->answered || addr_cmp(me, &l->hosts[h].a) != 0)
				continue;
			n = edge_rules(l, e);
			if (!(side ? pair_documented(l, n, p >= 0 ?
			    l->hosts[p].roles : 0, l->hosts[h].roles) :
			    pair_documented(l, n, l->hosts[h].roles, p >= 0 ?
			    l->hosts[p].roles : 0)))
				continue;
			if (shown == 4) {
				more++;
				continue;
			}
			fprintf(out, "%s %s %u/%s %s %s", shown ? ";" : "",
			    side ? "serves" : "uses", e->port,
			    rules_transport_name(e->transport),
			    side ? "to" : "on", p >= 0 ? l->hosts[p].name :
			    addr_fmt(it, b, sizeof(b)));
			shown++;
		}
	if (more > 0)
		fprintf(out, "; and %zu more", more);
	fprintf(out, "\n");
}

/* A zone of the draft: a DHCP subnet, or the /24 (/64) of a host. */
struct learn_zone {
	struct addr net;
	unsigned plen;		/* 128-bit form */
	const struct learn_subnet *dhcp;	/* or NULL */
	size_t nhost;
	int ncam, nsrv, ncli;
};

/* The zone of address a: its DHCP subnet (the longest), else its /24. */
static void
zone_of(const struct learn *l, const struct addr *a, struct learn_zone *z)
{
	int v4 = addr_is_v4(a);
	size_t k;

	memset(z, 0, sizeof(*z));
	for (k = 0; k < l->nsubnets; k++)
		if (addr_in_prefix(a, &l->subnets[k].net, l->subnets[k].plen) &&
		    (z->dhcp == NULL || l->subnets[k].plen > z->plen)) {
			z->dhcp = &l->subnets[k];
			z->net = z->dhcp->net;
			z->plen = z->dhcp->plen;
		}
	if (z->dhcp != NULL)
		return;
	z->net = *a;
	memset(z->net.b + (v4 ? 15 : 8), 0, v4 ? 1 : 8);
	z->plen = v4 ? 120 : 64;
}

/*
 * Writes the zones: the subnet DHCP told for a host's address, else its
 * /24 (IPv4) or /64 (IPv6).  A /24 may hold a smaller DHCP subnet: the
 * inventory takes the longest prefix, so both are written.
 */
static int
write_zones(struct learn *l, FILE *out, size_t *nzones)
{
	struct learn_zone *zs, z;
	size_t h, k, n = 0;
	char b[ADDR_STRLEN], r[ADDR_STRLEN], name[ADDR_STRLEN + 8];
	int v4;

	*nzones = 0;
	if ((zs = calloc(l->nhosts + 1, sizeof(*zs))) == NULL)
		return -1;
	for (h = 0; h < l->nhosts; h++) {
		uint64_t ro = l->hosts[h].roles;

		zone_of(l, &l->hosts[h].a, &z);
		for (k = 0; k < n; k++)
			if (zs[k].plen == z.plen &&
			    addr_cmp(&zs[k].net, &z.net) == 0)
				break;
		if (k == n)
			zs[n++] = z;
		zs[k].nhost++;
		if (ro & role_set_with(ROLE_F_CAMERA))
			zs[k].ncam++;
		else if (ro & role_set_with(ROLE_F_SERVER))
			zs[k].nsrv++;
		else if (ro & role_set_with(ROLE_F_VMS))
			zs[k].ncli++;
	}
	fprintf(out, "zones = (\n");
	for (k = 0; k < n; k++) {
		struct learn_zone *zp = &zs[k];
		int any = zp->ncam + zp->nsrv + zp->ncli;

		v4 = addr_is_v4(&zp->net);
		addr_fmt(&zp->net, b, sizeof(b));
		/* A /24 keeps its old name; a DHCP subnet adds its length. */
		if (zp->dhcp != NULL)
			snprintf(name, sizeof(name), "%s-%u", b,
			    zp->plen - (v4 ? 96 : 0));
		else
			snprintf(name, sizeof(name), "%s", b);
		if (k > 0)
			fprintf(out, ",\n");
		fprintf(out, "\t# %zu hosts: %d cameras, %d servers, "
		    "%d clients\n", zp->nhost, zp->ncam, zp->nsrv, zp->ncli);
		if (zp->dhcp != NULL && zp->dhcp->has_router)
			fprintf(out, "\t# from DHCP: router %s\n",
			    addr_fmt(&zp->dhcp->router, r, sizeof(r)));
		else if (zp->dhcp != NULL)
			fprintf(out, "\t# from DHCP\n");
		fprintf(out, "\t{ name = \"net-%s\"; networks = [ \"%s/%u\" ];"
		    "%s%s%s }", name, b, zp->plen - (v4 ? 96 : 0),
		    any == 0 ? "" : " purpose = \"",
		    any == 0 ? "" : (size_t)zp->ncam == zp->nhost ?
		    "camera" : zp->ncam > zp->nsrv + zp->ncli ? "camera" :
		    zp->nsrv >= zp->ncli ? "server" : "client",
		    any == 0 ? "" : "\";");
	}
	fprintf(out, "\n);\n\n");
	*nzones = n;
	free(zs);
	return 0;
}

int
learn_write(struct learn *l, const char *what, FILE *out, FILE *summary)
{
	struct learn_am *ams = NULL;
	size_t h, i, nzones, nroles = 0, nnone = 0, nsuspect = 0, nshared = 0;
	char roles[512], b[ADDR_STRLEN], m[24];

	if (collect_hosts(l) == -1 || infer(l) == -1)
		return -1;
	if (l->ams.n > 0) {
		if ((ams = calloc(l->ams.n, sizeof(*ams))) == NULL)
			return -1;
		for (i = 0; i < l->ams.n; i++)
			memcpy(&ams[i], l->ams.recs + i * l->ams.rsize,
			    sizeof(*ams));
		qsort(ams, l->ams.n, sizeof(*ams), am_cmp_mac);
	}
	fprintf(out, "# Draft inventory learned by vmswatch --learn from %s.\n"
	    "# Roles come from the documented flows of the rules file; check\n"
	    "# every entry before use, and give the hosts left with\n"
	    "# roles = [ ] theirs by hand.\n\nsite = \"learned\";\n\n", what);
	if (write_zones(l, out, &nzones) == -1) {
		free(ams);
		return -1;
	}
	fprintf(out, "hosts = (\n");
	for (h = 0; h < l->nhosts; h++) {
		struct learn_host *hp = &l->hosts[h];
		size_t nown = 0;

		fprintf(out, "%s", h ? ",\n" : "");
		/* Its MACs: those seen with no other site address. */
		for (i = 0; i < l->ams.n; i++) {
			if (addr_cmp(&ams[i].a, &hp->a) != 0)
				continue;
			hp->nmacs++;
			if (mac_addrs(ams, l->ams.n, ams[i].mac) == 1)
				nown++;
			else
				fprintf(out, "\t# MAC %s is seen for several "
				    "addresses (a router?): left out\n",
				    addr_fmt_mac(ams[i].mac, m, sizeof(m)));
		}
		if (hp->nmacs > 1)
			fprintf(out, "\t# seen with %u MACs\n", hp->nmacs);
		if (hp->roles != 0) {
			nroles++;
			fprintf(out, "\t# %s (confidence %s):\n",
			    role_set_fmt(hp->roles, roles, sizeof(roles)),
			    hp->score >= 6 ? "high" : hp->score >= 3 ?
			    "medium" : "low");
			write_evidence(l, h, out);
			if (hp->alt != 0)
				fprintf(out, "\t# as well explained by: %s\n",
				    role_set_fmt(hp->alt, roles,
				    sizeof(roles)));
		} else if (hp->suspect) {
			nsuspect++;
			fprintf(out, "\t# role withheld: %d of its pairs are "
			    "documented for no role, %d are (scanning?)\n",
			    hp->undoc, hp->doc);
		} else {
			nnone++;
			fprintf(out, "\t# role unknown: no documented flow "
			    "tells\n");
		}
		fprintf(out, "\t{ name = \"%s\"; addresses = [ \"%s\" ];",
		    hp->name, addr_fmt(&hp->a, b, sizeof(b)));
		if (nown > 0) {
			size_t k = 0;

			fprintf(out, " macs = [");
			for (i = 0; i < l->ams.n; i++)
				if (addr_cmp(&ams[i].a, &hp->a) == 0 &&
				    mac_addrs(ams, l->ams.n, ams[i].mac) == 1)
					fprintf(out, "%s \"%s\"", k++ ? "," :
					    "", addr_fmt_mac(ams[i].mac, m,
					    sizeof(m)));
			fprintf(out, " ];");
		}
		fprintf(out, " roles = [");
		for (i = 0; i < ROLE_COUNT; i++)
			if (hp->roles & ROLE_BIT(i))
				fprintf(out, " \"%s\"%s", role_name(
				    (enum role)i), hp->roles >> (i + 1) ?
				    "," : "");
		fprintf(out, " ]; }");
	}
	/*
	 * A MAC of several addresses forwards others' traffic (or hides
	 * them): a router, listed by its MAC alone for the owner to judge.
	 */
	for (i = 0; i < l->ams.n; i++)
		if ((i == 0 || memcmp(ams[i].mac, ams[i - 1].mac, 6) != 0) &&
		    mac_addrs(ams, l->ams.n, ams[i].mac) > 1) {
			nshared++;
			addr_fmt_mac(ams[i].mac, m, sizeof(m));
			fprintf(out, "%s\t# MAC %s is seen for %zu addresses: "
			    "a router, or one box answering for others\n"
			    "\t{ name = \"router-%zu\"; macs = [ \"%s\" ]; "
			    "router = true; }", l->nhosts || nshared > 1 ?
			    ",\n" : "", m, mac_addrs(ams, l->ams.n,
			    ams[i].mac), nshared, m);
		}
	fprintf(out, "\n);\n");
	if (summary != NULL)
		fprintf(summary, "%-16s %llu flows: %zu hosts (%zu with "
		    "roles, %zu unknown, %zu withheld), %zu zones, %zu shared "
		    "MACs, %llu Internet ends\n", "learn",
		    (unsigned long long)l->flows, l->nhosts, nroles, nnone,
		    nsuspect, nzones, nshared,
		    (unsigned long long)l->internet);
	free(ams);
	return ferror(out) ? -1 : 0;
}

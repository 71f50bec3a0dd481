/*
 * report.c - the coverage report (see report.h), the stage after alert.
 *
 * Three tables fill up during the run, one entry per distinct thing:
 * per rule of the ruleset (flows, packets, bytes, client and server
 * hosts), per host address (inventory host, MACs, packets each way,
 * alerts), and per role pair and server port (the matrix and the
 * undocumented section).  The hosts and pairs are open-addressing hash
 * tables that double when half full, so a capture with many hosts or a
 * port scan costs memory in proportion, not time.
 *
 * The writers at the end derive everything else (sections' verdicts,
 * the matrix's cells, never-seen rules) from those tables.  The HTML is
 * one file with its style, its SVG and a small sorting script inline:
 * nothing is fetched, so it opens the same on an air-gapped laptop.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "escape.h"
#include "isotime.h"
#include "report.h"
#include "role.h"

/* MACs kept per host: more than a host has, fewer than a spoofer shows. */
#define REPORT_MACS	4
/* Example 5-tuples kept per undocumented entry. */
#define REPORT_EXAMPLES	3
/* Distinct rule ids and sections of alerts kept (more: counted as other). */
#define REPORT_KEYS	512
/* Capture files named in the report. */
#define REPORT_FILES	64
/* Ports written in one matrix cell before "+n". */
#define CELL_PORTS	4
/* Room for a 5-tuple: two addresses, two ports, a transport. */
#define TUPLE_MAX	(2 * ADDR_STRLEN + 32)

/* A growable set of small indices (hosts of a rule). */
struct idxset {
	uint32_t *v;
	uint32_t n, cap;
};

struct rhost {
	struct addr addr;
	const struct inventory_host *host;	/* or NULL */
	const struct inventory_zone *zone;	/* or NULL */
	uint8_t internet;
	uint8_t nmacs;
	uint8_t macs[REPORT_MACS][6];
	uint64_t sent, received;	/* packets */
	uint64_t flows, alerts;
};

struct rrule {
	uint64_t flows, packets, bytes;
	uint64_t violating;		/* of those, flows that raised a kind */
	struct idxset clients, servers;	/* indices into hosts */
};

/* A (client roles, server roles, server port, transport) seen. */
struct rpair {
	uint64_t croles, sroles;
	uint16_t port;
	uint8_t transport;
	uint8_t used;
	uint8_t nex;
	uint16_t kinds;			/* 1 << kind raised by its flows */
	const struct rule *rule;	/* the last rule documenting one */
	uint64_t flows, documented, violating;
	uint64_t first, last;		/* packet times */
	char ex[REPORT_EXAMPLES][TUPLE_MAX];
};

struct rcount {
	const char *key;		/* owned copy */
	uint64_t n;
};

struct report {
	const struct inventory *inv;
	const struct ruleset *rs;
	size_t nrules;
	struct rrule *rules;
	/* hosts: a vector, indexed by an open-addressing table */
	struct rhost *hosts;
	uint32_t nhosts, hcap;
	uint32_t *hidx;			/* index + 1; 0: empty */
	uint32_t hslots;
	struct rpair *pairs;		/* open addressing */
	uint32_t npairs, pslots;
	uint64_t flows, covered;
	uint64_t kinds[POLICY_KIND_MAX];
	uint64_t alerts;
	struct rcount by_rule[REPORT_KEYS], by_section[REPORT_KEYS];
	int nby_rule, nby_section;
	uint64_t other_rule, other_section;
	const char *files[REPORT_FILES];
	int nfiles, more_files;
	int oom;			/* a table could not grow */
};

static uint32_t
hash_bytes(const void *p, size_t n, uint32_t h)
{
	const uint8_t *b = p;

	while (n-- > 0)
		h = (h ^ *b++) * 16777619u;
	return h;
}

static int
idxset_add(struct idxset *s, uint32_t i)
{
	uint32_t k, *v;

	for (k = 0; k < s->n; k++)
		if (s->v[k] == i)
			return 0;
	if (s->n == s->cap) {
		k = s->cap ? s->cap * 2 : 8;
		if ((v = realloc(s->v, k * sizeof(*v))) == NULL)
			return -1;
		s->v = v;
		s->cap = k;
	}
	s->v[s->n++] = i;
	return 0;
}

struct report *
report_new(const struct inventory *inv, const struct ruleset *rs)
{
	struct report *rep;

	if ((rep = calloc(1, sizeof(*rep))) == NULL)
		return NULL;
	rep->inv = inv;
	rep->rs = rs;
	rep->nrules = rs != NULL ? rules_count(rs) : 0;
	rep->hslots = 256;
	rep->pslots = 256;
	if ((rep->nrules > 0 && (rep->rules = calloc(rep->nrules,
	    sizeof(*rep->rules))) == NULL) ||
	    (rep->hidx = calloc(rep->hslots, sizeof(*rep->hidx))) == NULL ||
	    (rep->pairs = calloc(rep->pslots, sizeof(*rep->pairs))) == NULL) {
		report_free(rep);
		return NULL;
	}
	return rep;
}

void
report_free(struct report *rep)
{
	size_t i;
	int k;

	if (rep == NULL)
		return;
	for (i = 0; rep->rules != NULL && i < rep->nrules; i++) {
		free(rep->rules[i].clients.v);
		free(rep->rules[i].servers.v);
	}
	for (k = 0; k < rep->nby_rule; k++)
		free((char *)rep->by_rule[k].key);
	for (k = 0; k < rep->nby_section; k++)
		free((char *)rep->by_section[k].key);
	free(rep->rules);
	free(rep->hosts);
	free(rep->hidx);
	free(rep->pairs);
	free(rep);
}

int
report_file(struct report *rep, const char *path)
{
	if (rep->nfiles == REPORT_FILES) {
		rep->more_files++;
		return 0;
	}
	rep->files[rep->nfiles++] = path;
	return 0;
}

int
report_format_lookup(const char *name)
{
	if (strcmp(name, "html") == 0)
		return REPORT_HTML;
	if (strcmp(name, "md") == 0)
		return REPORT_MD;
	return -1;
}

/* Doubles the host index when half full.  Returns 0 or -1. */
static int
hosts_grow(struct report *rep)
{
	uint32_t n = rep->hslots * 2, i, j, *idx;

	if ((idx = calloc(n, sizeof(*idx))) == NULL)
		return -1;
	for (i = 0; i < rep->nhosts; i++) {
		j = hash_bytes(&rep->hosts[i].addr, sizeof(struct addr),
		    2166136261u) & (n - 1);
		while (idx[j] != 0)
			j = (j + 1) & (n - 1);
		idx[j] = i + 1;
	}
	free(rep->hidx);
	rep->hidx = idx;
	rep->hslots = n;
	return 0;
}

/* The host entry of address a, made on first sight; NULL without memory. */
static struct rhost *
host_get(struct report *rep, const struct addr *a)
{
	struct rhost *h;
	uint32_t j;

	j = hash_bytes(a, sizeof(*a), 2166136261u) & (rep->hslots - 1);
	for (; rep->hidx[j] != 0; j = (j + 1) & (rep->hslots - 1))
		if (addr_cmp(&rep->hosts[rep->hidx[j] - 1].addr, a) == 0)
			return &rep->hosts[rep->hidx[j] - 1];
	if (rep->nhosts == rep->hcap) {
		uint32_t cap = rep->hcap ? rep->hcap * 2 : 64;

		if ((h = realloc(rep->hosts, cap * sizeof(*h))) == NULL)
			return NULL;
		rep->hosts = h;
		rep->hcap = cap;
	}
	h = &rep->hosts[rep->nhosts];
	memset(h, 0, sizeof(*h));
	h->addr = *a;
	h->host = inventory_host(rep->inv, a);
	h->zone = h->host != NULL && h->host->zone != NULL ? h->host->zone :
	    inventory_zone(rep->inv, a);
	h->internet = h->host == NULL && inventory_is_internet(rep->inv, a);
	rep->hidx[j] = ++rep->nhosts;
	if (rep->nhosts * 2 > rep->hslots && hosts_grow(rep) == -1)
		rep->oom = 1;	/* still usable: only fuller */
	return h;
}

static void
host_mac(struct rhost *h, const struct policy_end *e)
{
	int i;

	if (!e->has_mac)
		return;
	for (i = 0; i < h->nmacs; i++)
		if (memcmp(h->macs[i], e->mac, 6) == 0)
			return;
	if (h->nmacs < REPORT_MACS)
		memcpy(h->macs[h->nmacs++], e->mac, 6);
}

static uint32_t
pair_hash(uint64_t croles, uint64_t sroles, uint16_t port, uint8_t t)
{
	uint32_t h = 2166136261u;

	h = hash_bytes(&croles, sizeof(croles), h);
	h = hash_bytes(&sroles, sizeof(sroles), h);
	h = hash_bytes(&port, sizeof(port), h);
	return hash_bytes(&t, sizeof(t), h);
}

static int
pairs_grow(struct report *rep)
{
	uint32_t n = rep->pslots * 2, i, j;
	struct rpair *p, *o = rep->pairs;

	if ((p = calloc(n, sizeof(*p))) == NULL)
		return -1;
	for (i = 0; i < rep->pslots; i++) {
		if (!o[i].used)
			continue;
		j = pair_hash(o[i].croles, o[i].sroles, o[i].port,
		    o[i].transport) & (n - 1);
		while (p[j].used)
			j = (j + 1) & (n - 1);
		p[j] = o[i];
	}
	free(o);
	rep->pairs = p;
	rep->pslots = n;
	return 0;
}

static struct rpair *
pair_get(struct report *rep, uint64_t croles, uint64_t sroles,
    uint16_t port, uint8_t t)
{
	struct rpair *p;
	uint32_t j;

	/* Grown before inserting, so that the returned entry stays put. */
	if ((rep->npairs + 1) * 2 > rep->pslots && pairs_grow(rep) == -1 &&
	    rep->npairs + 1 >= rep->pslots) {
		rep->oom = 1;
		return NULL;
	}
	j = pair_hash(croles, sroles, port, t) & (rep->pslots - 1);
	for (;; j = (j + 1) & (rep->pslots - 1)) {
		p = &rep->pairs[j];
		if (!p->used)
			break;
		if (p->croles == croles && p->sroles == sroles &&
		    p->port == port && p->transport == t)
			return p;
	}
	memset(p, 0, sizeof(*p));
	p->used = 1;
	p->croles = croles;
	p->sroles = sroles;
	p->port = port;
	p->transport = t;
	rep->npairs++;
	return p;
}

static const char *
transport_name(uint8_t t)
{
	const char *n = decode_proto_name(t);

	return n != NULL ? n : "ip";
}

void
report_verdict(const struct policy_verdict *pv, void *arg)
{
	struct report *rep = arg;
	const struct flow *f = pv->f;
	struct rhost *hc, *hs;
	struct rpair *p;
	struct rrule *rr;
	uint32_t ic, is;
	uint64_t pc = f->pkts[pv->ci], ps = f->pkts[!pv->ci];
	uint16_t port;
	char a[ADDR_STRLEN], b[ADDR_STRLEN];

	rep->flows++;
	/* Hosts first: their entries may move when the vector grows. */
	if ((hc = host_get(rep, &pv->client.addr)) == NULL) {
		rep->oom = 1;
		return;
	}
	ic = (uint32_t)(hc - rep->hosts);
	host_mac(hc, &pv->client);
	hc->sent += pc;
	hc->received += ps;
	hc->flows++;
	if ((hs = host_get(rep, &pv->server.addr)) == NULL) {
		rep->oom = 1;
		return;
	}
	hc = &rep->hosts[ic];
	is = (uint32_t)(hs - rep->hosts);
	host_mac(hs, &pv->server);
	/* A flow from a host to itself counts once each way. */
	if (is != ic) {
		hs->sent += ps;
		hs->received += pc;
		hs->flows++;
	}
	/* A media stream belongs to its RTSP session's verdict. */
	if (pv->covered) {
		rep->covered++;
		return;
	}
	if (pv->rule != NULL && rep->rs != NULL) {
		size_t i;

		for (i = 0; i < rep->nrules; i++)
			if (rules_get(rep->rs, i) == pv->rule)
				break;
		if (i < rep->nrules) {
			rr = &rep->rules[i];
			rr->flows++;
			rr->packets += pc + ps;
			rr->bytes += f->bytes[0] + f->bytes[1];
			if (pv->raised != 0)
				rr->violating++;
			if (idxset_add(&rr->clients, ic) == -1 ||
			    idxset_add(&rr->servers, is) == -1)
				rep->oom = 1;
		}
	}
	port = pv->transport == IPPROTO_TCP || pv->transport == IPPROTO_UDP ?
	    pv->server.port : 0;
	if ((p = pair_get(rep, pv->croles, pv->sroles, port,
	    pv->transport)) == NULL)
		return;
	p->flows++;
	if (pv->rule != NULL) {
		p->documented++;
		p->rule = pv->rule;
	}
	if (pv->raised != 0)
		p->violating++;
	p->kinds |= pv->raised;
	if (p->first == 0 || f->first_ts < p->first)
		p->first = f->first_ts;
	if (f->last_ts > p->last)
		p->last = f->last_ts;
	/* Examples of what needs explaining: the undocumented or violating. */
	if (p->nex < REPORT_EXAMPLES && (pv->rule == NULL || pv->raised)) {
		if (pv->transport == IPPROTO_TCP || pv->transport == IPPROTO_UDP)
			snprintf(p->ex[p->nex], TUPLE_MAX, "%s:%u -> %s:%u/%s",
			    addr_fmt(&pv->client.addr, a, sizeof(a)),
			    pv->client.port,
			    addr_fmt(&pv->server.addr, b, sizeof(b)),
			    pv->server.port, transport_name(pv->transport));
		else
			snprintf(p->ex[p->nex], TUPLE_MAX, "%s -> %s/%s",
			    addr_fmt(&pv->client.addr, a, sizeof(a)),
			    addr_fmt(&pv->server.addr, b, sizeof(b)),
			    transport_name(pv->transport));
		p->nex++;
	}
}

/* Counts key in table t of *n entries; past REPORT_KEYS into *other. */
static void
count_key(struct rcount *t, int *n, uint64_t *other, const char *key)
{
	int i;

	for (i = 0; i < *n; i++)
		if (strcmp(t[i].key, key) == 0) {
			t[i].n++;
			return;
		}
	if (*n == REPORT_KEYS || (t[*n].key = strdup(key)) == NULL) {
		(*other)++;
		return;
	}
	t[(*n)++].n = 1;
}

void
report_alert(struct report *rep, const struct alert *a)
{
	struct rhost *h;

	rep->alerts++;
	if ((unsigned)a->kind < POLICY_KIND_MAX)
		rep->kinds[a->kind]++;
	count_key(rep->by_rule, &rep->nby_rule, &rep->other_rule,
	    a->rule_id[0] != '\0' ? a->rule_id : "-");
	if (a->section[0] != '\0')
		count_key(rep->by_section, &rep->nby_section,
		    &rep->other_section, a->section);
	/* Both ends of a finding are hosts the auditor wants to look at. */
	if ((h = host_get(rep, &a->client.addr)) != NULL)
		h->alerts++;
	else
		rep->oom = 1;
	if (a->transport != 0 &&
	    addr_cmp(&a->client.addr, &a->server.addr) != 0) {
		if ((h = host_get(rep, &a->server.addr)) != NULL)
			h->alerts++;
		else
			rep->oom = 1;
	}
}

/* ----- shared by the writers ----- */

/* The label of a role set: its roles, or "unknown" for none. */
static const char *
roles_label(uint64_t set, char *buf, size_t len)
{
	if (set == 0)
		return "unknown";
	return role_set_fmt(set, buf, len);
}

static char *
fmt_ts(uint64_t ts, char *buf, size_t len)
{
	char t[ISOTIME_LEN];

	if (ts == 0) {
		snprintf(buf, len, "-");
		return buf;
	}
	isotime_fmt(ts, t, sizeof(t));
	snprintf(buf, len, "%.19sZ", t);
	return buf;
}

/* Matrix axes: the distinct role sets of the site and of the flows. */
struct axes {
	uint64_t *set;
	size_t n, cap;
};

static int
axes_add(struct axes *ax, uint64_t s)
{
	size_t i;
	uint64_t *v;

	for (i = 0; i < ax->n; i++)
		if (ax->set[i] == s)
			return 0;
	if (ax->n == ax->cap) {
		size_t c = ax->cap ? ax->cap * 2 : 32;

		if ((v = realloc(ax->set, c * sizeof(*v))) == NULL)
			return -1;
		ax->set = v;
		ax->cap = c;
	}
	ax->set[ax->n++] = s;
	return 0;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	/* Unknown (0) last; otherwise in role order, as the guide lists. */
	if (x == 0 || y == 0)
		return (x == 0) - (y == 0);
	return x < y ? -1 : x > y;
}

enum cell_state {
	CELL_EMPTY = 0,
	CELL_UNUSED,		/* documented, no flow */
	CELL_OTHER,		/* flows neither documented nor violating */
	CELL_DOCUMENTED,	/* documented flows only */
	CELL_VIOLATING,		/* at least one flow raised a kind */
};

static const char *const cell_names[] = {
	"empty", "unused", "undocumented", "documented", "violating"
};

struct cell {
	enum cell_state state;
	uint64_t flows, violating;
	uint16_t ports[CELL_PORTS];
	int nports, more;
};

/* Keeps the lowest CELL_PORTS ports in order; the others are counted. */
static void
cell_port(struct cell *c, uint16_t port)
{
	int i, j;

	for (i = 0; i < c->nports; i++)
		if (c->ports[i] == port)
			return;
	for (i = 0; i < c->nports && c->ports[i] < port; i++)
		;
	if (i == CELL_PORTS) {
		c->more++;
		return;
	}
	if (c->nports == CELL_PORTS)
		c->more++;	/* the highest falls off */
	else
		c->nports++;
	for (j = c->nports - 1; j > i; j--)
		c->ports[j] = c->ports[j - 1];
	c->ports[i] = port;
}

/* The matrix: nc x ns cells over the axes (clients down, servers across). */
struct matrix {
	struct axes cl, sv;
	struct cell *cells;
};

static const struct rule *
rule_at(const struct report *rep, size_t i)
{
	return rules_get(rep->rs, i);
}

static int
matrix_build(const struct report *rep, struct matrix *m)
{
	struct axes all = { NULL, 0, 0 };
	size_t i, j, k;
	uint32_t p;
	int rc = -1;

	memset(m, 0, sizeof(*m));
	/* Every role set of the inventory's hosts and of the flows. */
	for (i = 0; i < inventory_host_count(rep->inv); i++) {
		const struct inventory_host *h = inventory_host_get(rep->inv,
		    i);

		if (h->roles != 0 && axes_add(&all, h->roles) == -1)
			goto out;
	}
	for (p = 0; p < rep->pslots; p++)
		if (rep->pairs[p].used &&
		    (axes_add(&all, rep->pairs[p].croles) == -1 ||
		    axes_add(&all, rep->pairs[p].sroles) == -1))
			goto out;
	if (all.n > 0)
		qsort(all.set, all.n, sizeof(*all.set), cmp_u64);
	if (all.n > 0 && (m->cells = calloc(all.n * all.n,
	    sizeof(*m->cells))) == NULL)
		goto out;
	/* Cells by index into all first; the empty rows and columns go. */
	for (p = 0; p < rep->pslots; p++) {
		const struct rpair *q = &rep->pairs[p];
		struct cell *c;

		if (!q->used)
			continue;
		for (i = 0; all.set[i] != q->croles; i++)
			;
		for (j = 0; all.set[j] != q->sroles; j++)
			;
		c = &m->cells[i * all.n + j];
		c->flows += q->flows;
		c->violating += q->violating;
		if (q->violating > 0)
			c->state = CELL_VIOLATING;
		else if (q->documented > 0 && c->state < CELL_DOCUMENTED)
			c->state = CELL_DOCUMENTED;
		else if (c->state < CELL_OTHER)
			c->state = CELL_OTHER;
		cell_port(c, q->port);
	}
	/* Documented but unused: a rule's clients and server, no flow. */
	for (i = 0; i < all.n; i++)
		for (j = 0; j < all.n; j++) {
			struct cell *c = &m->cells[i * all.n + j];

			if (c->state != CELL_EMPTY || all.set[i] == 0 ||
			    all.set[j] == 0)
				continue;
			for (k = 0; k < rep->nrules; k++) {
				const struct rule *r = rule_at(rep, k);

				if ((r->flags & RULES_F_LOCAL_ONLY) ||
				    !(r->clients & all.set[i]) ||
				    !(r->server & all.set[j]))
					continue;
				c->state = CELL_UNUSED;
				cell_port(c, r->port_lo);
			}
		}
	for (i = 0; i < all.n; i++) {
		int row = 0, col = 0;

		for (j = 0; j < all.n; j++) {
			row |= m->cells[i * all.n + j].state != CELL_EMPTY;
			col |= m->cells[j * all.n + i].state != CELL_EMPTY;
		}
		if ((row && axes_add(&m->cl, all.set[i]) == -1) ||
		    (col && axes_add(&m->sv, all.set[i]) == -1))
			goto out;
	}
	/* Re-index the kept cells: cl.n x sv.n. */
	{
		struct cell *kept = NULL;
		size_t a, b;

		if (m->cl.n > 0 && m->sv.n > 0 && (kept = calloc(m->cl.n *
		    m->sv.n, sizeof(*kept))) == NULL)
			goto out;
		for (a = 0; a < m->cl.n; a++)
			for (b = 0; b < m->sv.n; b++) {
				for (i = 0; all.set[i] != m->cl.set[a]; i++)
					;
				for (j = 0; all.set[j] != m->sv.set[b]; j++)
					;
				kept[a * m->sv.n + b] =
				    m->cells[i * all.n + j];
			}
		free(m->cells);
		m->cells = kept;
	}
	rc = 0;
out:
	free(all.set);
	return rc;
}

static void
matrix_free(struct matrix *m)
{
	free(m->cl.set);
	free(m->sv.set);
	free(m->cells);
}

/* The ports of a cell: "80, 443, +2". */
static char *
cell_ports(const struct cell *c, char *buf, size_t len)
{
	size_t n = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < c->nports && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s%u", i ? ", " : "",
		    c->ports[i]);
	if (c->more > 0 && n < len)
		snprintf(buf + n, len - n, ", +%d", c->more);
	return buf;
}

/* The guide's sections with what the run saw of them. */
struct section {
	const char *name;
	int rules, used;
	uint64_t flows, violating, alerts;
};

static int
sections_build(const struct report *rep, struct section **out, size_t *n)
{
	struct section *s;
	size_t i, k, ns = 0;
	int j;

	*out = NULL;
	*n = 0;
	if (rep->nrules == 0)
		return 0;
	if ((s = calloc(rep->nrules, sizeof(*s))) == NULL)
		return -1;
	for (i = 0; i < rep->nrules; i++) {
		const struct rule *r = rule_at(rep, i);
		const char *name = r->section != NULL && *r->section ?
		    r->section : "-";

		for (k = 0; k < ns; k++)
			if (strcmp(s[k].name, name) == 0)
				break;
		if (k == ns) {
			s[ns++].name = name;
			for (j = 0; j < rep->nby_section; j++)
				if (strcmp(rep->by_section[j].key, name) == 0)
					s[k].alerts = rep->by_section[j].n;
		}
		s[k].rules++;
		s[k].used += rep->rules[i].flows > 0;
		s[k].flows += rep->rules[i].flows;
		s[k].violating += rep->rules[i].violating;
	}
	*out = s;
	*n = ns;
	return 0;
}

static const char *
section_verdict(const struct section *s)
{
	if (s->violating > 0 || s->alerts > 0)
		return "violations";
	if (s->flows > 0)
		return "in use";
	return "not seen";
}

/* Undocumented entries: no rule for some of its flows, or a kind raised. */
static int
pair_reported(const struct rpair *p)
{
	return p->used && (p->documented < p->flows || p->violating > 0);
}

/* A rule's ports: "443/tcp", "1024-65535/tcp". */
static char *
rule_port(const struct rule *r, char *buf, size_t len)
{
	if (r->port_hi != r->port_lo)
		snprintf(buf, len, "%u-%u/%s", r->port_lo, r->port_hi,
		    rules_transport_name(r->transport));
	else
		snprintf(buf, len, "%u/%s", r->port_lo,
		    rules_transport_name(r->transport));
	return buf;
}

/* ----- JSON ----- */

static void
jstr(FILE *f, const char *s)
{
	char buf[2048];

	escape_json(buf, sizeof(buf), s, strlen(s));
	fprintf(f, "\"%s\"", buf);
}

static void
jkinds(FILE *f, uint16_t kinds)
{
	int k, n = 0;

	fputc('[', f);
	for (k = 0; k < POLICY_KIND_MAX; k++)
		if (kinds & (1u << k)) {
			fprintf(f, "%s", n++ ? "," : "");
			jstr(f, policy_kind_name((enum policy_kind)k));
		}
	fputc(']', f);
}

static void
jhosts(FILE *f, const struct report *rep, const struct idxset *s)
{
	char a[ADDR_STRLEN];
	uint32_t i;

	fputc('[', f);
	for (i = 0; i < s->n; i++) {
		const struct rhost *h = &rep->hosts[s->v[i]];

		fprintf(f, "%s", i ? "," : "");
		jstr(f, h->host != NULL ? h->host->name :
		    addr_fmt(&h->addr, a, sizeof(a)));
	}
	fputc(']', f);
}

static void
write_json(FILE *f, const struct report *rep, const struct pipeline *pl,
    const struct matrix *m, const struct section *sec, size_t nsec)
{
	const struct pipeline_stats *st = pipeline_stats(pl);
	const struct decode_stats *ds = decode_stats(pipeline_decoder(pl));
	const struct flowtab_stats *fs = flowtab_stats(pipeline_flowtab(pl));
	char a[ADDR_STRLEN], t1[32], t2[32], rl[512], rl2[512], mac[18];
	uint64_t derr = 0;
	size_t i, n;
	uint32_t p;
	int k, first;

	fprintf(f, "{\"documented\":[");
	for (i = 0; i < rep->nrules; i++) {
		const struct rule *r = rule_at(rep, i);
		const struct rrule *rr = &rep->rules[i];

		fprintf(f, "%s\n{\"rule\":", i ? "," : "");
		jstr(f, r->id);
		fprintf(f, ",\"name\":");
		jstr(f, r->purpose != NULL ? r->purpose : "");
		fprintf(f, ",\"section\":");
		jstr(f, r->section != NULL ? r->section : "");
		fprintf(f, ",\"nist\":");
		jstr(f, r->nist != NULL ? r->nist : "");
		fprintf(f, ",\"port\":\"%s\",\"flows\":%llu,"
		    "\"violating\":%llu,\"packets\":%llu,\"bytes\":%llu,"
		    "\"clients\":", rule_port(r, rl, sizeof(rl)),
		    (unsigned long long)rr->flows,
		    (unsigned long long)rr->violating,
		    (unsigned long long)rr->packets,
		    (unsigned long long)rr->bytes);
		jhosts(f, rep, &rr->clients);
		fprintf(f, ",\"servers\":");
		jhosts(f, rep, &rr->servers);
		fputc('}', f);
	}
	fprintf(f, "],\n\"never_seen\":[");
	for (i = 0, n = 0; i < rep->nrules; i++)
		if (rep->rules[i].flows == 0) {
			fprintf(f, "%s", n++ ? "," : "");
			jstr(f, rule_at(rep, i)->id);
		}
	fprintf(f, "],\n\"undocumented\":[");
	for (p = 0, n = 0; p < rep->pslots; p++) {
		const struct rpair *q = &rep->pairs[p];

		if (!pair_reported(q))
			continue;
		fprintf(f, "%s\n{\"client_role\":", n++ ? "," : "");
		jstr(f, roles_label(q->croles, rl, sizeof(rl)));
		fprintf(f, ",\"server_role\":");
		jstr(f, roles_label(q->sroles, rl2, sizeof(rl2)));
		fprintf(f, ",\"server_port\":%u,\"transport\":", q->port);
		jstr(f, transport_name(q->transport));
		fprintf(f, ",\"rule\":");
		if (q->rule != NULL)
			jstr(f, q->rule->id);
		else
			fprintf(f, "null");
		fprintf(f, ",\"kinds\":");
		jkinds(f, q->kinds);
		fprintf(f, ",\"flows\":%llu,\"undocumented_flows\":%llu,"
		    "\"violating_flows\":%llu,\"examples\":[",
		    (unsigned long long)q->flows,
		    (unsigned long long)(q->flows - q->documented),
		    (unsigned long long)q->violating);
		for (k = 0; k < q->nex; k++) {
			fprintf(f, "%s", k ? "," : "");
			jstr(f, q->ex[k]);
		}
		fprintf(f, "],\"first_seen\":\"%s\",\"last_seen\":\"%s\"}",
		    fmt_ts(q->first, t1, sizeof(t1)),
		    fmt_ts(q->last, t2, sizeof(t2)));
	}
	fprintf(f, "],\n\"hosts\":[");
	for (p = 0; p < rep->nhosts; p++) {
		const struct rhost *h = &rep->hosts[p];

		fprintf(f, "%s\n{\"address\":", p ? "," : "");
		jstr(f, addr_fmt(&h->addr, a, sizeof(a)));
		fprintf(f, ",\"name\":");
		jstr(f, h->host != NULL ? h->host->name : "unknown");
		fprintf(f, ",\"roles\":[");
		first = 1;
		for (k = 0; h->host != NULL && k < ROLE_COUNT; k++)
			if (h->host->roles & ROLE_BIT(k)) {
				fprintf(f, "%s", first ? "" : ",");
				jstr(f, role_name((enum role)k));
				first = 0;
			}
		if (first)
			jstr(f, "unknown");
		fprintf(f, "],\"macs\":[");
		for (k = 0; k < h->nmacs; k++) {
			fprintf(f, "%s", k ? "," : "");
			jstr(f, addr_fmt_mac(h->macs[k], mac, sizeof(mac)));
		}
		fprintf(f, "],\"zone\":");
		if (h->zone != NULL)
			jstr(f, h->zone->name);
		else
			jstr(f, h->internet ? "internet" : "-");
		fprintf(f, ",\"in_inventory\":%s,\"flows\":%llu,"
		    "\"packets_sent\":%llu,\"packets_received\":%llu,"
		    "\"alerts\":%llu}", h->host != NULL ? "true" : "false",
		    (unsigned long long)h->flows, (unsigned long long)h->sent,
		    (unsigned long long)h->received,
		    (unsigned long long)h->alerts);
	}
	fprintf(f, "],\n\"alerts\":{\"total\":%llu,\"by_kind\":{",
	    (unsigned long long)rep->alerts);
	for (k = 0, n = 0; k < POLICY_KIND_MAX; k++)
		if (rep->kinds[k] > 0) {
			fprintf(f, "%s", n++ ? "," : "");
			jstr(f, policy_kind_name((enum policy_kind)k));
			fprintf(f, ":%llu", (unsigned long long)rep->kinds[k]);
		}
	fprintf(f, "},\"by_rule\":{");
	for (k = 0; k < rep->nby_rule; k++) {
		fprintf(f, "%s", k ? "," : "");
		jstr(f, rep->by_rule[k].key);
		fprintf(f, ":%llu", (unsigned long long)rep->by_rule[k].n);
	}
	if (rep->other_rule > 0)
		fprintf(f, "%s\"other\":%llu", rep->nby_rule ? "," : "",
		    (unsigned long long)rep->other_rule);
	fprintf(f, "}},\n\"sections\":[");
	for (i = 0; i < nsec; i++) {
		fprintf(f, "%s\n{\"section\":", i ? "," : "");
		jstr(f, sec[i].name);
		fprintf(f, ",\"rules\":%d,\"rules_used\":%d,\"flows\":%llu,"
		    "\"violating_flows\":%llu,\"alerts\":%llu,\"verdict\":",
		    sec[i].rules, sec[i].used,
		    (unsigned long long)sec[i].flows,
		    (unsigned long long)sec[i].violating,
		    (unsigned long long)sec[i].alerts);
		jstr(f, section_verdict(&sec[i]));
		fputc('}', f);
	}
	fprintf(f, "],\n\"matrix\":{\"clients\":[");
	for (i = 0; i < m->cl.n; i++) {
		fprintf(f, "%s", i ? "," : "");
		jstr(f, roles_label(m->cl.set[i], rl, sizeof(rl)));
	}
	fprintf(f, "],\"servers\":[");
	for (i = 0; i < m->sv.n; i++) {
		fprintf(f, "%s", i ? "," : "");
		jstr(f, roles_label(m->sv.set[i], rl, sizeof(rl)));
	}
	fprintf(f, "],\"cells\":[");
	for (i = 0, n = 0; i < m->cl.n * m->sv.n; i++) {
		const struct cell *c = &m->cells[i];

		if (c->state == CELL_EMPTY)
			continue;
		fprintf(f, "%s\n{\"client\":", n++ ? "," : "");
		jstr(f, roles_label(m->cl.set[i / m->sv.n], rl, sizeof(rl)));
		fprintf(f, ",\"server\":");
		jstr(f, roles_label(m->sv.set[i % m->sv.n], rl, sizeof(rl)));
		fprintf(f, ",\"state\":\"%s\",\"flows\":%llu,"
		    "\"violating_flows\":%llu,\"ports\":",
		    cell_names[c->state], (unsigned long long)c->flows,
		    (unsigned long long)c->violating);
		jstr(f, cell_ports(c, rl2, sizeof(rl2)));
		fputc('}', f);
	}
	for (k = 1; k < DR_MAX; k++)
		derr += ds->reason[k];
	fprintf(f, "]},\n\"capture\":{\"files\":[");
	for (k = 0; k < rep->nfiles; k++) {
		fprintf(f, "%s", k ? "," : "");
		jstr(f, rep->files[k]);
	}
	fprintf(f, "],\"more_files\":%d,\"first\":\"%s\",\"last\":\"%s\","
	    "\"span_seconds\":%.3f,\"packets\":%llu,\"bytes\":%llu,"
	    "\"flows\":%llu,\"media_streams_covered\":%llu,"
	    "\"decode_errors\":%llu,\"decode_errors_by_reason\":{",
	    rep->more_files, fmt_ts(st->packets ? st->first_ts : 0, t1,
	    sizeof(t1)), fmt_ts(st->packets ? st->last_ts : 0, t2, sizeof(t2)),
	    st->packets ? (double)(st->last_ts - st->first_ts) / 1e6 : 0.0,
	    (unsigned long long)st->packets, (unsigned long long)st->bytes,
	    (unsigned long long)rep->flows, (unsigned long long)rep->covered,
	    (unsigned long long)derr);
	for (k = 1, n = 0; k < DR_MAX; k++)
		if (ds->reason[k] > 0) {
			fprintf(f, "%s", n++ ? "," : "");
			jstr(f, decode_reason_name((enum decode_reason)k));
			fprintf(f, ":%llu", (unsigned long long)ds->reason[k]);
		}
	/*
	 * Files lose nothing to a capture buffer; what the run could not
	 * keep is the flow table's evictions.
	 */
	fprintf(f, "},\"drops\":0,\"flows_evicted\":%llu}}\n",
	    (unsigned long long)fs->ended[FLOW_END_EVICTED]);
}

/* ----- HTML ----- */

static void
hstr(FILE *f, const char *s)
{
	for (; *s != '\0'; s++)
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default:
			/* Control characters have no business in a page. */
			if ((unsigned char)*s < 0x20)
				fputc(' ', f);
			else
				fputc(*s, f);
		}
}

static const char html_head[] =
"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
"<title>vmswatch coverage report</title>\n<style>\n"
"body{font-family:sans-serif;margin:1.5em;color:#222;background:#fff}\n"
"h1{font-size:1.5em}h2{font-size:1.2em;margin-top:1.6em;"
"border-bottom:1px solid #ccc}\n"
"table{border-collapse:collapse;font-size:.85em;margin:.5em 0}\n"
"th,td{border:1px solid #bbb;padding:.2em .5em;text-align:left;"
"vertical-align:top}\n"
"th{background:#eef;cursor:pointer;user-select:none}\n"
"th:after{content:' \\2195';color:#99a}\n"
"td.n{text-align:right}\n"
".violations{background:#f8c8c8}.inuse{background:#c8ecc8}"
".notseen{background:#eee}\n"
".legend span{display:inline-block;padding:.1em .6em;margin-right:.5em;"
"border:1px solid #999}\n"
"svg text{font-family:sans-serif}\n"
"</style></head><body>\n";

/*
 * Click a column's head to sort by it (again: the other way).  Numbers
 * sort as numbers.  Inline, so that nothing is fetched.  The body's
 * data-sortable says the script ran (the browser test looks for it).
 */
static const char html_script[] =
"<script>\n"
"document.querySelectorAll('table.sortable').forEach(function(t){\n"
" t.querySelectorAll('th').forEach(function(th,i){\n"
"  th.addEventListener('click',function(){\n"
"   var b=t.tBodies[0],r=Array.prototype.slice.call(b.rows);\n"
"   var d=th.dataset.dir==='a'?-1:1;th.dataset.dir=d>0?'a':'d';\n"
"   r.sort(function(x,y){var p=x.cells[i].textContent,"
"q=y.cells[i].textContent,m=parseFloat(p),n=parseFloat(q);\n"
"    if(!isNaN(m)&&!isNaN(n)&&String(m)===p.trim()&&"
"String(n)===q.trim())return d*(m-n);\n"
"    return d*p.localeCompare(q);});\n"
"   r.forEach(function(e){b.appendChild(e);});});});});\n"
"document.body.dataset.sortable='ready';\n"
"</script>\n";

static const char *const cell_fill[] = {
	"#ffffff", "#fff2b3", "#d9d9d9", "#8fd18f", "#f08080"
};

/* The role matrix as an SVG picture. */
static void
write_svg(FILE *f, const struct matrix *m)
{
	const int cw = 84, ch = 26, left = 260, top = 240;
	char rl[512], ports[128];
	size_t i, j;
	int w = left + (int)m->sv.n * cw + 10;
	int h = top + (int)m->cl.n * ch + 10;

	fprintf(f, "<svg id=\"matrix\" xmlns=\"http://www.w3.org/2000/svg\" "
	    "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">\n"
	    "<title>Role matrix: clients' roles down, servers' roles "
	    "across</title>\n", w, h, w, h);
	for (j = 0; j < m->sv.n; j++) {
		int x = left + (int)j * cw + cw / 2;

		fprintf(f, "<text class=\"col\" x=\"%d\" y=\"%d\" "
		    "font-size=\"11\" transform=\"rotate(-55 %d %d)\">", x,
		    top - 6, x, top - 6);
		hstr(f, roles_label(m->sv.set[j], rl, sizeof(rl)));
		fprintf(f, "</text>\n");
	}
	for (i = 0; i < m->cl.n; i++) {
		int y = top + (int)i * ch;

		fprintf(f, "<text class=\"row\" x=\"%d\" y=\"%d\" "
		    "font-size=\"11\" text-anchor=\"end\">", left - 6,
		    y + ch / 2 + 4);
		hstr(f, roles_label(m->cl.set[i], rl, sizeof(rl)));
		fprintf(f, "</text>\n");
		for (j = 0; j < m->sv.n; j++) {
			const struct cell *c = &m->cells[i * m->sv.n + j];
			int x = left + (int)j * cw;
			char sl[512];

			if (c->state == CELL_EMPTY) {
				fprintf(f, "<rect x=\"%d\" y=\"%d\" "
				    "width=\"%d\" height=\"%d\" fill=\"%s\" "
				    "stroke=\"#ddd\"/>\n", x, y, cw, ch,
				    cell_fill[0]);
				continue;
			}
			cell_ports(c, ports, sizeof(ports));
			fprintf(f, "<g class=\"cell\" data-client=\"");
			hstr(f, roles_label(m->cl.set[i], rl, sizeof(rl)));
			fprintf(f, "\" data-server=\"");
			hstr(f, roles_label(m->sv.set[j], sl, sizeof(sl)));
			fprintf(f, "\" data-state=\"%s\" data-flows=\"%llu\" "
			    "data-violating=\"%llu\"><title>",
			    cell_names[c->state],
			    (unsigned long long)c->flows,
			    (unsigned long long)c->violating);
			hstr(f, rl);
			fprintf(f, " to ");
			hstr(f, sl);
			fprintf(f, ": %s, %llu flows (%llu violating), "
			    "ports %s</title><rect x=\"%d\" y=\"%d\" "
			    "width=\"%d\" height=\"%d\" fill=\"%s\" "
			    "stroke=\"#666\"/><text x=\"%d\" y=\"%d\" "
			    "font-size=\"9\" text-anchor=\"middle\">%s</text>"
			    "</g>\n", cell_names[c->state],
			    (unsigned long long)c->flows,
			    (unsigned long long)c->violating, ports, x, y, cw,
			    ch, cell_fill[c->state], x + cw / 2, y + ch / 2 + 3,
			    ports);
		}
	}
	fprintf(f, "</svg>\n");
}

static void
write_html(FILE *f, const struct report *rep, const struct pipeline *pl,
    const struct matrix *m, const struct section *sec, size_t nsec)
{
	const struct pipeline_stats *st = pipeline_stats(pl);
	char a[ADDR_STRLEN], t1[32], t2[32], rl[512], rl2[512], mac[18];
	size_t i, nn = 0, nd = 0;
	uint32_t p;
	int k;

	for (i = 0; i < rep->nrules; i++) {
		nn += rep->rules[i].flows == 0;
		nd += rep->rules[i].flows > 0;
	}
	fputs(html_head, f);
	fprintf(f, "<h1>vmswatch coverage report</h1>\n<p id=\"summary\">"
	    "<span id=\"n-packets\">%llu</span> packets, "
	    "<span id=\"n-flows\">%llu</span> flows from %s to %s; "
	    "<span id=\"n-used\">%zu</span> documented flows of the guide "
	    "used, <span id=\"n-never\">%zu</span> never seen; "
	    "<span id=\"n-alerts\">%llu</span> alerts.</p>\n",
	    (unsigned long long)st->packets, (unsigned long long)rep->flows,
	    fmt_ts(st->packets ? st->first_ts : 0, t1, sizeof(t1)),
	    fmt_ts(st->packets ? st->last_ts : 0, t2, sizeof(t2)), nd, nn,
	    (unsigned long long)rep->alerts);
	fprintf(f, "<h2>Role matrix</h2>\n"
	    "<p class=\"legend\">");
	for (k = CELL_UNUSED; k <= CELL_VIOLATING; k++)
		fprintf(f, "<span style=\"background:%s\">%s</span>",
		    cell_fill[k], cell_names[k]);
	fprintf(f, " (clients' roles down, servers' roles across; hover a "
	    "cell for its counts)</p>\n");
	write_svg(f, m);
	fprintf(f, "<h2>Sections of the guide</h2>\n<table id=\"sections\" "
	    "class=\"sortable\"><thead><tr><th>section</th><th>verdict</th>"
	    "<th>rules</th><th>used</th><th>flows</th><th>violating</th>"
	    "<th>alerts</th></tr></thead><tbody>\n");
	for (i = 0; i < nsec; i++) {
		const char *v = section_verdict(&sec[i]);

		fprintf(f, "<tr class=\"%s\"><td>", v[0] == 'v' ?
		    "violations" : v[0] == 'i' ? "inuse" : "notseen");
		hstr(f, sec[i].name);
		fprintf(f, "</td><td>%s</td><td class=\"n\">%d</td>"
		    "<td class=\"n\">%d</td><td class=\"n\">%llu</td>"
		    "<td class=\"n\">%llu</td><td class=\"n\">%llu</td></tr>\n",
		    v, sec[i].rules, sec[i].used,
		    (unsigned long long)sec[i].flows,
		    (unsigned long long)sec[i].violating,
		    (unsigned long long)sec[i].alerts);
	}
	fprintf(f, "</tbody></table>\n");

	fprintf(f, "<h2>Documented flows</h2>\n<table id=\"documented\" "
	    "class=\"sortable\"><thead><tr><th>rule</th><th>port</th>"
	    "<th>name</th><th>section</th><th>NIST</th><th>flows</th>"
	    "<th>violating</th><th>packets</th><th>bytes</th>"
	    "<th>clients</th><th>servers</th></tr></thead><tbody>\n");
	for (i = 0; i < rep->nrules; i++) {
		const struct rule *r = rule_at(rep, i);
		const struct rrule *rr = &rep->rules[i];
		uint32_t h;

		if (rr->flows == 0)
			continue;
		fprintf(f, "<tr><td>");
		hstr(f, r->id);
		fprintf(f, "</td><td>%s</td><td>", rule_port(r, rl,
		    sizeof(rl)));
		hstr(f, r->purpose != NULL ? r->purpose : "");
		fprintf(f, "</td><td>");
		hstr(f, r->section != NULL ? r->section : "");
		fprintf(f, "</td><td>");
		hstr(f, r->nist != NULL ? r->nist : "");
		fprintf(f, "</td><td class=\"n\">%llu</td><td class=\"n\">%llu"
		    "</td><td class=\"n\">%llu</td><td class=\"n\">%llu</td>"
		    "<td>", (unsigned long long)rr->flows,
		    (unsigned long long)rr->violating,
		    (unsigned long long)rr->packets,
		    (unsigned long long)rr->bytes);
		for (h = 0; h < rr->clients.n; h++) {
			const struct rhost *x = &rep->hosts[rr->clients.v[h]];

			fprintf(f, "%s", h ? " " : "");
			hstr(f, x->host ? x->host->name :
			    addr_fmt(&x->addr, a, sizeof(a)));
		}
		fprintf(f, "</td><td>");
		for (h = 0; h < rr->servers.n; h++) {
			const struct rhost *x = &rep->hosts[rr->servers.v[h]];

			fprintf(f, "%s", h ? " " : "");
			hstr(f, x->host ? x->host->name :
			    addr_fmt(&x->addr, a, sizeof(a)));
		}
		fprintf(f, "</td></tr>\n");
	}
	fprintf(f, "</tbody></table>\n<h2>Documented, never seen</h2>\n"
	    "<p>Candidates to close in the firewall.</p>\n"
	    "<table id=\"never_seen\" class=\"sortable\"><thead><tr>"
	    "<th>rule</th><th>port</th><th>name</th><th>section</th></tr>"
	    "</thead><tbody>\n");
	for (i = 0; i < rep->nrules; i++) {
		const struct rule *r = rule_at(rep, i);

		if (rep->rules[i].flows > 0)
			continue;
		fprintf(f, "<tr><td>");
		hstr(f, r->id);
		fprintf(f, "</td><td>%s</td><td>", rule_port(r, rl,
		    sizeof(rl)));
		hstr(f, r->purpose != NULL ? r->purpose : "");
		fprintf(f, "</td><td>");
		hstr(f, r->section != NULL ? r->section : "");
		fprintf(f, "</td></tr>\n");
	}
	fprintf(f, "</tbody></table>\n<h2>Undocumented or violating flows"
	    "</h2>\n<table id=\"undocumented\" class=\"sortable\"><thead><tr>"
	    "<th>client role</th><th>server role</th><th>port</th>"
	    "<th>rule</th><th>kinds</th><th>flows</th><th>examples</th>"
	    "<th>first seen</th><th>last seen</th></tr></thead><tbody>\n");
	for (p = 0; p < rep->pslots; p++) {
		const struct rpair *q = &rep->pairs[p];

		if (!pair_reported(q))
			continue;
		fprintf(f, "<tr><td>");
		hstr(f, roles_label(q->croles, rl, sizeof(rl)));
		fprintf(f, "</td><td>");
		hstr(f, roles_label(q->sroles, rl2, sizeof(rl2)));
		fprintf(f, "</td><td>%u/%s</td><td>%s</td><td>", q->port,
		    transport_name(q->transport), q->rule ? "" : "-");
		if (q->rule != NULL)
			hstr(f, q->rule->id);
		fprintf(f, "</td><td>");
		for (k = 0; k < POLICY_KIND_MAX; k++)
			if (q->kinds & (1u << k))
				fprintf(f, "%s ",
				    policy_kind_name((enum policy_kind)k));
		fprintf(f, "</td><td class=\"n\">%llu</td><td>",
		    (unsigned long long)q->flows);
		for (k = 0; k < q->nex; k++) {
			fprintf(f, "%s", k ? "<br>" : "");
			hstr(f, q->ex[k]);
		}
		fprintf(f, "</td><td>%s</td><td>%s</td></tr>\n",
		    fmt_ts(q->first, t1, sizeof(t1)),
		    fmt_ts(q->last, t2, sizeof(t2)));
	}
	fprintf(f, "</tbody></table>\n<h2>Hosts</h2>\n<table id=\"hosts\" "
	    "class=\"sortable\"><thead><tr><th>address</th><th>name</th>"
	    "<th>roles</th><th>zone</th><th>MACs</th><th>flows</th>"
	    "<th>sent</th><th>received</th><th>alerts</th></tr></thead>"
	    "<tbody>\n");
	for (p = 0; p < rep->nhosts; p++) {
		const struct rhost *h = &rep->hosts[p];

		fprintf(f, "<tr%s><td>", h->alerts ? " class=\"violations\"" :
		    "");
		hstr(f, addr_fmt(&h->addr, a, sizeof(a)));
		fprintf(f, "</td><td>");
		hstr(f, h->host ? h->host->name : "unknown");
		fprintf(f, "</td><td>");
		hstr(f, roles_label(h->host ? h->host->roles : 0, rl,
		    sizeof(rl)));
		fprintf(f, "</td><td>");
		hstr(f, h->zone ? h->zone->name : h->internet ? "internet" :
		    "-");
		fprintf(f, "</td><td>");
		for (k = 0; k < h->nmacs; k++)
			fprintf(f, "%s%s", k ? " " : "",
			    addr_fmt_mac(h->macs[k], mac, sizeof(mac)));
		fprintf(f, "</td><td class=\"n\">%llu</td><td class=\"n\">%llu"
		    "</td><td class=\"n\">%llu</td><td class=\"n\">%llu</td>"
		    "</tr>\n", (unsigned long long)h->flows,
		    (unsigned long long)h->sent,
		    (unsigned long long)h->received,
		    (unsigned long long)h->alerts);
	}
	fprintf(f, "</tbody></table>\n<h2>Alerts</h2>\n<table id=\"alerts\" "
	    "class=\"sortable\"><thead><tr><th>kind</th><th>alerts</th></tr>"
	    "</thead><tbody>\n");
	for (k = 0; k < POLICY_KIND_MAX; k++)
		if (rep->kinds[k] > 0)
			fprintf(f, "<tr><td>%s</td><td class=\"n\">%llu</td>"
			    "</tr>\n", policy_kind_name((enum policy_kind)k),
			    (unsigned long long)rep->kinds[k]);
	fprintf(f, "</tbody></table>\n<table id=\"alerts_by_rule\" "
	    "class=\"sortable\"><thead><tr><th>rule</th><th>alerts</th></tr>"
	    "</thead><tbody>\n");
	for (k = 0; k < rep->nby_rule; k++) {
		fprintf(f, "<tr><td>");
		hstr(f, rep->by_rule[k].key);
		fprintf(f, "</td><td class=\"n\">%llu</td></tr>\n",
		    (unsigned long long)rep->by_rule[k].n);
	}
	fprintf(f, "</tbody></table>\n<h2>Capture</h2>\n<p>");
	for (k = 0; k < rep->nfiles; k++) {
		fprintf(f, "%s", k ? ", " : "");
		hstr(f, rep->files[k]);
	}
	fprintf(f, "; %llu bytes; %.3f s of traffic.</p>\n",
	    (unsigned long long)st->bytes,
	    st->packets ? (double)(st->last_ts - st->first_ts) / 1e6 : 0.0);
	fputs(html_script, f);
	fputs("</body></html>\n", f);
}

/* ----- Markdown ----- */

static void
mstr(FILE *f, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '|' || *s == '\\' || *s == '*' || *s == '_' ||
		    *s == '`')
			fputc('\\', f);
		fputc((unsigned char)*s < 0x20 ? ' ' : *s, f);
	}
}

static void
write_md(FILE *f, const struct report *rep, const struct pipeline *pl,
    const struct matrix *m, const struct section *sec, size_t nsec)
{
	const struct pipeline_stats *st = pipeline_stats(pl);
	char a[ADDR_STRLEN], t1[32], t2[32], rl[512], ports[128];
	size_t i, j;
	uint32_t p;
	int k;

	fprintf(f, "# vmswatch coverage report\n\n%llu packets, %llu flows "
	    "from %s to %s; %llu alerts.\n\n## Sections of the guide\n\n"
	    "| section | verdict | rules | used | flows | violating | alerts "
	    "|\n|---|---|--:|--:|--:|--:|--:|\n",
	    (unsigned long long)st->packets, (unsigned long long)rep->flows,
	    fmt_ts(st->packets ? st->first_ts : 0, t1, sizeof(t1)),
	    fmt_ts(st->packets ? st->last_ts : 0, t2, sizeof(t2)),
	    (unsigned long long)rep->alerts);
	for (i = 0; i < nsec; i++) {
		fprintf(f, "| ");
		mstr(f, sec[i].name);
		fprintf(f, " | %s | %d | %d | %llu | %llu | %llu |\n",
		    section_verdict(&sec[i]), sec[i].rules, sec[i].used,
		    (unsigned long long)sec[i].flows,
		    (unsigned long long)sec[i].violating,
		    (unsigned long long)sec[i].alerts);
	}
	fprintf(f, "\n## Role matrix\n\nClients' roles down, servers' roles "
	    "across: **D** documented, **V** violating, **U** undocumented, "
	    "*u* documented but unused; then the ports.\n\n| client \\\\ "
	    "server |");
	for (j = 0; j < m->sv.n; j++) {
		fprintf(f, " ");
		mstr(f, roles_label(m->sv.set[j], rl, sizeof(rl)));
		fprintf(f, " |");
	}
	fprintf(f, "\n|---|");
	for (j = 0; j < m->sv.n; j++)
		fprintf(f, "---|");
	fprintf(f, "\n");
	for (i = 0; i < m->cl.n; i++) {
		fprintf(f, "| ");
		mstr(f, roles_label(m->cl.set[i], rl, sizeof(rl)));
		fprintf(f, " |");
		for (j = 0; j < m->sv.n; j++) {
			const struct cell *c = &m->cells[i * m->sv.n + j];
			static const char *const mark[] = {
				"", "*u*", "**U**", "**D**", "**V**"
			};

			if (c->state == CELL_EMPTY)
				fprintf(f, " |");
			else
				fprintf(f, " %s %s |", mark[c->state],
				    cell_ports(c, ports, sizeof(ports)));
		}
		fprintf(f, "\n");
	}
	fprintf(f, "\n## Documented flows\n\n| rule | port | flows | "
	    "violating | packets | bytes |\n|---|---|--:|--:|--:|--:|\n");
	for (i = 0; i < rep->nrules; i++) {
		const struct rule *r = rule_at(rep, i);
		const struct rrule *rr = &rep->rules[i];

		if (rr->flows == 0)
			continue;
		fprintf(f, "| ");
		mstr(f, r->id);
		fprintf(f, " | %s | %llu | %llu | %llu | %llu |\n",
		    rule_port(r, rl, sizeof(rl)),
		    (unsigned long long)rr->flows,
		    (unsigned long long)rr->violating,
		    (unsigned long long)rr->packets,
		    (unsigned long long)rr->bytes);
	}
	fprintf(f, "\n## Documented, never seen\n\n");
	for (i = 0; i < rep->nrules; i++)
		if (rep->rules[i].flows == 0) {
			const struct rule *r = rule_at(rep, i);

			fprintf(f, "- ");
			mstr(f, r->id);
			fprintf(f, " (%s): ", rule_port(r, rl, sizeof(rl)));
			mstr(f, r->purpose != NULL ? r->purpose : "");
			fprintf(f, "\n");
		}
	fprintf(f, "\n## Undocumented or violating flows\n\n| client role | "
	    "server role | port | kinds | flows | example |\n"
	    "|---|---|---|---|--:|---|\n");
	for (p = 0; p < rep->pslots; p++) {
		const struct rpair *q = &rep->pairs[p];

		if (!pair_reported(q))
			continue;
		fprintf(f, "| ");
		mstr(f, roles_label(q->croles, rl, sizeof(rl)));
		fprintf(f, " | ");
		mstr(f, roles_label(q->sroles, rl, sizeof(rl)));
		fprintf(f, " | %u/%s | ", q->port,
		    transport_name(q->transport));
		for (k = 0; k < POLICY_KIND_MAX; k++)
			if (q->kinds & (1u << k))
				fprintf(f, "%s ",
				    policy_kind_name((enum policy_kind)k));
		fprintf(f, "| %llu | ", (unsigned long long)q->flows);
		if (q->nex > 0)
			mstr(f, q->ex[0]);
		fprintf(f, " |\n");
	}
	fprintf(f, "\n## Hosts\n\n| address | name | roles | zone | flows | "
	    "sent | received | alerts |\n|---|---|---|---|--:|--:|--:|--:|\n");
	for (p = 0; p < rep->nhosts; p++) {
		const struct rhost *h = &rep->hosts[p];

		fprintf(f, "| %s | ", addr_fmt(&h->addr, a, sizeof(a)));
		mstr(f, h->host ? h->host->name : "unknown");
		fprintf(f, " | ");
		mstr(f, roles_label(h->host ? h->host->roles : 0, rl,
		    sizeof(rl)));
		fprintf(f, " | ");
		mstr(f, h->zone ? h->zone->name : h->internet ? "internet" :
		    "-");
		fprintf(f, " | %llu | %llu | %llu | %llu |\n",
		    (unsigned long long)h->flows, (unsigned long long)h->sent,
		    (unsigned long long)h->received,
		    (unsigned long long)h->alerts);
	}
	fprintf(f, "\n## Alerts\n\n| kind | alerts |\n|---|--:|\n");
	for (k = 0; k < POLICY_KIND_MAX; k++)
		if (rep->kinds[k] > 0)
			fprintf(f, "| %s | %llu |\n",
			    policy_kind_name((enum policy_kind)k),
			    (unsigned long long)rep->kinds[k]);
}

/* ----- files ----- */

typedef void (*writer_fn)(FILE *, const struct report *,
    const struct pipeline *, const struct matrix *, const struct section *,
    size_t);

/* Writes dir/name through a temporary file renamed over it. */
static int
write_one(const char *dir, const char *name, writer_fn w,
    const struct report *rep, const struct pipeline *pl,
    const struct matrix *m, const struct section *sec, size_t nsec,
    char *err, size_t errlen)
{
	char path[4096], tmp[4200];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if ((f = fopen(tmp, "w")) == NULL) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		return -1;
	}
	w(f, rep, pl, m, sec, nsec);
	if (ferror(f)) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		fclose(f);
		unlink(tmp);
		return -1;
	}
	if (fclose(f) == EOF) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		unlink(tmp);
		return -1;
	}
	if (rename(tmp, path) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

int
report_write(const struct report *rep, const char *dir,
    enum report_format fmt, const struct pipeline *pl, char *err,
    size_t errlen)
{
	struct matrix m;
	struct section *sec;
	size_t nsec;
	int rc = -1;

	if (rep->oom) {
		snprintf(err, errlen, "out of memory while collecting the "
		    "report");
		return -1;
	}
	if (mkdir(dir, 0755) == -1 && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	if (matrix_build(rep, &m) == -1 ||
	    sections_build(rep, &sec, &nsec) == -1) {
		matrix_free(&m);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (write_one(dir, "report.json", write_json, rep, pl, &m, sec, nsec,
	    err, errlen) == 0 &&
	    write_one(dir, fmt == REPORT_MD ? "report.md" : "report.html",
	    fmt == REPORT_MD ? write_md : write_html, rep, pl, &m, sec, nsec,
	    err, errlen) == 0)
		rc = 0;
	free(sec);
	matrix_free(&m);
	return rc;
}

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
 * At the end everything else is derived from those tables (sections'
 * verdicts, the matrix's cells, never-seen rules) and handed to the
 * writers of report_out.c, each file written beside and renamed.
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
#include "report_priv.h"
#include "role.h"

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
			    pv->server.port,
			    decode_transport_name(pv->transport));
		else
			snprintf(p->ex[p->nex], TUPLE_MAX, "%s -> %s/%s",
			    addr_fmt(&pv->client.addr, a, sizeof(a)),
			    addr_fmt(&pv->server.addr, b, sizeof(b)),
			    decode_transport_name(pv->transport));
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
const char *
report_roles_label(uint64_t set, char *buf, size_t len)
{
	if (set == 0)
		return "unknown";
	return role_set_fmt(set, buf, len);
}

char *
report_fmt_ts(uint64_t ts, char *buf, size_t len)
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

const char *const report_cell_names[] = {
	"empty", "unused", "undocumented", "documented", "violating"
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

const struct rule *
report_rule_at(const struct report *rep, size_t i)
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
				const struct rule *r = report_rule_at(rep, k);

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
char *
report_cell_ports(const struct cell *c, char *buf, size_t len)
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
		const struct rule *r = report_rule_at(rep, i);
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

const char *
report_section_verdict(const struct section *s)
{
	if (s->violating > 0 || s->alerts > 0)
		return "violations";
	if (s->flows > 0)
		return "in use";
	return "not seen";
}

/* Undocumented entries: no rule for some of its flows, or a kind raised. */
int
report_pair_reported(const struct rpair *p)
{
	return p->used && (p->documented < p->flows || p->violating > 0);
}

/* A rule's ports: "443/tcp", "1024-65535/tcp". */
char *
report_rule_port(const struct rule *r, char *buf, size_t len)
{
	if (r->port_hi != r->port_lo)
		snprintf(buf, len, "%u-%u/%s", r->port_lo, r->port_hi,
		    rules_transport_name(r->transport));
	else
		snprintf(buf, len, "%u/%s", r->port_lo,
		    rules_transport_name(r->transport));
	return buf;
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
	if (write_one(dir, "report.json", report_out_json, rep, pl, &m, sec, nsec,
	    err, errlen) == 0 &&
	    write_one(dir, fmt == REPORT_MD ? "report.md" : "report.html",
	    fmt == REPORT_MD ? report_out_md : report_out_html, rep, pl, &m, sec, nsec,
	    err, errlen) == 0)
		rc = 0;
	free(sec);
	matrix_free(&m);
	return rc;
}

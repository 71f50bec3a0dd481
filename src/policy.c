/*
 * policy.c - checks each flow against the documented flows.  The ends of
 * a flow are resolved through the inventory (host, roles, zone, Internet),
 * its server port through the rules, its protocol through classify's
 * families; each violation kind is raised at most once per flow, at the
 * first event where it is certain (see policy.h).
 */
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "policy.h"
#include "role.h"

/* Per-slot flags besides the raised kinds. */
#define PF_DEV0		0x01	/* flow end 0 checked as a device */
#define PF_DEV1		0x02	/* flow end 1 checked as a device */
#define PF_DEFER	0x04	/* judged when the server answers */
#define PF_MWAIT	0x08	/* RTSP: judged when its streams are known */
#define PF_COVERED	0x10	/* a media stream of an RTSP session */
#define PF_MWAITED	0x20	/* RTSP: waited for its streams already */

/*
 * RTSP sessions are judged once their streams are negotiated (the PLAY
 * reply), at the latest this much packet time after the answer, so that
 * their finding can count the streams it covers.
 */
#define POLICY_MEDIA_USEC	5000000u

/*
 * Media streams negotiated by RTSP sessions, keyed by the client's
 * address and port: open addressing over MEDIA_SLOTS entries, probing
 * MEDIA_PROBE of them; a full run replaces its oldest entry.
 */
#define MEDIA_SLOTS	4096
#define MEDIA_PROBE	8
#define MEDIA_PORTS	4	/* ports of one range kept (RTP, RTCP) */

/*
 * (address, MAC) pairs checked as devices frame by frame: a direct-mapped
 * cache, so a pair seen again is not checked again while it stays.  A
 * collision only costs a second check (the alert stage folds repeats).
 */
#define DEV_CACHE	4096

static const char *const kind_names[POLICY_KIND_MAX] = {
	[POLICY_CAMERA_NON_RECORDER] = "camera-non-recorder",
	[POLICY_INTERNET_EXPOSURE] = "internet-exposure",
	[POLICY_CLEARTEXT] = "cleartext",
	[POLICY_LOCAL_ONLY_PORT] = "local-only-port",
	[POLICY_DISABLED_PORT] = "disabled-port",
	[POLICY_UNDOCUMENTED_FLOW] = "undocumented-flow",
	[POLICY_UNKNOWN_DEVICE] = "unknown-device",
	[POLICY_PROTOCOL_MISMATCH] = "protocol-mismatch",
	[POLICY_WEAK_TLS] = "weak-tls",
	[POLICY_CLEARTEXT_CREDENTIALS] = "cleartext-credentials",
	[POLICY_SCAN] = "scan",
	[POLICY_TINY_FRAGMENT] = "tiny-fragment",
	[POLICY_FRAGMENT_OVERLAP] = "fragment-overlap",
	[POLICY_ORPHAN_FRAGMENT] = "orphan-fragment",
};

/* Default severity of each kind, 0..10 (CEF scale). */
static const int kind_severity[POLICY_KIND_MAX] = {
	[POLICY_CAMERA_NON_RECORDER] = 7,
	[POLICY_INTERNET_EXPOSURE] = 8,
	[POLICY_CLEARTEXT] = 5,
	[POLICY_LOCAL_ONLY_PORT] = 6,
	[POLICY_DISABLED_PORT] = 5,
	[POLICY_UNDOCUMENTED_FLOW] = 5,
	[POLICY_UNKNOWN_DEVICE] = 7,
	[POLICY_PROTOCOL_MISMATCH] = 6,
	[POLICY_WEAK_TLS] = 4,
	[POLICY_CLEARTEXT_CREDENTIALS] = 8,
	[POLICY_SCAN] = 7,
	[POLICY_TINY_FRAGMENT] = 7,
	[POLICY_FRAGMENT_OVERLAP] = 8,
	[POLICY_ORPHAN_FRAGMENT] = 5,
};

struct policy {
	const struct inventory *inv;
	const struct ruleset *rs;
	const struct classify *cls;
	policy_cb cb;
	void *arg;
	policy_verdict_cb vcb;	/* flow verdicts at their end, or NULL */
	void *varg;
	uint32_t nslots;
	uint16_t *raised;	/* per slot: 1 << kind */
	uint8_t *flags;		/* per slot: PF_* */
	uint8_t *gen;		/* per slot: bumped at release */
	/* Flows waiting for their SYN's answer, oldest first. */
	struct policy_wait {
		uint64_t deadline;
		uint64_t seq;	/* the flow's qseq when it was put */
		uint32_t slot;
		uint8_t gen;
	} *wait;
	uint32_t whead, wcount;
	/* RTSP flows waiting for their streams, oldest first. */
	struct policy_wait *mwait;
	uint32_t mhead, mcount;
	struct policy_media {
		struct addr client, server;
		uint64_t ts;		/* when negotiated */
		uint32_t slot;		/* the RTSP flow */
		uint16_t cport;
		uint16_t sport_lo, sport_hi;	/* 0: any */
		uint8_t gen;
		uint8_t used;
	} *media;
	/* Resolved from the ruleset at (re)configuration. */
	const struct rules_topology *t_camera, *t_internet, *t_secure;
	const struct rules_topology *t_ports, *t_devices;
	uint64_t camera_roles;	/* hosts the camera statement is about */
	uint64_t camera_peers;	/* the only hosts they may talk to */
	uint64_t vms_roles;
	/* Rules whose protocol DPI can recognise on a changed port. */
	const struct rule **named;
	size_t nnamed;
	/* Disabled-by-default rules the site enabled. */
	const struct rule **enabled;
	size_t nenabled;
	/* Room for every rule of one port (rules_lookup's candidates). */
	const struct rule **cand;
	int ncand;
	struct policy_dev {
		struct addr addr;
		struct addr peer;
		uint8_t mac[6];
		uint8_t used;
	} *dev;
	uint64_t violations;
};

/* Everything known about a flow at one event. */
struct fctx {
	const struct flow *f;
	const struct classify_result *r;
	uint32_t slot;
	enum policy_event ev;
	int ci, si;		/* flow index (FLOW_C2S/S2C) of client, server */
	struct policy_end c, s;
	uint64_t croles, sroles;
	int cgroup, sgroup;
	enum classify_family fam;	/* detected, or guessed from the port */
	enum classify_family dfam;	/* detected from payload only */
	int guessed;		/* fam is nDPI's port guess */
	int unsafe;		/* nDPI holds the protocol unsafe */
	int final;		/* classification final */
	uint8_t streams;	/* RTSP: media streams negotiated */
	char proto[48];
	/* A cleartext finding folded into cleartext-credentials. */
	const struct rule *ct_rule;
	char ct_why[200];
	/* The rule the port checks judged the flow by (the verdict's). */
	const struct rule *doc;
};

/*
 * What the rules say of a flow's server port, shared by the port and
 * protocol findings (one function each below).
 */
struct pmatch {
	const struct rule *allowed;	/* documents the flow, or NULL */
	const struct rule *port_rule;	/* a rule of the server's port */
	const struct rule *local;	/* a local-only rule of the port */
	const struct rule *r;		/* the rule the flow is judged by */
	int changed;			/* r allows it through a changed port */
	int maybe;			/* a changed-port rule may apply later */
	int cam;			/* a camera is one end */
	int hosts;			/* both ends in the inventory */
	int vmspair;			/* both ends VMS components */
	uint8_t t;			/* transport */
};

const char *
policy_kind_name(enum policy_kind k)
{
	if ((unsigned)k >= POLICY_KIND_MAX)
		return "unknown";
	return kind_names[k];
}

const char *
policy_state_name(enum policy_state s)
{
	switch (s) {
	case POLICY_ESTABLISHED:
		return "established";
	case POLICY_REFUSED:
		return "refused";
	case POLICY_ATTEMPTED:
		break;
	}
	return "attempted";
}

const char *
policy_direction_name(enum policy_direction d)
{
	switch (d) {
	case POLICY_DIR_INBOUND:
		return "inbound";
	case POLICY_DIR_OUTBOUND:
		return "outbound";
	case POLICY_DIR_NONE:
		break;
	}
	return "";
}

int
policy_kind_lookup(const char *name)
{
	int i;

	for (i = 0; i < POLICY_KIND_MAX; i++)
		if (strcmp(kind_names[i], name) == 0)
			return i;
	return -1;
}

uint64_t
policy_violations(const struct policy *pol)
{
	return pol->violations;
}

static int
configure(struct policy *pol, const struct inventory *inv,
    const struct ruleset *rs, const struct policy_conf *pc)
{
	const struct rule **named = NULL, **enabled = NULL, **cand = NULL;
	size_t i, n = rs ? rules_count(rs) : 0, nn = 0, ne = 0;
	int k;

	/* A port may have every rule: the matcher holds them all. */
	if (n > 0 && ((named = calloc(n, sizeof(*named))) == NULL ||
	    (cand = calloc(n, sizeof(*cand))) == NULL)) {
		free(named);
		return -1;
	}
	if (pc != NULL && pc->nenabled > 0 &&
	    (enabled = calloc((size_t)pc->nenabled, sizeof(*enabled))) ==
	    NULL) {
		free(named);
		free(cand);
		return -1;
	}
	for (i = 0; i < n; i++) {
		const struct rule *r = rules_get(rs, i);

		switch (r->protocol) {
		case RULES_P_TCP:
		case RULES_P_UDP:
			break;
		default:
			if (!(r->flags & RULES_F_LOCAL_ONLY))
				named[nn++] = r;
		}
	}
	for (k = 0; pc != NULL && k < pc->nenabled; k++) {
		const struct rule *r = rs ? rules_find(rs, pc->enabled[k]) :
		    NULL;
		if (r != NULL)
			enabled[ne++] = r;
	}
	free(pol->named);
	free(pol->enabled);
	free(pol->cand);
	pol->cand = cand;
	pol->ncand = (int)n;
	pol->named = named;
	pol->nnamed = nn;
	pol->enabled = enabled;
	pol->nenabled = ne;
	pol->inv = inv;
	pol->rs = rs;
	pol->t_camera = rs ? rules_topology_find(rs, "XP-TOPO-CAMERA") : NULL;
	pol->t_internet = rs ? rules_topology_find(rs, "XP-TOPO-INTERNET") :
	    NULL;
	pol->t_secure = rs ? rules_topology_find(rs, "XP-TOPO-SECURE") : NULL;
	pol->t_ports = rs ? rules_topology_find(rs, "XP-TOPO-PORTS") : NULL;
	pol->t_devices = rs ? rules_topology_find(rs, "XP-TOPO-DEVICES") :
	    NULL;
	pol->camera_roles = pol->t_camera ? pol->t_camera->roles :
	    ROLE_BIT(ROLE_CAMERA);
	pol->camera_peers = pol->t_camera ? pol->t_camera->peers :
	    ROLE_BIT(ROLE_RECORDING_SERVER) |
	    ROLE_BIT(ROLE_FAILOVER_RECORDING_SERVER);
	pol->vms_roles = role_set_with(ROLE_F_VMS);
	return 0;
}

struct policy *
policy_new(const struct inventory *inv, const struct ruleset *rs,
    const struct policy_conf *pc, uint32_t nslots, const struct classify *cls,
    policy_cb cb, void *arg)
{
	struct policy *pol;

	if ((pol = calloc(1, sizeof(*pol))) == NULL)
		return NULL;
	pol->cls = cls;
	pol->cb = cb;
	pol->arg = arg;
	pol->nslots = nslots;
	pol->raised = calloc(nslots, sizeof(*pol->raised));
	pol->flags = calloc(nslots, sizeof(*pol->flags));
	pol->gen = calloc(nslots, sizeof(*pol->gen));
	pol->wait = calloc(nslots, sizeof(*pol->wait));
	pol->mwait = calloc(nslots, sizeof(*pol->mwait));
	pol->media = calloc(MEDIA_SLOTS, sizeof(*pol->media));
	pol->dev = calloc(DEV_CACHE, sizeof(*pol->dev));
	if (pol->raised == NULL || pol->flags == NULL || pol->gen == NULL ||
	    pol->wait == NULL || pol->dev == NULL || pol->mwait == NULL ||
	    pol->media == NULL ||
	    configure(pol, inv, rs, pc) == -1) {
		policy_free(pol);
		return NULL;
	}
	return pol;
}

void
policy_free(struct policy *pol)
{
	if (pol == NULL)
		return;
	free(pol->raised);
	free(pol->flags);
	free(pol->gen);
	free(pol->wait);
	free(pol->mwait);
	free(pol->media);
	free(pol->named);
	free(pol->enabled);
	free(pol->cand);
	free(pol->dev);
	free(pol);
}

void
policy_set_verdict(struct policy *pol, policy_verdict_cb cb, void *arg)
{
	pol->vcb = cb;
	pol->varg = arg;
}

int
policy_reconfigure(struct policy *pol, const struct inventory *inv,
    const struct ruleset *rs, const struct policy_conf *pc)
{
	return configure(pol, inv, rs, pc);
}

void
policy_flow_release(struct policy *pol, uint32_t slot)
{
	if (slot < pol->nslots) {
		pol->raised[slot] = 0;
		pol->flags[slot] = 0;
		pol->gen[slot]++;	/* its wait entry, if any, is stale */
	}
}

/*
 * Takes the first due entry of a wait ring (deadlines in order) whose
 * flow still waits with flag; returns 1 and its slot, else 0.
 */
static int
ring_due(struct policy *pol, struct policy_wait *ring, uint32_t *head,
    uint32_t *count, uint8_t flag, uint64_t now, uint32_t *slot,
    uint64_t *seq)
{
	struct policy_wait *w;

	while (*count > 0) {
		w = &ring[*head];
		if (w->deadline > now)
			return 0;
		*head = (*head + 1) % pol->nslots;
		(*count)--;
		/* Answered, ended or reused since: nothing to do. */
		if (w->gen != pol->gen[w->slot] || !(pol->flags[w->slot] & flag))
			continue;
		*slot = w->slot;
		*seq = w->seq;
		return 1;
	}
	return 0;
}

int
policy_due(struct policy *pol, uint64_t now, uint32_t *slot,
    struct policy_due_key *key)
{
	struct policy_due_key k;

	/*
	 * The pipeline asks at every packet and the answer is nearly always
	 * no: both heads (each ring's earliest deadline) say so without a
	 * call.
	 */
	if ((pol->wcount == 0 || pol->wait[pol->whead].deadline > now) &&
	    (pol->mcount == 0 || pol->mwait[pol->mhead].deadline > now))
		return 0;
	if (key == NULL)
		key = &k;
	key->ring = 0;
	if (ring_due(pol, pol->wait, &pol->whead, &pol->wcount, PF_DEFER,
	    now, slot, &key->seq))
		return 1;
	key->ring = 1;
	return ring_due(pol, pol->mwait, &pol->mhead, &pol->mcount, PF_MWAIT,
	    now, slot, &key->seq);
}

uint64_t
policy_next_due(const struct policy *pol)
{
	uint64_t d = UINT64_MAX;

	if (pol->wcount > 0)
		d = pol->wait[pol->whead].deadline;
	if (pol->mcount > 0 && pol->mwait[pol->mhead].deadline < d)
		d = pol->mwait[pol->mhead].deadline;
	return d;
}

/* Appends slot to a wait ring; -1 when it is full. */
static int
ring_put(struct policy *pol, struct policy_wait *ring, uint32_t head,
    uint32_t *count, uint32_t slot, uint64_t deadline, uint64_t seq)
{
	struct policy_wait *w;

	if (*count == pol->nslots)
		return -1;
	w = &ring[(head + *count) % pol->nslots];
	w->deadline = deadline;
	w->seq = seq;
	w->slot = slot;
	w->gen = pol->gen[slot];
	(*count)++;
	return 0;
}

/*
 * Puts a flow that begins with a SYN on the wait list.  Returns 0, or -1
 * when the list is full (a SYN flood): the flow is judged at once.
 */
/*
 * The flow table's clock at f's last packet (qts: it never goes back),
 * or its last packet's time in a flow the table did not stamp.
 */
static uint64_t
flow_clock(const struct flow *f)
{
	return f->qts > f->last_ts ? f->qts : f->last_ts;
}

static int
defer_flow(struct policy *pol, uint32_t slot, const struct flow *f)
{
	/*
	 * The deadline from the flow table's clock (qts), which never goes
	 * back: a ring in deadline order, whatever the packets' disorder.
	 */
	if (ring_put(pol, pol->wait, pol->whead, &pol->wcount, slot,
	    flow_clock(f) + POLICY_DEFER_USEC, f->qseq) == -1)
		return -1;
	pol->flags[slot] |= PF_DEFER;
	return 0;
}

/* The roles of an end, 0 when it is not in the inventory. */
static uint64_t
end_roles(const struct policy_end *e)
{
	return e->host != NULL ? e->host->roles : 0;
}

static void
resolve_end(const struct policy *pol, struct policy_end *e,
    const struct flow *f, int i)
{
	memset(e, 0, sizeof(*e));
	e->addr = f->addr[i];
	e->port = f->port[i];
	if (f->has_mac[i]) {
		memcpy(e->mac, f->mac[i], 6);
		e->has_mac = 1;
	}
	e->host = inventory_host(pol->inv, &e->addr);
	e->zone = e->host != NULL && e->host->zone != NULL ? e->host->zone :
	    inventory_zone(pol->inv, &e->addr);
	e->internet = e->host == NULL &&
	    inventory_is_internet(pol->inv, &e->addr);
}

/* A readable name of an end for reasons: "ms01", "192.0.2.7". */
static const char *
end_label(const struct policy_end *e, char *buf, size_t len)
{
	if (e->host != NULL)
		return e->host->name;
	return addr_fmt(&e->addr, buf, len);
}

/* Is the protocol the rule names the one nDPI saw (family fam)? */
static int
proto_compatible(unsigned protocol, enum classify_family fam)
{
	switch (protocol) {
	case RULES_P_HTTP:
		return fam == CLASSIFY_FAM_HTTP ||
		    fam == CLASSIFY_FAM_WEBSOCKET;
	case RULES_P_WS:
		/* nDPI 4.2 often names a WebSocket upgrade plain HTTP. */
		return fam == CLASSIFY_FAM_WEBSOCKET ||
		    fam == CLASSIFY_FAM_HTTP;
	case RULES_P_HTTPS:
	case RULES_P_WSS:
	case RULES_P_TLS:
		return fam == CLASSIFY_FAM_TLS;
	case RULES_P_SMTP:
		return fam == CLASSIFY_FAM_SMTP || fam == CLASSIFY_FAM_SMTPS ||
		    fam == CLASSIFY_FAM_TLS;
	case RULES_P_RTSP:
		return fam == CLASSIFY_FAM_RTSP;
	case RULES_P_RTP:
		return fam == CLASSIFY_FAM_RTP;
	case RULES_P_DNS:
		return fam == CLASSIFY_FAM_DNS;
	case RULES_P_DHCP:
		return fam == CLASSIFY_FAM_DISCOVERY;
	case RULES_P_NTP:
		return fam == CLASSIFY_FAM_NTP;
	case RULES_P_SNMP:
		return fam == CLASSIFY_FAM_SNMP;
	case RULES_P_SYSLOG:
		return fam == CLASSIFY_FAM_SYSLOG;
	}
	return 1;	/* TCP/UDP: unspecified, anything goes */
}

int
policy_proto_compatible(unsigned protocol, enum classify_family fam)
{
	return proto_compatible(protocol, fam);
}

static int
proto_secure(unsigned protocol)
{
	return protocol == RULES_P_HTTPS || protocol == RULES_P_WSS ||
	    protocol == RULES_P_TLS;
}

/* Families that carry credentials and content in clear. */
static int
fam_cleartext(enum classify_family fam)
{
	switch (fam) {
	case CLASSIFY_FAM_HTTP:
	case CLASSIFY_FAM_WEBSOCKET:
	case CLASSIFY_FAM_TELNET:
	case CLASSIFY_FAM_FTP:
	case CLASSIFY_FAM_SMTP:
	case CLASSIFY_FAM_MAIL:
		return 1;
	default:
		return 0;
	}
}

/* What the rules say about a server port for a pair of roles. */
struct match {
	const struct rule *allowed;	/* documents the flow, or NULL */
	const struct rule *port_rule;	/* a rule of the server's port */
	const struct rule *local;	/* a local-only rule of the port */
};

static void
match_port(const struct policy *pol, uint64_t sroles, uint64_t croles,
    uint8_t transport, uint16_t port, enum classify_family fam,
    struct match *m)
{
	const struct rule **cand = pol->cand;
	int n, i;

	memset(m, 0, sizeof(*m));
	if (pol->rs == NULL || sroles == 0 || cand == NULL)
		return;
	/* cand has room for every rule of the ruleset. */
	n = rules_lookup(pol->rs, transport, port, cand, pol->ncand);
	if (n > pol->ncand)
		n = pol->ncand;
	for (i = 0; i < n; i++) {
		const struct rule *r = cand[i];

		if (!(r->server & sroles))
			continue;
		if (r->flags & RULES_F_LOCAL_ONLY) {
			if (m->local == NULL)
				m->local = r;
			continue;
		}
		if (m->port_rule == NULL)
			m->port_rule = r;
		if (!(r->clients & croles))
			continue;
		/*
		 * Rules come most specific first; among those that allow
		 * the pair, the one naming the protocol DPI saw wins (the
		 * WSS and the WS rule of one port).
		 */
		if (m->allowed == NULL)
			m->allowed = r;
		if (fam != CLASSIFY_FAM_NONE && proto_compatible(r->protocol,
		    fam) && !proto_compatible(m->allowed->protocol, fam))
			m->allowed = r;
	}
}

/*
 * Ports can be changed (the guide lists defaults): a service whose
 * protocol DPI recognises may be documented on another port, when that
 * port is not documented for the server at all.  Returns the rule, or
 * NULL; *maybe is set when such a rule could apply once DPI is done.
 */
static const struct rule *
match_changed(const struct policy *pol, uint64_t sroles, uint64_t croles,
    uint8_t transport, enum classify_family fam, int *maybe)
{
	size_t i;

	*maybe = 0;
	for (i = 0; i < pol->nnamed; i++) {
		const struct rule *r = pol->named[i];

		if (r->transport != transport || !(r->server & sroles) ||
		    !(r->clients & croles))
			continue;
		*maybe = 1;
		if (fam != CLASSIFY_FAM_NONE && proto_compatible(r->protocol,
		    fam))
			return r;
	}
	return NULL;
}

static int
rule_enabled(const struct policy *pol, const struct rule *r)
{
	size_t i;

	for (i = 0; i < pol->nenabled; i++)
		if (pol->enabled[i] == r)
			return 1;
	return 0;
}

/* Fills the parts of a violation every kind shares. */
static void
vinit(struct violation *v, const struct fctx *x, enum policy_kind k)
{
	const struct flow *f = x->f;

	memset(v, 0, sizeof(*v));
	v->kind = k;
	v->severity = kind_severity[k];
	v->ts = f->last_ts;
	v->first_ts = f->first_ts;
	v->client = x->c;
	v->server = x->s;
	v->transport = f->proto;
	v->vlan = f->vlan;
	memcpy(v->protocol, x->proto, sizeof(v->protocol));
	v->state = POLICY_ATTEMPTED;
	if (f->pkts[x->si] > 0)
		v->state = f->proto == IPPROTO_TCP &&
		    (f->tcp_flags[x->si] & 0x04) &&	/* RST */
		    !(f->tcp_flags[x->si] & 0x02) ?	/* SYN */
		    POLICY_REFUSED : POLICY_ESTABLISHED;
	v->risk = x->r != NULL ? x->r->risk : 0;
	v->host_name = x->r != NULL && x->r->host[0] ? x->r->host : NULL;
	v->dpi_guessed = (uint8_t)x->guessed;
	v->swapped = x->ci != FLOW_C2S;
	v->streams = x->streams;
}

static void
vrule(struct violation *v, const struct rule *r)
{
	v->rule_id = r->id;
	v->rule_name = r->purpose;
	v->section = r->section;
	v->nist = r->nist;
}

static void
vtopo(struct violation *v, const struct rules_topology *t, const char *id)
{
	if (t != NULL) {
		v->rule_id = t->id;
		v->rule_name = t->statement;
		v->section = t->section;
		v->nist = t->nist;
	} else
		v->rule_id = id;
}

static void
vreason(struct violation *v, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
vreason(struct violation *v, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(v->reason, sizeof(v->reason), fmt, ap);
	va_end(ap);
}

/* Raises v for the flow in slot unless its kind was raised already. */
static void
raise_flow(struct policy *pol, uint32_t slot, struct violation *v)
{
	uint16_t bit = (uint16_t)(1u << v->kind);

	if (pol->raised[slot] & bit)
		return;
	pol->raised[slot] |= bit;
	if (v->streams > 0) {
		size_t n = strlen(v->reason);

		snprintf(v->reason + n, sizeof(v->reason) - n, " (RTSP "
		    "session with %u media stream%s)", v->streams,
		    v->streams > 1 ? "s" : "");
	}
	pol->violations++;
	pol->cb(v, pol->arg);
}

/*
 * Unknown devices: an address in a zone that the inventory does not
 * know, a known address behind a MAC that is not its own (and not a
 * router's), or a MAC nobody knows asking for an address (0.0.0.0).
 * Returns 1 and fills v/why when e is one.
 */
static int
device_unknown(const struct policy *pol, const struct policy_end *e,
    uint16_t vlan, const struct inventory_zone **zone, char *why, size_t len)
{
	const struct inventory_host *owner;
	char a[ADDR_STRLEN], m[18];
	static const struct addr unspec = { { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0xff, 0xff, 0, 0, 0, 0 } };

	*zone = e->zone;
	if (inventory_is_group(pol->inv, &e->addr))
		return 0;
	if (e->host == NULL) {
		if (e->zone != NULL) {
			snprintf(why, len, "%s in zone %s is not in the "
			    "inventory", addr_fmt(&e->addr, a, sizeof(a)),
			    e->zone->name);
			return 1;
		}
		/* Without zones there is no site to be a stranger to. */
		if (addr_cmp(&e->addr, &unspec) == 0 && e->has_mac &&
		    inventory_zone_count(pol->inv) > 0 &&
		    inventory_host_by_mac(pol->inv, e->mac) == NULL) {
			*zone = vlan ? inventory_zone_vlan(pol->inv, vlan) :
			    NULL;
			snprintf(why, len, "unknown MAC %s asks for an address",
			    addr_fmt_mac(e->mac, m, sizeof(m)));
			return 1;
		}
		return 0;
	}
	if (!e->has_mac || inventory_host_has_mac(e->host, e->mac))
		return 0;
	owner = inventory_host_by_mac(pol->inv, e->mac);
	if (owner != NULL && owner->router)
		return 0;	/* routed: the frame carries the router's MAC */
	snprintf(why, len, "%s (%s) sent from MAC %s, not its own",
	    addr_fmt(&e->addr, a, sizeof(a)), e->host->name,
	    addr_fmt_mac(e->mac, m, sizeof(m)));
	return 1;
}


/* The context of flow f at event ev, its ends as the flow table has them. */
static void
fctx_init(const struct policy *pol, struct fctx *x, const struct flow *f,
    const struct classify_result *r, uint32_t slot, enum policy_event ev)
{
	memset(x, 0, sizeof(*x));
	x->f = f;
	x->r = r;
	x->slot = slot;
	x->ev = ev;
	x->ci = FLOW_C2S;
	x->si = FLOW_S2C;
	resolve_end(pol, &x->c, f, FLOW_C2S);
	resolve_end(pol, &x->s, f, FLOW_S2C);
}

/* Is MAC mac a router's (a frame routed to or from the site)? */
static int
mac_is_router(const struct policy *pol, const uint8_t *mac)
{
	const struct inventory_host *h = inventory_host_by_mac(pol->inv, mac);

	return h != NULL && h->router;
}

/* Raises an unknown-device finding for end e of x (not per flow kind). */
static void
raise_device(struct policy *pol, const struct fctx *x,
    const struct policy_end *e, const struct policy_end *peer,
    const struct inventory_zone *zone, const char *why, const char *how)
{
	struct violation v;

	vinit(&v, x, POLICY_UNKNOWN_DEVICE);
	vtopo(&v, pol->t_devices, "XP-TOPO-DEVICES");
	/* Device-level: the device is the "client" of the finding. */
	v.client = *e;
	v.client.zone = zone;
	v.server = *peer;
	vreason(&v, "unknown device: %s%s", why, how);
	pol->violations++;
	pol->cb(&v, pol->arg);
}

/*
 * Does flow end i exist, as far as the frames show?  It sent something;
 * or a known host answered it: a TCP segment with ACK (a SYN+ACK, data
 * of a session) or, over UDP, a reply from the known server of the flow.
 * A receiver-only end's MAC is the destination MAC of those frames.
 */
static int
end_seen(const struct fctx *x, int i, int *received)
{
	const struct flow *f = x->f;
	const struct policy_end *other = i == x->ci ? &x->s : &x->c;
	int o = !i;

	*received = 0;
	if (f->pkts[i] > 0)
		return 1;
	if (other->host == NULL || f->pkts[o] == 0)
		return 0;
	*received = 1;
	if (f->proto == IPPROTO_TCP)
		return (f->tcp_flags[o] & 0x10) != 0;	/* ACK */
	if (f->proto == IPPROTO_UDP)
		return o == x->si;
	return 0;
}

static void
check_device(struct policy *pol, struct fctx *x, int i)
{
	const struct inventory_zone *zone;
	uint8_t bit = i ? PF_DEV1 : PF_DEV0;
	struct policy_end e = i == x->ci ? x->c : x->s;
	const struct policy_end *peer = i == x->ci ? &x->s : &x->c;
	char why[160];
	int received;

	if ((pol->flags[x->slot] & bit) || !end_seen(x, i, &received))
		return;
	pol->flags[x->slot] |= bit;
	if (received) {
		/*
		 * Only the address speaks for a receiver: the destination
		 * MAC is what the sender believes, a router's when routed.
		 */
		if (e.host != NULL)
			return;
		if (e.has_mac && mac_is_router(pol, e.mac))
			e.has_mac = 0;
	}
	if (!device_unknown(pol, &e, x->f->vlan, &zone, why, sizeof(why)))
		return;
	raise_device(pol, x, &e, peer, zone, why, received ?
	    " (seen as the receiver of an answer from a known host)" : "");
}

/*
 * 1 when (addr, mac) was checked lately talking to peer, else 0 and it is
 * remembered.  The peer is part of the key so that what is remembered
 * belongs to one pair of hosts: workers that split a capture by pair
 * (parallel.h) then check the same frames as one does.
 */
static int
dev_cached(struct policy *pol, const struct addr *a, const uint8_t *mac,
    const struct addr *peer)
{
	struct policy_dev *d;
	uint32_t h = hash_fnv1a(addr_hash(peer, addr_hash(a, 0)), mac, 6);
	d = &pol->dev[(h ^ h >> 16) & (DEV_CACHE - 1)];
	if (d->used && memcmp(d->mac, mac, 6) == 0 &&
	    addr_cmp(&d->addr, a) == 0 && addr_cmp(&d->peer, peer) == 0)
		return 1;
	d->addr = *a;
	d->peer = *peer;
	memcpy(d->mac, mac, 6);
	d->used = 1;
	return 0;
}

void
policy_frame(struct policy *pol, uint32_t slot, const struct flow *f,
    const struct classify_result *r, int dir)
{
	const struct inventory_zone *zone;
	struct fctx x;
	char why[160];

	/* The end is judged with the flow's first look; this is for more. */
	if (slot >= pol->nslots || !f->has_mac[dir] ||
	    !(pol->flags[slot] & (dir ? PF_DEV1 : PF_DEV0)))
		return;
	fctx_init(pol, &x, f, r, slot, POLICY_EV_FRAME);
	if (dev_cached(pol, &f->addr[dir], f->mac[dir], &f->addr[!dir]))
		return;
	if (!device_unknown(pol, dir ? &x.s : &x.c, f->vlan, &zone, why,
	    sizeof(why)))
		return;
	raise_device(pol, &x, dir ? &x.s : &x.c, dir ? &x.c : &x.s, zone,
	    why, "");
}

/* An ARP finding of end e (the device) talking to peer. */
static void
arp_device(struct policy *pol, const struct pkt *p, struct policy_end *e,
    const struct addr *peer, const char *how)
{
	const struct inventory_zone *zone;
	struct violation v;
	char why[160];

	e->host = inventory_host(pol->inv, &e->addr);
	e->zone = e->host != NULL && e->host->zone ? e->host->zone :
	    inventory_zone(pol->inv, &e->addr);
	if (!device_unknown(pol, e, p->vlan, &zone, why, sizeof(why)))
		return;
	memset(&v, 0, sizeof(v));
	v.client = *e;
	v.client.zone = zone;
	v.server.addr = *peer;
	v.kind = POLICY_UNKNOWN_DEVICE;
	v.severity = kind_severity[POLICY_UNKNOWN_DEVICE];
	v.ts = v.first_ts = p->ts;
	v.vlan = p->vlan;
	snprintf(v.protocol, sizeof(v.protocol), "ARP");
	vtopo(&v, pol->t_devices, "XP-TOPO-DEVICES");
	vreason(&v, "unknown device: %s (%s)", why, how);
	pol->violations++;
	pol->cb(&v, pol->arg);
}

void
policy_arp(struct policy *pol, const struct pkt *p)
{
	static const uint8_t none[6], bcast[6] = { 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff };
	struct policy_end e;

	memset(&e, 0, sizeof(e));
	e.addr = p->src;
	memcpy(e.mac, p->arp_sha, 6);
	e.has_mac = 1;
	arp_device(pol, p, &e, &p->dst, p->arp_op == 2 ? "ARP reply" :
	    "ARP request");
	/*
	 * A known host that answers an ARP request shows that the asker
	 * exists, whether or not its request was captured.
	 */
	if (p->arp_op != 2 || addr_cmp(&p->src, &p->dst) == 0 ||
	    inventory_host(pol->inv, &p->src) == NULL)
		return;
	memset(&e, 0, sizeof(e));
	e.addr = p->dst;
	if (memcmp(p->arp_tha, none, 6) != 0 &&
	    memcmp(p->arp_tha, bcast, 6) != 0) {
		memcpy(e.mac, p->arp_tha, 6);
		e.has_mac = 1;
	}
	/* Only the address speaks for a receiver (see check_device). */
	if (inventory_host(pol->inv, &e.addr) != NULL)
		return;
	arp_device(pol, p, &e, &p->src, "target of an ARP reply from a "
	    "known host");
}

/*
 * Fragment findings.  The guide says nothing of fragments: what they break
 * is every check above, which looks at the transport header they hide.
 */
static const char frag_rule_id[] = "VW-FRAGMENTS";
static const char frag_rule_name[] = "IP fragments must show the whole "
    "transport header in the first fragment and never rewrite it";
static const char frag_section[] = "RFC 1858, RFC 3128";
static const char frag_nist[] = "SC-7, SI-4";

/* An end of a packet (no flow): its address and MAC through the inventory. */
static void
resolve_pkt_end(const struct policy *pol, struct policy_end *e,
    const struct addr *a, uint16_t port, const uint8_t *mac, int has_mac)
{
	memset(e, 0, sizeof(*e));
	e->addr = *a;
	e->port = port;
	if (has_mac) {
		memcpy(e->mac, mac, 6);
		e->has_mac = 1;
	}
	e->host = inventory_host(pol->inv, a);
	e->zone = e->host != NULL && e->host->zone != NULL ? e->host->zone :
	    inventory_zone(pol->inv, a);
	e->internet = e->host == NULL && inventory_is_internet(pol->inv, a);
}

static void
raise_fragment(struct policy *pol, const struct pkt *p, enum policy_kind k,
    const char *what)
{
	struct violation v;
	char a[ADDR_STRLEN], b[ADDR_STRLEN];

	memset(&v, 0, sizeof(v));
	v.kind = k;
	v.severity = kind_severity[k];
	v.rule_id = frag_rule_id;
	v.rule_name = frag_rule_name;
	v.section = frag_section;
	v.nist = frag_nist;
	v.ts = v.first_ts = p->ts;
	resolve_pkt_end(pol, &v.client, &p->src, p->sport, p->smac,
	    p->has_mac);
	resolve_pkt_end(pol, &v.server, &p->dst, p->dport, p->dmac,
	    p->has_mac);
	v.transport = p->proto;
	v.vlan = p->vlan;
	v.state = POLICY_ATTEMPTED;
	v.direction = v.client.internet != v.server.internet ?
	    (v.client.internet ? POLICY_DIR_INBOUND : POLICY_DIR_OUTBOUND) :
	    POLICY_DIR_NONE;
	vreason(&v, "%s from %s to %s (IP protocol %u)", what,
	    end_label(&v.client, a, sizeof(a)),
	    end_label(&v.server, b, sizeof(b)), p->proto);
	pol->violations++;
	pol->cb(&v, pol->arg);
}

void
policy_fragment(struct policy *pol, const struct pkt *p)
{
	if (p->flags & PKT_F_FRAG_TINY)
		raise_fragment(pol, p, POLICY_TINY_FRAGMENT, "first fragment "
		    "too short for the transport header (RFC 1858)");
	if (p->flags & PKT_F_FRAG_OVERLAP)
		raise_fragment(pol, p, POLICY_FRAGMENT_OVERLAP, "fragment "
		    "rewriting the transport header of its datagram");
	if ((p->flags & (PKT_F_FRAG_LATER | PKT_F_NO_PORTS)) ==
	    (PKT_F_FRAG_LATER | PKT_F_NO_PORTS))
		raise_fragment(pol, p, POLICY_ORPHAN_FRAGMENT, "fragment of a "
		    "datagram whose first fragment was not seen");
}

/* Camera ends may reach only the statement's peers (recorders). */
static void
check_camera(struct policy *pol, struct fctx *x)
{
	int i;

	for (i = 0; i < 2; i++) {
		const struct policy_end *cam = i ? &x->s : &x->c;
		const struct policy_end *peer = i ? &x->c : &x->s;
		uint64_t camroles = i ? x->sroles : x->croles;
		uint64_t peerroles = i ? x->croles : x->sroles;
		struct match m;
		struct violation v;
		char a[ADDR_STRLEN], b[ADDR_STRLEN];

		if (!(camroles & pol->camera_roles))
			continue;
		if ((i ? x->cgroup : x->sgroup) ||
		    (peerroles & pol->camera_peers))
			continue;
		/* A site may allow a service (its NTP server) by a rule. */
		if (i == 0)
			match_port(pol, peerroles, camroles, x->f->proto,
			    x->s.port, CLASSIFY_FAM_NONE, &m);
		else
			match_port(pol, camroles, peerroles, x->f->proto,
			    x->s.port, CLASSIFY_FAM_NONE, &m);
		if (m.allowed != NULL)
			continue;
		vinit(&v, x, POLICY_CAMERA_NON_RECORDER);
		vtopo(&v, pol->t_camera, "XP-TOPO-CAMERA");
		vreason(&v, "camera %s exchanges traffic with %s, which is "
		    "not a recording server", end_label(cam, a, sizeof(a)),
		    peer->internet ? "an Internet address" :
		    end_label(peer, b, sizeof(b)));
		raise_flow(pol, x->slot, &v);
		return;
	}
}

/*
 * Internet exposure.  For the documented exception (an Internet client
 * of the DMZ mobile server), returns the rule that documents it, which
 * the port checks then judge the flow by; else NULL.
 */
static const struct rule *
check_internet(struct policy *pol, struct fctx *x)
{
	const struct policy_end *vms, *net;
	uint64_t vmsroles;
	struct violation v;
	struct match m;
	char a[ADDR_STRLEN], b[ADDR_STRLEN], on[32];
	const char *pn;
	size_t i;

	if (x->c.internet == x->s.internet)
		return NULL;
	vms = x->c.internet ? &x->s : &x->c;
	net = x->c.internet ? &x->c : &x->s;
	vmsroles = x->c.internet ? x->sroles : x->croles;
	if (!(vmsroles & pol->vms_roles))
		return NULL;
	/*
	 * The exception: an Internet client of a DMZ host on a port the
	 * Internet statement names (the mobile server's HTTPS).
	 */
	if (x->c.internet && x->s.zone != NULL &&
	    x->s.zone->purpose == INV_PURPOSE_DMZ && pol->t_internet) {
		match_port(pol, x->sroles, ROLE_SET_ALL, x->f->proto,
		    x->s.port, CLASSIFY_FAM_NONE, &m);
		for (i = 0; m.allowed && i < pol->t_internet->nrules; i++)
			if (pol->t_internet->rules[i] == m.allowed)
				return m.allowed;
	}
	vinit(&v, x, POLICY_INTERNET_EXPOSURE);
	vtopo(&v, pol->t_internet, "XP-TOPO-INTERNET");
	v.direction = x->c.internet ? POLICY_DIR_INBOUND : POLICY_DIR_OUTBOUND;
	/* "443/tcp"; a protocol without ports (a tunnel) by its name. */
	if (x->f->proto == IPPROTO_TCP || x->f->proto == IPPROTO_UDP)
		snprintf(on, sizeof(on), "on %u/%s", x->s.port,
		    rules_transport_name(x->f->proto));
	else if ((pn = decode_proto_name(x->f->proto)) != NULL)
		snprintf(on, sizeof(on), "over %s", pn);
	else
		snprintf(on, sizeof(on), "over IP protocol %u", x->f->proto);
	if (x->c.internet)
		vreason(&v, "Internet address %s connects to %s %s",
		    addr_fmt(&net->addr, a, sizeof(a)),
		    end_label(vms, b, sizeof(b)), on);
	else
		vreason(&v, "%s reaches Internet address %s %s",
		    end_label(vms, b, sizeof(b)),
		    addr_fmt(&net->addr, a, sizeof(a)), on);
	raise_flow(pol, x->slot, &v);
	return NULL;
}

/* Does r document particular ports, not the whole range? */
static int
rule_names_port(const struct rule *r)
{
	return r->port_hi - r->port_lo < 1024;
}

/*
 * How well the rules document port as a server port of roles sroles for
 * clients of roles croles: 2 a rule allows the pair, 1 a rule names the
 * port as a server port of those roles (for other clients, or
 * local-only), 0 not.
 */
static int
port_score(const struct policy *pol, uint64_t sroles, uint64_t croles,
    uint8_t t, uint16_t port)
{
	struct match m;

	if (sroles == 0)
		return 0;
	match_port(pol, sroles, croles, t, port, CLASSIFY_FAM_NONE, &m);
	if (m.allowed != NULL)
		return 2;
	/* A rule of every port ("any") names no port. */
	return (m.port_rule != NULL && rule_names_port(m.port_rule)) ||
	    (m.local != NULL && rule_names_port(m.local));
}

/*
 * Chooses the client and server ends of x (see policy.h): the flow
 * table's when a handshake decided them; else the side whose port the
 * rules document for the two roles; else, for UDP, the first sender;
 * else the flow table's port heuristic.
 */
static void
orient(const struct policy *pol, struct fctx *x)
{
	const struct flow *f = x->f;
	uint64_t r0, r1;
	int fwd, rev, swap = 0;

	x->ci = FLOW_C2S;
	x->si = FLOW_S2C;
	if (f->dir_by != FLOW_DIR_PORT ||
	    (f->proto != IPPROTO_TCP && f->proto != IPPROTO_UDP))
		return;
	r0 = end_roles(&x->c);
	r1 = end_roles(&x->s);
	fwd = port_score(pol, r1, r0, f->proto, f->port[FLOW_S2C]);
	rev = port_score(pol, r0, r1, f->proto, f->port[FLOW_C2S]);
	if (fwd != rev)
		swap = rev > fwd;
	else if (f->proto == IPPROTO_UDP && f->pkts[FLOW_S2C] > 0 &&
	    (f->pkts[FLOW_C2S] == 0 ||
	    f->dfirst[FLOW_S2C] < f->dfirst[FLOW_C2S]))
		swap = 1;
	if (swap) {
		struct policy_end e = x->c;

		x->c = x->s;
		x->s = e;
		x->ci = FLOW_S2C;
		x->si = FLOW_C2S;
	}
}

/* The protocol is cleartext, by DPI, by nDPI's guess or by its risks. */
static int
x_cleartext(const struct fctx *x)
{
	return fam_cleartext(x->fam) || (x->unsafe &&
	    x->fam != CLASSIFY_FAM_TLS && x->fam != CLASSIFY_FAM_SSH &&
	    x->fam != CLASSIFY_FAM_SMTPS);
}

/* " (dpi: guessed)" for a protocol nDPI only guessed from the port. */
static const char *
guess_note(const struct fctx *x)
{
	return x->guessed ? " (dpi: guessed)" : "";
}

/* Fills the shared match record of the port findings; 0 if none apply. */
static int
pmatch_fill(struct policy *pol, struct fctx *x, const struct rule *inet_doc,
    struct pmatch *pm)
{
	struct match m;
	uint8_t t = x->f->proto;

	memset(pm, 0, sizeof(*pm));
	if (x->cgroup || x->sgroup || (t != IPPROTO_TCP && t != IPPROTO_UDP))
		return 0;
	pm->t = t;
	match_port(pol, x->sroles, x->croles, t, x->s.port, x->dfam, &m);
	pm->allowed = m.allowed;
	pm->port_rule = m.port_rule;
	pm->local = m.local;
	pm->cam = ((x->croles | x->sroles) & pol->camera_roles) != 0;
	pm->hosts = x->c.host != NULL && x->s.host != NULL;
	pm->vmspair = (x->croles & pol->vms_roles) &&
	    (x->sroles & pol->vms_roles);
	pm->r = pm->allowed != NULL ? pm->allowed : inet_doc;
	if (pm->r == NULL && pm->port_rule == NULL && pm->local == NULL &&
	    pm->vmspair && !pm->cam) {
		pm->r = match_changed(pol, x->sroles, x->croles, t, x->dfam,
		    &pm->maybe);
		pm->changed = pm->r != NULL;
	}
	return 1;
}

/*
 * Local-only: never between two different hosts.  A port the guide also
 * documents on the wire (LPR 22334 for the event server) is undocumented
 * for other clients, not local-only.  Returns 1 when it applies.
 */
static int
check_local_only(struct policy *pol, struct fctx *x, const struct pmatch *pm)
{
	struct violation v;
	char a[ADDR_STRLEN], b[ADDR_STRLEN];

	if (pm->allowed != NULL || pm->local == NULL || pm->port_rule != NULL ||
	    addr_cmp(&x->c.addr, &x->s.addr) == 0)
		return 0;
	vinit(&v, x, POLICY_LOCAL_ONLY_PORT);
	vrule(&v, pm->local);
	vreason(&v, "%s reaches %s on %u/%s, a port for local connections "
	    "only", end_label(&x->c, a, sizeof(a)),
	    end_label(&x->s, b, sizeof(b)), x->s.port,
	    rules_transport_name(pm->t));
	raise_flow(pol, x->slot, &v);
	return 1;
}

/* Disabled by default and not enabled by the site. */
static void
check_disabled(struct policy *pol, struct fctx *x, const struct pmatch *pm)
{
	struct violation v;
	char b[ADDR_STRLEN];
	const struct rule *r = pm->r;

	if (r == NULL || !(r->flags & RULES_F_DISABLED) || rule_enabled(pol, r))
		return;
	vinit(&v, x, POLICY_DISABLED_PORT);
	vrule(&v, r);
	vreason(&v, "%u/%s on %s is disabled by default%s", x->s.port,
	    rules_transport_name(pm->t), end_label(&x->s, b, sizeof(b)),
	    (r->flags & RULES_F_DEPRECATED) ? " and deprecated" : "");
	raise_flow(pol, x->slot, &v);
}

/* Undocumented: VMS components outside the tables (cameras: their own). */
static void
check_undocumented(struct policy *pol, struct fctx *x,
    const struct pmatch *pm)
{
	struct violation v;
	char a[ADDR_STRLEN], b[ADDR_STRLEN];

	if (pm->r != NULL || !pm->vmspair || pm->cam)
		return;
	/*
	 * With no rule for the port, DPI may still show a named service
	 * moved to another port: wait for it.
	 */
	if (pm->maybe && !x->final)
		return;
	vinit(&v, x, POLICY_UNDOCUMENTED_FLOW);
	if (pm->port_rule != NULL) {
		vrule(&v, pm->port_rule);
		vreason(&v, "%s is not a documented client of %s on %u/%s",
		    end_label(&x->c, a, sizeof(a)),
		    end_label(&x->s, b, sizeof(b)), x->s.port,
		    rules_transport_name(pm->t));
	} else {
		vtopo(&v, pol->t_ports, "XP-TOPO-PORTS");
		vreason(&v, "%s reaches %s on %u/%s, a port the guide does "
		    "not document for it", end_label(&x->c, a, sizeof(a)),
		    end_label(&x->s, b, sizeof(b)), x->s.port,
		    rules_transport_name(pm->t));
	}
	raise_flow(pol, x->slot, &v);
}

/*
 * Protocol mismatch: DPI saw a protocol the rule does not document (TLS
 * or SSH on a port documented for HTTP).  Only on what DPI detected: a
 * port guess cannot contradict its own port.
 */
static void
check_mismatch(struct policy *pol, struct fctx *x, const struct pmatch *pm)
{
	struct violation v;
	const struct rule *r = pm->r;

	if (!x->final || r == NULL || x->dfam == CLASSIFY_FAM_NONE ||
	    fam_cleartext(x->dfam) || proto_compatible(r->protocol, x->dfam) ||
	    pm->changed)
		return;
	vinit(&v, x, POLICY_PROTOCOL_MISMATCH);
	vrule(&v, r);
	vreason(&v, "%s on %u/%s, documented as %s", x->proto, x->s.port,
	    rules_transport_name(pm->t), rules_proto_name(r->protocol));
	raise_flow(pol, x->slot, &v);
}

/*
 * Cleartext.  A port documented as cleartext is a finding when it
 * carries its protocol or one DPI could not name, not when DPI shows
 * another (TLS or SSH on 80: that is a protocol mismatch).  A cleartext
 * protocol elsewhere is one when the rule asks for a secure one, a
 * camera is an end, or the flow is between two known hosts and not what
 * the port is documented for (HTTP on 9000 from a client the rule does
 * not list: undocumented, not more).  When the flow also carries
 * credentials, the finding is folded into cleartext-credentials.
 */
static void
check_cleartext(struct policy *pol, struct fctx *x, const struct pmatch *pm)
{
	struct violation v;
	const struct rule *r = pm->r;
	const char *pname;
	char a[ADDR_STRLEN], b[ADDR_STRLEN];
	int clear = x_cleartext(x), asdoc;

	if (!x->final)
		return;
	/* The protocol named by DPI or its guess; NULL when unknown. */
	pname = x->fam != CLASSIFY_FAM_NONE && x->proto[0] ? x->proto : NULL;
	asdoc = pm->port_rule != NULL && !proto_secure(pm->port_rule->protocol) &&
	    !(pm->port_rule->flags & RULES_F_CLEARTEXT) &&
	    pm->port_rule->protocol != RULES_P_TCP &&
	    proto_compatible(pm->port_rule->protocol, x->fam);
	if (!((r != NULL && (r->flags & RULES_F_CLEARTEXT) &&
	    (x->dfam == CLASSIFY_FAM_NONE || clear ||
	    proto_compatible(r->protocol, x->dfam))) ||
	    (clear && ((r != NULL && proto_secure(r->protocol)) || pm->cam ||
	    (r == NULL && pm->hosts && !asdoc)))))
		return;
	vinit(&v, x, POLICY_CLEARTEXT);
	if (r != NULL && ((r->flags & RULES_F_CLEARTEXT) ||
	    proto_secure(r->protocol)))
		vrule(&v, r);
	else
		vtopo(&v, pol->t_secure, "XP-TOPO-SECURE");
	if (r != NULL && (r->flags & RULES_F_CLEARTEXT) &&
	    r->secure_alternative != NULL)
		vreason(&v, "cleartext %s to %s on %u/%s; the secure variant "
		    "is %s (%u/%s)%s", pname ? pname :
		    rules_proto_name(r->protocol),
		    end_label(&x->s, b, sizeof(b)), x->s.port,
		    rules_transport_name(pm->t),
		    rules_proto_name(r->secure_alternative->protocol),
		    r->secure_alternative->port_lo,
		    rules_transport_name(r->secure_alternative->transport),
		    guess_note(x));
	else
		vreason(&v, "cleartext %s between %s and %s on %u/%s%s",
		    pname ? pname : r != NULL ?
		    rules_proto_name(r->protocol) : "protocol",
		    end_label(&x->c, a, sizeof(a)),
		    end_label(&x->s, b, sizeof(b)), x->s.port,
		    rules_transport_name(pm->t), guess_note(x));
	if (x->r != NULL && classify_risk_credentials(x->r->risk) != 0) {
		/* One finding: cleartext-credentials says both. */
		x->ct_rule = r != NULL && ((r->flags & RULES_F_CLEARTEXT) ||
		    proto_secure(r->protocol)) ? r : NULL;
		memcpy(x->ct_why, v.reason, sizeof(x->ct_why));
		return;
	}
	raise_flow(pol, x->slot, &v);
}

/* The port and protocol findings of a flow between two ends. */
static void
check_ports(struct policy *pol, struct fctx *x, const struct rule *inet_doc)
{
	struct pmatch pm;

	/* Without a port match, only the Internet exception documents it. */
	x->doc = inet_doc;
	if (!pmatch_fill(pol, x, inet_doc, &pm))
		return;
	x->doc = pm.r;
	/* A local-only port on the wire is the undocumented finding. */
	if (!check_local_only(pol, x, &pm))
		check_undocumented(pol, x, &pm);
	check_disabled(pol, x, &pm);
	check_mismatch(pol, x, &pm);
	check_cleartext(pol, x, &pm);
}

/* nDPI risks on flows of the site (every flow without an inventory). */
static void
check_risks(struct policy *pol, struct fctx *x)
{
	struct violation v;
	uint64_t bits;
	char a[ADDR_STRLEN], b[ADDR_STRLEN];

	if (x->r == NULL || x->r->risk == 0)
		return;
	if (x->c.host == NULL && x->s.host == NULL &&
	    inventory_host_count(pol->inv) > 0)
		return;
	if ((bits = classify_risk_weak_tls(x->r->risk)) != 0) {
		/*
		 * A finding of the server's certificate, not of the client:
		 * the alert stage keys it by server and certificate.
		 */
		vinit(&v, x, POLICY_WEAK_TLS);
		vtopo(&v, pol->t_secure, "XP-TOPO-SECURE");
		v.risk = bits;
		v.cert_id = x->r->cert_id;
		vreason(&v, "weak TLS on %s port %u (see risks)",
		    end_label(&x->s, b, sizeof(b)), x->s.port);
		raise_flow(pol, x->slot, &v);
	}
	if ((bits = classify_risk_credentials(x->r->risk)) != 0) {
		vinit(&v, x, POLICY_CLEARTEXT_CREDENTIALS);
		if (x->ct_rule != NULL)
			vrule(&v, x->ct_rule);
		else
			vtopo(&v, pol->t_secure, "XP-TOPO-SECURE");
		v.risk = bits;
		if (x->ct_why[0])
			vreason(&v, "credentials in clear (%s) on %s",
			    x->proto[0] ? x->proto : "?", x->ct_why);
		else
			vreason(&v, "credentials in clear (%s) from %s to %s "
			    "on %u%s", x->proto[0] ? x->proto : "?",
			    end_label(&x->c, a, sizeof(a)),
			    end_label(&x->s, b, sizeof(b)), x->s.port,
			    guess_note(x));
		raise_flow(pol, x->slot, &v);
	}
}

/* ----- RTSP sessions and their media streams ----- */

/* Is port an RTSP server port (554, 8554, or a rule's RTSP port)? */
static int
rtsp_port(const struct policy *pol, uint16_t port)
{
	size_t i;

	if (port == 554 || port == 8554)
		return 1;
	for (i = 0; i < pol->nnamed; i++)
		if (pol->named[i]->protocol == RULES_P_RTSP &&
		    port >= pol->named[i]->port_lo &&
		    port <= pol->named[i]->port_hi)
			return 1;
	return 0;
}

static uint32_t
media_hash(const struct addr *a, uint16_t port)
{
	uint32_t h = addr_hash(a, port);

	return h ^ h >> 15;
}

/* Remembers that client:port receives a stream of the RTSP flow slot. */
static void
media_put(struct policy *pol, const struct classify_media *m, uint16_t port,
    uint32_t slot, uint64_t ts)
{
	struct policy_media *e, *victim = NULL;
	uint32_t h = media_hash(&m->client, port), i;

	for (i = 0; i < MEDIA_PROBE; i++) {
		e = &pol->media[(h + i) & (MEDIA_SLOTS - 1)];
		if (e->used && e->cport == port &&
		    addr_cmp(&e->client, &m->client) == 0) {
			victim = e;
			break;
		}
		/* A free entry, a stale one (its session gone), the oldest. */
		if (!e->used || e->gen != pol->gen[e->slot])
			victim = victim != NULL && !victim->used ? victim : e;
		else if (victim == NULL || (victim->used && e->ts < victim->ts &&
		    victim->gen == pol->gen[victim->slot]))
			victim = e;
	}
	victim->client = m->client;
	victim->server = m->server;
	victim->cport = port;
	victim->sport_lo = m->sport_lo;
	victim->sport_hi = m->sport_hi ? m->sport_hi : m->sport_lo;
	victim->slot = slot;
	victim->gen = pol->gen[slot];
	victim->ts = ts;
	victim->used = 1;
}

/*
 * Is end i of f the receiving end of a negotiated stream whose other end
 * is the session's server?  Sets *rtsp to the RTSP flow's slot.
 */
static int
media_end(const struct policy *pol, const struct flow *f, int i,
    uint32_t *rtsp)
{
	const struct policy_media *e;
	uint32_t h = media_hash(&f->addr[i], f->port[i]), k;
	uint16_t op = f->port[!i];

	for (k = 0; k < MEDIA_PROBE; k++) {
		e = &pol->media[(h + k) & (MEDIA_SLOTS - 1)];
		if (!e->used || e->cport != f->port[i] ||
		    e->gen != pol->gen[e->slot] ||
		    addr_cmp(&e->client, &f->addr[i]) != 0 ||
		    addr_cmp(&e->server, &f->addr[!i]) != 0)
			continue;
		if (e->sport_lo != 0 && (op < e->sport_lo || op > e->sport_hi))
			continue;
		*rtsp = e->slot;
		return 1;
	}
	return 0;
}

void
policy_media(struct policy *pol, uint32_t slot, const struct flow *f,
    const struct classify_result *r)
{
	const struct classify_media *m;
	int n, i, playing;
	unsigned p, hi;

	if (slot >= pol->nslots)
		return;
	n = classify_media(pol->cls, slot, &m, &playing);
	for (i = 0; i < n; i++) {
		if (m[i].interleaved || m[i].cport_lo == 0)
			continue;
		/* A lone port: RTCP takes the next one (RFC 3550, 11). */
		hi = m[i].cport_hi > m[i].cport_lo ? m[i].cport_hi :
		    (unsigned)m[i].cport_lo + 1;
		for (p = m[i].cport_lo; p <= hi && p <= 65535 &&
		    p < (unsigned)m[i].cport_lo + MEDIA_PORTS; p++)
			media_put(pol, &m[i], (uint16_t)p, slot, f->last_ts);
	}
	if (playing && (pol->flags[slot] & PF_MWAIT))
		policy_flow(pol, slot, f, r, POLICY_EV_MEDIA);
}

/*
 * Should the RTSP flow wait for its streams before it is judged?  Waits
 * once, from its answer; returns 1 while it waits (the event is dropped).
 */
static int
media_wait(struct policy *pol, uint32_t slot, const struct flow *f,
    const struct classify_result *r, enum policy_event ev)
{
	uint8_t *fl = &pol->flags[slot];

	if (*fl & PF_MWAIT) {
		switch (ev) {
		case POLICY_EV_END:
		case POLICY_EV_TIMEOUT:
		case POLICY_EV_MEDIA:
			break;
		case POLICY_EV_CLASSIFIED:
			/* Not RTSP after all: nothing to wait for. */
			if (r != NULL && classify_family(r) == CLASSIFY_FAM_RTSP)
				return 1;
			break;
		default:
			return 1;
		}
		*fl &= (uint8_t)~PF_MWAIT;
		return 0;
	}
	if ((*fl & PF_MWAITED) || f->proto != IPPROTO_TCP ||
	    f->pkts[0] == 0 || f->pkts[1] == 0 || ev == POLICY_EV_END ||
	    !rtsp_port(pol, f->port[FLOW_S2C]) ||
	    (r != NULL && r->state != CLASSIFY_PENDING &&
	    classify_family(r) != CLASSIFY_FAM_RTSP))
		return 0;
	*fl |= PF_MWAITED;
	if (ring_put(pol, pol->mwait, pol->mhead, &pol->mcount, slot,
	    flow_clock(f) + POLICY_MEDIA_USEC, f->qseq) == -1)
		return 0;
	*fl |= PF_MWAIT;
	return 1;
}

/*
 * Did the flow carry more than an attempt?  Both ends sent and the
 * server did not refuse, or one end sent a stream (a one-sided capture).
 */
static int
exchanged(const struct flow *f)
{
	/* A SYN answered by a RST is a refusal, not an exchange. */
	if (f->pkts[0] > 0 && f->pkts[1] > 0)
		return f->proto != IPPROTO_TCP ||
		    ((f->tcp_flags[0] | f->tcp_flags[1]) & 0x04) == 0 ||
		    f->pkts[0] + f->pkts[1] > 3;
	return f->pkts[0] + f->pkts[1] >= 3;
}

/* The flow's verdict at its end, to the verdict callback. */
static void
emit_verdict(const struct policy *pol, const struct fctx *x, int covered)
{
	struct policy_verdict pv;

	if (pol->vcb == NULL)
		return;
	memset(&pv, 0, sizeof(pv));
	pv.f = x->f;
	pv.client = x->c;
	pv.server = x->s;
	pv.ci = x->ci;
	pv.croles = x->croles;
	pv.sroles = x->sroles;
	pv.transport = x->f->proto;
	pv.rule = covered ? NULL : x->doc;
	pv.raised = pol->raised[x->slot];
	pv.covered = (uint8_t)covered;
	pol->vcb(&pv, pol->varg);
}

void
policy_flow(struct policy *pol, uint32_t slot, const struct flow *f,
    const struct classify_result *r, enum policy_event ev)
{
	const struct rule *inet_doc;
	struct fctx x;
	uint32_t rtsp;

	if (slot >= pol->nslots)
		return;
	/*
	 * A SYN without answer yet, or a UDP request: wait for the answer
	 * (or the deadline) to say established, refused or attempted.
	 */
	if (ev == POLICY_EV_NEW &&
	    ((f->proto == IPPROTO_TCP && f->tcp_state == FLOW_TCP_SYN &&
	    f->pkts[FLOW_S2C] == 0) ||
	    (f->proto == IPPROTO_UDP &&
	    (f->pkts[FLOW_C2S] == 0 || f->pkts[FLOW_S2C] == 0) &&
	    !inventory_is_group(pol->inv, &f->addr[FLOW_C2S]) &&
	    !inventory_is_group(pol->inv, &f->addr[FLOW_S2C]))) &&
	    defer_flow(pol, slot, f) == 0)
		return;
	/* Knowing the protocol does not end the wait for the answer. */
	if (ev == POLICY_EV_CLASSIFIED && (pol->flags[slot] & PF_DEFER))
		return;
	pol->flags[slot] &= (uint8_t)~PF_DEFER;
	if (media_wait(pol, slot, f, r, ev))
		return;
	fctx_init(pol, &x, f, r, slot, ev);
	orient(pol, &x);
	x.croles = end_roles(&x.c);
	x.sroles = end_roles(&x.s);
	x.cgroup = inventory_is_group(pol->inv, &x.c.addr);
	x.sgroup = inventory_is_group(pol->inv, &x.s.addr);
	x.final = ev == POLICY_EV_END || (r != NULL &&
	    r->state != CLASSIFY_PENDING && r->state != CLASSIFY_NONE);
	if (x.final && r != NULL) {
		x.dfam = classify_family(r);
		x.fam = x.dfam;
		/*
		 * A guess from the port alone says nothing of a flow that
		 * carried nothing: it counts once there was an exchange
		 * (both ends sent) or a one-sided stream of data.
		 */
		if (r->state == CLASSIFY_GUESSED && exchanged(f) &&
		    (x.fam = classify_family_of(r->master, r->app)) !=
		    CLASSIFY_FAM_NONE)
			x.guessed = 1;
		/* nDPI marks a port guess unsafe too: the same holds. */
		x.unsafe = classify_risk_unsafe(r->risk) != 0 &&
		    (r->state == CLASSIFY_DETECTED || exchanged(f));
		classify_proto_name(pol->cls, r, x.proto, sizeof(x.proto));
	}

	/* Devices: an end is judged once a frame shows it exists. */
	check_device(pol, &x, FLOW_C2S);
	check_device(pol, &x, FLOW_S2C);
	/* A stream of an RTSP session: the session's verdict covers it. */
	if (f->proto == IPPROTO_UDP && !(pol->flags[slot] & PF_COVERED) &&
	    (media_end(pol, f, FLOW_C2S, &rtsp) ||
	    media_end(pol, f, FLOW_S2C, &rtsp)))
		pol->flags[slot] |= PF_COVERED;
	if (pol->flags[slot] & PF_COVERED) {
		if (ev == POLICY_EV_END)
			emit_verdict(pol, &x, 1);
		return;
	}
	if (f->proto == IPPROTO_TCP) {
		const struct classify_media *m;
		int playing, n = classify_media(pol->cls, slot, &m, &playing);

		x.streams = (uint8_t)(n > 0 ? n : 0);
	}
	/* Every kind is checked on its own: none stops another. */
	check_camera(pol, &x);
	inet_doc = check_internet(pol, &x);
	check_ports(pol, &x, inet_doc);
	if (x.final)
		check_risks(pol, &x);
	if (ev == POLICY_EV_END)
		emit_verdict(pol, &x, 0);
}

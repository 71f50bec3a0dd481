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

#include "policy.h"
#include "role.h"

/* Rules looked at for one port: more is a ruleset nobody writes. */
#define MATCH_MAX	32

/* Per-slot flags besides the raised kinds. */
#define PF_DEV_CLIENT	0x01	/* client end checked as a device */
#define PF_DEV_SERVER	0x02	/* server end checked as a device */
#define PF_DEFER	0x04	/* judged when the server answers */

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
	uint32_t nslots;
	uint16_t *raised;	/* per slot: 1 << kind */
	uint8_t *flags;		/* per slot: PF_* */
	uint8_t *gen;		/* per slot: bumped at release */
	/* Flows waiting for their SYN's answer, oldest first. */
	struct policy_wait {
		uint64_t deadline;
		uint32_t slot;
		uint8_t gen;
	} *wait;
	uint32_t whead, wcount;
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
	uint64_t violations;
};

/* Everything known about a flow at one event. */
struct fctx {
	const struct flow *f;
	const struct classify_result *r;
	uint32_t slot;
	enum policy_event ev;
	struct policy_end c, s;
	uint64_t croles, sroles;
	int cgroup, sgroup;
	enum classify_family fam;
	int final;		/* classification final */
	char proto[48];
};

const char *
policy_kind_name(enum policy_kind k)
{
	if ((unsigned)k >= POLICY_KIND_MAX)
		return "unknown";
	return kind_names[k];
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
	const struct rule **named = NULL, **enabled = NULL;
	size_t i, n = rs ? rules_count(rs) : 0, nn = 0, ne = 0;
	int k;

	if (n > 0 && (named = calloc(n, sizeof(*named))) == NULL)
		return -1;
	if (pc != NULL && pc->nenabled > 0 &&
	    (enabled = calloc((size_t)pc->nenabled, sizeof(*enabled))) ==
	    NULL) {
		free(named);
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
	if (pol->raised == NULL || pol->flags == NULL || pol->gen == NULL ||
	    pol->wait == NULL ||
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
	free(pol->named);
	free(pol->enabled);
	free(pol);
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

int
policy_due(struct policy *pol, uint64_t now, uint32_t *slot)
{
	struct policy_wait *w;

	while (pol->wcount > 0) {
		w = &pol->wait[pol->whead];
		if (w->deadline > now)
			return 0;
		pol->whead = (pol->whead + 1) % pol->nslots;
		pol->wcount--;
		/* Answered, ended or reused since: nothing to do. */
		if (w->gen != pol->gen[w->slot] ||
		    !(pol->flags[w->slot] & PF_DEFER))
			continue;
		*slot = w->slot;
		return 1;
	}
	return 0;
}

/*
 * Puts a flow that begins with a SYN on the wait list.  Returns 0, or -1
 * when the list is full (a SYN flood): the flow is judged at once.
 */
static int
defer_flow(struct policy *pol, uint32_t slot, uint64_t now)
{
	struct policy_wait *w;

	if (pol->wcount == pol->nslots)
		return -1;
	w = &pol->wait[(pol->whead + pol->wcount) % pol->nslots];
	w->deadline = now + POLICY_DEFER_USEC;
	w->slot = slot;
	w->gen = pol->gen[slot];
	pol->wcount++;
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
	int changed;			/* allowed through a changed port */
};

static void
match_port(const struct policy *pol, uint64_t sroles, uint64_t croles,
    uint8_t transport, uint16_t port, enum classify_family fam,
    struct match *m)
{
	const struct rule *cand[MATCH_MAX];
	int n, i;

	memset(m, 0, sizeof(*m));
	if (pol->rs == NULL || sroles == 0)
		return;
	n = rules_lookup(pol->rs, transport, port, cand, MATCH_MAX);
	if (n > MATCH_MAX)
		n = MATCH_MAX;
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
	memset(v, 0, sizeof(*v));
	v->kind = k;
	v->severity = kind_severity[k];
	v->ts = x->f->last_ts;
	v->first_ts = x->f->first_ts;
	v->client = x->c;
	v->server = x->s;
	v->transport = x->f->proto;
	v->vlan = x->f->vlan;
	memcpy(v->protocol, x->proto, sizeof(v->protocol));
	v->state = POLICY_ATTEMPTED;
	if (x->f->pkts[FLOW_S2C] > 0)
		v->state = x->f->proto == IPPROTO_TCP &&
		    (x->f->tcp_flags[FLOW_S2C] & 0x04) &&	/* RST */
		    !(x->f->tcp_flags[FLOW_S2C] & 0x02) ?	/* SYN */
		    POLICY_REFUSED : POLICY_ESTABLISHED;
	v->risk = x->r != NULL ? x->r->risk : 0;
	v->host_name = x->r != NULL && x->r->host[0] ? x->r->host : NULL;
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

static void
check_device(struct policy *pol, struct fctx *x, int server)
{
	const struct inventory_zone *zone;
	uint8_t bit = server ? PF_DEV_SERVER : PF_DEV_CLIENT;
	struct policy_end *e = server ? &x->s : &x->c;
	struct violation v;
	char why[160];

	if (pol->flags[x->slot] & bit)
		return;
	pol->flags[x->slot] |= bit;
	if (!device_unknown(pol, e, x->f->vlan, &zone, why, sizeof(why)))
		return;
	vinit(&v, x, POLICY_UNKNOWN_DEVICE);
	vtopo(&v, pol->t_devices, "XP-TOPO-DEVICES");
	/* Device-level: the device is the "client" of the finding. */
	v.client = *e;
	v.client.zone = zone;
	v.server = server ? x->c : x->s;
	vreason(&v, "unknown device: %s", why);
	pol->violations++;
	pol->cb(&v, pol->arg);
}

void
policy_arp(struct policy *pol, const struct pkt *p)
{
	const struct inventory_zone *zone;
	struct violation v;
	char why[160];

	memset(&v, 0, sizeof(v));
	v.client.addr = p->src;
	memcpy(v.client.mac, p->arp_sha, 6);
	v.client.has_mac = 1;
	v.client.host = inventory_host(pol->inv, &p->src);
	v.client.zone = v.client.host != NULL && v.client.host->zone ?
	    v.client.host->zone : inventory_zone(pol->inv, &p->src);
	if (!device_unknown(pol, &v.client, p->vlan, &zone, why, sizeof(why)))
		return;
	v.client.zone = zone;
	v.server.addr = p->dst;
	v.kind = POLICY_UNKNOWN_DEVICE;
	v.severity = kind_severity[POLICY_UNKNOWN_DEVICE];
	v.ts = v.first_ts = p->ts;
	v.vlan = p->vlan;
	snprintf(v.protocol, sizeof(v.protocol), "ARP");
	vtopo(&v, pol->t_devices, "XP-TOPO-DEVICES");
	vreason(&v, "unknown device: %s (ARP %s)", why,
	    p->arp_op == 2 ? "reply" : "request");
	pol->violations++;
	pol->cb(&v, pol->arg);
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
 * Returns 1 when internet-exposure applies (raised now or before).  For
 * the documented exception, *doc is set to the rule that documents it.
 */
static int
check_internet(struct policy *pol, struct fctx *x, const struct rule **doc)
{
	const struct policy_end *vms, *net;
	uint64_t vmsroles;
	struct violation v;
	struct match m;
	char a[ADDR_STRLEN], b[ADDR_STRLEN];
	size_t i;

	if (x->c.internet == x->s.internet)
		return 0;
	vms = x->c.internet ? &x->s : &x->c;
	net = x->c.internet ? &x->c : &x->s;
	vmsroles = x->c.internet ? x->sroles : x->croles;
	if (!(vmsroles & pol->vms_roles))
		return 0;
	/*
	 * The exception: an Internet client of a DMZ host on a port the
	 * Internet statement names (the mobile server's HTTPS).
	 */
	if (x->c.internet && x->s.zone != NULL &&
	    x->s.zone->purpose == INV_PURPOSE_DMZ && pol->t_internet) {
		match_port(pol, x->sroles, ROLE_SET_ALL, x->f->proto,
		    x->s.port, CLASSIFY_FAM_NONE, &m);
		for (i = 0; m.allowed && i < pol->t_internet->nrules; i++)
			if (pol->t_internet->rules[i] == m.allowed) {
				*doc = m.allowed;
				return 0;
			}
	}
	vinit(&v, x, POLICY_INTERNET_EXPOSURE);
	vtopo(&v, pol->t_internet, "XP-TOPO-INTERNET");
	v.direction = x->c.internet ? POLICY_DIR_INBOUND : POLICY_DIR_OUTBOUND;
	if (x->c.internet)
		vreason(&v, "Internet address %s connects to %s on %u/%s",
		    addr_fmt(&net->addr, a, sizeof(a)),
		    end_label(vms, b, sizeof(b)), x->s.port,
		    x->f->proto == IPPROTO_UDP ? "udp" : "tcp");
	else
		vreason(&v, "%s reaches Internet address %s on %u/%s",
		    end_label(vms, b, sizeof(b)),
		    addr_fmt(&net->addr, a, sizeof(a)), x->s.port,
		    x->f->proto == IPPROTO_UDP ? "udp" : "tcp");
	raise_flow(pol, x->slot, &v);
	return 1;
}

/*
 * The port-based and protocol-based kinds of a flow between two ends.
 * internet: an exposure was raised (the protocol is not judged again);
 * inet_doc: the rule documenting an Internet client's flow, or NULL.
 */
static void
check_ports(struct policy *pol, struct fctx *x, int internet,
    const struct rule *inet_doc)
{
	struct match m;
	const struct rule *r;
	struct violation v;
	char a[ADDR_STRLEN], b[ADDR_STRLEN];
	int maybe = 0, cam, vmspair, hosts, asdoc;
	uint8_t t = x->f->proto;
	/* The protocol DPI recognised; NULL for guesses and unknowns. */
	const char *pname = x->fam != CLASSIFY_FAM_NONE && x->proto[0] ?
	    x->proto : NULL;

	if (x->cgroup || x->sgroup || (t != IPPROTO_TCP && t != IPPROTO_UDP))
		return;
	match_port(pol, x->sroles, x->croles, t, x->s.port, x->fam, &m);
	/*
	 * UDP has no handshake: when the other end's port documents the
	 * flow, that end is the server (the port heuristic guessed wrong).
	 */
	if (m.allowed == NULL && t == IPPROTO_UDP) {
		struct match rev;

		match_port(pol, x->croles, x->sroles, t, x->c.port, x->fam,
		    &rev);
		if (rev.allowed != NULL)
			m = rev;
	}
	cam = ((x->croles | x->sroles) & pol->camera_roles) != 0;
	hosts = x->c.host != NULL && x->s.host != NULL;
	vmspair = (x->croles & pol->vms_roles) && (x->sroles & pol->vms_roles);

	/*
	 * Local-only: never between two different hosts.  A port the guide
	 * also documents on the wire (LPR 22334 for the event server) is
	 * undocumented for other clients, not local-only.
	 */
	if (m.allowed == NULL && m.local != NULL && m.port_rule == NULL &&
	    addr_cmp(&x->c.addr, &x->s.addr) != 0) {
		vinit(&v, x, POLICY_LOCAL_ONLY_PORT);
		vrule(&v, m.local);
		vreason(&v, "%s reaches %s on %u/%s, a port for local "
		    "connections only", end_label(&x->c, a, sizeof(a)),
		    end_label(&x->s, b, sizeof(b)), x->s.port,
		    rules_transport_name(t));
		raise_flow(pol, x->slot, &v);
		return;
	}

	r = m.allowed != NULL ? m.allowed : inet_doc;
	if (r == NULL && m.port_rule == NULL && vmspair && !cam) {
		r = match_changed(pol, x->sroles, x->croles, t, x->fam,
		    &maybe);
		if (r != NULL)
			m.changed = 1;
	}

	/* Disabled by default and not enabled by the site. */
	if (r != NULL && (r->flags & RULES_F_DISABLED) &&
	    !rule_enabled(pol, r)) {
		vinit(&v, x, POLICY_DISABLED_PORT);
		vrule(&v, r);
		vreason(&v, "%u/%s on %s is disabled by default%s",
		    x->s.port, rules_transport_name(t),
		    end_label(&x->s, b, sizeof(b)),
		    (r->flags & RULES_F_DEPRECATED) ? " and deprecated" : "");
		raise_flow(pol, x->slot, &v);
	}

	/* Undocumented: VMS components outside the tables (cameras: a). */
	if (r == NULL && vmspair && !cam) {
		/*
		 * With no rule for the port, DPI may still show a named
		 * service moved to another port: wait for it.
		 */
		if (maybe && !x->final)
			return;
		vinit(&v, x, POLICY_UNDOCUMENTED_FLOW);
		if (m.port_rule != NULL) {
			vrule(&v, m.port_rule);
			vreason(&v, "%s is not a documented client of %s on "
			    "%u/%s", end_label(&x->c, a, sizeof(a)),
			    end_label(&x->s, b, sizeof(b)), x->s.port,
			    rules_transport_name(t));
		} else {
			vtopo(&v, pol->t_ports, "XP-TOPO-PORTS");
			vreason(&v, "%s reaches %s on %u/%s, a port the guide "
			    "does not document for it",
			    end_label(&x->c, a, sizeof(a)),
			    end_label(&x->s, b, sizeof(b)), x->s.port,
			    rules_transport_name(t));
		}
		raise_flow(pol, x->slot, &v);
	}

	/* The rest needs the protocol: once classification is final. */
	if (!x->final || internet)
		return;
	if (r != NULL && x->fam != CLASSIFY_FAM_NONE && !fam_cleartext(x->fam) &&
	    !proto_compatible(r->protocol, x->fam) && !m.changed) {
		vinit(&v, x, POLICY_PROTOCOL_MISMATCH);
		vrule(&v, r);
		vreason(&v, "%s on %u/%s, documented as %s", x->proto,
		    x->s.port, rules_transport_name(t),
		    rules_proto_name(r->protocol));
		raise_flow(pol, x->slot, &v);
	}
	/*
	 * A cleartext protocol on an undocumented flow is a finding of its
	 * own, unless it is what the port is documented for (HTTP on 9000
	 * from a client the rule does not list: undocumented, not more).
	 */
	asdoc = m.port_rule != NULL && !proto_secure(m.port_rule->protocol) &&
	    !(m.port_rule->flags & RULES_F_CLEARTEXT) &&
	    m.port_rule->protocol != RULES_P_TCP &&
	    proto_compatible(m.port_rule->protocol, x->fam);
	/*
	 * A port documented as cleartext is a finding when it carries its
	 * protocol or one DPI could not name, not when DPI shows another
	 * (TLS or SSH on 80: that is a protocol mismatch).
	 */
	if ((r != NULL && (r->flags & RULES_F_CLEARTEXT) &&
	    (x->fam == CLASSIFY_FAM_NONE || fam_cleartext(x->fam) ||
	    proto_compatible(r->protocol, x->fam))) ||
	    (fam_cleartext(x->fam) && ((r != NULL &&
	    proto_secure(r->protocol)) || cam ||
	    (r == NULL && hosts && !asdoc)))) {
		vinit(&v, x, POLICY_CLEARTEXT);
		if (r != NULL && ((r->flags & RULES_F_CLEARTEXT) ||
		    proto_secure(r->protocol)))
			vrule(&v, r);
		else
			vtopo(&v, pol->t_secure, "XP-TOPO-SECURE");
		if (r != NULL && (r->flags & RULES_F_CLEARTEXT) &&
		    r->secure_alternative != NULL)
			vreason(&v, "cleartext %s to %s on %u/%s; the secure "
			    "variant is %s (%u/%s)", pname ? pname :
			    rules_proto_name(r->protocol),
			    end_label(&x->s, b, sizeof(b)), x->s.port,
			    rules_transport_name(t),
			    rules_proto_name(r->secure_alternative->protocol),
			    r->secure_alternative->port_lo,
			    rules_transport_name(
			    r->secure_alternative->transport));
		else
			vreason(&v, "cleartext %s between %s and %s on %u/%s",
			    pname ? pname : r != NULL ?
			    rules_proto_name(r->protocol) : "protocol",
			    end_label(&x->c, a, sizeof(a)),
			    end_label(&x->s, b, sizeof(b)), x->s.port,
			    rules_transport_name(t));
		raise_flow(pol, x->slot, &v);
	}
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
		vinit(&v, x, POLICY_WEAK_TLS);
		vtopo(&v, pol->t_secure, "XP-TOPO-SECURE");
		v.risk = bits;
		vreason(&v, "weak TLS between %s and %s on %u (see risks)",
		    end_label(&x->c, a, sizeof(a)),
		    end_label(&x->s, b, sizeof(b)), x->s.port);
		raise_flow(pol, x->slot, &v);
	}
	if ((bits = classify_risk_credentials(x->r->risk)) != 0) {
		vinit(&v, x, POLICY_CLEARTEXT_CREDENTIALS);
		vtopo(&v, pol->t_secure, "XP-TOPO-SECURE");
		v.risk = bits;
		vreason(&v, "credentials in clear (%s) from %s to %s on %u",
		    x->proto[0] ? x->proto : "?",
		    end_label(&x->c, a, sizeof(a)),
		    end_label(&x->s, b, sizeof(b)), x->s.port);
		raise_flow(pol, x->slot, &v);
	}
}

void
policy_flow(struct policy *pol, uint32_t slot, const struct flow *f,
    const struct classify_result *r, enum policy_event ev)
{
	const struct rule *inet_doc = NULL;
	struct fctx x;
	int internet;

	if (slot >= pol->nslots)
		return;
	/*
	 * A SYN without answer yet: wait for the answer (or the deadline)
	 * to say established, refused or attempted.
	 */
	if (ev == POLICY_EV_NEW && f->pkts[FLOW_S2C] == 0 &&
	    ((f->proto == IPPROTO_TCP && f->tcp_state == FLOW_TCP_SYN) ||
	    (f->proto == IPPROTO_UDP &&
	    !inventory_is_group(pol->inv, &f->addr[FLOW_S2C]))) &&
	    defer_flow(pol, slot, f->last_ts) == 0)
		return;
	/* Knowing the protocol does not end the wait for the answer. */
	if (ev == POLICY_EV_CLASSIFIED && (pol->flags[slot] & PF_DEFER))
		return;
	pol->flags[slot] &= (uint8_t)~PF_DEFER;
	memset(&x, 0, sizeof(x));
	x.f = f;
	x.r = r;
	x.slot = slot;
	x.ev = ev;
	resolve_end(pol, &x.c, f, FLOW_C2S);
	resolve_end(pol, &x.s, f, FLOW_S2C);
	x.croles = end_roles(&x.c);
	x.sroles = end_roles(&x.s);
	x.cgroup = inventory_is_group(pol->inv, &x.c.addr);
	x.sgroup = inventory_is_group(pol->inv, &x.s.addr);
	x.final = ev == POLICY_EV_END || (r != NULL &&
	    r->state != CLASSIFY_PENDING && r->state != CLASSIFY_NONE);
	x.fam = x.final && r != NULL ? classify_family(r) : CLASSIFY_FAM_NONE;
	if (r != NULL && x.final)
		classify_proto_name(pol->cls, r, x.proto, sizeof(x.proto));

	/* Devices: an end is judged once it has sent something. */
	if (f->pkts[FLOW_C2S] > 0)
		check_device(pol, &x, 0);
	if (f->pkts[FLOW_S2C] > 0)
		check_device(pol, &x, 1);
	check_camera(pol, &x);
	internet = check_internet(pol, &x, &inet_doc);
	/*
	 * An Internet flow that is already an exposure is not judged again
	 * for its protocol; the documented one (the DMZ mobile server's
	 * HTTPS) is, like any other documented flow.
	 */
	check_ports(pol, &x, internet, inet_doc);
	if (x.final)
		check_risks(pol, &x);
}

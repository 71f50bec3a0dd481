/*
 * format.c - alert renderers: text, ECS JSON, RFC 5424 structured data,
 * CEF and LEEF, optionally framed as an RFC 5424 message for the syslog
 * sinks.  A line is built into the caller's buffer with bounds checked at
 * every append; wire strings (host names, SNI, protocol names) go through
 * escape.c for the syntax at hand, and a last pass makes sure no control
 * character is left in the line whatever a string held.
 */
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "communityid.h"
#include "escape.h"
#include "format.h"
#include "isotime.h"
#include "role.h"
#include "strbuf.h"

static const char *const format_names[FORMAT_MAX] = {
	"text", "json", "rfc5424", "cef", "leef"
};

/* CEF and LEEF version field, unless the sink says otherwise. */
#ifndef FORMAT_VERSION
#define FORMAT_VERSION	"0.1.0"
#endif

/*
 * Appends string field s escaped for the line.  Not only wire strings:
 * host, zone and rule names come from site files, which may hold any
 * byte, and the reason quotes them, so every string field goes through
 * here (a quote or a newline in an inventory name used to break the JSON
 * object or split the text line).
 */
static void
put_str(struct strbuf *w, int json, const char *s, size_t max)
{
	strbuf_esc(w, json ? ESCAPE_JSON : ESCAPE_TEXT, 0, s, max);
}

int
format_lookup(const char *name)
{
	int i;

	for (i = 0; i < FORMAT_MAX; i++)
		if (strcmp(format_names[i], name) == 0)
			return i;
	return -1;
}

const char *
format_name(enum format_kind f)
{
	return (unsigned)f < FORMAT_MAX ? format_names[f] : "?";
}

static const char *
transport_name(uint8_t t)
{
	/* 0: an ARP finding, no transport at all. */
	return t == 0 ? "" : decode_transport_name(t);
}

/* An alert's fields are bytes; their names are the policy's. */
static const char *
state_name(uint8_t s)
{
	return policy_state_name((enum policy_state)s);
}

static const char *
direction_name(uint8_t d)
{
	return policy_direction_name((enum policy_direction)d);
}

/* An end in text: "192.0.2.1:443 (ms01 management_server, servers)". */
static void
text_end(struct strbuf *w, const struct alert_end *e, int with_port)
{
	char a[ADDR_STRLEN], roles[256];

	addr_fmt(&e->addr, a, sizeof(a));
	if (with_port)
		strbuf_printf(w, addr_is_v4(&e->addr) ? "%s:%u" : "[%s]:%u", a, e->port);
	else
		strbuf_str(w, a);
	if (e->host[0]) {
		strbuf_str(w, " (");
		put_str(w, 0, e->host, sizeof(e->host));
		strbuf_printf(w, " %s)", role_set_fmt(e->roles, roles, sizeof(roles)));
	} else if (e->internet)
		strbuf_str(w, " (internet)");
	else if (e->zone[0]) {
		strbuf_str(w, " (unknown, zone ");
		put_str(w, 0, e->zone, sizeof(e->zone));
		strbuf_str(w, ")");
	}
}

/* The text line without its newline; stamp: time and severity first. */
static void
format_text(struct strbuf *w, const struct alert *a, int stamp)
{
	char t[40], mac[18];
	int ports = a->transport == IPPROTO_TCP || a->transport == IPPROTO_UDP;

	if (stamp)
		strbuf_printf(w, "%s [%d] ", isotime_fmt(a->ts, t, sizeof(t)),
		    a->severity);
	strbuf_printf(w, "%s ", policy_kind_name(a->kind));
	put_str(w, 0, a->rule_id, sizeof(a->rule_id));
	strbuf_str(w, " ");
	text_end(w, &a->client, ports);
	if (a->kind == POLICY_UNKNOWN_DEVICE && a->client.has_mac)
		strbuf_printf(w, " mac %s", addr_fmt_mac(a->client.mac, mac,
		    sizeof(mac)));
	if (a->transport != 0 || a->kind != POLICY_UNKNOWN_DEVICE) {
		strbuf_str(w, " -> ");
		text_end(w, &a->server, ports);
	}
	if (a->transport)
		strbuf_printf(w, " %s", transport_name(a->transport));
	if (a->protocol[0]) {
		strbuf_str(w, "/");
		put_str(w, 0, a->protocol, sizeof(a->protocol));
	}
	if (a->transport)
		strbuf_printf(w, " %s", state_name(a->state));
	if (a->host_name[0]) {
		strbuf_str(w, " host=");
		put_str(w, 0, a->host_name, sizeof(a->host_name));
	}
	if (a->repeat)
		strbuf_printf(w, " repeated %llu times", (unsigned long long)a->count);
	if (a->kind == POLICY_WEAK_TLS && a->clients > 1)
		strbuf_printf(w, " clients=%u", a->clients);
	strbuf_str(w, ": ");
	put_str(w, 0, a->reason, sizeof(a->reason));
}

/* Whether the alert has a server end (an unknown device by ARP has none). */
static int
has_server(const struct alert *a)
{
	return a->transport != 0 || a->kind != POLICY_UNKNOWN_DEVICE;
}

static int
has_ports(const struct alert *a)
{
	return a->transport == IPPROTO_TCP || a->transport == IPPROTO_UDP;
}

/*
 * The Community ID of the alert's flow, "" for an ARP finding.  ICMP
 * flows carry the request's type << 8 | code as the client "port"
 * (flowtab.h).
 */
static char *
alert_community_id(const struct alert *a, const struct format_opts *o,
    char *buf, size_t len)
{
	uint16_t sp = a->client.port, dp = a->server.port;

	buf[0] = '\0';
	if (a->transport == 0)
		return buf;
	if (a->transport == IPPROTO_ICMP || a->transport == IPPROTO_ICMPV6) {
		sp = (uint16_t)(a->client.port >> 8);
		dp = (uint16_t)(a->client.port & 0xff);
	}
	if (communityid_v1(buf, len, o->community_seed, &a->client.addr,
	    &a->server.addr, a->transport, sp, dp) == -1)
		buf[0] = '\0';
	return buf;
}

/* "<instance>-<number>": unique per alert (ECS event.id). */
static char *
alert_id(const struct alert *a, char *buf, size_t len)
{
	snprintf(buf, len, "%016llx-%llu", (unsigned long long)a->instance,
	    (unsigned long long)a->seq);
	return buf;
}

/*
 * What the wire's host name is, from the protocol nDPI named: the SNI of
 * TLS (and QUIC, DTLS), the Host of HTTP, the question of DNS.  Others
 * (DHCP's client name, NetBIOS) say nothing about the server.
 */
enum host_kind { HOST_OTHER = 0, HOST_SNI, HOST_HTTP, HOST_DNS };

static enum host_kind
host_kind(const char *proto)
{
	static const struct {
		const char *prefix;
		enum host_kind k;
	} t[] = {
		{ "TLS", HOST_SNI }, { "QUIC", HOST_SNI }, { "DTLS", HOST_SNI },
		{ "HTTP", HOST_HTTP }, { "DNS", HOST_DNS },
		{ "MDNS", HOST_DNS }, { "LLMNR", HOST_DNS },
	};
	size_t i, n;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		n = strlen(t[i].prefix);
		/* "TLS", "TLS.Google", not "TLSomething". */
		if (strncmp(proto, t[i].prefix, n) == 0 &&
		    (proto[n] == '\0' || proto[n] == '.' || proto[n] == '_'))
			return t[i].k;
	}
	return HOST_OTHER;
}

static void
json_roles(struct strbuf *w, uint64_t roles)
{
	struct strbuf_list l = { w, 0 };
	int r;

	strbuf_str(w, "[");
	for (r = 0; r < ROLE_COUNT; r++)
		if (roles & ROLE_BIT(r))
			strbuf_json_item(&l, role_name((enum role)r));
	strbuf_str(w, "]");
}

/* ECS MAC form: upper case, hyphens. */
static char *
ecs_mac(const uint8_t *m, char *buf, size_t len)
{
	snprintf(buf, len, "%02X-%02X-%02X-%02X-%02X-%02X", m[0], m[1], m[2],
	    m[3], m[4], m[5]);
	return buf;
}

/* source or destination; domain: the wire's host name, or NULL. */
static void
json_end(struct strbuf *w, const char *name, const struct alert_end *e,
    int ports, const char *domain, size_t dmax)
{
	char a[ADDR_STRLEN], mac[18];

	strbuf_printf(w, ",\"%s\":{\"ip\":\"%s\"", name, addr_fmt(&e->addr, a,
	    sizeof(a)));
	if (ports)
		strbuf_printf(w, ",\"port\":%u", e->port);
	if (e->has_mac)
		strbuf_printf(w, ",\"mac\":\"%s\"", ecs_mac(e->mac, mac, sizeof(mac)));
	if (domain != NULL && domain[0]) {
		strbuf_str(w, ",\"domain\":");
		strbuf_json_str(w, domain, dmax);
	}
	strbuf_str(w, "}");
}

/* The vmswatch view of an end: inventory name, roles, zone. */
static void
json_vw_end(struct strbuf *w, const char *name, const struct alert_end *e)
{
	strbuf_printf(w, "\"%s\":{\"host\":", name);
	if (e->host[0])
		strbuf_json_str(w, e->host, sizeof(e->host));
	else
		strbuf_str(w, "null");
	strbuf_str(w, ",\"roles\":");
	json_roles(w, e->roles);
	strbuf_str(w, ",\"zone\":");
	if (e->zone[0])
		strbuf_json_str(w, e->zone, sizeof(e->zone));
	else
		strbuf_str(w, "null");
	strbuf_printf(w, ",\"internet\":%s}", e->internet ? "true" : "false");
}

/*
 * What one finding stands for, beyond the flow: a protocol nDPI only
 * guessed, the clients of a weak certificate, the media streams of an
 * RTSP session, a scan's counts.
 */
static void
json_findings(struct strbuf *w, const struct alert *a)
{
	struct strbuf_list l = { w, 0 };
	int k;

	if (a->dpi_guessed)
		strbuf_str(w, ",\"dpi\":\"guessed\"");
	if (a->kind == POLICY_WEAK_TLS && a->clients > 0)
		strbuf_printf(w, ",\"clients\":%u", a->clients);
	if (a->streams > 0)
		strbuf_printf(w, ",\"media_streams\":%u", a->streams);
	if (a->kind != POLICY_SCAN)
		return;
	strbuf_printf(w, ",\"scan\":{\"targets\":%u,\"hosts\":%u,\"ports\":%u,"
	    "\"refused\":%u,\"unanswered\":%u,\"kinds\":[", a->scan_targets,
	    a->scan_hosts, a->scan_ports, a->scan_refused, a->scan_unanswered);
	for (k = 0; k < POLICY_KIND_MAX; k++)
		if (a->scan_kinds & (1u << k))
			strbuf_json_item(&l,
			    policy_kind_name((enum policy_kind)k));
	strbuf_str(w, "]}");
}

/* ECS event.type: what kind of event, from the connection's state. */
static const char *
ecs_event_type(const struct alert *a)
{
	if (a->transport == 0)
		return "[\"info\"]";
	switch (a->state) {
	case POLICY_REFUSED:
		return "[\"connection\",\"denied\"]";
	case POLICY_ESTABLISHED:
		return "[\"connection\",\"allowed\"]";
	}
	return "[\"connection\"]";
}

/*
 * The ECS (8.x) document.  ECS names only, but under vmswatch.*: the
 * names the test keeps in tests/ecs_fields.txt.  Times: @timestamp and
 * event.created the packet time of the verdict (when the finding became
 * certain), event.start and event.end the flow's first packet and the
 * packet of the verdict (for a repeat summary, the first and last
 * repeat).
 */
static void
format_json(struct strbuf *w, const struct alert *a, const struct format_opts *o)
{
	char t[40], f[40], l[40], id[48], proto[64], cid[COMMUNITYID_LEN];
	char ip[ADDR_STRLEN], text[FORMAT_TEXT_MAX];
	struct strbuf tw = { text, sizeof(text), 0 };
	int ports = has_ports(a), server = has_server(a);
	enum host_kind hk = host_kind(a->protocol);
	const char *dom = hk == HOST_SNI || hk == HOST_HTTP ? a->host_name :
	    NULL;
	struct strbuf_list ro = { w, 0 };
	size_t i;

	strbuf_printf(w, "{\"@timestamp\":\"%s\",\"ecs\":{\"version\":\"%s\"},"
	    "\"message\":", isotime_fmt(a->ts, t, sizeof(t)),
	    FORMAT_ECS_VERSION);
	/* The human line: the text format without time and severity. */
	format_text(&tw, a, 0);
	if (tw.o >= tw.len)
		w->o = w->len;
	else
		strbuf_json_str(w, text, tw.o);
	strbuf_printf(w, ",\"event\":{\"kind\":\"alert\",\"category\":[\"network\"],"
	    "\"type\":%s,\"module\":\"vmswatch\",\"dataset\":"
	    "\"vmswatch.alert\",\"action\":\"%s\",\"id\":\"%s\","
	    "\"severity\":%d,\"created\":\"%s\",\"start\":\"%s\","
	    "\"end\":\"%s\",\"reason\":", ecs_event_type(a),
	    policy_kind_name(a->kind), alert_id(a, id, sizeof(id)),
	    a->severity, t, isotime_fmt(a->repeat ? a->first_seen :
	    a->flow_start, f, sizeof(f)), isotime_fmt(a->repeat ?
	    a->last_seen : a->ts, l, sizeof(l)));
	strbuf_json_str(w, a->reason, sizeof(a->reason));
	strbuf_str(w, "},\"observer\":{\"hostname\":");
	strbuf_json_str(w, o->observer_hostname, 256);
	strbuf_str(w, ",\"name\":");
	strbuf_json_str(w, o->observer_name != NULL && o->observer_name[0] ?
	    o->observer_name : o->observer_hostname, 256);
	if (o->observer_ip != NULL && o->observer_ip[0]) {
		strbuf_str(w, ",\"ip\":[");
		strbuf_json_str(w, o->observer_ip, ADDR_STRLEN);
		strbuf_str(w, "]");
	}
	strbuf_str(w, ",\"type\":\"sensor\",\"vendor\":");
	strbuf_json_str(w, o->vendor, 256);
	strbuf_str(w, ",\"product\":");
	strbuf_json_str(w, o->product, 256);
	strbuf_str(w, ",\"version\":");
	strbuf_json_str(w, o->version, 256);
	/*
	 * rule.reference is a URL in ECS; the guide's section is a title,
	 * so it goes in rule.category and no reference is written.
	 */
	strbuf_str(w, "},\"rule\":{\"id\":");
	strbuf_json_str(w, a->rule_id, sizeof(a->rule_id));
	strbuf_str(w, ",\"name\":");
	strbuf_json_str(w, a->rule_name, sizeof(a->rule_name));
	if (a->section[0]) {
		strbuf_str(w, ",\"category\":");
		strbuf_json_str(w, a->section, sizeof(a->section));
	}
	strbuf_str(w, ",\"ruleset\":\"xprotect\"}");
	json_end(w, "source", &a->client, ports, NULL, 0);
	if (server)
		json_end(w, "destination", &a->server, ports, dom,
		    sizeof(a->host_name));
	/* network.protocol: the nDPI name in lower case, as ECS wants. */
	for (i = 0; a->protocol[i] && i + 1 < sizeof(proto); i++)
		proto[i] = (char)(a->protocol[i] >= 'A' &&
		    a->protocol[i] <= 'Z' ? a->protocol[i] + 32 :
		    a->protocol[i]);
	proto[i] = '\0';
	strbuf_printf(w, ",\"network\":{\"type\":\"%s\",", addr_is_v4(&a->client.addr) ?
	    "ipv4" : "ipv6");
	if (a->transport)
		strbuf_printf(w, "\"transport\":\"%s\",", transport_name(a->transport));
	strbuf_str(w, "\"protocol\":");
	if (a->transport == 0 && a->kind == POLICY_UNKNOWN_DEVICE && !proto[0])
		strbuf_str(w, "\"arp\"");
	else
		strbuf_json_str(w, proto, sizeof(proto));
	if (alert_community_id(a, o, cid, sizeof(cid))[0])
		strbuf_printf(w, ",\"community_id\":\"%s\"", cid);
	if (a->direction)
		strbuf_printf(w, ",\"direction\":\"%s\"", direction_name(a->direction));
	if (a->vlan)
		strbuf_printf(w, ",\"vlan\":{\"id\":\"%u\"}", a->vlan);
	strbuf_printf(w, "},\"related\":{\"ip\":[\"%s\"", addr_fmt(&a->client.addr, ip,
	    sizeof(ip)));
	if (server && addr_cmp(&a->client.addr, &a->server.addr) != 0)
		strbuf_printf(w, ",\"%s\"", addr_fmt(&a->server.addr, ip, sizeof(ip)));
	strbuf_str(w, "]");
	if (a->client.host[0] || (server && a->server.host[0])) {
		strbuf_str(w, ",\"hosts\":[");
		if (a->client.host[0])
			strbuf_json_str(w, a->client.host,
			    sizeof(a->client.host));
		if (server && a->server.host[0] &&
		    strcmp(a->server.host, a->client.host) != 0) {
			strbuf_str(w, a->client.host[0] ? "," : "");
			strbuf_json_str(w, a->server.host,
			    sizeof(a->server.host));
		}
		strbuf_str(w, "]");
	}
	strbuf_str(w, "}");
	if (a->host_name[0] && hk == HOST_SNI) {
		strbuf_str(w, ",\"tls\":{\"client\":{\"server_name\":");
		strbuf_json_str(w, a->host_name, sizeof(a->host_name));
		strbuf_str(w, "}}");
	} else if (a->host_name[0] && hk == HOST_HTTP) {
		strbuf_str(w, ",\"url\":{\"domain\":");
		strbuf_json_str(w, a->host_name, sizeof(a->host_name));
		strbuf_str(w, "}");
	} else if (a->host_name[0] && hk == HOST_DNS) {
		strbuf_str(w, ",\"dns\":{\"question\":{\"name\":");
		strbuf_json_str(w, a->host_name, sizeof(a->host_name));
		strbuf_str(w, "}}");
	}
	strbuf_str(w, ",\"vmswatch\":{");
	json_vw_end(w, "client", &a->client);
	strbuf_str(w, ",");
	json_vw_end(w, "server", &a->server);
	if (a->section[0]) {
		strbuf_str(w, ",\"section\":");
		strbuf_json_str(w, a->section, sizeof(a->section));
	}
	if (a->nist[0]) {
		strbuf_str(w, ",\"nist\":");
		strbuf_json_str(w, a->nist, sizeof(a->nist));
	}
	if (a->transport)
		strbuf_printf(w, ",\"state\":\"%s\"", state_name(a->state));
	if (a->direction)
		strbuf_printf(w, ",\"direction\":\"%s\"", direction_name(a->direction));
	strbuf_printf(w, ",\"count\":%llu,\"first_seen\":\"%s\",\"last_seen\":\"%s\","
	    "\"repeat\":%s", (unsigned long long)a->count,
	    isotime_fmt(a->first_seen, f, sizeof(f)),
	    isotime_fmt(a->last_seen, l, sizeof(l)),
	    a->repeat ? "true" : "false");
	if (a->risk) {
		strbuf_str(w, ",\"risks\":[");
		classify_risk_foreach(a->risk, strbuf_json_item_cb, &ro);
		strbuf_str(w, "]");
	}
	json_findings(w, a);
	if (a->host_name[0]) {
		strbuf_str(w, ",\"host_name\":");
		strbuf_json_str(w, a->host_name, sizeof(a->host_name));
		/*
		 * JSON cannot carry a byte that is not UTF-8: the string
		 * has U+FFFD for it, and the raw bytes follow in hex.
		 */
		if (!escape_utf8_valid(a->host_name, strnlen(a->host_name,
		    sizeof(a->host_name)))) {
			strbuf_str(w, ",\"host_name_hex\":\"");
			strbuf_hex(w, a->host_name, strnlen(a->host_name,
			    sizeof(a->host_name)));
			strbuf_str(w, "\"");
		}
	}
	strbuf_str(w, "}}");
}

/* Joins the risk names of a into buf with sep. */
struct risk_join {
	char *buf;
	size_t len, o;
	const char *sep;
};

static void
join_risk(int bit, const char *name, void *arg)
{
	struct risk_join *rj = arg;
	int n;

	(void)bit;
	if (rj->o >= rj->len)
		return;
	n = snprintf(rj->buf + rj->o, rj->len - rj->o, "%s%s",
	    rj->o ? rj->sep : "", name);
	rj->o = n < 0 ? rj->len : rj->o + (size_t)n;
}

/* Every nDPI risk name joined fits: some 60 names of under 40 bytes. */
#define RISKS_MAX	4096

static char *
risk_names(uint64_t risk, char *buf, size_t len)
{
	struct risk_join rj = { buf, len, 0, "," };

	buf[0] = '\0';
	if (risk)
		classify_risk_foreach(risk, join_risk, &rj);
	return buf;
}

/* Milliseconds since the epoch from packet time in microseconds. */
static unsigned long long
ms(uint64_t ts)
{
	return (unsigned long long)(ts / 1000);
}

/*
 * RFC 5424 section 6.3.3: one SD-PARAM, its value escaped whatever it is
 * (our own strings too: inventory names are free text).
 */
static void
sd_param(struct strbuf *w, const char *name, const char *v, size_t max)
{
	strbuf_printf(w, " %s=\"", name);
	strbuf_esc(w, ESCAPE_SD, 0, v, max);
	strbuf_str(w, "\"");
}

static void
sd_param_u(struct strbuf *w, const char *name, unsigned long long v)
{
	strbuf_printf(w, " %s=\"%llu\"", name, v);
}

static void
sd_end(struct strbuf *w, const char *id, uint32_t pen, const struct alert_end *e,
    int ports)
{
	char a[ADDR_STRLEN], buf[256];

	strbuf_printf(w, "[%s@%u", id, pen);
	sd_param(w, "ip", addr_fmt(&e->addr, a, sizeof(a)), sizeof(a));
	if (ports)
		sd_param_u(w, "port", e->port);
	if (e->has_mac)
		sd_param(w, "mac", addr_fmt_mac(e->mac, buf, sizeof(buf)),
		    sizeof(buf));
	if (e->host[0])
		sd_param(w, "host", e->host, sizeof(e->host));
	if (e->roles)
		sd_param(w, "roles", role_set_fmt(e->roles, buf, sizeof(buf)),
		    sizeof(buf));
	if (e->zone[0])
		sd_param(w, "zone", e->zone, sizeof(e->zone));
	sd_param_u(w, "internet", e->internet);
	strbuf_str(w, "]");
}

/*
 * The structured data of an alert: alert@PEN, client@PEN, server@PEN,
 * PEN the operator's enterprise number (sink key enterprise).
 */
static void
format_sd(struct strbuf *w, const struct alert *a, const struct format_opts *o)
{
	char t[40], id[48], cid[COMMUNITYID_LEN], risks[RISKS_MAX];
	int ports = has_ports(a);
	uint32_t pen = o->enterprise;

	strbuf_printf(w, "[alert@%u", pen);
	sd_param(w, "id", alert_id(a, id, sizeof(id)), sizeof(id));
	sd_param(w, "kind", policy_kind_name(a->kind), 64);
	sd_param_u(w, "severity", (unsigned)a->severity);
	sd_param(w, "ruleId", a->rule_id, sizeof(a->rule_id));
	sd_param(w, "ruleName", a->rule_name, sizeof(a->rule_name));
	if (a->section[0])
		sd_param(w, "section", a->section, sizeof(a->section));
	if (a->nist[0])
		sd_param(w, "nist", a->nist, sizeof(a->nist));
	if (a->transport) {
		sd_param(w, "transport", transport_name(a->transport), 16);
		sd_param(w, "state", state_name(a->state), 16);
	}
	if (a->protocol[0])
		sd_param(w, "protocol", a->protocol, sizeof(a->protocol));
	if (alert_community_id(a, o, cid, sizeof(cid))[0])
		sd_param(w, "communityId", cid, sizeof(cid));
	if (a->direction)
		sd_param(w, "direction", direction_name(a->direction), 16);
	if (a->vlan)
		sd_param_u(w, "vlan", a->vlan);
	if (a->host_name[0])
		sd_param(w, "hostName", a->host_name, sizeof(a->host_name));
	if (a->risk)
		sd_param(w, "risks", risk_names(a->risk, risks,
		    sizeof(risks)), sizeof(risks));
	if (a->dpi_guessed)
		sd_param(w, "dpi", "guessed", 8);
	if (a->kind == POLICY_WEAK_TLS && a->clients > 0)
		sd_param_u(w, "clients", a->clients);
	if (a->streams > 0)
		sd_param_u(w, "mediaStreams", a->streams);
	if (a->kind == POLICY_SCAN) {
		sd_param_u(w, "scanTargets", a->scan_targets);
		sd_param_u(w, "scanHosts", a->scan_hosts);
		sd_param_u(w, "scanPorts", a->scan_ports);
		sd_param_u(w, "scanRefused", a->scan_refused);
		sd_param_u(w, "scanUnanswered", a->scan_unanswered);
	}
	sd_param_u(w, "count", (unsigned long long)a->count);
	sd_param(w, "flowStart", isotime_fmt(a->flow_start, t, sizeof(t)),
	    sizeof(t));
	sd_param(w, "firstSeen", isotime_fmt(a->first_seen, t, sizeof(t)),
	    sizeof(t));
	sd_param(w, "lastSeen", isotime_fmt(a->last_seen, t, sizeof(t)),
	    sizeof(t));
	sd_param_u(w, "repeat", a->repeat != 0);
	sd_param(w, "sensor", o->observer_name != NULL &&
	    o->observer_name[0] ? o->observer_name : o->observer_hostname,
	    256);
	if (o->observer_ip != NULL && o->observer_ip[0])
		sd_param(w, "sensorIp", o->observer_ip, ADDR_STRLEN);
	strbuf_str(w, "]");
	sd_end(w, "client", pen, &a->client, ports);
	if (has_server(a))
		sd_end(w, "server", pen, &a->server, ports);
}

/* One CEF extension pair, the value escaped; nothing for an empty one. */
static void
cef_kv(struct strbuf *w, const char *key, const char *v, size_t max)
{
	if (v[0] == '\0')
		return;
	strbuf_printf(w, " %s=", key);
	strbuf_esc(w, ESCAPE_CEF_EXT, 0, v, max);
}

static void
cef_label(struct strbuf *w, const char *key, const char *label, const char *v,
    size_t max)
{
	if (v[0] == '\0')
		return;
	strbuf_printf(w, " %sLabel=%s", key, label);
	cef_kv(w, key, v, max);
}

static void
cef_header_field(struct strbuf *w, const char *v, size_t max)
{
	strbuf_esc(w, ESCAPE_CEF_HEADER, 0, v, max);
	strbuf_str(w, "|");
}

/*
 * An address in CEF: src, dst and dvc hold IPv4 only (ArcSight's
 * IPv4 address type), so an IPv6 address goes to the custom IPv6 field
 * with its label (c6a2 the source, c6a3 the destination, c6a1 the
 * device).
 */
static void
cef_addr(struct strbuf *w, const char *v4key, const char *v6key,
    const char *label, const struct addr *a)
{
	char ip[ADDR_STRLEN];

	addr_fmt(a, ip, sizeof(ip));
	if (addr_is_v4(a))
		strbuf_printf(w, " %s=%s", v4key, ip);
	else
		strbuf_printf(w, " %sLabel=%s %s=%s", v6key, label, v6key, ip);
}

/*
 * CEF:0|vendor|product|version|signature id|name|severity|extension, the
 * signature id the rule and the kind ("XP-MS-0080:cleartext": one rule
 * may raise several kinds), the name the rule's whole text, the severity
 * the alert's own 0..10.
 */
static void
format_cef(struct strbuf *w, const struct alert *a, const struct format_opts *o)
{
	char mac[18], buf[RISKS_MAX], id[48], cid[COMMUNITYID_LEN];
	struct addr dvc;
	int ports = has_ports(a), server = has_server(a);
	int sev = a->severity < 0 ? 0 : a->severity > 10 ? 10 : a->severity;
	size_t i;

	strbuf_str(w, "CEF:0|");
	cef_header_field(w, o->vendor, 256);
	cef_header_field(w, o->product, 256);
	cef_header_field(w, o->version, 256);
	snprintf(buf, sizeof(buf), "%s:%s", a->rule_id,
	    policy_kind_name(a->kind));
	cef_header_field(w, buf, sizeof(buf));
	if (a->rule_name[0])
		cef_header_field(w, a->rule_name, sizeof(a->rule_name));
	else
		cef_header_field(w, policy_kind_name(a->kind), 64);
	/* The extension follows the severity without a leading space. */
	strbuf_printf(w, "%d|rt=%llu", sev, ms(a->ts));
	/* cat is deviceEventCategory. */
	cef_kv(w, "cat", policy_kind_name(a->kind), 64);
	cef_kv(w, "act", "alert", 8);
	cef_kv(w, "externalId", alert_id(a, id, sizeof(id)), sizeof(id));
	cef_kv(w, "dvchost", o->observer_name != NULL && o->observer_name[0] ?
	    o->observer_name : o->observer_hostname, 256);
	if (o->observer_ip != NULL && addr_parse(o->observer_ip, &dvc) == 0)
		cef_addr(w, "dvc", "c6a1", "Device IPv6 Address", &dvc);
	cef_addr(w, "src", "c6a2", "Source IPv6 Address", &a->client.addr);
	if (ports)
		strbuf_printf(w, " spt=%u", a->client.port);
	if (server) {
		cef_addr(w, "dst", "c6a3", "Destination IPv6 Address",
		    &a->server.addr);
		if (ports)
			strbuf_printf(w, " dpt=%u", a->server.port);
	}
	if (a->transport) {
		snprintf(buf, sizeof(buf), "%s", transport_name(a->transport));
		for (i = 0; buf[i]; i++)
			if (buf[i] >= 'a' && buf[i] <= 'z')
				buf[i] = (char)(buf[i] - 32);
		cef_kv(w, "proto", buf, sizeof(buf));
	}
	cef_kv(w, "app", a->protocol, sizeof(a->protocol));
	if (a->client.has_mac)
		cef_kv(w, "smac", addr_fmt_mac(a->client.mac, mac,
		    sizeof(mac)), sizeof(mac));
	if (server && a->server.has_mac)
		cef_kv(w, "dmac", addr_fmt_mac(a->server.mac, mac,
		    sizeof(mac)), sizeof(mac));
	cef_kv(w, "shost", a->client.host, sizeof(a->client.host));
	if (server)
		cef_kv(w, "dhost", a->server.host, sizeof(a->server.host));
	if (a->transport)
		cef_kv(w, "outcome", state_name(a->state), 16);
	if (a->direction)
		strbuf_printf(w, " deviceDirection=%d",
		    a->direction == POLICY_DIR_OUTBOUND);
	strbuf_printf(w, " cnt=%llu start=%llu end=%llu",
	    (unsigned long long)a->count, ms(a->first_seen),
	    ms(a->last_seen));
	cef_label(w, "cs1", "hostName", a->host_name, sizeof(a->host_name));
	cef_label(w, "cs2", "clientRoles", a->client.roles ?
	    role_set_fmt(a->client.roles, buf, sizeof(buf)) : "",
	    sizeof(buf));
	cef_label(w, "cs3", "serverRoles", server && a->server.roles ?
	    role_set_fmt(a->server.roles, buf, sizeof(buf)) : "",
	    sizeof(buf));
	cef_label(w, "cs4", "section", a->section, sizeof(a->section));
	cef_label(w, "cs5", "nist", a->nist, sizeof(a->nist));
	cef_label(w, "cs6", "risks", risk_names(a->risk, buf, sizeof(buf)),
	    sizeof(buf));
	cef_label(w, "flexString1", "communityId",
	    alert_community_id(a, o, cid, sizeof(cid)), sizeof(cid));
	if (a->vlan)
		strbuf_printf(w, " cn1Label=vlan cn1=%u", a->vlan);
	strbuf_printf(w, " cn2Label=repeat cn2=%d", a->repeat != 0);
	/* msg last: the longest value, and the one readers show. */
	cef_kv(w, "msg", a->reason, sizeof(a->reason));
}

static void
leef_kv(struct strbuf *w, char d, const char *key, const char *v, size_t max)
{
	if (v[0] == '\0')
		return;
	strbuf_printf(w, "%c%s=", d, key);
	strbuf_esc(w, ESCAPE_LEEF, d, v, max);
}

static void
leef_end(struct strbuf *w, char d, const char *pfx, const struct alert_end *e)
{
	char key[32], buf[256];

	snprintf(key, sizeof(key), "%sHost", pfx);
	leef_kv(w, d, key, e->host, sizeof(e->host));
	snprintf(key, sizeof(key), "%sRoles", pfx);
	leef_kv(w, d, key, e->roles ? role_set_fmt(e->roles, buf,
	    sizeof(buf)) : "", sizeof(buf));
	snprintf(key, sizeof(key), "%sZone", pfx);
	leef_kv(w, d, key, e->zone, sizeof(e->zone));
}

/*
 * LEEF:2.0|vendor|product|version|event id|delimiter|attributes, the
 * event id the violation kind and sev the alert's severity in 1..10.  A
 * printable delimiter is written as itself in the header, another (a
 * tab) as "xHH", as the LEEF 2.0 guide allows.  devTime has milliseconds,
 * the precision devTimeFormat (Java's SimpleDateFormat) can say; the
 * microseconds are in no attribute.  identSrc and identHostName bind the
 * client's address to its inventory name, for QRadar's asset identity.
 */
static void
format_leef(struct strbuf *w, const struct alert *a, const struct format_opts *o)
{
	char ip[ADDR_STRLEN], mac[18], t[40], buf[RISKS_MAX], id[48];
	char cid[COMMUNITYID_LEN];
	int ports = has_ports(a), server = has_server(a);
	int sev = a->severity < 1 ? 1 : a->severity > 10 ? 10 : a->severity;
	char d = o->leef_delim;

	strbuf_str(w, "LEEF:2.0|");
	cef_header_field(w, o->vendor, 256);
	cef_header_field(w, o->product, 256);
	cef_header_field(w, o->version, 256);
	cef_header_field(w, policy_kind_name(a->kind), 64);
	if (d > ' ' && d < 0x7f)
		strbuf_printf(w, "%c|", d);
	else
		strbuf_printf(w, "x%02x|", (unsigned char)d);
	/* ISO 8601 with milliseconds: cut isotime_fmt()'s microseconds. */
	isotime_fmt(a->ts, t, sizeof(t));
	memmove(t + 23, t + 26, strlen(t + 26) + 1);
	strbuf_printf(w, "devTime=%s%cdevTimeFormat=yyyy-MM-dd'T'HH:mm:ss.SSSX", t, d);
	leef_kv(w, d, "cat", policy_kind_name(a->kind), 64);
	strbuf_printf(w, "%csev=%d", d, sev);
	leef_kv(w, d, "src", addr_fmt(&a->client.addr, ip, sizeof(ip)),
	    sizeof(ip));
	if (ports)
		strbuf_printf(w, "%csrcPort=%u", d, a->client.port);
	if (server) {
		leef_kv(w, d, "dst", addr_fmt(&a->server.addr, ip,
		    sizeof(ip)), sizeof(ip));
		if (ports)
			strbuf_printf(w, "%cdstPort=%u", d, a->server.port);
	}
	if (a->transport)
		leef_kv(w, d, "proto", transport_name(a->transport), 16);
	if (a->client.has_mac)
		leef_kv(w, d, "srcMAC", addr_fmt_mac(a->client.mac, mac,
		    sizeof(mac)), sizeof(mac));
	if (server && a->server.has_mac)
		leef_kv(w, d, "dstMAC", addr_fmt_mac(a->server.mac, mac,
		    sizeof(mac)), sizeof(mac));
	if (a->client.host[0]) {
		leef_kv(w, d, "identSrc", addr_fmt(&a->client.addr, ip,
		    sizeof(ip)), sizeof(ip));
		leef_kv(w, d, "identHostName", a->client.host,
		    sizeof(a->client.host));
	}
	leef_kv(w, d, "alertId", alert_id(a, id, sizeof(id)), sizeof(id));
	leef_kv(w, d, "sensor", o->observer_name != NULL &&
	    o->observer_name[0] ? o->observer_name : o->observer_hostname,
	    256);
	leef_kv(w, d, "ruleId", a->rule_id, sizeof(a->rule_id));
	leef_kv(w, d, "ruleName", a->rule_name, sizeof(a->rule_name));
	leef_kv(w, d, "section", a->section, sizeof(a->section));
	leef_kv(w, d, "nist", a->nist, sizeof(a->nist));
	leef_kv(w, d, "protocol", a->protocol, sizeof(a->protocol));
	leef_kv(w, d, "communityId", alert_community_id(a, o, cid,
	    sizeof(cid)), sizeof(cid));
	if (a->transport)
		leef_kv(w, d, "state", state_name(a->state), 16);
	leef_kv(w, d, "direction", direction_name(a->direction), 16);
	if (a->vlan)
		strbuf_printf(w, "%cvlan=%u", d, a->vlan);
	leef_kv(w, d, "hostName", a->host_name, sizeof(a->host_name));
	leef_end(w, d, "client", &a->client);
	if (server)
		leef_end(w, d, "server", &a->server);
	leef_kv(w, d, "risks", risk_names(a->risk, buf, sizeof(buf)),
	    sizeof(buf));
	if (a->dpi_guessed)
		leef_kv(w, d, "dpi", "guessed", 8);
	if (a->kind == POLICY_WEAK_TLS && a->clients > 0)
		strbuf_printf(w, "%cclients=%u", d, a->clients);
	if (a->streams > 0)
		strbuf_printf(w, "%cmediaStreams=%u", d, a->streams);
	if (a->kind == POLICY_SCAN)
		strbuf_printf(w, "%cscanTargets=%u%cscanHosts=%u%cscanPorts=%u",
		    d, a->scan_targets, d, a->scan_hosts, d, a->scan_ports);
	strbuf_printf(w, "%ccount=%llu%crepeat=%d", d, (unsigned long long)a->count, d,
	    a->repeat != 0);
	leef_kv(w, d, "reason", a->reason, sizeof(a->reason));
}

/*
 * An RFC 5424 header field: printable US-ASCII but space, at most max
 * characters, "-" when empty (section 6.2: NILVALUE).
 */
static void
hdr_field(struct strbuf *w, const char *v, size_t max)
{
	char f[256];
	size_t i;

	if (v == NULL || v[0] == '\0') {
		strbuf_str(w, " -");
		return;
	}
	for (i = 0; v[i] && i < max && i + 1 < sizeof(f); i++)
		f[i] = v[i] > ' ' && v[i] < 0x7f ? v[i] : '_';
	f[i] = '\0';
	strbuf_printf(w, " %s", f);
}

static char format_host[256];
static pthread_once_t format_host_once = PTHREAD_ONCE_INIT;

static void
format_host_init(void)
{
	if (gethostname(format_host, sizeof(format_host) - 1) != 0 ||
	    format_host[0] == '\0')
		snprintf(format_host, sizeof(format_host), "localhost");
}

const char *
format_hostname(void)
{
	pthread_once(&format_host_once, format_host_init);
	return format_host;
}

void
format_opts_defaults(struct format_opts *o)
{
	static const uint8_t sevmap[FORMAT_SEVERITIES] = {
		6, 6, 6, 5, 5, 4, 4, 3, 2, 2, 2
	};

	memset(o, 0, sizeof(*o));
	o->newline = 1;
	o->facility = 21;	/* local5 */
	memcpy(o->sevmap, sevmap, sizeof(sevmap));
	o->enterprise = FORMAT_ENTERPRISE;
	o->app_name = "vmswatch";
	o->vendor = "vmswatch";
	o->product = "vmswatch";
	o->version = FORMAT_VERSION;
	o->leef_delim = '^';
	o->observer_hostname = format_hostname();
}

int
format_syslog_severity(const struct format_opts *o, int sev)
{
	if (sev < 0)
		sev = 0;
	if (sev >= FORMAT_SEVERITIES)
		sev = FORMAT_SEVERITIES - 1;
	return o->sevmap[sev] & 7;
}

int
format_alert_opts(char *buf, size_t len, enum format_kind f,
    const struct alert *a, const struct format_opts *o)
{
	struct strbuf w = { buf, len, 0 };
	char t[40];
	size_t i, body;

	if (len == 0)
		return -1;
	if (o->header) {
		/* RFC 5424 section 6: PRI VERSION SP TIMESTAMP SP HOSTNAME
		 * SP APP-NAME SP PROCID SP MSGID SP STRUCTURED-DATA. */
		strbuf_printf(&w, "<%d>1 %s", (o->facility & 31) * 8 +
		    format_syslog_severity(o, a->severity),
		    isotime_fmt(a->ts, t, sizeof(t)));
		hdr_field(&w, o->hostname, 255);
		hdr_field(&w, o->app_name, 48);
		hdr_field(&w, o->procid, 128);
		hdr_field(&w, policy_kind_name(a->kind), 32);
		strbuf_str(&w, " ");
		if (f != FORMAT_RFC5424)
			strbuf_str(&w, "- ");
	}
	body = w.o;
	switch (f) {
	case FORMAT_JSON:
		format_json(&w, a, o);
		break;
	case FORMAT_RFC5424:
		format_sd(&w, a, o);
		strbuf_str(&w, " ");
		format_text(&w, a, 0);
		break;
	case FORMAT_CEF:
		format_cef(&w, a, o);
		break;
	case FORMAT_LEEF:
		format_leef(&w, a, o);
		break;
	default:
		format_text(&w, a, !o->header);
	}
	if (w.o >= len)
		return -1;
	/*
	 * Every wire string was escaped above; strings from the inventory
	 * and the rules are free text too, so nothing that could end or
	 * forge a line is let through whatever a string held.
	 */
	for (i = body; i < w.o; i++)
		if (((unsigned char)buf[i] < 0x20 || buf[i] == 0x7f) &&
		    !(f == FORMAT_LEEF && buf[i] == o->leef_delim))
			buf[i] = ' ';
	if (o->newline)
		strbuf_str(&w, "\n");
	if (w.o >= len)
		return -1;
	return (int)w.o;
}

int
format_alert(char *buf, size_t len, enum format_kind f, const struct alert *a)
{
	struct format_opts o;

	format_opts_defaults(&o);
	return format_alert_opts(buf, len, f, a, &o);
}

/*
 * format.c - alert renderers: text, ECS JSON, RFC 5424 structured data,
 * CEF and LEEF, optionally framed as an RFC 5424 message for the syslog
 * sinks.  A line is built into the caller's buffer with bounds checked at
 * every append; wire strings (host names, SNI, protocol names) go through
 * escape.c for the syntax at hand, and a last pass makes sure no control
 * character is left in the line whatever a string held.
 */
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "escape.h"
#include "format.h"
#include "isotime.h"
#include "role.h"

static const char *const format_names[FORMAT_MAX] = {
	"text", "json", "rfc5424", "cef", "leef"
};

/* CEF and LEEF version field, unless the sink says otherwise. */
#ifndef FORMAT_VERSION
#define FORMAT_VERSION	"0.1.0"
#endif

/* Room for the longest alert string (reason, 200) escaped 5 bytes a byte. */
#define ESC_MAX	1024

struct out {
	char *buf;
	size_t len, o;
};

static void
put(struct out *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
put(struct out *w, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (w->o >= w->len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(w->buf + w->o, w->len - w->o, fmt, ap);
	va_end(ap);
	w->o = n < 0 ? w->len : w->o + (size_t)n;
}

/*
 * Appends string field s (at most max bytes of it) escaped for the line.
 * Not only wire strings: host, zone and rule names come from site files,
 * which may hold any byte, and the reason quotes them, so every string
 * field goes through here (a quote or a newline in an inventory name used
 * to break the JSON object or split the text line).  The buffer holds the
 * longest field (reason, 200 bytes) at six bytes per input byte.
 */
static void
put_str(struct out *w, int json, const char *s, size_t max)
{
	char esc[200 * 6 + 1];

	if (json)
		escape_json(esc, sizeof(esc), s, strnlen(s, max));
	else
		escape_text(esc, sizeof(esc), s, strnlen(s, max));
	put(w, "%s", esc);
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
	const char *n = decode_proto_name(t);

	/* 0: an ARP finding, no transport at all. */
	return t == 0 ? "" : n != NULL ? n : "ip";
}

static const char *
state_name(uint8_t s)
{
	switch (s) {
	case POLICY_ESTABLISHED:
		return "established";
	case POLICY_REFUSED:
		return "refused";
	}
	return "attempted";
}

static const char *
direction_name(uint8_t d)
{
	switch (d) {
	case POLICY_DIR_INBOUND:
		return "inbound";
	case POLICY_DIR_OUTBOUND:
		return "outbound";
	}
	return "";
}

/* An end in text: "192.0.2.1:443 (ms01 management_server, servers)". */
static void
text_end(struct out *w, const struct alert_end *e, int with_port)
{
	char a[ADDR_STRLEN], roles[256];

	addr_fmt(&e->addr, a, sizeof(a));
	if (with_port)
		put(w, addr_is_v4(&e->addr) ? "%s:%u" : "[%s]:%u", a, e->port);
	else
		put(w, "%s", a);
	if (e->host[0]) {
		put(w, " (");
		put_str(w, 0, e->host, sizeof(e->host));
		put(w, " %s)", role_set_fmt(e->roles, roles, sizeof(roles)));
	} else if (e->internet)
		put(w, " (internet)");
	else if (e->zone[0]) {
		put(w, " (unknown, zone ");
		put_str(w, 0, e->zone, sizeof(e->zone));
		put(w, ")");
	}
}

/* The text line without its newline; stamp: time and severity first. */
static void
format_text(struct out *w, const struct alert *a, int stamp)
{
	char t[40], mac[18], esc[CLASSIFY_HOST_MAX * 4 + 1];
	int ports = a->transport == IPPROTO_TCP || a->transport == IPPROTO_UDP;

	if (stamp)
		put(w, "%s [%d] ", isotime_fmt(a->ts, t, sizeof(t)),
		    a->severity);
	put(w, "%s ", policy_kind_name(a->kind));
	put_str(w, 0, a->rule_id, sizeof(a->rule_id));
	put(w, " ");
	text_end(w, &a->client, ports);
	if (a->kind == POLICY_UNKNOWN_DEVICE && a->client.has_mac)
		put(w, " mac %s", addr_fmt_mac(a->client.mac, mac,
		    sizeof(mac)));
	if (a->transport != 0 || a->kind != POLICY_UNKNOWN_DEVICE) {
		put(w, " -> ");
		text_end(w, &a->server, ports);
	}
	if (a->transport)
		put(w, " %s", transport_name(a->transport));
	if (a->protocol[0]) {
		put(w, "/");
		put_str(w, 0, a->protocol, sizeof(a->protocol));
	}
	if (a->transport)
		put(w, " %s", state_name(a->state));
	if (a->host_name[0]) {
		escape_text(esc, sizeof(esc), a->host_name,
		    strnlen(a->host_name, sizeof(a->host_name)));
		put(w, " host=%s", esc);
	}
	if (a->repeat)
		put(w, " repeated %llu times", (unsigned long long)a->count);
	put(w, ": ");
	put_str(w, 0, a->reason, sizeof(a->reason));
}

static void
json_roles(struct out *w, uint64_t roles)
{
	int r, n = 0;

	put(w, "[");
	for (r = 0; r < ROLE_COUNT; r++)
		if (roles & ROLE_BIT(r))
			put(w, "%s\"%s\"", n++ ? "," : "",
			    role_name((enum role)r));
	put(w, "]");
}

/* ECS MAC form: upper case, hyphens. */
static char *
ecs_mac(const uint8_t *m, char *buf, size_t len)
{
	snprintf(buf, len, "%02X-%02X-%02X-%02X-%02X-%02X", m[0], m[1], m[2],
	    m[3], m[4], m[5]);
	return buf;
}

static void
json_end(struct out *w, const char *name, const struct alert_end *e,
    int ports)
{
	char a[ADDR_STRLEN], mac[18];

	put(w, ",\"%s\":{\"ip\":\"%s\"", name, addr_fmt(&e->addr, a,
	    sizeof(a)));
	if (ports)
		put(w, ",\"port\":%u", e->port);
	if (e->has_mac)
		put(w, ",\"mac\":\"%s\"", ecs_mac(e->mac, mac, sizeof(mac)));
	put(w, "}");
}

/* The vmswatch view of an end: inventory name, roles, zone. */
static void
json_vw_end(struct out *w, const char *name, const struct alert_end *e)
{
	put(w, "\"%s\":{\"host\":", name);
	if (e->host[0]) {
		put(w, "\"");
		put_str(w, 1, e->host, sizeof(e->host));
		put(w, "\"");
	} else
		put(w, "null");
	put(w, ",\"roles\":");
	json_roles(w, e->roles);
	put(w, ",\"zone\":");
	if (e->zone[0]) {
		put(w, "\"");
		put_str(w, 1, e->zone, sizeof(e->zone));
		put(w, "\"");
	} else
		put(w, "null");
	put(w, ",\"internet\":%s}", e->internet ? "true" : "false");
}

struct risk_out {
	struct out *w;
	int n;
};

static void
json_risk(int bit, const char *name, void *arg)
{
	struct risk_out *ro = arg;
	char esc[256];

	(void)bit;
	escape_json(esc, sizeof(esc), name, strlen(name));
	put(ro->w, "%s\"%s\"", ro->n++ ? "," : "", esc);
}

static void
format_json(struct out *w, const struct alert *a)
{
	char t[40], f[40], l[40], esc[ESC_MAX * 2], proto[64];
	int ports = a->transport == IPPROTO_TCP || a->transport == IPPROTO_UDP;
	struct risk_out ro = { w, 0 };
	size_t i;

	put(w, "{\"@timestamp\":\"%s\",\"event\":{\"kind\":\"alert\","
	    "\"category\":[\"network\"],\"dataset\":\"vmswatch.alert\","
	    "\"action\":\"%s\",\"severity\":%d,\"reason\":\"",
	    isotime_fmt(a->ts, t, sizeof(t)), policy_kind_name(a->kind),
	    a->severity);
	put_str(w, 1, a->reason, sizeof(a->reason));
	put(w, "\"},\"rule\":{\"id\":\"");
	put_str(w, 1, a->rule_id, sizeof(a->rule_id));
	put(w, "\",\"name\":\"");
	put_str(w, 1, a->rule_name, sizeof(a->rule_name));
	put(w, "\",\"reference\":\"");
	put_str(w, 1, a->section, sizeof(a->section));
	if (a->nist[0]) {
		put(w, "; NIST SP 800-53 ");
		put_str(w, 1, a->nist, sizeof(a->nist));
	}
	put(w, "\",\"ruleset\":\"xprotect\"}");
	json_end(w, "source", &a->client, ports);
	if (a->transport != 0 || a->kind != POLICY_UNKNOWN_DEVICE)
		json_end(w, "destination", &a->server, ports);
	/* network.protocol: the nDPI name in lower case, as ECS wants. */
	for (i = 0; a->protocol[i] && i + 1 < sizeof(proto); i++)
		proto[i] = (char)(a->protocol[i] >= 'A' &&
		    a->protocol[i] <= 'Z' ? a->protocol[i] + 32 :
		    a->protocol[i]);
	proto[i] = '\0';
	put(w, ",\"network\":{");
	if (a->transport)
		put(w, "\"transport\":\"%s\",", transport_name(a->transport));
	put(w, "\"protocol\":\"");
	if (a->transport == 0 && a->kind == POLICY_UNKNOWN_DEVICE && !proto[0])
		put(w, "arp");
	else
		put_str(w, 1, proto, sizeof(proto));
	put(w, "\"");
	if (a->vlan)
		put(w, ",\"vlan\":{\"id\":%u}", a->vlan);
	put(w, "},\"vmswatch\":{");
	json_vw_end(w, "client", &a->client);
	put(w, ",");
	json_vw_end(w, "server", &a->server);
	if (a->transport)
		put(w, ",\"state\":\"%s\"", state_name(a->state));
	if (a->direction)
		put(w, ",\"direction\":\"%s\"", direction_name(a->direction));
	put(w, ",\"count\":%llu,\"first_seen\":\"%s\",\"last_seen\":\"%s\","
	    "\"repeat\":%s", (unsigned long long)a->count,
	    isotime_fmt(a->first_seen, f, sizeof(f)),
	    isotime_fmt(a->last_seen, l, sizeof(l)),
	    a->repeat ? "true" : "false");
	if (a->risk) {
		put(w, ",\"risks\":[");
		classify_risk_foreach(a->risk, json_risk, &ro);
		put(w, "]");
	}
	if (a->host_name[0]) {
		escape_json(esc, sizeof(esc), a->host_name,
		    strnlen(a->host_name, sizeof(a->host_name)));
		put(w, ",\"host_name\":\"%s\"", esc);
	}
	put(w, "}}");
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
sd_param(struct out *w, const char *name, const char *v)
{
	char esc[ESC_MAX];

	escape_sd(esc, sizeof(esc), v, strlen(v));
	put(w, " %s=\"%s\"", name, esc);
}

static void
sd_param_u(struct out *w, const char *name, unsigned long long v)
{
	put(w, " %s=\"%llu\"", name, v);
}

static void
sd_end(struct out *w, const char *id, uint32_t pen, const struct alert_end *e,
    int ports)
{
	char a[ADDR_STRLEN], buf[256];

	put(w, "[%s@%u", id, pen);
	sd_param(w, "ip", addr_fmt(&e->addr, a, sizeof(a)));
	if (ports)
		sd_param_u(w, "port", e->port);
	if (e->has_mac)
		sd_param(w, "mac", addr_fmt_mac(e->mac, buf, sizeof(buf)));
	if (e->host[0])
		sd_param(w, "host", e->host);
	if (e->roles)
		sd_param(w, "roles", role_set_fmt(e->roles, buf, sizeof(buf)));
	if (e->zone[0])
		sd_param(w, "zone", e->zone);
	sd_param_u(w, "internet", e->internet);
	put(w, "]");
}

/* The structured data of an alert: alert@PEN, client@PEN, server@PEN. */
static void
format_sd(struct out *w, const struct alert *a, uint32_t pen)
{
	char t[40], risks[512];
	int ports = a->transport == IPPROTO_TCP || a->transport == IPPROTO_UDP;

	put(w, "[alert@%u", pen);
	sd_param(w, "kind", policy_kind_name(a->kind));
	sd_param_u(w, "severity", (unsigned)a->severity);
	sd_param(w, "ruleId", a->rule_id);
	sd_param(w, "ruleName", a->rule_name);
	if (a->section[0])
		sd_param(w, "section", a->section);
	if (a->nist[0])
		sd_param(w, "nist", a->nist);
	if (a->transport) {
		sd_param(w, "transport", transport_name(a->transport));
		sd_param(w, "state", state_name(a->state));
	}
	if (a->protocol[0])
		sd_param(w, "protocol", a->protocol);
	if (a->direction)
		sd_param(w, "direction", direction_name(a->direction));
	if (a->vlan)
		sd_param_u(w, "vlan", a->vlan);
	if (a->host_name[0])
		sd_param(w, "hostName", a->host_name);
	if (a->risk)
		sd_param(w, "risks", risk_names(a->risk, risks,
		    sizeof(risks)));
	sd_param_u(w, "count", (unsigned long long)a->count);
	sd_param(w, "firstSeen", isotime_fmt(a->first_seen, t, sizeof(t)));
	sd_param(w, "lastSeen", isotime_fmt(a->last_seen, t, sizeof(t)));
	sd_param_u(w, "repeat", a->repeat != 0);
	put(w, "]");
	sd_end(w, "client", pen, &a->client, ports);
	if (a->transport != 0 || a->kind != POLICY_UNKNOWN_DEVICE)
		sd_end(w, "server", pen, &a->server, ports);
}

/* One CEF extension pair, the value escaped; nothing for an empty one. */
static void
cef_kv(struct out *w, const char *key, const char *v)
{
	char esc[ESC_MAX];

	if (v[0] == '\0')
		return;
	escape_cef_ext(esc, sizeof(esc), v, strlen(v));
	put(w, " %s=%s", key, esc);
}

static void
cef_label(struct out *w, const char *key, const char *label, const char *v)
{
	if (v[0] == '\0')
		return;
	put(w, " %sLabel=%s", key, label);
	cef_kv(w, key, v);
}

static void
cef_header_field(struct out *w, const char *v)
{
	char esc[ESC_MAX];

	escape_cef_header(esc, sizeof(esc), v, strlen(v));
	put(w, "%s|", esc);
}

/*
 * CEF:0|vendor|product|version|rule id|name|severity|extension, the
 * severity the alert's own 0..10.
 */
static void
format_cef(struct out *w, const struct alert *a, const struct format_opts *o)
{
	char ip[ADDR_STRLEN], mac[18], buf[512];
	int ports = a->transport == IPPROTO_TCP || a->transport == IPPROTO_UDP;
	int server = a->transport != 0 || a->kind != POLICY_UNKNOWN_DEVICE;
	int sev = a->severity < 0 ? 0 : a->severity > 10 ? 10 : a->severity;
	size_t i;

	put(w, "CEF:0|");
	cef_header_field(w, o->vendor);
	cef_header_field(w, o->product);
	cef_header_field(w, o->version);
	cef_header_field(w, a->rule_id);
	cef_header_field(w, a->rule_name[0] ? a->rule_name :
	    policy_kind_name(a->kind));
	/* The extension follows the severity without a leading space. */
	put(w, "%d|rt=%llu", sev, ms(a->ts));
	cef_kv(w, "cat", policy_kind_name(a->kind));
	cef_kv(w, "act", "alert");
	cef_kv(w, "src", addr_fmt(&a->client.addr, ip, sizeof(ip)));
	if (ports)
		put(w, " spt=%u", a->client.port);
	if (server) {
		cef_kv(w, "dst", addr_fmt(&a->server.addr, ip, sizeof(ip)));
		if (ports)
			put(w, " dpt=%u", a->server.port);
	}
	if (a->transport) {
		snprintf(buf, sizeof(buf), "%s", transport_name(a->transport));
		for (i = 0; buf[i]; i++)
			if (buf[i] >= 'a' && buf[i] <= 'z')
				buf[i] = (char)(buf[i] - 32);
		cef_kv(w, "proto", buf);
	}
	cef_kv(w, "app", a->protocol);
	if (a->client.has_mac)
		cef_kv(w, "smac", addr_fmt_mac(a->client.mac, mac,
		    sizeof(mac)));
	if (server && a->server.has_mac)
		cef_kv(w, "dmac", addr_fmt_mac(a->server.mac, mac,
		    sizeof(mac)));
	cef_kv(w, "shost", a->client.host);
	if (server)
		cef_kv(w, "dhost", a->server.host);
	if (a->transport)
		cef_kv(w, "outcome", state_name(a->state));
	if (a->direction)
		put(w, " deviceDirection=%d",
		    a->direction == POLICY_DIR_OUTBOUND);
	put(w, " cnt=%llu start=%llu end=%llu",
	    (unsigned long long)a->count, ms(a->first_seen),
	    ms(a->last_seen));
	cef_label(w, "cs1", "hostName", a->host_name);
	cef_label(w, "cs2", "clientRoles", a->client.roles ?
	    role_set_fmt(a->client.roles, buf, sizeof(buf)) : "");
	cef_label(w, "cs3", "serverRoles", server && a->server.roles ?
	    role_set_fmt(a->server.roles, buf, sizeof(buf)) : "");
	cef_label(w, "cs4", "section", a->section);
	cef_label(w, "cs5", "nist", a->nist);
	cef_label(w, "cs6", "risks", risk_names(a->risk, buf, sizeof(buf)));
	if (a->vlan)
		put(w, " cn1Label=vlan cn1=%u", a->vlan);
	put(w, " cn2Label=repeat cn2=%d", a->repeat != 0);
	/* msg last: the longest value, and the one readers show. */
	cef_kv(w, "msg", a->reason);
}

static void
leef_kv(struct out *w, char d, const char *key, const char *v)
{
	char esc[ESC_MAX];

	if (v[0] == '\0')
		return;
	escape_leef(esc, sizeof(esc), v, strlen(v), d);
	put(w, "%c%s=%s", d, key, esc);
}

static void
leef_end(struct out *w, char d, const char *pfx, const struct alert_end *e)
{
	char key[32], buf[256];

	snprintf(key, sizeof(key), "%sHost", pfx);
	leef_kv(w, d, key, e->host);
	snprintf(key, sizeof(key), "%sRoles", pfx);
	leef_kv(w, d, key, e->roles ? role_set_fmt(e->roles, buf,
	    sizeof(buf)) : "");
	snprintf(key, sizeof(key), "%sZone", pfx);
	leef_kv(w, d, key, e->zone);
}

/*
 * LEEF:2.0|vendor|product|version|event id|delimiter|attributes, the
 * event id the violation kind and sev the alert's severity in 1..10.
 */
static void
format_leef(struct out *w, const struct alert *a, const struct format_opts *o)
{
	char ip[ADDR_STRLEN], mac[18], t[40], buf[512];
	int ports = a->transport == IPPROTO_TCP || a->transport == IPPROTO_UDP;
	int server = a->transport != 0 || a->kind != POLICY_UNKNOWN_DEVICE;
	int sev = a->severity < 1 ? 1 : a->severity > 10 ? 10 : a->severity;
	char d = o->leef_delim;

	put(w, "LEEF:2.0|");
	cef_header_field(w, o->vendor);
	cef_header_field(w, o->product);
	cef_header_field(w, o->version);
	cef_header_field(w, policy_kind_name(a->kind));
	/* ISO 8601 with milliseconds: cut isotime_fmt()'s microseconds. */
	isotime_fmt(a->ts, t, sizeof(t));
	memmove(t + 23, t + 26, strlen(t + 26) + 1);
	put(w, "%c|devTime=%s%cdevTimeFormat=yyyy-MM-dd'T'HH:mm:ss.SSSX", d,
	    t, d);
	leef_kv(w, d, "cat", policy_kind_name(a->kind));
	put(w, "%csev=%d", d, sev);
	leef_kv(w, d, "src", addr_fmt(&a->client.addr, ip, sizeof(ip)));
	if (ports)
		put(w, "%csrcPort=%u", d, a->client.port);
	if (server) {
		leef_kv(w, d, "dst", addr_fmt(&a->server.addr, ip,
		    sizeof(ip)));
		if (ports)
			put(w, "%cdstPort=%u", d, a->server.port);
	}
	if (a->transport)
		leef_kv(w, d, "proto", transport_name(a->transport));
	if (a->client.has_mac)
		leef_kv(w, d, "srcMAC", addr_fmt_mac(a->client.mac, mac,
		    sizeof(mac)));
	if (server && a->server.has_mac)
		leef_kv(w, d, "dstMAC", addr_fmt_mac(a->server.mac, mac,
		    sizeof(mac)));
	leef_kv(w, d, "ruleId", a->rule_id);
	leef_kv(w, d, "ruleName", a->rule_name);
	leef_kv(w, d, "section", a->section);
	leef_kv(w, d, "nist", a->nist);
	leef_kv(w, d, "protocol", a->protocol);
	if (a->transport)
		leef_kv(w, d, "state", state_name(a->state));
	leef_kv(w, d, "direction", direction_name(a->direction));
	if (a->vlan)
		put(w, "%cvlan=%u", d, a->vlan);
	leef_kv(w, d, "hostName", a->host_name);
	leef_end(w, d, "client", &a->client);
	if (server)
		leef_end(w, d, "server", &a->server);
	leef_kv(w, d, "risks", risk_names(a->risk, buf, sizeof(buf)));
	put(w, "%ccount=%llu%crepeat=%d", d, (unsigned long long)a->count, d,
	    a->repeat != 0);
	leef_kv(w, d, "reason", a->reason);
}

/*
 * An RFC 5424 header field: printable US-ASCII but space, at most max
 * characters, "-" when empty (section 6.2: NILVALUE).
 */
static void
hdr_field(struct out *w, const char *v, size_t max)
{
	char f[256];
	size_t i;

	if (v == NULL || v[0] == '\0') {
		put(w, " -");
		return;
	}
	for (i = 0; v[i] && i < max && i + 1 < sizeof(f); i++)
		f[i] = v[i] > ' ' && v[i] < 0x7f ? v[i] : '_';
	f[i] = '\0';
	put(w, " %s", f);
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
	struct out w = { buf, len, 0 };
	char t[40];
	size_t i, body;

	if (len == 0)
		return -1;
	if (o->header) {
		/* RFC 5424 section 6: PRI VERSION SP TIMESTAMP SP HOSTNAME
		 * SP APP-NAME SP PROCID SP MSGID SP STRUCTURED-DATA. */
		put(&w, "<%d>1 %s", (o->facility & 31) * 8 +
		    format_syslog_severity(o, a->severity),
		    isotime_fmt(a->ts, t, sizeof(t)));
		hdr_field(&w, o->hostname, 255);
		hdr_field(&w, o->app_name, 48);
		hdr_field(&w, o->procid, 128);
		hdr_field(&w, policy_kind_name(a->kind), 32);
		put(&w, " ");
		if (f != FORMAT_RFC5424)
			put(&w, "- ");
	}
	body = w.o;
	switch (f) {
	case FORMAT_JSON:
		format_json(&w, a);
		break;
	case FORMAT_RFC5424:
		format_sd(&w, a, o->enterprise);
		put(&w, " ");
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
		if ((unsigned char)buf[i] < 0x20 || buf[i] == 0x7f)
			buf[i] = ' ';
	if (o->newline)
		put(&w, "\n");
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

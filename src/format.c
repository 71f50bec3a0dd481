/*
 * format.c - alert renderers.  A line is built into the caller's buffer
 * with bounds checked at every append; wire strings (host names, SNI) go
 * through escape.c for the syntax at hand.
 */
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "escape.h"
#include "format.h"
#include "role.h"

static const char *const format_names[FORMAT_MAX] = { "text", "json" };

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

char *
format_time(unsigned long long ts, char *buf, size_t len)
{
	time_t sec = (time_t)(ts / 1000000);
	struct tm tm;

	gmtime_r(&sec, &tm);
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%06uZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, (unsigned)(ts % 1000000));
	return buf;
}

static const char *
transport_name(uint8_t t)
{
	switch (t) {
	case IPPROTO_TCP:
		return "tcp";
	case IPPROTO_UDP:
		return "udp";
	case IPPROTO_ICMP:
		return "icmp";
	case IPPROTO_ICMPV6:
		return "ipv6-icmp";
	case 0:
		return "";
	}
	return "ip";
}

static const char *
state_name(uint8_t s)
{
	return s == POLICY_ESTABLISHED ? "established" : "attempted";
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

static void
format_text(struct out *w, const struct alert *a)
{
	char t[40], mac[18], esc[CLASSIFY_HOST_MAX * 4 + 1];
	int ports = a->transport == IPPROTO_TCP || a->transport == IPPROTO_UDP;

	put(w, "%s [%d] %s ", format_time(a->ts, t, sizeof(t)),
	    a->severity, policy_kind_name(a->kind));
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
	put(w, "\n");
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
	char t[40], f[40], l[40], esc[CLASSIFY_HOST_MAX * 6 + 1], proto[64];
	int ports = a->transport == IPPROTO_TCP || a->transport == IPPROTO_UDP;
	struct risk_out ro = { w, 0 };
	size_t i;

	put(w, "{\"@timestamp\":\"%s\",\"event\":{\"kind\":\"alert\","
	    "\"category\":[\"network\"],\"dataset\":\"vmswatch.alert\","
	    "\"action\":\"%s\",\"severity\":%d,\"reason\":\"",
	    format_time(a->ts, t, sizeof(t)), policy_kind_name(a->kind),
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
	    format_time(a->first_seen, f, sizeof(f)),
	    format_time(a->last_seen, l, sizeof(l)),
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
	put(w, "}}\n");
}

int
format_alert(char *buf, size_t len, enum format_kind f, const struct alert *a)
{
	struct out w = { buf, len, 0 };

	switch (f) {
	case FORMAT_JSON:
		format_json(&w, a);
		break;
	default:
		format_text(&w, a);
	}
	if (w.o >= len)
		return -1;
	return (int)w.o;
}

/*
 * format.h - renders an alert as one line in an output syntax.  Every
 * string that came off the wire is escaped for that syntax here, and no
 * control character reaches a line (but its final newline).
 */
#ifndef VW_FORMAT_H
#define VW_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#include "alert.h"

enum format_kind {
	FORMAT_TEXT = 0,	/* for a terminal */
	FORMAT_JSON,		/* Elastic Common Schema, one object a line */
	FORMAT_RFC5424,		/* structured data and a readable MSG */
	FORMAT_CEF,		/* ArcSight Common Event Format */
	FORMAT_LEEF,		/* IBM QRadar LEEF 2.0 */
	FORMAT_MAX
};

/* Alert severities 0..10, each mapped to a syslog severity (0..7). */
#define FORMAT_SEVERITIES	11
/*
 * The private enterprise number of the SD-IDs unless configured: 32473,
 * the number RFC 5612 reserves for documentation.  A site sets its own
 * (sink key enterprise); the default is only for trials.
 */
#define FORMAT_ENTERPRISE	32473

/* The ECS version the JSON documents follow (ecs.version). */
#define FORMAT_ECS_VERSION	"8.11.0"

/*
 * The longest line any format writes for an alert whose texts are at the
 * loaders' limits (alert.h) and escape to their longest form, header and
 * newline included: no field is ever cut, so a line needs this much room.
 * check_format proves the bound for every format.
 */
#define FORMAT_LINE_MAX	49152
/* The longest text line (the text format, and JSON's message). */
#define FORMAT_TEXT_MAX	8192

/*
 * How a line is framed and labelled.  format_opts_defaults() fills in
 * what format_alert() uses; the sinks change what their configuration
 * says.  Strings are borrowed for the call.
 */
struct format_opts {
	int header;		/* 1: an RFC 5424 header before the body */
	int newline;		/* 1: end the line with '\n' */
	int facility;		/* syslog facility 0..23 (LOG_LOCAL5 >> 3) */
	uint8_t sevmap[FORMAT_SEVERITIES]; /* alert -> syslog severity */
	uint32_t enterprise;	/* SD-ID enterprise number */
	const char *hostname;	/* RFC 5424 HOSTNAME, NULL or "": "-" */
	const char *app_name;	/* RFC 5424 APP-NAME ("vmswatch") */
	const char *procid;	/* RFC 5424 PROCID, NULL or "": "-" */
	const char *vendor;	/* CEF/LEEF vendor, product and version */
	const char *product;
	const char *version;
	char leef_delim;	/* LEEF 2.0 attribute delimiter ('^') */
	/*
	 * The sensor: observer.hostname (this host's name), observer.name
	 * (NULL or "": the host name), observer.ip (NULL or "": unknown);
	 * CEF dvchost and dvc, LEEF sensor.
	 */
	const char *observer_hostname;
	const char *observer_name;
	const char *observer_ip;
	uint16_t community_seed;	/* Community ID seed (0) */
};

/*
 * Defaults: no header, a newline, facility local5, the default severity
 * map (>= 8 crit, 7 err, 5-6 warning, 3-4 notice, else info), enterprise
 * 32473, app-name and product "vmswatch", LEEF delimiter '^'.
 */
void format_opts_defaults(struct format_opts *o);
/* This host's name, read once (gethostname(2)); "localhost" if none. */
const char *format_hostname(void);
/* Syslog severity (0..7) of alert severity sev under o. */
int format_syslog_severity(const struct format_opts *o, int sev);

/* The format named name ("text", "json", "rfc5424", "cef", "leef"), or -1. */
int format_lookup(const char *name);
const char *format_name(enum format_kind);
/*
 * Writes a as one line (with its newline) to buf of len bytes.  Returns
 * the length, or -1 if it did not fit.
 */
int format_alert(char *buf, size_t len, enum format_kind f,
    const struct alert *a);
/*
 * As format_alert(), framed and labelled by o.  With o->header the line
 * is a whole RFC 5424 message: "<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID
 * MSGID" (MSGID the violation kind) then the structured data of
 * FORMAT_RFC5424 or "-", then the body (the readable MSG, the CEF or LEEF
 * event, the JSON object or the text line).  Without it FORMAT_RFC5424 is
 * the structured data and the MSG (for syslog(3), which adds a header).
 */
int format_alert_opts(char *buf, size_t len, enum format_kind f,
    const struct alert *a, const struct format_opts *o);

#endif

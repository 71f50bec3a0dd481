/*
 * alert.h - the stage after policy: violations become alerts.  Each alert
 * owns its strings (a reload may free the rules and inventory they came
 * from).  One alert per (kind, rule, client, server, server port,
 * transport) per de-duplication window of packet time; repeats inside the
 * window are counted and reported when it closes (count, first and last
 * seen).  A token bucket on packet time bounds alerts per second; every
 * alert it stops is counted; an alert stamped more than a minute behind
 * the bucket (another worker's epoch) restarts it there rather than wait.
 * Nothing here waits on an output.
 *
 * Thread-safe: the daemon's workers share one stage.  The output callback
 * runs with the stage locked (one call at a time) and must not call back.
 *
 * A weak-TLS finding is one of the server's certificate: keyed by the
 * server, its port and the certificate, not the client; its summaries
 * say how many clients met it.
 *
 * Scans.  A probe is a violation of a flow the server did not answer or
 * refused.  Probes are held per source for up to ALERT_SCAN_WINDOW of
 * packet time; a source whose probes reach ALERT_SCAN_TARGETS distinct
 * (host, port) targets in that window, most of them failed, is a scan:
 * one alert of kind scan (counts, hosts, ports, the kinds its probes
 * broke) replaces the held probes, and later probes of that source fold
 * into it (a summary when it ends).  A source that stays below releases
 * its held probes as ordinary alerts when its window ends.
 *
 * The counters add up: every violation, every repeat summary and every
 * scan alert made ends as exactly one of emitted, suppressed (a repeat
 * folded into a window, a probe folded into a scan) or rate_limited:
 *	violations + summaries + scans == emitted + suppressed + rate_limited
 */
#ifndef VW_ALERT_H
#define VW_ALERT_H

#include <stdint.h>

#include "classify.h"
#include "inventory.h"
#include "policy.h"
#include "rules.h"

/* A rule id of up to 64 bytes, and its NUL. */
#define ALERT_RULE_ID_MAX	65

#define ALERT_SCAN_WINDOW	10000000u	/* microseconds */
#define ALERT_SCAN_TARGETS	16	/* distinct failed targets */
#define ALERT_SCAN_SOURCES	64	/* sources followed at once */

struct alert_end {
	struct addr addr;
	uint16_t port;
	uint8_t mac[6];
	uint8_t has_mac;
	uint8_t internet;
	uint64_t roles;		/* role set, 0 when not in the inventory */
	char host[INVENTORY_NAME_MAX];	/* inventory name, "" when unknown */
	char zone[INVENTORY_NAME_MAX];	/* inventory zone, "" when none */
};

struct alert {
	enum policy_kind kind;
	int severity;			/* 0..10 */
	/*
	 * Every text is carried whole: the arrays hold the longest the
	 * loaders accept (rules.h, inventory.h, policy.h, classify.h).
	 */
	char rule_id[ALERT_RULE_ID_MAX];
	char rule_name[RULES_TEXT_MAX];
	char section[RULES_TEXT_MAX];
	char nist[RULES_TEXT_MAX];
	uint64_t ts;			/* packet time of the (first) verdict */
	uint64_t flow_start;		/* first packet of its flow */
	struct alert_end client;
	struct alert_end server;
	uint8_t transport;
	uint16_t vlan;
	char protocol[48];		/* nDPI name */
	uint8_t state;			/* enum policy_state */
	uint8_t direction;		/* enum policy_direction */
	uint64_t risk;
	char host_name[CLASSIFY_HOST_MAX]; /* from the wire: escape it */
	char reason[POLICY_REASON_MAX];
	uint64_t count;			/* occurrences this alert stands for */
	uint64_t first_seen;		/* packet time of the first and last */
	uint64_t last_seen;
	int repeat;			/* 1: repeats after an earlier alert */
	/*
	 * Which alert this is: the stage's instance (a hash of its first
	 * violation's packet time and key: another for other traffic or a
	 * restart, the same when the same capture is read again) and the
	 * number of the alert it emitted, from 1 (ECS event.id).
	 */
	uint64_t instance;
	uint64_t seq;
	uint8_t dpi_guessed;		/* protocol from nDPI's port guess */
	uint8_t streams;		/* RTSP: media streams covered */
	uint64_t cert_id;		/* weak-tls: the certificate */
	uint32_t clients;		/* weak-tls: distinct clients (at
					   least; exact up to 32) */
	/* scan: what the source did in the window. */
	uint32_t scan_targets, scan_hosts, scan_ports;
	uint32_t scan_refused, scan_unanswered;
	uint16_t scan_kinds;		/* 1 << kind of the probes */
};

struct alert_conf {
	uint32_t window;	/* seconds of de-duplication */
	uint32_t max_keys;	/* de-duplication entries kept */
	uint32_t rate;		/* alerts per second (0: no limit) */
	uint32_t burst;		/* alerts allowed in a burst */
};

struct alert_stats {
	uint64_t violations;	/* violations received */
	uint64_t emitted;	/* alerts handed to the outputs */
	uint64_t suppressed;	/* repeats folded into a count */
	uint64_t repeats;	/* repeat summaries emitted */
	uint64_t summaries;	/* repeat summaries made, emitted or not */
	uint64_t rate_limited;	/* alerts dropped by the rate limit */
	uint64_t evicted;	/* entries dropped when the table was full */
	uint64_t scans;		/* scan alerts made (first and summaries) */
	uint64_t probes_held;	/* probes held for the scan check */
	uint64_t by_kind[POLICY_KIND_MAX]; /* alerts emitted by kind */
};

typedef void (*alert_out_cb)(const struct alert *, void *arg);

struct alert_ctx;

void alert_conf_defaults(struct alert_conf *c);
/* Creates the stage; emitted alerts go to out.  NULL on failure. */
struct alert_ctx *alert_new(const struct alert_conf *c, alert_out_cb out,
    void *arg);
void alert_free(struct alert_ctx *);
/* A violation from the policy (the policy_cb). */
void alert_violation(const struct violation *v, void *arg);
/* Closes the windows that ended before now, emitting repeat summaries. */
void alert_expire(struct alert_ctx *, uint64_t now);
/* Closes every window (end of input). */
void alert_flush(struct alert_ctx *);
/* The counters; read only while no other thread uses the stage. */
const struct alert_stats *alert_stats(const struct alert_ctx *);
/* A consistent copy of the counters, while other threads use the stage. */
void alert_stats_get(struct alert_ctx *, struct alert_stats *st);

#endif

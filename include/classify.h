/*
 * classify.h - application protocol of each flow with nDPI, the stage after
 * the flow table.  A flow gets nDPI state from a bounded pool with its
 * first packet worth dissecting (pure TCP ACKs are not given to nDPI);
 * packets go through DPI until nDPI is done (including the few extra
 * packets it wants for host names and certificates) or until a bounded
 * number of packets, then it gives up (keeping nDPI's guess) and the
 * state goes back to the pool at once.  When the pool is empty the least
 * recently active flow still in DPI is given up to make room.
 *
 * Results live in an array indexed by the flow's slot in the flow table.
 *
 * RTSP media negotiation (src/classify_rtsp.c).  Once nDPI names a TCP
 * flow RTSP, a cheap parser of our own (no nDPI) keeps reading its
 * payload for a bounded number of segments, until the PLAY request gets
 * its reply or the client tears the session down: the SETUP requests and
 * their replies name the RTP/RTCP streams the session opens (RFC 2326
 * section 12.39, RFC 7826 section 18.54), which classify_media() returns,
 * so that the policy can judge them with the RTSP flow as one session.
 * Trackers come from a second bounded pool, held until the flow is
 * released.
 */
#ifndef VW_CLASSIFY_H
#define VW_CLASSIFY_H

#include <stddef.h>
#include <stdint.h>

#include "decode.h"
#include "flowtab.h"

enum classify_state {
	CLASSIFY_NONE = 0,	/* slot not in use */
	CLASSIFY_PENDING,	/* DPI still running */
	CLASSIFY_DETECTED,	/* nDPI recognised the payload */
	CLASSIFY_GUESSED,	/* gave up; protocol guessed (port, ...) */
	CLASSIFY_UNKNOWN,	/* gave up; nothing known */
};

#define CLASSIFY_HOST_MAX 80	/* as nDPI 4.2's host_server_name */

/*
 * When nDPI names one protocol only (plain "HTTP"), it is in master and app
 * is 0; app is set only for a distinct application on top ("TLS.Google").
 */
struct classify_result {
	uint16_t master;	/* nDPI protocol id (e.g. TLS), 0 unknown */
	uint16_t app;		/* nDPI application id (e.g. Google), 0 */
	uint16_t category;	/* nDPI category id */
	uint8_t state;		/* enum classify_state */
	uint8_t dpi_packets;	/* packets given to nDPI */
	uint64_t risk;		/* nDPI risk bitmap (1 << NDPI_*) */
	char host[CLASSIFY_HOST_MAX]; /* host name / SNI / HTTP Host, or "" */
	/*
	 * TLS: the server certificate's identity, a hash of its SHA-1
	 * fingerprint (or of subject and issuer when nDPI saw no
	 * fingerprint); 0 when no certificate was seen.
	 */
	uint64_t cert_id;
};

struct classify_conf {
	unsigned max_packets;	/* DPI packets per flow before giving up */
	unsigned max_flows;	/* nDPI states at once (the pool) */
	unsigned max_rtsp;	/* RTSP sessions tracked at once (0: none) */
};

struct classify_stats {
	uint64_t dpi_packets;	/* packets given to nDPI */
	uint64_t dpi_ns;	/* time spent inside nDPI (monotonic clock) */
	uint64_t detected;	/* flows ended detected */
	uint64_t guessed;	/* flows ended guessed */
	uint64_t unknown;	/* flows ended unknown */
	uint64_t gave_up;	/* flows that reached max_packets */
	uint64_t reclaimed;	/* flows given up because the pool was empty */
	uint64_t pool_used;	/* nDPI states in use now */
	uint64_t pool_peak;	/* most nDPI states in use at once */
	uint64_t rtsp_sessions;	/* RTSP flows whose negotiation was tracked */
	uint64_t rtsp_streams;	/* media streams found in them */
	uint64_t rtsp_exhausted; /* RTSP flows not tracked: pool empty */
};

/* classify_packet() events, a bit mask. */
#define CLASSIFY_EV_FINAL	1	/* the result became final */
#define CLASSIFY_EV_MEDIA	2	/* RTSP: a stream, or PLAY, confirmed */

/* Streams one RTSP session can negotiate that are kept. */
#define CLASSIFY_MEDIA_MAX	8

/*
 * One media stream negotiated by an RTSP SETUP.  Ports are those of the
 * reply's Transport header, or the request's where the reply has none;
 * the ranges are as given (a lone port gives lo == hi).
 */
struct classify_media {
	struct addr client;	/* where the client receives (destination=,
				   else the RTSP client's address) */
	struct addr server;	/* where the server sends from (source=,
				   else the RTSP server's address) */
	uint16_t cport_lo, cport_hi;	/* client_port range (RTP, RTCP) */
	uint16_t sport_lo, sport_hi;	/* server_port range, 0 when not
					   given */
	uint8_t interleaved;	/* 1: RTP inside the RTSP TCP connection
				   (ports 0) */
};

struct classify;

void classify_conf_defaults(struct classify_conf *c);

/*
 * Creates a classifier for a flow table of nslots slots: one nDPI module,
 * a pool of c->max_flows nDPI flow states and one of c->max_rtsp RTSP
 * trackers (each at most nslots; max_rtsp may be 0).  Returns
 * NULL on failure (errno EINVAL: max_packets not in 1..255, max_flows or
 * nslots 0).  One classifier per thread; nDPI wants its modules created
 * one at a time, so threads must not call this concurrently.
 */
struct classify *classify_new(const struct classify_conf *c, uint32_t nslots);
void classify_free(struct classify *);

/* A flow was created in slot: its result starts afresh, PENDING. */
void classify_flow_new(struct classify *, uint32_t slot);
/*
 * Gives one packet of the flow in slot to DPI, if DPI still runs for it,
 * and to the RTSP tracker, if one reads the flow.  Returns a mask of
 * CLASSIFY_EV_*: FINAL when the result became final with this packet,
 * MEDIA when an RTSP stream was confirmed (a SETUP's 2xx reply, or the
 * PLAY request for a SETUP whose reply was not seen), a late reply
 * completed one, or the PLAY request got its 2xx reply; 0 when nothing
 * changed.  The RTSP client is the end that sends SETUP, whichever end
 * the flow table took for the client.
 */
int classify_packet(struct classify *, uint32_t slot, const struct flow *f,
    const struct pkt *p, int dir);
/*
 * The flow in slot ended (or had a record cut, reason FLOW_END_ACTIVE):
 * gives up DPI if it still runs, so the result is final.  State is
 * released; the result stays readable until classify_flow_release().
 */
void classify_flow_end(struct classify *, uint32_t slot, const struct flow *f);
/* Forgets the result of slot (the flow is gone). */
void classify_flow_release(struct classify *, uint32_t slot);

/*
 * Streams negotiated so far on the RTSP flow in slot: returns their count
 * (0..CLASSIFY_MEDIA_MAX) and sets *m to an array valid until the slot is
 * released; *playing is set to 1 once a PLAY got a 2xx reply, else 0.
 * A flow that is not RTSP, or was not tracked, has 0 streams (*m NULL).
 */
int classify_media(const struct classify *, uint32_t slot,
    const struct classify_media **m, int *playing);

/* The result for slot; valid until the slot is released. */
const struct classify_result *classify_get(const struct classify *,
    uint32_t slot);
/*
 * How far DPI got: "detected", "guessed", "pending"; "unknown" for
 * anything else (gave up without a protocol, or a slot not in use).
 */
const char *classify_state_name(enum classify_state);
/*
 * Writes the protocol name of r to buf: "TLS.Google", "HTTP", "Unknown".
 * Returns buf.
 */
char *classify_proto_name(const struct classify *,
    const struct classify_result *r, char *buf, size_t len);
/* Name of one nDPI protocol id ("TLS"). */
const char *classify_id_name(const struct classify *, uint16_t id);
/*
 * Calls fn for each risk bit set in risk with its nDPI description.
 */
void classify_risk_foreach(uint64_t risk,
    void (*fn)(int bit, const char *name, void *arg), void *arg);
const struct classify_stats *classify_stats(const struct classify *);
/* Adds one classifier's counters to another's; peaks are summed. */
void classify_stats_add(struct classify *to, const struct classify *from);

/*
 * What the policy needs to know of a protocol, without nDPI's ids: the
 * family of a result detected from payload (CLASSIFY_FAM_NONE while DPI
 * runs, and for port guesses and unknown flows).
 */
enum classify_family {
	CLASSIFY_FAM_NONE = 0,
	CLASSIFY_FAM_HTTP,	/* HTTP and protocols carried in it */
	CLASSIFY_FAM_TLS,	/* TLS and anything recognised inside it */
	CLASSIFY_FAM_WEBSOCKET,
	CLASSIFY_FAM_RTSP,
	CLASSIFY_FAM_RTP,	/* RTP, RTCP */
	CLASSIFY_FAM_SMTP,	/* cleartext SMTP */
	CLASSIFY_FAM_SMTPS,
	CLASSIFY_FAM_MAIL,	/* POP3, IMAP (cleartext) */
	CLASSIFY_FAM_TELNET,
	CLASSIFY_FAM_FTP,	/* FTP control */
	CLASSIFY_FAM_FTP_DATA,
	CLASSIFY_FAM_SSH,
	CLASSIFY_FAM_DNS,
	CLASSIFY_FAM_NTP,
	CLASSIFY_FAM_SNMP,
	CLASSIFY_FAM_SYSLOG,
	CLASSIFY_FAM_DISCOVERY,	/* mDNS, SSDP, WS-Discovery, DHCP, NetBIOS */
	CLASSIFY_FAM_VPN,	/* OpenVPN, WireGuard, IPsec, ... tunnels */
	CLASSIFY_FAM_OTHER,	/* detected, none of the above */
};

enum classify_family classify_family(const struct classify_result *r);
/* The family of an nDPI master/application pair, detected or not. */
enum classify_family classify_family_of(uint16_t master, uint16_t app);
/* The risk bits of risk that say weak TLS (obsolete version, weak
 * cipher, self-signed/expired/mismatched certificate). */
uint64_t classify_risk_weak_tls(uint64_t risk);
/* The risk bits of risk that say credentials went in clear. */
uint64_t classify_risk_credentials(uint64_t risk);
/* The risk bits of risk that say nDPI holds the protocol unsafe (Telnet,
 * FTP, ...): evidence of cleartext even where the protocol was guessed. */
uint64_t classify_risk_unsafe(uint64_t risk);

#endif

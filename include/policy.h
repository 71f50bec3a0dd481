/*
 * policy.h - the documented flows made a check, the stage after classify.
 * A flow (its ends resolved through the inventory, its port through the
 * rules, its protocol from nDPI) is either documented or breaks one or
 * more of the violation kinds below; each violation comes out once per
 * flow with its evidence, as soon as it is certain:
 *
 *	at the flow's first packet	roles, zones, Internet, ports
 *	at the server's first reply	unknown server, established
 *	when classification is final	cleartext, protocol, TLS risks
 *	at the flow's end		what still waited for DPI
 *
 * Kinds are independent: each is checked on its own, and one flow may
 * raise several (a camera's Telnet to the Internet is camera, exposure
 * and cleartext).  Where two kinds would say one thing, the more precise
 * one is raised alone: a local-only port is not also undocumented, and
 * credentials on a cleartext flow are one cleartext-credentials finding.
 *
 * Client and server.  When the flow table decided the ends from a TCP
 * handshake they are kept.  Otherwise (one-sided SPAN, a session picked
 * up mid-stream, UDP) the ends come from, in this order: the side whose
 * port the rules document as a server port for the two ends' roles;
 * for UDP, the sender of the first packet; the flow table's port
 * heuristic.  violation.swapped says the ends differ from the flow's.
 *
 * A protocol nDPI only guessed from the port counts for the cleartext
 * checks (dpi_guessed says so), and so do nDPI's unsafe-protocol and
 * clear-text-credential risks.
 *
 * The policy holds no alert state beyond "already raised" bits per flow
 * and a small cache of the (address, MAC) pairs it checked as devices;
 * de-duplication across flows, scans and rate limits are the alert
 * stage's.
 */
#ifndef VW_POLICY_H
#define VW_POLICY_H

#include <stdint.h>

#include "addr.h"
#include "classify.h"
#include "decode.h"
#include "flowtab.h"
#include "inventory.h"
#include "rules.h"

enum policy_kind {
	POLICY_CAMERA_NON_RECORDER = 0,
	POLICY_INTERNET_EXPOSURE,
	POLICY_CLEARTEXT,
	POLICY_LOCAL_ONLY_PORT,
	POLICY_DISABLED_PORT,
	POLICY_UNDOCUMENTED_FLOW,
	POLICY_UNKNOWN_DEVICE,
	POLICY_PROTOCOL_MISMATCH,
	POLICY_WEAK_TLS,
	POLICY_CLEARTEXT_CREDENTIALS,
	POLICY_SCAN,		/* made by the alert stage from many probes */
	/* IP fragments that hide the transport header (policy_fragment()) */
	POLICY_TINY_FRAGMENT,		/* first fragment split the header */
	POLICY_FRAGMENT_OVERLAP,	/* a fragment rewrote the header */
	POLICY_ORPHAN_FRAGMENT,		/* of a datagram never seen whole */
	POLICY_KIND_MAX
};

/* When a flow reaches one of these, the policy looks at it again. */
enum policy_event {
	POLICY_EV_NEW = 0,	/* first packet */
	POLICY_EV_REPLY,	/* first packet from the server */
	POLICY_EV_CLASSIFIED,	/* nDPI result final */
	POLICY_EV_END,		/* flow ended (classification final too) */
	POLICY_EV_TIMEOUT,	/* a request's answer did not come in time */
	POLICY_EV_FRAME,	/* a frame from a MAC new to its end */
	POLICY_EV_MEDIA,	/* RTSP: the session's streams are known */
};

/* violation.state */
enum policy_state {
	POLICY_ATTEMPTED = 0,	/* the server did not answer */
	POLICY_ESTABLISHED,	/* both ends sent packets */
	POLICY_REFUSED,		/* the server answered a SYN with a RST */
};

/*
 * A TCP flow that starts with a SYN, or a unicast UDP request, is judged
 * when the server answers, so an alert can say whether the connection was
 * established or refused; if no answer comes within this much packet
 * time, it is judged as attempted.
 */
#define POLICY_DEFER_USEC	2000000u

/* Room for violation.reason with its NUL. */
#define POLICY_REASON_MAX	512

/* violation.direction, for internet-exposure */
enum policy_direction {
	POLICY_DIR_NONE = 0,
	POLICY_DIR_INBOUND,	/* an Internet client reached the site */
	POLICY_DIR_OUTBOUND,	/* a site host reached the Internet */
};

/* One end of a flow, resolved. */
struct policy_end {
	struct addr addr;
	uint16_t port;
	uint8_t mac[6];
	uint8_t has_mac;
	uint8_t internet;			/* a public address */
	const struct inventory_host *host;	/* or NULL */
	const struct inventory_zone *zone;	/* or NULL */
};

/*
 * A violation with its evidence.  Borrowed: valid during the callback;
 * the strings point into the inventory, the ruleset or static tables.
 */
struct violation {
	enum policy_kind kind;
	int severity;			/* 0..10 */
	const char *rule_id;		/* "XP-MS-0080", "XP-TOPO-CAMERA" */
	const char *rule_name;		/* what the rule documents */
	const char *section;		/* the guide's section */
	const char *nist;		/* "CA-3, CM-6, SC-7" */
	uint64_t ts;			/* packet time of the verdict */
	uint64_t first_ts;		/* first packet of the flow */
	struct policy_end client;	/* for unknown-device: the device */
	struct policy_end server;
	uint8_t transport;		/* IPPROTO_*; 0 for an ARP finding */
	uint16_t vlan;
	char protocol[48];		/* nDPI name ("TLS.Google"), "" */
	uint8_t state;			/* enum policy_state */
	uint8_t direction;		/* enum policy_direction */
	uint64_t risk;			/* nDPI risk bits behind it */
	const char *host_name;		/* SNI / HTTP host from the wire */
	/*
	 * One readable sentence: two inventory names, a protocol, ports and
	 * fixed words fit, so that alerts never cut it.
	 */
	char reason[POLICY_REASON_MAX];
	uint8_t dpi_guessed;		/* protocol from nDPI's port guess */
	uint8_t swapped;		/* ends turned from the flow table's */
	uint64_t cert_id;		/* weak-tls: the server's certificate */
	uint8_t streams;		/* RTSP: media streams it covers */
};

typedef void (*policy_cb)(const struct violation *, void *arg);

/*
 * What the policy concluded of a flow at its end (POLICY_EV_END): its
 * ends as judged (client and server, roles), the rule that documents it
 * and the kinds raised for it over its life.  Borrowed: valid during the
 * callback.  A coverage report is built from these.
 */
struct policy_verdict {
	const struct flow *f;
	struct policy_end client;	/* the ends after orientation */
	struct policy_end server;
	int ci;				/* flow index of the client */
	uint64_t croles, sroles;	/* role sets, 0 when unknown */
	uint8_t transport;		/* IPPROTO_* */
	/*
	 * The rule the flow was judged by: the one documenting its server
	 * port for the two roles (or the moved port, or the Internet
	 * statement's exception), else NULL.  A documented rule with kinds
	 * raised (a disabled port, cleartext) still names it.
	 */
	const struct rule *rule;
	uint16_t raised;		/* 1 << kind of what it raised */
	uint8_t covered;		/* an RTSP session's media stream */
};

typedef void (*policy_verdict_cb)(const struct policy_verdict *, void *arg);

struct policy_conf {
	/* Rules whose "disabled by default" port the site has enabled. */
	const char *const *enabled;
	int nenabled;
};

struct policy;

/*
 * Creates the policy stage for a flow table of nslots slots, checking
 * against inv and rs (borrowed; they must outlive the policy or be
 * replaced with policy_reconfigure()).  Violations go to cb.
 */
struct policy *policy_new(const struct inventory *inv,
    const struct ruleset *rs, const struct policy_conf *pc, uint32_t nslots,
    const struct classify *cls, policy_cb cb, void *arg);
void policy_free(struct policy *);
/*
 * Verdicts of ended flows go to cb (NULL: none); set once before the
 * first flow.
 */
void policy_set_verdict(struct policy *, policy_verdict_cb cb, void *arg);
/* Swaps in a new inventory and ruleset; flows keep their raised bits. */
int policy_reconfigure(struct policy *, const struct inventory *inv,
    const struct ruleset *rs, const struct policy_conf *pc);

/* Looks at flow f in slot at event ev; r is its classification so far. */
void policy_flow(struct policy *, uint32_t slot, const struct flow *f,
    const struct classify_result *r, enum policy_event ev);
/* The flow in slot is gone: forget what was raised for it. */
void policy_flow_release(struct policy *, uint32_t slot);
/*
 * Where a due flow was in the waits: ring 0 (SYN or request without an
 * answer) before ring 1 (RTSP sessions waiting for their streams), then
 * in the order they were put, seq (the flow's qseq then).  A capture
 * split between workers merges their due flows back in this order.
 */
struct policy_due_key {
	int ring;
	uint64_t seq;
};
/*
 * Returns 1 and the slot of a flow whose SYN went unanswered until now
 * (the caller then calls policy_flow() with POLICY_EV_TIMEOUT), else 0.
 * key (may be NULL) is set to where it waited.
 */
int policy_due(struct policy *, uint64_t now, uint32_t *slot,
    struct policy_due_key *key);
/*
 * The earliest deadline among the waits (UINT64_MAX: none): before it,
 * policy_due() has nothing to give.  (It may be a wait that ended since,
 * which policy_due() then skips.)
 */
uint64_t policy_next_due(const struct policy *);
/*
 * An ARP packet: sender address and MAC against the inventory, and for
 * a reply from a known host, its target (which must exist to be
 * answered).
 */
void policy_arp(struct policy *, const struct pkt *p);
/*
 * A frame of the flow in slot came from a MAC that end had not used
 * before (dir: FLOW_C2S or FLOW_S2C): the end is checked as a device
 * again, so that every MAC behind a shared 5-tuple (DHCP requests from
 * 0.0.0.0:68) is seen.
 */
void policy_frame(struct policy *, uint32_t slot, const struct flow *f,
    const struct classify_result *r, int dir);
/*
 * The RTSP flow in slot negotiated streams, or started playing them
 * (classify_packet() said CLASSIFY_EV_MEDIA).  The streams' UDP flows
 * are then the session's: the RTSP flow's verdict covers them, and they
 * raise nothing of their own.  An RTSP flow is judged once it plays (at
 * the latest POLICY_MEDIA_USEC after the answer), so its findings say
 * how many streams they cover.
 */
void policy_media(struct policy *, uint32_t slot, const struct flow *f,
    const struct classify_result *r);
/*
 * An IP fragment the decoder flagged PKT_F_FRAG_TINY, PKT_F_FRAG_OVERLAP
 * or (a later fragment) PKT_F_NO_PORTS: one finding of the matching kind
 * each, its sender as the client.  Not per flow: the alert stage folds
 * repeats.
 */
void policy_fragment(struct policy *, const struct pkt *p);

/* Stable id of a kind ("camera-non-recorder"). */
const char *policy_kind_name(enum policy_kind);
/* A connection's state: "established", "refused", "attempted". */
const char *policy_state_name(enum policy_state);
/* "inbound", "outbound"; "" for POLICY_DIR_NONE. */
const char *policy_direction_name(enum policy_direction);
/*
 * 1 when DPI's family fam fits a rule's protocol (enum rules_proto): WSS
 * over TLS, WS over HTTP (nDPI names an upgrade so), any family for a
 * rule that says only TCP or UDP.
 */
int policy_proto_compatible(unsigned protocol, enum classify_family fam);
/* Kind by id, or -1. */
int policy_kind_lookup(const char *name);
uint64_t policy_violations(const struct policy *);

#endif

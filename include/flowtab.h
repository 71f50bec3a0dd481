/*
 * flowtab.h - the flow table, the stage after decode.  Every IP packet is
 * folded into a bidirectional flow keyed by (addresses, ports, transport,
 * and optionally the VLAN); the key is canonical so both directions hash
 * alike, with a seed drawn at start-up.  Flows live in one array sized from
 * the configuration and are never allocated per packet; lookup is O(1).
 *
 * Time is packet time.  Each flow sits on the timeout queue of its class
 * (TCP open, TCP closing, UDP, other), ordered by last activity, so expiry
 * looks only at queue heads.  A full table evicts the least recently active
 * flow.  Every flow end goes through one callback, which is how the later
 * stages (classification, policy, output) see a flow finish and release the
 * state they keep for it in their own arrays indexed by flowtab_slot().
 *
 * Client and server.  [FLOW_C2S] is the client end of a flow, decided when
 * the flow is created:
 *   - TCP SYN without ACK: its sender is the client (FLOW_DIR_SYN);
 *   - TCP SYN+ACK: its receiver is the client (FLOW_DIR_SYNACK);
 *   - ICMP/ICMPv6: the sender of the first packet is the client, unless
 *     that packet is a reply (echo reply, ...): then its receiver is
 *     (FLOW_DIR_PORT);
 *   - anything else (TCP picked up mid-stream, UDP, ...), by port
 *     (FLOW_DIR_PORT): if exactly one port is below 1024, that end is the
 *     server; otherwise the lower port is the server; with equal ports the
 *     destination of the first packet is the server.
 * A TCP flow decided by port is turned around when a SYN or SYN+ACK later
 * shows the other way, as long as no payload has been seen (the segments
 * were captured out of order); dir_by then says SYN or SYNACK.
 *
 * ICMP flows are keyed by addresses and type/code rather than ports, with
 * a reply folded onto its request's type so an echo exchange is one flow:
 * port[FLOW_C2S] is type << 8 | code of the request, port[FLOW_S2C] is 0.
 *
 * A TCP flow moves to the closing queue on the first FIN or on a RST.  A
 * SYN without ACK for a flow that is FLOW_TCP_CLOSED ends it (FLOW_END_TCP)
 * and starts a new flow, since the 4-tuple was reused.
 *
 * Packets a little out of time order are counted normally; they can only
 * make expiry late by as much, never early.
 */
#ifndef VW_FLOWTAB_H
#define VW_FLOWTAB_H

#include <stdint.h>

#include "addr.h"
#include "decode.h"

/* Index of the two directions in the per-direction arrays. */
#define FLOW_C2S 0	/* client to server */
#define FLOW_S2C 1	/* server to client */

/* How the client/server roles of a flow were decided. */
enum flow_dir_by {
	FLOW_DIR_SYN = 0,	/* SYN without ACK seen: its sender is client */
	FLOW_DIR_SYNACK,	/* SYN+ACK seen first: its receiver is client */
	FLOW_DIR_PORT,		/* heuristic: the well-known/lower port serves */
};

enum flow_end {
	FLOW_END_IDLE = 0,	/* no packet for the class's idle timeout */
	FLOW_END_ACTIVE,	/* active timeout: record cut, flow goes on */
	FLOW_END_TCP,		/* TCP FIN/RST seen, closing timeout passed */
	FLOW_END_EVICTED,	/* table full: the oldest flow made room */
	FLOW_END_FLUSH,		/* end of input or shutdown */
	FLOW_END_MAX
};

/* TCP state as far as a passive observer can tell. */
enum flow_tcp_state {
	FLOW_TCP_NONE = 0,	/* not TCP, or nothing seen yet */
	FLOW_TCP_SYN,		/* SYN seen */
	FLOW_TCP_SYNACK,	/* SYN+ACK seen */
	FLOW_TCP_ESTABLISHED,	/* handshake completed or data both ways */
	FLOW_TCP_CLOSING,	/* FIN seen */
	FLOW_TCP_CLOSED,	/* FIN both ways, or RST */
};

struct flow {
	/* Key.  [FLOW_C2S] is the client end, [FLOW_S2C] the server end. */
	struct addr addr[2];
	uint16_t port[2];
	uint16_t vlan;		/* VLAN of the first packet (key if configured) */
	uint8_t proto;		/* IPPROTO_* */
	uint8_t ipver;		/* 4 or 6 */
	uint8_t dir_by;		/* enum flow_dir_by */
	uint8_t tcp_state;	/* enum flow_tcp_state */
	uint8_t tcp_flags[2];	/* union of the TCP flags seen per direction */
	uint8_t mac[2][6];	/* Ethernet address of each end, if has_mac */
	uint8_t has_mac[2];
	uint8_t mac_new;	/* 1 << dir: the last packet of dir came from a
				   source MAC other than that end's before */
	uint8_t tq;		/* private: timeout queue */
	uint8_t pflags;		/* private: FIN per direction, payload seen */
	uint64_t first_ts;	/* first packet of the flow (or of the record
				   after an active timeout) */
	uint64_t last_ts;	/* last packet of the flow */
	uint64_t dfirst[2];	/* first packet per direction, 0 if none */
	uint64_t dlast[2];	/* last packet per direction */
	uint64_t pkts[2];	/* packets per direction (this record) */
	uint64_t bytes[2];	/* IP bytes per direction (this record) */
	/*
	 * Its place in the timeout queues: the table's clock and the packet's
	 * pkt.seq at its last packet.  Unlike last_ts, qts never goes back
	 * along a queue (packets a little out of time order), so that expiry
	 * and flushes end flows in an order that depends only on the flows:
	 * (qts, timeout queue, qseq).  Several workers that split a capture
	 * between them end the same flows in the same order (parallel.h).
	 */
	uint64_t qts;
	uint64_t qseq;
	/* Private links of the table. */
	uint32_t hash;
	uint32_t hnext;
	uint32_t qprev, qnext;
};

struct flowtab_conf {
	uint32_t max_flows;	/* table capacity (flows kept at once) */
	uint32_t tcp_idle;	/* seconds: open TCP without packets */
	uint32_t tcp_closed;	/* seconds after FIN/RST before the end */
	uint32_t udp_idle;	/* seconds: UDP without packets */
	uint32_t other_idle;	/* seconds: ICMP and others */
	uint32_t active;	/* seconds: a record is cut after this long
				   (0: never) */
	int vlan_in_key;	/* 1: the VLAN id is part of the key */
	uint64_t seed;		/* hash seed; 0 draws one at random */
};

/*
 * ended[FLOW_END_ACTIVE] counts record cuts, after which the flow goes on:
 * created == active + the sum of the other ended[] counts.
 */
struct flowtab_stats {
	uint64_t created;		/* flows created */
	uint64_t ended[FLOW_END_MAX];	/* flow ends by reason */
	uint64_t active;		/* flows in the table now */
	uint64_t peak;			/* most flows at once */
	uint64_t lookups;		/* packets looked up */
	uint64_t reused;		/* TCP flows ended by a new SYN */
	uint64_t swapped;		/* flows turned around by a SYN(+ACK) */
};

/*
 * Adds the counters of one table's stats to another's (several workers'
 * totals); peak becomes the sum of the peaks.
 */
struct flowtab;
void flowtab_stats_add(struct flowtab *to, const struct flowtab *from);

/*
 * Called once for every flow end (and for every active-timeout cut, with
 * FLOW_END_ACTIVE, after which the flow stays).  The flow is valid only
 * during the call; the callback must not call back into the table.
 */
typedef void (*flowtab_end_cb)(struct flow *, uint32_t slot,
    enum flow_end reason, void *arg);

struct flowtab;

/* Fills *c with the built-in defaults. */
void flowtab_conf_defaults(struct flowtab_conf *c);

/*
 * Creates a table of c->max_flows flows (all memory allocated here); a
 * zero c->seed is replaced by one from the kernel.  cb may be NULL.
 * Returns NULL if max_flows is 0 or above 2^31, or on failure.
 */
struct flowtab *flowtab_new(const struct flowtab_conf *c, flowtab_end_cb cb,
    void *arg);
/* Frees the table without calling the callback. */
void flowtab_free(struct flowtab *);

/*
 * Finds or creates the flow of p (an IP packet) and counts p in it.
 * *dir is set to FLOW_C2S or FLOW_S2C for p; *isnew to 1 when the flow was
 * created by this packet.  May end the oldest flow (table full; one
 * already past its timeout ends as idle rather than evicted), a flow found
 * idle past its timeout or a reused TCP flow, or cut an active-timeout
 * record, through the callback before it returns.  Never allocates.
 * Returns the flow, owned by the table, or NULL if p is not IP (ipver 0).
 */
struct flow *flowtab_update(struct flowtab *, const struct pkt *p, int *dir,
    int *isnew);

/*
 * Ends every flow idle past its timeout at packet time now (microseconds),
 * least recently active first.  Cheap when nothing is due.
 */
void flowtab_expire(struct flowtab *, uint64_t now);
/*
 * Moves the table's clock (the latest packet time) to now if it is later:
 * a worker that sees only some of a capture's packets keeps the clock of
 * all of them.  flowtab_update() moves it too.
 */
void flowtab_clock(struct flowtab *, uint64_t now);
/* Ends every flow, least recently active first (end of input). */
void flowtab_flush(struct flowtab *);

/*
 * The flow in slot, which the caller knows to be in use (a later stage
 * that keeps per-slot state and was not told the flow ended).
 */
struct flow *flowtab_get(struct flowtab *, uint32_t slot);
/* Slot of a flow: a stable index in [0, max_flows) while it lives. */
uint32_t flowtab_slot(const struct flowtab *, const struct flow *);
uint32_t flowtab_capacity(const struct flowtab *);
const struct flowtab_stats *flowtab_stats(const struct flowtab *);
const char *flowtab_end_name(enum flow_end);
/* How the ends were told apart: "syn", "syn-ack", "port". */
const char *flowtab_dir_name(enum flow_dir_by);

#endif

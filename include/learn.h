/*
 * learn.h - drafts a site inventory from traffic (vmswatch --learn): the
 * hosts seen with their addresses and MACs, zones (the subnets DHCP
 * servers told of, else /24s or /64s), and the roles the documented flows
 * of the rules file say each host plays.
 * Beside the policy, fed by the pipeline with every ended flow; nothing
 * of it runs on a sensor.
 *
 * A role is inferred only from flows some rule documents (on their port,
 * or, for a protocol the rules give to one service, on another port),
 * from the side of the rule the host is on, and weighed by whether the
 * peer's inferred role is the rule's other side; the roles are worked out
 * again until they settle.  Roles that explain a host as well as the one
 * chosen are written beside it in the draft.  A host that does more
 * undocumented than documented things gets no role, whatever it
 * resembles: a guess must never make a violation look documented.
 */
#ifndef VW_LEARN_H
#define VW_LEARN_H

#include <netinet/in.h>
#include <stdio.h>

#include "classify.h"
#include "decode.h"
#include "flowtab.h"
#include "rules.h"

struct learn;

/* A learner over ruleset rs (borrowed: it must outlive the learner). */
struct learn *learn_new(const struct ruleset *rs);
void learn_free(struct learn *);

/*
 * Takes note of ended flow f (its ends, MACs, server port, whether the
 * server answered) and of the protocol family DPI saw in it (a service
 * moved off its documented port is told by its protocol, as the policy
 * tells it).  Returns 0, or -1 when out of memory (the flow is not
 * counted).  Allocates as new ends and pairs appear: an offline mode.
 */
int learn_flow(struct learn *, const struct flow *f,
    enum classify_family fam);

/*
 * Reads p if it is a DHCP server's offer or acknowledgement (UDP from
 * port 67, RFC 2131), taking note of the subnet mask (option 1) and
 * router (option 3) of the address handed out: the first word on a
 * subnet stands.  Any other packet is ignored; nothing is allocated.
 */
void learn_packet(struct learn *, const struct pkt *p);
/*
 * 1 when learn_packet() could take something from p (an IPv4 UDP packet
 * from port 67 with its header): what a pipeline whose learner is on
 * another thread passes on.
 */
static inline int
learn_packet_wanted(const struct pkt *p)
{
	return p->ipver == 4 && p->proto == IPPROTO_UDP && p->sport == 67 &&
	    !(p->flags & PKT_F_FRAG_LATER);
}

/*
 * Works the roles out and writes the draft inventory to out (in the
 * format inventory_load() reads), with a summary of what was learned on
 * summary (NULL: none); what names the sources in the draft's header.
 * Returns 0, or -1 on a write error or out of memory.
 */
int learn_write(struct learn *, const char *what, FILE *out, FILE *summary);

#endif

/*
 * communityid.h - the Community ID v1 of a flow (corelight's community-id
 * spec): "1:" and the base64 of a SHA-1 over the seed and the flow's
 * endpoints in a canonical order, so that the same flow gets the same id
 * in vmswatch's alerts and flow records and in Suricata, Zeek or ntopng
 * data.  A shared leaf: alert formats and flow records both use it.
 */
#ifndef VW_COMMUNITYID_H
#define VW_COMMUNITYID_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"

/* "1:" and 28 base64 characters, and the NUL. */
#define COMMUNITYID_LEN	31

/*
 * Writes the Community ID v1 of the flow between src and dst over IP
 * protocol proto to out (len bytes, COMMUNITYID_LEN is enough).  For TCP,
 * UDP and SCTP sport and dport are the ports; for ICMP and ICMPv6 they are
 * the type and code of the packet, mapped to ports as the spec says (a
 * request and its reply get one id); other protocols ignore them.  The
 * direction does not matter.  Returns 0, or -1 when the addresses are of
 * two families, out is too short or the hash failed (out then "").
 */
int communityid_v1(char *out, size_t len, uint16_t seed,
    const struct addr *src, const struct addr *dst, uint8_t proto,
    uint16_t sport, uint16_t dport);

#endif

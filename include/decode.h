/*
 * decode.h - first stage after capture: one captured frame becomes a
 * struct pkt (addresses, ports, transport, VLAN, MACs, pointers into the
 * frame for DPI).  Link types: Ethernet, Linux cooked (SLL, SLL2), raw IP,
 * BSD loopback/null.  Inside: 802.1Q/802.1ad tags, MPLS, PPPoE sessions,
 * GRE (with ERSPAN type II/III), VXLAN, IP-in-IP, IPv4 (options,
 * fragments), IPv6 (extension headers), TCP, UDP, ICMP, ICMPv6, ARP.
 *
 * Every length is checked before it is read; nothing is read past caplen.
 * A malformed frame is counted under its reason and skipped, never logged
 * per packet.  The only state is a small bounded fragment table, so that
 * later IPv4/IPv6 fragments are attributed to the ports of their first.
 *
 * A tunnel is a packet of its own: the packets a frame was carried in are
 * handed out with it (struct pkt.outer), so that the tunnel between its
 * outer ends is a flow as well as what it carries.  A tunnel whose
 * contents do not decode, or are nested deeper than DECODE_MAX_TUNNEL,
 * still yields the tunnel packet itself (PKT_F_INNER_BAD), the reason
 * counted in decode_stats.inner[].
 */
#ifndef VW_DECODE_H
#define VW_DECODE_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"

/* struct pkt.flags */
#define PKT_F_FRAG	0x01	/* part of a fragmented datagram */
#define PKT_F_FRAG_LATER 0x02	/* a non-first fragment: no L4 header */
#define PKT_F_TUNNEL	0x04	/* from inside GRE/ERSPAN/VXLAN/IP-in-IP */
#define PKT_F_L4_TRUNC	0x08	/* transport payload cut by the snap length */
#define PKT_F_INNER_BAD	0x10	/* a tunnel whose contents did not decode
				   (or nest too deep): this is the tunnel */
#define PKT_F_MIRROR	0x20	/* carries ERSPAN: a switch's mirror feed */
#define PKT_F_FRAG_TINY	0x40	/* first fragment shorter than the whole
				   transport header (RFC 1858) */
#define PKT_F_FRAG_OVERLAP 0x80	/* fragment rewriting the transport header
				   of its datagram (RFC 1858 section 3.2) */
#define PKT_F_NO_PORTS	0x100	/* ports unknown: a first fragment of less
				   than 8 transport bytes, or a later one
				   whose datagram is not known; sport and
				   dport are 0, only the addresses count */

/*
 * A decoded packet.  Borrowed: the pointers point into the captured frame
 * and are valid only while the capture callback runs.
 */
struct pkt {
	uint64_t ts;		/* packet time, microseconds since the epoch */
	/*
	 * Its place in the capture, set by the pipeline (0 from the
	 * decoder): the frame's number times PKT_SEQ_PER_FRAME plus the
	 * packet's index in the frame (tunnels first).
	 */
	uint64_t seq;
	uint32_t caplen;	/* bytes captured of the frame */
	uint32_t len;		/* bytes of the frame on the wire */
	uint8_t smac[6];	/* innermost Ethernet source, if has_mac */
	uint8_t dmac[6];
	uint8_t has_mac;
	uint8_t nvlan;		/* 802.1Q/802.1ad tags seen (all layers) */
	uint16_t vlan;		/* innermost VLAN id, 0 when untagged */
	uint16_t outer_vlan;	/* outermost VLAN id, 0 when untagged */
	uint8_t ipver;		/* 4 or 6; 0 for ARP */
	uint8_t proto;		/* transport: IPPROTO_TCP, _UDP, _ICMP, ... */
	uint8_t tcp_flags;	/* TCP flags byte (FIN 0x01 ... CWR 0x80) */
	uint16_t flags;		/* PKT_F_* */
	struct addr src;	/* IP source (ARP: sender protocol address) */
	struct addr dst;	/* IP destination (ARP: target protocol address) */
	uint16_t sport;		/* host order; ICMP: type << 8 | code */
	uint16_t dport;		/* host order; ICMP: 0 */
	uint32_t ip_len;	/* length of the IP datagram on the wire */
	uint32_t tcp_seq;	/* TCP sequence number (host order), else 0 */
	/* The innermost IP header and the bytes of it captured, for DPI. */
	const uint8_t *l3;
	uint32_t l3len;
	/* Transport payload captured (0 for a later fragment). */
	const uint8_t *payload;
	uint32_t paylen;
	/* ARP (ipver == 0): operation, sender and target hardware address. */
	uint16_t arp_op;
	uint8_t arp_sha[6];
	uint8_t arp_tha[6];
	/*
	 * The tunnel packets this one was carried in, outermost first, each
	 * an IP packet described like this one (its payload is the tunnel's
	 * header and contents; nouter 0 in each).  Borrowed from the
	 * decoder: valid until its next decode_packet() call.
	 */
	uint8_t nouter;
	const struct pkt *outer;
};

enum decode_result {
	DECODE_OK = 0,	/* an IP packet: pkt filled */
	DECODE_ARP,	/* an ARP packet: src/dst/arp_* filled */
	DECODE_SKIP,	/* well-formed but nothing to track (LLDP, ...):
			   DR_NOT_IP or DR_NULL_FAMILY */
	DECODE_ERR,	/* malformed or unsupported: counted by reason */
};

/* Why a frame was skipped or rejected; counted in decode_stats. */
enum decode_reason {
	DR_OK = 0,
	DR_LINKTYPE,		/* unsupported link type */
	DR_ETH_SHORT,		/* shorter than an Ethernet header */
	DR_SLL_SHORT,		/* shorter than a Linux cooked header */
	DR_NULL_SHORT,		/* shorter than a BSD loopback header */
	DR_NULL_FAMILY,		/* loopback address family not IP */
	DR_VLAN_SHORT,		/* truncated 802.1Q/802.1ad tag */
	DR_VLAN_DEPTH,		/* more tags than DECODE_MAX_VLANS */
	DR_MPLS_SHORT,		/* truncated MPLS label */
	DR_MPLS_DEPTH,		/* more labels than DECODE_MAX_MPLS */
	DR_MPLS_PAYLOAD,	/* no IP after the bottom label */
	DR_GRE_SHORT,		/* truncated GRE header */
	DR_GRE_VERSION,		/* GRE version/protocol not supported */
	DR_ERSPAN_SHORT,	/* truncated ERSPAN header */
	DR_VXLAN_SHORT,		/* truncated VXLAN header */
	DR_TUNNEL_DEPTH,	/* encapsulations nested deeper than allowed */
	DR_IPV4_SHORT,		/* truncated IPv4 header */
	DR_IPV4_VERSION,	/* version field not 4 */
	DR_IPV4_HLEN,		/* IHL < 5 or beyond the captured bytes */
	DR_IPV4_LEN,		/* total length smaller than the header */
	DR_IPV6_SHORT,		/* truncated IPv6 header */
	DR_IPV6_VERSION,	/* version field not 6 */
	DR_IPV6_EXT,		/* truncated or looping extension headers */
	DR_FRAG_ORPHAN,		/* unused: such fragments decode with
				   PKT_F_NO_PORTS (decode_stats.orphans) */
	DR_TCP_SHORT,		/* truncated TCP header */
	DR_TCP_HLEN,		/* data offset < 5 or beyond the segment */
	DR_UDP_SHORT,		/* truncated UDP header */
	DR_UDP_LEN,		/* UDP length field smaller than 8 */
	DR_ICMP_SHORT,		/* truncated ICMP/ICMPv6 header */
	DR_ARP_SHORT,		/* truncated ARP packet */
	DR_ARP_FORMAT,		/* ARP not Ethernet/IPv4 */
	DR_NOT_IP,		/* well-formed, not IP or ARP (LLDP, CDP, ...) */
	DR_L4_OTHER,		/* unused: such packets decode with ports 0 */
	DR_PPPOE_SHORT,		/* truncated PPPoE session or PPP header */
	DR_MAX
};

#define DECODE_MAX_VLANS	4	/* tags accepted in one frame */
#define DECODE_MAX_MPLS		8	/* labels accepted in one stack */
#define DECODE_MAX_TUNNEL	2	/* tunnels opened in one frame */
/* pkt.seq values one frame spans: its tunnels and the innermost packet. */
#define PKT_SEQ_PER_FRAME	8

struct decode_stats {
	uint64_t packets;		/* frames handed to decode_packet */
	uint64_t ok;			/* IP packets decoded */
	uint64_t arp;			/* ARP packets decoded */
	uint64_t fragments;		/* IP fragments decoded (first, later) */
	uint64_t tunnelled;		/* packets decoded from a tunnel */
	uint64_t reason[DR_MAX];	/* skipped/rejected frames by reason */
	/*
	 * Tunnels whose contents did not decode, by reason: each frame is
	 * also counted in ok (the tunnel packet was decoded), not in reason.
	 */
	uint64_t inner[DR_MAX];
	uint64_t frag_tiny;		/* first fragments: PKT_F_FRAG_TINY */
	uint64_t frag_overlap;		/* fragments: PKT_F_FRAG_OVERLAP */
	uint64_t frag_orphans;		/* later fragments of unknown datagrams
					   (PKT_F_NO_PORTS) */
	uint64_t frag_by_pair;		/* later fragments of an unknown
					   datagram given the ports of the
					   last one between its addresses */
};

struct decoder;

/*
 * Creates a decoder with room for frag_slots pending fragmented datagrams
 * (0: a built-in default).  Returns NULL on allocation failure.
 */
struct decoder *decode_new(unsigned frag_slots);
void decode_free(struct decoder *);

/* 1 when decode_packet() understands the pcap link type dlt. */
int decode_datalink_supported(int dlt);

/*
 * Decodes one frame of link type dlt (a pcap DLT_ value) captured at ts
 * (microseconds), caplen bytes of data captured of len on the wire.
 * Fills *p and returns DECODE_OK or DECODE_ARP; otherwise returns
 * DECODE_SKIP or DECODE_ERR and counts the reason.  Never reads past
 * data + caplen.  *p borrows from data, p->outer from the decoder.
 */
enum decode_result decode_packet(struct decoder *, int dlt, uint64_t ts,
    const uint8_t *data, uint32_t caplen, uint32_t len, struct pkt *p);

/* Counters since decode_new(). */
const struct decode_stats *decode_stats(const struct decoder *);
/*
 * The addresses of a plain frame's only IP packet, cheaply: 1 and *src,
 * *dst as decode_packet() would give them, for an Ethernet frame (VLAN
 * tags allowed) carrying IPv4 that opens no tunnel, or IPv6 carrying TCP,
 * UDP (not VXLAN) or ICMPv6 directly; 0 for anything else, which only
 * decode_packet() can tell.  Nothing is counted or remembered.
 */
int decode_pair(int dlt, const uint8_t *b, uint32_t n, struct addr *src,
    struct addr *dst);
/*
 * on 0: the frames decoded from now are not counted (another worker of
 * the same capture counts them); 1: they are again (the default).
 */
void decode_count(struct decoder *, int on);
/* Adds one decoder's counters to another's (several workers' totals). */
void decode_stats_add(struct decoder *to, const struct decoder *from);
/*
 * IANA keyword of an IP protocol in lower case ("tcp", "udp", "icmp",
 * "ipv6-icmp", "gre", ...), as ECS network.transport wants it; NULL for
 * one without a name here.
 */
const char *decode_proto_name(uint8_t proto);
/*
 * decode_proto_name(), or "ip" for a protocol without a name here: the
 * transport of an alert or of a report line.  Never NULL.
 */
const char *decode_transport_name(uint8_t proto);
/* Room for decode_tcpflags_fmt()'s letters with the NUL. */
#define DECODE_TCPFLAGS_LEN	9
/*
 * TCP flags as letters in tcpdump's order ("FSRPAUEC", one per bit from
 * FIN up), "" when none, into buf of DECODE_TCPFLAGS_LEN bytes.  Returns
 * buf.
 */
char *decode_tcpflags_fmt(uint8_t flags, char *buf);
/* Short stable name of a reason ("ipv4-short"), for summaries and JSON. */
const char *decode_reason_name(enum decode_reason);

#endif

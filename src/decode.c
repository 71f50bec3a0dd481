/*
 * decode.c - the stage after capture: one captured frame becomes a struct
 * pkt for the flow table.  A table of link types leads to the Ethernet,
 * Linux cooked, raw IP and BSD loopback decoders; from there 802.1Q/802.1ad
 * tags, MPLS, PPPoE sessions, IPv4, IPv6 and the transports.  GRE (with
 * ERSPAN), VXLAN and IP-in-IP are opened, so that the packet described is
 * the innermost one; the tunnel packets around it are kept in the decoder
 * and handed out with it, for a tunnel is a flow too.
 *
 * Every read is preceded by a length check that says what it guards.  The
 * packet path never allocates, logs or stops: a frame it cannot use is
 * counted under one reason.  The only state kept between frames is a small
 * table of first fragments, so that later IPv4/IPv6 fragments inherit the
 * ports of their datagram.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "decode.h"

/*
 * pcap link types handled, as pcap_datalink() reports them (pcap/dlt.h and
 * the tcpdump.org link-layer header types list).  DLT_RAW is 12 except on
 * OpenBSD; 101 is LINKTYPE_RAW as stored in files, in case a reader hands
 * it through unmapped.
 */
#define LT_NULL		0
#define LT_EN10MB	1
#define LT_RAW		12
#define LT_RAW_FILE	101
#define LT_LOOP		108
#define LT_LINUX_SLL	113
#define LT_IPV4		228
#define LT_IPV6		229
#define LT_LINUX_SLL2	276

/* Ethernet types (IEEE registry) and GRE protocol types. */
#define ET_IPV4		0x0800
#define ET_ARP		0x0806
#define ET_VLAN		0x8100	/* IEEE 802.1Q customer tag */
#define ET_QINQ		0x88a8	/* IEEE 802.1ad service tag */
#define ET_QINQ_OLD	0x9100	/* pre-standard QinQ tag */
#define ET_IPV6		0x86dd
#define ET_MPLS_UC	0x8847
#define ET_MPLS_MC	0x8848
#define ET_PPPOE	0x8864	/* PPPoE session stage */
#define ET_TEB		0x6558	/* transparent Ethernet bridging */
#define ET_ERSPAN2	0x88be	/* ERSPAN type I and II */
#define ET_ERSPAN3	0x22eb	/* ERSPAN type III */

/* PPP protocol numbers (RFC 1661, RFC 5072). */
#define PPP_IPV4	0x0021
#define PPP_IPV6	0x0057

/* IP protocol numbers (IANA). */
#define IPP_HOPOPTS	0
#define IPP_ICMP	1
#define IPP_IPIP	4
#define IPP_TCP		6
#define IPP_UDP		17
#define IPP_IPV6	41
#define IPP_ROUTING	43
#define IPP_FRAGMENT	44
#define IPP_GRE		47
#define IPP_AH		51
#define IPP_ICMPV6	58
#define IPP_NONE	59
#define IPP_DSTOPTS	60

/* Linux ARPHRD_NETLINK: the cooked protocol field is a netlink family. */
#define ARPHRD_NL	824

#define VXLAN_PORT	4789	/* IANA, RFC 7348 section 5 */

/* IPv6 extension headers followed before giving up on a chain. */
#define V6_MAX_EXT	8

/* Pending fragmented datagrams: default size, bound, probes, lifetime. */
#define FRAG_DEFAULT	1024
#define FRAG_MAX	(1u << 20)
#define FRAG_PROBE	4
#define FRAG_TIMEOUT	(30ULL * 1000000)	/* microseconds */

/*
 * Internal result of a decoder that found an ARP packet; never counted as a
 * reason, it only travels back to decode_packet().
 */
#define R_ARP		DR_MAX

/*
 * The transport ports of a datagram whose first fragment was seen.  Each
 * first fragment also leaves an entry keyed by its addresses alone
 * (pair set, id 0): the ports of the latest datagram between them, for a
 * later fragment whose own first fragment was missed or came late.
 */
struct frag_ent {
	struct addr src, dst;
	uint64_t ts;		/* packet time of the first fragment */
	uint32_t id;		/* IPv4 identification, IPv6 fragment id */
	uint16_t sport, dport;
	uint16_t shown;		/* bytes of the transport header the first
				   fragment showed: a later fragment must
				   not start inside them */
	uint8_t kproto;		/* IPv4 protocol (in the key); IPv6: 0 */
	uint8_t proto;		/* transport of the datagram */
	uint8_t pair;		/* keyed by the addresses only */
	uint8_t used;
};

/* The state of one decode_packet() call, passed down the layers. */
struct ctx {
	struct decoder *d;
	struct pkt *p;
	unsigned tunnels;	/* encapsulations opened so far */
};

/* Decodes n bytes at b, returns DR_OK, R_ARP or the reason to count. */
typedef int (*layer_fn)(struct ctx *, const uint8_t *, uint32_t);

struct decoder {
	struct decode_stats st;
	/* Where counts go: st, or scratch (decode_count()). */
	struct decode_stats *cnt;
	struct decode_stats scratch;
	/* The tunnel packets around the current one, outermost first. */
	struct pkt layer[DECODE_MAX_TUNNEL];
	struct frag_ent *frag;	/* nfrag slots, a power of two */
	uint32_t fmask;		/* nfrag - 1 */
	uint32_t seed;
	int dlt;		/* link type of the last frame, -1 at first */
	layer_fn link;		/* its decoder, NULL if unsupported */
};

static const char *const reason_names[DR_MAX] = {
	[DR_OK] = "ok",
	[DR_LINKTYPE] = "linktype",
	[DR_ETH_SHORT] = "eth-short",
	[DR_SLL_SHORT] = "sll-short",
	[DR_NULL_SHORT] = "null-short",
	[DR_NULL_FAMILY] = "null-family",
	[DR_VLAN_SHORT] = "vlan-short",
	[DR_VLAN_DEPTH] = "vlan-depth",
	[DR_MPLS_SHORT] = "mpls-short",
	[DR_MPLS_DEPTH] = "mpls-depth",
	[DR_MPLS_PAYLOAD] = "mpls-payload",
	[DR_GRE_SHORT] = "gre-short",
	[DR_GRE_VERSION] = "gre-version",
	[DR_ERSPAN_SHORT] = "erspan-short",
	[DR_VXLAN_SHORT] = "vxlan-short",
	[DR_TUNNEL_DEPTH] = "tunnel-depth",
	[DR_IPV4_SHORT] = "ipv4-short",
	[DR_IPV4_VERSION] = "ipv4-version",
	[DR_IPV4_HLEN] = "ipv4-hlen",
	[DR_IPV4_LEN] = "ipv4-len",
	[DR_IPV6_SHORT] = "ipv6-short",
	[DR_IPV6_VERSION] = "ipv6-version",
	[DR_IPV6_EXT] = "ipv6-ext",
	[DR_FRAG_ORPHAN] = "frag-orphan",
	[DR_TCP_SHORT] = "tcp-short",
	[DR_TCP_HLEN] = "tcp-hlen",
	[DR_UDP_SHORT] = "udp-short",
	[DR_UDP_LEN] = "udp-len",
	[DR_ICMP_SHORT] = "icmp-short",
	[DR_ARP_SHORT] = "arp-short",
	[DR_ARP_FORMAT] = "arp-format",
	[DR_NOT_IP] = "not-ip",
	[DR_L4_OTHER] = "l4-other",
	[DR_PPPOE_SHORT] = "pppoe-short",
};

/*
 * Copying this resets a struct pkt: compilers turn the copy into a few
 * vector stores, where a memset of the same size may become a slow string
 * instruction on the hottest line of the program.
 */
static const struct pkt pkt_zero;

static int dec_ether(struct ctx *, const uint8_t *, uint32_t);
static int dec_ipv4(struct ctx *, const uint8_t *, uint32_t);
static int dec_ipv6(struct ctx *, const uint8_t *, uint32_t);

/* Byte readers: wire fields are read byte by byte, never through casts. */
static inline uint16_t
be16(const uint8_t *b)
{
	return (uint16_t)(b[0] << 8 | b[1]);
}

static inline uint32_t
be32(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	    (uint32_t)b[2] << 8 | b[3];
}

static inline uint32_t
le32(const uint8_t *b)
{
	return (uint32_t)b[3] << 24 | (uint32_t)b[2] << 16 |
	    (uint32_t)b[1] << 8 | b[0];
}

static inline uint32_t
min32(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

/*
 * Fragment table.  Open addressing over FRAG_PROBE neighbouring slots: a
 * first fragment takes a free or expired slot among them, or else the
 * oldest, so a flood of fragments costs old entries and never memory.
 */
static uint32_t
frag_hash(const struct decoder *d, const struct addr *src,
    const struct addr *dst, uint32_t id, uint8_t kproto, uint8_t pair)
{
	uint32_t h = d->seed ^ id ^ (uint32_t)kproto << 24 ^
	    (uint32_t)pair << 16, w;
	int i;

	for (i = 0; i < 16; i += 4) {
		memcpy(&w, src->b + i, 4);
		h = (h ^ w) * 0x9e3779b1u;
		h ^= h >> 15;
		memcpy(&w, dst->b + i, 4);
		h = (h ^ w) * 0x85ebca77u;
		h ^= h >> 13;
	}
	return h;
}

static inline int
frag_match(const struct frag_ent *e, const struct addr *src,
    const struct addr *dst, uint32_t id, uint8_t kproto, uint8_t pair)
{
	return e->used && e->id == id && e->kproto == kproto &&
	    e->pair == pair &&
	    memcmp(&e->src, src, sizeof(*src)) == 0 &&
	    memcmp(&e->dst, dst, sizeof(*dst)) == 0;
}

/* An entry is stale 30 s after its first fragment, on packet time. */
static inline int
frag_expired(const struct frag_ent *e, uint64_t now)
{
	return now > e->ts && now - e->ts > FRAG_TIMEOUT;
}

/*
 * Remembers the ports of the datagram whose first fragment p is, keyed by
 * id (pair 0) or by the addresses alone (pair 1, id 0).  Returns 1 when
 * the datagram was known with other ports: a second first fragment
 * rewriting the transport header.
 */
static int
frag_put(struct decoder *d, const struct pkt *p, uint32_t id,
    uint8_t kproto, uint8_t pair, uint16_t shown)
{
	struct frag_ent *e, *victim = NULL;
	uint32_t h = frag_hash(d, &p->src, &p->dst, id, kproto, pair);
	int i, rewritten = 0;

	for (i = 0; i < FRAG_PROBE; i++) {
		e = &d->frag[(h + (uint32_t)i) & d->fmask];
		if (frag_match(e, &p->src, &p->dst, id, kproto, pair) &&
		    !frag_expired(e, p->ts)) {
			rewritten = !pair && (e->proto != p->proto ||
			    e->sport != p->sport || e->dport != p->dport);
			victim = e;
			break;
		}
		if (!e->used || frag_expired(e, p->ts)) {
			victim = e;
			break;
		}
		if (victim == NULL || e->ts < victim->ts)
			victim = e;
	}
	/* The first of two first fragments keeps its ports. */
	if (rewritten)
		return 1;
	victim->src = p->src;
	victim->dst = p->dst;
	victim->ts = p->ts;
	victim->id = id;
	victim->kproto = kproto;
	victim->proto = p->proto;
	victim->sport = p->sport;
	victim->dport = p->dport;
	victim->shown = shown;
	victim->pair = pair;
	victim->used = 1;
	return 0;
}

/*
 * A first fragment with its ports: remembered for its later fragments, and
 * as the latest datagram between its addresses.  shown is what it showed
 * of the transport header, which a later fragment must leave alone.
 */
static void
frag_store(struct decoder *d, struct pkt *p, uint32_t id, uint8_t kproto,
    uint16_t shown)
{
	if (frag_put(d, p, id, kproto, 0, shown)) {
		p->flags |= PKT_F_FRAG_OVERLAP;
		d->cnt->frag_overlap++;
	}
	frag_put(d, p, 0, kproto, 1, shown);
}

/* The entry of the datagram p is a later fragment of, or NULL. */
static const struct frag_ent *
frag_find(struct decoder *d, const struct pkt *p, uint32_t id,
    uint8_t kproto, uint8_t pair)
{
	struct frag_ent *e;
	uint32_t h = frag_hash(d, &p->src, &p->dst, id, kproto, pair);
	int i;

	for (i = 0; i < FRAG_PROBE; i++) {
		e = &d->frag[(h + (uint32_t)i) & d->fmask];
		if (!frag_match(e, &p->src, &p->dst, id, kproto, pair))
			continue;
		if (frag_expired(e, p->ts)) {
			e->used = 0;
			return NULL;
		}
		return e;
	}
	return NULL;
}

/* The shortest transport header of proto a fragment could hide. */
static uint16_t
frag_min_hlen(uint8_t proto)
{
	switch (proto) {
	case IPP_TCP:
		return 20;
	case IPP_UDP:
	case IPP_ICMP:
	case IPP_ICMPV6:
		return 8;
	}
	return 0;
}

/*
 * A later fragment, off bytes into its datagram: no transport header, the
 * ports come from the table.  proto is the protocol the fragment names
 * itself.  One whose datagram is unknown takes the ports of the latest
 * datagram between the same addresses, or else none (PKT_F_NO_PORTS): it
 * is judged by its addresses, never only counted.  Always DR_OK.
 */
static int
frag_later(struct ctx *c, uint32_t id, uint8_t kproto, uint8_t proto,
    uint32_t off)
{
	struct pkt *p = c->p;
	const struct frag_ent *e;

	p->flags |= PKT_F_FRAG | PKT_F_FRAG_LATER;
	if ((e = frag_find(c->d, p, id, kproto, 0)) != NULL) {
		/*
		 * RFC 1858 section 3.2: a fragment starting inside the
		 * transport header its first fragment showed rewrites it
		 * (the flags of an allowed connection become a SYN to
		 * another port).
		 */
		if (off < e->shown) {
			p->flags |= PKT_F_FRAG_OVERLAP;
			c->d->cnt->frag_overlap++;
		}
	} else if ((e = frag_find(c->d, p, 0, kproto, 1)) != NULL &&
	    e->proto == proto)
		c->d->cnt->frag_by_pair++;
	else
		e = NULL;
	if (e != NULL) {
		p->proto = e->proto;
		p->sport = e->sport;
		p->dport = e->dport;
		return DR_OK;
	}
	p->proto = proto;
	/* A protocol without ports needs no first fragment to find its flow. */
	if (frag_min_hlen(proto) == 0)
		return DR_OK;
	p->flags |= PKT_F_NO_PORTS;
	c->d->cnt->frag_orphans++;
	return DR_OK;
}

/*
 * A first fragment too short for its whole transport header (RFC 1858
 * section 3.1): b holds n captured bytes of the wire bytes it carries.
 * The ports make or find the flow when the 8 bytes every first fragment
 * should carry are there (RFC 791 fragments on 8-byte boundaries);
 * otherwise only the addresses are known.  Always DR_OK.
 */
static int
frag_tiny(struct ctx *c, const uint8_t *b, uint32_t n, uint32_t wire)
{
	struct pkt *p = c->p;

	p->flags |= PKT_F_FRAG_TINY;
	c->d->cnt->frag_tiny++;
	/* Source and destination ports: 4 of the 8 bytes. */
	if (n < 8 || wire < 8) {
		p->flags |= PKT_F_NO_PORTS;
		return DR_OK;
	}
	p->sport = be16(b);
	p->dport = be16(b + 2);
	/* The TCP flags byte, if this part of the header came along. */
	if (p->proto == IPP_TCP && n >= 14 && wire >= 14)
		p->tcp_flags = b[13];
	return DR_OK;
}

/*
 * The bytes of the transport header a first fragment shows: its header
 * (a TCP header with the options its data offset announces, read from the
 * n captured bytes at b), as far as the wire bytes of the fragment go.
 */
static uint16_t
frag_shown(uint8_t proto, const uint8_t *b, uint32_t n, uint32_t wire)
{
	uint32_t hl = frag_min_hlen(proto);

	/* The TCP data offset: byte 12. */
	if (proto == IPP_TCP && n >= 13 && (uint32_t)(b[12] >> 4) * 4 > hl)
		hl = (uint32_t)(b[12] >> 4) * 4;
	return (uint16_t)min32(hl, wire);
}

/* What follows an IP header or a tunnel header, as the packet's payload. */
static inline void
set_payload(struct pkt *p, const uint8_t *b, uint32_t n, uint32_t wire)
{
	p->payload = b;
	p->paylen = n;
	if (n < wire)
		p->flags |= PKT_F_L4_TRUNC;
}

/*
 * Opens one more encapsulation around the packet described so far, whose
 * payload (the tunnel's header and contents) must be set: that packet is
 * kept as a layer, and the one described from here on is the inner one,
 * so the outer packet's flags no longer apply.  Returns -1 when the
 * nesting is as deep as accepted.
 */
static int
tunnel_open(struct ctx *c)
{
	if (c->tunnels >= DECODE_MAX_TUNNEL)
		return -1;
	c->d->layer[c->tunnels++] = *c->p;
	c->p->flags = PKT_F_TUNNEL;
	return 0;
}

/*
 * A tunnel nested deeper than accepted: the tunnel packet described so
 * far is the innermost one handed out, its contents counted as unopened.
 */
static int
tunnel_too_deep(struct ctx *c)
{
	c->p->flags |= PKT_F_INNER_BAD;
	c->d->cnt->inner[DR_TUNNEL_DEPTH]++;
	return DR_OK;
}

/* VXLAN, RFC 7348: an 8-byte header, then an Ethernet frame. */
static int
dec_vxlan(struct ctx *c, const uint8_t *b, uint32_t n)
{
	/* Flags, reserved, VNI, reserved: 8 bytes (section 5). */
	if (n < 8)
		return DR_VXLAN_SHORT;
	return dec_ether(c, b + 8, n - 8);
}

/*
 * GRE, RFC 2784, with the key and sequence number of RFC 2890.  Payloads:
 * IPv4, IPv6, Ethernet (transparent bridging), ERSPAN type I/II and III
 * (draft-foschiano-erspan).
 */
static int
dec_gre(struct ctx *c, const uint8_t *b, uint32_t n)
{
	uint32_t hl;
	uint16_t fl, type;

	/* Flags and version, protocol type: 4 bytes. */
	if (n < 4)
		return DR_GRE_SHORT;
	fl = be16(b);
	type = be16(b + 2);
	/* Version 0 only, and not the RFC 1701 routing field. */
	if ((fl & 0x0007) != 0 || (fl & 0x4000) != 0)
		return DR_GRE_VERSION;
	hl = 4;
	if (fl & 0x8000)	/* C: checksum and reserved1 */
		hl += 4;
	if (fl & 0x2000)	/* K: key */
		hl += 4;
	if (fl & 0x1000)	/* S: sequence number */
		hl += 4;
	/* The optional fields announced by the flags. */
	if (n < hl)
		return DR_GRE_SHORT;
	b += hl;
	n -= hl;

	/*
	 * ERSPAN is how a switch feeds a sensor its mirror: the layer is
	 * marked so that the feed is not taken for traffic of the site.
	 */
	if (type == ET_ERSPAN2 || type == ET_ERSPAN3)
		c->d->layer[c->tunnels - 1].flags |= PKT_F_MIRROR;
	switch (type) {
	case ET_IPV4:
		return dec_ipv4(c, b, n);
	case ET_IPV6:
		return dec_ipv6(c, b, n);
	case ET_TEB:
		break;
	case ET_ERSPAN2:
		/*
		 * Type II sets the S bit and has an 8-byte ERSPAN header;
		 * type I has neither: the mirrored frame follows at once.
		 */
		if (fl & 0x1000) {
			/* The ERSPAN type II header: 8 bytes. */
			if (n < 8)
				return DR_ERSPAN_SHORT;
			b += 8;
			n -= 8;
		}
		break;
	case ET_ERSPAN3:
		/* The ERSPAN type III header: 12 bytes. */
		if (n < 12)
			return DR_ERSPAN_SHORT;
		hl = 12;
		if (b[11] & 0x01)	/* O: platform specific sub-header */
			hl += 8;
		/* The 8-byte platform specific sub-header, if announced. */
		if (n < hl)
			return DR_ERSPAN_SHORT;
		b += hl;
		n -= hl;
		break;
	default:
		return DR_GRE_VERSION;
	}
	return dec_ether(c, b, n);
}

/*
 * The transport of an IP packet: b holds the n captured bytes of the IP
 * payload, which is wire bytes long on the wire.  frag is set for a first
 * fragment: its encapsulations are not opened, as the rest of the inner
 * packet is elsewhere, and a transport header it splits is no error
 * (RFC 1858) but PKT_F_FRAG_TINY.
 */
static int
dec_l4(struct ctx *c, const uint8_t *b, uint32_t n, uint32_t wire, int frag)
{
	struct pkt *p = c->p;
	uint32_t hl, ulen;

	/* A first fragment without even the fixed transport header. */
	if (frag && wire < frag_min_hlen(p->proto))
		return frag_tiny(c, b, n, wire);
	switch (p->proto) {
	case IPP_TCP:
		/* The fixed TCP header: 20 bytes (RFC 9293 section 3.1). */
		if (n < 20)
			return DR_TCP_SHORT;
		hl = (uint32_t)(b[12] >> 4) * 4;
		/* Options that go on into the next fragment. */
		if (frag && hl > wire && hl >= 20)
			return frag_tiny(c, b, n, wire);
		/* Data offset: at least 5 words and within the segment. */
		if (hl < 20 || hl > wire)
			return DR_TCP_HLEN;
		p->sport = be16(b);
		p->dport = be16(b + 2);
		p->tcp_flags = b[13];
		/* Within the 20 bytes checked above. */
		p->tcp_seq = be32(b + 4);
		/* Options cut by the snap length: the ports are still good. */
		if (hl > n) {
			p->flags |= PKT_F_L4_TRUNC;
			return DR_OK;
		}
		p->payload = b + hl;
		p->paylen = n - hl;
		if (n < wire)
			p->flags |= PKT_F_L4_TRUNC;
		return DR_OK;
	case IPP_UDP:
		/* The UDP header: 8 bytes (RFC 768). */
		if (n < 8)
			return DR_UDP_SHORT;
		ulen = be16(b + 4);
		/* The length field counts the header itself. */
		if (ulen < 8)
			return DR_UDP_LEN;
		p->sport = be16(b);
		p->dport = be16(b + 2);
		/*
		 * The datagram ends at the UDP length or at the IP payload,
		 * whichever is shorter (a first fragment carries only part
		 * of what the UDP length announces).
		 */
		hl = min32(ulen, wire) - 8;
		p->payload = b + 8;
		p->paylen = min32(n - 8, hl);
		if (p->paylen < hl)
			p->flags |= PKT_F_L4_TRUNC;
		if (p->dport != VXLAN_PORT || frag)
			return DR_OK;
		/*
		 * VXLAN (RFC 7348 section 5).  Without the I flag the VNI is
		 * not valid and this is some other use of the port: the UDP
		 * datagram as decoded.  The flags byte: 1 byte.
		 */
		if (p->paylen >= 1 && (p->payload[0] & 0x08) == 0)
			return DR_OK;
		if (tunnel_open(c) == -1)
			return tunnel_too_deep(c);
		return dec_vxlan(c, c->d->layer[c->tunnels - 1].payload,
		    c->d->layer[c->tunnels - 1].paylen);
	case IPP_ICMP:
	case IPP_ICMPV6:
		/* Type, code, checksum, rest of header: 8 bytes (RFC 792,
		 * RFC 4443 section 2.1). */
		if (n < 8)
			return DR_ICMP_SHORT;
		p->sport = (uint16_t)(b[0] << 8 | b[1]);
		p->payload = b + 8;
		p->paylen = n - 8;
		if (n < wire)
			p->flags |= PKT_F_L4_TRUNC;
		return DR_OK;
	case IPP_GRE:		/* GRE, RFC 2784 */
	case IPP_IPIP:		/* IP in IP, RFC 2003 */
	case IPP_IPV6:		/* IPv6 in IP, RFC 4213 section 3 */
		set_payload(p, b, n, wire);
		if (frag)
			return DR_OK;
		if (tunnel_open(c) == -1)
			return tunnel_too_deep(c);
		if (p->proto == IPP_GRE)
			return dec_gre(c, b, n);
		if (p->proto == IPP_IPIP)
			return dec_ipv4(c, b, n);
		return dec_ipv6(c, b, n);
	}
	/*
	 * Any other protocol is tracked by addresses and protocol alone; its
	 * payload is what follows the IP header.
	 */
	set_payload(p, b, n, wire);
	return DR_OK;
}

/* IPv4, RFC 791. */
static int
dec_ipv4(struct ctx *c, const uint8_t *b, uint32_t n)
{
	struct pkt *p = c->p;
	uint32_t hl, tot, end;
	uint16_t off;
	int r;

	/* The fixed header: 20 bytes. */
	if (n < 20)
		return DR_IPV4_SHORT;
	if ((b[0] >> 4) != 4)
		return DR_IPV4_VERSION;
	hl = (uint32_t)(b[0] & 0x0f) * 4;
	/* IHL: at least 5 words, options (skipped) all captured. */
	if (hl < 20 || hl > n)
		return DR_IPV4_HLEN;
	tot = be16(b + 2);
	/*
	 * A zero total length is what segmentation offload leaves in a
	 * capture taken on the sender: the captured bytes are all there is.
	 */
	if (tot == 0)
		tot = n;
	/* The total length covers at least the header. */
	if (tot < hl)
		return DR_IPV4_LEN;
	/* What was captured of this datagram; Ethernet padding is not. */
	end = min32(tot, n);

	p->ipver = 4;
	p->proto = b[9];
	p->tcp_flags = 0;
	p->sport = p->dport = 0;
	p->payload = NULL;
	p->paylen = 0;
	addr_from_v4(&p->src, b + 12);
	addr_from_v4(&p->dst, b + 16);
	p->ip_len = tot;
	p->l3 = b;
	p->l3len = end;

	off = be16(b + 6);
	if ((off & 0x3fff) == 0)	/* neither MF nor an offset */
		return dec_l4(c, b + hl, end - hl, tot - hl, 0);

	/* A fragment (section 3.2): key source, destination, protocol, id. */
	if (off & 0x1fff)
		return frag_later(c, be16(b + 4), p->proto, p->proto,
		    (uint32_t)(off & 0x1fff) * 8);
	p->flags |= PKT_F_FRAG;
	r = dec_l4(c, b + hl, end - hl, tot - hl, 1);
	if (r == DR_OK && !(p->flags & PKT_F_NO_PORTS))
		frag_store(c->d, p, be16(b + 4), p->proto,
		    frag_shown(p->proto, b + hl, end - hl, tot - hl));
	return r;
}

/* IPv6, RFC 8200, with its extension headers (section 4). */
static int
dec_ipv6(struct ctx *c, const uint8_t *b, uint32_t n)
{
	struct pkt *p = c->p;
	uint32_t tot, end, off, hl, id = 0;
	uint16_t fo;
	uint8_t nh;
	int i, frag = 0, r = DR_OK;

	/* The fixed header: 40 bytes (section 3). */
	if (n < 40)
		return DR_IPV6_SHORT;
	if ((b[0] >> 4) != 6)
		return DR_IPV6_VERSION;
	/*
	 * A zero payload length is a jumbogram (RFC 2675) or segmentation
	 * offload: the captured bytes are all there is.
	 */
	tot = be16(b + 4);
	tot = tot == 0 ? n : tot + 40;
	/* What was captured of this datagram; Ethernet padding is not. */
	end = min32(tot, n);

	p->ipver = 6;
	p->tcp_flags = 0;
	p->sport = p->dport = 0;
	p->payload = NULL;
	p->paylen = 0;
	addr_from_v6(&p->src, b + 8);
	addr_from_v6(&p->dst, b + 24);
	p->ip_len = tot;
	p->l3 = b;
	p->l3len = end;

	nh = b[6];
	off = 40;
	for (i = 0;; i++) {
		switch (nh) {
		case IPP_HOPOPTS:
		case IPP_ROUTING:
		case IPP_DSTOPTS:
		case IPP_AH:
			/* A bounded chain: loops and floods end here. */
			if (i >= V6_MAX_EXT)
				return DR_IPV6_EXT;
			/* Next header and length: 2 bytes. */
			if (end - off < 2)
				return DR_IPV6_EXT;
			/* AH counts 4-byte words less 2 (RFC 4302 section
			 * 2.2), the others 8-byte words less 1. */
			if (nh == IPP_AH)
				hl = ((uint32_t)b[off + 1] + 2) * 4;
			else
				hl = ((uint32_t)b[off + 1] + 1) * 8;
			/* The whole extension header. */
			if (end - off < hl)
				return DR_IPV6_EXT;
			nh = b[off];
			off += hl;
			continue;
		case IPP_FRAGMENT:
			if (i >= V6_MAX_EXT)
				return DR_IPV6_EXT;
			/* The fragment header: 8 bytes (section 4.5). */
			if (end - off < 8)
				return DR_IPV6_EXT;
			fo = be16(b + off + 2);
			nh = b[off];
			/* An atomic fragment (RFC 6946) is a whole packet. */
			if ((fo & 0xfff9) == 0) {
				off += 8;
				continue;
			}
			/* Fragments are keyed by source, destination, id. */
			id = be32(b + off + 4);
			if (fo & 0xfff8)
				return frag_later(c, id, 0, nh, fo & 0xfff8);
			p->flags |= PKT_F_FRAG;
			frag = 1;
			off += 8;
			continue;
		case IPP_NONE:
			/* Nothing follows (section 4.7). */
			p->proto = nh;
			r = DR_OK;
			break;
		default:
			p->proto = nh;
			r = dec_l4(c, b + off, end - off, tot - off, frag);
			break;
		}
		break;
	}
	if (frag && r == DR_OK && !(p->flags & PKT_F_NO_PORTS))
		frag_store(c->d, p, id, 0, frag_shown(p->proto, b + off,
		    end - off, tot - off));
	return r;
}

/* MPLS label stack, RFC 3032, then IPv4 or IPv6 by the version nibble. */
static int
dec_mpls(struct ctx *c, const uint8_t *b, uint32_t n)
{
	int i, bottom;

	for (i = 0, bottom = 0; !bottom; i++) {
		/* No deeper stack than accepted. */
		if (i == DECODE_MAX_MPLS)
			return DR_MPLS_DEPTH;
		/* One label stack entry: 4 bytes. */
		if (n < 4)
			return DR_MPLS_SHORT;
		bottom = b[2] & 0x01;	/* S: bottom of stack */
		b += 4;
		n -= 4;
	}
	/* The version nibble of the payload: 1 byte. */
	if (n < 1)
		return DR_MPLS_PAYLOAD;
	switch (b[0] >> 4) {
	case 4:
		return dec_ipv4(c, b, n);
	case 6:
		return dec_ipv6(c, b, n);
	}
	return DR_MPLS_PAYLOAD;
}

/*
 * PPPoE session stage, RFC 2516 section 4: version/type, code, session id,
 * length, then the PPP protocol field (uncompressed, as section 7 asks).
 */
static int
dec_pppoe(struct ctx *c, const uint8_t *b, uint32_t n)
{
	/* The PPPoE header and the PPP protocol: 8 bytes. */
	if (n < 8)
		return DR_PPPOE_SHORT;
	switch (be16(b + 6)) {
	case PPP_IPV4:
		return dec_ipv4(c, b + 8, n - 8);
	case PPP_IPV6:
		return dec_ipv6(c, b + 8, n - 8);
	}
	/* LCP, IPCP, CHAP and the other control protocols. */
	return DR_NOT_IP;
}

/* ARP, RFC 826, for Ethernet hardware and IPv4 protocol addresses. */
static int
dec_arp(struct ctx *c, const uint8_t *b, uint32_t n)
{
	struct pkt *p = c->p;

	/* Hardware and protocol types and lengths, operation: 8 bytes. */
	if (n < 8)
		return DR_ARP_SHORT;
	if (be16(b) != 1 || be16(b + 2) != ET_IPV4 || b[4] != 6 || b[5] != 4)
		return DR_ARP_FORMAT;
	/* Sender and target hardware and protocol addresses: 20 bytes. */
	if (n < 28)
		return DR_ARP_SHORT;
	p->ipver = 0;
	p->arp_op = be16(b + 6);
	memcpy(p->arp_sha, b + 8, 6);
	memcpy(p->arp_tha, b + 18, 6);
	addr_from_v4(&p->src, b + 14);
	addr_from_v4(&p->dst, b + 24);
	return R_ARP;
}

/* What follows a type field: 802.1Q/802.1ad tags, then the network layer. */
static int
dec_ethertype(struct ctx *c, uint16_t type, const uint8_t *b, uint32_t n)
{
	struct pkt *p = c->p;
	uint16_t vid;
	int tags = 0;

	while (type == ET_VLAN || type == ET_QINQ || type == ET_QINQ_OLD) {
		/* No more tags than accepted in one frame. */
		if (tags == DECODE_MAX_VLANS)
			return DR_VLAN_DEPTH;
		/* Tag control information and the next type: 4 bytes. */
		if (n < 4)
			return DR_VLAN_SHORT;
		vid = be16(b) & 0x0fff;
		if (p->nvlan == 0)
			p->outer_vlan = vid;
		p->vlan = vid;
		p->nvlan++;
		tags++;
		type = be16(b + 2);
		b += 4;
		n -= 4;
	}
	switch (type) {
	case ET_IPV4:
		return dec_ipv4(c, b, n);
	case ET_IPV6:
		return dec_ipv6(c, b, n);
	case ET_ARP:
		return dec_arp(c, b, n);
	case ET_MPLS_UC:
	case ET_MPLS_MC:
		return dec_mpls(c, b, n);
	case ET_PPPOE:
		return dec_pppoe(c, b, n);
	}
	/* LLDP, CDP and other 802.3 length-field frames, ... */
	return DR_NOT_IP;
}

/* Ethernet II / IEEE 802.3. */
static int
dec_ether(struct ctx *c, const uint8_t *b, uint32_t n)
{
	struct pkt *p = c->p;

	/* Destination, source, type or length: 14 bytes. */
	if (n < 14)
		return DR_ETH_SHORT;
	memcpy(p->dmac, b, 6);
	memcpy(p->smac, b + 6, 6);
	p->has_mac = 1;
	return dec_ethertype(c, be16(b + 12), b + 14, n - 14);
}

/*
 * Linux cooked capture (pcap-linktype(7) LINUX_SLL): packet type, ARPHRD
 * type, address length, 8 address bytes, protocol.
 */
static int
dec_sll(struct ctx *c, const uint8_t *b, uint32_t n)
{
	/* The cooked header: 16 bytes. */
	if (n < 16)
		return DR_SLL_SHORT;
	if (be16(b + 2) == ARPHRD_NL)
		return DR_NOT_IP;
	return dec_ethertype(c, be16(b + 14), b + 16, n - 16);
}

/*
 * Linux cooked capture v2 (LINUX_SLL2): protocol, reserved, interface
 * index, ARPHRD type, packet type, address length, 8 address bytes.
 */
static int
dec_sll2(struct ctx *c, const uint8_t *b, uint32_t n)
{
	/* The cooked header: 20 bytes. */
	if (n < 20)
		return DR_SLL_SHORT;
	if (be16(b + 8) == ARPHRD_NL)
		return DR_NOT_IP;
	return dec_ethertype(c, be16(b), b + 20, n - 20);
}

/* BSD AF_INET6 differs between systems: NetBSD/OpenBSD, FreeBSD, macOS. */
static inline int
family_v6(uint32_t af)
{
	return af == 24 || af == 28 || af == 30;
}

/*
 * BSD loopback: a 4-byte address family, in the capturing host's byte
 * order for DLT_NULL, in network order for DLT_LOOP.
 */
static int
dec_family(struct ctx *c, const uint8_t *b, uint32_t n, int loop)
{
	uint32_t be, le;

	/* The address family: 4 bytes. */
	if (n < 4)
		return DR_NULL_SHORT;
	be = be32(b);
	le = loop ? be : le32(b);
	if (be == 2 || le == 2)
		return dec_ipv4(c, b + 4, n - 4);
	if (family_v6(be) || family_v6(le))
		return dec_ipv6(c, b + 4, n - 4);
	return DR_NULL_FAMILY;
}

static int
dec_null(struct ctx *c, const uint8_t *b, uint32_t n)
{
	return dec_family(c, b, n, 0);
}

static int
dec_loop(struct ctx *c, const uint8_t *b, uint32_t n)
{
	return dec_family(c, b, n, 1);
}

/* Raw IP: the version nibble tells IPv4 from IPv6. */
static int
dec_raw(struct ctx *c, const uint8_t *b, uint32_t n)
{
	/* The version nibble: 1 byte. */
	if (n < 1)
		return DR_IPV4_SHORT;
	if ((b[0] >> 4) == 6)
		return dec_ipv6(c, b, n);
	return dec_ipv4(c, b, n);
}

/* The link types understood, with the decoder of their header. */
static const struct linktype {
	int dlt;
	layer_fn decode;
} linktypes[] = {
	{ LT_EN10MB, dec_ether },
	{ LT_LINUX_SLL, dec_sll },
	{ LT_LINUX_SLL2, dec_sll2 },
	{ LT_RAW, dec_raw },
	{ LT_RAW_FILE, dec_raw },
	{ LT_IPV4, dec_ipv4 },
	{ LT_IPV6, dec_ipv6 },
	{ LT_NULL, dec_null },
	{ LT_LOOP, dec_loop },
};

static layer_fn
linktype_find(int dlt)
{
	size_t i;

	for (i = 0; i < sizeof(linktypes) / sizeof(linktypes[0]); i++)
		if (linktypes[i].dlt == dlt)
			return linktypes[i].decode;
	return NULL;
}

struct decoder *
decode_new(unsigned frag_slots)
{
	struct decoder *d;
	uint32_t n;

	if (frag_slots == 0)
		frag_slots = FRAG_DEFAULT;
	if (frag_slots > FRAG_MAX)
		frag_slots = FRAG_MAX;
	for (n = FRAG_PROBE; n < frag_slots; n <<= 1)
		;
	if ((d = calloc(1, sizeof(*d))) == NULL)
		return NULL;
	if ((d->frag = calloc(n, sizeof(*d->frag))) == NULL) {
		free(d);
		return NULL;
	}
	d->fmask = n - 1;
	d->dlt = -1;
	/*
	 * The seed only decides which slots a datagram may use; without
	 * entropy a fixed one still works.
	 */
	if (getentropy(&d->seed, sizeof(d->seed)) == -1)
		d->seed = 0x5bd1e995u;
	d->cnt = &d->st;
	return d;
}

void
decode_free(struct decoder *d)
{
	if (d == NULL)
		return;
	free(d->frag);
	free(d);
}

int
decode_datalink_supported(int dlt)
{
	return linktype_find(dlt) != NULL;
}

enum decode_result
decode_packet(struct decoder *d, int dlt, uint64_t ts, const uint8_t *data,
    uint32_t caplen, uint32_t len, struct pkt *p)
{
	struct ctx c;
	int r;

	*p = pkt_zero;
	p->ts = ts;
	p->caplen = caplen;
	p->len = len;
	c.d = d;
	c.p = p;
	c.tunnels = 0;
	d->cnt->packets++;

	/* A capture has one link type: look it up once, not per frame. */
	if (dlt != d->dlt) {
		d->dlt = dlt;
		d->link = linktype_find(dlt);
	}
	r = d->link != NULL ? d->link(&c, data, caplen) : DR_LINKTYPE;

	/*
	 * The contents of a tunnel did not decode: the tunnel packet, whole
	 * as far as it goes, is what this frame was (its ends still talked),
	 * and the reason is counted as the tunnel's.
	 */
	if (r != DR_OK && r != R_ARP && c.tunnels > 0) {
		d->cnt->inner[r]++;
		*p = d->layer[--c.tunnels];
		p->flags |= PKT_F_INNER_BAD;
		r = DR_OK;
	}
	p->nouter = (uint8_t)c.tunnels;
	p->outer = c.tunnels > 0 ? d->layer : NULL;

	switch (r) {
	case DR_OK:
		d->cnt->ok++;
		if (p->flags & PKT_F_FRAG)
			d->cnt->fragments++;
		if (p->flags & PKT_F_TUNNEL)
			d->cnt->tunnelled++;
		return DECODE_OK;
	case R_ARP:
		d->cnt->arp++;
		if (p->flags & PKT_F_TUNNEL)
			d->cnt->tunnelled++;
		return DECODE_ARP;
	case DR_NOT_IP:
	case DR_NULL_FAMILY:
		d->cnt->reason[r]++;
		return DECODE_SKIP;
	}
	d->cnt->reason[r]++;
	return DECODE_ERR;
}

int
decode_pair(int dlt, const uint8_t *b, uint32_t n, struct addr *src,
    struct addr *dst)
{
	uint32_t hl, i;
	uint16_t et;
	uint8_t proto;

	/* Ethernet only: the destination, source and type, 14 bytes. */
	if (dlt != LT_EN10MB || n < 14)
		return 0;
	et = be16(b + 12);
	b += 14;
	n -= 14;
	/* VLAN tags, as many as decode_packet() takes: 4 bytes each. */
	for (i = 0; et == ET_VLAN || et == ET_QINQ || et == ET_QINQ_OLD;
	    i++) {
		if (i == DECODE_MAX_VLANS || n < 4)
			return 0;
		et = be16(b + 2);
		b += 4;
		n -= 4;
	}
	if (et == ET_IPV4) {
		/* The fixed header, 20 bytes, and its options captured. */
		if (n < 20 || (b[0] >> 4) != 4)
			return 0;
		hl = (uint32_t)(b[0] & 0x0f) * 4;
		if (hl < 20 || hl > n)
			return 0;
		proto = b[9];
		/* A later fragment carries no header to open a tunnel. */
		if ((be16(b + 6) & 0x1fff) == 0 &&
		    (proto == IPP_GRE || proto == IPP_IPIP ||
		    proto == IPP_IPV6 || (proto == IPP_UDP &&
		    (n < hl + 4 || be16(b + hl + 2) == VXLAN_PORT))))
			return 0;
		addr_from_v4(src, b + 12);
		addr_from_v4(dst, b + 16);
		return 1;
	}
	if (et == ET_IPV6) {
		/* The fixed header: 40 bytes; no extension headers here. */
		if (n < 40 || (b[0] >> 4) != 6)
			return 0;
		proto = b[6];
		if (proto != IPP_TCP && proto != IPP_ICMPV6 &&
		    (proto != IPP_UDP || n < 44 ||
		    be16(b + 42) == VXLAN_PORT))
			return 0;
		addr_from_v6(src, b + 8);
		addr_from_v6(dst, b + 24);
		return 1;
	}
	return 0;
}

void
decode_count(struct decoder *d, int on)
{
	d->cnt = on ? &d->st : &d->scratch;
}

const struct decode_stats *
decode_stats(const struct decoder *d)
{
	return &d->st;
}

void
decode_stats_add(struct decoder *dto, const struct decoder *dfrom)
{
	struct decode_stats *to = &dto->st;
	const struct decode_stats *from = &dfrom->st;
	int i;

	to->packets += from->packets;
	to->ok += from->ok;
	to->arp += from->arp;
	to->fragments += from->fragments;
	to->tunnelled += from->tunnelled;
	for (i = 0; i < DR_MAX; i++) {
		to->reason[i] += from->reason[i];
		to->inner[i] += from->inner[i];
	}
	to->frag_tiny += from->frag_tiny;
	to->frag_overlap += from->frag_overlap;
	to->frag_orphans += from->frag_orphans;
	to->frag_by_pair += from->frag_by_pair;
}

const char *
decode_reason_name(enum decode_reason r)
{
	if ((unsigned)r >= DR_MAX || reason_names[r] == NULL)
		return "unknown";
	return reason_names[r];
}

const char *
decode_proto_name(uint8_t proto)
{
	switch (proto) {
	case IPP_TCP:
		return "tcp";
	case IPP_UDP:
		return "udp";
	case IPP_ICMP:
		return "icmp";
	case IPP_ICMPV6:
		return "ipv6-icmp";
	case IPP_GRE:
		return "gre";
	case IPP_IPIP:		/* a tunnel, now a flow of its own */
		return "ipv4";
	case IPP_IPV6:
		return "ipv6";
	case IPP_AH:
		return "ah";
	case 2:
		return "igmp";
	case 50:
		return "esp";
	case 132:
		return "sctp";
	}
	return NULL;
}

const char *
decode_transport_name(uint8_t proto)
{
	const char *n = decode_proto_name(proto);

	return n != NULL ? n : "ip";
}

char *
decode_tcpflags_fmt(uint8_t flags, char *buf)
{
	static const char l[] = "FSRPAUEC";
	int i, o = 0;

	for (i = 0; i < 8; i++)
		if (flags & (1 << i))
			buf[o++] = l[i];
	buf[o] = '\0';
	return buf;
}

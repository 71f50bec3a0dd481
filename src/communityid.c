/*
 * communityid.c - Community ID v1 (corelight's community-id spec):
 *
 *	sha1(seed . saddr . daddr . proto . 0 . sport . dport)
 *
 * every part in network order, the endpoints swapped so that the smaller
 * address (then port) comes first, the digest in base64 after "1:".  ICMP
 * types are mapped to a pair of "ports" as Zeek does, so that an echo and
 * its reply hash alike.  SHA-1 is GnuTLS's, which the remote sink links
 * anyway.
 */
#include <netinet/in.h>
#include <string.h>

#include <gnutls/crypto.h>

#include "communityid.h"

#ifndef IPPROTO_SCTP
#define IPPROTO_SCTP	132
#endif

/* An ICMP type and the type that answers it (a "counter-type"). */
struct communityid_pair {
	uint8_t type, counter;
};

/* ICMPv4: echo, timestamp, information, router solicitation, mask. */
static const struct communityid_pair communityid_icmp4[] = {
	{ 8, 0 }, { 0, 8 }, { 13, 14 }, { 14, 13 }, { 15, 16 }, { 16, 15 },
	{ 10, 9 }, { 17, 18 }, { 18, 17 },
};

/*
 * ICMPv6: echo, router and neighbour discovery, multicast listener,
 * node information (who-are-you), home agent address discovery.
 */
static const struct communityid_pair communityid_icmp6[] = {
	{ 128, 129 }, { 129, 128 }, { 133, 134 }, { 134, 133 },
	{ 135, 136 }, { 136, 135 }, { 130, 131 }, { 131, 130 },
	{ 139, 140 }, { 140, 139 }, { 144, 145 }, { 145, 144 },
};

/*
 * The port pair of an ICMP type and code: (type, counter-type) when the
 * type has one, else (type, code) and the flow is one-way: its endpoints
 * keep their order.
 */
static int
communityid_icmp_ports(int v6, uint16_t *sport, uint16_t *dport)
{
	const struct communityid_pair *t = v6 ? communityid_icmp6 :
	    communityid_icmp4;
	size_t n = v6 ? sizeof(communityid_icmp6) / sizeof(t[0]) :
	    sizeof(communityid_icmp4) / sizeof(t[0]), i;

	for (i = 0; i < n; i++)
		if (t[i].type == *sport) {
			*dport = t[i].counter;
			return 0;
		}
	return 1;
}

static void
communityid_base64(char *out, const uint8_t *in, size_t n)
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i, o = 0;
	uint32_t v;

	for (i = 0; i + 2 < n; i += 3) {
		v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
		out[o++] = b64[v >> 18 & 63];
		out[o++] = b64[v >> 12 & 63];
		out[o++] = b64[v >> 6 & 63];
		out[o++] = b64[v & 63];
	}
	/* SHA-1's 20 bytes leave two over: three characters and one '='. */
	if (n - i == 2) {
		v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
		out[o++] = b64[v >> 18 & 63];
		out[o++] = b64[v >> 12 & 63];
		out[o++] = b64[v >> 6 & 63];
		out[o++] = '=';
	} else if (n - i == 1) {
		v = (uint32_t)in[i] << 16;
		out[o++] = b64[v >> 18 & 63];
		out[o++] = b64[v >> 12 & 63];
		out[o++] = '=';
		out[o++] = '=';
	}
	out[o] = '\0';
}

int
communityid_v1(char *out, size_t len, uint16_t seed,
    const struct addr *src, const struct addr *dst, uint8_t proto,
    uint16_t sport, uint16_t dport)
{
	/* seed 2, two addresses of 16 at most, proto and pad 2, ports 4. */
	uint8_t in[2 + 32 + 2 + 4], digest[20];
	const struct addr *a = src, *b = dst;
	uint16_t pa = sport, pb = dport, t;
	int v4 = addr_is_v4(src), ports, oneway = 0, c;
	size_t alen = v4 ? 4 : 16, off = v4 ? 12 : 0, n = 0;

	if (len > 0)
		out[0] = '\0';
	if (len < COMMUNITYID_LEN || v4 != addr_is_v4(dst))
		return -1;
	ports = proto == IPPROTO_TCP || proto == IPPROTO_UDP ||
	    proto == IPPROTO_SCTP || proto == IPPROTO_ICMP ||
	    proto == IPPROTO_ICMPV6;
	if (proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6)
		oneway = communityid_icmp_ports(proto == IPPROTO_ICMPV6, &pa,
		    &pb);
	if (!ports)
		pa = pb = 0;
	/* The smaller endpoint first; addresses first, then ports. */
	c = memcmp(a->b + off, b->b + off, alen);
	if (!oneway && (c > 0 || (c == 0 && pa > pb))) {
		a = dst;
		b = src;
		t = pa;
		pa = pb;
		pb = t;
	}
	in[n++] = (uint8_t)(seed >> 8);
	in[n++] = (uint8_t)seed;
	memcpy(in + n, a->b + off, alen);
	n += alen;
	memcpy(in + n, b->b + off, alen);
	n += alen;
	in[n++] = proto;
	in[n++] = 0;
	if (ports) {
		in[n++] = (uint8_t)(pa >> 8);
		in[n++] = (uint8_t)pa;
		in[n++] = (uint8_t)(pb >> 8);
		in[n++] = (uint8_t)pb;
	}
	if (gnutls_hash_fast(GNUTLS_DIG_SHA1, in, n, digest) != 0)
		return -1;
	memcpy(out, "1:", 2);
	communityid_base64(out + 2, digest, sizeof(digest));
	return 0;
}

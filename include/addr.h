/*
 * addr.h - IPv4 and IPv6 addresses in one 16-byte form (IPv4 as the
 * IPv4-mapped IPv6 address ::ffff:a.b.c.d), so that flow keys, hashing and
 * prefix tests treat both families alike.  A shared leaf: no pipeline stage.
 */
#ifndef VW_ADDR_H
#define VW_ADDR_H

#include <stddef.h>
#include <stdint.h>

struct addr {
	uint8_t b[16];
};

/* Longest text form of an address (an IPv6 address with IPv4 tail), NUL. */
#define ADDR_STRLEN 46

/* Fills *a from 4 bytes in network order. */
void addr_from_v4(struct addr *a, const uint8_t *v4);
/* Fills *a from 16 bytes in network order. */
void addr_from_v6(struct addr *a, const uint8_t *v6);
/* 1 when *a holds an IPv4 address. */
int addr_is_v4(const struct addr *a);
/* Returns memcmp-style order over the 16 bytes. */
int addr_cmp(const struct addr *a, const struct addr *b);
/*
 * FNV-1a over the address, continuing from seed: for the small tables
 * and sets of later stages (not the flow table's keyed hash).
 */
uint32_t addr_hash(const struct addr *a, uint32_t seed);
/*
 * Writes the text form of *a ("192.0.2.1", "2001:db8::1") to buf, which has
 * room for len bytes (ADDR_STRLEN is always enough).  Returns buf.
 */
char *addr_fmt(const struct addr *a, char *buf, size_t len);
/* Parses a dotted-quad or IPv6 text form.  Returns 0, or -1 if invalid. */
int addr_parse(const char *s, struct addr *a);
/*
 * Parses "addr/len" (or a bare address, a host prefix) into *a and *plen,
 * where plen counts bits of the 128-bit form (IPv4 /24 becomes 120).
 * Host bits must be zero.  Returns 0, or -1 if invalid.
 */
int addr_parse_prefix(const char *s, struct addr *a, unsigned *plen);
/* 1 when *a lies in prefix/plen (plen in 128-bit form). */
int addr_in_prefix(const struct addr *a, const struct addr *prefix,
    unsigned plen);
/* 1 for a multicast (224/4, ff00::/8) or the limited broadcast address. */
int addr_is_group(const struct addr *a);
/*
 * 1 when a is a public address: not private (RFC 1918, RFC 6598 shared),
 * loopback, link-local, multicast, broadcast, unspecified, "this network"
 * (0/8), reserved (240/4), unique-local (fc00::/7), nor IPv4-mapped
 * special.  Documentation ranges (TEST-NET, 2001:db8::/32) count as
 * public, as the Internet stand-ins they are in tests and examples.
 */
int addr_is_public(const struct addr *a);
/* Formats a 6-byte MAC address as "aa:bb:cc:dd:ee:ff" into buf (18 bytes). */
char *addr_fmt_mac(const uint8_t *mac, char *buf, size_t len);
/* Parses "aa:bb:cc:dd:ee:ff".  Returns 0, or -1 if invalid. */
int addr_parse_mac(const char *s, uint8_t *mac);

#endif

/*
 * addr.c - one 16-byte form for IPv4 and IPv6 addresses.  A shared leaf.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "hash.h"

static const uint8_t v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0xff, 0xff };

void
addr_from_v4(struct addr *a, const uint8_t *v4)
{
	memcpy(a->b, v4mapped, 12);
	memcpy(a->b + 12, v4, 4);
}

void
addr_from_v6(struct addr *a, const uint8_t *v6)
{
	memcpy(a->b, v6, 16);
}

int
addr_is_v4(const struct addr *a)
{
	return memcmp(a->b, v4mapped, 12) == 0;
}

uint32_t
addr_hash(const struct addr *a, uint32_t seed)
{
	return hash_fnv1a(HASH_FNV_BASIS ^ seed, a->b, sizeof(a->b));
}

int
addr_cmp(const struct addr *a, const struct addr *b)
{
	return memcmp(a->b, b->b, 16);
}

char *
addr_fmt(const struct addr *a, char *buf, size_t len)
{
	const char *r;

	if (addr_is_v4(a))
		r = inet_ntop(AF_INET, a->b + 12, buf, (socklen_t)len);
	else
		r = inet_ntop(AF_INET6, a->b, buf, (socklen_t)len);
	if (r == NULL && len > 0)
		buf[0] = '\0';
	return buf;
}

int
addr_parse(const char *s, struct addr *a)
{
	uint8_t b[16];

	if (strchr(s, ':') == NULL) {
		if (inet_pton(AF_INET, s, b) != 1)
			return -1;
		addr_from_v4(a, b);
		return 0;
	}
	if (inet_pton(AF_INET6, s, b) != 1)
		return -1;
	addr_from_v6(a, b);
	return 0;
}

int
addr_parse_prefix(const char *s, struct addr *a, unsigned *plen)
{
	char buf[ADDR_STRLEN + 5], *slash, *end;
	unsigned long n, max;
	struct addr masked;
	int v4;

	if (strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	if ((slash = strchr(buf, '/')) != NULL)
		*slash++ = '\0';
	if (addr_parse(buf, a) == -1)
		return -1;
	v4 = addr_is_v4(a);
	max = v4 ? 32 : 128;
	n = max;
	if (slash != NULL) {
		if (*slash < '0' || *slash > '9')
			return -1;
		n = strtoul(slash, &end, 10);
		if (*end != '\0' || n > max)
			return -1;
	}
	*plen = (unsigned)(v4 ? n + 96 : n);
	/* Host bits set is a typo more often than intent: refuse it. */
	masked = *a;
	for (unsigned i = *plen; i < 128; i++)
		masked.b[i / 8] &= (uint8_t)~(0x80 >> (i % 8));
	if (addr_cmp(&masked, a) != 0)
		return -1;
	return 0;
}

int
addr_in_prefix(const struct addr *a, const struct addr *prefix,
    unsigned plen)
{
	unsigned full = plen / 8, rest = plen % 8;
	uint8_t mask;

	if (plen > 128)
		return 0;
	if (memcmp(a->b, prefix->b, full) != 0)
		return 0;
	if (rest == 0)
		return 1;
	mask = (uint8_t)(0xff << (8 - rest));
	return (a->b[full] & mask) == (prefix->b[full] & mask);
}

char *
addr_fmt_mac(const uint8_t *mac, char *buf, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	char tmp[18];
	int i;

	/* Written by hand: it runs for both ends of every flow record. */
	for (i = 0; i < 6; i++) {
		tmp[i * 3] = hex[mac[i] >> 4];
		tmp[i * 3 + 1] = hex[mac[i] & 15];
		tmp[i * 3 + 2] = i < 5 ? ':' : '\0';
	}
	if (len > 0) {
		if (len > sizeof(tmp))
			len = sizeof(tmp);
		memcpy(buf, tmp, len - 1);
		buf[len - 1] = '\0';
	}
	return buf;
}

int
addr_parse_mac(const char *s, uint8_t *mac)
{
	unsigned v[6];
	char tail;
	int i;

	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &v[0], &v[1], &v[2],
	    &v[3], &v[4], &v[5], &tail) != 6)
		return -1;
	for (i = 0; i < 6; i++)
		mac[i] = (uint8_t)v[i];
	return 0;
}

int
addr_is_group(const struct addr *a)
{
	if (addr_is_v4(a))
		return (a->b[12] & 0xf0) == 0xe0 ||
		    (a->b[12] == 255 && a->b[13] == 255 && a->b[14] == 255 &&
		    a->b[15] == 255);
	return a->b[0] == 0xff;
}

int
addr_is_public(const struct addr *a)
{
	static const uint8_t zero[16];
	const uint8_t *v4 = a->b + 12;

	if (addr_is_group(a))
		return 0;
	if (addr_is_v4(a)) {
		if (v4[0] == 0 || v4[0] == 10 || v4[0] == 127 ||
		    v4[0] >= 240)
			return 0;
		if (v4[0] == 172 && (v4[1] & 0xf0) == 16)
			return 0;
		if (v4[0] == 192 && v4[1] == 168)
			return 0;
		if (v4[0] == 169 && v4[1] == 254)
			return 0;
		if (v4[0] == 100 && (v4[1] & 0xc0) == 64)
			return 0;
		return 1;
	}
	if (memcmp(a->b, zero, 15) == 0)
		return 0;			/* :: and ::1 */
	if ((a->b[0] & 0xfe) == 0xfc)
		return 0;			/* fc00::/7 unique local */
	if (a->b[0] == 0xfe && (a->b[1] & 0xc0) == 0x80)
		return 0;			/* fe80::/10 link-local */
	return 1;
}

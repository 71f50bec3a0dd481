/*
 * craft.c - frame builder and pcap writer for tests and generators.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "craft.h"

struct craft_pcap {
	FILE *fp;
	int own;
};

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = (v >> 16) & 0xff;
	p[2] = (v >> 8) & 0xff;
	p[3] = v & 0xff;
}

uint16_t
craft_cksum(const void *data, size_t len, uint32_t sum)
{
	const uint8_t *p = data;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Partial sum (not complemented) over len bytes. */
static uint32_t
sum16(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

size_t
craft_ip(uint8_t *out, size_t cap, const struct craft_spec *s)
{
	uint8_t a4[2][4], a6[2][16];
	int v6 = strchr(s->src, ':') != NULL;
	size_t iph = v6 ? 40 : 20, l4h, total;
	uint8_t *l4;
	uint32_t ps;

	if (v6) {
		if (inet_pton(AF_INET6, s->src, a6[0]) != 1 ||
		    inet_pton(AF_INET6, s->dst, a6[1]) != 1)
			return 0;
	} else if (inet_pton(AF_INET, s->src, a4[0]) != 1 ||
	    inet_pton(AF_INET, s->dst, a4[1]) != 1)
		return 0;
	switch (s->proto) {
	case IPPROTO_TCP:
		l4h = 20;
		break;
	case IPPROTO_UDP:
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		l4h = 8;
		break;
	default:
		l4h = 0;
	}
	total = iph + l4h + s->plen;
	if (total > cap || total > 65535)
		return 0;
	memset(out, 0, iph + l4h);
	if (v6) {
		out[0] = 0x60;
		put16(out + 4, (uint16_t)(l4h + s->plen));
		out[6] = s->proto;
		out[7] = s->ttl ? s->ttl : 64;
		memcpy(out + 8, a6[0], 16);
		memcpy(out + 24, a6[1], 16);
	} else {
		out[0] = 0x45;
		put16(out + 2, (uint16_t)total);
		put16(out + 4, s->ipid);
		out[6] = 0x40;	/* DF */
		out[8] = s->ttl ? s->ttl : 64;
		out[9] = s->proto;
		memcpy(out + 12, a4[0], 4);
		memcpy(out + 16, a4[1], 4);
		put16(out + 10, craft_cksum(out, 20, 0));
	}
	l4 = out + iph;
	if (s->plen)
		memcpy(l4 + l4h, s->payload, s->plen);
	/* Pseudo-header sum for TCP/UDP/ICMPv6 (RFC 793, 768, 8200). */
	if (v6) {
		ps = sum16(out + 8, 32) + (uint32_t)(l4h + s->plen) + s->proto;
	} else {
		ps = sum16(out + 12, 8) + (uint32_t)(l4h + s->plen) + s->proto;
	}
	switch (s->proto) {
	case IPPROTO_TCP:
		put16(l4, s->sport);
		put16(l4 + 2, s->dport);
		put32(l4 + 4, s->seq);
		put32(l4 + 8, s->ack);
		l4[12] = 5 << 4;
		l4[13] = s->tcp_flags;
		put16(l4 + 14, 65535);
		put16(l4 + 16, craft_cksum(l4, l4h + s->plen, ps));
		break;
	case IPPROTO_UDP:
		put16(l4, s->sport);
		put16(l4 + 2, s->dport);
		put16(l4 + 4, (uint16_t)(l4h + s->plen));
		put16(l4 + 6, craft_cksum(l4, l4h + s->plen, ps));
		if (l4[6] == 0 && l4[7] == 0)
			l4[6] = l4[7] = 0xff;
		break;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		l4[0] = (uint8_t)s->sport;
		l4[1] = (uint8_t)s->dport;
		put16(l4 + 2, craft_cksum(l4, l4h + s->plen,
		    s->proto == IPPROTO_ICMPV6 ? ps : 0));
		break;
	}
	return total;
}

size_t
craft_frame(uint8_t *out, size_t cap, const struct craft_spec *s)
{
	size_t l2 = s->vlan ? 18 : 14, n;

	if (cap < l2)
		return 0;
	memcpy(out, s->dmac, 6);
	memcpy(out + 6, s->smac, 6);
	if (s->vlan) {
		put16(out + 12, 0x8100);
		put16(out + 14, s->vlan & 0x0fff);
	}
	put16(out + l2 - 2, strchr(s->src, ':') ? 0x86dd : 0x0800);
	n = craft_ip(out + l2, cap - l2, s);
	return n ? l2 + n : 0;
}

struct craft_pcap *
craft_pcap_open(const char *path, int dlt)
{
	struct craft_pcap *w;
	uint8_t h[24];

	if ((w = calloc(1, sizeof(*w))) == NULL)
		return NULL;
	if (strcmp(path, "-") == 0)
		w->fp = stdout;
	else {
		if ((w->fp = fopen(path, "wb")) == NULL) {
			free(w);
			return NULL;
		}
		w->own = 1;
	}
	/* Classic pcap, native byte order, microsecond times. */
	uint32_t magic = 0xa1b2c3d4, snap = 262144, link = (uint32_t)dlt;
	uint16_t maj = 2, min = 4;
	memset(h, 0, sizeof(h));
	memcpy(h, &magic, 4);
	memcpy(h + 4, &maj, 2);
	memcpy(h + 6, &min, 2);
	memcpy(h + 16, &snap, 4);
	memcpy(h + 20, &link, 4);
	if (fwrite(h, sizeof(h), 1, w->fp) != 1) {
		craft_pcap_close(w);
		return NULL;
	}
	return w;
}

int
craft_pcap_write(struct craft_pcap *w, uint64_t ts, const void *data,
    uint32_t caplen, uint32_t len)
{
	uint32_t r[4];

	r[0] = (uint32_t)(ts / 1000000);
	r[1] = (uint32_t)(ts % 1000000);
	r[2] = caplen;
	r[3] = len;
	if (fwrite(r, sizeof(r), 1, w->fp) != 1 ||
	    (caplen && fwrite(data, caplen, 1, w->fp) != 1))
		return -1;
	return 0;
}

int
craft_pcap_close(struct craft_pcap *w)
{
	int rc = 0;

	if (w == NULL)
		return 0;
	if (w->own)
		rc = fclose(w->fp);
	else
		rc = fflush(w->fp);
	free(w);
	return rc == 0 ? 0 : -1;
}

void
craft_conv_init(struct craft_conv *cv, struct craft_pcap *out,
    const uint8_t *cmac, const char *caddr, uint16_t cport,
    const uint8_t *smac, const char *saddr, uint16_t sport, uint8_t proto,
    uint16_t vlan)
{
	memset(cv, 0, sizeof(*cv));
	cv->out = out;
	memcpy(cv->c2s.smac, cmac, 6);
	memcpy(cv->c2s.dmac, smac, 6);
	cv->c2s.src = caddr;
	cv->c2s.dst = saddr;
	cv->c2s.sport = cport;
	cv->c2s.dport = sport;
	cv->c2s.proto = proto;
	cv->c2s.vlan = vlan;
	/* Deterministic but distinct initial sequence numbers. */
	cv->cseq = 0x10000000u + (uint32_t)cport * 7919u;
	cv->sseq = 0x50000000u + (uint32_t)sport * 104729u;
}

static int
conv_emit(struct craft_conv *cv, uint64_t ts, int dir, uint8_t flags,
    const void *data, size_t len)
{
	static uint8_t buf[70000];
	struct craft_spec s = cv->c2s;
	size_t n;

	if (dir) {
		memcpy(s.smac, cv->c2s.dmac, 6);
		memcpy(s.dmac, cv->c2s.smac, 6);
		s.src = cv->c2s.dst;
		s.dst = cv->c2s.src;
		s.sport = cv->c2s.dport;
		s.dport = cv->c2s.sport;
	}
	s.payload = data;
	s.plen = len;
	s.tcp_flags = flags;
	if (s.proto == IPPROTO_TCP) {
		s.seq = dir ? cv->sseq : cv->cseq;
		s.ack = (flags & CRAFT_ACK) ? (dir ? cv->cseq : cv->sseq) : 0;
		uint32_t adv = (uint32_t)len + ((flags & (CRAFT_SYN |
		    CRAFT_FIN)) ? 1 : 0);
		if (dir)
			cv->sseq += adv;
		else
			cv->cseq += adv;
	}
	s.ipid = (uint16_t)(dir ? cv->sseq : cv->cseq);
	if ((n = craft_frame(buf, sizeof(buf), &s)) == 0)
		return -1;
	return craft_pcap_write(cv->out, ts, buf, (uint32_t)n, (uint32_t)n);
}

int
craft_conv_handshake(struct craft_conv *cv, uint64_t ts)
{
	if (conv_emit(cv, ts, 0, CRAFT_SYN, NULL, 0) == -1 ||
	    conv_emit(cv, ts + 1000, 1, CRAFT_SYN | CRAFT_ACK, NULL, 0) == -1)
		return -1;
	return conv_emit(cv, ts + 2000, 0, CRAFT_ACK, NULL, 0);
}

int
craft_conv_send(struct craft_conv *cv, uint64_t ts, int dir, const void *data,
    size_t len)
{
	uint8_t fl = cv->c2s.proto == IPPROTO_TCP ? CRAFT_PSH | CRAFT_ACK : 0;

	return conv_emit(cv, ts, dir, fl, data, len);
}

int
craft_conv_flags(struct craft_conv *cv, uint64_t ts, int dir, uint8_t flags)
{
	return conv_emit(cv, ts, dir, flags, NULL, 0);
}

int
craft_conv_close(struct craft_conv *cv, uint64_t ts)
{
	if (conv_emit(cv, ts, 0, CRAFT_FIN | CRAFT_ACK, NULL, 0) == -1 ||
	    conv_emit(cv, ts + 1000, 1, CRAFT_FIN | CRAFT_ACK, NULL, 0) == -1)
		return -1;
	return conv_emit(cv, ts + 2000, 0, CRAFT_ACK, NULL, 0);
}

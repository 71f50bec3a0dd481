/*
 * fuzz_decode.c - libFuzzer target for the decoder (src/decode.c).  One
 * frame per input: the first byte picks the link type (every type the
 * decoder knows, and one it does not), the second how many bytes the wire
 * length exceeds the captured length by; the rest is the frame.  The frame
 * is copied to a heap buffer of exactly caplen bytes, so AddressSanitizer
 * catches any read past the captured length.  Beyond "no crash", the
 * target checks the contract of decode_packet(): every pointer it hands
 * out (the tunnels' packets' too) lies inside the frame, and every
 * rejected frame is counted under exactly one reason.  It also holds
 * decode_pair(), the shortcut by which -r --workers decides whose a frame
 * is, to its word: a frame it gives addresses for is, if decode_packet()
 * takes it, one IP packet between those addresses and no tunnel (else
 * the workers would split a flow or a tunnel's inner flows).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Link types decode.c handles (its LT_* table), plus one it does not. */
static const int dlts[] = { 0, 1, 12, 101, 108, 113, 228, 229, 276, 147 };

/* 1 when [p, p + n) lies inside [base, base + len). */
static int
inside(const uint8_t *p, uint32_t n, const uint8_t *base, uint32_t len)
{
	if (n == 0)
		return 1;
	return p >= base && p <= base + len && n <= (uint32_t)(base + len - p);
}

static void
check_counts(const struct decoder *d)
{
	const struct decode_stats *st = decode_stats(d);
	uint64_t sum = st->ok + st->arp;
	int r;

	for (r = 1; r < DR_MAX; r++)
		sum += st->reason[r];
	/* Each frame ends as ok, arp or exactly one reason. */
	if (sum != st->packets)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct decoder *d;
	struct addr ps, pd;
	struct pkt p;
	enum decode_result r;
	uint8_t *frame;
	uint32_t caplen, len;
	int dlt, pass, i, pair;

	if (size < 2 || size > 65535 + 2)
		return 0;
	dlt = dlts[data[0] % (sizeof(dlts) / sizeof(dlts[0]))];
	caplen = (uint32_t)(size - 2);
	len = caplen + data[1];
	/* Exactly caplen bytes on the heap: one byte more is an ASan error. */
	if ((frame = malloc(caplen ? caplen : 1)) == NULL)
		return 0;
	memcpy(frame, data + 2, caplen);
	if ((d = decode_new(16)) == NULL) {
		free(frame);
		return 0;
	}
	pair = decode_pair(dlt, frame, caplen, &ps, &pd);
	/* Twice: the second pass meets the fragment table the first filled. */
	for (pass = 0; pass < 2; pass++) {
		r = decode_packet(d, dlt, 1000000u * (pass + 1), frame, caplen,
		    len, &p);
		if (r == DECODE_OK || r == DECODE_ARP) {
			if (!inside(p.l3, p.l3len, frame, caplen) ||
			    !inside(p.payload, p.paylen, frame, caplen))
				abort();
			if (r == DECODE_OK && p.ipver != 4 && p.ipver != 6)
				abort();
			/* The tunnels around it: IP packets of the frame. */
			if (p.nouter > DECODE_MAX_TUNNEL ||
			    (p.nouter > 0) != (p.outer != NULL))
				abort();
			for (i = 0; i < p.nouter; i++)
				if (!inside(p.outer[i].l3, p.outer[i].l3len,
				    frame, caplen) ||
				    !inside(p.outer[i].payload,
				    p.outer[i].paylen, frame, caplen) ||
				    (p.outer[i].ipver != 4 &&
				    p.outer[i].ipver != 6) ||
				    p.outer[i].nouter != 0)
					abort();
		}
		if (pair && (r == DECODE_ARP || (r == DECODE_OK &&
		    (p.nouter != 0 || addr_cmp(&p.src, &ps) != 0 ||
		    addr_cmp(&p.dst, &pd) != 0))))
			abort();
		check_counts(d);
	}
	decode_free(d);
	free(frame);
	return 0;
}

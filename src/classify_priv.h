/*
 * classify_priv.h - what the nDPI driver (classify.c) sees of the RTSP
 * media negotiation tracker (classify_rtsp.c).  Not for other stages:
 * they use classify_media() of classify.h.
 *
 * Trackers live in a pool allocated once; a tracker is named by its index
 * in the pool, CLASSIFY_RTSP_NIL for none.
 */
#ifndef VW_CLASSIFY_PRIV_H
#define VW_CLASSIFY_PRIV_H

#include <stdint.h>

#include "classify.h"

#define CLASSIFY_RTSP_NIL UINT32_MAX

struct classify_rtsp;

/*
 * Creates a pool of n trackers (n > 0) that counts into *st, which must
 * outlive it.  Returns NULL on failure.
 */
struct classify_rtsp *classify_rtsp_new(uint32_t n, struct classify_stats *st);
void classify_rtsp_free(struct classify_rtsp *);
/*
 * Takes a tracker, zeroed, for a new RTSP session.  Returns its index, or
 * CLASSIFY_RTSP_NIL when the pool is empty (counted in rtsp_exhausted).
 */
uint32_t classify_rtsp_get(struct classify_rtsp *);
/* Gives tracker t back to the pool; CLASSIFY_RTSP_NIL is ignored. */
void classify_rtsp_put(struct classify_rtsp *, uint32_t t);
/*
 * Reads the payload of one TCP segment p of flow f, sent in direction dir
 * (FLOW_C2S: from the client).  Returns CLASSIFY_EV_MEDIA when a stream
 * was added or changed or the PLAY got its reply, else 0.
 */
int classify_rtsp_packet(struct classify_rtsp *, uint32_t t,
    const struct flow *f, const struct pkt *p, int dir);
/* As classify_media(), for tracker t. */
int classify_rtsp_media(const struct classify_rtsp *, uint32_t t,
    const struct classify_media **m, int *playing);

#endif

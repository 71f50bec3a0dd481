/*
 * isotime.h - packet times as ISO 8601 UTC text with microseconds, the one
 * form every output writes (flow records, alerts, summaries).  A shared
 * leaf.
 */
#ifndef VW_ISOTIME_H
#define VW_ISOTIME_H

#include <stddef.h>
#include <stdint.h>

/* "2024-05-14T09:00:11.378382Z" and its NUL. */
#define ISOTIME_LEN	28

/*
 * Writes ts (microseconds since the epoch) to buf of len bytes (at least
 * ISOTIME_LEN for the whole text; less is cut, always terminated).
 * Returns buf.
 */
char *isotime_fmt(uint64_t ts, char *buf, size_t len);

#endif

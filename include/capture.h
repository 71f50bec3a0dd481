/*
 * capture.h - the first stage: frames from a capture file (pcap or pcapng,
 * "-" for standard input) through libpcap.  Live capture joins this module
 * with the daemon.  No decoding here: frames go to a callback as they are.
 */
#ifndef VW_CAPTURE_H
#define VW_CAPTURE_H

#include <stdint.h>

struct capture;

/* One frame: packet time in microseconds, the bytes captured. */
typedef void (*capture_cb)(void *arg, int dlt, uint64_t ts,
    const uint8_t *data, uint32_t caplen, uint32_t len);

/*
 * Opens a capture file ("-": standard input).  On failure returns NULL
 * with the reason in err (errlen bytes).
 */
struct capture *capture_open_file(const char *path, char *err, size_t errlen);
/* The pcap link type (DLT_*) of the capture. */
int capture_datalink(const struct capture *);
/*
 * Reads up to max frames (0: until the end), calling cb for each.
 * Returns the number read, or -1 on a read error (the file is cut short or
 * corrupt; capture_error() says what, frames before it were delivered).
 */
long capture_read(struct capture *, long max, capture_cb cb, void *arg);
/* 1 once the end of the file was reached. */
int capture_eof(const struct capture *);
const char *capture_error(const struct capture *);
/* Bytes of the file consumed so far (for progress), -1 if unknown. */
long long capture_offset(const struct capture *);
/* Frames delivered since the file was opened. */
uint64_t capture_frames(const struct capture *);
/*
 * Byte offset of the record after the last one delivered (after a read
 * error: where the damaged record starts), -1 if unknown (a pipe).
 */
long long capture_record_offset(const struct capture *);
/* Size of the file, -1 if unknown (a pipe). */
long long capture_size(const struct capture *);
void capture_close(struct capture *);

#endif

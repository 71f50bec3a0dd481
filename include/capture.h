/*
 * capture.h - the first stage: frames from a capture file (pcap or pcapng,
 * "-" for standard input) or from a network interface through libpcap.
 * No decoding here: frames go to a callback as they are.
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
/*
 * Makes a capture_read() in progress return after the frame it is on
 * (pcap_breakloop(): safe in a signal handler).
 */
void capture_breakloop(struct capture *);
/* 1 once the end of the file was reached. */
int capture_eof(const struct capture *);
const char *capture_error(const struct capture *);
/* Bytes of the file consumed so far (for progress), -1 if unknown. */
long long capture_offset(const struct capture *);
/* Frames delivered since the file was opened. */
uint64_t capture_frames(const struct capture *);
/*
 * Records whose captured length exceeds the length on the wire (a broken
 * writer), and the number of the first (1-based), 0 when none.  They are
 * delivered as they are: decode reads only what was captured.
 */
uint64_t capture_bad_lengths(const struct capture *, uint64_t *first);
/*
 * Byte offset of the record after the last one delivered (after a read
 * error: where the damaged record starts), -1 if unknown (a pipe).
 */
long long capture_record_offset(const struct capture *);
/* Size of the file, -1 if unknown (a pipe). */
long long capture_size(const struct capture *);
void capture_close(struct capture *);

/*
 * Live capture.  One handle per worker and interface; on Linux libpcap
 * reads the kernel's memory-mapped ring (TPACKET_V3).  The handles of the
 * workers on one interface join one PACKET_FANOUT group in flow-hash mode,
 * so that both directions of a flow reach the same worker.
 */
struct capture_live_conf {
	const char *iface;
	const char *filter;	/* BPF expression, NULL: everything */
	unsigned snaplen;	/* bytes kept of a frame */
	unsigned buffer_mb;	/* kernel ring */
	unsigned timeout_ms;	/* a ring block is handed over after this */
	int promisc;
	/* PACKET_FANOUT group to join 0..65535; CAPTURE_FANOUT_NEW: a new
	 * group with an id the kernel picks (capture_fanout_id() reads it);
	 * CAPTURE_FANOUT_NONE: none. */
	int fanout_id;
};

#define CAPTURE_FANOUT_NONE	(-1)
#define CAPTURE_FANOUT_NEW	(-2)

/*
 * 1 when the interface of a live handle no longer exists under the index
 * it had at open (deleted, or deleted and created again): the handle can
 * never deliver again.  0 otherwise (a renamed interface keeps its index
 * and its capture), also for "any" and files.
 */
int capture_live_gone(const struct capture *);

/*
 * Counters of a live handle since it was opened (libpcap's are 32-bit).
 * Every frame received is taken, dropped, lost or still in the ring:
 * received = taken + dropped + lost + (in the ring now), and once the
 * handle has been drained (capture_live_drain()) nothing is in the ring.
 */
struct capture_live_stats {
	uint64_t received;	/* frames the kernel passed the filter */
	uint64_t taken;		/* of those, handed to the callback */
	uint64_t dropped;	/* of those, lost because the ring was full */
	uint64_t lost;		/* of those, in the ring when it was drained
				 * and still not taken by its deadline */
	uint64_t ifdropped;	/* frames the interface dropped (they never
				 * reached the filter: not among received) */
};

/*
 * Opens iface for capture, non-blocking, with the filter set and the
 * fanout group joined.  Needs CAP_NET_RAW (and CAP_NET_ADMIN for
 * promiscuous mode).  On failure returns NULL with the reason in err.
 */
struct capture *capture_open_live(const struct capture_live_conf *lc,
    char *err, size_t errlen);
/* The fanout group of a live handle, -1 if none. */
int capture_fanout_id(const struct capture *);
/* A descriptor to poll(2) for frames. */
int capture_fd(const struct capture *);
/*
 * Hands up to max frames that are ready now (0: all) to cb without
 * waiting.  Returns the number handed, or -1 on an error (the interface
 * went down or away: capture_error() says what).
 */
long capture_dispatch(struct capture *, long max, capture_cb cb, void *arg);
/*
 * Reads the kernel's counters into st.  Returns 0, or -1.  After
 * capture_live_drain() the counters stay as the drain left them.
 */
int capture_live_stats(struct capture *, struct capture_live_stats *st);
/*
 * The last read of a live handle, at a stop.  From the call on the
 * kernel puts no more frames into the ring (a filter that takes none
 * replaces the capture's).  It hands a ring block over when it is full
 * or after the block timeout, so frames in the block still open are not
 * readable yet: this hands cb every frame of the ring, waiting up to
 * wait_ms for the open blocks to be handed over.  Frames then still not
 * taken are counted as lost, and the counters freeze: the handle reads
 * and counts nothing more.  Returns the number of frames handed, or -1
 * on a read error (capture_error() says what; what was not taken is
 * counted as lost all the same).
 */
long capture_live_drain(struct capture *, unsigned wait_ms, capture_cb cb,
    void *arg);

#endif

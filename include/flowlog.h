/*
 * flowlog.h - finished flows as JSON lines (--flows FILE|-, or the
 * sensor's output.flows), a sink fed at flow end.  One object per line:
 * ISO 8601 times, addresses, ports, transport, VLAN, MACs, protocol,
 * risks, host name (U+FFFD for a byte that is not UTF-8, and then the raw
 * bytes in hex as host_hex), packets/bytes each way, and the flow's
 * Community ID v1 (seed 0), the same as its alerts carry.  Each record
 * starts with "event_type":"flow" (as Suricata's EVE), so that records
 * and JSON alerts on one stream can be told apart, and carries a flow id
 * (unique to the flow and its first packet's time, below 2^53 so that
 * JSON readers keep it exact) and what the policy said of it: the
 * inventory names and roles of both ends and the documenting rule.
 */
#ifndef VW_FLOWLOG_H
#define VW_FLOWLOG_H

#include <stdint.h>
#include <stdio.h>

#include "classify.h"
#include "flowtab.h"

/* Bytes of the longest record, its newline and NUL included. */
#define FLOWLOG_RECORD_MAX	4096

struct flowlog;

struct sinks;

/*
 * What the policy said of a flow at its end, in the flow record's terms
 * (src: the flow table's client end).  Borrowed strings, valid during
 * the write; NULL: unknown to the inventory, or no rule.
 */
struct flowlog_verdict {
	int valid;			/* 0: the policy said nothing */
	const char *src_name, *dst_name;
	uint64_t src_roles, dst_roles;	/* role sets (role.h) */
	const char *rule_id;
};

/*
 * Opens path for writing, emptied ("-": standard output), never through a
 * symbolic link (sink_file_open()).  NULL on failure, errno set.
 */
struct flowlog *flowlog_open(const char *path);
/*
 * A flow log whose records go to a set of sinks (the sensor's: bounded
 * queues, a writer thread, reopened on SIGHUP); ss may be set later with
 * flowlog_set_sinks(), records before are dropped.  One per thread: the
 * record buffer is the flowlog's.  NULL on failure.
 */
struct flowlog *flowlog_sinks(struct sinks *ss);
void flowlog_set_sinks(struct flowlog *, struct sinks *ss);
/*
 * Formats one flow record into buf (len bytes, NUL-terminated, with a
 * trailing newline).  Returns the length, or -1 if it did not fit.
 */
int flowlog_format(char *buf, size_t len, const struct flow *f,
    enum flow_end reason, const struct classify *c,
    const struct classify_result *r);
/* The same with the policy's verdict (v may be NULL). */
int flowlog_format_verdict(char *buf, size_t len, const struct flow *f,
    enum flow_end reason, const struct classify *c,
    const struct classify_result *r, const struct flowlog_verdict *v);
/*
 * The flow id of f's record: a hash of its ends, transport and first
 * packet's time, below 2^53, never 0.
 */
uint64_t flowlog_flow_id(const struct flow *f);
/* Writes one record.  Returns 0, or -1 on a write error. */
int flowlog_write(struct flowlog *, const struct flow *f,
    enum flow_end reason, const struct classify *c,
    const struct classify_result *r);
/* The same with the policy's verdict (v may be NULL). */
int flowlog_write_verdict(struct flowlog *, const struct flow *f,
    enum flow_end reason, const struct classify *c,
    const struct classify_result *r, const struct flowlog_verdict *v);
/*
 * Writes a record formatted before (flowlog_format_verdict(): n bytes,
 * its newline included), another thread's for instance.  Returns 0, or
 * -1 on a write error.
 */
int flowlog_write_line(struct flowlog *, const char *line, size_t n);
/* Flushes and closes (standard output is flushed, not closed). */
int flowlog_close(struct flowlog *);

#endif

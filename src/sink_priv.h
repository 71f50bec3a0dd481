/*
 * sink_priv.h - what a sink implementation (sink_file.c, sink_syslog.c,
 * sink_remote.c) sees of the sink core (sink.c).  Not for other stages.
 *
 * Each implementation is an ops table.  The core owns the queue, the
 * counters and the sender thread; send() runs on that thread only, may
 * take its time, and must give up within SINK_SLICE_MS once
 * sink_aborted() says so (poll in slices, never an unbounded wait).
 */
#ifndef VW_SINK_PRIV_H
#define VW_SINK_PRIV_H

#include <stdatomic.h>

#include "sink.h"

/* send() results */
#define SINK_SENT	0	/* delivered */
#define SINK_RETRY	(-1)	/* keep the line, back off, try again */
#define SINK_REJECT	(-2)	/* this line can never go: drop it */

/* Longest blocking wait between two looks at sink_aborted(). */
#define SINK_SLICE_MS	200

struct sink;

struct sink_ops {
	const char *name;
	/* Start-up, main thread: sets up s->priv; -1 with err filled. */
	int (*open)(struct sink *s, const struct sink_conf *c, char *err,
	    size_t errlen);
	/* Sender thread: one line with its syslog severity (0..7). */
	int (*send)(struct sink *s, int sev, const char *line, size_t len);
	/* Sender thread: reopen files after SIGHUP (may be NULL). */
	void (*reopen)(struct sink *s);
	/* After the sender thread has ended: releases s->priv. */
	void (*close)(struct sink *s);
};

extern const struct sink_ops sink_file_ops;
extern const struct sink_ops sink_syslog_ops;
extern const struct sink_ops sink_remote_ops;

struct sink {
	const struct sink_ops *ops;
	void *priv;
	struct sink_conf conf;
	char name[SINK_NAME_MAX];
	_Atomic int abort;		/* give up what you wait for */
	atomic_uint_fast64_t connects;	/* bumped by the implementations */
	atomic_uint_fast64_t failures;
	_Atomic int connected;
	/* The queue and the rest of the counters are sink.c's. */
	struct sink_queue *q;
};

/* 1 once the sender must stop waiting (flush deadline passed). */
int sink_aborted(struct sink *s);

#endif

/*
 * sink.h - the last stage: alerts leave vmswatch through sinks.  A sink is
 * a local syslog(3), a remote syslog receiver (RFC 5424 over UDP, TCP or
 * TLS) or a file of lines ("-": standard output), each with its format
 * (format.h).  Any number of sinks run at once as one set.
 *
 * The packet path never waits on a sink: sinks_alert() renders the alert
 * once per distinct format and copies the line into each sink's bounded
 * queue; one sender thread per sink drains it, reconnecting with capped
 * exponential back-off when the receiver is away.  Nothing is lost
 * silently: for every sink, at any moment,
 *
 *	generated = delivered + queued + dropped
 *
 * where dropped counts lines refused by a full queue, lines that could
 * not be rendered and lines still queued when the sinks were flushed at
 * exit.  A line is delivered once fully written: to the file, to
 * syslog(3), to a connected UDP socket, or to a TCP or TLS stream (bytes
 * in the kernel's buffer when a connection breaks are not seen again).
 */
#ifndef VW_SINK_H
#define VW_SINK_H

#include <stddef.h>
#include <stdint.h>

#include <libconfig.h>

#include "alert.h"
#include "format.h"

enum sink_type {
	SINK_FILE = 0,		/* lines to a file or standard output */
	SINK_SYSLOG,		/* syslog(3) */
	SINK_REMOTE,		/* RFC 5424 to a receiver */
	SINK_TYPE_MAX
};

enum sink_proto {
	SINK_UDP = 0,		/* RFC 5426, one message a datagram */
	SINK_TCP,		/* RFC 6587 octet counting */
	SINK_TLS,		/* RFC 5425 */
};

#define SINK_PATH_MAX	1024
#define SINK_NAME_MAX	320

/* One sink as configured.  sink_conf_defaults() then what the file says. */
struct sink_conf {
	int type;		/* enum sink_type */
	int format;		/* enum format_kind */
	int line;		/* line in the configuration, 0 if none */
	uint32_t queue;		/* lines the queue holds */
	int facility;		/* syslog facility 0..23 */
	uint8_t sevmap[FORMAT_SEVERITIES]; /* alert -> syslog severity */
	uint32_t enterprise;	/* SD-ID enterprise number */
	char leef_delim;	/* LEEF attribute delimiter */
	char hostname[256];	/* RFC 5424 HOSTNAME ("": this host's) */
	char app_name[49];	/* RFC 5424 APP-NAME */
	char name[64];		/* in counters and logs ("": derived) */
	char observer_name[256]; /* the sensor's name ("": host name) */
	char observer_ip[64];	/* the sensor's address ("": unknown) */
	/* file */
	char path[SINK_PATH_MAX]; /* "-": standard output */
	/* syslog */
	char ident[64];
	/* remote */
	int protocol;		/* enum sink_proto */
	char host[256];		/* address or name of the receiver */
	uint16_t port;
	char ca[SINK_PATH_MAX];	/* TLS: CA file ("": the system's) */
	char cert[SINK_PATH_MAX]; /* TLS: client certificate and key */
	char key[SINK_PATH_MAX];
	char server_name[256];	/* TLS: name the certificate must carry */
	uint32_t backoff_min_ms; /* first reconnect delay, doubled up to */
	uint32_t backoff_max_ms; /* this */
};

/* Counters of one sink.  generated = delivered + queued + dropped. */
struct sink_stats {
	char name[SINK_NAME_MAX]; /* "remote:tls:127.0.0.1:6514/rfc5424" */
	uint64_t generated;	/* lines given to the sink */
	uint64_t delivered;	/* written out */
	uint64_t queued;	/* waiting (including the one being sent) */
	uint64_t dropped;	/* lost: queue full, too long, left at exit */
	uint64_t connects;	/* connections made (remote TCP/TLS/UDP) */
	uint64_t failures;	/* failed connects and sends */
	int connected;		/* remote: a connection is up */
};

struct errlist;
struct sinks;

/* Defaults for a sink of type t (format, queue, facility, ports, ...). */
void sink_conf_defaults(struct sink_conf *c, int type);

/*
 * Parses the libconfig list of sink groups (the "sinks" setting of
 * vmswatch.conf, read from file) into a new array of *n configurations
 * in *out, which the caller frees with free().  Every problem of the list
 * (unknown keys, bad values, missing ones) is added to e as "file:line:
 * problem".  Returns 0, or -1 with *out NULL and *n 0 if there was one.
 */
int sink_conf_parse(const config_setting_t *list, const char *file,
    struct sink_conf **out, int *n, struct errlist *e);

/*
 * Opens the n sinks of c (files opened, TLS credentials loaded, sender
 * threads started; receivers are connected by the threads, so a receiver
 * that is down does not stop the start).  Returns NULL on failure, logged.
 */
struct sinks *sinks_new(const struct sink_conf *c, int n);
/* Stops every sender (sinks_flush(0) unless flushed) and frees. */
void sinks_free(struct sinks *);
/*
 * Renders a once per distinct format and queues it to every sink.  Never
 * blocks on I/O; a full queue drops (and counts) the line.
 */
void sinks_alert(struct sinks *, const struct alert *a);
/*
 * Queues a line made elsewhere (a flow record) to every sink as it is,
 * with syslog severity sev for a syslog(3) sink.  Thread-safe; never
 * blocks on I/O; a full queue drops (and counts) the line.
 */
void sinks_line(struct sinks *, int sev, const char *line, size_t len);
/* A line that could not be made: counted by every sink, as dropped. */
void sinks_line_lost(struct sinks *);
/*
 * For the last lines of a run, when no packet waits on the producers:
 * from now on a line that finds its queue full waits for room instead of
 * being dropped, until timeout_ms from now at the latest (one deadline for
 * every line and producer; after it, full queues drop again).
 */
void sinks_patient(struct sinks *, unsigned timeout_ms);
/* Files are reopened by their sender before the next line (SIGHUP). */
void sinks_reopen(struct sinks *);
/*
 * At exit: gives the senders up to timeout_ms to deliver what is queued,
 * then stops them and counts what is left as dropped.  Lines given to the
 * sinks afterwards are dropped.  Returns the lines dropped by the flush.
 */
uint64_t sinks_flush(struct sinks *, unsigned timeout_ms);
/* Number of sinks in the set. */
int sinks_count(const struct sinks *);
/*
 * A consistent snapshot of the counters of sink i (0 <= i < count).
 * Returns 0, or -1 if i is out of range.
 */
int sinks_stats(const struct sinks *, int i, struct sink_stats *st);
/*
 * One line for the periodic stats and the exit summary:
 * "NAME gen=G del=D queued=Q dropped=X; ...".  Returns buf.
 */
char *sinks_stats_fmt(const struct sinks *, char *buf, size_t len);

/*
 * Opens path for writing the way every file vmswatch writes is opened
 * (the file sinks, the flow records): created with mode 0640 if absent,
 * appended to (trunc 0) or emptied (trunc 1), close-on-exec, and never
 * through a symbolic link (O_NOFOLLOW): run as root with -r, a link
 * planted in a writable folder would otherwise turn the output onto any
 * file.  Only the last component is checked; the folders are the
 * administrator's.  Returns the descriptor, or -1 with errno set (ELOOP:
 * path is a symbolic link).
 */
int sink_file_open(const char *path, int trunc);
/*
 * The reason sink_file_open(path) failed with errno err, as text into buf
 * (len bytes): "is a symbolic link ..." for a refused link, strerror(err)
 * otherwise.  Returns buf.
 */
char *sink_file_error(const char *path, int err, char *buf, size_t len);

/* Names: "file", "syslog", "remote"; "udp", "tcp", "tls". */
const char *sink_type_name(int type);
const char *sink_proto_name(int proto);

#endif

/*
 * daemon.h - vmswatch as a sensor: live capture on one or more interfaces
 * by N workers (each its own capture handles, flow table and nDPI: its own
 * struct pipeline), one shared alert stage, and the lifecycle around them:
 * privilege drop after the open, SIGHUP reload, SIGUSR1 and periodic
 * statistics, SIGTERM/SIGINT drain, service-manager notifications.
 */
#ifndef VW_DAEMON_H
#define VW_DAEMON_H

#include <stdint.h>

#include "alert.h"
#include "conf.h"

/*
 * Where alerts go.  The daemon does not know the outputs: main.c points
 * this at standard output, and at the sinks once they are configured.
 * alert() is called with the alert stage locked, one call at a time, and
 * must not block (queue, or write a line to a file).
 */
struct daemon_output {
	/*
	 * Called once privileges are dropped, before the first packet: opens
	 * what sends alerts (threads started then hold no capability).
	 * Returns 0, or -1 (logged): the daemon does not start.  May be NULL.
	 */
	int (*start)(void *arg, const struct conf *conf);
	alert_out_cb alert;
	/* SIGHUP: reopen files (log rotation).  May be NULL. */
	void (*reopen)(void *arg);
	/* Shutdown: deliver what is queued.  May be NULL. */
	void (*flush)(void *arg);
	/* Alerts written out and lost so far; called from the main thread
	 * while alert() may run in a worker.  May be NULL. */
	void (*stats)(void *arg, uint64_t *delivered, uint64_t *dropped);
	void *arg;
};

/* What the command line sets over the configuration. */
struct daemon_opts {
	const char *const *ifaces;	/* -i: replaces capture.interfaces */
	int nifaces;
	const char *user;		/* -u: replaces daemon.user */
	const char *group;		/* -g: replaces daemon.group */
	const char *flows;		/* --flows: replaces output.flows */
};

/*
 * For a sensor started from a shell or any other parent: closes every
 * descriptor it inherited but standard input, output and error, and
 * opens /dev/null on those of the three that are closed (so that no file
 * opened later takes their place).  To be called first, before anything
 * is opened.  Returns 0, or -1 when /dev/null cannot be opened (errno
 * set; every inherited descriptor is closed all the same).
 */
int daemon_descriptors(void);

/*
 * Runs the sensor until SIGTERM or SIGINT, or until an interface it
 * captures on is deleted.  Takes conf (freed here, or replaced on
 * reload).  Failures to start are fatal (logged, exit 2); returns the
 * exit status after a clean stop: 0, or 3 when an interface was lost.
 */
int daemon_run(struct conf *conf, const struct daemon_opts *opts,
    const struct daemon_output *out);

#endif

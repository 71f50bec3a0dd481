/*
 * sink_syslog.c - the local syslog sink: one syslog(3) call per alert
 * with the sink's facility and the alert's mapped severity.  syslog(3)
 * may block on a stalled /dev/log; it does so on the sender thread only.
 *
 * openlog(3) is per process: the ident is the sink's, and the default
 * facility stays LOG_DAEMON for the daemon's own diagnostics (log.c);
 * every alert names its facility explicitly.
 */
#include <stdio.h>
#include <syslog.h>

#include "sink_priv.h"

static int
syslog_open(struct sink *s, const struct sink_conf *c, char *err,
    size_t errlen)
{
	(void)err;
	(void)errlen;
	(void)s;
	openlog(c->ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
	return 0;
}

static int
syslog_send(struct sink *s, int sev, const char *line, size_t len)
{
	syslog(LOG_MAKEPRI(s->conf.facility << 3, sev & 7), "%.*s", (int)len,
	    line);
	return SINK_SENT;
}

const struct sink_ops sink_syslog_ops = {
	.name = "syslog",
	.open = syslog_open,
	.send = syslog_send,
	.reopen = NULL,
	.close = NULL,
};

/*
 * log.h - diagnostics for the daemon and the tools (not alerts: those go
 * through the sinks).  One small API in the OpenBSD style: log_warn() appends
 * strerror(errno), log_warnx() does not; fatal()/fatalx() are for start-up
 * only and never called on the packet path.
 */
#ifndef VW_LOG_H
#define VW_LOG_H

#include <stdarg.h>

/* Sends diagnostics to standard error (to_stderr != 0) or to syslog(3). */
void log_init(int to_stderr, int verbose, const char *ident);

void log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void fatal(const char *, ...)
	__attribute__((format(printf, 1, 2), noreturn));
void fatalx(const char *, ...)
	__attribute__((format(printf, 1, 2), noreturn));

#endif

/*
 * notify.c - the sd_notify(3) protocol, written out here: one datagram of
 * "KEY=value" lines to the AF_UNIX socket named by $NOTIFY_SOCKET (a path,
 * or an abstract name when it starts with '@').
 *
 * Why not libsystemd: the protocol is a single sendto(2) and stable; the
 * library would add a dependency (and its own dependencies) to every
 * build, for a sensor that also runs without systemd and in tests that
 * play the manager with a socket of their own.  Passing descriptors or
 * barriers are not used; the watchdog is two environment variables.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "log.h"
#include "notify.h"

static int notify_fd = -1;
static struct sockaddr_un notify_sun;
static socklen_t notify_len;
static uint64_t notify_wd_usec;

/*
 * $WATCHDOG_USEC, when the manager wants keep-alives from this process
 * ($WATCHDOG_PID unset or ours), as systemd's sd_watchdog_enabled().
 */
static void
notify_watchdog_init(void)
{
	const char *us = getenv("WATCHDOG_USEC");
	const char *pid = getenv("WATCHDOG_PID");
	unsigned long long v;
	char *end;

	notify_wd_usec = 0;
	if (us == NULL)
		return;
	errno = 0;
	v = strtoull(us, &end, 10);
	if (errno != 0 || end == us || *end != '\0' || v == 0) {
		log_warnx("WATCHDOG_USEC: not a number of microseconds: %s",
		    us);
		return;
	}
	if (pid != NULL) {
		errno = 0;
		if (strtoll(pid, &end, 10) != (long long)getpid() ||
		    errno != 0 || *end != '\0')
			return;	/* meant for another process */
	}
	notify_wd_usec = v;
	unsetenv("WATCHDOG_USEC");
	unsetenv("WATCHDOG_PID");
}

int
notify_init(void)
{
	const char *path = getenv("NOTIFY_SOCKET");
	size_t n;

	if (path == NULL || *path == '\0')
		return 0;
	notify_watchdog_init();
	n = strlen(path);
	if ((path[0] != '/' && path[0] != '@') ||
	    n >= sizeof(notify_sun.sun_path)) {
		log_warnx("NOTIFY_SOCKET: unusable address %s", path);
		return -1;
	}
	memset(&notify_sun, 0, sizeof(notify_sun));
	notify_sun.sun_family = AF_UNIX;
	memcpy(notify_sun.sun_path, path, n);
	/* An abstract name starts with a NUL and is not NUL-terminated. */
	if (path[0] == '@')
		notify_sun.sun_path[0] = '\0';
	notify_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n +
	    (path[0] == '@' ? 0 : 1));
	/*
	 * One socket for the daemon's life, unconnected like sd_notify's:
	 * the manager may re-create its socket (daemon-reexec).  The socket
	 * is world-writable, so the daemon reaches it after dropping its
	 * privileges.
	 */
	if ((notify_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) ==
	    -1) {
		log_warn("NOTIFY_SOCKET: socket");
		return -1;
	}
	/* A child (none today) must not talk to the manager for us. */
	unsetenv("NOTIFY_SOCKET");
	return 0;
}

int
notify_send(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	int n;

	if (notify_fd == -1)
		return 0;
	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(msg))
		return -1;
	if (sendto(notify_fd, msg, (size_t)n, MSG_NOSIGNAL,
	    (struct sockaddr *)&notify_sun, notify_len) != n)
		return -1;
	return 0;
}

uint64_t
notify_watchdog_usec(void)
{
	return notify_fd != -1 ? notify_wd_usec : 0;
}

void
notify_close(void)
{
	if (notify_fd != -1)
		close(notify_fd);
	notify_fd = -1;
}

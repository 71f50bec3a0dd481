/*
 * notify.h - tells the service manager (systemd, Type=notify) how the
 * daemon is doing: READY=1, RELOADING=1, STOPPING=1, STATUS=...  Does
 * nothing when the daemon was not started by one ($NOTIFY_SOCKET unset).
 * WATCHDOG=1 keep-alives are the daemon's to send (notify_watchdog_usec()).
 */
#ifndef VW_NOTIFY_H
#define VW_NOTIFY_H

#include <stdint.h>

/*
 * Reads $NOTIFY_SOCKET and opens the datagram socket to it, before any
 * privilege is dropped.  Returns 0 (also when there is no manager), or -1
 * if the variable names an unusable address (logged).
 */
int notify_init(void);
/*
 * The manager's watchdog period in microseconds ($WATCHDOG_USEC, read by
 * notify_init()), 0 when it has none: "WATCHDOG=1" is then due at least
 * every period.
 */
uint64_t notify_watchdog_usec(void);
/*
 * Sends one notification ("READY=1\nSTATUS=..."), formatted like printf.
 * Returns 0 (also without a manager), or -1 if it could not be sent.
 */
int notify_send(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void notify_close(void);

#endif

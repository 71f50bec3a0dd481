/*
 * notify.h - tells the service manager (systemd, Type=notify) how the
 * daemon is doing: READY=1, RELOADING=1, STOPPING=1, STATUS=...  Does
 * nothing when the daemon was not started by one ($NOTIFY_SOCKET unset).
 */
#ifndef VW_NOTIFY_H
#define VW_NOTIFY_H

/*
 * Reads $NOTIFY_SOCKET and opens the datagram socket to it, before any
 * privilege is dropped.  Returns 0 (also when there is no manager), or -1
 * if the variable names an unusable address (logged).
 */
int notify_init(void);
/*
 * Sends one notification ("READY=1\nSTATUS=..."), formatted like printf.
 * Returns 0 (also without a manager), or -1 if it could not be sent.
 */
int notify_send(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void notify_close(void);

#endif

/*
 * privdrop.h - least privilege for the daemon: once the capture handles
 * are open it becomes an unprivileged user and group with no capability
 * left, and checks that it did.
 */
#ifndef VW_PRIVDROP_H
#define VW_PRIVDROP_H

#include <stddef.h>

/*
 * Becomes user (and group, NULL: the user's primary group) when running
 * as root: setgroups() to that group alone, setresgid(), setresuid().
 * Whoever it runs as, then clears every capability (effective, permitted,
 * inheritable, ambient: a service started as a user with ambient
 * capabilities keeps them across no setuid) and sets no_new_privs.
 * user may be NULL only when not running as root.  Returns 0, or -1 with
 * the reason in err.
 */
int privdrop(const char *user, const char *group, char *err, size_t errlen);
/*
 * Checks what privdrop() should have left: real, effective and saved ids
 * are uid and gid, the only supplementary group (if any) is gid, and
 * /proc/self/status shows no effective, permitted or ambient capability.
 * Returns 0, or -1 with what is wrong in err.
 */
int privdrop_verify(unsigned uid, unsigned gid, char *err, size_t errlen);

#endif

/*
 * privdrop.c - the daemon gives up its privileges right after the
 * privileged open (the capture sockets), in the order that works: the
 * supplementary groups and the group while still root, the user last;
 * then every capability, whoever it runs as.  The result is checked
 * rather than trusted (p0f does the same): a silent failure here would
 * leave a network-facing parser running as root.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

#include <linux/capability.h>

#include "privdrop.h"

/* Empties every capability set of the process (no libcap needed). */
static int
caps_clear(void)
{
	struct __user_cap_header_struct hdr;
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];

	/* Ambient ones first: they would be put back on the next exec. */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) == -1 &&
	    errno != EINVAL)
		return -1;
	memset(&hdr, 0, sizeof(hdr));
	memset(data, 0, sizeof(data));
	hdr.version = _LINUX_CAPABILITY_VERSION_3;
	hdr.pid = 0;
	return (int)syscall(SYS_capset, &hdr, data);
}

int
privdrop(const char *user, const char *group, char *err, size_t errlen)
{
	struct passwd *pw = NULL;
	struct group *gr;
	uid_t uid;
	gid_t gid;

	if (user != NULL && (pw = getpwnam(user)) == NULL) {
		snprintf(err, errlen, "no user %s", user);
		return -1;
	}
	if (geteuid() == 0) {
		if (pw == NULL) {
			snprintf(err, errlen, "running as root: name an "
			    "unprivileged user (daemon.user or -u)");
			return -1;
		}
		if (pw->pw_uid == 0) {
			snprintf(err, errlen, "user %s is root", user);
			return -1;
		}
		uid = pw->pw_uid;
		gid = pw->pw_gid;
		if (group != NULL) {
			if ((gr = getgrnam(group)) == NULL) {
				snprintf(err, errlen, "no group %s", group);
				return -1;
			}
			gid = gr->gr_gid;
		}
		if (gid == 0) {
			snprintf(err, errlen, "group %u is root's",
			    (unsigned)gid);
			return -1;
		}
		if (setgroups(1, &gid) == -1) {
			snprintf(err, errlen, "setgroups: %s", strerror(errno));
			return -1;
		}
		if (setresgid(gid, gid, gid) == -1) {
			snprintf(err, errlen, "setresgid %u: %s",
			    (unsigned)gid, strerror(errno));
			return -1;
		}
		if (setresuid(uid, uid, uid) == -1) {
			snprintf(err, errlen, "setresuid %u: %s",
			    (unsigned)uid, strerror(errno));
			return -1;
		}
	} else {
		/* Not root: it cannot become anyone else, only less. */
		if (pw != NULL && pw->pw_uid != geteuid()) {
			snprintf(err, errlen, "running as uid %u, cannot "
			    "become %s", (unsigned)geteuid(), user);
			return -1;
		}
		/*
		 * A service manager may have added the user's other groups;
		 * with CAP_SETGID (ambient) they go, without it
		 * privdrop_verify() tells whether any are left.
		 */
		gid = getegid();
		if (setgroups(1, &gid) == -1 && errno != EPERM) {
			snprintf(err, errlen, "setgroups: %s", strerror(errno));
			return -1;
		}
	}
	if (caps_clear() == -1) {
		snprintf(err, errlen, "capset: %s", strerror(errno));
		return -1;
	}
	/* No exec is planned; should one happen, it gains nothing. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1) {
		snprintf(err, errlen, "no_new_privs: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* The hexadecimal value of "Key:" in /proc/self/status, or -1. */
static int
status_caps(const char *key, unsigned long long *v)
{
	char line[256];
	size_t n = strlen(key);
	FILE *fp;
	int rc = -1;

	if ((fp = fopen("/proc/self/status", "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), fp) != NULL)
		if (strncmp(line, key, n) == 0 && line[n] == ':') {
			*v = strtoull(line + n + 1, NULL, 16);
			rc = 0;
			break;
		}
	fclose(fp);
	return rc;
}

int
privdrop_verify(unsigned uid, unsigned gid, char *err, size_t errlen)
{
	static const char *const keys[] = { "CapEff", "CapPrm", "CapAmb" };
	uid_t ru, eu, su;
	gid_t rg, eg, sg, groups[2];
	unsigned long long caps;
	size_t i;
	int n;

	if (getresuid(&ru, &eu, &su) == -1 || ru != uid || eu != uid ||
	    su != uid) {
		snprintf(err, errlen, "user ids are not all %u", uid);
		return -1;
	}
	if (getresgid(&rg, &eg, &sg) == -1 || rg != gid || eg != gid ||
	    sg != gid) {
		snprintf(err, errlen, "group ids are not all %u", gid);
		return -1;
	}
	/* Two slots: a second group means one too many. */
	if ((n = getgroups(2, groups)) == -1 && errno != EINVAL) {
		snprintf(err, errlen, "getgroups: %s", strerror(errno));
		return -1;
	}
	if (n == -1 || n > 1 || (n == 1 && groups[0] != gid)) {
		snprintf(err, errlen, "supplementary groups are left");
		return -1;
	}
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (status_caps(keys[i], &caps) == -1) {
			snprintf(err, errlen, "/proc/self/status: no %s",
			    keys[i]);
			return -1;
		}
		if (caps != 0) {
			snprintf(err, errlen, "%s is %016llx, not empty",
			    keys[i], caps);
			return -1;
		}
	}
	return 0;
}

/*
 * sink_file.c - the file sink: one line per alert appended to a file, or
 * written to standard output for "-".  The file is reopened by name
 * after SIGHUP, so logrotate can move it away and signal.  It is never
 * opened through a symbolic link (sink_file_open()), nor is any file
 * vmswatch writes.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "sink_priv.h"

struct file_sink {
	int fd;
	int is_stdout;
	/*
	 * Bytes of the line being sent that are already in the file: a
	 * write cut short by a full disk (or a file size limit) is resumed
	 * where it stopped, so the line is neither torn nor doubled.
	 */
	size_t partial;
};

int
sink_file_open(const char *path, int trunc)
{
	return open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW |
	    (trunc ? O_TRUNC : O_APPEND), 0640);
}

char *
sink_file_error(const char *path, int err, char *buf, size_t len)
{
	struct stat sb;

	/*
	 * ELOOP is also "too many links" in the folders of the path: only
	 * a last component that is a link is called one.
	 */
	if (err == ELOOP && lstat(path, &sb) == 0 && S_ISLNK(sb.st_mode))
		snprintf(buf, len, "is a symbolic link: refused (vmswatch "
		    "does not write through one; name the file itself)");
	else
		snprintf(buf, len, "%s", strerror(err));
	return buf;
}

static int
file_open(struct sink *s, const struct sink_conf *c, char *err, size_t errlen)
{
	struct file_sink *f;

	if ((f = calloc(1, sizeof(*f))) == NULL) {
		snprintf(err, errlen, "%s", strerror(errno));
		return -1;
	}
	if (strcmp(c->path, "-") == 0) {
		f->fd = STDOUT_FILENO;
		f->is_stdout = 1;
	} else if ((f->fd = sink_file_open(c->path, 0)) == -1) {
		char why[256];

		snprintf(err, errlen, "%s: %s", c->path,
		    sink_file_error(c->path, errno, why, sizeof(why)));
		free(f);
		return -1;
	}
	s->priv = f;
	return 0;
}

/*
 * Writes the whole line.  A pipe that does not drain (standard output to
 * a stalled reader) is waited on in slices so that a flush can stop us.
 */
static int
file_send(struct sink *s, int sev, const char *line, size_t len)
{
	struct file_sink *f = s->priv;
	struct pollfd pfd;
	size_t o = f->partial < len ? f->partial : 0;
	ssize_t r;

	(void)sev;
	if (f->fd == -1)
		return SINK_RETRY;
	while (o < len) {
		pfd.fd = f->fd;
		pfd.events = POLLOUT;
		if (poll(&pfd, 1, SINK_SLICE_MS) == 0) {
			if (sink_aborted(s)) {
				f->partial = o;
				return SINK_RETRY;
			}
			continue;
		}
		if ((r = write(f->fd, line + o, len - o)) == -1) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			/*
			 * Disk full and the like: keep the line and where
			 * it stopped, back off.
			 */
			f->partial = o;
			return SINK_RETRY;
		}
		o += (size_t)r;
	}
	f->partial = 0;
	return SINK_SENT;
}

static void
file_reopen(struct sink *s)
{
	struct file_sink *f = s->priv;
	char why[256];
	int fd;

	if (f->is_stdout)
		return;
	if ((fd = sink_file_open(s->conf.path, 0)) == -1) {
		/* Keep writing to the old file rather than to nothing. */
		log_warnx("sink %s: reopen %s: %s", s->name, s->conf.path,
		    sink_file_error(s->conf.path, errno, why, sizeof(why)));
		return;
	}
	if (f->fd != -1)
		close(f->fd);
	f->fd = fd;
	/* A line cut in the old file is written whole to the new one. */
	f->partial = 0;
}

static void
file_close(struct sink *s)
{
	struct file_sink *f = s->priv;

	if (f == NULL)
		return;
	if (!f->is_stdout && f->fd != -1)
		close(f->fd);
	free(f);
	s->priv = NULL;
}

const struct sink_ops sink_file_ops = {
	.name = "file",
	.open = file_open,
	.send = file_send,
	.reopen = file_reopen,
	.close = file_close,
};

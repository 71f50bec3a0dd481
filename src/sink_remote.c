/*
 * sink_remote.c - the remote syslog sink: RFC 5424 messages to a receiver
 * over UDP (RFC 5426, one message a datagram), TCP (RFC 6587 octet
 * counting: "LEN SP MSG") or TLS (RFC 5425, the same framing inside TLS,
 * GnuTLS with CA verification, the server's name checked against its
 * certificate and an optional client certificate).
 *
 * Everything here runs on the sink's sender thread (sink.c) but open and
 * close.  Sockets are non-blocking and every wait is a poll in slices of
 * SINK_SLICE_MS, so a flush at exit can always stop the thread.  A line is
 * delivered once fully written to the socket; a broken connection leaves
 * the line being written queued, to be sent again whole on the next one.
 */
#include <sys/socket.h>
#include <sys/types.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "log.h"
#include "sink_priv.h"

/* Bounds of a connection attempt and of a TLS handshake. */
#define REMOTE_CONNECT_MS	5000
#define REMOTE_HANDSHAKE_MS	10000

struct remote_sink {
	int fd;
	gnutls_session_t tls;		/* NULL unless connected over TLS */
	gnutls_certificate_credentials_t cred;
	char *frame;			/* "LEN SP MSG" for TCP and TLS */
	size_t framecap;
	int down;			/* the failure was logged */
};

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Waits for events on fd for at most ms (-1: as long as it takes), in
 * slices so that an abort is seen.  Returns 1 when ready, 0 on timeout,
 * -1 when aborted.
 */
static int
wait_fd(struct sink *s, int fd, short events, int ms)
{
	long long end = ms < 0 ? 0 : now_ms() + ms;
	struct pollfd pfd;
	int slice, r;

	for (;;) {
		if (sink_aborted(s))
			return -1;
		slice = SINK_SLICE_MS;
		if (ms >= 0) {
			long long left = end - now_ms();
			if (left <= 0)
				return 0;
			if (left < slice)
				slice = (int)left;
		}
		pfd.fd = fd;
		pfd.events = events;
		pfd.revents = 0;
		r = poll(&pfd, 1, slice);
		if (r > 0)
			return 1;
		if (r == -1 && errno != EINTR)
			return 1;	/* let the I/O call report it */
	}
}

static void
remote_fail(struct sink *s, struct remote_sink *r, const char *what,
    const char *why)
{
	/* Once per outage: the back-off retries are not news. */
	if (!r->down)
		log_warnx("sink %s: %s: %s", s->name, what, why);
	r->down = 1;
}

static void
remote_disconnect(struct sink *s, struct remote_sink *r)
{
	if (r->tls != NULL) {
		gnutls_deinit(r->tls);
		r->tls = NULL;
	}
	if (r->fd != -1)
		close(r->fd);
	r->fd = -1;
	atomic_store(&s->connected, 0);
}

/* The TLS handshake on r->fd, the peer's certificate verified. */
static int
remote_handshake(struct sink *s, struct remote_sink *r)
{
	const char *name = s->conf.server_name[0] ? s->conf.server_name :
	    s->conf.host;
	long long end = now_ms() + REMOTE_HANDSHAKE_MS;
	unsigned char ip[16];
	gnutls_datum_t txt;
	int ret, w;

	ret = gnutls_init(&r->tls, GNUTLS_CLIENT | GNUTLS_NONBLOCK |
	    GNUTLS_NO_SIGNAL);
	if (ret < 0) {
		r->tls = NULL;
		remote_fail(s, r, "tls", gnutls_strerror(ret));
		return -1;
	}
	if ((ret = gnutls_set_default_priority(r->tls)) < 0 ||
	    (ret = gnutls_credentials_set(r->tls, GNUTLS_CRD_CERTIFICATE,
	    r->cred)) < 0) {
		remote_fail(s, r, "tls", gnutls_strerror(ret));
		return -1;
	}
	/* RFC 6066: no SNI for an address. */
	if (inet_pton(AF_INET, name, ip) != 1 &&
	    inet_pton(AF_INET6, name, ip) != 1)
		gnutls_server_name_set(r->tls, GNUTLS_NAME_DNS, name,
		    strlen(name));
	/* RFC 5425 section 5.2: the certificate must name the server. */
	gnutls_session_set_verify_cert(r->tls, name, 0);
	gnutls_transport_set_int(r->tls, r->fd);
	while ((ret = gnutls_handshake(r->tls)) < 0) {
		if (gnutls_error_is_fatal(ret)) {
			if (ret == GNUTLS_E_CERTIFICATE_VERIFICATION_ERROR &&
			    gnutls_certificate_verification_status_print(
			    gnutls_session_get_verify_cert_status(r->tls),
			    GNUTLS_CRT_X509, &txt, 0) == 0) {
				remote_fail(s, r, "tls", (char *)txt.data);
				gnutls_free(txt.data);
			} else
				remote_fail(s, r, "tls handshake",
				    gnutls_strerror(ret));
			return -1;
		}
		w = gnutls_record_get_direction(r->tls) ? POLLOUT : POLLIN;
		if (now_ms() >= end || wait_fd(s, r->fd, (short)w,
		    (int)(end - now_ms())) != 1) {
			remote_fail(s, r, "tls handshake", "timed out");
			return -1;
		}
	}
	return 0;
}

static int
remote_connect(struct sink *s, struct remote_sink *r)
{
	struct addrinfo hints, *res, *ai;
	char port[8];
	socklen_t sl;
	int ret, err = 0;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = s->conf.protocol == SINK_UDP ? SOCK_DGRAM :
	    SOCK_STREAM;
	snprintf(port, sizeof(port), "%u", s->conf.port);
	if ((ret = getaddrinfo(s->conf.host, port, &hints, &res)) != 0) {
		remote_fail(s, r, s->conf.host, gai_strerror(ret));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		r->fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, ai->ai_protocol);
		if (r->fd == -1) {
			err = errno;
			continue;
		}
		if (connect(r->fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		err = errno;
		if (err == EINPROGRESS) {
			sl = sizeof(err);
			if (wait_fd(s, r->fd, POLLOUT, REMOTE_CONNECT_MS) != 1)
				err = ETIMEDOUT;
			else if (getsockopt(r->fd, SOL_SOCKET, SO_ERROR, &err,
			    &sl) == -1)
				err = errno;
			if (err == 0)
				break;
		}
		close(r->fd);
		r->fd = -1;
	}
	freeaddrinfo(res);
	if (r->fd == -1) {
		remote_fail(s, r, "connect", strerror(err));
		return -1;
	}
	if (s->conf.protocol == SINK_TLS && remote_handshake(s, r) == -1) {
		remote_disconnect(s, r);
		return -1;
	}
	if (r->down)
		log_warnx("sink %s: connected", s->name);
	r->down = 0;
	atomic_fetch_add(&s->connects, 1);
	atomic_store(&s->connected, 1);
	return 0;
}

/*
 * Whether the receiver closed the stream.  A syslog receiver never sends
 * application data, so readable means closed, reset, or (TLS) a record
 * for the session: GnuTLS takes TLS 1.3 tickets itself and reports a
 * close_notify or an end of stream.
 */
static int
remote_peer_gone(struct remote_sink *r)
{
	struct pollfd pfd = { r->fd, POLLIN, 0 };
	char c[256];
	ssize_t n;

	if (poll(&pfd, 1, 0) <= 0)
		return 0;
	if (pfd.revents & (POLLERR | POLLHUP))
		return 1;
	if (r->tls != NULL) {
		n = gnutls_record_recv(r->tls, c, sizeof(c));
		return n == 0 || (n < 0 && gnutls_error_is_fatal((int)n));
	}
	n = recv(r->fd, c, sizeof(c), MSG_DONTWAIT);
	return n == 0 || (n == -1 && errno != EAGAIN && errno != EWOULDBLOCK &&
	    errno != EINTR);
}

/* Writes all of buf to the stream.  Returns 0, or -1 (broken, aborted). */
static int
remote_write(struct sink *s, struct remote_sink *r, const char *buf,
    size_t len)
{
	size_t o = 0;
	ssize_t n;

	while (o < len) {
		if (r->tls != NULL) {
			n = gnutls_record_send(r->tls, buf + o, len - o);
			if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED) {
				if (wait_fd(s, r->fd, POLLOUT, -1) != 1)
					return -1;
				continue;
			}
			if (n < 0) {
				remote_fail(s, r, "send",
				    gnutls_strerror((int)n));
				return -1;
			}
		} else {
			n = send(r->fd, buf + o, len - o, MSG_NOSIGNAL);
			if (n == -1 && (errno == EAGAIN ||
			    errno == EWOULDBLOCK || errno == EINTR)) {
				if (wait_fd(s, r->fd, POLLOUT, -1) != 1)
					return -1;
				continue;
			}
			if (n == -1) {
				remote_fail(s, r, "send", strerror(errno));
				return -1;
			}
		}
		o += (size_t)n;
	}
	return 0;
}

static int
remote_send(struct sink *s, int sev, const char *line, size_t len)
{
	struct remote_sink *r = s->priv;
	char *nb;
	int hl;

	(void)sev;
	if (r->fd != -1 && s->conf.protocol != SINK_UDP &&
	    remote_peer_gone(r)) {
		remote_fail(s, r, "connection", "closed by the receiver");
		remote_disconnect(s, r);
	}
	if (r->fd == -1 && remote_connect(s, r) == -1)
		return SINK_RETRY;
	if (s->conf.protocol == SINK_UDP) {
		if (send(r->fd, line, len, MSG_NOSIGNAL) == (ssize_t)len)
			return SINK_SENT;
		if (errno == EMSGSIZE)
			return SINK_REJECT;
		/* ECONNREFUSED: an earlier datagram met a closed port. */
		remote_fail(s, r, "send", strerror(errno));
		if (errno != ECONNREFUSED && errno != EAGAIN)
			remote_disconnect(s, r);
		return SINK_RETRY;
	}
	/* RFC 6587 section 3.4.1: MSG-LEN SP SYSLOG-MSG, one write. */
	if (r->framecap < len + 24) {
		if ((nb = realloc(r->frame, len + 24)) == NULL)
			return SINK_RETRY;
		r->frame = nb;
		r->framecap = len + 24;
	}
	hl = snprintf(r->frame, r->framecap, "%zu ", len);
	memcpy(r->frame + hl, line, len);
	if (remote_write(s, r, r->frame, (size_t)hl + len) == -1) {
		remote_disconnect(s, r);
		return SINK_RETRY;
	}
	return SINK_SENT;
}

static int
remote_open(struct sink *s, const struct sink_conf *c, char *err,
    size_t errlen)
{
	struct remote_sink *r;
	int ret;

	if ((r = calloc(1, sizeof(*r))) == NULL) {
		snprintf(err, errlen, "%s", strerror(errno));
		return -1;
	}
	r->fd = -1;
	s->priv = r;
	if (c->protocol != SINK_TLS)
		return 0;
	/* Credentials are loaded now, so a bad file stops the start. */
	if ((ret = gnutls_certificate_allocate_credentials(&r->cred)) < 0) {
		snprintf(err, errlen, "tls: %s", gnutls_strerror(ret));
		goto fail;
	}
	if (c->ca[0])
		ret = gnutls_certificate_set_x509_trust_file(r->cred, c->ca,
		    GNUTLS_X509_FMT_PEM);
	else
		ret = gnutls_certificate_set_x509_system_trust(r->cred);
	if (ret <= 0) {
		snprintf(err, errlen, "%s: %s", c->ca[0] ? c->ca :
		    "system trust", ret == 0 ? "no CA certificate" :
		    gnutls_strerror(ret));
		goto fail;
	}
	if (c->cert[0] && (ret = gnutls_certificate_set_x509_key_file(r->cred,
	    c->cert, c->key, GNUTLS_X509_FMT_PEM)) < 0) {
		snprintf(err, errlen, "%s: %s", c->cert, gnutls_strerror(ret));
		goto fail;
	}
	return 0;
fail:
	if (r->cred != NULL)
		gnutls_certificate_free_credentials(r->cred);
	free(r);
	s->priv = NULL;
	return -1;
}

static void
remote_close(struct sink *s)
{
	struct remote_sink *r = s->priv;

	if (r == NULL)
		return;
	/* A close_notify if the socket takes it now; no waiting at exit. */
	if (r->tls != NULL)
		gnutls_bye(r->tls, GNUTLS_SHUT_WR);
	remote_disconnect(s, r);
	if (r->cred != NULL)
		gnutls_certificate_free_credentials(r->cred);
	free(r->frame);
	free(r);
	s->priv = NULL;
}

const struct sink_ops sink_remote_ops = {
	.name = "remote",
	.open = remote_open,
	.send = remote_send,
	.reopen = NULL,
	.close = remote_close,
};

/*
 * classify_rtsp.c - the RTSP media negotiation tracker, part of the
 * classify stage (capture -> decode -> flowtab -> classify -> policy).
 *
 * An RTSP session sets up its media streams in band: each SETUP request
 * names, in its Transport header, where the client wants to receive one
 * stream (client_port=, destination=), and the 2xx reply names where the
 * server sends it from (server_port=, source=), or that the stream runs
 * inside the RTSP connection (interleaved=).  RFC 2326 section 12.39 and
 * RFC 7826 section 18.54 (dest_addr=/src_addr=) define the header.  Once
 * nDPI has named a TCP flow RTSP, classify.c hands each of its payload
 * segments here; a small line parser reads the requests of the client
 * (SETUP, PLAY, TEARDOWN, with their CSeq) and the replies of the server
 * (status and CSeq), pairs them by CSeq and records one stream per SETUP
 * that succeeded.  Reading stops at the PLAY's 2xx reply, at TEARDOWN, or
 * after RTSP_SEGMENTS segments: after PLAY the connection carries keep-
 * alives and, when interleaved, the media itself.
 *
 * Segments are put in order by TCP sequence number per direction:
 * retransmitted bytes are skipped, and a gap (bytes the capture lost)
 * drops the message being read and waits for the next one.  Only one
 * partial line per direction is kept between segments, in a fixed
 * buffer; bodies (SDP) and interleaved frames are skipped by length.
 * Nothing is allocated per packet: trackers come from a pool allocated
 * in classify_rtsp_new() and are zeroed when taken.
 */
#include <stdlib.h>
#include <string.h>

#include <netinet/in.h>

#include "classify_priv.h"

#define RTSP_LINE_MAX	512	/* header line kept whole; longer are cut */
#define RTSP_SEGMENTS	64	/* segments with new bytes read per session */
#define RTSP_PENDING	8	/* SETUP requests awaiting their reply */
#define RTSP_NUM_MAX	999999999u /* CSeq, Content-Length: 9 digits */

/* What a direction's parser is in the middle of. */
enum rtsp_mode {
	RTSP_M_START = 0,	/* between messages: a start line is next */
	RTSP_M_HEAD,		/* reading header lines */
	RTSP_M_SKIP,		/* skipping a body or an interleaved frame */
	RTSP_M_FRAME,		/* reading an interleaved frame's header */
};

enum rtsp_method {
	RTSP_METHOD_OTHER = 0,
	RTSP_METHOD_DESCRIBE,		/* no use but telling the client */
	RTSP_METHOD_SETUP,
	RTSP_METHOD_PLAY,
	RTSP_METHOD_TEARDOWN,
};

/* The first transport-spec of one Transport header. */
struct rtsp_transport {
	struct addr dst, src;		/* destination=/dest_addr, source= */
	uint16_t cport[2];		/* client_port= or dest_addr ports */
	uint16_t sport[2];		/* server_port= or src_addr ports */
	uint16_t mport[2];		/* port= (multicast) */
	uint8_t has_dst, has_src, has_cport, has_sport, has_mport;
	uint8_t interleaved;		/* interleaved= or a /TCP profile */
	uint8_t seen;			/* a Transport header was read */
	uint8_t ended;			/* the first spec ended at a comma */
};

/* The message a direction is reading. */
struct rtsp_msg {
	struct rtsp_transport tr;
	uint32_t cseq;
	uint32_t clen;			/* Content-Length */
	uint16_t status;		/* reply status; 0 for a request */
	uint8_t method;			/* enum rtsp_method, requests */
	uint8_t has_cseq;
	uint8_t in_transport;		/* last header line was Transport */
};

struct rtsp_dir {
	struct rtsp_msg msg;
	uint32_t next_seq;		/* sequence number of the next byte */
	uint32_t skip;			/* bytes left to skip (RTSP_M_SKIP) */
	uint16_t linelen;		/* bytes in line */
	uint8_t mode;			/* enum rtsp_mode */
	uint8_t seq_known;
	uint8_t line_cut;		/* the line was longer than line */
	uint8_t frame_got;		/* frame header bytes read after '$' */
	uint8_t frame[3];		/* channel, length (RFC 2326 10.12) */
	char line[RTSP_LINE_MAX];
};

struct rtsp_pending {
	struct rtsp_transport tr;
	uint32_t cseq;
};

struct rtsp_tracker {
	struct classify_media media[CLASSIFY_MEDIA_MAX];
	/* Per stream: its SETUP's CSeq and Transport, whether replied. */
	uint32_t media_cseq[CLASSIFY_MEDIA_MAX];
	struct rtsp_transport media_req[CLASSIFY_MEDIA_MAX];
	uint8_t media_replied[CLASSIFY_MEDIA_MAX];
	struct rtsp_pending pend[RTSP_PENDING];
	struct rtsp_dir dir[2];		/* [FLOW_C2S], [FLOW_S2C] */
	uint32_t play_cseq;
	uint8_t nmedia, npend;
	uint8_t has_play;		/* a PLAY request was read */
	uint8_t playing;		/* ... and got a 2xx reply */
	uint8_t done;			/* reading stopped */
	uint8_t segments;		/* segments read */
	uint8_t client;			/* direction the client sends in */
	uint8_t client_known;		/* ... learnt from a request */
};

struct classify_rtsp {
	struct rtsp_tracker *t;
	uint32_t n;
	uint32_t *freelist;		/* stack of free tracker indexes */
	uint32_t nfree;
	struct classify_stats *st;
};

struct classify_rtsp *
classify_rtsp_new(uint32_t n, struct classify_stats *st)
{
	struct classify_rtsp *r;
	uint32_t i;

	if (n == 0 || (r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	r->t = calloc(n, sizeof(*r->t));
	r->freelist = calloc(n, sizeof(*r->freelist));
	if (r->t == NULL || r->freelist == NULL) {
		classify_rtsp_free(r);
		return NULL;
	}
	r->n = n;
	r->st = st;
	/* Pushed in reverse so that tracker 0 is handed out first. */
	for (i = 0; i < n; i++)
		r->freelist[i] = n - 1 - i;
	r->nfree = n;
	return r;
}

void
classify_rtsp_free(struct classify_rtsp *r)
{
	if (r == NULL)
		return;
	free(r->freelist);
	free(r->t);
	free(r);
}

uint32_t
classify_rtsp_get(struct classify_rtsp *r)
{
	uint32_t t;

	if (r->nfree == 0) {
		r->st->rtsp_exhausted++;
		return CLASSIFY_RTSP_NIL;
	}
	t = r->freelist[--r->nfree];
	memset(&r->t[t], 0, sizeof(r->t[t]));
	/* Until a request says otherwise, the flow table's client is. */
	r->t[t].client = FLOW_C2S;
	r->st->rtsp_sessions++;
	return t;
}

void
classify_rtsp_put(struct classify_rtsp *r, uint32_t t)
{
	if (t == CLASSIFY_RTSP_NIL)
		return;
	r->freelist[r->nfree++] = t;
}

int
classify_rtsp_media(const struct classify_rtsp *r, uint32_t t,
    const struct classify_media **m, int *playing)
{
	const struct rtsp_tracker *k = &r->t[t];

	*m = k->media;
	*playing = k->playing;
	return k->nmedia;
}

/* Text helpers over [s, e): nothing here reads at or past e. */

static int
rtsp_space(char ch)
{
	return ch == ' ' || ch == '\t';
}

static const char *
rtsp_skip_space(const char *s, const char *e)
{
	while (s < e && rtsp_space(*s))
		s++;
	return s;
}

static const char *
rtsp_trim_end(const char *s, const char *e)
{
	while (e > s && rtsp_space(e[-1]))
		e--;
	return e;
}

/* 1 when [s, e) is word, ignoring case. */
static int
rtsp_eq(const char *s, const char *e, const char *word)
{
	size_t n = strlen(word), i;

	/* The lengths must match before any byte is compared. */
	if ((size_t)(e - s) != n)
		return 0;
	for (i = 0; i < n; i++)
		if ((s[i] | 0x20) != (word[i] | 0x20))
			return 0;
	return 1;
}

/*
 * Reads decimal digits at *sp (at most 9, so no overflow) into *v and
 * moves *sp past them.  Returns 0, or -1 when there is no digit or more
 * than 9.
 */
static int
rtsp_num(const char **sp, const char *e, uint32_t *v)
{
	const char *s = *sp;
	uint32_t x = 0;
	int n = 0;

	while (s < e && *s >= '0' && *s <= '9') {
		/* A tenth digit would not fit RTSP_NUM_MAX. */
		if (++n > 9)
			return -1;
		x = x * 10 + (uint32_t)(*s - '0');
		s++;
	}
	if (n == 0)
		return -1;
	*v = x;
	*sp = s;
	return 0;
}

/* A whole value of digits, surrounding spaces allowed. */
static int
rtsp_value_num(const char *s, const char *e, uint32_t *v)
{
	s = rtsp_skip_space(s, e);
	e = rtsp_trim_end(s, e);
	if (rtsp_num(&s, e, v) == -1 || s != e)
		return -1;
	return 0;
}

/*
 * A port range "a[-b]" (RFC 2326 section 12.39); a lone port gives
 * lo == hi.  Ports are 1..65535 and lo <= hi.  Returns 0 or -1.
 */
static int
rtsp_ports(const char *s, const char *e, uint16_t pr[2])
{
	uint32_t lo, hi;

	s = rtsp_skip_space(s, e);
	e = rtsp_trim_end(s, e);
	if (rtsp_num(&s, e, &lo) == -1)
		return -1;
	hi = lo;
	s = rtsp_skip_space(s, e);
	/* A second port only after a dash. */
	if (s < e && *s == '-') {
		s = rtsp_skip_space(s + 1, e);
		if (rtsp_num(&s, e, &hi) == -1)
			return -1;
	}
	if (s != e || lo == 0 || lo > 65535 || hi < lo || hi > 65535)
		return -1;
	pr[0] = (uint16_t)lo;
	pr[1] = (uint16_t)hi;
	return 0;
}

/* Strips one pair of double quotes around [*s, *e). */
static void
rtsp_unquote(const char **s, const char **e)
{
	/* Two bytes at least: an opening and a closing quote. */
	if (*e - *s >= 2 && **s == '"' && (*e)[-1] == '"') {
		(*s)++;
		(*e)--;
	}
}

/* An IPv4 or IPv6 address in [s, e), copied out to be NUL-terminated. */
static int
rtsp_addr(const char *s, const char *e, struct addr *a)
{
	char buf[ADDR_STRLEN];

	/* Room for the text and its NUL; anything longer is no address. */
	if (e <= s || (size_t)(e - s) >= sizeof(buf))
		return -1;
	memcpy(buf, s, (size_t)(e - s));
	buf[e - s] = '\0';
	return addr_parse(buf, a);
}

/*
 * One host-port of RFC 7826's dest_addr/src_addr: "host:port", ":port",
 * "[v6]:port" or a host alone, in double quotes.  *has_addr is set when
 * an address was given (a host name counts as none).  Returns 0 or -1.
 */
static int
rtsp_host_port(const char *s, const char *e, struct addr *a, int *has_addr,
    uint32_t *port)
{
	const char *h, *he, *c;

	rtsp_unquote(&s, &e);
	*has_addr = 0;
	*port = 0;
	if (s < e && *s == '[') {
		/* An IPv6 literal runs to its bracket, if there is one. */
		if ((he = memchr(s, ']', (size_t)(e - s))) == NULL)
			return -1;
		h = s + 1;
		c = he + 1;
		if (c < e && *c != ':')
			return -1;
	} else {
		/* The port follows the last colon. */
		for (c = e; c > s && c[-1] != ':'; c--)
			;
		c = c > s ? c - 1 : e;
		h = s;
		he = c;
	}
	if (he > h && rtsp_addr(h, he, a) == 0)
		*has_addr = 1;
	if (c < e) {
		c++;
		if (rtsp_num(&c, e, port) == -1 || c != e || *port == 0 ||
		    *port > 65535)
			return -1;
	}
	return 0;
}

/*
 * dest_addr="h:p1"/"h:p2" (RFC 7826 section 18.54): the first two
 * host-ports, RTP then RTCP.
 */
static void
rtsp_addr_list(const char *s, const char *e, struct addr *a,
    uint8_t *has_addr, uint16_t pr[2], uint8_t *has_ports)
{
	const char *q, *sep;
	struct addr rtcp;	/* the RTCP address: the RTP one is kept */
	uint32_t port[2] = { 0, 0 };
	int i, ha;

	for (i = 0, q = s; i < 2 && q < e; i++) {
		/* Items are split by '/' outside quotes. */
		for (sep = q; sep < e; sep++) {
			if (*sep == '"') {
				const char *close = memchr(sep + 1, '"',
				    (size_t)(e - sep - 1));

				if (close == NULL)
					return;
				sep = close;
			} else if (*sep == '/')
				break;
		}
		if (rtsp_host_port(rtsp_skip_space(q, sep),
		    rtsp_trim_end(q, sep), i == 0 ? a : &rtcp, &ha,
		    &port[i]) == -1)
			return;
		if (i == 0 && ha)
			*has_addr = 1;
		q = sep < e ? sep + 1 : e;
	}
	if (port[0] != 0) {
		pr[0] = (uint16_t)port[0];
		pr[1] = (uint16_t)(port[1] >= port[0] ? port[1] : port[0]);
		*has_ports = 1;
	}
}

/* One parameter of a transport-spec, [s, e) without its ';'. */
static void
rtsp_transport_param(struct rtsp_transport *tr, const char *s, const char *e)
{
	const char *eq, *v, *n_end;

	s = rtsp_skip_space(s, e);
	e = rtsp_trim_end(s, e);
	if (s == e)
		return;
	eq = memchr(s, '=', (size_t)(e - s));
	n_end = rtsp_trim_end(s, eq != NULL ? eq : e);
	v = eq != NULL ? rtsp_skip_space(eq + 1, e) : e;
	if (rtsp_eq(s, n_end, "client_port")) {
		if (rtsp_ports(v, e, tr->cport) == 0)
			tr->has_cport = 1;
	} else if (rtsp_eq(s, n_end, "server_port")) {
		if (rtsp_ports(v, e, tr->sport) == 0)
			tr->has_sport = 1;
	} else if (rtsp_eq(s, n_end, "port")) {
		if (rtsp_ports(v, e, tr->mport) == 0)
			tr->has_mport = 1;
	} else if (rtsp_eq(s, n_end, "interleaved")) {
		tr->interleaved = 1;
	} else if (rtsp_eq(s, n_end, "destination")) {
		rtsp_unquote(&v, &e);
		if (rtsp_addr(v, e, &tr->dst) == 0)
			tr->has_dst = 1;
	} else if (rtsp_eq(s, n_end, "source")) {
		rtsp_unquote(&v, &e);
		if (rtsp_addr(v, e, &tr->src) == 0)
			tr->has_src = 1;
	} else if (rtsp_eq(s, n_end, "dest_addr")) {
		rtsp_addr_list(v, e, &tr->dst, &tr->has_dst, tr->cport,
		    &tr->has_cport);
	} else if (rtsp_eq(s, n_end, "src_addr")) {
		rtsp_addr_list(v, e, &tr->src, &tr->has_src, tr->sport,
		    &tr->has_sport);
	} else if (eq == NULL && memchr(s, '/', (size_t)(e - s)) != NULL) {
		/*
		 * The transport-protocol/profile/lower-transport that opens
		 * the spec: RTP/AVP/TCP means interleaved.
		 */
		if (e - s >= 4 && rtsp_eq(e - 4, e, "/tcp"))
			tr->interleaved = 1;
	}
}

/*
 * Reads the first transport-spec of the Transport value [s, e), or more
 * of it from a folded continuation line.  Parameters are split by ';'
 * outside double quotes; the spec ends at a ',' outside them (the others
 * are alternatives the server chose from).
 */
static void
rtsp_transport(struct rtsp_transport *tr, const char *s, const char *e)
{
	const char *p = s;
	int quoted = 0;

	if (tr->ended)
		return;
	tr->seen = 1;
	for (; p < e; p++) {
		if (*p == '"')
			quoted = !quoted;
		else if (!quoted && (*p == ';' || *p == ',')) {
			rtsp_transport_param(tr, s, p);
			s = p + 1;
			if (*p == ',') {
				tr->ended = 1;
				return;
			}
		}
	}
	rtsp_transport_param(tr, s, e);
}

/*
 * Builds the stream of a SETUP from its request and its reply; client is
 * the direction the RTSP client sends in.
 */
static int
rtsp_stream(struct classify_media *m, const struct flow *f, int client,
    const struct rtsp_transport *req, const struct rtsp_transport *rep)
{
	const struct rtsp_transport *pick;

	memset(m, 0, sizeof(*m));
	m->client = f->addr[client];
	m->server = f->addr[!client];
	/* The reply says what the server settled on; the request fills in. */
	if (rep->has_dst)
		m->client = rep->dst;
	else if (req->has_dst)
		m->client = req->dst;
	if (rep->has_src)
		m->server = rep->src;
	m->interleaved = rep->seen ? rep->interleaved : req->interleaved;
	if (m->interleaved)
		return 0;
	pick = rep->has_cport ? rep : req->has_cport ? req : NULL;
	if (pick != NULL) {
		m->cport_lo = pick->cport[0];
		m->cport_hi = pick->cport[1];
	} else if ((pick = rep->has_mport ? rep : req->has_mport ? req :
	    NULL) != NULL) {
		/* Multicast: the group's port pair is where clients receive. */
		m->cport_lo = pick->mport[0];
		m->cport_hi = pick->mport[1];
	}
	pick = rep->has_sport ? rep : req->has_sport ? req : NULL;
	if (pick != NULL) {
		m->sport_lo = pick->sport[0];
		m->sport_hi = pick->sport[1];
	}
	/* A stream with no port known cannot be matched to any flow. */
	return m->cport_lo != 0 || m->sport_lo != 0 ? 0 : -1;
}

/*
 * A SETUP with CSeq cseq (has_cseq 0: none known) succeeded: req and rep
 * are the Transport of its request and of its reply (rep unseen when the
 * stream comes from the request alone, replied 0).  Adds its stream, or
 * completes the one its request already made when the reply comes late.
 * A stream already there, as a duplicated reply gives, changes nothing.
 * Returns CLASSIFY_EV_MEDIA when the streams changed, else 0.
 */
static int
rtsp_setup_done(struct classify_rtsp *r, struct rtsp_tracker *k,
    const struct flow *f, int has_cseq, uint32_t cseq,
    const struct rtsp_transport *req, const struct rtsp_transport *rep,
    int replied)
{
	struct classify_media m;
	int i;

	for (i = 0; has_cseq && i < k->nmedia; i++) {
		if (k->media_cseq[i] != cseq)
			continue;
		if (k->media_replied[i] || !replied)
			return 0;
		k->media_replied[i] = 1;
		if (rtsp_stream(&m, f, k->client, &k->media_req[i], rep) ==
		    -1 ||
		    memcmp(&k->media[i], &m, sizeof(m)) == 0)
			return 0;
		k->media[i] = m;
		return CLASSIFY_EV_MEDIA;
	}
	if (rtsp_stream(&m, f, k->client, req, rep) == -1)
		return 0;
	for (i = 0; i < k->nmedia; i++)
		if (memcmp(&k->media[i], &m, sizeof(m)) == 0)
			return 0;
	/* Room for CLASSIFY_MEDIA_MAX streams; more are not kept. */
	if (k->nmedia >= CLASSIFY_MEDIA_MAX)
		return 0;
	k->media[k->nmedia] = m;
	k->media_req[k->nmedia] = *req;
	k->media_replied[k->nmedia] = (uint8_t)replied;
	/* Any CSeq is valid: a stream without one matches no reply. */
	k->media_cseq[k->nmedia] = has_cseq ? cseq : UINT32_MAX;
	k->nmedia++;
	r->st->rtsp_streams++;
	return CLASSIFY_EV_MEDIA;
}

static int
rtsp_pending_find(const struct rtsp_tracker *k, uint32_t cseq)
{
	int i;

	for (i = 0; i < k->npend; i++)
		if (k->pend[i].cseq == cseq)
			return i;
	return -1;
}

static void
rtsp_pending_drop(struct rtsp_tracker *k, int i)
{
	k->pend[i] = k->pend[k->npend - 1];
	k->npend--;
}

/* A request from the client, its headers read. */
static int
rtsp_request(struct classify_rtsp *r, struct rtsp_tracker *k,
    const struct flow *f, const struct rtsp_msg *msg)
{
	static const struct rtsp_transport none;
	int ev = 0, i;

	switch (msg->method) {
	case RTSP_METHOD_SETUP:
		/* Without a CSeq no reply can be paired with it. */
		if (!msg->has_cseq || rtsp_pending_find(k, msg->cseq) >= 0)
			return 0;
		for (i = 0; i < k->nmedia; i++)
			if (k->media_cseq[i] == msg->cseq)
				return 0;	/* a retransmitted request */
		/* Room for RTSP_PENDING requests in flight. */
		if (k->npend >= RTSP_PENDING)
			return 0;
		k->pend[k->npend].cseq = msg->cseq;
		k->pend[k->npend].tr = msg->tr;
		k->npend++;
		return 0;
	case RTSP_METHOD_PLAY:
		k->has_play = 1;
		k->play_cseq = msg->has_cseq ? msg->cseq : UINT32_MAX;
		/*
		 * A client plays only once its SETUPs have succeeded: the
		 * replies still awaited were lost to the capture, or are
		 * pipelined; their requests say what was asked for.
		 */
		for (i = 0; i < k->npend; i++)
			ev |= rtsp_setup_done(r, k, f, 1, k->pend[i].cseq,
			    &k->pend[i].tr, &none, 0);
		k->npend = 0;
		return ev;
	case RTSP_METHOD_TEARDOWN:
		k->done = 1;
		return 0;
	default:
		return 0;
	}
}

/* A reply from the server, its headers read. */
static int
rtsp_reply(struct classify_rtsp *r, struct rtsp_tracker *k,
    const struct flow *f, const struct rtsp_msg *msg)
{
	static const struct rtsp_transport none;
	int ok = msg->status >= 200 && msg->status <= 299, i;

	if (msg->has_cseq && (i = rtsp_pending_find(k, msg->cseq)) >= 0) {
		struct rtsp_pending pd = k->pend[i];

		rtsp_pending_drop(k, i);
		/* An error (454 Session Not Found, 461 ...) sets up nothing. */
		if (!ok)
			return 0;
		return rtsp_setup_done(r, k, f, 1, msg->cseq, &pd.tr,
		    &msg->tr, 1);
	}
	if (!ok)
		return 0;
	if (k->has_play && msg->has_cseq && msg->cseq == k->play_cseq) {
		k->playing = 1;
		k->done = 1;
		return CLASSIFY_EV_MEDIA;
	}
	/*
	 * A reply with a Transport whose request was not seen (the capture
	 * began later, or a pipelined SETUP already counted at PLAY).
	 */
	if (msg->tr.seen)
		return rtsp_setup_done(r, k, f, msg->has_cseq, msg->cseq,
		    &none, &msg->tr, 1);
	return 0;
}

/* The start line of a message: a request line or a status line. */
static void
rtsp_start_line(struct rtsp_dir *d, const char *s, const char *e)
{
	const char *sp, *last;
	uint32_t status;

	memset(&d->msg, 0, sizeof(d->msg));
	/* "RTSP/1.0 200 OK" (RFC 2326 section 7.1): 5 bytes of "RTSP/". */
	if (e - s >= 5 && memcmp(s, "RTSP/", 5) == 0) {
		sp = memchr(s, ' ', (size_t)(e - s));
		if (sp == NULL)
			return;
		sp = rtsp_skip_space(sp, e);
		if (rtsp_num(&sp, e, &status) == -1 || status < 100 ||
		    status > 999)
			return;
		d->msg.status = (uint16_t)status;
		d->mode = RTSP_M_HEAD;
		return;
	}
	/* "SETUP rtsp://... RTSP/1.0" (section 6.1): the version is last. */
	e = rtsp_trim_end(s, e);
	for (last = e; last > s && !rtsp_space(last[-1]); last--)
		;
	if (last == s || e - last < 5 || memcmp(last, "RTSP/", 5) != 0)
		return;
	sp = s;
	while (sp < e && !rtsp_space(*sp))
		sp++;
	/* Method names are case-sensitive (section 6.1). */
	if (sp - s == 5 && memcmp(s, "SETUP", 5) == 0)
		d->msg.method = RTSP_METHOD_SETUP;
	else if (sp - s == 4 && memcmp(s, "PLAY", 4) == 0)
		d->msg.method = RTSP_METHOD_PLAY;
	else if (sp - s == 8 && memcmp(s, "TEARDOWN", 8) == 0)
		d->msg.method = RTSP_METHOD_TEARDOWN;
	else if (sp - s == 8 && memcmp(s, "DESCRIBE", 8) == 0)
		d->msg.method = RTSP_METHOD_DESCRIBE;
	d->mode = RTSP_M_HEAD;
}

/* One header line of the message being read. */
static void
rtsp_header(struct rtsp_dir *d, const char *s, const char *e)
{
	const char *colon, *v;

	/* A folded line (RFC 2326 section 4.2) continues the last header. */
	if (rtsp_space(*s)) {
		if (d->msg.in_transport)
			rtsp_transport(&d->msg.tr, s, e);
		return;
	}
	d->msg.in_transport = 0;
	if ((colon = memchr(s, ':', (size_t)(e - s))) == NULL)
		return;
	v = rtsp_skip_space(colon + 1, e);
	if (rtsp_eq(s, rtsp_trim_end(s, colon), "cseq")) {
		if (rtsp_value_num(v, e, &d->msg.cseq) == 0)
			d->msg.has_cseq = 1;
	} else if (rtsp_eq(s, rtsp_trim_end(s, colon), "content-length")) {
		if (rtsp_value_num(v, e, &d->msg.clen) == -1)
			d->msg.clen = 0;
	} else if (rtsp_eq(s, rtsp_trim_end(s, colon), "transport")) {
		/* A second Transport header adds nothing to the first. */
		if (d->msg.tr.seen)
			return;
		d->msg.in_transport = 1;
		rtsp_transport(&d->msg.tr, v, e);
	}
}

/* A whole line of direction dir; [s, e) without its CR LF. */
static int
rtsp_line(struct classify_rtsp *r, struct rtsp_tracker *k,
    const struct flow *f, int dir, const char *s, const char *e)
{
	struct rtsp_dir *d = &k->dir[dir];
	int ev = 0;

	if (d->mode == RTSP_M_START) {
		/* Empty lines between messages are tolerated. */
		if (s < e && !d->line_cut)
			rtsp_start_line(d, s, e);
		return 0;
	}
	if (s < e) {
		/*
		 * A cut line is read as far as kept only if it is a
		 * Transport whose first spec ended within it.
		 */
		rtsp_header(d, s, e);
		if (d->line_cut && d->msg.in_transport && !d->msg.tr.ended)
			memset(&d->msg.tr, 0, sizeof(d->msg.tr));
		return 0;
	}
	/*
	 * The empty line ends the headers: the message is whole.
	 * DESCRIBE, SETUP, PLAY and TEARDOWN come from the client only (RFC
	 * 2326 section 10): the first of them tells which end that is,
	 * whatever the flow table guessed from ports.  The server's own
	 * requests (ANNOUNCE, GET_PARAMETER, ...) and the client's replies
	 * to them matter not.
	 */
	if (d->msg.status == 0 && d->msg.method != RTSP_METHOD_OTHER) {
		if (!k->client_known) {
			k->client = (uint8_t)dir;
			k->client_known = 1;
		}
		if (dir == k->client)
			ev = rtsp_request(r, k, f, &d->msg);
	} else if (d->msg.status != 0 && dir != k->client)
		ev = rtsp_reply(r, k, f, &d->msg);
	d->mode = d->msg.clen > 0 ? RTSP_M_SKIP : RTSP_M_START;
	d->skip = d->msg.clen;
	return ev;
}

/* Forgets the message being read: bytes before b were lost. */
static void
rtsp_resync(struct rtsp_dir *d)
{
	d->mode = RTSP_M_START;
	d->skip = 0;
	d->linelen = 0;
	d->line_cut = 0;
	d->frame_got = 0;
	memset(&d->msg, 0, sizeof(d->msg));
}

/* Parses n new bytes at b of direction dir. */
static int
rtsp_bytes(struct classify_rtsp *r, struct rtsp_tracker *k,
    const struct flow *f, int dir, const uint8_t *b, uint32_t n)
{
	struct rtsp_dir *d = &k->dir[dir];
	const uint8_t *nl;
	uint32_t take, room;
	int ev = 0;

	while (n > 0 && !k->done) {
		switch (d->mode) {
		case RTSP_M_SKIP:
			take = d->skip < n ? d->skip : n;
			d->skip -= take;
			b += take;
			n -= take;
			if (d->skip == 0)
				d->mode = RTSP_M_START;
			continue;
		case RTSP_M_FRAME:
			/* '$', channel, 16-bit length (RFC 2326 10.12). */
			d->frame[d->frame_got++] = *b++;
			n--;
			if (d->frame_got == 3) {
				d->frame_got = 0;
				d->skip = (uint32_t)d->frame[1] << 8 |
				    d->frame[2];
				d->mode = d->skip > 0 ? RTSP_M_SKIP :
				    RTSP_M_START;
			}
			continue;
		case RTSP_M_START:
			if (d->linelen == 0 && !d->line_cut && *b == '$') {
				d->mode = RTSP_M_FRAME;
				b++;
				n--;
				continue;
			}
			break;
		default:
			break;
		}
		/* A line: up to its LF, kept up to RTSP_LINE_MAX bytes. */
		nl = memchr(b, '\n', n);
		take = nl != NULL ? (uint32_t)(nl - b) + 1 : n;
		room = RTSP_LINE_MAX - d->linelen;
		if (take > room)
			d->line_cut = 1;
		/* Copies no more than the room left in line. */
		memcpy(d->line + d->linelen, b, take < room ? take : room);
		d->linelen += (uint16_t)(take < room ? take : room);
		b += take;
		n -= take;
		if (nl == NULL)
			continue;
		/* Strips the LF, and the CR before it, if kept. */
		{
			const char *s = d->line, *e = d->line + d->linelen;

			if (!d->line_cut && e > s && e[-1] == '\n')
				e--;
			if (e > s && e[-1] == '\r')
				e--;
			ev |= rtsp_line(r, k, f, dir, s, e);
		}
		d->linelen = 0;
		d->line_cut = 0;
	}
	return ev;
}

int
classify_rtsp_packet(struct classify_rtsp *r, uint32_t t,
    const struct flow *f, const struct pkt *p, int dir)
{
	struct rtsp_tracker *k = &r->t[t];
	struct rtsp_dir *d;
	const uint8_t *b = p->payload;
	uint32_t n = p->paylen, old;
	int32_t off;
	int ev;

	if (k->done || p->proto != IPPROTO_TCP || b == NULL || n == 0 ||
	    (dir != FLOW_C2S && dir != FLOW_S2C))
		return 0;
	d = &k->dir[dir];
	if (!d->seq_known) {
		d->seq_known = 1;
		d->next_seq = p->tcp_seq;
	}
	/* Signed distance in sequence space (RFC 9293 section 3.4). */
	off = (int32_t)(d->next_seq - p->tcp_seq);
	if (off > 0) {
		old = (uint32_t)off;
		/* Only bytes already read: a retransmission. */
		if (old >= n)
			return 0;
		b += old;
		n -= old;
	} else if (off < 0)
		rtsp_resync(d);
	d->next_seq = p->tcp_seq + p->paylen;
	ev = rtsp_bytes(r, k, f, dir, b, n);
	if (++k->segments >= RTSP_SEGMENTS)
		k->done = 1;
	return ev;
}

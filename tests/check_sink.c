/*
 * check_sink.c - unit tests of the sinks: configuration parsing and its
 * errors, the file sink and its reopen, delivery over TCP and UDP to a
 * receiver in the test, and a dead receiver that must neither block the
 * producer nor lose a line uncounted.
 */
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "errlist.h"
#include "sink.h"
#include "check_run.h"
#include "tmpdir.h"

static void
mk_alert(struct alert *a, int i)
{
	static const uint8_t c4[4] = { 10, 1, 2, 3 }, s4[4] = { 10, 1, 9, 8 };

	memset(a, 0, sizeof(*a));
	a->kind = (enum policy_kind)(i % POLICY_KIND_MAX);
	a->severity = i % 11;
	snprintf(a->rule_id, sizeof(a->rule_id), "T-%06d", i);
	strcpy(a->rule_name, "test rule");
	a->ts = 1714557600000000ULL + (uint64_t)i;
	addr_from_v4(&a->client.addr, c4);
	addr_from_v4(&a->server.addr, s4);
	a->client.port = 40000;
	a->server.port = 80;
	a->transport = IPPROTO_TCP;
	strcpy(a->host_name, "a\"] [x@1 y=\"z\n<13>1 fake");
	strcpy(a->reason, "a test");
	a->count = 1;
}

/*
 * Parses text as a configuration and its "sinks" list; the problems go
 * to e.
 */
static int
parse_as(const char *file, const char *text, struct sink_conf **c, int *n,
    struct errlist *e)
{
	config_t cf;
	int r;

	config_init(&cf);
	if (config_read_string(&cf, text) != CONFIG_TRUE) {
		errlist_add(e, file, config_error_line(&cf), "syntax: %s",
		    config_error_text(&cf));
		config_destroy(&cf);
		return -1;
	}
	r = sink_conf_parse(config_lookup(&cf, "sinks"), file, c, n, e);
	config_destroy(&cf);
	return r;
}

static int
parse(const char *text, struct sink_conf **c, int *n, struct errlist *e)
{
	return parse_as("t.conf", text, c, n, e);
}

static void
check_sum(struct sinks *ss, int i, struct sink_stats *st)
{
	ck_assert_int_eq(sinks_stats(ss, i, st), 0);
	ck_assert_uint_eq(st->generated, st->delivered + st->queued +
	    st->dropped);
}

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * A loopback socket of type bound to a free port, the port in *port;
 * listening if listens (TCP).
 */
static int
bound_any(int type, int listens, uint16_t *port)
{
	struct sockaddr_in sin;
	socklen_t sl = sizeof(sin);
	int fd;

	fd = socket(AF_INET, type, 0);
	ck_assert_int_ge(fd, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sin, &sl), 0);
	if (listens)
		ck_assert_int_eq(listen(fd, 4), 0);
	*port = ntohs(sin.sin_port);
	return fd;
}

/* A loopback receiver of type on a free port; the port in *port. */
static int
listen_any(int type, uint16_t *port)
{
	return bound_any(type, type == SOCK_STREAM, port);
}

/*
 * A TCP sink to a loopback port with no listener: every connect is
 * refused, retried quickly.  The port stays bound (not listening) by the
 * socket returned, to be closed at the end, so that no other test running
 * meanwhile can listen on it.
 */
static int
dead_tcp(struct sink_conf *c, uint32_t queue)
{
	uint16_t port;
	int fd = bound_any(SOCK_STREAM, 0, &port);

	sink_conf_defaults(c, SINK_REMOTE);
	c->protocol = SINK_TCP;
	snprintf(c->host, sizeof(c->host), "127.0.0.1");
	c->port = port;
	c->queue = queue;
	c->backoff_min_ms = 10;
	c->backoff_max_ms = 40;
	return fd;
}

START_TEST(test_sink_conf_parse_all_types)
{
	struct sink_conf *c;
	struct errlist e;
	char err[1024];
	int n;

	errlist_init(&e, err, sizeof(err));
	ck_assert_msg(parse("sinks = ( { type = \"file\"; path = \"-\"; },\n"
	    "{ type = \"syslog\"; facility = \"local3\"; format = \"cef\"; },\n"
	    "{ type = \"remote\"; protocol = \"tcp\"; host = \"127.0.0.1\";"
	    " queue = 5; enterprise = 99;"
	    " severity_map = [7,7,7,7,7,7,7,7,0,0,0]; },\n"
	    "{ type = \"remote\"; host = \"h\"; format = \"leef\";"
	    " leef_delimiter = \"~\"; },\n"
	    "{ type = \"file\"; path = \"f\"; format = \"rfc5424\";"
	    " facility = \"local1\"; hostname = \"s1\"; app_name = \"vw\";"
	    " enterprise = 7; severity_map = [0,0,0,0,0,0,0,0,0,0,0]; } );",
	    &c, &n, &e) == 0, "%s", err);
	ck_assert_int_eq(e.n, 0);
	ck_assert_int_eq(n, 5);
	ck_assert_int_eq(c[0].type, SINK_FILE);
	ck_assert_int_eq(c[0].format, FORMAT_JSON);
	ck_assert_int_eq(c[1].facility, 19);
	ck_assert_int_eq(c[1].format, FORMAT_CEF);
	ck_assert_int_eq(c[2].port, 514);
	ck_assert_int_eq(c[2].queue, 5);
	ck_assert_int_eq(c[2].enterprise, 99);
	ck_assert_int_eq(c[2].sevmap[10], 0);
	ck_assert_int_eq(c[2].format, FORMAT_RFC5424);
	ck_assert_int_eq(c[3].format, FORMAT_LEEF);
	ck_assert_int_eq(c[3].leef_delim, '~');
	ck_assert_int_eq(c[4].facility, 17);
	ck_assert_str_eq(c[4].hostname, "s1");
	ck_assert_int_eq(c[4].enterprise, 7);
	free(c);
	ck_assert(parse("sinks = ( { type = \"remote\"; protocol = \"tls\";"
	    " host = \"x\"; } );", &c, &n, &e) == 0);
	ck_assert_int_eq(c[0].port, 6514);
	free(c);
	/*
	 * Problems the list held before (another section's) are not the
	 * sinks': a good list is still returned.
	 */
	errlist_add(&e, "t.conf", 1, "unknown key colour");
	ck_assert(parse("sinks = ( { type = \"file\"; path = \"-\"; } );",
	    &c, &n, &e) == 0);
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(e.n, 1);
	free(c);
}
END_TEST

/*
 * text is refused with exactly one problem, on one line, that starts
 * with want (the whole line when want ends with a newline), and nothing
 * is returned.
 */
static void
one_problem(const char *text, const char *want)
{
	struct sink_conf *c;
	struct errlist e;
	char err[1024];
	int n;

	errlist_init(&e, err, sizeof(err));
	ck_assert_msg(parse(text, &c, &n, &e) == -1, "accepted: %s", text);
	ck_assert_msg(strncmp(err, want, strlen(want)) == 0,
	    "got \"%s\", want \"%s\"", err, want);
	ck_assert_msg(e.n == 1 && strchr(err, '\n') == err + strlen(err) - 1,
	    "%s: %d problems: %s", text, e.n, err);
	ck_assert_ptr_null(c);
	ck_assert_int_eq(n, 0);
}

/* A configuration text and the one problem it must be refused with. */
struct bad_case {
	const char *text, *err;
};

static void
one_problems(const struct bad_case *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		one_problem(v[i].text, v[i].err);
}

START_TEST(test_sink_conf_parse_errors)
{
	static const struct bad_case bad[] = {
		{ "sinks = (\n{ type = \"file\"; path = \"-\"; colour = 1; } );",
		    "t.conf:2: unknown key colour" },
		{ "sinks = (\n{ type = \"pigeon\"; } );",
		    "t.conf:2: type: unknown sink type pigeon" },
		{ "sinks = (\n{ type = \"file\";\n format = \"xml\"; path = \"x\"; } );",
		    "t.conf:3: format: unknown format xml" },
		{ "sinks = (\n{ type = \"file\"; } );",
		    "t.conf:2: file sink: path is missing" },
		{ "sinks = ( { type = \"file\"; path = \"x\";\n host = \"h\"; } );",
		    "t.conf:2: host: not a setting of a file sink" },
		{ "sinks = ( { type = \"remote\"; host = \"h\";\n port = 70000; } );",
		    "t.conf:2: port: 70000 is out of range 1..65535" },
		{ "sinks = ( { type = \"remote\"; host = \"h\"; ca = \"/x\"; } );",
		    "t.conf:1: ca, cert, key and server_name are settings" },
		{ "sinks = ( { type = \"remote\"; protocol = \"tls\"; host = \"h\";"
		    " cert = \"/etc/hostname\"; } );",
		    "t.conf:1: cert and key go together" },
		{ "sinks = ( { type = \"remote\"; protocol = \"tls\"; host = \"h\";"
		    " ca = \"/nonexistent/ca.pem\"; } );",
		    "t.conf:1: ca: cannot read /nonexistent/ca.pem" },
		{ "sinks = ( { type = \"syslog\"; facility = \"local9\"; } );",
		    "t.conf:1: facility: unknown facility local9" },
		{ "sinks = ( { type = \"syslog\"; },\n { type = \"syslog\"; } );",
		    "t.conf:2: only one syslog sink" },
		{ "sinks = ( { type = \"file\"; path = \"-\"; queue = 0; } );",
		    "t.conf:1: queue: 0 is out of range" },
		{ "sinks = ( { type = \"file\"; path = \"-\";"
		    " severity_map = [1, 2]; } );",
		    "t.conf:1: severity_map: 11 syslog severities" },
		{ "sinks = ( { type = \"file\"; path = \"-\";"
		    " leef_delimiter = \"=\"; } );",
		    "t.conf:1: leef_delimiter: one printable character" },
		{ "sinks = { a = 1; };", "t.conf:1: sinks: a list of groups" },
		{ "sinks = ( { type = \"file\"; path = \"-\";\n"
		    " observer_ip = \"sensor\"; } );",
		    "t.conf:2: observer_ip: not an address" },
		{ "sinks = ( { type = \"file\"; path = \"-\"; format = \"leef\";"
		    " leef_delimiter = \"x0a\"; } );",
		    "t.conf:1: leef_delimiter: one printable character" },
		/* Keys the sink's format does not use. */
		{ "sinks = ( { type = \"file\"; path = \"-\";\n"
		    " facility = \"local1\"; } );",
		    "t.conf:2: facility: a file sink uses it in format rfc5424 "
		    "only (this one is json)\n" },
		{ "sinks = ( { type = \"file\"; path = \"-\"; format = \"cef\";"
		    " hostname = \"h\"; } );",
		    "t.conf:1: hostname: a file sink uses it in format rfc5424 "
		    "only (this one is cef)\n" },
		{ "sinks = ( { type = \"file\"; path = \"-\"; format = \"text\";"
		    " severity_map = [0,0,0,0,0,0,0,0,0,0,0]; } );",
		    "t.conf:1: severity_map: a file sink uses it in format "
		    "rfc5424 only (this one is text)\n" },
		{ "sinks = ( { type = \"remote\"; host = \"h\"; format = \"cef\";"
		    "\n enterprise = 9; } );",
		    "t.conf:2: enterprise: used in format rfc5424 only (this "
		    "sink's is cef)\n" },
		{ "sinks = ( { type = \"file\"; path = \"-\"; format = \"text\";"
		    "\n observer_name = \"s\"; } );",
		    "t.conf:2: observer_name: not used in format text\n" },
		{ "sinks = ( { type = \"syslog\"; leef_delimiter = \"~\"; } );",
		    "t.conf:1: leef_delimiter: used in format leef only (this "
		    "sink's is rfc5424)\n" },
	};

	one_problems(bad, sizeof(bad) / sizeof(bad[0]));
}
END_TEST

START_TEST(test_sink_conf_parse_every_problem)
{
	/*
	 * A problem in a sink does not hide those after it, in the same
	 * sink or in the next ones; each is on its own line, and they come
	 * in the order of the file whatever order they were found in.
	 */
	static const char text[] =
	    "sinks = (\n"
	    "{ type = \"file\"; path = \"-\";\n"		/* 2 */
	    "  colour = \"red\"; },\n"			/* 3 */
	    "{ type = \"remote\"; host = \"h\";\n"		/* 4 */
	    "  port = 70000; },\n"			/* 5 */
	    "{ path = \"x\"; },\n"				/* 6 */
	    "{ type = \"syslog\"; },\n"			/* 7 */
	    "{ type = \"syslog\";\n"				/* 8 */
	    "  facility = \"local9\"; },\n"			/* 9 */
	    "{ type = \"file\";\n"				/* 10 */
	    "  format = \"xml\"; queue = 0; },\n"		/* 11 */
	    "{ type = \"remote\"; protocol = \"tls\"; host = \"h\";\n" /* 12 */
	    "  cert = \"/nonexistent/c.pem\";\n"		/* 13 */
	    "  key = \"/nonexistent/k.pem\"; },\n"		/* 14 */
	    "{ type = \"file\"; path = \"-\";\n"		/* 15 */
	    "  severity_map = [1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]; } );\n";
	static const char want[] =
	    "t.conf:3: unknown key colour\n"
	    "t.conf:5: port: 70000 is out of range 1..65535\n"
	    "t.conf:6: sink: type = \"file\", \"syslog\" or \"remote\" is "
	    "missing\n"
	    "t.conf:8: only one syslog sink (syslog(3) has one ident)\n"
	    "t.conf:9: facility: unknown facility local9 (kern, user, mail, "
	    "daemon, auth, syslog, lpr, news, uucp, cron, authpriv, ftp, ntp, "
	    "audit, alert, clock, local0, local1, local2, local3, local4, "
	    "local5, local6, local7)\n"
	    "t.conf:10: file sink: path is missing (\"-\": standard output)\n"
	    "t.conf:11: format: unknown format xml (text, json, rfc5424, cef, "
	    "leef)\n"
	    "t.conf:11: queue: 0 is out of range 1..1000000\n"
	    "t.conf:13: cert: cannot read /nonexistent/c.pem\n"
	    "t.conf:14: key: cannot read /nonexistent/k.pem\n"
	    "t.conf:16: severity_map: 8 is out of range 0..7\n"
	    "t.conf:16: severity_map: 9 is out of range 0..7\n";
	struct sink_conf *c = (struct sink_conf *)1;
	struct errlist e;
	char err[4096];
	int n = -1;

	errlist_init(&e, err, sizeof(err));
	ck_assert_int_eq(parse(text, &c, &n, &e), -1);
	ck_assert_msg(strcmp(err, want) == 0, "got:\n%s\nwant:\n%s", err,
	    want);
	ck_assert_int_eq(e.n, 12);
	ck_assert_ptr_null(c);
	ck_assert_int_eq(n, 0);
}
END_TEST

/* Problems are one line each: control characters become \xHH. */
START_TEST(test_errlist_clean)
{
	struct errlist e;
	char buf[4096], msg[1100];

	/* A long clean message is not cut (1,021 characters). */
	memset(msg, 'm', 1021);
	msg[1021] = '\0';
	errlist_init(&e, buf, sizeof(buf));
	errlist_add(&e, "f", 1, "%s", msg);
	ck_assert_uint_eq(strlen(buf), strlen("f:1: \n") + 1021);
	/* Escapes that no longer fit end in "...", within the message. */
	memset(msg, '\t', 600);
	msg[600] = '\0';
	errlist_init(&e, buf, sizeof(buf));
	errlist_add(&e, "f", 2, "%s", msg);
	ck_assert_uint_eq(strlen(buf), strlen("f:2: \n") + 1023);
	ck_assert(strncmp(buf, "f:2: \\x09\\x09", 13) == 0);
	ck_assert(strcmp(buf + strlen(buf) - 4, "...\n") == 0);
	ck_assert_ptr_null(strchr(buf, '\t'));
}
END_TEST

/*
 * A relative file name (path, ca, cert, key) is taken from the folder of
 * the configuration, whatever the working directory.
 */
START_TEST(test_sink_conf_relative_files)
{
	struct sink_conf *c;
	struct errlist e;
	char err[2048], longname[1100];
	int n;

	errlist_init(&e, err, sizeof(err));
	/* /etc/hostname is readable: "hostname" beside /etc/v.conf is it. */
	ck_assert_msg(parse_as("/etc/v.conf", "sinks = ("
	    "{ type = \"file\"; path = \"log/alerts.json\"; },"
	    "{ type = \"file\"; path = \"-\"; },"
	    "{ type = \"file\"; path = \"/var/a.json\"; },"
	    "{ type = \"remote\"; protocol = \"tls\"; host = \"h\";"
	    " ca = \"hostname\"; cert = \"hostname\"; key = \"hostname\"; } );",
	    &c, &n, &e) == 0, "%s", err);
	ck_assert_str_eq(c[0].path, "/etc/log/alerts.json");
	ck_assert_str_eq(c[1].path, "-");
	ck_assert_str_eq(c[2].path, "/var/a.json");
	ck_assert_str_eq(c[3].ca, "/etc/hostname");
	ck_assert_str_eq(c[3].key, "/etc/hostname");
	free(c);
	/* A configuration in the working directory: names as they are. */
	ck_assert(parse_as("v.conf", "sinks = ( { type = \"file\";"
	    " path = \"a.json\"; } );", &c, &n, &e) == 0);
	ck_assert_str_eq(c[0].path, "a.json");
	free(c);
	/* Relative to a folder, the name may no longer fit. */
	memset(longname, 'x', 1015);
	longname[1015] = '\0';
	snprintf(err, sizeof(err), "sinks = ( { type = \"file\";"
	    " path = \"%s\"; } );", longname);
	errlist_init(&e, err + 1200, sizeof(err) - 1200);
	ck_assert(parse_as("/etc/vmswatch/v.conf", err, &c, &n, &e) == -1);
	ck_assert_str_eq(err + 1200, "/etc/vmswatch/v.conf:1: path: longer "
	    "than 1023 characters once in the configuration's folder "
	    "/etc/vmswatch\n");
	ck_assert_int_eq(e.n, 1);
}
END_TEST

START_TEST(test_errlist_sort)
{
	struct errlist e;
	char buf[512], tiny[40];
	size_t from;

	errlist_init(&e, buf, sizeof(buf));
	/* Lines before from are another loader's and stay first. */
	errlist_add(&e, "a.conf", 9, "before");
	from = e.off;
	errlist_add(&e, "b:1.conf", 12, "twelve, first");
	errlist_add(&e, "b:1.conf", 3, "three");
	errlist_add(&e, "b:1.conf", 12, "twelve, second");
	errlist_add(&e, "b:1.conf", 0, "no line, 7 words");
	errlist_add(&e, "b:1.conf", 100, "hundred");
	errlist_add(&e, "b:1.conf", 20, "twenty");
	errlist_sort(&e, from, "b:1.conf");
	ck_assert_str_eq(buf,
	    "a.conf:9: before\n"
	    "b:1.conf: no line, 7 words\n"
	    "b:1.conf:3: three\n"
	    "b:1.conf:12: twelve, first\n"
	    "b:1.conf:12: twelve, second\n"
	    "b:1.conf:20: twenty\n"
	    "b:1.conf:100: hundred\n");
	ck_assert_int_eq(e.n, 7);
	/* A full list ends in "...": it is left as it is. */
	errlist_init(&e, tiny, sizeof(tiny));
	errlist_add(&e, "c", 5, "five");
	errlist_add(&e, "c", 1, "one, and a message too long to fit");
	ck_assert(e.full);
	ck_assert_str_eq(tiny, "c:5: five\nc:1: one, and a message t...\n");
	errlist_sort(&e, 0, "c");
	ck_assert_str_eq(tiny, "c:5: five\nc:1: one, and a message t...\n");
}
END_TEST

START_TEST(test_sink_conf_parse_no_echo)
{
	/*
	 * A bad value is reported once: the whole-sink checks do not
	 * report it again for the default it left.
	 */
	static const struct bad_case bad[] = {
		{ "sinks = ( { type = \"file\"; path = \"\"; } );",
		    "t.conf:1: path: empty\n" },
		{ "sinks = ( { type = \"remote\"; host = 1; } );",
		    "t.conf:1: host: a string is expected\n" },
		{ "sinks = ( { type = \"remote\"; host = \"h\";"
		    " protocol = \"tsl\"; ca = \"/etc/hostname\"; } );",
		    "t.conf:1: protocol: unknown protocol tsl (udp, tcp, "
		    "tls)\n" },
		{ "sinks = ( { type = \"remote\"; protocol = \"tls\";"
		    " host = \"h\"; cert = \"/etc/hostname\"; key = \"\"; } );",
		    "t.conf:1: key: empty\n" },
		{ "sinks = ( { type = \"remote\"; host = \"h\";"
		    " backoff_min_ms = 40000; backoff_max_ms = 0; } );",
		    "t.conf:1: backoff_max_ms: 0 is out of range "
		    "1..3600000\n" },
		/* Whether a key is used depends on a format that is bad. */
		{ "sinks = ( { type = \"file\"; path = \"-\"; format = \"xml\";"
		    " leef_delimiter = \"~\"; enterprise = 3; } );",
		    "t.conf:1: format: unknown format xml (text, json, "
		    "rfc5424, cef, leef)\n" },
		/* A string from the file cannot split a problem's line. */
		{ "sinks = ( { type = \"file\"; path = \"-\";"
		    " format = \"a\\nb\\x1b[2J\"; } );",
		    "t.conf:1: format: unknown format a\\x0ab\\x1b[2J (text, "
		    "json, rfc5424, cef, leef)\n" },
		/* A bad value is not also a key of the wrong format. */
		{ "sinks = ( { type = \"file\"; path = \"-\";"
		    " enterprise = 0; } );",
		    "t.conf:1: enterprise: 0 is out of range 1..2147483647\n" },
	};

	one_problems(bad, sizeof(bad) / sizeof(bad[0]));
}
END_TEST

static int
count_lines(const char *path)
{
	FILE *f = fopen(path, "r");
	int c, n = 0;

	if (f == NULL)
		return -1;
	while ((c = fgetc(f)) != EOF)
		n += c == '\n';
	fclose(f);
	return n;
}

START_TEST(test_sink_file_lines_and_reopen)
{
	char dir[] = "/tmp/check_sink.XXXXXX", path[256], moved[300];
	struct sink_conf c[2];
	struct sink_stats st;
	struct sinks *ss;
	struct alert a;
	int i;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/alerts.json", dir);
	snprintf(moved, sizeof(moved), "%s.1", path);
	sink_conf_defaults(&c[0], SINK_FILE);
	snprintf(c[0].path, sizeof(c[0].path), "%s", path);
	/* A second sink alike shares the rendering: same bytes. */
	c[1] = c[0];
	snprintf(c[1].path, sizeof(c[1].path), "%s/copy.json", dir);
	ss = sinks_new(c, 2);
	ck_assert_ptr_nonnull(ss);
	for (i = 0; i < 10; i++) {
		mk_alert(&a, i);
		sinks_alert(ss, &a);
	}
	/* Wait for the sender, then rotate as logrotate does. */
	for (i = 0; i < 200 && count_lines(path) < 10; i++)
		usleep(10000);
	ck_assert_int_eq(count_lines(path), 10);
	ck_assert_int_eq(rename(path, moved), 0);
	sinks_reopen(ss);
	for (i = 10; i < 15; i++) {
		mk_alert(&a, i);
		sinks_alert(ss, &a);
	}
	ck_assert_uint_eq(sinks_flush(ss, 5000), 0);
	ck_assert_int_eq(count_lines(moved), 10);
	ck_assert_int_eq(count_lines(path), 5);
	snprintf(moved, sizeof(moved), "%s/copy.json", dir);
	ck_assert_int_eq(count_lines(moved), 15);
	check_sum(ss, 0, &st);
	ck_assert_uint_eq(st.generated, 15);
	ck_assert_uint_eq(st.delivered, 15);
	/* After the flush lines are dropped, and counted. */
	sinks_alert(ss, &a);
	check_sum(ss, 0, &st);
	ck_assert_uint_eq(st.dropped, 1);
	sinks_free(ss);
	unlink(path);
	unlink(moved);
	snprintf(moved, sizeof(moved), "%s.1", path);
	unlink(moved);
	rmdir(dir);
}
END_TEST

/*
 * The sensor's name and address, a sink's own name, and a tab as LEEF
 * delimiter, written "\t" or "x09".
 */
START_TEST(test_sink_conf_observer_name_and_leef_tab)
{
	struct sink_conf *c = NULL;
	struct errlist e;
	char err[1024];
	int n = 0;

	errlist_init(&e, err, sizeof(err));
	ck_assert_msg(parse("sinks = ( { type = \"file\"; path = \"-\";"
	    " format = \"leef\"; leef_delimiter = \"\\t\";"
	    " observer_name = \"vms-sensor-a\"; observer_ip = \"2001:db8::9\";"
	    " name = \"qradar\"; },"
	    " { type = \"file\"; path = \"-\"; format = \"leef\";"
	    " leef_delimiter = \"x09\"; } );", &c, &n, &e) == 0, "%s", err);
	ck_assert_int_eq(n, 2);
	ck_assert_int_eq(c[0].leef_delim, '\t');
	ck_assert_int_eq(c[1].leef_delim, '\t');
	ck_assert_str_eq(c[0].observer_name, "vms-sensor-a");
	ck_assert_str_eq(c[0].observer_ip, "2001:db8::9");
	ck_assert_str_eq(c[0].name, "qradar");
	ck_assert_str_eq(c[1].observer_name, "");
	free(c);
}
END_TEST

/* Two sinks alike get two names in the counters line. */
START_TEST(test_sink_names_unique)
{
	char dir[] = "/tmp/check_sink.XXXXXX", path[256];
	struct sink_conf c[3];
	struct sink_stats st[3];
	struct sinks *ss;
	int i;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/alerts.json", dir);
	sink_conf_defaults(&c[0], SINK_FILE);
	snprintf(c[0].path, sizeof(c[0].path), "%s", path);
	c[1] = c[0];
	c[2] = c[0];
	snprintf(c[2].name, sizeof(c[2].name), "archive");
	ss = sinks_new(c, 3);
	ck_assert_ptr_nonnull(ss);
	for (i = 0; i < 3; i++)
		check_sum(ss, i, &st[i]);
	ck_assert_str_eq(st[2].name, "archive");
	ck_assert_str_ne(st[0].name, st[1].name);
	ck_assert_ptr_nonnull(strstr(st[1].name, "#2"));
	sinks_free(ss);
	unlink(path);
	rmdir(dir);
}
END_TEST

/* A file of rfc5424 lines: the header is set like a remote sink's. */
START_TEST(test_sink_file_rfc5424_header)
{
	char dir[] = "/tmp/check_sink.XXXXXX", text[512], path[256];
	char buf[4096], err[1024];
	struct sink_conf *c;
	struct errlist e;
	struct sinks *ss;
	struct alert a;
	unsigned pri;
	FILE *f;
	int n;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/alerts.log", dir);
	snprintf(text, sizeof(text), "sinks = ( { type = \"file\"; "
	    "path = \"%s\"; format = \"rfc5424\"; facility = \"local3\"; "
	    "hostname = \"sensor-7\"; app_name = \"vw-west\"; } );", path);
	errlist_init(&e, err, sizeof(err));
	ck_assert_msg(parse(text, &c, &n, &e) == 0, "%s", err);
	ck_assert_ptr_nonnull(ss = sinks_new(c, n));
	free(c);
	mk_alert(&a, 3);
	sinks_alert(ss, &a);
	ck_assert_uint_eq(sinks_flush(ss, 5000), 0);
	sinks_free(ss);
	ck_assert_ptr_nonnull(f = fopen(path, "r"));
	ck_assert_ptr_nonnull(fgets(buf, sizeof(buf), f));
	fclose(f);
	/* <PRI>1 TIMESTAMP HOSTNAME APP-NAME ...: local3 is facility 19. */
	ck_assert_int_eq(sscanf(buf, "<%u>1 ", &pri), 1);
	ck_assert_uint_eq(pri / 8, 19);
	ck_assert_ptr_nonnull(strstr(buf, " sensor-7 vw-west "));
	unlink(path);
	rmdir(dir);
}
END_TEST

/* Lines made elsewhere (flow records) from several threads at once. */
struct line_writer {
	struct sinks *ss;
	int id;
};

static void *
line_writer_run(void *arg)
{
	struct line_writer *w = arg;
	char line[64];
	int i, n;

	for (i = 0; i < 1000; i++) {
		n = snprintf(line, sizeof(line), "{\"writer\":%d,\"n\":%d}\n",
		    w->id, i);
		sinks_line(w->ss, 6, line, (size_t)n);
	}
	return NULL;
}

/*
 * A write cut short (here by a file size limit, as by a full disk) is
 * resumed where it stopped once writing works again: every line once,
 * whole, none doubled.
 */
START_TEST(test_sink_file_short_write_resumed)
{
	char dir[] = "/tmp/check_sink.XXXXXX", path[256], buf[4096];
	char l1[61], l2[81];
	struct sink_conf c;
	struct sink_stats st;
	struct sinks *ss;
	struct rlimit rl, lim;
	FILE *f;
	size_t n;
	int i;

	/* Past the limit, write() fails with EFBIG instead of the signal. */
	signal(SIGXFSZ, SIG_IGN);
	ck_assert_int_eq(getrlimit(RLIMIT_FSIZE, &rl), 0);
	memset(l1, 'a', 59);
	l1[59] = '\n';
	l1[60] = '\0';
	memset(l2, 'b', 79);
	l2[79] = '\n';
	l2[80] = '\0';
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/flows.json", dir);
	sink_conf_defaults(&c, SINK_FILE);
	snprintf(c.path, sizeof(c.path), "%s", path);
	c.backoff_min_ms = c.backoff_max_ms = 20;
	lim = rl;
	lim.rlim_cur = 100;	/* the second line stops after 40 bytes */
	/*
	 * No assertion while the limit holds: it holds for Check's own
	 * messages too.
	 */
	memset(&st, 0, sizeof(st));
	ss = NULL;
	if (setrlimit(RLIMIT_FSIZE, &lim) == 0 &&
	    (ss = sinks_new(&c, 1)) != NULL) {
		sinks_line(ss, 6, l1, 60);
		sinks_line(ss, 6, l2, 80);
		for (i = 0; i < 500; i++) {
			if (sinks_stats(ss, 0, &st) == 0 && st.failures >= 2)
				break;
			usleep(10000);
		}
	}
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &rl), 0);
	ck_assert_ptr_nonnull(ss);
	ck_assert_uint_ge(st.failures, 2);
	ck_assert_uint_eq(st.delivered, 1);
	ck_assert_uint_eq(sinks_flush(ss, 5000), 0);
	check_sum(ss, 0, &st);
	ck_assert_uint_eq(st.delivered, 2);
	ck_assert_ptr_nonnull(f = fopen(path, "r"));
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	ck_assert_uint_eq(n, 140);
	ck_assert(memcmp(buf, l1, 60) == 0 && memcmp(buf + 60, l2, 80) == 0);
	sinks_free(ss);
	unlink(path);
	rmdir(dir);
}
END_TEST

/*
 * Patient sinks (the last flow records of a stop): a full queue is waited
 * on instead of dropping, so 2,000 lines through a queue of 8 all arrive;
 * a receiver that takes nothing holds the producer up to the one
 * deadline, not a wait per line.
 */
/*
 * A reopen (SIGHUP) does not wait out the back-off of a failing file: a
 * log rotated to cure a full disk takes the line at once, whole.
 */
START_TEST(test_sink_file_reopen_ends_backoff)
{
	char dir[] = "/tmp/check_sink.XXXXXX", path[256], moved[300];
	char buf[64];
	struct sink_conf c;
	struct sink_stats st;
	struct sinks *ss;
	struct rlimit rl, lim;
	long long t0;
	FILE *f;
	size_t n;
	int i;

	signal(SIGXFSZ, SIG_IGN);
	ck_assert_int_eq(getrlimit(RLIMIT_FSIZE, &rl), 0);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/flows.json", dir);
	snprintf(moved, sizeof(moved), "%s.1", path);
	sink_conf_defaults(&c, SINK_FILE);
	snprintf(c.path, sizeof(c.path), "%s", path);
	c.backoff_min_ms = c.backoff_max_ms = 60000;
	lim = rl;
	lim.rlim_cur = 3;	/* "hel" goes in, then the write fails */
	/* No assertion while the limit holds (Check writes files too). */
	memset(&st, 0, sizeof(st));
	ss = NULL;
	if (setrlimit(RLIMIT_FSIZE, &lim) == 0 &&
	    (ss = sinks_new(&c, 1)) != NULL) {
		sinks_line(ss, 6, "hello\n", 6);
		for (i = 0; i < 500; i++) {
			if (sinks_stats(ss, 0, &st) == 0 && st.failures >= 1)
				break;
			usleep(10000);
		}
	}
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &rl), 0);
	ck_assert_ptr_nonnull(ss);
	ck_assert_uint_eq(st.failures, 1);
	ck_assert_int_eq(rename(path, moved), 0);
	t0 = now_ms();
	sinks_reopen(ss);
	for (i = 0; i < 500; i++) {
		check_sum(ss, 0, &st);
		if (st.delivered == 1)
			break;
		usleep(10000);
	}
	ck_assert_uint_eq(st.delivered, 1);
	ck_assert_int_lt(now_ms() - t0, 5000);
	ck_assert_uint_eq(sinks_flush(ss, 1000), 0);
	ck_assert_ptr_nonnull(f = fopen(path, "r"));
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	ck_assert(n == 6 && memcmp(buf, "hello\n", 6) == 0);
	sinks_free(ss);
	unlink(path);
	unlink(moved);
	rmdir(dir);
}
END_TEST

/*
 * Files are written as root in -r mode: a symbolic link planted where a
 * sink or the flow records go is refused, at the open and at a reopen,
 * and the file it points to is left as it was.
 */
START_TEST(test_sink_file_refuses_symlink)
{
	char dir[] = "/tmp/check_sink.XXXXXX", path[256], target[256];
	char moved[300], msg[512];
	struct sink_conf c;
	struct sink_stats st;
	struct sinks *ss;
	struct stat sb;
	int fd;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/alerts.json", dir);
	snprintf(target, sizeof(target), "%s/victim", dir);
	snprintf(moved, sizeof(moved), "%s.1", path);
	ck_assert_int_eq(tmpdir_write(dir, "victim", "keep\n", target,
	    sizeof(target)), 0);
	ck_assert_int_eq(symlink(target, path), 0);

	errno = 0;
	ck_assert_int_eq(sink_file_open(path, 0), -1);
	ck_assert_int_eq(errno, ELOOP);
	ck_assert_int_eq(sink_file_open(path, 1), -1);
	sink_file_error(path, ELOOP, msg, sizeof(msg));
	ck_assert_msg(strstr(msg, "is a symbolic link") != NULL, "%s", msg);
	/* Another reason keeps its own text, not a stale one. */
	sink_file_error(path, EACCES, msg, sizeof(msg));
	ck_assert_str_eq(msg, strerror(EACCES));

	sink_conf_defaults(&c, SINK_FILE);
	snprintf(c.path, sizeof(c.path), "%s", path);
	ck_assert_ptr_null(sinks_new(&c, 1));
	ck_assert_int_eq(stat(target, &sb), 0);
	ck_assert_int_eq(sb.st_size, 5);

	/* A link put in place of the rotated file: the old file goes on. */
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_ptr_nonnull(ss = sinks_new(&c, 1));
	ck_assert_int_eq(rename(path, moved), 0);
	ck_assert_int_eq(symlink(target, path), 0);
	sinks_reopen(ss);
	sinks_line(ss, 6, "after\n", 6);
	ck_assert_uint_eq(sinks_flush(ss, 5000), 0);
	check_sum(ss, 0, &st);
	ck_assert_uint_eq(st.delivered, 1);
	sinks_free(ss);
	ck_assert_int_eq(stat(target, &sb), 0);
	ck_assert_int_eq(sb.st_size, 5);
	ck_assert_int_eq(count_lines(moved), 1);

	/* A regular file: appended to, or emptied when asked. */
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_ge(fd = sink_file_open(moved, 0), 0);
	ck_assert_int_eq(write(fd, "x\n", 2), 2);
	close(fd);
	ck_assert_int_eq(count_lines(moved), 2);
	ck_assert_int_ge(fd = sink_file_open(moved, 1), 0);
	close(fd);
	ck_assert_int_eq(count_lines(moved), 0);
	tmpdir_remove(dir);
}
END_TEST

START_TEST(test_sink_patient)
{
	char dir[] = "/tmp/check_sink.XXXXXX", path[256], line[64];
	struct sink_conf c;
	struct sink_stats st;
	struct sinks *ss;
	long long t0;
	int i, fd;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/flows.json", dir);
	sink_conf_defaults(&c, SINK_FILE);
	snprintf(c.path, sizeof(c.path), "%s", path);
	c.queue = 8;
	ck_assert_ptr_nonnull(ss = sinks_new(&c, 1));
	sinks_patient(ss, 20000);
	for (i = 0; i < 2000; i++) {
		snprintf(line, sizeof(line), "{\"n\":%d}\n", i);
		sinks_line(ss, 6, line, strlen(line));
	}
	ck_assert_uint_eq(sinks_flush(ss, 5000), 0);
	check_sum(ss, 0, &st);
	ck_assert_uint_eq(st.generated, 2000);
	ck_assert_uint_eq(st.dropped, 0);
	ck_assert_int_eq(count_lines(path), 2000);
	sinks_free(ss);
	unlink(path);
	rmdir(dir);

	/* Nobody listens: 20 lines wait out one 300 ms deadline. */
	fd = dead_tcp(&c, 8);
	ck_assert_ptr_nonnull(ss = sinks_new(&c, 1));
	t0 = now_ms();
	sinks_patient(ss, 300);
	for (i = 0; i < 20; i++)
		sinks_line(ss, 6, "x\n", 2);
	ck_assert_int_ge(now_ms() - t0, 250);
	ck_assert_int_lt(now_ms() - t0, 3000);
	check_sum(ss, 0, &st);
	ck_assert_uint_eq(st.generated, 20);
	ck_assert_uint_eq(st.queued, 8);
	ck_assert_uint_eq(st.dropped, 12);
	ck_assert_uint_eq(sinks_flush(ss, 0), 8);
	sinks_free(ss);
	close(fd);
}
END_TEST

/*
 * 4 threads write 1,000 lines each through a queue of queue lines; with
 * patient, a full queue is waited on (sinks_patient).  None may be lost.
 */
static void
lines_from_threads(uint32_t queue, int patient)
{
	char dir[] = "/tmp/check_sink.XXXXXX", path[256], buf[128];
	struct line_writer w[4];
	pthread_t thr[4];
	struct sink_conf c;
	struct sink_stats st;
	struct sinks *ss;
	long long t0;
	int seen[4][1000], last[4] = { -1, -1, -1, -1 }, i, k, n;
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/flows.json", dir);
	sink_conf_defaults(&c, SINK_FILE);
	snprintf(c.path, sizeof(c.path), "%s", path);
	c.queue = queue;
	ss = sinks_new(&c, 1);
	ck_assert_ptr_nonnull(ss);
	t0 = now_ms();
	if (patient)
		sinks_patient(ss, 20000);
	for (i = 0; i < 4; i++) {
		w[i].ss = ss;
		w[i].id = i;
		ck_assert_int_eq(pthread_create(&thr[i], NULL,
		    line_writer_run, &w[i]), 0);
	}
	for (i = 0; i < 4; i++)
		pthread_join(thr[i], NULL);
	/*
	 * Waiting producers are woken as room comes, never left to the
	 * deadline.
	 */
	ck_assert_int_lt(now_ms() - t0, 10000);
	ck_assert_uint_eq(sinks_flush(ss, 5000), 0);
	check_sum(ss, 0, &st);
	ck_assert_uint_eq(st.generated, 4000);
	ck_assert_uint_eq(st.delivered, 4000);
	/* Every line whole, once, and each writer's in its order. */
	memset(seen, 0, sizeof(seen));
	ck_assert_ptr_nonnull(f = fopen(path, "r"));
	for (n = 0; fgets(buf, sizeof(buf), f) != NULL; n++) {
		ck_assert_int_eq(sscanf(buf, "{\"writer\":%d,\"n\":%d}\n", &k,
		    &i), 2);
		ck_assert(k >= 0 && k < 4 && i >= 0 && i < 1000);
		ck_assert_int_gt(i, last[k]);
		last[k] = i;
		seen[k][i]++;
	}
	fclose(f);
	ck_assert_int_eq(n, 4000);
	for (k = 0; k < 4; k++)
		for (i = 0; i < 1000; i++)
			ck_assert_int_eq(seen[k][i], 1);
	sinks_free(ss);
	unlink(path);
	rmdir(dir);
}

START_TEST(test_sink_lines_from_threads)
{
	lines_from_threads(4000, 0);	/* room for all: nothing dropped */
	lines_from_threads(8, 1);	/* the last lines of a stop */
}
END_TEST

START_TEST(test_sink_dead_tcp_never_blocks)
{
	struct sink_conf c;
	struct sink_stats st;
	struct sinks *ss;
	struct alert a;
	long long t0, t1, dt, worst = 0;
	int i, fd;

	fd = dead_tcp(&c, 100);
	ss = sinks_new(&c, 1);
	ck_assert_ptr_nonnull(ss);
	mk_alert(&a, 1);
	t0 = now_ms();
	for (i = 0; i < 100000; i++) {
		t1 = now_ms();
		sinks_alert(ss, &a);
		if (now_ms() - t1 > worst)
			worst = now_ms() - t1;
		if (i % 10000 == 0)
			check_sum(ss, 0, &st);
	}
	dt = now_ms() - t0;
	check_sum(ss, 0, &st);
	ck_assert_uint_eq(st.generated, 100000);
	ck_assert_uint_eq(st.delivered, 0);
	ck_assert_uint_le(st.queued, 100);
	ck_assert_uint_ge(st.dropped, 100000 - 100);
	/*
	 * Never blocked: no call waited for the connect attempts or the
	 * back-off (the bound on the total is loose for sanitizer builds).
	 */
	ck_assert_msg(worst < 250, "one alert took %lld ms", worst);
	ck_assert_msg(dt < 30000, "100000 alerts took %lld ms", dt);
	usleep(100000);
	check_sum(ss, 0, &st);
	ck_assert_uint_gt(st.failures, 1);	/* it kept trying */
	t0 = now_ms();
	sinks_flush(ss, 100);
	ck_assert_int_lt(now_ms() - t0, 1000);
	check_sum(ss, 0, &st);
	ck_assert_uint_eq(st.queued, 0);
	ck_assert_uint_eq(st.dropped, 100000);
	sinks_free(ss);
	close(fd);
}
END_TEST

struct rx {
	int lfd;
	int frames;
	int bad;
};

/* Reads RFC 6587 octet-counted frames until the sender closes. */
static void *
rx_main(void *arg)
{
	struct rx *rx = arg;
	char buf[65536];
	size_t have = 0, len, hl;
	ssize_t n;
	char *sp;
	int fd;

	fd = accept(rx->lfd, NULL, NULL);
	if (fd == -1)
		return NULL;
	while ((n = read(fd, buf + have, sizeof(buf) - have)) > 0) {
		have += (size_t)n;
		for (;;) {
			if ((sp = memchr(buf, ' ', have)) == NULL)
				break;
			len = strtoul(buf, NULL, 10);
			hl = (size_t)(sp - buf) + 1;
			if (have < hl + len)
				break;
			if (len == 0 || buf[hl] != '<' ||
			    memchr(buf + hl, '\n', len) != NULL)
				rx->bad++;
			rx->frames++;
			memmove(buf, buf + hl + len, have - hl - len);
			have -= hl + len;
		}
	}
	close(fd);
	return NULL;
}

START_TEST(test_sink_tcp_octet_counting_delivers_all)
{
	struct sink_conf c;
	struct sink_stats st;
	struct sinks *ss;
	struct alert a;
	struct rx rx = { 0, 0, 0 };
	pthread_t t;
	uint16_t port;
	int i;

	rx.lfd = listen_any(SOCK_STREAM, &port);
	pthread_create(&t, NULL, rx_main, &rx);
	sink_conf_defaults(&c, SINK_REMOTE);
	c.protocol = SINK_TCP;
	c.format = FORMAT_CEF;
	snprintf(c.host, sizeof(c.host), "127.0.0.1");
	c.port = port;
	c.queue = 2000;
	ss = sinks_new(&c, 1);
	ck_assert_ptr_nonnull(ss);
	for (i = 0; i < 1000; i++) {
		mk_alert(&a, i);
		sinks_alert(ss, &a);
	}
	ck_assert_uint_eq(sinks_flush(ss, 10000), 0);
	check_sum(ss, 0, &st);
	ck_assert_uint_eq(st.delivered, 1000);
	ck_assert_uint_eq(st.connects, 1);
	sinks_free(ss);		/* closes the connection: rx ends */
	pthread_join(t, NULL);
	close(rx.lfd);
	ck_assert_int_eq(rx.frames, 1000);
	ck_assert_int_eq(rx.bad, 0);
}
END_TEST

START_TEST(test_sink_udp_one_datagram_each)
{
	struct sink_conf c;
	struct sink_stats st;
	struct sinks *ss;
	struct alert a;
	struct pollfd pfd;
	char buf[9000];
	uint16_t port;
	int fd, i, got = 0;
	ssize_t n;

	fd = listen_any(SOCK_DGRAM, &port);
	sink_conf_defaults(&c, SINK_REMOTE);
	c.protocol = SINK_UDP;
	c.format = FORMAT_LEEF;
	snprintf(c.host, sizeof(c.host), "127.0.0.1");
	snprintf(c.hostname, sizeof(c.hostname), "sensor");
	c.port = port;
	ss = sinks_new(&c, 1);
	ck_assert_ptr_nonnull(ss);
	for (i = 0; i < 50; i++) {
		mk_alert(&a, i);
		sinks_alert(ss, &a);
	}
	ck_assert_uint_eq(sinks_flush(ss, 5000), 0);
	check_sum(ss, 0, &st);
	ck_assert_uint_eq(st.delivered, 50);
	pfd.fd = fd;
	pfd.events = POLLIN;
	while (poll(&pfd, 1, 500) == 1 &&
	    (n = recv(fd, buf, sizeof(buf) - 1, 0)) > 0) {
		buf[n] = '\0';
		ck_assert_ptr_null(memchr(buf, '\n', (size_t)n));
		ck_assert_msg(strstr(buf, " sensor vmswatch ") != NULL &&
		    strstr(buf, " - LEEF:2.0|vmswatch|") != NULL, "%s", buf);
		got++;
	}
	ck_assert_int_eq(got, 50);
	sinks_free(ss);
	close(fd);
}
END_TEST

START_TEST(test_sink_tls_bad_ca_fails_at_start)
{
	struct sink_conf c;

	sink_conf_defaults(&c, SINK_REMOTE);
	c.protocol = SINK_TLS;
	snprintf(c.host, sizeof(c.host), "127.0.0.1");
	c.port = 6514;
	snprintf(c.ca, sizeof(c.ca), "/etc/hostname");	/* not a PEM */
	ck_assert_ptr_null(sinks_new(&c, 1));
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("sink");
	TCase *tc = tcase_create("sink");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_sink_conf_parse_all_types);
	tcase_add_test(tc, test_sink_conf_parse_errors);
	tcase_add_test(tc, test_sink_conf_observer_name_and_leef_tab);
	tcase_add_test(tc, test_sink_names_unique);
	tcase_add_test(tc, test_sink_conf_parse_every_problem);
	tcase_add_test(tc, test_sink_conf_parse_no_echo);
	tcase_add_test(tc, test_errlist_sort);
	tcase_add_test(tc, test_errlist_clean);
	tcase_add_test(tc, test_sink_conf_relative_files);
	tcase_add_test(tc, test_sink_file_short_write_resumed);
	tcase_add_test(tc, test_sink_patient);
	tcase_add_test(tc, test_sink_file_reopen_ends_backoff);
	tcase_add_test(tc, test_sink_file_lines_and_reopen);
	tcase_add_test(tc, test_sink_file_refuses_symlink);
	tcase_add_test(tc, test_sink_lines_from_threads);
	tcase_add_test(tc, test_sink_file_rfc5424_header);
	tcase_add_test(tc, test_sink_dead_tcp_never_blocks);
	tcase_add_test(tc, test_sink_tcp_octet_counting_delivers_all);
	tcase_add_test(tc, test_sink_udp_one_datagram_each);
	tcase_add_test(tc, test_sink_tls_bad_ca_fails_at_start);
	suite_add_tcase(s, tc);
	return check_run(s);
}

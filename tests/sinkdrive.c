/*
 * sinkdrive.c - pushes generated alerts through the sinks of a
 * configuration file, for tests/rsyslog.sh.  Alert i has rule id
 * "T-%06d" of i, kind i % POLICY_KIND_MAX, severity i % 11, and a host name that is
 * hostile for i % 7 == 3 and i % 11 == 5 (see hostname_of()).
 *
 *	sinkdrive -c FILE [-n N] [-p PAUSE] [-m M] [-t FLUSH_MS]
 *
 * Sends N alerts and waits until they are delivered (or 10 s; sinks that
 * failed to connect are not waited for).  With -p,
 * then creates PAUSE.ready, waits for PAUSE.go, pushes M more alerts
 * (timing the pushes), creates PAUSE.ready2 and waits for PAUSE.go2.
 * Finally flushes with FLUSH_MS and prints, for each sink,
 *	stats NAME generated=G delivered=D queued=Q dropped=X
 * plus "push N ms=T worst_us=W" for the timed pushes.  Exits 1 if the
 * counters of a sink ever fail to add up.
 */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "errlist.h"
#include "log.h"
#include "role.h"
#include "sink.h"

static int sinkdrive_bad;

static const char *
hostname_of(int i, char *buf, size_t len)
{
	if (i % 7 == 3)
		return "a\"] [x@1 y=\"z";
	if (i % 11 == 5)
		return "a\n<13>1 fake";
	snprintf(buf, len, "cam%d.example", i);
	return buf;
}

static void
mk_alert(struct alert *a, int i)
{
	uint8_t c4[4] = { 10, 20, 0, 0 }, s4[4] = { 10, 20, 99, 1 }, v6[16];
	char buf[64];

	memset(a, 0, sizeof(*a));
	c4[2] = (uint8_t)(i >> 8);
	c4[3] = (uint8_t)i;
	a->kind = (enum policy_kind)(i % POLICY_KIND_MAX);
	a->severity = i % 11;
	snprintf(a->rule_id, sizeof(a->rule_id), "T-%06d", i);
	snprintf(a->rule_name, sizeof(a->rule_name), "generated rule %d", i);
	strcpy(a->section, "test section");
	strcpy(a->nist, "SC-7");
	a->ts = 1714557600000000ULL + (uint64_t)i * 1000;
	addr_from_v4(&a->client.addr, c4);
	addr_from_v4(&a->server.addr, s4);
	/* Some over IPv6: CEF must not put them in src and dst. */
	if (i % 13 == 6) {
		memset(v6, 0, sizeof(v6));
		v6[0] = 0x20;
		v6[1] = 0x01;
		v6[2] = 0x0d;
		v6[3] = 0xb8;
		v6[14] = (uint8_t)(i >> 8);
		v6[15] = (uint8_t)i;
		addr_from_v6(&a->client.addr, v6);
		v6[13] = 0x99;
		v6[14] = 0;
		v6[15] = 1;
		addr_from_v6(&a->server.addr, v6);
	}
	a->client.port = (uint16_t)(40000 + i % 20000);
	a->server.port = 7563;
	a->server.roles = ROLE_BIT(ROLE_RECORDING_SERVER);
	strcpy(a->server.host, "rs01");
	a->transport = IPPROTO_TCP;
	strcpy(a->protocol, "TLS");
	a->state = POLICY_ESTABLISHED;
	snprintf(a->host_name, sizeof(a->host_name), "%s",
	    hostname_of(i, buf, sizeof(buf)));
	snprintf(a->reason, sizeof(a->reason), "generated alert %d", i);
	a->count = 1;
	a->first_seen = a->last_seen = a->ts;
	a->flow_start = a->ts - 1000000;
	a->instance = 0x5eed;
	a->seq = (uint64_t)i + 1;
}

static long long
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void
print_stats(struct sinks *ss, const char *when)
{
	struct sink_stats st;
	int i;

	for (i = 0; i < sinks_count(ss); i++) {
		sinks_stats(ss, i, &st);
		printf("%s %s generated=%llu delivered=%llu queued=%llu "
		    "dropped=%llu connects=%llu\n", when, st.name,
		    (unsigned long long)st.generated,
		    (unsigned long long)st.delivered,
		    (unsigned long long)st.queued,
		    (unsigned long long)st.dropped,
		    (unsigned long long)st.connects);
		if (st.generated != st.delivered + st.queued + st.dropped) {
			printf("%s %s: counters do not add up\n", when,
			    st.name);
			sinkdrive_bad = 1;
		}
	}
	fflush(stdout);
}

static void
check_now(struct sinks *ss)
{
	struct sink_stats st;
	int i;

	for (i = 0; i < sinks_count(ss); i++) {
		sinks_stats(ss, i, &st);
		if (st.generated != st.delivered + st.queued + st.dropped)
			sinkdrive_bad = 1;
	}
}

/* Creates path.sfx_ready and waits (up to 30 s) for path.sfx_go. */
static void
handshake(const char *pause, const char *ready, const char *go)
{
	char p[1100];
	FILE *f;
	int i;

	snprintf(p, sizeof(p), "%s.%s", pause, ready);
	if ((f = fopen(p, "w")) != NULL)
		fclose(f);
	snprintf(p, sizeof(p), "%s.%s", pause, go);
	for (i = 0; i < 3000 && access(p, F_OK) != 0; i++)
		usleep(10000);
}

static int
all_delivered(struct sinks *ss)
{
	struct sink_stats st;
	int i;

	for (i = 0; i < sinks_count(ss); i++) {
		sinks_stats(ss, i, &st);
		/* A sink that never connected is not waited for. */
		if (st.queued != 0 && !(st.connects == 0 && st.failures > 0))
			return 0;
	}
	return 1;
}

int
main(int argc, char *argv[])
{
	const char *file = NULL, *pause = NULL;
	struct sink_conf *c;
	struct errlist e;
	struct sinks *ss;
	struct alert a;
	config_t cf;
	config_setting_t *list;
	char err[4096];
	long long t0, t1, worst = 0;
	int ch, i, n = 100, m = 0, nc;
	unsigned flush_ms = 10000;

	log_init(1, 0, "sinkdrive");
	while ((ch = getopt(argc, argv, "c:n:p:m:t:")) != -1) {
		switch (ch) {
		case 'c':
			file = optarg;
			break;
		case 'n':
			n = atoi(optarg);
			break;
		case 'p':
			pause = optarg;
			break;
		case 'm':
			m = atoi(optarg);
			break;
		case 't':
			flush_ms = (unsigned)atoi(optarg);
			break;
		default:
			fprintf(stderr, "usage: sinkdrive -c file [-n N] "
			    "[-p pause -m M] [-t flush_ms]\n");
			return 2;
		}
	}
	if (file == NULL)
		return 2;
	config_init(&cf);
	if (config_read_file(&cf, file) != CONFIG_TRUE) {
		fprintf(stderr, "%s:%d: %s\n", file, config_error_line(&cf),
		    config_error_text(&cf));
		config_destroy(&cf);
		return 2;
	}
	errlist_init(&e, err, sizeof(err));
	if ((list = config_lookup(&cf, "sinks")) == NULL) {
		fprintf(stderr, "%s: no sinks list\n", file);
		config_destroy(&cf);
		return 2;
	}
	if (sink_conf_parse(list, file, &c, &nc, &e) == -1) {
		fputs(err, stderr);
		config_destroy(&cf);
		return 2;
	}
	config_destroy(&cf);
	if ((ss = sinks_new(c, nc)) == NULL)
		return 2;
	free(c);
	for (i = 0; i < n; i++) {
		mk_alert(&a, i);
		sinks_alert(ss, &a);
		check_now(ss);
	}
	for (i = 0; i < 1000 && !all_delivered(ss); i++)
		usleep(10000);
	print_stats(ss, "sent");
	if (pause != NULL) {
		handshake(pause, "ready", "go");
		t0 = now_us();
		for (i = n; i < n + m; i++) {
			mk_alert(&a, i);
			t1 = now_us();
			sinks_alert(ss, &a);
			if (now_us() - t1 > worst)
				worst = now_us() - t1;
			if (i % 1000 == 0)
				check_now(ss);
		}
		printf("push %d ms=%lld worst_us=%lld\n", m,
		    (now_us() - t0) / 1000, worst);
		print_stats(ss, "down");
		handshake(pause, "ready2", "go2");
	}
	sinks_flush(ss, flush_ms);
	print_stats(ss, "final");
	sinks_free(ss);
	return sinkdrive_bad;
}

/*
 * check_rtsp_real.c - the RTSP media negotiation tracker on the shared
 * captures of $VW_SHARED/pcap: decode, flow table and classifier run
 * over each file, and the streams of every RTSP flow are compared with
 * those its SETUP exchanges name (read off the capture by hand) and with
 * the UDP flows the capture holds.  Skipped (exit 77) when VW_SHARED is
 * not set or lacks the captures.
 */
#include <check.h>
#include <dirent.h>
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify.h"
#include "decode.h"
#include "flowtab.h"
#include "check_run.h"

#define MAX_SESSIONS	16
#define MAX_UDP		256

/* One RTSP flow seen at its end, with its streams. */
struct session {
	uint16_t cport;			/* the RTSP client's TCP port */
	int nmedia, playing;
	struct classify_media m[CLASSIFY_MEDIA_MAX];
};

struct run {
	struct classify *cls;
	struct session s[MAX_SESSIONS];
	int nsessions;
	/* UDP flows, to match the streams against. */
	struct addr uaddr[MAX_UDP][2];
	uint16_t uport[MAX_UDP][2];
	int nudp;
};

static void
flow_end(struct flow *f, uint32_t slot, enum flow_end reason, void *arg)
{
	struct run *rn = arg;
	const struct classify_media *m;
	struct session *s;
	int n, playing;

	classify_flow_end(rn->cls, slot, f);
	if (classify_family(classify_get(rn->cls, slot)) ==
	    CLASSIFY_FAM_RTSP) {
		n = classify_media(rn->cls, slot, &m, &playing);
		ck_assert_int_lt(rn->nsessions, MAX_SESSIONS);
		s = &rn->s[rn->nsessions++];
		s->cport = f->port[FLOW_C2S];
		s->nmedia = n;
		s->playing = playing;
		if (n > 0)
			memcpy(s->m, m, (size_t)n * sizeof(*m));
	}
	if (f->proto == IPPROTO_UDP && rn->nudp < MAX_UDP) {
		memcpy(rn->uaddr[rn->nudp], f->addr, sizeof(f->addr));
		memcpy(rn->uport[rn->nudp], f->port, sizeof(f->port));
		rn->nudp++;
	}
	if (reason != FLOW_END_ACTIVE)
		classify_flow_release(rn->cls, slot);
}

/* Runs the stages up to classify over path into *rn. */
static void
run_file(const char *path, struct run *rn)
{
	char err[PCAP_ERRBUF_SIZE];
	struct classify_conf cc;
	struct flowtab_conf fc;
	struct pcap_pkthdr *h;
	const u_char *data;
	struct decoder *dec;
	struct flowtab *ft;
	struct flow *f;
	struct pkt p;
	pcap_t *pc;
	int dir, isnew, dlt;
	uint32_t slot;

	memset(rn, 0, sizeof(*rn));
	pc = pcap_open_offline(path, err);
	ck_assert_msg(pc != NULL, "%s: %s", path, err);
	dlt = pcap_datalink(pc);
	flowtab_conf_defaults(&fc);
	fc.max_flows = 4096;
	fc.seed = 1;
	classify_conf_defaults(&cc);
	ck_assert_ptr_nonnull(dec = decode_new(64));
	ck_assert_ptr_nonnull(ft = flowtab_new(&fc, flow_end, rn));
	ck_assert_ptr_nonnull(rn->cls = classify_new(&cc,
	    flowtab_capacity(ft)));
	while (pcap_next_ex(pc, &h, &data) == 1) {
		uint64_t ts = (uint64_t)h->ts.tv_sec * 1000000u +
		    (uint64_t)h->ts.tv_usec;

		if (decode_packet(dec, dlt, ts, data, h->caplen, h->len, &p) !=
		    DECODE_OK)
			continue;
		if ((f = flowtab_update(ft, &p, &dir, &isnew)) == NULL)
			continue;
		slot = flowtab_slot(ft, f);
		if (isnew)
			classify_flow_new(rn->cls, slot);
		classify_packet(rn->cls, slot, f, &p, dir);
	}
	flowtab_flush(ft);
	pcap_close(pc);
	flowtab_free(ft);
	classify_free(rn->cls);
	decode_free(dec);
}

/*
 * $VW_SHARED/pcap/sub, else $VW_SRCDIR/../shared/pcap/sub as the other
 * end-to-end tests find it; NULL when neither is set.
 */
static const char *
shared_dir(const char *sub)
{
	static char dir[2][4096];
	const char *sh = getenv("VW_SHARED"), *src = getenv("VW_SRCDIR");
	int i = strcmp(sub, "real") == 0;

	if (sh != NULL && *sh != '\0')
		snprintf(dir[i], sizeof(dir[i]), "%s/pcap/%s", sh, sub);
	else if (src != NULL && *src != '\0')
		snprintf(dir[i], sizeof(dir[i]), "%s/../shared/pcap/%s", src,
		    sub);
	else
		return NULL;
	return dir[i];
}

static const char *
shared_real(void)
{
	return shared_dir("real");
}

/*
 * UDP flows of rn that carry stream m: one end the client's address on
 * a port of its range, the other the server's, on a port of its range
 * when the reply gave one.
 */
static int
udp_matches(const struct run *rn, const struct classify_media *m)
{
	int i, d, n = 0;

	for (i = 0; i < rn->nudp; i++)
		for (d = 0; d < 2; d++)
			if (addr_cmp(&rn->uaddr[i][d], &m->client) == 0 &&
			    rn->uport[i][d] >= m->cport_lo &&
			    rn->uport[i][d] <= m->cport_hi &&
			    addr_cmp(&rn->uaddr[i][!d], &m->server) == 0 &&
			    (m->sport_lo == 0 ||
			    (rn->uport[i][!d] >= m->sport_lo &&
			    rn->uport[i][!d] <= m->sport_hi))) {
				n++;
				break;
			}
	return n;
}

/*
 * rtsp.pcap: VLC playing from a VLC server on 8554, seven connections.
 * The first is picked up mid-session (a keep-alive only); each of the
 * others sets up a video and an audio stream over UDP, then PLAYs.  The
 * ports are those of the SETUP replies in the file.
 */
static const struct {
	uint16_t cport;
	uint16_t ports[2][4];	/* per stream: client lo, hi, server lo, hi */
} rtsp_pcap[] = {
	{ 52472, { { 55664, 55665, 58547, 58548 },
	    { 55666, 55667, 57431, 57432 } } },
	{ 52474, { { 55668, 55669, 36631, 36632 },
	    { 55670, 55671, 59551, 59552 } } },
	{ 52476, { { 55672, 55673, 49998, 49999 },
	    { 55674, 55675, 35811, 35812 } } },
	{ 52478, { { 55676, 55677, 36053, 36054 },
	    { 55678, 55679, 45123, 45124 } } },
	{ 52480, { { 55680, 55681, 53615, 53616 },
	    { 55682, 55683, 56770, 56771 } } },
	{ 52482, { { 55684, 55685, 58938, 58939 },
	    { 55686, 55687, 53271, 53272 } } },
};

START_TEST(test_rtsp_real_vlc_sessions)
{
	static struct run rn;
	char path[4400], a[ADDR_STRLEN];
	const struct session *s;
	size_t i;
	int j, k, found, udp = 0;

	snprintf(path, sizeof(path), "%s/rtsp.pcap", shared_real());
	run_file(path, &rn);
	ck_assert_int_eq(rn.nsessions, 7);
	for (j = 0; j < rn.nsessions; j++) {
		s = &rn.s[j];
		printf("rtsp.pcap: RTSP flow from port %u: %d streams, "
		    "playing %d\n", s->cport, s->nmedia, s->playing);
		for (k = 0; k < s->nmedia; k++) {
			printf("  %s %u-%u <- ", addr_fmt(&s->m[k].client, a,
			    sizeof(a)), s->m[k].cport_lo, s->m[k].cport_hi);
			printf("%s %u-%u%s, UDP flows on them: %d\n",
			    addr_fmt(&s->m[k].server, a, sizeof(a)),
			    s->m[k].sport_lo, s->m[k].sport_hi,
			    s->m[k].interleaved ? " interleaved" : "",
			    udp_matches(&rn, &s->m[k]));
			udp += udp_matches(&rn, &s->m[k]);
		}
		if (s->cport == 52470) {
			/* Only a GET_PARAMETER: nothing was set up in view. */
			ck_assert_int_eq(s->nmedia, 0);
			ck_assert_int_eq(s->playing, 0);
			continue;
		}
		for (i = 0, found = 0; i < sizeof(rtsp_pcap) /
		    sizeof(rtsp_pcap[0]); i++) {
			if (rtsp_pcap[i].cport != s->cport)
				continue;
			found = 1;
			ck_assert_int_eq(s->nmedia, 2);
			ck_assert_int_eq(s->playing, 1);
			for (k = 0; k < 2; k++) {
				ck_assert_uint_eq(s->m[k].interleaved, 0);
				ck_assert_str_eq(addr_fmt(&s->m[k].client, a,
				    sizeof(a)), "10.1.1.10");
				ck_assert_str_eq(addr_fmt(&s->m[k].server, a,
				    sizeof(a)), "10.2.2.2");
				ck_assert_uint_eq(s->m[k].cport_lo,
				    rtsp_pcap[i].ports[k][0]);
				ck_assert_uint_eq(s->m[k].cport_hi,
				    rtsp_pcap[i].ports[k][1]);
				ck_assert_uint_eq(s->m[k].sport_lo,
				    rtsp_pcap[i].ports[k][2]);
				ck_assert_uint_eq(s->m[k].sport_hi,
				    rtsp_pcap[i].ports[k][3]);
			}
		}
		ck_assert_msg(found, "unexpected RTSP flow from port %u",
		    s->cport);
	}
	/* The file holds the RTSP connections only: no RTP over UDP. */
	ck_assert_int_eq(rn.nudp, 0);
	ck_assert_int_eq(udp, 0);
}
END_TEST

/*
 * The synthetic XProtect site: recording servers and a smart client pull
 * seven cameras, each over one UDP stream; the capture holds the RTP and
 * the RTCP flow of every stream.
 */
START_TEST(test_rtsp_real_synthetic_streams_have_udp_flows)
{
	static struct run rn;
	char path[4400], a[ADDR_STRLEN], b[ADDR_STRLEN];
	const struct classify_media *m;
	int j;

	snprintf(path, sizeof(path), "%s/scenario-dev.pcap",
	    shared_dir("synthetic"));
	run_file(path, &rn);
	ck_assert_int_eq(rn.nsessions, 7);
	for (j = 0; j < rn.nsessions; j++) {
		ck_assert_int_eq(rn.s[j].nmedia, 1);
		ck_assert_int_eq(rn.s[j].playing, 1);
		m = &rn.s[j].m[0];
		printf("scenario-dev.pcap: RTSP flow from port %u: %s %u-%u "
		    "<- %s %u-%u, UDP flows on them: %d\n", rn.s[j].cport,
		    addr_fmt(&m->client, a, sizeof(a)), m->cport_lo,
		    m->cport_hi, addr_fmt(&m->server, b, sizeof(b)),
		    m->sport_lo, m->sport_hi, udp_matches(&rn, m));
		ck_assert_uint_eq(m->interleaved, 0);
		ck_assert_uint_eq(m->cport_hi, m->cport_lo + 1);
		ck_assert_uint_eq(m->sport_hi, m->sport_lo + 1);
		/* RTP and RTCP. */
		ck_assert_int_eq(udp_matches(&rn, m), 2);
	}
}
END_TEST

/* No other real capture holds an RTSP negotiation. */
START_TEST(test_rtsp_real_others_no_streams)
{
	static struct run rn;
	char path[4400];
	struct dirent *de;
	DIR *d;
	int files = 0, j;

	ck_assert_ptr_nonnull(d = opendir(shared_real()));
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || strcmp(de->d_name, "rtsp.pcap") ==
		    0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", shared_real(),
		    de->d_name);
		run_file(path, &rn);
		files++;
		for (j = 0; j < rn.nsessions; j++)
			ck_assert_msg(rn.s[j].nmedia == 0, "%s: %d streams",
			    de->d_name, rn.s[j].nmedia);
	}
	closedir(d);
	printf("%d other captures: no RTSP stream\n", files);
	ck_assert_int_gt(files, 0);
}
END_TEST

int
main(void)
{
	Suite *s;
	TCase *tc;
	static const char *const need[][2] = {
		{ "real", "rtsp.pcap" },
		{ "synthetic", "scenario-dev.pcap" },
	};
	char path[4400];
	size_t i;
	FILE *fp;

	for (i = 0; i < sizeof(need) / sizeof(need[0]); i++) {
		if (shared_dir(need[i][0]) == NULL) {
			printf("skipped: neither VW_SHARED nor VW_SRCDIR set\n");
			return 77;
		}
		snprintf(path, sizeof(path), "%s/%s", shared_dir(need[i][0]),
		    need[i][1]);
		if ((fp = fopen(path, "rb")) == NULL) {
			printf("skipped: %s not present\n", path);
			return 77;
		}
		fclose(fp);
	}
	s = suite_create("rtsp_real");
	tc = tcase_create("core");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_rtsp_real_vlc_sessions);
	tcase_add_test(tc, test_rtsp_real_synthetic_streams_have_udp_flows);
	tcase_add_test(tc, test_rtsp_real_others_no_streams);
	suite_add_tcase(s, tc);
	return check_run(s);
}

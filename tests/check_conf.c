/*
 * check_conf.c - the configuration kit (cfgkey) and the configuration it
 * reads (conf.c): every key of every section at and past its range
 * limits, wrong types, unknown keys and the nearest known one, defaults,
 * durations with units, strings that are not UTF-8, and the keys a reload
 * does not change reported at their file and line.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "alert.h"
#include "cfgkey.h"
#include "cfgread.h"
#include "check_run.h"
#include "classify.h"
#include "conf.h"
#include "errlist.h"
#include "flowtab.h"
#include "tmpdir.h"

static char tmpdir[256];

static void
tmp_setup(void)
{
	tmpdir_make(tmpdir, sizeof(tmpdir), "check_conf");
}

static void
tmp_teardown(void)
{
	tmpdir_remove(tmpdir);
}

static void
tmp_write(const char *name, const char *text, char *path, size_t len)
{
	ck_assert_int_eq(tmpdir_write(tmpdir, name, text, path, len), 0);
}

/* Loads text as t.conf: the configuration, or NULL with err filled. */
static struct conf *
load(const char *text, char *err, size_t errlen, char *path, size_t plen)
{
	tmp_write("t.conf", text, path, plen);
	return conf_load(path, err, errlen);
}

/* text must fail with "PATH:want" in its problems (want: from the line). */
static void
expect_error(const char *text, const char *want)
{
	char err[4096], path[512], line[1024];

	ck_assert_ptr_null(load(text, err, sizeof(err), path, sizeof(path)));
	snprintf(line, sizeof(line), "%s:%s", path, want);
	ck_assert_msg(strstr(err, line) != NULL, "want \"%s\" in:\n%s", line,
	    err);
}

/* The value of numeric key k in c. */
static long long
value_of(const struct conf *c, const struct cfgkey *k)
{
	const char *p = (const char *)c + k->off;

	if (k->type == CFGKEY_INT || k->type == CFGKEY_BOOL)
		return *(const int *)(const void *)p;
	return *(const unsigned *)(const void *)p;
}

static int
numeric(const struct cfgkey *k)
{
	return k->type == CFGKEY_INT || k->type == CFGKEY_UINT ||
	    k->type == CFGKEY_DURATION || k->type == CFGKEY_BOOL;
}

/* The defaults of the table are the stages' own. */
START_TEST(test_conf_defaults_from_the_table)
{
	struct flowtab_conf fc;
	struct classify_conf cc;
	struct alert_conf ac;
	const struct conf_section *sec;
	struct conf *c = conf_defaults();
	size_t i, j;

	ck_assert_ptr_nonnull(c);
	for (i = 0; (sec = conf_section_get(i)) != NULL; i++)
		for (j = 0; j < sec->nkeys; j++)
			if (numeric(&sec->keys[j]))
				ck_assert_msg(value_of(c, &sec->keys[j]) ==
				    sec->keys[j].def, "%s.%s", sec->name,
				    sec->keys[j].name);
	ck_assert_ptr_null(c->capture.interfaces);
	ck_assert_ptr_null(c->daemon.user);
	flowtab_conf_defaults(&fc);
	classify_conf_defaults(&cc);
	alert_conf_defaults(&ac);
	ck_assert_int_eq(memcmp(&fc, &c->flow, sizeof(fc)), 0);
	ck_assert_int_eq(memcmp(&cc, &c->dpi, sizeof(cc)), 0);
	ck_assert_int_eq(memcmp(&ac, &c->alert, sizeof(ac)), 0);
	conf_free(c);
}
END_TEST

/*
 * Every numeric key of every section: its minimum and maximum load and
 * are kept; one below and one above are refused at their line with the
 * range.
 */
START_TEST(test_conf_every_range_limit)
{
	const struct conf_section *sec;
	const struct cfgkey *k;
	char text[256], err[4096], path[512], want[1024];
	long long v[4];
	struct conf *c;
	size_t i, j;
	int t;

	for (i = 0; (sec = conf_section_get(i)) != NULL; i++)
		for (j = 0; j < sec->nkeys; j++) {
			k = &sec->keys[j];
			if (!numeric(k))
				continue;
			v[0] = k->min;
			v[1] = k->max;
			v[2] = k->min - 1;
			v[3] = k->max + 1;
			for (t = 0; t < 4; t++) {
				snprintf(text, sizeof(text), "%s = {\n"
				    "\t%s = %lld%s;\n};\n", sec->name,
				    k->name, v[t], v[t] > 2147483647LL ||
				    v[t] < -2147483648LL ? "L" : "");
				c = load(text, err, sizeof(err), path,
				    sizeof(path));
				if (t < 2) {
					ck_assert_msg(c != NULL, "%s", err);
					/* dpi.max_flows is cut to the table. */
					if (strcmp(sec->name, "dpi") != 0 ||
					    strcmp(k->name, "max_flows") != 0 ||
					    v[t] <= c->flow.max_flows)
						ck_assert_msg(value_of(c, k) ==
						    v[t], "%s.%s", sec->name,
						    k->name);
					conf_free(c);
					continue;
				}
				ck_assert_msg(c == NULL, "%s.%s = %lld loaded",
				    sec->name, k->name, v[t]);
				if (k->type == CFGKEY_BOOL)
					snprintf(want, sizeof(want), "%s:2: "
					    "%s.%s: %lld is out of range 0..1",
					    path, sec->name, k->name, v[t]);
				else
					snprintf(want, sizeof(want), "%s:2: "
					    "%s.%s: %lld is out of range "
					    "%lld..%lld\n", path, sec->name,
					    k->name, v[t], k->min, k->max);
				ck_assert_msg(strstr(err, want) != NULL,
				    "want \"%s\" in:\n%s", want, err);
			}
		}
}
END_TEST

START_TEST(test_conf_wrong_types)
{
	expect_error("flow = {\n\tudp_idle = 1.5;\n};\n",
	    "2: flow.udp_idle: a duration is expected");
	expect_error("flow = { max_flows = \"many\"; };\n",
	    "1: flow.max_flows: an integer is expected");
	expect_error("capture = { promisc = \"yes\"; };\n",
	    "1: capture.promisc: true or false is expected");
	expect_error("capture = { filter = 80; };\n",
	    "1: capture.filter: a string is expected");
	expect_error("capture = { interfaces = 3; };\n",
	    "1: capture.interfaces: a string or a list of strings is "
	    "expected");
	expect_error("capture = { interfaces = ( \"eth0\", 3 ); };\n",
	    "1: capture.interfaces entry 2: a string is expected");
	expect_error("capture = { interfaces = [ ]; };\n",
	    "1: capture.interfaces: the list is empty");
	expect_error("daemon = { user = \"\"; };\n", "1: daemon.user: empty");
	expect_error("flow = 3;\n", "1: flow must be a group { ... }");
	expect_error("inventory = 3;\n", "1: inventory: a string is expected");
	expect_error("rules = { a = 1; };\n",
	    "1: rules: a string or a list of strings is expected");
}
END_TEST

START_TEST(test_conf_bool_forms)
{
	char err[4096], path[512];
	struct conf *c;

	c = load("capture = { promisc = false; };\nflow = { vlan_in_key = "
	    "1; };\n", err, sizeof(err), path, sizeof(path));
	ck_assert_msg(c != NULL, "%s", err);
	ck_assert_int_eq(c->capture.promisc, 0);
	ck_assert_int_eq(c->flow.vlan_in_key, 1);
	conf_free(c);
}
END_TEST

START_TEST(test_conf_unknown_keys)
{
	expect_error("captur = { };\n",
	    "1: unknown key captur (did you mean capture?)");
	expect_error("flow = {\n\n\tudp_idel = 10;\n};\n",
	    "3: unknown key flow.udp_idel (did you mean udp_idle?)");
	/* Nothing near: no guess. */
	expect_error("flow = { colour = 1; };\n",
	    "1: unknown key flow.colour\n");
	expect_error("policy = { enabeld = [ ]; };\n",
	    "1: unknown key policy.enabeld (did you mean enabled?)");
}
END_TEST

START_TEST(test_conf_durations)
{
	char err[4096], path[512];
	struct conf *c;

	c = load("flow = { tcp_idle = \"5m\"; udp_idle = \"90s\"; "
	    "active = \"7d\"; other_idle = \"1h\"; };\n", err, sizeof(err),
	    path, sizeof(path));
	ck_assert_msg(c != NULL, "%s", err);
	ck_assert_uint_eq(c->flow.tcp_idle, 300);
	ck_assert_uint_eq(c->flow.udp_idle, 90);
	ck_assert_uint_eq(c->flow.active, 7 * 86400);
	ck_assert_uint_eq(c->flow.other_idle, 3600);
	conf_free(c);
	expect_error("flow = { active = \"8d\"; };\n",
	    "1: flow.active: \"8d\" (691200 s) is out of range 1..604800 s");
	expect_error("flow = { tcp_idle = \"5 m\"; };\n",
	    "1: flow.tcp_idle: \"5 m\" is not a duration");
	expect_error("flow = { tcp_idle = \"m\"; };\n",
	    "1: flow.tcp_idle: \"m\" is not a duration");
	expect_error("flow = { tcp_idle = \"99999999999999999999d\"; };\n",
	    "1: flow.tcp_idle: \"99999999999999999999d\" (");
}
END_TEST

START_TEST(test_conf_strings_utf8)
{
	expect_error("daemon = { user = \"caf\xe9\"; };\n",
	    "1: daemon.user: not valid UTF-8 (byte 0xe9 at offset 3)");
	expect_error("capture = { interfaces = [ \"eth\\x01\" ]; };\n",
	    "1: capture.interfaces entry 1: a control character (byte 0x01 "
	    "at offset 3)");
	/* Overlong "/" and a surrogate are not UTF-8 either. */
	expect_error("capture = { filter = \"\xc0\xaf\"; };\n",
	    "1: capture.filter: not valid UTF-8");
	expect_error("capture = { filter = \"\xed\xa0\x80\"; };\n",
	    "1: capture.filter: not valid UTF-8");
}
END_TEST

/*
 * A reload that changes start-only keys: each at its line, in the file
 * it is in (an @included one); keys a reload takes are not reported.
 */
START_TEST(test_conf_reload_forbidden_changes)
{
	char err[4096], path[512], inc[512], want[1024];
	struct conf *old, *nc;

	tmp_write("alert.conf", "alert = { window = 120; };\n", inc,
	    sizeof(inc));
	old = load("capture = { interfaces = [ \"eth0\" ]; snaplen = 1500; };"
	    "\noutput = { progress_secs = 2; };\n@include \"alert.conf\"\n",
	    err, sizeof(err), path, sizeof(path));
	ck_assert_msg(old != NULL, "%s", err);
	nc = load("capture = { interfaces = [ \"eth0\" ]; snaplen = 1500; };"
	    "\noutput = { progress_secs = 2; };\n@include \"alert.conf\"\n",
	    err, sizeof(err), path, sizeof(path));
	ck_assert_msg(nc != NULL, "%s", err);
	ck_assert_int_eq(conf_reload_check(old, nc, err, sizeof(err)), 0);
	ck_assert_str_eq(err, "");
	conf_free(nc);

	tmp_write("alert.conf", "\nalert = { window = \"5m\"; };\n", inc,
	    sizeof(inc));
	nc = load("capture = {\n\tinterfaces = [ \"eth1\", \"eth2\" ];\n};\n"
	    "output = { progress_secs = 5; };\n@include \"alert.conf\"\n",
	    err, sizeof(err), path, sizeof(path));
	ck_assert_msg(nc != NULL, "%s", err);
	ck_assert_int_eq(conf_reload_check(old, nc, err, sizeof(err)), 3);
	snprintf(want, sizeof(want), "%s:2: alert.window: 120 -> 300: a "
	    "reload does not change it", inc);
	ck_assert_msg(strstr(err, want) != NULL, "want %s in:\n%s", want, err);
	snprintf(want, sizeof(want), "%s:2: capture.interfaces: \"eth0\" -> "
	    "\"eth1\", \"eth2\": a reload does not change it", path);
	ck_assert_msg(strstr(err, want) != NULL, "want %s in:\n%s", want, err);
	/* Left out: back to the default, said without a line. */
	snprintf(want, sizeof(want), "%s: capture.snaplen: 1500 -> 262144 "
	    "(back to its default): a reload does not change it", path);
	ck_assert_msg(strstr(err, want) != NULL, "want %s in:\n%s", want, err);
	ck_assert_ptr_null(strstr(err, "progress_secs"));
	conf_free(nc);
	conf_free(old);
}
END_TEST

/* Every problem of the file is reported, nothing is half loaded. */
START_TEST(test_conf_every_problem_reported)
{
	char err[4096], path[512];

	ck_assert_ptr_null(load("flow = { max_flows = 1; tcp_idle = 0; };\n"
	    "alert = { rate = -1; };\n", err, sizeof(err), path,
	    sizeof(path)));
	ck_assert_ptr_nonnull(strstr(err, "flow.max_flows: 1 is out"));
	ck_assert_ptr_nonnull(strstr(err, "flow.tcp_idle: 0 is out"));
	ck_assert_ptr_nonnull(strstr(err, "alert.rate: -1 is out"));
}
END_TEST

/* The kit alone: a table of every type over a struct of the test's. */
struct kit {
	int i;
	unsigned u;
	int b;
	unsigned d;
	char *s;
	char t[8];
	int e;
	char **l;
	int nl;
};

static const char *const kit_colours[] = { "red", "green", NULL };

#define KO(m)	offsetof(struct kit, m)
static const struct cfgkey kit_keys[] = {
	{ "i", CFGKEY_INT, -5, 5, -1, NULL, KO(i), 0, NULL, 0, 0 },
	{ "u", CFGKEY_UINT, 0, 4294967295LL, 7, NULL, KO(u), 0, NULL, 0, 0 },
	{ "b", CFGKEY_BOOL, 0, 1, 1, NULL, KO(b), 0, NULL, 0, 0 },
	{ "d", CFGKEY_DURATION, 0, 60, 30, NULL, KO(d), 0, NULL, 0, 0 },
	{ "s", CFGKEY_STRING, 0, 4, 0, "abc", KO(s), 0, NULL, CFGKEY_REQUIRED,
	    0 },
	{ "t", CFGKEY_TEXT, 0, 0, 0, "x", KO(t), 8, NULL, CFGKEY_PRINT, 0 },
	{ "e", CFGKEY_ENUM, 0, 0, 0, "green", KO(e), 0, kit_colours, 0, 0 },
	{ "l", CFGKEY_LIST, 1, 2, 0, NULL, KO(l), KO(nl), NULL, 0, 0 },
};
#define NKIT	(sizeof(kit_keys) / sizeof(kit_keys[0]))

/* Reads text's group g into k; the problems in err. */
static int
kit_read(const char *text, struct kit *k, char *err, size_t len)
{
	struct cfgread rd;
	struct errlist e;
	struct cfgkey_ctx ctx = { &e, "k.conf", "g.", NULL };
	char path[512];
	int r;

	errlist_init(&e, err, len);
	tmp_write("k.conf", text, path, sizeof(path));
	memset(k, 0, sizeof(*k));
	ck_assert_int_eq(cfgkey_defaults(kit_keys, NKIT, k), 0);
	if (cfgread_load(&rd, path, &e) == -1) {
		cfgread_free(&rd);
		return -1;
	}
	ctx.file = path;
	r = cfgkey_read(&ctx, config_lookup(&rd.cf, "g"), kit_keys, NKIT, k);
	cfgread_free(&rd);
	return r;
}

START_TEST(test_cfgkey_every_type)
{
	char err[2048];
	struct kit k;

	ck_assert_int_eq(kit_read("g = { s = \"abcd\"; i = -5; u = 4294967295L;"
	    " b = true; d = \"1m\"; t = \"1234567\"; e = \"red\";"
	    " l = [ \"a\", \"b\" ]; };\n", &k, err, sizeof(err)), 0);
	ck_assert_int_eq(k.i, -5);
	ck_assert_uint_eq(k.u, 4294967295u);
	ck_assert_int_eq(k.b, 1);
	ck_assert_uint_eq(k.d, 60);
	ck_assert_str_eq(k.s, "abcd");
	ck_assert_str_eq(k.t, "1234567");
	ck_assert_int_eq(k.e, 0);
	ck_assert_int_eq(k.nl, 2);
	ck_assert_str_eq(k.l[1], "b");
	ck_assert_ptr_null(k.l[2]);
	cfgkey_free(kit_keys, NKIT, &k);
	ck_assert_ptr_null(k.s);
	ck_assert_ptr_null(k.l);
}
END_TEST

START_TEST(test_cfgkey_defaults)
{
	char err[2048];
	struct kit k;

	ck_assert_int_eq(kit_read("g = { s = \"q\"; };\n", &k, err,
	    sizeof(err)), 0);
	ck_assert_int_eq(k.i, -1);
	ck_assert_uint_eq(k.u, 7);
	ck_assert_int_eq(k.b, 1);
	ck_assert_uint_eq(k.d, 30);
	ck_assert_str_eq(k.t, "x");
	ck_assert_int_eq(k.e, 1);
	ck_assert_int_eq(k.nl, 0);
	cfgkey_free(kit_keys, NKIT, &k);
}
END_TEST

/* Past every limit, each problem at its line, all of them reported. */
START_TEST(test_cfgkey_past_the_limits)
{
	char err[4096];
	struct kit k;

	ck_assert_int_eq(kit_read("g = {\n i = 6;\n u = -1;\n b = 2;\n"
	    " d = 61;\n s = \"abcde\";\n t = \"12345678\";\n e = \"blue\";\n"
	    " l = [ \"a\", \"b\", \"c\" ];\n};\n", &k, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, ":2: g.i: 6 is out of range "
	    "-5..5\n"));
	ck_assert_ptr_nonnull(strstr(err, ":3: g.u: -1 is out of range "
	    "0..4294967295\n"));
	ck_assert_ptr_nonnull(strstr(err, ":4: g.b: 2 is out of range 0..1"));
	ck_assert_ptr_nonnull(strstr(err, ":5: g.d: 61 is out of range "
	    "0..60\n"));
	ck_assert_ptr_nonnull(strstr(err, ":6: g.s: longer than 4 bytes\n"));
	ck_assert_ptr_nonnull(strstr(err, ":7: g.t: longer than 7 bytes\n"));
	ck_assert_ptr_nonnull(strstr(err, ":8: g.e: unknown e blue (red, "
	    "green)\n"));
	ck_assert_ptr_nonnull(strstr(err, ":9: g.l: more than 2 entries\n"));
	/* The values stay the defaults. */
	ck_assert_int_eq(k.i, -1);
	ck_assert_str_eq(k.s, "abc");
	cfgkey_free(kit_keys, NKIT, &k);

	ck_assert_int_eq(kit_read("g = {\n t = \"a\\tb\";\n l = [ ];\n};\n",
	    &k, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, ":1: missing g.s\n"));
	ck_assert_ptr_nonnull(strstr(err, ":2: g.t: a control character"));
	ck_assert_ptr_nonnull(strstr(err, ":3: g.l: the list is empty\n"));
	cfgkey_free(kit_keys, NKIT, &k);
}
END_TEST

START_TEST(test_cfgkey_closest)
{
	static const struct cfgkey k[] = {
		{ "window", CFGKEY_UINT, 0, 1, 0, NULL, CFGKEY_NOWHERE, 0, NULL,
		    0, 0 },
		{ "max_keys", CFGKEY_UINT, 0, 1, 0, NULL, CFGKEY_NOWHERE, 0,
		    NULL, 0, 0 },
	};

	ck_assert_str_eq(cfgkey_closest(k, 2, "windw"), "window");
	ck_assert_str_eq(cfgkey_closest(k, 2, "wnidow"), "window");
	ck_assert_str_eq(cfgkey_closest(k, 2, "max_key"), "max_keys");
	ck_assert_ptr_null(cfgkey_closest(k, 2, "maxkeysss"));
	/* A one-letter key is guessed from nothing. */
	ck_assert_ptr_null(cfgkey_closest(kit_keys, NKIT, "ii"));
	ck_assert_ptr_null(cfgkey_closest(kit_keys, NKIT, "zzz"));
	ck_assert_ptr_null(cfgkey_closest(kit_keys, NKIT, NULL));
	ck_assert_ptr_nonnull(cfgkey_find(kit_keys, NKIT, "l"));
	ck_assert_ptr_null(cfgkey_find(kit_keys, NKIT, "L"));
}
END_TEST

static Suite *
conf_suite(void)
{
	Suite *s = suite_create("conf");
	TCase *tc = tcase_create("conf");

	tcase_add_checked_fixture(tc, tmp_setup, tmp_teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_conf_defaults_from_the_table);
	tcase_add_test(tc, test_conf_every_range_limit);
	tcase_add_test(tc, test_conf_wrong_types);
	tcase_add_test(tc, test_conf_bool_forms);
	tcase_add_test(tc, test_conf_unknown_keys);
	tcase_add_test(tc, test_conf_durations);
	tcase_add_test(tc, test_conf_strings_utf8);
	tcase_add_test(tc, test_conf_reload_forbidden_changes);
	tcase_add_test(tc, test_conf_every_problem_reported);
	tcase_add_test(tc, test_cfgkey_every_type);
	tcase_add_test(tc, test_cfgkey_defaults);
	tcase_add_test(tc, test_cfgkey_past_the_limits);
	tcase_add_test(tc, test_cfgkey_closest);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_run(conf_suite());
}

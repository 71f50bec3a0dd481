/*
 * check_cfgread.c - unit tests of cfgread.c, the reader every loader goes
 * through: @include of a folder, a device, a FIFO, a missing file, a loop
 * and too deep a nesting are "file:line" errors (libconfig 1.5 itself
 * exits on a folder and blocks on a FIFO); relative includes are taken
 * from the including file's folder; settings and parse errors name the
 * file and line they are in; integers libconfig would wrap are refused;
 * an unreadable file gives its own reason, never a stale errno.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "cfgread.h"
#include "errlist.h"
#include "check_run.h"
#include "tmpdir.h"

static char tmpdir[256];

static void
tmp_setup(void)
{
	tmpdir_make(tmpdir, sizeof(tmpdir), "check_cfgread");
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

/*
 * Loads top.conf (text) and expects failure with exactly want, where
 * "%s" stands for the test's folder.
 */
static void
expect_error(const char *text, const char *want)
{
	char path[512], err[2048], exp[2048];
	struct cfgread rd;
	struct errlist e;

	tmp_write("top.conf", text, path, sizeof(path));
	errlist_init(&e, err, sizeof(err));
	ck_assert_int_eq(cfgread_load(&rd, path, &e), -1);
	cfgread_free(&rd);
	/* One folder in want, possibly several times. */
	{
		const char *p;
		size_t o = 0;

		for (p = want; *p != '\0' && o + 1 < sizeof(exp); p++) {
			if (p[0] == '%' && p[1] == 's') {
				o += (size_t)snprintf(exp + o, sizeof(exp) - o,
				    "%s", tmpdir);
				p++;
			} else
				exp[o++] = *p;
		}
		exp[o] = '\0';
	}
	ck_assert_str_eq(err, exp);
}

START_TEST(test_cfgread_include_directory_refused)
{
	/* libconfig 1.5 exits the process on this one. */
	expect_error("a = 1;\n@include \"/\"\nb = 2;\n",
	    "%s/top.conf:2: @include \"/\": a directory, not a regular "
	    "file\n");
}
END_TEST

START_TEST(test_cfgread_include_device_refused)
{
	expect_error("a = 1;\n\n  @include \"/dev/zero\"\n",
	    "%s/top.conf:3: @include \"/dev/zero\": a character device, not "
	    "a regular file\n");
}
END_TEST

START_TEST(test_cfgread_include_fifo_refused)
{
	char path[512];

	/* libconfig 1.5 would wait for a writer forever. */
	snprintf(path, sizeof(path), "%s/fifo", tmpdir);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	expect_error("@include \"fifo\"\n",
	    "%s/top.conf:1: @include \"%s/fifo\": a FIFO, not a regular "
	    "file\n");
}
END_TEST

START_TEST(test_cfgread_include_missing)
{
	expect_error("a = 1;\n@include \"nothere.conf\" # a comment\n",
	    "%s/top.conf:2: @include \"%s/nothere.conf\": No such file or "
	    "directory\n");
}
END_TEST

START_TEST(test_cfgread_include_loop)
{
	char path[512];

	tmp_write("b.conf", "b = 1;\n@include \"c.conf\"\n", path,
	    sizeof(path));
	tmp_write("c.conf", "\n\n@include \"top.conf\"\n", path,
	    sizeof(path));
	expect_error("@include \"b.conf\"\n",
	    "%s/c.conf:3: @include \"%s/top.conf\": an include loop (the "
	    "file is already being read)\n");
}
END_TEST

START_TEST(test_cfgread_include_too_deep)
{
	char path[512], name[32], text[64];
	int i;

	/* d0 includes d1 ... d11: past the limit of 10. */
	for (i = 0; i <= CFGREAD_DEPTH_MAX + 1; i++) {
		snprintf(name, sizeof(name), "d%d.conf", i);
		snprintf(text, sizeof(text), "@include \"d%d.conf\"\n", i + 1);
		tmp_write(name, text, path, sizeof(path));
	}
	expect_error("@include \"d0.conf\"\n",
	    "%s/d9.conf:1: @include \"%s/d10.conf\": nested more than 10 "
	    "deep\n");
}
END_TEST

/*
 * Four @includes of the next level per file, ten levels: a million reads
 * of files that are all but empty.  The budget stops it early.
 */
START_TEST(test_cfgread_include_fanout_bounded)
{
	char path[512], name[32], text[256], err[1024];
	struct cfgread rd;
	struct errlist e;
	int i, j;
	size_t o;

	for (i = 0; i < CFGREAD_DEPTH_MAX; i++) {
		snprintf(name, sizeof(name), "f%d.conf", i);
		for (j = 0, o = 0; j < 4 && i + 1 < CFGREAD_DEPTH_MAX; j++)
			o += (size_t)snprintf(text + o, sizeof(text) - o,
			    "@include \"f%d.conf\"\n", i + 1);
		text[o] = '\0';
		tmp_write(name, text, path, sizeof(path));
	}
	snprintf(path, sizeof(path), "%s/f0.conf", tmpdir);
	errlist_init(&e, err, sizeof(err));
	ck_assert_int_eq(cfgread_load(&rd, path, &e), -1);
	cfgread_free(&rd);
	ck_assert_msg(strstr(err, "more than 16777216 bytes of configuration "
	    "(each file read counting 4096 more)") != NULL, "%s", err);
}
END_TEST

START_TEST(test_cfgread_include_malformed)
{
	expect_error("@include \"a.conf\" b = 1;\n@include \"\"\n"
	    "@include \"x\\n\"\n",
	    "%s/top.conf:1: @include: text after the file name (an @include "
	    "is alone on its line)\n"
	    "%s/top.conf:2: @include: no file name\n"
	    "%s/top.conf:3: @include: only \\\\ and \\\" are escapes in a "
	    "file name\n");
}
END_TEST

/*
 * Relative names are the including file's folder's, whatever the working
 * directory; settings carry their own file and line, and so do parse
 * errors inside an included file.
 */
START_TEST(test_cfgread_include_relative_and_lines)
{
	char path[512], sub[512], top[512], err[1024], exp[1024];
	const config_setting_t *s;
	struct cfgread rd;
	struct errlist e;

	snprintf(sub, sizeof(sub), "%s/sub", tmpdir);
	ck_assert_int_eq(mkdir(sub, 0700), 0);
	tmp_write("sub/a.conf", "# a\na = 1;\n@include \"b.conf\"\nc = 3;\n",
	    path, sizeof(path));
	tmp_write("sub/b.conf", "\n\nb = 2;", path, sizeof(path));
	tmp_write("top.conf", "x = 0;\n@include \"sub/a.conf\"\ny = 4;\n", top,
	    sizeof(top));
	ck_assert_int_eq(chdir("/"), 0);
	errlist_init(&e, err, sizeof(err));
	ck_assert_msg(cfgread_load(&rd, top, &e) == 0, "%s", err);
	ck_assert_ptr_nonnull(s = config_lookup(&rd.cf, "x"));
	ck_assert_str_eq(config_setting_source_file(s), top);
	ck_assert_int_eq(config_setting_source_line(s), 1);
	ck_assert_ptr_nonnull(s = config_lookup(&rd.cf, "a"));
	snprintf(exp, sizeof(exp), "%s/sub/a.conf", tmpdir);
	ck_assert_str_eq(config_setting_source_file(s), exp);
	ck_assert_int_eq(config_setting_source_line(s), 2);
	ck_assert_ptr_nonnull(s = config_lookup(&rd.cf, "b"));
	snprintf(exp, sizeof(exp), "%s/sub/b.conf", tmpdir);
	ck_assert_str_eq(config_setting_source_file(s), exp);
	ck_assert_int_eq(config_setting_source_line(s), 3);
	ck_assert_int_eq(config_setting_get_int(s), 2);
	ck_assert_ptr_nonnull(s = config_lookup(&rd.cf, "c"));
	snprintf(exp, sizeof(exp), "%s/sub/a.conf", tmpdir);
	ck_assert_str_eq(config_setting_source_file(s), exp);
	ck_assert_int_eq(config_setting_source_line(s), 4);
	ck_assert_ptr_nonnull(s = config_lookup(&rd.cf, "y"));
	ck_assert_str_eq(config_setting_source_file(s), top);
	ck_assert_int_eq(config_setting_source_line(s), 3);
	cfgread_free(&rd);

	tmp_write("sub/b.conf", "\nb = 2;\nb2 = ;\n", path, sizeof(path));
	expect_error("x = 0;\n@include \"sub/a.conf\"\n",
	    "%s/sub/b.conf:3: syntax error\n");
}
END_TEST

/* A file cut short: the error is on the line libconfig gives. */
START_TEST(test_cfgread_error_at_end_of_file)
{
	expect_error("a = 1;\nzones = ( { n", "%s/top.conf:2: syntax error\n");
}
END_TEST

/* Inside a string or a comment "@include" is text, as for libconfig. */
START_TEST(test_cfgread_include_in_string_or_comment)
{
	char path[512], err[512];
	const config_setting_t *s;
	struct cfgread rd;
	struct errlist e;

	tmp_write("top.conf", "s = \"one\n@include \\\"/\\\"\n\";\n"
	    "/*\n@include \"/\"\n*/\nt = 1;\n", path, sizeof(path));
	errlist_init(&e, err, sizeof(err));
	ck_assert_msg(cfgread_load(&rd, path, &e) == 0, "%s", err);
	ck_assert_ptr_nonnull(s = config_lookup(&rd.cf, "s"));
	ck_assert_str_eq(config_setting_get_string(s),
	    "one\n@include \"/\"\n");
	ck_assert_ptr_nonnull(s = config_lookup(&rd.cf, "t"));
	ck_assert_int_eq(config_setting_source_line(s), 7);
	cfgread_free(&rd);
}
END_TEST

/* libconfig 1.5 reads 4294967297 as 1 and 0x100000010 as 16. */
START_TEST(test_cfgread_wrapped_numbers)
{
	expect_error("a = 4294967297;\n"
	    "b = 0x100000010;\n"
	    "c = [ 1, -2147483649 ];\n"
	    "d = 0xFFFFFFFF;\n"
	    "e = 99999999999999999999L;\n",
	    "%s/top.conf:1: 4294967297 is out of range: libconfig reads an "
	    "integer past 32 bits wrapped (write it with L for 64 bits)\n"
	    "%s/top.conf:2: 0x100000010 is out of range: libconfig reads an "
	    "integer past 32 bits wrapped (write it with L for 64 bits)\n"
	    "%s/top.conf:3: -2147483649 is out of range: libconfig reads an "
	    "integer past 32 bits wrapped (write it with L for 64 bits)\n"
	    "%s/top.conf:4: 0xFFFFFFFF is out of range: libconfig reads an "
	    "integer past 32 bits wrapped (write it with L for 64 bits)\n"
	    "%s/top.conf:5: 99999999999999999999L is out of range: libconfig "
	    "reads an integer past 32 bits wrapped (write it with L for 64 "
	    "bits)\n");
}
END_TEST

/* What is no integer, or fits, is left alone. */
START_TEST(test_cfgread_numbers_that_fit)
{
	char path[512], err[512];
	const config_setting_t *s;
	struct cfgread rd;
	struct errlist e;

	tmp_write("top.conf", "a = 2147483647;\nb = -2147483648;\n"
	    "c = 4294967297L;\nd = 1.5e10;\ne = \"4294967297\";\n"
	    "f = 0x7fffffff; # 4294967297\nname-4294967297 = 1;\n"
	    "g = 42949672970.5;\n", path, sizeof(path));
	errlist_init(&e, err, sizeof(err));
	ck_assert_msg(cfgread_load(&rd, path, &e) == 0, "%s", err);
	ck_assert_ptr_nonnull(s = config_lookup(&rd.cf, "c"));
	ck_assert_int_eq(config_setting_type(s), CONFIG_TYPE_INT64);
	ck_assert(config_setting_get_int64(s) == 4294967297LL);
	ck_assert_ptr_nonnull(s = config_lookup(&rd.cf, "b"));
	ck_assert_int_eq(config_setting_get_int(s), -2147483647 - 1);
	cfgread_free(&rd);
}
END_TEST

/* The reason is the failing call's, not whatever errno held before. */
START_TEST(test_cfgread_unreadable_top_file)
{
	char path[512], err[512], exp[600];
	struct cfgread rd;
	struct errlist e;

	errlist_init(&e, err, sizeof(err));
	errno = ENOSPC;
	ck_assert_int_eq(cfgread_load(&rd, tmpdir, &e), -1);
	cfgread_free(&rd);
	snprintf(exp, sizeof(exp), "%s: cannot read the file: a directory, "
	    "not a regular file\n", tmpdir);
	ck_assert_str_eq(err, exp);

	snprintf(path, sizeof(path), "%s/missing.conf", tmpdir);
	errlist_init(&e, err, sizeof(err));
	errno = ENOSPC;
	ck_assert_int_eq(cfgread_load(&rd, path, &e), -1);
	cfgread_free(&rd);
	snprintf(exp, sizeof(exp), "%s: cannot read the file: No such file "
	    "or directory\n", path);
	ck_assert_str_eq(err, exp);

	errlist_init(&e, err, sizeof(err));
	ck_assert_int_eq(cfgread_load(&rd, "/dev/null", &e), -1);
	cfgread_free(&rd);
	ck_assert_str_eq(err, "/dev/null: cannot read the file: a character "
	    "device, not a regular file\n");

	/* libconfig would stop at the NUL of a string it is given. */
	{
		static const char text[] = "a = 1;\n\nb\0 = 2;\n";
		FILE *f;

		snprintf(path, sizeof(path), "%s/nul.conf", tmpdir);
		ck_assert_ptr_nonnull(f = fopen(path, "w"));
		ck_assert_uint_eq(fwrite(text, 1, sizeof(text) - 1, f),
		    sizeof(text) - 1);
		ck_assert_int_eq(fclose(f), 0);
	}
	errlist_init(&e, err, sizeof(err));
	ck_assert_int_eq(cfgread_load(&rd, path, &e), -1);
	cfgread_free(&rd);
	snprintf(exp, sizeof(exp), "%s:3: a NUL byte: not a text file\n",
	    path);
	ck_assert_str_eq(err, exp);
}
END_TEST

static Suite *
cfgread_suite(void)
{
	Suite *s = suite_create("cfgread");
	TCase *tc = tcase_create("cfgread");

	/* A FIFO that blocked would end here, not hang the run. */
	tcase_set_timeout(tc, 10);
	tcase_add_checked_fixture(tc, tmp_setup, tmp_teardown);
	tcase_add_test(tc, test_cfgread_include_directory_refused);
	tcase_add_test(tc, test_cfgread_include_device_refused);
	tcase_add_test(tc, test_cfgread_include_fifo_refused);
	tcase_add_test(tc, test_cfgread_include_missing);
	tcase_add_test(tc, test_cfgread_include_loop);
	tcase_add_test(tc, test_cfgread_include_too_deep);
	tcase_add_test(tc, test_cfgread_include_malformed);
	tcase_add_test(tc, test_cfgread_include_fanout_bounded);
	tcase_add_test(tc, test_cfgread_include_relative_and_lines);
	tcase_add_test(tc, test_cfgread_include_in_string_or_comment);
	tcase_add_test(tc, test_cfgread_error_at_end_of_file);
	tcase_add_test(tc, test_cfgread_wrapped_numbers);
	tcase_add_test(tc, test_cfgread_numbers_that_fit);
	tcase_add_test(tc, test_cfgread_unreadable_top_file);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_run(cfgread_suite());
}

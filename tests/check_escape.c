/*
 * check_escape.c - unit tests of the wire-string escapers.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "check_run.h"

START_TEST(test_escape_json_hostile_sni)
{
	const char *sni = "a\"] [x@1 y=\"z\n<13>1 fake\\";
	char out[128];

	escape_json(out, sizeof(out), sni, strlen(sni));
	ck_assert_str_eq(out, "a\\\"] [x@1 y=\\\"z\\n<13>1 fake\\\\");
	ck_assert_ptr_null(strchr(out, '\n'));
}
END_TEST

START_TEST(test_escape_json_controls_and_utf8)
{
	const char in[] = "\x01\x1f\x7f" "caf\xc3\xa9" "\xff\xc0\xaf"
	    "\xed\xa0\x80";
	char out[128];

	escape_json(out, sizeof(out), in, sizeof(in) - 1);
	/*
	 * Valid UTF-8 (é) kept; each byte of what is not (a stray byte, an
	 * overlong, a surrogate) the replacement character, never \u00XX,
	 * which would read as a Latin-1 character.
	 */
	ck_assert_str_eq(out, "\\u0001\\u001f\\u007f" "caf\xc3\xa9"
	    "\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd");
}
END_TEST

START_TEST(test_escape_json_embedded_nul)
{
	const char in[] = { 'a', '\0', 'b' };
	char out[32];

	ck_assert_uint_eq(escape_json(out, sizeof(out), in, 3), 8);
	ck_assert_str_eq(out, "a\\u0000b");
}
END_TEST

START_TEST(test_escape_json_truncation_whole_escapes)
{
	const char *in = "ab\"cd";
	char out[5];
	size_t n;

	/* Room for "ab" and not for the two bytes of \" plus the NUL. */
	n = escape_json(out, sizeof(out), in, strlen(in));
	ck_assert_uint_eq(n, 4);
	ck_assert_str_eq(out, "ab\\\"");
	n = escape_json(out, 4, in, strlen(in));
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(out, "ab");
}
END_TEST

START_TEST(test_escape_text)
{
	const char in[] = "GET /\r\n\\x\x80";
	char out[64];

	escape_text(out, sizeof(out), in, sizeof(in) - 1);
	ck_assert_str_eq(out, "GET /\\x0d\\x0a\\\\x\\x80");
}
END_TEST

START_TEST(test_escape_sd_rfc5424)
{
	const char *sni = "a\"] [x@1 y=\"z\n<13>1 fake\\";
	char out[128];

	/* RFC 5424 section 6.3.3: '"' '\\' ']' escaped; the newline as
	 * "\\x0a" (a reader decodes "\x0a"). */
	escape_sd(out, sizeof(out), sni, strlen(sni));
	ck_assert_str_eq(out, "a\\\"\\] [x@1 y=\\\"z\\\\x0a<13>1 fake\\\\");
}
END_TEST

START_TEST(test_escape_cef_header_and_ext)
{
	const char in[] = "a|b=c\\d\ne\rf\x01";
	char out[128];

	escape_cef_header(out, sizeof(out), in, sizeof(in) - 1);
	ck_assert_str_eq(out, "a\\|b=c\\\\d\\\\x0ae\\\\x0df\\\\x01");
	escape_cef_ext(out, sizeof(out), in, sizeof(in) - 1);
	ck_assert_str_eq(out, "a|b\\=c\\\\d\\ne\\rf\\\\x01");
}
END_TEST

START_TEST(test_escape_leef_delimiter)
{
	const char in[] = "a^b\tc\\d=e\xff";
	char out[128];

	/* No escape character in LEEF: the backslash and '=' as written. */
	escape_leef(out, sizeof(out), in, sizeof(in) - 1, '^');
	ck_assert_str_eq(out, "a\\x5eb\\x09c\\d=e\\xff");
	escape_leef(out, sizeof(out), in, sizeof(in) - 1, '\t');
	ck_assert_str_eq(out, "a^b\\x09c\\d=e\\xff");
}
END_TEST

/*
 * The LEEF 2.0 guide's examples: a caret-delimited event and the same
 * attributes with a tab, as "x09" in the header.  Each value escaped
 * and joined must give the guide's line back, and splitting the line at
 * the delimiter and each pair at its first '=' must give the values.
 */
START_TEST(test_escape_leef_guide_examples)
{
	static const char *const kv[][2] = {
		{ "src", "10.0.1.8" }, { "dst", "10.0.0.5" }, { "sev", "5" },
		{ "srcPort", "81" }, { "dstPort", "21" },
		{ "usrName", "Firstname Lastname" },
		{ "url", "http://x.example/a?b=c" },
	};
	static const char caret[] = "src=10.0.1.8^dst=10.0.0.5^sev=5^"
	    "srcPort=81^dstPort=21^usrName=Firstname Lastname^"
	    "url=http://x.example/a?b=c";
	static const char delims[] = { '^', '\t' };
	char line[512], out[128], *save, *tok, *eq;
	size_t i, d, o;

	for (d = 0; d < sizeof(delims); d++) {
		o = 0;
		for (i = 0; i < sizeof(kv) / sizeof(kv[0]); i++) {
			escape_leef(out, sizeof(out), kv[i][1],
			    strlen(kv[i][1]), delims[d]);
			o += (size_t)snprintf(line + o, sizeof(line) - o,
			    "%s%s=%s", i ? (char[]){ delims[d], 0 } : "",
			    kv[i][0], out);
		}
		if (delims[d] == '^')
			ck_assert_str_eq(line, caret);
		i = 0;
		for (tok = strtok_r(line, (char[]){ delims[d], 0 }, &save);
		    tok != NULL; tok = strtok_r(NULL,
		    (char[]){ delims[d], 0 }, &save), i++) {
			eq = strchr(tok, '=');
			ck_assert_ptr_nonnull(eq);
			*eq = '\0';
			ck_assert_str_eq(tok, kv[i][0]);
			ck_assert_str_eq(eq + 1, kv[i][1]);
		}
		ck_assert_uint_eq(i, sizeof(kv) / sizeof(kv[0]));
	}
}
END_TEST

/*
 * U+0085 (NEL) and U+009B (CSI), valid UTF-8 but controls: escaped in
 * every syntax; U+00A0, the first character past them, kept.
 */
START_TEST(test_escape_c1_controls_every_syntax)
{
	const char in[] = "a\xc2\x85" "b\xc2\x9b" "c\xc2\x80\xc2\xa0";
	char out[128];

	escape_json(out, sizeof(out), in, sizeof(in) - 1);
	ck_assert_str_eq(out, "a\\u0085b\\u009bc\\u0080\xc2\xa0");
	escape_text(out, sizeof(out), in, sizeof(in) - 1);
	ck_assert_str_eq(out, "a\\xc2\\x85b\\xc2\\x9bc\\xc2\\x80"
	    "\\xc2\\xa0");
	escape_sd(out, sizeof(out), in, sizeof(in) - 1);
	ck_assert_str_eq(out, "a\\\\xc2\\\\x85b\\\\xc2\\\\x9bc"
	    "\\\\xc2\\\\x80\xc2\xa0");
	escape_cef_header(out, sizeof(out), in, sizeof(in) - 1);
	ck_assert_str_eq(out, "a\\\\xc2\\\\x85b\\\\xc2\\\\x9bc"
	    "\\\\xc2\\\\x80\xc2\xa0");
	escape_cef_ext(out, sizeof(out), in, sizeof(in) - 1);
	ck_assert_str_eq(out, "a\\\\xc2\\\\x85b\\\\xc2\\\\x9bc"
	    "\\\\xc2\\\\x80\xc2\xa0");
	escape_leef(out, sizeof(out), in, sizeof(in) - 1, '^');
	ck_assert_str_eq(out, "a\\xc2\\x85b\\xc2\\x9bc\\xc2\\x80\xc2\xa0");
	/* A C1 control is never split: no room for all of it, none. */
	ck_assert_uint_eq(escape_json(out, 7, in, sizeof(in) - 1), 1);
	ck_assert_str_eq(out, "a");
}
END_TEST

START_TEST(test_escape_whole_or_nothing)
{
	const char in[] = "ab\"cd";
	char out[16];

	ck_assert_int_eq(escape_whole(out, 8, ESCAPE_JSON, 0, in,
	    strlen(in)), 6);
	ck_assert_str_eq(out, "ab\\\"cd");
	/* One byte short: refused, where escape_json() would cut. */
	ck_assert_int_eq(escape_whole(out, 6, ESCAPE_JSON, 0, in,
	    strlen(in)), -1);
	ck_assert_uint_eq(escape_json(out, 6, in, strlen(in)), 5);
	/* "ab\x22cd": 8 bytes and the NUL. */
	ck_assert_int_eq(escape_whole(out, 8, ESCAPE_LEEF, '"', in,
	    strlen(in)), -1);
	ck_assert_int_eq(escape_whole(out, 9, ESCAPE_LEEF, '"', in,
	    strlen(in)), 8);
	ck_assert_int_eq(escape_whole(out, 0, ESCAPE_SD, 0, in, 0), -1);
	ck_assert_int_eq(escape_whole(out, 1, ESCAPE_SD, 0, in, 0), 0);
}
END_TEST

START_TEST(test_escape_utf8_valid)
{
	ck_assert_int_eq(escape_utf8_valid("caf\xc3\xa9", 5), 1);
	ck_assert_int_eq(escape_utf8_valid("caf\xc3", 4), 0);
	ck_assert_int_eq(escape_utf8_valid("\xed\xa0\x80", 3), 0);
	ck_assert_int_eq(escape_utf8_valid("", 0), 1);
}
END_TEST

START_TEST(test_escape_syntax_utf8_and_truncation)
{
	const char in[] = "caf\xc3\xa9]";
	char out[7];
	size_t n;

	/* Valid UTF-8 kept whole; an escape is never cut. */
	n = escape_sd(out, sizeof(out), in, sizeof(in) - 1);
	ck_assert_uint_eq(n, 5);
	ck_assert_str_eq(out, "caf\xc3\xa9");
	n = escape_sd(out, 5, in, sizeof(in) - 1);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(out, "caf");
	ck_assert_uint_eq(escape_cef_ext(out, 0, in, 3), 0);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("escape");
	TCase *tc = tcase_create("escape");

	tcase_add_test(tc, test_escape_json_hostile_sni);
	tcase_add_test(tc, test_escape_json_controls_and_utf8);
	tcase_add_test(tc, test_escape_json_embedded_nul);
	tcase_add_test(tc, test_escape_json_truncation_whole_escapes);
	tcase_add_test(tc, test_escape_text);
	tcase_add_test(tc, test_escape_sd_rfc5424);
	tcase_add_test(tc, test_escape_cef_header_and_ext);
	tcase_add_test(tc, test_escape_leef_delimiter);
	tcase_add_test(tc, test_escape_syntax_utf8_and_truncation);
	tcase_add_test(tc, test_escape_leef_guide_examples);
	tcase_add_test(tc, test_escape_c1_controls_every_syntax);
	tcase_add_test(tc, test_escape_whole_or_nothing);
	tcase_add_test(tc, test_escape_utf8_valid);
	suite_add_tcase(s, tc);
	return check_run(s);
}

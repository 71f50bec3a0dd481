/*
 * check_escape.c - unit tests of the wire-string escapers.
 */
#include <check.h>
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
	/* Valid UTF-8 (é) kept; invalid bytes, overlongs, surrogates not. */
	ck_assert_str_eq(out, "\\u0001\\u001f\\u007f" "caf\xc3\xa9"
	    "\\u00ff\\u00c0\\u00af\\u00ed\\u00a0\\u0080");
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

	escape_leef(out, sizeof(out), in, sizeof(in) - 1, '^');
	ck_assert_str_eq(out, "a\\x5eb\\x09c\\\\d=e\\xff");
	escape_leef(out, sizeof(out), in, sizeof(in) - 1, '|');
	ck_assert_str_eq(out, "a^b\\x09c\\\\d=e\\xff");
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
	suite_add_tcase(s, tc);
	return check_run(s);
}

/*
 * check_strbuf.c - the output formats' string builder: pieces appended
 * whole or not at all, the buffer full after the first that did not fit
 * and every later piece dropped, always NUL-terminated.
 */
#include <stdio.h>
#include <string.h>

#include <check.h>

#include "strbuf.h"
#include "check_run.h"

START_TEST(test_strbuf_appends_pieces)
{
	char buf[64];
	struct strbuf w = { buf, sizeof(buf), 0 };

	STRBUF_LIT(&w, "{\"n\":");
	strbuf_u64(&w, 18446744073709551615ull);
	strbuf_printf(&w, ",\"%s\":%d", "x", -3);
	strbuf_str(&w, "}");
	ck_assert(!strbuf_full(&w));
	ck_assert_str_eq(buf, "{\"n\":18446744073709551615,\"x\":-3}");
	ck_assert_uint_eq(w.o, strlen(buf));
}
END_TEST

START_TEST(test_strbuf_full_drops_later_pieces)
{
	char buf[8];
	struct strbuf w = { buf, sizeof(buf), 0 };

	strbuf_str(&w, "abcd");
	/* 4 + 3 bytes and the NUL fill 8: fits; one more byte does not. */
	strbuf_str(&w, "efg");
	ck_assert(!strbuf_full(&w));
	ck_assert_str_eq(buf, "abcdefg");
	strbuf_str(&w, "h");
	ck_assert(strbuf_full(&w));
	/* Nothing after, even what would have fitted before. */
	strbuf_u64(&w, 1);
	strbuf_printf(&w, "%d", 2);
	ck_assert_uint_eq(w.o, w.len);
	ck_assert_str_eq(buf, "abcdefg");
}
END_TEST

START_TEST(test_strbuf_printf_longer_than_a_chunk)
{
	char buf[2048], big[1200];
	struct strbuf w = { buf, sizeof(buf), 0 };

	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	strbuf_printf(&w, "<%s>", big);
	ck_assert(!strbuf_full(&w));
	ck_assert_uint_eq(w.o, sizeof(big) + 1);
	/* A piece cut by vsnprintf marks the buffer full. */
	strbuf_printf(&w, "%s", big);
	ck_assert(strbuf_full(&w));
}
END_TEST

START_TEST(test_strbuf_escapes_whole_or_full)
{
	char buf[16];
	struct strbuf w = { buf, sizeof(buf), 0 };

	strbuf_esc(&w, ESCAPE_JSON, 0, "a\"b\n", 64);
	ck_assert_str_eq(buf, "a\\\"b\\n");
	/* Only max bytes of the string. */
	strbuf_esc(&w, ESCAPE_JSON, 0, "xyz", 1);
	ck_assert_str_eq(buf, "a\\\"b\\nx");
	strbuf_esc(&w, ESCAPE_JSON, 0, "\"\"\"\"\"", 64);
	ck_assert(strbuf_full(&w));
}
END_TEST

START_TEST(test_strbuf_json_array_and_hex)
{
	char buf[64];
	struct strbuf w = { buf, sizeof(buf), 0 };
	struct strbuf_list l = { &w, 0 };

	STRBUF_LIT(&w, "[");
	strbuf_json_item(&l, "a\"b");
	strbuf_json_item_cb(7, "c", &l);
	STRBUF_LIT(&w, "] ");
	ck_assert_int_eq(l.n, 2);
	/* Only max bytes; every byte as two lower-case digits. */
	strbuf_hex(&w, "\x01\xff\xc3z", 3);
	ck_assert(!strbuf_full(&w));
	ck_assert_str_eq(buf, "[\"a\\\"b\",\"c\"] 01ffc3");
}
END_TEST

static Suite *
strbuf_suite(void)
{
	Suite *s = suite_create("strbuf");
	TCase *tc = tcase_create("strbuf");

	tcase_add_test(tc, test_strbuf_appends_pieces);
	tcase_add_test(tc, test_strbuf_full_drops_later_pieces);
	tcase_add_test(tc, test_strbuf_printf_longer_than_a_chunk);
	tcase_add_test(tc, test_strbuf_escapes_whole_or_full);
	tcase_add_test(tc, test_strbuf_json_array_and_hex);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_run(strbuf_suite());
}

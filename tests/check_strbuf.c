/*
 * check_strbuf.c - the output formats' string builder: pieces appended
 * whole or not at all, the buffer full after the first that did not fit
 * and every later piece dropped, always NUL-terminated.
 */
#include <stdint.h>
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
	/* The first n bytes only; each as two lower-case digits. */
	strbuf_hex(&w, "\x01\xff\xc3z", 3);
	ck_assert(!strbuf_full(&w));
	ck_assert_str_eq(buf, "[\"a\\\"b\",\"c\"] 01ffc3");
}
END_TEST

START_TEST(test_strbuf_writes_numbers_addresses_hex)
{
	static const uint64_t v[] = { 0, 9, 10, 99, 100, 999, 1000, 65535,
	    4294967296ull, 18446744073709551615ull };
	static const uint8_t a[] = { 192, 0, 10, 255 }, z[] = { 0, 0, 0, 0 };
	char buf[512], want[32];
	struct strbuf w = { buf, sizeof(buf), 0 };
	size_t i;

	/* Every digit count, against printf. */
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		w.o = 0;
		strbuf_u64(&w, v[i]);
		snprintf(want, sizeof(want), "%llu", (unsigned long long)v[i]);
		ck_assert_str_eq(buf, want);
	}
	w.o = 0;
	strbuf_ipv4(&w, a);
	strbuf_ch(&w, ' ');
	strbuf_ipv4(&w, z);
	strbuf_ch(&w, ' ');
	strbuf_hex(&w, "\x00\xab\xff", 3);
	ck_assert(!strbuf_full(&w));
	ck_assert_str_eq(buf, "192.0.10.255 0.0.0.0 00abff");
	ck_assert_uint_eq(w.o, strlen(buf));
}
END_TEST

START_TEST(test_strbuf_direct_writers_fill_whole)
{
	static const uint8_t a[] = { 192, 168, 100, 200 };
	char buf[16];
	struct strbuf w = { buf, sizeof(buf), 0 };

	/* 15 bytes and the NUL: fits exactly. */
	strbuf_ipv4(&w, a);
	ck_assert(!strbuf_full(&w));
	ck_assert_str_eq(buf, "192.168.100.200");
	strbuf_ch(&w, 'x');
	ck_assert(strbuf_full(&w));
	ck_assert_str_eq(buf, "192.168.100.200");

	w.o = 0;
	buf[0] = '\0';
	/* Seven bytes in hex and the NUL fit in 16; eight do not. */
	strbuf_hex(&w, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
	ck_assert(strbuf_full(&w));
	ck_assert_str_eq(buf, "");
	w.o = 0;
	strbuf_hex(&w, "\x01\x02\x03\x04\x05\x06\x07", 7);
	ck_assert(!strbuf_full(&w));
	ck_assert_str_eq(buf, "01020304050607");
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
	tcase_add_test(tc, test_strbuf_writes_numbers_addresses_hex);
	tcase_add_test(tc, test_strbuf_direct_writers_fill_whole);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_run(strbuf_suite());
}

/*
 * check_addr.c - unit tests of the address helpers.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "check_run.h"

START_TEST(test_addr_roundtrip_v4)
{
	struct addr a;
	char buf[ADDR_STRLEN];

	ck_assert_int_eq(addr_parse("192.168.10.20", &a), 0);
	ck_assert(addr_is_v4(&a));
	ck_assert_str_eq(addr_fmt(&a, buf, sizeof(buf)), "192.168.10.20");
}
END_TEST

START_TEST(test_addr_roundtrip_v6)
{
	struct addr a;
	char buf[ADDR_STRLEN];

	ck_assert_int_eq(addr_parse("2001:db8::1", &a), 0);
	ck_assert(!addr_is_v4(&a));
	ck_assert_str_eq(addr_fmt(&a, buf, sizeof(buf)), "2001:db8::1");
	ck_assert_int_eq(addr_parse("2001:db8::zz", &a), -1);
	ck_assert_int_eq(addr_parse("300.1.1.1", &a), -1);
}
END_TEST

START_TEST(test_addr_prefix)
{
	struct addr p, a;
	unsigned plen;

	ck_assert_int_eq(addr_parse_prefix("192.168.50.0/24", &p, &plen), 0);
	ck_assert_uint_eq(plen, 120);
	addr_parse("192.168.50.7", &a);
	ck_assert(addr_in_prefix(&a, &p, plen));
	addr_parse("192.168.51.7", &a);
	ck_assert(!addr_in_prefix(&a, &p, plen));
	/* Host bits set: refused as a likely typo. */
	ck_assert_int_eq(addr_parse_prefix("192.168.50.1/24", &p, &plen), -1);
	ck_assert_int_eq(addr_parse_prefix("10.0.0.0/33", &p, &plen), -1);
	ck_assert_int_eq(addr_parse_prefix("fc00::/7", &p, &plen), 0);
	ck_assert_uint_eq(plen, 7);
	addr_parse("fd12::1", &a);
	ck_assert(addr_in_prefix(&a, &p, plen));
	addr_parse("fe80::1", &a);
	ck_assert(!addr_in_prefix(&a, &p, plen));
	/* An IPv4 address never falls in an IPv6 prefix by accident. */
	addr_parse("10.1.2.3", &a);
	ck_assert(!addr_in_prefix(&a, &p, plen));
}
END_TEST

START_TEST(test_addr_mac)
{
	uint8_t m[6];
	char buf[18];

	ck_assert_int_eq(addr_parse_mac("00:15:5d:6E:00:0a", m), 0);
	ck_assert_str_eq(addr_fmt_mac(m, buf, sizeof(buf)),
	    "00:15:5d:6e:00:0a");
	ck_assert_int_eq(addr_parse_mac("00:15:5d:6e:00", m), -1);
	ck_assert_int_eq(addr_parse_mac("00:15:5d:6e:00:0a:11", m), -1);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("addr");
	TCase *tc = tcase_create("addr");

	tcase_add_test(tc, test_addr_roundtrip_v4);
	tcase_add_test(tc, test_addr_roundtrip_v6);
	tcase_add_test(tc, test_addr_prefix);
	tcase_add_test(tc, test_addr_mac);
	suite_add_tcase(s, tc);
	return check_run(s);
}

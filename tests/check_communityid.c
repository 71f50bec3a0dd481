/*
 * check_communityid.c - Community ID v1 against the test vectors of the
 * community-id spec's baseline (seed 0 and seed 1): TCP, UDP, SCTP over
 * IPv4 and IPv6, ICMP and ICMPv6 with and without counter-types, another
 * IP protocol; each flow from both ends.
 */
#include <check.h>
#include <netinet/in.h>
#include <string.h>

#include "communityid.h"
#include "check_run.h"

struct vec {
	uint16_t seed;
	uint8_t proto;
	const char *src, *dst;
	uint16_t sport, dport;	/* ICMP: type and code of the packet */
	const char *id;
};

static const struct vec vecs[] = {
	/* ICMPv6 neighbour solicitation and advertisement. */
	{ 0, 58, "fe80::200:86ff:fe05:80da", "fe80::260:97ff:fe07:69ea",
	    135, 0, "1:dGHyGvjMfljg6Bppwm3bg0LO8TY=" },
	{ 0, 58, "fe80::260:97ff:fe07:69ea", "fe80::200:86ff:fe05:80da",
	    136, 0, "1:dGHyGvjMfljg6Bppwm3bg0LO8TY=" },
	{ 0, 58, "fe80::260:97ff:fe07:69ea", "fe80::200:86ff:fe05:80da",
	    135, 0, "1:zavyT/cezQr1fmImYCwYnMXbgck=" },
	/* ICMPv6 time exceeded, unreachable: one-way. */
	{ 0, 58, "3ffe:501:1800:2345::2", "3ffe:507:0:1:200:86ff:fe05:80da",
	    3, 0, "1:2ObVBgIn28oZvibYZhZMBgh7WdQ=" },
	{ 0, 58, "3ffe:501:410:0:2c0:dfff:fe47:33e",
	    "3ffe:507:0:1:200:86ff:fe05:80da", 1, 4,
	    "1:hLZd0XGWojozrvxqE0dWB1iM6R0=" },
	/* ICMPv6 echo request and reply. */
	{ 0, 58, "3ffe:507:0:1:200:86ff:fe05:80da", "3ffe:501:0:1001::2",
	    128, 0, "1:+TW+HtLHvV1xnGhV1lv7XoJrqQg=" },
	{ 0, 58, "3ffe:501:0:1001::2", "3ffe:507:0:1:200:86ff:fe05:80da",
	    129, 0, "1:+TW+HtLHvV1xnGhV1lv7XoJrqQg=" },
	/* Router solicitation and advertisement to multicast groups. */
	{ 0, 58, "fe80::200:86ff:fe05:80da", "ff02::2", 133, 0,
	    "1:hO+sN4H+MG5MY/8hIrXPqc4ZQz0=" },
	{ 0, 58, "fe80::260:97ff:fe07:69ea", "ff02::1", 134, 0,
	    "1:pkvHqCL88/tg1k4cPigmZXUtL00=" },
	/* ICMP echo and reply, time exceeded. */
	{ 0, 1, "192.168.0.89", "192.168.0.1", 8, 0,
	    "1:X0snYXpgwiv9TZtqg64sgzUn6Dk=" },
	{ 0, 1, "192.168.0.1", "192.168.0.89", 0, 0,
	    "1:X0snYXpgwiv9TZtqg64sgzUn6Dk=" },
	{ 0, 1, "10.0.0.1", "10.0.0.2", 11, 0,
	    "1:YHxtAirCG//0OzkcVAukqKQN9xM=" },
	/* TCP over IPv6. */
	{ 0, 6, "2001:470:e5bf:dead:4957:2174:e82c:4887",
	    "2607:f8b0:400c:c03::1a", 63943, 25,
	    "1:/qFaeAR+gFe1KYjMzVDsMv+wgU4=" },
	{ 0, 6, "2607:f8b0:400c:c03::1a",
	    "2001:470:e5bf:dead:4957:2174:e82c:4887", 25, 63943,
	    "1:/qFaeAR+gFe1KYjMzVDsMv+wgU4=" },
	/* SCTP: equal ports, the addresses decide. */
	{ 0, 132, "192.168.170.8", "192.168.170.56", 7, 7,
	    "1:MP2EtRCAUIZvTw6MxJHLV7N7JDs=" },
	{ 0, 132, "192.168.170.56", "192.168.170.8", 7, 7,
	    "1:MP2EtRCAUIZvTw6MxJHLV7N7JDs=" },
	/* TCP and UDP over IPv4. */
	{ 0, 6, "128.232.110.120", "66.35.250.204", 34855, 80,
	    "1:LQU9qZlK+B5F3KDmev6m5PMibrg=" },
	{ 0, 6, "66.35.250.204", "128.232.110.120", 80, 34855,
	    "1:LQU9qZlK+B5F3KDmev6m5PMibrg=" },
	{ 0, 17, "192.168.1.52", "8.8.8.8", 54585, 53,
	    "1:d/FP5EW3wiY1vCndhwleRRKHowQ=" },
	{ 0, 17, "8.8.8.8", "192.168.1.52", 53, 54585,
	    "1:d/FP5EW3wiY1vCndhwleRRKHowQ=" },
	/* RSVP: no ports in the hash whatever is passed. */
	{ 0, 46, "10.1.12.1", "10.1.12.2", 0, 0,
	    "1:KHlLkgoJW7ifUTyTSgyVfkFHzKw=" },
	{ 0, 46, "10.1.12.2", "10.1.12.1", 99, 1,
	    "1:KHlLkgoJW7ifUTyTSgyVfkFHzKw=" },
	/* Seed 1. */
	{ 1, 58, "fe80::200:86ff:fe05:80da", "fe80::260:97ff:fe07:69ea",
	    135, 0, "1:kHa1FhMYIT6Ym2Vm2AOtoOARDzY=" },
	{ 1, 1, "192.168.0.1", "192.168.0.89", 0, 0,
	    "1:03g6IloqVBdcZlPyX8r0hgoE7kA=" },
	{ 1, 6, "2607:f8b0:400c:c03::1a",
	    "2001:470:e5bf:dead:4957:2174:e82c:4887", 25, 63943,
	    "1:eJYTW6AOzFLlSUoESovMjnu7rMw=" },
	{ 1, 132, "192.168.170.56", "192.168.170.8", 7, 7,
	    "1:5w3ZRjeKBzqT3zsaEECDGjUbYeg=" },
	{ 1, 6, "128.232.110.120", "66.35.250.204", 34855, 80,
	    "1:3V71V58M3Ksw/yuFALMcW0LAHvc=" },
	{ 1, 17, "8.8.8.8", "192.168.1.52", 53, 54585,
	    "1:Q9We8WO3piVF8yEQBNJF4uiSVrI=" },
	{ 1, 46, "10.1.12.1", "10.1.12.2", 0, 0,
	    "1:rYir8gphR31noO9iDRQmF/BteEI=" },
};

START_TEST(test_communityid_spec_vectors)
{
	const struct vec *v = &vecs[_i];
	struct addr s, d;
	char id[COMMUNITYID_LEN];

	ck_assert_int_eq(addr_parse(v->src, &s), 0);
	ck_assert_int_eq(addr_parse(v->dst, &d), 0);
	ck_assert_int_eq(communityid_v1(id, sizeof(id), v->seed, &s, &d,
	    v->proto, v->sport, v->dport), 0);
	ck_assert_msg(strcmp(id, v->id) == 0, "vector %d: %s, expected %s",
	    _i, id, v->id);
}
END_TEST

START_TEST(test_communityid_refuses_mixed_families_and_short_buffer)
{
	struct addr s, d;
	char id[COMMUNITYID_LEN];

	addr_parse("192.0.2.1", &s);
	addr_parse("2001:db8::1", &d);
	ck_assert_int_eq(communityid_v1(id, sizeof(id), 0, &s, &d,
	    IPPROTO_TCP, 1, 2), -1);
	ck_assert_str_eq(id, "");
	addr_parse("192.0.2.2", &d);
	ck_assert_int_eq(communityid_v1(id, sizeof(id) - 1, 0, &s, &d,
	    IPPROTO_TCP, 1, 2), -1);
	ck_assert_str_eq(id, "");
	ck_assert_int_eq(communityid_v1(id, sizeof(id), 0, &s, &d,
	    IPPROTO_TCP, 1, 2), 0);
	ck_assert_uint_eq(strlen(id), COMMUNITYID_LEN - 1);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("communityid");
	TCase *tc = tcase_create("communityid");

	tcase_add_loop_test(tc, test_communityid_spec_vectors, 0,
	    (int)(sizeof(vecs) / sizeof(vecs[0])));
	tcase_add_test(tc,
	    test_communityid_refuses_mixed_families_and_short_buffer);
	suite_add_tcase(s, tc);
	return check_run(s);
}

/*
 * check_mem.c - huge-page advice for the large tables: the whole 2 MiB
 * blocks inside a table are advised (the kernel's VmFlags "hg" in
 * /proc/self/smaps), the unaligned edges and small tables are left as
 * they are, and the memory reads back what was written.
 */
#include <sys/mman.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "mem.h"
#include "check_run.h"

#define MIB	((size_t)1 << 20)

/*
 * The VmFlags line of the mapping that holds addr, copied into buf:
 * 0, or -1 if /proc/self/smaps does not say.
 */
static int
vmflags(const void *addr, char *buf, size_t len)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	char line[512];
	unsigned long lo, hi;
	int in = 0, rc = -1;

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		/* A mapping's first line: "lo-hi perms ..."; the fields
		 * after it start with a name and a colon. */
		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2) {
			in = (uintptr_t)addr >= lo && (uintptr_t)addr < hi;
			continue;
		}
		if (in && strncmp(line, "VmFlags:", 8) == 0) {
			if (strlen(line + 8) >= len)
				break;
			memcpy(buf, line + 8, strlen(line + 8) + 1);
			rc = 0;
			break;
		}
	}
	fclose(f);
	return rc;
}

/* 1 when the mapping holding addr is advised for huge pages. */
static int
advised(const void *addr)
{
	char fl[512];

	ck_assert_int_eq(vmflags(addr, fl, sizeof(fl)), 0);
	return strstr(fl, " hg") != NULL;
}

/* 1 when this kernel takes the advice (transparent huge pages built). */
static int
thp_kernel(void)
{
	return access("/sys/kernel/mm/transparent_hugepage/enabled", F_OK) ==
	    0;
}

START_TEST(test_mem_large_table_advised_inside)
{
	size_t len = 16 * MIB;
	/* Not 2 MiB-aligned on purpose: an edge that must stay as it is. */
	uint8_t *map = mmap(NULL, len + 4 * MIB, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint8_t *p, *in;
	size_t i;

	ck_assert_ptr_ne(map, MAP_FAILED);
	p = (uint8_t *)(((uintptr_t)map + 2 * MIB - 1) & ~(2 * MIB - 1)) +
	    4096;
	in = p + 2 * MIB;
	ck_assert(!advised(in));
	mem_hugepages(p, len);
	if (thp_kernel()) {
		ck_assert(advised(in));
		ck_assert(advised(p + len - 2 * MIB - 4096));
		/* The first and last partial blocks are not. */
		ck_assert(!advised(p));
		ck_assert(!advised(p + len - 1));
	}
	/* Only advice: the memory is there and reads back. */
	for (i = 0; i < len; i += 4096)
		p[i] = (uint8_t)(i >> 12);
	for (i = 0; i < len; i += 4096)
		ck_assert_uint_eq(p[i], (uint8_t)(i >> 12));
	munmap(map, len + 4 * MIB);
}
END_TEST

START_TEST(test_mem_small_table_left_alone)
{
	size_t len = MEM_HUGE_MIN - 1;
	uint8_t *map = mmap(NULL, len + 4 * MIB, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint8_t *p;

	ck_assert_ptr_ne(map, MAP_FAILED);
	p = (uint8_t *)(((uintptr_t)map + 2 * MIB - 1) & ~(2 * MIB - 1));
	mem_hugepages(p, len);
	ck_assert(!advised(p));
	ck_assert(!advised(p + 2 * MIB));
	/* Nothing to do, nothing done. */
	mem_hugepages(NULL, 64 * MIB);
	mem_hugepages(p, 0);
	munmap(map, len + 4 * MIB);
}
END_TEST

START_TEST(test_mem_malloc_block)
{
	/* As the tables get it: a malloc block, its header before it. */
	size_t len = 24 * MIB;
	uint8_t *p = malloc(len);
	uint8_t *mid;

	ck_assert_ptr_nonnull(p);
	mid = (uint8_t *)(((uintptr_t)p + len / 2) & ~(2 * MIB - 1));
	mem_hugepages(p, len);
	if (thp_kernel())
		ck_assert(advised(mid));
	memset(p, 0xa5, len);
	ck_assert_uint_eq(p[0], 0xa5);
	ck_assert_uint_eq(p[len - 1], 0xa5);
	free(p);
}
END_TEST

static Suite *
mem_suite(void)
{
	Suite *s = suite_create("mem");
	TCase *tc = tcase_create("mem");

	tcase_add_test(tc, test_mem_large_table_advised_inside);
	tcase_add_test(tc, test_mem_small_table_left_alone);
	tcase_add_test(tc, test_mem_malloc_block);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_run(mem_suite());
}

/*
 * replay_regress.c - replays the kept inputs of one fuzz target without
 * libFuzzer: every file of fuzz/regress/<target>/ (inputs that once
 * crashed the target, kept after the fix) and of fuzz/corpus/<target>/
 * (the campaign's minimised corpus: each input reaches code the others do
 * not) goes through the target's LLVMFuzzerTestOneInput(), built with the
 * ordinary compiler and linked to libvmswatch.a.  A crash, an abort() of
 * the target's own checks or a sanitizer's report (make distcheck's
 * build) fails the test.  FUZZ_TARGET names the folders; the program is
 * built once per target (tests/replay_<target>).
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef FUZZ_TARGET
#error "FUZZ_TARGET must name the fuzz target"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
replay(const char *path)
{
	FILE *f;
	uint8_t *buf;
	long sz;

	if ((f = fopen(path, "rb")) == NULL) {
		perror(path);
		return -1;
	}
	if (fseek(f, 0, SEEK_END) != 0 || (sz = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0) {
		perror(path);
		fclose(f);
		return -1;
	}
	/* Exactly the file's bytes on the heap, as libFuzzer hands them. */
	if ((buf = malloc(sz > 0 ? (size_t)sz : 1)) == NULL ||
	    (sz > 0 && fread(buf, (size_t)sz, 1, f) != 1)) {
		perror(path);
		free(buf);
		fclose(f);
		return -1;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(buf, (size_t)sz);
	free(buf);
	return 0;
}

/*
 * Replays every file of src/fuzz/<kind>/<target>/ in name order: 0, or
 * -1 when the folder cannot be listed (*fail set when an input could not
 * be read).
 */
static int
replay_dir(const char *src, const char *kind, int *fail)
{
	char dir[4096], path[8192];
	char **names = NULL;
	struct dirent *de;
	size_t n = 0, cap = 0, i;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/fuzz/%s/%s", src, kind, FUZZ_TARGET);
	if ((d = opendir(dir)) == NULL) {
		perror(dir);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || strcmp(de->d_name, "README") == 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			if ((names = realloc(names, cap * sizeof(*names))) ==
			    NULL) {
				closedir(d);
				return -1;
			}
		}
		if ((names[n++] = strdup(de->d_name)) == NULL) {
			closedir(d);
			return -1;
		}
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof(*names), name_cmp);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		printf("replay %s/%s/%s\n", kind, FUZZ_TARGET, names[i]);
		fflush(stdout);
		if (replay(path) == -1)
			*fail = 1;
		free(names[i]);
	}
	free(names);
	printf("%s/%s: %zu inputs replayed\n", kind, FUZZ_TARGET, n);
	return 0;
}

int
main(int argc, char *argv[])
{
	const char *src = getenv("VW_SRCDIR");
	int fail = 0, i;

	/* Files named on the command line replay alone (debugging). */
	if (argc > 1) {
		for (i = 1; i < argc; i++)
			if (replay(argv[i]) == -1)
				fail = 1;
		return fail;
	}
	if (src == NULL || *src == '\0')
		src = VW_SRCDIR;
	if (replay_dir(src, "regress", &fail) == -1 ||
	    replay_dir(src, "corpus", &fail) == -1)
		return 99;
	return fail;
}

/*
 * tmpdir.c - private temporary directories for the tests.
 */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "tmpdir.h"

void
tmpdir_make(char *dir, size_t len, const char *name)
{
	const char *t = getenv("TMPDIR");

	snprintf(dir, len, "%s/%s.XXXXXX", t != NULL && *t ? t : "/tmp", name);
	if (mkdtemp(dir) == NULL) {
		perror(dir);
		exit(1);
	}
}

static int
rm_entry(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	(void)sb;
	(void)type;
	(void)ftw;
	return remove(path);
}

void
tmpdir_remove(const char *dir)
{
	nftw(dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
}

int
tmpdir_write(const char *dir, const char *name, const char *text, char *path,
    size_t len)
{
	FILE *f;
	int rc = 0;

	snprintf(path, len, "%s/%s", dir, name);
	if ((f = fopen(path, "w")) == NULL)
		return -1;
	if (fputs(text, f) == EOF)
		rc = -1;
	if (fclose(f) != 0)
		rc = -1;
	return rc;
}

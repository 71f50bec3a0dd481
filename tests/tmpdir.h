/*
 * tmpdir.h - a private temporary directory for a test: made, written to,
 * removed with all it holds.  Test-side code, in the tests' library.
 */
#ifndef VW_TMPDIR_H
#define VW_TMPDIR_H

#include <stddef.h>

/*
 * Makes $TMPDIR/name.XXXXXX (default /tmp) and writes its path to dir
 * (len bytes).  A test cannot run without it: exits on failure.
 */
void tmpdir_make(char *dir, size_t len, const char *name);
/* Removes dir and everything below it. */
void tmpdir_remove(const char *dir);
/*
 * Writes text to dir/name; its path goes to path (len bytes).  Returns
 * 0, or -1 if the file could not be written.
 */
int tmpdir_write(const char *dir, const char *name, const char *text,
    char *path, size_t len);

#endif

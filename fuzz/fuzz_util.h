/*
 * fuzz_util.h - helpers shared by the fuzz targets: the site
 * configuration they load, and a fuzz input turned into a file path for
 * the loaders that read files.  Header only, so each target stays one
 * translation unit (built by clang for libFuzzer, by gcc for the replay
 * test).
 */
#ifndef VW_FUZZ_UTIL_H
#define VW_FUZZ_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef VW_SRCDIR
#define VW_SRCDIR "."
#endif

/*
 * The source tree: VW_SRCDIR from the environment (a moved build), else
 * the one compiled in.
 */
static inline const char *
fuzz_srcdir(void)
{
	const char *s = getenv("VW_SRCDIR");

	return s != NULL && *s ? s : VW_SRCDIR;
}

/*
 * Writes data to an anonymous memory file and puts a path that opens it
 * into path.  Returns the descriptor (close it when done), or -1.
 */
static inline int
fuzz_memfile(const uint8_t *data, size_t size, char *path, size_t len)
{
	size_t o = 0;
	ssize_t n;
	int fd;

	if ((fd = memfd_create("fuzz", 0)) == -1)
		return -1;
	while (o < size) {
		if ((n = write(fd, data + o, size - o)) <= 0) {
			close(fd);
			return -1;
		}
		o += (size_t)n;
	}
	snprintf(path, len, "/proc/self/fd/%d", fd);
	return fd;
}

#endif

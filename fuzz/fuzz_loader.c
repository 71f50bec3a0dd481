/*
 * fuzz_loader.c - libFuzzer target for the configuration, inventory and
 * rules loaders (src/conf.c, src/inventory.c, src/rules.c, libconfig
 * underneath).  The input holds up to three files separated by lines
 * "#%%": the configuration, an inventory, a rules file.  They are written
 * to a private temporary folder as vmswatch.conf, inventory.conf and
 * rules.conf (so the configuration may name the other two), then loaded
 * one by one: inventory_load(), rules_load() alone and after the shipped
 * rules (cross-file references), conf_load().  Checked beyond "no crash":
 * a load either succeeds or fails with a non-empty message terminated
 * inside the caller's buffer.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "inventory.h"
#include "rules.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SEP	"#%%\n"

static char dir[64];
static char paths[3][128];
static const char *const names[3] = { "vmswatch.conf", "inventory.conf",
	"rules.conf" };

static void
cleanup(void)
{
	int i;

	for (i = 0; i < 3; i++)
		unlink(paths[i]);
	rmdir(dir);
}

static void
setup(void)
{
	int i;

	snprintf(dir, sizeof(dir), "/tmp/vw-fuzz-loader.XXXXXX");
	if (mkdtemp(dir) == NULL)
		abort();
	for (i = 0; i < 3; i++)
		snprintf(paths[i], sizeof(paths[i]), "%s/%s", dir, names[i]);
	atexit(cleanup);
}

static void
put_file(const char *path, const uint8_t *p, size_t n)
{
	FILE *f;

	if ((f = fopen(path, "wb")) == NULL)
		abort();
	if (n > 0 && fwrite(p, n, 1, f) != 1)
		abort();
	if (fclose(f) != 0)
		abort();
}

/* The message of a failed load: not empty, terminated inside err. */
static void
check_err(const char *err, size_t len)
{
	if (memchr(err, '\0', len) == NULL || err[0] == '\0')
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char shipped[4096], err[2048];
	const char *rp[2];
	const uint8_t *p = data, *end = data + size, *s;
	struct inventory *inv;
	struct ruleset *rs;
	struct conf *c;
	int i;

	if (dir[0] == '\0')
		setup();
	for (i = 0; i < 3; i++) {
		s = p < end ? memmem(p, (size_t)(end - p), SEP,
		    sizeof(SEP) - 1) : NULL;
		if (i == 2 || s == NULL)
			s = end;
		put_file(paths[i], p, (size_t)(s - p));
		p = s < end ? s + sizeof(SEP) - 1 : end;
	}

	memset(err, 0xa5, sizeof(err));
	if ((inv = inventory_load(paths[1], err, sizeof(err))) == NULL)
		check_err(err, sizeof(err));
	inventory_free(inv);

	memset(err, 0xa5, sizeof(err));
	rp[0] = paths[2];
	if ((rs = rules_load(rp, 1, err, sizeof(err))) == NULL)
		check_err(err, sizeof(err));
	rules_free(rs);

	snprintf(shipped, sizeof(shipped), "%s/rules/xprotect.conf",
	    fuzz_srcdir());
	rp[0] = shipped;
	rp[1] = paths[2];
	memset(err, 0xa5, sizeof(err));
	if ((rs = rules_load(rp, 2, err, sizeof(err))) == NULL)
		check_err(err, sizeof(err));
	rules_free(rs);

	memset(err, 0xa5, sizeof(err));
	if ((c = conf_load(paths[0], err, sizeof(err))) == NULL)
		check_err(err, sizeof(err));
	conf_free(c);
	return 0;
}

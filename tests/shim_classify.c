/*
 * shim_classify.c - classify_risk_foreach() for the sink tests, until
 * src/classify.c lands in the library; then this file goes.  Names a few
 * bits the way nDPI 4.2 describes them.
 */
#include <stdio.h>

#include "classify.h"

void
classify_risk_foreach(uint64_t risk,
    void (*fn)(int bit, const char *name, void *arg), void *arg)
{
	char name[32];
	int b;

	for (b = 0; b < 64; b++) {
		if (!(risk & ((uint64_t)1 << b)))
			continue;
		switch (b) {
		case 6:
			fn(b, "Self-signed Cert", arg);
			break;
		case 7:
			fn(b, "Obsolete TLS version (< 1.1)", arg);
			break;
		default:
			snprintf(name, sizeof(name), "Risk %d", b);
			fn(b, name, arg);
		}
	}
}

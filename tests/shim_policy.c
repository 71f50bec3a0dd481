/*
 * shim_policy.c - the kind names of policy.h for the sink tests, until
 * src/policy.c lands in the library; then this file goes.
 */
#include <string.h>

#include "policy.h"

static const char *const shim_kinds[POLICY_KIND_MAX] = {
	"camera-non-recorder", "internet-exposure", "cleartext",
	"local-only-port", "disabled-port", "undocumented-flow",
	"unknown-device", "protocol-mismatch", "weak-tls",
	"cleartext-credentials"
};

const char *
policy_kind_name(enum policy_kind k)
{
	return (unsigned)k < POLICY_KIND_MAX ? shim_kinds[k] : "?";
}

int
policy_kind_lookup(const char *name)
{
	int i;

	for (i = 0; i < POLICY_KIND_MAX; i++)
		if (strcmp(shim_kinds[i], name) == 0)
			return i;
	return -1;
}

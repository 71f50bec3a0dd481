#!/bin/sh
# test.sh - builds vmswatch and runs the whole test suite: the unit and
# end-to-end tests in a normal build, a short libFuzzer run of every fuzz
# target, then `make distcheck` with AddressSanitizer and
# UndefinedBehaviorSanitizer (the suite once more, from the distribution
# tarball, in a separate build).  Between them, the Debian package is built
# and checked (tests/package.sh; skipped without dpkg-buildpackage,
# debhelper or lintian).
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)
if [ -z "${VW_SHARED:-}" ] && [ -d "$top/../shared" ]; then
	VW_SHARED=$(cd "$top/../shared" && pwd)
	export VW_SHARED
fi
jobs=$(nproc 2>/dev/null || echo 2)
[ -x configure ] || ./autogen.sh
[ -f Makefile ] || ./configure --enable-werror
make -j"$jobs"
status=0
make -j"$jobs" check || status=$?
if [ $status -ne 0 ]; then
	cat tests/*.log 2>/dev/null | tail -n 200
	exit $status
fi
echo "== Debian package (tests/package.sh)"
rc=0
tests/package.sh || rc=$?
[ $rc -eq 0 ] || [ $rc -eq 77 ] || exit $rc
echo "== fuzzing smoke test (libFuzzer, 10 s per target)"
tools/fuzz-smoke.sh
echo "== sanitizer build (ASan + UBSan) via make distcheck"
make -j"$jobs" distcheck \
	DISTCHECK_CONFIGURE_FLAGS="--enable-sanitizers --enable-werror"

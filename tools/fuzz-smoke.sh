#!/bin/sh
# fuzz-smoke.sh - a short, bounded fuzzing run for CI: builds the libFuzzer
# targets with `make fuzz` (clang, ASan + UBSan) and runs each one for
# FUZZ_TIME seconds (default 10) on its seed corpus and the kept
# regression inputs, one process at a time.  Exits non-zero when a target
# crashes, leaks or fails one of its own checks; the input that did it is
# kept in fuzz/artifacts/ and its path printed.  Run from a configured
# build tree (tools/test.sh configures one).  See fuzz/README.md.
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)
time=${FUZZ_TIME:-10}
rss=${FUZZ_RSS_MB:-2048}
[ -x configure ] || ./autogen.sh
[ -f Makefile ] || ./configure
make fuzz >/dev/null
export LSAN_OPTIONS="suppressions=$top/fuzz/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export VW_SRCDIR="$top"
art="$top/fuzz/artifacts"
mkdir -p "$art"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
for t in decode pipeline loader loader_struct format; do
	mkdir -p "$work/$t"
	log="$work/$t.log"
	# fuzz_loader_struct takes fuzz_loader's inputs, seeds and kept ones.
	in=$t
	[ "$t" = loader_struct ] && in=loader
	# The loader's dictionary (tools/mkdict.sh): libconfig's tokens and
	# every key name, so mutations reach past the parser.
	dict=
	[ -f "fuzz/$in.dict" ] && dict="-dict=fuzz/$in.dict"
	echo "== fuzz_$t: ${time}s"
	if fuzz/fuzz_"$t" -max_total_time="$time" -rss_limit_mb="$rss" \
	    -timeout=25 -print_final_stats=1 -artifact_prefix="$art/$t-" \
	    $dict "$work/$t" "fuzz/seeds/$in" "fuzz/regress/$in" >"$log" 2>&1; then
		grep -E '^(stat::number_of_executed_units|#[0-9]+ +DONE)' \
		    "$log" | tail -n 2
	else
		status=1
		echo "FAIL fuzz_$t:"
		grep -E 'ERROR|SUMMARY|Test unit written|^ +#[0-9]+ ' "$log" |
		    head -n 30
	fi
done
exit $status

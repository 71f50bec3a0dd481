#!/bin/sh
# fuzz-merge.sh - folds scratch corpora into the kept one: the smallest
# set of inputs of fuzz/corpus/TARGET/, the given folders and the seeds
# that gives the same features (libFuzzer -set_cover_merge=1); of those,
# inputs up to FUZZ_MAX_KEEP bytes (default 16384) are kept, and a larger
# one only where it reaches an edge none of them does (-merge=1
# -use_counters=0), so that the corpora stay small enough for git.
# Replaces fuzz/corpus/TARGET/ and prints what it kept.  The target's
# binary is fuzz/fuzz_TARGET (make fuzz); run at nice 19.
#
# usage: tools/fuzz-merge.sh TARGET DIR...
set -eu
[ $# -ge 2 ] || { echo "usage: $0 TARGET DIR..." >&2; exit 2; }
cd "$(dirname "$0")/.."
top=$(pwd)
t=$1
shift
max=${FUZZ_MAX_KEEP:-16384}
export LSAN_OPTIONS="suppressions=$top/fuzz/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export VW_SRCDIR="$top"
fz="nice -n 19 $top/fuzz/fuzz_$t -rss_limit_mb=2048 -timeout=25"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/all" "$work/small" "$work/big" "fuzz/corpus/$t"

$fz -set_cover_merge=1 "$work/all" "fuzz/corpus/$t" "$@" "fuzz/seeds/$t" \
    >"$work/log" 2>&1 || { tail -n 20 "$work/log" >&2; exit 1; }
find "$work/all" -type f -size -$((max + 1))c -exec mv {} "$work/small" \;
mv "$work"/all/* "$work/big" 2>/dev/null || true
if [ -n "$(ls "$work/big")" ]; then
	$fz -merge=1 -use_counters=0 "$work/small" "$work/big" \
	    >"$work/log" 2>&1 || { tail -n 20 "$work/log" >&2; exit 1; }
fi
rm -rf "fuzz/corpus/$t"
mv "$work/small" "fuzz/corpus/$t"
echo "fuzz/corpus/$t: $(ls "fuzz/corpus/$t" | wc -l) inputs," \
    "$(du -sb "fuzz/corpus/$t" | cut -f1) bytes"

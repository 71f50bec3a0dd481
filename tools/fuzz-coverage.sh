#!/bin/sh
# fuzz-coverage.sh - what the fuzz corpora reach: builds the replay
# programs of the fuzz targets (tests/replay_<target>, the targets'
# LLVMFuzzerTestOneInput() without libFuzzer) with clang's source-based
# coverage in a copy of the committed tree (HEAD) in a temporary folder,
# replays each kept corpus (fuzz/corpus/<target>/ and
# fuzz/regress/<target>/) and prints, as Markdown, llvm-cov's per-file
# report of src/*.c for each target (regions, functions, lines,
# branches) and every branch of src/decode.c and src/policy.c that a
# corpus never takes one way (decode by fuzz_decode and fuzz_pipeline
# together, policy by fuzz_pipeline).  fuzz/COVERAGE.md is this output
# with notes on why each branch is not reached.
#
# usage: tools/fuzz-coverage.sh > /tmp/coverage.md
#	COV_WORK=folder (default /tmp/vw-cov), COV_CORPUS=folder holding
#	<target>/ corpora (default fuzz/corpus)
# Needs clang, llvm-profdata, llvm-cov (Debian: clang, llvm) and python3.
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)
work=${COV_WORK:-/tmp/vw-cov}
corpus=${COV_CORPUS:-$top/fuzz/corpus}
src=$work/src
targets="decode pipeline loader format"
mkdir -p "$work"

if [ ! -x "$src/tests/replay_format" ]; then
	rm -rf "$src"
	mkdir -p "$src"
	git archive HEAD | tar -x -C "$src"
	(cd "$src" && ./autogen.sh && CC=clang \
	    CFLAGS='-O0 -g -fprofile-instr-generate -fcoverage-mapping' \
	    ./configure && make -j2 libvmswatch.a &&
	    for t in $targets; do make tests/replay_$t || exit 1; done) \
	    >"$work/build.log" 2>&1 ||
	    { echo "fuzz-coverage: build failed, see $work/build.log" >&2;
	    exit 1; }
fi

rm -rf "$work/prof"
mkdir -p "$work/prof"
for t in $targets; do
	# Batches of 100 inputs per process.  An input that aborts loses
	# its batch's profile (abort() skips the profile's writing): the
	# batch is named on standard error.
	find "$corpus/$t" "$top/fuzz/regress/$t" -type f ! -name README \
	    2>/dev/null | sort |
	    LLVM_PROFILE_FILE="$work/prof/$t-%p.profraw" VW_SRCDIR="$src" \
	    xargs -n 100 sh -c '"$0" "$@" >/dev/null 2>&1 ||
	    echo "fuzz-coverage: a batch of $0 failed" >&2' \
	    "$src/tests/replay_$t"
	llvm-profdata merge -sparse -o "$work/$t.profdata" \
	    "$work"/prof/"$t"-*.profraw
done
llvm-profdata merge -sparse -o "$work/decode-all.profdata" \
    "$work/decode.profdata" "$work/pipeline.profdata"

echo "# Coverage of the fuzz corpora"
echo
echo "Written by \`tools/fuzz-coverage.sh\` ($(date -u +%Y-%m-%d), commit"
echo "$(git rev-parse --short HEAD)): each target's replay program built"
echo "with clang source-based coverage, fed its kept corpus"
echo "(\`fuzz/corpus/<target>/\`) and regression inputs.  Only src/*.c;"
echo "nDPI, libpcap and libconfig are not instrumented."
for t in $targets; do
	n=$(find "$corpus/$t" "$top/fuzz/regress/$t" -type f ! -name README \
	    2>/dev/null | wc -l)
	echo
	echo "## fuzz_$t ($n inputs)"
	echo
	echo "| file | lines | missed | cover | branches | missed | cover |"
	echo "|---|--:|--:|--:|--:|--:|--:|"
	# llvm-cov's columns: file, regions (3), functions (3), lines (3),
	# branches (3); files the corpus never enters are left out.
	(cd "$src" && llvm-cov report "tests/replay_$t" \
	    -instr-profile="$work/$t.profdata" src/*.c) |
	    awk '$1 ~ /\.c$/ && $8 != $9 || $1 == "TOTAL" {
		printf "| %s | %s | %s | %s | %s | %s | %s |\n",
		    $1, $8, $9, $10, $11, $12, $13 }'
done

# Branches taken one way only (or never reached), with their line.
branches() {
	(cd "$src" && llvm-cov show "$1" -instr-profile="$2" \
	    -show-branches=count -show-line-counts=false "$3") |
	    python3 -c '
import bisect, re, sys
# The function each line is in: its definition starts a line
# "name(" (style(9): the type on the line above).
starts, names = [], []
for i, l in enumerate(open(sys.argv[1]), 1):
    m = re.match(r"([a-z_][a-z0-9_]*)\(", l)
    if m:
        starts.append(i)
        names.append(m.group(1))
def func(ln):
    k = bisect.bisect_right(starts, ln) - 1
    return names[k] if k >= 0 else ""
last = {}
for line in sys.stdin:
    m = re.match(r"\s*(\d+)\|(\s*[\d.kMGE]*\|)?(.*)", line)
    if m:
        last[int(m.group(1))] = m.group(3).strip()
        continue
    m = re.search(r"Branch \((\d+):(\d+)\): \[True: ([\d.kM]+), False: ([\d.kM]+)\]", line)
    if not m:
        continue
    ln, col, t, f = int(m.group(1)), m.group(2), m.group(3), m.group(4)
    if t != "0" and f != "0":
        continue
    side = "never reached" if t == "0" and f == "0" else \
        ("never true" if t == "0" else "never false")
    print("| %d:%s | %s | %s | `%s` |" % (ln, col, func(ln), side,
        last.get(ln, "")[:60].replace("|", "\\|")))
' "$src/$3"
}
echo
echo "## Branches of src/decode.c not taken both ways (decode + pipeline)"
echo
echo "| line:col | function | | code |"
echo "|---|---|---|---|"
branches tests/replay_pipeline "$work/decode-all.profdata" src/decode.c
echo
echo "## Branches of src/policy.c not taken both ways (pipeline)"
echo
echo "| line:col | function | | code |"
echo "|---|---|---|---|"
branches tests/replay_pipeline "$work/pipeline.profdata" src/policy.c

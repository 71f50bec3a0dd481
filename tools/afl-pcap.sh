#!/bin/sh
# afl-pcap.sh - AFL++ on the capture file reader: vmswatch -r FILE, the
# whole file (pcap file header, record headers, pcapng blocks) mutated,
# which the libFuzzer targets do not do (fuzz_pipeline builds well-formed
# files around its frames only as far as its seeds go).  Builds vmswatch
# with afl-clang-fast from a copy of the committed tree (HEAD) in a
# temporary folder, writes small pcap and pcapng seeds (tests/mkbroken,
# fuzz/mkseeds' captures, the head of samples/sample.pcap), then runs
# afl-fuzz at the lowest priority with the fuzzing site (fuzz/site).
#
# usage: tools/afl-pcap.sh [OUT]	(default /tmp/vw-afl/out)
#	tools/afl-pcap.sh --replay [OUT]
#	tools/afl-pcap.sh --workers [OUT]
#	AFL_TIME=seconds (default 3600), AFL_WORK=folder (default /tmp/vw-afl)
# --replay: afl-fuzz sees crashes only, as the binary has no sanitizer;
# this replays every input it kept (queue, crashes, hangs) through a
# build with AddressSanitizer and UndefinedBehaviorSanitizer and names
# each one that reports an error or runs over 20 s.
# --workers: every input it kept through this tree's vmswatch with one
# worker and with three, and names each one whose alerts, flow records or
# exit status differ: the inputs are files no test writes (damaged
# headers, frames cut anywhere), and -r --workers must give one worker's
# output for them too.
# Needs afl++ (Debian: apt-get install afl++) and a configured build tree
# here for tests/mkbroken and fuzz/mkseeds (make check, make fuzz).
# Resume a stopped run with AFL_RESUME=1 (afl-fuzz -i -).
# See fuzz/README.md.
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)
work=${AFL_WORK:-/tmp/vw-afl}
mode=fuzz
case ${1:-} in
--replay|--workers)
	mode=${1#--}
	shift ;;
esac
out=${1:-$work/out}

# each_input FUNC: FUNC FILE for every input afl-fuzz kept (queue,
# crashes, hangs), counted in n.
n=0
bad=0
each_input() {
	for f in "$out"/default/queue/id* "$out"/default/crashes/id* \
	    "$out"/default/hangs/id*; do
		[ -f "$f" ] || continue
		n=$((n + 1))
		"$1" "$f"
	done
}

# same_output FILE: 1 and 3 workers give the same output for FILE.
same_output() {
	for w in 1 3; do
		rc=0
		timeout 20 nice -n 19 ./vmswatch -q --workers $w \
		    -c "$top/fuzz/site/vmswatch.conf" -r "$1" \
		    --flows "$tmp/flows.$w" >"$tmp/alerts.$w" \
		    2>/dev/null || rc=$?
		echo $rc >"$tmp/rc.$w"
	done
	if ! cmp -s "$tmp/rc.1" "$tmp/rc.3" ||
	    ! cmp -s "$tmp/alerts.1" "$tmp/alerts.3" ||
	    ! cmp -s "$tmp/flows.1" "$tmp/flows.3"; then
		bad=$((bad + 1))
		echo "$1: 1 and 3 workers differ (exit $(cat "$tmp/rc.1")" \
		    "and $(cat "$tmp/rc.3"))"
	fi
}

# sanitized FILE: the ASan + UBSan build reads FILE without an error.
sanitized() {
	rc=0
	timeout 20 nice -n 19 "$asan/vmswatch" -q --workers 1 \
	    -c "$top/fuzz/site/vmswatch.conf" -r "$1" >/dev/null \
	    2>"$work/replay.err" || rc=$?
	if [ $rc -ge 124 ] || grep -q -E \
	    'ERROR: [A-Za-z]+Sanitizer|runtime error' "$work/replay.err"; then
		bad=$((bad + 1))
		echo "$1: exit $rc"
		grep -m 3 -E 'ERROR|runtime error|SUMMARY' "$work/replay.err" ||
		    true
	fi
}

if [ $mode = workers ]; then
	[ -x ./vmswatch ] || { echo "afl-pcap: build vmswatch here first" >&2
	    exit 1; }
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	each_input same_output
	echo "afl-pcap: $n inputs read with 1 and 3 workers, $bad differ"
	[ $bad = 0 ]
	exit
fi

if [ $mode = replay ]; then
	asan=$work/asan
	if [ ! -x "$asan/vmswatch" ]; then
		rm -rf "$asan"
		mkdir -p "$asan"
		git archive HEAD | tar -x -C "$asan"
		san='-fsanitize=address,undefined -fno-sanitize-recover=all'
		(cd "$asan" && ./autogen.sh && CC=clang \
		    CFLAGS="-O1 -g $san -fno-omit-frame-pointer" \
		    LDFLAGS="$san" ./configure && make -j2 vmswatch) \
		    >"$work/asan-build.log" 2>&1 || { echo "afl-pcap:" \
		    "build failed, see $work/asan-build.log" >&2; exit 1; }
	fi
	export LSAN_OPTIONS="suppressions=$top/fuzz/lsan.supp"
	each_input sanitized
	echo "afl-pcap: $n inputs replayed, $bad with an error"
	[ $bad = 0 ]
	exit
fi
time=${AFL_TIME:-3600}
src=$work/src
mkdir -p "$work"

if [ ! -x "$src/vmswatch" ]; then
	rm -rf "$src"
	mkdir -p "$src"
	git archive HEAD | tar -x -C "$src"
	(cd "$src" && ./autogen.sh && CC=afl-clang-fast ./configure &&
	    AFL_QUIET=1 make -j2 vmswatch) >"$work/build.log" 2>&1 ||
	    { echo "afl-pcap: build failed, see $work/build.log" >&2; exit 1; }
fi

seeds=$work/seeds
if [ ! -d "$seeds" ]; then
	make tests/mkbroken fuzz/mkseeds >/dev/null
	mkdir -p "$seeds"
	for k in good record-cut caplen-gt-len linktype-unknown \
	    pcapng-unknown-block pcapng-bad-length; do
		tests/mkbroken "$k" "$seeds/$k.cap" >/dev/null
	done
	tmp=$(mktemp -d)
	fuzz/mkseeds "$top" "$tmp" >/dev/null
	for s in dns-undocumented recorder-camera rtsp-setup-play; do
		cp "$tmp/pipeline/$s.pcap" "$seeds/"
	done
	rm -rf "$tmp"
	head -c 3000 samples/sample.pcap >"$seeds/sample-head.pcap"
fi

in=$seeds
[ "${AFL_RESUME:-0}" = 1 ] && in=-
# One worker: afl-fuzz follows one process, and -r would otherwise start
# a thread per core.  The fork server starts after the set-up (main.c's
# __AFL_INIT), so nDPI's start-up is paid once; -t still leaves room for
# a slow input.
AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 AFL_NO_UI=1 \
AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
exec nice -n 19 afl-fuzz -i "$in" -o "$out" -m none -t 2000 -V "$time" \
    -- "$src/vmswatch" -q --workers 1 -c "$top/fuzz/site/vmswatch.conf" \
    -r @@

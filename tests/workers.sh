#!/bin/sh
# workers.sh - `-r --workers N` gives the output of one worker, byte for
# byte and in the same order: alerts (JSON and text), flow records, the
# coverage report, the learned draft and the summary's counters.  On a
# crafted capture made to be split badly (tests/mkworkers.c: scans and
# devices across pairs, GRE and VXLAN with the same flows natively,
# fragments, directions on two VLANs, stamps out of order, a stray stamp,
# expiry mid-capture), the bundled sample, and, when ../shared is there,
# the synthetic site and every real capture.
src=${VW_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
build=${VW_BUILDDIR:-$src}
bin=${VMSWATCH:-$build/vmswatch}
mk=${MKWORKERS:-$build/tests/mkworkers}
shared=${VW_SHARED:-$src/../shared}
for b in "$bin" "$mk"; do
	if [ ! -x "$b" ]; then
		echo "FAIL: $b not built"
		exit 99
	fi
done
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
fail=0
checks=0

if ! "$mk" "$tmp/w.pcap"; then
	echo "FAIL: mkworkers"
	exit 1
fi

# The summary's counters, without what depends on the run (times, rates,
# peaks, the workers line).
counters() {
	grep -Ev '^(elapsed|packets/s|flows_peak|dpi_time|dpi_pool|workers|workers_cpu) ' "$1"
}

# run CONF PCAP TAG N [options]: outputs in $tmp/TAG.N.*
run() {
	conf=$1 pcap=$2 tag=$3 n=$4
	shift 4
	"$bin" -c "$conf" -r "$pcap" --workers "$n" --format json \
	    --flows "$tmp/$tag.$n.flows" "$@" >"$tmp/$tag.$n.alerts" \
	    2>"$tmp/$tag.$n.err"
	echo $? >"$tmp/$tag.$n.rc"
	"$bin" -q -c "$conf" -r "$pcap" --workers "$n" --format text \
	    >"$tmp/$tag.$n.text" 2>/dev/null
}

# same TAG N: worker count N gave what 1 gave.
same() {
	tag=$1 n=$2
	checks=$((checks + 1))
	for f in rc alerts flows text; do
		if ! cmp -s "$tmp/$tag.1.$f" "$tmp/$tag.$n.$f"; then
			echo "FAIL: $tag: --workers $n: $f differs from 1 worker"
			diff "$tmp/$tag.1.$f" "$tmp/$tag.$n.$f" | head -n 6
			fail=1
			return
		fi
	done
	counters "$tmp/$tag.1.err" >"$tmp/c1"
	counters "$tmp/$tag.$n.err" >"$tmp/cn"
	if ! cmp -s "$tmp/c1" "$tmp/cn"; then
		echo "FAIL: $tag: --workers $n: summary counters differ"
		diff "$tmp/c1" "$tmp/cn" | head -n 6
		fail=1
	fi
}

# The crafted capture, with the report and the learned draft too.
for n in 1 2 3 4; do
	mkdir -p "$tmp/rep$n"
	run "$src/conf/sample.conf" "$tmp/w.pcap" w "$n" \
	    --report "$tmp/rep$n" --learn "$tmp/draft$n.conf"
done
rc=$(cat "$tmp/w.1.rc")
if [ "$rc" != 1 ]; then
	echo "FAIL: crafted capture: exit status $rc, expected 1 (violations)"
	cat "$tmp/w.1.err"
	fail=1
fi
nal=$(wc -l <"$tmp/w.1.alerts")
nfl=$(wc -l <"$tmp/w.1.flows")
# What the capture was made to hold: a scan, tunnels, fragments.
for want in '"scan"' 'orphan-fragment' 'tiny-fragment' 'cleartext' \
    'unknown-device'; do
	if ! grep -q -- "$want" "$tmp/w.1.alerts"; then
		echo "FAIL: crafted capture: no alert with $want"
		fail=1
	fi
done
if ! grep -q '"transport":"gre"\|"transport":"47"' "$tmp/w.1.flows"; then
	echo "FAIL: crafted capture: no GRE flow record"
	fail=1
fi
for n in 2 3 4; do
	same w "$n"
	checks=$((checks + 2))
	if ! cmp -s "$tmp/draft1.conf" "$tmp/draft$n.conf"; then
		echo "FAIL: crafted capture: --workers $n: learned draft differs"
		diff "$tmp/draft1.conf" "$tmp/draft$n.conf" | head -n 6
		fail=1
	fi
	for f in "$tmp/rep1"/report.*; do
		b=$(basename "$f")
		if ! cmp -s "$f" "$tmp/rep$n/$b"; then
			echo "FAIL: crafted capture: --workers $n: $b differs"
			diff "$f" "$tmp/rep$n/$b" | head -n 6
			fail=1
		fi
	done
done
# Every one of four workers had a share of the frames.
line=$(grep '^workers ' "$tmp/w.4.err")
echo "crafted capture: $nal alerts, $nfl flow records; $line"
if ! echo "$line" | grep -Eq '^workers +4: [1-9][0-9]*, [1-9][0-9]*, [1-9][0-9]*, [1-9][0-9]* packets$'; then
	echo "FAIL: crafted capture: not every worker analysed frames: $line"
	fail=1
fi

# The bundled sample.
for n in 1 2 4; do
	run "$src/conf/sample.conf" "$src/samples/sample.pcap" sample "$n"
done
same sample 2
same sample 4

# The automatic number of workers (no --workers, capture.workers 0): one
# per CPU, at most 8, and one per 128 MiB of input.  The sample (1 MB)
# is read by one, and so is a capture of 130 MiB (its frames holes in the
# file); two of them together by two, if there are two CPUs: the sizes
# add up.  --workers asks for a number whatever the size.
ncpu=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)
want=2
[ "$ncpu" -ge 2 ] 2>/dev/null || want=1
# auto TAG WANT FILE...: the run read FILE... with WANT workers.
auto() {
	atag=$1 awant=$2
	shift 2
	checks=$((checks + 1))
	for a in "$@"; do
		set -- "$@" -r "$a"
		shift
	done
	"$bin" -c "$src/conf/sample.conf" --flows /dev/null "$@" \
	    >/dev/null 2>"$tmp/$atag.err"
	agot=$(sed -n 's/^workers  *\([0-9][0-9]*\):.*/\1/p' \
	    "$tmp/$atag.err")
	if [ "${agot:-1}" != "$awant" ]; then
		echo "FAIL: $atag: read by ${agot:-1} workers, not $awant"
		fail=1
	fi
}
auto auto-sample 1 "$src/samples/sample.pcap"
if "$mk" -s 130 "$tmp/half1.pcap" && "$mk" -s 130 "$tmp/half2.pcap"; then
	auto auto-half 1 "$tmp/half1.pcap"
	auto auto-halves "$want" "$tmp/half1.pcap" "$tmp/half2.pcap"
	rm -f "$tmp/half1.pcap" "$tmp/half2.pcap"
else
	echo "FAIL: mkworkers -s"
	fail=1
fi
checks=$((checks + 1))
if ! grep -Eq '^workers +4: ' "$tmp/sample.4.err"; then
	echo "FAIL: --workers 4 on the sample: not read by 4 workers"
	fail=1
fi

# Inputs that once made several workers differ from one (found by
# tools/afl-pcap.sh --workers; fuzz/regress/workers/): negative-stamp.pcap
# has a record stamped before 1970, which wrapped packet time around, so
# that a flow ended at other frames with several workers than with one;
# tunnel-packets-two-workers.pcap has a frame whose tunnel and inner
# packet are two workers' and each gives a finding: the two came out in
# either order.
for f in "$src"/fuzz/regress/workers/*; do
	[ -f "$f" ] || continue
	tag=regress$(basename "$f" | tr -c 'a-z0-9\n' _)
	for n in 1 2 3 4; do
		run "$src/fuzz/site/vmswatch.conf" "$f" "$tag" "$n"
	done
	# After the runs: same() sets f, n and tag of its own.
	for n in 2 3 4; do
		same "$tag" "$n"
	done
done

# Files that fail among good ones (one missing, one cut short, one of a
# link type not analysed): every worker meets each failure at the same
# frame, and the first worker alone says so.
mkbroken=${MKBROKEN:-$build/tests/mkbroken}
if [ -x "$mkbroken" ]; then
	"$mkbroken" record-cut "$tmp/cut.cap" >/dev/null
	"$mkbroken" linktype-unknown "$tmp/lt.cap" >/dev/null
	for n in 1 3; do
		"$bin" -c "$src/conf/sample.conf" --workers $n \
		    -r "$src/samples/sample.pcap" -r "$tmp/missing.pcap" \
		    -r "$tmp/cut.cap" -r "$tmp/lt.cap" -r "$tmp/w.pcap" \
		    --flows - >"$tmp/bad.$n.out" 2>"$tmp/bad.$n.err"
		echo $? >"$tmp/bad.$n.rc"
		grep '^vmswatch: ' "$tmp/bad.$n.err" >"$tmp/bad.$n.msg"
	done
	checks=$((checks + 1))
	for f in rc out msg; do
		if ! cmp -s "$tmp/bad.1.$f" "$tmp/bad.3.$f"; then
			echo "FAIL: failing files: --workers 3: $f differs"
			diff "$tmp/bad.1.$f" "$tmp/bad.3.$f" | head -n 6
			fail=1
		fi
	done
	if [ "$(cat "$tmp/bad.3.rc")" != 2 ] ||
	    [ "$(wc -l <"$tmp/bad.3.msg")" -ne 3 ]; then
		echo "FAIL: failing files: want exit 2 and 3 messages, got" \
		    "$(cat "$tmp/bad.3.rc"):"
		cat "$tmp/bad.3.msg"
		fail=1
	fi
	if ! grep -q '^workers  *3: ' "$tmp/bad.3.err"; then
		echo "FAIL: failing files: not read by 3 workers"
		fail=1
	fi
else
	echo "note: $mkbroken not built: failing files not tested"
fi

# Standard input can be read once: one worker reads it, whatever --workers.
checks=$((checks + 1))
"$bin" -c "$src/conf/sample.conf" --workers 3 -r - --format json \
    --flows "$tmp/stdin.flows" <"$src/samples/sample.pcap" \
    >"$tmp/stdin.alerts" 2>"$tmp/stdin.err"
if ! cmp -s "$tmp/sample.1.alerts" "$tmp/stdin.alerts" ||
    ! cmp -s "$tmp/sample.1.flows" "$tmp/stdin.flows" ||
    grep -q '^workers ' "$tmp/stdin.err"; then
	echo "FAIL: -r - with --workers 3: not one worker's output"
	fail=1
fi

if [ -d "$shared/pcap" ]; then
	inv="$shared/pcap/synthetic/scenario-dev.inventory.json"
	if python3 "$src/tests/synthetic/inventory_from_json.py" "$inv" \
	    "$tmp/site.conf" 2>/dev/null; then
		printf 'inventory = "%s";\nrules = [ "%s" ];\npolicy = { enabled = [ "XP-RS-5432", "XP-FO-5432" ]; };\n' \
		    "$tmp/site.conf" "$src/rules/xprotect.conf" >"$tmp/syn.conf"
		for n in 1 3; do
			run "$tmp/syn.conf" \
			    "$shared/pcap/synthetic/scenario-dev.pcap" syn "$n"
		done
		same syn 3
	fi
	k=0
	for f in "$shared"/pcap/real/*.pcap "$shared"/pcap/real/*.pcapng \
	    "$shared"/pcap/real/*.cap; do
		[ -f "$f" ] || continue
		k=$((k + 1))
		for n in 1 2; do
			run "$src/conf/sample.conf" "$f" "real$k" "$n"
		done
		same "real$k" 2
	done
	echo "real captures: $k compared"
else
	echo "shared captures not found: synthetic site and real captures skipped"
fi

echo "$checks comparisons"
if [ $fail -ne 0 ]; then
	exit 1
fi
echo "PASS: one and several workers gave the same output"
exit 0

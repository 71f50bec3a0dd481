#!/bin/bash
# bench/run.sh - `make bench`: how fast vmswatch reads a capture, compared
# with a bare libpcap read of the same file (the floor).
#
# Environment (set by `make bench`):
#   VMSWATCH, MKCAMMIX, PCAPREAD   the built programs
#   VW_SRCDIR       source tree (default: this script's ..)
#   BENCH_DIR       where the captures go (default: a new /tmp directory)
#   BENCH_PACKETS   packets in the camera mix (default 3000000)
#   BENCH_KEEP=1    keep the generated captures
#   BENCH_REAL=1    also run the real-traffic mix of ../shared/bench
#
# Each program runs three times on one core, alternating with the floor;
# the table shows medians.  Packets/s is packets over wall-clock time of the
# whole run; "x floor" is how many times longer than the bare read it took.
# Exits 1 if a target is missed.
set -eu

: "${VMSWATCH:?VMSWATCH must name the vmswatch binary}"
: "${MKCAMMIX:?MKCAMMIX must name the mkcammix binary}"
: "${PCAPREAD:?PCAPREAD must name the pcapread binary}"

here=$(cd "$(dirname "$0")" && pwd)
srcdir=${VW_SRCDIR:-$(cd "$here/.." && pwd)}
packets=${BENCH_PACKETS:-3000000}
runs=3

if [ -n "${BENCH_DIR:-}" ]; then
	dir=$BENCH_DIR
	mkdir -p "$dir"
	owndir=0
else
	dir=$(mktemp -d /tmp/vmswatch-bench.XXXXXX)
	owndir=1
fi

# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
	[ "${BENCH_KEEP:-0}" = 1 ] && return 0
	rm -f "$dir/cammix.pcap" "$dir/real.pcap" "$dir/mkbench" \
	    "$dir"/run.*
	[ "$owndir" = 1 ] && rmdir "$dir" 2>/dev/null
	return 0
}
trap cleanup EXIT

# One core, if there is a second one to pin to.
pin=()
if command -v taskset >/dev/null 2>&1 && taskset -c 1 true 2>/dev/null; then
	pin=(taskset -c 1)
fi
if [ -x /usr/bin/time ]; then
	havetime=1
else
	havetime=0
	echo "note: /usr/bin/time not found: no peak memory figures" >&2
fi

# run OUT PROGRAM ARGS...: runs once; OUT.err gets the program's standard
# error, OUT.time "seconds peak-KiB" (peak "-" without /usr/bin/time).
run() {
	local out=$1 rc=0
	shift
	if [ "$havetime" = 1 ]; then
		"${pin[@]}" /usr/bin/time -f '%e %M' -o "$out.time" "$@" \
		    >/dev/null 2>"$out.err" || rc=$?
	else
		local TIMEFORMAT='%R -'
		{ time "${pin[@]}" "$@" >/dev/null 2>"$out.err" || rc=$?; } \
		    2>"$out.time"
	fi
	# vmswatch exits 1 when it found violations: a result, not a failure.
	if [ "$rc" != 0 ] && [ "$rc" != 1 ]; then
		echo "bench: $* failed (exit $rc):" >&2
		tail -n 20 "$out.err" >&2
		exit 1
	fi
	# /usr/bin/time prints "Command exited..." lines first on failure.
	tail -n 1 "$out.time" >"$out.t" && mv "$out.t" "$out.time"
}

median() {
	sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# field NAME FILE: the number after the word NAME in FILE, or "-".
field() {
	local v
	v=$(grep -oE "(^|[[:space:]])$1[[:space:]]+[0-9]+" "$2" | head -n 1 |
	    awk '{ print $2 }') || true
	echo "${v:--}"
}

# compare LABEL FILE: alternates floor and vmswatch runs on FILE and sets
# floor_pps, vw_pps, vw_x, vw_mib for the verdicts; prints the table.
compare() {
	local label=$1 file=$2 i npk fsec fmem vsec vmem flows vwpk
	for i in $(seq 1 $runs); do
		run "$dir/run.floor.$i" "$PCAPREAD" "$file"
		run "$dir/run.vw.$i" "$VMSWATCH" -r "$file" --flows /dev/null
	done
	npk=$(field packets "$dir/run.floor.1.err")
	if [ "$npk" = - ]; then
		echo "bench: cannot read the packet count of $file" >&2
		exit 1
	fi
	fsec=$(cat "$dir"/run.floor.*.time | awk '{ print $1 }' | median)
	vsec=$(cat "$dir"/run.vw.*.time | awk '{ print $1 }' | median)
	if [ "$havetime" = 1 ]; then
		fmem=$(cat "$dir"/run.floor.*.time | awk '{ print $2 }' | median)
		vmem=$(cat "$dir"/run.vw.*.time | awk '{ print $2 }' | median)
	else
		fmem=- vmem=-
	fi
	flows=$(field flows "$dir/run.vw.1.err")
	vwpk=$(field packets "$dir/run.vw.1.err")
	if [ "$vwpk" != - ] && [ "$vwpk" != "$npk" ]; then
		echo "warning: vmswatch counted $vwpk packets, the floor $npk" >&2
	fi
	read -r floor_pps vw_pps vw_x vw_mib <<EOF
$(awk -v n="$npk" -v f="$fsec" -v v="$vsec" -v m="$vmem" 'BEGIN {
	if (f < 0.001) f = 0.001; if (v < 0.001) v = 0.001;
	printf "%.0f %.0f %.2f %s\n", n / f, n / v, v / f,
	    m == "-" ? "-" : sprintf("%.0f", m / 1024) }')
EOF
	echo
	echo "$label: $npk packets, $(stat -c %s "$file") bytes," \
	    "median of $runs runs${pin[*]:+ (${pin[*]})}"
	awk -v n="$npk" -v fs="$fsec" -v fm="$fmem" -v vs="$vsec" \
	    -v vm="$vmem" -v fl="$flows" 'function row(name, s, m, x, fl) {
		if (s < 0.001) s = 0.001
		printf "  %-10s %12s %9.2f %9s %8s\n", name,
		    sprintf("%.0f", n / s), x,
		    m == "-" ? "-" : sprintf("%.0f", m / 1024), fl
	} BEGIN {
		printf "  %-10s %12s %9s %9s %8s\n", "program", "packets/s",
		    "x floor", "peak MiB", "flows"
		if (fs < 0.001) fs = 0.001
		if (vs < 0.001) vs = 0.001
		row("pcapread", fs, fm, 1, "-")
		row("vmswatch", vs, vm, vs / fs, fl)
	}'
	# The summary's dpi_time: how much of vmswatch's time nDPI takes.
	dsec=$(cat "$dir"/run.vw.*.err | awk '$1 == "dpi_time" { print $2 }' |
	    median)
	if [ -n "$dsec" ]; then
		awk -v d="$dsec" -v v="$vsec" -v f="$fsec" 'BEGIN {
		if (v < 0.001) v = 0.001; if (f < 0.001) f = 0.001
		printf "  inside nDPI: %.2f s, %.0f%% of the vmswatch run, " \
		    "%.2f x the floor\n", d, 100 * d / v, d / f }'
	fi
}

failed=0

# verdict TEXT OK: prints TEXT with PASS or FAIL.
verdict() {
	if [ "$2" = 1 ]; then
		echo "  PASS  $1"
	else
		echo "  FAIL  $1"
		failed=1
	fi
}

echo "generating the camera mix ($packets packets) in $dir"
"$MKCAMMIX" -n "$packets" -o "$dir/cammix.pcap"
compare "camera mix" "$dir/cammix.pcap"
ratio=$(awk -v a="$vw_pps" -v b="$floor_pps" 'BEGIN { printf "%.2f", a / b }')
verdict "vmswatch reads the camera mix at $ratio of a bare read (target >= 0.40)" \
    "$(awk -v r="$ratio" 'BEGIN { print (r >= 0.40) ? 1 : 0 }')"
rm -f "$dir"/run.*
[ "${BENCH_KEEP:-0}" = 1 ] || rm -f "$dir/cammix.pcap"

shared=$srcdir/../shared/bench
if [ "${BENCH_REAL:-0}" = 1 ]; then
	if [ ! -d "$shared" ]; then
		echo "BENCH_REAL=1 but $shared does not exist: real mix skipped" >&2
	else
		echo
		echo "building the real-traffic mix as $shared/README.md says"
		gcc -O2 -Wall -Wextra -o "$dir/mkbench" "$shared/mkbench.c" -lpcap
		# The README's command verbatim: its file order makes the
		# capture (and its checksum) reproducible.
		# shellcheck disable=SC2046,SC2010
		(cd "$shared/ndpi-pcaps" &&
		    "$dir/mkbench" -n 64 -s 600 -g 10 -S 42 -o "$dir/real.pcap" \
		    $(LC_ALL=C ls | grep -E '\.(pcap|pcapng|cap)$'))
		want=1332c5005d65ad2327301100b58f496366780ff4279fdf6ea8d12ca9beb62527
		got=$(sha256sum "$dir/real.pcap" | awk '{ print $1 }')
		if [ "$got" != "$want" ]; then
			echo "warning: real mix sha256 $got, README says $want" >&2
		fi
		compare "real-traffic mix" "$dir/real.pcap"
		verdict "$vw_pps packets/s (target >= 2500000)" \
		    "$(awk -v p="$vw_pps" 'BEGIN { print (p >= 2500000) ? 1 : 0 }')"
		verdict "$vw_x x the floor (target <= 5)" \
		    "$(awk -v x="$vw_x" 'BEGIN { print (x <= 5) ? 1 : 0 }')"
		if [ "$vw_mib" = - ]; then
			echo "  -     peak memory not measured (no /usr/bin/time)"
		else
			verdict "$vw_mib MiB peak (target <= 300)" \
			    "$(awk -v m="$vw_mib" 'BEGIN { print (m <= 300) ? 1 : 0 }')"
		fi
	fi
fi
exit $failed

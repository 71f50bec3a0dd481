#!/bin/bash
# bench/run.sh - `make bench`: how fast vmswatch reads a capture, paired in
# one run with the bare libpcap read of the same file (the floor), the DPI
# floor (../shared/bench/pcap_ndpi.c: the read, a bare flow table and nDPI
# 4.2 alone, compiled here when ../shared/bench is present), and vmswatch
# with one worker and with --workers N (when vmswatch has the option).
#
# Environment (set by `make bench`):
#   VMSWATCH, MKCAMMIX, PCAPREAD   the built programs
#   VW_SRCDIR       source tree (default: this script's ..)
#   BENCH_DIR       where the captures go (default: a new /tmp directory)
#   BENCH_PACKETS   packets in the camera mix (default 3000000)
#   BENCH_KEEP=1    keep the generated captures
#   BENCH_REAL=1    also run the real-traffic mix of ../shared/bench
#   BENCH_REAL_PCAP that capture, already built (or a prefix of it: the
#                   README's checksum is then not checked)
#   BENCH_WORKERS   N of --workers N (default: the number of CPUs)
#   BENCH_RUNS      runs per program (default 3)
#   BENCH_CG=1      also count instructions (valgrind callgrind, one run
#                   each of the DPI floor and vmswatch, on the first
#                   BENCH_CG_PACKETS packets, default 200000): the ratio
#                   that does not depend on the machine's load, and the
#                   share of vmswatch's instructions inside nDPI
#
# Each program runs BENCH_RUNS times on one core (--workers N on all),
# alternating with the others; the table shows medians.  Packets/s is
# packets over wall-clock time of the whole run; "x read" and "x DPI" are
# how many times longer than the bare read and the DPI floor it took.
# "inside nDPI" is the summary's dpi_time (a clock read around each call
# into nDPI) over the run's time.  Exits 1 if a target is missed.
set -eu

: "${VMSWATCH:?VMSWATCH must name the vmswatch binary}"
: "${MKCAMMIX:?MKCAMMIX must name the mkcammix binary}"
: "${PCAPREAD:?PCAPREAD must name the pcapread binary}"

here=$(cd "$(dirname "$0")" && pwd)
srcdir=${VW_SRCDIR:-$(cd "$here/.." && pwd)}
packets=${BENCH_PACKETS:-3000000}
runs=${BENCH_RUNS:-3}
workers=${BENCH_WORKERS:-$(nproc 2>/dev/null || echo 2)}
shared=$srcdir/../shared/bench

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
	    "$dir/pcap_ndpi" "$dir/cg.pcap" "$dir"/cg.out.* "$dir"/run.*
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
	local p=("${pin[@]}")
	[ "${unpinned:-0}" = 1 ] && p=()
	if [ "$havetime" = 1 ]; then
		"${p[@]}" /usr/bin/time -f '%e %M' -o "$out.time" "$@" \
		    >/dev/null 2>"$out.err" || rc=$?
	else
		local TIMEFORMAT='%R -'
		{ time "${p[@]}" "$@" >/dev/null 2>"$out.err" || rc=$?; } \
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

# The DPI floor, built from ../shared/bench when it is there.
ndpifloor=
if [ -f "$shared/pcap_ndpi.c" ]; then
	if gcc -O2 -o "$dir/pcap_ndpi" "$shared/pcap_ndpi.c" -lndpi -lpcap \
	    -lm 2>"$dir/run.gcc"; then
		ndpifloor=$dir/pcap_ndpi
	else
		echo "note: cannot build $shared/pcap_ndpi.c: no DPI floor" >&2
		cat "$dir/run.gcc" >&2
	fi
else
	echo "note: $shared not found: no DPI floor" >&2
fi
# --workers N, once vmswatch has it.
if "$VMSWATCH" --help 2>&1 | grep -q -- --workers; then
	hasworkers=1
else
	hasworkers=0
fi

# prog NAME: the command line of program NAME on capture $file.
prog() {
	case $1 in
	read)	echo "$PCAPREAD" "$file" ;;
	dpi)	echo "$ndpifloor" "$file" ;;
	vw1)	if [ "$hasworkers" = 1 ]; then
			echo "$VMSWATCH" --workers 1 -r "$file" --flows /dev/null
		else
			echo "$VMSWATCH" -r "$file" --flows /dev/null
		fi ;;
	vwN)	echo "$VMSWATCH" --workers "$workers" -r "$file" \
		    --flows /dev/null ;;
	esac
}

# sec NAME, mem NAME: median seconds and peak KiB of NAME's runs.
sec() {
	cat "$dir"/run."$1".*.time | awk '{ print $1 }' | median
}
mem() {
	cat "$dir"/run."$1".*.time | awk '{ print $2 }' | median
}

# compare LABEL FILE: alternates the programs on FILE, prints the table and
# sets read_s, dpi_s, vw_s, vw_mib ("-" when not measured) for the verdicts.
compare() {
	local label=$1 i p npk names=(read) row flows
	file=$2
	[ -n "$ndpifloor" ] && names+=(dpi)
	names+=(vw1)
	[ "$hasworkers" = 1 ] && names+=(vwN)
	for i in $(seq 1 "$runs"); do
		for p in "${names[@]}"; do
			# Workers on every core; the rest on one.
			unpinned=0
			[ "$p" = vwN ] && unpinned=1
			# shellcheck disable=SC2046 # prog prints words
			run "$dir/run.$p.$i" $(prog "$p")
		done
	done
	npk=$(field packets "$dir/run.read.1.err")
	if [ "$npk" = - ]; then
		echo "bench: cannot read the packet count of $file" >&2
		exit 1
	fi
	flows=$(field flows "$dir/run.vw1.1.err")
	vwpk=$(field packets "$dir/run.vw1.1.err")
	if [ "$vwpk" != - ] && [ "$vwpk" != "$npk" ]; then
		echo "warning: vmswatch counted $vwpk packets, the read $npk" >&2
	fi
	read_s=$(sec read)
	dpi_s=-
	[ -n "$ndpifloor" ] && dpi_s=$(sec dpi)
	vw_s=$(sec vw1)
	vw_mib=-
	[ "$havetime" = 1 ] &&
	    vw_mib=$(awk -v m="$(mem vw1)" 'BEGIN { printf "%.0f", m / 1024 }')
	echo
	echo "$label: $npk packets, $(stat -c %s "$file") bytes, $flows flows," \
	    "median of $runs runs${pin[*]:+ (${pin[*]}; --workers unpinned)}"
	printf '  %-22s %8s %12s %8s %8s %9s\n' program seconds packets/s \
	    "x read" "x DPI" "peak MiB"
	for p in read dpi vw1 vwN; do
		case $p in
		read)	row="pcapread (bare read)" ;;
		dpi)	row="pcap_ndpi (DPI floor)" ;;
		vw1)	row="vmswatch, 1 worker" ;;
		vwN)	row="vmswatch, $workers workers" ;;
		esac
		if [ "$p" = dpi ] && [ -z "$ndpifloor" ]; then
			printf '  %-22s %8s %12s %8s %8s %9s\n' "$row" n/a n/a \
			    n/a n/a n/a
			continue
		fi
		if [ "$p" = vwN ] && [ "$hasworkers" = 0 ]; then
			printf '  %-22s %8s %12s %8s %8s %9s\n' "$row" n/a n/a \
			    n/a n/a n/a
			continue
		fi
		awk -v name="$row" -v n="$npk" -v s="$(sec $p)" \
		    -v m="$([ "$havetime" = 1 ] && mem $p || echo -)" \
		    -v r="$read_s" -v d="$dpi_s" 'BEGIN {
			if (s < 0.001) s = 0.001; if (r < 0.001) r = 0.001
			xd = "n/a"
			if (d != "-")
				xd = sprintf("%.2f", s / (d < 0.001 ? 0.001 : d))
			mm = "-"
			if (m != "-")
				mm = sprintf("%.0f", m / 1024)
			printf "  %-22s %8.2f %12.0f %8.2f %8s %9s\n", name, s,
			    n / s, s / r, xd, mm }'
	done
	# The summary's dpi_time: how much of vmswatch's time nDPI takes.
	dsec=$(cat "$dir"/run.vw1.*.err | awk '$1 == "dpi_time" { print $2 }' |
	    median)
	if [ -n "$dsec" ]; then
		awk -v d="$dsec" -v v="$vw_s" -v f="$dpi_s" 'BEGIN {
		if (v < 0.001) v = 0.001
		printf "  inside nDPI (1 worker): %.2f s, %.0f%% of the run", d,
		    100 * d / v
		if (f != "-")
			printf "; outside nDPI %.2f s, the whole DPI floor " \
			    "run %.2f s", v - d, f
		printf "\n" }'
	fi
	vwn_s=-
	if [ "$hasworkers" = 1 ]; then
		vwn_s=$(sec vwN)
		scaling
	fi
	if [ "${BENCH_CG:-0}" = 1 ]; then
		instructions
	fi
}

# scaling: the N workers' run against one worker's, and a model of more
# cores from the first N-worker run's CPU times (its summary line
# workers_cpu): the merging thread's M and the workers' W in all, with one
# worker's wall time T1.  Every worker reads every frame, so each one
# costs a fixed part F (reading, keeping time, its own set-up) besides its
# share of the analysis: W = N F + (T1 - F), so F = (W - T1) / (N - 1).
# On c cores with c workers the run takes about F + (T1 - F + M) / c, and
# the speed-up tends to T1 / F.
scaling() {
	local line
	line=$(grep '^workers_cpu ' "$dir/run.vwN.1.err" || true)
	awk -v s="$vwn_s" -v t="$vw_s" -v n="$workers" -v line="$line" '
	BEGIN {
		if (t < 0.001) t = 0.001
		printf "  %d workers: %.2f x the time of 1 worker\n", n, s / t
		# "workers_cpu merge M s, workers a, b, ... s"
		k = split(line, f, /[ ,]+/)
		m = -1; w = 0
		for (i = 1; i <= k; i++) {
			if (f[i] == "merge") m = f[i + 1]
			if (f[i] == "workers") {
				for (j = i + 1; j <= k && f[j] != "s"; j++)
					w += f[j]
			}
		}
		if (m < 0 || w <= 0 || n < 2)
			exit
		fx = (w - t) / (n - 1)
		if (fx < 0) fx = 0
		printf "  CPU of the %d-worker run: merge %.2f s, workers " \
		    "%.2f s in all (%.2f x one worker'"'"'s run); each " \
		    "worker'"'"'s fixed part %.2f s\n", n, m, w, (m + w) / t, fx
		printf "  model, c cores and c workers (time / 1 worker):"
		for (c = 2; c <= 16; c *= 2)
			printf " %d: %.2f", c, (fx + (t - fx + m) / c) / t
		if (fx > 0)
			printf "; at most %.1f x faster\n", t / fx
		else
			printf "\n"
	}'
}

# instructions: callgrind counts on the first BENCH_CG_PACKETS packets of
# $file for the DPI floor and vmswatch, and nDPI's share of vmswatch's.
instructions() {
	local n=${BENCH_CG_PACKETS:-200000} di vi ni ri
	if ! command -v valgrind >/dev/null 2>&1; then
		echo "  instructions: valgrind not found"
		return 0
	fi
	python3 - "$file" "$dir/cg.pcap" "$n" <<'PY'
import struct, sys
src, dst, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
with open(src, "rb") as f, open(dst, "wb") as o:
    gh = f.read(24)
    o.write(gh)
    e = "<" if gh[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    for _ in range(n):
        h = f.read(16)
        if len(h) < 16:
            break
        o.write(h)
        o.write(f.read(struct.unpack(e + "I", h[8:12])[0]))
PY
	total() {
		awk '$1 == "summary:" || $1 == "totals:" { print $2; exit }' "$1"
	}
	vi=- di=- ni=- ri=-
	# One worker: the pipeline's own cost, on the thread that reads.
	valgrind --tool=callgrind --callgrind-out-file="$dir/cg.out.vw" \
	    "$VMSWATCH" $([ "$hasworkers" = 1 ] && echo --workers 1) \
	    -r "$dir/cg.pcap" --flows /dev/null >/dev/null 2>&1 || true
	vi=$(total "$dir/cg.out.vw")
	ni=$(callgrind_annotate --inclusive=yes "$dir/cg.out.vw" 2>/dev/null |
	    awk '/ndpi_detection_process_packet/ { gsub(",", "", $1); print $1;
	    exit }')
	valgrind --tool=callgrind --callgrind-out-file="$dir/cg.out.read" \
	    "$PCAPREAD" "$dir/cg.pcap" >/dev/null 2>&1 || true
	ri=$(total "$dir/cg.out.read")
	if [ -n "$ndpifloor" ]; then
		valgrind --tool=callgrind --callgrind-out-file="$dir/cg.out.dpi" \
		    "$ndpifloor" "$dir/cg.pcap" >/dev/null 2>&1 || true
		di=$(total "$dir/cg.out.dpi")
	fi
	awk -v n="$n" -v v="${vi:--}" -v f="${di:--}" -v d="${ni:-0}" \
	    -v r="${ri:--}" 'BEGIN {
		if (v == "-" || v == 0) {
			print "  instructions: callgrind failed"
			exit
		}
		printf "  instructions (callgrind, first %d packets): vmswatch " \
		    "%.0f M, %.0f%% inside nDPI", n, v / 1e6, 100 * d / v
		if (r != "-" && r > 0)
			printf "; bare read %.0f M: %.2f x", r / 1e6, v / r
		if (f != "-" && f > 0)
			printf "; DPI floor %.0f M: %.2f x", f / 1e6, v / f
		printf "\n" }'
	rm -f "$dir/cg.pcap" "$dir"/cg.out.*
}

failed=0

# cores: how much the machine's cores give at once.  A loop of additions
# on 1 and on N threads, each thread the same work: on N free cores the
# N threads take as long as one; on a virtual machine whose CPUs share
# physical cores (or a host), longer.  The N-worker target assumes the
# first; this says what the machine can give.
cores() {
	local src=$dir/cores.c bin=$dir/cores t1 tn
	cat >"$src" <<'C'
#include <pthread.h>
#include <stdlib.h>
static void *
loop(void *a)
{
	volatile unsigned long x = 0;
	unsigned long i;

	for (i = 0; i < 400000000UL; i++)
		x += i;
	return a;
}
int
main(int argc, char *argv[])
{
	pthread_t t[64];
	int i, n = argc > 1 ? atoi(argv[1]) : 1;

	for (i = 0; i < n && i < 64; i++)
		pthread_create(&t[i], NULL, loop, NULL);
	for (i = 0; i < n && i < 64; i++)
		pthread_join(t[i], NULL);
	return 0;
}
C
	if ! gcc -O1 -pthread -o "$bin" "$src" 2>/dev/null; then
		return 0
	fi
	t1=$( { /usr/bin/time -f %e "$bin" 1 >/dev/null; } 2>&1 | tail -n 1)
	tn=$( { /usr/bin/time -f %e "$bin" "$workers" >/dev/null; } 2>&1 |
	    tail -n 1)
	awk -v a="$t1" -v b="$tn" -v n="$workers" 'BEGIN {
		if (a < 0.001) a = 0.001
		printf "machine: %d threads of a loop take %.2f x the time of one" \
		    " (%.1f cores of throughput)\n", n, b / a, n * a / (b < 0.001 ? 0.001 : b) }'
}

# verdict TEXT OK: prints TEXT with PASS or FAIL.
verdict() {
	if [ "$2" = 1 ]; then
		echo "  PASS  $1"
	else
		echo "  FAIL  $1"
		failed=1
	fi
}

# within NAME LIMIT A B: verdict that A is at most LIMIT times B.
within() {
	local x
	if [ "$3" = - ] || [ "$4" = - ]; then
		echo "  -     $1: not measured"
		return 0
	fi
	x=$(awk -v a="$3" -v b="$4" 'BEGIN { if (b < 0.001) b = 0.001
	    printf "%.2f", a / b }')
	verdict "$1: $x x (target <= $2)" \
	    "$(awk -v x="$x" -v l="$2" 'BEGIN { print (x <= l) ? 1 : 0 }')"
}

memory() {
	if [ "$vw_mib" = - ]; then
		echo "  -     peak memory not measured (no /usr/bin/time)"
	else
		verdict "vmswatch, 1 worker: $vw_mib MiB peak (target <= 300)" \
		    "$(awk -v m="$vw_mib" 'BEGIN { print (m <= 300) ? 1 : 0 }')"
	fi
}

[ "$havetime" = 1 ] && cores
echo "generating the camera mix ($packets packets) in $dir"
"$MKCAMMIX" -n "$packets" -o "$dir/cammix.pcap"
compare "camera mix" "$dir/cammix.pcap"
within "vmswatch, 1 worker, against the bare read" 1.4 "$vw_s" "$read_s"
memory
rm -f "$dir"/run.*
[ "${BENCH_KEEP:-0}" = 1 ] || rm -f "$dir/cammix.pcap"

if [ "${BENCH_REAL:-0}" = 1 ] && [ -n "${BENCH_REAL_PCAP:-}" ]; then
	echo
	compare "real-traffic mix ($BENCH_REAL_PCAP)" "$BENCH_REAL_PCAP"
	within "vmswatch, 1 worker, against the DPI floor" 1.10 "$vw_s" "$dpi_s"
	[ "$workers" = 2 ] && within \
	    "vmswatch, 2 workers, against 1 worker" 0.58 "$vwn_s" "$vw_s"
	memory
elif [ "${BENCH_REAL:-0}" = 1 ]; then
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
		within "vmswatch, 1 worker, against the DPI floor" 1.10 \
		    "$vw_s" "$dpi_s"
		[ "$workers" = 2 ] && within \
		    "vmswatch, 2 workers, against 1 worker" 0.58 "$vwn_s" "$vw_s"
		memory
	fi
fi
exit $failed

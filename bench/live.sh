#!/bin/bash
# bench/live.sh - how fast the sensor captures without loss: a camera mix
# from tools/mkcammix is replayed through a veth pair between two network
# namespaces of this script's own, at increasing rates (tcpreplay --pps,
# then --topspeed), into vmswatch with 1 and then 2 workers.  After each
# step a SIGUSR1 stats line gives the kernel drops; the table shows, per
# step, the rate asked for, the rate tcpreplay reached, frames sent and
# captured, and drops.  The result is the highest rate reached with zero
# kernel drops for each worker count, and their ratio.  The cpu column is
# the CPU time vmswatch used during the step over its length (100 = one
# core busy): when the generator, not vmswatch, is the limit (tcpreplay and
# the veth delivery share the machine's cores), reached/cpu*100 estimates
# what the workers could take.
#
# Run as root, beside `make bench`:
#   VMSWATCH=./vmswatch MKCAMMIX=tools/mkcammix bench/live.sh
# Environment:
#   BENCH_PACKETS   packets in the mix (default 300000)
#   BENCH_SECS      seconds per step (default 2)
#   BENCH_RATES     rates in packets/s (default: 25k to 1.6M, doubling)
#   BENCH_WORKERS   worker counts to measure (default "1 2")
# Nothing is sent outside the two namespaces; they are removed on exit.
set -u

here=$(cd "$(dirname "$0")" && pwd)
srcdir=${VW_SRCDIR:-$(cd "$here/.." && pwd)}
bin=${VMSWATCH:-$srcdir/vmswatch}
mkcammix=${MKCAMMIX:-$srcdir/tools/mkcammix}
packets=${BENCH_PACKETS:-300000}
secs=${BENCH_SECS:-2}
rates=${BENCH_RATES:-25000 50000 100000 200000 400000 800000 1600000}
workers_list=${BENCH_WORKERS:-1 2}

[ "$(id -u)" = 0 ] || { echo "live.sh: needs root" >&2; exit 2; }
for t in ip tcpreplay; do
	command -v $t >/dev/null || { echo "live.sh: $t missing (tools/deps.sh)" >&2; exit 2; }
done
[ -x "$mkcammix" ] || { echo "live.sh: build $mkcammix first (make tools/mkcammix)" >&2; exit 2; }

nsa=vwbcap$$ nsb=vwbgen$$ ifa=vwbc$$ ifb=vwbg$$
tmp=$(mktemp -d /tmp/vmswatch-live.XXXXXX)
pid=''
cleanup() {
	[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null
	ip netns del $nsa 2>/dev/null
	ip netns del $nsb 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

"$mkcammix" -n "$packets" -o "$tmp/mix.pcap" >/dev/null 2>&1 || exit 2
ip netns add $nsa && ip netns add $nsb || exit 2
for ns in $nsa $nsb; do
	ip netns exec $ns sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
	    net.ipv6.conf.default.disable_ipv6=1
done
ip link add $ifa netns $nsa type veth peer name $ifb netns $nsb || exit 2
ip -n $nsa link set $ifa up && ip -n $nsb link set $ifb up || exit 2
chmod 755 "$tmp"

# stats: the latest SIGUSR1 line as "analysed kernel-drops".
stats() {
	local n
	n=$(grep -c "stats: received" "$tmp/err")
	kill -USR1 "$pid"
	for _ in $(seq 50); do
		[ "$(grep -c "stats: received" "$tmp/err")" -gt "$n" ] && break
		sleep 0.1
	done
	grep "stats: received" "$tmp/err" | tail -1 |
	    sed -n 's/.* analysed \([0-9]*\) + drops kernel \([0-9]*\).*/\1 \2/p'
}

# cputicks: user + system clock ticks of vmswatch so far.
cputicks() {
	awk '{ print $14 + $15 }' "/proc/$pid/stat"
}
hz=$(getconf CLK_TCK)

declare -A best
echo "workers  target_pps  reached_pps      sent  captured  kernel_drops  cpu%"
for w in $workers_list; do
	cat > "$tmp/live.conf" <<EOF
inventory = "$srcdir/conf/sample-site.conf";
rules = [ "$srcdir/rules/xprotect.conf" ];
capture = { workers = $w; buffer_mb = 32; };
daemon = { user = "nobody"; stats_interval = 0; };
EOF
	: > "$tmp/err"
	ip netns exec $nsa "$bin" -f -c "$tmp/live.conf" -i $ifa > /dev/null 2> "$tmp/err" &
	pid=$!
	for _ in $(seq 100); do
		grep -q "capturing on" "$tmp/err" && break
		sleep 0.1
	done
	best[$w]=0
	for r in $rates top; do
		read -r p0 d0 < <(stats)
		c0=$(cputicks)
		t0=$(date +%s.%N)
		if [ "$r" = top ]; then
			opt=(--topspeed --limit="$packets")
		else
			opt=(--pps="$r" --limit=$((r * secs)) --loop=0)
		fi
		out=$(ip netns exec $nsb tcpreplay "${opt[@]}" -i $ifb "$tmp/mix.pcap" 2>&1)
		sent=$(echo "$out" | sed -n 's/.*Successful packets: *\([0-9]*\).*/\1/p')
		pps=$(echo "$out" | sed -n 's/.*Rated:.*, \([0-9.]*\) pps.*/\1/p' | cut -d. -f1)
		cpu=$(awk -v c="$(( $(cputicks) - c0 ))" -v hz="$hz" -v t0="$t0" \
		    -v t1="$(date +%s.%N)" 'BEGIN { printf "%.0f", 100 * c / hz / (t1 - t0) }')
		# The last ring blocks are handed over after timeout_ms.
		sleep 0.5
		read -r p1 d1 < <(stats)
		drops=$((d1 - d0))
		printf "%7s  %10s  %11s  %8s  %8s  %12s  %4s\n" "$w" "$r" "${pps:-?}" \
		    "${sent:-?}" $((p1 - p0)) "$drops" "$cpu"
		if [ "$drops" -eq 0 ] && [ "${pps:-0}" -gt "${best[$w]}" ]; then
			best[$w]=$pps
		fi
	done
	kill -TERM "$pid"
	wait "$pid"
	pid=''
done
for w in $workers_list; do
	echo "workers $w: highest rate with zero kernel drops ${best[$w]} pps"
done
if [ -n "${best[1]:-}" ] && [ -n "${best[2]:-}" ] && [ "${best[1]}" -gt 0 ]; then
	awk -v a="${best[1]}" -v b="${best[2]}" \
	    'BEGIN { printf "2 workers / 1 worker: %.2fx\n", b / a }'
fi

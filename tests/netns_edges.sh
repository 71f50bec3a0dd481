#!/bin/sh
# netns_edges.sh - the sensor at its edges, on a veth pair between two
# network namespaces of this test's own (vmswatch captures on one end over
# 2 workers, tcpreplay plays into the other).  Checked:
#   stop     one frame replayed, SIGTERM at once (well inside the ring
#            block's timeout): the frame is analysed and its alert comes
#            out, in every one of several runs; the exit line counts
#            received 1 = analysed 1, nothing dropped or left;
#   account  a replay at full speed into 1 MB rings while the sensor is
#            stopped (SIGSTOP) for a second: the kernel drops, and the
#            stats line (SIGUSR1, per worker and in total) and the exit
#            line add up: received = analysed + drops kernel + own +
#            in ring, with nothing in the ring once the link is quiet,
#            the workers summing to the total, and the received total
#            equal to what tcpreplay sent;
#   busy     SIGTERM in the middle of a full-speed replay: nothing is
#            left over as an own drop (the kernel takes no more frames
#            for the sensor once it stops);
#   own      frames the sensor cannot take are counted, not lost from
#            sight: on the loopback interface the kernel counts the
#            outgoing copy of each frame, which libpcap discards; at the
#            stop the drain waits for them in vain and counts them as its
#            own drops (received 2N = analysed N + own N);
#   fds      a sensor started with descriptors of its parent open (and
#            standard input closed) keeps none of them: /proc/PID/fd has
#            no inherited file, and 0 is /dev/null.
# Nothing is sent outside the two namespaces.  Exit 77 (skipped) without
# root, `ip netns`, tcpreplay or python3.
set -u
src=${VW_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
bin=${VMSWATCH:-$src/vmswatch}
sample="$src/samples/sample.pcap"
PATH=$PATH:/usr/sbin:/sbin

skip() { echo "netns_edges.sh: skipped: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "needs root (network namespaces, AF_PACKET)"
for t in ip tcpreplay python3; do
	command -v $t >/dev/null 2>&1 || skip "$t is not installed (tools/deps.sh)"
done
getent passwd nobody >/dev/null || skip "no user nobody"
nsa=vwea$$ nsb=vweb$$ ifa=vwea$$ ifb=vweb$$
ip netns add $nsa 2>/dev/null || skip "ip netns add does not work here"

tmp=$(mktemp -d)
pid='' rpid=''
cleanup() {
	[ -n "$pid" ] && kill -CONT "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null
	[ -n "$rpid" ] && kill "$rpid" 2>/dev/null
	ip netns del $nsa 2>/dev/null
	ip netns del $nsb 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
pass=0 fail=0
ok() { pass=$((pass + 1)); }
ko() { echo "FAIL: $*"; fail=$((fail + 1)); }

ip netns add $nsb || exit 1
for ns in $nsa $nsb; do
	# No IPv6 autoconfiguration chatter: only the replayed frames.
	ip netns exec $ns sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
	    net.ipv6.conf.default.disable_ipv6=1 || exit 1
done
ip link add $ifa netns $nsa type veth peer name $ifb netns $nsb || exit 1
ip -n $nsa link set $ifa up && ip -n $nsb link set $ifb up || exit 1
chmod 755 "$tmp"

# The default block timeout (100 ms): a frame waits in the open ring
# block that long before the kernel hands the block over.  1 MB rings,
# so that a stopped sensor makes the kernel drop.
cat > "$tmp/edges.conf" <<EOF
inventory = "$src/conf/sample-site.conf";
rules = [ "$src/rules/xprotect.conf" ];
capture = { workers = 2; buffer_mb = 1; timeout_ms = 100; };
daemon = { user = "nobody"; stats_interval = 0; };
EOF
chmod 644 "$tmp/edges.conf"

# waitfor FILE PATTERN SECONDS: 0 once a line of FILE matches.
waitfor() {
	i=0
	while [ $i -lt $(($3 * 10)) ]; do
		grep -q "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
# waitexit: waits (10 s at most) for the sensor $pid to end; its status
# in rc (137 if it had to be killed).
waitexit() {
	i=0
	while kill -0 $pid 2>/dev/null && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	kill -9 $pid 2>/dev/null
	wait $pid
	rc=$?
	pid=''
}
# sensor NAME: the sensor on $ifa, JSON alerts on stdout, into
# $tmp/NAME.out and $tmp/NAME.err; its pid in pid, once it captures.
sensor() {
	sn=$1
	ip netns exec $nsa "$bin" -f -c "$tmp/edges.conf" -i $ifa \
	    --format json > "$tmp/$sn.out" 2> "$tmp/$sn.err" &
	pid=$!
	waitfor "$tmp/$sn.err" "capturing on" 10 || ko "$sn: no start: $(cat "$tmp/$sn.err")"
}
# counts LINE: the counters of a stats line as "received analysed
# kernel own ring interface", empty if the line does not have them.
counts() {
	echo "$1" | sed -n 's/.*received \([0-9]*\) = analysed \([0-9]*\) + drops kernel \([0-9]*\) own \([0-9]*\) + in ring \(-*[0-9]*\); interface drops \([0-9]*\).*/\1 \2 \3 \4 \5 \6/p'
}
# addsup WHAT LINE RING: the counters of LINE add up, with RING frames
# in the ring ("any": as many as the line says, but never fewer than 0).
addsup() {
	al=$2
	set -- "$1" "$3" $(counts "$2")
	if [ $# -ne 8 ]; then
		ko "$1: no counters in '$(echo "$al" | cut -c1-200)'"
		return 1
	fi
	[ "$3" -eq $(($4 + $5 + $6 + $7)) ] && ok ||
	    ko "$1: received $3 != analysed $4 + kernel $5 + own $6 + in ring $7"
	if [ "$2" = any ]; then
		[ "$7" -ge 0 ] && ok || ko "$1: in ring $7"
	else
		[ "$7" -eq "$2" ] && ok || ko "$1: in ring $7, $2 expected"
	fi
}

# --- stop: one frame, SIGTERM at once.
# The first SYN to the SQL server's port: alone, an undocumented flow.
python3 - "$sample" "$tmp/one.pcap" <<'PY' || exit 1
import struct, sys
d = open(sys.argv[1], "rb").read()
off = 24
while off + 16 <= len(d):
    cl = struct.unpack("<I", d[off + 8:off + 12])[0]
    f = d[off + 16:off + 16 + cl]
    ihl = (f[14] & 15) * 4 if len(f) > 14 else 0
    if (f[12:14] == b"\x08\x00" and f[23] == 6 and
            struct.unpack(">H", f[14 + ihl + 2:14 + ihl + 4])[0] == 1433 and
            f[14 + ihl + 13] & 0x12 == 0x02):
        open(sys.argv[2], "wb").write(d[:24] + d[off:off + 16 + cl])
        sys.exit(0)
    off += 16 + cl
sys.exit(1)
PY
"$bin" -c "$tmp/edges.conf" -r "$tmp/one.pcap" --format json \
    > "$tmp/one.json" 2>/dev/null
grep -q '"undocumented-flow"' "$tmp/one.json" ||
    { echo "FAIL: the frame alone gives no alert offline"; exit 1; }
runs=5
for r in $(seq 1 $runs); do
	sensor stop$r
	ip netns exec $nsb tcpreplay -q -i $ifb "$tmp/one.pcap" > "$tmp/replay.log" 2>&1 ||
	    ko "tcpreplay: $(cat "$tmp/replay.log")"
	kill -TERM $pid
	waitexit
	[ $rc -eq 0 ] && ok || ko "stop $r: exit status $rc"
	line=$(grep "stats at exit: received" "$tmp/stop$r.err")
	echo "netns_edges.sh: stop $r: $(counts "$line" |
	    awk '{ printf "received %s analysed %s drops kernel %s own %s", $1, $2, $3, $4 }')"
	set -- $(counts "$line")
	[ "${1:-}" = 1 ] && [ "${2:-}" = 1 ] && ok ||
	    ko "stop $r: the frame was not analysed: $line"
	addsup "stop $r" "$line" 0
	[ "$(grep -c '"undocumented-flow"' "$tmp/stop$r.out")" = 1 ] && ok ||
	    ko "stop $r: no alert for the frame: $(cat "$tmp/stop$r.out")"
done

# --- account: a full-speed replay, the sensor stopped for a second in
# the middle of it.
sensor account
# The sample over and over for 3 s, as fast as it goes.
ip netns exec $nsb tcpreplay -t --loop=0 --duration=3 -i $ifb "$sample" \
    > "$tmp/replay.log" 2>&1 &
rpid=$!
sleep 0.5
kill -STOP $pid
sleep 1
kill -CONT $pid
# A stats line while frames still come: it adds up with what is in the
# ring.
kill -USR1 $pid
waitfor "$tmp/account.err" "stats: received" 5 || ko "account: no stats line on SIGUSR1"
kill -0 $rpid 2>/dev/null && ok || ko "account: the replay ended before the stats line"
addsup "account, during the replay" "$(grep 'stats: received' "$tmp/account.err" | tail -1)" any
wait $rpid
rpid=''
sent=$(sed -n 's/.*Actual: \([0-9]*\) packets.*/\1/p' "$tmp/replay.log")
failed=$(sed -n 's/.*Failed packets: *\([0-9]*\).*/\1/p' "$tmp/replay.log")
secs=$(sed -n 's/.*Actual: .* sent in \([0-9.]*\) seconds.*/\1/p' "$tmp/replay.log")
# The link is quiet: two block timeouts and every block is handed over.
sleep 0.5
n=$(grep -c "stats: received" "$tmp/account.err")
kill -USR1 $pid
i=0
while [ "$(grep -c "stats: received" "$tmp/account.err")" = "$n" ] && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
line=$(grep "stats: received" "$tmp/account.err" | tail -1)
addsup "account, quiet" "$line" 0
set -- $(counts "$line")
echo "netns_edges.sh: account: sent ${sent:-?} in ${secs:-?} s (failed ${failed:-?}), received ${1:-?} = analysed ${2:-?} + drops kernel ${3:-?} own ${4:-?}; interface drops ${6:-?}"
[ "${3:-0}" -gt 0 ] && ok || ko "account: no kernel drops while the sensor was stopped: $line"
[ "${1:-}" = "${sent:-x}" ] && ok || ko "account: received ${1:-?}, tcpreplay sent ${sent:-?}"
# Per worker: each adds up, and together they make the total.
rt=${1:-0} at=${2:-0} kt=${3:-0}
sr=0 sa=0 sk=0
for w in 0 1; do
	wl=$(grep "stats: worker $w: received" "$tmp/account.err" | tail -1)
	addsup "account, worker $w" "$wl" 0
	set -- $(counts "$wl") 0 0 0
	sr=$((sr + $1)) sa=$((sa + $2)) sk=$((sk + $3))
done
[ "$sr $sa $sk" = "$rt $at $kt" ] && ok ||
    ko "account: workers sum to received $sr analysed $sa kernel $sk, total $rt $at $kt"
kill -TERM $pid
waitexit
[ $rc -eq 0 ] && ok || ko "account: exit status $rc"
line=$(grep "stats at exit: received" "$tmp/account.err")
addsup "account, at exit" "$line" 0
set -- $(counts "$line")
[ "${1:-}" = "$rt" ] && [ "${4:-}" = 0 ] && ok ||
    ko "account: at exit received ${1:-?} (before $rt), own ${4:-?}"

# --- busy: SIGTERM in the middle of a full-speed replay.  From the stop
# on the kernel takes no more frames for the sensor, so the drain takes
# all it had: nothing is left over as an own drop.
sensor busy
ip netns exec $nsb tcpreplay -t --loop=0 --duration=4 -i $ifb "$sample" \
    > "$tmp/replay.log" 2>&1 &
rpid=$!
sleep 1
# The stop comes while the replay runs (a slow build may take longer to
# drain and exit than the replay lasts: that is checked below).
kill -0 $rpid 2>/dev/null && ok || ko "busy: the replay ended before the stop"
kill -TERM $pid
waitexit
wait $rpid
rpid=''
[ $rc -eq 0 ] && ok || ko "busy: exit status $rc"
line=$(grep "stats at exit: received" "$tmp/busy.err")
addsup "busy, at exit" "$line" 0
set -- $(counts "$line")
echo "netns_edges.sh: busy: received ${1:-?} = analysed ${2:-?} + drops kernel ${3:-?} own ${4:-?}"
[ "${4:-}" = 0 ] && ok || ko "busy: own drops at a stop under traffic: $line"

# --- own: N datagrams from 127.0.0.1 to itself on the loopback
# interface of the sensor's namespace (a frame each, seen going out and
# coming in).
ip -n $nsa link set lo up || exit 1
cat > "$tmp/lo.conf" <<EOF
capture = { workers = 2; buffer_mb = 1; timeout_ms = 100; };
daemon = { user = "nobody"; stats_interval = 0; };
EOF
chmod 644 "$tmp/lo.conf"
ip netns exec $nsa "$bin" -f -c "$tmp/lo.conf" -i lo --format json \
    > "$tmp/own.out" 2> "$tmp/own.err" &
pid=$!
waitfor "$tmp/own.err" "capturing on" 10 || ko "own: no start: $(cat "$tmp/own.err")"
ndg=5
ip netns exec $nsa python3 - $ndg <<'PY' || ko "own: cannot send on lo"
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
for i in range(int(sys.argv[1])):
    s.sendto(b"vmswatch", s.getsockname())
    s.recv(64)
PY
# Quiet: the copies libpcap discarded are in the ring for good.
sleep 0.5
kill -USR1 $pid
waitfor "$tmp/own.err" "stats: received" 5 || ko "own: no stats line on SIGUSR1"
addsup "own, quiet" "$(grep 'stats: received' "$tmp/own.err" | tail -1)" $ndg
kill -TERM $pid
waitexit
[ $rc -eq 0 ] && ok || ko "own: exit status $rc"
line=$(grep "stats at exit: received" "$tmp/own.err")
addsup "own, at exit" "$line" 0
set -- $(counts "$line")
echo "netns_edges.sh: own: received ${1:-?} = analysed ${2:-?} + drops kernel ${3:-?} own ${4:-?}"
[ "${1:-} ${2:-} ${4:-}" = "$((2 * ndg)) $ndg $ndg" ] && ok ||
    ko "own: received 2 x $ndg = analysed $ndg + own $ndg expected: $line"

# --- fds: descriptors of the parent (3 and 7 to a file of the test's, 8
# to a pipe), standard input closed.
: > "$tmp/inherited"
mkfifo "$tmp/fifo"
exec 9<>"$tmp/fifo"
ip netns exec $nsa sh -c 'exec "$@" <&-' sh "$bin" -f -c "$tmp/edges.conf" \
    -i $ifa --format json 3>"$tmp/inherited" 7>>"$tmp/inherited" 8<&9 \
    > "$tmp/fds.out" 2> "$tmp/fds.err" &
pid=$!
exec 9<&-
waitfor "$tmp/fds.err" "capturing on" 10 || ko "fds: no start: $(cat "$tmp/fds.err")"
ls -l /proc/$pid/fd > "$tmp/fds.list" 2>&1
kept=$(for f in /proc/$pid/fd/*; do
	t=$(readlink "$f")
	case $t in
	"$tmp/inherited"|"$tmp/fifo") echo "${f##*/} -> $t" ;;
	esac
done)
[ -z "$kept" ] && ok || ko "fds: inherited descriptors kept: $kept"
[ "$(readlink /proc/$pid/fd/0)" = /dev/null ] && ok ||
    ko "fds: standard input is $(readlink /proc/$pid/fd/0)"
kill -TERM $pid
waitexit
[ $rc -eq 0 ] && ok || ko "fds: exit status $rc"

if [ $fail -ne 0 ]; then
	echo "--- descriptors of the fds phase"
	cat "$tmp/fds.list"
	echo "--- vmswatch diagnostics (account)"
	cat "$tmp/account.err"
fi
echo "netns_edges.sh: $pass passed, $fail failed"
[ $fail -eq 0 ]

#!/bin/sh
# netns.sh - the sensor on real kernel paths: two network namespaces of
# this test's own joined by a veth pair; vmswatch captures on one end
# (AF_PACKET ring, fanout over 2 workers, privilege drop), tcpreplay plays
# the bundled sample into the other.  Checked:
#   - the process runs as the unprivileged user with no capability left;
#   - systemd notifications (READY, RELOADING, STOPPING) reach the socket;
#   - the alerts of the live run are those of the offline run of the same
#     capture, and each flow is seen once over 2 workers (same flow count,
#     both workers busy, no drops);
#   - SIGHUP with a broken rules file keeps the rules in force (the
#     undocumented-flow alert still comes), with a good one applies them
#     (a site rule documents the flow: its alert no longer comes);
#   - SIGTERM ends open flows and flushes: repeat summaries, exit 0.
# Nothing is sent outside the two namespaces.  Exit 77 (skipped) without
# root, `ip netns`, tcpreplay or python3.
set -u
src=${VW_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
bin=${VMSWATCH:-$src/vmswatch}
sample="$src/samples/sample.pcap"

skip() { echo "netns.sh: skipped: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "needs root (network namespaces, AF_PACKET)"
for t in ip tcpreplay tcprewrite python3; do
	command -v $t >/dev/null 2>&1 || skip "$t is not installed (tools/deps.sh)"
done
[ -f "$src/conf/sample-site.conf" ] || skip "no conf/sample-site.conf"
getent passwd nobody >/dev/null || skip "no user nobody"
nsa=vwcap$$ nsb=vwgen$$ ifa=vwc$$ ifb=vwg$$
ip netns add $nsa 2>/dev/null || skip "ip netns add does not work here"

tmp=$(mktemp -d)
pid='' npid=''
cleanup() {
	[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null
	[ -n "$npid" ] && kill "$npid" 2>/dev/null
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

# The daemon reads its files again on SIGHUP as nobody.
chmod 755 "$tmp"
cat > "$tmp/live.conf" <<EOF
inventory = "$src/conf/sample-site.conf";
rules = [ "$src/rules/xprotect.conf" ];
flow = { max_flows = 16384; };
dpi = { max_flows = 4096; };
# One-second windows: each replay below opens new ones.
alert = { window = 1; };
capture = { workers = 2; buffer_mb = 4; timeout_ms = 20; };
daemon = { user = "nobody"; stats_interval = 0; };
EOF
chmod 644 "$tmp/live.conf"

# The offline run of the same capture and configuration: the reference.
"$bin" -c "$tmp/live.conf" -r "$sample" --format json > "$tmp/off.json" \
    2> "$tmp/off.err"
offflows=$(awk '$1 == "flows" { print $2 }' "$tmp/off.err")
# alert keys: action rule client server port, first alerts only.  An
# unknown device is one alert whichever of its packets the alert stage
# saw first (ARP or a flow): over two workers that order is not fixed.
keys() {
	python3 - "$1" <<'PY'
import json, sys
seen = set()
for line in open(sys.argv[1]):
    a = json.loads(line)
    if a["vmswatch"]["repeat"]:
        continue
    d = a.get("destination", {})
    if a["event"]["action"] == "unknown-device":
        d = {}
    seen.add("%s %s %s %s %s" % (a["event"]["action"], a["rule"]["id"],
        a["source"]["ip"], d.get("ip", "-"), d.get("port", "-")))
print("\n".join(sorted(seen)))
PY
}
keys "$tmp/off.json" > "$tmp/off.keys"
[ -s "$tmp/off.keys" ] || { echo "FAIL: no offline alerts"; exit 1; }
# The flow the site rule documents later, and a flow that alerts in every
# phase (Telnet credentials): their client ports, moved in each replay so
# that they are new flows.
sqlport=$(grep '"undocumented-flow"' "$tmp/off.json" | grep -o '"port":[0-9]*' | head -1 | cut -d: -f2)
telport=$(grep '"cleartext-credentials"' "$tmp/off.json" | grep -o '"port":[0-9]*' | head -1 | cut -d: -f2)
[ -n "$sqlport" ] && [ -n "$telport" ] || { echo "FAIL: sample alerts missing"; exit 1; }
for n in 1 2; do
	tcprewrite --portmap="$sqlport:$((sqlport + n * 1000)),$telport:$((telport + n * 1000))" \
	    -i "$sample" -o "$tmp/replay$n.pcap" || exit 1
done

# A stand-in for systemd's notify socket.
python3 - "$tmp/notify.sock" "$tmp/notify.log" <<'PY' &
import os, socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
os.chmod(sys.argv[1], 0o777)
s.settimeout(0.5)
out = open(sys.argv[2], "a", buffering=1)
end = time.time() + 120
while time.time() < end:
    try:
        out.write(s.recv(4096).decode().replace("\n", " ") + "\n")
    except socket.timeout:
        pass
PY
npid=$!
i=0
while [ ! -S "$tmp/notify.sock" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done

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
replay() {
	ip netns exec $nsb tcpreplay -q -t -i $ifb "$1" > "$tmp/replay.log" 2>&1 ||
	    ko "tcpreplay $1: $(cat "$tmp/replay.log")"
}

NOTIFY_SOCKET="$tmp/notify.sock" ip netns exec $nsa "$bin" -f \
    -c "$tmp/live.conf" -i $ifa --format json > "$tmp/live.json" 2> "$tmp/live.err" &
pid=$!
waitfor "$tmp/notify.log" "READY=1" 10 && ok || ko "no READY=1: $(cat "$tmp/live.err")"

# Least privilege: nobody, its group alone, no capability.
st=/proc/$pid/status
nob=$(id -u nobody)
nobg=$(id -g nobody)
[ "$(awk '$1 == "Uid:" { print $2 $3 $4 $5 }' $st)" = "$nob$nob$nob$nob" ] && ok || ko "uid: $(grep Uid: $st)"
[ "$(awk '$1 == "Gid:" { print $2 $3 $4 $5 }' $st)" = "$nobg$nobg$nobg$nobg" ] && ok || ko "gid: $(grep Gid: $st)"
[ "$(awk '$1 == "Groups:" { print $2 }' $st)" = "$nobg" ] || [ -z "$(awk '$1 == "Groups:" { print $2 }' $st)" ] && ok || ko "groups: $(grep Groups: $st)"
for c in CapEff CapPrm CapAmb; do
	[ "$(awk -v k="$c:" '$1 == k { print $2 }' $st)" = 0000000000000000 ] && ok || ko "$c: $(grep $c: $st)"
done

# Phase 1: the sample as it is.  Same alerts as offline; each flow once.
replay "$sample"
n=$(wc -l < "$tmp/off.keys")
i=0
while [ $i -lt 50 ]; do
	[ "$(keys "$tmp/live.json" | wc -l)" -ge "$n" ] && break
	sleep 0.2
	i=$((i + 1))
done
keys "$tmp/live.json" > "$tmp/live1.keys"
diff "$tmp/off.keys" "$tmp/live1.keys" > "$tmp/keys.diff" && ok || ko "live alerts differ from offline: $(cat "$tmp/keys.diff")"
sleep 0.3
kill -USR1 $pid
waitfor "$tmp/live.err" "stats: packets" 5 || ko "no stats line on SIGUSR1"
line=$(grep "stats: packets" "$tmp/live.err" | tail -1)
created=$(echo "$line" | sed -n 's/.* active \([0-9]*\) created.*/\1/p')
pk=$(echo "$line" | sed -n 's/.*packets \([0-9]*\),.*/\1/p')
offpk=$(awk '$1 == "packets" { print $2 }' "$tmp/off.err")
[ "$pk" = "$offpk" ] && ok || ko "packets live $pk, offline $offpk"
[ "$created" = "$offflows" ] && ok || ko "flows live $created, offline $offflows ($line)"
echo "$line" | grep -q "drops kernel 0 interface 0" && ok || ko "drops: $line"
for w in 0 1; do
	wp=$(grep "stats: worker $w: packets" "$tmp/live.err" | tail -1 | sed -n 's/.*packets \([0-9]*\),.*/\1/p')
	[ "${wp:-0}" -gt 0 ] && ok || ko "worker $w saw no packet"
done

# Phase 2: a rules file with an error.  Rejected with file:line, the rules
# in force stay: the undocumented flow (on a new port) is reported again.
printf 'version = 1;\nrules = (\n\t{ id = "SITE-SQL-1433-WS"; server = ; }\n);\n' > "$tmp/site.conf"
chmod 644 "$tmp/site.conf"
sed -i "s|^rules = .*|rules = [ \"$src/rules/xprotect.conf\", \"$tmp/site.conf\" ];|" "$tmp/live.conf"
kill -HUP $pid
waitfor "$tmp/live.err" "configuration in force stays" 10 && ok || ko "broken reload not reported"
grep -q "site.conf:3: " "$tmp/live.err" && ok || ko "no file:line for the broken rules: $(cat "$tmp/live.err")"
kill -0 $pid 2>/dev/null && ok || ko "daemon died on a broken reload"
sleep 1.1
mark=$(wc -l < "$tmp/live.json")
replay "$tmp/replay1.pcap"
waitfor "$tmp/live.json" "\"port\":$((sqlport + 1000)),.*undocumented-flow\|undocumented-flow.*\"port\":$((sqlport + 1000))," 10 &&
    ok || ko "old rules not in force after a broken reload"

# Phase 3: the site documents the flow.  Applied: no alert for it now, the
# Telnet one still comes (the capture went through).
cat > "$tmp/site.conf" <<'EOF'
version = 1;
rules = (
	{
		id = "SITE-SQL-1433-WS";
		server = "sql_server";
		ports = 1433;
		transport = "tcp";
		protocol = "TCP";
		clients = [ "smart_client" ];
		purpose = "Operator workstations query the SQL server";
		section = "Site";
	}
);
EOF
n=$(grep -c "reload: .* in force" "$tmp/live.err")
kill -HUP $pid
i=0
while [ "$(grep -c "reload: .* in force" "$tmp/live.err")" = "$n" ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
[ $i -lt 100 ] && ok || ko "good reload not applied"
sleep 1.1
mark2=$(wc -l < "$tmp/live.json")
replay "$tmp/replay2.pcap"
waitfor "$tmp/live.json" "\"port\":$((telport + 2000)),.*cleartext-credentials\|cleartext-credentials.*\"port\":$((telport + 2000))," 10 &&
    ok || ko "no alert after the good reload"
# The SYN to 1433 comes after the Telnet session in the capture.
sleep 1

# SIGTERM: open flows end, windows close (repeat summaries), exit 0.
kill -TERM $pid
i=0
while kill -0 $pid 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
wait $pid
rc=$?
pid=''
[ $rc -eq 0 ] && ok || ko "exit status $rc after SIGTERM"
tail -n +$((mark2 + 1)) "$tmp/live.json" | grep '"repeat":false' |
    grep -q "\"port\":$((sqlport + 2000))," && ko "documented flow still alerted after reload" || ok
tail -n +$((mark + 1)) "$tmp/live.json" | head -n $((mark2 - mark)) | grep -q "SITE-SQL" && ko "site rule in force before the good reload" || ok
grep -q '"repeat":true' "$tmp/live.json" && ok || ko "no repeat summaries flushed at exit"
grep -q "stats at exit: packets" "$tmp/live.err" && ok || ko "no final stats line"
for m in "READY=1" "RELOADING=1" "STOPPING=1"; do
	grep -q "$m" "$tmp/notify.log" && ok || ko "no $m notification"
done
if [ $fail -ne 0 ]; then
	echo "--- vmswatch diagnostics"
	cat "$tmp/live.err"
fi
echo "netns.sh: $pass passed, $fail failed"
[ $fail -eq 0 ]

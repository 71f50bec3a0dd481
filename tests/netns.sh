#!/bin/sh
# netns.sh - the sensor on real kernel paths: two network namespaces of
# this test's own joined by a veth pair; vmswatch captures on one end
# (AF_PACKET ring, fanout over 2 workers, privilege drop) with a private
# configuration whose sinks send JSON to a real rsyslog receiver on the
# loopback of the sensor's namespace (TCP with octet counting, and TLS
# with certificates of the test's own when certtool is there); tcpreplay
# plays the bundled sample into the other end.  Checked:
#   - the process runs as the unprivileged user with no capability left;
#   - systemd notifications (READY, RELOADING, STOPPING) reach the socket;
#   - the watchdog: WATCHDOG=1 keep-alives come while the workers run; a
#     worker stopped with ptrace(2) is logged and the keep-alives stop,
#     and start again once it runs again;
#   - the alerts received are those of the offline run of the same
#     capture, and each flow is seen once over 2 workers (same flow count,
#     both workers busy, no drops); nothing goes to standard output;
#   - SIGHUP with a broken rules file keeps the rules in force (the
#     undocumented-flow alert still comes), with a good one applies them
#     (a site rule documents the flow: its alert no longer comes);
#   - flow records from the sensor (output.flows, --flows): one line per
#     flow created, reopened on SIGHUP (rotation); equal to the offline
#     records of the same capture;
#   - an interface deleted under the sensor: it ends its flows (alerts
#     out) and exits 3, for the service manager to start it again; also
#     when it was taken down first (the handle then reports nothing);
#   - a storm of SIGUSR1 and SIGHUP never ends the process (no thread but
#     the main one takes them), even with the flow-record writer as its
#     only output thread;
#   - SIGTERM ends open flows and flushes: the repeat summaries and the
#     last alerts reach the receiver before it is stopped, exit 0, and the
#     sinks' exit counters add up (gen = del + queued + dropped, nothing
#     queued or dropped, del = what the receiver got; TLS got what TCP got).
# Nothing is sent outside the two namespaces: the receiver listens on
# 127.0.0.1 of the sensor's namespace.  Exit 77 (skipped) without root,
# `ip netns`, tcpreplay, python3 or rsyslogd.
set -u
src=${VW_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
bin=${VMSWATCH:-$src/vmswatch}
sample="$src/samples/sample.pcap"
PATH=$PATH:/usr/sbin:/sbin

skip() { echo "netns.sh: skipped: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "needs root (network namespaces, AF_PACKET)"
for t in ip tcpreplay tcprewrite python3 rsyslogd; do
	command -v $t >/dev/null 2>&1 || skip "$t is not installed (tools/deps.sh)"
done
tls=1
command -v certtool >/dev/null 2>&1 || {
	tls=0
	echo "netns.sh: no certtool (tools/deps.sh: gnutls-bin): TCP sink only"
}
[ -f "$src/conf/sample-site.conf" ] || skip "no conf/sample-site.conf"
getent passwd nobody >/dev/null || skip "no user nobody"
nsa=vwcap$$ nsb=vwgen$$ ifa=vwc$$ ifb=vwg$$
ip netns add $nsa 2>/dev/null || skip "ip netns add does not work here"

tmp=$(mktemp -d)
pid='' npid='' rpid=''
stop_rs() {
	[ -n "$rpid" ] || return 0
	kill "$rpid" 2>/dev/null
	i=0
	while kill -0 "$rpid" 2>/dev/null && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	kill -9 "$rpid" 2>/dev/null
	wait "$rpid" 2>/dev/null
	rpid=''
}
cleanup() {
	[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null
	[ -n "$npid" ] && kill "$npid" 2>/dev/null
	stop_rs
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
# The receiver's loopback: the sensor namespace's own.
ip -n $nsa link set lo up || exit 1

# The daemon reads its files again on SIGHUP as nobody.
chmod 755 "$tmp"

# The receiver: rsyslogd in the sensor's namespace on its 127.0.0.1 (a
# new namespace: the ports are free), raw messages into one file per
# listener, private configuration, pid file and work directory.
tcpport=10514 tlsport=6514
rs=$tmp/rs
mkdir "$rs" "$rs/work" || exit 1
chmod 755 "$rs"
if [ $tls -eq 1 ]; then
	# A CA, the receiver (siem.test) and the sensor (vmswatch.test).
	(
	cd "$rs" || exit 1
	printf 'cn = "vmswatch test CA"\nca\ncert_signing_key\nexpiration_days = 2\n' >ca.tmpl
	printf 'cn = "siem.test"\ndns_name = "siem.test"\ntls_www_server\nencryption_key\nsigning_key\nexpiration_days = 2\n' >srv.tmpl
	printf 'cn = "vmswatch.test"\ndns_name = "vmswatch.test"\ntls_www_client\nencryption_key\nsigning_key\nexpiration_days = 2\n' >cli.tmpl
	certtool --generate-privkey --key-type=ecdsa --outfile ca.key &&
	certtool --generate-self-signed --load-privkey ca.key \
	    --template ca.tmpl --outfile ca.pem || exit 1
	for x in srv cli; do
		certtool --generate-privkey --key-type=ecdsa --outfile $x.key &&
		certtool --generate-certificate --load-privkey $x.key \
		    --load-ca-certificate ca.pem --load-ca-privkey ca.key \
		    --template $x.tmpl --outfile $x.pem || exit 1
	done
	) >"$tmp/certtool.out" 2>&1 || {
		echo "FAIL: certtool: $(tail -n 3 "$tmp/certtool.out")"
		exit 1
	}
	# The sinks open their files after the privilege drop.
	chmod 644 "$rs/ca.pem" "$rs/cli.pem" &&
	    chown nobody "$rs/cli.key" && chmod 600 "$rs/cli.key" || exit 1
fi
{
	echo "global(workDirectory=\"$rs/work\" maxMessageSize=\"64k\""
	[ $tls -eq 1 ] && cat <<EOC
  defaultNetstreamDriverCAFile="$rs/ca.pem"
  defaultNetstreamDriverCertFile="$rs/srv.pem"
  defaultNetstreamDriverKeyFile="$rs/srv.key"
EOC
	cat <<EOC
  )
module(load="imtcp" maxSessions="10")
template(name="raw" type="string" string="%rawmsg%\\n")
input(type="imtcp" address="127.0.0.1" port="$tcpport" ruleset="tcp")
ruleset(name="tcp") { action(type="omfile" file="$rs/tcp.log" template="raw") }
EOC
	[ $tls -eq 1 ] && cat <<EOC
input(type="imtcp" address="127.0.0.1" port="$tlsport" ruleset="tls"
  streamDriver.name="gtls" streamDriver.mode="1"
  streamDriver.authMode="x509/name" permittedPeer=["vmswatch.test"])
ruleset(name="tls") { action(type="omfile" file="$rs/tls.log" template="raw") }
EOC
} >"$rs/rsyslogd.conf"
ports=$tcpport
[ $tls -eq 1 ] && ports="$tcpport $tlsport"
ip netns exec $nsa rsyslogd -n -f "$rs/rsyslogd.conf" -i "$rs/rsyslogd.pid" \
    >"$rs/rsyslogd.out" 2>&1 &
rpid=$!
# Ready when the listeners accept (in the namespace).
ip netns exec $nsa python3 -c '
import socket, sys, time
for _ in range(100):
    try:
        for p in sys.argv[1:]:
            socket.create_connection(("127.0.0.1", int(p)), 0.2).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.05)
sys.exit(1)' $ports ||
    skip "rsyslogd does not start: $(tail -n 3 "$rs/rsyslogd.out")"

cat > "$tmp/base.conf" <<EOF
inventory = "$src/conf/sample-site.conf";
rules = [ "$src/rules/xprotect.conf" ];
flow = { max_flows = 16384; };
dpi = { max_flows = 4096; };
# One-second windows: each replay below opens new ones.
alert = { window = 1; };
capture = { workers = 2; buffer_mb = 4; timeout_ms = 20; };
daemon = { user = "nobody"; stats_interval = 0; };
EOF
{
	cat "$tmp/base.conf"
	echo "sinks = ("
	echo "	{ type = \"remote\"; protocol = \"tcp\"; host = \"127.0.0.1\";"
	echo "	  port = $tcpport; format = \"json\"; app_name = \"vw-tcp\";"
	echo "	  backoff_min_ms = 100; backoff_max_ms = 1000; }"
	[ $tls -eq 1 ] && cat <<EOF
	, { type = "remote"; protocol = "tls"; host = "127.0.0.1";
	  port = $tlsport; format = "json"; app_name = "vw-tls";
	  ca = "$rs/ca.pem"; cert = "$rs/cli.pem"; key = "$rs/cli.key";
	  server_name = "siem.test";
	  backoff_min_ms = 100; backoff_max_ms = 1000; }
EOF
	echo ");"
	# Relative: beside the configuration, in $tmp/out.
	echo "output = { flows = \"out/flows.json\"; };"
} > "$tmp/live.conf"
chmod 644 "$tmp/base.conf" "$tmp/live.conf"
# The sensor's own files, written as nobody after the privilege drop.
mkdir "$tmp/out" && chown nobody "$tmp/out" || exit 1

# The offline run of the same capture and configuration (alerts on
# stdout, no sinks): the reference.
"$bin" -c "$tmp/base.conf" -r "$sample" --format json > "$tmp/off.json" \
    --flows "$tmp/off.flows" 2> "$tmp/off.err"
offflows=$(awk '$1 == "flows" { print $2 }' "$tmp/off.err")

# recv LOG APP: the JSON bodies of APP's messages at the receiver, one a
# line, in the order received.  Each must be RFC 5424 (PRI local5, MSGID
# the alert's action, no structured data) with an ECS JSON body; one that
# is not is shown on stderr, and the status is 1.
recv() {
	python3 - "$1" "$2" <<'PY'
import json, re, sys
HDR = re.compile(r"^<(\d{1,3})>1 (\S+) (\S+) (\S+) (\S+) (\S+) - (.*)$")
bad = 0
try:
    raw = open(sys.argv[1], "rb").read().decode("utf-8")
except FileNotFoundError:
    raw = ""
# Whole lines only: the last one may be being written.
for line in raw.split("\n")[:-1]:
    m = HDR.match(line)
    if m is None or m.group(4) != sys.argv[2]:
        bad += 1
        sys.stderr.write("recv: not RFC 5424 from %s: %r\n"
                         % (sys.argv[2], line[:200]))
        continue
    try:
        a = json.loads(m.group(7))
        assert int(m.group(1)) >> 3 == 21, "PRI " + m.group(1)
        assert m.group(6) == a["event"]["action"], "MSGID " + m.group(6)
    except (ValueError, KeyError, AssertionError) as e:
        bad += 1
        sys.stderr.write("recv: %s: %r\n" % (e, line[:200]))
        continue
    print(m.group(7))
sys.exit(1 if bad else 0)
PY
}
# rx: what the TCP sink brought so far, into live.json.
rx() {
	recv "$rs/tcp.log" vw-tcp > "$tmp/live.json" 2> "$tmp/recv.err" ||
	    ko "received messages do not parse: $(head -n 3 "$tmp/recv.err")"
}
# settle: rx once the receiver has had nothing new for 0.3 s (at most 5 s).
settle() {
	last=-1 i=0
	while [ $i -lt 17 ]; do
		cur=$(cat "$rs/tcp.log" 2>/dev/null | wc -c)
		[ "$cur" = "$last" ] && break
		last=$cur
		sleep 0.3
		i=$((i + 1))
	done
	rx
}

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
for n in 1 2 3; do
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
# sensor NAME PHASE CONF [ARG...]: the sensor on $ifa with CONF and ARGs,
# JSON alerts on stdout, into $tmp/NAME.out and $tmp/NAME.err; its pid in
# pid, once it captures.
sensor() {
	sn=$1 sp=$2 sc=$3
	shift 3
	ip netns exec $nsa "$bin" -f -c "$sc" -i $ifa --format json "$@" \
	    > "$tmp/$sn.out" 2> "$tmp/$sn.err" &
	pid=$!
	waitfor "$tmp/$sn.err" "capturing on" 10 || ko "$sp: no start: $(cat "$tmp/$sn.err")"
}
# allflows ERR WHAT FILE...: every flow the sensor of ERR created (its
# stats line at exit) has its line in the FILEs, and the flow records'
# counters at exit say so: nothing queued or dropped.
allflows() {
	ae=$1 aw=$2
	shift 2
	created=$(sed -n 's/.*stats at exit: .* active \([0-9]*\) created.*/\1/p' "$ae")
	nf=$(cat "$@" 2>/dev/null | grep -c '^{.*}$')
	[ "${created:-0}" -gt 0 ] && [ "$nf" = "$created" ] && ok ||
	    ko "$aw: $nf flow records, ${created:-?} flows created"
	grep -q "stats at exit: flow records: file:.* gen=$nf del=$nf queued=0 dropped=0" "$ae" && ok ||
	    ko "$aw: flow records counters: $(grep 'flow records:' "$ae")"
}
replay() {
	ip netns exec $nsb tcpreplay -q -t -i $ifb "$1" > "$tmp/replay.log" 2>&1 ||
	    ko "tcpreplay $1: $(cat "$tmp/replay.log")"
}

NOTIFY_SOCKET="$tmp/notify.sock" WATCHDOG_USEC=2000000 \
    ip netns exec $nsa "$bin" -f \
    -c "$tmp/live.conf" -i $ifa --format json > "$tmp/live.out" 2> "$tmp/live.err" &
pid=$!
waitfor "$tmp/notify.log" "READY=1" 10 || {
	echo "FAIL: no READY=1: $(cat "$tmp/live.err")"
	exit 1
}
ok

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

# The watchdog (a period of 2 s: a keep-alive every second, a worker
# quiet for 3 s is stuck).  Keep-alives come while both workers run.
wdcount() { grep -c "WATCHDOG=1" "$tmp/notify.log"; }
sleep 2.5
[ "$(wdcount)" -ge 2 ] && ok || ko "keep-alives: $(wdcount) in 2.5 s"
# Worker 0 stopped (not the process: one thread, with ptrace): logged as
# stuck, and the keep-alives stop until it runs again.
tid=$(grep -lx "vw-worker0" /proc/$pid/task/*/comm 2>/dev/null | head -1 | cut -d/ -f5)
if [ -n "$tid" ]; then
	python3 - "$tid" "$tmp/wd.go" <<'PY' > "$tmp/wd.log" 2>&1 &
import ctypes, os, sys, time
libc = ctypes.CDLL(None, use_errno=True)
libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_long, ctypes.c_void_p,
                        ctypes.c_void_p]
tid = int(sys.argv[1])
# PTRACE_SEIZE, PTRACE_INTERRUPT: this thread alone stops.
if libc.ptrace(0x4206, tid, None, None) != 0 or \
        libc.ptrace(0x4207, tid, None, None) != 0:
    print("ptrace:", os.strerror(ctypes.get_errno()))
    sys.exit(1)
os.waitpid(tid, 0x40000000)     # __WALL: the stop
print("stopped", flush=True)
end = time.time() + 30
while not os.path.exists(sys.argv[2]) and time.time() < end:
    time.sleep(0.1)
libc.ptrace(17, tid, None, None)  # PTRACE_DETACH: it runs again
print("detached", flush=True)
PY
	tpid=$!
	waitfor "$tmp/wd.log" "stopped" 5 || ko "ptrace: $(cat "$tmp/wd.log")"
	waitfor "$tmp/live.err" "worker 0: no progress" 8 && ok ||
	    ko "stuck worker 0 not logged"
	sleep 1.2	# a keep-alive already on its way
	c1=$(wdcount)
	sleep 2.5
	c2=$(wdcount)
	[ "$c1" = "$c2" ] && ok || ko "keep-alives went on with a stuck worker: $c1 then $c2"
	touch "$tmp/wd.go"
	wait $tpid
	waitfor "$tmp/live.err" "worker 0 is moving again" 5 && ok ||
	    ko "worker 0 back: not logged"
	sleep 2.5
	[ "$(wdcount)" -gt "$c2" ] && ok || ko "keep-alives did not resume"
else
	ko "no thread named vw-worker0 in $pid"
fi

# Phase 1: the sample as it is.  The same alerts as offline reach the
# receiver; each flow once.
replay "$sample"
n=$(wc -l < "$tmp/off.keys")
i=0
while [ $i -lt 50 ]; do
	rx
	[ "$(keys "$tmp/live.json" | wc -l)" -ge "$n" ] && break
	sleep 0.2
	i=$((i + 1))
done
keys "$tmp/live.json" > "$tmp/live1.keys"
diff "$tmp/off.keys" "$tmp/live1.keys" > "$tmp/keys.diff" && ok || ko "received alerts differ from offline: $(cat "$tmp/keys.diff")"
sleep 0.3
kill -USR1 $pid
waitfor "$tmp/live.err" "stats: received" 5 || ko "no stats line on SIGUSR1"
line=$(grep "stats: received" "$tmp/live.err" | tail -1)
created=$(echo "$line" | sed -n 's/.* active \([0-9]*\) created.*/\1/p')
pk=$(echo "$line" | sed -n 's/.* analysed \([0-9]*\) .*/\1/p')
offpk=$(awk '$1 == "packets" { print $2 }' "$tmp/off.err")
[ "$pk" = "$offpk" ] && ok || ko "packets live $pk, offline $offpk"
[ "$created" = "$offflows" ] && ok || ko "flows live $created, offline $offflows ($line)"
echo "$line" | grep -q "received $offpk = analysed $offpk + drops kernel 0 own 0 + in ring 0; interface drops 0;" && ok ||
    ko "drops: $line"
for w in 0 1; do
	wp=$(grep "stats: worker $w: received" "$tmp/live.err" | tail -1 | sed -n 's/.* analysed \([0-9]*\) .*/\1/p')
	[ "${wp:-0}" -gt 0 ] && ok || ko "worker $w saw no packet"
done

# Phase 2: a rules file with an error.  Rejected with file:line, the rules
# in force stay: the undocumented flow (on a new port) is reported again.
printf 'version = 1;\nrules = (\n\t{ id = "SITE-SQL-1433-WS"; server = ; }\n);\n' > "$tmp/site.conf"
chmod 644 "$tmp/site.conf"
sed -i "s|^rules = .*|rules = [ \"$src/rules/xprotect.conf\", \"$tmp/site.conf\" ];|" "$tmp/live.conf"
# Log rotation of the flow records: moved away, reopened on SIGHUP.
mv "$tmp/out/flows.json" "$tmp/out/flows.json.1" || ko "no flow records file"
kill -HUP $pid
waitfor "$tmp/live.err" "configuration in force stays" 10 && ok || ko "broken reload not reported"
grep -q "site.conf:3: " "$tmp/live.err" && ok || ko "no file:line for the broken rules: $(cat "$tmp/live.err")"
kill -0 $pid 2>/dev/null && ok || ko "daemon died on a broken reload"
sleep 1.1
settle
mark=$(wc -l < "$tmp/live.json")
replay "$tmp/replay1.pcap"
waitfor "$rs/tcp.log" "\"port\":$((sqlport + 1000)),.*undocumented-flow\|undocumented-flow.*\"port\":$((sqlport + 1000))," 10 &&
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
# No sink changed so far: no word about sinks.  Now one does (its back-off):
# the reload says it waits for a restart, and the alerts go on as before.
grep -q "changes to the sinks" "$tmp/live.err" && ko "sinks reported changed when they were not" || ok
sed -i 's/backoff_max_ms = 1000;/backoff_max_ms = 2000;/' "$tmp/live.conf"
kill -HUP $pid
i=0
while [ "$(grep -c "reload: .* in force" "$tmp/live.err")" = "$n" ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
[ $i -lt 100 ] && ok || ko "good reload not applied"
grep -q "reload: changes to the sinks take effect at the next start" "$tmp/live.err" && ok ||
    ko "a changed sink was not reported on reload"
sleep 1.1
settle
mark2=$(wc -l < "$tmp/live.json")
replay "$tmp/replay2.pcap"
waitfor "$rs/tcp.log" "\"port\":$((telport + 2000)),.*cleartext-credentials\|cleartext-credentials.*\"port\":$((telport + 2000))," 10 &&
    ok || ko "no alert after the good reload"
# The SYN to 1433 comes after the Telnet session in the capture.
sleep 1
settle
mark3=$(wc -l < "$tmp/live.json")

# Phase 4: SIGTERM right after a last replay, inside its one-second
# windows: its repeat summaries come from the flush at exit.  Open flows
# end, exit 0; the sinks deliver what they hold before the process ends.
t4=$(date -u +%Y-%m-%dT%H:%M:%S.%6NZ)
replay "$tmp/replay3.pcap"
# The ring's last block is handed over after timeout_ms (20 ms).
sleep 0.2
rx
mark4=$(wc -l < "$tmp/live.json")
kill -TERM $pid
waitexit
[ $rc -eq 0 ] && ok || ko "exit status $rc after SIGTERM"
[ -s "$tmp/live.out" ] && ko "output on stdout with sinks configured: $(head -n 3 "$tmp/live.out")" || ok

# Flow records: every flow created (ended at the latest by SIGTERM) has
# its line, in the rotated file or the one reopened on SIGHUP; nothing
# queued or dropped.
[ -s "$tmp/out/flows.json" ] && ok || ko "no flow records after the reopen"
allflows "$tmp/live.err" "live" "$tmp/out/flows.json.1" "$tmp/out/flows.json"

# The exit counters, one "gen= del= queued= dropped=" per sink in the
# order configured: they add up, nothing is left or lost.
grep -q "stats at exit: received" "$tmp/live.err" && ok || ko "no final stats line"
gen=$(sed -n 's/.*stats at exit: .* alerts generated \([0-9]*\) .*/\1/p' "$tmp/live.err")
sl=$(grep "vmswatch: sinks: " "$tmp/live.err" | tail -1)
set -- $(echo "$sl" | grep -o 'gen=[0-9]* del=[0-9]* queued=[0-9]* dropped=[0-9]*' |
    sed 's/[a-z]*=//g')
nsinks=$((1 + tls))
[ $# -eq $((4 * nsinks)) ] && ok || ko "sinks line: '$sl'"
k=0 tcpdel='' tlsdel=''
while [ $# -ge 4 ] && [ $k -lt $nsinks ]; do
	[ "$1" -eq $(($2 + $3 + $4)) ] && ok || ko "sink $k: gen $1 != del $2 + queued $3 + dropped $4"
	[ "$3" -eq 0 ] && [ "$4" -eq 0 ] && ok || ko "sink $k: queued $3 dropped $4 at exit"
	[ "$1" = "${gen:-}" ] && ok || ko "sink $k: gen $1, alerts generated ${gen:-?}"
	[ $k -eq 0 ] && tcpdel=$2 || tlsdel=$2
	shift 4
	k=$((k + 1))
done

# Delivered is written to the socket: the receiver (5 s at most) writes
# it all out, then it is stopped and what it got is checked.
i=0
while [ $i -lt 50 ]; do
	rx
	t=$(wc -l < "$tmp/live.json")
	l=0
	[ $tls -eq 1 ] && l=$(recv "$rs/tls.log" vw-tls 2>/dev/null | wc -l)
	[ "$t" -ge "${tcpdel:-0}" ] && [ "$l" -ge "${tlsdel:-0}" ] && break
	sleep 0.1
	i=$((i + 1))
done
stop_rs
rx
[ "$(wc -l < "$tmp/live.json")" = "${tcpdel:-x}" ] && ok ||
    ko "TCP: $(wc -l < "$tmp/live.json") received, ${tcpdel:-?} delivered"
if [ $tls -eq 1 ]; then
	recv "$rs/tls.log" vw-tls > "$tmp/tls.json" 2> "$tmp/recv.err" && ok ||
	    ko "TLS: received messages do not parse: $(head -n 3 "$tmp/recv.err")"
	[ "$(wc -l < "$tmp/tls.json")" = "${tlsdel:-x}" ] && ok ||
	    ko "TLS: $(wc -l < "$tmp/tls.json") received, ${tlsdel:-?} delivered"
	# Each sink has its queue: the same alerts, in the same order.
	cmp -s "$tmp/live.json" "$tmp/tls.json" && ok || ko "TLS and TCP received different alerts"
fi

tail -n +$((mark2 + 1)) "$tmp/live.json" | grep '"repeat":false' |
    grep -q "\"port\":$((sqlport + 2000))," && ko "documented flow still alerted after reload" || ok
tail -n +$((mark + 1)) "$tmp/live.json" | head -n $((mark2 - mark)) | grep -q "SITE-SQL" && ko "site rule in force before the good reload" || ok
# What phase 4 brought (packet time from t4 on): its alerts, first ones
# and repeat summaries, all reached the receiver.
# The summaries came after SIGTERM unless the machine was so slow that
# the windows closed before it (then the flush at exit was not tested).
tail -n +$((mark3 + 1)) "$tmp/live.json" | python3 -c '
import json, sys
t4, tel, before = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
first = rep = early = 0
for i, line in enumerate(sys.stdin):
    a = json.loads(line)
    if a["@timestamp"] < t4:
        continue
    if a["vmswatch"]["repeat"]:
        rep += 1
        early += i < before
    elif (a["event"]["action"] == "cleartext-credentials" and
          a["source"].get("port") == tel):
        first += 1
if early:
    print("netns.sh: note: %d of %d phase 4 summaries before SIGTERM"
          % (early, rep))
sys.exit(0 if first == 1 and rep > 0 else 1)' "$t4" $((telport + 3000)) \
    $((mark4 - mark3)) && ok ||
    ko "phase 4: the last alerts or the repeat summaries flushed at exit did not arrive"
for m in "READY=1" "RELOADING=1" "STOPPING=1"; do
	grep -q "$m" "$tmp/notify.log" && ok || ko "no $m notification"
done

# Phase 5: the interface is deleted under a running sensor.  The handle
# can never deliver again: the open flows end (their alerts go out) and
# the sensor exits 3 for its service manager to start it again.
sensor lost "phase 5" "$tmp/base.conf" --flows "$tmp/out/lost.flows"
replay "$sample"
sleep 0.3
ip netns exec $nsa ip link del $ifa
waitexit
[ $rc -eq 3 ] && ok || ko "phase 5: exit status $rc after the interface was deleted, 3 expected"
grep -q "$ifa: the interface no longer exists" "$tmp/lost.err" && ok ||
    ko "phase 5: the lost interface is not logged: $(cat "$tmp/lost.err")"
# The sample's flows were open: their alerts came out at the stop.
n5=$(grep -c '^{.*}$' "$tmp/lost.out")
[ "$n5" -ge "$(wc -l < "$tmp/off.keys")" ] && ok ||
    ko "phase 5: $n5 alerts at the stop, $(wc -l < "$tmp/off.keys") offline"
# --flows with -i: the same flows as the offline run, with the same
# protocol and the same packets and bytes each way (times differ).
flowkeys() {
	python3 -c '
import json, sys
for l in open(sys.argv[1]):
    f = json.loads(l)
    print(f["transport"], f["src_ip"], f["src_port"], f["dst_ip"],
          f["dst_port"], f["app_proto"], f["pkts_c2s"], f["bytes_c2s"],
          f["pkts_s2c"], f["bytes_s2c"])' "$1" | sort
}
flowkeys "$tmp/off.flows" > "$tmp/off.fkeys"
flowkeys "$tmp/out/lost.flows" > "$tmp/lost.fkeys"
[ -s "$tmp/off.fkeys" ] && diff "$tmp/off.fkeys" "$tmp/lost.fkeys" > "$tmp/fkeys.diff" && ok ||
    ko "phase 5: live flow records differ from offline: $(head -n 10 "$tmp/fkeys.diff")"

# A new veth pair for the last phases: phase 5 deleted the first.
ifa=vwe$$ ifb=vwf$$
ip link add $ifa netns $nsa type veth peer name $ifb netns $nsb || exit 1
ip -n $nsa link set $ifa up && ip -n $nsb link set $ifb up || exit 1

# Phase 6: a storm of SIGUSR1 and SIGHUP on a sensor whose only output
# thread is the flow-record writer.  Every signal is the main thread's
# (blocked in every other thread from the start): none may end the
# process by its default action; it stops on SIGTERM alone, exit 0.
# The flow records' queue holds 16 lines: the sample's 85 flows, open
# at SIGTERM, still all get their record (the stop waits for room).
{
	cat "$tmp/base.conf"
	echo "output = { flows_queue = 16; };"
} > "$tmp/storm.conf"
chmod 644 "$tmp/storm.conf"
sensor storm "phase 6" "$tmp/storm.conf" --flows "$tmp/out/storm.flows"
replay "$sample"
sleep 0.3
i=0
while [ $i -lt 50 ] && kill -USR1 $pid 2>/dev/null && kill -HUP $pid 2>/dev/null; do
	i=$((i + 1))
done
[ $i -eq 50 ] && ok || ko "phase 6: the sensor died after $i rounds of SIGUSR1 + SIGHUP"
sleep 0.5
kill -0 $pid 2>/dev/null && ok || ko "phase 6: the sensor died in the signal storm"
kill -TERM $pid 2>/dev/null
waitexit
[ $rc -eq 0 ] && ok || ko "phase 6: exit status $rc after the signal storm and SIGTERM, 0 expected: $(tail -n 3 "$tmp/storm.err")"
allflows "$tmp/storm.err" "phase 6 (a queue of 16)" "$tmp/out/storm.flows"
# SIGUSR1's stats line has the flow records' counters too.
grep -q "stats: flow records: file:.* gen=[0-9]* del=[0-9]* queued=[0-9]* dropped=[0-9]*" "$tmp/storm.err" && ok ||
    ko "phase 6: no flow records counters in the stats line: $(grep 'stats' "$tmp/storm.err" | head -n 3)"

# Phase 7: the interface is taken down, renamed (which needs it down),
# brought up, then taken down and deleted.  A rename keeps the index the
# capture is bound to: the sensor goes on and sees the replay.  A down
# interface gives the handle no error, and a deleted down one none
# either: the sensor must notice all the same, and exit 3.
sensor down "phase 7" "$tmp/base.conf"
ip -n $nsa link set $ifa down
sleep 1.5
kill -0 $pid 2>/dev/null && ok || ko "phase 7: the sensor ended on a down interface: $(tail -n 3 "$tmp/down.err")"
ip -n $nsa link set $ifa name vwr$$ && ip -n $nsa link set vwr$$ up ||
    ko "phase 7: cannot rename $ifa"
sleep 1.5
replay "$sample"
waitfor "$tmp/down.out" "cleartext" 5 && ok || ko "phase 7: no alert after the rename"
kill -0 $pid 2>/dev/null && ok || ko "phase 7: the sensor ended after a rename: $(tail -n 3 "$tmp/down.err")"
ip -n $nsa link set vwr$$ down
sleep 1.2
ip -n $nsa link del vwr$$
waitexit
[ $rc -eq 3 ] && ok || ko "phase 7: exit status $rc after the down interface was deleted, 3 expected"
grep -q "$ifa: the interface no longer exists" "$tmp/down.err" && ok ||
    ko "phase 7: the lost interface is not logged: $(cat "$tmp/down.err")"

if [ $fail -ne 0 ]; then
	echo "--- vmswatch diagnostics"
	cat "$tmp/live.err"
	echo "--- rsyslogd"
	tail -n 20 "$rs/rsyslogd.out"
fi
echo "netns.sh: $pass passed, $fail failed"
[ $fail -eq 0 ]

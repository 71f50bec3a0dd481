#!/bin/sh
# firewall_netns.sh - the nftables output of `vmswatch --firewall` in a
# real kernel, inside network namespaces of this test's own:
#   - the rulesets of the bundled sample site and of the synthetic site of
#     ../shared/pcap/synthetic (when present) pass "nft -c -f", load with
#     "nft -f", and load again over themselves (the table is replaced);
#     a ruleset with one broken line fails "nft -c", so the check checks;
#   - the synthetic site's TCP flows through its ruleset
#     (tests/synthetic/firewall_flows.py: a namespace per address behind a
#     router namespace): every documented flow of its truth completes its
#     handshake, every camera, Internet, local-only, undocumented and
#     unknown-device violation is dropped;
#   - forwarding: a router namespace with the sample site's ruleset and
#     three zones on veths (clients 192.168.20.0/24, servers
#     192.168.10.0/24, cameras 192.168.50.0/24), and one namespace per zone
#     with an address of the sample inventory (ws01, rec01, cam001).  A
#     documented connection (ws01 to rec01 on 7563, a recorder to its
#     camera) completes its TCP handshake and exchanges data; undocumented
#     ones (cam001 to ws01, ws01 to rec01 on 9001) are dropped and the
#     drop counters (camera, undocumented) move; without the table both
#     undocumented connections go through, so it was the ruleset.
# Every address is inside these namespaces; their names carry this
# test's PID.  Exit 77 (skipped) without root, a working `ip netns`, nft
# or python3.
set -u
src=${VW_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
bin=${VMSWATCH:-$src/vmswatch}
shared=${VW_SHARED:-$src/../shared}
PATH=$PATH:/usr/sbin:/sbin

skip() { echo "firewall_netns.sh: skipped: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "needs root (network namespaces)"
for t in ip nft python3; do
	command -v $t >/dev/null 2>&1 || skip "$t is not installed (tools/deps.sh)"
done
nsr=vwfwr$$ nsc=vwfwc$$ nss=vwfws$$ nsk=vwfwk$$
ip netns add $nsr 2>/dev/null || skip "ip netns add does not work here"

tmp=$(mktemp -d)
pids=''
cleanup() {
	for p in $pids; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	# With those firewall_flows.py left behind if it was killed.
	for n in $nsr $nsc $nss $nsk $(ip netns list |
	    sed -n "s/^\(vwfh$$-[rv0-9]*\)\( .*\)\{0,1\}\$/\1/p"); do
		ip netns del $n 2>/dev/null
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
pass=0 fail=0
ok() { pass=$((pass + 1)); }
ko() { echo "FAIL: $*"; fail=$((fail + 1)); }
in_ns() { ns=$1; shift; ip netns exec "$ns" "$@"; }

# --- the rulesets pass nft -c and load -----------------------------------

# check_load NAME CONF [ENABLE]: vmswatch's ruleset for CONF, checked and
# loaded twice in the router namespace, then removed.
check_load() {
	if ! "$bin" -c "$2" --firewall nftables --log-prefix "vmswatch: " \
	    >"$tmp/$1.nft" 2>"$tmp/err"; then
		ko "$1: vmswatch --firewall nftables: $(cat "$tmp/err")"
		return
	fi
	in_ns $nsr nft -c -f "$tmp/$1.nft" 2>"$tmp/err" && ok ||
		ko "$1: nft -c -f: $(cat "$tmp/err")"
	in_ns $nsr nft -f "$tmp/$1.nft" 2>"$tmp/err" && ok ||
		ko "$1: nft -f: $(cat "$tmp/err")"
	in_ns $nsr nft -f "$tmp/$1.nft" 2>"$tmp/err" && ok ||
		ko "$1: nft -f a second time: $(cat "$tmp/err")"
	# What the kernel holds: every rule line of the file is there.
	want=$(grep -c ' accept comment \| drop comment ' "$tmp/$1.nft")
	got=$(in_ns $nsr nft list chain inet vmswatch forward |
	    grep -c ' accept comment \| drop comment ')
	[ "$want" -gt 10 ] && [ "$want" = "$got" ] && ok ||
		ko "$1: $got rules in the kernel, $want in the file"
	in_ns $nsr nft delete table inet vmswatch
}

check_load sample "$src/conf/sample.conf"

# The check can fail: a rule naming a set that does not exist.
sed 's/@recording_server_v4 tcp dport 7563/@no_such_set_v4 tcp dport 7563/' \
    "$tmp/sample.nft" >"$tmp/broken.nft"
cmp -s "$tmp/sample.nft" "$tmp/broken.nft" && ko "broken ruleset: no line changed"
in_ns $nsr nft -c -f "$tmp/broken.nft" 2>/dev/null &&
	ko "nft -c accepts a rule naming a missing set" || ok

syn="$shared/pcap/synthetic/scenario-dev.inventory.json"
if [ -f "$syn" ]; then
	if python3 "$src/tests/synthetic/inventory_from_json.py" "$syn" \
	    "$tmp/synthetic-site.conf"; then
		# As tests/synthetic.sh: the site enabled the cameras' 5432.
		printf '%s\n' "inventory = \"$tmp/synthetic-site.conf\";" \
		    "rules = [ \"$src/rules/xprotect.conf\" ];" \
		    'policy = { enabled = [ "XP-RS-5432", "XP-FO-5432" ]; };' \
		    >"$tmp/synthetic.conf"
		check_load synthetic "$tmp/synthetic.conf"
		grep -q 'ip saddr != @nonpublic_v4 ip daddr @mobile_server_v4 ip daddr @dmz_zones_v4 tcp dport 8082 accept' \
		    "$tmp/synthetic.nft" && ok ||
			ko "synthetic: no Internet line for the DMZ's 8082"
		truth="$shared/pcap/synthetic/scenario-dev.truth.json"
		if python3 "$src/tests/synthetic/firewall_flows.py" "$truth" \
		    "$syn" "$tmp/synthetic.nft" vwfh$$- >"$tmp/flows" 2>&1; then
			ok
		else
			ko "synthetic flows through the ruleset:"
			cat "$tmp/flows"
		fi
		tail -n 1 "$tmp/flows"
	else
		ko "cannot convert $syn"
	fi
else
	echo "firewall_netns.sh: $syn not present: synthetic site not checked"
fi

# --- forwarding ------------------------------------------------------------

for n in $nsc $nss $nsk; do
	ip netns add $n || { ko "ip netns add $n"; exit 1; }
done
# link NS ADDR GW IFR: a veth from the router (IFR, GW/24) to NS (ADDR/24).
link() {
	ip link add "$4" netns $nsr type veth peer name eth0 netns "$1" &&
	in_ns $nsr ip addr add "$3/24" dev "$4" &&
	in_ns $nsr ip link set "$4" up &&
	in_ns "$1" ip addr add "$2/24" dev eth0 &&
	in_ns "$1" ip link set eth0 up &&
	in_ns "$1" ip link set lo up &&
	in_ns "$1" ip route add default via "$3"
}
link $nsc 192.168.20.31 192.168.20.1 rc$$ &&
link $nss 192.168.10.20 192.168.10.1 rs$$ &&
link $nsk 192.168.50.101 192.168.50.1 rk$$ &&
in_ns $nsr ip link set lo up &&
in_ns $nsr sysctl -qw net.ipv4.ip_forward=1 || {
	ko "cannot set up the namespaces"
	exit 1
}

# An echo server: listens on ADDR PORT, echoes one line per connection.
cat >"$tmp/echo.py" <<'PY'
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2])))
s.listen(8)
open(sys.argv[3], "w").close()
while True:
    c, _ = s.accept()
    c.settimeout(5)
    try:
        c.sendall(c.recv(64))
    except OSError:
        pass
    c.close()
PY
# A client: 0 when the handshake completes and the echo comes back, 1 on
# a timeout (dropped), 2 on any other failure.
cat >"$tmp/connect.py" <<'PY'
import socket, sys
try:
    c = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=2)
    c.sendall(b"vmswatch\n")
    sys.exit(0 if c.recv(64) == b"vmswatch\n" else 2)
except socket.timeout:
    sys.exit(1)
except OSError as e:
    print(e)
    sys.exit(2)
PY
# ip netns exec execs the server, so $! is the server itself (through a
# shell function it would be a subshell, and killing that would leave
# the server running).
serve() {
	ip netns exec "$1" python3 "$tmp/echo.py" "$2" "$3" \
	    "$tmp/ready.$1.$3" &
	pids="$pids $!"
}
serve $nss 192.168.10.20 7563
serve $nss 192.168.10.20 9001
serve $nsc 192.168.20.31 7563
serve $nsk 192.168.50.101 554
i=0
while [ $i -lt 50 ] && [ "$(ls "$tmp" | grep -c '^ready\.')" -lt 4 ]; do
	sleep 0.1
	i=$((i + 1))
done
[ "$(ls "$tmp" | grep -c '^ready\.')" -eq 4 ] || { ko "echo servers not up"; exit 1; }

# counter NAME: packets the router's counter NAME has seen.
counter() {
	in_ns $nsr nft list counter inet vmswatch "$1" |
	    sed -n 's/.*packets \([0-9]*\) bytes.*/\1/p'
}
# conn NS ADDR PORT WANT WHAT: connects from NS; WANT is connect.py's status.
conn() {
	in_ns "$1" python3 "$tmp/connect.py" "$2" "$3" >"$tmp/conn" 2>&1
	st=$?
	[ $st -eq "$4" ] && ok || ko "$5: status $st, want $4 $(cat "$tmp/conn")"
}

"$bin" -c "$src/conf/sample.conf" --firewall nftables >"$tmp/router.nft" &&
	in_ns $nsr nft -f "$tmp/router.nft" || { ko "cannot load the sample ruleset"; exit 1; }
[ "$(counter camera)" = 0 ] && [ "$(counter undocumented)" = 0 ] && ok ||
	ko "counters not zero at the start"

# Documented: ws01 (smart_client) to rec01 (recording_server) on 7563,
# and rec01 to its camera (XP-RS-OUT-TCP): handshake and data.
conn $nsc 192.168.10.20 7563 0 "ws01 -> rec01:7563 (XP-RS-7563)"
conn $nss 192.168.50.101 554 0 "rec01 -> cam001:554 (XP-RS-OUT-TCP)"
[ "$(counter camera)" = 0 ] && [ "$(counter undocumented)" = 0 ] && ok ||
	ko "documented flows counted as drops: camera $(counter camera), undocumented $(counter undocumented)"

# Undocumented: the camera to a workstation, dropped by the camera
# statement; the workstation to rec01's 9001 (management server only).
conn $nsk 192.168.20.31 7563 1 "cam001 -> ws01:7563 not dropped"
c=$(counter camera)
[ "${c:-0}" -gt 0 ] && ok || ko "camera counter did not move ($c)"
conn $nsc 192.168.10.20 9001 1 "ws01 -> rec01:9001 not dropped"
u=$(counter undocumented)
[ "${u:-0}" -gt 0 ] && ok || ko "undocumented counter did not move ($u)"

# Without the table the same connections go through: it was the ruleset.
in_ns $nsr nft delete table inet vmswatch
conn $nsk 192.168.20.31 7563 0 "cam001 -> ws01:7563 without the ruleset"
conn $nsc 192.168.10.20 9001 0 "ws01 -> rec01:9001 without the ruleset"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]

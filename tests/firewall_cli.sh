#!/bin/sh
# firewall_cli.sh - `vmswatch --firewall` as a user meets it: both outputs
# of the bundled sample site, the same text on every run, -n, the options
# it refuses, and the problems of a site that stop it with "file:line".
# No privilege needed: loading the ruleset into a kernel is
# firewall_netns.sh's part.
set -u
src=${VW_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
bin=${VMSWATCH:-$src/vmswatch}
conf="$src/conf/sample.conf"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0

ok() { pass=$((pass + 1)); }
ko() { echo "FAIL: $*"; fail=$((fail + 1)); }

# Runs vmswatch with "$@"; its status in $rc, its output in $tmp/out, err.
run() {
	"$bin" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
}

# nftables: a ruleset for nft -f, its table and chain, nothing on stderr.
run -c "$conf" --firewall nftables
[ $rc -eq 0 ] && [ ! -s "$tmp/err" ] && ok || ko "nftables: status $rc: $(cat "$tmp/err")"
head -n 1 "$tmp/out" | grep -qx '#!/usr/sbin/nft -f' && ok || ko "nftables: no nft -f line"
grep -qx 'table inet vmswatch {' "$tmp/out" && ok || ko "nftables: no table"
grep -q 'type filter hook forward priority filter; policy drop;' "$tmp/out" &&
	ok || ko "nftables: no forward chain with policy drop"
# One line per rule and role pair: smart clients to the recorders' 7563.
grep -qF 'ip saddr @smart_client_v4 ip daddr @recording_server_v4 tcp dport 7563 accept comment "XP-RS-7563: Recording Server service"' \
    "$tmp/out" && ok || ko "nftables: no 7563 line"
cp "$tmp/out" "$tmp/nft1"
run -c "$conf" --firewall nftables
cmp -s "$tmp/out" "$tmp/nft1" && ok || ko "nftables: two runs differ"

# With a log prefix, every drop logs.
run -c "$conf" --firewall nftables --log-prefix "vmswatch drop: "
n=$(grep -c 'log prefix "vmswatch drop: " drop' "$tmp/out")
d=$(grep -c ' drop comment' "$tmp/out")
[ $rc -eq 0 ] && [ "$n" -gt 0 ] && [ "$n" -eq "$d" ] && ok ||
	ko "log prefix: status $rc, $n logged of $d drops"

# Windows: a block per server, nothing for the workstations or cameras.
run -c "$conf" --firewall windows
[ $rc -eq 0 ] && [ ! -s "$tmp/err" ] && ok || ko "windows: status $rc: $(cat "$tmp/err")"
blocks=$(grep -c "^'[a-z0-9]*' {\$" "$tmp/out")
[ "$blocks" -eq 5 ] && ok || ko "windows: $blocks blocks, want 5 (mgmt01 sql01 events01 rec01 rec02)"
grep -q "^'ws01' {" "$tmp/out" && ko "windows: a block for a workstation" || ok
grep -q 'New-NetFirewallRule .*-LocalPort 6473 ' "$tmp/out" &&
	ko "windows: a rule for local-only 6473" || ok
grep -q 'RemoteAddress.*Any' "$tmp/out" && ko "windows: a rule open to Any" || ok
cp "$tmp/out" "$tmp/ps1"
run -c "$conf" --firewall windows
cmp -s "$tmp/out" "$tmp/ps1" && ok || ko "windows: two runs differ"

# -n builds the firewall and prints nothing of it.
run -n -c "$conf" --firewall nftables
[ $rc -eq 0 ] && [ "$(cat "$tmp/out")" = "configuration OK" ] && ok ||
	ko "-n --firewall: status $rc, $(cat "$tmp/out")"

# Refused: an unknown kind, a log prefix without nftables, with -r.
run -c "$conf" --firewall iptables
[ $rc -eq 2 ] && grep -q 'unknown firewall iptables' "$tmp/err" && ok ||
	ko "--firewall iptables: status $rc"
run -c "$conf" --firewall windows --log-prefix x
[ $rc -eq 2 ] && ok || ko "--log-prefix with windows: status $rc"
run -c "$conf" --firewall nftables -r "$src/samples/sample.pcap"
[ $rc -eq 2 ] && ok || ko "--firewall with -r: status $rc"
run -c "$conf" --firewall nftables --log-prefix 'say "hi"'
[ $rc -eq 2 ] && grep -q "^$conf: log prefix" "$tmp/err" && ok ||
	ko "bad log prefix: status $rc: $(cat "$tmp/err")"

# A site's problems stop it with file:line, as they stop -n.
sed 's/"smart_client" ]; description = "operator workstation"; },$/"smart_clinet" ]; },/' \
    "$src/conf/sample-site.conf" >"$tmp/site.conf"
printf 'inventory = "site.conf";\nrules = [ "%s/rules/xprotect.conf" ];\n' \
    "$src" >"$tmp/bad.conf"
line=$(grep -n smart_clinet "$tmp/site.conf" | head -n 1 | cut -d: -f1)
run -c "$tmp/bad.conf" --firewall nftables
[ $rc -eq 2 ] && [ ! -s "$tmp/out" ] &&
    grep -q "^$tmp/site.conf:$line: host ws01: unknown role smart_clinet" "$tmp/err" &&
	ok || ko "unknown role: status $rc: $(cat "$tmp/err")"
# A workstation moved into the camera zone would be cut off.
sed 's/"192.168.20.31"/"192.168.50.31"/' "$src/conf/sample-site.conf" \
    >"$tmp/site.conf"
line=$(grep -n '"192.168.50.31"' "$tmp/site.conf" | cut -d: -f1)
run -c "$tmp/bad.conf" --firewall windows
[ $rc -eq 2 ] && [ ! -s "$tmp/out" ] &&
    grep -q "^$tmp/site.conf:$line: host ws01: address 192.168.50.31 is in a camera zone" "$tmp/err" &&
	ok || ko "camera zone host: status $rc: $(cat "$tmp/err")"
run -n -c "$tmp/bad.conf" --firewall nftables
[ $rc -eq 2 ] && ok || ko "-n --firewall, camera zone host: status $rc"
# Without rules there is nothing to allow.
printf 'inventory = "%s/conf/sample-site.conf";\n' "$src" >"$tmp/norules.conf"
run -c "$tmp/norules.conf" --firewall nftables
[ $rc -eq 2 ] && grep -q "^$tmp/norules.conf: no rules file" "$tmp/err" &&
	ok || ko "no rules: status $rc: $(cat "$tmp/err")"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]

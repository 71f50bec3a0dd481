#!/bin/sh
# operator_input.sh - bad input from an operator (issue #18): every problem
# of the configuration, the inventory or the rules names its file (and line
# when it has one), exits 2 from "vmswatch -n", and never crashes, hangs or
# loads half.  Checked for each of the three files: a directory or a FIFO
# given as the file, a symbolic link loop, a 100 MB file, @include (allowed,
# at most 10 deep), names that are not UTF-8, numbers at and past their
# limits, and duplicate names, addresses and MACs across hosts (also across
# an @included file).
set -u
src=${VW_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
bin=${VMSWATCH:-$src/vmswatch}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
ko() { echo "FAIL: $*"; fail=$((fail + 1)); }

rules=$src/rules/xprotect.conf
mkfifo "$tmp/fifo"
mkdir "$tmp/dir"
ln -s loop2 "$tmp/loop1"
ln -s loop1 "$tmp/loop2"
# 100 MB without writing them: a sparse file.
truncate -s 100M "$tmp/big.conf"

# run FILE WANT: vmswatch -n -c FILE exits 2 with the line WANT.
run() {
	out=$(timeout 10 "$bin" -n -c "$1" 2>&1); rc=$?
	if [ $rc -eq 2 ] && printf '%s\n' "$out" | grep -qxF -- "$2"; then
		ok
	else
		ko "$1: exit $rc, want \"$2\" in: $out"
	fi
}
# good FILE: vmswatch -n -c FILE accepts it.
good() {
	out=$(timeout 10 "$bin" -n -c "$1" 2>/dev/null); rc=$?
	[ $rc -eq 0 ] && [ "$out" = "configuration OK" ] && ok ||
	    ko "$1: exit $rc: $out $(timeout 10 "$bin" -n -c "$1" 2>&1)"
}
# site NAME INV [RULES]: a configuration naming inventory INV, rules RULES.
site() {
	printf 'inventory = "%s";\nrules = [ "%s" ];\n' "$2" "${3:-$rules}" \
	    > "$tmp/$1"
}

# --- Not a regular file, a link loop, too big: each of the three files.
for f in dir fifo loop1 big.conf; do
	case $f in
	dir) why="a directory, not a regular file" ;;
	fifo) why="a FIFO, not a regular file" ;;
	loop1) why="Too many levels of symbolic links" ;;
	big.conf) why="more than 16777216 bytes of configuration (each file read counting 4096 more)" ;;
	esac
	run "$tmp/$f" "$tmp/$f: cannot read the file: $why"
	site "inv-$f.conf" "$tmp/$f"
	run "$tmp/inv-$f.conf" "$tmp/$f: cannot read the file: $why"
	site "rules-$f.conf" "$src/conf/sample-site.conf" "$tmp/$f"
	run "$tmp/rules-$f.conf" "$tmp/$f: cannot read the file: $why"
done

# --- @include: allowed in all three, relative to the including file,
# nested at most 10 deep; an include of a FIFO is refused at its line.
mkdir "$tmp/inc"
printf 'alert = { window = 60; };\n' > "$tmp/inc/alert.conf"
printf '@include "inc/alert.conf"\n' > "$tmp/inc-ok.conf"
good "$tmp/inc-ok.conf"
printf 'hosts = (\n@include "inc/hosts.conf"\n);\n' > "$tmp/inv-inc.conf"
printf '{ name = "cam1"; address = "10.0.0.1"; roles = [ "camera" ]; }\n' \
    > "$tmp/inc/hosts.conf"
site site-inc.conf "$tmp/inv-inc.conf"
good "$tmp/site-inc.conf"
printf 'version = 1;\n@include "inc/rule.conf"\n' > "$tmp/rules-inc.conf"
printf 'rules = ( { id = "S-1"; server = "camera"; ports = 8080;
  transport = "tcp"; protocol = "HTTP"; clients = [ "all_servers" ];
  purpose = "test"; section = "Test"; } );\n' > "$tmp/inc/rule.conf"
site site-rinc.conf "$src/conf/sample-site.conf" "$tmp/rules-inc.conf"
good "$tmp/site-rinc.conf"
# A chain of includes d1 -> d2 -> ... : 10 deep loads, 11 does not.
i=1
while [ $i -le 11 ]; do
	printf '@include "d%d.conf"\n' $((i + 1)) > "$tmp/inc/d$i.conf"
	i=$((i + 1))
done
: > "$tmp/inc/d11.conf"
good "$tmp/inc/d1.conf"
: > "$tmp/inc/d12.conf"
printf '@include "d12.conf"\n' > "$tmp/inc/d11.conf"
run "$tmp/inc/d1.conf" "$tmp/inc/d11.conf:1: @include \"$tmp/inc/d12.conf\": nested more than 10 deep"
printf 'hosts = (\n@include "fifo"\n);\n' > "$tmp/inv-incfifo.conf"
site site-incfifo.conf "$tmp/inv-incfifo.conf"
run "$tmp/site-incfifo.conf" "$tmp/inv-incfifo.conf:2: @include \"$tmp/fifo\": a FIFO, not a regular file"
printf 'version = 1;\n@include "rules-loop.conf"\n' > "$tmp/rules-loop.conf"
site site-rloop.conf "$src/conf/sample-site.conf" "$tmp/rules-loop.conf"
run "$tmp/site-rloop.conf" "$tmp/rules-loop.conf:2: @include \"$tmp/rules-loop.conf\": an include loop (the file is already being read)"

# --- Names that are not UTF-8 (a Latin-1 é), or hold a control character.
printf 'daemon = {\n\tuser = "caf\351";\n};\n' > "$tmp/latin1.conf"
run "$tmp/latin1.conf" "$tmp/latin1.conf:2: daemon.user: not valid UTF-8 (byte 0xe9 at offset 3)"
printf 'hosts = (\n { name = "cam\351ra"; address = "10.0.0.1"; roles = [ "camera" ]; }\n);\n' \
    > "$tmp/inv-latin1.conf"
site site-latin1.conf "$tmp/inv-latin1.conf"
run "$tmp/site-latin1.conf" "$tmp/inv-latin1.conf:2: host name: not valid UTF-8 (byte 0xe9 at offset 3)"
printf 'zones = (\n { name = "a\\tb"; networks = [ "10.0.0.0/24" ]; }\n);\n' \
    > "$tmp/inv-ctrl.conf"
site site-ctrl.conf "$tmp/inv-ctrl.conf"
run "$tmp/site-ctrl.conf" "$tmp/inv-ctrl.conf:2: zone name: a control character (byte 0x09 at offset 1)"
sed "s/purpose = \"test\"/purpose = \"t$(printf "\351")st\"/" "$tmp/inc/rule.conf" > "$tmp/rules-latin1.conf"
site site-rlatin1.conf "$src/conf/sample-site.conf" "$tmp/rules-latin1.conf"
run "$tmp/site-rlatin1.conf" "$tmp/rules-latin1.conf:3: purpose: not valid UTF-8 (byte 0xe9 at offset 1)"
# UTF-8 itself is welcome.
printf 'hosts = (\n { name = "caméra-1"; address = "10.0.0.1"; roles = [ "camera" ]; }\n);\n' \
    > "$tmp/inv-utf8.conf"
site site-utf8.conf "$tmp/inv-utf8.conf"
good "$tmp/site-utf8.conf"

# --- Numbers at and past their limits.
printf 'flow = {\n\tmax_flows = 67108864;\n\ttcp_idle = "1d";\n};\n' > "$tmp/max.conf"
good "$tmp/max.conf"
printf 'flow = {\n\tmax_flows = 67108865;\n};\n' > "$tmp/over.conf"
run "$tmp/over.conf" "$tmp/over.conf:2: flow.max_flows: 67108865 is out of range 16..67108864"
printf 'flow = {\n\tmax_flows = 4294967312;\n};\n' > "$tmp/wrap.conf"
run "$tmp/wrap.conf" "$tmp/wrap.conf:2: 4294967312 is out of range: libconfig reads an integer past 32 bits wrapped (write it with L for 64 bits)"
printf 'flow = {\n\tmax_flows = 9223372036854775808L;\n};\n' > "$tmp/wrap64.conf"
run "$tmp/wrap64.conf" "$tmp/wrap64.conf:2: 9223372036854775808L is out of range: libconfig reads an integer past 32 bits wrapped (write it with L for 64 bits)"
for v in 1 4094 0 4095; do
	printf 'zones = (\n { name = "z"; networks = [ "10.0.0.0/24" ];\n   vlans = [ %d ]; }\n);\n' $v \
	    > "$tmp/inv-vlan$v.conf"
	site "site-vlan$v.conf" "$tmp/inv-vlan$v.conf"
	case $v in
	1|4094) good "$tmp/site-vlan$v.conf" ;;
	*) run "$tmp/site-vlan$v.conf" "$tmp/inv-vlan$v.conf:3: zone z: vlans: $v is out of range 1..4094" ;;
	esac
done
for v in 1 65535 0 65536; do
	sed "s/ports = 8080/ports = $v/" "$tmp/inc/rule.conf" > "$tmp/rules-port$v.conf"
	site "site-port$v.conf" "$src/conf/sample-site.conf" "$tmp/rules-port$v.conf"
	case $v in
	1|65535) good "$tmp/site-port$v.conf" ;;
	*) run "$tmp/site-port$v.conf" "$tmp/rules-port$v.conf:1: ports: a port 1..65535, \"lo-hi\" or \"any\" is expected" ;;
	esac
done

# --- Duplicates across hosts, also across an @included file.
cat > "$tmp/inv-dup.conf" <<'INV'
hosts = (
 { name = "cam1"; address = "10.0.0.1"; macs = [ "00:11:22:33:44:01" ]; roles = [ "camera" ]; },
@include "inc/more.conf"
);
INV
cat > "$tmp/inc/more.conf" <<'INV'
 { name = "cam2"; address = "10.0.0.1"; roles = [ "camera" ]; },
 { name = "cam3"; address = "10.0.0.3"; macs = [ "00:11:22:33:44:01" ]; roles = [ "camera" ]; },
 { name = "cam1"; address = "10.0.0.4"; roles = [ "camera" ]; },
 { name = "cam5"; addresses = [ "10.0.0.5", "10.0.0.5" ]; roles = [ "camera" ]; }
INV
site site-dup.conf "$tmp/inv-dup.conf"
run "$tmp/site-dup.conf" "$tmp/inc/more.conf:3: host cam1 defined twice (also at $tmp/inv-dup.conf:2)"
# Names are checked while reading, addresses and MACs once all are read:
# fix the name and the rest shows.
sed -i 's/name = "cam1"; address = "10.0.0.4"/name = "cam4"; address = "10.0.0.4"/' "$tmp/inc/more.conf"
run "$tmp/site-dup.conf" "$tmp/inc/more.conf:1: host cam2: address 10.0.0.1 already belongs to cam1 ($tmp/inv-dup.conf:2)"
run "$tmp/site-dup.conf" "$tmp/inc/more.conf:2: host cam3: MAC 00:11:22:33:44:01 already belongs to cam1 ($tmp/inv-dup.conf:2)"
run "$tmp/site-dup.conf" "$tmp/inc/more.conf:4: host cam5: address 10.0.0.5 listed twice"
printf 'hosts = (\n { name = "c"; address = "10.0.0.1"; addresses = [ "10.0.0.2" ]; roles = [ "camera" ]; }\n);\n' \
    > "$tmp/inv-both.conf"
site site-both.conf "$tmp/inv-both.conf"
run "$tmp/site-both.conf" "$tmp/inv-both.conf:2: host c: address and addresses both given (one is enough: addresses is read)"
# The same key twice in one group: libconfig refuses it at its line.
printf 'flow = {\n\ttcp_idle = 10;\n\ttcp_idle = 20;\n};\n' > "$tmp/twice.conf"
run "$tmp/twice.conf" "$tmp/twice.conf:3: duplicate setting name"
# Rule ids across two files.
site site-rdup.conf "$src/conf/sample-site.conf" "$tmp/rules-inc.conf"
printf 'inventory = "%s/conf/sample-site.conf";\nrules = [ "%s", "%s" ];\n' \
    "$src" "$tmp/rules-inc.conf" "$tmp/inc/rule.conf" > "$tmp/site-rdup.conf"
run "$tmp/site-rdup.conf" "$tmp/inc/rule.conf:1: duplicate rule id \"S-1\" (first defined at $tmp/inc/rule.conf:1)"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]

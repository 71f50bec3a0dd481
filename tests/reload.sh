#!/bin/sh
# reload.sh - nothing in a configuration file ends the sensor.  The
# sensor runs on the loopback of a network namespace of its own
# (unshare -n: no name to collide with, nothing outside it reachable);
# its configuration @includes a file beside it.  Checked:
#   - -n accepts the configuration and the relative @include;
#   - -n refuses an @include of a folder ("/", on which libconfig 1.5's
#     scanner exits the process), of a FIFO (on which it blocks) and of a
#     missing file, each as file:line naming the included file, exit 2;
#   - SIGHUP with each of them: the sensor logs the same error, keeps the
#     configuration in force and keeps running; a later SIGHUP with a
#     valid file is applied;
#   - SIGTERM then ends it with exit status 0.
# Exit 77 (skipped) without root or unshare -n.
set -u
src=${VW_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
bin=${VMSWATCH:-$src/vmswatch}
PATH=$PATH:/usr/sbin:/sbin

skip() { echo "reload.sh: skipped: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "needs root (network namespace, AF_PACKET)"
command -v unshare >/dev/null 2>&1 || skip "no unshare"
command -v ip >/dev/null 2>&1 || skip "no ip"
getent passwd nobody >/dev/null || skip "no user nobody"
unshare -n true 2>/dev/null || skip "unshare -n does not work here"

tmp=$(mktemp -d)
pid=''
cleanup() {
	[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
pass=0 fail=0
ok() { pass=$((pass + 1)); }
ko() { echo "FAIL: $*"; fail=$((fail + 1)); }

# The sensor reads its files again as nobody.
chmod 755 "$tmp"
mkdir "$tmp/site.d"
conf=$tmp/vmswatch.conf
cat > "$tmp/base.conf" <<'CONF'
capture = { interfaces = [ "lo" ]; workers = 1; };
daemon = { user = "nobody"; stats_interval = 0; };
@include "site.d/alert.conf"
CONF
printf 'alert = { window = 120; };\n' > "$tmp/site.d/alert.conf"
cp "$tmp/base.conf" "$conf"
mkfifo "$tmp/fifo"
chmod 644 "$conf" "$tmp/base.conf" "$tmp/site.d/alert.conf"

# (It names no inventory: -n warns of that on standard error.)
out=$("$bin" -n -c "$conf" 2>/dev/null); rc=$?
[ $rc -eq 0 ] && [ "$out" = "configuration OK" ] && ok || ko "-n on the good file: $rc $out"

# Each broken @include: what -n says, at the line it is on.
check_n() {
	name=$1 want=$2
	{ cat "$tmp/base.conf"; printf '@include "%s"\n' "$name"; } > "$conf"
	out=$(timeout 10 "$bin" -n -c "$conf" 2>&1); rc=$?
	[ $rc -eq 2 ] && echo "$out" | grep -qxF "$conf:4: @include \"$want" &&
	    ok || ko "-n with @include \"$name\": exit $rc: $out"
}
check_n / "/\": a directory, not a regular file"
check_n fifo "$tmp/fifo\": a FIFO, not a regular file"
check_n none.conf "$tmp/none.conf\": No such file or directory"
echo "$out" | grep -q "flex" && ko "libconfig's scanner spoke: $out" || ok

cp "$tmp/base.conf" "$conf"
# The log exists before the sensor's shell opens it: the first look at it
# may come first.
: > "$tmp/log"
unshare -n sh -c 'ip link set lo up && exec "$0" -f -c "$1"' "$bin" "$conf" \
    2>> "$tmp/log" &
pid=$!
# Waits up to 10 s for line $1 to appear $2 times in the log.
wait_log() {
	i=0
	while [ "$(grep -cF -- "$1" "$tmp/log")" -lt "$2" ] && [ $i -lt 100 ]; do
		kill -0 "$pid" 2>/dev/null || return 1
		sleep 0.1
		i=$((i + 1))
	done
	[ "$(grep -cF -- "$1" "$tmp/log")" -ge "$2" ]
}
wait_log "capturing on 1 interface(s) (lo)" 1 && ok || {
	ko "the sensor did not start: $(tail -n 5 "$tmp/log")"
	echo "$pass passed, $fail failed"
	exit 1
}

n=0
for name in / fifo none.conf; do
	n=$((n + 1))
	{ cat "$tmp/base.conf"; printf '@include "%s"\n' "$name"; } > "$conf"
	kill -HUP "$pid"
	wait_log "the configuration in force stays" $n &&
	    kill -0 "$pid" 2>/dev/null && ok ||
	    ko "SIGHUP with @include \"$name\": $(tail -n 5 "$tmp/log")"
done
grep -qF "$conf:4: @include \"/\": a directory, not a regular file" "$tmp/log" &&
    ok || ko "the reload error does not name file, line and folder"
grep -qF "$conf:4: @include \"$tmp/fifo\": a FIFO, not a regular file" "$tmp/log" &&
    ok || ko "the reload error does not name the FIFO"

cp "$tmp/base.conf" "$conf"
printf 'alert = { window = 300; };\n' > "$tmp/site.d/alert.conf"
kill -HUP "$pid"
wait_log "reload: $conf, inventory and rules in force" 1 && ok ||
    ko "a valid reload after the refused ones: $(tail -n 5 "$tmp/log")"
# Compared with the configuration in force, the first one's (window 120),
# the new window is a change for the next start; nothing else was.
[ "$(grep -c "take effect at the next start" "$tmp/log")" = 1 ] && ok ||
    ko "the reload did not compare with the first configuration: $(tail -n 5 "$tmp/log")"

kill -TERM "$pid"
wait "$pid"; rc=$?
pid=''
[ $rc -eq 0 ] && ok || ko "exit status $rc after SIGTERM"
grep -q "flex" "$tmp/log" && ko "libconfig's scanner spoke: $(grep flex "$tmp/log")" || ok

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]

#!/bin/sh
# interrupt.sh - SIGINT or SIGTERM during -r: the reading stops, the open
# flows are ended, their records and alerts written, the summary printed,
# and the exit status is 130 or 143.  The sample is fed through a pipe
# that then stays open, so vmswatch has read it all and waits for more
# when the signal comes: its output must then be exactly that of a whole
# run, every line complete.
set -u
src=${VW_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
build=${VW_BUILDDIR:-$src}
bin=${VMSWATCH:-$build/vmswatch}
tmp=$(mktemp -d) || exit 99
pids=
trap 'for p in $pids; do kill $p 2>/dev/null; done; rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
ko() { echo "FAIL: $*"; fail=$((fail + 1)); }
conf="$src/conf/sample.conf"
pcap="$src/samples/sample.pcap"

"$bin" -c "$conf" -r "$pcap" --flows - >"$tmp/whole" 2>"$tmp/whole.err"

for sig in INT TERM; do
	want=$([ $sig = INT ] && echo 130 || echo 143)
	mkfifo "$tmp/fifo.$sig"
	# The writer keeps the pipe open after the capture: no end of input.
	(cat "$pcap"; : >"$tmp/written.$sig"; exec sleep 60) \
	    >"$tmp/fifo.$sig" &
	writer=$!
	pids="$pids $writer"
	"$bin" -c "$conf" -r - --flows - <"$tmp/fifo.$sig" \
	    >"$tmp/out.$sig" 2>"$tmp/err.$sig" &
	vw=$!
	# Signal it once it has read the whole sample and waits for more:
	# the capture written, nothing left in the pipe, the process
	# asleep on five looks in a row.  (A slow machine or a sanitizer
	# build takes its time to start.)
	if ! python3 - "$tmp/written.$sig" "$tmp/fifo.$sig" $vw <<'PY'
import fcntl, os, struct, sys, termios, time
marker, fifo, pid = sys.argv[1], sys.argv[2], sys.argv[3]
quiet, end = 0, time.time() + 60
while time.time() < end and quiet < 5:
    time.sleep(0.1)
    if not os.path.exists(marker):
        continue
    fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    left = struct.unpack("i", fcntl.ioctl(fd, termios.FIONREAD, b"\0" * 4))[0]
    os.close(fd)
    state = open("/proc/%s/stat" % pid).read().rsplit(")", 1)[1].split()[0]
    quiet = quiet + 1 if left == 0 and state == "S" else 0
sys.exit(0 if quiet >= 5 else 1)
PY
	then
		ko "SIG$sig: vmswatch did not finish reading the pipe"
	fi
	kill -$sig $vw
	wait $vw
	rc=$?
	kill $writer 2>/dev/null
	[ $rc -eq $want ] && ok || ko "SIG$sig: exit status $rc, want $want"
	cmp -s "$tmp/whole" "$tmp/out.$sig" && ok ||
	    ko "SIG$sig: output differs from a whole run" \
	    "($(wc -l <"$tmp/out.$sig") lines, $(wc -l <"$tmp/whole"))"
	# The last line complete: the output ends with a newline.
	[ "$(tail -c 1 "$tmp/out.$sig" | od -An -c | tr -d ' ')" = '\n' ] &&
	    ok || ko "SIG$sig: last line torn"
	grep -q '^packets  *1934$' "$tmp/err.$sig" &&
	    grep -q '^alerts' "$tmp/err.$sig" &&
	    grep -q "interrupted by signal" "$tmp/err.$sig" && ok ||
	    ko "SIG$sig: summary incomplete: $(cat "$tmp/err.$sig")"
done

echo "interrupt.sh: $pass passed, $fail failed"
[ $fail -eq 0 ]

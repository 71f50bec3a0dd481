#!/bin/sh
# interrupt.sh - SIGINT or SIGTERM during -r: the reading stops, the open
# flows are ended, their records and alerts written, the summary printed,
# and the exit status is 130 or 143.  The sample is fed through a pipe
# that then stays open, so vmswatch has read it all and waits for more
# when the signal comes: its output must then be exactly that of a whole
# run, every line complete.  Then several workers reading a regular file
# (each reads it itself) are stopped mid-read: all must stop at the same
# frame, so that the output is exactly one worker's on the capture cut
# after the summary's count of packets.
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

# Several workers, stopped mid-read.  The process is frozen (SIGSTOP)
# once its workers have read a twentieth of the capture in all, signalled,
# and let go: the signal lands mid-read however fast the machine is (a
# worker with little of the traffic reads ahead of the others, and all
# stop at the furthest one's frame).
mkcammix=$build/tools/mkcammix
if [ -x "$mkcammix" ] && command -v python3 >/dev/null 2>&1; then
	"$mkcammix" -n 120000 -o "$tmp/mix.pcap" -I "$tmp/site.conf" \
	    >/dev/null 2>&1 || ko "mkcammix could not write the capture"
	printf 'inventory = "%s/site.conf";\nrules = [ "%s/rules/xprotect.conf" ];\n' \
	    "$tmp" "$src" >"$tmp/mix.conf"
	size=$(wc -c <"$tmp/mix.pcap")
	for workers in 2 3; do
		got=
		for try in 1 2 3; do
			python3 - $((size / 20)) "$tmp/w.out" "$tmp/w.err" \
			    "$bin" -c "$tmp/mix.conf" --workers $workers \
			    -r "$tmp/mix.pcap" --flows - <<'PY'
import os, signal, subprocess, sys, time
want, out, err = int(sys.argv[1]), sys.argv[2], sys.argv[3]
p = subprocess.Popen(sys.argv[4:], stdout=open(out, "wb"),
    stderr=open(err, "wb"))
while p.poll() is None:
    try:
        io = open("/proc/%d/io" % p.pid).read()
        rchar = int(io.split("rchar:")[1].split()[0])
    except (OSError, IndexError, ValueError):
        break
    if rchar >= want:
        os.kill(p.pid, signal.SIGSTOP)
        os.kill(p.pid, signal.SIGINT)
        os.kill(p.pid, signal.SIGCONT)
        break
    time.sleep(0.001)
rc = p.wait()
sys.exit(rc if rc >= 0 else 128 - rc)
PY
			rc=$?
			if [ $rc -eq 130 ]; then
				got=1
				break
			fi
		done
		if [ -z "$got" ]; then
			ko "$workers workers: never stopped mid-read (exit $rc)"
			continue
		fi
		ok
		n=$(awk '$1 == "packets" { print $2 }' "$tmp/w.err")
		sum=$(awk '$1 == "workers" { s = 0; for (i = 3; i <= NF; i++) s += $i; print s }' "$tmp/w.err")
		# Stopped, and not at the end: a prefix of the capture.
		if [ -z "$n" ] || [ "$n" -le 0 ] || [ "$n" -ge 120000 ]; then
			ko "$workers workers: stopped at packet '$n'"
			continue
		fi
		[ "$sum" = "$n" ] && ok ||
		    ko "$workers workers: their packets add up to $sum, not $n"
		python3 - "$tmp/mix.pcap" "$tmp/cut.pcap" "$n" <<'PY'
import struct, sys
src, dst, n = open(sys.argv[1], "rb"), open(sys.argv[2], "wb"), int(sys.argv[3])
hdr = src.read(24)
end = "<" if hdr[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
dst.write(hdr)
for _ in range(n):
    rec = src.read(16)
    dst.write(rec + src.read(struct.unpack(end + "IIII", rec)[2]))
PY
		"$bin" -c "$tmp/mix.conf" --workers 1 -r "$tmp/cut.pcap" \
		    --flows - >"$tmp/cut.out" 2>"$tmp/cut.err"
		if cmp -s "$tmp/cut.out" "$tmp/w.out"; then
			ok
		else
			ko "$workers workers stopped at packet $n: output" \
			    "differs from one worker's on the first $n" \
			    "($(wc -l <"$tmp/w.out") lines, $(wc -l <"$tmp/cut.out"))"
		fi
	done
else
	echo "note: tools/mkcammix or python3 missing: the workers' stop not tested"
fi

echo "interrupt.sh: $pass passed, $fail failed"
[ $fail -eq 0 ]

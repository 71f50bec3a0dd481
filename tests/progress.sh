#!/bin/sh
# progress.sh - the progress line on a terminal: shown while a capture is
# read (here from a pipe fed slowly, under script(1) for a terminal), and
# ended with a newline before an alert is written below it, so that no
# alert starts on the end of the progress line.
set -u
src=${VW_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
build=${VW_BUILDDIR:-$src}
bin=${VMSWATCH:-$build/vmswatch}
mkcammix=$build/tools/mkcammix
for t in script python3; do
	if ! command -v $t >/dev/null 2>&1; then
		echo "skipped: $t not found"
		exit 77
	fi
done
if [ ! -x "$mkcammix" ]; then
	echo "skipped: $mkcammix not built"
	exit 77
fi
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT

# 140000 frames: more than two chunks of the reader (65536), the ends of
# which draw the progress line; alerts come between them.
if ! "$mkcammix" -n 140000 -o "$tmp/mix.pcap" -I "$tmp/site.conf" \
    >"$tmp/mkcammix.out" 2>&1; then
	echo "FAIL: $mkcammix could not write the capture:"
	cat "$tmp/mkcammix.out"
	exit 99
fi
printf 'inventory = "%s/site.conf";\nrules = [ "%s/rules/xprotect.conf" ];\noutput = { progress_secs = 1; };\n' \
    "$tmp" "$src" >"$tmp/vmswatch.conf"
cat >"$tmp/feed.py" <<'PY'
import sys, time
f, out = open(sys.argv[1], "rb"), sys.stdout.buffer
while True:
    b = f.read(4 << 20)
    if not b:
        break
    out.write(b)
    out.flush()
    time.sleep(0.1)
PY
# Alerts (stdout) and the progress line (stderr) on the same terminal.
script -qec "python3 '$tmp/feed.py' '$tmp/mix.pcap' | '$bin' -q -c '$tmp/vmswatch.conf' -r -" \
    "$tmp/typescript" >/dev/null 2>&1
python3 - "$tmp/typescript" <<'PY'
import re, sys
text = open(sys.argv[1], "rb").read().decode("utf-8", "replace")
# The terminal's lines; a progress line is drawn after a carriage return.
lines = text.replace("\r\n", "\n").split("\n")
prog = [i for i, l in enumerate(lines) if re.search(r"-: \d+ packets, \d+ packets/s", l)]
fail = []
if not prog:
    fail.append("no progress line was drawn")
for i in prog:
    # What follows the progress text on its line: nothing but blanks
    # and carriage returns (no alert appended to it).
    tail = re.split(r"packets/s", lines[i])[-1]
    if tail.strip(" \r"):
        fail.append("text after the progress line: %r" % lines[i][-120:])
    nxt = lines[i + 1].strip(" \r") if i + 1 < len(lines) else ""
    if nxt and not re.match(r"\d{4}-\d\d-\d\dT", nxt):
        fail.append("the line after the progress line is no alert: %r"
                    % lines[i + 1][:80])
for f in fail:
    print("FAIL: " + f)
print("progress.sh: %d progress lines" % len(prog))
sys.exit(1 if fail else 0)
PY

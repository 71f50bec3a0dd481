#!/bin/sh
# report-screenshot.sh OUT.png - the sample's coverage report (vmswatch
# --report on samples/sample.pcap) as headless Chromium shows it: the
# README's picture.  Needs Debian's chromium.
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
bin=${VMSWATCH:-$src/vmswatch}
out=$1
chrome=$(command -v chromium || command -v chromium-browser) || {
	echo "report-screenshot.sh: chromium not found" >&2
	exit 1
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$bin" -q -c "$src/conf/sample.conf" -r "$src/samples/sample.pcap" \
    --report "$tmp/rep" >/dev/null || [ $? -eq 1 ]
HOME="$tmp" "$chrome" --headless --no-sandbox --disable-gpu --no-first-run \
    --user-data-dir="$tmp/profile" --hide-scrollbars --window-size=1000,1000 \
    --screenshot="$tmp/shot.png" "file://$tmp/rep/report.html" 2>/dev/null
cp "$tmp/shot.png" "$out"

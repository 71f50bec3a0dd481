#!/bin/sh
# synthetic.sh - end-to-end acceptance over the synthetic XProtect site of
# ../shared/pcap/synthetic: its JSON inventory is converted to vmswatch's
# inventory format, vmswatch reads scenario-dev.pcap with the XProtect rules
# and writes its alerts as JSON, and tests/synthetic/score.py scores them
# against the truth (every required kind a-f reported, no false alert,
# every unknown device reported).  Nothing of ../shared is copied into the
# tree.  Skipped (exit 77) when ../shared is not beside the source tree.
set -u
src=${VW_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
build=${VW_BUILDDIR:-$src}
bin=${VMSWATCH:-$build/vmswatch}
shared=${VW_SHARED:-$src/../shared}
dir="$shared/pcap/synthetic"
pcap="$dir/scenario-dev.pcap"
truth="$dir/scenario-dev.truth.json"
inv="$dir/scenario-dev.inventory.json"
for f in "$pcap" "$truth" "$inv"; do
	if [ ! -f "$f" ]; then
		echo "skipped: $f not present"
		exit 77
	fi
done
if ! command -v python3 >/dev/null 2>&1; then
	echo "skipped: python3 not found"
	exit 77
fi
if [ ! -x "$bin" ]; then
	echo "FAIL: $bin not built"
	exit 99
fi
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT

# A libconfig string: backslashes and double quotes escaped.
cfgstr() {
	printf '"%s"' "$(printf '%s' "$1" | sed 's/[\\"]/\\&/g')"
}

if ! python3 "$src/tests/synthetic/inventory_from_json.py" "$inv" \
    "$tmp/site.conf"; then
	echo "FAIL: cannot convert $inv"
	exit 1
fi

# The site's configuration.  It enabled the cameras' event messages on
# 5432 (disabled by default in the guide).
conf="inventory = $(cfgstr "$tmp/site.conf");
rules = [ $(cfgstr "$src/rules/xprotect.conf") ];
policy = { enabled = [ \"XP-RS-5432\", \"XP-FO-5432\" ]; };"
printf '%s\n' "$conf" >"$tmp/vmswatch.conf"

"$bin" -q --workers 2 -c "$tmp/vmswatch.conf" -r "$pcap" --format json \
    >"$tmp/alerts.jsonl" 2>"$tmp/err"
rc=$?
# 0: nothing found, 1: violations found; 2 (or anything else): an error.
if [ $rc -ne 0 ] && [ $rc -ne 1 ]; then
	echo "FAIL: vmswatch exit status $rc"
	cat "$tmp/err"
	echo "--- configuration"
	cat "$tmp/vmswatch.conf"
	exit 1
fi

python3 "$src/tests/synthetic/score.py" "$truth" "$tmp/alerts.jsonl" \
    >"$tmp/score" 2>&1
st=$?
if [ $st -ne 0 ]; then
	echo "--- vmswatch exit status $rc, standard error:"
	cat "$tmp/err"
	echo "--- alerts"
	cat "$tmp/alerts.jsonl"
	echo "--- score"
fi
cat "$tmp/score"
exit $st

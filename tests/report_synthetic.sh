#!/bin/sh
# report_synthetic.sh - the coverage report on the synthetic XProtect site
# of ../shared/pcap/synthetic, checked by tests/report_check.py against
# the site's ground truth: every documented flow under a rule that names
# its hosts and port, every violating flow in the undocumented section
# with its kinds, the unknown devices among the hosts with their alerts,
# the counts of documented flows, media streams, packets and flows.
# Nothing of ../shared is copied into the tree.  Skipped (exit 77) when
# ../shared is not beside the source tree.
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
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT

cfgstr() {
	printf '"%s"' "$(printf '%s' "$1" | sed 's/[\\"]/\\&/g')"
}
if ! python3 "$src/tests/synthetic/inventory_from_json.py" "$inv" \
    "$tmp/site.conf"; then
	echo "FAIL: cannot convert $inv"
	exit 1
fi
# As tests/synthetic.sh: the site enabled the cameras' event messages.
printf '%s\n' "inventory = $(cfgstr "$tmp/site.conf");
rules = [ $(cfgstr "$src/rules/xprotect.conf") ];
policy = { enabled = [ \"XP-RS-5432\", \"XP-FO-5432\" ]; };" \
    >"$tmp/vmswatch.conf"

"$bin" -q --workers 2 -c "$tmp/vmswatch.conf" -r "$pcap" --format json \
    --flows "$tmp/flows.jsonl" --report "$tmp/rep" \
    >"$tmp/alerts.jsonl" 2>"$tmp/err"
rc=$?
if [ $rc -ne 0 ] && [ $rc -ne 1 ]; then
	echo "FAIL: vmswatch exit status $rc"
	cat "$tmp/err"
	exit 1
fi
python3 "$src/tests/report_check.py" "$tmp/rep/report.json" \
    "$tmp/alerts.jsonl" "$tmp/flows.jsonl" "$tmp/site.conf" \
    "$src/rules/xprotect.conf" "$truth" || exit 1
echo "report_synthetic.sh: report.json agrees with the truth"

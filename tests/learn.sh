#!/bin/sh
# learn.sh - vmswatch --learn on the bundled sample site and on the
# synthetic site of ../shared/pcap/synthetic (skipped when absent): the
# draft passes -n as it is, and tests/learn_score.py compares its roles
# and MACs with the site's inventory and prints the share right.  Every
# VMS host of the sample must be right but the SQL server (its only flow
# in the capture is a planted violation); of the synthetic site every one
# but the management client (its flows are all ones the rules give the
# smart client too: the draft says so beside its role).  No intruder may
# get a VMS role.
set -u
src=${VW_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
build=${VW_BUILDDIR:-$src}
bin=${VMSWATCH:-$build/vmswatch}
shared=${VW_SHARED:-$src/../shared}
syn="$shared/pcap/synthetic"
if ! command -v python3 >/dev/null 2>&1; then
	echo "skipped: python3 not found"
	exit 77
fi
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
fail=0

# learn NAME PCAP SITE.conf MIN_VMS_SHARE
learn() {
	printf 'rules = [ "%s/rules/xprotect.conf" ];\n' "$src" >"$tmp/$1.conf"
	"$bin" -q --workers 2 -c "$tmp/$1.conf" -r "$2" \
	    --learn "$tmp/$1.draft" >/dev/null 2>"$tmp/$1.err"
	rc=$?
	# 0: no violation, 1: violations (no inventory: nDPI's risks only).
	if [ $rc -gt 1 ]; then
		echo "FAIL: $1: vmswatch exit status $rc"
		cat "$tmp/$1.err"
		fail=1
		return
	fi
	printf 'inventory = "%s";\nrules = [ "%s/rules/xprotect.conf" ];\n' \
	    "$tmp/$1.draft" "$src" >"$tmp/$1.check.conf"
	if ! "$bin" -n -i lo -c "$tmp/$1.check.conf" >"$tmp/$1.n" 2>&1; then
		echo "FAIL: $1: -n refuses the draft:"
		cat "$tmp/$1.n"
		fail=1
	fi
	echo "--- $1"
	python3 "$src/tests/learn_score.py" "$tmp/$1.draft" "$3" "$4" || {
		fail=1
		cat "$tmp/$1.draft"
	}
}

learn sample "$src/samples/sample.pcap" "$src/conf/sample-site.conf" 0.9
# The summary on standard error, once.
"$bin" --workers 2 -c "$tmp/sample.conf" -r "$src/samples/sample.pcap" --learn \
    "$tmp/again.draft" >/dev/null 2>"$tmp/err"
[ "$(grep -c '^learn ' "$tmp/err")" = 1 ] || {
	echo "FAIL: no learn summary:"; cat "$tmp/err"; fail=1; }
cmp -s "$tmp/again.draft" "$tmp/sample.draft" || {
	echo "FAIL: two drafts of one capture differ"; fail=1; }

if [ -f "$syn/scenario-dev.pcap" ] && [ -f "$syn/scenario-dev.inventory.json" ]; then
	python3 "$src/tests/synthetic/inventory_from_json.py" \
	    "$syn/scenario-dev.inventory.json" "$tmp/syn-site.conf" || exit 1
	learn synthetic "$syn/scenario-dev.pcap" "$tmp/syn-site.conf" 0.95
else
	echo "synthetic site not present: only the sample learned"
fi
exit $fail

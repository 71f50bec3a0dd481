#!/bin/sh
# report.sh - the coverage report (--report) on the bundled sample: its
# report.json checked by tests/report_check.py against the same run's
# alerts and flow records and the sample's inventory and rules; the
# Markdown variant; the options' errors; a report folder that cannot be
# made is an error, not a silent success.
set -u
src=${VW_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
build=${VW_BUILDDIR:-$src}
bin=${VMSWATCH:-$build/vmswatch}
if ! command -v python3 >/dev/null 2>&1; then
	echo "skipped: python3 not found"
	exit 77
fi
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
ko() { echo "FAIL: $*"; fail=$((fail + 1)); }

"$bin" -q --workers 2 -c "$src/conf/sample.conf" -r "$src/samples/sample.pcap" \
    --format json --flows "$tmp/flows.jsonl" --report "$tmp/rep" \
    >"$tmp/alerts.jsonl" 2>"$tmp/err"
rc=$?
# 1: the sample breaks the documented flows.
[ $rc -eq 1 ] && ok || ko "exit status $rc: $(cat "$tmp/err")"
[ -s "$tmp/rep/report.json" ] && [ -s "$tmp/rep/report.html" ] && ok ||
    ko "report.json or report.html missing: $(ls "$tmp/rep" 2>&1)"
if python3 "$src/tests/report_check.py" "$tmp/rep/report.json" \
    "$tmp/alerts.jsonl" "$tmp/flows.jsonl" "$src/conf/sample-site.conf" \
    "$src/rules/xprotect.conf"; then ok; else ko "report.json"; fi
# No temporary file is left beside the report.
[ "$(ls "$tmp/rep" | sort | tr '\n' ' ')" = "report.html report.json " ] &&
    ok || ko "report folder holds $(ls "$tmp/rep")"

# The page fetches nothing: no URL but the SVG namespace.
if grep -Eo '(src|href)=|https?://[^"]*|@import|url\(' "$tmp/rep/report.html" |
    grep -v '^http://www.w3.org/2000/svg$' | grep -q .; then
	ko "report.html refers to something outside itself"
else
	ok
fi

# The same run gives the same report (packet time only).
"$bin" -q -c "$src/conf/sample.conf" -r "$src/samples/sample.pcap" \
    --report "$tmp/rep2" >/dev/null 2>&1
cmp -s "$tmp/rep/report.json" "$tmp/rep2/report.json" &&
    cmp -s "$tmp/rep/report.html" "$tmp/rep2/report.html" && ok ||
    ko "two runs give different reports"

# Markdown: report.md with the same rules used and never seen.
"$bin" -q -c "$src/conf/sample.conf" -r "$src/samples/sample.pcap" \
    --report "$tmp/md" --report-format md >/dev/null 2>&1
if [ -s "$tmp/md/report.md" ] && [ ! -e "$tmp/md/report.html" ] &&
    python3 - "$tmp/md/report.json" "$tmp/md/report.md" <<'PY'
import json, re, sys
rep = json.load(open(sys.argv[1]))
md = open(sys.argv[2]).read()
used = {d["rule"] for d in rep["documented"] if d["flows"]}
never = set(rep["never_seen"])
part = md.split("## Documented flows")[1].split("## Documented, never")[0]
got = {r.replace("\\", "") for r in re.findall(r"^\| (XP-[^ ]+) \|", part, re.M)}
nev = md.split("## Documented, never seen")[1].split("## ")[0]
gotnev = {r.replace("\\", "") for r in re.findall(r"^- (XP-\S+)", nev, re.M)}
sys.exit(0 if got == used and gotnev == never and used else 1)
PY
then ok; else ko "report.md does not match report.json"; fi

# Errors: a report needs -r; a format needs --report; unknown formats.
"$bin" -c "$src/conf/sample.conf" --report-format md \
    -r "$src/samples/sample.pcap" >/dev/null 2>"$tmp/e1"
[ $? -eq 2 ] && grep -q "report-format needs --report" "$tmp/e1" && ok ||
    ko "--report-format without --report: $(cat "$tmp/e1")"
"$bin" -c "$src/conf/sample.conf" --report "$tmp/x" --report-format pdf \
    -r "$src/samples/sample.pcap" >/dev/null 2>"$tmp/e2"
[ $? -eq 2 ] && grep -q "unknown report format pdf" "$tmp/e2" && ok ||
    ko "--report-format pdf: $(cat "$tmp/e2")"
# A folder that cannot be made (its parent is a file): exit status 2.
: >"$tmp/file"
"$bin" -q -c "$src/conf/sample.conf" -r "$src/samples/sample.pcap" \
    --report "$tmp/file/rep" >/dev/null 2>"$tmp/e3"
[ $? -eq 2 ] && grep -q "report: .*file/rep" "$tmp/e3" && ok ||
    ko "unwritable report folder: $(cat "$tmp/e3")"

echo "report.sh: $pass passed, $fail failed"
[ $fail -eq 0 ]

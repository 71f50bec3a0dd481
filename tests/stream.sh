#!/bin/sh
# stream.sh - one clean output stream: with --flows - the flow records and
# the alerts share standard output as JSON lines, each tagged with its
# event_type; another alert format is refused.  The records carry a flow
# id, the inventory names and roles of both ends and the documenting rule,
# checked against the sample's inventory, the alerts of a run in JSON and
# the coverage report of the same run.
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
conf="$src/conf/sample.conf"
pcap="$src/samples/sample.pcap"

"$bin" -q --workers 2 -c "$conf" -r "$pcap" --flows - >"$tmp/mixed" 2>"$tmp/err"
[ $? -eq 1 ] && ok || ko "exit status: $(cat "$tmp/err")"
"$bin" -q --workers 2 -c "$conf" -r "$pcap" --format json --flows "$tmp/flows" \
    --report "$tmp/rep" >"$tmp/alerts" 2>/dev/null
if python3 - "$tmp/mixed" "$tmp/alerts" "$tmp/flows" \
    "$src/conf/sample-site.conf" "$tmp/rep/report.json" <<'PY'
import collections, json, re, sys
fail = []
lines = open(sys.argv[1]).read().splitlines()
recs = []
for i, l in enumerate(lines):
    try:
        recs.append(json.loads(l))
    except ValueError:
        fail.append("line %d is not JSON: %.80s" % (i + 1, l))
alerts = [json.loads(l) for l in open(sys.argv[2])]
flows = [json.loads(l) for l in open(sys.argv[3])]
types = collections.Counter(r.get("event_type") for r in recs)
if types != {"flow": len(flows), "alert": len(alerts)} or not alerts:
    fail.append("event types %s; %d flows and %d alerts expected"
                % (dict(types), len(flows), len(alerts)))
# An alert on the shared stream is the JSON alert with its tag.
tagged = [r for r in recs if r.get("event_type") == "alert"]
for r in tagged:
    del r["event_type"]
if tagged != alerts:
    fail.append("alerts on the shared stream differ from --format json")
site = {}
text = open(sys.argv[4]).read()
for m in re.finditer(r'name = "([^"]+)"; addresses = \[ "([^"]+)" \]; '
                     r'(?:macs = \[[^]]*\]; )?roles = \[([^]]*)\]', text):
    site[m.group(2)] = (m.group(1), sorted(re.findall(r'"([^"]+)"',
                                                      m.group(3))))
ids = [f["flow_id"] for f in flows]
if len(set(ids)) != len(ids) or not all(0 < i < 2 ** 53 for i in ids):
    fail.append("flow ids not unique or out of range")
by_rule = collections.Counter()
for f in flows:
    for end in ("src", "dst"):
        name, roles = site.get(f[end + "_ip"], (None, ["unknown"]))
        if f[end + "_name"] != name or sorted(f[end + "_roles"]) != roles:
            fail.append("%s %s: %s %s, inventory %s %s" % (
                end, f[end + "_ip"], f[end + "_name"], f[end + "_roles"],
                name, roles))
    if "rule" not in f or "community_id" not in f:
        fail.append("record without rule or community_id: %s" % f)
    elif f["rule"]:
        by_rule[f["rule"]] += 1
rep = json.load(open(sys.argv[5]))
want = {d["rule"]: d["flows"] for d in rep["documented"] if d["flows"]}
if dict(by_rule) != want or not want:
    fail.append("records by rule %s, report %s" % (dict(by_rule), want))
for f in fail:
    print("FAIL: " + f)
sys.exit(1 if fail else 0)
PY
then ok; else ko "the shared stream"; fi

# Another alert format on the shared stream: refused, nothing read.
"$bin" -q -c "$conf" -r "$pcap" --flows - --format cef >"$tmp/out" \
    2>"$tmp/err"
[ $? -eq 2 ] && [ ! -s "$tmp/out" ] &&
    grep -q "alerts there must be JSON too" "$tmp/err" && ok ||
    ko "--flows - --format cef: $(cat "$tmp/err")"
# Flow records to a file: alerts stay in the chosen format, untagged.
"$bin" -q -c "$conf" -r "$pcap" --flows "$tmp/f2" >"$tmp/text" 2>/dev/null
grep -q '^{' "$tmp/text" && ko "text alerts became JSON" || ok

echo "stream.sh: $pass passed, $fail failed"
[ $fail -eq 0 ]

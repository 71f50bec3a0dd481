#!/bin/bash
# bench/dpi_budget.sh - how many packets nDPI needs: runs vmswatch on a
# capture once per dpi.max_packets value and prints, per value, nDPI's
# work (packets given to it, its time, instructions when callgrind is
# asked for) and the flows it named, by protocol family.  The numbers of
# bench/DPI_BUDGET.md come from it.
#
# usage: VMSWATCH=./vmswatch bench/dpi_budget.sh CAPTURE [CONFIG-LINES]
#   CONFIG-LINES  libconfig text added to each run's configuration (rules,
#                 inventory); default: the shipped rules, no inventory.
# Environment:
#   BUDGET_VALUES  the max_packets values (default "1 2 4 8 17 32")
#   BUDGET_CG=1    also count instructions inside nDPI (valgrind callgrind;
#                  slow: use a small capture)
set -eu

: "${VMSWATCH:?VMSWATCH must name the vmswatch binary}"
here=$(cd "$(dirname "$0")" && pwd)
srcdir=$(cd "$here/.." && pwd)
cap=${1:?usage: dpi_budget.sh CAPTURE [CONFIG-LINES]}
extra=${2:-"rules = [ \"$srcdir/rules/xprotect.conf\" ];"}
values=${BUDGET_VALUES:-"1 2 4 8 17 32"}
tmp=$(mktemp -d /tmp/vmswatch-budget.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

pin=()
if command -v taskset >/dev/null 2>&1 && taskset -c 1 true 2>/dev/null; then
	pin=(taskset -c 1)
fi

# The families the rules and the policy tell apart (classify_family()):
# a record counts for each family its app_proto names.
families="HTTP TLS WebSocket RTSP RTP SMTP SMTPS POP3 IMAP Telnet FTP SSH DNS NTP SNMP Syslog DHCP MDNS SSDP NetBIOS"

printf '%-4s %9s %8s %8s %8s %8s %9s' max dpi_pkts detected guessed unknown gave_up dpi_time
[ "${BUDGET_CG:-0}" = 1 ] && printf ' %10s' ndpi_Minstr
for fam in $families; do printf ' %s' "$fam"; done
printf ' %s\n' alerts
for n in $values; do
	printf '%s\ndpi = { max_packets = %d; };\n' "$extra" "$n" >"$tmp/c.conf"
	rc=0
	"${pin[@]}" "$VMSWATCH" -c "$tmp/c.conf" -r "$cap" \
	    --flows "$tmp/flows.json" >/dev/null 2>"$tmp/err" || rc=$?
	if [ "$rc" != 0 ] && [ "$rc" != 1 ]; then
		echo "dpi_budget: vmswatch failed (exit $rc):" >&2
		tail -n 5 "$tmp/err" >&2
		exit 1
	fi
	read -r dp det gue unk gav <<<"$(awk '$1 == "dpi" {
	    for (i = 2; i < NF; i++) v[$i] = $(i + 1)
	    print v["dpi_packets"], v["detected"], v["guessed"],
	    v["unknown"], v["gave_up"] }' "$tmp/err" | tr -d ,)"
	dt=$(awk '$1 == "dpi_time" { print $2 }' "$tmp/err")
	al=$(awk '$1 == "alerts" { print $2 }' "$tmp/err")
	printf '%-4s %9s %8s %8s %8s %8s %8ss' "$n" "$dp" "$det" "$gue" \
	    "$unk" "$gav" "$dt"
	if [ "${BUDGET_CG:-0}" = 1 ]; then
		valgrind --tool=callgrind --callgrind-out-file="$tmp/cg" \
		    "$VMSWATCH" -c "$tmp/c.conf" -r "$cap" --flows /dev/null \
		    >/dev/null 2>&1 || true
		ni=$(callgrind_annotate --inclusive=yes "$tmp/cg" 2>/dev/null |
		    awk '/ndpi_detection_process_packet/ { gsub(",", "", $1);
		    print $1; exit }')
		printf ' %10s' "$(awk -v i="${ni:-0}" 'BEGIN { printf "%.0f", i / 1e6 }')"
	fi
	# Detected flows only (the "dpi" state), counted per family named
	# in app_proto ("TLS.Google" counts for TLS).
	# shellcheck disable=SC2086 # one argument per family
	python3 - "$tmp/flows.json" $families <<'PY'
import json, sys
fams = sys.argv[2:]
alias = {"FTP": ("FTP_CONTROL", "FTP_DATA"), "Syslog": ("Syslog",),
         "RTP": ("RTP", "RTCP")}
count = dict.fromkeys(fams, 0)
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r.get("dpi") != "detected":
        continue
    parts = r.get("app_proto", "").split(".")
    for f in fams:
        if any(p in alias.get(f, (f,)) for p in parts):
            count[f] += 1
print("".join(" %*d" % (len(f), count[f]) for f in fams), end="")
PY
	printf ' %s\n' "$al"
done

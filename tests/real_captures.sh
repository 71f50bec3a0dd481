#!/bin/sh
# real_captures.sh - end-to-end over the real captures of ../shared/pcap/real:
# every file is read without a crash, and for the files whose README row
# names what nDPI 4.2 detects, the main flow (most packets) carries one of
# those protocols and every protocol named there is found in some flow.
# Skipped (exit 77) when ../shared is not beside the source tree.
set -u
src=${VW_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
bin=${VMSWATCH:-$src/vmswatch}
shared=${VW_SHARED:-$src/../shared}
real="$shared/pcap/real"
readme="$shared/pcap/README.md"
if [ ! -d "$real" ] || [ ! -f "$readme" ]; then
	echo "skipped: $real not present"
	exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0 checked=0

for f in "$real"/*; do
	name=$(basename "$f")
	"$bin" -q --workers 2 -r "$f" --flows "$tmp/flows" 2>"$tmp/err"
	rc=$?
	# 0: read whole; 1: the same, with findings (no inventory: nDPI
	# risks such as cleartext credentials); 2: file cut short (reported,
	# what came before kept).
	if [ $rc -gt 2 ]; then
		echo "FAIL $name: exit status $rc"; cat "$tmp/err"
		fail=$((fail + 1)); continue
	fi
	if [ $rc -eq 2 ] && ! grep -q "$name" "$tmp/err"; then
		echo "FAIL $name: error without the file name"; cat "$tmp/err"
		fail=$((fail + 1)); continue
	fi
	# The README's "nDPI 4.2" column: "RTSP(7)", "Unknown(3) RTP(1)", "(none)".
	col=$(awk -F'|' -v n="$name" '$2 ~ "^ *" n " *$" { print $7 }' "$readme")
	expect=$(printf '%s\n' "$col" | tr ' ' '\n' | sed -n 's/^\([A-Za-z0-9_.-]*\)([0-9]*)$/\1/p' | grep -v '^Unknown$')
	# A malformed capture must be survived, not classified: frames the
	# decoder rejects (counted by reason) never reach nDPI.
	kind=$(awk -F'|' -v n="$name" '$2 ~ "^ *" n " *$" { print $3 }' "$readme")
	case "$kind" in
	*malformed*) expect="" ;;
	esac
	if [ -z "$expect" ]; then
		pass=$((pass + 1)); continue
	fi
	checked=$((checked + 1))
	# Protocol names of every flow, and of the flow with the most packets.
	awk '{
		p = $0; sub(/.*"app_proto":"/, "", p); sub(/".*/, "", p)
		c = $0; sub(/.*"pkts_c2s":/, "", c); sub(/,.*/, "", c)
		s = $0; sub(/.*"pkts_s2c":/, "", s); sub(/,.*/, "", s)
		print c + s, p
	}' "$tmp/flows" | sort -k1,1nr -k2 > "$tmp/protos"
	main=$(head -n 1 "$tmp/protos" | cut -d' ' -f2)
	ok=1
	# The main flow matches when one of its name parts (TLS.Google ->
	# TLS, Google) is in the column, or it is unknown and so is a flow there.
	mok=0
	for part in $(printf '%s' "$main" | tr '.' ' '); do
		printf '%s\n' "$expect" | grep -qx "$part" && mok=1
	done
	if [ $mok -eq 0 ] && ! { [ "$main" = "Unknown" ] && printf '%s' "$col" | grep -q 'Unknown('; }; then
		echo "FAIL $name: main flow is $main, nDPI 4.2 column: $col"
		ok=0
	fi
	for e in $expect; do
		if ! cut -d' ' -f2 "$tmp/protos" | tr '.' '\n' | grep -qx "$e"; then
			echo "FAIL $name: no flow detected as $e (column: $col)"
			ok=0
		fi
	done
	if [ $ok -eq 1 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
done
echo "real captures: $checked with protocols checked"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]

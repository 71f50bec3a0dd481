#!/bin/sh
# broken_captures.sh - broken and hostile capture files: vmswatch names
# the file and the position of the damage (frame number and byte offset),
# keeps what it read before, exits with status 2, and goes on to the next
# file given with -r.  Crafted files come from tests/mkbroken (truncated
# file header, truncated record and record header, caplen > len, caplen >
# snaplen, an absurd caplen, an unknown link type, pcapng with an unknown
# block and with a corrupt block length).  The real captures of
# ../shared/pcap/real marked malformed in its README are read whole
# (status 0 or 1) and, cut in half, are reported like any cut file; that
# part is skipped when ../shared is absent.
set -u
src=${VW_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
build=${VW_BUILDDIR:-$src}
bin=${VMSWATCH:-$build/vmswatch}
mk=${MKBROKEN:-$build/tests/mkbroken}
shared=${VW_SHARED:-$src/../shared}
for p in "$bin" "$mk"; do
	if [ ! -x "$p" ]; then
		echo "FAIL: $p not built"
		exit 99
	fi
done
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0

ok() { pass=$((pass + 1)); }
bad() {
	echo "FAIL $1"
	[ -f "$tmp/err" ] && sed 's/^/    /' "$tmp/err"
	fail=$((fail + 1))
}

# The "packets" line of the summary.
packets() { awk '$1 == "packets" { print $2 }' "$tmp/err"; }

"$mk" good "$tmp/good.pcap" >/dev/null || exit 99

# Crafted files whose damage must be reported: kind, what the message
# must say besides the file name and the position.
for kind in header-cut record-cut record-header-cut caplen-huge \
    pcapng-bad-length linktype-unknown; do
	f="$tmp/$kind.pcap"
	where=$("$mk" "$kind" "$f") || { bad "$kind: mkbroken"; continue; }
	"$bin" -r "$f" >/dev/null 2>"$tmp/err"
	rc=$?
	[ $rc -eq 2 ] || { bad "$kind: exit status $rc, not 2"; continue; }
	grep -q "^vmswatch: $f: " "$tmp/err" ||
		{ bad "$kind: no message naming $f"; continue; }
	# "frame N offset X" from mkbroken: the message names both (a file
	# whose header is cut has no frame to name).
	set -- $where
	if [ $# -eq 4 ] && [ "$2" -gt 0 ]; then
		grep -q "$f: read error at frame $2 (byte offset $4;" \
		    "$tmp/err" || { bad "$kind: not at frame $2 offset $4"; continue; }
		# Kept what came before: every frame before the damage.
		n=$(packets)
		[ "$n" = $(($2 - 1)) ] ||
			{ bad "$kind: $n packets kept, expected $(($2 - 1))"; continue; }
	fi
	# The next file is read all the same.
	before=$(packets)
	"$bin" --workers 2 -r "$f" -r "$tmp/good.pcap" >/dev/null 2>"$tmp/err"
	rc=$?
	after=$(packets)
	[ $rc -eq 2 ] || { bad "$kind then good: exit status $rc"; continue; }
	[ "$after" = $((before + 8)) ] ||
		{ bad "$kind then good: $after packets, expected $((before + 8))"; continue; }
	ok
done

# Crafted files libpcap reads (it skips unknown pcapng blocks, cuts a
# record longer than the snap length, hands caplen > len through): read
# whole, no crash, the conversation found.
for kind in pcapng-unknown-block caplen-gt-snaplen caplen-gt-len; do
	f="$tmp/$kind.pcap"
	"$mk" "$kind" "$f" >/dev/null || { bad "$kind: mkbroken"; continue; }
	"$bin" -r "$f" --flows "$tmp/flows" >/dev/null 2>"$tmp/err"
	rc=$?
	[ $rc -le 1 ] || { bad "$kind: exit status $rc"; continue; }
	grep -q '"dst_port":554' "$tmp/flows" ||
		{ bad "$kind: the RTSP flow is missing"; continue; }
	# A record captured longer than it was on the wire is named.
	if [ "$kind" = caplen-gt-len ] && ! grep -q \
	    "$kind.pcap: 1 records captured longer than they were on the wire (first: frame [0-9]*)" \
	    "$tmp/err"; then
		bad "$kind: not reported: $(cat "$tmp/err")"
		continue
	fi
	ok
done

real="$shared/pcap/real"
readme="$shared/pcap/README.md"
if [ -d "$real" ] && [ -f "$readme" ]; then
	# Rows whose kind is malformed or whose flags say malformed:N or
	# file-cut-short.
	files=$(awk -F'|' '$3 ~ /malformed/ || $5 ~ /malformed|file-cut-short/ {
		gsub(/ /, "", $2); print $2 }' "$readme")
	nreal=0
	for name in $files; do
		f="$real/$name"
		[ -f "$f" ] || continue
		nreal=$((nreal + 1))
		"$bin" -r "$f" >/dev/null 2>"$tmp/err"
		rc=$?
		# Whole: read (0, or 1 with findings); flagged cut short: 2
		# with the file named.
		if [ $rc -gt 2 ] || { [ $rc -eq 2 ] &&
		    ! grep -q "$f" "$tmp/err"; }; then
			bad "$name: exit status $rc"; continue
		fi
		# Cut in half: reported with name and position, status 2,
		# unless the cut lands exactly on a record boundary.
		size=$(wc -c < "$f")
		head -c $((size / 2)) "$f" > "$tmp/$name"
		"$bin" -r "$tmp/$name" >/dev/null 2>"$tmp/err"
		rc=$?
		if [ $rc -eq 2 ]; then
			grep -q "$tmp/$name: .*\(read error at frame [0-9]* (byte offset [0-9]*\|header\)" \
			    "$tmp/err" || { bad "$name cut in half: no position"; continue; }
		elif [ $rc -gt 2 ]; then
			bad "$name cut in half: exit status $rc"; continue
		fi
		ok
	done
	echo "real malformed captures: $nreal"
else
	echo "skipped: $real not present (crafted files only)"
fi
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]

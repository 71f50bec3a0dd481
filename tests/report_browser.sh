#!/bin/sh
# report_browser.sh - the sample's report.html in a real browser: headless
# Chromium renders it; the DOM it built must show the role matrix's cells
# (roles, state, flow counts) and the tables' rows exactly as report.json
# has them, the sorting script must have run, and a screenshot must not be
# blank.  Chromium is installed with apt-get when missing and the test runs
# as root (it is large, so tools/deps.sh leaves it to this test); skipped
# (exit 77) when it cannot be had.
set -u
src=${VW_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
build=${VW_BUILDDIR:-$src}
bin=${VMSWATCH:-$build/vmswatch}
if ! command -v python3 >/dev/null 2>&1; then
	echo "skipped: python3 not found"
	exit 77
fi
find_chromium() {
	for c in chromium chromium-browser google-chrome; do
		if command -v "$c" >/dev/null 2>&1; then
			command -v "$c"
			return 0
		fi
	done
	return 1
}
if ! chrome=$(find_chromium); then
	if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
		echo "installing chromium with apt-get (once)"
		DEBIAN_FRONTEND=noninteractive timeout 900 apt-get install -y \
		    --no-install-recommends chromium >/dev/null 2>&1 ||
		    { DEBIAN_FRONTEND=noninteractive timeout 300 apt-get update \
		    >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive timeout 900 \
		    apt-get install -y --no-install-recommends chromium \
		    >/dev/null 2>&1; }
	fi
	if ! chrome=$(find_chromium); then
		echo "skipped: headless Chromium not available (install" \
		    "Debian's chromium package, as root: apt-get install chromium)"
		exit 77
	fi
fi
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT

"$bin" -q -c "$src/conf/sample.conf" -r "$src/samples/sample.pcap" \
    --report "$tmp/rep" >/dev/null 2>"$tmp/err"
if [ ! -s "$tmp/rep/report.html" ]; then
	echo "FAIL: no report.html: $(cat "$tmp/err")"
	exit 1
fi
# A profile of its own, no network, no GPU: the same on any machine.
run_chrome() {
	HOME="$tmp" timeout 120 "$chrome" --headless --no-sandbox --disable-gpu \
	    --no-first-run --user-data-dir="$tmp/profile" \
	    --hide-scrollbars --window-size=1200,1400 "$@" \
	    "file://$tmp/rep/report.html" 2>>"$tmp/chrome.err"
}
if ! run_chrome --dump-dom >"$tmp/dom.html" || [ ! -s "$tmp/dom.html" ]; then
	echo "FAIL: chromium could not render report.html"
	tail -5 "$tmp/chrome.err"
	exit 1
fi
if ! run_chrome --screenshot="$tmp/shot.png" >/dev/null ||
    [ ! -s "$tmp/shot.png" ]; then
	echo "FAIL: chromium took no screenshot"
	tail -5 "$tmp/chrome.err"
	exit 1
fi
python3 - "$tmp/rep/report.json" "$tmp/dom.html" "$tmp/shot.png" <<'PY'
import collections, json, struct, sys, zlib
from html.parser import HTMLParser

rep = json.load(open(sys.argv[1]))
fail = []


class Dom(HTMLParser):
    """The matrix's cells, each table's body rows, the summary's spans."""
    def __init__(self):
        super().__init__()
        self.cells, self.rows = [], collections.Counter()
        self.table, self.tbody, self.span, self.spans = None, False, None, {}
        self.body = {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "body":
            self.body = a
        if tag == "g" and "cell" in (a.get("class") or "").split():
            self.cells.append((a["data-client"], a["data-server"],
                               a["data-state"], int(a["data-flows"])))
        if tag == "table":
            self.table = a.get("id")
        if tag == "tbody":
            self.tbody = True
        if tag == "tr" and self.tbody:
            self.rows[self.table] += 1
        if tag == "span" and a.get("id", "").startswith("n-"):
            self.span = a["id"]

    def handle_endtag(self, tag):
        if tag == "tbody":
            self.tbody = False
        if tag == "span":
            self.span = None

    def handle_data(self, data):
        if self.span:
            self.spans[self.span] = self.spans.get(self.span, "") + data


d = Dom()
d.feed(open(sys.argv[2], encoding="utf-8").read())
want = sorted((c["client"], c["server"], c["state"], c["flows"])
              for c in rep["matrix"]["cells"])
if sorted(d.cells) != want:
    fail.append("matrix cells in the DOM %s != report.json %s"
                % (sorted(d.cells), want))
if not want:
    fail.append("the matrix has no cell")
used = sum(1 for x in rep["documented"] if x["flows"])
for table, n in (("documented", used), ("never_seen", len(rep["never_seen"])),
                 ("undocumented", len(rep["undocumented"])),
                 ("hosts", len(rep["hosts"])),
                 ("alerts", len(rep["alerts"]["by_kind"])),
                 ("sections", len(rep["sections"]))):
    if d.rows[table] != n:
        fail.append("table %s: %d rows, report.json has %d"
                    % (table, d.rows[table], n))
for span, n in (("n-packets", rep["capture"]["packets"]),
                ("n-flows", rep["capture"]["flows"]), ("n-used", used),
                ("n-never", len(rep["never_seen"])),
                ("n-alerts", rep["alerts"]["total"])):
    if d.spans.get(span) != str(n):
        fail.append("%s shows %s, report.json %d" % (span, d.spans.get(span), n))
if d.body.get("data-sortable") != "ready":
    fail.append("the sorting script did not run")


def png_pixels(path):
    """(width, height, rows of RGB(A) bytes) of an 8-bit RGB/RGBA PNG."""
    b = open(path, "rb").read()
    assert b[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat = 8, b""
    while pos < len(b):
        n, kind = struct.unpack(">I4s", b[pos:pos + 8])
        data = b[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype = struct.unpack(">IIBB", data[:10])
        elif kind == b"IDAT":
            idat += data
        pos += 12 + n
    assert depth == 8 and ctype in (2, 6), "PNG type %d/%d" % (depth, ctype)
    bpp = 3 if ctype == 2 else 4
    raw, stride, rows, prev = zlib.decompress(idat), w * bpp, [], None
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(
            raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        prev = prev or bytearray(stride)
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            c = prev[i - bpp] if i >= bpp else 0
            up = prev[i]
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + up) & 255
            elif f == 3:
                line[i] = (line[i] + (a + up) // 2) & 255
            elif f == 4:
                p = a + up - c
                pa, pb, pc = abs(p - a), abs(p - up), abs(p - c)
                pr = a if pa <= pb and pa <= pc else up if pb <= pc else c
                line[i] = (line[i] + pr) & 255
        rows.append(line)
        prev = line
    return w, h, bpp, rows


w, h, bpp, rows = png_pixels(sys.argv[3])
colours, ink = set(), 0
for line in rows[::4]:
    for x in range(0, w * bpp, bpp * 4):
        px = bytes(line[x:x + 3])
        colours.add(px)
        ink += px != b"\xff\xff\xff"
# A blank page is one colour; the report has text, greys, the matrix's
# green and red.
if len(colours) < 8 or ink < 500:
    fail.append("screenshot looks blank: %d colours, %d non-white samples"
                % (len(colours), ink))
if not any(p[1] > p[0] + 40 and p[1] > p[2] + 40 for p in colours):
    fail.append("no green (documented cell) in the screenshot")
if not any(p[0] > p[1] + 40 and p[0] > p[2] + 40 for p in colours):
    fail.append("no red (violating cell) in the screenshot")
for f in fail:
    print("FAIL: " + f)
print("report_browser.sh: %d matrix cells, %d table rows checked, "
      "screenshot %dx%d with %d colours" % (len(d.cells), sum(d.rows.values()),
                                            w, h, len(colours)))
sys.exit(1 if fail else 0)
PY

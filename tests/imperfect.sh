#!/bin/sh
# imperfect.sh - end to end over a capture of the sample site as an
# imperfect SPAN port shows it (tests/mkimperfect writes it): one finding,
# one alert, with the right ends.  Alerts are counted per finding:
#   a scan of the camera subnet          1 scan (+ at most 1 summary),
#                                        no per-probe alert
#   the server half of a session         none (documented)
#   mid-stream Telnet to a camera        1 alert, dpi: guessed
#   a camera's Telnet to the Internet    camera + exposure + cleartext
#   DHCP from three unknown MACs         3 unknown-device, one per MAC
#   an unknown receiver of a SYN+ACK     1 unknown-device
#   RTSP from a camera to a workstation  1 camera finding for the
#   with two RTP/RTCP streams            session, none for its streams
set -u
src=${VW_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
build=${VW_BUILDDIR:-$src}
bin=${VMSWATCH:-$build/vmswatch}
mk=${MKIMPERFECT:-$build/tests/mkimperfect}
if ! command -v python3 >/dev/null 2>&1; then
	echo "skipped: python3 not found"
	exit 77
fi
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
"$mk" "$tmp/imperfect.pcap" || exit 99
"$bin" -q --workers 2 -c "$src/conf/sample.conf" -r "$tmp/imperfect.pcap" \
    --format json >"$tmp/alerts.jsonl" 2>"$tmp/err"
rc=$?
if [ $rc -ne 1 ]; then
	echo "FAIL: vmswatch exit status $rc (1 expected: findings)"
	cat "$tmp/err"
	exit 1
fi
python3 - "$tmp/alerts.jsonl" <<'PY'
import json, sys
alerts = [json.loads(l) for l in open(sys.argv[1])]
ok = fail = 0

def check(what, cond, detail=""):
    global ok, fail
    if cond:
        ok += 1
        print("ok   %s" % what)
    else:
        fail += 1
        print("FAIL %s %s" % (what, detail))

def kind(a): return a["event"]["action"]
def sip(a): return a["source"]["ip"]
def dip(a): return a["destination"]["ip"]
def dport(a): return a["destination"].get("port")
def rep(a): return a["vmswatch"].get("repeat") is True

ws01 = [a for a in alerts if sip(a) == "192.168.20.31"]
scans = [a for a in ws01 if kind(a) == "scan" and not rep(a)]
check("scan: one finding", len(scans) == 1, [kind(a) for a in ws01])
check("scan: at most one summary",
      len([a for a in ws01 if kind(a) == "scan" and rep(a)]) <= 1)
check("scan: no alert per probe",
      all(kind(a) == "scan" for a in ws01), [kind(a) for a in ws01])
if scans:
    r = scans[0]["event"]["reason"]
    check("scan: names the kinds it breaks", "camera-non-recorder" in r, r)

half = [a for a in alerts if "192.168.20.32" in (sip(a), dip(a))]
check("server half of a session: documented, no alert", not half,
      [(kind(a), sip(a), dip(a)) for a in half])

tel = [a for a in alerts if dip(a) == "192.168.50.103" and dport(a) == 23]
check("mid-stream Telnet: one alert", len(tel) == 1,
      [kind(a) for a in tel])
if tel:
    check("mid-stream Telnet: cleartext",
          kind(tel[0]) in ("cleartext", "cleartext-credentials"))
    check("mid-stream Telnet: dpi: guessed",
          "dpi: guessed" in tel[0]["event"]["reason"],
          tel[0]["event"]["reason"])
    check("mid-stream Telnet: ends", sip(tel[0]) == "192.168.10.20")

cam = [a for a in alerts if dip(a) == "203.0.113.50"]
check("camera Telnet to the Internet: three findings",
      sorted(kind(a) for a in cam) ==
      ["camera-non-recorder", "cleartext", "internet-exposure"],
      [kind(a) for a in cam])
check("camera Telnet to the Internet: the camera sent it",
      all(sip(a) == "192.168.50.105" for a in cam))

dhcp = [a for a in alerts if kind(a) == "unknown-device" and
        sip(a) == "0.0.0.0"]
check("DHCP from three MACs: three devices",
      len(set(a["source"]["mac"] for a in dhcp)) == 3 and len(dhcp) == 3,
      [a["source"]["mac"] for a in dhcp])

rcv = [a for a in alerts if kind(a) == "unknown-device" and
       sip(a) == "192.168.20.77"]
check("receiver of a SYN+ACK: unknown device", len(rcv) == 1)
if rcv:
    check("receiver of a SYN+ACK: its MAC",
          rcv[0]["source"]["mac"] == "02-00-00-00-00-77",
          rcv[0]["source"].get("mac"))

ws03 = [a for a in alerts if "192.168.20.33" in (sip(a), dip(a))]
check("RTSP session: one alert for the session and its streams",
      len(ws03) == 1, [(kind(a), sip(a), dport(a)) for a in ws03])
if ws03:
    check("RTSP session: camera finding on the RTSP flow",
          kind(ws03[0]) == "camera-non-recorder" and dport(ws03[0]) == 554)
    check("RTSP session: counts its streams",
          "2 media streams" in ws03[0]["event"]["reason"],
          ws03[0]["event"]["reason"])

check("no other alert", len(alerts) == len(ws01) + len(tel) + len(cam) +
      len(dhcp) + len(rcv) + len(ws03), len(alerts))
print("imperfect: %d passed, %d failed" % (ok, fail))
sys.exit(1 if fail else 0)
PY

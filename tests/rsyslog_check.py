#!/usr/bin/env python3
"""rsyslog_check.py - checks what a real rsyslog received from sinkdrive.

usage: rsyslog_check.py [-p] N FILE:APP-NAME:FORMAT ...

Every file holds raw messages (%rawmsg%), one a line.  For each APP-NAME
the alerts T-000000 .. T-(N-1) must each be there exactly once, parse as
RFC 5424 (header, structured data) with the format's body (rfc5424 SD and
MSG, CEF, LEEF 2.0, ECS JSON), carry the right PRI and MSGID, and the
hostile host names must come out inert and decode to what the format
promises.  With N = -1 only "at most once" and parsing are checked, and
the count per APP-NAME is printed.

With -p the files hold what rsyslog's own parsers made of the messages,
"APP-NAME JSON" a line: mmpstrucdata's rfc5424-sd, liblognorm's cef (as
mmnormalize runs it) and mmjsonparse's object; the same fields must come
out of them.
"""
import base64
import hashlib
import ipaddress
import json
import re
import socket
import struct
import sys

KINDS = ["camera-non-recorder", "internet-exposure", "cleartext",
         "local-only-port", "disabled-port", "undocumented-flow",
         "unknown-device", "protocol-mismatch", "weak-tls",
         "cleartext-credentials", "scan", "tiny-fragment",
         "fragment-overlap", "orphan-fragment"]
SEVMAP = [6, 6, 6, 5, 5, 4, 4, 3, 2, 2, 2]
H1 = 'a"] [x@1 y="z'
H2 = "a\n<13>1 fake"


def host_of(i):
    if i % 7 == 3:
        return H1
    if i % 11 == 5:
        return H2
    return "cam%d.example" % i


SENSOR = "vms-sensor-a"


def addrs_of(i):
    """The ends sinkdrive gives alert i (tests/sinkdrive.c)."""
    if i % 13 == 6:
        return ("2001:db8::%x" % i,
                "2001:db8::99:1")
    return "10.20.%d.%d" % ((i >> 8) & 255, i & 255), "10.20.99.1"


def norm(a):
    return str(ipaddress.ip_address(a))


def community_id(i):
    """Community ID v1 (seed 0) of alert i's TCP flow, written anew."""
    src, dst = addrs_of(i)
    sport, dport = 40000 + i % 20000, 7563
    fam = socket.AF_INET6 if ":" in src else socket.AF_INET
    s, d = socket.inet_pton(fam, src), socket.inet_pton(fam, dst)
    if (s, sport) > (d, dport):
        s, d, sport, dport = d, s, dport, sport
    h = hashlib.sha1(struct.pack("!H", 0) + s + d + struct.pack(
        "!BBHH", 6, 0, sport, dport)).digest()
    return "1:" + base64.b64encode(h).decode()


def alert_id(i):
    return "%016x-%d" % (0x5eed, i + 1)


def hexed(s):
    """How escape_sd/escape_leef show a control: the text \\xHH."""
    return "".join("\\x%02x" % ord(c) if ord(c) < 0x20 else c for c in s)


HDR = re.compile(r"^<(\d{1,3})>1 (\S+) (\S+) (\S+) (\S+) (\S+) (.*)$")


def parse_sd(s):
    """RFC 5424 STRUCTURED-DATA; returns ({sdid: {name: value}}, rest)."""
    if s.startswith("- "):
        return {}, s[2:]
    sd, i = {}, 0
    while i < len(s) and s[i] == "[":
        j = i + 1
        while s[j] not in " ]":
            j += 1
        sdid, params, i = s[i + 1:j], {}, j
        while s[i] == " ":
            eq = s.index("=", i)
            name = s[i + 1:eq]
            assert s[eq + 1] == '"', "SD-PARAM value not quoted"
            k, val = eq + 2, []
            while s[k] != '"':
                if s[k] == "\\" and s[k + 1] in '"\\]':
                    val.append(s[k + 1])
                    k += 2
                else:
                    assert s[k] != "]", "unescaped ] in a value"
                    val.append(s[k])
                    k += 1
            params[name] = "".join(val)
            i = k + 1
        assert s[i] == "]", "SD-ELEMENT not closed"
        sd[sdid] = params
        i += 1
    assert s[i:i + 1] in ("", " "), "no space after SD"
    return sd, s[i + 1:]


def cef_split(body):
    parts, cur, k = [], [], 0
    while len(parts) < 7:
        c = body[k]
        if c == "\\":
            cur.append(body[k + 1])
            k += 2
        elif c == "|":
            parts.append("".join(cur))
            cur = []
            k += 1
        else:
            cur.append(c)
            k += 1
    ext, keys = body[k:], {}
    for m in re.finditer(r"(?:^| )(\w+)=((?:\\.|[^\\=])*?)(?= \w+=|$)", ext):
        v = re.sub(r"\\(.)", lambda x: {"n": "\n", "r": "\r"}.get(
            x.group(1), x.group(1)), m.group(2))
        keys[m.group(1)] = v
    return parts, keys


def check_body(fmt, i, msgid, sd, body):
    host = host_of(i)
    rid = "T-%06d" % i
    src, dst = addrs_of(i)
    if fmt == "rfc5424":
        a = sd["alert@32473"]
        assert a["ruleId"] == rid and a["kind"] == msgid
        assert a["hostName"] == hexed(host), (a["hostName"], host)
        assert a["id"] == alert_id(i) and a["communityId"] == community_id(i)
        assert a["sensor"] == SENSOR
        assert norm(sd["client@32473"]["ip"]) == norm(src)
        assert sd["server@32473"]["host"] == "rs01"
        assert body.startswith(msgid + " " + rid + " ")
    elif fmt == "cef":
        parts, ext = cef_split(body)
        assert parts[0] == "CEF:0" and parts[4] == rid + ":" + msgid, parts
        assert parts[5] == "generated rule %d" % i
        assert int(parts[6]) == i % 11
        assert ext["cat"] == msgid and ext["cs1Label"] == "hostName"
        assert ext["dvchost"] == SENSOR and ext["externalId"] == alert_id(i)
        assert ext["flexString1Label"] == "communityId"
        assert ext["flexString1"] == community_id(i)
        if ":" in src:
            # ArcSight's src and dst are IPv4: IPv6 in c6a2, c6a3.
            assert "src" not in ext and "dst" not in ext, ext
            assert ext["c6a2Label"] == "Source IPv6 Address"
            assert norm(ext["c6a2"]) == norm(src)
            assert norm(ext["c6a3"]) == norm(dst)
        else:
            assert ext["src"] == src and ext["dst"] == dst
        assert ext["cs1"] == (host if "\n" in host else hexed(host)), ext
        assert ext["msg"] == "generated alert %d" % i
    elif fmt == "leef":
        hdr = body.split("|", 6)
        assert hdr[0] == "LEEF:2.0" and hdr[4] == msgid, hdr
        delim = hdr[5]
        # LEEF 2.0: a delimiter may be given in hex, "x09" or "0x09".
        if re.fullmatch(r"(0x|x)[0-9a-fA-F]{2}", delim):
            delim = chr(int(delim[-2:], 16))
        kv = dict(x.split("=", 1) for x in hdr[6].split(delim))
        assert kv["ruleId"] == rid and kv["cat"] == msgid
        assert kv["sensor"] == SENSOR and kv["alertId"] == alert_id(i)
        assert kv["communityId"] == community_id(i)
        assert norm(kv["src"]) == norm(src)
        assert kv["hostName"] == hexed(host), kv["hostName"]
        assert int(kv["sev"]) == max(1, i % 11)
    elif fmt == "json":
        check_ecs(json.loads(body), i, msgid)
    else:
        raise AssertionError("format " + fmt)


def check_ecs(o, i, msgid):
    host, rid = host_of(i), "T-%06d" % i
    src, dst = addrs_of(i)
    assert o["rule"]["id"] == rid and o["event"]["action"] == msgid
    assert o["vmswatch"]["host_name"] == host
    assert o["ecs"]["version"].startswith("8.")
    assert o["event"]["id"] == alert_id(i)
    assert o["event"]["module"] == "vmswatch"
    assert o["event"]["type"] == ["connection", "allowed"]
    assert o["event"]["created"] == o["@timestamp"] == o["event"]["end"]
    assert o["event"]["start"] < o["event"]["end"]
    assert o["observer"]["name"] == SENSOR
    assert o["observer"]["type"] == "sensor" and o["observer"]["hostname"]
    assert o["network"]["community_id"] == community_id(i)
    assert o["network"]["type"] == ("ipv6" if ":" in src else "ipv4")
    assert [norm(x) for x in o["related"]["ip"]] == [norm(src), norm(dst)]
    # The SNI of a TLS flow, in ECS's two places for it.
    assert o["tls"]["client"]["server_name"] == host
    assert o["destination"]["domain"] == host
    assert rid in o["message"] and "reference" not in o["rule"]


def check_parsed(fmt, i, app, o):
    """What rsyslog's parsers made of alert i's message."""
    host, rid = host_of(i), "T-%06d" % i
    msgid = KINDS[i % len(KINDS)]
    if fmt == "rfc5424":
        # mmpstrucdata: SD-IDs kept, parameter names in lower case.
        sd = o["rfc5424-sd"]
        a = sd["alert@32473"]
        assert a["ruleid"] == rid and a["kind"] == msgid, a
        assert a["id"] == alert_id(i) and a["communityid"] == community_id(i)
        assert a["sensor"] == SENSOR
        assert a["hostname"] == hexed(host), (a["hostname"], host)
        assert sd["server@32473"]["host"] == "rs01"
    elif fmt == "cef":
        c = o["cef"]
        assert c["DeviceVendor"] == "vmswatch", c
        assert c["SignatureID"] == rid + ":" + msgid
        assert c["Name"] == "generated rule %d" % i
        ext = c["Extensions"]
        assert ext["dvchost"] == SENSOR and ext["externalId"] == alert_id(i)
        assert ext["flexString1"] == community_id(i)
        assert ext["cat"] == msgid and ext["cs1"] == host, ext
        assert ext["msg"] == "generated alert %d" % i
    elif fmt == "json":
        check_ecs(o, i, msgid)
    else:
        raise AssertionError("format " + fmt)


def main_parsed(n, specs):
    bad = 0
    for spec in specs:
        path, app, fmt = spec.rsplit(":", 2)
        seen = {}
        with open(path, "rb") as f:
            lines = f.read().decode("utf-8").split("\n")
        for line in lines:
            if not line.startswith(app + " "):
                continue
            try:
                o = json.loads(line[len(app) + 1:])
                rid = re.search(r"T-(\d{6})", line)
                i = int(rid.group(1))
                check_parsed(fmt, i, app, o)
                seen[i] = seen.get(i, 0) + 1
            except Exception as e:  # report and count every bad line
                bad += 1
                if bad < 5:
                    print("%s: %s: %r: %r" % (path, app, line[:400], e))
        if sorted(seen) != list(range(n)):
            bad += 1
            print("%s: %s: %d of %d alerts parsed" % (path, app, len(seen),
                                                      n))
        print("parsed %s %s %d" % (app, fmt, len(seen)))
    return 1 if bad else 0


def main():
    if sys.argv[1] == "-p":
        return main_parsed(int(sys.argv[2]), sys.argv[3:])
    n = int(sys.argv[1])
    bad = 0
    for spec in sys.argv[2:]:
        path, app, fmt = spec.rsplit(":", 2)
        seen = {}
        with open(path, "rb") as f:
            raw = f.read()
        for line in raw.decode("utf-8").split("\n"):
            if not line:
                continue
            m = HDR.match(line)
            if m is None or m.group(4) != app:
                continue
            try:
                # A tab only as a LEEF delimiter.
                assert not any((ord(c) < 0x20 or ord(c) == 0x7f) and
                               not (c == "\t" and fmt == "leef")
                               for c in line), "control character"
                assert "#012" not in line and "#015" not in line
                pri, msgid = int(m.group(1)), m.group(6)
                sd, body = parse_sd(m.group(7))
                rid = re.search(r"T-(\d{6})", line)
                i = int(rid.group(1))
                assert msgid == KINDS[i % len(KINDS)], msgid
                assert pri == 21 * 8 + SEVMAP[i % 11], pri
                check_body(fmt, i, msgid, sd, body)
                seen[i] = seen.get(i, 0) + 1
            except Exception as e:  # report and count every bad line
                bad += 1
                if bad < 5:
                    print("%s: %s: %r: %s" % (path, app, line[:300], e))
        dup = [i for i, c in seen.items() if c > 1]
        if dup:
            bad += 1
            print("%s: %s: duplicated: %s" % (path, app, dup[:10]))
        if n >= 0 and sorted(seen) != list(range(n)):
            bad += 1
            print("%s: %s: %d of %d alerts arrived" % (path, app,
                                                       len(seen), n))
        print("received %s %s %d" % (app, fmt, len(seen)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

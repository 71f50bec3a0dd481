#!/usr/bin/env python3
"""selftest.py - checks score.py against alert sets built from the truth
itself, without vmswatch.

usage: selftest.py [TRUTH.json]

Without an argument the truth is looked up as
${VW_SHARED:-$VW_SRCDIR/../shared}/pcap/synthetic/scenario-dev.truth.json;
when it is not there the test is skipped (exit 77).
"""
import copy
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SCORE = os.path.join(HERE, "score.py")
KIND = {"a": "camera-non-recorder", "b": "internet-exposure",
        "c": "cleartext", "d": "local-only-port", "e": "undocumented-flow",
        "f": "unknown-device"}
FALSE = "false alerts on truth flows:"
UNMATCHED = "unmatched alerts"


def ecs_mac(mac):
    return mac.upper().replace(":", "-") if mac else None


def end(ip, port=None, mac=None):
    e = {"ip": ip}
    if port is not None:
        e["port"] = port
    if mac:
        e["mac"] = ecs_mac(mac)
    return e


def flow_alert(fl, letter, swapped=False):
    c, s = fl["client"], fl["server"]
    src, dst = (s, c) if swapped else (c, s)
    return {
        "@timestamp": "2024-05-14T09:00:11.000000Z",
        "event": {"kind": "alert", "action": KIND[letter]},
        "rule": {"id": "SELFTEST-%s" % letter.upper()},
        "source": end(src["ip"], src["port"]),
        "destination": end(dst["ip"], dst["port"]),
        "network": {"transport": fl["transport"]},
        "vmswatch": {"state": "established", "count": 1, "repeat": False},
    }


def device_alert(ip, mac):
    return {
        "@timestamp": "2024-05-14T09:00:11.000000Z",
        "event": {"kind": "alert", "action": "unknown-device"},
        "rule": {"id": "SELFTEST-F"},
        "source": end(ip, None, mac),
        "network": {"protocol": "arp"},
        "vmswatch": {"count": 1, "repeat": False},
    }


def perfect(truth):
    """One alert per required letter of every non-optional flow (f as a
    device alert of the flow's unknown end), one per unknown device."""
    alerts = []
    macs = {}
    for d in truth.get("unknown_devices") or []:
        macs.setdefault(d["ip"], []).append(d.get("mac"))
    for fl in truth["flows"]:
        if fl.get("optional"):
            continue
        for letter in fl.get("violations") or []:
            if letter != "f":
                alerts.append(flow_alert(fl, letter))
                continue
            for e in (fl["client"], fl["server"]):
                if not e.get("in_inventory", True) and e.get("zone") \
                        and e.get("zone") != "internet":
                    m = macs.get(e["ip"], [None])
                    alerts.append(device_alert(e["ip"], m[0]))
    for d in truth.get("unknown_devices") or []:
        alerts.append(device_alert(d["ip"], d.get("mac")))
    return alerts


class Run:
    def __init__(self, rc, out):
        self.rc, self.out = rc, out


def score(truth_path, alerts, tmp, *opts):
    path = os.path.join(tmp, "alerts.jsonl")
    with open(path, "w") as f:
        for a in alerts:
            f.write(json.dumps(a, separators=(",", ":")) + "\n")
    p = subprocess.run([sys.executable, SCORE] + list(opts)
                       + [truth_path, path], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, universal_newlines=True)
    return Run(p.returncode, p.stdout)


def section(out, title):
    """The lines of the report section starting with title."""
    lines, on = [], False
    for line in out.splitlines():
        if line.startswith(title):
            on = True
            continue
        if on and not line.startswith("  "):
            break
        if on:
            lines.append(line)
    return "\n".join(lines)


def key_count(truth, fl):
    """Flows sharing fl's de-duplication key (one alert covers them)."""
    c, s = fl["client"], fl["server"]
    return sum(1 for g in truth["flows"]
               if (g["transport"], g["client"]["ip"], g["server"]["ip"],
                   g["server"]["port"]) ==
               (fl["transport"], c["ip"], s["ip"], s["port"]))


def main(argv):
    if len(argv) > 1:
        truth_path = argv[1]
    else:
        src = os.environ.get("VW_SRCDIR",
                             os.path.dirname(os.path.dirname(HERE)))
        shared = os.environ.get("VW_SHARED", os.path.join(src, "..",
                                                          "shared"))
        truth_path = os.path.join(shared, "pcap", "synthetic",
                                  "scenario-dev.truth.json")
    if not os.path.isfile(truth_path):
        if len(argv) > 1:
            sys.stderr.write("selftest: %s: no such file\n" % truth_path)
            return 2
        print("skipped: %s not present" % truth_path)
        return 77
    with open(truth_path) as f:
        truth = json.load(f)
    flows = truth["flows"]
    ndev = len(truth.get("unknown_devices") or [])
    total = len(flows) + ndev
    results = []

    def check(name, cond, run):
        results.append(cond)
        print("%s %s" % ("PASS" if cond else "FAIL", name))
        if not cond:
            print("    exit status %d; report:" % run.rc)
            print("    " + run.out.replace("\n", "\n    "))

    with tempfile.TemporaryDirectory() as tmp:
        base = perfect(truth)

        r = score(truth_path, base, tmp)
        check("perfect alert set passes (%d alerts)" % len(base),
              r.rc == 0 and "synthetic: %d passed, 0 failed" % total in r.out
              and "false alerts 0" in r.out, r)

        # Repeat summaries and a second window of the same findings
        # change nothing.
        rep = copy.deepcopy(base)
        for a in base[:5]:
            b = copy.deepcopy(a)
            b["vmswatch"]["repeat"] = True
            b["vmswatch"]["count"] = 7
            rep.append(b)
        r = score(truth_path, rep, tmp)
        check("repeat alerts of true findings pass", r.rc == 0, r)

        # Drop a required alert whose key no other flow shares.
        victim = next(fl for fl in flows if not fl.get("optional")
                      and any(x != "f" for x in fl.get("violations") or [])
                      and key_count(truth, fl) == 1)
        letter = next(x for x in victim["violations"] if x != "f")
        drop = [a for a in base if not (
            a["event"]["action"] == KIND[letter]
            and a["source"]["ip"] == victim["client"]["ip"]
            and a["destination"]["ip"] == victim["server"]["ip"]
            and a["destination"].get("port") == victim["server"]["port"])]
        r = score(truth_path, drop, tmp)
        misses = section(r.out, "misses:")
        check("dropping %s of %s fails with that miss" % (letter,
              victim["id"]),
              r.rc == 1 and victim["id"] in misses
              and "missing %s" % letter in misses
              and "synthetic: %d passed, 1 failed" % (total - 1) in r.out, r)

        # Drop the alert of the unspecified-address device.
        dev0 = [d for d in truth.get("unknown_devices") or []
                if d["ip"] == "0.0.0.0"]
        if dev0:
            mac = ecs_mac(dev0[0]["mac"])
            drop = [a for a in base if not (
                a["event"]["action"] == "unknown-device"
                and a["source"].get("mac") == mac)]
            r = score(truth_path, drop, tmp)
            check("dropping the 0.0.0.0 device's alert fails",
                  r.rc == 1 and "MISSED" in section(r.out, "unknown devices:")
                  and "unknown devices %d/%d" % (ndev - 1, ndev) in r.out, r)
            # ... and an alert for it with the wrong MAC does not count.
            wrong = drop + [device_alert("0.0.0.0", "02:00:00:00:00:99")]
            r = score(truth_path, wrong, tmp)
            check("a 0.0.0.0 device alert with another MAC does not count",
                  r.rc == 1 and "MISSED" in section(r.out, "unknown devices:"),
                  r)

        # An alert on a documented flow is a false alert.
        doc = next(fl for fl in flows if fl["verdict"] == "documented")
        r = score(truth_path, base + [flow_alert(doc, "e")], tmp)
        false = section(r.out, FALSE)
        check("an alert on documented %s fails as a false alert" % doc["id"],
              r.rc == 1 and doc["id"] in false and "false alerts 1" in r.out,
              r)

        # A kind the flow does not allow, on a violating flow.
        viol = next(fl for fl in flows if fl["verdict"] == "violation"
                    and not fl.get("optional")
                    and "b" not in fl["violations"]
                    and "b" not in fl.get("acceptable_extra", []))
        r = score(truth_path, base + [flow_alert(viol, "b")], tmp)
        check("an extra kind b on %s is a false alert" % viol["id"],
              r.rc == 1 and viol["id"] in section(r.out, FALSE), r)

        # An acceptable extra kind is fine.
        acc = next((fl for fl in flows if fl.get("acceptable_extra")), None)
        if acc:
            r = score(truth_path, base + [flow_alert(
                acc, acc["acceptable_extra"][0])], tmp)
            check("acceptable extra %s on %s passes"
                  % (acc["acceptable_extra"][0], acc["id"]), r.rc == 0, r)

        # Optional flows: anything goes.
        opt = next((fl for fl in flows if fl.get("optional")), None)
        if opt:
            r = score(truth_path, base + [flow_alert(opt, "e"),
                                          flow_alert(opt, "c")], tmp)
            check("alerts on optional %s pass" % opt["id"], r.rc == 0, r)

        # Swapped orientation of UDP flows still counts.
        udp = [fl for fl in flows if fl["transport"] == "udp"
               and not fl.get("optional")
               and any(x != "f" for x in fl.get("violations") or [])]
        sw = [a for a in base if not any(
            a.get("network", {}).get("transport") == "udp"
            and a["source"]["ip"] == fl["client"]["ip"]
            and a["destination"]["ip"] == fl["server"]["ip"]
            and a["destination"].get("port") == fl["server"]["port"]
            for fl in udp)]
        for fl in udp:
            for x in fl["violations"]:
                if x != "f":
                    sw.append(flow_alert(fl, x, swapped=True))
        r = score(truth_path, sw, tmp)
        check("%d UDP flows alerted the other way round still pass"
              % len(udp), bool(udp) and r.rc == 0
              and "matched the other way round" in r.out, r)

        # The documented RTP media flows alerted the other way round
        # (what a port heuristic does with them) are false alerts too.
        rtp = next((fl for fl in flows if fl["transport"] == "udp"
                    and fl["verdict"] == "documented"), None)
        if rtp:
            r = score(truth_path, base + [flow_alert(rtp, "a", True)], tmp)
            check("a swapped alert on documented UDP %s is a false alert"
                  % rtp["id"], r.rc == 1 and rtp["id"] in
                  section(r.out, FALSE), r)

        # One key, two verdicts (WSS documented, WS cleartext on the same
        # port between the same hosts): the alert's client port decides.
        pair = None
        for fl in flows:
            if not fl.get("violations") or fl.get("optional"):
                continue
            for g in flows:
                if g is not fl and g["verdict"] == "documented" and \
                        (g["transport"], g["client"]["ip"], g["server"]["ip"],
                         g["server"]["port"]) == \
                        (fl["transport"], fl["client"]["ip"],
                         fl["server"]["ip"], fl["server"]["port"]):
                    pair = (fl, g)
                    break
            if pair:
                break
        if pair:
            fl, g = pair
            letter = fl["violations"][0]
            wrong = [a for a in base if not (
                a["event"]["action"] == KIND[letter]
                and a["source"]["ip"] == fl["client"]["ip"]
                and a["destination"].get("port") == fl["server"]["port"])]
            wrong.append(flow_alert(g, letter))
            r = score(truth_path, wrong, tmp)
            check("%s alerted with the client port of documented %s (same "
                  "key as %s) is a false alert, not a miss"
                  % (letter, g["id"], fl["id"]),
                  r.rc == 1 and g["id"] in section(r.out, FALSE)
                  and fl["id"] not in section(r.out, "misses:"), r)

        # An alert that matches nothing.
        stray = {"event": {"action": "cleartext"}, "rule": {"id": "X"},
                 "source": {"ip": "10.99.0.1", "port": 1234},
                 "destination": {"ip": "10.99.0.2", "port": 80},
                 "network": {"transport": "tcp"}}
        r = score(truth_path, base + [stray], tmp)
        check("an alert matching no flow is an unmatched false alert",
              r.rc == 1 and "10.99.0.1" in section(r.out, UNMATCHED)
              and "synthetic: %d passed, 1 failed" % total in r.out, r)

        # An unknown-device alert for an inventory host is false.
        known = next(fl["client"] for fl in flows
                     if fl["client"].get("in_inventory"))
        r = score(truth_path, base + [device_alert(known["ip"], None)], tmp)
        check("an unknown-device alert for inventory host %s is false"
              % known["ip"], r.rc == 1 and "false alerts 1" in r.out
              and known["ip"] in section(r.out, UNMATCHED), r)

        # Kinds outside a-f: reported, scored only with --strict.
        other = flow_alert(doc, "a")
        other["event"]["action"] = "weak-tls"
        r = score(truth_path, base + [other], tmp)
        check("weak-tls on a documented flow is listed but passes",
              r.rc == 0 and doc["id"] in section(r.out, "extra kinds"), r)
        r = score(truth_path, base + [other], tmp, "--strict")
        check("... and fails with --strict",
              r.rc == 1 and doc["id"] in section(r.out, FALSE), r)

        # Flat dotted ECS keys are read too.
        flat = []
        for a in base:
            f = {}
            for k, v in a.items():
                if isinstance(v, dict):
                    for k2, v2 in v.items():
                        f[k + "." + k2] = v2
                else:
                    f[k] = v
            flat.append(f)
        r = score(truth_path, flat, tmp)
        check("dotted ECS keys are read", r.rc == 0, r)

        r = score(truth_path, [], tmp)
        check("no alerts at all fails",
              r.rc == 1 and "synthetic: " in r.out.splitlines()[-1], r)

    failed = results.count(False)
    print("selftest: %d passed, %d failed" % (len(results) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

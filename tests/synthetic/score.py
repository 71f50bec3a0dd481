#!/usr/bin/env python3
"""score.py - scores vmswatch's alerts against a synthetic site's truth.

usage: score.py [--strict] TRUTH.json ALERTS.jsonl

TRUTH.json is a `vms-scenario-truth/1` file (one entry per flow with the
kinds a-f a monitor must report, may report, or the flow is optional, and
the unknown devices of kind f).  ALERTS.jsonl holds vmswatch's alerts, one
Elastic Common Schema object a line (nested objects or dotted keys).

Matching.  Alerts are de-duplicated per (kind, rule, client, server, server
port, transport) and window, so one alert may stand for several flows: an
alert matches every truth flow with the same (transport, client ip, server
ip, server port); when none has that key, every flow that has it the other
way round (source = the truth's server, destination = the truth's client
and its port), as a passive monitor may take the other end of a UDP flow
for the server.  Where flows of one key are judged differently, the alert
stands for the flow with its client port, and for the others of the key
only where its kind is allowed there.  An unknown-device alert names a
device (its source, or its destination when only that one is unknown): it
matches the truth's unknown device with that address (with that MAC when
the address is 0.0.0.0) and covers every flow one of whose ends is that
address and not in the inventory inside a zone of the site.

Verdict per flow: reported = the kinds a-f of the alerts matching it;
it passes when every required kind is reported and (unless the flow is
optional) every reported kind is required or acceptable.  Kinds outside
a-f (disabled-port, protocol-mismatch, weak-tls, scan) are listed
apart; cleartext-credentials counts as c (it states the cleartext); with --strict they are false alerts on documented and
no_alert flows.  An alert that matches no flow and no unknown device is a
false alert.  Every unknown device of the truth must be reported.

Exit status: 0 when every required kind and device is reported and there
is no false alert, 1 otherwise, 2 on unreadable input.  The last line is
"synthetic: N passed, M failed": N flows and devices scored correctly, M
flows and devices scored wrong plus false alerts that match nothing.
"""
import ipaddress
import json
import sys

KIND_LETTER = {
    "camera-non-recorder": "a",
    "internet-exposure": "b",
    "cleartext": "c",
    "local-only-port": "d",
    "undocumented-flow": "e",
    "unknown-device": "f",
}
LETTER_KIND = {v: k for k, v in KIND_LETTER.items()}
# Credentials on a cleartext flow are one finding: the alert of kind
# cleartext-credentials also states the cleartext (c).
KIND_LETTER["cleartext-credentials"] = "c"
OTHER_KINDS = ("disabled-port", "protocol-mismatch", "weak-tls",
               "cleartext-credentials", "scan", "tiny-fragment",
               "fragment-overlap", "orphan-fragment")
UNKNOWN_DEVICE = "unknown-device"
UNSPECIFIED = ("0.0.0.0", "::")


class InputError(Exception):
    pass


def get(obj, dotted):
    """obj["a"]["b"] or obj["a.b"] for "a.b" (ECS allows both)."""
    if dotted in obj:
        return obj[dotted]
    cur = obj
    for part in dotted.split("."):
        if not isinstance(cur, dict) or part not in cur:
            return None
        cur = cur[part]
    return cur


def norm_ip(s):
    if s is None or s == "":
        return None
    try:
        return str(ipaddress.ip_address(str(s)))
    except ValueError:
        return str(s)


def norm_mac(s):
    if not s:
        return None
    return str(s).strip().lower().replace("-", ":")


def norm_port(p):
    if p is None or p == "":
        return None
    try:
        return int(p)
    except (TypeError, ValueError):
        return None


class Alert:
    def __init__(self, lineno, obj):
        self.line = lineno
        self.obj = obj
        self.kind = get(obj, "event.action")
        self.rule = get(obj, "rule.id") or ""
        self.sip = norm_ip(get(obj, "source.ip"))
        self.sport = norm_port(get(obj, "source.port"))
        self.smac = norm_mac(get(obj, "source.mac"))
        self.dip = norm_ip(get(obj, "destination.ip"))
        self.dport = norm_port(get(obj, "destination.port"))
        self.dmac = norm_mac(get(obj, "destination.mac"))
        t = get(obj, "network.transport")
        self.transport = str(t).lower() if t else None
        self.repeat = get(obj, "vmswatch.repeat") is True
        self.letter = KIND_LETTER.get(self.kind)
        self.swapped = False

    def finding(self):
        """What the monitor de-duplicates on: repeats and later windows
        of one finding count once."""
        mac = self.smac if self.kind == UNKNOWN_DEVICE else None
        return (self.kind, self.rule, self.sip, mac, self.dip, self.dport,
                self.transport)

    def describe(self):
        def end(ip, port, mac):
            s = ip or "-"
            if port is not None:
                s += ":%d" % port
            if mac and (self.kind == UNKNOWN_DEVICE or not ip):
                s += " mac " + mac
            return s
        s = "line %d: %s %s %s" % (self.line, self.kind, self.rule or "-",
                                   end(self.sip, self.sport, self.smac))
        if self.dip or self.dport is not None:
            s += " -> " + end(self.dip, self.dport, self.dmac)
        if self.transport:
            s += " " + self.transport
        if self.repeat:
            s += " (repeat)"
        return s


def load_truth(path):
    try:
        with open(path, encoding="utf-8") as f:
            truth = json.load(f)
    except (OSError, ValueError) as e:
        raise InputError("%s: %s" % (path, e))
    if not isinstance(truth, dict) or not isinstance(truth.get("flows"),
                                                      list):
        raise InputError("%s: no flows" % path)
    fmt = truth.get("format")
    if fmt != "vms-scenario-truth/1":
        sys.stderr.write("score: %s: format %r, expected "
                         "vms-scenario-truth/1\n" % (path, fmt))
    for fl in truth["flows"]:
        for k in ("id", "transport", "client", "server", "verdict"):
            if k not in fl:
                raise InputError("%s: flow %s without %s"
                                 % (path, fl.get("id", "?"), k))
    return truth


def load_alerts(path):
    alerts, skipped = [], 0
    try:
        f = sys.stdin if path == "-" else open(path, encoding="utf-8")
    except OSError as e:
        raise InputError("%s: %s" % (path, e))
    with f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            try:
                obj = json.loads(line)
            except ValueError as e:
                raise InputError("%s:%d: not JSON: %s" % (path, n, e))
            if not isinstance(obj, dict) or not get(obj, "event.action"):
                skipped += 1
                continue
            alerts.append(Alert(n, obj))
    return alerts, skipped


def end_is_unknown_in_zone(end):
    """A flow end that is a device of the site missing from the
    inventory (not the Internet, not a group address)."""
    zone = end.get("zone")
    return (not end.get("in_inventory", True)) and bool(zone) \
        and zone != "internet"


class Scorer:
    def __init__(self, truth, alerts, strict=False):
        self.truth = truth
        self.alerts = alerts
        self.strict = strict
        self.flows = truth["flows"]
        self.devices = truth.get("unknown_devices") or []
        # Normal and swapped keys -> flows.
        self.by_key, self.by_swapped = {}, {}
        for fl in self.flows:
            c, s, t = fl["client"], fl["server"], fl["transport"]
            k = (t, norm_ip(c["ip"]), norm_ip(s["ip"]), norm_port(s["port"]))
            self.by_key.setdefault(k, []).append(fl)
            k = (t, norm_ip(s["ip"]), norm_ip(c["ip"]), norm_port(c["port"]))
            self.by_swapped.setdefault(k, []).append(fl)
        # Per flow: letter -> alerts; extra kinds -> alerts.
        self.reported = {fl["id"]: {} for fl in self.flows}
        self.extra = {fl["id"]: {} for fl in self.flows}
        self.dev_alerts = [[] for _ in self.devices]
        self.unmatched = []
        self.unknown_kinds = {}
        self.swapped_matches = {"tcp": 0, "udp": 0}

    # -- matching -------------------------------------------------------
    def flows_of_device_ip(self, ip):
        out = []
        for fl in self.flows:
            for end in (fl["client"], fl["server"]):
                if norm_ip(end["ip"]) == ip and end_is_unknown_in_zone(end):
                    out.append(fl)
                    break
        return out

    def match_device(self, a):
        """(truth device indexes, covered flows) of an unknown-device
        alert: its source, or its destination if the source is nothing
        unknown."""
        for ip, mac in ((a.sip, a.smac), (a.dip, a.dmac)):
            if ip is None and mac is None:
                continue
            devs, flows = [], []
            if ip is not None and ip not in UNSPECIFIED:
                devs = [i for i, d in enumerate(self.devices)
                        if norm_ip(d.get("ip")) == ip]
                flows = self.flows_of_device_ip(ip)
            elif mac is not None:
                devs = [i for i, d in enumerate(self.devices)
                        if norm_mac(d.get("mac")) == mac]
                # Flows do not name MACs: an unspecified-address device
                # covers the flows of that address (see the report).
                for i in devs:
                    dip = norm_ip(self.devices[i].get("ip"))
                    flows += [fl for fl in self.flows_of_device_ip(dip)
                              if fl not in flows]
            if devs or flows:
                return devs, flows
        return [], []

    def match_flow(self, a):
        if a.transport is None or a.sip is None or a.dip is None:
            return []
        m = self.by_key.get((a.transport, a.sip, a.dip, a.dport))
        if m:
            return m
        m = self.by_swapped.get((a.transport, a.sip, a.dip, a.dport))
        if m:
            a.swapped = True
            self.swapped_matches[a.transport] = \
                self.swapped_matches.get(a.transport, 0) + 1
            return m
        return []

    def narrow(self, a, flows):
        """Flows of one key that the truth judges differently (a WSS and
        a cleartext WS connection between the same two hosts on the same
        port): the alert stands for the flow whose client port it names,
        and for the others of its key only where its kind is allowed (its
        repeats may have been folded into it)."""
        if len(flows) < 2:
            return flows
        if a.swapped:
            exact = [fl for fl in flows
                     if norm_port(fl["server"]["port"]) == a.sport]
        else:
            exact = [fl for fl in flows
                     if norm_port(fl["client"]["port"]) == a.sport]
        if not exact:
            return flows

        def allows(fl):
            if fl.get("optional"):
                return True
            return a.letter in set(fl.get("violations") or []) | \
                set(fl.get("acceptable_extra") or [])
        return [fl for fl in flows if fl in exact or allows(fl)]

    def run(self):
        for a in self.alerts:
            if a.kind not in KIND_LETTER and a.kind not in OTHER_KINDS:
                self.unknown_kinds[a.kind] = \
                    self.unknown_kinds.get(a.kind, 0) + 1
            if a.kind == UNKNOWN_DEVICE:
                devs, flows = self.match_device(a)
                for i in devs:
                    self.dev_alerts[i].append(a)
            else:
                devs, flows = [], self.narrow(a, self.match_flow(a))
            if not devs and not flows:
                self.unmatched.append(a)
                continue
            for fl in flows:
                if a.letter:
                    self.reported[fl["id"]].setdefault(a.letter, []).append(a)
                else:
                    self.extra[fl["id"]].setdefault(a.kind, []).append(a)

    # -- verdicts -------------------------------------------------------
    def judge(self):
        self.results = []
        false_findings = {}
        for fl in self.flows:
            rep = self.reported[fl["id"]]
            req = set(fl.get("violations") or [])
            allowed = req | set(fl.get("acceptable_extra") or [])
            optional = bool(fl.get("optional"))
            missing = [] if optional else sorted(req - set(rep))
            wrong = [] if optional else sorted(set(rep) - allowed)
            strict_extra = []
            if self.strict and not optional and \
                    fl["verdict"] in ("documented", "no_alert"):
                strict_extra = sorted(self.extra[fl["id"]])
            ok = not missing and not wrong and not strict_extra
            for letter in wrong:
                for a in rep[letter]:
                    false_findings.setdefault(a.finding(), []).append(
                        (fl, letter, a))
            for kind in strict_extra:
                for a in self.extra[fl["id"]][kind]:
                    false_findings.setdefault(a.finding(), []).append(
                        (fl, kind, a))
            self.results.append((fl, ok, missing, wrong, strict_extra))
        for a in self.unmatched:
            false_findings.setdefault(a.finding(), []).append((None, None, a))
        self.false_findings = false_findings
        self.unmatched_findings = {a.finding() for a in self.unmatched}
        self.dev_ok = [bool(x) for x in self.dev_alerts]

    def write_false(self, w, findings):
        for key, hits in findings.items():
            a = hits[0][2]
            w("  %s%s\n" % (a.describe(), " (+%d more alerts)" % (
                len({h[2].line for h in hits}) - 1)
                if len({h[2].line for h in hits}) > 1 else ""))
            seen = set()
            for fl, what, _ in hits:
                if fl is None:
                    if "unmatched" not in seen:
                        w("      matches no truth flow and no unknown "
                          "device\n")
                        seen.add("unmatched")
                    continue
                if fl["id"] in seen:
                    continue
                seen.add(fl["id"])
                allowed = sorted(set(fl.get("violations") or []) |
                                 set(fl.get("acceptable_extra") or []))
                w("      %s %s (%s, allowed: %s): %s - %s\n"
                  % (fl["id"], fl.get("case", ""), fl["verdict"],
                     ",".join(allowed) or "none", what, fl.get("reason", "")))

    # -- report ---------------------------------------------------------
    def report(self, out, truth_path, alerts_path, skipped):
        w = out.write
        nflows = len(self.flows)
        w("synthetic site: %s (%d flows, %d unknown devices)\n"
          % (truth_path, nflows, len(self.devices)))
        findings = {a.finding() for a in self.alerts}
        w("alerts: %s (%d alerts, %d findings%s)\n"
          % (alerts_path, len(self.alerts), len(findings),
             ", %d lines without event.action skipped" % skipped
             if skipped else ""))
        if any(self.swapped_matches.values()):
            w("matched the other way round: %s\n" % ", ".join(
                "%d %s" % (n, t) for t, n in
                sorted(self.swapped_matches.items()) if n))
        for kind, n in sorted(self.unknown_kinds.items(), key=str):
            w("warning: %d alerts of unknown kind %r\n" % (n, kind))

        w("\nper kind (non-optional flows):\n")
        self.recall_num = self.recall_den = 0
        for letter in "abcdef":
            req = rep = fls = 0
            for fl, ok, missing, wrong, _ in self.results:
                if fl.get("optional"):
                    continue
                if letter in (fl.get("violations") or []):
                    req += 1
                    if letter in self.reported[fl["id"]]:
                        rep += 1
                if letter in wrong:
                    fls += 1
            self.recall_num += rep
            self.recall_den += req
            w("  %s %-20s required %3d  reported %3d  false on %d flows\n"
              % (letter, LETTER_KIND[letter], req, rep, fls))

        w("\nper verdict:\n")
        verdicts = {}
        for fl, ok, *_ in self.results:
            v = verdicts.setdefault(fl["verdict"], [0, 0, 0])
            v[0 if ok else 1] += 1
            if fl.get("optional"):
                v[2] += 1
        for v in sorted(verdicts):
            p, f, o = verdicts[v]
            w("  %-11s %3d flows: %3d passed, %d failed%s\n"
              % (v, p + f, p, f, " (%d optional)" % o if o else ""))

        w("\nunknown devices:\n")
        for d, als in zip(self.devices, self.dev_alerts):
            w("  %-15s %s: %s\n" % (d.get("ip"), d.get("mac"),
              "reported (%s)" % ", ".join("line %d" % a.line for a in als[:5])
              if als else "MISSED - " + str(d.get("reason", ""))))

        misses = [(fl, m) for fl, ok, m, *_ in self.results if m]
        w("\nmisses: %d\n" % len(misses))
        for fl, m in misses:
            got = "".join(sorted(self.reported[fl["id"]])) or "-"
            w("  %s %s: missing %s (reported %s) - %s\n"
              % (fl["id"], fl.get("case", ""), ",".join(m), got,
                 fl.get("reason", "")))

        on_flows = {k: v for k, v in self.false_findings.items()
                    if k not in self.unmatched_findings}
        w("\nfalse alerts on truth flows: %d\n" % len(on_flows))
        self.write_false(w, on_flows)
        unmatched = {k: v for k, v in self.false_findings.items()
                     if k in self.unmatched_findings}
        w("\nunmatched alerts (false alerts): %d\n" % len(unmatched))
        self.write_false(w, unmatched)

        extras = [(fl, self.extra[fl["id"]]) for fl in self.flows
                  if self.extra[fl["id"]]]
        if extras:
            w("\nextra kinds (outside a-f)%s:\n"
              % ("" if self.strict else ", not scored without --strict"))
            for fl, ex in extras:
                w("  %s %s (%s): %s\n" % (fl["id"], fl.get("case", ""),
                  fl["verdict"], ", ".join(
                      "%s %s" % (k, ",".join(sorted({a.rule for a in v})))
                      for k, v in sorted(ex.items()))))

        opt = [fl for fl, *_ in self.results
               if fl.get("optional") and self.reported[fl["id"]]]
        if opt:
            w("\noptional flows with alerts (not scored):\n")
            for fl in opt:
                w("  %s %s: %s\n" % (fl["id"], fl.get("case", ""),
                  ",".join(sorted(self.reported[fl["id"]]))))

        flows_ok = sum(1 for r in self.results if r[1])
        dev_ok = sum(self.dev_ok)
        passed = flows_ok + dev_ok
        failed = (nflows - flows_ok) + (len(self.devices) - dev_ok) \
            + len(self.unmatched_findings)
        w("\nrecall %d/%d, false alerts %d, unknown devices %d/%d\n"
          % (self.recall_num, self.recall_den, len(self.false_findings),
             dev_ok, len(self.devices)))
        w("synthetic: %d passed, %d failed\n" % (passed, failed))
        self.ok = (self.recall_num == self.recall_den and not misses and
                   not self.false_findings and dev_ok == len(self.devices)
                   and failed == 0)
        return self.ok


def main(argv):
    args = argv[1:]
    strict = False
    if args and args[0] == "--strict":
        strict = True
        args = args[1:]
    if len(args) != 2:
        sys.stderr.write("usage: score.py [--strict] TRUTH.json "
                         "ALERTS.jsonl\n")
        return 2
    try:
        truth = load_truth(args[0])
        alerts, skipped = load_alerts(args[1])
    except InputError as e:
        sys.stderr.write("score: %s\n" % e)
        return 2
    s = Scorer(truth, alerts, strict)
    s.run()
    s.judge()
    return 0 if s.report(sys.stdout, args[0], args[1], skipped) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))

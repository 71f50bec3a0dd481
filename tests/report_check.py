#!/usr/bin/env python3
"""report_check.py - checks vmswatch's report.json against what this script
computes on its own from the same run's other outputs and the site.

    report_check.py REPORT.json ALERTS.jsonl FLOWS.jsonl SITE.conf RULES.conf
        [TRUTH.json]

ALERTS.jsonl are the run's alerts (--format json), FLOWS.jsonl its flow
records (--flows), SITE.conf the vmswatch inventory, RULES.conf the rules.
With TRUTH.json (the synthetic site's ground truth) the coverage is also
checked flow by flow against the truth.  Exit status 0 when every check
holds, 1 otherwise (each failure printed).
"""
import collections
import json
import re
import sys

FAIL = []


def check(cond, what):
    if not cond:
        FAIL.append(what)


# The synthetic site's role names that stand for several of vmswatch's
# roles (the guide's wording, see the inventory manual).
ALIASES = {
    "infrastructure_dns_dc": {"dns_server", "domain_controller"},
    "infrastructure_ntp": {"ntp_server"},
    "infrastructure_nms": {"snmp_manager", "syslog_server"},
    "third_party_event_source": {"generic_event_source",
                                 "analytics_event_source"},
}


def load_site(path):
    """{address: (name, set of roles)} from a vmswatch inventory file."""
    hosts = {}
    text = open(path, encoding="utf-8").read()
    for m in re.finditer(r"\{[^{}]*?name\s*=\s*\"([^\"]+)\"[^{}]*?\}", text):
        block = m.group(0)
        addrs = re.search(r"address(?:es)?\s*=\s*\[?([^;\]]*)", block)
        roles = re.search(r"roles\s*=\s*\[([^\]]*)\]", block)
        if addrs is None:
            continue
        rs = set()
        for r in (re.findall(r"\"([^\"]+)\"", roles.group(1))
                  if roles else []):
            rs |= ALIASES.get(r, {r})
        for a in re.findall(r"\"([^\"]+)\"", addrs.group(1)):
            if "/" not in a:
                hosts[a] = (m.group(1), rs)
    return hosts


def load_rule_ids(path):
    """Port rules' ids (the topology statements are not port rules)."""
    return {i for i in re.findall(r"\bid\s*=\s*\"([^\"]+)\"",
                                  open(path, encoding="utf-8").read())
            if not i.startswith("XP-TOPO-")}


def roles_of(label):
    return set() if label == "unknown" else set(label.split(","))


def main(argv):
    if len(argv) < 6:
        print(__doc__)
        return 2
    rep = json.load(open(argv[1], encoding="utf-8"))
    alerts = [json.loads(l) for l in open(argv[2], encoding="utf-8")
              if l.strip()]
    flows = [json.loads(l) for l in open(argv[3], encoding="utf-8")
             if l.strip()]
    site = load_site(argv[4])
    rule_ids = load_rule_ids(argv[5])
    truth = json.load(open(argv[6], encoding="utf-8")) \
        if len(argv) > 6 else None

    for key in ("documented", "never_seen", "undocumented", "hosts",
                "alerts", "capture"):
        check(key in rep, "report.json has no key %s" % key)
    if FAIL:
        return finish()

    # documented / never_seen: one entry per rule, never_seen exactly the
    # rules without a flow.
    doc_ids = [d["rule"] for d in rep["documented"]]
    check(set(doc_ids) == rule_ids and len(doc_ids) == len(rule_ids),
          "documented lists %d rules, the rules file has %d"
          % (len(doc_ids), len(rule_ids)))
    unused = {d["rule"] for d in rep["documented"] if d["flows"] == 0}
    check(set(rep["never_seen"]) == unused,
          "never_seen %s != rules without flows %s"
          % (sorted(rep["never_seen"]), sorted(unused)))
    for d in rep["documented"]:
        for k in ("name", "section", "nist", "flows", "packets", "bytes",
                  "clients", "servers"):
            check(k in d, "documented %s lacks %s" % (d["rule"], k))

    # Every flow record is one verdict: documented by a rule, reported as
    # undocumented, or a media stream of an RTSP session.
    cap = rep["capture"]
    n_doc = sum(d["flows"] for d in rep["documented"])
    n_und = sum(u["undocumented_flows"] for u in rep["undocumented"])
    check(cap["flows"] == len(flows),
          "capture.flows %d != %d flow records" % (cap["flows"], len(flows)))
    check(n_doc + n_und + cap["media_streams_covered"] == len(flows),
          "documented %d + undocumented %d + media %d != %d flows"
          % (n_doc, n_und, cap["media_streams_covered"], len(flows)))
    # Packets each way per address, from the flow records.
    sent = collections.Counter()
    recv = collections.Counter()
    for f in flows:
        sent[f["src_ip"]] += f["pkts_c2s"]
        recv[f["dst_ip"]] += f["pkts_c2s"]
        sent[f["dst_ip"]] += f["pkts_s2c"]
        recv[f["src_ip"]] += f["pkts_s2c"]
    hosts = {h["address"]: h for h in rep["hosts"]}
    for ip in set(sent) | set(recv):
        h = hosts.get(ip)
        check(h is not None, "host %s of the flows not in hosts" % ip)
        if h is None:
            continue
        check((h["packets_sent"], h["packets_received"]) ==
              (sent[ip], recv[ip]),
              "host %s: packets %d/%d, flow records say %d/%d" %
              (ip, h["packets_sent"], h["packets_received"], sent[ip],
               recv[ip]))
    # Names and roles from the inventory; "unknown" for the others.
    for ip, h in hosts.items():
        if ip in site:
            name, roles = site[ip]
            check(h["name"] == name and h["in_inventory"],
                  "host %s: name %s, inventory says %s" %
                  (ip, h["name"], name))
            check(set(h["roles"]) == (roles or {"unknown"}),
                  "host %s: roles %s, inventory says %s" %
                  (ip, h["roles"], sorted(roles)))
        else:
            check(h["name"] == "unknown" and not h["in_inventory"] and
                  h["roles"] == ["unknown"],
                  "host %s is not in the inventory: %s" % (ip, h))

    # Alerts: counted by kind and rule as the alert lines say.
    kinds = collections.Counter(a["event"]["action"] for a in alerts)
    rules = collections.Counter(a["rule"]["id"] for a in alerts
                                if a.get("rule", {}).get("id"))
    check(rep["alerts"]["total"] == len(alerts),
          "alerts.total %d != %d alert lines" %
          (rep["alerts"]["total"], len(alerts)))
    check(rep["alerts"]["by_kind"] == dict(kinds),
          "alerts.by_kind %s != %s" % (rep["alerts"]["by_kind"],
                                       dict(kinds)))
    check(rep["alerts"]["by_rule"] == dict(rules),
          "alerts.by_rule %s != %s" % (rep["alerts"]["by_rule"],
                                       dict(rules)))
    if truth is not None:
        check_truth(rep, truth, site, hosts)
    return finish()


# The truth's violation kinds as vmswatch names them (c: either finding).
KINDS = {
    "a": {"camera-non-recorder"},
    "b": {"internet-exposure"},
    "c": {"cleartext", "cleartext-credentials"},
    "d": {"local-only-port"},
    "e": {"undocumented-flow"},
}


def check_truth(rep, truth, site, hosts):
    cap = rep["capture"]
    check(cap["packets"] == truth["packets"],
          "capture.packets %d, truth %d" % (cap["packets"], truth["packets"]))
    check(cap["flows"] == truth["flows_total"],
          "capture.flows %d, truth %d" % (cap["flows"], truth["flows_total"]))
    media = [f for f in truth["flows"]
             if f["case"].endswith("/rtp") or f["case"].endswith("/rtcp")]
    check(cap["media_streams_covered"] == len(media),
          "media streams covered %d, truth has %d" %
          (cap["media_streams_covered"], len(media)))

    def label(end):
        return end["host"] if end["in_inventory"] else end["ip"]

    def group(ip):
        return ip is None or ip.startswith(("224.", "239.", "255.", "ff"))

    used = [d for d in rep["documented"] if d["flows"] > 0]
    n_documented = 0
    for f in truth["flows"]:
        if f in media or group(f["server"]["ip"]):
            continue
        c, s = label(f["client"]), label(f["server"])
        port, t = f["server"]["port"], f["transport"]
        if f["verdict"] == "documented":
            n_documented += 1
            ok = [d for d in used if c in d["clients"] and s in d["servers"]
                  and port_in(d["port"], port, t)]
            check(ok, "documented flow %s (%s %s -> %s %s/%s) under no rule"
                  % (f["id"], f["case"], c, s, port, t))
            continue
        if f["verdict"] != "violation":
            continue
        need = [k for k in f["violations"] if k in KINDS]
        if need:
            cr = site.get(f["client"]["ip"], ("", set()))[1]
            sr = site.get(f["server"]["ip"], ("", set()))[1]
            ent = [u for u in rep["undocumented"]
                   if u["server_port"] == port and u["transport"] == t and
                   roles_of(u["client_role"]) == cr and
                   roles_of(u["server_role"]) == sr]
            check(ent, "violating flow %s (%s) not in undocumented" %
                  (f["id"], f["case"]))
            for k in need:
                check(any(KINDS[k] & set(u["kinds"]) for u in ent),
                      "flow %s (%s): kind %s missing from %s" %
                      (f["id"], f["case"], k, [u["kinds"] for u in ent]))
        if "f" in f["violations"]:
            end = f["client"] if not f["client"]["in_inventory"] \
                else f["server"]
            h = hosts.get(end["ip"])
            check(h is not None and h["alerts"] > 0 and
                  h["name"] == "unknown",
                  "unknown device %s of %s has no alert in hosts" %
                  (end["ip"], f["id"]))
    # Flows a rule documents without a finding of kinds a-f, as many as
    # the truth's documented flows: those without any finding, and those
    # whose findings are all beyond a-f (weak TLS on a documented port).
    beyond = set().union(*KINDS.values())
    n_ok = sum(d["flows"] - d["violating"] for d in rep["documented"])
    n_ok += sum(u["violating_flows"] for u in rep["undocumented"]
                if u["rule"] is not None and not beyond & set(u["kinds"]))
    check(n_ok == n_documented,
          "documented flows without a finding a-f: %d, truth: %d" %
          (n_ok, n_documented))


def port_in(spec, port, transport):
    """Does "443/tcp" or "1024-65535/tcp" cover port/transport?"""
    ports, t = spec.split("/")
    lo, _, hi = ports.partition("-")
    return t == transport and int(lo) <= port <= int(hi or lo)


def finish():
    for f in FAIL:
        print("FAIL: " + f)
    return 1 if FAIL else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

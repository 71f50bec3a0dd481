#!/usr/bin/env python3
"""learn_score.py - a draft inventory (vmswatch --learn) against the site's
inventory: the share of hosts given their role, of VMS hosts given theirs,
of MACs right, and whether any address the inventory does not know (an
intruder) was given a VMS role.

usage: learn_score.py DRAFT.conf SITE.conf MIN_VMS_SHARE

Both files are vmswatch inventories.  A host's roles are right when the
draft gives it at least one role and every role it gives is one of the
site's (role groups expanded).  Exit status 1 when the share of VMS hosts
right is under MIN_VMS_SHARE or an intruder got a VMS role; the figures
go to standard output either way.
"""
import re
import sys

# The role groups an inventory may name (src/role.c), for the comparison.
GROUPS = {
    "infrastructure_dns_dc": {"dns_server", "domain_controller"},
    "infrastructure_ntp": {"ntp_server"},
    "infrastructure_nms": {"snmp_manager", "syslog_server"},
    "third_party_event_source": {"generic_event_source",
                                 "analytics_event_source"},
    "recorders": {"recording_server", "failover_recording_server"},
}
# Roles outside the VMS (role.c's flags): infrastructure, event sources.
NOT_VMS = {"dns_server", "dhcp_server", "ntp_server", "syslog_server",
           "snmp_manager", "domain_controller", "generic_event_source",
           "analytics_event_source", "snmp_service"}


def strings(text, key):
    m = re.search(r"\b%s\s*=\s*(\[[^\]]*\]|\"[^\"]*\")" % key, text)
    return re.findall(r"\"([^\"]*)\"", m.group(1)) if m else None


def hosts(path):
    """Address -> (name, roles, macs) of every host entry of path."""
    text = open(path).read()
    text = "\n".join(l.split("#", 1)[0] for l in text.splitlines())
    out = {}
    m = re.search(r"\bhosts\s*=\s*\((.*?)\n\s*\)\s*;", text, re.S)
    if not m:
        return out
    for entry in re.findall(r"\{(.*?)\}", m.group(1), re.S):
        name = strings(entry, "name")[0]
        addrs = strings(entry, "addresses") or strings(entry, "address")
        roles = strings(entry, "roles") or strings(entry, "role") or []
        macs = strings(entry, "macs") or strings(entry, "mac") or []
        if re.search(r"\brouter\s*=\s*true", entry) or not addrs:
            continue
        exp = set()
        for r in roles:
            exp |= GROUPS.get(r, {r})
        for a in addrs:
            out[a] = (name, exp, sorted(m.lower() for m in macs))
    return out


def main():
    draft, site, floor = hosts(sys.argv[1]), hosts(sys.argv[2]), float(
        sys.argv[3])
    seen = [a for a in site if a in draft]
    right = [a for a in seen if draft[a][1] and draft[a][1] <= site[a][1]]
    vms = [a for a in seen if site[a][1] - NOT_VMS]
    vms_right = [a for a in vms if a in right]
    macs = [a for a in seen if site[a][2]]
    macs_right = [a for a in macs if draft[a][2] == site[a][2]]
    intruders = [a for a in draft if a not in site]
    legit = [a for a in intruders if draft[a][1] - NOT_VMS]
    for a in sorted(seen):
        print("%-16s %-10s site %-40s draft %s" % (
            a, site[a][0], ",".join(sorted(site[a][1])),
            ",".join(sorted(draft[a][1])) or "-"))
    for a in sorted(intruders):
        print("%-16s %-10s not in the site, draft %s" % (
            a, "?", ",".join(sorted(draft[a][1])) or "-"))
    share = len(vms_right) / len(vms) if vms else 1.0
    print("learn: roles right %d/%d hosts seen (%.0f%%), VMS hosts %d/%d "
          "(%.0f%%), MACs right %d/%d, intruders %d, given a VMS role %d"
          % (len(right), len(seen), 100.0 * len(right) / max(1, len(seen)),
             len(vms_right), len(vms), 100.0 * share, len(macs_right),
             len(macs), len(intruders), len(legit)))
    if legit:
        print("FAIL: an intruder was given a VMS role: %s" % ", ".join(legit))
    if share < floor:
        print("FAIL: VMS hosts right %.2f, under %.2f" % (share, floor))
    return 1 if legit or share < floor else 0


if __name__ == "__main__":
    sys.exit(main())

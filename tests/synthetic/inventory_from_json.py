#!/usr/bin/env python3
"""inventory_from_json.py - a `vms-inventory/1` JSON inventory as a
vmswatch inventory file (libconfig).

usage: inventory_from_json.py INVENTORY.json [OUT.conf]

Writes to OUT.conf, or to standard output.  Subnets become zones (purpose
from the subnet's flags and words), hosts keep their roles as they are
(vmswatch reads the JSON's role names), and each entry of "gateways"
becomes a router host with its MAC: a subnet's gateway also gets the
subnet's first host address (network + 1, the site's convention), the
"internet" gateway only its MAC.  Gateways sharing one MAC (one router on
several subnets) become one host.
"""
import ipaddress
import json
import sys

FORMAT = "vms-inventory/1"


class InventoryError(Exception):
    pass


def q(s):
    """A libconfig string literal: quotes, backslashes and control
    characters escaped."""
    out = ['"']
    for ch in str(s):
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append("\\x%02x" % ord(ch))
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def qlist(items):
    return "[ " + ", ".join(q(i) for i in items) + " ]"


def as_list(v):
    if v is None:
        return []
    if isinstance(v, (list, tuple)):
        return [x for x in v if x is not None and x != ""]
    return [v] if v != "" else []


def words(*texts):
    return " ".join(str(t).lower() for t in texts if t)


def purpose_of(subnet):
    """camera_subnet -> camera, dmz (flag, or a subnet named "dmz") ->
    dmz, name/purpose mentioning servers -> server, clients/workstations
    -> client, else other."""
    text = words(subnet.get("name"), subnet.get("purpose"))
    if subnet.get("camera_subnet") is True:
        return "camera"
    if subnet.get("dmz") is True or (subnet.get("dmz") is None and
                                     words(subnet.get("name")) == "dmz"):
        return "dmz"
    if "server" in text:
        return "server"
    if "client" in text or "workstation" in text:
        return "client"
    return "other"


def convert(inv):
    if not isinstance(inv, dict):
        raise InventoryError("not a JSON object")
    fmt = inv.get("format")
    if fmt != FORMAT:
        raise InventoryError("format is %r, expected %r" % (fmt, FORMAT))
    lines = []
    site = inv.get("site")
    if site:
        lines.append("site = %s;" % q(site))

    subnets = inv.get("subnets") or []
    nets = {}
    lines.append("zones = (")
    zl = []
    for s in subnets:
        name = s.get("name")
        if not name:
            raise InventoryError("subnet without a name")
        networks = []
        for key in ("cidr", "ipv6"):
            for c in as_list(s.get(key)):
                try:
                    n = ipaddress.ip_network(c, strict=True)
                except ValueError as e:
                    raise InventoryError("subnet %s: bad %s %r: %s"
                                         % (name, key, c, e))
                networks.append(str(n))
                if key == "cidr":
                    nets.setdefault(name, n)
        if not networks:
            raise InventoryError("subnet %s: no cidr" % name)
        z = "  { name = %s; networks = %s;" % (q(name), qlist(networks))
        vlans = []
        for v in as_list(s.get("vlan")) + as_list(s.get("vlans")):
            if not isinstance(v, int) or isinstance(v, bool) \
                    or not 1 <= v <= 4094:
                raise InventoryError("subnet %s: bad VLAN id %r" % (name, v))
            if v not in vlans:
                vlans.append(v)
        if vlans:
            z += " vlans = [ %s ];" % ", ".join(str(v) for v in vlans)
        z += " purpose = %s;" % q(purpose_of(s))
        if s.get("purpose"):
            z += " description = %s;" % q(s["purpose"])
        z += " }"
        zl.append(z)
    lines.append(",\n".join(zl))
    lines.append(");")

    hl = []
    names = set()
    addrs = {}
    for h in inv.get("hosts") or []:
        name = h.get("name")
        if not name:
            raise InventoryError("host without a name")
        if name in names:
            raise InventoryError("host %s listed twice" % name)
        names.add(name)
        ips = as_list(h.get("ip")) + as_list(h.get("ips")) \
            + as_list(h.get("ipv6"))
        if not ips:
            raise InventoryError("host %s: no ip" % name)
        for ip in ips:
            try:
                ipaddress.ip_address(ip)
            except ValueError:
                raise InventoryError("host %s: bad ip %r" % (name, ip))
            addrs[str(ipaddress.ip_address(ip))] = name
        macs = as_list(h.get("mac")) + as_list(h.get("macs"))
        roles = as_list(h.get("role")) + as_list(h.get("roles"))
        if not roles:
            raise InventoryError("host %s: no role" % name)
        e = "  { name = %s; addresses = %s;" % (q(name), qlist(ips))
        if macs:
            e += " macs = %s;" % qlist(m.lower() for m in macs)
        e += " roles = %s;" % qlist(roles)
        if h.get("notes"):
            e += " description = %s;" % q(h["notes"])
        e += " }"
        hl.append(e)

    # Gateways: one router host per MAC, in the order of the JSON.
    routers = []
    by_mac = {}
    for where, mac in (inv.get("gateways") or {}).items():
        if not mac:
            continue
        mac = str(mac).lower()
        if mac not in by_mac:
            by_mac[mac] = {"subnets": [], "addrs": []}
            routers.append(mac)
        r = by_mac[mac]
        r["subnets"].append(where)
        net = nets.get(where)
        if net is None:
            if where != "internet":
                sys.stderr.write("inventory_from_json: gateway %s: no such "
                                 "subnet, MAC only\n" % where)
            continue
        gw = str(net.network_address + 1)
        if gw in addrs:
            sys.stderr.write("inventory_from_json: gateway %s: %s belongs "
                             "to host %s, MAC only\n" % (where, gw, addrs[gw]))
            continue
        addrs[gw] = "gw-" + where
        r["addrs"].append(gw)
    for mac in routers:
        r = by_mac[mac]
        name = "gw-" + "-".join(r["subnets"])
        while name in names:
            name += "_"
        names.add(name)
        e = "  { name = %s;" % q(name)
        if r["addrs"]:
            e += " addresses = %s;" % qlist(r["addrs"])
        e += " macs = %s; router = true;" % qlist([mac])
        e += " description = %s; }" % q("gateway of "
                                         + ", ".join(r["subnets"]))
        hl.append(e)

    lines.append("hosts = (")
    lines.append(",\n".join(hl))
    lines.append(");")
    return "# generated by inventory_from_json.py from a %s inventory\n" \
        % FORMAT + "\n".join(lines) + "\n"


def main(argv):
    if len(argv) not in (2, 3) or argv[1] in ("-h", "--help"):
        sys.stderr.write("usage: inventory_from_json.py INVENTORY.json "
                         "[OUT.conf]\n")
        return 2
    try:
        with open(argv[1], encoding="utf-8") as f:
            inv = json.load(f)
        text = convert(inv)
    except (OSError, ValueError, InventoryError) as e:
        sys.stderr.write("inventory_from_json: %s: %s\n" % (argv[1], e))
        return 1
    if len(argv) == 3:
        try:
            with open(argv[2], "w", encoding="utf-8") as f:
                f.write(text)
        except OSError as e:
            sys.stderr.write("inventory_from_json: %s\n" % e)
            return 1
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

#!/usr/bin/env python3
"""firewall_flows.py - the TCP flows of the synthetic site's truth through
the nftables ruleset vmswatch writes for that site, in a kernel.

usage: firewall_flows.py TRUTH.json INVENTORY.json RULESET.nft PREFIX

Root only; tests/firewall_netns.sh runs it.  A router namespace PREFIXr
loads RULESET.nft; every address the chosen flows use gets a namespace
PREFIX<n> of its own, joined to the router by a veth with /32 routes, so
that every flow between two hosts crosses the router, whether the hosts
share a zone or not.  Then every chosen flow is opened at once, from its
client address to its server address and port, and:

  - a flow the truth calls documented must complete its TCP handshake;
  - a flow the truth calls a camera (a), Internet (b), local-only (d),
    undocumented (e) or unknown-device (f) violation must get no answer.

A cleartext finding (c) alone says nothing of whether the port is
documented, so such flows are left out.  Prints one line per flow that
disagrees and a count line; exit 0 when all agree, 1 otherwise.  Every
namespace it made is deleted before it exits.
"""
import ctypes
import errno
import ipaddress
import json
import os
import select
import socket
import subprocess
import sys
import time

CLONE_NEWNET = 0x40000000
# Long enough for a handshake across two veths on a busy machine; a
# dropped SYN gets no answer however long one waits.
WAIT_SECS = 4.0
DROP_KINDS = set("abdef")

libc = ctypes.CDLL(None, use_errno=True)


def run(*args):
    subprocess.run(args, check=True)


def enter(ns):
    """Moves this (single-threaded) process into namespace ns: sockets
    made now live there, whatever namespace the process is in later."""
    fd = os.open(ns, os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            e = ctypes.get_errno()
            raise OSError(e, "setns %s: %s" % (ns, os.strerror(e)))
    finally:
        os.close(fd)


def chosen(truth):
    """(flow, "pass" or "drop") for each TCP flow with a verdict here."""
    out = []
    for f in truth["flows"]:
        if f["transport"] != "tcp":
            continue
        if f["verdict"] == "documented":
            out.append((f, "pass"))
        elif DROP_KINDS & set(f["violations"]):
            out.append((f, "drop"))
    return out


def gateway(subnets, ip):
    """The zone's first address for the router's side; for the Internet,
    an address of the benchmarking range (198.18.0.0/15) no site uses."""
    a = ipaddress.ip_address(ip)
    for net in subnets:
        if a in net:
            return str(next(net.hosts()))
    return "198.18.0.1"


def build(prefix, addrs, subnets, ruleset, made):
    """Makes the router and one namespace per address, each added to made
    as soon as it exists; returns the namespace of each address."""
    router = prefix + "r"
    run("ip", "netns", "add", router)
    made.append(router)
    run("ip", "-n", router, "link", "set", "lo", "up")
    run("ip", "netns", "exec", router, "sysctl", "-qw",
        "net.ipv4.ip_forward=1")
    ns_of = {}
    for i, a in enumerate(addrs):
        ns, veth, gw = "%s%d" % (prefix, i), "%sv%d" % (prefix, i), \
            gateway(subnets, a)
        run("ip", "netns", "add", ns)
        made.append(ns)
        run("ip", "link", "add", veth, "netns", router, "type", "veth",
            "peer", "name", "eth0", "netns", ns)
        run("ip", "-n", router, "addr", "add", gw + "/32", "dev", veth)
        run("ip", "-n", router, "link", "set", veth, "up")
        run("ip", "-n", router, "route", "add", a + "/32", "dev", veth)
        run("ip", "-n", ns, "addr", "add", a + "/32", "dev", "eth0")
        run("ip", "-n", ns, "link", "set", "lo", "up")
        run("ip", "-n", ns, "link", "set", "eth0", "up")
        run("ip", "-n", ns, "route", "add", gw, "dev", "eth0")
        run("ip", "-n", ns, "route", "add", "default", "via", gw)
        ns_of[a] = ns
    run("ip", "netns", "exec", router, "nft", "-f", ruleset)
    return ns_of


def connect_all(flows, ns_of):
    """Opens every flow at once; returns "pass", "drop" or an error per
    flow, by its index."""
    home = "/proc/self/ns/net"
    home_fd = os.open(home, os.O_RDONLY)
    listeners, pending, result = {}, {}, {}
    try:
        for f, _ in flows:
            key = (f["server"]["ip"], f["server"]["port"])
            if key in listeners:
                continue
            enter("/run/netns/" + ns_of[key[0]])
            s = socket.socket()
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(key)
            s.listen(64)
            listeners[key] = s
        for i, (f, _) in enumerate(flows):
            enter("/run/netns/" + ns_of[f["client"]["ip"]])
            c = socket.socket()
            c.setblocking(False)
            c.bind((f["client"]["ip"], 0))
            e = c.connect_ex((f["server"]["ip"], f["server"]["port"]))
            if e not in (0, errno.EINPROGRESS):
                result[i] = os.strerror(e)
                c.close()
                continue
            pending[c] = i
        end = time.monotonic() + WAIT_SECS
        while pending and time.monotonic() < end:
            _, ready, _ = select.select([], list(pending), [],
                                        max(0.0, end - time.monotonic()))
            for c in ready:
                e = c.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                result[pending.pop(c)] = "pass" if e == 0 else \
                    os.strerror(e)
                c.close()
        for c, i in pending.items():
            result[i] = "drop"
            c.close()
    finally:
        libc.setns(home_fd, CLONE_NEWNET)
        os.close(home_fd)
        for s in listeners.values():
            s.close()
    return result


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__.split("\n\n")[1])
    truth = json.load(open(sys.argv[1]))
    inv = json.load(open(sys.argv[2]))
    ruleset, prefix = sys.argv[3], sys.argv[4]
    subnets = [ipaddress.ip_network(s["cidr"]) for s in inv["subnets"]]
    flows = chosen(truth)
    addrs = sorted({f[k]["ip"] for f, _ in flows for k in ("client",
                                                           "server")})
    made = []
    try:
        ns_of = build(prefix, addrs, subnets, ruleset, made)
        result = connect_all(flows, ns_of)
    finally:
        for ns in reversed(made):
            subprocess.run(["ip", "netns", "del", ns])
    bad = 0
    for i, (f, want) in enumerate(flows):
        if result.get(i) != want:
            bad += 1
            print("%s: %s %s -> %s %s:%d: %s, want %s" % (
                f["case"], f["client"]["ip"], f["client"]["role"],
                f["server"]["ip"], f["server"]["role"], f["server"]["port"],
                result.get(i), want))
    npass = sum(1 for _, w in flows if w == "pass")
    print("firewall_flows: %d flows (%d documented, %d violations): "
          "%d disagree" % (len(flows), npass, len(flows) - npass, bad))
    return 1 if bad or not flows else 0


if __name__ == "__main__":
    sys.exit(main())

#!/bin/sh
# deps.sh - installs the Debian 12 packages vmswatch needs to build and to
# run its tests, if any is missing (clang and its runtime, with libFuzzer,
# for `make fuzz`; nftables for the firewall tests; dpkg-dev, debhelper,
# lintian and logrotate for the Debian package and its test,
# tests/package.sh).  Run as root (or with sudo available).
set -eu
pkgs="build-essential autoconf automake pkg-config libpcap-dev libndpi-dev
libconfig-dev check time libgnutls28-dev rsyslog rsyslog-gnutls gnutls-bin
python3 iproute2 tcpreplay nftables clang libclang-rt-14-dev dpkg-dev
debhelper lintian logrotate"
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "deps.sh: installing$missing"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null

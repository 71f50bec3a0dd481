#!/bin/sh
# package.sh - the Debian package and `make install`, checked end to end.
#
# Builds vmswatch_<version>_<arch>.deb with tools/mkdeb.sh (dpkg-buildpackage
# -us -uc -b, DEB_BUILD_OPTIONS=nocheck) in a temporary copy of the tree
# holding what a clone of it would (no build output), runs lintian on it
# (no error, no warning), and checks:
#   - its file list (sensor, conffile, rules, unit, sysusers.d, man pages,
#     logrotate, examples), its conffiles, Depends from the shared libraries;
#   - that the man pages, the unit and the built-in default configuration
#     name /etc/vmswatch and /usr paths, never /usr/local;
#   - the logrotate file (a forced rotation, where logrotate is installed);
# as root, in a throwaway root (dpkg --root, maintainer scripts with
# DPKG_ROOT; the installed program run in a chroot of it):
#   - the user is created, the unit is not enabled;
#   - `vmswatch -n -c /etc/vmswatch/vmswatch.conf` succeeds, `vmswatch -n`
#     reads that file, the sample site of the examples gives the same
#     alerts as the source tree's;
#   - an edited conffile survives a reinstall and an upgrade, dpkg -r keeps
#     only it, dpkg -P removes it and /var/log/vmswatch;
# without root, the same configuration check on the extracted package;
# and that `make install` keeps an edited configuration (the new one as
# vmswatch.conf.dist) and `make uninstall` leaves it.
#
# Run by tools/test.sh.  Exit 77 (skipped) without dpkg-buildpackage,
# debhelper or lintian (tools/deps.sh installs them), or outside a git
# checkout.  Nothing outside its temporary folder is written.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
skip() {
	echo "skipped: $*"
	exit 77
}
for c in dpkg-buildpackage dh lintian; do
	command -v "$c" >/dev/null 2>&1 ||
		skip "no $c (tools/deps.sh installs dpkg-dev, debhelper, lintian)"
done
[ -e "$top/.git" ] && command -v git >/dev/null 2>&1 ||
	skip "$top is not a git checkout"

status=0
nfail=0
fail() {
	echo "FAIL: $*"
	status=1
	nfail=$((nfail + 1))
}
ok() {
	echo "ok: $*"
}
# okif MARK MESSAGE: ok, unless a check failed since MARK=$nfail was taken.
okif() {
	[ "$nfail" -ne "$1" ] || ok "$2"
}

T=$(mktemp -d "${TMPDIR:-/tmp}/vmswatch-package.XXXXXX")
trap 'rm -rf "$T"' EXIT INT TERM

ver=$(sed -n 's/^AC_INIT(\[vmswatch\], *\[\([^]]*\)\].*/\1/p' "$top/configure.ac")
debver=$(dpkg-parsechangelog -l "$top/debian/changelog" -S Version)
arch=$(dpkg --print-architecture)
[ -n "$ver" ] || {
	echo "FAIL: no version in configure.ac"
	exit 1
}
[ "$debver" = "$ver" ] && ok "debian/changelog is at the version of configure.ac ($ver)" ||
	fail "debian/changelog is at $debver, configure.ac at $ver"

# 1. Build.
nocheck="nocheck${DEB_BUILD_OPTIONS:+ $DEB_BUILD_OPTIONS}"
DEB_BUILD_OPTIONS=$nocheck MKDEB_JOBS=${MKDEB_JOBS:-2} \
	"$top/tools/mkdeb.sh" "$top" "$T" "$T/build" || {
	echo "FAIL: the package does not build"
	exit 1
}
tree=$T/build/vmswatch
deb=$T/vmswatch_${ver}_${arch}.deb
[ -f "$deb" ] || {
	echo "FAIL: no $(basename "$deb") among: $(ls "$T")"
	exit 1
}
ok "built $(basename "$deb")"

# 2. lintian: any error or warning fails (a warning left on purpose goes
# to debian/vmswatch.lintian-overrides with its reason).
if lintian --fail-on error,warning "$deb" >"$T/lintian.out" 2>&1; then
	ok "lintian: no error, no warning"
else
	fail "lintian:"
fi
grep '^[EWI]:' "$T/lintian.out" || true

# 3. Contents.
mark=$nfail
dpkg-deb -c "$deb" | awk '{ print $6 }' | sed 's|^\./|/|' >"$T/files"
for f in /usr/sbin/vmswatch /etc/vmswatch/vmswatch.conf \
    /usr/share/vmswatch/rules/xprotect.conf \
    /lib/systemd/system/vmswatch.service /usr/lib/sysusers.d/vmswatch.conf \
    /usr/share/man/man8/vmswatch.8.gz /usr/share/man/man5/vmswatch.conf.5.gz \
    /etc/logrotate.d/vmswatch /usr/share/doc/vmswatch/copyright \
    /usr/share/doc/vmswatch/README.Debian \
    /usr/share/doc/vmswatch/examples/sample.conf \
    /usr/share/doc/vmswatch/examples/sample-site.conf \
    /usr/share/doc/vmswatch/examples/inventory.conf \
    /usr/share/doc/vmswatch/examples/sample.pcap; do
	grep -qx "$f" "$T/files" || fail "$f is not in the package"
done
if grep '^/usr/local' "$T/files"; then
	fail "files under /usr/local"
fi
okif $mark "file list"

mark=$nfail
dpkg-deb --ctrl-tarfile "$deb" | tar -xOf - ./conffiles >"$T/conffiles"
for f in /etc/vmswatch/vmswatch.conf /etc/logrotate.d/vmswatch; do
	grep -qx "$f" "$T/conffiles" || fail "$f is not a conffile"
done
[ "$(wc -l <"$T/conffiles")" -eq 2 ] || fail "conffiles: $(cat "$T/conffiles")"
okif $mark "conffiles: $(tr '\n' ' ' <"$T/conffiles")"

mark=$nfail
depends=$(dpkg-deb -f "$deb" Depends)
for lib in libc6 libpcap0.8 libndpi4 libconfig9 libgnutls30 \
    systemd-standalone-sysusers; do
	case $depends in
	*"$lib"*) ;;
	*) fail "Depends lacks $lib: $depends" ;;
	esac
done
okif $mark "Depends: $depends"

# 4. Paths from configure: man pages, unit, built-in default.
X=$T/x
dpkg-deb -x "$deb" "$X"
mark=$nfail
for m in man8/vmswatch.8 man5/vmswatch.conf.5; do
	gzip -dc "$X/usr/share/man/$m.gz" >"$T/man"
	grep -q '/etc/vmswatch/vmswatch\.conf' "$T/man" ||
		fail "$m does not name /etc/vmswatch/vmswatch.conf"
	! grep -n '/usr/local\|@[a-z]*@' "$T/man" ||
		fail "$m: /usr/local or an unsubstituted name"
done
gzip -dc "$X/usr/share/man/man8/vmswatch.8.gz" |
	grep -q '/usr/share/vmswatch/rules/xprotect\.conf' ||
	fail "vmswatch.8 does not name /usr/share/vmswatch/rules"
unit=$X/lib/systemd/system/vmswatch.service
grep -qx 'ExecStart=/usr/sbin/vmswatch -c /etc/vmswatch/vmswatch.conf' "$unit" ||
	fail "the unit's ExecStart: $(grep ExecStart= "$unit")"
! grep -n '/usr/local\|@[a-z]*@' "$unit" || fail "the unit names /usr/local"
"$X/usr/sbin/vmswatch" -h | grep -q '(default /etc/vmswatch/vmswatch\.conf' ||
	fail "the built-in default configuration is not /etc/vmswatch/vmswatch.conf"
okif $mark "man pages, unit and built-in default name /etc/vmswatch"

# The logrotate file: it reloads the sensor, and (where logrotate is
# installed) rotates a file sink's file in a folder owned by the service's
# user, as systemd's LogsDirectory= makes it.
lr=$X/etc/logrotate.d/vmswatch
grep -q 'systemctl reload vmswatch.service' "$lr" ||
	fail "the logrotate file does not reload the sensor"
if command -v logrotate >/dev/null 2>&1; then
	mkdir "$T/logs"
	echo '{}' >"$T/logs/alerts.json"
	sed "s|/var/log/vmswatch/|$T/logs/|g" "$lr" >"$T/logrotate.conf"
	if [ "$(id -u)" -eq 0 ]; then
		chown -R nobody "$T/logs"
	fi
	if logrotate -f -s "$T/logrotate.state" "$T/logrotate.conf" \
	    >"$T/logrotate.out" 2>&1 && [ -f "$T/logs/alerts.json.1" ] &&
	    [ ! -e "$T/logs/alerts.json" ]; then
		ok "logrotate rotates alerts.json"
	else
		fail "logrotate: $(cat "$T/logrotate.out")"
	fi
fi

# The alerts of the sample site, from the tree the package was built in.
(cd "$tree" && ./vmswatch -q -c conf/sample.conf -r samples/sample.pcap) \
	>"$T/sample.want" 2>&1 && rc=0 || rc=$?
[ "$rc" -eq 1 ] && [ -s "$T/sample.want" ] ||
	fail "the sample site in the build tree: exit $rc, $(wc -l <"$T/sample.want") lines"

# 5. Installed.
hostdsh=/var/lib/systemd/deb-systemd-helper-enabled
hostbefore=$(ls -a "$hostdsh" 2>/dev/null || true)
if [ "$(id -u)" -eq 0 ] && command -v systemd-sysusers >/dev/null 2>&1 &&
    command -v deb-systemd-helper >/dev/null 2>&1 &&
    command -v chroot >/dev/null 2>&1 && command -v ldd >/dev/null 2>&1; then
	R=$T/root
	mkdir -p "$R/var/lib/dpkg/info" "$R/var/lib/dpkg/updates" "$R/etc" \
	    "$R/var/log"
	: >"$R/var/lib/dpkg/status"
	# The maintainer scripts run outside the root with DPKG_ROOT set, as
	# debhelper's snippets expect; the libraries are the host's.
	dpkgr() {
		dpkg --root="$R" --force-script-chrootless --force-depends \
		    --log=/dev/null "$@" </dev/null
	}
	state() {
		dpkg-query --admindir="$R/var/lib/dpkg" -W -f='${Status} ${Version}' \
		    vmswatch 2>/dev/null || echo "not-installed"
	}
	dpkgr -i "$deb" >"$T/dpkg.out" 2>&1 || {
		cat "$T/dpkg.out"
		fail "dpkg --root -i"
	}
	[ "$(state)" = "install ok installed $ver" ] || fail "after -i: $(state)"
	dpkg-query --admindir="$R/var/lib/dpkg" -W -f='${Conffiles}\n' vmswatch |
		grep -q '^ /etc/vmswatch/vmswatch.conf [0-9a-f]\{32\}$' ||
		fail "dpkg does not hold /etc/vmswatch/vmswatch.conf as a conffile"
	grep -q '^vmswatch:' "$R/etc/passwd" 2>/dev/null &&
		ok "postinst created the user vmswatch" ||
		fail "postinst did not create the user vmswatch"
	# The link would point to /lib/systemd/system/ outside the root: -L.
	wants=$R/etc/systemd/system/multi-user.target.wants/vmswatch.service
	[ ! -e "$wants" ] && [ ! -L "$wants" ] &&
		ok "the unit is not enabled" || fail "the unit was enabled"

	# The libraries the program needs, at the host's paths, for chroot.
	ldd "$R/usr/sbin/vmswatch" | awk '
	    $2 == "=>" && $3 ~ /^\// { print $3 }
	    $1 ~ /^\// { print $1 }' >"$T/libs"
	while read -r lib; do
		mkdir -p "$R$(dirname "$lib")"
		cp -L "$lib" "$R$lib"
	done <"$T/libs"
	run() {
		chroot "$R" /usr/sbin/vmswatch "$@"
	}
	if out=$(run -n -c /etc/vmswatch/vmswatch.conf 2>&1); then
		ok "vmswatch -n -c /etc/vmswatch/vmswatch.conf: $out"
	else
		fail "vmswatch -n -c /etc/vmswatch/vmswatch.conf: $out"
	fi
	ex=/usr/share/doc/vmswatch/examples
	run -q -c $ex/sample.conf -r $ex/sample.pcap >"$T/sample.got" 2>&1 &&
		rc=0 || rc=$?
	[ "$rc" -eq 1 ] && cmp -s "$T/sample.want" "$T/sample.got" &&
		ok "the installed sample site: $(wc -l <"$T/sample.got") alert lines, as in the tree" ||
		fail "the installed sample site (exit $rc): $(diff "$T/sample.want" "$T/sample.got" | head -n 5)"

	conf=$R/etc/vmswatch/vmswatch.conf
	cp "$conf" "$T/conf.orig"
	echo 'bogus_key = 1;' >>"$conf"
	if out=$(run -n 2>&1); then
		fail "vmswatch -n did not read /etc/vmswatch/vmswatch.conf: $out"
	else
		case $out in
		/etc/vmswatch/vmswatch.conf:*bogus_key*)
			ok "vmswatch -n reads /etc/vmswatch/vmswatch.conf" ;;
		*) fail "vmswatch -n with a bad /etc/vmswatch/vmswatch.conf: $out" ;;
		esac
	fi

	# An edited conffile: kept by a reinstall and by an upgrade, even
	# with --force-confnew (dpkg replaces a file only when the package's
	# own version of it changed).
	cp "$T/conf.orig" "$conf"
	echo '# edited by the site' >>"$conf"
	cp "$conf" "$T/conf.edited"
	dpkgr --force-confnew -i "$deb" >"$T/dpkg.out" 2>&1 || {
		cat "$T/dpkg.out"
		fail "dpkg --root -i again"
	}
	cmp -s "$conf" "$T/conf.edited" && ok "an edited conffile survives a reinstall" ||
		fail "a reinstall replaced the edited conffile"
	dpkg-deb -R "$deb" "$T/up"
	sed -i "s/^Version: .*/Version: $ver+up1/" "$T/up/DEBIAN/control"
	dpkg-deb -b "$T/up" "$T/up.deb" >/dev/null
	dpkgr --force-confnew -i "$T/up.deb" >"$T/dpkg.out" 2>&1 || {
		cat "$T/dpkg.out"
		fail "dpkg --root -i (upgrade)"
	}
	[ "$(state)" = "install ok installed $ver+up1" ] || fail "after the upgrade: $(state)"
	cmp -s "$conf" "$T/conf.edited" && ok "an edited conffile survives an upgrade" ||
		fail "an upgrade replaced the edited conffile"
	out=$(run -n -c /etc/vmswatch/vmswatch.conf 2>&1) ||
		fail "vmswatch -n on the edited conffile: $out"

	# Remove, then purge.  The libraries copied in are not the package's.
	mkdir -p "$R/var/log/vmswatch"
	echo '{}' >"$R/var/log/vmswatch/alerts.json"
	dpkgr -r vmswatch >"$T/dpkg.out" 2>&1 || {
		cat "$T/dpkg.out"
		fail "dpkg --root -r"
	}
	[ "$(state)" = "deinstall ok config-files $ver+up1" ] || fail "after -r: $(state)"
	left=$(cd "$R" && find usr/sbin usr/share/vmswatch usr/share/doc/vmswatch \
	    usr/share/man lib/systemd usr/lib/sysusers.d -type f 2>/dev/null || true)
	[ -z "$left" ] || fail "dpkg -r left: $left"
	cmp -s "$conf" "$T/conf.edited" && [ -f "$R/etc/logrotate.d/vmswatch" ] &&
		ok "dpkg -r removed the package and kept its conffiles" ||
		fail "dpkg -r did not keep the conffiles"
	dpkgr -P vmswatch >"$T/dpkg.out" 2>&1 || {
		cat "$T/dpkg.out"
		fail "dpkg --root -P"
	}
	[ "$(state)" = "not-installed" ] ||
		case $(state) in
		unknown\ ok\ not-installed*) ;;
		*) fail "after -P: $(state)" ;;
		esac
	[ ! -e "$R/etc/vmswatch" ] && [ ! -e "$R/etc/logrotate.d/vmswatch" ] &&
		[ ! -e "$R/var/log/vmswatch" ] &&
		ok "dpkg -P removed the conffiles and /var/log/vmswatch" ||
		fail "dpkg -P left: $(ls -d "$R/etc/vmswatch" "$R/etc/logrotate.d/vmswatch" "$R/var/log/vmswatch" 2>/dev/null)"
	[ "$(ls -a "$hostdsh" 2>/dev/null || true)" = "$hostbefore" ] ||
		fail "the maintainer scripts changed the host's $hostdsh"
else
	echo "not root (or no systemd-sysusers, deb-systemd-helper, chroot):" \
	    "the package is checked unpacked, not installed"
	# Relative rules are looked for in ../rules beside the configuration.
	ln -s ../usr/share/vmswatch/rules "$X/etc/rules"
	out=$("$X/usr/sbin/vmswatch" -n -c "$X/etc/vmswatch/vmswatch.conf" 2>&1) &&
		ok "vmswatch -n -c on the unpacked configuration: $out" ||
		fail "vmswatch -n -c on the unpacked configuration: $out"
fi

# 6. make install keeps an edited configuration; make uninstall too.
I=$T/inst
etc=$I/etc/vmswatch
make -s -C "$tree" install DESTDIR="$I" >/dev/null
cmp -s "$tree/conf/vmswatch.conf" "$etc/vmswatch.conf" ||
	fail "make install did not install the configuration"
echo '# edited by the site' >>"$etc/vmswatch.conf"
cp "$etc/vmswatch.conf" "$T/inst.edited"
make -s -C "$tree" install DESTDIR="$I" >"$T/install.out" 2>&1
cmp -s "$etc/vmswatch.conf" "$T/inst.edited" &&
	cmp -s "$tree/conf/vmswatch.conf" "$etc/vmswatch.conf.dist" &&
	grep -q 'vmswatch.conf was kept' "$T/install.out" &&
	ok "make install kept the edited configuration, new one in vmswatch.conf.dist" ||
	fail "make install over an edited configuration: $(cat "$T/install.out")"
make -s -C "$tree" uninstall DESTDIR="$I" >/dev/null
[ ! -e "$etc/vmswatch.conf.dist" ] && cmp -s "$etc/vmswatch.conf" "$T/inst.edited" &&
	[ ! -e "$I/usr/sbin/vmswatch" ] &&
	ok "make uninstall kept the edited configuration" ||
	fail "make uninstall with an edited configuration"
cp "$tree/conf/vmswatch.conf" "$etc/vmswatch.conf"
make -s -C "$tree" uninstall DESTDIR="$I" >/dev/null
[ ! -e "$etc/vmswatch.conf" ] && ok "make uninstall removed the unedited configuration" ||
	fail "make uninstall left the unedited configuration"

exit $status

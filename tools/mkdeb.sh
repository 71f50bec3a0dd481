#!/bin/sh
# mkdeb.sh - builds the Debian package of vmswatch (debian/) with
# dpkg-buildpackage -us -uc -b, in a temporary folder, never in the source
# tree itself (the build runs `make distclean` there).
#
#   tools/mkdeb.sh SOURCE OUTDIR [BUILDDIR]
#
# SOURCE is a distribution tarball (make dist) or a source tree: of a git
# work tree, the files a clone would have (tracked and new files, nothing
# that .gitignore names, so no build output); otherwise the whole tree.
# vmswatch_<version>_<arch>.deb, its .buildinfo and .changes are moved to
# OUTDIR.  With BUILDDIR (which must not exist) the built tree is left
# there, in BUILDDIR/vmswatch, for the caller to inspect and remove.
#
# DEB_BUILD_OPTIONS is passed on (nocheck skips the test suite); the build
# runs $MKDEB_JOBS jobs (default: the number of processors).
set -eu

if [ $# -lt 2 ] || [ $# -gt 3 ]; then
	echo "usage: $0 SOURCE OUTDIR [BUILDDIR]" >&2
	exit 2
fi
src=$1
out=$(cd "$2" && pwd)
if [ $# -eq 3 ]; then
	mkdir "$3"
	work=$(cd "$3" && pwd)
	keep=1
else
	work=$(mktemp -d "${TMPDIR:-/tmp}/vmswatch-deb.XXXXXX")
	keep=0
fi
cleanup() {
	[ "$keep" -eq 1 ] || rm -rf "$work"
}
trap cleanup EXIT INT TERM

command -v dpkg-buildpackage >/dev/null 2>&1 || {
	echo "$0: dpkg-buildpackage not found (apt-get install dpkg-dev debhelper)" >&2
	exit 2
}

tree=$work/vmswatch
mkdir "$tree"
if [ -f "$src" ]; then
	tar -C "$tree" --strip-components=1 -xf "$src"
elif [ -e "$src/.git" ] && command -v git >/dev/null 2>&1; then
	# A file deleted but not yet committed is still listed: skip it.
	(cd "$src" && git ls-files -z --cached --others --exclude-standard |
	    tar --null -T - --ignore-failed-read -cf - 2>/dev/null) |
	    tar -C "$tree" -xf -
else
	(cd "$src" && tar -cf - .) | tar -C "$tree" -xf -
fi
[ -f "$tree/debian/control" ] || {
	echo "$0: $src has no debian/ folder" >&2
	exit 2
}

jobs=${MKDEB_JOBS:-$(nproc 2>/dev/null || echo 1)}
log=$work/build.log
echo "mkdeb: dpkg-buildpackage -us -uc -b -j$jobs in $tree" \
    "(DEB_BUILD_OPTIONS='${DEB_BUILD_OPTIONS:-}')"
if ! (cd "$tree" && dpkg-buildpackage -us -uc -b -j"$jobs") >"$log" 2>&1; then
	tail -n 60 "$log" >&2
	echo "$0: dpkg-buildpackage failed (log: $log)" >&2
	keep=1
	exit 1
fi
n=0
for f in "$work"/vmswatch*_*.deb "$work"/vmswatch_*.buildinfo \
    "$work"/vmswatch_*.changes; do
	[ -f "$f" ] || continue
	mv "$f" "$out/"
	echo "mkdeb: $out/$(basename "$f")"
	n=$((n + 1))
done
[ "$n" -gt 0 ] || {
	echo "$0: dpkg-buildpackage made no package" >&2
	exit 1
}

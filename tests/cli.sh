#!/bin/sh
# cli.sh - the command line as a user meets it: configuration check, errors
# naming file and line, reading from standard input, machine-readable
# standard output, the same input always giving the same output, and no
# output file written through a symbolic link.
set -u
src=${VW_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
bin=${VMSWATCH:-$src/vmswatch}
sample="$src/samples/sample.pcap"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0

ok() { pass=$((pass + 1)); }
ko() { echo "FAIL: $*"; fail=$((fail + 1)); }

# The shipped configuration is valid; it names no inventory and no
# interface, and -n says what each means.
out=$("$bin" -n -c "$src/conf/vmswatch.conf" 2>"$tmp/err")
[ "$out" = "configuration OK" ] && ok || ko "shipped conf: $out"
want='vmswatch: warning: no inventory: every host will be "unknown" and only nDPI'"'"'s risks reported (see vmswatch.conf(5), INVENTORY)
vmswatch: warning: no capture interface: as a sensor it would read nothing (give capture.interfaces or -i; -r reads files)'
[ "$(cat "$tmp/err")" = "$want" ] && ok || ko "shipped conf, warnings: $(cat "$tmp/err")"
# With an inventory and an interface (-i) there is nothing to warn of.
printf 'inventory = "%s/conf/sample-site.conf";\nrules = [ "%s/rules/xprotect.conf" ];\n' \
    "$src" "$src" > "$tmp/site.conf"
out=$("$bin" -n -i lo -c "$tmp/site.conf" 2>&1)
[ "$out" = "configuration OK" ] && ok || ko "-n -i with an inventory: $out"
out=$("$bin" -n -c "$tmp/site.conf" 2>&1)
case $out in
*"no capture interface"*"configuration OK"|"configuration OK"*"no capture interface"*)
	case $out in *"no inventory"*) ko "-n with an inventory: $out" ;; *) ok ;; esac ;;
*) ko "-n without an interface: $out" ;;
esac
# -r without an inventory says so once, in its summary.
"$bin" -c "$src/conf/vmswatch.conf" -r "$sample" >/dev/null 2>"$tmp/err"
[ "$(grep -c '^inventory  *none: every host was unknown' "$tmp/err")" = 1 ] &&
    ok || ko "-r without an inventory: $(cat "$tmp/err")"
"$bin" -c "$src/conf/sample.conf" -r "$sample" >/dev/null 2>"$tmp/err"
grep -q '^inventory ' "$tmp/err" && ko "-r with an inventory: $(cat "$tmp/err")" || ok
# So is every example it leaves commented out (the sinks, output.flows),
# once uncommented; certificate paths point at files of the test's own.
: > "$tmp/ca.pem"; : > "$tmp/sensor.pem"; : > "$tmp/sensor.key"
python3 - "$src/conf/vmswatch.conf" "$tmp" "$src" > "$tmp/examples.conf" <<'PY'
import re, sys
out, block = [], False
for line in open(sys.argv[1]):
    # An example starts "\t#{" and goes on with "\t#  ..." lines (where
    # "#  # text" stays a comment); "\t#flows = ..." is one on its own.
    if re.match(r"\t#\{", line):
        block = True
    elif not re.match(r"\t#  ", line):
        block = False
    if block:
        line = "\t" + line[2:]
        line = re.sub(r"^(\s*)#(cert = )", r"\1\2", line)
    elif re.match(r"\t#[a-z_]+ = ", line):
        line = "\t" + line[2:]
    line = line.replace("/etc/vmswatch/", sys.argv[2] + "/")
    # Found beside the shipped file, not beside this copy.
    out.append(line.replace('"xprotect.conf"',
                            '"%s/rules/xprotect.conf"' % sys.argv[3]))
# The list's last example keeps its comma: not before ")".
sys.stdout.write(re.sub(r"\},(\s*)\);", r"}\1);", "".join(out)))
PY
grep -q '^[[:space:]]*{ type = "remote"' "$tmp/examples.conf" &&
    grep -q '^[[:space:]]*flows = ' "$tmp/examples.conf" &&
    grep -q '^[[:space:]]*cert = ' "$tmp/examples.conf" &&
    ok || ko "examples not found in the shipped configuration"
out=$("$bin" -n -c "$tmp/examples.conf" 2>"$tmp/err")
[ "$out" = "configuration OK" ] && ! grep -v '^vmswatch: warning: ' "$tmp/err" &&
    ok || ko "shipped examples, uncommented: $out $(cat "$tmp/err")"

# A bad value and a typo are both reported as file:line: problem.
cat > "$tmp/bad.conf" <<'CONF'
flow = {
	max_flows = 3;
	udp_idel = 10;
};
CONF
out=$("$bin" -n -c "$tmp/bad.conf" 2>&1); rc=$?
[ $rc -eq 2 ] || ko "bad conf exit $rc"
echo "$out" | grep -q "bad.conf:2: flow.max_flows: 3 is out of range" && ok || ko "range error: $out"
echo "$out" | grep -q "bad.conf:3: unknown key flow.udp_idel" && ok || ko "typo error: $out"
# Every problem of the sinks list, each a line of its own (the section
# after the list too), not only the first.
cat > "$tmp/sinks.conf" <<'CONF'
sinks = (
	{ type = "file"; path = "-"; colour = "red"; },
	{ type = "remote"; host = "siem.example";
	  port = 70000; }
);
flow = { udp_idel = 10; };
CONF
out=$("$bin" -n -c "$tmp/sinks.conf" 2>&1); rc=$?
[ $rc -eq 2 ] || ko "bad sinks exit $rc"
echo "$out" | grep -qxF "$tmp/sinks.conf:2: unknown key colour" && ok || ko "first sink: $out"
echo "$out" | grep -qxF "$tmp/sinks.conf:4: port: 70000 is out of range 1..65535" && ok || ko "second sink: $out"
echo "$out" | grep -qxF "$tmp/sinks.conf:6: unknown key flow.udp_idel (did you mean udp_idle?)" && ok || ko "after the sinks: $out"
# Files vmswatch writes: a relative name is the configuration folder's;
# one too long for the writer is refused by -n, at its line, not at the
# sensor's start.
long=$(head -c 1100 /dev/zero | tr '\0' x)
printf 'output = {\n\tflows = "%s";\n};\n' "$long" > "$tmp/long.conf"
out=$("$bin" -n -c "$tmp/long.conf" 2>&1); rc=$?
[ $rc -eq 2 ] && echo "$out" | grep -qxF "$tmp/long.conf:2: output.flows: the file name is longer than 1023 characters" &&
    ok || ko "long output.flows: $rc $out"
mkdir "$tmp/site" "$tmp/elsewhere"
printf 'sinks = ( { type = "file"; path = "alerts.txt"; format = "text"; } );\n' > "$tmp/site/rel.conf"
(cd "$tmp/elsewhere" && "$bin" -q -c ../site/rel.conf -r "$src/samples/sample.pcap" > /dev/null 2>&1)
[ -s "$tmp/site/alerts.txt" ] && [ ! -e "$tmp/elsewhere/alerts.txt" ] && ok ||
    ko "a relative file sink is not written beside its configuration"
# A configuration that is no file: its own reason, not a stale errno.
out=$("$bin" -n -c "$tmp" 2>&1); rc=$?
[ $rc -eq 2 ] && [ "$out" = "$tmp: cannot read the file: a directory, not a regular file" ] &&
    ok || ko "-c a folder: $rc $out"
# A problem inside an @included file is at that file's line; relative
# @include names are the including file's folder's.
mkdir "$tmp/site/conf.d"
printf '@include "conf.d/flow.conf"\nalert = { windw = 5; };\n' > "$tmp/site/inc.conf"
printf '# tunables\n\nflow = {\n\tudp_idle = 0;\n};\n' > "$tmp/site/conf.d/flow.conf"
out=$(cd "$tmp/elsewhere" && "$bin" -n -c ../site/inc.conf 2>&1); rc=$?
[ $rc -eq 2 ] && echo "$out" | grep -qxF "../site/conf.d/flow.conf:4: flow.udp_idle: 0 is out of range 1..86400" &&
    echo "$out" | grep -qxF "../site/inc.conf:2: unknown key alert.windw (did you mean window?)" &&
    ok || ko "errors in an included file: $rc $out"
# A number libconfig 1.5 would wrap, silently: 4294967396 reads 100.
printf 'alert = {\n\twindow = 4294967396;\n};\n' > "$tmp/wrap.conf"
out=$("$bin" -n -c "$tmp/wrap.conf" 2>&1); rc=$?
[ $rc -eq 2 ] && echo "$out" | grep -qxF "$tmp/wrap.conf:2: 4294967396 is out of range: libconfig reads an integer past 32 bits wrapped (write it with L for 64 bits)" &&
    ok || ko "a wrapped number: $rc $out"
printf 'flow = { max_flows = ; };\n' > "$tmp/syntax.conf"
out=$("$bin" -n -c "$tmp/syntax.conf" 2>&1)
echo "$out" | grep -q "syntax.conf:1: " && ok || ko "syntax error: $out"

# A missing capture is an error that names the file.
out=$("$bin" -q -r "$tmp/nonexistent.pcap" 2>&1); rc=$?
[ $rc -eq 2 ] && echo "$out" | grep -q nonexistent.pcap && ok || ko "missing file: $rc $out"

# Standard input; alerts (JSON) alone on standard output, the summary on
# standard error; exit status 1: the capture has findings (no inventory
# here: nDPI risks such as cleartext credentials).
"$bin" -r - --format json --flows "$tmp/stdin.json" < "$sample" \
	> "$tmp/stdin.out" 2> "$tmp/stdin.err"
rc=$?
[ $rc -eq 1 ] && ok || ko "stdin read: exit $rc"
n=$(wc -l < "$tmp/stdin.json")
flows=$(awk '$1 == "flows" { print $2 }' "$tmp/stdin.err")
[ "$n" -gt 0 ] && [ "$n" = "$flows" ] && ok || ko "flow lines $n vs summary flows $flows"
alerts=$(awk '$1 == "alerts" { print $2 }' "$tmp/stdin.err")
[ "$(wc -l < "$tmp/stdin.out")" = "$alerts" ] && ok || ko "alert lines vs summary alerts $alerts"
grep -qv '^{.*}$' "$tmp/stdin.out" "$tmp/stdin.json" && ko "non-JSON line on stdout" || ok
grep -q '^packets' "$tmp/stdin.out" && ko "summary leaked to stdout" || ok
# The time inside nDPI is part of the run: not more than the elapsed time
# on each worker's thread (summed over the workers: "workers  N: ...").
awk '$1 == "elapsed" { e = $2 } $1 == "dpi_time" { d = $2 }
    $1 == "workers" { n = $2 + 0 }
    END { if (n < 1) n = 1; exit !(d != "" && d + 0 <= n * e + 0.001) }' \
    "$tmp/stdin.err" &&
	ok || ko "dpi_time missing or above elapsed"
# Flows alone on standard output when asked for.
"$bin" -q -r "$sample" --flows - --format json > "$tmp/flows.out"
grep -c '"app_proto"' "$tmp/flows.out" | grep -qx "$n" && ok || ko "--flows - carries every flow"

# Same input, same output (the hash seed is random, the output is not).
"$bin" -q -r "$sample" --flows "$tmp/a.json" > "$tmp/a.out"
"$bin" -q -r "$sample" --flows "$tmp/b.json" > "$tmp/b.out"
cmp -s "$tmp/a.json" "$tmp/b.json" && cmp -s "$tmp/a.json" "$tmp/stdin.json" && ok || ko "flows differ between runs"
cmp -s "$tmp/a.out" "$tmp/b.out" && ok || ko "alerts differ between runs"

# Files written as root with -r are never written through a symbolic
# link: --flows and a file sink named by a link are refused, with the
# reason, and the file the link points to is left as it was.
printf 'keep\n' > "$tmp/victim"
ln -s "$tmp/victim" "$tmp/flows-link.json"
out=$("$bin" -q -r "$sample" --flows "$tmp/flows-link.json" 2>&1 >/dev/null); rc=$?
[ $rc -eq 2 ] && echo "$out" | grep -qF "$tmp/flows-link.json: is a symbolic link: refused" &&
    ok || ko "--flows through a link: $rc $out"
ln -s "$tmp/victim" "$tmp/site/alerts-link.txt"
printf 'sinks = ( { type = "file"; path = "alerts-link.txt"; } );\n' > "$tmp/site/link.conf"
out=$("$bin" -q -c "$tmp/site/link.conf" -r "$sample" 2>&1 >/dev/null); rc=$?
[ $rc -eq 2 ] && echo "$out" | grep -qF "alerts-link.txt is a symbolic link: refused" &&
    ok || ko "file sink through a link: $rc $out"
[ "$(cat "$tmp/victim")" = keep ] && ok || ko "the file behind the links was written"
# -n says so before a start would fail on it, at the line.
printf 'sinks = (\n\t{ type = "file"; path = "alerts-link.txt"; }\n);\noutput = {\n\tflows = "alerts-link.txt";\n};\n' > "$tmp/site/link.conf"
out=$("$bin" -n -c "$tmp/site/link.conf" 2>&1); rc=$?
[ $rc -eq 2 ] && echo "$out" | grep -qxF "$tmp/site/link.conf:2: file sink: $tmp/site/alerts-link.txt is a symbolic link: refused (vmswatch does not write through one; name the file itself)" &&
    echo "$out" | grep -qxF "$tmp/site/link.conf:5: output.flows: $tmp/site/alerts-link.txt is a symbolic link: refused (vmswatch does not write through one; name the file itself)" &&
    ok || ko "-n with links: $rc $out"
# --flows empties a file that was there; a file sink appends to its own.
printf 'old\n' > "$tmp/old.json"
"$bin" -q -r "$sample" --flows "$tmp/old.json" > /dev/null
grep -q '^old$' "$tmp/old.json" && ko "--flows did not empty its file" || ok
cmp -s "$tmp/old.json" "$tmp/a.json" && ok || ko "--flows over an old file differs"

# Several files: read in turn into one flow table.
"$bin" -r "$sample" -r "$sample" --flows /dev/null 2> "$tmp/two.err"
p1=$(awk '$1 == "packets" { print $2 }' "$tmp/stdin.err")
p2=$(awk '$1 == "packets" { print $2 }' "$tmp/two.err")
[ "$p2" = "$((p1 * 2))" ] && ok || ko "two files: $p2 packets, expected $((p1 * 2))"

# Usage errors.
"$bin" >/dev/null 2>&1; [ $? -eq 2 ] && ok || ko "no input should exit 2"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]

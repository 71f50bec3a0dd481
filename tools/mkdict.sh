#!/bin/sh
# mkdict.sh - writes fuzz/loader.dict, the libFuzzer dictionary of
# fuzz_loader: the libconfig grammar's tokens, the target's file
# separator, and every key name and enum value the loaders know, taken
# from the string literals of their key tables (src/conf.c,
# src/sink_conf.c, src/inventory.c, src/rules.c, src/cfgkey.c), the role
# names of src/role.c and the rule ids of the shipped rules.  Run it again
# when a key is added: `tools/mkdict.sh > fuzz/loader.dict`.
set -eu
cd "$(dirname "$0")/.."

cat <<'EOF'
# fuzz/loader.dict - libFuzzer dictionary for fuzz_loader (and
# fuzz_loader_struct).  Written by tools/mkdict.sh; do not edit by hand.

# The target's separator between the configuration, inventory and rules.
sep="#%%\x0a"

# libconfig's grammar (libconfig 1.7: scanner.l, grammar.y).
"="
":"
";"
","
"{"
"}"
"["
"]"
"("
")"
"\""
"\\"
"\\n"
"\\x"
"@include \""
"true"
"false"
"TRUE"
"FALSE"
"0x"
"0X"
"L"
"LL"
"e+"
"E-"
".5"
"-1"
"2147483648"
"4294967296"
"9223372036854775807"
"18446744073709551616"
"1e999"
"#"
"//"
"/*"
"*/"
"\x0a"
" = "
" = ( { "
" } );"
" = [ "
" ];"
"\"\"; "

# Values the loaders parse inside strings.
"90s"
"5m"
"2h"
"1d"
"0s"
"10.0.0.0/8"
"192.168.10.0/24"
"192.168.10.1-192.168.10.9"
"0.0.0.0/0"
"255.255.255.255"
"2001:db8::/32"
"fe80::1"
"::/0"
"::ffff:10.0.0.1"
"00:15:5d:6e:00:02"
"ff:ff:ff:ff:ff:ff"
"1-65535"
"0-4095"
"\xc3\xa9"
"\xed\xa0\x80"
"\xff"

# Key names and enum values of the loaders' tables.
EOF

# Every identifier-like string literal of the loaders: key names, section
# names and enum values (a few words of messages come along; harmless).
grep -ho '"[A-Za-z0-9_.+-]*"' src/cfgkey.c src/conf.c src/sink_conf.c \
    src/inventory.c src/rules.c src/role.c |
    tr -d '"' | grep -E '^[A-Za-z0-9_][A-Za-z0-9_.+-]+$' |
    grep -v -E '\.(h|c)$' | sort -u | sed 's/.*/"&"/'

printf '\n# Rule ids of the shipped rules (policy.enabled, cross-file).\n'
grep -ho 'id *= *"[^"]*"' rules/*.conf | sed 's/^id *= *//' | sort -u

#!/bin/sh
# layers.sh: the modules of lib/ stand in layers, each using only those
# below it, and only through their one header (lib/<module>/<module>.h):
#
#   base < load < check < render < repo < report
#
# A file of lib/X/ may include "X/..." (its own module's headers, private
# ones included), "Y/Y.h" for a module Y below X, "kiplan.h", "i18n.h"
# and "banned.h".  cmd/ includes only "kiplan.h", "i18n.h", "banned.h"
# and its own "cmd.h".  lib/ never prints or exits: no printf, puts,
# exit() or stdout/stderr outside kp_x*alloc's out-of-memory abort.
# Ends with "N passed, N failed".
set -u
ORDER="base load check render repo report"
pass=0
fail=0
bad() { printf 'layers: %s\n' "$*"; fail=$((fail + 1)); }

rank() {
	i=0
	for m in $ORDER; do
		[ "$m" = "$1" ] && { echo $i; return; }
		i=$((i + 1))
	done
	echo -1
}

for d in lib/*/; do
	m=$(basename "$d")
	[ "$(rank "$m")" -ge 0 ] || bad "lib/$m/ is not a module of ORDER in tests/layers.sh"
done

for f in lib/*/*.[ch]; do
	m=$(basename "$(dirname "$f")")
	r=$(rank "$m")
	ok=1
	for inc in $(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f"); do
		case $inc in
		kiplan.h | i18n.h | banned.h) continue ;;
		*/*) ;;
		*)
			# A header beside the file, private to the module.
			[ -f "$(dirname "$f")/$inc" ] && continue
			bad "$f includes \"$inc\", which is not in lib/$m/"
			ok=0
			continue
			;;
		esac
		um=${inc%%/*}
		ur=$(rank "$um")
		if [ "$um" = "$m" ]; then
			continue
		elif [ "$ur" -lt 0 ]; then
			bad "$f includes \"$inc\": no module $um"
			ok=0
		elif [ "$ur" -ge "$r" ]; then
			bad "$f (module $m) includes \"$inc\": $um is not below $m"
			ok=0
		elif [ "$inc" != "$um/$um.h" ]; then
			bad "$f includes \"$inc\": another module's internals (use \"$um/$um.h\")"
			ok=0
		fi
	done
	if grep -nE '\<(printf|puts|putchar|exit|_exit|perror)\(|\<(stdout|stderr)\>' "$f" |
		grep -v 'snprintf\|vsnprintf\|kp_buf_addf' |
		grep -v '^[0-9]*: *\*\|/\*.*\*/' >/tmp/layers.$$; then
		if [ "$f" != lib/base/mem.c ] || grep -qv 'out of memory' /tmp/layers.$$; then
			while IFS= read -r l; do bad "$f:$l: lib/ never prints or exits"; done </tmp/layers.$$
			ok=0
		fi
	fi
	[ $ok -eq 1 ] && pass=$((pass + 1))
done
rm -f /tmp/layers.$$

for f in cmd/*.[ch]; do
	ok=1
	for inc in $(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f"); do
		case $inc in
		kiplan.h | i18n.h | banned.h | cmd.h) ;;
		*) bad "$f includes \"$inc\": cmd/ sees lib/ only through kiplan.h"; ok=0 ;;
		esac
	done
	[ $ok -eq 1 ] && pass=$((pass + 1))
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

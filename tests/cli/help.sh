#!/bin/sh
# help.sh: every command in kiplan's table answers --help with its usage,
# has a man page, and the man page's SYNOPSIS names exactly the options
# that the usage names (git's t0450 does the same).
set -u
KIPLAN=${KIPLAN:-build/kiplan}
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

cmds=$("$KIPLAN" help | sed -n 's/^  \([a-z][a-z]*\)  .*/\1/p')
[ -n "$cmds" ] && ok || bad "kiplan help lists no commands"

"$KIPLAN" --version | grep -q '^kiplan [0-9]' && ok || bad "--version"
"$KIPLAN" --help | grep -q '^usage: kiplan' && ok || bad "--help"
"$KIPLAN" nosuchcmd >/dev/null 2>&1; [ $? -eq 2 ] && ok || bad "unknown command exit 2"
"$KIPLAN" nosuchcmd 2>&1 | grep -q "'nosuchcmd' is not a kiplan command; see 'kiplan help'" && ok || bad "unknown command message"
"$KIPLAN" >/dev/null 2>&1; [ $? -eq 2 ] && ok || bad "no command exit 2"

for c in $cmds; do
	out=$("$KIPLAN" "$c" --help); rc=$?
	[ $rc -eq 0 ] && ok || bad "$c --help exit $rc"
	case $out in "usage: kiplan $c"*) ok ;; *) bad "$c --help does not start with 'usage: kiplan $c'" ;; esac
	[ "$("$KIPLAN" help "$c")" = "$out" ] && ok || bad "kiplan help $c differs from $c --help"
	"$KIPLAN" "$c" --no-such-option >/dev/null 2>&1; rc=$?
	[ $rc -eq 2 ] && ok || bad "$c --no-such-option exit $rc"
	man=man/kiplan-$c.1
	if [ ! -f "$man" ]; then
		bad "$c has no man page $man"
		continue
	fi
	ok
	if command -v mandoc >/dev/null 2>&1; then
		mandoc -Tlint -Wwarning "$man" >/dev/null 2>&1 && ok || { bad "$man: mandoc -Tlint"; mandoc -Tlint -Wwarning "$man"; }
		# Options in the usage lines (up to the first blank line) and in
		# the man page's SYNOPSIS must be the same set.
		u=$(printf '%s\n' "$out" | sed '/^$/q' | grep -o -- '--[a-z][a-z-]*' | sort -u | tr '\n' ' ')
		m=$(mandoc -Tascii "$man" | col -b | sed -n '/^SYNOPSIS/,/^DESCRIPTION/p' | grep -o -- '--[a-z][a-z-]*' | sort -u | tr '\n' ' ')
		[ "$u" = "$m" ] && ok || bad "$c: usage options [$u] differ from man SYNOPSIS [$m]"
	fi
	grep -q "^\.Ss kiplan $c\$\|^\.Ss $c\$" man/kiplan.1 && ok || bad "kiplan.1 has no section for $c"
done
for m in man/*.[1-9]; do
	mandoc -Tlint -Wwarning "$m" >/dev/null 2>&1 && ok || { bad "$m: mandoc -Tlint"; mandoc -Tlint -Wwarning "$m"; }
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

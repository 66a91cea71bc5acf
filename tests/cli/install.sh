#!/bin/sh
# install.sh: make install and make uninstall into a staging DESTDIR.
set -u
BUILD=${BUILD:-build}
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

make -s --no-print-directory install BUILD="$BUILD" DESTDIR="$tmp/stage" PREFIX=/usr >"$tmp/log" 2>&1 \
	&& ok || { bad "make install"; cat "$tmp/log"; }
[ -x "$tmp/stage/usr/bin/kiplan" ] && ok || bad "binary not installed"
"$tmp/stage/usr/bin/kiplan" --version >/dev/null && ok || bad "installed binary does not run"
for m in man/*.[1-9]; do
	s=${m##*.}
	[ -f "$tmp/stage/usr/share/man/man$s/${m##*/}" ] && ok || bad "$m not installed"
done
[ -f "$tmp/stage/usr/share/kiplan/kiplan-1.schema.yaml" ] && ok || bad "schema not installed"
bc=$tmp/stage/usr/share/bash-completion/completions/kiplan
zc=$tmp/stage/usr/share/zsh/site-functions/_kiplan
[ -f "$bc" ] && ok || bad "bash completion not installed"
[ -f "$zc" ] && ok || bad "zsh completion not installed"
# The installed bash completion completes the installed kiplan's commands.
c=$(bash "$bc" --candidates 1 "$tmp/stage/usr/bin/kiplan" val 2>&1)
[ "$c" = validate ] && ok || bad "installed bash completion: got [$c] for 'kiplan val'"
# The zsh completion names where the bash completion is installed.
grep -q '^for f in /usr/share/bash-completion/completions/kiplan ' "$zc" && ok ||
	bad "installed zsh completion does not name /usr/share/bash-completion/completions"
if command -v zsh >/dev/null 2>&1; then
	zsh -n "$zc" && ok || bad "installed zsh completion: zsh -n"
fi
make -s --no-print-directory uninstall BUILD="$BUILD" DESTDIR="$tmp/stage" PREFIX=/usr >"$tmp/log" 2>&1 \
	&& ok || { bad "make uninstall"; cat "$tmp/log"; }
[ ! -e "$tmp/stage/usr/bin/kiplan" ] && ok || bad "binary left after uninstall"
left=$(find "$tmp/stage" -type f | wc -l)
[ "$left" -eq 0 ] && ok || bad "$left files left after uninstall"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

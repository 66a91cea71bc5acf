#!/bin/sh
# install.sh: make install and make uninstall into a staging DESTDIR; the
# installed kiplan finds its plugins.
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
for p in git pdf; do
	f=$tmp/stage/usr/lib/kiplan/kiplan-$p.so
	[ -f "$f" ] && [ "$(stat -c %a "$f")" = 755 ] && ok || bad "kiplan-$p.so not installed 0755"
done
# The installed kiplan finds its plugins: in ../lib/kiplan from itself
# (here, inside DESTDIR), and where KIPLAN_PLUGINDIR says.
export GIT_CONFIG_NOSYSTEM=1 HOME="$tmp" KIPLAN_AUTHOR="Test <test@example.dk>"
(unset KIPLAN_PLUGINDIR; "$tmp/stage/usr/bin/kiplan" init "$tmp/repo") >/dev/null 2>&1 &&
	ok || bad "installed kiplan cannot init (kiplan-git.so)"
(unset KIPLAN_PLUGINDIR; "$tmp/stage/usr/bin/kiplan" render --format pdf -o "$tmp/x.pdf" examples/bilag2.md) \
	>/dev/null 2>&1 && [ -s "$tmp/x.pdf" ] && ok || bad "installed kiplan cannot render a PDF (kiplan-pdf.so)"
mkdir "$tmp/plugins"
cp "$tmp/stage/usr/lib/kiplan/"*.so "$tmp/plugins/"
mv "$tmp/stage/usr/lib/kiplan" "$tmp/moved"
KIPLAN_PLUGINDIR="$tmp/plugins" "$tmp/stage/usr/bin/kiplan" -C "$tmp/repo" due >/dev/null 2>&1 &&
	ok || bad "installed kiplan ignores KIPLAN_PLUGINDIR"
mv "$tmp/moved" "$tmp/stage/usr/lib/kiplan"
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
[ ! -e "$tmp/stage/usr/lib/kiplan" ] && ok || bad "plugin directory left after uninstall"
left=$(find "$tmp/stage" -type f | wc -l)
[ "$left" -eq 0 ] && ok || bad "$left files left after uninstall"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

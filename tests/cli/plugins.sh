#!/bin/sh
# plugins.sh: the kiplan executable starts without libgit2, cairo and
# pango; the plugins that hold them (kiplan-git.so, kiplan-pdf.so) export
# one symbol each and load when a command needs them, from
# $KIPLAN_PLUGINDIR, beside the executable, or from ../lib/kiplan; a
# plugin that is missing, foreign or of another version is an error
# (exit 3, the file named), never a crash.  validate needs no plugin, in
# a plan repository or out of one.
set -u
KIPLAN=${KIPLAN:-$(pwd)/build/kiplan}
ROOT=$(pwd)
BIN=$(dirname "$KIPLAN")
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
export GIT_CONFIG_NOSYSTEM=1 HOME="$tmp" KIPLAN_AUTHOR="Test <test@example.dk>"
unset KIPLAN_PLUGINDIR KIPLAN_DIR

# What the executable maps at start: none of the big libraries.
heavy='libgit2|libcairo|libpango|libglib|libharfbuzz|libX11|libssh2|libcrypto|libmbed|libgssapi|libkrb5'
if ldd "$KIPLAN" >"$tmp/ldd"; then
	if grep -Eq "$heavy" "$tmp/ldd"; then
		bad "kiplan links $(grep -Eo "$heavy" "$tmp/ldd" | tr '\n' ' ')"
	else
		ok
	fi
else
	bad "ldd $KIPLAN failed"
fi

# Each plugin exports exactly its table (and, under AddressSanitizer, the
# table's ODR indicator).
for p in git pdf; do
	syms=$(nm -D --defined-only "$BIN/kiplan-$p.so" 2>/dev/null | awk '$3 !~ /^__odr_asan/ {print $3}' | tr '\n' ' ')
	[ "$syms" = "kp_${p}_api " ] && ok || bad "kiplan-$p.so exports '$syms', not kp_${p}_api alone"
done

# loaded WHAT CMD...: CMD runs well and maps neither libgit2 nor cairo
# (the dynamic loader says what it opens, LD_DEBUG=files).
loaded() {
	what=$1
	shift
	if ! LD_DEBUG=files LD_DEBUG_OUTPUT="$tmp/ld" "$@" >"$tmp/out" 2>&1; then
		bad "$what: failed: $(head -n 3 "$tmp/out")"
		return
	fi
	if cat "$tmp/ld".* 2>/dev/null | grep -Eq 'libgit2|libcairo|kiplan-git|kiplan-pdf'; then
		bad "$what: loads $(cat "$tmp/ld".* | grep -Eo 'libgit2[^ ]*|libcairo[^ ]*|kiplan-(git|pdf).so' | sort -u | tr '\n' ' ')"
	else
		ok
	fi
	rm -f "$tmp/ld".*
}

mkdir "$tmp/loose"
cp "$ROOT/examples/bilag2.md" "$tmp/loose/"
"$KIPLAN" init "$tmp/repo" >/dev/null 2>&1 || bad "init"
id=$(sed -n 's/^id: *//p' "$ROOT/examples/bilag2.md" | head -n 1)
cp "$ROOT/examples/bilag2.md" "$tmp/repo/$id.md"
mkdir "$tmp/repo/sub"
# A plan with a revision, for kiplan log.
cid=$("$KIPLAN" -C "$tmp/repo" new --navn "Test Borger" 2>/dev/null)
cid=${cid%.md}
[ -n "$cid" ] && ok || bad "kiplan new"
loaded "kiplan --version" "$KIPLAN" --version
loaded "validate outside a repository" "$KIPLAN" validate "$tmp/loose/bilag2.md"
loaded "validate by id from a subdirectory" sh -c "cd '$tmp/repo/sub' && '$KIPLAN' validate $id"
loaded "validate the whole repository" "$KIPLAN" -C "$tmp/repo" validate

# validate needs no plugin at all, and still uses the repository's
# schema: one that wants a field the plan lacks.
export KIPLAN_PLUGINDIR="$tmp/none"
(cd "$tmp/repo/sub" && "$KIPLAN" validate "$id" >/dev/null 2>&1) && ok ||
	bad "validate by id without plugins"
printf '%s\n' '$schema: https://json-schema.org/draft/2020-12/schema' \
	'type: object' 'required: [kiplan_test_field]' >"$tmp/repo/.kiplan/schema.yaml"
(cd "$tmp/repo/sub" && "$KIPLAN" validate "$id" >"$tmp/out" 2>&1)
rc=$?
[ $rc -eq 1 ] && grep -q kiplan_test_field "$tmp/out" && ok ||
	bad "validate without plugins ignores the repository's schema (exit $rc): $(head -n 2 "$tmp/out")"
git -C "$tmp/repo" checkout -q -- .kiplan/schema.yaml

# expect_fail WHAT FILE CMD...: exit 3 and a message naming FILE.
expect_fail() {
	what=$1
	file=$2
	shift 2
	"$@" >"$tmp/out" 2>&1
	rc=$?
	if [ $rc -eq 3 ] && grep -qF "$file" "$tmp/out"; then
		ok
	else
		bad "$what: exit $rc, not 3 naming $file: $(head -n 3 "$tmp/out")"
	fi
}

# No plugins: the commands that need them say so.
expect_fail "log without kiplan-git.so" "$tmp/none/kiplan-git.so" \
	"$KIPLAN" -C "$tmp/repo" log "$cid"
grep -q 'kiplan-git.so: cannot load the plugin: .*No such file' "$tmp/out" && ok ||
	bad "no dlerror() reason: $(cat "$tmp/out")"
expect_fail "init without kiplan-git.so" "$tmp/none/kiplan-git.so" \
	"$KIPLAN" init "$tmp/repo2"
expect_fail "due without kiplan-git.so" "$tmp/none/kiplan-git.so" \
	"$KIPLAN" -C "$tmp/repo" due
if locale -a 2>/dev/null | grep -qi '^da_DK.utf-\?8$'; then
	LC_ALL=da_DK.UTF-8 "$KIPLAN" -C "$tmp/repo" log "$cid" >"$tmp/out" 2>&1
	grep -q 'kan ikke indlæse' "$tmp/out" && ok || bad "no Danish message: $(cat "$tmp/out")"
fi

# Only the git plugin: HTML renders, PDF is refused by name.
mkdir "$tmp/gitonly"
cp "$BIN/kiplan-git.so" "$tmp/gitonly/"
export KIPLAN_PLUGINDIR="$tmp/gitonly"
"$KIPLAN" render --format html -o "$tmp/x.html" "$tmp/loose/bilag2.md" >/dev/null 2>&1 &&
	[ -s "$tmp/x.html" ] && ok || bad "HTML without kiplan-pdf.so"
expect_fail "PDF without kiplan-pdf.so" "$tmp/gitonly/kiplan-pdf.so" \
	"$KIPLAN" render --format pdf -o "$tmp/x.pdf" "$tmp/loose/bilag2.md"
[ ! -e "$tmp/x.pdf" ] && ok || bad "a PDF was written without its plugin"

# A foreign file, a shared object without the table, another version.
mkdir "$tmp/bad"
export KIPLAN_PLUGINDIR="$tmp/bad"
echo "not ELF" >"$tmp/bad/kiplan-git.so"
expect_fail "a text file as kiplan-git.so" "$tmp/bad/kiplan-git.so" \
	"$KIPLAN" -C "$tmp/repo" log "$cid"
cp "$BIN/kiplan-pdf.so" "$tmp/bad/kiplan-git.so"
expect_fail "kiplan-pdf.so as kiplan-git.so" "$tmp/bad/kiplan-git.so" \
	"$KIPLAN" -C "$tmp/repo" log "$cid"
grep -q 'kp_git_api' "$tmp/out" && ok || bad "the missing table is not named: $(cat "$tmp/out")"
version=$("$KIPLAN" --version | sed 's/^kiplan //')
other=$(echo "$version" | tr 0-9 1-90)
V=$version O=$other perl -0777 -pe 's/\x00\Q$ENV{V}\E\x00/\x00$ENV{O}\x00/g' \
	"$BIN/kiplan-git.so" >"$tmp/bad/kiplan-git.so"
expect_fail "kiplan-git.so of kiplan $other" "$tmp/bad/kiplan-git.so" \
	"$KIPLAN" -C "$tmp/repo" log "$cid"
grep -qF "$other" "$tmp/out" && ok || bad "the other version is not named: $(cat "$tmp/out")"
unset KIPLAN_PLUGINDIR

# Installed under a prefix: bin/kiplan finds lib/kiplan/*.so.
mkdir -p "$tmp/prefix/bin" "$tmp/prefix/lib/kiplan" "$tmp/lonely"
cp "$KIPLAN" "$tmp/prefix/bin/"
cp "$BIN/kiplan-git.so" "$BIN/kiplan-pdf.so" "$tmp/prefix/lib/kiplan/"
"$tmp/prefix/bin/kiplan" -C "$tmp/repo" log "$cid" >/dev/null 2>&1 && ok ||
	bad "bin/kiplan does not find ../lib/kiplan/kiplan-git.so"
"$tmp/prefix/bin/kiplan" render --format pdf -o "$tmp/y.pdf" "$tmp/loose/bilag2.md" >/dev/null 2>&1 &&
	[ -s "$tmp/y.pdf" ] && ok || bad "bin/kiplan does not find ../lib/kiplan/kiplan-pdf.so"
cp "$KIPLAN" "$tmp/lonely/"
"$tmp/lonely/kiplan" -C "$tmp/repo" log "$cid" >"$tmp/out" 2>&1
rc=$?
if [ $rc -eq 0 ]; then
	ok # installed in PKGLIBDIR on this machine
else
	[ $rc -eq 3 ] && grep -q '/kiplan-git.so: ' "$tmp/out" && ok ||
		bad "kiplan without plugins anywhere: exit $rc: $(cat "$tmp/out")"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

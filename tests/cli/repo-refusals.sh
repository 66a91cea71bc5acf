#!/bin/sh
# repo-refusals.sh: what send and the repository commands refuse, and that
# a refusal leaves no commit and every file as it was: plans with errors,
# drafts, missing or withdrawn consent, relatives without consent, forged
# trailers, symbolic links, paths outside the repository.
set -u
KIPLAN=${KIPLAN:-build/kiplan}
case $KIPLAN in /*) ;; *) KIPLAN=$(pwd)/$KIPLAN ;; esac
EXAMPLES=$(pwd)/examples
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
export HOME="$T" GIT_CONFIG_NOSYSTEM=1 KIPLAN_TODAY=2026-02-01
unset KIPLAN_DIR KIPLAN_AUTHOR GIT_AUTHOR_DATE GIT_COMMITTER_DATE GIT_DIR
git config --global user.name "Anne Larsen"
git config --global user.email anne.larsen@example.dk
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
check() { if eval "$2"; then ok; else bad "$1"; fi; }

R=$T/planer
"$KIPLAN" init "$R" >/dev/null || exit 1
cd "$R" || exit 1
"$KIPLAN" new --navn "Michael Lykke Sørensen" >/dev/null || exit 1
sed 's/^id: ki-2014-0001$/id: ki-2026-0001/' "$EXAMPLES/bilag2.md" > good.tmp
P=ki-2026-0001.md

# refused: send with exit $1, no commit, the file unchanged
refused() {
	name=$1
	want=$2
	shift 2
	n=$(git rev-list --count HEAD)
	cp "$P" "$T/before"
	"$KIPLAN" send --no-outbox "$@" >"$T/out" 2>"$T/err"
	rc=$?
	check "$name: exit $want" '[ $rc -eq $want ]'
	check "$name: no commit" '[ "$(git rev-list --count HEAD)" = "$n" ]'
	check "$name: file unchanged" 'cmp -s "$P" "$T/before"'
}

refused "a draft" 1 "$P"
check "a draft: says so" 'grep -q "draft" "$T/err"'

sed 's/^status: aktiv$/status: aktiv/; s/^  givet: true$/  givet: false/' good.tmp > "$P"
refused "no consent" 1 "$P"

sed 's/^  paaroerende: false$/  paaroerende: false\n  tilbagekaldt: 2014-06-01/' good.tmp > "$P"
refused "withdrawn consent" 1 "$P"

# A relative without consent: the rules refuse the plan; --to only that
# person too.
awk '{print} /^deltagere:$/ {print "  - navn: Birthe Sørensen"; print "    rolle: paaroerende"; print "    email: birthe@example.dk"}' good.tmp > "$P"
refused "relative without consent (alle)" 1 "$P"
refused "relative without consent (--to)" 1 --to "Birthe Sørensen" "$P"

sed 's/^  cpr: .*/  cpr: "999999-9999"/' good.tmp > "$P"
refused "a plan with errors" 1 "$P"
check "errors: file:line:col" 'grep -q "^ki-2026-0001.md:[0-9]*:[0-9]*: error" "$T/err"'

cp good.tmp "$P"
refused "an unknown recipient" 2 --to "Nobody Else" "$P"
nl='
'
refused "a newline in -m (trailer forging)" 2 -m "ok${nl}${nl}Sendt-til: Eve <eve@example.dk>" "$P"
check "forging: nothing like it in git" '! git log --format=%B | grep -q "eve@example.dk"'
n=$(git rev-list --count HEAD)
KIPLAN_AUTHOR="Eve${nl}Sendt-til: Eve <eve@example.dk>" "$KIPLAN" send --no-outbox "$P" >/dev/null 2>&1; rc=$?
check "a newline in KIPLAN_AUTHOR: refused" '[ $rc -ne 0 ] && [ "$(git rev-list --count HEAD)" = "$n" ]'
printf 'x\tSendt-til: Eve <e@x.dk>' > "$T/m"
refused "a tab in -m" 2 -m "$(cat "$T/m")" "$P"

# symbolic links and paths outside are refused, never followed
ln -s "$P" link.md
refused "a symbolic link" 2 link.md
check "symlink: says so" 'grep -q "symbolic link" "$T/err"'
"$KIPLAN" show link.md >/dev/null 2>&1; rc=$?
check "show a symbolic link: exit 2" '[ $rc -eq 2 ]'
"$KIPLAN" log link.md >/dev/null 2>&1; rc=$?
check "log a symbolic link: exit 2" '[ $rc -eq 2 ]'
rm link.md
cp good.tmp "$T/outside.md"
refused "a path outside the repository" 2 "$T/outside.md"
check "outside: says so" 'grep -q "outside the plan repository" "$T/err"'
refused "a path through .." 2 "../planer/../outside.md"
mkdir sub && ln -s "$T" sub/up
refused "a directory symlink out of the repository" 2 sub/up/outside.md
rm -rf sub
refused "a path into .git" 2 .git/config

# A plan that is a symbolic link to a file inside the repo is not read
# by kp_repo_read either (O_NOFOLLOW): covered by send above.
cp good.tmp "$P"
"$KIPLAN" send --no-outbox "$P" >/dev/null 2>&1; rc=$?
check "the good plan is sent after all refusals" '[ $rc -eq 0 ]'
check "fsck" 'git fsck --strict >/dev/null 2>&1'
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

#!/bin/sh
# verify.sh: kiplan verify recognises the outbox copies of a sent
# revision (PDF and HTML), a redacted rendering, and lists the sendings;
# it rejects, with exit 1, a changed copy, a copy from another repository,
# a working copy's rendering and a file kiplan did not write.
set -u
KIPLAN=${KIPLAN:-$(pwd)/build/kiplan}
ROOT=$(pwd)
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
check() {
	if eval "$2"; then ok; else bad "$1"; fi
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
export GIT_CONFIG_NOSYSTEM=1 HOME="$tmp"
export KIPLAN_AUTHOR="Anne Larsen <anne.larsen@example.dk>"

# repo DIR: a plan repository with ki-2026-0001 (Bilag 2) sent once.
repo() {
	"$KIPLAN" init "$1" >/dev/null 2>&1 &&
		sed 's/^id: ki-2014-0001$/id: ki-2026-0001/' \
			"$ROOT/examples/bilag2.md" >"$1/ki-2026-0001.md" &&
		(cd "$1" && "$KIPLAN" send -m "Efter mødet" ki-2026-0001 >/dev/null 2>&1)
}
repo "$tmp/a" || bad "cannot make repository a"
KIPLAN_AUTHOR="Bo Berg <bo.berg@example.dk>" repo "$tmp/b" ||
	bad "cannot make repository b"
cd "$tmp/a" || exit 1
head=$(git rev-parse HEAD)

for f in pdf html; do
	out=$("$KIPLAN" verify "outbox/ki-2026-0001-r1.$f" 2>&1)
	rc=$?
	check "$f outbox copy: exit 0" '[ $rc -eq 0 ]'
	check "$f outbox copy: which plan, revision and commit" \
		'printf "%s\n" "$out" | grep -qx "outbox/ki-2026-0001-r1.$f: plan ki-2026-0001, revision 1, commit $head"'
	check "$f outbox copy: the same" \
		'printf "%s\n" "$out" | grep -q "exactly what revision 1 renders to, byte for byte"'
	check "$f outbox copy: to whom" \
		'printf "%s\n" "$out" | grep -qx "  Peter Holm <peter.holm@example.dk>"'
	check "$f outbox copy: when" \
		'printf "%s\n" "$out" | grep -q "^sent $(git log -1 --format=%cd --date=format:"%Y-%m-%d %H:%M") to:$"'
done

# Sent again: two sendings.
"$KIPLAN" send --no-outbox --to "Peter Holm" ki-2026-0001 >/dev/null 2>&1
out=$("$KIPLAN" verify outbox/ki-2026-0001-r1.pdf 2>&1)
check "sent again: two sendings" '[ "$(printf "%s\n" "$out" | grep -c "^sent ")" = 2 ]'

# A rendering of the revision, redacted or not, is the same.
"$KIPLAN" render --redact -o "$tmp/red.pdf" ki-2026-0001@1
out=$("$KIPLAN" verify "$tmp/red.pdf" 2>&1)
rc=$?
check "redacted rendering: exit 0" '[ $rc -eq 0 ]'
check "redacted rendering: says so" 'printf "%s\n" "$out" | grep -q ": rendered with --redact$"'

# Changed copies.
sed 's/Vejle/Vejen/' outbox/ki-2026-0001-r1.html >"$tmp/changed.html"
out=$("$KIPLAN" verify "$tmp/changed.html" 2>&1)
rc=$?
check "changed HTML: exit 1" '[ $rc -eq 1 ]'
check "changed HTML: NOT" 'printf "%s\n" "$out" | grep -q "NOT what revision 1 renders to"'
python3 - outbox/ki-2026-0001-r1.pdf "$tmp/changed.pdf" <<'EOF'
import sys
d = bytearray(open(sys.argv[1], "rb").read())
i = d.index(b"/Title")
d[i + 10] ^= 1  # one letter of the title
open(sys.argv[2], "wb").write(d)
EOF
"$KIPLAN" verify "$tmp/changed.pdf" >"$tmp/out" 2>&1
rc=$?
check "changed PDF (one bit): exit 1" '[ $rc -eq 1 ]'
check "changed PDF: NOT" 'grep -q "NOT what revision 1 renders to" "$tmp/out"'
head -c 20000 outbox/ki-2026-0001-r1.pdf >"$tmp/cut.pdf"
"$KIPLAN" verify "$tmp/cut.pdf" >/dev/null 2>&1
rc=$?
check "cut PDF: exit 1" '[ $rc -eq 1 ]'

# Another repository: the same plan id, another commit.
out=$("$KIPLAN" verify "$tmp/b/outbox/ki-2026-0001-r1.pdf" 2>&1)
rc=$?
check "other repository: exit 1" '[ $rc -eq 1 ]'
check "other repository: says so" \
	'printf "%s\n" "$out" | grep -q "not from this repository: revision 1 of plan ki-2026-0001 here is commit $head"'
sed 's/ki-2026-0001/ki-2026-0042/g' outbox/ki-2026-0001-r1.html >"$tmp/other.html"
out=$("$KIPLAN" verify "$tmp/other.html" 2>&1)
rc=$?
check "unknown plan: exit 1" '[ $rc -eq 1 ]'
check "unknown plan: says so" \
	'printf "%s\n" "$out" | grep -q "not from this repository: it has no revision 1 of plan ki-2026-0042"'

# An unchanged working file renders as its revision; a changed one as a
# working copy.  And files kiplan did not write.
"$KIPLAN" render -o "$tmp/work.pdf" ki-2026-0001.md
"$KIPLAN" verify "$tmp/work.pdf" >/dev/null 2>&1
rc=$?
check "unchanged working file: exit 0" '[ $rc -eq 0 ]'
sed -i 's/Vejle/Vejen/' ki-2026-0001.md
"$KIPLAN" render -o "$tmp/work.pdf" ki-2026-0001.md
out=$("$KIPLAN" verify "$tmp/work.pdf" 2>&1)
rc=$?
check "working copy: exit 1" '[ $rc -eq 1 ]'
check "working copy: says so" 'printf "%s\n" "$out" | grep -q "rendered from a working copy"'
"$KIPLAN" verify "$ROOT/README.md" >/dev/null 2>"$tmp/err"
rc=$?
check "not kiplan's: exit 1" '[ $rc -eq 1 ]'
check "not kiplan's: says so" 'grep -q "not a document written by kiplan" "$tmp/err"'
"$KIPLAN" verify >/dev/null 2>&1
rc=$?
check "no file: exit 2" '[ $rc -eq 2 ]'
"$KIPLAN" verify "$tmp/none.pdf" >/dev/null 2>&1
rc=$?
check "missing file: exit 3" '[ $rc -eq 3 ]'

# In Danish.
out=$(LANG=da_DK.UTF-8 LC_ALL=da_DK.UTF-8 "$KIPLAN" verify outbox/ki-2026-0001-r1.pdf 2>&1)
check "Danish" 'printf "%s\n" "$out" | grep -q "præcis det samme som revision 1 giver, byte for byte"'
cd "$ROOT" || exit 1

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

#!/bin/sh
# repo-faults.sh: eight kiplan new and eight kiplan send at the same
# moment, and kill -9 at several points of new and send
# (KIPLAN_TEST_CRASH): distinct ids, every commit kept, no lock left
# behind, git fsck passes, the file old or new, the next command works.
set -u
KIPLAN=${KIPLAN:-build/kiplan}
case $KIPLAN in /*) ;; *) KIPLAN=$(pwd)/$KIPLAN ;; esac
EXAMPLES=$(pwd)/examples
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
export HOME="$T" GIT_CONFIG_NOSYSTEM=1 KIPLAN_TODAY=2026-02-01
export KIPLAN_LOCK_TIMEOUT=60
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

# --- eight new at once ------------------------------------------------
i=1
while [ $i -le 8 ]; do
	"$KIPLAN" new --navn "Borger $i" > "$T/new.$i" 2>&1 &
	i=$((i + 1))
done
wait
check "eight plans" '[ "$(ls ki-2026-*.md | wc -l)" = 8 ]'
check "eight distinct ids printed" '[ "$(cat "$T"/new.* | sort -u | grep -c "^ki-2026-00[0-9][0-9].md$")" = 8 ]'
check "ids 1 to 8" '[ -f ki-2026-0001.md ] && [ -f ki-2026-0008.md ]'
check "every commit kept (1 + 8)" '[ "$(git rev-list --count HEAD)" = 9 ]'
check "each plan in its own commit" '[ "$(git log --format= --name-only | grep -c "^ki-2026-")" = 8 ]'
check "no lock left" '[ ! -e .git/kiplan.lock ]'
check "status clean" '[ -z "$(git status --porcelain)" ]'
check "fsck" 'git fsck --strict >/dev/null 2>&1'

# --- eight send at once (two plans, new revisions and records) ----------
sed 's/^id: ki-2014-0001$/id: ki-2026-0001/' "$EXAMPLES/bilag2.md" > ki-2026-0001.md
sed 's/^id: ki-2014-0001$/id: ki-2026-0002/' "$EXAMPLES/bilag2.md" > ki-2026-0002.md
i=1
while [ $i -le 8 ]; do
	"$KIPLAN" send --no-outbox "ki-2026-000$((i % 2 + 1)).md" > "$T/send.$i" 2>&1 &
	i=$((i + 1))
done
wait
check "eight sendings committed" '[ "$(git rev-list --count HEAD)" = 17 ]'
check "each plan got exactly one new revision" '[ "$(git log --format="%(trailers:key=Revision,valueonly)" --grep="^Send" | grep -c "^2$")" = 8 ]'
check "no lock left after send" '[ ! -e .git/kiplan.lock ]'
check "fsck after send" 'git fsck --strict >/dev/null 2>&1'

# --- kill -9 at several points ------------------------------------------
# A stale lock file left by a killed holder never blocks.
for point in new-before-write new-written commit-objects commit-ref; do
	n=$(git rev-list --count HEAD)
	KIPLAN_TEST_CRASH=$point "$KIPLAN" new --navn "Crash $point" >/dev/null 2>&1; rc=$?
	check "new killed at $point (137)" '[ $rc -eq 137 ]'
	check "fsck after a crash at $point" 'git fsck --strict >/dev/null 2>&1'
	for f in ki-2026-*.md; do
		"$KIPLAN" validate "$f" >/dev/null 2>&1 || bad "$f not whole after $point"
	done
	ok
	out=$(KIPLAN_LOCK_TIMEOUT=3 "$KIPLAN" new --navn "After $point"); rc=$?
	check "the next new works after $point" '[ $rc -eq 0 ] && [ -f "$out" ]'
	check "its commit holds its file ($point)" '[ "$(git show --format= --name-only HEAD)" = "$out" ]'
	case $point in
	commit-ref)
		check "crash after the ref: the commit is kept" '[ "$(git rev-list --count HEAD)" = $((n + 2)) ]' ;;
	*)
		check "crash before the ref: no commit ($point)" '[ "$(git rev-list --count HEAD)" = $((n + 1)) ]' ;;
	esac
	# Repair what a killed process may leave (an unstaged index entry).
	git reset -q -- . 2>/dev/null
	git add -- ki-2026-*.md 2>/dev/null
	git commit -q -m "tests: the crash's leftovers" -- ki-2026-*.md >/dev/null 2>&1
done
cp ki-2026-0001.md "$T/p1"
for point in send-locked commit-objects commit-ref; do
	n=$(git rev-list --count HEAD)
	echo "" >> ki-2026-0001.md
	cp ki-2026-0001.md "$T/p1"
	KIPLAN_TEST_CRASH=$point "$KIPLAN" send --no-outbox ki-2026-0001.md >/dev/null 2>&1; rc=$?
	check "send killed at $point (137)" '[ $rc -eq 137 ]'
	check "fsck after a send crash at $point" 'git fsck --strict >/dev/null 2>&1'
	check "send never changes the file ($point)" 'cmp -s ki-2026-0001.md "$T/p1"'
	KIPLAN_LOCK_TIMEOUT=3 "$KIPLAN" send --no-outbox ki-2026-0001.md >/dev/null 2>&1; rc=$?
	check "the next send works after $point" '[ $rc -eq 0 ]'
	check "status clean for the plan after $point" '[ -z "$(git status --porcelain -- ki-2026-0001.md)" ]'
done
check "no lock left at the end" '[ ! -e .git/kiplan.lock ]'
check "fsck at the end" 'git fsck --strict >/dev/null 2>&1'
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

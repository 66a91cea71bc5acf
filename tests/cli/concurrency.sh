#!/bin/sh
# concurrency.sh: 16 kiplan processes at once on one plan repository, for
# ROUNDS rounds (3 by default; ROUNDS=60 for the full run): writers (new,
# send, set) beside readers (validate, due, export --format csv).
#  - No reader fails: validate, due and export exit 0 or 1 (findings),
#    never 3, and never name a writer's temporary file.
#  - Every writer succeeds, or fails with the documented lock status (3,
#    "another kiplan holds the repository lock") having done nothing; in
#    every other round the writers do not wait for the lock
#    (KIPLAN_LOCK_TIMEOUT=0), so that some fail so.
#  - Afterwards: git fsck --strict passes; no plan is lost (the plans are
#    the first ones and one per successful new, each id once); every
#    successful writer has its one commit and no failed one has any;
#    every sending is recorded; git status is clean; no temporary file
#    or lock is left.
set -u
KIPLAN=${KIPLAN:-build/kiplan}
case $KIPLAN in /*) ;; *) KIPLAN=$(pwd)/$KIPLAN ;; esac
EXAMPLES=$(pwd)/examples
ROUNDS=${ROUNDS:-3}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
export HOME="$T" GIT_CONFIG_NOSYSTEM=1 KIPLAN_TODAY=2026-02-01 LC_ALL=C.UTF-8
# Under AddressSanitizer: whole stacks for LeakSanitizer, so that
# tests/lsan.supp can name the libgit2 functions that leak pcre2 match
# data (as share.sh does).
case ${ASAN_OPTIONS-} in
*fast_unwind_on_malloc*) ;;
*) export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}fast_unwind_on_malloc=0" ;;
esac
unset KIPLAN_DIR KIPLAN_AUTHOR GIT_AUTHOR_DATE GIT_COMMITTER_DATE GIT_DIR LANGUAGE
git config --global user.name "Anne Larsen"
git config --global user.email anne.larsen@example.dk
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
check() { if eval "$2"; then ok; else bad "$1"; fi; }

# The repository: bilag 2 sent once (for send), and one plan for each
# set writer of a round, so that two sets never race for one file.
R=$T/r
"$KIPLAN" init "$R" >/dev/null || exit 1
cd "$R" || exit 1
sed 's/^id: ki-2014-0001$/id: ki-2026-0001/' "$EXAMPLES/bilag2.md" >ki-2026-0001.md
"$KIPLAN" send ki-2026-0001.md >/dev/null 2>&1 || { echo "FAIL: the first send"; exit 1; }
for n in 2 3; do
	"$KIPLAN" new --navn "Borger $n" >/dev/null 2>&1 || { echo "FAIL: new $n"; exit 1; }
done
[ "$(ls ki-2026-*.md | wc -l)" = 3 ] || { echo "FAIL: the setup has not 3 plans"; exit 1; }
commits0=$(git rev-list --count HEAD)
sendings0=$(git log --format='%(trailers:key=Sendt-til,valueonly,separator=%x2C)' | grep -c .)

# One round's 16 processes: 4 new, 2 send, 2 set; 3 validate, 3 due,
# 2 export.  Each leaves its status in $D/NAME.rc and its output beside.
# In every other round the writers do not wait for the lock, so that
# some find it busy; those must leave nothing behind.
round() {
	r=$1
	D=$T/round-$r
	mkdir "$D"
	if [ $((r % 2)) = 0 ]; then
		export KIPLAN_LOCK_TIMEOUT=0
	else
		unset KIPLAN_LOCK_TIMEOUT
	fi
	for i in 1 2 3 4; do
		run "$D" new$i "$KIPLAN" new --navn "Borger $r-$i" --koordinator-navn "Anne Larsen"
	done
	run "$D" send1 "$KIPLAN" send --to borger ki-2026-0001.md
	run "$D" send2 "$KIPLAN" send -m "Runde $r." --to borger ki-2026-0001.md
	run "$D" set1 "$KIPLAN" set ki-2026-0002.md "borger.adresse=Vej $r, 7100 Vejle"
	run "$D" set2 "$KIPLAN" set ki-2026-0003.md "borger.adresse=Gade $r, 7100 Vejle"
	for i in 1 2 3; do
		run "$D" validate$i "$KIPLAN" validate .
		run "$D" due$i "$KIPLAN" due --no-cache
	done
	run "$D" export1 "$KIPLAN" export --format csv
	run "$D" export2 "$KIPLAN" export --format csv -o "$D/export2.csv"
	wait
	unset KIPLAN_LOCK_TIMEOUT
}
run() {
	d=$1 name=$2
	shift 2
	("$@" >"$d/$name.out" 2>"$d/$name.err" </dev/null; echo $? >"$d/$name.rc") &
}

news=0
sends=0
sets=0
busy=0
r=1
while [ "$r" -le "$ROUNDS" ]; do
	round "$r"
	D=$T/round-$r
	for f in "$D"/*.rc; do
		name=$(basename "$f" .rc)
		rc=$(cat "$f")
		case $name in
		validate* | due* | export*)
			case $rc in
			0 | 1) ok ;;
			*) bad "round $r: $name exited $rc: $(head -3 "$D/$name.err")" ;;
			esac
			check "round $r: $name names no temporary file" '! grep -q "\.tmp" "$D/$name.err"'
			;;
		*)
			if [ "$rc" = 0 ]; then
				ok
				case $name in
				new*) news=$((news + 1)); cat "$D/$name.out" >>"$T/new-paths" ;;
				send*) sends=$((sends + 1)) ;;
				set*) sets=$((sets + 1)) ;;
				esac
			elif [ "$rc" = 3 ] && grep -q "another kiplan holds the repository lock" "$D/$name.err"; then
				ok
				busy=$((busy + 1))
			else
				bad "round $r: $name exited $rc: $(head -3 "$D/$name.err")"
			fi
			;;
		esac
	done
	# The export's rows: a header and one per plan there was.
	check "round $r: export wrote a header and rows" '[ "$(wc -l <"$D/export2.csv")" -ge 4 ]'
	r=$((r + 1))
done

# --- nothing lost, nothing half-done ------------------------------------
check "git fsck --strict" 'git fsck --strict --no-progress >"$T/fsck" 2>&1'
nplans=$(ls ki-2026-*.md | wc -l)
check "plans: 3 and one per successful new ($((3 + news)), found $nplans)" '[ "$nplans" = $((3 + news)) ]'
check "plans: as many in the index" '[ "$(git ls-files "ki-2026-*.md" | wc -l)" = "$nplans" ]'
check "new: every path printed exists" 'while read -r p; do [ -f "$p" ] || exit 1; done <"$T/new-paths"'
check "new: every id once" '[ "$(sort "$T/new-paths" | uniq -d | wc -l)" = 0 ]'
check "commits: one per successful writer ($((commits0 + news + sends + sets)))" \
	'[ "$(git rev-list --count HEAD)" = $((commits0 + news + sends + sets)) ]'
check "sendings: one per successful send" \
	'[ "$(git log --format="%(trailers:key=Sendt-til,valueonly,separator=%x2C)" | grep -c .)" = $((sendings0 + sends)) ]'
check "git status is clean" '[ -z "$(git status --porcelain)" ]'
check "no temporary file in the working tree" '[ -z "$(find . -path ./.git -prune -o -name "*.tmp*" -print)" ]'
check "no lock left in the git directory" '[ -z "$(find .git -name "*.lock" -print)" ]'
echo "concurrency: $ROUNDS rounds of 16: $news new, $sends send, $sets set committed; $busy writers found the lock busy"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

#!/bin/sh
# merge.sh: kiplan merge-file as git's merge driver (set up by kiplan
# init): real repositories, real `git merge`.  Different fields merge;
# list items are matched by what they are, not by place; the same field
# changed on both sides is a conflict that git, validate and send see;
# a merge that breaks the plan does not pass; untouched lines stay
# byte for byte.  git is the independent check.
set -u
KIPLAN=${KIPLAN:-build/kiplan}
case $KIPLAN in /*) ;; *) KIPLAN=$(pwd)/$KIPLAN ;; esac
ROOT=$(pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
# git runs the driver as "kiplan merge-file ...": the kiplan under test.
mkdir "$T/bin" && ln -s "$KIPLAN" "$T/bin/kiplan"
PATH=$T/bin:$PATH
export HOME="$T" GIT_CONFIG_NOSYSTEM=1 PATH KIPLAN_TODAY=2014-09-25 LC_ALL=C
unset KIPLAN_DIR KIPLAN_AUTHOR GIT_DIR VISUAL EDITOR GIT_AUTHOR_DATE GIT_COMMITTER_DATE LANGUAGE
git config --global user.name "Anne Larsen"
git config --global user.email anne.larsen@example.dk
git config --global init.defaultBranch main
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
check() { if eval "$2"; then ok; else bad "$1"; fi; }
P=ki-2014-0001.md

# A fresh repository holding bilag 2 on main, and a branch "other".
fresh() {
	rm -rf "$T/r"
	"$KIPLAN" init "$T/r" >/dev/null || bad "init"
	cd "$T/r" || exit 1
	git checkout -q -B main
	cp "$ROOT/examples/bilag2.md" "$P"
	git add "$P" && git commit -qm "Bilag 2"
	git branch other
}
# theirs CMD...: run CMD on branch other and commit; back to main.
theirs() {
	git checkout -q other && eval "$1" && git commit -qam "theirs" --author "Bo Berg <bo@example.dk>"
	git checkout -q main
}
ours() { eval "$1" && git commit -qam "ours"; }
# Insert the lines of file $2 before the line matching $1.
before() { awk -v pat="$1" -v f="$2" '$0 ~ pat { while ((getline l < f) > 0) print l } { print }' "$P" > "$P.new" && mv "$P.new" "$P"; }

# --- init sets up the driver ----------------------------------------------
fresh
check "init: .gitattributes committed" '[ "$(git show HEAD~1:.gitattributes | grep -v "^#")" = "*.md merge=kiplan" ]'
check "init: merge.kiplan.driver" '[ "$(git config merge.kiplan.driver)" = "kiplan merge-file %O %A %B %P" ]'
check "init: git resolves the attribute" 'git check-attr merge -- x.md | grep -q "merge: kiplan"'
check "init: the repository has a UUID" 'grep -Eq "^	id = [0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$" .kiplan/config'

# --- different fields on each side: clean, every other byte kept ----------
theirs 'sed -i "s/^  dato: 2014-10-01\$/  dato: 2014-10-15/" $P'
ours 'sed -i "s/^  sted: Distriktspsykiatrien Vejle\$/  sted: Jobcenter Vejle # flyttet/" $P'
git merge -q --no-edit other >"$T/out" 2>&1; rc=$?
check "different fields: git merge succeeds" '[ $rc -eq 0 ]'
check "different fields: both changes" 'grep -q "^  dato: 2014-10-15$" $P && grep -q "^  sted: Jobcenter Vejle # flyttet$" $P'
check "different fields: only those two lines differ from the base" '[ "$(git diff HEAD~2 HEAD -- $P | grep -c "^[-+] ")" -eq 4 ]'
check "different fields: the merge is valid" '"$KIPLAN" validate $P >/dev/null 2>&1'

# --- goals added on both sides at the end: git alone would conflict -------
fresh
printf '  - titel: Bolig\n    indsatser:\n      - opgave: Find bolig\n        succeskriterier: Borger har en bolig.\n        ansvarlig: Vejle Kommune\n        tidsplan: Inden jul\n\n' >"$T/g1"
printf '  - titel: Netværk\n    indsatser:\n      - opgave: Kontakt til familien\n        succeskriterier: Borger ser sin søster.\n        ansvarlig: Støttekontaktpersonen\n        tidsplan: Løbende\n\n' >"$T/g2"
theirs 'before "^# 5. Opf" "$T/g2"'
ours 'before "^# 5. Opf" "$T/g1"'
cp $P "$T/ours"; git show other:$P >"$T/theirs"; git show HEAD~1:$P >"$T/base"
check "control: git's own text merge conflicts here" '! git merge-file -p "$T/ours" "$T/base" "$T/theirs" >/dev/null 2>&1'
git merge -q --no-edit other >"$T/out" 2>&1; rc=$?
check "goals added on both sides: clean" '[ $rc -eq 0 ]'
check "goals added on both sides: ours, then theirs" '[ "$(grep -n "titel: Bolig\|titel: Netværk" $P | cut -d: -f3-)" = " Bolig
 Netværk" ]'
check "goals added on both sides: valid" '"$KIPLAN" validate $P >/dev/null 2>&1'

# --- participants by name, not by place ------------------------------------
fresh
# theirs: a new participant first; ours: Peter Holm's mail changed and
# Michael (first) gone.  By place, theirs' item 1 would be Michael.
printf '  - navn: Karen Due\n    stilling: Egen læge\n    rolle: egen_laege\n' >"$T/p"
theirs 'before "^  - navn: Michael Lykke" "$T/p"; sed -i "s/^    telefon: \"+45 76 81 55 20\"\$/    telefon: \"+45 76 81 55 99\"/" $P'
ours 'sed -i "/^  - navn: Michael Lykke/,+1d; s/peter.holm@example.dk/p.holm@example.dk/" $P'
git merge -q --no-edit other >"$T/out" 2>&1; rc=$?
check "participants: clean" '[ $rc -eq 0 ]'
check "participants: Karen added, Michael gone, both changes" 'grep -q "navn: Karen Due" $P && ! grep -q "^  - navn: Michael" $P && grep -q "p.holm@example.dk" $P && grep -q "55 99" $P'
check "participants: valid" '"$KIPLAN" validate $P >/dev/null 2>&1'
# Theirs removes an action's deadline, ours changes its task text elsewhere.
fresh
theirs 'sed -i "0,/^        frist: 2014-10-01\$/{/^        frist: 2014-10-01\$/d}" $P'
ours 'sed -i "s/^        forloeb: sekventiel\$/        forloeb: parallel/" $P'
git merge -q --no-edit other >"$T/out" 2>&1; rc=$?
check "a key removed on one side, another changed: clean" '[ $rc -eq 0 ] && [ "$(grep -c "^        frist:" $P)" -eq 1 ] && ! grep -q sekventiel $P'

# --- the same field changed on both sides: a conflict ----------------------
fresh
theirs 'sed -i "s/^  dato: 2014-10-01\$/  dato: 2014-10-20/" $P'
ours 'sed -i "s/^  dato: 2014-10-01\$/  dato: 2014-10-10/" $P'
git merge --no-edit other >"$T/out" 2>&1; rc=$?
check "conflict: git merge stops" '[ $rc -ne 0 ] && [ "$(git status --porcelain $P)" = "UU $P" ]'
check "conflict: markers around the field only" '[ "$(grep -A4 "^<<<<<<< HEAD$" $P | tr "\n" "|")" = "<<<<<<< HEAD|  dato: 2014-10-10|=======|  dato: 2014-10-20|>>>>>>> other|" ]'
line=$(grep -n "^<<<<<<<" $P | cut -d: -f1)
check "conflict: a finding FILE:LINE:COL with both values and both sides" 'grep -q "^$P:$line:1: error: konflikt: .opfoelgning.dato. was changed on both sides: HEAD made it \"2014-10-10\", other made it \"2014-10-20\"" "$T/out"'
"$KIPLAN" validate $P >"$T/out" 2>&1; rc=$?
check "conflict: validate refuses (konflikt)" '[ $rc -eq 1 ] && grep -q "^$P:$line:1: error: konflikt:" "$T/out"'
n=$(git rev-list --count HEAD)
"$KIPLAN" send $P -m "Sendt" >"$T/out" 2>&1; rc=$?
check "conflict: send refuses and commits nothing" '[ $rc -ne 0 ] && [ "$(git rev-list --count HEAD)" = "$n" ] && grep -Eq "conflict markers|merge is not finished" "$T/out"'
check "conflict: git diff --check sees the markers" '! git diff --check >/dev/null 2>&1'
git merge --abort

# A field changed on one side and its item removed on the other.
fresh
theirs 'sed -i "/^  - navn: Jesper Nielsen/,+5d" $P'
ours 'sed -i "s/jesper.nielsen@example.dk/jn@example.dk/" $P'
git merge --no-edit other >"$T/out" 2>&1; rc=$?
check "changed and removed: a conflict, named" '[ $rc -ne 0 ] && grep -q "konflikt: .deltagere.3. was changed by HEAD to .* and removed by other" "$T/out"'
git merge --abort

# --- the notes (body) ----------------------------------------------------
fresh
theirs 'printf "\nTheirs note.\n" >>$P'
ours 'sed -i "s/^Eksemplet er bilag 2/Eksemplet (ours) er bilag 2/" $P'
git merge -q --no-edit other >"$T/out" 2>&1; rc=$?
check "body: merged line by line" '[ $rc -eq 0 ] && grep -q "^Theirs note.$" $P && grep -q "^Eksemplet (ours) er" $P'

# --- a merge that breaks the plan does not pass --------------------------
fresh
# theirs adds a relative as participant; ours withdraws the consent to
# involve relatives.  Each side is valid; the merge is not.
sed -i "s/^  paaroerende: false\$/  paaroerende: true/" $P && git commit -qam "samtykke" && git branch -f other
printf '  - navn: Grete Sørensen\n    rolle: paaroerende\n' >"$T/p"
theirs 'before "^  - navn: Peter Holm" "$T/p"'
ours 'sed -i "s/^  paaroerende: true\$/  paaroerende: false/" $P'
git show other:$P >"$T/t.md"
check "control: both sides valid" '"$KIPLAN" validate $P >/dev/null 2>&1 && "$KIPLAN" validate "$T/t.md" >/dev/null 2>&1'
git merge --no-edit other >"$T/out" 2>&1; rc=$?
check "rule broken by the merge: git merge stops" '[ $rc -ne 0 ] && grep -q "error: paaroerende: the merge made this, which neither side had" "$T/out"'
git merge --abort
# A duplicate key that a line-by-line merge would make cleanly: both
# sides add moede.sted's neighbour "form" differently placed.
fresh
theirs 'sed -i "s/^  form: fysisk\$/  form: fysisk\n  varighed: 2 timer/" $P'
ours 'sed -i "s/^  dato: 2014-05-01\$/  dato: 2014-05-01\n  varighed: 1 time/" $P'
cp $P "$T/ours"; git show other:$P >"$T/theirs"; git show HEAD~1:$P >"$T/base"
check "control: git's text merge makes a duplicate key cleanly" 'git merge-file -p "$T/ours" "$T/base" "$T/theirs" >"$T/m" && [ "$(grep -c "^  varighed" "$T/m")" -eq 2 ]'
git merge --no-edit other >"$T/out" 2>&1; rc=$?
check "added on both sides, differently: conflict, not a duplicate key" '[ $rc -ne 0 ] && grep -q "moede.varighed" "$T/out" && [ "$(grep -c "^  varighed" $P)" -eq 2 ] && grep -q "^<<<<<<<" $P'
git merge --abort
# A side that is not a plan: merged line by line, and the result loaded.
"$KIPLAN" merge-file "$T/base" "$T/ours" "$T/base" x.md; rc=$?
check "merge-file: theirs unchanged, ours kept" '[ $rc -eq 0 ] && cmp -s "$T/ours" $P'
printf -- '---\nid: x\nid: y\n---\n' >"$T/bad"
cp "$T/base" "$T/o2"
"$KIPLAN" merge-file "$T/base" "$T/o2" "$T/bad" x.md 2>"$T/err"; rc=$?
check "merge-file: a side with a duplicate key is a conflict" '[ $rc -eq 1 ] && grep -q "konflikt" "$T/err"'

# --- the command itself ---------------------------------------------------
"$KIPLAN" merge-file "$T/base" 2>/dev/null; rc=$?
check "merge-file: usage (exit 2)" '[ $rc -eq 2 ]'
"$KIPLAN" merge-file "$T/base" "$T/nope" "$T/base" 2>/dev/null; rc=$?
check "merge-file: a missing file (exit 3)" '[ $rc -eq 3 ]'
sed "s/^  dato: 2014-10-01\$/  dato: 2014-10-02/" "$T/base" >"$T/a"
sed "s/^  dato: 2014-10-01\$/  dato: 2014-10-03/" "$T/base" >"$T/b"
LANG=da_DK.UTF-8 LC_ALL=da_DK.UTF-8 KIPLAN_LOCALEDIR=${KIPLAN_LOCALEDIR:-$ROOT/build/locale} \
	"$KIPLAN" merge-file -L Anne -L base -L Bo "$T/base" "$T/a" "$T/b" plan.md 2>"$T/err"; rc=$?
check "merge-file: labels, Danish" '[ $rc -eq 1 ] && grep -q "^plan.md:[0-9]*:1: error: konflikt: .opfoelgning.dato. er ændret på begge sider: Anne" "$T/err" && grep -q "^>>>>>>> Bo$" "$T/a"'
check "merge-file: the result is private" '[ "$(stat -c %a "$T/a")" = 600 ]'

cd "$ROOT" || exit 1
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

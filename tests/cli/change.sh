#!/bin/sh
# change.sh: the edges of kiplan set, followup and close: the file's own
# style kept (comments, CRLF), --unset, --dry-run, nothing to change,
# flow style refused, --edit (kept when invalid), a file changed while
# the editor was open, a plan not active, a meeting not after the latest,
# and CPR numbers kept out of the history.  git is the independent check.
set -u
KIPLAN=${KIPLAN:-build/kiplan}
case $KIPLAN in /*) ;; *) KIPLAN=$(pwd)/$KIPLAN ;; esac
ROOT=$(pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
export HOME="$T" GIT_CONFIG_NOSYSTEM=1 KIPLAN_TODAY=2014-09-25
unset KIPLAN_DIR KIPLAN_AUTHOR GIT_DIR VISUAL EDITOR GIT_AUTHOR_DATE GIT_COMMITTER_DATE
git config --global user.name "Anne Larsen"
git config --global user.email anne.larsen@example.dk
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
check() { if eval "$2"; then ok; else bad "$1"; fi; }
ncommits() { git rev-list --count HEAD; }

R=$T/planer
"$KIPLAN" init "$R" >/dev/null || bad "init"
cd "$R" || exit 1
P=ki-2014-0001.md
cp "$ROOT/examples/bilag2.md" "$P"
git add "$P" && git commit -qm "Bilag 2"

# --- set: only the value changes -------------------------------------------
cp "$P" "$T/before"
"$KIPLAN" set "$P" maal.0.indsatser.0.frist=2014-10-15 >/dev/null
check "set: one line changed, nothing else" '[ "$(diff "$T/before" "$P" | grep -c "^[<>]")" -eq 2 ]'
check "set: the comments stay" 'grep -q "^# 2. Afdækning af status" "$P"'
check "set: one commit, the plan only" '[ "$(git show --format= --name-only HEAD)" = "$P" ]'
check "set: trailers" '[ "$(git log -1 --format="%(trailers:key=Revision,valueonly)" | head -n 1)" = 2 ]'
n=$(ncommits)
"$KIPLAN" set "$P" maal.0.indsatser.0.frist=2014-10-15 2>"$T/err"; rc=$?
check "set: nothing to change, no commit" '[ $rc -eq 0 ] && [ "$(ncommits)" = "$n" ] && grep -q "nothing to change" "$T/err"'
out=$("$KIPLAN" set --dry-run "$P" opfoelgning.evaluering="Godt.")
check "set --dry-run prints, commits nothing" 'printf "%s\n" "$out" | grep -q "^  evaluering: Godt.$" && [ "$(ncommits)" = "$n" ] && ! grep -q evaluering "$P"'
"$KIPLAN" set "$P" --unset moede.sted >/dev/null
check "set --unset removes the key" '! grep -q "sted: Distriktspsykiatrien" "$P" && grep -q "^  form: fysisk$" "$P"'
"$KIPLAN" set "$P" borger.cpr=140973-1879 borger.adresse="Nørregade 2, 7100 Vejle" >/dev/null
check "set: no CPR number in the history" '! git log --format=%B | grep -q 1879'
"$KIPLAN" set "$P" 'maal.0.indsatser.0.x=1' >/dev/null 2>"$T/err"; rc=$?
check "set: an unknown field is refused by the schema (exit 1)" '[ $rc -eq 1 ] && grep -q "error: schema" "$T/err"'
"$KIPLAN" set "$P" 'maal.7.titel=X' >/dev/null 2>"$T/err"; rc=$?
check "set: a list item beyond the end (exit 2)" '[ $rc -eq 2 ]'
"$KIPLAN" set "$P" 'no-equals' >/dev/null 2>&1; rc=$?
check "set: KEY.PATH=VALUE or usage (exit 2)" '[ $rc -eq 2 ]'

# --- flow style is not rewritten -----------------------------------------
sed -i 's/^udfordringer:$/udfordringer: [Et, To]\nx_udfordringer:/' "$P"
sed -i '/^x_udfordringer:$/,/^$/d' "$P"
git commit -qam "flow"
"$KIPLAN" set "$P" udfordringer.2=Tre >/dev/null 2>"$T/err"; rc=$?
check "flow style refused (exit 2)" '[ $rc -eq 2 ] && grep -q "flow style" "$T/err"'
git reset -q --hard HEAD~1

# --- CRLF line ends stay ----------------------------------------------------
sed -i 's/$/\r/' "$P"
git commit -qam "CRLF"
"$KIPLAN" set "$P" opfoelgning.evaluering="Godt." >/dev/null
check "CRLF kept in every line" '[ "$(grep -c "$(printf "\r")\$" "$P")" -eq "$(wc -l < "$P")" ]'
check "CRLF: the new line too" 'grep -q "^  evaluering: Godt.$(printf "\r")\$" "$P"'
sed -i 's/\r$//' "$P"
git commit -qam "LF"

# --- followup --edit ----------------------------------------------------------
cat >"$T/ed.sh" <<'EOF'
#!/bin/sh
sed -i 's/^    type: opfoelgning$/    type: opfoelgning\n    evaluering: Skrevet i editoren./' "$1"
EOF
chmod +x "$T/ed.sh"
EDITOR="$T/ed.sh" "$KIPLAN" followup --edit --date 2014-09-25 "$P" >/dev/null
check "followup --edit commits the edited text" 'git show HEAD:"$P" | grep -q "^    evaluering: Skrevet i editoren.$"'
check "followup --edit leaves no draft behind" '[ -z "$(ls .git/kiplan-edit 2>/dev/null)" ]'
n=$(ncommits)
EDITOR="sed -i s/^status:.*/status:\ ukendt/" "$KIPLAN" followup --edit --date 2014-09-26 "$P" >/dev/null 2>"$T/err"; rc=$?
check "an invalid edit: exit 1, no commit" '[ $rc -eq 1 ] && [ "$(ncommits)" = "$n" ]'
check "an invalid edit is kept" 'grep -q "kept in .*kiplan-edit" "$T/err" && ls .git/kiplan-edit/"$P" >/dev/null 2>&1'
rm -rf .git/kiplan-edit
# Someone changes the file while the editor is open: nothing is written.
cat >"$T/ed2.sh" <<EOF
#!/bin/sh
echo "Tilføjet imens." >> "$R/$P"
EOF
chmod +x "$T/ed2.sh"
EDITOR="$T/ed2.sh" "$KIPLAN" followup --edit --date 2014-09-26 "$P" >/dev/null 2>"$T/err"; rc=$?
check "changed meanwhile: exit 3, no commit" '[ $rc -eq 3 ] && [ "$(ncommits)" = "$n" ] && grep -q "changed while" "$T/err"'
check "changed meanwhile: the other change is kept" 'tail -n 1 "$P" | grep -q "^Tilføjet imens.$"'
git checkout -q -- "$P"
rm -rf .git/kiplan-edit

# --- a person's edit saved while set works is kept --------------------------
# The rename of the index, just after the commit point, is held for 2 s,
# and the plan is edited then: the commit stands, the edit stays.  It is
# set's third rename: libgit2 writes the new index in kiplan-tmp/ (1),
# then the branch's lock becomes the branch (2, the commit point), then
# index.lock the index (3).  Loose objects go in by link(), not rename.
if command -v strace >/dev/null 2>&1; then
	n=$(ncommits)
	h=$(git rev-parse HEAD)
	(
		i=0
		while [ "$(git rev-parse HEAD)" = "$h" ] && [ $i -lt 400 ]; do
			sleep 0.05
			i=$((i + 1))
		done
		echo "Skrevet imens." >>"$P"
	) &
	# (LeakSanitizer cannot run under ptrace: a sanitizer build checks
	# leaks everywhere else.)
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		strace -f -qq -o /dev/null -e trace=rename \
		-e inject=rename:delay_enter=2000000:when=3 \
		"$KIPLAN" set "$P" opfoelgning.evaluering="Imens." >/dev/null 2>"$T/err"
	rc=$?
	wait
	check "edited while set worked: committed (exit $rc)" '[ $rc -eq 0 ] && [ "$(ncommits)" = $((n + 1)) ]'
	check "edited while set worked: the person's text is kept" 'tail -n 1 "$P" | grep -q "^Skrevet imens.$"'
	check "edited while set worked: said so ($(cat "$T/err"))" 'grep -q "was changed while kiplan worked on it; your text is kept" "$T/err"'
	git checkout -q -- "$P"
fi

# --- a retry is recognized only while the plan is as it left it -------------
# set killed just after its commit point; the next set finishes it (and
# remembers it) and makes its own change; the first request made again
# is then a request of its own, not a retry.
KIPLAN_TEST_CRASH=commit-ref "$KIPLAN" set "$P" moede.sted="Sted A" >/dev/null 2>&1
"$KIPLAN" set "$P" moede.sted="Sted B" >/dev/null 2>&1
n=$(ncommits)
"$KIPLAN" set "$P" moede.sted="Sted A" >/dev/null 2>"$T/err"; rc=$?
check "a request made again after the plan changed is carried out (exit $rc)" \
	'[ $rc -eq 0 ] && [ "$(ncommits)" = $((n + 1)) ] && grep -q "sted: Sted A" "$P"'
check "and is not taken for a retry" '! grep -q "had already committed" "$T/err"'

# --- in a linked worktree, the lock is the one all worktrees share -----------
# (they share refs/kiplan/ and the objects that recovery sweeps).
if command -v strace >/dev/null 2>&1; then
	git worktree add -q "$T/wt" -b wt 2>/dev/null
	(cd "$T/wt" && ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		strace -f -qq -o "$T/wt.trace" -e trace=openat \
		"$KIPLAN" set "$P" opfoelgning.evaluering="I en worktree." >/dev/null 2>&1); rc=$?
	check "set in a linked worktree (exit $rc)" '[ $rc -eq 0 ] && [ -z "$(git -C "$T/wt" status --porcelain)" ]'
	check "its lock is the common one, $R/.git/kiplan.lock" 'grep -q "\"$R/.git/kiplan.lock\"" "$T/wt.trace" && ! grep -q "worktrees/wt/kiplan.lock" "$T/wt.trace"'
	git worktree remove --force "$T/wt"
	git branch -q -D wt
fi

# --- refusals ----------------------------------------------------------------
"$KIPLAN" followup --date 2014-09-20 "$P" >/dev/null 2>"$T/err"; rc=$?
check "a meeting before the latest (exit 2)" '[ $rc -eq 2 ] && grep -q "must be after the latest meeting (moeder\[0\].dato 2014-09-25)" "$T/err"'
"$KIPLAN" followup "$P" >/dev/null 2>&1; rc=$?
check "followup without --date (exit 2)" '[ $rc -eq 2 ]'
"$KIPLAN" followup --date 2014-10-01 --form skype "$P" >/dev/null 2>"$T/err"; rc=$?
check "followup --form is one of three (exit 2)" '[ $rc -eq 2 ] && grep -q "is not one of fysisk, telefon, video" "$T/err"'
"$KIPLAN" close --date 2014-10-01 "$P" >/dev/null 2>&1; rc=$?
check "close without --reason (exit 2)" '[ $rc -eq 2 ]'
out=$("$KIPLAN" new --navn "Ole Dam")
"$KIPLAN" followup --date 2014-10-01 "$out" >/dev/null 2>"$T/err"; rc=$?
check "a draft has no follow-up (exit 1)" '[ $rc -eq 1 ] && grep -q "belongs to an active plan" "$T/err"'
"$KIPLAN" close --date 2014-10-01 --reason X "$out" >/dev/null 2>&1; rc=$?
check "a draft is not closed (exit 1)" '[ $rc -eq 1 ]'
"$KIPLAN" followup --date 2014-10-01 --form telefon "$P" >/dev/null 2>"$T/err"; rc=$?
check "by telephone without the citizen's no: committed with a warning" '[ $rc -eq 0 ] && grep -q "warning: moeder:" "$T/err"'
"$KIPLAN" close --date 2014-10-02 --reason "Flyttet" --done "$P" >"$T/out" 2>"$T/err"
check "close --done closes open actions as done" '[ "$(grep -c "^Closed as done" "$T/out")" -eq 3 ] && ! grep -q "^Closed as dropped" "$T/out"'
"$KIPLAN" close --date 2014-10-03 --reason "Igen" "$P" >/dev/null 2>"$T/err"; rc=$?
check "a closed plan is not closed again (exit 1)" '[ $rc -eq 1 ]'
check "every commit leaves git clean" '[ -z "$(git status --porcelain -- "$P")" ]'
check "fsck" 'git fsck --strict >/dev/null 2>&1'

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

#!/bin/sh
# consistency.sh: what a new user trips over, and the bugs that the
# review of the layering found, each kept fixed:
#  - new --edit in a git worktree (.git is a file there);
#  - a plan id from any directory of the repository, and via KIPLAN_DIR,
#    for every command, render included;
#  - validate uses the repository's schema, as send does, and without
#    PATH checks the repository;
#  - render --format pdf refuses a terminal;
#  - show PLAN@N past the last revision exits as @0 does;
#  - due escapes control characters in file names, as validate does;
#  - send keeps every recipient, however many;
#  - due is quiet on stderr for plans that are fine.
set -u
KIPLAN=${KIPLAN:-build/kiplan}
case $KIPLAN in /*) ;; *) KIPLAN=$(pwd)/$KIPLAN ;; esac
EXAMPLES=$(pwd)/examples
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
export HOME="$T" GIT_CONFIG_NOSYSTEM=1 KIPLAN_TODAY=2026-02-01
unset KIPLAN_DIR KIPLAN_AUTHOR GIT_AUTHOR_DATE GIT_COMMITTER_DATE GIT_DIR
export LC_ALL=C.UTF-8
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
"$KIPLAN" new --navn "Jens Hansen" >/dev/null || exit 1
sed 's/^id: ki-2014-0001$/id: ki-2026-0001/' "$EXAMPLES/bilag2.md" >ki-2026-0001.md
git commit -qam "bilag 2" || exit 1

# --- a plan id from a subdirectory, and through KIPLAN_DIR ----------------
mkdir -p "$R/noter/2026"
cd "$R/noter/2026" || exit 1
"$KIPLAN" validate ki-2026-0001 >"$T/out" 2>"$T/err"
check "validate ID from a subdirectory" '[ $? -eq 0 ] && grep -q "^1 plan checked" "$T/err"'
"$KIPLAN" render ki-2026-0001 -o "$T/sub.html" 2>"$T/err"
check "render ID from a subdirectory" '[ $? -eq 0 ] && grep -q "Koordinerende indsatsplan" "$T/sub.html"'
"$KIPLAN" show ki-2026-0001.md@1 >"$T/out" 2>"$T/err"
check "show ID.md@1 from a subdirectory" '[ $? -eq 0 ] && grep -q "^id: ki-2026-0001" "$T/out"'
"$KIPLAN" log ki-2026-0001 >"$T/out" 2>"$T/err"
check "log ID from a subdirectory" '[ $? -eq 0 ] && grep -q "^revision 2 " "$T/out"'
cd "$T" || exit 1
for c in "validate ki-2026-0001" "render ki-2026-0001 -o $T/env.html" \
	"show ki-2026-0001@2" "log ki-2026-0001" "due --within 9999" "export"; do
	# shellcheck disable=SC2086
	KIPLAN_DIR=$R "$KIPLAN" $c >"$T/out" 2>"$T/err"
	rc=$?
	check "KIPLAN_DIR: kiplan $c" '[ $rc -le 1 ] && ! grep -q "not in a plan repository\|no plan repository" "$T/err"'
done
check "KIPLAN_DIR: render wrote the plan" 'grep -q "Michael Lykke" "$T/env.html"'

# --- validate: the repository's schema, and its plans without PATH ---------
cd "$R" || exit 1
"$KIPLAN" validate >"$T/out" 2>"$T/err"
check "validate without PATH: the repository's plans" '[ $? -eq 0 ] && grep -q "^1 plan checked" "$T/err"'
R2=$T/region
"$KIPLAN" init --schema "$EXAMPLES/region-syddanmark.schema.yaml" "$R2" >/dev/null || exit 1
sed 's/^id: ki-2014-0001$/id: ki-2026-0001/' "$EXAMPLES/bilag2.md" >"$R2/ki-2026-0001.md"
(cd "$R2" && "$KIPLAN" validate ki-2026-0001.md >"$T/v.out" 2>"$T/v.err")
vrc=$?
(cd "$R2" && git add ki-2026-0001.md && git commit -qm x &&
	"$KIPLAN" send --no-outbox ki-2026-0001.md >"$T/s.out" 2>"$T/s.err")
src=$?
check "validate and send agree on the regional schema" '[ $vrc -eq 1 ] && [ $src -eq 1 ]'
check "validate names the regional field" 'grep -q "forloeb\|henvisning\|region" "$T/v.out"'
(cd "$T" && "$KIPLAN" validate "$R2/ki-2026-0001.md" >/dev/null 2>&1)
check "validate PATH in a repository from outside it: its schema" '[ $? -eq 1 ]'

# --- render --format pdf on a terminal ------------------------------------
if command -v script >/dev/null 2>&1; then
	script -qec "$KIPLAN render --format pdf ki-2026-0001.md" /dev/null >"$T/tty" 2>&1
	rc=$?
	check "pdf to a terminal: exit 2" '[ $rc -eq 2 ]'
	check "pdf to a terminal: says why" 'grep -q "terminal" "$T/tty" && ! grep -q "%PDF" "$T/tty"'
fi
"$KIPLAN" render --format pdf ki-2026-0001.md >"$T/p.pdf"
check "pdf to a file or pipe" '[ $? -eq 0 ] && head -c 5 "$T/p.pdf" | grep -q "%PDF"'

# --- show past the last revision, as @0 -----------------------------------
for rev in 0 3 12345; do
	"$KIPLAN" show "ki-2026-0001@$rev" >"$T/out" 2>"$T/err.$rev"
	eval "rc$rev=\$?"
done
check "show @0, @3, @12345: the same exit" '[ $rc0 -eq 3 ] && [ $rc3 -eq 3 ] && [ $rc12345 -eq 3 ]'
check "show @3: says there is no revision 3" 'grep -q "no revision 3: the plan has only 2 revisions" "$T/err.3"'
check "show @12345: says there is no revision 12345" 'grep -q "no revision 12345: the plan has only 2 revisions" "$T/err.12345"'

# --- control characters in a file name, in every command ------------------
D=$T/esc
mkdir "$D"
esc=$(printf '\033')
printf -- '---\nkiplan: 1\nstatus: aktiv\nmoede:\n  dato: [2014\n---\n' >"$D/x${esc}]0;pwned${esc}.md"
for c in due validate export; do
	"$KIPLAN" $c "$D" >"$T/out" 2>"$T/err"
	check "$c: no raw ESC in its output" '! grep -q "$esc" "$T/err" "$T/out" && grep -q "\\\\x1b" "$T/err" "$T/out"'
done

# --- send keeps every recipient --------------------------------------------
{
	sed -n '1,/^deltagere:/p' "$EXAMPLES/bilag2.md" | sed 's/^id: ki-2014-0001$/id: ki-2026-0003/'
	i=1
	while [ $i -le 300 ]; do
		printf '  - navn: Deltager %d\n    rolle: kommune\n    email: d%d@example.dk\n' $i $i
		i=$((i + 1))
	done
	sed -n '/^moede:/,$p' "$EXAMPLES/bilag2.md"
} >ki-2026-0003.md
git add ki-2026-0003.md && git commit -qm "300 deltagere"
"$KIPLAN" send --no-outbox ki-2026-0003.md >"$T/out" 2>"$T/err"
check "send to 301: exit 0" '[ $? -eq 0 ]'
check "send to 301: every Sendt-til" '[ "$(git log -1 --format=%B | grep -c "^Sendt-til: ")" -eq 301 ]'
check "send to 301: the last one too" 'git log -1 --format=%B | grep -q "^Sendt-til: Deltager 300 <d300@example.dk>$"'
check "send to 301: says 301" 'grep -q "sent to 301 recipients" "$T/out"'

# --- due is quiet for plans that are fine ----------------------------------
"$KIPLAN" new --navn "Lis Holm" --set samtykke.givet=true >/dev/null 2>&1
"$KIPLAN" due --within 9999 >"$T/out" 2>"$T/err"
check "due: nothing on stderr for plans that are fine" '[ ! -s "$T/err" ]'
check "due: still lists what falls due" 'grep -q "ki-2026-0001" "$T/out"'

# --- new --edit in a git worktree -------------------------------------------
git worktree add -q "$T/wt" >/dev/null 2>&1 || git worktree add -q -b wt "$T/wt"
cat >"$T/editor" <<'EOF'
#!/bin/sh
sed -i 's/^  navn: Edited in a worktree$/  navn: Edited in a worktree, twice/' "$1"
EOF
chmod +x "$T/editor"
cd "$T/wt" || exit 1
check "worktree: .git is a file" '[ -f .git ]'
out=$(EDITOR=$T/editor "$KIPLAN" new --edit --navn "Edited in a worktree" 2>"$T/err")
rc=$?
check "worktree: new --edit exit 0" '[ $rc -eq 0 ]'
check "worktree: the edited text committed" 'git show "HEAD:$out" | grep -q "navn: Edited in a worktree, twice"'
check "worktree: nothing left in the worktree's git directory" '[ -z "$(ls "$(git rev-parse --git-dir)/kiplan-edit" 2>/dev/null)" ]'

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

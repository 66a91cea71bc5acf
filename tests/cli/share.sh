#!/bin/sh
# share.sh: clones of one plan repository working at the same time
# against a real git server on 127.0.0.1 (git http-backend behind
# lighttpd), and over file://.  After every scenario: git fsck --strict
# on every clone and the server, every commit and every Sendt-til record
# on every clone, kiplan log the same on every clone, no plan lost, no id
# given twice.
set -u
# Under AddressSanitizer: whole stacks for LeakSanitizer, so that
# tests/lsan.supp can name the libgit2 functions that leak pcre2 match
# data (libpcre2 has no frame pointers for the fast unwinder to follow).
case ${ASAN_OPTIONS-} in
*fast_unwind_on_malloc*) ;;
*) export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}fast_unwind_on_malloc=0" ;;
esac
KIPLAN=${KIPLAN:-build/kiplan}
case $KIPLAN in /*) ;; *) KIPLAN=$(pwd)/$KIPLAN ;; esac
EXAMPLES=$(pwd)/examples
. "$(pwd)/tests/share-server.sh"
T=$(mktemp -d)
trap 'server_stop_all; rm -rf "$T"' EXIT INT TERM
export HOME="$T" GIT_CONFIG_NOSYSTEM=1 KIPLAN_TODAY=2026-02-02
export KIPLAN_SYNC_DELAY_MS=0
unset KIPLAN_DIR KIPLAN_AUTHOR GIT_AUTHOR_DATE GIT_COMMITTER_DATE GIT_DIR
git config --global user.name "Test"
git config --global user.email test@example.dk
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
check() { if eval "$2"; then ok; else bad "$1"; fi; }

if ! command -v lighttpd >/dev/null 2>&1; then
	echo "share.sh: lighttpd is missing (tests/install-deps.sh installs it)"
	echo "0 passed, 1 failed"
	exit 1
fi

author() {
	case $1 in
	a) echo "Anne Larsen <anne.larsen@rsyd.example.dk>" ;;
	b) echo "Bo Holm <bo.holm@rsyd.example.dk>" ;;
	c) echo "Carl Berg <carl.berg@vejle.example.dk>" ;;
	esac
}
# kp CLONE ARGS...: kiplan in a clone, as its coordinator.
kp() {
	c=$1
	shift
	(cd "$T/$c" && KIPLAN_AUTHOR=$(author "$c") "$KIPLAN" "$@")
}
# newplan CLONE: a new plan, filled in (Bilag 2) and sent; prints its id.
newplan() {
	f=$(kp "$1" new --navn "Borger $1" </dev/null) || return 1
	id=${f%.md}
	sed "s/^id: ki-2014-0001\$/id: $id/" "$EXAMPLES/bilag2.md" >"$T/$1/$f"
	snd "$1" -m "Aftalt på mødet" "$id" || return 1
	echo "$id"
}
# snd CLONE ARGS...: kiplan send, counting the Sendt-til records it made.
snd() {
	c=$1
	shift
	n0=$(sends "$c")
	kp "$c" send --no-outbox "$@" >/dev/null || { bad "send $* in $c"; return 1; }
	sent $(($(sends "$c") - n0))
	did "$c"
}
# edit CLONE ID LINE TEXT: replace line LINE of the plan.
edit() {
	sed -i "$3s/.*/$4/" "$T/$1/$2.md"
}
sends() { git -C "$T/$1" log --format=%B | grep -c '^Sendt-til:'; }
commits() { git -C "$T/$1" rev-list --all --no-walk=unsorted 2>/dev/null; git -C "$T/$1" rev-list HEAD; }

# settle CLONES...: sync each until none brings anything new.
settle() {
	for round in 1 2; do
		for c in "$@"; do
			kp "$c" sync -q || bad "settle: sync in $c failed (round $round)"
		done
	done
}

# verify NAME CLONES...: the checks after every scenario.
verify() {
	name=$1
	shift
	first=$1
	head=$(git -C "$T/$first" rev-parse HEAD)
	for c in "$@"; do
		check "$name: $c at the same commit" '[ "$(git -C "$T/$c" rev-parse HEAD)" = "$head" ]'
		check "$name: fsck $c" 'git -C "$T/$c" fsck --strict >/dev/null 2>&1'
		check "$name: $c clean" '[ -z "$(git -C "$T/$c" status --porcelain)" ]'
		for id in $(cat "$T/made"); do
			git -C "$T/$c" merge-base --is-ancestor "$id" HEAD 2>/dev/null || bad "$name: $c lacks commit $id"
		done
		check "$name: Sendt-til records in $c" '[ "$(sends "$c")" -ge "$(cat "$T/sent")" ]'
		check "$name: same Sendt-til records in $c" '[ "$(sends "$c")" = "$(sends "$first")" ]'
		(cd "$T/$c" && ls ki-*.md) >"$T/plans-$c"
		check "$name: same plans in $c" 'cmp -s "$T/plans-$c" "$T/plans-$first"'
		for id in $(cat "$T/ids"); do
			[ -f "$T/$c/$id.md" ] || bad "$name: $c lost $id"
			kp "$c" log "$id" >"$T/log-$c-$id" 2>&1
			cmp -s "$T/log-$c-$id" "$T/log-$first-$id" || bad "$name: kiplan log $id differs in $c"
			[ -z "${FINAL:-}" ] || kp "$c" validate "$id" >/dev/null 2>&1 || bad "$name: $id not valid in $c"
		done
		check "$name: no id created twice in $c" '[ -z "$(git -C "$T/$c" log --format=%s | grep "^Opret indsatsplan" | sort | uniq -d)" ]'
	done
	check "$name: fsck server" 'git -C "$T/srv/plans.git" fsck --strict >/dev/null 2>&1'
	check "$name: server at the same commit" '[ "$(git -C "$T/srv/plans.git" rev-parse HEAD)" = "$head" ]'
}
# did CLONE: remember its HEAD as a commit that must never be lost.
did() { git -C "$T/$1" rev-parse HEAD >>"$T/made"; }
sent() { echo $(($(cat "$T/sent") + $1)) >"$T/sent"; }
echo 0 >"$T/sent"
: >"$T/made"
: >"$T/ids"

server_repo plans
server_start || { echo "0 passed, 1 failed"; exit 1; }
URL=$HTTP_URL/plans.git

# --- a repository becomes shared, two clones over HTTP ---------------------
"$KIPLAN" init "$T/a" >/dev/null
id=$(newplan a) && echo "$id" >>"$T/ids"
check "first plan before sharing" '[ "$id" = ki-2026-0001 ]'
out=$(kp a remote "$URL"); rc=$?
check "remote set" '[ $rc -eq 0 ] && [ "$out" = "$URL" ]'
check "remote shows" '[ "$(kp a remote)" = "$URL" ]'
out=$(kp a sync); rc=$?
check "first sync pushes" '[ $rc -eq 0 ] && [ "$(git -C "$T/srv/plans.git" rev-parse HEAD)" = "$(git -C "$T/a" rev-parse HEAD)" ]'
out=$(cd "$T" && "$KIPLAN" clone "$URL" b); rc=$?
check "clone exit 0" '[ $rc -eq 0 ]'
check "clone private" '[ "$(stat -c %a "$T/b")" = 700 ] && [ -z "$(find "$T/b" -perm /077)" ]'
check "clone has the merge driver" '[ "$(git -C "$T/b" config merge.kiplan.driver)" = "kiplan merge-file %O %A %B %P" ]'
check "clone has an identity" 'git -C "$T/b" config kiplan.clone | grep -Eq "^[0-9a-f-]{36}$"'
check "clone's repository private" '[ "$(git -C "$T/b" config core.sharedRepository)" = 0600 ]'
check "clone reserved a block of ids" '[ -n "$(git -C "$T/srv/plans.git" for-each-ref refs/kiplan/ids/2026)" ]'
(cd "$T" && "$KIPLAN" clone "$URL" b >/dev/null 2>&1); rc=$?
check "clone into a non-empty directory refused" '[ $rc -eq 3 ]'
(cd "$T" && "$KIPLAN" clone "$HTTP_URL/none.git" x >/dev/null 2>&1); rc=$?
check "clone of nothing: exit 3, nothing left" '[ $rc -eq 3 ] && [ ! -e "$T/x" ]'
verify "clone" a b

# --- two clones create plans at once ---------------------------------------
ida=$(newplan a)
idb=$(newplan b)
echo "$ida $idb" >>"$T/ids"
check "different ids offline" '[ -n "$ida" ] && [ -n "$idb" ] && [ "$ida" != "$idb" ]'
kp b sync -q; rc=$?
check "b syncs first" '[ $rc -eq 0 ]'
out=$(kp a sync); rc=$?
check "a merges" '[ $rc -eq 0 ] && printf "%s\n" "$out" | grep -q "merged"'
check "the merge's first parent is the server's" '[ "$(git -C "$T/a" rev-parse HEAD^1)" = "$(git -C "$T/b" rev-parse HEAD)" ]'
settle a b
verify "two clones, new" a b

# --- a third clone; sendings on the same plan and on different plans ------
(cd "$T" && "$KIPLAN" clone "$URL" c >/dev/null) || bad "third clone"
edit a "$ida" 11 '  telefon: "+45 21 47 83 91"'
snd a -m "Nyt telefonnummer" "$ida"
snd b --to borger -m "Sendt igen til borgeren" "$ida"
idc=$(newplan c) && echo "$idc" >>"$T/ids"
edit c "$idb" 247 'Tilføjet af Carl.'
snd c -m "Tilføjelse" "$idb"
# Sync in every order of the three.
for order in "a b c" "c b a" "b a c"; do
	edit a "$ida" 10 "  adresse: Vestergade $(echo "$order" | tr -d ' '), 7100 Vejle"
	snd a -m "Ny adresse" "$ida"
	snd b --to borger "$idb"
	snd c --to borger "$idc"
	for c in $order; do kp "$c" sync -q || bad "sync $c in order $order"; done
	settle $order
	verify "order $order" a b c
done
kp a log "$ida" >"$T/loga"
check "log shows b's sending after the merge" 'grep -q "Bo Holm" "$T/loga" && grep -q "sent to: Michael Lykke Sørensen" "$T/loga"'
check "log numbers revisions once" '[ "$(grep -c "^revision 3 " "$T/loga")" -ge 1 ]'

# --- different fields on adjacent lines: git's text merge conflicts, -------
# --- kiplan's plan-aware merge does not -----------------------------------
edit a "$idc" 10 '  adresse: Nørregade 1, 7100 Vejle'
snd a -m "Ny adresse" "$idc"
edit b "$idc" 11 '  telefon: "+45 33 33 33 33"'
snd b -m "Nyt telefonnummer" "$idc"
kp a sync -q || bad "a sync before the plan-aware merge"
out=$(kp b sync 2>&1); rc=$?
[ $rc -eq 0 ] && ok || { bad "plan-aware merge: sync exits $rc"; printf '%s\n' "$out"; }
check "plan-aware merge: both fields kept" 'grep -q "^  adresse: Nørregade 1, 7100 Vejle\$" "$T/b/$idc.md" && grep -q "^  telefon: \"+45 33 33 33 33\"\$" "$T/b/$idc.md"'
check "plan-aware merge: a merge commit with two parents" '[ "$(git -C "$T/b" rev-list --parents -n 1 HEAD | wc -w)" -eq 3 ]'
did b
settle a b c
verify "plan-aware merge" a b c

# --- a conflict: the same line changed on both sides -----------------------
edit a "$idc" 11 '  telefon: "+45 11 11 11 11"'
snd a -m "A" "$idc"
edit b "$idc" 11 '  telefon: "+45 22 22 22 22"'
snd b -m "B" "$idc"
kp a sync -q || bad "a sync before the conflict"
before=$(git -C "$T/b" rev-parse HEAD)
out=$(kp b sync 2>&1); rc=$?
check "conflict: exit 1" '[ $rc -eq 1 ]'
check "conflict: names the plan" 'printf "%s\n" "$out" | grep -q "$idc"'
check "conflict: nothing changed" '[ "$(git -C "$T/b" rev-parse HEAD)" = "$before" ] && [ -z "$(git -C "$T/b" status --porcelain)" ]'
check "conflict: a finding with both values and who changed each" 'printf "%s\n" "$out" | grep -q "$idc.md:11:[0-9]*: error: konflikt: .*Anne Larsen.*+45 11 11 11 11.*Bo Holm.*+45 22 22 22 22"'
# Resolved by hand with git, as the message says; then kiplan refuses
# while the merge is unfinished.
git -C "$T/b" pull -q --no-rebase --no-edit origin master >/dev/null 2>&1
check "git pull leaves a conflict" '[ -f "$T/b/.git/MERGE_HEAD" ]'
out=$(kp b send --no-outbox "$idc" 2>&1); rc=$?
check "send refused during a merge" '[ $rc -eq 1 ] && printf "%s\n" "$out" | grep -q "merge is not finished"'
out=$(kp b new --navn X </dev/null 2>&1); rc=$?
check "new refused during a merge" '[ $rc -eq 1 ] && printf "%s\n" "$out" | grep -q "merge is not finished"'
out=$(kp b sync 2>&1); rc=$?
check "sync refused during a merge" '[ $rc -eq 1 ]'
git -C "$T/b" checkout -q --theirs "$idc.md" 2>/dev/null
git -C "$T/b" add "$idc.md"
check "no markers left after --theirs" '! grep -q "^<<<<<<<" "$T/b/$idc.md"'
git -C "$T/b" -c user.name=Bo -c user.email=bo@x commit -q --no-edit
did b
settle a b c
verify "conflict resolved" a b c
# A file with conflict markers is refused with the line.
printf '<<<<<<< HEAD\nx\n=======\ny\n>>>>>>> other\n' >>"$T/a/$ida.md"
out=$(kp a send --no-outbox "$ida" 2>&1); rc=$?
check "markers refused" '[ $rc -eq 1 ] && printf "%s\n" "$out" | grep -q "$ida.md:[0-9]*:1: .*conflict markers"'
git -C "$T/a" checkout -q -- "$ida.md"

# --- a push rejected by a concurrent push ----------------------------------
# The server's pre-receive hook lets b's commit in just before a's push
# lands, as if b pushed at the same moment: a's push is refused, a
# fetches, merges and pushes again.
edit b "$idb" 11 '  telefon: "+45 33 33 33 33"'
snd b -m "Samtidig" "$idb"
git -C "$T/b" push -q origin "HEAD:refs/pending/b" 2>/dev/null
cat >"$T/srv/plans.git/hooks/pre-receive" <<HOOK
#!/bin/sh
if [ ! -e "$T/raced" ] && git rev-parse -q --verify refs/pending/b >/dev/null; then
	touch "$T/raced"
	# git forbids ref updates in the push's quarantine; a concurrent
	# push is outside it.
	env -u GIT_QUARANTINE_PATH git update-ref refs/heads/master refs/pending/b
	env -u GIT_QUARANTINE_PATH git update-ref -d refs/pending/b
fi
exit 0
HOOK
chmod +x "$T/srv/plans.git/hooks/pre-receive"
edit a "$ida" 11 '  telefon: "+45 44 44 44 44"'
snd a -m "Også samtidig" "$ida"
out=$(kp a sync 2>&1); rc=$?
check "rejected push: retried, exit 0" '[ $rc -eq 0 ] && [ -e "$T/raced" ]'
check "rejected push: a merged b's commit" 'git -C "$T/a" merge-base --is-ancestor "$(git -C "$T/b" rev-parse HEAD)" HEAD'
rm -f "$T/srv/plans.git/hooks/pre-receive"
settle a b c
verify "rejected push" a b c

# --- two syncs at the same time --------------------------------------------
edit a "$ida" 11 '  telefon: "+45 55 55 55 55"'
snd a -m "Parallel" "$ida"
edit c "$idc" 11 '  telefon: "+45 66 66 66 66"'
snd c -m "Parallel" "$idc"
kp a sync -q >"$T/pa" 2>&1 &
pa=$!
kp c sync -q >"$T/pc" 2>&1 &
pc=$!
wait $pa; ra=$?
wait $pc; rcc=$?
check "parallel syncs both succeed" '[ $ra -eq 0 ] && [ $rcc -eq 0 ]'
settle a b c
verify "parallel syncs" a b c

# --- the server killed in the middle of a push -----------------------------
cat >"$T/srv/plans.git/hooks/pre-receive" <<HOOK
#!/bin/sh
touch "$T/in-push"
sleep 30
HOOK
chmod +x "$T/srv/plans.git/hooks/pre-receive"
edit c "$idc" 11 '  telefon: "+45 77 77 77 77"'
snd c -m "Afbrudt" "$idc"
before=$(git -C "$T/c" rev-parse HEAD)
kp c sync --retries 1 >"$T/killed" 2>&1 &
pk=$!
i=0
while [ ! -e "$T/in-push" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
check "push reached the hook" '[ -e "$T/in-push" ]'
server_stop
wait $pk; rk=$?
check "server killed: exit 4" '[ $rk -eq 4 ]'
check "server killed: repository as it was" '[ "$(git -C "$T/c" rev-parse HEAD)" = "$before" ] && [ -z "$(git -C "$T/c" status --porcelain)" ]'
check "server killed: fsck server" 'git -C "$T/srv/plans.git" fsck --strict >/dev/null 2>&1'
out=$(kp c sync 2>&1); rc=$?
check "server down: exit 4" '[ $rc -eq 4 ]'
rm -f "$T/srv/plans.git/hooks/pre-receive"
server_start || bad "server restart"
settle a b c
verify "server killed" a b c

# --- over file:// ------------------------------------------------------------
(cd "$T" && "$KIPLAN" clone "file://$T/srv/plans.git" d >/dev/null) || bad "clone over file://"
idd=$(newplan d) && echo "$idd" >>"$T/ids"
kp d sync -q || bad "sync over file://"
settle a b c d
FINAL=1 verify "file://" a b c d
check "ids of four clones all different" '[ -z "$(cat "$T/ids" | tr " " "\n" | sort | uniq -d)" ]'

# --- deleted plan: its id is never given again -----------------------------
git -C "$T/d" rm -q "$idd.md" && git -C "$T/d" -c user.name=D -c user.email=d@x commit -q -m "Slet $idd"
nid=$(kp d new --navn Ny </dev/null); nid=${nid%.md}
check "deleted id not reused" '[ -n "$nid" ] && [ "$nid" != "$idd" ]'

# --- a deletion reaches the other clones: by a merge, by a fast-forward -----
ncid=$(kp c new --navn "Ny i c" </dev/null) || bad "new in c"
rm -f "$T/a/.git/FETCH_HEAD" "$T/c/.git/FETCH_HEAD"
kp d sync -q || bad "sync of a deletion"
kp c sync -q || bad "merge of a deletion"
check "a merge removes the deleted plan" '[ -e "$T/c/$ncid" ] && [ ! -e "$T/c/$idd.md" ] && [ -z "$(git -C "$T/c" status --porcelain)" ]'
check "a merge is a merge commit" '[ "$(git -C "$T/c" rev-list --parents -1 HEAD | wc -w)" = 3 ]'
kp a sync -q || bad "fast-forward of a deletion"
check "a fast-forward removes the deleted plan" '[ ! -e "$T/a/$idd.md" ] && [ -e "$T/a/$ncid" ] && [ -z "$(git -C "$T/a" status --porcelain)" ]'
br=$(git -C "$T/a" symbolic-ref --short HEAD)
check "refs/remotes/origin/ shows the server's branch" '[ "$(git -C "$T/a" rev-parse "refs/remotes/origin/$br")" = "$(git -C "$T/srv/plans.git" rev-parse "refs/heads/$br")" ]'
check "the server's branches in refs/kiplan/remote/" '[ "$(git -C "$T/a" rev-parse "refs/kiplan/remote/origin/$br")" = "$(git -C "$T/a" rev-parse HEAD)" ]'
# (libgit2 1.5 truncates FETCH_HEAD at every fetch, whatever it is told.)
check "nothing in FETCH_HEAD" '[ ! -s "$T/a/.git/FETCH_HEAD" ] && [ ! -s "$T/c/.git/FETCH_HEAD" ]'
check "no journal or lock left" '[ -z "$(find "$T/a/.git" "$T/c/.git" -name "*.lock" ! -name kiplan.lock -o -name kiplan-journal)" ]'

# --- a lock libgit2 left under refs/kiplan/ is stale; git's own stay ---------
mkdir -p "$T/a/.git/refs/kiplan/remote/origin"
echo 0000000000000000000000000000000000000000 >"$T/a/.git/refs/kiplan/remote/origin/$br.lock"
echo x >"$T/a/.git/refs/kiplan/sync.lock"
echo x >"$T/a/.git/refs/remotes/origin/git-fetch.lock"
kp a sync -q || bad "sync with a stale lock under refs/kiplan/"
check "stale locks under refs/kiplan/ removed" '[ ! -e "$T/a/.git/refs/kiplan/remote/origin/$br.lock" ] && [ ! -e "$T/a/.git/refs/kiplan/sync.lock" ]'
check "a lock in refs/remotes/ that is not kiplan's stays" '[ -e "$T/a/.git/refs/remotes/origin/git-fetch.lock" ]'
rm -f "$T/a/.git/refs/remotes/origin/git-fetch.lock"

# --- a link in the server's commit: refused, the clone left as it was -----
git -C "$T/d" pull -q --no-rebase --no-edit 2>/dev/null
ln -s "$ncid" "$T/d/genvej.md"
git -C "$T/d" add genvej.md && git -C "$T/d" -c user.name=D -c user.email=d@x commit -q -m "Et link"
git -C "$T/d" push -q 2>/dev/null || bad "push of a link with git"
h=$(git -C "$T/a" rev-parse HEAD)
kp a sync -q 2>"$T/err"; rc=$?
check "a link in the server's commit: exit 1 ($rc: $(cat "$T/err"))" '[ $rc -eq 1 ] && grep -q "genvej.md.*not a plain file" "$T/err"'
check "a link in the server's commit: nothing changed here" '[ "$(git -C "$T/a" rev-parse HEAD)" = "$h" ] && [ ! -e "$T/a/genvej.md" ] && [ -z "$(git -C "$T/a" status --porcelain)" ]'

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

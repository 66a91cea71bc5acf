#!/bin/sh
# share-month.sh: issue 10's "done when".  Three clones against one git
# server (git http-backend behind lighttpd on 127.0.0.1) are worked by
# three coordinators in two organisations, the region's psychiatry (Anne,
# Bo) and the municipality (Carl), over a simulated month: new plans,
# changes and sendings on the same plans and on different ones, a lead
# role handed over, a clone offline for days, syncs in a different order
# every day, and one real conflict, which kiplan explains and a person
# resolves.  At the end: identical histories, no conflict that kiplan did
# not explain, no lost sending, no duplicate id, every plan valid.
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
export HOME="$T" GIT_CONFIG_NOSYSTEM=1 KIPLAN_SYNC_DELAY_MS=0
unset KIPLAN_DIR KIPLAN_AUTHOR GIT_DIR
git config --global user.name "Test"
git config --global user.email test@example.dk
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
check() { if eval "$2"; then ok; else bad "$1"; fi; }

if ! command -v lighttpd >/dev/null 2>&1; then
	echo "share-month.sh: lighttpd is missing (tests/install-deps.sh installs it)"
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
kp() {
	c=$1
	shift
	(cd "$T/$c" && KIPLAN_AUTHOR=$(author "$c") "$KIPLAN" "$@")
}
sends() { git -C "$T/$1" log --format=%B | grep -c '^Sendt-til:'; }
echo 0 >"$T/sent"
: >"$T/ids"
: >"$T/made"
snd() {
	c=$1
	shift
	n0=$(sends "$c")
	kp "$c" send --no-outbox "$@" >/dev/null || { bad "day $day: send $* in $c"; return 1; }
	echo $(($(cat "$T/sent") + $(sends "$c") - n0)) >"$T/sent"
	git -C "$T/$c" rev-parse HEAD >>"$T/made"
}
newplan() {
	f=$(kp "$1" new --navn "Borger $day$1" </dev/null) || { bad "day $day: new in $1"; return 1; }
	id=${f%.md}
	sed "s/^id: ki-2014-0001\$/id: $id/" "$EXAMPLES/bilag2.md" >"$T/$1/$f"
	snd "$1" -m "Aftalt på koordinationsmødet" "$id"
	echo "$id" >>"$T/ids"
}
# edit CLONE ID LINE TEXT
edit() { sed -i "$3s/.*/$4/" "$T/$1/$2.md"; }
# sync CLONE: a sync that fails must say which plan and why (exit 1).
sync() {
	out=$(kp "$1" sync 2>&1)
	rc=$?
	if [ $rc -ne 0 ]; then
		echo "day $day: sync in $1: exit $rc: $out" >>"$T/unexplained"
	fi
}
: >"$T/unexplained"

server_repo plans
server_start || { echo "0 passed, 1 failed"; exit 1; }
URL=$HTTP_URL/plans.git

day=01
export KIPLAN_TODAY=2026-03-01 GIT_AUTHOR_DATE=2026-03-01T09:00:00+01:00 GIT_COMMITTER_DATE=2026-03-01T09:00:00+01:00
"$KIPLAN" init "$T/a" >/dev/null
newplan a
kp a remote "$URL" >/dev/null || bad "remote"
kp a sync -q || bad "first sync"
(cd "$T" && "$KIPLAN" clone "$URL" b >/dev/null && "$KIPLAN" clone "$URL" c >/dev/null) || bad "clones"

orders="a b c|b c a|c a b|a c b|c b a|b a c"
for d in $(seq 2 31); do
	day=$(printf %02d "$d")
	export KIPLAN_TODAY=2026-03-$day
	export GIT_AUTHOR_DATE=2026-03-${day}T10:00:00+01:00
	export GIT_COMMITTER_DATE=$GIT_AUTHOR_DATE
	# Each weekday a new plan in one of the clones, in turn.
	dow=$(date -d "$KIPLAN_TODAY" +%u)
	[ "$dow" -le 5 ] || continue
	case $((d % 3)) in 0) newplan a ;; 1) newplan b ;; 2) newplan c ;; esac
	# Changes to plans that all three work on: different fields.
	p1=$(sed -n 1p "$T/ids")
	p2=$(sed -n 2p "$T/ids")
	edit a "$p1" 11 "  telefon: \"+45 21 47 83 $day\""
	snd a -m "Nyt telefonnummer" "$p1"
	if [ -n "$p2" ] && [ -f "$T/b/$p2.md" ]; then
		edit b "$p2" 29 "  telefon: \"+45 79 40 65 $day\""
		snd b -m "Koordinatorens telefon" "$p2"
	fi
	# Carl sends the citizen the plan in force, now and then.
	[ $((d % 2)) -eq 0 ] && snd c --to borger -m "Til borgeren" "$p1"
	# The lead role moves to the municipality on the 16th.
	if [ "$d" -eq 16 ]; then
		edit c "$p1" 26 "  navn: Carl Berg"
		edit c "$p1" 28 "  organisation: Vejle Kommune, Jobcenter"
		snd c -m "Jobcentret overtager koordinationen" "$p1"
	fi
	# The 20th: Anne and Bo change the same field: a real conflict.
	if [ "$d" -eq 20 ]; then
		kp a sync -q; kp b sync -q; kp c sync -q
		edit a "$p1" 10 "  adresse: Nørregade 1, 7100 Vejle"
		snd a -m "Ny adresse" "$p1"
		edit b "$p1" 10 "  adresse: Søndergade 2, 7100 Vejle"
		snd b -m "Ny adresse" "$p1"
		kp a sync -q || bad "day 20: a's sync"
		out=$(kp b sync 2>&1); rc=$?
		check "day 20: the conflict is explained (exit 1, names the plan)" '[ $rc -eq 1 ] && printf "%s\n" "$out" | grep -q "$p1"'
		# Bo asks Anne; Nørregade is right.  He merges with git as the
		# message says and takes the server's side.
		git -C "$T/b" pull -q --no-rebase --no-edit origin master >/dev/null 2>&1
		git -C "$T/b" checkout -q --theirs "$p1.md"
		git -C "$T/b" add "$p1.md"
		git -C "$T/b" -c user.name="Bo Holm" -c user.email=bo.holm@rsyd.example.dk commit -q --no-edit
		git -C "$T/b" rev-parse HEAD >>"$T/made"
	fi
	# The municipality's clone is offline from the 23rd to the 26th.
	order=$(echo "$orders" | cut -d'|' -f$((d % 6 + 1)))
	for c in $order; do
		if [ "$c" = c ] && [ "$d" -ge 23 ] && [ "$d" -le 26 ]; then
			continue
		fi
		sync "$c"
	done
done
day=end
for r in 1 2; do for c in a b c; do sync "$c"; done; done

check "no conflict that kiplan did not explain" '[ ! -s "$T/unexplained" ]'
[ -s "$T/unexplained" ] && cat "$T/unexplained"
head=$(git -C "$T/a" rev-parse HEAD)
for c in a b c; do
	check "$c: identical history" '[ "$(git -C "$T/$c" rev-parse HEAD)" = "$head" ]'
	check "$c: fsck" 'git -C "$T/$c" fsck --strict >/dev/null 2>&1'
	check "$c: clean" '[ -z "$(git -C "$T/$c" status --porcelain)" ]'
	lost=0
	for id in $(cat "$T/made"); do
		git -C "$T/$c" merge-base --is-ancestor "$id" HEAD 2>/dev/null || lost=$((lost + 1))
	done
	check "$c: no commit lost" '[ $lost -eq 0 ]'
	check "$c: no sending lost" '[ "$(sends "$c")" -eq "$(cat "$T/sent")" ]'
	check "$c: no id created twice" '[ -z "$(git -C "$T/$c" log --format=%s | grep "^Opret indsatsplan" | sort | uniq -d)" ]'
	check "$c: every plan there" '[ "$(cd "$T/$c" && ls ki-*.md | wc -l)" -eq "$(wc -l <"$T/ids")" ]'
	out=$(kp "$c" validate 2>&1); rc=$?
	check "$c: every plan valid" '[ $rc -eq 0 ]'
	for id in $(cat "$T/ids"); do
		kp "$c" log "$id" >"$T/log-$c-$id" 2>&1
		cmp -s "$T/log-$c-$id" "$T/log-a-$id" || bad "$c: kiplan log $id differs"
	done
done
check "server: fsck" 'git -C "$T/srv/plans.git" fsck --strict >/dev/null 2>&1'
check "server: the same history" '[ "$(git -C "$T/srv/plans.git" rev-parse HEAD)" = "$head" ]'
check "ids all different" '[ -z "$(sort "$T/ids" | uniq -d)" ]'
check "plans from all three clones" '[ "$(wc -l <"$T/ids")" -ge 20 ]'
check "a month of sendings" '[ "$(cat "$T/sent")" -ge 100 ]'
p1=$(sed -n 1p "$T/ids")
check "the hand-over is in the log" 'grep -q "Jobcentret overtager koordinationen" "$T/log-a-$p1"'
check "Carl's sendings to the citizen are in the log" '[ "$(grep -c "Carl Berg" "$T/log-a-$p1")" -ge 5 ]'
for c in a b c; do
	r=$(kp "$c" export --format jsonl "$p1" 2>/dev/null | jq -r .revision)
	l=$(grep -m1 '^revision ' "$T/log-$c-$p1" | awk '{print $2}')
	check "$c: export and log number the last revision alike" '[ -n "$r" ] && [ "$r" = "$l" ]'
done
check "the resolved address holds" 'grep -q "^  adresse: Nørregade 1, 7100 Vejle$" "$T/a/$p1.md"'

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

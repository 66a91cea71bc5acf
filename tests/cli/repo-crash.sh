#!/bin/sh
# repo-crash.sh: the findings of issue 13, each reproduced as the issue
# did and kept fixed (tests/crash/sweep.sh is the whole sweep):
#  - new and send killed at each rename and link (the moments when git's
#    lock on the branch or the index is held, and when the outbox's
#    documents go in place): the next command works, makes no duplicate,
#    leaves no lock, temporary file or stray document, and the index
#    equals HEAD;
#  - an fsync that fails on a file kiplan writes fails the command;
#  - new with its standard output full exits 4 (committed), not 3;
#  - an exit status is always 0, 3 or 4;
#  - validate, due and export beside writers never fail;
#  - no CPR number of another field in a message, --cpr -;
#  - set, followup and close killed or failing around their commit;
#  - outbox documents of sendings the history lacks, moved aside.
set -u
KIPLAN=${KIPLAN:-build/kiplan}
case $KIPLAN in /*) ;; *) KIPLAN=$(pwd)/$KIPLAN ;; esac
EXAMPLES=$(pwd)/examples
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
export HOME="$T" GIT_CONFIG_NOSYSTEM=1 KIPLAN_TODAY=2026-02-01
export KIPLAN_LOCK_TIMEOUT=60 LC_ALL=C.UTF-8
# LeakSanitizer cannot run under ptrace (strace): a sanitizer build
# (make check SANITIZE=...) checks leaks everywhere else.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
unset KIPLAN_DIR KIPLAN_AUTHOR GIT_AUTHOR_DATE GIT_COMMITTER_DATE GIT_DIR
git config --global user.name "Anne Larsen"
git config --global user.email anne.larsen@example.dk
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
check() { if eval "$2"; then ok; else bad "$1"; fi; }

# The repository each run starts from: ki-2026-0001 sent once; for
# send, changed (a send makes revision 2).
B=$T/base
"$KIPLAN" init "$B" >/dev/null || exit 1
(cd "$B" &&
	sed 's/^id: ki-2014-0001$/id: ki-2026-0001/' "$EXAMPLES/bilag2.md" >ki-2026-0001.md &&
	"$KIPLAN" send ki-2026-0001.md >/dev/null) || exit 1
cp -a "$B" "$T/base-send"
(cd "$T/base-send" &&
	sed -i 's/^  dato: 2014-10-01$/  dato: 2014-10-08/' ki-2026-0001.md) || exit 1

run_new() { "$@" "$KIPLAN" new --navn "Jens Hansen"; }
run_send() { "$@" "$KIPLAN" send ki-2026-0001.md; }
base_new=$B base_send=$T/base-send
# Sendings in the history and documents in the outbox, as ID-rN.
sendings() {
	git log --format='%(trailers:key=Plan-Id,valueonly,separator=%x20)|%(trailers:key=Revision,valueonly,separator=%x20)|%(trailers:key=Sendt-til,valueonly,separator=%x2C)' |
		awk -F'|' '$3 != "" { print $1 "-r" $2 }' | sort -u
}
documents() {
	ls outbox 2>/dev/null | sed -n 's/\.html$//p; s/\.pdf$//p' | sort -u
}
# What must hold once a command has finished: $1 names the run.
settled() {
	check "$1: git fsck --strict" 'git fsck --strict >/dev/null 2>&1'
	check "$1: the index equals HEAD, nothing untracked" \
		'[ -z "$(git status --porcelain --untracked-files=all)" ]'
	check "$1: no git lock, temporary file or journal left" \
		'[ -z "$(find . -path ./.git/objects -prune -o \( -name "*.lock" ! -name kiplan.lock -o -name "*.tmp-*" -o -name kiplan-journal \) -print)" ]'
	check "$1: the outbox is the history's sendings" '[ "$(documents)" = "$(sendings)" ]'
}

strace_ok=0
command -v strace >/dev/null 2>&1 && strace_ok=1
[ $strace_ok = 1 ] || echo "strace is not installed: the injected faults are skipped"

# --- killed at each rename and link, then run again ------------------------
# As the issue: strace -f -e inject=rename:signal=KILL:when=N kiplan send.
killed() {
	cmd=$1 sys=$2
	eval "base=\$base_$cmd"
	# The calls to kill at, counted on a run of its own (three tries: a
	# probe that saw none would leave nothing tested).
	count=0 try=0
	while [ "$count" -eq 0 ] && [ "$try" -lt 3 ]; do
		rm -rf "$T/probe" && cp -a "$base" "$T/probe"
		(cd "$T/probe" && "run_$cmd" strace -f -qq -o "$T/trace" -e trace="$sys" >/dev/null 2>&1)
		count=$(grep -cE "^([0-9]+ +)?$sys\(" "$T/trace")
		try=$((try + 1))
	done
	check "$cmd: its ${sys}s are found ($count)" '[ "$count" -gt 0 ]'
	n=1
	while [ "$n" -le "$count" ]; do
		R=$T/run && rm -rf "$R" && cp -a "$base" "$R" && cd "$R" || exit 1
		h0=$(git rev-parse HEAD)
		"run_$cmd" strace -f -qq -o /dev/null -e trace="$sys" \
			-e inject="$sys:signal=KILL:when=$n" >/dev/null 2>&1
		rc=$?
		c1=$(git rev-list --count "$h0..HEAD")
		# Killed after its end (its journal gone, one commit), the
		# next is a request of its own: two commits.  Else one in all.
		want=1
		[ "$c1" -eq 1 ] && [ ! -e .git/kiplan-journal ] && want=2
		"run_$cmd" >/dev/null 2>"$T/err2"
		rc2=$?
		c2=$(git rev-list --count "$h0..HEAD")
		check "$cmd killed at $sys $n (exit $rc): the next one succeeds" '[ $rc2 -eq 0 ]' ||
			cat "$T/err2"
		check "$cmd killed at $sys $n: $want commit(s), no duplicate ($c2)" '[ "$c2" -eq "$want" ]'
		[ "$cmd" = new ] && check "$cmd killed at $sys $n: one plan for Jens Hansen" \
			'[ "$(grep -l "navn: Jens Hansen" ki-*.md | wc -l)" -eq "$want" ]'
		settled "$cmd killed at $sys $n"
		cd "$T" || exit 1
		n=$((n + 1))
	done
}
if [ $strace_ok = 1 ]; then
	for cmd in new send; do
		for sys in rename link; do
			killed "$cmd" "$sys"
		done
	done
fi

# --- a failed fsync of a file kiplan writes fails the command ------------
if [ $strace_ok = 1 ]; then
	rm -rf "$T/probe" && cp -a "$B" "$T/probe"
	(cd "$T/probe" && run_new strace -f -qq -y -o "$T/trace" -e trace=fsync >/dev/null 2>&1)
	grep -n 'fsync(' "$T/trace" |
		grep 'ki-2026-0002\.md\.tmp-\|kiplan-tmp/ref\|kiplan-tmp/index\|kiplan-journal\|refs/heads>' |
		cut -d: -f1 >"$T/points"
	check "fsync: the points are found" '[ "$(wc -l <"$T/points")" -ge 4 ]'
	for n in $(cat "$T/points"); do
		R=$T/run && rm -rf "$R" && cp -a "$B" "$R" && cd "$R" || exit 1
		run_new strace -f -qq -o /dev/null -e trace=fsync \
			-e inject="fsync:error=EIO:when=$n" >/dev/null 2>"$T/err"
		rc=$?
		check "new, EIO on fsync $n: exit 3 or 4, not $rc" '[ $rc -eq 3 ] || [ $rc -eq 4 ]'
		check "new, EIO on fsync $n: says so" 'grep -q "Input/output error" "$T/err"'
		"$KIPLAN" validate >/dev/null 2>&1
		run_new >/dev/null 2>&1
		settled "new, EIO on fsync $n, then new"
		cd "$T" || exit 1
	done
fi

# --- committed, but standard output is full: exit 4 ------------------------
R=$T/run && rm -rf "$R" && cp -a "$B" "$R" && cd "$R" || exit 1
"$KIPLAN" new --navn "Jens Hansen" >/dev/full 2>"$T/err"
rc=$?
check "new >/dev/full: exit 4, not 3" '[ $rc -eq 4 ]'
check "new >/dev/full: says it was committed" 'grep -q "committed" "$T/err"'
check "new >/dev/full: the plan is there" '[ -f ki-2026-0002.md ] && [ -z "$(git status --porcelain)" ]'
cd "$T" || exit 1

# --- exit statuses stay 0, 3 or 4 under injected errors ---------------------
if [ $strace_ok = 1 ]; then
	for e in write:ENOSPC openat:ENOSPC close:EIO rename:EIO link:EPERM mkdir:ENOSPC; do
		sys=${e%:*} errno=${e#*:}
		for n in 10 40; do
			R=$T/run && rm -rf "$R" && cp -a "$base_send" "$R" && cd "$R" || exit 1
			run_send strace -f -qq -o /dev/null -e trace="$sys" \
				-e inject="$sys:error=$errno:when=$n" >/dev/null 2>"$T/err"
			rc=$?
			# 127: the dynamic loader failed, before kiplan ran.
			[ $rc -eq 127 ] && grep -q "error while loading shared" "$T/err" && rc=3
			check "send, $errno on $sys $n: exit 0, 3 or 4, not $rc" \
				'[ $rc -eq 0 ] || [ $rc -eq 3 ] || [ $rc -eq 4 ]'
			check "send, $errno on $sys $n: no document dated 1970" \
				'! grep -q "1970" outbox/*.html 2>/dev/null'
			run_send >/dev/null 2>&1
			settled "send, $errno on $sys $n, then send"
			cd "$T" || exit 1
		done
	done
fi

# --- readers beside writers ------------------------------------------------
R=$T/many && rm -rf "$R" && cp -a "$B" "$R" && cd "$R" || exit 1
i=1
while [ $i -le 4 ]; do
	(j=1; while [ $j -le 5 ]; do "$KIPLAN" new --navn "Borger $i $j" >/dev/null 2>&1; j=$((j + 1)); done) &
	i=$((i + 1))
done
: >"$T/readers"
i=1
while [ $i -le 6 ]; do
	for c in validate due export; do
		"$KIPLAN" $c >/dev/null 2>"$T/rerr"
		rc=$?
		# A plan with a warning or something due exits 1; never 3.
		[ $rc -le 1 ] || { echo "$c exit $rc: $(head -c 200 "$T/rerr")" >>"$T/readers"; }
	done
	i=$((i + 1))
done
wait
check "readers beside writers: none failed" '[ ! -s "$T/readers" ]'
# (check never fails itself: what failed is shown here.)
[ -s "$T/readers" ] && cat "$T/readers"
check "four writers, twenty plans" '[ "$(ls ki-2026-*.md | wc -l)" -eq 21 ]'
settled "readers beside writers"
cd "$T" || exit 1

# --- no CPR number in a message; --cpr - -----------------------------------
R=$T/cpr && rm -rf "$R" && cp -a "$B" "$R" && cd "$R" || exit 1
sed -i '0,/^  telefon: .*/s//  telefon: "010174-1230"/' ki-2026-0001.md
"$KIPLAN" validate ki-2026-0001.md >"$T/out" 2>&1
check "a CPR number in telefon: refused" '[ $? -eq 1 ] && grep -q "telefon" "$T/out"'
check "a CPR number in telefon: not echoed" '! grep -q "1230" "$T/out"'
git checkout -q ki-2026-0001.md
echo 010174-1230 | "$KIPLAN" new --navn "Karen Jensen" --cpr - >"$T/out" 2>&1
check "new --cpr -: reads the number from standard input" '[ $? -eq 0 ] && grep -q "cpr: \"\?010174-1230" ki-2026-0002.md'

# --- set, followup and close through the change -------------------------
# Killed just after the commit point: the file is put in place by the
# next command, and the same command run again commits nothing twice.
R=$T/change && rm -rf "$R" && cp -a "$B" "$R" && cd "$R" || exit 1
KIPLAN_TEST_CRASH=commit-ref "$KIPLAN" set ki-2026-0001.md moede.sted=Rådhuset >/dev/null 2>&1; rc=$?
check "set killed at its commit point: committed, the old file still there" '[ $rc -eq 137 ] && [ "$(git rev-list --count HEAD)" = 3 ] && grep -q "^  sted: Distriktspsykiatrien Vejle$" ki-2026-0001.md'
"$KIPLAN" set ki-2026-0001.md moede.sted=Rådhuset >"$T/out" 2>"$T/err"; rc=$?
check "set run again: finished, not committed twice" '[ $rc -eq 0 ] && [ "$(git rev-list --count HEAD)" = 3 ] && grep -q "^  sted: Rådhuset$" ki-2026-0001.md && [ -z "$(git status --porcelain)" ]'
check "set run again: says so" 'grep -q "finished what an interrupted kiplan set had begun" "$T/err" && grep -q "an interrupted kiplan set had already committed this change" "$T/err" && grep -q "revision 2 .* committed" "$T/out"'
KIPLAN_TEST_CRASH=change-written "$KIPLAN" followup --date 2014-09-25 ki-2026-0001.md >/dev/null 2>&1; rc=$?
check "followup killed before its commit: nothing changed" '[ $rc -eq 137 ] && [ "$(git rev-list --count HEAD)" = 3 ] && git diff --quiet HEAD'
"$KIPLAN" followup --date 2014-09-25 ki-2026-0001.md >/dev/null 2>"$T/err"; rc=$?
check "followup run again: committed once" '[ $rc -eq 0 ] && [ "$(git rev-list --count HEAD)" = 4 ] && grep -q "undid what an interrupted kiplan followup had begun" "$T/err" && [ -z "$(git status --porcelain --untracked-files=all)" ]'
if [ $strace_ok = 1 ]; then
	# The third rename is the index's, after the commit point.
	strace -f -qq -o /dev/null -e trace=rename -e inject=rename:error=EIO:when=3 \
		"$KIPLAN" close --date 2014-10-01 --reason "Målene er nået." ki-2026-0001.md >/dev/null 2>"$T/err"; rc=$?
	check "close failing after its commit: exit 4, says it was committed" '[ $rc -eq 4 ] && grep -q "ki-2026-0001.md was committed as revision 4 (.*), but the step above failed; do not run kiplan close again" "$T/err" && [ "$(git rev-list --count HEAD)" = 5 ]'
	"$KIPLAN" set ki-2026-0001.md moede.form=video >/dev/null 2>"$T/err"; rc=$?
	check "the next command finishes the close" '[ $rc -eq 0 ] && [ -z "$(git status --porcelain)" ] && grep -q "^status: afsluttet" ki-2026-0001.md && grep -q "finished what an interrupted kiplan close had begun" "$T/err"'
fi
cd "$T" || exit 1

# --- outbox documents of sendings the history lacks ----------------------
# As an older kiplan killed before its commit left them, and as a sending
# taken out of the history by git reset leaves them: moved aside, never
# deleted, said once; a document of the history, or another file, stays.
R=$T/aside && rm -rf "$R" && cp -a "$B" "$R" && cd "$R" || exit 1
cp outbox/ki-2026-0001-r1.html outbox/ki-2026-0001-r2.html
cp outbox/ki-2026-0001-r1.pdf outbox/ki-2026-0001-r2.pdf
echo "egne noter" >outbox/noter.txt
"$KIPLAN" set ki-2026-0001.md moede.form=video >"$T/out" 2>"$T/err"
check "stray outbox documents: the command succeeds" '[ $? -eq 0 ]'
check "stray outbox documents: moved to outbox/ikke-sendt/" '[ ! -e outbox/ki-2026-0001-r2.html ] && cmp -s outbox/ikke-sendt/ki-2026-0001-r2.html outbox/ki-2026-0001-r1.html && cmp -s outbox/ikke-sendt/ki-2026-0001-r2.pdf outbox/ki-2026-0001-r1.pdf'
check "stray outbox documents: said once" '[ "$(grep -c "moved 2 documents of sendings that the history does not have" "$T/err")" -eq 1 ]'
check "stray outbox documents: the sent ones and other files stay" '[ -f outbox/ki-2026-0001-r1.html ] && [ -f outbox/ki-2026-0001-r1.pdf ] && [ -f outbox/ki-2026-0001-r1-foelgebrev.txt ] && [ -f outbox/noter.txt ]'
"$KIPLAN" set ki-2026-0001.md moede.form=telefon >"$T/out" 2>"$T/err"
check "stray outbox documents: the next command says nothing" '[ $? -eq 0 ] && [ ! -s "$T/err" ]'
"$KIPLAN" send ki-2026-0001.md >/dev/null 2>&1
git reset -q --hard HEAD~1
cp outbox/ki-2026-0001-r1.pdf outbox/ki-2026-0001-r2.pdf
"$KIPLAN" set ki-2026-0001.md moede.form=fysisk >"$T/out" 2>"$T/err"
check "a sending taken out of the history: its documents moved aside" '[ $? -eq 0 ] && [ -f outbox/ikke-sendt/ki-2026-0001-r3.pdf ] && [ -f outbox/ikke-sendt/ki-2026-0001-r3-foelgebrev.txt ] && [ ! -e outbox/ki-2026-0001-r3.html ] && grep -q "moved 4 documents" "$T/err"'
check "a name taken in outbox/ikke-sendt/: the older kept, the new one beside it" '[ -f outbox/ikke-sendt/ki-2026-0001-r2.pdf.1 ]'
check "stray outbox documents: the outbox is the history's sendings" '[ "$(documents | tr "\n" " ")" = "$(sendings | tr "\n" " ")" ]'
cd "$T" || exit 1

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

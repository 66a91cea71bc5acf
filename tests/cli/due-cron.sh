#!/bin/sh
# due-cron.sh: what cron relies on: the exit status (0 nothing overdue,
# 1 overdue, 2 usage, 3 a plan that cannot be read), silence when nothing is
# due, problems on stderr with file and line; the cache (identity, private,
# invalidated, rebuilt when corrupt), the repository setting for drafts,
# and threads that never change the output.
set -u
KIPLAN=${KIPLAN:-build/kiplan}
PY=${PYTHON:-/usr/bin/python3}
ROOT=$(pwd)
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
export XDG_CACHE_HOME="$tmp/cache" GIT_CONFIG_NOSYSTEM=1 HOME="$tmp"
unset KIPLAN_TODAY KIPLAN_DIR
cd "$tmp" || exit 1
cp -r "$ROOT/tests/cases/due/plans.d" plans

# Exit status and output.
"$KIPLAN" due --today 2014-06-01 --overdue plans >out 2>err
[ $? -eq 1 ] && ok || bad "overdue: exit 1"
[ "$(wc -l <out)" -eq 2 ] && ok || bad "overdue: two lines"
[ -s err ] && bad "overdue: stderr not empty" || ok
"$KIPLAN" due --today 2014-01-01 --overdue plans >out 2>err
[ $? -eq 0 ] && ok || bad "nothing overdue: exit 0"
[ -s out ] && bad "nothing overdue: output not empty (cron would mail it)" || ok
KIPLAN_TODAY=2014-06-01 "$KIPLAN" due --overdue plans >/dev/null
[ $? -eq 1 ] && ok || bad "KIPLAN_TODAY"
KIPLAN_TODAY=2014-13-01 "$KIPLAN" due plans >/dev/null 2>&1
[ $? -eq 2 ] && ok || bad "bad KIPLAN_TODAY: exit 2"
for a in "--today 2014-02-30" "--within -1" "--within x" "--by nobody" "--format xml" "--jobs 0" "--draft-days z"; do
	# shellcheck disable=SC2086
	"$KIPLAN" due $a plans >/dev/null 2>err
	[ $? -eq 2 ] && grep -q '^usage: kiplan due' err && ok || bad "usage: $a"
done
"$KIPLAN" due --today 2014-06-01 --coordinator 'rasmus jeppesen' --within 365 --format tsv plans >out
[ "$(cut -f7 out | sort -u | tr '\n' '|')" = "Rasmus Jeppesen|coordinator|" ] && ok || bad "--coordinator"

# A plan that cannot be read: reported, and exit 3 when nothing is overdue.
mkdir broken
cp plans/ki-2014-0205.md broken/
printf -- '---\nkiplan: 1\nid: ki-2014-0900\nstatus: aktiv\nmoede:\n  dato: [2014\n---\n' >broken/ki-2014-0900.md
"$KIPLAN" due --today 2014-06-01 broken >out 2>err
[ $? -eq 3 ] && ok || bad "broken: exit 3"
grep -q '^broken/ki-2014-0900.md:[0-9]*:[0-9]*: error: parse: ' err && ok || bad "broken: file:line on stderr"
"$KIPLAN" due --today 2014-10-01 broken >out 2>err
[ $? -eq 1 ] && ok || bad "broken and overdue: exit 1"
grep -q 'ki-2014-0205' out && ok || bad "broken: the other plans are still listed"
"$KIPLAN" due --today 2014-06-01 nosuchdir/x.md >/dev/null 2>err
[ $? -eq 3 ] && grep -q 'nosuchdir/x.md' err && ok || bad "missing file: exit 3"

# The cache: same answers, private, invalidated by a change, rebuilt.
export XDG_CACHE_HOME="$tmp/cache2"
"$KIPLAN" due --today 2014-06-01 --within 400 --format json plans >first
c=$(find "$tmp/cache2/kiplan" -name 'due-*.cache' 2>/dev/null | head -n 1)
[ -n "$c" ] && ok || bad "no cache file under XDG_CACHE_HOME"
# Files changed in the two seconds before a run are not cached: wait.
sleep 3
"$KIPLAN" due --today 2014-06-01 --within 400 --format json plans >second
c=$(find "$tmp/cache2/kiplan" -name 'due-*.cache' | head -n 1)
[ "$(stat -c %a "$c")" = 600 ] && ok || bad "cache mode $(stat -c %a "$c")"
[ "$(stat -c %a "$(dirname "$c")")" = 700 ] && ok || bad "cache directory mode"
cmp -s first second && ok || bad "cache: second run differs"
size=$(stat -c %s "$c")
[ "$size" -gt 100 ] && ok || bad "cache holds nothing ($size bytes)"
"$KIPLAN" due --today 2014-06-01 --within 400 --format json plans >third
cmp -s first third && ok || bad "cache: third run (from the cache) differs"
# Change a date: the same size, so only the times tell.
sed 's/dato: 2014-09-01/dato: 2014-09-02/' plans/ki-2014-0205.md >x && cat x >plans/ki-2014-0205.md
"$KIPLAN" due --today 2014-06-01 --within 400 --format json plans >fourth
grep -q '"date":"2014-09-02"' fourth && ok || bad "cache: a changed plan is not read again"
grep -q '"date":"2014-09-01"' fourth && bad "cache: the old date is still listed" || ok
# A corrupt cache is ignored and rebuilt.
sleep 3
"$KIPLAN" due --today 2014-06-01 --within 400 --format json plans >/dev/null
"$PY" -c "
import sys
p = sys.argv[1]
b = bytearray(open(p, 'rb').read())
for i in range(40, len(b), 7):
    b[i] ^= 0x5a
open(p, 'wb').write(b)" "$c"
"$KIPLAN" due --today 2014-06-01 --within 400 --format json plans >fifth 2>err
cmp -s fourth fifth && ok || bad "corrupt cache: output differs"
"$KIPLAN" due --today 2014-06-01 --within 400 --format json plans >sixth 2>err
cmp -s fourth sixth && ok || bad "rebuilt cache: output differs"
head -c 20 "$c" >x && cat x >"$c"
"$KIPLAN" due --today 2014-06-01 --within 400 --format json plans >seventh 2>err
cmp -s fourth seventh && ok || bad "truncated cache: output differs"
"$KIPLAN" due --no-cache --today 2014-06-01 --within 400 --format json plans >eighth
cmp -s fourth eighth && ok || bad "--no-cache differs"

# Threads: the same output with one and with two.
"$PY" "$ROOT/bench/gen-plans" --seed 7 400 many 2>/dev/null
"$KIPLAN" due --no-cache --jobs 1 --today 2020-01-01 --within 3650 --format tsv many >j1
"$KIPLAN" due --no-cache --jobs 2 --today 2020-01-01 --within 3650 --format tsv many >j2
[ "$(wc -l <j1)" -gt 100 ] && ok || bad "threads: too few items"
cmp -s j1 j2 && ok || bad "threads: --jobs 1 and --jobs 2 differ"

# A plan repository: the plans by default, the draft setting, the cache in .git.
mkdir repo
(cd repo && git init -q . && mkdir .kiplan && cp ../plans/*.md . &&
	printf '[due]\n\tkladde-dage = 14\n' >.kiplan/config &&
	git add -A && git -c user.name=T -c user.email=t@example.dk commit -q -m init) ||
	bad "cannot make a repository"
(cd repo && "$KIPLAN" due --today 2014-06-01 --format tsv >../r1)
[ $? -eq 1 ] && ok || bad "repo: exit status"
grep -q '	moede	ki-2014-0204	' r1 && ok || bad "repo: due.kladde-dage not used"
grep -q '^2014-05-24	' r1 && ok || bad "repo: draft due 14 days after consent"
(cd repo && "$KIPLAN" due --today 2014-06-01 --format tsv --draft-days 30 >../r2)
grep -q '^2014-06-09	.*moede' r2 && ok || bad "repo: --draft-days overrides the setting"
[ -f repo/.git/kiplan-due.cache ] && ok || bad "repo: no .git/kiplan-due.cache"
(cd "$tmp" && "$KIPLAN" due >/dev/null 2>err)
[ $? -eq 3 ] && ok || bad "no repository and no PATH: exit 3"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

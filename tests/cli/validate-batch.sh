#!/bin/sh
# validate-batch.sh: validate over many plans, on several threads and with
# the fast reader, says exactly what one thread with the full loader says,
# in the same order; the JSON form is one valid array.
set -u
KIPLAN=${KIPLAN:-build/kiplan}
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

python3 bench/gen-plans --seed 7 1200 "$tmp/plans" >/dev/null || bad "gen-plans"
mkdir "$tmp/plans/cases"
cp tests/cases/validate/*.md examples/*.md "$tmp/plans/cases/"

for fmt in text json; do
	"$KIPLAN" validate --format $fmt "$tmp/plans" >"$tmp/fast.$fmt" 2>"$tmp/fast.err"
	rc1=$?
	KIPLAN_FULL_LOAD=1 "$KIPLAN" validate --format $fmt "$tmp/plans" >"$tmp/full.$fmt" 2>"$tmp/full.err"
	rc2=$?
	[ $rc1 -eq $rc2 ] && ok || bad "$fmt: exit $rc1 with the fast reader, $rc2 without"
	cmp -s "$tmp/fast.$fmt" "$tmp/full.$fmt" && ok || { bad "$fmt: output differs"; diff "$tmp/full.$fmt" "$tmp/fast.$fmt" | head -5; }
	cmp -s "$tmp/fast.err" "$tmp/full.err" && ok || bad "$fmt: summary differs"
done
[ -s "$tmp/fast.text" ] && ok || bad "the cases gave no findings"
python3 - "$tmp/fast.json" "$tmp/fast.text" <<'PY' && ok || bad "json"
import json, sys
a = json.load(open(sys.argv[1]))
t = open(sys.argv[2]).read().splitlines()
assert len(a) == len(t), (len(a), len(t))
files = [f["file"] for f in a]
# in the walk's order: byte order within each directory
order = []
for f in files:
    if not order or order[-1] != f:
        order.append(f)
assert len(order) == len(set(order)), "a file's findings are not together"
for f, line in zip(a, t):
    assert line.startswith("%s:%d:%d: %s: %s: " % (f["file"], f["line"], f["column"], f["severity"], f["code"]))
PY
# one thread and the full loader, file by file, in the same order
for f in $(find "$tmp/plans" -name '*.md' | LC_ALL=C sort | head -40); do
	KIPLAN_FULL_LOAD=1 "$KIPLAN" validate "$f" 2>/dev/null
done >"$tmp/one"
head -n "$(wc -l <"$tmp/one")" "$tmp/fast.text" | cmp -s - "$tmp/one" && ok || bad "not in the walk's order"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

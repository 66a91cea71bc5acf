#!/bin/sh
# validate-hostile.sh: whatever a file holds, validate ends quickly with a
# finding that names file, line and column, and exit 1 (3 if unreadable):
# never a crash, a hang or a silent acceptance.  The inputs are made here,
# each close to the 1 MiB limit.
set -u
KIPLAN=${KIPLAN:-build/kiplan}
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

python3 - "$tmp" <<'PY'
import sys, os
d = sys.argv[1]
def w(n, s):
    open(os.path.join(d, n), 'wb').write(s)
head = b"---\nkiplan: 1\nid: ki-2014-0001\nstatus: kladde\nborger:\n  navn: X\n"
w('keys.md', head + b"".join(b"k%06d: 1\n" % i for i in range(90000)) + b"---\n")
w('dupkeys.md', head + b"".join(b"k%06d: 1\n" % (i % 50000) for i in range(90000)) + b"---\n")
w('deep.md', head + b"x: " + b"[" * 500000 + b"\n---\n")
w('flowmap.md', head + b"x: " + b"{a: " * 200000 + b"\n---\n")
w('longline.md', head + b"x: " + b"a" * 1000000 + b"\n---\n")
w('laughs.md', b"---\na: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n---\n")
w('tag.md', head + b"x: !!python/object:os.system ls\n---\n")
w('merge.md', head + b"a: {b: 1}\nc:\n  <<: {b: 2}\n---\n")
w('nul.md', head + b"x: a\x00b\n---\n")
w('ctrl.md', head + b"x: a\x1bb\n---\n")
w('badutf8.md', head + b"x: a\xc3\x28b\n---\n")
w('unclosed.md', head)
w('notmap.md', b"---\n- a\n- b\n---\n")
w('toobig.md', head + b"---\n" + b"x" * (1024 * 1024 + 1))
w('list-big.md', head + b"udfordringer:\n" + b"".join(b"  - x\n" for i in range(150000)) + b"---\n")
w('body-brackets.md', head + b"---\n" + b"![[]()" * 150000)
w('body-stars.md', head + b"---\n" + b"*a **b " * 140000)
w('body-links.md', head + b"---\n" + b"[a](b" * 200000)
w('body-ticks.md', head + b"---\n" + b"`a`` " * 200000)
PY

for f in "$tmp"/*.md; do
	name=${f##*/}
	# A guard against quadratic time, not a speed test (see bench/).
	(ulimit -t 120; exec "$KIPLAN" validate "$f") >"$tmp/out" 2>"$tmp/err"
	rc=$?
	case $name in
	body-*|list-*) want=0 ;;	# valid, if odd: it must just be quick
	*) want=1 ;;
	esac
	if [ $rc -eq 152 ]; then
		fail=$((fail + 1)); echo "FAIL: $name: over 120 s of CPU"
	elif [ $rc -ne $want ]; then
		fail=$((fail + 1)); echo "FAIL: $name: exit $rc, expected $want"; cat "$tmp/out" "$tmp/err" | head -3
	elif [ $want -eq 1 ] && ! grep -q "^$f:[0-9][0-9]*:[0-9][0-9]*: error: " "$tmp/out"; then
		fail=$((fail + 1)); echo "FAIL: $name: no file:line:col finding"; head -3 "$tmp/out"
	else
		pass=$((pass + 1))
	fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

#!/bin/sh
# hostile.sh: how long kiplan takes on 1 MiB of the inputs that make a
# naive CommonMark parser or YAML loader quadratic (the tests only guard
# against a runaway, with a CPU limit; the figures are here).
#   sh bench/hostile.sh [build/kiplan]
set -eu
KIPLAN=${1:-build/kiplan}
case $KIPLAN in /*) ;; *) KIPLAN=$(pwd)/$KIPLAN ;; esac
EXAMPLES=$(pwd)/examples
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
head=$(sed -n '1,/^---$/{p}' "$EXAMPLES/bilag2.md" | sed -n '2,$p' | sed '$d')
ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
printf '%-12s %-8s %10s %10s %10s\n' unit block validate html pdf
for spec in '![[]()|0' '*![[]()|1150' '*_|1900' 'a*|2000' '[a](|8000' \
	'**a*_b_|1100' '` |150' '>|0' '- |8000' '[|8000'; do
	unit=${spec%|*}
	block=${spec##*|}
	python3 - "$unit" "$block" "$tmp/ki-2014-0001.md" "$head" <<'PY'
import sys
unit, block, out, head = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
limit = 1024 * 1024 - len(head) - 16
body = []
n = 0
while n < limit:
    chunk = (unit * (block // len(unit) + 1))[:block] if block else unit * (limit // len(unit))
    chunk = chunk[:limit - n]
    body.append(chunk)
    n += len(chunk) + 2
    if not block:
        break
open(out, 'w').write('---\n' + head.replace('ki-2014-0001', 'ki-2014-0001') + '\n---\n' + '\n\n'.join(body))
PY
	f=$tmp/ki-2014-0001.md
	t=$(date +%s%N); "$KIPLAN" validate "$f" >/dev/null 2>&1 || true; v=$(ms "$t")
	t=$(date +%s%N); "$KIPLAN" render "$f" -o "$tmp/q.html" 2>/dev/null || true; h=$(ms "$t")
	t=$(date +%s%N); "$KIPLAN" render "$f" -o "$tmp/q.pdf" 2>/dev/null || true; p=$(ms "$t")
	printf '%-12s %-8s %8s ms %8s ms %8s ms\n' "'$unit'" "$block" "$v" "$h" "$p"
done

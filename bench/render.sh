#!/bin/sh
# render.sh: the cost of kiplan render per plan, to HTML and to PDF,
# beside pandoc (Markdown to HTML) and weasyprint (HTML to PDF) measured
# in the same run on the same plans.  Not a test: it prints figures.
#
#     sh bench/render.sh [KIPLAN] [N]
#
# N plans (default 100) are copies of examples/bilag2.md (Bilag 2 of the
# guideline: about 10 KiB, 7 pages), each with its own id and name.
set -u
KIPLAN=${1:-$(pwd)/build/kiplan}
N=${2:-100}
ROOT=$(pwd)

need() {
	command -v "$1" >/dev/null 2>&1 && return 0
	echo "bench: installing $2" >&2
	apt-get install -y "$2" >/dev/null 2>&1 ||
		{ echo "bench: cannot install $2" >&2; exit 3; }
}
need pandoc pandoc
need weasyprint weasyprint
need python3 python3
[ -x "$KIPLAN" ] || { echo "bench: no kiplan at $KIPLAN (make first)" >&2; exit 3; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
mkdir "$tmp/plans" "$tmp/html" "$tmp/pdf" "$tmp/pandoc" "$tmp/weasy"

python3 - "$ROOT/examples/bilag2.md" "$tmp/plans" "$N" <<'EOF'
import sys
src, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
text = open(src, encoding='utf-8').read()
for i in range(1, n + 1):
    pid = 'ki-2014-%04d' % i
    t = text.replace('ki-2014-0001', pid).replace(
        'Michael Lykke Sørensen', 'Borger Nummer %d' % i)
    open('%s/%s.md' % (out, pid), 'w', encoding='utf-8').write(t)
EOF

now() { date +%s%N; }
# run LABEL CMD...: run CMD for every plan ({} is the plan's base name).
run() {
	label=$1
	shift
	start=$(now)
	for p in "$tmp"/plans/*.md; do
		b=$(basename "$p" .md)
		cmd=$(printf '%s' "$*" | sed "s|{}|$b|g")
		sh -c "$cmd" >/dev/null 2>>"$tmp/err" || { echo "bench: $label failed on $b" >&2; cat "$tmp/err" >&2; exit 3; }
	done
	end=$(now)
	ms=$(((end - start) / 1000))
	echo "$label $ms"
}

{
	run kiplan-html "'$KIPLAN' render '$tmp/plans/{}.md' -o '$tmp/html/{}.html'"
	run kiplan-pdf "'$KIPLAN' render '$tmp/plans/{}.md' -o '$tmp/pdf/{}.pdf'"
	run pandoc-html "pandoc -s -f markdown -t html --metadata title={} '$tmp/plans/{}.md' -o '$tmp/pandoc/{}.html'"
	run weasyprint-pdf "weasyprint '$tmp/html/{}.html' '$tmp/weasy/{}.pdf'"
} >"$tmp/times" || exit 3

awk -v n="$N" '
	{ us[$1] = $2 }
	END {
		printf "%d plans (examples/bilag2.md), wall time per plan:\n", n
		printf "  %-16s %9.2f ms\n", "kiplan html", us["kiplan-html"] / n / 1000
		printf "  %-16s %9.2f ms\n", "kiplan pdf", us["kiplan-pdf"] / n / 1000
		printf "  %-16s %9.2f ms\n", "pandoc html", us["pandoc-html"] / n / 1000
		printf "  %-16s %9.2f ms\n", "weasyprint pdf", us["weasyprint-pdf"] / n / 1000
		printf "ratios: pandoc / kiplan html = %.1f; weasyprint / kiplan pdf = %.1f\n",
			us["pandoc-html"] / us["kiplan-html"],
			us["weasyprint-pdf"] / us["kiplan-pdf"]
	}' "$tmp/times"
printf 'pages: kiplan pdf %s, weasyprint pdf %s (plan 1)\n' \
	"$(pdfinfo "$tmp/pdf/ki-2014-0001.pdf" 2>/dev/null | sed -n 's/^Pages: *//p')" \
	"$(pdfinfo "$tmp/weasy/ki-2014-0001.pdf" 2>/dev/null | sed -n 's/^Pages: *//p')"

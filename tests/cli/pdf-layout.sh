#!/bin/sh
# pdf-layout.sh: the PDF's layout as a recipient sees it, read back with
# poppler: no guideline heading is the last thing on a page (20 generated
# plans); a row split across pages shows its labels again, marked
# "(fortsat)", and so does a goal's title; body text is at least 10 pt; a
# long word or address breaks without an inserted hyphen; every generated
# plan passes tests/pdf-check.py.
set -u
KIPLAN=${KIPLAN:-$(pwd)/build/kiplan}
ROOT=$(pwd)
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
check() {
	if eval "$2"; then ok; else bad "$1"; fi
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# No orphaned heading: a page whose last line, the footer aside, is one
# of the guideline's part headings.
python3 "$ROOT/bench/gen-plans" --seed 7 20 "$tmp/plans" >/dev/null
n=0
for f in "$tmp"/plans/*/*.md; do
	"$KIPLAN" render -o "$tmp/$(basename "$f" .md).pdf" "$f" 2>/dev/null &&
		n=$((n + 1))
done
check "20 generated plans rendered" '[ $n -eq 20 ]'
checked=0
for f in "$tmp"/ki-*.pdf; do
	python3 "$ROOT/tests/pdf-check.py" "$f" >"$tmp/check" 2>&1 &&
		checked=$((checked + 1)) || cat "$tmp/check"
done
check "20 generated plans pass pdf-check.py (PDF/UA, PDF/A-2u)" '[ $checked -eq 20 ]'
python3 - "$tmp"/ki-*.pdf >"$tmp/orphans" <<'PY'
import re, subprocess, sys
HEAD = re.compile(r"^[1-5]\. [A-ZÆØÅ]")
for f in sys.argv[1:]:
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", f, "-"],
                          capture_output=True, check=True).stdout.decode()
    for n, page in enumerate(text.split("\f")[:-1], 1):
        lines = [l.strip() for l in page.split("\n") if l.strip()]
        lines = [l for l in lines if not re.match(r"^Side \d+ af \d+$", l)
                 and not l.startswith("Koordinerende indsatsplan ki-")]
        if lines and HEAD.match(lines[-1]):
            print("%s page %d: %s" % (f, n, lines[-1]))
PY
check "no heading alone at the foot of a page" '[ ! -s "$tmp/orphans" ]'
cat "$tmp/orphans"

# A goal's table that goes on to the next page shows its title there
# again, marked "(fortsat)"; on the page it begins, unmarked.
python3 - "$tmp"/ki-*.pdf >"$tmp/titles" <<'PY'
import re, subprocess, sys
seen = 0
for f in sys.argv[1:]:
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", f, "-"],
                          capture_output=True, check=True).stdout.decode()
    first = {}
    for n, page in enumerate(text.split("\f")[:-1], 1):
        for m in re.finditer(r"^(Mål \d+: .*?)( \(fortsat\))?$", page, re.M):
            title, cont = m.group(1), bool(m.group(2))
            if title not in first:
                first[title] = n
                if cont:
                    print("%s page %d: %s begins marked" % (f, n, title))
            elif not cont:
                print("%s page %d: %s again, unmarked" % (f, n, title))
            else:
                seen += 1
if not seen:
    print("no goal's table went on to another page")
PY
check "a goal's title repeated with (fortsat)" '[ ! -s "$tmp/titles" ]'
cat "$tmp/titles"

# Body text at 10 pt or more: the most common height of a word's box is
# that of 10 pt DejaVu (1.164 em: 11.6 pt).
python3 - "$tmp"/ki-*.pdf >"$tmp/small" <<'PY'
import collections, re, subprocess, sys
for f in sys.argv[1:]:
    x = subprocess.run(["pdftotext", "-bbox", "-enc", "UTF-8", f, "-"],
                       capture_output=True, check=True).stdout.decode()
    hs = collections.Counter(round(float(b) - float(a), 1) for a, b in
        re.findall(r'yMin="([^"]*)" xMax="[^"]*" yMax="([^"]*)"', x))
    h = hs.most_common(1)[0][0]
    if h < 11.5:
        print("%s: most text %.1f pt high" % (f, h))
PY
check "body text at 10 pt or more" '[ ! -s "$tmp/small" ]'
cat "$tmp/small"

# A status of 160 lines: the row goes on over pages, its labels repeated
# and marked, and no line lost.  A long word and a long address.
word=Donaudampfschifffahrtselektrizitaetenhauptbetriebswerkbauunterbeamtengesellschaftsbetriebsvedligeholdelsesassistentuddannelsen
url=https://example.dk/en/meget/lang/adresse/som/ikke/kan/staa/paa/en/linje/i/en/celle/af/tabellen/uden/at/blive/brudt/index.html
python3 - "$ROOT/tests/cases/render/text-rule.md" "$tmp/long.md" "$word" "$url" <<'PY'
import sys
s = open(sys.argv[1]).read()
lines = "".join("      Linje %d af en lang status\n" % i for i in range(1, 161))
lines += "      %s\n      <%s>\n" % (sys.argv[3], sys.argv[4])
s = s.replace("      Quetiapin 2*50 mg og 3*25 mg\n",
              "      Quetiapin 2*50 mg og 3*25 mg\n" + lines, 1)
open(sys.argv[2], "w").write(s)
PY
"$KIPLAN" render -o "$tmp/long.pdf" "$tmp/long.md" 2>/dev/null
pdftotext -enc UTF-8 "$tmp/long.pdf" "$tmp/long.txt"
check "the long row spans pages" '[ "$(grep -c "^Linje .* af en lang status$" "$tmp/long.txt")" = 160 ]'
pages=$(pdfinfo "$tmp/long.pdf" | sed -n 's/^Pages: *//p')
i=2
cont=0
while [ "$i" -le "${pages:-0}" ]; do
	pdftotext -enc UTF-8 -f $i -l $i "$tmp/long.pdf" - | tr '\n' '|' >"$tmp/p"
	# The row's labels, marked, above its text on a page it goes on to.
	if grep -q "Linje [0-9]* af en lang status" "$tmp/p"; then
		first=$(grep -o "Linje [0-9]* af" "$tmp/p" | head -n 1)
		[ "$first" = "Linje 1 af" ] || {
			grep -q "|Status|(fortsat)|" "$tmp/p" &&
				grep -q "(Psykiatriloven § 3 stk. 3)|(fortsat)|" "$tmp/p" &&
				cont=$((cont + 1)) ||
				bad "page $i: the labels are not repeated with (fortsat)"
		}
	fi
	i=$((i + 1))
done
check "labels repeated on at least two pages" '[ $cont -ge 2 ]'
check "a long word whole, without a hyphen" \
	'tr -d "\n" <"$tmp/long.txt" | grep -q "$word"'
check "no hyphen where the word broke" \
	'! grep -q "^[A-Za-z]*[a-z]-$" "$tmp/long.txt"'
check "a long address whole" 'tr -d "\n" <"$tmp/long.txt" | grep -qF "$url"'

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

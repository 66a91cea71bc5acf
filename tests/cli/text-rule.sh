#!/bin/sh
# text-rule.sh: a field means what was written (kiplan-plan(5), Text), in
# the PDF as in the HTML.  tests/cases/render/text-rule.md holds the cases
# that CommonMark would change ("Quetiapin 2*50 mg og 3*25 mg", "> 10",
# "+ 3 kg", lines one under the other) and every CommonMark construct;
# each line below must come out of both documents as it stands here, on
# a line of its own.
set -u
KIPLAN=${KIPLAN:-build/kiplan}
case $KIPLAN in /*) ;; *) KIPLAN=$(pwd)/$KIPLAN ;; esac
CASE=$(pwd)/tests/cases/render/text-rule.md
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

"$KIPLAN" render "$CASE" --format html >"$T/t.html" && ok || bad "render html"
"$KIPLAN" render "$CASE" -o "$T/t.pdf" && ok || bad "render pdf"
# The text of each document, one line per line shown.
python3 - "$T/t.html" >"$T/html.txt" <<'EOF'
import html.parser, sys
class P(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(); self.out = []; self.skip = 0
    def handle_starttag(self, tag, a):
        if tag in ('style', 'title', 'head'): self.skip += 1
        if tag in ('br', 'p', 'li', 'tr', 'td', 'th', 'h1', 'h2', 'h3',
                   'h4', 'h5', 'h6', 'pre', 'div'):
            self.out.append('\n')
    def handle_endtag(self, tag):
        if tag in ('style', 'title', 'head'): self.skip -= 1
    def handle_data(self, d):
        if not self.skip: self.out.append(d)
p = P(); p.feed(open(sys.argv[1], encoding='utf-8').read())
print(''.join(p.out))
EOF
pdftotext -raw "$T/t.pdf" "$T/pdf.txt" && ok || bad "pdftotext"

# Each line stands whole on a line of both texts (leading space and the
# bullets of lists aside).
while IFS= read -r want; do
	for f in html pdf; do
		# (a row's label shares the first line of its value)
		sed -e 's/^[[:space:]•◦▪]*//' -e 's/^\(Status\|Mål\|Indsats\) //' \
			"$T/$f.txt" | grep -qxF -- "$want" && ok ||
			bad "$f: no line '$want'"
	done
done <<'EOF'
Quetiapin 2*50 mg og 3*25 mg
> 10 genstande
+ 3 kg
Skrevet én
pr. linje
#7 er ikke en overskrift
Setext?
===
Også?
---
kode 2*50 & \x
blok > 10
2*50 & \y
indrykket 2*50 & \z
+ plus
> 10
uden indrykning efter en liste
<b>html</b> &amp; &copy; &#65; R&D
<!-- kommentar -->
C:\Users\jens og \\server\del og \* og \\
[1]: https://example.dk/fodnote
[1] og [fodnote][1]
og en hård linje\
skift
a < b > c & d
Noter: 2*50 mg, > 10, + 3 kg.
fortsat uden indrykning
EOF

# Markup that is meant: headings, emphasis, lists with their numbers as
# written, links with their address.
for want in Overskrift Underoverskrift 'punkt' 'stjerne' 'en' 'to' 'tre' 'syv'; do
	grep -q -- "$want" "$T/pdf.txt" && ok || bad "pdf: no '$want'"
done
grep -q '<h3>Overskrift</h3>' "$T/t.html" && ok || bad "html: # is not a sub-heading"
grep -q '<ol start="3">' "$T/t.html" && ok || bad "html: 3. is not kept"
grep -q '<ol start="7">' "$T/t.html" && ok || bad "html: 7) is not kept"
grep -qF -- 'ftp (ftp://example.dk/f)' "$T/pdf.txt" && ok || bad "pdf: an ftp link loses its address"
grep -qF -- 'relativ (fil.pdf) og billede (foto.jpg)' "$T/pdf.txt" && ok ||
	bad "pdf: a relative link or an image loses its address"
# A numbered list as written, in the PDF: 1. 1. 3. 7)
nums=$(grep -E '^(1\. en|1\. to|3\. tre|7\) syv)$' "$T/pdf.txt" | cut -c1-2 | tr -d '\n')
[ "$nums" = "1.1.3.7)" ] && ok || bad "pdf: list numbers '$nums', expected 1. 1. 3. 7)"
# No mark the writer did not write: no asterisk pairs turned into
# nothing, no doubled backslash.
grep -q 'a\*\*b\*\*c' "$T/pdf.txt" && ok || bad "pdf: a**b**c changed"
grep -qF '\\\\server' "$T/pdf.txt" && bad "pdf: a backslash doubled" || ok

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

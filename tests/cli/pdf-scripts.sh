#!/bin/sh
# pdf-scripts.sh: every script in the PDF.  Names in Arabic and Hebrew
# read right to left within a document that stays left to right, the
# running header included; Greek, Cyrillic, Chinese, Japanese, Korean,
# Devanagari and Thai are drawn with an installed font and come back out
# as text; a character that no installed font has is reported, with its
# line and column, and never left as a silent box.
set -u
# Under AddressSanitizer: whole stacks, so that tests/lsan.supp can name
# cairo_surface_finish() (libcairo has no frame pointers).
case ${ASAN_OPTIONS-} in
*fast_unwind_on_malloc*) ;;
*) export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}fast_unwind_on_malloc=0" ;;
esac
KIPLAN=${KIPLAN:-build/kiplan}
case $KIPLAN in /*) ;; *) KIPLAN=$(pwd)/$KIPLAN ;; esac
ROOT=$(pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

ARABIC='محمد علي'
HEBREW='דוד לוי'
P=$T/ki-2014-0001.md
sed -e "0,/^  navn: .*/s//  navn: $ARABIC/" \
	-e "s/^  - navn: Peter Holm/  - navn: $HEBREW/" \
	-e "s/^    status: Ikke aktuelt/    status: 'Ελληνικά, Русский, 中文, 日本語, 한국어, हिन्दी, ไทย'/" \
	"$ROOT/examples/bilag2.md" >"$P"
"$KIPLAN" render "$P" -o "$T/s.pdf" 2>"$T/err" && ok || { bad "render"; cat "$T/err"; }
[ ! -s "$T/err" ] && ok || { bad "warnings for scripts the fonts have"; cat "$T/err"; }
pdftotext "$T/s.pdf" "$T/s.txt"
for w in Ελληνικά Русский 中文 日本語 한국어 हिन्दी ไทย; do
	grep -qF "$w" "$T/s.txt" && ok || bad "'$w' does not come back out of the PDF"
done
# No box: poppler reports no font without a glyph; pdffonts lists Noto.
pdffonts "$T/s.pdf" | grep -q Noto && ok || bad "no Noto font embedded"
# Every font, of every script, embedded and with a ToUnicode map (PDF/A-2u),
# as poppler sees them; and the whole PDF/UA and PDF/A-2 check.
pdffonts "$T/s.pdf" | awk 'NR > 2 && ($(NF-4) != "yes" || $(NF-2) != "yes")' >"$T/fonts"
[ ! -s "$T/fonts" ] && [ "$(pdffonts "$T/s.pdf" | wc -l)" -gt 10 ] && ok ||
	{ bad "a font not embedded or without ToUnicode"; cat "$T/fonts"; }
python3 "$ROOT/tests/pdf-check.py" "$T/s.pdf" >"$T/check" 2>&1 && ok ||
	{ bad "pdf-check.py"; cat "$T/check"; }

# Left to right: in the running header of every page, the Arabic name
# stands left of the plan id (a right-to-left line would put it right).
python3 - "$T/s.pdf" "$ARABIC" <<'EOF' && ok || bad "the running header reads right to left"
import re, subprocess, sys
pdf, name = sys.argv[1], sys.argv[2]
xml = subprocess.run(['pdftotext', '-bbox', pdf, '-'], capture_output=True,
                     text=True).stdout
pages = xml.split('<page ')[1:]
assert pages
# poppler cuts right-to-left text into letters: any Arabic letter counts
arabic = lambda w: any('\u0600' <= c <= '\u06ff' for c in w)
for page in pages:
    words = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]*)</word>', page)
    top = [(float(x), float(y), w) for x, y, w in words if float(y) < 60]
    xs_name = [x for x, y, w in top if arabic(w)]
    xs_id = [x for x, y, w in top if w.startswith('ki-2014-0001')]
    if not xs_name or not xs_id or min(xs_name) > min(xs_id):
        sys.exit(1)
EOF
# Within a table cell too: the Hebrew name comes before ", Overlæge".
python3 - "$T/s.pdf" <<'EOF' && ok || bad "a cell with a Hebrew name reads right to left"
import re, subprocess, sys
xml = subprocess.run(['pdftotext', '-bbox', '-f', '1', '-l', '1', sys.argv[1], '-'],
                     capture_output=True, text=True).stdout
words = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]*)</word>', xml)
he = [(float(x), float(y)) for x, y, w in words
      if any('\u0590' <= c <= '\u05ff' for c in w)]
ov = [(float(x), float(y)) for x, y, w in words if w == 'Overlæge,']
if not he or not ov: sys.exit(1)
y = ov[0][1]
if not any(abs(hy - y) < 4 and hx < ov[0][0] for hx, hy in he): sys.exit(1)
EOF

# The same name reads the same in the running header, in its cell and in
# the footer's title: one
# isolated run, ordered by its own first letter, its final full stop at
# its left end.  Unisolated, a cell would put the stop at the right.
NAME='محمد علي (أبو أحمد).'
sed -e "0,/^  navn: .*/s//  navn: '$NAME'/" -e 's/^id: ki-2014-0001$/id: ki-2014-0003/' \
	"$ROOT/examples/bilag2.md" >"$T/ki-2014-0003.md"
"$KIPLAN" render "$T/ki-2014-0003.md" -o "$T/n.pdf" 2>/dev/null
python3 - "$T/n.pdf" <<'EOF' && ok || bad "the name reads differently in the header, its cell and the footer"
import re, subprocess, sys
xml = subprocess.run(['pdftotext', '-bbox', '-f', '1', '-l', '1', sys.argv[1], '-'],
                     capture_output=True, text=True).stdout
words = [(float(x), float(y), float(x2), w) for x, y, x2, w in re.findall(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)"[^>]*>([^<]*)</word>', xml)]
dot = [w for w in words if w[3] == '·'][0]
head = [w[3] for w in sorted(w for w in words
                             if abs(w[1] - dot[1]) < 3 and w[0] < dot[0])]
navn = [w for w in words if w[3] == 'Navn'][0]
cell = [w[3] for w in sorted(w for w in words
                             if abs(w[1] - navn[1]) < 3 and w[0] > navn[2])]
dash = [w for w in words if w[3] == '–'][0]
stop = [w for w in words if w[3] == '(Ikke' and abs(w[1] - dash[1]) < 3][0]
foot = [w[3] for w in sorted(w for w in words if abs(w[1] - dash[1]) < 3
                             and dash[0] < w[0] < stop[0])]
sys.exit(0 if head == cell == foot and cell[0] == '.' else 1)
EOF
"$KIPLAN" render "$T/ki-2014-0003.md" --format html 2>/dev/null |
	grep -qF "<td><p>$(printf '\342\201\250')$NAME$(printf '\342\201\251')</p>" && ok ||
	bad "html: the name is not isolated in its cell"

# A character no font has (a private-use code point): a warning that
# names it, at its line and column, and the PDF is still written.
printf -- '---\nkiplan: 1\nid: ki-2014-0002\nstatus: kladde\nborger:\n  navn: "Jens \363\260\201\201 Hansen"\n---\n' >"$T/ki-2014-0002.md"
"$KIPLAN" render "$T/ki-2014-0002.md" -o "$T/m.pdf" 2>"$T/err"; rc=$?
[ "$rc" -eq 0 ] && ok || bad "a missing glyph: exit $rc, not 0"
[ -s "$T/m.pdf" ] && ok || bad "a missing glyph: no PDF"
grep -q "ki-2014-0002.md:6:15: warning: skrift: .*U+F0041" "$T/err" && ok ||
	{ bad "a missing glyph is not reported at 6:15"; cat "$T/err"; }
LANG=da_DK.UTF-8 LC_ALL=da_DK.UTF-8 "$KIPLAN" render "$T/ki-2014-0002.md" -o "$T/m.pdf" 2>"$T/err"
grep -q "warning: skrift: ingen installeret skrifttype har tegnet" "$T/err" && ok ||
	{ bad "the warning is not in Danish"; cat "$T/err"; }
# HTML is drawn by the reader's browser: no such warning there.
"$KIPLAN" render "$T/ki-2014-0002.md" --format html >/dev/null 2>"$T/err"
[ ! -s "$T/err" ] && ok || bad "html warns of fonts"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

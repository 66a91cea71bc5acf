#!/bin/sh
# render-pdf.sh: kiplan render to PDF, read back with poppler: the
# guideline's headings and letters, the running header and "Side N af M"
# on every page, every font embedded, the metadata, a huge field broken
# across pages with the table's header rows repeated, --redact, the
# invalid mark, the revision stamp against git, and bounded time on
# libcmark's quadratic inputs.
set -u
KIPLAN=${KIPLAN:-$(pwd)/build/kiplan}
ROOT=$(pwd)
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
export GIT_CONFIG_NOSYSTEM=1 HOME="$tmp"

# pages FILE: the page count that pdfinfo reads.
pages() {
	pdfinfo "$1" 2>/dev/null | sed -n 's/^Pages: *//p'
}

# every_page FILE TEXT WHAT: TEXT is on each page of FILE.
every_page() {
	n=$(pages "$1")
	i=1
	missing=
	while [ "$i" -le "${n:-0}" ]; do
		pdftotext -f "$i" -l "$i" "$1" - 2>/dev/null | grep -qF "$2" ||
			missing="$missing $i"
		i=$((i + 1))
	done
	if [ -n "$n" ] && [ "$n" -gt 0 ] && [ -z "$missing" ]; then
		ok
	else
		bad "$3: '$2' not on page(s)$missing of ${n:-?}"
	fi
}

# fonts_embedded FILE WHAT: pdffonts lists fonts, each with emb "yes".
fonts_embedded() {
	pdffonts "$1" >"$tmp/fonts" 2>&1
	nf=$(sed '1,2d' "$tmp/fonts" | grep -c .)
	notemb=$(sed '1,2d' "$tmp/fonts" |
		awk '{ for (i = 1; i <= NF; i++) if ($i == "yes" || $i == "no") { print $i; break } }' |
		grep -c '^no$')
	if [ "$nf" -gt 0 ] && [ "$notemb" -eq 0 ]; then
		ok
	else
		bad "$2: $nf fonts, $notemb not embedded"
		cat "$tmp/fonts"
	fi
}

# 1. The guideline's example, outside any repository: a draft.
cp "$ROOT/examples/bilag2.md" "$tmp/ki-2014-0001.md"
"$KIPLAN" render "$tmp/ki-2014-0001.md" -o "$tmp/b.pdf" 2>"$tmp/err" && ok ||
	{ bad "render bilag2"; cat "$tmp/err"; }
head -c 5 "$tmp/b.pdf" | grep -q '%PDF-' && ok || bad "not a PDF"
pdftotext "$tmp/b.pdf" "$tmp/b.txt" 2>/dev/null && ok || bad "pdftotext"
for h in '1. Stamoplysninger' \
	'2. Afdækning af status, mål og indsatser i eksisterende planer' \
	'3. Identifikation af primære og/eller akutte udfordringer' \
	'4. Fælles mål og prioritering' '5. Opfølgning' \
	'Koordinerende indsatsplan' 'Michael Lykke Sørensen' '☒ Ja ☐ Nej' \
	'Mål 3: Kontakt til Jobcenter' 'Indsatser eller opgaver' \
	'Succeskriterier' 'Rollefordeling' 'Tidsplan for indsatser' \
	'Der skal min. være én' 'Behandlingsplan for' \
	'Opfølgende møde afholdes den 1. oktober 2014' \
	'Psykiatrisk behandlingsplan' 'Støtte til stabilt fremmøde' \
	'140973-1879' 'æ' 'ø' 'å' 'Ø'; do
	grep -qF "$h" "$tmp/b.txt" && ok || bad "bilag2 lacks '$h'"
done
# The five parts in the guideline's order.
order=$(grep -nE '^[1-5]\. (Stamoplysninger|Afdækning|Identifikation|Fælles|Opfølgning)' "$tmp/b.txt" |
	cut -d: -f2 | cut -c1 | tr -d '\n')
[ "$order" = 12345 ] && ok || bad "parts out of order: '$order'"
n=$(pages "$tmp/b.pdf")
[ "${n:-0}" -ge 3 ] && [ "${n:-0}" -le 12 ] && ok || bad "bilag2 has ${n:-no} pages"
i=1
while [ "$i" -le "${n:-0}" ]; do
	pdftotext -f "$i" -l "$i" "$tmp/b.pdf" - | grep -qF "Side $i af $n" && ok ||
		bad "page $i lacks 'Side $i af $n'"
	i=$((i + 1))
done
every_page "$tmp/b.pdf" 'Michael Lykke Sørensen · ki-2014-0001' "running header"
every_page "$tmp/b.pdf" 'Ikke afsendt' "unsent mark"
fonts_embedded "$tmp/b.pdf" bilag2
pdfinfo "$tmp/b.pdf" >"$tmp/info" 2>&1
grep -q '^Title: *Koordinerende indsatsplan ki-2014-0001 – Michael Lykke Sørensen (Ikke afsendt)$' "$tmp/info" && ok ||
	bad "title metadata"
grep -q '^Author: *Anne Larsen$' "$tmp/info" && ok || bad "author is not the coordinator"
grep -q '^Subject: *Koordinerende indsatsplan' "$tmp/info" && ok || bad "subject metadata"
grep -q '^Creator: *kiplan' "$tmp/info" && ok || bad "creator metadata"
grep -qE '^CreationDate: *[A-Z][a-z]{2} ' "$tmp/info" && ok || bad "creation date"
grep -q '^Page size: *595.276 x 841.89 pts (A4)' "$tmp/info" && ok || bad "not A4"
grep -q '^JavaScript: *no' "$tmp/info" && ok || bad "JavaScript in the PDF"
# Bookmarks: the title, and the five parts under it.
pdftohtml -stdout -xml -i "$tmp/b.pdf" 2>/dev/null >"$tmp/b.xml"
for h in 'Koordinerende indsatsplan' '1. Stamoplysninger' \
	'2. Afdækning af status, mål og indsatser i eksisterende planer' \
	'3. Identifikation af primære og/eller akutte udfordringer' \
	'4. Fælles mål og prioritering' '5. Opfølgning'; do
	grep -qE "<item page=\"[0-9]+\">$h</item>" "$tmp/b.xml" && ok || bad "no bookmark '$h'"
done

# 2. A huge field: the goal's table breaks across pages, and each page
# it continues on starts with the table's header rows again.
python3 - "$tmp/ki-2014-0001.md" "$tmp/ki-2014-0004.md" <<'EOF'
import sys
src = open(sys.argv[1], encoding='utf-8').read()
src = src.replace('id: ki-2014-0001', 'id: ki-2014-0004')
para = ('Stk{:03d}x: borgeren deltager i samtaler hver 14. dag, og '
        'støttekontaktpersonen følger op på aftalerne med æ, ø og å. ')
big = '\n\n'.join(para.format(i) * 3 for i in range(1, 121))
big = '\n'.join('          ' + l for l in big.split('\n'))
old = '        succeskriterier: >-\n          Angstlidelse minimeres'
assert old in src
src = src.replace(old, '        succeskriterier: |-\n' + big +
                  '\n\n          Angstlidelse minimeres', 1)
src = src.replace('          Angstlidelse minimeres og borger opnår at komme ud af hjemmet og\n'
                  '          deltage i aktiviteter i nærmiljøet\n',
                  '          Angstlidelse minimeres.\n', 1)
open(sys.argv[2], 'w', encoding='utf-8').write(src)
EOF
"$KIPLAN" render "$tmp/ki-2014-0004.md" -o "$tmp/big.pdf" 2>"$tmp/err" && ok ||
	{ bad "render huge field"; cat "$tmp/err"; }
nb=$(pages "$tmp/big.pdf")
[ "${nb:-0}" -ge $((n + 3)) ] && ok || bad "huge field: ${nb:-no} pages, bilag2 has $n"
first=$(pdftotext "$tmp/big.pdf" - | awk -v RS='\f' '/Stk001x/ { print NR; exit }')
last=$(pdftotext "$tmp/big.pdf" - | awk -v RS='\f' '/Stk120x/ { p = NR } END { print p }')
[ -n "$first" ] && [ -n "$last" ] && [ "$last" -ge $((first + 2)) ] && ok ||
	bad "huge field does not span pages (${first:-?}..${last:-?})"
if [ -n "$first" ] && [ -n "$last" ]; then
	i=$((first + 1))
	while [ "$i" -le "$last" ]; do
		pdftotext -f "$i" -l "$i" "$tmp/big.pdf" "$tmp/p.txt"
		for h in 'Mål 1: Fastholdelse i psykiatrisk behandling' \
			'Indsatser eller opgaver' 'Succeskriterier' 'Rollefordeling'; do
			grep -qF "$h" "$tmp/p.txt" && ok || bad "page $i lacks header '$h'"
		done
		i=$((i + 1))
	done
fi
# Nothing lost or doubled where the cell is cut.
pdftotext "$tmp/big.pdf" - | grep -o 'Stk[0-9]*x' | sort | uniq -c |
	awk '$1 != 3 { bad++ } END { exit !(NR == 120 && bad == 0) }' && ok ||
	bad "a piece of the huge field is lost or doubled"
every_page "$tmp/big.pdf" "af $nb" "footer of the huge plan"
fonts_embedded "$tmp/big.pdf" "huge plan"

# 3. --redact: no CPR's last four, no telephone number.
"$KIPLAN" render --redact "$tmp/ki-2014-0001.md" -o "$tmp/r.pdf" && ok || bad "render --redact"
pdftotext "$tmp/r.pdf" "$tmp/r.txt"
grep -q '140973-xxxx' "$tmp/r.txt" && ok || bad "masked CPR missing"
grep -q '1879' "$tmp/r.txt" && bad "CPR's last four leak" || ok
grep -qE '[0-9]{6}-[0-9]{4}' "$tmp/r.txt" && bad "a CPR number leaks" || ok
grep -qE '[0-9]{2} [0-9]{2} [0-9]{2} [0-9]{2}' "$tmp/r.txt" && bad "a phone number leaks" || ok
pdfinfo "$tmp/r.pdf" | grep -q '1879' && bad "CPR in the metadata" || ok

# 4. An invalid plan: refused, or with --force marked on every page.
sed 's/^  cpr: .*/  cpr: "nonsense"/; s/^id: .*/id: ki-2014-0005/' \
	"$tmp/ki-2014-0001.md" >"$tmp/ki-2014-0005.md"
"$KIPLAN" render "$tmp/ki-2014-0005.md" -o "$tmp/i.pdf" 2>/dev/null
[ $? -eq 1 ] && [ ! -e "$tmp/i.pdf" ] && ok || bad "invalid plan rendered without --force"
"$KIPLAN" render --force "$tmp/ki-2014-0005.md" -o "$tmp/i.pdf" 2>"$tmp/err" && ok ||
	{ bad "render --force"; cat "$tmp/err"; }
every_page "$tmp/i.pdf" 'UGYLDIG PLAN – planen har fejl og må ikke sendes' "invalid mark"
# The PDF and the HTML print the same words (kiplan.h's KP_RENDER_INVALID
# and KP_RENDER_UNSENT), whole.
"$KIPLAN" render --force --format html "$tmp/ki-2014-0005.md" -o "$tmp/i.html" 2>"$tmp/err" && ok ||
	{ bad "render --force --format html"; cat "$tmp/err"; }
pdftotext "$tmp/i.pdf" "$tmp/i.txt"
invalid=$(sed -n 's|.*<p class="invalid" role="alert">\([^<]*\)</p>.*|\1|p' "$tmp/i.html")
[ "$invalid" = 'UGYLDIG PLAN – planen har fejl og må ikke sendes' ] && ok ||
	bad "HTML's invalid mark is '$invalid'"
for mark in "$invalid" 'Ikke afsendt'; do
	grep -qF "$mark" "$tmp/i.html" && ok || bad "HTML lacks '$mark'"
	grep -qF "$mark" "$tmp/i.txt" && ok || bad "PDF lacks '$mark'"
done

# 5. In a plan repository: the stamp names the revision and the commit.
mkdir -p "$tmp/repo/.kiplan"
cp "$ROOT/schema/kiplan-1.schema.yaml" "$tmp/repo/.kiplan/schema.yaml"
cp "$tmp/ki-2014-0001.md" "$tmp/repo/"
(cd "$tmp/repo" && git init -q . && git add . &&
	git -c user.name=T -c user.email=t@example.dk commit -qm en) || bad "git"
short=$(cd "$tmp/repo" && git log -1 --format=%h)
(cd "$tmp/repo" && "$KIPLAN" render ki-2014-0001.md -o s.pdf) && ok || bad "render in repo"
every_page "$tmp/repo/s.pdf" "revision 1 · $short" "revision stamp"
pdftotext "$tmp/repo/s.pdf" - | grep -q 'Kladde' && bad "committed plan marked as draft" || ok
# A revision renders to the same bytes every time.
(cd "$tmp/repo" && "$KIPLAN" render ki-2014-0001.md -o s2.pdf) &&
	cmp -s "$tmp/repo/s.pdf" "$tmp/repo/s2.pdf" && ok || bad "two renders of a revision differ"

# 6. libcmark's quadratic inputs in a 1 MiB plan: rendered in bounded
# time, or refused with a message; never a hang.
gen() {
	python3 - "$1" "$2" "$3" <<'EOF'
import sys
unit, block, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
head = "---\nkiplan: 1\nid: ki-2014-0003\nstatus: kladde\nborger:\n  navn: A\n---\n"
limit = 1024 * 1024 - len(head) - 16
if block:
    piece = (unit * (block // len(unit) + 1))[:block]
    body = '\n\n'.join([piece] * (limit // (block + 2)))
else:
    body = unit * (limit // len(unit))
open(out, 'w').write(head + body)
EOF
}
for spec in '![[]()|0' '*![[]()|1150' '*_|1900' '[a](|8000' 'x|0' \
	'a |0' '- x|5' 'x|1'; do
	unit=${spec%|*}
	block=${spec##*|}
	gen "$unit" "$block" "$tmp/ki-2014-0003.md"
	# A guard against quadratic time, not a speed test (see bench/).
	(ulimit -t 120; exec "$KIPLAN" render "$tmp/ki-2014-0003.md" -o "$tmp/q.pdf") 2>"$tmp/err"
	rc=$?
	[ $rc -ne 152 ] && ok || bad "'$unit' $block: over 120 s of CPU"
	if [ $rc -eq 0 ]; then
		head -c 5 "$tmp/q.pdf" | grep -q '%PDF-' && ok || bad "'$unit' $block: not a PDF"
	else
		grep -q 'too long' "$tmp/err" && [ ! -e "$tmp/q.pdf" ] && ok ||
			{ bad "'$unit' $block: exit $rc"; cat "$tmp/err"; }
	fi
	rm -f "$tmp/q.pdf"
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

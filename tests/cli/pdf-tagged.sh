#!/bin/sh
# pdf-tagged.sh: the PDF is tagged and in Danish, read back with poppler
# (pdfinfo -struct-text) and tests/pdf-check.py (qpdf): headings, lists,
# tables with header cells and their scope, links, the running header and
# footer as artifacts, /Lang (da), the title in the reader's window, XMP
# metadata with the plan's identity, and the same bytes for the same
# revision.
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
export GIT_CONFIG_NOSYSTEM=1 HOME="$tmp"
export KIPLAN_AUTHOR="Anne Larsen <anne.larsen@example.dk>"

# The structure with its text, as pdfinfo shows it (slow: seconds a
# document), read once a PDF into PDF.struct; then struct PDF prints it.
struct() {
	[ -f "$1.struct" ] || pdfinfo -struct-text "$1" >"$1.struct" 2>/dev/null
	cat "$1.struct"
}
# The structure's element types, one a line, without their text.
types() {
	struct "$1" | grep -v '^ *"' | sed 's/^ *//; s/ (.*//; s/:$//'
}

for plan in examples/bilag2.md tests/cases/render/text-rule.md; do
	name=$(basename "$plan" .md)
	pdf=$tmp/$name.pdf
	"$KIPLAN" render -o "$pdf" "$ROOT/$plan"
	check "$name: rendered" '[ -s "$pdf" ]'
	check "$name: pdfinfo says Tagged: yes" \
		'pdfinfo "$pdf" | grep -qx "Tagged: *yes"'
	types "$pdf" >"$tmp/types"
	check "$name: the structure's root is Document" \
		'[ "$(head -n 1 "$tmp/types")" = Document ]'
	for t in H1 H2 P Table TR TH TD L LI Lbl LBody; do
		check "$name: a $t element" 'grep -qx "$t" "$tmp/types"'
	done
	check "$name: every TH has a scope" \
		'[ "$(grep -cx TH "$tmp/types")" = "$(grep -c "^/Scope /\(Row\|Column\)$" "$tmp/types")" ]'
	check "$name: the guideline's headings are H2s" \
		'struct "$pdf" | grep -A1 "^ *H2 " | grep -q "\"5. Opfølgning\""'
	# The running header and footer are artifacts: not in the structure.
	check "$name: no Side N af M in the structure" \
		'! struct "$pdf" | grep -q "Side [0-9]* af"'
	check "$name: but on the page" \
		'pdftotext "$pdf" - | grep -q "Side 1 af"'
	check "$name: the full check (Lang, XMP, artifacts, fonts)" \
		'python3 "$ROOT/tests/pdf-check.py" "$pdf" >"$tmp/check" 2>&1'
	cat "$tmp/check" | grep -v '^ok$'
done

# The field's # and ## are H3 and H4 under the part's H2; links are Link
# elements with their annotation, and clickable.
pdf=$tmp/text-rule.pdf
check "text-rule: # in a field is an H3" \
	'struct "$pdf" | grep -A1 "^ *H3 " | grep -q "\"Overskrift\""'
check "text-rule: ## in a field is an H4" \
	'struct "$pdf" | grep -A1 "^ *H4 " | grep -q "\"Underoverskrift\""'
check "text-rule: three Link elements" '[ "$(types "$pdf" | grep -cx Link)" = 3 ]'
# Each Link element holds its annotation and the link's own text (PDF/UA
# 7.18.5); the text around it stays in the structure, in Spans.
struct "$pdf" | grep -A2 "^ *Link " | sed -n 's/^ *"/"/p' >"$tmp/linktext"
check "text-rule: the Link elements hold their text" \
	'printf "%s\n" "\"https://example.dk/a_b?x=1&y=2\"" "\"anne@example.dk\"" "\"link (https://example.dk/sti)\"" | cmp -s - "$tmp/linktext"'
check "text-rule: the text around the links is in the structure" \
	'struct "$pdf" | grep -q "^ *\" og ftp (ftp://example.dk/f) \"$"'
python3 - "$pdf" >"$tmp/links" <<'EOF'
import json, subprocess, sys
j = json.loads(subprocess.run(["qpdf", "--json=2", sys.argv[1], "-"],
                              capture_output=True, check=True).stdout)
objs = j["qpdf"][1]
for k, o in objs.items():
    v = o.get("value")
    if isinstance(v, dict) and v.get("/Subtype") == "/Link":
        print(v["/A"]["/URI"][2:])
    if isinstance(v, dict) and v.get("/Type") == "/Catalog":
        print("lang", v.get("/Lang"))
        print("title", v.get("/ViewerPreferences", {}).get("/DisplayDocTitle"))
EOF
check "text-rule: a link to https://example.dk/sti" 'grep -qx "https://example.dk/sti" "$tmp/links"'
check "text-rule: a mail link" 'grep -qx "mailto:anne@example.dk" "$tmp/links"'
check "text-rule: no link to ftp" '! grep -q "^ftp:" "$tmp/links"'
check "/Lang (da)" 'grep -qx "lang u:da" "$tmp/links"'
check "the title in the reader's window" 'grep -qx "title True" "$tmp/links"'

# XMP: the plan's identity, read back by poppler.
pdfinfo -meta "$pdf" >"$tmp/xmp"
check "XMP: the plan's id" 'grep -q "<kiplan:plan>ki-2014-0042</kiplan:plan>" "$tmp/xmp"'
check "XMP: a working copy is revision 0" 'grep -q "<kiplan:revision>0</kiplan:revision>" "$tmp/xmp"'
check "XMP: the language" 'grep -q "<rdf:li>da</rdf:li>" "$tmp/xmp"'
check "XMP: PDF/A-2, level U" \
	'grep -q "<pdfaid:part>2</pdfaid:part>" "$tmp/xmp" && grep -q "<pdfaid:conformance>U</pdfaid:conformance>" "$tmp/xmp"'
check "an sRGB output intent" 'qpdf --show-object=trailer "$pdf" >/dev/null && qpdf --json=2 "$pdf" - | grep -q "GTS_PDFA1"'

# A revision: its commit in the XMP, and the same bytes every time.
R=$tmp/repo
"$KIPLAN" init "$R" >/dev/null 2>&1
cd "$R" || exit 1
sed 's/^id: ki-2014-0001$/id: ki-2026-0001/' "$ROOT/examples/bilag2.md" >ki-2026-0001.md
"$KIPLAN" send --no-outbox -m "Efter mødet" ki-2026-0001 >/dev/null 2>&1
head=$(git rev-parse HEAD)
"$KIPLAN" render -o "$tmp/r1.pdf" ki-2026-0001@1 2>/dev/null
sleep 1
"$KIPLAN" render -o "$tmp/r2.pdf" ki-2026-0001@1 2>/dev/null
check "a revision: rendered" '[ -s "$tmp/r1.pdf" ]'
check "a revision: the same bytes each time" 'cmp -s "$tmp/r1.pdf" "$tmp/r2.pdf"'
check "a revision: its commit in the XMP" \
	'pdfinfo -meta "$tmp/r1.pdf" | grep -q "<kiplan:commit>$head</kiplan:commit>"'
check "a revision: its number in the XMP" \
	'pdfinfo -meta "$tmp/r1.pdf" | grep -q "<kiplan:revision>1</kiplan:revision>"'
check "a revision: still a good PDF" 'python3 "$ROOT/tests/pdf-check.py" "$tmp/r1.pdf" >/dev/null'
cd "$ROOT" || exit 1

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

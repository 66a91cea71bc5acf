#!/bin/sh
# stats-html.sh: kiplan stats --format html on a generated repository with
# two years of history (bench/gen-history).  The page is self-contained
# (no script, no external reference), well formed, shows no name or CPR
# number, has its three charts, and every figure in its table is the one
# --format json gives.  Then headless Chromium: a screenshot that is not
# blank, no console error (the check is first shown to catch one), and the
# page printed as PDF is A4 with nothing past the right margin.
set -u
KIPLAN=${KIPLAN:-build/kiplan}
case $KIPLAN in /*) ;; *) KIPLAN=$(pwd)/$KIPLAN ;; esac
HERE=$(pwd)
T=$(mktemp -d)
trap "rm -rf \"\$T\"" EXIT INT TERM
export HOME="$T" GIT_CONFIG_NOSYSTEM=1 KIPLAN_TODAY=2025-12-31
export KIPLAN_AUTHOR="Anne Larsen <anne.larsen@example.dk>"
export GIT_AUTHOR_NAME="Anne Larsen" GIT_AUTHOR_EMAIL=anne.larsen@example.dk
export GIT_COMMITTER_NAME="Anne Larsen" GIT_COMMITTER_EMAIL=anne.larsen@example.dk
unset KIPLAN_DIR GIT_DIR
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
check() { if eval "$2"; then ok; else bad "$1"; fi; }

R=$T/planer
"$KIPLAN" init "$R" >/dev/null || exit 1
python3 "$HERE/bench/gen-history" --seed 7 120 500 "$R" >/dev/null || exit 1
cd "$R" || exit 1

"$KIPLAN" stats --from 2024-01-01 --format html -o "$T/s.html"; rc=$?
check "stats --format html: exit 0" '[ $rc -eq 0 ]'
"$KIPLAN" stats --from 2024-01-01 --format json >"$T/s.json"
check "HTML file private" '[ "$(stat -c %a "$T/s.html")" = 600 ]'
check "no script, no external reference" \
	'! grep -qi "<script\|src=\|href=\|url(\|@import\|<link\|<iframe\|<img" "$T/s.html" && [ "$(grep -o "https\?://[^\"]*" "$T/s.html" | sort -u)" = "http://www.w3.org/2000/svg" ]'
check "Danish page, A4" \
	'grep -q "<html lang=\"da\">" "$T/s.html" && grep -q "@page { size: A4" "$T/s.html"'
# Every name and CPR number of every version of every plan.
git log -p | sed -n 's/^[+ ]  \(navn\|cpr\): "\{0,1\}\([^"]*\)"\{0,1\}$/\2/p' | sort -u >"$T/secret"
check "the history has names and CPR numbers to hide" '[ "$(wc -l <"$T/secret")" -gt 20 ]'
check "no citizen's or coordinator's name, no CPR number" \
	'! grep -qF -f "$T/secret" "$T/s.html"'
"$KIPLAN" stats --from 2024-01-01 --by coordinator --format html -o "$T/by.html"
check "by coordinator: the coordinators are named, no citizen" \
	'grep -q "<h2>Koordinator: Anne Larsen</h2>\|<h2>Koordinator: " "$T/by.html" && ! grep -qF -f "$(grep -v " " "$T/secret" >"$T/cpr"; echo "$T/cpr")" "$T/by.html"'

# The page's structure and its table against the JSON.
cat >"$T/page.py" <<'EOF'
import json, sys
from html.parser import HTMLParser

VOID = {"meta", "br", "line", "rect", "path", "circle"}
LABELS = {
    "Oprettede planer": "created", "Gjort aktive": "activated",
    "Afsluttede": "closed", "Aktive ved periodens udgang": "active",
    "Kladder ved periodens udgang": "drafts",
    "Opfølgningsmøder inden for 6 måneder": "followups_on_time",
    "Opfølgningsmøder senere": "followups_late",
    "andel inden for 6 måneder": "followups_on_time_share",
    "Opfølgninger over fristen ved periodens udgang": "overdue",
    "Dage fra samtykke til første møde (median)": "consent_to_meeting_days",
    "Henvisninger": "referrals", "Behandlinger påbegyndt": "treatment_started",
    "Dage fra henvisning til behandling (median)":
        "referral_to_treatment_days",
    "Påbegyndt inden for 14 dage": "guarantee_kept",
    "Påbegyndt senere end 14 dage": "guarantee_missed",
    "andel inden for 14 dage": "guarantee_kept_share",
    "Behandlingsgaranti overskredet ved periodens udgang": "guarantee_overdue",
    "Samtykker tilbagekaldt": "consent_withdrawn", "Forsendelser": "sendings",
    "Modtagere": "recipients",
}


class Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.stack, self.errors, self.svgs, self.rows = [], [], 0, []
        self.head, self.row, self.text, self.periods = None, None, None, []

    def handle_starttag(self, tag, attrs):
        if tag == "svg":
            self.svgs += 1
        if tag in VOID:
            return
        self.stack.append(tag)
        if tag == "tr":
            self.row = []
        if tag in ("td", "th") and self.row is not None:
            self.text = ""

    def handle_startendtag(self, tag, attrs):
        if tag == "svg":
            self.svgs += 1

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:]}")
            return
        self.stack.pop()
        if tag in ("td", "th") and self.row is not None:
            self.row.append(self.text.strip())
            self.text = None
        if tag == "tr":
            if self.row and self.row[0] == "":
                self.periods = self.row[1:]
            elif self.row:
                self.rows.append((self.periods, self.row))
            self.row = None

    def handle_data(self, data):
        if self.text is not None:
            self.text += data


p = Page()
p.feed(open(sys.argv[1], encoding="utf-8").read())
p.close()
if p.errors or p.stack:
    sys.exit(f"not well formed: {p.errors[:3]} open {p.stack}")
if p.svgs != 3:
    sys.exit(f"{p.svgs} charts, not 3")
data = {o["period"]: o for o in json.load(open(sys.argv[2]))}


def value(s):
    if s == "\u2013":
        return None
    if s.endswith("\u00a0%"):
        return int(s[:-2])
    return float(s.replace(",", ".")) if "," in s else int(s)


seen = 0
for periods, row in p.rows:
    label, cells = row[0], row[1:]
    for period, cell in zip(periods, cells):
        o = data[period]
        if label.startswith("afsluttet til: "):
            to = label[len("afsluttet til: "):]
            to = None if to == "ikke angivet" else to
            want = sum(c["plans"] for c in o["closed_to"] if c["to"] == to)
        else:
            want = o[LABELS[label]]
            if label.startswith("andel") and want is not None:
                want = int(want * 100 + 0.5)
        if value(cell) != want:
            sys.exit(f"{period} {label}: page {cell!r}, JSON {want!r}")
        seen += 1
if seen < 8 * 20:
    sys.exit(f"only {seen} figures in the table")
print(seen)
EOF
out=$(python3 "$T/page.py" "$T/s.html" "$T/s.json" 2>&1); rc=$?
check "well formed, 3 charts, every figure of the table as in JSON ($out)" '[ $rc -eq 0 ]'
# The check can fail: a figure changed on the page is caught.
sed 's|<td>\([0-9][0-9]*\)</td>|<td>9\1</td>|' "$T/s.html" >"$T/bad.html"
python3 "$T/page.py" "$T/bad.html" "$T/s.json" >/dev/null 2>&1; rc=$?
check "a wrong figure on the page is caught" '[ $rc -ne 0 ]'

# --- Headless Chromium ------------------------------------------------
CHROMIUM=
for c in chromium chromium-browser google-chrome; do
	command -v "$c" >/dev/null 2>&1 && { CHROMIUM=$c; break; }
done
if [ -z "$CHROMIUM" ]; then
	echo "skipped: chromium not found (the screenshot and the print)"
	echo "$pass passed, $fail failed"
	[ "$fail" -eq 0 ]
	exit
fi
# chrome FILE ARGS...: Chromium on FILE, its log (console messages
# included) in $T/log.
chrome() {
	f=$1
	shift
	timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
		--disable-background-networking --no-first-run \
		--user-data-dir="$T/profile" --enable-logging=stderr --v=0 \
		"$@" "file://$f" >"$T/log" 2>&1
}
# console_errors: the console messages and page errors of $T/log.
console_errors() {
	grep -i 'CONSOLE\|Uncaught\|Failed to load\|net::ERR' "$T/log"
}
printf '<!DOCTYPE html><html><body><script>console.error("boom")</script></body></html>\n' >"$T/broken.html"
chrome "$T/broken.html" --screenshot="$T/broken.png"
check "the console check catches a console error" 'console_errors >/dev/null'
chrome "$T/s.html" --window-size=900,2400 --screenshot="$T/s.png"
check "no console error" '! console_errors'
cat >"$T/png.py" <<'EOF'
import struct, sys, zlib
# The share of pixels that are not white, from the PNG's own bytes.
b = open(sys.argv[1], "rb").read()
assert b[:8] == b"\x89PNG\r\n\x1a\n"
pos, idat, w, h = 8, b"", 0, 0
while pos < len(b):
    n, kind = struct.unpack(">I4s", b[pos:pos + 8])
    chunk = b[pos + 8:pos + 8 + n]
    if kind == b"IHDR":
        w, h, depth, color = struct.unpack(">IIBB", chunk[:10])
        assert depth == 8 and color in (2, 6), (depth, color)
        bpp = 3 if color == 2 else 4
    elif kind == b"IDAT":
        idat += chunk
    pos += 12 + n
raw, stride = zlib.decompress(idat), w * bpp
prev, ink = bytearray(stride), 0
for y in range(h):
    f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for i in range(stride):
        a = line[i - bpp] if i >= bpp else 0
        u, c = prev[i], prev[i - bpp] if i >= bpp else 0
        if f == 1: line[i] = (line[i] + a) & 255
        elif f == 2: line[i] = (line[i] + u) & 255
        elif f == 3: line[i] = (line[i] + (a + u) // 2) & 255
        elif f == 4:
            p = a + u - c
            pa, pb, pc = abs(p - a), abs(p - u), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else u if pb <= pc else c)) & 255
    for x in range(0, stride, bpp):
        if line[x] < 200 or line[x + 1] < 200 or line[x + 2] < 200:
            ink += 1
    prev = line
print(f"{w}x{h} {100 * ink / (w * h):.1f}")
EOF
shot=$(python3 "$T/png.py" "$T/s.png" 2>&1)
check "a screenshot 900 wide with ink on it ($shot)" \
	'case $shot in 900x2400\ *) awk -v s="${shot#* }" "BEGIN { exit !(s > 3 && s < 60) }" ;; *) false ;; esac'
chrome "$T/s.html" --no-pdf-header-footer --print-to-pdf="$T/s.pdf"
check "printed: no console error" '! console_errors'
check "printed on A4 (595 x 842 points)" \
	'pdfinfo "$T/s.pdf" | grep -q "^Page size: .*(A4)$"'
check "printed: the title and the table are there" \
	'pdftotext "$T/s.pdf" - | grep -q "Monitorering af koordinerende indsatsplaner" && pdftotext "$T/s.pdf" - | grep -q "Tal pr. periode"'
edge=$(pdftotext -bbox "$T/s.pdf" - | sed -n 's/.*xMax="\([0-9.]*\)".*/\1/p' | sort -n | tail -n 1)
check "printed: nothing past the right margin of A4 ($edge)" \
	'awk -v e="$edge" "BEGIN { exit !(e > 400 && e <= 595.3 - 39) }"'

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

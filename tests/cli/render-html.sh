#!/bin/sh
# render-html.sh: kiplan render to HTML (and PDF by extension): the
# document parses, is self-contained and inert whatever the fields hold,
# --redact leaks no CPR, invalid plans are refused, -o is atomic, the
# revision stamp matches git, and libcmark's quadratic inputs render in
# bounded time.
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

# check.py FILE: well-formed, no script, no event attribute, no request,
# no dangerous link.  Prints what is wrong; silent when all is well.
cat >"$tmp/check.py" <<'EOF'
import sys
from html.parser import HTMLParser
VOID = {'meta', 'col', 'br', 'hr', 'img', 'input', 'link', 'source'}
class P(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.bad = [], []
    def handle_starttag(self, tag, attrs):
        self.check(tag, attrs)
        if tag not in VOID:
            self.stack.append(tag)
    def handle_startendtag(self, tag, attrs):
        self.check(tag, attrs)
    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.bad.append('unbalanced </%s> at %s' % (tag, self.getpos()))
        else:
            self.stack.pop()
    def check(self, tag, attrs):
        if tag in ('script', 'img', 'iframe', 'object', 'embed', 'link',
                   'form', 'input', 'base', 'svg', 'math', 'video', 'audio'):
            self.bad.append('element <%s>' % tag)
        for k, v in attrs:
            v = (v or '').strip().lower()
            if k.startswith('on'):
                self.bad.append('event attribute %s' % k)
            if k in ('src', 'srcset', 'action', 'formaction', 'background',
                     'poster', 'data'):
                self.bad.append('fetching attribute %s' % k)
            if k == 'href':
                s = ''.join(c for c in v if c > ' ')
                if not (s.startswith('http:') or s.startswith('https:') or
                        s.startswith('mailto:') or s.startswith('#')):
                    self.bad.append('href %r' % v)
            if k == 'style' and ('url(' in v or 'expression' in v):
                self.bad.append('style %r' % v)
    def handle_data(self, data):
        if self.stack and self.stack[-1] == 'style' and (
                'url(' in data or '@import' in data):
            self.bad.append('style sheet fetches')
p = P()
text = open(sys.argv[1], encoding='utf-8').read()
p.feed(text)
p.close()
if p.stack:
    p.bad.append('unclosed %s' % p.stack)
if not text.startswith('<!DOCTYPE html>\n<html lang="da">'):
    p.bad.append('no doctype or lang="da"')
for b in p.bad[:10]:
    print(b)
EOF
html_ok() {
	r=$(python3 "$tmp/check.py" "$1")
	if [ -z "$r" ]; then ok; else bad "$2: $r"; fi
}

# 1. The guideline's example.
cp "$ROOT/examples/bilag2.md" "$tmp/ki-2014-0001.md"
"$KIPLAN" render "$tmp/ki-2014-0001.md" >"$tmp/b.html" 2>"$tmp/err" && ok ||
	{ bad "render bilag2"; cat "$tmp/err"; }
html_ok "$tmp/b.html" bilag2
grep -q '<title>Koordinerende indsatsplan ki-2014-0001 – Michael Lykke Sørensen (Ikke afsendt)</title>' "$tmp/b.html" && ok || bad "title"
for h in '<h2>1. Stamoplysninger</h2>' \
	'<h2>2. Afdækning af status, mål og indsatser i eksisterende planer</h2>' \
	'<h2>3. Identifikation af primære og/eller akutte udfordringer</h2>' \
	'<h2>4. Fælles mål og prioritering</h2>' '<h2>5. Opfølgning</h2>' \
	'<h2>Noter</h2>' '☒ Ja ☐ Nej' 'Ikke afsendt' \
	'Opfølgende møde afholdes den <strong>1. oktober 2014</strong>' \
	'<th scope="row" class="label" rowspan="3">' '<th scope="col" class="head">' \
	'Der skal min. være én afkrydsning i den øverste del.' 'Mål 3: Kontakt til Jobcenter'; do
	grep -qF "$h" "$tmp/b.html" && ok || bad "bilag2 lacks $h"
done
[ "$(grep -c 'rowspan="3"' "$tmp/b.html")" -eq 8 ] && ok || bad "not eight plan groups"

# 2. Hostile fields and body, rendered with --force.
cat >"$tmp/ki-2014-0002.md" <<'EOF'
---
kiplan: 1
id: ki-2014-0002
status: aktiv
borger:
  navn: "Jens \"><script>alert(1)</script>"
  adresse: "' onmouseover='alert(1)"
  cpr: "010174-1235"
planer:
  - type: alkohol
    status: |
      <script>alert(1)</script> <img src=x onerror=alert(1)>
      [a](javascript:alert(1)) [b](JAVASCRIPT:alert(1)) [c](data:text/html;base64,PHNjcmlwdD4=)
      [d](vbscript:x) [e](file:///etc/passwd) [f](java&#9;script:alert(1)) ![g](http://evil.example/t.png)
      <a href="javascript:alert(1)">h</a> <https://ok.example/> [i]: javascript:x
    maal: "[x][y]\n\n[y]: javascript:alert(1) \"t\\\"onclick=alert(1)\""
udfordringer:
  - "<iframe src=//evil.example></iframe>"
  - "`<script>`  <style>@import url(//evil.example)</style>"
maal:
  - titel: "<svg onload=alert(1)>"
    indsatser:
      - opgave: "<div style=\"background:url(//evil.example)\">x</div>"
---
<script>alert(1)</script>

<IMG SRC="javascript:alert(1)">

[link](  javascript:alert(1) ) <a href='x' onclick='y'>z</a>

![](data:image/png;base64,AAAA)
EOF
"$KIPLAN" render "$tmp/ki-2014-0002.md" >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] && ok || bad "hostile plan without --force: exit not 1"
grep -q 'ki-2014-0002.md:[0-9]*:[0-9]*: error:' "$tmp/err" && ok || bad "findings not on stderr"
"$KIPLAN" render --force "$tmp/ki-2014-0002.md" >"$tmp/h.html" 2>"$tmp/err" && ok ||
	{ bad "render --force hostile"; cat "$tmp/err"; }
html_ok "$tmp/h.html" hostile
grep -q 'UGYLDIG PLAN' "$tmp/h.html" && ok || bad "invalid plan not marked"
grep -qi '<script' "$tmp/h.html" && bad "script element" || ok
grep -qF '&lt;script&gt;alert(1)&lt;/script&gt;' "$tmp/h.html" && ok || bad "script not shown as text"
grep -qF 'href="https://ok.example/"' "$tmp/h.html" && ok || bad "safe autolink lost"
grep -qiE 'href="[^"]*(javascript|data:|vbscript|file:)' "$tmp/h.html" && bad "dangerous href" || ok

# 3. --redact: no CPR's last four, no telephone number.
"$KIPLAN" render --redact "$tmp/ki-2014-0001.md" >"$tmp/r.html" && ok || bad "render --redact"
grep -q '140973-xxxx' "$tmp/r.html" && ok || bad "masked CPR missing"
grep -q '1879' "$tmp/r.html" && bad "CPR's last four leak" || ok
grep -qE '[0-9]{2} [0-9]{2} [0-9]{2} [0-9]{2}' "$tmp/r.html" && bad "a phone number leaks" || ok

# 4. -o: atomic, private, format from the extension.
"$KIPLAN" render "$tmp/ki-2014-0001.md" -o "$tmp/out.html" && ok || bad "-o out.html"
cmp -s "$tmp/out.html" "$tmp/b.html" && ok || bad "-o differs from stdout"
[ "$(stat -c %a "$tmp/out.html")" = 600 ] && ok || bad "mode of -o file"
"$KIPLAN" render "$tmp/ki-2014-0001.md" -o "$tmp/out.pdf" && ok || bad "-o out.pdf"
head -c 5 "$tmp/out.pdf" | grep -q '%PDF-' && ok || bad "-o .pdf is not a PDF"
echo keep >"$tmp/keep.html"
"$KIPLAN" render "$tmp/ki-2014-0002.md" -o "$tmp/keep.html" 2>/dev/null
[ $? -eq 1 ] && [ "$(cat "$tmp/keep.html")" = keep ] && ok || bad "refused plan touched -o file"
"$KIPLAN" render "$tmp/ki-2014-0001.md" -o "$tmp/nodir/x.html" 2>/dev/null
[ $? -eq 3 ] && [ ! -e "$tmp/nodir" ] && ok || bad "-o into a missing directory"
ls "$tmp" | grep -q '\.tmp\|^\.' && bad "temporary file left" || ok
"$KIPLAN" render "$tmp/ki-2014-0001.md" -o "$tmp/x.txt" 2>/dev/null
[ $? -eq 2 ] && ok || bad "unknown extension is not a usage error"
"$KIPLAN" render --format rtf "$tmp/ki-2014-0001.md" 2>/dev/null
[ $? -eq 2 ] && ok || bad "--format rtf is not a usage error"
"$KIPLAN" render "$tmp/nosuch.md" 2>/dev/null
[ $? -eq 3 ] && ok || bad "missing plan is not exit 3"

# 5. The revision stamp in a plan repository, against git.
mkdir -p "$tmp/repo/.kiplan"
cp "$ROOT/schema/kiplan-1.schema.yaml" "$tmp/repo/.kiplan/schema.yaml"
cp "$tmp/ki-2014-0001.md" "$tmp/repo/"
(cd "$tmp/repo" && git init -q . && git add . &&
	git -c user.name=T -c user.email=t@example.dk commit -qm en) || bad "git"
short=$(cd "$tmp/repo" && git log -1 --format=%h)
(cd "$tmp/repo" && "$KIPLAN" render ki-2014-0001.md) >"$tmp/s.html"
grep -q "ki-2014-0001 · revision 1 · $short · " "$tmp/s.html" && ok || bad "stamp is not revision 1 $short"
# Committed but never sent: not a draft, and not sent either.
grep -q 'Kladde' "$tmp/s.html" && bad "committed plan marked as draft" || ok
grep -q '<strong class="state">Ikke afsendt</strong>' "$tmp/s.html" && ok || bad "unsent revision not marked"
echo "Ændret." >>"$tmp/repo/ki-2014-0001.md"
(cd "$tmp/repo" && "$KIPLAN" render ki-2014-0001.md) >"$tmp/s.html"
grep -q 'ændret efter revision 1 · <strong class="state">Ikke afsendt</strong>' "$tmp/s.html" && ok || bad "modified copy not marked"
(cd "$tmp/repo" && "$KIPLAN" render ki-2014-0001.md@1) >"$tmp/s.html"
grep -q "revision 1 · $short" "$tmp/s.html" && ok || bad "PLAN@1 stamp"

# 6. libcmark's quadratic inputs, 1 MiB plans: bounded time, inert.
gen() {
	python3 - "$1" "$2" "$3" <<'EOF'
import sys
unit, block, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
head = "---\nkiplan: 1\nid: ki-2014-0003\nstatus: kladde\nborger:\n  navn: A\n---\n"
body, n = [], 0
limit = 1024 * 1024 - len(head) - 16
while n < limit:
    chunk = (unit * (block // len(unit) + 1))[:block] if block else unit * (limit // len(unit))
    chunk = chunk[:limit - n]
    body.append(chunk)
    n += len(chunk) + 2
    if not block:
        break
open(out, 'w').write(head + '\n\n'.join(body))
EOF
}
for spec in '![[]()|0' '![[]()|8000' '*![[]()|1150' '*_|1900' 'a*|2000' \
	'[a](|8000' '**a*_b_|1100' '` |150' '>|0' '- |8000' '[|8000'; do
	unit=${spec%|*}
	block=${spec##*|}
	gen "$unit" "$block" "$tmp/ki-2014-0003.md"
	# Not a speed test (bench/ has those): a guard against the
	# quadratic time that libcmark takes on such input, which runs for
	# many minutes; linear work ends far within the CPU limit, even
	# under the sanitizers on a loaded machine.
	(ulimit -t 120; exec "$KIPLAN" render "$tmp/ki-2014-0003.md" -o "$tmp/q.html") 2>"$tmp/err"
	rc=$?
	[ $rc -ne 152 ] || bad "render '$unit' $block: over 120 s of CPU"
	[ $rc -eq 0 ] && ok || { bad "render '$unit' $block: exit $rc"; cat "$tmp/err"; }
	html_ok "$tmp/q.html" "quadratic '$unit'"
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

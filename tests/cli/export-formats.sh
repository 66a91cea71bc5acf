#!/bin/sh
# export-formats.sh: kiplan export read back by independent readers:
# Python's csv module in Excel's Danish dialect (';', a byte order mark,
# no cell that starts a formula), json for JSON lines and the FHIR bundle
# (one CarePlan per plan, every reference resolves); -o writes atomically
# and privately; in a repository every plan has its revision and commit.
set -u
KIPLAN=${KIPLAN:-build/kiplan}
PY=${PYTHON:-/usr/bin/python3}
ROOT=$(pwd)
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
export GIT_CONFIG_NOSYSTEM=1 HOME="$tmp" KIPLAN_TODAY=2020-06-01
unset KIPLAN_DIR
cd "$tmp" || exit 1
# Ids from 2030 on: no id of the generated plans is one of special/.
"$PY" "$ROOT/bench/gen-plans" --seed 11 --start 2030 120 plans
cp -r "$ROOT/tests/cases/export/plans.d" special
n=$(find plans special -name '*.md' | wc -l)

"$KIPLAN" export --excel plans special >x.csv
[ $? -eq 0 ] && ok || bad "csv: exit status"
"$PY" - x.csv "$n" <<'PYEOF' && ok || bad "csv: Danish Excel dialect"
import csv, sys
raw = open(sys.argv[1], "rb").read()
assert raw.startswith(b"\xef\xbb\xbf"), "no BOM"
assert raw.count(b"\r\n") == raw.count(b"\n"), "not CRLF"
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8-sig", newline=""),
                       delimiter=";"))
assert len(rows) == int(sys.argv[2]) + 1, len(rows)
assert rows[0][:3] == ["id", "status", "forloeb"], rows[0]
assert all(len(r) == len(rows[0]) for r in rows)
for r in rows:
    for cell in r:
        assert not cell or cell[0] not in "=+-@\t\r", ("formula cell", cell)
special = [r for r in rows if r[0] == "ki-2014-0302"][0]
assert special[3] == "'@SUM(1+1)", special
assert special[4] == "'+Psykiatrien, \"Vejle\"", special
PYEOF

"$KIPLAN" export --format csv plans special >y.csv
"$PY" -c "
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline='', encoding='utf-8')))
assert len(rows) == int(sys.argv[2]) + 1
assert not open(sys.argv[1], 'rb').read().startswith(b'\xef\xbb\xbf')" y.csv "$n" && ok || bad "csv: RFC 4180"
"$KIPLAN" export --excel --format json plans >/dev/null 2>&1
[ $? -eq 2 ] && ok || bad "--excel with json: usage"

"$KIPLAN" export --format fhir plans special >b.json
[ $? -eq 0 ] && ok || bad "fhir: exit status"
"$PY" - b.json "$n" <<'PYEOF' && ok || bad "fhir: bundle"
import json, sys, re
b = json.load(open(sys.argv[1]))
assert b["resourceType"] == "Bundle" and b["type"] == "collection"
kinds = [e["resource"]["resourceType"] for e in b["entry"]]
assert kinds.count("CarePlan") == int(sys.argv[2]), kinds.count("CarePlan")
assert kinds.count("Patient") == int(sys.argv[2])
urls = [e["fullUrl"] for e in b["entry"]]
assert len(set(urls)) == len(urls)
for e in b["entry"]:
    assert re.fullmatch(r"urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", e["fullUrl"])
    assert e["fullUrl"] == "urn:uuid:" + e["resource"]["id"]
refs = []
def walk(x):
    if isinstance(x, dict):
        for k, v in x.items():
            if k == "reference":
                refs.append(v)
            walk(v)
    elif isinstance(x, list):
        assert x, "empty array"
        for v in x:
            walk(v)
walk(b)
assert set(refs) <= set(urls), set(refs) - set(urls)
st = {e["resource"]["status"] for e in b["entry"] if e["resource"]["resourceType"] == "CarePlan"}
assert st <= {"draft", "active", "completed"}, st
cpr = [i for e in b["entry"] for i in e["resource"].get("identifier", [])
       if i["system"] == "urn:oid:1.2.208.176.1.2"]
assert len(cpr) == int(sys.argv[2]) and all(re.fullmatch(r"[0-9]{10}", i["value"]) for i in cpr)
PYEOF
"$KIPLAN" export --format fhir plans special >c.json
cmp -s b.json c.json && ok || bad "fhir: ids are not stable"
"$KIPLAN" export --format fhir --redact plans special >r.json
grep -q '1.2.208.176.1.2' r.json && bad "fhir --redact: CPR left" || ok
grep -q '"phone"' r.json && bad "fhir --redact: phone left" || ok

"$KIPLAN" export --format jsonl --redact plans special >l.jsonl
[ "$(wc -l <l.jsonl)" -eq "$n" ] && ok || bad "jsonl: one line per plan"
"$PY" -c "
import json, sys
for line in open(sys.argv[1]):
    p = json.loads(line)
    assert 'cpr' not in p.get('borger', {})
    def keys(x):
        if isinstance(x, dict):
            for k, v in x.items():
                yield k
                yield from keys(v)
        elif isinstance(x, list):
            for v in x:
                yield from keys(v)
    assert 'telefon' not in set(keys(p))
    assert p['body'] is not None and p['file'].endswith(p['id'] + '.md')" l.jsonl && ok || bad "jsonl --redact"
"$KIPLAN" export plans special >a.json
"$PY" -c "
import json, sys
a = json.load(open(sys.argv[1]))
assert len(a) == int(sys.argv[2])
s = [p for p in a if p['id'] == 'ki-2014-0302'][0]
assert s['koordinator']['navn'] == '@SUM(1+1)'          # JSON keeps the value
assert s['borger']['cpr'] == '010174-1235'" a.json "$n" && ok || bad "json array"

# -o: atomic, private, and an unreadable plan leaves the old file alone.
echo old >out.json
chmod 644 out.json
"$KIPLAN" export -o out.json plans
[ $? -eq 0 ] && ok || bad "-o: exit status"
cmp -s out.json a.json 2>/dev/null || "$PY" -c "import json,sys; json.load(open(sys.argv[1]))" out.json && ok || bad "-o: content"
[ "$(stat -c %a out.json)" = 600 ] && ok || bad "-o: mode $(stat -c %a out.json)"
cp out.json before.json
"$KIPLAN" export -o out.json plans nosuch.md 2>err
[ $? -eq 3 ] && ok || bad "-o with a missing plan: exit 3"
cmp -s out.json before.json && ok || bad "-o: the old file was changed"
[ -z "$(ls | grep 'out.json.tmp')" ] && ok || bad "-o: temporary file left"

# Invalid plans: exported, findings on stderr, exit 1; --valid-only leaves them out.
cp "$ROOT/tests/cases/export/ki-2014-0316.md" special/
"$KIPLAN" export --format jsonl special >v.jsonl 2>err
[ $? -eq 1 ] && ok || bad "invalid: exit 1"
grep -q '"id":"ki-2014-0316"' v.jsonl && ok || bad "invalid: not exported"
grep -q 'ki-2014-0316.md:[0-9]*:[0-9]*: error: samtykke' err && ok || bad "invalid: findings"
"$KIPLAN" export --format jsonl --valid-only special >v.jsonl 2>err
[ $? -eq 1 ] && ok || bad "--valid-only: exit 1"
grep -q '"id":"ki-2014-0316"' v.jsonl && bad "--valid-only: exported" || ok
[ "$(wc -l <v.jsonl)" -eq 2 ] && ok || bad "--valid-only: the valid plans"

# A repository: revision and commit from one walk of the history.
mkdir repo
KIPLAN_AUTHOR='T <t@example.dk>' "$KIPLAN" init repo >/dev/null || bad "kiplan init"
(cd repo && cp ../special/ki-2014-0001.md ../special/ki-2014-0302.md . &&
	git add -A && git -c user.name=T -c user.email=t@example.dk commit -q -m one &&
	sed 's/Stabilt fremmøde./Stabilt fremmøde hver uge./' ki-2014-0302.md >x && mv x ki-2014-0302.md &&
	git add -A && git -c user.name=T -c user.email=t@example.dk commit -q -m two &&
	echo "Ændret." >>ki-2014-0001.md) || bad "cannot make a repository"
(cd repo && "$KIPLAN" export --format jsonl >../repo.jsonl)
c1=$(git -C repo log -1 --format=%H -- ki-2014-0001.md)
c2=$(git -C repo log -1 --format=%H -- ki-2014-0302.md)
"$PY" - repo.jsonl "$c1" "$c2" <<'PYEOF' && ok || bad "repository: revision and commit"
import json, sys
p = {json.loads(l)["id"]: json.loads(l) for l in open(sys.argv[1])}
a, b = p["ki-2014-0001"], p["ki-2014-0302"]
assert (a["revision"], a["commit"], a["modified"]) == (1, sys.argv[2], True), a
assert (b["revision"], b["commit"], b["modified"]) == (2, sys.argv[3], False), b
PYEOF

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

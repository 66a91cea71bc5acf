#!/bin/sh
# identity.sh: identities across repositories (issue 10, item 7).  Each
# repository has a UUID; FHIR ids and iCalendar UIDs derive from it and
# the plan id, so two repositories' exports never collide; one CPR
# number is one Patient; two files with one plan id are an error; the
# transaction Bundle's conditional updates; and the FHIR output checked
# by an independent validator (@medplum/core, installed by make deps in
# tests/fhir/node_modules; skipped with a line when npm could not
# install it, unless KIPLAN_FHIR_VALIDATOR=required, as in CI).
set -u
KIPLAN=${KIPLAN:-build/kiplan}
case $KIPLAN in /*) ;; *) KIPLAN=$(pwd)/$KIPLAN ;; esac
ROOT=$(pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
export HOME="$T" GIT_CONFIG_NOSYSTEM=1 KIPLAN_TODAY=2014-09-25 LC_ALL=C
unset KIPLAN_DIR KIPLAN_AUTHOR GIT_DIR GIT_AUTHOR_DATE GIT_COMMITTER_DATE LANGUAGE
git config --global user.name "Anne Larsen"
git config --global user.email anne.larsen@example.dk
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
check() { if eval "$2"; then ok; else bad "$1"; fi; }
ids() { python3 -c 'import json,sys; [print(e["resource"]["resourceType"], e["resource"]["id"]) for e in json.load(open(sys.argv[1]))["entry"]]' "$1"; }
uuid_of() { sed -n 's/^	id = //p' "$1/.kiplan/config"; }

# Two repositories, each with a plan ki-2014-0001 for another citizen.
for r in a b; do
	"$KIPLAN" init "$T/$r" >/dev/null || bad "init $r"
	cp "$ROOT/examples/bilag2.md" "$T/$r/ki-2014-0001.md"
done
sed -i 's/^  cpr: .*/  cpr: "010203-1236"/; s/^  navn: Michael Lykke Sørensen$/  navn: Karen Due/' "$T/b/ki-2014-0001.md"
for r in a b; do (cd "$T/$r" && git add . && git commit -qm plan); done
check "each repository has its own UUID" '[ -n "$(uuid_of "$T/a")" ] && [ "$(uuid_of "$T/a")" != "$(uuid_of "$T/b")" ]'
(cd "$T/a" && "$KIPLAN" export --format fhir >"$T/a.json") || bad "export a"
(cd "$T/b" && "$KIPLAN" export --format fhir >"$T/b.json") || bad "export b"
ids "$T/a.json" | cut -d' ' -f2 | sort >"$T/a.ids"
ids "$T/b.json" | cut -d' ' -f2 | sort >"$T/b.ids"
check "two repositories, one plan id: no FHIR id in common" '[ -s "$T/a.ids" ] && [ -z "$(comm -12 "$T/a.ids" "$T/b.ids")" ]'
check "the CarePlan carries the plan id and a repository-wide identifier" 'grep -q "\"system\":\"urn:ietf:rfc:3986\",\"value\":\"urn:uuid:" "$T/a.json" && grep -q "\"value\":\"ki-2014-0001\"" "$T/a.json"'
(cd "$T/a" && "$KIPLAN" export --format fhir >"$T/a2.json")
check "ids are stable from export to export" 'cmp -s "$T/a.json" "$T/a2.json"'
(cd "$T/a" && "$KIPLAN" due --format ics --within 400 >"$T/a.ics")
(cd "$T/b" && "$KIPLAN" due --format ics --within 400 >"$T/b.ics")
grep '^UID:' "$T/a.ics" | sort >"$T/a.uids"
grep '^UID:' "$T/b.ics" | sort >"$T/b.uids"
check "iCalendar UIDs name the repository" '[ -s "$T/a.uids" ] && grep -q "@$(uuid_of "$T/a").kiplan" "$T/a.uids" && [ -z "$(comm -12 "$T/a.uids" "$T/b.uids")" ]'

# A clone exports the same ids; a repository made before kiplan.id has
# one derived from its first commit, the same on every clone.
git clone -q "$T/a" "$T/a-clone"
(cd "$T/a-clone" && "$KIPLAN" export --format fhir >"$T/ac.json")
check "a clone: the same ids" '[ "$(ids "$T/a.json")" = "$(ids "$T/ac.json")" ]'
for r in a a-clone; do (cd "$T/$r" && sed -i "/^	id = /d" .kiplan/config && git commit -qam "no id" && "$KIPLAN" export --format fhir >"$T/$r-old.json"); done
ids "$T/a-old.json" | cut -d' ' -f2 | sort >"$T/old.ids"
check "without kiplan.id: derived, the same on every clone, not the old one" '[ "$(ids "$T/a-old.json")" = "$(ids "$T/a-clone-old.json")" ] && [ -z "$(comm -12 "$T/a.ids" "$T/old.ids")" ]'

# One citizen with two plans: one Patient.
cd "$T/a" || exit 1
sed 's/^id: ki-2014-0001$/id: ki-2014-0002/' ki-2014-0001.md >ki-2014-0002.md
git add . && git commit -qm "second plan"
"$KIPLAN" export --format fhir >"$T/two.json"
check "one CPR number, one Patient" '[ "$(ids "$T/two.json" | grep -c "^Patient ")" -eq 1 ] && [ "$(ids "$T/two.json" | grep -c "^CarePlan ")" -eq 2 ]'
check "both CarePlans refer to that Patient" '[ "$(grep -o "\"subject\":{\"reference\":\"urn:uuid:[^\"]*\"}" "$T/two.json" | sort -u | wc -l)" -eq 1 ]'

# Two files with one plan id: an error, the second left out.
mkdir sub && sed 's/^  adresse: .*/  adresse: Et andet sted/' ki-2014-0002.md >sub/kopi.md
"$KIPLAN" export --format fhir ki-2014-0002.md sub/kopi.md >"$T/dup.json" 2>"$T/err"; rc=$?
check "two files, one plan id: exit 1 and a finding" '[ $rc -eq 1 ] && grep -q "^sub/kopi.md:3:5: error: id: the plan id ki-2014-0002 is also that of ki-2014-0002.md" "$T/err"'
check "two files, one plan id: only the first exported" '[ "$(ids "$T/dup.json" | grep -c "^CarePlan ")" -eq 1 ] && ! grep -q "Et andet sted" "$T/dup.json"'
"$KIPLAN" export --format json ki-2014-0002.md sub/kopi.md >/dev/null 2>&1; rc=$?
check "two files, one plan id: an error in every format" '[ $rc -eq 1 ]'
rm -r sub

# The transaction Bundle.
"$KIPLAN" export --format fhir --transaction >"$T/tx.json"; rc=$?
check "transaction: exit 0" '[ $rc -eq 0 ]'
python3 - "$T/tx.json" <<'PYEOF' && ok || bad "transaction: type, requests, conditional updates"
import json, sys
b = json.load(open(sys.argv[1]))
assert b["type"] == "transaction"
for e in b["entry"]:
    r, q = e["resource"], e["request"]
    assert q["method"] == "PUT", q
    if r["resourceType"] == "Patient":
        assert q["url"] == "Patient?identifier=urn:oid:1.2.208.176.1.2|1409731879", q
    elif r["resourceType"] == "CarePlan":
        assert q["url"] == "CarePlan?identifier=urn:ietf:rfc:3986|urn:uuid:" + r["id"], q
    else:
        assert q["url"] == r["resourceType"] + "/" + r["id"], q
PYEOF
"$KIPLAN" export --format fhir --transaction --redact >"$T/txr.json"
check "transaction --redact: no CPR number, the Patient by id" '! grep -q 1409731879 "$T/txr.json" && grep -q "\"url\":\"Patient/" "$T/txr.json"'
"$KIPLAN" export --format csv --transaction >/dev/null 2>&1; rc=$?
check "transaction: fhir only (exit 2)" '[ $rc -eq 2 ]'

# The independent validator.
V=$ROOT/tests/fhir
if [ -d "$V/node_modules/@medplum/core" ] && command -v node >/dev/null 2>&1; then
	node "$V/validate.mjs" "$T/a.json" "$T/two.json" "$T/tx.json" "$T/txr.json" >"$T/v" 2>&1; rc=$?
	check "FHIR: @medplum/core validates every resource" '[ $rc -eq 0 ] && grep -q "^ok " "$T/v"'
	[ $rc -eq 0 ] || cat "$T/v"
	python3 -c 'import json,sys; b=json.load(open(sys.argv[1])); b["entry"][0]["resource"]["bogus"]=1; json.dump(b,open(sys.argv[2],"w"))' "$T/a.json" "$T/broken.json"
	node "$V/validate.mjs" "$T/broken.json" >/dev/null 2>&1; rc=$?
	check "FHIR: the validator refuses a broken resource" '[ $rc -eq 1 ]'
elif [ "${KIPLAN_FHIR_VALIDATOR:-}" = required ]; then
	bad "FHIR validator: tests/fhir/node_modules/@medplum/core is missing (make deps installs it with npm)"
else
	echo "skip: FHIR validator (@medplum/core) not installed: make deps installs it with npm"
fi

cd "$ROOT" || exit 1
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

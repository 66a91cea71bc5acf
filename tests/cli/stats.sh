#!/bin/sh
# stats.sh: kiplan stats on a repository with a known history.  The
# history is made with the git CLI, each commit dated through
# GIT_AUTHOR_DATE and GIT_COMMITTER_DATE, and every figure of every
# quarter of 2024 is checked against the expectation worked out by hand
# below (python3 reads the JSON).  Then: a later commit leaves the past
# periods as they were, --by, --min-cell, months, CSV for Excel, the
# Danish text, privacy, and the overdue follow-ups against kiplan due on
# a checkout of the period's last day.
set -u
KIPLAN=${KIPLAN:-build/kiplan}
case $KIPLAN in /*) ;; *) KIPLAN=$(pwd)/$KIPLAN ;; esac
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
export HOME="$T" GIT_CONFIG_NOSYSTEM=1 KIPLAN_TODAY=2024-12-31
unset KIPLAN_DIR KIPLAN_AUTHOR GIT_AUTHOR_DATE GIT_COMMITTER_DATE GIT_DIR
git config --global user.name "Anne Larsen"
git config --global user.email anne.larsen@example.dk
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
check() { if eval "$2"; then ok; else bad "$1"; fi; }

R=$T/planer
"$KIPLAN" init "$R" >/dev/null || exit 1
cd "$R" || exit 1

# at DATE MESSAGE...: commit everything as it stands, dated DATE.
at() {
	d=$1
	shift
	git add -A
	GIT_AUTHOR_DATE=$d GIT_COMMITTER_DATE=$d git commit -q --allow-empty "$@"
}

# plan FILE ID STATUS ORG: the head of a plan; the caller appends.
plan() {
	mkdir -p "$(dirname "$1")"
	cat >"$1" <<EOF
---
kiplan: 1
id: $2
status: $3
borger:
  navn: Jens Hansen $2
  cpr: "010174-1235"
koordinator:
  navn: Anne Larsen
  organisation: $4
EOF
}

# --- The history ----------------------------------------------------
# P5, from 2023: active, follow-up 2024-02-01 (overdue at the end of
# Q1), closed in Q2 without saying to what.
plan ki-2023-0009.md ki-2023-0009 aktiv "Psykiatrien Vejle"
cat >>ki-2023-0009.md <<'EOF'
forloeb: parallel
samtykke: {givet: true, dato: 2023-09-20}
moede: {dato: 2023-10-01}
opfoelgning: {dato: 2024-02-01}
---
EOF
at 2023-10-02T10:00:00+02:00 -m "Opret ki-2023-0009"

# Not a plan: one version that cannot be read.
printf '# Planarkiv\n' >README.md
at 2024-01-02T09:00:00+01:00 -m "README"

# P1: a draft, made active and coordinated, sent, two follow-ups (the
# second recorded after its quarter), integrated, moved, closed.
plan ki-2024-0001.md ki-2024-0001 kladde "Psykiatrien Vejle"
cat >>ki-2024-0001.md <<'EOF'
samtykke: {givet: true, dato: 2024-01-05}
moede: {dato: 2024-01-25}
---
EOF
at 2024-01-10T10:00:00+01:00 -m "Opret ki-2024-0001"

plan ki-2024-0001.md ki-2024-0001 aktiv "Psykiatrien Vejle"
cat >>ki-2024-0001.md <<'EOF'
forloeb: koordineret
samtykke: {givet: true, dato: 2024-01-05}
moede: {dato: 2024-01-25}
opfoelgning: {dato: 2024-04-15}
---
EOF
at 2024-02-01T10:00:00+01:00 -m "Send indsatsplan ki-2024-0001, revision 2"
at 2024-02-02T10:00:00+01:00 -m "Send indsatsplan ki-2024-0001, revision 2" \
	-m "Plan-Id: ki-2024-0001
Revision: 2
Sendt-til: Jens Hansen ki-2024-0001
Sendt-til: Peter Holm <peter.holm@example.dk>
Sendt-til: Louise Madsen <louise.madsen@example.dk>"

# P2: made active at once, parallel, referred; treatment after 20 days.
plan ki-2024-0002.md ki-2024-0002 aktiv "Rusmiddelcenter Vejle"
cat >>ki-2024-0002.md <<'EOF'
forloeb: parallel
samtykke: {givet: true, dato: 2024-01-02}
moede: {dato: 2024-01-18}
henvisning: {dato: 2024-01-10}
---
EOF
at 2024-01-20T10:00:00+01:00 -m "Opret ki-2024-0002"
sed -i 's/^henvisning: .*/henvisning: {dato: 2024-01-10, behandling_start: 2024-01-30}/' ki-2024-0002.md
at 2024-02-10T10:00:00+01:00 -m "Behandling iværksat"

# P3: a draft with a referral, left past the guarantee in Q1.
plan ki-2024-0003.md ki-2024-0003 kladde "Psykiatrien Vejle"
cat >>ki-2024-0003.md <<'EOF'
samtykke: {givet: true, dato: 2024-03-10}
henvisning: {dato: 2024-03-01}
---
EOF
# Late on the last day of Q1 by its own clock (21:30 UTC).
at 2024-03-31T23:30:00+02:00 -m "Opret ki-2024-0003"

# P4: created early on 1 April by its own clock (31 March in UTC),
# referred in March, treated after 8 days, then deleted.
plan ki-2024-0004.md ki-2024-0004 kladde ""
cat >>ki-2024-0004.md <<'EOF'
samtykke: {givet: true, dato: 2024-03-20}
henvisning: {dato: 2024-03-28}
---
EOF
at 2024-04-01T00:30:00+02:00 -m "Opret ki-2024-0004"
sed -i 's/^henvisning: .*/henvisning: {dato: 2024-03-28, behandling_start: 2024-04-05}/' ki-2024-0004.md
at 2024-04-09T10:00:00+02:00 -m "Behandling iværksat"

sed -i 's/^henvisning: .*/henvisning: {dato: 2024-03-01, behandling_start: 2024-04-08}/' ki-2024-0003.md
at 2024-04-10T10:00:00+02:00 -m "Behandling iværksat"

# P1's first follow-up, on time.
plan ki-2024-0001.md ki-2024-0001 aktiv "Psykiatrien Vejle"
cat >>ki-2024-0001.md <<'EOF'
forloeb: koordineret
samtykke: {givet: true, dato: 2024-01-05}
moede: {dato: 2024-01-25}
moeder:
  - {dato: 2024-04-15, type: opfoelgning}
opfoelgning: {dato: 2024-10-15}
---
EOF
at 2024-04-20T10:00:00+02:00 -m "Opfølgning"

# P5 closed, to nothing given.
sed -i 's/^status: aktiv/status: afsluttet/; s/^opfoelgning: .*/afslutning: {dato: 2024-05-08}/' ki-2023-0009.md
at 2024-05-10T10:00:00+02:00 -m "Afslut ki-2023-0009"

# P3 made active, integrated.
plan ki-2024-0003.md ki-2024-0003 aktiv "Psykiatrien Vejle"
cat >>ki-2024-0003.md <<'EOF'
forloeb: integreret
samtykke: {givet: true, dato: 2024-03-10}
henvisning: {dato: 2024-03-01, behandling_start: 2024-04-08}
moede: {dato: 2024-05-15}
opfoelgning: {dato: 2024-08-15}
---
EOF
at 2024-05-20T10:00:00+02:00 -m "Aktiv"
git rm -q ki-2024-0004.md
at 2024-06-01T10:00:00+02:00 -m "Slet ki-2024-0004"

# A version of P3 that does not load, put right two days later.
cp ki-2024-0003.md "$T/p3"
printf -- '---\nstatus: [aktiv\n---\n' >ki-2024-0003.md
at 2024-06-10T10:00:00+02:00 -m "Fejl"
cp "$T/p3" ki-2024-0003.md
at 2024-06-12T10:00:00+02:00 -m "Rettet"

# P1's second follow-up, held in Q2, recorded in Q3; now integrated.
plan ki-2024-0001.md ki-2024-0001 aktiv "Psykiatrien Vejle"
cat >>ki-2024-0001.md <<'EOF'
forloeb: integreret
samtykke: {givet: true, dato: 2024-01-05}
moede: {dato: 2024-01-25}
moeder:
  - {dato: 2024-04-15, type: opfoelgning}
  - {dato: 2024-06-28, type: opfoelgning}
opfoelgning: {dato: 2024-10-15}
---
EOF
at 2024-07-03T10:00:00+02:00 -m "Opfølgning"

# P1 moved: still one plan.
mkdir -p arkiv
git mv ki-2024-0001.md arkiv/ki-2024-0001.md
at 2024-08-01T10:00:00+02:00 -m "Flyt"

# P2's follow-up, six months and more after its first meeting.
sed -i 's/^henvisning: \(.*\)/henvisning: \1\nmoeder: [{dato: 2024-10-05}]/' ki-2024-0002.md
at 2024-10-10T10:00:00+02:00 -m "Opfølgning"

# P1 closed to the GP, with a closing meeting (not a follow-up).
plan arkiv/ki-2024-0001.md ki-2024-0001 afsluttet "Psykiatrien Vejle"
cat >>arkiv/ki-2024-0001.md <<'EOF'
forloeb: integreret
samtykke: {givet: true, dato: 2024-01-05}
moede: {dato: 2024-01-25}
moeder:
  - {dato: 2024-04-15, type: opfoelgning}
  - {dato: 2024-06-28, type: opfoelgning}
  - {dato: 2024-11-01, type: afslutning}
afslutning: {dato: 2024-11-01, aarsag: Færdigbehandlet, til: Egen læge}
---
EOF
at 2024-11-05T10:00:00+01:00 -m "Afslut ki-2024-0001"

# P2: consent withdrawn; still active.
sed -i 's/^samtykke: {givet: true, dato: 2024-01-02}/samtykke: {givet: true, dato: 2024-01-02, tilbagekaldt: 2024-11-28}/' ki-2024-0002.md
at 2024-12-01T10:00:00+01:00 -m "Samtykke tilbagekaldt"

# --- Every figure of every quarter -----------------------------------
"$KIPLAN" stats --from 2024-01-01 --to 2024-12-31 --format json >"$T/q.json" 2>"$T/q.err"
rc=$?
check "stats exit 0" '[ $rc -eq 0 ]'
check "the README and the broken version are said to be left out" \
	'grep -q "^kiplan: 2 versions of files in the history could not be read as plans" "$T/q.err"'

# The expectations, worked out by hand from the history above.
cat >"$T/expect.py" <<'EOF'
import json, sys
got = json.load(open(sys.argv[1]))
none = {"parallel": 0, "koordineret": 0, "integreret": 0}
def trans(**kw):
    t = {"ingen": dict(none), "parallel": {"koordineret": 0, "integreret": 0},
         "koordineret": {"parallel": 0, "integreret": 0},
         "integreret": {"parallel": 0, "koordineret": 0}}
    for k, v in kw.items():
        a, b = k.split("_")
        t[a][b] = v
    return t
expect = [
    # Q1: P1, P2, P3 created; P1 and P2 made active (consent to meeting
    # 20 and 16 days: median 18); P1, P2, P5 active; P3 a draft; P5's
    # follow-up (2024-02-01) overdue; P2 and P3 referred, P2 treated
    # after 20 days (too late); P3's guarantee (2024-03-15) overdue;
    # P1 and P2 given a forløb; one sending to three recipients.
    {"period": "2024-Q1", "from": "2024-01-01", "to": "2024-03-31",
     "group": None, "created": 3, "activated": 2, "closed": 0,
     "closed_to": [], "active": 3, "drafts": 1,
     "followups_on_time": 0, "followups_late": 0,
     "followups_on_time_share": None, "overdue": 1,
     "consent_to_meeting_days": 18, "consent_to_meeting_plans": 2,
     "referrals": 2, "treatment_started": 1,
     "referral_to_treatment_days": 20, "referral_to_treatment_plans": 1,
     "guarantee_kept": 0, "guarantee_missed": 1,
     "guarantee_kept_share": 0, "guarantee_overdue": 1,
     "transitions": trans(ingen_koordineret=1, ingen_parallel=1),
     "consent_withdrawn": 0, "sendings": 1, "recipients": 3},
    # Q2: P4 created (1 April on its clock) and referred (recorded after
    # the referral: counts when recorded); P3 made active (66 days);
    # P5 closed; P1's follow-up on time; P3 (38 days) and P4 (8 days)
    # treated: median 23, one kept; P3 integrated; P4 deleted.
    {"period": "2024-Q2", "from": "2024-04-01", "to": "2024-06-30",
     "group": None, "created": 1, "activated": 1, "closed": 1,
     "closed_to": [{"to": None, "plans": 1}], "active": 3, "drafts": 0,
     "followups_on_time": 1, "followups_late": 0,
     "followups_on_time_share": 1, "overdue": 0,
     "consent_to_meeting_days": 66, "consent_to_meeting_plans": 1,
     "referrals": 1, "treatment_started": 2,
     "referral_to_treatment_days": 23, "referral_to_treatment_plans": 2,
     "guarantee_kept": 1, "guarantee_missed": 1,
     "guarantee_kept_share": 0.5, "guarantee_overdue": 0,
     "transitions": trans(ingen_integreret=1),
     "consent_withdrawn": 0, "sendings": 0, "recipients": 0},
    # Q3: P1's follow-up of 28 June, recorded 3 July, counts here, on
    # time; P1 coordinated to integrated; P2 (inferred 2024-07-18) and
    # P3 (2024-08-15) overdue.
    {"period": "2024-Q3", "from": "2024-07-01", "to": "2024-09-30",
     "group": None, "created": 0, "activated": 0, "closed": 0,
     "closed_to": [], "active": 3, "drafts": 0,
     "followups_on_time": 1, "followups_late": 0,
     "followups_on_time_share": 1, "overdue": 2,
     "consent_to_meeting_days": None, "consent_to_meeting_plans": 0,
     "referrals": 0, "treatment_started": 0,
     "referral_to_treatment_days": None, "referral_to_treatment_plans": 0,
     "guarantee_kept": 0, "guarantee_missed": 0,
     "guarantee_kept_share": None, "guarantee_overdue": 0,
     "transitions": trans(koordineret_integreret=1),
     "consent_withdrawn": 0, "sendings": 0, "recipients": 0},
    # Q4: P2's follow-up late (more than six months after 2024-01-18);
    # P1 closed to the GP (its closing meeting is no follow-up); P2's
    # consent withdrawn (still active, nothing due); P3 overdue.
    {"period": "2024-Q4", "from": "2024-10-01", "to": "2024-12-31",
     "group": None, "created": 0, "activated": 0, "closed": 1,
     "closed_to": [{"to": "Egen læge", "plans": 1}], "active": 2,
     "drafts": 0, "followups_on_time": 0, "followups_late": 1,
     "followups_on_time_share": 0, "overdue": 1,
     "consent_to_meeting_days": None, "consent_to_meeting_plans": 0,
     "referrals": 0, "treatment_started": 0,
     "referral_to_treatment_days": None, "referral_to_treatment_plans": 0,
     "guarantee_kept": 0, "guarantee_missed": 0,
     "guarantee_kept_share": None, "guarantee_overdue": 0,
     "transitions": trans(),
     "consent_withdrawn": 1, "sendings": 0, "recipients": 0},
]
bad = 0
if len(got) != len(expect):
    print("FAIL: %d periods, expected %d" % (len(got), len(expect)))
    sys.exit(1)
for g, e in zip(got, expect):
    if set(g) != set(e):
        print("FAIL: %s keys differ: %s" % (e["period"], sorted(set(g) ^ set(e))))
        bad += 1
    for k in e:
        if g.get(k) != e[k]:
            print("FAIL: %s %s = %r, expected %r" % (e["period"], k, g.get(k), e[k]))
            bad += 1
print("%d figures checked, %d wrong" % (sum(len(e) for e in expect), bad))
sys.exit(1 if bad else 0)
EOF
out=$(python3 "$T/expect.py" "$T/q.json"); rc=$?
[ $rc -eq 0 ] || printf '%s\n' "$out"
check "every figure of 2024 as worked out by hand" '[ $rc -eq 0 ]'

# --- Past periods stay as they were ------------------------------------
# In 2025 a meeting of May 2024 is added to P3: it counts in 2025-Q1,
# when it was recorded, and 2024 is unchanged.
sed -i 's/^opfoelgning: .*/moeder: [{dato: 2024-05-30}]\nopfoelgning: {dato: 2025-04-30}/' ki-2024-0003.md
at 2025-01-15T10:00:00+01:00 -m "Opfølgning registreret"
"$KIPLAN" stats --from 2024-01-01 --to 2025-03-31 --format json >"$T/q2.json" 2>/dev/null
check "2024 unchanged by a later commit" \
	'python3 -c "import json,sys; a=json.load(open(sys.argv[1])); b=json.load(open(sys.argv[2]))[:4]; sys.exit(a!=b)" "$T/q.json" "$T/q2.json"'
check "the late record counts in 2025-Q1, on time" \
	'python3 -c "import json,sys; q=json.load(open(sys.argv[1]))[4]; sys.exit(not (q[\"period\"]==\"2025-Q1\" and q[\"followups_on_time\"]==1 and q[\"overdue\"]==0))" "$T/q2.json"'

# --- Overdue as kiplan due sees it, on a checkout of 2024-09-30 --------
c=$(git rev-list -1 --first-parent --before=2024-09-30T23:59:59+02:00 HEAD)
git worktree add -q "$T/q3" "$c" 2>/dev/null
n=$(cd "$T/q3" && "$KIPLAN" due --today 2024-09-30 --overdue --format json 2>/dev/null |
	python3 -c "import json,sys; print(sum(1 for i in json.load(sys.stdin) if i['kind']=='opfoelgning'))")
check "overdue at the end of Q3 is what due says that day (2)" '[ "$n" = 2 ]'
git worktree remove --force "$T/q3"

# --- By organisation ---------------------------------------------------
"$KIPLAN" stats --from 2024-01-01 --to 2024-03-31 --by organisation --format json >"$T/by.json" 2>/dev/null
check "by organisation: groups by name, then the one not given" \
	'python3 -c "import json,sys; g=[o[\"group\"] for o in json.load(open(sys.argv[1]))]; sys.exit(g!=[\"Psykiatrien Vejle\",\"Rusmiddelcenter Vejle\"])" "$T/by.json"'
check "by organisation: Q1 active 2 + 1" \
	'python3 -c "import json,sys; a=[o[\"active\"] for o in json.load(open(sys.argv[1]))]; sys.exit(a!=[2,1])" "$T/by.json"'
"$KIPLAN" stats --from 2024-04-01 --to 2024-06-30 --by organisation --format json >"$T/by2.json" 2>/dev/null
check "by organisation: P4, without one, in the last group (null)" \
	'python3 -c "import json,sys; o=json.load(open(sys.argv[1])); sys.exit(not (o[-1][\"group\"] is None and o[-1][\"created\"]==1 and o[-1][\"guarantee_kept\"]==1))" "$T/by2.json"'
"$KIPLAN" stats --from 2024-01-01 --to 2024-12-31 --by forloeb --format json >"$T/fl.json" 2>/dev/null
check "by forløb: Q4 active are integreret (P3) and parallel (P2)" \
	'python3 -c "import json,sys; o=json.load(open(sys.argv[1])); d={(x[\"group\"],x[\"period\"]):x[\"active\"] for x in o}; sys.exit(not (d[(\"integreret\",\"2024-Q4\")]==1 and d[(\"parallel\",\"2024-Q4\")]==1 and d[(\"koordineret\",\"2024-Q1\")]==1))" "$T/fl.json"'

# --- --min-cell --------------------------------------------------------
"$KIPLAN" stats --from 2024-01-01 --to 2024-03-31 --min-cell 2 --format json >"$T/min.json" 2>/dev/null
check "--min-cell 2: 3 created shown, 1 treated hidden, 0 shown" \
	'python3 -c "import json,sys; q=json.load(open(sys.argv[1]))[0]; sys.exit(not (q[\"created\"]==3 and q[\"treatment_started\"] is None and q[\"closed\"]==0 and q[\"referral_to_treatment_days\"] is None and q[\"consent_to_meeting_days\"]==18))" "$T/min.json"'
check "--min-cell 2: a sending to 3 of one plan is hidden, with its recipients" \
	'python3 -c "import json,sys; q=json.load(open(sys.argv[1]))[0]; sys.exit(not (q[\"sendings\"] is None and q[\"recipients\"] is None))" "$T/min.json"'
out=$("$KIPLAN" stats --from 2024-01-01 --to 2024-03-31 --min-cell 2 2>/dev/null)
check "--min-cell 2 in text: <2" 'printf "%s\n" "$out" | grep -q "^  treatments begun  *<2$"'

# --- Months --------------------------------------------------------------
"$KIPLAN" stats --from 2024-01-01 --to 2024-12-31 --period month --format json >"$T/m.json" 2>/dev/null
check "months: 12, July has P1's follow-up, April P4 and P3's treatment" \
	'python3 -c "import json,sys; o=json.load(open(sys.argv[1])); sys.exit(not (len(o)==12 and o[6][\"followups_on_time\"]==1 and o[3][\"created\"]==1 and o[3][\"treatment_started\"]==2))" "$T/m.json"'
"$KIPLAN" stats --from 2024-02-15 --to 2024-12-31 --period year --format json >"$T/y.json" 2>/dev/null
check "a year from --from: one period from 2024-02-15, P3 and P4 created" \
	'python3 -c "import json,sys; o=json.load(open(sys.argv[1])); sys.exit(not (len(o)==1 and o[0][\"from\"]==\"2024-02-15\" and o[0][\"created\"]==2 and o[0][\"closed\"]==2))" "$T/y.json"'

# --- CSV for Danish Excel ------------------------------------------------
"$KIPLAN" stats --from 2024-01-01 --to 2024-12-31 --format csv -o "$T/q.csv" 2>/dev/null
check "CSV file private" '[ "$(stat -c %a "$T/q.csv")" = 600 ]'
check "CSV: byte order mark, ';', CRLF" \
	'head -c 3 "$T/q.csv" | od -An -tx1 | grep -q "ef bb bf" && head -n 1 "$T/q.csv" | grep -q "^.period;from;to;group;created" && [ "$(grep -c "$(printf "\r")\$" "$T/q.csv")" = 5 ]'
check "CSV: decimal comma, a column per destination" \
	'python3 -c "
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding=\"utf-8-sig\", newline=\"\"), delimiter=\";\"))
q2, q4 = rows[1], rows[3]
sys.exit(not (q2[\"guarantee_kept_share\"] == \"0,5\" and q4[\"closed_to:Egen læge\"] == \"1\" and q2[\"closed_to:\"] == \"1\" and q2[\"transition:ingen>integreret\"] == \"1\" and q2[\"referral_to_treatment_days\"] == \"23\"))
" "$T/q.csv"'

# --- Privacy -------------------------------------------------------------
for f in text json csv html; do
	"$KIPLAN" stats --from 2024-01-01 --format $f >"$T/all.$f" 2>/dev/null
done
check "no citizen's name or CPR number in any format" \
	'! grep -l "Jens Hansen\|010174\|Peter Holm\|peter.holm" "$T"/all.* >/dev/null'

# --- Danish, and the same machine formats in every language ----------
da=$(LC_ALL=da_DK.UTF-8 "$KIPLAN" stats --from 2024-01-01 --to 2024-03-31 2>&1)
check "Danish text" 'printf "%s\n" "$da" | grep -q "^  oprettede planer  *3$"'
check "Danish warning" 'printf "%s\n" "$da" | grep -q "kunne ikke læses som planer"'
LC_ALL=da_DK.UTF-8 "$KIPLAN" stats --from 2024-01-01 --to 2024-12-31 --format json >"$T/da.json" 2>/dev/null
LC_ALL=da_DK.UTF-8 "$KIPLAN" stats --from 2024-01-01 --to 2024-12-31 --format csv >"$T/da.csv" 2>/dev/null
"$KIPLAN" stats --from 2024-01-01 --to 2024-12-31 --format csv >"$T/en.csv" 2>/dev/null
check "JSON the same in Danish" 'cmp -s "$T/q.json" "$T/da.json"'
check "CSV the same in Danish" 'cmp -s "$T/en.csv" "$T/da.csv"'

# --- Usage ---------------------------------------------------------------
"$KIPLAN" stats --from 2024-05-01 --to 2024-04-01 >/dev/null 2>&1; rc=$?
check "--from after --to: exit 2" '[ $rc -eq 2 ]'
"$KIPLAN" stats --period week >/dev/null 2>&1; rc=$?
check "--period week: exit 2" '[ $rc -eq 2 ]'
"$KIPLAN" stats --min-cell 0 >/dev/null 2>&1; rc=$?
check "--min-cell 0: exit 2" '[ $rc -eq 2 ]'
(cd "$T" && "$KIPLAN" stats >/dev/null 2>&1); rc=$?
check "outside a plan repository: exit 3" '[ $rc -eq 3 ]'

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

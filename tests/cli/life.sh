#!/bin/sh
# life.sh: a plan over time, from the shell only, as a coordinator would
# run it: a draft made active with kiplan set, sent, two follow-up
# meetings, an action done, a participant who joins, a closing, and each
# sending.  Checked at every step, with git, python3 and pdftotext as
# independent clients: every revision validates; due lists exactly the
# open items of the latest meeting; log shows the meetings; diff and the
# cover letters say what changed; the documents say whether they are a
# draft, sent, unsent or closed; FHIR and the CSV agree with the plan;
# plans of the earlier format still load; the new commands speak Danish
# and have their help.
set -u
KIPLAN=${KIPLAN:-build/kiplan}
case $KIPLAN in /*) ;; *) KIPLAN=$(pwd)/$KIPLAN ;; esac
ROOT=$(pwd)
T=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT INT TERM
export HOME="$T" GIT_CONFIG_NOSYSTEM=1
unset KIPLAN_DIR KIPLAN_AUTHOR GIT_DIR VISUAL EDITOR
git config --global user.name "Anne Larsen"
git config --global user.email anne.larsen@example.dk
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
check() { if eval "$2"; then ok; else bad "$1"; fi; }
# Each step happens on its day, at 10:00.
day() {
	KIPLAN_TODAY=$1
	GIT_AUTHOR_DATE="$1T10:00:00+02:00"
	GIT_COMMITTER_DATE="$1T10:00:00+02:00"
	export KIPLAN_TODAY GIT_AUTHOR_DATE GIT_COMMITTER_DATE
}
# A python3 check on a JSON file: py FILE 'expression over d'.
py() {
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if eval(sys.argv[2]) else 1)' "$1" "$2"
}
P=ki-2014-0001.md
# Every page of a PDF shows text.
every_page() {
	n=$(pdfinfo "$1" 2>/dev/null | sed -n 's/^Pages: *//p')
	i=1
	while [ "$i" -le "${n:-0}" ]; do
		pdftotext -f "$i" -l "$i" "$1" - 2>/dev/null | grep -qF "$2" || return 1
		i=$((i + 1))
	done
	[ "${n:-0}" -gt 0 ]
}
# The due items as "kind date text" lines, sorted.
due_items() {
	"$KIPLAN" due --no-cache --within 400 --format json >"$T/due.json" 2>"$T/due.err"
	python3 -c 'import json; [print(i["kind"], i["date"], i.get("action", "")) for i in json.load(open("'"$T/due.json"'"))]' | sort
}

R=$T/planer
day 2014-04-20
"$KIPLAN" init "$R" >/dev/null || bad "init"
cd "$R" || exit 1

# --- a draft ----------------------------------------------------------
cat >"$T/borger.json" <<'EOF'
{"borger": {"navn": "Michael Lykke Sørensen", "cpr": "140973-1879",
            "adresse": "Vestergade 23, 7100 Vejle"},
 "samtykke": {"givet": true, "dato": "2014-04-20", "givet_af": "borger"},
 "koordinator": {"navn": "Anne Larsen", "stilling": "Forløbskoordinator",
                 "email": "anne.larsen@example.dk"},
 "deltagere": [
   {"navn": "Peter Holm", "rolle": "psykiatri", "email": "peter.holm@example.dk"},
   {"navn": "Louise Madsen", "rolle": "rusmiddel", "email": "louise.madsen@example.dk"}]}
EOF
out=$("$KIPLAN" new --from "$T/borger.json")
check "new draft" '[ "$out" = "$P" ]'
"$KIPLAN" render "$P" -o "$T/draft.pdf"
check "a draft says Kladde on every page" 'every_page "$T/draft.pdf" Kladde'
check "a draft's title says Kladde" 'pdfinfo "$T/draft.pdf" | grep -q "^Title:.*(Kladde)$"'

# --- the coordination meeting: made active from the shell ---------------
day 2014-05-01
"$KIPLAN" set "$P" status=aktiv godkendt_af_borger=true \
	grundlag.psykiatri=true grundlag.behov_rusmiddelbehandling=true \
	moede.dato=2014-05-01 moede.form=fysisk \
	udfordringer.0="Støtte til stabilt fremmøde i den ambulante psykiatri." \
	maal.0.titel="Fastholdelse i psykiatrisk behandling" \
	maal.0.indsatser.0.opgave="Samtaler hver 14. dag" \
	maal.0.indsatser.0.succeskriterier="Ni ud af ti samtaler" \
	maal.0.indsatser.0.ansvarlig="Distriktspsykiatrien" \
	maal.0.indsatser.0.frist=2014-10-01 \
	maal.1.titel="Kontakt til jobcenter" \
	maal.1.indsatser.0.opgave="Jobplan under hensyn til lidelsen" \
	maal.1.indsatser.0.succeskriterier="En jobplan" \
	maal.1.indsatser.0.ansvarlig="Jobcenter Vejle" \
	maal.1.indsatser.0.frist=2014-12-01 \
	opfoelgning.dato=2014-10-01 >"$T/out" 2>"$T/err"
check "set makes the plan active (revision 2)" 'grep -q "revision 2 " "$T/out" && [ ! -s "$T/err" ]'
check "set kept the template's comments" 'grep -q "^# 1. Stamoplysninger" "$P"'
check "set: git sees the working file clean" '[ -z "$(git status --porcelain)" ]'
"$KIPLAN" render "$P" -o "$T/unsent.pdf"
check "committed, never sent: Ikke afsendt on every page" 'every_page "$T/unsent.pdf" "Ikke afsendt"'
check "committed, never sent: not Kladde" '! pdftotext "$T/unsent.pdf" - | grep -q Kladde'

day 2014-05-02
"$KIPLAN" send "$P" -m "Aftalt på koordinationsmødet." >"$T/out"
check "send revision 2" 'grep -q "revision 2 " "$T/out"'
check "sent: Sendt 2. maj 2014 on every page" 'every_page outbox/ki-2014-0001-r2.pdf "Sendt 2. maj 2014"'
check "sent: the HTML's title" 'grep -q "<title>.*(Sendt 2. maj 2014)</title>" outbox/ki-2014-0001-r2.html'
check "first letter: the plan whole" 'grep -q "Første forsendelse" outbox/ki-2014-0001-r2-foelgebrev.txt'
check "first letter names every recipient" 'grep -q "^- Peter Holm <peter.holm@example.dk>$" outbox/ki-2014-0001-r2-foelgebrev.txt && grep -q "^- Michael Lykke Sørensen$" outbox/ki-2014-0001-r2-foelgebrev.txt'
"$KIPLAN" render "$P" -o "$T/sent.pdf"
check "the working copy of a sent revision says Sendt" 'every_page "$T/sent.pdf" "Sendt 2. maj 2014"'

# --- between meetings: an action started ------------------------------
day 2014-06-15
"$KIPLAN" set "$P" maal.0.indsatser.0.status=paabegyndt >/dev/null
check "state set with its date" 'grep -q "^        status_dato: 2014-06-15$" "$P"'
"$KIPLAN" render "$P" -o "$T/changed.pdf"
check "a committed change not sent: Ikke afsendt" 'every_page "$T/changed.pdf" "Ikke afsendt"'
echo "Notat." >>"$P"
"$KIPLAN" render --format html "$P" -o "$T/wc.html"
check "a working copy that differs: Ikke afsendt" 'grep -q "ændret efter revision 3 · <strong class=\"state\">Ikke afsendt</strong>" "$T/wc.html"'
git checkout -q -- "$P"

# --- the first follow-up meeting --------------------------------------
day 2014-10-01
due_items >"$T/due"
check "due before the meeting: the follow-up and both deadlines" '[ "$(cat "$T/due")" = "$(printf "frist 2014-10-01 1\nfrist 2014-12-01 2\nopfoelgning 2014-10-01 ")" ]'
"$KIPLAN" followup --date 2014-10-01 --form fysisk --sted "Distriktspsykiatrien Vejle" \
	--deltager "Peter Holm" --deltager "Louise Madsen" --deltager "Anne Larsen" \
	--evaluering "Borgeren møder stabilt op." "$P" >"$T/out"
check "followup: the next follow-up six months on" 'grep -q "^Next follow-up: 2015-04-01$" "$T/out"'
check "followup: the action due today is carried over" 'grep -q "^Carried over to 2015-04-01: maal\[0\].indsatser\[0\] Samtaler hver 14. dag (deadline 2014-10-01)$" "$T/out"'
check "followup: the later one is not" '! grep -q "Jobplan" "$T/out"'
check "followup: the first meeting stays" 'grep -q "^  dato: 2014-05-01$" "$P"'
check "followup commit summary" '[ "$(git log -1 --format=%s)" = "Opfølgningsmøde 2014-10-01 i indsatsplan ki-2014-0001" ]'
due_items >"$T/due"
check "due after the meeting: exactly its open items" '[ "$(cat "$T/due")" = "$(printf "frist 2014-12-01 2\nfrist 2015-04-01 1\nopfoelgning 2015-04-01 ")" ]'
"$KIPLAN" log --format json "$P" >"$T/log.json"
check "log shows the follow-up meeting" 'py "$T/log.json" "d[0][\"meetings\"] == [{\"date\": \"2014-10-01\", \"type\": \"opfoelgning\"}]"'
check "log shows the coordination meeting" 'py "$T/log.json" "d[-1][\"meetings\"] == [] and d[-2][\"meetings\"] == [{\"date\": \"2014-05-01\", \"type\": \"koordination\"}]"'
"$KIPLAN" log "$P" >"$T/log"
check "log's text names the meeting" 'grep -q "meeting held: 2014-10-01, a follow-up meeting" "$T/log"'

# A new participant joins before the plan is sent again.
"$KIPLAN" set "$P" deltagere.2.navn="Hanne Kristensen" deltagere.2.rolle=jobcenter \
	deltagere.2.email=hanne.kristensen@example.dk >/dev/null
"$KIPLAN" diff "$P" >"$T/diff"
check "diff from the last sending: the meeting" 'grep -q "Follow-up meeting held on 2014-10-01" "$T/diff"'
check "diff: the follow-up moved" 'grep -q "Follow-up moved from 2014-10-01 to 2015-04-01" "$T/diff"'
check "diff: the action started" 'grep -q "Action \"Samtaler hver 14. dag\" started" "$T/diff"'
check "diff: its deadline moved" 'grep -q "Deadline of action \"Samtaler hver 14. dag\" moved from 2014-10-01 to 2015-04-01" "$T/diff"'
check "diff: a participant joined" 'grep -q "Hanne Kristensen joined" "$T/diff"'
"$KIPLAN" diff --format json "$P" >"$T/diff.json"
check "diff JSON: from the sent revision to the working copy" 'py "$T/diff.json" "d[\"from\"] == 2 and d[\"to\"] is None"'
check "diff JSON: Danish text" 'py "$T/diff.json" "any(c[\"change\"] == \"joined\" and c[\"text\"] == \"Hanne Kristensen deltager nu\" for c in d[\"changes\"])"'

day 2014-10-02
"$KIPLAN" send "$P" -m "Efter opfølgningsmødet." >/dev/null
L=outbox/ki-2014-0001-r5-foelgebrev.txt
check "letter: changes since revision 2 for those who had it" 'grep -q "^Ændringer siden revision 2:$" "$L"'
check "letter: the meeting held" 'grep -q "^- Opfølgende møde holdt 1. oktober 2014.$" "$L"'
check "letter: the follow-up moved" 'grep -q "^- Opfølgningen er flyttet fra 1. oktober 2014 til 1. april 2015.$" "$L"'
check "letter: the new participant gets it whole" 'grep -A1 "^Til Hanne Kristensen:$" "$L" | grep -q "Første forsendelse"'
check "letter: no CPR number" '! grep -q "1879" "$L"'

# --- the second follow-up: by telephone, the citizen said no -------------
day 2015-03-20
"$KIPLAN" set "$P" maal.1.indsatser.0.status=gennemfoert >/dev/null
"$KIPLAN" followup --date 2015-03-20 --form telefon --borger-fravalgt \
	--deltager "Peter Holm" "$P" >"$T/out" 2>"$T/err"
check "second followup: no warning, the citizen said no" '[ ! -s "$T/err" ]'
check "second followup: six months on, clamped" 'grep -q "^Next follow-up: 2015-09-20$" "$T/out"'
due_items >"$T/due"
check "due: the done action is gone; the follow-up counts from the latest meeting" '[ "$(cat "$T/due")" = "$(printf "frist 2015-04-01 1\nopfoelgning 2015-09-20 ")" ]'
"$KIPLAN" validate "$P" >/dev/null 2>&1
check "six months from the latest meeting pass the rule" '[ $? -eq 0 ]'
day 2015-03-21
"$KIPLAN" send "$P" >/dev/null
check "letter: the done action" 'grep -q "^- Indsats »Jobplan under hensyn til lidelsen«: gennemført.$" outbox/ki-2014-0001-r7-foelgebrev.txt'
check "letter: Hanne Kristensen now gets the changes" 'grep -q "^Til .*Hanne Kristensen.*:$" outbox/ki-2014-0001-r7-foelgebrev.txt && ! grep -q "Første forsendelse" outbox/ki-2014-0001-r7-foelgebrev.txt'

# --- the closing --------------------------------------------------------
day 2015-06-01
"$KIPLAN" close --date 2015-06-01 --reason "Færdigbehandlet i psykiatrien" \
	--to "Egen læge" --deltager "Peter Holm" "$P" >"$T/out"
check "close says which action it closed, and how" '[ "$(cat "$T/out" | sed 1d)" = "Closed as dropped: maal[0].indsatser[0] Samtaler hver 14. dag" ]'
check "closed: status afsluttet" 'grep -q "^status: afsluttet" "$P"'
check "closed: the consent stays" 'grep -q "^  givet: true$" "$P"'
check "closed: no next follow-up" '! grep -q "^opfoelgning:" "$P"'
due_items >"$T/due"
check "a closed plan is never due" '[ ! -s "$T/due" ]'
"$KIPLAN" render "$P" -o "$T/closed.pdf"
check "closed, not sent yet" 'every_page "$T/closed.pdf" "Afsluttet 1. juni 2015 · ikke afsendt"'
day 2015-06-02
"$KIPLAN" send "$P" >/dev/null
check "the closing revision is sent" 'every_page outbox/ki-2014-0001-r8.pdf "Afsluttet 1. juni 2015 · sendt 2. juni 2015"'
check "closing letter: the plan closed" 'grep -q "^- Planen er afsluttet 1. juni 2015: Færdigbehandlet i psykiatrien (afsluttet til Egen læge).$" outbox/ki-2014-0001-r8-foelgebrev.txt'
check "closing letter: the closing meeting" 'grep -q "^- Afsluttende møde holdt 1. juni 2015.$" outbox/ki-2014-0001-r8-foelgebrev.txt'

# --- every revision validates ---------------------------------------------
n=$(git log --format=%H -- "$P" | wc -l)
i=1
while [ "$i" -le "$n" ]; do
	"$KIPLAN" show "$P@$i" >"$T/rev-$i.md"
	"$KIPLAN" validate "$T/rev-$i.md" >/dev/null 2>&1 || bad "revision $i does not validate"
	i=$((i + 1))
done
check "eight revisions" '[ "$n" -eq 8 ]'

# --- the exports agree ----------------------------------------------------
"$KIPLAN" export --format fhir "$P" >"$T/fhir.json"
check "FHIR CarePlan completed, period.end the closing" 'py "$T/fhir.json" "[e[\"resource\"] for e in d[\"entry\"] if e[\"resource\"][\"resourceType\"] == \"CarePlan\"][0][\"period\"] == {\"start\": \"2014-05-01\", \"end\": \"2015-06-01\"}"'
check "FHIR activities follow the states" 'py "$T/fhir.json" "[a[\"detail\"][\"status\"] for e in d[\"entry\"] if e[\"resource\"][\"resourceType\"] == \"CarePlan\" for a in e[\"resource\"][\"activity\"] if \"kind\" not in a[\"detail\"]] == [\"cancelled\", \"completed\"]"'
check "FHIR Goals: one cancelled, one completed" 'py "$T/fhir.json" "[e[\"resource\"][\"lifecycleStatus\"] for e in d[\"entry\"] if e[\"resource\"][\"resourceType\"] == \"Goal\"] == [\"cancelled\", \"completed\"]"'
check "FHIR: four meetings held, none scheduled" 'py "$T/fhir.json" "[a[\"detail\"][\"status\"] for e in d[\"entry\"] if e[\"resource\"][\"resourceType\"] == \"CarePlan\" for a in e[\"resource\"][\"activity\"] if a[\"detail\"].get(\"kind\") == \"Appointment\"] == [\"completed\"] * 4"'
"$KIPLAN" export --format csv "$P" >"$T/plan.csv"
check "CSV: closed, no open action, the closing date and to what" 'python3 -c "import csv,sys; r=list(csv.DictReader(open(sys.argv[1]))); sys.exit(0 if r[0][\"status\"] == \"afsluttet\" and r[0][\"aabne_indsatser\"] == \"0\" and r[0][\"afslutning_dato\"] == \"2015-06-01\" and r[0][\"afslutning_til\"] == \"Egen læge\" and r[0][\"seneste_moede\"] == \"2015-06-01\" else 1)" "$T/plan.csv"'

# --- consent withdrawn; consent refused ----------------------------------
day 2015-01-10
sed -e 's/^id: ki-2014-0001$/id: ki-2014-0002/' "$ROOT/examples/bilag2.md" >ki-2014-0002.md
git add ki-2014-0002.md && git commit -qm "Bilag 2"
"$KIPLAN" set ki-2014-0002.md samtykke.tilbagekaldt=2015-01-05 >/dev/null 2>"$T/err"
check "withdrawing consent is an error of an active plan" '[ $? -eq 1 ] && grep -q "samtykke.tilbagekaldt" "$T/err"'
"$KIPLAN" close --date 2015-01-10 --reason "Borgeren har tilbagekaldt sit samtykke" \
	--set samtykke.tilbagekaldt=2015-01-05 ki-2014-0002.md >/dev/null
"$KIPLAN" send ki-2014-0002.md >/dev/null 2>"$T/err"
check "withdrawn consent: not sent" '[ $? -eq 1 ] && grep -q "withdrawn consent" "$T/err"'
"$KIPLAN" export --format fhir ki-2014-0002.md >"$T/fhir2.json"
check "withdrawn consent: FHIR Consent inactive with its period" 'py "$T/fhir2.json" "[e[\"resource\"] for e in d[\"entry\"] if e[\"resource\"][\"resourceType\"] == \"Consent\"][0][\"status\"] == \"inactive\" and [e[\"resource\"] for e in d[\"entry\"] if e[\"resource\"][\"resourceType\"] == \"Consent\"][0][\"provision\"][\"period\"][\"end\"] == \"2015-01-05\""'
out=$("$KIPLAN" new --navn "Ole Dam" --set samtykke.givet=false --set samtykke.dato=2015-01-10)
"$KIPLAN" due --no-cache --today 2015-04-10 --format tsv "$out" >"$T/offer"
check "a citizen who said no is offered the plan again after due.tilbud-dage" 'grep -q "^2015-04-10	0	tilbud	" "$T/offer"'

# --- the earlier format still loads --------------------------------------
check "Bilag 2 as written before validates" '"$KIPLAN" validate "$ROOT/examples/bilag2.md" >/dev/null 2>&1'
sed -e 's/^status: aktiv$/status: afsluttet/' "$ROOT/examples/bilag2.md" >"$T/old-closed.md"
check "a closed plan of the earlier format validates" '"$KIPLAN" validate "$T/old-closed.md" >/dev/null 2>&1'
check "and is not due" '[ -z "$("$KIPLAN" due --no-cache "$T/old-closed.md")" ]'

# --- Danish, and help -----------------------------------------------------
for c in set followup close diff; do
	"$KIPLAN" help | grep -q "^  $c  " || bad "kiplan help does not list $c"
	"$KIPLAN" "$c" --help | grep -q "^usage: kiplan $c" || bad "$c --help"
	[ -f "$ROOT/man/kiplan-$c.1" ] || bad "no man page for $c"
done
ok
out=$(LANG=da_DK.UTF-8 LC_ALL=da_DK.UTF-8 "$KIPLAN" diff ki-2014-0001.md@7 ki-2014-0001.md@8)
check "diff speaks Danish" 'printf "%s" "$out" | grep -q "Afsluttende møde holdt 2015-06-01"'
out=$(LANG=da_DK.UTF-8 LC_ALL=da_DK.UTF-8 "$KIPLAN" followup --help)
check "followup's help speaks Danish" 'printf "%s" "$out" | grep -q "^brug: kiplan followup"'

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

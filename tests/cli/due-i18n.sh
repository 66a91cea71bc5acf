#!/bin/sh
# due-i18n.sh: kiplan due in English and in Danish on the same plans.  The
# text format is for people and speaks their language: "in 4 days" or "om
# 4 dage", "Follow-up meeting" or "Opfølgningsmøde", with real plurals and
# the date and when columns aligned in characters whatever the length of
# the words.  TSV, JSON and iCalendar are for machines: the same bytes in
# every language.  The problems due reports on stderr are translated too.
set -u
KIPLAN=${KIPLAN:-$(pwd)/build/kiplan}
KIPLAN_LOCALEDIR=${KIPLAN_LOCALEDIR:-$(pwd)/build/locale}
export KIPLAN_LOCALEDIR
PY=${PYTHON:-/usr/bin/python3}
CASES=$(pwd)/tests/cases/due
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
unset LANGUAGE
export XDG_CACHE_HOME="$tmp/cache" KIPLAN_TODAY=2014-06-01

if ! locale -a 2>/dev/null | grep -qix 'da_DK\.utf-\?8'; then
	bad "the locale da_DK.UTF-8 is missing (tests/install-deps.sh makes it)"
	echo "$pass passed, $fail failed"
	exit 1
fi

en() { LC_ALL=C.UTF-8 "$KIPLAN" due --no-cache "$@"; }
da() { LC_ALL='' LANG=da_DK.UTF-8 "$KIPLAN" due --no-cache "$@"; }

# The plans of the golden cases, and a few that need the other wordings:
# an action without a task, a party and a plan without a name, a draft
# without a planned meeting.
cp -R "$CASES/plans.d" "$tmp/plans"
cat >"$tmp/plans/ki-2014-0206.md" <<'EOF'
---
kiplan: 1
id: ki-2014-0206
status: aktiv
borger:
  navn: Ole Dahl
moede:
  dato: 2014-02-01
maal:
  - titel: Bolig
    indsatser:
      - ansvarlig: Jobcentret
        frist: 2014-06-02
      - opgave: Ansøgning om bolig
        frist: 2014-05-31
opfoelgning:
  dato: 2014-06-01
---
EOF
cat >"$tmp/plans/ki-2014-0207.md" <<'EOF'
---
kiplan: 1
id: ki-2014-0207
status: kladde
borger:
  navn: Eva Lund
samtykke:
  givet: true
  dato: 2014-05-25
koordinator:
  navn: Rasmus Jeppesen
---
EOF
cd "$tmp" || exit 1

# 1. The machine formats are the same bytes in English and in Danish.
for args in "--format json" "--format tsv" "--format ics" \
	"--format json --draft-days 14 --within 400 --redact" \
	"--format tsv --by ansvarlig --within 400" \
	"--format ics --draft-days 14 --within 400"; do
	# shellcheck disable=SC2086
	en $args plans >en.out 2>en.err
	rc_en=$?
	# shellcheck disable=SC2086
	da $args plans >da.out 2>da.err
	rc_da=$?
	[ -s en.out ] && ok || bad "$args: no output"
	cmp -s en.out da.out && ok || { bad "$args: English and Danish differ"; diff en.out da.out | head -5; }
	[ "$rc_en" -eq "$rc_da" ] && ok || bad "$args: exit $rc_en in English, $rc_da in Danish"
done
# Their words are the plans' Danish, in either language.
en --format tsv --draft-days 14 --within 400 plans >out.tsv
for t in '	Opfølgningsmøde$' '	Frist: Ansøgning om bolig$' '	Frist for indsats 1$' \
	'	Første koordinerende møde$' \
	'	Første koordinerende møde (planlagt 2014-06-20)$' \
	'	Opfølgningsmøde (senest 6 mdr. efter mødet 2013-12-05)$'; do
	grep -q "$t" out.tsv && ok || bad "tsv: no line ending in '$t'"
done

# 2. The text format speaks the reader's language, line for line.
for args in "" "--draft-days 14 --within 400" "--by ansvarlig --within 400" \
	"--by koordinator --draft-days 14 --within 400" "--overdue"; do
	# shellcheck disable=SC2086
	en $args plans >en.txt 2>/dev/null
	# shellcheck disable=SC2086
	da $args plans >da.txt 2>/dev/null
	[ -s en.txt ] && ok || bad "text $args: no output"
	[ "$(wc -l <en.txt)" -eq "$(wc -l <da.txt)" ] && ok ||
		bad "text $args: not as many lines in Danish as in English"
	cmp -s en.txt da.txt && bad "text $args: not translated" || ok
	# The id column starts at the same character on every item line.
	"$PY" - en.txt da.txt <<'PYEOF' && ok || bad "text $args: columns not aligned"
import re, sys
for name in sys.argv[1:]:
    cols = set()
    for line in open(name, encoding="utf-8"):
        if re.match(r"\d{4}-\d\d-\d\d  ", line):
            cols.add(line.index("  ki-2014-"))
    if len(cols) != 1:
        sys.exit("%s: the id column starts at %s" % (name, sorted(cols)))
PYEOF
done

# The words, in both languages.
text_has() {
	grep -qF -- "$2" "$1" && ok || bad "$1: no '$2'"
}
en --draft-days 14 --within 400 plans >en.txt 2>/dev/null
da --draft-days 14 --within 400 plans >da.txt 2>/dev/null
for t in '17 days overdue' 'in 4 days' 'in 92 days' 'today' '1 day overdue' \
	'Follow-up meeting  [' 'Deadline: Ansøgning om bolig' 'Deadline of action 1' \
	'Follow-up meeting (at the latest 6 months after the meeting 2013-12-05)' \
	'First coordination meeting (planned for 2014-06-20)' \
	'First coordination meeting  ['; do
	text_has en.txt "$t"
done
for t in '17 dage over fristen' 'om 4 dage' 'om 92 dage' 'i dag' '1 dag over fristen' \
	'Opfølgningsmøde  [' 'Frist: Ansøgning om bolig' 'Frist for indsats 1' \
	'Opfølgningsmøde (senest 6 mdr. efter mødet 2013-12-05)' \
	'Første koordinerende møde (planlagt til 2014-06-20)' \
	'Første koordinerende møde  ['; do
	text_has da.txt "$t"
done
grep -q 'days\|Deadline\|meeting' da.txt && bad "English words in the Danish text" || ok
# The singular of "in N days".
en --today 2014-06-04 plans >en1.txt 2>/dev/null
da --today 2014-06-04 plans >da1.txt 2>/dev/null
text_has en1.txt 'in 1 day  '
text_has da1.txt 'om 1 dag  '

# Worklists: their headings count the items, with a real plural.
en --by ansvarlig --within 400 plans >en.txt 2>/dev/null
da --by ansvarlig --within 400 plans >da.txt 2>/dev/null
for t in 'Anne Larsen (1 item)' 'Egen læge (1 item)' 'Rasmus Jeppesen (2 items)' \
	'No responsible party (2 items)'; do
	text_has en.txt "$t"
done
for t in 'Anne Larsen (1 punkt)' 'Egen læge (1 punkt)' 'Rasmus Jeppesen (2 punkter)' \
	'Ingen ansvarlig (2 punkter)'; do
	text_has da.txt "$t"
done
da --by koordinator --within 400 plans >da.txt 2>/dev/null
text_has da.txt 'Ingen koordinator (3 punkter)'

# The columns are counted in characters, not bytes: a catalogue whose
# words for "today" and "overdue" are not ASCII still lines up.
mkdir -p "$tmp/locale/da/LC_MESSAGES"
cat >"$tmp/utf8.po" <<'EOF'
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\n"

msgid "today"
msgstr "i dåg ☀"

msgid "%ld day overdue"
msgid_plural "%ld days overdue"
msgstr[0] "%ld dæg øver fristen"
msgstr[1] "%ld dæge øver fristen"
EOF
msgfmt -o "$tmp/locale/da/LC_MESSAGES/kiplan.mo" "$tmp/utf8.po" && ok || bad "msgfmt"
KIPLAN_LOCALEDIR=$tmp/locale da --within 400 plans >u.txt 2>/dev/null
text_has u.txt 'i dåg ☀'
text_has u.txt '17 dæge øver fristen'
"$PY" - u.txt <<'PYEOF' && ok || bad "text: columns not aligned in characters"
import re, sys
cols = set()
for line in open(sys.argv[1], encoding="utf-8"):
    if re.match(r"\d{4}-\d\d-\d\d  ", line):
        cols.add(line.index("  ki-2014-"))
if len(cols) != 1:
    sys.exit("the id column starts at %s" % sorted(cols))
PYEOF

# 3. The problems on stderr are translated after the editors' prefix.
cat >"$tmp/plans/ki-2014-0208.md" <<'EOF'
---
kiplan: 1
id: ki-2014-0208
status: aktiv
opfoelgning:
  dato: 2014-02-30
---
EOF
en plans >/dev/null 2>en.err
da plans >/dev/null 2>da.err
grep -q "ki-2014-0208.md:6:9: error: due: opfoelgning.dato: not a date (YYYY-MM-DD): '2014-02-30'" en.err && ok ||
	{ bad "English problem"; cat en.err; }
grep -q "ki-2014-0208.md:6:9: error: due: opfoelgning.dato: ikke en dato (YYYY-MM-DD): '2014-02-30'" da.err && ok ||
	{ bad "Danish problem"; cat da.err; }

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

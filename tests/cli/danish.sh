#!/bin/sh
# danish.sh: kiplan speaks Danish in a Danish locale and English in the C
# locale, and nothing a program reads changes with the language: the
# FILE:LINE:COL: SEVERITY: CODE: prefix of a finding, JSON, TSV, CSV,
# iCalendar, FHIR and the exit statuses.
set -u
KIPLAN=${KIPLAN:-build/kiplan}
case $KIPLAN in /*) ;; *) KIPLAN=$(pwd)/$KIPLAN ;; esac
CASES=$(pwd)/tests/cases
EXAMPLES=$(pwd)/examples
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
export HOME="$T" GIT_CONFIG_NOSYSTEM=1 KIPLAN_TODAY=2026-02-01
unset KIPLAN_DIR LC_ALL LC_MESSAGES LANGUAGE LANG
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
check() { if eval "$2"; then ok; else bad "$1"; fi; }

if ! locale -a 2>/dev/null | grep -qix 'da_DK\.utf-\?8'; then
	echo "danish: the locale da_DK.UTF-8 is missing (make deps generates it)"
	echo "0 passed, 1 failed"
	exit 1
fi

da() { LANG=da_DK.UTF-8 "$KIPLAN" "$@"; }
en() { LANG=C.UTF-8 "$KIPLAN" "$@"; }
# Run a command in both languages: $T/en.out, $T/en.err, $T/da.out, ...
both() {
	en "$@" >"$T/en.out" 2>"$T/en.err"
	echo $? >"$T/en.rc"
	da "$@" >"$T/da.out" 2>"$T/da.err"
	echo $? >"$T/da.rc"
}
same_rc() { cmp -s "$T/en.rc" "$T/da.rc"; }

both help
check "help: English in C" 'grep -q "^Commands:" "$T/en.out"'
check "help: Danish in da_DK" 'grep -q "^Kommandoer:" "$T/da.out" && grep -q "opret et planarkiv" "$T/da.out"'
check "LANGUAGE=da in a Danish locale" 'LANG=da_DK.UTF-8 LANGUAGE=da "$KIPLAN" help | grep -q "^Kommandoer:"'
check "LANGUAGE=da in the C locale: English (gettext ignores it there)" 'LC_ALL=C LANGUAGE=da "$KIPLAN" help | grep -q "^Commands:"'
check "LC_MESSAGES alone" 'LC_MESSAGES=da_DK.UTF-8 "$KIPLAN" help | grep -q "^Kommandoer:"'

both vaildate
check "a misspelt command, Danish" 'grep -q "mente du .validate." "$T/da.err"'
check "a misspelt command, English" 'grep -q "did you mean .validate." "$T/en.err"'
check "a misspelt command: exit 2 in both" 'same_rc && [ "$(cat "$T/da.rc")" = 2 ]'

both validate --strcit "$CASES/validate/samtykke-missing.md"
check "a misspelt option, Danish" 'grep -q "ukendt tilvalg .--strcit.; mente du .--strict." "$T/da.err"'
check "a misspelt option, English" 'grep -q "unknown option .--strcit.; did you mean .--strict." "$T/en.err"'

both validate "$CASES/validate/samtykke-missing.md" "$CASES/validate/opfoelgning-7-months.md"
check "validate: the same exit" 'same_rc && [ "$(cat "$T/da.rc")" = 1 ]'
check "validate: the summary in Danish" 'grep -q "^2 planer tjekket: 2 med fejl" "$T/da.err"'
check "validate: the summary in English" 'grep -q "^2 plans checked: 2 with errors" "$T/en.err"'
cut -d: -f1-5 "$T/en.out" >"$T/en.prefix"
cut -d: -f1-5 "$T/da.out" >"$T/da.prefix"
check "validate: FILE:LINE:COL: SEVERITY: CODE: is the same" 'cmp -s "$T/en.prefix" "$T/da.prefix" && [ -s "$T/en.prefix" ]'
check "validate: the messages are translated" '! cmp -s "$T/en.out" "$T/da.out"'
check "validate: 'error:' stays in Danish" 'grep -q ": error: samtykke: " "$T/da.out"'

both validate --format json "$CASES/validate/samtykke-missing.md"
keys() { python3 -c 'import json,sys; print(sorted({k for o in json.load(open(sys.argv[1])) for k in o}))' "$1"; }
check "validate --format json: the same keys" '[ "$(keys "$T/en.out")" = "$(keys "$T/da.out")" ] && [ -n "$(keys "$T/en.out")" ]'
check "validate --format json: the same codes and places" 'python3 -c "import json,sys; a,b=(json.load(open(f)) for f in sys.argv[1:]); sys.exit(0 if [(o[\"file\"],o[\"line\"],o[\"column\"],o[\"severity\"],o[\"code\"]) for o in a]==[(o[\"file\"],o[\"line\"],o[\"column\"],o[\"severity\"],o[\"code\"]) for o in b] else 1)" "$T/en.out" "$T/da.out"'

mkdir "$T/p"
cp "$EXAMPLES/bilag2.md" "$EXAMPLES/case-1.md" "$EXAMPLES/case-3.md" "$T/p/"
for f in "export --format json" "export --format jsonl" "export --format csv" \
	"export --excel" "export --format fhir" "due --format json --within 9999" \
	"due --format tsv --within 9999" "due --format ics --within 9999"; do
	# shellcheck disable=SC2086
	both $f "$T/p"
	check "$f: byte for byte the same in both languages" 'cmp -s "$T/en.out" "$T/da.out" && [ -s "$T/en.out" ] && same_rc'
done

both due --within 9999 "$T/p"
check "due text: Danish" '! cmp -s "$T/en.out" "$T/da.out"'
check "due text: the same lines" '[ "$(wc -l <"$T/en.out")" = "$(wc -l <"$T/da.out")" ]'

both render --format pdf "$T/p/bilag2.md" -o "$T/x.pdf"
check "render: the same exit" 'same_rc'

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

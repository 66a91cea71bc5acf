#!/bin/sh
# redact.sh: --redact is one redaction everywhere.  A plan whose fields,
# body, link targets and commit message hold every CPR number and
# telephone number of the corpus (tests/redact/corpus.txt), in every
# written form, goes through render (HTML and PDF), export (every
# format), due (every format, ICS included), show and log with --redact;
# none of the numbers may come out, and the corpus's near misses that
# the plan holds must come out as written.
set -u
KIPLAN=${KIPLAN:-build/kiplan}
case $KIPLAN in /*) ;; *) KIPLAN=$(pwd)/$KIPLAN ;; esac
ROOT=$(pwd)
CORPUS=$ROOT/tests/redact/corpus.txt
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
export HOME="$T" GIT_CONFIG_NOSYSTEM=1 KIPLAN_TODAY=2014-09-25
unset KIPLAN_DIR KIPLAN_AUTHOR GIT_DIR
git config --global user.name "Anne Larsen"
git config --global user.email anne.larsen@example.dk
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# The numbers the corpus hides, digits only; and its near misses that
# share no digits with them (the plan holds those too).
SECRETS="1409731879 2705612323 6901612323 21478390 31478391 12345678"
grep -v '^#' "$CORPUS" | grep -v '	=$' | cut -f1 >"$T/hide"
grep -v '^#' "$CORPUS" | grep '	=$' | cut -f1 | while IFS= read -r k; do
	d=$(printf '%s' "$k" | tr -d ' .\\-')
	case $d in *2147839* | *1879* | *12345678*) ;; *) printf '%s\n' "$k" ;; esac
done >"$T/keep"
[ "$(grep -c . "$T/hide")" -ge 30 ] && ok || bad "corpus: too few numbers"
[ "$(grep -c . "$T/keep")" -ge 20 ] && ok || bad "corpus: too few near misses"

# Every number in the body, one a line, in a list, and as link targets.
R=$T/planer
"$KIPLAN" init "$R" >/dev/null || exit 1
cd "$R" || exit 1
P=ki-2014-0001.md
# shellcheck disable=SC2016
sed -e "s/^  adresse: .*/  adresse: 'Vestergade 23, 7100 Vejle, tlf. 21 47 83 90'/" \
	-e "0,/^  navn: .*/s//  navn: 'Michael (tlf. 2147 8390) Sørensen'/" \
	-e "s/^    status: Ikke aktuelt/    status: 'Ring +4521478390 eller 0045 21 47 83 90'/" \
	-e "s/^      - opgave: Fastholdelse i psykiatrisk behandling/      - opgave: 'Ring 31478391, cpr 140973–1879'/" \
	-e "0,/^        ansvarlig: >-/s//        ansvarlig: >-\n          Peter Holm, 21.47.83.90, 14.09.73-1879./" \
	-e "s/^  organisation: Psykiatrien.*/  organisation: 'Psykiatrien Vejle (+45) 21 47 83 90'/" \
	"$ROOT/examples/bilag2.md" >"$P"
{
	echo
	echo "Numre:"
	echo
	sed 's/^/- /' "$T/hide"
	echo
	echo "Ikke numre:"
	echo
	sed 's/^/- /' "$T/keep"
	echo
	echo "[Ring til borgeren](tel:+4521478390) eller [skriv](https://example.dk/?tlf=21478390&cpr=1409731879)."
} >>"$P"
"$KIPLAN" validate "$P" >"$T/v" 2>&1 && ok || { bad "the plan is not valid"; cat "$T/v"; }
git add "$P" && git commit -q -m "Opret ki-2014-0001

Aftalt med borgeren (140973-1879) på tlf. 21 47 83 90." && ok ||
	bad "commit"

# norm FILE: the text with separators, escapes and ICS folds taken out,
# so that a number split by any of them is still found.
norm() {
	sed -e ':a' -e 'N' -e '$!ba' -e 's/\r\n //g' "$1" |
		sed -e 's/\\u2013//g; s/\\u00a0//g; s/\\u00A0//g' |
		tr -d ' .\\\n\r\t-' | sed 's/–//g; s/ //g'
}

# leaks NAME FILE: none of the secrets in FILE.
leaks() {
	if [ ! -s "$2" ]; then
		bad "$1: no output"
		return
	fi
	norm "$2" >"$T/norm"
	found=
	for s in $SECRETS; do
		grep -qF "$s" "$T/norm" && found="$found $s"
	done
	[ -z "$found" ] && ok || bad "$1: shows$found"
}

# kept NAME FILE: the near misses stand in FILE as written.
kept() {
	missing=0
	while IFS= read -r k; do
		grep -qF -- "$k" "$2" || {
			missing=$((missing + 1))
			echo "  $1 lacks: $k"
		}
	done <"$T/keep"
	[ "$missing" -eq 0 ] && ok || bad "$1: $missing near misses changed"
}

run() {
	name=$1
	shift
	"$@" >"$T/out.$name" 2>"$T/err" || { [ $? -le 1 ] || {
		bad "$name: failed"
		cat "$T/err"
	}; }
	leaks "$name" "$T/out.$name"
}

# Without --redact the numbers are there: the checks can fail.
"$KIPLAN" render "$P" --format html >"$T/plain.html" 2>/dev/null
norm "$T/plain.html" >"$T/norm"
n=0
for s in $SECRETS; do grep -qF "$s" "$T/norm" && n=$((n + 1)); done
[ "$n" -eq 6 ] && ok || bad "unredacted HTML shows $n of 6 secrets"

run render.html "$KIPLAN" render --redact --format html "$P"
kept render.html "$T/out.render.html"
"$KIPLAN" render --redact "$P" -o "$T/r.pdf" && ok || bad "render pdf"
pdftotext "$T/r.pdf" "$T/out.render.pdf" && leaks render.pdf "$T/out.render.pdf"
pdftotext -raw "$T/r.pdf" - | tr -d '\n' >"$T/pdf.raw"
grep -qF 'Ring +45xxxxxxxx eller 0045 xx xx xx xx' "$T/pdf.raw" && ok ||
	bad "render.pdf: the status is not masked as expected"
# The link targets, which pdftotext does not show.
strings "$T/r.pdf" | grep -q 'tel:+4521478390' && bad "pdf link target shows the number" || ok
for f in json jsonl csv fhir; do
	run "export.$f" "$KIPLAN" export --redact --format "$f" "$P"
done
kept export.json "$T/out.export.json"
for f in text tsv json ics; do
	run "due.$f" "$KIPLAN" due --redact --today 2014-09-25 --format "$f" "$P"
done
grep -q 'xxxxxxxx' "$T/out.due.ics" && ok || bad "due.ics: the task is not there, masked"
run show "$KIPLAN" show --redact "$P"
kept show "$T/out.show"
run log "$KIPLAN" log --redact "$P"
run log.json "$KIPLAN" log --redact --format json "$P"
grep -q 'xx xx xx xx' "$T/out.log" && ok || bad "log: the message is not there, masked"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

#!/bin/sh
# validate-friendly.sh: the mistakes of a plan edited by hand, in Danish
# as a coordinator reads them (LANG=da_DK.UTF-8, the catalogue of this
# build): a tab, a no-break space or curly quotes from Word, ja/nej, a
# Danish date, a key with æ, ø or å, a pasted address whose '#' starts a
# comment, a CPR number without its dash.  No message ever shows a whole
# CPR number, and the fast reader says what the full loader says.
set -u
KIPLAN=${KIPLAN:-build/kiplan}
case $KIPLAN in /*) ;; *) KIPLAN=$(pwd)/$KIPLAN ;; esac
KIPLAN_LOCALEDIR=${KIPLAN_LOCALEDIR:-$(pwd)/build/locale}
export KIPLAN_LOCALEDIR KIPLAN_TODAY=2014-06-01
cases=$(pwd)/tests/cases/validate
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# In Danish: LC_ALL (which run-all.sh sets to C) would win over LANG.
da() { (cd "$cases" && env -u LC_ALL -u LANGUAGE LANG=da_DK.UTF-8 "$KIPLAN" validate "$@") 2>"$tmp/err"; }

# want CASE TEXT: the Danish findings of CASE hold TEXT (a fixed string).
want() {
	da "$1.md" >"$tmp/out"
	if grep -qF -- "$2" "$tmp/out"; then
		ok
	else
		bad "$1: no '$2' in:"
		cat "$tmp/out"
	fi
}

want yaml-tab "yaml-tab.md:7:1: error: parse: YAML tillader ikke tabulatorer til indrykning: indryk med mellemrum"
want yaml-nbsp "yaml-nbsp.md:6:8: error: parse: U+00A0 NO-BREAK SPACE er ikke et almindeligt mellemrum for YAML"
want yaml-quotes "yaml-quotes.md:7:12: error: parse: U+201D RIGHT DOUBLE QUOTATION MARK er ikke et anførselstegn for YAML"
want tegn-nbsp "tegn-nbsp.md:7:1: warning: tegn: (øverste niveau): U+00A0 NO-BREAK SPACE er ikke et almindeligt mellemrum for YAML, så det blev en del af feltnavnet"
want tegn-quotes "tegn-quotes.md:6:9: warning: tegn: borger.navn: U+201C LEFT DOUBLE QUOTATION MARK er ikke et anførselstegn for YAML"
want yaml-long-key "yaml-long-key.md:7:3: error: parse: dette feltnavn er længere end 1024 tegn, som er YAML's grænse for et feltnavn skrevet uden '?': gør det kortere"
want schema-ja-nej "schema-ja-nej.md:14:10: error: schema: samtykke.givet: skriv true (for ja) eller false (for nej), ikke 'ja'"
want schema-ja-nej "schema-ja-nej.md:16:21: error: schema: godkendt_af_borger: skal være sandhedsværdi (true/false), men er tekst 'jaa'"
want schema-dato-dansk "schema-dato-dansk.md:12:9: error: schema: samtykke.dato: datoer skrives ÅÅÅÅ-MM-DD: skriv 2014-05-01, ikke '1/5-2014'"
want schema-dato-dansk "schema-dato-dansk.md:17:9: error: schema: opfoelgning.dato: datoer skrives ÅÅÅÅ-MM-DD: skriv 2014-05-01, ikke '1/5 2014'"
want schema-key-aeoeaa "schema-key-aeoeaa.md:13:1: error: schema: (øverste niveau): ukendt felt 'mål': feltnavne skrives uden æ, ø og å; mente du 'maal'?"
want schema-key-aeoeaa "schema-key-aeoeaa.md:12:3: error: schema: samtykke: ukendt felt 'pårørende': feltnavne skrives uden æ, ø og å; mente du 'paaroerende'?"
want kommentar-address "kommentar-address.md:8:26: warning: kommentar: borger.adresse: ' #' indleder en YAML-kommentar, så '#2, 7100 Vejle' kommer ikke med i værdien"
want cpr-no-dash "cpr-no-dash.md:7:8: error: cpr: borger.cpr: CPR-nummeret mangler bindestregen: skriv det DDMMÅÅ-SSSS"
want types-wrong "types-wrong.md:29:26: error: schema: maal[1].indsatser[1].succeskriterier: skal være tekst, men er heltal 7"
want opfoelgning-7-months "(retningslinjerne §6.2.5, Bilag 1, del 5)"

# The template's own comments after values draw no warning.
da kommentar-address.md >"$tmp/out"
[ "$(grep -c kommentar: "$tmp/out")" -eq 2 ] && ok || { bad "kommentar: not exactly the two pasted '#'"; cat "$tmp/out"; }

# Codes and the FILE:LINE:COL: prefix stay as they are in every language.
da schema-ja-nej.md >"$tmp/da"
(cd "$cases" && "$KIPLAN" validate schema-ja-nej.md) >"$tmp/en" 2>/dev/null
cut -d: -f1-5 "$tmp/da" >"$tmp/da.prefix"
cut -d: -f1-5 "$tmp/en" >"$tmp/en.prefix"
cmp -s "$tmp/da.prefix" "$tmp/en.prefix" && ok || bad "the prefix differs between Danish and English"
! cmp -s "$tmp/da" "$tmp/en" && ok || bad "the Danish messages are the English ones"

# No whole CPR number in any message, from any field, in either language.
for lang in C.UTF-8 da_DK.UTF-8; do
	(cd "$cases" && env -u LANG LC_ALL=$lang "$KIPLAN" validate --format json cpr-in-other-fields.md cpr-no-dash.md cpr-form.md types-wrong.md) >"$tmp/cpr" 2>&1
	if grep -Eq '[0-9]{6}-?[0-9]{4}|[0-9]{9}' "$tmp/cpr"; then
		bad "$lang: a CPR number is shown:"
		grep -E '[0-9]{6}-?[0-9]{4}|[0-9]{9}' "$tmp/cpr"
	else
		ok
	fi
	grep -q '010174-xxxx' "$tmp/cpr" && ok || bad "$lang: the masked number is missing"
done

# The fast reader and the full loader agree on every one of these.
for f in yaml-tab yaml-nbsp yaml-quotes yaml-long-key tegn-nbsp tegn-quotes schema-ja-nej \
	schema-dato-dansk schema-key-aeoeaa kommentar-address cpr-no-dash \
	cpr-in-other-fields; do
	(cd "$cases" && "$KIPLAN" validate $f.md) >"$tmp/fast" 2>&1
	(cd "$cases" && KIPLAN_FULL_LOAD=1 "$KIPLAN" validate $f.md) >"$tmp/full" 2>&1
	cmp -s "$tmp/fast" "$tmp/full" && ok || { bad "$f: the fast reader differs"; diff "$tmp/full" "$tmp/fast"; }
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

#!/bin/sh
# demo.sh KIPLAN: run kiplan on the examples so that a new user sees it
# work.  Everything it writes goes below build/demo/.
set -eu
KIPLAN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
out=$(dirname "$KIPLAN")/demo
rm -rf "$out"
mkdir -p "$out"
chmod 700 "$out"

say() { printf '\n$ %s\n' "$*"; }

say kiplan validate examples/
"$KIPLAN" validate examples/

say kiplan validate --schema examples/region-syddanmark.schema.yaml examples/bilag2.md
"$KIPLAN" validate --schema examples/region-syddanmark.schema.yaml examples/bilag2.md ||
	echo "(exit $?: the region requires forloeb, which Bilag 2 does not give)"

say kiplan render examples/bilag2.md -o "$out/bilag2.pdf"
"$KIPLAN" render examples/bilag2.md -o "$out/bilag2.pdf" && ls -l "$out/bilag2.pdf"

say kiplan render examples/bilag2.md -o "$out/bilag2.html"
"$KIPLAN" render examples/bilag2.md -o "$out/bilag2.html" && ls -l "$out/bilag2.html"

say kiplan due --today 2014-09-25 --within 14 examples/
"$KIPLAN" due --today 2014-09-25 --within 14 examples/

say kiplan export --format csv examples/
"$KIPLAN" export --format csv examples/

repo=$out/planer
say kiplan init "$repo"
"$KIPLAN" init "$repo"
say kiplan -C "$repo" new --navn "Jens Hansen" --cpr 010174-1230 --koordinator-navn "Anne Larsen"
plan=$(KIPLAN_AUTHOR=${KIPLAN_AUTHOR:-"Anne Larsen <anne.larsen@example.dk>"} \
	"$KIPLAN" -C "$repo" new --navn "Jens Hansen" --cpr 010174-1230 \
	--koordinator-navn "Anne Larsen")
echo "$plan"
say kiplan -C "$repo" log "$plan"
"$KIPLAN" -C "$repo" log "$plan"

printf '\nThe PDF and HTML of Bilag 2 are in %s/.\n' "$out"

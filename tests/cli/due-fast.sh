#!/bin/sh
# due-fast.sh: due's fast path never answers otherwise than the full
# loader.  Every input is run twice, as usual and with KIPLAN_FULL_LOAD=1,
# and standard output, standard error and the exit status must agree:
# generated plans, hand-written corner cases, and every document of the
# YAML test suite turned into a plan's frontmatter, alone and after the
# keys of an active plan.
set -u
KIPLAN=${KIPLAN:-build/kiplan}
PY=${PYTHON:-/usr/bin/python3}
SHARED=${SHARED:-../shared}
ROOT=$(pwd)
# Below, the script works in a scratch directory.
case $SHARED in /*) shared=$SHARED ;; *) shared=$ROOT/$SHARED ;; esac
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
export KIPLAN_TODAY=2014-06-01
unset KIPLAN_DIR
cd "$tmp" || exit 1

same() {	# same NAME [export] ARGS...: due (or export), fast and full
	name=$1
	shift
	cmd="due --no-cache"
	if [ "$1" = export ]; then
		cmd=export
		shift
	fi
	# shellcheck disable=SC2086
	"$KIPLAN" $cmd "$@" >o1 2>e1
	r1=$?
	# shellcheck disable=SC2086
	KIPLAN_FULL_LOAD=1 "$KIPLAN" $cmd "$@" >o2 2>e2
	r2=$?
	if [ "$r1" -eq "$r2" ] && cmp -s o1 o2 && cmp -s e1 e2; then
		ok
	else
		bad "$name: fast and full differ (exit $r1, $r2)"
		diff o1 o2 | head -5
		diff e1 e2 | head -5
	fi
}

"$PY" "$ROOT/bench/gen-plans" --seed 5 300 gen
same "generated" --format json --within 5000 --draft-days 20 gen
same "generated, later" --format tsv --today 2019-01-01 gen
same "generated, export" export --format jsonl gen
same "examples, export" export --format jsonl "$ROOT/examples"
for f in "$ROOT"/tests/cases/validate/*.md; do
	same "export $f" export --format jsonl "$f"
done

mkdir c
n=0
corner() {	# corner TEXT: a plan file from printf TEXT
	n=$((n + 1))
	printf "%s$1" "" >"c/ki-2014-$(printf %04d "$n").md"
}
H='---\nkiplan: 1\nid: ki-2014-0001\nstatus: aktiv\n'
corner "${H}moede:\n  dato: 2014-01-31\n---\n"
corner "${H}moede:\n  dato: \"2014-01-31\" # quoted, with a comment\n---\n"
corner "${H}moede:\n  dato: '2014-01-31'\nopfoelgning:\n  dato: 2014-05-01   # soon\n---\n"
corner "${H}moede:\n  dato: 2014-01-31\nmaal:\n- titel: A\n  indsatser:\n  - opgave: >-\n      Lang\n      tekst\n    frist: 2014-06-02\n    ansvarlig: |\n      To\n      linjer\n---\n"
corner "${H}moede:\n  dato: 2014-01-31\nmaal:\n  - titel: A\n    indsatser:\n      - opgave: >\n          Med\n\n          tom linje\n        frist: 2014-06-02\n---\n"
corner "${H}moede:\n  dato: 2014-01-31\nmoede:\n  dato: 2014-02-01\n---\n"
corner "${H}moede:\n\tdato: 2014-01-31\n---\n"
corner "${H}moede: {dato: 2014-01-31}\n---\n"
corner "${H}moede:\n  dato: &d 2014-01-31\nopfoelgning:\n  dato: *d\n---\n"
corner "${H}moede:\n  dato: !!str 2014-01-31\n---\n"
corner "${H}moede:\n  dato: 2014-01-31\nmaal:\n  - titel: A\n    indsatser:\n      - opgave: Et\n        frist: 2014-02-30\n---\n"
corner "${H}moede:\n  dato: 2014-01-31\nmaal:\n  - titel: A\n    indsatser:\n      - opgave: to\n          linjer\n        frist: 2014-06-02\n---\n"
corner "---\r\nkiplan: 1\r\nid: ki-2014-0013\r\nstatus: aktiv\r\nmoede:\r\n  dato: 2014-01-31\r\n---\r\n"
corner "\357\273\277${H}moede:\n  dato: 2014-01-31\n---\n"
corner "${H}moede:\n  dato: 2014-01-31\n"
corner "---\n---\nNo frontmatter.\n"
corner "---\n- a\n- b\n---\n"
corner "${H}borger:\n  navn: 'O''Brien'\nmoede:\n  dato: 2014-01-31\n---\n"
corner "${H}borger:\n  navn: \"Jens \\\\\"J\\\\\" Hansen\"\nmoede:\n  dato: 2014-01-31\n---\n"
corner "${H}koordinator:\n  navn: true\nmoede:\n  dato: 2014-01-31\n---\n"
corner "${H}koordinator:\n  navn: 12\nmoede:\n  dato: 2014-01-31\n---\n"
corner "${H}koordinator:\n  navn: null\nmoede:\n  dato: 20140131\n---\n"
corner "---\nkiplan: 1\nid: ki-2014-0023\nstatus: kladde\nsamtykke:\n  dato: 2014-05-01\n---\n"
corner "---\nkiplan: 1\nid: ki-2014-0024\nstatus: kladde\n---\n"
corner "${H}moede:\n  dato: 2014-01-31\nmaal:\n  - titel: A\n    indsatser:\n      - opgave: \"x: y\"\n        frist: 2014-06-02\n      - opgave: a: b\n---\n"
corner "${H}moede:\n  dato: 2014-01-31\nudfordringer:\n  - |\n    Fri tekst: med kolon # og hash\n\n    - og en liste\n  - Anden\n---\n"
corner "${H}moede:\n  dato: 2014-01-31\nnote: |\n      for mange\n    for få\n---\n"
corner "${H}moede:\n  dato: 2014-01-31\n  # kommentar\n# og en til\nopfoelgning:\n\n  dato: 2014-03-01\n---\n"
corner "${H}moede:\n  dato: 2014-01-31\nmaal:\n  - titel: A\n    indsatser:\n      - opgave: Tab\tinde\n        frist: 2014-06-02\n---\n"
corner "${H}moede:\n  dato: 2014-01-31\nx: \302\205\n---\n"
corner "${H}moede:\n  dato: 2014-01-31\nx: a\001b\n---\n"
corner "${H}moede:\n  dato: 2014-01-31\n---\nBody with a control \033 character.\n"
corner "${H}moede:\n  dato: 2014-01-31\nmaal:\n  -\n    titel: A\n---\n"
corner "${H}moede:\n  dato: 2014-01-31\nmaal: []\n---\n"
corner "${H}moede:\n  dato: 2014-01-31\nmaal:\n  - titel: A\n    indsatser:\n      - opgave: |-\n          Literal\n          kept\n        frist: 2014-06-02\n        ansvarlig: >+\n          Keep\n\n---\n"
corner "${H}moede:\n  dato: 2014-01-31\nstatus: afsluttet\n---\n"
corner "${H}moede:\n    dato: 2014-01-31\n  sted: x\n---\n"
corner "${H}...\n"
# An implicit key of 1024 characters, and one over YAML's limit.
k=$(printf "%01024d" 0 | tr 0 k)
corner "${H}moede:\n  dato: 2014-01-31\n$k: 1\n---\n"
corner "${H}moede:\n  dato: 2014-01-31\n${k}k: 1\n---\n"
# git's conflict markers in the body: the loader refuses the plan.
corner "${H}moede:\n  dato: 2014-01-31\n---\n<<<<<<< HEAD\nA\n=======\nB\n>>>>>>> other\n"
corner "${H}moede:\n  dato: 2014-01-31\n---\nNoter.\n|||||||\n"
for f in c/*.md; do
	same "corner $f" --format json --draft-days 10 --within 400 "$f"
	same "corner $f, export" export --format jsonl "$f"
done

# Every document of the YAML suite as a frontmatter, alone and after a plan.
suite=$shared/testsuites/yaml
if [ -d "$suite" ]; then
	mkdir y
	for d in "$suite"/*/; do
		[ -f "$d/in.yaml" ] || continue
		id=$(basename "$d")
		{ printf -- '---\n'; cat "$d/in.yaml"; printf -- '\n---\n'; } >"y/a-$id.md"
		{ printf -- '---\nstatus: aktiv\nmoede:\n  dato: 2014-01-31\n'; cat "$d/in.yaml"; printf -- '\n---\n'; } >"y/b-$id.md"
	done
	# All at once (four runs instead of six thousand); only when they
	# differ, one by one to name the documents.
	fails=$fail
	same "yaml suite" --format json --within 400 y
	same "yaml suite, export" export --format jsonl y
	if [ "$fail" -ne "$fails" ]; then
		for f in y/*.md; do
			same "yaml suite $f" --format json --within 400 "$f" >/dev/null
			same "yaml suite $f, export" export --format jsonl "$f" >/dev/null
		done
	fi
	[ "$fail" -eq "$fails" ] && echo "yaml suite: $(ls y | wc -l) documents agree"
else
	echo "skipped: $SHARED/testsuites/yaml not found (due-fast's YAML suite part)"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

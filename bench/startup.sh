#!/bin/sh
# startup.sh: how long kiplan takes to start, beside git --version and a
# trivial C program measured in the same run.  Not a test: it prints
# figures (bench/README-startup.md).
#
#     sh bench/startup.sh [KIPLAN...]
#
# Each figure is the mean wall time of N runs (default 200, $N) of one
# command, each a fork, exec and wait by bench/startup.c, output to
# /dev/null.  With several kiplan executables (say an older build), each
# gets a column, and the runs of one row are interleaved in 10 rounds so
# that a change in the machine's load falls on all of them alike.
set -u
N=${N:-200}
ROUNDS=10
ROOT=$(pwd)
CC=${CC:-cc}
[ $# -gt 0 ] || set -- build/kiplan
kiplans=
for k in "$@"; do
	[ -x "$k" ] || { echo "bench: no kiplan at $k (make first)" >&2; exit 3; }
	kiplans="$kiplans $(cd "$(dirname "$k")" && pwd)/$(basename "$k")"
done
# shellcheck disable=SC2086
set -- $kiplans
KIPLAN=$1

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
$CC -O2 -o "$tmp/startup" "$ROOT/bench/startup.c" || exit 3

# A copy of Bilag 2 outside any repository, and the same plan inside a
# plan repository, validated by its id from a subdirectory.
mkdir "$tmp/loose"
cp "$ROOT/examples/bilag2.md" "$tmp/loose/bilag2.md"
export GIT_CONFIG_NOSYSTEM=1 KIPLAN_AUTHOR="Bench <bench@example.dk>"
"$KIPLAN" init "$tmp/repo" >/dev/null || exit 3
id=$(sed -n 's/^id: *//p' "$ROOT/examples/bilag2.md" | head -n 1)
cp "$ROOT/examples/bilag2.md" "$tmp/repo/$id.md"
mkdir "$tmp/repo/sub"

# row LABEL ONE DIR CMD...: the mean of CMD run in DIR ("": here), with
# KIPLAN replaced by each kiplan (only the first when ONE is 1), over N
# runs in ROUNDS interleaved rounds.
row() {
	label=$1
	one=$2
	dir=$3
	shift 3
	line="| $label |"
	i=0
	for k in $kiplans; do
		i=$((i + 1))
		echo 0 >"$tmp/sum.$i"
	done
	r=0
	while [ $r -lt $ROUNDS ]; do
		i=0
		for k in $kiplans; do
			i=$((i + 1))
			[ "$one" = 1 ] && [ $i -gt 1 ] && continue
			cmd=
			for a in "$@"; do
				[ "$a" = KIPLAN ] && a=$k
				cmd="$cmd '$a'"
			done
			ms=$(eval "\"$tmp/startup\" ${dir:+-C \"\$dir\"} $((N / ROUNDS)) $cmd") ||
				{ echo "bench: $label failed" >&2; exit 3; }
			awk -v a="$(cat "$tmp/sum.$i")" -v b="$ms" 'BEGIN { print a + b }' >"$tmp/sum.$i"
		done
		r=$((r + 1))
	done
	i=0
	for k in $kiplans; do
		i=$((i + 1))
		if [ "$one" = 1 ] && [ $i -gt 1 ]; then
			line="$line |"
		else
			line="$line $(awk -v s="$(cat "$tmp/sum.$i")" -v r=$ROUNDS 'BEGIN { printf "%.1f", s / r }') |"
		fi
	done
	echo "$line"
}

printf '%s runs each, %s CPUs, %s, load %s\n\n' "$N" "$(nproc)" "$(uname -sr)" \
	"$(cut -d' ' -f1-3 /proc/loadavg)"
head="| ms per run |"
rule="| --- |"
for k in $kiplans; do
	head="$head $k |"
	rule="$rule ---: |"
done
echo "$head"
echo "$rule"
row 'trivial C program' 1 '' "$tmp/startup" --floor
row 'git --version' 1 '' git --version
row 'kiplan --version' 0 '' KIPLAN --version
row 'kiplan validate bilag2.md (no repository)' 0 '' KIPLAN validate "$tmp/loose/bilag2.md"
row "kiplan validate $id (plan repository, from a subdirectory)" 0 "$tmp/repo/sub" \
	KIPLAN validate "$id"
row 'kiplan render --format pdf bilag2.md' 0 '' KIPLAN render --format pdf -o "$tmp/x.pdf" "$tmp/loose/bilag2.md"
echo
for k in $kiplans; do
	printf 'ldd %s: %s lines\n' "$k" "$(ldd "$k" | wc -l)"
done

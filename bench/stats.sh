#!/bin/sh
# stats.sh: time `kiplan stats` over a plan repository with a long history
# (bench/gen-history: PLANS plans, about COMMITS commits over YEARS years),
# beside `git log --name-only` over the same history (the yardstick: a
# walk of every commit and its tree diff, without reading a blob).
# Prints a Markdown table for bench/README.md.  Not part of `make check`.
#
# usage: bench/stats.sh [PLANS COMMITS]...   (default: 10000 50000)
# environment: KIPLAN (default build/kiplan), BENCH_DIR (where the
# repositories are made and kept, default /tmp/kiplan-bench), RUNS (best
# of, 3), YEARS (of history, default 10: a service of 1,000 plans a year).
set -eu
KIPLAN=${KIPLAN:-$(pwd)/build/kiplan}
BENCH_DIR=${BENCH_DIR:-/tmp/kiplan-bench}
RUNS=${RUNS:-3}
YEARS=${YEARS:-10}
HERE=$(cd "$(dirname "$0")" && pwd)
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "stats.sh: needs /usr/bin/time (apt-get install time)" >&2; exit 1; }
[ -x "$KIPLAN" ] || { echo "stats.sh: build kiplan first ($KIPLAN)" >&2; exit 1; }
[ $# -gt 0 ] || set -- 10000 50000
[ $(($# % 2)) -eq 0 ] || { echo "usage: bench/stats.sh [PLANS COMMITS]..." >&2; exit 2; }
mkdir -p "$BENCH_DIR"
export KIPLAN_TODAY=2025-12-31 KIPLAN_AUTHOR="Bench <bench@example.dk>"
export GIT_AUTHOR_NAME=Bench GIT_AUTHOR_EMAIL=bench@example.dk
export GIT_COMMITTER_NAME=Bench GIT_COMMITTER_EMAIL=bench@example.dk
out=$(mktemp)
trap 'rm -f "$out" "$out.err"' EXIT INT TERM

# best CMD...: the best wall time of $RUNS runs (nanosecond clock), with
# its CPU time and peak RSS from /usr/bin/time; prints "secs cpu rss_kb".
best() {
	b=
	for _ in $(seq "$RUNS"); do
		t0=$(date +%s%N)
		"$TIME" -f '%U %S %M' -o "$out" "$@" >/dev/null 2>"$out.err" ||
			{ cat "$out.err" >&2; exit 1; }
		t1=$(date +%s%N)
		w=$(( (t1 - t0) / 1000000 ))
		if [ -z "$b" ] || [ "$w" -lt "$b" ]; then
			b=$w
			cpu=$(awk '{ printf "%.2f", $1 + $2 }' "$out")
			rss=$(awk '{ print $3 }' "$out")
		fi
	done
	echo "$b $cpu $rss"
}

row() { # row PLANS COMMITS TOOL "secs cpu rss" YARDSTICK_MS
	set -- "$1" "$2" "$3" $4 "$5"
	awk -v p="$1" -v c="$2" -v t="$3" -v ms="$4" -v cpu="$5" -v rss="$6" \
		-v y="$7" 'BEGIN {
		printf "| %d | %d | %s | %.3f | %s | %d | %.1f | %.2f× |\n",
			p, c, t, ms / 1000, cpu, c / (ms / 1000), rss / 1024,
			ms / y }'
}

echo "kiplan $("$KIPLAN" --version | sed 's/^kiplan //'), $(nproc) CPUs, $(uname -sr), best of $RUNS"
echo
echo "| plans | commits | tool | wall s | CPU s | commits/s | peak RSS MB | × git log |"
echo "| ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |"
while [ $# -gt 0 ]; do
	plans=$1 commits=$2
	shift 2
	R=$BENCH_DIR/history-$plans-$commits-$YEARS
	if [ ! -d "$R/.kiplan" ]; then
		rm -rf "$R"
		"$KIPLAN" init "$R" >/dev/null
		python3 "$HERE/gen-history" --years "$YEARS" "$plans" "$commits" "$R" >&2
	fi
	n=$(git -C "$R" rev-list --count HEAD)
	g=$(best git -C "$R" log --name-only --format=%H%x09%ct)
	gms=${g%% *}
	row "$plans" "$n" "git log --name-only" "$g" "$gms"
	row "$plans" "$n" "kiplan stats, 1 thread" \
		"$(best "$KIPLAN" -C "$R" stats --jobs 1 --format json)" "$gms"
	row "$plans" "$n" "kiplan stats" \
		"$(best "$KIPLAN" -C "$R" stats --format json)" "$gms"
	row "$plans" "$n" "kiplan stats, months, by organisation" \
		"$(best "$KIPLAN" -C "$R" stats --period month --by organisation --format json)" "$gms"
	row "$plans" "$n" "kiplan stats --format html" \
		"$(best "$KIPLAN" -C "$R" stats --format html)" "$gms"
done

#!/bin/sh
# run.sh: time `kiplan due`, `kiplan validate` and `kiplan export --format
# jsonl` over 1,000, 10,000 and 100,000 generated plans against the floor,
# bench/floor.c (walk the same directories and read() every plan into one
# buffer, nothing else), measured in the same run on the same files.  For
# comparison also `cat` (find | xargs cat) and bench/yardstick.py
# (PyYAML's C loader doing due's and export's jobs).  Prints a Markdown
# table for bench/README.md.  Not part of `make check`.
#
# usage: bench/run.sh [SIZES...]      (default: 1000 10000 100000)
# environment: KIPLAN (default build/kiplan), BENCH_DIR (where the plans
# are generated and kept, default /tmp/kiplan-bench), RUNS (timed runs,
# the median is shown; default 5), PY_RUNS (for the Python yardstick,
# default 3; 1 from 100,000 plans, where one run takes most of a minute;
# 0 leaves Python out), TODAY (default 2026-01-01).
#
# The commands take turns: a round runs each once, under bench/timeit,
# which stops the script if kiplan exits with an unexpected status or
# writes anything to its error output (validate's summary aside); the
# first round is untimed (the page cache is warm), then RUNS rounds are
# timed.  The Python yardstick runs after the rounds.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
KIPLAN=${KIPLAN:-$ROOT/build/kiplan}
BENCH_DIR=${BENCH_DIR:-/tmp/kiplan-bench}
RUNS=${RUNS:-5}
PY_RUNS=${PY_RUNS:-3}
TODAY=${TODAY:-2026-01-01}
PY=${PYTHON:-/usr/bin/python3}
[ -x "$KIPLAN" ] || { echo "run.sh: build kiplan first ($KIPLAN)" >&2; exit 1; }
[ $# -gt 0 ] || set -- 1000 10000 100000
make -s -C "$HERE" BUILD="$ROOT/build" >&2
FLOOR=$ROOT/build/bench/floor
TIMEIT=$ROOT/build/bench/timeit
mkdir -p "$BENCH_DIR"
export XDG_CACHE_HOME="$BENCH_DIR/cache" KIPLAN_TODAY="$TODAY"
res=$(mktemp -d)
trap 'rm -rf "$res"' EXIT INT TERM

# summary FILE: bench/timeit's lines of single runs, one line as timeit
# prints for many: median, mean, min and max wall, mean CPU, peak RSS.
summary() {
	sort -n "$1" | awk '{ t[NR] = $1; s += $1; c += $5; if ($6 > m) m = $6 }
	END {
		med = NR % 2 ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2
		printf "%.6f %.6f %.6f %.6f %.6f %d\n",
			med, s / NR, t[1], t[NR], c / NR, m
	}'
}

# row N TOOL "median mean min max cpu rss" FLOOR_S CAT_S
row() {
	echo "$3" | awk -v n="$1" -v tool="$2" -v fl="$4" -v cat="$5" '{
		printf "| %d | %s | %.3f | %.3f–%.3f | %.2f | %.1f | %.2f× | %.2f× |\n",
			n, tool, $1, $3, $4, $5, $6 / 1024, $1 / fl, $1 / cat
	}'
}

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
echo "kiplan $("$KIPLAN" --version | cut -d' ' -f2), $(nproc) CPUs ($cpu), $(uname -sr), $(date -u +%Y-%m-%d), median of $RUNS (Python: $PY_RUNS, 1 from 100,000 plans), today $TODAY, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| plans | tool | median s | min–max s | CPU s | peak RSS MB | × floor | × cat |"
echo "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |"
for n in "$@"; do
	dir=$BENCH_DIR/plans-$n
	if [ ! -f "$dir.done" ]; then
		rm -rf "$dir"
		"$PY" "$HERE/gen-plans" --seed "$n" "$n" "$dir"
		touch "$dir.done"
	fi
	rm -rf "$XDG_CACHE_HOME"

	# The floor, cat and kiplan must see the same files.
	read_floor=$("$FLOOR" "$dir")
	bytes=$(find "$dir" -name '*.md' -print0 | xargs -0 cat | wc -c)
	lines=$("$KIPLAN" export --format jsonl "$dir" | wc -l)
	if [ "$read_floor" != "$bytes bytes, $n files" ] || [ "$lines" -ne "$n" ]; then
		echo "run.sh: floor read '$read_floor', cat $bytes bytes, export $lines plans; expected $n" >&2
		exit 1
	fi

	# The commands take turns, round after round, so that whatever else
	# the machine does falls on all of them alike; round 0 is untimed.
	"$TIMEIT" -n 1 -w 0 -x 0,1 -- "$KIPLAN" due "$dir" >/dev/null	# fill the cache
	sleep 3								# older than the racy window
	rm -f "$res"/*
	r=0
	while [ "$r" -le "$RUNS" ]; do
		o=/dev/null
		[ "$r" -eq 0 ] || o=$res/
		"$TIMEIT" -n 1 -w 0 -- "$FLOOR" "$dir" >>"${o}fl"
		"$TIMEIT" -n 1 -w 0 -- sh -c "find '$dir' -name '*.md' -print0 | xargs -0 cat" >>"${o}ct"
		# due exits 1 when something is overdue.
		"$TIMEIT" -n 1 -w 0 -x 0,1 -- "$KIPLAN" due --no-cache --jobs 1 "$dir" >>"${o}due1"
		"$TIMEIT" -n 1 -w 0 -x 0,1 -- "$KIPLAN" due --no-cache "$dir" >>"${o}due2"
		"$TIMEIT" -n 1 -w 0 -- "$KIPLAN" due --no-cache --today 2013-06-01 "$dir" >>"${o}dues"
		"$TIMEIT" -n 1 -w 0 -x 0,1 -- "$KIPLAN" due "$dir" >>"${o}duec"
		# validate writes its summary to the error output; 0 is a clean pass.
		"$TIMEIT" -n 1 -w 0 -e -- "$KIPLAN" validate "$dir" >>"${o}val"
		"$TIMEIT" -n 1 -w 0 -- "$KIPLAN" export --format jsonl "$dir" >>"${o}exp"
		r=$((r + 1))
	done
	fl=$(summary "$res/fl")
	ct=$(summary "$res/ct")
	due1=$(summary "$res/due1")
	due2=$(summary "$res/due2")
	dues=$(summary "$res/dues")
	duec=$(summary "$res/duec")
	val=$(summary "$res/val")
	exp=$(summary "$res/exp")
	fs=${fl%% *}
	cs=${ct%% *}
	row "$n" "floor" "$fl" "$fs" "$cs"
	row "$n" "cat" "$ct" "$fs" "$cs"
	row "$n" "kiplan due, 1 thread" "$due1" "$fs" "$cs"
	row "$n" "kiplan due" "$due2" "$fs" "$cs"
	row "$n" "kiplan due, nothing due" "$dues" "$fs" "$cs"
	row "$n" "kiplan due, cached" "$duec" "$fs" "$cs"
	row "$n" "kiplan validate" "$val" "$fs" "$cs"
	row "$n" "kiplan export jsonl" "$exp" "$fs" "$cs"
	if [ "$PY_RUNS" -gt 0 ]; then
		pr=$PY_RUNS
		[ "$n" -lt 100000 ] || pr=1
		pyd=$("$TIMEIT" -n "$pr" -w 0 -- "$PY" "$HERE/yardstick.py" due "$TODAY" "$dir")
		pyj=$("$TIMEIT" -n "$pr" -w 0 -- "$PY" "$HERE/yardstick.py" jsonl "$TODAY" "$dir")
		row "$n" "python due" "$pyd" "$fs" "$cs"
		row "$n" "python jsonl" "$pyj" "$fs" "$cs"
	fi
done
echo
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"

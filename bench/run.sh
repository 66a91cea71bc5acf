#!/bin/sh
# run.sh: time `kiplan due`, `kiplan validate` and `kiplan export --format
# jsonl` over 10,000 and 100,000 generated plans against the floor,
# bench/floor.c (walk the same directories as kiplan's scan and read()
# every plan into one buffer, nothing else), measured in the same run on
# the same files.  `cat` (find | xargs cat) is shown as an aside only: it
# maps a fresh buffer for every file and costs several times the floor.
# Prints one Markdown table per size, and the targets of issue 8 (due
# ≤ 1.5×, validate ≤ 2.5×, export jsonl ≤ 3× the floor's wall time,
# memory flat), for bench/README.md.  CPU is user + system time, the mean
# of the rounds; on a machine busy with other work, where a second thread
# finds no free CPU, its ratio says more than the wall time's.  `make bench` runs it.  Not part of `make check`.
#
# usage: bench/run.sh [SIZES...]      (default: 10000 100000)
# environment: KIPLAN (default build/kiplan), BENCH_DIR (where the plans
# are generated and kept, default /tmp/kiplan-bench), RUNS (timed rounds,
# the median is shown; default 5), PY_RUNS (runs of bench/yardstick.py,
# PyYAML's C loader doing due's and export's jobs, 1 from 100,000 plans;
# default 0, left out: it takes most of a minute per 100,000 plans),
# TODAY (default 2026-01-01).
#
# The commands take turns: a round runs each once, under bench/timeit,
# which stops the script if a command exits with an unexpected status or
# writes anything to its error output (validate's summary aside); the
# first round is untimed (the page cache is warm), then RUNS rounds are
# timed, so that whatever else the machine does falls on the floor and
# kiplan alike.  The load average is printed before and after each size:
# on a shared machine, rerun when it is low.  About 2 minutes with the
# defaults on an idle 2-CPU machine, several times that on a busy one.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
KIPLAN=${KIPLAN:-$ROOT/build/kiplan}
BENCH_DIR=${BENCH_DIR:-/tmp/kiplan-bench}
RUNS=${RUNS:-5}
PY_RUNS=${PY_RUNS:-0}
TODAY=${TODAY:-2026-01-01}
PY=${PYTHON:-python3}
[ -x "$KIPLAN" ] || { echo "run.sh: build kiplan first ($KIPLAN)" >&2; exit 1; }
[ $# -gt 0 ] || set -- 10000 100000
make -s -C "$HERE" BUILD="$ROOT/build" >&2
FLOOR=$ROOT/build/bench/floor
TIMEIT=$ROOT/build/bench/timeit
mkdir -p "$BENCH_DIR"
export XDG_CACHE_HOME="$BENCH_DIR/cache" KIPLAN_TODAY="$TODAY"
res=$(mktemp -d)
trap 'rm -rf "$res"' EXIT INT TERM

load() {
	cut -d' ' -f1-3 /proc/loadavg
}

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

# row LABEL FILE [TARGET]: a table row from the runs in $res/FILE, the
# ratio against the floor's median ($fs) and, with TARGET (the most times
# the floor), whether the target is met.  Keeps peak RSS for the memory
# table in $res/rss.
row() {
	s=$(summary "$res/$2")
	echo "$n $2 ${s##* }" >>"$res/rss"
	echo "$s" | awk -v l="$1" -v fl="$fs" -v fc="$fc" -v tg="${3:-}" '{
		r = $1 / fl
		t = tg == "" ? "" : sprintf("≤ %s×: %s", tg,
			r <= tg + 0 ? "met" : "**missed**")
		printf "| %s | %.3f | %.3f–%.3f | %.1f | %.2f× | %.3f | %.2f× | %s |\n",
			l, $1, $3, $4, $6 / 1024, r, $5, (fc > 0 ? $5 / fc : 0), t
	}'
}

# time_round [OUT]: one round, every command once, each timeit line
# appended to OUT/NAME (without OUT: thrown away).
time_round() {
	o=${1:-}
	t() {
		f=$1
		shift
		out=/dev/null
		[ -z "$o" ] || out=$o/$f
		"$TIMEIT" -n 1 -w 0 "$@" >>"$out"
	}
	t fl -- "$FLOOR" "$dir"
	# cat, an aside that costs several times the floor: one timed run.
	[ "$r" -ne 1 ] ||
		t ct -- sh -c "find '$dir' -name '*.md' -print0 | xargs -0 cat"
	# due exits 1 when something is overdue.
	t due -x 0,1 -- "$KIPLAN" due --no-cache "$dir"
	t due1 -x 0,1 -- "$KIPLAN" due --no-cache --jobs 1 "$dir"
	t dues -- "$KIPLAN" due --no-cache --today 2013-06-01 "$dir"
	t duec -x 0,1 -- "$KIPLAN" due "$dir"
	# validate writes its summary to the error output; 0 is a clean pass.
	t val -e -- "$KIPLAN" validate "$dir"
	t exp -- "$KIPLAN" export --format jsonl "$dir"
	[ -z "$o" ] || cut -d' ' -f1 /proc/loadavg >>"$o/load"
}

# thousands N: 100000 as 100,000.
thousands() {
	echo "$1" | awk '{ s = $1; o = ""
		while (length(s) > 3) { o = "," substr(s, length(s) - 2) o; s = substr(s, 1, length(s) - 3) }
		print s o }'
}

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
rev=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
echo "kiplan $("$KIPLAN" --version | cut -d' ' -f2) ($rev), $(nproc) CPUs ($cpu), $(uname -sr), $(date -u '+%Y-%m-%d %H:%M UTC'); median of $RUNS rounds after one untimed; today $TODAY."
echo
echo "Load average at the start: $(load)."
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

	"$TIMEIT" -n 1 -w 0 -x 0,1 -- "$KIPLAN" due "$dir" >/dev/null	# fill the cache
	sleep 3								# older than the racy window
	rm -f "$res"/fl "$res"/ct "$res"/due* "$res"/val "$res"/exp "$res"/load
	r=0
	time_round
	r=1
	while [ "$r" -le "$RUNS" ]; do
		time_round "$res"
		r=$((r + 1))
	done

	fs=$(summary "$res/fl")
	fc=$(echo "$fs" | cut -d' ' -f5)
	fs=${fs%% *}
	echo
	echo "### $(thousands "$n") plans, $(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1e6 }') MB"
	echo
	echo "| command | median s | min–max s | peak RSS MB | × floor | CPU s | CPU × floor | target |"
	echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
	row "floor (walk, open and read every plan)" fl
	row "kiplan due --no-cache" due 1.5
	row "kiplan due --no-cache --jobs 1" due1
	row "kiplan due --no-cache, nothing due" dues
	row "kiplan due, cache up to date" duec
	row "kiplan validate" val 2.5
	row "kiplan export --format jsonl" exp 3
	row "*aside:* find \| xargs cat (one run)" ct
	if [ "$PY_RUNS" -gt 0 ]; then
		pr=$PY_RUNS
		[ "$n" -lt 100000 ] || pr=1
		"$TIMEIT" -n "$pr" -w 0 -- "$PY" "$HERE/yardstick.py" due "$TODAY" "$dir" >"$res/pyd"
		"$TIMEIT" -n "$pr" -w 0 -- "$PY" "$HERE/yardstick.py" jsonl "$TODAY" "$dir" >"$res/pyj"
		row "*aside:* Python (PyYAML C loader) due" pyd
		row "*aside:* Python (PyYAML C loader) jsonl" pyj
	fi
	echo
	echo "Load average (1 minute) after each round: $(sort -n "$res/load" | awk '
		{ v[NR] = $1 } END { printf "%s–%s", v[1], v[NR] }'); now $(load)."
done

# Peak memory by size: flat means it does not grow with the plans read.
if [ $# -gt 1 ]; then
	echo
	echo "### Peak RSS, MB"
	echo
	printf '| command |'
	for n in "$@"; do printf " %s |" "$(thousands "$n")"; done
	printf '\n| --- |'
	for n in "$@"; do printf ' ---: |'; done
	echo
	for c in fl due due1 dues duec val exp; do
		case $c in
		fl) l="floor" ;;
		due) l="due --no-cache" ;;
		due1) l="due --no-cache --jobs 1" ;;
		dues) l="due --no-cache, nothing due" ;;
		duec) l="due, cache up to date" ;;
		val) l="validate" ;;
		exp) l="export --format jsonl" ;;
		esac
		printf '| %s |' "$l"
		for n in "$@"; do
			awk -v n="$n" -v c="$c" '$1 == n && $2 == c {
				printf " %.1f |", $3 / 1024 }' "$res/rss"
		done
		echo
	done
fi

#!/bin/sh
# run.sh: time `kiplan due`, `kiplan validate` and `kiplan export --format
# jsonl` over 1,000, 10,000 and 100,000 generated plans, against two
# yardsticks measured in the same run: reading the same files with cat, and
# bench/yardstick.py (PyYAML's C loader) doing the same job.  Prints a
# Markdown table for bench/README.md.  Not part of `make check`.
#
# usage: bench/run.sh [SIZES...]      (default: 1000 10000 100000)
# environment: KIPLAN (default build/kiplan), BENCH_DIR (where the plans
# are generated and kept, default /tmp/kiplan-bench), RUNS (best of, 3),
# RUNS_LARGE (best of, for the Python yardstick from 100,000 plans; 1: it
# takes minutes),
# TODAY (default 2026-01-01).
set -eu
KIPLAN=${KIPLAN:-$(pwd)/build/kiplan}
BENCH_DIR=${BENCH_DIR:-/tmp/kiplan-bench}
RUNS=${RUNS:-3}
RUNS_LARGE=${RUNS_LARGE:-1}
TODAY=${TODAY:-2026-01-01}
PY=${PYTHON:-/usr/bin/python3}
HERE=$(cd "$(dirname "$0")" && pwd)
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "run.sh: needs /usr/bin/time (apt-get install time)" >&2; exit 1; }
[ -x "$KIPLAN" ] || { echo "run.sh: build kiplan first ($KIPLAN)" >&2; exit 1; }
[ $# -gt 0 ] || set -- 1000 10000 100000
mkdir -p "$BENCH_DIR"
export XDG_CACHE_HOME="$BENCH_DIR/cache" KIPLAN_TODAY="$TODAY"
out=$(mktemp)
trap 'rm -f "$out" "$out.err"' EXIT INT TERM

# best CMD...: the best wall time of $runs runs (nanosecond clock), with
# its CPU time and peak RSS from /usr/bin/time; prints "secs cpu rss_kb".
best() {
	b=
	for _ in $(seq "$runs"); do
		t0=$(date +%s%N)
		rc=0
		"$TIME" -f '%U %S %M' -o "$out" "$@" >/dev/null 2>"$out.err" || rc=$?
		# 1 is an answer (overdue, invalid); anything else is a failure.
		if [ "$rc" -gt 1 ]; then
			echo "run.sh: '$*' failed with exit $rc:" >&2
			cat "$out.err" >&2
			kill -TERM $$	# we are in $(...): stop the script
			exit 1
		fi
		t1=$(date +%s%N)
		r="$(echo "$t0 $t1" | awk '{printf "%.3f", ($2 - $1) / 1e9}') $(tail -n 1 "$out")"
		if [ -z "$b" ] || [ "$(echo "$r $b" | awk '{print ($1 < $5)}')" = 1 ]; then
			b=$r
		fi
	done
	echo "$b" | awk '{printf "%s %.2f %d\n", $1, $2 + $3, $4}'
}

row() {	# row N MB TOOL "secs cpu rss" CAT_SECS [PY_SECS]
	echo "$4" | awk -v n="$1" -v mb="$2" -v tool="$3" -v cat="$5" -v py="${6:-}" '{
		printf "| %d | %s | %.3f | %.2f | %.0f | %.0f | %.1f | %.2f× | %s |\n",
			n, tool, $1, $2, n / $1, mb / $1, $3 / 1024, $1 / cat,
			py == "" ? "" : sprintf("%.1f×", py / $1)
	}'
}

echo "kiplan $("$KIPLAN" --version | cut -d' ' -f2), $(nproc) CPUs, $(uname -sr), best of $RUNS (Python: $RUNS_LARGE from 100,000 plans), today $TODAY"
echo
echo "| plans | tool | wall s | CPU s | plans/s | MB/s | peak RSS MB | × cat | Python ÷ kiplan |"
echo "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for n in "$@"; do
	runs=$RUNS
	pyruns=$RUNS
	[ "$n" -lt 100000 ] || pyruns=$RUNS_LARGE
	dir=$BENCH_DIR/plans-$n
	if [ ! -f "$dir.done" ]; then
		rm -rf "$dir"
		"$PY" "$HERE/gen-plans" --seed "$n" "$n" "$dir"
		touch "$dir.done"
	fi
	mb=$(du -sm --apparent-size "$dir" | cut -f1)
	rm -rf "$XDG_CACHE_HOME"
	# Warm the page cache; everything below reads the same cached files.
	find "$dir" -name '*.md' -print0 | xargs -0 cat >/dev/null
	cat_t=$(best sh -c "find '$dir' -name '*.md' -print0 | xargs -0 cat")
	cs=${cat_t%% *}
	runs=$pyruns
	py_due=$(best "$PY" "$HERE/yardstick.py" due "$TODAY" "$dir")
	py_jsonl=$(best "$PY" "$HERE/yardstick.py" jsonl "$TODAY" "$dir")
	runs=$RUNS
	due1=$(best "$KIPLAN" due --no-cache --jobs 1 "$dir")
	due2=$(best "$KIPLAN" due --no-cache "$dir")
	"$KIPLAN" due "$dir" >/dev/null 2>&1 || true	# fill the cache
	sleep 3						# older than the racy window
	"$KIPLAN" due "$dir" >/dev/null 2>&1 || true
	duec=$(best "$KIPLAN" due "$dir")
	val=$(best "$KIPLAN" validate "$dir")
	exp=$(best "$KIPLAN" export --format jsonl "$dir")
	row "$n" "$mb" "cat" "$cat_t" "$cs"
	row "$n" "$mb" "python due" "$py_due" "$cs"
	row "$n" "$mb" "kiplan due, 1 thread" "$due1" "$cs" "${py_due%% *}"
	row "$n" "$mb" "kiplan due" "$due2" "$cs" "${py_due%% *}"
	row "$n" "$mb" "kiplan due, cached" "$duec" "$cs" "${py_due%% *}"
	row "$n" "$mb" "kiplan validate" "$val" "$cs"
	row "$n" "$mb" "python jsonl" "$py_jsonl" "$cs"
	row "$n" "$mb" "kiplan export jsonl" "$exp" "$cs" "${py_jsonl%% *}"
done

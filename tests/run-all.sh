#!/bin/sh
# run-all.sh: every test runner of `make check`, as many at once as there
# are CPUs, each one's output printed whole and in order with its wall time.
# Each runner ends with a line "N passed, N failed"; this adds them up and
# ends with the total in the same form.  Exit 1 if anything failed.
set -u
BUILD=${BUILD:-build}
SHARED=${SHARED:-../shared}
export BUILD SHARED
KIPLAN=$(cd "$BUILD" && pwd)/kiplan
export KIPLAN
# The catalogues of this build, not of an installed kiplan.
KIPLAN_LOCALEDIR=$(cd "$BUILD" && pwd)/locale
export KIPLAN_LOCALEDIR
# English unless a test asks for Danish.
export LC_ALL=C.UTF-8
unset LANGUAGE LANG
# Tests never depend on the user's git identity or configuration.
export GIT_CONFIG_NOSYSTEM=1
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
# fontconfig and pango keep one-time caches for the life of the process;
# only their frames are suppressed, never kiplan's own.
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$(pwd)/tests/lsan.supp:print_suppressions=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# Runs at once: the CPUs (KIPLAN_TEST_JOBS to choose).  Each runner's
# output is kept whole and printed in the order below, as soon as it and
# every runner before it have ended.
jobs=${KIPLAN_TEST_JOBS:-$(nproc 2>/dev/null || echo 1)}
out=$(mktemp -d)
pool=
trap '[ -n "$pool" ] && kill "$pool" 2>/dev/null; rm -rf "$out"' EXIT
trap 'exit 130' INT TERM
n=0

# run NAME COMMAND...: a runner, queued.
run() {
	n=$((n + 1))
	printf '%s\n' "$1" >"$out/$n.name"
	shift
	for a in "$@"; do
		printf "'%s' " "$(printf '%s' "$a" | sed "s/'/'\\\\''/g")"
	done >"$out/$n.sh"
}

# skip NAME WHY: a runner that cannot run here, said in its place.
skip() {
	n=$((n + 1))
	printf '%s\n' "$1" >"$out/$n.name"
	printf 'skipped: %s\n' "$2" >"$out/$n.skip"
}

run catalogue sh tests/po-check.sh
run layers sh tests/layers.sh
run unit "$BUILD/tests/unit-tests"
run cases sh tests/run-cases.sh
# The conformance suites live outside the project, in $SHARED; a fresh
# clone without it skips them (one line each) rather than failing.
if [ -d "$SHARED/testsuites" ]; then
	run jsonschema-suite tests/run-jsonschema-suite "$SHARED/testsuites/json-schema/draft2020-12"
	run yaml-suite tests/run-yaml-suite "$SHARED/testsuites/yaml"
else
	skip jsonschema-suite "$SHARED/testsuites not found"
	skip yaml-suite "$SHARED/testsuites not found"
fi
# A sample of the crash sweeps (every 80th point of the committing
# commands, every 10th of merge-file; make crashtest runs all).
run crash-sample sh tests/crash/sweep.sh -e "${KIPLAN_CRASH_EVERY:-80}" -j 2
run crash-merge-file sh tests/crash/merge-file.sh -e 10
# What the shared copy of the suite lacks (anchor.json), kept here.
run jsonschema-suite-extra tests/run-jsonschema-suite tests/suite/jsonschema-extra
for t in plan fast validate html json merge; do
	run "fuzz-$t" "$BUILD/tests/fuzz-replay-$t" "tests/fuzz/corpus/$t"
done
for t in tests/cli/*.sh; do
	[ -f "$t" ] || continue
	run "cli/${t##*/}" sh "$t"
done

# Every queued runner, JOBS at once; each leaves NUM.log, NUM.rc and
# NUM.secs (its wall time).
i=0
while [ "$i" -lt "$n" ]; do
	i=$((i + 1))
	[ -f "$out/$i.sh" ] && echo "$i"
done | xargs -P "$jobs" -I{} sh -c '
	s=$(date +%s)
	sh "$1/{}.sh" >"$1/{}.log" 2>&1 </dev/null
	rc=$?
	echo $(($(date +%s) - s)) >"$1/{}.secs"
	echo "$rc" >"$1/{}.rc"' sh "$out" &
pool=$!

total_pass=0
total_fail=0
i=0
while [ "$i" -lt "$n" ]; do
	i=$((i + 1))
	name=$(cat "$out/$i.name")
	if [ -f "$out/$i.skip" ]; then
		printf '== %s\n' "$name"
		cat "$out/$i.skip"
		continue
	fi
	while [ ! -f "$out/$i.rc" ]; do
		kill -0 "$pool" 2>/dev/null || break
		sleep 1
	done
	rc=$(cat "$out/$i.rc" 2>/dev/null || echo 127)
	printf '== %s (%s s)\n' "$name" "$(cat "$out/$i.secs" 2>/dev/null)"
	cat "$out/$i.log"
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$out/$i.log" | tail -n 1)
	if [ -z "$line" ]; then
		echo "run-all: $name printed no 'N passed, N failed' line (exit $rc)"
		total_fail=$((total_fail + 1))
		continue
	fi
	p=${line%% passed*}
	f=${line#*passed, }
	f=${f%% failed*}
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "run-all: $name exited $rc"
		f=1
	fi
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
done
wait "$pool"

echo "== total"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]

#!/bin/sh
# run-all.sh: every test runner of `make check`, one after the other.  Each
# runner ends with a line "N passed, N failed"; this adds them up and ends
# with the total in the same form.  Exit 1 if anything failed.
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

total_pass=0
total_fail=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT INT TERM

run() {
	name=$1
	shift
	printf '== %s\n' "$name"
	"$@" >"$log" 2>&1
	rc=$?
	cat "$log"
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
	if [ -z "$line" ]; then
		echo "run-all: $name printed no 'N passed, N failed' line (exit $rc)"
		total_fail=$((total_fail + 1))
		return
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
}

skip() {
	printf '== %s\nskipped: %s\n' "$1" "$2"
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
# What the shared copy of the suite lacks (anchor.json), kept here.
# A sample of the crash sweep (every 80th point; make crashtest runs all).
run crash-sample sh tests/crash/sweep.sh -e "${KIPLAN_CRASH_EVERY:-80}" -j 2
run jsonschema-suite-extra tests/run-jsonschema-suite tests/suite/jsonschema-extra
for t in plan fast validate html json merge; do
	run "fuzz-$t" "$BUILD/tests/fuzz-replay-$t" "tests/fuzz/corpus/$t"
done
for t in tests/cli/*.sh; do
	[ -f "$t" ] || continue
	run "cli/${t##*/}" sh "$t"
done

echo "== total"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]

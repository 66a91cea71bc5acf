#!/bin/sh
# run-cases.sh: golden tests, in the style of mandoc's regress/.
#
# tests/cases/CMD/NAME.md (or a directory NAME.d) is run, from within
# tests/cases/CMD, as
#     kiplan CMD $(cat NAME.args) NAME.md
# and its standard output is compared with NAME.out, its standard error
# with NAME.err (when that file exists) and its exit status with NAME.rc
# (default 0).  KIPLAN_TODAY is fixed at 2014-06-01; a case can set its
# own with --today in NAME.args.  UPDATE=1 rewrites the expected files
# for review with git diff.
set -u
case ${BUILD:-build} in
/*) KIPLAN=${KIPLAN:-$BUILD/kiplan} ;;
*) KIPLAN=${KIPLAN:-$(pwd)/${BUILD:-build}/kiplan} ;;
esac
export KIPLAN_TODAY=2014-06-01
export LC_ALL=C.UTF-8
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

for dir in tests/cases/*/; do
	cmd=$(basename "$dir")
	for input in "$dir"*.md "$dir"*.d; do
		[ -e "$input" ] || continue
		base=${input%.*}
		name=$(basename "$input")
		[ -f "$base.out" ] || [ -n "${UPDATE:-}" ] || continue
		args=
		[ -f "$base.args" ] && args=$(cat "$base.args")
		want_rc=0
		[ -f "$base.rc" ] && want_rc=$(cat "$base.rc")
		# shellcheck disable=SC2086
		(cd "$dir" && "$KIPLAN" "$cmd" $args "$name") \
			>"$tmp/out" 2>"$tmp/err"
		rc=$?
		if [ -n "${UPDATE:-}" ]; then
			cp "$tmp/out" "$base.out"
			[ -f "$base.err" ] && cp "$tmp/err" "$base.err"
			if [ "$rc" -ne 0 ]; then echo "$rc" >"$base.rc"; else rm -f "$base.rc"; fi
		fi
		ok=1
		if ! diff -u "$base.out" "$tmp/out" >"$tmp/diff"; then
			ok=0
			cat "$tmp/diff"
		fi
		if [ -f "$base.err" ] && ! diff -u "$base.err" "$tmp/err" >"$tmp/diff"; then
			ok=0
			cat "$tmp/diff"
		fi
		if [ "$rc" -ne "$want_rc" ]; then
			ok=0
			echo "exit status $rc, expected $want_rc"
			cat "$tmp/err"
		fi
		if [ $ok -eq 1 ]; then
			pass=$((pass + 1))
		else
			fail=$((fail + 1))
			echo "FAIL: $cmd/$name"
		fi
	done
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

#!/bin/sh
# merge-file.sh: the crash sweep of kiplan merge-file, git's merge driver
# for plans, which writes its result over OURS.  It is run once under
# strace to learn its system calls; then, each time on fresh copies of
# the same three sides, it is killed (SIGKILL) at every one of them, and
# made to fail with ENOSPC and EIO at every write, close, rename, fsync
# and openat.  After each run:
#   OURS is exactly the old text or exactly the merged one (exit 0: the
#   merged one; killed or exit 3: either), and private (0600) once
#   written;
#   the merge-file run again then exits 0, leaves OURS exactly the merged
#   text, says that it removed what the killed one left, and no
#   temporary file is left beside OURS.
#
# usage: sh tests/crash/merge-file.sh [-e EVERY]
# Ends with "N passed, N failed": a passed point is one with no bad state.
set -u
every=1
while getopts e: o; do
	case $o in
	e) every=$OPTARG ;;
	*) echo "usage: sh tests/crash/merge-file.sh [-e EVERY]" >&2; exit 2 ;;
	esac
done
KIPLAN=${KIPLAN:-build/kiplan}
case $KIPLAN in /*) ;; *) KIPLAN=$(pwd)/$KIPLAN ;; esac
EXAMPLES=$(pwd)/examples
if ! command -v strace >/dev/null 2>&1; then
	echo "merge-file sweep: strace is not installed; skipped"
	echo "0 passed, 0 failed"
	exit 0
fi
W=$(mktemp -d -p /dev/shm 2>/dev/null || mktemp -d)
trap 'rm -rf "$W"' EXIT INT TERM
export LC_ALL=C.UTF-8 HOME="$W"
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
unset GIT_DIR LANGUAGE LANG

# The three sides: each changes a different field, so the merge is clean
# and differs from both.
cp "$EXAMPLES/bilag2.md" "$W/base"
sed 's/^  dato: 2014-10-01$/  dato: 2014-10-15/' "$W/base" >"$W/theirs"
sed 's/^  sted: Distriktspsykiatrien Vejle$/  sted: Jobcenter Vejle/' "$W/base" >"$W/ours"
cmp -s "$W/base" "$W/theirs" || cmp -s "$W/base" "$W/ours" && {
	echo "merge-file sweep: examples/bilag2.md has changed; the sides are equal"
	exit 1
}
cp "$W/ours" "$W/merged"
if ! "$KIPLAN" merge-file "$W/base" "$W/merged" "$W/theirs" ki-2014-0001.md 2>"$W/err"; then
	echo "merge-file sweep: the merge fails without any fault:"; cat "$W/err"; exit 1
fi
cmp -s "$W/merged" "$W/ours" && { echo "merge-file sweep: the merge changed nothing"; exit 1; }

mkdir "$W/d"
cp "$W/ours" "$W/d/ours"
(cd "$W/d" && strace -f -qq -o "$W/trace" "$KIPLAN" merge-file "$W/base" ours "$W/theirs" ki-2014-0001.md >/dev/null 2>&1)
# Points: the calls after the dynamic loader (the main thread's
# set_tid_address), numbered per system call as strace counts them.
awk -v every="$every" '
	NR == 1 { main = $1 }
	$1 == main && $2 ~ /^set_tid_address\(/ { booted = 1 }
	match($2, /^[a-z0-9_]+\(/) {
		s = substr($2, 1, RLENGTH - 1)
		n[s]++
		if (!booted) boot[s] = n[s]
	}
	END {
		split("write close rename fsync openat", es, " ")
		for (i in es) err[es[i]] = 1
		for (s in n)
			for (k = boot[s] + 1; k <= n[s]; k++) {
				print "kill", s, k, "KILL"
				if (!(s in err)) continue
				print "error", s, k, "ENOSPC"
				print "error", s, k, "EIO"
			}
	}' "$W/trace" | sort -k2,2 -k3n -k1,1 |
	awk -v every="$every" 'NR % every == 1 || every == 1' >"$W/jobs"

pass=0 fail=0 kills=0 errors=0 killed=0 failed=0 ran=0
while read -r mode sys n arg; do
	R=$W/r
	rm -rf "$R" && mkdir "$R" && cp "$W/ours" "$R/ours" || exit 1
	if [ "$mode" = kill ]; then
		inject="$sys:signal=KILL:when=$n"
		kills=$((kills + 1))
	else
		inject="$sys:error=$arg:when=$n"
		errors=$((errors + 1))
	fi
	(cd "$R" && exec strace -f -qq -o /dev/null -e trace="$sys" -e inject="$inject" \
		"$KIPLAN" merge-file "$W/base" ours "$W/theirs" ki-2014-0001.md) >"$W/out" 2>"$W/err1"
	rc=$?
	problems=
	case $rc in
	0) ran=$((ran + 1))
	   cmp -s "$R/ours" "$W/merged" || problems="$problems; exit 0 but OURS is not the merged text" ;;
	3|137)
	   # (exit 3 after the rename: the directory's fsync failed.)
	   if [ "$rc" = 3 ]; then failed=$((failed + 1)); else killed=$((killed + 1)); fi
	   cmp -s "$R/ours" "$W/ours" || cmp -s "$R/ours" "$W/merged" ||
		problems="$problems; exit $rc, and OURS is neither the old nor the merged text" ;;
	*) problems="$problems; exit $rc (not a documented status): $(head -c 200 "$W/err1" | tr '\n' ' ')" ;;
	esac
	if cmp -s "$R/ours" "$W/merged" && [ "$(stat -c %a "$R/ours")" != 600 ]; then
		problems="$problems; the merged OURS is not private"
	fi
	left=$(ls "$R" | grep -v '^ours$')
	[ "$rc" != 3 ] || [ -z "$left" ] || problems="$problems; exit 3 and left behind: $(echo $left)"
	(cd "$R" && "$KIPLAN" merge-file "$W/base" ours "$W/theirs" ki-2014-0001.md) >"$W/out" 2>"$W/err2"
	rc2=$?
	[ "$rc2" = 0 ] || problems="$problems; the next merge-file exits $rc2: $(head -c 200 "$W/err2" | tr '\n' ' ')"
	cmp -s "$R/ours" "$W/merged" ||
		problems="$problems; after the next merge-file OURS is not the merged text"
	if [ -n "$left" ] && ! grep -q "removed 1 temporary file" "$W/err2"; then
		problems="$problems; the next merge-file does not say it removed $left"
	fi
	t=$(ls "$R" | grep -v '^ours$')
	[ -z "$t" ] || problems="$problems; left behind: $(echo $t)"
	if [ -n "$problems" ]; then
		echo "BAD $mode $sys $n $arg rc=$rc$problems"
		fail=$((fail + 1))
	else
		pass=$((pass + 1))
	fi
done <"$W/jobs" 2>/dev/null # (the shell's "Killed")
echo "merge-file: $kills kill points, $errors injected errors (killed $killed, failed cleanly $failed, ran to the end $ran): $fail bad states"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

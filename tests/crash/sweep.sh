#!/bin/sh
# sweep.sh: the crash sweep.  Each committing command of commands.sh is
# run once under strace to learn the system calls it makes; then, each
# time on a fresh copy of the same plan repository, it is killed
# (SIGKILL) at every one of them, and made to fail with ENOSPC and EIO
# at every write, close, rename, fsync, openat, mkdir, link and unlink
# (and with EPERM at link, ENOLCK at fcntl).  After each run, and after
# the command that follows it, one.sh checks the repository: git fsck
# --strict, no history lost, the plans whole, an outbox that holds no
# sending the history lacks, and once a command has finished: git status
# clean (the index equals HEAD), no temporary file, journal or lock
# left, the outbox equal to the history's sendings, the next command
# successful, and no change made twice or lost.
#
# usage: sh tests/crash/sweep.sh [-e EVERY] [-j JOBS] [-l] [COMMAND...]
#   -e EVERY  only every EVERYth point (make check samples -e 10); the
#             points inside the dynamic loader, before kiplan's own
#             code runs, are then left out unless -l is given
#   -j JOBS   runs at once (default: the number of CPUs)
# Ends with "N passed, N failed": a passed point is one with no bad state.
set -u
every=1
jobs=$(nproc 2>/dev/null || echo 2)
loader=0
while getopts e:j:l o; do
	case $o in
	e) every=$OPTARG ;;
	j) jobs=$OPTARG ;;
	l) loader=1 ;;
	*) echo "usage: sh tests/crash/sweep.sh [-e EVERY] [-j JOBS] [-l] [COMMAND...]" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ "$every" = 1 ] && loader=1
KIPLAN=${KIPLAN:-build/kiplan}
case $KIPLAN in /*) ;; *) KIPLAN=$(pwd)/$KIPLAN ;; esac
CRASHDIR=$(cd "$(dirname "$0")" && pwd)
EXAMPLES=$(pwd)/examples
if ! command -v strace >/dev/null 2>&1; then
	echo "sweep: strace is not installed; skipped"
	echo "0 passed, 0 failed"
	exit 0
fi
# On a tmpfs when there is one: the sweep writes and syncs a great deal,
# and a file system's speed changes none of what it checks.
W=$(mktemp -d -p /dev/shm 2>/dev/null || mktemp -d)
trap 'rm -rf "$W"' EXIT INT TERM
export W KIPLAN CRASHDIR HOME="$W/home" GIT_CONFIG_NOSYSTEM=1
export KIPLAN_TODAY=2026-02-01 LC_ALL=C.UTF-8 KIPLAN_LOCK_TIMEOUT=10
# LeakSanitizer cannot run under ptrace (strace): a sanitizer build
# (make check SANITIZE=...) checks leaks everywhere else.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
unset KIPLAN_DIR KIPLAN_AUTHOR GIT_AUTHOR_DATE GIT_COMMITTER_DATE GIT_DIR LANGUAGE LANG
mkdir -p "$HOME"
# A binary of its own, with its plugins beside it (kiplan-git.so,
# kiplan-pdf.so): a build during the sweep changes nothing.
cp "$KIPLAN" "$W/kiplan" || exit 1
for p in "$(dirname "$KIPLAN")"/kiplan-*.so; do
	[ -f "$p" ] && { cp "$p" "$W/" || exit 1; }
done
KIPLAN=$W/kiplan
git config --global user.name "Anne Larsen"
git config --global user.email anne.larsen@example.dk
. "$CRASHDIR/commands.sh"
[ $# -gt 0 ] && COMMANDS="$*"

# The repository every run starts from: ki-2026-0001 sent once.  It
# also fills fontconfig's cache, so that no run writes it.
"$KIPLAN" init "$W/base" >/dev/null || exit 1
(cd "$W/base" &&
	sed 's/^id: ki-2014-0001$/id: ki-2026-0001/' "$EXAMPLES/bilag2.md" >ki-2026-0001.md &&
	"$KIPLAN" send ki-2026-0001.md >/dev/null) || exit 1

: >"$W/jobs"
for cmd in $COMMANDS; do
	cp -a "$W/base" "$W/tpl-$cmd"
	(cd "$W/tpl-$cmd" && "setup_$cmd") || exit 1
	cp -a "$W/tpl-$cmd" "$W/probe"
	if ! (cd "$W/probe" && "run_$cmd" strace -f -qq -o "$W/trace" >/dev/null 2>"$W/probe.err"); then
		echo "sweep: $cmd fails without any fault:"; cat "$W/probe.err"; exit 1
	fi
	rm -rf "$W/probe"
	# Count each system call: strace counts the calls of each thread
	# apart, so a point is a number up to the most calls of it that one
	# thread makes.  Those before the main thread's set_tid_address are
	# the dynamic loader's.
	awk -v cmd="$cmd" -v every="$every" -v loader="$loader" '
		NR == 1 { main = $1 }
		$1 == main && $2 ~ /^set_tid_address\(/ && !booted { booted = 1 }
		match($2, /^[a-z0-9_]+\(/) {
			s = substr($2, 1, RLENGTH - 1)
			if (++per[$1 "/" s] > total[s]) total[s] = per[$1 "/" s]
			if (!booted) boot[s]++
		}
		END {
			split("write close rename fsync openat mkdir link unlink fcntl", es, " ")
			for (i in es) err[es[i]] = 1
			for (s in total)
				for (n = 1; n <= total[s]; n++) {
					inl = n <= boot[s]
					if (inl && !loader) continue
					w = inl ? "loader" : "kiplan"
					print cmd, "kill", s, n, "KILL", w
					if (!(s in err)) continue
					if (s == "fcntl") { print cmd, "error", s, n, "ENOLCK", w; continue }
					print cmd, "error", s, n, "ENOSPC", w
					print cmd, "error", s, n, "EIO", w
					if (s == "link") print cmd, "error", s, n, "EPERM", w
				}
		}' "$W/trace" | sort -k3,3 -k4n -k2,2 >"$W/jobs.$cmd"
	awk -v every="$every" 'NR % every == 1 || every == 1' "$W/jobs.$cmd" >>"$W/jobs"
done

start=$(date +%s)
xargs -P "$jobs" -L 1 sh "$CRASHDIR/one.sh" <"$W/jobs" >"$W/results" 2>&1
end=$(date +%s)

grep -v '^ok ' "$W/results"
for cmd in $COMMANDS; do
	awk -v cmd="$cmd" '
		$3 == cmd && $4 == "kill" { k++; c[$2]++ }
		$3 == cmd && $4 == "error" { e++; ec[$2]++ }
		$3 == cmd && $1 != "ok" { b++ }
		END {
			printf "%s: %d kill points (killed %d, killed after its end %d, ran to the end %d, in the loader %d), %d injected errors (failed cleanly %d, committed but failed after %d, server not reached %d, not hit %d, in the loader %d): %d bad states\n",
				cmd, k, c["killed"], c["killed-after-end"], c["ran"], c["loader"],
				e, ec["failed"], ec["committed-but"], ec["offline"], ec["ran"], ec["loader"], b
		}' "$W/results"
done
runs=$(wc -l <"$W/jobs")
echo "($runs runs in $((end - start)) s; every point: 1 in $every)"
ok=$(grep -c '^ok ' "$W/results")
badn=$(grep -vc '^ok ' "$W/results")
echo "$ok passed, $badn failed"
[ "$badn" -eq 0 ]

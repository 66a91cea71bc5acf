#!/bin/sh
# startup.sh: what kiplan costs before it does any work.  The mean wall
# time of RUNS starts (default 200, after 5 untimed) of `kiplan --version`,
# `kiplan validate` and `kiplan due` of one plan (examples/bilag2.md) in a
# directory outside any git repository and inside a plan repository made
# with `kiplan init` (the plan committed), beside `git --version` and a C
# program that only returns 0 (compiled here), measured the same way by
# bench/timeit in the same run; and what each loads: its shared libraries
# (ldd) and the dynamic loader's relocations and start-up time
# (LD_DEBUG=statistics).  Prints Markdown tables for bench/README.md.  Not
# part of `make check`.
#
# usage: bench/startup.sh
# environment: KIPLAN (default build/kiplan), RUNS (default 200), CC.
#
# bench/timeit stops the script if a command exits with an unexpected
# status or writes to its error output (validate writes its summary
# there, so only its status is checked).
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
KIPLAN=${KIPLAN:-$ROOT/build/kiplan}
RUNS=${RUNS:-200}
CC=${CC:-cc}
GIT=$(command -v git) || { echo "startup.sh: needs git" >&2; exit 1; }
[ -x "$KIPLAN" ] || { echo "startup.sh: build kiplan first ($KIPLAN)" >&2; exit 1; }
make -s -C "$HERE" BUILD="$ROOT/build" >&2
TIMEIT=$ROOT/build/bench/timeit

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
export XDG_CACHE_HOME="$tmp/cache" KIPLAN_TODAY=2026-01-01

printf 'int main(void)\n{\n\treturn 0;\n}\n' >"$tmp/true.c"
"$CC" -O2 -o "$tmp/true" "$tmp/true.c"

mkdir "$tmp/out"
cp "$ROOT/examples/bilag2.md" "$tmp/out/"
if "$GIT" -C "$tmp/out" rev-parse --git-dir >/dev/null 2>&1; then
	echo "startup.sh: $tmp is inside a git repository" >&2
	exit 1
fi
"$KIPLAN" init "$tmp/repo" >/dev/null
cp "$ROOT/examples/bilag2.md" "$tmp/repo/"
"$GIT" -C "$tmp/repo" add bilag2.md
"$GIT" -C "$tmp/repo" -c user.name=bench -c user.email=bench@example.invalid \
	commit -q -m "bilag2" bilag2.md

# t LABEL DIR TIMEIT-OPTIONS... -- CMD...: a table row, the command run
# in DIR; "mean median min cpu rss" in $last.
t() {
	label=$1 dir=$2
	shift 2
	r=$(cd "$dir" && "$TIMEIT" -n "$RUNS" -w 5 "$@")
	last=$(echo "$r" | awk '{printf "%.2f %.2f %.2f %.2f %.1f",
		$2 * 1000, $1 * 1000, $3 * 1000, $5 * 1000, $6 / 1024}')
	echo "$last" | awk -v l="$label" -v t="${true_ms:-}" '{
		printf "| %s | %.2f | %.2f | %.2f | %.2f | %.1f | %s |\n",
			l, $1, $2, $3, $4, $5,
			t == "" ? "1.00×" : sprintf("%.1f×", $1 / t)
	}'
}

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
echo "kiplan $("$KIPLAN" --version | cut -d' ' -f2), $(nproc) CPUs ($cpu), $(uname -sr), $(date -u +%Y-%m-%d), $RUNS runs each after 5 untimed, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| command | mean ms | median ms | min ms | CPU ms | peak RSS MB | × true |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
true_ms=
t "true (C, returns 0)" "$tmp" -- "$tmp/true"
true_ms=${last%% *}
t "git --version" "$tmp" -- "$GIT" --version
t "kiplan --version" "$tmp" -- "$KIPLAN" --version
t "kiplan validate bilag2.md, outside a repository" "$tmp/out" -e -- "$KIPLAN" validate bilag2.md
t "kiplan validate bilag2.md, in a plan repository" "$tmp/repo" -e -- "$KIPLAN" validate bilag2.md
# due exits 1: the plan's follow-up and deadlines are overdue.
t "kiplan due bilag2.md, outside a repository" "$tmp/out" -x 1 -- "$KIPLAN" due bilag2.md
t "kiplan due, in a plan repository" "$tmp/repo" -x 1 -- "$KIPLAN" due

# libs FILE: shared libraries (ldd, without the vDSO and the loader).
libs() {
	ldd "$1" | grep -c '=> /'
}

# ldstat FILE ARGS...: "relocations cycles" from LD_DEBUG=statistics.
ldstat() {
	LD_DEBUG=statistics "$@" 2>&1 >/dev/null | awk '
		/total startup time in dynamic loader/ && !c { c = $(NF - 1) }
		/final number of relocations:/ { r = $NF }
		END { printf "%s %s\n", r, c }'
}

echo
echo "| program | shared libraries | relocations | dynamic loader, cycles |"
echo "| --- | ---: | ---: | ---: |"
for p in "$tmp/true" "$GIT" "$KIPLAN"; do
	case $p in
	"$tmp/true") name="true (C)" ;;
	"$GIT") name=git ;;
	*) name=kiplan ;;
	esac
	st=$(ldstat "$p" --version)
	echo "| $name | $(libs "$p") | ${st% *} | ${st#* } |"
done

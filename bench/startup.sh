#!/bin/sh
# startup.sh: what kiplan costs before it does any work, beside `git
# --version` and a C program that only returns 0, measured in the same
# run by bench/timeit (the one spawn-and-wait driver of bench/, as
# bench/run.sh uses): `kiplan --version`, `validate` and `due` of one plan
# (examples/bilag2.md) outside any git repository and, by its id from a
# subdirectory, inside a plan repository made by `kiplan init`, and
# `render --format pdf`.  Then what each program loads: its shared
# libraries (ldd) and the dynamic loader's relocations and start-up
# (LD_DEBUG=statistics).  Prints Markdown tables for bench/README.md.
# Not part of `make check`.
#
# usage: bench/startup.sh [KIPLAN...]     (default: build/kiplan)
# environment: RUNS (runs of each command, default 200), ROUNDS (default
# 10), CC.
#
# With several kiplan executables (an older build, say), each gets a
# column.  A row's runs are split into ROUNDS rounds, in which every
# program takes its turn, so that a change in the machine's load falls on
# all of them alike; a figure is the median of the rounds' medians, in
# milliseconds.  bench/timeit stops the script if a command exits with an
# unexpected status or writes to its error output (validate writes its
# summary there, so only its status is checked).
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
RUNS=${RUNS:-200}
ROUNDS=${ROUNDS:-10}
CC=${CC:-cc}
GIT=$(command -v git) || { echo "startup.sh: needs git" >&2; exit 1; }
[ $# -gt 0 ] || set -- "$ROOT/build/kiplan"
kiplans=
for k in "$@"; do
	[ -x "$k" ] || { echo "startup.sh: no kiplan at $k (make first)" >&2; exit 1; }
	kiplans="$kiplans $(cd "$(dirname "$k")" && pwd)/$(basename "$k")"
done
# shellcheck disable=SC2086
set -- $kiplans
KIPLAN=$1
make -s -C "$HERE" BUILD="$ROOT/build" >&2
TIMEIT=$ROOT/build/bench/timeit
per=$((RUNS / ROUNDS))
[ "$per" -ge 1 ] || per=1

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
export XDG_CACHE_HOME="$tmp/cache" KIPLAN_TODAY=2026-01-01
export GIT_CONFIG_NOSYSTEM=1 KIPLAN_AUTHOR="Bench <bench@example.invalid>"

printf 'int main(void)\n{\n\treturn 0;\n}\n' >"$tmp/true.c"
"$CC" -O2 -o "$tmp/true" "$tmp/true.c"

# Bilag 2 outside any repository, and the same plan inside a plan
# repository, committed, named by its id from a subdirectory.
mkdir "$tmp/out"
cp "$ROOT/examples/bilag2.md" "$tmp/out/"
if "$GIT" -C "$tmp/out" rev-parse --git-dir >/dev/null 2>&1; then
	echo "startup.sh: $tmp is inside a git repository" >&2
	exit 1
fi
id=$(sed -n 's/^id: *//p' "$ROOT/examples/bilag2.md" | head -n 1)
"$KIPLAN" init "$tmp/repo" >/dev/null
cp "$ROOT/examples/bilag2.md" "$tmp/repo/$id.md"
"$GIT" -C "$tmp/repo" add "$id.md"
"$GIT" -C "$tmp/repo" -c user.name=bench -c user.email=bench@example.invalid \
	commit -q -m "$id" "$id.md"
mkdir "$tmp/repo/sub"

# row LABEL ONE DIR TIMEIT-OPTIONS... -- CMD...: a table row, CMD run in
# DIR with the word KIPLAN replaced by each kiplan (by the first only
# when ONE is 1), the programs taking turns round by round.  Sets
# $first, the first column's median in ms.
row() {
	label=$1 one=$2 dir=$3
	shift 3
	rm -f "$tmp"/r.*
	r=0
	while [ "$r" -lt "$ROUNDS" ]; do
		i=0
		for k in $kiplans; do
			i=$((i + 1))
			[ "$one" = 1 ] && [ "$i" -gt 1 ] && break
			# shellcheck disable=SC2046
			(
				cd "$dir"
				for a in "$@"; do
					[ "$a" = KIPLAN ] && a=$k
					set -- "$@" "$a"
					shift
				done
				"$TIMEIT" -n "$per" -w 1 "$@"
			) >>"$tmp/r.$i"
		done
		r=$((r + 1))
	done
	line="| $label |"
	i=0
	for k in $kiplans; do
		i=$((i + 1))
		if [ -f "$tmp/r.$i" ]; then
			ms=$(sort -n "$tmp/r.$i" | awk '{ t[NR] = $1 } END {
				m = NR % 2 ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2
				printf "%.2f", m * 1000 }')
			[ "$i" -gt 1 ] || first=$ms
			line="$line $ms |"
		else
			line="$line |"
		fi
	done
	echo "$line $(awk -v a="$first" -v g="${git_ms:-}" 'BEGIN {
		if (g != "") printf "%.1f×", a / g }') |"
}

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
echo "kiplan $("$KIPLAN" --version | cut -d' ' -f2), $(nproc) CPUs ($cpu), $(uname -sr), $(date -u '+%Y-%m-%d %H:%M UTC'); $RUNS runs of each command in $ROUNDS rounds; load average $(cut -d' ' -f1-3 /proc/loadavg)."
echo
head="| median ms |"
rule="| --- |"
for k in $kiplans; do
	head="$head ${k#"$ROOT"/} |"
	rule="$rule ---: |"
done
echo "$head × git |"
echo "$rule ---: |"
git_ms=
row "C program that returns 0" 1 "$tmp" -- "$tmp/true"
row "git --version" 1 "$tmp" -- "$GIT" --version
git_ms=$first
row "kiplan --version" 0 "$tmp" -- KIPLAN --version
row "kiplan validate bilag2.md, no repository" 0 "$tmp/out" -e -- KIPLAN validate bilag2.md
row "kiplan validate $id, plan repository, from a subdirectory" 0 "$tmp/repo/sub" -e -- KIPLAN validate "$id"
# due exits 1: the plan's follow-up and deadlines are overdue.
row "kiplan due bilag2.md, no repository" 0 "$tmp/out" -x 1 -- KIPLAN due bilag2.md
row "kiplan due, plan repository" 0 "$tmp/repo" -x 1 -- KIPLAN due
row "kiplan render --format pdf bilag2.md" 0 "$tmp/out" -- KIPLAN render --format pdf -o "$tmp/x.pdf" bilag2.md
echo
echo "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)."

# libs FILE: shared libraries (ldd, without the vDSO and the loader).
libs() {
	ldd "$1" | grep -c '=> /' || true
}

# ldstat ARGS...: "relocations time" from LD_DEBUG=statistics, the time
# in the loader's own units (cycles or ticks).
ldstat() {
	LD_DEBUG=statistics "$@" 2>&1 >/dev/null | awk '
		/total startup time in dynamic loader/ && !c { c = $(NF - 1) }
		/final number of relocations:/ { r = $NF }
		END { printf "%s %s\n", r, c }'
}

echo
echo "| program | shared libraries | relocations | dynamic loader, cycles |"
echo "| --- | ---: | ---: | ---: |"
for p in "$tmp/true" "$GIT" $kiplans; do
	case $p in
	"$tmp/true") name="C program that returns 0" ;;
	"$GIT") name="git" ;;
	*) name=${p#"$ROOT"/} ;;
	esac
	st=$(ldstat "$p" --version)
	echo "| $name | $(libs "$p") | ${st% *} | ${st#* } |"
done
for p in "$(dirname "$KIPLAN")"/kiplan-*.so; do
	[ -f "$p" ] || continue
	echo "| ${p#"$ROOT"/} (plugin, loaded on first use) | $(libs "$p") | | |"
done

#!/bin/sh
# man-examples.sh: the EXAMPLES of every man page, run as tests (as jq's
# man.test runs its manual's examples).
#
# How a page writes an example, so that this script can run it:
#
#   - In the EXAMPLES section, an example is a `.Bd -literal` block whose
#     first line starts with "$ ": a shell session.  A line starting with
#     "$ " is a command; a command line that ends in a backslash (\e in
#     the source), "|" or "&&" goes on in the next line.  The lines after
#     a command, up to the next "$ " line or the end of the block, are its
#     output as a terminal shows it: standard output and standard error
#     together.  A shown line that starts with a dot is written \&. in
#     the source, as mdoc wants.
#   - A block whose first line does not start with "$ " (a plan's text, a
#     crontab line) is not a session and is not run.  `.Dl` and `.D1` are
#     not used in EXAMPLES: they wrap long lines and cannot show output.
#   - Every command must exit 0, unless the next command is `echo $?`,
#     whose output then shows the status.
#   - When a command shows output, its standard output and standard error,
#     interleaved in any order, must be exactly those lines, blanks at
#     the ends of lines aside; "..." in a shown line stands for any text
#     (commit ids change with the built-in schema).  When it shows none,
#     it must print nothing on standard error.
#
# The blocks of one page run in order as one sh session, so that cd and
# files carry over from one command to the next, in a fresh copy of this
# scratch home directory (HOME, which the pages call /home/anne: its real
# path is written /home/anne in the output before comparing):
#
#   ~/planer          a plan repository (kiplan init) and the directory
#                     the session starts in.  It holds ki-2014-0001, the
#                     guideline's example (examples/bilag2.md), sent to
#                     everyone on 2014-05-02 (revision 1) and, with a new
#                     telephone number for Louise Madsen, on 2014-08-15
#                     (revision 2).
#   ~/kiplan/examples a copy of kiplan's examples/, as if kiplan's source
#                     were in ~/kiplan.
#   ~/borgere.json    two citizens, as a JSON array, for kiplan new --from.
#
# Today is 2014-09-25 (KIPLAN_TODAY; new commits are made at 10:00 that
# day); git's user is Anne Larsen <anne.larsen@example.dk>; `kiplan` is
# $KIPLAN, first in PATH; `mail` is a stub that reads and discards its
# input; the language is English.
set -u
# Under AddressSanitizer: whole stacks for LeakSanitizer, so that
# tests/lsan.supp can name the libgit2 functions that leak pcre2 match
# data (libpcre2 has no frame pointers for the fast unwinder to follow).
case ${ASAN_OPTIONS-} in
*fast_unwind_on_malloc*) ;;
*) export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}fast_unwind_on_malloc=0" ;;
esac
KIPLAN=${KIPLAN:-build/kiplan}
case $KIPLAN in /*) ;; *) KIPLAN=$(pwd)/$KIPLAN ;; esac
ROOT=$(pwd)
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
T=$(cd "$T" && pwd -P)

if ! command -v mandoc >/dev/null 2>&1; then
	bad "mandoc is needed to read the pages (make deps installs it)"
	echo "$pass passed, $fail failed"
	exit 1
fi

# --- the scratch home --------------------------------------------------
base=$T/base/anne
mkdir -p "$base" "$T/bin"
ln -s "$KIPLAN" "$T/bin/kiplan"
printf '#!/bin/sh\ncat >/dev/null\n' >"$T/bin/mail"
chmod +x "$T/bin/mail"
PATH=$T/bin:$PATH
LC_ALL=C.UTF-8
TZ=UTC
GIT_CONFIG_NOSYSTEM=1
KIPLAN_TODAY=2014-09-25
GIT_AUTHOR_NAME="Anne Larsen"
GIT_AUTHOR_EMAIL=anne.larsen@example.dk
GIT_COMMITTER_NAME=$GIT_AUTHOR_NAME
GIT_COMMITTER_EMAIL=$GIT_AUTHOR_EMAIL
VISUAL=false
EDITOR=false
export PATH LC_ALL TZ GIT_CONFIG_NOSYSTEM KIPLAN_TODAY GIT_AUTHOR_NAME \
	GIT_AUTHOR_EMAIL GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL VISUAL EDITOR
unset KIPLAN_DIR KIPLAN_AUTHOR XDG_CACHE_HOME LANG LANGUAGE GIT_DIR \
	GIT_WORK_TREE
at() {	# at DATE: commits from now on are made at 10:00 on DATE
	GIT_AUTHOR_DATE=$1T10:00:00+02:00
	GIT_COMMITTER_DATE=$GIT_AUTHOR_DATE
	export GIT_AUTHOR_DATE GIT_COMMITTER_DATE
}
fixture() {
	HOME=$base
	export HOME
	git config --global user.name "$GIT_AUTHOR_NAME" &&
		git config --global user.email "$GIT_AUTHOR_EMAIL" &&
		at 2014-05-02 &&
		kiplan init ~/planer >/dev/null &&
		cp "$ROOT/examples/bilag2.md" ~/planer/ki-2014-0001.md &&
		kiplan -C ~/planer send --no-outbox \
			-m "Aftalt på koordinationsmødet 1. maj 2014." \
			ki-2014-0001 >/dev/null &&
		sed 's/+45 76 81 55 20/+45 76 81 55 21/' \
			~/planer/ki-2014-0001.md >"$T/plan" &&
		cat "$T/plan" >~/planer/ki-2014-0001.md &&
		at 2014-08-15 &&
		kiplan -C ~/planer send --no-outbox \
			-m "Nyt telefonnummer til Louise Madsen." \
			ki-2014-0001 >/dev/null &&
		mkdir ~/kiplan && cp -R "$ROOT/examples" ~/kiplan/ &&
		cat >~/borgere.json <<-'EOF'
			[
			  {"borger": {"navn": "Sofie Marie Andersen", "cpr": "031186-1352"}},
			  {"borger": {"navn": "Kurt Bjerregaard Hansen"},
			   "koordinator": {"navn": "Lene Mikkelsen"}}
			]
		EOF
}
if ! (fixture); then
	bad "the scratch home could not be made"
	echo "$pass passed, $fail failed"
	exit 1
fi
at 2014-09-25

# --- reading a page ----------------------------------------------------
# The page's source with every text line of an EXAMPLES literal block
# marked "@@MX LINE@@", and a line "@@MB LINE@@" opening each block, so
# that the marked lines can be picked out of mandoc's rendering: what
# the reader sees, escapes resolved.  Macro lines inside a block, and .Dl
# or .D1 in EXAMPLES, are reported on standard error.
mark() {
	awk '
	/^\.Sh / { ex = ($0 == ".Sh EXAMPLES"); lit = 0 }
	ex && /^\.Bd -literal/ { print; print "@@MB " NR "@@"; lit = 1; next }
	ex && lit && /^\.Ed/ { lit = 0; print; next }
	ex && lit && /^[.\047]/ {
		print FILENAME ":" NR ": a macro line in an example block" > "/dev/stderr"
		next
	}
	ex && lit { print "@@MX " NR "@@" $0; next }
	ex && /^\.D[l1]([ \t]|$)/ {
		print FILENAME ":" NR ": an example in .Dl or .D1; use .Bd -literal" > "/dev/stderr"
	}
	{ print }
	' "$1"
}

# split DIR < marked rendering: the sessions of a page as files in DIR:
# N.cmd (the command), N.line (its line in the page), N.out (the output
# shown, when there is any); prints the number of commands.
split_page() {
	awk -v dir="$1" '
	function flush() { if (n) close(dir "/" n ".cmd"); if (n) close(dir "/" n ".out") }
	/@@MB [0-9]+@@/ { block = 1; cont = 0; next }
	/@@MX [0-9]+@@/ {
		line = $0
		sub(/^.*@@MX /, "", line)
		src = line
		sub(/@@.*$/, "", src)
		sub(/^[0-9]+@@/, "", line)
		if (block) {
			block = 0
			session = (substr(line, 1, 2) == "$ ")
			if (!session)
				print "note: line " src ": not a session (no \"$ \"); not run" > "/dev/stderr"
		}
		if (!session)
			next
		if (cont) {
			print line > (dir "/" n ".cmd")
		} else if (substr(line, 1, 2) == "$ ") {
			flush()
			n++
			print substr(line, 3) > (dir "/" n ".cmd")
			print src > (dir "/" n ".line")
			close(dir "/" n ".line")
		} else {
			print line > (dir "/" n ".out")
			next
		}
		cont = (line ~ /(\\|\||&&)$/)
	}
	END { flush(); print n + 0 }
	'
}

# match EXPECTED OUT ERR: the lines of OUT and ERR, interleaved in some
# order that keeps each one's own, are the lines of EXPECTED, where "..."
# stands for any text.
match_output() {
	awk -v E="$1" -v O="$2" -v R="$3" '
	function like(a, e,   p, n, i, k) {
		if (index(e, "...") == 0)
			return a == e
		n = split(e, p, /\.\.\./)
		if (substr(a, 1, length(p[1])) != p[1])
			return 0
		a = substr(a, length(p[1]) + 1)
		for (i = 2; i < n; i++) {
			if (!(k = index(a, p[i])))
				return 0
			a = substr(a, k + length(p[i]))
		}
		return length(a) >= length(p[n]) &&
			substr(a, length(a) - length(p[n]) + 1) == p[n]
	}
	BEGIN {
		nw = no = ne = 0
		while ((getline l < E) > 0) want[++nw] = l
		while ((getline l < O) > 0) out[++no] = l
		while ((getline l < R) > 0) err[++ne] = l
		if (nw != no + ne)
			exit 1
		for (i = 0; i <= no; i++)
			for (j = 0; j <= ne; j++) {
				if (i == 0 && j == 0) { m[0, 0] = 1; continue }
				m[i, j] = (i > 0 && m[i - 1, j] && like(out[i], want[i + j])) ||
					(j > 0 && m[i, j - 1] && like(err[j], want[i + j]))
			}
		exit !m[no, ne]
	}'
}

# --- running the pages --------------------------------------------------
for page in "$ROOT"/man/*.[1-9]; do
	name=${page##*/}
	rel=man/$name
	d=$T/page/$name
	mkdir -p "$d/run"
	if ! mark "$rel" >"$d/marked" 2>"$d/mark.err" || [ -s "$d/mark.err" ]; then
		bad "$rel: examples not written as this script reads them:"
		sed 's/^/    /' "$d/mark.err"
		continue
	fi
	mandoc -Tutf8 "$d/marked" >"$d/rendered" 2>/dev/null
	n=$(split_page "$d/run" <"$d/rendered" 2>"$d/notes")
	sed "s|^|$rel: |" "$d/notes"
	if [ "$n" -eq 0 ]; then
		bad "$rel: no example in EXAMPLES that starts with \"\$ \""
		continue
	fi
	# One sh session: each command's output and status go to files, and
	# $? is put back so that a following `echo $?` sees it.
	# shellcheck disable=SC2016
	{
		printf 'cd "$HOME/planer" || exit 99\n'
		i=1
		while [ "$i" -le "$n" ]; do
			printf '{\n'
			cat "$d/run/$i.cmd"
			printf '\n} >"%s/%s.so" 2>"%s/%s.se" </dev/null\n' "$d/run" "$i" "$d/run" "$i"
			printf 'mx_rc=$?; echo "$mx_rc" >"%s/%s.rc"; (exit "$mx_rc")\n' "$d/run" "$i"
			i=$((i + 1))
		done
	} >"$d/session.sh"
	rm -rf "${T:?}/home"
	mkdir "$T/home"
	cp -R "$base" "$T/home/anne"
	HOME=$T/home/anne timeout 300 sh "$d/session.sh" >"$d/session.log" 2>&1
	i=1
	while [ "$i" -le "$n" ]; do
		where="$rel:$(cat "$d/run/$i.line")"
		cmd=$(cat "$d/run/$i.cmd")
		r=$d/run/$i
		if [ ! -f "$r.rc" ]; then
			bad "$where: \$ $cmd: did not run"
			cat "$d/session.log"
			i=$((i + 1))
			continue
		fi
		for s in so se; do
			sed -e "s|$T/home/anne|/home/anne|g" -e 's/[[:space:]]*$//' \
				"$r.$s" >"$r.$s.shown"
		done
		rc=$(cat "$r.rc")
		next=
		[ -f "$d/run/$((i + 1)).cmd" ] && next=$(cat "$d/run/$((i + 1)).cmd")
		why=
		if [ "$rc" -ne 0 ] && [ "$next" != 'echo $?' ]; then
			why="exit $rc, but the page implies 0 (show it with echo \$?)"
		elif [ -f "$r.out" ]; then
			match_output "$r.out" "$r.so.shown" "$r.se.shown" ||
				why="the output differs from the page's"
		elif [ -s "$r.se" ]; then
			why="printed on standard error, but the page shows no output"
		fi
		if [ -z "$why" ]; then
			ok
		else
			bad "$where: \$ $cmd: $why"
			if [ -f "$r.out" ]; then
				echo "  page:"
				sed 's/^/    /' "$r.out"
			fi
			echo "  standard output:"
			sed 's/^/    /' "$r.so.shown"
			echo "  standard error:"
			sed 's/^/    /' "$r.se.shown"
		fi
		i=$((i + 1))
	done
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

#!/bin/sh
# completion.sh: the bash completion (completion/kiplan.bash), called as
# bash calls it, with COMP_WORDS and COMP_CWORD set, in a scratch plan
# repository: commands, options, values of --format and the like, plan
# ids, PLAN@ revisions; a made-up kiplan whose help has a new command and
# option, which must complete with no change to the completion; the
# candidates the zsh completion asks for; and, through a terminal
# (python3's pty), what bash's readline really makes of a line.  With zsh
# installed, the zsh completion through a terminal too.
set -u
KIPLAN=${KIPLAN:-build/kiplan}
case $KIPLAN in /*) ;; *) KIPLAN=$(pwd)/$KIPLAN ;; esac
ROOT=$(pwd)
COMP=$ROOT/completion/kiplan.bash
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
T=$(cd "$T" && pwd -P)
export HOME="$T" GIT_CONFIG_NOSYSTEM=1 KIPLAN_TODAY=2014-09-25 LC_ALL=C.UTF-8
unset KIPLAN_DIR KIPLAN_AUTHOR GIT_DIR
git config --global user.name "Anne Larsen"
git config --global user.email anne.larsen@example.dk

# A plan repository: ki-2014-0001 with two revisions, the draft
# ki-2014-0002, and files that are not plans.
R=$T/planer
mkdir -p "$T/bin" "$T/elsewhere"
ln -s "$KIPLAN" "$T/bin/kiplan"
PATH=$T/bin:$PATH
export PATH
{
	kiplan init "$R" &&
		cp "$ROOT/examples/bilag2.md" "$R/ki-2014-0001.md" &&
		kiplan -C "$R" send --no-outbox ki-2014-0001 &&
		printf '\nRevideret.\n' >>"$R/ki-2014-0001.md" &&
		kiplan -C "$R" send --no-outbox ki-2014-0001 &&
		kiplan -C "$R" new --navn "Jens Hansen" &&
		echo notes >"$R/noter.md" && mkdir "$R/arkiv" &&
		echo x >"$R/arkiv/ki-2013-0009.md"
} >"$T/setup.log" 2>&1 || {
	bad "setting up the plan repository"
	cat "$T/setup.log"
}

# comp DIR WORD... [--breaks BREAKS]: the completions bash would offer for the
# last WORD, run in DIR; COMP_WORDBREAKS is bash's default, or BREAKS.
# One a line, sorted.
comp() {
	dir=$1
	shift
	(
		cd "$dir" || exit 1
		bash -c '
		. "$0" || exit 1
		breaks=$COMP_WORDBREAKS
		words=()
		for w in "$@"; do
			if [ "$w" = "--breaks" ]; then breaks=x; continue; fi
			if [ "$breaks" = x ]; then breaks=$w; continue; fi
			words+=("$w")
		done
		COMP_WORDBREAKS=$breaks
		COMP_WORDS=("${words[@]}")
		COMP_CWORD=$((${#words[@]} - 1))
		COMP_LINE="${words[*]}"
		COMP_POINT=${#COMP_LINE}
		COMPREPLY=()
		_kiplan
		printf "%s\n" "${COMPREPLY[@]}"
		' "$COMP" "$@"
	) | sed '/^$/d' | LC_ALL=C sort
}
# expect NAME WANT GOT: WANT and GOT are the same lines (space-separated
# WANT, sorted).
expect() {
	# shellcheck disable=SC2086
	want=$(printf '%s\n' $2 | sed '/^$/d' | LC_ALL=C sort)
	if [ "$want" = "$3" ]; then
		ok
	else
		bad "$1: want [$(echo "$want" | tr '\n' ' ')], got [$(echo "$3" | tr '\n' ' ')]"
	fi
}

# --- commands -------------------------------------------------------------
cmds=$(kiplan help | sed -n 's/^  \([a-z][a-z]*\)  .*/\1/p')
[ -n "$cmds" ] && ok || bad "kiplan help lists no commands"
expect "commands" "$cmds help" "$(comp "$R" kiplan '')"
expect "commands after -C DIR" "$cmds help" "$(comp "$T" kiplan -C "$R" '')"
expect "command prefix" "validate" "$(comp "$R" kiplan va)"
expect "help COMMAND" "$cmds" "$(comp "$R" kiplan help '')"
expect "global options" "-C -h --help --version" "$(comp "$R" kiplan -)"
expect "-C DIR: directories" "arkiv" "$(comp "$R" kiplan -C '' | grep -v '^\.')"

# --- options of every command, and their values ----------------------------
for c in $cmds; do
	help=$(kiplan "$c" --help)
	# Every option the usage names, and --help, which every command has.
	u=$(printf '%s\n' "$help" | sed '/^$/q' | grep -o -- '--[a-z][a-z-]*\|\[-[a-zA-Z] ' | tr -d '[ ')
	got=$(comp "$R" kiplan "$c" -)
	missing=
	for o in $u --help; do
		printf '%s\n' "$got" | grep -qx -- "$o" || missing="$missing $o"
	done
	[ -z "$missing" ] && ok || bad "$c: options not offered:$missing"
	# Values: [--opt a|b|c] in the usage offers a, b and c.
	printf '%s\n' "$help" | sed '/^$/q' |
		grep -o -- '\[--[a-z-]* [a-z0-9-]*|[a-z0-9|-]*\]' | tr -d '[]' >"$T/vals"
	while read -r opt vals; do
		v=$(echo "$vals" | tr '|' ' ')
		expect "$c $opt" "$v" "$(comp "$R" kiplan "$c" "$opt" '')"
		# --opt=VALUE, split at = as bash does, and not split.
		expect "$c $opt=" "$v" "$(comp "$R" kiplan "$c" "$opt" =)"
		first=${v%% *}
		pre=$(for x in $v; do case $x in "$first"*) echo "$x" ;; esac; done)
		expect "$c $opt=$first" "$pre" "$(comp "$R" kiplan "$c" "$opt" = "$first")"
		expect "$c $opt= (no = in COMP_WORDBREAKS)" \
			"$(for x in $v; do echo "$opt=$x"; done)" \
			"$(comp "$R" kiplan "$c" "$opt=" --breaks ' ')"
	done <"$T/vals"
done
expect "due --format" "text tsv json ics" "$(comp "$R" kiplan due --format '')"
expect "export --format" "json jsonl csv fhir" "$(comp "$R" kiplan export --format '')"
expect "due --by" "ansvarlig koordinator" "$(comp "$R" kiplan due --by '')"
expect "--format j" "json jsonl" "$(comp "$R" kiplan export --format j)"
expect "render -o FILE: files" "arkiv ki-2014-0001.md ki-2014-0002.md noter.md" \
	"$(comp "$R" kiplan render -o '' | grep -v '^\.')"
expect "render --output=FILE" "noter.md" "$(comp "$R" kiplan render --output = no)"
expect "render --output=FILE (no = in COMP_WORDBREAKS)" "--output=noter.md" \
	"$(comp "$R" kiplan render --output=no --breaks ' ')"
expect "init DIR: directories" "arkiv" "$(comp "$R" kiplan init '' | grep -v '^\.')"
expect "an option that takes a name: nothing" "" "$(comp "$R" kiplan due --coordinator '')"

# --- plan ids -------------------------------------------------------------
ids="ki-2014-0001 ki-2014-0002"
for c in show render send log; do
	expect "$c PLAN" "$ids" "$(comp "$R" kiplan "$c" '')"
done
expect "PLAN prefix" "ki-2014-0002" "$(comp "$R" kiplan show ki-2014-0002)"
expect "PLAN after options" "$ids" "$(comp "$R" kiplan render --redact -o x.pdf '')"
expect "PLAN from a subdirectory" "$ids" "$(comp "$R/arkiv" kiplan show '')"
expect "PLAN with -C DIR" "$ids" "$(comp "$T/elsewhere" kiplan -C "$R" show '')"
# shellcheck disable=SC2088
expect "PLAN with -C ~/DIR" "$ids" "$(comp "$T/elsewhere" kiplan -C '~/planer' show '')"
expect "PLAN with KIPLAN_DIR" "$ids" \
	"$(KIPLAN_DIR=$R comp "$T/elsewhere" kiplan show '')"
expect "PLAN with a relative KIPLAN_DIR and -C" "$ids" \
	"$(KIPLAN_DIR=planer comp "$T/elsewhere" kiplan -C .. show '')"
expect "PLAN outside a plan repository: nothing" "" "$(comp "$T/elsewhere" kiplan show '')"
git init -q "$T/gitonly" && echo x >"$T/gitonly/ki-2014-0005.md"
expect "PLAN in a git repository without .kiplan: nothing" "" "$(comp "$T/gitonly" kiplan show '')"

# --- PLAN@ revisions -------------------------------------------------------
# bash splits ki-2014-0001@1 at the @ (COMP_WORDBREAKS) into three words
# and replaces "@1" (bash keeps "@" in the word it completes).
expect "show PLAN@" "@1 @2" "$(comp "$R" kiplan show ki-2014-0001 @)"
expect "render PLAN@1" "@1" "$(comp "$R" kiplan render ki-2014-0001 @ 1)"
expect "show PLAN.md@" "@1 @2" "$(comp "$R" kiplan show ki-2014-0001.md @)"
expect "show PLAN@ with -C" "@1 @2" "$(comp "$T/elsewhere" kiplan -C "$R" show ki-2014-0001 @)"
expect "draft PLAN@" "@1" "$(comp "$R" kiplan show ki-2014-0002 @)"
expect "show PLAN@ (no @ in COMP_WORDBREAKS)" "ki-2014-0001@1 ki-2014-0001@2" \
	"$(comp "$R" kiplan show ki-2014-0001@ --breaks ' =')"
expect "log takes no @REV" "" "$(comp "$R" kiplan log ki-2014-0001 @)"
expect "unknown PLAN@: nothing" "" "$(comp "$R" kiplan show ki-2014-0099 @)"

# --- a command kiplan gains later -------------------------------------------
# A made-up kiplan with a command "frobnicate": the completion knows it
# from the help alone.
mkdir "$T/fake"
cat >"$T/fake/kiplan" <<'EOF'
#!/bin/sh
case "$*" in
help | --help)
	printf 'usage: kiplan [-C DIR] COMMAND [ARGS...]\n       kiplan help COMMAND\n\nCommands:\n  frobnicate   make it so\n  validate     check\n\nOptions:\n  -C DIR     run in DIR\n  -h, --help show this help\n'
	;;
"frobnicate --help")
	printf 'usage: kiplan frobnicate [--colour never|auto|always] [-n COUNT]\n                         [--out FILE] PLAN[@REV]\n\n  --colour WHEN    when to use colour\n  -n, --number COUNT  how many\n  --out FILE       where\n  -q, --quiet      say nothing\n'
	;;
*) exit 2 ;;
esac
EOF
chmod +x "$T/fake/kiplan"
F=$T/fake/kiplan
expect "new command" "frobnicate help validate" "$(comp "$R" "$F" '')"
expect "new command's options" "--colour --help --number --out --quiet -n -q" \
	"$(comp "$R" "$F" frobnicate -)"
expect "new command's values" "always auto never" "$(comp "$R" "$F" frobnicate --colour '')"
expect "an alias shares the argument" "" "$(comp "$R" "$F" frobnicate --number '')"
expect "new command's plans" "$ids" "$(comp "$R" "$F" frobnicate -n 3 '')"
expect "new command's FILE" "arkiv ki-2014-0001.md ki-2014-0002.md noter.md" \
	"$(comp "$R" "$F" frobnicate --out '' | grep -v '^\.')"

# --- what zsh asks for ---------------------------------------------------------
got=$(cd "$R" && bash "$COMP" --candidates 3 kiplan due --format j)
expect "--candidates: values" "json" "$got"
got=$(cd "$R" && bash "$COMP" --candidates 2 kiplan show ki-2014-0001@)
expect "--candidates: PLAN@ whole" "ki-2014-0001@1 ki-2014-0001@2" "$(echo "$got" | sort)"
got=$(cd "$R" && bash "$COMP" --candidates 3 kiplan render -o '')
expect "--candidates: files" "@files" "$got"

# --- the shells themselves, through a terminal ------------------------------
# term SHELL LINE...: type each LINE and a TAB into an interactive SHELL
# (bash with the completion sourced, or zsh with compinit and
# completion/ in fpath) in the plan repository, then make the completed
# line print its words; prints them, one line per LINE.  Readline and zle
# read the keys in order, so the TAB is done before the rest is read.
term() {
	python3 - "$@" <<'EOF'
import os, pty, re, select, sys, time
shell, lines = sys.argv[1], sys.argv[2:]
comp, compdir = os.environ['COMP'], os.path.dirname(os.environ['COMP'])
pid, fd = pty.fork()
if pid == 0:
    os.chdir(os.environ['R'])
    os.environ['PS1'] = 'PROMPT> '
    os.environ['TERM'] = 'dumb'
    if shell == 'bash':
        os.execvp('bash', ['bash', '--norc', '--noprofile', '-i'])
    os.execvp('zsh', ['zsh', '-f', '-i'])
buf = b''
def until(pat, t=20):
    global buf
    end = time.time() + t
    while pat not in buf and time.time() < end:
        r, _, _ = select.select([fd], [], [], 0.2)
        if r:
            try:
                buf += os.read(fd, 4096)
            except OSError:
                break
    if pat not in buf:
        return None
    out, buf = buf.split(pat, 1)
    return out.decode(errors='replace')
def send(s):
    os.write(fd, s.encode())
if shell == 'bash':
    send('bind "set bell-style none"; . %s; echo RE""ADY\n' % comp)
else:
    send('PS1="PROMPT> "; unsetopt beep; fpath=(%s $fpath); '
         'autoload -U compinit; compinit -u -D; echo RE""ADY\n' % compdir)
ready = until(b'READY')
for n, line in enumerate(lines):
    if ready is None:
        print('(the shell did not start)')
        continue
    send(line + '\t' + "\x01printf '<%%s>' %d: \n" % n)
    if until(b'<%d:>' % n) is None:
        print('(no answer)')
        continue
    out = until(b'PROMPT> ') or ''
    print(' '.join(re.findall(r'<([^>]*)>', out)))
os.kill(pid, 9)
EOF
}
export COMP R
got=$(term bash 'kiplan sh' 'kiplan show ki-2014-0002@' 'kiplan due --format=j' \
	'kiplan log ki-2014-0002' 'kiplan -C ark' 'kiplan export --format=f' \
	'kiplan render ki-2014-0001@2')
expect_line() {	# expect_line NAME N WANT: line N of $got is WANT
	l=$(printf '%s\n' "$got" | sed -n "$2p")
	[ "$l" = "$3" ] && ok || bad "$1: want [$3], got [$l]"
}
expect_line "bash: a command" 1 "kiplan show"
expect_line "bash: PLAN@ to the only revision" 2 "kiplan show ki-2014-0002@1"
expect_line "bash: --format=j" 3 "kiplan due --format=json"
expect_line "bash: a plan id" 4 "kiplan log ki-2014-0002"
expect_line "bash: -C DIR" 5 "kiplan -C arkiv/"
expect_line "bash: --format=f" 6 "kiplan export --format=fhir"
expect_line "bash: PLAN@N" 7 "kiplan render ki-2014-0001@2"

if command -v zsh >/dev/null 2>&1; then
	got=$(term zsh 'kiplan sh' 'kiplan show ki-2014-0002@' 'kiplan due --format=j' \
		'kiplan log ki-2014-0002' 'kiplan -C ark' 'kiplan export --format=f' \
		'kiplan render ki-2014-0001@2' 'kiplan render -o noter.m' 'kiplan due --by a')
	expect_line "zsh: a command" 1 "kiplan show"
	expect_line "zsh: PLAN@ to the only revision" 2 "kiplan show ki-2014-0002@1"
	expect_line "zsh: --format=j" 3 "kiplan due --format=json"
	expect_line "zsh: a plan id" 4 "kiplan log ki-2014-0002"
	expect_line "zsh: -C DIR (zsh drops the / it adds)" 5 "kiplan -C arkiv"
	expect_line "zsh: --format=f" 6 "kiplan export --format=fhir"
	expect_line "zsh: PLAN@N" 7 "kiplan render ki-2014-0001@2"
	expect_line "zsh: -o FILE" 8 "kiplan render -o noter.md"
	expect_line "zsh: --by VALUE" 9 "kiplan due --by ansvarlig"
else
	echo "skipped: zsh not found (the zsh completion)"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

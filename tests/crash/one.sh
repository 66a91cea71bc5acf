#!/bin/sh
# one.sh: one point of the crash sweep (tests/crash/sweep.sh).
#   one.sh CMD kill SYSCALL N KILL WHERE      kill CMD at its Nth SYSCALL
#   one.sh CMD error SYSCALL N ERRNO WHERE    fail it with ERRNO
# (WHERE: "loader" for a call of the dynamic loader, else "kiplan")
# on a fresh copy of the sweep's repository $W/tpl-CMD, then run the
# next command, and check the repository after each.  Prints one line:
# "ok ..." or "BAD ...: what is wrong", and a class word for the count.
set -u
cmd=$1 mode=$2 sys=$3 n=$4 arg=$5 where=$6
. "$CRASHDIR/commands.sh"
R=$W/run.$$
rm -rf "$R"
cp -a "$W/tpl-$cmd" "$R" || exit 1
cd "$R" || exit 1
H0=$(git rev-parse HEAD)
problems=
bad() { problems="$problems; $*"; }

# What holds at every moment, even right after a kill.
always() {
	git fsck --strict >/dev/null 2>&1 || bad "$1: git fsck --strict fails"
	git merge-base --is-ancestor "$H0" HEAD 2>/dev/null ||
		bad "$1: history lost (HEAD does not descend from $H0)"
	# A plan file that differs from the index is whole all the same.
	changed=
	for f in $(git status --porcelain --untracked-files=all -- 'ki-*.md' | cut -c4-); do
		[ -e "$f" ] && changed="$changed $f"
	done
	if [ -n "$changed" ] && ! "$KIPLAN" validate $changed >/dev/null 2>&1; then
		bad "$1:$changed not whole"
	fi
	sent=$(sendings | tr "\n" " ")
	for d in $(documents); do
		case " $sent " in *" $d "*) ;; *) bad "$1: outbox/$d.* has no sending in the history" ;; esac
	done
}

# What holds once a command has finished.  (.git/kiplan.lock may stay:
# an fcntl() lock, it never blocks.)
settled() {
	always "$1"
	st=$(git status --porcelain --untracked-files=all 2>&1)
	[ -z "$st" ] || bad "$1: git status is not clean: $(echo "$st" | tr '\n' ' ')"
	t=$(find . -path ./.git/objects/pack -prune -o \( -name '*.tmp-*' -o -name 'tmp_object_git2_*' \
		-o -name '*.lock' ! -name kiplan.lock -o -name kiplan-journal \) -print;
		ls .git/kiplan-tmp 2>/dev/null)
	[ -z "$t" ] || bad "$1: left behind: $(echo "$t" | tr '\n' ' ')"
	docs=$(documents)
	[ "$docs" = "$(sendings)" ] ||
		bad "$1: the outbox ($(echo $docs)) is not the history's sendings ($(sendings | tr '\n' ' '))"
	for d in $docs; do
		[ -f "outbox/$d.html" ] && [ -f "outbox/$d.pdf" ] && [ -f "outbox/$d-foelgebrev.txt" ] || bad "$1: outbox/$d is not whole"
	done
}

commits() { git rev-list --count "$H0..HEAD" 2>/dev/null; }

if [ "$mode" = kill ]; then
	inject="$sys:signal=KILL:when=$n"
else
	inject="$sys:error=$arg:when=$n"
fi
# The commits a run makes and the next request makes (commands.sh).
eval "made=\${made_$cmd:-1} omade=\${made_other_$cmd:-1} e4=\${exit4_$cmd:-}"
run_$cmd strace -f -qq -o /dev/null -e trace="$sys" -e inject="$inject" >"$R.out" 2>"$R.err"
rc=$?
c1=$(commits)
class=
case $rc in
137) class=killed; [ "$where" = loader ] && class=loader ;;
0) class=ran ;;
3) class=failed ;;
4) class=committed-but
   # either: offline when it had committed nothing, else committed-but.
   [ "$e4" = offline ] || { [ "$e4" = either ] && [ "$c1" = 0 ]; } && class=offline ;;
127)
	if grep -q "error while loading shared libraries" "$R.err"; then
		class=loader
	else
		bad "exit 127"
	fi ;;
*) bad "exit $rc (not a documented status): $(head -c 300 "$R.err" | tr '\n' ' ')" ;;
esac
always "after the run"
case $rc in
0) settled "after exit 0"
   [ "$c1" = "$made" ] || bad "exit 0 but $c1 commits, not $made" ;;
3|127) [ "$c1" = 0 ] || bad "exit $rc (nothing done) but $c1 commits" ;;
4) if [ "$class" = offline ]; then
	[ "$c1" = 0 ] || bad "exit 4 (the server not reached) but $c1 commits"
   else
	[ "$c1" = "$made" ] || bad "exit 4 (committed) but $c1 commits, not $made"
   fi ;;
137) [ "$c1" -le "$made" ] || bad "killed, and $c1 commits" ;;
esac
want=$made
# A command that said it succeeded, or that it committed, is not
# repeated: the next one is another request.  Else it is retried.
if [ "$rc" = 0 ] || [ "$class" = committed-but ]; then
	other_$cmd >"$R.out2" 2>"$R.err2"
	want=$((made + omade))
else
	# Killed after it had finished (its journal removed, its output
	# written): the next command is a request of its own.
	if [ "$rc" = 137 ] && [ "$c1" = "$made" ] && [ ! -e .git/kiplan-journal ]; then
		class=killed-after-end
		want=$((made + omade))
		other_$cmd >"$R.out2" 2>"$R.err2"
	else
		run_$cmd >"$R.out2" 2>"$R.err2"
	fi
fi
rc2=$?
[ "$rc2" = 0 ] || bad "the next command exits $rc2: $(head -c 300 "$R.err2" | tr '\n' ' ')"
settled "after the next command"
c2=$(commits)
[ "$c2" = "$want" ] || bad "after the next command $c2 commits, not $want (a duplicate, or one lost)"
more_$cmd "$want"
cd "$W" && rm -rf "$R" "$R.srv" "$R.out" "$R.err" "$R.out2" "$R.err2"
if [ -n "$problems" ]; then
	echo "BAD $class $cmd $mode $sys $n $arg rc=$rc${problems}"
else
	echo "ok $class $cmd $mode $sys $n $arg rc=$rc"
fi

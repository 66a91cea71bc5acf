# commands.sh: the committing commands of the crash sweep, sourced by
# sweep.sh and one.sh (in the repository's directory, with $KIPLAN).
# A command NAME is five functions:
#   setup_NAME        make the repository it starts from, from a plan
#                     repository holding ki-2026-0001.md sent once
#   run_NAME PREFIX   run it, PREFIX (strace ...) before kiplan
#   other_NAME        the next command when it succeeded (or was killed
#                     after its end): a new request
#   more_NAME N       further checks once N of its changes are made
# and, when they are not 1, the commits that a run of it makes, made_NAME,
# and that other_NAME makes, made_other_NAME; exit4_NAME=offline when
# its exit status 4 says that nothing was done (the server could not be
# reached) rather than that a step after its commit failed, and
# exit4_NAME=either when it says one or the other (told apart by the
# commits made).
# Adding a committing command to kiplan means adding it here.
COMMANDS="new send resend set followup close sync"

# Every sending recorded in the history, as ID-rN; and the outbox's.
sendings() {
	git log --format='%(trailers:key=Plan-Id,valueonly,separator=%x20)|%(trailers:key=Revision,valueonly,separator=%x20)|%(trailers:key=Sendt-til,valueonly,separator=%x2C)' |
		awk -F'|' '$3 != "" { print $1 "-r" $2 }' | sort -u
}
documents() {
	ls outbox 2>/dev/null | sed -n 's/\.html$//p; s/\.pdf$//p' | sort -u
}

# kiplan new, with the CPR number on standard input.
setup_new() { :; }
run_new() {
	echo 010174-1230 | "$@" "$KIPLAN" new --navn "Jens Hansen" --cpr - \
		--koordinator-navn "Anne Larsen"
}
other_new() { "$KIPLAN" new --navn "Karen Jensen"; }
more_new() {
	np=$(ls ki-2026-*.md | wc -l)
	[ "$np" = $((1 + $1)) ] || bad "$np plan files, not $((1 + $1))"
}

# kiplan send of a changed plan: a new revision and its documents.
setup_send() {
	sed -i 's/^  dato: 2014-10-01$/  dato: 2014-10-08/' ki-2026-0001.md
}
run_send() {
	"$@" "$KIPLAN" send -m "Opfølgningsmødet er flyttet." ki-2026-0001.md
}
other_send() { "$KIPLAN" send --to borger ki-2026-0001.md; }
more_send() {
	[ "$(git log -1 --format="%(trailers:key=Revision,valueonly)" | head -1)" = 2 ] ||
		bad "the last sending is not of revision 2"
}

# kiplan send of an unchanged plan: a record that revision 1 was sent again.
setup_resend() { :; }
run_resend() { "$@" "$KIPLAN" send --to borger ki-2026-0001.md; }
other_resend() { "$KIPLAN" send -m "Sendt igen." --to borger ki-2026-0001.md; }
more_resend() {
	[ "$(git rev-list --count HEAD -- ki-2026-0001.md)" = 1 ] ||
		bad "an unchanged plan got a new revision"
}

# The revisions of ki-2026-0001.md: the one sent, and one per change.
revisions() {
	n=$(git rev-list --count HEAD -- ki-2026-0001.md)
	[ "$n" = $((1 + $1)) ] || bad "$n revisions of the plan, not $((1 + $1))"
}

# kiplan set of a field: the next revision.
setup_set() { :; }
run_set() {
	"$@" "$KIPLAN" set -m "Mødet holdes på rådhuset." ki-2026-0001.md \
		moede.sted="Vejle Rådhus"
}
other_set() { "$KIPLAN" set ki-2026-0001.md moede.form=video; }
more_set() {
	revisions "$1"
	git show HEAD:ki-2026-0001.md | grep -q "^  sted: Vejle Rådhus$" ||
		bad "the value set is not committed"
}

# kiplan followup: a meeting held, the next one planned.
setup_followup() { :; }
run_followup() {
	"$@" "$KIPLAN" followup --date 2014-09-25 --form fysisk \
		--deltager "Peter Holm" ki-2026-0001.md
}
other_followup() { "$KIPLAN" followup --date 2014-10-15 ki-2026-0001.md; }
more_followup() {
	revisions "$1"
	[ "$(git show HEAD:ki-2026-0001.md | grep -c 'dato: 2014-09-25')" -ge 1 ] ||
		bad "the meeting is not committed"
}

# kiplan close: the plan closed; the next request a change of the closed plan.
setup_close() { :; }
run_close() {
	"$@" "$KIPLAN" close --date 2014-10-01 --reason "Målene er nået." \
		ki-2026-0001.md
}
other_close() { "$KIPLAN" set ki-2026-0001.md moede.form=video; }
more_close() {
	revisions "$1"
	git show HEAD:ki-2026-0001.md | grep -q "^status: afsluttet" ||
		bad "the plan is not closed in the history"
}

# kiplan sync over file://: the server has a change of another clone, and
# this clone one of its own; sync fetches, merges (a merge commit) and
# pushes.  Each run has a server of its own, a copy of $W/srv-sync beside
# the repository ($PWD.srv), made when the run starts.
made_sync=2 made_other_sync=0 exit4_sync=either
setup_sync() {
	git init -q --bare "$W/srv-sync" &&
		"$KIPLAN" remote "file://$W/srv-sync" >/dev/null &&
		"$KIPLAN" sync -q &&
		(cd "$W" && "$KIPLAN" clone "file://$W/srv-sync" other-sync >/dev/null) &&
		(cd "$W/other-sync" && "$KIPLAN" set ki-2026-0001.md moede.form=video >/dev/null &&
			"$KIPLAN" sync -q) &&
		"$KIPLAN" set ki-2026-0001.md moede.sted="Vejle Rådhus" >/dev/null
}
# Over file:// libgit2 updates the server's refs in kiplan's own process,
# so a kill can leave the server's refs/heads/B.lock; a real server (ssh,
# https) updates them in a process of its own, which the kill does not
# reach.  The server's side is not what the sweep checks: such a lock is
# removed before the next command, as that server's process would.
server() {
	if [ ! -d "$PWD.srv" ]; then
		cp -a "$W/srv-sync" "$PWD.srv" &&
			git remote set-url origin "file://$PWD.srv"
	else
		find "$PWD.srv" -name '*.lock' -type f -exec rm -f {} +
	fi
}
run_sync() {
	server && KIPLAN_SYNC_DELAY_MS=0 "$@" "$KIPLAN" sync --retries 1
}
other_sync() { server && KIPLAN_SYNC_DELAY_MS=0 "$KIPLAN" sync; }
more_sync() {
	[ "$(git -C "$PWD.srv" rev-parse HEAD)" = "$(git rev-parse HEAD)" ] ||
		bad "the server does not have the merge"
	git show HEAD:ki-2026-0001.md | grep -q "^  sted: Vejle Rådhus$" &&
		git show HEAD:ki-2026-0001.md | grep -q "^  form: video$" ||
		bad "the merge lacks one side's change"
}

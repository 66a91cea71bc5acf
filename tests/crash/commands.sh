# commands.sh: the committing commands of the crash sweep, sourced by
# sweep.sh and one.sh (in the repository's directory, with $KIPLAN).
# A command NAME is five functions:
#   setup_NAME        make the repository it starts from, from a plan
#                     repository holding ki-2026-0001.md sent once
#   run_NAME PREFIX   run it, PREFIX (strace ...) before kiplan
#   other_NAME        the next command when it succeeded: a new request
#   more_NAME N       further checks once N of its changes are made
# Adding a committing command to kiplan means adding it here.
COMMANDS="new send resend"

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

#!/bin/sh
# po-check.sh: the message catalogue is complete.  Every message that
# lib/ and cmd/ pass through _(), N_() or Q_() must stand in po/da.po
# with a Danish translation that is neither empty nor fuzzy, with the
# same printf conversions; and po/da.po holds nothing the code no longer
# says.  Ends with "N passed, N failed", N counting messages.
set -u
BUILD=${BUILD:-build}
dir=$BUILD/po
mkdir -p "$dir"
pot=$dir/kiplan.pot
merged=$dir/da.merged.po

fail=0
say() { printf '%s\n' "$*"; }

# shellcheck disable=SC2046
if ! xgettext --language=C --from-code=UTF-8 --no-wrap --sort-by-file \
	--keyword=_ --keyword=N_ --keyword=Q_:1,2 \
	--add-comments=TRANSLATORS: --package-name=kiplan \
	--force-po --msgid-bugs-address=none -o "$pot" \
	$(find lib cmd -name '*.[ch]' | sort); then
	say "po-check: xgettext failed"
	say "0 passed, 1 failed"
	exit 1
fi
if ! msgfmt -c --check-format -o /dev/null po/da.po; then
	say "po-check: po/da.po does not compile (see above)"
	fail=$((fail + 1))
fi
rm -f "$merged"
msgmerge -q --no-fuzzy-matching --no-wrap -o "$merged" po/da.po "$pot" || {
	say "po-check: msgmerge failed"
	say "0 passed, 1 failed"
	exit 1
}

# The msgids of a catalogue that msgattrib selects, one per line.
list() {
	msgattrib --no-wrap "$@" 2>/dev/null | awk '
		function out() { if (id != "") print "  " substr(id, 1, 100); id = "" }
		/^(#~ )?msgid / { out(); inid = 1; sub(/^(#~ )?msgid "/, ""); sub(/"$/, ""); id = $0; next }
		/^(#~ )?"/ && inid { sub(/^(#~ )?"/, ""); sub(/"$/, ""); id = id $0; next }
		{ inid = 0 }
		END { out() }' | grep -v '^  $'
}

total=$(msgattrib --no-wrap --no-obsolete "$pot" | grep -c '^msgid ')
total=$((total - 1))	# the header

missing=$(list --untranslated --no-obsolete "$merged")
fuzzy=$(list --only-fuzzy --no-obsolete po/da.po)
stale=$(list --only-obsolete "$merged")
[ -n "$missing" ] && { say "po-check: not translated in po/da.po:"; say "$missing"; }
[ -n "$fuzzy" ] && { say "po-check: fuzzy in po/da.po:"; say "$fuzzy"; }
[ -n "$stale" ] && { say "po-check: in po/da.po but no longer in the code:"; say "$stale"; }
n() { [ -z "$1" ] && echo 0 || printf '%s\n' "$1" | wc -l; }
bad=$(( $(n "$missing") + $(n "$fuzzy") + $(n "$stale") + fail ))
good=$((total - $(n "$missing") - $(n "$fuzzy")))
[ "$good" -lt 0 ] && good=0
say "$good passed, $bad failed"
[ "$bad" -eq 0 ]

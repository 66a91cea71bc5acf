#!/bin/sh
# due-ics.sh: kiplan due --format ics, read back by an independent
# iCalendar parser (Debian's python3-icalendar), and the RFC 5545 rules
# checked byte by byte: CRLF, lines of at most 75 octets, stable UIDs.
set -u
KIPLAN=${KIPLAN:-build/kiplan}
PY=${PYTHON:-/usr/bin/python3}
CASES=$(pwd)/tests/cases/due
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
export XDG_CACHE_HOME="$tmp/cache" KIPLAN_TODAY=2014-06-01

cd "$CASES" || exit 1
"$KIPLAN" due --format ics --draft-days 14 plans.d >"$tmp/a.ics"
[ $? -eq 1 ] && ok || bad "ics: exit status is not 1 with overdue items"
"$KIPLAN" due --format ics --draft-days 14 plans.d >"$tmp/b.ics"
cmp -s "$tmp/a.ics" "$tmp/b.ics" && ok || bad "ics: two runs differ"

"$PY" - "$tmp/a.ics" <<'PYEOF' && ok || bad "ics: python checks"
import sys, datetime
import icalendar
raw = open(sys.argv[1], "rb").read()
lines = raw.split(b"\r\n")
assert lines[-1] == b"", "does not end with CRLF"
assert b"\n" not in raw.replace(b"\r\n", b""), "bare LF"
for l in lines:
    assert len(l) <= 75, ("line longer than 75 octets", l)
    l.decode("utf-8")   # folding never splits a UTF-8 sequence
cal = icalendar.Calendar.from_ical(raw)
ev = [c for c in cal.walk() if c.name == "VEVENT"]
assert len(ev) == 5, len(ev)
uids = [str(e["UID"]) for e in ev]
assert len(set(uids)) == len(uids), uids
want = {
    "ki-2014-0202-frist-1@kiplan": datetime.date(2014, 5, 15),
    "ki-2014-0201-opfoelgning-0@kiplan": datetime.date(2014, 5, 20),
    "ki-2014-0204-moede-0@kiplan": datetime.date(2014, 5, 24),
    "ki-2014-0202-opfoelgning-0@kiplan": datetime.date(2014, 6, 5),
    "ki-2014-0201-frist-1@kiplan": datetime.date(2014, 6, 10),
}
for e in ev:
    start = e.decoded("DTSTART")
    end = e.decoded("DTEND")
    assert type(start) is datetime.date, start          # all-day
    assert end - start == datetime.timedelta(days=1)
    assert want[str(e["UID"])] == start, (e["UID"], start)
    assert e.decoded("DTSTAMP") == datetime.datetime(2014, 6, 1, tzinfo=datetime.timezone.utc) or \
        e.decoded("DTSTAMP").replace(tzinfo=None) == datetime.datetime(2014, 6, 1)
s = [str(e["SUMMARY"]) for e in ev if str(e["UID"]) == "ki-2014-0201-frist-1@kiplan"][0]
assert s == "ki-2014-0201: Frist: Samtaler hver 14. dag; kriseplan, medicin og \\ skråstreg – Jens Hansen", s
d = [str(e["DESCRIPTION"]) for e in ev if str(e["UID"]) == "ki-2014-0202-opfoelgning-0@kiplan"][0]
assert "Borger: Sofie Marie Østergaard-Bæk Kristiansen\n" in d, d
PYEOF

"$KIPLAN" due --format ics --redact plans.d >"$tmp/r.ics"
grep -q "Jens Hansen" "$tmp/r.ics" && bad "ics --redact shows a name" || ok
"$PY" -c "import icalendar,sys; icalendar.Calendar.from_ical(open(sys.argv[1],'rb').read())" "$tmp/r.ics" && ok || bad "redacted ics does not parse"

# Nothing due: still a valid, empty calendar.
"$KIPLAN" due --format ics --today 2010-01-01 --within 0 plans.d >"$tmp/e.ics"
[ $? -eq 0 ] && ok || bad "empty ics: exit status"
"$PY" -c "
import icalendar,sys
c = icalendar.Calendar.from_ical(open(sys.argv[1],'rb').read())
assert not [x for x in c.walk() if x.name == 'VEVENT']" "$tmp/e.ics" && ok || bad "empty ics"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

#!/usr/bin/python3
"""yardstick.py: the benchmarks' second yardstick, the same jobs as
`kiplan due` and `kiplan export --format jsonl` in a short Python script
with Debian's PyYAML and its C loader (yaml.CSafeLoader, libyaml).

usage: bench/yardstick.py due|jsonl TODAY DIR

due: every *.md below DIR, the frontmatter loaded, the follow-ups (given
or six months after the meeting, clamped) and deadlines of active plans
within 14 days of TODAY or overdue, sorted, printed one per line.
jsonl: every plan as one JSON line (fields, file and body).
"""
import datetime
import json
import os
import sys

import yaml

Loader = yaml.CSafeLoader


def files(root):
    for d, dirs, names in os.walk(root):
        dirs[:] = sorted(x for x in dirs if not x.startswith("."))
        for n in sorted(names):
            if n.endswith(".md") and not n.startswith("."):
                yield os.path.join(d, n)


def load(path):
    text = open(path, encoding="utf-8").read()
    head, sep, rest = text[4:].partition("\n---\n")
    return yaml.load(head, Loader=Loader) or {}, rest


def date(v):
    if isinstance(v, datetime.date):
        return v
    return datetime.date.fromisoformat(v)


def add_months(d, n):
    m = d.month - 1 + n
    y, m = d.year + m // 12, m % 12 + 1
    for day in (d.day, 30, 29, 28):
        try:
            return datetime.date(y, m, day)
        except ValueError:
            pass


def due(today, root):
    items = []
    for path in files(root):
        p, _ = load(path)
        if p.get("status") != "aktiv":
            continue
        fu = (p.get("opfoelgning") or {}).get("dato")
        md = (p.get("moede") or {}).get("dato")
        coord = (p.get("koordinator") or {}).get("navn", "")
        if fu:
            items.append((date(fu), p["id"], 0, 0, "Opfølgningsmøde", coord))
        elif md:
            items.append((add_months(date(md), 6), p["id"], 0, 0,
                          "Opfølgningsmøde", coord))
        n = 0
        for g in p.get("maal") or []:
            for a in g.get("indsatser") or []:
                n += 1
                if a.get("frist"):
                    items.append((date(a["frist"]), p["id"], 1, n,
                                  "Frist: " + a.get("opgave", ""),
                                  a.get("ansvarlig", "")))
    limit = today + datetime.timedelta(days=14)
    out = sys.stdout
    for it in sorted(i for i in items if i[0] <= limit):
        out.write("%s  %d  %s  %s  [%s]\n" % (it[0], (today - it[0]).days,
                                              it[1], it[4], it[5]))


def jsonl(root):
    out = sys.stdout
    for path in files(root):
        p, body = load(path)
        p = {k: (v.isoformat() if isinstance(v, datetime.date) else v)
             for k, v in p.items()}
        p["file"] = path
        p["body"] = body
        out.write(json.dumps(p, ensure_ascii=False, default=str) + "\n")


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] not in ("due", "jsonl"):
        sys.exit(__doc__)
    if sys.argv[1] == "due":
        due(datetime.date.fromisoformat(sys.argv[2]), sys.argv[3])
    else:
        jsonl(sys.argv[3])

#!/usr/bin/env python3
"""pdf-check.py: check a PDF that kiplan wrote against what can be checked
of PDF/UA-1 (ISO 14289-1) and PDF/A-2 (ISO 19005-2) without veraPDF, with
qpdf's JSON view of every object (qpdf 11) and the standard library.

usage: tests/pdf-check.py FILE.pdf

It checks:
  - the catalog: /Lang, /MarkInfo /Marked true, a structure tree,
    /ViewerPreferences /DisplayDocTitle true, /Metadata;
  - the XMP metadata: well-formed, and saying what the Info dictionary
    says (title, author, subject, creator tool, producer, dates), the
    language, and kiplan's identity of the document;
  - the trailer's /ID;
  - every page: /Tabs /S, /StructParents, and every operator in its
    content that paints (text, paths, images) inside marked content:
    real content (a structure element's MCID) or an /Artifact;
  - the structure: only standard types; Document at the root; headings
    that skip no level; every TH with a /Scope; every link annotation in
    a Link element, with a URI action;
  - every font embedded.
Prints each problem and exits 1 if there is any, else prints "ok".
"""
import base64
import json
import subprocess
import sys
import xml.etree.ElementTree as ET

STANDARD = set("""Document Part Art Sect Div BlockQuote Caption TOC TOCI Index
NonStruct Private P H H1 H2 H3 H4 H5 H6 L LI Lbl LBody Table TR TH TD THead
TBody TFoot Span Quote Note Reference BibEntry Code Link Annot Ruby RB RT RP
Warichu WT WP Figure Formula Form""".split())
PAINT = {b"Tj", b"TJ", b"'", b'"', b"Do", b"f", b"F", b"f*", b"B", b"B*",
         b"b", b"b*", b"S", b"s", b"sh", b"EI"}
NS = {
    "x": "adobe:ns:meta/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
    "kiplan": "urn:kiplan:document:1.0/",
}

problems = []


def bad(msg):
    problems.append(msg)


def text(v):
    """A PDF string from qpdf's JSON ("u:..." or "b:hex") as text."""
    if isinstance(v, str) and v.startswith("u:"):
        return v[2:]
    if isinstance(v, str) and v.startswith("b:"):
        raw = bytes.fromhex(v[2:])
        if raw[:2] == b"\xfe\xff":
            return raw[2:].decode("utf-16-be")
        return raw.decode("latin-1")
    return None


def tokens(data):
    """The operators of a content stream, with the operands before them."""
    i, n, operands = 0, len(data), []
    delim = b"()<>[]{}/%"
    while i < n:
        c = data[i:i + 1]
        if c in b" \t\r\n\f\0":
            i += 1
        elif c == b"%":
            while i < n and data[i:i + 1] not in b"\r\n":
                i += 1
        elif c == b"(":
            depth, j = 0, i
            while j < n:
                if data[j:j + 1] == b"\\":
                    j += 2
                    continue
                if data[j:j + 1] == b"(":
                    depth += 1
                elif data[j:j + 1] == b")":
                    depth -= 1
                    if depth == 0:
                        break
                j += 1
            operands.append(data[i:j + 1])
            i = j + 1
        elif data[i:i + 2] in (b"<<", b">>"):
            operands.append(data[i:i + 2])
            i += 2
        elif c == b"<":
            j = data.index(b">", i)
            operands.append(data[i:j + 1])
            i = j + 1
        elif c in b"[]{}":
            operands.append(c)
            i += 1
        elif c == b"/":
            j = i + 1
            while j < n and data[j:j + 1] not in b" \t\r\n\f\0" + delim:
                j += 1
            operands.append(data[i:j])
            i = j
        else:
            j = i
            while j < n and data[j:j + 1] not in b" \t\r\n\f\0" + delim:
                j += 1
            if j == i:
                j += 1
            word = data[i:j]
            i = j
            if word[:1] in b"0123456789+-.":
                operands.append(word)
            else:
                yield word, operands
                operands = []


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: pdf-check.py FILE.pdf")
    out = subprocess.run(
        ["qpdf", "--json=2", "--json-stream-data=inline",
         "--decode-level=generalized", sys.argv[1], "-"],
        capture_output=True, check=False)
    if out.returncode not in (0, 3):
        sys.exit("pdf-check: qpdf cannot read %s: %s" %
                 (sys.argv[1], out.stderr.decode(errors="replace")))
    objs = json.loads(out.stdout)["qpdf"][1]

    def obj(ref):
        o = objs.get("obj:" + ref) if isinstance(ref, str) else None
        if o is None:
            return None
        return o.get("value", o.get("stream", {}).get("dict"))

    def stream(ref):
        s = objs["obj:" + ref]["stream"]
        return base64.b64decode(s.get("data", ""))

    trailer = objs["trailer"]["value"]
    if not isinstance(trailer.get("/ID"), list) or len(trailer["/ID"]) != 2:
        bad("the trailer has no /ID (PDF/A-2 6.1.3)")
    root = obj(trailer["/Root"])
    info = obj(trailer.get("/Info")) or {}

    # The catalog.
    lang = text(root.get("/Lang"))
    if not lang:
        bad("no /Lang in the catalog (PDF/UA 7.2)")
    if root.get("/MarkInfo", {}).get("/Marked") is not True:
        bad("/MarkInfo /Marked is not true (PDF/UA 7.1)")
    if "/StructTreeRoot" not in root:
        bad("no structure tree (PDF/UA 7.1)")
    if root.get("/ViewerPreferences", {}).get("/DisplayDocTitle") is not True:
        bad("/DisplayDocTitle is not true (PDF/UA 7.1)")
    if "/Metadata" not in root:
        bad("no XMP metadata (PDF/UA 7.1, PDF/A-2 6.6.2)")
    else:
        check_xmp(stream(root["/Metadata"]), info, lang)

    # The pages.
    for p in json.loads(out.stdout)["pages"]:
        page = obj(p["object"])
        if page.get("/Tabs") != "/S":
            bad("page %s: no /Tabs /S (PDF/UA 7.18.3)" % p["object"])
        if "/StructParents" not in page:
            bad("page %s: no /StructParents" % p["object"])
        data = b"".join(stream(c) for c in p["contents"])
        check_content(p["object"], data)
        for a in page.get("/Annots", []):
            an = obj(a)
            if an.get("/Subtype") == "/Link":
                if "/StructParent" not in an:
                    bad("link annotation %s has no /StructParent" % a)
                if an.get("/A", {}).get("/S") != "/URI":
                    bad("link annotation %s has no URI action" % a)

    # The structure tree.
    tree = obj(root.get("/StructTreeRoot")) or {}
    kids = tree.get("/K", [])
    kids = kids if isinstance(kids, list) else [kids]
    heads, links = [], set()

    def walk(ref, depth):
        e = obj(ref)
        if not isinstance(e, dict) or e.get("/Type") != "/StructElem":
            return
        s = e.get("/S", "")[1:]
        if s not in STANDARD:
            bad("structure element %s of type %s" % (ref, s))
        if depth == 0 and s != "Document":
            bad("the structure's root is %s, not Document" % s)
        if s == "TH":
            scope = e.get("/A", {}).get("/Scope")
            if scope not in ("/Column", "/Row", "/Both"):
                bad("TH %s has no /Scope (PDF/UA 7.5)" % ref)
        if len(s) == 2 and s[0] == "H" and s[1].isdigit():
            heads.append(int(s[1]))
        k = e.get("/K", [])
        for c in k if isinstance(k, list) else [k]:
            if isinstance(c, str):
                walk(c, depth + 1)
            elif isinstance(c, dict) and c.get("/Type") == "/OBJR":
                if s != "Link":
                    bad("an annotation under %s, not Link" % s)
                links.add(c.get("/Obj"))

    for k in kids:
        walk(k, 0)
    last = 0
    for h in heads:
        if h > last + 1:
            bad("heading H%d after H%d skips a level (PDF/UA 7.4.2)" %
                (h, last))
        last = h
    for p in json.loads(out.stdout)["pages"]:
        for a in obj(p["object"]).get("/Annots", []):
            if obj(a).get("/Subtype") == "/Link" and a not in links:
                bad("link annotation %s is in no Link element" % a)

    # Fonts: every one embedded.
    for key, o in objs.items():
        v = o.get("value") if isinstance(o, dict) else None
        if isinstance(v, dict) and v.get("/Type") == "/FontDescriptor":
            if not any(f in v for f in ("/FontFile", "/FontFile2",
                                        "/FontFile3")):
                bad("font %s is not embedded (PDF/A-2 6.2.11.4)" %
                    v.get("/FontName"))

    for p in problems:
        print("pdf-check: %s: %s" % (sys.argv[1], p))
    if problems:
        sys.exit(1)
    print("ok")


def check_xmp(data, info, lang):
    try:
        x = ET.fromstring(data)
    except ET.ParseError as e:
        bad("the XMP metadata is not well-formed XML: %s" % e)
        return
    d = x.find("rdf:RDF/rdf:Description", NS)
    if d is None:
        bad("no rdf:Description in the XMP metadata")
        return

    def one(path):
        e = d.find(path, NS)
        return e.text if e is not None else None

    pairs = [("/Title", "dc:title/rdf:Alt/rdf:li"),
             ("/Author", "dc:creator/rdf:Seq/rdf:li"),
             ("/Subject", "dc:description/rdf:Alt/rdf:li"),
             ("/Creator", "xmp:CreatorTool"),
             ("/Producer", "pdf:Producer")]
    for key, path in pairs:
        if text(info.get(key)) != one(path):
            bad("Info %s %r and XMP %s %r differ (PDF/A-2 6.6.2.3)" %
                (key, text(info.get(key)), path, one(path)))
    created = text(info.get("/CreationDate")) or ""
    xdate = (one("xmp:CreateDate") or "").replace("-", "").replace(
        ":", "").replace("T", "")
    if created[2:].rstrip("Z'") != xdate.rstrip("Z"):
        bad("Info /CreationDate %s and XMP xmp:CreateDate %s differ" %
            (created, one("xmp:CreateDate")))
    if one("dc:language/rdf:Bag/rdf:li") != lang:
        bad("XMP dc:language is not the catalog's /Lang")
    for k in ("plan", "revision", "commit", "version"):
        if d.find("kiplan:" + k, NS) is None:
            bad("no kiplan:%s in the XMP metadata" % k)


def check_content(page, data):
    stack, painted_outside = [], 0
    for op, args in tokens(data):
        if op in (b"BDC", b"BMC"):
            tag = args[0] if args else b""
            stack.append(tag)
        elif op == b"EMC":
            if not stack:
                bad("page %s: EMC without BDC" % page)
                return
            stack.pop()
        elif op in (b"BI", b"ID"):
            bad("page %s: an inline image" % page)
        elif op in PAINT and not stack:
            painted_outside += 1
    if stack:
        bad("page %s: %d marked-content sequences left open" %
            (page, len(stack)))
    if painted_outside:
        bad("page %s: %d operators paint outside marked content, neither "
            "tagged nor artifact (PDF/UA 7.1)" % (page, painted_outside))


main()

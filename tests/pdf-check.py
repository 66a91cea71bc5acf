#!/usr/bin/env python3
"""pdf-check.py: check a PDF that kiplan wrote against what can be checked
of PDF/UA-1 (ISO 14289-1) and PDF/A-2 (ISO 19005-2), level U, without
veraPDF, with qpdf's JSON view of every object (qpdf 11), Little CMS's
transicc (liblcms2-utils) for the colour profile, and the standard library.
veraPDF, the reference validator, is not packaged in Debian and cannot be
built here (no Maven repository), so this is a check of the rules below,
not a certificate of conformance.

usage: tests/pdf-check.py FILE.pdf

It checks, for PDF/A-2:
  - the file header (%PDF-1.0 to 1.7, then a comment of 4 bytes above
    127; 6.1.2), the trailer (/ID, no /Encrypt; 6.1.3), nothing after the
    last %%EOF but one end of line;
  - the output intent (6.2.3): /S /GTS_PDFA1 with an embedded ICC profile
    whose header is sound (its size, 'acsp', an RGB display or output
    profile, version 2 or 4) and whose /N is 3, and which Little CMS
    reads as sRGB: white is L*a*b* 100/0/0, and colours come back from it
    through Little CMS's own sRGB within one step;
  - a page's transparency group (cairo writes one on every page) with a
    blending colour space or an output intent (6.2.10);
  - streams (6.1.7): none in an external file, no LZW or Crypt filter;
  - no CMYK (the output intent is RGB), no PostScript, reference or
    alternate images, no interpolation, standard blend modes;
  - the XMP (6.6): pdfaid:part 2, pdfaid:conformance B or U, no packet
    attributes bytes or encoding, no filter, every property of a
    non-standard namespace described by an extension schema, and the
    dates of the Info dictionary;
  - annotations (6.3): no forbidden type, /F with Print and without
    Hidden, Invisible, NoView or ToggleNoView, an appearance of /N only;
  - actions (6.5): no /AA, no JavaScript, Launch, Sound, Movie,
    ResetForm, ImportData, Hide, SetOCGState, Rendition, Trans or
    GoTo3DView;
  - fonts (6.2.11): every one embedded; a TrueType CIDFont with a
    /CIDToGIDMap; and for level U (6.2.11.7.2) a /ToUnicode in every font
    that maps every code the pages show to a character (not 0, U+FEFF or
    U+FFFE);
  - implementation limits (6.1.13): q nested at most 28 deep.
and for PDF/UA-1 and both:
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
    a Link element, with a URI action and an alternate description
    (/Contents, 7.18.5), and the link's text in that Link element
    (marked content of its own, 7.18.5);
  - every font embedded.
Prints each problem and exits 1 if there is any, else prints "ok".
"""
import base64
import json
import os
import re
import subprocess
import sys
import tempfile
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
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
    "pdfaExtension": "http://www.aiim.org/pdfa/ns/extension/",
    "pdfaSchema": "http://www.aiim.org/pdfa/ns/schema#",
    "pdfaProperty": "http://www.aiim.org/pdfa/ns/property#",
}
# XMP namespaces that PDF/A-2 knows without an extension schema (6.6.2.3.1).
XMP_STANDARD = {
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "http://purl.org/dc/elements/1.1/", "http://ns.adobe.com/xap/1.0/",
    "http://ns.adobe.com/pdf/1.3/", "http://www.aiim.org/pdfa/ns/id/",
    "http://www.aiim.org/pdfa/ns/extension/",
    "http://www.aiim.org/pdfa/ns/schema#",
    "http://www.aiim.org/pdfa/ns/property#",
    "http://ns.adobe.com/xap/1.0/mm/", "http://ns.adobe.com/xap/1.0/rights/",
}
BAD_ACTIONS = {"/Launch", "/Sound", "/Movie", "/ResetForm", "/ImportData",
               "/JavaScript", "/Hide", "/SetOCGState", "/Rendition",
               "/Trans", "/GoTo3DView"}
BAD_ANNOTS = {"/3D", "/Sound", "/Screen", "/Movie"}
BLEND = {"/Normal", "/Compatible", "/Multiply", "/Screen", "/Overlay",
         "/Darken", "/Lighten", "/ColorDodge", "/ColorBurn", "/HardLight",
         "/SoftLight", "/Difference", "/Exclusion", "/Hue", "/Saturation",
         "/Color", "/Luminosity"}

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
    with open(sys.argv[1], "rb") as f:
        raw = f.read()
    check_file(raw)

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
    if "/Encrypt" in trailer:
        bad("the file is encrypted (PDF/A-2 6.1.3)")
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
        if "/Filter" in obj(root["/Metadata"]):
            bad("the metadata stream has a filter (PDF/A-2 6.6.2.1)")
        check_xmp(stream(root["/Metadata"]), info, lang)
    check_intent(root, obj, stream)
    check_objects(objs)

    # The pages.
    texts = {}
    for p in json.loads(out.stdout)["pages"]:
        page = obj(p["object"])
        if page.get("/Tabs") != "/S":
            bad("page %s: no /Tabs /S (PDF/UA 7.18.3)" % p["object"])
        if "/StructParents" not in page:
            bad("page %s: no /StructParents" % p["object"])
        data = b"".join(stream(c) for c in p["contents"])
        texts[p["object"]] = check_content(p["object"], data)
        check_fonts(p["object"], data, page.get("/Resources"), obj, stream)
        group = page.get("/Group", {})
        if group.get("/S") == "/Transparency" and "/CS" not in group and \
                not root.get("/OutputIntents"):
            bad("page %s: a transparency group with neither a colour "
                "space nor an output intent (PDF/A-2 6.2.10)" % p["object"])
        for a in page.get("/Annots", []):
            an = obj(a)
            check_annot(a, an)
            if an.get("/Subtype") == "/Link":
                if "/StructParent" not in an:
                    bad("link annotation %s has no /StructParent" % a)
                if an.get("/A", {}).get("/S") != "/URI":
                    bad("link annotation %s has no URI action" % a)
                if not text(an.get("/Contents")):
                    bad("link annotation %s has no /Contents (PDF/UA "
                        "7.18.5)" % a)

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
        if s == "Link" and not any(
                texts.get(e.get("/Pg"), ()) and c in texts[e["/Pg"]]
                if isinstance(c, int) else
                isinstance(c, dict) and c.get("/MCID") in
                texts.get(c.get("/Pg", e.get("/Pg")), ())
                for c in (k if isinstance(k, list) else [k])):
            bad("Link %s holds no text: its text is outside it "
                "(PDF/UA 7.18.5)" % ref)

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

    # Fonts: every one embedded; a TrueType CIDFont says how CIDs map.
    for key, o in objs.items():
        v = o.get("value") if isinstance(o, dict) else None
        if isinstance(v, dict) and v.get("/Type") == "/FontDescriptor":
            if not any(f in v for f in ("/FontFile", "/FontFile2",
                                        "/FontFile3")):
                bad("font %s is not embedded (PDF/A-2 6.2.11.4)" %
                    v.get("/FontName"))
        if isinstance(v, dict) and v.get("/Subtype") == "/CIDFontType2" \
                and "/CIDToGIDMap" not in v:
            bad("CIDFont %s has no /CIDToGIDMap (PDF/A-2 6.2.11.3.2)" %
                v.get("/BaseFont"))

    for p in problems:
        print("pdf-check: %s: %s" % (sys.argv[1], p))
    if problems:
        sys.exit(1)
    print("ok")


def check_file(raw):
    """The header and the end of the file (PDF/A-2 6.1.2, 6.1.3)."""
    m = re.match(rb"%PDF-1\.([0-9])(\r\n|\r|\n)%(....)", raw)
    if not m or int(m.group(1)) > 7:
        bad("the header is not %PDF-1.0 to %PDF-1.7 (PDF/A-2 6.1.2)")
    elif any(b <= 127 for b in m.group(3)):
        bad("no binary comment of 4 bytes above 127 after the header "
            "(PDF/A-2 6.1.2)")
    end = raw.rfind(b"%%EOF")
    if end < 0 or raw[end + 5:] not in (b"", b"\n", b"\r\n", b"\r"):
        bad("data after the last %%EOF (PDF/A-2 6.1.3)")


def check_intent(root, obj, stream):
    """The PDF/A output intent and its ICC profile (PDF/A-2 6.2.3)."""
    intents = [obj(i) if isinstance(i, str) else i
               for i in root.get("/OutputIntents", [])]
    pdfa = [i for i in intents if i.get("/S") == "/GTS_PDFA1"]
    if len(pdfa) != 1:
        bad("%d PDF/A output intents, not one (PDF/A-2 6.2.3)" % len(pdfa))
        return
    ref = pdfa[0].get("/DestOutputProfile")
    if not isinstance(ref, str) or obj(ref) is None:
        bad("the output intent embeds no profile (PDF/A-2 6.2.3)")
        return
    icc = stream(ref)
    if obj(ref).get("/N") != 3:
        bad("the output profile's /N is not 3")
    if len(icc) < 132 or int.from_bytes(icc[:4], "big") != len(icc):
        bad("the ICC profile's size field is not its size")
    elif icc[36:40] != b"acsp":
        bad("the ICC profile has no signature acsp")
    elif icc[12:16] not in (b"mntr", b"prtr") or icc[16:20] != b"RGB ":
        bad("the ICC profile is not an RGB display or output profile")
    elif icc[8] not in (2, 4):
        bad("the ICC profile is of version %d" % icc[8])
    else:
        check_icc(icc)
    if not text(pdfa[0].get("/OutputConditionIdentifier")):
        bad("the output intent has no /OutputConditionIdentifier")


def transicc(profile, out, values):
    """Little CMS's transicc: values (RGB, 0 to 255) through profile."""
    try:
        r = subprocess.run(["transicc", "-n", "-t1", "-i", profile, "-o",
                            out], input="".join("%d %d %d\n" % v
                                                for v in values) + "q\n",
                           capture_output=True, text=True, check=False)
    except FileNotFoundError:
        sys.exit("pdf-check: transicc is not installed (liblcms2-utils; "
                 "tests/install-deps.sh)")
    nums = [[float(x) for x in line.split()]
            for line in r.stdout.splitlines()
            if re.fullmatch(r"\s*-?[0-9.]+( +-?[0-9.]+){2}\s*", line)]
    return nums if r.returncode == 0 and len(nums) == len(values) else None


def check_icc(icc):
    fd, path = tempfile.mkstemp(suffix=".icc")
    try:
        os.write(fd, icc)
        os.close(fd)
        lab = transicc(path, "*Lab", [(255, 255, 255), (0, 0, 0)])
        if lab is None:
            bad("Little CMS (transicc) cannot read the ICC profile")
            return
        if abs(lab[0][0] - 100) > 0.1 or max(map(abs, lab[0][1:])) > 0.1 \
                or max(map(abs, lab[1])) > 0.1:
            bad("the ICC profile's white and black are not L*a*b* 100/0/0 "
                "and 0/0/0: %s" % lab)
        tests = [(128, 64, 200), (10, 200, 30), (250, 250, 5), (3, 3, 3)]
        back = transicc(path, "*sRGB", tests)
        if back is None or any(abs(a - b) > 1 for v, w in zip(tests, back)
                               for a, b in zip(v, w)):
            bad("the ICC profile is not sRGB: %s became %s" % (tests, back))
    finally:
        os.unlink(path)


def walk_values(v, fn, key=None):
    fn(key, v)
    if isinstance(v, dict):
        for k, w in v.items():
            walk_values(w, fn, k)
    elif isinstance(v, list):
        for w in v:
            walk_values(w, fn, key)


def check_objects(objs):
    """Actions, images, colour spaces, blend modes in every object."""
    def one(key, v):
        if key == "/AA":
            bad("an additional action (/AA, PDF/A-2 6.5.2)")
        if key in ("/JS", "/JavaScript"):
            bad("JavaScript (PDF/A-2 6.5.1)")
        if not isinstance(v, dict):
            if v == "/DeviceCMYK":
                bad("DeviceCMYK with an RGB output intent (PDF/A-2 6.2.4.3)")
            return
        if v.get("/S") in BAD_ACTIONS and (key == "/A" or
                                           v.get("/Type") == "/Action"):
            bad("a %s action (PDF/A-2 6.5.1)" % v["/S"])
        if v.get("/Interpolate") is True:
            bad("an image with /Interpolate true (PDF/A-2 6.2.8)")
        for k in ("/OPI", "/Alternates", "/Ref"):
            if k in v and v.get("/Type", "/XObject") == "/XObject" and \
                    v.get("/Subtype") in ("/Image", "/Form"):
                bad("an XObject with %s (PDF/A-2 6.2.8, 6.2.9)" % k)
        if v.get("/Subtype") == "/PS":
            bad("a PostScript XObject (PDF/A-2 6.2.9)")
        bm = v.get("/BM")
        for b in bm if isinstance(bm, list) else [bm] if bm else []:
            if b not in BLEND:
                bad("blend mode %s (PDF/A-2 6.2.10)" % b)
    for o in objs.values():
        if isinstance(o, dict):
            walk_values(o.get("value", o.get("stream", {}).get("dict")), one)
        sd = o.get("stream", {}).get("dict") if isinstance(o, dict) else None
        if isinstance(sd, dict):
            if any(k in sd for k in ("/F", "/FFilter", "/FDecodeParms")):
                bad("a stream in an external file (PDF/A-2 6.1.7.1)")
            fl = sd.get("/Filter")
            for f in fl if isinstance(fl, list) else [fl] if fl else []:
                if f in ("/LZWDecode", "/Crypt"):
                    bad("a stream with filter %s (PDF/A-2 6.1.7.2)" % f)


def check_annot(ref, an):
    """An annotation as PDF/A-2 6.3 wants it."""
    if an.get("/Subtype") in BAD_ANNOTS:
        bad("annotation %s of type %s (PDF/A-2 6.3.1)" %
            (ref, an["/Subtype"]))
    if an.get("/Subtype") == "/Popup":
        return
    f = an.get("/F")
    if not isinstance(f, int) or not f & 4 or f & (1 | 2 | 32 | 256):
        bad("annotation %s: /F %s, not printed or hidden (PDF/A-2 6.3.2)"
            % (ref, f))
    ap = an.get("/AP")
    if isinstance(ap, dict) and set(ap) != {"/N"}:
        bad("annotation %s: an appearance other than /N (PDF/A-2 6.3.3)"
            % ref)


def cmap_codes(data):
    """The codes a ToUnicode CMap maps, each to its text."""
    m, hexes = {}, lambda t: re.findall(rb"<([0-9A-Fa-f]*)>", t)

    def uni(h):
        try:
            return bytes.fromhex(h.decode()).decode("utf-16-be")
        except ValueError:
            return None
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
        hx = hexes(block)
        for src, dst in zip(hx[0::2], hx[1::2]):
            m[int(src, 16)] = uni(dst)
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.S):
        for lo, hi, rest in re.findall(
                rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(\[[^\]]*\]|<[0-9A-Fa-f]*>)",
                block):
            lo, hi = int(lo, 16), int(hi, 16)
            if rest.startswith(b"["):
                for i, d in enumerate(hexes(rest)):
                    m[lo + i] = uni(d)
            else:
                base = int(hexes(rest)[0] or b"0", 16)
                n = len(hexes(rest)[0]) // 2
                for i in range(hi - lo + 1):
                    m[lo + i] = uni((base + i).to_bytes(n, "big").hex()
                                    .encode())
    return m


def string_bytes(tok):
    """The bytes of a PDF string token, literal or hex."""
    if tok.startswith(b"<"):
        h = re.sub(rb"\s", b"", tok[1:-1])
        return bytes.fromhex((h + b"0" * (len(h) % 2)).decode())
    out, i, body = bytearray(), 0, tok[1:-1]
    esc = {b"n": 10, b"r": 13, b"t": 9, b"b": 8, b"f": 12}
    while i < len(body):
        c = body[i:i + 1]
        if c == b"\\":
            n = body[i + 1:i + 2]
            if n in esc:
                out.append(esc[n])
                i += 2
            elif n.isdigit():
                j = i + 1
                while j < i + 4 and body[j:j + 1].isdigit():
                    j += 1
                out.append(int(body[i + 1:j], 8) & 255)
                i = j
            elif n in (b"\n", b"\r"):
                i += 2
            else:
                out += n
                i += 2
        else:
            out += c
            i += 1
    return bytes(out)


def check_fonts(page, data, res, obj, stream, depth=0):
    """Level U: every code shown maps to a character (PDF/A-2 6.2.11.7.2);
    q nested at most 28 deep (6.1.13)."""
    res = obj(res) if isinstance(res, str) else (res or {})
    fonts = res.get("/Font", {})
    fonts = obj(fonts) if isinstance(fonts, str) else fonts
    maps, font, q, qmax, unmapped = {}, None, 0, 0, set()
    for op, args in tokens(data):
        if op == b"q":
            q += 1
            qmax = max(qmax, q)
        elif op == b"Q":
            q -= 1
        elif op == b"Tf" and args:
            font = args[0].decode()
        elif op in (b"Tj", b"TJ", b"'", b'"'):
            if font not in fonts:
                bad("page %s: text in font %s, which is not in its "
                    "resources" % (page, font))
                continue
            fd = obj(fonts[font])
            if font not in maps:
                tu = fd.get("/ToUnicode")
                maps[font] = cmap_codes(stream(tu)) if tu else None
                if tu is None:
                    bad("font %s has no /ToUnicode (PDF/A-2 6.2.11.7.2)" %
                        fd.get("/BaseFont"))
            if maps[font] is None:
                continue
            width = 2 if fd.get("/Subtype") == "/Type0" else 1
            for a in args:
                if not a[:1] in (b"(", b"<") or a[:2] == b"<<":
                    continue
                b = string_bytes(a)
                for i in range(0, len(b) - width + 1, width):
                    code = int.from_bytes(b[i:i + width], "big")
                    u = maps[font].get(code)
                    if (not u or u in ("\0", "\ufeff", "\ufffe")) and \
                            (font, code) not in unmapped:
                        unmapped.add((font, code))
                        bad("page %s: code %d of font %s maps to no "
                            "character (PDF/A-2 6.2.11.7.2)" %
                            (page, code, fd.get("/BaseFont")))
        elif op == b"Do" and args and depth < 8:
            xo = res.get("/XObject", {})
            xo = obj(xo) if isinstance(xo, str) else xo
            ref = xo.get(args[0].decode())
            x = obj(ref) if isinstance(ref, str) else None
            if x and x.get("/Subtype") == "/Form":
                check_fonts(page, stream(ref), x.get("/Resources", res), obj,
                            stream, depth + 1)
    if qmax > 28:
        bad("page %s: q nested %d deep, more than 28 (PDF/A-2 6.1.13)" %
            (page, qmax))


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
    modified = text(info.get("/ModDate")) or ""
    xmod = (one("xmp:ModifyDate") or "").replace("-", "").replace(
        ":", "").replace("T", "")
    if modified[2:].rstrip("Z'") != xmod.rstrip("Z"):
        bad("Info /ModDate %s and XMP xmp:ModifyDate %s differ" %
            (modified, one("xmp:ModifyDate")))
    # PDF/A-2's identification (6.6.4) and extension schemas (6.6.2.3.2).
    if one("pdfaid:part") != "2":
        bad("XMP pdfaid:part is %r, not 2 (PDF/A-2 6.6.4)" %
            one("pdfaid:part"))
    if one("pdfaid:conformance") not in ("B", "U"):
        bad("XMP pdfaid:conformance is %r, not B or U" %
            one("pdfaid:conformance"))
    head = data[:data.find(b"?>")]
    if b"bytes=" in head or b"encoding=" in head:
        bad("the xpacket header has bytes or encoding (PDF/A-2 6.6.2.1)")
    described = {}
    for sch in x.iter("{%s}li" % NS["rdf"]):
        uri = sch.find("pdfaSchema:namespaceURI", NS)
        if uri is None:
            continue
        names = {n.text for n in sch.iter("{%s}name" % NS["pdfaProperty"])}
        described.setdefault(uri.text, set()).update(names)
    for e in d:
        m = re.match(r"\{(.*)\}(.*)", e.tag)
        if m and m.group(1) not in XMP_STANDARD and \
                m.group(2) not in described.get(m.group(1), ()):
            bad("XMP property %s is in no extension schema (PDF/A-2 "
                "6.6.2.3.2)" % e.tag)


def check_content(page, data):
    """Marked content; the MCIDs whose content shows text."""
    stack, painted_outside, texts = [], 0, set()
    for op, args in tokens(data):
        if op in (b"BDC", b"BMC"):
            mcid = None
            if b"/MCID" in args[:-1]:
                mcid = int(args[args.index(b"/MCID") + 1])
            stack.append(mcid)
        elif op == b"EMC":
            if not stack:
                bad("page %s: EMC without BDC" % page)
                return
            stack.pop()
        elif op in (b"BI", b"ID"):
            bad("page %s: an inline image" % page)
        elif op in PAINT and not stack:
            painted_outside += 1
        elif op in (b"Tj", b"TJ", b"'", b'"') and stack[-1] is not None:
            texts.add(stack[-1])
    if stack:
        bad("page %s: %d marked-content sequences left open" %
            (page, len(stack)))
    if painted_outside:
        bad("page %s: %d operators paint outside marked content, neither "
            "tagged nor artifact (PDF/UA 7.1)" % (page, painted_outside))
    return texts


main()

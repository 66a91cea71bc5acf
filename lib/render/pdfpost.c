/*
 * pdfpost.c: what cairo 1.16 has no API for, added to the PDF it wrote as
 * an incremental update (ISO 32000-1, 7.5.6): new versions of the
 * catalog, the pages, their content streams and the TH elements, a
 * metadata stream, and a cross-reference section and trailer for them.
 * The original bytes stay as they are.
 *
 * It reads only what cairo writes: a classic cross-reference table, no
 * object streams, dictionaries on their own lines.  Anything else is
 * refused, and the PDF left as it was.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <zlib.h>

#include "render/icc.h"
#include "render/pdfpost.h"
#include "i18n.h"
#include "banned.h"

struct pdf_file {
	const char *s; /* the file */
	size_t len;
	long *off; /* offset of each object, -1 when free */
	size_t nobj;
	long xref; /* the last cross-reference section */
	long root, info, size;
};

/* New versions of objects, in the order written. */
struct update {
	struct kp_buf out;
	long *num, *off;
	size_t n, alloc;
};

static int fail(struct kp_error *err, const char *why)
{
	/* TRANSLATORS: %s: what was missing, in English (for a developer) */
	return kp_error_set(err, KP_ERENDER, NULL, 0, 0,
			    _("cannot finish the PDF: cairo's output is not "
			      "as expected (%s)"),
			    why);
}

static int is_space(char c)
{
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' ||
	       c == '\0';
}

static int is_delim(char c)
{
	return c == '(' || c == ')' || c == '<' || c == '>' || c == '[' ||
	       c == ']' || c == '{' || c == '}' || c == '/' || c == '%';
}

/* The text [d, e) holds word. */
static int has(const char *d, const char *e, const char *word)
{
	size_t n = strlen(word);

	for (; d + n <= e; d++)
		if (*d == *word && memcmp(d, word, n) == 0)
			return 1;
	return 0;
}

/* The integer after key in the dictionary text [d, e), or -1. */
static long dict_int(const char *d, const char *e, const char *key)
{
	size_t k = strlen(key);
	const char *p;

	for (p = d; p + k < e; p++)
		if (memcmp(p, key, k) == 0 &&
		    (is_space(p[k]) || is_delim(p[k])) && p[k] != '/') {
			p += k;
			while (p < e && is_space(*p))
				p++;
			if (p < e && *p >= '0' && *p <= '9')
				return strtol(p, NULL, 10);
			return -1;
		}
	return -1;
}

/*
 * The end of the dictionary that opens at d ("<<"): just after its
 * ">>", or NULL.  Strings and nested dictionaries are skipped.
 */
static const char *dict_end(const char *d, const char *e)
{
	int depth = 0, paren;
	const char *p = d;

	while (p < e) {
		if (p[0] == '<' && p + 1 < e && p[1] == '<') {
			depth++;
			p += 2;
		} else if (p[0] == '>' && p + 1 < e && p[1] == '>') {
			p += 2;
			if (--depth == 0)
				return p;
		} else if (*p == '(') {
			for (paren = 0; p < e; p++) {
				if (*p == '\\')
					p++;
				else if (*p == '(')
					paren++;
				else if (*p == ')' && --paren == 0)
					break;
			}
			p++;
		} else if (*p == '<') {
			while (p < e && *p != '>')
				p++;
			p++;
		} else {
			p++;
		}
	}
	return NULL;
}

/* Object num's dictionary: [*d, *e); -1 when it has none. */
static int obj_dict(const struct pdf_file *f, long num, const char **d,
		    const char **e)
{
	const char *p, *end = f->s + f->len;
	char head[32];
	int n;

	if (num <= 0 || (size_t)num >= f->nobj || f->off[num] < 0 ||
	    (size_t)f->off[num] >= f->len)
		return -1;
	p = f->s + f->off[num];
	n = snprintf(head, sizeof(head), "%ld 0 obj", num);
	if ((size_t)(end - p) < (size_t)n || memcmp(p, head, (size_t)n) != 0)
		return -1;
	for (p += n; p < end && is_space(*p); p++)
		;
	if (end - p < 2 || p[0] != '<' || p[1] != '<')
		return -1;
	*d = p;
	*e = dict_end(p, end);
	return *e ? 0 : -1;
}

/* The stream data of object num, its dictionary [*d, *e). */
static int obj_stream(const struct pdf_file *f, long num, const char **d,
		      const char **e, const char **data, size_t *len)
{
	const char *p, *ld, *le, *end = f->s + f->len;
	long n;

	if (obj_dict(f, num, d, e) < 0)
		return -1;
	n = dict_int(*d, *e, "/Length");
	p = *d;
	/* "/Length 5 0 R": the length is an object of its own. */
	while (p < *e && memcmp(p, "/Length", 7) != 0)
		p++;
	if (p < *e) {
		const char *q = p + 7;

		while (q < *e && is_space(*q))
			q++;
		while (q < *e && *q >= '0' && *q <= '9')
			q++;
		if (q + 4 < *e && memcmp(q, " 0 R", 4) == 0) {
			if ((size_t)n >= f->nobj || n <= 0 || f->off[n] < 0)
				return -1;
			ld = f->s + f->off[n];
			le = end;
			while (ld < le && *ld != 'j') /* "N 0 obj" */
				ld++;
			n = ld < le ? strtol(ld + 1, NULL, 10) : -1;
		}
	}
	if (n < 0)
		return -1;
	for (p = *e; p < end && is_space(*p); p++)
		;
	if (end - p < 6 || memcmp(p, "stream", 6) != 0)
		return -1;
	p += 6;
	if (p < end && *p == '\r')
		p++;
	if (p < end && *p == '\n')
		p++;
	if ((size_t)(end - p) < (size_t)n)
		return -1;
	*data = p;
	*len = (size_t)n;
	return 0;
}

static int read_file(struct pdf_file *f, struct kp_error *err)
{
	const char *end = f->s + f->len, *p, *t;
	long first, count, i;

	/* startxref, near the end */
	for (p = end - 9; p > f->s && end - p < 64; p--)
		if (memcmp(p, "startxref", 9) == 0)
			break;
	if (p <= f->s || end - p >= 64)
		return fail(err, "no startxref");
	f->xref = strtol(p + 9, NULL, 10);
	if (f->xref <= 0 || (size_t)f->xref >= f->len ||
	    memcmp(f->s + f->xref, "xref", 4) != 0)
		return fail(err, "no cross-reference table");
	p = f->s + f->xref + 4;
	first = strtol(p, (char **)&p, 10);
	count = strtol(p, (char **)&p, 10);
	if (first != 0 || count <= 0 || count > 10000000)
		return fail(err, "an unexpected cross-reference table");
	while (p < end && is_space(*p))
		p++;
	if (end - p < count * 20)
		return fail(err, "a short cross-reference table");
	f->nobj = (size_t)count;
	f->off = kp_xcalloc(f->nobj, sizeof(long));
	for (i = 0; i < count; i++, p += 20)
		f->off[i] = p[17] == 'n' ? strtol(p, NULL, 10) : -1;
	while (p < end && is_space(*p))
		p++;
	if (end - p < 7 || memcmp(p, "trailer", 7) != 0)
		return fail(err, "no trailer");
	for (t = p + 7; t < end && is_space(*t); t++)
		;
	if (!(p = dict_end(t, end)))
		return fail(err, "an unreadable trailer");
	f->root = dict_int(t, p, "/Root");
	f->info = dict_int(t, p, "/Info");
	f->size = dict_int(t, p, "/Size");
	if (f->root <= 0 || f->size != count)
		return fail(err, "a trailer without /Root");
	return 0;
}

/* Begin object num's new version; end it with obj_end(). */
static void obj_begin(struct update *u, long num)
{
	if (u->n == u->alloc) {
		u->alloc = u->alloc ? 2 * u->alloc : 32;
		u->num = kp_xrealloc(u->num, u->alloc * sizeof(long));
		u->off = kp_xrealloc(u->off, u->alloc * sizeof(long));
	}
	u->num[u->n] = num;
	u->off[u->n++] = (long)u->out.len; /* relative, fixed later */
	kp_buf_addf(&u->out, "%ld 0 obj\n", num);
}

static void obj_end(struct update *u)
{
	kp_buf_addstr(&u->out, "endobj\n");
}

/* The dictionary [d, e) with text added before its closing ">>". */
static void dict_with(struct update *u, const char *d, const char *e,
		      const char *add)
{
	kp_buf_add(&u->out, d, (size_t)(e - d - 2));
	kp_buf_addstr(&u->out, add);
	kp_buf_addstr(&u->out, ">>\n");
}

/* ------------------------------------------------------------------ */
/* Artifacts                                                           */
/* ------------------------------------------------------------------ */

enum tok { T_END, T_OP, T_OTHER };

/*
 * The next token of the content stream at *p: an operator (T_OP, its
 * text in [*a, *p)) or an operand of any kind (T_OTHER).
 */
static enum tok next_token(const char **p, const char *e, const char **a)
{
	const char *s = *p;
	int depth;

	while (s < e && (is_space(*s) || *s == '%')) {
		if (*s == '%')
			while (s < e && *s != '\n' && *s != '\r')
				s++;
		else
			s++;
	}
	*a = s;
	if (s >= e) {
		*p = s;
		return T_END;
	}
	if (*s == '(') {
		for (depth = 0; s < e; s++) {
			if (*s == '\\')
				s++;
			else if (*s == '(')
				depth++;
			else if (*s == ')' && --depth == 0)
				break;
		}
		*p = s < e ? s + 1 : e;
		return T_OTHER;
	}
	if (*s == '<' && s + 1 < e && s[1] == '<') {
		*p = s + 2;
		return T_OTHER;
	}
	if (*s == '>' && s + 1 < e && s[1] == '>') {
		*p = s + 2;
		return T_OTHER;
	}
	if (*s == '<') {
		while (s < e && *s != '>')
			s++;
		*p = s < e ? s + 1 : e;
		return T_OTHER;
	}
	if (*s == '[' || *s == ']' || *s == '{' || *s == '}') {
		*p = s + 1;
		return T_OTHER;
	}
	if (*s == '/') {
		for (s++; s < e && !is_space(*s) && !is_delim(*s); s++)
			;
		*p = s;
		return T_OTHER;
	}
	for (; s < e && !is_space(*s) && !is_delim(*s); s++)
		;
	*p = s;
	if ((**a >= '0' && **a <= '9') || **a == '-' || **a == '+' ||
	    **a == '.')
		return T_OTHER;
	if (s == *a) {
		*p = s + 1; /* a stray delimiter */
		return T_OTHER;
	}
	return T_OP;
}

static int op_is(const char *a, const char *b, const char *op)
{
	return (size_t)(b - a) == strlen(op) &&
	       memcmp(a, op, (size_t)(b - a)) == 0;
}

/* An operator that puts marks on the page. */
static int paints(const char *a, const char *b)
{
	static const char *const ops[] = { "Tj", "TJ", "'",  "\"", "Do",
					   "f",	 "F",  "f*", "B",  "B*",
					   "b",	 "b*", "S",  "s",  "sh" };
	size_t i;

	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (op_is(a, b, ops[i]))
			return 1;
	return 0;
}

/* Append [a, b) to out, as an artifact when painted. */
static void put_gap(struct kp_buf *out, const char *a, const char *b,
		    int painted)
{
	if (painted)
		kp_buf_addstr(out, "/Artifact BMC\n");
	kp_buf_add(out, a, (size_t)(b - a));
	if (painted)
		kp_buf_addstr(out, "\nEMC\n");
}

int kp_pdf_mark_artifacts(struct kp_buf *out, const char *s, size_t len)
{
	const char *e = s + len, *p = s, *a, *gap = s, *operands = s;
	size_t start = out->len;
	int depth = 0, text = 0, painted = 0;

	for (;;) {
		enum tok t = next_token(&p, e, &a);

		if (t == T_END)
			break;
		if (t != T_OP)
			continue;
		if (op_is(a, p, "BI") || op_is(a, p, "ID"))
			goto refuse;
		if (op_is(a, p, "BDC") || op_is(a, p, "BMC")) {
			/*
			 * A sequence that begins at the top, outside a text
			 * object: the stretch before its operands is done.
			 */
			if (!depth && !text) {
				put_gap(out, gap, operands, painted);
				gap = operands;
				painted = 0;
			}
			depth++;
		} else if (op_is(a, p, "EMC")) {
			if (--depth < 0)
				goto refuse;
			if (!depth && !text) {
				put_gap(out, gap, p, 0);
				gap = p;
			}
		} else if (op_is(a, p, "BT")) {
			text++;
		} else if (op_is(a, p, "ET")) {
			if (--text < 0)
				goto refuse;
		} else if (!depth && paints(a, p)) {
			painted = 1;
		}
		operands = p;
	}
	if (depth || text)
		goto refuse;
	put_gap(out, gap, e, painted);
	return 0;
refuse:
	kp_buf_setlen(out, start);
	return -1;
}

/* Inflate or deflate src into dst; -1 on failure. */
static int zlib_run(struct kp_buf *dst, const char *src, size_t len, int in)
{
	z_stream z;
	unsigned char tmp[16384];
	int rc;

	memset(&z, 0, sizeof(z));
	if ((in ? inflateInit(&z) : deflateInit(&z, 9)) != Z_OK)
		return -1;
	z.next_in = (unsigned char *)(uintptr_t)src;
	z.avail_in = (uInt)len;
	do {
		z.next_out = tmp;
		z.avail_out = sizeof(tmp);
		rc = in ? inflate(&z, Z_NO_FLUSH) : deflate(&z, Z_FINISH);
		if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR)
			break;
		kp_buf_add(dst, tmp, sizeof(tmp) - z.avail_out);
		if (rc == Z_BUF_ERROR && z.avail_in == 0 && in)
			break;
	} while (rc != Z_STREAM_END);
	if (in)
		inflateEnd(&z);
	else
		deflateEnd(&z);
	return rc == Z_STREAM_END ? 0 : -1;
}

/* A page: /Tabs /S, and its content's artifacts marked. */
static int update_page(struct update *u, const struct pdf_file *f, long num)
{
	const char *d, *e, *cd, *ce, *data;
	struct kp_buf plain = KP_BUF_INIT, marked = KP_BUF_INIT,
		      packed = KP_BUF_INIT;
	long contents;
	size_t len;
	int error = -1, flate;

	if (obj_dict(f, num, &d, &e) < 0)
		return -1;
	obj_begin(u, num);
	dict_with(u, d, e, "   /Tabs /S\n");
	obj_end(u);
	contents = dict_int(d, e, "/Contents");
	if (contents <= 0 || obj_stream(f, contents, &cd, &ce, &data, &len) < 0)
		return -1;
	flate = has(cd, ce, "/FlateDecode");
	if (flate ? zlib_run(&plain, data, len, 1) < 0
		  : (kp_buf_add(&plain, data, len), 0))
		goto done;
	if (kp_pdf_mark_artifacts(&marked, plain.buf, plain.len) < 0) {
		error = 0; /* left as cairo wrote it */
		goto done;
	}
	if (zlib_run(&packed, marked.buf, marked.len, 0) < 0)
		goto done;
	obj_begin(u, contents);
	kp_buf_addf(&u->out, "<< /Length %zu /Filter /FlateDecode >>\nstream\n",
		    packed.len);
	kp_buf_add(&u->out, packed.buf, packed.len);
	kp_buf_addstr(&u->out, "\nendstream\n");
	obj_end(u);
	error = 0;
done:
	kp_buf_release(&plain);
	kp_buf_release(&marked);
	kp_buf_release(&packed);
	return error;
}

/* The pages under the page tree node num, in order. */
static int update_pages(struct update *u, const struct pdf_file *f, long num,
			int depth)
{
	const char *d, *e, *p;
	long kid;

	if (depth > 32 || obj_dict(f, num, &d, &e) < 0)
		return -1;
	for (p = d; p + 5 < e && memcmp(p, "/Kids", 5) != 0; p++)
		;
	if (p + 5 >= e)
		return update_page(u, f, num);
	for (p += 5; p < e && *p != '['; p++)
		;
	for (p++; p < e && *p != ']';) {
		while (p < e && is_space(*p))
			p++;
		if (*p == ']')
			break;
		kid = strtol(p, (char **)&p, 10);
		strtol(p, (char **)&p, 10); /* generation */
		while (p < e && is_space(*p))
			p++;
		if (p >= e || *p != 'R' || kid <= 0)
			return -1;
		p++;
		if (update_pages(u, f, kid, depth + 1) < 0)
			return -1;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* The structure's table headers                                       */
/* ------------------------------------------------------------------ */

/*
 * cairo 1.16 writes no attributes for structure elements; each TH gets
 * /A << /O /Table /Scope /Column >> (or /Row), in the order of their
 * object numbers, which is the order cairo made them.
 */
static int update_scopes(struct update *u, const struct pdf_file *f,
			 const char *scopes, size_t n)
{
	const char *d, *e;
	size_t i, k = 0;

	for (i = 1; i < f->nobj && k < n; i++) {
		if (obj_dict(f, (long)i, &d, &e) < 0)
			continue;
		if (!has(d, e, "/Type /StructElem") || !has(d, e, "/S /TH\n"))
			continue;
		obj_begin(u, (long)i);
		dict_with(u, d, e,
			  scopes[k++] == 'C'
				  ? "   /A << /O /Table /Scope /Column >>\n"
				  : "   /A << /O /Table /Scope /Row >>\n");
		obj_end(u);
	}
	return k == n ? 0 : -1;
}

/* ------------------------------------------------------------------ */
/* Fonts and annotations, as PDF/A-2 and PDF/UA-1 want them            */
/* ------------------------------------------------------------------ */

/*
 * The literal string that follows key in [d, e), "(...)" whole, into
 * [*a, *b); -1 when there is none.
 */
static int dict_string(const char *d, const char *e, const char *key,
		       const char **a, const char **b)
{
	size_t k = strlen(key);
	const char *p, *q;
	int depth = 0;

	for (p = d; p + k < e; p++) {
		if (memcmp(p, key, k) != 0 || (!is_space(p[k]) && p[k] != '('))
			continue;
		for (q = p + k; q < e && is_space(*q); q++)
			;
		if (q < e && *q == '(')
			break;
	}
	if (p + k >= e)
		return -1;
	for (*a = p = q; p < e; p++) {
		if (*p == '\\')
			p++;
		else if (*p == '(')
			depth++;
		else if (*p == ')' && --depth == 0)
			break;
	}
	if (p >= e)
		return -1;
	*b = p + 1;
	return 0;
}

/*
 * cairo 1.16 writes a TrueType CIDFont without /CIDToGIDMap, which then
 * means the identity; PDF/A-2 (6.2.11.3.2) wants it said.  A link
 * annotation gets the print flag (/F 4, PDF/A-2 6.3.2) and, for a screen
 * reader, an alternate description (/Contents, PDF/UA-1 7.18.5): its
 * address, which is also what its text shows.
 */
static void update_fonts_links(struct update *u, const struct pdf_file *f)
{
	const char *d, *e, *a, *b;
	size_t i;

	for (i = 1; i < f->nobj; i++) {
		if (obj_dict(f, (long)i, &d, &e) < 0)
			continue;
		if (has(d, e, "/Subtype /CIDFontType2") &&
		    !has(d, e, "/CIDToGIDMap")) {
			obj_begin(u, (long)i);
			dict_with(u, d, e, "   /CIDToGIDMap /Identity\n");
			obj_end(u);
		} else if (has(d, e, "/Type /Annot") &&
			   has(d, e, "/Subtype /Link") && !has(d, e, "/F ")) {
			obj_begin(u, (long)i);
			kp_buf_add(&u->out, d, (size_t)(e - d - 2));
			kp_buf_addstr(&u->out, "   /F 4\n");
			if (!has(d, e, "/Contents") &&
			    dict_string(d, e, "/URI", &a, &b) == 0) {
				kp_buf_addstr(&u->out, "   /Contents ");
				kp_buf_add(&u->out, a, (size_t)(b - a));
				kp_buf_addch(&u->out, '\n');
			}
			kp_buf_addstr(&u->out, ">>\n");
			obj_end(u);
		}
	}
}

/*
 * The sRGB profile (icc.c) as the stream object num, for the PDF/A
 * output intent: the colours cairo writes (DeviceRGB) are sRGB.
 */
static int icc_object(struct update *u, long num)
{
	struct kp_buf icc = KP_BUF_INIT, packed = KP_BUF_INIT;
	int error = -1;

	kp_icc_srgb(&icc);
	if (zlib_run(&packed, icc.buf, icc.len, 0) == 0) {
		obj_begin(u, num);
		kp_buf_addf(&u->out,
			    "<< /N 3 /Length %zu /Filter /FlateDecode >>\n"
			    "stream\n",
			    packed.len);
		kp_buf_add(&u->out, packed.buf, packed.len);
		kp_buf_addstr(&u->out, "\nendstream\n");
		obj_end(u);
		error = 0;
	}
	kp_buf_release(&icc);
	kp_buf_release(&packed);
	return error;
}

/* ------------------------------------------------------------------ */
/* Metadata                                                            */
/* ------------------------------------------------------------------ */

/* s as XML character data. */
static void xml_text(struct kp_buf *out, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&': kp_buf_addstr(out, "&amp;"); break;
		case '<': kp_buf_addstr(out, "&lt;"); break;
		case '>': kp_buf_addstr(out, "&gt;"); break;
		case '"': kp_buf_addstr(out, "&quot;"); break;
		default:
			if ((unsigned char)*s >= 0x20 || *s == '\t')
				kp_buf_addch(out, *s);
		}
	}
}

/* s as a PDF text string: UTF-16BE with its byte order mark, in hex. */
static void pdf_text(struct kp_buf *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	unsigned c;
	size_t n;

	kp_buf_addstr(out, "<FEFF");
	while (*p) {
		n = kp_utf8_len((const char *)p, strlen((const char *)p));
		if (!n) {
			c = 0xfffd;
			n = 1;
		} else if (n == 1) {
			c = p[0];
		} else if (n == 2) {
			c = (p[0] & 0x1fu) << 6 | (p[1] & 0x3fu);
		} else if (n == 3) {
			c = (p[0] & 0x0fu) << 12 | (p[1] & 0x3fu) << 6 |
			    (p[2] & 0x3fu);
		} else {
			c = (p[0] & 0x07u) << 18 | (p[1] & 0x3fu) << 12 |
			    (p[2] & 0x3fu) << 6 | (p[3] & 0x3fu);
		}
		p += n;
		if (c >= 0x10000) {
			c -= 0x10000;
			kp_buf_addf(out, "%04X%04X", 0xd800 + (c >> 10),
				    0xdc00 + (c & 0x3ff));
		} else {
			kp_buf_addf(out, "%04X", c);
		}
	}
	kp_buf_addch(out, '>');
}

/* The time t (UTC) as "2014-05-02T10:00:00Z", or with pdf "D:20140502100000Z".
 */
static void date_of(char out[32], long long t, int pdf)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm))
		memset(&tm, 0, sizeof(tm));
	strftime(out, 32, pdf ? "D:%Y%m%d%H%M%SZ" : "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void xmp_alt(struct kp_buf *x, const char *tag, const char *v)
{
	if (!v || !*v)
		return;
	kp_buf_addf(x, "   <%s><rdf:Alt><rdf:li xml:lang=\"x-default\">", tag);
	xml_text(x, v);
	kp_buf_addf(x, "</rdf:li></rdf:Alt></%s>\n", tag);
}

static void xmp_simple(struct kp_buf *x, const char *tag, const char *v)
{
	if (!v || !*v)
		return;
	kp_buf_addf(x, "   <%s>", tag);
	xml_text(x, v);
	kp_buf_addf(x, "</%s>\n", tag);
}

/*
 * kiplan's own properties, described for PDF/A (ISO 19005-2, 6.6.2.3.2:
 * a property outside the standard schemas needs an extension schema).
 */
static void xmp_extension(struct kp_buf *x)
{
	static const char *const props[][2] = {
		{ "plan", "The plan's id" },
		{ "revision", "The revision's number; 0 for a working copy" },
		{ "commit", "The git commit of the revision" },
		{ "redacted", "true when CPR and phone numbers are hidden" },
		{ "invalid", "true when the plan did not validate" },
		{ "version", "The kiplan version that rendered it" },
	};
	size_t i;

	kp_buf_addstr(x, "   <pdfaExtension:schemas><rdf:Bag>\n"
			 "    <rdf:li rdf:parseType=\"Resource\">\n"
			 "     <pdfaSchema:schema>kiplan document identity"
			 "</pdfaSchema:schema>\n"
			 "     <pdfaSchema:namespaceURI>" KP_IDENT_NS
			 "</pdfaSchema:namespaceURI>\n"
			 "     <pdfaSchema:prefix>kiplan</pdfaSchema:prefix>\n"
			 "     <pdfaSchema:property><rdf:Seq>\n");
	for (i = 0; i < sizeof(props) / sizeof(props[0]); i++)
		kp_buf_addf(x,
			    "      <rdf:li rdf:parseType=\"Resource\">"
			    "<pdfaProperty:name>%s</pdfaProperty:name>"
			    "<pdfaProperty:valueType>Text"
			    "</pdfaProperty:valueType>"
			    "<pdfaProperty:category>external"
			    "</pdfaProperty:category>"
			    "<pdfaProperty:description>%s"
			    "</pdfaProperty:description></rdf:li>\n",
			    props[i][0], props[i][1]);
	kp_buf_addstr(x, "     </rdf:Seq></pdfaSchema:property>\n"
			 "    </rdf:li>\n"
			 "   </rdf:Bag></pdfaExtension:schemas>\n");
}

/*
 * The XMP packet (ISO 16684-1): what the Info dictionary says, in the
 * same words, the document's language, which plan it is, and that it
 * is PDF/A-2 (ISO 19005-2) of the conformance level meta->pdfa.
 */
static void xmp(struct kp_buf *x, const struct kp_pdf_meta *m)
{
	char date[32];

	date_of(date, m->created, 0);
	kp_buf_addstr(x,
		      "<?xpacket begin=\"\xef\xbb\xbf\" "
		      "id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
		      "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"
		      " <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/"
		      "22-rdf-syntax-ns#\">\n"
		      "  <rdf:Description rdf:about=\"\"\n"
		      "    xmlns:dc=\"http://purl.org/dc/elements/1.1/\"\n"
		      "    xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\"\n"
		      "    xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\"\n"
		      "    xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\"\n"
		      "    xmlns:pdfaExtension=\"http://www.aiim.org/pdfa/ns/"
		      "extension/\"\n"
		      "    xmlns:pdfaSchema=\"http://www.aiim.org/pdfa/ns/"
		      "schema#\"\n"
		      "    xmlns:pdfaProperty=\"http://www.aiim.org/pdfa/ns/"
		      "property#\"\n"
		      "    xmlns:kiplan=\"" KP_IDENT_NS "\">\n"
		      "   <pdfaid:part>2</pdfaid:part>\n");
	kp_buf_addf(x, "   <pdfaid:conformance>%c</pdfaid:conformance>\n",
		    m->pdfa);
	xmp_extension(x);
	kp_buf_addstr(x, "   <dc:format>application/pdf</dc:format>\n");
	xmp_alt(x, "dc:title", m->title);
	if (m->author && *m->author) {
		kp_buf_addstr(x, "   <dc:creator><rdf:Seq><rdf:li>");
		xml_text(x, m->author);
		kp_buf_addstr(x, "</rdf:li></rdf:Seq></dc:creator>\n");
	}
	xmp_alt(x, "dc:description", m->subject);
	kp_buf_addf(x,
		    "   <dc:language><rdf:Bag><rdf:li>%s</rdf:li>"
		    "</rdf:Bag></dc:language>\n",
		    m->lang);
	xmp_simple(x, "xmp:CreatorTool", m->creator);
	xmp_simple(x, "xmp:CreateDate", date);
	xmp_simple(x, "xmp:ModifyDate", date);
	xmp_simple(x, "xmp:MetadataDate", date);
	xmp_simple(x, "pdf:Producer", m->producer);
	if (m->ident)
		kp_buf_addstr(x, m->ident);
	kp_buf_addstr(x, "  </rdf:Description>\n </rdf:RDF>\n</x:xmpmeta>\n"
			 "<?xpacket end=\"r\"?>");
}

/* The Info dictionary, anew: the same values, dates in the right form. */
static void info(struct update *u, long num, const struct kp_pdf_meta *m)
{
	static const char *const keys[] = { "/Title", "/Author", "/Subject",
					    "/Creator", "/Producer" };
	const char *vals[5];
	char date[32];
	size_t i;

	vals[0] = m->title;
	vals[1] = m->author;
	vals[2] = m->subject;
	vals[3] = m->creator;
	vals[4] = m->producer;
	obj_begin(u, num);
	kp_buf_addstr(&u->out, "<< ");
	for (i = 0; i < 5; i++)
		if (vals[i] && *vals[i]) {
			kp_buf_addf(&u->out, "%s ", keys[i]);
			pdf_text(&u->out, vals[i]);
			kp_buf_addstr(&u->out, "\n   ");
		}
	date_of(date, m->created, 1);
	kp_buf_addf(&u->out, "/CreationDate (%s)\n   /ModDate (%s)\n>>\n", date,
		    date);
	obj_end(u);
}

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return x < y ? -1 : x > y;
}

int kp_pdf_finish(struct kp_buf *pdf, size_t start,
		  const struct kp_pdf_meta *meta, struct kp_error *err)
{
	struct pdf_file f;
	struct update u;
	struct kp_buf x = KP_BUF_INIT, cat = KP_BUF_INIT;
	const char *d, *e;
	long metadata, icc, *order = NULL, base, pages;
	unsigned long long h1, h2;
	size_t i, k, j;
	int error = 0;

	memset(&f, 0, sizeof(f));
	memset(&u, 0, sizeof(u));
	kp_buf_init(&u.out);
	f.s = pdf->buf + start;
	f.len = pdf->len - start;
	if ((error = read_file(&f, err)) < 0)
		goto done;
	if (obj_dict(&f, f.root, &d, &e) < 0) {
		error = fail(err, "no catalog");
		goto done;
	}
	metadata = f.size;
	icc = f.size + 1;
	pages = dict_int(d, e, "/Pages");

	/*
	 * The catalog: language, metadata, the title in the window, and the
	 * PDF/A output intent: sRGB, the colours' meaning.
	 */
	kp_buf_addf(&cat,
		    "   /Lang (%s)\n   /Metadata %ld 0 R\n"
		    "   /ViewerPreferences << /DisplayDocTitle true >>\n"
		    "   /OutputIntents [ << /Type /OutputIntent /S /GTS_PDFA1\n"
		    "      /OutputConditionIdentifier (" KP_ICC_SRGB_NAME ")\n"
		    "      /Info (" KP_ICC_SRGB_NAME ")\n"
		    "      /RegistryName (http://www.color.org)\n"
		    "      /DestOutputProfile %ld 0 R >> ]\n",
		    meta->lang, metadata, icc);
	if (!has(d, e, "/MarkInfo"))
		kp_buf_addstr(&cat, "   /MarkInfo << /Marked true >>\n");
	obj_begin(&u, f.root);
	dict_with(&u, d, e, cat.buf);
	obj_end(&u);
	if (f.info > 0)
		info(&u, f.info, meta);
	xmp(&x, meta);
	obj_begin(&u, metadata);
	kp_buf_addf(&u.out,
		    "<< /Type /Metadata /Subtype /XML /Length %zu >>\n"
		    "stream\n",
		    x.len);
	kp_buf_add(&u.out, x.buf, x.len);
	kp_buf_addstr(&u.out, "\nendstream\n");
	obj_end(&u);
	if (icc_object(&u, icc) < 0) {
		error = fail(err, "no colour profile");
		goto done;
	}
	update_fonts_links(&u, &f);
	if (pages <= 0 || update_pages(&u, &f, pages, 0) < 0) {
		error = fail(err, "unreadable pages");
		goto done;
	}
	if (update_scopes(&u, &f, meta->scopes, meta->nscopes) < 0) {
		error = fail(err, "the table headers are not all there");
		goto done;
	}

	/* Where the objects stand, and the cross-reference section. */
	base = (long)f.len + (f.s[f.len - 1] == '\n' ? 0 : 1);
	order = kp_xmalloc(u.n * 2 * sizeof(long));
	for (i = 0; i < u.n; i++) {
		order[2 * i] = u.num[i];
		order[2 * i + 1] = base + u.off[i];
	}
	qsort(order, u.n, 2 * sizeof(long), cmp_long);
	h1 = kp_hash64(0, f.s, f.len);
	h1 = kp_hash64(h1, u.out.buf, u.out.len);
	h2 = kp_hash64(0x9e3779b97f4a7c15ULL, u.out.buf, u.out.len);
	h2 = kp_hash64(h2, f.s, f.len);
	if (f.s[f.len - 1] != '\n')
		kp_buf_addch(pdf, '\n');
	kp_buf_add(pdf, u.out.buf, u.out.len);
	kp_buf_addstr(pdf, "xref\n");
	for (i = 0; i < u.n; i = k) {
		for (k = i + 1;
		     k < u.n && order[2 * k] == order[2 * (k - 1)] + 1; k++)
			;
		kp_buf_addf(pdf, "%ld %zu\n", order[2 * i], k - i);
		for (j = i; j < k; j++)
			kp_buf_addf(pdf, "%010ld 00000 n \n", order[2 * j + 1]);
	}
	kp_buf_addf(pdf, "trailer\n<< /Size %ld\n   /Root %ld 0 R\n", icc + 1,
		    f.root);
	if (f.info > 0)
		kp_buf_addf(pdf, "   /Info %ld 0 R\n", f.info);
	kp_buf_addf(pdf,
		    "   /Prev %ld\n   /ID [<%016llx%016llx> <%016llx%016llx>]\n"
		    ">>\nstartxref\n%ld\n%%%%EOF\n",
		    f.xref, h1, h2, h1, h2, base + (long)u.out.len);
done:
	free(order);
	free(f.off);
	free(u.num);
	free(u.off);
	kp_buf_release(&u.out);
	kp_buf_release(&x);
	kp_buf_release(&cat);
	return error;
}

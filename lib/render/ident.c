/*
 * ident.c: which plan, revision and commit a rendered document is, and
 * how it was rendered, written into it and read back (kiplan verify).
 *
 * In a PDF the identity is a set of XMP properties in the metadata
 * stream, which pdfpost.c writes uncompressed; in HTML, <meta> elements
 * in the head.  Both are read by looking for their exact text, which
 * kiplan writes and nothing in a plan can imitate: every value a plan
 * supplies is escaped, so it cannot hold a '<'.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/render.h"
#include "i18n.h"
#include "banned.h"

static void xml_value(struct kp_buf *out, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '&')
			kp_buf_addstr(out, "&amp;");
		else if (*s == '<')
			kp_buf_addstr(out, "&lt;");
		else if (*s == '>')
			kp_buf_addstr(out, "&gt;");
		else if (*s == '"')
			kp_buf_addstr(out, "&quot;");
		else if ((unsigned char)*s >= 0x20)
			kp_buf_addch(out, *s);
	}
}

/* The properties, name and value, for either form. */
static void each(const struct kp_rdoc *doc,
		 void (*fn)(struct kp_buf *, const char *, const char *),
		 struct kp_buf *out)
{
	char n[16];

	fn(out, "plan", doc->plan_id ? doc->plan_id : "");
	snprintf(n, sizeof(n), "%u", doc->revision);
	fn(out, "revision", n);
	fn(out, "commit", doc->commit);
	fn(out, "redacted", doc->redacted ? "true" : "false");
	fn(out, "invalid", doc->invalid ? "true" : "false");
	fn(out, "version", KP_VERSION);
}

static void xmp_one(struct kp_buf *out, const char *name, const char *v)
{
	kp_buf_addf(out, "   <kiplan:%s>", name);
	xml_value(out, v);
	kp_buf_addf(out, "</kiplan:%s>\n", name);
}

static void html_one(struct kp_buf *out, const char *name, const char *v)
{
	kp_buf_addf(out, "<meta name=\"kiplan:%s\" content=\"", name);
	xml_value(out, v);
	kp_buf_addstr(out, "\">\n");
}

void kp_ident_xmp(struct kp_buf *out, const struct kp_rdoc *doc)
{
	each(doc, xmp_one, out);
}

void kp_ident_html(struct kp_buf *out, const struct kp_rdoc *doc)
{
	each(doc, html_one, out);
}

/* Find needle in [s, s + len); NULL when it is not there. */
static const char *find(const char *s, size_t len, const char *needle)
{
	size_t n = strlen(needle), i;

	for (i = 0; i + n <= len; i++)
		if (s[i] == *needle && memcmp(s + i, needle, n) == 0)
			return s + i;
	return NULL;
}

/*
 * The value of property name into out (size bytes), its entities
 * undone: after "<kiplan:name>" up to '<' in a PDF, after
 * "<meta name=\"kiplan:name\" content=\"" up to '"' in HTML.  -1 when it
 * is not there or too long.
 */
static int value(char *out, size_t size, const char *data, size_t len, int pdf,
		 const char *name)
{
	char key[64];
	const char *p, *end = data + len;
	size_t n = 0;

	snprintf(key, sizeof(key),
		 pdf ? "<kiplan:%s>" : "<meta name=\"kiplan:%s\" content=\"",
		 name);
	if (!(p = find(data, len, key)))
		return -1;
	for (p += strlen(key); p < end && *p != (pdf ? '<' : '"'); p++) {
		char c = *p;

		if (c == '&') {
			static const struct {
				const char *ent;
				char c;
			} ents[] = { { "&amp;", '&' },
				     { "&lt;", '<' },
				     { "&gt;", '>' },
				     { "&quot;", '"' } };
			size_t k;

			for (k = 0; k < 4; k++)
				if ((size_t)(end - p) >= strlen(ents[k].ent) &&
				    !memcmp(p, ents[k].ent,
					    strlen(ents[k].ent)))
					break;
			if (k == 4)
				return -1;
			c = ents[k].c;
			p += strlen(ents[k].ent) - 1;
		}
		if (n + 1 >= size)
			return -1;
		out[n++] = c;
	}
	if (p >= end)
		return -1;
	out[n] = '\0';
	return 0;
}

static int hex40(const char *s)
{
	size_t i;

	for (i = 0; i < 40; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		      (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return s[40] == '\0';
}

int kp_ident_read(struct kp_ident *out, const char *data, size_t len,
		  struct kp_error *err)
{
	char rev[16], flag[8];
	int pdf = len >= 5 && memcmp(data, "%PDF-", 5) == 0;
	char *end;

	memset(out, 0, sizeof(*out));
	snprintf(out->format, sizeof(out->format), "%s", pdf ? "pdf" : "html");
	if ((!pdf && !find(data, len < 4096 ? len : 4096, "<html")) ||
	    value(out->plan, sizeof(out->plan), data, len, pdf, "plan") < 0 ||
	    value(rev, sizeof(rev), data, len, pdf, "revision") < 0 ||
	    value(out->commit, sizeof(out->commit), data, len, pdf, "commit") <
		    0 ||
	    value(out->version, sizeof(out->version), data, len, pdf,
		  "version") < 0)
		return kp_error_set(err, KP_ENOTFOUND, NULL, 0, 0,
				    _("not a document written by kiplan (it "
				      "says of no plan)"));
	out->revision = (unsigned)strtoul(rev, &end, 10);
	if (*end || (out->revision && !hex40(out->commit)) ||
	    (!out->revision && out->commit[0]))
		return kp_error_set(err, KP_ENOTFOUND, NULL, 0, 0,
				    _("not a document written by kiplan (its "
				      "revision or commit is malformed)"));
	if (value(flag, sizeof(flag), data, len, pdf, "redacted") == 0)
		out->redacted = strcmp(flag, "true") == 0;
	if (value(flag, sizeof(flag), data, len, pdf, "invalid") == 0)
		out->invalid = strcmp(flag, "true") == 0;
	return 0;
}

/*
 * markdown.c: CommonMark for rendering, parsed with libcmark in bounded
 * time, and made safe for every writer.
 *
 * libcmark 0.30.2 has inputs on which it is quadratic (CVE-2023-22486:
 * many "![[]()" or nested brackets; GHSA-66g8-4hjf-77xh: long runs of
 * emphasis delimiters or backticks).  Whatever the construct, its cost is
 * superlinear only within one parse, and the known ones only within one
 * paragraph, in the number of delimiters and brackets.  So:
 *  - no parse is given more than KP_MD_CHUNK bytes: the text is cut at
 *    blank lines outside fenced code (and around fenced code) into
 *    blocks, gathered into groups of at most KP_MD_CHUNK bytes;
 *  - a block longer than that (except fenced code, which cmark parses
 *    without inlines) or holding more than KP_MD_SPECIAL delimiters and
 *    brackets is not given to cmark at all but kept as plain paragraphs.
 * A text of n bytes then costs at most about 2n / KP_MD_CHUNK + 1 parses
 * of KP_MD_CHUNK bytes: linear in n.  A text that fits in one chunk
 * (every real field) is parsed whole, so nothing changes for it; in a
 * longer one, a link reference definition only serves its own group.
 */
#include <stdlib.h>
#include <string.h>

#include <cmark.h>

#include "load/load.h"
#include "banned.h"

#define MD_OPTS (CMARK_OPT_VALIDATE_UTF8 | CMARK_OPT_SAFE)

int kp_md_url_safe(const char *url)
{
	static const char *const ok[] = { "http", "https", "mailto" };
	char scheme[16];
	size_t n = 0, i;
	const unsigned char *p;

	/*
	 * Browsers drop tabs, newlines and leading blanks in a URL, so
	 * "java\tscript:" must count as "javascript:".
	 */
	for (p = (const unsigned char *)url; *p; p++) {
		if (*p <= ' ' || *p == 0x7f)
			continue;
		if (*p == ':')
			break;
		if (*p == '#' && !n)
			return p[1] != '\0'; /* a place in this document */
		if (*p == '/' || *p == '?' || *p == '#')
			return 0; /* relative: to what, in a sent file? */
		if (n + 1 >= sizeof(scheme))
			return 0;
		scheme[n++] = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
	}
	if (!*p)
		return 0;
	scheme[n] = '\0';
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (strcmp(scheme, ok[i]) == 0)
			return 1;
	return 0;
}

static cmark_node *text_node(const char *s, size_t len)
{
	struct kp_buf b = KP_BUF_INIT;
	const unsigned char *p = (const unsigned char *)s;
	cmark_node *node;
	size_t i = 0, k;

	while (i < len) {
		/* NUL and invalid UTF-8 become U+FFFD. */
		k = p[i] ? kp_utf8_len(s + i, len - i) : 0;
		if (k) {
			kp_buf_add(&b, s + i, k);
			i += k;
		} else {
			kp_buf_addstr(&b, "\xef\xbf\xbd");
			i++;
		}
	}
	node = cmark_node_new(CMARK_NODE_TEXT);
	cmark_node_set_literal(node, b.buf);
	kp_buf_release(&b);
	return node;
}

/* Lines of s as one paragraph of literal text, breaks kept. */
static cmark_node *plain_paragraph(const char *s, size_t len)
{
	cmark_node *para = cmark_node_new(CMARK_NODE_PARAGRAPH);
	const char *end = s + len, *nl;

	while (len && (s[len - 1] == '\n' || s[len - 1] == '\r'))
		len--;
	end = s + len;
	while (s < end) {
		nl = memchr(s, '\n', (size_t)(end - s));
		if (!nl)
			nl = end;
		cmark_node_append_child(para, text_node(s, (size_t)(nl - s)));
		if (nl < end)
			cmark_node_append_child(
				para, cmark_node_new(CMARK_NODE_LINEBREAK));
		s = nl < end ? nl + 1 : end;
	}
	return para;
}

static void move_children(cmark_node *to, cmark_node *from)
{
	cmark_node *c;

	while ((c = cmark_node_first_child(from))) {
		cmark_node_unlink(c);
		cmark_node_append_child(to, c);
	}
}

static void parse_into(cmark_node *doc, const char *s, size_t len)
{
	cmark_node *part;

	if (!len)
		return;
	part = cmark_parse_document(s, len, MD_OPTS);
	move_children(doc, part);
	cmark_node_free(part);
}

static int blank_line(const char *s, const char *end)
{
	for (; s < end && *s != '\n'; s++)
		if (*s != ' ' && *s != '\t' && *s != '\r')
			return 0;
	return 1;
}

/*
 * A fence opener or closer: up to three spaces, then three or more of
 * ` or ~.  Returns the run length and sets *ch; 0 when not a fence.
 */
static size_t fence(const char *s, const char *end, char *ch)
{
	size_t ind = 0, n = 0;

	while (s < end && *s == ' ' && ind < 4)
		s++, ind++;
	if (ind > 3 || s >= end || (*s != '`' && *s != '~'))
		return 0;
	*ch = *s;
	while (s < end && *s == *ch)
		s++, n++;
	return n >= 3 ? n : 0;
}

struct chunker {
	cmark_node *doc;
	const char *group; /* start of the group not yet parsed */
	const char *block; /* start of the current block */
	size_t special;	   /* its delimiters and brackets */
};

/* The characters that open or close inlines, whose runs cmark stacks. */
static size_t count_special(const char *s, const char *end)
{
	size_t n = 0;

	for (; s < end; s++)
		if (*s == '*' || *s == '_' || *s == '[' || *s == ']' ||
		    *s == '`' || *s == '<' || *s == '!' || *s == '\\')
			n++;
	return n;
}

/*
 * The block [k->block, end) is complete; the next one starts at next.
 * A block that fits is added to the group, which is parsed when the
 * block would make it too long.  A longer block is parsed on its own
 * when it is fenced code (cmark parses no inlines there, so its cost is
 * linear), else kept as plain text.
 */
static void block_done(struct chunker *k, const char *end, const char *next,
		       int fenced)
{
	size_t special = k->special;

	k->special = 0;
	if ((size_t)(end - k->block) > KP_MD_CHUNK ||
	    (!fenced && special > KP_MD_SPECIAL)) {
		parse_into(k->doc, k->group, (size_t)(k->block - k->group));
		if (fenced)
			parse_into(k->doc, k->block, (size_t)(end - k->block));
		else
			cmark_node_append_child(
				k->doc,
				plain_paragraph(k->block,
						(size_t)(end - k->block)));
		k->group = next;
	} else if ((size_t)(end - k->group) > KP_MD_CHUNK) {
		parse_into(k->doc, k->group, (size_t)(k->block - k->group));
		k->group = k->block;
	}
	k->block = next;
}

/*
 * Cut s into blocks, at blank lines outside fenced code and around
 * fenced code, and hand them to cmark in groups of at most KP_MD_CHUNK
 * bytes.
 */
static void parse_chunked(cmark_node *doc, const char *s, size_t len)
{
	struct chunker k = { doc, s, s, 0 };
	const char *end = s + len, *line = s, *nl, *info;
	size_t open = 0, n;
	char och = 0, ch;

	while (line < end) {
		nl = memchr(line, '\n', (size_t)(end - line));
		nl = nl ? nl + 1 : end;
		if (open) {
			n = fence(line, nl, &ch);
			if (n >= open && ch == och &&
			    blank_line(line + strspn(line, " ") + n, nl)) {
				open = 0;
				block_done(&k, nl, nl, 1);
			}
		} else if ((n = fence(line, nl, &ch)) &&
			   (info = line + strspn(line, " ") + n,
			    ch == '~' ||
				    !memchr(info, '`', (size_t)(nl - info)))) {
			if (line > k.block)
				block_done(&k, line, line, 0);
			open = n;
			och = ch;
		} else if (blank_line(line, nl)) {
			block_done(&k, line, nl, 0);
		} else {
			k.special += count_special(line, nl);
		}
		line = nl;
	}
	block_done(&k, end, end, open > 0);
	parse_into(doc, k.group, (size_t)(end - k.group));
}

/* Replace a raw HTML node with its literal text. */
static void html_to_text(cmark_node *node)
{
	const char *lit = cmark_node_get_literal(node);
	cmark_node *repl;

	if (!lit)
		lit = "";
	if (cmark_node_get_type(node) == CMARK_NODE_HTML_BLOCK)
		repl = plain_paragraph(lit, strlen(lit));
	else
		repl = text_node(lit, strlen(lit));
	cmark_node_replace(node, repl);
	cmark_node_free(node);
}

/* Put node's children in its place and drop node. */
static void unwrap(cmark_node *node)
{
	cmark_node *c;

	while ((c = cmark_node_first_child(node))) {
		cmark_node_unlink(c);
		cmark_node_insert_before(node, c);
	}
	cmark_node_free(node);
}

/*
 * Walk the tree once.  cmark allows a node to be changed at its EXIT
 * event (or the ENTER of a leaf): the iterator has already stepped past.
 */
static void make_safe(cmark_node *doc)
{
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	cmark_node *node;
	const char *url;

	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		node = cmark_iter_get_node(it);
		switch (cmark_node_get_type(node)) {
		case CMARK_NODE_HTML_BLOCK:
		case CMARK_NODE_HTML_INLINE: html_to_text(node); break;
		case CMARK_NODE_IMAGE:
			if (ev == CMARK_EVENT_EXIT)
				unwrap(node);
			break;
		case CMARK_NODE_LINK:
			url = cmark_node_get_url(node);
			if (ev == CMARK_EVENT_EXIT &&
			    (!url || !kp_md_url_safe(url)))
				unwrap(node);
			break;
		default: break;
		}
	}
	cmark_iter_free(it);
}

void *kp_md_parse(const char *text, size_t len)
{
	cmark_node *doc;

	doc = cmark_node_new(CMARK_NODE_DOCUMENT);
	if (text)
		parse_chunked(doc, text, len);
	make_safe(doc);
	return doc;
}

void kp_md_free(void *root)
{
	if (root)
		cmark_node_free(root);
}

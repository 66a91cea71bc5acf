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

/* ------------------------------------------------------------------ */
/* kiplan's text: what was written, with a little CommonMark           */
/* ------------------------------------------------------------------ */

/* A letter or digit, or a byte of a UTF-8 letter. */
static int word_char(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z') || (unsigned char)c >= 0x80;
}

static int blank_to(const char *s, const char *end)
{
	for (; s < end; s++)
		if (*s != ' ' && *s != '\t')
			return 0;
	return 1;
}

/* The line [s, end) is all '=' or all '-' (a setext underline). */
static int underline(const char *s, const char *end)
{
	const char *p = s;

	while (p < end && *p == *s)
		p++;
	return (*s == '=' || *s == '-') && p > s && blank_to(p, end);
}

/* "[label]:" opens the line: a link reference definition. */
static int link_definition(const char *s, const char *end)
{
	const char *p = s + 1;

	while (p < end && *p != ']' && *p != '[')
		p++;
	return p < end && *p == ']' && p > s + 1 && p + 1 < end && p[1] == ':';
}

/* A thematic break: three or more of one of - * _ and spaces only. */
static int rule_line(const char *s, const char *end)
{
	char c = *s;
	int n = 0;

	if (c != '-' && c != '*' && c != '_')
		return 0;
	for (; s < end; s++) {
		if (*s == c)
			n++;
		else if (*s != ' ' && *s != '\t')
			return 0;
	}
	return n >= 3;
}

/* An autolink at s: "<scheme:...>" or "<name@host>"; its length or 0. */
static size_t autolink(const char *s, const char *end)
{
	const char *p = s + 1;
	int colon = 0, at = 0;

	while (p < end && *p != '>') {
		if (*p == '<' || *p == ' ' || *p == '\t' ||
		    (unsigned char)*p < 0x20)
			return 0;
		colon |= *p == ':';
		at |= *p == '@';
		p++;
	}
	if (p >= end || (!colon && !at) || !word_char(s[1]))
		return 0;
	return (size_t)(p - s) + 1;
}

/*
 * The inlines of [s, end): a backslash and an ampersand are always
 * literal; a run of * or _ with a letter or digit on both sides (2*50,
 * fil_navn) too.  An autolink is copied as it is.
 */
static void text_inlines(struct kp_buf *out, const char *s, const char *end,
			 char before)
{
	const char *p = s, *q;
	size_t n;

	while (p < end) {
		if (*p == '<' && (n = autolink(p, end))) {
			kp_buf_add(out, p, n);
			p += n;
			continue;
		}
		if (*p == '\\' || *p == '&') {
			kp_buf_addch(out, '\\');
			kp_buf_addch(out, *p++);
			continue;
		}
		if (*p == '*' || *p == '_') {
			for (q = p; q < end && *q == *p; q++)
				;
			if (word_char(p > s ? p[-1] : before) && q < end &&
			    word_char(*q)) {
				for (; p < q; p++) {
					kp_buf_addch(out, '\\');
					kp_buf_addch(out, *p);
				}
				continue;
			}
			kp_buf_add(out, p, (size_t)(q - p));
			p = q;
			continue;
		}
		kp_buf_addch(out, *p++);
	}
}

/* The column of p on the line that starts at s, tabs to stops of 4. */
static int columns(const char *s, const char *p)
{
	int col = 0;

	for (; s < p; s++)
		col = *s == '\t' ? (col / 4 + 1) * 4 : col + 1;
	return col;
}

/*
 * One line.  After its indent and its list markers ("- ", "* ", "1. ",
 * "2) "), a '>' (a block quote), a '+' and a space (a list) and
 * "[label]:" (a link definition) are literal; so is a line of '=' or
 * '-' under a line of text (it would make that a heading).  Returns
 * the column where the text of a list item begins, or -1 when the line
 * opens no item.
 */
static int text_line(struct kp_buf *out, const char *s, const char *end,
		     int after_text)
{
	const char *p = s, *q;
	int item = 0;

	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	kp_buf_add(out, s, (size_t)(p - s));
	if (p < end && after_text && underline(p, end)) {
		kp_buf_addch(out, '\\');
		kp_buf_add(out, p, (size_t)(end - p));
		return -1;
	}
	for (;;) {
		if (p >= end || rule_line(p, end))
			break;
		q = p;
		if ((*q == '-' || *q == '*') && q + 1 < end &&
		    (q[1] == ' ' || q[1] == '\t')) {
			q += 2;
		} else if (*q >= '0' && *q <= '9') {
			while (q < end && *q >= '0' && *q <= '9' && q - p < 9)
				q++;
			if (q < end && (*q == '.' || *q == ')') &&
			    (q + 1 == end || q[1] == ' ' || q[1] == '\t'))
				q += q + 1 == end ? 1 : 2;
			else
				break;
		} else {
			break;
		}
		while (q < end && (*q == ' ' || *q == '\t'))
			q++;
		kp_buf_add(out, p, (size_t)(q - p));
		p = q;
		item = 1;
	}
	if (p < end &&
	    (*p == '>' ||
	     (*p == '+' && (p + 1 == end || p[1] == ' ' || p[1] == '\t')) ||
	     (*p == '[' && link_definition(p, end)))) {
		kp_buf_addch(out, '\\');
		kp_buf_addch(out, *p++);
	}
	text_inlines(out, p, end, p > s ? p[-1] : ' ');
	return item ? columns(s, p) : -1;
}

/* A list marker at p: "- ", "* ", "1. ", "1) " (or at the line's end). */
static int opens_item(const char *p, const char *end)
{
	const char *q = p;

	if (rule_line(p, end))
		return 0;
	if (*p == '-' || *p == '*')
		return p + 1 < end && (p[1] == ' ' || p[1] == '\t');
	while (q < end && *q >= '0' && *q <= '9' && q - p < 9)
		q++;
	return q > p && q < end && (*q == '.' || *q == ')') &&
	       (q + 1 == end || q[1] == ' ' || q[1] == '\t');
}

/*
 * A line written under a list item, less indented than the item's text,
 * ends the list, as it does to the eye (CommonMark would continue the
 * item with it, "lazily"): a blank line goes before it.
 */
void kp_md_from_text(struct kp_buf *out, const char *s, size_t len)
{
	const char *end = s + len, *line = s, *nl, *eol, *p;
	int after_text = 0, item_col = -1, col;

	while (line < end) {
		nl = memchr(line, '\n', (size_t)(end - line));
		eol = nl ? nl : end;
		for (p = line; p < eol && (*p == ' ' || *p == '\t'); p++)
			;
		if (after_text && item_col >= 0 && p < eol &&
		    columns(line, p) < item_col && !opens_item(p, eol)) {
			kp_buf_addch(out, '\n');
			item_col = -1;
		}
		col = text_line(out, line, eol, after_text);
		if (col >= 0)
			item_col = col;
		else if (p < eol && columns(line, p) < item_col && !after_text)
			item_col = -1;
		after_text = p < eol;
		if (nl)
			kp_buf_addch(out, '\n');
		line = nl ? nl + 1 : end;
	}
}

static int is_punct(char c)
{
	return c && strchr("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", c) != NULL;
}

/*
 * Undo the backslash escapes of s into out: a backslash before an ASCII
 * punctuation character goes.  What kp_md_from_text() and the model's
 * literal text escape comes back as it was written, where cmark keeps
 * text as it stands: code, raw HTML, a block too big to parse.
 */
static void unescape(struct kp_buf *out, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (s[i] == '\\' && i + 1 < len && is_punct(s[i + 1]))
			i++;
		kp_buf_addch(out, s[i]);
	}
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

/* A text node of s as written, its escapes undone. */
static cmark_node *literal_node(const char *s, size_t len)
{
	struct kp_buf b = KP_BUF_INIT;
	cmark_node *node;

	unescape(&b, s, len);
	node = text_node(b.buf, b.len);
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
		cmark_node_append_child(para,
					literal_node(s, (size_t)(nl - s)));
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

/*
 * The number written before the list item that starts at line, col
 * (1-based, as cmark counts) of s; -1 when there is none to read.
 */
static long item_number(const char *s, size_t len, const size_t *lines,
			size_t nlines, int line, int col)
{
	size_t at;
	long n = 0;
	int digits = 0;

	if (line < 1 || (size_t)line > nlines || col < 1)
		return -1;
	at = lines[line - 1] + (size_t)col - 1;
	while (at < len && s[at] >= '0' && s[at] <= '9' && digits < 9) {
		n = n * 10 + (s[at++] - '0');
		digits++;
	}
	return digits ? n : -1;
}

/*
 * cmark numbers a list from its first number on ("1. 1. 1." shows as 1,
 * 2, 3).  Shown as written instead: wherever an item's own number is
 * not one more than the one before, the list is cut there into a new
 * list that starts with that number.
 */
static void number_as_written(cmark_node *part, const char *s, size_t len)
{
	cmark_iter *it = cmark_iter_new(part);
	cmark_node **lists = NULL, *node, *item, *next, *cut;
	size_t nlists = 0, alists = 0, *lines = NULL, nlines = 0, i;
	long want, n;

	while (cmark_iter_next(it) != CMARK_EVENT_DONE) {
		node = cmark_iter_get_node(it);
		if (cmark_iter_get_event_type(it) != CMARK_EVENT_ENTER ||
		    cmark_node_get_type(node) != CMARK_NODE_LIST ||
		    cmark_node_get_list_type(node) != CMARK_ORDERED_LIST)
			continue;
		if (nlists == alists) {
			alists = alists ? 2 * alists : 8;
			lists = kp_xrealloc(lists, alists * sizeof(*lists));
		}
		lists[nlists++] = node;
	}
	cmark_iter_free(it);
	if (!nlists)
		return;
	lines = kp_xmalloc((len + 2) * sizeof(*lines));
	lines[nlines++] = 0;
	for (i = 0; i < len; i++)
		if (s[i] == '\n')
			lines[nlines++] = i + 1;
	for (i = 0; i < nlists; i++) {
		node = lists[i];
		want = cmark_node_get_list_start(node);
		for (item = cmark_node_first_child(node); item; item = next) {
			next = cmark_node_next(item);
			n = item_number(s, len, lines, nlines,
					cmark_node_get_start_line(item),
					cmark_node_get_start_column(item));
			if (n < 0 || n == want) {
				want++;
				continue;
			}
			cut = cmark_node_new(CMARK_NODE_LIST);
			cmark_node_set_list_type(cut, CMARK_ORDERED_LIST);
			cmark_node_set_list_delim(
				cut, cmark_node_get_list_delim(node));
			cmark_node_set_list_tight(
				cut, cmark_node_get_list_tight(node));
			cmark_node_set_list_start(cut, (int)n);
			cmark_node_insert_after(node, cut);
			while (item) {
				next = cmark_node_next(item);
				cmark_node_unlink(item);
				cmark_node_append_child(cut, item);
				item = next;
			}
			node = cut;
			want = n + 1;
			next = cmark_node_next(cmark_node_first_child(cut));
		}
	}
	free(lines);
	free(lists);
}

static void parse_into(cmark_node *doc, const char *s, size_t len)
{
	cmark_node *part;

	if (!len)
		return;
	part = cmark_parse_document(s, len, MD_OPTS);
	number_as_written(part, s, len);
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
		repl = literal_node(lit, strlen(lit));
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

/* Code as written: the escapes of kp_md_from_text() undone. */
static void code_as_written(cmark_node *node)
{
	struct kp_buf b = KP_BUF_INIT;
	const char *lit = cmark_node_get_literal(node);

	if (!lit || !strchr(lit, '\\'))
		return;
	unescape(&b, lit, strlen(lit));
	cmark_node_set_literal(node, b.buf);
	kp_buf_release(&b);
}

/*
 * A link or image that is not shown as one keeps its text and, after
 * it, its address in parentheses: nothing written is dropped.
 */
static void unwrap_keeping_url(cmark_node *node, const char *url)
{
	struct kp_buf b = KP_BUF_INIT;

	if (url && *url) {
		kp_buf_addf(&b, cmark_node_first_child(node) ? " (%s)" : "(%s)",
			    url);
		cmark_node_append_child(node, text_node(b.buf, b.len));
	}
	kp_buf_release(&b);
	unwrap(node);
}

static void hard_break(cmark_node *node)
{
	cmark_node_replace(node, cmark_node_new(CMARK_NODE_LINEBREAK));
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
		/* A line break written is a line break shown. */
		case CMARK_NODE_SOFTBREAK: hard_break(node); break;
		case CMARK_NODE_CODE:
		case CMARK_NODE_CODE_BLOCK: code_as_written(node); break;
		case CMARK_NODE_IMAGE:
			if (ev == CMARK_EVENT_EXIT)
				unwrap_keeping_url(node,
						   cmark_node_get_url(node));
			break;
		case CMARK_NODE_LINK:
			url = cmark_node_get_url(node);
			if (ev == CMARK_EVENT_EXIT &&
			    (!url || !kp_md_url_safe(url)))
				unwrap_keeping_url(node, url);
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

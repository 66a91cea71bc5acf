/*
 * yaml.c: YAML into the kp_node tree, with libyaml's event API.
 *
 * libyaml (0.2.5) parses; everything a loader must add is here: scalar
 * resolution by the YAML 1.2 core schema, duplicate and non-scalar keys,
 * a nesting limit, alias expansion within a node budget, and the stricter
 * rules of a plan's frontmatter.  Every step is linear in the input (the
 * duplicate check is a merge sort per mapping, O(n log n) in its keys,
 * whatever the keys are).
 */
#include <errno.h>
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "i18n.h"
#include "load/load.h"
#include "loader.h"
#include "banned.h"

#define YAML_TAG "tag:yaml.org,2002:"
#define SHOW_MAX 60 /* bytes of a key or tag shown in a message */

/* ------------------------------------------------------------------ */
/* Bytes: UTF-8 and control characters                                 */
/* ------------------------------------------------------------------ */

static size_t bom_len(const char *data, size_t len)
{
	return len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
}

/*
 * Walk data up to offset (or the first bad byte when check is set),
 * counting lines and characters.  Returns the offset where it stopped.
 */
static size_t walk(const char *data, size_t len, size_t offset, int check,
		   unsigned first_line, unsigned *line, unsigned *col)
{
	const unsigned char *s = (const unsigned char *)data;
	size_t i = bom_len(data, len);
	unsigned l = first_line, c = 1;

	if (offset > len)
		offset = len;
	while (i < offset) {
		size_t n;

		if (s[i] == '\n' || s[i] == '\r') {
			if (s[i] == '\r' && i + 1 < len && s[i + 1] == '\n')
				i++;
			i++;
			l++;
			c = 1;
			continue;
		}
		if (check && ((s[i] < 0x20 && s[i] != '\t') || s[i] == 0x7f))
			break;
		n = kp_utf8_len((const char *)s + i, len - i);
		if (n == 0) {
			if (check)
				break;
			n = 1;
		}
		/* C1 controls (U+0080..U+009F): some terminals obey them. */
		if (check && s[i] == 0xc2 && s[i + 1] < 0xa0)
			break;
		i += n;
		c++;
	}
	*line = l;
	*col = c;
	return i;
}

void kp_text_position(const char *data, size_t len, size_t offset,
		      unsigned first_line, unsigned *line, unsigned *col)
{
	walk(data, len, offset, 0, first_line, line, col);
}

int kp_text_check(const char *data, size_t len, unsigned first_line,
		  const char *name, struct kp_error *err)
{
	const unsigned char *s = (const unsigned char *)data;
	unsigned line, col;
	size_t i = walk(data, len, len, 1, first_line, &line, &col);

	if (i >= len)
		return 0;
	if (s[i] < 0x20 || s[i] == 0x7f)
		return kp_error_set(
			err, KP_EPARSE, name, line, col,
			_("control character U+%04X is not allowed"), s[i]);
	if (s[i] == 0xc2 && kp_utf8_len((const char *)s + i, len - i) == 2)
		return kp_error_set(
			err, KP_EPARSE, name, line, col,
			_("control character U+%04X is not allowed"), s[i + 1]);
	return kp_error_set(err, KP_EPARSE, name, line, col,
			    _("invalid UTF-8 (byte 0x%02x)"), s[i]);
}

/* ------------------------------------------------------------------ */
/* Scalars: the YAML 1.2 core schema                                   */
/* ------------------------------------------------------------------ */

static int is_one_of(const char *s, size_t len, const char *const *words)
{
	for (; *words; words++)
		if (strlen(*words) == len && memcmp(s, *words, len) == 0)
			return 1;
	return 0;
}

static int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static size_t skip_digits(const char *s, size_t i, size_t len)
{
	while (i < len && is_digit((unsigned char)s[i]))
		i++;
	return i;
}

/* [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? */
static int is_float(const char *s, size_t len)
{
	size_t i = 0, j;

	if (i < len && (s[i] == '-' || s[i] == '+'))
		i++;
	if (i < len && s[i] == '.') {
		j = skip_digits(s, i + 1, len);
		if (j == i + 1)
			return 0;
		i = j;
	} else {
		j = skip_digits(s, i, len);
		if (j == i)
			return 0;
		i = j;
		if (i < len && s[i] == '.')
			i = skip_digits(s, i + 1, len);
	}
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < len && (s[i] == '-' || s[i] == '+'))
			i++;
		j = skip_digits(s, i, len);
		if (j == i)
			return 0;
		i = j;
	}
	return i == len;
}

/*
 * strtod() in the C locale whatever the program's locale is: the text is
 * known to be a core-schema float, so only '.' needs translating.
 */
static double c_strtod(const char *s, size_t len)
{
	const char *point = localeconv()->decimal_point;
	struct kp_buf b = KP_BUF_INIT;
	double d;
	size_t i;

	if (!point || strcmp(point, ".") == 0 || !memchr(s, '.', len)) {
		kp_buf_add(&b, s, len);
		d = strtod(b.buf, NULL);
		kp_buf_release(&b);
		return d;
	}
	for (i = 0; i < len; i++) {
		if (s[i] == '.')
			kp_buf_addstr(&b, point);
		else
			kp_buf_addch(&b, s[i]);
	}
	d = strtod(b.buf, NULL);
	kp_buf_release(&b);
	return d;
}

static int digit_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return 99;
}

/* 0o17, 0x1f: an integer, or a float when it does not fit. */
static int radix_int(struct kp_node *n, const char *s, size_t len, int base)
{
	unsigned long long v = 0;
	double d = 0;
	int overflow = 0;
	size_t i;

	if (len < 3)
		return 0;
	for (i = 2; i < len; i++) {
		int dv = digit_value((unsigned char)s[i]);

		if (dv >= base)
			return 0;
		if (v > (unsigned long long)(LLONG_MAX - dv) / (unsigned)base)
			overflow = 1;
		else
			v = v * (unsigned)base + (unsigned)dv;
		d = d * base + dv;
	}
	if (overflow) {
		n->type = KP_FLOAT;
		n->v.real = d;
	} else {
		n->type = KP_INT;
		n->v.integer = (long long)v;
	}
	return 1;
}

static int decimal_int(struct kp_node *n, const char *s, size_t len)
{
	struct kp_buf b = KP_BUF_INIT;
	size_t i = 0;
	long long v;

	if (len && (s[0] == '-' || s[0] == '+'))
		i++;
	if (i == len || skip_digits(s, i, len) != len)
		return 0;
	kp_buf_add(&b, s, len);
	errno = 0;
	v = strtoll(b.buf, NULL, 10);
	if (errno == ERANGE) {
		n->type = KP_FLOAT;
		n->v.real = c_strtod(s, len);
	} else {
		n->type = KP_INT;
		n->v.integer = v;
	}
	kp_buf_release(&b);
	return 1;
}

/* [-+]?[0-9]+, 0o[0-7]+ or 0x[0-9a-fA-F]+ */
static int is_int_text(const char *s, size_t len)
{
	size_t i = 0;

	if (len > 2 && s[0] == '0' && (s[1] == 'o' || s[1] == 'x')) {
		int base = s[1] == 'o' ? 8 : 16;

		for (i = 2; i < len; i++)
			if (digit_value((unsigned char)s[i]) >= base)
				return 0;
		return 1;
	}
	if (len && (s[0] == '-' || s[0] == '+'))
		i++;
	return i < len && skip_digits(s, i, len) == len;
}

/* Resolve a plain scalar; n is a KP_STR node holding the text. */
static void resolve_core(struct kp_node *n)
{
	static const char *const nulls[] = { "null", "Null", "NULL", "~",
					     NULL };
	static const char *const trues[] = { "true", "True", "TRUE", NULL };
	static const char *const falses[] = { "false", "False", "FALSE", NULL };
	static const char *const infs[] = { ".inf", ".Inf", ".INF", NULL };
	static const char *const nans[] = { ".nan", ".NaN", ".NAN", NULL };
	const char *s = n->v.str.ptr;
	size_t len = n->v.str.len;

	if (len == 0 || is_one_of(s, len, nulls)) {
		n->type = KP_NULL;
		return;
	}
	if (is_one_of(s, len, trues) || is_one_of(s, len, falses)) {
		n->type = KP_BOOL;
		n->v.boolean = s[0] == 't' || s[0] == 'T';
		return;
	}
	if (len > 2 && s[0] == '0' && s[1] == 'o' && radix_int(n, s, len, 8))
		return;
	if (len > 2 && s[0] == '0' && s[1] == 'x' && radix_int(n, s, len, 16))
		return;
	if (decimal_int(n, s, len))
		return;
	if (is_float(s, len)) {
		n->type = KP_FLOAT;
		n->v.real = c_strtod(s, len);
		return;
	}
	if (is_one_of(s, len, infs) ||
	    ((s[0] == '-' || s[0] == '+') && is_one_of(s + 1, len - 1, infs))) {
		n->type = KP_FLOAT;
		n->v.real = s[0] == '-' ? -HUGE_VAL : HUGE_VAL;
		return;
	}
	if (is_one_of(s, len, nans)) {
		n->type = KP_FLOAT;
		n->v.real = NAN;
	}
}

/* ------------------------------------------------------------------ */
/* The loader                                                          */
/* ------------------------------------------------------------------ */

struct anchor {
	char *name;
	struct kp_node *node;
	const char *raw; /* the text of a scalar, for use as a key */
	size_t rawlen;
	size_t size;	 /* nodes (and keys) in the subtree */
	unsigned height; /* collections on the longest path down */
	int complete;
};

struct frame {
	struct kp_node *node;
	int have_key;
	struct kp_buf key;
	unsigned kline, kcol;
	size_t size;
	unsigned height; /* the highest child's height */
	size_t anchor;	 /* index + 1 in anchors, or 0 */
};

struct loader {
	yaml_parser_t parser;
	struct kp_doc *doc;
	const char *data;
	size_t len;
	unsigned first_line, flags;
	const char *name;
	struct kp_error *err;

	struct frame stack[KP_DEPTH_MAX];
	size_t depth;
	struct kp_node *stream;
	struct kp_node *root;
	int ndocs;
	size_t nodes, budget;

	struct anchor *anchors;
	size_t nanchors, anchors_alloc;
	size_t *table; /* open addressing: anchor index + 1 */
	size_t table_size;
};

static unsigned mark_line(const struct loader *ld, yaml_mark_t m)
{
	size_t l = m.line + ld->first_line;

	return l > UINT_MAX ? UINT_MAX : (unsigned)l;
}

static unsigned mark_col(yaml_mark_t m)
{
	return m.column >= UINT_MAX ? UINT_MAX : (unsigned)m.column + 1;
}

static int fail(struct loader *ld, int code, yaml_mark_t m, const char *fmt,
		...) __attribute__((format(printf, 4, 5)));

static int fail(struct loader *ld, int code, yaml_mark_t m, const char *fmt,
		...)
{
	char msg[sizeof(ld->err->msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return kp_error_set(ld->err, code, ld->name, mark_line(ld, m),
			    mark_col(m), "%s", msg);
}

/*
 * s escaped for a message, cut at SHOW_MAX bytes (on a character
 * boundary) with "..." after it.
 */
static void show(struct kp_buf *out, const char *s, size_t len)
{
	size_t n = len;

	if (n > SHOW_MAX) {
		n = SHOW_MAX;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	kp_buf_add_escaped(out, s, n);
	if (n < len)
		kp_buf_addstr(out, "...");
}

/* "tag:yaml.org,2002:str" is shown as the user wrote it: "!!str". */
static void show_tag(struct kp_buf *out, const char *tag)
{
	size_t plen = strlen(YAML_TAG);

	if (strncmp(tag, YAML_TAG, plen) == 0) {
		kp_buf_addstr(out, "!!");
		tag += plen;
	}
	show(out, tag, strlen(tag));
}

/*
 * libyaml's problems that a plan edited by hand runs into, said in words
 * for the person who edits it; with want_context, only when libyaml names
 * that context.  at_context: report at the context's mark (where the
 * unclosed quote or the key without ':' is), not at the problem's.  The
 * messages with %u take the context's line.
 */
static const struct {
	const char *problem, *context;
	int at_context, has_line;
	const char *msg;
} problems[] = {
	{ "mapping values are not allowed in this context", NULL, 0, 0,
	  N_("a ':' followed by a space cannot stand here: put a value that "
	     "holds ': ' in quotes, and indent a key like the keys above "
	     "it") },
	{ "did not find expected key", "while parsing a block mapping", 0, 1,
	  N_("expected a key, indented like the keys of the mapping on line "
	     "%u: check the indentation, and that nothing follows a closing "
	     "quote") },
	{ "could not find expected ':'", "while scanning a simple key", 1, 0,
	  N_("expected ':' after the key on this line; a line that goes on "
	     "from the one above must be indented more than its key") },
	{ "found unexpected end of stream", "while scanning a quoted scalar", 1,
	  0, N_("the quotation mark here is never closed") },
	{ "found unexpected end of stream", NULL, 0, 0,
	  N_("the frontmatter ends in the middle of a value") },
	{ "did not find expected '-' indicator",
	  "while parsing a block collection", 0, 1,
	  N_("expected a list item ('- '), indented like the items of the "
	     "list on line %u") },
	{ "block sequence entries are not allowed in this context", NULL, 0, 0,
	  N_("a list item ('- ') cannot stand here: start the list on the line "
	     "after its key") },
	{ "did not find expected ',' or ']'", NULL, 1, 0,
	  N_("this list in [ ] is not closed with ']'") },
	{ "did not find expected ',' or '}'", NULL, 1, 0,
	  N_("this mapping in { } is not closed with '}'") },
	{ "found unknown escape character", NULL, 0, 0,
	  N_("unknown escape sequence after '\\' in double quotes: write "
	     "'\\\\' for a backslash, or use single quotes") },
	{ "did not find expected comment or line break",
	  "while scanning a block scalar", 0, 0,
	  N_("only a comment may follow '|' or '>' on its line") },
	{ "did not find expected node content", NULL, 0, 0,
	  N_("a value is missing here") },
	{ "found a tab character that violates indentation", NULL, 0, 0,
	  N_("YAML does not allow tabs for indentation: indent with spaces") },
	{ "found a tab character where an indentation space is expected", NULL,
	  0, 0,
	  N_("YAML does not allow tabs for indentation: indent with spaces") },
};

/* The start of line (counted from ld->first_line) in ld->data, or NULL. */
static const char *line_start(const struct loader *ld, size_t line)
{
	const char *p = ld->data, *end = ld->data + ld->len;
	size_t l = ld->first_line;

	while (l < line && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));

		if (!nl)
			return NULL;
		p = nl + 1;
		l++;
	}
	return l == line ? p : NULL;
}

/*
 * A tab, no-break space or curly quote where a token starts, on the line
 * of the problem (tabs only there) or the line before it or the line of
 * the context: the likelier cause of a YAML error than libyaml's words.
 */
static int hint_error(struct loader *ld, size_t pline, size_t cline)
{
	size_t lines[3], i, off;
	struct kp_buf m = KP_BUF_INIT;
	enum kp_hint h = KP_HINT_NONE;
	unsigned cp, line, col;
	const char *s = NULL;
	int error;

	lines[0] = pline;
	lines[1] = pline > ld->first_line ? pline - 1 : pline;
	lines[2] = cline ? cline : pline;
	for (i = 0; i < 3 && h == KP_HINT_NONE; i++) {
		if (!(s = line_start(ld, lines[i])))
			continue;
		h = kp_hint_line(s, ld->data + ld->len, &off, &cp);
		if (h == KP_HINT_TAB && i > 0)
			h = KP_HINT_NONE;
	}
	if (h == KP_HINT_NONE)
		return 0;
	kp_text_position(ld->data, ld->len, (size_t)(s + off - ld->data),
			 ld->first_line, &line, &col);
	kp_hint_message(&m, h, cp, KP_HINT_BROKE);
	error = kp_error_set(ld->err, KP_EPARSE, ld->name, line, col, "%s",
			     m.buf);
	kp_buf_release(&m);
	return error;
}

/* The character at mark, for "cannot start any token": '@', '`'... */
static int bad_char(struct loader *ld, yaml_mark_t m)
{
	const char *p = line_start(ld, mark_line(ld, m));
	const char *end = ld->data + ld->len;
	char ch[8];
	size_t n, col;

	/*
	 * libyaml counts a mark's index and column in characters, not
	 * bytes: find the character from its line and column.
	 */
	for (col = 0; p && p < end && *p != '\n' && col < m.column; col++) {
		if (!(n = kp_utf8_len(p, (size_t)(end - p))))
			return 0;
		p += n;
	}
	if (!p || p >= end || col != m.column)
		return 0;
	n = kp_utf8_len(p, (size_t)(end - p));
	if (n == 0 || *p == '\t' || *p == '\n')
		return 0;
	memcpy(ch, p, n);
	ch[n] = '\0';
	/* TRANSLATORS: %s is one character, such as @ or `. */
	return fail(
		ld, KP_EPARSE, m,
		_("a value cannot begin with '%s': put the value in quotes"),
		ch);
}

/*
 * libyaml gives up on an implicit key (one without '?') whose ':' stands
 * more than 1024 characters after the key's start, as YAML allows it to,
 * and says "could not find expected ':'" or that a { } is not closed.
 * Look on the line for such a key: a ':' that ends a key (followed by a
 * space, the line's end or a flow indicator), its key starting after the
 * indentation, "- ", '{', '[' or ','.  0, or the error at the key.
 */
static int long_key(struct loader *ld, unsigned line)
{
	const char *p = line_start(ld, line), *end = ld->data + ld->len;
	const char *key = NULL;
	size_t chars = 0, n;
	unsigned l, col;

	if (!p)
		return 0;
	for (; p < end && *p != '\n'; p += n) {
		n = kp_utf8_len(p, (size_t)(end - p));
		if (n == 0)
			return 0;
		if (!key && (*p == ' ' || *p == '-'))
			continue;
		if (*p == '{' || *p == '[' || *p == ',') {
			key = NULL;
			continue;
		}
		if (!key) {
			key = p;
			chars = 0;
		}
		if (*p == ':' &&
		    (p + 1 == end || strchr(" \t\r\n,}]", p[1]) != NULL) &&
		    chars > 1024)
			break;
		chars++;
	}
	if (p >= end || *p != ':')
		return 0;
	kp_text_position(ld->data, ld->len, (size_t)(key - ld->data),
			 ld->first_line, &l, &col);
	return kp_error_set(ld->err, KP_EPARSE, ld->name, l, col,
			    _("this key is longer than 1024 characters, "
			      "YAML's limit for a key written without '?': "
			      "shorten it"));
}

static int libyaml_error(struct loader *ld)
{
	yaml_parser_t *p = &ld->parser;
	const char *problem = p->problem ? p->problem : "cannot parse YAML";
	const char *context = p->context;
	unsigned line, col;
	size_t i;
	int error;

	switch (p->error) {
	case YAML_MEMORY_ERROR:
		return kp_error_set(ld->err, KP_EPARSE, ld->name, 0, 0,
				    _("libyaml ran out of memory"));
	case YAML_READER_ERROR:
		kp_text_position(ld->data, ld->len, p->problem_offset,
				 ld->first_line, &line, &col);
		if (p->problem_value != -1 &&
		    !strcmp(problem, "control characters are not allowed"))
			return kp_error_set(
				ld->err, KP_EPARSE, ld->name, line, col,
				_("the character U+%04X is not allowed"),
				(unsigned)p->problem_value);
		/* TRANSLATORS: %s is libyaml's description, in English. */
		if (p->problem_value != -1)
			return kp_error_set(
				ld->err, KP_EPARSE, ld->name, line, col,
				_("the text cannot be read as YAML: "
				  "%s (U+%04X)"),
				problem, (unsigned)p->problem_value);
		return kp_error_set(ld->err, KP_EPARSE, ld->name, line, col,
				    _("the text cannot be read as YAML: %s"),
				    problem);
	default: break;
	}
	if ((error = hint_error(ld, mark_line(ld, p->problem_mark),
				context ? mark_line(ld, p->context_mark) : 0)) <
	    0)
		return error;
	if ((error = long_key(ld, mark_line(ld, p->problem_mark))) < 0 ||
	    (context &&
	     (error = long_key(ld, mark_line(ld, p->context_mark))) < 0))
		return error;
	if (!strcmp(problem, "found character that cannot start any token") &&
	    (error = bad_char(ld, p->problem_mark)) < 0)
		return error;
	for (i = 0; i < sizeof(problems) / sizeof(problems[0]); i++) {
		yaml_mark_t at = p->problem_mark;

		if (strcmp(problem, problems[i].problem) != 0 ||
		    (problems[i].context &&
		     (!context || strcmp(context, problems[i].context) != 0)))
			continue;
		if (problems[i].at_context && context)
			at = p->context_mark;
		if (problems[i].has_line)
			return fail(ld, KP_EPARSE, at, _(problems[i].msg),
				    mark_line(ld, p->context_mark));
		return fail(ld, KP_EPARSE, at, "%s", _(problems[i].msg));
	}
	/* TRANSLATORS: libyaml's own description of the problem and the
	   context, in English, and the context's line. */
	if (context && p->context_mark.line != p->problem_mark.line)
		return fail(ld, KP_EPARSE, p->problem_mark,
			    _("the text cannot be read as YAML: %s %s at "
			      "line %u"),
			    problem, context, mark_line(ld, p->context_mark));
	/* TRANSLATORS: libyaml's own description of the problem and the
	   context, in English. */
	if (context)
		return fail(ld, KP_EPARSE, p->problem_mark,
			    _("the text cannot be read as YAML: %s %s"),
			    problem, context);
	/* TRANSLATORS: libyaml's own description of the problem. */
	return fail(ld, KP_EPARSE, p->problem_mark,
		    _("the text cannot be read as YAML: %s"), problem);
}

/* --- anchors (only outside plans) --- */

static size_t hash_name(const char *s)
{
	uint64_t h = 14695981039346656037ULL;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return (size_t)h;
}

/* The slot of name in the table: holding it, or the empty one to use. */
static size_t *anchor_slot(struct loader *ld, const char *name)
{
	size_t mask = ld->table_size - 1, i = hash_name(name) & mask;

	while (ld->table[i] &&
	       strcmp(ld->anchors[ld->table[i] - 1].name, name) != 0)
		i = (i + 1) & mask;
	return &ld->table[i];
}

static struct anchor *anchor_find(struct loader *ld, const char *name)
{
	size_t *slot;

	if (!ld->table)
		return NULL;
	slot = anchor_slot(ld, name);
	return *slot ? &ld->anchors[*slot - 1] : NULL;
}

/* Define (or redefine) an anchor; returns its index + 1. */
static size_t anchor_define(struct loader *ld, const char *name)
{
	struct anchor *a;
	size_t *slot, i;

	if (ld->nanchors * 2 >= ld->table_size) {
		size_t *old = ld->table, oldsize = ld->table_size;

		ld->table_size = oldsize ? oldsize * 2 : 64;
		ld->table = kp_xcalloc(ld->table_size, sizeof(*ld->table));
		for (i = 0; i < oldsize; i++)
			if (old[i])
				*anchor_slot(ld, ld->anchors[old[i] - 1].name) =
					old[i];
		free(old);
	}
	if (ld->nanchors == ld->anchors_alloc) {
		ld->anchors_alloc =
			ld->anchors_alloc ? ld->anchors_alloc * 2 : 16;
		ld->anchors = kp_xrealloc(
			ld->anchors, ld->anchors_alloc * sizeof(*ld->anchors));
	}
	a = &ld->anchors[ld->nanchors++];
	memset(a, 0, sizeof(*a));
	a->name = kp_xstrdup(name);
	/*
	 * A redefinition keeps the old entry (a node may still be under
	 * construction with it) but the name now finds the new one.
	 */
	slot = anchor_slot(ld, name);
	*slot = ld->nanchors;
	return ld->nanchors;
}

/* --- duplicate keys --- */

static int key_cmp(const struct kp_pair *a, const struct kp_pair *b)
{
	size_t n = a->keylen < b->keylen ? a->keylen : b->keylen;
	int c = memcmp(a->key, b->key, n);

	if (c)
		return c;
	return (a->keylen > b->keylen) - (a->keylen < b->keylen);
}

/* A stable merge sort of pair indices by key: O(n log n), always. */
static void sort_keys(const struct kp_pair *pairs, size_t *idx, size_t *tmp,
		      size_t n)
{
	size_t mid = n / 2, i = 0, j = mid, k = 0;

	if (n < 2)
		return;
	sort_keys(pairs, idx, tmp, mid);
	sort_keys(pairs, idx + mid, tmp, n - mid);
	while (i < mid && j < n)
		tmp[k++] = key_cmp(&pairs[idx[j]], &pairs[idx[i]]) < 0
				   ? idx[j++]
				   : idx[i++];
	while (i < mid)
		tmp[k++] = idx[i++];
	while (j < n)
		tmp[k++] = idx[j++];
	memcpy(idx, tmp, n * sizeof(*idx));
}

/*
 * Find the first key (in document order) that repeats an earlier one;
 * 1 with *dup and *first set, or 0.
 */
static int find_duplicate(const struct kp_node *map, size_t *dup, size_t *first)
{
	const struct kp_pair *p = map->v.map.pairs;
	size_t n = map->v.map.len, i, j, *idx, *tmp;
	int found = 0;

	if (n < 2)
		return 0;
	if (n <= 16) {
		for (j = 1; j < n; j++)
			for (i = 0; i < j; i++)
				if (key_cmp(&p[i], &p[j]) == 0) {
					*dup = j;
					*first = i;
					return 1;
				}
		return 0;
	}
	idx = kp_xmalloc(n * sizeof(*idx));
	tmp = kp_xmalloc(n * sizeof(*tmp));
	for (i = 0; i < n; i++)
		idx[i] = i;
	sort_keys(p, idx, tmp, n);
	/* Equal keys are adjacent, in document order within their run. */
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && key_cmp(&p[idx[i]], &p[idx[j]]) == 0;
		     j++)
			;
		if (j - i > 1 && (!found || idx[i + 1] < *dup)) {
			*dup = idx[i + 1];
			*first = idx[i];
			found = 1;
		}
	}
	free(idx);
	free(tmp);
	return found;
}

/* --- building --- */

static int plan_mode(const struct loader *ld)
{
	return (ld->flags & KP_YAML_PLAN) != 0;
}

static const char *not_a_mapping(const struct kp_node *n)
{
	if (n->type == KP_SEQ)
		return _("the frontmatter must be a mapping (key: value), not "
			 "a list");
	if (n->type == KP_NULL)
		return _("the frontmatter must be a mapping (key: value), not "
			 "empty");
	return _("the frontmatter must be a mapping (key: value), not a "
		 "single value");
}

/* Place a finished node (of size nodes, height collections deep). */
static int add_value(struct loader *ld, struct kp_node *node, size_t size,
		     unsigned height)
{
	struct frame *top;

	if (ld->depth == 0) {
		if (ld->stream) {
			kp_node_append(ld->doc, ld->stream, node);
			return 0;
		}
		if (plan_mode(ld) && node->type != KP_MAP)
			return kp_error_set(ld->err, KP_EPARSE, ld->name,
					    node->line, node->col, "%s",
					    not_a_mapping(node));
		ld->root = node;
		return 0;
	}
	top = &ld->stack[ld->depth - 1];
	if (top->node->type == KP_SEQ) {
		kp_node_append(ld->doc, top->node, node);
		top->size += size;
	} else {
		kp_node_put(ld->doc, top->node, top->key.buf, top->key.len,
			    top->kline, top->kcol, node);
		top->have_key = 0;
		top->size += size + 1;
	}
	if (height > top->height)
		top->height = height;
	return 0;
}

static int in_key_position(const struct loader *ld)
{
	const struct frame *top;

	if (ld->depth == 0)
		return 0;
	top = &ld->stack[ld->depth - 1];
	return top->node->type == KP_MAP && !top->have_key;
}

static void set_key(struct loader *ld, const char *s, size_t len, yaml_mark_t m)
{
	struct frame *top = &ld->stack[ld->depth - 1];

	kp_buf_reset(&top->key);
	kp_buf_add(&top->key, s, len);
	top->kline = mark_line(ld, m);
	top->kcol = mark_col(m);
	top->have_key = 1;
}

/* The checks that apply to a plan, for events that may carry them. */
static int plan_checks(struct loader *ld, const yaml_event_t *ev,
		       const yaml_char_t *anchor, const yaml_char_t *tag)
{
	struct kp_buf b = KP_BUF_INIT;
	int error;

	if (anchor)
		return fail(ld, KP_EPARSE, ev->start_mark,
			    _("anchors and aliases are not allowed in a plan"));
	if (!tag)
		return 0;
	show_tag(&b, (const char *)tag);
	error = fail(ld, KP_EPARSE, ev->start_mark,
		     _("tags are not allowed in a plan: '%s'"), b.buf);
	kp_buf_release(&b);
	return error;
}

/* A scalar's node under its tag (outside plans); KP_EPARSE on mismatch. */
static int resolve_tagged(struct loader *ld, const yaml_event_t *ev,
			  struct kp_node *n)
{
	const char *tag = (const char *)ev->data.scalar.tag;
	int plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
	size_t plen = strlen(YAML_TAG);
	struct kp_buf b = KP_BUF_INIT;
	enum kp_type want;
	const char *t;
	int error;

	if (!tag) {
		if (plain)
			resolve_core(n);
		return 0;
	}
	if (strcmp(tag, "!") == 0 || strncmp(tag, YAML_TAG, plen) != 0) {
		/* Non-specific "!" forces a string; unknown tags are kept. */
		if (plain && strcmp(tag, "!") != 0)
			resolve_core(n);
		return 0;
	}
	t = tag + plen;
	if (strcmp(t, "str") == 0)
		return 0;
	if (strcmp(t, "null") == 0) {
		want = KP_NULL;
	} else if (strcmp(t, "bool") == 0) {
		want = KP_BOOL;
	} else if (strcmp(t, "int") == 0) {
		want = KP_INT;
	} else if (strcmp(t, "float") == 0) {
		want = KP_FLOAT;
	} else {
		if (plain)
			resolve_core(n);
		return 0;
	}
	resolve_core(n);
	if (want == KP_FLOAT && n->type == KP_INT) {
		n->type = KP_FLOAT;
		n->v.real = (double)n->v.integer;
	}
	/* An integer too large for a long long is read as a float. */
	if (n->type == want || (want == KP_INT && n->type == KP_FLOAT &&
				is_int_text((const char *)ev->data.scalar.value,
					    ev->data.scalar.length)))
		return 0;
	show(&b, (const char *)ev->data.scalar.value, ev->data.scalar.length);
	error = fail(ld, KP_EPARSE, ev->start_mark,
		     _("'%s' is not a valid !!%s"), b.buf, t);
	kp_buf_release(&b);
	return error;
}

static int on_scalar(struct loader *ld, const yaml_event_t *ev)
{
	const char *s = (const char *)ev->data.scalar.value;
	size_t len = ev->data.scalar.length;
	int plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
	int key = in_key_position(ld);
	struct kp_node *n;
	size_t a = 0;
	int error;

	if (plan_mode(ld) &&
	    (error = plan_checks(ld, ev, ev->data.scalar.anchor,
				 ev->data.scalar.tag)) < 0)
		return error;
	if (key) {
		if (plan_mode(ld) && plain && len == 2 &&
		    memcmp(s, "<<", 2) == 0)
			return fail(ld, KP_EPARSE, ev->start_mark,
				    _("merge keys ('<<') are not allowed in a "
				      "plan"));
		/* Keys stay strings: a plain 1: is the key "1". */
		set_key(ld, s, len, ev->start_mark);
		if (!ev->data.scalar.anchor)
			return 0;
	}
	n = kp_node_new_str(ld->doc, s, len, mark_line(ld, ev->start_mark),
			    mark_col(ev->start_mark));
	ld->nodes++;
	if ((error = resolve_tagged(ld, ev, n)) < 0)
		return error;
	if (ev->data.scalar.anchor) {
		struct anchor *an;

		a = anchor_define(ld, (const char *)ev->data.scalar.anchor);
		an = &ld->anchors[a - 1];
		an->node = n;
		an->raw = kp_doc_strndup(ld->doc, s, len);
		an->rawlen = len;
		an->size = 1;
		an->complete = 1;
	}
	if (key)
		return 0; /* the node only serves the anchor */
	return add_value(ld, n, 1, 0);
}

static int on_start(struct loader *ld, const yaml_event_t *ev, int is_map)
{
	const yaml_char_t *anchor = is_map ? ev->data.mapping_start.anchor
					   : ev->data.sequence_start.anchor;
	const yaml_char_t *tag = is_map ? ev->data.mapping_start.tag
					: ev->data.sequence_start.tag;
	struct frame *f;
	int error;

	if (plan_mode(ld) && (error = plan_checks(ld, ev, anchor, tag)) < 0)
		return error;
	if (in_key_position(ld))
		return fail(ld, KP_EPARSE, ev->start_mark, "%s",
			    is_map ? _("a mapping key must be a scalar, not a "
				       "mapping")
				   : _("a mapping key must be a scalar, not a "
				       "list"));
	if (ld->depth >= KP_DEPTH_MAX)
		return fail(ld, KP_EPARSE, ev->start_mark,
			    _("nesting deeper than %d levels"), KP_DEPTH_MAX);
	f = &ld->stack[ld->depth++];
	f->node = kp_node_new(ld->doc, is_map ? KP_MAP : KP_SEQ,
			      mark_line(ld, ev->start_mark),
			      mark_col(ev->start_mark));
	ld->nodes++;
	f->have_key = 0;
	kp_buf_reset(&f->key);
	f->size = 1;
	f->height = 0;
	f->anchor = anchor ? anchor_define(ld, (const char *)anchor) : 0;
	if (f->anchor)
		ld->anchors[f->anchor - 1].node = f->node;
	return 0;
}

static int on_end(struct loader *ld)
{
	struct frame *f = &ld->stack[ld->depth - 1];
	struct kp_node *n = f->node;
	size_t dup, first;

	if (n->type == KP_MAP && find_duplicate(n, &dup, &first)) {
		const struct kp_pair *p = n->v.map.pairs;
		struct kp_buf b = KP_BUF_INIT;
		int error;

		show(&b, p[dup].key, p[dup].keylen);
		error = kp_error_set(ld->err, KP_EPARSE, ld->name, p[dup].line,
				     p[dup].col,
				     _("duplicate key '%s' (first at line %u)"),
				     b.buf, p[first].line);
		kp_buf_release(&b);
		return error;
	}
	if (f->anchor) {
		struct anchor *a = &ld->anchors[f->anchor - 1];

		a->size = f->size;
		a->height = f->height + 1;
		a->complete = 1;
	}
	ld->depth--;
	return add_value(ld, n, f->size, f->height + 1);
}

/* The capacity kp_node_append() and kp_node_put() assume for n items. */
static size_t capacity(size_t n)
{
	size_t cap = 4;

	while (cap < n)
		cap *= 2;
	return cap;
}

/*
 * A copy of node for an alias: new nodes, but the strings (immutable, in
 * the same arena) are shared, so that a copy costs its nodes only, which
 * is what the budget counts.
 */
static struct kp_node *copy_tree(struct kp_doc *doc, const struct kp_node *node)
{
	struct kp_node *n = kp_node_new(doc, node->type, node->line, node->col);
	size_t i, len;

	n->v = node->v;
	if (node->type == KP_SEQ && (len = node->v.seq.len) > 0) {
		n->v.seq.items = kp_doc_alloc(
			doc, capacity(len) * sizeof(*n->v.seq.items));
		for (i = 0; i < len; i++)
			n->v.seq.items[i] =
				copy_tree(doc, node->v.seq.items[i]);
	} else if (node->type == KP_MAP && (len = node->v.map.len) > 0) {
		n->v.map.pairs = kp_doc_alloc(
			doc, capacity(len) * sizeof(*n->v.map.pairs));
		for (i = 0; i < len; i++) {
			n->v.map.pairs[i] = node->v.map.pairs[i];
			n->v.map.pairs[i].value =
				copy_tree(doc, node->v.map.pairs[i].value);
		}
	}
	return n;
}

static int on_alias(struct loader *ld, const yaml_event_t *ev)
{
	const char *name = (const char *)ev->data.alias.anchor;
	struct anchor *a;
	struct kp_buf b = KP_BUF_INIT;
	int error = 0;

	if (plan_mode(ld))
		return fail(ld, KP_EPARSE, ev->start_mark,
			    _("anchors and aliases are not allowed in a plan"));
	show(&b, name, strlen(name));
	a = anchor_find(ld, name);
	if (!a) {
		error = fail(ld, KP_EPARSE, ev->start_mark,
			     _("undefined alias '*%s'"), b.buf);
		goto done;
	}
	if (!a->complete) {
		error = fail(ld, KP_EPARSE, ev->start_mark,
			     _("alias '*%s' refers to a node that contains it"),
			     b.buf);
		goto done;
	}
	if (in_key_position(ld)) {
		if (a->node->type == KP_SEQ || a->node->type == KP_MAP) {
			error = fail(ld, KP_EPARSE, ev->start_mark, "%s",
				     a->node->type == KP_MAP
					     ? _("a mapping key must be a "
						 "scalar, not a mapping")
					     : _("a mapping key must be a "
						 "scalar, not a list"));
		} else if (1 + a->rawlen / 16 > ld->budget - ld->nodes) {
			error = fail(
				ld, KP_ELIMIT, ev->start_mark,
				_("alias expansion exceeds the limit of %zu "
				  "nodes"),
				ld->budget);
		} else {
			/* A key is copied: charge its length. */
			ld->nodes += 1 + a->rawlen / 16;
			set_key(ld, a->raw, a->rawlen, ev->start_mark);
		}
		goto done;
	}
	if (ld->depth + a->height > KP_DEPTH_MAX) {
		error = fail(ld, KP_EPARSE, ev->start_mark,
			     _("nesting deeper than %d levels"), KP_DEPTH_MAX);
		goto done;
	}
	if (a->size > ld->budget - ld->nodes) {
		error = fail(
			ld, KP_ELIMIT, ev->start_mark,
			_("alias expansion exceeds the limit of %zu nodes"),
			ld->budget);
		goto done;
	}
	ld->nodes += a->size;
	error = add_value(ld, copy_tree(ld->doc, a->node), a->size, a->height);
done:
	kp_buf_release(&b);
	return error;
}

static int on_document_start(struct loader *ld, const yaml_event_t *ev)
{
	if (ld->ndocs++ == 0 || ld->stream)
		return 0;
	if (plan_mode(ld))
		return fail(
			ld, KP_EPARSE, ev->start_mark,
			_("a second YAML document is not allowed in a plan"));
	return fail(ld, KP_EPARSE, ev->start_mark,
		    _("more than one YAML document"));
}

static int on_event(struct loader *ld, const yaml_event_t *ev)
{
	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT: return on_document_start(ld, ev);
	case YAML_SCALAR_EVENT: return on_scalar(ld, ev);
	case YAML_SEQUENCE_START_EVENT: return on_start(ld, ev, 0);
	case YAML_MAPPING_START_EVENT: return on_start(ld, ev, 1);
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT: return on_end(ld);
	case YAML_ALIAS_EVENT: return on_alias(ld, ev);
	case YAML_STREAM_END_EVENT:
		if (plan_mode(ld) && ld->ndocs == 0)
			return kp_error_set(ld->err, KP_EPARSE, ld->name,
					    ld->first_line, 1,
					    _("the frontmatter is empty"));
		return 0;
	default: return 0;
	}
}

int kp_yaml_parse(struct kp_doc **out, const char *data, size_t len,
		  unsigned first_line, unsigned flags, const char *name,
		  struct kp_error *err)
{
	struct loader *ld;
	yaml_event_t ev;
	int error, done = 0;
	size_t i;

	*out = NULL;
	if (first_line == 0)
		first_line = 1;
	if ((error = kp_text_check(data, len, first_line, name, err)) < 0)
		return error;
	ld = kp_xcalloc(1, sizeof(*ld));
	ld->doc = kp_doc_new();
	ld->data = data;
	ld->len = len;
	ld->first_line = first_line;
	ld->flags = flags;
	ld->name = name;
	ld->err = err;
	/*
	 * Aliases may expand to at most a few nodes per input byte: enough
	 * for any honest document, and billion laughs stops at once.
	 */
	ld->budget = len > (SIZE_MAX - 4096) / 4 ? SIZE_MAX : 4 * len + 4096;
	for (i = 0; i < KP_DEPTH_MAX; i++)
		kp_buf_init(&ld->stack[i].key);
	if (!(flags & KP_YAML_PLAN) && (flags & KP_YAML_STREAM))
		ld->stream = kp_node_new(ld->doc, KP_SEQ, first_line, 1);
	if (!yaml_parser_initialize(&ld->parser)) {
		kp_doc_free(ld->doc);
		free(ld);
		return kp_error_set(err, KP_EPARSE, name, 0, 0,
				    "libyaml ran out of memory");
	}
	yaml_parser_set_input_string(&ld->parser, (const unsigned char *)data,
				     len);
	while (!done) {
		if (!yaml_parser_parse(&ld->parser, &ev)) {
			error = libyaml_error(ld);
			goto out;
		}
		done = ev.type == YAML_STREAM_END_EVENT;
		error = on_event(ld, &ev);
		yaml_event_delete(&ev);
		if (error < 0)
			goto out;
	}
	kp_doc_set_root(ld->doc, ld->stream ? ld->stream : ld->root);
	*out = ld->doc;
	ld->doc = NULL;
out:
	yaml_parser_delete(&ld->parser);
	for (i = 0; i < KP_DEPTH_MAX; i++)
		kp_buf_release(&ld->stack[i].key);
	for (i = 0; i < ld->nanchors; i++)
		free(ld->anchors[i].name);
	free(ld->anchors);
	free(ld->table);
	kp_doc_free(ld->doc);
	free(ld);
	return error;
}

/*
 * duescan.c: the fast path of kiplan due.  Due needs a score of fields of a
 * plan; loading the whole frontmatter through libyaml into a tree costs
 * several times reading the file.  This reads the plan's text once, line
 * by line, in the block style that kiplan writes and people type
 * (mappings, "- " sequences, plain and simply quoted scalars, | and >
 * block scalars, comments), checks every line of it, and builds a small
 * tree of only the fields that due reads.
 *
 * It answers only when it is sure: anything else (flow collections,
 * anchors, aliases, tags, escapes, multi-line plain scalars, tabs in
 * indentation, CR, a BOM, numbers where due wants text, deep nesting...)
 * returns 0, and the caller loads the plan with kp_plan_parse(), which
 * then reports the file's real problems.  When it answers, the fields and
 * their lines are exactly those the full loader gives; the tests compare
 * the two on every generated plan.
 */
#include <stdint.h>
#include <string.h>

#include "load/load.h"
#include "banned.h"

#define FAST_DEPTH 12
#define FAST_KEYS 256

/* What a container or scalar is to due. */
enum keep {
	K_NONE, /* checked, not kept */
	K_ROOT,
	K_PERSON,  /* borger, koordinator: navn */
	K_DATED,   /* moede, opfoelgning: dato */
	K_CONSENT, /* samtykke: dato, givet, tilbagekaldt */
	K_REF,	   /* henvisning: dato, til, behandling_start */
	K_MEETS,   /* moeder: a sequence of K_MEET */
	K_MEET,	   /* dato, type */
	K_GOALS,   /* maal: a sequence of K_GOAL */
	K_GOAL,	   /* indsatser */
	K_ACTS,	   /* a sequence of K_ACT */
	K_ACT,	   /* opgave, ansvarlig, frist, status */
	K_SCALAR,  /* a kept scalar */
	K_ALL	   /* everything below is kept (kp_plan_fast) */
};

struct frame {
	int indent;
	int is_seq;
	enum keep keep;
	struct kp_node *node; /* NULL when not kept */
	size_t keys;	      /* its first entry in the key stack */
};

struct scan {
	const char *p, *end; /* the current line */
	const char *eol;     /* its end (the LF or end) */
	unsigned line;
	struct kp_doc *doc;
	struct frame f[FAST_DEPTH];
	int depth;
	struct {
		const char *s;
		size_t n;
	} keys[FAST_KEYS];
	size_t nkeys;
	/* A key whose value is on the following lines. */
	int pending;
	int pending_indent;
	enum keep pending_keep;
	const char *pending_key;
	size_t pending_keylen;
	unsigned pending_line, pending_col, pending_kcol;
	int all;       /* keep the whole tree */
	int root_keys; /* the root mapping has a key */
	struct kp_buf tmp;
};

/* What the child key of a container of kind parent is. */
static enum keep child(enum keep parent, const char *k, size_t n)
{
#define IS(w) (n == sizeof(w) - 1 && memcmp(k, w, n) == 0)
	switch (parent) {
	case K_ALL: return K_ALL;
	case K_ROOT:
		if (IS("id") || IS("status"))
			return K_SCALAR;
		if (IS("borger") || IS("koordinator"))
			return K_PERSON;
		if (IS("moede") || IS("opfoelgning"))
			return K_DATED;
		if (IS("samtykke"))
			return K_CONSENT;
		if (IS("henvisning"))
			return K_REF;
		if (IS("moeder"))
			return K_MEETS;
		if (IS("maal"))
			return K_GOALS;
		return K_NONE;
	case K_PERSON: return IS("navn") ? K_SCALAR : K_NONE;
	case K_DATED: return IS("dato") ? K_SCALAR : K_NONE;
	case K_CONSENT:
		return IS("dato") || IS("givet") || IS("tilbagekaldt")
			       ? K_SCALAR
			       : K_NONE;
	case K_REF:
		return IS("dato") || IS("til") || IS("behandling_start")
			       ? K_SCALAR
			       : K_NONE;
	case K_MEET: return IS("dato") || IS("type") ? K_SCALAR : K_NONE;
	case K_GOAL: return IS("indsatser") ? K_ACTS : K_NONE;
	case K_ACT:
		return IS("opgave") || IS("ansvarlig") || IS("frist") ||
				       IS("status")
			       ? K_SCALAR
			       : K_NONE;
	default: return K_NONE;
	}
#undef IS
}

/* The kind of the items of a sequence of kind k. */
static enum keep item_of(enum keep k)
{
	if (k == K_ALL)
		return K_ALL;
	return k == K_GOALS   ? K_GOAL
	       : k == K_ACTS  ? K_ACT
	       : k == K_MEETS ? K_MEET
			      : K_NONE;
}

static int is_space(char c)
{
	return c == ' ';
}

/* Plain scalars the core schema reads as something other than a string. */
static int matches_number(const char *s, size_t n)
{
	size_t i = 0, digits = 0;

	if (n >= 2 && s[0] == '0' && (s[1] == 'o' || s[1] == 'x'))
		return 1;
	if (i < n && (s[i] == '+' || s[i] == '-'))
		i++;
	if (i < n && s[i] == '.' && n - i >= 4 &&
	    (s[i + 1] == 'i' || s[i + 1] == 'I' || s[i + 1] == 'n' ||
	     s[i + 1] == 'N'))
		return 1; /* .inf, .nan: refuse rather than guess */
	for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
		digits++;
	if (i < n && s[i] == '.')
		for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			digits++;
	if (!digits)
		return 0;
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		if (i == n || s[i] < '0' || s[i] > '9')
			return 0;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	return i == n;
}

/* words are at most five bytes long (nulls, trues, falses below). */
static int word_in(const char *s, size_t n, const char *const *words)
{
	if (n > 5)
		return 0; /* most plain scalars: text */
	for (; *words; words++)
		if (strlen(*words) == n && memcmp(s, *words, n) == 0)
			return 1;
	return 0;
}

static const char *const nulls[] = { "null", "Null", "NULL", "~", NULL };
static const char *const trues[] = { "true", "True", "TRUE", NULL };
static const char *const falses[] = { "false", "False", "FALSE", NULL };

/*
 * A plain scalar's node, typed by the core schema; NULL when the loader
 * should decide (numbers).
 */
static struct kp_node *plain_node(struct scan *s, const char *v, size_t n,
				  unsigned col)
{
	struct kp_node *x;
	size_t i = n && (v[0] == '-' || v[0] == '+');

	if (word_in(v, n, nulls))
		return kp_node_new(s->doc, KP_NULL, s->line, col);
	if (word_in(v, n, trues) || word_in(v, n, falses)) {
		x = kp_node_new(s->doc, KP_BOOL, s->line, col);
		x->v.boolean = word_in(v, n, trues);
		return x;
	}
	if (i < n && n - i <= 18 && v[i] >= '0' && v[i] <= '9') {
		long long val = 0;
		size_t j;

		for (j = i; j < n && v[j] >= '0' && v[j] <= '9'; j++)
			val = val * 10 + (v[j] - '0');
		if (j == n) {
			/* [-+]?[0-9]+ that fits: an integer, as the loader
			 * reads it. */
			x = kp_node_new(s->doc, KP_INT, s->line, col);
			x->v.integer = v[0] == '-' ? -val : val;
			return x;
		}
	}
	if (matches_number(v, n))
		return NULL;
	return kp_node_new_str(s->doc, v, n, s->line, col);
}

/* Move to the next line; 0 at the end of the text. */
static int next_line(struct scan *s)
{
	if (s->eol >= s->end)
		return 0;
	s->p = s->eol + 1;
	s->line++;
	s->eol = memchr(s->p, '\n', (size_t)(s->end - s->p));
	if (!s->eol)
		s->eol = s->end;
	return 1;
}

/* Indentation of the current line; -1 when a tab is in it. */
static int indent_of(const struct scan *s)
{
	const char *q = s->p;

	while (q < s->eol && *q == ' ')
		q++;
	if (q < s->eol && *q == '\t')
		return -1;
	return (int)(q - s->p);
}

static int blank_or_comment(const char *q, const char *eol)
{
	while (q < eol && *q == ' ')
		q++;
	return q == eol || *q == '#';
}

static int spaces(const char *q, const char *eol)
{
	const char *p = q;

	while (p < eol && *p == ' ')
		p++;
	return (int)(p - q);
}

/* Attach value under key (map) or as an item (seq) of the top frame. */
static void attach(struct scan *s, const char *key, size_t keylen,
		   unsigned line, unsigned col, struct kp_node *value)
{
	struct frame *t = &s->f[s->depth];

	if (!t->node || !value)
		return;
	if (t->is_seq)
		kp_node_append(s->doc, t->node, value);
	else
		kp_node_put(s->doc, t->node, key, keylen, line, col, value);
}

static int push(struct scan *s, int indent, int is_seq, enum keep keep,
		struct kp_node *node)
{
	struct frame *t;

	if (s->depth + 1 >= FAST_DEPTH)
		return -1;
	t = &s->f[++s->depth];
	t->indent = indent;
	t->is_seq = is_seq;
	t->keep = keep;
	t->node = node;
	t->keys = s->nkeys;
	return 0;
}

static void pop(struct scan *s)
{
	s->nkeys = s->f[s->depth].keys;
	s->depth--;
}

/* Record key in the top mapping; -1 when it is there already. */
static int add_key(struct scan *s, const char *k, size_t n)
{
	size_t i;

	for (i = s->f[s->depth].keys; i < s->nkeys; i++)
		if (s->keys[i].n == n && memcmp(s->keys[i].s, k, n) == 0)
			return -1;
	if (s->nkeys == FAST_KEYS)
		return -1;
	s->keys[s->nkeys].s = k;
	s->keys[s->nkeys].n = n;
	s->nkeys++;
	return 0;
}

/* Append n line feeds. */
static void feeds(struct kp_buf *b, int n)
{
	while (n-- > 0)
		kp_buf_addch(b, '\n');
}

/*
 * A block scalar after "key: |" or "- >": header at q.  Consumes its
 * lines, leaving the scanner on its last line.  When keep, *out is its
 * value, folded and chomped as YAML 1.2 (8.1) says; what this does not
 * copy (keep chomping "+", indentation indicators, lines of only spaces
 * beyond the content's indentation) gives up.  Returns -1 to give up.
 */
static int block_scalar(struct scan *s, const char *q, int parent_indent,
			int keep, struct kp_node **out)
{
	char style = *q;
	char chomp = 0;
	int content = -1, empties = 0, lead = 0, lines = 0, prev_spaced = 0;
	unsigned start_line = s->line, start_col = (unsigned)(q - s->p) + 1;

	*out = NULL;
	q++;
	if (q < s->eol && (*q == '-' || *q == '+'))
		chomp = *q++;
	if (chomp == '+')
		return -1;
	if (q < s->eol && !is_space(*q))
		return -1; /* indentation indicators, or garbage */
	if (!blank_or_comment(q, s->eol))
		return -1;
	kp_buf_reset(&s->tmp);
	for (;;) {
		const char *save_p = s->p, *save_eol = s->eol;
		unsigned save_line = s->line;
		int ind, spaced;

		if (!next_line(s))
			return -1; /* no closing --- after it */
		ind = spaces(s->p, s->eol);
		if (s->p + ind < s->eol && s->p[ind] == '\t' &&
		    (content < 0 || ind < content))
			return -1;	    /* a tab in the indentation */
		if (s->p + ind == s->eol) { /* a line of spaces */
			if (content >= 0 && ind > content && keep)
				return -1;
			if (content < 0 && ind > lead)
				lead = ind;
			empties++;
			continue;
		}
		if (content < 0) {
			/* An empty block scalar, or too many leading spaces. */
			if (ind <= parent_indent || lead > ind)
				return -1;
			content = ind;
		}
		if (ind < content) {
			/* The end: this line belongs to the structure. */
			if (ind > parent_indent && s->p[ind] != '#')
				return -1;
			s->p = save_p;
			s->eol = save_eol;
			s->line = save_line;
			break;
		}
		spaced = ind > content || s->p[ind] == '\t';
		if (keep) {
			if (!lines)
				feeds(&s->tmp, empties);
			else if (style == '>' && !spaced && !prev_spaced)
				empties ? feeds(&s->tmp, empties)
					: kp_buf_addch(&s->tmp, ' ');
			else
				feeds(&s->tmp, empties + 1);
			kp_buf_add(&s->tmp, s->p + content,
				   (size_t)(s->eol - s->p - content));
		}
		lines++;
		prev_spaced = spaced;
		empties = 0;
	}
	if (!lines)
		return -1;
	if (keep) {
		if (chomp != '-')
			kp_buf_addch(&s->tmp, '\n');
		*out = kp_node_new_str(s->doc, s->tmp.buf, s->tmp.len,
				       start_line, start_col);
	}
	return 0;
}

/*
 * The value part of "key: VALUE" or "- VALUE" at q (after the spaces),
 * on a line whose container is at indent.  Sets *out to the node when
 * keep.  Returns 1 when the value is on the following lines, 0 when done,
 * -1 to give up.
 */
static int value(struct scan *s, const char *q, int indent, int keep,
		 struct kp_node **out)
{
	const char *eol = s->eol, *v, *e;
	unsigned col = (unsigned)(q - s->p) + 1;

	*out = NULL;
	if (q == eol || *q == '#')
		return 1;
	switch (*q) {
	case '|':
	case '>':
		if (block_scalar(s, q, indent, keep, out) < 0)
			return -1;
		return 0;
	case '"':
	case '\'':
		for (v = q + 1; v < eol && *v != *q; v++)
			if (*v == '\\' && *q == '"')
				return -1;
		if (v == eol)
			return -1; /* multi-line or unclosed */
		e = v + 1;
		if (e < eol && *e == *q)
			return -1; /* '' inside single quotes */
		if (e < eol && !is_space(*e))
			return -1;
		if (!blank_or_comment(e, eol))
			return -1;
		if (keep)
			*out = kp_node_new_str(s->doc, q + 1,
					       (size_t)(v - q - 1), s->line,
					       col);
		return 0;
	case '[':
	case '{':
	case ']':
	case '}':
	case '&':
	case '*':
	case '!':
	case '%':
	case '@':
	case '`':
	case ',':
	case '?':
	case ':':
	case '\t': return -1;
	case '-':
		/* "-12" is a plain scalar; "- x" here is not YAML. */
		if (q + 1 == eol || q[1] < '0' || q[1] > '9')
			return -1;
		break;
	}
	/* A plain scalar: up to a comment, without ": " inside. */
	for (e = q; e < eol; e++) {
		if (*e == '\t')
			return -1;
		if (*e == ':' && (e + 1 == eol || e[1] == ' '))
			return -1;
		if (*e == '#' && e[-1] == ' ')
			break;
	}
	while (e > q && e[-1] == ' ')
		e--;
	if (keep && !(*out = plain_node(s, q, (size_t)(e - q), col)))
		return -1;
	return 0;
}

/* "key:" at q; *k and *n the key; returns the position after ':'. */
static const char *key_at(const char *q, const char *eol, const char **k,
			  size_t *n)
{
	const char *start = q;

	if (q == eol || !((*q >= 'a' && *q <= 'z') ||
			  (*q >= 'A' && *q <= 'Z') || *q == '_'))
		return NULL;
	while (q < eol &&
	       ((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') ||
		(*q >= '0' && *q <= '9') || *q == '_'))
		q++;
	if (q == eol || *q != ':' || (q + 1 < eol && q[1] != ' '))
		return NULL;
	/*
	 * libyaml gives up on an implicit key whose ':' stands more than
	 * 1024 characters after its start ("could not find expected ':'").
	 */
	if (q - start > 1024)
		return NULL;
	*k = start;
	*n = (size_t)(q - start);
	if (word_in(start, *n, nulls) || word_in(start, *n, trues) ||
	    word_in(start, *n, falses))
		return NULL;
	return q + 1;
}

/* A "key: value" at column indent of the top mapping. */
static int map_entry(struct scan *s, const char *q, int indent)
{
	struct frame *t = &s->f[s->depth];
	enum keep kind;
	struct kp_node *node;
	const char *k, *after;
	unsigned kcol = (unsigned)(q - s->p) + 1, kline = s->line;
	size_t n;
	int r;

	if (!(after = key_at(q, s->eol, &k, &n)) || add_key(s, k, n) < 0)
		return -1;
	if (s->depth == 0 && !s->root_keys++) {
		/* The root mapping stands where its first key does. */
		t->node->line = s->line;
		t->node->col = kcol;
	}
	kind = t->node ? child(t->keep, k, n) : K_NONE;
	s->pending_col = (unsigned)(after - s->p) + 1;
	while (after < s->eol && *after == ' ')
		after++;
	r = value(s, after, indent, kind == K_SCALAR || kind == K_ALL, &node);
	if (r < 0)
		return -1;
	if (r == 1) {
		s->pending = 1;
		s->pending_indent = indent;
		s->pending_keep = kind;
		s->pending_key = k;
		s->pending_keylen = n;
		s->pending_line = s->line;
		s->pending_kcol = kcol;
		return 0;
	}
	if (kind == K_SCALAR || kind == K_ALL)
		attach(s, k, n, kline, kcol, node);
	else if (kind != K_NONE)
		return -1; /* a scalar where due wants a mapping */
	return 0;
}

/* "key:" with nothing after it: null, where libyaml puts it. */
static void pending_null(struct scan *s)
{
	if (s->pending_keep != K_NONE)
		attach(s, s->pending_key, s->pending_keylen, s->pending_line,
		       s->pending_kcol,
		       kp_node_new(s->doc, KP_NULL, s->pending_line,
				   s->pending_col));
}

/* The key's value was on the following lines: open it, or make it null. */
static int resolve_pending(struct scan *s, int indent, const char *q)
{
	int is_seq = *q == '-' && (q + 1 == s->eol || q[1] == ' ');
	enum keep kind = s->pending_keep;
	struct kp_node *node = NULL;

	s->pending = 0;
	if (indent > s->pending_indent ||
	    (indent == s->pending_indent && is_seq && !s->f[s->depth].is_seq)) {
		if (kind == K_SCALAR)
			return -1; /* a block where due wants a scalar */
		if (kind != K_NONE) {
			if (kind != K_ALL &&
			    is_seq != (kind == K_GOALS || kind == K_ACTS ||
				       kind == K_MEETS))
				return -1;
			node = kp_node_new(s->doc, is_seq ? KP_SEQ : KP_MAP,
					   s->line, (unsigned)indent + 1);
			attach(s, s->pending_key, s->pending_keylen,
			       s->pending_line, s->pending_kcol, node);
		}
		return push(s, indent, is_seq, kind, node);
	}
	pending_null(s);
	return 0;
}

static int content_line(struct scan *s, int indent)
{
	const char *q = s->p + indent;
	struct frame *t;

	if (s->pending && resolve_pending(s, indent, q) < 0)
		return -1;
	while (indent < s->f[s->depth].indent && s->depth > 0)
		pop(s);
	t = &s->f[s->depth];
	/* A sequence at its key's indentation ends at the next key. */
	if (t->is_seq && indent == t->indent && *q != '-' && s->depth > 0 &&
	    s->f[s->depth - 1].indent == indent) {
		pop(s);
		t = &s->f[s->depth];
	}
	if (indent != t->indent)
		return -1;
	if (!t->is_seq)
		return map_entry(s, q, indent);

	/* "- item" */
	if (*q != '-' || (q + 1 < s->eol && q[1] != ' '))
		return -1;
	q++;
	while (q < s->eol && *q == ' ')
		q++;
	if (q == s->eol || *q == '#')
		return -1; /* the item on the following lines */
	{
		const char *k, *after;
		size_t n;

		if ((after = key_at(q, s->eol, &k, &n))) {
			enum keep kind = t->node ? item_of(t->keep) : K_NONE;
			struct kp_node *m = NULL;

			if (kind != K_NONE) {
				m = kp_node_new(s->doc, KP_MAP, s->line,
						(unsigned)(q - s->p) + 1);
				attach(s, NULL, 0, s->line, 0, m);
			}
			if (push(s, (int)(q - s->p), 0, kind, m) < 0)
				return -1;
			return map_entry(s, q, (int)(q - s->p));
		} else {
			struct kp_node *node;
			int keep = t->node != NULL;
			int r = value(s, q, indent, keep, &node);

			if (r != 0)
				return -1;
			if (keep)
				attach(s, NULL, 0, s->line, 0, node);
		}
	}
	return 0;
}

/*
 * 1 when data is UTF-8 without NUL, CR and other control characters but
 * tab and LF, and without DEL: what the loader accepts, less CR, which
 * it would normalise, and less the characters that libyaml reads as line
 * breaks (NEL, a C1 control; LS and PS) where this reader sees text.
 */
static int clean_text(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned c = s[i];

		/* Eight bytes of printable ASCII at a time. */
		if (n - i >= 8) {
			const uint64_t h = 0x8080808080808080ULL;
			const uint64_t ones = 0x0101010101010101ULL;
			uint64_t w, t, x;

			memcpy(&w, s + i, 8);
			t = (w | h) -
			    0x20 * ones;       /* high bit: b & 0x7f >= 0x20 */
			x = w ^ (0x7f * ones); /* a zero byte: DEL */
			if ((~w & t & h) == h && !((x - ones) & ~x & h)) {
				i += 8;
				continue;
			}
		}
		if (c >= 0x20 && c < 0x7f) {
			i++;
		} else if (c == '\n' || c == '\t') {
			i++;
		} else if (c >= 0xc2 && c <= 0xdf) {
			if (n - i < 2 || (s[i + 1] & 0xc0) != 0x80 ||
			    (c == 0xc2 && s[i + 1] < 0xa0))
				return 0; /* C1 controls: let the loader judge
					   */
			i += 2;
		} else if (c >= 0xe0 && c <= 0xef) {
			unsigned cp;

			if (n - i < 3 || (s[i + 1] & 0xc0) != 0x80 ||
			    (s[i + 2] & 0xc0) != 0x80)
				return 0;
			cp = ((c & 0x0f) << 12) | ((s[i + 1] & 0x3fu) << 6) |
			     (s[i + 2] & 0x3fu);
			/* U+2028 and U+2029 break lines to libyaml (YAML
			 * 1.1); the loader judges them. */
			if (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff) ||
			    cp == 0xfeff || cp >= 0xfffe || cp == 0x2028 ||
			    cp == 0x2029)
				return 0;
			i += 3;
		} else if (c >= 0xf0 && c <= 0xf4) {
			unsigned long cp;

			if (n - i < 4 || (s[i + 1] & 0xc0) != 0x80 ||
			    (s[i + 2] & 0xc0) != 0x80 ||
			    (s[i + 3] & 0xc0) != 0x80)
				return 0;
			cp = ((c & 0x07ul) << 18) |
			     ((s[i + 1] & 0x3ful) << 12) |
			     ((s[i + 2] & 0x3ful) << 6) | (s[i + 3] & 0x3ful);
			if (cp < 0x10000 || cp > 0x10ffff)
				return 0;
			i += 4;
		} else {
			return 0;
		}
	}
	return 1;
}

/*
 * Read the frontmatter of data into s->doc.  Returns 1 when the whole
 * file is in the style this reads, with s on the closing line.
 */
static int scan_text(struct scan *s, const char *data, size_t len, int all)
{
	int closed = 0;

	memset(s, 0, sizeof(*s));
	/* git's conflict markers, anywhere: kp_plan_parse() refuses them. */
	if (len > KP_PLAN_MAX || len < 4 || memcmp(data, "---\n", 4) != 0 ||
	    !clean_text((const unsigned char *)data, len) ||
	    kp_conflict_line(data, len) != 0)
		return 0;
	kp_buf_init(&s->tmp);
	s->all = all;
	s->end = data + len;
	s->p = data;
	s->eol = data + 3;
	s->line = 1;
	s->doc = kp_doc_new();
	s->f[0].indent = 0;
	s->f[0].keep = all ? K_ALL : K_ROOT;
	s->f[0].node = kp_node_new(s->doc, KP_MAP, 2, 1);
	kp_doc_set_root(s->doc, s->f[0].node);
	while (next_line(s)) {
		int ind;

		if (s->eol - s->p == 3 && (memcmp(s->p, "---", 3) == 0 ||
					   memcmp(s->p, "...", 3) == 0)) {
			closed = 1;
			break;
		}
		if (blank_or_comment(s->p, s->eol))
			continue;
		if ((ind = indent_of(s)) < 0 || content_line(s, ind) < 0)
			break;
	}
	kp_buf_release(&s->tmp);
	/* Unclosed, given up, or a root that is not a mapping. */
	if (!closed || !s->root_keys) {
		kp_doc_free(s->doc);
		s->doc = NULL;
		return 0;
	}
	if (s->pending)
		pending_null(s);
	return 1;
}

int kp_due_fast(struct kp_doc **out, const char *data, size_t len)
{
	struct scan s;

	*out = NULL;
	if (!scan_text(&s, data, len, 0))
		return 0;
	*out = s.doc;
	return 1;
}

int kp_plan_fast(struct kp_plan **out, const char *name, const char *data,
		 size_t len)
{
	struct kp_plan *plan;
	struct scan s;
	size_t body;

	*out = NULL;
	if (!scan_text(&s, data, len, 1))
		return 0;
	plan = kp_xcalloc(1, sizeof(*plan));
	plan->path = kp_xstrdup(name);
	kp_buf_init(&plan->text);
	kp_buf_add(&plan->text, data, len);
	plan->doc = s.doc;
	plan->root = kp_doc_root(s.doc);
	body = s.eol < s.end ? (size_t)(s.eol + 1 - data) : len;
	plan->body = plan->text.buf + body;
	plan->body_len = len - body;
	plan->body_line = s.line + 1;
	*out = plan;
	return 1;
}

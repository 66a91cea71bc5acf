/*
 * json.c: a strict RFC 8259 reader into the kp_node tree.
 *
 * Every byte is looked at a bounded number of times, so reading is linear
 * in the input; duplicate keys are found with a hash table per object.
 * Nesting is limited to JSON_DEPTH_MAX arrays and objects so that hostile
 * input cannot exhaust the stack.  Columns count characters (code points),
 * as libyaml's marks do.
 */
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "load/load.h"
#include "i18n.h"
#include "banned.h"

/* JSON is also read for schemas and the conformance suite: allow more. */
#define JSON_DEPTH_MAX (KP_DEPTH_MAX * 4)

struct reader {
	const char *p, *end;
	unsigned line, col;
	const char *name;
	struct kp_doc *doc;
	struct kp_buf tmp;
	struct kp_error *err;
};

static int fail(struct reader *r, const char *msg)
{
	return kp_error_set(r->err, KP_EPARSE, r->name, r->line, r->col, "%s",
			    msg);
}

/* Describe the byte at the cursor for a message. */
static const char *here(struct reader *r, char tmp[8])
{
	unsigned char c;

	c = (unsigned char)*r->p;
	if (c >= 0x21 && c < 0x7f) {
		tmp[0] = '\'';
		tmp[1] = (char)c;
		tmp[2] = '\'';
		tmp[3] = '\0';
	} else {
		snprintf(tmp, 8, "0x%02x", c);
	}
	return tmp;
}

static int unexpected(struct reader *r)
{
	char tmp[8];

	if (r->p >= r->end)
		return fail(r, _("unexpected end of input"));
	/* TRANSLATORS: %s is a character in quotes, or a byte: 0x1f. */
	return kp_error_set(r->err, KP_EPARSE, r->name, r->line, r->col,
			    _("unexpected %s"), here(r, tmp));
}

/* Advance over n bytes that hold no newline. */
static void advance(struct reader *r, size_t n)
{
	while (n--) {
		if (((unsigned char)*r->p & 0xc0) != 0x80)
			r->col++;
		r->p++;
	}
}

static void skip_space(struct reader *r)
{
	while (r->p < r->end) {
		char c = *r->p;

		if (c == '\n') {
			r->line++;
			r->col = 1;
			r->p++;
		} else if (c == ' ' || c == '\t' || c == '\r') {
			r->col++;
			r->p++;
		} else {
			break;
		}
	}
}

static int literal(struct reader *r, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(r->end - r->p) < n || memcmp(r->p, word, n) != 0)
		return unexpected(r);
	advance(r, n);
	return 0;
}

static int hex4(const char *p, unsigned *out)
{
	unsigned v = 0;
	int i;

	for (i = 0; i < 4; i++) {
		char c = p[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

static void add_utf8(struct kp_buf *b, unsigned long cp)
{
	char s[4];
	size_t n;

	if (cp < 0x80) {
		s[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		s[0] = (char)(0xc0 | (cp >> 6));
		s[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		s[0] = (char)(0xe0 | (cp >> 12));
		s[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		s[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		s[0] = (char)(0xf0 | (cp >> 18));
		s[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		s[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		s[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	kp_buf_add(b, s, n);
}

/* Read a string literal into r->tmp; the cursor is on the opening quote. */
static int read_string(struct reader *r)
{
	kp_buf_reset(&r->tmp);
	advance(r, 1);
	for (;;) {
		const char *start = r->p;
		unsigned char c;
		unsigned u, lo;
		size_t n;

		while (r->p < r->end && (unsigned char)*r->p >= 0x20 &&
		       (unsigned char)*r->p < 0x80 && *r->p != '"' &&
		       *r->p != '\\')
			r->p++;
		r->col += (unsigned)(r->p - start);
		kp_buf_add(&r->tmp, start, (size_t)(r->p - start));
		if (r->p >= r->end)
			return fail(r, _("unterminated string"));
		c = (unsigned char)*r->p;
		if (c == '"') {
			advance(r, 1);
			return 0;
		}
		if (c < 0x20)
			return fail(
				r,
				_("control character in string (escape it)"));
		if (c >= 0x80) {
			n = kp_utf8_len(r->p, (size_t)(r->end - r->p));
			if (!n)
				return fail(r, _("invalid UTF-8"));
			kp_buf_add(&r->tmp, r->p, n);
			advance(r, n);
			continue;
		}
		/* a backslash */
		if (r->end - r->p < 2)
			return fail(r, _("unterminated string"));
		switch (r->p[1]) {
		case '"': kp_buf_addch(&r->tmp, '"'); break;
		case '\\': kp_buf_addch(&r->tmp, '\\'); break;
		case '/': kp_buf_addch(&r->tmp, '/'); break;
		case 'b': kp_buf_addch(&r->tmp, '\b'); break;
		case 'f': kp_buf_addch(&r->tmp, '\f'); break;
		case 'n': kp_buf_addch(&r->tmp, '\n'); break;
		case 'r': kp_buf_addch(&r->tmp, '\r'); break;
		case 't': kp_buf_addch(&r->tmp, '\t'); break;
		case 'u':
			if (r->end - r->p < 6 || hex4(r->p + 2, &u) < 0)
				return fail(r, _("invalid \\u escape"));
			if (u >= 0xdc00 && u <= 0xdfff)
				return fail(
					r,
					_("lone low surrogate in \\u escape"));
			if (u >= 0xd800 && u <= 0xdbff) {
				if (r->end - r->p < 12 || r->p[6] != '\\' ||
				    r->p[7] != 'u' || hex4(r->p + 8, &lo) < 0 ||
				    lo < 0xdc00 || lo > 0xdfff)
					return fail(r,
						    _("lone high surrogate in "
						      "\\u escape"));
				add_utf8(&r->tmp,
					 0x10000 +
						 (((unsigned long)u - 0xd800)
						  << 10) +
						 (lo - 0xdc00));
				advance(r, 12);
				continue;
			}
			add_utf8(&r->tmp, u);
			advance(r, 6);
			continue;
		default:
			advance(r, 1);
			return fail(r, _("invalid escape in string"));
		}
		advance(r, 2);
	}
}

static int digits(struct reader *r)
{
	const char *start = r->p;

	while (r->p < r->end && *r->p >= '0' && *r->p <= '9')
		r->p++;
	return r->p > start;
}

static int read_number(struct reader *r, struct kp_node **out)
{
	const char *start = r->p;
	unsigned line = r->line, col = r->col;
	int is_int = 1;
	struct kp_node *n;
	char *end;

	if (*r->p == '-')
		r->p++;
	if (r->p < r->end && *r->p == '0')
		r->p++;
	else if (!digits(r))
		goto bad;
	if (r->p < r->end && *r->p == '.') {
		r->p++;
		is_int = 0;
		if (!digits(r))
			goto bad;
	}
	if (r->p < r->end && (*r->p == 'e' || *r->p == 'E')) {
		r->p++;
		is_int = 0;
		if (r->p < r->end && (*r->p == '+' || *r->p == '-'))
			r->p++;
		if (!digits(r))
			goto bad;
	}
	kp_buf_reset(&r->tmp);
	kp_buf_add(&r->tmp, start, (size_t)(r->p - start));
	r->col += (unsigned)(r->p - start);
	if (is_int) {
		long long v;

		errno = 0;
		v = strtoll(r->tmp.buf, &end, 10);
		if (errno == 0 && *end == '\0') {
			n = kp_node_new(r->doc, KP_INT, line, col);
			n->v.integer = v;
			*out = n;
			return 0;
		}
	}
	{
		/* strtod() follows the locale's decimal point. */
		const char *dp = localeconv()->decimal_point;
		char *dot = strchr(r->tmp.buf, '.');
		double d;

		if (dot && dp && dp[0] && !dp[1])
			*dot = dp[0];
		errno = 0;
		d = strtod(r->tmp.buf, &end);
		if (*end != '\0' || !isfinite(d)) {
			r->line = line;
			r->col = col;
			return fail(r, _("number out of range"));
		}
		n = kp_node_new(r->doc, KP_FLOAT, line, col);
		n->v.real = d;
		*out = n;
	}
	return 0;
bad:
	r->col += (unsigned)(r->p - start);
	return unexpected(r);
}

static uint64_t hash_key(const char *s, size_t len)
{
	uint64_t h = 1469598103934665603ULL;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

/* The index of an earlier pair with the key of pair i, or -1. */
static int check_duplicates(struct reader *r, const struct kp_node *map)
{
	const struct kp_pair *pairs = map->v.map.pairs;
	size_t n = map->v.map.len, i, j, cap, *slots;
	int error = 0;

	if (n < 2)
		return 0;
	if (n <= 8) {
		for (i = 1; i < n; i++)
			for (j = 0; j < i; j++)
				if (pairs[i].keylen == pairs[j].keylen &&
				    memcmp(pairs[i].key, pairs[j].key,
					   pairs[i].keylen) == 0)
					goto dup;
		return 0;
	}
	for (cap = 16; cap < n * 2; cap *= 2)
		;
	slots = kp_xcalloc(cap, sizeof(*slots));
	for (i = 0; i < n; i++) {
		size_t k = hash_key(pairs[i].key, pairs[i].keylen) & (cap - 1);

		while (slots[k]) {
			j = slots[k] - 1;
			if (pairs[i].keylen == pairs[j].keylen &&
			    memcmp(pairs[i].key, pairs[j].key,
				   pairs[i].keylen) == 0) {
				free(slots);
				goto dup;
			}
			k = (k + 1) & (cap - 1);
		}
		slots[k] = i + 1;
	}
	free(slots);
	return 0;
dup:
	kp_buf_reset(&r->tmp);
	kp_buf_add_escaped(&r->tmp, pairs[i].key,
			   pairs[i].keylen > 60 ? 60 : pairs[i].keylen);
	error = kp_error_set(r->err, KP_EPARSE, r->name, pairs[i].line,
			     pairs[i].col, _("duplicate key '%s'"), r->tmp.buf);
	return error;
}

static int read_value(struct reader *r, struct kp_node **out, int depth);

static int read_array(struct reader *r, struct kp_node **out, int depth)
{
	struct kp_node *seq = kp_node_new(r->doc, KP_SEQ, r->line, r->col);
	struct kp_node *item;
	int error;

	advance(r, 1);
	skip_space(r);
	if (r->p < r->end && *r->p == ']') {
		advance(r, 1);
		*out = seq;
		return 0;
	}
	for (;;) {
		if ((error = read_value(r, &item, depth + 1)) < 0)
			return error;
		kp_node_append(r->doc, seq, item);
		skip_space(r);
		if (r->p < r->end && *r->p == ',') {
			advance(r, 1);
			skip_space(r);
			continue;
		}
		if (r->p < r->end && *r->p == ']') {
			advance(r, 1);
			*out = seq;
			return 0;
		}
		return r->p < r->end ? fail(r, _("expected ',' or ']'"))
				     : fail(r, _("unterminated array"));
	}
}

static int read_object(struct reader *r, struct kp_node **out, int depth)
{
	struct kp_node *map = kp_node_new(r->doc, KP_MAP, r->line, r->col);
	struct kp_node *value;
	int error;

	advance(r, 1);
	skip_space(r);
	if (r->p < r->end && *r->p == '}') {
		advance(r, 1);
		*out = map;
		return 0;
	}
	for (;;) {
		unsigned kline = r->line, kcol = r->col;
		char *key;
		size_t keylen;

		if (r->p >= r->end)
			return fail(r, _("unterminated object"));
		if (*r->p != '"')
			return fail(r, _("expected a string key"));
		if ((error = read_string(r)) < 0)
			return error;
		keylen = r->tmp.len;
		key = kp_doc_strndup(r->doc, r->tmp.buf, keylen);
		skip_space(r);
		if (r->p >= r->end || *r->p != ':')
			return fail(r, _("expected ':' after the key"));
		advance(r, 1);
		skip_space(r);
		if ((error = read_value(r, &value, depth + 1)) < 0)
			return error;
		kp_node_put(r->doc, map, key, keylen, kline, kcol, value);
		skip_space(r);
		if (r->p < r->end && *r->p == ',') {
			advance(r, 1);
			skip_space(r);
			continue;
		}
		if (r->p < r->end && *r->p == '}') {
			advance(r, 1);
			break;
		}
		return r->p < r->end ? fail(r, _("expected ',' or '}'"))
				     : fail(r, _("unterminated object"));
	}
	if ((error = check_duplicates(r, map)) < 0)
		return error;
	*out = map;
	return 0;
}

static int read_value(struct reader *r, struct kp_node **out, int depth)
{
	struct kp_node *n;
	int error;

	if (r->p >= r->end)
		return fail(r, _("unexpected end of input"));
	switch (*r->p) {
	case '{':
	case '[':
		if (depth >= JSON_DEPTH_MAX)
			return kp_error_set(r->err, KP_EPARSE, r->name, r->line,
					    r->col,
					    _("nesting deeper than %d levels"),
					    JSON_DEPTH_MAX);
		return *r->p == '{' ? read_object(r, out, depth)
				    : read_array(r, out, depth);
	case '"':
		n = kp_node_new(r->doc, KP_STR, r->line, r->col);
		if ((error = read_string(r)) < 0)
			return error;
		n->v.str.ptr = kp_doc_strndup(r->doc, r->tmp.buf, r->tmp.len);
		n->v.str.len = r->tmp.len;
		*out = n;
		return 0;
	case 't':
	case 'f':
		n = kp_node_new(r->doc, KP_BOOL, r->line, r->col);
		n->v.boolean = *r->p == 't';
		if ((error = literal(r, n->v.boolean ? "true" : "false")) < 0)
			return error;
		*out = n;
		return 0;
	case 'n':
		n = kp_node_new(r->doc, KP_NULL, r->line, r->col);
		if ((error = literal(r, "null")) < 0)
			return error;
		*out = n;
		return 0;
	default:
		if (*r->p == '-' || (*r->p >= '0' && *r->p <= '9'))
			return read_number(r, out);
		return unexpected(r);
	}
}

int kp_json_parse(struct kp_doc **out, const char *data, size_t len,
		  const char *name, struct kp_error *err)
{
	struct reader r;
	struct kp_node *root = NULL;
	int error;

	*out = NULL;
	memset(&r, 0, sizeof(r));
	r.p = data;
	r.end = data + len;
	r.line = 1;
	r.col = 1;
	r.name = name;
	r.doc = kp_doc_new();
	r.err = err;
	kp_buf_init(&r.tmp);
	skip_space(&r);
	if (r.p >= r.end) {
		error = fail(&r, _("no JSON value"));
		goto done;
	}
	if ((error = read_value(&r, &root, 0)) < 0)
		goto done;
	skip_space(&r);
	if (r.p < r.end) {
		error = fail(&r, _("trailing data after the JSON value"));
		goto done;
	}
	kp_doc_set_root(r.doc, root);
	*out = r.doc;
	r.doc = NULL;
done:
	kp_doc_free(r.doc);
	kp_buf_release(&r.tmp);
	return error;
}

/*
 * lint.c: warnings about the text of the frontmatter, for the mistakes
 * of a plan edited by hand that YAML accepts without a word.
 *
 * A ' #' ends a plain value and starts a comment: "adresse: Vestergade
 * 23 #2, 7100 Vejle" loses ", 7100 Vejle" silently.  The template that
 * kiplan new writes has comments after values too ("status: kladde   #
 * kladde | aktiv | afsluttet"), and people write them on purpose, so the
 * rule is narrow: a plain value that YAML reads as text stands before
 * the '#' on its line, and the '#' is followed at once by something other
 * than a space ("#2"), which a comment written on purpose is not.
 */
#include <stdlib.h>
#include <string.h>

#include "check/check.h"
#include "i18n.h"
#include "lint.h"
#include "banned.h"

/* Text quoted in a message is cut to about this many bytes. */
#define SHOW_MAX 60

/* A step from the root: a key, or (key NULL) an index. */
struct step {
	const char *key;
	size_t len; /* of the key, or the index */
};

struct lint {
	const char *text, *end;
	const char **lines; /* start of each line, from line 1 */
	size_t nlines;
	/* The steps to the node; written out as a field only for a finding. */
	struct step *steps;
	size_t nsteps, asteps;
	struct kp_buf path; /* field() writes the field here */
	struct kp_findings *out;
};

/* The byte at (line, col), col counted in characters; NULL if none. */
static const char *at(const struct lint *l, unsigned line, unsigned col)
{
	const char *p;
	unsigned c;

	if (line == 0 || line > l->nlines || col == 0)
		return NULL;
	p = l->lines[line - 1];
	for (c = 1; c < col && p < l->end && *p != '\n'; c++) {
		size_t n;

		if (!((unsigned char)*p & 0x80)) {
			p++; /* ASCII: most of a plan */
			continue;
		}
		n = kp_utf8_len(p, (size_t)(l->end - p));
		p += n ? n : 1;
	}
	return c == col && p < l->end ? p : NULL;
}

/* The column (in characters) of p on the line that starts at s. */
static unsigned column(const char *s, const char *p)
{
	unsigned col = 1;

	while (s < p) {
		size_t n = kp_utf8_len(s, (size_t)(p - s));

		s += n ? n : 1;
		col++;
	}
	return col;
}

static void step_in(struct lint *l, const char *key, size_t len)
{
	if (l->nsteps == l->asteps) {
		l->asteps = l->asteps ? l->asteps * 2 : 16;
		l->steps = kp_xrealloc(l->steps, l->asteps * sizeof(*l->steps));
	}
	l->steps[l->nsteps].key = key;
	l->steps[l->nsteps].len = len;
	l->nsteps++;
}

/* The node's field: "maal[0].titel"; valid until the next call. */
static const char *field(struct lint *l)
{
	size_t i;

	kp_buf_reset(&l->path);
	for (i = 0; i < l->nsteps; i++) {
		const struct step *st = &l->steps[i];

		if (!st->key) {
			kp_buf_addf(&l->path, "[%zu]", st->len);
			continue;
		}
		if (l->path.len)
			kp_buf_addch(&l->path, '.');
		kp_buf_add(&l->path, st->key, st->len);
	}
	return l->path.len ? l->path.buf : _("(root)");
}

/* A no-break space or curly quote where a key or value begins. */
static void check_char(struct lint *l, const char *p, unsigned line,
		       unsigned col, enum kp_hint_place place)
{
	struct kp_buf m = KP_BUF_INIT;
	enum kp_hint h;
	unsigned cp;

	if (!p)
		return;
	h = kp_hint_at(p, (size_t)(l->end - p), &cp);
	if (h != KP_HINT_NBSP && h != KP_HINT_QUOTE)
		return;
	kp_hint_message(&m, h, cp, place);
	/* The field, then the hint's sentence: nothing to translate. */
	kp_findings_add(l->out, "tegn", KP_WARNING, line, col, "%s: %s",
			field(l), m.buf);
	kp_buf_release(&m);
}

/* A plain value at p whose line goes on with ' #' and no space. */
static void check_comment(struct lint *l, const char *p, unsigned line)
{
	const char *q, *eol, *hash = NULL;
	struct kp_buf rest = KP_BUF_INIT;
	size_t n;

	if (!p || strchr("\"'|>#[{ \t\n", *p))
		return; /* quoted, a block scalar, or no value at all */
	eol = memchr(p, '\n', (size_t)(l->end - p));
	if (!eol)
		eol = l->end;
	for (q = p + 1; q < eol; q++)
		if (*q == '#' && (q[-1] == ' ' || q[-1] == '\t')) {
			hash = q;
			break;
		}
	if (!hash || hash + 1 == eol || hash[1] == ' ' || hash[1] == '\t')
		return;
	n = (size_t)(eol - hash);
	if (n > SHOW_MAX) {
		n = SHOW_MAX;
		while (n > 0 && ((unsigned char)hash[n] & 0xc0) == 0x80)
			n--;
	}
	kp_buf_add(&rest, hash, n);
	if (n < (size_t)(eol - hash))
		kp_buf_addstr(&rest, "...");
	/* TRANSLATORS: a field and the text after its value that YAML
	   reads as a comment: '#2, 7100 Vejle'. */
	kp_findings_add(l->out, "kommentar", KP_WARNING, line,
			column(l->lines[line - 1], hash),
			_("%s: ' #' starts a YAML comment, so '%s' is not part "
			  "of the value: put the whole value in quotes to keep "
			  "it"),
			field(l), rest.buf);
	kp_buf_release(&rest);
}

static void walk(struct lint *l, const struct kp_node *n, int in_flow)
{
	const char *p = at(l, n->line, n->col);
	size_t i;

	switch (n->type) {
	case KP_MAP:
		in_flow = in_flow || (p && *p == '{');
		for (i = 0; i < n->v.map.len; i++) {
			const struct kp_pair *pair = &n->v.map.pairs[i];

			check_char(l, at(l, pair->line, pair->col), pair->line,
				   pair->col, KP_HINT_IN_KEY);
			step_in(l, pair->key, pair->keylen);
			walk(l, pair->value, in_flow);
			l->nsteps--;
		}
		break;
	case KP_SEQ:
		in_flow = in_flow || (p && *p == '[');
		for (i = 0; i < n->v.seq.len; i++) {
			step_in(l, NULL, i);
			walk(l, n->v.seq.items[i], in_flow);
			l->nsteps--;
		}
		break;
	default:
		check_char(l, p, n->line, n->col, KP_HINT_IN_VALUE);
		/* text: "false #x" is no pasted address */
		if (!in_flow && n->type == KP_STR)
			check_comment(l, p, n->line);
		break;
	}
}

void kp_lint(const struct kp_plan *plan, struct kp_findings *out)
{
	struct lint l;
	const char *p;
	size_t alloc = 0;

	if (!plan || !plan->root || !plan->body_line)
		return;
	memset(&l, 0, sizeof(l));
	l.text = plan->text.buf;
	/* The frontmatter and its closing line; the body is not YAML. */
	l.end = l.text + plan->text.len;
	if (plan->body && plan->body >= l.text && plan->body <= l.end)
		l.end = plan->body;
	for (p = l.text; p < l.end; p++) {
		const char *nl;

		if (l.nlines == alloc) {
			alloc = alloc ? alloc * 2 : 64;
			l.lines =
				kp_xrealloc(l.lines, alloc * sizeof(*l.lines));
		}
		l.lines[l.nlines++] = p;
		if (!(nl = memchr(p, '\n', (size_t)(l.end - p))))
			break;
		p = nl;
	}
	l.out = out;
	kp_buf_init(&l.path);
	walk(&l, plan->root, 0);
	kp_buf_release(&l.path);
	free(l.steps);
	free(l.lines);
}

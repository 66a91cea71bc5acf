/*
 * plan.c: a plan file is YAML frontmatter between two '---' lines, then a
 * CommonMark body.  This splits the two, loads the frontmatter with
 * kp_yaml_parse(KP_YAML_PLAN) and, when asked, parses the body with
 * libcmark through kp_md_parse(), which bounds its time.
 */
#include <stdlib.h>
#include <string.h>

#include "load/load.h"
#include "i18n.h"
#include "loader.h"
#include "banned.h"

/*
 * Copy data into out without a leading BOM, with CRLF and lone CR turned
 * into LF.  Both YAML and CommonMark read a lone CR as a line break, so
 * line numbers stay those of the file.
 */
static void normalise(struct kp_buf *out, const char *data, size_t len)
{
	size_t i = 0, start;

	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	kp_buf_grow(out, len - i);
	for (start = i; i < len; i++) {
		if (data[i] != '\r')
			continue;
		kp_buf_add(out, data + start, i - start);
		kp_buf_addch(out, '\n');
		if (i + 1 < len && data[i + 1] == '\n')
			i++;
		start = i + 1;
	}
	kp_buf_add(out, data + start, len - start);
}

/* 1 when the line at s (up to LF or end) is exactly word. */
static int line_is(const char *s, const char *end, const char *word)
{
	size_t n = strlen(word);

	return (size_t)(end - s) >= n && memcmp(s, word, n) == 0 &&
	       (s + n == end || s[n] == '\n');
}

/*
 * The frontmatter of text: yaml, the byte after the opening line, and
 * the closing line; *line the closing line's number.  -1 without an
 * opening line, -2 without a closing one.
 */
static int split(const char **yaml, const char **close, unsigned *line,
		 const char *text, const char *end)
{
	const char *p;

	*line = 2;
	if (!line_is(text, end, "---"))
		return -1;
	*yaml = text + 3;
	if (*yaml < end)
		(*yaml)++; /* its LF */
	for (p = *yaml; p < end; (*line)++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));

		if (line_is(p, end, "---") || line_is(p, end, "..."))
			break;
		p = nl ? nl + 1 : end;
	}
	*close = p;
	return p >= end ? -2 : 0;
}

const char *kp_plan_get(const struct kp_plan *plan, const char *path)
{
	return kp_plan_str(plan, path);
}

const char *kp_plan_text(const struct kp_plan *plan, size_t *len)
{
	*len = plan->text.len;
	return plan->text.buf;
}

void kp_plan_restyle(struct kp_buf *text, const char *raw, size_t len)
{
	struct kp_buf b = KP_BUF_INIT;
	const char *nl = memchr(raw, '\n', len);
	int bom = len >= 3 && memcmp(raw, "\xef\xbb\xbf", 3) == 0;
	int crlf = nl && nl > raw && nl[-1] == '\r';
	size_t i;

	if (!bom && !crlf)
		return;
	if (bom)
		kp_buf_add(&b, "\xef\xbb\xbf", 3);
	for (i = 0; i < text->len; i++) {
		if (crlf && text->buf[i] == '\n')
			kp_buf_addch(&b, '\r');
		kp_buf_addch(&b, text->buf[i]);
	}
	kp_buf_release(text);
	*text = b;
}

int kp_plan_frontmatter(size_t *start, size_t *end, const char *text,
			size_t len)
{
	const char *yaml, *close;
	unsigned line;

	if (split(&yaml, &close, &line, text, text + len) < 0)
		return -1;
	*start = (size_t)(yaml - text);
	*end = (size_t)(close - text);
	return 0;
}

/* Split plan->text into frontmatter and body; load both. */
static int split_and_load(struct kp_plan *plan, const char *name,
			  unsigned flags, struct kp_error *err)
{
	const char *text = plan->text.buf, *end = text + plan->text.len;
	const char *yaml, *p;
	unsigned line;
	int error, r;

	r = split(&yaml, &p, &line, text, end);
	if (r == -1)
		return kp_error_set(err, KP_EPARSE, name, 1, 1,
				    _("a plan starts with a '---' line"));
	if (r < 0)
		return kp_error_set(
			err, KP_EPARSE, name, 1, 1,
			_("unclosed frontmatter: no closing '---' line"));
	if ((error = kp_yaml_parse(&plan->doc, yaml, (size_t)(p - yaml), 2,
				   KP_YAML_PLAN, name, err)) < 0)
		return error;
	plan->root = kp_doc_root(plan->doc);
	p += 3;
	if (p < end)
		p++; /* the closing line's LF */
	plan->body = p;
	plan->body_len = (size_t)(end - p);
	plan->body_line = line + 1;
	/*
	 * Through the renderer's bounded parser: libcmark 0.30.2 alone is
	 * quadratic on some inputs (CVE-2023-22486), minutes for 1 MiB.
	 */
	if (flags & KP_LOAD_BODY)
		plan->body_doc = kp_md_parse(plan->body, plan->body_len);
	return 0;
}

int kp_plan_parse(struct kp_plan **out, const char *name, const char *data,
		  size_t len, unsigned flags, struct kp_error *err)
{
	struct kp_plan *plan = NULL;
	unsigned line;
	int error;

	*out = NULL;
	if (len > KP_PLAN_MAX)
		return kp_error_set(
			err, KP_ELIMIT, name, 0, 0,
			_("file is larger than the limit of %zu bytes"),
			(size_t)KP_PLAN_MAX);
	if ((line = kp_conflict_line(data, len)) > 0)
		return kp_error_set(err, KP_ECONFLICT, name, line, 1,
				    _("the plan holds git's conflict markers "
				      "from a merge: choose between the two "
				      "versions, remove the marker lines, and "
				      "validate it"));
	if ((flags & KP_LOAD_FAST) &&
	    kp_plan_fast(&plan, name, data, len) == 1) {
		if (flags & KP_LOAD_BODY)
			plan->body_doc =
				kp_md_parse(plan->body, plan->body_len);
		*out = plan;
		return 0;
	}
	/* The body too: no control character may reach a terminal. */
	if ((error = kp_text_check(data, len, 1, name, err)) < 0)
		return error;
	plan = kp_xcalloc(1, sizeof(*plan));
	plan->path = kp_xstrdup(name);
	kp_buf_init(&plan->text);
	normalise(&plan->text, data, len);
	if ((error = split_and_load(plan, name, flags, err)) < 0)
		goto done;
	*out = plan;
	plan = NULL;
done:
	kp_plan_free(plan);
	return error;
}

int kp_plan_load(struct kp_plan **out, const char *path, unsigned flags,
		 struct kp_error *err)
{
	struct kp_buf raw = KP_BUF_INIT;
	int error;

	*out = NULL;
	if ((error = kp_buf_read_file(&raw, path, KP_PLAN_MAX, err)) < 0)
		goto done;
	error = kp_plan_parse(out, path, raw.buf, raw.len, flags, err);
done:
	kp_buf_release(&raw);
	return error;
}

void kp_plan_free(struct kp_plan *plan)
{
	if (!plan)
		return;
	if (plan->body_doc)
		kp_md_free(plan->body_doc);
	kp_doc_free(plan->doc);
	kp_buf_release(&plan->text);
	free(plan->path);
	free(plan);
}

const char *kp_plan_str(const struct kp_plan *plan, const char *path)
{
	return plan ? kp_node_str(kp_node_at(plan->root, path)) : NULL;
}

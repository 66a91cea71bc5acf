/*
 * fuzz_html.c: libFuzzer target for rendering a plan to HTML, as the
 * parties receive it.  Every input that loads as a plan is rendered,
 * plain and redacted, sent (with a revision stamp) and not.  It aborts
 * when the document is not whole UTF-8, holds a control character other
 * than tab and line breaks, holds a script element or an event handler
 * attribute in a tag (nothing from a plan may run), or does not end the
 * document.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "render/render.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Where in the document a byte is: in text, in a tag, or in a quoted
 * attribute value.  Only an attribute name in a tag can be an event
 * handler ("onerror=" in text is only text, escaped).
 */
enum where { TEXT, TAG, DQUOTE, SQUOTE };

static enum where step(enum where w, char c)
{
	switch (w) {
	case TEXT: return c == '<' ? TAG : TEXT;
	case TAG:
		if (c == '>')
			return TEXT;
		return c == '"' ? DQUOTE : c == '\'' ? SQUOTE : TAG;
	case DQUOTE: return c == '"' ? TAG : DQUOTE;
	case SQUOTE: return c == '\'' ? TAG : SQUOTE;
	}
	return w;
}

/* An event handler attribute at i (" onclick="), which kiplan never writes. */
static int handler(const struct kp_buf *b, size_t i)
{
	size_t j = i + 3;

	if (i + 3 > b->len || !strchr(" \t\n\r", b->buf[i]) || !b->buf[i] ||
	    strncasecmp(b->buf + i + 1, "on", 2) != 0)
		return 0;
	while (j < b->len && ((b->buf[j] >= 'a' && b->buf[j] <= 'z') ||
			      (b->buf[j] >= 'A' && b->buf[j] <= 'Z')))
		j++;
	return j > i + 3 && j < b->len && b->buf[j] == '=';
}

static void check_html(const struct kp_buf *b)
{
	static const char end[] = "</html>\n";
	enum where w = TEXT;
	size_t i, n;

	for (i = 0; i < b->len; i += n) {
		unsigned char c = (unsigned char)b->buf[i];

		if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') ||
		    c == 0x7f)
			abort();
		if (!(n = kp_utf8_len(b->buf + i, b->len - i)))
			abort();
		if (n == 2 && c == 0xc2 && (unsigned char)b->buf[i + 1] < 0xa0)
			abort(); /* a C1 control */
		if (c == '<' && strncasecmp(b->buf + i, "<script", 7) == 0)
			abort();
		if (w == TAG && handler(b, i))
			abort();
		w = step(w, b->buf[i]);
	}
	if (b->len < sizeof(end) - 1 ||
	    memcmp(b->buf + b->len - (sizeof(end) - 1), end, sizeof(end) - 1) !=
		    0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kp_error err = KP_ERROR_INIT;
	struct kp_plan *plan = NULL;
	struct kp_render_opts opts;
	struct kp_source src;
	struct kp_buf out = KP_BUF_INIT;
	int k;

	if (kp_plan_parse(&plan, "ki-2026-0001.md", (const char *)data, size,
			  KP_LOAD_BODY, &err) < 0)
		return 0;
	memset(&src, 0, sizeof(src));
	src.in_repo = 1;
	src.revision = 3;
	memcpy(src.commit, "0123456789abcdef0123456789abcdef01234567", 41);
	src.time = 1767258000;
	src.offset = 60;
	for (k = 0; k < 4; k++) {
		memset(&opts, 0, sizeof(opts));
		opts.redact = k & 1;
		opts.src = k & 2 ? &src : NULL;
		opts.invalid = k == 3;
		kp_buf_reset(&out);
		if (kp_render(&out, "html", plan, &opts, &err) < 0) {
			if (!err.msg[0])
				abort();
			continue;
		}
		check_html(&out);
	}
	kp_buf_release(&out);
	kp_plan_free(plan);
	return 0;
}
